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
  Pantau's tokenizer), then every rule run as one FTS5 query; no explanations. A simple rule is
  one term of the generated rules' vocabulary (bench/rule_generator.py; a ``~`` word form read as
  the plain word), or a term and a place, or two terms; no two rules alike.
- **Pantau**: ``match_batch`` over the same batches with 10,000 generated rules of the pack's
  complexity, compiled, every match explained (terms and snippet).

Both take turns, each going first every other turn (see bench/match_trees.py), timed in CPU
seconds.
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
from bench.match_trees import BATCH, in_turn, matcher
from bench.rule_generator import PLACES, TOPICS, generated_rules
from storage import Article
from storage.schema import FTS_TOKENIZE

# The reference's speed where the goal was set (articles/s, 10,000 simple rules, one core).
REFERENCE_THEN = (1500, 2600)
GOAL = 1000


def simple_rules(count: int, seed: int = 5) -> list[str]:
    """``count`` distinct simple rules as FTS5 expressions: one term, or a term and a place, or
    two terms."""
    rng = random.Random(seed)
    terms = [_fts(term) for topic in TOPICS.values() for term in topic]
    places = [_fts(place) for place in PLACES]
    rules: dict[str, None] = {}
    while len(rules) < count:
        form = rng.random()
        rule = (rng.choice(terms) if form < 0.1
                else f"{rng.choice(terms)} AND {rng.choice(places if form < 0.55 else terms)}")
        rules[rule] = None
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
    parser.add_argument("--rules", type=int, default=10000, help="rules on each side")
    parser.add_argument("--turns", type=int, default=7, help="timed turns of both")
    options = parser.parse_args()
    corpus = articles(options.articles)
    plain = reference(corpus, simple_rules(options.rules))
    pantau = matcher(match_batch, corpus, generated_rules(options.rules))
    print(f"{options.articles} articles, batches of {BATCH}, {options.rules} rules each side:"
          f" the reference finds {plain()} (rule, article) pairs, Pantau {len(pantau())} matches")
    gc.collect()
    ratios, rates = [], []
    for turn in range(options.turns):
        old, new = in_turn(plain, pantau, turn)
        ratios.append(old / new)
        rates.append((options.articles / old, options.articles / new))
    ratio = statistics.median(ratios)
    print(f"articles/s, median turn: the reference {statistics.median(r for r, _ in rates):.0f},"
          f" Pantau {statistics.median(p for _, p in rates):.0f}")
    print(f"Pantau runs at {ratio:.2f}x the reference's speed (median of {options.turns} turns;"
          f" {min(ratios):.2f}x-{max(ratios):.2f}x)")
    low, high = REFERENCE_THEN
    print(f"where the reference runs {low:,}-{high:,} articles/s, that is"
          f" {ratio * low:,.0f}-{ratio * high:,.0f} articles/s (goal: {GOAL:,});"
          f" the goal asks for {GOAL / high:.2f}x-{GOAL / low:.2f}x")


if __name__ == "__main__":
    main()
