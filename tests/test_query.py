"""The query language: what it compiles to, what it matches in a real archive, its errors."""

from __future__ import annotations

import sqlite3

import pytest

from alerts import QuerySyntaxError, parse
from storage import Archive
from tests.conftest import article

X = "{title text}"
S = "{title_stem text_stem}"


@pytest.mark.parametrize(("query", "fts"), [
    ("pekerja migran", f'({X} : "pekerja" AND {X} : "migran")'),
    ('"pekerja migran" OR PMI', f'({X} : "pekerja migran" OR {X} : "pmi")'),
    ('TKI NOT "palang merah"', f'({X} : "tki" NOT {X} : "palang merah")'),
    ('TKI AND NOT "palang merah"', f'({X} : "tki" NOT {X} : "palang merah")'),
    ("(Jepang OR Korea) kaigo", f'(({X} : "jepang" OR {X} : "korea") AND {X} : "kaigo")'),
    ("penempat*", f'{X} : "penempat"*'),
    ("~penempatan", f'{S} : "tempat"'),
    ('~"diberangkatkan ke Jepang"', f'{S} : "berangkat ke jepang"'),
    ("calo NEAR/5 TKI", f'{X} : NEAR("calo" "tki", 5)'),
    ('"pekerja migran" NEAR/3 ~calo', f'{S} : NEAR("kerja migran" "calo", 3)'),
    ("title:deportasi", '{title} : "deportasi"'),
    ("title:(deportasi OR ~pulang)", '({title} : "deportasi" OR {title_stem} : "pulang")'),
    ("title:(calo NEAR/4 TKI)", '{title} : NEAR("calo" "tki", 4)'),
    # A NEAR of alternatives is every combination; one word form puts its pairs in the
    # analysed columns only.
    ("(calo OR ~sponsor) NEAR/5 TKI",
     f'({X} : NEAR("calo" "tki", 5) OR {S} : NEAR("sponsor" "tki", 5))'),
    ("calo NEAR/5 (TKI OR PMI) NEAR/5 Malaysia",
     f'({X} : NEAR("calo" "tki" "malaysia", 5) OR {X} : NEAR("calo" "pmi" "malaysia", 5))'),
    ("title:((calo OR tekong) NEAR/3 TKI)",
     '({title} : NEAR("calo" "tki", 3) OR {title} : NEAR("tekong" "tki", 3))'),
    ("EPS-TOPIK G-to-G", f'({X} : "eps topik" AND {X} : "g to g")'),
    ("pekerja and migran", f'({X} : "pekerja" AND {X} : "and" AND {X} : "migran")'),
    # FTS5 keywords and special characters inside words are plain text.
    ("NEAR NOTA ORANG", f'({X} : "near" AND {X} : "nota" AND {X} : "orang")'),
    ('SLOM+3 "AND" col:on', None),
    ("特定技能", f'{S} : "特 定 技 能"'),
    ("고용허가제 EPS", f'({S} : "고 용 허 가 제" AND {X} : "eps")'),
])
def test_compiles_to_fts5(query: str, fts: str | None) -> None:
    if fts is None:
        with pytest.raises(QuerySyntaxError, match="unknown field 'col'"):
            parse(query)
        return
    assert parse(query).fts == fts


@pytest.mark.parametrize("query", [
    'SLOM+3 "AND" "NOT" "(" x', "a*b", 'kata"', "NEAR/x", "C++", "1:30", "WNI's",
    "pekerja -migran", "^TKI", "TKI:", "{title}", "a AND b OR c NOT d",
])
def test_odd_characters_compile_to_queries_fts5_accepts(query: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, text, title_stem, text_stem)")
    try:
        fts = parse(query).fts
    except QuerySyntaxError:
        return  # refused with a position is fine; what must not happen is an FTS5 error
    db.execute("SELECT * FROM t WHERE t MATCH ?", [fts]).fetchall()


def test_terms_exclude_negated_ones() -> None:
    assert [t.label for t in parse('TKI OR TKW NOT "palang merah"').terms] == ["TKI", "TKW"]
    assert [t.label for t in parse("TKI AND NOT (PMI OR TKA) ~tempat").terms] == [
        "TKI", "~tempat"]


@pytest.mark.parametrize(("query", "position", "words"), [
    ("pekerja AND", 11, "ends where"),
    ("(pekerja OR TKI", 0, "never closed"),
    ("NOT TKI", 0, "cannot start with NOT"),
    ("TKI OR NOT PMI", 7, "OR NOT excludes from nothing"),
    ('"pekerja migran', 0, "closing quote"),
    ('TKI "pekerja', 4, "closing quote"),
    ("judul:TKI", 0, "unknown field"),
    ("TKI )", 4, "closes nothing"),
    ("TKI ()", 4, "group is empty"),
    ("(a b) NEAR/3 c", 0, "NEAR joins"),
    ("c NEAR/3 (a OR (b OR d))", 0, "NEAR joins"),
    ("title:a NEAR/3 b", 0, "same field"),
    ("title:", 0, "must be followed"),
    ("title:(text:a)", 7, "can never match"),
    ("~ TKI", 0, "'~' must be followed"),
    ("~penempat*", 0, "cannot be combined"),
    ('TKI "penempat*"', 4, 'after the closing quote: "penempat"*'),
    ("penempat* NEAR/5 ~kirim", 0, "would be read as 'tempat*'"),
    ("~kirim NEAR/5 (TKI OR penempat*)", 22, "would be read as 'tempat*'"),
    ("TKI * PMI", 4, "no letters or digits"),
    ("   ", 0, "empty"),
    ("TKI OR", 6, "ends where"),
    ("(TKI OR (PMI AND) )", 16, "needs a word"),
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
        "Dua warga dideportasi dan tujuh pekerja ditempatkan ulang oleh agen.",
        "特定技能の外国人材を受け入れる。고용허가제를 통해 입국한 노동자.",
        "Warga setempat menolak tempat pembuangan sampah baru.",
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


def test_near_of_alternatives_matches_any_pair_within_the_distance(filled: Archive) -> None:
    # 2: "PMI diberangkatkan", 7: "dideportasi ... pekerja ditempatkan": pairs within 3 words.
    assert ids(filled, "(PMI OR pekerja) NEAR/3 (~berangkat OR ~tempat)") == [2, 7]
    assert ids(filled, "(PMI OR pekerja) NEAR/1 (~berangkat OR Jepang)") == [2]
    assert ids(filled, "(warga OR PMI) NEAR/5 (Korea OR ~tempat)") == [7, 9]


def test_a_near_of_too_many_alternatives_asks_to_be_split() -> None:
    many = " OR ".join(f"w{n}" for n in range(30))
    with pytest.raises(QuerySyntaxError, match="900 combinations"):
        parse(f"({many}) NEAR/5 ({many})")


def test_case_and_accents_do_not_matter(filled: Archive) -> None:
    assert ids(filled, "secretariat") == [5]
    assert ids(filled, "PEKERJA") == [5, 7]


def test_prefix_catches_affixed_forms(filled: Archive) -> None:
    assert ids(filled, "penempat*") == [6]


def test_word_forms_catch_affixed_forms_of_the_root(filled: Archive) -> None:
    assert ids(filled, "~penempatan") == [6, 7, 9]
    assert ids(filled, "penempatan") == [6]
    assert ids(filled, "~deportasi") == [7]
    assert ids(filled, "~berangkat EPS-TOPIK") == [2]
    # "setempat" (local) is not a form of "tempat".
    assert ids(filled, "~tempat NOT sampah") == [6, 7]


def test_non_latin_terms_match_inside_runs(filled: Archive) -> None:
    assert ids(filled, "特定技能") == [8]
    assert ids(filled, "外国人材") == [8]
    assert ids(filled, "고용허가제") == [8]
    assert ids(filled, "技能実習") == []


def test_search_explains_each_hit(filled: Archive) -> None:
    query = parse('~penempatan OR "pekerja migran"')
    hits = {hit.id: hit for hit in filled.search(query.fts, terms=query.labelled_patterns)}
    assert hits[7].terms == ("~penempatan",)
    assert "**ditempatkan**" in hits[7].snippet
    assert hits[5].terms == ("pekerja migran",)
    assert "**pekerja migran**" in hits[5].snippet


def test_a_word_beside_a_word_form_in_a_near_is_compared_and_explained_as_word_forms(
        filled: Archive) -> None:
    # The analysed columns hold roots only: one ~term takes the whole NEAR there, and the
    # explanation must not claim "dipekerjakan" hit an article that says "pekerja".
    assert ids(filled, "dipekerjakan NEAR/3 ditempatkan") == []
    query = parse("dipekerjakan NEAR/3 ~tempat")
    assert query.labels == ("~dipekerjakan", "~tempat")
    [hit] = filled.search(query.fts, terms=query.labelled_patterns)
    assert hit.id == 7 and hit.terms == ("~dipekerjakan", "~tempat")
    assert "**pekerja** **ditempatkan**" in hit.snippet
    # A prefix there is the start of a root: it stays one unless the analyser would cut it.
    assert parse("deport* NEAR/5 ~pulang").labels == ("~deport*", "~pulang")
    assert parse("TKI NEAR/5 特定*").labels == ("~TKI", "特定*")
    # Japanese, Chinese and Korean terms are compared there as they are written.
    assert parse("特定技能 NEAR/5 ~pekerja").labels == ("特定技能", "~pekerja")


def test_a_phrase_can_end_in_a_prefix(filled: Archive) -> None:
    assert ids(filled, '"pekerja migr"*') == [5]
    assert ids(filled, '"pekerja migr"') == []
    query = parse('"pekerja migr"* NEAR/3 prioritas')
    assert query.labels == ("pekerja migr*", "prioritas")
    [hit] = filled.search(query.fts, terms=query.labelled_patterns)
    assert "**pekerja migran** jadi **prioritas**" in hit.snippet
    for broken, position in (('"pekerja migr*', 0), ('TKI ""*', 4)):
        with pytest.raises(QuerySyntaxError) as caught:
            parse(broken)
        assert caught.value.position == position
