/*
 * snippet.c - the words around a passage's matches (see snippet.h).
 *
 * Two passes over the text.  The first cuts it into words and groups
 * the words into units: words joined by one mark pair (a phrase match
 * "\x02water talks\x03") form one unit, since a window edge may not fall
 * inside a pair.  A two-pointer sliding window over the units then finds
 * the span of at most N words with the most marked words.  The second
 * pass writes the chosen words.  Marks are not copied from the input
 * but re-made from the pair each character belongs to, which is what
 * keeps them balanced, on whole characters, and outside the spaces
 * between two matches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snippet.h"

#define MARK_OPEN ((unsigned char)TL_MARK_OPEN[0])
#define MARK_CLOSE ((unsigned char)TL_MARK_CLOSE[0])
#define REPLACEMENT "\xef\xbf\xbd"

static int
is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0
           || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028
           || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Control characters that are not white space: removed. */
static int
is_control(uint32_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
}

/* ---- reading characters and pairing marks ------------------------------ */

enum event { EV_END, EV_SPACE, EV_CHAR };

struct scan {
    const unsigned char *p;
    size_t len;
    size_t pos;
    size_t pair;        /* the open pair's number, 0 outside any pair */
    size_t pairs;       /* pairs opened so far */
    const char *ch;     /* EV_CHAR: the character's UTF-8 bytes ... */
    size_t ch_len;      /* ... and their number */
};

/* Is the OPEN at p[at] a mark, i.e. is the next mark byte a CLOSE?  Each
 * call reads only up to the next mark byte, so the calls of one pass
 * read the text about once in all. */
static int
opens_pair(const struct scan *s, size_t at)
{
    for (size_t i = at + 1; i < s->len; i++) {
        if (s->p[i] == MARK_CLOSE)
            return 1;
        if (s->p[i] == MARK_OPEN)
            return 0;
    }
    return 0;
}

/* The next visible character (EV_CHAR, s->ch, s->pair being its pair) or
 * run of white space (EV_SPACE); controls and marks are consumed. */
static enum event
scan_next(struct scan *s)
{
    int space = 0;

    while (s->pos < s->len) {
        const unsigned char *c = s->p + s->pos;
        uint32_t cp;
        size_t n = tl_utf8_next(c, s->len - s->pos, &cp);

        if (*c == MARK_OPEN) {
            if (s->pair == 0 && opens_pair(s, s->pos))
                s->pair = ++s->pairs;
        } else if (*c == MARK_CLOSE) {
            s->pair = 0;
        } else if (is_space(cp)) {
            space = 1;
        } else if (!is_control(cp)) {
            if (space)
                return EV_SPACE;    /* the character is read next time */
            s->ch = cp == TL_UTF8_INVALID ? REPLACEMENT : (const char *)c;
            s->ch_len = cp == TL_UTF8_INVALID ? 3 : n;
            s->pos += n;
            return EV_CHAR;
        }
        s->pos += n;
    }
    return space ? EV_SPACE : EV_END;
}

static void
scan_init(struct scan *s, const char *text, size_t len)
{
    memset(s, 0, sizeof *s);
    s->p = (const unsigned char *)text;
    s->len = len;
}

/* ---- pass 1: words and units ------------------------------------------- */

struct unit {
    size_t words;       /* words in the unit */
    size_t marked;      /* of which marked */
};

struct units {
    struct unit *u;
    size_t n, cap;
    size_t words;       /* in all */
};

static enum tl_status
units_push(struct units *us)
{
    if (us->n == us->cap) {
        size_t cap = us->cap != 0 ? us->cap * 2 : 64;
        struct unit *u;

        if (cap > SIZE_MAX / sizeof *u)
            return TL_ERR_NOMEM;
        u = realloc(us->u, cap * sizeof *u);
        if (u == NULL)
            return TL_ERR_NOMEM;
        us->u = u;
        us->cap = cap;
    }
    us->u[us->n].words = 0;
    us->u[us->n].marked = 0;
    us->n++;
    return TL_OK;
}

static enum tl_status
find_units(const char *text, size_t len, struct units *us)
{
    struct scan s;
    enum event ev;
    int in_word = 0, marked = 0;
    size_t last_pair = 0;       /* of the word's last character */

    scan_init(&s, text, len);
    do {
        ev = scan_next(&s);
        if (ev == EV_CHAR) {
            if (!in_word) {
                /* a pair running on from the word before joins them */
                int joined = us->n > 0 && last_pair != 0
                             && last_pair == s.pair;

                if (!joined && units_push(us) != TL_OK)
                    return TL_ERR_NOMEM;
                in_word = 1;
                marked = 0;
            }
            marked |= s.pair != 0;
            last_pair = s.pair;
        } else if (in_word) {
            us->u[us->n - 1].words++;
            us->u[us->n - 1].marked += (size_t)marked;
            us->words++;
            in_word = 0;
        }
    } while (ev != EV_END);
    return TL_OK;
}

/* ---- choosing the window ------------------------------------------------- */

/* Sets [*a, *b) to the units of the window. */
static void
choose_window(const struct units *us, size_t max_words, size_t *a_out,
              size_t *b_out)
{
    const struct unit *u = us->u;
    size_t n = us->n, a, b = 0, w = 0, m = 0;
    size_t best_a = 0, best_b = 0, best = 0;
    size_t first, last, cw, left, right, used;
    int found = 0;

    /* For each start a, the longest window [a, b) of at most max_words
     * words (at least one unit); b never moves back. */
    for (a = 0; a < n; a++) {
        while (b < n && (b == a || w + u[b].words <= max_words)) {
            w += u[b].words;
            m += u[b].marked;
            b++;
        }
        if (!found || m > best) {
            best = m;
            best_a = a;
            best_b = b;
            found = 1;
        }
        w -= u[a].words;
        m -= u[a].marked;
    }
    *a_out = best_a;
    *b_out = best_b;
    if (best == 0)
        return;         /* no mark: the window from the first word */

    /* Re-centre on the cluster: its first to its last marked unit. */
    for (first = best_a; u[first].marked == 0; first++)
        ;
    for (last = best_b - 1; u[last].marked == 0; last--)
        ;
    for (cw = 0, b = first; b <= last; b++)
        cw += u[b].words;
    a = first;
    b = last + 1;
    if (cw < max_words) {
        left = (max_words - cw) / 2;
        right = max_words - cw - left;
        for (used = 0; a > 0 && used + u[a - 1].words <= left; a--)
            used += u[a - 1].words;
        right += left - used;
        for (used = 0; b < n && used + u[b].words <= right; b++)
            used += u[b].words;
        left = right - used;    /* what the right side could not use */
        for (used = 0; a > 0 && used + u[a - 1].words <= left; a--)
            used += u[a - 1].words;
    }
    *a_out = a;
    *b_out = b;
}

/* ---- pass 2: writing ----------------------------------------------------- */

/* Output staged in a small array, so that tl_buf_append is not called per
 * character. */
struct sink {
    struct tl_buf *out;
    enum tl_status st;
    size_t n;
    char buf[1024];
};

static void
sink_flush(struct sink *k)
{
    if (k->st == TL_OK && k->n > 0)
        k->st = tl_buf_append(k->out, k->buf, k->n);
    k->n = 0;
}

static void
sink_put(struct sink *k, const char *p, size_t n)
{
    if (k->n + n > sizeof k->buf)
        sink_flush(k);
    memcpy(k->buf + k->n, p, n);    /* n is at most 4 */
    k->n += n;
}

/* Writes the words [wa, wb) of text. */
static enum tl_status
write_words(const char *text, size_t len, size_t wa, size_t wb,
            size_t n_words, struct tl_buf *out)
{
    struct sink k = { .out = out, .st = TL_OK, .n = 0 };
    struct scan s;
    enum event ev;
    size_t word = 0, shown = 0;     /* mark pair open in the output */
    int in_word = 0, space = 0;

    if (wa > 0)
        sink_put(&k, TL_ELLIPSIS, sizeof TL_ELLIPSIS - 1);
    scan_init(&s, text, len);
    while ((ev = scan_next(&s)) != EV_END) {
        if (ev == EV_SPACE) {
            if (in_word)
                word++;
            in_word = 0;
            if (word >= wb)
                break;
            space = word > wa;
            continue;
        }
        in_word = 1;
        if (word < wa)
            continue;
        if (s.pair != shown && shown != 0)
            sink_put(&k, TL_MARK_CLOSE, 1);
        if (space)
            sink_put(&k, " ", 1);
        space = 0;
        if (s.pair != shown && s.pair != 0)
            sink_put(&k, TL_MARK_OPEN, 1);
        shown = s.pair;
        sink_put(&k, s.ch, s.ch_len);
    }
    if (shown != 0)
        sink_put(&k, TL_MARK_CLOSE, 1);
    if (wb < n_words)
        sink_put(&k, TL_ELLIPSIS, sizeof TL_ELLIPSIS - 1);
    sink_flush(&k);
    return k.st;
}

static void
restore(struct tl_buf *out, size_t len)
{
    out->len = len;
    if (out->data != NULL)
        out->data[len] = '\0';
}

enum tl_status
tl_snippet_window(const char *text, size_t len, unsigned words,
                  struct tl_buf *out, struct tl_error *err)
{
    struct units us = { 0 };
    size_t old_len = out->len, ua = 0, ub = 0, wa = 0, wb, i;
    enum tl_status st;

    st = find_units(text, len, &us);
    if (st != TL_OK)
        goto out;
    wb = us.words;
    if (words != 0 && us.words > words) {
        choose_window(&us, words, &ua, &ub);
        for (i = 0; i < ua; i++)
            wa += us.u[i].words;
        for (wb = wa; i < ub; i++)
            wb += us.u[i].words;
    }
    st = write_words(text, len, wa, wb, us.words, out);
    if (st == TL_OK)
        st = tl_buf_append(out, "", 0);     /* NUL-terminated, even empty */
out:
    free(us.u);
    if (st != TL_OK) {
        restore(out, old_len);
        return tl_error_set(err, st, "out of memory making a snippet");
    }
    return TL_OK;
}

enum tl_status
tl_snippet_plain(const char *text, size_t len, struct tl_buf *out,
                 struct tl_error *err)
{
    size_t old_len = out->len, i = 0, j;

    while (i < len) {
        for (j = i; j < len && text[j] != TL_MARK_OPEN[0]
                    && text[j] != TL_MARK_CLOSE[0]; j++)
            ;
        if (j > i && tl_buf_append(out, text + i, j - i) != TL_OK) {
            restore(out, old_len);
            return tl_error_set(err, TL_ERR_NOMEM,
                                "out of memory making a snippet");
        }
        i = j + 1;      /* over the mark */
    }
    if (tl_buf_append(out, "", 0) != TL_OK)  /* NUL-terminated, even empty */
        return tl_error_set(err, TL_ERR_NOMEM,
                            "out of memory making a snippet");
    return TL_OK;
}
