-- 006-lengths.sql: every passage's column lengths (tokens in body,
-- title and author, as FTS5's docsize holds them), packed 4 bytes a
-- passage in rows of 1,000 ids, so that a search that scores many
-- matches reads a few pages instead of one docsize lookup per match
-- (lib/lengths.c).  Derived data: a passage it does not cover is scored
-- with FTS5's own lengths, never with wrong ones.
CREATE TABLE passage_lengths (
    chunk INTEGER PRIMARY KEY,  -- passage id / 1000
    lens  BLOB NOT NULL         -- lib/lengths.c
);

CREATE TABLE passage_lengths_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    -- the chunks hold every passage with an id up to covered as it is
    covered INTEGER NOT NULL,
    -- 1: an article's title or author changed in place since, so its
    -- passages' lengths may have: the chunks are not to be used
    dirty   INTEGER NOT NULL
);
INSERT INTO passage_lengths_state (id, covered, dirty) VALUES (1, 0, 0);

-- SQLite gives a new passage the largest id + 1: once the passages
-- above every other are deleted, their ids may be handed out again, so
-- they are no longer covered.
CREATE TRIGGER passages_ad_lengths AFTER DELETE ON passages
WHEN old.id <= (SELECT covered FROM passage_lengths_state WHERE id = 1)
     AND old.id > ifnull((SELECT max(id) FROM passages), 0) BEGIN
    UPDATE passage_lengths_state
    SET covered = ifnull((SELECT max(id) FROM passages), 0) WHERE id = 1;
END;

-- a changed title or author re-indexes the article's passages in place
-- (001-init.sql), with new lengths; not when it has none (lib/store.c
-- deletes an edited article's passages before it updates the article,
-- and stores new ones, with new ids, after)
CREATE TRIGGER articles_au_lengths AFTER UPDATE OF title, author ON articles
WHEN (old.title IS NOT new.title OR old.author IS NOT new.author)
     AND EXISTS (SELECT 1 FROM passages WHERE article_id = new.id) BEGIN
    UPDATE passage_lengths_state SET dirty = 1 WHERE id = 1 AND dirty = 0;
END;
