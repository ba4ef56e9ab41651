"""What flows through the crawl's item pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.http import Response

from crawler.extract import Extracted


@dataclass
class PageItem:
    """A fetched article page; the extraction pipeline fills ``extracted`` and ``shingles``.

    ``bodies`` holds the page and, for an article split over several pages, the pages it
    continues on, in order. ``shingles`` is the sample of the text's shingles the archive
    finds copies of a story by (:func:`storage.neardup.sample`), computed beside extraction
    so that the archive's writer does not have to.
    """

    url: str
    source: str
    status: int
    bodies: tuple[bytes, ...] = field(repr=False)
    is_html: bool
    requested_urls: tuple[str, ...] = ()
    listed_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    extracted: Extracted | None = field(default=None, repr=False)
    shingles: tuple[int, ...] | None = field(default=None, repr=False)

    @classmethod
    def from_response(cls, response: Response, source: str, *, is_html: bool,
                      bodies: tuple[bytes, ...] = (), continued: str | None = None) -> PageItem:
        """The item for an article page as Scrapy received it."""
        headers = response.headers
        requested = tuple(response.meta.get("redirect_urls", ()))
        return cls(
            url=response.url,
            source=source,
            status=response.status,
            bodies=(bodies or (response.body,)) if is_html else (),
            is_html=is_html,
            requested_urls=requested + ((continued,) if continued else ()),
            listed_at=response.meta.get("pantau_listed_at"),
            etag=_header(headers.get(b"ETag")),
            last_modified=_header(headers.get(b"Last-Modified")),
        )


def _header(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None
