"""Pre-filtering rules by their anchors: what a query needs, and the very same matches."""

from __future__ import annotations

from itertools import permutations

import pytest

from alerts import Rule, parse
from alerts.anchors import Anchor, best, cost, estimated_share
from alerts.matcher import _BatchIndex, match_batch
from alerts.prefilter import RuleIndex, _present
from bench.eval_rules import as_articles, load, pack
from bench.rule_generator import generated_rules
from storage import Article


def requirement(query: str) -> list[list[str]]:
    return [sorted(map(str, clause)) for clause in parse(query).requirement]


@pytest.mark.parametrize(("query", "needed"), [
    ('"pekerja migran"', [["pekerja"], ["migran"]]),
    ("(TKI OR TKW) AND Malaysia", [["tki", "tkw"], ["malaysia"]]),
    ("TKI NOT (Malaysia OR Taiwan)", [["tki"]]),
    ("TKI AND NOT Malaysia", [["tki"]]),
    ("penempat*", [["penempat*"]]),
    ("~penempatan", [["~tempat"]]),
    ("title:(deportasi OR ~pulang)", [["deportasi", "~pulang"]]),
    ("calo NEAR/5 ~berangkat", [["~calo"], ["~berangkat"]]),
    ("特定技能", [["~特"], ["~定"], ["~技"], ["~能"]]),
    # Each alternative gives its most selective clause; common words never win.
    ('(TPPO AND "yang") OR (dan AND nonprosedural)', [["nonprosedural", "tppo"]]),
])
def test_requirement_is_what_an_article_must_hold(query: str, needed: list[list[str]]) -> None:
    assert requirement(query) == needed


def test_clauses_that_cost_the_same_tie_whatever_order_their_anchors_come_in() -> None:
    # Sets iterate in an order that changes from process to process: a cost summed in
    # floating point could tell these apart by a rounding error one time and not the next.
    crews = frozenset(Anchor(token) for token in
                      ("abk", "anak", "awak", "crew", "fishermen", "fishers"))
    flags = frozenset(Anchor(token) for token in
                      ("asing", "kapal", "kru", "ikan", "berbendera", "flagged"))
    for clause in (crews, flags):
        shares = [estimated_share(anchor) for anchor in clause]
        assert {sum(order) for order in permutations(shares)} == {cost(clause)}
    assert cost(crews) == cost(flags)
    # A tie goes to the clause whose anchors sort first, in whichever order they are listed.
    assert best((crews, flags)) == best((flags, crews)) == crews


def both_ways(articles: list[Article], rules: list[Rule]) -> set[tuple[object, ...]]:
    """The matches (with explanations) found with and without pre-filtering, if the same."""
    found = [{(rule.name, match.article_id, match.terms, match.snippet)
              for rule, match in match_batch(articles, rules, prefilter=prefilter)}
             for prefilter in (False, True)]
    assert found[0] == found[1]
    return found[1]


def test_prefiltering_finds_the_same_matches_on_the_labelled_set() -> None:
    articles = as_articles(load())
    assert len(both_ways(articles, pack())) >= 100


def test_prefiltering_finds_the_same_matches_for_many_generated_rules() -> None:
    rules = generated_rules(600, seed=3)
    queries = " ".join(rule.query for rule in rules)
    for feature in ("NEAR/", "title:", "~", "*", "特定技能", "고용허가제", " NOT "):
        assert feature in queries  # the rules exercise every part of the language
    articles = as_articles(load())
    matches = both_ways(articles, rules)
    assert len(matches) >= 500
    # ... and the filter did skip rules, and of the terms of those it kept FTS5 looked up
    # few: most of them cannot match most small batches.
    compiled = RuleIndex(rules)
    # Batches of 10: the set's later texts are leads of 2-5 sentences, so ten of them hold
    # about as many words as twenty of its first one-sentence texts.
    for first in range(0, len(articles), 10):
        with _BatchIndex(articles[first:first + 10]) as index:
            present = _present(index.db, "batch", compiled.anchors)
            numbers = compiled.candidates(present)
            lookups = compiled.lookups(present)
        assert len(numbers) < len(rules) * 0.8
        assert len(lookups) < len(compiled.terms) // 2 < len(rules) // 3
        both_ways(articles[first:first + 10], rules)


def test_a_term_the_index_splits_differently_is_never_filtered_out() -> None:
    # "paraŀlel" folds to "paral·lel", which FTS5 reads as two words: no anchor can stand
    # for it, so the rule runs on every batch, and still matches.
    rule = Rule(name="catalan", query="paraŀlel")
    assert RuleIndex([rule]).always == {0}
    article = Article(url="u:1", canonical_url="u:1", source="s", title="Ciutat",
                      text="Un carrer paral·lel al port.", language="ca", id=1)
    assert [m.article_id for _, m in match_batch([article], [rule])] == [1]
