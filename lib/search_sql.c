/*
 * search_sql.c - the SQL of a search (search_sql.h): put together from
 * fixed pieces chosen by which filters are set; every value (the MATCH
 * expression included) is bound with '?'.  Dates are compared by the
 * interval an article's date covers, so a date known only to the month
 * is inside --since 2019-02-10 when its month ends on or after that day.
 * Authors and topics are compared folded (tl_search_fold(), the SQL
 * function tl_fold() defined on the connection when a filter needs it).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "search_sql.h"
#include "spans.h"

/* The first and last day an article's date covers, in SQL. */
#define DATE_FIRST \
    "CASE a.date_precision WHEN 'day' THEN a.pub_date " \
    "WHEN 'month' THEN a.pub_date || '-01' " \
    "ELSE a.pub_date || '-01-01' END"
#define DATE_LAST \
    "CASE a.date_precision WHEN 'day' THEN a.pub_date " \
    "WHEN 'month' THEN date(a.pub_date || '-01', '+1 month', '-1 day') " \
    "ELSE a.pub_date || '-12-31' END"

/* ---- building the SQL ----------------------------------------------- */

/* The parameters, in the order the SQL pieces number them. */
enum {
    P_MATCH = 1,
    P_SINCE,
    P_UNTIL,
    P_CAP,
    P_LIMIT,
    P_OFFSET,
    P_AUTHORS,  /* then one per author, then one per topic */
};

int
tl_sql_has_filters(const struct tl_search_opts *o)
{
    return o->undated || o->since.precision != TL_DATE_NONE
           || o->until.precision != TL_DATE_NONE || o->n_authors > 0
           || o->n_topics > 0;
}

/* The WHERE conditions on a (articles) and the match, without "WHERE". */
enum tl_status
tl_sql_conditions(struct tl_buf *b, const struct tl_search_opts *o)
{
    enum tl_status st = append(b, "1");
    int p = P_AUTHORS;

    if (st == TL_OK && o->match != NULL)
        st = append(b, " AND passages_fts MATCH ?1");
    if (st == TL_OK && o->undated)
        st = append(b, " AND a.pub_date IS NULL");
    if (st == TL_OK && o->since.precision != TL_DATE_NONE)
        st = append(b, " AND a.pub_date IS NOT NULL AND " DATE_LAST " >= ?2");
    if (st == TL_OK && o->until.precision != TL_DATE_NONE)
        st = append(b, " AND a.pub_date IS NOT NULL AND " DATE_FIRST
                       " <= ?3");
    if (st == TL_OK && o->n_authors > 0) {
        st = append(b, " AND (0");
        for (size_t i = 0; st == TL_OK && i < o->n_authors; i++)
            st = tl_buf_appendf(b, " OR instr(tl_fold(a.author), "
                                "tl_fold(?%d)) > 0", p++);
        if (st == TL_OK)
            st = append(b, ")");
    }
    if (st == TL_OK && o->n_topics > 0) {
        st = append(b, " AND EXISTS (SELECT 1 FROM article_topics AS at "
                       "JOIN topics AS t ON t.id = at.topic_id WHERE "
                       "at.article_id = a.id AND tl_fold(t.name) IN (");
        for (size_t i = 0; st == TL_OK && i < o->n_topics; i++)
            st = tl_buf_appendf(b, "%stl_fold(?%d)", i > 0 ? ", " : "",
                                p++);
        if (st == TL_OK)
            st = append(b, "))");
    }
    return st;
}

/* The hits: passage id, article id, score, rank within the article.
 * Unscored (counts, facets), the score is 0: ranking every match is
 * much of a search's cost.  With o->positive_only every hit is scored,
 * and those scoring 0 are left out (they come last in their article,
 * so the rank within it of the others does not change). */
enum tl_status
tl_sql_hits_cte(struct tl_buf *b, const struct tl_search_opts *o,
                int scored)
{
    int positive = o->positive_only && o->match != NULL;
    const char *first = positive ? "WITH scored AS MATERIALIZED ("
                                 : "WITH hits AS MATERIALIZED (";
    enum tl_status st = append(b, first);

    if (positive)
        scored = 1;
    if (st != TL_OK)
        return st;
    if (o->match != NULL && !scored)
        st = append(b, "SELECT passages_fts.rowid "
                       "AS pid, p.article_id AS aid, 0.0 AS score FROM "
                       "passages_fts JOIN passages AS p ON p.id = "
                       "passages_fts.rowid JOIN articles AS a ON a.id = "
                       "p.article_id WHERE ");
    else if (o->match != NULL)
        st = append(b, "SELECT passages_fts.rowid AS pid, "
                       "p.article_id AS aid, " TL_RANK_SQL " AS score "
                       "FROM passages_fts "
                       "JOIN passages AS p ON p.id = passages_fts.rowid "
                       "JOIN articles AS a ON a.id = p.article_id WHERE ");
    else
        st = append(b, "SELECT p.id AS pid, "
                       "p.article_id AS "
                       "aid, 0.0 AS score FROM passages AS p "
                       "JOIN articles AS a ON a.id = p.article_id WHERE ");
    if (st == TL_OK)
        st = tl_sql_conditions(b, o);
    if (st == TL_OK && positive)
        st = append(b, "), hits AS (SELECT pid, aid, score FROM scored "
                       "WHERE score > 0");
    if (st == TL_OK)
        st = append(b, "), capped AS (SELECT pid, aid, score, row_number() "
                       "OVER (PARTITION BY aid ORDER BY score DESC, pid) AS "
                       "nth FROM hits) ");
    return st;
}

const char *
tl_sql_order_by(enum tl_sort sort, int articles)
{
    /* ties are broken by id, so equal scores come in a fixed order */
    switch (sort) {
    case TL_SORT_DATE:
        return articles ? " ORDER BY a.pub_date IS NULL, a.pub_date, "
                          "best DESC, a.id"
                        : " ORDER BY a.pub_date IS NULL, a.pub_date, "
                          "c.score DESC, c.pid";
    case TL_SORT_DATE_DESC:
        return articles ? " ORDER BY a.pub_date IS NULL, a.pub_date DESC, "
                          "best DESC, a.id"
                        : " ORDER BY a.pub_date IS NULL, a.pub_date DESC, "
                          "c.score DESC, c.pid";
    default:
        return articles ? " ORDER BY best DESC, a.id"
                        : " ORDER BY c.score DESC, c.pid";
    }
}

static void
bind_all(sqlite3_stmt *st, const struct tl_search_opts *o)
{
    char since[TL_DATE_FORMAT_SIZE], until[TL_DATE_FORMAT_SIZE];
    struct tl_date first, last;
    int p = P_AUTHORS;

    if (o->match != NULL)
        sqlite3_bind_text(st, P_MATCH, o->match, -1, SQLITE_TRANSIENT);
    if (o->since.precision != TL_DATE_NONE) {
        tl_date_bounds(&o->since, &first, &last);
        sqlite3_bind_text(st, P_SINCE, tl_date_format(&first, since,
                                                      sizeof since),
                          -1, SQLITE_TRANSIENT);
    }
    if (o->until.precision != TL_DATE_NONE) {
        tl_date_bounds(&o->until, &first, &last);
        sqlite3_bind_text(st, P_UNTIL, tl_date_format(&last, until,
                                                      sizeof until),
                          -1, SQLITE_TRANSIENT);
    }
    sqlite3_bind_int64(st, P_CAP, o->per_article);
    sqlite3_bind_int64(st, P_LIMIT, o->limit > 0 ? o->limit : -1);
    sqlite3_bind_int64(st, P_OFFSET, o->offset);
    for (size_t i = 0; i < o->n_authors; i++)
        sqlite3_bind_text(st, p++, o->authors[i], -1, SQLITE_STATIC);
    for (size_t i = 0; i < o->n_topics; i++)
        sqlite3_bind_text(st, p++, o->topics[i], -1, SQLITE_STATIC);
}


/* Prepares sql (tl_fold() defined first when the filters use it); an
 * error in the MATCH expression is the user's query. */
enum tl_status
tl_sql_prepare(sqlite3 *db, const struct tl_buf *sql,
               const struct tl_search_opts *o, sqlite3_stmt **out,
               struct tl_error *err)
{
    if (o->n_authors > 0 || o->n_topics > 0) {
        enum tl_status st = tl_search_fold_register(db, err);
        if (st != TL_OK)
            return st;
    }
    if (sqlite3_prepare_v2(db, sql->data, -1, out, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "preparing the search");
    bind_all(*out, o);
    return TL_OK;
}

/* tl_sql_prepare() for SQL put together in sql (built: TL_OK, or the
 * failure that left it incomplete: out of memory); releases sql. */
enum tl_status
tl_sql_prepare_built(sqlite3 *db, struct tl_buf *sql,
                     enum tl_status built, const struct tl_search_opts *o,
                     sqlite3_stmt **out, struct tl_error *err)
{
    enum tl_status rs = built != TL_OK
        ? tl_error_set(err, TL_ERR_NOMEM, "out of memory")
        : tl_sql_prepare(db, sql, o, out, err);

    tl_buf_release(sql);
    return rs;
}

/* A failed step.  A plain SQLITE_ERROR while running a search is FTS5
 * refusing the MATCH expression (the SQL itself is fixed and was
 * prepared): a query error.  I/O, corruption, locking are not. */
enum tl_status
tl_sql_step_error(sqlite3 *db, const char *what, struct tl_error *err)
{
    if (sqlite3_extended_errcode(db) == SQLITE_ERROR)
        return tl_error_set(err, TL_ERR_QUERY, "the query cannot be "
                            "searched (%s); quote words that hold "
                            "punctuation", sqlite3_errmsg(db));
    return tl_error_db(err, db, what);
}

const char *
tl_sql_col_text(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);

    return t != NULL ? t : "";
}

/* The ids of the articles the filters of o accept, ascending. */
static enum tl_status
accepted_articles(sqlite3 *db, const struct tl_search_opts *o,
                  int64_t **ids_out, size_t *n_out, struct tl_error *err)
{
    struct tl_search_opts plain = *o;
    sqlite3_stmt *st = NULL;
    struct tl_buf sql;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    enum tl_status rs;
    int rc;

    *ids_out = NULL;
    *n_out = 0;
    plain.match = NULL;
    plain.n_topics = 0;
    plain.since.precision = plain.until.precision = TL_DATE_NONE;
    tl_buf_init(&sql, 0);
    /* the filters' conditions, the dates and the topics put so that the
     * date index answers them without reading each article's row:
     * pub_date is "YYYY", "YYYY-MM" or "YYYY-MM-DD" (tl_date_format()),
     * so an article's date ends on or after the first day since (?2)
     * when its text sorts after since's or is a prefix of it ("2019-02"
     * and "2019" for 2019-02-10), and begins on or before until's last
     * day (?3) when its text sorts before that day's; the topics are one
     * set, not a lookup per article */
    rs = append(&sql, "SELECT a.id FROM articles AS a WHERE ");
    if (rs == TL_OK)
        rs = tl_sql_conditions(&sql, &plain);
    if (rs == TL_OK && o->since.precision != TL_DATE_NONE)
        rs = append(&sql, " AND a.pub_date >= substr(?2, 1, 4) AND "
                          "(a.pub_date >= ?2 OR a.pub_date = substr(?2, 1, "
                          "length(a.pub_date)))");
    if (rs == TL_OK && o->until.precision != TL_DATE_NONE)
        rs = append(&sql, " AND a.pub_date IS NOT NULL AND a.pub_date <= ?3");
    if (rs == TL_OK && o->n_topics > 0) {
        rs = append(&sql, " AND a.id IN (SELECT at.article_id FROM "
                          "article_topics AS at WHERE at.topic_id IN "
                          "(SELECT t.id FROM topics AS t WHERE "
                          "tl_fold(t.name) IN (");
        for (size_t i = 0; rs == TL_OK && i < o->n_topics; i++)
            rs = tl_buf_appendf(&sql, "%stl_fold(?%zu)", i > 0 ? ", " : "",
                                P_AUTHORS + o->n_authors + i);
        if (rs == TL_OK)
            rs = append(&sql, ")))");
    }
    if (rs == TL_OK)
        rs = append(&sql, " ORDER BY a.id");
    rs = tl_sql_prepare_built(db, &sql, rs, o, &st, err);
    if (rs != TL_OK)
        return rs;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t c = cap > 0 ? 2 * cap : 1024;
            int64_t *m = realloc(ids, c * sizeof *m);
            if (m == NULL) {
                rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                goto out;
            }
            ids = m;
            cap = c;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    if (rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "filtering the hits");
out:
    sqlite3_finalize(st);
    if (rs != TL_OK) {
        free(ids);
        return rs;
    }
    *ids_out = ids;
    *n_out = n;
    return TL_OK;
}

/* The articles the spans' scans may take: *list_out NULL when nothing
 * filters them, else the sorted ids the filters accept (*n_out of them,
 * owned by *ids_out: free it; "none" when they accept nothing). */
enum tl_status
tl_sql_accepted_list(sqlite3 *db, const struct tl_search_opts *o,
                     int64_t **ids_out, const int64_t **list_out,
                     size_t *n_out, struct tl_error *err)
{
    static const int64_t none[1];
    enum tl_status rs;

    *ids_out = NULL;
    *list_out = NULL;
    *n_out = 0;
    if (!tl_sql_has_filters(o))
        return TL_OK;
    rs = accepted_articles(db, o, ids_out, n_out, err);
    if (rs == TL_OK)
        *list_out = *n_out > 0 ? *ids_out : none;
    return rs;
}
