"""One pass of the whole flow: crawl the sources, match new articles, deliver due alerts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from alerts import DeliveryReport, MatchReport, deliver_due, match_new_articles
from crawler import CrawlResult, Source, crawl, crawl_settings
from crawler.runner import ProgressCallback
from pantau import __version__
from pantau.config import Config
from storage import Archive

T = TypeVar("T")
# Seconds between matching passes during a crawl: alerts a few seconds behind the articles,
# and a pass has enough new articles to be worth its fixed cost.
MATCH_EVERY = 2.0


@dataclass(frozen=True)
class RunSummary:
    """What a pass did, stage by stage."""

    crawls: list[CrawlResult]
    matching: MatchReport
    delivery: DeliveryReport

    @property
    def pages(self) -> int:
        return sum(result.pages for result in self.crawls)

    @property
    def new_articles(self) -> int:
        return sum(result.new_articles for result in self.crawls)

    @property
    def errors(self) -> int:
        return sum(result.errors for result in self.crawls)


async def matching_while(crawling: Awaitable[T], match: Callable[[], object],
                         every: float = MATCH_EVERY) -> T:
    """Await ``crawling``, calling ``match()`` every ``every`` seconds until it is done.

    A long crawl (a new source's first, a sitemap of thousands) then queues its alerts as its
    articles arrive, not when it ends; and the matching, a single process's work, is done
    while the extraction workers are busy instead of after, when they are idle.
    """
    task = asyncio.ensure_future(crawling)
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=every)
            if not task.done():
                match()
    finally:
        task.cancel()  # stopped from outside: the crawl stops with it (a no-op once done)
    return task.result()


def user_agent(config: Config) -> str:
    """The User-Agent Pantau sends: its name, version and the operator's contact."""
    contact = config.settings.contact or "https://github.com/pantau-news/pantau"
    return f"Pantau/{__version__} (news monitoring; +{contact})"


def scrapy_settings(config: Config, overrides: dict[str, Any] | None = None) -> Any:
    """Scrapy settings for crawling with ``config``."""
    settings = config.settings
    return crawl_settings({
        "PANTAU_ARCHIVE": str(config.archive_path),
        "USER_AGENT": user_agent(config),
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_page_kb * 1024,
        "DOWNLOAD_WARNSIZE": settings.max_page_kb * 1024 // 2,
        "DOWNLOAD_DELAY": settings.download_delay,
        # AutoThrottle starts at the polite minimum and slows down when a host does.
        "AUTOTHROTTLE_START_DELAY": settings.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_per_host,
        **(overrides or {}),
    })


async def run_once(config: Config, *, sources: Sequence[Source] | None = None,
                   scrapy_overrides: dict[str, Any] | None = None, deliver: bool = True,
                   progress: ProgressCallback | None = None) -> RunSummary:
    """Crawl ``sources`` (default: all), matching as articles arrive, then deliver, against
    the config's archive."""
    chosen = config.sources if sources is None else sources
    with Archive.open(config.archive_path) as archive:
        matching = MatchReport()

        def match() -> None:
            matching.add(match_new_articles(archive, config.rules, config.destinations_of))

        results = await matching_while(
            crawl(chosen, scrapy_settings(config, scrapy_overrides), progress), match)
        match()  # what arrived since the last pass
        if progress is not None:
            progress("alerts", f"queued {matching.alerts_queued}")
        delivery = DeliveryReport()
        if deliver:
            destinations = {d.name: d for d in config.destinations}
            delivery = await deliver_due(archive, destinations,
                                         timezone=config.settings.timezone)
    return RunSummary(results, matching, delivery)
