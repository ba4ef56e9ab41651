"""Throughput of the whole pipeline against bare trafilatura, in one run.

Serves a loopback news site of ``--articles`` realistic article pages (the demo's Indonesian
stories recombined, with the agency's heavy boilerplate; an RSS feed and a Google News sitemap
listing them all, and paginated listings), crawls it end to end (fetch → extract in the
process pool → archive → match with the default rule pack) into a fresh archive, crawls it
again unchanged, and extracts the same saved pages with bare trafilatura in this one process.
The pages are rendered once beforehand and served from memory by a separate process, so the
server's own work stays out of the crawler's way. Prints one JSON object with ``--json``.

    python -m bench.pipeline [--articles 2000] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from random import Random
from typing import Any

import httpx
import trafilatura

from crawler import run_on_reactor
from crawler.extract import TRAFILATURA_OPTIONS
from pantau.config import from_dict
from pantau.demo.site import NEWS, DemoArticle, DemoSite, load_articles
from pantau.pipeline import run_once
from tests.internet import Reply, Site

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "RETRY_TIMES": 1, "LOG_LEVEL": "WARNING"}


def synthetic_articles(count: int, seed: int = 7) -> list[DemoArticle]:
    """``count`` distinct articles recombined from the demo's stories, half on each site."""
    base = load_articles()
    rng = Random(seed)
    made = []
    for number in range(count):
        first, second = rng.choice(base), rng.choice(base)
        paragraphs = list(first.paragraphs[:3]) + list(second.paragraphs[2:])
        rng.shuffle(paragraphs[1:])
        paragraphs.insert(1, f"Laporan ini adalah bagian ke-{number} dari liputan khusus "
                             f"{first.section.lower()} redaksi tahun ini.")
        made.append(replace(
            first, site=NEWS, slug=f"{first.slug}-{number}", id=6_000_000 + number,
            story=f"synthetic-{number}", title=f"{first.title} ({number})",
            paragraphs=tuple(paragraphs),
            published=first.published - (first.published - second.published) / 3
            - (first.published - first.published.replace(hour=0)) / 2))
    return made


class PeakMemory:
    """Samples the resident memory of this process and its descendants."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))


def _tree_rss_kb(root: int) -> int:
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if _descends(int(entry.name), root) and "VmRSS" in fields:
            total += int(fields["VmRSS"].split()[0])
    return total


def _descends(pid: int, root: int) -> bool:
    while pid > 1:
        if pid == root:
            return True
        try:
            pid = int((Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]).split()[1])
        except (OSError, IndexError, ValueError):
            return False
    return False


def config_for(base: str, archive: Path) -> Any:
    return from_dict({
        "pantau": {"archive": str(archive), "download_delay": 0, "concurrent_per_host": 16},
        "sources": [{"name": "news", "feeds": [f"{base}/rss/terkini.xml"],
                     "sitemaps": [f"{base}/sitemap_news.xml"], "listings": [f"{base}/terkini"],
                     "article_pattern": r"/berita/\d+", "allow_private": True}],
    }, Path("<bench>"), {})


def rendered_site(articles: list[DemoArticle], base: str) -> dict[str, Reply]:
    """Every page a crawl asks for, rendered once by the demo site, addressed to ``base``."""
    with DemoSite(articles=articles) as site, httpx.Client() as client:
        paths = ["/robots.txt", "/rss/terkini.xml", "/sitemap_news.xml",
                 *(f"/terkini?page={n}" if n > 1 else "/terkini" for n in range(1, 4)),
                 *(a.path for a in articles)]
        pages = {}
        for path in paths:
            answer = client.get(site.news_url + path)
            body = answer.content.replace(site.news_url.encode(), base.encode())
            pages[path] = Reply(body, headers={"Content-Type": answer.headers["Content-Type"]},
                                conditional=True)
        return pages


def measure(count: int) -> dict[str, Any]:
    articles = synthetic_articles(count)
    server = Site()
    for path, reply in rendered_site(articles, server.url).items():
        server.route(path, reply)
    with tempfile.TemporaryDirectory() as folder, served(server) as base:
        config = config_for(base, Path(folder) / "bench.db")
        times: list[float] = []
        stored: list[int] = []

        async def crawl_twice() -> None:
            for _ in range(2):
                started = time.perf_counter()
                summary = await run_once(config, scrapy_overrides=FAST, deliver=False)
                times.append(time.perf_counter() - started)
                stored.append(summary.new_articles)

        with PeakMemory() as memory:
            run_on_reactor(crawl_twice)
    pages = [server.routes[a.path]("", {}).body for a in articles]
    bare = bare_seconds(pages, [a.slug for a in articles])
    pipeline_rate = stored[0] / times[0]
    bare_rate = len(pages) / bare
    return {
        "articles": count, "stored": stored[0], "pipeline_seconds": round(times[0], 2),
        "pipeline_pages_per_s": round(pipeline_rate, 1),
        "bare_extract_pages_per_s": round(bare_rate, 1),
        "ratio": round(pipeline_rate / bare_rate, 3),
        "repeat_seconds": round(times[1], 2), "repeat_stored": stored[1],
        "repeat_time_ratio": round(times[1] / times[0], 4),
        "peak_rss_mb": round(memory.peak_kb / 1024, 1), "cores": os.cpu_count(),
    }


@contextmanager
def served(site: Site) -> Iterator[str]:
    """Serve ``site`` from a child process (forked: it takes the routes along)."""
    child = multiprocessing.get_context("fork").Process(target=site.serve, daemon=True)
    child.start()
    try:
        yield site.url
    finally:
        child.terminate()
        child.join()


def bare_seconds(pages: list[bytes], slugs: list[str]) -> float:
    """Seconds bare trafilatura takes over ``pages`` in this one process, same options."""
    options = {**TRAFILATURA_OPTIONS, "include_links": False}
    started = time.perf_counter()
    for page, slug in zip(pages, slugs, strict=True):
        trafilatura.bare_extraction(page, url=f"https://bench.example/{slug}", **options)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure(args.articles)
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
