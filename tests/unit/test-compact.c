/* test-compact.c - merging the index into one segment and giving the
 * freed pages back (lib/compact.c): every search answers as before, the
 * file keeps no free page, and a second merge changes nothing. */
#include <stdlib.h>
#include <string.h>

#include "compact.h"
#include "unit.h"

static const char *const words[] = {
    "river", "delta", "harvest", "barges", "markets", "mountain",
    "passes", "crossings", "snow", "trade",
};
#define N_WORDS (sizeof words / sizeof *words)

/* n passages of one article, each its own transaction: FTS5 writes a
 * segment for each (and merges some of them now and then). */
static void
corpus_in(int n, int file)
{
    char sql[8192], filler[6000];

    if (file)
        unit_db_setup_file();
    else
        unit_db_setup();
    unit_exec("INSERT INTO articles (id, path, path_key, hash, size, "
              "mtime_ns, format, title, author) VALUES (1, '/a/1.txt', "
              "tl_path_key('/a/1.txt'), 'h1', 1, 1, "
              "'text', 'notes', '')");
    for (int i = 0; i < n; i++) {
        size_t len = 0;

        /* 600 words nobody searches for, so that a segment fills pages */
        for (int k = 0; k < 600; k++)
            len += (size_t)snprintf(filler + len, sizeof filler - len,
                                    " f%d", (i * 600 + k) % 5003);
        snprintf(sql, sizeof sql, "INSERT INTO passages (article_id, "
                 "ordinal, byte_start, byte_end, text) VALUES (1, %d, 0, 1, "
                 "'%s %s %s and more %s%s')", i + 1, words[i % N_WORDS],
                 words[(i * 7 + 3) % N_WORDS], words[(i * 3 + 1) % N_WORDS],
                 words[(i / 5) % N_WORDS], filler);
        unit_exec(sql);
        unit_widen_range();
        unit_exec("INSERT INTO passages_fts (rowid, body, title, author) "
                  "SELECT p.id, p.text, 'notes', '' FROM passages AS p "
                  "WHERE p.id = last_insert_rowid()");
    }
}

static void
corpus(int n)
{
    corpus_in(n, 0);
}

static long
number(const char *sql)
{
    return atol(unit_text(sql));
}

/* Every word's matches and their scores, in one string. */
static char *
answers(void)
{
    size_t size = 1 << 16, len = 0;
    char *out = malloc(size);

    ck_assert_ptr_nonnull(out);
    out[0] = '\0';
    for (size_t w = 0; w < N_WORDS; w++) {
        sqlite3_stmt *st = NULL;
        ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT rowid, "
                         "printf('%.9f', bm25(passages_fts)) FROM "
                         "passages_fts WHERE passages_fts MATCH ? ORDER BY "
                         "rowid", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, words[w], -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW)
            len += (size_t)snprintf(out + len, size - len, "%s:%lld=%s ",
                                    words[w],
                                    (long long)sqlite3_column_int64(st, 0),
                                    (const char *)sqlite3_column_text(st, 1));
        sqlite3_finalize(st);
        ck_assert_uint_lt(len, size);
    }
    return out;
}

static void
compact(long *freed)
{
    struct tl_error err = { 0 };

    ck_assert_msg(tl_index_compact(unit_db, freed, &err) == TL_OK, "%s",
                  err.msg);
}

START_TEST(test_new_database_gives_free_pages_back)
{
    unit_db_setup();
    ck_assert_int_eq(number("PRAGMA auto_vacuum"), 2);   /* incremental */
    unit_db_teardown();
}
END_TEST

START_TEST(test_new_database_file_has_16k_pages_and_wal)
{
    unit_db_setup_file();
    ck_assert_int_eq(number("PRAGMA page_size"), TL_PAGE_SIZE);
    ck_assert_str_eq(unit_text("PRAGMA journal_mode"), "wal");
    unit_db_teardown();
}
END_TEST

/* A database file of 20 passages with 4 kB pages, as talaash-index made
 * them before schema 009, with a VACUUM asked for. */
static void
old_pages(void)
{
    corpus_in(20, 1);
    unit_exec("PRAGMA journal_mode = DELETE");
    unit_exec("PRAGMA page_size = 4096");
    unit_exec("VACUUM");
    unit_exec("PRAGMA journal_mode = WAL");
    ck_assert_int_eq(number("PRAGMA page_size"), 4096);
    unit_exec("INSERT OR REPLACE INTO meta (key, value) "
              "VALUES ('vacuum', '009')");
}

static void
vacuum(void)
{
    struct tl_error err = { 0 };
    int asked = -1;

    ck_assert_int_eq(tl_index_vacuum_asked(unit_db, &asked, &err), TL_OK);
    ck_assert_int_eq(asked, 1);
    ck_assert_msg(tl_index_vacuum(unit_db, &err) == TL_OK, "%s", err.msg);
    ck_assert_int_eq(tl_index_vacuum_asked(unit_db, &asked, &err), TL_OK);
    ck_assert_int_eq(asked, 0);
}

/* After the VACUUM: page_size pages, WAL mode, incremental auto-vacuum,
 * an intact file, every search answering as before (before: answers()
 * of the database before it; freed). */
static void
vacuumed_as(long page_size, char *before)
{
    char *after;

    ck_assert_int_eq(number("PRAGMA page_size"), page_size);
    ck_assert_str_eq(unit_text("PRAGMA journal_mode"), "wal");
    ck_assert_int_eq(number("PRAGMA auto_vacuum"), 2);
    ck_assert_str_eq(unit_text("PRAGMA integrity_check"), "ok");
    after = answers();
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
}

START_TEST(test_vacuum_moves_an_old_database_to_16k_pages)
{
    char *before;

    old_pages();
    before = answers();
    vacuum();
    vacuumed_as(TL_PAGE_SIZE, before);
    unit_db_teardown();
}
END_TEST

/* A new database asks for a REINDEX, not a VACUUM: its indexes packed
 * and the pages FTS5's merges freed given back leave it as small as a
 * VACUUM would, and readable as before.  early: the articles' and
 * topics' indexes packed first inside a transaction of their own (as
 * talaash-index does inside the impact refresh's), the rest after. */
static void
packed_without_a_vacuum(int early)
{
    struct tl_error err = { 0 };
    char *before;
    long pages, vacuumed;

    corpus_in(40, 1);
    ck_assert_str_eq(unit_text("SELECT value FROM meta WHERE key = "
                               "'vacuum'"), "reindex");
    /* articles in random order: an index written out of order */
    unit_exec("BEGIN");
    for (int i = 0; i < 6000; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO articles (path, path_key, "
                 "hash, size, mtime_ns, format, title, author) VALUES "
                 "('/b/%d', tl_path_key('/b/%d'), randomblob(16), 1, 1, "
                 "'text', 't', '')", i, i);
        unit_exec(sql);
    }
    /* and topics of the articles, in article order: an index by topic
     * written in eight places at once */
    for (int t = 1; t <= 8; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO topics (name) VALUES "
                 "('topic %d')", t);
        unit_exec(sql);
    }
    unit_exec("INSERT INTO article_topics (article_id, topic_id) SELECT "
              "a.id, t.id FROM articles a JOIN topics t ON t.id % 8 = "
              "a.id % 8 ORDER BY a.id");
    /* and a vocabulary with every other term taken out (a WITHOUT
     * ROWID table, whose b-tree is an index: its pages half empty) */
    unit_exec("INSERT INTO terms (term, df) SELECT hex(randomblob(6)), 1 "
              "FROM articles a, (SELECT 1 UNION ALL SELECT 2)");
    unit_exec("DELETE FROM terms WHERE substr(term, 12, 1) IN ('0', '2', "
              "'4', '6', '8', 'A', 'C', 'E')");
    unit_exec("COMMIT");
    if (early) {
        unit_exec("BEGIN");
        ck_assert_msg(tl_index_pack_early(unit_db, &err) == TL_OK, "%s",
                      err.msg);
        unit_exec("COMMIT");
        ck_assert_str_eq(unit_text("SELECT value FROM meta WHERE key = "
                                   "'vacuum'"), "reindex-rest");
    }
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')");
    before = answers();
    vacuum();
    vacuumed_as(TL_PAGE_SIZE, before);
    ck_assert_int_eq(number("PRAGMA freelist_count"), 0);
    pages = number("PRAGMA page_count");
    unit_exec("VACUUM");
    vacuumed = number("PRAGMA page_count");
    ck_assert_msg(pages <= vacuumed + 1, "%ld pages, %ld after a VACUUM",
                  pages, vacuumed);
    unit_db_teardown();
}

START_TEST(test_a_new_database_is_packed_without_a_vacuum)
{
    packed_without_a_vacuum(0);
}
END_TEST

START_TEST(test_a_new_database_packed_early_then_the_rest)
{
    packed_without_a_vacuum(1);
}
END_TEST

/* Packing early is for new databases only: an upgraded one keeps its
 * VACUUM request, and the early pack changes nothing. */
START_TEST(test_packing_early_leaves_a_vacuum_request_alone)
{
    struct tl_error err = { 0 };

    corpus_in(4, 1);
    unit_exec("UPDATE meta SET value = '012' WHERE key = 'vacuum'");
    unit_exec("BEGIN");
    ck_assert_int_eq(tl_index_pack_early(unit_db, &err), TL_OK);
    unit_exec("COMMIT");
    ck_assert_str_eq(unit_text("SELECT value FROM meta WHERE key = "
                               "'vacuum'"), "012");
    unit_db_teardown();
}
END_TEST

START_TEST(test_vacuum_beside_a_reader_keeps_the_page_size)
{
    sqlite3 *reader = NULL;
    sqlite3_stmt *st = NULL;
    char *before;

    old_pages();
    before = answers();
    /* a search in the middle of its read transaction */
    ck_assert_int_eq(sqlite3_open_v2(unit_db_path, &reader,
                                     SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(reader, "SELECT id FROM articles",
                                        -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    vacuum();
    sqlite3_finalize(st);
    sqlite3_close(reader);
    vacuumed_as(4096, before);
    unit_db_teardown();
}
END_TEST

START_TEST(test_every_search_answers_as_before)
{
    char *before, *after;

    corpus(60);
    before = answers();
    ck_assert_ptr_nonnull(strstr(before, "river:1="));
    compact(NULL);
    after = answers();
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    unit_db_teardown();
}
END_TEST

START_TEST(test_merges_segments_and_frees_their_pages)
{
    long rows_before, rows_after, freed = -1;

    corpus(60);
    rows_before = number("SELECT count(*) FROM passages_fts_data");
    compact(&freed);
    rows_after = number("SELECT count(*) FROM passages_fts_data");
    /* one segment: fewer leaf pages and no page of a merged segment */
    ck_assert_int_lt(rows_after, rows_before);
    ck_assert_int_gt(freed, 0);
    ck_assert_int_eq(number("PRAGMA freelist_count"), 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_second_merge_changes_nothing)
{
    long rows, pages, freed = -1;

    corpus(40);
    compact(NULL);
    rows = number("SELECT count(*) FROM passages_fts_data");
    pages = number("PRAGMA page_count");
    compact(&freed);
    ck_assert_int_eq(number("SELECT count(*) FROM passages_fts_data"), rows);
    ck_assert_int_eq(number("PRAGMA page_count"), pages);
    ck_assert_int_eq(freed, 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_empty_index_is_fine)
{
    long freed = -1;

    unit_db_setup();
    compact(&freed);
    /* a new database's migrations made the index (010) and two tables
     * (012) again, and may have left pages of the first ones free:
     * given back */
    ck_assert_int_ge(freed, 0);
    ck_assert_int_le(freed, 4);
    ck_assert_int_eq(number("PRAGMA freelist_count"), 0);
    ck_assert_int_eq(number("SELECT count(*) FROM passages_fts"), 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_refused_inside_a_read_only_database_with_a_message)
{
    struct tl_error err = { 0 };

    corpus(3);
    unit_exec("PRAGMA query_only = 1");
    ck_assert_int_ne(tl_index_compact(unit_db, NULL, &err), TL_OK);
    ck_assert_ptr_nonnull(strstr(err.msg, "merging the index"));
    unit_exec("PRAGMA query_only = 0");
    unit_db_teardown();
}
END_TEST

Suite *
compact_suite(void)
{
    Suite *s = suite_create("compact");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_new_database_gives_free_pages_back);
    tcase_add_test(tc, test_new_database_file_has_16k_pages_and_wal);
    tcase_add_test(tc, test_vacuum_moves_an_old_database_to_16k_pages);
    tcase_add_test(tc, test_vacuum_beside_a_reader_keeps_the_page_size);
    tcase_add_test(tc, test_a_new_database_is_packed_without_a_vacuum);
    tcase_add_test(tc, test_a_new_database_packed_early_then_the_rest);
    tcase_add_test(tc, test_packing_early_leaves_a_vacuum_request_alone);
    tcase_add_test(tc, test_every_search_answers_as_before);
    tcase_add_test(tc, test_merges_segments_and_frees_their_pages);
    tcase_add_test(tc, test_second_merge_changes_nothing);
    tcase_add_test(tc, test_empty_index_is_fine);
    tcase_add_test(tc, test_refused_inside_a_read_only_database_with_a_message);
    suite_add_tcase(s, tc);
    return s;
}
