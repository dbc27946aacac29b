/*
 * topk_or.c - the top k of "a" OR "b" from the passages with both words,
 * when no passage with one of them alone can be among the k (MaxScore's
 * argument; docs/topk.md, "An OR of two words").
 *
 * A passage with one word alone scores that word's share and nothing
 * for proximity (it needs two different words), with the weight the
 * word has in the OR, which is at most its weight alone (stopword and
 * weak-word weights only lower it beside other words).  So it scores at
 * most the word's best score as a search of its own, which its impact
 * list gives exactly (tl_topk_search(), k = 1).  A passage with both
 * words scores the same in "a" AND "b" as in "a" OR "b": the same
 * phrases, in the same order, with the same statistics.  When the k-th
 * best of the AND (with the filters and the cap) beats both bounds, the
 * OR's first k are the AND's: every passage above the k-th has both
 * words, and the cap and the filters see them in the same order.
 */
#include <stdlib.h>
#include <string.h>

#include "topk.h"

/* The two quoted words of match when it is exactly "a" OR "b" (as
 * lib/query.c writes an OR of two words), into a and b; 0 otherwise. */
static int
two_words(const char *match, char *a, char *b, size_t size)
{
    const char *p = match, *q;
    size_t n;

    for (int i = 0; i < 2; i++) {
        char *out = i == 0 ? a : b;
        if (*p != '"' || (q = strchr(p + 1, '"')) == NULL)
            return 0;
        n = (size_t)(q - p) + 1;
        if (n + 1 > size || n < 3 || memchr(p + 1, ' ', n - 2) != NULL)
            return 0;
        memcpy(out, p, n);
        out[n] = '\0';
        p = q + 1;
        if (i == 0) {
            if (strncmp(p, " OR ", 4) != 0)
                return 0;
            p += 4;
        }
    }
    return *p == '\0';
}

/* The best score of word (quoted) searched alone, from its impact list;
 * *known_out 0 when the list cannot say it exactly. */
static enum tl_status
best_alone(sqlite3 *db, const char *word, double *best_out, int *known_out,
           struct tl_error *err)
{
    struct tl_topk t;
    enum tl_status rs;

    tl_topk_init(&t);
    *known_out = 0;
    rs = tl_topk_search(db, word, 0, 1, NULL, NULL, &t, err);
    if (rs == TL_OK && t.exact && t.n == 1) {
        *best_out = t.scores[0];
        *known_out = 1;
    }
    tl_topk_release(&t);
    return rs;
}

enum tl_status
tl_topk_or_as_and(sqlite3 *db, const char *match, long per_article, long k,
                  tl_topk_filter_fn filter, void *filter_ctx,
                  struct tl_topk *t, struct tl_error *err)
{
    char a[128], b[128], both[300];
    double best_a = 0, best_b = 0, bound;
    int known_a = 0, known_b = 0;
    enum tl_status rs;

    tl_topk_release(t);
    if (match == NULL || k <= 0 || !two_words(match, a, b, sizeof a)
        || strcmp(a, b) == 0)
        return TL_OK;
    rs = best_alone(db, a, &best_a, &known_a, err);
    if (rs == TL_OK && known_a)
        rs = best_alone(db, b, &best_b, &known_b, err);
    if (rs != TL_OK || !known_a || !known_b)
        return rs;
    snprintf(both, sizeof both, "%s AND %s", a, b);
    rs = tl_topk_scan(db, both, per_article, k, filter, filter_ctx, t, err);
    if (rs != TL_OK || !t->exact)
        return rs;
    bound = best_a > best_b ? best_a : best_b;
    /* strictly above, with room for rounding: a passage with one word
     * alone that ties the k-th could come before it by passage id */
    if (t->n == (size_t)k && t->scores[k - 1] > bound * (1.0 + 1e-9) + 1e-12)
        return TL_OK;
    tl_topk_release(t);
    return TL_OK;
}
