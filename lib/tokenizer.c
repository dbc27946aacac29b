/*
 * tokenizer.c - the "snowball" FTS5 tokenizer.
 *
 * It wraps FTS5's own unicode61 tokenizer, as FTS5's porter tokenizer
 * does, and post-processes its tokens:
 *
 *   unicode61 (categories L* N* Co M*, remove_diacritics 2)
 *       letters and digits of any script form tokens, combining marks stay
 *       inside their word (so Devanagari or Arabic words are not cut),
 *       case is folded and diacritics removed: Peshāwar -> peshawar.
 *   join across one apostrophe (' ’ ʼ) between two tokens
 *       Pakistan's / Pakistan’s -> pakistan (a possessive "s" is dropped);
 *       don't -> dont, O'Brien -> obrien.
 *   join dotted acronyms: single letters joined by single dots
 *       U.S. -> us, U.S.-Pakistan -> us, pakistan.
 *   Snowball English stemming (libstemmer_c), one sb_stemmer per
 *       tokenizer instance: negotiations, negotiating -> negoti; a small
 *       word -> stem cache per instance saves most of the stemming.
 *
 * Hyphens and other punctuation separate tokens (unicode61), so
 * China-Pakistan -> china, pakistan, and F-16 -> f, 16.
 *
 * Byte offsets reported to FTS5 are the parent's offsets into the original
 * text (a joined token spans all of its parts), so highlight() and
 * snippet() mark the words as they were written.
 *
 * This file is also compiled into the loadable SQLite extension
 * (ext/extension.c) with TL_SQLITE_EXTENSION defined; SQLite is then
 * reached only through the extension API table.
 */
#ifdef TL_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
#include <sqlite3.h>
#endif

#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "hash_word.h"
#include "talaash.h"

#define PARENT_NAME "unicode61"

static const char *const parent_args[] = {
    "remove_diacritics", "2", "categories", "L* N* Co M*",
    "separators", "\xca\xbc",    /* ʼ U+02BC is a letter (Lm) otherwise */
};

/* Stemming is most of the tokenizer's work, and most words recur (Zipf):
 * a direct-mapped cache of word -> stem saves it.  Words up to
 * CACHE_WORD bytes are cached; a slot holds the last word that hashed to
 * it. */
#define CACHE_SLOTS 8192                /* default; a power of two */
#define CACHE_WORD 23

/* Slots of the caches made from now on (tl_tokenizer_cache_slots()). */
static int cache_slots = CACHE_SLOTS;

struct cache_slot {
    unsigned char word_len;             /* 0: empty */
    unsigned char stem_len;
    char word[CACHE_WORD];
    char stem[CACHE_WORD];
};

struct snowball {
    fts5_tokenizer parent;          /* the parent's methods */
    Fts5Tokenizer *parent_tok;
    struct sb_stemmer *stemmer;
    char *scratch;                  /* the pending token; TL_TOKEN_MAX */
    struct cache_slot *cache;       /* cache_mask + 1 slots, or NULL */
    unsigned cache_mask;
    struct tl_tally *tally;         /* the connection's, NULL: none */
};

/* State of one xTokenize() call: the token being built. */
struct call {
    struct snowball *sb;
    void *ctx;
    int (*x_token)(void *, int, const char *, int, int, int);
    const char *text;
    int pending;        /* a token is waiting in sb->scratch */
    int len;            /* its bytes in scratch */
    int start, end;     /* its byte range in text */
    int acronym;        /* it is single letters joined by '.' */
    int closed;         /* a possessive ended it: nothing more joins */
    int emitted;        /* tokens handed to x_token */
};

/* Length in bytes of the apostrophe at p (n bytes), or 0. */
static int
apostrophe_len(const unsigned char *p, int n)
{
    if (n >= 1 && p[0] == '\'')
        return 1;
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99) /* ’ */
        return 3;
    if (n >= 2 && p[0] == 0xCA && p[1] == 0xBC)                 /* ʼ */
        return 2;
    return 0;
}

/* Is the token one character that is not a digit?  (A folded letter.) */
static int
is_one_letter(const char *tok, int n)
{
    const unsigned char *p = (const unsigned char *)tok;
    int clen;

    if (n <= 0)
        return 0;
    if (p[0] < 0x80)
        return n == 1 && !(p[0] >= '0' && p[0] <= '9');
    clen = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;
    return n == clen;
}

/* Appends tok to the pending token, cutting at TL_TOKEN_MAX bytes on a
 * character boundary. */
static void
pending_append(struct call *c, const char *tok, int n)
{
    int room = TL_TOKEN_MAX - c->len;

    if (n > room) {
        n = room;
        /* do not split a UTF-8 sequence: back off continuation bytes */
        while (n > 0 && ((unsigned char)tok[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0) {
        memcpy(c->sb->scratch + c->len, tok, (size_t)n);
        c->len += n;
    }
}

static int
has_letter(const char *tok, int n)
{
    for (int i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)tok[i];
        if (ch >= 0x80 || (ch >= 'a' && ch <= 'z'))
            return 1;
    }
    return 0;
}

/* The stem of word (n bytes): from the cache, or from Snowball (and then
 * remembered).  NULL when Snowball runs out of memory. */
static const char *
stem(struct snowball *sb, const char *word, int n, int *len_out)
{
    struct cache_slot *slot = NULL;
    const sb_symbol *s;
    int len;

    if (sb->cache != NULL && n <= CACHE_WORD) {
        slot = &sb->cache[tl_hash_word(word, (size_t)n) & sb->cache_mask];
        if (slot->word_len == n && tl_same_word(slot->word, word, (size_t)n)) {
            *len_out = slot->stem_len;
            return slot->stem;
        }
    }
    s = sb_stemmer_stem(sb->stemmer, (const sb_symbol *)word, n);
    if (s == NULL)
        return NULL;
    len = sb_stemmer_length(sb->stemmer);
    if (slot != NULL && len <= CACHE_WORD) {
        slot->word_len = (unsigned char)n;
        memcpy(slot->word, word, (size_t)n);
        slot->stem_len = (unsigned char)len;
        memcpy(slot->stem, s, (size_t)len);
    }
    *len_out = len;
    return (const char *)s;
}

/* Stems the pending token and hands it to FTS5. */
static int
flush(struct call *c)
{
    const char *out = c->sb->scratch;
    int n = c->len;

    c->pending = 0;
    if (n <= 0)
        return SQLITE_OK;
    if (n <= TL_STEM_MAX && has_letter(out, n)) {
        out = stem(c->sb, out, n, &n);
        if (out == NULL)
            return SQLITE_NOMEM;
    }
    c->emitted++;
    return c->x_token(c->ctx, 0, out, n, c->start, c->end);
}

static void
pending_start(struct call *c, const char *tok, int n, int start, int end)
{
    c->pending = 1;
    c->len = 0;
    c->start = start;
    c->end = end;
    c->closed = 0;
    c->acronym = is_one_letter(tok, n);
    pending_append(c, tok, n);
}

/* Receives each token of the parent (unicode61). */
static int
on_parent_token(void *ctx, int tflags, const char *tok, int n, int start,
                int end)
{
    struct call *c = ctx;
    const unsigned char *gap;
    int gap_len, rc;

    (void)tflags;
    if (n <= 0)
        return SQLITE_OK;   /* a lone combining mark folds to nothing */
    if (!c->pending) {
        pending_start(c, tok, n, start, end);
        return SQLITE_OK;
    }
    gap = (const unsigned char *)c->text + c->end;
    gap_len = start - c->end;

    if (!c->closed && gap_len > 0 && apostrophe_len(gap, gap_len) == gap_len) {
        if (n == 1 && tok[0] == 's') {
            c->closed = 1;          /* possessive: Pakistan's -> pakistan */
        } else {
            pending_append(c, tok, n);  /* don't -> dont */
        }
        c->end = end;
        c->acronym = 0;
        return SQLITE_OK;
    }
    if (c->acronym && gap_len == 1 && gap[0] == '.' && is_one_letter(tok, n)) {
        pending_append(c, tok, n);  /* U.S -> us */
        c->end = end;
        return SQLITE_OK;
    }
    rc = flush(c);
    if (rc != SQLITE_OK)
        return rc;
    pending_start(c, tok, n, start, end);
    return SQLITE_OK;
}

/* The replay the caller set for text, or NULL: the same length and
 * bytes (FTS5 may hand over the bound text itself or a copy). */
static const struct tl_replay *
replay_of(const struct tl_tally *t, const char *text, int len)
{
    for (int i = 0; i < t->n_replay && i < TL_TALLY_COLUMNS; i++) {
        const struct tl_replay *r = &t->replay[i];
        if (r->len == len && r->toks != NULL
            && (r->text == text || len == 0
                || memcmp(r->text, text, (size_t)len) == 0))
            return r;
    }
    return NULL;
}

/* Hands FTS5 the recorded tokens of r: what tokenizing its text would. */
static int
replay(const struct tl_replay *r, void *ctx,
       int (*x_token)(void *, int, const char *, int, int, int),
       int *emitted_out)
{
    int rc = SQLITE_OK;

    *emitted_out = 0;
    for (size_t i = r->first; rc == SQLITE_OK && i < r->first + r->n; i++) {
        const struct tl_token_rec *k = &r->toks->tok[i];
        rc = x_token(ctx, 0, r->toks->bytes + k->off, (int)k->len, k->start,
                     k->end);
        (*emitted_out)++;
    }
    return rc;
}

static int
sb_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
            int len, int (*x_token)(void *, int, const char *, int, int, int))
{
    struct snowball *sb = (struct snowball *)tok;
    const struct tl_replay *r = NULL;
    struct call c;
    int rc;

    memset(&c, 0, sizeof c);
    c.sb = sb;
    c.ctx = ctx;
    c.x_token = x_token;
    c.text = text;
    if (sb->tally != NULL && sb->tally->armed && sb->tally->n_replay > 0
        && (flags & FTS5_TOKENIZE_DOCUMENT) != 0)
        r = replay_of(sb->tally, text, len);
    if (r != NULL) {
        rc = replay(r, ctx, x_token, &c.emitted);
        sb->tally->replayed++;
    } else {
        rc = sb->parent.xTokenize(sb->parent_tok, &c, flags, text, len,
                                  on_parent_token);
        if (rc == SQLITE_OK && c.pending)
            rc = flush(&c);
    }
    if (sb->tally != NULL && sb->tally->armed
        && (flags & FTS5_TOKENIZE_DOCUMENT) != 0) {
        /* one more than TL_TALLY_COLUMNS calls: n says so, the caller
         * will not trust the counts */
        if (sb->tally->n < TL_TALLY_COLUMNS)
            sb->tally->len[sb->tally->n] = c.emitted;
        if (sb->tally->n <= TL_TALLY_COLUMNS)
            sb->tally->n++;
    }
    return rc;
}

static void
sb_delete(Fts5Tokenizer *tok)
{
    struct snowball *sb = (struct snowball *)tok;

    if (sb == NULL)
        return;
    if (sb->parent_tok != NULL)
        sb->parent.xDelete(sb->parent_tok);
    sb_stemmer_delete(sb->stemmer);
    free(sb->scratch);
    free(sb->cache);
    free(sb);
}

/* What the tokenizer keeps per connection (the context given to
 * xCreateTokenizer, freed by its destructor when the connection closes):
 * the fts5_api, and the instance tl_tokenizer_each() reuses. */
struct reg {
    fts5_api *api;
    fts5_tokenizer methods;
    Fts5Tokenizer *each_tok;
    struct tl_tally tally;      /* the rows FTS5 writes (tl_tokenizer_tally) */
};

/* Arguments: optional "language NAME" (a Snowball algorithm, default
 * english). */
static int
sb_create(void *reg_ptr, const char **argv, int argc, Fts5Tokenizer **out)
{
    fts5_api *api = ((struct reg *)reg_ptr)->api;
    struct snowball *sb;
    const char *language = "english";
    void *parent_ctx = NULL;
    int rc;

    *out = NULL;
    for (int i = 0; i < argc; i += 2) {
        if (i + 1 < argc && strcmp(argv[i], "language") == 0)
            language = argv[i + 1];
        else
            return SQLITE_ERROR;
    }
    sb = calloc(1, sizeof *sb);
    if (sb == NULL)
        return SQLITE_NOMEM;
    sb->scratch = malloc(TL_TOKEN_MAX);
    sb->cache_mask = (unsigned)cache_slots - 1;
    sb->cache = cache_slots > 0                            /* optional */
                ? calloc((size_t)cache_slots, sizeof *sb->cache) : NULL;
    sb->stemmer = sb_stemmer_new(language, "UTF_8");
    if (sb->scratch == NULL || sb->stemmer == NULL) {
        rc = sb->scratch == NULL ? SQLITE_NOMEM : SQLITE_ERROR;
        goto fail;
    }
    rc = api->xFindTokenizer(api, PARENT_NAME, &parent_ctx, &sb->parent);
    if (rc != SQLITE_OK)
        goto fail;
    rc = sb->parent.xCreate(parent_ctx, (const char **)parent_args,
                            (int)(sizeof parent_args / sizeof *parent_args),
                            &sb->parent_tok);
    if (rc != SQLITE_OK) {
        sb->parent_tok = NULL;
        goto fail;
    }
    sb->tally = &((struct reg *)reg_ptr)->tally;
    *out = (Fts5Tokenizer *)sb;
    return SQLITE_OK;
fail:
    sb_delete((Fts5Tokenizer *)sb);
    return rc;
}

/* The fts5_api of db, or NULL when this SQLite has no FTS5. */
static fts5_api *
fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

fts5_api *
tl_fts5_api(sqlite3 *db)
{
    return fts5_api_of(db);
}

#ifndef TL_SQLITE_EXTENSION
void
tl_tokenizer_cache_slots(int slots)
{
    int n = 1;

    while (n < slots && n < (1 << 20))
        n *= 2;
    cache_slots = slots <= 0 ? 0 : n;
}
#endif

#ifndef TL_SQLITE_EXTENSION
/* The last connection tl_tokenizer_each() ran on, in this thread, and its
 * registration: looking the fts5_api up costs a statement, and a
 * tokenizer instance a Snowball stemmer and a cache.  Cleared when that
 * connection closes (a connection is used by one thread at a time). */
static __thread struct {
    sqlite3 *db;
    struct reg *reg;
} each_cache;
#endif

static void
reg_destroy(void *p)
{
    struct reg *reg = p;

#ifndef TL_SQLITE_EXTENSION
    if (each_cache.reg == reg) {
        each_cache.db = NULL;
        each_cache.reg = NULL;
    }
#endif
    if (reg->each_tok != NULL)
        sb_delete(reg->each_tok);
    free(reg);
}

int
tl_tokenizer_register(sqlite3 *db)
{
    fts5_tokenizer methods = { sb_create, sb_delete, sb_tokenize };
    fts5_api *api = fts5_api_of(db);
    struct reg *reg;
    int rc;

    if (api == NULL)
        return SQLITE_ERROR;
    reg = calloc(1, sizeof *reg);
    if (reg == NULL)
        return SQLITE_NOMEM;
    reg->api = api;
    reg->methods = methods;
    /* FTS5 calls reg_destroy when the connection closes; not when the
     * registration itself fails */
    rc = api->xCreateTokenizer(api, TL_TOKENIZER_NAME, reg, &methods,
                               reg_destroy);
    if (rc != SQLITE_OK)
        free(reg);
    return rc;
}

#ifndef TL_SQLITE_EXTENSION

struct each {
    tl_token_fn fn;
    void *ctx;
};

static int
on_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    struct each *e = ctx;

    (void)tflags;
    return e->fn(e->ctx, tok, n, start, end) != 0 ? SQLITE_DONE : SQLITE_OK;
}

/* db's registration, looked up once per thread and connection. */
static struct reg *
reg_of(sqlite3 *db)
{
    struct reg *reg = each_cache.db == db ? each_cache.reg : NULL;

    if (reg == NULL) {
        fts5_api *api = fts5_api_of(db);
        fts5_tokenizer methods;
        void *user = NULL;

        if (api == NULL
            || api->xFindTokenizer(api, TL_TOKENIZER_NAME, &user, &methods)
               != SQLITE_OK
            || methods.xCreate != sb_create)
            return NULL;
        reg = user;
        each_cache.db = db;
        each_cache.reg = reg;
    }
    return reg;
}

struct tl_tally *
tl_tokenizer_tally(sqlite3 *db)
{
    struct reg *reg = reg_of(db);

    return reg != NULL ? &reg->tally : NULL;
}

void
tl_tokens_init(struct tl_tokens *t)
{
    memset(t, 0, sizeof *t);
}

void
tl_tokens_release(struct tl_tokens *t)
{
    free(t->bytes);
    free(t->tok);
    tl_tokens_init(t);
}

void
tl_tokens_reset(struct tl_tokens *t)
{
    t->n_bytes = 0;
    t->n = 0;
    t->full = 0;
}

static int
on_record(void *ctx, const char *tok, int n, int start, int end)
{
    struct tl_tokens *t = ctx;
    struct tl_token_rec *k;

    if (t->n == t->cap) {
        size_t cap = t->cap != 0 ? t->cap * 2 : 256;
        struct tl_token_rec *p = realloc(t->tok, cap * sizeof *p);
        if (p == NULL)
            return t->full = 1;
        t->tok = p;
        t->cap = cap;
    }
    if (t->n_bytes + (size_t)n > t->cap_bytes) {
        size_t cap = t->cap_bytes != 0 ? t->cap_bytes * 2 : 2048;
        char *p;
        while (cap < t->n_bytes + (size_t)n)
            cap *= 2;
        if (cap > UINT32_MAX || (p = realloc(t->bytes, cap)) == NULL)
            return t->full = 1;
        t->bytes = p;
        t->cap_bytes = cap;
    }
    memcpy(t->bytes + t->n_bytes, tok, (size_t)n);
    k = &t->tok[t->n++];
    k->off = (uint32_t)t->n_bytes;
    k->len = (uint32_t)n;
    k->start = start;
    k->end = end;
    t->n_bytes += (size_t)n;
    return 0;
}

enum tl_status
tl_tokens_record(sqlite3 *db, const char *text, int len, struct tl_tokens *t,
                 struct tl_error *err)
{
    enum tl_status st;

    t->full = 0;
    st = tl_tokenizer_each(db, text, len, FTS5_TOKENIZE_DOCUMENT, on_record,
                           t, err);
    if (st == TL_OK && t->full)     /* on_record stopped it */
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory recording "
                          "tokens");
    return st;
}

enum tl_status
tl_tokenizer_each(sqlite3 *db, const char *text, int len, int flags,
                  tl_token_fn fn, void *ctx, struct tl_error *err)
{
    struct each e = { fn, ctx };
    struct reg *reg = reg_of(db);
    int rc = SQLITE_OK;

    if (reg == NULL)
        return tl_error_set(err, TL_ERR_DB, "the '%s' tokenizer is not "
                            "registered on this connection",
                            TL_TOKENIZER_NAME);
    if (reg->each_tok == NULL) {
        rc = sb_create(reg, NULL, 0, &reg->each_tok);
        if (rc == SQLITE_OK)        /* FTS5's rows only */
            ((struct snowball *)reg->each_tok)->tally = NULL;
    }
    if (rc != SQLITE_OK)
        return tl_error_set(err, TL_ERR_DB, "cannot create the '%s' "
                            "tokenizer: %s", TL_TOKENIZER_NAME,
                            sqlite3_errstr(rc));
    rc = sb_tokenize(reg->each_tok, &e, flags, text, len, on_token);
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        return tl_error_set(err, TL_ERR_DB, "tokenizing: %s",
                            sqlite3_errstr(rc));
    return TL_OK;
}

#endif /* TL_SQLITE_EXTENSION */
