"""`pantau report`: the weekly briefing as one self-contained HTML page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from crawler.sources import Source
from pantau.cli import cli
from pantau.report import days_of, nice_ceiling, write_report
from storage import Archive, AttemptResult, CrawlCounts, NewMatch
from tests.conftest import article

NOW = datetime.now(UTC).replace(microsecond=0)
STORIES = (
    ("Polda Kepri gagalkan keberangkatan 27 calon pekerja migran nonprosedural ke Malaysia",
     "Kepolisian Daerah Kepulauan Riau menggagalkan keberangkatan 27 calon pekerja migran "
     "Indonesia nonprosedural ke Malaysia melalui pelabuhan tikus di Batam. Dua orang yang "
     "diduga calo ditetapkan sebagai tersangka tindak pidana perdagangan orang."),
    ("BP3MI Jawa Tengah lepas 85 CPMI ke Taiwan",
     "Sebanyak 85 calon pekerja migran Indonesia diberangkatkan ke Taiwan setelah mengikuti "
     "orientasi pra pemberangkatan di Semarang. Mereka akan bekerja sebagai perawat lansia."),
    ("Ribuan peserta ikuti ujian EPS-TOPIK untuk kerja di Korea",
     "Ribuan peserta mengikuti ujian EPS-TOPIK di Jakarta untuk bekerja di Korea Selatan "
     "lewat skema G to G. Penempatan dilakukan pemerintah tanpa biaya calo."),
)
RULES = ("perdagangan-orang", "penempatan", "program-negara-tujuan")
SOURCES = ("antara", "kompas", "detik", "sepi")


def configured_sources() -> list[Source]:
    return [Source(name=name, feeds=(f"https://{name}.example/rss",), update_interval="1d")
            for name in SOURCES]


def briefing_archive(path: Path) -> Path:
    """A week of matched news: a story three outlets carried, a silent source, failed alerts."""
    with Archive.open(path) as archive:
        for name in SOURCES:
            run = archive.start_crawl(name)
            archive.finish_crawl(run, status="finished", finish_reason="finished",
                                 counts=CrawlCounts(errors=int(name == "sepi"),
                                                    first_error="feed answered 503"))
        archive.add_article(article(100, "Harga cabai naik di pasar.", source="sepi",
                                    published_at=(NOW - timedelta(days=12)).isoformat()))
        archive.db.execute("UPDATE articles SET first_seen_at = ? WHERE source = 'sepi'",
                           [(NOW - timedelta(days=12)).isoformat()])
        archive.db.execute("UPDATE sources SET first_seen_at = ?",
                           [(NOW - timedelta(days=30)).isoformat()])
        matches, number = [], 0
        for day in range(7):
            for index, (title, text) in enumerate(STORIES):
                if (day + index) % 3 == 2:
                    continue
                carriers = SOURCES[:3] if (day, index) == (3, 0) else SOURCES[index:index + 1]
                for source in carriers:
                    number += 1
                    when = NOW - timedelta(days=day, hours=2)
                    archive.add_article(article(number, f"{text} Hari ke-{day}.", title=title,
                                                source=source, language="id",
                                                published_at=when.isoformat()))
                    rules = RULES[:index + 1] if index else RULES[:2]
                    matches += [NewMatch(number, rule, ("pekerja migran",),
                                         f"calon **pekerja migran** ({rule})",
                                         ("slack-desk",) if day < 2 else ()) for rule in rules]
        archive.record_matches("matcher", number, matches)
        for alert in archive.alerts(limit=2):
            archive.record_attempt(alert.id, AttemptResult("dead", 120, 400,
                                                           "400 invalid_blocks"))
    return path


def test_the_page_holds_everything_it_shows(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with Archive.open(briefing_archive(tmp_path / "archive.db")) as archive:
        briefing = write_report(archive, out, NOW - timedelta(days=7), NOW,
                                configured_sources())
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    assert page.count("<svg") == 1
    # A drawn chart: one bar segment per day and rule that matched, a legend per rule.
    segments = re.findall(r"<rect [^>]*><title>([\d-]+) · ([\w-]+): (\d+)</title>", page)
    assert {rule for _, rule, _ in segments} == set(RULES)
    assert sorted(segments) == sorted((d, r, str(n)) for d, r, n in briefing.per_day)
    assert page.count('<span class="swatch"') == len(RULES)
    # The story three outlets carried leads the top stories.
    top = briefing.stories[0]
    assert len(top.outlets) == 3 and top.title == STORIES[0][0]
    first_row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert STORIES[0][0] in first_row and "antara, kompas, detik" in first_row
    assert [s.source.name for s in briefing.silent] == ["sepi"]
    assert "<b>sepi</b>" in page and "feed answered 503" in page
    assert len(briefing.failed) == 2 and page.count("400 invalid_blocks") == 2


def assert_self_contained(page: str) -> None:
    """No script, stylesheet, image, font or frame comes from anywhere else."""
    class Loads(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            names = dict(attrs)
            if tag in ("script", "img", "iframe", "link", "object", "embed", "video", "audio",
                       "source") or ("src" in names) or (tag == "use" and "href" in names):
                self.found.append(tag)

    parser = Loads()
    parser.feed(page)
    assert parser.found == []
    assert "url(" not in page and "@import" not in page


def test_an_empty_week_still_makes_a_page(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    write_report(archive, out, NOW - timedelta(days=7), NOW, None)
    page = out.read_text(encoding="utf-8")
    assert "No rule matched an article" in page and "Every alert got through" in page
    assert "No config was given" in page
    assert_self_contained(page)


def test_the_command_writes_the_file(tmp_path: Path) -> None:
    db = briefing_archive(tmp_path / "archive.db")
    config = tmp_path / "pantau.toml"
    config.write_text("".join(f'[[sources]]\nname = "{n}"\nfeeds = ["https://{n}.example/rss"]'
                              '\nupdate_interval = "1d"\n' for n in SOURCES))
    out = tmp_path / "week.html"
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--since", "7d",
                                      "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 silent sources" in result.output and "2 failed alerts" in result.output
    assert "<b>sepi</b>" in out.read_text(encoding="utf-8")


def test_days_and_axis() -> None:
    since = datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert days_of(since, since + timedelta(days=7)) == [
        f"2026-11-{day}" for day in range(20, 28)]
    assert [nice_ceiling(n) for n in (0, 3, 7, 11, 24, 26, 99, 101, 4000)] == [
        5, 5, 10, 20, 25, 50, 100, 200, 5000]
