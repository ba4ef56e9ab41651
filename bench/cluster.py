"""Cluster mode on this machine: crawl throughput with one and two workers against a crawl in
one process, Redis commands per page, and what the archive node absorbs.

Part 1 serves ``--pages`` real article pages (the three of tests/fixtures/pages, 96–176 KB,
each under many URLs, their canonical links removed) behind one RSS feed on loopback, and
crawls them three ways into fresh archives: ``pantau crawl`` (the baseline), then `pantau run`
with ``[cluster]`` and one, then two ``pantau worker`` processes. The time is the crawl run's,
from the archive (started when fed, finished when the node stored the last article).

Part 2 pushes ``--results`` extracted articles (texts of tests/data/rule_eval.jsonl, about
2,000 characters each) into the results list and times the archive node: storing them
(pages, articles, FTS index, near-duplicate lookup), then matching them with the shipped rule
pack and queuing alerts for one destination.

A worker extracts on every core by default; ``--processes 1`` makes each worker stand for a
one-core machine, so one and two such workers show how throughput follows the cores added.

    python -m bench.cluster [--pages 600] [--results 2000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alerts import Rule, default_rule_pack, match_new_articles
from crawler.cluster import ArchiveNode, Broker, Keys, connect
from crawler.cluster.wire import page_message
from crawler.extract import Extracted
from crawler.items import PageItem
from storage import Archive
from tests.internet import NOW, Reply, Site
from tests.redis_server import RedisServer, redis_server_binary
from tests.test_crawl import recent, rss

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "pages"


def serve_pages(count: int) -> Site:
    """A site with ``count`` article URLs over the real fixture pages, and their feed."""
    bodies = [re.sub(rb'<link[^>]+rel="?canonical"?[^>]*>', b"", path.read_bytes())
              for path in sorted(PAGES.glob("*.html"))]
    site = Site()
    for n in range(count):
        site.route(f"/artikel/{n}", Reply(bodies[n % len(bodies)],
                                          headers={"Content-Type": "text/html; charset=utf-8"}))
    site.route("/feed", Reply(rss(site, [(f"/artikel/{n}", recent()) for n in range(count)]),
                              headers={"Content-Type": "application/rss+xml"}))
    return site.start()


def write_config(folder: Path, site: Site, redis_url: str | None) -> Path:
    cluster = f'[cluster]\nredis = "{redis_url}"\nprefix = "bench"\n' if redis_url else ""
    config = folder / "pantau.toml"
    config.write_text(f"""
[pantau]
archive = "archive.db"
rule_packs = []
download_delay = 0
concurrent_per_host = 8
{cluster}
[[sources]]
name = "bulk"
feeds = ["{site.url}/feed"]
interval = "1h"
max_age_days = 100000
allow_private = true
""", encoding="utf-8")
    return config


def _pantau(config: Path, *args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as stream:
        return subprocess.Popen([sys.executable, "-m", "pantau.cli", "--config", str(config),
                                 *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stream,
                                env={**os.environ, "COLUMNS": "200"})


def _run_row(db: Path) -> dict[str, Any] | None:
    if not db.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute("SELECT * FROM crawl_runs WHERE finished_at IS NOT NULL"
                               " ORDER BY id LIMIT 1").fetchone()
            return dict(row) if row else None
    except sqlite3.OperationalError:
        return None


def _seconds(row: dict[str, Any]) -> float:
    started = datetime.fromisoformat(row["started_at"])
    return (datetime.fromisoformat(row["finished_at"]) - started).total_seconds()


def crawl_alone(pages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        site = serve_pages(pages)
        config = write_config(Path(folder), site, None)
        _pantau(config, "crawl", "--no-deliver", log=Path(folder) / "crawl.log").wait()
        site.stop()
        row = _run_row(Path(folder) / "archive.db")
        assert row is not None, (Path(folder) / "crawl.log").read_text()
        return _result("one process (pantau crawl)", row, site)


def crawl_cluster(pages: int, workers: int, redis: RedisServer,
                  processes: int | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        site = serve_pages(pages)
        config = write_config(Path(folder), site, redis.url)
        with redis.client() as client:
            client.flushall()
            before = int(client.info("stats")["total_commands_processed"])
        options = ["--processes", str(processes)] if processes else []
        started = [_pantau(config, "worker", *options, log=Path(folder) / f"worker{i}.log")
                   for i in range(workers)]
        time.sleep(4)  # the workers are up and idle before the first crawl is fed
        node = _pantau(config, "run", log=Path(folder) / "node.log")
        end = time.monotonic() + 600
        while (row := _run_row(Path(folder) / "archive.db")) is None and time.monotonic() < end:
            time.sleep(0.2)
        for process in (*started, node):
            process.terminate()
        for process in (*started, node):
            process.wait(timeout=60)
        site.stop()
        with redis.client() as client:
            commands = int(client.info("stats")["total_commands_processed"]) - before
        assert row is not None, (Path(folder) / "node.log").read_text()
        cores = f", {processes} extraction process(es) each" if processes else ""
        result = _result(f"cluster, {workers} worker(s){cores}", row, site)
        result["redis_commands_per_page"] = round(commands / max(result["pages"], 1), 1)
        return result


def _result(mode: str, row: dict[str, Any], site: Site) -> dict[str, Any]:
    """The run's time (fed to stored, whole seconds in the archive) and the span from the
    first article fetched to the last, from the site's own log."""
    seconds = _seconds(row)
    fetched = [hit.at for hit in site.hits if "/artikel/" in hit.path]
    span = max(fetched) - min(fetched)
    return {"mode": mode, "pages": row["pages"], "new_articles": row["new_articles"],
            "seconds": round(seconds, 2), "pages_per_s": round(row["pages"] / seconds, 1),
            "fetch_s": round(span, 2), "fetched_per_s": round(len(fetched) / span, 1)}


def absorb(results: int, redis: RedisServer) -> dict[str, Any]:
    """Store, match and queue ``results`` extracted articles at the archive node."""
    texts = [json.loads(line) for line in (ROOT / "tests/data/rule_eval.jsonl").open()]
    with tempfile.TemporaryDirectory() as folder, redis.client() as client:
        client.flushall()
        broker = Broker(connect(redis.url), Keys("bench"))
        client.hset(broker.keys.run(1), mapping={"pending": results})
        messages = []
        pick = random.Random(7)
        for n in range(results):
            body = " ".join(text["text"] for text in pick.sample(texts, 12))
            extracted = Extracted(title=f"{texts[n % len(texts)]['title']} ({n})",
                                  text=f"Laporan {n}. {body}", published_at=NOW.isoformat(),
                                  published_from="page", language="id", author=None,
                                  sitename=None, canonical_url=None)
            item = PageItem(url=f"https://news.example/berita/{n}", source="bench", status=200,
                            bodies=(), is_html=True, extracted=extracted)
            messages.append(page_message(item, "1"))
        for start in range(0, results, 1000):
            client.rpush(broker.keys.results, *messages[start:start + 1000])
        with Archive.open(Path(folder) / "archive.db") as archive:
            node = ArchiveNode(broker, archive)
            started = time.perf_counter()
            stored = 0
            while batch := node.take(200, 0.1):
                stored += node.store(batch).new_articles
            store_s = time.perf_counter() - started
            rules = tuple(Rule(**table) for table in default_rule_pack())
            started = time.perf_counter()
            report = match_new_articles(archive, rules, lambda rule: ("desk",))
            match_s = time.perf_counter() - started
        return {"results": results, "stored": stored, "store_s": round(store_s, 2),
                "stored_per_s": round(stored / store_s, 1), "rules": len(rules),
                "matched_articles": report.articles, "match_s": round(match_s, 2),
                "matched_per_s": round(report.articles / match_s, 1),
                "alerts_queued": report.alerts_queued,
                "end_to_end_per_s": round(stored / (store_s + match_s), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--results", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    binary = redis_server_binary()
    if binary is None:
        sys.exit("redis-server is not installed (Debian: apt-get install redis-server)")
    with tempfile.TemporaryDirectory() as folder:
        redis = RedisServer(binary, Path(folder))
        redis.start()
        try:
            crawls = [crawl_alone(args.pages)] + [
                crawl_cluster(args.pages, workers, redis, processes)
                for processes in (None, 1) for workers in (1, 2)]
            archive_node = absorb(args.results, redis)
        finally:
            redis.stop()
    baseline = crawls[0]["pages_per_s"]
    for crawl in crawls:
        crawl["ratio"] = round(crawl["pages_per_s"] / baseline, 2)
    report = {"machine": f"{platform.node()}, {os.cpu_count()} cores, "
                         f"Python {platform.python_version()}",
              "date": datetime.now(UTC).strftime("%Y-%m-%d"), "crawls": crawls,
              "archive_node": archive_node}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{report['machine']}, {report['date']}")
    for crawl in crawls:
        extra = (f", {crawl['redis_commands_per_page']} Redis commands/page"
                 if "redis_commands_per_page" in crawl else "")
        print(f"{crawl['mode']:<56} {crawl['pages']:>5} pages in {crawl['seconds']:>6} s = "
              f"{crawl['pages_per_s']:>6} pages/s (x{crawl['ratio']}); articles fetched at "
              f"{crawl['fetched_per_s']}/s over {crawl['fetch_s']} s{extra}")
    node = archive_node
    print(f"archive node: {node['stored']} articles stored in {node['store_s']} s "
          f"({node['stored_per_s']}/s); matched with {node['rules']} rules in "
          f"{node['match_s']} s ({node['matched_per_s']}/s), {node['alerts_queued']} alerts "
          f"queued; {node['end_to_end_per_s']} articles/s stored and matched")


if __name__ == "__main__":
    main()
