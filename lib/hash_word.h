/*
 * hash_word.h - a fast hash of a short string (a word, a stem), for the
 * tables that look one up per token: the tokenizer's stem cache, the
 * inverter's terms.  XXH3 reads a short string in one or two loads where
 * FNV-1a took a multiply per byte, each waiting on the one before.
 * Only ever used inside one process: nothing stored depends on it.
 */
#ifndef TL_HASH_WORD_H
#define TL_HASH_WORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t
tl_hash_word(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

/* Are a[0..n) and b[0..n) the same bytes?  A word is mostly 2-16
 * bytes: two loads from each side, overlapping, instead of a call to
 * memcmp() per token. */
static inline int
tl_same_word(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    if (n >= 8 && n <= 16) {
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, p, 8);
        memcpy(&y0, q, 8);
        memcpy(&x1, p + n - 8, 8);
        memcpy(&y1, q + n - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n >= 4 && n < 8) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, p, 4);
        memcpy(&y0, q, 4);
        memcpy(&x1, p + n - 4, 4);
        memcpy(&y1, q + n - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (p[i] != q[i])
                return 0;
        return 1;
    }
    return memcmp(p, q, n) == 0;
}

#endif
