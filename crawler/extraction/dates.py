"""When an article was published and updated, with the time and the UTC offset the page gives.

Sources, best first: the page's machine-readable timestamps (meta tags, JSON-LD, ``<time>``) and
the dateline it shows its readers ("Jumat, 19 Juni 2015 12:58 WIB"), reconciled: the dateline
fixes the zone (WIB +07:00, WITA +08:00, WIT +09:00) when the metadata lies about it or leaves it
out. Then a relative dateline ("2 jam yang lalu"), counted back from when the page was fetched.
Indonesian and English month and day names are parsed by the regular expressions here: they cost
microseconds where dateparser costs milliseconds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from lxml.html import HtmlElement

from crawler.extraction import xpath

_ZONES = {"wib": 7, "wita": 8, "wit": 9, "gmt": 0, "utc": 0}
_MONTHS = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7,
    "agu": 8, "ags": 8, "agt": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11,
    "nop": 11, "des": 12, "dec": 12,
}
_SHOWN = re.compile(
    r"""(?:(?P<day>\d{1,2})\s+(?P<month>[a-z]{3,9})\.?,?\s+(?P<year>\d{4})
         | (?P<d2>\d{1,2})[/-](?P<m2>\d{1,2})[/-](?P<y2>\d{4})
         | (?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))
        (?:\s*(?:[,|/-]|\bat\b|\bpukul\b|\bjam\b)?\s*
           (?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?\s*
           (?P<zone>wib|wita|wit|gmt|utc|[+-]\d{2}:?\d{2})?\b)?""",
    re.IGNORECASE | re.VERBOSE,
)
_STAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})[:-](\d{2})(?:[:-](\d{2}))?(?:\.\d+)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_RELATIVE = re.compile(
    r"(\d+)\s*(detik|menit|jam|hari|minggu|pekan|seconds?|minutes?|hours?|days?|weeks?)"
    r"\s+(?:yang\s+)?(?:lalu|ago)\b", re.IGNORECASE,
)
_UNITS = {"detik": 1, "second": 1, "menit": 60, "minute": 60, "jam": 3600, "hour": 3600,
          "hari": 86400, "day": 86400, "minggu": 604800, "pekan": 604800, "week": 604800}
_UPDATED_WORDS = re.compile(r"diperbarui|diupdate|update|pembaruan|revisi", re.IGNORECASE)
_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "pubdate", "publishdate", "publish-date", "date", "dc.date",
    "dc.date.issued", "dc.date.created", "content_publisheddate", "parsely-pub-date",
    "sailthru.date", "datecreated",
)
_UPDATED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "last-modified",
                 "dc.date.modified")
_META = xpath(
    "//meta[@content][contains(@property, 'time') or contains(@property, 'date')"
    " or contains(@name, 'date') or contains(@name, 'Date') or contains(@itemprop, 'date')"
    " or contains(@itemprop, 'Date') or contains(@http-equiv, 'modified')"
    " or @name='pubdate' or @name='publishdate' or @name='sailthru.date']")
_JSON_LD = xpath("//script[@type='application/ld+json']/text()")
# Only the story's own <time>: listings of other stories on the page use <time> too.
# One pass over the tree (a union of two paths walks it twice), testing @datetime first.
_TIME = xpath("//*[@datetime][self::time[@pubdate] or @itemprop='datePublished'"
              " or @itemprop='dateModified']")
_ZONED_TEXT = xpath(
    ".//text()[(contains(., 'WIB') or contains(., 'WIT') or contains(., 'wib'))"
    " and not(ancestor::script) and not(ancestor::style)]")
_RELATIVE_TEXT = xpath(
    "//body//text()[(contains(., 'lalu') or contains(., 'ago')) and string-length(.) < 60"
    " and not(ancestor::script) and not(ancestor::style)]")
_H1 = xpath("//h1")
MAX_DATELINE_CHARS = 200
# How many levels above the headline its dateline is looked for first.
DATELINE_LEVELS = 4
# A link with this much text is a headline: a dateline beside it is that story's.
MIN_TEASER_LINK_CHARS = 20


@dataclass(frozen=True)
class PageDates:
    """The page's own dates: ISO 8601 with offset, or a bare date when it gives no time."""

    published_at: str | None
    updated_at: str | None
    published_from: str | None


@dataclass(frozen=True)
class _Stamp:
    value: datetime | date
    updated: bool = False


def page_dates(tree: HtmlElement, headline: str | None, fetched_at: datetime, *,
               zoned: bool = True) -> PageDates:
    """The publication and update dates a page states, and where the publication date was read.

    ``published_from``: ``page`` (a machine-readable timestamp, its zone checked against the
    dateline), ``page-text`` (the dateline shown to readers), ``page-relative`` ("2 jam yang
    lalu", counted from ``fetched_at``) or ``page-date`` (a day without time). ``zoned=False``
    says the page's source names no zone, which spares a search through all of its text.
    """
    machine = _machine_stamps(tree)
    published_meta = next((s.value for s in machine if not s.updated), None)
    updated_meta = next((s.value for s in machine if s.updated), None)
    shown = _shown_stamps(tree, headline, published_meta, zoned)
    published_shown = next((s.value for s in shown if not s.updated), None)
    updated_shown = next((s.value for s in shown if s.updated), None)
    published, origin = _reconcile(published_meta, published_shown)
    if published is None:
        relative = _relative(tree, fetched_at)
        if relative is not None:
            published, origin = relative, "page-relative"
    updated = _updated(updated_meta, updated_shown, published_shown)
    if updated is not None and published is not None and not _later(updated, published):
        updated = None
    return PageDates(_iso(published), _iso(updated), origin if published else None)


def parse_shown(text: str) -> datetime | date | None:
    """A date as a page shows it: "Jum'at, 19 Juni 2015 | 13:12 WIB", "17/06/2015, 09:45"."""
    found = _SHOWN.search(text)
    if not found:
        return None
    parts = found.groupdict()
    try:
        if parts["day"]:
            month = _MONTHS.get(parts["month"][:3].casefold())
            if month is None:
                return None
            day = date(int(parts["year"]), month, int(parts["day"]))
        elif parts["d2"]:
            day = date(int(parts["y2"]), int(parts["m2"]), int(parts["d2"]))
        else:
            day = date(int(parts["y3"]), int(parts["m3"]), int(parts["d3"]))
        if parts["hour"] is None:
            return day
        moment = datetime(day.year, day.month, day.day, int(parts["hour"]),
                          int(parts["minute"]), int(parts["second"] or 0))
    except ValueError:
        return None
    zone = _zone(parts["zone"])
    return moment.replace(tzinfo=zone) if zone else moment


def parse_stamp(value: str) -> datetime | date | None:
    """A machine-readable timestamp, leniently: "2015-06-16T14-05-11Z", "...+07:00Z"."""
    found = _STAMP.search(value)
    if not found:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute),
                          int(second or 0))
    except ValueError:
        return None
    tz = _zone(zone)
    return moment.replace(tzinfo=tz) if tz else moment


def _zone(name: str | None) -> timezone | None:
    if not name:
        return None
    if name.upper() == "Z":
        return UTC
    if name.casefold() in _ZONES:
        return timezone(timedelta(hours=_ZONES[name.casefold()]))
    sign = -1 if name[0] == "-" else 1
    digits = name[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _machine_stamps(tree: HtmlElement) -> list[_Stamp]:
    """The page's machine-readable dates, the most precise of each kind first."""
    found: list[_Stamp] = []
    for meta in _META(tree):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").casefold()
        if key in _PUBLISHED_KEYS or key in _UPDATED_KEYS:
            _add(found, meta.get("content", ""), key in _UPDATED_KEYS)
    for element in _TIME(tree):
        _add(found, element.get("datetime", ""), element.get("itemprop") == "dateModified")
    for block in _JSON_LD(tree):
        for item in _json_items(block):
            for key, updated in (("datePublished", False), ("dateModified", True)):
                if isinstance(item.get(key), str):
                    _add(found, item[key], updated)
    return sorted(found, key=_precision)


def _add(found: list[_Stamp], value: str, updated: bool) -> None:
    stamp = parse_stamp(value) or parse_shown(re.sub(r"<[^>]*>", " ", value))
    if stamp is not None:
        found.append(_Stamp(stamp, updated))


def _precision(stamp: _Stamp) -> int:
    value = stamp.value
    if isinstance(value, datetime):
        return 0 if value.tzinfo else 1
    return 2


def _json_items(block: str) -> list[dict[str, Any]]:
    """The objects of a JSON-LD block, ``@graph`` members included."""
    try:
        data = json.loads(block)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    graph = [part for item in items if isinstance(item, dict)
             for part in item.get("@graph", []) if isinstance(part, dict)]
    return [item for item in items + graph if isinstance(item, dict)]


def _shown_stamps(tree: HtmlElement, headline: str | None, meta: datetime | date | None,
                  zoned: bool) -> list[_Stamp]:
    """Datelines with a zone shown on the page, the one that belongs to the story first.

    A page lists other stories' datelines too, beside links to them; the story's own is near
    its headline (looked for around the ``<h1>`` first, the nearest first), and on the day its
    metadata names.
    """
    heading = _headline_element(tree, headline)
    scope = _surroundings(heading) if heading is not None else None
    found = _datelines(scope) if scope is not None else []
    if len(found) > 1 and heading is not None and scope is not None:
        found = _nearest_first(heading, found)
    if not found and zoned:
        found = _datelines(tree)
    if meta is not None:
        same_day = [item for item in found if _day(item[1].value) == _day(meta)]
        found = same_day or found
    return [stamp for _, stamp in found]


def _surroundings(heading: HtmlElement) -> HtmlElement:
    """The part of the page around the headline where its dateline is looked for first."""
    scope = heading
    for _ in range(DATELINE_LEVELS):
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        scope = parent
    return scope


def _datelines(scope: HtmlElement) -> list[tuple[HtmlElement, _Stamp]]:
    """The zoned datelines under ``scope`` that are not teasers of other stories."""
    found: list[tuple[HtmlElement, _Stamp]] = []
    for node in _ZONED_TEXT(scope):
        parent = node.getparent()
        if parent is None:
            continue
        text = parent.text_content()
        if len(text) > MAX_DATELINE_CHARS:
            text = str(node)
        value = parse_shown(text)
        if isinstance(value, datetime) and value.tzinfo is not None \
                and not _beside_a_headline_link(parent):
            found.append((parent, _Stamp(value, bool(_UPDATED_WORDS.search(text)))))
    return found


def _nearest_first(heading: HtmlElement,
                   found: list[tuple[HtmlElement, _Stamp]]) -> list[tuple[HtmlElement, _Stamp]]:
    """Datelines by their distance to the headline in the page's source lines."""
    anchor = heading.sourceline or 0
    return sorted(found, key=lambda item: abs((item[0].sourceline or 0) - anchor))


def _beside_a_headline_link(element: HtmlElement) -> bool:
    """Whether a dateline sits in a teaser of another story: next to a link to it."""
    for holder in (element, element.getparent()):
        if holder is None:
            return False
        if any(len(link.text_content().strip()) >= MIN_TEASER_LINK_CHARS
               for link in holder.iter("a")):
            return True
    return False


def _headline_element(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    headings = _H1(tree)
    wanted = _squash(headline) if headline else ""
    for heading in headings:
        if wanted and _squash(heading.text_content()) == wanted:
            return heading
    # Without a headline to match, one <h1> alone is the headline; among several, none is.
    return headings[0] if len(headings) == 1 and not wanted else None


def _relative(tree: HtmlElement, fetched_at: datetime) -> datetime | None:
    for node in _RELATIVE_TEXT(tree):
        found = _RELATIVE.search(str(node))
        if found:
            unit = _UNITS[found.group(2).casefold().rstrip("s")]
            moment = fetched_at - timedelta(seconds=int(found.group(1)) * unit)
            return moment.replace(second=0, microsecond=0)
    return None


def _reconcile(machine: datetime | date | None,
               shown: datetime | date | None) -> tuple[datetime | date | None, str | None]:
    """One date from the metadata's and the dateline's, the dateline deciding the zone."""
    if isinstance(shown, datetime) and shown.tzinfo is not None:
        zone = shown.tzinfo
        if isinstance(machine, datetime) and machine.tzinfo is not None:
            if _wall_clock(machine) == _wall_clock(shown) and machine.utcoffset() != \
                    shown.utcoffset():
                # The metadata wrote the local time with the wrong zone (often "Z").
                return machine.replace(tzinfo=zone), "page"
            return machine.astimezone(zone), "page"
        if isinstance(machine, datetime) and _wall_clock(machine) == _wall_clock(shown):
            return machine.replace(tzinfo=zone), "page"
        return shown, "page-text"
    if isinstance(machine, datetime) and machine.tzinfo is not None:
        return machine, "page"
    if machine is not None:
        return _day(machine), "page-date"
    if shown is not None:
        return _day(shown), "page-date"
    return None, None


def _updated(machine: datetime | date | None, shown: datetime | date | None,
             published_shown: datetime | date | None) -> datetime | date | None:
    """The update date, in the zone of the page's datelines when it shows one."""
    if shown is not None:
        return _reconcile(machine, shown)[0]
    zone = published_shown.tzinfo if isinstance(published_shown, datetime) else None
    if isinstance(machine, datetime) and zone is not None:
        return machine.astimezone(zone) if machine.tzinfo else machine.replace(tzinfo=zone)
    return _reconcile(machine, None)[0]


def _later(updated: datetime | date, published: datetime | date) -> bool:
    if isinstance(updated, datetime) and isinstance(published, datetime) \
            and (updated.tzinfo is None) == (published.tzinfo is None):
        return updated > published
    return _day(updated) > _day(published)


def _wall_clock(moment: datetime) -> tuple[int, ...]:
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute)


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())
