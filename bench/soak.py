"""Soak test of the daemon: hours of scheduled crawling compressed into minutes.

Serves the bundled demo sites on loopback, runs ``pantau run`` on a config of many sources with
one- to three-second intervals, and samples the daemon's memory (RSS) and open file
descriptors until it has finished ``--crawls`` crawls. It then stops the daemon with SIGTERM
and reports: crawls done, RSS and descriptors after warm-up and at the end, and whether any
source was ever crawled twice at once (from the archive's crawl runs).

    python bench/soak.py [--crawls 500] [--sources 12] [--json]
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from pantau.demo.receiver import ChatReceiver
from pantau.demo.site import DemoSite
from storage import Archive

WARM_UP = 0.2  # the first fifth of the crawls is warm-up: caches and pools fill


def config_text(site: DemoSite, chat: str, sources: int) -> str:
    """A config of ``sources`` sources over the two demo sites, crawled every 1–3 s."""
    parts = ["""
[pantau]
archive = "soak.db"
download_delay = 0
delivery_interval = "2s"
max_concurrent_crawls = 4
"""]
    for number in range(sources):
        entry = (f'listings = ["{site.ministry_url}/news/latest/all"]\n'
                 'article_pattern = "/news/detail/"\nmax_pages = 3' if number % 2 == 0 else
                 f'feeds = ["{site.news_url}/rss/terkini.xml"]\n'
                 f'sitemaps = ["{site.news_url}/sitemap_news.xml"]')
        parts.append(f'[[sources]]\nname = "source-{number}"\n{entry}\n'
                      f'interval = "{1 + number % 3}s"\nallow_private = true\n')
    parts.append(f'[[destinations]]\nname = "chat"\ntype = "slack"\nurl = "{chat}"\n'
                 'rate_per_minute = 60000\n')
    return "\n".join(parts)


def sample(pid: int) -> tuple[int, int]:
    """The process's resident memory in KiB and its number of open descriptors."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines()
               if line.startswith("VmRSS:"))
    return rss, sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())


def finished_runs(db: Path) -> list[Any]:
    if not db.exists():
        return []
    with Archive.open(db) as archive:
        return [run for run in archive.crawl_runs(limit=100_000) if run.finished_at]


def overlaps(runs: list[Any]) -> list[str]:
    """Every time a source's crawl started before its previous one finished."""
    found = []
    for source in sorted({run.source for run in runs}):
        mine = sorted((r for r in runs if r.source == source), key=lambda r: (r.started_at, r.id))
        found += [f"{source}: run {b.id} started {b.started_at}, run {a.id} finished "
                  f"{a.finished_at}" for a, b in pairwise(mine) if b.started_at < a.finished_at]
    return found


def soak(crawls: int, sources: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, DemoSite() as site, ChatReceiver() as chat:
        config = Path(folder) / "pantau.toml"
        config.write_text(config_text(site, chat.webhook_url, sources))
        db = Path(folder) / "soak.db"
        daemon = subprocess.Popen([sys.executable, "-m", "pantau.cli", "--config", str(config),
                                   "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples: list[tuple[int, int, int]] = []  # (crawls done, rss KiB, fds)
        started = time.monotonic()
        try:
            while (done := len(finished_runs(db))) < crawls:
                if daemon.poll() is not None:
                    raise RuntimeError("the daemon died")
                if time.monotonic() - started > 30 * 60:
                    raise RuntimeError("the soak did not finish in 30 minutes")
                samples.append((done, *sample(daemon.pid)))
                time.sleep(1)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(60)
        elapsed = time.monotonic() - started
        runs = finished_runs(db)
    return summarise(samples, runs, elapsed, daemon.returncode, len(chat.messages))


def summarise(samples: list[tuple[int, int, int]], runs: list[Any], elapsed: float,
              returncode: int, messages: int) -> dict[str, Any]:
    total = len(runs)
    warm = [s for s in samples if s[0] >= total * WARM_UP]
    # Compare the medians of the first and the last tenth after warm-up: a single sample of
    # descriptors catches whichever sockets happen to be open at that second.
    tenth = max(1, len(warm) // 10)
    first = tuple(int(median(s[i] for s in warm[:tenth])) for i in range(3))
    last = tuple(int(median(s[i] for s in warm[-tenth:])) for i in range(3))
    peak = max(s[1] for s in warm)
    return {
        "crawls": total, "minutes": round(elapsed / 60, 1), "crawl_errors": sum(
            r.errors for r in runs), "alerts_delivered": messages,
        "rss_mb_after_warm_up": round(first[1] / 1024, 1),
        "rss_mb_at_end": round(last[1] / 1024, 1),
        "rss_mb_peak_after_warm_up": round(peak / 1024, 1),
        "rss_growth_percent": round(100 * (last[1] - first[1]) / first[1], 1),
        "fds_after_warm_up": first[2], "fds_at_end": last[2],
        "fds_max": max(s[2] for s in warm),
        "overlapping_crawls": overlaps(runs), "daemon_exit_code": returncode,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawls", type=int, default=500)
    parser.add_argument("--sources", type=int, default=12)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = soak(args.crawls, args.sources)
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
