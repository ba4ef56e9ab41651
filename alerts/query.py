"""Pantau's query language, shared by rules and ``pantau search``, compiled to SQLite FTS5.

    pekerja migran            both words (AND is implied)
    "pekerja migran"          the phrase
    PMI OR TKI                either
    TKI NOT "palang merah"    the first without the second (also: TKI AND NOT ...)
    (Jepang OR Korea) kaigo   grouping
    penempat*                 prefix (also "pekerja migr"*, a phrase ending in one)
    ~penempatan               every word form of the root: penempatan, ditempatkan,
                              menempatkan, penempatannya (also ~"kirim pekerja")
    calo NEAR/5 TKI           within 5 words of each other
    (calo OR sponsor) NEAR/5 (TKI OR PMI)
                              any of the first within 5 words of any of the second
    calo NEAR/5 ~berangkat    one ~term (or CJK term) makes the whole NEAR compare word
                              forms: calo also finds percaloan (explained as ~calo);
                              a prefix there must start a root (deport*, not penempat*)
    title:deportasi           only in the title (also title:(a OR b))
    EPS-TOPIK, G-to-G, SLOM+3 words joined by punctuation are phrases: "eps topik"
    特定技能, 고용허가제        Chinese, Japanese and Korean terms match inside longer runs

Matching ignores case and accents, and terms are whole words: PMI never matches inside
"PMIK". Operators are upper case; lower-case "and", "or", "not" are ordinary words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import product

from alerts import anchors
from alerts.anchors import Anchor, Requirement
from alerts.exceptions import QuerySyntaxError
from storage.analysis import Pattern, Patterns, analyse_words, has_cjk, words

FIELDS = ("title", "text")
DEFAULT_NEAR = 10
# A NEAR of alternatives stands for every combination of its terms; beyond this many, a query
# is better split into several NEARs (each combination is one FTS5 NEAR to run).
MAX_NEAR_COMBINATIONS = 400
# Explanations kept per query, by the set of its terms that hit (a query of n terms has 2**n).
_LABELS_KEPT = 256
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<phrase>~?"[^"]*(?:"\*?)?)
      | (?P<near>NEAR/\d+\b)
      | (?P<field>[A-Za-z_]+:)
      | (?P<word>[^\s()"]+)""",
    re.VERBOSE,
)
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Token:
    """One piece of a query and where it starts."""

    kind: str
    text: str
    position: int


@dataclass(frozen=True)
class Term:
    """A word or phrase a query looks for: as written, as an FTS5 phrase, as a pattern."""

    label: str
    fts: str
    pattern: Pattern


@dataclass(frozen=True)
class Query:
    """A parsed query: the FTS5 expression to run, the positive terms it looks for, and what
    an article must contain for it to match (see :mod:`alerts.anchors`)."""

    source: str
    terms: tuple[Term, ...]
    tree: Node

    @property
    def fts(self) -> str:
        """The FTS5 expression to run."""
        return self.tree.fts

    @property
    def requirement(self) -> Requirement:
        """What an article must hold for the query to match it (see :mod:`alerts.anchors`)."""
        return self.tree.requirement

    @cached_property
    def labelled_patterns(self) -> tuple[tuple[str, Pattern], ...]:
        """(label, pattern) of each positive term, for explanations."""
        return tuple((term.label, term.pattern) for term in self.terms)

    @cached_property
    def patterns(self) -> Patterns:
        """The patterns of the positive terms, to find at once which of them hit."""
        return Patterns(term.pattern for term in self.terms)

    @cached_property
    def labels(self) -> tuple[str, ...]:
        """The labels of the positive terms, each once: the explanation when all of them hit."""
        return tuple(dict.fromkeys(term.label for term in self.terms))

    def labels_of(self, hit: frozenset[Pattern]) -> tuple[str, ...]:
        """The labels of the positive terms whose patterns are among ``hit`` (patterns of
        this query), each once, in the query's order."""
        if len(hit) == len(self.patterns):
            return self.labels
        # A rule matching many articles is explained by the same few terms again and again.
        known = self._labels_of.get(hit)
        if known is None:
            known = tuple(dict.fromkeys(label for label, pattern in self.labelled_patterns
                                        if pattern in hit))
            if len(self._labels_of) < _LABELS_KEPT:
                self._labels_of[hit] = known
        return known

    @cached_property
    def _labels_of(self) -> dict[frozenset[Pattern], tuple[str, ...]]:
        return {}


def parse(query: str) -> Query:
    """Parse ``query``; raise :class:`QuerySyntaxError` pointing at the first mistake."""
    if not query.strip():
        raise QuerySyntaxError("the query is empty; write a word or phrase to look for",
                               query, 0)
    parser = _Parser(query, tokenize(query))
    expression = parser.parse()
    return Query(source=query, terms=tuple(dict.fromkeys(parser.terms)), tree=expression)


def tokenize(query: str) -> list[Token]:
    """Split ``query`` into tokens, dropping spaces."""
    tokens: list[Token] = []
    for found in _TOKEN.finditer(query):
        kind = found.lastgroup or "word"
        text = found.group()
        if kind == "space":
            continue
        body = text.lstrip("~").removesuffix("*")
        if kind == "phrase" and (len(body) < 2 or not body.endswith('"')):
            raise QuerySyntaxError("this phrase has no closing quote; add a '\"' where it "
                                   "ends", query, found.start())
        if kind == "word" and text in _OPERATORS:
            kind = text.lower()
        tokens.append(Token(kind, text, found.start()))
    return tokens


@dataclass(frozen=True)
class Node:
    """Part of a compiled query: its FTS5 text, what an article needs for it to match, and
    its parts, so that the parts a batch cannot hold can be dropped before it runs."""

    kind: str  # "term" (a phrase, or a NEAR of phrases), "and", "or", "not"
    fts: str
    requirement: Requirement
    children: tuple[Node, ...] = ()

    @cached_property
    def anchors(self) -> frozenset[Anchor]:
        """Every anchor the node's requirement names."""
        return frozenset().union(*self.requirement)


@dataclass(frozen=True)
class _Alternatives:
    """A group of terms joined by OR, next to a NEAR: any one of them may stand in it."""

    leaves: tuple[_Leaf, ...]


@dataclass(frozen=True)
class _Leaf:
    """A term not yet written as FTS5: NEAR and field scopes still decide its columns."""

    token: Token
    text: str
    analysed: bool
    prefix: bool
    field: str | None


class _Parser:
    """A recursive-descent parser from tokens to an FTS5 expression.

    or := and (OR and)* ; and := not ([AND] [NOT] not)* ; not := near (NOT near)* ;
    near := unary (NEAR/n unary)* ; unary := word | phrase | field: unary | ( or )
    """

    def __init__(self, query: str, tokens: list[Token]) -> None:
        self.query = query
        self.tokens = tokens
        self.index = 0
        self.terms: list[Term] = []
        self.negated = 0
        self.field: str | None = None

    def parse(self) -> Node:
        first = self.peek()
        if first is not None and first.kind == "not":
            self.fail("a query cannot start with NOT: say first what to look for, "
                      "e.g. 'PMI NOT \"palang merah\"'", first)
        expression = self.or_expression()
        if (token := self.peek()) is not None:
            if token.kind == "rparen":
                self.fail("this ')' closes nothing; remove it or add a '(' before", token)
            self.fail(f"unexpected {token.text!r}; expected an operator or the end", token)
        return expression

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, message: str, token: Token | None = None) -> None:
        position = token.position if token else len(self.query)
        raise QuerySyntaxError(message, self.query, position)

    def or_expression(self) -> Node:
        parts = [self.and_expression()]
        while (token := self.peek()) and token.kind == "or":
            self.take()
            if (after := self.peek()) and after.kind == "not":
                self.fail("OR NOT excludes from nothing; write 'a NOT b' or "
                          "'(a OR b) NOT c'", after)
            parts.append(self.and_expression())
        if len(parts) == 1:
            return parts[0]
        return Node("or", "(" + " OR ".join(p.fts for p in parts) + ")",
                    anchors.any_of(p.requirement for p in parts), tuple(parts))

    def and_expression(self) -> Node:
        expression = self.not_expression()
        parts = [expression]
        while (token := self.peek()) and token.kind not in ("or", "rparen"):
            if token.kind == "and":
                self.take()
                if (after := self.peek()) and after.kind == "not":  # a AND NOT b
                    self.take()
                    parts[-1] = _without(parts[-1], self.negative())
                    continue
            parts.append(self.not_expression())
        if len(parts) == 1:
            return parts[0]
        return Node("and", "(" + " AND ".join(p.fts for p in parts) + ")",
                    anchors.all_of(p.requirement for p in parts), tuple(parts))

    def not_expression(self) -> Node:
        expression = self.near_expression()
        while (token := self.peek()) and token.kind == "not":
            self.take()
            expression = _without(expression, self.negative())
        return expression

    def negative(self) -> Node:
        """The right side of NOT: parsed like any operand, its terms not reported as hits."""
        self.negated += 1
        try:
            return self.near_expression()
        finally:
            self.negated -= 1

    def near_expression(self) -> Node:
        start = self.peek()
        operand = self.unary()
        members = [operand]
        distance = DEFAULT_NEAR
        while (token := self.peek()) and token.kind == "near":
            self.take()
            distance = int(token.text.split("/")[1])
            members.append(self.unary())
        if len(members) == 1:
            assert not isinstance(operand, _Alternatives)  # only ever made next to a NEAR
            return self.render(operand) if isinstance(operand, _Leaf) else operand
        choices = [[m] if isinstance(m, _Leaf) else list(m.leaves) if isinstance(
            m, _Alternatives) else None for m in members]
        if any(choice is None for choice in choices):
            self.fail("NEAR joins words, phrases or groups of them joined by OR; write the "
                      "field before a group instead: title:(a NEAR/5 b)", start)
        combinations = list(product(*(choice for choice in choices if choice is not None)))
        if len(combinations) > MAX_NEAR_COMBINATIONS:
            self.fail(f"this NEAR stands for {len(combinations)} combinations of its terms, "
                      f"more than {MAX_NEAR_COMBINATIONS}; split it into several NEARs joined "
                      "by OR", start)
        nodes = [self.near(list(combination), distance, start) for combination in combinations]
        if len(nodes) == 1:
            return nodes[0]
        return Node("or", "(" + " OR ".join(n.fts for n in nodes) + ")",
                    anchors.any_of(n.requirement for n in nodes), tuple(nodes))

    def near(self, leaves: list[_Leaf], distance: int, start: Token | None) -> Node:
        if len({leaf.field for leaf in leaves}) > 1:
            self.fail("the terms of a NEAR must be in the same field; write "
                      "title:(a NEAR/5 b)", start)
        # Exact words and word forms live in different columns: if one term needs the
        # analysed column, the whole NEAR is compared there.
        analysed = any(leaf.analysed or has_cjk(leaf.text) for leaf in leaves)
        for leaf in leaves:
            # There a prefix is read as the start of a root: "deport*" still finds dideportasi,
            # but "penempat*" would be "tempat*", any place (CJK is split, never cut).
            if (analysed and leaf.prefix and not has_cjk(leaf.text)
                    and _tokens(leaf.text, True) != _tokens(leaf.text, False)):
                root = " ".join(_tokens(leaf.text, True))
                self.fail(f"{leaf.token.text!r} beside word forms in a NEAR would be read as "
                          f"{root + '*'!r}; write a whole word's forms instead (as in "
                          "~penempatan) or name the words", leaf.token)
        phrases = [self.phrase(leaf, analysed) for leaf in leaves]
        columns = _columns(leaves[0].field, analysed)
        return Node("term", f"{columns} : NEAR({' '.join(p.fts for p in phrases)}, {distance})",
                    anchors.all_of(p.requirement for p in phrases))

    def unary(self) -> Node | _Leaf | _Alternatives:
        token = self.peek()
        if token is None:
            self.fail("the query ends where a word, phrase or '(' was expected")
        assert token is not None
        if token.kind == "rparen" and self.tokens[self.index - 1].kind == "lparen":
            self.fail("this group is empty; put a word or phrase between the parentheses",
                      self.tokens[self.index - 1])
        if token.kind in ("and", "or", "not", "near", "rparen"):
            self.fail(f"{token.text!r} needs a word, phrase or '(' before it", token)
        self.take()
        if token.kind == "lparen":
            return self.group(token)
        if token.kind == "field":
            return self.scoped(token)
        return self.leaf(token)

    def group(self, opening: Token) -> Node | _Alternatives:
        if (alternatives := self.alternatives()) is not None:
            return alternatives
        inner = self.or_expression()
        closing = self.peek()
        if closing is None or closing.kind != "rparen":
            self.fail("this '(' is never closed", opening)
        self.take()
        return inner

    def alternatives(self) -> _Alternatives | None:
        """The group just opened, if it is terms joined by OR and a NEAR stands next to it."""
        first, tokens = self.index, self.tokens
        end = first  # the group's last term
        while end + 2 < len(tokens) and tokens[end + 1].kind == "or":
            end += 2
        terms = tokens[first:end + 1:2]
        if (end + 1 >= len(tokens) or tokens[end + 1].kind != "rparen"
                or any(term.kind not in ("word", "phrase") for term in terms)):
            return None
        neighbours = (tokens[first - 2] if first >= 2 else None,
                      tokens[end + 2] if end + 2 < len(tokens) else None)
        if not any(token is not None and token.kind == "near" for token in neighbours):
            return None
        self.index = end + 2
        return _Alternatives(tuple(self.leaf(term) for term in terms))

    def scoped(self, token: Token) -> Node | _Leaf | _Alternatives:
        name = token.text[:-1].lower()
        if name not in FIELDS:
            self.fail(f"unknown field {name!r}; fields are {', '.join(FIELDS)}", token)
        target = self.peek()
        if target is None or target.kind not in ("word", "phrase", "lparen"):
            self.fail(f"{token.text} must be followed by a word, phrase or '('", token)
        if self.field not in (None, name):
            self.fail(f"{token.text} inside {self.field}: can never match", token)
        outer, self.field = self.field, name
        try:
            return self.unary()
        finally:
            self.field = outer

    def leaf(self, token: Token) -> _Leaf:
        text = token.text
        analysed = text.startswith("~")
        text = text.lstrip("~")
        if analysed and not text:
            self.fail("'~' must be followed directly by a word or phrase: ~penempatan", token)
        if token.kind == "phrase":  # "pekerja migr"* ends in a prefix, written as pekerja migr*
            prefix = text.endswith("*")
            text = text[1:-2] + "*" if prefix else text[1:-1]
            if not prefix and text.rstrip().endswith("*"):
                self.fail(f"inside quotes '*' is not a prefix; put it after the closing quote:"
                          f" \"{text.rstrip()[:-1]}\"*", token)
        else:
            prefix = text.endswith("*")
        if analysed and prefix:
            self.fail("'~' (word forms) and '*' (prefix) cannot be combined; use one", token)
        if not words(text):
            self.fail(f"{token.text!r} holds no letters or digits to search for", token)
        return _Leaf(token, text, analysed, prefix, self.field)

    def render(self, leaf: _Leaf) -> Node:
        """A lone term: its phrase in the columns its kind and field call for."""
        analysed = leaf.analysed or has_cjk(leaf.text)
        phrase = self.phrase(leaf, analysed)
        return Node("term", f"{_columns(leaf.field, analysed)} : {phrase.fts}",
                    phrase.requirement)

    def phrase(self, leaf: _Leaf, analysed: bool) -> Node:
        """The FTS5 phrase of a term; records it as a hit to explain unless negated."""
        tokens = _tokens(leaf.text, analysed)
        phrase = '"' + " ".join(tokens) + '"' + ("*" if leaf.prefix else "")
        if not self.negated:
            fields = (leaf.field,) if leaf.field else FIELDS
            # A word compared in the analysed columns (beside a ~term in a NEAR) matches any
            # form of its root, and its explanation says so: "dipekerjakan" hits "pekerja".
            forms = leaf.analysed or (analysed and not has_cjk(leaf.text))
            label = ("~" if forms else "") + leaf.text
            self.terms.append(Term(label, phrase, _pattern(tokens, analysed, leaf.prefix,
                                                           fields)))
        return Node("term", phrase, anchors.phrase(tokens, analysed, leaf.prefix))


def _without(kept: Node, excluded: Node) -> Node:
    """``kept NOT excluded``: what it needs is what ``kept`` needs (NOT never anchors)."""
    return Node("not", f"({kept.fts} NOT {excluded.fts})", kept.requirement, (kept, excluded))


@lru_cache(maxsize=100_000)
def _tokens(text: str, analysed: bool) -> tuple[str, ...]:
    """A term's tokens as the index holds them (a NEAR of alternatives writes the same terms
    in each of its combinations)."""
    return tuple(analyse_words(text) if analysed else words(text))


@lru_cache(maxsize=100_000)
def _pattern(tokens: tuple[str, ...], analysed: bool, prefix: bool,
             fields: tuple[str, ...]) -> Pattern:
    """One shared Pattern per distinct term: many rules name the same terms, and explanations
    find a shared object in their per-article caches without comparing it field by field."""
    return Pattern(tokens, analysed, prefix, fields)


def _columns(field: str | None, analysed: bool) -> str:
    """The FTS5 column filter: exact words or their analysed shadow, all fields or one."""
    names = (field,) if field else FIELDS
    return "{" + " ".join(f"{name}_stem" if analysed else name for name in names) + "}"
