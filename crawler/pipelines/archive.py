"""Archive pipeline: pages and articles go into the archive; what is not kept says why."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.extensions.archive import CrawlArchive, archive_of
from crawler.extract import Extracted
from crawler.items import PageItem
from crawler.sources import Source
from crawler.urls import canonical_url
from storage import Archive, ArticleRecord, PageRecord, content_hash

logger = logging.getLogger(__name__)


class ArticleDropped(DropItem):
    """A fetched page that does not become a new article; ``reason`` says why."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{url}: {reason}", log_level="INFO")
        self.reason = reason


class ArchivePipeline:
    """Writes every fetched page and each new article to the crawl's archive.

    A page is recorded whatever came of it, so it is not fetched again; an article is kept
    unless it is archived already (same canonical URL) or older than the source's
    ``max_age_days`` (a new source's first crawl must not flood the archive with history).
    """

    def __init__(self, crawler: Crawler, link: CrawlArchive) -> None:
        self.crawler = crawler
        self.link = link

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        link = archive_of(crawler)
        if link is None:
            raise NotConfigured("the CrawlArchive extension is not enabled")
        return cls(crawler, link)

    @property
    def source(self) -> Source | None:
        return getattr(self.crawler.spider, "source", None)

    def process_item(self, item: PageItem) -> PageItem:
        outcome = store_page(self.link.archive, item, self.source)
        if outcome == "too-old":
            self.crawler.stats.inc_value("pantau/articles/too_old")
        if outcome == "duplicate":
            self.crawler.stats.inc_value("pantau/articles/duplicate")
        if outcome != "new":
            raise ArticleDropped(outcome, item.url)
        self.crawler.stats.inc_value("pantau/articles/new")
        return item


def store_page(archive: Archive, item: PageItem, source: Source | None) -> str:
    """Record a fetched page in ``archive``, and its article if it is new.

    Returns ``"new"``, ``"duplicate"`` (the canonical URL is archived already) or why the page
    is no article: ``"not-html"``, ``"no-article"``, ``"too-old"``. Used by the pipeline and by
    a cluster's archive node, which stores what workers extracted.
    """
    with archive.write():  # the page rows and the article commit together
        return _store(archive, item, source)


def _store(archive: Archive, item: PageItem, source: Source | None) -> str:
    extracted = item.extracted
    article_url = canonical_url(extracted.canonical_url or item.url) if extracted else None
    reason = _rejection(item, extracted, source)
    _record_pages(archive, item, article_url, reason or "article")
    if reason or extracted is None or article_url is None:
        return reason or "no-article"
    record = ArticleRecord(
        url=item.url, canonical_url=article_url, source=item.source, title=extracted.title,
        text=extracted.text, published_at=extracted.published_at or item.listed_at,
        published_from=extracted.published_from or ("listing" if item.listed_at else None),
        language=extracted.language or (source.language if source else None),
        author=extracted.author, sitename=extracted.sitename, updated_at=extracted.updated_at,
        section=extracted.section, tags=extracted.tags, image_url=extracted.image_url,
    )
    added = archive.add_article(record, item.shingles)
    return "new" if added is not None else "duplicate"


def _rejection(item: PageItem, extracted: Extracted | None, source: Source | None) -> str | None:
    if not item.is_html:
        return "not-html"
    if extracted is None:
        return "no-article"
    published = _parse(extracted.published_at or item.listed_at)
    limit = timedelta(days=source.max_age_days) if source else None
    if published and limit and datetime.now(UTC) - published > limit:
        return "too-old"
    return None


def _record_pages(archive: Archive, item: PageItem, article_url: str | None,
                  outcome: str) -> None:
    digest = content_hash(item.extracted.text) if item.extracted else None
    for url in dict.fromkeys((*item.requested_urls, item.url)):
        archive.record_page(PageRecord(
            url=canonical_url(url), source=item.source, status=item.status,
            outcome=outcome, canonical_url=article_url, etag=item.etag,
            last_modified=item.last_modified, content_hash=digest,
        ))


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
