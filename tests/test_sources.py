"""Sources from the outside: the shipped catalogue, health from the archive, live checks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler import Source
from pantau.cli import cli
from pantau.config import load
from pantau.sources import check_sources, source_statuses
from pantau.starter import starter_config_path
from storage import Archive, CrawlCounts
from tests.conftest import article
from tests.internet import Reply, Site


def test_the_catalogue_covers_the_field() -> None:
    config = load(starter_config_path(), environ={})
    names = {source.name for source in config.sources}
    assert len(names) >= 15
    assert {"kemnaker", "kp2mi", "antara", "detik", "kompas", "tempo", "mhlw-japan",
            "google-news-pmi"} <= names
    assert {s.language for s in config.sources} >= {"id", "en", "ja"}
    assert all(s.verified or s.notes for s in config.sources), "say why it is unverified"


def test_health_flags_a_silent_source(archive: Archive) -> None:
    now = datetime.now(UTC)
    for name in ("busy", "quiet", "broken"):
        run = archive.start_crawl(name)
        errors = 1 if name == "broken" else 0
        archive.finish_crawl(run, status="finished", finish_reason="finished",
                             counts=CrawlCounts(errors=errors, first_error="feed answered 500"))
    archive.add_article(article(1, "Berita", source="busy"))
    archive.db.execute("UPDATE sources SET first_seen_at = ?",
                       [(now - timedelta(days=5)).isoformat()])
    sources = [Source(name=n, feeds=("https://x.id/rss",), update_interval="1d")
               for n in ("busy", "quiet", "broken", "new")]
    statuses = {s.source.name: s for s in source_statuses(sources, archive, now)}
    assert not statuses["busy"].silent and statuses["busy"].health.articles_7d == 1  # type: ignore[union-attr]
    assert statuses["quiet"].silent
    assert statuses["broken"].health.last_error == "feed answered 500"  # type: ignore[union-attr]
    assert statuses["new"].health is None and not statuses["new"].silent


@pytest.fixture
def site() -> Iterator[Site]:
    running = Site()
    running.route("/rss", Reply(f"""<rss><channel>
        <item><link>{running.url}/berita/1/a</link></item>
        <item><link>{running.url}/tag/x</link></item></channel></rss>""".encode()))
    running.route("/broken.xml", Reply(b"<rss><channel><item><link>/berita/2/b</link>"))
    running.route("/news", Reply(b'<a href="/berita/3/c">c</a> <a href="/profil">p</a>',
                                 headers={"Content-Type": "text/html"}))
    running.route("/api", Reply(json.dumps({"data": [{"slug": "d"}]}).encode()))
    running.start()
    yield running
    running.stop()


def test_check_reads_every_kind_of_entry_point(site: Site) -> None:
    source = Source(name="s", feeds=(f"{site.url}/rss", f"{site.url}/broken.xml",
                                     f"{site.url}/gone"),
                    listings=(f"{site.url}/news",), json_listings=(f"{site.url}/api",),
                    json_url_template=site.url + "/berita/9/{slug}", article_pattern="/berita/")
    checks = {c.url.rsplit("/", 1)[1]: c for c in asyncio.run(check_sources([source], "t"))}
    assert (checks["rss"].found, checks["rss"].ok) == (1, True)
    assert checks["broken.xml"].found == 1  # what a forgiving parser recovers...
    assert "Premature end of data" in (checks["broken.xml"].problem or "")  # ...and why
    assert checks["gone"].problem == "answered 404"
    assert (checks["news"].found, checks["api"].found) == (1, 1)


def test_sources_check_command_fails_when_an_entry_point_does(site: Site,
                                                              tmp_path: Path) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(f'[[sources]]\nname = "s"\nfeeds = ["{site.url}/rss"]\n'
                      f'[[sources]]\nname = "t"\nfeeds = ["{site.url}/gone"]\n')
    runner = CliRunner()
    ok = runner.invoke(cli, ["--config", str(config), "sources", "check", "s", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)[0]["found"] == 2
    failing = runner.invoke(cli, ["--config", str(config), "sources", "check"])
    assert failing.exit_code == 1
    assert "answered 404" in failing.output


def test_sources_command_shows_health(tmp_path: Path) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text('[[sources]]\nname = "s"\nfeeds = ["https://x.id/rss"]\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "sources", "--json"])
    assert result.exit_code == 0, result.output
    (status,) = json.loads(result.output)
    assert status["source"] == "s" and status["silent"] is False
