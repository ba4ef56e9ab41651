"""The crawl's link to the archive: one connection, and the crawl run recorded in it."""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.spiders import Spider

from storage import Archive, CrawlCounts

logger = logging.getLogger(__name__)


class CrawlArchive:
    """Opens the archive at ``PANTAU_ARCHIVE`` for one crawl and records the crawl's run.

    The spider, the middlewares and the pipelines of the crawl share this one connection
    (see :func:`archive_of`). When the spider closes, the run's row in ``crawl_runs`` gets
    Scrapy's counts: responses by status class, conditional hits, duplicates, drops by
    reason, bytes and duration.
    """

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.archive = Archive.open(path)
        self.run_id = 0
        self.first_error: str | None = None
        self.dropped: dict[str, int] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("PANTAU_ARCHIVE")
        if not path:
            raise NotConfigured("PANTAU_ARCHIVE is not set")
        return cls(crawler, path)

    def spider_opened(self, spider: Spider) -> None:
        self.run_id = self.archive.start_crawl(spider.name)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        reason = getattr(exception, "reason", None) or type(exception).__name__
        self.dropped[reason] = self.dropped.get(reason, 0) + 1

    def note_error(self, message: str) -> None:
        """Remember the run's first error, for `pantau sources`."""
        if self.first_error is None:
            self.first_error = message[:500]

    def spider_closed(self, spider: Spider, reason: str) -> None:
        status = "finished" if reason == "finished" else "stopped"
        self.archive.finish_crawl(self.run_id, status=status, finish_reason=reason,
                                  counts=self.counts())
        self.archive.close()

    def counts(self) -> CrawlCounts:
        """The run's counts, from Scrapy's stats."""
        stats = self.crawler.stats.get_stats()
        classes = {f"{n}xx": 0 for n in range(2, 6)}
        for key, value in stats.items():
            if key.startswith("downloader/response_status_count/"):
                status = key.rsplit("/", 1)[1]
                if status[:1] in "2345":
                    classes[f"{status[0]}xx"] += int(value)
        return CrawlCounts(
            requests=int(stats.get("downloader/request_count", 0)),
            pages=int(stats.get("response_received_count", 0)),
            new_articles=int(stats.get("pantau/articles/new", 0)),
            errors=int(stats.get("pantau/errors", 0)) + int(stats.get("log_count/ERROR", 0)),
            duration_s=stats.get("elapsed_time_seconds"),
            responses_2xx=classes["2xx"], responses_3xx=classes["3xx"],
            responses_4xx=classes["4xx"], responses_5xx=classes["5xx"],
            not_modified=int(stats.get("pantau/entry/not_modified", 0)),
            duplicates=int(stats.get("pantau/articles/duplicate", 0)),
            bytes=int(stats.get("downloader/response_bytes", 0)),
            dropped=dict(self.dropped), first_error=self.first_error,
        )


def archive_of(crawler: Crawler) -> CrawlArchive | None:
    """The crawl's :class:`CrawlArchive`, or None where the crawl has no archive."""
    manager = getattr(crawler, "extensions", None)
    for extension in getattr(manager, "middlewares", ()):
        if isinstance(extension, CrawlArchive):
            return extension
    return None
