"""Sources seen from the outside: their health in the archive, and a live check of their
entry points (``pantau sources`` and ``pantau sources check``)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.entries import feed_entries, json_entries, sitemap_entries, xml_problem
from crawler.sources import Source, parse_duration
from storage import Archive, SourceHealth

SILENCE_FACTOR = 3  # a source is silent after this many of its usual update intervals


@dataclass(frozen=True)
class SourceStatus:
    """A configured source with its health from the archive."""

    source: Source
    health: SourceHealth | None
    silent: bool


def source_statuses(sources: Sequence[Source], archive: Archive,
                    now: datetime | None = None) -> list[SourceStatus]:
    """Every configured source's health; silent = no new article for far longer than usual."""
    now = now or datetime.now(UTC)
    since = (now - timedelta(days=7)).isoformat(timespec="seconds")
    health = {h.source: h for h in archive.source_health(since)}
    return [SourceStatus(s, health.get(s.name), _silent(s, health.get(s.name), now))
            for s in sources]


def _silent(source: Source, health: SourceHealth | None, now: datetime) -> bool:
    """No new article for ``SILENCE_FACTOR`` times the source's usual update interval,
    counted from its last article or, if it never gave one, from when it was first crawled."""
    if health is None:
        return False  # never crawled: nothing to judge yet
    since = datetime.fromisoformat(health.last_article_at or health.first_seen_at)
    return now - since > parse_duration(source.update_interval) * SILENCE_FACTOR


@dataclass(frozen=True)
class EntryCheck:
    """What one entry point answered, and what Pantau could read from it."""

    source: str
    kind: str
    url: str
    status: int | None
    content_type: str
    found: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


async def check_sources(sources: Sequence[Source], user_agent: str,
                        timeout: float = 20.0) -> list[EntryCheck]:
    """Fetch every entry point of ``sources`` once and say what came back."""
    async with httpx.AsyncClient(headers={"User-Agent": user_agent}, timeout=timeout,
                                 follow_redirects=True, max_redirects=5) as client:
        jobs = [check_entry(client, source, kind, url)
                for source in sources for kind, url in _entry_points(source)]
        return list(await asyncio.gather(*jobs))


def _entry_points(source: Source) -> list[tuple[str, str]]:
    return ([("feed", url) for url in source.feeds] + [("sitemap", u) for u in source.sitemaps]
            + [("listing", url) for url in source.listings]
            + [("json", url) for url in source.json_listings])


async def check_entry(client: httpx.AsyncClient, source: Source, kind: str,
                      url: str) -> EntryCheck:
    """Fetch one entry point and count the article links it offers."""
    try:
        response = await client.get(url)
    except httpx.HTTPError as error:
        return EntryCheck(source.name, kind, url, None, "", 0,
                          f"{type(error).__name__}: {error}" if str(error) else
                          type(error).__name__)
    content_type = response.headers.get("Content-Type", "").split(";")[0]
    if response.status_code != 200:
        return EntryCheck(source.name, kind, url, response.status_code, content_type, 0,
                          f"answered {response.status_code}")
    found, problem = _read(source, kind, str(response.url), response)
    if not problem and not found:
        problem = "no article links found (check article_pattern)"
    return EntryCheck(source.name, kind, url, 200, content_type, found, problem)


def _read(source: Source, kind: str, url: str, response: httpx.Response) -> tuple[int, str | None]:
    if kind == "listing":
        page = HtmlResponse(url=url, body=response.content, encoding=response.encoding or None)
        links = LinkExtractor(allow=source.article_pattern or ()).extract_links(page)
        return len(links), None
    if kind == "json":
        return len(json_entries(response.text, url, source.json_url_template)), None
    problem = xml_problem(response.content)
    if kind == "sitemap":
        children, entries = sitemap_entries(response.text, url)
        return len(children) + len([e for e in entries if source.is_article_url(e.url)]), problem
    entries = feed_entries(response.text, url)
    return len([e for e in entries if source.is_article_url(e.url)]), problem
