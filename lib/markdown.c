/*
 * markdown.c - plain text from Markdown blocks (tl_markdown_strip): the
 * block structure (headings, quotes, lists, rules, fences, reference
 * definitions) line by line.
 *
 * Paragraph lines are gathered and handed to the inline pass
 * (markdown_inline.c), which copies them to a scratch buffer with the
 * markup's characters marked deleted; the survivors are copied out here,
 * line by line.  Front matter is read by front_matter.c.
 */
#include <string.h>

#include "markdown.h"
#include "markdown_private.h"

struct strip {
    struct tl_buf *out;
    int wrote;              /* a line was appended to out */
    struct tl_buf para;     /* pending paragraph lines, joined by "\n" */
    struct inl in;
};

static void
put_line(struct strip *st, const char *p, size_t n)
{
    if (st->in.st != TL_OK)
        return;
    if ((st->wrote && tl_buf_append(st->out, "\n", 1) != TL_OK)
        || tl_buf_append(st->out, p, n) != TL_OK)
        st->in.st = TL_ERR_NOMEM;
    st->wrote = 1;
}

/* Copies the scratch's surviving characters to out, line by line,
 * trimmed, without empty lines. */
static void
compact(struct strip *st)
{
    const char *o = st->in.o.data;
    const unsigned char *del = st->in.del;
    size_t n = st->in.o.len, a = 0;

    while (a < n && st->in.st == TL_OK) {
        const char *nl = memchr(o + a, '\n', n - a);
        size_t b = nl != NULL ? (size_t)(nl - o) : n, s = a, e = b;

        while (s < b && (del[s] || is_blank(o[s])))
            s++;
        while (e > s && (del[e - 1] || is_blank(o[e - 1])))
            e--;
        if (s < e) {
            put_line(st, "", 0);
            while (s < e && st->in.st == TL_OK) {
                size_t r = s;

                while (r < e && !del[r])
                    r++;
                if (tl_buf_append(st->out, o + s, r - s) != TL_OK)
                    st->in.st = TL_ERR_NOMEM;
                while (r < e && del[r])
                    r++;
                s = r;
            }
        }
        a = b + 1;
    }
}

static void
inline_unit(struct strip *st, const char *p, size_t n)
{
    if (n == 0)
        return;
    tl_md_inline_pass(&st->in, p, n);
    compact(st);
}

static void
flush_para(struct strip *st)
{
    if (st->para.len > 0)
        inline_unit(st, st->para.data, st->para.len);
    tl_buf_reset(&st->para);
}

/* Is [p, e) (trimmed) at least min characters c, with blanks between
 * them only if spaced? */
static int
is_rule_of(const char *p, const char *e, char c, size_t min, int spaced)
{
    size_t count = 0;

    for (; p < e; p++) {
        if (*p == c)
            count++;
        else if (!spaced || !is_blank(*p))
            return 0;
    }
    return count >= min;
}

static int
is_hr(const char *p, const char *e)
{
    return p < e && (*p == '-' || *p == '*' || *p == '_')
           && is_rule_of(p, e, *p, 3, 1);
}

/* A list marker at p: where its content starts, or NULL. */
static const char *
list_marker(const char *p, const char *e)
{
    const char *q = p;

    if (p < e && (*p == '-' || *p == '*' || *p == '+')) {
        q = p + 1;
    } else {
        while (q < e && is_digit(*q) && q - p < 4)
            q++;
        if (q == p || q - p > 3 || q >= e || (*q != '.' && *q != ')'))
            return NULL;
        q++;
    }
    if (q < e && !is_blank(*q))
        return NULL;
    q = skip_blanks(q, e);
    /* a task box */
    if (e - q >= 3 && q[0] == '[' && q[2] == ']'
        && (q[1] == ' ' || q[1] == 'x' || q[1] == 'X')
        && (e - q == 3 || is_blank(q[3])))
        q = skip_blanks(q + 3, e);
    return q;
}

/* An ATX heading at p: its level (content in *cp, *ce), or 0. */
static int
atx_heading(const char *p, const char *e, const char **cp, const char **ce)
{
    int level = 0;
    const char *q;

    while (p + level < e && p[level] == '#' && level < 7)
        level++;
    if (level == 0 || level > 6 || (p + level < e && !is_blank(p[level])))
        return 0;
    p = skip_blanks(p + level, e);
    e = rtrim(p, e);
    q = e;
    while (q > p && q[-1] == '#')
        q--;
    if (q == p || is_blank(q[-1]))
        e = rtrim(p, q);        /* a closing sequence */
    *cp = p;
    *ce = e;
    return level;
}

/* A reference definition "[label]: ..." (not a footnote) at p? */
static int
is_ref_definition(const char *p, const char *e)
{
    size_t after;

    return e - p >= 4 && *p == '[' && p[1] != '^' && p[1] != ']'
           && tl_md_ref_label(p, (size_t)(e - p), 0, &after)
           && after < (size_t)(e - p) && p[after] == ':';
}

/* A code fence ``` or ~~~ at p: its length, or 0. */
static size_t
fence(const char *p, const char *e, char *c_out)
{
    size_t k = 0;

    if (p >= e || (*p != '`' && *p != '~'))
        return 0;
    while (p + k < e && p[k] == *p)
        k++;
    if (k < 3 || (*p == '`' && memchr(p + k, '`', (size_t)(e - p - k))))
        return 0;
    *c_out = *p;
    return k;
}

enum tl_status
tl_markdown_strip(const char *block, size_t len, struct tl_buf *out,
                  int *heading_out, struct tl_error *err)
{
    struct strip st = { .out = out };
    struct line l;
    size_t pos = 0, fence_len = 0, kept = 0, after_setext = 0;
    /* prev_text: the previous line was paragraph text outside any quote
     * or list item, so a line of = or - under it is a setext underline */
    int atx = 0, setext = 0, n_setext = 0, prev_text = 0, contained;
    char fence_c = 0;
    enum tl_status status;

    tl_buf_init(&st.para, 0);
    tl_md_inline_init(&st.in);
    if (tl_buf_append(out, "", 0) != TL_OK)
        st.in.st = TL_ERR_NOMEM;
    while (st.in.st == TL_OK && next_line(block, len, &pos, &l)) {
        const char *p = l.p, *e = rtrim(l.p, l.e), *cp, *ce, *q;
        char c;
        int level;

        if (fence_len > 0) {
            size_t k;

            q = skip_blanks(p, e);
            while (q < e && *q == '>')
                q = skip_blanks(q + 1, e);
            if ((k = fence(q, e, &c)) >= fence_len && c == fence_c
                && skip_blanks(q + k, e) == e)
                fence_len = 0;          /* the closing fence */
            else if (p < e)
                put_line(&st, p, (size_t)(e - p));
            continue;
        }
        /* containers: quote marks and list markers; rules end the line */
        for (contained = 0;; contained = 1) {
            p = skip_blanks(p, e);
            if (prev_text && (is_rule_of(p, e, '=', 1, 0)
                              || is_rule_of(p, e, '-', 1, 0)))
                break;
            if (is_hr(p, e))
                break;
            if (p < e && *p == '>')
                p++;
            else if ((q = list_marker(p, e)) != NULL)
                p = q;
            else
                break;
        }
        if (prev_text && !contained && (is_rule_of(p, e, '=', 1, 0)
                                        || is_rule_of(p, e, '-', 1, 0))) {
            /* a setext underline: the pending lines are a heading */
            flush_para(&st);
            setext = *p == '=' ? 1 : 2;
            n_setext++;
            after_setext = 0;
            prev_text = 0;
            continue;
        }
        prev_text = 0;
        if (is_hr(p, e) || is_ref_definition(p, e)) {
            flush_para(&st);
            continue;
        }
        if ((fence_len = fence(p, e, &fence_c)) > 0) {
            flush_para(&st);
            continue;
        }
        if ((level = atx_heading(p, e, &cp, &ce)) > 0) {
            flush_para(&st);
            inline_unit(&st, cp, (size_t)(ce - cp));
            atx = kept == 0 ? level : -1;
            kept++;
            after_setext++;
            continue;
        }
        if (e - p >= 3 && p[0] == '[' && p[1] == '^'
            && (q = memchr(p, ']', (size_t)(e - p))) != NULL && q + 1 < e
            && q[1] == ':')
            p = skip_blanks(q + 2, e);  /* a footnote's text is kept */
        if (p == e) {
            flush_para(&st);
            continue;
        }
        if (st.para.len > 0 && tl_buf_append(&st.para, "\n", 1) != TL_OK)
            st.in.st = TL_ERR_NOMEM;
        if (tl_buf_append(&st.para, p, (size_t)(e - p)) != TL_OK)
            st.in.st = TL_ERR_NOMEM;
        prev_text = !contained;
        kept++;
        after_setext++;
    }
    flush_para(&st);
    if (heading_out != NULL) {
        *heading_out = 0;
        if (atx > 0 && kept == 1 && n_setext == 0)
            *heading_out = atx;
        else if (n_setext == 1 && atx == 0 && after_setext == 0 && kept > 0)
            *heading_out = setext;
    }
    status = st.in.st;
    tl_buf_release(&st.para);
    tl_md_inline_release(&st.in);
    if (status != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM,
                            "out of memory stripping Markdown");
    return TL_OK;
}
