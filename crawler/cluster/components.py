"""The Scrapy components of a cluster worker: scrapy-redis's scheduler and queue made reliable,
the shared duplicate filter, and the middlewares and pipeline that settle each request.

A request's lease ends exactly once, at the point where what it led to is safe in Redis:
- its children are queued (:class:`LeaseMiddleware`, after the callback's last output);
- its article page is in the results list (:class:`ResultPipeline`, after extraction);
- it failed (:meth:`ClusterSpider.on_error`);
- it is retried or redirected: its copy is queued in its place (:class:`ClusterScheduler`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.dupefilters import BaseDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler

from crawler.cluster.broker import url_key
from crawler.cluster.spider import LEASE_KEY, START_LEASE_KEY, ClusterSpider
from crawler.cluster.wire import page_message, record_message
from crawler.items import PageItem
from crawler.middlewares.addresses import AddressGuardMiddleware
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)


def _cluster(spider: Any) -> ClusterSpider:
    if not isinstance(spider, ClusterSpider):
        raise TypeError("the cluster components work only with ClusterSpider")
    return spider


class ReliableQueue(Base):
    """scrapy-redis's priority queue, where a pop is a claim under a lease.

    Each entry is the request's crawl run, a newline, and the request as tagged JSON
    (:mod:`crawler.cluster.wire`), so the Lua scripts can tell the run without decoding.
    """

    def __len__(self) -> int:
        return int(self.server.zcard(self.key))

    def encode(self, request: Request) -> tuple[float, bytes]:
        """The queue entry of ``request`` and its score (lower goes first)."""
        run = str(request.meta.get("pantau_run", ""))
        return -request.priority, run.encode() + b"\n" + self._encode_request(request)

    def push(self, request: Request) -> None:
        score, data = self.encode(request)
        _cluster(self.spider).settle(str(request.meta.get("pantau_run", "")),
                                     push=(self.key, score, data))

    def pop(self, timeout: int = 0) -> Request | None:
        claimed = _cluster(self.spider).broker.claim(self.key)
        if not claimed:
            return None
        lease, data = claimed[0]
        request: Request = request_from_dict(self.serializer.loads(data.split(b"\n", 1)[1]),
                                             spider=self.spider)
        request.meta[LEASE_KEY] = lease
        _cluster(self.spider).hold(lease)
        return request


class ClusterScheduler(Scheduler):
    """scrapy-redis's scheduler: queuing a request and ending the lease it replaces (a retry,
    a redirect) or completes (a start message) is one atomic step.

    A retried or redirected copy of a leased request was admitted already, so it skips the
    duplicate filter, which would otherwise refuse a redirect of an article to itself.
    """

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = ReliableQueue(server=self.server, spider=spider, key=self.queue_key,
                                   serializer=self.serializer)
        self.df = ClusterDupeFilter.from_spider(spider)
        if waiting := len(self.queue):
            logger.info("%d requests are queued in Redis already", waiting)

    def enqueue_request(self, request: Request) -> bool:
        spider = _cluster(self.spider)
        start_lease = request.meta.pop(START_LEASE_KEY, "")
        handed_over = request.meta.pop(LEASE_KEY, "")
        run = str(request.meta.get("pantau_run", ""))
        if not handed_over and not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, spider)
            if start_lease:
                spider.settle(run, lease=start_lease)
            return False
        score, data = self.queue.encode(request)
        spider.settle(run, lease=handed_over or start_lease, push=(self.queue.key, score, data))
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class ClusterDupeFilter(BaseDupeFilter):
    """The cluster's duplicate filter, shared by every worker.

    Article requests are known by their canonical URL in ``P:seen`` for ``remember`` seconds
    after they were last listed, across crawls: what stands in for the archive's known URLs.
    Entry points (and continued articles' pages) are filtered per crawl run only, as a
    single-machine crawl filters them, so the next crawl reads them again.
    """

    def __init__(self, spider: ClusterSpider) -> None:
        self.spider = spider

    @classmethod
    def from_spider(cls, spider: Any) -> Self:
        return cls(_cluster(spider))

    def request_seen(self, request: Request) -> bool:
        broker = self.spider.broker
        if key := request.meta.get("pantau_key"):
            return not broker.see(url_key(key))
        run = request.meta.get("pantau_run")
        if not run:
            return False
        fingerprint = self.spider.crawler.request_fingerprinter.fingerprint(request).hex()
        ttl = self.spider.settings.getfloat("PANTAU_CLUSTER_RUN_TIMEOUT", 3600) * 2
        return not broker.see_entry(str(run), fingerprint, ttl)

    def log(self, request: Request, spider: Any) -> None:
        logger.debug("already requested or known: %s", request.url)


class LeaseMiddleware:
    """Spider middleware, outermost: queues a response's new requests itself, then ends the
    response's lease (unless an article item carries it on to the :class:`ResultPipeline`).

    Scrapy queues a callback's requests while it reads the next outputs; ending the lease
    only after they are in Redis is what makes a worker's death lose nothing.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any],
                                    ) -> AsyncIterator[Any]:
        spider = _cluster(self.crawler.spider)
        lease = str(response.meta.get(LEASE_KEY, ""))
        run = str(response.meta.get("pantau_run", ""))
        carried = False
        try:
            async for output in result:
                if isinstance(output, Request):
                    assert self.crawler.engine is not None
                    self.crawler.engine.crawl(output)
                    continue
                if lease and not carried:
                    spider.item_leases[id(output)] = (lease, run)
                    carried = True
                yield output
        finally:
            if lease and not carried:
                spider.settle(run, lease=lease)


class ResultPipeline:
    """The last item pipeline of a worker: the extracted article page goes to the archive
    node through ``P:results``, and its request's lease ends, in one step."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        spider = _cluster(self.crawler.spider)
        lease, run = spider.item_leases.pop(id(item), ("", ""))
        spider.settle(run, lease=lease, results=[page_message(item, run)])
        self.crawler.stats.inc_value("pantau/cluster/results")
        return item


class ClusterConditionalGet:
    """Conditional GET for entry points, with the validators the archive node put in the
    crawl run; fresh validators go back to it as ``entry`` results."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("pantau_entry"):
            return
        work = _cluster(self.crawler.spider).work(str(request.meta.get("pantau_run", "")))
        etag, last_modified = (work.validators.get(canonical_url(request.url)) if work
                               else None) or (None, None)
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1"))
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified.encode("latin-1"))

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("pantau_entry") and response.status == 200:
            spider = _cluster(self.crawler.spider)
            run = str(request.meta.get("pantau_run", ""))
            source = spider.source_of(request)
            spider.report(run, record_message(
                "entry", run, source.name if source else "", canonical_url(request.url), 200,
                _header(response, b"ETag"), _header(response, b"Last-Modified")))
        return response


class ClusterAddressGuard(AddressGuardMiddleware):
    """The address guard, with each request's own source (``allow_private``)."""

    def source_of(self, request: Request) -> Any:
        return _cluster(self.crawler.spider).source_of(request)


class ClusterOffsiteMiddleware:
    """Downloader middleware: a request may go only to its source's domains (what
    ``allowed_domains`` does for a single-source spider)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        source = _cluster(self.crawler.spider).source_of(request)
        host = (urlparse_cached(request).hostname or "").lower()
        if source is not None and not any(host == domain or host.endswith(f".{domain}")
                                          for domain in source.allowed_domains):
            self.crawler.stats.inc_value("pantau/refused/offsite")
            raise IgnoreRequest(f"{request.url} is outside {source.name}'s domains")


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
