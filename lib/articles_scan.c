/*
 * articles_scan.c - the best articles of a search by score without the
 * SQL's join of every match (search.h: talaash --articles, and the
 * relevance benchmark).
 *
 * FTS5's matches come in rowid order and the article spans (spans.h) in
 * id order, so one walk gives each match its article; an article's
 * matches are consecutive, so when the walk leaves a span the article is
 * complete (its best score and its number of matching passages) and is
 * offered to a heap of the k best.  Once the heap is full its worst is a
 * floor for tl_rank_floor(): a row that cannot reach it is given a bound
 * instead of its score.  Its article cannot be among the k through that
 * row, and the row still counts as a match (a bound is 0 exactly when
 * the score is: both come from the same matched words).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lengths.h"
#include "search.h"
#include "spans.h"
#include "topk.h"

struct art {
    double best;
    int64_t id;
    long passages;
};

/* Is a ranked before b (best descending, then article id)? */
static int
before(const struct art *a, const struct art *b)
{
    return a->best > b->best || (a->best == b->best && a->id < b->id);
}

struct heap {
    struct art *a;
    size_t n, cap;
};

static void
swap(struct art *x, struct art *y)
{
    struct art t = *x;

    *x = *y;
    *y = t;
}

/* A min-heap: the root is the worst kept. */
static void
offer(struct heap *h, const struct art *e)
{
    size_t i;

    if (h->n < h->cap) {
        i = h->n++;
        h->a[i] = *e;
        while (i > 0 && before(&h->a[(i - 1) / 2], &h->a[i])) {
            swap(&h->a[i], &h->a[(i - 1) / 2]);
            i = (i - 1) / 2;
        }
        return;
    }
    if (!before(e, &h->a[0]))
        return;
    h->a[0] = *e;
    for (i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(&h->a[m], &h->a[l]))
            m = l;
        if (r < h->n && before(&h->a[m], &h->a[r]))
            m = r;
        if (m == i)
            break;
        swap(&h->a[i], &h->a[m]);
        i = m;
    }
}

static int
cmp_rank(const void *a, const void *b)
{
    const struct art *x = a, *y = b;

    return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

static int
cmp_i64(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;

    return *x < *y ? -1 : *x > *y;
}

void
tl_article_hits_release(struct tl_article_hits *h)
{
    free(h->ids);
    free(h->best);
    free(h->passages);
    memset(h, 0, sizeof *h);
}

enum tl_status
tl_articles_scan(sqlite3 *db, const char *match, int positive_only,
                 const int64_t *accepted, size_t n_accepted, long k,
                 struct tl_article_hits *out, int *answered_out,
                 struct tl_error *err)
{
    struct tl_spans s;
    struct heap h = { 0 };
    struct art cur = { 0, -1, 0 };
    sqlite3_stmt *scan = NULL;
    struct tl_lengths *lens = NULL;
    double floor = -HUGE_VAL;
    size_t j = 0;
    long cur_span = -1;
    int fresh = 0, floor_set = 0, listed = 0, cur_ok = 0, rc;
    enum tl_status rs;

    memset(out, 0, sizeof *out);
    *answered_out = 0;
    tl_spans_init(&s);
    if (match == NULL || k <= 0 || k > TL_TOPK_SCAN_MAX)
        return TL_OK;
    rs = tl_spans_load(db, &s, &fresh, err);
    if (rs != TL_OK || !fresh || s.multi)
        goto out;
    h.cap = (size_t)k;
    h.a = malloc(h.cap * sizeof *h.a);
    if (h.a == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* the same ranking expression as lib/search.c's SQL */
    if (sqlite3_prepare_v2(db, "SELECT rowid, " TL_RANK_SQL " FROM "
                           "passages_fts WHERE passages_fts MATCH ?1 ORDER BY "
                           "rowid", -1, &scan, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, db, "preparing the search");
        goto out;
    }
    sqlite3_bind_text(scan, 1, match, -1, SQLITE_STATIC);
    rs = tl_rank_floor(db, &floor, err);
    if (rs != TL_OK)
        goto out;
    floor_set = 1;
    rs = tl_topk_listed_df_begin(db, match, &listed, err);
    if (rs == TL_OK)
        rs = tl_lengths_begin(db, &lens, err);
    if (rs != TL_OK)
        goto out;
    while ((rc = sqlite3_step(scan)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(scan, 0);
        double score = sqlite3_column_double(scan, 1);

        while (j < s.n && s.last[j] < id)
            j++;
        if (j == s.n || s.first[j] > id)
            goto out;       /* a passage the map does not know: the SQL */
        if ((long)j != cur_span) {
            if (cur_ok && cur.passages > 0)
                offer(&h, &cur);
            if (h.n == h.cap)
                floor = h.a[0].best;
            cur_span = (long)j;
            cur.id = s.article[j];
            cur.best = -HUGE_VAL;
            cur.passages = 0;
            cur_ok = accepted == NULL
                     || bsearch(&cur.id, accepted, n_accepted,
                                sizeof *accepted, cmp_i64) != NULL;
        }
        if (!cur_ok || (positive_only && !(score > 0)))
            continue;
        cur.passages++;
        if (score > cur.best)
            cur.best = score;
    }
    if (rc != SQLITE_DONE) {
        /* a plain SQLITE_ERROR is FTS5 refusing the expression: the SQL
         * path reports it as the user's query */
        if (sqlite3_extended_errcode(db) != SQLITE_ERROR)
            rs = tl_error_db(err, db, "search");
        goto out;
    }
    if (cur_ok && cur.passages > 0)
        offer(&h, &cur);
    qsort(h.a, h.n, sizeof *h.a, cmp_rank);
    out->ids = malloc((h.n > 0 ? h.n : 1) * sizeof *out->ids);
    out->best = malloc((h.n > 0 ? h.n : 1) * sizeof *out->best);
    out->passages = malloc((h.n > 0 ? h.n : 1) * sizeof *out->passages);
    if (out->ids == NULL || out->best == NULL || out->passages == NULL) {
        tl_article_hits_release(out);
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < h.n; i++) {
        out->ids[i] = h.a[i].id;
        out->best[i] = h.a[i].best;
        out->passages[i] = h.a[i].passages;
    }
    out->n = h.n;
    *answered_out = 1;
out:
    sqlite3_reset(scan);
    rs = tl_topk_listed_df_end(db, listed, rs, err);
    rs = tl_lengths_end(db, lens, rs, err);
    if (floor_set)
        rs = tl_rank_floor_end(db, rs, err);
    sqlite3_finalize(scan);
    free(h.a);
    tl_spans_release(&s);
    if (rs != TL_OK || !*answered_out) {
        tl_article_hits_release(out);
        *answered_out = 0;
    }
    return rs;
}
