"""Extraction on real pages, and on input that is not a page at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract import clean_body, clean_title, extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.mark.parametrize(("name", "title", "starts"), [
    ("detik", "Mahasiswa UGM Kembangkan Robot Terapi Pascastroke", "Selasa 16 Jun 2015"),
    ("kompas", "Supaya Timnya Mengalah, Eks Pelatih Mengaku Ditawari Rp 200 Juta", None),
    ("thejakartapost", "Suspect caught in US black church 'hate crime' rampage", None),
])
def test_real_pages_give_title_and_body(name: str, title: str, starts: str | None) -> None:
    extracted = extract_article((PAGES / f"{name}.html").read_bytes(), f"https://{name}.example/")
    assert extracted is not None
    assert extracted.title == title
    assert len(extracted.text) > 1000
    assert "baca juga" not in extracted.text.lower()


# shared/ sits beside the repository (CI) or beside its worktrees' folder.
CORPUS = next((root / "shared" / "corpus" / "slasher-2015"
               for root in Path(__file__).resolve().parents[1].parents
               if (root / "shared" / "corpus" / "slasher-2015").is_dir()), Path("/nonexistent"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the project")
@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.html")), ids=lambda path: path.stem)
def test_corpus_pages_have_clean_bodies_titles_and_zoned_dates(path: Path) -> None:
    extracted = extract_article(path.read_bytes(), f"https://{path.stem}.example/berita/1")
    assert extracted is not None
    lowered = extracted.text.casefold()
    for phrase in ("baca juga", "advertisement", "scroll to continue", "simak video", "gambas",
                   "lihat juga", "berita terkait", "penulis:", "editor:", "pewarta:"):
        assert phrase not in lowered
    assert extracted.title and not any(name in extracted.title.casefold() for name in (
        ".com", "okezone", "tribunnews", "kompas", "merdeka", "viva.co", "jakarta globe"))
    if extracted.language == "id" and extracted.published_from == "page-text":
        assert extracted.published_at and extracted.published_at.endswith("+07:00")


def test_a_page_with_an_offset_keeps_it() -> None:
    page = b"""<html lang="id"><head><title>Judul - ANTARA News</title>
    <meta property="article:published_time" content="2026-11-24T14:05:00+07:00"></head>
    <body><article><h1>Judul</h1><p>""" + b"Kalimat berita yang cukup panjang. " * 40 + b"""</p>
    </article></body></html>"""
    extracted = extract_article(page, "https://antaranews.example/berita/1/judul")
    assert extracted is not None
    assert extracted.published_at == "2026-11-24T14:05:00+07:00"
    assert extracted.published_from == "page"
    assert extracted.language == "id"


@pytest.mark.parametrize("page", [
    b"",
    bytes(range(256)) * 64,
    b"<html><body><nav><a href='/'>Beranda</a></nav></body></html>",
    "   ",
])
def test_input_without_an_article_gives_none(page: bytes | str) -> None:
    assert extract_article(page, "https://example.id/x") is None


def test_a_huge_page_is_handled() -> None:
    paragraph = "<p>" + "Pekerja migran Indonesia diberangkatkan ke Jepang. " * 20 + "</p>"
    page = ("<html><body><article>" + paragraph * 5000 + "</article></body></html>").encode()
    assert len(page) > 5_000_000
    extracted = extract_article(page, "https://example.id/besar")
    assert extracted is None or len(extracted.text) > 1000


def test_boilerplate_lines_are_dropped_and_sentences_kept() -> None:
    body = """Jakarta - Sebanyak 120 PMI diberangkatkan.
Baca juga: Menaker lepas PMI ke Korea
ADVERTISEMENT
SCROLL TO CONTINUE WITH CONTENT
Mereka akan bekerja di sektor manufaktur, baca juga laporan kami besok.
[Gambas:Video CNN]
Pewarta: Rina Oktaviani
Editor: Hadi Prasetyo
(rrd/rir)"""
    cleaned = clean_body(body)
    assert cleaned.text == ("Jakarta - Sebanyak 120 PMI diberangkatkan.\n"
                            "Mereka akan bekerja di sektor manufaktur, baca juga laporan "
                            "kami besok.")
    assert cleaned.byline == "Rina Oktaviani"


def test_header_lines_and_captions_above_the_story_are_dropped() -> None:
    body = """Selasa 16 Jun 2026, 14:05 WIB
MUDA DAN BERPRESTASI
Judul Berita Ini
Para pekerja di bandara. (Bagus Kurniawan/detikcom)
Yogyakarta - Lima mahasiswa mengembangkan alat terapi, kata dia (16/6/2026).
Oleh :
Adrianus Mandey
Penulis: Fajar Nugraha · Editor: Maya Sari
Reporter : Ramadhian Fadillah | Jumat, 19 Juni 2015 03:40
Kalimat terakhir berita. (Ant/Rtr)"""
    cleaned = clean_body(body, "Judul Berita Ini")
    assert cleaned.text == ("Yogyakarta - Lima mahasiswa mengembangkan alat terapi, kata dia "
                            "(16/6/2026).\nKalimat terakhir berita.")
    assert cleaned.byline == "Adrianus Mandey"


@pytest.mark.parametrize(("title", "sitename", "host", "expected"), [
    ("Judul Berita - ANTARA News", "ANTARA News", "antaranews.com", "Judul Berita"),
    ("Judul Berita | Kementerian Ketenagakerjaan", "Kementerian Ketenagakerjaan", None,
     "Judul Berita"),
    ("Judul Berita - Kompas.com", None, "www.kompas.com", "Judul Berita"),
    ("Indonesia - Jepang Sepakati Kerja Sama", None, "antaranews.com",
     "Indonesia - Jepang Sepakati Kerja Sama"),
    ("KapanLagi.com: Judul Berita", None, None, "Judul Berita"),
    ("Judul Berita | Republika Online", "Republika Online", "republika.co.id", "Judul Berita"),
    ("Judul Berita :: Okezone News", None, "news.okezone.com", "Judul Berita"),
])
def test_titles_lose_the_site_name(title: str, sitename: str | None, host: str | None,
                                   expected: str) -> None:
    assert clean_title(title, sitename, host) == expected
