"""Requests and bytes of a first crawl versus a repeat crawl of an unchanged site.

Serves the bundled demo sites (a ministry listing without feeds, a news agency with an RSS
feed, a Google News sitemap and a paginated listing; 34 articles) on loopback, crawls them
twice into a fresh archive in one process, and prints what each crawl cost, from the sites'
own request logs and Pantau's crawl runs.

    python bench/crawl_repeat.py [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler import run_on_reactor
from pantau.demo.receiver import ChatReceiver
from pantau.demo.run import DEMO_SCRAPY_SETTINGS, demo_config
from pantau.demo.site import DemoSite
from pantau.pipeline import run_once
from storage import Archive


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, DemoSite() as site, ChatReceiver() as chat:
        config = demo_config(site, chat, Path(folder) / "bench.db")
        timings: list[float] = []
        marks: list[int] = []

        async def crawl_twice() -> None:
            for _ in range(2):
                marks.append(len(site.requests))
                started = time.perf_counter()
                await run_once(config, scrapy_overrides=DEMO_SCRAPY_SETTINGS, deliver=False)
                timings.append(time.perf_counter() - started)
            marks.append(len(site.requests))

        run_on_reactor(crawl_twice)
        with Archive.open(config.archive_path) as archive:
            runs = sorted(archive.crawl_runs(limit=10), key=lambda run: run.id)
        crawls = []
        for number in range(2):
            mine = runs[number * 2: number * 2 + 2]
            served = site.requests[marks[number]: marks[number + 1]]
            crawls.append({
                "requests": sum(run.requests for run in mine),
                "bytes": sum(run.bytes for run in mine),
                "not_modified": sum(run.not_modified for run in mine),
                "new_articles": sum(run.new_articles for run in mine),
                "article_requests": sum(1 for _, path in served
                                        if "/detail/" in path or "/berita/" in path),
                "seconds": round(timings[number], 2),
            })
    first, repeat = crawls
    return {"first": first, "repeat": repeat,
            "repeat_bytes_ratio": round(repeat["bytes"] / max(first["bytes"], 1), 4),
            "repeat_time_ratio": round(repeat["seconds"] / max(first["seconds"], 1e-9), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    result = measure()
    if parser.parse_args().json:
        print(json.dumps(result))
        return
    for name in ("first", "repeat"):
        row = result[name]
        print(f"{name:>7}: {row['requests']:4d} requests, {row['bytes']:8d} bytes, "
              f"{row['not_modified']:3d} answered 304, {row['article_requests']:3d} article "
              f"fetches, {row['new_articles']:3d} new articles, {row['seconds']:.2f} s")
    print(f"repeat/first: bytes {result['repeat_bytes_ratio']:.2%}, "
          f"time {result['repeat_time_ratio']:.1%}")


if __name__ == "__main__":
    main()
