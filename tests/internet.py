"""A small loopback internet for crawl tests: sites with feeds, sitemaps, listings, JSON
endpoints, conditional GET, and the ways real hosts misbehave (429 with Retry-After, slowness,
redirect loops, broken gzip, wrong charsets, oversized pages)."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

NOW = datetime.now(UTC).replace(microsecond=0)
LAST_MODIFIED = format_datetime(NOW - timedelta(hours=1), usegmt=True)


@dataclass
class Reply:
    """What a route answers."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    conditional: bool = False  # answer 304 to a matching If-None-Match / If-Modified-Since


Route = Callable[[str, dict[str, str]], Reply]


@dataclass
class Hit:
    """One request a site received."""

    path: str
    headers: dict[str, str]
    at: float
    status: int = 0
    size: int = 0


class Site:
    """One host on loopback: routes from path (with query) to replies; every hit recorded."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.connections = 0  # TCP connections accepted: a keep-alive client reuses them
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, path: str, reply: Reply | Route) -> None:
        if callable(reply):
            self.routes[path] = reply
            return
        fixed = reply

        def always(_path: str, _headers: dict[str, str]) -> Reply:
            return fixed

        self.routes[path] = always

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def serve(self) -> None:
        """Serve in this thread until the process ends (for a server in a child process)."""
        self._server.serve_forever(0.05)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, headers: dict[str, str]) -> Reply:
        route = self.routes.get(path) or self.routes.get(urlsplit(path).path)
        reply = route(path, headers) if route else Reply(b"<h1>404 Tidak ditemukan</h1>", 404,
                                                         {"Content-Type": "text/html"})
        if reply.conditional and reply.status == 200:
            etag = '"' + hashlib.sha1(reply.body).hexdigest()[:16] + '"'  # noqa: S324
            reply = Reply(reply.body, 200, {**reply.headers, "ETag": etag,
                                            "Last-Modified": LAST_MODIFIED}, reply.delay)
            if headers.get("if-none-match") == etag or (
                    "if-none-match" not in headers
                    and headers.get("if-modified-since") == LAST_MODIFIED):
                return Reply(b"", 304, {"ETag": etag})
        return reply

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def connected(self) -> None:
        with self._lock:
            self.connections += 1


class _QuietServer(ThreadingHTTPServer):
    """A server that does not print a traceback when a client hangs up (timeouts do)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that give up are part of the tests."""


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()  # once per connection, however many requests it carries
            site.connected()

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            hit = Hit(self.path, headers, time.monotonic())
            site.record(hit)  # on arrival: a test can see a request its slow answer holds up
            reply = site.answer(self.path, headers)
            if reply.delay:
                time.sleep(reply.delay)
            hit.status, hit.size = reply.status, len(reply.body)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up waiting (timeouts are part of the tests)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read Site.hits instead."""

    return Handler


def html(body: str, charset: str = "utf-8", **headers: str) -> Reply:
    """An HTML reply."""
    return Reply(body.encode(charset, errors="replace"),
                 headers={"Content-Type": f"text/html; charset={charset}", **headers})


def article_page(title: str, paragraphs: list[str], published: datetime | None = None,
                 canonical: str = "", extra: str = "") -> str:
    """A realistic Indonesian news article page."""
    when = f'<meta property="article:published_time" content="{published.isoformat()}">' \
        if published else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{title} - Warta Contoh</title>{when}{link}</head><body>
<nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav>
<article><h1>{title}</h1>{body}{extra}</article>
<footer>Hak cipta Warta Contoh 2026</footer></body></html>"""


def gzipped_truncated(text: str) -> Reply:
    """An HTML reply whose gzip stream is cut off half way."""
    packed = gzip.compress(text.encode())
    return Reply(packed[: len(packed) // 2], headers={"Content-Type": "text/html",
                                                      "Content-Encoding": "gzip"})
