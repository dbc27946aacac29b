/*
 * index_defer.c - the articles' indexes whose keys come in no order, left
 * out while a first build fills the table and made at its end
 * (compact.h, docs/bulk-index.md "Deferred indexes").
 *
 * A content hash and a path's key (lib/path_key.c) are random, and the
 * files' dates come in the walk's order, not in date order: every batch
 * of a first build inserted its rows all over articles_by_hash,
 * articles_by_path and articles_by_date, so each commit wrote nearly
 * every page of them into the WAL and the checkpoint wrote them again
 * (the first two: 1.1 GB of the 6.2 GB written at 1,000,000 articles).
 * A fresh store looks nothing up (lib/store.c); one that stops being
 * fresh makes them again first (tl_store_begin()).
 */
#include "compact.h"

#include <stdlib.h>
#include <string.h>

/* meta's key for a deferred index: the prefix, then its name; the value
 * is the CREATE INDEX statement sqlite_schema held */
#define KEY_PREFIX "deferred index "

static const char *const deferrable[] = {
    "articles_by_hash", "articles_by_date", "articles_by_path",
};
#define N_DEFERRABLE (sizeof deferrable / sizeof *deferrable)

static enum tl_status
fail(sqlite3 *db, struct tl_error *err, const char *what)
{
    return tl_error_db(err, db, what);
}

/* Steps sql once (one statement, binding text a to ?1 when not NULL):
 * 1 when it gave a row, 0 when it was done, -1 (the error in err). */
static int
step_once(sqlite3 *db, const char *sql, const char *a, struct tl_error *err,
          const char *what)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, what);
        return -1;
    }
    if (a != NULL)
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fail(db, err, what);
        return -1;
    }
    return rc == SQLITE_ROW;
}

/* Runs sql as above: the number of rows it changed, or -1. */
static int
run(sqlite3 *db, const char *sql, const char *a, struct tl_error *err,
    const char *what)
{
    return step_once(db, sql, a, err, what) < 0 ? -1 : sqlite3_changes(db);
}

enum tl_status
tl_index_defer(sqlite3 *db, int *deferred_out, struct tl_error *err)
{
    const char *what = "leaving the articles' indexes for the end of the run";
    enum tl_status st = TL_OK;
    int n = 0, empty;

    *deferred_out = 0;
    if (tl_db_begin(db, 1, what, err) != TL_OK)
        return TL_ERR_DB;
    /* only into a table with no row: a run that adds to stored articles
     * looks them up by hash (moved files) */
    empty = step_once(db, "SELECT 1 FROM articles LIMIT 1", NULL, err, what);
    if (empty < 0) {
        st = TL_ERR_DB;
        goto out;
    }
    empty = !empty;
    for (size_t i = 0; empty && i < N_DEFERRABLE; i++) {
        char sql[128];
        int c = run(db, "INSERT OR REPLACE INTO meta (key, value) SELECT '"
                    KEY_PREFIX "' || name, sql FROM sqlite_schema WHERE "
                    "type = 'index' AND tbl_name = 'articles' AND name = ?1 "
                    "AND sql IS NOT NULL", deferrable[i], err, what);
        if (c < 0) {
            st = TL_ERR_DB;
            goto out;
        }
        if (c == 0)
            continue;               /* not there (already deferred) */
        snprintf(sql, sizeof sql, "DROP INDEX %s", deferrable[i]);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            st = fail(db, err, what);
            goto out;
        }
        n++;
    }
out:
    if (st == TL_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)
                           != SQLITE_OK)
        st = fail(db, err, what);
    if (st != TL_OK) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    *deferred_out = n;
    return TL_OK;
}

/* The deferred indexes' names and statements, from meta. */
struct pending {
    char *name[N_DEFERRABLE], *sql[N_DEFERRABLE];
    int n;
};

static void
pending_free(struct pending *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->name[i]);
        free(p->sql[i]);
    }
    p->n = 0;
}

/* Is name one this file defers?  (meta is the database's: only those
 * are made again, from a single CREATE INDEX statement.) */
static int
deferrable_name(const char *name)
{
    for (size_t i = 0; i < N_DEFERRABLE; i++)
        if (strcmp(name, deferrable[i]) == 0)
            return 1;
    return 0;
}

static enum tl_status
pending_load(sqlite3 *db, struct pending *p, struct tl_error *err)
{
    const char *what = "reading which indexes were left for later";
    sqlite3_stmt *st = NULL;
    int rc;

    p->n = 0;
    /* the keys from the prefix up to the prefix with its last byte, a
     * space, one higher */
    if (sqlite3_prepare_v2(db, "SELECT substr(key, length('" KEY_PREFIX
                           "') + 1), value FROM meta WHERE key > '"
                           KEY_PREFIX "' AND key < 'deferred index!'", -1,
                           &st, NULL) != SQLITE_OK)
        return fail(db, err, what);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *sql = (const char *)sqlite3_column_text(st, 1);
        if (name == NULL || sql == NULL || !deferrable_name(name)
            || p->n == (int)N_DEFERRABLE)
            continue;
        p->name[p->n] = strdup(name);
        p->sql[p->n] = strdup(sql);
        if (p->name[p->n] == NULL || p->sql[p->n] == NULL) {
            p->n++;
            sqlite3_finalize(st);
            pending_free(p);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        p->n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        pending_free(p);
        return fail(db, err, what);
    }
    return TL_OK;
}

/* Makes one deferred index: its statement, when it is one CREATE INDEX
 * on articles and the index is not there (a migration may have made
 * it), then forgets it. */
static enum tl_status
restore_one(sqlite3 *db, const char *name, const char *sql, int *made,
            struct tl_error *err)
{
    const char *what = "making the articles' indexes";
    const char *tail = NULL;
    sqlite3_stmt *st = NULL;
    int there, rc;

    there = step_once(db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' "
                    "AND name = ?1", name, err, what);
    if (there < 0)
        return TL_ERR_DB;
    if (!there && strncmp(sql, "CREATE INDEX ", 13) == 0) {
        if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK)
            return fail(db, err, what);
        rc = tail != NULL && *tail == '\0' ? sqlite3_step(st) : SQLITE_MISUSE;
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return rc == SQLITE_MISUSE
                       ? tl_error_set(err, TL_ERR_DB, "the index '%s' left "
                                      "for later is not one statement",
                                      name)
                       : fail(db, err, what);
        (*made)++;
    }
    {
        char key[64];
        snprintf(key, sizeof key, KEY_PREFIX "%s", name);
        if (run(db, "DELETE FROM meta WHERE key = ?1", key, err, what) < 0)
            return TL_ERR_DB;
    }
    return TL_OK;
}

enum tl_status
tl_index_restore(sqlite3 *db, int *made_out, struct tl_error *err)
{
    struct pending p;
    enum tl_status st;
    int own = 0, made = 0;

    if (made_out != NULL)
        *made_out = 0;
    st = pending_load(db, &p, err);
    if (st != TL_OK || p.n == 0)
        return st;
    if (sqlite3_get_autocommit(db)) {
        /* its own transaction; what another connection restored in the
         * meantime is read again inside it */
        pending_free(&p);
        if (tl_db_begin(db, 1, "making the articles' indexes", err)
            != TL_OK)
            return TL_ERR_DB;
        own = 1;
        st = pending_load(db, &p, err);
    }
    for (int i = 0; st == TL_OK && i < p.n; i++)
        st = restore_one(db, p.name[i], p.sql[i], &made, err);
    pending_free(&p);
    if (own) {
        if (st == TL_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)
                               != SQLITE_OK)
            st = fail(db, err, "making the articles' indexes");
        if (st != TL_OK)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (st == TL_OK && made_out != NULL)
        *made_out = made;
    return st;
}
