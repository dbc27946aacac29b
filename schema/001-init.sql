-- 001-init.sql: the first Talaash schema.
-- Applied by lib/schema.c inside one transaction, which then sets
-- PRAGMA user_version = 1.  Never edit a released migration: add
-- 002-*.sql instead.

-- Facts about the database itself: which tokenizer built the index.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO meta (key, value) VALUES
    ('tokenizer', 'snowball'),
    ('tokenizer_options', 'language english; parent unicode61 remove_diacritics 2 categories ''L* N* Co M*'' separators U+02BC'),
    ('tokenizer_version', '1');

-- One row per indexed file.
CREATE TABLE articles (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL UNIQUE,     -- absolute path of the file
    hash           TEXT NOT NULL,            -- XXH3-128 of its bytes, hex
    size           INTEGER NOT NULL,         -- bytes
    mtime_ns       INTEGER NOT NULL,         -- modification time, ns
    format         TEXT NOT NULL             -- source format
                   CHECK (format IN ('text', 'markdown', 'html')),
    title          TEXT NOT NULL DEFAULT '',
    author         TEXT NOT NULL DEFAULT '',
    pub_date       TEXT,                     -- ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    date_precision TEXT                      -- how much of pub_date is known
                   CHECK (date_precision IN ('year', 'month', 'day')),
    -- where each came from: 'front matter', 'HTML meta', 'manifest',
    -- 'byline', 'biography', 'labelled line', 'dateline', 'heading'
    title_source   TEXT,
    author_source  TEXT,
    date_source    TEXT,
    encoding       TEXT NOT NULL DEFAULT 'utf-8',  -- as read: 'utf-8', 'windows-1252'
    indexed_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((pub_date IS NULL) = (date_precision IS NULL))
);

CREATE INDEX articles_by_hash ON articles (hash);

CREATE TABLE topics (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

-- An article's topics: from the topic rules (source 'rules', with the
-- number of matches in its body), its front matter or the manifest.
CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic_id   INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    source     TEXT NOT NULL DEFAULT 'rules',
    matches    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, topic_id)
) WITHOUT ROWID;

CREATE INDEX article_topics_by_topic ON article_topics (topic_id);

-- The passages of an article, in order; the only copy of their text.
CREATE TABLE passages (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,             -- 1-based
    byte_start INTEGER NOT NULL,             -- range in the source file
    byte_end   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    UNIQUE (article_id, ordinal)
);

-- The topics a passage mentions (at least one rule match in it).
CREATE TABLE passage_topics (
    passage_id INTEGER NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
    topic_id   INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    matches    INTEGER NOT NULL,
    PRIMARY KEY (passage_id, topic_id)
) WITHOUT ROWID;

CREATE INDEX passage_topics_by_topic ON passage_topics (topic_id);

-- What the full-text index sees for each passage: its text plus the
-- title and author of its article, so those can be weighted above the
-- body.  The index stores no text of its own (external content).
CREATE VIEW passage_docs AS
    SELECT p.id AS id, p.text AS body, a.title AS title, a.author AS author
    FROM passages AS p JOIN articles AS a ON a.id = p.article_id;

CREATE VIRTUAL TABLE passages_fts USING fts5 (
    body, title, author,
    content = 'passage_docs',
    content_rowid = 'id',
    tokenize = 'snowball'
);

-- Keep the index in step with the tables.  An external-content index must
-- be told the exact old values of a row it forgets, so:
--   * a passage is indexed when inserted and forgotten before deletion;
--   * deleting an article deletes its passages first, while the article
--     (title, author) is still there to be read;
--   * changing an article's title or author re-indexes its passages.
CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts (rowid, body, title, author)
        SELECT new.id, new.text, a.title, a.author
        FROM articles AS a WHERE a.id = new.article_id;
END;

CREATE TRIGGER passages_bd BEFORE DELETE ON passages BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body, title, author)
        SELECT 'delete', old.id, old.text, a.title, a.author
        FROM articles AS a WHERE a.id = old.article_id;
END;

CREATE TRIGGER passages_bu BEFORE UPDATE ON passages BEGIN
    SELECT RAISE (ABORT, 'passages are replaced, never updated');
END;

CREATE TRIGGER articles_bd BEFORE DELETE ON articles BEGIN
    DELETE FROM passages WHERE article_id = old.id;
END;

CREATE TRIGGER articles_bu_text BEFORE UPDATE OF title, author ON articles
WHEN old.title IS NOT new.title OR old.author IS NOT new.author BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body, title, author)
        SELECT 'delete', p.id, p.text, old.title, old.author
        FROM passages AS p WHERE p.article_id = old.id;
END;

CREATE TRIGGER articles_au_text AFTER UPDATE OF title, author ON articles
WHEN old.title IS NOT new.title OR old.author IS NOT new.author BEGIN
    INSERT INTO passages_fts (rowid, body, title, author)
        SELECT p.id, p.text, new.title, new.author
        FROM passages AS p WHERE p.article_id = new.id;
END;
