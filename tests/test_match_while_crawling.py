"""Articles are matched while the crawl goes on, not only when it ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from storage import Archive
from tests.internet import Reply, Site, article_page, html
from tests.test_crawl import PARAGRAPHS, recent, rss

ROOT = Path(__file__).resolve().parents[1]


def test_a_slow_page_does_not_hold_back_the_matches_of_the_others(tmp_path: Path) -> None:
    site = Site()
    fast = [f"/berita/{n}/cepat" for n in range(1, 4)]
    site.route("/rss", Reply(rss(site, [(path, recent()) for path in [*fast, "/berita/9/lambat"]])))
    for number, path in enumerate(fast, start=1):
        site.route(path, html(article_page(f"Berita {number}",
                                           [f"Laporan nomor {number}.", *PARAGRAPHS])))
    slow = html(article_page("Berita lambat", ["Laporan lambat.", *PARAGRAPHS]))
    site.route("/berita/9/lambat", Reply(slow.body, headers=slow.headers, delay=6))
    site.start()
    config = tmp_path / "pantau.toml"
    config.write_text(f"""
[pantau]
archive = "archive.db"
rule_packs = []
download_delay = 0
download_timeout = 20

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
    # The three quick articles were matched seconds before the slow one arrived.
    assert matched[0] < run.finished_at, (matched, run.finished_at)
