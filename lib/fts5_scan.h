/*
 * fts5_scan.h - every row a MATCH expression matches, scored as tl_bm25()
 * scores it with the default parameters, read from FTS5's pages instead
 * of through FTS5's cursor (docs/topk.md, "The matches without FTS5's
 * cursor"): for lib/topk_scan.c, which keeps the best.
 */
#include "lengths.h"
#include "rank.h"

#ifndef TALAASH_FTS5_SCAN_H
#define TALAASH_FTS5_SCAN_H

/* One matching row and its score (in tf' for a unit scan, below). */
typedef enum tl_status (*tl_fts5_row_fn)(void *ctx, int64_t id,
                                         double score, struct tl_error *err);

struct tl_fts5_scan {
    int answered;       /* 1: fn had every matching row, in rowid order;
                           0: not answered (maybe after some rows: the
                           caller forgets them and asks FTS5) */
    /* a query of one phrase scores tf' (tl_rank_defer()): the rows
     * handed are its df, and the score is tl_rank_saturate(&p, 1,
     * tl_rank_idf(n_rows, df), tf') */
    int unit;
    double n_rows;
    struct tl_rank_params p;
    int64_t rows;       /* rows handed to fn */
    int pruned;         /* 1: rows under the floor may have been passed
                           over without being handed to fn (MaxScore: an
                           OR of phrases whose weakest ones cannot reach
                           the floor alone) */
};

/* Hands fn every row of match with its score, under the defaults (not
 * with tl_rank_override() in force on db), with the lengths lens (NULL:
 * not answered).  With listed, a one-word phrase's df comes from the
 * impacts table where it is listed (the caller made sure the lists are
 * fresh: tl_topk_listed_df_begin()).  With floor (not NULL, read at
 * every row), a row whose score is sure to be below *floor may be
 * handed a bound of it below *floor instead (tl_rank_floor()'s rule:
 * its phrases' largest shares; not for a unit scan), or, in an OR of
 * phrases, not handed at all (out->pruned).  A unit scan fills dfr (not
 * NULL) as tl_rank_defer() would, before the first row.  Inside a read
 * transaction.  An error is fn's, or the database's. */
enum tl_status
tl_fts5_scan(sqlite3 *db, const char *match, int listed,
             struct tl_lengths *lens, struct tl_rank_deferred *dfr,
             const double *floor, tl_fts5_row_fn fn, void *ctx,
             struct tl_fts5_scan *out, struct tl_error *err);
/* The same for the rows after after and up to *upto (read at every row:
 * fn may lower it, and the scan ends there); answered means every
 * matching row of that range went to fn. */
enum tl_status
tl_fts5_scan_range(sqlite3 *db, const char *match, int listed,
                   struct tl_lengths *lens, struct tl_rank_deferred *dfr,
                   const double *floor, int64_t after, const int64_t *upto,
                   tl_fts5_row_fn fn, void *ctx, struct tl_fts5_scan *out,
                   struct tl_error *err);

/* Where a scan shared out in chunks goes on: the next chunk of rowids
 * to read, (*after_out, upto], upto being the variable the scan was
 * handed (the callback sets it): 1, or 0 when no chunk is left. */
typedef int (*tl_fts5_more_fn)(void *ctx, int64_t *after_out);

/* tl_fts5_scan_range(), and when a row passes *upto, more (not NULL)
 * says where to go on (the cursors seek forward to it) until it has
 * nothing left; answered means every matching row of the chunks read
 * went to fn. */
enum tl_status
tl_fts5_scan_chunks(sqlite3 *db, const char *match, int listed,
                    struct tl_lengths *lens, struct tl_rank_deferred *dfr,
                    const double *floor, int64_t after, const int64_t *upto,
                    tl_fts5_more_fn more, void *more_ctx, tl_fts5_row_fn fn,
                    void *ctx, struct tl_fts5_scan *out,
                    struct tl_error *err);

/* Scans answered this way so far (tests). */
long tl_fts5_scan_count(void);

#endif /* TALAASH_FTS5_SCAN_H */
