/*
 * markdown_private.h - what the Markdown reader's files share: the line
 * and character helpers (static inline), and the inline pass's state and
 * entry points.
 *
 * Included only by front_matter.c, markdown.c, markdown_inline.c and
 * markdown_html.c; nothing here is public API.  The tl_md_* functions
 * are external only so that these files can call one another.
 */
#ifndef TALAASH_MARKDOWN_PRIVATE_H
#define TALAASH_MARKDOWN_PRIVATE_H

#include <string.h>

#include "talaash.h"

/* ---- lines and characters -------------------------------------------- */

struct line {
    const char *p;
    const char *e;      /* before the line's "\n" or "\r\n" */
};

/* The line at *pos in text[0..len); advances *pos past its end.  Returns
 * 0 when there is no line left. */
static inline int
next_line(const char *text, size_t len, size_t *pos, struct line *l)
{
    const char *p = text + *pos, *end = text + len, *nl;

    if (*pos >= len)
        return 0;
    nl = memchr(p, '\n', (size_t)(end - p));
    l->p = p;
    l->e = nl != NULL ? nl : end;
    *pos = nl != NULL ? (size_t)(nl + 1 - text) : len;
    if (l->e > l->p && l->e[-1] == '\r')
        l->e--;
    return 1;
}

static inline int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* ASCII white space, line ends included */
static inline int
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

static inline const char *
skip_blanks(const char *p, const char *e)
{
    while (p < e && is_blank(*p))
        p++;
    return p;
}

static inline const char *
rtrim(const char *p, const char *e)
{
    while (e > p && is_blank(e[-1]))
        e--;
    return e;
}

static inline int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline int
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
is_ascii_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@')
           || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/* Writes code point cp (U+FFFD when it is not a scalar value) as UTF-8
 * into buf[4]; returns the length. */
static inline size_t
utf8_encode(uint32_t cp, char *buf)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- the inline pass (markdown_inline.c) ------------------------------ */

/* A longer backtick run is text, never a code span's delimiter. */
#define MD_MAX_TICKS 32

struct delim;           /* markdown_inline.c's stacks */
struct bracket;

/* The inline pass's state, reused from one unit of text to the next;
 * between tl_md_inline_init() and tl_md_inline_release() it owns o, del,
 * ds and bs. */
struct inl {
    const char *s;              /* the text being read, s[0..n): borrowed */
    size_t n;
    struct tl_buf o;            /* scratch: text with all delimiters */
    unsigned char *del;         /* del[i]: o.data[i] is deleted */
    size_t del_cap;
    struct delim *ds;
    size_t nd, cd;
    struct bracket *bs;
    size_t nb, cb;
    size_t inactive_below;      /* brackets below this index are no links */
    size_t ticks[MD_MAX_TICKS + 1]; /* last run of each length + 1, or 0 */
    int ticks_scanned;          /* ticks[] covers the whole text */
    int no_comment_end, no_gt;  /* memos of failed scans */
    enum tl_status st;          /* sticky TL_ERR_NOMEM */
};

void tl_md_inline_init(struct inl *in);
/* Frees what in owns; in may be NULL. */
void tl_md_inline_release(struct inl *in);

/* Copies s[0..n) (borrowed until the next call) to the scratch in->o
 * with its inline markup resolved: in->del[i] is set for each of its
 * in->o.len characters that is to be dropped.  Sets in->st to
 * TL_ERR_NOMEM when memory runs out, and stops once it is set. */
void tl_md_inline_pass(struct inl *in, const char *s, size_t n);

/* Appends p[0..n) to the scratch, not marked deleted. */
void tl_md_emit(struct inl *in, const char *p, size_t n);

/* A reference label "[ref]" (or "[]") at s[j] == '[': 1 and *after past
 * its "]", or 0. */
int tl_md_ref_label(const char *s, size_t n, size_t j, size_t *after);

/* Character classes for the flanking rules. */
enum { CL_OTHER, CL_SPACE, CL_PUNCT };

/* The class of the character at s[i] (past the end is white space). */
int tl_md_class_at(const char *s, size_t n, size_t i);

/* ---- HTML and character references (markdown_html.c) ------------------ */

/* Something starting with '<' at in->s[i] (an autolink, an HTML tag,
 * comment or declaration, or a plain "<"); returns the new i. */
size_t tl_md_angle(struct inl *in, size_t i);

/* A character reference at in->s[i] == '&'; returns the new i. */
size_t tl_md_entity(struct inl *in, size_t i);

#endif /* TALAASH_MARKDOWN_PRIVATE_H */
