/*
 * search_sql.h - the SQL pieces that search.c (passages, counts) and
 * search_lists.c (articles, facets) put their statements together from
 * (lib/search_sql.c); not for other modules.
 */
#include <string.h>

#include "search.h"

#ifndef TALAASH_SEARCH_SQL_H
#define TALAASH_SEARCH_SQL_H

/* Appends the C string s to b. */
static inline enum tl_status
append(struct tl_buf *b, const char *s)
{
    return tl_buf_append(b, s, strlen(s));
}

/* Does o filter the articles (dates, undated, authors, topics)? */
int tl_sql_has_filters(const struct tl_search_opts *o);

/* The WHERE conditions on a (articles) and the match, without "WHERE". */
enum tl_status tl_sql_conditions(struct tl_buf *b,
                                 const struct tl_search_opts *o);

/* The hits: passage id, article id, score, rank within the article.
 * Unscored (counts, facets), the score is 0: ranking every match is
 * much of a search's cost.  With o->positive_only every hit is scored,
 * and those scoring 0 are left out. */
enum tl_status tl_sql_hits_cte(struct tl_buf *b,
                               const struct tl_search_opts *o, int scored);

/* The ORDER BY of passages (articles: 0) or articles (1) for sort. */
const char *tl_sql_order_by(enum tl_sort sort, int articles);

/* Prepares sql with o's values bound (tl_fold() defined first when the
 * filters use it); an error in the MATCH expression is the user's
 * query. */
enum tl_status tl_sql_prepare(sqlite3 *db, const struct tl_buf *sql,
                              const struct tl_search_opts *o,
                              sqlite3_stmt **out, struct tl_error *err);

/* tl_sql_prepare() for SQL put together in sql (built: TL_OK, or the
 * failure that left it incomplete: out of memory); releases sql. */
enum tl_status tl_sql_prepare_built(sqlite3 *db, struct tl_buf *sql,
                                    enum tl_status built,
                                    const struct tl_search_opts *o,
                                    sqlite3_stmt **out,
                                    struct tl_error *err);

/* A failed step: a plain SQLITE_ERROR is FTS5 refusing the MATCH
 * expression (a query error); I/O, corruption, locking are not. */
enum tl_status tl_sql_step_error(sqlite3 *db, const char *what,
                                 struct tl_error *err);

/* Column col of st as text, "" for NULL. */
const char *tl_sql_col_text(sqlite3_stmt *st, int col);

/* The articles the spans' scans may take: *list_out NULL when nothing
 * filters them, else the sorted ids the filters accept (*n_out of them,
 * owned by *ids_out: free it; "none" when they accept nothing). */
enum tl_status tl_sql_accepted_list(sqlite3 *db,
                                    const struct tl_search_opts *o,
                                    int64_t **ids_out,
                                    const int64_t **list_out, size_t *n_out,
                                    struct tl_error *err);

#endif
