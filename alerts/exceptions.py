"""Errors of rules and delivery.

AlertsError            base of everything alerts/ raises on purpose
├── QuerySyntaxError   a rule or search query that cannot be parsed (with the position)
└── RuleError          a rule that cannot be used as written
"""

from __future__ import annotations


class AlertsError(Exception):
    """Something in rules or delivery cannot be done as asked."""


class QuerySyntaxError(AlertsError):
    """A query with a syntax mistake; ``position`` is the 0-based offset of the mistake."""

    def __init__(self, message: str, query: str, position: int) -> None:
        self.message = message
        self.query = query
        self.position = position
        super().__init__(f"{message} (at character {position + 1})")

    def pointer(self) -> str:
        """The query with a caret under the mistake, for terminals."""
        return f"{self.query}\n{' ' * self.position}^"


class RuleError(AlertsError):
    """A rule whose settings contradict each other or name something that does not exist."""
