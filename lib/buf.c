/* buf.c - growable, NUL-terminated, size-capped text (struct tl_buf). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash_word.h"
#include "talaash.h"

void
tl_buf_init(struct tl_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max != 0 ? max : TL_BUF_DEFAULT_MAX;
}

void
tl_buf_release(struct tl_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
tl_buf_reset(struct tl_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Makes room for n more bytes plus the terminating NUL. */
static enum tl_status
grow(struct tl_buf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (n > b->max || b->len > b->max - n)
        return TL_ERR_NOMEM;
    need = b->len + n + 1;
    if (need <= b->cap)
        return TL_OK;
    cap = b->cap != 0 ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (p == NULL)
        return TL_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return TL_OK;
}

enum tl_status
tl_buf_reserve(struct tl_buf *b, size_t n)
{
    return grow(b, n);
}

enum tl_status
tl_buf_append(struct tl_buf *b, const char *p, size_t n)
{
    if (grow(b, n) != TL_OK)
        return TL_ERR_NOMEM;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TL_OK;
}

enum tl_status
tl_buf_appendf(struct tl_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(b, (size_t)n) != TL_OK)
        return TL_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return TL_OK;
}

uint64_t
tl_hash_bytes(const char *p, size_t n)
{
    return tl_hash_word(p, n);
}

enum tl_status
tl_buf_put_leb(struct tl_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;

    do {
        tmp[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v != 0)
            tmp[n] |= 0x80;
        n++;
    } while (v != 0);
    return tl_buf_append(b, (const char *)tmp, n);
}

size_t
tl_leb_get(const unsigned char *p, size_t n, uint64_t *v)
{
    uint64_t x = 0;

    for (size_t i = 0; i < n && i < 10; i++) {
        x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if ((p[i] & 0x80) == 0) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}
