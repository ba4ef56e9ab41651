"""Work on rules for people writing them: validation, backtests, scoring a file of articles."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from alerts import QuerySyntaxError, Rule, match_batch, parse
from pantau.exceptions import PantauError
from storage import Archive, Article

CHUNK = 500


def rule_dict(rule: Rule) -> dict[str, Any]:
    """A rule as JSON-ready data."""
    return {"name": rule.name, "description": rule.description, "query": rule.query.strip(),
            "sources": list(rule.sources), "languages": list(rule.languages),
            "max_age_days": rule.max_age_days, "destinations": list(rule.destinations)}


def query_mistakes(path: Path) -> list[str]:
    """Every syntax mistake in the queries of a config's ``[[rules]]``, each with a pointer.

    Loading a config stops at its first mistake; a person fixing rules wants them all.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []  # loading the config reports these, with their own hints
    mistakes = []
    tables = data.get("rules", [])
    for index, table in enumerate(tables if isinstance(tables, list) else []):
        query = table.get("query") if isinstance(table, dict) else None
        if not isinstance(query, str):
            continue
        try:
            parse(query)
        except QuerySyntaxError as error:
            name = table.get("name", "?")
            mistakes.append(f"{path}: rules[{index}] ({name}).query: {error}\n"
                            f"{error.pointer()}")
    return mistakes


def backtest(archive: Archive, rule: Rule, *, since: str | None,
             examples: int = 5) -> dict[str, Any]:
    """What ``rule`` would have matched in the archive since ``since``: count, days, examples.

    The rule's source and language filters apply; its maximum age does not (this is history).
    """
    query = rule.parsed
    days = archive.search_days(query.fts, since=since, sources=rule.sources,
                               languages=rule.languages)
    hits = archive.search(query.fts, terms=query.labelled_patterns, limit=examples,
                          newest_first=True, since=since, sources=rule.sources,
                          languages=rule.languages)
    return {
        "rule": rule.name, "query": rule.query.strip(), "since": since,
        "count": sum(days.values()), "per_day": days,
        "examples": [{"id": hit.id, "title": hit.title, "url": hit.url, "source": hit.source,
                      "published_at": hit.published_at, "terms": list(hit.terms),
                      "snippet": hit.snippet} for hit in hits],
    }


@dataclass(frozen=True)
class _Input:
    """One article read from a JSON Lines file, with the id to report it under."""

    key: Any
    article: Article


def read_articles(file: TextIO, name: str) -> Iterator[list[_Input]]:
    """Articles of a JSON Lines file, in chunks; a malformed line stops with its number."""
    chunk: list[_Input] = []
    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        chunk.append(_Input(*_article(line, number, name)))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _article(line: str, number: int, name: str) -> tuple[Any, Article]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise PantauError(f"{name}, line {number}: not JSON ({error.msg}); write one JSON "
                          "object per line") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise PantauError(f"{name}, line {number}: needs a \"text\" string (and may have "
                          "\"title\", \"language\", \"url\", \"source\", \"id\")")
    url = str(data.get("url") or f"line:{number}")
    article = Article(url=url, canonical_url=url, source=str(data.get("source") or ""),
                      title=_text_or_none(data.get("title")), text=data["text"],
                      language=_text_or_none(data.get("language")), id=number)
    return data.get("id", number), article


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def match_lines(chunk: Sequence[_Input], rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """For each article of ``chunk``: the rules it matches and the terms that hit, in order."""
    found: dict[int, dict[str, list[str]]] = {item.article.id: {} for item in chunk}
    for rule, match in match_batch([item.article for item in chunk], rules):
        found[match.article_id][rule.name] = list(match.terms)
    return [{"id": item.key, "rules": list(found[item.article.id]),
             "terms": found[item.article.id]} for item in chunk]
