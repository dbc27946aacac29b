/*
 * passage.c - splitting an article's text into passages.
 *
 * A passage is a paragraph: text between blank lines (lines holding only
 * white space).  A text with no blank line at all (one paragraph per
 * line, as some tools save articles) is split on every line break
 * instead.  Spans never include the white space around a paragraph.
 */
#include <stdlib.h>
#include <string.h>

#include "talaash.h"

static int
is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Is [p, e) (one line, without its '\n') only white space? */
static int
line_is_blank(const char *p, const char *e)
{
    for (; p < e; p++)
        if (!is_blank_char(*p))
            return 0;
    return 1;
}

/* Does the text hold a blank line between two non-blank ones? */
static int
has_blank_line(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    int seen_text = 0, seen_blank = 0;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *e = eol != NULL ? eol : end;

        if (line_is_blank(p, e)) {
            seen_blank = seen_text;
        } else {
            if (seen_blank)
                return 1;
            seen_text = 1;
        }
        p = eol != NULL ? eol + 1 : end;
    }
    return 0;
}

static enum tl_status
push(struct tl_span **spans, size_t *n, size_t *cap, size_t start,
     size_t end)
{
    if (*n == *cap) {
        size_t ncap = *cap != 0 ? *cap * 2 : 16;
        struct tl_span *p = realloc(*spans, ncap * sizeof *p);
        if (p == NULL)
            return TL_ERR_NOMEM;
        *spans = p;
        *cap = ncap;
    }
    (*spans)[*n].start = start;
    (*spans)[*n].end = end;
    (*n)++;
    return TL_OK;
}

enum tl_status
tl_passages_split(const char *text, size_t len, struct tl_span **spans_out,
                  size_t *n_out, struct tl_error *err)
{
    const char *p = text, *end = text + len;
    struct tl_span *spans = NULL;
    size_t n = 0, cap = 0;
    int by_line = !has_blank_line(text, len);
    const char *para = NULL, *para_end = NULL;  /* current paragraph */

    *spans_out = NULL;
    *n_out = 0;
    while (p <= end) {
        const char *eol = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        const char *e = eol != NULL ? eol : end;
        const char *s = p;
        int blank = line_is_blank(p, e);

        if (!blank) {
            while (is_blank_char(*s))
                s++;
            while (e > s && is_blank_char(e[-1]))
                e--;
            if (para == NULL)
                para = s;
            para_end = e;
        }
        if (para != NULL && (blank || by_line || eol == NULL)) {
            if (push(&spans, &n, &cap, (size_t)(para - text),
                     (size_t)(para_end - text)) != TL_OK) {
                free(spans);
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            }
            para = NULL;
        }
        if (eol == NULL)
            break;
        p = eol + 1;
    }
    *spans_out = spans;
    *n_out = n;
    return TL_OK;
}
