"""A source: one site Pantau follows, and the entry points where its new articles appear."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Source:
    """A site to crawl, as written in ``[[sources]]`` of pantau.toml.

    Articles are found through any mix of feeds (RSS, Atom, RDF), sitemaps (indexes, plain and
    Google News) and listing pages (for sites without a feed, such as ministries), and are
    fetched only within the source's domains.
    """

    name: str = field(metadata={"help": "short identifier: letters, digits, - and _"})
    title: str = field(default="", metadata={"help": "the site's name as people know it"})
    feeds: tuple[str, ...] = field(default=(), metadata={"help": "RSS, Atom or RDF feed URLs"})
    sitemaps: tuple[str, ...] = field(
        default=(), metadata={"help": "sitemap or sitemap-index URLs (Google News too)"})
    listings: tuple[str, ...] = field(
        default=(), metadata={"help": "listing pages that link to articles, first page"})
    json_listings: tuple[str, ...] = field(
        default=(), metadata={"help": "JSON endpoints that list articles (news APIs)"})
    json_url_template: str = field(default="", metadata={
        "help": "article URL built from a JSON item's fields, e.g. https://x.id/news/{slug}"})
    article_pattern: str = field(
        default="", metadata={"help": "regular expression an article URL must match"})
    max_pages: int = field(
        default=3, metadata={"help": "listing pages followed per listing and crawl"})
    max_age_days: float = field(default=7.0, metadata={
        "help": "articles older than this are neither fetched nor archived"})
    article_params: str = field(default="", metadata={
        "help": "query parameters added to article URLs, e.g. page=all for whole articles"})
    language: str = field(default="id", metadata={
        "help": "the site's main language, for pages that do not declare theirs"})
    domains: tuple[str, ...] = field(
        default=(), metadata={"help": "domains links may lead to (default: the entry points')"})
    allow_private: bool = field(default=False, metadata={
        "help": "allow private, loopback and link-local addresses (tests and demos only)"})
    interval: str = field(default="30m", metadata={
        "help": "how often the daemon (`pantau run`) crawls it: 15m, 2h, 1d"})
    cron: str = field(default="", metadata={
        "help": "crawl on a crontab schedule instead, e.g. \"*/20 6-22 * * *\""})
    jitter: str = field(default="", metadata={
        "help": "random delay added to each scheduled crawl (default: a tenth of interval)"})
    update_interval: str = field(default="1d", metadata={
        "help": "how often the site usually publishes; silence far beyond it is flagged"})
    verified: bool = field(default=False, metadata={
        "help": "whether the entry points were seen working (see `pantau sources check`)"})
    notes: str = field(default="", metadata={"help": "anything a maintainer should know"})

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", self.name):
            raise ValueError("a source name may hold only letters, digits, '-' and '_'")
        if not self.entry_points:
            raise ValueError("give at least one of feeds, sitemaps, listings or json_listings")
        for url in self.entry_points:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"{url!r} is not an http(s) URL")
        for name in ("interval", "update_interval"):
            parse_duration(getattr(self, name), name)
        if self.jitter:
            parse_duration(self.jitter, "jitter")
        if self.cron and len(self.cron.split()) != 5:
            raise ValueError(f"cron {self.cron!r} needs five fields: minute hour day month "
                             "weekday")
        try:
            re.compile(self.article_pattern)
        except re.error as error:
            raise ValueError(f"article_pattern is not a regular expression: {error}") from error

    @property
    def entry_points(self) -> tuple[str, ...]:
        """Every URL a crawl of this source starts from."""
        return self.feeds + self.sitemaps + self.listings + self.json_listings

    @cached_property
    def allowed_domains(self) -> tuple[str, ...]:
        """The host names this source's crawl may fetch from."""
        if self.domains:
            return self.domains
        hosts = (urlsplit(url).hostname for url in self.entry_points)
        return tuple(dict.fromkeys(host for host in hosts if host))

    @cached_property
    def article_regex(self) -> re.Pattern[str] | None:
        """The compiled ``article_pattern``, or None where any URL may be an article."""
        return re.compile(self.article_pattern) if self.article_pattern else None

    def is_article_url(self, url: str) -> bool:
        """Whether a link found on this source may lead to an article."""
        return self.article_regex is None or bool(self.article_regex.search(url))


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, name: str = "duration") -> timedelta:
    """``15m``, ``2h``, ``1d``, ``1w`` as a timedelta; a ValueError names the field."""
    found = _DURATION.fullmatch(text.strip())
    if not found:
        raise ValueError(f"{name} {text!r} is not a duration such as 15m, 2h, 1d")
    return timedelta(seconds=float(found.group(1)) * _SECONDS[found.group(2)])
