/*
 * markdown_html.c - what starts with '<' or '&' in Markdown text:
 * autolinks, raw HTML (tags, comments, declarations) and character
 * references, for the inline pass in markdown_inline.c.
 *
 * Tags and comments are dropped with their content kept, or given a
 * space or line break where words would otherwise join; character
 * references are decoded.  Each scan is bounded or memoised (in->no_gt,
 * in->no_comment_end), so a text full of unclosed '<' stays linear.
 */
#include <string.h>
#include <strings.h>

#include "markdown_private.h"

/* ---- HTML ---- */

/* Tags after which words must not join: they get a space. */
static int
is_block_tag(const char *p, size_t n)
{
    static const char *const tags[] = {
        "address", "article", "aside", "blockquote", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul",
    };

    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (strlen(tags[i]) == n && strncasecmp(p, tags[i], n) == 0)
            return 1;
    return 0;
}

static size_t
skip_space(const char *s, size_t n, size_t k)
{
    while (k < n && is_ws(s[k]))
        k++;
    return k;
}

/* An HTML open or close tag at s[i] == '<': its end (past ">") and its
 * name's bounds, or 0. */
static size_t
html_tag(const char *s, size_t n, size_t i, size_t *name, size_t *name_len)
{
    size_t k = i + 1;
    int closing = k < n && s[k] == '/';

    k += (size_t)closing;
    if (k >= n || !is_alpha(s[k]))
        return 0;
    *name = k;
    while (k < n && (is_alpha(s[k]) || is_digit(s[k]) || s[k] == '-'))
        k++;
    *name_len = k - *name;
    for (;;) {
        size_t sp = skip_space(s, n, k);

        if (sp < n && s[sp] == '>')
            return sp + 1;
        if (!closing && sp + 1 < n && s[sp] == '/' && s[sp + 1] == '>')
            return sp + 2;
        if (closing || sp == k || sp >= n
            || !(is_alpha(s[sp]) || s[sp] == '_' || s[sp] == ':'))
            return 0;
        /* an attribute: name, then maybe = value */
        k = sp;
        while (k < n && (is_alpha(s[k]) || is_digit(s[k])
                         || memchr("_.:-", s[k], 4)))
            k++;
        sp = skip_space(s, n, k);
        if (sp < n && s[sp] == '=') {
            k = skip_space(s, n, sp + 1);
            if (k < n && (s[k] == '"' || s[k] == '\'')) {
                const char *q = memchr(s + k + 1, s[k], n - k - 1);

                if (q == NULL)
                    return 0;
                k = (size_t)(q - s) + 1;
            } else {
                size_t v = k;

                while (k < n && (unsigned char)s[k] > ' '
                       && !memchr("\"'=<>`", s[k], 6))
                    k++;
                if (k == v)
                    return 0;
            }
        }
    }
}

/* An autolink <scheme:...> or <user@host> at s[i]: its end, or 0. */
static size_t
autolink(const char *s, size_t n, size_t i)
{
    size_t k = i + 1, start = k;
    int at = 0;

    if (k < n && is_alpha(s[k])) {
        while (k < n && k - start <= 32
               && (is_alpha(s[k]) || is_digit(s[k]) || s[k] == '+'
                   || s[k] == '.' || s[k] == '-'))
            k++;
        if (k < n && s[k] == ':' && k - start >= 2) {
            for (k++; k < n && s[k] != '>'; k++)
                if ((unsigned char)s[k] <= ' ' || s[k] == '<')
                    return 0;
            return k < n ? k + 1 : 0;
        }
    }
    for (k = start; k < n && s[k] != '>'; k++) {
        if (s[k] == '@' && !at && k > start)
            at = 1;
        else if (!(is_alpha(s[k]) || is_digit(s[k])
                   || memchr(".!#$%&'*+/=?^_`{|}~-", s[k], 20)))
            return 0;
    }
    return at && k < n && s[k - 1] != '@' ? k + 1 : 0;
}

/* The first "-->" in [p, e), or NULL. */
static const char *
find_comment_end(const char *p, const char *e)
{
    while (e - p >= 3) {
        const char *d = memchr(p, '-', (size_t)(e - p - 2));

        if (d == NULL)
            return NULL;
        if (d[1] == '-' && d[2] == '>')
            return d;
        p = d + 1;
    }
    return NULL;
}

size_t
tl_md_angle(struct inl *in, size_t i)
{
    const char *s = in->s;
    size_t n = in->n, end, name = 0, name_len = 0;

    if ((end = autolink(s, n, i)) != 0) {
        tl_md_emit(in, s + i + 1, end - i - 2);
        return end;
    }
    if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
        const char *c = NULL;

        if (!in->no_comment_end) {
            /* "<!-->" and "<!--->" are whole (empty) comments */
            if (n - i >= 5 && s[i + 4] == '>')
                return i + 5;
            if (n - i >= 6 && memcmp(s + i + 4, "->", 2) == 0)
                return i + 6;
            c = find_comment_end(s + i + 4, s + n);
            in->no_comment_end = c == NULL;
        }
        if (c != NULL) {
            end = (size_t)(c - s) + 3;
            /* "a <!-- x --> b": one space left, not two */
            if (in->o.len == 0 || is_ws(in->o.data[in->o.len - 1]))
                while (end < n && is_blank(s[end]))
                    end++;
            return end;
        }
    } else if (i + 2 < n && s[i + 1] == '!' && is_alpha(s[i + 2])) {
        /* a declaration such as <!DOCTYPE html> */
        const char *c = NULL;

        if (!in->no_gt) {
            c = memchr(s + i + 2, '>', n - i - 2);
            in->no_gt = c == NULL;
        }
        if (c != NULL)
            return (size_t)(c - s) + 1;
    } else if ((end = html_tag(s, n, i, &name, &name_len)) != 0) {
        int br = name_len == 2 && strncasecmp(s + name, "br", 2) == 0;

        if (br)
            tl_md_emit(in, "\n", 1);
        else if (is_block_tag(s + name, name_len) && in->o.len > 0
                 && !is_ws(in->o.data[in->o.len - 1])
                 && tl_md_class_at(s, n, end) != CL_SPACE)
            tl_md_emit(in, " ", 1);
        else if (in->o.len == 0 || is_ws(in->o.data[in->o.len - 1]))
            while (end < n && is_blank(s[end]))
                end++;          /* "x <img src=a> y": one space */
        return end;
    }
    tl_md_emit(in, "<", 1);
    return i + 1;
}

/* ---- character references ---- */

static const struct {
    const char *name;
    const char *utf8;
} entities[] = {
    { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
    { "apos", "'" }, { "nbsp", "\xc2\xa0" }, { "shy", "\xc2\xad" },
    { "ensp", "\xe2\x80\x82" }, { "emsp", "\xe2\x80\x83" },
    { "thinsp", "\xe2\x80\x89" }, { "ndash", "\xe2\x80\x93" },
    { "mdash", "\xe2\x80\x94" }, { "lsquo", "\xe2\x80\x98" },
    { "rsquo", "\xe2\x80\x99" }, { "sbquo", "\xe2\x80\x9a" },
    { "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
    { "bdquo", "\xe2\x80\x9e" }, { "laquo", "\xc2\xab" },
    { "raquo", "\xc2\xbb" }, { "hellip", "\xe2\x80\xa6" },
    { "bull", "\xe2\x80\xa2" }, { "middot", "\xc2\xb7" },
    { "copy", "\xc2\xa9" }, { "reg", "\xc2\xae" },
    { "trade", "\xe2\x84\xa2" }, { "deg", "\xc2\xb0" },
    { "euro", "\xe2\x82\xac" }, { "pound", "\xc2\xa3" },
    { "yen", "\xc2\xa5" }, { "cent", "\xc2\xa2" }, { "sect", "\xc2\xa7" },
    { "para", "\xc2\xb6" }, { "times", "\xc3\x97" },
    { "divide", "\xc3\xb7" }, { "eacute", "\xc3\xa9" },
    { "egrave", "\xc3\xa8" }, { "aacute", "\xc3\xa1" },
    { "agrave", "\xc3\xa0" }, { "ccedil", "\xc3\xa7" },
    { "ouml", "\xc3\xb6" }, { "uuml", "\xc3\xbc" }, { "auml", "\xc3\xa4" },
    { "ntilde", "\xc3\xb1" },
};

static void
emit_cp(struct inl *in, uint32_t cp)
{
    char buf[4];

    tl_md_emit(in, buf, utf8_encode(cp, buf));
}

size_t
tl_md_entity(struct inl *in, size_t i)
{
    const char *s = in->s;
    size_t n = in->n, k = i + 1;

    if (k < n && s[k] == '#') {
        int hex = k + 1 < n && (s[k + 1] == 'x' || s[k + 1] == 'X');
        size_t start = k + 1 + (size_t)hex, max = hex ? 6 : 7;
        uint32_t cp = 0;

        for (k = start; k < n && k - start < max; k++) {
            int v = hex ? tl_hex_value((unsigned char)s[k])
                        : is_digit(s[k]) ? s[k] - '0' : -1;

            if (v < 0)
                break;
            cp = cp * (hex ? 16 : 10) + (uint32_t)v;
        }
        if (k > start && k < n && s[k] == ';') {
            emit_cp(in, cp);
            return k + 1;
        }
    } else {
        while (k < n && k - i <= 32 && (is_alpha(s[k]) || is_digit(s[k])))
            k++;
        if (k < n && s[k] == ';' && k > i + 1)
            for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++)
                if (strlen(entities[e].name) == k - i - 1
                    && memcmp(entities[e].name, s + i + 1, k - i - 1) == 0) {
                    tl_md_emit(in, entities[e].utf8, strlen(entities[e].utf8));
                    return k + 1;
                }
    }
    tl_md_emit(in, "&", 1);
    return i + 1;
}
