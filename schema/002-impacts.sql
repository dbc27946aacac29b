-- 002: impact lists for top-k retrieval (docs/topk.md, lib/impact.c).
-- Derived data: dropping every row makes queries slower, never wrong.

CREATE TABLE impacts (
    term   TEXT PRIMARY KEY,    -- a token as the snowball tokenizer makes it
    df     INTEGER NOT NULL,    -- passages holding it (any column)
    cutoff REAL NOT NULL,       -- largest tf' of a passage holding it, not listed
    list   BLOB NOT NULL        -- the listed passages (lib/impact.c)
) WITHOUT ROWID;

-- What the lists were made for: FTS5's totals then, the mean column
-- lengths derived from them, and the ranking parameters.
CREATE TABLE impact_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    rows          INTEGER NOT NULL,
    tokens_body   INTEGER NOT NULL,
    tokens_title  INTEGER NOT NULL,
    tokens_author INTEGER NOT NULL,
    k1 REAL NOT NULL, b REAL NOT NULL,
    w_body REAL NOT NULL, w_title REAL NOT NULL, w_author REAL NOT NULL
);

-- Every term of the index and its passage count as of the last refresh,
-- for "did you mean" (lib/suggest.c): reading fts5vocab instead costs a
-- pass over every doclist.
CREATE TABLE terms (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
