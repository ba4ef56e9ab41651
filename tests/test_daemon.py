"""The daemon in a real process: schedules, restarts, signals, reloads, status and metrics."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest

from pantau.demo.receiver import ChatReceiver
from pantau.demo.site import DemoSite
from pantau.status import daemon_report
from storage import Archive
from tests.internet import Reply, Site

ROOT = Path(__file__).resolve().parents[1]


def wait_for(check: Callable[[], Any], what: str, deadline: float = 60) -> Any:
    """Poll ``check`` until it returns something true; fail after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if result := check():
            return result
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def write_config(folder: Path, site: DemoSite, chat_url: str, extra: str = "",
                 ministry_interval: str = "2s") -> Path:
    config = folder / "pantau.toml"
    config.write_text(f"""
[pantau]
archive = "archive.db"
download_delay = 0
delivery_interval = "1s"
max_concurrent_crawls = 2
metrics_port = {_free_port()}

[[sources]]
name = "ministry"
listings = ["{site.ministry_url}/news/latest/all"]
article_pattern = "/news/detail/"
max_pages = 3
interval = "{ministry_interval}"
allow_private = true

[[sources]]
name = "news"
feeds = ["{site.news_url}/rss/terkini.xml"]
interval = "3s"
allow_private = true
{extra}
[[destinations]]
name = "chat"
type = "slack"
url = "{chat_url}"
rate_per_minute = 60000
""", encoding="utf-8")
    return config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Running:
    """A `pantau run` process and its archive."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.log = config.parent / "daemon.log"
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pantau.cli", "-v", "--log-format", "json", "--config",
                 str(config), "run"],
                cwd=ROOT, stderr=log, stdout=subprocess.DEVNULL,
                env={**os.environ, "COLUMNS": "200"})

    def archive(self) -> Archive:
        return Archive.open(self.config.parent / "archive.db")

    def report(self) -> dict[str, Any]:
        if not (self.config.parent / "archive.db").exists():
            return {}
        with self.archive() as archive:
            return daemon_report(archive)

    def runs(self, source: str) -> list[Any]:
        with self.archive() as archive:
            return [r for r in archive.crawl_runs(limit=1000, source=source)
                    if r.finished_at is not None]

    def stop(self, sig: int = signal.SIGTERM) -> float:
        started = time.monotonic()
        self.process.send_signal(sig)
        self.process.wait(timeout=40)
        return time.monotonic() - started


@pytest.fixture
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


def test_crawls_on_schedule_and_stops_gracefully(tmp_path: Path, site: DemoSite,
                                                 receiver: ChatReceiver) -> None:
    daemon = Running(write_config(tmp_path, site, receiver.webhook_url))
    try:
        wait_for(lambda: len(daemon.runs("ministry")) >= 3 and len(daemon.runs("news")) >= 2,
                 "repeated crawls of both sources")
        wait_for(lambda: receiver.messages, "alerts delivered by the daemon")
        report = daemon.report()
        assert report["up"] and report["daemon"]["state"] == "running"
        assert {"crawl:ministry", "crawl:news", "deliver", "digests"} <= set(report["next_runs"])
        metrics = httpx.get(f"http://127.0.0.1:{_metrics_port(daemon.config)}/metrics").text
        assert 'pantau_crawls_total{source="ministry"}' in metrics
    finally:
        took = daemon.stop()
    assert daemon.process.returncode == 0 and took < 30
    assert not daemon.report()["up"]
    for source in ("ministry", "news"):
        runs = sorted(daemon.runs(source), key=lambda r: r.started_at)
        for earlier, later in pairwise(runs):
            assert earlier.finished_at <= later.started_at, "two crawls of one source overlapped"
    assert "stopping (crawls close within" in daemon.log.read_text()


def _metrics_port(config: Path) -> int:
    line = next(x for x in config.read_text().splitlines() if x.startswith("metrics_port"))
    return int(line.split("=")[1])


def test_a_restart_resumes_overdue_sources_and_pending_alerts(tmp_path: Path,
                                                              site: DemoSite) -> None:
    with ChatReceiver() as chat:
        url = chat.webhook_url
    config = write_config(tmp_path, site, url, ministry_interval="1h")  # chat is down
    first = Running(config)
    try:
        # Both sources crawled to the end: the second run may re-crawl the news source (it is
        # due every 3 s) but must find nothing new, and must not re-crawl the ministry.
        wait_for(lambda: first.runs("ministry") and first.runs("news"), "the first crawls")
        wait_for(lambda: first.report().get("alerts", {}).get("pending"), "alerts queued")
    finally:
        first.stop()
    with first.archive() as archive:
        articles = archive.counts()["articles"]
    with ChatReceiver() as chat:
        config.write_text(config.read_text().replace(url, chat.webhook_url))
        second = Running(config)
        try:
            wait_for(lambda: second.report().get("alerts", {}).get("pending") == 0 and
                     chat.messages, "the pending alerts, sent after the restart")
            # ministry is not overdue (interval 1h): it must not be crawled again at start.
            assert len(second.runs("ministry")) == 1
        finally:
            second.stop()
    with second.archive() as archive:
        assert archive.counts()["articles"] == articles


def test_reload_applies_a_good_config_and_keeps_the_old_on_a_mistake(
        tmp_path: Path, site: DemoSite, receiver: ChatReceiver) -> None:
    config = write_config(tmp_path, site, receiver.webhook_url)
    daemon = Running(config)
    try:
        wait_for(lambda: daemon.runs("news"), "a first crawl")
        good = config.read_text()
        config.write_text(good + '\n[[sources]]\nname = "agenda"\nfeeds = ["' + site.news_url
                          + '/rss/terkini.xml"]\ninterval = "2s"\nallow_private = true\n')
        daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: daemon.runs("agenda"), "the new source, crawled after SIGHUP")
        config.write_text(good.replace("interval =", "intervall =", 1))
        daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "config not reloaded" in daemon.log.read_text(), "the reload error")
        before = len(daemon.runs("agenda"))
        wait_for(lambda: len(daemon.runs("agenda")) > before, "the old config still running")
    finally:
        daemon.stop()
    assert "intervall: unknown field" in daemon.log.read_text()


def test_a_stop_waits_for_a_send_and_a_second_signal_does_not(tmp_path: Path,
                                                                 site: DemoSite) -> None:
    slow_chat = Site()
    slow_chat.route("/hook", Reply(b"ok", delay=30))
    slow_chat.start()
    config = write_config(tmp_path, site, f"{slow_chat.url}/hook")
    daemon = Running(config)
    try:
        wait_for(lambda: slow_chat.hits, "a send to the slow chat")
        daemon.process.send_signal(signal.SIGTERM)
        wait_for(lambda: "stopping (crawls close" in daemon.log.read_text(), "the first signal")
        assert daemon.process.poll() is None  # still waiting for the send in flight
        took = daemon.stop(signal.SIGTERM)
    finally:
        if daemon.process.poll() is None:
            daemon.stop(signal.SIGKILL)
        slow_chat.stop()
    assert took < 10 and daemon.process.returncode == 0
    assert "again: stopping at once" in daemon.log.read_text()
    with daemon.archive() as archive:
        assert archive.alert_counts().get("sent", 0) == 0  # the cut send is not marked sent
