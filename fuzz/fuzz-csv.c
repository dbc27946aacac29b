/*
 * fuzz-csv.c - the CSV writer of talaash --format=csv (query/out_csv.c).
 *
 * The input is a program of writes: each op byte picks csv_field (a
 * text of the next byte's length), csv_field_int, csv_field_double (8
 * bytes each) or csv_end_row.  The output, written to a memory stream,
 * is read back by a strict RFC 4180 reader of our own: it must hold the
 * rows and fields written, each text field equal to what out_csv.h
 * promises (invalid UTF-8 as U+FFFD, controls other than TAB, CR, LF and
 * U+FEFF removed, "'" before a leading = + - @ TAB CR), each number as
 * written.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "out_csv.h"

#define MAX_FIELDS 4096

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

struct expect {
    struct tl_buf text;         /* every field, NUL-separated */
    size_t *ends;               /* end offset of each field in text */
    int *row_end;               /* a row ends after this field */
    size_t n;
};

static int
removed(uint32_t c)
{
    if (c == '\t' || c == '\r' || c == '\n')
        return 0;
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)
           || c == 0xfeff;
}

static void
expect_push(struct expect *e, const char *s, size_t len)
{
    if (len > 0 && tl_buf_append(&e->text, s, len) != TL_OK)
        abort();
    e->ends[e->n] = e->text.len;
    e->row_end[e->n] = 0;
    e->n++;
}

static void
expect_text(struct expect *e, const unsigned char *s, size_t len)
{
    struct tl_buf clean;
    size_t i = 0;

    tl_buf_init(&clean, 0);
    while (i < len) {
        uint32_t cp;
        size_t n = fuzz_utf8_next(s + i, len - i, &cp);
        if (cp == FUZZ_INVALID)
            fuzz_buf_put_cp(&clean, 0xfffd);
        else if (!removed(cp))
            fuzz_buf_put_cp(&clean, cp);
        i += n;
    }
    if (clean.len > 0 && clean.data[0] != '\0'
        && strchr("=+-@\t\r", clean.data[0]) != NULL
        && tl_buf_append(&e->text, "'", 1) != TL_OK)
        abort();
    expect_push(e, clean.data, clean.len);
    tl_buf_release(&clean);
}

/* Reads one field of out[*at, len) into f; returns 1 at a row's end. */
static int
read_field(const char *out, size_t len, size_t *at, struct tl_buf *f)
{
    size_t i = *at;

    tl_buf_reset(f);
    if (i < len && out[i] == '"') {
        i++;
        for (;;) {
            FUZZ_CHECK(i < len, "unclosed quoted field");
            if (out[i] == '"') {
                if (i + 1 < len && out[i + 1] == '"') {
                    if (tl_buf_append(f, "\"", 1) != TL_OK)
                        abort();
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (tl_buf_append(f, out + i, 1) != TL_OK)
                abort();
            i++;
        }
    } else {
        while (i < len && out[i] != ',' && out[i] != '\r') {
            FUZZ_CHECK(out[i] != '"' && out[i] != '\n',
                       "an unquoted field holds '%c'", out[i]);
            if (tl_buf_append(f, out + i, 1) != TL_OK)
                abort();
            i++;
        }
    }
    FUZZ_CHECK(i < len, "the output ends inside a row");
    if (out[i] == ',') {
        *at = i + 1;
        return 0;
    }
    FUZZ_CHECK(out[i] == '\r' && i + 1 < len && out[i + 1] == '\n',
               "a field is followed by byte 0x%02x", (unsigned char)out[i]);
    *at = i + 2;
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct expect e = { 0 };
    struct csv_writer w;
    struct tl_buf f;
    char *out = NULL;
    size_t out_len = 0, at = 0;
    FILE *mem;
    int row_fields = 0;

    e.ends = malloc(MAX_FIELDS * sizeof *e.ends);
    e.row_end = malloc(MAX_FIELDS * sizeof *e.row_end);
    mem = open_memstream(&out, &out_len);
    if (e.ends == NULL || e.row_end == NULL || mem == NULL)
        abort();
    tl_buf_init(&e.text, 0);
    tl_buf_init(&f, 0);
    csv_writer_init(&w, mem);

    while (size > 0 && e.n < MAX_FIELDS - 1) {
        unsigned op = (unsigned)fuzz_take(&data, &size, 1) % 4;

        if (op == 0) {
            size_t n = (size_t)fuzz_take(&data, &size, 1);
            if (n > size)
                n = size;
            FUZZ_CHECK(csv_field(&w, (const char *)data, n) == 0,
                       "write failed");
            expect_text(&e, data, n);
            data += n;
            size -= n;
            row_fields++;
        } else if (op == 1) {
            int64_t v = (int64_t)fuzz_take(&data, &size, 8);
            char num[32];
            FUZZ_CHECK(csv_field_int(&w, v) == 0, "write failed");
            snprintf(num, sizeof num, "%" PRId64, v);
            expect_push(&e, num, strlen(num));
            row_fields++;
        } else if (op == 2) {
            uint64_t bits = fuzz_take(&data, &size, 8);
            double v;
            char num[512];
            memcpy(&v, &bits, sizeof v);
            FUZZ_CHECK(csv_field_double(&w, v) == 0, "write failed");
            if (!isfinite(v))
                num[0] = '\0';
            else
                snprintf(num, sizeof num, "%.4f", v);
            if (strcmp(num, "-0.0000") == 0)
                memmove(num, num + 1, strlen(num));
            expect_push(&e, num, strlen(num));
            row_fields++;
        } else if (row_fields > 0) {
            FUZZ_CHECK(csv_end_row(&w) == 0, "write failed");
            e.row_end[e.n - 1] = 1;
            row_fields = 0;
        }
    }
    if (row_fields > 0) {
        FUZZ_CHECK(csv_end_row(&w) == 0, "write failed");
        e.row_end[e.n - 1] = 1;
    }
    FUZZ_CHECK(fclose(mem) == 0, "closing the memory stream");

    FUZZ_CHECK(fuzz_utf8_valid(out, out_len), "the CSV is not valid UTF-8");
    for (size_t i = 0; i < e.n; i++) {
        size_t start = i == 0 ? 0 : e.ends[i - 1];
        size_t len = e.ends[i] - start;
        int end = read_field(out, out_len, &at, &f);

        FUZZ_CHECK(f.len == len && (len == 0
                                    || memcmp(f.data, e.text.data + start,
                                              len) == 0),
                   "field %zu reads back as '%.*s', want '%.*s'", i,
                   (int)f.len, f.data != NULL ? f.data : "", (int)len,
                   e.text.data + start);
        FUZZ_CHECK(end == e.row_end[i], "field %zu %s a row", i,
                   end ? "ends" : "does not end");
    }
    FUZZ_CHECK(at == out_len, "%zu bytes after the last row",
               out_len - at);

    free(out);
    free(e.ends);
    free(e.row_end);
    tl_buf_release(&e.text);
    tl_buf_release(&f);
    return 0;
}
