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

/* ---- display width ------------------------------------------------------ */

struct range {
    uint32_t first, last;
};

/* Combining marks (Mn, Me) of the common scripts, and zero-width format
 * characters.  Sorted. */
static const struct range zero_width[] = {
    { 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
    { 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
    { 0x05c7, 0x05c7 }, { 0x0610, 0x061a }, { 0x061c, 0x061c },
    { 0x064b, 0x065f }, { 0x0670, 0x0670 }, { 0x06d6, 0x06dc },
    { 0x06df, 0x06e4 }, { 0x06e7, 0x06e8 }, { 0x06ea, 0x06ed },
    { 0x0711, 0x0711 }, { 0x0730, 0x074a }, { 0x07a6, 0x07b0 },
    { 0x07eb, 0x07f3 }, { 0x0816, 0x0819 }, { 0x081b, 0x0823 },
    { 0x0825, 0x0827 }, { 0x0829, 0x082d }, { 0x0859, 0x085b },
    { 0x0898, 0x089f }, { 0x08ca, 0x08e1 }, { 0x08e3, 0x0902 },
    { 0x093a, 0x093a }, { 0x093c, 0x093c }, { 0x0941, 0x0948 },
    { 0x094d, 0x094d }, { 0x0951, 0x0957 }, { 0x0962, 0x0963 },
    { 0x0981, 0x0981 }, { 0x09bc, 0x09bc }, { 0x09c1, 0x09c4 },
    { 0x09cd, 0x09cd }, { 0x09e2, 0x09e3 }, { 0x0a01, 0x0a02 },
    { 0x0a3c, 0x0a3c }, { 0x0a41, 0x0a42 }, { 0x0a47, 0x0a48 },
    { 0x0a4b, 0x0a4d }, { 0x0a51, 0x0a51 }, { 0x0a70, 0x0a71 },
    { 0x0a75, 0x0a75 }, { 0x0a81, 0x0a82 }, { 0x0abc, 0x0abc },
    { 0x0ac1, 0x0ac5 }, { 0x0ac7, 0x0ac8 }, { 0x0acd, 0x0acd },
    { 0x0ae2, 0x0ae3 }, { 0x0b01, 0x0b01 }, { 0x0b3c, 0x0b3c },
    { 0x0b3f, 0x0b3f }, { 0x0b41, 0x0b44 }, { 0x0b4d, 0x0b4d },
    { 0x0b55, 0x0b56 }, { 0x0b62, 0x0b63 }, { 0x0bc0, 0x0bc0 },
    { 0x0bcd, 0x0bcd }, { 0x0c00, 0x0c00 }, { 0x0c3e, 0x0c40 },
    { 0x0c46, 0x0c48 }, { 0x0c4a, 0x0c4d }, { 0x0c55, 0x0c56 },
    { 0x0c62, 0x0c63 }, { 0x0cbc, 0x0cbc }, { 0x0ccc, 0x0ccd },
    { 0x0d00, 0x0d01 }, { 0x0d41, 0x0d44 }, { 0x0d4d, 0x0d4d },
    { 0x0dca, 0x0dca }, { 0x0dd2, 0x0dd6 }, { 0x0e31, 0x0e31 },
    { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x0eb1, 0x0eb1 },
    { 0x0eb4, 0x0ebc }, { 0x0ec8, 0x0ece }, { 0x0f18, 0x0f19 },
    { 0x0f35, 0x0f35 }, { 0x0f37, 0x0f37 }, { 0x0f39, 0x0f39 },
    { 0x0f71, 0x0f7e }, { 0x0f80, 0x0f84 }, { 0x0f86, 0x0f87 },
    { 0x0f8d, 0x0fbc }, { 0x0fc6, 0x0fc6 }, { 0x102d, 0x1030 },
    { 0x1032, 0x1037 }, { 0x1039, 0x103a }, { 0x1160, 0x11ff },
    { 0x135d, 0x135f }, { 0x1712, 0x1714 }, { 0x17b4, 0x17b5 },
    { 0x17b7, 0x17bd }, { 0x17c6, 0x17c6 }, { 0x17c9, 0x17d3 },
    { 0x180b, 0x180f }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff },
    { 0x200b, 0x200f }, { 0x2028, 0x202e }, { 0x2060, 0x2064 },
    { 0x20d0, 0x20f0 }, { 0x302a, 0x302d }, { 0x3099, 0x309a },
    { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
    { 0x1d167, 0x1d169 }, { 0xe0000, 0xe0fff },
};

/* East Asian Wide (W) and Fullwidth (F) characters.  Sorted. */
static const struct range wide[] = {
    { 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
    { 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
    { 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
    { 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
    { 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
    { 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
    { 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
    { 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
    { 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
    { 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
    { 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
    { 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
    { 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0xa4cf },
    { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
    { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f }, { 0xff00, 0xff60 },
    { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 }, { 0x17000, 0x18cff },
    { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 }, { 0x1f0cf, 0x1f0cf },
    { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f251 },
    { 0x1f260, 0x1f265 }, { 0x1f300, 0x1f320 }, { 0x1f32d, 0x1f335 },
    { 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca },
    { 0x1f3cf, 0x1f3d3 }, { 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 },
    { 0x1f3f8, 0x1f43e }, { 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc },
    { 0x1f4ff, 0x1f53d }, { 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 },
    { 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 },
    { 0x1f5fb, 0x1f64f }, { 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc },
    { 0x1f6d0, 0x1f6d2 }, { 0x1f6d5, 0x1f6d7 }, { 0x1f6eb, 0x1f6ec },
    { 0x1f6f4, 0x1f6fc }, { 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f93a },
    { 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faff },
    { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

static int
in_table(uint32_t cp, const struct range *t, size_t n)
{
    size_t lo = 0, hi = n;

    if (n == 0 || cp < t[0].first || cp > t[n - 1].last)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp > t[mid].last)
            lo = mid + 1;
        else if (cp < t[mid].first)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

int
tl_snippet_char_width(uint32_t cp)
{
    if (cp == TL_UTF8_INVALID)
        return 1;
    if (cp == 0 || is_control(cp))
        return 0;
    if (cp < 0x300)
        return 1;
    if (in_table(cp, zero_width, sizeof zero_width / sizeof *zero_width))
        return 0;
    if (in_table(cp, wide, sizeof wide / sizeof *wide))
        return 2;
    return 1;
}

size_t
tl_snippet_width(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t cols = 0;

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = tl_utf8_next(u + i, len - i, &cp);
        cols += (size_t)tl_snippet_char_width(cp);
        i += n;
    }
    return cols;
}
