"""Every kind of destination against a loopback receiver that answers like the service."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from alerts import Destination
from alerts.delivery import send_bundle
from alerts.formats import single
from pantau.demo.receiver import Answer
from storage import Archive
from tests.receivers import (
    Discord,
    GoogleChat,
    Mattermost,
    Receiver,
    Service,
    SignedWebhook,
    Slack,
    Teams,
    Telegram,
)
from tests.test_delivery import HOSTILE_TITLE, deliver, queue

SERVICES: dict[str, type[Service]] = {
    "slack": Slack, "discord": Discord, "telegram": Telegram, "teams": Teams,
    "mattermost": Mattermost, "googlechat": GoogleChat, "webhook": SignedWebhook}


def destination(kind: str, receiver: Receiver, **fields: object) -> Destination:
    url = receiver.url + ("?key=k&token=t" if kind == "googlechat" else "")
    extra: dict[str, object] = {"chat_id": "-100"} if kind == "telegram" else {}
    if kind == "webhook":
        extra["secret"] = SignedWebhook.secret
    extra.update(fields)
    return Destination(name="chat", type=kind, url=url, rate_per_minute=60000,
                       **extra)  # type: ignore[arg-type]


@pytest.fixture(params=list(SERVICES))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def service(kind: str) -> Iterator[Receiver]:
    with Receiver(SERVICES[kind]()) as running:
        yield running


def visible(kind: str, message: object) -> str:
    """Every string in a message, joined (what it can show)."""
    if isinstance(message, dict):
        return "\n".join(visible(kind, value) for value in message.values())
    if isinstance(message, list):
        return "\n".join(visible(kind, value) for value in message)
    return message if isinstance(message, str) else ""


def test_every_kind_delivers_the_story_and_its_context(archive: Archive, kind: str,
                                                       service: Receiver) -> None:
    queue(archive, 1)
    report = deliver(archive, destination(kind, service))
    assert (report.sent, report.failed, report.retry) == (1, 0, 0), service.requests
    (message,) = service.messages
    shown = visible(kind, message).replace("\\", "")  # markdown escapes aside
    assert "https://news.example/berita/1" in shown  # the linked title
    assert "27 Nov 2026 14:30 WIB" in shown
    assert "pekerja-migran" in shown and "dipulangkan" in shown  # rule and terms
    assert "news" in shown  # the source
    assert archive.alerts()[0].status == "sent"


def test_no_kind_lets_a_headline_ping_or_format(archive: Archive, kind: str,
                                                service: Receiver) -> None:
    queue(archive, 1)
    deliver(archive, destination(kind, service))
    shown = visible(kind, service.messages[0])
    if kind in ("slack", "teams", "webhook"):  # news text sits in literal fields only
        assert HOSTILE_TITLE in shown
        if kind == "slack":
            assert "<!channel>" not in service.messages[0]["text"]
    elif kind in ("discord", "mattermost"):
        assert "<!channel>" not in shown and "@everyone" not in shown
        assert r"\[x\]\(http" in shown and r"\*PMI\*" in shown
    else:  # telegram, googlechat: HTML
        assert "<b>dipulangkan</b>" not in shown and "&lt;b&gt;dipulangkan" in shown
        assert "&lt;!channel&gt;" in shown
    if kind == "discord":
        assert service.messages[0]["allowed_mentions"] == {"parse": []}


def test_a_200_kb_story_reaches_every_kind_within_its_limits(archive: Archive, kind: str,
                                                             service: Receiver) -> None:
    huge = "Pekerja migran <b>&amp; *dipulangkan* 👨‍👩‍👧 " * 5000  # about 200 KB
    queue(archive, 1, title=huge, snippet=huge + " **PMI** " + huge)
    report = deliver(archive, destination(kind, service))
    assert report.sent == 1, service.requests  # each receiver checks its platform's limits
    assert "https://news.example/berita/1" in visible(kind, service.messages[0])


def test_emoji_rtl_and_control_characters_arrive_clean(archive: Archive, kind: str,
                                                       service: Receiver) -> None:
    title = "PMI 👨‍👩‍👧 🇮🇩 مرحبا بالعمال \u202egpj.exe\x00\x07 kafe\u0301 \u200fעברית"
    queue(archive, 1, title=title, snippet="**PMI** تم ترحيل 🇲🇾\x1b[31m merah")
    assert deliver(archive, destination(kind, service)).sent == 1, service.requests
    shown = visible(kind, service.messages[0])
    for kept in ("👨‍👩‍👧", "🇮🇩", "مرحبا بالعمال", "kafe\u0301", "עברית", "تم ترحيل", "🇲🇾"):
        assert kept in shown, kept
    for dropped in ("\u202e", "\x00", "\x07", "\x1b"):
        assert dropped not in shown, repr(dropped)


def test_discord_rate_limit_body_is_honoured(archive: Archive) -> None:
    with Receiver(Discord()) as service:
        service.script(Discord().rate_limited(90.5))
        queue(archive, 1)
        assert deliver(archive, destination("discord", service)).retry == 1
    (alert,) = archive.alerts()
    waited = datetime.fromisoformat(alert.next_attempt_at) - datetime.now(UTC)
    assert waited.total_seconds() > 85
    assert "retry_after" in (alert.last_error or "")


def test_discord_unknown_webhook_marks_the_destination_broken(archive: Archive) -> None:
    with Receiver(Discord()) as service:
        queue(archive, 2)
        broken = Destination(name="chat", type="discord", url=service.url + "-revoked")
        report = deliver(archive, broken)
        assert report.broken_destinations == {"chat"}
        assert service.statuses() == [404]
    assert archive.destination_state("chat").status == "broken"
    assert [a.held for a in archive.alerts()] == [True, True]


def test_telegram_retry_after_in_parameters(archive: Archive) -> None:
    with Receiver(Telegram()) as service:
        service.script(Telegram().rate_limited(75))
        queue(archive, 1)
        assert deliver(archive, destination("telegram", service)).retry == 1
    (alert,) = archive.alerts()
    waited = datetime.fromisoformat(alert.next_attempt_at) - datetime.now(UTC)
    assert waited.total_seconds() > 70


def test_telegram_group_migrated_to_a_supergroup(archive: Archive) -> None:
    with Receiver(Telegram()) as service:
        queue(archive, 2)
        report = deliver(archive, destination("telegram", service, chat_id="-42"))
        assert report.sent == 2
        assert service.statuses() == [400, 200, 200]  # asked once, then sent where it moved
    assert archive.destination_state("chat").chat_id == "-100"


def test_telegram_unparseable_html_falls_back_to_plain_text(archive: Archive,
                                                            tmp_path: Path) -> None:
    template = tmp_path / "broken.j2"
    template.write_text("<u>{{ title }}", encoding="utf-8")  # a user's template, unclosed
    with Receiver(Telegram()) as service:
        queue(archive, 1)
        sent = deliver(archive, destination("telegram", service, template=str(template)))
        assert sent.sent == 1
        assert service.statuses() == [400, 200]
        assert "parse_mode" not in service.messages[0]
        assert service.messages[0]["text"].startswith("<!channel>")


def test_teams_202_is_success(archive: Archive) -> None:
    with Receiver(Teams()) as service:
        queue(archive, 1)
        assert deliver(archive, destination("teams", service)).sent == 1
        assert service.statuses() == [202]
        card = service.messages[0]["attachments"][0]["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"


def test_google_chat_message_id_makes_a_resend_harmless(archive: Archive) -> None:
    """A crash between the service's 200 and our commit: the resend is refused as a duplicate
    (409) and counted as delivered, so the space shows the story once."""
    with Receiver(GoogleChat()) as service:
        queue(archive, 1)
        target = destination("googlechat", service)
        (alert,) = archive.alerts()

        async def send_without_recording() -> None:
            async with httpx.AsyncClient() as http:
                await send_bundle(archive, target, single(alert, "Asia/Jakarta"), http)

        asyncio.run(send_without_recording())
        assert deliver(archive, target).sent == 1
        assert service.statuses() == [200, 409]
        assert len(service.messages) == 1


def test_signed_webhook_carries_a_stable_id_and_a_valid_signature(archive: Archive) -> None:
    with Receiver(SignedWebhook()) as service:
        service.script(Answer(503, "busy"))
        queue(archive, 1)
        target = destination("webhook", service)
        deliver(archive, target)
        deliver(archive, target, now=datetime(2100, 1, 1, tzinfo=UTC))
        assert service.statuses() == [503, 204]  # the receiver checked the signature
        (alert,) = archive.alerts()
        assert service.headers[0]["webhook-id"] == alert.alert_key
        assert service.headers[0]["webhook-signature"].startswith("v1,")
        assert service.messages[0]["id"] == alert.alert_key


def test_a_wrong_signing_secret_is_refused(archive: Archive) -> None:
    other = "whsec_" + "A" * 44
    with Receiver(SignedWebhook()) as service:
        queue(archive, 1)
        report = deliver(archive, destination("webhook", service, secret=other))
        assert report.broken_destinations == {"chat"} and service.statuses() == [401]


@pytest.mark.parametrize("secret", ["abc", "whsec_!!", "whsec_" + "QUFB" * 2])
def test_bad_signing_secrets_are_refused_on_load(secret: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        Destination(name="x", type="webhook", url="https://example.org/", secret=secret)


def test_telegram_needs_a_chat() -> None:
    with pytest.raises(ValueError, match="chat_id"):
        Destination(name="x", type="telegram", url="https://api.telegram.org/botT/sendMessage")
