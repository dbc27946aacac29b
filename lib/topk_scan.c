/*
 * topk_scan.c - the top k by scoring every match in C (topk.h): FTS5 and
 * tl_bm25() over all matching passages, the best kept in a bounded heap,
 * and only those joined to their articles for the filters and the
 * per-article cap.  The SQL path (lib/search.c) joins, materializes and
 * window-sorts every match; this is the same ranking without that.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "topk.h"
#include "lengths.h"
#include "topk_floor.h"

struct entry {
    double score;
    int64_t id;
};

/* Is a ranked before b (score descending, then passage id)? */
static int
before(const struct entry *a, const struct entry *b)
{
    return a->score > b->score || (a->score == b->score && a->id < b->id);
}

/* A min-heap of the best entries: the root is the worst kept. */
struct heap {
    struct entry *a;
    size_t n, cap;
};

static void
sift_down(struct heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(&h->a[m], &h->a[l]))
            m = l;
        if (r < h->n && before(&h->a[m], &h->a[r]))
            m = r;
        if (m == i)
            return;
        struct entry t = h->a[i];
        h->a[i] = h->a[m];
        h->a[m] = t;
        i = m;
    }
}

static void
offer(struct heap *h, const struct entry *e)
{
    if (h->n < h->cap) {
        size_t i = h->n++;
        h->a[i] = *e;
        while (i > 0 && before(&h->a[(i - 1) / 2], &h->a[i])) {
            struct entry t = h->a[i];
            h->a[i] = h->a[(i - 1) / 2];
            h->a[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
    } else if (before(e, &h->a[0])) {
        h->a[0] = *e;
        sift_down(h, 0);
    }
}

static int
cmp_rank(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;

    return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* An open-addressing map from an article id to a small count. */
struct amap {
    int64_t *key;
    int *val;
    size_t size;
};

static int *
amap_at(struct amap *m, int64_t key)
{
    size_t i = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15u) & (m->size - 1);

    while (m->val[i] != 0 && m->key[i] != key)
        i = (i + 1) & (m->size - 1);
    m->key[i] = key;
    return &m->val[i];
}

/* The floor of the articles' best scores (topk_floor.h), from the
 * FLOOR_AFTER-th match on, when nothing filters the articles (a filter
 * could refuse the articles the floor stands on) and the article spans
 * (spans.h) say whose each passage is. */
#define FLOOR_AFTER 4096    /* reading the map costs about a passage's
                               scoring per 10 articles: not for a few
                               hundred matches */

struct best_floor {
    struct tl_floor *f;
    struct tl_spans spans;
};

static enum tl_status
best_floor_start(sqlite3 *db, long per_article, long k,
                 struct best_floor *bf, struct tl_error *err)
{
    int fresh = 0;
    enum tl_status rs = TL_OK;

    if (per_article > 0)
        rs = tl_spans_load(db, &bf->spans, &fresh, err);
    if (rs != TL_OK || (per_article > 0 && !fresh))
        return rs;
    bf->f = tl_floor_new((size_t)k);
    return bf->f != NULL ? TL_OK
                         : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
}

/* Offers an exact score; raises *floor when the best scores allow. */
static void
best_floor_offer(struct best_floor *bf, long per_article,
                 const struct entry *e, double *floor)
{
    int64_t key = e->id;
    double f;

    if (per_article > 0) {
        long i = tl_spans_find(&bf->spans, e->id);
        if (i < 0)
            return;     /* not in the map: no floor from it */
        key = bf->spans.article[i];
    }
    if (tl_floor_offer(bf->f, key, e->score, &f) && f > *floor)
        *floor = f;
}

static void
best_floor_end(struct best_floor *bf)
{
    tl_floor_free(bf->f);
    bf->f = NULL;
    tl_spans_release(&bf->spans);
}

enum tl_status
tl_topk_scan(sqlite3 *db, const char *match, long per_article, long k,
             tl_topk_filter_fn filter, void *filter_ctx, struct tl_topk *t,
             struct tl_error *err)
{
    struct heap h = { 0 };
    struct amap seen = { 0 }, verdict = { 0 };
    sqlite3_stmt *scan = NULL, *article = NULL;
    int64_t matches = 0;
    size_t accepted = 0;
    enum tl_status rs = TL_OK;
    double floor = -HUGE_VAL;
    struct best_floor bf = { NULL, { 0 } };
    struct tl_lengths *lens = NULL;
    int rc, floor_set = 0, listed = 0;

    tl_topk_release(t);
    if (match == NULL || k <= 0 || k > TL_TOPK_SCAN_MAX)
        return TL_OK;
    /* room for what the cap and the filters may pass over */
    h.cap = (size_t)k * 4 + 256;
    seen.size = verdict.size = 64;
    while (seen.size < 2 * h.cap)
        seen.size *= 2;
    verdict.size = seen.size;
    h.a = malloc(h.cap * sizeof *h.a);
    seen.key = calloc(seen.size, sizeof *seen.key);
    seen.val = calloc(seen.size, sizeof *seen.val);
    verdict.key = calloc(verdict.size, sizeof *verdict.key);
    verdict.val = calloc(verdict.size, sizeof *verdict.val);
    t->ids = malloc((size_t)k * sizeof *t->ids);
    t->scores = malloc((size_t)k * sizeof *t->scores);
    if (h.a == NULL || seen.key == NULL || seen.val == NULL
        || verdict.key == NULL || verdict.val == NULL || t->ids == NULL
        || t->scores == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* the same ranking expression as lib/search.c's SQL */
    if (sqlite3_prepare_v2(db, "SELECT rowid, " TL_RANK_SQL " FROM "
                           "passages_fts WHERE passages_fts MATCH ?1", -1,
                           &scan, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT article_id FROM passages WHERE "
                              "id = ?1", -1, &article, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, db, "preparing the search");
        goto out;
    }
    sqlite3_bind_text(scan, 1, match, -1, SQLITE_STATIC);
    /* once the heap is full, a row scoring below its worst cannot get
     * in: tl_bm25() may then skip the row's lengths (tl_rank_floor()) */
    rs = tl_rank_floor(db, &floor, err);
    if (rs != TL_OK)
        goto out;
    floor_set = 1;
    /* the words' df from the impact lists, not their whole doclists */
    rs = tl_topk_listed_df_begin(db, match, &listed, err);
    if (rs != TL_OK)
        goto out;
    /* the rows' lengths from the packed table, not FTS5's docsize */
    rs = tl_lengths_begin(db, &lens, err);
    if (rs != TL_OK)
        goto out;
    while ((rc = sqlite3_step(scan)) == SQLITE_ROW) {
        struct entry e = { sqlite3_column_double(scan, 1),
                           sqlite3_column_int64(scan, 0) };
        if (e.score < floor) {      /* possibly a bound: cannot get in */
            matches++;
            continue;
        }
        offer(&h, &e);
        if (h.n == h.cap && h.a[0].score > floor)
            floor = h.a[0].score;
        if (++matches == FLOOR_AFTER && filter == NULL) {
            rs = best_floor_start(db, per_article, k, &bf, err);
            if (rs != TL_OK)
                goto out;
        }
        if (bf.f != NULL)
            best_floor_offer(&bf, per_article, &e, &floor);
    }
    if (rc != SQLITE_DONE) {
        /* a plain SQLITE_ERROR is FTS5 refusing the expression: the SQL
         * path reports it as the user's query */
        if (sqlite3_extended_errcode(db) != SQLITE_ERROR)
            rs = tl_error_db(err, db, "search");
        goto out;
    }
    qsort(h.a, h.n, sizeof *h.a, cmp_rank);
    for (size_t i = 0; i < h.n && accepted < (size_t)k; i++) {
        int64_t aid;
        int *n;

        sqlite3_reset(article);
        sqlite3_bind_int64(article, 1, h.a[i].id);
        rc = sqlite3_step(article);
        if (rc != SQLITE_ROW) {
            rs = tl_error_db(err, db, "reading a passage's article");
            goto out;
        }
        aid = sqlite3_column_int64(article, 0);
        if (filter != NULL) {
            int *v = amap_at(&verdict, aid);
            if (*v == 0) {
                int ok = 0;
                rs = filter(filter_ctx, aid, &ok, err);
                if (rs != TL_OK)
                    goto out;
                *v = ok ? 1 : 2;
            }
            if (*v == 2)
                continue;
        }
        n = amap_at(&seen, aid);
        if (per_article > 0 && *n >= per_article)
            continue;
        (*n)++;
        t->ids[accepted] = h.a[i].id;
        t->scores[accepted] = h.a[i].score;
        accepted++;
    }
    /* exact when k were accepted or no match was left out of the heap */
    if (accepted == (size_t)k || (size_t)matches == h.n) {
        t->n = accepted;
        t->exact = 1;
    }
out:
    best_floor_end(&bf);
    sqlite3_reset(scan);    /* tl_bm25()'s statement done before the end */
    rs = tl_topk_listed_df_end(db, listed, rs, err);
    rs = tl_lengths_end(db, lens, rs, err);
    if (floor_set)
        rs = tl_rank_floor_end(db, rs, err);
    sqlite3_finalize(scan);
    sqlite3_finalize(article);
    free(h.a);
    free(seen.key);
    free(seen.val);
    free(verdict.key);
    free(verdict.val);
    if (!t->exact) {
        free(t->ids);
        free(t->scores);
        t->ids = NULL;
        t->scores = NULL;
        t->n = 0;
    }
    return rs;
}
