"""Pre-filtering: of many rules, find the few that can match a batch before running any.

Each rule is indexed under the most selective clause of its requirement (see
:mod:`alerts.anchors`). For a batch, the anchors present are read from the batch index's own
vocabulary (``fts5vocab``) and the rules indexed under them become candidates. Each candidate's
expression is then cut down to the terms the batch holds (a term missing a token matches
nothing here); a rule left with nothing cannot match and is skipped, the others run shorter
FTS5 queries. Presence is decided by the same tokenizer and index that run the rules, so a
rule that is skipped could not have matched: the kept rules give exactly the matches of
running them all.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Sequence, Set
from functools import lru_cache

from alerts.anchors import Anchor, best
from alerts.query import Node
from alerts.rules import Rule
from storage.schema import FTS_TOKENIZE

ANALYSED_COLUMNS = ("title_stem", "text_stem")


class RuleIndex:
    """Rules indexed by the anchors they need, to find those worth running on a batch."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.always: set[int] = set()  # rules no anchor can rule out: run whole on every batch
        self.by_anchor: dict[Anchor, list[int]] = {}
        named = [_anchors_of(rule.parsed.tree) for rule in self.rules]
        self.anchors = frozenset().union(*named)
        tokenised = _fts_tokens({anchor.token for anchor in self.anchors})
        for number, rule in enumerate(self.rules):
            # Guards (NOT) count too: pruning must never drop a term FTS5 would find.
            verified = all(tokenised.get(a.token) == (a.token,) for a in named[number])
            if not rule.parsed.requirement or not verified:
                self.always.add(number)
                continue
            for anchor in best(rule.parsed.requirement):
                self.by_anchor.setdefault(anchor, []).append(number)

    def candidates(self, db: sqlite3.Connection, table: str) -> list[tuple[Rule, str]]:
        """The rules that can match an article of the FTS5 ``table`` in ``db``, in order,
        each with its FTS5 expression cut down to the terms the batch holds."""
        present = _present(db, table, self.anchors)
        numbers = set(self.always)
        for anchor, indexed in self.by_anchor.items():
            if anchor in present:
                numbers.update(indexed)
        chosen = []
        for number in sorted(numbers):
            rule = self.rules[number]
            fts = rule.parsed.fts if number in self.always else prune(rule.parsed.tree, present)
            if fts is not None:
                chosen.append((rule, fts))
        return chosen


def prune(node: Node, present: Set[Anchor]) -> str | None:
    """``node``'s FTS5 expression without the terms that are not ``present``; None if it can
    match nothing without them. A term one of whose tokens is in no article of a batch matches
    no article of it, so the result matches exactly what ``node`` matches in that batch."""
    if node.kind == "term":  # a phrase or NEAR needs every one of its tokens
        for anchor in node.anchors:
            if anchor not in present:
                return None
        return node.fts
    parts = [prune(child, present) for child in node.children]
    if node.kind == "or":
        kept = [part for part in parts if part is not None]
        if len(kept) <= 1:
            return kept[0] if kept else None
        return "(" + " OR ".join(kept) + ")"
    if node.kind == "and":
        if any(part is None for part in parts):
            return None
        return "(" + " AND ".join(part for part in parts if part is not None) + ")"
    kept_part, excluded = parts  # "not"
    if kept_part is None or excluded is None:
        return kept_part
    return f"({kept_part} NOT {excluded})"


def _anchors_of(node: Node) -> frozenset[Anchor]:
    """The anchors of every term of ``node``, those under NOT included."""
    if node.kind == "term":
        return frozenset(node.anchors)
    return frozenset().union(*(_anchors_of(child) for child in node.children))


@lru_cache(maxsize=4)
def index_rules(rules: tuple[Rule, ...]) -> RuleIndex:
    """The index of ``rules``, built once for as long as the same rules keep coming."""
    return RuleIndex(rules)


def _present(db: sqlite3.Connection, table: str, anchors: Set[Anchor]) -> frozenset[Anchor]:
    """Which of ``anchors`` some article of the FTS5 ``table`` holds, by its own vocabulary."""
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_vocabulary"
               f" USING fts5vocab(main, {table}, col)")
    terms: dict[bool, set[str]] = {False: set(), True: set()}
    for term, column in db.execute(f"SELECT term, col FROM temp.{table}_vocabulary"):
        terms[column in ANALYSED_COLUMNS].add(term)
    ordered = {analysed: sorted(found) for analysed, found in terms.items()}

    def holds(anchor: Anchor) -> bool:
        token, analysed, prefix = anchor
        if not prefix:
            return token in terms[analysed]
        at = bisect.bisect_left(ordered[analysed], token)
        return at < len(ordered[analysed]) and ordered[analysed][at].startswith(token)

    return frozenset(anchor for anchor in anchors if holds(anchor))


def _fts_tokens(strings: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """How FTS5's tokenizer splits each string: an anchor is usable only if it stays whole."""
    listed = sorted(set(strings))
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{FTS_TOKENIZE}')")
        db.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, t, instance)")
        db.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)",
                       [(n, s) for n, s in enumerate(listed, start=1)])
        found: dict[int, list[str]] = {}
        for doc, term in db.execute("SELECT doc, term FROM temp.v ORDER BY doc, offset"):
            found.setdefault(doc, []).append(term)
    finally:
        db.close()
    return {s: tuple(found.get(n, ())) for n, s in enumerate(listed, start=1)}
