/*
 * fuzz.c - helpers shared by the fuzz targets (see fuzz.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void
fuzz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "fuzz: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}

sqlite3 *
fuzz_db_open(void)
{
    struct tl_error err = { 0 };
    sqlite3 *db = NULL;

    if (tl_db_open(":memory:", TL_DB_READWRITE, &db, &err) != TL_OK)
        fuzz_fail(__FILE__, __LINE__, "cannot open a database: %s",
                  err.msg);
    return db;
}

void
fuzz_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fuzz_fail(__FILE__, __LINE__, "%s: %s", sql,
                  msg != NULL ? msg : "?");
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        fuzz_fail(__FILE__, __LINE__, "out of memory");
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

size_t
fuzz_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t k = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
    uint32_t v = k == 1 ? p[0] : k == 2 ? p[0] & 0x1fu
                 : k == 3 ? p[0] & 0x0fu : p[0] & 0x07u;

    if (k > n)
        k = n;
    for (size_t i = 1; i < k; i++)
        v = (v << 6) | (p[i] & 0x3fu);
    *cp = v;
    return k;
}

int
fuzz_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned char c = p[i];
        size_t k;
        uint32_t v;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            k = 2;
        else if (c >= 0xe0 && c <= 0xef)
            k = 3;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 4;
        else
            return 0;
        if (n - i < k)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((p[i + j] & 0xc0) != 0x80)
                return 0;
        fuzz_utf8_decode(p + i, k, &v);
        if ((k == 3 && v < 0x800) || (k == 4 && v < 0x10000)
            || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
            return 0;
        i += k;
    }
    return 1;
}

uint64_t
fuzz_take(const uint8_t **data, size_t *size, size_t k)
{
    uint64_t v = 0;

    for (size_t i = 0; i < k; i++) {
        uint64_t b = 0;
        if (*size > 0) {
            b = **data;
            (*data)++;
            (*size)--;
        }
        v |= b << (8 * i);
    }
    return v;
}

static int
days_in(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

void
fuzz_check_date(const struct tl_date *d, int min_year, int max_year)
{
    switch (d->precision) {
    case TL_DATE_NONE:
        FUZZ_CHECK(d->year == 0 && d->month == 0 && d->day == 0,
                   "a date of no precision is not zeroed");
        return;
    case TL_DATE_YEAR:
        FUZZ_CHECK(d->month == 0 && d->day == 0, "year precision with a "
                   "month or day: %d-%d-%d", d->year, d->month, d->day);
        break;
    case TL_DATE_MONTH:
        FUZZ_CHECK(d->month >= 1 && d->month <= 12 && d->day == 0,
                   "month precision: %d-%d-%d", d->year, d->month, d->day);
        break;
    case TL_DATE_DAY:
        FUZZ_CHECK(d->month >= 1 && d->month <= 12 && d->day >= 1
                   && d->day <= days_in(d->year, d->month),
                   "no such day: %d-%d-%d", d->year, d->month, d->day);
        break;
    default:
        fuzz_fail(__FILE__, __LINE__, "precision %d", (int)d->precision);
    }
    FUZZ_CHECK(d->year >= min_year && d->year <= max_year,
               "year %d outside %d..%d", d->year, min_year, max_year);
}

void
fuzz_doc_build(const uint8_t *data, size_t size, struct tl_doc *d)
{
    struct tl_error err = { 0 };
    struct tl_buf text;
    struct tl_span *spans = NULL;
    size_t n = 0;

    tl_buf_init(&text, 0);
    if (tl_text_decode((const char *)data, size, &text, NULL, NULL, &err)
        != TL_OK)
        fuzz_fail(__FILE__, __LINE__, "decode: %s", err.msg);
    if (tl_passages_split(text.data != NULL ? text.data : "", text.len,
                          &spans, &n, &err) != TL_OK)
        fuzz_fail(__FILE__, __LINE__, "split: %s", err.msg);
    for (size_t i = 0; i < n; i++) {
        const char *p = text.data + spans[i].start;
        size_t len = spans[i].end - spans[i].start, h = 0;

        FUZZ_CHECK(spans[i].start <= spans[i].end
                   && spans[i].end <= text.len, "bad paragraph span");
        while (h < len && h < 7 && p[h] == '#')
            h++;
        if (h >= 1 && h <= 6 && h < len && p[h] == ' ') {
            p += h + 1;
            len -= h + 1;
        } else {
            h = 0;
        }
        if (tl_doc_add(d, p, len, spans[i].start, spans[i].end, (int)h,
                       &err) != TL_OK)
            fuzz_fail(__FILE__, __LINE__, "doc: %s", err.msg);
    }
    free(spans);
    tl_buf_release(&text);
}

void
fuzz_doc_check(const struct tl_doc *d, int utf8)
{
    for (size_t i = 0; i < d->n_blocks; i++) {
        const struct tl_block *b = &d->blocks[i];

        FUZZ_CHECK(b->start <= b->end && b->end <= d->text.len,
                   "block %zu: [%zu, %zu) outside the text (%zu bytes)",
                   i, b->start, b->end, d->text.len);
        FUZZ_CHECK(b->src_start <= b->src_end, "block %zu: source range "
                   "[%zu, %zu)", i, b->src_start, b->src_end);
        FUZZ_CHECK(b->heading >= 0 && b->heading <= 6,
                   "block %zu: heading %d", i, b->heading);
        FUZZ_CHECK(b->drop == NULL || b->drop[0] != '\0',
                   "block %zu: an empty drop reason", i);
        FUZZ_CHECK(!utf8 || fuzz_utf8_valid(d->text.data + b->start,
                                            b->end - b->start),
                   "block %zu is not valid UTF-8", i);
    }
}

size_t
fuzz_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xbf;
    size_t k;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        k = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        if (c == 0xe0)
            lo = 0xa0;
        if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f;
    } else {
        *cp = FUZZ_INVALID;
        return 1;
    }
    for (size_t i = 1; i < k; i++) {
        if (i >= n || p[i] < lo || p[i] > hi) {
            *cp = FUZZ_INVALID;
            return i;
        }
        lo = 0x80;
        hi = 0xbf;
    }
    fuzz_utf8_decode(p, k, cp);
    return k;
}

void
fuzz_buf_put_cp(struct tl_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (tl_buf_append(b, u, n) != TL_OK)
        fuzz_fail(__FILE__, __LINE__, "out of memory");
}
