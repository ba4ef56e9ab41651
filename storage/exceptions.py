"""Errors of the archive.

ArchiveError            the file cannot be opened, read or queried as asked
└── ArchiveVersionError the file was written by a newer Pantau
"""

from __future__ import annotations


class ArchiveError(Exception):
    """The archive cannot do what was asked; the message says why and what to do."""


class ArchiveVersionError(ArchiveError):
    """The archive's schema is newer than this Pantau understands."""
