/*
 * fuzz-ingest.c - the whole article pipeline (lib/ingest.c:
 * tl_ingest_article) and storing its result (lib/store.c, the FTS5
 * triggers).
 *
 * Input: one byte choosing the format (0 text, 1 Markdown, 2 HTML, by
 * its value mod 3) and whether to store the result (bit 2), then the
 * file's bytes.  Checked: a file is refused (TL_ERR_INPUT) when
 * tl_text_refusal() says so, and otherwise only as HTML nested too
 * deep; blocks, metadata and passages are well
 * formed (as in fuzz-clean and fuzz-metadata), passage source ranges lie
 * inside the file, topics are named; stored, the article has as many
 * passages as were made and FTS5's integrity-check passes, so the
 * index holds exactly the tokens of the stored text.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_INPUT 65536     /* gumbo is quadratic in nesting depth */

static sqlite3 *db;
static struct tl_topics *topics;
static struct tl_store *store;
static sqlite3_stmt *count;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct tl_error err = { 0 };

    (void)argc;
    (void)argv;
    db = fuzz_db_open();
    if (tl_topics_parse(db, tl_default_topics, strlen(tl_default_topics),
                        NULL, &topics, &err) != TL_OK
        || tl_store_new(db, &store, &err) != TL_OK)
        fuzz_fail(__FILE__, __LINE__, "%s", err.msg);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM passages JOIN "
                           "articles ON articles.id = article_id WHERE "
                           "path = ?", -1, &count, NULL) != SQLITE_OK)
        fuzz_fail(__FILE__, __LINE__, "%s", sqlite3_errmsg(db));
    return 0;
}

static void
check_value(const char *what, const char *v, enum tl_meta_source src)
{
    size_t n;

    FUZZ_CHECK((v == NULL) == (src == TL_SRC_NONE), "%s and its source "
               "disagree", what);
    if (v == NULL)
        return;
    n = strlen(v);
    FUZZ_CHECK(n > 0 && !isspace((unsigned char)v[0])
               && !isspace((unsigned char)v[n - 1]), "%s '%s' is empty or "
               "not trimmed (from %s)", what, v, tl_meta_source_name(src));
    FUZZ_CHECK(fuzz_utf8_valid(v, n), "%s is not valid UTF-8", what);
}

static void
check_stored(const struct tl_article *a, const struct tl_ingest *in)
{
    struct tl_error err = { 0 };

    FUZZ_CHECK(tl_store_begin(store, &err) == TL_OK
               && tl_store_put(store, a, in, topics, &err) == TL_OK
               && tl_store_commit(store, &err) == TL_OK,
               "store: %s", err.msg);
    sqlite3_bind_text(count, 1, a->path, -1, SQLITE_STATIC);
    FUZZ_CHECK(sqlite3_step(count) == SQLITE_ROW, "%s", sqlite3_errmsg(db));
    FUZZ_CHECK(sqlite3_column_int64(count, 0) == (sqlite3_int64)in->n_passages,
               "%lld passages stored, %zu made",
               (long long)sqlite3_column_int64(count, 0), in->n_passages);
    sqlite3_reset(count);
    sqlite3_clear_bindings(count);
    fuzz_exec(db, "INSERT INTO passages_fts (passages_fts) VALUES "
              "('integrity-check')");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = { "/fuzz/a.txt", "/fuzz/a.md",
                                         "/fuzz/a.html" };
    struct tl_error err = { 0 };
    struct tl_article a;
    struct tl_ingest in;
    enum tl_status st;
    const char *why;
    int flags;

    if (size == 0 || size > MAX_INPUT)
        return 0;
    flags = data[0];
    data++;
    size--;

    tl_article_init(&a);
    tl_ingest_init(&in);
    a.format = (enum tl_format)(flags % 3 == 0 ? TL_FORMAT_TEXT
                                : flags % 3 == 1 ? TL_FORMAT_MARKDOWN
                                : TL_FORMAT_HTML);
    a.path = strdup(paths[flags % 3]);
    if (a.path == NULL || tl_buf_append(&a.text, (const char *)data, size)
                          != TL_OK)
        abort();
    memset(a.hash, 0, sizeof a.hash);
    a.size = (int64_t)size;
    a.mtime_ns = 1;

    why = tl_text_refusal((const char *)data, size);
    st = tl_ingest_article(db, topics, NULL, &a, &in, &err);
    if (why != NULL) {
        FUZZ_CHECK(st == TL_ERR_INPUT, "refused ('%s') with status %d", why,
                   st);
        goto out;
    }
    if (st == TL_ERR_INPUT && a.format == TL_FORMAT_HTML
        && strstr(err.msg, "nested") != NULL)
        goto out;       /* deeper than TL_HTML_DEPTH_MAX: refused */
    FUZZ_CHECK(st == TL_OK, "ingest: %s", err.msg);

    fuzz_doc_check(&in.doc, 1);
    for (size_t i = 0; i < in.doc.n_blocks; i++)
        FUZZ_CHECK(in.doc.blocks[i].src_end <= size, "block %zu: source "
                   "[%zu, %zu) of %zu bytes", i, in.doc.blocks[i].src_start,
                   in.doc.blocks[i].src_end, size);
    check_value("title", in.meta.title, in.meta.title_src);
    check_value("author", in.meta.author, in.meta.author_src);
    fuzz_check_date(&in.meta.date, 1800, 2199);
    FUZZ_CHECK((in.meta.date.precision == TL_DATE_NONE)
               == (in.meta.date_src == TL_SRC_NONE), "the date and its "
               "source disagree");
    for (size_t i = 0; i < in.n_passages; i++) {
        const struct tl_passage *p = &in.passages[i];

        FUZZ_CHECK(p->start < p->end && p->end <= in.text.len,
                   "passage %zu: [%zu, %zu) of %zu bytes", i, p->start,
                   p->end, in.text.len);
        FUZZ_CHECK(fuzz_utf8_valid(in.text.data + p->start,
                                   p->end - p->start),
                   "passage %zu is not valid UTF-8", i);
        FUZZ_CHECK(p->src_start <= p->src_end && p->src_end <= size,
                   "passage %zu: source [%zu, %zu) of %zu bytes", i,
                   p->src_start, p->src_end, size);
        FUZZ_CHECK(p->first_block <= p->last_block
                   && p->last_block < in.doc.n_blocks,
                   "passage %zu: blocks %zu..%zu of %zu", i,
                   p->first_block, p->last_block, in.doc.n_blocks);
    }
    for (size_t i = 0; i < in.n_topics; i++)
        FUZZ_CHECK(in.topics[i].name != NULL && in.topics[i].name[0] != '\0',
                   "topic %zu has no name", i);
    if (flags & 4)
        check_stored(&a, &in);
out:
    tl_ingest_release(&in);
    tl_article_release(&a);
    return 0;
}
