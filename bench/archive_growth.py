"""The cost of archiving one article as the archive grows: 10k, 100k, 1M articles.

For each archive given (built by ``bench.news_corpus``), adds ``--add`` new articles one by one
through the crawler's own path — ``Archive.record_page`` then ``Archive.add_article``, which
fills the full-text index (with its analysed columns) by trigger and looks for near-duplicates
in it — and reports the median, mean and p95 milliseconds per article (the mean is what a crawl's
throughput sees, checkpoints and index merges included), and each archive's median and mean
against the first one's. The new articles are fresh synthetic news, appended for good to the
archives (they are benchmark scratch files).

    python -m bench.news_corpus /tmp/pantau-10k.db --articles 10000
    python -m bench.archive_growth /tmp/pantau-10k.db /tmp/pantau-100k.db /tmp/pantau-1m.db
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.news_corpus import TOPIC_WEIGHTS, Vocabulary, article_text
from storage import Archive, ArticleRecord, PageRecord


def fresh_articles(count: int, seed: int) -> list[ArticleRecord]:
    """``count`` new articles with URLs no archive holds yet."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    now = datetime.now(UTC)
    stamp = int(time.time() * 1000)
    made = []
    for number in range(count):
        topic = rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()))[0]
        title, text = article_text(vocab, topic, rng.randint(300, 600), now)
        url = f"https://growth.example/berita/{stamp}-{number}"
        made.append(ArticleRecord(url=url, canonical_url=url, source="growth", title=title,
                                  text=text, published_at=now.isoformat(timespec="seconds"),
                                  language="id"))
    return made


def per_article_ms(path: Path, articles: list[ArticleRecord]) -> dict[str, Any]:
    with Archive.open(path) as archive:
        # An archive built by Pantau has a shingle sample for every article; give the bulk-built
        # ones theirs (once), so the near-duplicate lookups read an index of the full size.
        archive.sample_shingles()
        size = archive.counts()["articles"]
        times = []
        for record in articles:
            started = time.perf_counter()
            archive.record_page(PageRecord(url=record.url, source=record.source, status=200,
                                           outcome="article", canonical_url=record.url))
            archive.add_article(record)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"archive": str(path), "articles": size,
            "median_ms": round(statistics.median(times), 2),
            "mean_ms": round(statistics.fmean(times), 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archives", nargs="+", type=Path)
    parser.add_argument("--add", type=int, default=300, help="articles added to each archive")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # A new seed every run: an article identical to one added by an earlier run would be
    # clustered by its hash and skip the near-duplicate search this measures.
    seed = time.time_ns()
    results = [per_article_ms(path, fresh_articles(args.add, seed=seed + number))
               for number, path in enumerate(args.archives)]
    for result in results:
        for figure in ("median", "mean"):
            result[f"{figure}_vs_first"] = round(
                result[f"{figure}_ms"] / results[0][f"{figure}_ms"], 2)
    if args.json:
        print(json.dumps(results))
        return
    for r in results:
        print(f"{r['articles']:>9,} articles: median {r['median_ms']:6.2f} ms"
              f" ({r['median_vs_first']:.2f}× the first), mean {r['mean_ms']:6.2f} ms"
              f" ({r['mean_vs_first']:.2f}×), p95 {r['p95_ms']:6.2f} ms per article")


if __name__ == "__main__":
    main()
