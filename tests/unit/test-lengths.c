/* test-lengths.c - the packed passage lengths (lib/lengths.c): they are
 * FTS5's own, across chunk boundaries; a passage stored since the last
 * refresh, an id that may be handed out again and a title changed in
 * place are never answered from stale lengths; a refresh writes only
 * what changed. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lengths.h"

static void
add_article(int id, const char *title, const char *author)
{
    char *sql = sqlite3_mprintf("INSERT INTO articles (id, path, path_key, "
                                "hash, size, mtime_ns, format, title, "
                                "author) VALUES (%d, '/a/%d.txt', "
                                "tl_path_key('/a/%d.txt'), 'h%d', 1, 1, "
                                "'text', %Q, %Q)", id, id, id, id, title,
                                author);

    unit_exec(sql);
    sqlite3_free(sql);
}

/* Three articles: 1 (ids 1-3), 2 (4-5), 3 (999-1001, across the first
 * chunk's end, and 2200). */
static void
corpus(void)
{
    unit_db_setup();
    add_article(1, "River news", "Ann Lee");
    unit_add_passage(0, 1, 1, "common river delta floods in the spring");
    unit_add_passage(0, 1, 2, "common harvest");
    unit_add_passage(0, 1, 3, "common barges stopped at the lock gates "
                     "for a week");
    add_article(2, "Markets", "");
    unit_add_passage(0, 2, 1, "common trade");
    unit_add_passage(0, 2, 2, "common quiet markets today");
    add_article(3, "A long title of many words for the third article",
                "B. C. Doe");
    unit_add_passage(999, 3, 1, "common mountain passes");
    unit_add_passage(1000, 3, 2, "common crossings of the river");
    unit_add_passage(1001, 3, 3, "common snow");
    unit_add_passage(2200, 3, 4, "common thaw in the valley at last");
}

static long
refresh(void)
{
    struct tl_error err = { 0 };
    long n = -1;

    ck_assert_msg(tl_lengths_refresh(unit_db, &n, &err) == TL_OK, "%s",
                  err.msg);
    return n;
}

static struct tl_lengths *
open_lengths(void)
{
    struct tl_error err = { 0 };
    struct tl_lengths *l = NULL;

    ck_assert_msg(tl_lengths_open(unit_db, &l, &err) == TL_OK, "%s",
                  err.msg);
    return l;
}

/* l gives passage id FTS5's lengths. */
static void
assert_known(struct tl_lengths *l, int64_t id)
{
    int got[TL_RANK_COLUMNS], want[TL_RANK_COLUMNS];

    ck_assert_msg(tl_lengths_get(l, id, got), "passage %lld not known",
                  (long long)id);
    unit_fts5_lengths("common", id, want);
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        ck_assert_msg(got[c] == want[c], "passage %lld column %d: %d, FTS5 "
                      "%d", (long long)id, c, got[c], want[c]);
}

static void
assert_unknown(struct tl_lengths *l, int64_t id)
{
    int got[TL_RANK_COLUMNS];

    ck_assert_msg(!tl_lengths_get(l, id, got), "passage %lld known",
                  (long long)id);
}

static const int64_t ids[] = { 1, 2, 3, 4, 5, 999, 1000, 1001, 2200 };
#define N_IDS (sizeof ids / sizeof *ids)

START_TEST(test_lengths_are_fts5s_across_chunks)
{
    struct tl_lengths *l;

    corpus();
    /* 16001's chunk takes the first's slot in the reader's memory */
    unit_add_passage(16001, 3, 5, "common frost");
    ck_assert_ptr_null(open_lengths());     /* none yet */
    ck_assert_int_eq(refresh(), (long)N_IDS + 1);
    l = open_lengths();
    ck_assert_ptr_nonnull(l);
    for (size_t i = 0; i < N_IDS; i++)
        assert_known(l, ids[i]);
    /* in any order: chunks 0 and 16 take turns in one slot */
    for (size_t i = N_IDS; i-- > 0;) {
        assert_known(l, ids[i]);
        assert_known(l, 16001);
    }
    assert_unknown(l, 6);           /* no passage */
    assert_unknown(l, 1500);
    assert_unknown(l, 2201);
    assert_unknown(l, 16002);       /* past the table */
    assert_unknown(l, 0);
    tl_lengths_free(l);
    unit_db_teardown();
}
END_TEST

START_TEST(test_new_passages_wait_for_the_refresh)
{
    struct tl_lengths *l;
    int changes;

    corpus();
    refresh();
    changes = sqlite3_total_changes(unit_db);
    ck_assert_int_eq(refresh(), 0);         /* up to date: nothing */
    ck_assert_int_eq(sqlite3_total_changes(unit_db), changes);
    unit_add_passage(0, 3, 5, "common ice on the river banks");
    l = open_lengths();
    assert_unknown(l, 2201);
    tl_lengths_free(l);
    /* only the passage it does not cover: 2200 stays as it is */
    ck_assert_int_eq(refresh(), 1);
    l = open_lengths();
    for (size_t i = 0; i < N_IDS; i++)
        assert_known(l, ids[i]);
    assert_known(l, 2201);
    tl_lengths_free(l);
    unit_db_teardown();
}
END_TEST

START_TEST(test_ids_that_may_come_back_are_not_covered)
{
    struct tl_lengths *l;

    corpus();
    refresh();
    /* the last article's passages go: their ids may be handed out again */
    unit_exec("DELETE FROM passages WHERE article_id = 3");
    ck_assert_str_eq(unit_text("SELECT covered FROM passage_lengths_state"),
                     "5");
    unit_add_passage(0, 2, 3, "common and now a much longer passage than "
                     "the one that had this id before it");
    ck_assert_str_eq(unit_text("SELECT max(id) FROM passages"), "6");
    l = open_lengths();
    assert_known(l, 5);
    assert_unknown(l, 6);
    tl_lengths_free(l);
    refresh();
    l = open_lengths();
    assert_known(l, 6);
    tl_lengths_free(l);
    unit_db_teardown();
}
END_TEST

START_TEST(test_deleting_inner_passages_keeps_the_rest)
{
    struct tl_lengths *l;

    corpus();
    refresh();
    unit_exec("DELETE FROM passages WHERE article_id = 2");
    ck_assert_str_eq(unit_text("SELECT covered FROM passage_lengths_state"),
                     "2200");
    l = open_lengths();
    assert_known(l, 3);
    assert_known(l, 2200);
    tl_lengths_free(l);
    unit_db_teardown();
}
END_TEST

START_TEST(test_a_title_changed_in_place_is_never_used_stale)
{
    struct tl_lengths *l;

    corpus();
    refresh();
    unit_exec("UPDATE articles SET title = 'River news of the whole valley "
              "and beyond' WHERE id = 1");
    ck_assert_ptr_null(open_lengths());     /* dirty */
    refresh();
    l = open_lengths();
    ck_assert_ptr_nonnull(l);
    for (size_t i = 0; i < N_IDS; i++)
        assert_known(l, ids[i]);
    tl_lengths_free(l);
    unit_db_teardown();
}
END_TEST

/* talaash-index deletes an edited article's passages before it updates
 * the article: a new title then changes no stored passage */
START_TEST(test_a_title_changed_with_new_passages_keeps_the_table)
{
    struct tl_lengths *l;

    corpus();
    refresh();
    unit_exec("DELETE FROM passages WHERE article_id = 1");
    unit_exec("UPDATE articles SET title = 'River news of the whole valley "
              "and beyond' WHERE id = 1");
    ck_assert_str_eq(unit_text("SELECT dirty FROM passage_lengths_state"),
                     "0");
    unit_add_passage(0, 1, 1, "common river delta floods in the spring");
    l = open_lengths();
    ck_assert_ptr_nonnull(l);
    assert_known(l, 4);
    assert_unknown(l, 2201);        /* the new passage, until the refresh */
    tl_lengths_free(l);
    ck_assert_int_eq(refresh(), 1);     /* the new passage only */
    l = open_lengths();
    assert_known(l, 2201);
    tl_lengths_free(l);
    unit_db_teardown();
}
END_TEST

START_TEST(test_fields_too_long_are_not_known)
{
    struct tl_lengths *l;
    size_t n = 70000 * 2 + 8;
    char *body = malloc(n), *title = malloc(300 * 2 + 1);
    int want[TL_RANK_COLUMNS];

    ck_assert_ptr_nonnull(body);
    ck_assert_ptr_nonnull(title);
    strcpy(body, "common");
    for (size_t i = 0; i < 70000; i++)
        memcpy(body + 6 + 2 * i, " w", 3);
    for (size_t i = 0; i < 300; i++)
        memcpy(title + 2 * i, "t ", 3);
    corpus();
    unit_add_passage(0, 2, 3, body);
    add_article(4, title, "");
    unit_add_passage(0, 4, 1, "common words under a long title");
    refresh();
    unit_fts5_lengths("common", 2201, want);
    ck_assert_int_gt(want[0], 0xffff);
    unit_fts5_lengths("common", 2202, want);
    ck_assert_int_gt(want[1], 0xff);
    l = open_lengths();
    assert_known(l, 2200);
    assert_unknown(l, 2201);
    assert_unknown(l, 2202);
    tl_lengths_free(l);
    free(body);
    free(title);
    unit_db_teardown();
}
END_TEST

Suite *
lengths_suite(void)
{
    Suite *s = suite_create("lengths");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_lengths_are_fts5s_across_chunks);
    tcase_add_test(tc, test_new_passages_wait_for_the_refresh);
    tcase_add_test(tc, test_ids_that_may_come_back_are_not_covered);
    tcase_add_test(tc, test_deleting_inner_passages_keeps_the_rest);
    tcase_add_test(tc, test_a_title_changed_in_place_is_never_used_stale);
    tcase_add_test(tc, test_a_title_changed_with_new_passages_keeps_the_table);
    tcase_add_test(tc, test_fields_too_long_are_not_known);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
