/* test-fts5_write.c - a segment written without FTS5 (lib/invert.c,
 * fts5_write.c, fts5_install.c) is the one FTS5 writes: the same rows
 * indexed by FTS5 in three transactions and merged by `optimize`, then
 * forgotten ('delete-all') and written by two inverters and the writer,
 * give the same leaves, doclist indexes and %_idx rows byte for byte and
 * the same averages; FTS5's integrity-check passes, FTS5 answers the
 * same, and FTS5 goes on writing its own segments after it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fts5_merge.h"
#include "fts5_read.h"
#include "fts5_write.h"
#include "invert.h"

static uint64_t rng_state;

static uint64_t
rng(void)
{
    return unit_rng(&rng_state);
}

/* A passage: Zipf-like words (w0 in most rows, so a doclist of many
 * leaves), now and then a long word, or one word many times (a position
 * list longer than a leaf), or one of a few words whose keys share
 * their first 8 bytes (the inverter's sort). */
static void
text(char *out, size_t size, int words)
{
    size_t at = 0;

    out[0] = '\0';
    for (int i = 0; i < words && at + 80 < size; i++) {
        uint64_t r = rng() % 1000;
        int w = r < 300 ? 0 : r < 450 ? 1 + (int)(r % 3) : (int)(r % 400);
        if (r == 999)
            at += (size_t)snprintf(out + at, size - at, "%slong%0*d",
                                   i ? " " : "", 60, w);
        else if (r >= 996 && r <= 997)  /* 8 bytes alike: a few keys */
            at += (size_t)snprintf(out + at, size - at, "%ssamepre%.*d",
                                   i ? " " : "", (int)(r - 996),
                                   (int)(rng() % 5));
        else if (r >= 990 && r <= 995)  /* ... and 40 */
            at += (size_t)snprintf(out + at, size - at, "%smanypre%02d",
                                   i ? " " : "", (int)(rng() % 40));
        else
            at += (size_t)snprintf(out + at, size - at, "%sw%d",
                                   i ? " " : "", w);
    }
}

/* n passages in three transactions of FTS5's own, automerge off so
 * that `optimize` has three segments to merge. */
static int
corpus(int n)
{
    static char t[40000];
    int id = 0;

    rng_state = 0x9e3779b97f4a7c15u;
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) VALUES "
              "('automerge', 0)");
    for (int a = 1; a <= n / 5 + 1; a++) {
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, "
                 "hash, size, mtime_ns, format, title, author) VALUES (%d, "
                 "'/a/%d', tl_path_key('/a/%d'), 'h', 1, 1, 'text', "
                 "'w%d title w0', %s)", a, a, a, a % 50,
                 a % 7 == 0 ? "'w3 w9'" : "''");
        unit_exec(sql);
    }
    for (int run = 0; run < 3; run++) {
        unit_exec("BEGIN");
        for (int i = 0; i < n / 3; i++) {
            id++;
            if (id % 97 == 0) {
                /* one word 3,000 times: a list over several leaves */
                size_t at = 0;
                for (int k = 0; k < 3000; k++)
                    at += (size_t)snprintf(t + at, sizeof t - at, "w7 ");
            } else {
                text(t, sizeof t, 3 + (int)(rng() % 150));
            }
            unit_add_passage(id, 1 + (id - 1) / 5, (id - 1) % 5, t);
        }
        unit_exec("COMMIT");
    }
    return id;
}

/* The rows of st's one column, a line each; st finalized. */
static char *
lines_of(sqlite3_stmt *st)
{
    struct tl_buf b;

    tl_buf_init(&b, 0);
    while (sqlite3_step(st) == SQLITE_ROW) {
        tl_buf_append(&b, (const char *)sqlite3_column_text(st, 0),
                      (size_t)sqlite3_column_bytes(st, 0));
        tl_buf_append(&b, "\n", 1);
    }
    sqlite3_finalize(st);
    return b.data;
}

/* The one segment's pages (leaves and doclist indexes, by their id
 * within the segment) and %_idx rows, as text to compare. */
static char *
segment_dump(void)
{
    sqlite3_stmt *st = NULL;
    const char *seg = unit_text("SELECT segid FROM passages_fts_idx "
                                "GROUP BY segid");
    long long segid = atoll(seg);

    ck_assert_int_eq(atoi(unit_text("SELECT count(DISTINCT segid) FROM "
                                    "passages_fts_idx")), 1);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db,
        "SELECT 'page ' || (id - (?1 << 37)) || ' ' || hex(block) FROM "
        "passages_fts_data WHERE id >= (?1 << 37) AND id < ((?1 + 1) << 37) "
        "UNION ALL SELECT 'idx ' || hex(term) || ' ' || pgno FROM "
        "passages_fts_idx UNION ALL SELECT 'averages ' || hex(block) FROM "
        "passages_fts_data WHERE id = 1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, segid);
    return lines_of(st);
}

/* The inverters' rows in write_bulk(): passage id as row 10 * id; rows
 * 10 * id + 5 are decoys, left out. */
static int with_decoys;

static int64_t
map_decoys(void *ctx, int64_t row)
{
    (void)ctx;
    return row % 10 == 0 ? row / 10 : 0;
}

/* Whether write_bulk_range() first fills its inverters with rows of
 * junk words (thousands: their tables grow) and trims them
 * (tl_invert_trim(), as talaash-index's generation that waits a batch
 * out): nothing of the junk may be written. */
static int trim_first;

static void
invert_junk_and_trim(struct tl_invert *inv[2], struct tl_tokens *toks)
{
    struct tl_error err = { 0 };
    struct tl_buf junk;

    tl_buf_init(&junk, 0);
    for (int w = 0; w < 3000; w++)
        ck_assert_int_eq(tl_buf_appendf(&junk, "junkword%d ", w), TL_OK);
    ck_assert_int_eq(tl_tokens_record(unit_db, junk.data, (int)junk.len,
                                      toks, &err), TL_OK);
    for (int i = 0; i < 2; i++) {
        struct tl_invert_col cols[3] = {
            { toks, 0, toks->n }, { toks, 0, 0 }, { toks, 0, 0 },
        };
        size_t empty = tl_invert_bytes(inv[i]);
        for (int64_t row = 1; row <= 3; row++)
            ck_assert_int_eq(tl_invert_row(inv[i], row, cols, &err), TL_OK);
        ck_assert_uint_gt(tl_invert_bytes(inv[i]), empty + 3000 * 48);
        tl_invert_trim(inv[i]);
        ck_assert_int_eq(tl_invert_rows(inv[i]), 0);
        ck_assert_uint_eq(tl_invert_bytes(inv[i]), empty);
    }
    tl_buf_release(&junk);
    toks->n = 0;
    toks->n_bytes = 0;
}

/* Writes the rows from id from on as one segment from their tokens:
 * odd blocks of 40 rows through one inverter, even ones through
 * another; in a transaction of its own unless one is open.  With
 * with_decoys, through map_decoys(), each row followed by a decoy with
 * a word of its own and some of the row's. */
static void
write_bulk_range(int64_t from, int64_t to)
{
    struct tl_error err = { 0 };
    struct tl_invert *inv[2] = { NULL, NULL };
    struct tl_tokens toks;
    struct tl_fts5_sql_sink *ss = NULL;
    struct tl_fts5_sink sink;
    struct tl_fts5_writer *w = NULL;
    sqlite3_stmt *st = NULL;
    int segid = 0, pgsz = 0, last = 0;
    int64_t rows = 0, tokens[3] = { 0, 0, 0 };

    int own = sqlite3_get_autocommit(unit_db);

    ck_assert_int_eq(tl_invert_new(&inv[0], &err), TL_OK);
    ck_assert_int_eq(tl_invert_new(&inv[1], &err), TL_OK);
    tl_tokens_init(&toks);
    if (trim_first)
        invert_junk_and_trim(inv, &toks);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT id, body, title, "
                                        "author FROM passage_docs WHERE id >= ?1 "
                                        "AND id < ?2 ORDER BY id", -1, &st,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct tl_invert_col cols[3];
        int64_t id = sqlite3_column_int64(st, 0);
        toks.n = 0;
        toks.n_bytes = 0;
        for (int c = 0; c < 3; c++) {
            size_t first = toks.n;
            const char *s = (const char *)sqlite3_column_text(st, 1 + c);
            if (s != NULL)
                ck_assert_int_eq(tl_tokens_record(unit_db, s,
                                     sqlite3_column_bytes(st, 1 + c), &toks,
                                     &err), TL_OK);
            cols[c] = (struct tl_invert_col){ &toks, first, toks.n - first };
        }
        struct tl_invert *to = inv[(id / 40) % 2];
        if (!with_decoys) {
            ck_assert_int_eq(tl_invert_row(to, id, cols, &err), TL_OK);
            continue;
        }
        ck_assert_int_eq(tl_invert_row(to, id * 10, cols, &err), TL_OK);
        size_t first = toks.n;
        ck_assert_int_eq(tl_tokens_record(unit_db, "ghostword w0 w1", 15,
                                          &toks, &err), TL_OK);
        struct tl_invert_col decoy[3] = {
            { &toks, first, toks.n - first }, { &toks, 0, 0 },
            { &toks, 0, 0 },
        };
        ck_assert_int_eq(tl_invert_row(to, id * 10 + 5, decoy, &err), TL_OK);
    }
    sqlite3_finalize(st);
    tl_tokens_release(&toks);
    for (int i = 0; i < 2; i++) {
        rows += tl_invert_rows(inv[i]);
        for (int c = 0; c < 3; c++)
            tokens[c] += tl_invert_tokens(inv[i], c);
    }
    if (with_decoys) {      /* the decoys are half the rows, 3 tokens */
        rows /= 2;
        tokens[0] -= 3 * rows;
    }
    if (own)
        unit_exec("BEGIN");
    ck_assert_int_eq(tl_fts5_settle(unit_db, &err), TL_OK);
    ck_assert_int_eq(tl_fts5_free_segid(unit_db, &segid, &err), TL_OK);
    ck_assert_int_eq(tl_fts5_pgsz(unit_db, &pgsz, &err), TL_OK);
    ck_assert_int_eq(tl_fts5_sql_sink_new(unit_db, &ss, &sink, &err), TL_OK);
    ck_assert_int_eq(tl_fts5_writer_new(segid, pgsz, &sink, &w, &err), TL_OK);
    ck_assert_msg(tl_invert_write(inv, 2, with_decoys ? map_decoys : NULL,
                                  NULL, w, &err) == TL_OK, "%s", err.msg);
    ck_assert_int_eq(tl_fts5_writer_finish(w, &last, &err), TL_OK);
    ck_assert_int_ge(last, 1);
    ck_assert_msg(tl_fts5_install(unit_db, segid, last, rows, tokens, &err)
                  == TL_OK, "%s", err.msg);
    if (own)
        unit_exec("COMMIT");
    ck_assert_int_eq(tl_invert_rows(inv[0]), 0);
    tl_fts5_writer_free(w);
    tl_fts5_sql_sink_free(ss);
    tl_invert_free(inv[0]);
    tl_invert_free(inv[1]);
}

static void
write_bulk(int64_t from)
{
    write_bulk_range(from, INT64_MAX);
}

/* Every segment's pages and %_idx rows, and the structure and averages
 * records, as text to compare. */
static char *
segment_dump_all(void)
{
    sqlite3_stmt *st = NULL;

    ck_assert_int_eq(sqlite3_prepare_v2(unit_db,
        "SELECT id || ' ' || hex(block) FROM passages_fts_data UNION ALL "
        "SELECT 'idx ' || segid || ' ' || hex(term) || ' ' || pgno FROM "
        "passages_fts_idx", -1, &st, NULL), SQLITE_OK);
    return lines_of(st);
}

/* What FTS5 answers for a few queries, as text. */
static char *
answers(void)
{
    static const char *const q[] = {
        "w0", "w7", "w1 w2", "\"w0 w1\"", "w3 OR w399", "w1*", "title",
        "author:w3", "long*", "NEAR(w5 w6, 3)",
    };
    struct tl_buf b;

    tl_buf_init(&b, 0);
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        char *sql = sqlite3_mprintf("SELECT count(*) || ':' || "
                                    "ifnull(sum(rowid), 0) || ':' || "
                                    "ifnull(group_concat(rowid), '') FROM "
                                    "(SELECT rowid FROM passages_fts WHERE "
                                    "passages_fts MATCH %Q ORDER BY rank "
                                    "LIMIT 30)", q[i]);
        const char *r = unit_text(sql);
        sqlite3_free(sql);
        tl_buf_append(&b, r, strlen(r));
        tl_buf_append(&b, "\n", 1);
    }
    return b.data;
}

/* A database whose FTS5 leaves are pgsz bytes (0: FTS5's default). */
static void
setup_with_leaves(int pgsz)
{
    unit_db_setup();
    if (pgsz > 0) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO passages_fts (passages_fts, "
                 "rank) VALUES ('pgsz', %d)", pgsz);
        unit_exec(sql);
    }
}

/* Fails from the first line where the dumps differ. */
static void
same_pages(const char *fts5, const char *ours, int pgsz)
{
    size_t at = 0, line = 0;

    if (strcmp(fts5, ours) == 0)
        return;
    while (fts5[at] == ours[at])
        if (fts5[at++] == '\n')
            line = at;
    ck_abort_msg("pages differ (pgsz %d) from:\nFTS5: %.300s\nours: %.300s",
                 pgsz, fts5 + line, ours + line);
}

static void
same_as_optimize(int pgsz)
{
    char *fts5, *ours, *fts5_answers, *ours_answers;
    int n;

    setup_with_leaves(pgsz);
    /* under 1,000 leaves: `optimize` merges in steps of 1,000 leaves,
     * each of which starts its first leaf afresh */
    n = corpus(pgsz > 0 ? 150 : 1500);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')");
    fts5 = segment_dump();
    fts5_answers = answers();
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('delete-all')");
    write_bulk(0);
    ours = segment_dump();
    same_pages(fts5, ours, pgsz);
    /* doclist indexes were among them */
    ck_assert_int_gt(atoi(unit_text("SELECT count(*) FROM passages_fts_idx "
                                    "WHERE pgno % 2 = 1")), 0);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
              "('integrity-check')");
    ours_answers = answers();
    ck_assert_str_eq(fts5_answers, ours_answers);
    ck_assert_int_eq(atoi(unit_text("SELECT count(*) FROM passages_fts")), n);
    free(fts5);
    free(ours);
    free(fts5_answers);
    free(ours_answers);
    unit_db_teardown();
}

START_TEST(test_same_pages_as_optimize)
{
    same_as_optimize(0);
}
END_TEST

/* Rows the map leaves out leave nothing: not their positions, not a
 * term only they hold. */
START_TEST(test_rows_left_out_leave_nothing)
{
    with_decoys = 1;
    same_as_optimize(0);
    with_decoys = 0;
}
END_TEST

/* A write split between two threads (the upper half of the keys
 * merged into a buffer, written after the lower half) gives the same
 * pages, with rows left out too. */
START_TEST(test_same_pages_split_in_two)
{
    size_t was = tl_invert_split_min(0);
    long before = tl_invert_splits();

    same_as_optimize(0);
    with_decoys = 1;
    same_as_optimize(0);
    with_decoys = 0;
    tl_invert_split_min(was);
    ck_assert_int_eq(tl_invert_splits(), before + 2);
}
END_TEST

/* Inverters trimmed after a batch (their tables given back) invert the
 * next one as new ones do: the same pages, nothing of the last. */
START_TEST(test_same_pages_after_a_trim)
{
    trim_first = 1;
    same_as_optimize(0);
    trim_first = 0;
}
END_TEST

START_TEST(test_same_pages_small_leaves)
{
    /* leaves of 64 bytes: doclist indexes of several levels */
    same_as_optimize(64);
    setup_with_leaves(64);
    corpus(600);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('delete-all')");
    write_bulk(0);
    ck_assert_int_gt(atoi(unit_text("SELECT count(*) FROM passages_fts_data "
                                    "WHERE (id >> 31) & 31 > 0")), 0);
    unit_db_teardown();
}
END_TEST

/* The segment goes in with FTS5's own: a row FTS5 holds pending in the
 * same transaction is written first, and FTS5 then writes, forgets and
 * merges rows next to ours without losing any (integrity-check: every
 * row of the table is indexed, exactly). */
START_TEST(test_fts5_goes_on_after)
{
    unit_db_setup();
    corpus(300);
    /* rows 301-400, not indexed yet */
    for (int id = 301; id <= 400; id++) {
        char sql[160];
        snprintf(sql, sizeof sql, "INSERT INTO passages (id, article_id, "
                 "ordinal, byte_start, byte_end, text) VALUES (%d, 1, %d, 0, "
                 "1, 'w0 w%d bulk')", id, id, id % 9);
        unit_exec(sql);
    }
    unit_exec("BEGIN");
    unit_add_passage(401, 2, 9, "w0 zebra quagga");
    write_bulk(301);
    unit_exec("COMMIT");
    unit_fix_ranges();
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
              "('integrity-check')");
    ck_assert_int_eq(atoi(unit_text("SELECT count(*) FROM passages_fts "
                                    "WHERE passages_fts MATCH 'zebra'")), 1);
    ck_assert_int_eq(atoi(unit_text("SELECT count(*) FROM passages_fts "
                                    "WHERE passages_fts MATCH 'bulk'")), 100);
    /* FTS5 writes after it, on the same connection */
    unit_exec("BEGIN");
    unit_exec("DELETE FROM passages WHERE id IN (5, 350)");
    unit_add_passage(402, 2, 10, "w0 okapi bulk");
    unit_exec("COMMIT");
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
              "('integrity-check')");
    ck_assert_int_eq(atoi(unit_text("SELECT count(*) FROM passages_fts "
                                    "WHERE passages_fts MATCH 'bulk'")), 100);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')");
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
              "('integrity-check')");
    ck_assert_int_eq(atoi(unit_text("SELECT count(*) FROM passages_fts "
                                    "WHERE passages_fts MATCH 'w0'")),
                     atoi(unit_text("SELECT count(*) FROM passages")));
    unit_db_teardown();
}
END_TEST

static int
vocab_line(void *ctx, const unsigned char *term, int len, int64_t df)
{
    char line[1200];
    int n = snprintf(line, sizeof line, "%.*s %lld\n", len,
                     (const char *)term, (long long)df);

    tl_buf_append(ctx, line, (size_t)n);
    return 0;
}

/* The vocabulary read from the pages, as fts5vocab's lines; BAD as "" */
static char *
vocab_of_pages(void)
{
    struct tl_error err = { 0 };
    struct tl_fts5 *x = NULL;
    struct tl_buf b;

    tl_buf_init(&b, 0);
    tl_buf_append(&b, "", 0);
    unit_exec("BEGIN");
    ck_assert_int_eq(tl_fts5_open(unit_db, &x, &err), TL_OK);
    ck_assert_ptr_nonnull(x);
    if (tl_fts5_vocab(x, vocab_line, &b) != TL_FTS5_EOF)
        b.len = 0;
    tl_fts5_close(x);
    unit_exec("COMMIT");
    tl_buf_append(&b, "", 1);
    return b.data;
}

static char *
vocab_of_fts5(void)
{
    sqlite3_stmt *st = NULL;
    struct tl_buf b;

    tl_buf_init(&b, 0);
    unit_exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vr USING "
              "fts5vocab(main, passages_fts, row)");
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT term, doc FROM "
                                        "temp.vr", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        vocab_line(&b, sqlite3_column_text(st, 0), sqlite3_column_bytes(st, 0),
                   sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    tl_buf_append(&b, "", 1);
    return b.data;
}

/* The vocabulary of a one-segment index read from its pages is
 * fts5vocab's: ours, FTS5's optimize's (past 1,000 leaves), and a
 * segment FTS5 wrote with rows deleted in the same transaction; an
 * index of several segments is refused.  (A row without positions, a
 * deletion, is not counted, as FTS5 does not: no one-segment index we
 * could make holds one.) */
START_TEST(test_vocabulary_from_the_pages)
{
    char *pages, *fts5;

    unit_db_setup();
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) VALUES "
              "('pgsz', 64)");
    corpus(400);
    pages = vocab_of_pages();
    ck_assert_str_eq(pages, "");        /* three segments */
    free(pages);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')");
    ck_assert_int_gt(atoi(unit_text("SELECT max(pgno) / 2 FROM "
                                    "passages_fts_idx")), 1000);
    pages = vocab_of_pages();
    fts5 = vocab_of_fts5();
    ck_assert_int_gt(strlen(fts5), 400);
    ck_assert_str_eq(pages, fts5);
    free(pages);
    free(fts5);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('delete-all')");
    write_bulk(0);
    pages = vocab_of_pages();
    fts5 = vocab_of_fts5();
    ck_assert_str_eq(pages, fts5);
    free(pages);
    free(fts5);
    unit_db_teardown();

    unit_db_setup();
    unit_exec("INSERT INTO articles (id, path, path_key, hash, size, "
              "mtime_ns, format, title, author) VALUES (1, '/a', "
              "tl_path_key('/a'), 'h', 1, 1, 'text', 'a title', '')");
    /* rows added and some deleted again in one transaction */
    unit_exec("BEGIN");
    for (int id = 1; id <= 60; id++) {
        char t[64];
        snprintf(t, sizeof t, "w%d w%d shared", id % 7, id % 11);
        unit_add_passage(id, 1, id, t);
    }
    unit_exec("DELETE FROM passages WHERE id % 9 = 0 OR id > 55");
    unit_exec("COMMIT");
    ck_assert_int_eq(atoi(unit_text("SELECT count(DISTINCT segid) FROM "
                                    "passages_fts_idx")), 1);
    pages = vocab_of_pages();
    fts5 = vocab_of_fts5();
    ck_assert_str_eq(pages, fts5);
    ck_assert_ptr_nonnull(strstr(fts5, "share 49\n"));
    free(pages);
    free(fts5);
    unit_db_teardown();
}
END_TEST

/* ---- the segments merged by our writer (lib/fts5_merge.c) ---------------- */

/* Merges the index in a transaction of its own: whether it did. */
static int
own_merge(void)
{
    struct tl_error err = { 0 };
    int merged = -1;

    unit_exec("BEGIN");
    ck_assert_msg(tl_fts5_merge(unit_db, &merged, &err) == TL_OK, "%s",
                  err.msg);
    unit_exec("COMMIT");
    return merged;
}

static int
segments(void)
{
    return atoi(unit_text("SELECT count(DISTINCT segid) FROM "
                          "passages_fts_idx"));
}

/* The segments corpus() makes (three transactions, each written in
 * several), merged by our writer and by FTS5's
 * 'optimize': the same leaves, doclist indexes, %_idx rows and
 * averages, byte for byte, and the same answers. */
static void
merge_same_as_optimize(int pgsz, int n)
{
    char *fts5, *ours, *fts5_answers, *ours_answers, *before;

    for (int side = 0; side < 2; side++) {
        setup_with_leaves(pgsz);
        corpus(n);
        ck_assert_int_ge(segments(), 3);
        if (side == 0) {
            before = answers();
            ck_assert_int_eq(own_merge(), 1);
            ours = segment_dump();
            ours_answers = answers();
            ck_assert_str_eq(ours_answers, before);
            unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
                      "('integrity-check')");
            /* one segment: nothing more to merge */
            ck_assert_int_eq(own_merge(), 0);
            free(before);
        } else {
            unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
                      "('optimize')");
            fts5 = segment_dump();
            fts5_answers = answers();
        }
        unit_db_teardown();
    }
    same_pages(fts5, ours, pgsz);
    ck_assert_str_eq(fts5_answers, ours_answers);
    free(fts5);
    free(ours);
    free(fts5_answers);
    free(ours_answers);
}

START_TEST(test_merge_same_pages_as_optimize)
{
    merge_same_as_optimize(0, 1500);
}
END_TEST

START_TEST(test_merge_same_pages_small_leaves)
{
    long before = tl_fts5_merge_trims();

    /* lists over many leaves, position lists across leaves, doclist
     * indexes of several levels; the leaves read deleted as it goes,
     * often (the pages read are never the ones deleted) */
    tl_fts5_merge_trim(8, 2);
    merge_same_as_optimize(64, 150);
    tl_fts5_merge_trim(0, 0);
    ck_assert_int_gt(tl_fts5_merge_trims(), before);
}
END_TEST

/* Rows an older segment holds after a newer one's, or a deletion: the
 * merge declines and leaves the index as it was, and 'optimize' then
 * merges it. */
START_TEST(test_merge_declines_what_it_cannot_join)
{
    char *before, *after;

    for (int kind = 0; kind < 2; kind++) {
        unit_db_setup();
        corpus(300);
        if (kind == 0) {
            /* the newer segment's rows below the older one's */
            unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
                      "('delete-all')");
            for (int half = 0; half < 2; half++)
                unit_exec(half == 0
                          ? "INSERT INTO passages_fts (rowid, body, title, "
                            "author) SELECT id, body, title, author FROM "
                            "passage_docs WHERE id > 150"
                          : "INSERT INTO passages_fts (rowid, body, title, "
                            "author) SELECT id, body, title, author FROM "
                            "passage_docs WHERE id <= 150");
        } else {
            unit_exec("DELETE FROM passages_fts WHERE rowid = 7");
        }
        ck_assert_int_ge(segments(), kind == 0 ? 2 : 4);
        before = segment_dump_all();
        ck_assert_int_eq(own_merge(), 0);
        after = segment_dump_all();
        ck_assert_str_eq(after, before);
        unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
                  "('integrity-check')");
        unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
                  "('optimize')");
        ck_assert_int_eq(segments(), 1);
        free(before);
        free(after);
        unit_db_teardown();
    }
}
END_TEST

/* ---- the merge's tap --------------------------------------------------- */

struct tapped {
    struct tl_buf keys;         /* "term rows" lines */
    struct tl_buf rows;         /* the doclists, decoded: positions */
    int lists, pieces;
    int in_key;                 /* a key's pieces so far, not its last */
    int64_t rowid;              /* the key's last row so far */
    long min_rows;
};

/* A row's positions as text: "rowid:col.off,col.off;". */
static void
positions_line(struct tl_buf *b, int64_t rowid, const uint64_t *pos, int n)
{
    tl_buf_appendf(b, "%lld:", (long long)rowid);
    for (int i = 0; i < n; i++)
        tl_buf_appendf(b, "%u.%u,", (unsigned)(pos[i] >> 32),
                       (unsigned)(pos[i] & 0xffffffffu));
    tl_buf_append(b, ";", 1);
}

/* Writes "term rows\n" for each key handed, its pieces joined; a key
 * handed in pieces that turns out to have fewer than min_rows rows is
 * taken back out (its rows are in no list). */
static enum tl_status
tap_rows(void *ctx, const unsigned char *term, int n, struct tl_buf *doclist,
         int last, struct tl_error *err)
{
    struct tapped *t = ctx;
    const unsigned char *p = (const unsigned char *)doclist->data;
    const unsigned char *end = p + doclist->len;
    uint64_t *pos = NULL;
    int cap = 0;
    int64_t rowid = t->in_key ? t->rowid : 0;

    (void)err;
    if (!t->in_key)
        tl_buf_appendf(&t->rows, "%.*s ", n, (const char *)term);
    t->pieces++;
    while (p < end) {
        const unsigned char *list;
        int n_list;
        p = tl_fts5_doclist_row(p, &rowid, &list, &n_list);
        int k = tl_fts5_poslist(list, n_list, &pos, &cap);
        positions_line(&t->rows, rowid, pos, k < 0 ? 0 : k);
        if (k < 1)
            tl_buf_append(&t->rows, "BAD", 3);
    }
    if (p != end)
        tl_buf_append(&t->rows, "OVERRUN", 7);
    free(pos);
    t->rowid = rowid;
    t->in_key = !last;
    if (last) {
        tl_buf_append(&t->rows, "\n", 1);
        t->lists++;
    }
    /* taken: left empty */
    tl_buf_release(doclist);
    tl_buf_init(doclist, 0);
    return TL_OK;
}

static enum tl_status
tap_key(void *ctx, const unsigned char *term, int n, int64_t rows,
        struct tl_error *err)
{
    struct tapped *t = ctx;

    (void)err;
    vocab_line(&t->keys, term, n, rows);
    if (rows < t->min_rows && t->lists > 0) {
        /* handed in pieces, yet rare: its line goes */
        char *nl = t->rows.data + t->rows.len - 1, *start = nl;
        while (start > t->rows.data && start[-1] != '\n')
            start--;
        if (strncmp(start, (const char *)term, (size_t)n) == 0
            && start[n] == ' ') {
            t->rows.len = (size_t)(start - t->rows.data);
            t->rows.data[t->rows.len] = '\0';
        }
    }
    return TL_OK;
}

/* The rows of the vocabulary's terms in min or more rows, as tap_rows
 * writes them, read from the (merged) index by FTS5's page reader. */
static char *
rows_of_pages(const char *vocab, long min)
{
    struct tl_error err = { 0 };
    struct tl_fts5 *x = NULL;
    struct tl_buf b;
    char term[1200];
    long long df;
    int used;

    tl_buf_init(&b, 0);
    tl_buf_append(&b, "", 0);
    unit_exec("BEGIN");
    ck_assert_int_eq(tl_fts5_open(unit_db, &x, &err), TL_OK);
    for (const char *l = vocab; sscanf(l, "%1199s %lld\n%n", term, &df,
                                       &used) == 2; l += used) {
        struct tl_fts5_tok *t = NULL;
        if (df < min)
            continue;
        if (tl_fts5_tok_open(x, term, (int)strlen(term), 0, &t) != 1) {
            tl_buf_appendf(&b, "%s UNREADABLE\n", term);
            continue;
        }
        tl_buf_appendf(&b, "%s ", term);
        for (int64_t next = INT64_MIN;
             tl_fts5_tok_next(t, next) == TL_FTS5_ROW;
             next = tl_fts5_tok_rowid(t) + 1) {
            const uint64_t *pos;
            int k;
            if (tl_fts5_tok_positions(t, &pos, &k) != 1)
                k = -1;                 /* (a line that cannot match) */
            positions_line(&b, tl_fts5_tok_rowid(t), pos, k < 0 ? 0 : k);
            if (k < 0)
                tl_buf_append(&b, "BAD", 3);
        }
        tl_buf_append(&b, "\n", 1);
        tl_fts5_tok_free(t);
    }
    tl_fts5_close(x);
    unit_exec("COMMIT");
    return b.data;
}

/* a and b, line for line; a failure names the first line that differs
 * (the texts are too long for Check's message). */
static void
same_lines(const char *a, const char *b)
{
    int line = 1;
    size_t i = 0;

    while (a[i] != '\0' && a[i] == b[i]) {
        if (a[i] == '\n')
            line++;
        i++;
    }
    ck_assert_msg(a[i] == b[i], "line %d differs: \"%.60s\" vs \"%.60s\"",
                  line, a + i, b + i);
}

/* The tap gets every key of the merged index with its rows (fts5vocab's
 * vocabulary, line for line) and the rows of each key of min_rows rows
 * or more (what the merged pages hold, position for position), also
 * with position lists across leaves (64-byte leaves), and in pieces of
 * 100 bytes; and nothing when there is nothing to merge. */
START_TEST(test_merge_tap_gets_every_key_and_the_frequent_rows)
{
    for (int round = 0; round < 3; round++) {
        int pgsz = round == 1 ? 64 : 0;
        struct tapped t;
        struct tl_fts5_merge_tap tap = { 40, round == 2 ? 100 : 0, tap_rows,
                                         tap_key, &t };
        struct tl_error err = { 0 };
        char *fts5, *pages;
        int merged = -1;

        memset(&t, 0, sizeof t);
        tl_buf_init(&t.keys, 0);
        tl_buf_init(&t.rows, 0);
        tl_buf_append(&t.keys, "", 0);
        tl_buf_append(&t.rows, "", 0);
        t.min_rows = tap.min_rows;
        setup_with_leaves(pgsz);
        corpus(pgsz == 0 ? 1500 : 150);
        unit_exec("BEGIN");
        ck_assert_msg(tl_fts5_merge_tapped(unit_db, &tap, &merged, &err)
                      == TL_OK, "%s", err.msg);
        unit_exec("COMMIT");
        ck_assert_int_eq(merged, 1);
        fts5 = vocab_of_fts5();
        same_lines(t.keys.data, fts5);
        pages = rows_of_pages(fts5, tap.min_rows);
        same_lines(t.rows.data, pages);
        ck_assert_int_gt(t.lists, 3);
        /* in pieces: many more pieces than keys */
        if (tap.chunk > 0)
            ck_assert_int_gt(t.pieces, 4 * t.lists);
        else
            ck_assert_int_eq(t.pieces, t.lists);
        /* one segment now: the tap hears nothing */
        t.keys.len = 0;
        t.lists = t.pieces = 0;
        unit_exec("BEGIN");
        ck_assert_int_eq(tl_fts5_merge_tapped(unit_db, &tap, &merged, &err),
                         TL_OK);
        unit_exec("COMMIT");
        ck_assert_int_eq(merged, 0);
        ck_assert_int_eq((int)t.keys.len, 0);
        ck_assert_int_eq(t.lists, 0);
        free(fts5);
        free(pages);
        tl_buf_release(&t.keys);
        tl_buf_release(&t.rows);
        unit_db_teardown();
    }
}
END_TEST

/* Segments the bulk path writes, one a batch, merged: the pages of one
 * bulk write of all the rows. */
START_TEST(test_merge_of_bulk_batches_is_one_bulk_write)
{
    char *one, *merged;
    int n;

    unit_db_setup();
    n = corpus(900);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('delete-all')");
    write_bulk(0);
    one = segment_dump();
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('delete-all')");
    for (int from = 0; from <= n; from += 250) {
        unit_exec("BEGIN");
        write_bulk_range(from, from + 250);
        unit_exec("COMMIT");
    }
    ck_assert_int_eq(segments(), 4);
    ck_assert_int_eq(own_merge(), 1);
    merged = segment_dump();
    ck_assert_str_eq(merged, one);
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES "
              "('integrity-check')");
    free(one);
    free(merged);
    unit_db_teardown();
}
END_TEST

Suite *
fts5_write_suite(void)
{
    Suite *s = suite_create("fts5_write");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_same_pages_as_optimize);
    tcase_add_test(tc, test_rows_left_out_leave_nothing);
    tcase_add_test(tc, test_same_pages_small_leaves);
    tcase_add_test(tc, test_same_pages_split_in_two);
    tcase_add_test(tc, test_same_pages_after_a_trim);
    tcase_add_test(tc, test_fts5_goes_on_after);
    tcase_add_test(tc, test_vocabulary_from_the_pages);
    tcase_add_test(tc, test_merge_same_pages_as_optimize);
    tcase_add_test(tc, test_merge_same_pages_small_leaves);
    tcase_add_test(tc, test_merge_declines_what_it_cannot_join);
    tcase_add_test(tc, test_merge_of_bulk_batches_is_one_bulk_write);
    tcase_add_test(tc, test_merge_tap_gets_every_key_and_the_frequent_rows);
    suite_add_tcase(s, tc);
    return s;
}
