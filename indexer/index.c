/*
 * index.c - talaash-index's run: each file is looked up, read, split into
 * passages and stored; unchanged files are skipped without being read.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "indexer.h"

/* Articles written per transaction: a kill loses at most this many. */
#define BATCH_ARTICLES 256

struct counts {
    size_t indexed, passages, unchanged, skipped;
};

struct run {
    sqlite3 *db;
    struct tl_store *store;
    int in_txn;
    int pending;            /* articles in the open transaction */
};

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum tl_status
ensure_txn(struct run *r, struct tl_error *err)
{
    enum tl_status st;

    if (r->in_txn)
        return TL_OK;
    st = tl_store_begin(r->store, err);
    if (st == TL_OK)
        r->in_txn = 1;
    return st;
}

static enum tl_status
commit(struct run *r, struct tl_error *err)
{
    if (!r->in_txn)
        return TL_OK;
    r->in_txn = 0;
    r->pending = 0;
    return tl_store_commit(r->store, err);
}

/* Indexes one file.  TL_ERR_INPUT and TL_ERR_IO concern only this file;
 * anything else stops the run. */
static enum tl_status
index_file(struct run *r, const char *path, struct tl_article *a,
           struct counts *c, struct tl_error *err)
{
    enum tl_store_state state;
    struct tl_span *spans = NULL;
    size_t n_spans = 0, body;
    struct stat sb;
    enum tl_status st;
    int same;

    if (stat(path, &sb) != 0)
        return tl_error_set(err, TL_ERR_IO, "skipped '%s': it vanished",
                            path);
    st = tl_store_lookup(r->store, path, (int64_t)sb.st_size,
                         (int64_t)sb.st_mtim.tv_sec * 1000000000
                             + sb.st_mtim.tv_nsec, &state, err);
    if (st != TL_OK)
        return st;
    if (state == TL_STORE_UNCHANGED) {
        c->unchanged++;
        return TL_OK;
    }
    st = tl_article_load(path, a, err);
    if (st != TL_OK)
        return st;
    st = ensure_txn(r, err);
    if (st != TL_OK)
        return st;
    if (state == TL_STORE_CHANGED) {
        st = tl_store_touch_if_same(r->store, a, &same, err);
        if (st != TL_OK)
            return st;
        if (same) {     /* touched, not edited */
            c->unchanged++;
            return TL_OK;
        }
    }
    st = tl_article_extract(a, err);
    if (st != TL_OK)
        return st;
    body = a->body_start;
    st = tl_passages_split(a->text.data + body, a->text.len - body, &spans,
                           &n_spans, err);
    if (st != TL_OK)
        return st;
    for (size_t i = 0; i < n_spans; i++) {
        spans[i].start += body;
        spans[i].end += body;
    }
    st = tl_store_put(r->store, a, spans, n_spans, err);
    free(spans);
    if (st != TL_OK)
        return st;
    c->indexed++;
    c->passages += n_spans;
    if (++r->pending >= BATCH_ARTICLES)
        st = commit(r, err);
    return st;
}

static void
summary(const struct counts *c, double seconds)
{
    if (c->indexed == 0 && c->skipped == 0) {
        tl_cli_info("nothing changed: %zu article%s already up to date "
                    "(%.2f s)", c->unchanged, c->unchanged == 1 ? "" : "s",
                    seconds);
        return;
    }
    tl_cli_info("indexed %zu article%s (%zu passages), %zu unchanged, "
                "%zu skipped (%.2f s)", c->indexed,
                c->indexed == 1 ? "" : "s", c->passages, c->unchanged,
                c->skipped, seconds);
}

int
run_index(const struct index_options *opt, char *const *paths, int n_paths)
{
    struct tl_error err = { 0 };
    struct tl_buf db_path;
    struct file_list files;
    struct tl_article a;
    struct counts c = { 0 };
    struct run r = { 0 };
    double t0 = now_seconds();
    int status = 2;

    tl_buf_init(&db_path, 0);
    tl_article_init(&a);
    memset(&files, 0, sizeof files);
    if (tl_db_default_path(opt->db_path, &db_path, &err) != TL_OK
        || tl_db_open(db_path.data, TL_DB_READWRITE, &r.db, &err) != TL_OK
        || tl_store_new(r.db, &r.store, &err) != TL_OK
        || walk_paths(paths, n_paths, &files, &err) != TL_OK)
        goto fail;
    c.skipped = (size_t)files.skipped;
    for (size_t i = 0; i < files.n; i++) {
        enum tl_status st = index_file(&r, files.paths[i], &a, &c, &err);

        if (st == TL_ERR_INPUT || st == TL_ERR_IO) {
            tl_cli_warn("%s", err.msg);
            c.skipped++;
        } else if (st != TL_OK) {
            goto fail;
        }
    }
    if (commit(&r, &err) != TL_OK)
        goto fail;
    if (!opt->quiet)
        summary(&c, now_seconds() - t0);
    status = c.skipped > 0 ? 1 : 0;
    goto out;
fail:
    tl_cli_error("%s", err.msg);
    if (r.store != NULL)
        tl_store_rollback(r.store);
out:
    tl_article_release(&a);
    file_list_release(&files);
    tl_store_free(r.store);
    tl_db_close(r.db);
    tl_buf_release(&db_path);
    return status;
}
