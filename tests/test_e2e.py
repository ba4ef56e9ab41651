"""End to end: the real CLI in a subprocess, against the demo site and chat on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pantau.demo.receiver import ChatReceiver
from pantau.demo.site import DemoArticle, DemoSite
from storage import Archive

ROOT = Path(__file__).resolve().parents[1]
PANTAU = [sys.executable, "-m", "pantau.cli"]


def run(*args: str, env: dict[str, str] | None = None,
        cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PANTAU, *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, "COLUMNS": "200", **(env or {})},
                          check=False)


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:  # type: ignore[type-arg]
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    first = run("demo", "--db", str(db), "--json")
    assert first.returncode == 0, first.stderr
    second = run("demo", "--db", str(db), "--json")
    assert second.returncode == 0, second.stderr
    return db, json.loads(first.stdout), json.loads(second.stdout)


def test_demo_archives_the_sites_and_alerts_the_chat(demo_runs) -> None:  # type: ignore[no-untyped-def]
    db, first, _ = demo_runs
    assert first["articles"] >= 30
    assert first["alerts_sent"] > 0 and first["alerts_sent"] == first["messages_received"]
    assert first["archive"] == str(db)
    assert set(first["matches_by_rule"]) >= {"pekerja-migran", "perdagangan-orang"}


def test_every_migration_story_alerts_and_no_trap_does(demo_runs) -> None:  # type: ignore[no-untyped-def]
    db, _, _ = demo_runs
    stories = {a.slug: a for a in DemoSite().articles}
    with Archive.open(db) as archive:
        alerted = {slug_of(alert.url) for alert in archive.alerts(limit=10_000)}
        archived = {slug_of(a.url) for a in archive.articles_after(0, limit=10_000)}
    by_story: dict[str, list[DemoArticle]] = {}
    for article in stories.values():
        by_story.setdefault(article.story, []).append(article)
    for story, carriers in by_story.items():
        assert any(a.slug in archived for a in carriers), f"{story} was not archived"
        if any(a.migration for a in carriers):
            assert any(a.slug in alerted for a in carriers), f"no alert for {story}"
    traps = {a.slug for a in stories.values() if a.trap}
    assert traps and not traps & alerted


def test_a_second_demo_stores_and_sends_nothing_again(demo_runs) -> None:  # type: ignore[no-untyped-def]
    _, first, second = demo_runs
    assert second["new_articles"] == 0
    assert second["articles"] == first["articles"]
    assert second["alerts_sent"] == 0 and second["messages_received"] == 0


def test_search_finds_and_highlights(demo_runs) -> None:  # type: ignore[no-untyped-def]
    db, _, _ = demo_runs
    result = run("search", '"pekerja migran" Jepang', "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits and all("**" in hit["snippet"] for hit in hits)
    table = run("search", "TPPO OR nonprosedural", "--db", str(db))
    assert "hits for TPPO OR nonprosedural" in table.stdout


def test_search_syntax_error_points_at_it(demo_runs) -> None:  # type: ignore[no-untyped-def]
    db, _, _ = demo_runs
    result = run("search", "(TPPO OR", "--db", str(db))
    assert result.returncode == 1
    assert "ends where a word" in result.stderr and "^" in result.stderr


def test_alerts_list_shows_what_was_sent(demo_runs) -> None:  # type: ignore[no-untyped-def]
    db, first, _ = demo_runs
    result = run("alerts", "list", "--db", str(db), "--json", "--limit", "1000")
    alerts = json.loads(result.stdout)
    assert len(alerts) == first["alerts_sent"]
    assert {a["status"] for a in alerts} == {"sent"}
    assert all(a["terms"] for a in alerts)


@pytest.fixture
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test's stderr."""


@pytest.fixture
def files_site(tmp_path: Path) -> Iterator[str]:
    """A plain file server whose feed lists a PDF and a JSON file instead of articles."""
    root = tmp_path / "files"
    root.mkdir()
    (root / "laporan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (root / "data.json").write_text('{"judul": "bukan halaman"}')
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietFiles, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (root / "rss.xml").write_text(f"""<rss version="2.0"><channel>
<item><title>Laporan</title><link>{base}/laporan.pdf</link></item>
<item><title>Data</title><link>{base}/data.json</link></item></channel></rss>""")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_crawl_with_any_config_survives_bad_sources(tmp_path: Path, site: DemoSite,
                                                   files_site: str,
                                                   receiver: ChatReceiver) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(f"""
[pantau]
archive = "archive.db"
download_delay = 0

[[sources]]
name = "ministry"
listings = ["{site.ministry_url}/news/latest/all"]
article_pattern = "/news/detail/"
max_pages = 5
allow_private = true

[[sources]]
name = "files"
feeds = ["{files_site}/rss.xml"]
allow_private = true

[[sources]]
name = "offline"
feeds = ["http://127.0.0.1:{free_port()}/rss.xml"]
allow_private = true

[[destinations]]
name = "chat"
type = "slack"
url = "${{CHAT_URL}}"
rate_per_minute = 60000
""", encoding="utf-8")
    env = {"CHAT_URL": receiver.webhook_url}
    result = run("--config", str(config), "crawl", "--json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["sources"]["ministry"]["new_articles"] >= 10
    assert summary["sources"]["offline"]["errors"] >= 1
    assert "offline: entry point" in result.stderr and "Connection" in result.stderr
    assert "is not an HTML page (application/pdf)" in result.stderr
    assert "is not an HTML page (application/json)" in result.stderr
    assert summary["sources"]["files"]["new_articles"] == 0
    assert summary["alerts_sent"] == len(receiver.messages) > 0
    assert receiver.token not in result.stderr + result.stdout
    again = json.loads(run("--config", str(config), "crawl", "--json", env=env,
                           cwd=tmp_path).stdout)
    assert again["new_articles"] == 0 and again["alerts_sent"] == 0
    assert again["sources"]["ministry"]["pages"] < summary["sources"]["ministry"]["pages"]


@pytest.mark.parametrize(("text", "env", "expected"), [
    ('[[sources]]\nname = "a"\nfeeds = ["https://a.id/rss"]\nintervall = "1h"\n', {},
     "sources[0].intervall: unknown field (did you mean 'interval'?)"),
    ('[[destinations]]\nname = "c"\ntype = "slack"\nurl = "${NOT_SET_ANYWHERE}"\n', {},
     "destinations[0].url: environment variable NOT_SET_ANYWHERE is not set"),
])
def test_config_mistakes_stop_cleanly(tmp_path: Path, text: str, env: dict[str, str],
                                      expected: str) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(text, encoding="utf-8")
    result = run("--config", str(config), "crawl", env=env)
    assert result.returncode == 1
    assert f"{config}: {expected}" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_writes_a_config_that_check_accepts(tmp_path: Path) -> None:
    config = tmp_path / "pantau.toml"
    assert run("--config", str(config), "init").returncode == 0
    assert run("--config", str(config), "init").returncode == 1  # no silent overwrite
    result = run("--config", str(config), "check")
    assert result.returncode == 0, result.stderr
    assert "kemnaker" in result.stdout and "pekerja-migran" in result.stdout


def test_scrapy_lists_and_crawls_the_configured_sources(tmp_path: Path, site: DemoSite) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(f"""
[pantau]
archive = "archive.db"
[[sources]]
name = "ministry"
listings = ["{site.ministry_url}/news/latest/all"]
article_pattern = "/news/detail/"
max_pages = 1
allow_private = true
""", encoding="utf-8")
    env = {**os.environ, "PANTAU_CONFIG": str(config), "PANTAU_ARCHIVE": str(tmp_path / "s.db")}
    scrapy = [sys.executable, "-m", "scrapy"]
    listed = subprocess.run([*scrapy, "list"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert listed.stdout.split() == ["ministry"], listed.stderr
    crawled = subprocess.run([*scrapy, "crawl", "ministry", "-s", "DOWNLOAD_DELAY=0"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                             check=False)
    assert crawled.returncode == 0, crawled.stderr
    with Archive.open(tmp_path / "s.db") as archive:
        assert archive.counts()["articles"] >= 4
        assert archive.crawl_runs()[0].status == "finished"
