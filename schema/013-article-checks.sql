-- 013: articles rebuilt with its two CHECKs of a list of values written
-- as comparisons: SQLite evaluates "x IN ('a', 'b', 'c')" (three values
-- or more) by building a temporary b-tree of the list each time an
-- INSERT or UPDATE runs, a third of the cost of storing an article
-- (session 16: 45 ms of the news corpus's build, on the thread that
-- writes).  The same rows, ids, indexes and triggers; what the CHECKs
-- accept is the same (NULL included).
--
-- lib/schema.c turns foreign_keys off around a migration, as dropping
-- a parent table with them on would delete its children.

-- they read articles: made again below
DROP VIEW passage_docs;
DROP TRIGGER passages_bd;

CREATE TABLE articles_013 (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,            -- absolute path of the file
    path_key       INTEGER NOT NULL,         -- tl_path_key(path)
    hash           BLOB NOT NULL,            -- XXH3-128 of its bytes
    size           INTEGER NOT NULL,         -- bytes
    mtime_ns       INTEGER NOT NULL,         -- modification time, ns
    format         TEXT NOT NULL             -- source format
                   CHECK (format = 'text' OR format = 'markdown'
                          OR format = 'html'),
    title          TEXT NOT NULL DEFAULT '',
    author         TEXT NOT NULL DEFAULT '',
    pub_date       TEXT,                     -- ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    date_precision TEXT                      -- how much of pub_date is known
                   CHECK (date_precision = 'year' OR date_precision = 'month'
                          OR date_precision = 'day'),
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

INSERT INTO articles_013 (id, path, path_key, hash, size, mtime_ns, format,
                          title, author, pub_date, date_precision,
                          title_source, author_source, date_source, encoding,
                          indexed_at, passage_first, passage_last)
    SELECT id, path, path_key, hash, size, mtime_ns, format, title, author,
           pub_date, date_precision, title_source, author_source,
           date_source, encoding, indexed_at, passage_first, passage_last
    FROM articles ORDER BY id;

-- its indexes and triggers go with it
DROP TABLE articles;
ALTER TABLE articles_013 RENAME TO articles;

CREATE INDEX articles_by_path ON articles (path_key);
CREATE INDEX articles_by_hash ON articles (hash);
CREATE INDEX articles_by_date ON articles (pub_date, id);

-- as in 012
CREATE VIEW passage_docs AS
    SELECT p.id AS id, ifnull(p.text, tl_passage_text(t.z, p.ordinal)) AS body,
           a.title AS title, a.author AS author
    FROM passages AS p JOIN articles AS a ON a.id = p.article_id
         LEFT JOIN article_texts AS t ON t.article_id = p.article_id;

CREATE TRIGGER passages_bd BEFORE DELETE ON passages BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body, title, author)
        SELECT 'delete', old.id,
               ifnull(old.text, tl_passage_text(t.z, old.ordinal)),
               a.title, a.author
        FROM articles AS a LEFT JOIN article_texts AS t ON t.article_id = a.id
        WHERE a.id = old.article_id;
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
