"""The archive's records: what goes in and what comes out, as plain typed values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArticleRecord:
    """An extracted article, as the crawler hands it to the archive."""

    url: str
    canonical_url: str
    source: str
    title: str | None
    text: str
    published_at: str | None = None
    published_from: str | None = None
    language: str | None = None
    author: str | None = None
    sitename: str | None = None


@dataclass(frozen=True)
class Article(ArticleRecord):
    """An archived article: the record plus what the archive assigned to it."""

    id: int = 0
    first_seen_at: str = ""
    content_hash: str = ""
    cluster_id: int | None = None


@dataclass(frozen=True)
class PageRecord:
    """One fetched URL and what came of it (``article``, ``duplicate``, ``no-article``, ...)."""

    url: str
    source: str
    status: int
    outcome: str
    canonical_url: str | None = None
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class NewMatch:
    """A rule that matched an article, and where its alert must go."""

    article_id: int
    rule: str
    terms: tuple[str, ...]
    snippet: str
    destinations: tuple[str, ...]


@dataclass(frozen=True)
class Alert:
    """One message owed to one destination about one story, with every rule it matched."""

    id: int
    alert_key: str
    destination: str
    status: str
    attempts: int
    next_attempt_at: str
    last_error: str | None
    created_at: str
    sent_at: str | None
    rules: tuple[str, ...]
    terms: tuple[str, ...]
    snippet: str
    article_id: int
    title: str | None
    url: str
    source: str
    published_at: str | None


@dataclass(frozen=True)
class AttemptResult:
    """The outcome of one delivery try, as the archive records it.

    ``outcome`` is ``sent``, ``retry`` (try again at ``next_attempt_at``), ``dead`` (this alert
    can never be delivered) or ``broken`` (the destination itself refuses us).
    """

    outcome: str
    duration_ms: int
    http_status: int | None = None
    error: str | None = None
    next_attempt_at: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """An article found by a full-text query, with the hit highlighted in ``snippet``."""

    id: int
    title: str | None
    url: str
    source: str
    published_at: str | None
    first_seen_at: str
    snippet: str
    cluster_size: int
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrawlRun:
    """One crawl of one source, with the counts Scrapy reported when it closed."""

    id: int
    source: str
    started_at: str
    finished_at: str | None
    status: str
    finish_reason: str | None
    requests: int
    pages: int
    new_articles: int
    errors: int
