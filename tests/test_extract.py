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
    assert clean_body(body) == ("Jakarta - Sebanyak 120 PMI diberangkatkan.\n"
                                "Mereka akan bekerja di sektor manufaktur, baca juga laporan "
                                "kami besok.")


@pytest.mark.parametrize(("title", "sitename", "host", "expected"), [
    ("Judul Berita - ANTARA News", "ANTARA News", "antaranews.com", "Judul Berita"),
    ("Judul Berita | Kementerian Ketenagakerjaan", "Kementerian Ketenagakerjaan", None,
     "Judul Berita"),
    ("Judul Berita - Kompas.com", None, "www.kompas.com", "Judul Berita"),
    ("Indonesia - Jepang Sepakati Kerja Sama", None, "antaranews.com",
     "Indonesia - Jepang Sepakati Kerja Sama"),
])
def test_titles_lose_the_site_name(title: str, sitename: str | None, host: str | None,
                                   expected: str) -> None:
    assert clean_title(title, sitename, host) == expected
