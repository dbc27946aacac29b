/* test-hit_rows.c - many hits' rows read at once (lib/hit_rows.c): the
 * same columns and marked text as one hit at a time, whatever the order
 * and repeats of the ids, whichever way the marks are made (FTS5's
 * highlight() a row at a time or in one pass, or the pages); gone or
 * unmatched passages are missing. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fts5_marks.h"

/* How the marks are made, by a loop test's _i: 0 FTS5 a row at a time
 * (autocommit: the page reader needs a read transaction), 1 the pages
 * (inside one), 2 FTS5 in one pass (a prefix).  The query for the word
 * river. */
static const char *
river_in_mode(int mode)
{
    if (mode == 1)
        unit_exec("BEGIN");
    return mode == 2 ? "\"rive\"*" : "\"river\"";
}

/* Were the marks made as mode says? */
static void
check_mode(int mode, long pages_before)
{
    ck_assert_int_eq(tl_fts5_marks_count() > pages_before, mode == 1);
    if (mode == 1)
        unit_exec("COMMIT");
}

static void
corpus(void)
{
    unit_db_setup();
    unit_exec("INSERT INTO articles (id, path, path_key, hash, size, "
              "mtime_ns, format, title, author, pub_date, date_precision) "
              "VALUES (1, '/a/one.txt', tl_path_key('/a/one.txt'), 'h1', 1, "
              "1, 'text', 'River notes', 'Ana Lee', '2019-03', 'month'), "
              "(2, '/a/two.txt', tl_path_key('/a/two.txt'), 'h2', 1, 1, "
              "'text', 'Hill notes', '', NULL, NULL)");
    unit_exec("INSERT INTO topics (id, name) VALUES (1, 'Water'), "
              "(2, 'Trade')");
    unit_exec("INSERT INTO article_topics (article_id, topic_id) VALUES "
              "(1, 1), (1, 2)");
    unit_exec("INSERT INTO passages (id, article_id, ordinal, byte_start, "
              "byte_end, text) VALUES "
              "(10, 1, 1, 0, 1, 'The river rose at dawn.'), "
              "(11, 1, 2, 0, 1, 'Boats waited by the river bank.'), "
              "(12, 2, 1, 0, 1, 'Goats climbed the hill.')");
    unit_fix_ranges();
    unit_exec("INSERT INTO passages_fts (rowid, body, title, author) SELECT "
              "p.id, p.text, a.title, a.author FROM passages AS p JOIN "
              "articles AS a ON a.id = p.article_id");
}

static struct tl_hit_rows *
fetch(const char *match, const int64_t *ids, size_t n)
{
    struct tl_error err = { 0 };
    struct tl_hit_rows *r = NULL;

    ck_assert_msg(tl_hit_rows_fetch(unit_db, match, ids, n, &r, &err)
                  == TL_OK, "%s", err.msg);
    ck_assert_ptr_nonnull(r);
    return r;
}

static int
get(const struct tl_hit_rows *r, int64_t id, struct tl_hit *hit)
{
    memset(hit, 0, sizeof *hit);
    hit->passage_id = id;
    return tl_hit_rows_get(r, hit);
}

START_TEST(test_rows_carry_article_columns_and_marks)
{
    const int64_t ids[] = { 11, 10, 11 };
    struct tl_hit_rows *r;
    struct tl_hit hit;
    char want[128];
    long pages = tl_fts5_marks_count();

    corpus();
    r = fetch(river_in_mode(_i), ids, 3);
    ck_assert(get(r, 10, &hit));
    ck_assert_int_eq(hit.passage, 1);
    ck_assert_int_eq(hit.article_id, 1);
    ck_assert_str_eq(hit.path, "/a/one.txt");
    ck_assert_str_eq(hit.title, "River notes");
    ck_assert_str_eq(hit.author, "Ana Lee");
    ck_assert_str_eq(hit.date, "2019-03");
    ck_assert_str_eq(hit.date_precision, "month");
    ck_assert_str_eq(hit.topics, "Trade;Water");
    snprintf(want, sizeof want, "The %sriver%s rose at dawn.", TL_MARK_OPEN,
             TL_MARK_CLOSE);
    ck_assert_str_eq(hit.marked, want);
    ck_assert_uint_eq(hit.marked_len, strlen(want));
    ck_assert(get(r, 11, &hit));
    ck_assert_int_eq(hit.passage, 2);
    snprintf(want, sizeof want, "Boats waited by the %sriver%s bank.",
             TL_MARK_OPEN, TL_MARK_CLOSE);
    ck_assert_str_eq(hit.marked, want);
    tl_hit_rows_free(r);
    check_mode(_i, pages);
    unit_db_teardown();
}
END_TEST

START_TEST(test_unmatched_or_gone_passages_are_missing)
{
    const int64_t ids[] = { 12, 10, 99 };
    struct tl_hit_rows *r;
    struct tl_hit hit;
    long pages = tl_fts5_marks_count();

    corpus();
    r = fetch(river_in_mode(_i), ids, 3);
    ck_assert(get(r, 10, &hit));
    ck_assert(!get(r, 12, &hit));       /* no river in it */
    ck_assert(!get(r, 99, &hit));       /* no such passage */
    ck_assert(!get(r, 11, &hit));       /* not asked for */
    tl_hit_rows_free(r);
    check_mode(_i, pages);
    unit_db_teardown();
}
END_TEST

START_TEST(test_without_words_the_text_is_plain)
{
    const int64_t ids[] = { 12 };
    struct tl_hit_rows *r;
    struct tl_hit hit;

    corpus();
    r = fetch(NULL, ids, 1);
    ck_assert(get(r, 12, &hit));
    ck_assert_str_eq(hit.marked, "Goats climbed the hill.");
    ck_assert_str_eq(hit.date, "");
    ck_assert_str_eq(hit.topics, "");
    tl_hit_rows_free(r);
    unit_db_teardown();
}
END_TEST

START_TEST(test_no_ids_no_rows)
{
    struct tl_hit_rows *r;
    struct tl_hit hit;

    corpus();
    r = fetch("\"river\"", NULL, 0);
    ck_assert(!get(r, 10, &hit));
    tl_hit_rows_free(r);
    ck_assert(!get(NULL, 10, &hit));
    unit_db_teardown();
}
END_TEST

Suite *
hit_rows_suite(void)
{
    Suite *s = suite_create("hit_rows");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_rows_carry_article_columns_and_marks, 0, 3);
    tcase_add_loop_test(tc, test_unmatched_or_gone_passages_are_missing, 0, 3);
    tcase_add_test(tc, test_without_words_the_text_is_plain);
    tcase_add_test(tc, test_no_ids_no_rows);
    suite_add_tcase(s, tc);
    return s;
}
