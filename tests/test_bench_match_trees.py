"""The same-process comparison of two trees' matchers (bench/match_trees.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import alerts
import storage
from bench.match_trees import copied, counter, exported, in_turn, matcher, parser_of
from storage import Article


def test_another_revision_is_imported_beside_this_tree_and_matches_alike(
        tmp_path: Path) -> None:
    then_alerts, then_storage = exported("HEAD", tmp_path)
    try:
        assert then_alerts.__name__ == "then_alerts" and then_alerts is not alerts
        assert Path(then_alerts.__file__).is_relative_to(tmp_path)
        # The exported packages use each other, not today's: an article of one tree is not
        # the other's.
        assert then_alerts.matcher.Article is then_storage.Article is not Article
        corpus = [Article(url=f"t:{n}", canonical_url=f"t:{n}", source="t", title=title,
                          text=text, language="id", id=n)
                  for n, (title, text) in enumerate([
                      ("Jenazah PMI asal NTB dipulangkan dari Malaysia",
                       "Jenazah pekerja migran asal Lombok dipulangkan dari Sabah."),
                      ("Harga cabai naik", "PMI manufaktur turun ke 49,2.")], start=1)]
        rules = [alerts.Rule(name="pmi", query='PMI NOT "PMI manufaktur"'),
                 alerts.Rule(name="jenazah", query="jenazah AND ~pulang")]
        now = matcher(alerts.match_batch, corpus, rules)()
        then = matcher(then_alerts.match_batch, copied(corpus, then_storage.Article),
                       copied(rules, then_alerts.Rule))()
        # Both parsers start cold on every run, as in a process that has just started.
        queries = [rule.query for rule in rules]
        now_parse = parser_of(alerts, storage, queries)
        assert now_parse() == parser_of(then_alerts, then_storage, queries)() == [
            rule.parsed.fts for rule in rules]
        cold = alerts.query._tokens.cache_info()
        now_parse()
        assert alerts.query._tokens.cache_info() == cold and cold.misses
        # What is timed counts the very matches the check compares, in each tree.
        assert counter(alerts.match_batch, corpus, rules)() == len(now) == counter(
            then_alerts.match_batch, copied(corpus, then_storage.Article),
            copied(rules, then_alerts.Rule))()
        assert now == then == {("pmi", 1, frozenset({"PMI"}), "Jenazah **PMI** asal NTB"
                                " dipulangkan dari Malaysia"), ("jenazah", 1, frozenset(
                                    {"jenazah", "pulang"}), "**Jenazah** pekerja migran asal"
                                " Lombok **dipulangkan** dari Sabah.")}
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.startswith("then_")]:
            del sys.modules[name]


def test_each_tree_goes_first_every_other_turn() -> None:
    order: list[str] = []
    then, now = (lambda: order.append("then")), (lambda: order.append("now"))
    for turn in range(4):
        old, new = in_turn(then, now, turn)
        assert old >= 0 and new >= 0
    assert order == ["then", "now", "now", "then", "then", "now", "now", "then"]
