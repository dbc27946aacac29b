/*
 * query.c - the query language: what a user types after `talaash` (the
 * command line's words joined by spaces), turned into an FTS5 MATCH
 * expression over passages_fts(body, title, author) and filters.
 *
 * SYNTAX
 *
 *   haqqani network      passages with every word (AND is the default;
 *                        writing AND is accepted too)
 *   "peace talks"        a phrase: the words next to each other, in order
 *   kabul OR doha        either (OR in capitals; "or" is a word)
 *   -haqqani, NOT haqqani
 *                        without the word (it excludes: the query needs
 *                        a word to find as well)
 *   negot*               words starting with "negot" (stemmed as any
 *                        word, so negotiat* finds less than negot*)
 *   NEAR(haqqani kabul, 5)
 *                        the words or "phrases" at most 5 words apart
 *                        (NEAR(a b) is 10 apart); nothing else inside
 *   ( ... )              grouping: cpec (gwadar OR karachi)
 *   title:dialogue       the word in the title (title:"peace talks",
 *                        title:dial* too)
 *   author:kugelman      only articles by an author matching any
 *                        author: given (author:"Huma Yusuf")
 *   topic:cpec           only articles on any topic: given
 *   date:2019  date:2019-07  date:2019-07-04
 *   date:2018..2019  date:..2019  date:2018..
 *                        only articles dated in that year, month, day or
 *                        range (inclusive; one date: per query)
 *
 * NOT binds tighter than AND, and AND than OR:  a b OR c -d  means
 * (a AND b) OR (c AND NOT d).  Filters (author:, topic:, date:) apply to
 * the whole query: they may not be excluded, put in parentheses or be a
 * side of an OR.  Words are matched as the index stores them: case,
 * accents and possessives do not matter and words are stemmed, so
 * "negotiations" finds "negotiating".  A word or "phrase" that is a name
 * in the synonyms file (docs/synonyms.md) also finds the other names of
 * its group.
 *
 * Forgiven, with a note on stderr:
 *   China-Pakistan, F-16, 9/11   words joined by punctuation are searched
 *                                as a phrase ("China Pakistan")
 *   -haqqani alone               searched as the word (there is nothing
 *                                to exclude it from)
 *   OR / NOT / AND alone         searched as the word
 *   OR or AND with nothing on one side, NOT with nothing after it
 *                                ignored
 *   author: kugelman             read as author:kugelman
 *   U.S., U.N.                   single letters joined by dots are one
 *                                word, as the index reads them ("us")
 * and silently: don't is "dont", C++ is "c", and words of punctuation
 * only (--, ;, *) are dropped.
 *
 * Refused, with "query position N: PROBLEM; ADVICE" (N counts
 * characters from 1): an unclosed quote, parenthesis or NEAR(; an
 * unmatched ); more than TL_QUERY_DEPTH_MAX nested parentheses; NEAR
 * with fewer than two words or a bad distance; an unknown filter
 * (autor:x); a bad date; a query that only excludes (-x, NOT x); NOT as
 * an alternative of OR (a OR -b); nothing to search for.
 *
 * HOW
 *
 * The whole text is tokenized once, through the index's tokenizer; each
 * word or phrase then takes the tokens that start inside it.  (The
 * tokenizer joins tokens only across a single apostrophe or dot, never
 * across the spaces, quotes and parentheses that separate lexemes, so
 * this gives the tokens each would have alone.)  A word with no token is
 * dropped.  A phrase is written into the MATCH expression as its tokens'
 * original spellings joined by spaces, in double quotes (a '"' would be
 * doubled): FTS5 tokenizes that back to the same tokens, and no user
 * text is ever FTS5 syntax.
 *
 * The parser is recursive descent over lexemes made on demand, with
 * nesting capped at TL_QUERY_DEPTH_MAX (long runs of words, ORs and NOTs
 * are loops, not recursion).  It builds a tree of AND, OR, NEAR and
 * phrase nodes, each possibly negated, which is simplified (empty groups
 * dropped, a group of one replaced by its child, AND in AND and OR in OR
 * flattened) and then written out: FTS5's NOT is binary, so an AND's
 * negated children follow its positive ones ("(a AND b) NOT c"), and an
 * AND with no positive child, or a negated alternative of an OR, is
 * refused.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query.h"

#define NONE SIZE_MAX
#define QUOTE_MAX 80        /* bytes of user text quoted in a message */
#define NEAR_EXAMPLE "e.g. NEAR(haqqani kabul, 5)"

enum lx_kind {
    LX_END,
    LX_WORD,
    LX_PHRASE,      /* "..." */
    LX_LPAREN,
    LX_RPAREN,
    LX_OR,
    LX_AND,
    LX_NOT,
    LX_MINUS,       /* '-' right before a word, phrase or group */
    LX_NEAR,        /* NEAR( */
    LX_COMMA,       /* only inside NEAR( ) */
    LX_FILTER,
};

enum filter_kind { F_AUTHOR, F_TOPIC, F_TITLE, F_DATE };

static const char *const filter_names[] = { "author", "topic", "title",
                                            "date" };

struct lexeme {
    enum lx_kind kind;
    size_t start, end;      /* its bytes in the text */
    size_t vs, ve;          /* word, phrase or filter value (no quotes,
                               no final '*') */
    int prefix;             /* a '*' followed */
    int quoted;             /* the value was in quotes */
    enum filter_kind filter;
    size_t value_raw;       /* FILTER: where the value starts, quote
                               included */
    int spaced;             /* FILTER: written "name: value" */
};

struct token {
    size_t start, end;      /* bytes in the text */
    size_t stem_off, stem_len;  /* in parser.stems */
};

enum node_kind { N_PHRASE, N_NEAR, N_AND, N_OR };

struct node {
    enum node_kind kind;
    int neg;                /* excluded */
    int title;              /* PHRASE: only in the title column */
    int prefix;             /* PHRASE: its last token is a prefix */
    int stop;               /* PHRASE: one word, a stopword (lib/rank.c
                               weighs it 0 beside other words) */
    size_t pos;             /* where it was written (byte offset) */
    size_t neg_pos;         /* where its NOT or '-' was */
    size_t text_off, text_len;  /* PHRASE: its text in parser.pool */
    size_t group;           /* PHRASE: its synonym group, or NONE */
    long distance;          /* NEAR */
    size_t first, last;     /* children (NEAR: its phrases), or NONE */
    size_t next;            /* next sibling, or NONE */
};

struct parser {
    sqlite3 *db;
    const char *text;
    size_t len;
    int flags;
    const struct tl_synonyms *syn;
    struct tl_query *q;
    struct tl_error *err;
    /* the tokens of the whole text, in order */
    struct token *toks;
    size_t n_toks, cap_toks;
    struct tl_buf stems;
    enum tl_status tok_st;
    /* lexemes, made on demand; at is the next one to parse */
    struct lexeme *lx;
    size_t n_lx, cap_lx, at;
    size_t lex_pos;         /* where the lexer goes on */
    int in_near;            /* the lexer is inside NEAR( ) */
    /* the tree */
    struct node *nodes;
    size_t n_nodes, cap_nodes;
    struct tl_buf pool;     /* phrase texts */
    struct tl_buf key;      /* scratch: a phrase's stems */
    int top_or;             /* an OR joined parts of the top level */
    size_t filter_pos;      /* the first author:/topic:/date:, or NONE */
    enum filter_kind filter_kind;
    int have_date;
    size_t root;            /* the simplified tree's root */
    size_t col_off, col;    /* column(): the last byte offset counted */
    /* words already in q->words: index + 1, 0 when empty */
    uint32_t *word_slots;
    size_t n_word_slots;
};

/* ---- messages ----------------------------------------------------------- */

/* The 1-based character column of byte off.  Counting goes on from the
 * last call when off is further on (notes come in text order). */
static size_t
column(struct parser *p, size_t off)
{
    if (off > p->len)
        off = p->len;
    if (off < p->col_off) {
        p->col_off = 0;
        p->col = 1;
    }
    for (; p->col_off < off; p->col_off++)
        if (((unsigned char)p->text[p->col_off] & 0xC0) != 0x80)
            p->col++;
    return p->col;
}

/* How many bytes of (s, n) to quote: at most QUOTE_MAX, whole characters. */
static int
quote_len(const char *s, size_t n)
{
    if (n <= QUOTE_MAX)
        return (int)n;
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* Sets err to "query position N: MESSAGE" for byte off; returns
 * TL_ERR_QUERY. */
static enum tl_status
query_error(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum tl_status
query_error(struct parser *p, size_t off, const char *fmt, ...)
{
    char msg[TL_ERROR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tl_error_set(p->err, TL_ERR_QUERY, "query position %zu: %s",
                        column(p, off), msg);
}

static enum tl_status
no_memory(struct parser *p)
{
    return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
}

/* Appends a copy of s[0, n) to the string array *arr of *n_arr. */
static enum tl_status
push_string(char ***arr, size_t *n_arr, const char *s, size_t n)
{
    size_t k = *n_arr;
    char *copy;

    /* capacity: 4, then doubled whenever the count reaches a power of 2 */
    if (k == 0 || (k >= 4 && (k & (k - 1)) == 0)) {
        char **a = realloc(*arr, (k == 0 ? 4 : 2 * k) * sizeof *a);
        if (a == NULL)
            return TL_ERR_NOMEM;
        *arr = a;
    }
    copy = strndup(s, n);
    if (copy == NULL)
        return TL_ERR_NOMEM;
    (*arr)[k] = copy;
    *n_arr = k + 1;
    return TL_OK;
}

static enum tl_status
add_note(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum tl_status
add_note(struct parser *p, const char *fmt, ...)
{
    char msg[TL_ERROR_MAX];
    va_list ap;

    if (p->q->n_notes > TL_QUERY_NOTES_MAX)
        return TL_OK;
    if (p->q->n_notes == TL_QUERY_NOTES_MAX) {
        snprintf(msg, sizeof msg, "more rewrites like these not shown");
        if (push_string(&p->q->notes, &p->q->n_notes, msg, strlen(msg))
            != TL_OK)
            return no_memory(p);
        return TL_OK;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < p->q->n_notes; i++)
        if (strcmp(p->q->notes[i], msg) == 0)
            return TL_OK;       /* U.S. twice: one note */
    if (push_string(&p->q->notes, &p->q->n_notes, msg, strlen(msg))
        != TL_OK)
        return no_memory(p);
    return TL_OK;
}

/* ---- tokens ------------------------------------------------------------- */

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct parser *p = ctx;
    struct token *t;

    if (p->n_toks == p->cap_toks) {
        size_t cap = p->cap_toks != 0 ? p->cap_toks * 2 : 64;
        struct token *n = realloc(p->toks, cap * sizeof *n);
        if (n == NULL) {
            p->tok_st = TL_ERR_NOMEM;
            return 1;
        }
        p->toks = n;
        p->cap_toks = cap;
    }
    t = &p->toks[p->n_toks];
    t->start = (size_t)start;
    t->end = (size_t)end;
    t->stem_off = p->stems.len;
    t->stem_len = (size_t)len;
    if (tl_buf_append(&p->stems, tok, (size_t)len) != TL_OK) {
        p->tok_st = TL_ERR_NOMEM;
        return 1;
    }
    p->n_toks++;
    return 0;
}

/* The index of the first token starting at or after byte off. */
static size_t
first_token(const struct parser *p, size_t off)
{
    size_t lo = 0, hi = p->n_toks;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->toks[mid].start < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- the lexer ---------------------------------------------------------- */

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

/* Does c end a word? */
static int
ends_word(const struct parser *p, char c)
{
    return is_space(c) || c == '"' || c == '(' || c == ')'
           || (p->in_near && c == ',');
}

static int
is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_ascii_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

/* Does the word (s, n) equal the keyword kw? */
static int
is_word(const char *s, size_t n, const char *kw)
{
    return strlen(kw) == n && memcmp(s, kw, n) == 0;
}

static size_t
skip_spaces(const struct parser *p, size_t i)
{
    while (i < p->len && is_space(p->text[i]))
        i++;
    return i;
}

/* The end of the word starting at i. */
static size_t
word_end(const struct parser *p, size_t i)
{
    while (i < p->len && !ends_word(p, p->text[i]))
        i++;
    return i;
}

static enum tl_status
unclosed_quote(struct parser *p, size_t at)
{
    return query_error(p, at, "unclosed quote; add a closing \" or remove "
                       "it");
}

/* Reads the quoted text whose '"' is at i into l's value; l->end is set
 * after the closing quote (and a '*' right after it, when prefix_ok). */
static enum tl_status
lex_quoted(struct parser *p, size_t i, int prefix_ok, struct lexeme *l)
{
    const char *close = memchr(p->text + i + 1, '"', p->len - i - 1);

    if (close == NULL)
        return unclosed_quote(p, i);
    l->vs = i + 1;
    l->ve = (size_t)(close - p->text);
    l->end = l->ve + 1;
    l->quoted = 1;
    if (prefix_ok && l->end < p->len && p->text[l->end] == '*') {
        l->prefix = 1;
        l->end++;
    }
    return TL_OK;
}

/* An example of filter f with a value, for messages. */
static const char *
filter_example(int f)
{
    static const char *const examples[] = { "author:kugelman", "topic:cpec",
                                            "title:dialogue", "date:2019" };

    return examples[f];
}

/* The filter called (s, n), ignoring ASCII case; -1 when none is. */
static int
filter_of(const char *s, size_t n)
{
    for (size_t f = 0; f < sizeof filter_names / sizeof *filter_names; f++)
        if (strlen(filter_names[f]) == n
            && strncasecmp(s, filter_names[f], n) == 0)
            return (int)f;
    return -1;
}

/* The word [i, j) starts with "name:" (name: ASCII letters).  Makes l a
 * filter when name is one; refuses an unknown lower-case name followed
 * by a value; leaves l alone otherwise (a word such as Re:Pakistan or
 * http://...). */
static enum tl_status
lex_filter(struct parser *p, size_t i, size_t name_len, size_t j,
           struct lexeme *l)
{
    size_t v = i + name_len + 1, k;
    int f = filter_of(p->text + i, name_len);

    if (f < 0) {
        int lower = 1;
        unsigned char c = v < j ? (unsigned char)p->text[v] : 0;

        for (size_t x = i; x < i + name_len; x++)
            lower = lower && is_ascii_lower(p->text[x]);
        if (lower && ((v < j && (c >= 0x80 || is_ascii_letter((char)c)
                                 || (c >= '0' && c <= '9')))
                      || (v == j && j < p->len && p->text[j] == '"')))
            return query_error(p, i, "unknown filter '%.*s:' (filters: "
                               "author:, topic:, title:, date:)",
                               quote_len(p->text + i, name_len),
                               p->text + i);
        return TL_OK;
    }
    l->kind = LX_FILTER;
    l->filter = (enum filter_kind)f;
    if (v < j) {                                    /* author:kugelman */
        l->value_raw = l->vs = v;
        l->ve = l->end = j;
        if (f == F_TITLE && p->text[j - 1] == '*') {
            l->prefix = 1;
            l->ve--;
        }
        return TL_OK;
    }
    if (j < p->len && p->text[j] == '"') {          /* author:"Huma Yusuf" */
        l->value_raw = j;
        return lex_quoted(p, j, f == F_TITLE, l);
    }
    k = skip_spaces(p, j);                          /* author: kugelman */
    if (k > j && k < p->len && p->text[k] != '(' && p->text[k] != ')'
        && !(p->in_near && p->text[k] == ',')) {
        size_t e = word_end(p, k);

        l->spaced = 1;
        l->value_raw = k;
        if (p->text[k] == '"')
            return lex_quoted(p, k, f == F_TITLE, l);
        if (!is_word(p->text + k, e - k, "OR")
            && !is_word(p->text + k, e - k, "AND")
            && !is_word(p->text + k, e - k, "NOT")) {
            l->vs = k;
            l->ve = l->end = e;
            if (f == F_TITLE && p->text[e - 1] == '*') {
                l->prefix = 1;
                l->ve--;
            }
            return TL_OK;
        }
    }
    return query_error(p, i, "%s: needs a value right after the colon, "
                       "e.g. %s", filter_names[f], filter_example(f));
}

/* Makes the lexeme starting at or after p->lex_pos. */
static enum tl_status
lex_one(struct parser *p, struct lexeme *l)
{
    size_t i = skip_spaces(p, p->lex_pos), j;
    int after_minus = p->n_lx > 0 && p->lx[p->n_lx - 1].kind == LX_MINUS;
    enum tl_status st = TL_OK;
    char c;

    memset(l, 0, sizeof *l);
    l->start = l->end = i;
    if (i >= p->len) {
        l->kind = LX_END;
        return TL_OK;
    }
    c = p->text[i];
    if (c == '"') {
        l->kind = LX_PHRASE;
        st = lex_quoted(p, i, 1, l);
    } else if (c == '(' || c == ')') {
        l->kind = c == '(' ? LX_LPAREN : LX_RPAREN;
        l->end = i + 1;
        if (c == ')')
            p->in_near = 0;
    } else if (p->in_near && c == ',') {
        l->kind = LX_COMMA;
        l->end = i + 1;
    } else if (c == '-' && i + 1 < p->len && !is_space(p->text[i + 1])
               && p->text[i + 1] != '-' && p->text[i + 1] != ')'
               && !(p->in_near && p->text[i + 1] == ',')) {
        l->kind = LX_MINUS;
        l->end = i + 1;
    } else {
        size_t name = 0, k;

        j = word_end(p, i);
        l->kind = LX_WORD;
        l->vs = i;
        l->ve = l->end = j;
        if (!after_minus && is_word(p->text + i, j - i, "OR"))
            l->kind = LX_OR;
        else if (!after_minus && is_word(p->text + i, j - i, "AND"))
            l->kind = LX_AND;
        else if (!after_minus && is_word(p->text + i, j - i, "NOT"))
            l->kind = LX_NOT;
        else if (is_word(p->text + i, j - i, "NEAR")
                 && (k = skip_spaces(p, j)) < p->len && p->text[k] == '(') {
            l->kind = LX_NEAR;
            l->end = k + 1;
            p->in_near = 1;
        } else {
            while (i + name < j && is_ascii_letter(p->text[i + name]))
                name++;
            if (name > 0 && i + name < j && p->text[i + name] == ':')
                st = lex_filter(p, i, name, j, l);
            if (st == TL_OK && l->kind == LX_WORD && j - i > 0
                && p->text[j - 1] == '*') {
                l->prefix = 1;
                l->ve--;
            }
        }
    }
    p->lex_pos = l->end;
    return st;
}

/* Makes sure lexemes at .. at + k exist (the last ones may be LX_END). */
static enum tl_status
need(struct parser *p, size_t k)
{
    while (p->n_lx <= p->at + k) {
        struct lexeme l;
        enum tl_status st;

        if (p->n_lx > 0 && p->lx[p->n_lx - 1].kind == LX_END) {
            l = p->lx[p->n_lx - 1];
        } else {
            st = lex_one(p, &l);
            if (st != TL_OK)
                return st;
        }
        if (p->n_lx == p->cap_lx) {
            size_t cap = p->cap_lx != 0 ? p->cap_lx * 2 : 64;
            struct lexeme *n = realloc(p->lx, cap * sizeof *n);
            if (n == NULL)
                return no_memory(p);
            p->lx = n;
            p->cap_lx = cap;
        }
        p->lx[p->n_lx++] = l;
    }
    return TL_OK;
}

/* ---- the tree ----------------------------------------------------------- */

static enum tl_status
new_node(struct parser *p, enum node_kind kind, size_t pos, size_t *out)
{
    struct node *n;

    if (p->n_nodes == p->cap_nodes) {
        size_t cap = p->cap_nodes != 0 ? p->cap_nodes * 2 : 64;
        struct node *a = realloc(p->nodes, cap * sizeof *a);
        if (a == NULL)
            return no_memory(p);
        p->nodes = a;
        p->cap_nodes = cap;
    }
    n = &p->nodes[p->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->pos = n->neg_pos = pos;
    n->group = n->first = n->last = n->next = NONE;
    *out = p->n_nodes++;
    return TL_OK;
}

static void
append_child(struct parser *p, size_t parent, size_t child)
{
    struct node *n = &p->nodes[parent];

    p->nodes[child].next = NONE;
    if (n->last == NONE)
        n->first = child;
    else
        p->nodes[n->last].next = child;
    n->last = child;
}

/* Notes each token starting in [vs, ve) that joined single letters
 * across dots: "searched U.S. as us" (its stem, as it is searched). */
static enum tl_status
note_dotted(struct parser *p, size_t vs, size_t ve)
{
    for (size_t t = first_token(p, vs); t < p->n_toks
                                        && p->toks[t].start < ve; t++) {
        const struct token *tk = &p->toks[t];
        size_t end = tk->end < ve ? tk->end : ve;
        enum tl_status st;

        if (memchr(p->text + tk->start, '.', end - tk->start) == NULL)
            continue;
        if (end < ve && p->text[end] == '.')
            end++;      /* U.S. as written, its last dot included */
        st = add_note(p, "searched %.*s as %.*s",
                      quote_len(p->text + tk->start, end - tk->start),
                      p->text + tk->start,
                      quote_len(p->stems.data + tk->stem_off, tk->stem_len),
                      p->stems.data + tk->stem_off);
        if (st != TL_OK)
            return st;
    }
    return TL_OK;
}

/* Makes a phrase node of the tokens starting in [vs, ve); *out is NONE
 * when there is none (punctuation only).  An unquoted word of several
 * tokens is noted; synonyms are looked up when syn_ok. */
static enum tl_status
make_phrase(struct parser *p, size_t vs, size_t ve, size_t pos, int prefix,
            int quoted, int title, int syn_ok, size_t *out)
{
    size_t t = first_token(p, vs), n_tokens = 0, off = p->pool.len;
    size_t group;
    struct node *n;
    enum tl_status st;

    *out = NONE;
    tl_buf_reset(&p->key);
    for (; t < p->n_toks && p->toks[t].start < ve; t++) {
        const struct token *tk = &p->toks[t];
        size_t end = tk->end < ve ? tk->end : ve;

        if ((n_tokens > 0 && (tl_buf_append(&p->pool, " ", 1) != TL_OK
                              || tl_buf_append(&p->key, " ", 1) != TL_OK))
            || tl_buf_append(&p->pool, p->text + tk->start, end - tk->start)
               != TL_OK
            || tl_buf_append(&p->key, p->stems.data + tk->stem_off,
                             tk->stem_len) != TL_OK)
            return no_memory(p);
        n_tokens++;
    }
    if (n_tokens == 0)
        return TL_OK;
    if (n_tokens > 1 && !quoted) {
        st = add_note(p, "searched %.*s as a phrase",
                      quote_len(p->text + vs, ve - vs), p->text + vs);
        if (st != TL_OK)
            return st;
    }
    st = note_dotted(p, vs, ve);
    if (st != TL_OK)
        return st;
    st = new_node(p, N_PHRASE, pos, out);
    if (st != TL_OK)
        return st;
    n = &p->nodes[*out];
    n->text_off = off;
    n->text_len = p->pool.len - off;
    n->prefix = prefix;
    n->title = title;
    if (syn_ok && !prefix && p->syn != NULL
        && tl_synonyms_find(p->syn, p->key.data, p->key.len, &group)
        && tl_synonyms_group_size(p->syn, group) > 1)
        n->group = group;
    /* a group's other names are other phrases: not counted as stopwords
     * (no default name is one) */
    n->stop = n_tokens == 1 && !prefix && n->group == NONE
              && tl_rank_is_stopword(p->key.data, p->key.len);
    return TL_OK;
}

/* ---- the parser --------------------------------------------------------- */

static enum tl_status parse_group(struct parser *p, unsigned depth,
                                  size_t open, size_t *out);

static int
ends_operand(enum lx_kind k)
{
    return k == LX_END || k == LX_RPAREN || k == LX_OR || k == LX_AND;
}

static int
is_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* NEAR( has been read: its words or phrases, then ", N" and ")". */
static enum tl_status
parse_near(struct parser *p, size_t near_pos, size_t *out)
{
    size_t node, child, count = 0;
    enum tl_status st = new_node(p, N_NEAR, near_pos, &node);

    if (st != TL_OK)
        return st;
    p->nodes[node].distance = TL_QUERY_NEAR_DEFAULT;
    for (;;) {
        const struct lexeme *l;

        st = need(p, 0);
        if (st != TL_OK)
            return st;
        l = &p->lx[p->at];
        if (l->kind == LX_END) {
            if (count < 2)
                break;
            return query_error(p, near_pos, "unclosed NEAR(; add a "
                               "closing ), " NEAR_EXAMPLE);
        }
        p->at++;
        if (l->kind == LX_RPAREN)
            break;
        if (l->kind == LX_WORD || l->kind == LX_PHRASE) {
            st = make_phrase(p, l->vs, l->ve, l->start, l->prefix,
                             l->kind == LX_PHRASE, 0, 0, &child);
            if (st != TL_OK)
                return st;
            if (child != NONE) {
                append_child(p, node, child);
                count++;
            }
            continue;
        }
        if (l->kind != LX_COMMA)
            return query_error(p, l->start, "NEAR( takes only words and "
                               "\"phrases\", then a distance; "
                               NEAR_EXAMPLE);
        st = need(p, 1);
        if (st != TL_OK)
            return st;
        l = &p->lx[p->at];
        if (l->kind != LX_WORD || l->prefix
            || !is_digits(p->text + l->vs, l->ve - l->vs)
            || l->ve - l->vs > 5
            || strtol(p->text + l->vs, NULL, 10) > TL_QUERY_NEAR_MAX)
            return query_error(p, l->kind == LX_END ? near_pos : l->start,
                               "NEAR's distance must be a whole number from "
                               "0 to %d; " NEAR_EXAMPLE, TL_QUERY_NEAR_MAX);
        p->nodes[node].distance = strtol(p->text + l->vs, NULL, 10);
        l = &p->lx[p->at + 1];
        if (l->kind == LX_END && count >= 2)
            return query_error(p, near_pos, "unclosed NEAR(; add a "
                               "closing ), " NEAR_EXAMPLE);
        if (l->kind != LX_RPAREN && l->kind != LX_END)
            return query_error(p, l->start, "NEAR's distance must come "
                               "last, before the ); " NEAR_EXAMPLE);
        p->at += 2;
        break;
    }
    if (count < 2)
        return query_error(p, near_pos, "NEAR needs at least two words, "
                           NEAR_EXAMPLE);
    *out = node;
    return TL_OK;
}

static int
date_before(const struct tl_date *a, const struct tl_date *b)
{
    if (a->year != b->year)
        return a->year < b->year;
    if (a->month != b->month)
        return a->month < b->month;
    return a->day < b->day;
}

/* Parses value[0, n) at byte off of a date: filter into *d. */
static enum tl_status
parse_date(struct parser *p, size_t off, size_t n, struct tl_date *d)
{
    const char *s = p->text + off;
    char buf[16];

    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (tl_date_parse_filter(buf, d, NULL) == TL_OK)
            return TL_OK;
    }
    return query_error(p, off, "bad date '%.*s' in date: (want YYYY, "
                       "YYYY-MM or YYYY-MM-DD, or a range A..B)",
                       quote_len(s, n), s);
}

static enum tl_status
parse_date_filter(struct parser *p, const struct lexeme *l)
{
    const char *v = p->text + l->vs;
    size_t n = l->ve - l->vs, dots = NONE;
    struct tl_date since = { 0 }, until = { 0 };
    enum tl_status st;

    if (p->have_date)
        return query_error(p, l->start, "date: given twice; give one "
                           "range instead, e.g. date:2018..2019");
    for (size_t i = 0; i + 1 < n; i++) {
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = i;
            break;
        }
    }
    if (dots == NONE) {
        st = parse_date(p, l->vs, n, &since);
        until = since;
    } else if (dots == 0 && n == 2) {
        st = parse_date(p, l->vs, n, &since);   /* date:.. is refused */
    } else {
        st = TL_OK;
        if (dots > 0)
            st = parse_date(p, l->vs, dots, &since);
        if (st == TL_OK && dots + 2 < n)
            st = parse_date(p, l->vs + dots + 2, n - dots - 2, &until);
    }
    if (st != TL_OK)
        return st;
    if (since.precision != TL_DATE_NONE && until.precision != TL_DATE_NONE) {
        struct tl_date first, last, unused;

        tl_date_bounds(&since, &first, &unused);
        tl_date_bounds(&until, &unused, &last);
        if (date_before(&last, &first))
            return query_error(p, l->vs, "date range '%.*s' ends before it "
                               "starts; write the earlier date first",
                               quote_len(v, n), v);
    }
    p->q->since = since;
    p->q->until = until;
    p->have_date = 1;
    return TL_OK;
}

/* A filter lexeme l, negated when neg (by the NOT or '-' at neg_pos). */
static enum tl_status
parse_filter(struct parser *p, const struct lexeme *l, unsigned depth,
             int neg, size_t neg_pos, size_t *out)
{
    const char *name = filter_names[l->filter];
    enum tl_status st;

    *out = NONE;
    if (l->spaced) {
        st = add_note(p, "read '%.*s' as %s:%.*s",
                      quote_len(p->text + l->start, l->end - l->start),
                      p->text + l->start, name,
                      quote_len(p->text + l->value_raw,
                                l->end - l->value_raw),
                      p->text + l->value_raw);
        if (st != TL_OK)
            return st;
    }
    if (l->filter == F_TITLE)
        return make_phrase(p, l->vs, l->ve, l->start, l->prefix, l->quoted,
                           1, 1, out);
    if (neg)
        return query_error(p, neg_pos, "%s: cannot be excluded (it keeps "
                           "the articles it names); remove the %s", name,
                           p->text[neg_pos] == '-' ? "-" : "NOT");
    if (depth > 0)
        return query_error(p, l->start, "%s: applies to the whole query, "
                           "so it cannot go inside parentheses; move it out",
                           name);
    if (l->ve == l->vs)
        return query_error(p, l->start, "%s: needs a value, e.g. %s", name,
                           filter_example((int)l->filter));
    if (p->filter_pos == NONE) {
        p->filter_pos = l->start;
        p->filter_kind = l->filter;
    }
    if (l->filter == F_DATE)
        return parse_date_filter(p, l);
    if ((l->filter == F_AUTHOR
         ? push_string(&p->q->authors, &p->q->n_authors, p->text + l->vs,
                       l->ve - l->vs)
         : push_string(&p->q->topics, &p->q->n_topics, p->text + l->vs,
                       l->ve - l->vs)) != TL_OK)
        return no_memory(p);
    return TL_OK;
}

/* A word, phrase, group, NEAR or filter (the lexeme at p->at). */
static enum tl_status
parse_primary(struct parser *p, unsigned depth, int neg, size_t neg_pos,
              size_t *out)
{
    struct lexeme l = p->lx[p->at];

    *out = NONE;
    p->at++;
    switch (l.kind) {
    case LX_WORD:
    case LX_PHRASE:
        return make_phrase(p, l.vs, l.ve, l.start, l.prefix,
                           l.kind == LX_PHRASE, 0, 1, out);
    case LX_LPAREN:
        if (depth >= TL_QUERY_DEPTH_MAX)
            return query_error(p, l.start, "more than %d nested "
                               "parentheses; remove some",
                               TL_QUERY_DEPTH_MAX);
        return parse_group(p, depth + 1, l.start, out);
    case LX_NEAR:
        return parse_near(p, l.start, out);
    case LX_FILTER:
        return parse_filter(p, &l, depth, neg, neg_pos, out);
    default:
        return TL_OK;       /* not reached: parse_unary() stops before */
    }
}

/* NOTs and '-'s, then a primary. */
static enum tl_status
parse_unary(struct parser *p, unsigned depth, size_t *out)
{
    int neg = 0;
    size_t neg_pos = NONE;
    enum tl_status st;

    *out = NONE;
    for (;;) {
        const struct lexeme *l;

        st = need(p, 1);
        if (st != TL_OK)
            return st;
        l = &p->lx[p->at];
        if (l->kind == LX_NOT && ends_operand(p->lx[p->at + 1].kind)) {
            p->at++;
            return add_note(p, "ignored NOT at position %zu: nothing after "
                            "it", column(p, l->start));
        }
        if (l->kind != LX_NOT && l->kind != LX_MINUS)
            break;
        if (!neg)
            neg_pos = l->start;
        neg = !neg;
        p->at++;
    }
    st = parse_primary(p, depth, neg, neg_pos, out);
    if (st == TL_OK && *out != NONE && neg) {
        p->nodes[*out].neg = !p->nodes[*out].neg;
        p->nodes[*out].neg_pos = neg_pos;
    }
    return st;
}

/* The words up to the ')' closing the group opened at byte open (NONE:
 * the top level, up to the end), as an OR of ANDs in *out. */
static enum tl_status
parse_group(struct parser *p, unsigned depth, size_t open, size_t *out)
{
    size_t or_node, and_node, child, items = 0;
    enum tl_status st;

    if ((st = new_node(p, N_OR, open != NONE ? open : 0, &or_node)) != TL_OK
        || (st = new_node(p, N_AND, p->nodes[or_node].pos, &and_node))
           != TL_OK)
        return st;
    for (;;) {
        const struct lexeme *l;
        enum lx_kind next;

        st = need(p, 1);
        if (st != TL_OK)
            return st;
        l = &p->lx[p->at];
        next = p->lx[p->at + 1].kind;
        if (l->kind == LX_END) {
            if (open != NONE)
                return query_error(p, open, "unclosed parenthesis; add a "
                                   "closing ) or remove the (");
            break;
        }
        if (l->kind == LX_RPAREN) {
            if (open == NONE)
                return query_error(p, l->start, "unmatched ); remove it or "
                                   "add a ( before it");
            p->at++;
            break;
        }
        if (l->kind == LX_OR || l->kind == LX_AND) {
            const char *kw = l->kind == LX_OR ? "OR" : "AND";

            p->at++;
            if (items == 0)
                st = add_note(p, "ignored %s at position %zu: nothing "
                              "before it", kw, column(p, l->start));
            else if (ends_operand(next))
                st = add_note(p, "ignored %s at position %zu: nothing "
                              "after it", kw, column(p, l->start));
            else if (l->kind == LX_OR) {
                append_child(p, or_node, and_node);
                st = new_node(p, N_AND, l->start, &and_node);
                items = 0;
                if (open == NONE)
                    p->top_or = 1;
            }
            if (st != TL_OK)
                return st;
            continue;
        }
        st = parse_unary(p, depth, &child);
        if (st != TL_OK)
            return st;
        items++;
        if (child != NONE)
            append_child(p, and_node, child);
    }
    append_child(p, or_node, and_node);
    *out = or_node;
    return TL_OK;
}

/* ---- simplifying -------------------------------------------------------- */

/* Drops empty groups, replaces a group of one by its child, and splices
 * an AND's AND children (an OR's OR children) into it.  Returns the node
 * that stands for n, or NONE when nothing is left of it. */
static size_t
simplify(struct parser *p, size_t n)
{
    struct node *nd = &p->nodes[n];
    size_t c = nd->first, first = NONE, last = NONE, count = 0;

    if (nd->kind == N_PHRASE || nd->kind == N_NEAR)
        return n;
    while (c != NONE) {
        size_t next = p->nodes[c].next, s = simplify(p, c);

        if (s != NONE && p->nodes[s].kind == p->nodes[n].kind
            && !p->nodes[s].neg) {
            /* splice s's children */
            for (size_t g = p->nodes[s].first; g != NONE;) {
                size_t gn = p->nodes[g].next;
                p->nodes[g].next = NONE;
                if (last == NONE)
                    first = g;
                else
                    p->nodes[last].next = g;
                last = g;
                count++;
                g = gn;
            }
        } else if (s != NONE) {
            p->nodes[s].next = NONE;
            if (last == NONE)
                first = s;
            else
                p->nodes[last].next = s;
            last = s;
            count++;
        }
        c = next;
    }
    nd = &p->nodes[n];
    nd->first = first;
    nd->last = last;
    if (count == 0)
        return NONE;
    if (count == 1) {
        struct node *only = &p->nodes[first];
        if (nd->neg) {
            only->neg = !only->neg;
            only->neg_pos = nd->neg_pos;
        }
        return first;
    }
    return n;
}

/* ---- writing the FTS5 expression ---------------------------------------- */

/* Appends (s, n) as an FTS5 string: in double quotes, '"' doubled. */
static enum tl_status
append_quoted(struct tl_buf *b, const char *s, size_t n)
{
    enum tl_status st = tl_buf_append(b, "\"", 1);

    while (st == TL_OK && n > 0) {
        const char *q = memchr(s, '"', n);
        size_t k = q != NULL ? (size_t)(q - s) + 1 : n;

        st = tl_buf_append(b, s, k);
        if (st == TL_OK && q != NULL)
            st = tl_buf_append(b, "\"", 1);
        s += k;
        n -= k;
    }
    if (st == TL_OK)
        st = tl_buf_append(b, "\"", 1);
    return st;
}

static enum tl_status
emit_phrase(struct parser *p, const struct node *n, struct tl_buf *b)
{
    enum tl_status st = TL_OK;

    if (n->title)
        st = tl_buf_append(b, "{title} : ", 10);
    if (st == TL_OK && n->group != NONE) {
        size_t k = tl_synonyms_group_size(p->syn, n->group);

        st = tl_buf_append(b, "(", 1);
        for (size_t i = 0; st == TL_OK && i < k; i++) {
            const char *name = tl_synonyms_name(p->syn, n->group, i);
            if (i > 0)
                st = tl_buf_append(b, " OR ", 4);
            if (st == TL_OK)
                st = append_quoted(b, name, strlen(name));
        }
        if (st == TL_OK)
            st = tl_buf_append(b, ")", 1);
    } else if (st == TL_OK) {
        st = append_quoted(b, p->pool.data + n->text_off, n->text_len);
        if (st == TL_OK && n->prefix)
            st = tl_buf_append(b, "*", 1);
    }
    return st;
}

static enum tl_status emit(struct parser *p, size_t n, int any,
                           struct tl_buf *b);

/* Node n as an operand of AND, OR or NOT: groups in parentheses. */
static enum tl_status
emit_operand(struct parser *p, size_t n, struct tl_buf *b)
{
    enum tl_status st;

    if (p->nodes[n].kind != N_AND && p->nodes[n].kind != N_OR)
        return emit(p, n, 0, b);
    if (tl_buf_append(b, "(", 1) != TL_OK)
        return no_memory(p);
    st = emit(p, n, 0, b);
    if (st == TL_OK && tl_buf_append(b, ")", 1) != TL_OK)
        return no_memory(p);
    return st;
}

/* Appends sep unless *first; clears *first. */
static enum tl_status
separate(struct parser *p, int *first, const char *sep, struct tl_buf *b)
{
    if (!*first && tl_buf_append(b, sep, strlen(sep)) != TL_OK)
        return no_memory(p);
    *first = 0;
    return TL_OK;
}

/* An AND: its positive children AND-ed, then NOT each negated one.  When
 * any, the positive children other than title: words are OR-ed instead,
 * as one operand. */
/* With TL_QUERY_ANY, are the stopwords among AND node n's plain words
 * left out of the OR of its words?  When some other plain word is there:
 * a stopword weighs 0 beside it (lib/rank.c) and adds nothing to the
 * proximity score, so the ranking is the same, and the passages that
 * only a stopword matched (all of them, nearly: "why", "did") would
 * score 0 and be left out anyway; they are just never visited.  A list
 * of stopwords only keeps them (they are then what is searched for). */
/* A plain one-word stopword, searched as written (no synonyms, no
 * prefix): weighed 0 by tl_bm25() whatever it matches. */
static int
plain_stopword(const struct node *cn)
{
    return cn->kind == N_PHRASE && cn->stop && !cn->title && !cn->prefix
           && cn->group == NONE;
}

static int
any_drops_stopwords(const struct parser *p, size_t n)
{
    int stop = 0, other = 0;

    for (size_t c = p->nodes[n].first; c != NONE; c = p->nodes[c].next) {
        const struct node *cn = &p->nodes[c];
        if (cn->neg || (cn->kind == N_PHRASE && cn->title))
            continue;
        if (plain_stopword(cn))
            stop = 1;
        else
            other = 1;
    }
    return stop && other;
}

static enum tl_status
emit_and(struct parser *p, size_t n, int any, struct tl_buf *b)
{
    size_t n_plain = 0, n_title = 0, n_neg = 0, units, first_neg = NONE;
    int first = 1, wrap_all, wrap_any;
    int drop = any && any_drops_stopwords(p, n);
    enum tl_status st = TL_OK;

    for (size_t c = p->nodes[n].first; c != NONE; c = p->nodes[c].next) {
        const struct node *cn = &p->nodes[c];
        if (cn->neg) {
            if (first_neg == NONE)
                first_neg = c;
            n_neg++;
        } else if (cn->kind == N_PHRASE && cn->title) {
            n_title++;
        } else if (!(drop && plain_stopword(cn))) {
            n_plain++;
        }
    }
    units = (any ? n_plain > 0 : n_plain) + n_title;
    if (units == 0)
        return query_error(p, p->nodes[first_neg].neg_pos,
                           "%s needs at least one word to find; NOT only "
                           "excludes", n == p->root ? "a query" : "a group");
    wrap_all = n_neg > 0 && units > 1;
    wrap_any = any && n_plain > 1 && (units > 1 || n_neg > 0);
    if (wrap_all && tl_buf_append(b, "(", 1) != TL_OK)
        return no_memory(p);
    if (any && n_plain > 0) {
        if (wrap_any && tl_buf_append(b, "(", 1) != TL_OK)
            return no_memory(p);
        for (size_t c = p->nodes[n].first; st == TL_OK && c != NONE;
             c = p->nodes[c].next) {
            const struct node *cn = &p->nodes[c];
            if (cn->neg || (cn->kind == N_PHRASE && cn->title)
                || (drop && plain_stopword(cn)))
                continue;
            st = separate(p, &first, " OR ", b);
            if (st == TL_OK)
                st = emit_operand(p, c, b);
        }
        if (st == TL_OK && wrap_any && tl_buf_append(b, ")", 1) != TL_OK)
            return no_memory(p);
    }
    for (size_t c = p->nodes[n].first; st == TL_OK && c != NONE;
         c = p->nodes[c].next) {
        const struct node *cn = &p->nodes[c];
        int title = cn->kind == N_PHRASE && cn->title;
        if (cn->neg || (any && !title))
            continue;
        st = separate(p, &first, " AND ", b);
        if (st == TL_OK)
            st = emit_operand(p, c, b);
    }
    if (st == TL_OK && wrap_all && tl_buf_append(b, ")", 1) != TL_OK)
        return no_memory(p);
    for (size_t c = p->nodes[n].first; st == TL_OK && c != NONE;
         c = p->nodes[c].next) {
        if (!p->nodes[c].neg)
            continue;
        if (tl_buf_append(b, " NOT ", 5) != TL_OK)
            return no_memory(p);
        st = emit_operand(p, c, b);
    }
    return st;
}

/* Writes node n (its negation aside: the caller's business). */
static enum tl_status
emit(struct parser *p, size_t n, int any, struct tl_buf *b)
{
    const struct node *nd = &p->nodes[n];
    enum tl_status st = TL_OK;
    int first = 1;

    switch (nd->kind) {
    case N_PHRASE:
        if (emit_phrase(p, nd, b) != TL_OK)
            return no_memory(p);
        break;
    case N_NEAR:
        st = tl_buf_append(b, "NEAR(", 5);
        for (size_t c = nd->first; st == TL_OK && c != NONE;
             c = p->nodes[c].next) {
            if (c != nd->first)
                st = tl_buf_append(b, " ", 1);
            if (st == TL_OK)
                st = emit_phrase(p, &p->nodes[c], b);
        }
        if (st == TL_OK)
            st = tl_buf_appendf(b, ", %ld)", nd->distance);
        if (st != TL_OK)
            return no_memory(p);
        break;
    case N_AND:
        return emit_and(p, n, any, b);
    case N_OR:
        for (size_t c = nd->first; c != NONE; c = p->nodes[c].next) {
            if (p->nodes[c].neg)
                return query_error(p, p->nodes[c].neg_pos, "NOT cannot be "
                                   "an alternative of OR, since it only "
                                   "excludes; exclude from the whole group "
                                   "instead, e.g. (cpec OR gwadar) -china");
            st = separate(p, &first, " OR ", b);
            if (st == TL_OK)
                st = emit_operand(p, c, b);
            if (st != TL_OK)
                return st;
        }
        break;
    }
    return st;
}

/* ---- the words searched for --------------------------------------------- */

/* Adds (s, n) to q->words unless it is there already. */
static enum tl_status
add_word(struct parser *p, const char *s, size_t n)
{
    struct tl_query *q = p->q;
    size_t mask, i;

    if ((q->n_words + 1) * 2 > p->n_word_slots) {
        size_t cap = p->n_word_slots != 0 ? p->n_word_slots * 2 : 64;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return no_memory(p);
        for (size_t w = 0; w < q->n_words; w++) {
            i = (size_t)tl_hash_bytes(q->words[w], strlen(q->words[w]))
                & (cap - 1);
            while (slots[i] != 0)
                i = (i + 1) & (cap - 1);
            slots[i] = (uint32_t)(w + 1);
        }
        free(p->word_slots);
        p->word_slots = slots;
        p->n_word_slots = cap;
    }
    mask = p->n_word_slots - 1;
    for (i = (size_t)tl_hash_bytes(s, n) & mask; p->word_slots[i] != 0;
         i = (i + 1) & mask) {
        const char *w = q->words[p->word_slots[i] - 1];
        if (strlen(w) == n && memcmp(w, s, n) == 0)
            return TL_OK;
    }
    if (push_string(&q->words, &q->n_words, s, n) != TL_OK)
        return no_memory(p);
    p->word_slots[i] = (uint32_t)q->n_words;
    return TL_OK;
}

static enum tl_status
collect_phrase(struct parser *p, const struct node *n)
{
    if (!n->prefix)
        return add_word(p, p->pool.data + n->text_off, n->text_len);
    tl_buf_reset(&p->key);
    if (tl_buf_append(&p->key, p->pool.data + n->text_off, n->text_len)
        != TL_OK || tl_buf_append(&p->key, "*", 1) != TL_OK)
        return no_memory(p);
    return add_word(p, p->key.data, p->key.len);
}

/* Adds the phrases under n that are searched for (not excluded). */
static enum tl_status
collect_words(struct parser *p, size_t n, int neg)
{
    const struct node *nd = &p->nodes[n];
    enum tl_status st = TL_OK;

    neg ^= nd->neg;
    if (neg)
        return TL_OK;
    if (nd->kind == N_PHRASE)
        return collect_phrase(p, nd);
    for (size_t c = nd->first; st == TL_OK && c != NONE;
         c = p->nodes[c].next)
        st = nd->kind == N_NEAR ? collect_phrase(p, &p->nodes[c])
                                : collect_words(p, c, 0);
    return st;
}

/* ---- passages that would score 0 ---------------------------------------- */

/* Can a passage match node n (not negated) through stopword phrases
 * alone?  any: n is the root written with TL_QUERY_ANY (its plain words
 * OR-ed, its title: words still AND-ed: see emit_and()). */
static int
can_match_stopwords_only(const struct parser *p, size_t n, int any)
{
    const struct node *nd = &p->nodes[n];
    int plain = 0, plain_zero = 0, all = 1;

    switch (nd->kind) {
    case N_PHRASE:
        return nd->stop;
    case N_NEAR:
        for (size_t c = nd->first; c != NONE; c = p->nodes[c].next)
            all &= p->nodes[c].stop;
        return all;
    case N_OR:
        for (size_t c = nd->first; c != NONE; c = p->nodes[c].next)
            if (!p->nodes[c].neg && can_match_stopwords_only(p, c, 0))
                return 1;
        return 0;
    case N_AND:
        for (size_t c = nd->first; c != NONE; c = p->nodes[c].next) {
            const struct node *cn = &p->nodes[c];
            int zero;
            if (cn->neg)
                continue;       /* excluded: never what matched */
            if (any && plain_stopword(cn) && any_drops_stopwords(p, n))
                continue;       /* not searched for (emit_and()) */
            zero = can_match_stopwords_only(p, c, 0);
            if (any && !(cn->kind == N_PHRASE && cn->title)) {
                plain++;
                plain_zero |= zero;
            } else {
                all &= zero;
            }
        }
        return all && (plain == 0 || plain_zero);
    }
    return 0;
}

/* Is some phrase searched for under n (not excluded) not a stopword? */
static int
has_other_words(const struct parser *p, size_t n, int neg)
{
    const struct node *nd = &p->nodes[n];

    neg ^= nd->neg;
    if (neg)
        return 0;
    if (nd->kind == N_PHRASE)
        return !nd->stop;
    for (size_t c = nd->first; c != NONE; c = p->nodes[c].next)
        if (nd->kind == N_NEAR ? !p->nodes[c].stop
                               : has_other_words(p, c, 0))
            return 1;
    return 0;
}

/* ---- the public functions ----------------------------------------------- */

void
tl_query_init(struct tl_query *q)
{
    memset(q, 0, sizeof *q);
}

static void
free_strings(char **a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i]);
    free(a);
}

void
tl_query_release(struct tl_query *q)
{
    if (q == NULL)
        return;
    free(q->match);
    free(q->any_match);
    free_strings(q->authors, q->n_authors);
    free_strings(q->topics, q->n_topics);
    free_strings(q->notes, q->n_notes);
    free_strings(q->words, q->n_words);
    tl_query_init(q);
}

/* The lone-word rewrites: a query of just "-word", or just OR, AND or
 * NOT, is searched as that word. */
static enum tl_status
lint_alone(struct parser *p)
{
    struct lexeme *l;
    enum tl_status st = need(p, 2);

    if (st != TL_OK)
        return st;
    l = p->lx;
    if (l[0].kind == LX_MINUS && l[1].kind == LX_WORD
        && l[2].kind == LX_END) {
        p->at = 1;
        return add_note(p, "searched %.*s as a word: '-' excludes a word, "
                        "and there is nothing else to find",
                        quote_len(p->text + l[0].start,
                                  l[1].end - l[0].start),
                        p->text + l[0].start);
    }
    if ((l[0].kind == LX_OR || l[0].kind == LX_AND || l[0].kind == LX_NOT)
        && l[1].kind == LX_END) {
        l[0].kind = LX_WORD;
        return add_note(p, "searched %.*s as a word",
                        (int)(l[0].end - l[0].start), p->text + l[0].start);
    }
    return TL_OK;
}

static enum tl_status
run(struct parser *p)
{
    struct tl_buf b;
    size_t root;
    enum tl_status st;

    if (p->len > TL_QUERY_MAX)
        return query_error(p, 0, "the query is too long (%zu bytes; at most "
                           "%zu)", p->len, TL_QUERY_MAX);
    st = tl_tokenizer_each(p->db, p->text, (int)p->len, FTS5_TOKENIZE_QUERY,
                           on_token, p, p->err);
    if (st != TL_OK)
        return st;
    if (p->tok_st != TL_OK)
        return no_memory(p);
    st = lint_alone(p);
    if (st == TL_OK)
        st = parse_group(p, 0, NONE, &root);
    if (st != TL_OK)
        return st;
    if (p->top_or && p->filter_pos != NONE)
        return query_error(p, p->filter_pos, "%s: applies to the whole "
                           "query, so it cannot be a side of OR; put the OR "
                           "in parentheses, e.g. author:kugelman (cpec OR "
                           "gwadar)", filter_names[p->filter_kind]);
    root = simplify(p, root);
    if (root == NONE) {
        if (p->filter_pos != NONE)
            return TL_OK;           /* filters only */
        return query_error(p, skip_spaces(p, 0), "nothing to search for; "
                           "a word needs a letter or a digit");
    }
    p->root = root;
    if (p->nodes[root].neg)
        return query_error(p, p->nodes[root].neg_pos, "a query needs at "
                           "least one word to find; NOT only excludes");
    tl_buf_init(&b, 0);
    st = emit(p, root, 0, &b);
    if (st == TL_OK) {
        p->q->match = strdup(b.data);
        tl_buf_reset(&b);
        st = emit(p, root, 1, &b);
    }
    if (st == TL_OK) {
        p->q->any_match = strdup(b.data);
        if (p->q->match == NULL || p->q->any_match == NULL)
            st = no_memory(p);
    }
    tl_buf_release(&b);
    if (st == TL_OK && (p->flags & TL_QUERY_ANY)) {
        free(p->q->match);
        p->q->match = strdup(p->q->any_match);
        if (p->q->match == NULL)
            st = no_memory(p);
    }
    if (st == TL_OK)
        st = collect_words(p, root, 0);
    if (st == TL_OK && has_other_words(p, root, 0)) {
        p->q->any_zero_scores = can_match_stopwords_only(p, root, 1);
        p->q->zero_scores = (p->flags & TL_QUERY_ANY)
                            ? p->q->any_zero_scores
                            : can_match_stopwords_only(p, root, 0);
    }
    return st;
}

enum tl_status
tl_query_parse(sqlite3 *db, const char *text, int flags,
               const struct tl_synonyms *syn, struct tl_query *q,
               struct tl_error *err)
{
    struct parser p;
    enum tl_status st;

    memset(&p, 0, sizeof p);
    p.db = db;
    p.text = text != NULL ? text : "";
    p.len = strlen(p.text);
    p.flags = flags;
    p.syn = syn;
    p.q = q;
    p.err = err;
    p.filter_pos = NONE;
    p.col = 1;
    tl_buf_init(&p.stems, 0);
    tl_buf_init(&p.pool, 0);
    tl_buf_init(&p.key, 0);
    tl_query_release(q);
    st = run(&p);
    free(p.toks);
    free(p.lx);
    free(p.nodes);
    free(p.word_slots);
    tl_buf_release(&p.stems);
    tl_buf_release(&p.pool);
    tl_buf_release(&p.key);
    if (st != TL_OK)
        tl_query_release(q);
    return st;
}
