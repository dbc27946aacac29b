/*
 * topk_scan.c - the top k by scoring every match in C (topk.h): FTS5 and
 * tl_bm25() over all matching passages, the best kept in a bounded heap,
 * and only those joined to their articles for the filters and the
 * per-article cap.  The SQL path (lib/search.c) joins, materializes and
 * window-sorts every match; this is the same ranking without that.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topk.h"
#include "lengths.h"
#include "topk_floor.h"
#include "scan_part.h"
#include "fts5_scan.h"

struct entry {
    double score;
    int64_t id;
};

/* Is a ranked before b (score descending, then passage id)? */
static int
before(const struct entry *a, const struct entry *b)
{
    return a->score > b->score || (a->score == b->score && a->id < b->id);
}

/* A min-heap of the best entries: the root is the worst kept. */
struct heap {
    struct entry *a;
    size_t n, cap;
};

static void
sift_down(struct heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(&h->a[m], &h->a[l]))
            m = l;
        if (r < h->n && before(&h->a[m], &h->a[r]))
            m = r;
        if (m == i)
            return;
        struct entry t = h->a[i];
        h->a[i] = h->a[m];
        h->a[m] = t;
        i = m;
    }
}

static void
offer(struct heap *h, const struct entry *e)
{
    if (h->n < h->cap) {
        size_t i = h->n++;
        h->a[i] = *e;
        while (i > 0 && before(&h->a[(i - 1) / 2], &h->a[i])) {
            struct entry t = h->a[i];
            h->a[i] = h->a[(i - 1) / 2];
            h->a[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
    } else if (before(e, &h->a[0])) {
        h->a[0] = *e;
        sift_down(h, 0);
    }
}

static int
cmp_rank(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;

    return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* An open-addressing map from an article id to a small count. */
struct amap {
    int64_t *key;
    int *val;
    size_t size;
};

static int *
amap_at(struct amap *m, int64_t key)
{
    size_t i = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15u) & (m->size - 1);

    while (m->val[i] != 0 && m->key[i] != key)
        i = (i + 1) & (m->size - 1);
    m->key[i] = key;
    return &m->val[i];
}

/* The floor of the articles' best scores (topk_floor.h), from the
 * FLOOR_AFTER-th match on, when nothing filters the articles (a filter
 * could refuse the articles the floor stands on) and the article spans
 * (spans.h) say whose each passage is. */
#define FLOOR_AFTER 4096    /* reading the map costs about a passage's
                               scoring per 10 articles: not for a few
                               hundred matches */

struct best_floor {
    struct tl_floor *f;
    struct tl_spans spans;
};

static enum tl_status
best_floor_start(sqlite3 *db, long per_article, long k,
                 struct best_floor *bf, struct tl_error *err)
{
    int fresh = 0;
    enum tl_status rs = TL_OK;

    if (per_article > 0)
        rs = tl_spans_load(db, &bf->spans, &fresh, err);
    if (rs != TL_OK || (per_article > 0 && !fresh))
        return rs;
    bf->f = tl_floor_new((size_t)k);
    return bf->f != NULL ? TL_OK
                         : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
}

/* Offers an exact score; raises *floor when the best scores allow. */
static void
best_floor_offer(struct best_floor *bf, long per_article,
                 const struct entry *e, double *floor)
{
    int64_t key = e->id;
    double f;

    if (per_article > 0) {
        long i = tl_spans_find(&bf->spans, e->id);
        if (i < 0)
            return;     /* not in the map: no floor from it */
        key = bf->spans.article[i];
    }
    if (tl_floor_offer(bf->f, key, e->score, &f) && f > *floor)
        *floor = f;
}

static void
best_floor_end(struct best_floor *bf)
{
    tl_floor_free(bf->f);
    bf->f = NULL;
    tl_spans_release(&bf->spans);
}

/* What a scan keeps on one connection: the best rows, how many rows it
 * saw, and its floors.  Not moved once begun (tl_rank_floor() holds a
 * pointer to floor). */
struct scanner {
    sqlite3 *db;
    long per_article, k;
    int unfiltered;         /* no filter: the articles' floor may be used */
    struct heap h;
    int64_t matches;
    int pruned;             /* matches under the floor were passed over
                               without being counted (fts5_scan.h) */
    double floor;
    struct best_floor bf;
    struct tl_lengths *lens;
    int floor_set, listed;
    /* a split scan's floor, shared by its connections (below) */
    _Atomic double *shared;
    /* a one-phrase scan's rows are in tf', its floor with a margin
     * (tl_rank_defer()); NULL or not applied: scores */
    const struct tl_rank_deferred *dfr;
};

static enum tl_status
scanner_begin(struct scanner *s, sqlite3 *db, const char *match,
              long per_article, long k, int unfiltered, struct tl_error *err)
{
    enum tl_status rs;

    memset(s, 0, sizeof *s);
    s->db = db;
    s->per_article = per_article;
    s->k = k;
    s->unfiltered = unfiltered;
    s->floor = -HUGE_VAL;
    /* room for what the cap and the filters may pass over */
    s->h.cap = (size_t)k * 4 + 256;
    s->h.a = malloc(s->h.cap * sizeof *s->h.a);
    if (s->h.a == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    /* once the heap is full, a row scoring below its worst cannot get
     * in: tl_bm25() may then skip the row's lengths (tl_rank_floor()) */
    rs = tl_rank_floor(db, &s->floor, err);
    if (rs != TL_OK)
        return rs;
    s->floor_set = 1;
    /* the words' df from the impact lists, not their whole doclists */
    rs = tl_topk_listed_df_begin(db, match, &s->listed, err);
    if (rs != TL_OK)
        return rs;
    /* the rows' lengths from the packed table, not FTS5's docsize */
    return tl_lengths_begin(db, &s->lens, err);
}

/* Every floor of every connection of a split scan holds for all of it
 * (a heap's floor: as many better rows as the heap holds; the articles'
 * floor: k articles with a better best passage), so each takes the
 * highest every SHARE_EVERY rows. */
#define SHARE_EVERY 256

static void
share_floor(struct scanner *s)
{
    double g = atomic_load(s->shared);

    while (g < s->floor
           && !atomic_compare_exchange_weak(s->shared, &g, s->floor))
        ;
    if (g > s->floor)
        s->floor = g;
}

/* One matching row, as tl_bm25() scored it (or bounded it, below the
 * floor). */
static enum tl_status
scanner_row(struct scanner *s, int64_t id, double score,
            struct tl_error *err)
{
    struct entry e = { score, id };
    enum tl_status rs;
    double cut = s->dfr != NULL && s->dfr->applied
                 ? s->floor * (1.0 - TL_RANK_DEFER_MARGIN) : s->floor;

    if (e.score < cut) {        /* possibly a bound: cannot get in */
        s->matches++;
        return TL_OK;
    }
    offer(&s->h, &e);
    if (s->h.n == s->h.cap && s->h.a[0].score > s->floor)
        s->floor = s->h.a[0].score;
    if (++s->matches == FLOOR_AFTER && s->unfiltered) {
        rs = best_floor_start(s->db, s->per_article, s->k, &s->bf, err);
        if (rs != TL_OK)
            return rs;
    }
    if (s->bf.f != NULL)
        best_floor_offer(&s->bf, s->per_article, &e, &s->floor);
    if (s->shared != NULL && (s->matches & (SHARE_EVERY - 1)) == 0)
        share_floor(s);
    return TL_OK;
}

/* Undoes scanner_begin() but the heap; returns rs, or the first error of
 * undoing when rs is TL_OK.  Every statement that scored rows with it
 * must be reset first. */
static enum tl_status
scanner_end(struct scanner *s, enum tl_status rs, struct tl_error *err)
{
    best_floor_end(&s->bf);
    rs = tl_topk_listed_df_end(s->db, s->listed, rs, err);
    rs = tl_lengths_end(s->db, s->lens, rs, err);
    s->lens = NULL;
    if (s->floor_set)
        rs = tl_rank_floor_end(s->db, rs, err);
    s->floor_set = 0;
    return rs;
}

/* Forgets the rows a scan read (the page reader gave up part way). */
static void
scanner_reset(struct scanner *s)
{
    s->h.n = 0;
    s->matches = 0;
    s->pruned = 0;
    s->floor = -HUGE_VAL;
    best_floor_end(&s->bf);
}

static enum tl_status
paged_row(void *ctx, int64_t id, double score, struct tl_error *err)
{
    return scanner_row(ctx, id, score, err);
}

/* ---- both cores for one search (docs/topk.md) ---------------------------
 *
 * A scan that has read split_after rows and expects SPLIT_REST times as
 * many after them hands the upper rowid ranges to parts (scan_part.h), each on
 * a connection of its own in a thread of its own, and stops where they
 * begin.  Each part keeps its own best rows and floors: a row under a
 * part's floor has as many better rows in that part as the heap holds, so
 * the best of all the heaps together are the best of the whole scan.  A
 * part that cannot run (another index, an error) is scanned here. */
#define SPLIT_AFTER_DEFAULT 2048
/* ... and expects this many times as many after them: a part costs about
 * a millisecond of its core to start (a connection, the schema, FTS5's
 * cursor), and on this project's 2-core machine two threads scan only
 * about 1.3 times as fast as one (docs/topk.md) */
#define SPLIT_REST 8
/* ... rows read from the pages, which cost a fifth as much: after this
 * many, when the rest should take this long */
#define PAGED_SPLIT_AFTER 4096
#define PAGED_SPLIT_REST_S 0.010
static long split_after;    /* 0: TALAASH_SCAN_SPLIT, else the default */

void
tl_topk_scan_split_after(long rows)
{
    split_after = rows > 0 ? rows : 0;
}

static int parts_fail;      /* tests */

void
tl_topk_scan_parts_fail(int fail)
{
    parts_fail = fail;
}

static long
split_after_rows(void)
{
    const char *env;
    long n;

    if (split_after > 0)
        return split_after;
    env = getenv("TALAASH_SCAN_SPLIT");
    if (env != NULL && (n = atol(env)) > 0)
        return n;
    return SPLIT_AFTER_DEFAULT;
}

/* The rows of match in (after, upto], for a part or in its stead. */
struct range {
    const char *match;
    long per_article, k;
    int64_t after, upto;
    /* the scan's statistics: a part does not count the phrases again
     * (for a phrase of common words, as long as the whole scan) */
    const struct tl_rank_stats *stats;
    _Atomic double *shared;
    const struct tl_rank_deferred *dfr;     /* the scan's */
    struct scanner s;       /* the part's, on its connection */
    struct tl_part *part;
    struct tl_rank_deferred own;    /* a paged part's (its unit scan) */
    struct chunks *chunks;  /* a paged part's: it takes chunks from there */
    uint64_t taken;         /* ... these (bit i: chunk i) */
};

/* The rest of a scan read from the pages, shared out in chunks: the scan
 * and its parts each take the next chunk when done with one, so a part
 * whose core is busy elsewhere holds up at most the chunk it is in, and
 * the scan takes the others itself. */
#define CHUNKS_MAX 16
#define CHUNK_ROWS_MIN 2048
struct chunks {
    _Atomic int next;
    int n;
    int64_t lo, step;       /* chunk i: (lo + i step, lo + (i + 1) step],
                               the last to the end */
};

/* The next chunk into (*after, *upto]: its number, or -1 (none left). */
static int
chunk_take(struct chunks *c, int64_t *after, int64_t *upto)
{
    int i = atomic_fetch_add(&c->next, 1);

    if (i >= c->n)
        return -1;
    *after = c->lo + c->step * i;
    *upto = i + 1 == c->n ? INT64_MAX : c->lo + c->step * (i + 1);
    return i;
}

/* A paged part's next chunk (tl_fts5_more_fn). */
static int
part_more(void *ctx, int64_t *after_out)
{
    struct range *r = ctx;
    int i = chunk_take(r->chunks, &r->after, &r->upto);

    if (i < 0)
        return 0;
    r->taken |= (uint64_t)1 << i;
    *after_out = r->after;
    return 1;
}

static enum tl_status
scan_range(sqlite3 *db, const struct range *r, struct scanner *s,
           struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    if (sqlite3_prepare_v2(db, "SELECT rowid, " TL_RANK_SQL " FROM "
                           "passages_fts WHERE passages_fts MATCH ?1 AND "
                           "rowid > ?2 AND rowid <= ?3", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "preparing the search");
    sqlite3_bind_text(st, 1, r->match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, r->after);
    sqlite3_bind_int64(st, 3, r->upto);
    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        rs = scanner_row(s, sqlite3_column_int64(st, 0),
                         sqlite3_column_double(st, 1), err);
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "search");
    sqlite3_finalize(st);
    return rs;
}

/* A part's work, on its own connection (tl_part_fn). */
static enum tl_status
range_part(sqlite3 *db, void *arg, struct tl_error *err)
{
    struct range *r = arg;
    enum tl_status rs;

    /* no articles' floor of its own (it would read the article spans
     * again): the scan's, shared */
    rs = scanner_begin(&r->s, db, r->match, r->per_article, r->k, 0, err);
    r->s.shared = r->shared;
    r->s.floor = atomic_load(r->shared);
    r->s.dfr = r->dfr;      /* its stats score in tf' when the scan's do */
    if (rs == TL_OK)
        rs = tl_rank_stats_put(db, r->stats, err);
    if (rs == TL_OK)
        rs = scan_range(db, r, &r->s, err);
    return scanner_end(&r->s, rs, err);
}

/* A part of a scan read from the pages (fts5_scan.h): its range on its
 * own connection; not answered there, the scan does the range itself. */
static enum tl_status
paged_part(sqlite3 *db, void *arg, struct tl_error *err)
{
    struct range *r = arg;
    struct tl_fts5_scan fs;
    enum tl_status rs;

    memset(&fs, 0, sizeof fs);
    rs = scanner_begin(&r->s, db, r->match, r->per_article, r->k, 0, err);
    r->s.shared = r->shared;
    r->s.floor = atomic_load(r->shared);
    memset(&r->own, 0, sizeof r->own);
    r->s.dfr = &r->own;     /* a unit scan's rows in tf', as the scan's */
    /* its first chunk, handed at the start; then what is left */
    if (rs == TL_OK) {
        rs = tl_fts5_scan_chunks(db, r->match, r->s.listed, r->s.lens,
                                 &r->own, &r->s.floor, r->after, &r->upto,
                                 part_more, r, paged_row, &r->s, &fs, err);
        if (rs == TL_OK && !fs.answered)
            rs = tl_error_set(err, TL_ERR_DB, "a part's pages not read");
        r->s.pruned = fs.pruned;
        if (rs == TL_OK && parts_fail)
            rs = tl_error_set(err, TL_ERR_DB, "a part failed (tests)");
    }
    return scanner_end(&r->s, rs, err);
}

/* The parts of a scan. */
struct split {
    struct range r[TL_PART_MAX];
    int n;
    struct tl_rank_stats *stats;    /* owned */
    _Atomic double floor;           /* the highest floor of them all */
    struct chunks chunks;           /* a scan read from the pages */
};

/* The largest passage id into *last (0: none). */
static enum tl_status
last_passage(sqlite3 *db, int64_t *last, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;

    *last = 0;
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM passages", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "preparing the search");
    if (sqlite3_step(st) == SQLITE_ROW)
        *last = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return TL_OK;
}

/* Shares the rowids after id, up to last, between this scan and parts
 * parts running fn (each handed sp->stats, the scan's statistics, or
 * NULL); the scan keeps up to *upto_out.  A part that does not start
 * (r->part NULL) is scanned here at the join. */
static enum tl_status
start_parts(sqlite3 *db, const char *match, struct scanner *s,
            struct split *sp, int64_t id, int64_t last, int parts,
            tl_part_fn fn, int64_t *upto_out, struct tl_error *err)
{
    int64_t share = (last - id) / (parts + 1);
    enum tl_status rs = TL_OK;

    if (share < 1)
        return TL_OK;
    atomic_init(&sp->floor, s->floor);
    for (int i = 0; i < parts; i++) {
        struct range *r = &sp->r[sp->n];
        memset(r, 0, sizeof *r);
        r->match = match;
        r->per_article = s->per_article;
        r->k = s->k;
        r->after = id + share * (i + 1);
        r->upto = i + 1 == parts ? INT64_MAX : id + share * (i + 2);
        r->stats = sp->stats;
        r->shared = &sp->floor;
        r->dfr = s->dfr;
        rs = tl_part_start(db, fn, r, &r->part, err);
        if (rs != TL_OK)
            break;
        sp->n++;
    }
    if (sp->n > 0) {
        *upto_out = sp->r[0].after;
        s->shared = &sp->floor;
    }
    return rs;
}

/* After s->matches rows, the first at first_id and the last at id: hands
 * the rest to parts when it is long enough; returns the last rowid this
 * scan keeps (INT64_MAX: all). */
static enum tl_status
split_rest(sqlite3 *db, const char *match, struct scanner *s,
           int64_t first_id, int64_t id, struct split *sp, int64_t *upto_out,
           struct tl_error *err)
{
    int64_t last = 0, rest;
    int parts = tl_part_max();
    long after = split_after_rows();
    enum tl_status rs = TL_OK;

    *upto_out = INT64_MAX;
    /* an override's weights are this connection's; a prefix FTS5 merges
     * over all rows for every cursor, so a part would repeat it whole */
    if (parts == 0 || tl_rank_overridden(db) || strchr(match, '*') != NULL)
        return TL_OK;
    rs = last_passage(db, &last, err);
    if (rs != TL_OK || last <= id)
        return rs;
    /* the statistics the scan made at its first row (tl_rank_keep()) */
    rs = tl_rank_stats_get(db, &sp->stats, err);
    if (rs != TL_OK || sp->stats == NULL)
        return rs;
    /* rows expected after id, at the density seen so far */
    rest = (int64_t)((double)s->matches * (double)(last - id)
                     / (double)(id - first_id + 1));
    if (rest < SPLIT_REST * after)
        return TL_OK;
    if (parts > rest / after - 1)
        parts = (int)(rest / after - 1);
    return start_parts(db, match, s, sp, id, last, parts, range_part,
                       upto_out, err);
}

/* A scan read from the pages, on the search's connection: its rows go
 * to the scanner, and after split_after of them the rest of the range
 * may go to parts (as split_rest() does for FTS5's cursor; a part's
 * cursors skip the rows before its range without their positions). */
struct paged_main {
    sqlite3 *db;
    const char *match;
    struct scanner *s;
    struct split *sp;
    int64_t first_id, upto;
    long after;
    int by_rows;            /* TALAASH_SCAN_SPLIT: by rows (tests) */
    double start;           /* when the scan began, seconds */
};

static double
now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Shares the rowids after id, up to last (about rest rows), out in
 * chunks between the scan and parts parts (paged_part()); the scan
 * stops at id and takes chunks through main_more(). */
static enum tl_status
paged_start(struct paged_main *m, int64_t id, int64_t last, int64_t rest,
            int parts, struct tl_error *err)
{
    struct scanner *s = m->s;
    struct split *sp = m->sp;
    int64_t n = rest / CHUNK_ROWS_MIN;
    enum tl_status rs = TL_OK;

    int64_t upto = INT64_MAX, after;

    if (n < parts + 1)
        n = parts + 1;
    sp->chunks.n = n > CHUNKS_MAX ? CHUNKS_MAX : (int)n;
    sp->chunks.lo = id;
    sp->chunks.step = (last - id) / sp->chunks.n;
    if (sp->chunks.step < 1)
        return TL_OK;
    atomic_init(&sp->chunks.next, 0);
    atomic_init(&sp->floor, s->floor);
    /* the first chunk the scan's, the next one each part's, the rest to
     * whoever is done first */
    chunk_take(&sp->chunks, &after, &upto);
    for (int i = 0; i < parts; i++) {
        struct range *r = &sp->r[i];
        int c;
        memset(r, 0, sizeof *r);
        r->match = m->match;
        r->per_article = s->per_article;
        r->k = s->k;
        r->shared = &sp->floor;
        r->dfr = s->dfr;
        r->chunks = &sp->chunks;
        /* all handed before any starts: a part done with its first
         * takes the next */
        c = chunk_take(&sp->chunks, &r->after, &r->upto);
        r->taken = (uint64_t)1 << c;    /* scanned here if the part fails */
    }
    for (int i = 0; i < parts; i++) {
        struct range *r = &sp->r[sp->n];
        sp->n++;
        rs = tl_part_start(m->db, paged_part, r, &r->part, err);
        if (rs != TL_OK)
            break;
    }
    m->upto = upto;
    s->shared = &sp->floor;
    return rs;
}

static enum tl_status
paged_split(struct paged_main *m, int64_t id, struct tl_error *err)
{
    struct scanner *s = m->s;
    int64_t last = 0, rest;
    int parts = tl_part_max();
    enum tl_status rs;

    /* a prefix's part opens a cursor per word and seeks each to its
     * range: measured slower than one thread (econom* at 200,000
     * articles 14.0 -> 15.1 ms) */
    if (parts == 0 || strchr(m->match, '*') != NULL)
        return TL_OK;
    rs = last_passage(m->db, &last, err);
    if (rs != TL_OK || last <= id)
        return rs;
    rest = (int64_t)((double)s->matches * (double)(last - id)
                     / (double)(id - m->first_id + 1));
    if (m->by_rows) {
        if (rest < SPLIT_REST * m->after)
            return TL_OK;
        if (parts > rest / m->after - 1)
            parts = (int)(rest / m->after - 1);
    } else {
        /* a part costs a connection and its cursors' setup: worth it
         * for a long rest only, in time (a row under the floor costs a
         * tenth of one scored) */
        double spent = now() - m->start;
        if (spent * (double)(last - id) / (double)(id - m->first_id + 1)
            < PAGED_SPLIT_REST_S)
            return TL_OK;
    }
    return paged_start(m, id, last, rest, parts, err);
}

/* The scan's next chunk once past its own (tl_fts5_more_fn). */
static int
main_more(void *ctx, int64_t *after_out)
{
    struct paged_main *m = ctx;

    return m->sp->n > 0
           && chunk_take(&m->sp->chunks, after_out, &m->upto) >= 0;
}

static enum tl_status
paged_main_row(void *ctx, int64_t id, double score, struct tl_error *err)
{
    struct paged_main *m = ctx;
    enum tl_status rs;

    if (m->s->matches == 0)
        m->first_id = id;
    else if (m->s->matches == m->after && m->sp->n == 0) {
        rs = paged_split(m, id, err);
        if (rs != TL_OK)
            return rs;
    }
    return scanner_row(m->s, id, score, err);
}

/* Waits for the parts; takes the best rows of those that ran into s and
 * scans the others' ranges on db.  The scan's statement must still be
 * reading (the same snapshot). */
static enum tl_status
join_parts(sqlite3 *db, struct split *sp, struct scanner *s,
           enum tl_status rs, struct tl_error *err)
{
    for (int i = 0; i < sp->n; i++) {
        struct range *r = &sp->r[i];
        int ok = tl_part_join(r->part);

        r->part = NULL;
        if (ok && rs == TL_OK) {
            for (size_t j = 0; j < r->s.h.n; j++)
                offer(&s->h, &r->s.h.a[j]);
            s->matches += r->s.matches;
            s->pruned |= r->s.pruned;
        } else if (rs == TL_OK && r->chunks == NULL) {
            rs = scan_range(db, r, s, err);
        } else if (rs == TL_OK) {
            /* the chunks the part took (one not started, none) */
            for (int c = 0; rs == TL_OK && c < r->chunks->n; c++)
                if (r->taken >> c & 1) {
                    r->after = r->chunks->lo + r->chunks->step * c;
                    r->upto = c + 1 == r->chunks->n
                              ? INT64_MAX
                              : r->chunks->lo + r->chunks->step * (c + 1);
                    rs = scan_range(db, r, s, err);
                }
        }
        free(r->s.h.a);
        r->s.h.a = NULL;
    }
    sp->n = 0;
    s->shared = NULL;
    tl_rank_stats_free(sp->stats);
    sp->stats = NULL;
    return rs;
}

/* A one-phrase scan's rows scored tf' (tl_rank_defer()): now that it has
 * counted them, the phrase's df, each kept row gets its score.  The
 * order is tf''s, up to rounding: *worst_out gets the score above which
 * a row is surely ranked above every row the heap let go (-HUGE_VAL when
 * it let none go); rows under the floor were left with a margin. */
static void
undefer(struct scanner *s, const struct tl_rank_deferred *d,
        double *worst_out)
{
    double idf = tl_rank_idf(d->n_rows, (double)s->matches);

    *worst_out = -HUGE_VAL;
    if (s->h.n == s->h.cap)     /* a full heap may have dropped rows */
        *worst_out = tl_rank_saturate(&d->p, 1.0, idf, s->h.a[0].score
                                      * (1.0 + TL_RANK_DEFER_MARGIN));
    for (size_t i = 0; i < s->h.n; i++)
        s->h.a[i].score = tl_rank_saturate(&d->p, 1.0, idf,
                                           s->h.a[i].score);
}

enum tl_status
tl_topk_scan(sqlite3 *db, const char *match, long per_article, long k,
             tl_topk_filter_fn filter, void *filter_ctx, struct tl_topk *t,
             struct tl_error *err)
{
    struct scanner s;
    struct split sp;
    struct tl_rank_deferred dfr;
    struct tl_fts5_scan paged;
    struct paged_main pm;
    struct amap seen = { 0 }, verdict = { 0 };
    sqlite3_stmt *scan = NULL, *article = NULL;
    size_t accepted = 0;
    enum tl_status rs = TL_OK;
    int64_t first_id = 0, upto = INT64_MAX;
    long after = split_after_rows();
    int rc = SQLITE_DONE, keeping = 0, deferring = 0, uncertain = 0;
    double worst = -HUGE_VAL;

    tl_topk_release(t);
    memset(&s, 0, sizeof s);
    memset(&dfr, 0, sizeof dfr);
    memset(&paged, 0, sizeof paged);
    sp.n = 0;
    sp.stats = NULL;
    if (match == NULL || k <= 0 || k > TL_TOPK_SCAN_MAX)
        return TL_OK;
    rs = scanner_begin(&s, db, match, per_article, k, filter == NULL, err);
    if (rs != TL_OK)
        goto out;
    /* one phrase: its df counted here, not in a pass of its own */
    rs = tl_rank_defer(db, &dfr, err);
    if (rs != TL_OK)
        goto out;
    deferring = 1;
    s.dfr = &dfr;
    seen.size = verdict.size = 64;
    while (seen.size < 2 * s.h.cap)
        seen.size *= 2;
    verdict.size = seen.size;
    seen.key = calloc(seen.size, sizeof *seen.key);
    seen.val = calloc(seen.size, sizeof *seen.val);
    verdict.key = calloc(verdict.size, sizeof *verdict.key);
    verdict.val = calloc(verdict.size, sizeof *verdict.val);
    t->ids = malloc((size_t)k * sizeof *t->ids);
    t->scores = malloc((size_t)k * sizeof *t->scores);
    if (seen.key == NULL || seen.val == NULL || verdict.key == NULL
        || verdict.val == NULL || t->ids == NULL || t->scores == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* FTS5's pages read here, not through its cursor (fts5_scan.h) */
    pm.db = db;
    pm.match = match;
    pm.s = &s;
    pm.sp = &sp;
    pm.upto = INT64_MAX;
    pm.by_rows = split_after > 0 || getenv("TALAASH_SCAN_SPLIT") != NULL;
    pm.after = pm.by_rows ? after : PAGED_SPLIT_AFTER;
    pm.start = now();
    rs = tl_fts5_scan_chunks(db, match, s.listed, s.lens, &dfr, &s.floor,
                             INT64_MIN, &pm.upto, main_more, &pm,
                             paged_main_row, &pm, &paged, err);
    if (rs != TL_OK)
        goto out;
    s.pruned = paged.answered && paged.pruned;
    if (!paged.answered) {
        struct tl_error ignored;
        join_parts(db, &sp, &s, TL_ERR_DB, &ignored);   /* forgotten */
        scanner_reset(&s);
        dfr.applied = 0;
    }
    /* the same ranking expression as lib/search.c's SQL */
    if (sqlite3_prepare_v2(db, "SELECT rowid, " TL_RANK_SQL " FROM "
                           "passages_fts WHERE passages_fts MATCH ?1", -1,
                           &scan, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT article_id FROM passages WHERE "
                              "id = ?1", -1, &article, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, db, "preparing the search");
        goto out;
    }
    sqlite3_bind_text(scan, 1, match, -1, SQLITE_STATIC);
    /* a scan that may be split keeps its statistics for the parts */
    if (!paged.answered && !sqlite3_get_autocommit(db) && tl_part_max() > 0) {
        rs = tl_rank_keep(db, 1, err);
        if (rs != TL_OK)
            goto out;
        keeping = 1;
    }
    while (!paged.answered && (rc = sqlite3_step(scan)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(scan, 0);

        if (id > upto)
            break;              /* the parts' rows */
        if (s.matches == 0)
            first_id = id;
        else if (s.matches == after && sp.n == 0) {
            rs = split_rest(db, match, &s, first_id, id, &sp, &upto, err);
            if (rs != TL_OK)
                goto out;
            if (id > upto)
                break;
        }
        rs = scanner_row(&s, id, sqlite3_column_double(scan, 1), err);
        if (rs != TL_OK)
            goto out;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        /* a plain SQLITE_ERROR is FTS5 refusing the expression: the SQL
         * path reports it as the user's query */
        if (sqlite3_extended_errcode(db) != SQLITE_ERROR)
            rs = tl_error_db(err, db, "search");
        goto out;
    }
    /* the parts, while scan still holds this snapshot */
    rs = join_parts(db, &sp, &s, rs, err);
    if (rs != TL_OK)
        goto out;
    if (dfr.applied)
        undefer(&s, &dfr, &worst);
    qsort(s.h.a, s.h.n, sizeof *s.h.a, cmp_rank);
    for (size_t i = 0; i < s.h.n && accepted < (size_t)k; i++) {
        int64_t aid;
        int *n;

        if (s.h.a[i].score <= worst) {
            uncertain = 1;      /* a row let go might tie it: the SQL */
            break;
        }
        sqlite3_reset(article);
        sqlite3_bind_int64(article, 1, s.h.a[i].id);
        rc = sqlite3_step(article);
        if (rc != SQLITE_ROW) {
            rs = tl_error_db(err, db, "reading a passage's article");
            goto out;
        }
        aid = sqlite3_column_int64(article, 0);
        if (filter != NULL) {
            int *v = amap_at(&verdict, aid);
            if (*v == 0) {
                int ok = 0;
                rs = filter(filter_ctx, aid, &ok, err);
                if (rs != TL_OK)
                    goto out;
                *v = ok ? 1 : 2;
            }
            if (*v == 2)
                continue;
        }
        n = amap_at(&seen, aid);
        if (per_article > 0 && *n >= per_article)
            continue;
        (*n)++;
        t->ids[accepted] = s.h.a[i].id;
        t->scores[accepted] = s.h.a[i].score;
        accepted++;
    }
    /* exact when k were accepted or no match was left out of the heap */
    if (!uncertain
        && (accepted == (size_t)k
            || ((size_t)s.matches == s.h.n && !s.pruned))) {
        t->n = accepted;
        t->exact = 1;
    }
out:
    rs = join_parts(db, &sp, &s, rs, err);  /* after an error: none left */
    sqlite3_reset(scan);    /* tl_bm25()'s statement done before the end */
    rs = scanner_end(&s, rs, err);
    if (deferring) {
        struct tl_error ignored;
        if (tl_rank_defer(db, NULL, rs == TL_OK ? err : &ignored) != TL_OK
            && rs == TL_OK)
            rs = TL_ERR_DB;
    }
    if (keeping) {
        struct tl_error ignored;
        if (tl_rank_keep(db, 0, rs == TL_OK ? err : &ignored) != TL_OK
            && rs == TL_OK)
            rs = TL_ERR_DB;
    }
    sqlite3_finalize(scan);
    sqlite3_finalize(article);
    free(s.h.a);
    free(seen.key);
    free(seen.val);
    free(verdict.key);
    free(verdict.val);
    if (!t->exact) {
        free(t->ids);
        free(t->scores);
        t->ids = NULL;
        t->scores = NULL;
        t->n = 0;
    }
    return rs;
}
