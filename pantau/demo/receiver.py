"""A chat receiver on loopback that answers like a Slack incoming webhook.

The demo delivers its alerts here, and the tests use it to see exactly what Pantau sent and
how it reacts to Slack's answers: 200 ``ok``, 400 ``invalid_payload``, 404 for an unknown
webhook, and any scripted answer (429 with Retry-After, 500 ``rollup_error``) queued up front.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

WEBHOOK_PATH = "/services/T0PANTAU/B0DEMO/"
MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """A scripted answer the receiver gives instead of its normal one."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


class ChatReceiver:
    """A Slack-like webhook receiver: start it, post to :attr:`webhook_url`, read
    :attr:`messages`."""

    def __init__(self, host: str = "127.0.0.1", token: str = "demo-secret-token") -> None:  # noqa: S107 - a demo
        self.token = token
        self.messages: list[dict[str, Any]] = []
        self.requests: list[tuple[str, int]] = []  # (path, status answered)
        self.scripted: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def webhook_url(self) -> str:
        """The secret URL a Slack workspace would hand out."""
        return f"{self.base_url}{WEBHOOK_PATH}{self.token}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, *answers: Answer) -> None:
        """Give these answers, in order, to the next requests."""
        with self._lock:
            self.scripted.extend(answers)

    def answer(self, path: str, body: bytes) -> Answer:
        """Slack's answer to a POST of ``body`` to ``path`` (recording accepted messages)."""
        with self._lock:
            if self.scripted:
                return self.scripted.popleft()
            if path != WEBHOOK_PATH + self.token:
                return Answer(404, "no_service")
            try:
                message = json.loads(body)
            except ValueError:
                return Answer(400, "invalid_payload")
            if not isinstance(message, dict) or not (message.get("text") or
                                                     message.get("blocks")):
                return Answer(400, "no_text")
            self.messages.append(message)
            return Answer(200, "ok")


def _handler_for(receiver: ChatReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(Answer(413, "request_too_large"))
                return
            self._send(receiver.answer(self.path, self.rfile.read(length)))

        def do_GET(self) -> None:
            self._send(Answer(405, "method_not_allowed"))

        def _send(self, answer: Answer) -> None:
            payload = answer.body.encode()
            with receiver._lock:  # before answering, so a client never sees it missing
                receiver.requests.append((self.path, answer.status))
            self.send_response(answer.status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the demo and the tests read :attr:`ChatReceiver.requests` instead."""

    return Handler
