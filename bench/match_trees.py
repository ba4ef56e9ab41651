"""Matching speed of this tree against another revision of Pantau, in one process.

    .venv/bin/python -m bench.match_trees REVISION [--articles 1000] [--turns 7]

The other revision's ``alerts`` and ``storage`` packages are exported from git into a temporary
folder and imported under other names (``then_alerts``, ``then_storage``: their imports of each
other rewritten to match), so that both matchers run in one process, in turns, on the very same
articles (bench/match_speed.py's) and rule sets: the default pack of this tree and 10,000
generated rules (bench/rule_generator.py). The script first checks that both find the very same
matches, terms and snippets included; then each turn times both, one after the other, and
the ratio of each turn's two times is reported. A shared machine's busy moments slow both sides
of a turn alike, which two separate runs cannot promise.
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


def matcher(match_batch: Callable[..., Any], corpus: Sequence[Any],
            ruleset: Sequence[Any]) -> Callable[[], set[tuple[str, int, tuple[str, ...], str]]]:
    """A run over ``corpus`` in batches, compiled, giving every match found."""
    def run() -> set[tuple[str, int, tuple[str, ...], str]]:
        found = set()
        for first in range(0, len(corpus), BATCH):
            for rule, match in match_batch(corpus[first:first + BATCH], ruleset, prefilter=True):
                found.add((rule.name, match.article_id, tuple(match.terms), match.snippet))
        return found
    return run


def cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the revision to compare with, e.g. a commit or tag")
    parser.add_argument("--articles", type=int, default=1000, help="articles matched")
    parser.add_argument("--turns", type=int, default=7, help="timed turns of both")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        then_alerts, then_storage = exported(options.revision, Path(folder))
        corpus = articles(options.articles)
        then_corpus = copied(corpus, then_storage.Article)
        pack = [alerts.Rule(**table) for table in alerts.default_rule_pack()]
        rulesets = {"the pack": pack, "10,000 rules": generated_rules(10000)}
        print(f"{options.articles} articles, batches of {BATCH}; {options.revision} against this"
              " tree, CPU seconds per turn")
        for name, ruleset in rulesets.items():
            now = matcher(alerts.match_batch, corpus, ruleset)
            then = matcher(then_alerts.match_batch, then_corpus,
                           copied(ruleset, then_alerts.Rule))
            found = now()
            if then() != found:
                raise SystemExit(f"{name}: the two trees find different matches")
            gc.collect()
            ratios, rates = [], []
            for _ in range(options.turns):
                old, new = cpu(then), cpu(now)
                ratios.append(old / new)
                rates.append((options.articles / old, options.articles / new))
            best_old = max(old for old, _ in rates)
            best_new = max(new for _, new in rates)
            print(f"{name:>13}: {len(found)} matches; articles/s, best turn: {best_old:.0f} then,"
                  f" {best_new:.0f} now; this tree {statistics.median(ratios):.2f}x as fast"
                  f" (median of {options.turns} turns; {min(ratios):.2f}x-{max(ratios):.2f}x)")


if __name__ == "__main__":
    main()
