"""URL identity: one article, one URL, whatever tracking parameters a link carried."""

from __future__ import annotations

from courlan import normalize_url


def canonical_url(url: str) -> str:
    """The URL Pantau files an article under: normalised, without tracking parameters."""
    try:
        return str(normalize_url(url, strict=True))
    except ValueError:
        return url
