/*
 * main.c - runs one Check suite; built once per module with
 * -DTL_SUITE=<module>_suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

Suite *TL_SUITE(void);

sqlite3 *unit_db;
char unit_db_path[4200];
static char unit_dir[4096];

void
unit_db_setup(void)
{
    struct tl_error err = { 0 };

    unit_db_path[0] = '\0';
    ck_assert_msg(tl_db_open(":memory:", TL_DB_READWRITE, &unit_db, &err)
                  == TL_OK, "open: %s", err.msg);
}

void
unit_db_setup_file(void)
{
    struct tl_error err = { 0 };
    const char *tmp = getenv("TMPDIR");

    snprintf(unit_dir, sizeof unit_dir, "%s/talaash-unit-XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(unit_dir));
    snprintf(unit_db_path, sizeof unit_db_path, "%s/t.db", unit_dir);
    ck_assert_msg(tl_db_open(unit_db_path, TL_DB_READWRITE, &unit_db, &err)
                  == TL_OK, "open: %s", err.msg);
}

void
unit_db_teardown(void)
{
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
    char path[4300];

    tl_db_close(unit_db);
    unit_db = NULL;
    if (unit_db_path[0] != '\0') {
        for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
            snprintf(path, sizeof path, "%s%s", unit_db_path, suffix[i]);
            unlink(path);
        }
        rmdir(unit_dir);
        unit_db_path[0] = '\0';
    }
}

void
unit_exec(const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(unit_db, sql, NULL, NULL, &msg);

    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
}

void
unit_fix_ranges(void)
{
    unit_exec("UPDATE articles SET passage_first = (SELECT min(p.id) FROM "
              "passages AS p WHERE p.article_id = articles.id), "
              "passage_last = (SELECT max(p.id) FROM passages AS p WHERE "
              "p.article_id = articles.id)");
}

void
unit_widen_range(void)
{
    unit_exec(UNIT_WIDEN_RANGE_SQL);
}

void
unit_add_passage(int64_t id, int64_t article, int ordinal, const char *text)
{
    char *sql;

    if (id > 0)
        sql = sqlite3_mprintf("INSERT INTO passages (id, article_id, "
                              "ordinal, byte_start, byte_end, text) VALUES "
                              "(%lld, %lld, %d, 0, 1, %Q)", (long long)id,
                              (long long)article, ordinal, text);
    else
        sql = sqlite3_mprintf("INSERT INTO passages (article_id, ordinal, "
                              "byte_start, byte_end, text) VALUES (%lld, "
                              "%d, 0, 1, %Q)", (long long)article, ordinal,
                              text);
    ck_assert_ptr_nonnull(sql);
    unit_exec(sql);
    sqlite3_free(sql);
    unit_widen_range();
    unit_exec("INSERT INTO passages_fts (rowid, body, title, author) "
              "SELECT p.id, p.text, a.title, a.author FROM passages AS p "
              "JOIN articles AS a ON a.id = p.article_id WHERE p.id = "
              "last_insert_rowid()");
}

void
unit_fts5_lengths(const char *q, int64_t id, int len[3])
{
    sqlite3_stmt *st = NULL;
    int32_t out[6];

    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT tl_tf(passages_fts) "
                                        "FROM passages_fts WHERE passages_fts "
                                        "MATCH ?1 AND rowid = ?2", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_bytes(st, 0), (int)sizeof out);
    memcpy(out, sqlite3_column_blob(st, 0), sizeof out);
    sqlite3_finalize(st);
    for (int c = 0; c < 3; c++)
        len[c] = out[3 + c];
}

const char *
unit_text(const char *sql)
{
    static char out[4096];
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sqlite3_prepare_v2(unit_db, sql, -1, &st, NULL);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(unit_db));
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(out, sizeof out, "%s",
                 (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

int
main(void)
{
    SRunner *sr;
    int failed;

    tl_db_setup();              /* first, as the programs call it */
    sr = srunner_create(TL_SUITE());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
