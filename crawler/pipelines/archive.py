"""Archive pipeline: pages and articles go into the archive; the crawl run is recorded."""

from __future__ import annotations

import logging
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.spiders import Spider

from crawler.items import PageItem
from crawler.urls import canonical_url
from storage import Archive, ArticleRecord, PageRecord, content_hash

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Writes every fetched page and each new article to the archive at ``PANTAU_ARCHIVE``.

    It also opens and closes the source's row in ``crawl_runs``, and serves the spider's
    question "is this URL archived already?".
    """

    archive: Archive

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.run_id = 0
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("PANTAU_ARCHIVE")
        if not path:
            raise NotConfigured("PANTAU_ARCHIVE is not set")
        return cls(crawler, path)

    def open_spider(self) -> None:
        self.archive = Archive.open(self.path)
        self.run_id = self.archive.start_crawl(self._source)

    @property
    def _language(self) -> str | None:
        source = getattr(self.crawler.spider, "source", None)
        return source.language if source is not None else None

    @property
    def _source(self) -> str:
        spider = self.crawler.spider
        assert spider is not None
        return str(spider.name)

    def process_item(self, item: PageItem) -> PageItem:
        extracted = item.extracted
        article_url = canonical_url(extracted.canonical_url or item.url) if extracted else None
        outcome = "not-html" if not item.is_html else "no-article" if not extracted else "article"
        for url in (*item.requested_urls, item.url):
            self.archive.record_page(PageRecord(
                url=canonical_url(url), source=item.source, status=item.status, outcome=outcome,
                canonical_url=article_url, etag=item.etag, last_modified=item.last_modified,
                content_hash=content_hash(extracted.text) if extracted else None,
            ))
        if extracted is None or article_url is None:
            raise DropItem(f"{item.url}: {outcome}", log_level="INFO")
        record = ArticleRecord(
            url=item.url, canonical_url=article_url, source=item.source, title=extracted.title,
            text=extracted.text, published_at=extracted.published_at or item.listed_at,
            published_from=extracted.published_from or ("listing" if item.listed_at else None),
            language=extracted.language or self._language, author=extracted.author,
            sitename=extracted.sitename, updated_at=extracted.updated_at,
            section=extracted.section, tags=extracted.tags, image_url=extracted.image_url,
        )
        if self.archive.add_article(record) is None:
            self.crawler.stats.inc_value("pantau/articles/duplicate")
            raise DropItem(f"{item.url}: archived already as {article_url}", log_level="INFO")
        self.crawler.stats.inc_value("pantau/articles/new")
        return item

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        counts = {
            "requests": stats.get_value("downloader/request_count", 0),
            "pages": stats.get_value("response_received_count", 0),
            "new_articles": stats.get_value("pantau/articles/new", 0),
            "errors": stats.get_value("pantau/errors", 0) + stats.get_value("log_count/ERROR", 0),
        }
        status = "finished" if reason == "finished" else "stopped"
        self.archive.finish_crawl(self.run_id, status=status, finish_reason=reason, counts=counts)
        self.archive.close()
