"""Delivery against a real Slack-like receiver on loopback: answers, retries, isolation."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts import DeliveryReport, Destination, deliver_due
from pantau.demo.receiver import Answer, ChatReceiver
from storage import Archive, NewMatch
from tests.conftest import article

HOSTILE_TITLE = "<!channel> *PMI* <b>dipulangkan</b> & [x](http://evil.example) @everyone"
LATER = datetime.now(UTC) + timedelta(days=1)  # by then every backoff is over


def queue(archive: Archive, count: int = 1, destinations: tuple[str, ...] = ("chat",),
          first: int = 1, **fields: Any) -> None:
    """Archive ``count`` distinct stories and queue an alert for each to ``destinations``."""
    for number in range(first, first + count):
        title = HOSTILE_TITLE if number == 1 else f"Berita {number}"
        added = archive.add_article(article(
            number, f"Berita {number}: PMI dipulangkan dari Malaysia",
            title=fields.get("title", title), published_at="2026-11-27T07:30:00+00:00"))
        assert added is not None
        archive.record_matches("test", added, [NewMatch(
            added, "pekerja-migran", ("PMI", "dipulangkan"),
            fields.get("snippet", "**PMI** dipulangkan"), destinations)])


def slack(receiver: ChatReceiver, name: str = "chat") -> Destination:
    return Destination(name=name, type="slack", url=receiver.webhook_url, rate_per_minute=60000)


def deliver(archive: Archive, *destinations: Destination,
            now: datetime | None = None) -> DeliveryReport:
    return asyncio.run(deliver_due(archive, {d.name: d for d in destinations}, now=now))


def test_alerts_arrive_as_slack_messages_with_news_text_inert(archive: Archive,
                                                              receiver: ChatReceiver) -> None:
    queue(archive, 2)
    report = deliver(archive, slack(receiver))
    assert (report.sent, report.failed) == (2, 0)
    assert archive.alert_counts() == {"sent": 2}
    first = receiver.messages[0]
    rich = first["blocks"][0]
    assert rich["type"] == "rich_text"  # shown literally: no mrkdwn, no mentions
    link, meta, *snippet = rich["elements"][0]["elements"]
    assert link == {"type": "link", "url": "https://news.example/berita/1",
                    "text": HOSTILE_TITLE, "style": {"bold": True}}
    assert "27 Nov 2026 14:30 WIB" in meta["text"]
    assert snippet[0] == {"type": "text", "text": "PMI", "style": {"bold": True}}
    assert "<!channel>" not in first["text"] and "&lt;!channel&gt;" in first["text"]
    assert "dipulangkan" in first["blocks"][1]["elements"][0]["text"]
    # A second pass has nothing left to send.
    assert deliver(archive, slack(receiver)).sent == 0
    assert len(receiver.messages) == 2


def test_rate_limit_is_retried_after_retry_after(archive: Archive,
                                                 receiver: ChatReceiver) -> None:
    queue(archive)
    receiver.script(Answer(429, "rate_limited", {"Retry-After": "120"}))
    report = deliver(archive, slack(receiver))
    assert report.retry == 1
    (alert,) = archive.alerts()
    assert alert.status == "pending" and alert.last_error == "HTTP 429: rate_limited"
    due = datetime.fromisoformat(alert.next_attempt_at)
    assert due >= datetime.now(UTC) + timedelta(seconds=115)


def test_a_500_is_retried_and_then_sent(archive: Archive, receiver: ChatReceiver) -> None:
    queue(archive)
    receiver.script(Answer(500, "rollup_error"))
    assert deliver(archive, slack(receiver)).retry == 1
    assert deliver(archive, slack(receiver)).sent == 0  # not due yet: backoff
    assert deliver(archive, slack(receiver), now=LATER).sent == 1
    (alert,) = archive.alerts()
    assert (alert.status, alert.attempts) == ("sent", 2)
    assert [status for _, status in receiver.requests] == [500, 200]


def test_a_400_fails_that_alert_only(archive: Archive, receiver: ChatReceiver) -> None:
    queue(archive, 2)
    receiver.script(Answer(400, "invalid_payload"))
    report = deliver(archive, slack(receiver))
    assert (report.sent, report.failed) == (1, 1)
    assert sorted(a.status for a in archive.alerts()) == ["failed", "sent"]


def test_a_redirect_is_not_followed(archive: Archive, receiver: ChatReceiver) -> None:
    queue(archive)
    receiver.script(Answer(302, "", {"Location": "http://127.0.0.1:9/elsewhere"}))
    assert deliver(archive, slack(receiver)).failed == 1
    assert len(receiver.requests) == 1
    assert "not followed" in (archive.alerts()[0].last_error or "")


def test_an_unreachable_endpoint_keeps_the_alert(archive: Archive) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    queue(archive)
    dead = Destination(name="chat", type="slack", url=f"http://127.0.0.1:{port}/hooks/secret")
    assert deliver(archive, dead).retry == 1
    (alert,) = archive.alerts()
    assert alert.status == "pending" and "ConnectError" in (alert.last_error or "")
    assert "secret" not in (alert.last_error or "")


def test_a_read_timeout_is_retried(archive: Archive) -> None:
    with socket.socket() as sock:  # accepts the connection, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hooks/secret"
        queue(archive)
        slow = Destination(name="chat", type="slack", url=url, timeout=0.2)
        assert deliver(archive, slow).retry == 1
    assert "Timeout" in (archive.alerts()[0].last_error or "")


def test_webhook_secrets_never_reach_the_archive(archive: Archive,
                                                 receiver: ChatReceiver) -> None:
    queue(archive)
    receiver.script(Answer(500, "rollup_error"))
    deliver(archive, slack(receiver))
    archive.close()
    assert receiver.token.encode() not in archive.path.read_bytes()
