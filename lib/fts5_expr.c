/*
 * fts5_expr.c - a MATCH expression over FTS5's pages (fts5_expr.h).
 *
 * Nodes move as FTS5's do (fts5_expr.c): each sits on its next match at
 * or after the rowid asked for; an AND moves its sides to the larger of
 * their rowids until they agree, an OR sits on the smaller of its sides,
 * a NOT moves its left side past the rows its right side holds.  A
 * phrase of several tokens holds a row where its tokens follow each
 * other in one column; its positions are its first token's.
 */
#include <stdlib.h>
#include <string.h>

#include "fts5_expr.h"

enum kind { PHRASE, AND, OR, NOT };

struct phrase {
    struct tl_fts5_tok **tok;
    char **text;            /* each token's bytes, NUL-terminated */
    int *len;
    int n_tok, prefix;
    uint64_t *pos;          /* a multi-token phrase's, on its row */
    int n_pos, pos_cap;
};

struct node {
    enum kind kind;
    struct node *l, *r;
    int phrase;
    int64_t rowid;          /* INT64_MIN: not moved yet */
    int eof;
};

struct tl_fts5_expr {
    struct tl_fts5 *x;
    struct node *root;
    struct phrase ph[TL_FTS5_EXPR_PHRASES];
    int n_ph;
    int *inst;
    int inst_cap;
    int report[TL_FTS5_EXPR_PHRASES];
    struct node *leaf[TL_FTS5_EXPR_PHRASES];    /* each phrase's node */
    int or_only;            /* phrases under ORs only */
};

/* ---- parsing ------------------------------------------------------------ */

struct parser {
    sqlite3 *db;
    struct tl_fts5_expr *e;
    const char *s;
    int bad;                /* not an expression taken here */
    int nomem;
};

static void
skip_space(struct parser *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
        p->s++;
}

/* Is the next token the keyword kw (FTS5's are upper case and end where
 * a bare word would)? */
static int
keyword(struct parser *p, const char *kw)
{
    size_t n = strlen(kw);
    char c;

    skip_space(p);
    if (strncmp(p->s, kw, n) != 0)
        return 0;
    c = p->s[n];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80)
        return 0;
    p->s += n;
    return 1;
}

static struct node *
new_node(struct parser *p, enum kind k, struct node *l, struct node *r)
{
    struct node *n = calloc(1, sizeof *n);

    if (n == NULL) {
        p->nomem = 1;
        return NULL;
    }
    n->kind = k;
    n->l = l;
    n->r = r;
    n->rowid = INT64_MIN;
    return n;
}

static void
free_node(struct node *n)
{
    if (n == NULL)
        return;
    free_node(n->l);
    free_node(n->r);
    free(n);
}

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct parser *p = ctx;
    struct phrase *ph = &p->e->ph[p->e->n_ph];
    char **text;
    int *lens;

    (void)start;
    (void)end;
    text = realloc(ph->text, ((size_t)ph->n_tok + 1) * sizeof *text);
    if (text == NULL)
        goto nomem;
    ph->text = text;
    lens = realloc(ph->len, ((size_t)ph->n_tok + 1) * sizeof *lens);
    if (lens == NULL)
        goto nomem;
    ph->len = lens;
    ph->text[ph->n_tok] = malloc((size_t)len + 1);
    if (ph->text[ph->n_tok] == NULL)
        goto nomem;
    memcpy(ph->text[ph->n_tok], tok, (size_t)len);
    ph->text[ph->n_tok][len] = '\0';
    ph->len[ph->n_tok] = len;
    ph->n_tok++;
    return 0;
nomem:
    p->nomem = 1;
    return 1;
}

/* A quoted phrase at p->s (on its '"'), and its '*'. */
static struct node *
parse_phrase(struct parser *p)
{
    struct tl_error err;
    struct phrase *ph;
    struct node *n;
    const char *s = p->s + 1;
    char *text;
    size_t k = 0;

    if (p->e->n_ph == TL_FTS5_EXPR_PHRASES) {
        p->bad = 1;
        return NULL;
    }
    text = malloc(strlen(s) + 1);
    if (text == NULL) {
        p->nomem = 1;
        return NULL;
    }
    for (;;) {
        if (*s == '\0') {           /* unterminated: FTS5's error */
            free(text);
            p->bad = 1;
            return NULL;
        }
        if (*s == '"') {
            if (s[1] != '"')
                break;
            s++;
        }
        text[k++] = *s++;
    }
    text[k] = '\0';
    p->s = s + 1;
    ph = &p->e->ph[p->e->n_ph];
    skip_space(p);
    if (*p->s == '*') {
        ph->prefix = 1;
        p->s++;
    }
    if (tl_tokenizer_each(p->db, text, (int)k, FTS5_TOKENIZE_QUERY
                          | (ph->prefix ? FTS5_TOKENIZE_PREFIX : 0),
                          on_token, p, &err) != TL_OK)
        p->bad = 1;
    free(text);
    p->e->n_ph++;       /* owned by e from here, whatever follows */
    if (p->bad || p->nomem)
        return NULL;
    if (ph->n_tok == 0) {   /* FTS5 treats an empty phrase apart */
        p->bad = 1;
        return NULL;
    }
    n = new_node(p, PHRASE, NULL, NULL);
    if (n != NULL)
        n->phrase = p->e->n_ph - 1;
    return n;
}

static struct node *parse_or(struct parser *p);

/* A parenthesised expression, or phrases side by side (FTS5's implicit
 * AND binds them before any operator). */
static struct node *
parse_primary(struct parser *p)
{
    struct node *n = NULL;

    skip_space(p);
    if (*p->s == '(') {
        p->s++;
        n = parse_or(p);
        skip_space(p);
        if (n == NULL || *p->s != ')') {
            free_node(n);
            p->bad = 1;
            return NULL;
        }
        p->s++;
        return n;
    }
    if (*p->s != '"') {
        p->bad = 1;
        return NULL;
    }
    while (*p->s == '"') {
        struct node *ph = parse_phrase(p);
        if (ph == NULL) {
            free_node(n);
            return NULL;
        }
        if (n != NULL) {
            struct node *a = new_node(p, AND, n, ph);
            if (a == NULL) {
                free_node(n);
                free_node(ph);
                return NULL;
            }
            n = a;
        } else {
            n = ph;
        }
        skip_space(p);
    }
    return n;
}

/* One level of binary operators, kw, over sub. */
static struct node *
parse_binary(struct parser *p, const char *kw, enum kind k,
             struct node *(*sub)(struct parser *))
{
    struct node *n = sub(p);

    while (n != NULL && keyword(p, kw)) {
        struct node *r = sub(p), *b;
        if (r == NULL) {
            free_node(n);
            return NULL;
        }
        b = new_node(p, k, n, r);
        if (b == NULL) {
            free_node(n);
            free_node(r);
            return NULL;
        }
        n = b;
    }
    return n;
}

static struct node *
parse_not(struct parser *p)
{
    return parse_binary(p, "NOT", NOT, parse_primary);
}

static struct node *
parse_and(struct parser *p)
{
    return parse_binary(p, "AND", AND, parse_not);
}

static struct node *
parse_or(struct parser *p)
{
    return parse_binary(p, "OR", OR, parse_and);
}

/* Each phrase's node into e->leaf: 1 when n holds phrases under ORs
 * only. */
static int
leaves(struct tl_fts5_expr *e, struct node *n)
{
    int l, r;

    if (n->kind == PHRASE) {
        e->leaf[n->phrase] = n;
        return 1;
    }
    l = leaves(e, n->l);
    r = leaves(e, n->r);
    return n->kind == OR && l && r;
}

enum tl_status
tl_fts5_expr_new(sqlite3 *db, struct tl_fts5 *x, const char *match,
                 struct tl_fts5_expr **out, struct tl_error *err)
{
    struct parser p;
    struct tl_fts5_expr *e;

    *out = NULL;
    e = calloc(1, sizeof *e);
    if (e == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    e->x = x;
    memset(&p, 0, sizeof p);
    p.db = db;
    p.e = e;
    p.s = match;
    e->root = parse_or(&p);
    skip_space(&p);
    if (e->root == NULL || *p.s != '\0' || p.bad || p.nomem) {
        int nomem = p.nomem;
        tl_fts5_expr_free(e);
        return nomem ? tl_error_set(err, TL_ERR_NOMEM, "out of memory")
                     : TL_OK;
    }
    e->or_only = leaves(e, e->root);
    for (int i = 0; i < e->n_ph; i++) {
        struct phrase *ph = &e->ph[i];
        ph->tok = calloc((size_t)ph->n_tok, sizeof *ph->tok);
        if (ph->tok == NULL) {
            tl_fts5_expr_free(e);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        for (int t = 0; t < ph->n_tok; t++)
            if (tl_fts5_tok_open(x, ph->text[t], ph->len[t],
                                 ph->prefix && t == ph->n_tok - 1,
                                 &ph->tok[t]) != 1) {
                tl_fts5_expr_free(e);
                return TL_OK;
            }
    }
    *out = e;
    return TL_OK;
}

void
tl_fts5_expr_free(struct tl_fts5_expr *e)
{
    if (e == NULL)
        return;
    free_node(e->root);
    for (int i = 0; i < e->n_ph; i++) {
        struct phrase *ph = &e->ph[i];
        for (int t = 0; t < ph->n_tok; t++) {
            if (ph->tok != NULL)
                tl_fts5_tok_free(ph->tok[t]);
            free(ph->text[t]);
        }
        free(ph->tok);
        free(ph->text);
        free(ph->len);
        free(ph->pos);
    }
    free(e->inst);
    free(e);
}

int
tl_fts5_expr_phrases(const struct tl_fts5_expr *e)
{
    return e->n_ph;
}

void
tl_fts5_expr_phrase(const struct tl_fts5_expr *e, int i, int *n_out,
                    int *prefix_out, char stems[TL_RANK_STEMS_MAX])
{
    const struct phrase *ph = &e->ph[i];
    size_t len = 0;

    *n_out = ph->n_tok;
    *prefix_out = ph->prefix;
    stems[0] = '\0';
    /* as rank.c's on_token() gathers them */
    for (int t = 0; t < ph->n_tok; t++) {
        size_t n = (size_t)ph->len[t];
        if (n > 0 && len + (len > 0) + n < TL_RANK_STEMS_MAX) {
            if (len > 0)
                stems[len++] = ' ';
            memcpy(stems + len, ph->text[t], n);
            len += n;
            stems[len] = '\0';
        }
    }
}

/* ---- moving ------------------------------------------------------------- */

/* Phrase ph's positions on the row all its tokens are on, into ph->pos:
 * its first token's where the others follow it.  The count, or BAD. */
/* The body offsets of a short list whose positions are all in the body
 * and each one byte (every byte 2-127: no column marker, no long
 * varint) into off: the count, or -1 for any other list. */
#define SHORT_LIST 16
static int
short_list(const unsigned char *a, int n, uint64_t *off)
{
    uint64_t o = 0;

    if (n > SHORT_LIST)
        return -1;
    for (int i = 0; i < n; i++) {
        if (a[i] < 2 || a[i] > 0x7f)
            return -1;
        o += (uint64_t)(a[i] - 2);
        off[i] = o;
    }
    return n;
}

/* A phrase of two words whose lists on the row are short and in the
 * body only, matched without the cursors' position arrays (most rows
 * of a phrase of common words): the count, or -1 when the lists are
 * not such. */
static int
phrase_two_short(struct phrase *ph)
{
    uint64_t p0[SHORT_LIST], p1[SHORT_LIST];
    const unsigned char *a;
    int n0, n1, n, j = 0, k = 0;

    if (tl_fts5_tok_list(ph->tok[0], &a, &n) != 1
        || (n0 = short_list(a, n, p0)) < 0
        || tl_fts5_tok_list(ph->tok[1], &a, &n) != 1
        || (n1 = short_list(a, n, p1)) < 0)
        return -1;
    if (ph->pos_cap < SHORT_LIST) {
        uint64_t *np = realloc(ph->pos, SHORT_LIST * sizeof *np);
        if (np == NULL)
            return -1;
        ph->pos = np;
        ph->pos_cap = SHORT_LIST;
    }
    for (int i = 0; i < n0; i++) {
        while (j < n1 && p1[j] < p0[i] + 1)
            j++;
        if (j < n1 && p1[j] == p0[i] + 1)
            ph->pos[k++] = p0[i];
    }
    ph->n_pos = k;
    return k;
}

static int
phrase_positions(struct phrase *ph)
{
    const uint64_t *pt[TL_FTS5_EXPR_PHRASES];
    int nt[TL_FTS5_EXPR_PHRASES], at[TL_FTS5_EXPR_PHRASES] = { 0 };
    int k = 0;

    if (ph->n_tok > TL_FTS5_EXPR_PHRASES)
        return TL_FTS5_BAD;
    if (ph->n_tok == 2) {
        int two = phrase_two_short(ph);
        if (two >= 0)
            return two;
    }
    for (int t = 0; t < ph->n_tok; t++)
        if (tl_fts5_tok_positions(ph->tok[t], &pt[t], &nt[t]) != 1)
            return TL_FTS5_BAD;
    if (ph->pos_cap < nt[0]) {
        uint64_t *np = realloc(ph->pos, (size_t)nt[0] * sizeof *np);
        if (np == NULL)
            return TL_FTS5_BAD;
        ph->pos = np;
        ph->pos_cap = nt[0];
    }
    /* each first token's position where every later token follows it
     * (the arrays are each their own cursor's, ascending) */
    for (int i = 0; i < nt[0]; i++) {
        int ok = 1;
        for (int t = 1; t < ph->n_tok && ok; t++) {
            uint64_t want = pt[0][i] + (uint64_t)t;
            while (at[t] < nt[t] && pt[t][at[t]] < want)
                at[t]++;
            ok = at[t] < nt[t] && pt[t][at[t]] == want;
        }
        if (ok)
            ph->pos[k++] = pt[0][i];
    }
    ph->n_pos = k;
    return k;
}

/* Phrase ph to its first row at or after min: ROW, EOF or BAD. */
static int
phrase_next(struct phrase *ph, int64_t min, int64_t *rowid_out)
{
    if (ph->n_tok == 1) {       /* a word: its rows */
        int rc = tl_fts5_tok_next(ph->tok[0], min);
        if (rc == TL_FTS5_ROW)
            *rowid_out = tl_fts5_tok_rowid(ph->tok[0]);
        return rc;
    }
    for (;;) {
        int64_t r = min;
        int t = 0, same = 0;

        /* round the tokens until all of them agree on a row */
        while (same < ph->n_tok) {
            int rc = tl_fts5_tok_next(ph->tok[t], r);
            if (rc != TL_FTS5_ROW)
                return rc;
            if (tl_fts5_tok_rowid(ph->tok[t]) > r) {
                r = tl_fts5_tok_rowid(ph->tok[t]);
                same = 1;
            } else {
                same++;
            }
            t = (t + 1) % ph->n_tok;
        }
        *rowid_out = r;
        if (ph->n_tok == 1)
            return TL_FTS5_ROW;
        int n = phrase_positions(ph);
        if (n < 0)
            return TL_FTS5_BAD;
        if (n > 0)
            return TL_FTS5_ROW;
        if (r == INT64_MAX)
            return TL_FTS5_EOF;
        min = r + 1;
    }
}

/* Node n to its first match at or after min: ROW, EOF or BAD. */
static int
node_next(struct tl_fts5_expr *e, struct node *n, int64_t min)
{
    int rc;

    if (n->eof)
        return TL_FTS5_EOF;
    if (n->rowid != INT64_MIN && n->rowid >= min)
        return TL_FTS5_ROW;     /* already on a match far enough */
    switch (n->kind) {
    case PHRASE:
        rc = phrase_next(&e->ph[n->phrase], min, &n->rowid);
        break;
    case AND:
        for (;;) {
            rc = node_next(e, n->l, min);
            if (rc == TL_FTS5_ROW)
                rc = node_next(e, n->r, n->l->rowid);
            if (rc != TL_FTS5_ROW)
                break;
            if (n->r->rowid == n->l->rowid) {
                n->rowid = n->l->rowid;
                break;
            }
            min = n->r->rowid;
        }
        break;
    case OR: {
        int a = node_next(e, n->l, min), b = node_next(e, n->r, min);
        if (a == TL_FTS5_BAD || b == TL_FTS5_BAD) {
            rc = TL_FTS5_BAD;
        } else if (a == TL_FTS5_EOF && b == TL_FTS5_EOF) {
            rc = TL_FTS5_EOF;
        } else {
            rc = TL_FTS5_ROW;
            n->rowid = a == TL_FTS5_EOF ? n->r->rowid
                       : b == TL_FTS5_EOF ? n->l->rowid
                       : n->l->rowid < n->r->rowid ? n->l->rowid
                       : n->r->rowid;
        }
        break;
    }
    default:    /* NOT */
        for (;;) {
            int b;
            rc = node_next(e, n->l, min);
            if (rc != TL_FTS5_ROW)
                break;
            b = node_next(e, n->r, n->l->rowid);
            if (b == TL_FTS5_BAD) {
                rc = b;
                break;
            }
            if (b == TL_FTS5_EOF || n->r->rowid != n->l->rowid) {
                n->rowid = n->l->rowid;
                break;
            }
            min = n->l->rowid + 1;
        }
        break;
    }
    if (rc == TL_FTS5_EOF)
        n->eof = 1;
    return rc;
}

int
tl_fts5_expr_from(struct tl_fts5_expr *e, int64_t min)
{
    if (e->root->eof)
        return TL_FTS5_EOF;
    return node_next(e, e->root, min);
}

int
tl_fts5_expr_next(struct tl_fts5_expr *e)
{
    int64_t min = e->root->rowid == INT64_MIN ? INT64_MIN
                                              : e->root->rowid + 1;

    if (e->root->eof)
        return TL_FTS5_EOF;
    if (e->root->rowid == INT64_MAX) {
        e->root->eof = 1;
        return TL_FTS5_EOF;
    }
    return node_next(e, e->root, min);
}

/* The rows n may match at most, from its phrases' (rows[]); each AND
 * turned to move its rarer side first. */
static double
order_and(struct node *n, const int64_t *rows)
{
    double l, r;

    if (n->kind == PHRASE)
        return (double)rows[n->phrase];
    l = order_and(n->l, rows);
    r = order_and(n->r, rows);
    switch (n->kind) {
    case AND:
        if (r < l) {
            struct node *t = n->l;
            n->l = n->r;
            n->r = t;
        }
        return l < r ? l : r;
    case OR:
        return l + r;
    default:    /* NOT */
        return l;
    }
}

void
tl_fts5_expr_order(struct tl_fts5_expr *e, const int64_t *rows)
{
    if (e->root->rowid == INT64_MIN)
        order_and(e->root, rows);
}

int
tl_fts5_expr_or_only(const struct tl_fts5_expr *e)
{
    return e->or_only;
}

/* An OR tree's rows from its phrases' (each OR on the first of its
 * sides, as node_next() leaves it). */
static void
settle(struct node *n)
{
    if (n->kind != OR)
        return;
    settle(n->l);
    settle(n->r);
    n->eof = n->l->eof && n->r->eof;
    if (!n->eof)
        n->rowid = n->l->eof ? n->r->rowid
                   : n->r->eof || n->l->rowid < n->r->rowid ? n->l->rowid
                   : n->r->rowid;
}

int
tl_fts5_expr_next_of(struct tl_fts5_expr *e, uint64_t need)
{
    int64_t min, r = INT64_MAX;
    int any = 0;

    if (!e->or_only)
        return TL_FTS5_BAD;
    if (e->root->eof)
        return TL_FTS5_EOF;
    if (e->root->rowid == INT64_MAX) {
        e->root->eof = 1;
        return TL_FTS5_EOF;
    }
    min = e->root->rowid == INT64_MIN ? INT64_MIN : e->root->rowid + 1;
    for (int i = 0; i < e->n_ph; i++) {
        int rc;
        if (!(need >> i & 1))
            continue;
        rc = node_next(e, e->leaf[i], min);
        if (rc == TL_FTS5_BAD)
            return rc;
        if (rc == TL_FTS5_ROW && (!any || e->leaf[i]->rowid < r)) {
            r = e->leaf[i]->rowid;
            any = 1;
        }
    }
    if (!any) {
        e->root->eof = 1;
        return TL_FTS5_EOF;
    }
    /* the others only up to that row: their rows before it are passed */
    for (int i = 0; i < e->n_ph; i++)
        if (!(need >> i & 1) && node_next(e, e->leaf[i], r) == TL_FTS5_BAD)
            return TL_FTS5_BAD;
    settle(e->root);
    return TL_FTS5_ROW;
}

int64_t
tl_fts5_expr_rowid(const struct tl_fts5_expr *e)
{
    return e->root->rowid;
}

/* Marks the phrases that report on the root's row. */
static void
report(struct tl_fts5_expr *e, const struct node *n, int64_t r)
{
    if (n->eof || n->rowid != r)
        return;
    switch (n->kind) {
    case PHRASE:
        e->report[n->phrase] = 1;
        break;
    case NOT:
        report(e, n->l, r);
        break;
    default:
        report(e, n->l, r);
        report(e, n->r, r);
        break;
    }
}

/* The phrases reporting on r under n, as bits. */
static uint64_t
report_mask(const struct node *n, int64_t r)
{
    if (n->eof || n->rowid != r)
        return 0;
    switch (n->kind) {
    case PHRASE:
        return (uint64_t)1 << n->phrase;
    case NOT:
        return report_mask(n->l, r);
    default:
        return report_mask(n->l, r) | report_mask(n->r, r);
    }
}

uint64_t
tl_fts5_expr_mask(const struct tl_fts5_expr *e)
{
    return report_mask(e->root, e->root->rowid);
}

const int *
tl_fts5_expr_present(struct tl_fts5_expr *e)
{
    memset(e->report, 0, (size_t)e->n_ph * sizeof *e->report);
    report(e, e->root, e->root->rowid);
    return e->report;
}

int
tl_fts5_expr_word_size(const struct tl_fts5_expr *e, int i)
{
    const struct phrase *ph = &e->ph[i];

    return ph->n_tok == 1 ? tl_fts5_tok_size(ph->tok[0]) : -1;
}

int
tl_fts5_expr_inst(struct tl_fts5_expr *e, const int **inst_out, int *n_out)
{
    const uint64_t *pos[TL_FTS5_EXPR_PHRASES];
    int n[TL_FTS5_EXPR_PHRASES], at[TL_FTS5_EXPR_PHRASES], total = 0;
    int n_rep = 0, only = -1;

    tl_fts5_expr_present(e);
    for (int i = 0; i < e->n_ph; i++) {
        struct phrase *ph = &e->ph[i];
        n[i] = 0;
        at[i] = 0;
        if (!e->report[i])
            continue;
        if (ph->n_tok == 1) {
            if (tl_fts5_tok_positions(ph->tok[0], &pos[i], &n[i]) != 1)
                return TL_FTS5_BAD;
        } else {
            pos[i] = ph->pos;
            n[i] = ph->n_pos;
        }
        total += n[i];
        n_rep++;
        only = i;
    }
    if (e->inst_cap < 3 * total) {
        int *ni = realloc(e->inst, (size_t)total * 3 * 2 * sizeof *ni);
        if (ni == NULL)
            return TL_FTS5_BAD;
        e->inst = ni;
        e->inst_cap = total * 3 * 2;
    }
    if (n_rep == 1) {
        for (int k = 0; k < total; k++) {
            e->inst[3 * k] = only;
            e->inst[3 * k + 1] = (int)(pos[only][k] >> 32);
            e->inst[3 * k + 2] = (int)(pos[only][k] & 0xffffffff);
        }
    } else {
        /* by position, a tie to the lower phrase (fts5CacheInstArray()) */
        for (int k = 0; k < total; k++) {
            int best = -1;
            for (int i = 0; i < e->n_ph; i++)
                if (at[i] < n[i]
                    && (best < 0 || pos[i][at[i]] < pos[best][at[best]]))
                    best = i;
            uint64_t v = pos[best][at[best]++];
            e->inst[3 * k] = best;
            e->inst[3 * k + 1] = (int)(v >> 32);
            e->inst[3 * k + 2] = (int)(v & 0xffffffff);
        }
    }
    *inst_out = e->inst;
    *n_out = total;
    return 1;
}

/* ---- a phrase's rows ---------------------------------------------------- */

int
tl_fts5_expr_phrase_rows(struct tl_fts5_expr *e, int i, int64_t *n_out)
{
    struct phrase alone;
    int64_t r = INT64_MIN, n = 0;
    int rc = 1;

    *n_out = 0;
    memset(&alone, 0, sizeof alone);
    alone.n_tok = e->ph[i].n_tok;
    alone.prefix = e->ph[i].prefix;
    alone.tok = calloc((size_t)alone.n_tok, sizeof *alone.tok);
    if (alone.tok == NULL)
        return TL_FTS5_BAD;
    for (int t = 0; t < alone.n_tok && rc == 1; t++)
        rc = tl_fts5_tok_open(e->x, e->ph[i].text[t], e->ph[i].len[t],
                              alone.prefix && t == alone.n_tok - 1,
                              &alone.tok[t]);
    while (rc == 1) {
        int s = phrase_next(&alone, r, &r);
        if (s != TL_FTS5_ROW) {
            rc = s == TL_FTS5_EOF ? 1 : TL_FTS5_BAD;
            break;
        }
        n++;
        if (r == INT64_MAX)
            break;
        r++;
    }
    for (int t = 0; t < alone.n_tok; t++)
        tl_fts5_tok_free(alone.tok[t]);
    free(alone.tok);
    free(alone.pos);
    *n_out = n;
    return rc == 1 ? 1 : TL_FTS5_BAD;
}
