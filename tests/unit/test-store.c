/* test-store.c - writing articles and passages. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static struct tl_store *store;

static void
store_setup(void)
{
    struct tl_error err = { 0 };

    unit_db_setup();
    ck_assert_int_eq(tl_store_new(unit_db, &store, &err), TL_OK);
}

static void
store_teardown(void)
{
    tl_store_free(store);
    store = NULL;
    unit_db_teardown();
}

/* An article as tl_article_load() would make it. */
static void
make(struct tl_article *a, const char *path, const char *text,
     const char *hash, int64_t mtime)
{
    tl_article_init(a);
    a->path = strdup(path);
    a->title = strdup("Title");
    a->author = strdup("");
    ck_assert_int_eq(tl_buf_append(&a->text, text, strlen(text)), TL_OK);
    snprintf(a->hash, sizeof a->hash, "%s", hash);
    a->size = (int64_t)strlen(text);
    a->mtime_ns = mtime;
}

static void
put(const struct tl_article *a)
{
    struct tl_error err = { 0 };
    struct tl_span *spans;
    size_t n;

    ck_assert_int_eq(tl_passages_split(a->text.data, a->text.len, &spans, &n,
                                       &err), TL_OK);
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_msg(tl_store_put(store, a, spans, n, &err) == TL_OK, "%s",
                  err.msg);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    free(spans);
}

static enum tl_store_state
state(const char *path, int64_t size, int64_t mtime)
{
    struct tl_error err = { 0 };
    enum tl_store_state s;

    ck_assert_int_eq(tl_store_lookup(store, path, size, mtime, &s, &err),
                     TL_OK);
    return s;
}

START_TEST(test_put_stores_article_and_passages)
{
    struct tl_article a;

    make(&a, "/x/a.txt", "first para\n\nsecond para", "h1", 100);
    put(&a);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages"), "2");
    ck_assert_str_eq(unit_text("SELECT text FROM passages WHERE ordinal = 2"),
                     "second para");
    ck_assert_str_eq(unit_text("SELECT byte_start || '-' || byte_end FROM "
                               "passages WHERE ordinal = 2"), "12-23");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'second'"), "1");
    tl_article_release(&a);
}
END_TEST

START_TEST(test_lookup_tells_new_unchanged_changed)
{
    struct tl_article a;

    ck_assert_int_eq(state("/x/a.txt", 5, 100), TL_STORE_NEW);
    make(&a, "/x/a.txt", "hello", "h1", 100);
    put(&a);
    ck_assert_int_eq(state("/x/a.txt", 5, 100), TL_STORE_UNCHANGED);
    ck_assert_int_eq(state("/x/a.txt", 5, 101), TL_STORE_CHANGED);
    ck_assert_int_eq(state("/x/a.txt", 6, 100), TL_STORE_CHANGED);
    tl_article_release(&a);
}
END_TEST

START_TEST(test_put_replaces_older_version)
{
    struct tl_article a;
    char id[32];

    make(&a, "/x/a.txt", "old words\n\nmore old words", "h1", 100);
    put(&a);
    snprintf(id, sizeof id, "%s", unit_text("SELECT id FROM articles"));
    tl_article_release(&a);
    make(&a, "/x/a.txt", "new words", "h2", 200);
    put(&a);
    ck_assert_str_eq(unit_text("SELECT id FROM articles"), id);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'old'"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'new'"), "1");
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) "
              "VALUES ('integrity-check', 1)");
    tl_article_release(&a);
}
END_TEST

START_TEST(test_touch_keeps_same_content)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    int same = -1;

    make(&a, "/x/a.txt", "hello", "h1", 100);
    put(&a);
    a.mtime_ns = 300;
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_int_eq(tl_store_touch_if_same(store, &a, &same, &err), TL_OK);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    ck_assert_int_eq(same, 1);
    ck_assert_int_eq(state("/x/a.txt", 5, 300), TL_STORE_UNCHANGED);
    snprintf(a.hash, sizeof a.hash, "other");
    ck_assert_int_eq(tl_store_touch_if_same(store, &a, &same, &err), TL_OK);
    ck_assert_int_eq(same, 0);
    tl_article_release(&a);
}
END_TEST

START_TEST(test_rollback_leaves_nothing)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    struct tl_span span = { 0, 5 };

    make(&a, "/x/a.txt", "hello", "h1", 100);
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_int_eq(tl_store_put(store, &a, &span, 1, &err), TL_OK);
    tl_store_rollback(store);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'hello'"), "0");
    tl_article_release(&a);
}
END_TEST

Suite *
store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("put");

    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_add_test(tc, test_put_stores_article_and_passages);
    tcase_add_test(tc, test_lookup_tells_new_unchanged_changed);
    tcase_add_test(tc, test_put_replaces_older_version);
    tcase_add_test(tc, test_touch_keeps_same_content);
    tcase_add_test(tc, test_rollback_leaves_nothing);
    suite_add_tcase(s, tc);
    return s;
}
