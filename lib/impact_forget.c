/*
 * impact_forget.c - keeping the impact lists' df exact when the store
 * removes passages (impact.h, docs/topk.md).
 *
 * Before an article's passages go, their words (body, title and author,
 * as the index holds them) are taken off the df of the listed terms,
 * and the passages are recorded in impact_removed, so the delete
 * trigger does not mark the lists stale and tl_impact_update() can drop
 * them from the lists instead of rebuilding everything.  The cost grows
 * with what is removed, not with the index.
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

/* Are there lists whose df must be kept? */
static enum tl_status
lists_live(sqlite3 *db, int *live_out, int64_t *max_out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *live_out = 0;
    *max_out = 0;
    if (sqlite3_prepare_v2(db, "SELECT rows, max_passage FROM impact_state "
                           "WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the impact lists' state");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *live_out = sqlite3_column_int64(st, 0) >= 0;
        *max_out = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the impact lists' state");
    return TL_OK;
}

enum tl_status
tl_impact_forget(sqlite3 *db, int64_t article_id, struct tl_error *err)
{
    sqlite3_stmt *rows = NULL, *dec = NULL, *rec = NULL;
    struct tokens t;
    enum tl_status rs;
    int64_t covered = 0;
    int live = 0, rc = SQLITE_DONE;

    memset(&t, 0, sizeof t);
    tl_buf_init(&t.text, 0);
    rs = lists_live(db, &live, &covered, err);
    if (rs != TL_OK || !live)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT p.id, p.text, a.title, a.author, "
                           "d.sz FROM passages AS p JOIN articles AS a ON "
                           "a.id = p.article_id LEFT JOIN passages_fts_docsize "
                           "AS d ON d.id = p.id WHERE p.article_id = ?1 "
                           "AND p.id <= ?2", -1, &rows, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "UPDATE impacts SET df = df - 1 WHERE "
                              "term = ?1", -1, &dec, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO impact_removed (id, "
                              "tokens_body, tokens_title, tokens_author) "
                              "VALUES (?1, ?2, ?3, ?4)", -1, &rec, NULL)
            != SQLITE_OK) {
        rs = tl_error_db(err, db, "updating the impact lists");
        goto out;
    }
    sqlite3_bind_int64(rows, 1, article_id);
    /* passages after the last the lists cover are not in any df yet */
    sqlite3_bind_int64(rows, 2, covered);
    while (rs == TL_OK && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
        int64_t len[TL_RANK_COLUMNS];

        t.n = 0;
        tl_buf_reset(&t.text);
        for (int c = 1; rs == TL_OK && c <= TL_RANK_COLUMNS; c++) {
            const char *text = (const char *)sqlite3_column_text(rows, c);
            if (text != NULL
                && tl_tokenizer_each(db, text, sqlite3_column_bytes(rows, c),
                                     FTS5_TOKENIZE_DOCUMENT, on_token, &t,
                                     err) != TL_OK)
                rs = TL_ERR_DB;
        }
        if (rs == TL_OK && t.failed)
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        if (rs != TL_OK)
            break;
        /* offsets become pointers now that the text stops moving */
        for (size_t i = 0; i < t.n; i++)
            t.tok[i] = t.text.data + t.at[i];
        qsort(t.tok, t.n, sizeof *t.tok, cmp_token);
        for (size_t i = 0; rs == TL_OK && i < t.n; i++) {
            const char *tok = t.tok[i];
            if (i > 0 && strcmp(tok, t.tok[i - 1]) == 0)
                continue;
            sqlite3_reset(dec);
            sqlite3_bind_text(dec, 1, tok, -1, SQLITE_STATIC);
            if (sqlite3_step(dec) != SQLITE_DONE)
                rs = tl_error_db(err, db, "updating the impact lists");
        }
        tl_impact_decode_sizes(sqlite3_column_blob(rows, 4),
                               (size_t)sqlite3_column_bytes(rows, 4), len);
        sqlite3_reset(rec);
        sqlite3_bind_int64(rec, 1, sqlite3_column_int64(rows, 0));
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            sqlite3_bind_int64(rec, 2 + c, len[c]);
        if (rs == TL_OK && sqlite3_step(rec) != SQLITE_DONE)
            rs = tl_error_db(err, db, "updating the impact lists");
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "updating the impact lists");
out:
    sqlite3_finalize(rows);
    sqlite3_finalize(dec);
    sqlite3_finalize(rec);
    free(t.at);
    free(t.tok);
    tl_buf_release(&t.text);
    return rs;
}
