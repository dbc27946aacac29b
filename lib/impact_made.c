/*
 * impact_made.c - a first build's impact lists, made from its inverters
 * while the segment is written (impact_made.h).
 *
 * tl_invert_write_lists() hands each term in min_df rows or more, with
 * its rows merged in passage id order, to one of the makers' threads:
 * each counts the term's occurrences per column in the position lists
 * and offers the passages to its own tl_impact_top, as a refresh does
 * with the same rows read back from the pages.  The vocabulary (every
 * term with its rows) comes from the writer's thread, in key order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fts5_varint.h"
#include "impact_made.h"

#define MADE_THREADS_MAX 16

struct item {
    char *term;
    struct tl_impact_made_list l;
};

struct tl_impact_made {
    long min_df;
    struct tl_impact_totals tot;
    const struct tl_impact_lens *lens;
    int threads;
    int written, done, failed;
    struct tl_invert_makers *makers;    /* still making lists */
    struct tl_impact_top top[MADE_THREADS_MAX];
    /* the vocabulary: per term its length, bytes and df, as varints */
    struct tl_buf vocab;
    /* the lists, made in any order; sorted by term when done */
    pthread_mutex_t mu;
    struct item *items;
    size_t n_items, cap_items;
};

enum tl_status
tl_impact_made_new(long min_df, const struct tl_impact_totals *tot,
                   const struct tl_impact_lens *lens, int threads,
                   struct tl_impact_made **out, struct tl_error *err)
{
    struct tl_impact_made *m = calloc(1, sizeof *m);
    double ref[TL_RANK_COLUMNS];

    *out = NULL;
    if (m == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    m->min_df = min_df > 1 ? min_df : 1;
    m->tot = *tot;
    m->lens = lens;
    m->threads = threads < 1 ? 1
                 : threads > MADE_THREADS_MAX ? MADE_THREADS_MAX : threads;
    /* the mean lengths as a refresh computes them from the same totals */
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        ref[c] = tl_rank_avglen(tot->tokens[c], tot->rows);
    for (int t = 0; t < m->threads; t++)
        tl_impact_top_init(&m->top[t], lens, ref);
    tl_buf_init(&m->vocab, 0);
    pthread_mutex_init(&m->mu, NULL);
    *out = m;
    return TL_OK;
}

void
tl_impact_made_free(struct tl_impact_made *m)
{
    if (m == NULL)
        return;
    tl_invert_makers_stop(m->makers);
    for (int t = 0; t < m->threads; t++)
        tl_impact_top_release(&m->top[t]);
    for (size_t i = 0; i < m->n_items; i++) {
        free(m->items[i].term);
        tl_buf_release(&m->items[i].l.blob);
    }
    free(m->items);
    tl_buf_release(&m->vocab);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

/* tl_invert_lists' vocab: on the writer's thread, in key order. */
static enum tl_status
on_vocab(void *ctx, const unsigned char *term, int n, int64_t rows,
         struct tl_error *err)
{
    struct tl_impact_made *m = ctx;

    if (rows <= 0)
        return TL_OK;
    if (tl_fts5_buf_varint(&m->vocab, (uint64_t)n) != TL_OK
        || tl_buf_append(&m->vocab, (const char *)term, (size_t)n) != TL_OK
        || tl_fts5_buf_varint(&m->vocab, (uint64_t)rows) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    return TL_OK;
}

static int
inverted_next(void *it, int64_t *id, const unsigned char **pos, int *n_pos)
{
    return tl_invert_rows_next(it, id, pos, n_pos);
}

/* One frequent term's list, from its rows, on maker thread t (inlined
 * into each caller: next is called once a posting). */
static inline __attribute__((always_inline)) enum tl_status
term_list(struct tl_impact_made *m, int t, const unsigned char *term, int n,
          tl_impact_rows_fn next, void *rows, struct tl_error *err)
{
    struct tl_impact_top *top = &m->top[t];
    const unsigned char *pos;
    struct item it;
    int64_t id;
    int n_pos;

    tl_impact_top_start(top);
    while (next(rows, &id, &pos, &n_pos)) {
        /* FTS5's position list: 1 and a column number switch columns,
         * any other value is a position (+ 2) in the column */
        const unsigned char *p = pos, *end = pos + n_pos;
        int tf[TL_RANK_COLUMNS] = { 0 }, k = 0;
        uint64_t col = 0, v;
        while (p < end) {
            p = tl_fts5_get_varint(p, &v);
            if (v == 1) {
                p = tl_fts5_get_varint(p, &col);
                continue;
            }
            if (col < TL_RANK_COLUMNS)
                tf[col]++;
            k++;
        }
        tl_impact_top_passage(top, id, tf, k);
    }
    if (top->df < m->min_df)
        return TL_OK;       /* some rows left out: no list, as a refresh */
    memset(&it, 0, sizeof it);
    tl_buf_init(&it.l.blob, 0);
    it.term = malloc((size_t)n + 1);
    if (it.term == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    memcpy(it.term, term, (size_t)n);
    it.term[n] = '\0';
    if (tl_impact_top_finish(top, &it.l, err) != TL_OK) {
        free(it.term);
        tl_buf_release(&it.l.blob);
        return TL_ERR_NOMEM;
    }
    pthread_mutex_lock(&m->mu);
    if (m->n_items == m->cap_items) {
        size_t cap = m->cap_items != 0 ? 2 * m->cap_items : 256;
        struct item *p = realloc(m->items, cap * sizeof *p);
        if (p == NULL) {
            pthread_mutex_unlock(&m->mu);
            free(it.term);
            tl_buf_release(&it.l.blob);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        m->items = p;
        m->cap_items = cap;
    }
    m->items[m->n_items++] = it;
    pthread_mutex_unlock(&m->mu);
    return TL_OK;
}

/* tl_invert_lists' term: one frequent term on maker thread t. */
static enum tl_status
on_term(void *ctx, int t, const unsigned char *term, int n,
        struct tl_invert_rows *rows, struct tl_error *err)
{
    return term_list(ctx, t, term, n, inverted_next, rows, err);
}

enum tl_status
tl_impact_made_rows(struct tl_impact_made *m, int t, const unsigned char *term,
                    int n, tl_impact_rows_fn next, void *rows,
                    struct tl_error *err)
{
    if (t < 0 || t >= m->threads)
        return tl_error_set(err, TL_ERR_USAGE, "no such list maker");
    return term_list(m, t, term, n, next, rows, err);
}

enum tl_status
tl_impact_made_key(struct tl_impact_made *m, const unsigned char *term,
                   int n, int64_t rows, struct tl_error *err)
{
    return on_vocab(m, term, n, rows, err);
}

void
tl_impact_made_ask(struct tl_impact_made *m, struct tl_invert_lists *out)
{
    memset(out, 0, sizeof *out);
    out->min_rows = m->min_df;
    out->threads = m->threads;
    out->vocab = on_vocab;
    out->term = on_term;
    out->ctx = m;
}

static int
by_term(const void *a, const void *b)
{
    return strcmp(((const struct item *)a)->term,
                  ((const struct item *)b)->term);
}

void
tl_impact_made_written(struct tl_impact_made *m,
                       struct tl_invert_makers *makers)
{
    m->makers = makers;
    m->written = 1;
}

enum tl_status
tl_impact_made_wait(struct tl_impact_made *m, struct tl_error *err)
{
    struct tl_invert_makers *makers = m->makers;

    if (m->done)
        return TL_OK;
    if (m->failed || !m->written)
        return tl_error_set(err, TL_ERR_DB, "the impact lists were not "
                            "made");
    m->makers = NULL;
    if (tl_invert_makers_wait(makers, err) != TL_OK) {
        m->failed = 1;
        return err != NULL && err->code != TL_OK ? err->code : TL_ERR_DB;
    }
    if (m->n_items > 1)
        qsort(m->items, m->n_items, sizeof *m->items, by_term);
    m->done = 1;
    return TL_OK;
}

int
tl_impact_made_fits(const struct tl_impact_made *m, long min_df,
                    const struct tl_impact_totals *tot)
{
    if (m == NULL || !m->written || m->failed
        || m->min_df != (min_df > 1 ? min_df : 1)
        || m->tot.rows != tot->rows)
        return 0;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        if (m->tot.tokens[c] != tot->tokens[c])
            return 0;
    return 1;
}

void
tl_impact_made_vocab(const struct tl_impact_made *m,
                     int (*fn)(void *ctx, const unsigned char *term, int n,
                               int64_t df),
                     void *ctx)
{
    const unsigned char *p = (const unsigned char *)m->vocab.data;
    const unsigned char *end = p + m->vocab.len;

    while (p != NULL && p < end) {
        uint64_t n, df;
        const unsigned char *term;
        p = tl_fts5_get_varint(p, &n);
        term = p;
        p = tl_fts5_get_varint(p + n, &df);
        if (fn(ctx, term, (int)n, (int64_t)df) != 0)
            return;
    }
}

void
tl_impact_made_each(const struct tl_impact_made *m,
                    int (*fn)(void *ctx, const char *term,
                              const struct tl_impact_made_list *l),
                    void *ctx)
{
    for (size_t i = 0; i < m->n_items; i++)
        if (fn(ctx, m->items[i].term, &m->items[i].l) != 0)
            return;
}
