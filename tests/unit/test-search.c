/* test-search.c - BM25 search, filters, paging, articles, facets. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void
article(int id, const char *title, const char *author, const char *date,
        const char *precision)
{
    char sql[1024];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, hash, size, "
             "mtime_ns, format, title, author, pub_date, date_precision) "
             "VALUES (%d, '/a/%d.txt', 'h%d', 1, 1, 'text', '%s', '%s', %s%s%s,"
             " %s%s%s)", id, id, id, title, author,
             date ? "'" : "", date ? date : "NULL", date ? "'" : "",
             precision ? "'" : "", precision ? precision : "NULL",
             precision ? "'" : "");
    unit_exec(sql);
}

static void
passage(int article_id, int ordinal, const char *text)
{
    char sql[1024];

    /* the passage and its index entry, as lib/store.c writes them */
    snprintf(sql, sizeof sql, "INSERT INTO passages (article_id, ordinal, "
             "byte_start, byte_end, text) VALUES (%d, %d, 0, 1, '%s'); "
             "INSERT INTO passages_fts (rowid, body, title, author) SELECT "
             "p.id, p.text, a.title, a.author FROM passages AS p JOIN "
             "articles AS a ON a.id = p.article_id WHERE p.id = "
             "last_insert_rowid()", article_id, ordinal, text);
    unit_exec(sql);
}

static void
topic(int article_id, const char *name)
{
    char sql[256];

    snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO topics (name) VALUES "
             "('%s'); INSERT INTO article_topics (article_id, topic_id) "
             "SELECT %d, id FROM topics WHERE name = '%s'", name, article_id,
             name);
    unit_exec(sql);
}

static void
corpus(void)
{
    unit_db_setup();
    article(1, "Corridor news", "Huma Yusuf", "2019-02", "month");
    passage(1, 1, "the corridor reaches Gwadar and the corridor grows");
    passage(1, 2, "a second corridor passage about roads");
    passage(1, 3, "a third corridor passage about ports");
    article(2, "Border trade", "Michael Kugelman", "2018-10-03", "day");
    passage(2, 1, "trade across the border and the corridor");
    article(3, "Undated notes", "", NULL, NULL);
    passage(3, 1, "notes about the corridor with no date");
    article(4, "Old news", "Ayesha Khan", "2017", "year");
    passage(4, 1, "negotiations resumed in Kabul");
    topic(1, "CPEC");
    topic(2, "Kashmir");
}

/* The hits of o as "article#passage" joined by ' '. */
static const char *
hits(const struct tl_search_opts *o)
{
    static char out[1024];
    struct tl_error err = { 0 };
    struct tl_search *s = NULL;
    struct tl_hit hit;
    double last = 1e300;
    size_t len = 0;
    int done = 0;

    ck_assert_msg(tl_search_new(unit_db, o, &s, &err) == TL_OK, "%s",
                  err.msg);
    out[0] = '\0';
    for (;;) {
        ck_assert_msg(tl_search_next(s, &hit, &done, &err) == TL_OK, "%s",
                      err.msg);
        if (done)
            break;
        if (o->match != NULL && o->sort == TL_SORT_RANK) {
            ck_assert_double_gt(hit.score, 0);
            ck_assert_double_le(hit.score, last);
            last = hit.score;
        }
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%d#%d",
                                len > 0 ? " " : "", (int)hit.article_id,
                                hit.passage);
    }
    tl_search_free(s);
    return out;
}

static struct tl_search_opts
opts(const char *match)
{
    struct tl_search_opts o;

    tl_search_opts_init(&o);
    o.match = match;
    return o;
}

START_TEST(test_best_passage_first_and_deterministic_ties)
{
    struct tl_search_opts o = opts("corridor");

    /* article 1's title holds the word too; 2#1 and 3#1 tie (same
     * length, one match): the lower passage id comes first, every time */
    ck_assert_str_eq(hits(&o), "1#1 1#2 1#3 2#1 3#1");
    ck_assert_str_eq(hits(&o), "1#1 1#2 1#3 2#1 3#1");
}
END_TEST

START_TEST(test_per_article_cap_limit_and_offset)
{
    struct tl_search_opts o = opts("corridor");

    o.per_article = 2;
    ck_assert_str_eq(hits(&o), "1#1 1#2 2#1 3#1");
    o.limit = 2;
    ck_assert_str_eq(hits(&o), "1#1 1#2");
    o.offset = 2;
    ck_assert_str_eq(hits(&o), "2#1 3#1");
}
END_TEST

START_TEST(test_author_filter_is_any_part_any_case)
{
    struct tl_search_opts o = opts("corridor");
    const char *a1[] = { "KUGEL" };
    const char *a2[] = { "yusuf", "kugelman" };

    o.authors = a1;
    o.n_authors = 1;
    ck_assert_str_eq(hits(&o), "2#1");
    o.authors = a2;
    o.n_authors = 2;
    ck_assert_str_eq(hits(&o), "1#1 1#2 1#3 2#1");
}
END_TEST

START_TEST(test_topic_filter_any_case)
{
    struct tl_search_opts o = opts("corridor");
    const char *t[] = { "cpec", "KASHMIR" };

    o.topics = t;
    o.n_topics = 1;
    ck_assert_str_eq(hits(&o), "1#1 1#2 1#3");
    o.n_topics = 2;
    ck_assert_str_eq(hits(&o), "1#1 1#2 1#3 2#1");
}
END_TEST

static struct tl_date
date_of(const char *s)
{
    struct tl_error err = { 0 };
    struct tl_date d;

    ck_assert_int_eq(tl_date_parse_filter(s, &d, &err), TL_OK);
    return d;
}

START_TEST(test_dates_are_precision_aware)
{
    struct tl_search_opts o = opts("corridor");

    o.per_article = 1;
    /* February 2019 overlaps 2019-02-10 .. 2019-03 */
    o.since = date_of("2019-02-10");
    o.until = date_of("2019-03");
    ck_assert_str_eq(hits(&o), "1#1");
    /* ... but not ..2019-01 */
    o.since.precision = TL_DATE_NONE;
    o.until = date_of("2019-01");
    ck_assert_str_eq(hits(&o), "2#1");
    /* --until 2019 includes 31 December 2019; undated never match */
    o.until = date_of("2019");
    ck_assert_str_eq(hits(&o), "1#1 2#1");
    o.until.precision = TL_DATE_NONE;
    o.undated = 1;
    ck_assert_str_eq(hits(&o), "3#1");
}
END_TEST

START_TEST(test_year_dates)
{
    struct tl_search_opts o = opts("negotiate");

    o.since = date_of("2017-12-31");
    ck_assert_str_eq(hits(&o), "4#1");
    o.since = date_of("2018");
    ck_assert_str_eq(hits(&o), "");
}
END_TEST

START_TEST(test_sort_by_date)
{
    struct tl_search_opts o = opts("corridor");

    o.per_article = 1;
    o.sort = TL_SORT_DATE;
    ck_assert_str_eq(hits(&o), "2#1 1#1 3#1");
    o.sort = TL_SORT_DATE_DESC;
    ck_assert_str_eq(hits(&o), "1#1 2#1 3#1");
}
END_TEST

START_TEST(test_filters_without_words)
{
    struct tl_search_opts o = opts(NULL);
    const char *a[] = { "yusuf" };

    o.authors = a;
    o.n_authors = 1;
    ck_assert_str_eq(hits(&o), "1#1 1#2 1#3");
}
END_TEST

START_TEST(test_count_and_articles)
{
    struct tl_search_opts o = opts("corridor");
    struct tl_error err = { 0 };
    struct tl_articles *a = NULL;
    struct tl_article_row row;
    long p = 0, n = 0;
    int done = 0;

    ck_assert_int_eq(tl_search_count(unit_db, &o, &p, &n, &err), TL_OK);
    ck_assert_int_eq(p, 5);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(tl_articles_new(unit_db, &o, &a, &err), TL_OK);
    ck_assert_int_eq(tl_articles_next(a, &row, &done, &err), TL_OK);
    ck_assert_int_eq(done, 0);
    ck_assert_int_eq(row.id, 1);
    ck_assert_int_eq(row.passages, 3);
    ck_assert_str_eq(row.topics, "CPEC");
    ck_assert_str_eq(row.date_precision, "month");
    tl_articles_free(a);
}
END_TEST

static int
collect_facet(void *ctx, const char *value, long passages, long articles)
{
    char *out = ctx;
    size_t len = strlen(out);

    snprintf(out + len, 512 - len, "%s%s=%ld/%ld", len > 0 ? " " : "",
             value, passages, articles);
    return 0;
}

START_TEST(test_facets)
{
    struct tl_search_opts o = opts("corridor");
    struct tl_error err = { 0 };
    char out[512] = "";

    ck_assert_int_eq(tl_search_facet(unit_db, &o, "year", collect_facet, out,
                                     &err), TL_OK);
    ck_assert_str_eq(out, "2018=1/1 2019=3/1 =1/1");
    out[0] = '\0';
    ck_assert_int_eq(tl_search_facet(unit_db, &o, "topic", collect_facet,
                                     out, &err), TL_OK);
    ck_assert_str_eq(out, "CPEC=3/1 =1/1 Kashmir=1/1");
}
END_TEST

START_TEST(test_marked_text_shows_stemmed_matches)
{
    struct tl_search_opts o = opts("negotiate");
    struct tl_error err = { 0 };
    struct tl_search *s = NULL;
    struct tl_hit hit;
    int done = 0;

    ck_assert_int_eq(tl_search_new(unit_db, &o, &s, &err), TL_OK);
    ck_assert_int_eq(tl_search_next(s, &hit, &done, &err), TL_OK);
    ck_assert_str_eq(hit.marked, TL_MARK_OPEN "negotiations" TL_MARK_CLOSE
                     " resumed in Kabul");
    tl_search_free(s);
}
END_TEST

START_TEST(test_bad_expression_is_a_query_error)
{
    struct tl_search_opts o = opts("\"unclosed");
    struct tl_error err = { 0 };
    struct tl_search *s = NULL;
    struct tl_hit hit;
    int done = 0;
    enum tl_status st;

    st = tl_search_new(unit_db, &o, &s, &err);
    if (st == TL_OK)
        st = tl_search_next(s, &hit, &done, &err);
    ck_assert_int_eq(st, TL_ERR_QUERY);
    tl_search_free(s);
}
END_TEST

START_TEST(test_did_you_mean)
{
    char *out[3];
    size_t n = tl_search_suggest(unit_db, "corridr", out, 3);

    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(out[0], "corridor");
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    ck_assert_uint_eq(tl_search_suggest(unit_db, "zzzzzzzz", out, 3), 0);
}
END_TEST

Suite *
search_suite(void)
{
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("search");

    tcase_add_checked_fixture(tc, corpus, unit_db_teardown);
    tcase_add_test(tc, test_best_passage_first_and_deterministic_ties);
    tcase_add_test(tc, test_per_article_cap_limit_and_offset);
    tcase_add_test(tc, test_author_filter_is_any_part_any_case);
    tcase_add_test(tc, test_topic_filter_any_case);
    tcase_add_test(tc, test_dates_are_precision_aware);
    tcase_add_test(tc, test_year_dates);
    tcase_add_test(tc, test_sort_by_date);
    tcase_add_test(tc, test_filters_without_words);
    tcase_add_test(tc, test_count_and_articles);
    tcase_add_test(tc, test_facets);
    tcase_add_test(tc, test_marked_text_shows_stemmed_matches);
    tcase_add_test(tc, test_bad_expression_is_a_query_error);
    tcase_add_test(tc, test_did_you_mean);
    suite_add_tcase(s, tc);
    return s;
}
