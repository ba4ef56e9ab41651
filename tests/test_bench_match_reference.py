"""The reference Pantau's matching speed is compared with (bench/match_reference.py)."""

from __future__ import annotations

from alerts import Rule, match_batch
from bench.match_reference import reference, reference_rows, simple_rules
from bench.match_speed import articles
from storage.analysis import has_cjk


def test_the_references_rules_find_what_pantau_finds_for_the_same_queries() -> None:
    # The reference must do the work it stands for: each simple rule, run as one FTS5 query,
    # finds the very articles Pantau's matcher finds for the same query (but for Chinese,
    # Japanese and Korean terms, which Pantau also finds inside longer runs of text).
    corpus = articles(100, on_topic=0.6)
    rules = simple_rules(400)
    assert len(set(rules)) == 400
    assert any(" AND " in rule for rule in rules) and any(rule.endswith("*") for rule in rules)
    rows = reference_rows(corpus, rules)
    assert sum(map(bool, rows)) >= 30  # enough rules find something for the check to mean it
    found: dict[str, set[int]] = {}
    named = [Rule(name=f"r{number}", query=rule) for number, rule in enumerate(rules)]
    for rule, match in match_batch(corpus, named):
        found.setdefault(rule.name, set()).add(match.article_id)
    compared = [number for number, rule in enumerate(rules) if not has_cjk(rule)]
    assert len(compared) > 350
    assert [set(rows[n]) for n in compared] == [found.get(f"r{n}", set()) for n in compared]


def test_the_reference_counts_every_rule_on_every_batch() -> None:
    corpus = articles(250, on_topic=0.3)
    rules = simple_rules(50, seed=1)
    expected = sum(len(hits) for first in (0, 100, 200)
                   for hits in reference_rows(corpus[first:first + 100], rules))
    assert reference(corpus, rules)() == expected > 0
    assert simple_rules(50, seed=1) == rules != simple_rules(50, seed=2)
