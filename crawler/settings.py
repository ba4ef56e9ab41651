"""Scrapy settings of Pantau's crawls: polite by default, and the archive at the end."""

import os

BOT_NAME = "pantau"

# The spiders are the sources of a pantau.toml, loaded by Pantau's config loader.
SPIDER_LOADER_CLASS = "crawler.spiderloader.SourceSpiderLoader"
SPIDER_MODULES: list[str] = []
PANTAU_CONFIG = os.environ.get("PANTAU_CONFIG", "")
PANTAU_SOURCES_LOADER = "pantau.config.load_sources"
PANTAU_ARCHIVE = os.environ.get("PANTAU_ARCHIVE", "pantau.db")
PANTAU_EXTRACT_PROCESSES = 0  # 0: one per core; -1: in the crawl's thread

EXTENSIONS = {
    "crawler.extensions.archive.CrawlArchive": 100,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.addresses.AddressGuardMiddleware": 50,
    "crawler.middlewares.politeness.PolitenessMiddleware": 560,
    "crawler.middlewares.conditional.ConditionalGetMiddleware": 570,
}
ITEM_PIPELINES = {
    "crawler.pipelines.extract.ExtractPipeline": 100,
    "crawler.pipelines.archive.ArchivePipeline": 200,
}

USER_AGENT = "Pantau/0.1 (news monitoring; +https://github.com/pantau-news/pantau)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many tasks for the output of every response, however little it yields;
# an article page yields one item and a feed a few dozen requests, so 100 (the default) cost
# about a hundred tasks per page for nothing (see docs/benchmarks.md).
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
PANTAU_MAX_RETRY_AFTER = 120  # seconds; a host asking for more is left for this crawl
PANTAU_RETRY_BACKOFF = 0.5  # seconds before the first retry of a host; doubles per retry
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
COOKIES_ENABLED = False
# Connections kept alive and reused across a host's requests (see crawler/handlers.py).
DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.PoolingDownloadHandler",
    "https": "crawler.handlers.PoolingDownloadHandler",
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
