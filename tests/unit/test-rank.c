/* test-rank.c - tl_bm25(), the ranking function, on tiny corpora whose
 * scores are worked out by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define EPS 1e-6

/* Adds an article (id, title) with one passage per text. */
static void
add_article(int id, const char *title, const char *const *texts)
{
    char sql[1024];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, hash, "
             "size, mtime_ns, format, title) VALUES (%d, 'a%d', "
             "tl_path_key('a%d'), 'h%d', 0, 0, 'text', '%s')", id, id, id,
             id, title);
    unit_exec(sql);
    for (int i = 0; texts[i] != NULL; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO passages (article_id, "
                 "ordinal, byte_start, byte_end, text) VALUES (%d, %d, 0, "
                 "0, '%s'); INSERT INTO passages_fts (rowid, body, title, "
                 "author) SELECT p.id, p.text, a.title, a.author FROM "
                 "passages AS p JOIN articles AS a ON a.id = p.article_id "
                 "WHERE p.id = last_insert_rowid()", id, i + 1, texts[i]);
        unit_exec(sql);
        unit_widen_range();
    }
}

/* The value of call (an expression over passages_fts) for the passage
 * with the given text, matching match; NAN when it does not match. */
static double
value_of(const char *call, const char *match, const char *text)
{
    char sql[512];
    sqlite3_stmt *st = NULL;
    double v = NAN;

    snprintf(sql, sizeof sql, "SELECT %s FROM passages_fts JOIN passages "
             "AS p ON p.id = passages_fts.rowid WHERE passages_fts MATCH ?1 "
             "AND p.text = ?2", call);
    ck_assert_msg(sqlite3_prepare_v2(unit_db, sql, -1, &st, NULL)
                  == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(unit_db));
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    ck_assert_msg(sqlite3_errcode(unit_db) == SQLITE_OK
                  || sqlite3_errcode(unit_db) == SQLITE_ROW
                  || sqlite3_errcode(unit_db) == SQLITE_DONE, "%s: %s", sql,
                  sqlite3_errmsg(unit_db));
    sqlite3_finalize(st);
    return v;
}

/* tl_bm25 with arguments args ("1.2, 0.75, 1, 0, 0"), as a score. */
static double
score(const char *args, const char *match, const char *text)
{
    char call[256];

    snprintf(call, sizeof call, "-tl_bm25(passages_fts%s%s)",
             args[0] != '\0' ? ", " : "", args);
    return value_of(call, match, text);
}

static void
override(const struct tl_rank_params *p)
{
    struct tl_error err = { 0 };

    ck_assert_msg(tl_rank_override(unit_db, p, &err) == TL_OK, "%s",
                  err.msg);
}

/* Three articles: body lengths 3, 2 and 4 tokens (mean 3); only the
 * first has a title (one token). */
static void
fruit(void)
{
    static const char *const a[] = { "apple banana apple", NULL };
    static const char *const b[] = { "banana cherry", NULL };
    static const char *const c[] = { "cherry date elderberry fig", NULL };

    unit_db_setup();
    add_article(1, "Orchard", a);
    add_article(2, "", b);
    add_article(3, "", c);
}

/* The scores of match over rowids [lo, hi] (one query), into out[],
 * indexed by rowid - lo; returns the number of rows. */
static int
scores_in_range(const char *match, int lo, int hi, double *out)
{
    sqlite3_stmt *st = NULL;
    int n = 0;

    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT rowid, "
        "-tl_bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH "
        "?1 AND rowid BETWEEN ?2 AND ?3", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, lo);
    sqlite3_bind_int(st, 3, hi);
    while (sqlite3_step(st) == SQLITE_ROW) {
        out[sqlite3_column_int(st, 0) - lo] = sqlite3_column_double(st, 1);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

START_TEST(test_kept_statistics_score_like_one_full_query)
{
    static const char *const a[] = { "apple banana apple", "cherry plum",
                                     "apple pear fig", NULL };
    static const char *const b[] = { "banana apple kiwi lime", "apple",
                                     "plum plum apple cherry", NULL };
    struct tl_error err = { 0 };
    double full[6] = { 0 }, kept[6] = { 0 }, again[6] = { 0 };
    const char *match = "apple OR \"plum cherry\" OR banana";

    int lo;

    add_article(101, "orchard notes", a);
    add_article(102, "market list", b);
    lo = atoi(unit_text("SELECT min(id) FROM passages WHERE article_id "
                        "= 101"));
    ck_assert_int_eq(scores_in_range(match, lo, lo + 5, full), 5);
    ck_assert_int_eq(tl_rank_keep(unit_db, 1, &err), TL_OK);
    for (int r = 0; r < 6; r++)         /* one rowid at a time */
        scores_in_range(match, lo + r, lo + r, kept + r);
    /* kept means kept: a new passage (more rows, apple in one more) does
     * not change the statistics until keeping stops */
    {
        static const char *const c[] = { "apple apple apple", NULL };
        double one = 0;

        add_article(103, "late entry", c);
        scores_in_range(match, lo, lo, &one);
        ck_assert(one == kept[0]);
        ck_assert_int_eq(tl_rank_keep(unit_db, 0, &err), TL_OK);
        scores_in_range(match, lo, lo, &one);
        ck_assert(one != kept[0]);
    }
    for (int i = 0; i < 6; i++)
        ck_assert_msg(full[i] == kept[i], "row %d: %.17g kept, %.17g in "
                      "one query", i + 1, kept[i], full[i]);
    /* off again: a query counts for itself (kiwi and lime are in one
     * passage only, fig in another) */
    ck_assert_int_eq(scores_in_range("kiwi OR lime OR fig", lo, lo + 5,
                                     again), 2);
    ck_assert(again[3] > 0 && again[2] > 0);
}
END_TEST

/* Under a floor, a row scoring at least the floor keeps its exact score;
 * one below gets a bound that is still below the floor and not below
 * its score (so a top-k scan loses nothing); without it, all exact. */
START_TEST(test_floor_bounds_only_rows_below_it)
{
    static const char *const a[] = { "apple banana apple", "cherry plum",
                                     "apple pear fig banana plum cherry "
                                     "kiwi lime melon grape", NULL };
    static const char *const b[] = { "banana apple kiwi lime", "apple",
                                     "plum plum apple cherry", NULL };
    struct tl_error err = { 0 };
    double exact[6] = { 0 }, floored[6] = { 0 }, after[6] = { 0 };
    double floor, sorted[6];
    const char *match = "apple OR banana OR plum";
    int lo, n, bounded = 0;

    add_article(101, "orchard notes", a);
    add_article(102, "market list", b);
    lo = atoi(unit_text("SELECT min(id) FROM passages WHERE article_id "
                        "= 101"));
    n = scores_in_range(match, lo, lo + 5, exact);
    ck_assert_int_eq(n, 6);
    memcpy(sorted, exact, sizeof sorted);
    for (int i = 0; i < 6; i++)         /* floor: the 3rd best score */
        for (int j = i + 1; j < 6; j++)
            if (sorted[j] > sorted[i]) {
                double t = sorted[i];
                sorted[i] = sorted[j];
                sorted[j] = t;
            }
    floor = sorted[2];
    ck_assert_int_eq(tl_rank_floor(unit_db, &floor, &err), TL_OK);
    scores_in_range(match, lo, lo + 5, floored);
    ck_assert_int_eq(tl_rank_floor(unit_db, NULL, &err), TL_OK);
    for (int i = 0; i < 6; i++) {
        if (exact[i] >= floor) {
            ck_assert_msg(floored[i] == exact[i], "row %d: %.17g under the "
                          "floor, %.17g without", i, floored[i], exact[i]);
        } else {
            ck_assert_msg(floored[i] < floor && floored[i] >= exact[i],
                          "row %d: %.17g for %.17g, floor %.17g", i,
                          floored[i], exact[i], floor);
            bounded += floored[i] != exact[i];
        }
    }
    ck_assert_int_gt(bounded, 0);       /* the short cut was taken */
    scores_in_range(match, lo, lo + 5, after);
    for (int i = 0; i < 6; i++)
        ck_assert(after[i] == exact[i]);
}
END_TEST

START_TEST(test_score_is_bm25_worked_by_hand)
{
    /* N = 3, n(apple) = 1: idf = ln(1 + 2.5 / 1.5) = ln(8/3);
     * tf = 2, len = avglen = 3, so the norm is 1:
     * score = idf * 2 * 2.2 / (1.2 + 2) */
    double want = log(8.0 / 3.0) * 4.4 / 3.2;

    ck_assert_double_eq_tol(want, 1.3486398, EPS);
    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 0, 0", "apple",
                                  "apple banana apple"), want, EPS);
}
END_TEST

START_TEST(test_length_normalisation_follows_b)
{
    /* banana: n = 2, idf = ln(1 + 1.5 / 2.5) = ln(1.6); in "banana
     * cherry" tf = 1, len 2 of mean 3: norm = 0.25 + 0.75 * 2/3 = 0.75,
     * tf' = 4/3, score = idf * (4/3) * 2.2 / (1.2 + 4/3) */
    double tfn = 1 / 0.75;
    double want = log(1.6) * tfn * 2.2 / (1.2 + tfn);

    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 0, 0", "banana",
                                  "banana cherry"), want, EPS);
    /* b = 0: no normalisation, tf' = 1 */
    ck_assert_double_eq_tol(score("1.2, 0, 1, 0, 0", "banana",
                                  "banana cherry"),
                            log(1.6) * 2.2 / 2.2, EPS);
}
END_TEST

START_TEST(test_b_zero_makes_length_irrelevant)
{
    double shorter = score("1.2, 0, 1, 0, 0", "cherry", "banana cherry");
    double longer = score("1.2, 0, 1, 0, 0", "cherry",
                          "cherry date elderberry fig");

    ck_assert_double_eq_tol(shorter, longer, EPS);
    ck_assert(score("1.2, 0.75, 1, 0, 0", "cherry", "banana cherry")
              > score("1.2, 0.75, 1, 0, 0", "cherry",
                      "cherry date elderberry fig"));
}
END_TEST

START_TEST(test_k1_sets_how_fast_frequency_saturates)
{
    /* tf 2 against tf 1 at equal norms: (k1 + 1) * 2 / (k1 + 2) over
     * (k1 + 1) / (k1 + 1), i.e. 2 (k1 + 1) / (k1 + 2): 1.09 at k1 0.1,
     * 1.67 at k1 3 */
    const char *match = "apple OR banana";
    double lo = score("0.1, 0, 1, 0, 0", match, "apple banana apple")
                / score("0.1, 0, 1, 0, 0", match, "banana cherry");
    double hi = score("3, 0, 1, 0, 0", match, "apple banana apple")
                / score("3, 0, 1, 0, 0", match, "banana cherry");

    ck_assert(hi > lo);
    /* k1 = 0: only whether a term is there counts */
    ck_assert_double_eq_tol(score("0, 0, 1, 0, 0", "apple",
                                  "apple banana apple"),
                            log(8.0 / 3.0), EPS);
}
END_TEST

START_TEST(test_title_is_normalised_by_title_length)
{
    /* orchard is in the title only: title lengths 1, 0, 0 (mean 1/3),
     * norm = 0.25 + 0.75 * 3 = 2.5, tf' = w * 1 / 2.5;
     * idf = ln(8/3) */
    double idf = log(8.0 / 3.0);

    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 1, 0", "orchard",
                                  "apple banana apple"),
                            idf * 0.4 * 2.2 / (1.2 + 0.4), EPS);
    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 2, 0", "orchard",
                                  "apple banana apple"),
                            idf * 0.8 * 2.2 / (1.2 + 0.8), EPS);
    /* weight 0: the title does not count, but the passage matches */
    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 0, 0", "orchard",
                                  "apple banana apple"), 0, EPS);
}
END_TEST

START_TEST(test_title_does_not_lengthen_the_body)
{
    /* the body score of apple is the same whatever the title */
    unit_exec("UPDATE articles SET title = 'a very long title of many "
              "words indeed' WHERE id = 1");
    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 0, 0", "apple",
                                  "apple banana apple"),
                            log(8.0 / 3.0) * 4.4 / 3.2, EPS);
}
END_TEST

START_TEST(test_missing_arguments_take_the_defaults)
{
    char args[128];
    double all = score("", "apple OR orchard", "apple banana apple");

    snprintf(args, sizeof args, "%g, %g, %g, %g, %g", TL_RANK_K1,
             TL_RANK_B, TL_RANK_W_BODY, TL_RANK_W_TITLE, TL_RANK_W_AUTHOR);
    ck_assert_double_eq_tol(all, score(args, "apple OR orchard",
                                       "apple banana apple"), EPS);
    snprintf(args, sizeof args, "%g", TL_RANK_K1);
    ck_assert_double_eq_tol(all, score(args, "apple OR orchard",
                                       "apple banana apple"), EPS);
    ck_assert(all > 0);
}
END_TEST

/* Every passage holds "common": its IDF must stay positive. */
static void
common(void)
{
    static const char *const a[] = { "common rare", NULL };
    static const char *const b[] = { "common word", NULL };
    static const char *const c[] = { "common other", NULL };

    unit_db_setup();
    add_article(1, "", a);
    add_article(2, "", b);
    add_article(3, "", c);
}

START_TEST(test_idf_is_never_negative)
{
    /* n = N = 3: ln(1 + 0.5 / 3.5) = ln(8/7); tf = 1, norm 1 */
    double got = score("1.2, 0.75, 1, 0, 0", "common", "common word");

    ck_assert_double_eq_tol(got, log(8.0 / 7.0), EPS);
    ck_assert(got > 0.1);
    /* FTS5's bm25() clamps the (negative) IDF to 1e-6 */
    ck_assert(-value_of("bm25(passages_fts)", "common", "common word")
              < 1e-5);
}
END_TEST

START_TEST(test_a_common_word_still_orders_passages)
{
    /* "common rare" beats "common word" on "common OR rare"; both
     * above zero */
    double a = score("", "common OR rare", "common rare");
    double b = score("", "common OR rare", "common word");

    ck_assert(b > 0);
    ck_assert(a > b);
}
END_TEST

START_TEST(test_classic_mode_is_fts5_bm25)
{
    struct tl_rank_params p;
    const char *texts[] = { "apple banana apple", "banana cherry",
                            "cherry date elderberry fig" };

    tl_rank_params_init(&p);
    p.classic = 1;
    p.k1 = 1.2;                 /* bm25()'s fixed parameters */
    p.b = 0.75;
    p.w[0] = 1.0;
    p.w[1] = 2.0;
    p.w[2] = 2.0;
    override(&p);
    for (int i = 0; i < 3; i++) {
        const char *m = "apple OR banana OR cherry OR orchard";
        ck_assert_double_eq_tol(value_of("tl_bm25(passages_fts)", m,
                                         texts[i]),
                                value_of("bm25(passages_fts, 1, 2, 2)", m,
                                         texts[i]), 1e-9);
    }
}
END_TEST

START_TEST(test_override_replaces_arguments_until_cleared)
{
    struct tl_rank_params p;
    double normal = score("1.2, 0.75, 1, 0, 0", "apple",
                          "apple banana apple");

    tl_rank_params_init(&p);
    p.k1 = 0;
    override(&p);
    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 0, 0", "apple",
                                  "apple banana apple"),
                            log(8.0 / 3.0), EPS);
    override(NULL);
    ck_assert_double_eq_tol(score("1.2, 0.75, 1, 0, 0", "apple",
                                  "apple banana apple"), normal, EPS);
}
END_TEST

/* A word the query repeats: each of its phrases weighs (k3 + 1) / (k3 +
 * qtf), so twice "apple" is worth 2 (k3 + 1) / (k3 + 2) of once; with k3
 * off (negative), twice. */
START_TEST(test_repeated_word_saturates_with_k3)
{
    struct tl_rank_params p;
    double once = score("", "apple", "apple banana apple");
    double twice = score("", "apple OR apple", "apple banana apple");
    double k3 = TL_RANK_K3;

    ck_assert(once > 0);
    ck_assert_double_eq_tol(twice, once * 2 * (k3 + 1) / (k3 + 2), EPS);
    tl_rank_params_init(&p);
    p.k3 = -1;
    override(&p);
    ck_assert_double_eq_tol(score("", "apple OR apple", "apple banana apple"),
                            2 * once, EPS);
    p.k3 = 0;       /* every repeat but one is free */
    override(&p);
    ck_assert_double_eq_tol(score("", "apple OR apple", "apple banana apple"),
                            once, EPS);
    /* two different words are not repeats (no proximity, to compare) */
    tl_rank_params_init(&p);
    p.proximity = 0;
    override(&p);
    ck_assert_double_eq_tol(score("", "apple OR banana", "apple banana apple"),
                            score("", "apple", "apple banana apple")
                            + score("", "banana", "apple banana apple"), EPS);
    override(NULL);
}
END_TEST

/* Stopwords, and passages of equal length for proximity. */
static void
prose(void)
{
    static const char *const a[] = { "the river bank flooded today", NULL };
    static const char *const b[] = { "the river was far from any bank",
                                     NULL };
    static const char *const c[] = { "the of and in to", NULL };
    static const char *const d[] = { "river bank was far from the", NULL };

    unit_db_setup();
    add_article(1, "", a);
    add_article(2, "", b);
    add_article(3, "", c);
    add_article(4, "", d);
}

START_TEST(test_stopwords_do_not_score)
{
    /* "the" is a stopword: a passage with only stopwords scores 0, and
     * the others score as without it */
    const char *m = "the OR river";

    ck_assert_double_eq_tol(score("", m, "the of and in to"), 0, EPS);
    ck_assert_double_eq_tol(score("", m, "the river bank flooded today"),
                            score("", "river", "the river bank flooded "
                                                "today"), EPS);
}
END_TEST

START_TEST(test_stopword_weight_is_tunable)
{
    struct tl_rank_params p;

    tl_rank_params_init(&p);
    p.stopword_weight = 1.0;
    override(&p);
    ck_assert(score("", "the OR river", "the of and in to") > 0);
}
END_TEST

START_TEST(test_a_query_of_stopwords_only_still_ranks)
{
    ck_assert(score("", "the OR of", "the of and in to") > 0);
    ck_assert(score("", "the OR of", "the of and in to")
              > score("", "the OR of", "the river bank flooded today"));
}
END_TEST

START_TEST(test_a_phrase_is_never_a_stopword)
{
    ck_assert(score("", "\"from the\"", "river bank was far from the") > 0);
}
END_TEST

START_TEST(test_stopword_stems_are_recognised)
{
    ck_assert(tl_rank_is_stopword("the", 3));
    ck_assert(tl_rank_is_stopword("whi", 3));      /* why */
    ck_assert(tl_rank_is_stopword("do", 2));       /* doing */
    ck_assert(tl_rank_is_stopword("dont", 4));     /* don't */
    ck_assert(!tl_rank_is_stopword("river", 5));
    ck_assert(!tl_rank_is_stopword("", 0));
    ck_assert(!tl_rank_is_stopword("thesaurus", 3 + 6));
}
END_TEST

START_TEST(test_proximity_rewards_terms_close_together)
{
    /* both passages hold river and bank once and have 6 tokens ... */
    struct tl_rank_params p;
    const char *m = "river OR bank";
    double near, far;

    near = score("", m, "river bank was far from the");
    far = score("", m, "the river was far from any bank");
    /* ... but not the same length: compare with proximity off first */
    tl_rank_params_init(&p);
    p.proximity = 1.0;
    override(&p);
    ck_assert(score("", m, "river bank was far from the") - near
              > score("", m, "the river was far from any bank") - far);
    /* adjacent terms (d = 1): each gains min(1, idf) * idf(other) worth
     * of proximity accumulator */
    ck_assert(score("", m, "river bank was far from the") > near);
}
END_TEST

/* BM25+: delta times the IDF is added for each matched word, and only
 * for a matched one. */
START_TEST(test_delta_adds_a_lower_bound_per_matched_word)
{
    struct tl_rank_params p;
    double plain, cherry_idf;

    plain = score("", "cherry", "cherry date elderberry fig");
    /* idf(cherry): 2 of 3 passages */
    cherry_idf = log(1.0 + (3 - 2 + 0.5) / (2 + 0.5));
    tl_rank_params_init(&p);
    p.delta = 0.5;
    override(&p);
    ck_assert_double_eq_tol(score("", "cherry", "cherry date elderberry fig"),
                            plain + 0.5 * cherry_idf, EPS);
    ck_assert_double_eq_tol(score("", "cherry OR apple",
                                  "cherry date elderberry fig"),
                            plain + 0.5 * cherry_idf, EPS);
}
END_TEST

START_TEST(test_tail_weights_apply_to_the_last_phrases)
{
    struct tl_rank_params p;
    const double tail[] = { 0.5 };
    const char *m = "river OR flooded";
    double river = score("", "river", "the river bank flooded today");
    double flooded = score("", "flooded", "the river bank flooded today");

    tl_rank_params_init(&p);
    p.proximity = 0;            /* river and flooded are 2 apart */
    p.tail = tail;
    p.n_tail = 1;
    p.head_weight = 2.0;
    override(&p);
    /* river is the head (weight 2), flooded the tail (weight 0.5); each
     * phrase's IDF is the same as alone */
    ck_assert_double_eq_tol(score("", m, "the river bank flooded today"),
                            2 * river + 0.5 * flooded, EPS);
}
END_TEST

START_TEST(test_search_ranks_with_tl_bm25)
{
    struct tl_search_opts o;
    struct tl_search *s = NULL;
    struct tl_error err = { 0 };
    struct tl_hit hit;
    int done = 0;

    tl_search_opts_init(&o);
    o.match = "common OR rare";
    ck_assert_int_eq(tl_search_new(unit_db, &o, &s, &err), TL_OK);
    ck_assert_int_eq(tl_search_next(s, &hit, &done, &err), TL_OK);
    ck_assert_int_eq(done, 0);
    ck_assert_str_eq(hit.path, "a1");   /* the one with rare */
    ck_assert_double_eq_tol(hit.score, score("", "common OR rare",
                                             "common rare"), EPS);
    ck_assert_int_eq(tl_search_next(s, &hit, &done, &err), TL_OK);
    ck_assert(hit.score > 0.1);         /* common alone still scores */
    tl_search_free(s);
}
END_TEST


/* The id of the passage with the given text. */
static int64_t
passage_id(const char *text)
{
    sqlite3_stmt *st = NULL;
    int64_t id = -1;

    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT id FROM passages "
                                        "WHERE text = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    ck_assert_int_ge(id, 0);
    return id;
}

START_TEST(test_explain_gives_each_phrase_its_share)
{
    struct tl_rank_explanation e;
    struct tl_error err = { 0 };
    const char *text = "apple banana apple";

    tl_rank_explanation_init(&e);
    ck_assert_int_eq(tl_rank_explain(unit_db, "apple OR orchard OR fig",
                                     passage_id(text), &e, &err), TL_OK);
    ck_assert_uint_eq(e.n_terms, 3);
    ck_assert_str_eq(e.terms[0].stems, "appl");
    ck_assert_int_eq(e.terms[0].tf[0], 2);
    ck_assert_int_eq(e.terms[0].tf[1], 0);
    ck_assert_double_eq_tol(e.terms[0].idf, log(8.0 / 3.0), EPS);
    ck_assert_str_eq(e.terms[1].stems, "orchard");
    ck_assert_int_eq(e.terms[1].tf[0], 0);
    ck_assert_int_eq(e.terms[1].tf[1], 1);
    /* fig is in another passage: known, but no share here */
    ck_assert_str_eq(e.terms[2].stems, "fig");
    ck_assert_double_eq_tol(e.terms[2].score, 0, EPS);
    ck_assert(e.terms[0].score > e.terms[1].score);
    ck_assert_double_eq_tol(e.terms[0].score + e.terms[1].score, e.score,
                            EPS);
    ck_assert_double_eq_tol(e.score, score("", "apple OR orchard OR fig",
                                           text), EPS);
    tl_rank_explanation_release(&e);
    ck_assert_ptr_null(e.terms);
}
END_TEST

START_TEST(test_explain_refuses_a_passage_that_does_not_match)
{
    struct tl_rank_explanation e;
    struct tl_error err = { 0 };

    tl_rank_explanation_init(&e);
    ck_assert_int_eq(tl_rank_explain(unit_db, "fig", passage_id("apple "
                                     "banana apple"), &e, &err),
                     TL_ERR_QUERY);
    ck_assert_ptr_null(e.terms);
    ck_assert_ptr_nonnull(strstr(err.msg, "does not match"));
}
END_TEST

START_TEST(test_explain_names_phrases_and_stopwords)
{
    struct tl_rank_explanation e;
    struct tl_error err = { 0 };

    tl_rank_explanation_init(&e);
    ck_assert_int_eq(tl_rank_explain(unit_db, "\"river bank\" OR the",
                                     passage_id("the river bank flooded "
                                                "today"), &e, &err), TL_OK);
    ck_assert_uint_eq(e.n_terms, 2);
    ck_assert_str_eq(e.terms[0].stems, "river bank");
    ck_assert_int_eq(e.terms[0].stopword, 0);
    ck_assert_str_eq(e.terms[1].stems, "the");
    ck_assert_int_eq(e.terms[1].stopword, 1);
    ck_assert_double_eq_tol(e.terms[1].weight, 0, EPS);
    ck_assert_double_eq_tol(e.terms[1].score, 0, EPS);
    tl_rank_explanation_release(&e);
}
END_TEST

/* Installs words as list which (NULL: the built-in one back). */
static void
set_words(enum tl_rank_words which, const char *const *words, size_t n,
          int extend)
{
    struct tl_error err = { 0 };

    ck_assert_msg(tl_rank_words_set(which, words, n, extend, &err) == TL_OK,
                  "%s", err.msg);
}

START_TEST(test_installed_stopwords_replace_the_built_in_ones)
{
    static const char *const words[] = { "River", "don't", "floods" };

    set_words(TL_RANK_STOPWORDS, words, 3, 0);
    /* folded and stemmed as the tokenizer does */
    ck_assert(tl_rank_is_stopword("river", 5));
    ck_assert(tl_rank_is_stopword("dont", 4));
    ck_assert(tl_rank_is_stopword("flood", 5));
    ck_assert(!tl_rank_is_stopword("the", 3));
    /* a new stopword scores 0, the other words as before */
    ck_assert_double_eq_tol(score("", "river OR bank", "river bank was far "
                                  "from the"),
                            score("", "bank", "river bank was far from the"),
                            EPS);
    ck_assert(score("", "the OR bank", "the of and in to") > 0);
    set_words(TL_RANK_STOPWORDS, NULL, 0, 0);
    ck_assert(tl_rank_is_stopword("the", 3));
    ck_assert(!tl_rank_is_stopword("river", 5));
    ck_assert_double_eq_tol(score("", "the OR bank", "the of and in to"), 0,
                            EPS);
}
END_TEST

START_TEST(test_extra_stopwords_join_the_built_in_ones)
{
    static const char *const words[] = { "river" };

    set_words(TL_RANK_STOPWORDS, words, 1, 1);
    ck_assert(tl_rank_is_stopword("river", 5));
    ck_assert(tl_rank_is_stopword("the", 3));
    ck_assert(tl_rank_is_stopword("whi", 3));
    ck_assert(!tl_rank_is_stopword("bank", 4));
    set_words(TL_RANK_STOPWORDS, NULL, 0, 0);
    ck_assert(!tl_rank_is_stopword("river", 5));
}
END_TEST

START_TEST(test_an_empty_list_has_no_stopwords)
{
    static const char *const none[] = { NULL };

    set_words(TL_RANK_STOPWORDS, none, 0, 0);
    ck_assert(!tl_rank_is_stopword("the", 3));
    ck_assert(score("", "the OR river", "the of and in to") > 0);
    set_words(TL_RANK_STOPWORDS, NULL, 0, 0);
}
END_TEST

START_TEST(test_words_set_refuses_an_unknown_list)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_rank_words_set((enum tl_rank_words)7, NULL, 0, 0,
                                       &err), TL_ERR_USAGE);
    ck_assert(err.msg[0] != '\0');
}
END_TEST

/* Weak words: passages of equal length in words (the stopwords aside),
 * for comparing shares. */
static void
reports(void)
{
    static const char *const a[] = { "police used force at the border "
                                     "crossing", NULL };
    static const char *const b[] = { "the show trial of the rebels began",
                                     NULL };
    static const char *const c[] = { "rebels used the river crossing",
                                     NULL };
    static const char *const d[] = { "the border was quiet", NULL };
    static const char *const e[] = { "results of the vote were shown",
                                     NULL };

    unit_db_setup();
    add_article(1, "", a);
    add_article(2, "", b);
    add_article(3, "", c);
    add_article(4, "", d);
    add_article(5, "", e);
}

START_TEST(test_weak_word_stems_are_recognised)
{
    ck_assert(tl_rank_is_weak_word("use", 3));      /* used, using */
    ck_assert(tl_rank_is_weak_word("show", 4));     /* showing */
    ck_assert(tl_rank_is_weak_word("shown", 5));
    ck_assert(tl_rank_is_weak_word("result", 6));
    ck_assert(tl_rank_is_weak_word("studi", 5));    /* study */
    ck_assert(tl_rank_is_weak_word("effect", 6));
    ck_assert(tl_rank_is_weak_word("inform", 6));   /* information */
    ck_assert(tl_rank_is_weak_word("pleas", 5));    /* please */
    ck_assert(tl_rank_is_weak_word("articl", 6));   /* articles */
    /* a stopword is not a weak word, nor a weak word a stopword */
    ck_assert(!tl_rank_is_weak_word("the", 3));
    ck_assert(!tl_rank_is_stopword("use", 3));
    /* the topics of "show trial", "use of force", "election results" */
    ck_assert(!tl_rank_is_weak_word("trial", 5));
    ck_assert(!tl_rank_is_weak_word("forc", 4));
    ck_assert(!tl_rank_is_weak_word("elect", 5));
    ck_assert(!tl_rank_is_weak_word("", 0));
}
END_TEST

START_TEST(test_a_weak_word_counts_a_fraction_of_a_word)
{
    struct tl_rank_params p;
    const char *text = "the show trial of the rebels began";
    double word, weak, full;

    tl_rank_params_init(&p);
    ck_assert_double_eq_tol(p.weak_weight, TL_RANK_WEAK_WEIGHT, EPS);
    ck_assert(TL_RANK_WEAK_WEIGHT > 0 && TL_RANK_WEAK_WEIGHT < 1);
    p.proximity = 0;        /* the shares alone */
    override(&p);
    word = score("", "trial", text);
    weak = score("", "show OR trial", text);
    p.weak_weight = 1;
    override(&p);
    full = score("", "show OR trial", text);
    ck_assert(full > word);
    ck_assert_double_eq_tol(weak - word, TL_RANK_WEAK_WEIGHT * (full - word),
                            EPS);
}
END_TEST

START_TEST(test_a_weak_word_alone_still_scores)
{
    /* unlike a stopword, a passage matched by a weak word alone scores,
     * below one matched by the query's other word */
    double weak = score("", "border OR used", "rebels used the river "
                        "crossing");

    ck_assert(weak > 0);
    ck_assert(score("", "border OR used", "the border was quiet") > weak);
}
END_TEST

START_TEST(test_a_query_of_weak_words_only_weighs_them_fully)
{
    struct tl_rank_params p;
    const char *text = "rebels used the river crossing";
    double fair;

    ck_assert_double_eq_tol(score("", "the OR used", text),
                            score("", "used", text), EPS);
    fair = score("", "used OR shown", text);
    tl_rank_params_init(&p);
    p.weak_weight = 1;
    override(&p);
    ck_assert_double_eq_tol(score("", "used OR shown", text), fair, EPS);
}
END_TEST

START_TEST(test_weak_words_rank_with_the_proximity_score)
{
    /* "show trial": the weak word next to the topic earns proximity */
    struct tl_rank_params p;
    const char *text = "the show trial of the rebels began";
    double with;

    with = score("", "show OR trial", text);
    tl_rank_params_init(&p);
    p.proximity = 0;
    override(&p);
    ck_assert(with > score("", "show OR trial", text));
}
END_TEST

START_TEST(test_installed_weak_words_replace_the_built_in_ones)
{
    static const char *const words[] = { "Borders", "the" };

    set_words(TL_RANK_WEAK_WORDS, words, 2, 0);
    ck_assert(tl_rank_is_weak_word("border", 6));
    ck_assert(!tl_rank_is_weak_word("use", 3));
    /* a stopword stays a stopword */
    ck_assert(!tl_rank_is_weak_word("the", 3));
    ck_assert(tl_rank_is_stopword("the", 3));
    ck_assert(score("", "border OR used", "the border was quiet")
              < score("", "border OR used", "rebels used the river "
                      "crossing"));
    set_words(TL_RANK_WEAK_WORDS, NULL, 0, 0);
    ck_assert(tl_rank_is_weak_word("use", 3));
    ck_assert(!tl_rank_is_weak_word("border", 6));
}
END_TEST

START_TEST(test_explain_gives_a_weak_word_its_weight)
{
    struct tl_rank_explanation e;
    struct tl_error err = { 0 };

    tl_rank_explanation_init(&e);
    ck_assert_int_eq(tl_rank_explain(unit_db, "force OR used",
                                     passage_id("police used force at the "
                                                "border crossing"), &e,
                                     &err), TL_OK);
    ck_assert_uint_eq(e.n_terms, 2);
    ck_assert_double_eq_tol(e.terms[0].weight, 1, EPS);
    ck_assert_str_eq(e.terms[1].stems, "use");
    ck_assert_int_eq(e.terms[1].stopword, 0);
    ck_assert_double_eq_tol(e.terms[1].weight, TL_RANK_WEAK_WEIGHT, EPS);
    ck_assert(e.terms[1].score > 0);
    tl_rank_explanation_release(&e);
}
END_TEST

Suite *
rank_suite(void)
{
    Suite *s = suite_create("rank");
    TCase *tc = tcase_create("bm25");

    tcase_add_checked_fixture(tc, fruit, unit_db_teardown);
    tcase_add_test(tc, test_score_is_bm25_worked_by_hand);
    tcase_add_test(tc, test_kept_statistics_score_like_one_full_query);
    tcase_add_test(tc, test_floor_bounds_only_rows_below_it);
    tcase_add_test(tc, test_length_normalisation_follows_b);
    tcase_add_test(tc, test_b_zero_makes_length_irrelevant);
    tcase_add_test(tc, test_k1_sets_how_fast_frequency_saturates);
    tcase_add_test(tc, test_title_is_normalised_by_title_length);
    tcase_add_test(tc, test_title_does_not_lengthen_the_body);
    tcase_add_test(tc, test_missing_arguments_take_the_defaults);
    tcase_add_test(tc, test_classic_mode_is_fts5_bm25);
    tcase_add_test(tc, test_override_replaces_arguments_until_cleared);
    tcase_add_test(tc, test_repeated_word_saturates_with_k3);
    tcase_add_test(tc, test_explain_gives_each_phrase_its_share);
    tcase_add_test(tc, test_explain_refuses_a_passage_that_does_not_match);
    tcase_add_test(tc, test_delta_adds_a_lower_bound_per_matched_word);
    suite_add_tcase(s, tc);
    tc = tcase_create("idf");
    tcase_add_checked_fixture(tc, common, unit_db_teardown);
    tcase_add_test(tc, test_idf_is_never_negative);
    tcase_add_test(tc, test_a_common_word_still_orders_passages);
    tcase_add_test(tc, test_search_ranks_with_tl_bm25);
    suite_add_tcase(s, tc);
    tc = tcase_create("query");
    tcase_add_checked_fixture(tc, prose, unit_db_teardown);
    tcase_add_test(tc, test_stopwords_do_not_score);
    tcase_add_test(tc, test_stopword_weight_is_tunable);
    tcase_add_test(tc, test_a_query_of_stopwords_only_still_ranks);
    tcase_add_test(tc, test_a_phrase_is_never_a_stopword);
    tcase_add_test(tc, test_stopword_stems_are_recognised);
    tcase_add_test(tc, test_proximity_rewards_terms_close_together);
    tcase_add_test(tc, test_tail_weights_apply_to_the_last_phrases);
    tcase_add_test(tc, test_explain_names_phrases_and_stopwords);
    tcase_add_test(tc, test_installed_stopwords_replace_the_built_in_ones);
    tcase_add_test(tc, test_extra_stopwords_join_the_built_in_ones);
    tcase_add_test(tc, test_an_empty_list_has_no_stopwords);
    tcase_add_test(tc, test_words_set_refuses_an_unknown_list);
    suite_add_tcase(s, tc);
    tc = tcase_create("weak");
    tcase_add_checked_fixture(tc, reports, unit_db_teardown);
    tcase_add_test(tc, test_weak_word_stems_are_recognised);
    tcase_add_test(tc, test_a_weak_word_counts_a_fraction_of_a_word);
    tcase_add_test(tc, test_a_weak_word_alone_still_scores);
    tcase_add_test(tc, test_a_query_of_weak_words_only_weighs_them_fully);
    tcase_add_test(tc, test_weak_words_rank_with_the_proximity_score);
    tcase_add_test(tc, test_installed_weak_words_replace_the_built_in_ones);
    tcase_add_test(tc, test_explain_gives_a_weak_word_its_weight);
    suite_add_tcase(s, tc);
    return s;
}
