"""A learned baseline for the rule pack: naive Bayes per topic, trained on the development set.

    .venv/bin/python -m bench.baseline_classifier [--set PATH]   # default: the blind set(s)

Pantau's topics are keyword rules people can read, test and change; this is not a matcher
Pantau ships. It answers one question about the rule pack's shortfall on unseen text: is it
the rules, or the development set they were written from? A multinomial naive Bayes classifier
per topic (the analysed tokens of title and text: word roots, CJK characters and character
pairs; add-one smoothing; a topic when its posterior odds exceed 1), trained on
tests/data/rule_eval.jsonl with nothing tuned, is scored on the blind set like the pack. Where
it beats the pack, the development set held the evidence and the rules did not use it; where
it does no better, the new texts name things the development set never shows.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from bench.eval_rules import BLIND, chosen_set, load, score
from storage.analysis import analyse_words


def features(item: dict[str, Any]) -> list[str]:
    """The tokens a text is classified by: roots and CJK characters, and each CJK pair."""
    tokens = analyse_words(f"{item['title']} {item['text']}")
    pairs = [a + b for a, b in pairwise(tokens) if len(a) == len(b) == 1
             and not a.isascii() and not b.isascii()]
    return tokens + pairs


class NaiveBayes:
    """One binary multinomial naive Bayes classifier: does a text carry ``topic``?"""

    def __init__(self, items: Sequence[dict[str, Any]], topic: str) -> None:
        self.counts = {True: Counter[str](), False: Counter[str]()}
        self.docs = Counter[bool]()
        for item in items:
            label = topic in item["topics"]
            self.docs[label] += 1
            self.counts[label].update(features(item))
        self.vocabulary = len(self.counts[True].keys() | self.counts[False].keys()) + 1
        self.totals = {label: sum(c.values()) for label, c in self.counts.items()}

    def odds(self, item: dict[str, Any]) -> float:
        """The log posterior odds that the text carries the topic."""
        log = math.log((self.docs[True] + 1) / (self.docs[False] + 1))
        for token in features(item):
            yes = (self.counts[True][token] + 1) / (self.totals[True] + self.vocabulary)
            no = (self.counts[False][token] + 1) / (self.totals[False] + self.vocabulary)
            log += math.log(yes / no)
        return log


def predict(train: Sequence[dict[str, Any]],
            items: Sequence[dict[str, Any]]) -> dict[str, set[str]]:
    """For each item id, the topics the classifiers trained on ``train`` give it."""
    topics = sorted({t for item in train for t in item["topics"]})
    models = {topic: NaiveBayes(train, topic) for topic in topics}
    return {item["id"]: {t for t, model in models.items() if model.odds(item) > 0}
            for item in items}


def main() -> None:
    argv = sys.argv[1:]
    paths = chosen_set(argv) if "--set" in argv else list(BLIND)
    if isinstance(paths, str):
        sys.exit(paths)
    train = load()
    for path in paths:
        if not Path(path).is_file():
            sys.exit(f"{path}: no such labelled set")
        items = load(path)
        predicted = predict(train, items)
        print(f"{path.name}: naive Bayes trained on {len(train)} development texts")
        print(f"{'topic':30} {'P':>5} {'R':>5} {'n':>4}")
        for topic in [None, *sorted({t for i in items for t in i["topics"]})]:
            result = score(items, predicted, topic)
            print(f"{topic or 'any':30} {result['precision']:5.2f} {result['recall']:5.2f}"
                  f" {result['relevant']:4}")


if __name__ == "__main__":
    main()
