/*
 * fts5_merge.c - passages_fts's segments merged into one without FTS5
 * (fts5_merge.h).
 *
 * A bulk run (docs/bulk-index.md) writes one segment a batch, and each
 * batch's passages have higher ids than every earlier one's: a key's
 * doclist in the merged segment is the key's doclists in the segments,
 * oldest first, one after the other.  The merge walks every segment's
 * keys in order (lib/fts5_read.h's walk), takes the smallest, and hands
 * the writer (lib/fts5_write.h) its rows segment by segment, the
 * position lists as they are stored: nothing is decoded but the keys and
 * the rowids.  FTS5's 'optimize' does the same through its iterators,
 * comparing every segment's rowids at every row and copying the lists
 * through its own buffers.
 */
#include "fts5_merge.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fts5_read.h"
#include "fts5_varint.h"
#include "fts5_write.h"

/* The segments' walks, oldest first, and which are on the smallest key. */
struct walks {
    struct tl_fts5_walk **w;
    int n;
    int *live;              /* 1 while the walk has keys */
    int *at;                /* the walks on the smallest key, oldest first */
    int n_at;
    int *gone;              /* each segment's leaves below this deleted */
    sqlite3_stmt *del;
    const struct tl_fts5_merge_tap *tap;    /* NULL: none */
    struct tl_buf rows;     /* the tap's copy of the key's rows */
    struct tl_buf key;      /* and of the key */
};

/* Leaves read: deleted every TRIM_KEYS keys once TRIM_LEAVES of a
 * segment are behind its walk, so that the merged segment's pages take
 * their place in the file as it goes, as FTS5's 'optimize' trims its
 * inputs (deleting them at the end grew the file by the index's size
 * and left the incremental vacuum to move the new pages back: 1.2 s
 * more at 200,000 articles). */
#define TRIM_KEYS 4096
#define TRIM_LEAVES 64
static long trim_keys = TRIM_KEYS, trim_leaves = TRIM_LEAVES;
static _Atomic long trims;

void
tl_fts5_merge_trim(long keys, long leaves)
{
    trim_keys = keys > 0 ? keys : TRIM_KEYS;
    trim_leaves = leaves > 0 ? leaves : TRIM_LEAVES;
}

long
tl_fts5_merge_trims(void)
{
    return trims;
}

static enum tl_status
trim(sqlite3 *db, struct walks *ws, struct tl_error *err)
{
    for (int i = 0; i < ws->n; i++) {
        int segid, pg = tl_fts5_walk_page(ws->w[i], &segid);
        if (!ws->live[i] || pg - ws->gone[i] < trim_leaves)
            continue;
        if (ws->del == NULL
            && sqlite3_prepare_v2(db, "DELETE FROM passages_fts_data WHERE "
                                  "id >= ?1 AND id < ?2", -1, &ws->del,
                                  NULL) != SQLITE_OK)
            return tl_error_db(err, db, "merging the index");
        sqlite3_bind_int64(ws->del, 1, ((int64_t)segid << 37) + ws->gone[i]);
        sqlite3_bind_int64(ws->del, 2, ((int64_t)segid << 37) + pg);
        if (sqlite3_step(ws->del) != SQLITE_DONE) {
            sqlite3_reset(ws->del);
            return tl_error_db(err, db, "merging the index");
        }
        sqlite3_reset(ws->del);
        ws->gone[i] = pg;
        trims++;
    }
    return TL_OK;
}

static int
key_cmp(const unsigned char *a, int na, const unsigned char *b, int nb)
{
    int d = memcmp(a, b, (size_t)(na < nb ? na : nb));

    return d != 0 ? d : na - nb;
}

/* The smallest key among the live walks into *key, *len, and the walks on
 * it into ws->at: 1, or 0 when every walk is done. */
static int
smallest(struct walks *ws, const unsigned char **key, int *len)
{
    const unsigned char *min = NULL;
    int mlen = 0;

    ws->n_at = 0;
    for (int i = 0; i < ws->n; i++) {
        const unsigned char *k;
        int klen, c;
        if (!ws->live[i])
            continue;
        k = tl_fts5_walk_key(ws->w[i], &klen);
        c = min == NULL ? -1 : key_cmp(k, klen, min, mlen);
        if (c < 0) {
            min = k;
            mlen = klen;
            ws->n_at = 0;
        }
        if (c <= 0)
            ws->at[ws->n_at++] = i;
    }
    *key = min;
    *len = mlen;
    return min != NULL;
}

/* One row appended to doclist as FTS5 stores it: the rowid's delta, the
 * position list's size (times 2: no delete flag) and the list. */
static enum tl_status
copy_row(struct tl_buf *doclist, int64_t delta, const unsigned char *pos,
         int n)
{
    unsigned char *p;
    uint64_t size = (uint64_t)n * 2;

    /* a varint is 9 bytes at most; one byte below 128 (most of them) */
    if (doclist->cap - doclist->len < (size_t)n + 19
        && tl_buf_reserve(doclist, (size_t)n + 18) != TL_OK)
        return TL_ERR_NOMEM;
    p = (unsigned char *)doclist->data + doclist->len;
    if ((uint64_t)delta < 0x80)
        *p++ = (unsigned char)delta;
    else
        p += tl_fts5_varint(p, (uint64_t)delta);
    if (size < 0x80)
        *p++ = (unsigned char)size;
    else
        p += tl_fts5_varint(p, size);
    memcpy(p, pos, (size_t)n);
    doclist->len = (size_t)(p + n - (unsigned char *)doclist->data);
    doclist->data[doclist->len] = '\0';
    return TL_OK;
}

/* The key just merged (one of the main index's), with its n_rows rows in
 * ws->rows (the last of them, when handed in pieces already), handed to
 * the tap. */
static enum tl_status
tapped(struct walks *ws, const unsigned char *key, int len, int64_t n_rows,
       int in_pieces, struct tl_error *err)
{
    const struct tl_fts5_merge_tap *tap = ws->tap;
    enum tl_status st = TL_OK;

    if ((in_pieces || n_rows >= tap->min_rows) && tap->rows != NULL)
        st = tap->rows(tap->ctx, key + 1, len - 1, &ws->rows, 1, err);
    if (st == TL_OK && tap->key != NULL)
        st = tap->key(tap->ctx, key + 1, len - 1, n_rows, err);
    return st;
}

/* Writes every key with its rows: TL_OK, TL_FTS5_DECLINED (the segments'
 * rows overlap, or a page is not understood: nothing to rely on), or an
 * error from the writer. */
static enum tl_status
merge_keys(sqlite3 *db, struct walks *ws, struct tl_fts5_writer *wr,
           int *declined, struct tl_error *err)
{
    const unsigned char *key;
    int len;
    long keys = 0;

    while (smallest(ws, &key, &len)) {
        int64_t last = 0, n_rows;
        int in_pieces;
        enum tl_status st;
        if (++keys % trim_keys == 0 && (st = trim(db, ws, err)) != TL_OK)
            return st;
        st = tl_fts5_writer_term(wr, key, len, err);
        if (st != TL_OK)
            return st;
        ws->rows.len = 0;
        n_rows = 0;
        in_pieces = 0;
        /* the walks move on past it: the tap gets a copy */
        if (ws->tap != NULL) {
            ws->key.len = 0;
            if (tl_buf_append(&ws->key, (const char *)key, (size_t)len)
                != TL_OK)
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            key = (const unsigned char *)ws->key.data;
        }
        for (int j = 0; j < ws->n_at; j++) {
            int i = ws->at[j], rc, n;
            int64_t rowid;
            const unsigned char *pos;
            while ((rc = tl_fts5_walk_row(ws->w[i], &rowid, &pos, &n))
                   == TL_FTS5_ROW) {
                if (rowid <= last) {
                    *declined = 1;      /* an older segment's row after */
                    return TL_OK;
                }
                if (ws->tap != NULL
                    && copy_row(&ws->rows, rowid - last, pos, n) != TL_OK)
                    return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                if (ws->tap != NULL && ws->tap->chunk > 0
                    && ws->rows.len >= ws->tap->chunk && len >= 1
                    && key[0] == '0') {
                    st = ws->tap->rows(ws->tap->ctx, key + 1, len - 1,
                                       &ws->rows, 0, err);
                    if (st != TL_OK)
                        return st;
                    ws->rows.len = 0;
                    in_pieces = 1;
                }
                last = rowid;
                n_rows++;
                st = tl_fts5_writer_row(wr, rowid, pos, n, err);
                if (st != TL_OK)
                    return st;
            }
            if (rc == TL_FTS5_EOF)
                rc = tl_fts5_walk_next(ws->w[i]);
            if (rc == TL_FTS5_BAD) {
                *declined = 1;
                return TL_OK;
            }
            ws->live[i] = rc == TL_FTS5_ROW;
        }
        if (ws->tap != NULL && len >= 1 && key[0] == '0'
            && (st = tapped(ws, key, len, n_rows, in_pieces, err)) != TL_OK)
            return st;
    }
    return TL_OK;
}

static void
walks_free(struct walks *ws)
{
    for (int i = 0; ws->w != NULL && i < ws->n; i++)
        tl_fts5_walk_free(ws->w[i]);
    free(ws->w);
    free(ws->live);
    free(ws->at);
    free(ws->gone);
    sqlite3_finalize(ws->del);
    tl_buf_release(&ws->rows);
    tl_buf_release(&ws->key);
    memset(ws, 0, sizeof *ws);
}

/* The walks of x's segments, oldest first (x holds them newest first):
 * 1, 0 (out of memory), BAD. */
static int
walks_open(const struct tl_fts5 *x, struct walks *ws)
{
    memset(ws, 0, sizeof *ws);
    tl_buf_init(&ws->rows, 0);
    tl_buf_init(&ws->key, 0);
    ws->w = calloc((size_t)x->n_seg, sizeof *ws->w);
    ws->live = calloc((size_t)x->n_seg, sizeof *ws->live);
    ws->at = calloc((size_t)x->n_seg, sizeof *ws->at);
    ws->gone = calloc((size_t)x->n_seg, sizeof *ws->gone);
    if (ws->w == NULL || ws->live == NULL || ws->at == NULL
        || ws->gone == NULL)
        return 0;
    ws->n = x->n_seg;
    for (int i = 0; i < ws->n; i++) {
        if (tl_fts5_walk_open(x, x->n_seg - 1 - i, &ws->w[i])
            != TL_FTS5_ROW)
            return TL_FTS5_BAD;
        ws->live[i] = 1;
    }
    return 1;
}

/* The merge inside savepoint tl_merge; *declined when it found rows it
 * cannot merge this way. */
static enum tl_status
merge_in(sqlite3 *db, struct tl_fts5 *x, const struct tl_fts5_merge_tap *tap,
         int *declined, struct tl_error *err)
{
    struct tl_fts5_sql_sink *sql = NULL;
    struct tl_fts5_sink sink;
    struct tl_fts5_writer *wr = NULL;
    struct walks ws;
    enum tl_status st;
    int pgsz = 0, segid = 0, last = 0, rc;

    rc = walks_open(x, &ws);
    if (rc != 1) {
        walks_free(&ws);
        if (rc == 0)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        *declined = 1;
        return TL_OK;
    }
    ws.tap = tap;
    st = tl_fts5_pgsz(db, &pgsz, err);
    if (st == TL_OK)
        st = tl_fts5_free_segid(db, &segid, err);
    if (st == TL_OK)
        st = tl_fts5_sql_sink_new(db, &sql, &sink, err);
    if (st == TL_OK)
        st = tl_fts5_writer_new(segid, pgsz, &sink, &wr, err);
    if (st == TL_OK)
        st = merge_keys(db, &ws, wr, declined, err);
    if (st == TL_OK && !*declined)
        st = tl_fts5_writer_finish(wr, &last, err);
    walks_free(&ws);
    tl_fts5_writer_free(wr);
    tl_fts5_sql_sink_free(sql);
    if (st == TL_OK && !*declined)
        st = tl_fts5_install_merged(db, segid, last, err);
    return st;
}

enum tl_status
tl_fts5_merge(sqlite3 *db, int *merged_out, struct tl_error *err)
{
    return tl_fts5_merge_tapped(db, NULL, merged_out, err);
}

enum tl_status
tl_fts5_merge_tapped(sqlite3 *db, const struct tl_fts5_merge_tap *tap,
                     int *merged_out, struct tl_error *err)
{
    struct tl_fts5 *x = NULL;
    enum tl_status st;
    int declined = 0;

    *merged_out = 0;
    /* FTS5 writes what it holds, then the pages are as they will stay */
    st = tl_fts5_settle(db, err);
    if (st == TL_OK)
        st = tl_fts5_open_unwritten(db, &x, err);
    if (st != TL_OK)
        return st;
    if (x == NULL || x->n_seg < 2) {
        tl_fts5_close(x);
        return TL_OK;               /* not readable here, or one segment */
    }
    if (sqlite3_exec(db, "SAVEPOINT tl_merge", NULL, NULL, NULL)
        != SQLITE_OK) {
        tl_fts5_close(x);
        return tl_error_db(err, db, "merging the index");
    }
    st = merge_in(db, x, tap, &declined, err);
    tl_fts5_close(x);
    if (st != TL_OK || declined) {
        /* nothing of it stays; FTS5 forgets what it read meanwhile */
        sqlite3_exec(db, "ROLLBACK TO tl_merge; RELEASE tl_merge", NULL,
                     NULL, NULL);
        if (st == TL_OK)
            st = tl_fts5_settle(db, err);
        return st;
    }
    if (sqlite3_exec(db, "RELEASE tl_merge", NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "merging the index");
    *merged_out = 1;
    return TL_OK;
}
