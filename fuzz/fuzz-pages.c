/*
 * fuzz-pages.c - FTS5's records as lib/fts5_read.c reads them: the
 * structure record and leaf pages of a damaged index must read as
 * "bad" or as rows, never crash, loop or read outside a page.
 *
 * Input: one selector byte, then the bytes.
 *   - even: a structure record (tl_fts5_structure()) and an averages
 *     record (tl_fts5_averages()).  Checked: what it accepts has segment
 *     ids 1-65535, first page 1 and a last page at or after it.
 *   - odd: up to 4 leaf pages of segment 1, each a 2-byte little-endian
 *     length then its bytes.  A few terms and prefixes are read through
 *     them with their positions, and the segment's vocabulary
 *     (tl_fts5_vocab()), and every key with its rows as the merge walks
 *     them (tl_fts5_walk_*()).  Checked: rowids strictly grow and
 *     positions strictly ascend within a row; the vocabulary's terms and
 *     the walk's keys strictly grow, each in a row at least; a walk
 *     ends.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fts5_read.h"

#define PAGES 4

struct mem {
    const uint8_t *page[PAGES];
    int len[PAGES];
    int n;
};

static int
mem_page(void *ctx, int64_t id, unsigned char **buf, int *n, int *cap)
{
    struct mem *m = ctx;
    int pg = (int)(id & 0x7fffffff);

    if ((id >> 37) != 1 || pg < 1 || pg > m->n)
        return 0;
    if (*cap < m->len[pg - 1] + TL_FTS5_PAD) {
        unsigned char *b = realloc(*buf, (size_t)m->len[pg - 1]
                                         + TL_FTS5_PAD);
        if (b == NULL)
            return -1;
        *buf = b;
        *cap = m->len[pg - 1] + TL_FTS5_PAD;
    }
    /* the reader may read a varint up to TL_FTS5_PAD bytes past a page;
     * no further (AddressSanitizer sees the buffer's end) */
    memcpy(*buf, m->page[pg - 1], (size_t)m->len[pg - 1]);
    memset(*buf + m->len[pg - 1], 0, TL_FTS5_PAD);
    *n = m->len[pg - 1];
    return 1;
}

static int
mem_find(void *ctx, int segid, const unsigned char *key, int len,
         int *pgno_out)
{
    (void)ctx;
    (void)segid;
    /* a page picked by the key's first byte, as the idx table might */
    *pgno_out = len > 1 ? 1 + key[1] % 2 : 0;
    return 1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void
records(const uint8_t *p, size_t n)
{
    struct tl_fts5 x;

    memset(&x, 0, sizeof x);
    if (tl_fts5_structure(p, (int)n, &x) == 1) {
        for (int i = 0; i < x.n_seg; i++)
            FUZZ_CHECK(x.seg[i].segid >= 1 && x.seg[i].segid <= 65535
                       && x.seg[i].first == 1
                       && x.seg[i].last >= x.seg[i].first,
                       "segment %d: id %d pages %d-%d", i, x.seg[i].segid,
                       x.seg[i].first, x.seg[i].last);
    } else {
        FUZZ_CHECK(x.seg == NULL && x.n_seg == 0, "a refused structure "
                   "left segments");
    }
    free(x.seg);
    if (tl_fts5_averages(p, (int)n, &x) == 1)
        FUZZ_CHECK(x.rows >= 0, "rows %lld", (long long)x.rows);
}

static void
read_token(struct tl_fts5 *x, const char *term, int prefix)
{
    struct tl_fts5_tok *t = NULL;
    int64_t last = INT64_MIN;
    int rc;

    if (tl_fts5_tok_open(x, term, (int)strlen(term), prefix, &t) != 1) {
        FUZZ_CHECK(t == NULL, "a refused token left a cursor");
        return;
    }
    for (int i = 0; i < 10000; i++) {
        const uint64_t *pos;
        int n;
        rc = tl_fts5_tok_next(t, last == INT64_MIN ? INT64_MIN : last + 1);
        if (rc != TL_FTS5_ROW)
            break;
        FUZZ_CHECK(tl_fts5_tok_rowid(t) > last, "rowid %lld after %lld",
                   (long long)tl_fts5_tok_rowid(t), (long long)last);
        last = tl_fts5_tok_rowid(t);
        if (tl_fts5_tok_positions(t, &pos, &n) != 1)
            break;
        for (int j = 1; j < n; j++)
            FUZZ_CHECK(pos[j] > pos[j - 1], "positions out of order");
        if (last == INT64_MAX)
            break;
    }
    tl_fts5_tok_free(t);
}

struct vocab_check {
    unsigned char last[1100];
    int n_last, any;
};

static int
vocab_term(void *ctx, const unsigned char *term, int len, int64_t df)
{
    struct vocab_check *v = ctx;
    int n = len < v->n_last ? len : v->n_last;
    int c = memcmp(term, v->last, (size_t)n);

    FUZZ_CHECK(len >= 0 && len < (int)sizeof v->last, "a term too long");
    FUZZ_CHECK(df > 0, "a term in no row");
    FUZZ_CHECK(!v->any || c > 0 || (c == 0 && len > v->n_last),
               "the vocabulary's terms do not grow");
    memcpy(v->last, term, (size_t)len);
    v->n_last = len;
    v->any = 1;
    return 0;
}

static volatile unsigned touched;

/* Walks every key of the segment with its rows, as the merge does. */
static void
walk_segment(const struct tl_fts5 *x)
{
    struct tl_fts5_walk *w = NULL;
    unsigned char last[1100];
    int n_last = 0, rc, steps = 0;

    if (tl_fts5_walk_open(x, 0, &w) != TL_FTS5_ROW) {
        FUZZ_CHECK(w == NULL, "a refused walk was left open");
        return;
    }
    do {
        int len, rows = 0, n;
        const unsigned char *k = tl_fts5_walk_key(w, &len), *pos;
        int64_t rowid, prev = 0;
        FUZZ_CHECK(len > 0 && len < (int)sizeof last, "a key's length");
        if (n_last > 0) {
            int c = memcmp(k, last, (size_t)(len < n_last ? len : n_last));
            FUZZ_CHECK(c > 0 || (c == 0 && len > n_last),
                       "the walk's keys do not grow");
        }
        memcpy(last, k, (size_t)len);
        n_last = len;
        while ((rc = tl_fts5_walk_row(w, &rowid, &pos, &n))
               == TL_FTS5_ROW) {
            FUZZ_CHECK(rows == 0 || rowid > prev, "the walk's rowids");
            FUZZ_CHECK(n >= 0 && (n == 0 || pos != NULL), "a list");
            /* the list is readable to its end (ASan says if not) */
            for (int i = 0; i < n; i++)
                touched += pos[i];
            prev = rowid;
            rows++;
            FUZZ_CHECK(++steps < 1000000, "the walk does not end");
        }
        if (rc != TL_FTS5_EOF)
            break;
        FUZZ_CHECK(rows > 0, "a key without rows");
        rc = tl_fts5_walk_next(w);
        FUZZ_CHECK(++steps < 1000000, "the walk does not end");
    } while (rc == TL_FTS5_ROW);
    tl_fts5_walk_free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_fts5_seg seg = { 1, 1, 1 };
    struct tl_fts5 x;
    struct mem m;
    size_t at = 1;

    if (size < 1 || size > 16384)
        return 0;
    if ((data[0] & 1) == 0) {
        records(data + 1, size - 1);
        return 0;
    }
    memset(&m, 0, sizeof m);
    while (m.n < PAGES && at + 2 <= size) {
        size_t len = (size_t)data[at] | (size_t)data[at + 1] << 8;
        at += 2;
        if (len > size - at)
            len = size - at;
        m.page[m.n] = data + at;
        m.len[m.n] = (int)len;
        m.n++;
        at += len;
    }
    if (m.n == 0)
        return 0;
    memset(&x, 0, sizeof x);
    x.src.page = mem_page;
    x.src.find = mem_find;
    x.src.ctx = &m;
    seg.last = m.n;
    x.seg = &seg;
    x.n_seg = 1;
    read_token(&x, "a", 0);
    read_token(&x, "said", 0);
    read_token(&x, "", 1);
    read_token(&x, "s", 1);
    struct vocab_check v;
    memset(&v, 0, sizeof v);
    tl_fts5_vocab(&x, vocab_term, &v);
    walk_segment(&x);
    return 0;
}
