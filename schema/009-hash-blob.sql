-- 009: the content hash of an article as its 16 bytes (a blob) instead
-- of 32 hex digits, in the table and in articles_by_hash (0.7 MB of the
-- news corpus's 38 MB), and 16 kB pages (docs/storage.md).
--
-- tl_unhex() is registered by lib/schema.c for the migrations; a value
-- that is not hex (a hand-made row) is left as it is.
UPDATE articles SET hash = tl_unhex(hash) WHERE typeof(hash) = 'text';

-- the page size changes only at a VACUUM: the next talaash-index run
-- makes it (lib/compact.h)
INSERT OR REPLACE INTO meta (key, value) VALUES ('vacuum', '009');
