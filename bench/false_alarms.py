"""The default pack's alerts on long off-topic articles: the false alarms a news desk would see.

    .venv/bin/python -m bench.false_alarms [--articles 2000] [--pack OLD.toml]

The articles are bench/match_speed.py's with no on-topic story in them: ~250 words each,
stitched from the development set's off-topic texts (never its traps), so every alert is a
false alarm, and most come from words of unrelated sentences meeting in one article. Each alert
is printed with its rule, the terms that hit and the snippet, to be read and judged.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from alerts import Rule, match_batch
from bench.eval_rules import chosen_pack, pack
from bench.match_speed import BATCH, articles
from storage import Article, NewMatch


def false_alarms(corpus: Sequence[Article],
                 rules: Sequence[Rule]) -> list[tuple[Article, Rule, NewMatch]]:
    """Every match of ``rules`` in ``corpus``, in article order, matched in batches."""
    by_id = {article.id: article for article in corpus}
    found = [(by_id[match.article_id], rule, match)
             for first in range(0, len(corpus), BATCH)
             for rule, match in match_batch(corpus[first:first + BATCH], rules)]
    return sorted(found, key=lambda hit: (hit[2].article_id, hit[1].name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="off-topic articles matched")
    parser.add_argument("--pack", metavar="OLD.toml", help="another rule pack than the shipped one")
    options = parser.parse_args()
    count = options.articles
    source = chosen_pack(["--pack", options.pack] if options.pack else [])
    if isinstance(source, str):
        sys.exit(source)
    hits = false_alarms(articles(count, on_topic=0.0), pack(True, source))
    for article, rule, match in hits:
        print(f"{article.url} {rule.name} {list(match.terms)}\n    {match.snippet}")
    print(f"{len(hits)} alerts on {len({hit[0].id for hit in hits})} of {count} off-topic"
          " articles")


if __name__ == "__main__":
    main()
