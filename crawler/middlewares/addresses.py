"""Refuse requests to private, loopback and link-local addresses unless a source allows them.

A feed or listing controlled by someone else must not be able to point Pantau at the machine
it runs on or at the operator's internal network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


def is_internal(address: str) -> bool:
    """Whether an IP address is not on the public internet."""
    ip = ipaddress.ip_address(address)
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
            or ip.is_multicast or ip.is_unspecified)


class AddressGuardMiddleware:
    """Drops requests whose host is, or resolves to, an internal address.

    A source with ``allow_private = true`` (the demo, tests, an intranet) is let through.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._verdicts: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def source_of(self, request: Request) -> Any:
        """The source the request is made for (the spider's; a cluster worker's per request)."""
        return getattr(self.crawler.spider, "source", None)

    async def process_request(self, request: Request) -> None:
        source = self.source_of(request)
        if source is None or source.allow_private:
            return
        host = urlparse_cached(request).hostname or ""
        if host not in self._verdicts:
            self._verdicts[host] = await _resolves_internal(host)
        if self._verdicts[host]:
            self.crawler.stats.inc_value("pantau/refused/internal_address")
            logger.warning("%s: refused %s: %s is an internal address (set allow_private = "
                           "true on the source if this is intended)", source.name,
                           request.url, host)
            raise IgnoreRequest(f"{host} is an internal address")


async def _resolves_internal(host: str) -> bool:
    try:
        return is_internal(host)
    except ValueError:
        pass  # a name, not an address
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None,
                                                             type=socket.SOCK_STREAM)
    except OSError:
        return False  # unresolvable: the download itself will fail and be reported
    return any(is_internal(str(info[4][0])) for info in infos)
