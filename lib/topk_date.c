/*
 * topk_date.c - the first k hits of a search sorted by date (talaash
 * --sort date|-date) without scoring every match.
 *
 * The exhaustive SQL (lib/search.c) scores every matching passage, caps
 * each article at its best per_article passages, and orders the rest by
 * date (undated last), then score (descending), then passage id.  For a
 * common word that is every passage of the archive scored to show ten.
 * Here the articles are walked in date order (the index of schema 004);
 * each article's matching passages are found and scored by FTS5 within
 * the article's range of passage ids (`rowid BETWEEN`: FTS5 seeks in its
 * doclists), capped as the SQL caps them, and gathered per date; when a
 * date's group is complete and k hits are in hand, the rest cannot come
 * before them.  Scores are tl_bm25()'s, as in the SQL.
 *
 * When the dated articles run out before k hits (an archive with few
 * or no dates: the news corpus has none), the undated ones come next,
 * by score then passage id: the ranked search's own order, so the
 * ranked top-k (topk.c, topk_or.c, topk_scan.c) answers them, with the
 * search's filter and "undated" as its filter.  A date bound (--since,
 * --until) refuses every undated article.
 *
 * It answers only when it pays: when FTS5 finds few matches (fewer
 * than one in DATE_WALK_DENSITY passages, or than DATE_WALK_MAX),
 * scoring them all is cheap and the SQL does it; a walk that reads
 * DATE_WALK_BUDGET articles without filling k, or meets an article whose
 * passages are not numbered consecutively gives up (t->exact 0), and the
 * caller falls back to the SQL.  tests/e2e/topk.sh compares both byte
 * for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "talaash.h"
#include "topk.h"
#include "lengths.h"

/* Below this many matching passages the SQL scores them all quickly:
 * one in DATE_WALK_DENSITY passages of the archive, at least
 * DATE_WALK_MIN and at most DATE_WALK_MAX. */
#define DATE_WALK_DENSITY 50
#define DATE_WALK_MIN 50
#define DATE_WALK_MAX 2000
/* Articles read before the walk gives up. */
#define DATE_WALK_BUDGET 3000

struct hit {
    double score;
    int64_t id;
};

struct hits {
    struct hit *a;
    size_t n, cap;
};

static int
push(struct hits *h, double score, int64_t id)
{
    if (h->n == h->cap) {
        size_t cap = h->cap != 0 ? h->cap * 2 : 64;
        struct hit *p = realloc(h->a, cap * sizeof *p);

        if (p == NULL)
            return -1;
        h->a = p;
        h->cap = cap;
    }
    h->a[h->n].score = score;
    h->a[h->n++].id = id;
    return 0;
}

/* Score descending, then passage id ascending: the SQL's order within a
 * date and its per-article cap. */
static int
cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

struct walk {
    sqlite3 *db;
    sqlite3_stmt *count, *articles, *range, *scan;
    struct hits article, group;
    struct tl_error *err;
};

/* Does match find enough passages for the walk to pay (see
 * DATE_WALK_DENSITY)?  Reads rowids only, no scores.  *refused_out:
 * FTS5 refused the expression. */
static enum tl_status
dense_enough(struct walk *w, const char *match, int *dense_out,
             int *refused_out)
{
    int64_t need = DATE_WALK_MIN;
    int rc;

    *dense_out = *refused_out = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT coalesce((SELECT max(id) FROM "
                           "passages), 0) / ?3, (SELECT count(*) FROM "
                           "(SELECT rowid FROM passages_fts WHERE "
                           "passages_fts MATCH ?1 LIMIT ?2))", -1, &w->count,
                           NULL) != SQLITE_OK)
        return tl_error_db(w->err, w->db, "preparing the search");
    sqlite3_bind_text(w->count, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int(w->count, 2, DATE_WALK_MAX);
    sqlite3_bind_int(w->count, 3, DATE_WALK_DENSITY);
    rc = sqlite3_step(w->count);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_int64(w->count, 0) > need)
            need = sqlite3_column_int64(w->count, 0);
        if (need > DATE_WALK_MAX)
            need = DATE_WALK_MAX;
        *dense_out = sqlite3_column_int64(w->count, 1) >= need;
        return TL_OK;
    }
    /* a plain SQLITE_ERROR is FTS5 refusing the expression: the SQL path
     * reports it as the user's query */
    if (sqlite3_extended_errcode(w->db) == SQLITE_ERROR) {
        *refused_out = 1;
        return TL_OK;
    }
    return tl_error_db(w->err, w->db, "search");
}

/* Adds the best per_article matching passages of article aid to
 * w->group.  *give_up_out: its passages are not consecutive. */
static enum tl_status
one_article(struct walk *w, int64_t aid, long per_article, int *give_up_out)
{
    int64_t lo, hi, n;
    int rc;

    *give_up_out = 0;
    sqlite3_reset(w->range);
    sqlite3_bind_int64(w->range, 1, aid);
    if (sqlite3_step(w->range) != SQLITE_ROW)
        return tl_error_db(w->err, w->db, "reading an article's passages");
    n = sqlite3_column_int64(w->range, 2);
    if (n == 0)
        return TL_OK;
    lo = sqlite3_column_int64(w->range, 0);
    hi = sqlite3_column_int64(w->range, 1);
    if (hi - lo + 1 != n) {
        *give_up_out = 1;
        return TL_OK;
    }
    w->article.n = 0;
    sqlite3_reset(w->scan);
    sqlite3_bind_int64(w->scan, 2, lo);
    sqlite3_bind_int64(w->scan, 3, hi);
    while ((rc = sqlite3_step(w->scan)) == SQLITE_ROW)
        if (push(&w->article, sqlite3_column_double(w->scan, 1),
                 sqlite3_column_int64(w->scan, 0)) != 0)
            return tl_error_set(w->err, TL_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_DONE)
        return tl_error_db(w->err, w->db, "search");
    if (w->article.n > 1)
        qsort(w->article.a, w->article.n, sizeof *w->article.a, cmp_hit);
    for (size_t i = 0; i < w->article.n
         && (per_article <= 0 || i < (size_t)per_article); i++)
        if (push(&w->group, w->article.a[i].score, w->article.a[i].id) != 0)
            return tl_error_set(w->err, TL_ERR_NOMEM, "out of memory");
    return TL_OK;
}

/* Appends w->group, in the SQL's order, to t (at most k in all). */
static void
end_group(struct walk *w, struct tl_topk *t, long k)
{
    if (w->group.n > 1)
        qsort(w->group.a, w->group.n, sizeof *w->group.a, cmp_hit);
    for (size_t i = 0; i < w->group.n && t->n < (size_t)k; i++) {
        t->ids[t->n] = w->group.a[i].id;
        t->scores[t->n++] = w->group.a[i].score;
    }
    w->group.n = 0;
}

static enum tl_status
prepare_walk(struct walk *w, const char *match, int descending,
             const char *from, const char *to)
{
    if (sqlite3_prepare_v2(w->db, "SELECT rowid, " TL_RANK_SQL " FROM "
                           "passages_fts WHERE passages_fts MATCH ?1 AND "
                           "rowid BETWEEN ?2 AND ?3", -1, &w->scan, NULL)
        != SQLITE_OK
        || sqlite3_prepare_v2(w->db, descending
               ? "SELECT id, pub_date FROM articles WHERE pub_date >= ?1 "
                 "AND pub_date <= ?2 ORDER BY pub_date DESC"
               : "SELECT id, pub_date FROM articles WHERE pub_date >= ?1 "
                 "AND pub_date <= ?2 ORDER BY pub_date", -1, &w->articles,
               NULL) != SQLITE_OK
        /* the article's own passages within its range (which may be
         * wider: schema/012-article-ranges.sql) */
        || sqlite3_prepare_v2(w->db, "SELECT min(p.id), max(p.id), "
                              "count(*) FROM articles AS a JOIN passages AS p "
                              "ON p.id BETWEEN a.passage_first AND "
                              "a.passage_last AND p.article_id = a.id "
                              "WHERE a.id = ?1", -1, &w->range, NULL)
            != SQLITE_OK)
        return tl_error_db(w->err, w->db, "preparing the search");
    sqlite3_bind_text(w->scan, 1, match, -1, SQLITE_STATIC);
    /* "" and "A" bound every ISO date (digits) */
    sqlite3_bind_text(w->articles, 1, from != NULL ? from : "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(w->articles, 2, to != NULL ? to : "A", -1,
                      SQLITE_STATIC);
    return TL_OK;
}

/* The search's filter, and only undated articles (dated NULL: every
 * article is undated). */
struct undated {
    sqlite3 *db;
    sqlite3_stmt *dated;
    tl_topk_filter_fn filter;
    void *ctx;
};

static enum tl_status
accept_undated(void *ctx, int64_t aid, int *ok_out, struct tl_error *err)
{
    struct undated *u = ctx;
    int rc;

    *ok_out = 1;
    if (u->dated != NULL) {
        sqlite3_bind_int64(u->dated, 1, aid);
        rc = sqlite3_step(u->dated);
        *ok_out = rc == SQLITE_DONE;
        sqlite3_reset(u->dated);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return tl_error_db(err, u->db, "reading an article's date");
    }
    if (*ok_out && u->filter != NULL)
        return u->filter(u->ctx, aid, ok_out, err);
    return TL_OK;
}

/* After the dated articles, t (t->n < k) takes the undated ones: the
 * SQL orders them last, by score and passage id, which is the order of
 * a search by rank among them, so the ranked top-k answers them
 * (tl_topk_ranked(); the walk never leaves zero scores out).  t->exact
 * 1 when it answered. */
static enum tl_status
add_undated(sqlite3 *db, const char *match, long per_article, long k,
            tl_topk_filter_fn filter, void *filter_ctx, struct tl_topk *t,
            struct tl_error *err)
{
    struct undated u = { db, NULL, filter, filter_ctx };
    struct tl_topk tail;
    enum tl_topk_way way;
    long need = k - (long)t->n;
    enum tl_status st = TL_OK;
    sqlite3_stmt *any = NULL;
    int rc;

    tl_topk_init(&tail);
    /* an archive with no date at all needs no date looked up */
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM articles WHERE pub_date IS "
                           "NOT NULL LIMIT 1", -1, &any, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "preparing the search");
    rc = sqlite3_step(any);
    sqlite3_finalize(any);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the articles by date");
    if (rc == SQLITE_ROW
        && sqlite3_prepare_v2(db, "SELECT 1 FROM articles WHERE id = ?1 AND "
                              "pub_date IS NOT NULL", -1, &u.dated, NULL)
           != SQLITE_OK)
        return tl_error_db(err, db, "preparing the search");
    st = tl_topk_ranked(db, match, 0, per_article, need, accept_undated, &u,
                        &tail, &way, err);
    if (st == TL_OK && tail.exact) {
        for (size_t i = 0; i < tail.n && t->n < (size_t)k; i++) {
            t->ids[t->n] = tail.ids[i];
            t->scores[t->n++] = tail.scores[i];
        }
        t->exact = 1;
    }
    sqlite3_finalize(u.dated);
    tl_topk_release(&tail);
    return st;
}

enum tl_status
tl_topk_by_date(sqlite3 *db, const char *match, int descending,
                const char *from, const char *to, long per_article, long k,
                tl_topk_filter_fn filter, void *filter_ctx,
                struct tl_topk *t, struct tl_error *err)
{
    struct walk w;
    struct tl_lengths *lens = NULL;
    char *date = NULL;          /* the current group's */
    enum tl_status st;
    int dense = 0, refused = 0, give_up = 0, kept = 0, rc = SQLITE_DONE;
    int undated = 0, listed = 0;
    long read = 0;

    tl_topk_release(t);
    if (match == NULL || k <= 0 || k > TL_TOPK_SCAN_MAX)
        return TL_OK;
    memset(&w, 0, sizeof w);
    w.db = db;
    w.err = err;
    st = dense_enough(&w, match, &dense, &refused);
    if (st != TL_OK || !dense || refused)
        goto out;
    t->ids = malloc((size_t)k * sizeof *t->ids);
    t->scores = malloc((size_t)k * sizeof *t->scores);
    if (t->ids == NULL || t->scores == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    st = prepare_walk(&w, match, descending, from, to);
    /* a listed word's df from the impacts table: the first article's
     * query would otherwise read its whole doclist for the IDF */
    if (st == TL_OK)
        st = tl_topk_listed_df_begin(db, match, &listed, err);
    /* the IDFs once: each article's query would count them again */
    if (st == TL_OK)
        st = tl_rank_keep(db, 1, err);
    if (st == TL_OK)
        kept = 1;
    /* the rows' lengths from the packed table (FTS5 keeps none) */
    if (st == TL_OK)
        st = tl_lengths_begin(db, &lens, err);
    while (st == TL_OK && !give_up
           && (rc = sqlite3_step(w.articles)) == SQLITE_ROW) {
        int64_t aid = sqlite3_column_int64(w.articles, 0);
        const char *d = (const char *)sqlite3_column_text(w.articles, 1);
        int ok = 1;

        if (d == NULL)
            d = "";
        if (date == NULL || strcmp(d, date) != 0) {
            end_group(&w, t, k);
            if (t->n == (size_t)k) {
                t->exact = 1;       /* every later date comes after */
                break;
            }
            free(date);
            date = strdup(d);
            if (date == NULL) {
                st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                break;
            }
        }
        if (++read > DATE_WALK_BUDGET) {
            give_up = 1;
            break;
        }
        if (filter != NULL)
            st = filter(filter_ctx, aid, &ok, err);
        if (st == TL_OK && ok)
            st = one_article(&w, aid, per_article, &give_up);
    }
    if (st == TL_OK && !give_up && !t->exact && rc != SQLITE_DONE
        && rc != SQLITE_ROW)
        st = tl_error_db(err, db, "reading the articles by date");
    if (st == TL_OK && !give_up && !t->exact && rc == SQLITE_DONE) {
        /* every dated article read: the undated come next, ordered by
         * score over all of them; a date bound refuses them all */
        end_group(&w, t, k);
        if (t->n == (size_t)k || from != NULL || to != NULL)
            t->exact = 1;
        else
            undated = 1;
    }
out:
    if (kept) {
        struct tl_error ignored;

        /* reset the scan first: its cursor may still hold the kept
         * statistics' copy, which is its own */
        sqlite3_reset(w.scan);
        if (tl_rank_keep(db, 0, st == TL_OK ? err : &ignored) != TL_OK
            && st == TL_OK)
            st = TL_ERR_DB;
    }
    st = tl_lengths_end(db, lens, st, err);
    st = tl_topk_listed_df_end(db, listed, st, err);
    sqlite3_finalize(w.count);
    sqlite3_finalize(w.articles);
    sqlite3_finalize(w.range);
    sqlite3_finalize(w.scan);
    free(w.article.a);
    free(w.group.a);
    free(date);
    if (st == TL_OK && undated)
        st = add_undated(db, match, per_article, k, filter, filter_ctx, t,
                         err);
    if (!t->exact)
        tl_topk_release(t);
    return st;
}
