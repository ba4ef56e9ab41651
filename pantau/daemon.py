"""``pantau run``: the long-running daemon that crawls on schedule and delivers as it goes.

One asyncio event loop (Twisted's asyncio reactor, which Scrapy needs) carries everything:
APScheduler 3.11's ``AsyncIOScheduler`` fires the jobs, crawls run through one Scrapy
``AsyncCrawlerRunner``, extraction runs in the process pool, delivery is async httpx. What must
survive a restart lives in the archive: when each source was last crawled, the outbox.
With a ``[cluster]`` table the crawls run in ``pantau worker`` processes instead: the daemon
feeds them through Redis and archives what they send back (:mod:`pantau.cluster`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from scrapy.crawler import AsyncCrawlerRunner

from alerts import Pacer, deliver_digests, deliver_due, match_new_articles
from crawler import Source, crawl
from crawler.pool import shutdown_pool
from crawler.sources import parse_duration
from pantau import metrics
from pantau.cluster import ClusterFeed
from pantau.config import load
from pantau.exceptions import ConfigError
from pantau.pipeline import matching_while, scrapy_settings
from storage import Archive, DaemonStatus, utcnow

logger = logging.getLogger(__name__)

HEARTBEAT = 10.0  # seconds between heartbeats in the archive
GRACE = 25.0  # seconds a graceful stop waits for crawls to close before cutting them off
STARTUP_SPREAD = 60.0  # seconds over which overdue sources are spread after a start


class Daemon:
    """Runs Pantau unattended: scheduled crawls, matching, delivery and digests.

    ``scrapy_overrides`` adjusts the crawls' Scrapy settings (tests and benchmarks use it to
    drop politeness delays on loopback); ``startup_spread`` is how long after a start the
    overdue sources are spread over.
    """

    def __init__(self, config_path: Path, *, scrapy_overrides: dict[str, Any] | None = None,
                 startup_spread: float = STARTUP_SPREAD) -> None:
        self.config_path = config_path
        self.config = load(config_path)
        self.scrapy_overrides = scrapy_overrides or {}
        self.startup_spread = startup_spread
        self.started_at = utcnow()
        self.scheduler = AsyncIOScheduler(timezone=self.config.settings.timezone)
        self.running: set[str] = set()
        self.crawl_slots = asyncio.Semaphore(self.config.settings.max_concurrent_crawls)
        self.stopping = asyncio.Event()
        self.hurry = asyncio.Event()  # a second stop signal: do not wait for crawls to close
        self.runner: AsyncCrawlerRunner | None = None
        self.archive: Archive | None = None
        self.tasks: set[asyncio.Future[Any]] = set()
        self.delivering = asyncio.Lock()
        self.pacers: dict[str, Pacer] = {}  # kept across passes, so pacing holds between them
        self.cluster: ClusterFeed | None = None  # with [cluster]: workers crawl, we feed them

    # -- life cycle -----------------------------------------------------------------------------

    async def run(self) -> None:
        """Run until SIGTERM or SIGINT; SIGHUP reloads the config."""
        self.archive = Archive.open(self.config.archive_path)
        self.runner = AsyncCrawlerRunner(scrapy_settings(self.config, self.scrapy_overrides))
        self._install_signals()
        metrics.serve(self.config.settings.metrics_port)
        if self.config.cluster is not None:
            self.cluster = ClusterFeed(self.config, self.archive)
            self._track(self.cluster.collect(self.stopping, self._stored))
        self.scheduler.start()
        self._schedule_all(first_start=True)
        logger.info("pantau daemon started: %d sources, archive %s", len(self.config.sources),
                    self.config.archive_path)
        try:
            await self._heartbeats()
        finally:
            await self._shut_down()

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.request_stop, "SIGTERM")
        loop.add_signal_handler(signal.SIGINT, self.request_stop, "SIGINT")
        loop.add_signal_handler(signal.SIGHUP, self.reload)

    def request_stop(self, why: str = "request") -> None:
        """First call: stop gracefully. A second call: stop at once (committed work stays)."""
        if self.stopping.is_set():
            logger.warning("%s again: stopping at once", why)
            self.hurry.set()
            for task in list(self.tasks):
                task.cancel()
            return
        logger.info("%s: stopping (crawls close within %.0f s; again to stop at once)", why,
                    GRACE)
        self.stopping.set()

    async def _heartbeats(self) -> None:
        while not self.stopping.is_set():
            self._beat("running")
            try:
                await asyncio.wait_for(self.stopping.wait(), HEARTBEAT)
            except TimeoutError:
                continue

    async def _shut_down(self) -> None:
        """Let running crawls close and running deliveries finish (a send cut off between the
        chat's "ok" and its commit would be sent again), then stop; a second signal cuts it
        short."""
        self.scheduler.pause()  # no new runs; shutting it down would cancel the running ones
        self._beat("stopping")
        if self.runner is not None and self.running:
            self._track(self.runner.stop())
        if self.tasks and not self.hurry.is_set():
            everything: asyncio.Future[Any] = asyncio.gather(*self.tasks,
                                                             return_exceptions=True)
            hurry: asyncio.Future[Any] = asyncio.ensure_future(self.hurry.wait())
            done, _ = await asyncio.wait([everything, hurry], timeout=GRACE,
                                         return_when=asyncio.FIRST_COMPLETED)
            hurry.cancel()
            if everything not in done:
                logger.warning("work still running at the deadline is cut off; what it "
                               "committed stays, the rest is redone on the next start")
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.scheduler.shutdown(wait=False)
        self._beat("stopped")
        shutdown_pool()
        if self.archive is not None:
            self.archive.close()
        logger.info("pantau daemon stopped")

    def _beat(self, state: str) -> None:
        if self.archive is None:
            return
        self.archive.record_heartbeat(DaemonStatus(
            pid=os.getpid(), host=socket.gethostname(), config=str(self.config_path),
            started_at=self.started_at, heartbeat_at=utcnow(), state=state,
            next_runs=self.next_runs(),
            running=sorted(self.cluster.running() if self.cluster else self.running)))

    def next_runs(self) -> dict[str, str]:
        """When each scheduled job fires next."""
        runs: dict[str, str] = {}
        for job in self.scheduler.get_jobs():
            when = getattr(job, "next_run_time", None)
            if when is not None:
                runs[job.id] = when.astimezone(UTC).isoformat(timespec="seconds")
        return runs

    # -- schedules ------------------------------------------------------------------------------

    def _schedule_all(self, first_start: bool) -> None:
        last = self.archive.last_crawl_starts() if self.archive else {}
        overdue = 0
        for source in self.config.sources:
            overdue += self._schedule_source(source, last.get(source.name), overdue, first_start)
        interval = parse_duration(self.config.settings.delivery_interval).total_seconds()
        self._add_job("deliver", self.deliver, IntervalTrigger(
            seconds=interval, timezone=self.config.settings.timezone))
        self._add_job("digests", self.send_digests, CronTrigger(
            minute="*", timezone=self.config.settings.timezone))

    def _schedule_source(self, source: Source, last_start: str | None, overdue: int,
                         first_start: bool) -> int:
        """Add the source's crawl job; returns 1 if it was overdue (and so comes soon)."""
        trigger, first_run = self._trigger(source, last_start, overdue)
        job = self._add_job(f"crawl:{source.name}", self.crawl_source, trigger,
                            args=[source.name])
        if first_run is not None:
            # An overdue source runs at its slot in the spread, without the trigger's jitter.
            job.modify(next_run_time=first_run)
        return int(first_run is not None and first_start)

    def _trigger(self, source: Source, last_start: str | None,
                 overdue: int) -> tuple[BaseTrigger, datetime | None]:
        """The source's trigger, and when to run it first if it is overdue (else None)."""
        zone = self.config.settings.timezone
        if source.cron:
            return CronTrigger.from_crontab(source.cron, timezone=zone), None
        interval = parse_duration(source.interval)
        jitter = parse_duration(source.jitter) if source.jitter else min(
            interval / 10, timedelta(minutes=5))
        now = datetime.now(UTC)
        due = (datetime.fromisoformat(last_start) + interval) if last_start else now
        first_run = None
        if due <= now:
            # Spread the overdue sources over the first minute (or their shortest interval)
            # instead of starting them all at once.
            shortest = min(parse_duration(s.interval) for s in self.config.sources)
            spread = min(self.startup_spread, shortest.total_seconds())
            step = spread / max(len(self.config.sources), 1)
            first_run = due = now + timedelta(seconds=overdue * step + 0.5)
        return IntervalTrigger(seconds=interval.total_seconds(), start_date=due,
                               jitter=int(jitter.total_seconds()) or None,
                               timezone=zone), first_run

    def _add_job(self, job_id: str, func: Callable[..., Any], trigger: BaseTrigger,
                 args: list[Any] | None = None) -> Job:
        # max_instances=1 + coalesce: never two runs of one job at once, and a backlog of
        # missed runs (the machine slept) collapses into one.
        return self.scheduler.add_job(func, trigger, id=job_id, args=args or [],
                                      max_instances=1, coalesce=True, replace_existing=True,
                                      misfire_grace_time=None)

    def reload(self) -> None:
        """Re-read the config; on a mistake keep running the old one and say what is wrong."""
        try:
            new = load(self.config_path)
        except ConfigError as error:
            logger.error("config not reloaded, the running one stays: %s", error)
            metrics.CONFIG_ERRORS.inc()
            return
        old_sources = {s.name: s for s in self.config.sources}
        if new.cluster != self.config.cluster:
            logger.warning("the [cluster] table changed: that applies after a restart")
        self.config = new
        for job in self.scheduler.get_jobs():
            if job.id.startswith("crawl:") and job.id[6:] not in {s.name for s in new.sources}:
                job.remove()
        last = self.archive.last_crawl_starts() if self.archive else {}
        for source in new.sources:
            if old_sources.get(source.name) != source:
                self._schedule_source(source, last.get(source.name), 0, first_start=False)
        logger.info("config reloaded: %d sources, %d rules, %d destinations",
                    len(new.sources), len(new.rules), len(new.destinations))

    # -- jobs -----------------------------------------------------------------------------------

    async def crawl_source(self, name: str) -> None:
        """Crawl one source, then match its new articles and deliver what is due."""
        if self.stopping.is_set() or name in self.running:
            return
        source = next((s for s in self.config.sources if s.name == name), None)
        if source is None:
            return
        try:
            await self._tracked(self._crawl(source))
        except asyncio.CancelledError:
            logger.info("crawl of %s stopped early by the stop", name)

    async def _crawl(self, source: Source) -> None:
        if self.cluster is not None:
            self.cluster.feed(source)
            return
        async with self.crawl_slots:
            if self.stopping.is_set():
                return
            self.running.add(source.name)
            self._beat("running")
            started = time.monotonic()
            try:
                assert self.runner is not None
                (result,) = await matching_while(
                    crawl([source], self.runner.settings, runner=self.runner), self.match)
                seconds = time.monotonic() - started
                metrics.observe_crawl(source.name, result.stats, seconds)
                logger.info("crawled %s: %d pages, %d new articles, %d errors in %.1f s",
                            source.name, result.pages, result.new_articles, result.errors,
                            seconds)
            finally:
                self.running.discard(source.name)
                self._beat("stopping" if self.stopping.is_set() else "running")
        if not self.stopping.is_set():
            self.match()
            await self.deliver()

    async def _stored(self, new_articles: int) -> None:
        """Workers' articles were archived: match them and deliver."""
        if not self.stopping.is_set():
            self.match()
            await self.deliver()

    def match(self) -> None:
        """Match the articles archived since the last pass."""
        if self.archive is None:
            return
        report = match_new_articles(self.archive, self.config.rules, self.config.destinations_of)
        metrics.observe_matches(report.matches)

    async def deliver(self) -> None:
        """Send the alerts that are due, one pass at a time."""
        if self.archive is None or self.stopping.is_set() or self.delivering.locked():
            return
        async with self.delivering:
            destinations = {d.name: d for d in self.config.destinations}
            report = await self._tracked(deliver_due(
                self.archive, destinations, timezone=self.config.settings.timezone,
                pacers=self.pacers))
            metrics.observe_delivery(report)

    async def send_digests(self) -> None:
        """Send the digests whose slot has come."""
        if self.archive is None or self.stopping.is_set():
            return
        destinations = {d.name: d for d in self.config.destinations}
        await self._tracked(deliver_digests(self.archive, destinations,
                                            timezone=self.config.settings.timezone))

    async def _tracked(self, work: Any) -> Any:
        """Await ``work`` as a task that a stop waits for and a second stop signal cancels."""
        task = self._track(work)
        # Shielded: the scheduler cancelling its job must not cut the work itself short.
        return await asyncio.shield(task)

    def _track(self, work: Any) -> asyncio.Future[Any]:
        task: asyncio.Future[Any] = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task
