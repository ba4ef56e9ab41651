"""Rows out of the archive as CSV, JSON or NDJSON, written as they come (``pantau export``,
and ``pantau search`` with ``--format``).

Nothing is gathered before it is written: a JSON array is opened, each row appended, then
closed, so exporting a year of news takes the memory of one article.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from storage import Archive, ArticleFilter, SearchHit

FORMATS = ("csv", "json", "ndjson")
HIT_COLUMNS = ("id", "title", "url", "source", "language", "published_at", "first_seen_at",
               "cluster_size", "rules", "terms", "snippet")
LIST_SEPARATOR = "; "  # lists (tags, rules, terms) in a CSV cell


def format_for(path: Path | None, chosen: str | None) -> str:
    """The format asked for, else the one the output file's suffix names, else NDJSON."""
    if chosen:
        return chosen
    suffix = path.suffix.lower().lstrip(".") if path else ""
    return {"jsonl": "ndjson"}.get(suffix, suffix) if suffix in (*FORMATS, "jsonl") \
        else "ndjson"


def write_rows(rows: Iterable[Mapping[str, Any]], fmt: str, out: TextIO,
               columns: Sequence[str]) -> int:
    """Write ``rows`` to ``out`` as ``fmt``, one at a time; returns how many were written."""
    if fmt == "csv":
        return _write_csv(rows, out, columns)
    count = 0
    if fmt == "json":
        out.write("[")
    for row in rows:
        line = json.dumps(dict(row), ensure_ascii=False)
        if fmt == "json":
            out.write(("," if count else "") + "\n" + line)
        else:
            out.write(line + "\n")
        count += 1
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count


def _write_csv(rows: Iterable[Mapping[str, Any]], out: TextIO, columns: Sequence[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
        count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return "" if value is None else value


def hit_row(hit: SearchHit) -> dict[str, Any]:
    """A search hit as an output row, in :data:`HIT_COLUMNS` order."""
    values = asdict(hit)
    return {column: list(v) if isinstance(v := values[column], tuple) else v
            for column in HIT_COLUMNS}


def export(archive: Archive, fts_query: str | None, where: ArticleFilter, fmt: str,
           out: TextIO, columns: Sequence[str]) -> int:
    """Write every article the query and filter select; returns how many were written."""
    return write_rows(archive.export(fts_query, where, columns), fmt, out, columns)
