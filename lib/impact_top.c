/*
 * impact_top.c - one term's impact list from its passages in id order
 * (impact_top.h; the format is lib/impact.c's).
 */
#include <stdlib.h>
#include <string.h>

#include "impact_top.h"

/* ---- the passages' lengths and articles --------------------------------- */

void
tl_impact_lens_init(struct tl_impact_lens *l)
{
    memset(l, 0, sizeof *l);
    l->articles_known = 1;
}

int
tl_impact_lens_alloc(struct tl_impact_lens *l, int64_t max_id)
{
    tl_impact_lens_init(l);
    if (max_id < 0)
        max_id = 0;
    l->of = calloc((size_t)max_id + 1, sizeof *l->of);
    if (l->of == NULL)
        return -1;
    l->cap_of = (size_t)max_id + 1;
    l->max_id = max_id;
    l->articles_known = 1;
    return 0;
}

int
tl_impact_lens_put(struct tl_impact_lens *l, int64_t id, int64_t article,
                   const int64_t len[TL_RANK_COLUMNS])
{
    if (id < 0 || id > INT64_MAX / 2)
        return -1;
    if ((size_t)id >= l->cap_of) {
        size_t cap = l->cap_of != 0 ? l->cap_of : 1024;
        struct tl_impact_passage *p;
        while (cap <= (size_t)id)
            cap *= 2;
        p = realloc(l->of, cap * sizeof *p);
        if (p == NULL)
            return -1;
        memset(p + l->cap_of, 0, (cap - l->cap_of) * sizeof *p);
        l->of = p;
        l->cap_of = cap;
    }
    if (id > l->max_id)
        l->max_id = id;
    if (article <= 0 || article > INT32_MAX)
        l->articles_known = 0;
    else
        l->of[id].article = (int32_t)article;
    if (len[0] >= 0 && len[0] < 0xFFFF && len[1] >= 0 && len[1] <= 0xFF
        && len[2] >= 0 && len[2] <= 0xFF) {
        l->of[id].len = (uint32_t)len[0] | (uint32_t)len[1] << 16
                        | (uint32_t)len[2] << 24;
        if ((uint32_t)len[0] > l->max_body)
            l->max_body = (uint32_t)len[0];
        return 0;
    }
    /* wide[] is searched by id: ids must come in order */
    if (l->n_wide > 0 && l->wide[l->n_wide - 1].id >= id)
        return -1;
    if (l->n_wide == l->cap_wide) {
        size_t cap = l->cap_wide != 0 ? 2 * l->cap_wide : 16;
        struct tl_impact_wide *w = realloc(l->wide, cap * sizeof *w);
        if (w == NULL)
            return -1;
        l->wide = w;
        l->cap_wide = cap;
    }
    l->wide[l->n_wide].id = id;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        l->wide[l->n_wide].len[c] = (int)len[c];
    l->n_wide++;
    l->of[id].len = TL_IMPACT_WIDE;
    return 0;
}

void
tl_impact_lens_release(struct tl_impact_lens *l)
{
    free(l->of);
    free(l->wide);
    memset(l, 0, sizeof *l);
}

/* Passage id's lengths into len (0 for an id it does not know). */
static void
get_len(const struct tl_impact_lens *l, int64_t id, int len[TL_RANK_COLUMNS])
{
    uint32_t v;

    memset(len, 0, TL_RANK_COLUMNS * sizeof *len);
    if (id < 0 || id > l->max_id)
        return;
    v = l->of[id].len;
    if (v != TL_IMPACT_WIDE) {
        len[0] = (int)(v & 0xFFFF);
        len[1] = (int)(v >> 16 & 0xFF);
        len[2] = (int)(v >> 24);
        return;
    }
    for (size_t lo = 0, hi = l->n_wide; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->wide[mid].id < id) {
            lo = mid + 1;
        } else if (l->wide[mid].id > id) {
            hi = mid;
        } else {
            memcpy(len, l->wide[mid].len, TL_RANK_COLUMNS * sizeof *len);
            return;
        }
    }
}

/* ---- one term's list ---------------------------------------------------- */

/* Body lengths the tables cover at most (longer ones are computed). */
#define NORM_MAX 8192

void
tl_impact_top_init(struct tl_impact_top *t, const struct tl_impact_lens *lens,
                   const double ref[TL_RANK_COLUMNS])
{
    size_t n = (size_t)lens->max_body + 1;

    memset(t, 0, sizeof *t);
    t->lens = lens;
    tl_rank_params_init(&t->p);
    memcpy(t->ref, ref, sizeof t->ref);
    if (n > NORM_MAX)
        n = NORM_MAX;
    t->norm0 = malloc(n * sizeof *t->norm0);
    t->tfp1 = malloc(n * sizeof *t->tfp1);
    if (t->norm0 == NULL || t->tfp1 == NULL) {
        free(t->norm0);     /* (no tables: each computed) */
        free(t->tfp1);
        t->norm0 = t->tfp1 = NULL;
        return;
    }
    for (size_t len = 0; len < n; len++) {
        /* exactly tl_impact_tfp()'s arithmetic for tf = { 1, 0, 0 } */
        double norm = tl_rank_norm(&t->p, (int)len, ref[0]);
        t->norm0[len] = norm;
        t->tfp1[len] = norm > 0 ? t->p.w[0] * (double)1 / norm : 0;
    }
    t->n_norm = n;
}

void
tl_impact_top_release(struct tl_impact_top *t)
{
    free(t->arts);
    free(t->norm0);
    free(t->tfp1);
    t->arts = NULL;
    t->norm0 = t->tfp1 = NULL;
    t->n_norm = 0;
    t->n_arts = t->cap_arts = 0;
}

void
tl_impact_top_start(struct tl_impact_top *t)
{
    t->n = 0;
    t->cutoff = 0;
    t->n_arts = 0;
    t->arts_failed = 0;
    t->df = 0;
    t->postings = 0;
}

static void
heap_down(struct tl_impact_top *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->a[l].tfp < h->a[m].tfp)
            m = l;
        if (r < h->n && h->a[r].tfp < h->a[m].tfp)
            m = r;
        if (m == i)
            return;
        struct tl_impact_hnode x = h->a[i];
        h->a[i] = h->a[m];
        h->a[m] = x;
        i = m;
    }
}

/* Offers passage e with tf' tfp to the heap. */
static void
heap_offer(struct tl_impact_top *h, double tfp,
           const struct tl_impact_entry *e)
{
    if (h->n < TL_IMPACT_LIST) {
        size_t i = h->n++;
        h->e[i] = *e;
        h->a[i] = (struct tl_impact_hnode){ tfp, (uint32_t)i };
        while (i > 0 && h->a[(i - 1) / 2].tfp > h->a[i].tfp) {
            struct tl_impact_hnode x = h->a[i];
            h->a[i] = h->a[(i - 1) / 2];
            h->a[(i - 1) / 2] = x;
            i = (i - 1) / 2;
        }
        return;
    }
    if (tfp <= h->a[0].tfp) {
        if (tfp > h->cutoff)
            h->cutoff = tfp;
        return;
    }
    if (h->a[0].tfp > h->cutoff)
        h->cutoff = h->a[0].tfp;
    h->e[h->a[0].at] = *e;
    h->a[0].tfp = tfp;
    heap_down(h, 0);
}

void
tl_impact_top_passage(struct tl_impact_top *t, int64_t id,
                      const int tf[TL_RANK_COLUMNS], int n_pos)
{
    const struct tl_impact_lens *l = t->lens;
    const struct tl_impact_passage *ps = id >= 0 && id <= l->max_id
                                         ? &l->of[id] : NULL;
    uint32_t v = ps != NULL ? ps->len : 0;  /* unknown: lengths 0 */
    struct tl_impact_entry e;
    int filled = 0;         /* e's lengths and frequencies */
    double tfp;

    t->df++;
    t->postings += n_pos;
    if (tf[1] == 0 && tf[2] == 0 && v != TL_IMPACT_WIDE
        && (v & 0xFFFF) < t->n_norm) {
        /* the body alone, its length in the tables */
        size_t b = v & 0xFFFF;
        if (tf[0] == 1)
            tfp = t->tfp1[b];
        else if (tf[0] > 0 && t->norm0[b] > 0)
            tfp = t->p.w[0] * (double)tf[0] / t->norm0[b];
        else
            tfp = 0;
    } else {
        get_len(l, id, e.len);
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            e.tf[c] = tf[c];
        filled = 1;
        tfp = tl_impact_tfp(&t->p, &e, t->ref);
    }
    /* most passages of a frequent term fall short of a full heap: only
     * the cutoff learns of them (heap_offer() as it would) */
    if (t->n == TL_IMPACT_LIST && tfp <= t->a[0].tfp) {
        if (tfp > t->cutoff)
            t->cutoff = tfp;
    } else {
        e.passage_id = id;
        e.article_id = 0;
        if (!filled) {
            get_len(l, id, e.len);
            for (int c = 0; c < TL_RANK_COLUMNS; c++)
                e.tf[c] = tf[c];
        }
        heap_offer(t, tfp, &e);
    }
    if (!t->arts_failed) {
        int32_t a = ps != NULL ? ps->article : 0;
        if (a == 0) {
            t->arts_failed = 1;
        } else if (t->n_arts == 0 || t->arts[t->n_arts - 1] != a) {
            if (t->n_arts == t->cap_arts) {
                size_t cap = t->cap_arts ? 2 * t->cap_arts : 1024;
                int32_t *p = realloc(t->arts, cap * sizeof *p);
                if (p == NULL) {
                    t->arts_failed = 1;
                    return;
                }
                t->arts = p;
                t->cap_arts = cap;
            }
            t->arts[t->n_arts++] = a;
        }
    }
}

static int
cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/* The number of distinct articles in t->arts (sorted when it is not: an
 * article whose passages are not one run of ids), or -1 when not
 * known. */
static int64_t
article_count(struct tl_impact_top *t)
{
    size_t u = 0;
    int sorted = 1;

    if (t->arts_failed || !t->lens->articles_known)
        return -1;
    for (size_t i = 1; i < t->n_arts && sorted; i++)
        sorted = t->arts[i - 1] < t->arts[i];
    if (sorted)
        return (int64_t)t->n_arts;
    qsort(t->arts, t->n_arts, sizeof *t->arts, cmp_i32);
    for (size_t i = 0; i < t->n_arts; i++)
        if (u == 0 || t->arts[u - 1] != t->arts[i])
            t->arts[u++] = t->arts[i];
    return (int64_t)u;
}

static int
cmp_entry_id(const void *a, const void *b)
{
    const struct tl_impact_entry *x = a, *y = b;

    return (x->passage_id > y->passage_id) - (x->passage_id < y->passage_id);
}

enum tl_status
tl_impact_top_finish(struct tl_impact_top *t, struct tl_impact_made_list *out,
                     struct tl_error *err)
{
    /* the heap's entries are e[0] .. e[n - 1] */
    qsort(t->e, t->n, sizeof t->e[0], cmp_entry_id);
    for (size_t i = 0; i < t->n; i++) {
        struct tl_impact_entry *e = &t->e[i];
        int64_t id = e->passage_id;

        e->article_id = id >= 0 && id <= t->lens->max_id
                        ? t->lens->of[id].article : 0;
    }
    out->df = t->df;
    out->postings = t->postings;
    out->cutoff = t->cutoff;
    out->entries = t->n;
    out->adf = article_count(t);
    tl_buf_reset(&out->blob);
    if (tl_impact_encode(t->e, t->n, &out->blob) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    return TL_OK;
}
