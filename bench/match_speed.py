"""Matching speed: articles per second for the default pack and for 1,000 and 10,000 rules.

    .venv/bin/python -m bench.match_speed [--articles 10000] [--rules 1000,10000]
                                          [--batch 100,500] [--rounds 3] [--on-topic 0.05]

Articles are ~250-word texts stitched from the sentences of the first 1,481 texts of
tests/data/rule_eval.jsonl (the set as the eighth revision of the pack left it: later sets are
appended, so the workload stays the same as the set grows), matched in batches as the matcher
does. Generated rules (bench/rule_generator.py) have the
default pack's complexity: a dozen terms, phrases, word forms, prefixes, NEAR, title:, CJK
terms, NOT guards. Each rule set runs two ways in the same process: every rule as its own
FTS5 query on every batch (``prefilter=False``, the reference), and compiled
(``prefilter=True``: only the rules whose anchors occur, evaluated over the batch's term
masks, see alerts/prefilter.py); the script first checks that both find the very same
matches, explanations included.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import time
from collections.abc import Sequence

from alerts import Rule, default_rule_pack, match_batch
from bench.eval_rules import load
from bench.rule_generator import generated_rules
from storage import Article

BATCH = 500
# The texts the articles are stitched from: the development set's first lines, a fixed number,
# so that runs from different revisions of the set match the very same articles.
CORPUS_TEXTS = 1481


def articles(count: int, on_topic: float = 0.05, seed: int = 7) -> list[Article]:
    """``count`` synthetic articles of about 250 words from the labelled set's texts.

    A share ``on_topic`` of them tells one on-topic story of the set (its title and text),
    the rest are stitched from off-topic news (not traps: stitched together, trap sentences
    make co-occurrences no real article has), all padded to length with off-topic sentences,
    as on a general news desk where few stories are about labour migration.
    """
    rng = random.Random(seed)
    items = load()[:CORPUS_TEXTS]
    stories = [i for i in items if i["topics"]]
    other = [s for item in items if not item["topics"] and not item["trap"]
             for s in re.split(r"(?<=\.) ", str(item["text"]))]
    out = []
    for number in range(1, count + 1):
        if rng.random() < on_topic:
            story = rng.choice(stories)
            title, lead = str(story["title"]), [str(story["text"])]
        else:
            title, lead = rng.choice(other)[:80], []
        text = " ".join(lead + [rng.choice(other) for _ in range(14 - 3 * len(lead))])
        out.append(Article(url=f"b:{number}", canonical_url=f"b:{number}", source="bench",
                           title=title, text=text, language="id", id=number))
    return out


def rates(corpus: Sequence[Article], ruleset: Sequence[Rule], size: int = BATCH,
          rounds: int = 3) -> tuple[float, float]:
    """Articles per second in batches of ``size``: every rule's own query, then compiled.

    Each batch is matched ``rounds`` times both ways, taking turns, and its best time each way
    counts: the machines are shared, and a busy moment should not decide a comparison.
    """
    spent = [0.0, 0.0]
    for first in range(0, len(corpus), size):
        batch = corpus[first:first + size]
        best = [float("inf"), float("inf")]
        for _ in range(rounds):
            for prefilter in (False, True):
                start = time.perf_counter()
                match_batch(batch, ruleset, prefilter=prefilter)
                best[prefilter] = min(best[prefilter], time.perf_counter() - start)
        spent = [spent[0] + best[0], spent[1] + best[1]]
    return len(corpus) / spent[0], len(corpus) / spent[1]


def same_matches(batch: Sequence[Article], ruleset: Sequence[Rule]) -> int:
    """The number of matches, after checking both matchers find the very same ones."""
    found: dict[bool, set[tuple[str, int, tuple[str, ...], str]]] = {}
    for prefilter in (False, True):
        found[prefilter] = {(rule.name, match.article_id, match.terms, match.snippet)
                            for first in range(0, len(batch), BATCH)
                            for rule, match in match_batch(batch[first:first + BATCH], ruleset,
                                                           prefilter=prefilter)}
    if found[False] != found[True]:
        raise SystemExit("compiled matching changed the matches: this is a bug")
    return len(found[True])


def numbers(text: str) -> list[int]:
    """A comma-separated list of counts, as ``--rules 1000,10000`` gives it."""
    return [int(n) for n in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000, help="articles matched")
    parser.add_argument("--rules", type=numbers, default=[1000, 10000],
                        help="sizes of the generated rule sets (comma-separated)")
    parser.add_argument("--batch", type=numbers, default=[100, BATCH],
                        help="articles per batch (comma-separated)")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each batch")
    parser.add_argument("--on-topic", type=float, default=0.05,
                        help="share of articles that tell an on-topic story")
    options = parser.parse_args()
    corpus = articles(options.articles, options.on_topic)
    rulesets = [[Rule(**table) for table in default_rule_pack()],
                *(generated_rules(n) for n in options.rules)]
    print(f"{options.articles} articles of ~250 words ({options.on_topic:.0%} on topic)")
    for ruleset in rulesets:
        print(f"{len(ruleset):6} rules: {same_matches(corpus, ruleset):7} matches, the same"
              " compiled and rule by rule")
    # Loading 10,000 rules leaves a million new objects for the collector's first full pass
    # (about a second, once per rule set): a daemon pays it once, not on some batch.
    gc.collect()
    print(f"{'rules':>7} {'batch':>6} {'every rule':>11} {'compiled':>13} {'speed-up':>9}"
          "   (articles/s)")
    for size in options.batch:
        cost: dict[int, tuple[float, float]] = {}
        for ruleset in rulesets:
            old, new = rates(corpus, ruleset, size, options.rounds)
            cost[len(ruleset)] = (1 / old, 1 / new)
            print(f"{len(ruleset):7} {size:6} {old:11.0f} {new:13.0f} {new / old:8.1f}x")
        if len(options.rules) >= 2:
            low, high = options.rules[0], options.rules[-1]
            print(f"  cost per article, {high} rules / {low} rules ({high / low:.0f}x the rules):"
                  f" every rule {cost[high][0] / cost[low][0]:.1f}x,"
                  f" compiled {cost[high][1] / cost[low][1]:.1f}x")


if __name__ == "__main__":
    main()
