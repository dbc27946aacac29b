/*
 * impact_forget.c - keeping the impact lists' df exact when the store
 * removes passages (impact.h, docs/topk.md).
 *
 * Before an article's passages go, their words (body, title and author,
 * as the index holds them) are taken off the df of the listed terms,
 * and the passages are recorded in impact_removed, so the delete
 * trigger does not mark the lists stale and tl_impact_update() can drop
 * them from the lists instead of rebuilding everything.  The cost grows
 * with what is removed, not with the index: the df decrements of a
 * batch are summed per term and written once, before its commit.
 */
#include <stdlib.h>
#include <string.h>

#include "impact.h"

/* The distinct tokens of one passage: offsets into text. */
struct tokens {
    struct tl_buf text;         /* the tokens, each followed by '\0' */
    size_t *at;
    const char **tok;           /* at, as pointers, once text is complete */
    size_t n, cap;
    int failed;
};

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct tokens *t = ctx;

    (void)start;
    (void)end;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        size_t *at = realloc(t->at, cap * sizeof *at);
        const char **tk;
        if (at == NULL) {
            t->failed = 1;
            return 1;
        }
        t->at = at;
        tk = realloc(t->tok, cap * sizeof *tk);
        if (tk == NULL) {
            t->failed = 1;
            return 1;
        }
        t->tok = tk;
        t->cap = cap;
    }
    t->at[t->n++] = t->text.len;
    if (tl_buf_append(&t->text, tok, (size_t)len) != TL_OK
        || tl_buf_append(&t->text, "", 1) != TL_OK) {
        t->failed = 1;
        return 1;
    }
    return 0;
}

static int
cmp_token(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What a batch of forgets takes off the listed terms' df, until it is
 * written (tl_impact_forget_flush()): one UPDATE per listed term a batch
 * touched, instead of one per passage and term (each rewrites the term's
 * row, list included: 2.9 ms an edited article at 200,000 articles). */
struct tl_impact_forgetting {
    int loaded;             /* the state and the listed terms are read */
    int live;               /* there are lists whose df must be kept */
    int64_t covered;        /* the last passage their df counts */
    char **term;            /* open addressing, size slots */
    long *count;            /* passages less (df) */
    long *acount;           /* articles less (adf) */
    int64_t *seen;          /* the article counted last */
    size_t size;
    sqlite3_stmt *rows, *rec;
};

enum tl_status
tl_impact_forgetting_new(struct tl_impact_forgetting **out,
                         struct tl_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out != NULL ? TL_OK
                        : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
}

/* Forgets what was loaded and counted (not written). */
void
tl_impact_forget_discard(struct tl_impact_forgetting *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->size; i++)
        free(f->term[i]);
    free(f->term);
    free(f->count);
    free(f->acount);
    free(f->seen);
    sqlite3_finalize(f->rows);
    sqlite3_finalize(f->rec);
    memset(f, 0, sizeof *f);
}

void
tl_impact_forgetting_free(struct tl_impact_forgetting *f)
{
    tl_impact_forget_discard(f);
    free(f);
}

/* The slot of term, or of the empty slot where it would go. */
static size_t
find_slot(const struct tl_impact_forgetting *f, const char *term)
{
    size_t i = (size_t)tl_hash_bytes(term, strlen(term)) & (f->size - 1);

    while (f->term[i] != NULL && strcmp(f->term[i], term) != 0)
        i = (i + 1) & (f->size - 1);
    return i;
}

/* Reads whether there are live lists, and their terms. */
static enum tl_status
load(sqlite3 *db, struct tl_impact_forgetting *f, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int64_t n_terms = 0;
    int rc;

    if (sqlite3_prepare_v2(db, "SELECT rows, max_passage, (SELECT count(*) "
                           "FROM impacts) FROM impact_state WHERE id = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the impact lists' state");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        f->live = sqlite3_column_int64(st, 0) >= 0;
        f->covered = sqlite3_column_int64(st, 1);
        n_terms = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the impact lists' state");
    f->loaded = 1;
    if (!f->live)
        return TL_OK;
    f->size = 64;
    while (f->size < 2 * (size_t)n_terms + 2)
        f->size *= 2;
    f->term = calloc(f->size, sizeof *f->term);
    f->count = calloc(f->size, sizeof *f->count);
    f->acount = calloc(f->size, sizeof *f->acount);
    f->seen = calloc(f->size, sizeof *f->seen);
    if (f->term == NULL || f->count == NULL || f->acount == NULL
        || f->seen == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, "SELECT term FROM impacts", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "reading the impact lists");
    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t i;
        if (t == NULL)
            continue;
        i = find_slot(f, t);
        if (f->term[i] == NULL && (f->term[i] = strdup(t)) == NULL)
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the impact lists");
    sqlite3_finalize(st);
    if (rs != TL_OK)
        return rs;
    /* passages after the last the lists cover are not in any df yet */
    /* the article's passages: those in its range that are its own
     * (schema/012-article-ranges.sql) */
    if (sqlite3_prepare_v2(db, "SELECT p.id, p.text, a.title, a.author "
                           "FROM articles AS a JOIN passage_texts AS p ON "
                           "p.id BETWEEN a.passage_first AND a.passage_last "
                           "AND p.article_id = a.id WHERE a.id = ?1 "
                           "AND p.id <= ?2", -1, &f->rows, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO impact_removed (id, "
                              "tokens_body, tokens_title, tokens_author) "
                              "VALUES (?1, ?2, ?3, ?4)", -1, &f->rec, NULL)
            != SQLITE_OK)
        return tl_error_db(err, db, "updating the impact lists");
    return TL_OK;
}

enum tl_status
tl_impact_forget(sqlite3 *db, struct tl_impact_forgetting *f,
                 int64_t article_id, struct tl_error *err)
{
    sqlite3_stmt *rows, *rec;
    struct tokens t;
    enum tl_status rs = TL_OK;
    int rc = SQLITE_DONE;

    if (!f->loaded) {
        rs = load(db, f, err);
        if (rs != TL_OK) {
            tl_impact_forget_discard(f);
            return rs;
        }
    }
    if (!f->live)
        return TL_OK;
    rows = f->rows;
    rec = f->rec;
    memset(&t, 0, sizeof t);
    tl_buf_init(&t.text, 0);
    sqlite3_reset(rows);
    sqlite3_bind_int64(rows, 1, article_id);
    sqlite3_bind_int64(rows, 2, f->covered);
    while (rs == TL_OK && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
        int64_t len[TL_RANK_COLUMNS];

        t.n = 0;
        tl_buf_reset(&t.text);
        /* FTS5 indexed each column's tokens: their number is the
         * column's length (FTS5 keeps none, lib/lengths.h) */
        for (int c = 1; rs == TL_OK && c <= TL_RANK_COLUMNS; c++) {
            const char *text = (const char *)sqlite3_column_text(rows, c);
            size_t before = t.n;
            if (text != NULL
                && tl_tokenizer_each(db, text, sqlite3_column_bytes(rows, c),
                                     FTS5_TOKENIZE_DOCUMENT, on_token, &t,
                                     err) != TL_OK)
                rs = TL_ERR_DB;
            len[c - 1] = (int64_t)(t.n - before);
        }
        if (rs == TL_OK && t.failed)
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        if (rs != TL_OK)
            break;
        /* offsets become pointers now that the text stops moving */
        for (size_t i = 0; i < t.n; i++)
            t.tok[i] = t.text.data + t.at[i];
        qsort(t.tok, t.n, sizeof *t.tok, cmp_token);
        for (size_t i = 0; i < t.n; i++) {
            size_t k;
            if (i > 0 && strcmp(t.tok[i], t.tok[i - 1]) == 0)
                continue;
            k = find_slot(f, t.tok[i]);
            if (f->term[k] == NULL)
                continue;
            f->count[k]++;      /* a listed term: one passage less */
            if (f->seen[k] != article_id) {     /* one article less */
                f->seen[k] = article_id;
                f->acount[k]++;
            }
        }
        sqlite3_reset(rec);
        sqlite3_bind_int64(rec, 1, sqlite3_column_int64(rows, 0));
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            sqlite3_bind_int64(rec, 2 + c, len[c]);
        if (sqlite3_step(rec) != SQLITE_DONE)
            rs = tl_error_db(err, db, "updating the impact lists");
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "updating the impact lists");
    sqlite3_reset(rows);
    sqlite3_reset(rec);
    free(t.at);
    free(t.tok);
    tl_buf_release(&t.text);
    return rs;
}

enum tl_status
tl_impact_forget_flush(sqlite3 *db, struct tl_impact_forgetting *f,
                       struct tl_error *err)
{
    sqlite3_stmt *dec = NULL;
    enum tl_status rs = TL_OK;

    if (f == NULL || !f->loaded)
        return TL_OK;
    for (size_t i = 0; rs == TL_OK && i < f->size; i++) {
        if (f->term[i] == NULL || f->count[i] == 0)
            continue;
        if (dec == NULL
            && sqlite3_prepare_v2(db, "UPDATE impacts SET df = df - ?2, adf "
                                  "= adf - ?3 WHERE term = ?1", -1, &dec,
                                  NULL) != SQLITE_OK) {
            rs = tl_error_db(err, db, "updating the impact lists");
            break;
        }
        sqlite3_reset(dec);
        sqlite3_bind_text(dec, 1, f->term[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(dec, 2, f->count[i]);
        sqlite3_bind_int64(dec, 3, f->acount[i]);
        if (sqlite3_step(dec) != SQLITE_DONE)
            rs = tl_error_db(err, db, "updating the impact lists");
    }
    sqlite3_finalize(dec);
    /* the next batch reads the state and the terms again */
    tl_impact_forget_discard(f);
    return rs;
}
