"""Match new articles against the rules and queue the alerts they call for.

New articles are indexed in a small in-memory FTS5 table and the rules run there, instead of
against the archive's whole index: the cost of a batch then depends on the batch, not on how
big the archive has grown. Many rules are not run one FTS5 query each: only those whose
required terms occur in the batch are evaluated, over masks of the terms they share, each
looked up once (:mod:`alerts.prefilter`). Matches, queued alerts and the reader's cursor
commit together, so a crash repeats nothing that was committed and loses nothing that was not.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from alerts.prefilter import Reading, index_rules
from alerts.query import Node
from alerts.rules import PerRuleSet, Rule
from storage import Analysed, Archive, Article, NewMatch
from storage.analysis import Pattern, Patterns, analysed_tokens, words
from storage.schema import FTS_TOKENIZE

CURSOR = "matcher"
HIGHLIGHT = ("**", "**")
# Reading a batch's vocabulary and looking its terms up costs about what running rules that hold
# 3,000 terms (phrases and NEARs, counted rule by rule) does: with fewer, running each rule's own
# query is faster (docs/benchmarks.md). The default pack holds some 70,000 in a few rules.
PREFILTER_FROM = 3000
# Articles matched together. A batch's explanations (every token of every article, located) are
# its memory; from 100 articles on, a bigger batch is hardly faster (docs/benchmarks.md), while
# 500 cost the crawling process some 70 MB more on whole news pages.
BATCH = 100


@dataclass
class MatchReport:
    """What one matching pass did."""

    articles: int = 0
    matches: dict[str, int] = field(default_factory=dict)
    alerts_queued: int = 0

    def add(self, other: MatchReport) -> None:
        """Count ``other``'s pass in this one."""
        self.articles += other.articles
        self.alerts_queued += other.alerts_queued
        for rule, count in other.matches.items():
            self.matches[rule] = self.matches.get(rule, 0) + count


def match_new_articles(archive: Archive, rules: Sequence[Rule],
                       destinations: Callable[[Rule], tuple[str, ...]],
                       batch_size: int = BATCH) -> MatchReport:
    """Run ``rules`` over every article archived since the last pass, ``batch_size`` at a time.

    ``destinations(rule)`` names where a rule's alerts go. An article published more than a
    rule's ``max_age_days`` ago is recorded as a match but alerts nobody.
    """
    report = MatchReport()
    while batch := archive.articles_after(archive.cursor(CURSOR), limit=batch_size):
        found = match_batch(batch, rules)
        now = datetime.now(UTC)
        by_id = {article.id: article for article in batch}
        new = [NewMatch(m.article_id, m.rule, m.terms, m.snippet,
                        destinations(rule) if _fresh(by_id[m.article_id], rule, now) else ())
               for rule, m in found]
        report.alerts_queued += archive.record_matches(CURSOR, batch[-1].id, new)
        report.articles += len(batch)
        for match in new:
            report.matches[match.rule] = report.matches.get(match.rule, 0) + 1
    return report


def match_batch(articles: Iterable[Article], rules: Sequence[Rule],
                prefilter: bool | None = None) -> list[tuple[Rule, NewMatch]]:
    """Every (rule, match) among ``articles``, with the terms that hit and a snippet.

    With ``prefilter`` only the rules whose anchors occur in the batch are evaluated, compiled
    over the masks of their terms (see :mod:`alerts.prefilter`); without it every rule runs
    its own FTS5 query. Both give the same matches; by default the first is used when the
    rules hold PREFILTER_FROM terms or more.
    """
    if prefilter is None:
        prefilter = _terms_held(rules) >= PREFILTER_FROM
    with _collector_paused(), _BatchIndex(articles) as index:
        if not prefilter:
            found: Iterable[tuple[Rule, Sequence[int]]] = (
                (rule, index.run(rule)) for rule in rules)
        else:
            found = index_rules(rules).run(index.db, "batch", index.rowids, index.readings)
        return index.explained(found, _looked_for(rules))


def _term_count(rules: Sequence[Rule]) -> int:
    def terms(node: Node) -> int:
        return 1 if node.kind == "term" else sum(map(terms, node.children))
    return sum(terms(rule.parsed.tree) for rule in rules)


# How many terms FTS5 would run for a set of rules, one query a rule.
_terms_held: PerRuleSet[int] = PerRuleSet(_term_count)


def _patterns_of(rules: Sequence[Rule]) -> Patterns:
    return Patterns(frozenset[Pattern]().union(*(rule.parsed.patterns for rule in rules)))


# The patterns of every positive term of a set of rules, filed to be found in an article at once.
_looked_for: PerRuleSet[Patterns] = PerRuleSet(_patterns_of)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold the garbage collector's passes while a batch is matched.

    Explaining a batch's matches builds every article's tokens, indexes and hits, hundreds of
    thousands of objects that live until the batch is done and are then freed by reference
    counting. While they live, each pass of the collector walks them again, and with many
    rules that cost a fifth to a third of the matching time (docs/benchmarks.md). A batch is
    bounded, so what the pause lets pile up is too; the collector runs again after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_rules(rules: Sequence[Rule]) -> dict[str, str]:
    """FTS5's complaint about each rule whose compiled query it refuses (none, normally)."""
    problems: dict[str, str] = {}
    with _BatchIndex([]) as index:
        for rule in rules:
            try:
                index.run(rule)
            except sqlite3.Error as error:
                problems[rule.name] = str(error)
    return problems


def _fresh(article: Article, rule: Rule, now: datetime) -> bool:
    stamp = article.published_at or article.first_seen_at
    try:
        published = datetime.fromisoformat(stamp)
    except ValueError:
        return True
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return now - published <= timedelta(days=rule.max_age_days)


class _BatchIndex:
    """A throw-away FTS5 index of a batch of articles, analysed as the archive's index is,
    with what explaining its matches has found so far (many rules match the same article)."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles = {article.id: article for article in articles}
        self.rowids = sorted(self.articles)
        self.analysed: dict[int, Analysed] = {}
        self.snippets: dict[tuple[int, frozenset[Pattern]], str] = {}
        self.db = sqlite3.connect(":memory:")
        self.db.execute(f"CREATE VIRTUAL TABLE batch USING fts5(title, text, title_stem, "
                        f"text_stem, tokenize='{FTS_TOKENIZE}')")
        # What each article holds, column by column, read once: for the index, and for the
        # pre-filter to tell which words occur together in one article.
        self.readings: list[Reading] = []
        for rowid in self.rowids:
            article = self.articles[rowid]
            title, text = words(article.title or ""), words(article.text)
            self.readings.append({"title": title, "text": text,
                                  "title_stem": analysed_tokens(title),
                                  "text_stem": analysed_tokens(text)})
        self.db.executemany(
            "INSERT INTO batch (rowid, title, text, title_stem, text_stem)"
            " VALUES (?, ?, ?, ?, ?)",
            [(rowid, self.articles[rowid].title or "", self.articles[rowid].text,
              " ".join(reading["title_stem"]), " ".join(reading["text_stem"]))
             for rowid, reading in zip(self.rowids, self.readings, strict=True)])

    def __enter__(self) -> _BatchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()
        # The batch's readings and explanations go now, while the collector is still paused
        # (see _collector_paused): left for it, they are hundreds of thousands of objects its
        # first pass would walk once more just to find them unreachable.
        self.readings.clear()
        self.analysed.clear()
        self.snippets.clear()

    def run(self, rule: Rule) -> list[int]:
        """The rows the rule matches in this batch, by its own FTS5 query."""
        rows = self.db.execute("SELECT rowid FROM batch WHERE batch MATCH ? ORDER BY rowid",
                               [rule.parsed.fts]).fetchall()
        return [rowid for (rowid,) in rows]

    def accepts(self, rule: Rule, rowid: int) -> bool:
        """Whether the rule's source and language filters let article ``rowid`` through."""
        article = self.articles[rowid]
        return rule.accepts(article.source, article.language)

    def explained(self, found: Iterable[tuple[Rule, Sequence[int]]], wanted: Patterns
                  ) -> list[tuple[Rule, NewMatch]]:
        """The matches ``found`` (each rule with the rows it matches) that the rules' filters
        let through, each with the positive terms found in its article and a snippet.

        Many rules match the same article and share their terms: each matched article is
        searched once for the patterns ``wanted`` (those of all the rules), and each match
        takes its own from what was found there.
        """
        hitting: dict[int, frozenset[Pattern]] = {}
        explained = []
        for rule, rowids in found:
            query = rule.parsed
            filtered = bool(rule.sources or rule.languages)
            for rowid in rowids:
                if filtered and not self.accepts(rule, rowid):
                    continue
                found_here = hitting.get(rowid)
                if found_here is None:
                    article = self.articles[rowid]
                    analysed = self.analysed[rowid] = Analysed(article.title, article.text)
                    found_here = hitting[rowid] = analysed.hitting(wanted)
                hit = query.patterns & found_here
                # Only the patterns that hit shape the snippet, and many rules share them.
                key = (rowid, hit)
                snippet = self.snippets.get(key)
                if snippet is None:
                    snippet = self.snippets[key] = self.analysed[rowid].snippet(
                        tuple(hit), marks=HIGHLIGHT)
                explained.append((rule, NewMatch(rowid, rule.name, query.labels_of(hit),
                                                 snippet, ())))
        return explained
