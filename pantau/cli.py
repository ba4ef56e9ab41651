"""The ``pantau`` command: thin entry points over the library, errors as one clear line."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
import httpx
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table

from alerts import (
    AlertsError,
    DeliveryReport,
    QuerySyntaxError,
    Rule,
    check_rules,
    default_rule_pack,
    deliver_digests,
    deliver_due,
    parse,
    send_sample,
)
from crawler import run_on_reactor
from crawler.extract import NO_ARTICLE_JSON, extract_article
from pantau import __version__
from pantau.config import DEFAULT_PATH, Config, load
from pantau.exceptions import PantauError
from pantau.export import FORMATS, HIT_COLUMNS, export, format_for, hit_row, write_rows
from pantau.logs import JsonFormatter
from pantau.pipeline import run_once, user_agent
from pantau.progress import CrawlProgress
from pantau.rulework import backtest, match_lines, query_mistakes, read_articles, rule_dict
from pantau.sources import check_sources, source_statuses
from pantau.timespec import parse_since
from pantau.views import (
    alert_table,
    checks_table,
    destination_table,
    hits_table,
    print_backtest,
    print_run_summary,
    print_status,
    rules_table,
    sources_table,
    status_dict,
)
from storage import Archive, ArchiveError, ArticleFilter, utcnow
from storage.search import EXPORT_COLUMNS, RANK_CAP

F = TypeVar("F", bound=Callable[..., Any])
console = Console()
err_console = Console(stderr=True)


def friendly_errors(function: F) -> F:
    """Show Pantau's own errors as a message and exit status 1, not a traceback."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except QuerySyntaxError as error:
            raise click.ClickException(f"{error}\n{error.pointer()}") from error
        except (PantauError, ArchiveError, AlertsError) as error:
            raise click.ClickException(str(error)) from error

    return wrapper  # type: ignore[return-value]


def setup_logging(verbose: int, log_format: str = "plain") -> None:
    """Log to stderr: warnings by default, -v for progress, -vv for Scrapy's detail."""
    level = logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    handler: logging.Handler
    if log_format == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
    else:
        handler = RichHandler(console=err_console, show_path=False, rich_tracebacks=False)
    logging.basicConfig(level=level, format="%(name)s: %(message)s", handlers=[handler],
                        force=True)
    # httpx logs every request URL at INFO, and webhook URLs are secrets.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if verbose < 2:
        for noisy in ("scrapy", "apscheduler"):
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@click.group()
@click.version_option(__version__, prog_name="pantau")
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path),
              default=DEFAULT_PATH, envvar="PANTAU_CONFIG", show_default=True,
              help="The config file (also $PANTAU_CONFIG).")
@click.option("-v", "--verbose", count=True, help="More log output; -vv for Scrapy's too.")
@click.option("--log-format", type=click.Choice(["plain", "json"]), default="plain",
              envvar="PANTAU_LOG_FORMAT", help="Log lines for people, or JSON for machines.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: int, log_format: str) -> None:
    """Pantau: watch news sites for labour-migration stories, archive them, alert your chat."""
    setup_logging(verbose, log_format)
    ctx.obj = config_path


def _config(ctx: click.Context) -> Config:
    return load(ctx.obj)


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
@friendly_errors
def init(ctx: click.Context, force: bool) -> None:
    """Write a commented starter config with the source catalogue and the rule pack."""
    from pantau.starter import starter_config_text

    path: Path = ctx.obj
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists already; use --force to overwrite it")
    path.write_text(starter_config_text(), encoding="utf-8")
    config = load(path)
    console.print(f"Wrote {path}: {len(config.sources)} sources, {len(config.rules)} rules, "
                  f"{len(config.destinations)} destinations. Next: `pantau crawl`.")


@cli.command()
@click.pass_context
@friendly_errors
def check(ctx: click.Context) -> None:
    """Validate the config and show what it holds."""
    config = _config(ctx)
    table = Table("kind", "name", "detail", title=str(config.path))
    for source in config.sources:
        table.add_row("source", source.name, ", ".join(source.entry_points))
    for rule in config.rules:
        table.add_row("rule", rule.name, rule.description)
    for destination in config.destinations:
        table.add_row("destination", destination.name,
                      f"{destination.type} {destination.redacted_url}")
    console.print(table)
    console.print(f"archive: {config.archive_path}")


@cli.command()
@click.option("-s", "--source", "names", multiple=True, help="Crawl only this source (repeat).")
@click.option("--no-deliver", is_flag=True, help="Queue alerts but do not send them.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
@friendly_errors
def crawl(ctx: click.Context, names: tuple[str, ...], no_deliver: bool, as_json: bool) -> None:
    """Crawl the sources once, archive new articles, match rules and send alerts."""
    config = _config(ctx)
    sources = [config.source(name) for name in names] if names else list(config.sources)
    with CrawlProgress(err_console, enabled=not as_json) as progress:
        summary = run_on_reactor(lambda: run_once(config, sources=sources,
                                                  deliver=not no_deliver, progress=progress))
    with Archive.open(config.archive_path) as archive:
        print_run_summary(console, summary, archive, config.archive_path, as_json=as_json)


def _filter_options(function: F) -> F:
    """The options that choose articles, shared by ``search`` and ``export``."""
    options = [
        click.option("--since", help="Only articles from this date or age on: 2026-11-01, 7d."),
        click.option("--until", help="Only articles before this date or age."),
        click.option("-s", "--source", "sources", multiple=True,
                     help="Only this source (repeat)."),
        click.option("-l", "--lang", "--language", "languages", multiple=True,
                     help="Only articles in this language, e.g. id, en (repeat)."),
        click.option("-r", "--rule", "rules", multiple=True,
                     help="Only articles this rule matched (repeat)."),
        click.option("--db", type=click.Path(path_type=Path),
                     help="The archive (default: config's)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _article_filter(since: str | None, until: str | None, sources: tuple[str, ...],
                    languages: tuple[str, ...], rules: tuple[str, ...]) -> ArticleFilter:
    return ArticleFilter(parse_since(since), parse_since(until), sources, languages, rules)


@cli.command()
@click.argument("query", required=False)
@_filter_options
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance",
              show_default=True, help="Best first, or newest first.")
@click.option("--newest", is_flag=True, help="Same as --sort date.")
@click.option("-n", "--limit", default=20, show_default=True, help="Hits to show at most.")
@click.option("--offset", default=0, help="Skip this many hits (the next page).")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", *FORMATS]),
              default="table", show_default=True, help="How to print the hits.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.pass_context
@friendly_errors
def search(ctx: click.Context, query: str | None, since: str | None, until: str | None,
           sources: tuple[str, ...], languages: tuple[str, ...], rules: tuple[str, ...],
           db: Path | None, sort: str, newest: bool, limit: int, offset: int, fmt: str,
           as_json: bool) -> None:
    """Full-text search of the archive, in the rules' query language.

    Each hit comes with a snippet (hits in **bold**), the terms that hit, the rules that
    matched it and how many outlets carried the story. Without QUERY, --rule lists the
    articles a rule matched, newest first.

    \b
    Examples:
      pantau search '"pekerja migran" Jepang' --since 30d
      pantau search 'EPS-TOPIK OR "G to G"' --sort date --format csv > hits.csv
      pantau search 'title:deportasi NOT "PMI manufaktur"' --lang id --json
      pantau search --rule perdagangan-orang --since 7d
    """
    if query is None and not rules:
        raise click.UsageError("give a QUERY, or --rule to list what a rule matched")
    parsed = parse(query) if query is not None else None
    where = _article_filter(since, until, sources, languages, rules)
    with Archive.open(db or _config(ctx).archive_path) as archive:
        page = archive.search_page(parsed.fts if parsed else None, where,
                                   terms=parsed.labelled_patterns if parsed else (),
                                   limit=limit, offset=offset,
                                   newest_first=newest or sort == "date")
    fmt = "json" if as_json else fmt
    if fmt == "table":
        console.print(hits_table(page.hits, query or f"rule {', '.join(rules)}"))
    else:
        write_rows((hit_row(hit) for hit in page.hits), fmt, sys.stdout,
                   HIT_COLUMNS)
    if page.capped:
        err_console.print(f"[dim]more than {RANK_CAP:,} articles match: only the newest "
                          f"{RANK_CAP:,} were ranked; narrow with --since or more words[/]")


@cli.command("export")
@click.argument("query", required=False)
@_filter_options
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="Default: from the --out file's suffix, else ndjson.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write here instead of to standard output.")
@click.option("--columns", help=f"Comma-separated columns (default: all): "
                                f"{', '.join(EXPORT_COLUMNS)}.")
@click.option("--no-text", is_flag=True, help="Leave out the article text.")
@click.pass_context
@friendly_errors
def export_command(ctx: click.Context, query: str | None, since: str | None,
                   until: str | None, sources: tuple[str, ...], languages: tuple[str, ...],
                   rules: tuple[str, ...], db: Path | None, fmt: str | None,
                   out: Path | None, columns: str | None, no_text: bool) -> None:
    """Export articles (all, a date range, a query's hits) as CSV, JSON or NDJSON.

    Rows are written as they are read, oldest archived first, so any size of export runs
    in the memory of one article. The columns are described in docs/export.md.

    \b
    Examples:
      pantau export --since 2026-11-01 --until 2026-12-01 -o november.csv
      pantau export '~penempatan Taiwan' --since 90d --no-text -o taiwan.json
      pantau export --rule perdagangan-orang --format ndjson > tppo.ndjson
    """
    chosen = tuple(c.strip() for c in columns.split(",")) if columns else EXPORT_COLUMNS
    chosen = tuple(c for c in chosen if not (no_text and c == "text"))
    fmt = format_for(out, fmt)
    parsed = parse(query) if query is not None else None
    where = _article_filter(since, until, sources, languages, rules)
    with Archive.open(db or _config(ctx).archive_path) as archive:
        if out is None:
            written = export(archive, parsed.fts if parsed else None, where, fmt,
                             sys.stdout, chosen)
        else:
            with out.open("w", encoding="utf-8", newline="") as file:
                written = export(archive, parsed.fts if parsed else None, where, fmt, file,
                                 chosen)
    err_console.print(f"{written:,} articles exported" + (f" to {out}" if out else ""))


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.option("-h", "--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; anything but loopback exposes the archive.")
@click.option("-p", "--port", default=8001, show_default=True, help="The port to listen on.")
@click.option("--immutable", is_flag=True,
              help="Serve a copy that nothing writes to (faster; misses later articles).")
@click.pass_context
@friendly_errors
def serve(ctx: click.Context, db: Path | None, host: str, port: int, immutable: bool) -> None:
    """Browse the archive in Datasette, read-only: search, facets, canned queries.

    \b
    Examples:
      pantau serve                         # http://127.0.0.1:8001/
      pantau serve --db archive-copy.db --immutable --port 8080
    """
    from pantau.serve import check_host
    from pantau.serve import serve as run_server

    path = db or _config(ctx).archive_path
    if warning := check_host(host):
        err_console.print(f"[yellow]{escape(warning)}[/]")
    err_console.print(f"Serving {path} read-only on http://{host}:{port}/ (Ctrl-C stops)")
    run_server(path, host=host, port=port, immutable=immutable)


@cli.command()
@click.option("--since", default="7d", show_default=True,
              help="Start of the period: a date or an age (7d).")
@click.option("--until", help="End of the period (default: now).")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False),
              default="report.html", show_default=True, help="The HTML file to write.")
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.pass_context
@friendly_errors
def report(ctx: click.Context, since: str, until: str | None, out: Path,
           db: Path | None) -> None:
    """Write the weekly briefing as one self-contained HTML page.

    Matches per rule per day (a chart), the stories most outlets carried, sources gone
    silent (judged against the config's sources) and alerts that did not get through.

    \b
    Examples:
      pantau report --since 7d --out report.html
      pantau report --since 2026-11-01 --until 2026-12-01 --out november.html
    """
    from pantau.report import write_report

    path: Path = ctx.obj
    config = _config(ctx) if db is None or path.exists() else None
    start = datetime.fromisoformat(parse_since(since) or since)
    end = datetime.fromisoformat(parse_since(until) or until) if until else datetime.now(UTC)
    archive_path = db if db is not None else _config(ctx).archive_path
    with Archive.open(archive_path) as archive:
        briefing = write_report(archive, out, start, end, config.sources if config else None)
    if config is None:
        err_console.print(f"[dim]{path} does not exist: silent sources are not judged[/]")
    console.print(f"Wrote {out}: {len(briefing.stories)} top stories, "
                  f"{len(briefing.silent)} silent sources, {len(briefing.failed)} failed alerts.")


@cli.group(invoke_without_command=True)
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.option("--json", "as_json", is_flag=True, help="Print the health report as JSON.")
@click.pass_context
@friendly_errors
def sources(ctx: click.Context, db: Path | None, as_json: bool) -> None:
    """Each source's health: last success, last error, articles in 7 days, silence."""
    if ctx.invoked_subcommand is not None:
        return
    config = _config(ctx)
    with Archive.open(db or config.archive_path) as archive:
        statuses = source_statuses(config.sources, archive)
    if as_json:
        click.echo(json.dumps([status_dict(s) for s in statuses], ensure_ascii=False, indent=2))
    else:
        console.print(sources_table(statuses))


@sources.command("check")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
@friendly_errors
def sources_check(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Fetch every entry point of the sources (or of NAMES) once and say what they offer.

    Exits with status 1 if any entry point fails, so it can run from cron or CI.
    """
    config = _config(ctx)
    chosen = [config.source(name) for name in names] if names else list(config.sources)
    checks = asyncio.run(check_sources(chosen, user_agent(config)))
    if as_json:
        click.echo(json.dumps([asdict(c) for c in checks], ensure_ascii=False, indent=2))
    else:
        console.print(checks_table(checks))
    if not all(check.ok for check in checks):
        ctx.exit(1)


@cli.group()
def alerts() -> None:
    """The outbox: alerts queued, sent and failed."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed"]),
              help="Only alerts in this state.")
@click.option("--failed", is_flag=True, help="Same as --status failed.")
@click.option("-n", "--limit", default=50, show_default=True)
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.option("--json", "as_json", is_flag=True, help="Print alerts as JSON.")
@click.pass_context
@friendly_errors
def alerts_list(ctx: click.Context, status: str | None, failed: bool, limit: int,
                db: Path | None, as_json: bool) -> None:
    """List alerts, newest first (--failed: those that failed or wait on a broken destination)."""
    with Archive.open(db or _config(ctx).archive_path) as archive:
        found = archive.alerts(status=status, failed=failed, limit=limit)
    if as_json:
        click.echo(json.dumps([asdict(alert) for alert in found], ensure_ascii=False, indent=2))
    else:
        console.print(alert_table(found))


@alerts.command("retry")
@click.argument("alert_ids", nargs=-1, type=int, required=True)
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.pass_context
@friendly_errors
def alerts_retry(ctx: click.Context, alert_ids: tuple[int, ...], db: Path | None) -> None:
    """Queue failed alerts again (same id, so receivers can spot a repeat)."""
    with Archive.open(db or _config(ctx).archive_path) as archive:
        for alert_id in alert_ids:
            done = archive.retry_alert(alert_id, utcnow())
            console.print(f"alert {alert_id}: " + ("queued" if done else "not found or sent"))


@alerts.command("send")
@click.pass_context
@friendly_errors
def alerts_send(ctx: click.Context) -> None:
    """Send the alerts that are due now (without crawling), each destination at its pace."""
    config = _config(ctx)
    with Archive.open(config.archive_path) as archive:
        report = asyncio.run(deliver_due(archive, {d.name: d for d in config.destinations},
                                         timezone=config.settings.timezone))
    _print_report(report)


@alerts.command("digest")
@click.option("-d", "--destination", "names", multiple=True,
              help="Only this destination (repeat); default: every one with a digest.")
@click.option("--force", is_flag=True, help="Send now even if the schedule's slot has not come.")
@click.pass_context
@friendly_errors
def alerts_digest(ctx: click.Context, names: tuple[str, ...], force: bool) -> None:
    """Send the digests that are due (what the scheduler will do at each slot)."""
    config = _config(ctx)
    chosen = {d.name: d for d in config.destinations if not names or d.name in names}
    for name in set(names) - set(chosen):
        raise click.ClickException(f"{config.path}: no destination named {name!r}")
    if not any(d.schedule for d in chosen.values()):
        raise click.ClickException(f"{config.path}: none of these destinations has a digest; "
                                   'set digest = "daily 08:00" on one under [[destinations]]')
    queries = {rule.name: rule.query for rule in config.rules}
    with Archive.open(config.archive_path) as archive:
        report = asyncio.run(deliver_digests(archive, chosen, timezone=config.settings.timezone,
                                             queries=queries, force=force))
    console.print(f"{report.digests} digests sent.")
    _print_report(report)


@alerts.command("test")
@click.argument("name")
@click.pass_context
@friendly_errors
def alerts_test(ctx: click.Context, name: str) -> None:
    """Send a sample alert to destination NAME and show the service's answer."""
    config = _config(ctx)
    destination = config.destination(name)
    with Archive.open(config.archive_path) as archive:
        verdict, _ = asyncio.run(send_sample(archive, destination,
                                             timezone=config.settings.timezone))
    console.print(f"{name} ({destination.type} {destination.redacted_url}): {verdict.outcome}"
                  f" — {escape(verdict.detail)}")
    if verdict.outcome != "sent":
        raise SystemExit(1)


def _print_report(report: DeliveryReport) -> None:
    console.print(f"Alerts: [bold]{report.sent}[/] sent, {report.retry} to retry, "
                  f"{report.failed} failed.")
    for name in sorted(report.broken_destinations):
        err_console.print(f"[red]destination {name} is broken[/]: see `pantau destinations "
                          f"list`, fix it, then `pantau destinations enable {name}`")


@cli.group()
def destinations() -> None:
    """Where alerts go: their state (ok or broken) and what waits for them."""


@destinations.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the states as JSON.")
@click.pass_context
@friendly_errors
def destinations_list(ctx: click.Context, as_json: bool) -> None:
    """Show each destination: kind, instant or digest, ok or broken, alerts waiting."""
    config = _config(ctx)
    configured = {d.name: d for d in config.destinations}
    with Archive.open(config.archive_path) as archive:
        states = archive.destination_states(configured)
    if as_json:
        click.echo(json.dumps([asdict(state) for state in states], ensure_ascii=False,
                              indent=2))
    else:
        console.print(destination_table(states, configured))


@destinations.command("enable")
@click.argument("name")
@click.pass_context
@friendly_errors
def destinations_enable(ctx: click.Context, name: str) -> None:
    """Clear a broken mark once the destination is fixed; its held alerts go out next."""
    config = _config(ctx)
    with Archive.open(config.archive_path) as archive:
        done = archive.enable_destination(name)
    console.print(f"{name}: " + ("enabled; its alerts are due now (`pantau alerts send`)"
                                 if done else "was not marked broken"))


@cli.command()
@click.argument("page")
@click.option("--url", help="The address the page was fetched from (default: PAGE if it is a URL).")
@click.option("--json", "as_json", is_flag=True, help="Print the article as one JSON object.")
@friendly_errors
def extract(page: str, url: str | None, as_json: bool) -> None:
    """Extract the article of one page, a file or a URL, as the crawler does."""
    body, fetched_from = _read_page(page)
    address = url or fetched_from or Path(page).resolve().as_uri()
    article = extract_article(body, address)
    if as_json:
        shown = article.as_json(address) if article else {"url": address, **NO_ARTICLE_JSON}
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    elif article:
        for label, value in (("title", article.title), ("published", article.published_at),
                             ("language", article.language), ("author", article.author),
                             ("url", article.canonical_url or address)):
            console.print(f"[bold]{label}:[/bold] {value or '-'}", highlight=False)
        click.echo("\n" + article.text)
    if article is None:
        raise click.ClickException(f"{page}: no article text found (a menu, an index or an "
                                   "empty page?)")


def _read_page(page: str) -> tuple[bytes, str | None]:
    """The bytes of a page file, or of a page fetched from an http(s) URL, and that URL."""
    if page.startswith(("http://", "https://")):
        try:
            response = httpx.get(page, follow_redirects=True, timeout=30,
                                 headers={"User-Agent": f"pantau/{__version__}"})
        except httpx.HTTPError as error:
            raise click.ClickException(f"{page}: could not fetch it ({error})") from error
        if response.is_error:
            raise click.ClickException(f"{page}: the server answered {response.status_code}")
        return response.content, str(response.url)
    path = Path(page)
    try:
        return path.read_bytes(), None
    except OSError as error:
        raise click.ClickException(f"{page}: cannot read it ({error.strerror}); give a file "
                                   "or an http(s) URL") from error


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), help="The demo archive.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@friendly_errors
def demo(db: Path | None, as_json: bool) -> None:
    """Crawl a bundled demo site offline and alert a local chat receiver, end to end."""
    from pantau.demo.run import default_demo_archive, run_demo

    path = db or default_demo_archive()
    with CrawlProgress(err_console, enabled=not as_json) as progress:
        summary = run_demo(path, progress=progress)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        from pantau.views import print_demo_summary

        print_demo_summary(console, summary)


@cli.group()
def rules() -> None:
    """Rules: list them, check them, try them on the archive or on a file of articles."""


def _rules(ctx: click.Context) -> tuple[Rule, ...]:
    """The config's rules; the shipped pack alone when there is no config file."""
    path: Path = ctx.obj
    if not path.exists():
        err_console.print(f"[dim]{path} does not exist: using the shipped rule pack[/]")
        return tuple(Rule(**table) for table in default_rule_pack())
    return _config(ctx).rules


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@click.pass_context
@friendly_errors
def rules_list(ctx: click.Context, as_json: bool) -> None:
    """Show every rule: name, query and filters."""
    found = _rules(ctx)
    if as_json:
        click.echo(json.dumps([rule_dict(rule) for rule in found], ensure_ascii=False,
                              indent=2))
    else:
        console.print(rules_table(found))


@rules.command("check")
@click.pass_context
@friendly_errors
def rules_check(ctx: click.Context) -> None:
    """Validate every rule of the config; list each mistake with its position."""
    path: Path = ctx.obj
    mistakes = query_mistakes(path)
    for mistake in mistakes:
        err_console.print(mistake, markup=False, highlight=False)
    if mistakes:
        raise click.ClickException(f"{len(mistakes)} rule(s) of {path} need fixing")
    found = _config(ctx).rules
    refused = check_rules(found)
    for name, problem in refused.items():
        err_console.print(f"rule {name!r}: SQLite refused the compiled query: {problem}")
    if refused:
        raise click.ClickException("report this as a bug of Pantau's query language")
    console.print(f"{len(found)} rules OK: {', '.join(rule.name for rule in found)}")


@rules.command("test")
@click.argument("name", required=False)
@click.option("-q", "--query", help="Try this query instead of a rule of the config.")
@click.option("--since", default="30d", show_default=True,
              help="From this date or age on: 2026-11-01, 30d.")
@click.option("-n", "--examples", default=5, show_default=True, help="Examples to show.")
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
@friendly_errors
def rules_test(ctx: click.Context, name: str | None, query: str | None, since: str,
               examples: int, db: Path | None, as_json: bool) -> None:
    """What a rule (or --query) would have fired on in the archive: count, per day, examples.

    \b
    Examples:
      pantau rules test perdagangan-orang --since 30d
      pantau rules test --query '~penempatan AND (Taiwan OR Hongkong)'
    """
    rule = _rule_to_test(ctx, name, query)
    with Archive.open(db or _config(ctx).archive_path) as archive:
        result = backtest(archive, rule, since=parse_since(since), examples=examples)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_backtest(console, result)


def _rule_to_test(ctx: click.Context, name: str | None, query: str | None) -> Rule:
    if (name is None) == (query is None):
        raise click.UsageError("give a rule NAME or --query, not both")
    if query is not None:
        return Rule(name="query", query=query)
    for rule in _rules(ctx):
        if rule.name == name:
            return rule
    names = ", ".join(rule.name for rule in _rules(ctx))
    raise click.ClickException(f"no rule named {name!r}; the rules are: {names}")


@rules.command("match")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.pass_context
@friendly_errors
def rules_match(ctx: click.Context, file: TextIO) -> None:
    """Which rules match each article of a JSON Lines file (title, text, language, url).

    Prints one JSON line per article: {"id": ..., "rules": [...], "terms": {rule: [...]}},
    the id being the article's "id" or its line number. Reads "-" as standard input.
    """
    found = _rules(ctx)
    for chunk in read_articles(file, getattr(file, "name", "-")):
        for line in match_lines(chunk, found):
            click.echo(json.dumps(line, ensure_ascii=False))


@cli.command()
@click.pass_context
@friendly_errors
def run(ctx: click.Context) -> None:
    """Run the daemon: crawl each source on its schedule, match, deliver, send digests.

    SIGTERM or Ctrl-C stops it gracefully (a second one at once); SIGHUP reloads the config,
    keeping the running one if the new one has a mistake. Log with -v (and --log-format json).
    """
    from pantau.daemon import Daemon

    daemon = Daemon(ctx.obj)
    run_on_reactor(daemon.run, handle_signals=False)


@cli.command()
@click.option("-p", "--processes", type=click.IntRange(min=1),
              help="Extraction processes (default: one per core).")
@click.pass_context
@friendly_errors
def worker(ctx: click.Context, processes: int | None) -> None:
    """Crawl for a cluster: take requests from its Redis, push extracted articles back.

    Needs the [cluster] table of the config; `pantau run` on the archive node feeds the
    crawls. SIGTERM or Ctrl-C stops it; what it had not finished goes back to the queue.
    """
    from pantau.cluster import run_worker
    from pantau.config import load_for_worker

    config = load_for_worker(ctx.obj)
    overrides = {"PANTAU_EXTRACT_PROCESSES": processes} if processes else {}
    run_on_reactor(lambda: run_worker(config, overrides), handle_signals=False)


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
@friendly_errors
def status(ctx: click.Context, db: Path | None, as_json: bool) -> None:
    """Whether the daemon is up, what it runs next, each source's last crawl, the outbox."""
    from pantau.status import daemon_report

    config = _config(ctx) if db is None else None
    with Archive.open(db or config.archive_path) as archive:  # type: ignore[union-attr]
        report = daemon_report(archive)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_status(console, report)


@cli.command()
@click.argument("destination", type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.pass_context
@friendly_errors
def backup(ctx: click.Context, destination: Path, db: Path | None) -> None:
    """Copy the archive to DESTINATION with SQLite's online backup (safe while it runs)."""
    with Archive.open(db or _config(ctx).archive_path) as archive:
        pages = archive.backup(destination)
    console.print(f"Backed up {archive.path} to {destination} ({pages} pages).")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pantau")


if __name__ == "__main__":
    main()
