/*
 * fts5_read.h - passages_fts's postings read straight from FTS5's pages
 * (docs/topk.md, "The matches without FTS5's cursor"), for the scans
 * that visit tens of thousands of matches: FTS5's cursor and an
 * auxiliary function cost 0.3-0.5 us a row, decoding the pages 10-40 ns.
 *
 * What is read is FTS5's on-disk format (SQLite 3 fts5_index.c, stable
 * across versions): the structure record (the segments), the averages
 * record (rows and tokens per column), each segment's leaf pages, found
 * through the %_idx table.  Anything not understood (a structure in the
 * middle of an incremental merge, a segment trimmed by one, a version 2
 * structure, a page that does not decode) makes the reader say "bad",
 * never a wrong answer: the caller then lets FTS5 answer (which reports
 * real corruption itself).
 *
 * The pages come through a struct tl_fts5_source, so that a fuzz target
 * can feed damaged ones.
 */
#include "talaash.h"

#ifndef TALAASH_FTS5_READ_H
#define TALAASH_FTS5_READ_H

/* What the readers return. */
#define TL_FTS5_ROW 1       /* on a row */
#define TL_FTS5_EOF 0       /* no more rows */
#define TL_FTS5_BAD (-1)    /* not understood, damaged, out of memory or
                               a database error: let FTS5 answer */

/* Zero bytes after every page, so that a varint never reads past the
 * buffer (FTS5 pads its own copies the same way). */
#define TL_FTS5_PAD 16

/* Where the pages come from. */
struct tl_fts5_source {
    /* Page id (a %_data rowid) into *buf (grown as needed, *cap bytes,
     * TL_FTS5_PAD zero bytes after the *n of the page): 1, 0 when there
     * is no such page, -1 on an error. */
    int (*page)(void *ctx, int64_t id, unsigned char **buf, int *n,
                int *cap);
    /* The leaf of segment segid where key (len bytes, FTS5's '0'
     * prefix included) would be: *pgno_out, 0 when the key is before
     * every page's first (then the segment's first leaf).  1, or -1 on
     * an error. */
    int (*find)(void *ctx, int segid, const unsigned char *key, int len,
                int *pgno_out);
    void *ctx;
};

struct tl_fts5_seg {
    int segid, first, last;     /* leaf pages first..last */
};

/* The index as one read transaction sees it. */
#define TL_FTS5_COLUMNS 3
struct tl_fts5 {
    struct tl_fts5_source src;
    struct tl_fts5_seg *seg;    /* newest first, as FTS5 prefers them */
    int n_seg;
    int64_t rows;                       /* the averages record */
    int64_t totals[TL_FTS5_COLUMNS];    /* tokens per column */
    void *own;                  /* the database source's state */
};

/* The segments of structure record a (n bytes) into x->seg (allocated):
 * 1, or TL_FTS5_BAD when it is not a structure this reader knows (a
 * merge under way, a trimmed segment, version 2, damaged). */
int tl_fts5_structure(const unsigned char *a, int n, struct tl_fts5 *x);
/* Rows and column totals from averages record a (n bytes): 1 or BAD. */
int tl_fts5_averages(const unsigned char *a, int n, struct tl_fts5 *x);

/* passages_fts's index on db, as its current read transaction sees it:
 * *out, or NULL when the reader cannot read it (see above).  Call
 * inside a read transaction that writes nothing (FTS5 keeps unwritten
 * rows in memory); close before it ends. */
enum tl_status tl_fts5_open(sqlite3 *db, struct tl_fts5 **out,
                            struct tl_error *err);
/* The same in a write transaction whose caller knows it has written
 * nothing to passages_fts (so FTS5 holds nothing unwritten): the impact
 * lists' refresh, which writes only its own tables. */
enum tl_status tl_fts5_open_unwritten(sqlite3 *db, struct tl_fts5 **out,
                                      struct tl_error *err);
void tl_fts5_close(struct tl_fts5 *x);

/* One token of a query: the rows of a term, or of every term starting
 * with it (prefix), in rowid order, over every segment (a row's newest
 * entry wins; deleted rows are left out), with its positions. */
struct tl_fts5_tok;
/* The token's cursor (term: len bytes, as the tokenizer makes it,
 * without FTS5's prefix byte), before its first row: 1, or BAD (a prefix
 * of more than TL_FTS5_PREFIX_TERMS terms is BAD too). */
#define TL_FTS5_PREFIX_TERMS 2048
int tl_fts5_tok_open(struct tl_fts5 *x, const char *term, int len,
                     int prefix, struct tl_fts5_tok **out);
/* Moves to the first row at or after min: ROW, EOF or BAD. */
int tl_fts5_tok_next(struct tl_fts5_tok *t, int64_t min);
int64_t tl_fts5_tok_rowid(const struct tl_fts5_tok *t);
/* The current row's position list's size in bytes, without reading it,
 * when one term in one segment holds the row; else -1. */
int tl_fts5_tok_size(const struct tl_fts5_tok *t);
/* The current row's position list as it is stored (a_out, n_out bytes,
 * valid until the cursor moves), without reading it, when one term in
 * one segment holds the row and the list is on one page: 1; else 0. */
int tl_fts5_tok_list(const struct tl_fts5_tok *t, const unsigned char **a_out,
                     int *n_out);
/* The current row's positions, column << 32 | offset, ascending and
 * unique: *pos_out (valid until the cursor moves), *n_out.  1 or BAD. */
int tl_fts5_tok_positions(struct tl_fts5_tok *t, const uint64_t **pos_out,
                          int *n_out);
void tl_fts5_tok_free(struct tl_fts5_tok *t);
/* Jumps through a doclist index (FTS5's "dlidx": the first rowid of
 * each page of a doclist that spans pages) so far in this process: a
 * cursor asked for a row past later pages' first rows goes there
 * instead of reading the rows between (tests). */
long tl_fts5_seeks(void);

/* Decodes poslist a (n bytes) into *pos (grown, *cap entries): its
 * positions as above, in its order.  The count, or BAD. */
int tl_fts5_poslist(const unsigned char *a, int n, uint64_t **pos,
                    int *cap);

/* Every term of an index of one segment (an `optimize`d one), in order,
 * with the rows that hold it, to fn (terms without FTS5's prefix byte;
 * non-zero from fn stops): EOF, or BAD for an index of several segments
 * (or pages it does not understand), when nothing or only part was
 * handed to fn.  What fts5vocab's "row" table gives, without FTS5's
 * cursor (0.3 us a row). */
typedef int (*tl_fts5_vocab_fn)(void *ctx, const unsigned char *term,
                                int len, int64_t df);
int tl_fts5_vocab(const struct tl_fts5 *x, tl_fts5_vocab_fn fn, void *ctx);

/* Every key of segment x->seg[i] in key order, each with its rows in
 * rowid order (lib/fts5_merge.c): open puts the walk on the first key;
 * walk_row gives the key's next row (its position list as stored, valid
 * until the walk moves) until EOF; walk_next moves to the next key (the
 * rows left skipped).  ROW, EOF (no more rows, or keys), or BAD: pages
 * the reader does not understand, keys out of order, or a deleted row
 * (the walk reads plain segments, as a bulk run writes them). */
struct tl_fts5_walk;
int tl_fts5_walk_open(const struct tl_fts5 *x, int i,
                      struct tl_fts5_walk **out);
const unsigned char *tl_fts5_walk_key(const struct tl_fts5_walk *w,
                                      int *len);
int tl_fts5_walk_row(struct tl_fts5_walk *w, int64_t *rowid,
                     const unsigned char **pos, int *n);
int tl_fts5_walk_next(struct tl_fts5_walk *w);
/* The leaf the walk is on (the ones before it are read and done with)
 * and its segment's id. */
int tl_fts5_walk_page(const struct tl_fts5_walk *w, int *segid);
void tl_fts5_walk_free(struct tl_fts5_walk *w);

#endif /* TALAASH_FTS5_READ_H */
