/*
 * search.c - running a full-text query: the best passages by BM25, then a
 * snippet for each of them.
 *
 * Both programs and the benchmarks search through this file, so what a
 * benchmark measures is what a user gets.
 */
#include <stdlib.h>
#include <string.h>

#include "talaash.h"

/* Tokens of context snippet() shows around the matched words. */
#define SNIPPET_TOKENS 32

struct tl_search {
    sqlite3 *db;
    sqlite3_stmt *top;      /* best passages: rowid, score */
    sqlite3_stmt *detail;   /* one passage: snippet, ordinal, path, ... */
    int rank;
};

static int
count_token(void *ctx, const char *tok, int len, int start, int end)
{
    (void)tok;
    (void)len;
    (void)start;
    (void)end;
    (*(int *)ctx)++;
    return 0;
}

/* Appends term as an FTS5 string: in double quotes, quotes doubled.  Any
 * text is then searched as the phrase of its tokens, never as syntax. */
static enum tl_status
append_quoted(struct tl_buf *out, const char *term, size_t len)
{
    enum tl_status st = tl_buf_append(out, "\"", 1);

    for (size_t i = 0; st == TL_OK && i < len; i++) {
        if (term[i] == '"')
            st = tl_buf_append(out, "\"\"", 2);
        else
            st = tl_buf_append(out, term + i, 1);
    }
    if (st == TL_OK)
        st = tl_buf_append(out, "\"", 1);
    return st;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

enum tl_status
tl_query_build(sqlite3 *db, const char *const *words, int n_words,
               struct tl_buf *out, struct tl_error *err)
{
    enum tl_status st;
    int terms = 0;

    for (int w = 0; w < n_words; w++) {
        const char *p = words[w];

        while (*p != '\0') {
            const char *s;
            int tokens = 0;

            while (is_space(*p))
                p++;
            s = p;
            while (*p != '\0' && !is_space(*p))
                p++;
            if (p == s)
                break;
            st = tl_tokenizer_each(db, s, (int)(p - s), FTS5_TOKENIZE_QUERY, count_token,
                                   &tokens, err);
            if (st != TL_OK)
                return st;
            if (tokens == 0)
                continue;   /* punctuation only: nothing to search */
            if ((terms > 0 && tl_buf_append(out, " ", 1) != TL_OK)
                || append_quoted(out, s, (size_t)(p - s)) != TL_OK)
                return tl_error_set(err, TL_ERR_NOMEM, "query too long");
            terms++;
        }
    }
    if (terms == 0)
        return tl_error_set(err, TL_ERR_QUERY, "the query has no word to "
                            "search for (only punctuation or spaces)");
    return TL_OK;
}

enum tl_status
tl_search_new(sqlite3 *db, const char *match, int limit,
              struct tl_search **out, struct tl_error *err)
{
    char top_sql[512];
    struct tl_search *s;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    s->db = db;
    snprintf(top_sql, sizeof top_sql,
             "SELECT rowid, bm25(passages_fts, %.3f, %.3f, %.3f) AS score "
             "FROM passages_fts WHERE passages_fts MATCH ?1 "
             "ORDER BY score, rowid LIMIT ?2",
             TL_WEIGHT_BODY, TL_WEIGHT_TITLE, TL_WEIGHT_AUTHOR);
    if (sqlite3_prepare_v2(db, top_sql, -1, &s->top, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db,
               "SELECT snippet(passages_fts, 0, ?3, ?4, ?5, ?6), "
               "p.ordinal, a.path, a.title, a.author "
               "FROM passages_fts "
               "JOIN passages AS p ON p.id = passages_fts.rowid "
               "JOIN articles AS a ON a.id = p.article_id "
               "WHERE passages_fts MATCH ?1 AND passages_fts.rowid = ?2",
               -1, &s->detail, NULL) != SQLITE_OK) {
        tl_error_db(err, db, "preparing the search");
        tl_search_free(s);
        return TL_ERR_DB;
    }
    sqlite3_bind_text(s->top, 1, match, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s->top, 2, limit);
    sqlite3_bind_text(s->detail, 1, match, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->detail, 3, TL_MARK_OPEN, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->detail, 4, TL_MARK_CLOSE, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->detail, 5, TL_ELLIPSIS, -1, SQLITE_STATIC);
    sqlite3_bind_int(s->detail, 6, SNIPPET_TOKENS);
    *out = s;
    return TL_OK;
}

static const char *
text_or_empty(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);

    return t != NULL ? t : "";
}

enum tl_status
tl_search_next(struct tl_search *s, struct tl_hit *hit, int *done_out,
               struct tl_error *err)
{
    int rc;

    *done_out = 0;
    sqlite3_reset(s->detail);
    rc = sqlite3_step(s->top);
    if (rc == SQLITE_DONE) {
        *done_out = 1;
        return TL_OK;
    }
    if (rc != SQLITE_ROW)
        return tl_error_db(err, s->db, "search");
    memset(hit, 0, sizeof *hit);
    hit->rank = ++s->rank;
    hit->passage_id = sqlite3_column_int64(s->top, 0);
    hit->score = -sqlite3_column_double(s->top, 1);
    sqlite3_bind_int64(s->detail, 2, hit->passage_id);
    rc = sqlite3_step(s->detail);
    if (rc != SQLITE_ROW)
        return tl_error_db(err, s->db, "reading a passage");
    hit->snippet = text_or_empty(s->detail, 0);
    hit->passage = sqlite3_column_int(s->detail, 1);
    hit->path = text_or_empty(s->detail, 2);
    hit->title = text_or_empty(s->detail, 3);
    hit->author = text_or_empty(s->detail, 4);
    return TL_OK;
}

void
tl_search_free(struct tl_search *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->top);
    sqlite3_finalize(s->detail);
    free(s);
}
