/* test-fts5_read.c - FTS5's pages read without FTS5 (lib/fts5_read.c,
 * fts5_expr.c, fts5_scan.c): every term's rows and positions equal
 * fts5vocab's, prefixes too, over several segments with deleted and
 * rewritten rows; every query shape the scan takes scores its rows bit
 * for bit as tl_bm25() through FTS5 does; the hits' marks are
 * highlight()'s byte for byte; records it does not know are refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fts5_marks.h"
#include "fts5_read.h"
#include "fts5_scan.h"
#include "lengths.h"

static uint64_t rng_state;

static uint64_t
rng(void)
{
    return unit_rng(&rng_state);
}

/* A word of a Zipf-like vocabulary: w0 in most passages (a doclist of
 * many pages), w150 in few. */
static void
word(char *out, size_t size)
{
    uint64_t r = rng() % 1000;
    int w = r < 300 ? 0 : r < 450 ? 1 + (int)(r % 3) : (int)(r % 160);

    snprintf(out, size, "w%d", w);
}

static void
text(char *out, size_t size, int words)
{
    size_t at = 0;

    out[0] = '\0';
    for (int i = 0; i < words && at + 8 < size; i++) {
        char w[16];
        word(w, sizeof w);
        at += (size_t)snprintf(out + at, size - at, "%s%s", i ? " " : "", w);
    }
}

static void
add_articles(int from, int to)
{
    char sql[512];

    for (int a = from; a < to; a++) {
        char t[64];
        text(t, sizeof t, 1 + (int)(rng() % 3));
        snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, "
                 "hash, size, mtime_ns, format, title, author) VALUES (%d, "
                 "'/a/%d', tl_path_key('/a/%d'), 'h', 1, 1, 'text', '%s', "
                 "'%s')", a, a, a, t, a % 7 == 0 ? "w3 w150" : "");
        unit_exec(sql);
    }
}

/* 1,800 passages written in three runs, then some deleted and some
 * rewritten under their ids: several segments, with deletions. */
static void
corpus(void)
{
    char t[2048];
    int64_t id = 0;

    rng_state = 88172645463325252u;
    unit_db_setup();
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) VALUES "
              "('automerge', 0)");
    add_articles(1, 301);
    for (int run = 0; run < 3; run++) {
        unit_exec("BEGIN");
        for (int i = 0; i < 600; i++) {
            text(t, sizeof t, 3 + (int)(rng() % 120));
            unit_add_passage(0, 1 + (run * 600 + i) / 6, i % 6, t);
            id++;
        }
        unit_exec("COMMIT");
    }
    unit_exec("BEGIN");
    unit_exec("DELETE FROM passages WHERE id % 17 = 3");
    unit_exec("COMMIT");
    unit_exec("BEGIN");
    for (int64_t i = 5; i < id; i += 41) {
        char sql[128];
        snprintf(sql, sizeof sql, "DELETE FROM passages WHERE id = %lld",
                 (long long)i);
        unit_exec(sql);
        text(t, sizeof t, 2 + (int)(rng() % 40));
        unit_add_passage(i, 1 + (i - 1) / 6, (int)((i - 1) % 6), t);
    }
    unit_exec("COMMIT");
    unit_fix_ranges();
    long n = 0;
    struct tl_error err = { 0 };
    ck_assert_msg(tl_lengths_refresh(unit_db, &n, &err) == TL_OK, "%s",
                  err.msg);
}

static struct tl_fts5 *
open_reader(void)
{
    struct tl_error err = { 0 };
    struct tl_fts5 *x = NULL;

    unit_exec("BEGIN");
    ck_assert_int_eq(tl_fts5_open(unit_db, &x, &err), TL_OK);
    ck_assert_msg(x != NULL, "the reader refused the index");
    return x;
}

/* The term's (or prefix's) rows and positions through the reader equal
 * fts5vocab's instances of it (of every term with it). */
static void
same_as_vocab(struct tl_fts5 *x, const char *term, int prefix)
{
    struct tl_fts5_tok *t = NULL;
    sqlite3_stmt *st = NULL;
    int64_t r = INT64_MIN;
    long n_rows = 0;

    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, prefix
        ? "SELECT DISTINCT doc, CASE col WHEN 'body' THEN 0 WHEN 'title' THEN 1 "
          "ELSE 2 END AS c, offset FROM temp.vi WHERE substr(term, 1, "
          "length(?1)) = ?1 ORDER BY doc, c, offset"
        : "SELECT doc, CASE col WHEN 'body' THEN 0 WHEN 'title' THEN 1 "
          "ELSE 2 END AS c, offset FROM temp.vi WHERE term = ?1 ORDER BY "
          "doc, c, offset", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
    ck_assert_int_eq(tl_fts5_tok_open(x, term, (int)strlen(term), prefix, &t),
                     1);
    while (tl_fts5_tok_next(t, r == INT64_MIN ? r : r + 1) == TL_FTS5_ROW) {
        const uint64_t *pos;
        int n;
        r = tl_fts5_tok_rowid(t);
        n_rows++;
        ck_assert_int_eq(tl_fts5_tok_positions(t, &pos, &n), 1);
        for (int i = 0; i < n; i++) {
            ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: row %lld has "
                          "more positions than fts5vocab", term, (long long)r);
            ck_assert_int_eq(sqlite3_column_int64(st, 0), r);
            ck_assert_int_eq(sqlite3_column_int64(st, 1), (int64_t)(pos[i] >> 32));
            ck_assert_int_eq(sqlite3_column_int64(st, 2),
                             (int64_t)(pos[i] & 0xffffffff));
        }
    }
    ck_assert_msg(sqlite3_step(st) == SQLITE_DONE, "%s: fts5vocab has more "
                  "(after %ld rows)", term, n_rows);
    sqlite3_finalize(st);
    /* and the same rows: none without a position (a deleted one) */
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, prefix
        ? "SELECT count(DISTINCT doc) FROM temp.vi WHERE substr(term, 1, "
          "length(?1)) = ?1"
        : "SELECT count(DISTINCT doc) FROM temp.vi WHERE term = ?1", -1, &st,
        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_msg(sqlite3_column_int64(st, 0) == n_rows, "%s: %ld rows, "
                  "fts5vocab %lld", term, n_rows,
                  (long long)sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    tl_fts5_tok_free(t);
}

START_TEST(test_every_term_as_fts5vocab)
{
    struct tl_fts5 *x;
    sqlite3_stmt *st = NULL;
    int terms = 0;

    corpus();
    unit_exec("CREATE VIRTUAL TABLE temp.vi USING fts5vocab(main, "
              "passages_fts, instance); CREATE VIRTUAL TABLE temp.vr USING "
              "fts5vocab(main, passages_fts, row)");
    x = open_reader();
    ck_assert_msg(x->n_seg >= 4, "only %d segments", x->n_seg);
    ck_assert_int_eq(x->rows, atoll(unit_text("SELECT count(*) FROM passages")));
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT term FROM temp.vr",
                                        -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        same_as_vocab(x, (const char *)sqlite3_column_text(st, 0), 0);
        terms++;
    }
    sqlite3_finalize(st);
    ck_assert_int_gt(terms, 150);
    /* w0's doclist spans pages in every big segment */
    ck_assert_int_gt(atoi(unit_text("SELECT count(*) FROM passages_fts_data "
                                    "WHERE id > 1000")), 40);
    const char *prefixes[] = { "w", "w1", "w15", "w0", "x", "" };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        same_as_vocab(x, prefixes[i], 1);
    /* a word nowhere */
    same_as_vocab(x, "nosuchword", 0);
    tl_fts5_close(x);
    unit_exec("COMMIT");
    unit_db_teardown();
}
END_TEST

/* Rows a scan handed over. */
struct rows {
    int64_t *id;
    double *score;
    size_t n, cap;
};

static enum tl_status
collect(void *ctx, int64_t id, double score, struct tl_error *err)
{
    struct rows *r = ctx;

    (void)err;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->id = realloc(r->id, r->cap * sizeof *r->id);
        r->score = realloc(r->score, r->cap * sizeof *r->score);
        ck_assert(r->id != NULL && r->score != NULL);
    }
    r->id[r->n] = id;
    r->score[r->n] = score;
    r->n++;
    return TL_OK;
}

/* match scanned from the pages (with floor, unless NULL) against FTS5
 * and tl_bm25(): the same rows; scores bit for bit, or under a floor a
 * bound at least the score and still under it. */
static long
same_as_fts5(struct tl_lengths *lens, const char *match, const double *floor)
{
    struct tl_error err = { 0 };
    struct tl_fts5_scan fs;
    struct tl_rank_deferred d;
    struct rows r = { 0 };
    sqlite3_stmt *st = NULL;
    long before = tl_fts5_scan_count(), passed = 0;
    size_t i = 0;

    memset(&d, 0, sizeof d);
    ck_assert_int_eq(tl_fts5_scan(unit_db, match, 0, lens, &d, floor, collect,
                                  &r, &fs, &err), TL_OK);
    ck_assert_msg(fs.answered, "%s: not answered", match);
    ck_assert_int_eq(tl_fts5_scan_count(), before + 1);
    ck_assert_int_eq(fs.rows, (int64_t)r.n);
    ck_assert_int_eq(d.applied, fs.unit);
    if (fs.unit)    /* tf' then: the score once the rows are counted */
        for (size_t j = 0; j < r.n; j++)
            r.score[j] = tl_rank_saturate(&fs.p, 1.0,
                                          tl_rank_idf(fs.n_rows, (double)r.n),
                                          r.score[j]);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT rowid, " TL_RANK_SQL
                                        " FROM passages_fts WHERE "
                                        "passages_fts MATCH ?1", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        double want = sqlite3_column_double(st, 1);
        int64_t id = sqlite3_column_int64(st, 0);
        if (i >= r.n || r.id[i] != id) {
            /* passed over (MaxScore): only a row under the floor */
            ck_assert_msg(floor != NULL && fs.pruned
                          && want * (1.0 + 1e-9) < *floor, "%s: row %lld "
                          "(%.17g) missing", match, (long long)id, want);
            passed++;
            continue;
        }
        if (floor != NULL && want < *floor)
            ck_assert_msg(r.score[i] < *floor && r.score[i] >= want,
                          "%s: row %lld under the floor: %.17g, score "
                          "%.17g", match, (long long)r.id[i], r.score[i],
                          want);
        else
            ck_assert_msg(r.score[i] == want, "%s: row %lld: %.17g, FTS5 "
                          "%.17g", match, (long long)r.id[i], r.score[i],
                          want);
        i++;
    }
    ck_assert_msg(i == r.n, "%s: %zu rows, FTS5 had %zu of them", match, r.n,
                  i);
    ck_assert_msg(i > 0 || strstr(match, "nosuch") != NULL, "%s: no rows",
                  match);
    sqlite3_finalize(st);
    free(r.id);
    free(r.score);
    return passed;
}

/* Article 301: a one-word title, zulu, found nowhere else, over a
 * passage of 300 words with yak once. */
static void
title_only_word(void)
{
    char t[4096];
    size_t at = 0;
    long n = 0;
    struct tl_error err = { 0 };

    unit_exec("INSERT INTO articles (id, path, path_key, hash, size, "
              "mtime_ns, format, title, author) VALUES (301, '/a/301', "
              "tl_path_key('/a/301'), 'h', 1, 1, 'text', 'Zulu', '')");
    for (int i = 0; i < 300; i++)
        at += (size_t)snprintf(t + at, sizeof t - at, "%s", i == 150 ? "yak "
                               : "w9 ");
    unit_add_passage(0, 301, 1, t);
    unit_fix_ranges();
    ck_assert_msg(tl_lengths_refresh(unit_db, &n, &err) == TL_OK, "%s",
                  err.msg);
}

START_TEST(test_scan_scores_as_fts5)
{
    static const char *const shapes[] = {
        "\"w3\"", "\"w0\"", "\"w1 w0\"", "\"w15\"*", "\"w\"*",
        "\"w0\" OR \"w150\"", "\"w1\" AND \"w2\"", "\"w1\" \"w2\" \"w3\"",
        "\"w0\" NOT \"w1\"", "(\"w1\" OR \"w2\") AND \"w3\"",
        "\"w1\" OR \"w2\" NOT \"w3\"", "\"w3\" NOT (\"w1\" OR \"w2\")",
        "\"w1 w2\" OR \"w4\"", "\"w5\" \"w5\" \"w6\"", "\"the\" OR \"w7\"",
        "(\"w1\" AND \"w9\") OR \"w10\"", "\"w9\" OR (\"w10\" AND \"w11\")",
        "\"nosuchword\" OR \"w12\"", "\"w150\"", "\"w0 w0\"",
        "\"W1\" or \"w2\" OR \"w3\"", "\"w2\" OR \"w1 w2\" OR \"w1\" OR \"w3\"",
        "\"w1 w2\" \"w1\"", "\"w150\" \"w0\"", "\"w0\" AND \"w150\"",
        "\"w0 w1\" \"w150\"",
    };
    static const char *const refused[] = {
        "NEAR(\"w1\" \"w2\", 3)", "{title} : \"w3\"", "\"w1\"* \"w2\"",
        "^\"w1\"", "w1", "\"w1\" + \"w2\"", "\"\"", "\"w1", "\"w1\" OR",
        "(\"w1\"", "\"nosuchword\"",
    };
    struct tl_error err = { 0 };
    struct tl_lengths *lens = NULL;
    double floor = 4.0, tight;
    long seeks = tl_fts5_seeks(), passed = 0;
    sqlite3_stmt *st = NULL;

    corpus();
    title_only_word();
    unit_exec("BEGIN");
    ck_assert_int_eq(tl_lengths_open(unit_db, &lens, &err), TL_OK);
    ck_assert_ptr_nonnull(lens);
    /* a word in a short title only (a three-byte list: the column
     * marker, the column, the position) beside one in a long body, with
     * the floor just under the row's score: its score, not a bound */
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT " TL_RANK_SQL
                                        " FROM passages_fts WHERE "
                                        "passages_fts MATCH ?1", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, "\"zulu\" \"yak\"", -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    tight = sqlite3_column_double(st, 0) * (1.0 - 1e-6);
    sqlite3_finalize(st);
    same_as_fts5(lens, "\"zulu\" \"yak\"", &tight);
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        if (strstr(shapes[i], " or ") != NULL)
            continue;       /* FTS5's "or" is a word: below */
        ck_assert_int_eq(same_as_fts5(lens, shapes[i], NULL), 0);
        passed += same_as_fts5(lens, shapes[i], &floor);
    }
    /* an OR's rows with only its weak phrases were passed over */
    ck_assert_int_gt(passed, 100);
    tl_lengths_free(lens);
    unit_exec("COMMIT");
    /* and in one segment (FTS5's optimize): w0's doclist spans pages
     * enough for a doclist index, which a rare word beside it jumps
     * through */
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')");
    unit_exec("BEGIN");
    ck_assert_int_eq(tl_lengths_open(unit_db, &lens, &err), TL_OK);
    seeks = tl_fts5_seeks();
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        if (strstr(shapes[i], " or ") == NULL)
            same_as_fts5(lens, shapes[i], &floor);
    ck_assert_int_gt(tl_fts5_seeks(), seeks);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        struct tl_fts5_scan fs;
        struct rows r = { 0 };
        ck_assert_int_eq(tl_fts5_scan(unit_db, refused[i], 0, lens, NULL,
                                      NULL, collect, &r, &fs, &err), TL_OK);
        ck_assert_msg(!fs.answered || strstr(refused[i], "nosuch"),
                      "%s: answered", refused[i]);
        ck_assert_int_eq(r.n, 0);
    }
    /* without the packed lengths, or under an override: FTS5's */
    struct tl_fts5_scan fs;
    struct rows r = { 0 };
    ck_assert_int_eq(tl_fts5_scan(unit_db, "\"w3\"", 0, NULL, NULL, NULL,
                                  collect, &r, &fs, &err), TL_OK);
    ck_assert(!fs.answered && r.n == 0);
    tl_lengths_free(lens);
    unit_exec("COMMIT");
    /* outside a read transaction: FTS5 may hold unwritten rows */
    ck_assert_int_eq(tl_fts5_scan(unit_db, "\"w3\"", 0, lens, NULL, NULL,
                                  collect, &r, &fs, &err), TL_OK);
    ck_assert(!fs.answered && r.n == 0);
    unit_db_teardown();
}
END_TEST

/* Passages whose words sit among punctuation, capitals and non-ASCII
 * letters, so that the tokens' byte ranges matter. */
static void
add_rich_passages(void)
{
    static const char *const sep[] = {
        " ", ", ", " \xe2\x80\x94 ", "'s ", "\n", " (", ") ", " \xc3\xa9t\xc3\xa9 ",
        "... ", "-", " \xc2\xabW", "\xc2\xbb ", "  ",
    };
    char t[2048];

    unit_exec("BEGIN");
    for (int i = 0; i < 120; i++) {
        size_t at = 0;
        int words = 2 + (int)(rng() % 60);
        for (int k = 0; k < words && at + 40 < sizeof t; k++) {
            char w[16];
            word(w, sizeof w);
            if (rng() % 4 == 0)
                w[0] = 'W';
            at += (size_t)snprintf(t + at, sizeof t - at, "%s%s", w,
                                   k + 1 < words
                                   ? sep[rng() % (sizeof sep / sizeof *sep)]
                                   : ".");
        }
        unit_add_passage(0, 1 + i % 300, 6 + i / 300, t);
    }
    unit_exec("COMMIT");
    unit_fix_ranges();
}

/* The marks of match's rows from the pages equal highlight()'s, for
 * every row FTS5 matches (every step-th of them, with rows it does not
 * match asked between): the number marked returned. */
static long
marks_as_highlight(const char *match, int step)
{
    struct tl_error err = { 0 };
    struct tl_fts5_marks *m = NULL;
    struct tl_buf out;
    sqlite3_stmt *st = NULL, *tx = NULL;
    long marked = 0, k = 0;
    int64_t prev = 0;           /* FTS5's row before */

    ck_assert_int_eq(tl_fts5_marks_new(unit_db, match, &m, &err), TL_OK);
    ck_assert_msg(m != NULL, "%s: not taken", match);
    tl_buf_init(&out, 0);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT rowid, highlight("
                                        "passages_fts, 0, '[', ']') FROM "
                                        "passages_fts WHERE passages_fts "
                                        "MATCH ?1 ORDER BY rowid", -1, &st,
                                        NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT text FROM "
                                        "passage_texts WHERE id = ?1", -1,
                                        &tx, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *want = (const char *)sqlite3_column_text(st, 1);
        int64_t before = prev;
        prev = id;
        if (k++ % step != 0)
            continue;
        /* a row between FTS5's last and this one: not matched */
        if (id > before + 1) {
            tl_buf_reset(&out);
            ck_assert_int_eq(tl_fts5_marks_row(m, id - 1, "w0", 2, "[", "]",
                                               &out), 0);
            ck_assert_int_eq(out.len, 0);
        }
        sqlite3_reset(tx);
        sqlite3_bind_int64(tx, 1, id);
        ck_assert_int_eq(sqlite3_step(tx), SQLITE_ROW);
        tl_buf_reset(&out);
        ck_assert_int_eq(tl_fts5_marks_row(m, id, (const char *)
                                           sqlite3_column_text(tx, 0),
                                           sqlite3_column_bytes(tx, 0), "[",
                                           "]", &out), 1);
        ck_assert_msg(out.len == strlen(want)
                      && memcmp(out.data, want, out.len) == 0,
                      "%s: row %lld:\n%.*s\nhighlight():\n%s", match,
                      (long long)id, (int)out.len, out.data, want);
        marked++;
    }
    /* past the last row: nothing */
    ck_assert_int_eq(tl_fts5_marks_row(m, INT64_MAX, "w0", 2, "[", "]",
                                       &out), 0);
    sqlite3_finalize(st);
    sqlite3_finalize(tx);
    tl_buf_release(&out);
    tl_fts5_marks_free(m);
    return marked;
}

/* The hits' marks from the pages are highlight()'s, byte for byte. */
START_TEST(test_marks_as_highlight)
{
    static const char *const shapes[] = {
        "\"w3\"", "\"w1 w0\"", "\"w15\"*", "\"w\"*", "\"w0\" OR \"w150\"",
        "\"w1\" AND \"w2\"", "\"w0\" NOT \"w1\"", "\"w1\" OR \"w2\" NOT \"w3\"",
        "\"w0 w0\" OR \"w0\"", "\"w0 w1\" OR \"w1 w2\" OR \"w0\"",
        "\"w1 w2\" \"w1\"", "\"w150\" \"w0\"", "\"w0 w1 w0\" OR \"w1 w0\"",
        "(\"w1\" OR \"w2\") AND \"w3\"",
    };
    long before = tl_fts5_marks_count(), marked = 0;
    struct tl_fts5_marks *m = (void *)1;
    struct tl_error err = { 0 };

    corpus();
    add_rich_passages();
    unit_exec("BEGIN");
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        long n = marks_as_highlight(shapes[i], 1)
                 + marks_as_highlight(shapes[i], 7);
        ck_assert_msg(n > 0, "%s: no rows", shapes[i]);
        marked += n;
    }
    ck_assert_int_eq(tl_fts5_marks_count(), before + marked);
    /* what the reader does not take is FTS5's */
    ck_assert_int_eq(tl_fts5_marks_new(unit_db, "NEAR(\"w1\" \"w2\", 3)", &m,
                                       &err), TL_OK);
    ck_assert_ptr_null(m);
    unit_exec("COMMIT");
    m = (void *)1;
    ck_assert_int_eq(tl_fts5_marks_new(unit_db, "\"w3\"", &m, &err), TL_OK);
    ck_assert_ptr_null(m);      /* outside a read transaction */
    unit_db_teardown();
}
END_TEST

/* Records the reader does not know are refused, never misread. */
START_TEST(test_unknown_records_are_refused)
{
    /* cookie, 1 level, 1 segment, write counter 5; level: no merge, one
     * segment: id 3, pages 1-9 */
    unsigned char ok[] = { 0, 0, 0, 0, 1, 1, 5, 0, 1, 3, 1, 9 };
    unsigned char merging[] = { 0, 0, 0, 0, 1, 1, 5, 1, 1, 3, 1, 9 };
    unsigned char trimmed[] = { 0, 0, 0, 0, 1, 1, 5, 0, 1, 3, 2, 9 };
    unsigned char v2[] = { 0, 0, 0, 0, 0xff, 0, 0, 1, 1, 1, 5, 0, 1, 3, 1, 9 };
    unsigned char counts[] = { 0, 0, 0, 0, 1, 2, 5, 0, 1, 3, 1, 9 };
    unsigned char two[] = { 0, 0, 0, 0, 2, 3, 5, 0, 2, 4, 1, 2, 7, 1, 3,
                            0, 1, 2, 1, 8 };
    struct tl_fts5 x;

    memset(&x, 0, sizeof x);
    ck_assert_int_eq(tl_fts5_structure(ok, sizeof ok, &x), 1);
    ck_assert_int_eq(x.n_seg, 1);
    ck_assert_int_eq(x.seg[0].segid, 3);
    ck_assert_int_eq(x.seg[0].last, 9);
    ck_assert_int_eq(tl_fts5_structure(merging, sizeof merging, &x),
                     TL_FTS5_BAD);
    ck_assert_ptr_null(x.seg);
    ck_assert_int_eq(tl_fts5_structure(trimmed, sizeof trimmed, &x),
                     TL_FTS5_BAD);
    ck_assert_int_eq(tl_fts5_structure(v2, sizeof v2, &x), TL_FTS5_BAD);
    ck_assert_int_eq(tl_fts5_structure(counts, sizeof counts, &x),
                     TL_FTS5_BAD);
    for (size_t n = 0; n < sizeof ok; n++)
        ck_assert_int_eq(tl_fts5_structure(ok, (int)n, &x), TL_FTS5_BAD);
    /* newest first: level 0's newest (7), its oldest (4), then level 1 */
    ck_assert_int_eq(tl_fts5_structure(two, sizeof two, &x), 1);
    ck_assert_int_eq(x.n_seg, 3);
    ck_assert_int_eq(x.seg[0].segid, 7);
    ck_assert_int_eq(x.seg[1].segid, 4);
    ck_assert_int_eq(x.seg[2].segid, 2);
    free(x.seg);
    /* a merge under way in a real index: not read */
    corpus();
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) VALUES "
              "('usermerge', 2); INSERT INTO passages_fts (passages_fts, "
              "rank) VALUES ('merge', -1)");
    unit_exec("BEGIN");
    struct tl_error err = { 0 };
    struct tl_fts5 *r = NULL;
    int merging_now = 0;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT block FROM "
                                        "passages_fts_data WHERE id = 10",
                                        -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    memset(&x, 0, sizeof x);
    merging_now = tl_fts5_structure(sqlite3_column_blob(st, 0),
                                    sqlite3_column_bytes(st, 0), &x) != 1;
    free(x.seg);
    sqlite3_finalize(st);
    ck_assert_int_eq(tl_fts5_open(unit_db, &r, &err), TL_OK);
    ck_assert_int_eq(r == NULL, merging_now);
    ck_assert_msg(merging_now, "FTS5 finished the merge: nothing tested");
    tl_fts5_close(r);
    unit_exec("COMMIT");
    unit_db_teardown();
}
END_TEST

Suite *
fts5_read_suite(void)
{
    Suite *s = suite_create("fts5_read");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_term_as_fts5vocab);
    tcase_add_test(tc, test_scan_scores_as_fts5);
    tcase_add_test(tc, test_marks_as_highlight);
    tcase_add_test(tc, test_unknown_records_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
