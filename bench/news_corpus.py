"""Synthetic Indonesian news at realistic sizes, for benchmarks of the archive at scale.

    .venv/bin/python -m bench.news_corpus /tmp/pantau-1m.db --articles 1000000

Each article is 300–600 words of Indonesian news prose: sentences from templates of the genre
("... kata Kepala Dinas ... di Surabaya, Senin (12/5/2026).") filled from topic vocabularies
(politics, economy, labour migration, crime, health, education, disasters, sport, technology),
affixed word forms built from a few hundred roots (me-/di-/pe-/ber-/-kan/-an/-nya), thousands
of person and place names, numbers and dates, and connective words at their usual frequency.
Word frequencies follow a Zipf-like curve, so a few words are in nearly every article and most
are rare, as in real news. About 5 % of the articles are on labour migration, and about 6 % are
syndicated copies of an earlier story by another outlet (same ``cluster_id``).

Articles go in through bulk ``INSERT`` statements inside large transactions; the archive's own
triggers keep the full-text index (with its analysed columns) in step, exactly as for articles
the crawler adds. The near-duplicate search of ``Archive.add_article`` is skipped: clusters are
known here by construction.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from storage import Archive

SOURCES = ("kemnaker", "bp2mi", "antaranews", "kompas", "detik", "tempo", "cnnindonesia",
           "liputan6", "republika", "okezone", "tribunnews", "suara", "merdeka", "viva",
           "jawapos", "mediaindonesia", "sindonews", "kumparan", "idntimes", "bisnis",
           "thejakartapost")


def _words(text: str) -> list[str]:
    """A vocabulary written as one string of words."""
    return text.split()


WIB = timezone(timedelta(hours=7))
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

FUNCTION_WORDS = _words(
    "yang di dan ini itu dengan untuk dari dalam tidak akan pada juga ke karena oleh sebagai "
    "atau bahwa telah sudah ada mereka kami kita saat masih bisa dapat lebih harus para "
    "secara antara setelah sebelum hingga agar namun tetapi jika sehingga serta belum tersebut "
    "hal lain banyak baru hanya sangat paling kepada terhadap melalui menurut sejak selama "
    "tahun bulan hari pekan lalu kemarin sekitar sejumlah sebanyak beberapa seluruh setiap"
)

ROOTS = _words(
    "kerja tempat angkat kirim lindung ajar bangun bantu periksa jual beli bayar terima "
    "tolak ubah atur kelola awas jaga bina latih didik rawat obat sakit sehat tanam panen "
    "jalan pimpin putus tetap tentu laku lapor adu tuntut tahan tangkap sidang hukum adil "
    "damai perang aman selamat rusak hancur banjir bakar padam cari temu hilang pulang "
    "tinggal datang masuk keluar naik turun tambah kurang hitung catat data daftar pilih "
    "menang kalah main tanding latih juara dukung tolong minta harap yakin pikir rasa "
    "dengar lihat baca tulis kata bicara jelas tanya jawab umum undang resmi buka tutup "
    "mulai akhir selesai lanjut henti tunda cepat lambat ringan berat murah mahal untung "
    "rugi modal usaha dagang pasar harga nilai tukar uang pajak cukai ekspor impor produksi "
    "industri tani nelayan ternak kebun hutan tambang minyak listrik energi air tanah laut "
    "udara kapal pesawat kereta mobil motor jalan jembatan gedung rumah kota desa wilayah "
    "daerah negara bangsa rakyat warga masyarakat keluarga anak ibu bapak guru murid dokter "
    "perawat polisi tentara hakim jaksa saksi korban pelaku tersangka terdakwa penjara "
    "denda sanksi izin syarat aturan kebijakan program rencana anggaran dana proyek "
    "capai tingkat turun angka persen jumlah besar kecil luas sempit dalam luar tengah "
    "kuat lemah tumbuh kembang maju mundur ganti pindah sebar kumpul satu gabung pisah"
)
PREFIXES = ("", "", "", "me", "di", "pe", "ber", "ter", "ke", "per")
SUFFIXES = ("", "", "", "kan", "an", "nya", "i", "annya", "kannya")

TOPICS: dict[str, str] = {
    "politik": "presiden menteri gubernur bupati wali DPR DPRD partai koalisi oposisi pemilu "
               "pilkada kampanye suara calon kandidat kabinet reshuffle undang-undang RUU "
               "fraksi parlemen demokrasi konstitusi KPU Bawaslu istana wakil ketua sekjen",
    "ekonomi": "inflasi rupiah dolar saham IHSG investasi investor bank kredit bunga BI OJK "
               "pertumbuhan PDB neraca perdagangan defisit surplus APBN subsidi BUMN UMKM "
               "startup emiten obligasi triliun miliar juta manufaktur PMI konsumsi daya beli",
    "migrasi": "pekerja migran Indonesia PMI TKI TKW CPMI BP2MI BP3MI KP2MI penempatan "
               "pemberangkatan penampungan calo P3MI nonprosedural TPPO perdagangan orang "
               "deportasi dipulangkan repatriasi jenazah KBRI KJRI majikan gaji remitansi "
               "Malaysia Taiwan Hongkong Jepang Korea Selatan Arab Saudi EPS-TOPIK magang "
               "caregiver kaigo perawat lansia moratorium kontrak paspor visa imigrasi overstay",
    "hukum": "polisi polres polda Bareskrim KPK kejaksaan pengadilan hakim jaksa terdakwa "
             "tersangka vonis dakwaan penyidik korupsi suap gratifikasi narkoba sabu "
             "pencurian penipuan pembunuhan penganiayaan barang bukti penyidikan praperadilan",
    "kesehatan": "rumah sakit puskesmas dokter perawat pasien vaksin imunisasi stunting gizi "
                 "demam berdarah DBD tuberkulosis BPJS Kesehatan Kemenkes obat wabah virus "
                 "kasus positif klinik apotek gejala pengobatan rujukan tenaga kesehatan",
    "pendidikan": "sekolah siswa guru murid kurikulum ujian beasiswa kampus universitas "
                  "mahasiswa rektor dosen Kemendikbud PPDB zonasi akreditasi SD SMP SMA SMK "
                  "pesantren santri literasi pelajaran semester wisuda skripsi",
    "bencana": "banjir longsor gempa tsunami erupsi gunung BNPB BPBD BMKG pengungsi "
               "evakuasi korban jiwa rumah rusak hujan deras cuaca ekstrem kekeringan "
               "kebakaran hutan lahan posko logistik relawan tanggap darurat siaga",
    "olahraga": "Timnas PSSI Liga sepak bola pelatih pemain gol laga pertandingan klub "
                "Persija Persib Arema bulu tangkis PBSI medali SEA Games Asian Games atlet "
                "stadion suporter klasemen turnamen final juara kualifikasi",
    "teknologi": "digital internet aplikasi data siber peretas Kominfo startup e-commerce "
                 "ponsel jaringan 5G satelit kecerdasan buatan AI platform pengguna akun "
                 "server daring transaksi dompet digital keamanan privasi",
}
TOPIC_WEIGHTS = {"politik": 18, "ekonomi": 18, "migrasi": 5, "hukum": 15, "kesehatan": 10,
                 "pendidikan": 9, "bencana": 9, "olahraga": 10, "teknologi": 6}

FIRST_NAMES = _words("Agus Budi Siti Dewi Eko Sri Wahyu Rina Andi Yusuf Joko Ahmad Muhammad Nur "
               "Dian Fitri Hendra Indra Rudi Bambang Slamet Suryani Lestari Putri Adi Bayu "
               "Ratna Yanti Hadi Heru Teguh Ayu Citra Fajar Gita Hasan Ikhsan Kurnia Lukman "
               "Maya Nanda Oki Pratiwi Rizky Sari Taufik Umar Vina Wulan Yoga Zainal")
LAST_NAMES = _words("Santoso Wibowo Saputra Hidayat Kurniawan Setiawan Pratama Nugroho Siregar "
              "Nasution Harahap Lubis Simanjuntak Sitompul Wijaya Gunawan Susanto Rahman "
              "Hakim Syahputra Purnomo Hartono Sulistyo Prasetyo Utomo Firmansyah Halim "
              "Kusuma Permana Ramadhan Tanjung Pane Manurung Sinaga Matondang Pohan")
PLACES = _words("Jakarta Surabaya Bandung Medan Semarang Makassar Palembang Denpasar Yogyakarta "
          "Malang Solo Bogor Bekasi Depok Tangerang Cirebon Indramayu Cilacap Banyumas "
          "Kendal Lampung Padang Pekanbaru Batam Pontianak Banjarmasin Samarinda Balikpapan "
          "Manado Kupang Mataram Ambon Jayapura Sorong Palu Kendari Gorontalo Jambi Bengkulu "
          "Serang Tasikmalaya Garut Sukabumi Karawang Subang Kediri Jember Banyuwangi "
          "Lombok Sumbawa Flores Nunukan Tarakan Dumai Tegal Pekalongan Magelang Klaten")
COUNTRIES = _words("Malaysia Singapura Taiwan Hongkong Jepang Korea Arab Saudi Qatar Uni Emirat "
             "Kuwait Jerman Belanda Australia Amerika Serikat China Thailand Vietnam Kamboja "
             "Myanmar Filipina Brunei Turki Mesir")
ROLES = ("Kepala Dinas", "Menteri", "Direktur Jenderal", "Kapolres", "Bupati", "Gubernur",
         "Ketua", "Sekretaris Daerah", "Kepala Badan", "Juru bicara", "Direktur Utama",
         "pengamat", "Kepala Desa", "Anggota Komisi IX DPR", "Wakil Ketua")

TEMPLATES = (
    "{role} {name} mengatakan {clause} di {place}, {day} ({date}).",
    "Menurut {role} {name}, {clause}.",
    "{clause}, kata {name} kepada wartawan di {place}.",
    "Sebanyak {number} {noun} {clause} sejak awal {year}.",
    "\"{clause},\" ujar {name}, {role} {place}.",
    "Hal itu disampaikan {role} {name} dalam rapat di {place} pada {day} ({date}).",
    "Data {org} menunjukkan {number} {noun} {clause} pada {year}.",
    "Pemerintah {clause} dan {clause2}.",
    "Di {place}, {clause} hingga {number} {noun}.",
    "Ia menambahkan, {clause} agar {clause2}.",
    "Sementara itu, {clause} di {country} {clause2}.",
    "Kejadian tersebut {clause} sekitar pukul {hour}.{minute} WIB.",
)
ORGS = ("BPS", "Kemnaker", "BP2MI", "BNPB", "Kemenkes", "Bank Indonesia", "OJK", "Polri",
        "KPU", "Kemendikbud", "BMKG", "Kemlu", "Kominfo", "Pemprov", "Pemkab")


def affixed(prefix: str, root: str, suffix: str) -> str:
    """A word form: ``me``/``pe`` take the nasal of the root's first sound (menulis, pengusaha)."""
    if prefix in ("me", "pe"):
        first = root[0]
        if first in "aiueogh":
            prefix += "ng"
        elif first == "k":
            prefix, root = prefix + "ng", root[1:]
        elif first in "bfv":
            prefix += "m"
        elif first == "p":
            prefix, root = prefix + "m", root[1:]
        elif first in "dcjz":
            prefix += "n"
        elif first == "t":
            prefix, root = prefix + "n", root[1:]
        elif first == "s":
            prefix, root = prefix + "ny", root[1:]
    return prefix + root + suffix


class Vocabulary:
    """Words with Zipf-like weights, and draws from them."""

    def __init__(self, rng: random.Random) -> None:
        forms = sorted({affixed(p, r, s) for r in ROOTS for p in PREFIXES for s in SUFFIXES})
        rng.shuffle(forms)
        self.general = FUNCTION_WORDS + forms
        # Function words first: rank r has weight 1/r, the long tail of affixed forms rare.
        self.general_cum = list(itertools.accumulate(1 / (r + 1) for r in
                                                     range(len(self.general))))
        self.topics = {name: words.split() for name, words in TOPICS.items()}
        self.topic_names = list(TOPIC_WEIGHTS)
        self.topic_cum = list(itertools.accumulate(TOPIC_WEIGHTS.values()))
        self.rng = rng

    def clause(self, topic: list[str], length: int) -> str:
        """A run of words: topic words among general prose, roughly 1 in 4."""
        rng = self.rng
        general = rng.choices(self.general, cum_weights=self.general_cum, k=length)
        return " ".join(rng.choice(topic) if rng.random() < 0.25 else word for word in general)


def article_text(vocab: Vocabulary, topic: str, words: int, when: datetime) -> tuple[str, str]:
    """A title and a body of about ``words`` words on ``topic``."""
    rng = vocab.rng
    pool = vocab.topics[topic]
    sentences: list[str] = []
    count = 0
    while count < words:
        template = rng.choice(TEMPLATES)
        sentence = template.format(
            role=rng.choice(ROLES), name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            clause=vocab.clause(pool, rng.randint(5, 14)),
            clause2=vocab.clause(pool, rng.randint(4, 10)),
            place=rng.choice(PLACES), country=rng.choice(COUNTRIES), day=DAYS[when.weekday()],
            date=f"{when.day}/{when.month}/{when.year}", year=when.year - rng.randint(0, 2),
            number=f"{rng.randint(2, 5000):,}".replace(",", "."), noun=rng.choice(pool),
            org=rng.choice(ORGS), hour=f"{rng.randint(0, 23):02d}",
            minute=f"{rng.randint(0, 59):02d}")
        sentences.append(sentence[0].upper() + sentence[1:])
        count += sentence.count(" ") + 1
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    title = vocab.clause(pool, rng.randint(6, 11))
    return title[0].upper() + title[1:], "\n\n".join(paragraphs)


def rows(count: int, seed: int = 2026, days: int = 365,
         end: datetime | None = None) -> Iterator[tuple[object, ...]]:
    """``count`` article rows, ids 1..count, oldest first, over the last ``days`` days."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    end = end or datetime(2026, 11, 30, tzinfo=UTC)
    start = end - timedelta(days=days)
    step = (end - start) / max(count, 1)
    recent: list[tuple[int, str, str]] = []
    for number in range(1, count + 1):
        when = start + step * number + timedelta(minutes=rng.randint(-90, 0))
        source = rng.choice(SOURCES)
        if recent and rng.random() < 0.06:  # another outlet carries a recent story
            cluster, title, text = rng.choice(recent)
            text = text.rsplit("\n\n", 1)[0] if rng.random() < 0.5 else text
        else:
            topic = rng.choices(vocab.topic_names, cum_weights=vocab.topic_cum)[0]
            title, text = article_text(vocab, topic, rng.randint(300, 600), when)
            cluster = number
            recent = [*recent[-49:], (number, title, text)]
        local = when.astimezone(WIB)
        url = f"https://{source}.example/berita/{number}"
        digest = hashlib.sha256(text.encode()).hexdigest()
        yield (number, url, url, source, title, text, local.isoformat(timespec="seconds"),
               "page", (when + timedelta(minutes=20)).isoformat(timespec="seconds"),
               "id", digest, cluster, json.dumps([]))


INSERT = ("INSERT INTO articles (id, url, canonical_url, source, title, text, published_at,"
          " published_from, first_seen_at, language, content_hash, cluster_id, tags)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def build(path: Path, count: int, batch: int = 5000) -> float:
    """Fill a new archive at ``path`` with ``count`` articles; returns the seconds it took."""
    began = time.perf_counter()
    with Archive.open(path) as archive:
        conn = archive.db.conn
        conn.execute("PRAGMA cache_size = -262144")  # 256 MB: the index merges in memory
        with archive.write():
            conn.executemany("INSERT OR IGNORE INTO sources (name, first_seen_at) VALUES (?, ?)",
                             [(name, "2025-01-01T00:00:00+00:00") for name in SOURCES])
        made = rows(count)
        done = 0
        while chunk := list(itertools.islice(made, batch)):
            with archive.write():
                conn.executemany(INSERT, chunk)
            done += len(chunk)
            print(f"\r{done:,} articles, {time.perf_counter() - began:.0f} s", end="",
                  file=sys.stderr, flush=True)
        print(file=sys.stderr)
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    if args.path.exists():
        sys.exit(f"{args.path} exists; remove it first or pick another path")
    seconds = build(args.path, args.articles)
    size = args.path.stat().st_size
    print(json.dumps({"articles": args.articles, "seconds": round(seconds, 1),
                      "bytes": size, "bytes_per_100k": round(size * 100_000 / args.articles)}))


if __name__ == "__main__":
    main()
