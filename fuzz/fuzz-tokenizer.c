/*
 * fuzz-tokenizer.c - the "snowball" FTS5 tokenizer (lib/tokenizer.c).
 *
 * The input is an article's text.  It is tokenized as a document and as
 * a query through tl_tokenizer_each(), and every token is checked: its
 * byte range lies in the text, ranges never go backwards, tokens are not
 * empty nor longer than TL_TOKEN_MAX bytes (plus what stemming may add),
 * and valid UTF-8 text gives valid UTF-8 tokens.
 *
 * Then the text goes into an FTS5 table using the tokenizer, and the
 * first and the last token's original spelling is searched as a phrase:
 * a word must find the text it came from; highlight() must give back the
 * text with marks around whole characters, balanced, and nothing else
 * changed; snippet() must be valid UTF-8 when the text is.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MARK_OPEN '\x02'
#define MARK_CLOSE '\x03'

static sqlite3 *db;
static sqlite3_stmt *insert, *del, *search;

struct seen {
    const char *text;
    int len;
    int utf8;
    int n;
    int last_start, last_end;
    int first_start, first_end;
};

static int
check_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct seen *s = ctx;

    FUZZ_CHECK(len > 0, "empty token at %d", start);
    /* Snowball English never lengthens a word by more than a few bytes */
    FUZZ_CHECK(len <= TL_TOKEN_MAX + 8, "token of %d bytes", len);
    FUZZ_CHECK(0 <= start && start < end && end <= s->len,
               "token range [%d, %d) outside the text (%d bytes)", start,
               end, s->len);
    FUZZ_CHECK(start >= s->last_end, "token [%d, %d) overlaps the one "
               "before it, which ends at %d", start, end, s->last_end);
    FUZZ_CHECK(!s->utf8 || fuzz_utf8_valid(tok, (size_t)len),
               "token at [%d, %d) is not valid UTF-8", start, end);
    if (s->n == 0) {
        s->first_start = start;
        s->first_end = end;
    }
    s->n++;
    s->last_start = start;
    s->last_end = end;
    return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_db_open();
    fuzz_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, "
              "tokenize = 'snowball')");
    if (sqlite3_prepare_v2(db, "INSERT INTO t (rowid, x) VALUES (1, ?)",
                           -1, &insert, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "DELETE FROM t", -1, &del, NULL)
           != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT highlight(t, 0, char(2), "
                              "char(3)), snippet(t, 0, char(2), char(3), "
                              "'...', 8) FROM t WHERE t MATCH ?", -1,
                              &search, NULL) != SQLITE_OK)
        fuzz_fail(__FILE__, __LINE__, "prepare: %s", sqlite3_errmsg(db));
    return 0;
}

static void
step_done(sqlite3_stmt *st)
{
    FUZZ_CHECK(sqlite3_step(st) == SQLITE_DONE, "%s: %s", sqlite3_sql(st),
               sqlite3_errmsg(db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Checks highlight()'s text h[0, hn) against the document text[0, len):
 * the same bytes once the marks are out, marks balanced and, when the
 * text is valid UTF-8, never inside a UTF-8 sequence.  Returns the
 * number of marked spans. */
static int
check_highlight(const char *h, int hn, const char *text, int len, int utf8)
{
    int open = 0, spans = 0, j = 0;

    for (int i = 0; i < hn; i++) {
        if (h[i] == MARK_OPEN) {
            FUZZ_CHECK(!open, "highlight: nested mark at %d", i);
            FUZZ_CHECK(i + 1 < hn && (!utf8
                       || ((unsigned char)h[i + 1] & 0xc0) != 0x80),
                       "highlight: mark before a continuation byte");
            open = 1;
            spans++;
        } else if (h[i] == MARK_CLOSE) {
            FUZZ_CHECK(open, "highlight: close mark without open at %d",
                       i);
            FUZZ_CHECK(i + 1 == hn || !utf8
                       || ((unsigned char)h[i + 1] & 0xc0) != 0x80,
                       "highlight: mark before a continuation byte");
            open = 0;
        } else {
            FUZZ_CHECK(j < len && h[i] == text[j],
                       "highlight changed the text at byte %d", j);
            j++;
        }
    }
    FUZZ_CHECK(!open, "highlight: unclosed mark");
    FUZZ_CHECK(j == len, "highlight lost text: %d of %d bytes", j, len);
    return spans;
}

/* Searches text[start, end) as an FTS5 phrase; it must find the row. */
static void
search_for(const char *text, int len, int start, int end, int utf8)
{
    struct tl_buf q;
    int rc, spans;

    tl_buf_init(&q, 0);
    if (tl_buf_append(&q, "\"", 1) != TL_OK)
        abort();
    for (int i = start; i < end; i++) {
        if (text[i] == '"' && tl_buf_append(&q, "\"", 1) != TL_OK)
            abort();
        if (tl_buf_append(&q, text + i, 1) != TL_OK)
            abort();
    }
    if (tl_buf_append(&q, "\"", 1) != TL_OK)
        abort();
    sqlite3_bind_text(search, 1, q.data, (int)q.len, SQLITE_STATIC);
    rc = sqlite3_step(search);
    FUZZ_CHECK(rc == SQLITE_ROW, "searching for the word at [%d, %d) "
               "(%s) did not find its text: %s", start, end, q.data,
               rc == SQLITE_DONE ? "no row" : sqlite3_errmsg(db));
    spans = check_highlight((const char *)sqlite3_column_text(search, 0),
                            sqlite3_column_bytes(search, 0), text, len,
                            utf8);
    FUZZ_CHECK(spans > 0, "highlight marked nothing for %s", q.data);
    if (utf8) {
        const char *sn = (const char *)sqlite3_column_text(search, 1);
        FUZZ_CHECK(fuzz_utf8_valid(sn, (size_t)sqlite3_column_bytes(search,
                                                                    1)),
                   "snippet() is not valid UTF-8");
    }
    FUZZ_CHECK(sqlite3_step(search) == SQLITE_DONE, "two rows for one");
    sqlite3_reset(search);
    sqlite3_clear_bindings(search);
    tl_buf_release(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_error err = { 0 };
    struct seen doc = { 0 }, query = { 0 };
    char *text;
    int len = (int)size, nul;

    if (size > (1u << 20))
        return 0;
    /* SQLite's text functions stop at a NUL: those texts are only
     * tokenized, not put through FTS5 */
    nul = memchr(data, '\0', size) != NULL;
    /* the marks highlight() writes must not be in the text: they are
     * control characters, never part of a token, so 0x01 stands in */
    text = fuzz_strndup(data, size);
    for (size_t i = 0; i < size; i++)
        if (text[i] == MARK_OPEN || text[i] == MARK_CLOSE)
            text[i] = '\x01';
    doc.text = query.text = text;
    doc.len = query.len = len;
    doc.utf8 = query.utf8 = fuzz_utf8_valid(text, size);
    FUZZ_CHECK(tl_tokenizer_each(db, text, len, FTS5_TOKENIZE_DOCUMENT,
                                 check_token, &doc, &err) == TL_OK,
               "tokenizing a document: %s", err.msg);
    FUZZ_CHECK(tl_tokenizer_each(db, text, len, FTS5_TOKENIZE_QUERY,
                                 check_token, &query, &err) == TL_OK,
               "tokenizing a query: %s", err.msg);
    FUZZ_CHECK(doc.n == query.n, "%d tokens as a document, %d as a query",
               doc.n, query.n);

    if (nul)
        goto out;
    sqlite3_bind_text(insert, 1, text, len, SQLITE_STATIC);
    step_done(insert);
    if (doc.n > 0) {
        search_for(text, len, doc.first_start, doc.first_end, doc.utf8);
        if (doc.n > 1)
            search_for(text, len, doc.last_start, doc.last_end, doc.utf8);
    }
    step_done(del);
out:
    free(text);
    return 0;
}
