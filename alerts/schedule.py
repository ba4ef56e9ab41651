"""Digest schedules: "daily 08:00", "daily 08:00,17:00 Asia/Jakarta", "hourly"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DAILY = re.compile(r"daily\s+(\d{1,2}:\d{2}(?:\s*,\s*\d{1,2}:\d{2})*)(?:\s+(\S+))?")


@dataclass(frozen=True)
class Schedule:
    """When a digest goes out: at fixed times of day in a zone, or at the top of every hour."""

    times: tuple[time, ...] = ()  # empty: hourly
    zone: str | None = None  # None: the installation's time zone

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """Read a schedule; a ValueError says what is wrong and how to write it."""
        spec = " ".join(text.split()).lower()
        if spec == "hourly":
            return cls()
        found = _DAILY.fullmatch(spec)
        if not found:
            raise ValueError(f'digest {text!r} is not a schedule; write "daily 08:00", '
                             '"daily 08:00,17:00 Asia/Jakarta" or "hourly"')
        times = tuple(sorted(_time(part.strip(), text) for part in found.group(1).split(",")))
        zone = found.group(2)
        if zone:
            zone = next((z for z in (zone, text.split()[-1]) if _known_zone(z)), None)
            if zone is None:
                raise ValueError(f"digest {text!r}: unknown time zone; use a name such as "
                                 "Asia/Jakarta")
        return cls(times, zone)

    def last_slot(self, now: datetime, default_zone: str) -> datetime:
        """The latest moment at or before ``now`` when a digest was due."""
        zone = ZoneInfo(self.zone or default_zone)
        local = now.astimezone(zone)
        if not self.times:
            return local.replace(minute=0, second=0, microsecond=0)
        for days_back in range(2):
            day = (local - timedelta(days=days_back)).date()
            slots = [datetime.combine(day, at, zone) for at in self.times]
            past = [slot for slot in slots if slot <= local]
            if past:
                return past[-1]
        raise AssertionError("a daily schedule always has a slot within a day")


def _time(text: str, spec: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        raise ValueError(f"digest {spec!r}: {text} is not a time of day (00:00 to 23:59)")
    return time(hours, minutes)


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
