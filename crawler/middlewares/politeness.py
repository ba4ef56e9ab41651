"""Slowing down for a host that asks or struggles: robots.txt's Crawl-delay, Retry-After on
429/503, and exponential backoff after server errors and failed connections.

Each becomes a floor under the host's download-slot delay, which Scrapy (and AutoThrottle,
which only ever adjusts the delay it sees) then keeps between requests to that host; Scrapy's
retry middleware re-queues the failed request behind it.
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy import Request, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

logger = logging.getLogger(__name__)


class PolitenessMiddleware:
    """Keeps each host's delay at or above what its robots.txt and its 429/503 answers ask.

    ``PANTAU_MAX_RETRY_AFTER`` (seconds): a host asking for a longer pause is left alone for
    the rest of the crawl instead of being waited for. ``PANTAU_RETRY_BACKOFF`` (seconds): the
    first pause after a 5xx, a timeout or a refused connection; it doubles with each retry.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("PANTAU_MAX_RETRY_AFTER", 120.0)
        self.backoff = crawler.settings.getfloat("PANTAU_RETRY_BACKOFF", 0.5)
        self.retry_codes = set(crawler.settings.getlist("RETRY_HTTP_CODES"))
        # slot key -> (delay, until, strict): a strict floor (Crawl-delay, Retry-After) holds for
        # every single wait; a backoff only for the average.
        self.floors: dict[str, tuple[float, float, bool]] = {}
        self.gone: set[str] = set()
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        agent = self.crawler.settings.get("USER_AGENT", "")
        delay = robotparser.crawl_delay(agent)
        if delay:
            self._floor(request, float(delay), until=float("inf"), strict=True)

    def process_request(self, request: Request) -> None:
        if self._slot_key(request) in self.gone:
            raise IgnoreRequest("the host asked for a pause longer than this crawl waits")
        self._enforce(request)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            wait = retry_after(response.headers.get(b"Retry-After"))
            if wait is not None and wait > self.max_wait:
                self.gone.add(self._slot_key(request))
                logger.warning("%s asks to wait %.0f s (Retry-After); leaving it for this crawl",
                               request.url, wait)
                request.meta["dont_retry"] = True
            elif wait is not None:
                self._floor(request, wait, until=time.monotonic() + 2 * wait, strict=True)
                self._restart_clock(request)
                self.crawler.stats.inc_value("pantau/retry_after")
                return response
        if response.status in self.retry_codes:
            self._back_off(request)
        self._enforce(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A timeout or a refused connection: give the host a pause before the retry."""
        self._back_off(request)

    def _back_off(self, request: Request) -> None:
        wait = min(self.backoff * 2 ** request.meta.get("retry_times", 0), self.max_wait)
        if wait > 0:
            self._floor(request, wait, until=time.monotonic() + 2 * wait, strict=False)
            self.crawler.stats.inc_value("pantau/backoff")

    def _slot_key(self, request: Request) -> str:
        engine = self.crawler.engine
        return str(engine.downloader.get_slot_key(request)) if engine else ""

    def _floor(self, request: Request, delay: float, until: float, strict: bool) -> None:
        key = self._slot_key(request)
        old_delay, old_until, old_strict = self.floors.get(key, (0.0, 0.0, False))
        self.floors[key] = (max(delay, old_delay), max(until, old_until), strict or old_strict)
        self._enforce(request)

    def _restart_clock(self, request: Request) -> None:
        """Count the slot's next wait from now: Retry-After runs from the response, while
        Scrapy counts a slot's delay from when its last request was sent."""
        if (slot := self._slot(self._slot_key(request))) is not None:
            slot.lastseen = time.monotonic()  # Scrapy's own clock for the slot (2.19)

    def _slot(self, key: str) -> Slot | None:
        """The downloader's slot for ``key``, once the engine runs and Scrapy has made it."""
        engine = self.crawler.engine
        return engine.downloader.slots.get(key) if engine else None

    def _enforce(self, request: Request) -> None:
        key = self._slot_key(request)
        floor = self.floors.get(key)
        if floor is None:
            return
        delay, until, strict = floor
        if time.monotonic() > until:
            del self.floors[key]
            return
        if (slot := self._slot(key)) is None:
            return
        # Scrapy spreads each wait over delay × (1 ± jitter): lift the delay so that even the
        # shortest wait is the floor.
        needed = delay / (1 - slot.jitter) if strict and slot.jitter < 1 else delay
        if slot.delay < needed:
            slot.delay = needed


def retry_after(value: bytes | None) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None
