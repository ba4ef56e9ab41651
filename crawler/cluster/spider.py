"""The cluster worker's one spider: scrapy-redis's ``RedisSpider``, reading every source.

The archive node feeds one *start message* per crawl of a source into ``P:start``; a worker
claims it, requests the source's entry points, and from then on the crawl's requests live in
the shared Redis queue, taken by whichever worker is free. Each request says which crawl run
it belongs to (``pantau_run``); the run's hash in Redis holds the source's definition and its
entry points' validators, so workers need no copy of the config's sources and never read the
archive. The reading itself is :class:`SourceSpider`'s, delegated to one instance per run.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Iterable
from typing import Any, Self

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_redis.spiders import RedisSpider
from twisted.python.failure import Failure

from crawler.cluster.broker import Broker, Keys, url_key
from crawler.cluster.wire import record_message, source_from_json
from crawler.items import PageItem
from crawler.sources import Source
from crawler.spiders.source import SourceSpider

logger = logging.getLogger(__name__)

LEASE_KEY = "_cluster_lease"  # the claim a request was taken under
START_LEASE_KEY = "_cluster_start_lease"  # the start message an entry request ends
TICK = 1.0  # seconds between a worker's housekeeping rounds
RUNS_CACHED = 1000


class SourceWork(SourceSpider):
    """:class:`SourceSpider` reading one crawl run's pages inside a cluster worker.

    The shared Redis queue's duplicate filter stands for the archive's list of known URLs;
    errors and sitemap indexes are reported to the run instead of written to the archive.
    """

    hub: ClusterSpider
    run: str
    validators: dict[str, list[str | None]]

    def _archived(self, urls: Iterable[str]) -> set[str]:
        return set()  # the worker's duplicate filter asks Redis when each request is queued

    def _article_request(self, url: str, listed_at: Any) -> Request:
        request = super()._article_request(url, listed_at)
        request.meta["pantau_key"] = url  # the canonical URL, before article_params
        return request

    def _never_conditional(self, response: Response) -> None:
        self.hub.report(self.run, record_message("sitemap-index", self.run, self.source.name,
                                                 response.url, response.status))

    def _error(self, message: str) -> None:
        super()._error(message)
        self.hub.count(self.run, errors=1)
        self.hub.first_errors.setdefault(self.run, message)


class ClusterSpider(RedisSpider):
    """Crawls whatever the cluster's Redis holds, for every source and run.

    scrapy-redis 0.9.1 defines only ``start_requests()``, which Scrapy 2.13+ no longer calls;
    :meth:`start` bridges it. Start messages are claimed under leases like every request (see
    :mod:`crawler.cluster.broker`), so a worker killed while expanding one loses nothing.
    """

    name = "pantau-cluster"
    broker: Broker

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: set[str] = set()
        self.item_leases: dict[int, tuple[str, str]] = {}
        self.counts: dict[str, Counter[str]] = {}
        self.first_errors: dict[str, str] = {}
        self.works: OrderedDict[str, SourceWork | None] = OrderedDict()
        self._ticker: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.broker = Broker(spider.server, Keys(settings.get("PANTAU_CLUSTER_PREFIX")),
                               lease=settings.getfloat("PANTAU_CLUSTER_LEASE"),
                               max_deliveries=settings.getint("PANTAU_CLUSTER_MAX_DELIVERIES"))
        connect = crawler.signals.connect
        connect(spider._opened, signal=signals.spider_opened)
        connect(spider._closed, signal=signals.spider_closed)
        connect(spider._reached, signal=signals.request_reached_downloader)
        connect(spider._received, signal=signals.response_received)
        connect(spider._item_failed, signal=signals.item_error)
        connect(spider._item_failed, signal=signals.item_dropped)
        return spider  # type: ignore[no-any-return]

    def setup_redis(self, crawler: Crawler | None = None) -> None:
        """scrapy-redis's setup, with start messages claimed under leases."""
        super().setup_redis(crawler)
        self.fetch_data = self._claim_starts
        self.count_size = self.server.zcard

    async def start(self) -> AsyncIterator[Request]:
        """The first start messages waiting in Redis; later ones are read when idle."""
        for request in self.start_requests():
            yield request

    def _claim_starts(self, key: str, count: int) -> list[tuple[str, bytes]]:
        return self.broker.claim(key, count)

    def make_request_from_data(self, data: Any) -> list[Request]:
        """The entry-point requests of one start message; the last one ends its lease."""
        lease, member = data
        run = member.split(b"\n", 1)[0].decode()
        work = self.work(run)
        if work is None:
            self.settle(run, lease=lease)
            return []
        requests = [self.rebind(request, run) for request in _entry_requests(work)]
        requests[-1].meta[START_LEASE_KEY] = lease
        return requests

    # -- runs -----------------------------------------------------------------------------------

    def work(self, run: str) -> SourceWork | None:
        """The reader of ``run``'s source, or None if the run is closed (or never existed)."""
        if not run:
            return None  # robots.txt, fetched outside any run
        if run not in self.works:
            self.works[run] = self._load_work(run)
            while len(self.works) > RUNS_CACHED:
                self.works.popitem(last=False)
        return self.works[run]

    def _load_work(self, run: str) -> SourceWork | None:
        definition, validators = self.broker.run_fields(run, "source", "validators")
        if definition is None:
            logger.warning("crawl run %s is closed or unknown; its requests are dropped", run)
            return None
        source: Source = source_from_json(definition)
        work = SourceWork.for_source(source)()
        assert isinstance(work, SourceWork)
        work.crawler = self.crawler
        work.hub, work.run = self, run
        work.validators = json.loads(validators) if validators else {}
        return work

    def source_of(self, request: Request) -> Source | None:
        """The source a request is made for."""
        work = self.work(str(request.meta.get("pantau_run", "")))
        return work.source if work else None

    # -- callbacks: SourceSpider's, per run ----------------------------------------------------

    def parse_feed(self, response: Response) -> list[Any]:
        return self._delegate("parse_feed", response)

    def parse_sitemap(self, response: Response) -> list[Any]:
        return self._delegate("parse_sitemap", response)

    def parse_listing(self, response: Response) -> list[Any]:
        return self._delegate("parse_listing", response)

    def parse_json(self, response: Response) -> list[Any]:
        return self._delegate("parse_json", response)

    def parse_article(self, response: Response) -> list[Any]:
        first = response.meta.get("pantau_first")
        if isinstance(first, dict):
            response.meta["pantau_first"] = _response_from(first)
        return self._delegate("parse_article", response)

    def _delegate(self, method: str, response: Response) -> list[Any]:
        run = str(response.meta.get("pantau_run", ""))
        work = self.work(run)
        if work is None:
            return []
        # Read eagerly: children must be queued before the request's lease ends.
        return [self.rebind(output, run) if isinstance(output, Request) else output
                for output in getattr(work, method)(response)]

    def on_error(self, failure: Failure) -> None:
        """A request failed: report it, forget its URL (a later crawl tries again), end it."""
        request = failure.request  # type: ignore[attr-defined]
        run = str(request.meta.get("pantau_run", ""))
        work = self.work(run)
        if work is not None:
            work.on_error(failure)
        if key := request.meta.get("pantau_key") or request.meta.get("pantau_article_key"):
            self.broker.unsee(url_key(key))
        self.settle(run, lease=request.meta.get(LEASE_KEY, ""))

    def rebind(self, request: Request, run: str) -> Request:
        """A request of a :class:`SourceWork`, made sendable through Redis: callbacks named on
        this spider, the run in its meta, a continued article's first page as plain data."""
        meta = {**request.meta, "pantau_run": run}
        if isinstance(meta.get("pantau_first"), Response):
            meta["pantau_first"] = _response_data(meta["pantau_first"])
        if "pantau_bodies" in meta and "pantau_key" in meta:
            # A continued article's next page: its URL key is the article's, already seen.
            meta["pantau_article_key"] = meta.pop("pantau_key")
        callback = getattr(self, request.callback.__name__) if request.callback else None
        errback = getattr(self, request.errback.__name__) if request.errback else None
        return request.replace(callback=callback, errback=errback, meta=meta)

    # -- leases and counts ----------------------------------------------------------------------

    def count(self, run: str, **counts: int) -> None:
        """Add to a run's counts; they reach Redis with the run's next settlement."""
        if run:
            self.counts.setdefault(run, Counter()).update(counts)

    def report(self, run: str, message: str) -> None:
        """Send a result message of ``run`` to the archive node."""
        self.settle(run, results=[message])

    def settle(self, run: str, *, lease: str = "", push: tuple[str, float, bytes] | None = None,
               results: Iterable[str] = ()) -> None:
        """End ``lease`` with what came of it, and hand over the run's counts so far."""
        self.held.discard(lease)
        counts = self.counts.pop(run, None)
        self.broker.settle(run, lease=lease, push=push, results=list(results), counts=counts,
                           error=self.first_errors.pop(run, None))

    def hold(self, lease: str) -> None:
        """Remember a lease to renew until it is settled."""
        self.held.add(lease)

    def _reached(self, request: Request, spider: Any) -> None:
        self.count(str(request.meta.get("pantau_run", "")), requests=1)

    def _received(self, response: Response, request: Request, spider: Any) -> None:
        run = str(request.meta.get("pantau_run", ""))
        self.count(run, pages=1, bytes=len(response.body),
                   **{f"responses_{str(response.status)[0]}xx": 1})
        if response.status == 304 and request.meta.get("pantau_entry"):
            self.count(run, not_modified=1)

    def _item_failed(self, item: Any, response: Response, spider: Any,
                     failure: Failure | None = None, exception: BaseException | None = None,
                     ) -> None:
        lease, run = self.item_leases.pop(id(item), ("", ""))
        if not lease:
            return
        if failure is not None and isinstance(item, PageItem):
            self.count(run, errors=1)
            self.first_errors.setdefault(run, f"article {item.url}: {failure.value}")
        self.settle(run, lease=lease)

    # -- housekeeping -------------------------------------------------------------------------

    def _opened(self, spider: Any) -> None:
        self._ticker = asyncio.ensure_future(self._tick())

    def _closed(self, spider: Any, reason: str) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        for run in list(self.counts):
            self.settle(run)
        back = self.broker.release(self.held)
        if back:
            logger.info("handed %d unfinished request(s) back to the queue", back)
        self.held.clear()

    async def _tick(self) -> None:
        """Renew leases, send counts, take back dead workers' requests, wake the engine."""
        renew_every = max(self.broker.lease / 3, TICK)
        since_renewal = 0.0
        while True:
            await asyncio.sleep(TICK)
            since_renewal += TICK
            try:
                if since_renewal >= renew_every:
                    self.broker.renew(self.held)
                    since_renewal = 0.0
                for run in list(self.counts):
                    self.settle(run)
                self.broker.reap()
                self._wake()
            except redis.RedisError:  # unreachable past the client's retries: try later
                logger.exception("cluster housekeeping failed; retrying in %.0f s", TICK)

    def _wake(self) -> None:
        """Look at the queues now rather than at the engine's next 5-second heartbeat: an
        idle worker should take work the moment another pushes it."""
        waiting = self.broker.waiting()
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if (waiting["start"] or waiting["requests"]) and slot is not None:
            slot.nextcall.schedule()


def _entry_requests(work: SourceWork) -> list[Request]:
    """The requests :meth:`SourceSpider.start` makes, made at once."""
    source = work.source
    return [work._entry(url, callback)
            for urls, callback in ((source.feeds, work.parse_feed),
                                   (source.sitemaps, work.parse_sitemap),
                                   (source.listings, work.parse_listing),
                                   (source.json_listings, work.parse_json))
            for url in urls]


def _response_data(response: Response) -> dict[str, Any]:
    """What :meth:`PageItem.from_response` reads of a continued article's first page."""
    return {"url": response.url, "status": response.status,
            "headers": {key: list(values) for key, values in response.headers.items()},
            "redirect_urls": list(response.meta.get("redirect_urls", ())),
            "listed_at": response.meta.get("pantau_listed_at")}


def _response_from(data: dict[str, Any]) -> Response:
    request = Request(data["url"], meta={"redirect_urls": data["redirect_urls"],
                                         "pantau_listed_at": data["listed_at"]})
    return Response(data["url"], status=data["status"], headers=data["headers"],
                    request=request)
