"""Cluster mode on a real Redis: the lease protocol, scrapy-redis's start() bridge, and worker
processes with one archive process crawling a loopback internet, with a worker killed and
Redis restarted mid-crawl."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from scrapy_redis.spiders import RedisSpider

from crawler import Source, crawl_settings
from crawler.cluster import ArchiveNode, Broker, ClusterSpider, Keys, worker_settings
from crawler.cluster.spider import START_LEASE_KEY
from crawler.cluster.wire import dumps, loads, page_item, page_message
from crawler.extract import Extracted, extract_for_archive
from crawler.items import PageItem
from pantau.config import load, load_for_worker
from pantau.exceptions import ConfigError
from storage import Archive
from storage.neardup import sample
from tests.internet import NOW, Reply, Site, article_page, html
from tests.redis_server import RedisServer, redis_server_binary
from tests.test_crawl import build_agency, build_ministry, recent, rss, story
from tests.test_daemon import wait_for

ROOT = Path(__file__).resolve().parents[1]
BINARY = redis_server_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="redis-server is not installed (Debian: apt-get install redis-server)")
BULK = 24  # articles of the slow site


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    assert BINARY is not None
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(BINARY, folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def broker(server: RedisServer, lease: float = 0.3) -> Broker:
    return Broker(server.client(), Keys("t"), lease=lease, max_deliveries=2)


# -- the lease protocol ---------------------------------------------------------------------------

def test_a_claimed_request_comes_back_when_its_lease_runs_out(redis_server: RedisServer) -> None:
    cluster = broker(redis_server)
    client, keys = cluster.client, cluster.keys
    client.hset(keys.run(7), mapping={"pending": 1})
    client.zadd(keys.requests, {b"7\nfirst": 0})
    ((lease, member),) = cluster.claim(keys.requests)
    assert member == b"7\nfirst" and client.zcard(keys.requests) == 0
    assert cluster.reap() == (0, 0)  # still within its lease
    wait_for(lambda: cluster.reap() == (1, 0), "the expired lease reaped", deadline=5)
    assert client.zrange(keys.requests, 0, -1) == [b"7\nfirst"]
    assert not cluster.settle("7", lease=lease)  # the old lease ends nothing any more
    # Delivered twice (max_deliveries) without an end: given up, and counted in its run.
    cluster.claim(keys.requests)
    wait_for(lambda: cluster.reap() == (0, 1), "the request given up", deadline=5)
    assert client.zcard(keys.requests) == 0 and client.zcard(keys.inflight) == 0
    run = client.hgetall(keys.run(7))
    assert run[b"pending"] == b"0" and run[b"errors"] == b"1" and b"given up" in run[
        b"first_error"]


def test_settling_a_lease_pushes_its_outcome_and_keeps_the_run_count(
        redis_server: RedisServer) -> None:
    cluster = broker(redis_server, lease=60)
    client, keys = cluster.client, cluster.keys
    client.hset(keys.run(3), mapping={"pending": 1})
    client.zadd(keys.requests, {b"3\nentry": 0})
    ((lease, _),) = cluster.claim(keys.requests)
    assert cluster.renew([lease]) == 1
    # The entry point's page led to two articles: queued with the lease's end, atomically.
    cluster.settle("3", push=(keys.requests, 0, b"3\narticle-1"))
    assert cluster.settle("3", lease=lease, push=(keys.requests, 0, b"3\narticle-2"),
                          counts={"pages": 1})
    assert client.hget(keys.run(3), "pending") == b"2"
    for _ in range(2):
        ((lease, _),) = cluster.claim(keys.requests)
        cluster.settle("3", lease=lease, results=['{"kind": "page"}'])
    assert client.llen(keys.results) == 2 and client.hget(keys.run(3), "pending") == b"2"
    assert client.zcard(keys.inflight) == 0 and client.hlen(keys.tries) == 0
    # A worker that stops hands its claims back at once, not counted as a delivery.
    client.zadd(keys.requests, {b"3\nlate": 0})
    ((lease, _),) = cluster.claim(keys.requests)
    assert cluster.release([lease]) == 1 and client.zcard(keys.requests) == 1
    assert client.hvals(keys.tries) == [b"0"]


def test_requests_travel_as_json_and_come_back_whole() -> None:
    spider = ClusterSpider()
    request = Request("https://x.id/berita/1", callback=spider.parse_article,
                      errback=spider.on_error, headers={"If-None-Match": '"abc"'},
                      meta={"pantau_bodies": (b"<html>\xff</html>",), "pantau_run": "4",
                            "redirect_urls": ["https://x.id/a"], "weird": {"$b": 1, 2: "x"}})
    back = request_from_dict(loads(dumps(request.to_dict(spider=spider))), spider=spider)
    assert back.url == request.url and back.callback == spider.parse_article
    assert back.meta == request.meta and back.headers == request.headers
    with pytest.raises(TypeError, match="cannot send a"):
        dumps({"callback": object()})


def test_an_extracted_page_travels_with_its_shingle_sample() -> None:
    page = article_page("Tiga PMI dipulangkan", [
        "Tiga pekerja migran Indonesia asal Lombok dipulangkan dari Sabah setelah tertahan"
        " di depot imigrasi selama empat bulan karena dokumen perjalanan mereka ditahan"
        " majikan perkebunan sawit tempat mereka bekerja sejak tahun lalu.",
        "Kepala BP3MI Nusa Tenggara Barat mengatakan ketiganya berangkat melalui calo tanpa"
        " perjanjian kerja, sehingga gaji mereka selama delapan bulan tidak pernah dibayar.",
        "Keluarga menjemput mereka di Bandara Internasional Lombok pada Selasa malam."])
    extracted, shingles = extract_for_archive((page.encode(),), "https://x.id/berita/1")
    assert extracted is not None and shingles == tuple(sample(extracted.text)) and shingles
    item = PageItem(url="https://x.id/berita/1", source="news", status=200, bodies=(),
                    is_html=True, extracted=extracted, shingles=shingles)
    back = page_item(json.loads(page_message(item, "7")))
    assert back.extracted == extracted and back.shingles == shingles


def test_a_node_that_died_while_storing_stores_again_and_closes_the_run(
        redis_server: RedisServer, tmp_path: Path) -> None:
    cluster = broker(redis_server, lease=60)
    source = Source(name="news", feeds=("http://127.0.0.1:9/rss",), allow_private=True)
    extracted = Extracted(title="PMI dipulangkan", text=" ".join(story(1)), published_at=None,
                          published_from=None, language="id", author=None, sitename=None,
                          canonical_url=None)
    with Archive.open(tmp_path / "archive.db") as archive:
        node = ArchiveNode(cluster, archive)
        run = str(node.feed(source))
        assert node.feed(source) is None  # one crawl of a source at a time
        ((lease, _),) = cluster.claim(cluster.keys.start)
        item = PageItem(url="http://127.0.0.1:9/berita/1", source="news", status=200,
                        bodies=(), is_html=True, extracted=extracted)
        cluster.settle(run, lease=lease, results=[page_message(item, run)],
                       counts={"pages": 2, "requests": 2})
        assert node.take(timeout=0.1) and node.close_runs() == []  # taken, then the node died
    with Archive.open(tmp_path / "archive.db") as archive:
        node = ArchiveNode(cluster, archive)
        assert node.recover() == 1
        assert node.store(node.take(timeout=0.1)).new_articles == 1
        assert node.close_runs() == [int(run)]
        (row,) = archive.crawl_runs(source="news")
        assert (row.status, row.pages, row.requests, row.new_articles) == ("finished", 2, 2, 1)
        assert node.open_runs() == {} and node.feed(source) is not None


def test_a_worker_reads_only_what_it_needs_of_the_config(tmp_path: Path) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text('[cluster]\nredis = "redis://10.0.0.5:6379/0"\nlease = "30s"\n'
                      '[[destinations]]\nname = "desk"\ntype = "slack"\n'
                      'url = "${UNSET_ON_CRAWL_MACHINES}"\n', encoding="utf-8")
    worker = load_for_worker(config)
    assert worker.cluster is not None and worker.cluster.seconds("lease") == 30
    with pytest.raises(ConfigError, match="UNSET_ON_CRAWL_MACHINES"):
        load(config)
    config.write_text('[cluster]\nredis = "10.0.0.5:6379"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cluster: redis '10.0.0.5:6379' is not a Redis URL"):
        load_for_worker(config)


# -- scrapy-redis's start() bridge --------------------------------------------------------------

def test_start_yields_the_start_messages_waiting_in_redis(redis_server: RedisServer,
                                                          tmp_path: Path) -> None:
    source = Source(name="agency", feeds=("http://127.0.0.1:9/rss",),
                    sitemaps=("http://127.0.0.1:9/sitemap.xml",), allow_private=True)
    cluster = broker(redis_server, lease=60)
    with Archive.open(tmp_path / "archive.db") as archive:
        run = ArchiveNode(cluster, archive).feed(source)
    settings = {name: value for name, value in worker_settings(
        crawl_settings(), redis_server.url, prefix="t").copy_to_dict().items()
        if name.startswith(("REDIS", "SCHEDULER", "PANTAU_CLUSTER", "DUPEFILTER"))}
    plain = RedisSpider.from_crawler(get_crawler(RedisSpider, settings), name="plain")
    assert asyncio.run(_collect(plain.start())) == []  # scrapy-redis alone: Scrapy waits idle
    spider = ClusterSpider.from_crawler(get_crawler(ClusterSpider, settings))
    requests = asyncio.run(_collect(spider.start()))
    assert [r.url for r in requests] == [*source.feeds, *source.sitemaps]
    assert [r.callback.__name__ for r in requests] == ["parse_feed", "parse_sitemap"]
    assert all(r.meta["pantau_run"] == str(run) for r in requests)
    assert START_LEASE_KEY in requests[-1].meta  # queuing the last one ends the message
    assert cluster.client.zcard(cluster.keys.start) == 0
    assert cluster.client.zcard(cluster.keys.inflight) == 1


async def _collect(requests: object) -> list[Request]:
    return [request async for request in requests]  # type: ignore[attr-defined]


# -- workers and the archive node, in processes ---------------------------------------------------

def build_bulk(site: Site, delay: float) -> None:
    """A site with many slow articles behind a conditional feed: slow enough to act mid-crawl."""
    site.route("/feed", Reply(rss(site, [(f"/bulk/{n}", recent()) for n in range(BULK)]),
                              headers={"Content-Type": "application/rss+xml"}, conditional=True))
    for n in range(BULK):
        reply = html(article_page(f"Berita massal {n}", story(100 + n), NOW))
        reply.delay = delay
        site.route(f"/bulk/{n}", reply)


class Cluster:
    """A loopback internet, an archive node (`pantau run`) and workers (`pantau worker`)."""

    def __init__(self, folder: Path, redis: RedisServer, delay: float,
                 lease: str = "3s") -> None:
        self.folder = folder
        self.sites = [Site(), Site(), Site()]
        for site, build in zip(self.sites, (build_agency, build_ministry), strict=False):
            build(site)
        # The three sites share 127.0.0.1, so Scrapy's one download slot: no Crawl-delay here.
        self.sites[1].route("/robots.txt", Reply(b"User-agent: *\nAllow: /\n"))
        build_bulk(self.sites[2], delay)
        for site in self.sites:
            site.start()
        agency, ministry, bulk = (site.url for site in self.sites)
        self.config = folder / "pantau.toml"
        self.config.write_text(f"""
[pantau]
archive = "archive.db"
rule_packs = []
download_delay = 0
delivery_interval = "1s"

[cluster]
redis = "{redis.url}"
prefix = "test"
lease = "{lease}"

[[sources]]
name = "agency"
feeds = ["{agency}/rss.xml"]
sitemaps = ["{agency}/sitemap.xml"]
article_pattern = "/berita/"
interval = "3s"
allow_private = true

[[sources]]
name = "ministry"
listings = ["{ministry}/news"]
json_listings = ["{ministry}/api/news"]
json_url_template = "{ministry}/news/detail/{{slug}}"
article_pattern = "/news/detail/"
interval = "3s"
allow_private = true

[[sources]]
name = "bulk"
feeds = ["{bulk}/feed"]
interval = "3s"
allow_private = true
""", encoding="utf-8")
        self.node = self._start("run", "node")
        self.workers: list[subprocess.Popen[bytes]] = []

    def _start(self, command: str, name: str) -> subprocess.Popen[bytes]:
        with (self.folder / f"{name}.log").open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "pantau.cli", "-v", "--config", str(self.config),
                 command], cwd=ROOT, stderr=log, stdout=subprocess.DEVNULL,
                env={**os.environ, "COLUMNS": "200"})

    def add_worker(self) -> subprocess.Popen[bytes]:
        worker = self._start("worker", f"worker{len(self.workers)}")
        self.workers.append(worker)
        return worker

    def article_hits(self) -> Counter[str]:
        return Counter(f"{site.url}{hit.path}" for site in self.sites for hit in site.hits
                       if hit.status == 200 and ("/berita/" in hit.path or "/bulk/" in hit.path
                                                 or "/detail/" in hit.path))

    def query(self, sql: str) -> list[dict[str, object]]:
        """Rows of the archive, read as any other reader would (the node owns the file)."""
        db = self.folder / "archive.db"
        if not db.exists():
            return []
        try:
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
                conn.row_factory = sqlite3.Row
                return [dict(row) for row in conn.execute(sql)]
        except sqlite3.OperationalError:  # the node is still creating its tables
            return []

    def archived(self) -> set[str]:
        return {str(row["url"]) for row in self.query("SELECT url FROM articles")}

    def finished_runs(self) -> list[dict[str, object]]:
        return self.query("SELECT * FROM crawl_runs WHERE finished_at IS NOT NULL ORDER BY id")

    def stop(self) -> list[int | None]:
        for process in (*self.workers, self.node):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = []
        for process in (*self.workers, self.node):
            try:
                codes.append(process.wait(timeout=40))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(None)
        for site in self.sites:
            site.stop()
        return codes

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.folder.glob("*.log")))


def expected_articles(world: Cluster) -> set[str]:
    agency, ministry, bulk = (site.url for site in world.sites)
    return ({f"{agency}/berita/{n}/{slug}" for n, slug in ((1, "satu"), (2, "dua"), (3, "tiga"),
                                                           (4, "empat"))}
            | {f"{ministry}/news/detail/{slug}"
               for slug in ("s10", "s11", "s20", "s21", "api-satu", "api-dua")}
            | {f"{bulk}/bulk/{n}" for n in range(BULK)})


def test_two_workers_crawl_every_source_once_for_one_archive(
        tmp_path: Path, redis_server: RedisServer) -> None:
    # A worker renews its claims every third of the lease; on a loaded machine a 3 s lease can
    # lapse between renewals and hand a page to the other worker, a double fetch the protocol
    # allows (docs/scaling.md). Nobody dies here, so a long lease costs no time.
    world = Cluster(tmp_path, redis_server, delay=0.05, lease="30s")
    try:
        world.add_worker()
        world.add_worker()
        wanted = expected_articles(world)
        wait_for(lambda: world.archived() >= wanted, "every article archived", deadline=60)
        # Crawls go on by schedule; the next runs fetch entry points, conditionally, only.
        wait_for(lambda: all(sum(r["source"] == name for r in world.finished_runs()) >= 2
                             for name in ("agency", "ministry", "bulk")),
                 "a second finished run of every source", deadline=40)
    finally:
        codes = world.stop()
    assert codes == [0, 0, 0], world.logs()
    assert world.archived() == wanted
    hits = world.article_hits()
    assert {url for url, count in hits.items() if count > 1} == set(), "fetched twice"
    assert all(hits[url.split("?")[0]] for url in wanted)
    runs = world.finished_runs()
    assert all(r["status"] == "finished" for r in runs)
    assert sum(int(str(r["new_articles"])) for r in runs) == len(wanted)
    assert sum(int(str(r["not_modified"])) for r in runs) > 0  # conditional GET, via the runs
    first = next(r for r in runs if r["source"] == "agency")
    assert int(str(first["pages"])) >= 8 and int(str(first["requests"])) >= 8
    assert "is closed or unknown" not in world.logs()


def test_a_killed_worker_and_a_restarted_redis_lose_nothing(
        tmp_path: Path, redis_server: RedisServer) -> None:
    # The killed worker's claims come back when their lease runs out, so the lease is short;
    # but it must outlast the Redis restart below with room for a loaded machine, or the live
    # worker's own claims lapse during the outage and are fetched twice too (the protocol
    # allows that; this test counts only the dead worker's).
    world = Cluster(tmp_path, redis_server, delay=0.6, lease="8s")
    bulk = world.sites[2]
    try:
        doomed = world.add_worker()
        wait_for(lambda: any(p.startswith("/bulk/") for p in bulk.paths()),
                 "the first worker fetching the slow site", deadline=60)
        doomed.send_signal(signal.SIGKILL)  # its claimed requests must come back
        doomed.wait(timeout=10)
        fetched_before = len(bulk.paths())
        world.add_worker()
        wait_for(lambda: len(bulk.paths()) >= fetched_before + 3,
                 "the second worker taking over", deadline=60)
        redis_server.restart(down_for=1.0)
        wanted = expected_articles(world)
        wait_for(lambda: world.archived() >= wanted, "every article archived", deadline=90)
        wait_for(lambda: any(r["source"] == "bulk" for r in world.finished_runs()),
                 "the slow site's run closed", deadline=30)
    finally:
        codes = world.stop()
    assert codes[1:] == [0, 0], world.logs()
    assert world.archived() == wanted
    hits = world.article_hits()
    again = {url for url, count in hits.items() if count > 1}
    # What the killed worker was fetching is fetched again by the other, once; nothing else.
    assert again and len(again) <= 16 and max(hits.values()) <= 2
    assert "Traceback" not in world.logs()
