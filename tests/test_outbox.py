"""The outbox end to end: an outage, a paced backlog, racing senders, broken destinations,
senders that died holding claims."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts import Destination, deliver_due
from pantau.demo.receiver import Answer
from storage import Archive
from storage.schema import MIGRATIONS
from tests.receivers import Receiver, Slack
from tests.test_delivery import LATER, deliver, queue


def slack(receiver: Receiver, name: str, per_minute: float = 60000) -> Destination:
    return Destination(name=name, type="slack", url=receiver.url, rate_per_minute=per_minute)


def links(receiver: Receiver) -> list[str]:
    return [m["blocks"][0]["elements"][0]["elements"][0]["url"] for m in receiver.messages]


def test_an_outage_loses_nothing_and_the_backlog_drains_paced(archive: Archive) -> None:
    count = 12
    # The service allows 20 requests a second with a burst of 2, and says 429 past that.
    with Receiver(Slack()) as up, Receiver(Slack(), rate=20, burst=2) as down:
        queue(archive, count, destinations=("down", "up"))
        down.script(Answer(503, "service_unavailable"))
        report = deliver(archive, slack(down, "down", per_minute=900), slack(up, "up"))
        assert len(up.messages) == count  # the other destination flowed
        assert down.statuses() == [503]  # one try, then the rest wait together
        assert report.sent == count and report.retry == 1
        waiting = archive.alerts(destination="down")
        assert {a.status for a in waiting} == {"pending"} and len(waiting) == count
        # The endpoint is back: the backlog goes at 15/s, under its limit, in order, once.
        report = deliver(archive, slack(down, "down", per_minute=900), now=LATER)
        assert report.sent == count
        assert 429 not in down.statuses()
        assert links(down) == [f"https://news.example/berita/{n}" for n in range(1, count + 1)]
    assert archive.alert_counts() == {"sent": 2 * count}


def test_an_unpaced_sender_meets_the_receivers_limit(archive: Archive) -> None:
    """The counterpart of the paced drain: the same receiver does refuse a storm."""
    with Receiver(Slack(), rate=20, burst=2) as service:
        queue(archive, 8)
        report = deliver(archive, slack(service, "chat", per_minute=60000))
        assert 429 in service.statuses()
        assert report.sent + report.retry == 8  # refused ones wait for their turn, none lost


def test_two_senders_racing_send_each_alert_once(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        queue(archive, 30)
    with Receiver(Slack()) as service:
        target = {"chat": slack(service, "chat")}

        def sender() -> None:
            with Archive.open(path) as own:
                asyncio.run(deliver_due(own, target))

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert Counter(links(service)).most_common(1)[0][1] == 1
        assert len(service.messages) == 30


def test_a_broken_destination_is_remembered_until_enabled(archive: Archive) -> None:
    with Receiver(Slack()) as good, Receiver(Slack()) as gone:
        gone.script(Answer(410, "channel_is_archived"))
        queue(archive, 3, destinations=("gone", "good"))
        report = deliver(archive, slack(gone, "gone"), slack(good, "good"))
        assert report.broken_destinations == {"gone"} and len(good.messages) == 3
        state = archive.destination_state("gone")
        assert state.status == "broken" and "410" in (state.broken_reason or "")
        # Later passes leave it alone; a person sees its alerts as needing attention.
        deliver(archive, slack(gone, "gone"), now=LATER)
        assert gone.statuses() == [410]
        held = archive.alerts(failed=True)
        assert len(held) == 3 and all(a.held and a.destination == "gone" for a in held)
        # Fixed: enabled again, its alerts go out.
        assert archive.enable_destination("gone")
        assert deliver(archive, slack(gone, "gone")).sent == 3
        assert archive.alerts(failed=True) == []


def test_alerts_for_a_destination_no_longer_configured_are_dead_lettered(
        archive: Archive) -> None:
    queue(archive, 1, destinations=("removed",))
    assert deliver(archive).failed == 1
    (alert,) = archive.alerts(failed=True)
    assert "no destination named 'removed'" in (alert.last_error or "")


def test_an_archive_of_the_first_version_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO articles (url, canonical_url, source, title, text,"
                     " first_seen_at, content_hash, cluster_id) VALUES ('u', 'u', 'news', 't',"
                     " 'PMI', '2026-11-01T00:00:00+00:00', 'h', 1)")
        conn.execute("INSERT INTO matches (article_id, rule, terms, snippet, matched_at)"
                     " VALUES (1, 'r', '[\"PMI\"]', '**PMI**', '2026-11-01T00:00:00+00:00')")
        conn.execute("INSERT INTO alerts (alert_key, match_id, destination, next_attempt_at,"
                     " created_at) VALUES ('k', 1, 'chat', '2026-11-01T00:00:00+00:00',"
                     " '2026-11-01T00:00:00+00:00')")
    conn.close()
    with Archive.open(path) as archive:
        assert archive.schema_version == len(MIGRATIONS)
        (alert,) = archive.alerts()
        assert (alert.alert_key, alert.rules, alert.digest_key, alert.held) == (
            "k", ("r",), None, False)
        assert [s.name for s in archive.destination_states()] == ["chat"]


def test_a_429_with_a_short_retry_after_holds_the_destination_that_long(
        archive: Archive) -> None:
    with Receiver(Slack()) as service:
        service.script(Answer(429, "rate_limited", {"Retry-After": "2"}))
        queue(archive, 2)
        started = time.time()
        report = deliver(archive, slack(service, "chat"))
        assert (report.sent, report.retry) == (1, 1) and service.statuses() == [429, 200]
        (second,) = service.deliveries
        assert second.received_at - started >= 2  # nothing more went out before it was allowed
        refused = next(a for a in archive.alerts() if a.status == "pending")
        assert datetime.fromisoformat(refused.next_attempt_at) >= datetime.now(UTC)
        assert deliver(archive, slack(service, "chat"), now=LATER).sent == 1
        assert links(service) == [f"https://news.example/berita/{n}" for n in (2, 1)]


def test_a_dead_senders_claims_go_out_at_once_when_no_sender_is_alive(
        archive: Archive) -> None:
    """A sender killed mid-pass leaves its claims marked sending under a five-minute lease;
    the next sender, finding itself alone, sends them now instead of in five minutes."""
    queue(archive, 3)
    now = datetime.now(UTC)
    claimed = archive.claim_due_alerts(now.isoformat(), (now + timedelta(minutes=5)).isoformat())
    assert len(claimed) == 3  # ... and the process that claimed them died here
    with Receiver(Slack()) as service:
        assert deliver(archive, slack(service, "chat")).sent == 3
        assert len(service.messages) == 3


def test_a_live_senders_claims_are_left_to_it_until_their_lease_ends(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive, Archive.open(path) as other:
        queue(archive, 2)
        now = datetime.now(UTC)
        with other.sending(now.isoformat()) as taken_back:  # another sender, still running
            assert taken_back == 0
            other.claim_due_alerts(now.isoformat(), (now + timedelta(minutes=5)).isoformat())
            with Receiver(Slack()) as service:
                assert deliver(archive, slack(service, "chat")).sent == 0
                # Its lease is the only limit while it lives: once that has passed, they go.
                later = now + timedelta(minutes=6)
                assert deliver(archive, slack(service, "chat"), now=later).sent == 2
                assert len(service.messages) == 2


def test_the_lease_is_a_setting_of_delivery(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        queue(archive, 1)
    with Receiver(Slack(), latency=0.5) as service, Archive.open(path) as watcher:
        started = datetime.now(UTC)

        def sender() -> None:
            with Archive.open(path) as own:
                asyncio.run(deliver_due(own, {"chat": slack(service, "chat")},
                                        lease=timedelta(seconds=90)))

        thread = threading.Thread(target=sender)
        thread.start()
        claims: list[str] = []
        while not claims and thread.is_alive():  # look while the request is in flight
            claims = [a.next_attempt_at for a in watcher.alerts(status="sending")]
        thread.join()
        (until,) = claims
        assert timedelta(seconds=85) <= datetime.fromisoformat(until) - started \
            <= timedelta(seconds=100)
        assert watcher.alert_counts() == {"sent": 1}
