/*
 * fts5_marks.c - highlight() from the pages (fts5_marks.h).
 *
 * What highlight() does (SQLite's fts5_aux.c, fts5HighlightFunction()
 * and fts5HighlightCb()), done the same way here:
 *
 *   - the row's instances in column 0, in xInst's order, are coalesced:
 *     an instance starting at or before the end of the current range
 *     (its last token: offset + phrase size - 1) extends it, one starting
 *     after it begins the next range (adjacent instances stay apart);
 *   - the text is tokenized (FTS5_TOKENIZE_AUX), each token numbered
 *     from 0; at a range's first token the text up to the token's start
 *     and the open mark are appended, at its last token the text up to
 *     the token's end and the close mark, then the next range;
 *   - the text after the last token follows.
 *
 * highlight() appends with "%.*s", which stops at a NUL byte: so does
 * this.
 */
#include <stdlib.h>
#include <string.h>

#include "fts5_expr.h"
#include "fts5_marks.h"

struct tl_fts5_marks {
    sqlite3 *db;
    struct tl_fts5 *x;
    struct tl_fts5_expr *e;
    int size[TL_FTS5_EXPR_PHRASES];     /* tokens per phrase */
    int eof;                            /* the expression has no more rows */
};

static _Atomic long n_marked;

long
tl_fts5_marks_count(void)
{
    return n_marked;
}

enum tl_status
tl_fts5_marks_new(sqlite3 *db, const char *match, struct tl_fts5_marks **out,
                  struct tl_error *err)
{
    struct tl_fts5_marks *m;
    enum tl_status rs;

    *out = NULL;
    if (match == NULL || getenv("TALAASH_NO_PAGE_READER") != NULL)
        return TL_OK;
    m = calloc(1, sizeof *m);
    if (m == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    m->db = db;
    rs = tl_fts5_open(db, &m->x, err);
    if (rs == TL_OK && m->x != NULL)
        rs = tl_fts5_expr_new(db, m->x, match, &m->e, err);
    if (rs != TL_OK || m->e == NULL) {
        tl_fts5_marks_free(m);
        return rs;
    }
    for (int i = 0; i < tl_fts5_expr_phrases(m->e); i++) {
        char stems[TL_RANK_STEMS_MAX];
        int prefix;
        tl_fts5_expr_phrase(m->e, i, &m->size[i], &prefix, stems);
    }
    *out = m;
    return TL_OK;
}

void
tl_fts5_marks_free(struct tl_fts5_marks *m)
{
    if (m == NULL)
        return;
    tl_fts5_expr_free(m->e);
    tl_fts5_close(m->x);
    free(m);
}

/* The coalesced ranges of column 0 (fts5CInstIterNext()). */
struct ranges {
    const int *inst;        /* phrase, column, offset triples */
    int n, at;
    const int *size;
    int start, end;         /* the current range's tokens; -1: none */
};

static void
range_next(struct ranges *g)
{
    g->start = -1;
    g->end = -1;
    for (; g->at < g->n; g->at++) {
        const int *t = g->inst + 3 * g->at;
        if (t[1] != 0)
            continue;
        int end = t[2] - 1 + g->size[t[0]];
        if (g->start < 0) {
            g->start = t[2];
            g->end = end;
        } else if (t[2] <= g->end) {
            if (end > g->end)
                g->end = end;
        } else {
            break;
        }
    }
}

struct marking {
    struct ranges g;
    const char *text;
    const char *open, *close;
    struct tl_buf *out;
    int pos;                /* the next token's number */
    int off;                /* the text appended so far */
    int nomem;
};

/* Appends text[from, to) up to a NUL, as "%.*s" does. */
static void
put_text(struct marking *k, int from, int to)
{
    if (to > from && !k->nomem
        && tl_buf_append(k->out, k->text + from,
                         strnlen(k->text + from, (size_t)(to - from)))
           != TL_OK)
        k->nomem = 1;
}

static void
put_mark(struct marking *k, const char *mark)
{
    if (!k->nomem && tl_buf_append(k->out, mark, strlen(mark)) != TL_OK)
        k->nomem = 1;
}

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct marking *k = ctx;
    int pos = k->pos++;

    (void)tok;
    (void)len;
    if (pos == k->g.start) {
        put_text(k, k->off, start);
        put_mark(k, k->open);
        k->off = start;
    }
    if (pos == k->g.end) {
        put_text(k, k->off, end);
        put_mark(k, k->close);
        k->off = end;
        range_next(&k->g);
    }
    return k->nomem;
}

int
tl_fts5_marks_row(struct tl_fts5_marks *m, int64_t id, const char *text,
                  int len, const char *open, const char *close,
                  struct tl_buf *out)
{
    struct marking k;
    struct tl_error err;
    int rc;

    if (m->eof)
        return 0;
    rc = tl_fts5_expr_from(m->e, id);
    if (rc == TL_FTS5_EOF)
        m->eof = 1;
    if (rc != TL_FTS5_ROW)
        return rc == TL_FTS5_EOF ? 0 : -1;
    if (tl_fts5_expr_rowid(m->e) != id)
        return 0;
    if (text == NULL)
        return 1;       /* highlight() gives NULL: an empty text */
    memset(&k, 0, sizeof k);
    if (tl_fts5_expr_inst(m->e, &k.g.inst, &k.g.n) != 1)
        return -1;
    k.g.size = m->size;
    range_next(&k.g);
    k.text = text;
    k.open = open;
    k.close = close;
    k.out = out;
    memset(&err, 0, sizeof err);
    if (tl_tokenizer_each(m->db, text, len, FTS5_TOKENIZE_AUX, on_token, &k,
                          &err) != TL_OK || k.nomem)
        return -1;
    put_text(&k, k.off, len);
    if (k.nomem)
        return -1;
    n_marked++;
    return 1;
}
