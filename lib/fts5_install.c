/*
 * fts5_install.c - a segment written by lib/fts5_write.c made part of
 * passages_fts (fts5_write.h): its pages into %_data and %_idx, the
 * segment into the structure record, its rows and tokens into the
 * averages record.
 *
 * FTS5 keeps a copy of the structure per connection and trusts it until
 * another connection commits (it compares PRAGMA data_version), and it
 * writes its own copy back with its next segment.  So the copy must be
 * right before a segment is installed and forgotten after:
 * tl_fts5_settle() makes FTS5 write what it holds (a savepoint: FTS5
 * writes its pending rows at every savepoint) and forget its copy (the
 * rollback of a savepoint in which it took part: FTS5 then reads the
 * structure again).  Both are FTS5's documented behaviour of xSavepoint
 * and xRollbackTo in every version we read (3.40 to 3.47); the tests
 * check it on the SQLite we build with.
 */
#include <stdlib.h>
#include <string.h>

#include "fts5_write.h"

#define STRUCTURE_ID 10
#define AVERAGES_ID 1
#define LEVELS_MAX 64
#define SEGMENTS_MAX 2000   /* FTS5_MAX_SEGMENT */

struct tl_fts5_sql_sink {
    sqlite3 *db;
    sqlite3_stmt *data, *idx;
};

static int
sink_data(void *ctx, int64_t id, const unsigned char *p, int n)
{
    struct tl_fts5_sql_sink *s = ctx;

    sqlite3_bind_int64(s->data, 1, id);
    sqlite3_bind_blob(s->data, 2, p, n, SQLITE_STATIC);
    int rc = sqlite3_step(s->data);
    sqlite3_reset(s->data);
    return rc != SQLITE_DONE;
}

static int
sink_idx(void *ctx, int segid, const unsigned char *term, int n,
         int64_t pgno)
{
    struct tl_fts5_sql_sink *s = ctx;

    sqlite3_bind_int(s->idx, 1, segid);
    sqlite3_bind_blob(s->idx, 2, n > 0 ? (const void *)term : "", n,
                      SQLITE_STATIC);
    sqlite3_bind_int64(s->idx, 3, pgno);
    int rc = sqlite3_step(s->idx);
    sqlite3_reset(s->idx);
    return rc != SQLITE_DONE;
}

enum tl_status
tl_fts5_sql_sink_new(sqlite3 *db, struct tl_fts5_sql_sink **out,
                     struct tl_fts5_sink *sink, struct tl_error *err)
{
    struct tl_fts5_sql_sink *s = calloc(1, sizeof *s);

    *out = NULL;
    if (s == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    s->db = db;
    if (sqlite3_prepare_v2(db, "INSERT INTO passages_fts_data (id, block) "
                           "VALUES (?1, ?2)", -1, &s->data, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT INTO passages_fts_idx (segid, "
                              "term, pgno) VALUES (?1, ?2, ?3)", -1, &s->idx,
                              NULL) != SQLITE_OK) {
        tl_error_db(err, db, "preparing to write the index's pages");
        tl_fts5_sql_sink_free(s);
        return TL_ERR_DB;
    }
    sink->data = sink_data;
    sink->idx = sink_idx;
    sink->ctx = s;
    *out = s;
    return TL_OK;
}

void
tl_fts5_sql_sink_free(struct tl_fts5_sql_sink *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->data);
    sqlite3_finalize(s->idx);
    free(s);
}

/* ---- the structure record --------------------------------------------- */

struct seg {
    int64_t id, first, last;
};
struct level {
    int64_t n_merge;
    struct seg *seg;
    int n;
};
struct structure {
    unsigned char cookie[4];
    int64_t counter;
    struct level lv[LEVELS_MAX + 1];
    int n_level, n_seg;
};

static const unsigned char *
get_varint(const unsigned char *a, const unsigned char *end, int64_t *v)
{
    uint64_t r = 0;

    for (int i = 0; i < 9; i++) {
        if (a + i >= end)
            return NULL;
        if (i == 8) {
            *v = (int64_t)((r << 8) | a[8]);
            return a + 9;
        }
        r = (r << 7) | (a[i] & 0x7f);
        if (!(a[i] & 0x80)) {
            *v = (int64_t)r;
            return a + i + 1;
        }
    }
    return NULL;
}

static void
structure_free(struct structure *s)
{
    for (int i = 0; i <= LEVELS_MAX; i++)
        free(s->lv[i].seg);
    memset(s, 0, sizeof *s);
}

/* 1 parsed, 0 not a structure this code knows (a version 2 one, or
 * damaged), -1 out of memory. */
static int
structure_parse(const unsigned char *a, int n, struct structure *s)
{
    const unsigned char *p = a + 4, *end = a + n;
    int64_t n_level, n_seg;

    memset(s, 0, sizeof *s);
    if (n < 4)
        return 0;
    memcpy(s->cookie, a, 4);
    if (n == 4)
        return 1;
    if (p[0] == 0xff)
        return 0;
    if ((p = get_varint(p, end, &n_level)) == NULL
        || (p = get_varint(p, end, &n_seg)) == NULL
        || (p = get_varint(p, end, &s->counter)) == NULL
        || n_level < 0 || n_level > LEVELS_MAX || n_seg < 0
        || n_seg > SEGMENTS_MAX)
        return 0;
    s->n_level = (int)n_level;
    for (int l = 0; l < s->n_level; l++) {
        int64_t n_in;
        struct level *lv = &s->lv[l];
        if ((p = get_varint(p, end, &lv->n_merge)) == NULL
            || (p = get_varint(p, end, &n_in)) == NULL || n_in < 0
            || n_in > n_seg - s->n_seg)
            goto bad;
        lv->seg = calloc((size_t)n_in + 1, sizeof *lv->seg);
        if (lv->seg == NULL) {
            structure_free(s);
            return -1;
        }
        for (int i = 0; i < n_in; i++) {
            struct seg *g = &lv->seg[i];
            if ((p = get_varint(p, end, &g->id)) == NULL
                || (p = get_varint(p, end, &g->first)) == NULL
                || (p = get_varint(p, end, &g->last)) == NULL)
                goto bad;
        }
        lv->n = (int)n_in;
        s->n_seg += (int)n_in;
    }
    if (s->n_seg != n_seg)
        goto bad;
    return 1;
bad:
    structure_free(s);
    return 0;
}

static int
structure_put(struct tl_buf *b, const struct structure *s)
{
    enum tl_status st = tl_buf_append(b, (const char *)s->cookie, 4);

    st = st == TL_OK ? tl_fts5_buf_varint(b, (uint64_t)s->n_level) : st;
    st = st == TL_OK ? tl_fts5_buf_varint(b, (uint64_t)s->n_seg) : st;
    st = st == TL_OK ? tl_fts5_buf_varint(b, (uint64_t)s->counter) : st;
    for (int l = 0; st == TL_OK && l < s->n_level; l++) {
        const struct level *lv = &s->lv[l];
        st = tl_fts5_buf_varint(b, (uint64_t)lv->n_merge);
        st = st == TL_OK ? tl_fts5_buf_varint(b, (uint64_t)lv->n) : st;
        for (int i = 0; st == TL_OK && i < lv->n; i++) {
            st = tl_fts5_buf_varint(b, (uint64_t)lv->seg[i].id);
            st = st == TL_OK ? tl_fts5_buf_varint(b,
                                   (uint64_t)lv->seg[i].first) : st;
            st = st == TL_OK ? tl_fts5_buf_varint(b,
                                   (uint64_t)lv->seg[i].last) : st;
        }
    }
    return st == TL_OK ? 0 : -1;
}

/* The %_data row id into b (empty when there is none). */
static enum tl_status
read_record(sqlite3 *db, int64_t id, struct tl_buf *b, struct tl_error *err)
{
    sqlite3_stmt *q = NULL;
    enum tl_status st = TL_OK;
    int rc;

    tl_buf_reset(b);
    if (sqlite3_prepare_v2(db, "SELECT block FROM passages_fts_data "
                           "WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the index's structure");
    sqlite3_bind_int64(q, 1, id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        st = tl_buf_append(b, sqlite3_column_blob(q, 0),
                           (size_t)sqlite3_column_bytes(q, 0));
    else if (rc != SQLITE_DONE)
        st = tl_error_db(err, db, "reading the index's structure");
    sqlite3_finalize(q);
    if (st == TL_ERR_NOMEM)
        tl_error_set(err, st, "out of memory");
    return st;
}

static enum tl_status
write_record(sqlite3 *db, int64_t id, const struct tl_buf *b,
             struct tl_error *err)
{
    sqlite3_stmt *q = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO passages_fts_data "
                           "(id, block) VALUES (?1, ?2)", -1, &q, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "writing the index's structure");
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_blob(q, 2, b->data, (int)b->len, SQLITE_STATIC);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, db, "writing the index's structure");
    return TL_OK;
}

/* write_record(), then FTS5 made to forget its cached copies. */
static enum tl_status
write_settled(sqlite3 *db, int64_t id, const struct tl_buf *b,
              struct tl_error *err)
{
    enum tl_status st = write_record(db, id, b, err);

    return st == TL_OK ? tl_fts5_settle(db, err) : st;
}

static enum tl_status
load_structure(sqlite3 *db, struct structure *s, struct tl_buf *b,
               struct tl_error *err)
{
    enum tl_status st = read_record(db, STRUCTURE_ID, b, err);
    int ok;

    if (st != TL_OK)
        return st;
    ok = structure_parse((const unsigned char *)b->data, (int)b->len, s);
    if (ok < 0)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (ok == 0)
        return tl_error_set(err, TL_ERR_DB, "the full-text index's "
                            "structure record is not one this version "
                            "knows; run talaash-index --optimize");
    return TL_OK;
}

enum tl_status
tl_fts5_pgsz(sqlite3 *db, int *pgsz_out, struct tl_error *err)
{
    sqlite3_stmt *q = NULL;
    int rc;

    *pgsz_out = TL_FTS5_PGSZ;
    if (sqlite3_prepare_v2(db, "SELECT v FROM passages_fts_config WHERE k = "
                           "'pgsz'", -1, &q, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the index's settings");
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_int(q, 0) >= 32)
        *pgsz_out = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the index's settings");
    return TL_OK;
}

enum tl_status
tl_fts5_free_segid(sqlite3 *db, int *segid_out, struct tl_error *err)
{
    struct structure s;
    struct tl_buf b;
    unsigned char used[SEGMENTS_MAX + 2];
    enum tl_status st;

    *segid_out = 0;
    tl_buf_init(&b, 0);
    st = load_structure(db, &s, &b, err);
    tl_buf_release(&b);
    if (st != TL_OK)
        return st;
    memset(used, 0, sizeof used);
    for (int l = 0; l < s.n_level; l++)
        for (int i = 0; i < s.lv[l].n; i++)
            if (s.lv[l].seg[i].id > 0 && s.lv[l].seg[i].id <= SEGMENTS_MAX)
                used[s.lv[l].seg[i].id] = 1;
    structure_free(&s);
    for (int id = 1; id <= SEGMENTS_MAX; id++)
        if (!used[id]) {
            *segid_out = id;
            return TL_OK;
        }
    return tl_error_set(err, TL_ERR_DB, "the full-text index has too many "
                        "segments; run talaash-index --optimize");
}

enum tl_status
tl_fts5_install(sqlite3 *db, int segid, int last, int64_t rows,
                const int64_t tokens[TL_FTS5_COLUMNS_W],
                struct tl_error *err)
{
    struct structure s;
    struct tl_buf b;
    enum tl_status st;
    int top, busy = 0;

    tl_buf_init(&b, 0);
    st = load_structure(db, &s, &b, err);
    if (st != TL_OK)
        goto out;
    /* the top level, 1 at least; a new one above an incremental merge,
     * whose output is the last segment of the level above its input */
    for (int l = 0; l < s.n_level; l++)
        busy |= s.lv[l].n_merge != 0;
    top = busy ? s.n_level : s.n_level - 1;
    if (top < 1)
        top = 1;
    if (top >= LEVELS_MAX || s.n_seg >= SEGMENTS_MAX) {
        st = tl_error_set(err, TL_ERR_DB, "the full-text index has too "
                          "many segments; run talaash-index --optimize");
        goto out;
    }
    if (last > 0) {
        struct level *lv = &s.lv[top];
        struct seg *g = realloc(lv->seg, (size_t)(lv->n + 1) * sizeof *g);
        if (g == NULL) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        lv->seg = g;
        lv->seg[lv->n++] = (struct seg){ segid, 1, last };
        s.n_seg++;
        if (s.n_level < top + 1)
            s.n_level = top + 1;
        tl_buf_reset(&b);
        if (structure_put(&b, &s) != 0) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        st = write_record(db, STRUCTURE_ID, &b, err);
    }
    /* the averages: rows, then tokens per column */
    if (st == TL_OK)
        st = read_record(db, AVERAGES_ID, &b, err);
    if (st == TL_OK) {
        const unsigned char *p = (const unsigned char *)b.data;
        const unsigned char *end = p + b.len;
        int64_t v[1 + TL_FTS5_COLUMNS_W] = { 0 };
        for (int i = 0; p != NULL && p < end && i <= TL_FTS5_COLUMNS_W; i++)
            p = get_varint(p, end, &v[i]);
        v[0] += rows;
        for (int i = 0; i < TL_FTS5_COLUMNS_W; i++)
            v[1 + i] += tokens[i];
        tl_buf_reset(&b);
        for (int i = 0; st == TL_OK && i <= TL_FTS5_COLUMNS_W; i++)
            st = tl_fts5_buf_varint(&b, (uint64_t)v[i]);
        if (st != TL_OK)
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        else
            st = write_settled(db, AVERAGES_ID, &b, err);
    }
out:
    structure_free(&s);
    tl_buf_release(&b);
    return st;
}

enum tl_status
tl_fts5_settle(sqlite3 *db, struct tl_error *err)
{
    /* the first savepoint makes FTS5 write its pending rows; the
     * rollback of the second, in which FTS5 takes part (a delete that
     * finds nothing), makes it forget its copy of the structure and of
     * the averages */
    if (sqlite3_exec(db, "SAVEPOINT tl_settle; RELEASE tl_settle; "
                     "SAVEPOINT tl_forget; "
                     "DELETE FROM passages_fts WHERE rowid = -1; "
                     "ROLLBACK TO tl_forget; RELEASE tl_forget",
                     NULL, NULL, NULL) != SQLITE_OK) {
        tl_error_db(err, db, "settling the full-text index");
        sqlite3_exec(db, "ROLLBACK TO tl_forget; RELEASE tl_forget", NULL,
                     NULL, NULL);
        return TL_ERR_DB;
    }
    return TL_OK;
}

/* Deletes segment segid's pages (leaves and doclist indexes: every
 * %_data id from segid << 37 on, below the next segment's) and its
 * %_idx rows. */
static enum tl_status
remove_segment(sqlite3 *db, int64_t segid, struct tl_error *err)
{
    sqlite3_stmt *q = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, "DELETE FROM passages_fts_data WHERE id >= "
                           "?1 AND id < ?2", -1, &q, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "removing a merged segment");
    sqlite3_bind_int64(q, 1, segid << 37);
    sqlite3_bind_int64(q, 2, (segid + 1) << 37);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, db, "removing a merged segment");
    if (sqlite3_prepare_v2(db, "DELETE FROM passages_fts_idx WHERE segid = "
                           "?1", -1, &q, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "removing a merged segment");
    sqlite3_bind_int64(q, 1, segid);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, db, "removing a merged segment");
    return TL_OK;
}

enum tl_status
tl_fts5_install_merged(sqlite3 *db, int segid, int last,
                       struct tl_error *err)
{
    struct structure s;
    struct tl_buf b;
    enum tl_status st;
    int top = 0;

    tl_buf_init(&b, 0);
    st = load_structure(db, &s, &b, err);
    if (st != TL_OK)
        goto out;
    for (int l = 0; st == TL_OK && l < s.n_level; l++) {
        if (s.lv[l].n_merge != 0) {
            st = tl_error_set(err, TL_ERR_DB, "the full-text index is in "
                              "the middle of a merge");
            break;
        }
        for (int i = 0; st == TL_OK && i < s.lv[l].n; i++)
            if (s.lv[l].seg[i].id != segid)
                st = remove_segment(db, s.lv[l].seg[i].id, err);
        if (s.lv[l].n > 0)
            top = l;
    }
    if (st != TL_OK)
        goto out;
    /* the level above the highest that held a segment, as FTS5's
     * 'optimize' leaves its output */
    top = top + 1 < LEVELS_MAX ? top + 1 : LEVELS_MAX - 1;
    for (int l = 0; l <= LEVELS_MAX; l++) {
        free(s.lv[l].seg);
        s.lv[l].seg = NULL;
        s.lv[l].n = 0;
        s.lv[l].n_merge = 0;
    }
    s.lv[top].seg = malloc(sizeof *s.lv[top].seg);
    if (s.lv[top].seg == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    s.lv[top].seg[0] = (struct seg){ segid, 1, last };
    s.lv[top].n = 1;
    s.n_seg = 1;
    s.n_level = top + 1;
    tl_buf_reset(&b);
    if (structure_put(&b, &s) != 0)
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    else
        st = write_settled(db, STRUCTURE_ID, &b, err);
out:
    structure_free(&s);
    tl_buf_release(&b);
    return st;
}
