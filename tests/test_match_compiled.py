"""Compiled evaluation of many rules: exactly FTS5's answer, on tricky queries and real texts."""

from __future__ import annotations

import gc

import pytest

from alerts import Rule, match_batch, matcher, prefilter
from alerts.matcher import PREFILTER_FROM, _BatchIndex
from alerts.prefilter import RuleIndex, _Together, _Vocabulary
from alerts.rules import PerRuleSet
from storage import Analysed, Article, Pattern
from storage.analysis import Patterns, _Sequence, _Tokens

TEXTS = [
    ("Tujuh PMI asal NTB dideportasi dari Malaysia",
     "Tujuh pekerja migran Indonesia (PMI) asal Lombok dideportasi dari Sabah, Malaysia, "
     "setelah ditahan di depot imigrasi. Mereka diberangkatkan secara nonprosedural oleh calo "
     "yang menjanjikan pekerjaan di perkebunan sawit. BP2MI menjemput mereka di Nunukan."),
    ("Palang Merah Indonesia buka donor darah",
     "PMI Kota Malang membuka layanan donor darah di Balai Kota. Palang Merah Indonesia "
     "mengajak warga datang, termasuk mantan pekerja migran yang pulang dari Taiwan."),
    ("Penempatan lewat skema G-to-G ke Korea dibuka",
     "Kementerian P2MI membuka penempatan pekerja ke Korea Selatan melalui program EPS-TOPIK. "
     "Calon PMI wajib lulus ujian EPS-TOPIK dan mengikuti orientasi pra pemberangkatan. "
     "Skema G to G menekan biaya penempatan."),
    ("特定技能の外国人、介護分野で増加",
     "特定技能の外国人労働者が介護分野で増えている。インドネシア人の介護福祉士候補者も来日した。"
     " Pekerja Indonesia di Jepang bekerja sebagai kaigo."),
    ("고용허가제 외국인근로자 입국",
     "고용허가제를 통해 인도네시아 외국인근로자가 입국했다. EPS-TOPIK 시험 합격자들이다."),
    ("Indonesian migrant workers rescued from online scam compound",
     "Police rescued 20 Indonesian migrant workers trafficked to an online scam compound in "
     "Myanmar. The workers, recruited by an unlicensed agency in Jakarta, were promised jobs "
     "in Thailand. Human trafficking cases involving Cambodia are rising, the ministry said."),
    ("Harga cabai naik menjelang akhir tahun",
     "Harga cabai rawit di pasar Kramat Jati naik. Pedagang menyebut pasokan dari Jawa Timur "
     "berkurang karena hujan. PMI manufaktur Indonesia turun ke 49,2."),
    ("Jenazah TKW asal Indramayu dipulangkan dari Arab Saudi",
     "Jenazah seorang TKW asal Indramayu dipulangkan dari Riyadh, Arab Saudi. Ia meninggal "
     "setelah diduga dianiaya majikan. KBRI Riyadh mendampingi pemulangan jenazah. "
     "Gaji tidak dibayar selama dua tahun."),
    ("Magang ke Jepang: pemagangan TITP diperketat",
     "Pemerintah memperketat pemagangan ke Jepang lewat TITP. Peserta magang harus lulus "
     "JFT-Basic. Di Tokyo, atase ketenagakerjaan KBRI memantau para pemagang."),
    ("Un carrer paral·lel al port",
     "Un carrer paral·lel al port de Barcelona. Treballadors migrants indonesis hi viuen."),
]

QUERIES = [
    # phrases, acronyms as whole words, NOT guards
    '"pekerja migran"',
    'PMI NOT ("palang merah" OR "donor darah" OR "PMI manufaktur")',
    "PMI AND NOT Malaysia",
    "(TKI OR TKW OR PMI) AND (Malaysia OR \"Arab Saudi\")",
    # prefixes, alone and at the end of a phrase
    "penempat*", "deportas*", "EPS-TOP*", "pemag*", "migr*",
    # word forms, alone and in phrases
    "~deportasi", "~berangkat", "~pulang AND jenazah", '~"tempat kerja"', "~magang NOT TITP",
    # NEAR: inside and outside the distance, word forms and phrases in it
    "calo NEAR/5 nonprosedural", "calo NEAR/2 Lombok", "PMI NEAR/3 Lombok",
    "~berangkat NEAR/4 calo", '"online scam" NEAR/10 Myanmar', "jenazah NEAR/1 TKW",
    "title:(jenazah NEAR/3 Indramayu)",
    # NEAR of alternatives: every combination, word forms and phrases among them
    "(calo OR sponsor OR ~berangkat) NEAR/5 (nonprosedural OR Lombok)",
    '(jenazah OR "online scam") NEAR/10 (TKW OR Myanmar) NOT Indramayu',
    # field scope
    "title:deportasi", "title:~deportasi", "title:(PMI OR TKW) NOT text:donor", "text:Lombok",
    # hyphenated terms: phrases of their parts
    "EPS-TOPIK", "G-to-G", "JFT-Basic", '"G to G" AND Korea',
    # Chinese, Japanese, Korean: inside longer runs
    "特定技能", "介護", "고용허가제", "외국인근로자 AND EPS-TOPIK", "特定技能 NEAR/8 介護",
    "特定技能 NEAR/7 介護",
    # a term FTS5 splits differently: no anchor stands for it
    "paraŀlel", "paraŀlel OR TKW",
    # nothing matches
    "Ponorogo", "TKW NOT Indramayu",
]


def corpus() -> list[Article]:
    return [Article(url=f"t:{n}", canonical_url=f"t:{n}", source="test", title=title,
                    text=text, language="id", id=n * 7)  # ids with gaps, as in an archive
            for n, (title, text) in enumerate(TEXTS, start=1)]


def fts5_answer(index: _BatchIndex, query: str) -> list[int]:
    rule = Rule(name="q", query=query)
    return [row[0] for row in index.db.execute(
        "SELECT rowid FROM batch WHERE batch MATCH ? ORDER BY rowid", [rule.parsed.fts])]


def test_compiled_rules_match_what_fts5_matches_on_tricky_queries() -> None:
    rules = [Rule(name=f"r{n}", query=query) for n, query in enumerate(QUERIES)]
    compiled = RuleIndex(rules)
    with _BatchIndex(corpus()) as index:
        found = {rule.name: rowids for rule, rowids in compiled.run(index.db, "batch",
                                                                    index.rowids)}
        expected = {rule.name: fts5_answer(index, rule.query) for rule in rules}
    assert {name: ids for name, ids in expected.items() if ids} == found
    # The queries do test something: most match some text, several only one.
    assert len(found) >= 30
    assert sum(len(ids) == 1 for ids in found.values()) >= 10


@pytest.mark.parametrize("query", QUERIES)
def test_each_query_alone_and_in_every_batch_matches_as_fts5_does(query: str) -> None:
    rule = Rule(name="q", query=query)
    articles = corpus()
    for size in (1, 3, len(articles)):
        for first in range(0, len(articles), size):
            batch = articles[first:first + size]
            with _BatchIndex(batch) as index:
                found = [ids for _, ids in RuleIndex([rule]).run(index.db, "batch",
                                                                 index.rowids)]
                assert found == ([fts5_answer(index, query)]
                                 if fts5_answer(index, query) else [])


def test_match_batch_explains_compiled_matches_as_it_explains_fts5_matches() -> None:
    rules = [Rule(name=f"r{n}", query=query) for n, query in enumerate(QUERIES)]
    rules.append(Rule(name="english", query="trafficked OR ~deportasi", languages=("en",)))
    rules.append(Rule(name="elsewhere", query="Malaysia", sources=("other",)))
    compiled = match_batch(corpus(), rules, prefilter=True)
    one_by_one = match_batch(corpus(), rules, prefilter=False)
    assert compiled == one_by_one
    assert len(compiled) >= 40
    names = {rule.name for rule, _ in compiled}
    assert "elsewhere" not in names and "english" not in names  # filters still apply
    pmi = [m for rule, m in compiled if rule.query.startswith("PMI NOT")]
    assert [m.article_id for m in pmi] == [7, 21]  # not the Red Cross, not the index
    assert pmi[0].terms == ("PMI",) and "**PMI**" in pmi[0].snippet


def test_a_match_is_explained_alike_whichever_rules_are_matched_beside_it() -> None:
    # A batch searches each article once for the terms of all its rules: a rule's terms and
    # snippet must still be its own, alone or beside any others, and again on the next batch
    # (when its explanations may come from what is kept of the first).
    rules = [Rule(name=f"r{n}", query=query) for n, query in enumerate(QUERIES)]
    together = match_batch(corpus(), rules, prefilter=True)
    alone = [found for rule in rules for found in match_batch(corpus(), [rule])]
    assert together == alone
    assert match_batch(corpus(), rules, prefilter=True) == together
    assert any(0 < len(m.terms) < len(rule.parsed.labels) for rule, m in together)


def test_labels_of_the_terms_that_hit_follow_the_query() -> None:
    query = Rule(name="q", query='(calo OR "pekerja migran" OR ~deportasi) NOT PMI').parsed
    calo, migran, deportasi = (dict(query.labelled_patterns)[label]
                               for label in ("calo", "pekerja migran", "~deportasi"))
    assert query.labels_of(frozenset({deportasi, calo})) == ("calo", "~deportasi")
    assert query.labels_of(frozenset({migran})) == ("pekerja migran",)
    assert query.labels_of(frozenset({deportasi, calo})) == ("calo", "~deportasi")  # kept
    assert query.labels_of(frozenset({calo, migran, deportasi})) == query.labels


def test_what_is_built_of_a_rule_set_is_built_once_while_the_same_rules_come() -> None:
    built: list[tuple[str, ...]] = []
    names = PerRuleSet(lambda rules: built.append(tuple(r.name for r in rules)) or len(built),
                       keep=2)
    first, second, third = ([Rule(name=f"{n}{i}", query="PMI") for i in range(3)]
                            for n in "abc")
    assert [names(first), names(first), names(second), names(first)] == [1, 1, 2, 1]
    # The same rules in another list are the same set; equal rules are another one.
    assert names(list(first)) == 1 and names([Rule(name="a0", query="PMI")]) == 3
    assert names(third) == 4 and names(first) == 5  # two sets are kept, the oldest goes
    changed = list(first)
    assert names(changed) == 5
    changed[1] = third[1]  # the last set, changed in place, is another one
    assert names(changed) == 6 and names(first) == 5
    assert len(built) == 6


def test_rules_are_compiled_by_default_when_they_hold_many_terms_however_few_they_are(
        monkeypatch: pytest.MonkeyPatch) -> None:
    broad = Rule(name="broad", query=" OR ".join(f"kata{n}" for n in range(PREFILTER_FROM))
                 + " OR Malaysia")
    narrow = [Rule(name=f"r{n}", query=f"PMI AND (Malaysia OR kata{n})") for n in range(30)]
    compiled: list[int] = []
    real = matcher.index_rules
    monkeypatch.setattr(matcher, "index_rules",
                        lambda rules: compiled.append(len(rules)) or real(rules))
    assert [m.article_id for _, m in match_batch(corpus(), [broad])] == [7]
    assert len(match_batch(corpus(), narrow)) == 30
    assert compiled == [1]  # the one broad rule, not the thirty narrow ones


def test_the_collector_is_paused_for_a_batch_and_left_as_it_was() -> None:
    rules = [Rule(name=f"r{n}", query=query) for n, query in enumerate(QUERIES)]
    collecting: list[bool] = []

    class Watched(Article):
        """An article that notes whether the collector runs while its text is read."""

        def __getattribute__(self, name: str) -> object:
            if name == "text":
                collecting.append(gc.isenabled())
            return super().__getattribute__(name)

    watched = [Watched(**vars(article)) for article in corpus()]
    assert gc.isenabled()
    found = match_batch(watched, rules, prefilter=True)
    assert found and collecting and not any(collecting) and gc.isenabled()
    gc.disable()  # a caller that turned it off itself keeps it off
    try:
        assert match_batch(corpus(), rules, prefilter=False) == found
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(AttributeError):  # an error in the batch does not leave it off
        match_batch([None], rules)  # type: ignore[list-item]
    assert gc.isenabled()


def test_a_batch_frees_what_explained_it_before_the_collector_resumes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Left alive, the batch's readings and explanations would be walked by the collector's
    # first pass once it runs again, only to be found unreachable.
    rules = [Rule(name=f"r{n}", query=query) for n, query in enumerate(QUERIES)]

    def explained() -> int:
        return sum(isinstance(thing, Analysed) for thing in gc.get_objects())

    before = explained()
    seen: list[int] = []
    resume = gc.enable

    def counting() -> None:
        seen.append(explained())
        resume()

    monkeypatch.setattr(gc, "enable", counting)
    assert match_batch(corpus(), rules, prefilter=True)
    assert seen == [before]


@pytest.mark.parametrize("depth", [20, 120])
def test_deeply_nested_rules_are_evaluated(depth: int) -> None:
    # 20 levels: FTS5 parses the whole query, and agrees. 120: more parentheses than Python's
    # parser takes (the rule is evaluated by nested closures) and than FTS5's parser takes
    # (it refuses the whole query; `pantau rules check` says so): its terms still match.
    query = "(Ponorogo OR " * depth + "TKW" + " NOT Lombok)" * depth
    rule = Rule(name="deep", query=query)
    with _BatchIndex(corpus()) as index:
        found = [ids for _, ids in RuleIndex([rule]).run(index.db, "batch", index.rowids)]
        assert found == [[56]]
        if depth <= 20:
            assert fts5_answer(index, query) == [56]


def test_rules_that_share_terms_look_each_term_up_once() -> None:
    places = ["Malaysia", "Taiwan", "Sabah OR Malaysia", "Ponorogo"]
    rules = [Rule(name=f"r{n}", query=f"({place}) AND (PMI OR TKW) NOT \"donor darah\"")
             for n, place in enumerate(places)]
    compiled = RuleIndex(rules)
    assert len(compiled.terms) == 7  # malaysia taiwan sabah ponorogo pmi tkw "donor darah"
    with _BatchIndex(corpus()) as index:
        present = frozenset(compiled.anchors) - {a for a in compiled.anchors
                                                  if a.token == "ponorogo"}
        numbers = compiled.candidates(present)
        assert numbers == [0, 1, 2]  # no Ponorogo, no need to run that rule
        assert len(compiled.lookups(present)) == 6
        # Taiwan is named only next to a blood drive: the guard keeps r1 out.
        assert {rule.name for rule, _ in compiled.run(index.db, "batch", index.rowids)} == {
            "r0", "r2"}


def test_snippets_do_not_depend_on_what_was_explained_before() -> None:
    title, text = TEXTS[0]
    patterns = [Pattern(("malaysia",)), Pattern(("pekerja", "migran")),
                Pattern(("deportas",), prefix=True), Pattern(("calo",)),
                Pattern(("tahan",), analysed=True), Pattern(("nunukan",))]
    shared = Analysed(title, text)
    for size in range(1, len(patterns) + 1):
        for first in range(len(patterns) - size + 1):
            chosen = patterns[first:first + size]
            assert shared.snippet(chosen) == Analysed(title, text).snippet(chosen)
            assert shared.snippet(chosen[::-1], width=8) == Analysed(title, text).snippet(
                chosen[::-1], width=8)


@pytest.mark.parametrize(("prefix", "analysed"), [
    ("pe", False), ("pem", False), ("dep", True), ("tempat", True), ("z", False),
    ("特", True), ("", False)])
def test_prefix_search_finds_every_word_that_starts_so(prefix: str, analysed: bool) -> None:
    tokens = _Tokens(" ".join(text for _, text in TEXTS))
    sequence = _Sequence(tokens, analysed)
    expected = [(index, index) for token, index in zip(sequence.tokens, sequence.words,
                                                       strict=True)
                if token.startswith(prefix)]
    assert sequence.find((prefix,), prefix=True) == expected


def test_a_term_whose_words_no_one_article_holds_together_is_not_looked_up(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "TOGETHER_FROM", 0)  # however few lookups the batch has
    rules = [Rule(name=f"r{n}", query=query) for n, query in enumerate(QUERIES)]
    rules.append(Rule(name="apart", query="Taiwan NEAR/5 calo"))  # in two different articles
    compiled = RuleIndex(rules)
    apart = next(slot for slot, term in enumerate(compiled.terms) if "taiwan" in term.fts)
    articles = corpus()[:-1]  # the Catalan street aside: see the next test
    with _BatchIndex(articles) as index:
        vocabulary = _Vocabulary.of(index.db, "batch")
        present = vocabulary.holding(compiled.anchors)
        together = _Together.of(index.readings, vocabulary, compiled.anchors)
        assert together is not None
        every = compiled.lookups(present)
        kept = compiled.lookups(present, together)
        assert apart in every and apart not in kept
        assert len(kept) < len(every) and set(kept) < set(every)
        found = {rule.name: ids for rule, ids in compiled.run(index.db, "batch", index.rowids,
                                                              index.readings)}
        expected = {rule.name: fts5_answer(index, rule.query) for rule in rules}
    assert {name: ids for name, ids in expected.items() if ids} == found
    assert "apart" not in found and len(found) >= 25


@pytest.mark.parametrize("text", [
    "Un carrer paraŀlel al port.",  # FTS5 keeps "ŀ" in the word, the matcher reads "l·"
    "Lahan 5 m² di Nunukan.",  # "m²": FTS5 keeps the superscript, the matcher folds it to 2
    "ﬁnal TKW",  # a ligature
])
def test_a_batch_the_matcher_reads_otherwise_than_fts5_is_filtered_by_presence_alone(
        monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(prefilter, "TOGETHER_FROM", 0)
    articles = [*corpus(), Article(url="t:x", canonical_url="t:x", source="test", title="x",
                                   text=text, language="id", id=1000)]
    rules = [Rule(name=f"r{n}", query=query) for n, query in enumerate(QUERIES)]
    with _BatchIndex(articles) as index:
        assert _Together.of(index.readings, _Vocabulary.of(index.db, "batch"), []) is None
        found = {rule.name: ids for rule, ids in RuleIndex(rules).run(
            index.db, "batch", index.rowids, index.readings)}
        expected = {rule.name: fts5_answer(index, rule.query) for rule in rules}
    assert {name: ids for name, ids in expected.items() if ids} == found


def test_readings_missing_a_word_are_not_trusted() -> None:
    with _BatchIndex(corpus()[:-1]) as index:
        vocabulary = _Vocabulary.of(index.db, "batch")
        assert _Together.of(index.readings, vocabulary, []) is not None
        first = index.readings[0]
        readings = [{**first, "text": [w for w in first["text"] if w != "calo"]},
                    *index.readings[1:]]
        assert _Together.of(readings, vocabulary, []) is None


def test_an_article_is_searched_only_for_the_patterns_whose_words_it_holds() -> None:
    title, text = TEXTS[0]
    wanted = [Pattern(("pekerja", "migran")), Pattern(("deportas",), prefix=True),
              Pattern(("calo",)), Pattern(("tahan",), analysed=True), Pattern(("nunukan",)),
              Pattern(("taiwan",)), Pattern(("pekerja", "taiwan")), Pattern(("p",), prefix=True),
              Pattern(("jenazah", "tkw"), fields=("title",))]
    patterns = Patterns(wanted)
    assert patterns == frozenset(wanted)
    analysed = Analysed(title, text)
    possible = set(patterns.possible(analysed.vocabulary))
    assert possible == {p for p in wanted if p.needs <= analysed.vocabulary}
    assert wanted[5] not in possible and wanted[6] not in possible
    hit = analysed.hitting(patterns)
    # "deportas*" is not the start of a word there ("dideportasi"), "p*" is.
    assert hit == {p for p in wanted if Analysed(title, text).matches(p)} == {
        wanted[0], *wanted[2:5], wanted[7]}
