/*
 * topk.c - exact top-k from the impact lists (topk.h, docs/topk.md).
 *
 * For a single-word query: every listed passage of the term is scored
 * with tl_bm25()'s own arithmetic (lib/rank.c's shared pieces), the
 * candidates are walked best first through the filters and the
 * per-article cap, and the answer stands when the k-th accepted score
 * beats the bound on every passage not listed:
 *
 *   U = idf * g(cutoff * s),   g(x) = x (k1 + 1) / (k1 + x)
 *
 * s bounding how much a passage's tf' can have grown since the lists'
 * reference mean lengths (docs/topk.md): max over columns of
 * max(1, mean now / mean then).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "impact.h"
#include "topk.h"

/* A relative margin for the comparison with the bound: the bound is
 * computed with other roundings than the scores. */
#define BOUND_MARGIN 1e-9

static atomic_long n_answered, n_refused;

void
tl_topk_counts(long *answered, long *refused)
{
    *answered = atomic_load(&n_answered);
    *refused = atomic_load(&n_refused);
}

void
tl_topk_init(struct tl_topk *t)
{
    memset(t, 0, sizeof *t);
}

void
tl_topk_release(struct tl_topk *t)
{
    if (t == NULL)
        return;
    free(t->ids);
    free(t->scores);
    tl_topk_init(t);
}

/* The single token of match when it is one quoted word ("said"). */
struct one_token {
    char tok[256];
    int len, count;
};

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct one_token *o = ctx;

    (void)start;
    (void)end;
    if (++o->count == 1 && len > 0 && (size_t)len < sizeof o->tok) {
        memcpy(o->tok, tok, (size_t)len);
        o->len = len;
    }
    return o->count > 1;
}

static int
single_term(sqlite3 *db, const char *match, struct one_token *o)
{
    size_t n = strlen(match);
    struct tl_error err;

    memset(o, 0, sizeof *o);
    if (n < 3 || match[0] != '"' || match[n - 1] != '"'
        || memchr(match + 1, '"', n - 2) != NULL
        || memchr(match + 1, '*', n - 2) != NULL)
        return 0;
    if (tl_tokenizer_each(db, match + 1, (int)n - 2, FTS5_TOKENIZE_QUERY,
                          on_token, o, &err) != TL_OK)
        return 0;
    return o->count == 1 && o->len > 0;
}

static atomic_long n_counted;

enum tl_status
tl_topk_count(sqlite3 *db, const char *match, long *passages_out,
              long *articles_out, int *answered_out, struct tl_error *err)
{
    struct one_token term;
    double ref[TL_RANK_COLUMNS];
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int fresh = 0;

    *answered_out = 0;
    if (match == NULL || !single_term(db, match, &term))
        return TL_OK;
    rs = tl_impact_fresh(db, &fresh, ref, err);
    if (rs != TL_OK || !fresh)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT df, adf FROM impacts WHERE term = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the impact lists");
    sqlite3_bind_text(st, 1, term.tok, term.len, SQLITE_STATIC);
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        if (sqlite3_column_type(st, 1) == SQLITE_INTEGER) {
            *passages_out = (long)sqlite3_column_int64(st, 0);
            *articles_out = (long)sqlite3_column_int64(st, 1);
            *answered_out = 1;
            atomic_fetch_add(&n_counted, 1);
        }
        break;
    case SQLITE_DONE:
        break;
    default:
        rs = tl_error_db(err, db, "reading the impact lists");
    }
    sqlite3_finalize(st);
    return rs;
}

long
tl_topk_count_count(void)
{
    return atomic_load(&n_counted);
}

struct cand {
    double score;
    int64_t id, article;
};

static int
cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Accepted passages per article, for the cap: a small open-addressing
 * table (at most TL_IMPACT_LIST articles). */
struct counts {
    int64_t key[4 * TL_IMPACT_LIST];
    int n[4 * TL_IMPACT_LIST];
};

static int *
count_of(struct counts *c, int64_t article)
{
    size_t size = sizeof c->key / sizeof c->key[0];
    size_t i = (size_t)((uint64_t)article * 0x9E3779B97F4A7C15u) % size;

    while (c->n[i] != 0 && c->key[i] != article)
        i = (i + 1) % size;
    c->key[i] = article;
    return &c->n[i];
}

enum tl_status
tl_topk_listed_df_begin(sqlite3 *db, const char *match, int *on_out,
                        struct tl_error *err)
{
    double ref[TL_RANK_COLUMNS];
    enum tl_status rs;
    int fresh = 0;

    *on_out = 0;
    if (match == NULL || strpbrk(match, ":{*^") != NULL)
        return TL_OK;
    rs = tl_impact_fresh(db, &fresh, ref, err);
    if (rs != TL_OK || !fresh)
        return rs;
    rs = tl_rank_listed_df(db, 1, err);
    *on_out = rs == TL_OK;
    return rs;
}

enum tl_status
tl_topk_listed_df_end(sqlite3 *db, int on, enum tl_status rs,
                      struct tl_error *err)
{
    struct tl_error scratch = { 0 };
    enum tl_status off;

    if (!on)
        return rs;
    off = tl_rank_listed_df(db, 0, rs == TL_OK ? err : &scratch);
    return rs == TL_OK ? off : rs;
}

enum tl_status
tl_topk_search(sqlite3 *db, const char *match, long per_article, long k,
               tl_topk_filter_fn filter, void *filter_ctx,
               struct tl_topk *t, struct tl_error *err)
{
    struct tl_impact_list list;
    struct tl_impact_totals tot;
    struct tl_rank_params p;
    struct one_token term;
    struct counts *counts = NULL;
    struct cand *cand = NULL;
    double ref[TL_RANK_COLUMNS], avg[TL_RANK_COLUMNS], idf, bound, g_cut;
    double scale = 1.0, cut;
    enum tl_status rs = TL_OK;
    int fresh = 0, found = 0;
    size_t accepted = 0, n_cand, head_len = 0;
    char *excl = NULL;          /* the words it must not hold, an OR */
    unsigned char *drop = NULL;

    tl_topk_release(t);
    memset(&list, 0, sizeof list);
    if (match == NULL || k <= 0 || k > TL_IMPACT_LIST
        || tl_rank_overridden(db))
        goto refuse;
    if (!single_term(db, match, &term)) {
        /* a full word without others (lib/topk_not.c) */
        char head[sizeof term.tok + 2];
        if (!tl_topk_not_split(match, &head_len, &excl)
            || head_len >= sizeof head)
            goto refuse;
        memcpy(head, match, head_len);
        head[head_len] = '\0';
        if (!single_term(db, head, &term)
            || tl_rank_word_kind(term.tok, (size_t)term.len)
                   != TL_RANK_WORD_FULL)
            goto refuse;
    }
    rs = tl_impact_fresh(db, &fresh, ref, err);
    if (rs != TL_OK || !fresh)
        goto refuse;
    rs = tl_impact_load(db, term.tok, (size_t)term.len, &list, &found, err);
    if (rs != TL_OK || !found || list.n == 0)
        goto refuse;
    rs = tl_impact_totals(db, &tot, err);
    if (rs != TL_OK)
        goto refuse;
    tl_rank_params_init(&p);
    idf = tl_rank_idf(tl_rank_rows(tot.rows), (double)list.df);
    /* scores with the live mean lengths, as tl_bm25(); the cutoff is a
     * tf' under the reference ones, and grows by at most `scale` */
    for (int c = 0; c < TL_RANK_COLUMNS; c++) {
        avg[c] = tl_rank_avglen(tot.tokens[c], tot.rows);
        if (avg[c] > 0 && ref[c] > 0 && avg[c] > ref[c]
            && avg[c] / ref[c] > scale)
            scale = avg[c] / ref[c];
        else if (avg[c] > 0 && ref[c] <= 0)
            scale = p.b < 1 && 1.0 / (1.0 - p.b) > scale
                    ? 1.0 / (1.0 - p.b) : p.b < 1 ? scale : 1e300;
    }
    cand = malloc(list.n * sizeof *cand);
    counts = calloc(1, sizeof *counts);
    t->ids = malloc((size_t)k * sizeof *t->ids);
    t->scores = malloc((size_t)k * sizeof *t->scores);
    if (cand == NULL || counts == NULL || t->ids == NULL
        || t->scores == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto refuse;
    }
    for (size_t i = 0; i < list.n; i++) {
        const struct tl_impact_entry *e = &list.entries[i];
        double freq[TL_RANK_COLUMNS], norm[TL_RANK_COLUMNS];

        for (int c = 0; c < TL_RANK_COLUMNS; c++) {
            freq[c] = (double)e->tf[c];
            norm[c] = tl_rank_norm(&p, e->len[c], avg[c]);
        }
        /* as tl_bm25(): one phrase, so no proximity; 0 + share */
        cand[i].score = 0.0 + tl_rank_share(&p, 1.0, idf, freq, norm,
                                            TL_RANK_COLUMNS);
        cand[i].id = e->passage_id;
        cand[i].article = e->article_id;
    }
    n_cand = list.n;
    if (excl != NULL) {
        /* the listed passages holding none of the others (in id order,
         * as the list) */
        int64_t *ids = malloc(list.n * sizeof *ids);
        int ok = 0;

        drop = malloc(list.n);
        if (ids == NULL || drop == NULL) {
            free(ids);
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto refuse;
        }
        for (size_t i = 0; i < list.n; i++)
            ids[i] = cand[i].id;
        rs = tl_topk_not_mark(db, excl, ids, list.n, drop, &ok, err);
        free(ids);
        if (rs != TL_OK || !ok)
            goto refuse;
        n_cand = 0;
        for (size_t i = 0; i < list.n; i++)
            if (!drop[i])
                cand[n_cand++] = cand[i];
    }
    qsort(cand, n_cand, sizeof *cand, cmp_cand);
    for (size_t i = 0; i < n_cand && accepted < (size_t)k; i++) {
        int ok = 1, *seen;

        if (filter != NULL) {
            rs = filter(filter_ctx, cand[i].article, &ok, err);
            if (rs != TL_OK)
                goto refuse;
        }
        if (!ok)
            continue;
        seen = count_of(counts, cand[i].article);
        if (per_article > 0 && *seen >= per_article)
            continue;
        (*seen)++;
        t->ids[accepted] = cand[i].id;
        t->scores[accepted] = cand[i].score;
        accepted++;
    }
    /* every passage holding the term is listed: nothing is unseen */
    if ((int64_t)list.n == list.df)
        goto answer;
    cut = list.cutoff * scale;
    g_cut = cut * (p.k1 + 1.0) / (p.k1 + cut);
    bound = idf * g_cut;
    if (accepted < (size_t)k
        || !(t->scores[k - 1] > bound * (1.0 + BOUND_MARGIN)))
        goto refuse;
answer:
    t->n = accepted;
    t->exact = 1;
    atomic_fetch_add(&n_answered, 1);
    goto out;
refuse:
    free(t->ids);
    free(t->scores);
    t->ids = NULL;
    t->scores = NULL;
    t->n = 0;
    t->exact = 0;
    atomic_fetch_add(&n_refused, 1);
out:
    free(cand);
    free(counts);
    free(excl);
    free(drop);
    tl_impact_list_release(&list);
    return rs;
}

enum tl_status
tl_topk_ranked(sqlite3 *db, const char *match, int positive_only,
               long per_article, long k, tl_topk_filter_fn filter,
               void *filter_ctx, struct tl_topk *t,
               enum tl_topk_way *way_out, struct tl_error *err)
{
    enum tl_status st;

    *way_out = TL_TOPK_NONE;
    st = tl_topk_search(db, match, per_article, k, filter, filter_ctx, t,
                        err);
    if (st == TL_OK && t->exact) {
        *way_out = TL_TOPK_LISTS;
        return TL_OK;
    }
    if (st == TL_OK && !positive_only) {
        st = tl_topk_or_as_and(db, match, per_article, k, filter,
                               filter_ctx, t, err);
        if (st == TL_OK && t->exact) {
            *way_out = TL_TOPK_OR_AS_AND;
            return TL_OK;
        }
    }
    if (st == TL_OK)
        st = tl_topk_scan(db, match, per_article, k, filter, filter_ctx, t,
                          err);
    if (st == TL_OK && t->exact)
        *way_out = TL_TOPK_SCAN;
    return st;
}
