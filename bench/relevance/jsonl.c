/*
 * jsonl.c - a small strict JSON Lines reader (see jsonl.h): a recursive
 * descent parser over one line, keeping the string values of the members
 * asked for and checking, then skipping, everything else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

struct parser {
    const char *start, *p, *end;
    struct tl_error *err;
};

static enum tl_status
fail(struct parser *ps, const char *what)
{
    return tl_error_set(ps->err, TL_ERR_INPUT, "column %zu: %s",
                        (size_t)(ps->p - ps->start) + 1, what);
}

static void
skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'
                               || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* The length of the valid UTF-8 sequence at p (up to end), 0 if none. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t n, avail = (size_t)(end - p);
    unsigned char lo = 0x80, hi = 0xBF;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4;
    else
        return 0;
    if (avail < n)
        return 0;
    /* the second byte's range excludes overlong forms, surrogates and
     * code points past U+10FFFF */
    if (p[0] == 0xE0)
        lo = 0xA0;
    else if (p[0] == 0xED)
        hi = 0x9F;
    else if (p[0] == 0xF0)
        lo = 0x90;
    else if (p[0] == 0xF4)
        hi = 0x8F;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

/* Reads the 4 hex digits after "\u" at ps->p (which points at 'u'). */
static enum tl_status
read_u(struct parser *ps, unsigned *cp_out)
{
    unsigned cp = 0;

    if (ps->end - ps->p < 5)
        return fail(ps, "\\u needs four hex digits");
    for (int i = 1; i <= 4; i++) {
        int v = tl_hex_value((unsigned char)ps->p[i]);
        if (v < 0)
            return fail(ps, "\\u needs four hex digits");
        cp = cp * 16 + (unsigned)v;
    }
    ps->p += 5;
    *cp_out = cp;
    return TL_OK;
}

static enum tl_status
put_utf8(struct tl_buf *out, unsigned cp)
{
    char b[4];
    size_t n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return tl_buf_append(out, b, n);
}

/* One escape; ps->p points after the backslash. */
static enum tl_status
parse_escape(struct parser *ps, struct tl_buf *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k;
    unsigned cp, lo;
    enum tl_status st;

    if (ps->p >= ps->end)
        return fail(ps, "unfinished escape");
    if (*ps->p != 'u') {
        k = memchr(from, *ps->p, sizeof from - 1);
        if (k == NULL)
            return fail(ps, "unknown escape");
        ps->p++;
        return out != NULL ? tl_buf_append(out, &to[k - from], 1) : TL_OK;
    }
    st = read_u(ps, &cp);
    if (st != TL_OK)
        return st;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(ps, "a low surrogate without a high one");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
            return fail(ps, "a high surrogate without a low one");
        ps->p++;
        st = read_u(ps, &lo);
        if (st != TL_OK)
            return st;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(ps, "a high surrogate without a low one");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0)
        return fail(ps, "\\u0000 is not accepted");
    return out != NULL ? put_utf8(out, cp) : TL_OK;
}

/* A string; ps->p points at its opening quote.  Its decoded value is
 * appended to out (when not NULL). */
static enum tl_status
parse_string(struct parser *ps, struct tl_buf *out)
{
    enum tl_status st;

    ps->p++;
    while (ps->p < ps->end) {
        unsigned char c = (unsigned char)*ps->p;
        const char *run = ps->p;
        size_t n;

        if (c == '"') {
            ps->p++;
            return TL_OK;
        }
        if (c == '\\') {
            ps->p++;
            st = parse_escape(ps, out);
            if (st != TL_OK)
                return st;
            continue;
        }
        if (c < 0x20)
            return fail(ps, "a control character in a string");
        /* a run of plain characters, copied at once */
        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\'
               && (unsigned char)*ps->p >= 0x20) {
            n = utf8_len((const unsigned char *)ps->p,
                         (const unsigned char *)ps->end);
            if (n == 0)
                return fail(ps, "invalid UTF-8");
            ps->p += n;
        }
        if (out != NULL
            && tl_buf_append(out, run, (size_t)(ps->p - run)) != TL_OK)
            return tl_error_set(ps->err, TL_ERR_NOMEM, "out of memory");
    }
    return fail(ps, "unterminated string");
}

static int
is_digit(const struct parser *ps)
{
    return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static enum tl_status
parse_number(struct parser *ps)
{
    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (!is_digit(ps))
        return fail(ps, "a digit expected");
    if (*ps->p == '0')
        ps->p++;
    else
        while (is_digit(ps))
            ps->p++;
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!is_digit(ps))
            return fail(ps, "a digit expected after '.'");
        while (is_digit(ps))
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!is_digit(ps))
            return fail(ps, "a digit expected in the exponent");
        while (is_digit(ps))
            ps->p++;
    }
    return TL_OK;
}

static enum tl_status
parse_literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "a value expected");
    ps->p += n;
    return TL_OK;
}

static enum tl_status parse_value(struct parser *ps, int depth);

/* An array or an object (open is '[' or '{'), checked and skipped. */
static enum tl_status
parse_container(struct parser *ps, int depth)
{
    char close = *ps->p == '[' ? ']' : '}';
    enum tl_status st;

    if (depth >= JSONL_DEPTH_MAX)
        return fail(ps, "nested too deeply");
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return TL_OK;
    }
    for (;;) {
        if (close == '}') {
            if (ps->p >= ps->end || *ps->p != '"')
                return fail(ps, "a member name expected");
            st = parse_string(ps, NULL);
            if (st != TL_OK)
                return st;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                return fail(ps, "':' expected");
            ps->p++;
            skip_ws(ps);
        }
        st = parse_value(ps, depth + 1);
        if (st != TL_OK)
            return st;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return TL_OK;
        }
        return fail(ps, close == ']' ? "',' or ']' expected"
                                     : "',' or '}' expected");
    }
}

/* Any value, checked and skipped; ps->p is at its first character. */
static enum tl_status
parse_value(struct parser *ps, int depth)
{
    if (ps->p >= ps->end)
        return fail(ps, "a value expected");
    switch (*ps->p) {
    case '"':
        return parse_string(ps, NULL);
    case '{':
    case '[':
        return parse_container(ps, depth);
    case 't':
        return parse_literal(ps, "true");
    case 'f':
        return parse_literal(ps, "false");
    case 'n':
        return parse_literal(ps, "null");
    default:
        return parse_number(ps);
    }
}

/* The index of key (len bytes) in keys, or -1. */
static int
key_index(const char *const *keys, const char *key, size_t len)
{
    for (int i = 0; keys[i] != NULL; i++)
        if (strlen(keys[i]) == len && memcmp(keys[i], key, len) == 0)
            return i;
    return -1;
}

/* The top-level object's members, keeping the wanted strings. */
static enum tl_status
parse_members(struct parser *ps, const char *const *keys, char **values)
{
    struct tl_buf key, val;
    enum tl_status st = TL_OK;
    int k;

    tl_buf_init(&key, 0);
    tl_buf_init(&val, 0);
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        goto out;
    }
    for (;;) {
        if (ps->p >= ps->end || *ps->p != '"') {
            st = fail(ps, "a member name expected");
            goto out;
        }
        tl_buf_reset(&key);
        st = parse_string(ps, &key);
        if (st != TL_OK)
            goto out;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            st = fail(ps, "':' expected");
            goto out;
        }
        ps->p++;
        skip_ws(ps);
        k = key_index(keys, key.len > 0 ? key.data : "", key.len);
        if (k >= 0 && values[k] != NULL) {
            st = fail(ps, "a member given twice");
            goto out;
        }
        if (k >= 0) {
            if (ps->p >= ps->end || *ps->p != '"') {
                st = fail(ps, "a string expected");
                goto out;
            }
            tl_buf_reset(&val);
            if (tl_buf_append(&val, "", 0) != TL_OK) {
                st = tl_error_set(ps->err, TL_ERR_NOMEM, "out of memory");
                goto out;
            }
            st = parse_string(ps, &val);
            if (st == TL_OK && (values[k] = strdup(val.data)) == NULL)
                st = tl_error_set(ps->err, TL_ERR_NOMEM, "out of memory");
        } else {
            st = parse_value(ps, 1);
        }
        if (st != TL_OK)
            goto out;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            goto out;
        }
        st = fail(ps, "',' or '}' expected");
        goto out;
    }
out:
    tl_buf_release(&key);
    tl_buf_release(&val);
    return st;
}

enum tl_status
jsonl_parse_object(const char *line, size_t len, const char *const *keys,
                   char **values_out, struct tl_error *err)
{
    struct parser ps = { line, line, line + len, err };
    enum tl_status st;
    size_t n = 0;

    while (keys[n] != NULL)
        values_out[n++] = NULL;
    skip_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{') {
        st = fail(&ps, "an object expected");
        goto out;
    }
    st = parse_members(&ps, keys, values_out);
    if (st != TL_OK)
        goto out;
    skip_ws(&ps);
    if (ps.p != ps.end)
        st = fail(&ps, "text after the object");
out:
    if (st != TL_OK)
        for (size_t i = 0; i < n; i++) {
            free(values_out[i]);
            values_out[i] = NULL;
        }
    return st;
}

enum tl_status
jsonl_read_file(const char *path, const char *const *keys, jsonl_line_fn fn,
                void *ctx, struct tl_error *err)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL, **values = NULL;
    size_t cap = 0, n_keys = 0, lineno = 0;
    enum tl_status st = TL_OK;
    ssize_t got;

    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot open '%s': %s", path,
                            strerror(errno));
    while (keys[n_keys] != NULL)
        n_keys++;
    values = calloc(n_keys + 1, sizeof *values);
    if (values == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    while ((got = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)got;
        int stop;

        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (memchr(line, '\0', len) != NULL)
            st = tl_error_set(err, TL_ERR_INPUT, "a NUL byte");
        else if (len == 0)
            st = tl_error_set(err, TL_ERR_INPUT, "an empty line");
        else
            st = jsonl_parse_object(line, len, keys, values, err);
        if (st != TL_OK) {
            char msg[TL_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : "");
            tl_error_set(err, st, "%s:%zu: %s", path, lineno, msg);
            goto out;
        }
        stop = fn(ctx, lineno, values);
        for (size_t i = 0; i < n_keys; i++) {
            free(values[i]);
            values[i] = NULL;
        }
        if (stop)
            goto out;
    }
    if (ferror(f))
        st = tl_error_set(err, TL_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
out:
    free(values);
    free(line);
    fclose(f);
    return st;
}
