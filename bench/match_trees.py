"""Matching speed of this tree against another revision of Pantau, in one process.

    .venv/bin/python -m bench.match_trees REVISION [--articles 1000] [--turns 7]

The other revision's ``alerts`` and ``storage`` packages are exported from git into a temporary
folder and imported under other names (``then_alerts``, ``then_storage``: their imports of each
other rewritten to match), so that both matchers run in one process, in turns, on the very same
articles (bench/match_speed.py's) and rule sets: the default pack of this tree and 10,000
generated rules (bench/rule_generator.py). The script first checks that both find the very same
matches, terms and snippets included (terms without the "~" that marks word forms: since
6d98d0b a word compared as word forms beside a ~term in a NEAR is listed as ~word, which
earlier trees listed plain); then each turn times both, one after the other, each run only
counting its matches (see ``counter``), and the ratio of each turn's two times is reported. A
shared machine's busy moments slow both sides of a turn alike, which two separate runs cannot
promise. Parsing the pack, which every process does once before it matches, is compared the
same way, each turn with the parsers' caches emptied, as in a process that has just started.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path
from types import ModuleType
from typing import Any

import alerts
import storage
from bench.match_speed import articles
from bench.rule_generator import generated_rules

PACKAGES = ("alerts", "storage")
ROOT = Path(__file__).resolve().parents[1]
BATCH = 100


def exported(revision: str, folder: Path) -> tuple[ModuleType, ModuleType]:
    """``alerts`` and ``storage`` as they were at ``revision``, importable beside today's."""
    archive = subprocess.run(["git", "archive", "--format=tar", revision, *PACKAGES], cwd=ROOT,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    imports = re.compile(rf"^(\s*)(from|import) ({'|'.join(PACKAGES)})\b", re.MULTILINE)
    for package in PACKAGES:
        for source in (folder / package).rglob("*.py"):
            source.write_text(imports.sub(r"\1\2 then_\3", source.read_text(encoding="utf-8")),
                              encoding="utf-8")
        (folder / package).rename(folder / f"then_{package}")
    sys.path.insert(0, str(folder))
    return importlib.import_module("then_alerts"), importlib.import_module("then_storage")


def copied(values: Sequence[Any], kind: type) -> list[Any]:
    """Dataclass ``values`` made again as ``kind``, field by field (a rule, an article)."""
    names = [field.name for field in fields(kind)]
    return [kind(**{name: getattr(value, name) for name in names}) for value in values]


Found = set[tuple[str, int, frozenset[str], str]]


def matcher(match_batch: Callable[..., Any], corpus: Sequence[Any],
            ruleset: Sequence[Any]) -> Callable[[], Found]:
    """A run over ``corpus`` in batches, compiled, giving every match found: its rule, its
    article, the terms that hit (without "~", see above) and its snippet."""
    def run() -> Found:
        found = set()
        for first in range(0, len(corpus), BATCH):
            for rule, match in match_batch(corpus[first:first + BATCH], ruleset, prefilter=True):
                terms = frozenset(term.removeprefix("~") for term in match.terms)
                found.add((rule.name, match.article_id, terms, match.snippet))
        return found
    return run


def counter(match_batch: Callable[..., Any], corpus: Sequence[Any],
            ruleset: Sequence[Any]) -> Callable[[], int]:
    """A run over ``corpus`` in batches, compiled, giving how many matches it found: what is
    timed. Keeping every match (as :func:`matcher` does, to compare two trees' answers) leaves
    hundreds of thousands of objects for the garbage collector to walk between batches, which
    took up to half of a run's time here; the daemon keeps none of them."""
    def run() -> int:
        return sum(len(match_batch(corpus[first:first + BATCH], ruleset, prefilter=True))
                   for first in range(0, len(corpus), BATCH))
    return run


def parser_of(alerts_package: ModuleType, storage_package: ModuleType,
              queries: Sequence[str]) -> Callable[[], list[str]]:
    """A cold parse of ``queries`` by a tree's parser, giving their FTS5 expressions."""
    modules = [importlib.import_module(f"{alerts_package.__name__}.{name}")
               for name in ("query", "anchors")]
    modules.append(importlib.import_module(f"{storage_package.__name__}.analysis"))
    caches = [value for module in modules for value in vars(module).values()
              if callable(getattr(value, "cache_clear", None))]

    def run() -> list[str]:
        for cache in caches:
            cache.cache_clear()
        return [modules[0].parse(query).fts for query in queries]
    return run


def cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def in_turn(then: Callable[[], object], now: Callable[[], object], turn: int
            ) -> tuple[float, float]:
    """The CPU times of both runs of a turn; each goes first every other turn, since running
    second (caches and allocator warmed by the other) is not the same as running first."""
    if turn % 2:
        new = cpu(now)
        return cpu(then), new
    old = cpu(then)
    return old, cpu(now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the revision to compare with, e.g. a commit or tag")
    parser.add_argument("--articles", type=int, default=1000, help="articles matched")
    parser.add_argument("--turns", type=int, default=7, help="timed turns of both")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        then_alerts, then_storage = exported(options.revision, Path(folder))
        # Both trees get articles and rules made the same way, one after the other, so that
        # neither works on objects made long before the other's (see in_turn).
        made = articles(options.articles)
        corpus = copied(made, storage.Article)
        then_corpus = copied(made, then_storage.Article)
        pack = [alerts.Rule(**table) for table in alerts.default_rule_pack()]
        rulesets = {"the pack": pack, "10,000 rules": generated_rules(10000)}
        print(f"{options.articles} articles, batches of {BATCH}; {options.revision} against this"
              " tree, CPU seconds per turn")
        queries = [rule.query for rule in pack]
        now_parse = parser_of(alerts, storage, queries)
        then_parse = parser_of(then_alerts, then_storage, queries)
        if now_parse() != then_parse():
            raise SystemExit("the two trees parse the pack differently")
        ratios = []
        for turn in range(options.turns):
            old, new = in_turn(then_parse, now_parse, turn)
            ratios.append(old / new)
        print(f"{'parsing':>13}: the pack's {len(queries)} rules; this tree"
              f" {statistics.median(ratios):.2f}x as fast (median of {options.turns} turns;"
              f" {min(ratios):.2f}x-{max(ratios):.2f}x)")
        for name, ruleset in rulesets.items():
            now_rules = copied(ruleset, alerts.Rule)
            then_rules = copied(ruleset, then_alerts.Rule)
            found = matcher(alerts.match_batch, corpus, now_rules)()
            if matcher(then_alerts.match_batch, then_corpus, then_rules)() != found:
                raise SystemExit(f"{name}: the two trees find different matches")
            matches = len(found)
            del found  # not to be walked by the collector while the runs are timed
            now = counter(alerts.match_batch, corpus, now_rules)
            then = counter(then_alerts.match_batch, then_corpus, then_rules)
            gc.collect()
            ratios, rates = [], []
            for turn in range(options.turns):
                old, new = in_turn(then, now, turn)
                ratios.append(old / new)
                rates.append((options.articles / old, options.articles / new))
            best_old = max(old for old, _ in rates)
            best_new = max(new for _, new in rates)
            print(f"{name:>13}: {matches} matches; articles/s, best turn: {best_old:.0f} then,"
                  f" {best_new:.0f} now; this tree {statistics.median(ratios):.2f}x as fast"
                  f" (median of {options.turns} turns; {min(ratios):.2f}x-{max(ratios):.2f}x)")


if __name__ == "__main__":
    main()
