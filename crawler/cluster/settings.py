"""The Scrapy settings of a cluster worker: Pantau's crawl settings, with scrapy-redis's
scheduler and the cluster's components in place of the archive's."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler.cluster.broker import Keys, redis_params


def worker_settings(base: Settings, redis_url: str, *, prefix: str = "pantau",
                    lease: float = 120.0, max_deliveries: int = 3,
                    run_timeout: float = 3600.0) -> Settings:
    """``base`` (Pantau's crawl settings) turned into a worker's: no archive, Redis instead."""
    keys = Keys(prefix)
    settings = base.copy()
    settings.update({
        "SCHEDULER": "crawler.cluster.components.ClusterScheduler",
        "SCHEDULER_SERIALIZER": "crawler.cluster.wire",
        "SCHEDULER_PERSIST": True,  # the queue and the seen set outlive any one worker
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "DUPEFILTER_CLASS": "crawler.cluster.components.ClusterDupeFilter",
        "REDIS_URL": redis_url,
        "REDIS_PARAMS": redis_params(),
        "REDIS_START_URLS_KEY": keys.start,
        "REDIS_START_URLS_AS_ZSET": True,
        "PANTAU_CLUSTER_PREFIX": prefix,
        "PANTAU_CLUSTER_LEASE": lease,
        "PANTAU_CLUSTER_MAX_DELIVERIES": max_deliveries,
        "PANTAU_CLUSTER_RUN_TIMEOUT": run_timeout,
        "PANTAU_ARCHIVE": "",  # workers never open the archive
    }, priority="cmdline")
    settings.set("EXTENSIONS", {"crawler.extensions.archive.CrawlArchive": None},
                 priority="cmdline")
    settings.set("DOWNLOADER_MIDDLEWARES", {
        "crawler.middlewares.addresses.AddressGuardMiddleware": None,
        "crawler.cluster.components.ClusterAddressGuard": 50,
        "crawler.cluster.components.ClusterOffsiteMiddleware": 55,
        "crawler.middlewares.politeness.PolitenessMiddleware": 560,
        "crawler.middlewares.conditional.ConditionalGetMiddleware": None,
        "crawler.cluster.components.ClusterConditionalGet": 570,
    }, priority="cmdline")
    settings.set("SPIDER_MIDDLEWARES", {"crawler.cluster.components.LeaseMiddleware": 10},
                 priority="cmdline")
    settings.set("ITEM_PIPELINES", {
        "crawler.pipelines.extract.ExtractPipeline": 100,
        "crawler.cluster.components.ResultPipeline": 200,
    }, priority="cmdline")
    return settings
