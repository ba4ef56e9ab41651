"""Errors of the application shell.

PantauError        base of what the CLI shows as a one-line message instead of a traceback
└── ConfigError    a mistake in pantau.toml: the file, the field, what is wrong, what to do
"""

from __future__ import annotations

from pathlib import Path


class PantauError(Exception):
    """An error meant for the person running Pantau."""


class ConfigError(PantauError):
    """A mistake in a config file, with where it is and how to fix it."""

    def __init__(self, path: Path, field: str | None, problem: str, hint: str = "") -> None:
        self.path = path
        self.field = field
        self.problem = problem
        self.hint = hint
        where = f"{path}: {field}" if field else str(path)
        super().__init__(f"{where}: {problem}" + (f" ({hint})" if hint and "\n" not in hint
                                                  else hint))
