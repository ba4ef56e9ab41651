"""Turn a fetched page into an article: body text, title, date and metadata.

trafilatura does the work; this module adds what Indonesian news needs on top of it: the
boilerplate lines its sites put inside the body ("Baca juga:", ADVERTISEMENT, bylines), titles
without the site name, and publication dates with their time and UTC offset.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import Document

# Whole lines that are page furniture, not reporting. Matched after trafilatura, one line at a
# time, so a sentence that merely contains these words is kept.
_BOILERPLATE_LINES = re.compile(
    r"""^\s*(?:
        (?:baca|lihat)\s+(?:juga|pula)\b.*          # "Baca juga: <other story>"
      | berita\s+terkait\b.*
      | advertisement | iklan
      | scroll\s+to\s+continue\s+with\s+content
      | simak\s+(?:juga\s+)?video\b.*
      | \[gambas:[^\]]*\]
      | (?:pewarta|penulis|editor|reporter|fotografer|copyright\s+©|©)\s*[:©].*
      | copyright\s+©.*
      | \((?:[a-z]{2,5}/){1,3}[a-z]{2,5}\)           # closing initials such as (rrd/rir)
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—•:]\s+|\s*\|\s*")
# Shorter than this, what is left is a caption or a menu, not a story.
MIN_BODY_CHARS = 200
_LANGUAGE_ALIASES = {"in": "id", "ind": "id", "eng": "en", "jp": "ja", "kr": "ko"}
_DATE_META = (
    "article:published_time", "og:published_time", "datePublished", "publishdate",
    "pubdate", "dc.date.issued", "content_PublishedDate",
)


@dataclass(frozen=True)
class Extracted:
    """What Pantau keeps of a page that holds an article."""

    title: str | None
    text: str
    published_at: str | None
    published_from: str | None
    language: str | None
    author: str | None
    sitename: str | None
    canonical_url: str | None


def extract_article(page: bytes | str, url: str,
                    min_chars: int = MIN_BODY_CHARS) -> Extracted | None:
    """Extract the article of one page, or None if the page holds no article text.

    Never raises on bad input: an empty, binary or article-less page (less than
    ``MIN_BODY_CHARS`` of body text) gives None.
    """
    if not page or (isinstance(page, bytes) and b"\x00" in page[:1024]):
        return None
    document = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, include_comments=False, include_tables=False,
        deduplicate=True,
        # No guessing from free text: a footer's "© 2026" would otherwise date a story 1 January.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(document, Document) or not document.text:
        return None
    text = clean_body(document.text)
    if len(text) < max(min_chars, 1):
        return None
    tree = _parse(page)
    published, origin = _published(tree, document.date)
    return Extracted(
        title=clean_title(document.title, document.sitename, document.hostname),
        text=text,
        published_at=published,
        published_from=origin,
        language=_language(tree, document.language),
        author=document.author or None,
        sitename=document.sitename or None,
        canonical_url=_canonical(tree),
    )


def extract_pages(pages: tuple[bytes, ...], url: str) -> Extracted | None:
    """Extract an article split over ``pages``: metadata from the first, the bodies joined."""
    first = extract_article(pages[0], url) if pages else None
    if first is None or len(pages) == 1:
        return first
    # A continuation page may be short: only the first must look like a whole story.
    rest = (extract_article(page, url, min_chars=1) for page in pages[1:])
    text = "\n".join([first.text, *(part.text for part in rest if part is not None)])
    return replace(first, text=text)


def clean_body(text: str) -> str:
    """Drop the lines of Indonesian news furniture trafilatura leaves inside a body."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not _BOILERPLATE_LINES.match(line))


def clean_title(title: str | None, sitename: str | None, hostname: str | None) -> str | None:
    """The headline without the site name glued before or after it."""
    if not title:
        return None
    parts = [part for part in _TITLE_SEPARATORS.split(title) if part.strip()]
    names = {_squash(name) for name in (sitename, hostname) if name}
    names |= {_squash(name.split(".")[0]) for name in (hostname,) if name}
    kept = [part for part in parts if not _is_site_name(_squash(part), names)]
    if len(kept) == len(parts) or not kept:
        return title.strip()
    return max(kept, key=len).strip()


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold().removeprefix("www."))


def _is_site_name(part: str, names: set[str]) -> bool:
    return bool(part) and any(part == name or (part.startswith(name) and len(part) - len(name) < 8)
                              for name in names if name)


def _parse(page: bytes | str) -> Any:
    try:
        return lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _published(tree: Any, fallback: str | None) -> tuple[str | None, str | None]:
    """The page's own timestamp with its offset if it states one, else trafilatura's date."""
    if tree is not None:
        for value in _date_candidates(tree):
            try:
                stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                continue
            if stamp.tzinfo is not None:
                return stamp.isoformat(), "page"
    return (fallback, "page-date") if fallback else (None, None)


def _date_candidates(tree: Any) -> list[str]:
    values: list[str] = []
    for name in _DATE_META:
        values += tree.xpath(f"//meta[@property='{name}' or @name='{name}' or "
                             f"@itemprop='{name}']/@content")
    for block in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                values.append(item["datePublished"])
    return values


def _language(tree: Any, detected: str | None) -> str | None:
    if detected:
        return _LANGUAGE_ALIASES.get(detected, detected)
    if tree is None:
        return None
    declared = tree.xpath("string(/html/@lang)") or tree.xpath(
        "string(//meta[@http-equiv='content-language']/@content)")
    code = declared.split("-")[0].split("_")[0].strip().lower()
    return _LANGUAGE_ALIASES.get(code, code) or None


def _canonical(tree: Any) -> str | None:
    if tree is None:
        return None
    found = tree.xpath("string(//link[@rel='canonical']/@href)").strip()
    return found or None
