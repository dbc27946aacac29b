/*
 * search_lists.c - a search's articles (tl_articles_new(): each article
 * once, ranked by its best passage) and facets (tl_search_facet():
 * counts per topic, author or period), over the same filtered hits as
 * the passages (search.c, the SQL in search_sql.c).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lengths.h"
#include "search.h"
#include "search_sql.h"
#include "spans.h"
#include "topk.h"

/* ---- articles -------------------------------------------------------- */

struct tl_articles {
    sqlite3 *db;
    sqlite3_stmt *st;
    long rank;
    int has_match;
    /* answered by tl_articles_scan(): hits.ids[next..] are the articles
     * left, and st reads one article's columns by id */
    int fast;
    struct tl_article_hits hits;
    size_t next;
    struct tl_lengths *lens;    /* the SQL's rows' lengths (lengths.h) */
};

/* Ranks the articles by scanning the matches beside the article spans
 * (lib/articles_scan.c) when it can: by score, with words and a limit;
 * a->fast says whether it did. */
static enum tl_status
articles_fast(sqlite3 *db, const struct tl_search_opts *o,
              struct tl_articles *a, struct tl_error *err)
{
    const int64_t *list;
    int64_t *ids;
    size_t n;
    enum tl_status rs;

    if (o->exhaustive || o->match == NULL || o->sort != TL_SORT_RANK
        || o->limit <= 0 || o->offset < 0
        || o->limit > TL_TOPK_SCAN_MAX - o->offset)
        return TL_OK;
    rs = tl_sql_accepted_list(db, o, &ids, &list, &n, err);
    if (rs == TL_OK)
        rs = tl_articles_scan(db, o->match, o->positive_only, list, n,
                              o->offset + o->limit, &a->hits, &a->fast, err);
    free(ids);
    if (rs == TL_OK && a->fast) {
        a->next = (size_t)o->offset;
        if (sqlite3_prepare_v2(db, "SELECT 0.0, 0, " TL_HIT_ARTICLE_COLS
                               " FROM articles AS a WHERE a.id = ?1", -1,
                               &a->st, NULL) != SQLITE_OK)
            rs = tl_error_db(err, db, "preparing the article list");
    }
    return rs;
}

enum tl_status
tl_articles_new(sqlite3 *db, const struct tl_search_opts *o,
                struct tl_articles **out, struct tl_error *err)
{
    struct tl_articles *a;
    struct tl_buf sql;
    enum tl_status st;

    *out = NULL;
    a = calloc(1, sizeof *a);
    if (a == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    a->db = db;
    a->rank = o->offset;
    a->has_match = o->match != NULL;
    st = articles_fast(db, o, a, err);
    if (st != TL_OK || a->fast) {
        if (st != TL_OK)
            tl_articles_free(a);
        else
            *out = a;
        return st;
    }
    tl_buf_init(&sql, 0);
    st = tl_sql_hits_cte(&sql, o, 1);
    if (st == TL_OK)
        st = append(&sql, ", per AS (SELECT aid, max(score) AS best, "
                          "count(*) AS n FROM hits GROUP BY aid) "
                          "SELECT per.best, per.n, " TL_HIT_ARTICLE_COLS
                          ", ?4 FROM per JOIN articles AS a ON a.id = "
                          "per.aid");
    if (st == TL_OK)
        st = append(&sql, o->match != NULL || o->sort != TL_SORT_RANK
                              ? tl_sql_order_by(o->sort, 1)
                              : " ORDER BY a.path");
    if (st == TL_OK)
        st = append(&sql, " LIMIT ?5 OFFSET ?6");
    if (st != TL_OK)
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    else
        st = tl_sql_prepare(db, &sql, o, &a->st, err);
    tl_buf_release(&sql);
    /* with the packed lengths, as lib/search.c's SQL */
    if (st == TL_OK && o->match != NULL && !o->exhaustive)
        st = tl_lengths_begin(db, &a->lens, err);
    if (st != TL_OK) {
        tl_articles_free(a);
        return st;
    }
    *out = a;
    return TL_OK;
}

enum tl_status
tl_articles_next(struct tl_articles *a, struct tl_article_row *row,
                 int *done_out, struct tl_error *err)
{
    int rc;

    *done_out = 0;
    if (a->fast) {
        if (a->next >= a->hits.n) {
            *done_out = 1;
            return TL_OK;
        }
        sqlite3_reset(a->st);
        sqlite3_bind_int64(a->st, 1, a->hits.ids[a->next]);
    }
    rc = sqlite3_step(a->st);
    if (rc == SQLITE_DONE && !a->fast) {
        *done_out = 1;
        return TL_OK;
    }
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE
            ? tl_error_set(err, TL_ERR_DB, "an article of the list is gone")
            : tl_sql_step_error(a->db, "listing articles", err);
    memset(row, 0, sizeof *row);
    row->rank = ++a->rank;
    row->scored = a->has_match;
    if (a->fast) {
        row->score = a->hits.best[a->next];
        row->passages = a->hits.passages[a->next];
        a->next++;
    } else {
        row->score = sqlite3_column_double(a->st, 0);
        row->passages = (long)sqlite3_column_int64(a->st, 1);
    }
    row->id = sqlite3_column_int64(a->st, 2);
    row->path = tl_sql_col_text(a->st, 3);
    row->title = tl_sql_col_text(a->st, 4);
    row->author = tl_sql_col_text(a->st, 5);
    row->date = tl_sql_col_text(a->st, 6);
    row->date_precision = tl_sql_col_text(a->st, 7);
    row->topics = tl_sql_col_text(a->st, 8);
    return TL_OK;
}

void
tl_articles_free(struct tl_articles *a)
{
    if (a == NULL)
        return;
    sqlite3_finalize(a->st);
    if (a->lens != NULL) {
        struct tl_error ignored;
        tl_lengths_end(a->db, a->lens, TL_OK, &ignored);
    }
    tl_article_hits_release(&a->hits);
    free(a);
}

/* ---- facets ---------------------------------------------------------- */

/* The hits per article, "per (aid, n)", from the article spans
 * (lib/spans.c) as a JSON array of [article, passages] bound to ?1;
 * *answered_out 0 when the SQL must count (no words, 0 scores left
 * out, no fresh map). */
static enum tl_status
facet_fast(sqlite3 *db, const struct tl_search_opts *o, const char *tail,
           sqlite3_stmt **st_out, struct tl_error *err)
{
    struct tl_spans_tally t;
    struct tl_buf sql, json;
    const int64_t *list;
    int64_t *ids;
    size_t n;
    int answered = 0;
    enum tl_status rs;

    *st_out = NULL;
    if (o->match == NULL || o->exhaustive || o->positive_only)
        return TL_OK;
    rs = tl_sql_accepted_list(db, o, &ids, &list, &n, err);
    if (rs == TL_OK)
        rs = tl_spans_tally(db, o->match, list, n, &t, &answered, err);
    free(ids);
    if (rs != TL_OK || !answered)
        return rs;
    tl_buf_init(&sql, 0);
    tl_buf_init(&json, 0);
    rs = append(&json, "[");
    for (size_t i = 0; rs == TL_OK && i < t.n; i++)
        rs = tl_buf_appendf(&json, "%s[%lld,%ld]", i > 0 ? "," : "",
                            (long long)t.article[i], t.passages[i]);
    if (rs == TL_OK)
        rs = append(&json, "]");
    if (rs == TL_OK)
        rs = append(&sql, "WITH per AS (SELECT value ->> 0 AS aid, "
                          "sum(value ->> 1) AS n FROM json_each(?1) GROUP "
                          "BY 1) ");
    if (rs == TL_OK)
        rs = append(&sql, tail);
    if (rs != TL_OK)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    else if (sqlite3_prepare_v2(db, sql.data, -1, st_out, NULL) != SQLITE_OK)
        rs = tl_error_db(err, db, "preparing the facets");
    else if (sqlite3_bind_text(*st_out, 1, json.data, (int)json.len,
                               SQLITE_TRANSIENT) != SQLITE_OK)
        rs = tl_error_db(err, db, "preparing the facets");
    tl_buf_release(&sql);
    tl_buf_release(&json);
    tl_spans_tally_release(&t);
    return rs;
}

enum tl_status
tl_search_facet(sqlite3 *db, const struct tl_search_opts *o,
                const char *facet, tl_facet_fn fn, void *ctx,
                struct tl_error *err)
{
    /* over per (aid, n): each hit article once, with its passages */
    static const struct {
        const char *name, *sql;
    } facets[] = {
        { "topic", "SELECT coalesce(t.name, ''), sum(per.n), count(*) FROM "
                   "per LEFT JOIN article_topics AS at ON at.article_id = "
                   "per.aid LEFT JOIN topics AS t ON t.id = at.topic_id "
                   "GROUP BY t.name ORDER BY sum(per.n) DESC, t.name" },
        { "author", "SELECT a.author, sum(per.n), count(*) FROM per JOIN "
                    "articles AS a ON a.id = per.aid GROUP BY a.author "
                    "ORDER BY sum(per.n) DESC, a.author" },
        { "year", "SELECT coalesce(substr(a.pub_date, 1, 4), '') AS v, "
                  "sum(per.n), count(*) FROM per JOIN articles AS a ON "
                  "a.id = per.aid GROUP BY v ORDER BY v = '', v" },
        { "month", "SELECT CASE WHEN a.date_precision IN ('month', 'day') "
                   "THEN substr(a.pub_date, 1, 7) WHEN a.pub_date IS NOT "
                   "NULL THEN substr(a.pub_date, 1, 4) ELSE '' END AS v, "
                   "sum(per.n), count(*) FROM per JOIN articles AS a ON "
                   "a.id = per.aid GROUP BY v ORDER BY v = '', v" },
    };
    sqlite3_stmt *st = NULL;
    struct tl_buf sql;
    enum tl_status rs = TL_OK;
    const char *tail = NULL;
    int rc;

    for (size_t i = 0; i < sizeof facets / sizeof *facets; i++)
        if (strcmp(facets[i].name, facet) == 0)
            tail = facets[i].sql;
    if (tail == NULL)
        return tl_error_set(err, TL_ERR_USAGE, "unknown facet '%s'", facet);
    rs = facet_fast(db, o, tail, &st, err);
    if (rs != TL_OK)
        return rs;
    if (st == NULL) {
        tl_buf_init(&sql, 0);
        rs = tl_sql_hits_cte(&sql, o, 0);
        if (rs == TL_OK)
            rs = append(&sql, ", per AS (SELECT aid, count(*) AS n FROM hits "
                              "GROUP BY aid) ");
        if (rs == TL_OK)
            rs = append(&sql, tail);
        rs = tl_sql_prepare_built(db, &sql, rs, o, &st, err);
        if (rs != TL_OK)
            return rs;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, tl_sql_col_text(st, 0), (long)sqlite3_column_int64(st, 1),
               (long)sqlite3_column_int64(st, 2)) != 0)
            break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rs = tl_sql_step_error(db, "counting facets", err);
    sqlite3_finalize(st);
    return rs;
}
