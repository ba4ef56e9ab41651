"""The archive's schema, as an ordered list of migrations.

``PRAGMA user_version`` records how many migrations a file has had; opening an archive applies
the missing ones in one transaction each, so an archive written by an older Pantau is upgraded
in place and a newer one is refused instead of being damaged.
"""

from __future__ import annotations

# The FTS5 tokenizer: case folding and accents removed ("Perlindungan" = "perlindungan",
# "Jérôme" = "jerome"); hyphens and dots separate tokens, so "EPS-TOPIK" is the two-token phrase
# "eps topik" on both the document and the query side.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

MIGRATIONS: tuple[str, ...] = (
    # 1: the first archive.
    f"""
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        first_seen_at TEXT NOT NULL
    );
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL REFERENCES sources(name),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        finish_reason TEXT,
        requests INTEGER NOT NULL DEFAULT 0,
        pages INTEGER NOT NULL DEFAULT 0,
        new_articles INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX crawl_runs_source ON crawl_runs(source, started_at);
    CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        canonical_url TEXT,
        status INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        content_hash TEXT,
        etag TEXT,
        last_modified TEXT,
        first_fetched_at TEXT NOT NULL,
        last_fetched_at TEXT NOT NULL
    );
    CREATE INDEX pages_canonical_url ON pages(canonical_url);
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        canonical_url TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT,
        text TEXT NOT NULL,
        published_at TEXT,
        published_from TEXT,
        first_seen_at TEXT NOT NULL,
        language TEXT,
        author TEXT,
        sitename TEXT,
        content_hash TEXT NOT NULL,
        cluster_id INTEGER
    );
    CREATE INDEX articles_source ON articles(source, id);
    CREATE INDEX articles_published_at ON articles(published_at);
    CREATE INDEX articles_content_hash ON articles(content_hash);
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id', tokenize='{FTS_TOKENIZE}'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TABLE matches (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        rule TEXT NOT NULL,
        terms TEXT NOT NULL,
        snippet TEXT NOT NULL,
        matched_at TEXT NOT NULL,
        UNIQUE (article_id, rule)
    );
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        alert_key TEXT NOT NULL UNIQUE,
        match_id INTEGER NOT NULL REFERENCES matches(id),
        destination TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX alerts_due ON alerts(status, next_attempt_at);
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        attempted_at TEXT NOT NULL,
        http_status INTEGER,
        outcome TEXT NOT NULL,
        error TEXT,
        duration_ms INTEGER NOT NULL
    );
    CREATE INDEX attempts_alert ON attempts(alert_id);
    CREATE TABLE cursors (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL
    );
    """,
    # 2: crawl runs say how the crawl went: responses by status class, conditional hits,
    # duplicates, drops by reason, bytes, duration and the first error, for `pantau sources`.
    """
    ALTER TABLE crawl_runs ADD COLUMN duration_s REAL;
    ALTER TABLE crawl_runs ADD COLUMN responses_2xx INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN responses_3xx INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN responses_4xx INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN responses_5xx INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN not_modified INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN dropped TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE crawl_runs ADD COLUMN first_error TEXT;
    """,
    # 3: when an article was last updated, as the page says; its section, tags and lead image.
    """
    ALTER TABLE articles ADD COLUMN updated_at TEXT;
    ALTER TABLE articles ADD COLUMN section TEXT;
    ALTER TABLE articles ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE articles ADD COLUMN image_url TEXT;
    """,
    # 4: destinations remembered between runs (broken, moved, last digest), digests, clusters.
    """
    CREATE TABLE destinations (
        name TEXT PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'ok',
        broken_since TEXT,
        broken_reason TEXT,
        chat_id TEXT,
        last_digest_at TEXT,
        updated_at TEXT NOT NULL
    );
    ALTER TABLE alerts ADD COLUMN digest_key TEXT;
    CREATE INDEX alerts_destination_due ON alerts(destination, status, next_attempt_at);
    CREATE INDEX articles_cluster ON articles(cluster_id);
    """,
    # 5: an analysed shadow of title and text in the same FTS5 index (roots of Indonesian
    # words, CJK characters one by one; see storage/analysis.py), so one query can mix exact
    # words and word forms. The index reads its content through a view that computes the
    # shadow with pantau_analyze(), which the archive registers on every connection.
    f"""
    DROP TRIGGER articles_ai;
    DROP TRIGGER articles_ad;
    DROP TRIGGER articles_au;
    DROP TABLE articles_fts;
    CREATE VIEW articles_analysed AS
        SELECT id, title, text, pantau_analyze(title) AS title_stem,
               pantau_analyze(text) AS text_stem
        FROM articles;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, title_stem, text_stem,
        content='articles_analysed', content_rowid='id', tokenize='{FTS_TOKENIZE}'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text, title_stem, text_stem)
        VALUES (new.id, new.title, new.text, pantau_analyze(new.title),
                pantau_analyze(new.text));
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text, title_stem, text_stem)
        VALUES ('delete', old.id, old.title, old.text, pantau_analyze(old.title),
                pantau_analyze(old.text));
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text, title_stem, text_stem)
        VALUES ('delete', old.id, old.title, old.text, pantau_analyze(old.title),
                pantau_analyze(old.text));
        INSERT INTO articles_fts(rowid, title, text, title_stem, text_stem)
        VALUES (new.id, new.title, new.text, pantau_analyze(new.title),
                pantau_analyze(new.text));
    END;
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
    """,
    # 6: the daemon's heartbeat and plan, for `pantau status` in another process.
    """
    CREATE TABLE daemon (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        config TEXT NOT NULL,
        started_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL,
        state TEXT NOT NULL,
        next_runs TEXT NOT NULL DEFAULT '{}',
        running TEXT NOT NULL DEFAULT '[]'
    );
    """,
    # 7: a content-defined sample of each article's shingles, so that a copy of a story is
    # found by B-tree lookups instead of phrase queries over the whole full-text index.
    # Articles archived before it are found as copies only when identical.
    """
    CREATE TABLE article_shingles (
        hash INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id)
    );
    CREATE INDEX article_shingles_hash ON article_shingles(hash, article_id);
    CREATE INDEX article_shingles_article ON article_shingles(article_id);
    CREATE TRIGGER article_shingles_ad AFTER DELETE ON articles BEGIN
        DELETE FROM article_shingles WHERE article_id = old.id;
    END;
    """,
    # 8: the shingle sample keyed by week first (weeks since 1970-01-01 of the article's
    # first_seen_at). A new article's sample goes into this week's part of the index and a
    # lookup reads the last two weeks', so neither touches the pages of older weeks: keyed by
    # hash alone, every article dirtied pages all over the index, and a big archive wrote many
    # times more per article than a small one.
    """
    CREATE TABLE article_shingles_by_week (
        week INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        PRIMARY KEY (week, hash, article_id)
    ) WITHOUT ROWID;
    INSERT INTO article_shingles_by_week (week, hash, article_id)
        SELECT CAST((julianday(articles.first_seen_at) - 2440587.5) / 7 AS INTEGER),
               article_shingles.hash, article_shingles.article_id
        FROM article_shingles JOIN articles ON articles.id = article_shingles.article_id;
    DROP TRIGGER article_shingles_ad;
    DROP TABLE article_shingles;
    ALTER TABLE article_shingles_by_week RENAME TO article_shingles;
    CREATE INDEX article_shingles_article ON article_shingles(article_id);
    CREATE TRIGGER article_shingles_ad AFTER DELETE ON articles BEGIN
        DELETE FROM article_shingles WHERE article_id = old.id;
    END;
    """,
    # 9: the analysed columns made again, by the stemmer that checks its readings against a
    # dictionary of Indonesian roots (PySastrawi's): "pengiriman" is kirim now, not irim, and
    # "kawasan" stays kawasan. The index must hold what pantau_analyze() gives today, or a
    # deleted or edited article would leave stale roots behind.
    """
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
    """,
)
