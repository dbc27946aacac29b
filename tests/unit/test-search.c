/* test-search.c - BM25 search, filters, paging, articles, facets. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void
article(int id, const char *title, const char *author, const char *date,
        const char *precision)
{
    char sql[1024];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, hash, "
             "size, mtime_ns, format, title, author, pub_date, "
             "date_precision) VALUES (%d, '/a/%d.txt', "
             "tl_path_key('/a/%d.txt'), 'h%d', 1, 1, 'text', '%s', '%s', "
             "%s%s%s, %s%s%s)", id, id, id, id, title, author,
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
    unit_widen_range();
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

/* ---- names compared folded ------------------------------------------- */

/* Appends an article whose author and topic hold accents and capitals. */
static void
accented_article(void)
{
    article(5, "Ferry notes", "\xc3\x89MILE \xc3\x96zt\xc3\xbcrk", "2020",
            "year");
    passage(5, 1, "the corridor ferry leaves at dawn");
    topic(5, "\xc3\x9crd\xc3\xbc \xc3\x96" "dev");     /* Ürdü Ödev */
}

START_TEST(test_author_filter_folds_case_and_accents)
{
    struct tl_search_opts o = opts("corridor");
    const char *names[] = {
        "\xc3\xa9mile",                 /* émile */
        "\xc3\xb6zt\xc3\xbcrk",         /* öztürk */
        "emile", "OZTURK", "mile \xc3\x96zt",
        "\xc3\x89mile-\xc3\x96zt\xc3\xbcrk",
    };

    accented_article();
    o.n_authors = 1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        o.authors = &names[i];
        ck_assert_msg(strcmp(hits(&o), "5#1") == 0, "--author '%s' found "
                      "'%s'", names[i], hits(&o));
        o.exhaustive = 1;
        o.limit = 10;           /* the fast path filters the same way */
        ck_assert_str_eq(hits(&o), "5#1");
        o.exhaustive = 0;
        o.limit = 0;
    }
}
END_TEST

START_TEST(test_author_filter_still_matches_part_of_a_word)
{
    struct tl_search_opts o = opts("corridor");
    const char *a[] = { "ugelm" };

    o.authors = a;
    o.n_authors = 1;
    ck_assert_str_eq(hits(&o), "2#1");
    o.limit = 10;
    ck_assert_str_eq(hits(&o), "2#1");
}
END_TEST

START_TEST(test_topic_filter_folds_case_and_accents)
{
    struct tl_search_opts o = opts("corridor");
    /* ürdü ödev */
    const char *t1[] = { "\xc3\xbcrd\xc3\xbc \xc3\xb6" "dev" };
    const char *t2[] = { "URDU ODEV" };
    const char *t3[] = { "\xc3\xbcrd\xc3\xbc" };     /* a part: no */
    struct tl_error err = { 0 };
    int known = -1;

    accented_article();
    o.n_topics = 1;
    o.topics = t1;
    ck_assert_str_eq(hits(&o), "5#1");
    o.topics = t2;
    ck_assert_str_eq(hits(&o), "5#1");
    o.topics = t3;
    ck_assert_str_eq(hits(&o), "");
    ck_assert_int_eq(tl_search_topic_known(unit_db, t1[0], &known, &err),
                     TL_OK);
    ck_assert_int_eq(known, 1);
    ck_assert_int_eq(tl_search_topic_known(unit_db, "urdu-odev", &known,
                                           &err), TL_OK);
    ck_assert_int_eq(known, 1);
    ck_assert_int_eq(tl_search_topic_known(unit_db, t3[0], &known, &err),
                     TL_OK);
    ck_assert_int_eq(known, 0);
}
END_TEST

/* What tl_search_fold() makes of text. */
static const char *
folded(const char *text)
{
    static char out[256];
    struct tl_search_fold *f = NULL;
    struct tl_error err = { 0 };
    struct tl_buf b;

    ck_assert_int_eq(tl_search_fold_new(unit_db, &f, &err), TL_OK);
    tl_buf_init(&b, 0);
    ck_assert_int_eq(tl_search_fold(f, text, strlen(text), &b, &err),
                     TL_OK);
    ck_assert_ptr_nonnull(b.data);
    snprintf(out, sizeof out, "%s", b.data);
    tl_buf_release(&b);
    tl_search_fold_free(f);
    return out;
}

START_TEST(test_fold_is_the_tokenizer_without_stemming)
{
    ck_assert_str_eq(folded("\xc3\x89MILE  \xc3\x96zt\xc3\xbcrk-Lee"),
                     "emile ozturk lee");
    /* joins as the tokenizer does; words are not stemmed */
    ck_assert_str_eq(folded("Pakistan\xe2\x80\x99s U.S. don't talks"),
                     "pakistan us dont talks");
    ck_assert_str_eq(folded("O'Brien's negotiations"), "obrien negotiations");
    ck_assert_str_eq(folded("3.14"), "3 14");
    ck_assert_str_eq(folded(" -- ; "), "");
    ck_assert_str_eq(folded(""), "");
    tl_search_fold_free(NULL);
}
END_TEST

/* ---- scores ------------------------------------------------------------ */

START_TEST(test_positive_only_leaves_out_stopword_matches)
{
    struct tl_search_opts o = opts("\"the\" OR \"kabul\"");
    struct tl_error err = { 0 };
    char out[512] = "";
    long p = 0, n = 0;

    /* "the" counts 0 beside "kabul": passages with only "the" score 0 */
    ck_assert_int_eq(tl_search_count(unit_db, &o, &p, &n, &err), TL_OK);
    ck_assert_int_eq(p, 4);
    o.positive_only = 1;
    ck_assert_str_eq(hits(&o), "4#1");
    o.limit = 3;                        /* the fast path */
    ck_assert_str_eq(hits(&o), "4#1");
    o.offset = 1;
    ck_assert_str_eq(hits(&o), "");
    o.offset = 0;
    o.sort = TL_SORT_DATE;
    ck_assert_str_eq(hits(&o), "4#1");
    ck_assert_int_eq(tl_search_count(unit_db, &o, &p, &n, &err), TL_OK);
    ck_assert_int_eq(p, 1);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(tl_search_facet(unit_db, &o, "year", collect_facet, out,
                                     &err), TL_OK);
    ck_assert_str_eq(out, "2017=1/1");
}
END_TEST

START_TEST(test_hits_without_words_have_no_score)
{
    struct tl_search_opts o = opts(NULL);
    const char *a[] = { "yusuf" };
    struct tl_error err = { 0 };
    struct tl_search *s = NULL;
    struct tl_articles *l = NULL;
    struct tl_article_row row;
    struct tl_hit hit;
    int done = 0;

    o.authors = a;
    o.n_authors = 1;
    ck_assert_int_eq(tl_search_new(unit_db, &o, &s, &err), TL_OK);
    ck_assert_int_eq(tl_search_next(s, &hit, &done, &err), TL_OK);
    ck_assert_int_eq(done, 0);
    ck_assert_int_eq(hit.scored, 0);
    tl_search_free(s);
    ck_assert_int_eq(tl_articles_new(unit_db, &o, &l, &err), TL_OK);
    ck_assert_int_eq(tl_articles_next(l, &row, &done, &err), TL_OK);
    ck_assert_int_eq(done, 0);
    ck_assert_int_eq(row.scored, 0);
    tl_articles_free(l);
    o.match = "corridor";
    ck_assert_int_eq(tl_search_new(unit_db, &o, &s, &err), TL_OK);
    ck_assert_int_eq(tl_search_next(s, &hit, &done, &err), TL_OK);
    ck_assert_int_eq(hit.scored, 1);
    tl_search_free(s);
}
END_TEST

/* A word in the title (or the author's name) counts more than the same
 * word in the body only: of two passages alike but for that, the one
 * whose article's title holds the word ranks first, whichever was
 * indexed first. */
START_TEST(test_title_and_author_matches_rank_above_body_only)
{
    struct tl_search_opts o = opts("apricot");

    article(5, "Plum harvest", "Sam Lee", NULL, NULL);
    passage(5, 1, "apricot trees bloom early in the valley");
    article(6, "Apricot harvest", "Sam Lee", NULL, NULL);
    passage(6, 1, "apricot trees bloom early in the valley");
    article(7, "Orchard notes", "Pear Baker", NULL, NULL);
    passage(7, 1, "quince jam keeps through the winter");
    article(8, "Orchard notes", "Quince Baker", NULL, NULL);
    passage(8, 1, "quince jam keeps through the winter");
    ck_assert_str_eq(hits(&o), "6#1 5#1");
    o.match = "quince";
    ck_assert_str_eq(hits(&o), "8#1 7#1");
    o.limit = 5;                        /* the fast path agrees */
    ck_assert_str_eq(hits(&o), "8#1 7#1");
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

/* The saved vocabulary (terms): the stems from the word's first or
 * second character are read, and all of them when those hold nothing
 * near; the answers are those of FTS5's vocabulary above. */
START_TEST(test_did_you_mean_from_the_saved_vocabulary)
{
    static const struct { const char *typed, *want; } cases[] = {
        { "corridr", "corridor" },      /* the first character's range */
        { "ocrridor", "corridor" },     /* the first two swapped */
        { "xcorridor", "corridor" },    /* one too many at the front */
        { "xorridor", "corridor" },     /* nothing near there: all */
    };
    struct tl_impact_stats stats;
    struct tl_error err = { 0 };
    char *out[3];

    /* a rarer stem one letter from "ocrridor" in the first character's
     * range: "corridor", as near and more frequent, is still found in
     * the second's */
    article(20, "Decoy", "", NULL, NULL);
    passage(20, 1, "ocrridos");
    ck_assert_msg(tl_impact_refresh(unit_db, 1000, &stats, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_gt(atoi(unit_text("SELECT count(*) FROM terms")), 10);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = tl_search_suggest(unit_db, cases[i].typed, out, 3);
        ck_assert_msg(n >= 1, "%s: no suggestion", cases[i].typed);
        ck_assert_msg(strcmp(out[0], cases[i].want) == 0, "%s: %s, not %s",
                      cases[i].typed, out[0], cases[i].want);
        for (size_t k = 0; k < n; k++)
            free(out[k]);
    }
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
    tcase_add_test(tc, test_did_you_mean_from_the_saved_vocabulary);
    tcase_add_test(tc, test_author_filter_folds_case_and_accents);
    tcase_add_test(tc, test_author_filter_still_matches_part_of_a_word);
    tcase_add_test(tc, test_topic_filter_folds_case_and_accents);
    tcase_add_test(tc, test_fold_is_the_tokenizer_without_stemming);
    tcase_add_test(tc, test_positive_only_leaves_out_stopword_matches);
    tcase_add_test(tc, test_hits_without_words_have_no_score);
    tcase_add_test(tc, test_title_and_author_matches_rank_above_body_only);
    suite_add_tcase(s, tc);
    return s;
}
