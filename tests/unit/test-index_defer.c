/* test-index_defer.c - the articles' indexes by hash and date left out
 * of a first build and made at its end (lib/index_defer.c): only into
 * an empty table, made again exactly as the schema had them, in the
 * caller's transaction when there is one, and never from anything in
 * meta but one CREATE INDEX of an index it defers. */
#include <stdlib.h>
#include <string.h>

#include "compact.h"
#include "unit.h"

/* The articles' indexes as sqlite_schema holds them, in one string. */
static char *
article_indexes(void)
{
    return strdup(unit_text("SELECT coalesce(group_concat(name || ': ' || "
                            "sql, ' | '), '') FROM (SELECT name, sql FROM "
                            "sqlite_schema WHERE type = 'index' AND "
                            "tbl_name = 'articles' AND sql IS NOT NULL "
                            "ORDER BY name)"));
}

static long
number(const char *sql)
{
    return atol(unit_text(sql));
}

static int
defer(void)
{
    struct tl_error err = { 0 };
    int n = -1;

    ck_assert_msg(tl_index_defer(unit_db, &n, &err) == TL_OK, "%s", err.msg);
    return n;
}

static int
restore(void)
{
    struct tl_error err = { 0 };
    int n = -1;

    ck_assert_msg(tl_index_restore(unit_db, &n, &err) == TL_OK, "%s",
                  err.msg);
    return n;
}

static void
add_article(int id)
{
    char sql[512];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, "
             "hash, size, mtime_ns, format, title, author, pub_date, "
             "date_precision) VALUES (%d, '/a/%d.txt', "
             "tl_path_key('/a/%d.txt'), randomblob(16), 1, 1, 'text', 't', "
             "'', '2019-0%d-01', 'day')", id, id, id, 1 + id % 9);
    unit_exec(sql);
}

START_TEST(test_defers_and_restores_the_same_indexes)
{
    char *before, *during, *after;

    unit_db_setup();
    before = article_indexes();
    ck_assert_ptr_nonnull(strstr(before, "articles_by_hash"));
    ck_assert_ptr_nonnull(strstr(before, "articles_by_date"));
    ck_assert_int_eq(defer(), 3);
    during = article_indexes();
    ck_assert_ptr_null(strstr(during, "articles_by_hash"));
    ck_assert_ptr_null(strstr(during, "articles_by_date"));
    ck_assert_ptr_null(strstr(during, "articles_by_path"));
    ck_assert_int_eq(number("SELECT count(*) FROM meta WHERE key LIKE "
                            "'deferred index %'"), 3);
    /* twice: nothing more to leave out */
    ck_assert_int_eq(defer(), 0);
    for (int i = 1; i <= 50; i++)
        add_article(i);
    ck_assert_int_eq(restore(), 3);
    after = article_indexes();
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(number("SELECT count(*) FROM meta WHERE key LIKE "
                            "'deferred index %'"), 0);
    /* the made index holds the rows inserted while it was away */
    ck_assert_int_eq(number("SELECT count(*) FROM articles INDEXED BY "
                            "articles_by_date WHERE pub_date > '2019-05'"),
                     number("SELECT count(*) FROM articles NOT INDEXED "
                            "WHERE pub_date > '2019-05'"));
    ck_assert_str_eq(unit_text("PRAGMA integrity_check"), "ok");
    ck_assert_int_eq(restore(), 0);
    free(before);
    free(during);
    free(after);
    unit_db_teardown();
}
END_TEST

START_TEST(test_a_table_with_rows_keeps_its_indexes)
{
    char *before, *after;

    unit_db_setup();
    add_article(1);
    before = article_indexes();
    ck_assert_int_eq(defer(), 0);
    after = article_indexes();
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(number("SELECT count(*) FROM meta WHERE key LIKE "
                            "'deferred index %'"), 0);
    free(before);
    free(after);
    unit_db_teardown();
}
END_TEST

START_TEST(test_restores_in_the_callers_transaction)
{
    unit_db_setup();
    ck_assert_int_eq(defer(), 3);
    unit_exec("BEGIN");
    ck_assert_int_eq(restore(), 3);
    unit_exec("ROLLBACK");
    /* rolled back with the caller's: still left out */
    ck_assert_int_eq(number("SELECT count(*) FROM sqlite_schema WHERE name "
                            "IN ('articles_by_hash', 'articles_by_date', "
                            "'articles_by_path')"),
                     0);
    ck_assert_int_eq(restore(), 3);
    ck_assert_int_eq(number("SELECT count(*) FROM sqlite_schema WHERE name "
                            "IN ('articles_by_hash', 'articles_by_date', "
                            "'articles_by_path')"),
                     3);
    unit_db_teardown();
}
END_TEST

START_TEST(test_an_index_made_meanwhile_is_only_forgotten)
{
    unit_db_setup();
    ck_assert_int_eq(defer(), 3);
    /* a migration, or another run, made one of them again */
    unit_exec("CREATE INDEX articles_by_hash ON articles (hash)");
    ck_assert_int_eq(restore(), 2);
    ck_assert_int_eq(number("SELECT count(*) FROM sqlite_schema WHERE name "
                            "IN ('articles_by_hash', 'articles_by_date', "
                            "'articles_by_path')"),
                     3);
    ck_assert_int_eq(number("SELECT count(*) FROM meta WHERE key LIKE "
                            "'deferred index %'"), 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_runs_nothing_else_from_meta)
{
    struct tl_error err = { 0 };
    int n = -1;

    unit_db_setup();
    add_article(1);
    /* a name it does not defer: ignored, left */
    unit_exec("INSERT INTO meta (key, value) VALUES ('deferred index "
              "articles_by_size', 'CREATE INDEX articles_by_size ON "
              "articles (size)')");
    ck_assert_int_eq(restore(), 0);
    ck_assert_int_eq(number("SELECT count(*) FROM sqlite_schema WHERE name "
                            "= 'articles_by_size'"), 0);
    /* one of its names, but two statements: refused, nothing done */
    unit_exec("DROP INDEX articles_by_hash");
    unit_exec("INSERT INTO meta (key, value) VALUES ('deferred index "
              "articles_by_hash', 'CREATE INDEX articles_by_hash ON "
              "articles (hash); DELETE FROM articles')");
    ck_assert_int_eq(tl_index_restore(unit_db, &n, &err), TL_ERR_DB);
    ck_assert_ptr_nonnull(strstr(err.msg, "articles_by_hash"));
    ck_assert_int_eq(number("SELECT count(*) FROM articles"), 1);
    ck_assert_int_eq(number("SELECT count(*) FROM sqlite_schema WHERE name "
                            "= 'articles_by_hash'"), 0);
    ck_assert_int_eq(sqlite3_get_autocommit(unit_db), 1);
    unit_db_teardown();
}
END_TEST

Suite *
index_defer_suite(void)
{
    Suite *s = suite_create("index_defer");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_defers_and_restores_the_same_indexes);
    tcase_add_test(tc, test_a_table_with_rows_keeps_its_indexes);
    tcase_add_test(tc, test_restores_in_the_callers_transaction);
    tcase_add_test(tc, test_an_index_made_meanwhile_is_only_forgotten);
    tcase_add_test(tc, test_runs_nothing_else_from_meta);
    suite_add_tcase(s, tc);
    return s;
}
