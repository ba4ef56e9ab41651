"""The reference Pantau's matching speed is compared with (bench/match_reference.py)."""

from __future__ import annotations

from alerts import Rule, match_batch
from bench.match_reference import reference, reference_rows, simple_rules
from bench.match_speed import articles
from bench.match_trees import counter
from storage.analysis import has_cjk


def test_the_references_rules_find_what_pantau_finds_for_the_same_queries() -> None:
    # The reference must do the work it stands for: each simple rule, run as one FTS5 query,
    # finds the very articles Pantau's matcher finds for the same query (but for Chinese,
    # Japanese and Korean terms, which Pantau also finds inside longer runs of text).
    corpus = articles(100, on_topic=0.6)
    one, two = simple_rules(200, terms=1), simple_rules(600, terms=2)
    assert not any(" AND " in rule for rule in one) and any(rule.endswith("*") for rule in one)
    assert all(rule.count(" AND ") == 1 for rule in two) and len(set(two)) == 600
    rules = one + two
    rows = reference_rows(corpus, rules)
    assert sum(map(bool, rows[:200])) >= 30 and sum(map(bool, rows[200:])) >= 15
    found: dict[str, set[int]] = {}
    named = [Rule(name=f"r{number}", query=rule) for number, rule in enumerate(rules)]
    for rule, match in match_batch(corpus, named):
        found.setdefault(rule.name, set()).add(match.article_id)
    compared = [number for number, rule in enumerate(rules) if not has_cjk(rule)]
    assert len(compared) > 700
    assert [set(rows[n]) for n in compared] == [found.get(f"r{n}", set()) for n in compared]


def test_both_sides_count_everything_they_find_on_every_batch() -> None:
    corpus = articles(250, on_topic=0.3)
    rules = simple_rules(50, terms=1, seed=1)
    expected = sum(len(hits) for first in (0, 100, 200)
                   for hits in reference_rows(corpus[first:first + 100], rules))
    assert reference(corpus, rules)() == expected > 0
    assert simple_rules(50, terms=1, seed=1) == rules != simple_rules(50, terms=1, seed=2)
    named = [Rule(name=f"r{number}", query=rule) for number, rule in enumerate(rules)]
    assert counter(match_batch, corpus, named)() == sum(
        len(match_batch(corpus[first:first + 100], named)) for first in (0, 100, 200)) > 0
