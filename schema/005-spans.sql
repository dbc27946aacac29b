-- 005-spans.sql: which article each passage id belongs to, as runs of
-- consecutive ids (an article's passages are stored together), so that
-- counting the articles of a search's matches needs no join
-- (lib/spans.c, talaash --count).  Derived data: without its row,
-- counts take the slower SQL, never a wrong answer.
CREATE TABLE article_spans (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    -- what the map describes: FTS5's totals, the largest passage id and
    -- its article when it was made
    rows          INTEGER NOT NULL,
    tokens_body   INTEGER NOT NULL,
    tokens_title  INTEGER NOT NULL,
    tokens_author INTEGER NOT NULL,
    max_passage   INTEGER NOT NULL,
    max_article   INTEGER NOT NULL,
    spans         BLOB NOT NULL     -- lib/spans.c
);
