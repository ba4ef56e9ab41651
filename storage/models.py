"""The archive's records: what goes in and what comes out, as plain typed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


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
    updated_at: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    image_url: str | None = None


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


class NewMatch(NamedTuple):
    """A rule that matched an article, and where its alert must go (a named tuple: a pass
    with many rules makes tens of them per article)."""

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
    outlets: tuple[tuple[str, str], ...] = ()  # other (source, url) in the story's cluster
    digest_key: str | None = None  # the digest that carried it, if one did
    held: bool = False  # waiting because its destination is marked broken


@dataclass(frozen=True)
class DestinationState:
    """What the archive remembers of a destination between runs, and its alerts' counts."""

    name: str
    status: str  # ok or broken
    broken_since: str | None = None
    broken_reason: str | None = None
    chat_id: str | None = None  # where the service moved the chat (Telegram supergroups)
    last_digest_at: str | None = None
    pending: int = 0
    failed: int = 0
    sent: int = 0


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
    cluster_size: int  # articles carrying the story: this one and its near-duplicates
    terms: tuple[str, ...] = ()
    language: str | None = None
    rules: tuple[str, ...] = ()  # rules that matched this article


@dataclass(frozen=True)
class CrawlCounts:
    """What a crawl did, from Scrapy's stats when it closed."""

    requests: int = 0
    pages: int = 0
    new_articles: int = 0
    errors: int = 0
    duration_s: float | None = None
    responses_2xx: int = 0
    responses_3xx: int = 0
    responses_4xx: int = 0
    responses_5xx: int = 0
    not_modified: int = 0
    duplicates: int = 0
    bytes: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    first_error: str | None = None


@dataclass(frozen=True)
class CrawlRun(CrawlCounts):
    """One crawl of one source."""

    id: int = 0
    source: str = ""
    started_at: str = ""
    finished_at: str | None = None
    status: str = "running"
    finish_reason: str | None = None


@dataclass(frozen=True)
class SourceHealth:
    """How a source has been doing, from its crawl runs and articles."""

    source: str
    first_seen_at: str
    last_crawl_at: str | None
    last_success_at: str | None
    last_error_at: str | None
    last_error: str | None
    last_article_at: str | None
    articles_7d: int


@dataclass(frozen=True)
class DaemonStatus:
    """The daemon's last heartbeat: who it is, what it runs now, what it runs next."""

    pid: int
    host: str
    config: str
    started_at: str
    heartbeat_at: str
    state: str
    next_runs: dict[str, str]
    running: list[str]
