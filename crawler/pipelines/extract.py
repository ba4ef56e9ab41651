"""Extraction pipeline: a fetched page becomes an article, or is dropped with a count."""

from __future__ import annotations

import asyncio
import logging
from typing import Self

from scrapy.crawler import Crawler

from crawler.extract import extract_for_archive
from crawler.items import PageItem
from crawler.pool import extraction_pool

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Runs trafilatura on each page in the extraction process pool.

    ``PANTAU_EXTRACT_PROCESSES``: worker processes (0: one per core, -1: extract in the
    crawl's own thread, for tests and debugging).
    """

    def __init__(self, crawler: Crawler, processes: int) -> None:
        self.crawler = crawler
        self.processes = processes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("PANTAU_EXTRACT_PROCESSES", 0))

    async def process_item(self, item: PageItem) -> PageItem:
        if not item.is_html:
            return item
        if self.processes < 0:
            item.extracted, item.shingles = extract_for_archive(item.bodies, item.url)
        else:
            loop = asyncio.get_running_loop()
            pool = extraction_pool(self.processes)
            item.extracted, item.shingles = await loop.run_in_executor(
                pool, extract_for_archive, item.bodies, item.url)
        if item.extracted is None:
            self.crawler.stats.inc_value("pantau/pages/no_article")
            logger.info("%s: no article text found on %s", item.source, item.url)
        return item

