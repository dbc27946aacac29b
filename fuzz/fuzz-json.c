/*
 * fuzz-json.c - the JSON Lines writer of talaash --format=json
 * (query/out_json.c).
 *
 * The input is a program of writes: objects of members (string, NULL
 * string, int, double, null, array of strings), keys and values taken
 * from the input, keep_marks switched on or off.  The output, written to
 * a memory stream, must be valid JSON (RFC 8259) line by line, checked
 * by a strict reader of our own that also decodes every string: each
 * must equal what out_json.h promises (invalid UTF-8 as U+FFFD, the mark
 * bytes removed or kept, everything else as it was), each number must
 * read back as written.  Invalid JSON aborts.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "out_json.h"

#define MAX_VALUES 4096

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

enum vkind { V_KEY, V_STRING, V_NULL, V_INT, V_DOUBLE, V_ARRAY_START,
             V_ARRAY_END, V_OBJECT_START, V_OBJECT_END };

/* What the output must hold, in order. */
struct expect {
    enum vkind kind[MAX_VALUES];
    size_t end[MAX_VALUES];     /* V_KEY, V_STRING: end in text */
    int64_t i[MAX_VALUES];
    double d[MAX_VALUES];
    size_t n;
    struct tl_buf text;
};

static void
push(struct expect *e, enum vkind k)
{
    if (e->n >= MAX_VALUES)
        abort();
    e->kind[e->n] = k;
    e->end[e->n] = e->text.len;
    e->n++;
}

/* The expected decoded text of s[0, len). */
static void
push_string(struct expect *e, enum vkind k, const unsigned char *s,
            size_t len, int keep_marks)
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = fuzz_utf8_next(s + i, len - i, &cp);
        if (cp == FUZZ_INVALID)
            fuzz_buf_put_cp(&e->text, 0xfffd);
        else if (keep_marks || (cp != 2 && cp != 3))
            fuzz_buf_put_cp(&e->text, cp);
        i += n;
    }
    push(e, k);
}

/* ---- a strict JSON reader, for the writer's one-level objects ---------- */

struct reader {
    const char *p;
    size_t len, at;
    const struct expect *e;
    size_t next;            /* the next expected value */
    struct tl_buf s;        /* the string being decoded */
};

static int
peek(const struct reader *r)
{
    return r->at < r->len ? (unsigned char)r->p[r->at] : -1;
}

static void
want(struct reader *r, char c)
{
    FUZZ_CHECK(peek(r) == (unsigned char)c, "byte %zu: want '%c', have "
               "0x%02x", r->at, c, peek(r) & 0xff);
    r->at++;
}

static unsigned
hex4(struct reader *r)
{
    unsigned v = 0;

    for (int k = 0; k < 4; k++) {
        int c = peek(r);
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            fuzz_fail(__FILE__, __LINE__, "byte %zu: bad \\u escape",
                      r->at);
        r->at++;
    }
    return v;
}

/* Reads a JSON string into r->s and checks it against the next value. */
static void
read_string(struct reader *r, enum vkind kind)
{
    const struct expect *e = r->e;
    size_t start, len;

    tl_buf_reset(&r->s);
    want(r, '"');
    for (;;) {
        int c = peek(r);
        FUZZ_CHECK(c >= 0, "unterminated string");
        if (c == '"') {
            r->at++;
            break;
        }
        FUZZ_CHECK(c >= 0x20, "byte %zu: a raw control character 0x%02x "
                   "in a string", r->at, c);
        if (c == '\\') {
            r->at++;
            c = peek(r);
            r->at++;
            switch (c) {
            case '"': fuzz_buf_put_cp(&r->s, '"'); break;
            case '\\': fuzz_buf_put_cp(&r->s, '\\'); break;
            case '/': fuzz_buf_put_cp(&r->s, '/'); break;
            case 'b': fuzz_buf_put_cp(&r->s, '\b'); break;
            case 'f': fuzz_buf_put_cp(&r->s, '\f'); break;
            case 'n': fuzz_buf_put_cp(&r->s, '\n'); break;
            case 'r': fuzz_buf_put_cp(&r->s, '\r'); break;
            case 't': fuzz_buf_put_cp(&r->s, '\t'); break;
            case 'u': {
                unsigned v = hex4(r);
                if (v >= 0xd800 && v <= 0xdbff) {
                    unsigned lo;
                    want(r, '\\');
                    want(r, 'u');
                    lo = hex4(r);
                    FUZZ_CHECK(lo >= 0xdc00 && lo <= 0xdfff,
                               "a lone high surrogate");
                    v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
                } else {
                    FUZZ_CHECK(v < 0xdc00 || v > 0xdfff,
                               "a lone low surrogate");
                }
                fuzz_buf_put_cp(&r->s, v);
                break;
            }
            default:
                fuzz_fail(__FILE__, __LINE__, "byte %zu: bad escape",
                          r->at - 1);
            }
            continue;
        }
        {
            uint32_t cp;
            size_t n = fuzz_utf8_next((const unsigned char *)r->p + r->at,
                                      r->len - r->at, &cp);
            FUZZ_CHECK(cp != FUZZ_INVALID, "byte %zu: invalid UTF-8",
                       r->at);
            FUZZ_CHECK(cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f)
                       && cp != 0x2028 && cp != 0x2029,
                       "byte %zu: U+%04X not escaped", r->at, cp);
            if (tl_buf_append(&r->s, r->p + r->at, n) != TL_OK)
                abort();
            r->at += n;
        }
    }
    FUZZ_CHECK(r->next < e->n && e->kind[r->next] == kind,
               "value %zu: a string where none was written", r->next);
    start = r->next == 0 ? 0 : e->end[r->next - 1];
    len = e->end[r->next] - start;
    FUZZ_CHECK(r->s.len == len && (len == 0
                                   || memcmp(r->s.data, e->text.data + start,
                                             len) == 0),
               "value %zu: string reads back as '%.*s', want '%.*s'",
               r->next, (int)r->s.len, r->s.data != NULL ? r->s.data : "",
               (int)len, e->text.data + start);
    r->next++;
}

/* Reads a number (strict grammar) and checks it. */
static void
read_number(struct reader *r)
{
    const struct expect *e = r->e;
    size_t start = r->at;
    char num[64];
    int c;

    if (peek(r) == '-')
        r->at++;
    c = peek(r);
    FUZZ_CHECK(c >= '0' && c <= '9', "byte %zu: bad number", r->at);
    if (c == '0') {
        r->at++;
    } else {
        while (peek(r) >= '0' && peek(r) <= '9')
            r->at++;
    }
    if (peek(r) == '.') {
        r->at++;
        FUZZ_CHECK(peek(r) >= '0' && peek(r) <= '9', "a '.' with no digit");
        while (peek(r) >= '0' && peek(r) <= '9')
            r->at++;
    }
    if (peek(r) == 'e' || peek(r) == 'E') {
        r->at++;
        if (peek(r) == '+' || peek(r) == '-')
            r->at++;
        FUZZ_CHECK(peek(r) >= '0' && peek(r) <= '9', "an exponent with "
                   "no digit");
        while (peek(r) >= '0' && peek(r) <= '9')
            r->at++;
    }
    FUZZ_CHECK(r->at - start < sizeof num, "a number of %zu bytes",
               r->at - start);
    memcpy(num, r->p + start, r->at - start);
    num[r->at - start] = '\0';
    FUZZ_CHECK(r->next < e->n, "a number where none was written");
    if (e->kind[r->next] == V_INT) {
        char want_num[32];
        snprintf(want_num, sizeof want_num, "%" PRId64, e->i[r->next]);
        FUZZ_CHECK(strcmp(num, want_num) == 0, "int %s, want %s", num,
                   want_num);
    } else {
        FUZZ_CHECK(e->kind[r->next] == V_DOUBLE && isfinite(e->d[r->next]),
                   "value %zu: a number where none was written", r->next);
        FUZZ_CHECK(strtod(num, NULL) == e->d[r->next],
                   "double %s does not read back as %.17g", num,
                   e->d[r->next]);
    }
    r->next++;
}

static void
read_null(struct reader *r)
{
    const struct expect *e = r->e;

    FUZZ_CHECK(r->len - r->at >= 4 && memcmp(r->p + r->at, "null", 4) == 0,
               "byte %zu: bad literal", r->at);
    r->at += 4;
    FUZZ_CHECK(r->next < e->n && (e->kind[r->next] == V_NULL
                                  || (e->kind[r->next] == V_DOUBLE
                                      && !isfinite(e->d[r->next]))),
               "value %zu: null where none was written", r->next);
    r->next++;
}

static void
read_value(struct reader *r)
{
    int c = peek(r);

    if (c == '"') {
        read_string(r, V_STRING);
    } else if (c == 'n') {
        read_null(r);
    } else if (c == '[') {
        FUZZ_CHECK(r->next < r->e->n
                   && r->e->kind[r->next] == V_ARRAY_START, "an array "
                   "where none was written");
        r->next++;
        r->at++;
        if (peek(r) != ']') {
            for (;;) {
                if (peek(r) == 'n')
                    read_null(r);
                else
                    read_string(r, V_STRING);
                if (peek(r) != ',')
                    break;
                r->at++;
            }
        }
        want(r, ']');
        FUZZ_CHECK(r->next < r->e->n && r->e->kind[r->next] == V_ARRAY_END,
                   "the array ends early");
        r->next++;
    } else {
        read_number(r);
    }
}

static void
read_all(struct reader *r)
{
    while (r->at < r->len) {
        FUZZ_CHECK(r->next < r->e->n
                   && r->e->kind[r->next] == V_OBJECT_START,
                   "an object where none was written");
        r->next++;
        want(r, '{');
        if (peek(r) != '}') {
            for (;;) {
                read_string(r, V_KEY);
                want(r, ':');
                read_value(r);
                if (peek(r) != ',')
                    break;
                r->at++;
            }
        }
        want(r, '}');
        want(r, '\n');
        FUZZ_CHECK(r->next < r->e->n && r->e->kind[r->next] == V_OBJECT_END,
                   "the object ends early");
        r->next++;
    }
    FUZZ_CHECK(r->next == r->e->n, "%zu values written, %zu read",
               r->e->n, r->next);
}

/* ---- the program of writes ---------------------------------------------- */

/* Takes a string of the next byte's length from the input. */
static const uint8_t *
take_bytes(const uint8_t **data, size_t *size, size_t *len_out)
{
    size_t n = (size_t)fuzz_take(data, size, 1);
    const uint8_t *p = *data;

    if (n > *size)
        n = *size;
    *data += n;
    *size -= n;
    *len_out = n;
    return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct expect *e = calloc(1, sizeof *e);
    struct json_writer w;
    struct reader r;
    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    int open = 0;

    if (e == NULL || mem == NULL)
        abort();
    tl_buf_init(&e->text, 0);
    json_writer_init(&w, mem);
    while (size > 0 && e->n < MAX_VALUES - 64) {
        unsigned op = (unsigned)fuzz_take(&data, &size, 1);
        const uint8_t *key;
        size_t key_len;
        char *k;

        if (op % 8 == 7) {                  /* end the object */
            if (open) {
                FUZZ_CHECK(json_end_object(&w) == 0, "write failed");
                push(e, V_OBJECT_END);
                open = 0;
            }
            w.keep_marks = (op >> 3) & 1;
            continue;
        }
        if (!open) {
            FUZZ_CHECK(json_begin_object(&w) == 0, "write failed");
            push(e, V_OBJECT_START);
            open = 1;
        }
        key = take_bytes(&data, &size, &key_len);
        k = fuzz_strndup(key, key_len);     /* keys end at a NUL */
        push_string(e, V_KEY, (const unsigned char *)k, strlen(k),
                    w.keep_marks);
        switch (op % 8) {
        case 0: {
            size_t n;
            const uint8_t *s = take_bytes(&data, &size, &n);
            FUZZ_CHECK(json_key_string(&w, k, (const char *)s, n) == 0,
                       "write failed");
            push_string(e, V_STRING, s, n, w.keep_marks);
            break;
        }
        case 1:
            FUZZ_CHECK(json_key_string(&w, k, NULL, 0) == 0, "write failed");
            push(e, V_NULL);
            break;
        case 2: {
            int64_t v = (int64_t)fuzz_take(&data, &size, 8);
            FUZZ_CHECK(json_key_int(&w, k, v) == 0, "write failed");
            e->i[e->n] = v;
            push(e, V_INT);
            break;
        }
        case 3: {
            uint64_t bits = fuzz_take(&data, &size, 8);
            double v;
            memcpy(&v, &bits, sizeof v);
            FUZZ_CHECK(json_key_double(&w, k, v) == 0, "write failed");
            e->d[e->n] = v;
            push(e, V_DOUBLE);
            break;
        }
        case 4:
            FUZZ_CHECK(json_key_null(&w, k) == 0, "write failed");
            push(e, V_NULL);
            break;
        default: {                          /* an array of 0-7 items */
            char *items[8];
            size_t n = (op >> 3) & 7;
            push(e, V_ARRAY_START);
            for (size_t i = 0; i < n; i++) {
                size_t len;
                const uint8_t *s = take_bytes(&data, &size, &len);
                if (len == 1 && s[0] == 0xff) {
                    items[i] = NULL;
                    push(e, V_NULL);
                    continue;
                }
                items[i] = fuzz_strndup(s, len);
                push_string(e, V_STRING, (const unsigned char *)items[i],
                            strlen(items[i]), w.keep_marks);
            }
            push(e, V_ARRAY_END);
            FUZZ_CHECK(json_key_string_array(&w, k,
                                             (const char *const *)items, n)
                       == 0, "write failed");
            for (size_t i = 0; i < n; i++)
                free(items[i]);
            break;
        }
        }
        free(k);
    }
    if (open) {
        FUZZ_CHECK(json_end_object(&w) == 0, "write failed");
        push(e, V_OBJECT_END);
    }
    FUZZ_CHECK(fclose(mem) == 0, "closing the memory stream");

    FUZZ_CHECK(fuzz_utf8_valid(out, out_len), "the output is not UTF-8");
    memset(&r, 0, sizeof r);
    r.p = out;
    r.len = out_len;
    r.e = e;
    tl_buf_init(&r.s, 0);
    read_all(&r);

    tl_buf_release(&r.s);
    tl_buf_release(&e->text);
    free(e);
    free(out);
    return 0;
}
