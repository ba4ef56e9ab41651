"""Delivery against a real Slack-like receiver on loopback: answers, retries, isolation."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta

from alerts import Destination, deliver_due
from pantau.demo.receiver import Answer, ChatReceiver
from storage import Archive, NewMatch
from tests.conftest import article

HOSTILE_TITLE = "<!channel> *PMI* <b>dipulangkan</b> & [x](http://evil.example) @everyone"


def queue(archive: Archive, count: int = 1, destinations: tuple[str, ...] = ("chat",)) -> None:
    for number in range(1, count + 1):
        archive.add_article(article(number, f"Berita {number}: PMI dipulangkan dari Malaysia",
                                    title=HOSTILE_TITLE if number == 1 else f"Berita {number}",
                                    published_at="2026-11-27T07:30:00+00:00"))
        archive.record_matches("test", number, [NewMatch(
            number, "pekerja-migran", ("PMI", "dipulangkan"), "**PMI** dipulangkan",
            destinations)])


def slack(receiver: ChatReceiver, name: str = "chat") -> Destination:
    return Destination(name=name, type="slack", url=receiver.webhook_url, rate_per_minute=60000)


def deliver(archive: Archive, *destinations: Destination):  # type: ignore[no-untyped-def]
    return asyncio.run(deliver_due(archive, {d.name: d for d in destinations}))


def test_alerts_arrive_as_escaped_slack_messages(archive: Archive,
                                                 receiver: ChatReceiver) -> None:
    queue(archive, 2)
    report = deliver(archive, slack(receiver))
    assert (report.sent, report.failed) == (2, 0)
    assert archive.alert_counts() == {"sent": 2}
    first = receiver.messages[0]
    heading = first["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt;" in heading and "<!channel>" not in heading
    assert "&lt;b&gt;" in heading and "&amp;" in heading
    assert "27 Nov 2026 14:30 WIB" in heading
    assert "*PMI* dipulangkan" in first["blocks"][1]["text"]["text"]
    assert "`dipulangkan`" in first["blocks"][2]["elements"][0]["text"]
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


def test_server_errors_are_retried_and_client_errors_are_not(archive: Archive,
                                                             receiver: ChatReceiver) -> None:
    queue(archive, 2)
    receiver.script(Answer(500, "rollup_error"), Answer(400, "invalid_payload"))
    report = deliver(archive, slack(receiver))
    assert (report.retry, report.failed) == (1, 1)
    assert {a.status for a in archive.alerts()} == {"pending", "failed"}


def test_a_broken_destination_does_not_hold_up_the_others(archive: Archive) -> None:
    with ChatReceiver() as good, ChatReceiver(token="revoked") as gone:
        gone.script(Answer(404, "channel_not_found"))
        queue(archive, 3, destinations=("gone", "good"))
        broken = Destination(name="gone", type="slack", url=gone.webhook_url,
                             rate_per_minute=60000)
        report = deliver(archive, broken, slack(good, "good"))
        assert len(good.messages) == 3
        assert len(gone.requests) == 1  # it stopped trying after the 404
        assert report.broken_destinations == {"gone"}
        statuses = {(a.destination, a.status) for a in archive.alerts()}
        assert statuses == {("good", "sent"), ("gone", "failed"), ("gone", "pending")}


def test_a_redirect_is_not_followed(archive: Archive, receiver: ChatReceiver) -> None:
    queue(archive)
    receiver.script(Answer(302, "", {"Location": "http://127.0.0.1:9/elsewhere"}))
    assert deliver(archive, slack(receiver)).failed == 1
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


def test_webhook_secrets_never_reach_the_archive(archive: Archive,
                                                 receiver: ChatReceiver) -> None:
    queue(archive)
    receiver.script(Answer(500, "rollup_error"))
    deliver(archive, slack(receiver))
    archive.close()
    assert receiver.token.encode() not in archive.path.read_bytes()
