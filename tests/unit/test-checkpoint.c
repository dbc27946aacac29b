/* test-checkpoint.c - the indexer's checkpointer (lib/checkpoint.h). */
#include <sys/stat.h>

#include "checkpoint.h"
#include "unit.h"

static off_t
file_size(const char *path)
{
    struct stat sb;

    ck_assert_int_eq(stat(path, &sb), 0);
    return sb.st_size;
}

/* A transaction of rows rows of 4,000 bytes, table t<round>: in the WAL
 * at its commit.  5,000 rows are over the 1,000 pages (16 KB) at which
 * SQLite checkpoints by itself. */
#define MANY 5000
static void
write_pages(int round, int rows)
{
    char sql[256];

    snprintf(sql, sizeof sql, "CREATE TABLE t%d (x BLOB); "
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
             "FROM n WHERE i < %d) INSERT INTO t%d SELECT "
             "randomblob(4000) FROM n", round, rows, round);
    unit_exec(sql);
}

/* The writer's commits only append to the WAL; the database file grows
 * when the checkpointer is poked, and the pages are the same. */
START_TEST(test_commits_are_copied_by_the_thread)
{
    struct tl_checkpointer *c = NULL;
    struct tl_error err = { 0 };
    char wal[4200];
    off_t before;
    sqlite3 *other;
    sqlite3_stmt *st;

    unit_db_setup_file();
    snprintf(wal, sizeof wal, "%s-wal", unit_db_path);
    ck_assert_int_eq(tl_checkpointer_start(unit_db, unit_db_path, &c, &err),
                     TL_OK);
    before = file_size(unit_db_path);
    write_pages(1, MANY);
    /* SQLite's own checkpoint at 1,000 pages is off: nothing copied */
    ck_assert_int_eq(file_size(unit_db_path), before);
    ck_assert_int_gt(file_size(wal), MANY * 4000);
    tl_checkpointer_poke(c);
    write_pages(2, 256);
    tl_checkpointer_poke(c);
    tl_checkpointer_stop(c);
    ck_assert_int_gt(file_size(unit_db_path), before + MANY * 4000);
    /* another connection reads both transactions */
    ck_assert_int_eq(sqlite3_open_v2(unit_db_path, &other,
                                     SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(other, "SELECT (SELECT count(*) FROM "
                                        "t1) + (SELECT count(*) FROM t2)",
                                        -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), MANY + 256);
    sqlite3_finalize(st);
    sqlite3_close(other);
    unit_db_teardown();
}
END_TEST

/* A writer that waits for the checkpoint before each transaction finds
 * the WAL copied, and SQLite writes it from its start again: after eight
 * transactions it holds one, not eight. */
#define ROUND 1000
START_TEST(test_a_writer_that_waits_reuses_the_wal)
{
    struct tl_checkpointer *c = NULL;
    struct tl_error err = { 0 };
    char wal[4200];
    off_t one;

    unit_db_setup_file();
    snprintf(wal, sizeof wal, "%s-wal", unit_db_path);
    ck_assert_int_eq(tl_checkpointer_start(unit_db, unit_db_path, &c, &err),
                     TL_OK);
    tl_checkpointer_wait(NULL);     /* none: a no-op */
    write_pages(1, ROUND);
    one = file_size(wal);
    ck_assert_int_gt(one, ROUND * 4000);
    for (int round = 2; round <= 8; round++) {
        tl_checkpointer_poke(c);
        tl_checkpointer_wait(c);
        write_pages(round, ROUND);
    }
    ck_assert_int_lt(file_size(wal), one + one / 2);
    tl_checkpointer_poke(c);
    tl_checkpointer_stop(c);
    unit_db_teardown();
}
END_TEST

/* A wait of a few milliseconds says whether the checkpoint asked for is
 * done: at once when none is asked for, not right after a poke (20 MB
 * to copy), and yes once it is copied. */
START_TEST(test_a_short_wait_says_whether_it_is_done)
{
    struct tl_checkpointer *c = NULL;
    struct tl_error err = { 0 };
    off_t before;
    int waits = 0;

    ck_assert_int_eq(tl_checkpointer_wait_ms(NULL, 1), 1);
    unit_db_setup_file();
    ck_assert_int_eq(tl_checkpointer_start(unit_db, unit_db_path, &c, &err),
                     TL_OK);
    ck_assert_int_eq(tl_checkpointer_wait_ms(c, 1), 1);    /* none asked */
    before = file_size(unit_db_path);
    write_pages(1, MANY);
    tl_checkpointer_poke(c);
    ck_assert_int_eq(tl_checkpointer_wait_ms(c, 0), 0);
    while (!tl_checkpointer_wait_ms(c, 2) && waits < 10000)    /* 20 s */
        waits++;
    ck_assert_int_eq(tl_checkpointer_wait_ms(c, 1), 1);
    ck_assert_int_gt(file_size(unit_db_path), before + MANY * 4000);
    tl_checkpointer_stop(c);
    unit_db_teardown();
}
END_TEST

/* Stopping gives the writer its own checkpoints back, and stopping none
 * is a no-op. */
START_TEST(test_stop_gives_checkpoints_back)
{
    struct tl_checkpointer *c = NULL;
    struct tl_error err = { 0 };
    off_t before;

    tl_checkpointer_stop(NULL);
    tl_checkpointer_poke(NULL);
    unit_db_setup_file();
    ck_assert_int_eq(tl_checkpointer_start(unit_db, unit_db_path, &c, &err),
                     TL_OK);
    tl_checkpointer_poke(c);
    tl_checkpointer_stop(c);
    before = file_size(unit_db_path);
    write_pages(1, MANY);     /* SQLite checkpoints at this commit */
    ck_assert_int_gt(file_size(unit_db_path), before + MANY * 4000);
    unit_db_teardown();
}
END_TEST

START_TEST(test_a_database_that_cannot_be_opened)
{
    struct tl_checkpointer *c = NULL;
    struct tl_error err = { 0 };

    unit_db_setup_file();
    ck_assert_int_eq(tl_checkpointer_start(unit_db, "/nonexistent/x.db", &c,
                                           &err), TL_ERR_DB);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(err.msg, "checkpoint"));
    unit_db_teardown();
}
END_TEST

Suite *
checkpoint_suite(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("checkpointer");

    tcase_add_test(tc, test_commits_are_copied_by_the_thread);
    tcase_add_test(tc, test_a_writer_that_waits_reuses_the_wal);
    tcase_add_test(tc, test_stop_gives_checkpoints_back);
    tcase_add_test(tc, test_a_short_wait_says_whether_it_is_done);
    tcase_add_test(tc, test_a_database_that_cannot_be_opened);
    suite_add_tcase(s, tc);
    return s;
}
