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

/* The columns of passages_fts, in order, as fts5vocab names them. */
extern const char *const tl_impact_columns[TL_RANK_COLUMNS];

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
    int rebuilt;                /* tl_impact_update() rebuilt them all */
    int made;                   /* written as a first build made them
                                   (tl_impact_refresh_made()) */
};

/* impact_state: what the lists describe (covered: FTS5's totals, and
 * the last passage id, when they were last brought up to date), the
 * totals of the last full rebuild (ref: every tf' in the lists uses its
 * mean lengths), and the ranking parameters. */
struct tl_impact_state {
    struct tl_impact_totals covered, ref;
    int64_t max_passage;
    double k1, b, w[TL_RANK_COLUMNS];
};

enum tl_status
tl_impact_state_read(sqlite3 *db, struct tl_impact_state *state,
                     int *found_out, struct tl_error *err);
enum tl_status
tl_impact_state_write(sqlite3 *db, const struct tl_impact_state *state,
                      struct tl_error *err);
/* The reference mean column lengths of state. */
void tl_impact_ref_lengths(const struct tl_impact_state *state,
                           double ref_out[TL_RANK_COLUMNS]);

/* Appends the encoding of n entries (sorted by passage id) to out. */
enum tl_status
tl_impact_encode(const struct tl_impact_entry *e, size_t n,
                 struct tl_buf *out);

/* Decodes a list blob (p, n bytes) into a new array (*out, *n_out
 * entries; free() it).  Returns 0 when the blob is damaged or memory
 * runs out (nothing to free then). */
int tl_impact_decode(const unsigned char *p, size_t n,
                     struct tl_impact_entry **out, size_t *n_out);

/* FTS5's live totals, read from its averages record. */
enum tl_status
tl_impact_totals(sqlite3 *db, struct tl_impact_totals *t,
                 struct tl_error *err);

/* Do the lists fit the index as it is now (the totals they cover are
 * FTS5's)?  *fresh_out 1 or 0 (no lists, stale lists).  When fresh,
 * *ref_out gets the reference mean lengths of their tf' values. */
enum tl_status
tl_impact_fresh(sqlite3 *db, int *fresh_out,
                double ref_out[TL_RANK_COLUMNS], struct tl_error *err);

/* Rebuilds every list from the index, in one transaction of its own
 * (call it outside any), for the terms in at least min_df passages
 * (TL_IMPACT_MIN_DF; smaller in tests).  Slow on a large index: it reads
 * every occurrence of every frequent term, shared out among threads
 * that read through connections of their own. */
enum tl_status
tl_impact_refresh(sqlite3 *db, long min_df, struct tl_impact_stats *stats,
                  struct tl_error *err);

/* Threads a refresh shares the terms out to, the caller's included
 * (lib/impact_refresh.c): 0, the default, one per core (at most 4); an
 * in-memory database gets one.  Below 0: -n threads besides the caller,
 * which only writes what they make (for the tests).  Not thread-safe;
 * call before refreshing. */
void tl_impact_refresh_threads(int n);
/* Work for the calling thread of the next tl_impact_refresh() while
 * its helpers make the lists (once the vocabulary is read), inside the
 * refresh's transaction: fn(db, ctx, err) (talaash-index packs the
 * articles' indexes there, docs/bulk-index.md).  NULL: none.  Not
 * thread-safe; call before refreshing. */
typedef enum tl_status (*tl_impact_meanwhile_fn)(sqlite3 *db, void *ctx,
                                                 struct tl_error *err);
void tl_impact_refresh_meanwhile(tl_impact_meanwhile_fn fn, void *ctx);
/* Lists made already by a first build (lib/impact_made.h), or still
 * being made: the next tl_impact_refresh() writes them instead of making
 * its own when they fit the index (its totals, min_df), waiting for
 * their makers once it has written the vocabulary and done its other
 * work.  NULL: none.  Not thread-safe; call before refreshing, and
 * again with NULL before m is freed. */
struct tl_impact_made;
void tl_impact_refresh_made(struct tl_impact_made *m);

/* Every passage's column lengths (from passage_lengths, brought up to
 * date by tl_lengths_refresh()) and article, as a refresh reads them,
 * into l (tl_impact_lens_release() it, also on failure). */
struct tl_impact_lens;
enum tl_status tl_impact_lens_load(sqlite3 *db, struct tl_impact_lens *l,
                                   struct tl_error *err);
/* Tests: the vocabulary read from the pages stops after n terms, as it
 * does at pages it does not understand, and the refresh goes on through
 * fts5vocab from there (0, the default: never). */
void tl_impact_refresh_vocab_cut(long n);

/* Brings the lists up to date after a run: nothing when they are,
 * extended with the new passages when the run only added some (and
 * fewer than a quarter of those there were), else rebuilt whole by
 * tl_impact_refresh().  Its own transaction; call it outside any. */
enum tl_status
tl_impact_update(sqlite3 *db, long min_df, struct tl_impact_stats *stats,
                 struct tl_error *err);

/* What a transaction's forgets take off the listed terms' df, summed
 * per term until tl_impact_forget_flush() writes it. */
struct tl_impact_forgetting;
enum tl_status tl_impact_forgetting_new(struct tl_impact_forgetting **out,
                                        struct tl_error *err);
void tl_impact_forgetting_free(struct tl_impact_forgetting *f);

/* Call before removing article_id's passages (all of them): takes
 * their words off the listed terms' df (in f, until the flush) and
 * records them in impact_removed, so that the lists stay usable
 * (tl_impact_update() drops them from the lists).  Nothing to do, and
 * nothing done, when there are no lists or they are already marked
 * stale.  Runs inside the caller's transaction, which must call
 * tl_impact_forget_flush() before it commits, or
 * tl_impact_forget_discard() when it rolls back. */
enum tl_status
tl_impact_forget(sqlite3 *db, struct tl_impact_forgetting *f,
                 int64_t article_id, struct tl_error *err);
/* Writes f's sums into the impacts table (one UPDATE per term) and
 * empties f; inside the same transaction as the forgets. */
enum tl_status
tl_impact_forget_flush(sqlite3 *db, struct tl_impact_forgetting *f,
                       struct tl_error *err);
/* Empties f without writing (the transaction rolled back). */
void tl_impact_forget_discard(struct tl_impact_forgetting *f);

/* Reads term's list (term: len bytes, a token as the tokenizer makes
 * it).  *found_out 0 when the term has none; l is then empty.  Release
 * l with tl_impact_list_release(). */
enum tl_status
tl_impact_load(sqlite3 *db, const char *term, size_t len,
               struct tl_impact_list *l, int *found_out,
               struct tl_error *err);

void tl_impact_list_release(struct tl_impact_list *l);

/* tf' of entry e under parameters p and mean column lengths avg
 * (inline: the impact refresh computes it for every posting). */
static inline double
tl_impact_tfp(const struct tl_rank_params *p, const struct tl_impact_entry *e,
              const double *avg)
{
    double f = 0;

    for (int c = 0; c < TL_RANK_COLUMNS; c++) {
        double norm;
        if (e->tf[c] <= 0)      /* most passages: one column of three */
            continue;
        norm = tl_rank_norm(p, e->len[c], avg[c]);
        if (norm > 0)
            f += p->w[c] * (double)e->tf[c] / norm;
    }
    return f;
}

#endif /* TALAASH_IMPACT_H */
