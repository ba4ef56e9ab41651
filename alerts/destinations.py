"""Destinations: the chats alerts go to, and how each kind is addressed and answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from alerts.formats import slack_message, webhook_message
from storage import Alert

KINDS = ("slack", "webhook")
# Messages per minute each kind accepts before it starts answering 429.
DEFAULT_RATE = {"slack": 60.0, "webhook": 120.0}


@dataclass(frozen=True)
class Destination:
    """A chat or endpoint to alert (``[[destinations]]`` in pantau.toml).

    The URL is a secret (a Slack webhook URL is a password): it is never logged, printed or
    written to the archive; alerts name the destination instead.
    """

    name: str = field(metadata={"help": "short identifier that rules refer to"})
    type: str = field(metadata={"help": "slack or webhook"})
    url: str = field(repr=False, metadata={"help": "the webhook URL; use ${ENV_VAR}"})
    rate_per_minute: float = field(
        default=0.0, metadata={"help": "messages per minute at most (0: the service's own)"})
    timeout: float = field(default=15.0, metadata={"help": "seconds to wait for an answer"})

    def __post_init__(self) -> None:
        if self.type not in KINDS:
            raise ValueError(f"unknown type {self.type!r}; choose one of {', '.join(KINDS)}")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an http(s) URL")

    @property
    def interval(self) -> float:
        """Seconds to leave between two messages to this destination."""
        rate = self.rate_per_minute or DEFAULT_RATE[self.type]
        return 60.0 / rate

    @property
    def redacted_url(self) -> str:
        """The URL with everything secret removed, for messages to people."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}/…"

    def message(self, alert: Alert, timezone: str) -> dict[str, Any]:
        """The JSON body that carries ``alert`` to this destination."""
        return slack_message(alert, timezone) if self.type == "slack" else webhook_message(alert)

    def accepted(self, response: httpx.Response) -> bool:
        """Whether the service says it took the message (Slack: 200 with body ``ok``)."""
        return SUCCESS[self.type](response)


SUCCESS: dict[str, Callable[[httpx.Response], bool]] = {
    "slack": lambda response: response.status_code == 200 and response.text.strip() == "ok",
    "webhook": lambda response: 200 <= response.status_code < 300,
}
