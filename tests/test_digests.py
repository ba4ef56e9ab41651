"""Digests: schedules, one message per slot grouped by rule, nothing sent twice; the CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alerts import Destination, Schedule, deliver_digests
from pantau.demo.receiver import Answer
from storage import Archive, NewMatch
from tests.conftest import article
from tests.receivers import Receiver, Slack, Telegram
from tests.test_delivery import deliver, queue
from tests.test_e2e import run

# 27 Nov 2100 (after anything queued), 09:00 WIB: the day's 08:00 slot has passed.
NINE = datetime(2100, 11, 27, 2, 0, tzinfo=UTC)
TEN = datetime(2100, 11, 27, 3, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2100, 11, 28, 1, 5, tzinfo=UTC)


def test_schedules_name_their_last_slot() -> None:
    daily = Schedule.parse("daily 08:00")
    assert daily.last_slot(NINE, "Asia/Jakarta").isoformat() == "2100-11-27T08:00:00+07:00"
    twice = Schedule.parse("daily 17:00, 08:00 Asia/Makassar")
    assert twice.last_slot(NINE, "Asia/Jakarta").isoformat() == "2100-11-27T08:00:00+08:00"
    early = datetime(2100, 11, 27, 0, 30, tzinfo=UTC)  # 07:30 WIB: yesterday's slot
    assert daily.last_slot(early, "Asia/Jakarta").isoformat() == "2100-11-26T08:00:00+07:00"
    hourly = Schedule.parse("hourly")
    assert hourly.last_slot(NINE, "UTC").isoformat() == "2100-11-27T02:00:00+00:00"


@pytest.mark.parametrize("spec", ["daily", "daily 25:00", "weekly 08:00", "daily 08:00 Mars/Base"])
def test_bad_schedules_say_how_to_write_one(spec: str) -> None:
    with pytest.raises(ValueError, match="digest"):
        Schedule.parse(spec)


def digest_to(receiver: Receiver, kind: str = "slack", **fields: object) -> Destination:
    extra: dict[str, object] = {"chat_id": "-100"} if kind == "telegram" else {}
    return Destination(name="chat", type=kind, url=receiver.url, digest="daily 08:00",
                       **{**extra, **fields})  # type: ignore[arg-type]


def digest(archive: Archive, target: Destination, now: datetime, force: bool = False) -> int:
    report = asyncio.run(deliver_digests(archive, {target.name: target}, now=now, force=force,
                                         queries={"pekerja-migran": '"pekerja migran"'}))
    return report.digests


def test_a_digest_groups_by_rule_and_sends_nothing_twice(archive: Archive) -> None:
    with Receiver(Telegram()) as service:
        target = digest_to(service, "telegram")
        queue(archive, 3)
        added = archive.add_article(article(9, "Kapal ABK ditahan di Fiji", title="ABK ditahan"))
        assert added is not None
        archive.record_matches("test", added, [NewMatch(added, "abk", ("ABK",), "**ABK**",
                                                        ("chat",))])
        assert deliver(archive, target).sent == 0  # a digest destination gets no instant alert
        assert digest(archive, target, NINE) == 1
        (message,) = service.messages
        text = message["text"]
        assert text.index("abk") < text.index("pekerja-migran")  # one section per rule
        assert text.count("<a href=") == 4
        assert {a.status for a in archive.alerts()} == {"sent"}
        assert len({a.digest_key for a in archive.alerts()}) == 1
        # The slot is done: again at 09:00 or 10:00, nothing; a new story waits for tomorrow.
        assert digest(archive, target, NINE) == 0
        queue(archive, 1, first=20)
        assert digest(archive, target, TEN) == 0
        assert digest(archive, target, NEXT_MORNING) == 1
        assert len(service.messages) == 2 and service.messages[1]["text"].count("<a href=") == 1


def test_a_long_digest_ends_with_a_search_line(archive: Archive) -> None:
    with Receiver(Telegram()) as service:
        queue(archive, 80, title="Berita yang sangat panjang " * 8)
        assert digest(archive, digest_to(service, "telegram"), NINE) == 1
        text = service.messages[0]["text"]
        assert "more in pekerja-migran: pantau search" in text
        assert "&#x27;&quot;pekerja migran&quot;&#x27; --since" in text
    assert archive.alert_counts() == {"sent": 80}  # all of them: the search line covers the rest


def test_a_failed_digest_is_retried_whole(archive: Archive) -> None:
    with Receiver(Slack()) as service:
        service.script(Answer(500, "rollup_error"))
        queue(archive, 2)
        target = digest_to(service)
        assert digest(archive, target, NINE) == 0
        assert {a.status for a in archive.alerts()} == {"pending"}
        assert digest(archive, target, NEXT_MORNING) == 1
        assert service.statuses() == [500, 200]
    assert archive.alert_counts() == {"sent": 2}


def test_the_cli_shows_destinations_sends_digests_and_tests(tmp_path: Path) -> None:
    with Receiver(Slack()) as service, Receiver(Slack()) as gone:
        gone.script(Answer(404, "channel_not_found"))
        config = tmp_path / "pantau.toml"
        config.write_text(f"""
[pantau]
archive = "archive.db"
rule_packs = []

[[rules]]
name = "pekerja-migran"
query = "PMI"

[[destinations]]
name = "chat"
type = "slack"
url = "{service.url}"
digest = "daily 08:00"

[[destinations]]
name = "gone"
type = "slack"
url = "{gone.url}"
""", encoding="utf-8")
        with Archive.open(tmp_path / "archive.db") as archive:
            queue(archive, 2, destinations=("chat", "gone"))
        sent = run("-c", str(config), "alerts", "send")
        assert "destination gone is broken" in sent.stderr, sent.stderr
        listed = run("-c", str(config), "destinations", "list")
        assert "broken" in listed.stdout and "digest daily 08:00" in listed.stdout
        failed = run("-c", str(config), "alerts", "list", "--failed")
        assert "held (destination broken)" in failed.stdout
        digested = run("-c", str(config), "alerts", "digest", "--force")
        assert "1 digests sent" in digested.stdout, digested.stderr
        enabled = run("-c", str(config), "destinations", "enable", "gone")
        assert "enabled" in enabled.stdout
        assert "2" in run("-c", str(config), "alerts", "send").stdout
        tested = run("-c", str(config), "alerts", "test", "chat")
        assert tested.returncode == 0 and "sent" in tested.stdout
        assert len(service.messages) == 2 and len(gone.messages) == 2
