/*
 * topk_floor.c - the k-th best of per-key best scores (topk_floor.h): a
 * min-heap of the k best keys, each key's best score and heap slot in
 * an open-addressing table that grows as keys come.
 */
#include <math.h>
#include <stdlib.h>

#include "topk_floor.h"

struct slot {
    int64_t key;
    double best;
    long at;            /* index in the heap, -1 when out of it */
    int used;
};

struct tl_floor {
    struct slot *table;
    size_t size, n_keys;    /* size: a power of two */
    size_t *heap;           /* table indices; heap[0] the worst kept */
    size_t k, n;
};

struct tl_floor *
tl_floor_new(size_t k)
{
    struct tl_floor *f = calloc(1, sizeof *f);

    if (f == NULL)
        return NULL;
    f->k = k > 0 ? k : 1;
    f->size = 1024;
    f->table = calloc(f->size, sizeof *f->table);
    f->heap = malloc(f->k * sizeof *f->heap);
    if (f->table == NULL || f->heap == NULL) {
        tl_floor_free(f);
        return NULL;
    }
    return f;
}

void
tl_floor_free(struct tl_floor *f)
{
    if (f == NULL)
        return;
    free(f->table);
    free(f->heap);
    free(f);
}

static size_t
home(const struct tl_floor *f, int64_t key)
{
    return (size_t)((uint64_t)key * 0x9E3779B97F4A7C15u) & (f->size - 1);
}

/* The slot of key, made when missing; NULL when out of memory. */
static struct slot *lookup(struct tl_floor *f, int64_t key);

static int
grow(struct tl_floor *f)
{
    struct slot *old = f->table;
    size_t old_size = f->size;

    f->table = calloc(old_size * 2, sizeof *f->table);
    if (f->table == NULL) {
        f->table = old;
        return 0;
    }
    f->size = old_size * 2;
    f->n_keys = 0;
    for (size_t i = 0; i < old_size; i++) {
        if (!old[i].used)
            continue;
        struct slot *s = lookup(f, old[i].key);    /* cannot fail */
        *s = old[i];
        if (s->at >= 0)
            f->heap[s->at] = (size_t)(s - f->table);
    }
    free(old);
    return 1;
}

static struct slot *
lookup(struct tl_floor *f, int64_t key)
{
    size_t i;

    if (2 * (f->n_keys + 1) > f->size && !grow(f))
        return NULL;
    i = home(f, key);
    while (f->table[i].used && f->table[i].key != key)
        i = (i + 1) & (f->size - 1);
    if (!f->table[i].used) {
        f->table[i].used = 1;
        f->table[i].key = key;
        f->table[i].best = -HUGE_VAL;
        f->table[i].at = -1;
        f->n_keys++;
    }
    return &f->table[i];
}

static double
value(const struct tl_floor *f, size_t at)
{
    return f->table[f->heap[at]].best;
}

static void
put(struct tl_floor *f, size_t at, size_t slot)
{
    f->heap[at] = slot;
    f->table[slot].at = (long)at;
}

/* Restores the heap below at after its value grew. */
static void
sift_down(struct tl_floor *f, size_t at)
{
    for (;;) {
        size_t l = 2 * at + 1, r = l + 1, m = at;
        if (l < f->n && value(f, l) < value(f, m))
            m = l;
        if (r < f->n && value(f, r) < value(f, m))
            m = r;
        if (m == at)
            return;
        size_t t = f->heap[at];
        put(f, at, f->heap[m]);
        put(f, m, t);
        at = m;
    }
}

static void
sift_up(struct tl_floor *f, size_t at)
{
    while (at > 0 && value(f, (at - 1) / 2) > value(f, at)) {
        size_t p = (at - 1) / 2, t = f->heap[at];
        put(f, at, f->heap[p]);
        put(f, p, t);
        at = p;
    }
}

int
tl_floor_offer(struct tl_floor *f, int64_t key, double score,
               double *floor_out)
{
    struct slot *s;
    size_t idx;

    if (f->n == f->k && score <= value(f, 0)) {
        *floor_out = value(f, 0);
        return 1;       /* cannot change the k best */
    }
    s = lookup(f, key);
    if (s == NULL)
        return 0;
    idx = (size_t)(s - f->table);
    if (score > s->best) {
        s->best = score;
        if (s->at >= 0) {
            sift_down(f, (size_t)s->at);
        } else if (f->n < f->k) {
            put(f, f->n, idx);
            sift_up(f, f->n++);
        } else if (score > value(f, 0)) {
            f->table[f->heap[0]].at = -1;
            put(f, 0, idx);
            sift_down(f, 0);
        }
    }
    *floor_out = f->n == f->k ? value(f, 0) : -HUGE_VAL;
    return 1;
}
