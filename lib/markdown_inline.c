/*
 * markdown_inline.c - inline markup: emphasis and strikethrough, code
 * spans, links, images and footnote references (HTML and character
 * references are in markdown_html.c).
 *
 * CommonMark's inline algorithm, reduced to what plain text needs.
 * Emphasis delimiters and brackets go on stacks as the text is copied to
 * a scratch buffer; a matched delimiter or a link's "[" is marked deleted
 * there (an image is cut off the end), and markdown.c copies the
 * survivors out line by line.  Every scan forward is bounded (the next
 * bracket, quote or blank; at most 32 nested parentheses in a link
 * destination; a memo for backtick runs and unclosed comments), so the
 * whole is linear in the input.
 */
#include <stdlib.h>
#include <string.h>

#include "markdown_private.h"

#define NONE SIZE_MAX

/* Deeper parentheses end a link destination; longer labels are text. */
#define MAX_PARENS 32
#define MAX_LABEL 999

struct delim {
    size_t pos;         /* first remaining character in the scratch */
    size_t len;         /* characters remaining */
    size_t orig_len;
    size_t prev;        /* previous live delimiter, or NONE */
    char c;             /* '*', '_' or '~' */
    unsigned char can_open, can_close;
};

struct bracket {
    size_t out_pos;     /* of the "[" (or "!") in the scratch */
    size_t delim_bottom;
    int image;
};

/* ---- the scratch ---- */

void
tl_md_emit(struct inl *in, const char *p, size_t n)
{
    size_t old = in->o.len;

    if (in->st != TL_OK || tl_buf_append(&in->o, p, n) != TL_OK) {
        in->st = TL_ERR_NOMEM;
        return;
    }
    if (in->del_cap < in->o.cap) {
        unsigned char *d = realloc(in->del, in->o.cap);

        if (d == NULL) {
            in->st = TL_ERR_NOMEM;
            return;
        }
        in->del = d;
        in->del_cap = in->o.cap;
    }
    memset(in->del + old, 0, n);
}

/* Grows an array of n elements of size sz to hold one more. */
static void *
grow_array(struct inl *in, void *a, size_t n, size_t *cap, size_t sz)
{
    void *p;
    size_t c;

    if (n < *cap)
        return a;
    c = *cap != 0 ? *cap * 2 : 16;
    p = c <= SIZE_MAX / sz ? realloc(a, c * sz) : NULL;
    if (p == NULL) {
        in->st = TL_ERR_NOMEM;
        return NULL;
    }
    *cap = c;
    return p;
}

/* ---- character classes for the flanking rules ---- */

static int
classify(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'
            || cp == '\f' || cp == '\v')
            return CL_SPACE;
        return is_ascii_punct((char)cp) ? CL_PUNCT : CL_OTHER;
    }
    if (cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return CL_SPACE;
    /* Latin-1 punctuation and symbols (not ª ² ³ µ ¹ º ¼ ½ ¾), × ÷,
     * general punctuation, currency, Arabic and Devanagari stops, CJK */
    if ((cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB2
         && cp != 0xB3 && cp != 0xB5 && cp != 0xB9 && cp != 0xBA
         && !(cp >= 0xBC && cp <= 0xBE))
        || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2010 && cp <= 0x2027)
        || (cp >= 0x2030 && cp <= 0x205E) || (cp >= 0x20A0 && cp <= 0x20CF)
        || cp == 0x060C || cp == 0x061F || cp == 0x06D4 || cp == 0x0964
        || cp == 0x0965 || (cp >= 0x3001 && cp <= 0x3003)
        || (cp >= 0x3008 && cp <= 0x3011) || (cp >= 0x3014 && cp <= 0x301F))
        return CL_PUNCT;
    return CL_OTHER;
}

/* The code point starting at s[i] (i < n); U+FFFD if malformed. */
static uint32_t
decode_at(const char *s, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = u[i] < 0x80 ? 1 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : 2;
    uint32_t cp;

    if (len == 1)
        return u[i];
    if (u[i] < 0xC0 || n - i < len)
        return 0xFFFD;
    cp = u[i] & (0x3F >> (len - 1));
    for (size_t k = 1; k < len; k++) {
        if ((u[i + k] & 0xC0) != 0x80)
            return 0xFFFD;
        cp = (cp << 6) | (u[i + k] & 0x3F);
    }
    return cp;
}

/* The class of the character before s[i] (a line edge is white space). */
static int
class_before(const char *s, size_t i)
{
    size_t k;

    if (i == 0)
        return CL_SPACE;
    k = i - 1;
    while (k > 0 && i - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return classify(decode_at(s, i, k));
}

int
tl_md_class_at(const char *s, size_t n, size_t i)
{
    return i >= n ? CL_SPACE : classify(decode_at(s, n, i));
}

/* ---- emphasis ---- */

static void
mark_deleted(struct inl *in, size_t pos, size_t n)
{
    memset(in->del + pos, 1, n);
}

/* CommonMark's "process emphasis" over the delimiters from index bottom
 * up: matched pairs have their characters marked deleted.  The caller
 * then drops these delimiters (nd = bottom). */
static void
process_emphasis(struct inl *in, size_t bottom)
{
    /* openers below lim[char][can_open][orig_len % 3] were tried already */
    size_t lim[3][2][3];
    size_t closer = bottom;

    for (size_t *p = &lim[0][0][0]; p < &lim[0][0][0] + 18; p++)
        *p = bottom;
    while (closer < in->nd) {
        struct delim *c = &in->ds[closer];
        size_t *l, opener;
        int found = 0;

        if (!c->can_close) {
            closer++;
            continue;
        }
        l = &lim[c->c == '*' ? 0 : c->c == '_' ? 1 : 2][c->can_open]
                [c->orig_len % 3];
        for (opener = c->prev; opener != NONE && opener >= *l;
             opener = in->ds[opener].prev) {
            struct delim *o = &in->ds[opener];

            if (o->c != c->c || !o->can_open)
                continue;
            if (c->c == '~') {
                found = o->len == c->len;
            } else {
                /* the "rule of 3" for runs that both open and close */
                found = !(o->can_close || c->can_open)
                        || c->orig_len % 3 == 0
                        || (o->orig_len + c->orig_len) % 3 != 0;
            }
            if (found)
                break;
        }
        if (found) {
            struct delim *o = &in->ds[opener];
            size_t use = c->len >= 2 && o->len >= 2 ? 2 : 1;

            mark_deleted(in, o->pos + o->len - use, use);
            o->len -= use;
            mark_deleted(in, c->pos, use);
            c->pos += use;
            c->len -= use;
            /* delimiters between them can no longer match */
            c->prev = o->len > 0 ? opener : o->prev;
            if (c->len == 0) {
                if (closer + 1 < in->nd)
                    in->ds[closer + 1].prev = c->prev;
                closer++;
            }
        } else {
            *l = closer;
            if (!c->can_open && closer + 1 < in->nd)
                in->ds[closer + 1].prev = c->prev;   /* drop the closer */
            closer++;
        }
    }
}

static void
push_delim(struct inl *in, char c, size_t pos, size_t len, int open,
           int close)
{
    struct delim *d = grow_array(in, in->ds, in->nd, &in->cd, sizeof *d);

    if (d == NULL)
        return;
    in->ds = d;
    d = &in->ds[in->nd];
    d->pos = pos;
    d->len = d->orig_len = len;
    d->prev = in->nd > 0 ? in->nd - 1 : NONE;
    d->c = c;
    d->can_open = (unsigned char)open;
    d->can_close = (unsigned char)close;
    in->nd++;
}

/* A run of *, _ or ~ at s[i]; returns its length. */
static size_t
delim_run(struct inl *in, size_t i)
{
    const char *s = in->s;
    char c = s[i];
    size_t k = 1;
    int before, after, left, right, open, close;

    while (i + k < in->n && s[i + k] == c)
        k++;
    before = class_before(s, i);
    after = tl_md_class_at(s, in->n, i + k);
    left = after != CL_SPACE
           && (after != CL_PUNCT || before != CL_OTHER);
    right = before != CL_SPACE
            && (before != CL_PUNCT || after != CL_OTHER);
    if (c == '_') {
        open = left && (!right || before == CL_PUNCT);
        close = right && (!left || after == CL_PUNCT);
    } else {
        open = left;
        close = right;
    }
    if (c == '~' && k != 2)
        open = close = 0;
    if (open || close)
        push_delim(in, c, in->o.len, k, open, close);
    tl_md_emit(in, s + i, k);
    return k;
}

/* ---- code spans ---- */

/* Where the run of exactly k backticks closing a span opened before
 * `from` starts, or NONE. */
static size_t
find_ticks(struct inl *in, size_t from, size_t k)
{
    const char *s = in->s;
    size_t j = from;

    if (in->ticks_scanned && in->ticks[k] < from + 1)
        return NONE;
    while (j < in->n) {
        const char *t = memchr(s + j, '`', in->n - j);
        size_t r = 1;

        if (t == NULL)
            break;
        j = (size_t)(t - s);
        while (j + r < in->n && s[j + r] == '`')
            r++;
        if (r <= MD_MAX_TICKS && in->ticks[r] < j + 1)
            in->ticks[r] = j + 1;
        if (r == k)
            return j;
        j += r;
    }
    in->ticks_scanned = 1;
    return NONE;
}

/* A code span or a literal backtick run at s[i]; returns the new i. */
static size_t
code_span(struct inl *in, size_t i)
{
    const char *s = in->s;
    size_t k = 1, close, a, b;

    while (i + k < in->n && s[i + k] == '`')
        k++;
    close = k <= MD_MAX_TICKS ? find_ticks(in, i + k, k) : NONE;
    if (close == NONE) {
        tl_md_emit(in, s + i, k);
        return i + k;
    }
    a = i + k;
    b = close;
    if (b - a >= 2 && (s[a] == ' ' || s[a] == '\n')
        && (s[b - 1] == ' ' || s[b - 1] == '\n')) {
        size_t c = a;

        while (c < b && (s[c] == ' ' || s[c] == '\n'))
            c++;
        if (c < b) {            /* not only spaces: strip one each side */
            a++;
            b--;
        }
    }
    while (a < b) {
        const char *nl = memchr(s + a, '\n', b - a);
        size_t run = (nl != NULL ? (size_t)(nl - s) : b) - a;

        tl_md_emit(in, s + a, run);
        a += run;
        if (a < b) {
            tl_md_emit(in, " ", 1);
            a++;
        }
    }
    return close + k;
}

/* ---- links ---- */

/* The "(destination "title")" after a "]" at s[j] == '('; sets *after
 * past the ")".  Returns 0 when it is not one. */
static int
link_tail(const char *s, size_t n, size_t j, size_t *after)
{
    size_t k = j + 1, dest_end;
    int depth = 0;

    while (k < n && is_ws(s[k]))
        k++;
    if (k < n && s[k] == '<') {
        for (k++; k < n && s[k] != '>'; k++) {
            if (s[k] == '\n' || s[k] == '<')
                return 0;
            if (s[k] == '\\' && k + 1 < n)
                k++;
        }
        if (k >= n)
            return 0;
        k++;
    } else {
        while (k < n) {
            char c = s[k];

            if (c == '\\' && k + 1 < n && is_ascii_punct(s[k + 1])) {
                k += 2;
            } else if (c == '(') {
                if (++depth > MAX_PARENS)
                    return 0;
                k++;
            } else if (c == ')') {
                if (depth == 0)
                    break;
                depth--;
                k++;
            } else if ((unsigned char)c <= ' ') {
                break;
            } else {
                k++;
            }
        }
        if (depth != 0)
            return 0;
    }
    dest_end = k;
    while (k < n && is_ws(s[k]))
        k++;
    if (k > dest_end && k < n && (s[k] == '"' || s[k] == '\'' || s[k] == '(')) {
        char q = s[k] == '(' ? ')' : s[k];

        for (k++; k < n && s[k] != q; k++) {
            if (q == ')' && s[k] == '(')
                return 0;
            if (s[k] == '\\' && k + 1 < n)
                k++;
        }
        if (k >= n)
            return 0;
        k++;
        while (k < n && is_ws(s[k]))
            k++;
    }
    if (k < n && s[k] == ')') {
        *after = k + 1;
        return 1;
    }
    return 0;
}

int
tl_md_ref_label(const char *s, size_t n, size_t j, size_t *after)
{
    size_t k;

    for (k = j + 1; k < n && s[k] != ']'; k++) {
        if (s[k] == '[' || k - j > MAX_LABEL)
            return 0;
        if (s[k] == '\\' && k + 1 < n)
            k++;
    }
    if (k >= n)
        return 0;
    *after = k + 1;
    return 1;
}

static void
push_bracket(struct inl *in, int image)
{
    struct bracket *b = grow_array(in, in->bs, in->nb, &in->cb, sizeof *b);

    if (b == NULL)
        return;
    in->bs = b;
    b = &in->bs[in->nb++];
    b->out_pos = in->o.len;
    b->delim_bottom = in->nd;
    b->image = image;
}

/* A "]" at s[i]: closes a link or an image, or is text.  Returns the new
 * i. */
static size_t
close_bracket(struct inl *in, size_t i)
{
    const char *s = in->s;
    struct bracket *b;
    size_t after = 0;

    if (in->nb == 0) {
        tl_md_emit(in, "]", 1);
        return i + 1;
    }
    b = &in->bs[in->nb - 1];
    if ((!b->image && in->nb - 1 < in->inactive_below)
        || !(i + 1 < in->n
             && ((s[i + 1] == '(' && link_tail(s, in->n, i + 1, &after))
                 || (s[i + 1] == '[' && tl_md_ref_label(s, in->n, i + 1, &after))))) {
        in->nb--;
        tl_md_emit(in, "]", 1);
        return i + 1;
    }
    if (b->image) {
        /* an image leaves nothing: cut it off the scratch */
        in->o.len = b->out_pos;
        if (in->o.data != NULL)
            in->o.data[in->o.len] = '\0';
        in->nd = b->delim_bottom;
        in->nb--;
        if (in->o.len == 0 || in->o.data[in->o.len - 1] == ' '
            || in->o.data[in->o.len - 1] == '\n')
            while (after < in->n && is_blank(s[after]))
                after++;
        return after;
    }
    process_emphasis(in, b->delim_bottom);
    in->nd = b->delim_bottom;
    mark_deleted(in, b->out_pos, 1);
    in->nb--;
    in->inactive_below = in->nb;        /* no links inside links */
    return after;
}

/* A footnote reference "[^note]" at s[i]: its length, or 0. */
static size_t
footnote_ref(const char *s, size_t n, size_t i)
{
    size_t k = i + 2;

    if (k >= n || s[i + 1] != '^')
        return 0;
    while (k < n && k - i < 64 && !is_blank(s[k]) && s[k] != '\n'
           && s[k] != '[' && s[k] != ']')
        k++;
    if (k >= n || s[k] != ']' || k == i + 2)
        return 0;
    if (k + 1 < n && (s[k + 1] == '(' || s[k + 1] == ':'))
        return 0;
    return k + 1 - i;
}

/* ---- the inline pass ---- */

/* The characters the pass stops at (a table: text is mostly none of
 * them, and ten comparisons a byte were a third of the pass) */
static const unsigned char special[256] = {
    ['\\'] = 1, ['`'] = 1, ['*'] = 1, ['_'] = 1, ['~'] = 1,
    ['!'] = 1, ['['] = 1, [']'] = 1, ['<'] = 1, ['&'] = 1,
};

static int
is_special(char c)
{
    return special[(unsigned char)c];
}

/* Copies s[0..n) to the scratch with its inline markup resolved. */
void
tl_md_inline_pass(struct inl *in, const char *s, size_t n)
{
    size_t i = 0, k;

    in->s = s;
    in->n = n;
    tl_buf_reset(&in->o);
    in->nd = in->nb = in->inactive_below = 0;
    memset(in->ticks, 0, sizeof in->ticks);
    in->ticks_scanned = in->no_comment_end = in->no_gt = 0;
    while (i < n && in->st == TL_OK) {
        switch (s[i]) {
        case '\\':
            if (i + 1 < n && (is_ascii_punct(s[i + 1]) || s[i + 1] == '\n')) {
                tl_md_emit(in, s + i + 1, 1);
                i += 2;
            } else {
                tl_md_emit(in, "\\", 1);
                i++;
            }
            break;
        case '`':
            i = code_span(in, i);
            break;
        case '*': case '_': case '~':
            i += delim_run(in, i);
            break;
        case '!':
            if (i + 1 < n && s[i + 1] == '[') {
                push_bracket(in, 1);
                tl_md_emit(in, "![", 2);
                i += 2;
            } else {
                tl_md_emit(in, "!", 1);
                i++;
            }
            break;
        case '[':
            if ((k = footnote_ref(s, n, i)) != 0) {
                i += k;
                break;
            }
            push_bracket(in, 0);
            tl_md_emit(in, "[", 1);
            i++;
            break;
        case ']':
            i = close_bracket(in, i);
            break;
        case '<':
            i = tl_md_angle(in, i);
            break;
        case '&':
            i = tl_md_entity(in, i);
            break;
        default:
            for (k = i + 1; k < n && !is_special(s[k]); k++)
                ;
            tl_md_emit(in, s + i, k - i);
            i = k;
        }
    }
    if (in->st == TL_OK)
        process_emphasis(in, 0);
}

void
tl_md_inline_init(struct inl *in)
{
    memset(in, 0, sizeof *in);
    tl_buf_init(&in->o, 0);
}

void
tl_md_inline_release(struct inl *in)
{
    if (in == NULL)
        return;
    tl_buf_release(&in->o);
    free(in->del);
    free(in->ds);
    free(in->bs);
    memset(in, 0, sizeof *in);
}
