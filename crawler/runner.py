"""Running crawls from Python: settings, the asyncio reactor, and one call for many sources."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import install_reactor

from crawler.sources import Source
from crawler.spiders.source import SourceSpider

T = TypeVar("T")
ProgressCallback = Callable[[str, str], None]
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


@dataclass(frozen=True)
class CrawlResult:
    """How one source's crawl went, from Scrapy's stats."""

    source: str
    stats: dict[str, Any]

    @property
    def pages(self) -> int:
        return int(self.stats.get("response_received_count", 0))

    @property
    def new_articles(self) -> int:
        return int(self.stats.get("pantau/articles/new", 0))

    @property
    def errors(self) -> int:
        return int(self.stats.get("pantau/errors", 0))


def crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Pantau's Scrapy settings (crawler/settings.py) with ``overrides`` on top."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


async def crawl(sources: Iterable[Source], settings: Settings,
                progress: ProgressCallback | None = None,
                runner: AsyncCrawlerRunner | None = None) -> list[CrawlResult]:
    """Crawl ``sources`` side by side on the running reactor; returns when all are done.

    ``progress(source, event)`` is called with ``"page"`` for each response and ``"article"``
    for each new article. A long-running caller passes its own ``runner`` (built with the same
    settings), so that ``runner.stop()`` can end the crawls it started.
    """
    runner = runner or AsyncCrawlerRunner(settings)
    crawlers: list[Crawler] = []
    for source in sources:
        crawler = runner.create_crawler(SourceSpider.for_source(source))
        if progress is not None:
            _report_progress(crawler, source.name, progress)
        crawlers.append(crawler)
    await asyncio.gather(*(runner.crawl(crawler) for crawler in crawlers))
    return [CrawlResult(crawler.spider.name if crawler.spider else "?", crawler.stats.get_stats())
            for crawler in crawlers]


def _report_progress(crawler: Crawler, name: str, progress: ProgressCallback) -> None:
    def on_response(**_: Any) -> None:
        progress(name, "page")

    def on_item(**_: Any) -> None:
        progress(name, "article")

    crawler.signals.connect(on_response, signal=signals.response_received, weak=False)
    crawler.signals.connect(on_item, signal=signals.item_scraped, weak=False)


def run_on_reactor(main: Callable[[], Awaitable[T]], *, handle_signals: bool = True) -> T:
    """Run ``main()`` on Twisted's asyncio reactor and return its result.

    Scrapy needs the reactor; everything else of Pantau (httpx, the scheduler) is plain
    asyncio, which this reactor drives. A process can run the reactor only once. With
    ``handle_signals=False`` Twisted leaves SIGINT and SIGTERM to ``main`` (the daemon stops
    gracefully itself).
    """
    install_reactor(ASYNCIO_REACTOR)
    from twisted.internet import reactor as installed  # importing it after install_reactor

    reactor: Any = installed

    outcome: dict[str, Any] = {}

    async def wrapper() -> None:
        try:
            outcome["value"] = await main()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller below
            outcome["error"] = error
        finally:
            reactor.callLater(0, reactor.stop)

    reactor.callWhenRunning(lambda: deferred_from_coro(wrapper()))
    reactor.run(installSignalHandlers=handle_signals)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


__all__ = ["CrawlResult", "crawl", "crawl_settings", "run_on_reactor"]
