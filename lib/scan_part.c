/*
 * scan_part.c - a part of a long scan in a thread of its own, on a
 * connection of its own that sees the same index (scan_part.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_part.h"

static atomic_long n_ran, n_mismatched;

struct tl_part {
    pthread_t thread;
    char *path;
    struct tl_buf seen;     /* the caller's fingerprint of the index */
    tl_part_fn fn;
    void *arg;
    int ok;
};

int
tl_part_max(void)
{
    const char *env = getenv("TALAASH_SCAN_THREADS");
    long n;

    if (env != NULL && *env != '\0') {
        char *end;
        n = strtol(env, &end, 10);
        if (*end != '\0' || n < 1)
            n = 1;
        n -= 1;
    } else {
        n = sysconf(_SC_NPROCESSORS_ONLN) - 1;
    }
    return n < 0 ? 0 : n > TL_PART_MAX ? TL_PART_MAX : (int)n;
}

/* FTS5's averages and structure records as db's read transaction sees
 * them: any change to the full-text index rewrites both. */
static enum tl_status
fingerprint(sqlite3 *db, struct tl_buf *out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    if (sqlite3_prepare_v2(db, "SELECT id, block FROM passages_fts_data "
                           "WHERE id IN (1, 10) ORDER BY id", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "reading the index's structure");
    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const void *p = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);

        rs = tl_buf_put_leb(out, (uint64_t)id);
        if (rs == TL_OK)
            rs = tl_buf_put_leb(out, n);
        if (rs == TL_OK && n > 0)
            rs = tl_buf_append(out, p, n);
        if (rs != TL_OK)
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the index's structure");
    sqlite3_finalize(st);
    return rs;
}

static void *
run(void *arg)
{
    struct tl_part *p = arg;
    struct tl_error err = { 0 };
    struct tl_buf seen;
    sqlite3 *db = NULL;

    tl_buf_init(&seen, 0);
    if (tl_db_open(p->path, TL_DB_READONLY, &db, &err) != TL_OK
        || sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    if (fingerprint(db, &seen, &err) == TL_OK) {
        if (seen.len != p->seen.len
            || memcmp(seen.data, p->seen.data, seen.len) != 0)
            atomic_fetch_add(&n_mismatched, 1);
        else if (p->fn(db, p->arg, &err) == TL_OK)
            p->ok = 1;
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
out:
    tl_db_close(db);
    tl_buf_release(&seen);
    return NULL;
}

static void
part_free(struct tl_part *p)
{
    if (p == NULL)
        return;
    free(p->path);
    tl_buf_release(&p->seen);
    free(p);
}

enum tl_status
tl_part_start(sqlite3 *db, tl_part_fn fn, void *arg, struct tl_part **out,
              struct tl_error *err)
{
    const char *path = sqlite3_db_filename(db, "main");
    struct tl_part *p;
    enum tl_status rs;

    *out = NULL;
    /* a file, and a snapshot of it held by an explicit transaction (it
     * outlives the caller's statements) with nothing uncommitted */
    if (path == NULL || *path == '\0' || sqlite3_get_autocommit(db)
        || sqlite3_txn_state(db, "main") != SQLITE_TXN_READ)
        return TL_OK;
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    tl_buf_init(&p->seen, 0);
    p->path = strdup(path);
    p->fn = fn;
    p->arg = arg;
    if (p->path == NULL) {
        part_free(p);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    rs = fingerprint(db, &p->seen, err);
    if (rs != TL_OK || pthread_create(&p->thread, NULL, run, p) != 0) {
        part_free(p);
        return rs;      /* no thread: TL_OK, the caller does the part */
    }
    *out = p;
    return TL_OK;
}

int
tl_part_join(struct tl_part *p)
{
    int ok;

    if (p == NULL)
        return 0;
    pthread_join(p->thread, NULL);
    ok = p->ok;
    if (ok)
        atomic_fetch_add(&n_ran, 1);
    part_free(p);
    return ok;
}

void
tl_part_counts(long *ran, long *mismatched)
{
    *ran = atomic_load(&n_ran);
    *mismatched = atomic_load(&n_mismatched);
}
