"""The weekly briefing: one self-contained HTML page (``pantau report``).

What a desk reads on Monday: matches per rule per day as a chart, the stories most outlets
carried, the sources that went silent and the alerts that did not get through. The page holds
everything it shows — CSS inline, the chart an inline SVG drawn here, no script, no font, no
image from elsewhere — so it can be mailed, archived or opened offline as one file. Links
go to the articles themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path

from crawler.sources import Source
from pantau.sources import SourceStatus, source_statuses
from storage import Alert, Archive, ArticleFilter, Story

# Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito, then Tol).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000", "#882255", "#44AA99", "#999933", "#AA4499")
CHART_WIDTH, CHART_HEIGHT = 880, 300
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 44, 40, 12


@dataclass(frozen=True)
class Briefing:
    """What the report shows, read from the archive."""

    since: datetime
    until: datetime
    per_day: list[tuple[str, str, int]]  # (day, rule, articles)
    stories: list[Story]
    silent: list[SourceStatus]
    failed: list[Alert]
    sources_known: bool  # False without a config: silence cannot be judged


def gather(archive: Archive, since: datetime, until: datetime,
           sources: Sequence[Source] | None, stories: int = 10) -> Briefing:
    """Read the briefing's figures for the period from the archive."""
    where = ArticleFilter(since.isoformat(timespec="seconds"),
                          until.isoformat(timespec="seconds"))
    statuses = source_statuses(sources, archive, now=until) if sources is not None else []
    # Every alert that still needs a person, however old: each one is a story nobody got.
    failed = archive.alerts(failed=True, limit=200)
    return Briefing(since, until, archive.matches_per_day(where),
                    archive.top_stories(where, stories), [s for s in statuses if s.silent],
                    failed, sources is not None)


def render(briefing: Briefing) -> str:
    """The briefing as one HTML page."""
    period = f"{briefing.since:%d %b %Y} – {briefing.until:%d %b %Y}"
    matched = sum(count for _, _, count in briefing.per_day)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Pantau briefing, {escape(period)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Pantau briefing</h1><p class=\"period\">{escape(period)} (UTC)</p>"
        f"<p class=\"totals\"><b>{matched}</b> matches · <b>{len(briefing.stories)}</b> top "
        f"stories · <b>{len(briefing.silent)}</b> silent sources · "
        f"<b>{len(briefing.failed)}</b> failed alerts</p></header>"
        f"<section><h2>Matches per topic per day</h2>{chart(briefing)}</section>"
        f"<section><h2>Top stories</h2>{stories_table(briefing.stories)}</section>"
        f"<section><h2>Sources gone silent</h2>{silent_list(briefing)}</section>"
        f"<section><h2>Failed alerts</h2>{failed_table(briefing.failed)}</section>"
        f"<footer>Made by <code>pantau report</code> on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</footer></body></html>\n")


def days_of(since: datetime, until: datetime) -> list[str]:
    """Every day (UTC) the period touches, as ISO dates."""
    first, last = since.astimezone(UTC).date(), (until - timedelta(seconds=1)).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def chart(briefing: Briefing) -> str:
    """Matches per rule per day as stacked bars in inline SVG, with a legend."""
    days = days_of(briefing.since, briefing.until)
    rules = sorted({rule for _, rule, _ in briefing.per_day})
    if not rules:
        return "<p class=\"empty\">No rule matched an article in this period.</p>"
    counts = {(day, rule): n for day, rule, n in briefing.per_day}
    colours = {rule: PALETTE[i % len(PALETTE)] for i, rule in enumerate(rules)}
    top = nice_ceiling(max(sum(counts.get((d, r), 0) for r in rules) for d in days))
    plot_h = CHART_HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = (CHART_WIDTH - MARGIN_LEFT) / len(days)
    parts = _grid(top, plot_h)
    for index, day in enumerate(days):
        x = MARGIN_LEFT + index * slot + slot * 0.15
        base = float(MARGIN_TOP + plot_h)
        for rule in rules:
            n = counts.get((day, rule), 0)
            if not n:
                continue
            height = plot_h * n / top
            base -= height
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" '
                         f'height="{height:.1f}" fill="{colours[rule]}"><title>'
                         f'{escape(day)} · {escape(rule)}: {n}</title></rect>')
        if len(days) <= 16 or index % max(1, len(days) // 12) == 0:
            label = date.fromisoformat(day).strftime("%a %d %b")
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{CHART_HEIGHT - 22}" '
                         f'class="tick" text-anchor="middle">{label}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {CHART_WIDTH} '
           f'{CHART_HEIGHT}" width="100%" aria-label="Matches per rule per day">'
           + "".join(parts) + "</svg>")
    legend = "".join(f'<li><span class="swatch" style="background:{colours[r]}"></span>'
                     f'{escape(r)} <span class="n">{sum(counts.get((d, r), 0) for d in days)}'
                     "</span></li>" for r in rules)
    return f'<figure class="chart">{svg}<ul class="legend">{legend}</ul></figure>'


def _grid(top: int, plot_h: float) -> list[str]:
    """Horizontal grid lines with their counts, at five steps of the axis."""
    lines = []
    for step in range(6):
        value = top * step / 5
        y = MARGIN_TOP + plot_h - plot_h * step / 5
        lines.append(f'<line x1="{MARGIN_LEFT}" x2="{CHART_WIDTH}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'class="{"axis" if step == 0 else "grid"}"/>'
                     f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" class="tick" '
                     f'text-anchor="end">{value:g}</text>')
    return lines


def nice_ceiling(value: int) -> int:
    """The smallest of 5, 10, 20, 25, 50, 100, 200, 250, 500, ... at or above ``value``."""
    scale = 1
    while True:
        for step in (5, 10, 20, 25, 50):
            if value <= step * scale:
                return step * scale
        scale *= 10


def stories_table(stories: Sequence[Story]) -> str:
    """The period's matched stories, by how many outlets carried them."""
    if not stories:
        return "<p class=\"empty\">No matched stories in this period.</p>"
    rows = "".join(
        f"<tr><td class=\"num\">{len(s.outlets)}</td><td><a href=\"{escape(s.url)}\">"
        f"{escape(s.title or s.url)}</a><div class=\"sub\">{escape(', '.join(s.outlets))}"
        f"</div></td><td>{escape(', '.join(s.rules))}</td>"
        f"<td class=\"when\">{escape((s.published_at or '')[:10])}</td></tr>" for s in stories)
    return ("<table><thead><tr><th>outlets</th><th>story</th><th>rules</th><th>published"
            f"</th></tr></thead><tbody>{rows}</tbody></table>")


def silent_list(briefing: Briefing) -> str:
    """Sources with no new article for far longer than they usually take."""
    if not briefing.sources_known:
        return ("<p class=\"empty\">No config was given: which sources should have "
                "published is unknown.</p>")
    if not briefing.silent:
        return "<p class=\"empty\">Every source published as usual.</p>"
    items = "".join(
        f"<li><b>{escape(s.source.name)}</b> — last article "
        f"{escape(_when(s.health.last_article_at if s.health else None))}, usually every "
        f"{escape(s.source.update_interval)}; last error: "
        f"{escape((s.health.last_error or 'none') if s.health else 'none')}</li>"
        for s in briefing.silent)
    return f"<ul class=\"silent\">{items}</ul>"


def failed_table(alerts: Sequence[Alert]) -> str:
    """Alerts that failed, or wait on a broken destination."""
    if not alerts:
        return "<p class=\"empty\">Every alert got through.</p>"
    rows = "".join(
        f"<tr><td class=\"num\">{a.id}</td><td>{escape(a.destination)}</td>"
        f"<td>{'held: destination broken' if a.held else escape(a.status)}</td>"
        f"<td><a href=\"{escape(a.url)}\">{escape(a.title or a.url)}</a></td>"
        f"<td>{escape(a.last_error or '')}</td></tr>" for a in alerts)
    return ("<table><thead><tr><th>alert</th><th>destination</th><th>state</th><th>story</th>"
            f"<th>last error</th></tr></thead><tbody>{rows}</tbody></table>"
            "<p class=\"hint\">Queue one again with <code>pantau alerts retry ID</code>.</p>")


def _when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else "never"


def write_report(archive: Archive, out: Path, since: datetime, until: datetime,
                 sources: Sequence[Source] | None) -> Briefing:
    """Gather the briefing and write it to ``out``."""
    briefing = gather(archive, since, until, sources)
    out.write_text(render(briefing), encoding="utf-8")
    return briefing


CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;
 max-width:960px;margin:0 auto;padding:24px;background:#fff}
h1{margin:0;font-size:26px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;
 padding-bottom:4px}.period{margin:2px 0;color:#555}.totals{margin:8px 0 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;
 vertical-align:top;border-bottom:1px solid #eee}th{font-size:13px;color:#555}
td.num{text-align:right;font-weight:600;width:4em}td.when{white-space:nowrap;color:#555}
.sub{font-size:13px;color:#666}a{color:#0b57a4;text-decoration:none}a:hover{text-decoration:
 underline}.empty,.hint{color:#666}figure.chart{margin:0}svg text.tick{font-size:11px;
 fill:#555}svg line.grid{stroke:#e6e6e6}svg line.axis{stroke:#999}
ul.legend{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:6px 18px;
 font-size:13px}.swatch{display:inline-block;width:11px;height:11px;margin-right:5px;
 border-radius:2px;vertical-align:-1px}.legend .n{color:#777}ul.silent li{margin:4px 0}
footer{margin-top:32px;font-size:12px;color:#888}
"""
