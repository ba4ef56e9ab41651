"""Search latency over a large archive: p50 and p95 of `pantau search`'s library call.

    .venv/bin/python -m bench.news_corpus /tmp/pantau-1m.db --articles 1000000   # once
    .venv/bin/python -m bench.search_speed /tmp/pantau-1m.db [--repeat 10]

Three kinds of query, each a set of different queries so no single one is measured hot:
two words with a 30-day date filter, a phrase, and one very common word (ranked over the
newest ``RANK_CAP`` matches). Each is timed end to end — parse, the ids of the page, reading
and explaining the 20 hits — as `pantau search` runs it, after one warm-up round (the page
cache holds the index, as on a machine that searches often). The baseline, run in the same
process on the same queries, is the search as it was before: one SQL statement computing
snippets and cluster sizes for every match and ranking all of them.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from alerts import parse
from storage import Archive, ArticleFilter
from storage.search import BM25, DAY

TWO_WORDS = [("pekerja", "Malaysia"), ("deportasi", "Taiwan"), ("inflasi", "rupiah"),
             ("banjir", "BPBD"), ("korupsi", "KPK"), ("vaksin", "puskesmas"), ("gempa", "BMKG"),
             ("Timnas", "pelatih"), ("saham", "investor"), ("siswa", "beasiswa")]
PHRASES = ['"pekerja migran"', '"perdagangan orang"', '"rumah sakit"', '"sepak bola"',
           '"Arab Saudi"', '"Korea Selatan"', '"barang bukti"', '"daya beli"',
           '"tanggap darurat"', '"tenaga kesehatan"']
COMMON = ["pemerintah", "masyarakat", "tahun", "kata", "menurut"]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(run: Callable[[], Any], repeat: int) -> list[float]:
    run()  # warm-up
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def baseline(conn: sqlite3.Connection, fts: str, since: str | None) -> list[Any]:
    """The search of before: snippet and cluster size computed for every match."""
    where = f" AND {DAY} >= datetime(?)" if since else ""
    return conn.execute(
        "SELECT articles.id, articles.title, articles.text, url, source, published_at,"
        " snippet(articles_fts, 1, '**', '**', ' … ', 24),"
        " (SELECT count(*) FROM articles AS c WHERE c.cluster_id = articles.cluster_id)"
        " FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid"
        f" WHERE articles_fts MATCH ? {where} ORDER BY {BM25} LIMIT 20",
        [fts, *([since] if since else [])]).fetchall()


def measure(archive: Archive, queries: list[str], since: str | None, repeat: int,
            with_baseline: bool) -> dict[str, Any]:
    where = ArticleFilter(since=since)
    ours: list[float] = []
    theirs: list[float] = []
    hits = capped = 0
    for text in queries:
        query = parse(text)
        def search(q: Any = query) -> Any:
            return archive.search_page(q.fts, where, terms=q.labelled_patterns, limit=20)
        ours += timed(search, repeat)
        page = search()
        hits += len(page.hits)
        capped += page.capped
        if with_baseline:
            theirs += timed(partial(baseline, archive.db.conn, query.fts, since), repeat)
    result = {"p50_ms": round(statistics.median(ours), 1),
              "p95_ms": round(percentile(ours, 0.95), 1),
              "max_ms": round(max(ours), 1), "hits_per_query": hits / len(queries),
              "capped_queries": capped}
    if theirs:
        result |= {"baseline_p50_ms": round(statistics.median(theirs), 1),
                   "baseline_p95_ms": round(percentile(theirs, 0.95), 1)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--since", default="2026-10-31", help="the date filter's start")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    with Archive.open(args.db) as archive:
        articles = archive.db.conn.execute("SELECT max(id) FROM articles").fetchone()[0]
        report = {
            "articles": articles,
            "bytes": args.db.stat().st_size,
            "two_words_30_days": measure(archive, [f"{a} {b}" for a, b in TWO_WORDS],
                                         args.since, args.repeat, not args.no_baseline),
            "phrase": measure(archive, PHRASES, None, args.repeat, not args.no_baseline),
            "common_word": measure(archive, COMMON, None, args.repeat, not args.no_baseline),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
