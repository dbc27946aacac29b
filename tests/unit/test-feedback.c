/* test-feedback.c - pseudo-relevance feedback (lib/feedback.c), as
 * talaash --expand uses it: the best passage's telling words join the
 * query, weighted below it, and find passages that say the same thing
 * in other words. */
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "unit.h"

static void
add_article(int id, const char *topic)
{
    char sql[1024];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, hash, "
             "size, mtime_ns, format, title, author) VALUES (%d, "
             "'/a/%d.txt', tl_path_key('/a/%d.txt'), 'h%d', 1, 1, 'text', "
             "'notes %d', ''); INSERT OR IGNORE INTO topics (name) VALUES "
             "('%s'); INSERT INTO article_topics (article_id, topic_id) "
             "SELECT %d, id FROM topics WHERE name = '%s'", id, id, id, id,
             id, topic, id, topic);
    unit_exec(sql);
}

/* 30 passages on other things, so that the story's words are rare; the
 * story twice, once without the word searched for; the word again in an
 * article of another topic. */
static void
corpus(void)
{
    char text[256];

    unit_db_setup();
    for (int a = 1; a <= 10; a++) {
        add_article(a, "other");
        for (int p = 1; p <= 3; p++) {
            snprintf(text, sizeof text, "the harvest of orchard%d was weighed "
                     "at market%d and sold by grower%d in the autumn", a * 3 + p,
                     a, p);
            unit_add_passage(0, a, p, text);
        }
    }
    add_article(11, "border");
    unit_add_passage(0, 11, 1, "Haqqani network fighters crossed from Waziristan "
                "into Khost province at night");
    add_article(12, "border");
    unit_add_passage(0, 12, 1, "Militants from Waziristan crossed into Khost "
                "province and attacked two posts");
    add_article(13, "cities");
    unit_add_passage(0, 13, 1, "Haqqani commanders met traders in Peshawar bazaars, "
                "where the talk was of prices, of the weather, of cricket, "
                "of weddings and of the long road north to the hills");
}

static int
has_word(const struct tl_feedback *fb, const char *word)
{
    const char *w = fb->words.data;
    size_t n = strlen(word);

    for (const char *p = w; (p = strstr(p, word)) != NULL; p++)
        if ((p == w || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

static void
expand(const char *match, const struct tl_search_opts *base,
       struct tl_feedback *fb)
{
    struct tl_feedback_opts fo;
    struct tl_error err = { 0 };

    tl_feedback_opts_expand(&fo);
    fo.base = base;
    tl_feedback_init(fb);
    ck_assert_msg(tl_feedback_expand(unit_db, match, 1, &fo, fb, &err)
                  == TL_OK, "%s", err.msg);
}

START_TEST(test_expand_setting_is_bo1_from_the_best_passage)
{
    struct tl_feedback_opts fo;

    tl_feedback_opts_expand(&fo);
    ck_assert_int_eq(fo.method, TL_FEEDBACK_BO1);
    ck_assert_int_eq(fo.docs, 1);
    ck_assert_int_eq(fo.terms, 40);
    ck_assert(fo.orig_weight == 0.85);
    ck_assert_ptr_null(fo.base);
}
END_TEST

START_TEST(test_adds_the_best_passages_telling_words)
{
    struct tl_feedback fb;

    corpus();
    expand("\"haqqani\"", NULL, &fb);
    ck_assert_uint_gt(fb.n_tail, 0);
    ck_assert_uint_le(fb.n_tail, 40);
    ck_assert_msg(has_word(&fb, "Waziristan") || has_word(&fb, "Khost"),
                  "added: %s", fb.words.data);
    /* stopwords are never added */
    ck_assert(!has_word(&fb, "from"));
    ck_assert(!has_word(&fb, "into"));
    ck_assert(!has_word(&fb, "at"));
    ck_assert_msg(strncmp(fb.match.data, "(\"haqqani\") OR \"", 16) == 0,
                  "%s", fb.match.data);
    tl_feedback_release(&fb);
    unit_db_teardown();
}
END_TEST

START_TEST(test_added_words_weigh_less_than_the_query)
{
    struct tl_feedback fb;

    corpus();
    expand("\"haqqani\"", NULL, &fb);
    ck_assert_uint_gt(fb.n_tail, 1);
    ck_assert(fb.head_weight == 1.0);
    /* the best added word weighs (1 - 0.85) / 0.85, the others less */
    ck_assert_double_eq_tol(fb.tail[0], 0.15 / 0.85, 1e-12);
    for (size_t i = 1; i < fb.n_tail; i++) {
        ck_assert(fb.tail[i] <= fb.tail[i - 1]);
        ck_assert(fb.tail[i] > 0);
    }
    tl_feedback_release(&fb);
    unit_db_teardown();
}
END_TEST

START_TEST(test_expanded_search_finds_other_wording)
{
    struct tl_feedback fb;
    struct tl_error err = { 0 };
    const char *found;

    corpus();
    expand("\"haqqani\"", NULL, &fb);
    ck_assert_msg(tl_feedback_rank(unit_db, &fb, NULL, &err) == TL_OK, "%s",
                  err.msg);
    /* article 12 never says Haqqani */
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'haqqani' AND rowid = "
                               "(SELECT id FROM passages WHERE article_id = "
                               "12)"), "0");
    {
        static char list[256];
        sqlite3_stmt *st = NULL;
        size_t len = 0;

        ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT p.article_id "
                         "FROM passages_fts JOIN passages AS p ON p.id = "
                         "passages_fts.rowid WHERE passages_fts MATCH ?1 "
                         "ORDER BY " TL_RANK_SQL " DESC", -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, fb.match.data, -1, SQLITE_STATIC);
        list[0] = '\0';
        while (sqlite3_step(st) == SQLITE_ROW && len < sizeof list - 16)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%lld",
                                    len > 0 ? "," : "",
                                    (long long)sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
        found = list;
    }
    ck_assert_msg(strstr(found, "12") != NULL, "found %s", found);
    /* the passage that has the word still comes first */
    ck_assert_msg(strncmp(found, "11,", 3) == 0, "found %s", found);
    tl_rank_override(unit_db, NULL, &err);
    tl_feedback_release(&fb);
    unit_db_teardown();
}
END_TEST

START_TEST(test_best_passage_obeys_the_filters)
{
    struct tl_search_opts base;
    struct tl_feedback fb;
    const char *topics[] = { "cities" };

    corpus();
    tl_search_opts_init(&base);
    base.topics = topics;
    base.n_topics = 1;
    base.limit = 10;
    base.offset = 3;            /* not used for the first search */
    expand("\"haqqani\"", &base, &fb);
    ck_assert_msg(has_word(&fb, "Peshawar"), "added: %s", fb.words.data);
    ck_assert(!has_word(&fb, "Waziristan"));
    tl_feedback_release(&fb);
    unit_db_teardown();
}
END_TEST

START_TEST(test_nothing_found_leaves_the_query_alone)
{
    struct tl_feedback fb;

    corpus();
    expand("\"nosuchword\"", NULL, &fb);
    ck_assert_uint_eq(fb.n_tail, 0);
    ck_assert_str_eq(fb.match.data, "\"nosuchword\"");
    ck_assert_str_eq(fb.words.data != NULL ? fb.words.data : "", "");
    tl_feedback_release(&fb);
    unit_db_teardown();
}
END_TEST

Suite *
feedback_suite(void)
{
    Suite *s = suite_create("feedback");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_expand_setting_is_bo1_from_the_best_passage);
    tcase_add_test(tc, test_adds_the_best_passages_telling_words);
    tcase_add_test(tc, test_added_words_weigh_less_than_the_query);
    tcase_add_test(tc, test_expanded_search_finds_other_wording);
    tcase_add_test(tc, test_best_passage_obeys_the_filters);
    tcase_add_test(tc, test_nothing_found_leaves_the_query_alone);
    suite_add_tcase(s, tc);
    return s;
}
