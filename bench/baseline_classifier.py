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
from typing import Any

from bench.eval_rules import chosen_set, load, score
from storage.analysis import analyse_words


def features(item: dict[str, Any]) -> list[str]:
    """The tokens a text is classified by: roots and CJK characters, and each CJK pair."""
    tokens = analyse_words(f"{item['title']} {item['text']}")
    pairs = [a + b for a, b in pairwise(tokens) if len(a) == len(b) == 1
             and not a.isascii() and not b.isascii()]
    return tokens + pairs


class NaiveBayes:
    """One binary multinomial naive Bayes classifier: does a text carry the topic?"""

    def __init__(self, texts: Sequence[tuple[list[str], bool]]) -> None:
        """``texts``: each text's features, and whether it carries the topic."""
        self.counts = {True: Counter[str](), False: Counter[str]()}
        self.docs = Counter[bool]()
        for tokens, label in texts:
            self.docs[label] += 1
            self.counts[label].update(tokens)
        self.vocabulary = len(self.counts[True].keys() | self.counts[False].keys()) + 1
        self.totals = {label: sum(c.values()) for label, c in self.counts.items()}

    def odds(self, tokens: list[str]) -> float:
        """The log posterior odds that a text of these features carries the topic."""
        log = math.log((self.docs[True] + 1) / (self.docs[False] + 1))
        for token in tokens:
            yes = (self.counts[True][token] + 1) / (self.totals[True] + self.vocabulary)
            no = (self.counts[False][token] + 1) / (self.totals[False] + self.vocabulary)
            log += math.log(yes / no)
        return log


def predict(train: Sequence[dict[str, Any]],
            items: Sequence[dict[str, Any]]) -> dict[str, set[str]]:
    """For each item id, the topics the classifiers trained on ``train`` give it."""
    topics = sorted({t for item in train for t in item["topics"]})
    learnt = [(features(item), item["topics"]) for item in train]
    models = {topic: NaiveBayes([(tokens, topic in labels) for tokens, labels in learnt])
              for topic in topics}
    read = {item["id"]: features(item) for item in items}
    return {key: {t for t, model in models.items() if model.odds(tokens) > 0}
            for key, tokens in read.items()}


def main() -> None:
    paths = chosen_set(sys.argv[1:] if "--set" in sys.argv else ["--heldout"])
    if isinstance(paths, str):
        sys.exit(paths)
    train = load()
    for path in paths:
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
