"""Peak memory of `pantau export` against the number of rows: it must not grow with them.

    .venv/bin/python -m bench.export_memory /tmp/pantau-100k.db [--small 10000]

Runs `pantau export` in child processes, writing to /dev/null: the first ``--small``
articles (by id) and then every article, in each format, and prints each run's peak resident
memory (the child's ``ru_maxrss``) and time. The small export is the baseline of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from storage import Archive


def until_for(db: Path, rows: int) -> str:
    """A date before which about ``rows`` articles fall (the date of article ``rows + 1``)."""
    with Archive.open(db) as archive:
        row = archive.db.conn.execute(
            "SELECT datetime(coalesce(published_at, first_seen_at)) FROM articles"
            " ORDER BY id LIMIT 1 OFFSET ?", [rows]).fetchone()
    return str(row[0]).replace(" ", "T")


def peak(db: Path, fmt: str, until: str | None) -> dict[str, Any]:
    """Export in a child process; its peak RSS in MB, seconds and rows."""
    command = [sys.executable, "-m", "pantau.cli", "export", "--db", str(db), "-f", fmt,
               "-o", os.devnull, *(["--until", until] if until else [])]
    began = time.perf_counter()
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    said = child.stderr.read() if child.stderr else ""
    if status:
        raise SystemExit(f"export failed: {said}")
    rows = int(said.split()[0].replace(",", ""))
    return {"rows": rows, "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()
    until = until_for(args.db, args.small)
    results = {}
    for fmt in ("ndjson", "json", "csv"):
        small, large = peak(args.db, fmt, until), peak(args.db, fmt, None)
        results[fmt] = {"small": small, "all": large,
                        "rss_ratio": round(large["peak_rss_mb"] / small["peak_rss_mb"], 3)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
