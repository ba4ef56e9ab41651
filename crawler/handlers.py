"""Scrapy's HTTP/1.1 download handler, keeping enough idle connections to reuse them.

Scrapy hands Twisted's connection pool ``CONCURRENT_REQUESTS_PER_DOMAIN`` as the number of
idle connections it may keep per host, and the pool closes every connection beyond that
number the moment it comes back. A connection comes back only once its response has been
through Scrapy, by which time the host's slot has started further requests on new
connections; so the pool kept opening connections and closing others: against a keep-alive
server, 44 connections for 62 requests at four requests per host (tests/test_connections.py),
121 for about 210 in the pipeline benchmark. For a news site each is a TCP and usually a TLS
handshake. With room for as many idle connections as the crawl may have requests in flight,
the pool settles at that many and reuses them; how many requests run at once is still the
slots' business.
"""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler


class PoolingDownloadHandler(HTTP11DownloadHandler):
    """The HTTP/1.1 handler with room in its pool for the connections a host's slot uses."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._pool.maxPersistentPerHost = max(
            crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            crawler.settings.getint("CONCURRENT_REQUESTS"))
