-- 012: articles and passages rebuilt without their two largest
-- indexes (docs/storage.md, session 11): 2.4 MB of the news corpus's
-- 34 MB.
--
-- * An article's passages are found by a range of passage ids that the
--   article holds (passage_first .. passage_last, NULL when it has
--   none), not by the UNIQUE (article_id, ordinal) index, one entry per
--   passage.  talaash-index gives an article's passages consecutive ids
--   and writes the range with the article (lib/store.c); whoever writes
--   passages by other means must widen the range to cover them.  Every
--   lookup also tests article_id, so a range wider than the article's
--   passages (an old one after its passages were deleted) finds only
--   the article's own.  passages.article_id keeps no foreign key: its
--   check on every deletion of an article would scan the passages
--   without the index; articles_bd deletes an article's passages.
-- * An article is found by its path through path_key, a 64-bit hash of
--   the path (tl_path_key(), lib/article.c), in a small index, instead
--   of a UNIQUE index of the whole path; the store checks the path too,
--   and keeps paths unique as it always looked a path up first.
-- * indexed_at is seconds since 1970 (it was text).
--
-- lib/schema.c turns foreign_keys off around a migration, as dropping
-- a parent table with them on would delete its children.

DROP VIEW passage_docs;
DROP VIEW passage_texts;

CREATE TABLE articles_012 (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,            -- absolute path of the file
    path_key       INTEGER NOT NULL,         -- tl_path_key(path)
    hash           BLOB NOT NULL,            -- XXH3-128 of its bytes
    size           INTEGER NOT NULL,         -- bytes
    mtime_ns       INTEGER NOT NULL,         -- modification time, ns
    format         TEXT NOT NULL             -- source format
                   CHECK (format IN ('text', 'markdown', 'html')),
    title          TEXT NOT NULL DEFAULT '',
    author         TEXT NOT NULL DEFAULT '',
    pub_date       TEXT,                     -- ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    date_precision TEXT                      -- how much of pub_date is known
                   CHECK (date_precision IN ('year', 'month', 'day')),
    title_source   TEXT,
    author_source  TEXT,
    date_source    TEXT,
    encoding       TEXT NOT NULL DEFAULT 'utf-8',
    indexed_at     INTEGER NOT NULL          -- seconds since 1970, UTC
                   DEFAULT (CAST(strftime('%s', 'now') AS INTEGER)),
    -- the ids of its passages lie in this range (NULL: it has none)
    passage_first  INTEGER,
    passage_last   INTEGER,
    CHECK ((pub_date IS NULL) = (date_precision IS NULL))
);

INSERT INTO articles_012 (id, path, path_key, hash, size, mtime_ns, format,
                          title, author, pub_date, date_precision,
                          title_source, author_source, date_source, encoding,
                          indexed_at, passage_first, passage_last)
    SELECT a.id, a.path, tl_path_key(a.path), a.hash, a.size, a.mtime_ns,
           a.format, a.title, a.author, a.pub_date, a.date_precision,
           a.title_source, a.author_source, a.date_source, a.encoding,
           CASE typeof(a.indexed_at) WHEN 'integer' THEN a.indexed_at
           ELSE ifnull(CAST(strftime('%s', a.indexed_at) AS INTEGER), 0) END,
           (SELECT min(p.id) FROM passages AS p WHERE p.article_id = a.id),
           (SELECT max(p.id) FROM passages AS p WHERE p.article_id = a.id)
    FROM articles AS a ORDER BY a.id;

CREATE TABLE passages_012 (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL,             -- articles.id
    ordinal    INTEGER NOT NULL,             -- 1-based
    byte_start INTEGER NOT NULL,             -- range in the source file
    byte_end   INTEGER NOT NULL,
    text       TEXT                          -- NULL: in article_texts
);

INSERT INTO passages_012 (id, article_id, ordinal, byte_start, byte_end, text)
    SELECT id, article_id, ordinal, byte_start, byte_end, text
    FROM passages ORDER BY id;

-- their triggers go with them
DROP TABLE passages;
DROP TABLE articles;
ALTER TABLE articles_012 RENAME TO articles;
ALTER TABLE passages_012 RENAME TO passages;

CREATE INDEX articles_by_path ON articles (path_key);
CREATE INDEX articles_by_hash ON articles (hash);
CREATE INDEX articles_by_date ON articles (pub_date, id);

-- as in 008
CREATE VIEW passage_texts AS
    SELECT p.id AS id, p.article_id AS article_id, p.ordinal AS ordinal,
           p.byte_start AS byte_start, p.byte_end AS byte_end,
           ifnull(p.text, tl_passage_text(t.z, p.ordinal)) AS text
    FROM passages AS p LEFT JOIN article_texts AS t
         ON t.article_id = p.article_id;

CREATE VIEW passage_docs AS
    SELECT p.id AS id, ifnull(p.text, tl_passage_text(t.z, p.ordinal)) AS body,
           a.title AS title, a.author AS author
    FROM passages AS p JOIN articles AS a ON a.id = p.article_id
         LEFT JOIN article_texts AS t ON t.article_id = p.article_id;

-- the triggers of 001, 002, 006 and 008, finding an article's passages
-- by its range
CREATE TRIGGER passages_bd BEFORE DELETE ON passages BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body, title, author)
        SELECT 'delete', old.id,
               ifnull(old.text, tl_passage_text(t.z, old.ordinal)),
               a.title, a.author
        FROM articles AS a LEFT JOIN article_texts AS t ON t.article_id = a.id
        WHERE a.id = old.article_id;
END;

CREATE TRIGGER passages_bu BEFORE UPDATE ON passages BEGIN
    SELECT RAISE (ABORT, 'passages are replaced, never updated');
END;

CREATE TRIGGER passages_ad_impacts AFTER DELETE ON passages
WHEN NOT EXISTS (SELECT 1 FROM impact_removed WHERE id = old.id) BEGIN
    UPDATE impact_state SET rows = -1 WHERE rows <> -1;
END;

CREATE TRIGGER passages_ad_lengths AFTER DELETE ON passages
WHEN old.id <= (SELECT covered FROM passage_lengths_state WHERE id = 1)
     AND old.id > ifnull((SELECT max(id) FROM passages), 0) BEGIN
    UPDATE passage_lengths_state
    SET covered = ifnull((SELECT max(id) FROM passages), 0) WHERE id = 1;
END;

CREATE TRIGGER articles_bd BEFORE DELETE ON articles BEGIN
    DELETE FROM passages
    WHERE id BETWEEN old.passage_first AND old.passage_last
          AND article_id = old.id;
END;

CREATE TRIGGER articles_au_impacts AFTER UPDATE OF title, author ON articles
WHEN (old.title IS NOT new.title OR old.author IS NOT new.author)
     AND EXISTS (SELECT 1 FROM passages
                 WHERE id BETWEEN new.passage_first AND new.passage_last
                       AND article_id = new.id) BEGIN
    UPDATE impact_state SET rows = -1 WHERE rows <> -1;
END;

CREATE TRIGGER articles_au_lengths AFTER UPDATE OF title, author ON articles
WHEN (old.title IS NOT new.title OR old.author IS NOT new.author)
     AND EXISTS (SELECT 1 FROM passages
                 WHERE id BETWEEN new.passage_first AND new.passage_last
                       AND article_id = new.id) BEGIN
    UPDATE passage_lengths_state SET dirty = 1 WHERE id = 1 AND dirty = 0;
END;

CREATE TRIGGER articles_bu_text BEFORE UPDATE OF title, author ON articles
WHEN old.title IS NOT new.title OR old.author IS NOT new.author BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body, title, author)
        SELECT 'delete', p.id, p.text, old.title, old.author
        FROM passage_texts AS p
        WHERE p.id BETWEEN old.passage_first AND old.passage_last
              AND p.article_id = old.id;
END;

CREATE TRIGGER articles_au_text AFTER UPDATE OF title, author ON articles
WHEN old.title IS NOT new.title OR old.author IS NOT new.author BEGIN
    INSERT INTO passages_fts (rowid, body, title, author)
        SELECT p.id, p.text, new.title, new.author
        FROM passage_texts AS p
        WHERE p.id BETWEEN new.passage_first AND new.passage_last
              AND p.article_id = new.id;
END;

-- the rebuilt tables' old pages are free: the next talaash-index run
-- gives the space back with one VACUUM (lib/compact.h)
INSERT OR REPLACE INTO meta (key, value) VALUES ('vacuum', '012');
