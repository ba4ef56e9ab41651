"""Destinations: the chats alerts go to, how each kind is addressed, and what its answers mean."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from alerts.formats import Bundle, render
from alerts.schedule import Schedule
from alerts.templates import story_template
from storage import DestinationState

KINDS = ("slack", "discord", "telegram", "teams", "mattermost", "googlechat", "webhook")
# Messages per minute each kind accepts before it answers 429: Slack about 1/s per webhook,
# Telegram 20/min in a group, Google Chat 60/min per space, Discord 30/min per channel (its
# headers say more, and are obeyed).
DEFAULT_RATE = {"slack": 60.0, "discord": 30.0, "telegram": 20.0, "teams": 30.0,
                "mattermost": 60.0, "googlechat": 60.0, "webhook": 120.0}
BROKEN_STATUSES = {401, 403, 404, 410}
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Destination:
    """A chat or endpoint to alert (``[[destinations]]`` in pantau.toml).

    The URL (and a Telegram bot token in it, a signing secret) is a secret: it is never logged,
    printed or written to the archive; alerts name the destination instead.
    """

    name: str = field(metadata={"help": "short identifier that rules refer to"})
    type: str = field(metadata={"help": ", ".join(KINDS)})
    url: str = field(repr=False, metadata={
        "help": "the webhook URL (Telegram: https://api.telegram.org/bot<TOKEN>/sendMessage);"
                " use ${ENV_VAR}"})
    chat_id: str = field(default="", metadata={"help": "Telegram: the chat to post to"})
    secret: str = field(default="", repr=False, metadata={
        "help": "webhook: a Standard Webhooks signing secret (whsec_...); use ${ENV_VAR}"})
    digest: str = field(default="", metadata={
        "help": 'empty: one message per story at once; or a schedule such as "daily 08:00",'
                ' "daily 08:00,17:00 Asia/Jakarta", "hourly"'})
    template: str = field(default="", metadata={
        "help": "a Jinja2 file for the story text, relative to this file"
                " (docs/delivery.md)"})
    rate_per_minute: float = field(
        default=0.0, metadata={"help": "messages per minute at most (0: the service's own)"})
    timeout: float = field(default=15.0, metadata={"help": "seconds to wait for an answer"})

    def __post_init__(self) -> None:
        if self.type not in KINDS:
            raise ValueError(f"unknown type {self.type!r}; choose one of {', '.join(KINDS)}")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an http(s) URL")
        if self.type == "telegram" and not self.chat_id:
            raise ValueError("a telegram destination needs chat_id (the chat's numeric id or"
                             " @channelname)")
        if self.secret:
            signing_key(self.secret)
        if self.digest:
            Schedule.parse(self.digest)
        story_template(self.template)
        if self.rate_per_minute < 0 or self.timeout <= 0:
            raise ValueError("rate_per_minute must be >= 0 and timeout > 0")

    @property
    def interval(self) -> float:
        """Seconds to leave between two messages to this destination."""
        return 60.0 / (self.rate_per_minute or DEFAULT_RATE[self.type])

    @property
    def schedule(self) -> Schedule | None:
        """When this destination's digest goes out, or None if it is alerted at once."""
        return Schedule.parse(self.digest) if self.digest else None

    @property
    def redacted_url(self) -> str:
        """The URL with everything secret removed, for messages to people."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}/…"

    def request(self, bundle: Bundle, state: DestinationState | None = None, *,
                plain_text: bool = False) -> Request:
        """The HTTP request that carries ``bundle`` here."""
        body = render(self.type, bundle)
        url = httpx.URL(self.url)
        if self.type == "discord":
            url = url.copy_merge_params({"wait": "true"})
        elif self.type == "googlechat":
            # Chat refuses a second message with the same id (409): a resend cannot duplicate.
            url = url.copy_merge_params({"messageId": google_chat_id(bundle.key)})
        elif self.type == "telegram":
            body["chat_id"] = (state.chat_id if state and state.chat_id else self.chat_id)
            if plain_text:
                body["text"] = html.unescape(_TAG.sub("", body.pop("text")))
                body.pop("parse_mode")
        payload = json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if self.type == "webhook":
            headers.update(standard_webhook_headers(bundle.key, payload, self.secret))
        return Request(str(url), headers, payload)

    def verdict(self, response: httpx.Response) -> Verdict:
        """What the service's answer means: sent, retry, dead, broken, or resend differently."""
        status = response.status_code
        detail = f"HTTP {status}" + (f": {_short(response.text)}" if response.text.strip()
                                     else "")
        if _accepted(self.type, response):
            return Verdict("sent", f"HTTP {status}")
        if 300 <= status < 400:
            return Verdict("broken", f"{detail} (a redirect; not followed: fix the URL)")
        if status == 429 or status >= 500 or status == 408:
            return Verdict("retry", detail, wait=retry_after(response))
        if self.type == "googlechat" and status == 409:
            return Verdict("sent", f"{detail} (delivered before)")
        if self.type == "telegram" and status in (400, 403):
            return _telegram_verdict(response, detail)
        if status in BROKEN_STATUSES:
            return Verdict("broken", detail)
        return Verdict("dead", detail)


@dataclass(frozen=True)
class Request:
    """A prepared POST: where, which headers, which bytes."""

    url: str = field(repr=False)
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Verdict:
    """A service's answer, understood.

    ``outcome``: ``sent``; ``retry`` later (after ``wait`` seconds if the service said);
    ``dead`` (this message can never be delivered); ``broken`` (the destination refuses us);
    ``resend`` at once, to ``chat_id`` or as ``plain`` text.
    """

    outcome: str
    detail: str
    wait: float | None = None
    chat_id: str | None = None
    plain: bool = False


def _accepted(kind: str, response: httpx.Response) -> bool:
    status = response.status_code
    if kind in ("slack", "mattermost"):
        # Slack says exactly "ok"; a 200 with anything else is an error page in disguise.
        return status == 200 and (response.text.strip() == "ok" or kind == "mattermost")
    if kind == "telegram":
        return status == 200 and _json(response).get("ok") is True
    if kind == "teams":
        return status in (200, 202)  # 202: the flow started, which is all Teams tells
    if kind == "discord":
        return status in (200, 204)
    return 200 <= status < 300


def _telegram_verdict(response: httpx.Response, detail: str) -> Verdict:
    answer = _json(response)
    description = str(answer.get("description", ""))
    parameters = answer.get("parameters") or {}
    moved = parameters.get("migrate_to_chat_id") if isinstance(parameters, dict) else None
    if moved is not None:
        return Verdict("resend", f"{detail} (the group moved to {moved})", chat_id=str(moved))
    if "can't parse entities" in description:
        return Verdict("resend", f"{detail} (sent again as plain text)", plain=True)
    if response.status_code == 403 or "chat not found" in description:
        return Verdict("broken", detail)
    return Verdict("dead", detail)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the service asks us to wait: the ``Retry-After`` header (seconds or an HTTP
    date), Discord's ``retry_after`` or Telegram's ``parameters.retry_after`` in the body."""
    waits = [header_retry_after(response.headers.get("Retry-After"))]
    body = _json(response)
    waits.append(_number(body.get("retry_after")))
    parameters = body.get("parameters")
    if isinstance(parameters, dict):
        waits.append(_number(parameters.get("retry_after")))
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def header_retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` header's wait in seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _json(response: httpx.Response) -> dict[str, Any]:
    if "json" not in response.headers.get("Content-Type", ""):
        return {}
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _short(text: str) -> str:
    return " ".join(text.split())[:200]


def google_chat_id(key: str) -> str:
    """A Google Chat client message id from an alert key (``client-`` + [a-z0-9-], ≤ 63)."""
    return "client-" + re.sub(r"[^a-z0-9-]", "-", key.lower())[:56]


def signing_key(secret: str) -> bytes:
    """The key bytes of a Standard Webhooks secret (``whsec_`` + base64 of 24–64 bytes)."""
    if not secret.startswith("whsec_"):
        raise ValueError("secret must start with whsec_ (a Standard Webhooks secret)")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        raise ValueError("secret must be whsec_ followed by base64") from None
    if not 24 <= len(key) <= 64:
        raise ValueError(f"secret holds {len(key)} bytes; use 24 to 64 (e.g. 32 random bytes)")
    return key


def standard_webhook_headers(message_id: str, body: bytes, secret: str,
                             timestamp: int | None = None) -> dict[str, str]:
    """Standard Webhooks headers: the stable id, the time of this try, the signature (if a
    secret is set) over ``id.timestamp.body``."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"webhook-id": message_id, "webhook-timestamp": stamp}
    if secret:
        signed = f"{message_id}.{stamp}.".encode() + body
        digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
        headers["webhook-signature"] = "v1," + base64.b64encode(digest).decode()
    return headers
