"""Prometheus metrics of the daemon: crawls, articles, matches, alerts, errors, durations.

Served on 127.0.0.1 by prometheus_client's own small server (a background thread) when
``metrics_port`` is set in pantau.toml.
"""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import Counter, Histogram, start_http_server

from alerts import DeliveryReport

logger = logging.getLogger(__name__)

CRAWLS = Counter("pantau_crawls", "Crawls finished, by source", ["source"])
CRAWL_SECONDS = Histogram("pantau_crawl_duration_seconds", "Crawl durations", ["source"],
                          buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600))
PAGES = Counter("pantau_pages_fetched", "Responses received, by source", ["source"])
ARTICLES = Counter("pantau_articles_new", "New articles archived, by source", ["source"])
CRAWL_ERRORS = Counter("pantau_crawl_errors", "Crawl errors (failed requests, malformed "
                       "entry points), by source", ["source"])
MATCHES = Counter("pantau_matches", "Articles matched, by rule", ["rule"])
ALERTS = Counter("pantau_alerts", "Delivery outcomes of alerts", ["outcome"])
CONFIG_ERRORS = Counter("pantau_config_reload_errors", "Config reloads refused as invalid")


def observe_crawl(source: str, stats: dict[str, Any], seconds: float) -> None:
    """Count one finished crawl from Scrapy's stats."""
    CRAWLS.labels(source).inc()
    CRAWL_SECONDS.labels(source).observe(seconds)
    PAGES.labels(source).inc(stats.get("response_received_count", 0))
    ARTICLES.labels(source).inc(stats.get("pantau/articles/new", 0))
    CRAWL_ERRORS.labels(source).inc(stats.get("pantau/errors", 0))


def observe_matches(matches: dict[str, int]) -> None:
    """Count a matching pass's matches per rule."""
    for rule, count in matches.items():
        MATCHES.labels(rule).inc(count)


def observe_delivery(report: DeliveryReport) -> None:
    """Count a delivery pass's outcomes."""
    for outcome in ("sent", "retry", "failed"):
        ALERTS.labels(outcome).inc(getattr(report, outcome))


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Serve ``/metrics`` on ``host:port`` from a background thread; port 0 serves nothing."""
    if port:
        start_http_server(port, addr=host)
        logger.info("metrics on http://%s:%d/metrics", host, port)
