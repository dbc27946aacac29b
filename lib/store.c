/*
 * store.c - writing articles and their passages into the database.
 *
 * The FTS5 index follows the passages table through the triggers in
 * schema/001-init.sql, so this file only writes plain tables.  Callers
 * wrap a batch of tl_store_put() calls in tl_store_begin() and
 * tl_store_commit(): a kill between them loses the batch, never half an
 * article.
 */
#include <stdlib.h>
#include <string.h>

#include "talaash.h"

enum {
    Q_LOOKUP,
    Q_HASH,
    Q_TOUCH,
    Q_INSERT_ARTICLE,
    Q_UPDATE_ARTICLE,
    Q_DELETE_PASSAGES,
    Q_INSERT_PASSAGE,
    Q_COUNT
};

static const char *const sql[Q_COUNT] = {
    [Q_LOOKUP] = "SELECT size, mtime_ns FROM articles WHERE path = ?1",
    [Q_HASH] = "SELECT id, hash FROM articles WHERE path = ?1",
    [Q_TOUCH] = "UPDATE articles SET mtime_ns = ?2, size = ?3 WHERE id = ?1",
    [Q_INSERT_ARTICLE] =
        "INSERT INTO articles (path, hash, size, mtime_ns, format, title, "
        "author) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_UPDATE_ARTICLE] =
        "UPDATE articles SET hash = ?2, size = ?3, mtime_ns = ?4, "
        "format = ?5, title = ?6, author = ?7, indexed_at = "
        "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1",
    [Q_DELETE_PASSAGES] = "DELETE FROM passages WHERE article_id = ?1",
    [Q_INSERT_PASSAGE] =
        "INSERT INTO passages (article_id, ordinal, byte_start, byte_end, "
        "text) VALUES (?1, ?2, ?3, ?4, ?5)",
};

struct tl_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
};

static const char *
format_name(enum tl_format f)
{
    return f == TL_FORMAT_MARKDOWN ? "markdown" : "text";
}

enum tl_status
tl_store_new(sqlite3 *db, struct tl_store **out, struct tl_error *err)
{
    struct tl_store *s = calloc(1, sizeof *s);

    *out = NULL;
    if (s == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    s->db = db;
    for (int i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &s->q[i], NULL) != SQLITE_OK) {
            tl_error_db(err, db, "preparing the indexer's statements");
            tl_store_free(s);
            return TL_ERR_DB;
        }
    }
    *out = s;
    return TL_OK;
}

void
tl_store_free(struct tl_store *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    free(s);
}

static void
done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Steps a statement that returns no row. */
static enum tl_status
run(struct tl_store *s, sqlite3_stmt *st, const char *what,
    struct tl_error *err)
{
    int rc = sqlite3_step(st);

    done(st);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, s->db, what);
    return TL_OK;
}

enum tl_status
tl_store_lookup(struct tl_store *s, const char *path, int64_t size,
                int64_t mtime_ns, enum tl_store_state *state_out,
                struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_LOOKUP];
    int rc;

    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int same = sqlite3_column_int64(st, 0) == size
                   && sqlite3_column_int64(st, 1) == mtime_ns;
        *state_out = same ? TL_STORE_UNCHANGED : TL_STORE_CHANGED;
    } else {
        *state_out = TL_STORE_NEW;
    }
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, s->db, "looking up an article");
    return TL_OK;
}

/* The id of the article stored at path (0 if none) and whether its hash
 * equals hash. */
static enum tl_status
find(struct tl_store *s, const char *path, const char *hash,
     int64_t *id_out, int *same_out, struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_HASH];
    int rc;

    *id_out = 0;
    *same_out = 0;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 1);
        *id_out = sqlite3_column_int64(st, 0);
        *same_out = h != NULL && strcmp(h, hash) == 0;
    }
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, s->db, "looking up an article");
    return TL_OK;
}

enum tl_status
tl_store_touch_if_same(struct tl_store *s, const struct tl_article *a,
                       int *same_out, struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_TOUCH];
    enum tl_status rs;
    int64_t id;

    rs = find(s, a->path, a->hash, &id, same_out, err);
    if (rs != TL_OK || !*same_out)
        return rs;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, a->mtime_ns);
    sqlite3_bind_int64(st, 3, a->size);
    return run(s, st, "updating an article's time", err);
}

static void
bind_article(sqlite3_stmt *st, const struct tl_article *a)
{
    sqlite3_bind_text(st, 2, a->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->size);
    sqlite3_bind_int64(st, 4, a->mtime_ns);
    sqlite3_bind_text(st, 5, format_name(a->format), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->author, -1, SQLITE_STATIC);
}

enum tl_status
tl_store_put(struct tl_store *s, const struct tl_article *a,
             const struct tl_span *spans, size_t n_spans,
             struct tl_error *err)
{
    sqlite3_stmt *st;
    enum tl_status rs;
    int64_t id;
    int same;

    rs = find(s, a->path, a->hash, &id, &same, err);
    if (rs != TL_OK)
        return rs;
    if (id != 0) {
        /* passages first, while the old title and author are there for
         * the index to forget them by */
        st = s->q[Q_DELETE_PASSAGES];
        sqlite3_bind_int64(st, 1, id);
        rs = run(s, st, "removing old passages", err);
        if (rs != TL_OK)
            return rs;
        st = s->q[Q_UPDATE_ARTICLE];
        sqlite3_bind_int64(st, 1, id);
        bind_article(st, a);
        rs = run(s, st, "updating an article", err);
    } else {
        st = s->q[Q_INSERT_ARTICLE];
        sqlite3_bind_text(st, 1, a->path, -1, SQLITE_STATIC);
        bind_article(st, a);
        rs = run(s, st, "adding an article", err);
        id = sqlite3_last_insert_rowid(s->db);
    }
    if (rs != TL_OK)
        return rs;
    st = s->q[Q_INSERT_PASSAGE];
    for (size_t i = 0; i < n_spans; i++) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i + 1);
        sqlite3_bind_int64(st, 3, (int64_t)spans[i].start);
        sqlite3_bind_int64(st, 4, (int64_t)spans[i].end);
        sqlite3_bind_text(st, 5, a->text.data + spans[i].start,
                          (int)(spans[i].end - spans[i].start),
                          SQLITE_STATIC);
        rs = run(s, st, "adding a passage", err);
        if (rs != TL_OK)
            return rs;
    }
    return TL_OK;
}

enum tl_status
tl_store_begin(struct tl_store *s, struct tl_error *err)
{
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, s->db, "starting a transaction");
    return TL_OK;
}

enum tl_status
tl_store_commit(struct tl_store *s, struct tl_error *err)
{
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        tl_error_db(err, s->db, "committing");
        tl_store_rollback(s);
        return TL_ERR_DB;
    }
    return TL_OK;
}

void
tl_store_rollback(struct tl_store *s)
{
    if (sqlite3_get_autocommit(s->db) == 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
