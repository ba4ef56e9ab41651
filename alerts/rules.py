"""Rules: saved searches that decide which new articles are worth telling someone about."""

from __future__ import annotations

import re
import threading
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from operator import is_
from typing import Any, Generic, TypeVar

from alerts.query import Query, parse

DEFAULT_PACK = "default_rules.toml"
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    """A query plus filters plus where to send what it finds (``[[rules]]`` in pantau.toml)."""

    name: str = field(metadata={"help": "short identifier, shown in alerts"})
    query: str = field(metadata={"help": "what to look for, in Pantau's query language"})
    description: str = field(default="", metadata={"help": "what the rule is about, for people"})
    destinations: tuple[str, ...] = field(
        default=(), metadata={"help": "destination names to alert (default: all of them)"})
    sources: tuple[str, ...] = field(
        default=(), metadata={"help": "only articles of these sources (default: all)"})
    languages: tuple[str, ...] = field(
        default=(), metadata={"help": "only articles in these languages, e.g. id, en"})
    max_age_days: float = field(
        default=7.0, metadata={"help": "no alert for articles published longer ago than this"})

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", self.name):
            raise ValueError("a rule name may hold only letters, digits, '.', '-' and '_'")
        for language in self.languages:
            if not _LANGUAGE.fullmatch(language):
                raise ValueError(f"languages: {language!r} is not a language code; write "
                                 "ISO 639-1 codes such as \"id\" or \"en\"")
        if not self.max_age_days > 0:
            raise ValueError("max_age_days must be more than 0 (days since publication)")
        self.parsed  # noqa: B018 - parse now, so a broken query fails on load

    @cached_property
    def parsed(self) -> Query:
        """The rule's query, parsed."""
        return parse(self.query)

    def accepts(self, source: str, language: str | None) -> bool:
        """Whether the rule's source and language filters let an article through."""
        if self.sources and source not in self.sources:
            return False
        if not self.languages:
            return True
        # "id" takes "id-ID" and "ID" too: pages name languages in several ways.
        primary = (language or "").lower().replace("_", "-").split("-")[0]
        return primary in {code.lower() for code in self.languages}


def default_rule_pack() -> list[dict[str, Any]]:
    """The shipped rule pack, as ``[[rules]]`` tables ready for validation."""
    text = files("alerts").joinpath(DEFAULT_PACK).read_text(encoding="utf-8")
    rules: list[dict[str, Any]] = tomllib.loads(text)["rules"]
    return rules


class PerRuleSet(Generic[T]):
    """What ``build`` makes of a set of rules, built once for as long as the same rules keep
    coming (the last ``keep`` sets are kept).

    Rules are recognised by identity: hashing 10,000 rules field by field for every batch
    would cost more than matching it. The rules are held with what was built of them, so
    their ids stay theirs.
    """

    def __init__(self, build: Callable[[Sequence[Rule]], T], keep: int = 4) -> None:
        self.build, self.keep = build, keep
        self._built: dict[tuple[int, ...], tuple[tuple[Rule, ...], T]] = {}
        self._last: tuple[tuple[Rule, ...], T] | None = None
        self._lock = threading.Lock()  # a pipeline may match in more than one thread

    def __call__(self, rules: Sequence[Rule]) -> T:
        # Batch after batch comes with the same rules: comparing them one by one with the
        # last set is a third of the cost of making the key that finds any set.
        last = self._last
        if last is not None and len(rules) == len(last[0]) and all(map(is_, rules, last[0])):
            return last[1]
        key = tuple(map(id, rules))
        with self._lock:
            found = self._built.get(key)
            if found is None:
                if len(self._built) >= self.keep:
                    del self._built[next(iter(self._built))]
                found = self._built[key] = (tuple(rules), self.build(rules))
            self._last = found
            return found[1]
