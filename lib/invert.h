/*
 * invert.h - passages' tokens turned into FTS5 doclists in memory, for
 * the indexer's bulk path (docs/bulk-index.md): each of talaash-index's
 * workers fills its own inverter with the articles it reads, and the
 * writer merges them into one segment of passages_fts
 * (lib/fts5_write.h) instead of handing FTS5 one row at a time.
 *
 * Per term, the doclist is FTS5's: rowids increasing, each with the
 * position list FTS5 would record for the row (detail=full: positions
 * of column 0, then 0x01, the column and its positions for each other
 * column that holds the term).  A position is the token's index in its
 * column, as the tokenizer hands tokens to FTS5 (it never hands
 * colocated ones).
 */
#include "talaash.h"
#include "fts5_write.h"

#ifndef TALAASH_INVERT_H
#define TALAASH_INVERT_H

struct tl_invert;

/* One column of a row: tokens first .. first + n - 1 of toks. */
struct tl_invert_col {
    const struct tl_tokens *toks;
    size_t first, n;
};

/* The columns of passage i of an ingested article, as its recorded
 * tokens have them (in->tok_first must not be NULL): the passage, the
 * title and the author. */
struct tl_ingest;
void tl_invert_columns(const struct tl_ingest *in, size_t i,
                       struct tl_invert_col cols[TL_FTS5_COLUMNS_W]);

enum tl_status tl_invert_new(struct tl_invert **out, struct tl_error *err);
void tl_invert_free(struct tl_invert *inv);

/* Adds row rowid, greater than every row this inverter holds, with its
 * TL_FTS5_COLUMNS_W columns' tokens. */
enum tl_status
tl_invert_row(struct tl_invert *inv, int64_t rowid,
              const struct tl_invert_col cols[TL_FTS5_COLUMNS_W],
              struct tl_error *err);

/* Rows held, tokens per column, and the bytes of memory held. */
int64_t tl_invert_rows(const struct tl_invert *inv);
int64_t tl_invert_tokens(const struct tl_invert *inv, int col);
size_t tl_invert_bytes(const struct tl_invert *inv);

/* The rowid an inverter's row is written as, 0 to leave it out: it
 * must keep the order of the rows it does not leave out, and may be
 * called from two threads at once (tl_invert_write() splits a large
 * write). */
typedef int64_t (*tl_invert_map_fn)(void *ctx, int64_t row);

/* Writes every term of inv[0] .. inv[n - 1] (inverters whose rows are
 * disjoint; NULL ones are skipped), in key order, each term's rows
 * merged by row, mapped by map (NULL: as they are), through w; then
 * empties them. */
enum tl_status
tl_invert_write(struct tl_invert *const *inv, int n, tl_invert_map_fn map,
                void *ctx, struct tl_fts5_writer *w, struct tl_error *err);

/* What a write can also hand out (a first build's impact lists, lib/
 * impact_made.c): the vocabulary, each term written with its rows, in
 * key order on the calling thread; and each term in min_rows rows or
 * more (counted before mapping: rows mapped to 0 are not among its
 * rows) with its rows, on threads of their own while the write goes on.
 * Terms are the index's (FTS5's key without its leading '0'). */
struct tl_invert_rows;
struct tl_invert_lists {
    long min_rows;
    int threads;            /* for the frequent terms, 1 or more */
    enum tl_status (*vocab)(void *ctx, const unsigned char *term, int n,
                            int64_t rows, struct tl_error *err);
    /* on thread t (0 .. threads - 1), any order of terms */
    enum tl_status (*term)(void *ctx, int t, const unsigned char *term,
                           int n, struct tl_invert_rows *rows,
                           struct tl_error *err);
    void *ctx;
};

/* The next of a term's rows, in increasing (mapped) rowid: 1 with the
 * rowid and its position list, 0 after the last. */
int tl_invert_rows_next(struct tl_invert_rows *r, int64_t *rowid,
                        const unsigned char **pos, int *n_pos);

/* tl_invert_write(), and hands lists (NULL: nothing) what it asks.
 * The frequent terms are made on threads of their own from the start of
 * the write, in what the write leaves of the cores, and may still be
 * when it returns: *makers_out (NULL: none) then owns their doclists
 * and threads until tl_invert_makers_wait() (the lists are made when it
 * returns TL_OK) or tl_invert_makers_stop(). */
struct tl_invert_makers;
enum tl_status
tl_invert_write_lists(struct tl_invert *const *inv, int n,
                      tl_invert_map_fn map, void *ctx,
                      struct tl_fts5_writer *w,
                      const struct tl_invert_lists *lists,
                      struct tl_invert_makers **makers_out,
                      struct tl_error *err);
enum tl_status tl_invert_makers_wait(struct tl_invert_makers *m,
                                     struct tl_error *err);
/* Stops the makers at their next term, waits for them and frees them
 * (NULL: nothing). */
void tl_invert_makers_stop(struct tl_invert_makers *m);
/* Tests: makers' threads started from now on wait ms before their first
 * term (0: none, the default). */
void tl_invert_makers_delay(long ms);

/* Forgets every row. */
void tl_invert_clear(struct tl_invert *inv);
/* Forgets every row and gives its tables back, as tl_invert_new() left
 * them (an inverter that waits a batch out: talaash-index's two
 * generations). */
void tl_invert_trim(struct tl_invert *inv);

/* A write of this many terms or more (all the inverters') merges the
 * upper half of the keys on a second thread while the calling thread
 * writes the lower half; the segment is the same.  Sets the threshold
 * (0: always split) and returns the last one (for the tests).  Not a
 * write whose lists take more than INVERT_SPLIT_MAX_BYTES: the upper
 * half is held twice while it is merged (its lists and the buffer), and
 * the lists freed do not make the process smaller (at 1,000,000
 * articles, batches of 32,768 split took the peak from 151 to 205 MB;
 * the news corpus's one batch holds 34 MB). */
#define INVERT_SPLIT_MIN 20000
#define INVERT_SPLIT_MAX_BYTES ((size_t)48 << 20)
size_t tl_invert_split_min(size_t terms);
/* Writes split so far in this process (for the tests). */
long tl_invert_splits(void);

#endif
