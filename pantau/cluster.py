"""Cluster mode: ``pantau worker`` processes crawl; the daemon feeds them and keeps the archive.

With a ``[cluster]`` table in pantau.toml, ``pantau run`` no longer crawls in its own process:
on each source's schedule it queues a crawl in Redis, and it stores, matches and delivers what
the workers send back. See docs/scaling.md.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis
from scrapy.crawler import AsyncCrawlerRunner

from crawler.cluster import ArchiveNode, Broker, ClusterSpider, Keys, connect, worker_settings
from crawler.pool import shutdown_pool
from crawler.sources import Source
from pantau.config import Cluster, Config
from pantau.exceptions import ConfigError
from pantau.pipeline import scrapy_settings
from storage import Archive

logger = logging.getLogger(__name__)

HOUSEKEEPING = 1.0  # seconds between the archive node's rounds of closing runs and reaping


def cluster_of(config: Config) -> Cluster:
    """The config's ``[cluster]`` table, or a ConfigError saying how to add one."""
    if config.cluster is None:
        raise ConfigError(config.path, "cluster", "there is no [cluster] table",
                          'add [cluster] with redis = "redis://host:6379/0" (docs/scaling.md)')
    return config.cluster


def broker_of(cluster: Cluster) -> Broker:
    """The Redis operations for ``cluster``."""
    return Broker(connect(cluster.redis), Keys(cluster.prefix), lease=cluster.seconds("lease"),
                  max_deliveries=cluster.max_deliveries)


async def run_worker(config: Config, scrapy_overrides: dict[str, Any] | None = None) -> None:
    """Crawl for the cluster until SIGTERM or SIGINT (runs on the reactor's event loop)."""
    cluster = cluster_of(config)
    settings = worker_settings(
        scrapy_settings(config, scrapy_overrides), cluster.redis, prefix=cluster.prefix,
        lease=cluster.seconds("lease"), max_deliveries=cluster.max_deliveries,
        run_timeout=cluster.seconds("run_timeout"))
    runner = AsyncCrawlerRunner(settings)
    loop = asyncio.get_running_loop()
    stops: list[asyncio.Task[None]] = []

    def stop(name: str) -> None:
        logger.info("%s: the worker stops; its unfinished requests go back to the queue", name)
        stops.append(loop.create_task(runner.stop()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop, sig.name)
    logger.info("pantau worker started: Redis %s, prefix %r", _redacted(cluster.redis),
                cluster.prefix)
    try:
        await runner.crawl(ClusterSpider)
        await asyncio.gather(*stops)
    finally:
        shutdown_pool()


class ClusterFeed:
    """The daemon's side of cluster mode: feeding scheduled crawls, archiving results."""

    def __init__(self, config: Config, archive: Archive) -> None:
        cluster = cluster_of(config)
        self.node = ArchiveNode(broker_of(cluster), archive,
                                remember=cluster.seconds("remember"),
                                run_timeout=cluster.seconds("run_timeout"),
                                sources=lambda name: _find(config, name))

    def feed(self, source: Source) -> bool:
        """Queue a crawl of ``source``; False if its last crawl is still running or Redis
        cannot be reached (the next scheduled run tries again)."""
        try:
            return self.node.feed(source) is not None
        except redis.RedisError as error:
            logger.error("%s: cannot queue the crawl in Redis: %s", source.name, error)
            return False

    def running(self) -> set[str]:
        """The sources whose crawls are in progress in the cluster (none known if Redis
        cannot be reached)."""
        try:
            return set(self.node.open_runs().values())
        except redis.RedisError:
            return set()

    async def collect(self, stopping: asyncio.Event,
                      stored: Callable[[int], Awaitable[None]]) -> None:
        """Archive workers' results until ``stopping``; ``stored(new_articles)`` after each
        batch with new articles (the daemon matches and delivers there)."""
        node = self.node
        await asyncio.to_thread(node.seed)
        node.recover()
        last = 0.0
        while not stopping.is_set():
            try:
                messages = await asyncio.to_thread(node.take, 200, 1.0)
                report = node.store(messages)
                if report.new_articles:
                    await stored(report.new_articles)
                if time.monotonic() - last >= HOUSEKEEPING:
                    node.close_runs()
                    node.housekeeping()
                    last = time.monotonic()
            except redis.RedisError as error:  # unreachable past the client's retries
                logger.error("the cluster's Redis is unreachable: %s; retrying", error)
                await asyncio.sleep(HOUSEKEEPING)


def _find(config: Config, name: str) -> Source | None:
    return next((source for source in config.sources if source.name == name), None)


def _redacted(url: str) -> str:
    """A Redis URL without its password."""
    head, _, tail = url.rpartition("@")
    return f"{head.split('://')[0]}://***@{tail}" if head else url
