/*
 * fuzz-query.c - the query language (lib/query.c) and the search it
 * drives (lib/search.c).
 *
 * Input: one flags byte (bit 0: TL_QUERY_ANY; bit 1: no synonyms), then
 * the query text (cut at a NUL, as a command line would).  A query the
 * parser refuses must be refused with TL_ERR_QUERY and a message naming
 * its position.  A query it accepts must be searchable: its MATCH
 * expression and its --any expression are run through FTS5 over a few
 * passages, and through tl_search_new()/tl_search_count() with its
 * filters.  FTS5 refusing anything the parser wrote is a bug: the parser
 * promises that nothing typed reaches FTS5 as syntax.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static sqlite3 *db;
static sqlite3_stmt *match;
static struct tl_synonyms *syn;

/* several statements: sqlite3_exec runs them in turn */
static const char fixture[] =
    "INSERT INTO articles (id, path, path_key, hash, size, mtime_ns, "
    "format, title, author, pub_date, date_precision, passage_first, "
    "passage_last) VALUES "
    "(1, '/f/1.txt', tl_path_key('/f/1.txt'), 'h1', 1, 1, 'text', "
    "'Harbour talks stall', 'Rana Qadir', '2019-07-04', 'day', 1, 2), "
    "(2, '/f/2.md', tl_path_key('/f/2.md'), 'h2', 1, 1, 'markdown', "
    "'The corridor''s budget', 'Lena Okafor', '2020-02', 'month', 3, 3), "
    "(3, '/f/3.html', tl_path_key('/f/3.html'), 'h3', 1, 1, 'html', "
    "'Notes from the valley', '', NULL, NULL, 4, 4); "
    "INSERT INTO passages (id, article_id, ordinal, byte_start, byte_end, "
    "text) VALUES "
    "(1, 1, 1, 0, 1, 'Negotiators met in the port city; the U.S. envoy "
    "didn''t attend, and the drone strikes went on.'), "
    "(2, 1, 2, 1, 2, 'Line of Control firing resumed near the river.'), "
    "(3, 2, 1, 0, 1, 'The China-Pakistan Economic Corridor''s budget grew "
    "by 9/11 standards; F-16 parts waited.'), "
    "(4, 3, 1, 0, 1, 'Caf\xc3\xa9 owners in Pesh\xc4\x81war spoke of "
    "Inter-Services Intelligence officials.'); "
    "INSERT INTO passages_fts (rowid, body, title, author) "
    "SELECT p.id, p.text, a.title, a.author FROM passages AS p "
    "JOIN articles AS a ON a.id = p.article_id; "
    "INSERT INTO topics (id, name) VALUES (1, 'cpec'), (2, 'kashmir'); "
    "INSERT INTO article_topics (article_id, topic_id) VALUES (2, 1), "
    "(1, 2)";

static const char synonyms[] =
    "ISI = Inter-Services Intelligence\n"
    "LoC = Line of Control\n"
    "CPEC = China-Pakistan Economic Corridor\n"
    "drone = UAV = unmanned aerial vehicle\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct tl_error err = { 0 };

    (void)argc;
    (void)argv;
    db = fuzz_db_open();
    fuzz_exec(db, fixture);
    if (tl_synonyms_parse(db, synonyms, sizeof synonyms - 1, "fuzz", &syn,
                          &err) != TL_OK)
        fuzz_fail(__FILE__, __LINE__, "synonyms: %s", err.msg);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM passages_fts WHERE "
                           "passages_fts MATCH ?", -1, &match, NULL)
        != SQLITE_OK)
        fuzz_fail(__FILE__, __LINE__, "prepare: %s", sqlite3_errmsg(db));
    return 0;
}

/* Runs expr through FTS5 directly; any error is the parser's fault. */
static void
check_match(const char *expr, const char *query)
{
    int rc;

    sqlite3_bind_text(match, 1, expr, -1, SQLITE_STATIC);
    rc = sqlite3_step(match);
    FUZZ_CHECK(rc == SQLITE_ROW, "FTS5 refused the expression written for "
               "query '%s': %s\nexpression: %s", query, sqlite3_errmsg(db),
               expr);
    sqlite3_reset(match);
    sqlite3_clear_bindings(match);
}

/* Runs the whole search, as talaash does. */
static void
check_search(const struct tl_query *q, const char *expr, const char *query)
{
    struct tl_search_opts o;
    struct tl_search *s = NULL;
    struct tl_error err = { 0 };
    struct tl_hit hit;
    long passages = -1, arts = -1, rows = 0;
    int done = 0;

    tl_search_opts_init(&o);
    o.match = expr;
    o.authors = (const char *const *)q->authors;
    o.n_authors = q->n_authors;
    o.topics = (const char *const *)q->topics;
    o.n_topics = q->n_topics;
    o.since = q->since;
    o.until = q->until;
    o.per_article = 2;
    o.limit = 10;
    if (expr == NULL && q->n_authors == 0 && q->n_topics == 0
        && q->since.precision == TL_DATE_NONE
        && q->until.precision == TL_DATE_NONE)
        return;     /* nothing to search for: the tool refuses earlier */
    FUZZ_CHECK(tl_search_new(db, &o, &s, &err) == TL_OK,
               "search for '%s' failed: %s", query, err.msg);
    while (!done) {
        FUZZ_CHECK(tl_search_next(s, &hit, &done, &err) == TL_OK,
                   "search for '%s' failed: %s", query, err.msg);
        if (!done) {
            rows++;
            FUZZ_CHECK(hit.rank == rows, "rank %ld for row %ld", hit.rank,
                       rows);
            FUZZ_CHECK(hit.marked != NULL, "a hit with no text");
        }
    }
    tl_search_free(s);
    FUZZ_CHECK(tl_search_count(db, &o, &passages, &arts, &err) == TL_OK,
               "count for '%s' failed: %s", query, err.msg);
    FUZZ_CHECK(passages >= rows && arts <= passages && arts >= 0,
               "count: %ld passages, %ld articles, %ld rows", passages,
               arts, rows);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_query q;
    struct tl_error err = { 0 };
    enum tl_status st;
    int flags;
    char *text;

    if (size == 0)
        return 0;
    flags = data[0];
    text = fuzz_strndup(data + 1, size - 1);
    tl_query_init(&q);
    st = tl_query_parse(db, text, flags & 1 ? TL_QUERY_ANY : 0,
                        flags & 2 ? NULL : syn, &q, &err);
    if (st != TL_OK) {
        FUZZ_CHECK(st == TL_ERR_QUERY && err.code == st,
                   "query '%s' refused with status %d: %s", text, st,
                   err.msg);
        FUZZ_CHECK(strncmp(err.msg, "query position ", 15) == 0,
                   "refusal without a position: %s", err.msg);
        FUZZ_CHECK(q.match == NULL && q.n_words == 0 && q.n_notes == 0,
                   "a refused query was not released");
        goto out;
    }
    FUZZ_CHECK((q.match == NULL) == (q.any_match == NULL),
               "match and any_match disagree on being NULL");
    FUZZ_CHECK(q.n_notes <= TL_QUERY_NOTES_MAX + 1, "%zu notes",
               q.n_notes);
    for (size_t i = 0; i < q.n_notes; i++)
        FUZZ_CHECK(q.notes[i] != NULL && q.notes[i][0] != '\0',
                   "an empty note");
    for (size_t i = 0; i < q.n_words; i++)
        FUZZ_CHECK(q.words[i] != NULL && q.words[i][0] != '\0',
                   "an empty word");
    if (q.match != NULL) {
        check_match(q.match, text);
        check_match(q.any_match, text);
    }
    check_search(&q, q.match, text);
    if (q.any_match != NULL && strcmp(q.any_match, q.match) != 0)
        check_search(&q, q.any_match, text);
out:
    tl_query_release(&q);
    free(text);
    return 0;
}
