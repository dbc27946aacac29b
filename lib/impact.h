/*
 * impact.h - impact lists: for each frequent term, the passages where it
 * weighs most, with what their exact score needs, and a bound on every
 * other passage (docs/topk.md).  lib/topk.c answers queries from them.
 *
 * The lists are made for one state of the index (FTS5's row count and
 * token totals, recorded in impact_state) and the default ranking
 * parameters; tl_impact_open() tells whether they still fit.
 */
#include "talaash.h"

#ifndef TALAASH_IMPACT_H
#define TALAASH_IMPACT_H

/* A term gets a list when at least this many passages hold it. */
#define TL_IMPACT_MIN_DF 1000
/* Passages kept in a list. */
#define TL_IMPACT_LIST 256

/* FTS5's totals: passages, and tokens per column (body, title, author). */
struct tl_impact_totals {
    int64_t rows;
    int64_t tokens[TL_RANK_COLUMNS];
};

/* One passage of a list. */
struct tl_impact_entry {
    int64_t passage_id;
    int64_t article_id;
    int tf[TL_RANK_COLUMNS];    /* occurrences per column */
    int len[TL_RANK_COLUMNS];   /* tokens per column */
};

/* A term's list. */
struct tl_impact_list {
    int64_t df;                 /* passages holding the term, exact */
    double cutoff;              /* the largest tf' (docs/topk.md) of a
                                   passage holding it and not listed,
                                   under the reference lengths */
    struct tl_impact_entry *entries;    /* by passage id; owned */
    size_t n;
};

/* What a refresh did. */
struct tl_impact_stats {
    size_t terms;               /* lists written */
    size_t entries;
    int64_t postings;           /* term occurrences read */
};

/* FTS5's live totals, read from its averages record. */
enum tl_status
tl_impact_totals(sqlite3 *db, struct tl_impact_totals *t,
                 struct tl_error *err);

/* Do the lists fit the index as it is now (same totals as when they were
 * made)?  *fresh_out 1 or 0 (no lists, stale lists).  When fresh,
 * *ref_out gets the reference mean lengths the lists were made with. */
enum tl_status
tl_impact_fresh(sqlite3 *db, int *fresh_out,
                double ref_out[TL_RANK_COLUMNS], struct tl_error *err);

/* Rebuilds every list from the index, in one transaction of its own
 * (call it outside any), for the terms in at least min_df passages
 * (TL_IMPACT_MIN_DF; smaller in tests).  Slow on a large index: it reads
 * every occurrence of every frequent term. */
enum tl_status
tl_impact_refresh(sqlite3 *db, long min_df, struct tl_impact_stats *stats,
                  struct tl_error *err);

/* Reads term's list (term: len bytes, a token as the tokenizer makes
 * it).  *found_out 0 when the term has none; l is then empty.  Release
 * l with tl_impact_list_release(). */
enum tl_status
tl_impact_load(sqlite3 *db, const char *term, size_t len,
               struct tl_impact_list *l, int *found_out,
               struct tl_error *err);

void tl_impact_list_release(struct tl_impact_list *l);

/* tf' of entry e under parameters p and mean column lengths avg. */
double tl_impact_tfp(const struct tl_rank_params *p,
                     const struct tl_impact_entry *e, const double *avg);

#endif /* TALAASH_IMPACT_H */
