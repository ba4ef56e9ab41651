"""Pantau's matcher against the plain way of running rules, in one process.

    .venv/bin/python -m bench.match_reference [--articles 2000] [--rules 10000] [--turns 7]

The goal for matching speed (1,000 articles/s on one core with 10,000 rules of the default
pack's complexity) was set beside a reference measured when Pantau was designed: 10,000 simple
rules, each its own FTS5 query on a small in-memory FTS5 index of just the new batch, ran at
1,500-2,600 articles/s. The machines these benchmarks run on differ from that one, and from
each other, by two to one, so this script runs that reference and Pantau's matcher over the
same articles in turns, in one process, and reports how fast Pantau is *relative to the
reference*: a figure that carries from machine to machine as absolute speeds do not.

- **The reference**: each batch of 100 indexed in an in-memory FTS5 table (title, text, with
  Pantau's tokenizer), then every rule run as one FTS5 query; no explanations. What made a rule
  "simple" was not written down, so it runs twice: with rules of **one term** each (the cheapest
  query there is; a term of the generated rules' vocabulary, bench/rule_generator.py, or a place,
  a ``~`` word form read as the plain word) and with rules of **two terms** each (a term and a
  place, or two terms, no two rules alike).
- **Pantau**: ``match_batch`` over the same batches with 10,000 generated rules of the pack's
  complexity, compiled, every match explained (terms and snippet).

All three take turns, in an order that rotates from turn to turn (see bench/match_trees.py),
timed in CPU seconds. Each side only counts what it finds, so that keeping results costs
neither.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
from collections.abc import Callable, Sequence

from alerts import match_batch
from bench.match_speed import articles
from bench.match_trees import BATCH, counter, cpu
from bench.rule_generator import PLACES, TOPICS, generated_rules
from storage import Article
from storage.schema import FTS_TOKENIZE

# The reference's speed where the goal was set (articles/s, 10,000 simple rules, one core).
REFERENCE_THEN = (1500, 2600)
GOAL = 1000


def simple_rules(count: int, terms: int = 2, seed: int = 5) -> list[str]:
    """``count`` simple rules as FTS5 expressions, of one term each or of two (a term and a
    place, or two terms; no two alike)."""
    rng = random.Random(seed)
    words = [_fts(term) for topic in TOPICS.values() for term in topic]
    places = [_fts(place) for place in PLACES]
    if terms == 1:
        return [rng.choice(words + places) for _ in range(count)]
    rules: dict[str, None] = {}
    while len(rules) < count:
        other = places if rng.random() < 0.5 else words
        rules[f"{rng.choice(words)} AND {rng.choice(other)}"] = None
    return list(rules)


def _fts(term: str) -> str:
    """A term of the generated rules as FTS5 reads it: a prefix as it is, anything else quoted
    (``E-9`` is a phrase to FTS5 only in quotes)."""
    term = term.removeprefix("~")
    if term.endswith("*") or term.startswith('"'):
        return term
    return f'"{term}"'


def reference_rows(batch: Sequence[Article], rules: Sequence[str]) -> list[list[int]]:
    """The rows each rule finds in ``batch``, the reference's way: the batch indexed in an
    in-memory FTS5 table, then one query a rule."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"CREATE VIRTUAL TABLE batch USING fts5(title, text, tokenize='{FTS_TOKENIZE}')")
        db.executemany("INSERT INTO batch (rowid, title, text) VALUES (?, ?, ?)",
                       [(article.id, article.title or "", article.text) for article in batch])
        return [[rowid for (rowid,) in db.execute(
                    "SELECT rowid FROM batch WHERE batch MATCH ? ORDER BY rowid", [rule])]
                for rule in rules]
    finally:
        db.close()


def reference(corpus: Sequence[Article], rules: Sequence[str]) -> Callable[[], int]:
    """The reference run over ``corpus`` in batches, giving how many (rule, article) it found."""
    def run() -> int:
        return sum(len(rows) for first in range(0, len(corpus), BATCH)
                   for rows in reference_rows(corpus[first:first + BATCH], rules))
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles matched")
    parser.add_argument("--rules", type=int, default=10000, help="rules in each of the three runs")
    parser.add_argument("--turns", type=int, default=7, help="timed turns of all three")
    options = parser.parse_args()
    corpus = articles(options.articles)
    runs = {"one term": reference(corpus, simple_rules(options.rules, terms=1)),
            "two terms": reference(corpus, simple_rules(options.rules, terms=2)),
            "Pantau": counter(match_batch, corpus, generated_rules(options.rules))}
    found = {name: run() for name, run in runs.items()}
    print(f"{options.articles} articles, batches of {BATCH}, {options.rules:,} rules each:"
          f" the references find {found['one term']:,} and {found['two terms']:,} (rule,"
          f" article) pairs, Pantau {found['Pantau']:,} matches")
    gc.collect()
    spent: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for turn in range(options.turns):
        for name in names[turn % 3:] + names[:turn % 3]:
            spent[name].append(cpu(runs[name]))
    rate = {name: statistics.median(options.articles / t for t in times)
            for name, times in spent.items()}
    print("articles/s, median turn: " + ", ".join(f"{name} {rate[name]:,.0f}" for name in names))
    low, high = REFERENCE_THEN
    for name in names[:2]:
        ratios = [ref / mine for ref, mine in zip(spent[name], spent["Pantau"], strict=True)]
        ratio = statistics.median(ratios)
        print(f"against rules of {name}: Pantau at {ratio:.2f}x the reference's speed (median of"
              f" {options.turns} turns; {min(ratios):.2f}x-{max(ratios):.2f}x); where the"
              f" reference runs {low:,}-{high:,} articles/s,"
              f" {ratio * low:,.0f}-{ratio * high:,.0f}")
    print(f"the goal ({GOAL:,} articles/s) asks for {GOAL / high:.2f}x-{GOAL / low:.2f}x")


if __name__ == "__main__":
    main()
