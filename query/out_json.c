/*
 * out_json.c - JSON Lines, valid whatever bytes come in (see out_json.h).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out_json.h"

#define REPLACEMENT "\xef\xbf\xbd"

void
json_writer_init(struct json_writer *w, FILE *out)
{
    w->out = out;
    w->keep_marks = 0;
    w->members = 0;
}

static int
failed(const struct json_writer *w)
{
    return ferror(w->out) != 0;
}

/* Writes s[0, len) as a JSON string, quotes included; runs of characters
 * that need nothing are copied with one fwrite. */
static void
write_string(const struct json_writer *w, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    FILE *f = w->out;
    size_t i = 0, run = 0;

    fputc('"', f);
    while (i < len) {
        uint32_t cp;
        size_t n = tl_utf8_next(u + i, len - i, &cp);
        int mark = cp == (unsigned char)TL_MARK_OPEN[0]
                   || cp == (unsigned char)TL_MARK_CLOSE[0];

        if (cp == TL_UTF8_INVALID || cp == '"' || cp == '\\' || cp < 0x20
            || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028
            || cp == 0x2029) {
            fwrite(u + run, 1, i - run, f);
            run = i + n;
            if (cp == TL_UTF8_INVALID)
                fputs(REPLACEMENT, f);
            else if (cp == '"')
                fputs("\\\"", f);
            else if (cp == '\\')
                fputs("\\\\", f);
            else if (cp == '\b')
                fputs("\\b", f);
            else if (cp == '\f')
                fputs("\\f", f);
            else if (cp == '\n')
                fputs("\\n", f);
            else if (cp == '\r')
                fputs("\\r", f);
            else if (cp == '\t')
                fputs("\\t", f);
            else if (!mark || w->keep_marks)
                fprintf(f, "\\u%04" PRIx32, cp);
        }
        i += n;
    }
    fwrite(u + run, 1, i - run, f);
    fputc('"', f);
}

static void
write_key(struct json_writer *w, const char *key)
{
    if (w->members > 0)
        fputc(',', w->out);
    write_string(w, key, strlen(key));
    fputc(':', w->out);
    w->members++;
}

int
json_begin_object(struct json_writer *w)
{
    w->members = 0;
    fputc('{', w->out);
    return failed(w);
}

int
json_key_string(struct json_writer *w, const char *key, const char *s,
                size_t len)
{
    write_key(w, key);
    if (s == NULL)
        fputs("null", w->out);
    else
        write_string(w, s, len);
    return failed(w);
}

int
json_key_int(struct json_writer *w, const char *key, int64_t v)
{
    write_key(w, key);
    fprintf(w->out, "%" PRId64, v);
    return failed(w);
}

/* Writes the finite v in JSON's number syntax. */
static void
write_double(FILE *f, double v)
{
    char num[64], fixed[64];
    size_t i = 0, j = 0;

    /* %.17g always reads back exactly; %.15g is shorter when it does */
    snprintf(num, sizeof num, "%.15g", v);
    if (strtod(num, NULL) != v)
        snprintf(num, sizeof num, "%.17g", v);
    /* '.' whatever LC_NUMERIC says: %g writes the sign, digits, the
     * radix character (maybe several bytes), 'e' and the exponent's sign */
    while (num[i] != '\0' && j < sizeof fixed - 1) {
        char c = num[i];

        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e') {
            fixed[j++] = c;
            i++;
        } else {
            fixed[j++] = '.';
            while (num[i] != '\0' && !(num[i] >= '0' && num[i] <= '9'))
                i++;
        }
    }
    fixed[j] = '\0';
    fputs(fixed, f);
}

int
json_key_double(struct json_writer *w, const char *key, double v)
{
    write_key(w, key);
    if (isfinite(v))
        write_double(w->out, v);
    else
        fputs("null", w->out);
    return failed(w);
}

int
json_key_null(struct json_writer *w, const char *key)
{
    write_key(w, key);
    fputs("null", w->out);
    return failed(w);
}

int
json_key_string_array(struct json_writer *w, const char *key,
                      const char *const *items, size_t n)
{
    write_key(w, key);
    fputc('[', w->out);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fputc(',', w->out);
        if (items[i] == NULL)
            fputs("null", w->out);
        else
            write_string(w, items[i], strlen(items[i]));
    }
    fputc(']', w->out);
    return failed(w);
}

int
json_end_object(struct json_writer *w)
{
    fputs("}\n", w->out);
    w->members = 0;
    return failed(w);
}
