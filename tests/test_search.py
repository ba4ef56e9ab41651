"""`pantau search`: the rules' query language over the archive, filters, orders and formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pantau.cli import cli
from storage import Archive, ArticleFilter, NewMatch
from storage import search as searching
from tests.conftest import article

STORY = ("Sebanyak 85 pekerja migran Indonesia diberangkatkan ke Taiwan setelah mengikuti "
         "orientasi pra pemberangkatan di Semarang, kata Kepala BP3MI Jawa Tengah.")


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """An archive of six articles: a syndicated story, an English one, a matched rule."""
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        archive.add_article(article(1, STORY, published_at="2026-10-01T09:00:00+07:00",
                                    language="id", source="antara"))
        archive.add_article(article(2, STORY.upper(),
                                    published_at="2026-10-02T09:00:00+07:00", language="id",
                                    source="kompas"))
        archive.add_article(article(3, "Harga cabai naik di pasar Semarang menjelang "
                                       "akhir pekan, kata pedagang.",
                                    published_at="2026-10-03T09:00:00+07:00", language="id"))
        archive.add_article(article(4, "Indonesian migrant workers in Taiwan sent record "
                                       "remittances home, the ministry said.",
                                    published_at="2026-10-04T09:00:00+07:00", language="en",
                                    title="Taiwan remittances"))
        archive.add_article(article(5, "Bupati meresmikan jembatan baru; pekerja proyek "
                                       "datang dari Taiwan.", title="Pekerja migran Taiwan",
                                    published_at="2026-09-01T09:00:00+07:00",
                                    language="id-ID"))
        archive.add_article(article(6, "Tanpa tanggal: pekerja migran asal Taiwan.",
                                    language="id"))
        archive.record_matches("matcher", 6, [
            NewMatch(1, "penempatan", ("pekerja migran",), "**pekerja migran** Indonesia", ()),
            NewMatch(5, "penempatan", ("pekerja migran",), "**Pekerja migran** Taiwan", ())])
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["search", *args], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_hits_come_with_snippet_terms_cluster_size_and_rules(filled: Path) -> None:
    hits = json.loads(run('"pekerja migran" Taiwan', "--db", str(filled), "--json"))
    by_id = {hit["id"]: hit for hit in hits}
    assert set(by_id) == {1, 2, 5, 6}
    assert by_id[1]["cluster_size"] == by_id[2]["cluster_size"] == 2  # one story, 2 outlets
    assert by_id[5]["cluster_size"] == 1
    assert by_id[1]["rules"] == ["penempatan"] and by_id[2]["rules"] == []
    assert "**pekerja migran**" in by_id[1]["snippet"] and "**Taiwan**" in by_id[1]["snippet"]
    assert by_id[1]["terms"] == ["pekerja migran", "Taiwan"]


def test_relevance_puts_the_title_hit_first_and_date_the_newest(filled: Path) -> None:
    best = json.loads(run('"pekerja migran"', "--db", str(filled), "-f", "json"))
    assert best[0]["id"] == 5  # in the title, weighed four times
    newest = json.loads(run('"pekerja migran"', "--db", str(filled), "-f", "json",
                            "--sort", "date"))
    # Undated articles count from when they were first seen (today): newest of all.
    assert [hit["id"] for hit in newest] == [6, 2, 1, 5]
    assert json.loads(run('"pekerja migran"', "--db", str(filled), "--json",
                          "--newest")) == newest


def test_filters_by_date_source_language_and_rule(filled: Path) -> None:
    def ids(*args: str) -> list[int]:
        return sorted(h["id"] for h in json.loads(run("Taiwan", "--db", str(filled),
                                                      "--json", *args)))
    assert ids() == [1, 2, 4, 5, 6]
    assert ids("--since", "2026-10-02", "--until", "2026-10-04") == [2]
    assert ids("--source", "kompas", "-s", "antara") == [1, 2]
    assert ids("--lang", "en") == [4]
    assert ids("-l", "id") == [1, 2, 5, 6]  # "id" takes "id-ID"
    assert ids("--rule", "penempatan") == [1, 5]
    assert ids("--rule", "no-such-rule") == []


def test_a_rule_alone_lists_its_matches_newest_first_with_their_snippets(filled: Path) -> None:
    hits = json.loads(run("--rule", "penempatan", "--db", str(filled), "--json"))
    assert [hit["id"] for hit in hits] == [1, 5]
    assert hits[1]["snippet"] == "**Pekerja migran** Taiwan"


def test_search_needs_a_query_or_a_rule(filled: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "--db", str(filled)])
    assert result.exit_code == 2 and "give a QUERY, or --rule" in result.output


def test_csv_and_ndjson_carry_the_same_hits(filled: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run("Taiwan", "--db", str(filled), "-f", "csv"))))
    lines = [json.loads(line) for line in
             run("Taiwan", "--db", str(filled), "-f", "ndjson").splitlines()]
    assert [int(row["id"]) for row in rows] == [line["id"] for line in lines]
    first = rows[[int(r["id"]) for r in rows].index(1)]
    assert first["rules"] == "penempatan" and first["cluster_size"] == "2"
    assert "**Taiwan**" in first["snippet"]


def test_the_table_shows_hits_and_outlets(filled: Path) -> None:
    table = run('"pekerja migran"', "--db", str(filled))
    assert "4 hits for" in table and "other outlet" in table and "rules: penempatan" in table


def test_a_syntax_error_points_at_its_position(filled: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "Taiwan AND", "--db", str(filled)])
    assert result.exit_code == 1 and "^" in result.output


def test_common_words_rank_only_the_newest_matches(archive: Archive,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(1, 11):
        archive.add_article(article(number, f"Pekerja migran nomor {number} pulang.",
                                    published_at=f"2026-10-{number:02d}"))
    monkeypatch.setattr(searching, "RANK_CAP", 4)
    page = archive.search_page('"pekerja"', ArticleFilter(), limit=20)
    assert page.capped and sorted(hit.id for hit in page.hits) == [6, 7, 8, 9, 10]
    newest = archive.search_page('"pekerja"', ArticleFilter(), limit=3, newest_first=True)
    assert [hit.id for hit in newest.hits] == [10, 9, 8]
    few = archive.search_page('"pekerja"', ArticleFilter(until="2026-10-04"), limit=20)
    assert not few.capped and sorted(hit.id for hit in few.hits) == [1, 2, 3]


def test_pages_follow_one_another(filled: Path) -> None:
    with Archive.open(filled) as archive:
        everything = [h.id for h in archive.search('"taiwan"', limit=10)]
        pages = [h.id for offset in (0, 2, 4)
                 for h in archive.search('"taiwan"', limit=2, offset=offset)]
    assert pages == everything and len(everything) == 5


def test_a_since_filter_misses_no_article_whatever_its_date(archive: Archive) -> None:
    """Backfilled, undated, bare-date and far-offset articles: the rowid bound that speeds up
    a period's search must keep every article the date filter keeps."""
    dates = ["2026-10-01T23:30:00+14:00", "2026-09-30T12:00:00-12:00", "2026-10-01", None,
             "2025-01-01T00:00:00+07:00", "2026-10-02T06:59:00+07:00", None,
             "2026-09-30T23:59:59+00:00", "2026-10-03T00:00:00Z", "2026-09-01"]
    for number, published in enumerate(dates, start=1):
        archive.add_article(article(number, f"Pekerja migran {number} pulang.",
                                    published_at=published))
    archive.db.execute("UPDATE articles SET first_seen_at = ? WHERE id = 4",
                       ["2026-09-15T00:00:00+00:00"])  # an undated one seen long ago
    for since in ("2026-09-30T10:00:00+00:00", "2026-10-01T00:00:00+00:00",
                  "2026-10-01T23:00:00+00:00", "2030-01-01T00:00:00+00:00"):
        expected = sorted(row[0] for row in archive.db.conn.execute(
            f"SELECT id FROM articles WHERE {searching.DAY} >= datetime(?)", [since]))
        found = sorted(h.id for h in archive.search('"pekerja"', since=since, limit=50))
        newest = sorted(h.id for h in archive.search('"pekerja"', since=since, limit=50,
                                                     newest_first=True))
        exported = [row["id"] for row in archive.export(
            '"pekerja"', ArticleFilter(since=since), ("id",))]
        assert found == newest == exported == expected, since
