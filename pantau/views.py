"""How results look on the terminal: tables and summaries built with rich."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from alerts import Rule
from pantau.pipeline import RunSummary
from pantau.sources import EntryCheck, SourceStatus
from storage import Alert, Archive, DestinationState, SearchHit

_HIGHLIGHT = re.compile(r"\\?\*\\?\*(.+?)\\?\*\\?\*")


def highlighted(snippet: str) -> str:
    """A snippet with its ``**hits**`` as rich markup, everything else escaped."""
    return _HIGHLIGHT.sub(r"[bold yellow]\1[/]", escape(snippet))


def hits_table(hits: Sequence[SearchHit], query: str) -> Table:
    """Search hits: title, source, date and the highlighted snippet."""
    table = Table(title=f"{len(hits)} hits for {escape(query)}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("title / snippet", ratio=3)
    table.add_column("source")
    table.add_column("published", no_wrap=True)
    for hit in hits:
        story = f"[bold][link={hit.url}]{escape(hit.title or hit.url)}[/link][/]\n"
        story += highlighted(hit.snippet)
        if hit.terms:
            story += f"\n[dim]terms: {escape(', '.join(hit.terms))}[/]"
        if hit.rules:
            story += f"\n[dim]rules: {escape(', '.join(hit.rules))}[/]"
        if hit.cluster_size > 1:
            story += f"\n[dim]also carried by {hit.cluster_size - 1} other outlet(s)[/]"
        source = hit.source + (f"\n[dim]{escape(hit.language)}[/]" if hit.language else "")
        table.add_row(str(hit.id), story, source, (hit.published_at or "")[:16])
    return table


def rules_table(rules: Sequence[Rule]) -> Table:
    """Rules: name, what they are about, their query and filters."""
    table = Table(title=f"{len(rules)} rules", show_lines=True)
    for column in ("name", "query", "filters"):
        table.add_column(column)
    for rule in rules:
        filters = [f"sources: {', '.join(rule.sources)}" if rule.sources else "",
                   f"languages: {', '.join(rule.languages)}" if rule.languages else "",
                   f"max age: {rule.max_age_days:g} d"]
        table.add_row(f"[bold]{escape(rule.name)}[/]\n[dim]{escape(rule.description)}[/]",
                      escape(" ".join(rule.query.split())),
                      "\n".join(f for f in filters if f))
    return table


def print_backtest(console: Console, result: dict[str, Any]) -> None:
    """What a rule would have fired on: the count, a bar per day, the newest examples."""
    since = f" since {result['since'][:10]}" if result["since"] else ""
    console.print(f"[bold]{escape(result['rule'])}[/] would have matched "
                  f"[bold]{result['count']}[/] articles{since}.")
    days = result["per_day"]
    if days:
        table = Table("day", "articles", "")
        most = max(days.values())
        for day, count in days.items():
            table.add_row(day, str(count), "█" * max(1, round(20 * count / most)))
        console.print(table)
    for example in result["examples"]:
        console.print(f"\n[bold]{escape(example['title'] or example['url'])}[/] "
                      f"[dim]{escape(example['source'])} {(example['published_at'] or '')[:16]}"
                      f"[/]\n{highlighted(example['snippet'])}\n"
                      f"[dim]terms: {escape(', '.join(example['terms']))}[/]", soft_wrap=True)


def alert_table(alerts: Sequence[Alert]) -> Table:
    """Alerts: where, what, which rule and terms, and how delivery went."""
    table = Table(title=f"{len(alerts)} alerts", show_lines=True)
    for column in ("id", "status", "destination", "rules / terms", "article", "tries / error"):
        table.add_column(column)
    for alert in alerts:
        table.add_row(
            str(alert.id), "held (destination broken)" if alert.held else alert.status,
            alert.destination,
            f"{escape(', '.join(alert.rules))}\n[dim]{escape(', '.join(alert.terms))}[/]",
            escape(alert.title or alert.url),
            f"{alert.attempts}" + (f"\n[red]{escape(alert.last_error)}[/]"
                                   if alert.last_error else ""),
        )
    return table


def status_dict(status: SourceStatus) -> dict[str, Any]:
    """A source's health as a JSON-ready dict."""
    health = asdict(status.health) if status.health else {}
    return {"source": status.source.name, "title": status.source.title,
            "verified": status.source.verified, "silent": status.silent, **health}


def sources_table(statuses: Sequence[SourceStatus]) -> Table:
    """Sources with their last success, last error and recent articles."""
    table = Table(title="Sources", show_lines=False)
    for column in ("source", "last success", "last error", "7 days", "last article", "note"):
        table.add_column(column)
    for status in statuses:
        health = status.health
        note = "[red]silent[/]" if status.silent else ""
        if not status.source.verified:
            note += (" " if note else "") + "[dim]unverified[/]"
        if health is None:
            table.add_row(status.source.name, "never crawled", "", "0", "", note)
            continue
        error = f"{_when(health.last_error_at)}\n[dim]{escape((health.last_error or '')[:80])}[/]" \
            if health.last_error_at else ""
        table.add_row(status.source.name, _when(health.last_success_at), error,
                      str(health.articles_7d), _when(health.last_article_at), note)
    return table


def checks_table(checks: Sequence[EntryCheck]) -> Table:
    """Entry points with what they answered and how many article links they hold."""
    table = Table(title="Entry points", show_lines=False)
    for column in ("source", "kind", "url", "status", "links", "problem"):
        table.add_column(column)
    for check in checks:
        status = str(check.status) if check.status is not None else "—"
        problem = f"[red]{escape(check.problem)}[/]" if check.problem else "[green]ok[/]"
        table.add_row(check.source, check.kind, escape(check.url), status, str(check.found),
                      problem)
    return table


def _when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else "—"


def destination_table(states: Sequence[DestinationState],
                      configured: Mapping[str, Any]) -> Table:
    """Destinations: kind, schedule, state, and how many alerts wait, failed or went out."""
    table = Table(title="Destinations", show_lines=True)
    for column in ("name", "kind", "sends", "state", "pending", "failed", "sent"):
        table.add_column(column)
    for state in states:
        destination = configured.get(state.name)
        kind = destination.type if destination else "[yellow]not in the config[/]"
        sends = (f"digest {destination.digest}" if destination and destination.digest
                 else "at once")
        health = "ok" if state.status == "ok" else (
            f"[red]broken[/] since {state.broken_since}\n{escape(state.broken_reason or '')}\n"
            f"fix it, then `pantau destinations enable {escape(state.name)}`")
        if state.chat_id:
            health += f"\n[yellow]chat moved to {escape(state.chat_id)}[/]: update chat_id"
        table.add_row(escape(state.name), kind, sends, health, str(state.pending),
                      str(state.failed), str(state.sent))
    return table


def run_summary_dict(summary: RunSummary, archive: Archive, path: Path) -> dict[str, Any]:
    """A crawl pass as a JSON-ready summary."""
    return {
        "pages": summary.pages,
        "new_articles": summary.new_articles,
        "articles": archive.counts()["articles"],
        "errors": summary.errors,
        "sources": {r.source: {"pages": r.pages, "new_articles": r.new_articles,
                               "errors": r.errors} for r in summary.crawls},
        "matches_by_rule": summary.matching.matches,
        "alerts_queued": summary.matching.alerts_queued,
        "alerts_sent": summary.delivery.sent,
        "alerts_retrying": summary.delivery.retry,
        "alerts_failed": summary.delivery.failed,
        "archive": str(path),
    }


def print_run_summary(console: Console, summary: RunSummary, archive: Archive, path: Path,
                      *, as_json: bool) -> None:
    """Print what a crawl pass did."""
    data = run_summary_dict(summary, archive, path)
    if as_json:
        console.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table("source", "pages", "new articles", "errors", title="Crawl")
    for name, counts in data["sources"].items():
        table.add_row(name, str(counts["pages"]), str(counts["new_articles"]),
                      str(counts["errors"]))
    console.print(table)
    _print_tail(console, data)


def print_demo_summary(console: Console, data: dict[str, Any]) -> None:
    """Print what the demo did and what to try next."""
    console.print(f"[bold]Pantau demo[/] crawled {data['pages']} pages from the demo ministry "
                  f"and news sites; [bold]{data['articles']}[/] articles in the archive "
                  f"({data['new_articles']} new).")
    _print_tail(console, data)
    console.print(f"The chat receiver got {data['messages_received']} messages.")
    console.print("\nTry next:")
    for command in data["try_next"]:
        console.print(f"  {escape(command)}", soft_wrap=True)


def _print_tail(console: Console, data: dict[str, Any]) -> None:
    rules = Table("rule", "matches", title="Matches per rule (this run)")
    for rule, count in sorted(data["matches_by_rule"].items()):
        rules.add_row(rule, str(count))
    console.print(rules)
    console.print(f"Alerts: {data['alerts_queued']} queued, [bold]{data['alerts_sent']}[/] "
                  f"sent, {data['alerts_retrying']} to retry, {data['alerts_failed']} failed.")
    if data["errors"]:
        console.print(f"[yellow]{data['errors']} crawl errors[/] (run with -v for details).")
    console.print(f"Archive: {data['archive']}")


def print_status(console: Console, report: dict[str, Any]) -> None:
    """Print ``pantau status``."""
    daemon = report["daemon"]
    if report["up"]:
        console.print(f"[green]daemon up[/]: pid {daemon['pid']} on {daemon['host']}, since "
                      f"{_when(daemon['started_at'])}; last heartbeat "
                      f"{_when(daemon['heartbeat_at'])}")
        if daemon["running"]:
            console.print("crawling now: " + ", ".join(daemon["running"]))
    elif daemon:
        console.print(f"[red]daemon down[/] (last seen {_when(daemon['heartbeat_at'])}, "
                      f"{daemon['state']})")
    else:
        console.print("[yellow]no daemon has run on this archive[/] (start it: pantau run)")
    table = Table("source", "next crawl", "last crawl", "status", "new", "errors",
                  title="Sources")
    names = sorted({*report["last_crawls"], *(k[6:] for k in report["next_runs"]
                                               if k.startswith("crawl:"))})
    for name in names:
        last = report["last_crawls"].get(name, {})
        table.add_row(name, _when(report["next_runs"].get(f"crawl:{name}")),
                      _when(last.get("started_at")), last.get("status", ""),
                      str(last.get("new_articles", "")), str(last.get("errors", "")))
    console.print(table)
    alerts = report["alerts"]
    console.print(f"Alerts: {alerts['pending']} pending, {alerts['failed']} failed, "
                  f"{alerts['sent']} sent.")
