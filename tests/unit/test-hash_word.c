/* test-hash_word.c - the short-string hash and comparison the per-token
 * tables use (lib/hash_word.h). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "hash_word.h"

/* n bytes of s in a heap block of exactly n bytes, so that
 * AddressSanitizer reports a read past them. */
static unsigned char *
exact(const unsigned char *s, size_t n)
{
    unsigned char *p = malloc(n != 0 ? n : 1);

    ck_assert_ptr_nonnull(p);
    memcpy(p, s, n);
    return p;
}

/* Every length from 0 to 40 (each of the loads' cases and memcmp()'s),
 * equal bytes and one byte changed at each place: the answer is
 * memcmp()'s, and the loads stay inside the n bytes. */
START_TEST(test_same_word_agrees_with_memcmp)
{
    unsigned char a[40], b[40];

    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (unsigned char)('a' + (i * 7) % 26);
    for (size_t n = 0; n <= sizeof a; n++) {
        unsigned char *x = exact(a, n), *y = exact(a, n);
        ck_assert_msg(tl_same_word(x, y, n), "equal, %zu bytes", n);
        for (size_t at = 0; at < n; at++) {
            memcpy(b, a, n);
            b[at] ^= 0x20;
            unsigned char *z = exact(b, n);
            ck_assert_msg(!tl_same_word(x, z, n), "byte %zu of %zu", at, n);
            ck_assert_msg(!tl_same_word(z, x, n), "byte %zu of %zu", at, n);
            free(z);
        }
        free(x);
        free(y);
    }
}
END_TEST

/* The hash depends on the bytes only: the same word at two addresses
 * (aligned or not) hashes alike, and the words of a small vocabulary
 * seldom share their low bits (a table's slot). */
START_TEST(test_hash_word_depends_on_the_bytes_only)
{
    static const char *const words[] = {
        "pakistan", "haqqani", "kashmir", "cpec", "afghan", "said", "year",
        "a", "an", "the", "militari", "negoti", "islamabad", "washington",
        "talib", "network", "secur", "econom", "aid", "drone",
    };
    enum { N = sizeof words / sizeof *words };
    unsigned used = 0;
    char buf[64];

    for (int i = 0; i < N; i++) {
        size_t n = strlen(words[i]);
        memcpy(buf + 3, words[i], n);
        ck_assert_uint_eq(tl_hash_word(words[i], n), tl_hash_word(buf + 3, n));
        ck_assert_uint_eq(tl_hash_bytes(words[i], n), tl_hash_word(words[i], n));
        used |= 1u << (tl_hash_word(words[i], n) & 31);
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(tl_hash_word(words[i], n),
                              tl_hash_word(words[j], strlen(words[j])));
    }
    /* 20 words in 32 slots: a hash that ignored its input would use one */
    ck_assert_int_ge(__builtin_popcount(used), 10);
}
END_TEST

Suite *
hash_word_suite(void)
{
    Suite *s = suite_create("hash_word");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_same_word_agrees_with_memcmp);
    tcase_add_test(tc, test_hash_word_depends_on_the_bytes_only);
    suite_add_tcase(s, tc);
    return s;
}
