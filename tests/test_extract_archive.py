"""The article fields extraction adds reach the archive, and an older archive upgrades."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage import Archive
from storage.schema import MIGRATIONS
from tests.conftest import article


def test_an_archive_of_the_first_version_upgrades_and_keeps_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute(
            "INSERT INTO articles (url, canonical_url, source, title, text, first_seen_at,"
            " content_hash) VALUES ('https://a.example/1', 'https://a.example/1', 'a', 'Lama',"
            " 'Teks lama', '2026-01-01T00:00:00+00:00', 'x')")
        conn.execute("PRAGMA user_version = 1")
    with Archive.open(path) as archive:
        assert archive.schema_version == len(MIGRATIONS)
        old = archive.article(1)
        assert old is not None
        assert (old.title, old.updated_at, old.section, old.tags) == ("Lama", None, None, ())


def test_update_time_section_tags_and_image_are_archived(archive: Archive) -> None:
    article_id = archive.add_article(article(
        1, "Pekerja migran berangkat ke Jepang.", published_at="2026-06-16T10:00:00+07:00",
        published_from="page", updated_at="2026-06-16T12:30:00+07:00", section="Ekonomi",
        tags=("PMI", "Jepang"), image_url="https://img.example/1.jpg"))
    assert article_id is not None
    stored = archive.article(article_id)
    assert stored is not None
    assert stored.updated_at == "2026-06-16T12:30:00+07:00"
    assert stored.first_seen_at != stored.published_at
    assert (stored.section, stored.tags, stored.image_url) == (
        "Ekonomi", ("PMI", "Jepang"), "https://img.example/1.jpg")
