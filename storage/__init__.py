"""Pantau's archive: the SQLite file every stage reads and writes, and the only place with SQL."""

import logging

from storage.analysis import Analysed, Pattern, analyse, stem
from storage.archive import Archive, content_hash, utcnow
from storage.exceptions import ArchiveError, ArchiveVersionError
from storage.models import (
    Alert,
    Article,
    ArticleRecord,
    AttemptResult,
    CrawlCounts,
    CrawlRun,
    DaemonStatus,
    DestinationState,
    NewMatch,
    PageRecord,
    SearchHit,
    SourceHealth,
)
from storage.search import ArticleFilter, SearchPage, Story

__all__ = [
    "Alert",
    "Analysed",
    "Archive",
    "ArchiveError",
    "ArchiveVersionError",
    "Article",
    "ArticleFilter",
    "ArticleRecord",
    "AttemptResult",
    "CrawlCounts",
    "CrawlRun",
    "DaemonStatus",
    "DestinationState",
    "NewMatch",
    "PageRecord",
    "Pattern",
    "SearchHit",
    "SearchPage",
    "SourceHealth",
    "Story",
    "analyse",
    "content_hash",
    "stem",
    "utcnow",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
