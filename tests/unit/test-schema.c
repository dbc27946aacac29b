/* test-schema.c - schema creation, migrations and the index triggers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static char tmpdir[64];
static char dbpath[128];

static void
tmp_setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tl-schema-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/sub/dir/t.db", tmpdir);
}

static void
tmp_teardown(void)
{
    char cmd[160];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static void
set_user_version(const char *path, int v)
{
    sqlite3 *db;
    char sql[64];

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

START_TEST(test_new_database_has_latest_schema)
{
    char want[16];

    snprintf(want, sizeof want, "%d", tl_schema_latest());
    ck_assert_int_ge(tl_schema_latest(), 1);
    ck_assert_str_eq(unit_text("PRAGMA user_version"), want);
    ck_assert_str_eq(unit_text("SELECT value FROM meta WHERE key = "
                               "'tokenizer'"), "snowball");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM sqlite_schema WHERE "
                               "name IN ('articles', 'passages', 'topics', "
                               "'article_topics', 'passages_fts', 'meta')"),
                     "6");
    ck_assert_str_eq(unit_text("PRAGMA foreign_keys"), "1");
}
END_TEST

START_TEST(test_migrate_twice_changes_nothing)
{
    struct tl_error err = { 0 };
    char want[16];

    snprintf(want, sizeof want, "%d", tl_schema_latest());
    ck_assert_int_eq(tl_schema_migrate(unit_db, &err), TL_OK);
    ck_assert_int_eq(tl_schema_migrate(unit_db, &err), TL_OK);
    ck_assert_str_eq(unit_text("PRAGMA user_version"), want);
}
END_TEST

START_TEST(test_open_creates_folder_and_uses_wal)
{
    struct tl_error err = { 0 };
    sqlite3 *db = NULL;

    ck_assert_msg(tl_db_open(dbpath, TL_DB_READWRITE, &db, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_eq(access(dbpath, F_OK), 0);
    unit_db = db;
    ck_assert_str_eq(unit_text("PRAGMA journal_mode"), "wal");
    unit_db = NULL;
    tl_db_close(db);
    /* and it reopens read-only, mapping at most TL_MMAP_MAX bytes of
     * it (the mapped pages a search touches are its resident memory) */
    ck_assert_msg(tl_db_open(dbpath, TL_DB_READONLY, &db, &err) == TL_OK,
                  "%s", err.msg);
    unit_db = db;
    ck_assert_int_eq(atoll(unit_text("PRAGMA mmap_size")), TL_MMAP_MAX);
    unit_db = NULL;
    tl_db_close(db);
}
END_TEST

START_TEST(test_newer_schema_is_refused)
{
    struct tl_error err = { 0 };
    sqlite3 *db = NULL;

    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READWRITE, &db, &err), TL_OK);
    tl_db_close(db);
    set_user_version(dbpath, tl_schema_latest() + 1);
    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READWRITE, &db, &err),
                     TL_ERR_SCHEMA);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(strstr(err.msg, "upgrade talaash"));
    ck_assert_ptr_nonnull(strstr(err.msg, dbpath));
    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READONLY, &db, &err),
                     TL_ERR_SCHEMA);
}
END_TEST

START_TEST(test_empty_database_is_upgraded_in_place)
{
    struct tl_error err = { 0 };
    sqlite3 *db = NULL;
    FILE *f;

    ck_assert_int_eq(tl_mkdir_parents(dbpath, &err), TL_OK);
    f = fopen(dbpath, "w");     /* an empty file is an empty database */
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READONLY, &db, &err),
                     TL_ERR_SCHEMA);
    ck_assert_ptr_nonnull(strstr(err.msg, "talaash-index"));
    ck_assert_msg(tl_db_open(dbpath, TL_DB_READWRITE, &db, &err) == TL_OK,
                  "%s", err.msg);
    tl_db_close(db);
}
END_TEST

START_TEST(test_missing_database_says_how_to_build)
{
    struct tl_error err = { 0 };
    sqlite3 *db = NULL;

    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READONLY, &db, &err),
                     TL_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "talaash-index"));
}
END_TEST

START_TEST(test_not_a_database_is_refused)
{
    struct tl_error err = { 0 };
    sqlite3 *db = NULL;
    FILE *f;

    ck_assert_int_eq(tl_mkdir_parents(dbpath, &err), TL_OK);
    f = fopen(dbpath, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not an SQLite database, just some text long enough "
          "to fill a header of one hundred bytes..........................",
          f);
    fclose(f);
    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READWRITE, &db, &err),
                     TL_ERR_DB);
    ck_assert_ptr_nonnull(strstr(err.msg, dbpath));
}
END_TEST

static void
add_article(int id, const char *title, const char *author)
{
    char sql[512];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, hash, "
             "size, mtime_ns, format, title, author) VALUES (%d, "
             "'/a/%d.txt', tl_path_key('/a/%d.txt'), 'h', 1, 1, 'text', "
             "'%s', '%s')", id, id, id, title, author);
    unit_exec(sql);
}

/* The same in a database older than schema 012 (no path_key). */
static void
add_article_old(int id, const char *title, const char *author)
{
    char sql[512];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, hash, size, "
             "mtime_ns, format, title, author) VALUES (%d, '/a/%d.txt', 'h', "
             "1, 1, 'text', '%s', '%s')", id, id, title, author);
    unit_exec(sql);
}

static void
integrity_ok(void)
{
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) "
              "VALUES ('integrity-check', 1)");
}

/* What a writer of passages does since schema version 3: index the new
 * passages itself (lib/store.c does it one row at a time).  The indexed
 * ones are those the index holds a token of (fts5vocab; a scan of
 * passages_fts itself would read the passages table, and FTS5 keeps no
 * docsize table since schema 010). */
static void
index_new_passages(void)
{
    unit_exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.indexed USING "
              "fts5vocab(main, passages_fts, instance)");
    unit_exec("INSERT INTO passages_fts (rowid, body, title, author) "
              "SELECT p.id, p.text, a.title, a.author FROM passages AS p "
              "JOIN articles AS a ON a.id = p.article_id "
              "WHERE p.id NOT IN (SELECT doc FROM temp.indexed)");
}

START_TEST(test_inserted_passage_is_not_indexed_by_a_trigger)
{
    add_article(1, "Kabul talks", "Ayesha Khan");
    unit_exec("INSERT INTO passages (article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (1, 1, 0, 10, 'negotiations resumed')");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM sqlite_schema WHERE "
                               "type = 'trigger' AND name = 'passages_ai'"),
                     "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'negotiate'"), "0");
    index_new_passages();
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'negotiate'"), "1");
}
END_TEST

START_TEST(test_index_follows_passages_and_articles)
{
    add_article(1, "Kabul talks", "Ayesha Khan");
    unit_exec("INSERT INTO passages (article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (1, 1, 0, 10, 'negotiations resumed'),"
              " (1, 2, 11, 20, 'the corridor opened')");
    unit_fix_ranges();
    index_new_passages();
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'negotiate'"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'kabul'"), "2");
    /* a new title re-indexes the passages */
    unit_exec("UPDATE articles SET title = 'Islamabad talks' WHERE id = 1");
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'kabul'"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'title:islamabad'"), "2");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'author:khan'"), "2");
    /* deleting the article forgets its passages */
    unit_exec("DELETE FROM articles WHERE id = 1");
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'corridor'"), "0");
}
END_TEST

/* The migrations, compiled in by schema/embed.py. */
extern const char *const tl_schema_sql[];

/* A database at schema version 1, as Talaash made them before the
 * indexer wrote the index itself: two articles whose three passages the
 * passages_ai trigger indexed. */
static void
make_version_1(const char *path)
{
    struct tl_error err = { 0 };
    sqlite3 *db;

    ck_assert_int_eq(tl_mkdir_parents(path, &err), TL_OK);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(tl_tokenizer_register(db), SQLITE_OK);
    unit_db = db;
    unit_exec("PRAGMA journal_mode = WAL");
    unit_exec("BEGIN");
    unit_exec(tl_schema_sql[0]);
    unit_exec("PRAGMA user_version = 1");
    unit_exec("COMMIT");
    add_article_old(1, "Kabul talks", "Ayesha Khan");
    add_article_old(2, "Harbour budget", "Lena Okafor");
    /* the content hash as hex digits, as schemas 1-8 kept it */
    unit_exec("UPDATE articles SET hash = '00ff10a0b1c2d3e4f5061728394a5b6c' "
              "WHERE id = 1");
    unit_exec("INSERT INTO passages (article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (1, 1, 0, 10, 'negotiations resumed'),"
              " (1, 2, 11, 20, 'the corridor opened'),"
              " (2, 1, 0, 10, 'the harbour budget grew')");
    /* numbered with a gap, as only a hand-made database would be */
    add_article_old(3, "Quarry", "");
    unit_exec("INSERT INTO passages (article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (3, 2, 0, 5, 'quarry first'),"
              " (3, 4, 6, 9, 'quarry second')");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'corridor OR harbour'"),
                     "2");
    unit_db = NULL;
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

START_TEST(test_version_1_database_is_upgraded_with_its_index)
{
    struct tl_error err = { 0 };
    sqlite3 *db = NULL;
    char want[16];

    make_version_1(dbpath);
    /* the query tool, which never writes, asks for an indexer run */
    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READONLY, &db, &err),
                     TL_ERR_SCHEMA);
    ck_assert_ptr_nonnull(strstr(err.msg, "talaash-index"));
    ck_assert_msg(tl_db_open(dbpath, TL_DB_READWRITE, &db, &err) == TL_OK,
                  "%s", err.msg);
    unit_db = db;
    snprintf(want, sizeof want, "%d", tl_schema_latest());
    ck_assert_str_eq(unit_text("PRAGMA user_version"), want);
    ck_assert_str_eq(unit_text("SELECT group_concat(name, ' ') FROM (SELECT "
                               "name FROM sqlite_schema WHERE type = "
                               "'trigger' ORDER BY name)"),
                     "articles_au_impacts articles_au_lengths "
                     "articles_au_text articles_bd articles_bu_text "
                     "passages_ad_impacts passages_ad_lengths passages_bd "
                     "passages_bu");
    /* schema 008: the text moved to article_texts, once per article,
     * but for the article numbered with a gap, which keeps its own; a
     * VACUUM is asked for */
    ck_assert_str_eq(unit_text("SELECT group_concat(text, '|') FROM (SELECT "
                               "text FROM passage_texts ORDER BY id)"),
                     "negotiations resumed|the corridor opened|the harbour "
                     "budget grew|quarry first|quarry second");
    ck_assert_str_eq(unit_text("SELECT group_concat(article_id) FROM "
                               "article_texts"), "1,2");
    ck_assert_str_eq(unit_text("SELECT group_concat(article_id) FROM "
                               "passages WHERE text IS NOT NULL"), "3,3");
    /* schema 009: the hash is its 16 bytes (a hand-made one that is not
     * hex is left alone), and the VACUUM asked for makes 16 kB pages */
    ck_assert_str_eq(unit_text("SELECT group_concat(typeof(hash) || ' ' || "
                               "hex(hash), ',') FROM (SELECT hash FROM "
                               "articles ORDER BY id)"),
                     "blob 00FF10A0B1C2D3E4F5061728394A5B6C,text 68,text 68");
    /* schema 012: each article holds the range of its passages (the
     * one numbered with a gap too), is found by its path's key, and
     * the two UNIQUE indexes are gone; the foreign keys hold */
    ck_assert_str_eq(unit_text("SELECT group_concat(id || ':' || "
                               "passage_first || '-' || passage_last, ' ') "
                               "FROM (SELECT * FROM articles ORDER BY id)"),
                     "1:1-2 2:3-3 3:4-5");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles WHERE path_key "
                               "= tl_path_key(path) AND typeof(indexed_at) "
                               "= 'integer' AND indexed_at > 1700000000"),
                     "3");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM sqlite_schema WHERE "
                               "name LIKE 'sqlite_autoindex_articles%' OR "
                               "name LIKE 'sqlite_autoindex_passages%'"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM pragma_foreign_key_check"),
                     "0");
    ck_assert_str_eq(unit_text("PRAGMA foreign_keys"), "1");
    ck_assert_str_eq(unit_text("SELECT value FROM meta WHERE key = "
                               "'vacuum'"), "012");
    /* the old entries are all there, and exactly right */
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'kabul'"), "2");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'budget'"), "1");
    /* new passages are indexed by their writer; renames and deletions
     * still reach the index through the triggers */
    unit_exec("INSERT INTO passages (article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (2, 2, 11, 20, 'the port widened')");
    unit_fix_ranges();
    index_new_passages();
    unit_exec("UPDATE articles SET title = 'Islamabad talks' WHERE id = 1");
    unit_exec("DELETE FROM articles WHERE id = 2");
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'kabul OR budget OR "
                               "port'"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'title:islamabad'"), "2");
    unit_db = NULL;
    tl_db_close(db);
    /* and the query tool takes it now */
    ck_assert_msg(tl_db_open(dbpath, TL_DB_READONLY, &db, &err) == TL_OK,
                  "%s", err.msg);
    tl_db_close(db);
}
END_TEST

/* An article's range may be wider than its passages (schema 012): what
 * goes by it touches only the article's own. */
START_TEST(test_wide_range_reaches_only_the_articles_own_passages)
{
    add_article(1, "Kabul talks", "");
    add_article(2, "Harbour budget", "");
    unit_exec("INSERT INTO passages (id, article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (1, 1, 1, 0, 1, 'negotiations'), "
              "(2, 2, 1, 0, 1, 'the harbour'), (3, 1, 2, 0, 1, 'resumed')");
    unit_exec("UPDATE articles SET passage_first = 1, passage_last = 3 "
              "WHERE id = 1");
    unit_exec("UPDATE articles SET passage_first = 2, passage_last = 2 "
              "WHERE id = 2");
    index_new_passages();
    unit_exec("UPDATE articles SET title = 'Islamabad talks' WHERE id = 1");
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT group_concat(rowid) FROM passages_fts "
                               "WHERE passages_fts MATCH 'title:islamabad'"),
                     "1,3");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'title:budget'"), "1");
    unit_exec("DELETE FROM articles WHERE id = 1");
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT group_concat(id) FROM passages"), "2");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'harbour'"), "1");
}
END_TEST

/* What an article's format and date precision may be (schema 013 wrote
 * the CHECKs as comparisons): the same values accepted and refused. */
START_TEST(test_article_checks_accept_what_they_did)
{
    static const char *const ok[] = {
        "'text', NULL, NULL", "'markdown', '2019', 'year'",
        "'html', '2019-05', 'month'", "'text', '2019-05-02', 'day'",
    };
    static const char *const bad[] = {
        "'pdf', NULL, NULL", "'Text', NULL, NULL",
        "'html', '2019', 'week'", "'html', '2019', NULL",
        "'html', NULL, 'year'",
    };
    char sql[512];

    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO articles (path, path_key, "
                 "hash, size, mtime_ns, format, pub_date, date_precision) "
                 "VALUES ('/a/%zu', %zu, x'00', 1, 1, %s)", i, i, ok[i]);
        unit_exec(sql);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO articles (path, path_key, "
                 "hash, size, mtime_ns, format, pub_date, date_precision) "
                 "VALUES ('/b/%zu', %zu, x'00', 1, 1, %s)", i, i, bad[i]);
        ck_assert_msg(sqlite3_exec(unit_db, sql, NULL, NULL, NULL)
                      == SQLITE_CONSTRAINT_CHECK, "accepted: %s", bad[i]);
    }
    /* and an UPDATE is held to them too */
    ck_assert_int_eq(sqlite3_exec(unit_db, "UPDATE articles SET format = "
                                  "'doc' WHERE id = 1", NULL, NULL, NULL),
                     SQLITE_CONSTRAINT_CHECK);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles"), "4");
}
END_TEST

/* An UPDATE of articles' title fires triggers that write passages_fts, a
 * virtual table: preparing it runs FTS5's own statements.  When another
 * connection had changed the schema since this one read it, those threw
 * the stale copy away in the middle of the prepare, which then failed
 * with "no such table: articles" (two indexers on a new database, CI of
 * session 20).  tl_db_begin() reads the schema again first. */
static int
prepare_update_after_a_drop(int begin_first, char *msg, size_t n)
{
    const char *update = "UPDATE articles SET title = ?2, author = ?3 "
                         "WHERE id = ?1";
    sqlite3 *a, *b;
    sqlite3_stmt *st = NULL;
    struct tl_error err = { 0 };
    int rc;

    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READWRITE, &a, &err), TL_OK);
    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READWRITE, &b, &err), TL_OK);
    /* a reads the schema; b then changes it */
    ck_assert_int_eq(sqlite3_prepare_v2(a, "SELECT id FROM articles", -1,
                                        &st, NULL), SQLITE_OK);
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_exec(b, begin_first
                                  ? "CREATE INDEX t_by_title ON articles "
                                    "(title)"
                                  : "CREATE INDEX t_by_author ON articles "
                                    "(author)", NULL, NULL, NULL), SQLITE_OK);
    if (begin_first)
        ck_assert_int_eq(tl_db_begin(a, 0, "reading", &err), TL_OK);
    rc = sqlite3_prepare_v2(a, update, -1, &st, NULL);
    snprintf(msg, n, "%s", sqlite3_errmsg(a));
    sqlite3_finalize(st);
    if (begin_first)
        ck_assert_int_eq(sqlite3_exec(a, "COMMIT", NULL, NULL, NULL),
                         SQLITE_OK);
    tl_db_close(a);
    tl_db_close(b);
    return rc;
}

START_TEST(test_statements_prepared_after_another_connections_change)
{
    char msg[256];

    /* the hazard, as SQLite 3.40 has it (a later one may not) */
    if (prepare_update_after_a_drop(0, msg, sizeof msg) != SQLITE_OK)
        ck_assert_msg(strstr(msg, "no such table: articles") != NULL, "%s",
                      msg);
    ck_assert_msg(prepare_update_after_a_drop(1, msg, sizeof msg)
                  == SQLITE_OK, "%s", msg);
}
END_TEST

/* A transaction that cannot start because another connection writes
 * says so in one line naming the database, not "database is locked". */
START_TEST(test_a_busy_database_is_named_and_explained)
{
    sqlite3 *a, *b;
    struct tl_error err = { 0 };
    char want[256];

    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READWRITE, &a, &err), TL_OK);
    ck_assert_int_eq(tl_db_open(dbpath, TL_DB_READWRITE, &b, &err), TL_OK);
    ck_assert_int_eq(tl_db_begin(b, 1, "b writes", &err), TL_OK);
    sqlite3_busy_timeout(a, 10);
    ck_assert_int_eq(tl_db_begin(a, 1, "writing the lists", &err),
                     TL_ERR_DB);
    snprintf(want, sizeof want, "database '%s' is busy: "
             "another program is writing to it; try again when it has "
             "finished", dbpath);
    ck_assert_str_eq(err.msg, want);
    /* a read snapshot starts meanwhile */
    ck_assert_int_eq(tl_db_begin(a, 0, "reading", &err), TL_OK);
    ck_assert_int_eq(sqlite3_exec(a, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(b, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    tl_db_close(a);
    tl_db_close(b);
}
END_TEST

/* tl_db_setup() (called first by the suite's main, as by the programs)
 * turned SQLite's memory statistics off: nothing counts the bytes that a
 * connection and its writes allocate. */
START_TEST(test_setup_turns_memory_statistics_off)
{
    sqlite3_int64 now = -1, most = -1;

    unit_exec("CREATE TABLE t (x); WITH RECURSIVE n(i) AS (SELECT 1 UNION "
              "ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT "
              "randomblob(100) FROM n");
    ck_assert_int_eq(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &now, &most,
                                      0), SQLITE_OK);
    ck_assert_int_eq(now, 0);
    ck_assert_int_eq(most, 0);
    /* (called again, once SQLite runs, it changes nothing) */
    tl_db_setup();
    unit_exec("INSERT INTO t SELECT x FROM t");
    ck_assert_int_eq(sqlite3_memory_used(), 0);
}
END_TEST

START_TEST(test_passages_cannot_be_updated)
{
    add_article(1, "t", "a");
    unit_exec("INSERT INTO passages (article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (1, 1, 0, 1, 'x')");
    ck_assert_int_ne(sqlite3_exec(unit_db, "UPDATE passages SET text = 'y'",
                                  NULL, NULL, NULL), SQLITE_OK);
}
END_TEST

Suite *
schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *mem = tcase_create("memory");
    TCase *file = tcase_create("file");

    tcase_add_checked_fixture(mem, unit_db_setup, unit_db_teardown);
    tcase_add_test(mem, test_new_database_has_latest_schema);
    tcase_add_test(mem, test_migrate_twice_changes_nothing);
    tcase_add_test(mem, test_inserted_passage_is_not_indexed_by_a_trigger);
    tcase_add_test(mem, test_index_follows_passages_and_articles);
    tcase_add_test(mem, test_wide_range_reaches_only_the_articles_own_passages);
    tcase_add_test(mem, test_passages_cannot_be_updated);
    tcase_add_test(mem, test_setup_turns_memory_statistics_off);
    tcase_add_test(mem, test_article_checks_accept_what_they_did);
    suite_add_tcase(s, mem);

    tcase_add_checked_fixture(file, tmp_setup, tmp_teardown);
    tcase_add_test(file, test_open_creates_folder_and_uses_wal);
    tcase_add_test(file, test_newer_schema_is_refused);
    tcase_add_test(file, test_empty_database_is_upgraded_in_place);
    tcase_add_test(file, test_missing_database_says_how_to_build);
    tcase_add_test(file, test_not_a_database_is_refused);
    tcase_add_test(file, test_version_1_database_is_upgraded_with_its_index);
    tcase_add_test(file, test_statements_prepared_after_another_connections_change);
    tcase_add_test(file, test_a_busy_database_is_named_and_explained);
    suite_add_tcase(s, file);
    return s;
}
