"""Dates on the command line: absolute (2026-11-01) or relative to now (7d, 12h, 30m)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

_RELATIVE = re.compile(r"(\d+(?:\.\d+)?)\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str | None, now: datetime | None = None) -> str | None:
    """An ISO 8601 UTC timestamp for ``value``, or None when no value was given."""
    if value is None:
        return None
    found = _RELATIVE.fullmatch(value.strip().lower())
    if found:
        delta = timedelta(**{_UNITS[found.group(2)]: float(found.group(1))})
        return ((now or datetime.now(UTC)) - delta).isoformat(timespec="seconds")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a date (2026-11-01) nor an age (7d, 12h, 30m)") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
