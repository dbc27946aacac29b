/*
 * hit_rows.c - the rows of many hits at once (hit_rows.h).
 *
 * The article columns come from one statement over the ids (json_each
 * of a JSON array: no table to create on a read-only connection).  The
 * marked text needs highlight(), which FTS5 gives only to rows of a
 * full-text query, and a MATCH with "rowid = ?" costs a statement per
 * hit; so one pass over the matches between the smallest and largest id
 * asks tl_hit_wanted(rowid, set) first, and highlight() runs for the
 * wanted rows only.
 */
#include <stdlib.h>
#include <string.h>

#include "fts5_marks.h"
#include "hit_rows.h"

enum { F_PATH, F_TITLE, F_AUTHOR, F_DATE, F_PRECISION, F_TOPICS, F_MARKED,
       N_FIELDS };

struct row {
    int64_t id;
    int ordinal;
    int64_t article_id;
    size_t off[N_FIELDS];       /* into text */
    size_t marked_len;
    int has_cols, has_marked;
};

struct tl_hit_rows {
    struct row *rows;           /* by id, unique */
    size_t n;
    struct tl_buf text;         /* the strings, each NUL-terminated */
};

#define WANTED_POINTER "tl_hit_wanted"

static int
cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

static struct row *
find(const struct tl_hit_rows *r, int64_t id)
{
    struct row key;

    key.id = id;
    return bsearch(&key, r->rows, r->n, sizeof *r->rows, cmp_row);
}

/* tl_hit_wanted(rowid, set): is rowid one of the set's passages? */
static void
wanted_sql(sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    const struct tl_hit_rows *r = sqlite3_value_pointer(val[1],
                                                        WANTED_POINTER);

    (void)n_val;
    sqlite3_result_int(ctx, r != NULL
                            && find(r, sqlite3_value_int64(val[0])) != NULL);
}

static enum tl_status
register_wanted(sqlite3 *db, struct tl_error *err)
{
    sqlite3_stmt *probe = NULL;

    if (sqlite3_prepare_v2(db, "SELECT tl_hit_wanted(0, NULL)", -1, &probe,
                           NULL) == SQLITE_OK) {
        sqlite3_finalize(probe);
        return TL_OK;
    }
    if (sqlite3_create_function_v2(db, "tl_hit_wanted", 2,
                                   SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
                                   wanted_sql, NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "defining tl_hit_wanted()");
    return TL_OK;
}

/* Appends column col of st as a string; its offset into *off. */
static enum tl_status
keep(struct tl_hit_rows *r, sqlite3_stmt *st, int col, size_t *off,
     size_t *len_out)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);

    *off = r->text.len;
    if (len_out != NULL)
        *len_out = n;
    if (tl_buf_append(&r->text, t != NULL ? t : "", t != NULL ? n : 0)
        != TL_OK || tl_buf_append(&r->text, "", 1) != TL_OK)
        return TL_ERR_NOMEM;
    return TL_OK;
}

/* The ids as a JSON array. */
static enum tl_status
id_list(const struct tl_hit_rows *r, struct tl_buf *json)
{
    enum tl_status st = tl_buf_append(json, "[", 1);

    for (size_t i = 0; st == TL_OK && i < r->n; i++)
        st = tl_buf_appendf(json, "%s%lld", i > 0 ? "," : "",
                            (long long)r->rows[i].id);
    if (st == TL_OK)
        st = tl_buf_append(json, "]", 1);
    return st;
}

static enum tl_status
read_columns(sqlite3 *db, struct tl_hit_rows *r, const struct tl_buf *json,
             struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    if (sqlite3_prepare_v2(db, "SELECT p.id, p.ordinal, "
                           TL_HIT_ARTICLE_COLS " FROM passages AS p JOIN "
                           "articles AS a ON a.id = p.article_id WHERE p.id "
                           "IN (SELECT value FROM json_each(?1))", -1, &st,
                           NULL) != SQLITE_OK)
        return tl_error_db(err, db, "preparing the hits' columns");
    sqlite3_bind_text(st, 1, json->data, (int)json->len, SQLITE_STATIC);
    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct row *w = find(r, sqlite3_column_int64(st, 0));
        if (w == NULL || w->has_cols)
            continue;
        w->ordinal = sqlite3_column_int(st, 1);
        w->article_id = sqlite3_column_int64(st, 2);
        for (int f = F_PATH; rs == TL_OK && f <= F_TOPICS; f++)
            rs = keep(r, st, 3 + f, &w->off[f], NULL);
        w->has_cols = rs == TL_OK;
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the hits' columns");
    else if (rs != TL_OK)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    sqlite3_finalize(st);
    return rs;
}

/* Keeps column 1 of st's rows as the marked text of the passages in
 * column 0 (the first row of each): TL_OK or TL_ERR_NOMEM, and the last
 * step's code in *rc_out. */
static enum tl_status
keep_marked(struct tl_hit_rows *r, sqlite3_stmt *st, int *rc_out)
{
    enum tl_status rs = TL_OK;
    int rc = SQLITE_DONE;

    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct row *w = find(r, sqlite3_column_int64(st, 0));
        if (w == NULL || w->has_marked)
            continue;
        rs = keep(r, st, 1, &w->off[F_MARKED], &w->marked_len);
        w->has_marked = rs == TL_OK;
    }
    *rc_out = rc;
    return rs;
}

/* Finalizes st, turning what keep_marked() ended with into an error. */
static enum tl_status
end_marked(sqlite3 *db, sqlite3_stmt *st, enum tl_status rs, int rc,
           struct tl_error *err)
{
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the hits' text");
    else if (rs != TL_OK)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    sqlite3_finalize(st);
    return rs;
}

/* The marked texts from FTS5's pages (fts5_marks.h), the rows in id
 * order: *done_out 1 when every row was read so (those match does not
 * hold on stay unmarked, as FTS5 leaves them), 0 when FTS5 must mark
 * them (the reader does not take match, or failed on a row). */
static enum tl_status
read_marked_pages(sqlite3 *db, struct tl_hit_rows *r, const char *match,
                  const struct tl_buf *json, int *done_out,
                  struct tl_error *err)
{
    struct tl_fts5_marks *m = NULL;
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int rc = SQLITE_DONE, ok = 1;

    *done_out = 0;
    rs = tl_fts5_marks_new(db, match, &m, err);
    if (rs != TL_OK || m == NULL)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT id, text FROM passage_texts WHERE id "
                           "IN (SELECT value FROM json_each(?1)) ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        tl_fts5_marks_free(m);
        return tl_error_db(err, db, "preparing the hits' text");
    }
    sqlite3_bind_text(st, 1, json->data, (int)json->len, SQLITE_STATIC);
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct row *w = find(r, sqlite3_column_int64(st, 0));
        const char *t = (const char *)sqlite3_column_text(st, 1);
        size_t at = r->text.len;
        int got;
        if (w == NULL || w->has_marked)
            continue;
        got = tl_fts5_marks_row(m, w->id, t, sqlite3_column_bytes(st, 1),
                                TL_MARK_OPEN, TL_MARK_CLOSE, &r->text);
        if (got < 0 || tl_buf_append(&r->text, "", 1) != TL_OK) {
            ok = 0;
        } else if (got == 0) {
            r->text.len = at;
        } else {
            w->off[F_MARKED] = at;
            w->marked_len = r->text.len - 1 - at;
            w->has_marked = 1;
        }
    }
    if (ok && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the hits' text");
    sqlite3_finalize(st);
    tl_fts5_marks_free(m);
    if (rs == TL_OK && !ok)         /* FTS5 marks them all */
        for (size_t i = 0; i < r->n; i++)
            r->rows[i].has_marked = 0;
    *done_out = rs == TL_OK && ok;
    return rs;
}

/* The marked texts through FTS5's highlight(): for a few rows without
 * a prefix, a statement per row (rowid = ?: FTS5 seeks each doclist);
 * else one pass over the matches between the first and the last row,
 * highlighting the wanted ones (a prefix's doclists are merged once,
 * not once per row). */
static enum tl_status
read_marked_fts5(sqlite3 *db, struct tl_hit_rows *r, const char *match,
                 struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int rc = SQLITE_DONE, per_row = r->n < TL_HIT_ROWS_PASS_MIN
                                    && strchr(match, '*') == NULL;
    size_t next = 0;

    rs = register_wanted(db, err);
    if (rs != TL_OK)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT rowid, highlight(passages_fts, 0, ?3, "
                           "?4) FROM passages_fts WHERE passages_fts MATCH ?1 "
                           "AND rowid BETWEEN ?5 AND ?6 AND tl_hit_wanted("
                           "rowid, ?2)", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "preparing the hits' text");
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_pointer(st, 2, r, WANTED_POINTER, NULL);
    sqlite3_bind_text(st, 3, TL_MARK_OPEN, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, TL_MARK_CLOSE, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, r->rows[0].id);
    sqlite3_bind_int64(st, 6, r->rows[r->n - 1].id);
    for (;;) {
        if (per_row) {
            if (next == r->n)
                break;
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 5, r->rows[next].id);
            sqlite3_bind_int64(st, 6, r->rows[next].id);
            next++;
        }
        rs = keep_marked(r, st, &rc);
        if (!per_row || rs != TL_OK || rc != SQLITE_DONE)
            break;
    }
    return end_marked(db, st, rs, rc, err);
}

static enum tl_status
read_marked(sqlite3 *db, struct tl_hit_rows *r, const char *match,
            const struct tl_buf *json, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc = SQLITE_DONE, done;

    if (match != NULL) {
        rs = read_marked_pages(db, r, match, json, &done, err);
        if (rs != TL_OK || done)
            return rs;
        return read_marked_fts5(db, r, match, err);
    }
    if (sqlite3_prepare_v2(db, "SELECT id, text FROM passage_texts WHERE id "
                           "IN (SELECT value FROM json_each(?1))", -1, &st,
                           NULL) != SQLITE_OK)
        return tl_error_db(err, db, "preparing the hits' text");
    sqlite3_bind_text(st, 1, json->data, (int)json->len, SQLITE_STATIC);
    rs = keep_marked(r, st, &rc);
    return end_marked(db, st, rs, rc, err);
}

enum tl_status
tl_hit_rows_fetch(sqlite3 *db, const char *match, const int64_t *ids,
                  size_t n, struct tl_hit_rows **out, struct tl_error *err)
{
    struct tl_hit_rows *r;
    struct tl_buf json;
    enum tl_status rs;
    size_t u = 0;

    *out = NULL;
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    tl_buf_init(&r->text, 0);
    tl_buf_init(&json, 0);
    r->rows = calloc(n > 0 ? n : 1, sizeof *r->rows);
    if (r->rows == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        r->rows[i].id = ids[i];
    qsort(r->rows, n, sizeof *r->rows, cmp_row);
    for (size_t i = 0; i < n; i++)
        if (u == 0 || r->rows[u - 1].id != r->rows[i].id)
            r->rows[u++] = r->rows[i];
    r->n = u;
    rs = TL_OK;
    if (r->n == 0)
        goto out;
    if (id_list(r, &json) != TL_OK) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    rs = read_columns(db, r, &json, err);
    if (rs == TL_OK)
        rs = read_marked(db, r, match, &json, err);
out:
    tl_buf_release(&json);
    if (rs != TL_OK) {
        tl_hit_rows_free(r);
        return rs;
    }
    *out = r;
    return TL_OK;
}

int
tl_hit_rows_get(const struct tl_hit_rows *r, struct tl_hit *hit)
{
    const struct row *w = r != NULL ? find(r, hit->passage_id) : NULL;
    const char *t;

    if (w == NULL || !w->has_cols || !w->has_marked)
        return 0;
    t = r->text.data;
    hit->passage = w->ordinal;
    hit->article_id = w->article_id;
    hit->path = t + w->off[F_PATH];
    hit->title = t + w->off[F_TITLE];
    hit->author = t + w->off[F_AUTHOR];
    hit->date = t + w->off[F_DATE];
    hit->date_precision = t + w->off[F_PRECISION];
    hit->topics = t + w->off[F_TOPICS];
    hit->marked = t + w->off[F_MARKED];
    hit->marked_len = w->marked_len;
    return 1;
}

void
tl_hit_rows_free(struct tl_hit_rows *r)
{
    if (r == NULL)
        return;
    free(r->rows);
    tl_buf_release(&r->text);
    free(r);
}
