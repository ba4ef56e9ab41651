"""The one spider family of Pantau: a source's feeds, sitemaps and listings lead to articles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

from scrapy import Request, Spider, signals
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.selector import Selector
from twisted.python.failure import Failure

from crawler.items import PageItem
from crawler.sources import Source
from crawler.urls import canonical_url
from storage import Archive

logger = logging.getLogger(__name__)

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")


class SourceSpider(Spider):
    """Crawls one :class:`Source`: reads its entry points and fetches the articles they list.

    Build the spider class of a source with :meth:`for_source`. Articles whose URL the archive
    already holds are not fetched again.
    """

    name = "source"
    source: ClassVar[Source]
    allowed_domains: list[str]
    _archive: Archive | None = None

    @classmethod
    def for_source(cls, source: Source) -> type[SourceSpider]:
        """The spider class that crawls ``source``; its name is the source's name."""
        attributes = {"name": source.name, "source": source,
                      "allowed_domains": list(source.allowed_domains)}
        return type(f"SourceSpider[{source.name}]", (cls,), attributes)

    async def start(self) -> AsyncIterator[Request]:
        """Request every entry point; they are fetched again on every crawl."""
        for url in self.source.feeds:
            yield self._entry(url, self.parse_feed)
        for url in self.source.sitemaps:
            yield self._entry(url, self.parse_sitemap)
        for url in self.source.listings:
            yield self._entry(url, self.parse_listing, page=1)

    def _entry(self, url: str, callback: Any, **meta: Any) -> Request:
        return Request(url, callback=callback, errback=self.on_error, dont_filter=True,
                       meta={"pantau_entry": True, **meta})

    # -- feeds and sitemaps ---------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0, RSS 1.0 (RDF) and Atom: each entry's link and date."""
        selector = self._xml(response, "feed")
        if selector is None:
            return
        entries = selector.xpath("//item | //entry")
        found = []
        for entry in entries:
            link = (entry.xpath("string(link/@href)").get() or "").strip() or (
                entry.xpath("string(link)").get() or "").strip()
            when = entry.xpath("string((pubDate | published | updated | date)[1])").get()
            if link:
                found.append((response.urljoin(link), parse_feed_date(when)))
        if not found:
            self._malformed(response, "feed", "no entries with a link")
        yield from self._article_requests(found, via="feed")

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap indexes, URL sets and Google News sitemaps, recent entries only."""
        selector = self._xml(response, "sitemap")
        if selector is None:
            return
        for loc in selector.xpath("//sitemap/loc/text()").getall():
            yield self._entry(response.urljoin(loc.strip()), self.parse_sitemap)
        found = []
        for url in selector.xpath("//url"):
            loc = (url.xpath("string(loc)").get() or "").strip()
            when = url.xpath("string((news/publication_date | lastmod)[1])").get()
            if loc:
                found.append((response.urljoin(loc), parse_feed_date(when)))
        if not found and not selector.xpath("//sitemap"):
            self._malformed(response, "sitemap", "no <url> or <sitemap> entries")
        yield from self._article_requests(found, via="sitemap")

    def _xml(self, response: Response, kind: str) -> Selector | None:
        if not isinstance(response, TextResponse):
            self._malformed(response, kind, "the answer is not text")
            return None
        selector = Selector(text=response.text, type="xml")
        selector.remove_namespaces()
        return selector

    # -- listing pages ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A page of links to articles, and the next page up to ``max_pages``."""
        if not isinstance(response, TextResponse):
            self._malformed(response, "listing", "the answer is not a web page")
            return
        # Off-site links are dropped by Scrapy's offsite middleware, against allowed_domains.
        links = LinkExtractor(allow=self.source.article_pattern or ()).extract_links(response)
        found = [(link.url, None) for link in links if link.url != response.url]
        if not found:
            self._malformed(response, "listing", "no links matching article_pattern")
        yield from self._article_requests(found, via="listing")
        page = int(response.meta.get("page", 1))
        next_url = _next_page(response)
        if next_url and page < self.source.max_pages:
            yield self._entry(next_url, self.parse_listing, page=page + 1)

    # -- articles ---------------------------------------------------------------------------------

    def _article_requests(self, found: Iterable[tuple[str, datetime | None]],
                          via: str) -> Iterator[Request]:
        cutoff = datetime.now(UTC) - timedelta(days=self.source.max_age_days)
        fresh = {canonical_url(url): when for url, when in found
                 if self.source.is_article_url(url) and (when is None or when >= cutoff)}
        known = self._archived(fresh)
        self.crawler.stats.inc_value("pantau/articles/already_archived", len(known))
        for url, when in fresh.items():
            if url in known:
                continue
            meta = {"pantau_via": via, "pantau_listed_at": when.isoformat() if when else None}
            yield Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def _archived(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` the archive at ``PANTAU_ARCHIVE`` holds already."""
        if self._archive is None:
            path = self.settings.get("PANTAU_ARCHIVE")
            if not path:
                return set()
            self._archive = Archive.open(path)
            self.crawler.signals.connect(self._archive.close, signal=signals.spider_closed)
        return self._archive.known_urls(urls)

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        """Hand the page to the item pipelines, which extract and archive it."""
        content_type = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        is_html = isinstance(response, TextResponse) and (
            not content_type or content_type in _HTML_TYPES)
        if not is_html:
            logger.warning("%s: %s is not an HTML page (%s); skipped", self.source.name,
                           response.url, content_type.decode("latin-1") or "no content type")
            self.crawler.stats.inc_value("pantau/pages/not_html")
        yield PageItem.from_response(response, self.source.name, is_html=is_html)

    # -- errors ---------------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Log a request that failed (refused, timed out, 4xx/5xx) and count it; go on."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        reason = f"answered {response.status}" if response is not None else str(failure.value)
        kind = "entry point" if request.meta.get("pantau_entry") else "article"
        logger.warning("%s: %s %s %s", self.source.name, kind, request.url, reason)
        self.crawler.stats.inc_value("pantau/errors")

    def _malformed(self, response: Response, kind: str, why: str) -> None:
        logger.warning("%s: malformed %s %s: %s", self.source.name, kind, response.url, why)
        self.crawler.stats.inc_value(f"pantau/malformed/{kind}")
        self.crawler.stats.inc_value("pantau/errors")


def _next_page(response: TextResponse) -> str | None:
    """The listing's next page: ``rel=next``, else a link labelled as the next page."""
    candidates = response.xpath(
        "//link[@rel='next']/@href | //a[@rel='next']/@href"
        " | //a[contains(translate(normalize-space(.), 'SELANJUTNYANEXT›»', 'selanjutnyanext›»'),"
        " 'selanjutnya') or normalize-space(.)='›' or normalize-space(.)='»'"
        " or contains(translate(normalize-space(.), 'NEXT', 'next'), 'next')]/@href"
    ).getall()
    return response.urljoin(candidates[0]) if candidates else None


def parse_feed_date(value: str | None) -> datetime | None:
    """An RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) date as an aware datetime, else None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
