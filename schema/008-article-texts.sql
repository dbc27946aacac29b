-- 008-article-texts.sql: the passages' text, stored once per article and
-- compressed (lib/textpack.h, docs/storage.md).  The text was 0.94 of
-- the raw files on the news corpus, the largest part of a database
-- that was 2.3x them; an article's passages compressed together with
-- zstd and a dictionary trained on the database take 0.40 of it.
--
-- article_texts.z holds the text of all an article's passages, in
-- ordinal order; tl_passage_text(z, ordinal) gives one back.
-- passages.text stays for passages a test or a tool writes by hand, and
-- is NULL for those talaash-index writes.  The views passage_texts
-- (what the programs read) and passage_docs (what FTS5 reads) take
-- whichever is there.

CREATE TABLE text_dicts (
    id   INTEGER PRIMARY KEY,   -- zstd's (random) id of the dictionary
    dict BLOB NOT NULL          -- a zstd dictionary; never changed
);

CREATE TABLE article_texts (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    z          BLOB NOT NULL    -- lib/textpack.h
);

-- the articles whose passages are numbered 1..n (all that talaash-index
-- wrote), without a dictionary: the next talaash-index run trains one
-- and recompresses them
INSERT INTO article_texts (article_id, z)
    SELECT article_id, tl_text_pack(ordinal, text) FROM passages
    GROUP BY article_id
    HAVING min(ordinal) = 1 AND max(ordinal) = count(*);

CREATE TEMP TABLE kept_texts AS
    SELECT id, text FROM passages
    WHERE article_id NOT IN (SELECT article_id FROM article_texts);

-- what reads passages.text, dropped so the column can be
DROP VIEW passage_docs;
DROP TRIGGER passages_bd;
DROP TRIGGER passages_bu;
DROP TRIGGER articles_bu_text;
DROP TRIGGER articles_au_text;

ALTER TABLE passages DROP COLUMN text;
-- NULL: the text is in article_texts
ALTER TABLE passages ADD COLUMN text TEXT;
UPDATE passages SET text = (SELECT k.text FROM kept_texts AS k
                            WHERE k.id = passages.id)
WHERE id IN (SELECT id FROM kept_texts);
DROP TABLE kept_texts;

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

-- as in 001, reading the text through article_texts, which the store
-- replaces only after an article's old passages are gone (and which an
-- article's deletion removes after its passages)
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

CREATE TRIGGER articles_bu_text BEFORE UPDATE OF title, author ON articles
WHEN old.title IS NOT new.title OR old.author IS NOT new.author BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body, title, author)
        SELECT 'delete', p.id, p.text, old.title, old.author
        FROM passage_texts AS p WHERE p.article_id = old.id;
END;

CREATE TRIGGER articles_au_text AFTER UPDATE OF title, author ON articles
WHEN old.title IS NOT new.title OR old.author IS NOT new.author BEGIN
    INSERT INTO passages_fts (rowid, body, title, author)
        SELECT p.id, p.text, new.title, new.author
        FROM passage_texts AS p WHERE p.article_id = new.id;
END;

-- dropping the column left the passages' pages nearly empty: the next
-- talaash-index run gives the space back with one VACUUM (lib/compact.h)
INSERT OR REPLACE INTO meta (key, value) VALUES ('vacuum', '008');
