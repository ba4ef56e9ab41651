"""What the archive tells crawls that run elsewhere (cluster workers): the entry points'
validators and every URL already known, read in bulk."""

from __future__ import annotations

from collections.abc import Iterator

from storage.archive import Archive


def entry_validators(archive: Archive, source: str) -> dict[str, list[str | None]]:
    """``{url: [etag, last_modified]}`` of the source's entry points that sent validators."""
    rows = archive.db.query(
        "SELECT url, etag, last_modified FROM pages WHERE source = ? AND outcome = 'entry'"
        " AND (etag IS NOT NULL OR last_modified IS NOT NULL)", [source])
    return {row["url"]: [row["etag"], row["last_modified"]] for row in rows}


def known_urls(archive: Archive) -> Iterator[str]:
    """Every URL :meth:`Archive.known_urls` recognises: pages fetched (not in error), their
    canonical URLs, and articles' canonical URLs."""
    rows = archive.db.query(
        "SELECT url AS u FROM pages WHERE outcome != 'error'"
        " UNION SELECT canonical_url FROM pages WHERE canonical_url IS NOT NULL"
        " UNION SELECT canonical_url FROM articles")
    for row in rows:
        yield row["u"]
