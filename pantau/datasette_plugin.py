"""Pantau's SQL functions in Datasette: the archive opens there as it does in Pantau.

Installed as a Datasette plugin (entry point ``datasette: pantau``), so plain
``datasette archive.db`` can use them too. ``pantau_analyze`` is what the full-text index's
triggers and its content view (``articles_analysed``) call: without it, reading that view or
writing an article fails. ``pantau_fts`` compiles a query in the rules' language to FTS5, for
SQL such as ``... WHERE articles_fts MATCH pantau_fts(:q)``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from alerts import QuerySyntaxError, parse
from storage import analyse


def pantau_fts(query: str | None) -> str:
    """The FTS5 expression of a query in Pantau's language (SQL: ``pantau_fts``)."""
    try:
        return parse(query or "").fts
    except QuerySyntaxError as error:
        # SQLite reports any exception of a function as "user-defined function raised
        # exception"; the message is kept for tracebacks and logs.
        raise ValueError(str(error)) from error


def register(conn: sqlite3.Connection) -> None:
    """Register Pantau's SQL functions on a connection."""
    conn.create_function("pantau_analyze", 1, analyse, deterministic=True)
    conn.create_function("pantau_fts", 1, pantau_fts, deterministic=True)


@hookimpl  # type: ignore[untyped-decorator]  # datasette ships no type hints
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Datasette's hook, called for every connection it opens."""
    register(conn)
