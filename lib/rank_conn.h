/*
 * rank_conn.h - what lib/rank.c (the ranking function) and lib/rank_sql.c
 * (its registration and the SQL functions that set it up) share; not
 * for other modules.
 */
#include "rank.h"

#ifndef TALAASH_RANK_CONN_H
#define TALAASH_RANK_CONN_H

struct rank_query;

/* One per connection: tl_bm25()'s user data. */
struct rank_conn {
    int overridden;
    struct tl_rank_params p;
    double *tail;           /* p.tail's copy */
    /* tl_rank_keep(): the per-query statistics are made once and reused
     * by every later query (of as many phrases) until it is turned off */
    int keeping;
    struct rank_query *kept;    /* owned */
    /* tl_rank_floor(): a row whose score is sure to be below *floor may
     * be given a bound below *floor instead of its score */
    const double *floor;
    /* tl_rank_listed_df(): SELECT df FROM impacts WHERE term = ?1, while
     * a one-word phrase's df may come from there; NULL: it may not */
    sqlite3_stmt *listed_df;
    /* tl_rank_lengths(): the rows' column lengths, where it knows them;
     * NULL: FTS5's */
    const struct tl_rank_lengths *lens;
    /* tl_rank_defer(): a one-phrase query scores in tf' and says so
     * there; NULL: every query scores */
    struct tl_rank_deferred *deferred;
};

/* Phrases whose df came from the impacts table (tl_rank_listed_df()). */
extern _Atomic long tl_rank_n_listed_df;
/* Rows whose lengths came from a struct tl_rank_lengths. */
extern _Atomic long tl_rank_n_lengths;
/* Queries that deferred their IDF (tl_rank_defer()). */
extern _Atomic long tl_rank_n_deferred;

/* Frees a struct rank_query (FTS5 auxdata destructor). */
void tl_rank_query_free(void *q);
/* A copy of q's statistics (not its per-row scratch), or NULL. */
struct rank_query *tl_rank_query_copy(const struct rank_query *q);

/* The statistics of a query whose rows are read outside FTS5
 * (lib/fts5_scan.c), made as tl_bm25() makes them from FTS5's: n_rows
 * and totals (tokens per column, n_col of them) from the averages
 * record; per phrase its df (passages holding it), its size in tokens
 * and its stems (as rank.c reads them from the first passage holding
 * it; "" when none does); with unit, a query of one phrase scored in tf'
 * (tl_rank_defer()), df and stems unused.  NULL when out of memory. */
struct rank_query *
tl_rank_query_new(int n_phrase, int64_t n_rows, const int64_t *totals,
                  int n_col, const int64_t *df, const int *size,
                  const char (*stems)[TL_RANK_STEMS_MAX], int unit);
/* The score of one row as tl_bm25() scores it under p: its instances
 * (n_inst triples phrase, column, offset, in xInst's order: by column,
 * offset, then phrase) and its column lengths (q's n_col of them). */
double tl_rank_query_score(struct rank_query *q,
                           const struct tl_rank_params *p, const int *inst,
                           int n_inst, const int *len);

/* An upper bound of the score under p of any row whose reporting
 * phrases (those with instances) are among present (q's n_phrase
 * flags): each phrase's q(t) idf(t) (k1 + 1), plus its largest proximity
 * share when two different words are present.  HUGE_VAL for a unit
 * query (its tf' has no bound). */
double tl_rank_query_bound(struct rank_query *q,
                           const struct tl_rank_params *p,
                           const int *present);

/* The same for one row whose column lengths are len, knowing of some
 * phrases (tf0[t] >= 0) that their instances there are in column 0
 * only, at most tf0[t] of them: their shares at most those of tf0[t],
 * their proximity shares bounded by the accumulators that many
 * instances can reach; the others' (tf0[t] < 0) as above. */
double tl_rank_query_bound_tf(struct rank_query *q,
                              const struct tl_rank_params *p,
                              const int *present, const int *tf0,
                              const int *len);

/* What tl_rank_stats_get() hands out. */
struct tl_rank_stats {
    struct rank_query *q;
};

/* The FTS5 auxiliary functions tl_bm25(), tl_bm25_explain() and tl_tf(). */
void tl_rank_bm25_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                     sqlite3_context *ctx, int n_val, sqlite3_value **val);
void tl_rank_explain_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                        sqlite3_context *ctx, int n_val,
                        sqlite3_value **val);
void tl_rank_tf_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                   sqlite3_context *ctx, int n_val, sqlite3_value **val);

#endif
