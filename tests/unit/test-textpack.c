/* test-textpack.c - the passages' text stored once per article,
 * compressed (lib/textpack.h): what the store writes, what the views give
 * back, the dictionary, and damaged blobs. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest.h"
#include "textpack.h"
#include "unit.h"

static struct tl_store *store;

static void
setup(void)
{
    struct tl_error err = { 0 };

    unit_db_setup_file();
    ck_assert_int_eq(tl_store_new(unit_db, &store, &err), TL_OK);
}

static void
teardown(void)
{
    tl_store_free(store);
    store = NULL;
    unit_db_teardown();
}

/* A made-up article: paragraphs of words built from syllables, so that
 * the text is varied enough to compress as prose does (about half). */
static void
make_text(struct tl_buf *b, unsigned seed, int paragraphs)
{
    static const char *const syl[] = {
        "ka", "ro", "mi", "tan", "vel", "or", "su", "pra", "den", "li",
        "mo", "sha", "ter", "qui", "na", "bel", "ost", "ru", "fen", "da",
        "gor", "hi", "lun", "ze", "ap", "cor", "ny", "wes", "tru", "ix",
    };
    unsigned x = seed * 2654435761u + 1;

    tl_buf_reset(b);
    for (int p = 0; p < paragraphs; p++) {
        for (int w = 0; w < 60; w++) {
            int n = 1 + (int)((x >> 7) % 3);
            for (int s = 0; s < n; s++) {
                x = x * 1103515245u + 12345u;
                tl_buf_append(b, syl[(x >> 16) % 30], strlen(syl[(x >> 16)
                                                                  % 30]));
            }
            tl_buf_append(b, w % 12 == 11 ? ". " : " ", w % 12 == 11 ? 2 : 1);
        }
        tl_buf_append(b, "end.\n\n", 6);
    }
}

/* Ingests and stores article path with text (no transaction: the caller
 * opens one); its passages' text, "|"-joined, to want (may be NULL). */
static void
put(const char *path, const char *text, struct tl_buf *want)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    struct tl_ingest in;

    tl_article_init(&a);
    a.path = strdup(path);
    ck_assert_int_eq(tl_buf_append(&a.text, text, strlen(text)), TL_OK);
    snprintf((char *)a.hash, sizeof a.hash, "%015zx",
             strlen(text) * 31 + strlen(path));
    a.size = (int64_t)strlen(text);
    a.mtime_ns = 1;
    tl_ingest_init(&in);
    ck_assert_msg(tl_ingest_article(unit_db, NULL, NULL, &a, &in, &err)
                  == TL_OK, "%s", err.msg);
    ck_assert_msg(tl_store_put(store, &a, &in, NULL, &err) == TL_OK, "%s",
                  err.msg);
    for (size_t i = 0; want != NULL && i < in.n_passages; i++) {
        if (want->len > 0)
            tl_buf_append(want, "|", 1);
        tl_buf_append(want, in.text.data + in.passages[i].start,
                      in.passages[i].end - in.passages[i].start);
    }
    tl_ingest_release(&in);
    tl_article_release(&a);
}

static void
begin(void)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
}

static void
commit(void)
{
    struct tl_error err = { 0 };

    ck_assert_msg(tl_store_commit(store, &err) == TL_OK, "%s", err.msg);
}

/* Every stored passage's text (where: a condition), "|"-joined, in id
 * order; valid until the next call. */
static const char *
stored(const char *where)
{
    static struct tl_buf out;
    sqlite3_stmt *st = NULL;
    char sql[256];
    int rc;

    snprintf(sql, sizeof sql, "SELECT text FROM passage_texts %s ORDER BY id",
             where);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, sql, -1, &st, NULL),
                     SQLITE_OK);
    tl_buf_release(&out);
    tl_buf_init(&out, 0);
    tl_buf_append(&out, "", 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out.len > 0)
            tl_buf_append(&out, "|", 1);
        tl_buf_append(&out, (const char *)sqlite3_column_text(st, 0),
                      (size_t)sqlite3_column_bytes(st, 0));
    }
    ck_assert_msg(rc == SQLITE_DONE, "%s", sqlite3_errmsg(unit_db));
    sqlite3_finalize(st);
    return out.data;
}

/* got equals want; else where they part, briefly (Check cannot carry
 * messages of megabytes). */
static void
same_text(const char *got, const char *want)
{
    size_t i = 0;

    while (got[i] != '\0' && got[i] == want[i])
        i++;
    ck_assert_msg(got[i] == want[i], "texts differ at byte %zu of %zu/%zu: "
                  "got '%.40s', want '%.40s'", i, strlen(got), strlen(want),
                  got + i, want + i);
}

static void
integrity_ok(void)
{
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) "
              "VALUES ('integrity-check', 1)");
}

/* Stores n made-up articles of 8 paragraphs in one transaction. */
static void
put_many(int first, int n, struct tl_buf *want)
{
    struct tl_buf text;
    char path[64];

    tl_buf_init(&text, 0);
    begin();
    for (int i = first; i < first + n; i++) {
        make_text(&text, (unsigned)i, 8);
        snprintf(path, sizeof path, "/corpus/a%05d.txt", i);
        put(path, text.data, want);
    }
    commit();
    tl_buf_release(&text);
}

START_TEST(test_text_is_stored_once_and_read_back)
{
    struct tl_buf want;

    tl_buf_init(&want, 0);
    begin();
    put("/a.txt", "The envoy’s first paragraph, with enough words in it.\n\n"
        "A second paragraph — Pakistan’s corridor; café, naïve, 2019.\n\n"
        "A third one, which says little more than the others do.\n", &want);
    put("/b.txt", "Only one paragraph here, in an article of its own.\n",
        &want);
    commit();
    same_text(stored(""), want.data);
    /* the text is in article_texts, once, and nowhere in passages */
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages WHERE text "
                               "IS NOT NULL"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM article_texts"), "2");
    /* FTS5 reads it through passage_docs */
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'corridor'"), "1");
    ck_assert_str_eq(unit_text("SELECT highlight(passages_fts, 0, '[', ']') "
                               "FROM passages_fts WHERE passages_fts MATCH "
                               "'cafe'"),
                     "A second paragraph — Pakistan’s corridor; [café], "
                     "naïve, 2019.");
    integrity_ok();
    /* too little text for a dictionary */
    ck_assert_str_eq(unit_text("SELECT count(*) FROM text_dicts"), "0");
    tl_buf_release(&want);
}
END_TEST

START_TEST(test_replaced_and_removed_articles_leave_the_index_exact)
{
    struct tl_buf want;
    struct tl_error err = { 0 };
    size_t removed = 0;

    tl_buf_init(&want, 0);
    begin();
    put("/a.txt", "Harbour dues rose in spring.\n\nThe quay was rebuilt.\n",
        NULL);
    put("/b.txt", "Grain prices fell.\n", NULL);
    commit();
    /* an edit: the old passages are forgotten by their old text */
    begin();
    put("/a.txt", "Harbour dues fell in autumn.\n", &want);
    commit();
    integrity_ok();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'quay'"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'autumn'"), "1");
    same_text(stored("WHERE article_id = (SELECT id FROM articles "
                     "WHERE path = '/a.txt')"), want.data);
    /* a removal takes the article's text with it */
    unit_exec("DELETE FROM articles WHERE path = '/b.txt'");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM article_texts"), "1");
    integrity_ok();
    ck_assert_int_eq(tl_store_prune(store, &removed, &err), TL_OK);
    tl_buf_release(&want);
}
END_TEST

START_TEST(test_a_dictionary_is_trained_once_there_is_text_enough)
{
    struct tl_buf want, more;
    char before[32];

    tl_buf_init(&want, 0);
    tl_buf_init(&more, 0);
    put_many(0, 700, &want);
    /* the first commit with enough text trained it and recompressed
     * everything written before it */
    ck_assert_str_eq(unit_text("SELECT count(*) FROM text_dicts"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM article_texts WHERE "
                               "substr(z, 1, 1) <> x'01' OR substr(z, 2, 1) "
                               "= x'00'"), "0");
    same_text(stored(""), want.data);
    /* and it paid: the blobs are well under half the text */
    ck_assert_str_eq(unit_text("SELECT (SELECT sum(length(z)) FROM "
                               "article_texts) * 2 < (SELECT sum(length(text)) "
                               "FROM passage_texts)"), "1");
    /* written again whole: its pages are full, not a quarter empty as
     * rows shrunk in place would leave them */
    ck_assert_msg(atof(unit_text("SELECT 1.0 * sum(unused) / sum(pgsize) "
                                 "FROM dbstat WHERE name = "
                                 "'article_texts'")) < 0.12,
                  "article_texts %s empty",
                  unit_text("SELECT 1.0 * sum(unused) / sum(pgsize) FROM "
                            "dbstat WHERE name = 'article_texts'"));
    integrity_ok();
    /* later articles use it too; it is never trained again */
    snprintf(before, sizeof before, "%s",
             unit_text("SELECT id FROM text_dicts"));
    put_many(700, 20, &more);
    ck_assert_str_eq(unit_text("SELECT id FROM text_dicts"), before);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM article_texts WHERE "
                               "substr(z, 2, 1) = x'00'"), "0");
    tl_buf_append(&want, "|", 1);
    tl_buf_append(&want, more.data, more.len);
    same_text(stored(""), want.data);
    integrity_ok();
    tl_buf_release(&want);
    tl_buf_release(&more);
}
END_TEST

/* The dictionary is trained on a thread while articles go on being
 * stored in the same transaction; an article stored after the training
 * ended stores it, and every article before it is recompressed. */
START_TEST(test_a_dictionary_trained_meanwhile_is_taken_up_before_the_commit)
{
    struct tl_buf want, text;
    struct timespec ms = { 0, 1000000 };
    char path[64];
    int i = 0;

    tl_buf_init(&want, 0);
    tl_buf_init(&text, 0);
    begin();
    /* the training starts at about 430 of these articles; it is done
     * within seconds, then the next article stores it */
    for (; i < 20000; i++) {
        make_text(&text, (unsigned)i, 8);
        snprintf(path, sizeof path, "/corpus/a%05d.txt", i);
        put(path, text.data, &want);
        if (i > 430 && strcmp(unit_text("SELECT count(*) FROM text_dicts"),
                              "1") == 0)
            break;
        if (i > 430)
            nanosleep(&ms, NULL);
    }
    ck_assert_msg(i < 20000, "the dictionary never came");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM article_texts WHERE "
                               "substr(z, 1, 1) <> x'01' OR substr(z, 2, 1) "
                               "= x'00'"), "0");
    for (int k = i + 1; k < i + 20; k++) {
        make_text(&text, (unsigned)k, 8);
        snprintf(path, sizeof path, "/corpus/a%05d.txt", k);
        put(path, text.data, &want);
    }
    commit();
    ck_assert_str_eq(unit_text("SELECT count(*) FROM text_dicts"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM article_texts WHERE "
                               "substr(z, 1, 1) <> x'01' OR substr(z, 2, 1) "
                               "= x'00'"), "0");
    same_text(stored(""), want.data);
    integrity_ok();
    tl_buf_release(&want);
    tl_buf_release(&text);
}
END_TEST

/* The trainer compresses what it sampled; an article written again
 * after the sample is compressed from its new text, not from the old. */
START_TEST(test_an_article_written_again_while_training_keeps_its_new_text)
{
    struct tl_text_writer *w = NULL, *plain = NULL;
    struct tl_error err = { 0 };
    struct tl_buf text, want;
    sqlite3_stmt *ins = NULL;
    const void *blob;
    size_t len;
    char sql[128];

    tl_buf_init(&text, 0);
    tl_buf_init(&want, 0);
    unit_exec("PRAGMA foreign_keys = OFF");     /* texts without articles */
    ck_assert_int_eq(tl_text_writer_new(unit_db, &w, &err), TL_OK);
    ck_assert_int_eq(tl_text_writer_new(unit_db, &plain, &err), TL_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "INSERT OR REPLACE INTO "
                                        "article_texts (article_id, z) "
                                        "VALUES (?1, ?2)", -1, &ins, NULL),
                     SQLITE_OK);
    unit_exec("BEGIN");
    for (int i = 1; i <= 500; i++) {
        make_text(&text, (unsigned)i, 8);
        tl_text_writer_begin(plain);
        ck_assert_int_eq(tl_text_writer_add(plain, text.data, text.len, &err),
                         TL_OK);
        ck_assert_int_eq(tl_text_writer_finish(plain, &blob, &len, &err),
                         TL_OK);
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_blob(ins, 2, blob, (int)len, SQLITE_TRANSIENT);
        ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    ck_assert_int_eq(tl_text_writer_tune_soon(w, &err), TL_OK);
    /* article 7 again, after the sample, still without a dictionary */
    tl_text_writer_begin(plain);
    ck_assert_int_eq(tl_text_writer_add(plain, "seven again", 11, &err),
                     TL_OK);
    ck_assert_int_eq(tl_text_writer_finish(plain, &blob, &len, &err), TL_OK);
    sqlite3_bind_int64(ins, 1, 7);
    sqlite3_bind_blob(ins, 2, blob, (int)len, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_finalize(ins);
    ck_assert_int_eq(tl_text_writer_tune(w, NULL, &err), TL_OK);
    unit_exec("COMMIT");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM text_dicts"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM article_texts WHERE "
                               "substr(z, 2, 1) = x'00'"), "0");
    ck_assert_str_eq(unit_text("SELECT tl_passage_text(z, 1) FROM "
                               "article_texts WHERE article_id = 7"),
                     "seven again");
    for (int i = 1; i <= 500; i += 37) {
        if (i == 7)
            continue;
        make_text(&text, (unsigned)i, 8);
        snprintf(sql, sizeof sql, "SELECT tl_passage_text(z, 1) FROM "
                 "article_texts WHERE article_id = %d", i);
        same_text(unit_text(sql), text.data);
    }
    tl_text_writer_free(w);
    tl_text_writer_free(plain);
    tl_buf_release(&text);
    tl_buf_release(&want);
}
END_TEST

/* The text of one passage, or the error it gives. */
static const char *
read_or_error(sqlite3 *db, const char *sql)
{
    static char out[512];
    sqlite3_stmt *st = NULL;
    int rc;

    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    rc = sqlite3_step(st);
    snprintf(out, sizeof out, "%s", rc == SQLITE_ROW
             ? (const char *)sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}

START_TEST(test_a_damaged_text_is_an_error_not_garbage)
{
    static const char *const bad[] = {
        "x''", "x'07616263'", "x'0100'", "x'01002853b52ffd'",
        "x'0100ffffffff'", "'text, not a blob'",
    };
    char sql[128];

    begin();
    put("/a.txt", "A paragraph that will be damaged on purpose.\n", NULL);
    commit();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(sql, sizeof sql, "UPDATE article_texts SET z = %s", bad[i]);
        unit_exec(sql);
        ck_assert_msg(strstr(read_or_error(unit_db, "SELECT text FROM "
                                           "passage_texts"), "damaged")
                      != NULL, "%s: %s", bad[i],
                      read_or_error(unit_db, "SELECT text FROM "
                                    "passage_texts"));
    }
    /* a stored blob that lists fewer passages than there are */
    unit_exec("UPDATE article_texts SET z = x'00'");
    ck_assert_ptr_nonnull(strstr(read_or_error(unit_db, "SELECT text FROM "
                                               "passage_texts"),
                                 "a passage is missing"));
    /* a stored blob, as is */
    unit_exec("UPDATE article_texts SET z = x'0003616263'");
    ck_assert_str_eq(read_or_error(unit_db, "SELECT text FROM passage_texts"),
                     "abc");
}
END_TEST

START_TEST(test_a_missing_dictionary_is_named)
{
    sqlite3 *db = NULL;
    struct tl_error err = { 0 };

    put_many(0, 700, NULL);
    unit_exec("DELETE FROM text_dicts");
    /* a fresh connection: no dictionary cached */
    ck_assert_int_eq(tl_db_open(unit_db_path, TL_DB_READONLY, &db, &err),
                     TL_OK);
    ck_assert_ptr_nonnull(strstr(read_or_error(db, "SELECT text FROM "
                                               "passage_texts LIMIT 1"),
                                 "its dictionary is missing"));
    tl_db_close(db);
}
END_TEST

START_TEST(test_attached_databases_each_read_their_own_dictionary)
{
    struct tl_buf want;
    struct tl_error err = { 0 };
    char sql[1100], other[512];
    sqlite3 *db = NULL;

    /* a second database with a dictionary of its own */
    snprintf(other, sizeof other, "%s-other", unit_db_path);
    tl_buf_init(&want, 0);
    put_many(0, 700, &want);
    ck_assert_int_eq(tl_db_open(other, TL_DB_READWRITE, &db, &err), TL_OK);
    tl_store_free(store);
    ck_assert_int_eq(tl_store_new(db, &store, &err), TL_OK);
    {
        sqlite3 *mine = unit_db;
        unit_db = db;
        put_many(5000, 700, NULL);
        unit_db = mine;
    }
    tl_store_free(store);
    store = NULL;
    tl_db_close(db);
    ck_assert_int_eq(tl_store_new(unit_db, &store, &err), TL_OK);
    /* read the other first, so its dictionary is cached first */
    snprintf(sql, sizeof sql, "ATTACH '%s' AS o", other);
    unit_exec(sql);
    snprintf(sql, sizeof sql, "%s", unit_text("SELECT id FROM o.text_dicts"));
    ck_assert_str_ne(sql, unit_text("SELECT id FROM main.text_dicts"));
    ck_assert_str_eq(unit_text("SELECT substr(text, 1, 0) FROM "
                               "o.passage_texts LIMIT 1"), "");
    same_text(stored(""), want.data);
    unit_exec("DETACH o");
    remove(other);
    snprintf(sql, sizeof sql, "%s-wal", other);
    remove(sql);
    snprintf(sql, sizeof sql, "%s-shm", other);
    remove(sql);
    tl_buf_release(&want);
}
END_TEST

Suite *
textpack_suite(void)
{
    Suite *s = suite_create("textpack");
    TCase *tc = tcase_create("textpack");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_text_is_stored_once_and_read_back);
    tcase_add_test(tc, test_replaced_and_removed_articles_leave_the_index_exact);
    tcase_add_test(tc, test_a_dictionary_is_trained_once_there_is_text_enough);
    tcase_add_test(tc,
                   test_a_dictionary_trained_meanwhile_is_taken_up_before_the_commit);
    tcase_add_test(tc,
                   test_an_article_written_again_while_training_keeps_its_new_text);
    tcase_add_test(tc, test_a_damaged_text_is_an_error_not_garbage);
    tcase_add_test(tc, test_a_missing_dictionary_is_named);
    tcase_add_test(tc, test_attached_databases_each_read_their_own_dictionary);
    suite_add_tcase(s, tc);
    return s;
}
