"""`pantau serve`: the archive in Datasette, described, searchable and read-only."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pantau.datasette_plugin import pantau_fts, register
from pantau.exceptions import PantauError
from pantau.serve import check_host, datasette, metadata
from storage import Archive
from tests.conftest import article


def described(path: Path) -> dict[str, Any]:
    return dict(metadata(path.stem)["databases"][path.stem])


def test_every_table_and_column_is_described(archive: Archive) -> None:
    tables = described(archive.path)["tables"]
    names = [row[0] for row in archive.db.conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        " AND name NOT LIKE 'articles_fts%' AND name NOT LIKE 'sqlite_%'")]
    assert sorted(names) == sorted(tables)
    for name in names:
        columns = [row[1] for row in archive.db.conn.execute(f"PRAGMA table_info({name})")]
        assert tables[name]["description"]
        assert sorted(tables[name]["columns"]) == sorted(columns), name
        for facet in tables[name].get("facets", []):
            column = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert column in columns, (name, facet)


def test_the_canned_queries_run_on_an_archive(archive: Archive) -> None:
    archive.add_article(article(1, "Pekerja migran asal Indramayu dipulangkan dari Taiwan."))
    queries = described(archive.path)["queries"]
    assert {"search", "latest_alerts", "matches_per_rule_per_week", "failed_deliveries",
            "source_health"} <= set(queries)
    conn = sqlite3.connect(archive.path)
    register(conn)
    for name, query in queries.items():
        rows = conn.execute(query["sql"], {"q": '"pekerja migran" ~pulang'}).fetchall()
        assert query["title"] and query["description"]
        assert rows if name == "search" else True, name
    conn.close()


def test_pantau_fts_compiles_the_rules_language() -> None:
    assert pantau_fts('"pekerja migran" OR ~penempatan') == \
        '({title text} : "pekerja migran" OR {title_stem text_stem} : "tempat")'
    with pytest.raises(ValueError, match="at character"):
        pantau_fts("(TKI OR")


def test_datasette_searches_and_refuses_writes(archive: Archive) -> None:
    archive.add_article(article(1, "Pekerja migran asal Indramayu dipulangkan dari Taiwan."))
    archive.add_article(article(2, "Harga cabai naik di pasar Semarang."))
    ds = datasette(archive.path)
    name = archive.path.stem

    async def scenario() -> tuple[Any, Any, Exception | None]:
        found = await ds.client.get(f"/{name}/articles.json?_search=taiwan&_shape=objects")
        canned = await ds.client.get(f"/{name}/search.json?q=~pulang&_shape=objects")
        try:
            await ds.databases[name].execute_write("DELETE FROM articles")
        except sqlite3.OperationalError as error:
            return found, canned, error
        return found, canned, None

    found, canned, refused = asyncio.run(scenario())
    assert [row["id"] for row in found.json()["rows"]] == [1]
    assert [row["id"] for row in canned.json()["rows"]] == [1]
    assert refused is not None and "readonly" in str(refused)
    assert archive.counts()["articles"] == 2


def test_a_missing_archive_is_named(tmp_path: Path) -> None:
    with pytest.raises(PantauError, match="no archive there"):
        datasette(tmp_path / "nothing.db")


def test_only_loopback_is_quiet() -> None:
    assert check_host("127.0.0.1") is None and check_host("::1") is None
    assert check_host("localhost") is None
    assert "anyone who can reach" in (check_host("0.0.0.0") or "")  # noqa: S104  # the point
