"""Precision and recall of the default rule pack on a labelled set of news texts.

    .venv/bin/python -m bench.eval_rules              # development set, word forms (~) as shipped
    .venv/bin/python -m bench.eval_rules --heldout    # the blind held-out sets instead
    .venv/bin/python -m bench.eval_rules --set PATH   # any labelled JSONL file
    .venv/bin/python -m bench.eval_rules --json [--misses]
    .venv/bin/python -m bench.eval_rules --heldout --pack OLD.toml   # another pack, e.g. an
        # earlier revision: git show COMMIT:alerts/default_rules.toml > OLD.toml

tests/data/rule_eval.jsonl is the development set: the pack is tuned on it. It holds the first
labelled set (ids e...), and every held-out set whose misses were studied for a revision,
appended as it was written (ids h0..., h2-..., h3-... and so on; tests/data/README.md says for
which revision each was folded in, relabelled.jsonl every label changed since). Those sets,
rule_eval_heldout.jsonl and rule_eval_heldoutN.jsonl for N below BLIND_FROM or in
SPENT_AMONG_BLIND, stay in place as they were but are spent (SPENT, SPENT5): they are
development data now and measure nothing.

Every set is labelled under tests/data/LABELLING.md, the written definition of the topics.
``--heldout`` scores the blind sets (BLIND), each and together: rule_eval_heldoutN.jsonl from
BLIND_FROM to BLIND_UNTIL but those in SPENT_AMONG_BLIND (each written under the guide by someone
who has seen no rule, and labelled again by a second reader). Nobody who writes rules has seen them
(a missing file is reported by name). Score them, do not study their misses, or they become
development data too (and new blind sets are needed).

"Without stemming" runs the same pack with every ``~`` removed (exact words only), so the two
columns differ only by the analysis of word forms. "any" scores the alert decision itself: an
article is relevant if it has any topic, predicted relevant if any rule matches.
"""

from __future__ import annotations

import json
import math
import sys
import tomllib
from pathlib import Path
from statistics import NormalDist
from typing import Any

from alerts import Rule, default_rule_pack, match_batch
from storage import Article

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "rule_eval.jsonl"
BLIND_FROM = 75  # the held-out sets from this one on are blind, the earlier ones spent
BLIND_UNTIL = 105  # the newest held-out set
# Spent while the sets around them stay blind: h87-h89 studied for the twenty-third revision's
# last round, h90-h92 for the twenty-fourth's, h93-h95 for the twenty-fifth's, h96-h98 for the
# twenty-sixth's.
SPENT_AMONG_BLIND = (87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98)
BLIND = tuple(DATA.with_name(f"rule_eval_heldout{n}.jsonl")
              for n in range(BLIND_FROM, BLIND_UNTIL + 1) if n not in SPENT_AMONG_BLIND)
# Relabelled in place under the guide before it was spent: its record holds the new labels.
SPENT5 = DATA.with_name("rule_eval_heldout5.jsonl")
# Every other spent set, folded into the development set as it was written (the first of them
# before the guide, the sixth on written under it; labels changed since are in RELABELLED).
SPENT = tuple(DATA.with_name(f"rule_eval_heldout{n}.jsonl")
              for n in ("", 3, 4, *range(6, BLIND_FROM), *SPENT_AMONG_BLIND))
RELABELLED = DATA.with_name("relabelled.jsonl")
# How sure a score is: the 95 % Wilson interval of a share (of alerts right, of stories found).
CONFIDENCE = 0.95


def load(path: Path = DATA) -> list[dict[str, Any]]:
    """The labelled articles."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def relabelled(path: Path = RELABELLED) -> dict[str, dict[str, Any]]:
    """Labels changed under tests/data/LABELLING.md, by text id: before, after and why."""
    return {change["id"]: change for change in load(path)} if path.is_file() else {}


def pack(stemming: bool = True, source: Path | None = None) -> list[Rule]:
    """The default pack (or the pack in the TOML file ``source``), or the same pack with word
    forms (``~``) turned into exact words."""
    tables: list[dict[str, Any]] = (tomllib.loads(source.read_text(encoding="utf-8"))["rules"]
                                    if source else default_rule_pack())
    if not stemming:
        tables = [{**table, "query": table["query"].replace("~", "")} for table in tables]
    return [Rule(**table) for table in tables]


def as_articles(items: list[dict[str, Any]]) -> list[Article]:
    """The labelled texts as articles to match, numbered from 1 in their order."""
    return [Article(url=f"eval:{n}", canonical_url=f"eval:{n}", source="eval",
                    title=str(item["title"]), text=str(item["text"]),
                    language=str(item["language"]), id=n)
            for n, item in enumerate(items, start=1)]


def predict(items: list[dict[str, Any]], rules: list[Rule]) -> dict[str, set[str]]:
    """For each item id, the names of the rules that match it."""
    found: dict[str, set[str]] = {item["id"]: set() for item in items}
    for rule, match in match_batch(as_articles(items), rules):
        found[items[match.article_id - 1]["id"]].add(rule.name)
    return found


def score(items: list[dict[str, Any]], predicted: dict[str, set[str]],
          topic: str | None) -> dict[str, Any]:
    """Precision and recall for one topic (None: any topic, i.e. whether to alert at all)."""
    def relevant(item: dict[str, Any]) -> bool:
        return bool(item["topics"]) if topic is None else topic in item["topics"]

    def fired(item: dict[str, Any]) -> bool:
        names = predicted[item["id"]]
        return bool(names) if topic is None else topic in names

    tp = sum(1 for i in items if relevant(i) and fired(i))
    fp = sum(1 for i in items if fired(i) and not relevant(i))
    fn = sum(1 for i in items if relevant(i) and not fired(i))
    traps = sum(1 for i in items if i["trap"] and fired(i))
    return {"precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "precision_interval": interval(tp, tp + fp),
            "recall_interval": interval(tp, tp + fn),
            "relevant": tp + fn, "fired": tp + fp, "traps_fired": traps}


def interval(successes: int, total: int, confidence: float = CONFIDENCE) -> list[float]:
    """The Wilson score interval of the share ``successes / total``: where the share on
    texts like these would lie, given how few there were ([0, 1] for none).

    A blind set of a few hundred texts holds a hundred stories of a topic, and 0.88 of 130
    (0.81-0.92) cannot be told from 0.9: the interval says so where a point estimate does not.
    """
    if not total:
        return [0.0, 1.0]
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    share, spread = successes / total, z * z / total
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / total + spread / (4 * total)) / (1 + spread)
    return [0.0 if successes == 0 else centre - half,
            1.0 if successes == total else centre + half]


def scores(items: list[dict[str, Any]],
           predicted: dict[str, set[str]]) -> dict[str, dict[str, Any]]:
    """Scores per topic and overall ("any") of one pack's matches on ``items``."""
    topics = sorted({t for item in items for t in item["topics"]})
    return {topic or "any": score(items, predicted, topic) for topic in [None, *topics]}


def report(items: list[dict[str, Any]],
           source: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """Scores per topic and overall, with and without word forms."""
    return {label: scores(items, predict(items, pack(stemming, source)))
            for label, stemming in (("stemming", True), ("exact", False))}


def misses(items: list[dict[str, Any]], source: Path | None = None) -> list[str]:
    """Lines describing every wrong alert decision, for whoever improves the pack."""
    predicted = predict(items, pack(True, source))
    lines = []
    for item in items:
        names = predicted[item["id"]]
        if names != set(item["topics"]):
            lines.append(f"{item['id']} labels={item['topics']} fired={sorted(names)} "
                         f"{item['title']}")
    return lines


def _option_path(argv: list[str], option: str, example: str) -> Path | str | None:
    """The path after ``option`` (None: no such option), or a message saying it is missing."""
    if option not in argv:
        return None
    at = argv.index(option) + 1
    if at >= len(argv) or argv[at].startswith("--"):
        return f"{option} needs a path: {option} {example}"
    return Path(argv[at])


def chosen_set(argv: list[str]) -> list[Path] | str:
    """The labelled files named on the command line, or a message saying what is wrong."""
    named = _option_path(argv, "--set", "tests/data/rule_eval.jsonl")
    if isinstance(named, str):
        return named
    paths = [named] if named else list(BLIND) if "--heldout" in argv else [DATA]
    for path in paths:
        if not path.is_file():
            why = " (a blind held-out set, added by whoever merges it)" if path in BLIND else ""
            return (f"{path}: no such labelled set{why}. Give an existing JSONL file with "
                    f"--set PATH, one {{id, language, title, text, topics, trap}} object a line.")
    return paths


def table(name: str, items: list[dict[str, Any]], source: Path | None = None) -> None:
    """Print one set's scores, per topic, with and without word forms."""
    result = report(items, source)
    print(f"{name}: {len(items)} articles, {sum(1 for i in items if i['topics'])} on topic, "
          f"{sum(1 for i in items if i['trap'])} traps")
    print(f"{'topic':30} {'P stem':>7} {'R stem':>7} {'P exact':>8} {'R exact':>8} {'n':>4}"
          f"  {CONFIDENCE:.0%} intervals, stem: P, R")
    for topic, stem in result["stemming"].items():
        exact = result["exact"][topic]
        precision, recall = (f"{stem[f'{kind}_interval'][0]:.2f}-{stem[f'{kind}_interval'][1]:.2f}"
                             for kind in ("precision", "recall"))
        print(f"{topic:30} {stem['precision']:7.2f} {stem['recall']:7.2f} "
              f"{exact['precision']:8.2f} {exact['recall']:8.2f} {stem['relevant']:4}"
              f"  {precision}, {recall}")


def chosen_pack(argv: list[str]) -> Path | str | None:
    """The rule pack named by ``--pack PATH`` (None: the shipped one), or what is wrong."""
    path = _option_path(argv, "--pack", "alerts/default_rules.toml")
    if path is None or isinstance(path, str) or path.is_file():
        return path
    return (f"{path}: no such rule pack. Give a TOML file of [[rules]] tables, e.g. an "
            f"earlier revision's alerts/default_rules.toml.")


def main() -> None:
    paths = chosen_set(sys.argv[1:])
    if isinstance(paths, str):
        sys.exit(paths)
    source = chosen_pack(sys.argv[1:])
    if isinstance(source, str):
        sys.exit(source)
    sets = {path.name: load(path) for path in paths}
    if len(sets) > 1:
        sets["all together"] = [item for items in sets.values() for item in items]
    if "--json" in sys.argv:
        print(json.dumps({name: report(items, source) for name, items in sets.items()},
                         indent=2))
        return
    for name, items in sets.items():
        table(name, items, source)
        if "--misses" in sys.argv and name != "all together":
            print("\n".join(misses(items, source)))
        print()


if __name__ == "__main__":
    main()
