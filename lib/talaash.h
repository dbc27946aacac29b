/*
 * talaash.h - the public interface of libtalaash, shared by talaash-index
 * and talaash.  The library never prints and never exits: every fallible
 * function returns an enum tl_status and fills a struct tl_error with one
 * line naming the file, line or query position.
 */
#ifndef TALAASH_H
#define TALAASH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#ifndef TL_VERSION
#define TL_VERSION "0.1.0"
#endif

/* ---- errors (error.c) ------------------------------------------------ */

enum tl_status {
    TL_OK = 0,
    TL_ERR_USAGE,       /* bad argument or option value */
    TL_ERR_IO,          /* file system */
    TL_ERR_DB,          /* SQLite */
    TL_ERR_SCHEMA,      /* database from a newer/older Talaash */
    TL_ERR_NOMEM,
    TL_ERR_INPUT,       /* unusable input file (empty, binary, ...) */
    TL_ERR_QUERY,       /* the user's query cannot be searched */
};

#define TL_ERROR_MAX 512

struct tl_error {
    enum tl_status code;
    char msg[TL_ERROR_MAX];
};

/* Sets err (may be NULL) to code and a printf-style message; returns code. */
enum tl_status
tl_error_set(struct tl_error *err, enum tl_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets err to TL_ERR_DB with "WHAT: sqlite3_errmsg(db)"; returns TL_ERR_DB.
 * When db's last error was SQLITE_BUSY (the busy timeout ran out, or
 * another connection wrote since this one's snapshot), it says so
 * instead of SQLite's "database is locked", without WHAT: "database
 * 'PATH' is busy: another program is writing to it; try again when it
 * has finished". */
enum tl_status
tl_error_db(struct tl_error *err, sqlite3 *db, const char *what);

/* ---- growable text (buf.c) ------------------------------------------- */

/* Always NUL-terminated once anything was appended; never grows past max. */
struct tl_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;         /* 0 means TL_BUF_DEFAULT_MAX */
};

#define TL_BUF_DEFAULT_MAX ((size_t)1 << 31)

void tl_buf_init(struct tl_buf *b, size_t max);
void tl_buf_release(struct tl_buf *b);
void tl_buf_reset(struct tl_buf *b);
enum tl_status tl_buf_append(struct tl_buf *b, const char *p, size_t n);
/* Makes room for n more bytes (and the NUL) after len, to write into
 * directly: data[len .. len + n) is then the caller's. */
enum tl_status tl_buf_reserve(struct tl_buf *b, size_t n);
enum tl_status tl_buf_appendf(struct tl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A hash of p[0..n) for in-memory hash tables (XXH3; never stored). */
uint64_t tl_hash_bytes(const char *p, size_t n);

/* The value of one hex digit, or -1. */
static inline int
tl_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
/* Unsigned LEB128 varints (7 bits a byte, least significant first), as
 * the impact lists and the article spans store numbers: tl_buf_put_leb()
 * appends v; tl_leb_get() reads one from p (n bytes), returning the bytes
 * it took, 0 when p runs out first. */
enum tl_status tl_buf_put_leb(struct tl_buf *b, uint64_t v);
size_t tl_leb_get(const unsigned char *p, size_t n, uint64_t *v);

/* ---- the Snowball tokenizer (tokenizer.c) ---------------------------- */

#define TL_TOKENIZER_NAME "snowball"
/* Bump whenever the tokens produced for some text change: a database
 * indexed with another version must be rebuilt. */
#define TL_TOKENIZER_VERSION 1
/* Tokens longer than this many bytes are cut (at a character boundary);
 * tokens up to TL_STEM_MAX bytes are stemmed. */
#define TL_TOKEN_MAX 200
#define TL_STEM_MAX 64

/* Registers the "snowball" FTS5 tokenizer on db.  Returns an SQLite
 * result code (SQLITE_ERROR when this SQLite has no FTS5). */
int tl_tokenizer_register(sqlite3 *db);

/* The fts5_api of db (for registering tokenizers and functions), or NULL
 * when this SQLite has no FTS5. */
fts5_api *tl_fts5_api(sqlite3 *db);

/* Sets the slots of the word -> stem cache of each tokenizer made from
 * now on (rounded up to a power of two; 0: no cache; default 8192,
 * ~390 KB).  A short-lived process that tokenizes little (a query) is
 * faster with a small one: every page of the cache it touches is a page
 * fault.  Call before opening connections; not thread-safe. */
void tl_tokenizer_cache_slots(int slots);

/* Called once per token: tok/len is the folded, stemmed token (valid only
 * during the call), start/end its byte range in the original text. Return
 * non-zero to stop. */
typedef int (*tl_token_fn)(void *ctx, const char *tok, int len, int start,
                           int end);

/* Tokenizes text exactly as the index does, through the tokenizer
 * registered on db.  flags: FTS5_TOKENIZE_DOCUMENT or _QUERY. */
enum tl_status
tl_tokenizer_each(sqlite3 *db, const char *text, int len, int flags,
                  tl_token_fn fn, void *ctx, struct tl_error *err);

/* The tokens FTS5 indexes per column of one row, counted as it writes
 * the row: FTS5 records no lengths itself (columnsize=0, schema 010), so
 * the store takes them from here (lib/lengths.h).  FTS5 counts one
 * position per token the tokenizer hands it, and this tokenizer never
 * hands it colocated tokens, so the counts are the row's lengths. */
#define TL_TALLY_COLUMNS 3

/* Tokens recorded once, to be handed to FTS5 again without tokenizing:
 * talaash-index's workers tokenize each passage (for the topic rules)
 * and record it; the writer replays the record when FTS5 indexes the
 * same text (struct tl_tally's replay), which takes the tokenizer off
 * the one thread that writes.  One record holds many texts' tokens in
 * order; a text's are a range of them. */
struct tl_token_rec {
    uint32_t off;               /* the stem: bytes[off], len bytes */
    uint32_t len;
    int32_t start, end;         /* its byte range in the text */
};
struct tl_tokens {
    char *bytes;
    size_t n_bytes, cap_bytes;
    struct tl_token_rec *tok;
    size_t n, cap;
    int full;                   /* a record ran out of memory */
};

void tl_tokens_init(struct tl_tokens *t);
void tl_tokens_release(struct tl_tokens *t);
/* Empties t, keeping its memory for the next tokens. */
void tl_tokens_reset(struct tl_tokens *t);
/* Appends the tokens of text (as FTS5 indexes a document) to t. */
enum tl_status
tl_tokens_record(sqlite3 *db, const char *text, int len, struct tl_tokens *t,
                 struct tl_error *err);

/* A text whose tokens the tokenizer hands FTS5 from a record: text and
 * len as FTS5 will pass them (the same bytes; the pointer need not be
 * the same), tokens first .. first + n - 1 of toks. */
struct tl_replay {
    const char *text;
    int len;
    const struct tl_tokens *toks;
    size_t first, n;
};

struct tl_tally {
    int armed;                  /* set by the caller: count from now on */
    int n;                      /* columns tokenized since armed */
    int len[TL_TALLY_COLUMNS];  /* their tokens, in the order tokenized */
    /* set by the caller with armed (n_replay 0: none): texts of the row
     * that are replayed, not tokenized */
    struct tl_replay replay[TL_TALLY_COLUMNS];
    int n_replay;
    unsigned long replayed;     /* texts replayed since the connection
                                   opened (for the tests) */
};

/* db's tally (it lives as long as the connection), or NULL when the
 * tokenizer is not registered on db.  Arm it (armed = 1, n = 0) just
 * before an INSERT into the full-text table, read it after (n ==
 * TL_TALLY_COLUMNS: one count per column), disarm it. */
struct tl_tally *tl_tokenizer_tally(sqlite3 *db);

/* ---- database (db.c, schema.c) --------------------------------------- */

enum tl_db_mode { TL_DB_READONLY, TL_DB_READWRITE };

/* Fills buf with the database path: explicit (may be NULL), else
 * $TALAASH_DB, else $XDG_DATA_HOME/talaash/talaash.db, else
 * ~/.local/share/talaash/talaash.db. */
enum tl_status
tl_db_default_path(const char *explicit_path, struct tl_buf *buf,
                   struct tl_error *err);

/* The page size of a new database, and of an older one after the
 * VACUUM a migration asks for (lib/compact.c): 16 kB pages hold an
 * impact list or a long article's text without overflow pages, and make
 * the news corpus's database 4 % smaller and its searches a little
 * faster than 4 kB (docs/storage.md). */
#define TL_PAGE_SIZE 16384

/* The most of a database a search maps (lib/db.c): all of the news
 * corpus's 32 MB, the first 128 MB of a larger one. */
#define TL_MMAP_MAX ((int64_t)128 << 20)

/* Sets SQLite up for this process; call it first, before any other
 * SQLite call (later it does nothing).  It turns SQLite's memory
 * statistics off: kept on (the default), every sqlite3_malloc() and
 * sqlite3_free() takes a process-wide mutex to count bytes no one reads,
 * 2 % of talaash-index's CPU on the news corpus (session 23). */
void tl_db_setup(void);

/* Opens (read-write: creating it and its folder, migrating the schema)
 * the database at path, registers the tokenizer, sets WAL, foreign keys
 * and a busy timeout.  *db_out is NULL on failure; close with
 * tl_db_close().  Read-only, the file is memory-mapped (up to 2 GB): a
 * disk error or a file cut short by something other than SQLite then
 * raises SIGBUS, which the program should report (talaash does). */
enum tl_status
tl_db_open(const char *path, enum tl_db_mode mode, sqlite3 **db_out,
           struct tl_error *err);

void tl_db_close(sqlite3 *db);

/* Begins a transaction on db (write: BEGIN IMMEDIATE, waiting out the
 * busy timeout; else a read snapshot, taken at once) and brings the
 * connection's copy of the schema up to that snapshot.  Statements
 * prepared inside it then see the schema their nested statements see:
 * preparing one that touches a virtual table runs the module's own SQL,
 * and a copy left stale by another connection's CREATE or DROP INDEX
 * was thrown away in the middle of the outer prepare, which then failed
 * with "no such table" (docs/reliability.md).  Errors say "WHAT: ...";
 * a busy database gives tl_error_db()'s one-line "is busy" error. */
enum tl_status tl_db_begin(sqlite3 *db, int write, const char *what,
                           struct tl_error *err);

/* An in-memory connection with the tokenizer (and no schema): for
 * tokenizing text outside any database, as talaash-index's workers do.
 * Close with tl_db_close(). */
enum tl_status tl_db_open_tokenizer(sqlite3 **db_out, struct tl_error *err);

/* The schema version this build writes (the number of migrations). */
int tl_schema_latest(void);

/* Brings db's schema to tl_schema_latest(), one transaction per step;
 * refuses a database written by a newer version. */
enum tl_status tl_schema_migrate(sqlite3 *db, struct tl_error *err);

/* Checks (without writing) that db has the current schema and was
 * indexed with this tokenizer version. */
enum tl_status tl_schema_check(sqlite3 *db, struct tl_error *err);

/* ---- articles and passages (article.c, passage.c) -------------------- */

enum tl_format { TL_FORMAT_TEXT, TL_FORMAT_MARKDOWN, TL_FORMAT_HTML };

struct tl_span {
    size_t start;       /* byte offsets into the article text */
    size_t end;
};

/* The bytes of an article's content hash (articles.hash, a blob). */
#define TL_HASH_SIZE 16

/* A file as read: its bytes and fingerprint. */
struct tl_article {
    char *path;         /* as given (owned) */
    struct tl_buf text; /* the file's bytes, NUL-terminated */
    enum tl_format format;
    unsigned char hash[TL_HASH_SIZE];   /* XXH3-128 of the bytes, its
                                           canonical (big-endian) form */
    int64_t size;
    int64_t mtime_ns;
};

void tl_article_init(struct tl_article *a);
void tl_article_release(struct tl_article *a);

/* The format for a path by its extension (.txt; .md, .markdown; .html,
 * .htm); returns 0 when the file is not one talaash-index reads. */
int tl_format_of_path(const char *path, enum tl_format *fmt_out);

/* "text", "markdown" or "html". */
const char *tl_format_name(enum tl_format f);

/* articles.path_key of a path (schema/012-article-ranges.sql): the low
 * 64 bits of its XXH3 hash, as a signed integer; many paths may share
 * one, so a lookup checks the path too. */
int64_t tl_path_key(const char *path, size_t len);

/* Registers the SQL function tl_path_key(path) (NULL for NULL) on db,
 * for the migration and for tools and tests that write articles. */
int tl_path_key_register(sqlite3 *db);

/* Reads path into a (bytes, size, mtime, hash, format).  TL_ERR_INPUT for
 * a file of another format or not a regular file, TL_ERR_IO when it
 * cannot be read.  Whether the bytes are text is tl_ingest's business. */
enum tl_status
tl_article_load(const char *path, struct tl_article *a, struct tl_error *err);

/* Splits text into passages: paragraphs separated by blank lines, or by
 * single line breaks where the text has no blank line.  Spans exclude
 * surrounding white space; *spans_out is malloc'd, free() it. */
enum tl_status
tl_passages_split(const char *text, size_t len, struct tl_span **spans_out,
                  size_t *n_out, struct tl_error *err);

/* ---- documents: an article as blocks of text (doc.c) ----------------- */

/* One paragraph-like unit of an article after decoding and markup
 * removal.  Boilerplate rules and metadata extraction mark blocks as
 * dropped; the passages are made of the blocks left. */
struct tl_block {
    size_t start, end;          /* its text in doc->text */
    size_t src_start, src_end;  /* its bytes in the file */
    int heading;                /* 1..6 for a heading, else 0 */
    size_t words;               /* tl_doc_words(), counted once */
    const char *drop;           /* NULL when kept, else the rule that
                                   dropped it (a static string) */
};

struct tl_norm;
struct tl_doc {
    struct tl_buf text;         /* UTF-8; blocks point into it */
    struct tl_block *blocks;    /* owned */
    size_t n_blocks;
    size_t cap;
    /* the repeat rule's working memory (lib/clean_repeat.c), kept for
     * the next article; owned, NULL until the rule runs */
    struct tl_norm *norm;
};
/* Frees what tl_doc.norm holds (tl_doc_release() calls it). */
void tl_norm_free(struct tl_norm *n);

void tl_doc_init(struct tl_doc *d);
void tl_doc_release(struct tl_doc *d);
void tl_doc_reset(struct tl_doc *d);
/* Appends text[0..len) as a new block (a copy) with its source range. */
enum tl_status
tl_doc_add(struct tl_doc *d, const char *text, size_t len, size_t src_start,
           size_t src_end, int heading, struct tl_error *err);
/* Block i's text (not NUL-terminated) and length. */
const char *tl_doc_block(const struct tl_doc *d, size_t i, size_t *len_out);
/* Number of words (white-space separated runs holding a letter or digit)
 * in block i. */
size_t tl_doc_words(const struct tl_doc *d, size_t i);
/* Shortens block i to its first len bytes (the word count follows). */
void tl_doc_truncate(struct tl_doc *d, size_t i, size_t len);

/* ---- boilerplate (clean.c) ------------------------------------------ */

/* Marks the blocks of d that are not the article (cookie notices, "Read
 * more" lines, embedded tweets, comment forms, image lines and photo
 * captions, disclaimers, share buttons, repeats) with the rule's name. */
enum tl_status tl_clean_boilerplate(struct tl_doc *d, struct tl_error *err);
/* The "repeat" rule alone (clean_repeat.c); tl_clean_boilerplate()
 * runs it last. */
enum tl_status tl_clean_repeats(struct tl_doc *d, struct tl_error *err);
/* A phrase of the rules that none of its list's keys finds (the rules
 * look a phrase up only in blocks with one of its keys), or NULL: for
 * the tests. */
const char *tl_clean_keys_cover(void);

/* ---- passages from a document (passage.c) ----------------------------- */

struct tl_passage {
    size_t start, end;          /* its text in the caller's text buffer */
    size_t src_start, src_end;  /* the bytes of the file it came from */
    size_t first_block, last_block;
};

/* Makes the passages of d's kept blocks: fragments (under 8 words, and
 * headings) join the block after them, or at the end the passage before;
 * blocks over 300 words are cut at sentence ends.  Passage texts are
 * appended to text (parts joined by a line break); *out is malloc'd. */
enum tl_status
tl_passages_make(const struct tl_doc *d, struct tl_buf *text,
                 struct tl_passage **out, size_t *n_out, struct tl_error *err);

/* ---- storing articles (store.c) -------------------------------------- */

struct tl_store;

enum tl_store_state {
    TL_STORE_NEW,       /* no article at this path */
    TL_STORE_UNCHANGED, /* same size and mtime, or same content hash */
    TL_STORE_CHANGED,
};

enum tl_status
tl_store_new(sqlite3 *db, struct tl_store **out, struct tl_error *err);
void tl_store_free(struct tl_store *s);

/* Is the file at path (with this size and mtime) already indexed as is? */
enum tl_status
tl_store_lookup(struct tl_store *s, const char *path, int64_t size,
                int64_t mtime_ns, enum tl_store_state *state_out,
                struct tl_error *err);

/* True when the stored article at a->path has a->hash (the bytes did not
 * change, only the mtime): records the new mtime. */
enum tl_status
tl_store_touch_if_same(struct tl_store *s, const struct tl_article *a,
                       int *same_out, struct tl_error *err);

struct tl_ingest;
struct tl_topics;

/* Writes (replacing any older version) a with what tl_ingest_article()
 * made of it: metadata, passages, topics (topics: the rules in was made
 * with, or NULL).  Must be called inside tl_store_begin()/commit(). */
enum tl_status
tl_store_put(struct tl_store *s, const struct tl_article *a,
             const struct tl_ingest *in, const struct tl_topics *topics,
             struct tl_error *err);

/* When a (a file not yet indexed at its path) has the bytes of a stored
 * article whose file is gone, that article was renamed: it takes a's
 * path and *moved_out is 1. */
enum tl_status
tl_store_adopt_if_moved(struct tl_store *s, const struct tl_article *a,
                        int *moved_out, struct tl_error *err);

/* Removes, in one transaction, the articles whose files are gone. */
enum tl_status
tl_store_prune(struct tl_store *s, size_t *removed_out, struct tl_error *err);

/* Trains the database's text dictionary, in a transaction of its own,
 * when it has none and holds text enough (lib/textpack.h; a migrated
 * database, or one that grew past the size by a run that wrote only
 * small batches); writes nothing otherwise. */
enum tl_status
tl_store_tune_texts(struct tl_store *s, struct tl_error *err);

/* From now on, new passages are indexed the bulk way (docs/bulk-index.md):
 * their index entries are made in memory from the tokens the ingest
 * recorded and written as one FTS5 segment at each commit, instead of a
 * row at a time through FTS5.  For runs that add many articles.
 * The caller's inverters hold the entries (talaash-index's workers fill
 * them as they read the articles, before the store numbers the
 * passages): at a commit they hold every passage stored since the last
 * one, under rows of their own that hands->map turns into passage ids
 * (0: a row not stored), increasing with the rows; the caller sees to
 * that with tl_store_put_first(). */
struct tl_invert;
struct tl_store_hands {
    struct tl_invert *const *inv;
    int n;
    int64_t (*map)(void *ctx, int64_t row);
    void *ctx;
};
enum tl_status tl_store_bulk(struct tl_store *s,
                             const struct tl_store_hands *hands,
                             struct tl_error *err);
/* The id of the first passage the last tl_store_put() stored for the
 * caller's inverters (0: none, or not that mode). */
int64_t tl_store_put_first(const struct tl_store *s);
/* Bulk mode into a fresh store (tl_store_expect_fresh()): its first
 * commit also makes the impact lists of the terms in min_df passages or
 * more, on threads threads while the segment is written, for the
 * refresh after it (lib/impact_made.h; docs/bulk-index.md).  Costs 8
 * bytes a passage until then.  A run that commits once asks it. */
void tl_store_make_impacts(struct tl_store *s, long min_df, int threads);
/* The lists the first commit made (NULL: none), valid until the next
 * flush or tl_store_free().  Their makers may still be at work after
 * the commit, calling the hands' map: it must hold until
 * tl_store_impacts_wait() (or the refresh's tl_impact_made_wait()). */
struct tl_impact_made;
struct tl_impact_made *tl_store_impacts_made(const struct tl_store *s);
void tl_store_impacts_wait(struct tl_store *s);
/* About the memory the bulk mode's lists take (0 when not in bulk
 * mode): counted from the tokens stored since the last commit. */
size_t tl_store_bulk_bytes(const struct tl_store *s);

/* The caller puts each path at most once from now on (talaash-index:
 * its list of files has no path twice).  When the database holds no
 * article at the next tl_store_begin(), the store is fresh: a put does
 * not look for a stored article at its path, and tl_store_fresh() tells
 * the caller that neither lookups nor renames can find one.  A commit
 * by any other connection between this store's transactions ends it. */
void tl_store_expect_fresh(struct tl_store *s);
int tl_store_fresh(const struct tl_store *s);

enum tl_status tl_store_begin(struct tl_store *s, struct tl_error *err);
enum tl_status tl_store_commit(struct tl_store *s, struct tl_error *err);
void tl_store_rollback(struct tl_store *s);

/* ---- command-line helpers (cli.c): the only code that writes stderr -- */

enum tl_color { TL_COLOR_AUTO, TL_COLOR_ALWAYS, TL_COLOR_NEVER };

/* Remembers the program's name for messages. */
void tl_cli_init(const char *prog);
const char *tl_cli_prog(void);
/* "prog: message" on stderr. */
void tl_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: warning: message" on stderr. */
void tl_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line of information on stderr (unless quiet). */
void tl_cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Is stderr a terminal (and TERM not "dumb")? */
int tl_cli_stderr_is_tty(void);
/* Redraws the one-line progress display on stderr ("\r", the line, clear
 * to the end); NULL just clears it.  For terminals only. */
void tl_cli_progress(const char *fmt, ...);
/* Prints "prog: message" and "Try 'prog --help'..." on stderr; returns 2. */
int tl_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parses --color's value; 0 when it is not auto, always or never. */
int tl_cli_parse_color(const char *s, enum tl_color *out);
/* Whether to colour output written to fd: ALWAYS, NEVER, or for AUTO a
 * terminal, NO_COLOR unset or empty and TERM not "dumb". */
int tl_cli_use_color(enum tl_color c, int fd);
/* Parses a whole decimal number in [min, max]; 0 when it is not one. */
int tl_cli_parse_long(const char *s, long min, long max, long *out);
/* Flushes and closes stdout; on a write error (full disk, closed pipe)
 * reports it and returns 2, else returns status. */
int tl_cli_finish(int status);

/* ---- built-in data (generated from data/ at build time) --------------- */

/* The default topic rules (data/topics.txt). */
extern const char tl_default_topics[];
/* The default synonym groups (data/synonyms.txt). */
extern const char tl_default_synonyms[];

/* ---- utilities ------------------------------------------------------- */

/* mkdir -p of the folder holding path. */
enum tl_status tl_mkdir_parents(const char *path, struct tl_error *err);

/* ---- the article pipeline's modules, each with its own header ---------- */

#include "date.h"       /* publication dates */
#include "encoding.h"   /* text or binary, UTF-8 or Windows-1252 */
#include "metadata.h"   /* title, author, date with provenance */
#include "topic.h"      /* topic rules */
#include "ingest.h"     /* one article from bytes to passages */
#include "search.h"     /* BM25 search, filters, articles, facets */
#include "synonyms.h"   /* the query-time thesaurus */
#include "query.h"      /* the query language */
#include "snippet.h"    /* snippet windows */
#include "rank.h"       /* tl_bm25(), the ranking function */
#include "impact.h"     /* impact lists for top-k retrieval */
#include "topk.h"       /* top-k from the impact lists */
#include "spans.h"      /* passage ids to articles, for counts */
#include "hit_rows.h"   /* many hits' rows at once */

#endif /* TALAASH_H */
