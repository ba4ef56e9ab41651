"""``pantau demo``: the whole flow offline, against the bundled sites and a local chat."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

from crawler import run_on_reactor
from crawler.runner import ProgressCallback
from pantau.config import Config, from_dict
from pantau.demo.receiver import ChatReceiver
from pantau.demo.site import DemoSite
from pantau.pipeline import run_once
from pantau.views import run_summary_dict
from storage import Archive

# The demo sites are on loopback: no politeness delay is needed, and none is wanted.
DEMO_SCRAPY_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 1,
}


def default_demo_archive() -> Path:
    """Where the demo keeps its archive unless told otherwise."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "pantau" / "demo.db"


def demo_config(site: DemoSite, receiver: ChatReceiver, archive: Path) -> Config:
    """A config for the demo sites, the default rule pack and the local chat receiver."""
    data = {
        "pantau": {"archive": str(archive.resolve())},
        "sources": [
            {"name": "kemnaker-demo", "title": "Kementerian Ketenagakerjaan (demo)",
             "listings": [f"{site.ministry_url}/news/latest/all"],
             "article_pattern": r"/news/detail/", "max_pages": 10, "allow_private": True},
            {"name": "antara-demo", "title": "ANTARA News (demo)",
             "feeds": [f"{site.news_url}/rss/terkini.xml"],
             "sitemaps": [f"{site.news_url}/sitemap_news.xml"],
             "listings": [f"{site.news_url}/terkini"],
             "article_pattern": r"/berita/\d+", "max_pages": 5, "allow_private": True},
        ],
        "destinations": [
            {"name": "demo-chat", "type": "slack", "url": "${PANTAU_DEMO_WEBHOOK}",
             "rate_per_minute": 6000},
        ],
    }
    return from_dict(data, Path("<demo>"), {"PANTAU_DEMO_WEBHOOK": receiver.webhook_url})


def run_demo(archive: Path, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Serve the demo sites and chat, run one pass of Pantau, and summarise it."""
    with DemoSite() as site, ChatReceiver() as receiver:
        config = demo_config(site, receiver, archive)
        summary = run_on_reactor(lambda: run_once(
            config, scrapy_overrides=DEMO_SCRAPY_SETTINGS, progress=progress))
        with Archive.open(config.archive_path) as opened:
            data = run_summary_dict(summary, opened, config.archive_path)
        data["messages_received"] = len(receiver.messages)
    data["try_next"] = try_next(config.archive_path)
    return data


def try_next(archive: Path) -> list[str]:
    """Commands worth running on the demo archive."""
    db = shlex.quote(str(archive))
    return [
        f"pantau search '\"pekerja migran\" Jepang' --db {db}",
        f"pantau search 'TPPO OR \"perdagangan orang\" OR nonprosedural' --since 7d --db {db}",
        f"pantau alerts list --db {db}",
    ]
