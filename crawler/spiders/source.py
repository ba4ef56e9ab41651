"""The one spider family of Pantau: a source's entry points lead to its new articles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure
from w3lib.url import add_or_replace_parameters

from crawler.entries import (
    Entry,
    feed_entries,
    json_entries,
    sitemap_entries,
    xml_problem,
)
from crawler.extensions.archive import archive_of
from crawler.items import PageItem
from crawler.sources import Source
from crawler.urls import canonical_url
from storage import PageRecord

logger = logging.getLogger(__name__)

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
MAX_ARTICLE_PAGES = 10


class SourceSpider(Spider):
    """Crawls one :class:`Source`: reads its entry points and fetches the articles they list.

    Build the spider class of a source with :meth:`for_source`. Entry points (feeds,
    sitemaps, listings, JSON endpoints) are fetched on every crawl, conditionally where the
    archive holds their validators; articles whose URL the archive holds are not fetched again.
    """

    name = "source"
    source: ClassVar[Source]
    allowed_domains: list[str]

    @classmethod
    def for_source(cls, source: Source) -> type[SourceSpider]:
        """The spider class that crawls ``source``; its name is the source's name."""
        attributes = {"name": source.name, "source": source,
                      "allowed_domains": list(source.allowed_domains)}
        return type(f"SourceSpider[{source.name}]", (cls,), attributes)

    async def start(self) -> AsyncIterator[Request]:
        """Request every entry point of the source."""
        source = self.source
        for urls, callback in ((source.feeds, self.parse_feed),
                               (source.sitemaps, self.parse_sitemap),
                               (source.listings, self.parse_listing),
                               (source.json_listings, self.parse_json)):
            for url in urls:
                yield self._entry(url, callback)

    def _entry(self, url: str, callback: Callable[..., Any], page: int = 1) -> Request:
        # Not dont_filter: a sitemap index that lists itself, or a listing whose "next" page
        # loops back, is cut by Scrapy's duplicate filter.
        return Request(url, callback=callback, errback=self.on_error, meta={
            "pantau_entry": True, "page": page, "handle_httpstatus_list": [304]})

    # -- entry points -------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0, RSS 1.0 (RDF) and Atom feeds."""
        if (text := self._text_of(response, "feed")) is not None:
            entries = feed_entries(text, response.url)
            self._check_xml(response, "feed", len(entries))
            yield from self._article_requests(entries)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap indexes, URL sets and Google News sitemaps, recent entries only."""
        if (text := self._text_of(response, "sitemap")) is not None:
            children, entries = sitemap_entries(text, response.url)
            self._check_xml(response, "sitemap", len(children) + len(entries))
            if children:
                self._never_conditional(response)
            for child in children:
                yield self._entry(child, self.parse_sitemap)
            yield from self._article_requests(entries)

    def parse_json(self, response: Response) -> Iterator[Request]:
        """JSON listing endpoints (news APIs, DataTables)."""
        if (text := self._text_of(response, "json listing")) is not None:
            entries = json_entries(text, response.url, self.source.json_url_template)
            if not entries:
                self._malformed(response, "json listing", "no article links found")
            yield from self._article_requests(entries)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A page of links to articles, and the next page up to ``max_pages``."""
        if self._text_of(response, "listing") is None:
            return
        assert isinstance(response, TextResponse)
        # Off-site links are dropped by Scrapy's offsite middleware, against allowed_domains.
        links = LinkExtractor(allow=self.source.article_pattern or ()).extract_links(response)
        entries = [Entry(link.url) for link in links if link.url != response.url]
        if not entries:
            self._malformed(response, "listing", "no links matching article_pattern")
        yield from self._article_requests(entries)
        page = int(response.meta.get("page", 1))
        next_url = _next_page(response)
        if next_url and page < self.source.max_pages:
            yield self._entry(next_url, self.parse_listing, page=page + 1)

    def _never_conditional(self, response: Response) -> None:
        """Fetch this sitemap index in full every time: a static index can point at child
        sitemaps that change, and a 304 would hide them. The children stay conditional."""
        if link := archive_of(self.crawler):
            link.archive.record_page(PageRecord(
                url=canonical_url(response.url), source=self.source.name,
                status=response.status, outcome="sitemap-index"))

    def _check_xml(self, response: Response, kind: str, found: int) -> None:
        """Log and count a feed or sitemap that is not well-formed or lists nothing."""
        problem = xml_problem(response.body)
        if problem:
            self._malformed(response, kind, f"{problem} ({found} entries recovered)")
        elif not found:
            self._malformed(response, kind, "no entries with a link")

    def _text_of(self, response: Response, kind: str) -> str | None:
        """The entry point's text, or None if it is unchanged (304) or not text at all."""
        if response.status == 304:
            self.crawler.stats.inc_value("pantau/entry/not_modified")
            return None
        if not isinstance(response, TextResponse):
            self._malformed(response, kind, "the answer is not text")
            return None
        return response.text

    # -- articles -------------------------------------------------------------------------------

    def _article_requests(self, entries: Iterable[Entry]) -> Iterator[Request]:
        cutoff = datetime.now(UTC) - timedelta(days=self.source.max_age_days)
        fresh: dict[str, datetime | None] = {}
        for entry in entries:
            if not self.source.is_article_url(entry.url):
                continue
            if entry.listed_at is not None and entry.listed_at < cutoff:
                self.crawler.stats.inc_value("pantau/entries/too_old")
                continue
            fresh[canonical_url(entry.url)] = entry.listed_at
        known = self._archived(fresh)
        self.crawler.stats.inc_value("pantau/articles/already_archived", len(known))
        for url, when in fresh.items():
            if url not in known:
                yield self._article_request(url, when)

    def _article_request(self, url: str, listed_at: datetime | None) -> Request:
        if self.source.article_params:
            url = add_or_replace_parameters(url, dict(parse_qsl(self.source.article_params)))
        meta = {"pantau_listed_at": listed_at.isoformat() if listed_at else None}
        return Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def _archived(self, urls: Iterable[str]) -> set[str]:
        link = archive_of(self.crawler)
        return link.archive.known_urls(urls) if link else set()

    def parse_article(self, response: Response) -> Iterator[PageItem | Request]:
        """Hand the page (with the pages it continues on, if split) to the item pipelines."""
        content_type = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip()
        is_html = isinstance(response, TextResponse) and (
            not content_type or content_type.lower() in _HTML_TYPES)
        if not is_html:
            logger.warning("%s: %s is not an HTML page (%s); skipped", self.source.name,
                           response.url, content_type.decode("latin-1") or "no content type")
            self.crawler.stats.inc_value("pantau/pages/not_html")
        bodies = (*response.meta.get("pantau_bodies", ()), response.body)
        following = _continuation(response, len(bodies)) if is_html else None
        if following and len(bodies) < MAX_ARTICLE_PAGES:
            meta = {key: value for key, value in response.meta.items()
                    if key.startswith("pantau_")}
            meta.update(pantau_bodies=bodies,
                        pantau_first=response.meta.get("pantau_first") or response)
            yield Request(following, callback=self.parse_article, errback=self.on_error,
                          meta=meta)
            return
        first = response.meta.get("pantau_first") or response
        yield PageItem.from_response(first, self.source.name, is_html=is_html, bodies=bodies,
                                     continued=response.url if len(bodies) > 1 else None)

    # -- errors ---------------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Log a request that failed (refused, timed out, 4xx/5xx) and count it; go on."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        reason = f"answered {response.status}" if response is not None else str(failure.value)
        kind = "entry point" if request.meta.get("pantau_entry") else "article"
        self._error(f"{kind} {request.url} {reason}")

    def _malformed(self, response: Response, kind: str, why: str) -> None:
        self.crawler.stats.inc_value(f"pantau/malformed/{kind.replace(' ', '_')}")
        self._error(f"malformed {kind} {response.url}: {why}")

    def _error(self, message: str) -> None:
        logger.warning("%s: %s", self.source.name, message)
        self.crawler.stats.inc_value("pantau/errors")
        if link := archive_of(self.crawler):
            link.note_error(message)


def _next_page(response: TextResponse) -> str | None:
    """The listing's next page: ``rel=next``, else a link labelled as the next page."""
    candidates = response.xpath(
        "//link[@rel='next']/@href | //a[@rel='next']/@href"
        " | //a[contains(translate(normalize-space(.), 'SELANJUTNYANEXT', 'selanjutnyanext'),"
        " 'selanjutnya') or normalize-space(.)='›' or normalize-space(.)='»'"
        " or contains(translate(normalize-space(.), 'NEXT', 'next'), 'next')]/@href"
    ).getall()
    return response.urljoin(candidates[0]) if candidates else None


def _continuation(response: Response, pages_so_far: int) -> str | None:
    """The next page of an article split over pages: same path, ``page=N+1``."""
    assert isinstance(response, TextResponse)
    wanted = str(pages_so_far + 1)
    if f"page={wanted}".encode() not in response.body:
        return None  # most articles are one page: no need to parse hundreds of kilobytes
    here = urlsplit(response.url)
    # Only links that name a page are candidates: a page of an article has thousands of links.
    for href in response.xpath("//a[contains(@href, 'page=')]/@href").getall():
        target = urlsplit(response.urljoin(href))
        if target.path == here.path and target.netloc == here.netloc and \
                dict(parse_qsl(target.query)).get("page") == wanted:
            return target.geturl()
    return None
