"""Extraction on pages built like today's Indonesian news sites, furniture and all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import extract_article

STORY = [
    "Jakarta - Kementerian Ketenagakerjaan memberangkatkan 120 pekerja migran Indonesia ke "
    "Jepang melalui skema Specified Skilled Worker pada Senin pagi dari Bandara Soekarno-Hatta.",
    "Menteri Ketenagakerjaan mengatakan para pekerja telah mengikuti pelatihan bahasa dan "
    "keterampilan selama enam bulan di balai latihan kerja milik pemerintah di Bekasi.",
    "Mereka akan bekerja di sektor perawatan lansia, manufaktur dan pertanian di sejumlah "
    "prefektur, dengan kontrak tiga tahun yang dapat diperpanjang sesuai aturan Jepang.",
    "Pemerintah juga meminta perusahaan penempatan memastikan tidak ada biaya berlebihan yang "
    "dibebankan kepada calon pekerja sebelum keberangkatan, kata pejabat kementerian.",
    "Sepanjang tahun ini lebih dari empat ribu pekerja migran telah ditempatkan di Jepang, naik "
    "dibanding tahun lalu, menurut data Badan Pelindungan Pekerja Migran Indonesia.",
]
FURNITURE = ("baca juga", "advertisement", "scroll to continue", "simak video", "gambas",
             "lihat juga", "berita terkait", "penulis:", "editor:", "pewarta", "(rrd/rir)",
             "(foto:", "detikcom)", "artikel lainnya")


def page(head: str, article: str, *, title: str = "Ratusan PMI Berangkat ke Jepang") -> bytes:
    """A news page: navigation, the article, a sidebar of other stories, a footer."""
    sidebar = "".join(
        f'<li><a href="/berita/{n}">Berita lain nomor {n} tentang ekonomi</a>'
        f'<span class="date">Kamis, 18 Jun 2026 0{n}:00 WIB</span></li>' for n in range(1, 8))
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
    <title>{title} - Portal Berita</title>{head}</head><body>
    <header><nav><a href="/">Beranda</a> <a href="/news">News</a> <a href="/finance">Finance</a>
    </nav></header><main><article>{article}</article>
    <aside><h3>Terpopuler</h3><ul>{sidebar}</ul></aside></main>
    <footer><p>Copyright © 2026 Portal Berita. All rights reserved.</p></footer>
    </body></html>""".encode()


def paragraphs(inserts: dict[int, str]) -> str:
    """The story's paragraphs with furniture inserted after the given ones."""
    return "".join(f"<p>{text}</p>{inserts.get(n, '')}" for n, text in enumerate(STORY))


def assert_clean(text: str) -> None:
    lowered = text.casefold()
    assert [phrase for phrase in FURNITURE if phrase in lowered] == []
    for paragraph in STORY:
        assert paragraph in text


def test_detik_like_page_with_ad_slots_and_video_teaser() -> None:
    ad = ('<div class="parallaxindetail"><div class="para_caption">ADVERTISEMENT</div>'
          '<div class="para_caption"><span>SCROLL TO CONTINUE WITH CONTENT</span></div></div>')
    article = (
        '<div class="detail__header"><h1 class="detail__title">Ratusan PMI Berangkat ke Jepang'
        '</h1><div class="detail__author">Rina Oktaviani - detikFinance</div>'
        '<div class="detail__date">Senin, 22 Jun 2026 14:05 WIB</div></div>'
        '<figure><img src="/a.jpg"><figcaption>Para pekerja migran di bandara. (Foto: Rina '
        'Oktaviani/detikcom)</figcaption></figure><div class="detail__body-text">'
        + paragraphs({1: ad, 2: '<table class="linksisip"><tr><td><div class="lihatjg">'
                      '<strong>Baca juga:</strong> <a href="/b/1">Menaker Lepas PMI ke Korea'
                      '</a></div></td></tr></table>', 3: ad})
        + '<p><strong>Simak Video "Menaker Lepas Pekerja Migran"</strong></p>'
        '<p>(rrd/rir)</p></div>')
    found = extract_article(page("", article), "https://finance.detik.example/berita/1",
                            fetched_at=datetime(2026, 6, 22, 9, tzinfo=UTC))
    assert found is not None
    assert_clean(found.text)
    assert found.title == "Ratusan PMI Berangkat ke Jepang"
    assert found.published_at == "2026-06-22T14:05:00+07:00"
    assert found.published_from == "page-text"
    assert found.language == "id"


def test_cnn_like_page_with_gambas_and_a_related_list() -> None:
    related = ('<div class="box-related"><strong>Baca Juga :</strong><ul>'
               '<li><a href="/r/1">Kisah TKI di Hong Kong yang Sukses Berwirausaha</a></li>'
               '<li><a href="/r/2">Pemerintah Kaji Ulang Skema G to G dengan Korea</a></li>'
               '</ul></div>')
    article = ("<h1>Ratusan PMI Berangkat ke Jepang</h1><div class='detail-text'>"
               + paragraphs({0: related, 2: "<p>[Gambas:Video CNN]</p>"})
               + "<p>Lihat Juga : Daftar Negara Tujuan PMI Terbanyak</p><p>(fby/agt)</p></div>")
    head = ('<meta property="article:published_time" content="2026-06-22T07:05:00Z">'
            '<meta name="author" content="Feby Novalius">')
    found = extract_article(page(head, article), "https://cnnindonesia.example/ekonomi/1")
    assert found is not None
    assert_clean(found.text)
    assert found.published_at == "2026-06-22T07:05:00+00:00"
    assert found.author == "Feby Novalius"


def test_kompas_like_page_with_inline_boxes_and_byline() -> None:
    box = ('<p><strong>Baca juga: <a href="https://kompas.example/read/2">Jepang Buka '
           'Lowongan Perawat Lansia untuk WNI</a></strong></p>')
    article = ('<h1 class="read__title">Ratusan PMI Berangkat ke Jepang</h1>'
               '<div class="read__time">Kompas.com - 22/06/2026, 14:05 WIB</div>'
               '<div class="read__content">' + paragraphs({1: box, 3: box})
               + '<p>Penulis: Rina Oktaviani<br>Editor: Hadi Prasetyo</p></div>'
               '<div class="read__related"><h3>Berita Terkait</h3><ul>'
               + "".join(f'<li><a href="/read/{n}">Berita terkait nomor {n} soal PMI</a></li>'
                         for n in range(4)) + '</ul></div>')
    head = '<meta property="article:published_time" content="2026-06-22T14:05:00+07:00">'
    found = extract_article(page(head, article, title="Ratusan PMI Berangkat ke Jepang"),
                            "https://kompas.example/read/1")
    assert found is not None
    assert_clean(found.text)
    assert found.published_at == "2026-06-22T14:05:00+07:00"
    assert found.author == "Rina Oktaviani"


def test_metadata_clock_with_a_false_zone_takes_the_datelines_zone() -> None:
    head = '<meta name="pubdate" content="2026-06-16T14-05-11Z">'
    article = ("<h1>Ratusan PMI Berangkat ke Jepang</h1>"
               "<div class='date'>Selasa 16 Jun 2026, 14:05 WITA</div>" + paragraphs({}))
    found = extract_article(page(head, article), "https://x.example/1")
    assert found is not None
    assert found.published_at == "2026-06-16T14:05:11+08:00"
    assert found.published_from == "page"


def test_update_time_is_kept_apart() -> None:
    head = ('<meta property="article:published_time" content="2026-06-16T10:00:00+07:00">'
            '<meta property="article:modified_time" content="2026-06-16T05:30:00Z">')
    found = extract_article(page(head, "<h1>Judul</h1>" + paragraphs({})), "https://x.example/")
    assert found is not None
    assert found.published_at == "2026-06-16T10:00:00+07:00"
    assert found.updated_at == "2026-06-16T05:30:00+00:00"
    assert found.published_from == "page"


def test_relative_dateline_counts_back_from_the_fetch() -> None:
    article = ("<h1>Ratusan PMI Berangkat ke Jepang</h1><span class='time'>2 jam yang lalu"
               "</span>" + paragraphs({}))
    found = extract_article(page("", article), "https://x.example/1",
                            fetched_at=datetime(2026, 6, 22, 9, 30, 15, tzinfo=UTC))
    assert found is not None
    assert found.published_at == "2026-06-22T07:30:00+00:00"
    assert found.published_from == "page-relative"


@pytest.mark.parametrize(("text", "language"), [
    ("外国人労働者の受け入れ拡大に向けて、政府は特定技能制度の対象分野を広げる方針だ。" * 6, "ja"),
    ("정부는 고용허가제를 통해 입국하는 외국인 근로자의 규모를 내년에 확대하기로 했다. " * 6, "ko"),
    ("印度尼西亚劳工部表示，将加强对在海外工作的印尼劳工的保护，并打击非法中介机构。" * 6, "zh"),
    ("The labour ministry sent 120 Indonesian migrant workers to Japan on Monday under the "
     "specified skilled worker scheme, officials said. " * 4, "en"),
])
def test_language_is_read_from_the_text(text: str, language: str) -> None:
    html = f"<html lang='id'><head><title>T</title></head><body><article><p>{text}</p>" \
           "</article></body></html>"
    found = extract_article(html, "https://x.example/1")
    assert found is not None
    assert found.language == language


def test_titles_keep_the_headline_shown_in_h1() -> None:
    html = page("", "<h1>Ratusan PMI Berangkat ke Jepang</h1>" + paragraphs({}),
                title="KapanLagi.com: Ratusan PMI Berangkat ke Jepang")
    found = extract_article(html, "https://x.example/1")
    assert found is not None
    assert found.title == "Ratusan PMI Berangkat ke Jepang"
