"""Articles are matched while the crawl goes on, not only when it ends."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storage import Archive
from tests.internet import Reply, Route, Site, article_page, html
from tests.test_crawl import PARAGRAPHS, recent, rss

ROOT = Path(__file__).resolve().parents[1]
HOLD_AT_MOST = 60.0  # seconds the slow page waits for a match before it answers anyway
AFTER_A_MATCH = 1.1  # and after one: the archive's times are to the second


def held_until_a_match(reply: Reply, archive: Path) -> Route:
    """A route that answers just after the archive holds a match (or after HOLD_AT_MOST).

    The crawl cannot finish before the held page arrives, so a match recorded while it is
    held was made during the crawl; a crawler that matched only at the end would hold it the
    whole time and record every match after the crawl. However slow the machine, the order
    is decided by the behaviour under test, not by a race against a fixed delay.
    """
    def answer(_path: str, _headers: dict[str, str]) -> Reply:
        deadline = time.monotonic() + HOLD_AT_MOST
        while time.monotonic() < deadline and not has_a_match(archive):
            time.sleep(0.1)
        time.sleep(AFTER_A_MATCH)
        return reply
    return answer


def has_a_match(archive: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{archive}?mode=ro", uri=True) as db:
            return db.execute("SELECT 1 FROM matches LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # not created yet, or busy being created
        return False


def test_a_slow_page_does_not_hold_back_the_matches_of_the_others(tmp_path: Path) -> None:
    site = Site()
    fast = [f"/berita/{n}/cepat" for n in range(1, 4)]
    site.route("/rss", Reply(rss(site, [(path, recent()) for path in [*fast, "/berita/9/lambat"]])))
    for number, path in enumerate(fast, start=1):
        site.route(path, html(article_page(f"Berita {number}",
                                           [f"Laporan nomor {number}.", *PARAGRAPHS])))
    slow = html(article_page("Berita lambat", ["Laporan lambat.", *PARAGRAPHS]))
    site.route("/berita/9/lambat", held_until_a_match(slow, tmp_path / "archive.db"))
    site.start()
    config = tmp_path / "pantau.toml"
    config.write_text(f"""
[pantau]
archive = "archive.db"
rule_packs = []
download_delay = 0
download_timeout = 90

[[sources]]
name = "agency"
feeds = ["{site.url}/rss"]
allow_private = true

[[rules]]
name = "migran"
query = '"pekerja migran"'
""", encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, "-m", "pantau.cli", "--config", str(config),
                                 "crawl", "--json", "--no-deliver"], capture_output=True,
                                text=True, timeout=120, cwd=ROOT, check=False,
                                env={**os.environ, "COLUMNS": "200"})
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["new_articles"] == 4
    with Archive.open(tmp_path / "archive.db") as archive:
        matched = [row["matched_at"] for row in archive.db.query(
            "SELECT matched_at FROM matches ORDER BY id")]
        (run,) = archive.crawl_runs(limit=5, source="agency")
    assert len(matched) == 4
    # The quick articles were matched while the slow one was still being held back.
    assert matched[0] < run.finished_at, (matched, run.finished_at)
