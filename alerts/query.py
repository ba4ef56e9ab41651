"""Pantau's query language, shared by rules and ``pantau search``, compiled to SQLite FTS5.

    pekerja migran            both words (AND is implied)
    "pekerja migran"          the phrase
    PMI OR TKI                either
    TKI NOT "palang merah"    the first without the second
    (Jepang OR Korea) kaigo   grouping
    penempat*                 prefix
    calo NEAR/5 TKI           within 5 words of each other
    title:deportasi           only in the title (also title:(a OR b))
    EPS-TOPIK, G-to-G, SLOM+3 words joined by punctuation are phrases: "eps topik"

Matching ignores case and accents, and terms are whole words: PMI never matches inside
"PMIK". Operators are upper case; lower-case "and", "or", "not" are ordinary words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.exceptions import QuerySyntaxError

FIELDS = ("title", "text")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<phrase>"[^"]*"?)
      | (?P<near>NEAR/\d+)
      | (?P<field>[A-Za-z_]+:)
      | (?P<word>[^\s()"]+)""",
    re.VERBOSE,
)
_OPERATORS = {"AND", "OR", "NOT"}
_WORD_CHARS = re.compile(r"\w+")


@dataclass(frozen=True)
class Token:
    """One piece of a query and where it starts."""

    kind: str
    text: str
    position: int


@dataclass(frozen=True)
class Term:
    """A word or phrase a query looks for, as written and as an FTS5 phrase."""

    label: str
    fts: str


@dataclass(frozen=True)
class Query:
    """A parsed query: the FTS5 expression to run and the positive terms it looks for."""

    source: str
    fts: str
    terms: tuple[Term, ...]


def parse(query: str) -> Query:
    """Parse ``query``; raise :class:`QuerySyntaxError` pointing at the first mistake."""
    if not query.strip():
        raise QuerySyntaxError("the query is empty", query, 0)
    parser = _Parser(query, tokenize(query))
    fts = parser.parse()
    return Query(source=query, fts=fts, terms=tuple(dict.fromkeys(parser.terms)))


def tokenize(query: str) -> list[Token]:
    """Split ``query`` into tokens, dropping spaces."""
    tokens: list[Token] = []
    for found in _TOKEN.finditer(query):
        kind = found.lastgroup or "word"
        text = found.group()
        if kind == "space":
            continue
        if kind == "phrase" and (len(text) < 2 or not text.endswith('"')):
            raise QuerySyntaxError("this phrase has no closing quote", query, found.start())
        if kind == "word" and text in _OPERATORS:
            kind = text.lower()
        tokens.append(Token(kind, text, found.start()))
    return tokens


class _Parser:
    """A recursive-descent parser from tokens to an FTS5 expression."""

    def __init__(self, query: str, tokens: list[Token]) -> None:
        self.query = query
        self.tokens = tokens
        self.index = 0
        self.terms: list[Term] = []
        self.negated = 0

    def parse(self) -> str:
        expression = self.or_expression()
        if self.peek() is not None:
            token = self.tokens[self.index]
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

    def or_expression(self) -> str:
        parts = [self.and_expression()]
        while (token := self.peek()) and token.kind == "or":
            self.take()
            parts.append(self.and_expression())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def and_expression(self) -> str:
        parts = [self.not_expression()]
        while (token := self.peek()) and token.kind not in ("or", "rparen"):
            if token.kind == "and":
                self.take()
            parts.append(self.not_expression())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def not_expression(self) -> str:
        expression = self.near_expression()
        while (token := self.peek()) and token.kind == "not":
            self.take()
            self.negated += 1
            expression = f"({expression} NOT {self.near_expression()})"
            self.negated -= 1
        return expression

    def near_expression(self) -> str:
        start = self.peek()
        expression = self.unary()
        phrases = [expression]
        distance = 10
        while (token := self.peek()) and token.kind == "near":
            self.take()
            distance = int(token.text.split("/")[1])
            phrases.append(self.unary())
        if len(phrases) == 1:
            return expression
        if any(not phrase.startswith('"') for phrase in phrases):
            self.fail("NEAR joins words or phrases, not groups or fields", start)
        return f"NEAR({' '.join(phrases)}, {distance})"

    def unary(self) -> str:
        token = self.peek()
        if token is None:
            self.fail("the query ends where a word, phrase or '(' was expected")
        assert token is not None
        if token.kind in ("and", "or", "not", "near", "rparen"):
            self.fail(f"{token.text!r} needs a word, phrase or '(' before it", token)
        self.take()
        if token.kind == "lparen":
            return self.group(token)
        if token.kind == "field":
            return self.field(token)
        return self.term(token)

    def group(self, opening: Token) -> str:
        inner = self.or_expression()
        closing = self.peek()
        if closing is None or closing.kind != "rparen":
            self.fail("this '(' is never closed", opening)
        self.take()
        return inner

    def field(self, token: Token) -> str:
        name = token.text[:-1].lower()
        if name not in FIELDS:
            self.fail(f"unknown field {name!r}; fields are {', '.join(FIELDS)}", token)
        target = self.peek()
        if target is None or target.kind not in ("word", "phrase", "lparen"):
            self.fail(f"{token.text} must be followed by a word, phrase or '('", token)
        return f"{name} : {self.unary()}"

    def term(self, token: Token) -> str:
        text = token.text.strip('"') if token.kind == "phrase" else token.text
        prefix = token.kind == "word" and text.endswith("*")
        words = _WORD_CHARS.findall(text)
        if not words:
            self.fail(f"{token.text!r} holds no letters or digits to search for", token)
        phrase = '"' + " ".join(words) + '"' + ("*" if prefix else "")
        if not self.negated:
            self.terms.append(Term(text, phrase))
        return phrase
