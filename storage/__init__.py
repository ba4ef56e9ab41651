"""Pantau's archive: the SQLite file every stage reads and writes, and the only place with SQL."""

import logging

from storage.archive import Archive, content_hash, utcnow
from storage.exceptions import ArchiveError, ArchiveVersionError
from storage.models import (
    Alert,
    Article,
    ArticleRecord,
    AttemptResult,
    CrawlCounts,
    CrawlRun,
    DestinationState,
    NewMatch,
    PageRecord,
    SearchHit,
    SourceHealth,
)

__all__ = [
    "Alert",
    "Archive",
    "ArchiveError",
    "ArchiveVersionError",
    "Article",
    "ArticleRecord",
    "AttemptResult",
    "CrawlCounts",
    "CrawlRun",
    "DestinationState",
    "NewMatch",
    "PageRecord",
    "SearchHit",
    "SourceHealth",
    "content_hash",
    "utcnow",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
