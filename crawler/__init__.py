"""Pantau's crawler: Scrapy spiders fetch the sources, trafilatura extracts, the archive keeps."""

import logging

from crawler.extract import Extracted, extract_article
from crawler.runner import CrawlResult, crawl, crawl_settings, run_on_reactor
from crawler.sources import Source
from crawler.urls import canonical_url

__all__ = [
    "CrawlResult",
    "Extracted",
    "Source",
    "canonical_url",
    "crawl",
    "crawl_settings",
    "extract_article",
    "run_on_reactor",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
