"""Loopback receivers that answer like the chat services: formats, limits, errors, rate limits.

Each :class:`Service` checks a request the way its platform does (what it refuses and how it
says so, from the platforms' documentation in the research notes); :class:`Receiver` serves one
on 127.0.0.1, records what it accepted, can be scripted to fail, and can enforce a rate limit
(a token bucket) by answering 429 the platform's way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from pantau.demo.receiver import Answer

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "tg-spoiler", "blockquote", "span"}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, json.dumps(data), {"Content-Type": "application/json",
                                             **(headers or {})})


class Service:
    """How one platform answers. ``accept`` returns the answer and whether it took the message."""

    path = "/hook/secret-token"

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        raise NotImplementedError

    def rate_limited(self, wait: float) -> Answer:
        return Answer(429, "rate_limited", {"Retry-After": f"{wait:.0f}"})

    def unknown(self) -> Answer:
        return Answer(404, "not_found")


class Slack(Service):
    path = "/services/T0/B0/slack-token"

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        blocks = body.get("blocks") or []
        if not (body.get("text") or blocks):
            return Answer(400, "no_text"), False
        if len(blocks) > 50 or any(len(str(b.get("text", {}).get("text", ""))) > 3000
                                   for b in blocks if isinstance(b.get("text"), dict)):
            return Answer(400, "invalid_blocks"), False
        return Answer(200, "ok"), True

    def unknown(self) -> Answer:
        return Answer(404, "no_service")


class Discord(Service):
    path = "/api/webhooks/123/discord-token"

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        embeds = body.get("embeds") or []
        total = sum(utf16(e.get("title", "")) + utf16(e.get("description", "")) for e in embeds)
        too_long = (len(embeds) > 10 or total > 6000 or utf16(body.get("content", "")) > 2000
                    or any(utf16(e.get("title", "")) > 256 or
                           utf16(e.get("description", "")) > 4096 for e in embeds))
        if too_long or not (embeds or body.get("content")):
            return _json(400, {"code": 50035, "message": "Invalid Form Body"}), False
        ok = _json(200, {"id": "1", "embeds": embeds}) if query.get("wait") == ["true"] else \
            Answer(204, "")
        return ok, True

    def rate_limited(self, wait: float) -> Answer:
        return _json(429, {"message": "You are being rate limited.", "retry_after": wait,
                           "global": False},
                     {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": str(wait)})

    def unknown(self) -> Answer:
        return _json(404, {"code": 10015, "message": "Unknown Webhook"})


class _VisibleText(HTMLParser):
    """Telegram's HTML parse mode: allowed tags only, balanced; collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.open: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.error = f"Unsupported start tag \"{tag}\""
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.error = f"Can't find end tag corresponding to start tag \"{tag}\""

    def handle_data(self, data: str) -> None:
        self.text += data


class Telegram(Service):
    path = "/bottelegram-token/sendMessage"

    def __init__(self) -> None:
        self.chats = {"-100": "ok", "-42": "migrated"}

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        chat = str(body.get("chat_id"))
        if self.chats.get(chat) is None:
            return self._error(400, "Bad Request: chat not found"), False
        if self.chats[chat] == "migrated":
            return self._error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                               migrate_to_chat_id=-100), False
        text = str(body.get("text", ""))
        if body.get("parse_mode") == "HTML":
            parser = _VisibleText()
            parser.feed(text)
            parser.close()
            if parser.error or parser.open:
                return self._error(400, "Bad Request: can't parse entities: " +
                                   (parser.error or "unclosed tag")), False
            text = parser.text
        if not 1 <= utf16(text) <= 4096:
            return self._error(400, "Bad Request: message is too long"), False
        return _json(200, {"ok": True, "result": {"message_id": 1, "text": text}}), True

    def _error(self, code: int, description: str, **parameters: Any) -> Answer:
        answer: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            answer["parameters"] = parameters
        return _json(code, answer)

    def rate_limited(self, wait: float) -> Answer:
        return self._error(429, f"Too Many Requests: retry after {wait:.0f}",
                           retry_after=max(1, round(wait)))

    def unknown(self) -> Answer:
        return self._error(404, "Not Found")


class Teams(Service):
    path = "/workflows/abc/triggers/manual/paths/invoke"

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        attachments = body.get("attachments") or []
        if body.get("type") != "message" or not attachments or attachments[0].get(
                "contentType") != "application/vnd.microsoft.card.adaptive":
            return _json(400, {"error": {"code": "InvalidRequestContent"}}), False
        if len(json.dumps(body, ensure_ascii=False).encode()) > 28_000:
            return _json(413, {"error": {"code": "MessageSizeTooBig"}}), False
        return Answer(202, ""), True


class Mattermost(Service):
    path = "/hooks/mattermost-key"

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        text = body.get("text", "")
        if not text or len(text) > 16383:
            return Answer(400, "Unable to parse incoming data"), False
        return Answer(200, "ok"), True


class GoogleChat(Service):
    path = "/v1/spaces/SPACE/messages"

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        if query.get("key") != ["k"] or query.get("token") != ["t"]:
            return self.unknown(), False
        (message_id,) = query.get("messageId", [""])
        if message_id in self.ids:
            return _json(409, {"error": {"code": 409, "status": "ALREADY_EXISTS"}}), False
        too_big = len(json.dumps(body, ensure_ascii=False).encode()) > 32_000
        if too_big or not (body.get("text") or body.get("cardsV2")):
            return _json(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}}), False
        self.ids.add(message_id)
        return _json(200, {"name": f"spaces/SPACE/messages/{message_id}"}), True

    def rate_limited(self, wait: float) -> Answer:
        return _json(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}})

    def unknown(self) -> Answer:
        return _json(404, {"error": {"code": 404, "status": "NOT_FOUND"}})


class SignedWebhook(Service):
    """A Standard Webhooks receiver: checks the signature and the timestamp's freshness."""

    path = "/pantau/inbox"
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()

    def __init__(self) -> None:
        self.raw: list[bytes] = []

    def verify(self, headers: dict[str, str], raw: bytes) -> bool:
        message_id = headers.get("webhook-id", "")
        stamp = headers.get("webhook-timestamp", "")
        if not message_id or not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
            return False
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        expected = base64.b64encode(hmac.new(key, f"{message_id}.{stamp}.".encode() + raw,
                                             hashlib.sha256).digest()).decode()
        given = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split()
                 if s.startswith("v1,")]
        return any(hmac.compare_digest(expected, signature) for signature in given)

    def accept(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: dict[str, Any]) -> tuple[Answer, bool]:
        return Answer(204, ""), True


@dataclass
class Delivery:
    """A message the receiver took: when (``time.time()``) it had read it, its headers and
    body, and when its answer had gone out (None until then, or if the client had gone)."""

    received_at: float
    headers: dict[str, str]
    body: dict[str, Any]
    answered_at: float | None = None


class Receiver:
    """A loopback HTTP server that answers as ``service`` does, ``latency`` seconds after it
    took a message (as a real service posts it before its answer reaches the sender)."""

    def __init__(self, service: Service, *, rate: float = 0.0, burst: int = 1,
                 latency: float = 0.0) -> None:
        self.service = service
        self.latency = latency
        self.messages: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.deliveries: list[Delivery] = []
        self.requests: list[tuple[str, int]] = []  # (path, status answered)
        self.scripted: deque[Answer] = deque()
        self.rate, self.burst = rate, burst  # requests per second allowed; 0: no limit
        self.tokens, self.refilled = float(burst), time.monotonic()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.service.path}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, *answers: Answer) -> None:
        """Give these answers, in order, to the next requests."""
        with self._lock:
            self.scripted.extend(answers)

    def statuses(self) -> list[int]:
        return [status for _, status in self.requests]

    def answer(self, target: str, headers: dict[str, str], raw: bytes) -> Answer:
        return self.receive(target, headers, raw)[0]

    def receive(self, target: str, headers: dict[str, str],
                raw: bytes) -> tuple[Answer, Delivery | None]:
        """The answer to a request, and the record of the message if it was taken."""
        parts = urlsplit(target)
        with self._lock:
            if self.scripted:
                return self.scripted.popleft(), None
            wait = self._take_token()
            if wait:
                return self.service.rate_limited(wait), None
            if parts.path != self.service.path:
                return self.service.unknown(), None
            if isinstance(self.service, SignedWebhook) and not self.service.verify(headers, raw):
                return Answer(401, "bad signature"), None
            try:
                body = json.loads(raw)
            except ValueError:
                return Answer(400, "invalid_payload"), None
            answer, taken = self.service.accept(parts.path, parse_qs(parts.query), headers, body)
            if not taken:
                return answer, None
            self.messages.append(body)
            self.headers.append(headers)
            self.deliveries.append(Delivery(time.time(), headers, body))
            return answer, self.deliveries[-1]

    def _take_token(self) -> float:
        """0 if the request is within the rate; else the seconds until it would be."""
        if not self.rate:
            return 0.0
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer, delivery = receiver.receive(self.path, headers, self.rfile.read(length))
            if receiver.latency:
                time.sleep(receiver.latency)
            try:
                self._send(answer)
            except (BrokenPipeError, ConnectionResetError):
                return  # the sender died waiting; the message is taken all the same
            if delivery is not None:
                delivery.answered_at = time.time()

        def _send(self, answer: Answer) -> None:
            payload = answer.body.encode()
            with receiver._lock:  # before answering, so a client never sees it missing
                receiver.requests.append((self.path, answer.status))
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read :attr:`Receiver.requests` instead."""

    return Handler
