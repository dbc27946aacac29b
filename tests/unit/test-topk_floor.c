/* test-topk_floor.c - the k-th best of per-key best scores
 * (lib/topk_floor.c), checked against a brute-force recount after every
 * offer, through updates, evictions and the table's growth. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "topk_floor.h"

/* The k-th best of best[0..n) (keys not seen hold -HUGE_VAL). */
static double
brute(const double *best, size_t n, size_t k)
{
    double *c = malloc(n * sizeof *c);
    size_t seen = 0;
    double f;

    ck_assert_ptr_nonnull(c);
    for (size_t i = 0; i < n; i++)
        if (best[i] > -HUGE_VAL)
            c[seen++] = best[i];
    if (seen < k) {
        free(c);
        return -HUGE_VAL;
    }
    for (size_t i = 0; i < k; i++)      /* partial selection sort */
        for (size_t j = i + 1; j < seen; j++)
            if (c[j] > c[i]) {
                double t = c[i];
                c[i] = c[j];
                c[j] = t;
            }
    f = c[k - 1];
    free(c);
    return f;
}

START_TEST(test_floor_is_kth_best_of_best_scores)
{
    enum { KEYS = 3000, OFFERS = 20000 };
    static double best[KEYS];
    size_t ks[] = { 1, 3, 10, 250 };

    for (size_t t = 0; t < sizeof ks / sizeof *ks; t++) {
        struct tl_floor *f = tl_floor_new(ks[t]);
        uint64_t r = 0x2545F4914F6CDD1Du + t;

        ck_assert_ptr_nonnull(f);
        for (size_t i = 0; i < KEYS; i++)
            best[i] = -HUGE_VAL;
        for (int i = 0; i < OFFERS; i++) {
            double got;
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            size_t key = (size_t)(r % KEYS);
            /* scores drift upwards, as a scan's best ones do */
            double score = (double)((r >> 20) % 1000) + i / 100.0;
            ck_assert(tl_floor_offer(f, (int64_t)key * 7 + 1, score, &got));
            if (score > best[key])
                best[key] = score;
            if (i % 97 == 0 || i == OFFERS - 1)
                ck_assert_msg(got == brute(best, KEYS, ks[t]),
                              "k %zu, offer %d: %g, brute %g", ks[t], i, got,
                              brute(best, KEYS, ks[t]));
        }
        tl_floor_free(f);
    }
}
END_TEST

START_TEST(test_floor_waits_for_k_keys)
{
    struct tl_floor *f = tl_floor_new(3);
    double got = 0;

    ck_assert(tl_floor_offer(f, 1, 5.0, &got));
    ck_assert(got == -HUGE_VAL);
    ck_assert(tl_floor_offer(f, 1, 9.0, &got));     /* the same key */
    ck_assert(tl_floor_offer(f, 2, 4.0, &got));
    ck_assert(got == -HUGE_VAL);
    ck_assert(tl_floor_offer(f, 3, 6.0, &got));
    ck_assert(got == 4.0);
    ck_assert(tl_floor_offer(f, 2, 7.0, &got));     /* key 2 improves */
    ck_assert(got == 6.0);
    ck_assert(tl_floor_offer(f, 4, 1.0, &got));     /* too low to count */
    ck_assert(got == 6.0);
    tl_floor_free(f);
}
END_TEST

Suite *
topk_floor_suite(void)
{
    Suite *s = suite_create("topk_floor");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_floor_is_kth_best_of_best_scores);
    tcase_add_test(tc, test_floor_waits_for_k_keys);
    suite_add_tcase(s, tc);
    return s;
}
