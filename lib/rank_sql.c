/*
 * rank_sql.c - registering tl_bm25() (rank.c) on a connection, and the
 * SQL functions behind tl_rank_override(), tl_rank_keep(),
 * tl_rank_floor(), tl_rank_defer(), tl_rank_listed_df() and
 * tl_rank_lengths(): each sets
 * the connection's
 * struct rank_conn, which FTS5 hands tl_bm25() as its user data.
 */
#ifdef TL_SQLITE_EXTENSION
/* also compiled into the loadable extension (see rank.c) */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include <stdlib.h>
#include <string.h>

#include "rank_conn.h"

/* sqlite3_bind_pointer type of tl_rank_override()'s argument. */
#define OVERRIDE_POINTER "tl_rank_params"

static void
free_conn(void *p)
{
    struct rank_conn *conn = p;

    if (conn == NULL)
        return;
    free(conn->tail);
    tl_rank_query_free(conn->kept);
    sqlite3_finalize(conn->listed_df);
    free(conn);
}

#ifndef TL_SQLITE_EXTENSION
/* Runs one of the setters below ("SELECT fn(?1)"): ?1 bound to ptr as a
 * pointer of type type, or to on when type is NULL; what names it in an
 * error. */
static enum tl_status
run_setter(sqlite3 *db, const char *sql, const void *ptr, const char *type,
           int on, const char *what, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, what);
    if (type != NULL)
        sqlite3_bind_pointer(st, 1, (void *)ptr, type, NULL);
    else
        sqlite3_bind_int(st, 1, on);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return tl_error_db(err, db, what);
    return TL_OK;
}
#endif

/* The pointer type of tl_rank_floor()'s argument. */
#define FLOOR_POINTER "tl_rank_floor"

/* tl_rank_floor(pointer): the scalar SQL function behind
 * tl_rank_floor(). */
static void
floor_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_conn *conn = sqlite3_user_data(ctx);

    (void)n_val;
    conn->floor = sqlite3_value_pointer(val[0], FLOOR_POINTER);
    sqlite3_result_null(ctx);
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_floor(sqlite3 *db, const double *floor, struct tl_error *err)
{
    return run_setter(db, "SELECT tl_rank_floor(?1)", floor, FLOOR_POINTER, 0,
                      "setting the ranking floor", err);
}
#endif

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_floor_end(sqlite3 *db, enum tl_status rs, struct tl_error *err)
{
    struct tl_error scratch = { 0 };
    enum tl_status off = tl_rank_floor(db, NULL, rs == TL_OK ? err
                                                             : &scratch);

    return rs == TL_OK ? off : rs;
}
#endif

/* The pointer type of tl_rank_defer()'s argument. */
#define DEFER_POINTER "tl_rank_deferred"

/* tl_rank_defer(pointer): the scalar SQL function behind
 * tl_rank_defer(). */
static void
defer_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_conn *conn = sqlite3_user_data(ctx);

    (void)n_val;
    conn->deferred = sqlite3_value_pointer(val[0], DEFER_POINTER);
    sqlite3_result_null(ctx);
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_defer(sqlite3 *db, struct tl_rank_deferred *d, struct tl_error *err)
{
    return run_setter(db, "SELECT tl_rank_defer(?1)", d, DEFER_POINTER, 0,
                      "deferring the IDF", err);
}

long
tl_rank_deferred_count(void)
{
    return tl_rank_n_deferred;
}
#endif

/* tl_rank_keep(on): the scalar SQL function behind tl_rank_keep(). */
static void
keep_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_conn *conn = sqlite3_user_data(ctx);

    (void)n_val;
    tl_rank_query_free(conn->kept);
    conn->kept = NULL;
    conn->keeping = sqlite3_value_int(val[0]) != 0;
    sqlite3_result_null(ctx);
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_keep(sqlite3 *db, int on, struct tl_error *err)
{
    return run_setter(db, "SELECT tl_rank_keep(?1)", NULL, NULL, on,
                      "keeping ranking statistics", err);
}
#endif

/* The pointer type of tl_rank_stats_get() and _put()'s argument. */
#define STATS_POINTER "tl_rank_stats"

/* What tl_rank_stats(pointer) does: get (copy the kept statistics out)
 * or put (keep a copy of them). */
struct stats_op {
    int put;
    struct rank_query *q;
    int failed;
};

static void
stats_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_conn *conn = sqlite3_user_data(ctx);
    struct stats_op *op = sqlite3_value_pointer(val[0], STATS_POINTER);

    (void)n_val;
    if (op == NULL) {
        sqlite3_result_error(ctx, "tl_rank_stats: no statistics given", -1);
        return;
    }
    if (op->put) {
        struct rank_query *c = tl_rank_query_copy(op->q);
        op->failed = c == NULL;
        if (c != NULL) {
            tl_rank_query_free(conn->kept);
            conn->kept = c;
            conn->keeping = 1;
        }
    } else {
        op->q = conn->kept != NULL ? tl_rank_query_copy(conn->kept) : NULL;
        op->failed = conn->kept != NULL && op->q == NULL;
    }
    sqlite3_result_null(ctx);
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_stats_get(sqlite3 *db, struct tl_rank_stats **out,
                  struct tl_error *err)
{
    struct stats_op op = { 0, NULL, 0 };
    enum tl_status rs;

    *out = NULL;
    rs = run_setter(db, "SELECT tl_rank_stats(?1)", &op, STATS_POINTER, 0,
                    "reading ranking statistics", err);
    if (rs == TL_OK && op.failed)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (rs == TL_OK && op.q != NULL) {
        *out = malloc(sizeof **out);
        if (*out == NULL)
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        else
            (*out)->q = op.q;
    }
    if (*out == NULL)
        tl_rank_query_free(op.q);
    return rs;
}

enum tl_status
tl_rank_stats_put(sqlite3 *db, const struct tl_rank_stats *stats,
                  struct tl_error *err)
{
    struct stats_op op = { 1, stats->q, 0 };
    enum tl_status rs;

    rs = run_setter(db, "SELECT tl_rank_stats(?1)", &op, STATS_POINTER, 0,
                    "setting ranking statistics", err);
    if (rs == TL_OK && op.failed)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    return rs;
}

void
tl_rank_stats_free(struct tl_rank_stats *s)
{
    if (s == NULL)
        return;
    tl_rank_query_free(s->q);
    free(s);
}
#endif

/* tl_rank_listed_df(on): the scalar SQL function behind
 * tl_rank_listed_df(). */
static void
listed_df_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_conn *conn = sqlite3_user_data(ctx);

    (void)n_val;
    sqlite3_finalize(conn->listed_df);
    conn->listed_df = NULL;
    if (sqlite3_value_int(val[0]) != 0
        && sqlite3_prepare_v2(sqlite3_context_db_handle(ctx),
                              "SELECT df FROM impacts WHERE term = ?1", -1,
                              &conn->listed_df, NULL) != SQLITE_OK) {
        sqlite3_result_error(ctx, "no impacts table", -1);
        return;
    }
    sqlite3_result_null(ctx);
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_listed_df(sqlite3 *db, int on, struct tl_error *err)
{
    return run_setter(db, "SELECT tl_rank_listed_df(?1)", NULL, NULL, on,
                      "reading listed word counts", err);
}

long
tl_rank_listed_df_count(void)
{
    return tl_rank_n_listed_df;
}
#endif

/* The pointer type of tl_rank_lengths()'s argument. */
#define LENGTHS_POINTER "tl_rank_lengths"

/* tl_rank_lengths(pointer): the scalar SQL function behind
 * tl_rank_lengths(). */
static void
lengths_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_conn *conn = sqlite3_user_data(ctx);

    (void)n_val;
    conn->lens = sqlite3_value_pointer(val[0], LENGTHS_POINTER);
    sqlite3_result_null(ctx);
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_lengths(sqlite3 *db, const struct tl_rank_lengths *l,
                struct tl_error *err)
{
    return run_setter(db, "SELECT tl_rank_lengths(?1)", l, LENGTHS_POINTER, 0,
                      "setting the passage lengths", err);
}

long
tl_rank_lengths_count(void)
{
    return tl_rank_n_lengths;
}
#endif

/* tl_rank_override(pointer): the scalar SQL function behind
 * tl_rank_override(). */
static void
override_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_conn *conn = sqlite3_user_data(ctx);
    const struct tl_rank_params *p;
    double *tail = NULL;

    (void)n_val;
    p = sqlite3_value_pointer(val[0], OVERRIDE_POINTER);
    if (p != NULL && p->tail != NULL && p->n_tail > 0) {
        tail = malloc(p->n_tail * sizeof *tail);
        if (tail == NULL) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        memcpy(tail, p->tail, p->n_tail * sizeof *tail);
    }
    free(conn->tail);
    conn->tail = tail;
    conn->overridden = p != NULL;
    if (p != NULL) {
        conn->p = *p;
        conn->p.tail = tail;
        conn->p.n_tail = tail != NULL ? p->n_tail : 0;
    }
    sqlite3_result_null(ctx);
}

/* tl_rank_overridden(): 1 while tl_rank_override() is in force. */
static void
overridden_function(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    const struct rank_conn *conn = sqlite3_user_data(ctx);

    (void)n_val;
    (void)val;
    sqlite3_result_int(ctx, conn->overridden);
}

int
tl_rank_overridden(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int r = 1;              /* when in doubt, not the defaults */

    if (sqlite3_prepare_v2(db, "SELECT tl_rank_overridden()", -1, &st, NULL)
        == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        r = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return r;
}

int
tl_rank_register(sqlite3 *db)
{
    fts5_api *api = tl_fts5_api(db);
    struct rank_conn *conn;
    int rc;

    if (api == NULL)
        return SQLITE_ERROR;
    conn = calloc(1, sizeof *conn);
    if (conn == NULL)
        return SQLITE_NOMEM;
    /* the scalar function first: FTS5 owns conn once it has it */
    rc = sqlite3_create_function_v2(db, "tl_rank_override", 1,
                                    SQLITE_UTF8 | SQLITE_DIRECTONLY, conn,
                                    override_function, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_rank_overridden", 0,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                        conn, overridden_function, NULL,
                                        NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_rank_keep", 1,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                        conn, keep_function, NULL, NULL,
                                        NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_rank_floor", 1,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                        conn, floor_function, NULL, NULL,
                                        NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_rank_defer", 1,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                        conn, defer_function, NULL, NULL,
                                        NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_rank_listed_df", 1,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                        conn, listed_df_function, NULL,
                                        NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_rank_lengths", 1,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                        conn, lengths_function, NULL,
                                        NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_rank_stats", 1,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                        conn, stats_function, NULL,
                                        NULL, NULL);
    if (rc != SQLITE_OK) {
        free(conn);
        return rc;
    }
    rc = api->xCreateFunction(api, TL_RANK_FUNCTION, conn, tl_rank_bm25_fn,
                              free_conn);
    if (rc != SQLITE_OK) {
        sqlite3_create_function_v2(db, "tl_rank_override", 1, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        sqlite3_create_function_v2(db, "tl_rank_overridden", 0, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        sqlite3_create_function_v2(db, "tl_rank_keep", 1, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        sqlite3_create_function_v2(db, "tl_rank_floor", 1, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        sqlite3_create_function_v2(db, "tl_rank_defer", 1, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        sqlite3_create_function_v2(db, "tl_rank_listed_df", 1, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        sqlite3_create_function_v2(db, "tl_rank_lengths", 1, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        sqlite3_create_function_v2(db, "tl_rank_stats", 1, SQLITE_UTF8,
                                   NULL, NULL, NULL, NULL, NULL);
        free(conn);
        return rc;
    }
    /* FTS5 owns conn from here */
    rc = api->xCreateFunction(api, "tl_tf", conn, tl_rank_tf_fn, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, "tl_bm25_explain", conn,
                                  tl_rank_explain_fn, NULL);
    return rc;
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_override(sqlite3 *db, const struct tl_rank_params *p,
                 struct tl_error *err)
{
    return run_setter(db, "SELECT tl_rank_override(?1)", p,
                      OVERRIDE_POINTER, 0, "setting ranking parameters",
                      err);
}
#endif
