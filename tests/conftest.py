"""Shared fixtures: real archives in tmp_path, a real chat receiver on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pantau.demo.receiver import ChatReceiver
from storage import Archive, ArticleRecord


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive.db") as opened:
        yield opened


@pytest.fixture
def receiver() -> Iterator[ChatReceiver]:
    with ChatReceiver() as running:
        yield running


def article(number: int, text: str, title: str = "", **fields: object) -> ArticleRecord:
    """An article record with a unique URL."""
    url = f"https://news.example/berita/{number}"
    values: dict[str, object] = {"url": url, "canonical_url": url, "source": "news",
                                 "title": title or f"Berita {number}", "text": text}
    values.update(fields)
    return ArticleRecord(**values)  # type: ignore[arg-type]
