"""Searching and reading out the archive: full-text hits, counts per day, streamed exports.

A search runs in two steps. The first finds the ids of the page of hits — the FTS5 match, the
filters and the order, touching no more of each article than its date and source. The second
reads those few articles whole and explains them (terms hit, snippet, cluster size). Computing
snippets or cluster sizes in the first step would cost them for every match, not every hit
shown: at a million articles that is the difference between milliseconds and seconds.

Ranking by relevance computes BM25 for every match, which is slow for a query whose words are
in most articles. Past ``RANK_CAP`` matches, only the newest ``RANK_CAP`` are ranked
(FTS5 walks its index newest first and stops there): the best of recent news rather than a
wait of seconds. :class:`SearchPage` says when that happened.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from storage.analysis import Analysed, Pattern
from storage.exceptions import ArchiveError
from storage.models import SearchHit

RANK_CAP = 10_000
DAY = "datetime(coalesce(articles.published_at, articles.first_seen_at))"
BM25 = "bm25(articles_fts, 4.0, 1.0, 4.0, 1.0)"  # a hit in a title counts four times
EXPORT_COLUMNS = ("id", "url", "canonical_url", "source", "title", "published_at",
                  "published_from", "updated_at", "first_seen_at", "language", "author",
                  "sitename", "section", "tags", "image_url", "cluster_id", "cluster_size",
                  "rules", "text")


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a search or export considers, besides its query.

    ``since``/``until`` bound the article's date (published if known, else first seen), as
    ISO 8601 times; ``languages`` take regional variants too ("id" takes "id-ID"); ``rules``
    keeps articles matched by any of those rules.
    """

    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def sql(self) -> tuple[str, list[Any]]:
        """The filter as ``AND ...`` clauses over ``articles``, and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.since:
            clauses.append(f"{DAY} >= datetime(?)")
            params.append(self.since)
        if self.until:
            clauses.append(f"{DAY} < datetime(?)")
            params.append(self.until)
        if self.sources:
            clauses.append(f"articles.source IN ({_marks(self.sources)})")
            params.extend(self.sources)
        if self.languages:
            clauses.append("(" + " OR ".join(["lower(articles.language) = ? OR"
                                              " lower(articles.language) LIKE ?"]
                                             * len(self.languages)) + ")")
            for language in self.languages:
                params.extend([language.lower(), language.lower() + "-%"])
        if self.rules:
            clauses.append("articles.id IN (SELECT article_id FROM matches WHERE rule IN"
                           f" ({_marks(self.rules)}))")
            params.extend(self.rules)
        return "".join(f" AND {clause}" for clause in clauses), params


@dataclass(frozen=True)
class SearchPage:
    """One page of search hits, and whether ranking was limited to the newest matches."""

    hits: list[SearchHit]
    capped: bool = False


def search(conn: sqlite3.Connection, fts_query: str | None, where: ArticleFilter, *,
           terms: Sequence[tuple[str, Pattern]] = (), limit: int = 20, offset: int = 0,
           newest_first: bool = False) -> SearchPage:
    """Articles matching an FTS5 query (or, without one, the filter alone), explained."""
    try:
        ids, capped = _page_ids(conn, fts_query, where, limit, offset,
                                newest_first or fts_query is None)
        hits = _hits(conn, ids, fts_query, terms)
    except sqlite3.OperationalError as error:
        raise ArchiveError(f"the search query was refused: {error}") from error
    return SearchPage(hits, capped)


def first_id_since(conn: sqlite3.Connection, since: str) -> int:
    """An id no article dated ``since`` or later is below, found without reading articles.

    An article's date is its published time, else when it was first seen. Dated articles:
    the smallest id in the index on ``published_at`` from 14 hours before ``since`` (the
    widest UTC offset, since the index holds local times). Undated ones: ids grow with
    ``first_seen_at`` (both are assigned when the article is archived), so the first id seen
    at or after ``since`` is found by bisection. A search then asks FTS5 only for rowids at or
    above the smaller of the two, instead of checking the date of every match.
    """
    moment = conn.execute("SELECT datetime(?, '-14 hours')", [since]).fetchone()[0]
    dated = conn.execute("SELECT min(id) FROM articles INDEXED BY articles_published_at"
                         " WHERE published_at >= ?",
                         [moment.replace(" ", "T")]).fetchone()[0]
    undated = _first_seen_from(conn, since)
    return min(x for x in (dated, undated) if x is not None) if (dated or undated) else \
        _INFINITE_ID


_INFINITE_ID = 2**62


def _first_seen_from(conn: sqlite3.Connection, since: str) -> int | None:
    """The first id first seen at or after ``since`` (ids grow with first_seen_at)."""
    # Two statements: SQLite answers a lone min() or max() from the b-tree's edge, but
    # scans the whole table for both at once.
    low = conn.execute("SELECT min(id) FROM articles").fetchone()[0]
    high = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    if low is None:
        return None
    while low < high:
        middle = (low + high) // 2
        row = conn.execute("SELECT id, datetime(first_seen_at) >= datetime(?) FROM articles"
                           " WHERE id >= ? ORDER BY id LIMIT 1", [since, middle]).fetchone()
        if row[1]:
            high = row[0] if row[0] <= high else middle
        else:
            low = row[0] + 1
    last = conn.execute("SELECT datetime(first_seen_at) >= datetime(?) FROM articles WHERE"
                        " id = ?", [since, low]).fetchone()
    return low if last and last[0] else None


def _since_bound(conn: sqlite3.Connection, where: ArticleFilter,
                 ident: str = "articles.id") -> tuple[str, list[Any]]:
    """``AND id >= ?`` for a filter with ``since``: the period's ids only. Give FTS5 the
    bound on its own rowid (``articles_fts.rowid``): it does not see one on articles.id."""
    if not where.since:
        return "", []
    return f" AND {ident} >= ?", [first_id_since(conn, where.since)]


def _page_ids(conn: sqlite3.Connection, fts_query: str | None, where: ArticleFilter,
              limit: int, offset: int, newest_first: bool) -> tuple[list[int], bool]:
    """The ids of one page of hits, and whether only the newest matches were ordered.

    The candidates are the newest ``RANK_CAP + 1`` matches by id: FTS5 yields rowids newest
    first and the LIMIT stops it, so this costs what the cap costs however common the words.
    Ids follow the order articles were archived, and an article is published before Pantau
    archives it, so the newest by date are among the newest by id: ordering by date stays
    exact while fewer than ``RANK_CAP`` matches are newer by id than the page asked for.
    """
    clauses, params = where.sql()
    ident = "articles.id" if fts_query is None else "articles_fts.rowid"
    if fts_query is None:
        found = f"articles WHERE 1 {clauses}"
    elif clauses:
        found = ("articles_fts JOIN articles ON articles.id = articles_fts.rowid"
                 f" WHERE articles_fts MATCH ? {clauses}")
    else:  # no filter on articles: the index alone, no article read
        found = "articles_fts WHERE articles_fts MATCH ?"
    params = [*([fts_query] if fts_query is not None else []), *params]
    if where.since:
        found += f" AND {ident} >= ?"
        params.append(first_id_since(conn, where.since))
    key = "" if newest_first else f", {BM25} AS score"
    candidates = (f"SELECT {ident} AS id{key} FROM {found} ORDER BY {ident} DESC"
                  f" LIMIT {RANK_CAP + 1}")
    # Only ordering by date reads the candidates' articles again; BM25 came with the match.
    chosen = (f"SELECT articles.id, n FROM candidates JOIN articles ON articles.id ="
              f" candidates.id, counted ORDER BY {DAY} DESC, articles.id DESC"
              if newest_first else "SELECT id, n FROM candidates, counted"
                                   " ORDER BY score, id DESC")
    rows = conn.execute(
        f"WITH candidates AS MATERIALIZED ({candidates}),"
        f" counted AS (SELECT count(*) AS n FROM candidates) {chosen} LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    return [row[0] for row in rows], bool(rows) and rows[0][1] > RANK_CAP


def _hits(conn: sqlite3.Connection, ids: list[int], fts_query: str | None,
          terms: Sequence[tuple[str, Pattern]]) -> list[SearchHit]:
    """The hits of ``ids``, in that order, read whole and explained."""
    if not ids:
        return []
    conn.row_factory = sqlite3.Row
    try:
        rows = {row["id"]: dict(row) for row in conn.execute(
            "SELECT id, title, text, url, source, language, published_at, first_seen_at,"
            " (SELECT count(*) FROM articles AS c WHERE c.cluster_id = articles.cluster_id)"
            "   AS cluster_size,"
            " (SELECT json_group_array(rule) FROM (SELECT rule FROM matches"
            "   WHERE article_id = articles.id ORDER BY rule)) AS rules,"
            " (SELECT snippet FROM matches WHERE article_id = articles.id ORDER BY id"
            "   LIMIT 1) AS match_snippet"
            f" FROM articles WHERE id IN ({_marks(ids)})", ids)}
        snippets = _fts_snippets(conn, fts_query, ids) if fts_query and not terms else {}
    finally:
        conn.row_factory = None
    return [_explained(rows[i], terms, snippets.get(i)) for i in ids if i in rows]


def _fts_snippets(conn: sqlite3.Connection, fts_query: str, ids: list[int]) -> dict[int, str]:
    """FTS5's own snippets, for a raw FTS5 query that brings no terms to explain it with."""
    return {row[0]: row[1] for row in conn.execute(
        "SELECT rowid, snippet(articles_fts, 1, '**', '**', ' … ', 24) FROM articles_fts"
        f" WHERE articles_fts MATCH ? AND rowid IN ({_marks(ids)})", [fts_query, *ids])}


def _explained(row: dict[str, Any], terms: Sequence[tuple[str, Pattern]],
               fts_snippet: str | None) -> SearchHit:
    """A search hit with the terms it contains and a snippet that highlights them."""
    text, match_snippet = row.pop("text"), row.pop("match_snippet")
    row["rules"] = tuple(json.loads(row["rules"]))
    row["cluster_size"] = max(1, row["cluster_size"])
    if not terms:  # a raw FTS5 query, or a rule's matches: the snippet found then
        return SearchHit(**row, snippet=fts_snippet or match_snippet or _opening(text))
    analysed = Analysed(row["title"], text)
    hit = [label for label, pattern in terms if analysed.matches(pattern)]
    snippet = analysed.snippet([pattern for _, pattern in terms], width=24)
    return SearchHit(**row, snippet=snippet, terms=tuple(dict.fromkeys(hit)))


def _opening(text: str, words: int = 40) -> str:
    head = text.split()
    return " ".join(head[:words]) + (" …" if len(head) > words else "")


def search_days(conn: sqlite3.Connection, fts_query: str, where: ArticleFilter) -> dict[str, int]:
    """How many articles match an FTS5 query on each day (UTC), oldest day first."""
    clauses, params = where.sql()
    bound, low = _since_bound(conn, where, "articles_fts.rowid")
    clauses, params = clauses + bound, params + low
    try:
        rows = conn.execute(
            f"SELECT date({DAY}) AS day, count(*) FROM articles_fts JOIN articles"
            f" ON articles.id = articles_fts.rowid WHERE articles_fts MATCH ? {clauses}"
            " GROUP BY day ORDER BY day", [fts_query, *params]).fetchall()
    except sqlite3.OperationalError as error:
        raise ArchiveError(f"the search query was refused: {error}") from error
    return {day or "undated": count for day, count in rows}


def export_rows(conn: sqlite3.Connection, fts_query: str | None, where: ArticleFilter,
                columns: Sequence[str] = EXPORT_COLUMNS) -> Iterator[dict[str, Any]]:
    """Every article the query and filter select, in archive order, one row at a time.

    Rows come straight off an SQLite cursor (ordered by id, so SQLite sorts nothing): memory
    stays flat however many articles there are. ``tags`` and ``rules`` are lists.
    """
    unknown = [c for c in columns if c not in EXPORT_COLUMNS]
    if unknown:
        raise ArchiveError(f"unknown export column(s) {', '.join(unknown)}; the columns are "
                           f"{', '.join(EXPORT_COLUMNS)}")
    clauses, params = where.sql()
    bound, low = _since_bound(conn, where, "articles.id" if fts_query is None
                              else "articles_fts.rowid")
    clauses, params = clauses + bound, params + low
    source = ("articles_fts JOIN articles ON articles.id = articles_fts.rowid WHERE"
              " articles_fts MATCH ?" if fts_query is not None else "articles WHERE 1")
    selected = ", ".join(_EXPORT_SQL.get(c, f"articles.{c}") + f" AS {c}" for c in columns)
    try:
        # Ordered by the rowid of the table scanned: FTS5 yields rowids in order, so SQLite
        # needs no sorter (which would hold rows) for either kind of export.
        order = "articles.id" if fts_query is None else "articles_fts.rowid"
        cursor = conn.execute(f"SELECT {selected} FROM {source} {clauses} ORDER BY {order}",
                              [*([fts_query] if fts_query is not None else []), *params])
    except sqlite3.OperationalError as error:
        raise ArchiveError(f"the export query was refused: {error}") from error
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        for listed in ("tags", "rules"):
            if listed in row:
                row[listed] = json.loads(row[listed] or "[]")
        yield row


_EXPORT_SQL = {
    "cluster_id": "coalesce(articles.cluster_id, articles.id)",
    "cluster_size": "(SELECT max(1, count(*)) FROM articles AS c"
                    " WHERE c.cluster_id = articles.cluster_id)",
    "rules": "(SELECT json_group_array(rule) FROM (SELECT rule FROM matches"
             " WHERE article_id = articles.id ORDER BY rule))",
}


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


# -- the weekly briefing -------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """A story (a near-duplicate cluster) with the outlets that carried it."""

    cluster_id: int
    title: str | None
    url: str
    published_at: str | None
    articles: int
    outlets: tuple[str, ...]  # the sources that carried it
    rules: tuple[str, ...]  # the rules its articles matched


def matches_per_day(conn: sqlite3.Connection, where: ArticleFilter) -> list[tuple[str, str, int]]:
    """(day, rule, articles) for each day (UTC, of the articles' dates) and rule matched."""
    clauses, params = where.sql()
    bound, low = _since_bound(conn, where)
    clauses, params = clauses + bound, params + low
    return [(day or "undated", rule, count) for day, rule, count in conn.execute(
        f"SELECT date({DAY}) AS day, matches.rule, count(*) FROM matches JOIN articles"
        f" ON articles.id = matches.article_id WHERE 1 {clauses}"
        " GROUP BY day, matches.rule ORDER BY day, matches.rule", params)]


def top_stories(conn: sqlite3.Connection, where: ArticleFilter, limit: int = 10) -> list[Story]:
    """Matched stories of the period, by how many outlets carried them, then articles."""
    clauses, params = where.sql()
    bound, low = _since_bound(conn, where)
    clauses, params = clauses + bound, params + low
    rows = conn.execute(
        "WITH chosen AS (SELECT DISTINCT coalesce(articles.cluster_id, articles.id) AS cluster"
        f" FROM matches JOIN articles ON articles.id = matches.article_id WHERE 1 {clauses}),"
        " members AS (SELECT chosen.cluster, a.id, a.source FROM chosen JOIN articles AS a"
        "   ON a.cluster_id = chosen.cluster OR (a.cluster_id IS NULL AND a.id = chosen.cluster))"
        " SELECT members.cluster, count(DISTINCT members.source) AS outlets,"
        "  count(*) AS articles, json_group_array(DISTINCT members.source),"
        "  (SELECT json_group_array(DISTINCT rule) FROM matches AS m WHERE m.article_id IN"
        "    (SELECT id FROM members AS o WHERE o.cluster = members.cluster)),"
        "  first.title, first.url, first.published_at"
        " FROM members JOIN articles AS first ON first.id = members.cluster"
        " GROUP BY members.cluster ORDER BY outlets DESC, articles DESC, members.cluster DESC"
        " LIMIT ?", [*params, limit]).fetchall()
    return [Story(cluster, title, url, published, articles, tuple(json.loads(sources)),
                  tuple(sorted(json.loads(rules))))
            for cluster, _, articles, sources, rules, title, url, published in rows]
