"""Crawling on many machines through Redis (scrapy-redis): workers fetch and extract, one
archive node stores, matches and delivers. See docs/scaling.md."""

from crawler.cluster.broker import Broker, Keys, connect
from crawler.cluster.node import ArchiveNode, StoreReport
from crawler.cluster.settings import worker_settings
from crawler.cluster.spider import ClusterSpider

__all__ = [
    "ArchiveNode",
    "Broker",
    "ClusterSpider",
    "Keys",
    "StoreReport",
    "connect",
    "worker_settings",
]
