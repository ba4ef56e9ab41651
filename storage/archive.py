"""The archive: one SQLite file that every stage of Pantau reads and writes through.

All SQL of Pantau lives here. Writes run in ``BEGIN IMMEDIATE`` transactions on a WAL-mode file
with a busy timeout, so a crawl, a delivery loop and a CLI command can share one archive; a write
either lands whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Self

import sqlite_utils

from storage import search as queries
from storage.analysis import Pattern, analyse
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
from storage.neardup import MIN_SHARED, first_copy, sample
from storage.schema import MIGRATIONS
from storage.search import ArticleFilter, SearchPage, Story

if sys.platform != "win32":
    import fcntl

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
WEEK = timedelta(days=7)
NEAR_DUP_WINDOW = timedelta(days=7)  # how far back a new article looks for the story it copies
WAL_CHECKPOINT_PAGES = 10_000  # log pages written before the writer checkpoints
POSTINGS_READ = 20  # newest articles read per sampled shingle when looking for copies
COPY_CANDIDATES = 5  # articles compared in full with a new body, most shingles shared first
SHINGLES_MIGRATION = 7  # the migration that added article_shingles
_WHITESPACE = re.compile(r"\s+")


def utcnow() -> str:
    """The current time as the archive writes it: ISO 8601, UTC, whole seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ago(span: timedelta) -> str:
    return (datetime.now(UTC) - span).isoformat(timespec="seconds")


def _week(stamp: str) -> int:
    """The week of a timestamp as the shingle index keys it: whole weeks since 1970-01-01 UTC
    (migration 8 computes the same in SQL)."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:  # written by another tool without an offset: UTC, as SQL reads it
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() // WEEK.total_seconds())


def content_hash(text: str) -> str:
    """A fingerprint of an article body that ignores case and spacing."""
    normal = _WHITESPACE.sub(" ", text.casefold()).strip()
    return hashlib.sha256(normal.encode()).hexdigest()


class Archive:
    """A Pantau archive file, migrated to the current schema on open."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path
        self._floor_cache: tuple[str, int] = ("", 0)  # (minute, first id seen since then)

    @classmethod
    def open(cls, path: str | Path) -> Self:
        """Open (creating if needed) the archive at ``path`` and bring its schema up to date."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        except (OSError, sqlite3.Error) as error:
            raise ArchiveError(f"cannot open the archive {path}: {error}") from error
        archive = cls(sqlite_utils.Database(conn), path)
        archive._configure()
        archive._migrate()
        return archive

    def close(self) -> None:
        """Close the file; the archive object must not be used afterwards."""
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _configure(self) -> None:
        # The index's analysed columns are computed by this function (migration 2).
        self.db.conn.create_function("pantau_analyze", 1, analyse, deterministic=True)
        try:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            with self.db.ensure_autocommit_on():
                self.db.conn.execute("PRAGMA journal_mode = wal")
            self.db.execute("PRAGMA foreign_keys = on")
            self.db.execute("PRAGMA synchronous = normal")
            # Each article dirties pages in several indexes keyed by URL or hash, scattered
            # over a big archive: checkpointing every 40 MB of log rather than SQLite's 4 MB
            # copies a page rewritten by many articles once (bench.archive_growth: a third
            # less commit time per article at 1M articles).
            self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        except sqlite3.DatabaseError as error:
            raise ArchiveError(f"{self.path} is not a Pantau archive: {error}") from error

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise ArchiveVersionError(
                f"{self.path} has schema version {version}, newer than this Pantau knows "
                f"({len(MIGRATIONS)}): upgrade Pantau before opening it"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.write():
                if self.schema_version >= number:
                    continue  # another process opening the archive got there first
                for statement in _statements(script):
                    self.db.conn.execute(statement)
                self.db.conn.execute(f"PRAGMA user_version = {number}")
        if 0 < version < SHINGLES_MIGRATION <= len(MIGRATIONS):
            # The sample cannot be computed in SQL: fill it here for the articles a new copy
            # could still be compared with.
            self.sample_shingles(self._first_id_since(self.db, _ago(NEAR_DUP_WINDOW)))

    def sample_shingles(self, from_id: int = 0, batch: int = 2000) -> int:
        """Fill ``article_shingles`` for articles from ``from_id`` on that have no sample yet;
        returns how many articles were sampled."""
        done = 0
        position = from_id
        while rows := self.db.conn.execute(
                "SELECT id, text, first_seen_at FROM articles WHERE id >= ? AND NOT EXISTS"
                " (SELECT 1 FROM article_shingles WHERE article_id = articles.id)"
                " ORDER BY id LIMIT ?", [position, batch]).fetchall():
            with self.write() as db:
                db.conn.executemany(
                    "INSERT INTO article_shingles (week, hash, article_id) VALUES (?, ?, ?)",
                    [(_week(row[2]), value, row[0]) for row in rows for value in sample(row[1])])
            done += len(rows)
            position = rows[-1][0] + 1
        return done

    @property
    def schema_version(self) -> int:
        """How many migrations this file has had."""
        return int(self.db.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction that takes the file's write lock at once (``BEGIN IMMEDIATE``).

        sqlite-utils' ``atomic()`` issues a deferred ``BEGIN``, which under concurrent writers
        fails with "database is locked" instead of waiting out the busy timeout. Nested inside
        another write it is a savepoint, so several writes can commit together.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():  # a savepoint inside the open transaction
                yield self.db
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    # -- crawling -----------------------------------------------------------------------------

    def start_crawl(self, source: str) -> int:
        """Record that a crawl of ``source`` began; returns the crawl run's id."""
        now = utcnow()
        with self.write() as db:
            db.execute("INSERT OR IGNORE INTO sources (name, first_seen_at) VALUES (?, ?)",
                       [source, now])
            cursor = db.execute("INSERT INTO crawl_runs (source, started_at) VALUES (?, ?)",
                                [source, now])
        return int(cursor.lastrowid or 0)

    def finish_crawl(self, run_id: int, *, status: str, finish_reason: str,
                     counts: CrawlCounts) -> None:
        """Record the end of a crawl run with what it did."""
        values = {f.name: getattr(counts, f.name) for f in fields(CrawlCounts)}
        values["dropped"] = json.dumps(counts.dropped, sort_keys=True)
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        with self.write() as db:
            db.execute(
                f"UPDATE crawl_runs SET finished_at = :finished_at, status = :status,"
                f" finish_reason = :finish_reason, {assignments} WHERE id = :id",
                {**values, "finished_at": utcnow(), "status": status,
                 "finish_reason": finish_reason, "id": run_id},
            )

    def crawl_runs(self, limit: int = 20, source: str | None = None) -> list[CrawlRun]:
        """The most recent crawl runs (of one source, if given), newest first."""
        where = "WHERE source = ?" if source else ""
        rows = self.db.query(f"SELECT * FROM crawl_runs {where} ORDER BY id DESC LIMIT ?",
                             [*([source] if source else []), limit])
        return [CrawlRun(**{**row, "dropped": json.loads(row["dropped"])}) for row in rows]

    def source_health(self, since: str) -> list[SourceHealth]:
        """Each crawled source's last success, last error and articles first seen ``since``."""
        rows = self.db.query(
            "SELECT name AS source, first_seen_at,"
            " (SELECT max(started_at) FROM crawl_runs WHERE source = name) AS last_crawl_at,"
            " (SELECT max(finished_at) FROM crawl_runs WHERE source = name"
            "   AND status = 'finished' AND errors = 0) AS last_success_at,"
            " (SELECT max(finished_at) FROM crawl_runs WHERE source = name AND errors > 0)"
            "   AS last_error_at,"
            " (SELECT first_error FROM crawl_runs WHERE source = name AND errors > 0"
            "   ORDER BY id DESC LIMIT 1) AS last_error,"
            " (SELECT max(first_seen_at) FROM articles WHERE articles.source = name)"
            "   AS last_article_at,"
            " (SELECT count(*) FROM articles WHERE articles.source = name"
            "   AND first_seen_at >= ?) AS articles_7d"
            " FROM sources ORDER BY name", [since],
        )
        return [SourceHealth(**row) for row in rows]

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` already fetched as pages or archived as articles."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        for start in range(0, len(wanted), 400):
            chunk = wanted[start:start + 400]
            marks = ",".join("?" * len(chunk))
            sql = (f"SELECT url AS u FROM pages WHERE url IN ({marks}) AND outcome != 'error'"
                   f" UNION SELECT canonical_url FROM pages WHERE canonical_url IN ({marks})"
                   f" UNION SELECT canonical_url FROM articles WHERE canonical_url IN ({marks})")
            found.update(row["u"] for row in self.db.query(sql, chunk * 3))
        return found

    def record_page(self, page: PageRecord) -> None:
        """Remember that a URL was fetched and what came of it."""
        now = utcnow()
        with self.write() as db:
            db.execute(
                "INSERT INTO pages (url, source, canonical_url, status, outcome, content_hash,"
                " etag, last_modified, first_fetched_at, last_fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET canonical_url = excluded.canonical_url,"
                " status = excluded.status, outcome = excluded.outcome,"
                " content_hash = excluded.content_hash, etag = excluded.etag,"
                " last_modified = excluded.last_modified,"
                " last_fetched_at = excluded.last_fetched_at",
                [page.url, page.source, page.canonical_url, page.status, page.outcome,
                 page.content_hash, page.etag, page.last_modified, now, now],
            )

    def page(self, url: str) -> PageRecord | None:
        """What the archive knows of one fetched URL."""
        rows = list(self.db.query(
            "SELECT url, source, status, outcome, canonical_url, content_hash, etag,"
            " last_modified FROM pages WHERE url = ?", [url]))
        return PageRecord(**rows[0]) if rows else None

    def add_article(self, record: ArticleRecord,
                    shingles: Sequence[int] | None = None) -> int | None:
        """Archive an article; returns its id, or None if its URL is archived already.

        Articles that carry one story share a ``cluster_id`` (the id of the first of them): the
        same body, case and spacing aside, or a lightly edited copy of it (see
        :mod:`storage.neardup`). ``shingles`` is the text's :func:`storage.neardup.sample` if
        the caller computed it already (the crawl does, in its extraction workers).
        """
        digest = content_hash(record.text)
        seen = utcnow()
        with self.write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO articles (url, canonical_url, source, title, text,"
                " published_at, published_from, first_seen_at, language, author, sitename,"
                " content_hash, updated_at, section, tags, image_url)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [record.url, record.canonical_url, record.source, record.title, record.text,
                 record.published_at, record.published_from, seen, record.language,
                 record.author, record.sitename, digest, record.updated_at, record.section,
                 json.dumps(list(record.tags), ensure_ascii=False), record.image_url],
            )
            if not cursor.rowcount:
                return None
            article_id = int(cursor.lastrowid or 0)
            cluster = self._cluster_of(db, article_id, _week(seen), digest, record.text,
                                       shingles)
            db.execute("UPDATE articles SET cluster_id = ? WHERE id = ?", [cluster, article_id])
        return article_id

    def _first_id_since(self, db: sqlite_utils.Database, stamp: str) -> int:
        """The first article first seen at or after ``stamp``, by binary search over ids (ids
        and ``first_seen_at`` grow together): a few point lookups, no scan; remembered per
        minute, since it moves no faster than that matters for a window of days."""
        minute = stamp[:16]
        if self._floor_cache[0] == minute:
            return self._floor_cache[1]
        floor = self._search_first_id(db, stamp)
        self._floor_cache = (minute, floor)
        return floor

    @staticmethod
    def _search_first_id(db: sqlite_utils.Database, stamp: str) -> int:
        conn = db.conn
        low = conn.execute("SELECT id FROM articles ORDER BY id LIMIT 1").fetchone()
        high = conn.execute("SELECT id FROM articles ORDER BY id DESC LIMIT 1").fetchone()
        if low is None:
            return 0
        low_id, high_id = int(low[0]), int(high[0])
        while low_id < high_id:
            middle = (low_id + high_id) // 2
            found, seen = conn.execute("SELECT id, first_seen_at FROM articles WHERE id >= ?"
                                       " ORDER BY id LIMIT 1", [middle]).fetchone()
            if seen >= stamp:
                high_id = int(found)
            else:
                low_id = int(found) + 1
        return low_id

    def _cluster_of(self, db: sqlite_utils.Database, article_id: int, week: int,
                    digest: str, text: str, shingles: Sequence[int] | None) -> int:
        """The cluster a new article joins: an identical body's, a near copy's, or its own."""
        same = db.conn.execute("SELECT min(coalesce(cluster_id, id)) FROM articles WHERE"
                               " content_hash = ? AND id != ?", [digest, article_id]).fetchone()
        if same[0] is not None:
            return int(same[0])
        hashes = sample(text) if shingles is None else shingles
        if not hashes:
            return article_id
        candidates = self._copy_candidates(db, hashes)
        db.conn.executemany("INSERT INTO article_shingles (week, hash, article_id)"
                            " VALUES (?, ?, ?)", [(week, value, article_id) for value in hashes])
        bodies = ((cluster, other) for rowid in candidates for other, cluster in db.conn.execute(
            "SELECT text, coalesce(cluster_id, id) FROM articles WHERE id = ?", [rowid]))
        copied = first_copy(text, bodies)
        return article_id if copied is None else int(copied)

    def _copy_candidates(self, db: sqlite_utils.Database, hashes: Sequence[int]) -> list[int]:
        """The recent articles sharing most of a new body's sampled shingles, best first.

        Copies of a story appear within days of it, so only the last ``NEAR_DUP_WINDOW`` of the
        sample index is read (the weeks it spans, then the articles first seen in it); and of
        each shingle only its newest ``POSTINGS_READ`` articles.

        A shingle most stories of the week share ("pekerja migran indonesia") says nothing
        about which one a body copies, and reading all of its articles would make the cost
        grow with the week's volume; the shingles of the story itself are rare, and their
        newest articles are its latest copies. So the cost is a few short index reads, flat
        however big the archive and however busy the week.
        """
        since = _ago(NEAR_DUP_WINDOW)
        floor = self._first_id_since(db, since)
        weeks = list(range(_week(since), _week(utcnow()) + 1))
        lookup = (f"SELECT article_id FROM article_shingles WHERE week IN"
                  f" ({','.join('?' * len(weeks))}) AND hash = ? AND article_id >= ?"
                  " ORDER BY article_id DESC LIMIT ?")
        shared: Counter[int] = Counter()
        for value in hashes:
            shared.update(row[0] for row in db.conn.execute(
                lookup, [*weeks, value, floor, POSTINGS_READ]))
        best = sorted((-count, rowid) for rowid, count in shared.items() if count >= MIN_SHARED)
        return [rowid for _, rowid in best[:COPY_CANDIDATES]]

    # -- matching -----------------------------------------------------------------------------

    def cursor(self, name: str) -> int:
        """The last article id a reader called ``name`` has finished with (0 at first)."""
        row = self.db.conn.execute("SELECT position FROM cursors WHERE name = ?",
                                   [name]).fetchone()
        return int(row[0]) if row else 0

    def articles_after(self, article_id: int, limit: int = 500) -> list[Article]:
        """Articles archived after ``article_id``, oldest first."""
        rows = self.db.query("SELECT * FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                             [article_id, limit])
        return [_article(row) for row in rows]

    def article(self, article_id: int) -> Article | None:
        """One article by id."""
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        return _article(rows[0]) if rows else None

    def record_matches(self, cursor_name: str, position: int,
                       matches: Iterable[NewMatch]) -> int:
        """Store matches and queue their alerts, and move the cursor, in one transaction.

        An alert's key is its destination and story cluster: a story carried by several outlets
        and matched by several rules is one message per destination, and a repeated run queues
        nothing twice. Returns how many alerts were queued.
        """
        now = utcnow()
        queued = 0
        with self.write() as db:
            for match in matches:
                queued += self._insert_match(db, match, now)
            db.execute(
                "INSERT INTO cursors (name, position) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)",
                [cursor_name, position],
            )
        return queued

    def _insert_match(self, db: sqlite_utils.Database, match: NewMatch, now: str) -> int:
        cursor = db.execute(
            "INSERT OR IGNORE INTO matches (article_id, rule, terms, snippet, matched_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [match.article_id, match.rule, json.dumps(list(match.terms), ensure_ascii=False),
             match.snippet, now],
        )
        if not cursor.rowcount:
            return 0
        match_id = cursor.lastrowid
        cluster = db.conn.execute("SELECT coalesce(cluster_id, id) FROM articles WHERE id = ?",
                                  [match.article_id]).fetchone()[0]
        queued = 0
        for destination in match.destinations:
            key = hashlib.sha256(f"{destination}\n{cluster}".encode()).hexdigest()
            cursor = db.execute(
                "INSERT OR IGNORE INTO alerts (alert_key, match_id, destination,"
                " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)",
                ["pantau_" + key[:32], match_id, destination, now, now],
            )
            queued += cursor.rowcount
        return queued

    def matches_by_rule(self) -> dict[str, int]:
        """How many articles each rule has matched, over the whole archive."""
        rows = self.db.query("SELECT rule, count(*) AS n FROM matches GROUP BY rule ORDER BY rule")
        return {row["rule"]: row["n"] for row in rows}

    # -- delivery -----------------------------------------------------------------------------

    def claim_due_alerts(self, now: str, lease_until: str, limit: int = 100, *,
                         destinations: Iterable[str] | None = None) -> list[Alert]:
        """Atomically take the alerts due for delivery, marking them ``sending``, oldest first.

        A claim is a lease: an alert a sender took but never reported on (the process died)
        is due again once ``lease_until`` has passed. Alerts of a destination marked broken
        are not taken; ``destinations`` limits the claim to those names.
        """
        where, params = "", []
        if destinations is not None:
            names = list(destinations)
            where = f" AND destination IN ({','.join('?' * len(names))})"
            params = names
        with self.write() as db:
            rows = db.conn.execute(
                "UPDATE alerts SET status = 'sending', next_attempt_at = ? WHERE id IN"
                " (SELECT id FROM alerts WHERE status IN ('pending', 'sending')"
                f" AND next_attempt_at <= ?{where} AND destination NOT IN"
                " (SELECT name FROM destinations WHERE status = 'broken')"
                " ORDER BY id LIMIT ?) RETURNING id",
                [lease_until, now, *params, limit],
            ).fetchall()
        claimed = self.alerts(ids=[row[0] for row in rows], limit=len(rows)) if rows else []
        return sorted(claimed, key=lambda alert: alert.id)

    @contextmanager
    def sending(self, now: str) -> Iterator[int]:
        """Hold the archive's sender lock while delivering; yields how many abandoned claims
        were made due again at ``now``.

        Every sender holds a shared lock on ``<archive>-senders`` (beside ``-wal``) while it
        holds claims. The kernel drops a process's locks when it dies, however it dies; so a
        sender that can take the lock exclusively knows no other sender is alive, and any alert
        still marked ``sending`` was claimed by one that died before reporting. Those are due at
        once instead of when their lease ends. Where the lock cannot be had (no ``fcntl``, a
        file that cannot be created) only leases apply.
        """
        with _lock_file(self.path.with_name(self.path.name + "-senders")) as handle:
            reclaimed = 0
            if handle is not None:
                if _lock_alone(handle):
                    reclaimed = self._reclaim_abandoned(now)
                fcntl.flock(handle, fcntl.LOCK_SH)  # from exclusive, or wait out one who is
            yield reclaimed

    def _reclaim_abandoned(self, now: str) -> int:
        """Make every claimed alert due at ``now``: call only when no sender is alive."""
        with self.write() as db:
            cursor = db.execute("UPDATE alerts SET status = 'pending', next_attempt_at = ?"
                                " WHERE status = 'sending'", [now])
        return int(cursor.rowcount)

    def release_alerts(self, alert_ids: Iterable[int], next_attempt_at: str) -> None:
        """Give back claimed alerts unsent and untried (the sender was told to slow down)."""
        ids = list(alert_ids)
        with self.write() as db:
            db.execute(f"UPDATE alerts SET status = 'pending', next_attempt_at = ? WHERE"
                       f" status = 'sending' AND id IN ({','.join('?' * len(ids))})",
                       [next_attempt_at, *ids])

    def pending_destinations(self, now: str) -> list[str]:
        """Names of destinations with alerts due at ``now`` (broken ones too)."""
        rows = self.db.conn.execute(
            "SELECT DISTINCT destination FROM alerts WHERE status IN ('pending', 'sending')"
            " AND next_attempt_at <= ? ORDER BY destination", [now]).fetchall()
        return [row[0] for row in rows]

    def retry_alert(self, alert_id: int, now: str) -> bool:
        """Queue a failed alert again, with the same key; False if there is no such alert."""
        with self.write() as db:
            cursor = db.execute(
                "UPDATE alerts SET status = 'pending', next_attempt_at = ? WHERE id = ?"
                " AND status != 'sent'", [now, alert_id])
        return cursor.rowcount > 0

    def record_attempt(self, alert_id: int, result: AttemptResult) -> None:
        """Record one delivery try and move the alert to the state it leads to.

        ``broken`` keeps the alert pending and marks its destination broken, in the same
        transaction: the alert did nothing wrong and goes out once the destination is fixed.
        """
        self.record_attempts([alert_id], result)

    def record_attempts(self, alert_ids: Iterable[int], result: AttemptResult, *,
                        digest_key: str | None = None) -> None:
        """Record one try that carried several alerts (a digest), all of them or none."""
        now = utcnow()
        status = {"sent": "sent", "retry": "pending", "broken": "pending"}.get(result.outcome,
                                                                              "failed")
        with self.write() as db:
            for alert_id in alert_ids:
                self._record(db, alert_id, result, status, now, digest_key)

    def _record(self, db: sqlite_utils.Database, alert_id: int, result: AttemptResult,
                status: str, now: str, digest_key: str | None) -> None:
        db.execute(
            "INSERT INTO attempts (alert_id, attempted_at, http_status, outcome, error,"
            " duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
            [alert_id, now, result.http_status, result.outcome, result.error,
             result.duration_ms],
        )
        db.execute(
            "UPDATE alerts SET status = ?, attempts = attempts + 1, last_error = ?,"
            " next_attempt_at = coalesce(?, next_attempt_at), digest_key = coalesce(?,"
            " digest_key), sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?",
            [status, result.error, result.next_attempt_at,
             digest_key if status == "sent" else None, status, now, alert_id],
        )
        if result.outcome == "broken":
            db.execute(
                "INSERT INTO destinations (name, status, broken_since, broken_reason,"
                " updated_at) SELECT destination, 'broken', ?, ?, ? FROM alerts WHERE id = ?"
                " ON CONFLICT (name) DO UPDATE SET status = 'broken', broken_since ="
                " coalesce(broken_since, excluded.broken_since), broken_reason ="
                " excluded.broken_reason, updated_at = excluded.updated_at",
                [now, result.error, now, alert_id],
            )

    # -- destinations -------------------------------------------------------------------------

    def destination_states(self, names: Iterable[str] = ()) -> list[DestinationState]:
        """What the archive knows of each destination (those of ``names`` and any it holds
        alerts or state for), with counts of its alerts by status."""
        rows = self.db.query(
            "WITH named AS (SELECT name FROM destinations UNION SELECT destination FROM alerts"
            " UNION SELECT value FROM json_each(?)) SELECT named.name,"
            " coalesce(d.status, 'ok') AS status, d.broken_since, d.broken_reason, d.chat_id,"
            " d.last_digest_at,"
            " (SELECT count(*) FROM alerts WHERE destination = named.name AND status IN"
            "  ('pending', 'sending')) AS pending,"
            " (SELECT count(*) FROM alerts WHERE destination = named.name AND status = 'failed')"
            "  AS failed,"
            " (SELECT count(*) FROM alerts WHERE destination = named.name AND status = 'sent')"
            "  AS sent FROM named LEFT JOIN destinations AS d ON d.name = named.name"
            " ORDER BY named.name", [json.dumps(list(names))])
        return [DestinationState(**row) for row in rows]

    def destination_record(self, name: str) -> DestinationState:
        """What the archive remembers of one destination, without counting its alerts (cheap
        enough to ask before every send)."""
        rows = list(self.db.query("SELECT name, status, broken_since, broken_reason, chat_id,"
                                  " last_digest_at FROM destinations WHERE name = ?", [name]))
        return DestinationState(**rows[0]) if rows else DestinationState(name, "ok")

    def destination_state(self, name: str) -> DestinationState:
        """What the archive knows of one destination, with its alerts' counts."""
        return next(state for state in self.destination_states([name]) if state.name == name)

    def enable_destination(self, name: str) -> bool:
        """Clear a destination's broken mark; its alerts are due again at once.

        False if it was not marked broken.
        """
        now = utcnow()
        with self.write() as db:
            cursor = db.execute("UPDATE destinations SET status = 'ok', broken_since = NULL,"
                                " broken_reason = NULL, updated_at = ? WHERE name = ? AND"
                                " status = 'broken'", [now, name])
            if cursor.rowcount:
                db.execute("UPDATE alerts SET next_attempt_at = ? WHERE destination = ? AND"
                           " status = 'pending'", [now, name])
        return cursor.rowcount > 0

    def move_destination_chat(self, name: str, chat_id: str) -> None:
        """Remember that the service moved the destination's chat (Telegram's migration)."""
        self._upsert_destination(name, "chat_id", chat_id)

    def record_digest_slot(self, name: str, slot: str) -> None:
        """Remember that the digest of ``slot`` (an ISO time) has been dealt with."""
        self._upsert_destination(name, "last_digest_at", slot)

    def _upsert_destination(self, name: str, column: str, value: str) -> None:
        with self.write() as db:
            db.execute(f"INSERT INTO destinations (name, {column}, updated_at) VALUES (?, ?, ?)"
                       f" ON CONFLICT (name) DO UPDATE SET {column} = excluded.{column},"
                       " updated_at = excluded.updated_at", [name, value, utcnow()])

    def alerts(self, *, status: str | None = None, ids: list[int] | None = None,
               destination: str | None = None, failed: bool = False,
               limit: int = 100) -> list[Alert]:
        """Alerts with their article and match, newest first.

        Rules and terms are those of every article in the story's cluster; ``outlets`` are
        the cluster's other articles. ``failed`` selects the alerts that need a person: those
        that failed and those held by a broken destination.
        """
        where, params = _alert_filter(status, ids, destination, failed)
        rows = self.db.query(
            "SELECT alerts.id, alert_key, destination, alerts.status, attempts, next_attempt_at,"
            " last_error, created_at, sent_at, digest_key, matches.snippet,"
            " (SELECT json_group_array(rule) FROM (SELECT DISTINCT rule FROM matches AS m"
            f"   WHERE m.article_id IN {_CLUSTER} ORDER BY rule)) AS rules,"
            " (SELECT json_group_array(value) FROM (SELECT DISTINCT t.value FROM matches AS m,"
            f"   json_each(m.terms) AS t WHERE m.article_id IN {_CLUSTER})) AS terms,"
            " (SELECT json_group_array(json_array(o.source, o.url)) FROM articles AS o"
            "   WHERE o.cluster_id = articles.cluster_id AND o.id != articles.id) AS outlets,"
            " coalesce(d.status = 'broken' AND alerts.status != 'sent', 0) AS held,"
            " articles.id AS article_id, articles.title, articles.url, articles.source,"
            " articles.published_at FROM alerts JOIN matches ON matches.id = alerts.match_id"
            " JOIN articles ON articles.id = matches.article_id"
            f" LEFT JOIN destinations AS d ON d.name = alerts.destination {where}"
            " ORDER BY alerts.id DESC LIMIT ?", [*params, limit],
        )
        return [Alert(**{**row, "rules": tuple(json.loads(row["rules"])),
                         "terms": tuple(json.loads(row["terms"])),
                         "outlets": tuple(tuple(o) for o in json.loads(row["outlets"])),
                         "held": bool(row["held"])}) for row in rows]

    def alert_counts(self) -> dict[str, int]:
        """How many alerts are in each status."""
        rows = self.db.query("SELECT status, count(*) AS n FROM alerts GROUP BY status")
        return {row["status"]: row["n"] for row in rows}

    def backup(self, destination: str | Path) -> int:
        """Copy the archive to ``destination`` with SQLite's online backup; returns pages.

        Safe while other processes read and write: the copy is a consistent snapshot.
        """
        target = sqlite3.connect(destination)
        try:
            self.db.conn.backup(target)
            return int(target.execute("PRAGMA page_count").fetchone()[0])
        finally:
            target.close()

    # -- the daemon -------------------------------------------------------------------------

    def record_heartbeat(self, status: DaemonStatus) -> None:
        """Write the daemon's heartbeat (one row, replaced each time)."""
        values = {**asdict(status), "next_runs": json.dumps(status.next_runs),
                  "running": json.dumps(status.running)}
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        with self.write() as db:
            db.execute(f"INSERT OR REPLACE INTO daemon (id, {columns}) VALUES (1, {marks})",
                       values)

    def daemon_status(self) -> DaemonStatus | None:
        """The daemon's last heartbeat, if a daemon ever ran on this archive."""
        rows = list(self.db.query("SELECT * FROM daemon WHERE id = 1"))
        if not rows:
            return None
        row = {key: value for key, value in rows[0].items() if key != "id"}
        return DaemonStatus(**{**row, "next_runs": json.loads(row["next_runs"]),
                               "running": json.loads(row["running"])})

    def last_crawl_starts(self) -> dict[str, str]:
        """When each source's latest crawl began."""
        rows = self.db.query("SELECT source, max(started_at) AS at FROM crawl_runs"
                             " GROUP BY source")
        return {row["source"]: row["at"] for row in rows}

    # -- search -------------------------------------------------------------------------------

    def search(self, fts_query: str | None, *, terms: Sequence[tuple[str, Pattern]] = (),
               limit: int = 20, offset: int = 0, since: str | None = None,
               until: str | None = None, sources: Iterable[str] = (),
               languages: Iterable[str] = (), rules: Iterable[str] = (),
               newest_first: bool = False) -> list[SearchHit]:
        """Articles matching an FTS5 query, best (or newest) first, explained.

        ``terms`` are the query's positive terms (label, analysed pattern): each hit lists
        those it contains and a snippet with them in ``**bold**``. ``since``/``until`` bound
        the article's date: published if known, else first seen. ``rules`` keeps articles
        those rules matched; without a query they are listed newest first with the snippet
        their match recorded. See :func:`storage.search.search`.
        """
        where = ArticleFilter(since, until, tuple(sources), tuple(languages), tuple(rules))
        return self.search_page(fts_query, where, terms=terms, limit=limit, offset=offset,
                                newest_first=newest_first).hits

    def search_page(self, fts_query: str | None, where: ArticleFilter, *,
                    terms: Sequence[tuple[str, Pattern]] = (), limit: int = 20,
                    offset: int = 0, newest_first: bool = False) -> SearchPage:
        """One page of hits, saying whether only the newest matches could be ranked."""
        return queries.search(self.db.conn, fts_query, where, terms=terms, limit=limit,
                             offset=offset, newest_first=newest_first)

    def search_days(self, fts_query: str, *, since: str | None = None,
                    until: str | None = None, sources: Iterable[str] = (),
                    languages: Iterable[str] = ()) -> dict[str, int]:
        """How many articles match an FTS5 query on each day (UTC), oldest day first."""
        where = ArticleFilter(since, until, tuple(sources), tuple(languages))
        return queries.search_days(self.db.conn, fts_query, where)

    def export(self, fts_query: str | None, where: ArticleFilter,
               columns: Sequence[str] = queries.EXPORT_COLUMNS) -> Iterator[dict[str, Any]]:
        """Every selected article, one row at a time, in archive order (constant memory)."""
        return queries.export_rows(self.db.conn, fts_query, where, columns)

    def matches_per_day(self, where: ArticleFilter) -> list[tuple[str, str, int]]:
        """(day, rule, articles) for each day and rule, for the briefing's chart."""
        return queries.matches_per_day(self.db.conn, where)

    def top_stories(self, where: ArticleFilter, limit: int = 10) -> list[Story]:
        """The matched stories of a period carried by the most outlets."""
        return queries.top_stories(self.db.conn, where, limit)

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables, for summaries and status."""
        tables = ("sources", "crawl_runs", "pages", "articles", "matches", "alerts", "attempts",
                  "destinations")
        return {table: self.db[table].count for table in tables}


@contextmanager
def _lock_file(path: Path) -> Iterator[IO[bytes] | None]:
    """The open lock file at ``path`` (closed, and so unlocked, afterwards), or None."""
    if sys.platform == "win32":
        yield None
        return
    try:
        handle = path.open("a+b")
    except OSError as error:
        logger.warning("cannot open the sender lock %s (%s): a dead sender's alerts wait for"
                       " their lease to end", path, error)
        yield None
        return
    with handle:
        yield handle


def _lock_alone(handle: IO[bytes]) -> bool:
    """Take ``handle``'s lock exclusively if nobody holds it; whether that worked."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _statements(script: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return [s for s in statements if s]


_CLUSTER = ("(SELECT c.id FROM articles AS c WHERE c.cluster_id ="
            " coalesce(articles.cluster_id, articles.id) OR c.id = articles.id)")


def _alert_filter(status: str | None, ids: list[int] | None, destination: str | None,
                  failed: bool) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if status is not None:
        clauses.append("alerts.status = ?")
        params.append(status)
    if destination is not None:
        clauses.append("alerts.destination = ?")
        params.append(destination)
    if failed:
        clauses.append("(alerts.status = 'failed' OR (d.status = 'broken' AND"
                       " alerts.status IN ('pending', 'sending')))")
    if ids is not None:
        clauses.append(f"alerts.id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _article(row: dict[str, Any]) -> Article:
    """An article from its row; ``tags`` is stored as a JSON list."""
    return Article(**{**row, "tags": tuple(json.loads(row.get("tags") or "[]"))})
