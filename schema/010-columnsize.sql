-- 010: FTS5 keeps no column lengths of its own (columnsize=0): its
-- docsize table, one row per passage, was 1.2 MB of the news corpus's
-- 36 MB, and every reader of lengths already had them from
-- passage_lengths (006).  The lengths live there now: the store writes
-- those of each passage it indexes, counted by the tokenizer as FTS5
-- indexes it, and talaash-index counts any other's tokens at the end of
-- a run (lib/lengths.h).  Asked for a row's lengths, FTS5 now tokenizes
-- its text again: only --exhaustive and a passage the table does not
-- know pay that.
--
-- The index is made again from the passages' text (the same tokenizer,
-- so the same terms, positions and totals: the impact lists, the spans
-- and the lengths stay as they are), and the next talaash-index run
-- gives the space back (lib/compact.h).
DROP TABLE passages_fts;

CREATE VIRTUAL TABLE passages_fts USING fts5 (
    body, title, author,
    content = 'passage_docs',
    content_rowid = 'id',
    tokenize = 'snowball',
    columnsize = 0
);

INSERT INTO passages_fts (passages_fts) VALUES ('rebuild');
INSERT INTO passages_fts (passages_fts) VALUES ('optimize');

INSERT OR REPLACE INTO meta (key, value) VALUES ('vacuum', '010');
