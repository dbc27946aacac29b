/* test-spans.c - the map from passage ids to articles (lib/spans.c): it
 * names every passage's article, counts as the SQL join counts, and is
 * refused whenever the index no longer is what it describes. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lengths.h"

static void
add_article(int id, const char *title)
{
    char sql[512];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, hash, "
             "size, mtime_ns, format, title, author) VALUES (%d, "
             "'/a/%d.txt', tl_path_key('/a/%d.txt'), 'h%d', 1, 1, 'text', "
             "'%s', '')", id, id, id, id, title);
    unit_exec(sql);
}

/* Three articles: 1 (ids 1-3), 2 (4-5), 3 (6-8). */
static void
corpus(void)
{
    unit_db_setup();
    add_article(1, "first");
    unit_add_passage(0, 1, 1, "river delta floods");
    unit_add_passage(0, 1, 2, "the harvest failed");
    unit_add_passage(0, 1, 3, "river barges stopped");
    add_article(2, "second");
    unit_add_passage(0, 2, 1, "river trade");
    unit_add_passage(0, 2, 2, "quiet markets");
    add_article(3, "third");
    unit_add_passage(0, 3, 1, "mountain passes");
    unit_add_passage(0, 3, 2, "river crossings");
    unit_add_passage(0, 3, 3, "snow");
}

static size_t
refresh(void)
{
    struct tl_error err = { 0 };
    size_t n = 0;

    ck_assert_msg(tl_spans_refresh(unit_db, &n, &err) == TL_OK, "%s",
                  err.msg);
    return n;
}

/* The count through the map; *answered whether it could. */
static void
count(const char *match, const int64_t *accepted, size_t n_accepted,
      long *passages, long *articles, int *answered)
{
    struct tl_error err = { 0 };

    ck_assert_msg(tl_spans_count(unit_db, match, accepted, n_accepted,
                                 passages, articles, answered, &err) == TL_OK,
                  "%s", err.msg);
}

/* The same count by joining every match to its article. */
static void
count_sql(const char *match, long *passages, long *articles)
{
    char sql[512];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM passages_fts WHERE "
             "passages_fts MATCH '%s'", match);
    *passages = atol(unit_text(sql));
    snprintf(sql, sizeof sql, "SELECT count(DISTINCT p.article_id) FROM "
             "passages_fts JOIN passages AS p ON p.id = passages_fts.rowid "
             "WHERE passages_fts MATCH '%s'", match);
    *articles = atol(unit_text(sql));
}

START_TEST(test_map_names_every_passage_article)
{
    struct tl_error err = { 0 };
    struct tl_spans s;
    int fresh = 0;

    corpus();
    ck_assert_uint_eq(refresh(), 3);
    tl_spans_init(&s);
    ck_assert_msg(tl_spans_load(unit_db, &s, &fresh, &err) == TL_OK, "%s",
                  err.msg);
    ck_assert_int_eq(fresh, 1);
    ck_assert_uint_eq(s.n, 3);
    for (int64_t id = 1; id <= 8; id++) {
        char sql[128];
        long i = tl_spans_find(&s, id);
        snprintf(sql, sizeof sql, "SELECT article_id FROM passages WHERE id "
                 "= %lld", (long long)id);
        ck_assert_int_ge(i, 0);
        ck_assert_int_eq(s.article[i], atol(unit_text(sql)));
    }
    ck_assert_int_eq(tl_spans_find(&s, 0), -1);
    ck_assert_int_eq(tl_spans_find(&s, 9), -1);
    tl_spans_release(&s);
    unit_db_teardown();
}
END_TEST

START_TEST(test_count_equals_the_join)
{
    static const char *const words[] = { "river", "snow", "harvest OR snow",
                                         "first", "\"river trade\"",
                                         "absent" };
    corpus();
    refresh();
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        long p = -1, a = -1, sp = -2, sa = -2;
        int answered = 0;
        count(words[i], NULL, 0, &p, &a, &answered);
        count_sql(words[i], &sp, &sa);
        ck_assert_int_eq(answered, 1);
        ck_assert_msg(p == sp && a == sa, "%s: %ld/%ld, the join %ld/%ld",
                      words[i], p, a, sp, sa);
    }
    unit_db_teardown();
}
END_TEST

START_TEST(test_count_keeps_only_accepted_articles)
{
    const int64_t two_three[] = { 2, 3 }, none[] = { 0 };
    long p = -1, a = -1;
    int answered = 0;

    corpus();
    refresh();
    count("river", two_three, 2, &p, &a, &answered);
    ck_assert_int_eq(answered, 1);
    ck_assert_int_eq(p, 2);     /* 4 "river trade", 7 "river crossings" */
    ck_assert_int_eq(a, 2);
    count("river", none, 0, &p, &a, &answered);
    ck_assert_int_eq(answered, 1);
    ck_assert_int_eq(p, 0);
    ck_assert_int_eq(a, 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_new_passages_make_the_map_stale)
{
    long p = -1, a = -1;
    int answered = 1;

    corpus();
    refresh();
    add_article(4, "fourth");
    unit_add_passage(0, 4, 1, "river mouths");
    count("river", NULL, 0, &p, &a, &answered);
    ck_assert_int_eq(answered, 0);
    ck_assert_uint_eq(refresh(), 4);
    count("river", NULL, 0, &p, &a, &answered);
    ck_assert_int_eq(answered, 1);
    ck_assert_int_eq(p, 5);
    ck_assert_int_eq(a, 4);
    unit_db_teardown();
}
END_TEST

/* Deleting the last article and storing another with the same words
 * hands its passage ids out again: FTS5's totals are the same, the last
 * passage's article is not. */
START_TEST(test_reused_ids_make_the_map_stale)
{
    long p = -1, a = -1;
    int answered = 1;

    corpus();
    refresh();
    unit_exec("DELETE FROM articles WHERE id = 3");
    add_article(9, "third");
    unit_add_passage(0, 9, 1, "mountain passes");
    unit_add_passage(0, 9, 2, "river crossings");
    unit_add_passage(0, 9, 3, "snow");
    ck_assert_str_eq(unit_text("SELECT max(id) FROM passages"), "8");
    count("river", NULL, 0, &p, &a, &answered);
    ck_assert_int_eq(answered, 0);
    unit_db_teardown();
}
END_TEST

/* An article whose passages are not consecutive still counts once. */
START_TEST(test_article_in_two_spans_counts_once)
{
    long p = -1, a = -1;
    int answered = 0;

    unit_db_setup();
    add_article(1, "one");
    add_article(2, "two");
    unit_add_passage(1, 1, 1, "river one");
    unit_add_passage(2, 2, 1, "river two");
    unit_add_passage(3, 1, 2, "river again");
    ck_assert_uint_eq(refresh(), 3);
    count("river", NULL, 0, &p, &a, &answered);
    ck_assert_int_eq(answered, 1);
    ck_assert_int_eq(p, 3);
    ck_assert_int_eq(a, 2);
    unit_db_teardown();
}
END_TEST

START_TEST(test_fresh_map_is_not_written_again)
{
    corpus();
    refresh();
    int before = sqlite3_total_changes(unit_db);
    ck_assert_uint_eq(refresh(), 0);
    ck_assert_int_eq(sqlite3_total_changes(unit_db), before);
    unit_db_teardown();
}
END_TEST

START_TEST(test_empty_index_counts_nothing)
{
    long p = -1, a = -1;
    int answered = 0;

    unit_db_setup();
    ck_assert_uint_eq(refresh(), 0);
    count("river", NULL, 0, &p, &a, &answered);
    ck_assert_int_eq(answered, 1);
    ck_assert_int_eq(p, 0);
    ck_assert_int_eq(a, 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_without_a_map_nothing_is_answered)
{
    long p = -1, a = -1;
    int answered = 1;

    corpus();
    count("river", NULL, 0, &p, &a, &answered);
    ck_assert_int_eq(answered, 0);
    unit_db_teardown();
}
END_TEST

/* talaash --count goes through the map when it is fresh, and says the
 * same as without it. */
START_TEST(test_search_count_uses_the_map_and_agrees)
{
    struct tl_search_opts o;
    struct tl_error err = { 0 };
    long p1 = -1, a1 = -1, p2 = -2, a2 = -2;

    corpus();
    tl_search_opts_init(&o);
    o.match = "\"river\"";
    ck_assert_msg(tl_search_count(unit_db, &o, &p1, &a1, &err) == TL_OK,
                  "%s", err.msg);
    refresh();
    ck_assert_msg(tl_search_count(unit_db, &o, &p2, &a2, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_eq(p1, 4);
    ck_assert_int_eq(a1, 3);
    ck_assert_int_eq(p2, p1);
    ck_assert_int_eq(a2, a1);
    o.undated = 1;      /* no article has a date */
    ck_assert_msg(tl_search_count(unit_db, &o, &p2, &a2, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_eq(p2, 4);
    unit_exec("UPDATE articles SET pub_date = '2001', date_precision = "
              "'year' WHERE id = 2");
    ck_assert_msg(tl_search_count(unit_db, &o, &p2, &a2, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_eq(p2, 3);
    ck_assert_int_eq(a2, 2);
    /* a map saying every passage is article 1's: the count follows it,
     * the exhaustive one does not */
    o.undated = 0;
    unit_exec("UPDATE article_spans SET spans = x'00010702'");
    ck_assert_msg(tl_search_count(unit_db, &o, &p2, &a2, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_eq(p2, 4);
    ck_assert_int_eq(a2, 1);
    o.exhaustive = 1;
    ck_assert_msg(tl_search_count(unit_db, &o, &p2, &a2, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_eq(a2, 3);
    unit_db_teardown();
}
END_TEST

START_TEST(test_tally_gives_each_article_its_passages)
{
    struct tl_error err = { 0 };
    struct tl_spans_tally t;
    const int64_t one_three[] = { 1, 3 };
    int answered = 0;

    corpus();
    refresh();
    ck_assert_int_eq(tl_spans_tally(unit_db, "river", NULL, 0, &t, &answered,
                                    &err), TL_OK);
    ck_assert_int_eq(answered, 1);
    ck_assert_uint_eq(t.n, 3);
    ck_assert_int_eq(t.article[0], 1);
    ck_assert_int_eq(t.passages[0], 2);     /* passages 1 and 3 */
    ck_assert_int_eq(t.article[1], 2);
    ck_assert_int_eq(t.passages[1], 1);
    ck_assert_int_eq(t.article[2], 3);
    ck_assert_int_eq(t.passages[2], 1);
    ck_assert_int_eq(t.multi, 0);
    tl_spans_tally_release(&t);
    ck_assert_int_eq(tl_spans_tally(unit_db, "river", one_three, 2, &t,
                                    &answered, &err), TL_OK);
    ck_assert_uint_eq(t.n, 2);
    ck_assert_int_eq(t.article[1], 3);
    tl_spans_tally_release(&t);
    unit_db_teardown();
}
END_TEST

/* The article list from the spans: the SQL's order, scores and passage
 * counts; not answered when an article is split over two spans. */
START_TEST(test_articles_scan_ranks_as_the_sql)
{
    struct tl_error err = { 0 };
    struct tl_article_hits h;
    struct tl_search_opts o;
    struct tl_articles *a = NULL;
    struct tl_article_row row;
    int answered = 0, done = 0;
    size_t i = 0;

    corpus();
    refresh();
    /* with FTS5's lengths, then with the packed ones (lib/lengths.c) */
    for (int pass = 0; pass < 2; pass++) {
        long before = tl_rank_lengths_count(), n = 0;
        i = 0;
        if (pass == 1)
            ck_assert_int_eq(tl_lengths_refresh(unit_db, &n, &err), TL_OK);
        ck_assert_int_eq(tl_articles_scan(unit_db, "\"river\"", 0, NULL, 0,
                                          10, &h, &answered, &err), TL_OK);
        ck_assert_int_eq(tl_rank_lengths_count() > before, pass == 1);
        ck_assert_int_eq(answered, 1);
        ck_assert_uint_eq(h.n, 3);
        tl_search_opts_init(&o);
        o.match = "\"river\"";
        o.limit = 10;
        o.exhaustive = 1;
        ck_assert_int_eq(tl_articles_new(unit_db, &o, &a, &err), TL_OK);
        for (;;) {
            ck_assert_int_eq(tl_articles_next(a, &row, &done, &err), TL_OK);
            if (done)
                break;
            ck_assert_uint_lt(i, h.n);
            ck_assert_int_eq(row.id, h.ids[i]);
            ck_assert(row.score == h.best[i]);
            ck_assert_int_eq(row.passages, h.passages[i]);
            i++;
        }
        ck_assert_uint_eq(i, h.n);
        ck_assert_int_eq(h.passages[0] + h.passages[1] + h.passages[2], 4);
        tl_articles_free(a);
        tl_article_hits_release(&h);
        /* only articles 2 and 3, and the first one alone */
        {
            const int64_t two_three[] = { 2, 3 };
            ck_assert_int_eq(tl_articles_scan(unit_db, "\"river\"", 0,
                                              two_three, 2, 1, &h, &answered,
                                              &err), TL_OK);
            ck_assert_int_eq(answered, 1);
            ck_assert_uint_eq(h.n, 1);
            ck_assert(h.ids[0] == 2 || h.ids[0] == 3);
            tl_article_hits_release(&h);
        }
    }
    unit_db_teardown();
}
END_TEST

START_TEST(test_articles_scan_refuses_split_articles)
{
    struct tl_error err = { 0 };
    struct tl_article_hits h;
    int answered = 1;

    unit_db_setup();
    add_article(1, "one");
    add_article(2, "two");
    unit_add_passage(1, 1, 1, "river one");
    unit_add_passage(2, 2, 1, "river two");
    unit_add_passage(3, 1, 2, "river again");
    refresh();
    ck_assert_int_eq(tl_articles_scan(unit_db, "\"river\"", 0, NULL, 0, 10,
                                      &h, &answered, &err), TL_OK);
    ck_assert_int_eq(answered, 0);
    ck_assert_uint_eq(h.n, 0);
    unit_db_teardown();
}
END_TEST

Suite *
spans_suite(void)
{
    Suite *s = suite_create("spans");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_map_names_every_passage_article);
    tcase_add_test(tc, test_count_equals_the_join);
    tcase_add_test(tc, test_count_keeps_only_accepted_articles);
    tcase_add_test(tc, test_new_passages_make_the_map_stale);
    tcase_add_test(tc, test_reused_ids_make_the_map_stale);
    tcase_add_test(tc, test_article_in_two_spans_counts_once);
    tcase_add_test(tc, test_fresh_map_is_not_written_again);
    tcase_add_test(tc, test_empty_index_counts_nothing);
    tcase_add_test(tc, test_without_a_map_nothing_is_answered);
    tcase_add_test(tc, test_search_count_uses_the_map_and_agrees);
    tcase_add_test(tc, test_tally_gives_each_article_its_passages);
    tcase_add_test(tc, test_articles_scan_ranks_as_the_sql);
    tcase_add_test(tc, test_articles_scan_refuses_split_articles);
    suite_add_tcase(s, tc);
    return s;
}
