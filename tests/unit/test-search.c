/* test-search.c - building the MATCH expression and ranking passages. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const char *
build(const char *const *words, int n, enum tl_status want)
{
    static char out[1024];
    struct tl_error err = { 0 };
    struct tl_buf b;

    tl_buf_init(&b, 0);
    ck_assert_int_eq(tl_query_build(unit_db, words, n, &b, &err), want);
    snprintf(out, sizeof out, "%s", want == TL_OK ? b.data : err.msg);
    tl_buf_release(&b);
    return out;
}

START_TEST(test_words_are_quoted_and_anded)
{
    const char *w1[] = { "haqqani network" };
    const char *w2[] = { "U.S.", "F-16", "don't" };
    const char *w3[] = { "say \"hi\"" };

    ck_assert_str_eq(build(w1, 1, TL_OK), "\"haqqani\" \"network\"");
    ck_assert_str_eq(build(w2, 3, TL_OK), "\"U.S.\" \"F-16\" \"don't\"");
    ck_assert_str_eq(build(w3, 1, TL_OK), "\"say\" \"\"\"hi\"\"\"");
}
END_TEST

START_TEST(test_punctuation_only_words_are_dropped)
{
    const char *w1[] = { "taliban", "--", "!!" };
    const char *w2[] = { "\"", "'", "(", "*" };

    ck_assert_str_eq(build(w1, 3, TL_OK), "\"taliban\"");
    ck_assert_ptr_nonnull(strstr(build(w2, 4, TL_ERR_QUERY), "no word"));
}
END_TEST

static void
add(int id, const char *title, const char *text)
{
    char sql[1024];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, hash, size, "
             "mtime_ns, format, title) VALUES (%d, '/a/%d.txt', 'h', 1, 1, "
             "'text', '%s'); INSERT INTO passages (article_id, ordinal, "
             "byte_start, byte_end, text) VALUES (%d, 1, 0, 1, '%s')",
             id, id, title, id, text);
    unit_exec(sql);
}

/* Runs the words; returns "path#passage" of each hit, joined by ' '. */
static const char *
search(const char *const *words, int n)
{
    static char out[1024];
    struct tl_error err = { 0 };
    struct tl_search *s = NULL;
    struct tl_hit hit;
    struct tl_buf match;
    double last = 1e300;
    size_t len = 0;
    int done = 0;

    tl_buf_init(&match, 0);
    ck_assert_int_eq(tl_query_build(unit_db, words, n, &match, &err), TL_OK);
    ck_assert_int_eq(tl_search_new(unit_db, match.data, 10, &s, &err), TL_OK);
    out[0] = '\0';
    for (;;) {
        ck_assert_int_eq(tl_search_next(s, &hit, &done, &err), TL_OK);
        if (done)
            break;
        ck_assert_double_gt(hit.score, 0);
        ck_assert_double_le(hit.score, last);
        last = hit.score;
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s#%d",
                                len > 0 ? " " : "", hit.path, hit.passage);
    }
    tl_search_free(s);
    tl_buf_release(&match);
    return out;
}

START_TEST(test_best_passage_first)
{
    const char *w[] = { "corridor" };
    const char *both[] = { "corridor", "gwadar" };
    const char *none[] = { "zebra" };

    add(1, "Trade", "the corridor and the port");
    add(2, "Corridor news", "the corridor corridor reaches Gwadar");
    add(3, "Other", "nothing relevant");
    ck_assert_str_eq(search(w, 1), "/a/2.txt#1 /a/1.txt#1");
    ck_assert_str_eq(search(both, 2), "/a/2.txt#1");
    ck_assert_str_eq(search(none, 1), "");
}
END_TEST

START_TEST(test_title_counts_for_matching)
{
    const char *w[] = { "doha" };

    add(1, "Doha talks", "the delegations met again");
    ck_assert_str_eq(search(w, 1), "/a/1.txt#1");
}
END_TEST

START_TEST(test_snippet_marks_stemmed_matches)
{
    struct tl_error err = { 0 };
    struct tl_search *s = NULL;
    struct tl_hit hit;
    int done = 0;

    add(1, "T", "fresh negotiations began");
    ck_assert_int_eq(tl_search_new(unit_db, "\"negotiate\"", 10, &s, &err),
                     TL_OK);
    ck_assert_int_eq(tl_search_next(s, &hit, &done, &err), TL_OK);
    ck_assert_int_eq(done, 0);
    ck_assert_str_eq(hit.snippet, "fresh " TL_MARK_OPEN "negotiations"
                     TL_MARK_CLOSE " began");
    tl_search_free(s);
}
END_TEST

START_TEST(test_hostile_text_is_searched_not_run)
{
    const char *w[] = { "'; DROP TABLE articles; --" };

    add(1, "T", "drop the table of articles");
    ck_assert_str_eq(search(w, 1), "/a/1.txt#1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles"), "1");
}
END_TEST

Suite *
search_suite(void)
{
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("search");

    tcase_add_checked_fixture(tc, unit_db_setup, unit_db_teardown);
    tcase_add_test(tc, test_words_are_quoted_and_anded);
    tcase_add_test(tc, test_punctuation_only_words_are_dropped);
    tcase_add_test(tc, test_best_passage_first);
    tcase_add_test(tc, test_title_counts_for_matching);
    tcase_add_test(tc, test_snippet_marks_stemmed_matches);
    tcase_add_test(tc, test_hostile_text_is_searched_not_run);
    suite_add_tcase(s, tc);
    return s;
}
