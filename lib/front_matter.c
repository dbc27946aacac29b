/*
 * front_matter.c - the YAML-style front matter at the top of Markdown
 * articles (tl_front_matter_*).
 *
 * A small line-based reader of the YAML subset that front matter is
 * written in, rather than libyaml: one malformed line (an unquoted
 * "title: Kabul: the return") makes a YAML parser reject the whole block
 * and lose every field, where this reader loses at most that line; and it
 * runs in one bounded pass.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "front_matter.h"
#include "markdown_private.h"

/* A topic list longer than this is cut (it bounds the check for repeats). */
#define FM_MAX_TOPICS 100

enum fm_key { KEY_NONE, KEY_TITLE, KEY_AUTHOR, KEY_DATE, KEY_TOPICS };

struct fm_parser {
    struct tl_front_matter *fm;
    struct tl_buf val;      /* a value gathered across lines */
    struct tl_buf item;     /* one decoded scalar */
    struct tl_buf acc;      /* a scalar field's items, joined by ", " */
    int own;                /* this key line may set its field */
    enum tl_status st;      /* sticky: TL_ERR_NOMEM once memory ran out */
};

void
tl_front_matter_init(struct tl_front_matter *fm)
{
    memset(fm, 0, sizeof *fm);
}

void
tl_front_matter_release(struct tl_front_matter *fm)
{
    if (fm == NULL)
        return;
    free(fm->title);
    free(fm->author);
    free(fm->date);
    for (size_t i = 0; i < fm->n_topics; i++)
        free(fm->topics[i]);
    free(fm->topics);
    tl_front_matter_init(fm);
}

static void
fm_append(struct fm_parser *ps, struct tl_buf *b, const char *p, size_t n)
{
    if (ps->st == TL_OK && tl_buf_append(b, p, n) != TL_OK)
        ps->st = TL_ERR_NOMEM;
}

static char *
dup_range(const char *p, size_t n)
{
    char *s = malloc(n + 1);

    if (s != NULL) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* Is l exactly mark ("---" or "..."), trailing blanks allowed? */
static int
is_fm_fence(struct line l, const char *mark)
{
    return rtrim(l.p, l.e) - l.p == 3 && memcmp(l.p, mark, 3) == 0;
}

static int
is_blank_line(struct line l)
{
    return skip_blanks(l.p, l.e) == l.e;
}

/* The text of a "- item" line (at any indentation), or 0. */
static int
fm_list_item(struct line l, const char **ip)
{
    const char *p = skip_blanks(l.p, l.e);

    if (p < l.e && *p == '-' && (p + 1 == l.e || is_blank(p[1]))) {
        *ip = p + 1;
        return 1;
    }
    return 0;
}

/* For a "key: value" line, the key's bounds (quotes removed) and where
 * the value starts; 0 for any other line. */
static int
fm_key_line(struct line l, const char **ks, const char **ke,
            const char **vs)
{
    const char *p = l.p, *e = l.e;

    if (p == e || is_blank(*p) || memchr("#:[]{},&*!|>%@`?", *p, 16))
        return 0;
    if (*p == '-' && (p + 1 == e || is_blank(p[1])))
        return 0;
    if (*p == '"' || *p == '\'') {
        const char *q = memchr(p + 1, *p, (size_t)(e - p - 1));

        if (q == NULL)
            return 0;
        *ks = p + 1;
        *ke = q;
        p = skip_blanks(q + 1, e);
        if (p < e && *p == ':' && (p + 1 == e || is_blank(p[1]))) {
            *vs = p + 1;
            return 1;
        }
        return 0;
    }
    for (const char *c = p; c < e; c++) {
        if (*c == '#' && c > p && is_blank(c[-1]))
            return 0;           /* a comment before any colon */
        if (*c == ':' && (c + 1 == e || is_blank(c[1]))) {
            *ks = p;
            *ke = rtrim(p, c);
            *vs = c + 1;
            return 1;
        }
    }
    return 0;
}

/* May this line stand inside a front matter block? */
static int
fm_yaml_like(struct line l)
{
    const char *ks, *ke, *vs, *ip;

    if (l.p == l.e || is_blank(*l.p) || *l.p == '#')
        return 1;
    return fm_list_item(l, &ip) || fm_key_line(l, &ks, &ke, &vs);
}

static enum fm_key
fm_key_of(const char *p, const char *e)
{
    static const struct {
        const char *name;
        enum fm_key key;
    } keys[] = {
        { "title", KEY_TITLE }, { "author", KEY_AUTHOR },
        { "date", KEY_DATE }, { "topics", KEY_TOPICS },
        { "tags", KEY_TOPICS },
    };
    size_t n = (size_t)(e - p);

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].name) == n && strncasecmp(p, keys[i].name, n) == 0)
            return keys[i].key;
    return KEY_NONE;
}

/* The escape after a backslash in a double-quoted scalar, at q[0..e):
 * appends its meaning to b and returns how many bytes it took. */
static size_t
fm_escape(struct fm_parser *ps, struct tl_buf *b, const char *q,
          const char *e)
{
    int digits = 0;
    uint32_t cp = 0;
    char enc[4];

    switch (*q) {
    case '"': case '\\': case '/': case '\'':
        fm_append(ps, b, q, 1);
        return 1;
    case ' ': case '\t': case 'n': case 't': case 'r': case '0': case 'a':
    case 'b': case 'e': case 'f': case 'v': case 'N': case 'L': case 'P':
        fm_append(ps, b, " ", 1);       /* fields are one line */
        return 1;
    case '_':
        fm_append(ps, b, "\xc2\xa0", 2);
        return 1;
    case 'x':
        digits = 2;
        break;
    case 'u':
        digits = 4;
        break;
    case 'U':
        digits = 8;
        break;
    default:
        break;
    }
    if (digits == 0 || e - q <= digits) {
        fm_append(ps, b, q - 1, 2);     /* unknown: kept as written */
        return 1;
    }
    for (int i = 1; i <= digits; i++) {
        int v = tl_hex_value((unsigned char)q[i]);

        if (v < 0) {
            fm_append(ps, b, q - 1, 2);
            return 1;
        }
        cp = cp * 16 + (uint32_t)v;
    }
    fm_append(ps, b, enc, utf8_encode(cp, enc));
    return 1 + (size_t)digits;
}

/* Appends the scalar written in [p, e) to b: unquoted and unescaped, or
 * for a plain scalar with its comment cut; "~" and "null" give "". */
static void
fm_scalar(struct fm_parser *ps, const char *p, const char *e,
          struct tl_buf *b)
{
    p = skip_blanks(p, e);
    e = rtrim(p, e);
    if (e - p >= 2 && *p == '"') {
        const char *q = p + 1, *run = q;

        while (q < e && *q != '"')
            q += *q == '\\' && q + 1 < e ? 2 : 1;
        if (q < e) {
            for (q = run; *q != '"'; ) {
                if (*q == '\\') {
                    fm_append(ps, b, run, (size_t)(q - run));
                    q += 1 + fm_escape(ps, b, q + 1, e);
                    run = q;
                } else {
                    q++;
                }
            }
            fm_append(ps, b, run, (size_t)(q - run));
            return;
        }
    } else if (e - p >= 2 && *p == '\'') {
        const char *q = p + 1;

        while (q < e && (*q != '\'' || (q + 1 < e && q[1] == '\'')))
            q += *q == '\'' ? 2 : 1;
        if (q < e) {
            for (const char *r = p + 1; r < q; r++) {
                fm_append(ps, b, r, 1);
                if (*r == '\'')
                    r++;        /* '' is one quote */
            }
            return;
        }
    }
    /* plain (or a quote never closed): " #" starts a comment */
    for (const char *c = p; c < e; c++)
        if (*c == '#' && (c == p || is_blank(c[-1]))) {
            e = rtrim(p, c);
            break;
        }
    if ((e - p == 1 && *p == '~')
        || (e - p == 4 && (memcmp(p, "null", 4) == 0
                           || memcmp(p, "Null", 4) == 0
                           || memcmp(p, "NULL", 4) == 0)))
        return;
    fm_append(ps, b, p, (size_t)(e - p));
}

static void
fm_add_topic(struct fm_parser *ps, const char *p, size_t n)
{
    struct tl_front_matter *fm = ps->fm;
    char **topics;

    if (ps->st != TL_OK || n == 0 || fm->n_topics == FM_MAX_TOPICS)
        return;
    for (size_t i = 0; i < fm->n_topics; i++)
        if (strlen(fm->topics[i]) == n && memcmp(fm->topics[i], p, n) == 0)
            return;
    topics = realloc(fm->topics, (fm->n_topics + 1) * sizeof *topics);
    if (topics == NULL) {
        ps->st = TL_ERR_NOMEM;
        return;
    }
    fm->topics = topics;
    topics[fm->n_topics] = dup_range(p, n);
    if (topics[fm->n_topics] == NULL)
        ps->st = TL_ERR_NOMEM;
    else
        fm->n_topics++;
}

/* One value (of a list, or the whole scalar) in ps->item: white space
 * made single spaces, trimmed; a topic scalar is split at commas. */
static void
fm_take(struct fm_parser *ps, enum fm_key k, int is_list)
{
    char *s = ps->item.data;
    size_t n = ps->item.len, i, j = 0;

    if (n == 0)
        return;
    for (i = 0; i < n; i++) {
        char c = s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i];

        if (c == ' ' && (j == 0 || s[j - 1] == ' '))
            continue;
        s[j++] = c;
    }
    while (j > 0 && s[j - 1] == ' ')
        j--;
    if (j == 0)
        return;
    if (k == KEY_TOPICS) {
        const char *p = s, *e = s + j;

        while (p < e && !is_list) {
            const char *c = memchr(p, ',', (size_t)(e - p));
            const char *ie = c != NULL ? c : e;
            const char *ip = skip_blanks(p, ie);

            fm_add_topic(ps, ip, (size_t)(rtrim(ip, ie) - ip));
            p = c != NULL ? c + 1 : e;
        }
        if (is_list)
            fm_add_topic(ps, s, j);
        return;
    }
    if (!ps->own)
        return;
    if (ps->acc.len > 0)
        fm_append(ps, &ps->acc, ", ", 2);
    fm_append(ps, &ps->acc, s, j);
}

/* Decodes the scalar [p, e) and takes it. */
static void
fm_value(struct fm_parser *ps, enum fm_key k, const char *p, const char *e,
         int is_list)
{
    tl_buf_reset(&ps->item);
    fm_append(ps, &ps->item, "", 0);
    fm_scalar(ps, p, e, &ps->item);
    if (ps->st == TL_OK)
        fm_take(ps, k, is_list);
}

/* A flow list "[a, 'b, c', d]" at [p, e); a missing "]" ends at e. */
static void
fm_flow_list(struct fm_parser *ps, enum fm_key k, const char *p,
             const char *e)
{
    const char *item = ++p;
    char quote = 0;
    int at_start = 1;

    for (; p < e; p++) {
        if (quote != 0) {
            if (*p == '\\' && quote == '"' && p + 1 < e)
                p++;
            else if (*p == quote)
                quote = 0;
            continue;
        }
        if (at_start && (*p == '"' || *p == '\'')) {
            quote = *p;
        } else if (*p == ',' || *p == ']') {
            fm_value(ps, k, item, p, 1);
            item = p + 1;
            at_start = 1;
            if (*p == ']')
                return;
            continue;
        }
        if (!is_blank(*p))
            at_start = 0;
    }
    fm_value(ps, k, item, e, 1);
}

/* A key line (value at [vp, ve)) and the lines that follow it (indented,
 * list items, blank or comments): lines[0..n). */
static void
fm_key_value(struct fm_parser *ps, enum fm_key k, const char *vp,
             const char *ve, const struct line *lines, size_t n)
{
    const char *ip;
    size_t i;

    vp = skip_blanks(vp, ve);
    ve = rtrim(vp, ve);
    if (vp < ve && *vp == '#')
        ve = vp;                        /* "key: # comment" */
    tl_buf_reset(&ps->val);
    fm_append(ps, &ps->val, "", 0);
    if (vp < ve && (*vp == '|' || *vp == '>')) {
        /* a block scalar: its indented lines, joined by spaces */
        for (i = 0; i < n; i++) {
            const char *p = skip_blanks(lines[i].p, lines[i].e);

            if (p == lines[i].e)
                continue;
            if (ps->val.len > 0)
                fm_append(ps, &ps->val, " ", 1);
            fm_append(ps, &ps->val, p, (size_t)(rtrim(p, lines[i].e) - p));
        }
        tl_buf_reset(&ps->item);
        fm_append(ps, &ps->item, ps->val.data, ps->val.len);
        if (ps->st == TL_OK)
            fm_take(ps, k, 0);
        return;
    }
    if (vp == ve) {
        /* a block list, or a plain scalar on the next lines */
        int list = 0;

        for (i = 0; i < n && !list; i++)
            list = fm_list_item(lines[i], &ip);
        for (i = 0; i < n; i++) {
            const char *p = skip_blanks(lines[i].p, lines[i].e);
            const char *ks, *ke, *vs;
            struct line inner = { p, lines[i].e };

            if (list) {
                if (fm_list_item(lines[i], &ip))
                    fm_value(ps, k, ip, lines[i].e, 1);
                continue;
            }
            if (p == lines[i].e || *p == '#')
                continue;
            if (ps->val.len == 0 && fm_key_line(inner, &ks, &ke, &vs))
                return;                 /* a nested mapping: skipped */
            if (ps->val.len > 0)
                fm_append(ps, &ps->val, " ", 1);
            fm_append(ps, &ps->val, p, (size_t)(lines[i].e - p));
        }
        if (!list)
            fm_value(ps, k, ps->val.data, ps->val.data + ps->val.len, 0);
        return;
    }
    /* a value on the key's line, maybe continued on indented lines */
    fm_append(ps, &ps->val, vp, (size_t)(ve - vp));
    for (i = 0; i < n; i++) {
        const char *p = skip_blanks(lines[i].p, lines[i].e);

        if (p == lines[i].e || !is_blank(*lines[i].p)
            || fm_list_item(lines[i], &ip))
            continue;
        fm_append(ps, &ps->val, " ", 1);
        fm_append(ps, &ps->val, p, (size_t)(rtrim(p, lines[i].e) - p));
    }
    if (ps->st != TL_OK)
        return;
    if (ps->val.data[0] == '[')
        fm_flow_list(ps, k, ps->val.data, ps->val.data + ps->val.len);
    else
        fm_value(ps, k, ps->val.data, ps->val.data + ps->val.len, 0);
}

/* Reads the keys of the block's inner lines[0..n). */
static void
fm_read(struct fm_parser *ps, const struct line *lines, size_t n)
{
    struct tl_front_matter *fm = ps->fm;
    size_t i = 0, j;

    while (i < n && ps->st == TL_OK) {
        const char *ks, *ke, *vs;
        enum fm_key k;
        char **field = NULL;

        if (!fm_key_line(lines[i], &ks, &ke, &vs)) {
            i++;
            continue;
        }
        /* the lines belonging to this key */
        for (j = i + 1; j < n; j++) {
            const char *ip;

            if (!(lines[j].p == lines[j].e || is_blank(*lines[j].p)
                  || *lines[j].p == '#' || fm_list_item(lines[j], &ip)))
                break;
        }
        k = fm_key_of(ks, ke);
        if (k == KEY_TITLE)
            field = &fm->title;
        else if (k == KEY_AUTHOR)
            field = &fm->author;
        else if (k == KEY_DATE)
            field = &fm->date;
        if (k != KEY_NONE) {
            ps->own = field == NULL || *field == NULL;
            tl_buf_reset(&ps->acc);
            fm_key_value(ps, k, vs, lines[i].e, lines + i + 1, j - i - 1);
            if (field != NULL && ps->own && ps->acc.len > 0
                && ps->st == TL_OK) {
                *field = dup_range(ps->acc.data, ps->acc.len);
                if (*field == NULL)
                    ps->st = TL_ERR_NOMEM;
            }
        }
        i = j;
    }
}

enum tl_status
tl_front_matter_parse(const char *text, size_t len,
                      struct tl_front_matter *fm, struct tl_error *err)
{
    struct line lines[TL_FRONT_MATTER_MAX_LINES];
    struct fm_parser ps = { .fm = fm, .st = TL_OK };
    size_t pos = 0, n = 0, lineno = 1;
    struct line l;
    enum tl_status st = TL_OK;

    tl_front_matter_release(fm);
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    if (!next_line(text, len, &pos, &l) || !is_fm_fence(l, "---"))
        return TL_OK;
    for (;;) {
        if (lineno == TL_FRONT_MATTER_MAX_LINES
            || !next_line(text, len, &pos, &l))
            return tl_error_set(err, TL_ERR_INPUT,
                                "front matter opened on line 1 is not "
                                "closed (no '---' or '...' by line %zu)",
                                lineno);
        lineno++;
        if (is_fm_fence(l, "---") || is_fm_fence(l, "..."))
            break;
        if ((n == 0 && is_blank_line(l)) || !fm_yaml_like(l))
            return TL_OK;       /* a horizontal rule, not front matter */
        lines[n++] = l;
    }
    tl_buf_init(&ps.val, 0);
    tl_buf_init(&ps.item, 0);
    tl_buf_init(&ps.acc, 0);
    fm_read(&ps, lines, n);
    if (ps.st != TL_OK) {
        tl_front_matter_release(fm);
        st = tl_error_set(err, ps.st, "out of memory reading front matter");
        goto out;
    }
    fm->end = pos;
out:
    tl_buf_release(&ps.val);
    tl_buf_release(&ps.item);
    tl_buf_release(&ps.acc);
    return st;
}
