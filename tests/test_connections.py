"""A crawl reuses its connections to a host instead of opening one per page, even when the
host's slot is kept full (no AutoThrottle, no delay: requests start the moment others end)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.internet import Reply, Site, article_page, html
from tests.test_crawl import PARAGRAPHS, recent, rss

ROOT = Path(__file__).resolve().parents[1]
PAGES = 60
PER_HOST = 4


def test_a_crawl_keeps_its_connections_to_a_host_alive(tmp_path: Path) -> None:
    site = Site()
    paths = [f"/berita/{n}/laporan" for n in range(1, PAGES + 1)]
    site.route("/rss", Reply(rss(site, [(path, recent()) for path in paths])))
    for number, path in enumerate(paths, start=1):
        site.route(path, html(article_page(f"Berita {number}",
                                           [f"Laporan nomor {number}.", *PARAGRAPHS])))
    site.start()
    # In a process of its own, as `pantau crawl` runs, but with AutoThrottle off (no config
    # field does that) so that the host's slot is never idle.
    crawl = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from crawler import run_on_reactor
        from pantau.config import from_dict
        from pantau.pipeline import run_once

        config = from_dict({{
            "pantau": {{"archive": sys.argv[2], "download_delay": 0,
                        "concurrent_per_host": {PER_HOST}}},
            "sources": [{{"name": "agency", "feeds": [sys.argv[1] + "/rss"],
                          "allow_private": True}}],
        }}, Path("<test>"), {{}})
        found = {{}}

        async def crawl():
            found["summary"] = await run_once(
                config, deliver=False, scrapy_overrides={{"AUTOTHROTTLE_ENABLED": False}})

        run_on_reactor(crawl)
        print(json.dumps({{"new_articles": found["summary"].new_articles}}))
    """)
    try:
        result = subprocess.run([sys.executable, "-c", crawl, site.url,
                                 str(tmp_path / "archive.db")], capture_output=True, text=True,
                                timeout=120, cwd=ROOT, check=False)
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["new_articles"] == PAGES
    requests = len(site.hits)
    assert requests >= PAGES + 2  # robots.txt, the feed, every article
    # No more connections than the crawl may have requests in flight (CONCURRENT_REQUESTS),
    # each reused from then on; Scrapy's own pool opened 44 for these 62 requests.
    assert site.connections <= 16, (site.connections, requests)
