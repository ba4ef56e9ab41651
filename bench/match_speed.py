"""Matching speed: articles per second for the default pack and for 1,000 rules.

    .venv/bin/python -m bench.match_speed [--articles 5000] [--rules 1000] [--on-topic 0.05]

Articles are ~250-word texts stitched from the sentences of tests/data/rule_eval.jsonl,
matched in batches of 500 as the matcher does. Generated rules have the default pack's shape:
a dozen terms, phrases, a ~word form, a NOT guard. The baseline, run in the same process, is
the matcher as it was before analysis: a batch index of title and text only, exact rules, no
Python explanations (one FTS query per term instead).
"""

from __future__ import annotations

import random
import re
import sqlite3
import sys
import time
from collections.abc import Sequence

from alerts import Rule, default_rule_pack, match_batch
from bench.eval_rules import load
from storage import Article
from storage.schema import FTS_TOKENIZE

BATCH = 500


def articles(count: int, on_topic: float = 0.05, seed: int = 7) -> list[Article]:
    """``count`` synthetic articles of about 250 words from the labelled set's sentences.

    A share ``on_topic`` of them draws from the on-topic texts, the rest from off-topic news
    (not traps: stitched together, trap sentences make co-occurrences no real article has),
    as on a general news desk where few stories are about labour migration.
    """
    rng = random.Random(seed)
    items = load()
    def sentences_of(wanted: list[dict[str, object]]) -> list[str]:
        return [s for item in wanted for s in re.split(r"(?<=\.) ", str(item["text"]))]

    relevant = sentences_of([i for i in items if i["topics"]])
    other = sentences_of([i for i in items if not i["topics"] and not i["trap"]])
    out = []
    for number in range(1, count + 1):
        sentences = relevant if rng.random() < on_topic else other
        text = " ".join(rng.choice(sentences) for _ in range(14))
        out.append(Article(url=f"b:{number}", canonical_url=f"b:{number}", source="bench",
                           title=rng.choice(sentences)[:80], text=text, language="id",
                           id=number))
    return out


def rules(count: int, seed: int = 11) -> list[Rule]:
    """``count`` rules shaped like the default pack's."""
    rng = random.Random(seed)
    vocabulary = sorted({w for item in load() for w in re.findall(r"[A-Za-z]{4,}",
                                                                   item["text"])})
    def words(n: int) -> list[str]:
        return rng.sample(vocabulary, n)
    made = []
    for number in range(count):
        a, b, c = words(5), words(4), words(2)
        query = (f'({" OR ".join(a[:3])} OR "{a[3]} {a[4]}" OR ~{rng.choice(vocabulary)}) '
                 f'AND ({" OR ".join(b)}) NOT ({" OR ".join(c)})')
        made.append(Rule(name=f"r{number}", query=query))
    return made


def rate(batch: Sequence[Article], ruleset: Sequence[Rule], match: object) -> float:
    """Articles per second through ``match(batch, rules)`` in batches of BATCH."""
    start = time.perf_counter()
    for first in range(0, len(batch), BATCH):
        match(batch[first:first + BATCH], ruleset)  # type: ignore[operator]
    return len(batch) / (time.perf_counter() - start)


def baseline_match(batch: Sequence[Article], ruleset: Sequence[Rule]) -> int:
    """The matcher before analysis: title/text index, one FTS query per term for explanations."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE b USING fts5(title, text, tokenize='{FTS_TOKENIZE}')")
    db.executemany("INSERT INTO b (rowid, title, text) VALUES (?, ?, ?)",
                   [(a.id, a.title or "", a.text) for a in batch])
    found = 0
    for rule in ruleset:
        fts = rule.parsed.fts.replace("{title text}", "{title text}").replace("_stem", "")
        ids = [r for (r,) in db.execute("SELECT rowid FROM b WHERE b MATCH ?", [fts])]
        if ids:
            marks = ",".join("?" * len(ids))
            snippets = db.execute(f"SELECT snippet(b, -1, '**', '**', ' … ', 32) FROM b"
                                  f" WHERE b MATCH ? AND rowid IN ({marks})", [fts, *ids])
            snippets.fetchall()
            for term in rule.parsed.terms:
                db.execute(f"SELECT rowid FROM b WHERE b MATCH ? AND rowid IN ({marks})",
                           [term.fts.replace("_stem", ""), *ids]).fetchall()
        found += len(ids)
    db.close()
    return found


def main() -> None:
    count = int(sys.argv[sys.argv.index("--articles") + 1]) if "--articles" in sys.argv else 5000
    many = int(sys.argv[sys.argv.index("--rules") + 1]) if "--rules" in sys.argv else 1000
    share = float(sys.argv[sys.argv.index("--on-topic") + 1]) if "--on-topic" in sys.argv \
        else 0.05
    corpus = articles(count, share)
    pack = [Rule(**table) for table in default_rule_pack()]
    generated = rules(many)
    exact_pack = [Rule(name=r.name, query=r.query.replace("~", "")) for r in pack]
    exact_generated = [Rule(name=r.name, query=r.query.replace("~", "")) for r in generated]
    print(f"{count} articles of ~250 words ({share:.0%} on topic), batches of {BATCH}")
    for label, ruleset, exact in (("default pack (7 rules)", pack, exact_pack),
                                  (f"{many} generated rules", generated, exact_generated)):
        new = rate(corpus, ruleset, match_batch)
        old = rate(corpus, exact, baseline_match)
        print(f"{label:26} matcher {new:8.0f} articles/s   baseline {old:8.0f} articles/s"
              f"   ratio {new / old:.2f}")


if __name__ == "__main__":
    main()
