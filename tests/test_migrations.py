"""Every schema migration upgrades an archive written at the version before it, data intact;
and an online backup is a working archive."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Archive, ArticleRecord
from storage.analysis import analyse
from storage.archive import _week
from storage.neardup import sample
from storage.schema import MIGRATIONS
from tests.test_crawl import WIRE


def archive_at(path: Path, version: int) -> None:
    """An archive built with the first ``version`` migrations, holding two articles."""
    conn = sqlite3.connect(path)
    conn.create_function("pantau_analyze", 1, analyse, deterministic=True)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    for number in (1, 2):
        conn.execute("INSERT INTO articles (url, canonical_url, source, title, text,"
                     " first_seen_at, content_hash) VALUES (?, ?, 'news', ?, ?,"
                     " '2026-11-01T00:00:00+00:00', ?)",
                     [f"https://a.id/{number}", f"https://a.id/{number}", f"Berita {number}",
                      f"Pekerja migran diberangkatkan ke Jepang, laporan {number}.",
                      f"hash{number}"])
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_an_archive_of_each_earlier_version_upgrades(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.db"
    archive_at(path, version)
    with Archive.open(path) as archive:
        assert archive.schema_version == len(MIGRATIONS)
        assert archive.counts()["articles"] == 2
        assert {hit.id for hit in archive.search('"pekerja migran"')} == {1, 2}
        new = archive.add_article(ArticleRecord(
            url="https://a.id/3", canonical_url="https://a.id/3", source="news",
            title="Berita 3", text="Calon pekerja migran ditempatkan di Korea."))
        assert new == 3 and {hit.id for hit in archive.search('"korea"')} == {3}


def test_an_online_backup_is_a_working_archive(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    archive_at(path, len(MIGRATIONS))
    with Archive.open(path) as live:
        pages = live.backup(tmp_path / "copy.db")
        live.add_article(ArticleRecord(url="https://a.id/9", canonical_url="https://a.id/9",
                                       source="news", title="Sesudah", text="Setelah salinan."))
    assert pages > 0
    with Archive.open(tmp_path / "copy.db") as copy:
        assert copy.counts()["articles"] == 2  # a snapshot: later writes are not in it
        assert {hit.id for hit in copy.search('"jepang"')} == {1, 2}


def test_an_upgrade_samples_recent_articles_so_their_copies_are_found(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    archive_at(path, 6)
    body = "\n".join(WIRE)
    conn = sqlite3.connect(path)
    conn.create_function("pantau_analyze", 1, analyse, deterministic=True)
    conn.execute("UPDATE articles SET first_seen_at = ?",
                 [datetime.now(UTC).isoformat(timespec="seconds")])
    conn.execute("UPDATE articles SET text = ? WHERE id = 1", [body])
    conn.commit()
    conn.close()
    with Archive.open(path) as archive:
        copy = archive.add_article(ArticleRecord(
            url="https://b.id/1", canonical_url="https://b.id/1", source="other", title="Salinan",
            text="KUPANG (ANTARA) - " + body.replace("seorang", "satu orang")))
        assert copy is not None
        assert archive.article(copy).cluster_id == 1  # type: ignore[union-attr]


def test_the_shingle_sample_keeps_its_rows_keyed_by_week(tmp_path: Path) -> None:
    path = tmp_path / "v7.db"
    archive_at(path, 7)
    body = "\n".join(WIRE)
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    conn = sqlite3.connect(path)
    conn.create_function("pantau_analyze", 1, analyse, deterministic=True)
    conn.execute("UPDATE articles SET first_seen_at = ?", [seen])
    conn.execute("UPDATE articles SET text = ? WHERE id = 1", [body])
    conn.executemany("INSERT INTO article_shingles (hash, article_id) VALUES (?, 1)",
                     [(value,) for value in sample(body)])
    conn.commit()
    conn.close()
    with Archive.open(path) as archive:
        rows = archive.db.conn.execute("SELECT week, hash FROM article_shingles").fetchall()
        assert sorted(hash_ for _, hash_ in rows) == sample(body)
        assert {week for week, _ in rows} == {_week(seen)}
        copy = archive.add_article(ArticleRecord(
            url="https://b.id/1", canonical_url="https://b.id/1", source="other", title="Salinan",
            text="KUPANG (ANTARA) - " + body.replace("seorang", "satu orang")))
        assert copy is not None
        assert archive.article(copy).cluster_id == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("stamp", ["2026-11-28T10:00:00+00:00", "2026-11-26T23:59:59+07:00",
                                   "2026-11-26T00:00:00", "1970-01-08T00:00:00+00:00"])
def test_python_and_the_migration_agree_on_an_articles_week(stamp: str) -> None:
    conn = sqlite3.connect(":memory:")
    in_sql = conn.execute("SELECT CAST((julianday(?) - 2440587.5) / 7 AS INTEGER)",
                          [stamp]).fetchone()[0]
    assert _week(stamp) == in_sql


def test_the_index_is_made_again_with_todays_word_forms(tmp_path: Path) -> None:
    path = tmp_path / "v8.db"
    conn = sqlite3.connect(path)
    # An archive indexed by an older analysis (here: words as they are, no roots at all).
    conn.create_function("pantau_analyze", 1, lambda text: text, deterministic=True)
    for script in MIGRATIONS[:8]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 8")
    conn.execute("INSERT INTO articles (url, canonical_url, source, title, text, first_seen_at,"
                 " content_hash) VALUES ('https://a.id/1', 'https://a.id/1', 'news', 'Kiriman',"
                 " 'Pengiriman pekerja migran ke Taiwan dihentikan sementara.',"
                 " '2026-11-01T00:00:00+00:00', 'h1')")
    conn.commit()
    conn.close()
    with Archive.open(path) as archive:
        assert [hit.id for hit in archive.search("text_stem:kirim")] == [1]
        with archive.write() as db:
            db.conn.execute("DELETE FROM articles WHERE id = 1")
            # The delete took out exactly what the index held (FTS5 checks its index against
            # the content it reads through pantau_analyze; stale roots fail the check).
            db.conn.execute("INSERT INTO articles_fts(articles_fts, rank)"
                            " VALUES ('integrity-check', 1)")
        assert list(archive.search("text_stem:kirim")) == []
