"""`pantau serve` and `pantau report` in a real headless Chromium (Debian's, driven by
Playwright): pages load, a search returns hits, screenshots are taken.

The browser is the system's /usr/bin/chromium (never `playwright install`); .ci/run installs it.
The tests skip only when no Chromium is installed or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.sources import Source
from pantau.report import write_report
from storage import Archive
from tests.test_report import NOW, SOURCES, assert_self_contained, briefing_archive

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api",
                                     reason="playwright is not installed (pip install -e .[test])")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium; .ci/run "
                "does it)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium with a fresh profile."""
    profile = tmp_path_factory.mktemp("profile")
    with playwright_api.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1200, "height": 900})
        yield context
        context.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`pantau serve` on a week of matched news, in a subprocess; yields its base URL."""
    db = briefing_archive(tmp_path_factory.mktemp("served") / "pantau.db")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "pantau.cli", "serve", "--db", str(db),
                               "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PANTAU_CONFIG": str(db.parent / "none")})
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.communicate(timeout=10)


def wait_for_port(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"pantau serve exited: {server.stdout.read()}")  # type: ignore[union-attr]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("pantau serve did not listen within 30 s")


def test_the_archive_pages_load_and_search_finds_hits(browser: Any, served: str,
                                                      tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(f"{served}/pantau")
    assert page.locator("h1").inner_text() == "pantau"
    assert "articles" in page.content() and "Latest alerts" in page.content()

    page.goto(f"{served}/pantau/articles")
    assert "Every archived article" in page.content()  # the table's description
    facets = page.locator(".facet-info").all_inner_texts()
    assert any(f.startswith("source") for f in facets)
    assert any(f.startswith("language") for f in facets)
    page.fill("input#_search", "nonprosedural")
    page.locator("input#_search").press("Enter")
    page.wait_for_url("**_search=nonprosedural**")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() > 0
    assert all("Polda Kepri" in row for row in rows.all_inner_texts())
    page.locator("h3").first.scroll_into_view_if_needed()  # the hits, not the column notes
    page.screenshot(path=str(tmp_path / "articles-search.png"))
    assert (tmp_path / "articles-search.png").stat().st_size > 10_000


def test_the_canned_queries_run(browser: Any, served: str, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(f"{served}/pantau/search?q=" + "%22pekerja migran%22 Taiwan".replace(" ", "+"))
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() > 0 and all("Taiwan" in r for r in rows.all_inner_texts())
    page.screenshot(path=str(tmp_path / "canned-search.png"))
    for query, expected in (("latest_alerts", "slack-desk"),
                            ("matches_per_rule_per_week", "penempatan"),
                            ("failed_deliveries", "400 invalid_blocks"),
                            ("source_health", "feed answered 503")):
        page.goto(f"{served}/pantau/{query}")
        assert page.locator(".rows-and-columns").count() == 1, query
        assert expected in page.locator(".rows-and-columns").inner_text(), query
    page.goto(f"{served}/pantau/matches")
    assert any(f.startswith("rule") for f in page.locator(".facet-info").all_inner_texts())


def test_the_archive_cannot_be_written_through_datasette(browser: Any, served: str) -> None:
    page = browser.new_page()
    answer = page.goto(f"{served}/pantau.json?sql=" +
                       "delete from articles returning id".replace(" ", "+"))
    assert answer is not None and not answer.ok
    page.goto(f"{served}/pantau/articles.json?_shape=array&_size=1&_col=id")
    assert '"id"' in page.content()


def test_the_report_renders_in_the_browser(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with Archive.open(briefing_archive(tmp_path / "archive.db")) as archive:
        sources = [Source(name=n, feeds=(f"https://{n}.example/rss",), update_interval="1d")
                   for n in SOURCES]
        write_report(archive, out, NOW - timedelta(days=7), NOW, sources)
    assert_self_contained(out.read_text(encoding="utf-8"))
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(out.as_uri())
    assert requests == [out.as_uri()]  # nothing else is fetched
    chart = page.locator("figure.chart svg")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 150
    assert page.locator("figure.chart rect").count() >= 10
    assert page.locator("h2").all_inner_texts() == [
        "Matches per topic per day", "Top stories", "Sources gone silent", "Failed alerts"]
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
