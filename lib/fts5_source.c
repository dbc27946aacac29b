/*
 * fts5_source.c - passages_fts's pages from the database (fts5_read.h):
 * the structure and averages records, the leaves through one incremental
 * blob handle (as FTS5 reads them), the %_idx lookup of a key's leaf.
 */
#include <stdlib.h>
#include <string.h>

#include "fts5_read.h"

struct source {
    sqlite3 *db;
    sqlite3_blob *blob;     /* on passages_fts_data.block, reopened */
    sqlite3_stmt *find;
};

static int
db_page(void *ctx, int64_t id, unsigned char **buf, int *n, int *cap)
{
    struct source *s = ctx;
    int rc, len;

    if (s->blob == NULL)
        rc = sqlite3_blob_open(s->db, "main", "passages_fts_data", "block",
                               id, 0, &s->blob);
    else
        rc = sqlite3_blob_reopen(s->blob, id);
    if (rc != SQLITE_OK) {
        /* every page asked for is in the structure: not finding one is
         * damage, or an error; the handle is unusable either way */
        sqlite3_blob_close(s->blob);
        s->blob = NULL;
        return -1;
    }
    len = sqlite3_blob_bytes(s->blob);
    if (len + TL_FTS5_PAD > *cap) {
        unsigned char *b = realloc(*buf, (size_t)len + TL_FTS5_PAD);
        if (b == NULL)
            return -1;
        *buf = b;
        *cap = len + TL_FTS5_PAD;
    }
    if (sqlite3_blob_read(s->blob, *buf, len, 0) != SQLITE_OK)
        return -1;
    memset(*buf + len, 0, TL_FTS5_PAD);
    *n = len;
    return 1;
}

static int
db_find(void *ctx, int segid, const unsigned char *key, int len,
        int *pgno_out)
{
    struct source *s = ctx;
    int rc;

    *pgno_out = 0;
    sqlite3_reset(s->find);
    sqlite3_bind_int(s->find, 1, segid);
    sqlite3_bind_blob(s->find, 2, key, len, SQLITE_STATIC);
    rc = sqlite3_step(s->find);
    if (rc == SQLITE_ROW)
        *pgno_out = (int)(sqlite3_column_int64(s->find, 0) >> 1);
    sqlite3_reset(s->find);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 1 : -1;
}

/* Is passages_fts made as the reader expects (detail=full, the three
 * columns)?  Its CREATE statement says. */
static int
known_table(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;

    if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE name = "
                           "'passages_fts'", -1, &st, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *sql = (const char *)sqlite3_column_text(st, 0);
        ok = sql != NULL && strstr(sql, "detail") == NULL
             && strstr(sql, "body, title, author") != NULL;
    }
    sqlite3_finalize(st);
    return ok;
}

static enum tl_status
open_reader(sqlite3 *db, int writing, struct tl_fts5 **out,
            struct tl_error *err)
{
    struct tl_fts5 *x = NULL;
    struct source *s = NULL;
    sqlite3_stmt *st = NULL;
    int rc, have = 0, ok = 1;

    *out = NULL;
    /* FTS5 keeps a writer's rows in memory until it flushes them */
    if (sqlite3_get_autocommit(db)
        || (!writing && sqlite3_txn_state(db, "main") == SQLITE_TXN_WRITE)
        || !known_table(db))
        return TL_OK;
    x = calloc(1, sizeof *x);
    s = calloc(1, sizeof *s);
    if (x == NULL || s == NULL) {
        free(x);
        free(s);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    x->own = s;
    s->db = db;
    x->src.page = db_page;
    x->src.find = db_find;
    x->src.ctx = s;
    if (sqlite3_prepare_v2(db, "SELECT id, block FROM passages_fts_data "
                           "WHERE id IN (1, 10)", -1, &st, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT pgno FROM passages_fts_idx WHERE "
                              "segid = ?1 AND term <= ?2 ORDER BY term DESC "
                              "LIMIT 1", -1, &s->find, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        tl_fts5_close(x);
        return tl_error_db(err, db, "reading the full-text index");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *a = sqlite3_column_blob(st, 1);
        int n = sqlite3_column_bytes(st, 1);
        if (a == NULL)
            ok = 0;
        else if (sqlite3_column_int(st, 0) == 1)
            ok &= tl_fts5_averages(a, n, x) == 1;
        else
            ok &= tl_fts5_structure(a, n, x) == 1;
        have++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        tl_fts5_close(x);
        return tl_error_db(err, db, "reading the full-text index");
    }
    if (!ok || have != 2) {
        tl_fts5_close(x);
        return TL_OK;
    }
    *out = x;
    return TL_OK;
}

enum tl_status
tl_fts5_open(sqlite3 *db, struct tl_fts5 **out, struct tl_error *err)
{
    return open_reader(db, 0, out, err);
}

enum tl_status
tl_fts5_open_unwritten(sqlite3 *db, struct tl_fts5 **out,
                       struct tl_error *err)
{
    return open_reader(db, 1, out, err);
}

void
tl_fts5_close(struct tl_fts5 *x)
{
    struct source *s;

    if (x == NULL)
        return;
    s = x->own;
    if (s != NULL) {
        sqlite3_blob_close(s->blob);
        sqlite3_finalize(s->find);
        free(s);
    }
    free(x->seg);
    free(x);
}
