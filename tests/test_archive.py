"""The archive: schema on open, idempotent writes, the outbox's claims and leases, search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from storage import Archive, ArchiveError, ArchiveVersionError, AttemptResult, NewMatch
from storage.schema import MIGRATIONS
from tests.conftest import article

PAST = "2000-01-01T00:00:00+00:00"
FUTURE = "2100-01-01T00:00:00+00:00"


def test_a_new_file_gets_the_whole_schema(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        assert archive.schema_version == len(MIGRATIONS)
    tables = set(sqlite_utils.Database(tmp_path / "a.db").table_names())
    assert {"articles", "articles_fts", "pages", "matches", "alerts", "attempts",
            "crawl_runs", "sources", "cursors"} <= tables


def test_a_newer_archive_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    Archive.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(ArchiveVersionError, match="upgrade Pantau"):
        Archive.open(path)


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(ArchiveError, match="not a Pantau archive"):
        Archive.open(path)


def test_an_article_is_stored_once(archive: Archive) -> None:
    first = archive.add_article(article(1, "Pekerja migran diberangkatkan."))
    again = archive.add_article(article(1, "Another text, same URL."))
    assert first == 1
    assert again is None
    assert archive.counts()["articles"] == 1


def test_the_same_story_on_two_outlets_shares_a_cluster(archive: Archive) -> None:
    text = "Sebanyak 120 pekerja migran diberangkatkan ke Korea."
    one = archive.add_article(article(1, text))
    spaced = "  SEBANYAK 120 pekerja migran\ndiberangkatkan ke Korea. "
    two = archive.add_article(article(2, spaced))
    other = archive.add_article(article(3, "Harga beras naik."))
    clusters = {a.id: a.cluster_id for a in archive.articles_after(0)}
    assert clusters == {one: one, two: one, other: other}


def _match(archive: Archive, article_id: int, rule: str = "r",
           destinations: tuple[str, ...] = ("chat",)) -> int:
    return archive.record_matches("test", article_id, [
        NewMatch(article_id, rule, ("PMI",), "…**PMI**…", destinations)])


def test_matches_and_alerts_are_queued_once(archive: Archive) -> None:
    archive.add_article(article(1, "PMI diberangkatkan"))
    assert _match(archive, 1) == 1
    assert _match(archive, 1) == 0
    assert archive.cursor("test") == 1
    assert archive.alert_counts() == {"pending": 1}


def test_one_alert_per_story_and_destination(archive: Archive) -> None:
    archive.add_article(article(1, "PMI diberangkatkan ke Korea"))
    archive.add_article(article(2, "PMI diberangkatkan ke Korea"))
    assert _match(archive, 1, destinations=("chat", "team")) == 2
    assert _match(archive, 1, rule="other") == 0  # a second rule: the same message
    assert _match(archive, 2, destinations=("chat", "team")) == 0  # the syndicated copy
    (chat,) = archive.alerts(ids=[a.id for a in archive.alerts() if a.destination == "chat"])
    assert chat.rules == ("other", "r")
    assert chat.terms == ("PMI",)


def test_a_claim_is_a_lease(archive: Archive) -> None:
    archive.add_article(article(1, "PMI"))
    _match(archive, 1)
    now = "2030-01-01T00:00:00+00:00"
    claimed = archive.claim_due_alerts(now, lease_until="2030-01-01T00:05:00+00:00")
    assert [a.status for a in claimed] == ["sending"]
    assert archive.claim_due_alerts(now, lease_until=FUTURE) == []
    # The sender died without reporting: once the lease is over the alert is due again.
    retaken = archive.claim_due_alerts("2030-01-01T00:06:00+00:00", lease_until=FUTURE)
    assert [a.id for a in retaken] == [claimed[0].id]


def test_attempts_move_alerts_through_their_states(archive: Archive) -> None:
    archive.add_article(article(1, "PMI"))
    _match(archive, 1)
    (alert,) = archive.claim_due_alerts(FUTURE, lease_until=FUTURE)
    archive.record_attempt(alert.id, AttemptResult("retry", 12, 429, "HTTP 429", FUTURE))
    assert archive.alerts()[0].status == "pending"
    archive.record_attempt(alert.id, AttemptResult("dead", 5, 400, "HTTP 400"))
    (failed,) = archive.alerts(status="failed")
    assert (failed.attempts, failed.last_error) == (2, "HTTP 400")
    assert archive.retry_alert(alert.id, PAST)
    archive.record_attempt(alert.id, AttemptResult("sent", 7, 200))
    (sent,) = archive.alerts(status="sent")
    assert sent.sent_at is not None
    assert not archive.retry_alert(alert.id, PAST)
    assert archive.counts()["attempts"] == 3


def test_search_filters_by_date_and_source(archive: Archive) -> None:
    archive.add_article(article(1, "PMI ke Jepang", published_at="2026-11-20T10:00:00+07:00"))
    archive.add_article(article(2, "PMI ke Korea", published_at="2026-10-01T10:00:00+07:00",
                                source="other"))
    assert [h.id for h in archive.search('"PMI"', since="2026-11-01")] == [1]
    assert [h.id for h in archive.search('"PMI"', until="2026-11-01")] == [2]
    assert [h.id for h in archive.search('"PMI"', sources=["other"])] == [2]
    (hit,) = archive.search('"jepang"')
    assert "**Jepang**" in hit.snippet


def test_a_broken_fts_query_is_an_archive_error(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="refused"):
        archive.search('"unclosed')
