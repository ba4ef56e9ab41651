"""Turn a fetched page into an article: body text, title, dates and metadata.

trafilatura does the work; ``crawler.extraction`` adds what Indonesian news needs on top of it:
the boxes and lines of page furniture its sites put inside the body ("Baca juga", ADVERTISEMENT,
bylines, captions), the headline without the site name, publication and update times with their
UTC offset, and the body's language detected from its text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from crawler.extraction import metadata
from crawler.extraction.body import clean_body, prune_furniture
from crawler.extraction.dates import page_dates
from crawler.extraction.title import clean_title, headline
from storage.neardup import sample

__all__ = ["NO_ARTICLE_JSON", "TRAFILATURA_OPTIONS", "Extracted", "clean_body", "clean_title",
           "extract_article", "extract_for_archive", "extract_pages"]

logger = logging.getLogger(__name__)

# What Pantau asks of trafilatura. Links are kept in its body tree to tell boxes of links to
# other stories from prose; they change the rendering, not which content is chosen. No
# ``deduplicate``: its cache spans documents, so a wire story carried by a second outlet would
# come back empty instead of joining its cluster.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "with_metadata": True, "include_comments": False, "include_tables": False,
    "include_links": True,
    # No guessing dates from free text: a footer's "© 2026" would date a story 1 January.
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}
# Shorter than this, what is left is a caption or a menu, not a story.
MIN_BODY_CHARS = 200


@dataclass(frozen=True)
class Extracted:
    """What Pantau keeps of a page that holds an article.

    ``published_at`` and ``updated_at`` are ISO 8601 with the page's UTC offset, or a bare
    date when the page gives no time; ``published_from`` says where the date was read
    (see :func:`crawler.extraction.dates.page_dates`).
    """

    title: str | None
    text: str
    published_at: str | None
    published_from: str | None
    language: str | None
    author: str | None
    sitename: str | None
    canonical_url: str | None
    updated_at: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    image_url: str | None = None

    def as_json(self, url: str) -> dict[str, Any]:
        """The article as ``pantau extract --json`` prints it.

        ``published`` and ``updated`` are ISO 8601 with the UTC offset, or null when the page
        gives no time; ``published_date`` is the day, whenever one is known.
        """
        return {
            "url": url, "canonical_url": self.canonical_url, "title": self.title,
            "text": self.text, "published": _timestamp(self.published_at),
            "published_date": (self.published_at or "")[:10] or None,
            "published_from": self.published_from, "updated": _timestamp(self.updated_at),
            "language": self.language, "author": self.author, "sitename": self.sitename,
            "section": self.section, "tags": list(self.tags), "image": self.image_url,
        }


NO_ARTICLE_JSON: dict[str, Any] = {
    "canonical_url": None, "title": None, "text": None, "published": None,
    "published_date": None, "published_from": None, "updated": None, "language": None,
    "author": None, "sitename": None, "section": None, "tags": [], "image": None,
}


def _timestamp(value: str | None) -> str | None:
    """A timestamp with its offset, or None for a bare date or nothing."""
    return value if value and len(value) > len("2026-01-01") else None


def extract_article(page: bytes | str, url: str, *, fetched_at: datetime | None = None,
                    min_chars: int = MIN_BODY_CHARS) -> Extracted | None:
    """Extract the article of one page, or None if the page holds no article text.

    Never raises on bad input: an empty, binary or article-less page (less than
    ``MIN_BODY_CHARS`` of body text) gives None. ``fetched_at`` anchors relative datelines
    ("2 jam yang lalu"); it defaults to now.
    """
    tree = _load(page)
    if tree is None:
        return None
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    if not isinstance(document, Document) or document.body is None:
        return None
    prune_furniture(document.body)
    title = headline(tree, document.title, document.sitename, document.hostname)
    body = clean_body(xmltotxt(document.body, False), title)
    if len(body.text) < max(min_chars, 1):
        return None
    dates = page_dates(tree, title, fetched_at or datetime.now(UTC), zoned=_names_a_zone(page))
    return Extracted(
        title=title,
        text=body.text,
        published_at=dates.published_at or document.date or None,
        published_from=dates.published_from or ("page-date" if document.date else None),
        updated_at=dates.updated_at,
        language=metadata.language(body.text, tree),
        author=metadata.author((body.byline, document.author), document.sitename),
        sitename=document.sitename or None,
        canonical_url=metadata.canonical_url(tree),
        section=metadata.section(tree, document.categories or ()),
        tags=metadata.tags(document.tags or ()),
        image_url=document.image or None,
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


def extract_for_archive(bodies: tuple[bytes, ...],
                        url: str) -> tuple[Extracted | None, tuple[int, ...] | None]:
    """The article of a page and the shingle sample the archive clusters it by: all the work
    on a page's text that can be done away from the archive's single writer."""
    extracted = extract_pages(bodies, url)
    return extracted, tuple(sample(extracted.text)) if extracted else None


def _names_a_zone(page: bytes | str) -> bool:
    """Whether the page's source mentions WIB, WITA or WIT (a plain search, far cheaper than
    walking the tree's text)."""
    if isinstance(page, bytes):
        return b"WIB" in page or b"WIT" in page or b"wib" in page
    return "WIB" in page or "WIT" in page or "wib" in page


def _load(page: bytes | str) -> HtmlElement | None:
    """The page's tree, parsed as trafilatura parses it; None for what is not HTML."""
    if not page or not page.strip():
        return None
    head = page[:1024]
    if (b"\x00" in head) if isinstance(head, bytes) else ("\x00" in head):
        return None
    try:
        tree = load_html(page)
    except (TypeError, ValueError) as error:
        logger.debug("not parseable as HTML: %s", error)
        return None
    return tree if isinstance(tree, HtmlElement) else None
