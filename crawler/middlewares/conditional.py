"""Conditional GET for entry points: an unchanged feed, sitemap or listing costs a 304."""

from __future__ import annotations

from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.extensions.archive import CrawlArchive, archive_of
from crawler.urls import canonical_url
from storage import PageRecord


class ConditionalGetMiddleware:
    """Sends the ETag / Last-Modified an entry point last answered with, and remembers new ones.

    Validators live in the archive's ``pages`` table (outcome ``entry``), so they survive
    restarts. Articles are never re-requested at all, so they need none of this.
    """

    def __init__(self, crawler: Crawler, link: CrawlArchive) -> None:
        self.crawler = crawler
        self.link = link

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        link = archive_of(crawler)
        if link is None:
            raise NotConfigured("no archive to keep validators in")
        return cls(crawler, link)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("pantau_entry"):
            return
        page = self.link.archive.page(canonical_url(request.url))
        if page is None or page.outcome != "entry":
            return
        if page.etag:
            request.headers.setdefault(b"If-None-Match", page.etag.encode("latin-1"))
        if page.last_modified:
            request.headers.setdefault(b"If-Modified-Since",
                                       page.last_modified.encode("latin-1"))

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("pantau_entry") and response.status == 200:
            self.link.archive.record_page(PageRecord(
                url=canonical_url(request.url), source=self.crawler.spider.name
                if self.crawler.spider else "", status=200, outcome="entry",
                etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"),
            ))
        return response


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
