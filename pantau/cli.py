"""The ``pantau`` command: thin entry points over the library, errors as one clear line."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from alerts import AlertsError, QuerySyntaxError, Rule, check_rules, default_rule_pack, parse
from crawler import run_on_reactor
from pantau import __version__
from pantau.config import DEFAULT_PATH, Config, load
from pantau.exceptions import PantauError
from pantau.pipeline import run_once
from pantau.progress import CrawlProgress
from pantau.rulework import backtest, match_lines, query_mistakes, read_articles, rule_dict
from pantau.timespec import parse_since
from pantau.views import (
    alert_table,
    hits_table,
    print_backtest,
    print_run_summary,
    rules_table,
)
from storage import Archive, ArchiveError, utcnow

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


def setup_logging(verbose: int) -> None:
    """Log to stderr: warnings by default, -v for progress, -vv for Scrapy's detail."""
    level = logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    handler = RichHandler(console=err_console, show_path=False, rich_tracebacks=False)
    logging.basicConfig(level=level, format="%(name)s: %(message)s", handlers=[handler],
                        force=True)
    # httpx logs every request URL at INFO, and webhook URLs are secrets.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if verbose < 2:
        logging.getLogger("scrapy").setLevel(max(level, logging.WARNING))


@click.group()
@click.version_option(__version__, prog_name="pantau")
@click.option("-c", "--config", "config_path", type=click.Path(path_type=Path),
              default=DEFAULT_PATH, envvar="PANTAU_CONFIG", show_default=True,
              help="The config file (also $PANTAU_CONFIG).")
@click.option("-v", "--verbose", count=True, help="More log output; -vv for Scrapy's too.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: int) -> None:
    """Pantau: watch news sites for labour-migration stories, archive them, alert your chat."""
    setup_logging(verbose)
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


@cli.command()
@click.argument("query")
@click.option("-n", "--limit", default=20, show_default=True, help="Hits to show at most.")
@click.option("--since", help="Only articles from this date or age on: 2026-11-01, 7d, 12h.")
@click.option("--until", help="Only articles before this date or age.")
@click.option("-s", "--source", "sources", multiple=True, help="Only this source (repeat).")
@click.option("-l", "--language", "languages", multiple=True,
              help="Only articles in this language, e.g. id, en (repeat).")
@click.option("--newest", is_flag=True, help="Newest first instead of best first.")
@click.option("--db", type=click.Path(path_type=Path), help="The archive (default: config's).")
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
@click.pass_context
@friendly_errors
def search(ctx: click.Context, query: str, limit: int, since: str | None, until: str | None,
           sources: tuple[str, ...], languages: tuple[str, ...], newest: bool, db: Path | None,
           as_json: bool) -> None:
    """Full-text search of the archive, in the rules' query language.

    \b
    Examples:
      pantau search '"pekerja migran" Jepang'
      pantau search 'EPS-TOPIK OR "G to G"' --since 30d
      pantau search 'title:deportasi NOT "PMI manufaktur"' --json
      pantau search '~penempatan Taiwan' --newest
    """
    parsed = parse(query)
    with Archive.open(db or _config(ctx).archive_path) as archive:
        hits = archive.search(parsed.fts, terms=parsed.labelled_patterns, limit=limit,
                              since=parse_since(since), until=parse_since(until),
                              sources=sources, languages=languages, newest_first=newest)
    if as_json:
        click.echo(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
    else:
        console.print(hits_table(hits, query))


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
    """List alerts, newest first."""
    with Archive.open(db or _config(ctx).archive_path) as archive:
        found = archive.alerts(status="failed" if failed else status, limit=limit)
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pantau")


if __name__ == "__main__":
    main()
