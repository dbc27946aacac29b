/*
 * fts5_write.c - an FTS5 segment written without FTS5 (fts5_write.h).
 *
 * The layout is FTS5's (fts5_index.c, "Details"; lib/fts5_read.c reads
 * it): leaves of at most about pgsz bytes, each a 4-byte header (the
 * offset of the first rowid that comes before the page's first key, and
 * of the footer), keys prefix-compressed against the one before (a
 * page's first key whole), each followed by its doclist; the footer is
 * the keys' offsets as deltas.  A doclist that goes on over pages starts
 * each page with its rowid in full.  %_idx gets one row per leaf that
 * holds a key, with the shortest prefix of that key greater than the key
 * before it; a doclist that leaves 4 or more leaves without a key gets a
 * doclist index (the first rowid of each of those leaves), its flag in
 * the low bit of that %_idx row's pgno.  Every decision (when a leaf is
 * full, where a position list is cut, what goes in %_idx) is the one
 * FTS5's merge makes, so that an `optimize` of the same rows writes the
 * same bytes: tests/unit/test-fts5_write.c compares them.
 */
#include <stdlib.h>
#include <string.h>

#include "fts5_varint.h"
#include "fts5_write.h"

/* A %_data rowid: segid, doclist-index flag, height, page. */
#define DATA_ID(segid, dlidx, height, pgno)                                  \
    (((int64_t)(segid) << 37) + ((int64_t)(dlidx) << 36)                     \
     + ((int64_t)(height) << 31) + (int64_t)(pgno))
#define DLIDX_MIN 4         /* leaves without a key that earn an index */
#define DLIDX_LEVELS 32     /* FTS5's height is 5 bits */
#define PAD 32              /* room past pgsz: FTS5 lets a leaf run over */

struct bytes {
    unsigned char *p;
    int n, cap;
};

struct dlidx {              /* one level of a doclist index */
    struct bytes buf;
    int pgno;
    int prev_valid;
    int64_t prev;
};

struct tl_fts5_writer {
    struct tl_fts5_sink sink;
    int segid, pgsz;
    int failed;             /* a sink or an allocation failed */
    /* the leaf being filled */
    struct bytes page, pgidx;
    int pgno, prev_pgidx;
    struct bytes term;      /* the last key written */
    int first_term_in_page, first_rowid_in_page, first_rowid_in_doclist;
    int64_t prev_rowid;
    /* the %_idx row waiting for its doclist index's verdict */
    struct bytes bt_term;
    int bt_page;
    int n_empty;            /* leaves without a key since bt_page */
    struct dlidx dl[DLIDX_LEVELS];
    int n_dl;
};

static int
grow(struct bytes *b, int need)
{
    if (need <= b->cap)
        return 0;
    int cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    unsigned char *p = realloc(b->p, (size_t)cap);
    if (p == NULL)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int
tl_fts5_varint(unsigned char *p, uint64_t v)
{
    unsigned char tmp[10];
    int n = 0;

    if (v <= 0x7f) {
        p[0] = (unsigned char)v;
        return 1;
    }
    if (v & ((uint64_t)0xff000000 << 32)) {     /* SQLite's 9-byte form */
        p[8] = (unsigned char)v;
        v >>= 8;
        for (int i = 7; i >= 0; i--) {
            p[i] = (unsigned char)((v & 0x7f) | 0x80);
            v >>= 7;
        }
        return 9;
    }
    do {
        tmp[n++] = (unsigned char)((v & 0x7f) | 0x80);
        v >>= 7;
    } while (v != 0);
    tmp[0] &= 0x7f;
    for (int i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

enum tl_status
tl_fts5_buf_varint(struct tl_buf *b, uint64_t v)
{
    unsigned char t[9];

    return tl_buf_append(b, (const char *)t, (size_t)tl_fts5_varint(t, v));
}

/* Length of the varint at a (whole: FTS5 never cuts one). */
static int
varint_len(const unsigned char *a)
{
    for (int i = 0; i < 8; i++)
        if (!(a[i] & 0x80))
            return i + 1;
    return 9;
}

static void
add_varint(struct tl_fts5_writer *w, struct bytes *b, uint64_t v)
{
    if (grow(b, b->n + 9) != 0) {
        w->failed = 1;
        return;
    }
    b->n += tl_fts5_varint(b->p + b->n, v);
}

static void
add_bytes(struct tl_fts5_writer *w, struct bytes *b, const void *p, int n)
{
    if (n <= 0)
        return;
    if (grow(b, b->n + n) != 0) {
        w->failed = 1;
        return;
    }
    memcpy(b->p + b->n, p, (size_t)n);
    b->n += n;
}

static void
put_u16(unsigned char *p, int v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void
emit(struct tl_fts5_writer *w, int64_t id, const struct bytes *b)
{
    if (!w->failed && w->sink.data(w->sink.ctx, id, b->p, b->n) != 0)
        w->failed = 1;
}

/* ---- doclist indexes ----------------------------------------------------- */

/* Writes (flush) or drops every level's page; they start again empty. */
static void
dlidx_clear(struct tl_fts5_writer *w, int flush)
{
    for (int i = 0; i < w->n_dl; i++) {
        struct dlidx *d = &w->dl[i];
        if (d->buf.n == 0)
            break;
        if (flush)
            emit(w, DATA_ID(w->segid, 1, i, d->pgno), &d->buf);
        d->buf.n = 0;
        d->prev_valid = 0;
    }
}

/* The first rowid of a doclist-index page: after its flags and page. */
static int64_t
dlidx_first_rowid(const struct bytes *b)
{
    uint64_t v;

    tl_fts5_get_varint(tl_fts5_get_varint(b->p + 1, &v), &v);
    return (int64_t)v;
}

/* rowid is the first on the leaf being filled: into the doclist index
 * (fts5WriteDlidxAppend). */
static void
dlidx_append(struct tl_fts5_writer *w, int64_t rowid)
{
    int done = 0;

    for (int i = 0; !w->failed && !done; i++) {
        struct dlidx *d = &w->dl[i];
        uint64_t val;

        if (d->buf.n >= w->pgsz) {
            /* this page is full: out, and its first rowid goes up */
            d->buf.p[0] = 0x01;
            emit(w, DATA_ID(w->segid, 1, i, d->pgno), &d->buf);
            if (i + 2 > DLIDX_LEVELS) {
                w->failed = 1;
                return;
            }
            if (w->n_dl < i + 2)
                w->n_dl = i + 2;
            if (d[1].buf.n == 0) {
                int64_t first = dlidx_first_rowid(&d->buf);
                d[1].pgno = d->pgno;
                add_varint(w, &d[1].buf, 0);
                add_varint(w, &d[1].buf, (uint64_t)d->pgno);
                add_varint(w, &d[1].buf, (uint64_t)first);
                d[1].prev_valid = 1;
                d[1].prev = first;
            }
            d->buf.n = 0;
            d->prev_valid = 0;
            d->pgno++;
        } else {
            done = 1;
        }
        if (d->prev_valid) {
            val = (uint64_t)rowid - (uint64_t)d->prev;
        } else {
            int pg = i == 0 ? w->pgno : d[-1].pgno;
            add_varint(w, &d->buf, (uint64_t)!done);
            add_varint(w, &d->buf, (uint64_t)pg);
            val = (uint64_t)rowid;
        }
        add_varint(w, &d->buf, val);
        d->prev_valid = 1;
        d->prev = rowid;
    }
}

/* ---- %_idx ---------------------------------------------------------------- */

/* The %_idx row of leaf bt_page, with its doclist index if it earned
 * one (fts5WriteFlushBtree). */
static void
flush_btree(struct tl_fts5_writer *w)
{
    int flag = 0;

    if (w->bt_page == 0)
        return;
    if (w->dl[0].buf.n > 0 && w->n_empty >= DLIDX_MIN)
        flag = 1;
    dlidx_clear(w, flag);
    w->n_empty = 0;
    if (!w->failed
        && w->sink.idx(w->sink.ctx, w->segid, w->bt_term.p, w->bt_term.n,
                       ((int64_t)w->bt_page << 1) + flag) != 0)
        w->failed = 1;
    w->bt_page = 0;
}

/* ---- leaves ---------------------------------------------------------------- */

static void
flush_leaf(struct tl_fts5_writer *w)
{
    put_u16(w->page.p + 2, w->page.n);
    if (w->first_term_in_page) {
        /* a leaf without a key: the doclist index notes one without a
         * rowid too */
        if (w->first_rowid_in_page && w->dl[0].buf.n > 0)
            add_varint(w, &w->dl[0].buf, 0);
        w->n_empty++;
    } else {
        add_bytes(w, &w->page, w->pgidx.p, w->pgidx.n);
    }
    emit(w, DATA_ID(w->segid, 0, 0, w->pgno), &w->page);
    memset(w->page.p, 0, 4);
    w->page.n = 4;
    w->pgidx.n = 0;
    w->prev_pgidx = 0;
    w->pgno++;
    w->first_term_in_page = 1;
    w->first_rowid_in_page = 1;
}

enum tl_status
tl_fts5_writer_new(int segid, int pgsz, const struct tl_fts5_sink *sink,
                   struct tl_fts5_writer **out, struct tl_error *err)
{
    struct tl_fts5_writer *w = calloc(1, sizeof *w);

    *out = NULL;
    if (w == NULL || grow(&w->page, pgsz + PAD) != 0
        || grow(&w->pgidx, pgsz + PAD) != 0) {
        tl_fts5_writer_free(w);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    w->sink = *sink;
    w->segid = segid;
    w->pgsz = pgsz;
    w->pgno = 1;
    w->first_term_in_page = 1;
    w->bt_page = 1;
    w->n_dl = 1;
    memset(w->page.p, 0, 4);
    w->page.n = 4;
    *out = w;
    return TL_OK;
}

void
tl_fts5_writer_free(struct tl_fts5_writer *w)
{
    if (w == NULL)
        return;
    free(w->page.p);
    free(w->pgidx.p);
    free(w->term.p);
    free(w->bt_term.p);
    for (int i = 0; i < DLIDX_LEVELS; i++)
        free(w->dl[i].buf.p);
    free(w);
}

static enum tl_status
result(struct tl_fts5_writer *w, struct tl_error *err)
{
    if (w->failed)
        return tl_error_set(err, TL_ERR_DB, "writing the index's pages "
                            "failed (out of memory or a database error)");
    return TL_OK;
}

enum tl_status
tl_fts5_writer_term(struct tl_fts5_writer *w, const unsigned char *key,
                    int n, struct tl_error *err)
{
    int n_min = w->term.n < n ? w->term.n : n, prefix = 0;

    if (w->failed)
        return result(w, err);
    if (w->page.n + w->pgidx.n + n + 2 >= w->pgsz) {
        if (w->page.n > 4)
            flush_leaf(w);
        if (grow(&w->page, w->page.n + n + PAD) != 0)
            w->failed = 1;
    }
    add_varint(w, &w->pgidx, (uint64_t)(w->page.n - w->prev_pgidx));
    w->prev_pgidx = w->page.n;
    while (prefix < n_min && w->term.p[prefix] == key[prefix])
        prefix++;
    if (w->first_term_in_page) {
        if (w->pgno != 1) {
            /* the shortest prefix of key after the last key */
            int bt = w->term.n ? prefix + 1 : n;
            flush_btree(w);
            w->bt_term.n = 0;
            add_bytes(w, &w->bt_term, key, bt);
            w->bt_page = w->pgno;
        }
        prefix = 0;
    } else {
        add_varint(w, &w->page, (uint64_t)prefix);
    }
    add_varint(w, &w->page, (uint64_t)(n - prefix));
    add_bytes(w, &w->page, key + prefix, n - prefix);
    w->term.n = 0;
    add_bytes(w, &w->term, key, n);
    w->first_term_in_page = 0;
    w->first_rowid_in_page = 0;
    w->first_rowid_in_doclist = 1;
    w->dl[0].pgno = w->pgno;
    return result(w, err);
}

enum tl_status
tl_fts5_writer_row(struct tl_fts5_writer *w, int64_t rowid,
                   const unsigned char *pos, int n, struct tl_error *err)
{
    unsigned char *p;
    uint64_t delta;

    if (w->failed)
        return result(w, err);
    if (w->page.n + w->pgidx.n >= w->pgsz)
        flush_leaf(w);
    if (w->first_rowid_in_page) {
        put_u16(w->page.p, w->page.n);
        dlidx_append(w, rowid);
    }
    /* room for the rowid, the size and the list: two varints and the
     * bytes written straight in (a row is 3.5 M times per 21,000
     * articles) */
    if (w->failed || grow(&w->page, w->page.n + 20 + n) != 0) {
        w->failed = 1;
        return result(w, err);
    }
    p = w->page.p;
    delta = w->first_rowid_in_doclist || w->first_rowid_in_page
            ? (uint64_t)rowid : (uint64_t)rowid - (uint64_t)w->prev_rowid;
    w->page.n += tl_fts5_varint(p + w->page.n, delta);
    w->prev_rowid = rowid;
    w->first_rowid_in_doclist = 0;
    w->first_rowid_in_page = 0;
    /* the size field, then the list, cut at a varint where a leaf is
     * full (fts5WriteAppendPoslistData) */
    w->page.n += tl_fts5_varint(p + w->page.n, (uint64_t)n * 2);
    if (w->page.n + w->pgidx.n + n < w->pgsz) {
        memcpy(p + w->page.n, pos, (size_t)n);
        w->page.n += n;
        return TL_OK;
    }
    while (!w->failed && w->page.n + w->pgidx.n + n >= w->pgsz) {
        int req = w->pgsz - w->page.n - w->pgidx.n, copy = 0;
        while (copy < req)
            copy += varint_len(pos + copy);
        add_bytes(w, &w->page, pos, copy);
        pos += copy;
        n -= copy;
        flush_leaf(w);
    }
    add_bytes(w, &w->page, pos, n);
    return result(w, err);
}

enum tl_status
tl_fts5_writer_finish(struct tl_fts5_writer *w, int *last_out,
                      struct tl_error *err)
{
    *last_out = 0;
    if (w->failed)
        return result(w, err);
    if (w->page.n > 4)
        flush_leaf(w);
    *last_out = w->pgno - 1;
    if (w->pgno > 1)
        flush_btree(w);
    return result(w, err);
}
