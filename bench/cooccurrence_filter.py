"""The co-occurrence filter's worth: the default pack matched with and without it.

    .venv/bin/python -m bench.cooccurrence_filter [--articles 1000] [--batch 100] [--rounds 2]

A term of several words is looked up only if some one article of the batch holds all its words
(alerts/prefilter.py, ``TOGETHER_FROM``). Both ways run in the same process, batch by batch and
taking turns, on the articles bench.match_speed matches, so a busy moment of a shared machine
weighs on both alike; the script first checks that both find the very same matches.
"""

from __future__ import annotations

import argparse
import time

from alerts import Rule, default_rule_pack, match_batch, prefilter
from alerts.matcher import _BatchIndex
from alerts.prefilter import index_rules
from bench.match_speed import articles

OFF = 10**12  # more lookups than any batch has: the filter never runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles matched")
    parser.add_argument("--batch", type=int, default=100, help="articles per batch")
    parser.add_argument("--rounds", type=int, default=2, help="timed runs of each batch")
    options = parser.parse_args()
    corpus = articles(options.articles)
    pack = [Rule(**table) for table in default_rule_pack()]
    batches = [corpus[first:first + options.batch]
               for first in range(0, len(corpus), options.batch)]
    on = prefilter.TOGETHER_FROM
    found = {}
    for threshold in (on, OFF):
        prefilter.TOGETHER_FROM = threshold
        found[threshold] = [match_batch(batch, pack, prefilter=True) for batch in batches]
    if found[on] != found[OFF]:
        raise SystemExit("the filter changed the matches: this is a bug")
    compiled = index_rules(pack)
    looked = {on: 0, OFF: 0}
    for batch in batches:
        with _BatchIndex(batch) as index:
            vocabulary = prefilter._Vocabulary.of(index.db, "batch")
            present = vocabulary.holding(compiled.anchors)
            every = compiled.lookups(present)
            together = prefilter._Together.of(index.readings, vocabulary, compiled.anchors)
            looked[OFF] += len(every)
            looked[on] += len(compiled.lookups(present, together)) if together else len(every)
    spent = {on: 0.0, OFF: 0.0}
    for batch in batches:
        for _ in range(options.rounds):
            for threshold in (on, OFF, OFF, on):
                prefilter.TOGETHER_FROM = threshold
                start = time.perf_counter()
                match_batch(batch, pack, prefilter=True)
                spent[threshold] += time.perf_counter() - start
    prefilter.TOGETHER_FROM = on
    runs = 2 * options.rounds * len(corpus)
    print(f"the pack ({len(pack)} rules, {len(compiled.terms)} terms), {len(corpus)} articles"
          f" in batches of {options.batch}, {sum(map(len, found[on]))} matches either way")
    print(f"  FTS5 lookups per batch: {looked[OFF] / len(batches):,.0f} without the filter,"
          f" {looked[on] / len(batches):,.0f} with it")
    print(f"  articles/s: {runs / spent[OFF]:,.0f} without, {runs / spent[on]:,.0f} with"
          f" ({spent[OFF] / spent[on]:.2f}x)")


if __name__ == "__main__":
    main()
