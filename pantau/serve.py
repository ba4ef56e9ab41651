"""The archive in Datasette, read-only (``pantau serve``).

Datasette gets the archive with its tables and columns described, full-text search on
articles, facets and canned queries (``datasette.toml`` beside this module), and Pantau's SQL
functions (:mod:`pantau.datasette_plugin`). Two guards keep it read-only: Datasette opens a live
archive with ``mode=ro`` connections (``--immutable`` for a copy nothing writes to), and every
connection is ``PRAGMA query_only``, so not even a plugin's write can land. The daemon keeps
writing meanwhile; new articles show up on the next page load.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import sqlite3
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from pantau import datasette_plugin
from pantau.exceptions import PantauError

logger = logging.getLogger(__name__)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
SETTINGS = {
    "facet_time_limit_ms": 1000,  # facets over a year of articles
    "sql_time_limit_ms": 3000,
    "default_page_size": 50,
    "suggest_facets": False,  # trying every column of a large archive on each page is slow
    "allow_download": False,  # the file is the live archive; `pantau export` is for copies
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an archive served under the name ``database``."""
    text = resources.files("pantau").joinpath("datasette.toml").read_text(encoding="utf-8")
    described = tomllib.loads(text)
    tables, queries = described.pop("tables"), described.pop("queries")
    return {**described, "databases": {database: {"tables": tables, "queries": queries}}}


class ReadOnly:
    """A Datasette plugin that makes every connection refuse writes.

    Registered as the class itself: Datasette lists plugins by ``__name__``.
    """

    @staticmethod
    @hookimpl  # type: ignore[untyped-decorator]  # datasette ships no type hints
    def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
        if database != "_internal":  # Datasette's own in-memory catalogue, which it writes
            conn.execute("PRAGMA query_only = 1")


def datasette(path: Path, *, immutable: bool = False) -> Datasette:
    """A Datasette over the archive at ``path``, read-only, described and searchable."""
    if not path.exists():
        raise PantauError(f"{path}: no archive there; give --db or run `pantau crawl` first")
    _register(datasette_plugin, "pantau")
    _register(ReadOnly, "pantau-read-only")
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    return Datasette(**files, metadata=metadata(path.stem), settings=SETTINGS)


def _register(plugin: object, name: str) -> None:
    # The entry point registers the functions plugin when Pantau is installed; a plugin
    # registered twice is an error.
    if not pm.is_registered(plugin) and pm.get_plugin(name) is None:
        pm.register(plugin, name=name)


def check_host(host: str) -> str | None:
    """A warning if ``host`` is reachable from other machines (None for loopback)."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    return None if loopback else (f"serving on {host}: anyone who can reach this machine can "
                                  "read the archive (use the default 127.0.0.1 to keep it local)")


def serve(path: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          immutable: bool = False) -> None:
    """Serve the archive until interrupted."""
    import uvicorn  # Datasette's own server

    app = datasette(path, immutable=immutable)
    asyncio.run(app.invoke_startup())
    logger.info("serving %s on http://%s:%d/", path, host, port)
    uvicorn.run(app.app(), host=host, port=port, log_level="warning", lifespan="on")
