"""``pantau status``: the daemon as seen from another process, read from the archive."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Any

from pantau.daemon import HEARTBEAT
from storage import Archive, DaemonStatus

STALE = 3 * HEARTBEAT  # seconds without a heartbeat after which the daemon counts as down


def is_up(status: DaemonStatus | None, now: datetime | None = None) -> bool:
    """Whether the daemon's heartbeat is fresh (and, on this host, its process alive)."""
    if status is None or status.state == "stopped":
        return False
    age = ((now or datetime.now(UTC)) - datetime.fromisoformat(status.heartbeat_at))
    if age.total_seconds() > STALE:
        return False
    if status.host == socket.gethostname():
        try:
            os.kill(status.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return True


def daemon_report(archive: Archive) -> dict[str, Any]:
    """Everything ``pantau status`` shows, as a JSON-ready dict."""
    status = archive.daemon_status()
    runs = {run.source: run for run in reversed(archive.crawl_runs(limit=500))}
    counts = archive.alert_counts()
    return {
        "up": is_up(status),
        "daemon": None if status is None else {
            "pid": status.pid, "host": status.host, "config": status.config,
            "state": status.state, "started_at": status.started_at,
            "heartbeat_at": status.heartbeat_at, "running": status.running},
        "next_runs": status.next_runs if status else {},
        "last_crawls": {name: {"started_at": run.started_at, "status": run.status,
                               "new_articles": run.new_articles, "errors": run.errors}
                        for name, run in sorted(runs.items())},
        "alerts": {"pending": counts.get("pending", 0) + counts.get("sending", 0),
                   "failed": counts.get("failed", 0), "sent": counts.get("sent", 0)},
    }
