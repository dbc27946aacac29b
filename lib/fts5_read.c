/*
 * fts5_read.c - FTS5's postings read from its pages (fts5_read.h).
 *
 * The format (fts5_index.c's "Details"): a leaf page starts with two
 * big-endian 16-bit offsets, the first rowid that comes before the
 * page's first key (0: none) and the end of the leaf data (szLeaf),
 * after which a footer of varints gives each key's offset (deltas).  A
 * page's first key is "length, bytes", later ones "bytes shared with the
 * previous key, new bytes, bytes"; each key (FTS5's '0' byte, then the
 * term) is followed by its doclist: a rowid (absolute), then per row the
 * size of its position list times 2 plus a delete flag, the position
 * list, and the next rowid as a delta.  A doclist may go on over the
 * following pages: a position list from offset 4, and the first rowid
 * that starts on a page is absolute, at the header's offset.  Varints
 * never straddle pages (both of FTS5's writers keep them whole), but a
 * column marker (0x01) may be on one page and its column on the next.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fts5_read.h"
#include "fts5_varint.h"

/* A leaf's rowid in %_data: segid << 37 | page. */
#define LEAF_ID(segid, pgno) (((int64_t)(segid) << 37) + (int64_t)(pgno))
#define KEY_MAX 1024        /* longer keys: BAD (FTS5 caps tokens lower) */

/* SQLite's varint (lib/fts5_varint.h); reads at most 9 bytes: callers
 * keep TL_FTS5_PAD bytes after every buffer. */
#define varint tl_fts5_get_varint

/* ---- the structure and averages records ------------------------------- */

int
tl_fts5_structure(const unsigned char *a, int n, struct tl_fts5 *x)
{
    const unsigned char *p = a + 4, *end = a + n;
    uint64_t n_level, n_seg, counter;
    int k = 0;

    /* a copy with padding: the varints below may read past n */
    unsigned char *c = malloc((size_t)n + TL_FTS5_PAD);
    if (c == NULL || n < 5) {
        free(c);
        return TL_FTS5_BAD;
    }
    memcpy(c, a, (size_t)n);
    memset(c + n, 0, TL_FTS5_PAD);
    p = c + 4;
    end = c + n;
    free(x->seg);
    x->seg = NULL;
    x->n_seg = 0;
    if (p[0] == 0xff)               /* version 2 (contentless_delete) */
        goto bad;
    p = varint(p, &n_level);
    p = varint(p, &n_seg);
    p = varint(p, &counter);
    if (p > end || n_level > 64 || n_seg > 65536)
        goto bad;
    x->seg = calloc((size_t)n_seg + 1, sizeof *x->seg);
    if (x->seg == NULL)
        goto bad;
    for (uint64_t l = 0; l < n_level; l++) {
        uint64_t n_merge, n_in, at = (uint64_t)k;
        p = varint(p, &n_merge);
        p = varint(p, &n_in);
        if (p > end || n_merge != 0 || n_in > n_seg - (uint64_t)k)
            goto bad;
        /* oldest to newest on disk; newest first here */
        for (uint64_t i = 0; i < n_in; i++) {
            uint64_t id, first, last;
            p = varint(p, &id);
            p = varint(p, &first);
            p = varint(p, &last);
            if (p > end || id == 0 || id > 65535 || first != 1
                || last < first || last > 0x7fffffff)
                goto bad;
            struct tl_fts5_seg *s = &x->seg[at + n_in - 1 - i];
            s->segid = (int)id;
            s->first = (int)first;
            s->last = (int)last;
        }
        k += (int)n_in;
    }
    if ((uint64_t)k != n_seg || p > end)
        goto bad;
    x->n_seg = k;
    free(c);
    return 1;
bad:
    free(c);
    free(x->seg);
    x->seg = NULL;
    x->n_seg = 0;
    return TL_FTS5_BAD;
}

int
tl_fts5_averages(const unsigned char *a, int n, struct tl_fts5 *x)
{
    unsigned char c[16 * (TL_FTS5_COLUMNS + 1) + TL_FTS5_PAD];
    const unsigned char *p = c;
    uint64_t v;

    if (n <= 0 || (size_t)n > sizeof c - TL_FTS5_PAD)
        return TL_FTS5_BAD;
    memcpy(c, a, (size_t)n);
    memset(c + n, 0, TL_FTS5_PAD);
    p = varint(p, &v);
    x->rows = (int64_t)v;
    for (int i = 0; i < TL_FTS5_COLUMNS; i++) {
        p = varint(p, &v);
        x->totals[i] = (int64_t)v;
    }
    return p <= c + n && x->rows >= 0 ? 1 : TL_FTS5_BAD;
}

/* ---- one leaf page ------------------------------------------------------ */

struct page {
    unsigned char *a;
    int n, cap;
    int pgno;
    int first_rowid;        /* header: 0, or the first rowid before any key */
    int szleaf;
    int *key;               /* the keys' offsets, from the footer */
    int n_key, key_cap;
};

/* Reads page pgno of seg into pg: 1, 0 (no such page), BAD. */
static int
page_load(const struct tl_fts5 *x, const struct tl_fts5_seg *seg, int pgno,
          struct page *pg)
{
    const unsigned char *p, *end;
    int rc, off = 0;

    if (pgno < seg->first || pgno > seg->last)
        return 0;
    rc = x->src.page(x->src.ctx, LEAF_ID(seg->segid, pgno), &pg->a, &pg->n,
                     &pg->cap);
    if (rc <= 0)
        return rc < 0 ? TL_FTS5_BAD : 0;
    pg->pgno = pgno;
    pg->n_key = 0;
    if (pg->n < 4)
        return TL_FTS5_BAD;
    pg->first_rowid = pg->a[0] << 8 | pg->a[1];
    pg->szleaf = pg->a[2] << 8 | pg->a[3];
    if (pg->szleaf < 4 || pg->szleaf > pg->n
        || pg->first_rowid >= pg->szleaf
        || (pg->first_rowid != 0 && pg->first_rowid < 4))
        return TL_FTS5_BAD;
    p = pg->a + pg->szleaf;
    end = pg->a + pg->n;
    while (p < end) {
        uint64_t d;
        p = varint(p, &d);
        if (p > end || d > (uint64_t)pg->szleaf)
            return TL_FTS5_BAD;
        off += (int)d;
        if (off < 4 || off >= pg->szleaf
            || (pg->n_key > 0 && off <= pg->key[pg->n_key - 1]))
            return TL_FTS5_BAD;
        if (pg->n_key == pg->key_cap) {
            int cap = pg->key_cap ? 2 * pg->key_cap : 64;
            int *k = realloc(pg->key, (size_t)cap * sizeof *k);
            if (k == NULL)
                return TL_FTS5_BAD;
            pg->key = k;
            pg->key_cap = cap;
        }
        pg->key[pg->n_key++] = off;
    }
    return 1;
}

static void
page_release(struct page *pg)
{
    free(pg->a);
    free(pg->key);
    memset(pg, 0, sizeof *pg);
}

/* The i-th key of pg into key (whose first *len bytes are the previous
 * key's, for i > 0): its new *len and where its doclist starts, or -1. */
static int
key_at(const struct page *pg, int i, unsigned char *key, int *len)
{
    const unsigned char *p = pg->a + pg->key[i];
    const unsigned char *end = pg->a + pg->szleaf;
    uint64_t shared = 0, fresh;

    if (i > 0)
        p = varint(p, &shared);
    p = varint(p, &fresh);
    if (p > end || shared > (uint64_t)*len || fresh > KEY_MAX
        || shared + fresh > KEY_MAX || (int64_t)fresh > end - p)
        return -1;
    if (i == 0 && shared != 0)
        return -1;
    memcpy(key + shared, p, (size_t)fresh);
    *len = (int)(shared + fresh);
    return (int)(p + fresh - pg->a);
}

/* ---- one term's doclist in one segment ------------------------------------ */

struct segcur {
    const struct tl_fts5 *x;
    const struct tl_fts5_seg *seg;
    struct page pg;
    int pos;                /* the next byte */
    int end;                /* where this page's part of the doclist ends */
    int ends_here;          /* end is a key: the doclist stops there */
    int started;            /* a rowid was read */
    int eof;
    int64_t rowid;
    int size;               /* the row's position list, bytes */
    int del;                /* its delete flag */
    int taken;              /* the position list was read or skipped */
    const unsigned char *pl;    /* the position list, once read */
    unsigned char *scratch;     /* ... when it spans pages */
    int scratch_cap;
    /* the doclist index (FTS5's "dlidx"): the first rowid of each later
     * page of a doclist that spans pages, for seeking */
    int term_pg;            /* the page the key is on */
    int last_key;           /* the key is its page's last: it may span */
    int dl_state;           /* 0 not read, 1 read, -1 none */
    int *dl_pg;
    int64_t *dl_row;
    int dl_n, dl_at;
};

/* A doclist index leaf's rowid in %_data (fts5_index.c's
 * FTS5_DLIDX_ROWID(segid, 0, pgno)). */
#define DLIDX_ID(segid, pgno) \
    (((int64_t)(segid) << 37) + ((int64_t)1 << 36) + (int64_t)(pgno))
#define DLIDX_LEAVES 64

/* Where the doclist part that starts at pos on the current page ends. */
static void
set_end(struct segcur *c)
{
    c->end = c->pg.szleaf;
    c->ends_here = 0;
    for (int i = 0; i < c->pg.n_key; i++)
        if (c->pg.key[i] >= c->pos) {
            c->end = c->pg.key[i];
            c->ends_here = 1;
            break;
        }
}

/* The next page, for a position list that goes on: BAD unless there is
 * one.  The list continues at offset 4. */
static int
next_page(struct segcur *c)
{
    int rc = page_load(c->x, c->seg, c->pg.pgno + 1, &c->pg);

    if (rc != 1)
        return TL_FTS5_BAD;
    c->pos = 4;
    set_end(c);
    return 1;
}

/* Takes the current row's position list: into c->pl (contiguous) when
 * want, else skipped.  1 or BAD. */
static int
take_poslist(struct segcur *c, int want)
{
    int left = c->size, have = 0;

    c->taken = 1;
    if (c->pos + left <= c->end) {
        c->pl = c->pg.a + c->pos;
        c->pos += left;
        return 1;
    }
    if (c->ends_here)
        return TL_FTS5_BAD;     /* a list cannot run into a key */
    if (want && c->scratch_cap < left + TL_FTS5_PAD) {
        unsigned char *s = realloc(c->scratch, (size_t)left + TL_FTS5_PAD);
        if (s == NULL)
            return TL_FTS5_BAD;
        c->scratch = s;
        c->scratch_cap = left + TL_FTS5_PAD;
    }
    while (left > 0) {
        int n = c->end - c->pos;
        if (n > left)
            n = left;
        if (want)
            memcpy(c->scratch + have, c->pg.a + c->pos, (size_t)n);
        have += n;
        left -= n;
        c->pos += n;
        if (left > 0) {
            if (c->ends_here || next_page(c) != 1)
                return TL_FTS5_BAD;
        }
    }
    if (want) {
        memset(c->scratch + have, 0, TL_FTS5_PAD);
        c->pl = c->scratch;
    }
    return 1;
}

/* Reads c's doclist index, if its doclist has one: its leaves from the
 * key's page on (each leaf: a flags byte, bit 0 "more leaves"; the
 * first page and its first rowid; then per later page a 0 byte when it
 * starts no row, or the delta of its first rowid: fts5DlidxLvlNext()).
 * Anything odd: no index, the doclist is read in order. */
static void
dl_load(struct segcur *c)
{
    unsigned char *buf = NULL;
    int n = 0, cap = 0, at = 0, pg = 0;
    int64_t row = 0;

    c->dl_state = -1;
    if (!c->last_key)
        return;
    for (int leaf = 0; leaf < DLIDX_LEAVES; leaf++) {
        const unsigned char *p, *end;
        uint64_t v;
        if (c->x->src.page(c->x->src.ctx, DLIDX_ID(c->seg->segid,
                                                   c->term_pg + leaf),
                           &buf, &n, &cap) != 1 || n < 2)
            break;
        p = buf + 1;
        end = buf + n;
        for (int first = 1; p < end; first = 0) {
            int zeros = 0;
            if (first) {
                p = varint(p, &v);
                if (v <= (uint64_t)pg || v > (uint64_t)c->seg->last)
                    goto bad;
                pg = (int)v;
                p = varint(p, &v);
                if (p > end || (at > 0 && (int64_t)v <= row))
                    goto bad;
                row = (int64_t)v;
            } else {
                while (p < end && *p == 0) {
                    zeros++;
                    p++;
                }
                if (p >= end)
                    break;
                p = varint(p, &v);
                if (p > end || v == 0 || v > (uint64_t)INT64_MAX - (uint64_t)row)
                    goto bad;
                pg += zeros + 1;
                row += (int64_t)v;
                if (pg > c->seg->last)
                    goto bad;
            }
            if (at % 256 == 0) {
                int *np = realloc(c->dl_pg, ((size_t)at + 256) * sizeof *np);
                if (np == NULL)
                    goto bad;
                c->dl_pg = np;
                int64_t *nr = realloc(c->dl_row, ((size_t)at + 256)
                                                 * sizeof *nr);
                if (nr == NULL)
                    goto bad;
                c->dl_row = nr;
            }
            c->dl_pg[at] = pg;
            c->dl_row[at] = row;
            at++;
        }
        if (!(buf[0] & 1))
            break;
    }
    free(buf);
    c->dl_n = at;
    c->dl_state = at > 0 ? 1 : -1;
    return;
bad:
    free(buf);
    c->dl_n = 0;
}

static int seg_step(struct segcur *c);

static _Atomic long n_seeks;

long
tl_fts5_seeks(void)
{
    return n_seeks;
}

/* Moves c towards min through its doclist index: to the last later page
 * whose first rowid is at most min, when there is one.  1 or BAD. */
static int
dl_seek(struct segcur *c, int64_t min)
{
    int j;

    if (c->dl_state == 0)
        dl_load(c);
    if (c->dl_state != 1)
        return 1;
    while (c->dl_at < c->dl_n && c->dl_pg[c->dl_at] <= c->pg.pgno)
        c->dl_at++;
    if (c->dl_at >= c->dl_n || c->dl_row[c->dl_at] > min)
        return 1;
    /* the last page starting at or before min */
    int lo = c->dl_at, hi = c->dl_n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (c->dl_row[mid] <= min)
            lo = mid;
        else
            hi = mid - 1;
    }
    j = lo;
    if (page_load(c->x, c->seg, c->dl_pg[j], &c->pg) != 1
        || c->pg.first_rowid == 0)
        return TL_FTS5_BAD;
    c->pos = c->pg.first_rowid;
    set_end(c);
    c->taken = 1;           /* nothing to skip: a row starts here */
    if (seg_step(c) != TL_FTS5_ROW || c->rowid != c->dl_row[j])
        return TL_FTS5_BAD; /* the index and the page disagree */
    c->dl_at = j + 1;
    n_seeks++;
    return 1;
}

/* The next row of the doclist: ROW, EOF or BAD. */
static int
seg_step(struct segcur *c)
{
    const unsigned char *p;
    uint64_t v, sz;
    int absolute = !c->started;

    if (c->eof)
        return TL_FTS5_EOF;
    if (c->started && !c->taken) {
        if (c->pos + c->size <= c->end)
            c->pos += c->size;      /* the list skipped, on this page */
        else if (take_poslist(c, 0) != 1)
            return TL_FTS5_BAD;
    }
    if (c->pos >= c->end) {
        int rc;
        if (c->pos > c->end)
            return TL_FTS5_BAD;
        if (c->ends_here) {
            if (!c->started)
                return TL_FTS5_BAD;     /* a key without rows */
            c->eof = 1;
            return TL_FTS5_EOF;
        }
        /* the doclist goes on (or, after its key, starts) on the next
         * page, at the rowid the header points to */
        rc = page_load(c->x, c->seg, c->pg.pgno + 1, &c->pg);
        if (rc == 0 && c->started) {    /* the segment's last page */
            c->eof = 1;
            return TL_FTS5_EOF;
        }
        if (rc != 1)
            return TL_FTS5_BAD;
        if (c->pg.first_rowid == 0) {
            /* no rowid before a key: the doclist ended with the page
             * before, and a key must start this one */
            if (!c->started || c->pg.n_key == 0 || c->pg.key[0] != 4)
                return TL_FTS5_BAD;
            c->eof = 1;
            return TL_FTS5_EOF;
        }
        c->pos = c->pg.first_rowid;
        set_end(c);
        absolute = 1;
    } else if (c->pos == c->pg.first_rowid) {
        absolute = 1;
    }
    p = varint(c->pg.a + c->pos, &v);
    p = varint(p, &sz);
    if (p > c->pg.a + c->end || sz >> 1 > 0x7fffffff)
        return TL_FTS5_BAD;
    if (absolute) {
        if (c->started && (int64_t)v <= c->rowid)
            return TL_FTS5_BAD;
        c->rowid = (int64_t)v;
    } else {
        if (v == 0 || v > (uint64_t)INT64_MAX - (uint64_t)c->rowid)
            return TL_FTS5_BAD;
        c->rowid += (int64_t)v;
    }
    c->started = 1;
    c->pos = (int)(p - c->pg.a);
    c->size = (int)(sz >> 1);
    c->del = (int)(sz & 1);
    c->taken = 0;
    c->pl = NULL;
    return TL_FTS5_ROW;
}

/* Steps c over the rows before min that sit wholly on its page, their
 * position lists skipped: seg_step()'s work without its cases (a page
 * ending, a list going on to the next page, an absolute rowid, damage),
 * which are left to it where they come. */
static void
seg_skip(struct segcur *c, int64_t min)
{
    const unsigned char *a = c->pg.a;
    int64_t rowid = c->rowid;
    int pos = c->pos, size = c->size, moved = 0, del = 0;
    const int end = c->end, first_rowid = c->pg.first_rowid;
    int next;

    if (!c->started || c->eof)
        return;
    next = c->taken ? pos : pos + size;
    while (rowid < min) {
        const unsigned char *p = a + next;
        uint64_t v, sz;
        if (next >= end || next == first_rowid)
            break;
        if (((p[0] | p[1]) & 0x80) == 0) {
            /* both one byte: most rows of a long list (the page has
             * TL_FTS5_PAD bytes of padding after its end) */
            v = p[0];
            sz = p[1];
            p += 2;
            if (p > a + end || v == 0
                || v > (uint64_t)INT64_MAX - (uint64_t)rowid)
                break;
        } else {
            p = varint(varint(p, &v), &sz);
            if (p > a + end || v == 0 || sz >> 1 > 0x7fffffff
                || v > (uint64_t)INT64_MAX - (uint64_t)rowid)
                break;
        }
        rowid += (int64_t)v;
        pos = (int)(p - a);
        size = (int)(sz >> 1);
        del = (int)(sz & 1);
        next = pos + size;
        moved = 1;
    }
    if (moved) {
        c->rowid = rowid;
        c->pos = pos;
        c->size = size;
        c->del = del;
        c->taken = 0;
        c->pl = NULL;
    }
}

/* ---- a token: its terms' doclists in every segment ------------------------ */

struct tl_fts5_tok {
    struct segcur *c;       /* by term, each term's newest segment first */
    int *term;              /* each cursor's term */
    int n, cap;
    int64_t rowid;
    int *win;               /* the cursors of the current row (one a term) */
    int n_win;
    uint64_t *pos, *tmp;    /* the current row's positions */
    int pos_cap, tmp_cap, n_pos, have_pos;
    /* several cursors (a prefix's terms, segments): a min-heap of those
     * not at their end, by rowid */
    int *heap;
    int n_heap;
    int *live;              /* scratch: which of win are live */
};

static void
heap_down(struct tl_fts5_tok *t, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->n_heap && t->c[t->heap[l]].rowid < t->c[t->heap[m]].rowid)
            m = l;
        if (r < t->n_heap && t->c[t->heap[r]].rowid < t->c[t->heap[m]].rowid)
            m = r;
        if (m == i)
            return;
        int x = t->heap[i];
        t->heap[i] = t->heap[m];
        t->heap[m] = x;
        i = m;
    }
}

/* The cursors at rowid r (the heap's top ones) into t->win. */
static void
heap_collect(struct tl_fts5_tok *t, int i, int64_t r)
{
    if (i >= t->n_heap || t->c[t->heap[i]].rowid != r)
        return;
    t->win[t->n_win++] = t->heap[i];
    heap_collect(t, 2 * i + 1, r);
    heap_collect(t, 2 * i + 2, r);
}

static int
add_cursor(struct tl_fts5_tok *t, const struct tl_fts5 *x,
           const struct tl_fts5_seg *seg, const struct page *pg, int start,
           int term, int last_key)
{
    struct segcur *c;

    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 8;
        struct segcur *nc = realloc(t->c, (size_t)cap * sizeof *nc);
        if (nc == NULL)
            return TL_FTS5_BAD;
        t->c = nc;
        int *nt = realloc(t->term, (size_t)cap * sizeof *nt);
        if (nt == NULL)
            return TL_FTS5_BAD;
        t->term = nt;
        int *nw = realloc(t->win, (size_t)cap * sizeof *nw);
        if (nw == NULL)
            return TL_FTS5_BAD;
        t->win = nw;
        t->cap = cap;
    }
    c = &t->c[t->n];
    memset(c, 0, sizeof *c);
    c->x = x;
    c->seg = seg;
    c->pg.a = malloc((size_t)pg->n + TL_FTS5_PAD);
    c->pg.key = malloc(((size_t)pg->n_key + 1) * sizeof *c->pg.key);
    if (c->pg.a == NULL || c->pg.key == NULL) {
        page_release(&c->pg);
        return TL_FTS5_BAD;
    }
    memcpy(c->pg.a, pg->a, (size_t)pg->n + TL_FTS5_PAD);
    memcpy(c->pg.key, pg->key, (size_t)pg->n_key * sizeof *pg->key);
    c->pg.n = pg->n;
    c->pg.cap = pg->n + TL_FTS5_PAD;
    c->pg.pgno = pg->pgno;
    c->pg.first_rowid = pg->first_rowid;
    c->pg.szleaf = pg->szleaf;
    c->pg.n_key = pg->n_key;
    c->pg.key_cap = pg->n_key + 1;
    c->pos = start;
    set_end(c);
    c->term_pg = pg->pgno;
    c->last_key = last_key;
    t->term[t->n] = term;
    t->n++;
    return 1;
}

/* Does key (len bytes) hold the wanted one (want, n bytes): <0 before
 * it, 0 a match (equal, or starting with it for a prefix), >0 after. */
static int
key_cmp(const unsigned char *key, int len, const unsigned char *want, int n,
        int prefix)
{
    int m = len < n ? len : n, d = memcmp(key, want, (size_t)m);

    if (d != 0)
        return d;
    if (len == n || (prefix && len > n))
        return 0;
    return len < n ? -1 : 1;
}

/* A prefix's terms met so far, so that a term's cursors in every
 * segment get the same number. */
struct terms {
    unsigned char *bytes;
    size_t used, cap;
    size_t *off;
    int *len;
    int n, cap_n;
};

/* The number of key (len bytes) among t's terms, added if new (fresh:
 * it cannot be there, the first segment's keys being all different);
 * -1 when out of memory or over TL_FTS5_PREFIX_TERMS. */
static int
term_number(struct terms *t, const unsigned char *key, int len, int fresh)
{
    for (int i = 0; !fresh && i < t->n; i++)
        if (t->len[i] == len && memcmp(t->bytes + t->off[i], key,
                                       (size_t)len) == 0)
            return i;
    if (t->n >= TL_FTS5_PREFIX_TERMS)
        return -1;
    if (t->n == t->cap_n) {
        int cap = t->cap_n ? 2 * t->cap_n : 16;
        size_t *no = realloc(t->off, (size_t)cap * sizeof *no);
        if (no == NULL)
            return -1;
        t->off = no;
        int *nl = realloc(t->len, (size_t)cap * sizeof *nl);
        if (nl == NULL)
            return -1;
        t->len = nl;
        t->cap_n = cap;
    }
    if (t->used + (size_t)len > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        while (cap < t->used + (size_t)len)
            cap *= 2;
        unsigned char *nb = realloc(t->bytes, cap);
        if (nb == NULL)
            return -1;
        t->bytes = nb;
        t->cap = cap;
    }
    memcpy(t->bytes + t->used, key, (size_t)len);
    t->off[t->n] = t->used;
    t->len[t->n] = len;
    t->used += (size_t)len;
    return t->n++;
}

/* The cursors of segment seg's terms matching want into t, numbered by
 * terms (a term's number the same in every segment); fresh: the first
 * segment read. */
static int
open_in_segment(struct tl_fts5_tok *t, const struct tl_fts5 *x,
                const struct tl_fts5_seg *seg, const unsigned char *want,
                int n, int prefix, struct terms *terms, int fresh)
{
    struct page pg;
    unsigned char key[KEY_MAX];
    int pgno = 0, rc = 1, len = 0, done = 0;

    memset(&pg, 0, sizeof pg);
    if (x->src.find(x->src.ctx, seg->segid, want, n, &pgno) < 0)
        return TL_FTS5_BAD;
    if (pgno == 0)
        pgno = seg->first;
    while (!done) {
        rc = page_load(x, seg, pgno++, &pg);
        if (rc != 1)
            break;
        for (int i = 0; i < pg.n_key && !done; i++) {
            int start = key_at(&pg, i, key, &len), d, term;
            if (start < 0) {
                rc = TL_FTS5_BAD;
                goto out;
            }
            d = key_cmp(key, len, want, n, prefix);
            if (d < 0)
                continue;
            if (d > 0) {
                done = 1;
                break;
            }
            term = term_number(terms, key, len, fresh);
            if (term < 0) {
                rc = TL_FTS5_BAD;
                goto out;
            }
            rc = add_cursor(t, x, seg, &pg, start, term, i == pg.n_key - 1);
            if (rc != 1)
                goto out;
            if (!prefix)
                done = 1;
        }
        /* a whole term is on the page where the idx table points: only
         * a prefix's terms go on to the next pages */
        if (!prefix)
            break;
    }
    if (rc == 0)
        rc = 1;                 /* the segment's last page: done */
out:
    page_release(&pg);
    return rc;
}

int
tl_fts5_tok_open(struct tl_fts5 *x, const char *term, int len, int prefix,
                 struct tl_fts5_tok **out)
{
    struct tl_fts5_tok *t;
    unsigned char want[KEY_MAX];
    struct terms terms;
    int rc = 1;

    *out = NULL;
    memset(&terms, 0, sizeof terms);
    if (len < 0 || len + 1 > KEY_MAX)
        return TL_FTS5_BAD;
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        rc = TL_FTS5_BAD;
        goto out;
    }
    want[0] = '0';
    memcpy(want + 1, term, (size_t)len);
    /* newest segment first, so that each term's cursors are too */
    for (int s = 0; s < x->n_seg && rc == 1; s++)
        rc = open_in_segment(t, x, &x->seg[s], want, len + 1, prefix, &terms,
                             s == 0);
    t->rowid = INT64_MIN;
    for (int i = 0; i < t->n && rc == 1; i++)
        if (seg_step(&t->c[i]) == TL_FTS5_BAD)
            rc = TL_FTS5_BAD;
    if (rc == 1 && t->n > 1) {
        t->heap = malloc((size_t)t->n * sizeof *t->heap);
        t->live = malloc((size_t)t->n * sizeof *t->live);
        if (t->heap == NULL || t->live == NULL)
            rc = TL_FTS5_BAD;
        for (int i = 0; rc == 1 && i < t->n; i++)
            if (!t->c[i].eof)
                t->heap[t->n_heap++] = i;
        for (int i = t->n_heap / 2 - 1; rc == 1 && i >= 0; i--)
            heap_down(t, i);
    }
out:
    free(terms.bytes);
    free(terms.off);
    free(terms.len);
    if (rc != 1) {
        tl_fts5_tok_free(t);
        return TL_FTS5_BAD;
    }
    *out = t;
    return 1;
}

int
tl_fts5_tok_next(struct tl_fts5_tok *t, int64_t min)
{
    if (t->rowid >= min && t->n_win > 0)
        return TL_FTS5_ROW;
    t->have_pos = 0;
    if (t->n == 1) {            /* one term in one segment: no merging */
        struct segcur *c = &t->c[0];
        /* far ahead: through the doclist index, not row by row */
        if (!c->eof && c->rowid < min && c->dl_state >= 0
            && dl_seek(c, min) != 1)
            return TL_FTS5_BAD;
        for (;;) {
            seg_skip(c, min);
            while (!c->eof && c->rowid < min)
                if (seg_step(c) == TL_FTS5_BAD)
                    return TL_FTS5_BAD;
            if (c->eof) {
                t->n_win = 0;
                t->rowid = INT64_MAX;
                return TL_FTS5_EOF;
            }
            if (c->size > 0) {
                t->win[0] = 0;
                t->n_win = 1;
                t->rowid = c->rowid;
                return TL_FTS5_ROW;
            }
            min = c->rowid + 1;     /* deleted here */
        }
    }
    for (;;) {
        int64_t r;

        /* the cursors behind min step on (a cursor at its end leaves) */
        while (t->n_heap > 0 && t->c[t->heap[0]].rowid < min) {
            struct segcur *c = &t->c[t->heap[0]];
            if (c->dl_state >= 0 && dl_seek(c, min) != 1)
                return TL_FTS5_BAD;
            if (c->rowid < min && seg_step(c) == TL_FTS5_BAD)
                return TL_FTS5_BAD;
            if (c->eof)
                t->heap[0] = t->heap[--t->n_heap];
            heap_down(t, 0);
        }
        t->n_win = 0;
        if (t->n_heap == 0) {
            t->rowid = INT64_MAX;
            return TL_FTS5_EOF;
        }
        r = t->c[t->heap[0]].rowid;
        heap_collect(t, 0, r);
        /* in cursor order: each term's newest segment first */
        for (int i = 1; i < t->n_win; i++)
            for (int j = i; j > 0 && t->win[j - 1] > t->win[j]; j--) {
                int x = t->win[j];
                t->win[j] = t->win[j - 1];
                t->win[j - 1] = x;
            }
        /* each term's newest entry for r; an empty one (a delete) hides
         * the row from that term (the older entries are shadowed) */
        int k = 0;
        for (int j = 0; j < t->n_win; j++) {
            int shadowed = 0;
            for (int i = 0; i < j; i++)
                shadowed |= t->term[t->win[i]] == t->term[t->win[j]];
            t->live[j] = !shadowed && t->c[t->win[j]].size > 0;
        }
        for (int j = 0; j < t->n_win; j++)
            if (t->live[j])
                t->win[k++] = t->win[j];
        t->n_win = k;
        if (k > 0) {
            t->rowid = r;
            return TL_FTS5_ROW;
        }
        if (r == INT64_MAX)
            return TL_FTS5_EOF;
        min = r + 1;
    }
}

int64_t
tl_fts5_tok_rowid(const struct tl_fts5_tok *t)
{
    return t->rowid;
}

int
tl_fts5_tok_size(const struct tl_fts5_tok *t)
{
    return t->n_win == 1 ? t->c[t->win[0]].size : -1;
}

int
tl_fts5_tok_list(const struct tl_fts5_tok *t, const unsigned char **a_out,
                 int *n_out)
{
    const struct segcur *c;

    if (t->n_win != 1)
        return 0;
    c = &t->c[t->win[0]];
    if (c->taken) {
        if (c->pl == NULL)
            return 0;
        *a_out = c->pl;
    } else if (c->pos + c->size <= c->end) {
        *a_out = c->pg.a + c->pos;
    } else {
        return 0;               /* it goes on to the next page */
    }
    *n_out = c->size;
    return 1;
}

int
tl_fts5_poslist(const unsigned char *a, int n, uint64_t **pos, int *cap)
{
    const unsigned char *p = a, *end = a + n;
    uint64_t col = 0, off = 0, *out = *pos, last = 0;
    int k = 0, c = *cap;

    while (p < end) {
        uint64_t v;
        if (*p < 0x80)
            v = *p++;
        else
            p = varint(p, &v);
        if (v == 1) {
            uint64_t nc;
            p = varint(p, &nc);
            /* columns ascend: a list out of order is damage */
            if (nc > 0xffff || nc <= col)
                return TL_FTS5_BAD;
            col = nc;
            off = 0;
            continue;
        }
        if (v < 2 || v - 2 > 0x7fffffff - off)
            return TL_FTS5_BAD;
        off += v - 2;
        if (k == c) {
            c = c ? 2 * c : 64;
            uint64_t *np = realloc(out, (size_t)c * sizeof *np);
            if (np == NULL)
                return TL_FTS5_BAD;
            out = np;
            *pos = np;
            *cap = c;
        }
        uint64_t at = col << 32 | off;
        if (k > 0 && at <= last)
            return TL_FTS5_BAD;     /* positions ascend, each once */
        out[k++] = last = at;
    }
    return p == end ? k : TL_FTS5_BAD;
}

/* Merges the sorted, unique a (na) and b (nb) into out (room na + nb),
 * unique: the count. */
static int
merge_unique(const uint64_t *a, int na, const uint64_t *b, int nb,
             uint64_t *out)
{
    int i = 0, j = 0, k = 0;

    while (i < na || j < nb) {
        uint64_t v;
        if (j >= nb || (i < na && a[i] < b[j]))
            v = a[i++];
        else if (i >= na || b[j] < a[i])
            v = b[j++];
        else {
            v = a[i++];
            j++;
        }
        out[k++] = v;
    }
    return k;
}

int
tl_fts5_tok_positions(struct tl_fts5_tok *t, const uint64_t **pos_out,
                      int *n_out)
{
    if (!t->have_pos) {
        t->n_pos = 0;
        for (int j = 0; j < t->n_win; j++) {
            struct segcur *c = &t->c[t->win[j]];
            int n;
            if (!c->taken && take_poslist(c, 1) != 1)
                return TL_FTS5_BAD;
            if (j == 0) {
                n = tl_fts5_poslist(c->pl, c->size, &t->pos, &t->pos_cap);
                if (n < 0)
                    return TL_FTS5_BAD;
                t->n_pos = n;
                continue;
            }
            /* a prefix's terms in one row: merged */
            n = tl_fts5_poslist(c->pl, c->size, &t->tmp, &t->tmp_cap);
            if (n < 0)
                return TL_FTS5_BAD;
            if (t->pos_cap < t->n_pos + n) {
                uint64_t *np = realloc(t->pos, (size_t)(t->n_pos + n)
                                               * 2 * sizeof *np);
                if (np == NULL)
                    return TL_FTS5_BAD;
                t->pos = np;
                t->pos_cap = (t->n_pos + n) * 2;
            }
            /* merge from the back half: copy the current ones up */
            memmove(t->pos + n, t->pos, (size_t)t->n_pos * sizeof *t->pos);
            t->n_pos = merge_unique(t->pos + n, t->n_pos, t->tmp, n, t->pos);
        }
        t->have_pos = 1;
    }
    *pos_out = t->pos;
    *n_out = t->n_pos;
    return 1;
}

void
tl_fts5_tok_free(struct tl_fts5_tok *t)
{
    if (t == NULL)
        return;
    for (int i = 0; i < t->n; i++) {
        page_release(&t->c[i].pg);
        free(t->c[i].scratch);
        free(t->c[i].dl_pg);
        free(t->c[i].dl_row);
    }
    free(t->c);
    free(t->term);
    free(t->win);
    free(t->heap);
    free(t->live);
    free(t->pos);
    free(t->tmp);
    free(t);
}

/* ---- the vocabulary of a one-segment index ------------------------------- */

int
tl_fts5_vocab(const struct tl_fts5 *x, tl_fts5_vocab_fn fn, void *ctx)
{
    const struct tl_fts5_seg *seg = x->n_seg == 1 ? &x->seg[0] : NULL;
    unsigned char key[KEY_MAX], prev[KEY_MAX];
    struct page pg;
    int64_t df = 0;
    int klen = 0, plen = 0, have_key = 0, rc = TL_FTS5_BAD;

    if (seg == NULL)
        return TL_FTS5_BAD;
    memset(&pg, 0, sizeof pg);
    for (int pgno = seg->first; pgno <= seg->last; pgno++) {
        int k = 0, next_key, at;

        if (page_load(x, seg, pgno, &pg) != 1)
            goto out;
        next_key = pg.n_key > 0 ? pg.key[0] : pg.szleaf;
        /* before the first row or key: the rest of a position list */
        at = pg.first_rowid != 0 ? pg.first_rowid : next_key;
        if (at > next_key)
            goto out;
        for (;;) {
            /* the rows up to the next key: a row counts when it has
             * positions (one without is a deletion) */
            while (at < next_key) {
                const unsigned char *p = pg.a + at;
                uint64_t rowid, size;
                if (!have_key)
                    goto out;
                p = varint(p, &rowid);
                p = varint(p, &size);
                at = (int)(p - pg.a);
                if (at > next_key)
                    goto out;
                if (size >> 1 > 0)
                    df++;
                if ((uint64_t)at + (size >> 1) <= (uint64_t)next_key) {
                    at += (int)(size >> 1);
                } else if (next_key == pg.szleaf) {
                    at = next_key;  /* the list goes on over pages */
                } else {
                    goto out;       /* a list cannot run into a key */
                }
            }
            if (k >= pg.n_key)
                break;
            if (have_key && df > 0 && key[0] == '0'
                && fn(ctx, key + 1, klen - 1, df) != 0) {
                rc = TL_FTS5_EOF;
                goto out;
            }
            df = 0;
            memcpy(prev, key, (size_t)klen);
            plen = klen;
            at = key_at(&pg, k, key, &klen);
            if (at < 0 || klen < 1)
                goto out;
            /* keys grow, or the page is not FTS5's */
            if (have_key) {
                int c = memcmp(key, prev, (size_t)(klen < plen ? klen
                                                               : plen));
                if (c < 0 || (c == 0 && klen <= plen))
                    goto out;
            }
            have_key = 1;
            k++;
            next_key = k < pg.n_key ? pg.key[k] : pg.szleaf;
        }
    }
    if (have_key && df > 0 && key[0] == '0')
        fn(ctx, key + 1, klen - 1, df);
    rc = TL_FTS5_EOF;
out:
    page_release(&pg);
    return rc;
}

/* ---- every key of one segment, in order ---------------------------------- */

struct tl_fts5_walk {
    struct segcur c;
    unsigned char key[KEY_MAX];
    int klen;
    int next_ki;            /* after a key's rows: the next key's index
                               on the page, -1 none (the segment ends) */
    int rows_done;
};

/* Moves w to key ki of its page: the key, and its doclist's start. */
static int
walk_at(struct tl_fts5_walk *w, int ki)
{
    struct segcur *c = &w->c;
    unsigned char prev[KEY_MAX];
    int plen = w->klen, start;

    memcpy(prev, w->key, (size_t)plen);
    start = key_at(&c->pg, ki, w->key, &w->klen);
    if (start < 0 || w->klen < 1)
        return TL_FTS5_BAD;
    if (plen > 0) {             /* keys grow, or the pages are not FTS5's */
        int d = memcmp(w->key, prev, (size_t)(w->klen < plen ? w->klen
                                                             : plen));
        if (d < 0 || (d == 0 && w->klen <= plen))
            return TL_FTS5_BAD;
    }
    c->pos = start;
    set_end(c);
    c->started = 0;
    c->eof = 0;
    c->taken = 1;
    c->size = 0;
    c->del = 0;
    c->pl = NULL;
    c->term_pg = c->pg.pgno;
    c->last_key = ki == c->pg.n_key - 1;
    c->dl_state = -1;           /* read in order: no doclist index */
    w->rows_done = 0;
    return TL_FTS5_ROW;
}

int
tl_fts5_walk_open(const struct tl_fts5 *x, int i, struct tl_fts5_walk **out)
{
    struct tl_fts5_walk *w;
    int rc;

    *out = NULL;
    if (i < 0 || i >= x->n_seg)
        return TL_FTS5_BAD;
    w = calloc(1, sizeof *w);
    if (w == NULL)
        return TL_FTS5_BAD;
    w->c.x = x;
    w->c.seg = &x->seg[i];
    rc = page_load(x, w->c.seg, w->c.seg->first, &w->c.pg);
    /* a segment starts with a key, at the first byte after the header */
    if (rc != 1 || w->c.pg.first_rowid != 0 || w->c.pg.n_key == 0
        || w->c.pg.key[0] != 4 || walk_at(w, 0) != TL_FTS5_ROW) {
        tl_fts5_walk_free(w);
        return TL_FTS5_BAD;
    }
    *out = w;
    return TL_FTS5_ROW;
}

int
tl_fts5_walk_page(const struct tl_fts5_walk *w, int *segid)
{
    *segid = w->c.seg->segid;
    return w->c.pg.pgno;
}

const unsigned char *
tl_fts5_walk_key(const struct tl_fts5_walk *w, int *len)
{
    *len = w->klen;
    return w->key;
}

int
tl_fts5_walk_row(struct tl_fts5_walk *w, int64_t *rowid,
                 const unsigned char **pos, int *n)
{
    struct segcur *c = &w->c;
    int pgno = c->pg.pgno, rc;

    if (w->rows_done)
        return TL_FTS5_EOF;
    rc = seg_step(c);
    if (rc == TL_FTS5_ROW) {
        if (c->del || take_poslist(c, 1) != 1)
            return TL_FTS5_BAD;     /* a deletion: not a plain segment */
        *rowid = c->rowid;
        *pos = c->pl;
        *n = c->size;
        return TL_FTS5_ROW;
    }
    if (rc != TL_FTS5_EOF)
        return rc;
    /* where the next key is: right after the doclist on this page, first
     * on the page the doclist ran into, or nowhere (the last page) */
    w->rows_done = 1;
    w->next_ki = -1;
    if (c->ends_here) {
        for (int k = 0; k < c->pg.n_key && w->next_ki < 0; k++)
            if (c->pg.key[k] == c->end)
                w->next_ki = k;
        if (w->next_ki < 0)
            return TL_FTS5_BAD;
    } else if (c->pg.pgno != pgno) {
        w->next_ki = 0;             /* seg_step checked it is at 4 */
    }
    return TL_FTS5_EOF;
}

int
tl_fts5_walk_next(struct tl_fts5_walk *w)
{
    int64_t rowid;
    const unsigned char *pos;
    int n, rc;

    while ((rc = tl_fts5_walk_row(w, &rowid, &pos, &n)) == TL_FTS5_ROW)
        ;
    if (rc != TL_FTS5_EOF)
        return rc;
    if (w->next_ki < 0)
        return TL_FTS5_EOF;
    return walk_at(w, w->next_ki);
}

void
tl_fts5_walk_free(struct tl_fts5_walk *w)
{
    if (w == NULL)
        return;
    page_release(&w->c.pg);
    free(w->c.scratch);
    free(w);
}
