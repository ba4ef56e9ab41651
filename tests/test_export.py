"""`pantau export`: CSV, JSON and NDJSON of a date range or a query, streamed."""

from __future__ import annotations

import csv
import json
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pantau.cli import cli
from pantau.export import export
from storage import Archive, ArticleFilter, NewMatch
from storage.search import EXPORT_COLUMNS
from tests.conftest import article

TEXT = "Pekerja migran Indonesia diberangkatkan ke Taiwan setelah pelatihan di Semarang. "


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        for number, day in enumerate(("2026-10-01", "2026-10-15", "2026-11-01"), start=1):
            archive.add_article(article(number, f"{TEXT} Hari ke-{number}, kata \"dia\", ya.",
                                        published_at=f"{day}T08:00:00+07:00", language="id",
                                        tags=("migrasi", "Taiwan")))
        archive.add_article(article(4, "Harga cabai naik di pasar.", source="other",
                                    published_at="2026-10-20"))
        archive.record_matches("matcher", 4, [NewMatch(2, "penempatan", ("Taiwan",),
                                                       "**Taiwan**", ())])
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_date_range_to_csv_with_every_documented_column(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "october.csv"
    run("--since", "2026-10-01", "--until", "2026-11-01", "-o", str(out), "--db", str(small))
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["id"] for row in rows] == ["1", "2", "4"]
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert rows[1]["rules"] == "penempatan" and rows[0]["tags"] == "migrasi; Taiwan"
    assert rows[0]["text"].endswith('kata "dia", ya.') and rows[0]["cluster_size"] == "1"
    documented = (Path(__file__).parents[1] / "docs" / "export.md").read_text("utf-8")
    assert all(f"`{column}`" in documented for column in EXPORT_COLUMNS)


def test_a_query_to_json_and_ndjson(small: Path) -> None:
    as_json = json.loads(run("Taiwan", "--format", "json", "--db", str(small)))
    lines = [json.loads(line) for line in run("Taiwan", "--db", str(small)).splitlines()]
    assert as_json == lines and [row["id"] for row in lines] == [1, 2, 3]
    assert lines[1]["rules"] == ["penempatan"] and lines[0]["tags"] == ["migrasi", "Taiwan"]


def test_columns_and_no_text(small: Path) -> None:
    rows = json.loads(run("-f", "json", "--columns", "id,source,text", "--no-text",
                          "--rule", "penempatan", "--db", str(small)))
    assert rows == [{"id": 2, "source": "news"}]
    assert json.loads(run("-f", "json", "--source", "nobody", "--db", str(small))) == []


def test_an_unknown_column_is_named(small: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--columns", "id,body", "--db", str(small)])
    assert result.exit_code == 1 and "unknown export column(s) body" in result.output


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """10,000 articles of ~650 characters: 1,000 from source "few", the rest from "many"."""
    path = tmp_path_factory.mktemp("large") / "archive.db"
    rows = [(f"https://n.example/{i}", f"https://n.example/{i}",
             "few" if i < 1000 else "many", f"Berita {i}", TEXT * 8 + str(i),
             "2026-10-01T08:00:00+07:00", "2026-11-01T00:00:00+00:00", "id", str(i))
            for i in range(10_000)]
    with Archive.open(path) as archive:
        with archive.write() as db:
            db.conn.executemany(
                "INSERT INTO articles (url, canonical_url, source, title, text, published_at,"
                " first_seen_at, language, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows)
        yield archive


def peak_memory(archive: Archive, fmt: str, where: ArticleFilter, query: str | None) -> int:
    """Peak bytes Python allocated while exporting (written to /dev/null)."""
    with Path(os.devnull).open("w", encoding="utf-8") as sink:
        tracemalloc.start()
        try:
            written = export(archive, query, where, fmt, sink, EXPORT_COLUMNS)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert written == (1000 if where.sources else 10_000)
    return peak


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_memory_does_not_grow_with_the_number_of_rows(large: Archive, fmt: str) -> None:
    few = peak_memory(large, fmt, ArticleFilter(sources=("few",)), None)
    many = peak_memory(large, fmt, ArticleFilter(), None)
    # Ten times the rows (6 MB more text): held in memory they would add over 20 MB.
    assert many < few + 256 * 1024, (few, many)


def test_memory_of_a_query_export_does_not_grow_either(large: Archive) -> None:
    few = peak_memory(large, "ndjson", ArticleFilter(sources=("few",)), '"taiwan"')
    many = peak_memory(large, "ndjson", ArticleFilter(), '"taiwan"')
    assert many < few + 256 * 1024, (few, many)
