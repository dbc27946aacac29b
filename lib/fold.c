/*
 * fold.c - names compared as the index compares words: tl_search_fold()
 * folds case and accents (through FTS5's unicode61, with the options
 * lib/tokenizer.c gives its parent) and joins apostrophes and dotted
 * letters, without stemming; the SQL function tl_fold() applies it, so
 * that author and topic filters (lib/search.c) ignore case and accents
 * in any script.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

/* ---- folding names ---------------------------------------------------- */

/* unicode61 with the options lib/tokenizer.c gives its parent, so that
 * words break where the index's words do. */
static const char *const fold_args[] = {
    "remove_diacritics", "2", "categories", "L* N* Co M*",
    "separators", "\xca\xbc",
};

struct tl_search_fold {
    fts5_tokenizer methods;
    Fts5Tokenizer *tok;
};

/* One tl_search_fold() call. */
struct fold_call {
    const char *text;
    struct tl_buf *out;
    size_t start_len;       /* out->len on entry */
    int words;              /* tokens written */
    int end;                /* the last token's end in text */
    int acronym;            /* the word so far is single letters and dots */
    int closed;             /* a possessive ended the word */
    enum tl_status st;
};

/* Length in bytes of the apostrophe at p (n bytes), or 0: ' ’ ʼ. */
static int
apostrophe_len(const unsigned char *p, int n)
{
    if (n >= 1 && p[0] == '\'')
        return 1;
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99)
        return 3;
    if (n >= 2 && p[0] == 0xCA && p[1] == 0xBC)
        return 2;
    return 0;
}

/* Is the token one character that is not a digit? */
static int
one_letter(const char *tok, int n)
{
    const unsigned char *p = (const unsigned char *)tok;

    if (n <= 0)
        return 0;
    if (p[0] < 0x80)
        return n == 1 && !(p[0] >= '0' && p[0] <= '9');
    return n == (p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1);
}

static int
on_fold_token(void *ctx, int tflags, const char *tok, int n, int start,
              int end)
{
    struct fold_call *c = ctx;
    const unsigned char *gap = (const unsigned char *)c->text + c->end;
    int gap_len = start - c->end;

    (void)tflags;
    if (n <= 0)
        return SQLITE_OK;
    if (c->words > 0 && !c->closed && gap_len > 0
        && apostrophe_len(gap, gap_len) == gap_len) {
        c->end = end;
        c->acronym = 0;
        if (n == 1 && tok[0] == 's') {
            c->closed = 1;              /* Pakistan's -> pakistan */
            return SQLITE_OK;
        }
        c->st = tl_buf_append(c->out, tok, (size_t)n);     /* dont */
        return c->st == TL_OK ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (c->words > 0 && c->acronym && gap_len == 1 && gap[0] == '.'
        && one_letter(tok, n)) {
        c->end = end;                   /* U.S -> us */
        c->st = tl_buf_append(c->out, tok, (size_t)n);
        return c->st == TL_OK ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (c->words > 0)
        c->st = tl_buf_append(c->out, " ", 1);
    if (c->st == TL_OK)
        c->st = tl_buf_append(c->out, tok, (size_t)n);
    c->words++;
    c->end = end;
    c->closed = 0;
    c->acronym = one_letter(tok, n);
    return c->st == TL_OK ? SQLITE_OK : SQLITE_NOMEM;
}

enum tl_status
tl_search_fold_new(sqlite3 *db, struct tl_search_fold **out,
                   struct tl_error *err)
{
    fts5_api *api = tl_fts5_api(db);
    struct tl_search_fold *f;
    void *user = NULL;
    int rc;

    *out = NULL;
    if (api == NULL)
        return tl_error_set(err, TL_ERR_DB, "this SQLite has no FTS5");
    f = calloc(1, sizeof *f);
    if (f == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    rc = api->xFindTokenizer(api, "unicode61", &user, &f->methods);
    if (rc == SQLITE_OK)
        rc = f->methods.xCreate(user, (const char **)fold_args,
                                (int)(sizeof fold_args / sizeof *fold_args),
                                &f->tok);
    if (rc != SQLITE_OK) {
        free(f);
        return tl_error_set(err, TL_ERR_DB, "cannot create the unicode61 "
                            "tokenizer: %s", sqlite3_errstr(rc));
    }
    *out = f;
    return TL_OK;
}

void
tl_search_fold_free(struct tl_search_fold *f)
{
    if (f == NULL)
        return;
    if (f->tok != NULL)
        f->methods.xDelete(f->tok);
    free(f);
}

enum tl_status
tl_search_fold(struct tl_search_fold *f, const char *text, size_t len,
               struct tl_buf *out, struct tl_error *err)
{
    struct fold_call c;
    int rc;

    if (len > INT_MAX)
        return tl_error_set(err, TL_ERR_USAGE, "text too long to fold");
    memset(&c, 0, sizeof c);
    c.text = text;
    c.out = out;
    c.start_len = out->len;
    c.st = TL_OK;
    /* an empty out still ends up a string */
    if (tl_buf_append(out, "", 0) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    rc = f->methods.xTokenize(f->tok, &c, FTS5_TOKENIZE_DOCUMENT, text,
                              (int)len, on_fold_token);
    if (c.st != TL_OK || rc != SQLITE_OK) {
        out->len = c.start_len;
        if (out->data != NULL)
            out->data[out->len] = '\0';
        return c.st != TL_OK ? tl_error_set(err, TL_ERR_NOMEM, "out of "
                                            "memory")
                             : tl_error_set(err, TL_ERR_DB, "folding: %s",
                                            sqlite3_errstr(rc));
    }
    return TL_OK;
}

/* tl_fold(text)'s user data: the folder, and the last value folded
 * (passages come grouped by article, so an article's author is folded
 * once for all its hits). */
struct fold_fn {
    struct tl_search_fold *f;
    struct tl_buf in, out;
    int have;
};

static void
fold_fn_free(void *p)
{
    struct fold_fn *ff = p;

    if (ff == NULL)
        return;
    tl_search_fold_free(ff->f);
    tl_buf_release(&ff->in);
    tl_buf_release(&ff->out);
    free(ff);
}

static void
fold_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct fold_fn *ff = sqlite3_user_data(ctx);
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    size_t len = (size_t)sqlite3_value_bytes(argv[0]);
    struct tl_error err = { 0 };

    (void)argc;
    if (text == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (!ff->have || ff->in.len != len
        || memcmp(ff->in.data, text, len) != 0) {
        ff->have = 0;
        tl_buf_reset(&ff->in);
        tl_buf_reset(&ff->out);
        if (tl_buf_append(&ff->in, text, len) != TL_OK) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        if (tl_search_fold(ff->f, text, len, &ff->out, &err) != TL_OK) {
            sqlite3_result_error(ctx, err.msg, -1);
            return;
        }
        ff->have = 1;
    }
    sqlite3_result_text(ctx, ff->out.data, (int)ff->out.len,
                        SQLITE_TRANSIENT);
}

enum tl_status
tl_search_fold_register(sqlite3 *db, struct tl_error *err)
{
    sqlite3_stmt *probe = NULL;
    struct fold_fn *ff;
    enum tl_status st;

    if (sqlite3_prepare_v2(db, "SELECT tl_fold('')", -1, &probe, NULL)
        == SQLITE_OK) {
        sqlite3_finalize(probe);
        return TL_OK;
    }
    ff = calloc(1, sizeof *ff);
    if (ff == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    tl_buf_init(&ff->in, 0);
    tl_buf_init(&ff->out, 0);
    st = tl_search_fold_new(db, &ff->f, err);
    if (st != TL_OK) {
        fold_fn_free(ff);
        return st;
    }
    /* on failure SQLite calls the destructor itself */
    if (sqlite3_create_function_v2(db, "tl_fold", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC
                                   | SQLITE_INNOCUOUS, ff, fold_sql, NULL,
                                   NULL, fold_fn_free) != SQLITE_OK)
        return tl_error_db(err, db, "defining tl_fold()");
    return TL_OK;
}

enum tl_status
tl_search_topic_known(sqlite3 *db, const char *name, int *known_out,
                      struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int rc;

    *known_out = 0;
    rs = tl_search_fold_register(db, err);
    if (rs != TL_OK)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM topics WHERE tl_fold(name) = "
                           "tl_fold(?1)", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading topics");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *known_out = 1;
    else if (rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading topics");
    sqlite3_finalize(st);
    return rs;
}
