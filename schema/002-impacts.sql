-- 002: impact lists for top-k retrieval (docs/topk.md, lib/impact.c).
-- Derived data: dropping every row makes queries slower, never wrong.

CREATE TABLE impacts (
    term   TEXT PRIMARY KEY,    -- a token as the snowball tokenizer makes it
    df     INTEGER NOT NULL,    -- passages holding it (any column)
    cutoff REAL NOT NULL,       -- largest tf' of a passage holding it, not listed
    list   BLOB NOT NULL        -- the listed passages (lib/impact.c)
) WITHOUT ROWID;

-- What the lists describe: FTS5's totals when they were last brought up
-- to date (rows, tokens_*) and the last passage id they cover; the
-- totals of the last full rebuild, whose mean lengths every tf' in the
-- lists is computed with (ref_*); and the ranking parameters.
CREATE TABLE impact_state (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    rows              INTEGER NOT NULL,
    tokens_body       INTEGER NOT NULL,
    tokens_title      INTEGER NOT NULL,
    tokens_author     INTEGER NOT NULL,
    max_passage       INTEGER NOT NULL,
    ref_rows          INTEGER NOT NULL,
    ref_tokens_body   INTEGER NOT NULL,
    ref_tokens_title  INTEGER NOT NULL,
    ref_tokens_author INTEGER NOT NULL,
    k1 REAL NOT NULL, b REAL NOT NULL,
    w_body REAL NOT NULL, w_title REAL NOT NULL, w_author REAL NOT NULL
);

-- Passages removed since the lists were last brought up to date, whose
-- words the store has already taken off the lists' df (lib/store.c, via
-- tl_impact_forget()), with their lengths; lib/impact_update.c drops
-- them from the lists.
CREATE TABLE impact_removed (
    id            INTEGER PRIMARY KEY,
    tokens_body   INTEGER NOT NULL,
    tokens_title  INTEGER NOT NULL,
    tokens_author INTEGER NOT NULL
);

-- Any other removed passage, and a changed title or author of indexed
-- passages (the store removes an edited article's passages before it
-- updates the article), marks the lists stale (rows -1): talaash-index
-- then rebuilds them.
CREATE TRIGGER passages_ad_impacts AFTER DELETE ON passages
WHEN NOT EXISTS (SELECT 1 FROM impact_removed WHERE id = old.id) BEGIN
    UPDATE impact_state SET rows = -1 WHERE rows <> -1;
END;

CREATE TRIGGER articles_au_impacts AFTER UPDATE OF title, author ON articles
WHEN (old.title IS NOT new.title OR old.author IS NOT new.author)
     AND EXISTS (SELECT 1 FROM passages WHERE article_id = new.id) BEGIN
    UPDATE impact_state SET rows = -1 WHERE rows <> -1;
END;

-- Every term of the index and its passage count as of the last refresh,
-- for "did you mean" (lib/suggest.c): reading fts5vocab instead costs a
-- pass over every doclist.
CREATE TABLE terms (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
