"""Pre-filtering and compiled evaluation: many rules run on a batch without an FTS5 query each.

Each rule is indexed under the most selective clause of its requirement (see
:mod:`alerts.anchors`). For a batch, the anchors present are read from the batch index's own
vocabulary (``fts5vocab``) and the rules indexed under them become candidates.

A candidate is then not run as an FTS5 query of its own. Its boolean tree is compiled once
into an expression over its *terms* (a phrase in some columns, or a NEAR of phrases: the
leaves FTS5 evaluates on positions), and each distinct term of the rule set is looked up once
per batch, by FTS5 itself, as the set of batch articles it matches (a bit mask). AND, OR and
NOT are whole-article set operations in FTS5 (intersection, union, difference), so combining
the terms' sets gives exactly the articles FTS5 would return for the rule — this is the
presearcher idea of Lucene's Monitor, with FTS5 kept as the judge of every term. Thousands of
rules share a few hundred terms, and a term one of whose anchors is in no article of the batch
matches none of them and is not looked up at all.

Presence is decided by the same tokenizer and index that run the terms, so a rule that is
skipped could not have matched, and a term that is not looked up matches nothing.

A term of several words (a phrase, a NEAR) can match only an article that holds all of them,
and in a batch of a hundred news articles most such terms find their words spread over
different articles. Given what each article holds (the matcher's own reading of it, the one
its explanations use), a term whose words no single article holds together is not looked up
either. That reading is trusted only when it agrees with FTS5's: for every column, the batch's
vocabulary and the number of articles holding each word must be the very ones FTS5 counted;
otherwise the batch is filtered by presence alone.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass

from alerts.anchors import Anchor, best
from alerts.query import Node
from alerts.rules import PerRuleSet, Rule
from storage.schema import FTS_TOKENIZE

ANALYSED_COLUMNS = ("title_stem", "text_stem")
# Telling which articles hold which words costs about what 1,500 lookups do, and spares about
# three lookups in five (bench/cooccurrence_filter.py): below this many a batch is filtered by
# presence alone.
TOGETHER_FROM = 2500

# What one article of a batch holds: per column of the index, its tokens as FTS5 reads them.
Reading = Mapping[str, Collection[str]]

Program = Callable[[Sequence[int]], int]


@dataclass(frozen=True)
class _Term:
    """A leaf of compiled rules: its FTS5 expression, and the anchors it needs (None when
    FTS5 splits one of them differently, so that only FTS5 can say whether it matches)."""

    fts: str
    anchors: frozenset[Anchor] | None


class RuleIndex:
    """Rules indexed by the anchors they need and compiled over their terms, to run many
    rules on a batch at the cost of its distinct terms."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.always: set[int] = set()  # rules no anchor can rule out: candidates on every batch
        self.by_anchor: dict[Anchor, list[int]] = {}
        named = [_anchors_of(rule.parsed.tree) for rule in self.rules]
        self.anchors = frozenset().union(*named)
        tokenised = _fts_tokens({anchor.token for anchor in self.anchors})
        self.verified = frozenset(a for a in self.anchors if tokenised.get(a.token) == (a.token,))
        for number, rule in enumerate(self.rules):
            # Guards (NOT) count too: a rule is filtered only if FTS5 reads all its anchors.
            if not rule.parsed.requirement or not named[number] <= self.verified:
                self.always.add(number)
                continue
            for anchor in best(rule.parsed.requirement):
                self.by_anchor.setdefault(anchor, []).append(number)
        slots: dict[str, int] = {}
        self.terms: list[_Term] = []
        self.programs: list[Program] = []
        for rule in self.rules:
            rule.parsed.patterns  # noqa: B018 - explanations need them: ready them now
            tree = rule.parsed.tree
            self.programs.append(_program(self._expression(tree, slots))
                                 or _interpreted(tree, slots))

    def _expression(self, node: Node, slots: dict[str, int]) -> str:
        """``node`` as a Python expression over ``t``, the per-batch masks of the terms."""
        if node.kind == "term":
            slot = slots.get(node.fts)
            if slot is None:
                slot = slots[node.fts] = len(self.terms)
                anchors = node.anchors
                self.terms.append(_Term(node.fts, anchors if anchors <= self.verified else None))
            return f"t[{slot}]"
        parts = [self._expression(child, slots) for child in node.children]
        if node.kind == "and":
            return "(" + " & ".join(parts) + ")"
        if node.kind == "or":
            return "(" + " | ".join(parts) + ")"
        kept, excluded = parts  # "not": masks are non-negative, so & ~ leaves no stray bits
        return f"({kept} & ~{excluded})"

    def candidates(self, present: Set[Anchor]) -> list[int]:
        """The numbers of the rules that can match a batch holding the anchors ``present``."""
        numbers = set(self.always)
        for anchor in self.by_anchor.keys() & present:
            numbers.update(self.by_anchor[anchor])
        return sorted(numbers)

    def lookups(self, present: Set[Anchor], together: _Together | None = None) -> list[int]:
        """The terms that can match in a batch holding the anchors ``present``: those FTS5
        must look up (the others match nothing). With ``together``, only those whose anchors
        some one article holds all of. Checking every term is cheaper than gathering those
        of the candidates, and in practice finds the same ones."""
        found = [slot for slot, term in enumerate(self.terms)
                 if term.anchors is None or term.anchors <= present]
        return found if together is None else self._held(found, together)

    def _held(self, slots: list[int], together: _Together) -> list[int]:
        return [slot for slot in slots if together.held_together(self.terms[slot].anchors)]

    def run(self, db: sqlite3.Connection, table: str, rowids: Sequence[int],
            readings: Sequence[Reading] | None = None) -> Iterator[tuple[Rule, list[int]]]:
        """Each rule that matches some article of the FTS5 ``table`` in ``db``, in order, with
        the rowids it matches; ``rowids`` are the table's rows in increasing order, and
        ``readings``, if given, what each of them holds (see the module's notes)."""
        vocabulary = _Vocabulary.of(db, table)
        present = vocabulary.holding(self.anchors)
        slots = self.lookups(present)
        if readings is not None and len(slots) >= TOGETHER_FROM:
            together = _Together.of(readings, vocabulary, self.anchors)
            if together is not None:
                slots = self._held(slots, together)
        masks = [0] * len(self.terms)
        position = {rowid: at for at, rowid in enumerate(rowids)}
        for slot in slots:
            masks[slot] = _mask(db, table, self.terms[slot].fts, position)
        for number in self.candidates(present):
            mask = self.programs[number](masks)
            if mask:
                yield self.rules[number], _members(mask, rowids)


class _Vocabulary:
    """The words of a batch's FTS5 index, column by column, with how many articles hold each."""

    def __init__(self, columns: dict[str, dict[str, int]]) -> None:
        self.columns = columns
        words: dict[bool, set[str]] = {False: set(), True: set()}
        for column, found in columns.items():
            words[column in ANALYSED_COLUMNS].update(found)
        self.words = words
        self.ordered = {analysed: sorted(found) for analysed, found in words.items()}
        self.expansions: dict[Anchor, list[str]] = {}

    @classmethod
    def of(cls, db: sqlite3.Connection, table: str) -> _Vocabulary:
        """The vocabulary of the FTS5 ``table`` in ``db``, as its own index counts it."""
        db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_vocabulary"
                   f" USING fts5vocab(main, {table}, col)")
        columns: dict[str, dict[str, int]] = {}
        for term, column, articles in db.execute(
                f"SELECT term, col, doc FROM temp.{table}_vocabulary"):
            columns.setdefault(column, {})[term] = articles
        return cls(columns)

    def expanded(self, anchor: Anchor) -> list[str]:
        """The batch's words that ``anchor`` stands for: itself, or those it begins (found
        once a batch: presence and the co-occurrence filter both ask)."""
        found = self.expansions.get(anchor)
        if found is None:
            token, analysed, prefix = anchor
            if not prefix:
                found = [token] if token in self.words[analysed] else []
            else:
                ordered = self.ordered[analysed]
                at = bisect.bisect_left(ordered, token)
                end = at
                while end < len(ordered) and ordered[end].startswith(token):
                    end += 1
                found = ordered[at:end]
            self.expansions[anchor] = found
        return found

    def holding(self, anchors: Iterable[Anchor]) -> frozenset[Anchor]:
        """Those of ``anchors`` some article of the batch holds."""
        return frozenset(anchor for anchor in anchors if self.expanded(anchor))


class _Together:
    """Which articles of a batch hold each anchor (one bit per article), from the readings of
    the articles."""

    def __init__(self, held_by: dict[bool, dict[str, int]], vocabulary: _Vocabulary) -> None:
        self.held_by, self.vocabulary = held_by, vocabulary
        self.masks: dict[Anchor, int] = {}

    @classmethod
    def of(cls, readings: Sequence[Reading], vocabulary: _Vocabulary,
           anchors: Iterable[Anchor]) -> _Together | None:
        """Which articles hold each of the words ``anchors`` stand for, or None unless the
        readings count, column by column, the very words FTS5 indexed and as many articles
        holding each."""
        wanted: dict[bool, set[str]] = {False: set(), True: set()}
        for anchor in anchors:
            wanted[anchor.analysed].update(vocabulary.expanded(anchor))
        counted: dict[str, Counter[str]] = {}
        held_by: dict[bool, dict[str, int]] = {False: {}, True: {}}
        for at, reading in enumerate(readings):
            bit = 1 << at
            words: dict[bool, set[str]] = {False: set(), True: set()}
            for column, tokens in reading.items():
                distinct = set(tokens)
                if distinct:
                    counted.setdefault(column, Counter()).update(distinct)
                    words[column in ANALYSED_COLUMNS] |= distinct
            for analysed, found in words.items():
                holders = held_by[analysed]
                for word in found & wanted[analysed]:
                    holders[word] = holders.get(word, 0) | bit
        return cls(held_by, vocabulary) if counted == vocabulary.columns else None

    def mask(self, anchor: Anchor) -> int:
        """The articles holding ``anchor``."""
        if not anchor.prefix:
            return self.held_by[anchor.analysed].get(anchor.token, 0)
        mask = self.masks.get(anchor)
        if mask is None:
            holders = self.held_by[anchor.analysed]
            mask = 0
            for word in self.vocabulary.expanded(anchor):
                mask |= holders[word]
            self.masks[anchor] = mask
        return mask

    def held_together(self, anchors: Iterable[Anchor] | None) -> bool:
        """Whether some one article holds all of ``anchors`` (None: FTS5 alone can say)."""
        if anchors is None:
            return True
        mask = -1
        for anchor in anchors:
            mask &= self.mask(anchor)
            if not mask:
                return False
        return True


def _program(expression: str) -> Program | None:
    """A compiled rule: its masks combined in one Python expression, a few hundred ns a run;
    None if the expression nests deeper than Python's parser allows.

    The expression holds only slot numbers and the operators ``& | ~``, written by
    :meth:`RuleIndex._expression` from a parsed tree: no text of the query gets into it.
    """
    try:
        program: Program = eval(f"lambda t: {expression}")  # noqa: S307 - see above
    except (SyntaxError, RecursionError, MemoryError):  # "too many nested parentheses"
        return None
    return program


def _interpreted(node: Node, slots: dict[str, int]) -> Program:
    """A rule as nested closures: slower than :func:`_program`, but for any depth of nesting."""
    if node.kind == "term":
        slot = slots[node.fts]
        return lambda t: t[slot]
    parts = [_interpreted(child, slots) for child in node.children]
    if node.kind == "not":
        kept, excluded = parts
        return lambda t: kept(t) & ~excluded(t)
    every = node.kind == "and"

    def combined(t: Sequence[int]) -> int:
        mask = parts[0](t)
        for part in parts[1:]:
            mask = mask & part(t) if every else mask | part(t)
        return mask

    return combined


def _mask(db: sqlite3.Connection, table: str, fts: str, position: dict[int, int]) -> int:
    """The articles of the batch that the FTS5 expression ``fts`` matches, as a bit mask."""
    mask = 0
    for (rowid,) in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", [fts]):
        mask |= 1 << position[rowid]
    return mask


def _members(mask: int, rowids: Sequence[int]) -> list[int]:
    """The rowids whose bits are set in ``mask``, in order."""
    found = []
    while mask:
        low = mask & -mask
        found.append(rowids[low.bit_length() - 1])
        mask ^= low
    return found


def _anchors_of(node: Node) -> frozenset[Anchor]:
    """The anchors of every term of ``node``, those under NOT included."""
    if node.kind == "term":
        return node.anchors
    return frozenset().union(*(_anchors_of(child) for child in node.children))


# The index of a set of rules, built once for as long as the same rules keep coming.
index_rules: PerRuleSet[RuleIndex] = PerRuleSet(RuleIndex)


def _present(db: sqlite3.Connection, table: str, anchors: Set[Anchor]) -> frozenset[Anchor]:
    """Which of ``anchors`` some article of the FTS5 ``table`` holds, by its own vocabulary."""
    return _Vocabulary.of(db, table).holding(anchors)


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
