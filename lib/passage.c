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
#include <strings.h>

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

/* ---- passages from an article's kept blocks -------------------------- */

/* Blocks of fewer words are fragments (headings, short lines): they join
 * the block after them (or, at the end, the one before). */
#define FRAGMENT_WORDS 8
/* Longer blocks are split at sentence ends into pieces of about this
 * many words at most. */
#define PASSAGE_MAX_WORDS 300

struct maker {
    const struct tl_doc *doc;
    struct tl_buf *text;
    struct tl_passage *out;
    size_t n, cap;
    int open;           /* out[n - 1] still takes blocks */
    size_t open_words;
};

static enum tl_status
new_passage(struct maker *m, size_t src_start, size_t src_end, size_t block)
{
    struct tl_passage *p;

    if (m->n == m->cap) {
        size_t cap = m->cap != 0 ? m->cap * 2 : 32;
        struct tl_passage *q = realloc(m->out, cap * sizeof *q);
        if (q == NULL)
            return TL_ERR_NOMEM;
        m->out = q;
        m->cap = cap;
    }
    /* passages are separated by a line break in the text buffer, so
     * that two neighbours can be joined by widening one of them */
    if (m->text->len > 0 && tl_buf_append(m->text, "\n", 1) != TL_OK)
        return TL_ERR_NOMEM;
    p = &m->out[m->n++];
    p->start = p->end = m->text->len;
    p->src_start = src_start;
    p->src_end = src_end;
    p->first_block = p->last_block = block;
    m->open = 1;
    m->open_words = 0;
    return TL_OK;
}

/* Appends text to the last passage, a line break between parts. */
static enum tl_status
extend(struct maker *m, const char *text, size_t len, size_t src_start,
       size_t src_end, size_t block)
{
    struct tl_passage *p = &m->out[m->n - 1];

    if (p->end > p->start && tl_buf_append(m->text, "\n", 1) != TL_OK)
        return TL_ERR_NOMEM;
    if (tl_buf_append(m->text, text, len) != TL_OK)
        return TL_ERR_NOMEM;
    p->end = m->text->len;
    if (src_start < p->src_start)
        p->src_start = src_start;
    if (src_end > p->src_end)
        p->src_end = src_end;
    p->last_block = block;
    return TL_OK;
}

static int
is_upper_start(const char *p, size_t n)
{
    unsigned char c = n > 0 ? (unsigned char)p[0] : 0;

    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '"'
           || c == '\'' || c == 0xE2 /* “ ‘ */ || c >= 0xC3;
}

static const char *const abbreviations[] = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt",
    "sgt", "sen", "rep", "gov", "st", "jr", "sr", "no", "vs", "etc", "inc",
    "co", "corp", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "amb", "rev", "hon", "fig", "approx",
    NULL,
};

/* Is text[i] ('.', '?' or '!') the end of a sentence?  Not after an
 * initial ("B."), a dotted acronym ("U.S.") or a common abbreviation
 * ("Gen.", "Nov."), and only before a capital, digit or quote. */
static int
sentence_end(const char *text, size_t len, size_t i)
{
    size_t w = i, n;

    if (i + 2 >= len || text[i + 1] != ' ')
        return 0;
    if (!is_upper_start(text + i + 2, len - i - 2))
        return 0;
    if (text[i] != '.')
        return 1;
    while (w > 0 && text[w - 1] != ' ' && text[w - 1] != '\n')
        w--;
    n = i - w;
    if (n == 1 || memchr(text + w, '.', n) != NULL)
        return 0;   /* "B." or "U.S." */
    for (const char *const *a = abbreviations; *a != NULL; a++)
        if (strlen(*a) == n && strncasecmp(text + w, *a, n) == 0)
            return 0;
    return 1;
}

static int
word_starts(const char *p, size_t i)
{
    return !is_blank_char(p[i]) && p[i] != '\n'
           && (i == 0 || is_blank_char(p[i - 1]) || p[i - 1] == '\n');
}

/* A long block becomes several passages, cut at sentence ends (or, when
 * a sentence runs past twice the limit, at a word boundary).  The first
 * piece joins an open passage of fragments (a heading above the block);
 * the fragments' words are not counted in it. */
static enum tl_status
add_long(struct maker *m, size_t b, const char *text, size_t len)
{
    const struct tl_block *blk = &m->doc->blocks[b];
    int exact = blk->src_end - blk->src_start == len;
    size_t piece = 0;
    enum tl_status st = TL_OK;

    while (piece < len) {
        size_t words = 0, cut = len, last_end = 0, src_start, src_end;

        for (size_t i = piece; i < len; i++) {
            if (word_starts(text, i) && ++words > PASSAGE_MAX_WORDS) {
                if (last_end > piece) {
                    cut = last_end;
                    break;
                }
                if (words > 2 * PASSAGE_MAX_WORDS) {
                    cut = i;
                    break;
                }
            }
            if ((text[i] == '.' || text[i] == '?' || text[i] == '!')
                && sentence_end(text, len, i))
                last_end = i + 1;
        }
        src_start = exact ? blk->src_start + piece : blk->src_start;
        src_end = exact ? blk->src_start + cut : blk->src_end;
        if (!m->open)
            st = new_passage(m, src_start, src_end, b);
        if (st == TL_OK)
            st = extend(m, text + piece, cut - piece, src_start, src_end, b);
        if (st != TL_OK)
            return st;
        m->open = 0;
        piece = cut;
        while (piece < len && (is_blank_char(text[piece]) || text[piece] == '\n'))
            piece++;
    }
    return TL_OK;
}

enum tl_status
tl_passages_make(const struct tl_doc *d, struct tl_buf *text,
                 struct tl_passage **out, size_t *n_out, struct tl_error *err)
{
    struct maker m = { d, text, NULL, 0, 0, 0, 0 };
    enum tl_status st = TL_OK;

    *out = NULL;
    *n_out = 0;
    for (size_t b = 0; b < d->n_blocks && st == TL_OK; b++) {
        const struct tl_block *blk = &d->blocks[b];
        size_t len, words;
        const char *p;

        if (blk->drop != NULL)
            continue;
        p = tl_doc_block(d, b, &len);
        words = tl_doc_words(d, b);
        if (len == 0)
            continue;
        if (words > PASSAGE_MAX_WORDS) {
            st = add_long(&m, b, p, len);
            continue;
        }
        if (!m.open)
            st = new_passage(&m, blk->src_start, blk->src_end, b);
        if (st == TL_OK)
            st = extend(&m, p, len, blk->src_start, blk->src_end, b);
        m.open_words += words;
        /* a fragment stays open for the next block; text closes it */
        if (words >= FRAGMENT_WORDS && blk->heading == 0)
            m.open = 0;
    }
    /* a fragment left open at the end joins the passage before it (the
     * text between them is the "\n" separator) */
    if (st == TL_OK && m.open && m.n >= 2
        && m.open_words < FRAGMENT_WORDS) {
        struct tl_passage *last = &m.out[m.n - 1], *prev = &m.out[m.n - 2];
        prev->end = last->end;
        if (last->src_end > prev->src_end)
            prev->src_end = last->src_end;
        prev->last_block = last->last_block;
        m.n--;
    }
    if (st != TL_OK) {
        free(m.out);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    *out = m.out;
    *n_out = m.n;
    return TL_OK;
}
