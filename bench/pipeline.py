"""Throughput of the whole pipeline against bare trafilatura, in one run.

Serves a loopback news site of ``--articles`` article pages (an RSS feed and a Google News
sitemap listing them all, and paginated listings), crawls it end to end (fetch → extract in the
process pool → archive → match with the default rule pack) into a fresh archive, crawls it
again unchanged, and extracts the same pages with bare trafilatura in this one process.

The stories are the demo's Indonesian articles recombined into distinct ones. ``--pages real``
(the default) puts them in the markup of ten real Indonesian news pages (90–580 KB, see
:mod:`bench.news_pages`); ``--pages demo`` in the demo agency's light pages (about 12 KB). The
site is served by a separate process, so its work stays out of the crawler's way, and its
memory is not counted: ``peak_rss_mb`` and ``peak_pss_mb`` are Pantau's (this process and its
extraction workers). PSS shares the pages that processes share; RSS counts them in each.
``bare_two_processes_ratio`` runs bare trafilatura in two processes at once, half the pages
each: what two busy processes get out of this machine (2.0 only if its two cores share
nothing), the ceiling any two-process pipeline meets before it does any work of its own.

    python -m bench.pipeline [--articles 2000] [--pages real|demo] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from random import Random
from typing import Any

import httpx
import trafilatura

from bench.extraction import BASELINE_OPTIONS
from bench.news_pages import templates
from crawler import run_on_reactor
from pantau.config import from_dict
from pantau.demo.site import NEWS, DemoArticle, DemoSite, load_articles
from pantau.pipeline import run_once
from tests.internet import Reply, Route, Site

# Pantau's own concurrency (16 requests, 4 per host): on loopback four requests in flight
# fetch far faster than two workers extract. No delay and no AutoThrottle: nothing to spare.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 1,
        "LOG_LEVEL": "WARNING"}


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


class Usage:
    """Peak memory and CPU time of this process and its descendants but ``excluded``.

    Sampled from /proc by a child process, so that sampling takes nothing from the crawl's
    own process. CPU time is split between this process (the crawl) and the others (the
    extraction pool: its fork server and workers).
    """

    def __init__(self, excluded: set[int]) -> None:
        self.excluded = excluded
        self.peak_rss_kb = self.peak_pss_kb = 0
        self.cpu_s: dict[str, float] = {}
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        self._results, sender = context.Pipe(duplex=False)
        self._sampler = context.Process(target=self._run, args=(os.getpid(), sender),
                                        daemon=True)

    def __enter__(self) -> Usage:
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.peak_rss_kb, self.peak_pss_kb, self.cpu_s = self._results.recv()
        self._sampler.join()

    def _run(self, root: int, sender: Any) -> None:
        ticks = os.sysconf("SC_CLK_TCK")
        peak_rss = peak_pss = 0
        started: dict[int, int] = {}
        cpu: dict[int, int] = {}
        while not self._stop.wait(0.5):
            rss = pss = 0
            for pid in _tree(root) - self.excluded - {os.getpid()}:
                rss += _field(f"/proc/{pid}/status", "VmRSS")
                pss += _field(f"/proc/{pid}/smaps_rollup", "Pss")
                if (used := _cpu_ticks(pid)) is not None:
                    started.setdefault(pid, used)
                    cpu[pid] = used
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        crawl = cpu.get(root, 0) - started.get(root, 0)
        pool = sum(cpu[pid] - started[pid] for pid in cpu if pid != root)
        sender.send((peak_rss, peak_pss, {"crawl": crawl / ticks, "extraction": pool / ticks}))


def _cpu_ticks(pid: int) -> int | None:
    """User and system CPU time of ``pid`` so far, in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])


def _tree(root: int) -> set[int]:
    """``root`` and every process descending from it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found = {root}
    while grown := {pid for pid, parent in parents.items() if parent in found} - found:
        found |= grown
    return found


def _field(path: str, name: str) -> int:
    """A ``Name:  123 kB`` line of a /proc file, in kB (0 for a process that is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def config_for(base: str, archive: Path) -> Any:
    return from_dict({
        "pantau": {"archive": str(archive), "download_delay": 0},
        "sources": [{"name": "news", "feeds": [f"{base}/rss/terkini.xml"],
                     "sitemaps": [f"{base}/sitemap_news.xml"], "listings": [f"{base}/terkini"],
                     "article_pattern": r"/berita/\d+", "allow_private": True,
                     # The real pages' markup carries their own dates, from 2015.
                     "max_age_days": 36500}],
    }, Path("<bench>"), {})


def demo_site(articles: list[DemoArticle], base: str,
              article_pages: bool = True) -> dict[str, Reply]:
    """Every page a crawl asks for (the articles' own only with ``article_pages``), rendered
    once by the demo site, addressed to ``base``."""
    with DemoSite(articles=articles) as site, httpx.Client() as client:
        paths = ["/robots.txt", "/rss/terkini.xml", "/sitemap_news.xml",
                 *(f"/terkini?page={n}" if n > 1 else "/terkini" for n in range(1, 4)),
                 *(a.path for a in articles if article_pages)]
        pages = {}
        for path in paths:
            answer = client.get(site.news_url + path)
            body = answer.content.replace(site.news_url.encode(), base.encode())
            pages[path] = Reply(body, headers={"Content-Type": answer.headers["Content-Type"]},
                                conditional=True)
        return pages


def real_pages(articles: list[DemoArticle], base: str) -> dict[str, Route]:
    """Each article in the markup of a real news page, rendered when it is asked for."""
    cut = templates()

    def page(article: DemoArticle, number: int) -> Route:
        def answer(_path: str, _headers: dict[str, str]) -> Reply:
            body = cut[number % len(cut)].render(base + article.path, article.title,
                                                 list(article.paragraphs))
            return Reply(body, headers={"Content-Type": "text/html; charset=utf-8"},
                         conditional=True)
        return answer

    return {article.path: page(article, number) for number, article in enumerate(articles)}


def measure(count: int, pages: str = "real") -> dict[str, Any]:
    articles = synthetic_articles(count)
    with tempfile.TemporaryDirectory() as folder, served(count, pages) as (base, child):
        config = config_for(base, Path(folder) / "bench.db")
        times: list[float] = []
        stored: list[int] = []

        async def crawl_twice() -> None:
            for _ in range(2):
                started = time.perf_counter()
                summary = await run_once(config, scrapy_overrides=FAST, deliver=False)
                times.append(time.perf_counter() - started)
                stored.append(summary.new_articles)

        with Usage(excluded={child}) as usage:
            run_on_reactor(crawl_twice)
        bare = bare_seconds(base, articles)
        pair = bare_pair_seconds(base, articles)
    pipeline_rate = stored[0] / times[0]
    bare_rate = len(articles) / bare
    return {
        "articles": count, "pages": pages, "stored": stored[0],
        "pipeline_seconds": round(times[0], 2),
        "pipeline_pages_per_s": round(pipeline_rate, 1),
        "bare_extract_pages_per_s": round(bare_rate, 1),
        "ratio": round(pipeline_rate / bare_rate, 3),
        "repeat_seconds": round(times[1], 2), "repeat_stored": stored[1],
        "repeat_time_ratio": round(times[1] / times[0], 4),
        "peak_rss_mb": round(usage.peak_rss_kb / 1024, 1),
        "peak_pss_mb": round(usage.peak_pss_kb / 1024, 1),
        # CPU per stored page over both crawls: where a page's cost lies.
        "cpu_ms_per_page": {part: round(seconds * 1000 / max(stored[0], 1), 1)
                            for part, seconds in usage.cpu_s.items()},
        "bare_extract_ms_per_page": round(bare * 1000 / len(articles), 1),
        # Bare trafilatura in two processes at once, each on half the pages: what two
        # processes really get out of this machine's two cores (2.0 if nothing is shared).
        "bare_two_processes_ratio": round(bare / pair, 3),
        "cores": os.cpu_count(),
    }


@contextmanager
def served(count: int, pages: str) -> Iterator[tuple[str, int]]:
    """The bench site, built and served by a child process (so that neither its pages nor its
    work are the crawler's); yields its address and the child's pid."""
    context = multiprocessing.get_context("fork")
    address, sender = context.Pipe(duplex=False)
    child = context.Process(target=_serve, args=(count, pages, sender), daemon=True)
    child.start()
    try:
        yield address.recv(), child.pid or 0
    finally:
        child.terminate()
        child.join()


def _serve(count: int, pages: str, address: Any) -> None:
    articles = synthetic_articles(count)
    site = Site()
    routes: dict[str, Reply | Route] = dict(demo_site(articles, site.url, pages == "demo"))
    if pages == "real":
        routes |= real_pages(articles, site.url)
    for path, reply in routes.items():
        site.route(path, reply)
    address.send(site.url)
    site.serve()


def bare_seconds(base: str, articles: list[DemoArticle]) -> float:
    """Seconds bare trafilatura takes over the site's article pages in this one process, with
    Pantau's options (the pages fetched first, as :func:`bare_pair_seconds` does)."""
    started, ended = _extract_bare(_fetch(base, articles))
    return ended - started


def bare_pair_seconds(base: str, articles: list[DemoArticle]) -> float:
    """Wall-clock seconds two processes take to extract half of the pages each, at once."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(3)
    results = context.Queue()
    halves = [articles[0::2], articles[1::2]]
    workers = [context.Process(target=_extract_half, args=(base, half, ready, results))
               for half in halves]
    for worker in workers:
        worker.start()
    ready.wait()  # both have fetched their pages
    spans: list[tuple[float, float]] = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return max(end for _, end in spans) - min(start for start, _ in spans)


def _extract_half(base: str, articles: list[DemoArticle], ready: Any, results: Any) -> None:
    pages = _fetch(base, articles)
    ready.wait()
    results.put(_extract_bare(pages))


def _fetch(base: str, articles: list[DemoArticle]) -> list[tuple[str, bytes]]:
    """The articles' pages as the site serves them, with their URLs."""
    with httpx.Client(base_url=base) as client:
        return [(base + a.path, client.get(a.path).content) for a in articles]


def _extract_bare(pages: list[tuple[str, bytes]]) -> tuple[float, float]:
    """When bare trafilatura (Pantau's options, links off) started and ended on ``pages``."""
    started = time.perf_counter()
    for url, page in pages:
        trafilatura.bare_extraction(page, url=url, **BASELINE_OPTIONS)
    return started, time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--pages", choices=("real", "demo"), default="real",
                        help="real news sites' markup (default) or the demo's light pages")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure(args.articles, args.pages)
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
