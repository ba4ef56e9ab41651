"""The query language: what it compiles to, what it matches in a real archive, its errors."""

from __future__ import annotations

import pytest

from alerts import QuerySyntaxError, parse
from storage import Archive
from tests.conftest import article


@pytest.mark.parametrize(("query", "fts"), [
    ("pekerja migran", '("pekerja" AND "migran")'),
    ('"pekerja migran" OR PMI', '("pekerja migran" OR "PMI")'),
    ('TKI NOT "palang merah"', '("TKI" NOT "palang merah")'),
    ("(Jepang OR Korea) kaigo", '(("Jepang" OR "Korea") AND "kaigo")'),
    ("penempat*", '"penempat"*'),
    ("calo NEAR/5 TKI", 'NEAR("calo" "TKI", 5)'),
    ("title:deportasi", 'title : "deportasi"'),
    ("EPS-TOPIK G-to-G", '("EPS TOPIK" AND "G to G")'),
    ("pekerja and migran", '("pekerja" AND "and" AND "migran")'),
])
def test_compiles_to_fts5(query: str, fts: str) -> None:
    assert parse(query).fts == fts


def test_terms_exclude_negated_ones() -> None:
    assert [t.label for t in parse('TKI OR TKW NOT "palang merah"').terms] == ["TKI", "TKW"]


@pytest.mark.parametrize(("query", "position", "words"), [
    ("pekerja AND", 11, "ends where"),
    ("(pekerja OR TKI", 0, "never closed"),
    ("NOT TKI", 0, "needs a word"),
    ('"pekerja migran', 0, "closing quote"),
    ("judul:TKI", 0, "unknown field"),
    ("TKI )", 4, "unexpected"),
    ("(a OR b) NEAR/3 c", 0, "NEAR joins"),
])
def test_syntax_errors_point_at_the_mistake(query: str, position: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.position == position
    assert words in str(caught.value)
    assert caught.value.pointer().splitlines()[1] == " " * position + "^"


@pytest.fixture
def filled(archive: Archive) -> Archive:
    texts = [
        "Kepala UDD PMIK menerima kunjungan mahasiswa.",
        "Sebanyak 120 PMI diberangkatkan melalui program EPS-TOPIK ke Korea.",
        "Peserta ujian EPS TOPIK bertambah tahun ini.",
        "Kerja sama G to G dengan Jepang diperluas.",
        "Perlindungan pekerja migran jadi prioritas Sécretariat.",
        "Penempatan dan penempatannya diawasi.",
    ]
    for number, text in enumerate(texts, start=1):
        archive.add_article(article(number, text))
    return archive


def ids(archive: Archive, query: str) -> list[int]:
    return sorted(hit.id for hit in archive.search(parse(query).fts))


def test_acronyms_are_whole_words(filled: Archive) -> None:
    assert ids(filled, "PMI") == [2]


def test_hyphenated_terms_match_either_spelling(filled: Archive) -> None:
    assert ids(filled, "EPS-TOPIK") == [2, 3]
    assert ids(filled, "G-to-G") == [4]


def test_case_and_accents_do_not_matter(filled: Archive) -> None:
    assert ids(filled, "secretariat") == [5]
    assert ids(filled, "PEKERJA") == [5]


def test_prefix_catches_affixed_forms(filled: Archive) -> None:
    assert ids(filled, "penempat*") == [6]
