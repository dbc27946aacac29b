/*
 * search.c - BM25 search over passages with filters, a per-article cap,
 * sorting and paging, and counts; the article lists and facets
 * (search_lists.c) share the same filtered set of hits, and the SQL
 * pieces (search_sql.c).
 *
 * The SQL is put together from fixed pieces chosen by which filters are
 * set; every value (the MATCH expression included) is bound with '?'.
 * Dates are compared by the interval an article's date covers, so a date
 * known only to the month is inside --since 2019-02-10 when its month
 * ends on or after that day.  Authors and topics are compared folded
 * (tl_search_fold(), the SQL function tl_fold() defined on the
 * connection when a filter needs it).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hit_rows.h"
#include "search.h"
#include "lengths.h"
#include "search_sql.h"
#include "spans.h"
#include "topk.h"

void
tl_search_opts_init(struct tl_search_opts *o)
{
    memset(o, 0, sizeof *o);
}

/* ---- passages -------------------------------------------------------- */

struct tl_search {
    sqlite3 *db;
    sqlite3_stmt *top;      /* pid, score, article columns, ordinal */
    sqlite3_stmt *marked;   /* one passage's text with marks */
    long rank;
    int has_match;
    /* answered from the impact lists (lib/topk.c): top->ids[next..] are
     * the hits left, and top reads one passage's columns by id */
    struct tl_topk fast;
    size_t next;
    int from_lists;         /* fast came from the impact lists, not from
                               scoring every match (tl_topk_scan()) */
    int by_date;            /* fast came from the walk by date
                               (tl_topk_by_date()) */
    int or_as_and;          /* fast came from the passages with both words
                               of an OR (tl_topk_or_as_and()) */
    int positive_only;      /* o->positive_only with words */
    struct tl_hit_rows *batch;  /* the fast hits' rows, read at once
                                   (hit_rows.h) */
    struct tl_lengths *lens;    /* the SQL's rows' lengths (lengths.h) */
};

/* Do the filters accept an article?  (tl_topk_filter_fn) */
struct filter {
    sqlite3 *db;
    sqlite3_stmt *st;       /* SELECT 1 FROM articles ... ?1 = its id */
};

static enum tl_status
filter_article(void *ctx, int64_t article_id, int *ok_out,
               struct tl_error *err)
{
    struct filter *f = ctx;
    int rc;

    sqlite3_reset(f->st);
    sqlite3_bind_int64(f->st, 1, article_id);
    rc = sqlite3_step(f->st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, f->db, "filtering the hits");
    *ok_out = rc == SQLITE_ROW;
    return TL_OK;
}

/* Answers a search without the SQL below when it can: by score from the
 * impact lists, else by scoring every match in C (lib/topk.c,
 * lib/topk_scan.c); by date by walking the articles in date order
 * (lib/topk_date.c; not when 0 scores are left out, which the walk would
 * meet among the others).  s->fast says whether one answered. */
static enum tl_status
try_fast(sqlite3 *db, const struct tl_search_opts *o, struct tl_search *s,
         struct tl_error *err)
{
    struct tl_search_opts plain = *o;
    struct filter f = { db, NULL };
    struct tl_buf sql;
    enum tl_topk_way way;
    enum tl_status st = TL_OK;

    if (o->exhaustive || o->match == NULL || o->limit <= 0
        || o->offset < 0 || o->limit > LONG_MAX / 2 - o->offset
        || (o->sort != TL_SORT_RANK && (s->positive_only || o->undated)))
        return TL_OK;
    tl_buf_init(&sql, 0);
    if (tl_sql_has_filters(o)) {
        plain.match = NULL;
        st = append(&sql, "SELECT 1 FROM articles AS a WHERE a.id = ?1 AND ");
        if (st == TL_OK)
            st = tl_sql_conditions(&sql, &plain);
        if (st != TL_OK) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        st = tl_sql_prepare(db, &sql, &plain, &f.st, err);
        if (st != TL_OK)
            goto out;
    }
    if (o->sort != TL_SORT_RANK) {
        /* the dates the filter can accept, as text: pub_date holds
         * "YYYY", "YYYY-MM" or "YYYY-MM-DD", so an article overlapping
         * [since, until] lies between since's year and until's last day */
        char from[TL_DATE_FORMAT_SIZE], to[TL_DATE_FORMAT_SIZE];
        struct tl_date first, last;

        if (o->since.precision != TL_DATE_NONE)
            snprintf(from, sizeof from, "%04d", o->since.year);
        if (o->until.precision != TL_DATE_NONE) {
            tl_date_bounds(&o->until, &first, &last);
            tl_date_format(&last, to, sizeof to);
        }
        st = tl_topk_by_date(db, o->match, o->sort == TL_SORT_DATE_DESC,
                             o->since.precision != TL_DATE_NONE ? from : NULL,
                             o->until.precision != TL_DATE_NONE ? to : NULL,
                             o->per_article, o->offset + o->limit,
                             f.st != NULL ? filter_article : NULL, &f,
                             &s->fast, err);
        s->by_date = st == TL_OK && s->fast.exact;
        goto done;
    }
    st = tl_topk_ranked(db, o->match, s->positive_only, o->per_article,
                        o->offset + o->limit,
                        f.st != NULL ? filter_article : NULL, &f, &s->fast,
                        &way, err);
    s->from_lists = st == TL_OK && way == TL_TOPK_LISTS;
    s->or_as_and = st == TL_OK && way == TL_TOPK_OR_AS_AND;
done:
    if (st == TL_OK && s->fast.exact)
        s->next = (size_t)o->offset;
out:
    sqlite3_finalize(f.st);
    tl_buf_release(&sql);
    return st;
}

enum tl_status
tl_search_new(sqlite3 *db, const struct tl_search_opts *o,
              struct tl_search **out, struct tl_error *err)
{
    struct tl_search *s;
    struct tl_buf sql;
    enum tl_status st;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    s->db = db;
    s->rank = o->offset;
    s->has_match = o->match != NULL;
    s->positive_only = o->positive_only && o->match != NULL;
    tl_topk_init(&s->fast);
    tl_buf_init(&sql, 0);
    st = try_fast(db, o, s, err);
    if (st != TL_OK)
        goto fail;
    if (s->fast.exact) {
        st = append(&sql, "SELECT p.id, 0.0, p.ordinal, " TL_HIT_ARTICLE_COLS
                          " FROM passages AS p JOIN articles AS a ON a.id = "
                          "p.article_id WHERE p.id = ?1");
    } else {
        st = tl_sql_hits_cte(&sql, o, 1);
        if (st == TL_OK)
            st = append(&sql, "SELECT c.pid, c.score, p.ordinal, "
                              TL_HIT_ARTICLE_COLS " FROM capped AS c JOIN "
                              "passages AS p ON p.id = c.pid JOIN articles "
                              "AS a ON a.id = c.aid WHERE (?4 <= 0 OR c.nth "
                              "<= ?4)");
        if (st == TL_OK)
            st = append(&sql, o->match != NULL ? tl_sql_order_by(o->sort, 0)
                              : o->sort == TL_SORT_RANK
                                  ? " ORDER BY a.path, p.ordinal"
                                  : tl_sql_order_by(o->sort, 0));
        if (st == TL_OK)
            st = append(&sql, " LIMIT ?5 OFFSET ?6");
    }
    if (st != TL_OK) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (s->fast.exact) {
        if (sqlite3_prepare_v2(db, sql.data, -1, &s->top, NULL) != SQLITE_OK)
            st = tl_error_db(err, db, "preparing the search");
    } else {
        st = tl_sql_prepare(db, &sql, o, &s->top, err);
    }
    if (st != TL_OK)
        goto fail;
    /* the SQL scores every match: with the packed lengths, as the scans,
     * not FTS5's, which it would count in each row's text (FTS5 keeps
     * none); --exhaustive, the judge of the others, keeps FTS5's */
    if (!s->fast.exact && o->match != NULL && !o->exhaustive) {
        st = tl_lengths_begin(db, &s->lens, err);
        if (st != TL_OK)
            goto fail;
    }
    if (sqlite3_prepare_v2(db, o->match != NULL
            ? "SELECT highlight(passages_fts, 0, ?3, ?4) FROM passages_fts "
              "WHERE passages_fts MATCH ?1 AND rowid = ?2"
            : "SELECT text FROM passage_texts WHERE id = ?2",
            -1, &s->marked, NULL) != SQLITE_OK) {
        st = tl_error_db(err, db, "preparing the search");
        goto fail;
    }
    if (o->match != NULL) {
        sqlite3_bind_text(s->marked, 1, o->match, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s->marked, 3, TL_MARK_OPEN, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->marked, 4, TL_MARK_CLOSE, -1, SQLITE_STATIC);
    }
    if (s->fast.exact && s->fast.n > s->next) {
        st = tl_hit_rows_fetch(db, o->match, s->fast.ids + s->next,
                               s->fast.n - s->next, &s->batch, err);
        if (st != TL_OK)
            goto fail;
    }
    tl_buf_release(&sql);
    *out = s;
    return TL_OK;
fail:
    tl_buf_release(&sql);
    tl_search_free(s);
    return st;
}

enum tl_status
tl_search_next(struct tl_search *s, struct tl_hit *hit, int *done_out,
               struct tl_error *err)
{
    int rc;

    *done_out = 0;
    sqlite3_reset(s->marked);
    if (s->fast.exact) {
        /* the ids come best first: past the first 0, all are 0 */
        if (s->next >= s->fast.n
            || (s->positive_only && !(s->fast.scores[s->next] > 0))) {
            *done_out = 1;
            return TL_OK;
        }
        memset(hit, 0, sizeof *hit);
        hit->passage_id = s->fast.ids[s->next];
        if (tl_hit_rows_get(s->batch, hit)) {
            hit->rank = ++s->rank;
            hit->scored = s->has_match;
            hit->score = s->fast.scores[s->next++];
            return TL_OK;
        }
        sqlite3_reset(s->top);
        sqlite3_bind_int64(s->top, 1, s->fast.ids[s->next]);
    }
    rc = sqlite3_step(s->top);
    if (rc == SQLITE_DONE) {
        *done_out = 1;
        return TL_OK;
    }
    if (rc != SQLITE_ROW)
        return tl_sql_step_error(s->db, "search", err);
    memset(hit, 0, sizeof *hit);
    hit->rank = ++s->rank;
    hit->scored = s->has_match;
    hit->passage_id = sqlite3_column_int64(s->top, 0);
    hit->score = s->fast.exact ? s->fast.scores[s->next++]
                               : sqlite3_column_double(s->top, 1);
    hit->passage = sqlite3_column_int(s->top, 2);
    hit->article_id = sqlite3_column_int64(s->top, 3);
    hit->path = tl_sql_col_text(s->top, 4);
    hit->title = tl_sql_col_text(s->top, 5);
    hit->author = tl_sql_col_text(s->top, 6);
    hit->date = tl_sql_col_text(s->top, 7);
    hit->date_precision = tl_sql_col_text(s->top, 8);
    hit->topics = tl_sql_col_text(s->top, 9);
    sqlite3_bind_int64(s->marked, 2, hit->passage_id);
    rc = sqlite3_step(s->marked);
    if (rc != SQLITE_ROW)
        return tl_sql_step_error(s->db, "reading a passage", err);
    hit->marked = tl_sql_col_text(s->marked, 0);
    hit->marked_len = (size_t)sqlite3_column_bytes(s->marked, 0);
    return TL_OK;
}

int
tl_search_fast(const struct tl_search *s)
{
    return s->by_date ? 2 : s->or_as_and ? 3 : s->from_lists;
}

void
tl_search_free(struct tl_search *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->top);
    sqlite3_finalize(s->marked);
    if (s->lens != NULL) {
        struct tl_error ignored;
        tl_lengths_end(s->db, s->lens, TL_OK, &ignored);
    }
    tl_hit_rows_free(s->batch);
    tl_topk_release(&s->fast);
    free(s);
}

/* Counts from the article spans (lib/spans.c), without joining each
 * match to its article, when they fit the index; *answered_out 0 when
 * the SQL must count (no words, 0 scores left out, no fresh map). */
static enum tl_status
count_fast(sqlite3 *db, const struct tl_search_opts *o, long *passages_out,
           long *articles_out, int *answered_out, struct tl_error *err)
{
    const int64_t *list;
    int64_t *ids;
    size_t n;
    enum tl_status rs;

    *answered_out = 0;
    if (o->match == NULL || o->exhaustive
        || (o->positive_only && o->match != NULL))
        return TL_OK;
    rs = tl_sql_accepted_list(db, o, &ids, &list, &n, err);
    /* one listed word, no filter: its counts are in the impact lists */
    if (rs == TL_OK && list == NULL)
        rs = tl_topk_count(db, o->match, passages_out, articles_out,
                           answered_out, err);
    if (rs == TL_OK && !*answered_out)
        rs = tl_spans_count(db, o->match, list, n, passages_out,
                            articles_out, answered_out, err);
    free(ids);
    return rs;
}

enum tl_status
tl_search_count(sqlite3 *db, const struct tl_search_opts *o,
                long *passages_out, long *articles_out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    struct tl_buf sql;
    enum tl_status rs;
    int rc, answered = 0;

    *passages_out = *articles_out = 0;
    rs = count_fast(db, o, passages_out, articles_out, &answered, err);
    if (rs != TL_OK || answered)
        return rs;
    tl_buf_init(&sql, 0);
    rs = tl_sql_hits_cte(&sql, o, 0);
    if (rs == TL_OK)
        rs = append(&sql, "SELECT count(*), count(DISTINCT aid), ?4, ?5, ?6 "
                          "FROM hits");
    rs = tl_sql_prepare_built(db, &sql, rs, o, &st, err);
    if (rs != TL_OK)
        return rs;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *passages_out = (long)sqlite3_column_int64(st, 0);
        *articles_out = (long)sqlite3_column_int64(st, 1);
    } else {
        rs = tl_sql_step_error(db, "counting", err);
    }
    sqlite3_finalize(st);
    return rs;
}
