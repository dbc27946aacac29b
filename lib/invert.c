/*
 * invert.c - passages' tokens into FTS5 doclists in memory (invert.h).
 *
 * A hash of terms (open addressing, XXH3), each with its doclist in
 * one growing buffer: per row the rowid (its difference from the term's
 * previous row), a byte for the size field, then the position list as
 * FTS5's hash builds it (fts5_hash.c).  A row stays open until the term
 * is seen in a later row or the inverter is written; closing it writes
 * the size (twice the list's bytes), making room when it needs more
 * than one byte.  Writing sorts the terms and merges the inverters'
 * lists of the same term by rowid.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fts5_varint.h"
#include "hash_word.h"
#include "ingest.h"
#include "invert.h"

struct entry {
    uint32_t key_off, key_len;  /* '0' and the term, in keys */
    uint32_t hash;
    uint32_t n, cap;            /* the doclist */
    unsigned char *buf;
    int64_t last_rowid;         /* 0: no row yet */
    uint32_t size_at;           /* the open row's size byte */
    uint32_t rows;              /* in the doclist */
    int32_t pos;
    int16_t col;
    uint8_t open;
    uint8_t keep;               /* a list maker reads it: the merge does
                                   not free it */
};

struct tl_invert {
    struct entry *e;
    size_t n_e, cap_e;
    uint32_t *slot;             /* entry index + 1; 0 empty */
    size_t n_slot;              /* a power of two */
    unsigned char *keys;
    size_t n_keys, cap_keys;
    int64_t rows, tokens[TL_FTS5_COLUMNS_W];
    size_t bytes;               /* doclist capacity held */
    int failed;
};

void
tl_invert_columns(const struct tl_ingest *in, size_t i,
                  struct tl_invert_col cols[TL_FTS5_COLUMNS_W])
{
    const size_t *k = in->tok_first, np = in->n_passages;

    cols[0] = (struct tl_invert_col){ &in->tokens, k[i], k[i + 1] - k[i] };
    cols[1] = (struct tl_invert_col){ &in->tokens, k[np],
                                      k[np + 1] - k[np] };
    cols[2] = (struct tl_invert_col){ &in->tokens, k[np + 1],
                                      k[np + 2] - k[np + 1] };
}

enum tl_status
tl_invert_new(struct tl_invert **out, struct tl_error *err)
{
    struct tl_invert *inv = calloc(1, sizeof *inv);

    *out = NULL;
    if (inv == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    inv->n_slot = 1024;
    inv->slot = calloc(inv->n_slot, sizeof *inv->slot);
    if (inv->slot == NULL) {
        free(inv);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    *out = inv;
    return TL_OK;
}

void
tl_invert_clear(struct tl_invert *inv)
{
    if (inv == NULL)
        return;
    for (size_t i = 0; i < inv->n_e; i++)
        free(inv->e[i].buf);
    inv->n_e = 0;
    inv->n_keys = 0;
    memset(inv->slot, 0, inv->n_slot * sizeof *inv->slot);
    inv->rows = 0;
    memset(inv->tokens, 0, sizeof inv->tokens);
    inv->bytes = 0;
    inv->failed = 0;
}

void
tl_invert_trim(struct tl_invert *inv)
{
    uint32_t *slot;

    if (inv == NULL)
        return;
    tl_invert_clear(inv);
    slot = calloc(1024, sizeof *slot);
    if (slot == NULL)
        return;             /* kept as it was: empty, only larger */
    free(inv->slot);
    inv->slot = slot;
    inv->n_slot = 1024;
    free(inv->e);
    inv->e = NULL;
    inv->cap_e = 0;
    free(inv->keys);
    inv->keys = NULL;
    inv->cap_keys = 0;
}

void
tl_invert_free(struct tl_invert *inv)
{
    if (inv == NULL)
        return;
    tl_invert_clear(inv);
    free(inv->e);
    free(inv->slot);
    free(inv->keys);
    free(inv);
}

int64_t
tl_invert_rows(const struct tl_invert *inv)
{
    return inv->rows;
}

int64_t
tl_invert_tokens(const struct tl_invert *inv, int col)
{
    return col >= 0 && col < TL_FTS5_COLUMNS_W ? inv->tokens[col] : 0;
}

size_t
tl_invert_bytes(const struct tl_invert *inv)
{
    return inv->bytes + inv->cap_keys + inv->cap_e * sizeof *inv->e
           + inv->n_slot * sizeof *inv->slot;
}

static int
rehash(struct tl_invert *inv)
{
    size_t n = inv->n_slot * 2;
    uint32_t *slot = calloc(n, sizeof *slot);

    if (slot == NULL)
        return -1;
    for (size_t i = 0; i < inv->n_e; i++) {
        size_t at = inv->e[i].hash & (n - 1);
        while (slot[at] != 0)
            at = (at + 1) & (n - 1);
        slot[at] = (uint32_t)i + 1;
    }
    free(inv->slot);
    inv->slot = slot;
    inv->n_slot = n;
    return 0;
}

/* The entry of term tok/len (its hash h), made when new; NULL out of
 * memory. */
static struct entry *
lookup(struct tl_invert *inv, const char *tok, uint32_t len, uint32_t h)
{
    size_t at = h & (inv->n_slot - 1);
    struct entry *e;

    for (;;) {
        uint32_t k = inv->slot[at];
        if (k == 0)
            break;
        e = &inv->e[k - 1];
        if (e->hash == h && e->key_len == len + 1
            && tl_same_word(inv->keys + e->key_off + 1, tok, len))
            return e;
        at = (at + 1) & (inv->n_slot - 1);
    }
    if (inv->n_e == inv->cap_e) {
        size_t cap = inv->cap_e ? inv->cap_e * 2 : 1024;
        struct entry *ne = realloc(inv->e, cap * sizeof *ne);
        if (ne == NULL)
            return NULL;
        inv->e = ne;
        inv->cap_e = cap;
    }
    if (inv->n_keys + len + 1 > inv->cap_keys) {
        size_t cap = inv->cap_keys ? inv->cap_keys * 2 : 16384;
        while (cap < inv->n_keys + len + 1)
            cap *= 2;
        unsigned char *nk = realloc(inv->keys, cap);
        if (nk == NULL)
            return NULL;
        inv->keys = nk;
        inv->cap_keys = cap;
    }
    e = &inv->e[inv->n_e];
    memset(e, 0, sizeof *e);
    e->key_off = (uint32_t)inv->n_keys;
    e->key_len = len + 1;
    e->hash = h;
    inv->keys[inv->n_keys] = '0';
    memcpy(inv->keys + inv->n_keys + 1, tok, len);
    inv->n_keys += len + 1;
    inv->slot[at] = (uint32_t)inv->n_e + 1;
    inv->n_e++;
    if (inv->n_e * 2 > inv->n_slot && rehash(inv) != 0)
        return NULL;
    return &inv->e[inv->n_e - 1];
}

static int
reserve(struct tl_invert *inv, struct entry *e, uint32_t more)
{
    if (e->n + more <= e->cap)
        return 0;
    uint32_t cap = e->cap ? e->cap * 2 : 16;
    while (cap < e->n + more)
        cap *= 2;
    unsigned char *p = realloc(e->buf, cap);
    if (p == NULL)
        return -1;
    inv->bytes += cap - e->cap;
    e->buf = p;
    e->cap = cap;
    return 0;
}

/* Writes the open row's size field. */
static int
close_row(struct tl_invert *inv, struct entry *e)
{
    uint32_t len = e->n - e->size_at - 1;
    unsigned char v[10];
    int k = tl_fts5_varint(v, (uint64_t)len * 2);

    if (k > 1) {
        if (reserve(inv, e, (uint32_t)k - 1) != 0)
            return -1;
        memmove(e->buf + e->size_at + k, e->buf + e->size_at + 1, len);
        e->n += (uint32_t)k - 1;
    }
    if (k == 1)             /* nearly always: not a call to memcpy() */
        e->buf[e->size_at] = v[0];
    else
        memcpy(e->buf + e->size_at, v, (size_t)k);
    e->open = 0;
    return 0;
}

static int
add_token(struct tl_invert *inv, int64_t rowid, int col, int pos,
          const char *tok, uint32_t len, uint32_t h)
{
    struct entry *e = lookup(inv, tok, len, h);

    if (e == NULL || reserve(inv, e, 32) != 0)
        return -1;
    if (!e->open || e->last_rowid != rowid) {
        if (e->open && close_row(inv, e) != 0)
            return -1;
        if (reserve(inv, e, 32) != 0)
            return -1;
        e->n += (uint32_t)tl_fts5_varint(e->buf + e->n,
                                          (uint64_t)(rowid - e->last_rowid));
        e->size_at = e->n++;
        e->open = 1;
        e->rows++;
        e->last_rowid = rowid;
        e->col = 0;
        e->pos = 0;
    }
    if (col != e->col) {
        e->buf[e->n++] = 0x01;
        e->n += (uint32_t)tl_fts5_varint(e->buf + e->n, (uint64_t)col);
        e->col = (int16_t)col;
        e->pos = 0;
    }
    e->n += (uint32_t)tl_fts5_varint(e->buf + e->n,
                                      (uint64_t)(pos - e->pos + 2));
    e->pos = pos;
    return 0;
}

/* Tokens hashed and their slots fetched this far ahead of the probe. */
#define AHEAD 8

/* The hash of term tok/len, its slot asked of memory. */
static inline uint32_t
ahead(const struct tl_invert *inv, const char *tok, uint32_t len)
{
    uint32_t h = (uint32_t)tl_hash_word(tok, len);

    __builtin_prefetch(&inv->slot[h & (inv->n_slot - 1)]);
    return h;
}

enum tl_status
tl_invert_row(struct tl_invert *inv, int64_t rowid,
              const struct tl_invert_col cols[TL_FTS5_COLUMNS_W],
              struct tl_error *err)
{
    for (int c = 0; c < TL_FTS5_COLUMNS_W; c++) {
        const struct tl_tokens *t = cols[c].toks;
        const struct tl_token_rec *r;
        uint32_t h[AHEAD];
        size_t n = t != NULL ? cols[c].n : 0;

        if (n == 0)
            continue;
        r = &t->tok[cols[c].first];
        /* the terms' slots are fetched AHEAD tokens before they are
         * probed: a probe waited on memory most of the time */
        for (size_t j = 0; j < AHEAD && j < n; j++)
            h[j] = ahead(inv, t->bytes + r[j].off, r[j].len);
        for (size_t i = 0; i < n; i++) {
            uint32_t hi = h[i % AHEAD];
            if (i + AHEAD / 2 < n) {     /* its slot is in by now */
                uint32_t k = inv->slot[h[(i + AHEAD / 2) % AHEAD]
                                       & (inv->n_slot - 1)];
                if (k != 0)
                    __builtin_prefetch(&inv->e[k - 1]);
            }
            if (i + AHEAD < n)
                h[i % AHEAD] = ahead(inv, t->bytes + r[i + AHEAD].off,
                                     r[i + AHEAD].len);
            if (add_token(inv, rowid, c, (int)i, t->bytes + r[i].off,
                          r[i].len, hi) != 0) {
                inv->failed = 1;
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            }
        }
        inv->tokens[c] += (int64_t)n;
    }
    inv->rows++;
    return TL_OK;
}

/* ---- writing ------------------------------------------------------------ */

/* 24 bytes, as before the prefix: at 1,000,000 articles a batch's
 * inverters hold over a million terms, and 8 bytes more for each (and
 * for each in the sort's copy) put 38 MB on the build's peak. */
struct sorted {
    const unsigned char *key;
    struct entry *e;            /* its length: e->key_len */
    uint64_t pre;               /* the key's first 8 bytes, big-endian,
                                 * 0-padded: ordered as the keys are
                                 * where they differ */
};

/* The first 8 bytes of key (n bytes) as a number that orders as
 * memcmp() orders them, a short key padded with zero bytes. */
static uint64_t
prefix_of(const unsigned char *key, uint32_t n)
{
    uint64_t v = 0;

    for (uint32_t i = 0; i < 8; i++)
        v = v << 8 | (i < n ? key[i] : 0);
    return v;
}

/* Keys in memcmp() order, a key before those it begins.  Where the
 * prefixes differ they decide (a shorter key's padding is a 0 byte,
 * below any byte the longer one has there but for a 0, when the
 * prefixes are equal); else the bytes do. */
static inline int
by_key(const struct sorted *x, const struct sorted *y)
{
    uint32_t n;
    int c;

    if (x->pre != y->pre)
        return x->pre < y->pre ? -1 : 1;
    n = x->e->key_len < y->e->key_len ? x->e->key_len : y->e->key_len;
    c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->e->key_len > y->e->key_len)
                        - (x->e->key_len < y->e->key_len);
}

static int
by_key_void(const void *a, const void *b)
{
    return by_key(a, b);
}

/* Sorts s (n keys, all different) by key: a radix sort of the prefixes,
 * least significant byte first, skipping the bytes all keys share (the
 * first, FTS5's '0', at least), then each run of keys with the same
 * prefix by insertion (qsort() past 16).  qsort() of all of them with a
 * memcmp() per comparison took 13-18 ms of the end of a news corpus
 * build; this takes 4-5. */
static int
sort_keys(struct sorted *s, size_t n)
{
    struct sorted *tmp, *from = s, *to;
    size_t (*c)[256];

    if (n < 2)
        return 0;
    c = calloc(8, sizeof *c);
    tmp = c != NULL ? malloc(n * sizeof *tmp) : NULL;
    if (tmp == NULL) {
        free(c);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            c[b][(s[i].pre >> (8 * b)) & 0xff]++;
    to = tmp;
    for (int b = 0; b < 8; b++) {
        size_t at = 0;
        int shared = 0;
        for (int v = 0; v < 256; v++) {
            size_t k = c[b][v];
            shared |= k == n;
            c[b][v] = at;
            at += k;
        }
        if (shared)
            continue;
        for (size_t i = 0; i < n; i++)
            to[c[b][(from[i].pre >> (8 * b)) & 0xff]++] = from[i];
        struct sorted *t = from;
        from = to;
        to = t;
    }
    if (from != s)
        memcpy(s, from, n * sizeof *s);
    free(tmp);
    free(c);
    /* the runs of one prefix: numbers and long words may make long
     * ones (a log's timestamps), which qsort() takes */
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && s[j].pre == s[i].pre; j++)
            ;
        if (j - i > 16) {
            qsort(s + i, j - i, sizeof *s, by_key_void);
            continue;
        }
        for (size_t k = i + 1; k < j; k++) {
            struct sorted x = s[k];
            size_t at = k;
            while (at > i && by_key(&s[at - 1], &x) > 0) {
                s[at] = s[at - 1];
                at--;
            }
            s[at] = x;
        }
    }
    return 0;
}

/* One inverter's terms in key order, rows closed. */
static int
sort_terms(struct tl_invert *inv, struct sorted **out)
{
    struct sorted *s = malloc((inv->n_e + 1) * sizeof *s);

    *out = s;
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < inv->n_e; i++) {
        struct entry *e = &inv->e[i];
        const unsigned char *key = inv->keys + e->key_off;
        if (e->open && close_row(inv, e) != 0)
            return -1;
        s[i] = (struct sorted){ key, e, prefix_of(key, e->key_len) };
    }
    return sort_keys(s, inv->n_e);
}

/* A term's rows in one inverter. */
struct rows {
    const unsigned char *p, *end;
    int64_t rowid;
    const unsigned char *pos;
    int n_pos;
};

/* The next row into r; 0 at the end. */
static int
rows_next(struct rows *r)
{
    if (r->p >= r->end)
        return 0;
    r->p = tl_fts5_doclist_row(r->p, &r->rowid, &r->pos, &r->n_pos);
    return 1;
}

#define MERGE_MAX 16

/* Where the merge's terms and rows go: the writer, or a buffer that the
 * writer reads later (the upper half of the keys, merged on a thread of
 * its own). */
struct emit {
    enum tl_status (*term)(void *to, const unsigned char *key, int n,
                           struct tl_error *err);
    enum tl_status (*row)(void *to, int64_t rowid, const unsigned char *pos,
                          int n, struct tl_error *err);
    void *to;
};

static enum tl_status
writer_term(void *to, const unsigned char *key, int n, struct tl_error *err)
{
    return tl_fts5_writer_term(to, key, n, err);
}

static enum tl_status
writer_row(void *to, int64_t rowid, const unsigned char *pos, int n,
           struct tl_error *err)
{
    return tl_fts5_writer_row(to, rowid, pos, n, err);
}

/* The buffer: per term, the key's length and bytes, then per row its
 * rowid's difference from the previous one (the first: the rowid; rows
 * written have rowids of 1 or more, increasing), the list's length and
 * bytes; a difference of 0 ends the term. */
struct replay {
    struct tl_buf b;
    int64_t last;
    int open;
};

static enum tl_status
replay_term(void *to, const unsigned char *key, int n, struct tl_error *err)
{
    struct replay *r = to;

    if ((r->open && tl_fts5_buf_varint(&r->b, 0) != TL_OK)
        || tl_fts5_buf_varint(&r->b, (uint64_t)n) != TL_OK
        || tl_buf_append(&r->b, (const char *)key, (size_t)n) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    r->open = 1;
    r->last = 0;
    return TL_OK;
}

static enum tl_status
replay_row(void *to, int64_t rowid, const unsigned char *pos, int n,
           struct tl_error *err)
{
    struct replay *r = to;
    unsigned char *p;

    /* written in place: two varints and the list */
    if (r->b.cap - r->b.len < (size_t)n + 20
        && tl_buf_reserve(&r->b, (size_t)n + 20) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    p = (unsigned char *)r->b.data + r->b.len;
    p += tl_fts5_varint(p, (uint64_t)(rowid - r->last));
    p += tl_fts5_varint(p, (uint64_t)n);
    memcpy(p, pos, (size_t)n);
    r->b.len = (size_t)(p + n - (unsigned char *)r->b.data);
    r->last = rowid;
    return TL_OK;
}

/* Tells lists' vocab of key (FTS5's: '0' and the term), written with
 * rows rows. */
static enum tl_status
vocab_of(const struct tl_invert_lists *lists, const unsigned char *key,
         size_t len, int64_t rows, struct tl_error *err)
{
    if (lists == NULL || lists->vocab == NULL || len < 1 || key[0] != '0')
        return TL_OK;
    return lists->vocab(lists->ctx, key + 1, (int)len - 1, rows, err);
}

/* Hands the buffer's terms and rows to the writer (and their rows to
 * lists' vocab). */
static enum tl_status
replay_write(struct replay *r, struct tl_fts5_writer *w,
             const struct tl_invert_lists *lists, struct tl_error *err)
{
    const unsigned char *p, *end;
    enum tl_status st = TL_OK;

    if (r->open && tl_fts5_buf_varint(&r->b, 0) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    p = (const unsigned char *)r->b.data;
    end = p + r->b.len;
    while (st == TL_OK && p < end) {
        uint64_t n, d, size;
        const unsigned char *key;
        int64_t rowid = 0, rows = 0;
        p = tl_fts5_get_varint(p, &n);
        key = p;
        st = tl_fts5_writer_term(w, p, (int)n, err);
        p += n;
        while (st == TL_OK) {
            p = tl_fts5_get_varint(p, &d);
            if (d == 0)
                break;
            p = tl_fts5_get_varint(p, &size);
            rowid += (int64_t)d;
            rows++;
            st = tl_fts5_writer_row(w, rowid, p, (int)size, err);
            p += size;
        }
        if (st == TL_OK)
            st = vocab_of(lists, key, (size_t)n, rows, err);
    }
    return st;
}

/* A part of the keys: list i's entries from[i] .. to[i] - 1. */
struct part {
    struct sorted *const *s;
    size_t from[MERGE_MAX], to[MERGE_MAX];
    int n;
    tl_invert_map_fn map;
    void *ctx;
    struct emit out;
    const struct tl_invert_lists *vocab;    /* NULL: not this part's */
    struct tl_error err;
    enum tl_status st;
};

/* Keys ahead whose entries the merge fetches (their lists: half as
 * far). */
#define MERGE_AHEAD 8

/* Merges the part's terms in key order, each term's rows by rowid,
 * through map, to its emit; frees each doclist once merged. */
static enum tl_status
merge(struct part *pt)
{
    size_t at[MERGE_MAX];
    enum tl_status st = TL_OK;
    int n = pt->n;

    for (int i = 0; i < n; i++)
        at[i] = pt->from[i];
    for (;;) {
        const struct sorted *min = NULL;
        struct rows r[MERGE_MAX];
        struct entry *used[MERGE_MAX];
        int in[MERGE_MAX], k = 0;

        /* the smallest key among the lists' heads, and who has it */
        for (int i = 0; i < n; i++) {
            if (pt->s[i] == NULL || at[i] == pt->to[i])
                continue;
            int c = min == NULL ? -1 : by_key(&pt->s[i][at[i]], min);
            if (c < 0) {
                min = &pt->s[i][at[i]];
                k = 0;
            }
            if (c <= 0)
                in[k++] = i;
        }
        if (min == NULL)
            break;
        /* the entries and lists a few keys on, fetched meanwhile (each
         * is a cache miss of its own) */
        for (int i = 0; i < n; i++) {
            if (pt->s[i] == NULL)
                continue;
            if (at[i] + MERGE_AHEAD < pt->to[i])
                __builtin_prefetch(pt->s[i][at[i] + MERGE_AHEAD].e);
            if (at[i] + MERGE_AHEAD / 2 < pt->to[i])
                __builtin_prefetch(pt->s[i][at[i] + MERGE_AHEAD / 2].e->buf);
        }
        const struct sorted key = *min;
        int64_t written = 0;
        int termed = 0;
        for (int j = 0; j < k; j++) {
            struct entry *e = pt->s[in[j]][at[in[j]]].e;
            r[j] = (struct rows){ e->buf, e->buf + e->n, 0, NULL, 0 };
            rows_next(&r[j]);
            used[j] = e;
            at[in[j]]++;
        }
        /* the rows, merged by rowid */
        while (st == TL_OK) {
            int best = -1;
            for (int j = 0; j < k; j++)
                if (r[j].pos != NULL
                    && (best < 0 || r[j].rowid < r[best].rowid))
                    best = j;
            if (best < 0)
                break;
            int64_t rowid = pt->map != NULL ? pt->map(pt->ctx, r[best].rowid)
                                            : r[best].rowid;
            /* the term once it has a row to write */
            if (rowid != 0 && !termed) {
                st = pt->out.term(pt->out.to, key.key, (int)key.e->key_len,
                                  &pt->err);
                termed = 1;
            }
            if (rowid != 0 && st == TL_OK) {
                st = pt->out.row(pt->out.to, rowid, r[best].pos,
                                 r[best].n_pos, &pt->err);
                written++;
            }
            if (!rows_next(&r[best]))
                r[best].pos = NULL;
        }
        if (termed && st == TL_OK)
            st = vocab_of(pt->vocab, key.key, key.e->key_len, written,
                          &pt->err);
        for (int j = 0; j < k; j++) {       /* (the key is not freed) */
            if (used[j]->keep)
                continue;       /* a list maker's: freed after it */
            free(used[j]->buf);
            used[j]->buf = NULL;
            used[j]->n = used[j]->cap = 0;
        }
        if (st != TL_OK)
            return st;
    }
    return TL_OK;
}

static void *
merge_thread(void *arg)
{
    struct part *pt = arg;

    pt->st = merge(pt);
    return NULL;
}

/* Where the keys are split: the share of the largest list's keys that
 * the calling thread merges.  The news corpus's write took 80-90 ms at
 * 0.5, 105-110 at 0.3 and 85-95 at 0.6 and 0.7 (110 unsplit). */
#define SPLIT_AT 0.5

/* Terms (all the inverters') from which the write is split in two. */
static size_t split_min = INVERT_SPLIT_MIN;
/* Writes split so far in this process. */
static long splits;

long
tl_invert_splits(void)
{
    return splits;
}

size_t
tl_invert_split_min(size_t terms)
{
    size_t was = split_min;

    split_min = terms;
    return was;
}

/* The first entry of sorted list s (count entries) whose key is key or
 * after it. */
static size_t
lower_bound(const struct sorted *s, size_t count, const struct sorted *key)
{
    size_t lo = 0, hi = count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_key(&s[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Sorting the inverters' terms: inverters first, first + step, ...;
 * the odd ones on a thread of their own when the write is large. */
struct sorting {
    struct tl_invert *const *inv;
    int n, first, step;
    struct sorted **s;
    int failed;
};

static void *
sort_some(void *arg)
{
    struct sorting *so = arg;

    for (int i = so->first; i < so->n; i += so->step)
        if (so->inv[i] != NULL
            && (so->inv[i]->failed || sort_terms(so->inv[i], &so->s[i]) != 0))
            so->failed = 1;
    return NULL;
}

/* Sorts each inverter's terms into s[i]; -1 when out of memory (or an
 * inverter ran out before). */
static int
sort_all(struct tl_invert *const *inv, int n, struct sorted **s)
{
    struct sorting even = { inv, n, 0, 2, s, 0 }, odd = { inv, n, 1, 2, s, 0 };
    size_t terms = 0;
    pthread_t thread;
    int threaded = 0;

    for (int i = 0; i < n; i++)
        terms += inv[i] != NULL ? inv[i]->n_e : 0;
    if (n > 1 && terms >= split_min)
        threaded = pthread_create(&thread, NULL, sort_some, &odd) == 0;
    if (!threaded)
        even.step = 1;          /* all of them here */
    sort_some(&even);
    if (threaded)
        pthread_join(thread, NULL);
    return even.failed || odd.failed ? -1 : 0;
}

/* ---- the list makers ------------------------------------------------------ */

/* A frequent term: its key and its doclist in each inverter that holds
 * it.  The makers own both once the merge is done (the inverters may be
 * cleared and filled again while they work). */
struct src {
    unsigned char *buf;
    uint32_t n;
};
struct cand {
    unsigned char *key;         /* FTS5's: '0' and the term */
    uint32_t len;
    struct entry *e[MERGE_MAX]; /* until the merge is done */
    struct src src[MERGE_MAX];
};

struct tl_invert_rows {
    struct rows r[MERGE_MAX];
    int k;
    tl_invert_map_fn map;
    void *ctx;
};

int
tl_invert_rows_next(struct tl_invert_rows *t, int64_t *rowid,
                    const unsigned char **pos, int *n_pos)
{
    for (;;) {
        int best = -1;
        for (int j = 0; j < t->k; j++)
            if (t->r[j].pos != NULL
                && (best < 0 || t->r[j].rowid < t->r[best].rowid))
                best = j;
        if (best < 0)
            return 0;
        struct rows *r = &t->r[best];
        int64_t id = t->map != NULL ? t->map(t->ctx, r->rowid) : r->rowid;
        *pos = r->pos;
        *n_pos = r->n_pos;
        if (!rows_next(r))
            r->pos = NULL;
        if (id != 0) {
            *rowid = id;
            return 1;
        }
    }
}

struct maker {
    struct tl_invert_makers *m;
    int t;
    pthread_t thread;
    int started;
};

/* The makers: the frequent terms, taken one at a time by threads that
 * may outlive the write (tl_invert_makers_wait()). */
struct tl_invert_makers {
    struct tl_invert_lists lists;
    struct cand *c;
    size_t n, next;
    int n_inv;
    tl_invert_map_fn map;
    void *ctx;
    pthread_mutex_t mu;
    int failed;
    struct tl_error err;        /* the first failure's */
    int threads;
    long delay_ms;              /* makers_delay_ms when they started */
    struct maker mk[MERGE_MAX];
};

/* Tests: the makers' threads wait this long before their first term. */
static long makers_delay_ms;

void
tl_invert_makers_delay(long ms)
{
    makers_delay_ms = ms;
}

static void *
maker_run(void *arg)
{
    struct maker *mk = arg;
    struct tl_invert_makers *m = mk->m;
    struct tl_error err = { 0 };

    if (m->delay_ms > 0 && mk->started) {
        struct timespec ts = { m->delay_ms / 1000,
                               m->delay_ms % 1000 * 1000000L };
        nanosleep(&ts, NULL);
    }

#ifdef SCHED_IDLE
    /* only what the writer leaves of the cores: it is the one waited
     * for, the lists are not needed before its commit */
    if (mk->started) {
        struct sched_param sp = { 0 };
        pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
    }
#endif
    for (;;) {
        struct tl_invert_rows rows;
        const struct cand *c;
        enum tl_status st;

        pthread_mutex_lock(&m->mu);
        c = !m->failed && m->next < m->n ? &m->c[m->next++] : NULL;
        pthread_mutex_unlock(&m->mu);
        if (c == NULL)
            break;
        rows.k = 0;
        rows.map = m->map;
        rows.ctx = m->ctx;
        for (int i = 0; i < m->n_inv; i++) {
            const struct src *sr = &c->src[i];
            if (sr->buf == NULL || sr->n == 0)
                continue;
            rows.r[rows.k] = (struct rows){ sr->buf, sr->buf + sr->n, 0,
                                            NULL, 0 };
            if (rows_next(&rows.r[rows.k]))
                rows.k++;
        }
        st = m->lists.term(m->lists.ctx, mk->t, c->key + 1,
                           (int)c->len - 1, &rows, &err);
        if (st != TL_OK) {
            pthread_mutex_lock(&m->mu);
            if (!m->failed) {
                m->failed = 1;
                m->err = err;
            }
            pthread_mutex_unlock(&m->mu);
            break;
        }
    }
    return NULL;
}

static void
makers_free(struct tl_invert_makers *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->c[i].key);
        for (int j = 0; j < m->n_inv; j++)
            free(m->c[i].src[j].buf);
    }
    free(m->c);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

/* The terms of the sorted lists s[0 .. n - 1] (count[i] entries each)
 * in min_rows rows or more, into m->c, their entries kept (the merge
 * leaves their doclists); -1 when out of memory. */
static int
frequent_terms(struct sorted *const *s, const size_t *count, int n,
               long min_rows, struct tl_invert_makers *m)
{
    size_t at[MERGE_MAX] = { 0 }, cap = 0;

    for (;;) {
        const struct sorted *min = NULL;
        int in[MERGE_MAX], k = 0;
        int64_t rows = 0;

        for (int i = 0; i < n; i++) {
            if (s[i] == NULL || at[i] == count[i])
                continue;
            int c = min == NULL ? -1 : by_key(&s[i][at[i]], min);
            if (c < 0) {
                min = &s[i][at[i]];
                k = 0;
            }
            if (c <= 0)
                in[k++] = i;
        }
        if (min == NULL)
            return 0;
        for (int j = 0; j < k; j++)
            rows += s[in[j]][at[in[j]]].e->rows;
        if (rows >= min_rows && min->e->key_len >= 1 && min->key[0] == '0') {
            if (m->n == cap) {
                size_t nc = cap != 0 ? 2 * cap : 256;
                struct cand *p = realloc(m->c, nc * sizeof *p);
                if (p == NULL)
                    return -1;
                m->c = p;
                cap = nc;
            }
            struct cand *c = &m->c[m->n];
            memset(c, 0, sizeof *c);
            c->key = malloc(min->e->key_len);
            if (c->key == NULL)
                return -1;
            memcpy(c->key, min->key, min->e->key_len);
            c->len = min->e->key_len;
            m->n++;
            for (int j = 0; j < k; j++) {
                struct entry *e = s[in[j]][at[in[j]]].e;
                c->e[in[j]] = e;
                c->src[in[j]] = (struct src){ e->buf, e->n };
                e->keep = 1;
            }
        }
        for (int j = 0; j < k; j++)
            at[in[j]]++;
    }
}

/* The frequent terms' doclists, now the makers' alone (the merge that
 * read them too is done): the inverters forget them. */
static void
makers_take(struct tl_invert_makers *m)
{
    for (size_t i = 0; i < m->n; i++)
        for (int j = 0; j < m->n_inv; j++) {
            struct entry *e = m->c[i].e[j];
            if (e == NULL)
                continue;
            e->buf = NULL;
            e->n = e->cap = 0;
            e->keep = 0;
            m->c[i].e[j] = NULL;
        }
}

static void
makers_start(struct tl_invert_makers *m)
{
    for (int t = 0; t < m->threads; t++) {
        m->mk[t].m = m;
        m->mk[t].t = t;
        m->mk[t].started = 1;
        if (pthread_create(&m->mk[t].thread, NULL, maker_run, &m->mk[t])
            != 0)
            m->mk[t].started = 0;
    }
}

enum tl_status
tl_invert_makers_wait(struct tl_invert_makers *m, struct tl_error *err)
{
    enum tl_status st = TL_OK;

    if (m == NULL)
        return TL_OK;
    for (int t = 0; t < m->threads; t++)
        if (m->mk[t].started)
            pthread_join(m->mk[t].thread, NULL);
    /* what no thread took is made here (as maker 0, its thread done) */
    if (!m->failed && m->next < m->n) {
        struct maker here;
        memset(&here, 0, sizeof here);
        here.m = m;
        maker_run(&here);
    }
    if (m->failed) {
        if (err != NULL)
            *err = m->err;
        st = m->err.code != TL_OK ? m->err.code : TL_ERR_DB;
    }
    makers_free(m);
    return st;
}

void
tl_invert_makers_stop(struct tl_invert_makers *m)
{
    if (m == NULL)
        return;
    pthread_mutex_lock(&m->mu);
    m->failed = 1;
    pthread_mutex_unlock(&m->mu);
    tl_invert_makers_wait(m, NULL);
}

enum tl_status
tl_invert_write(struct tl_invert *const *inv, int n, tl_invert_map_fn map,
                void *ctx, struct tl_fts5_writer *w, struct tl_error *err)
{
    return tl_invert_write_lists(inv, n, map, ctx, w, NULL, NULL, err);
}

enum tl_status
tl_invert_write_lists(struct tl_invert *const *inv, int n,
                      tl_invert_map_fn map, void *ctx,
                      struct tl_fts5_writer *w,
                      const struct tl_invert_lists *lists,
                      struct tl_invert_makers **makers_out,
                      struct tl_error *err)
{
    struct tl_invert_makers *m = NULL;
    struct sorted *s[MERGE_MAX] = { 0 };
    size_t count[MERGE_MAX] = { 0 }, terms = 0, bytes = 0;
    struct part lo, hi;
    struct replay rp;
    pthread_t thread;
    int split = 0, biggest = -1;
    enum tl_status st = TL_OK;

    if (n > MERGE_MAX)
        return tl_error_set(err, TL_ERR_DB, "too many inverters");
    if (makers_out != NULL)
        *makers_out = NULL;
    memset(&rp, 0, sizeof rp);
    tl_buf_init(&rp.b, 0);
    if (sort_all(inv, n, s) != 0) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        if (inv[i] == NULL)
            continue;
        count[i] = inv[i]->n_e;
        terms += count[i];
        bytes += tl_invert_bytes(inv[i]);
        if (biggest < 0 || count[i] > count[biggest])
            biggest = i;
    }
    /* the frequent terms' makers start, while the merge goes on (it
     * leaves their doclists to them) */
    if (lists != NULL && lists->term != NULL && makers_out != NULL) {
        m = calloc(1, sizeof *m);
        if (m == NULL) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        m->lists = *lists;
        m->n_inv = n;
        m->map = map;
        m->ctx = ctx;
        m->delay_ms = makers_delay_ms;
        m->threads = lists->threads < 1 ? 1
                     : lists->threads > MERGE_MAX ? MERGE_MAX
                     : lists->threads;
        pthread_mutex_init(&m->mu, NULL);
        if (frequent_terms(s, count, n, lists->min_rows, m) != 0) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        makers_start(m);
    }
    memset(&lo, 0, sizeof lo);
    lo.s = s;
    lo.n = n;
    lo.map = map;
    lo.ctx = ctx;
    lo.out = (struct emit){ writer_term, writer_row, w };
    lo.vocab = lists;
    for (int i = 0; i < n; i++)
        lo.to[i] = count[i];
    /* a large write, not too large: the keys from the SPLIT_AT-th of
     * the largest list
     * on are merged at the same time on a thread of their own into a
     * buffer, which the writer takes after the keys before, so the
     * writer sees the same terms and rows in the same order.  The
     * calling thread merges fewer keys, as it writes them all */
    if (terms >= split_min && bytes <= INVERT_SPLIT_MAX_BYTES
        && biggest >= 0 && count[biggest] > 1) {
        const struct sorted middle =
            s[biggest][(size_t)((double)count[biggest] * SPLIT_AT)];
        hi = lo;
        hi.out = (struct emit){ replay_term, replay_row, &rp };
        hi.vocab = NULL;        /* told as the writer takes them */
        for (int i = 0; i < n; i++) {
            size_t cut = s[i] != NULL ? lower_bound(s[i], count[i], &middle)
                                      : 0;
            lo.to[i] = cut;
            hi.from[i] = cut;
            hi.to[i] = count[i];
        }
        split = pthread_create(&thread, NULL, merge_thread, &hi) == 0;
        splits += split;
        if (!split)         /* no thread: one after the other */
            for (int i = 0; i < n; i++)
                lo.to[i] = count[i];
    }
    st = merge(&lo);
    if (st != TL_OK)
        *err = lo.err;
    if (split) {
        pthread_join(thread, NULL);
        if (st == TL_OK && hi.st != TL_OK) {
            st = hi.st;
            *err = hi.err;
        }
        if (st == TL_OK)
            st = replay_write(&rp, w, lists, err);
    }
out:
    if (m != NULL) {
        makers_take(m);
        if (st == TL_OK)
            *makers_out = m;
        else
            tl_invert_makers_stop(m);
    }
    tl_buf_release(&rp.b);
    for (int i = 0; i < n; i++) {
        free(s[i]);
        if (inv[i] != NULL)
            tl_invert_clear(inv[i]);
    }
    return st;
}
