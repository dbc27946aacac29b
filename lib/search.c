/*
 * search.c - BM25 search over passages with filters, a per-article cap,
 * sorting and paging; article lists, counts and facets share the same
 * filtered set of hits.
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
#include "spans.h"
#include "topk.h"

/* The first and last day an article's date covers, in SQL. */
#define DATE_FIRST \
    "CASE a.date_precision WHEN 'day' THEN a.pub_date " \
    "WHEN 'month' THEN a.pub_date || '-01' " \
    "ELSE a.pub_date || '-01-01' END"
#define DATE_LAST \
    "CASE a.date_precision WHEN 'day' THEN a.pub_date " \
    "WHEN 'month' THEN date(a.pub_date || '-01', '+1 month', '-1 day') " \
    "ELSE a.pub_date || '-12-31' END"

void
tl_search_opts_init(struct tl_search_opts *o)
{
    memset(o, 0, sizeof *o);
}

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

static enum tl_status
append(struct tl_buf *b, const char *s)
{
    return tl_buf_append(b, s, strlen(s));
}

/* The WHERE conditions on a (articles) and the match, without "WHERE". */
static enum tl_status
conditions(struct tl_buf *b, const struct tl_search_opts *o)
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
static enum tl_status
hits_cte(struct tl_buf *b, const struct tl_search_opts *o, int scored)
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
        st = conditions(b, o);
    if (st == TL_OK && positive)
        st = append(b, "), hits AS (SELECT pid, aid, score FROM scored "
                       "WHERE score > 0");
    if (st == TL_OK)
        st = append(b, "), capped AS (SELECT pid, aid, score, row_number() "
                       "OVER (PARTITION BY aid ORDER BY score DESC, pid) AS "
                       "nth FROM hits) ");
    return st;
}

static const char *
order_by(enum tl_sort sort, int articles)
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
static enum tl_status
prepare(sqlite3 *db, const struct tl_buf *sql, const struct tl_search_opts *o,
        sqlite3_stmt **out, struct tl_error *err)
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

/* prepare() for SQL put together in sql (built: TL_OK, or the failure
 * that left it incomplete: out of memory); releases sql. */
static enum tl_status
prepare_built(sqlite3 *db, struct tl_buf *sql, enum tl_status built,
              const struct tl_search_opts *o, sqlite3_stmt **out,
              struct tl_error *err)
{
    enum tl_status rs = built != TL_OK
        ? tl_error_set(err, TL_ERR_NOMEM, "out of memory")
        : prepare(db, sql, o, out, err);

    tl_buf_release(sql);
    return rs;
}

/* A failed step.  A plain SQLITE_ERROR while running a search is FTS5
 * refusing the MATCH expression (the SQL itself is fixed and was
 * prepared): a query error.  I/O, corruption, locking are not. */
static enum tl_status
step_error(sqlite3 *db, const char *what, struct tl_error *err)
{
    if (sqlite3_extended_errcode(db) == SQLITE_ERROR)
        return tl_error_set(err, TL_ERR_QUERY, "the query cannot be "
                            "searched (%s); quote words that hold "
                            "punctuation", sqlite3_errmsg(db));
    return tl_error_db(err, db, what);
}

static const char *
col_text(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);

    return t != NULL ? t : "";
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
    int positive_only;      /* o->positive_only with words */
    struct tl_hit_rows *batch;  /* the fast hits' rows, read at once
                                   when there are many (hit_rows.h) */
};

/* From this many hits to give on, their rows are read in two statements
 * (lib/hit_rows.c) rather than two per hit; with a prefix in the query,
 * from two on (FTS5 merges the doclists of every word the prefix covers
 * each time it sets up the expression: econom* 15.7 -> 9.0 ms at
 * 21,268 articles, while said would go 4.1 -> 6.1). */
#define BATCH_MIN 64

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

static int
has_filters(const struct tl_search_opts *o)
{
    return o->undated || o->since.precision != TL_DATE_NONE
           || o->until.precision != TL_DATE_NONE || o->n_authors > 0
           || o->n_topics > 0;
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
    enum tl_status st = TL_OK;

    if (o->exhaustive || o->match == NULL || o->limit <= 0
        || o->offset < 0 || o->limit > LONG_MAX / 2 - o->offset
        || (o->sort != TL_SORT_RANK && (s->positive_only || o->undated)))
        return TL_OK;
    tl_buf_init(&sql, 0);
    if (has_filters(o)) {
        plain.match = NULL;
        st = append(&sql, "SELECT 1 FROM articles AS a WHERE a.id = ?1 AND ");
        if (st == TL_OK)
            st = conditions(&sql, &plain);
        if (st != TL_OK) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        st = prepare(db, &sql, &plain, &f.st, err);
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
    st = tl_topk_search(db, o->match, o->per_article, o->offset + o->limit,
                        f.st != NULL ? filter_article : NULL, &f, &s->fast,
                        err);
    s->from_lists = st == TL_OK && s->fast.exact;
    if (st == TL_OK && !s->fast.exact)
        st = tl_topk_scan(db, o->match, o->per_article,
                          o->offset + o->limit,
                          f.st != NULL ? filter_article : NULL, &f,
                          &s->fast, err);
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
        st = hits_cte(&sql, o, 1);
        if (st == TL_OK)
            st = append(&sql, "SELECT c.pid, c.score, p.ordinal, "
                              TL_HIT_ARTICLE_COLS " FROM capped AS c JOIN passages "
                              "AS p ON p.id = c.pid JOIN articles AS a ON "
                              "a.id = c.aid WHERE (?4 <= 0 OR c.nth <= ?4)");
        if (st == TL_OK)
            st = append(&sql, o->match != NULL ? order_by(o->sort, 0)
                              : o->sort == TL_SORT_RANK
                                  ? " ORDER BY a.path, p.ordinal"
                                  : order_by(o->sort, 0));
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
        st = prepare(db, &sql, o, &s->top, err);
    }
    if (st != TL_OK)
        goto fail;
    if (sqlite3_prepare_v2(db, o->match != NULL
            ? "SELECT highlight(passages_fts, 0, ?3, ?4) FROM passages_fts "
              "WHERE passages_fts MATCH ?1 AND rowid = ?2"
            : "SELECT text FROM passages WHERE id = ?2",
            -1, &s->marked, NULL) != SQLITE_OK) {
        st = tl_error_db(err, db, "preparing the search");
        goto fail;
    }
    if (o->match != NULL) {
        sqlite3_bind_text(s->marked, 1, o->match, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s->marked, 3, TL_MARK_OPEN, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->marked, 4, TL_MARK_CLOSE, -1, SQLITE_STATIC);
    }
    if (s->fast.exact
        && s->fast.n >= s->next + (o->match != NULL
                                   && strchr(o->match, '*') != NULL
                                   ? 2 : BATCH_MIN)) {
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
        return step_error(s->db, "search", err);
    memset(hit, 0, sizeof *hit);
    hit->rank = ++s->rank;
    hit->scored = s->has_match;
    hit->passage_id = sqlite3_column_int64(s->top, 0);
    hit->score = s->fast.exact ? s->fast.scores[s->next++]
                               : sqlite3_column_double(s->top, 1);
    hit->passage = sqlite3_column_int(s->top, 2);
    hit->article_id = sqlite3_column_int64(s->top, 3);
    hit->path = col_text(s->top, 4);
    hit->title = col_text(s->top, 5);
    hit->author = col_text(s->top, 6);
    hit->date = col_text(s->top, 7);
    hit->date_precision = col_text(s->top, 8);
    hit->topics = col_text(s->top, 9);
    sqlite3_bind_int64(s->marked, 2, hit->passage_id);
    rc = sqlite3_step(s->marked);
    if (rc != SQLITE_ROW)
        return step_error(s->db, "reading a passage", err);
    hit->marked = col_text(s->marked, 0);
    hit->marked_len = (size_t)sqlite3_column_bytes(s->marked, 0);
    return TL_OK;
}

int
tl_search_fast(const struct tl_search *s)
{
    return s->by_date ? 2 : s->from_lists;
}

void
tl_search_free(struct tl_search *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->top);
    sqlite3_finalize(s->marked);
    tl_hit_rows_free(s->batch);
    tl_topk_release(&s->fast);
    free(s);
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
        rs = conditions(&sql, &plain);
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
    rs = prepare_built(db, &sql, rs, o, &st, err);
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
static enum tl_status
accepted_list(sqlite3 *db, const struct tl_search_opts *o, int64_t **ids_out,
              const int64_t **list_out, size_t *n_out, struct tl_error *err)
{
    static const int64_t none[1];
    enum tl_status rs;

    *ids_out = NULL;
    *list_out = NULL;
    *n_out = 0;
    if (!has_filters(o))
        return TL_OK;
    rs = accepted_articles(db, o, ids_out, n_out, err);
    if (rs == TL_OK)
        *list_out = *n_out > 0 ? *ids_out : none;
    return rs;
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
    rs = accepted_list(db, o, &ids, &list, &n, err);
    if (rs == TL_OK)
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
    rs = hits_cte(&sql, o, 0);
    if (rs == TL_OK)
        rs = append(&sql, "SELECT count(*), count(DISTINCT aid), ?4, ?5, ?6 "
                          "FROM hits");
    rs = prepare_built(db, &sql, rs, o, &st, err);
    if (rs != TL_OK)
        return rs;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *passages_out = (long)sqlite3_column_int64(st, 0);
        *articles_out = (long)sqlite3_column_int64(st, 1);
    } else {
        rs = step_error(db, "counting", err);
    }
    sqlite3_finalize(st);
    return rs;
}

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
    rs = accepted_list(db, o, &ids, &list, &n, err);
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
    st = hits_cte(&sql, o, 1);
    if (st == TL_OK)
        st = append(&sql, ", per AS (SELECT aid, max(score) AS best, "
                          "count(*) AS n FROM hits GROUP BY aid) "
                          "SELECT per.best, per.n, " TL_HIT_ARTICLE_COLS
                          ", ?4 FROM per JOIN articles AS a ON a.id = "
                          "per.aid");
    if (st == TL_OK)
        st = append(&sql, o->match != NULL || o->sort != TL_SORT_RANK
                              ? order_by(o->sort, 1) : " ORDER BY a.path");
    if (st == TL_OK)
        st = append(&sql, " LIMIT ?5 OFFSET ?6");
    if (st != TL_OK)
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    else
        st = prepare(db, &sql, o, &a->st, err);
    tl_buf_release(&sql);
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
            : step_error(a->db, "listing articles", err);
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
    row->path = col_text(a->st, 3);
    row->title = col_text(a->st, 4);
    row->author = col_text(a->st, 5);
    row->date = col_text(a->st, 6);
    row->date_precision = col_text(a->st, 7);
    row->topics = col_text(a->st, 8);
    return TL_OK;
}

void
tl_articles_free(struct tl_articles *a)
{
    if (a == NULL)
        return;
    sqlite3_finalize(a->st);
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
    rs = accepted_list(db, o, &ids, &list, &n, err);
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
        rs = hits_cte(&sql, o, 0);
        if (rs == TL_OK)
            rs = append(&sql, ", per AS (SELECT aid, count(*) AS n FROM hits "
                              "GROUP BY aid) ");
        if (rs == TL_OK)
            rs = append(&sql, tail);
        rs = prepare_built(db, &sql, rs, o, &st, err);
        if (rs != TL_OK)
            return rs;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, col_text(st, 0), (long)sqlite3_column_int64(st, 1),
               (long)sqlite3_column_int64(st, 2)) != 0)
            break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rs = step_error(db, "counting facets", err);
    sqlite3_finalize(st);
    return rs;
}
