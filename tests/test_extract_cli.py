"""``pantau extract``: one page from a file or from a URL on a loopback server, as JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from pantau.cli import cli

PAGE = ("""<html lang="id"><head><title>PMI Berangkat ke Jepang | Republika Online</title>
<meta property="article:published_time" content="2026-06-22T14:05:00+07:00">
<meta name="author" content="Rina Oktaviani"></head><body><article>
<h1>PMI Berangkat ke Jepang</h1>""" + "".join(
    f"<p>Rombongan ke-{n} pekerja migran Indonesia berangkat ke Jepang untuk bekerja di "
    "sektor perawatan lansia, kata pejabat kementerian.</p>" for n in range(6))
        + "<p>Baca juga: Menaker lepas PMI ke Korea</p></article></body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.path == "/berita/1"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE if found else b"not found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_is_fetched_and_printed_as_json(server: str) -> None:
    result = CliRunner().invoke(cli, ["extract", f"{server}/berita/1", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["title"] == "PMI Berangkat ke Jepang"
    assert shown["published"] == "2026-06-22T14:05:00+07:00"
    assert shown["language"] == "id"
    assert shown["author"] == "Rina Oktaviani"
    assert shown["url"] == f"{server}/berita/1"
    assert "Baca juga" not in shown["text"]


def test_a_file_takes_its_url_from_the_option(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    result = CliRunner().invoke(cli, ["extract", str(path), "--url", "https://r.example/1",
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["url"] == "https://r.example/1"


def test_a_page_without_an_article_gives_null_fields_and_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    result = CliRunner().invoke(cli, ["extract", str(path), "--json"])
    assert result.exit_code == 1
    shown = json.loads(result.stdout)
    assert shown["title"] is None and shown["published"] is None
    assert "no article text found" in result.stderr


@pytest.mark.parametrize("tail", ["/hilang", ":1/berita/1"])
def test_an_unreachable_page_is_a_one_line_error(server: str, tail: str) -> None:
    address = f"{server}{tail}" if tail.startswith("/") else f"http://127.0.0.1{tail}"
    result = CliRunner().invoke(cli, ["extract", address])
    assert result.exit_code == 1
    assert address in result.output
