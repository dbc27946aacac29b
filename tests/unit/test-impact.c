/* test-impact.c - the impact lists' entry form (lib/impact.c, schema
 * 011): entries come back as they went in through runs of one article,
 * author figures or none, an article id that goes down (an edited
 * article's new passages come last) or is 0 (not known); the form is
 * smaller than the eight plain varints an entry had; a damaged blob is
 * refused. */
#include <stdlib.h>
#include <string.h>

#include "impact.h"
#include "unit.h"

static const struct tl_impact_entry sample[] = {
    /* passage, article, tf (body, title, author), len (body, title, author) */
    { 3, 1, { 2, 1, 0 }, { 40, 6, 0 } },
    { 4, 1, { 1, 1, 0 }, { 12, 6, 0 } },        /* same article */
    { 5, 1, { 5, 1, 0 }, { 300, 6, 0 } },       /* same, a long body */
    { 900, 200, { 1, 0, 1 }, { 20, 4, 2 } },    /* an author */
    { 901, 200, { 1, 0, 1 }, { 9, 4, 2 } },     /* same, with it */
    { 902, 201, { 1, 0, 0 }, { 9, 4, 0 } },
    { 70000, 7, { 1, 2, 0 }, { 33, 8, 0 } },    /* article id goes down */
    { 70001, 0, { 1, 0, 0 }, { 3, 0, 0 } },     /* article not known */
    { 70002, 7, { 4, 2, 0 }, { 50, 8, 0 } },    /* a title changed: no */
    { 70003, 7, { 4, 3, 0 }, { 50, 8, 0 } },    /*   "same" for these */
};
#define N_SAMPLE (sizeof sample / sizeof *sample)

static size_t
leb_len(uint64_t v)
{
    size_t n = 1;

    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

START_TEST(test_entries_come_back_as_they_went_in)
{
    struct tl_impact_entry *got = NULL;
    struct tl_buf b;
    size_t n = 0, plain = 0;

    tl_buf_init(&b, 0);
    ck_assert_int_eq(tl_impact_encode(sample, N_SAMPLE, &b), TL_OK);
    ck_assert(tl_impact_decode((const unsigned char *)b.data, b.len, &got,
                               &n));
    ck_assert_uint_eq(n, N_SAMPLE);
    for (size_t i = 0; i < N_SAMPLE; i++)
        ck_assert_msg(memcmp(&got[i], &sample[i], sizeof *got) == 0,
                      "entry %zu differs", i);
    /* the form of schema 002: eight varints, the article id whole */
    for (size_t i = 0; i < N_SAMPLE; i++) {
        const struct tl_impact_entry *e = &sample[i];
        plain += leb_len((uint64_t)(e->passage_id
                                    - (i > 0 ? sample[i - 1].passage_id
                                             : 0)))
                 + leb_len((uint64_t)e->article_id);
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            plain += leb_len((uint64_t)e->tf[c]) + leb_len((uint64_t)e->len[c]);
    }
    ck_assert_msg(b.len * 4 < plain * 3, "%zu bytes, plain %zu", b.len, plain);
    free(got);
    /* nothing is nothing */
    ck_assert(tl_impact_decode(NULL, 0, &got, &n));
    ck_assert_uint_eq(n, 0);
    free(got);
    tl_buf_release(&b);
}
END_TEST

START_TEST(test_a_damaged_list_is_refused)
{
    struct tl_impact_entry *got = (void *)1;
    struct tl_buf b;
    size_t n = 1;
    /* "same as the previous" with no previous entry */
    const unsigned char same_first[] = { (1 << 2) | 1, 1, 1 };
    /* a passage delta of 0 (ids must grow) */
    const unsigned char zero_delta[] = { 0, 2, 0, 0, 1, 1 };
    /* an article id below 0 (zigzag 3 = -2) */
    const unsigned char negative[] = { 1 << 2, 3, 0, 0, 1, 1 };

    tl_buf_init(&b, 0);
    ck_assert_int_eq(tl_impact_encode(sample, N_SAMPLE, &b), TL_OK);
    for (size_t cut = 1; cut < b.len; cut++) {
        size_t m = 0;
        struct tl_impact_entry *e = NULL;
        /* a cut list either ends on an entry's end or is refused */
        if (tl_impact_decode((const unsigned char *)b.data, cut, &e, &m)) {
            ck_assert_uint_lt(m, N_SAMPLE);
            ck_assert(m == 0 || memcmp(e, sample, m * sizeof *e) == 0);
            free(e);
        } else {
            ck_assert_ptr_null(e);
        }
    }
    ck_assert(!tl_impact_decode(same_first, sizeof same_first, &got, &n));
    ck_assert_ptr_null(got);
    ck_assert_uint_eq(n, 0);
    ck_assert(!tl_impact_decode(zero_delta, sizeof zero_delta, &got, &n));
    ck_assert(!tl_impact_decode(negative, sizeof negative, &got, &n));
    tl_buf_release(&b);
}
END_TEST

Suite *
impact_suite(void)
{
    Suite *s = suite_create("impact");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_entries_come_back_as_they_went_in);
    tcase_add_test(tc, test_a_damaged_list_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
