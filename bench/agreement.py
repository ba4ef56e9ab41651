"""How far two labellings of the same texts agree, per topic: the ceiling a rule pack can reach.

    .venv/bin/python -m bench.agreement FIRST.jsonl SECOND.jsonl [--json]

Both files hold ``{"id", "topics", ...}`` objects, one a line, for the same ids (the second may
be bare labels without texts). For each topic it prints how many texts both labellings give it,
only the first, only the second, Cohen's kappa, and the second labeller's precision and recall
scored against the first as if the second were a rule pack. A pack scored against one
labeller's set cannot be expected to beat what another careful reader of the same guide reaches
on it, so these numbers say how much of a pack's shortfall is the labels' own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.eval_rules import load


def kappa(both: int, first: int, second: int, neither: int) -> float:
    """Cohen's kappa for one binary label (1.0 when the labellings cannot disagree by chance)."""
    n = both + first + second + neither
    observed = (both + neither) / n
    yes = (both + first) / n * (both + second) / n
    no = (neither + second) / n * (neither + first) / n
    expected = yes + no
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _has(names: set[str], topic: str | None) -> bool:
    """Whether a text's labels include the topic (None: any topic at all)."""
    return bool(names) if topic is None else topic in names


def agreement(first: list[dict[str, Any]],
              second: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per topic, and for "any" (on topic at all), the counts, kappa and the second's P/R."""
    labels = {item["id"]: set(item["topics"]) for item in second}
    missing = [item["id"] for item in first if item["id"] not in labels]
    if missing or len(labels) != len(first):
        raise ValueError(f"the two files label different texts (first ids missing from the "
                         f"second: {missing[:5]}...)" if missing else
                         "the second file labels texts the first does not have")
    topics = sorted({t for item in first for t in item["topics"]} | set().union(*labels.values()))
    out: dict[str, dict[str, float]] = {}
    for topic in [None, *topics]:
        pairs = [(_has(set(item["topics"]), topic), _has(labels[item["id"]], topic))
                 for item in first]
        both = sum(1 for a, b in pairs if a and b)
        only_first = sum(1 for a, b in pairs if a and not b)
        only_second = sum(1 for a, b in pairs if b and not a)
        neither = len(pairs) - both - only_first - only_second
        # As bench.eval_rules scores a pack: nothing given (or nothing to find) is no error.
        out[topic or "any"] = {
            "both": both, "only_first": only_first, "only_second": only_second,
            "kappa": kappa(both, only_first, only_second, neither),
            "precision": both / (both + only_second) if both + only_second else 1.0,
            "recall": both / (both + only_first) if both + only_first else 1.0}
    return out


def main() -> None:
    paths = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("--")]
    if len(paths) != 2 or not all(path.is_file() for path in paths):
        sys.exit("usage: python -m bench.agreement FIRST.jsonl SECOND.jsonl [--json]: two "
                 "existing JSONL files labelling the same ids")
    try:
        result = agreement(load(paths[0]), load(paths[1]))
    except ValueError as error:
        sys.exit(f"{paths[0]} and {paths[1]}: {error}")
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(f"{'topic':30} {'both':>5} {'1st':>5} {'2nd':>5} {'kappa':>6} {'P 2nd':>6} {'R 2nd':>6}")
    for topic, row in result.items():
        print(f"{topic:30} {row['both']:5} {row['only_first']:5} {row['only_second']:5} "
              f"{row['kappa']:6.2f} {row['precision']:6.2f} {row['recall']:6.2f}")


if __name__ == "__main__":
    main()
