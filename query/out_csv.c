/*
 * out_csv.c - RFC 4180 CSV with text fields made safe (see out_csv.h).
 *
 * A text field is read twice: once to learn whether it must be quoted
 * and what its first kept character is (for the formula prefix), once
 * to write it.  The cleaning is the same function both times, so the two
 * passes agree, and nothing needs a buffer.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "out_csv.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* Removed from text fields: controls but TAB, CR and LF (the marks are
 * C0 controls too), and U+FEFF, which at the start of the file would be
 * read as a byte-order mark. */
static int
is_removed(uint32_t c)
{
    if (c == '\t' || c == '\r' || c == '\n')
        return 0;
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0xfeff;
}

void
csv_writer_init(struct csv_writer *w, FILE *out)
{
    w->out = out;
    w->row_open = 0;
    w->row_blank = 0;
}

static int
failed(const struct csv_writer *w)
{
    return ferror(w->out) != 0;
}

static void
separate(struct csv_writer *w)
{
    if (w->row_open)
        fputc(',', w->out);
}

static void
field_written(struct csv_writer *w, int empty)
{
    w->row_blank = !w->row_open && empty;
    w->row_open = 1;
}

/* Writes s[0, len) cleaned, double quotes doubled; clean runs are copied
 * with one fwrite. */
static void
write_clean(FILE *f, const unsigned char *s, size_t len)
{
    size_t i = 0, run = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = tl_utf8_next(s + i, len - i, &cp);

        if (cp == TL_UTF8_INVALID || cp == '"' || is_removed(cp)) {
            fwrite(s + run, 1, i - run, f);
            if (cp == TL_UTF8_INVALID)
                fputs(REPLACEMENT, f);
            else if (cp == '"')
                fputs("\"\"", f);
            run = i + n;
        }
        i += n;
    }
    fwrite(s + run, 1, i - run, f);
}

int
csv_field(struct csv_writer *w, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t first = 0, cp;
    int quote = 0, kept = 0;
    size_t i, n;

    for (i = 0; i < len; i += n) {
        n = tl_utf8_next(u + i, len - i, &cp);
        if (cp != TL_UTF8_INVALID && is_removed(cp))
            continue;
        if (!kept)
            first = cp;
        kept = 1;
        if (cp == ',' || cp == '"' || cp == '\r' || cp == '\n')
            quote = 1;
    }
    separate(w);
    if (quote)
        fputc('"', w->out);
    if (kept && (first == '=' || first == '+' || first == '-' || first == '@'
                 || first == '\t' || first == '\r'))
        fputc('\'', w->out);
    if (len > 0)
        write_clean(w->out, u, len);
    if (quote)
        fputc('"', w->out);
    field_written(w, !kept);
    return failed(w);
}

int
csv_field_int(struct csv_writer *w, int64_t v)
{
    separate(w);
    fprintf(w->out, "%" PRId64, v);
    field_written(w, 0);
    return failed(w);
}

int
csv_field_double(struct csv_writer *w, double v)
{
    char num[512], fixed[512];
    size_t i = 0, j = 0;
    int n;

    separate(w);
    if (!isfinite(v)) {
        field_written(w, 1);
        return failed(w);
    }
    n = snprintf(num, sizeof num, "%.4f", v);
    if (n < 0 || (size_t)n >= sizeof num) {     /* cannot be: |v| < 1e309 */
        field_written(w, 1);
        return failed(w);
    }
    /* '.' whatever LC_NUMERIC says: %f writes only the sign, digits and
     * the radix character (which may be several bytes) */
    while (num[i] != '\0') {
        if (num[i] == '-' || (num[i] >= '0' && num[i] <= '9')) {
            fixed[j++] = num[i++];
        } else {
            fixed[j++] = '.';
            while (num[i] != '\0' && !(num[i] >= '0' && num[i] <= '9'))
                i++;
        }
    }
    fixed[j] = '\0';
    if (strcmp(fixed, "-0.0000") == 0)
        fputs(fixed + 1, w->out);
    else
        fputs(fixed, w->out);
    field_written(w, 0);
    return failed(w);
}

int
csv_end_row(struct csv_writer *w)
{
    if (w->row_open && w->row_blank)
        fputs("\"\"", w->out);
    fputs("\r\n", w->out);
    w->row_open = 0;
    w->row_blank = 0;
    return failed(w);
}
