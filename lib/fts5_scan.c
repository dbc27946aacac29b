/*
 * fts5_scan.c - a MATCH expression's rows read from FTS5's pages and
 * scored as tl_bm25() scores them (fts5_scan.h).
 *
 * The statistics are FTS5's own: N and the mean column lengths from the
 * averages record, each phrase's df counted over its whole doclist (or,
 * for a listed word, read from the impacts table, as tl_bm25() does
 * under tl_rank_listed_df()), its stems its tokens (a phrase that holds
 * nowhere has none, as in rank.c).  Each row's instances come in xInst's
 * order and go through the same code as tl_bm25()'s
 * (tl_rank_query_score(), lib/rank.c), so the scores are bit for bit the
 * same.  A prefix beside other phrases is left to FTS5: rank.c takes
 * its stems from the word the first matching passage holds.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fts5_scan.h"
#include "fts5_expr.h"
#include "rank_conn.h"

/* Bounds kept for queries of at most this many phrases. */
#define BOUNDS_PHRASES 12

static _Atomic long n_answered;

long
tl_fts5_scan_count(void)
{
    return n_answered;
}

/* Phrase i's df into *df: 1, or BAD (not answered). */
static int
phrase_df(sqlite3 *db, struct tl_fts5_expr *e, int i, int size,
          const char *stems, int listed, int64_t *df)
{
    if (listed && size == 1) {
        sqlite3_stmt *st = NULL;
        int rc, found = 0;
        if (sqlite3_prepare_v2(db, "SELECT df FROM impacts WHERE term = ?1",
                               -1, &st, NULL) != SQLITE_OK)
            return TL_FTS5_BAD;
        sqlite3_bind_text(st, 1, stems, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *df = sqlite3_column_int64(st, 0);
            found = 1;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return TL_FTS5_BAD;
        if (found && *df > 0)
            return 1;
    }
    return tl_fts5_expr_phrase_rows(e, i, df);
}

/* The phrases a row must hold to reach floor (MaxScore, for an OR of
 * phrases): the weakest ones, in order (ascending by their bound alone),
 * are left out while the bound of all of them together stays under the
 * floor: a row holding only those is under it too. */
static uint64_t
essential(struct rank_query *q, const struct tl_rank_params *p,
          const int *order, int n, double floor)
{
    int present[TL_FTS5_EXPR_PHRASES] = { 0 };
    uint64_t need = n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;

    for (int j = 0; j < n; j++) {
        present[order[j]] = 1;
        if (!(tl_rank_query_bound(q, p, present) * (1.0 + 1e-9) < floor))
            break;
        need &= ~((uint64_t)1 << order[j]);
    }
    return need;
}

/* The phrases in ascending order of the bound each gives alone. */
static void
order_by_bound(struct rank_query *q, const struct tl_rank_params *p, int n,
               int *order)
{
    double b[TL_FTS5_EXPR_PHRASES];
    int present[TL_FTS5_EXPR_PHRASES] = { 0 };

    for (int i = 0; i < n; i++) {
        present[i] = 1;
        b[i] = tl_rank_query_bound(q, p, present);
        present[i] = 0;
        order[i] = i;
        for (int j = i; j > 0 && b[order[j - 1]] > b[order[j]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    }
}

/* The row's bound knowing the words whose position lists are one or two
 * bytes: one or two instances (a varint each), in the body. */
static double
small_lists_bound(struct tl_fts5_expr *e, struct rank_query *q,
                  const struct tl_rank_params *p, int n, const int *len)
{
    const int *present = tl_fts5_expr_present(e);
    int tf0[TL_FTS5_EXPR_PHRASES], known = 0;

    for (int i = 0; i < n; i++) {
        int size = present[i] ? tl_fts5_expr_word_size(e, i) : -1;
        tf0[i] = size >= 1 && size <= 2 ? size : -1;
        known += tf0[i] >= 0;
    }
    return known > 0 ? tl_rank_query_bound_tf(q, p, present, tf0, len)
                     : HUGE_VAL;
}

enum tl_status
tl_fts5_scan(sqlite3 *db, const char *match, int listed,
             struct tl_lengths *lens, struct tl_rank_deferred *dfr,
             const double *floor, tl_fts5_row_fn fn, void *ctx,
             struct tl_fts5_scan *out, struct tl_error *err)
{
    int64_t all = INT64_MAX;

    return tl_fts5_scan_range(db, match, listed, lens, dfr, floor,
                              INT64_MIN, &all, fn, ctx, out, err);
}

enum tl_status
tl_fts5_scan_range(sqlite3 *db, const char *match, int listed,
                   struct tl_lengths *lens, struct tl_rank_deferred *dfr,
                   const double *floor, int64_t after, const int64_t *upto,
                   tl_fts5_row_fn fn, void *ctx, struct tl_fts5_scan *out,
                   struct tl_error *err)
{
    return tl_fts5_scan_chunks(db, match, listed, lens, dfr, floor, after,
                               upto, NULL, NULL, fn, ctx, out, err);
}

enum tl_status
tl_fts5_scan_chunks(sqlite3 *db, const char *match, int listed,
                    struct tl_lengths *lens, struct tl_rank_deferred *dfr,
                    const double *floor, int64_t after, const int64_t *upto,
                    tl_fts5_more_fn more, void *more_ctx, tl_fts5_row_fn fn,
                    void *ctx, struct tl_fts5_scan *out,
                    struct tl_error *err)
{
    struct tl_fts5 *x = NULL;
    struct tl_fts5_expr *e = NULL;
    struct rank_query *q = NULL;
    int64_t df[TL_FTS5_EXPR_PHRASES];
    int size[TL_FTS5_EXPR_PHRASES];
    char (*stems)[TL_RANK_STEMS_MAX] = NULL;
    double *bounds = NULL;      /* by the bits of the phrases present */
    enum tl_status rs;
    int n, rc, maxscore = 0;
    int order[TL_FTS5_EXPR_PHRASES];
    uint64_t all = 0, need = 0;         /* MaxScore: the phrases a row must
                                           hold to be visited */
    double need_floor = -HUGE_VAL;      /* the floor need was made for */

    memset(out, 0, sizeof *out);
    tl_rank_params_init(&out->p);
    if (match == NULL || lens == NULL || tl_rank_overridden(db)
        || getenv("TALAASH_NO_PAGE_READER") != NULL)
        return TL_OK;
    rs = tl_fts5_open(db, &x, err);
    if (rs != TL_OK || x == NULL)
        return rs;
    rs = tl_fts5_expr_new(db, x, match, &e, err);
    if (rs != TL_OK || e == NULL)
        goto out;
    n = tl_fts5_expr_phrases(e);
    stems = calloc((size_t)n, sizeof *stems);
    if (stems == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    out->unit = n == 1;
    for (int i = 0; i < n && !out->unit; i++) {
        int prefix;
        tl_fts5_expr_phrase(e, i, &size[i], &prefix, stems[i]);
        if (prefix || phrase_df(db, e, i, size[i], stems[i], listed,
                                &df[i]) != 1)
            goto out;
        if (df[i] == 0)
            stems[i][0] = '\0';
    }
    q = tl_rank_query_new(n, x->rows, x->totals, TL_FTS5_COLUMNS, df, size,
                          (const char (*)[TL_RANK_STEMS_MAX])stems,
                          out->unit);
    if (q == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    out->n_rows = tl_rank_rows(x->rows);
    if (!out->unit)
        tl_fts5_expr_order(e, df);
    if (!out->unit && n <= BOUNDS_PHRASES) {
        bounds = malloc(((size_t)1 << n) * sizeof *bounds);
        if (bounds == NULL) {
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < (size_t)1 << n; i++)
            bounds[i] = NAN;
    }
    if (out->unit && dfr != NULL) {
        dfr->applied = 1;
        dfr->n_rows = out->n_rows;
        dfr->p = out->p;
    }
    /* an OR of phrases under a floor visits only the rows that hold a
     * phrase the others could not reach the floor without */
    all = n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
    need = all;
    if (floor != NULL && !out->unit && n <= BOUNDS_PHRASES
        && tl_fts5_expr_or_only(e)) {
        maxscore = 1;
        order_by_bound(q, &out->p, n, order);
    }
    for (rc = tl_fts5_expr_from(e, after == INT64_MAX ? after : after + 1);
         rc == TL_FTS5_ROW; rc = need == all ? tl_fts5_expr_next(e)
                                 : tl_fts5_expr_next_of(e, need)) {
        int64_t id = tl_fts5_expr_rowid(e);
        int len[TL_RANK_COLUMNS], n_inst, has_len = 0;
        const int *inst;

        while (id > *upto) {
            int64_t next;
            if (more == NULL || !more(more_ctx, &next)) {
                rc = TL_FTS5_EOF;   /* the rest is another's */
                break;
            }
            if (id <= next) {       /* a chunk another took: past it */
                rc = tl_fts5_expr_from(e, next == INT64_MAX ? next
                                                            : next + 1);
                if (rc != TL_FTS5_ROW)
                    break;
                id = tl_fts5_expr_rowid(e);
            }
        }
        if (rc != TL_FTS5_ROW)
            break;
        if (maxscore && *floor > need_floor) {
            need_floor = *floor;
            need = essential(q, &out->p, order, n, need_floor);
            out->pruned |= need != all;
        }
        if (floor != NULL && !out->unit) {
            /* the best its phrases could give: under the floor, that
             * will do (no positions, no lengths); the same for every row
             * with the same phrases, so kept by their bits */
            uint64_t mask = tl_fts5_expr_mask(e);
            double bound;
            if (bounds != NULL && !isnan(bounds[mask])) {
                bound = bounds[mask];
            } else {
                bound = tl_rank_query_bound(q, &out->p,
                                            tl_fts5_expr_present(e));
                if (bounds != NULL)
                    bounds[mask] = bound;
            }
            /* else the words whose lists are a byte or two hold one or
             * two instances, all in the body (a column marker takes two
             * bytes and a position after it): with the lengths, a
             * tighter bound, still without reading a position */
            if (!(bound * (1.0 + 1e-9) < *floor)
                && (has_len = tl_lengths_get(lens, id, len)))
                bound = small_lists_bound(e, q, &out->p, n, len);
            if (bound * (1.0 + 1e-9) < *floor) {
                rs = fn(ctx, id, bound, err);
                if (rs != TL_OK)
                    goto out;
                out->rows++;
                continue;
            }
        }
        if (tl_fts5_expr_inst(e, &inst, &n_inst) != 1)
            goto out;
        if (!has_len && !tl_lengths_get(lens, id, len)) {
            int64_t exact[TL_RANK_COLUMNS];
            rs = tl_lengths_exact(db, lens, id, exact, err);
            if (rs != TL_OK)
                goto out;
            for (int c = 0; c < TL_RANK_COLUMNS; c++)
                len[c] = (int)exact[c];
        }
        rs = fn(ctx, id, tl_rank_query_score(q, &out->p, inst, n_inst, len),
                err);
        if (rs != TL_OK)
            goto out;
        out->rows++;
    }
    if (rc == TL_FTS5_EOF) {
        out->answered = 1;
        n_answered++;
    }
out:
    tl_rank_query_free(q);
    free(bounds);
    free(stems);
    tl_fts5_expr_free(e);
    tl_fts5_close(x);
    return rs;
}
