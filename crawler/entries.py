"""Reading entry points: the article links (and their dates) that feeds, sitemaps, listing
pages and JSON endpoints offer. Pure functions over text, so each format is tested alone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from scrapy.selector import Selector

_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_DATE_KEYS = ("published_at", "publishedAt", "created_at", "createdAt", "date", "tanggal",
              "pubDate", "datePublished", "updated_at")
_URL_KEYS = ("url", "link", "href", "permalink", "canonical_url")


@dataclass(frozen=True)
class Entry:
    """A link an entry point offers, with the date it gives, if any."""

    url: str
    listed_at: datetime | None = None


def feed_entries(text: str, base_url: str) -> list[Entry]:
    """The entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed."""
    selector = _xml(text)
    found = []
    for entry in selector.xpath("//item | //entry"):
        link = _text(entry, "link/@href") or _text(entry, "link") or _text(entry, "guid")
        when = _text(entry, "(pubDate | published | updated | date | issued)[1]")
        if link:
            found.append(Entry(urljoin(base_url, link), parse_feed_date(when)))
    return found


def sitemap_entries(text: str, base_url: str) -> tuple[list[str], list[Entry]]:
    """A sitemap's child sitemaps (of an index) and its URL entries (plain or Google News)."""
    selector = _xml(text)
    children = [urljoin(base_url, loc.strip())
                for loc in selector.xpath("//sitemap/loc/text()").getall() if loc.strip()]
    found = []
    for url in selector.xpath("//url"):
        loc = _text(url, "loc")
        when = _text(url, "(news/publication_date | lastmod)[1]")
        if loc:
            found.append(Entry(urljoin(base_url, loc), parse_feed_date(when)))
    return children, found


def json_entries(text: str, base_url: str, template: str = "") -> list[Entry]:
    """Article links in a JSON listing (a news API, a DataTables endpoint).

    Every object in the document is a candidate: its URL comes from ``template`` filled with
    its fields (``https://kemnaker.go.id/news/detail/{slug}``), else from a URL-like field or
    an ``href`` inside an HTML field; its date from a date-like field.
    """
    try:
        document = json.loads(text)
    except ValueError:
        return []
    found = []
    for item in _objects(document):
        url = _json_url(item, template)
        if url:
            when = next((parse_feed_date(str(item[key])) for key in _DATE_KEYS if key in item),
                        None)
            found.append(Entry(urljoin(base_url, url), when))
    return found


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _objects(child)


def _json_url(item: dict[str, Any], template: str) -> str | None:
    if template:
        try:
            return template.format(**item)
        except (KeyError, IndexError, ValueError):
            return None
    for key in _URL_KEYS:
        if isinstance(item.get(key), str) and item[key].strip():
            return str(item[key]).strip()
    for value in item.values():
        if isinstance(value, str) and (found := _HREF.search(value)):
            return found.group(1)
    return None


def parse_feed_date(value: str | None) -> datetime | None:
    """An RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) date as an aware datetime, else None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def xml_problem(body: bytes) -> str | None:
    """Why ``body`` is not well-formed XML, or None if it is.

    Feeds and sitemaps are read with a forgiving parser, which recovers what it can; this
    says whether there was anything to forgive, so it can be logged and counted.
    """
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    try:
        etree.fromstring(body.lstrip(b"\xef\xbb\xbf \t\r\n"), parser=parser)
    except etree.XMLSyntaxError as error:
        return str(error)
    return None


def _xml(text: str) -> Selector:
    selector = Selector(text=text.lstrip("\ufeff \t\r\n"), type="xml")
    selector.remove_namespaces()
    return selector


def _text(node: Selector, xpath: str) -> str:
    return (node.xpath(f"string({xpath})").get() or "").strip()
