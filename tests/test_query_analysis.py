"""Text analysis: the Indonesian stemmer, CJK tokens, and the archive's analysed index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from alerts import parse
from storage import Analysed, Archive, Pattern, analyse, stem
from storage.archive import _statements
from storage.schema import MIGRATIONS


@pytest.mark.parametrize(("root", "forms"), [
    ("tempat", "penempatan ditempatkan menempatkan penempatannya menempatkannya"),
    ("berangkat", "diberangkatkan memberangkatkan pemberangkatan keberangkatan berangkat"),
    ("deportasi", "deportasi dideportasi mendeportasi"),
    ("kerja", "dipekerjakan mempekerjakan pekerja bekerja pekerjanya"),
    ("lindung", "perlindungan pelindungan dilindungi melindungi"),
    ("selundup", "penyelundupan menyelundupkan diselundupkan"),
    ("pulang", "dipulangkan pemulangan kepulangan"),
    ("tahan", "ditahan tahanan"),
    ("rawat", "perawat merawat dirawat"),
])
def test_affixed_forms_share_their_root(root: str, forms: str) -> None:
    assert {stem(form) for form in forms.split()} == {root}


@pytest.mark.parametrize("word", [
    "setempat", "berita", "kerja", "tki", "pmi", "asean", "2026", "k3", "abk", "makan"])
def test_roots_short_words_and_codes_stay_as_they_are(word: str) -> None:
    assert stem(word) == word


def test_analysis_folds_stems_and_splits_cjk() -> None:
    assert analyse("Pekerja Migrán ditempatkan") == "kerja migran tempat"
    assert analyse("特定技能の外国人") == "特 定 技 能 の 外 国 人"
    assert analyse("고용허가제를") == "고 용 허 가 제 를"
    assert analyse(None) == ""


def test_explanations_find_exact_and_analysed_hits() -> None:
    text = Analysed("Judul", "Tujuh pekerja migran ditempatkan di Korea lewat EPS-TOPIK.")
    assert text.matches(Pattern(("pekerja", "migran")))
    assert text.matches(Pattern(("tempat",), analysed=True))
    assert not text.matches(Pattern(("tempat",)))
    assert text.matches(Pattern(("eps", "top"), prefix=True))
    assert not text.matches(Pattern(("korea",), fields=("title",)))
    snippet = text.snippet([Pattern(("tempat",), analysed=True), Pattern(("eps", "topik"))])
    assert snippet == ("Tujuh pekerja migran **ditempatkan** di Korea lewat "
                       "**EPS-TOPIK**.")


def make_version_1_archive(path: Path) -> None:
    """An archive exactly as migration 1 left it, with two articles in it."""
    db = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    for number, text in enumerate(["Tujuh PMI ditempatkan di Taiwan.",
                                   "Penempatan pekerja migran ke Jepang dibuka."], start=1):
        db.execute("INSERT INTO articles (url, canonical_url, source, title, text,"
                   " first_seen_at, content_hash) VALUES (?, ?, 'news', ?, ?, ?, ?)",
                   [f"https://a.id/{number}", f"https://a.id/{number}", f"Berita {number}",
                    text, "2026-11-01T00:00:00+00:00", str(number)])
    db.commit()
    db.close()


def test_a_version_1_archive_upgrades_and_is_backfilled(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_version_1_archive(path)
    with Archive.open(path) as archive:
        assert archive.schema_version == len(MIGRATIONS) >= 2
        query = parse("~penempatan")
        assert sorted(hit.id for hit in archive.search(query.fts)) == [1, 2]
        assert [hit.id for hit in archive.search(parse("Taiwan").fts)] == [1]
        archive.db.execute("DELETE FROM articles WHERE id = 1")
        archive.db.execute("UPDATE articles SET text = 'Tidak ada lagi.' WHERE id = 2")
        assert archive.search(query.fts) == []
        assert archive.db.execute(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
