/* test-impact_made.c - a first build's impact lists, made from its
 * inverters while the segment is written (lib/impact_made.c, the store's
 * tl_store_make_impacts()): byte for byte the lists and vocabulary a
 * refresh makes from the committed pages. */
#include <stdlib.h>
#include <string.h>

#include "compact.h"
#include "impact_made.h"
#include "impact_merged.h"
#include "lengths.h"
#include "ingest.h"
#include "unit.h"

#define ARTICLES 160
#define MIN_DF 30
#define INVERTERS 2

static struct tl_store *store;
static struct tl_invert *inv[INVERTERS];
static uint64_t rng_state;

/* The inverters' rows are passage ids times 10; a row that is not a
 * multiple of 10 is one the store never stored (left out, as the
 * indexer's rows of a job it did not store).  Once map_gone is set the
 * map holds no more (talaash-index numbers the next batch's rows from
 * 0 again) and leaves every row out. */
static volatile int map_gone;

static int64_t
map_tenth(void *ctx, int64_t row)
{
    (void)ctx;
    if (map_gone)
        return 0;
    return row % 10 == 0 ? row / 10 : 0;
}

static void
setup(void)
{
    struct tl_error err = { 0 };
    struct tl_store_hands hands = { inv, INVERTERS, map_tenth, NULL };

    unit_db_setup_file();
    ck_assert_int_eq(tl_store_new(unit_db, &store, &err), TL_OK);
    for (int i = 0; i < INVERTERS; i++)
        ck_assert_int_eq(tl_invert_new(&inv[i], &err), TL_OK);
    ck_assert_int_eq(tl_store_bulk(store, &hands, &err), TL_OK);
    rng_state = 88172645463325252ULL;
    map_gone = 0;
}

static void
teardown(void)
{
    tl_impact_refresh_made(NULL);
    tl_store_free(store);
    store = NULL;
    for (int i = 0; i < INVERTERS; i++) {
        tl_invert_free(inv[i]);
        inv[i] = NULL;
    }
    unit_db_teardown();
}

/* A word of a skewed vocabulary: the first few are in most passages,
 * often several times (ties of tf' among passages of the same length
 * are common: the lists must break them as a refresh does). */
static void
word(char *out, size_t size)
{
    uint64_t r = unit_rng(&rng_state) % 1000;
    unsigned w = r < 250 ? 0 : r < 400 ? 1 : r < 500 ? 2 : r < 560 ? 3
                 : (unsigned)(4 + unit_rng(&rng_state) % 80);
    static const char *const stem[] = { "river", "ferry", "bridge",
                                         "market" };

    if (w < 4)
        snprintf(out, size, "%s", stem[w]);
    else
        snprintf(out, size, "word%u", w);
}

/* Article k's text: a title, an author now and then, and 2-4
 * paragraphs of 12-40 words. */
static void
text_of(int k, char *out, size_t size)
{
    size_t n = 0;
    int paras = 2 + (int)(unit_rng(&rng_state) % 3);
    char w[32];

    word(w, sizeof w);
    n += (size_t)snprintf(out + n, size - n, "Notes on the %s %d\n\n", w, k);
    if (k % 3 == 0)
        n += (size_t)snprintf(out + n, size - n, "By Imre Vasko\n\n");
    for (int p = 0; p < paras && n < size - 64; p++) {
        int words = 12 + (int)(unit_rng(&rng_state) % 29);
        for (int i = 0; i < words && n < size - 64; i++) {
            word(w, sizeof w);
            n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " " : "",
                                  w);
        }
        n += (size_t)snprintf(out + n, size - n, ".\n\n");
    }
}

/* Stores articles first .. first + count - 1 in one transaction, their
 * passages inverted as talaash-index's workers do (with a row the store
 * never stored among them). */
static void
store_batch(int first, int count)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    for (int k = first; k < first + count; k++) {
        struct tl_article a;
        struct tl_ingest in;
        char path[64], text[4096], hash[16];
        int64_t id;

        text_of(k, text, sizeof text);
        tl_article_init(&a);
        snprintf(path, sizeof path, "/made/%04d.txt", k);
        a.path = strdup(path);
        ck_assert_int_eq(tl_buf_append(&a.text, text, strlen(text)), TL_OK);
        memset(a.hash, 0, sizeof a.hash);
        snprintf(hash, sizeof hash, "h%d", k);
        memcpy(a.hash, hash, strlen(hash));
        a.size = (int64_t)strlen(text);
        a.mtime_ns = 1;
        tl_ingest_init(&in);
        ck_assert_msg(tl_ingest_article(unit_db, NULL, NULL, &a, &in, &err)
                      == TL_OK, "%s", err.msg);
        ck_assert_msg(tl_store_put(store, &a, &in, NULL, &err) == TL_OK,
                      "%s", err.msg);
        id = tl_store_put_first(store);
        ck_assert_int_gt(id, 0);
        for (size_t i = 0; i < in.n_passages; i++) {
            struct tl_invert_col cols[TL_FTS5_COLUMNS_W];
            struct tl_invert *to = inv[k % INVERTERS];
            tl_invert_columns(&in, i, cols);
            ck_assert_int_eq(tl_invert_row(to, (id + (int64_t)i) * 10, cols,
                                           &err), TL_OK);
            if (i == 0)         /* never stored: left out */
                ck_assert_int_eq(tl_invert_row(to, (id + (int64_t)i) * 10
                                                   + 5, cols, &err), TL_OK);
        }
        tl_ingest_release(&in);
        tl_article_release(&a);
    }
    ck_assert_msg(tl_store_commit(store, &err) == TL_OK, "%s", err.msg);
}

/* Everything the refresh writes, as text. */
static char *
lists_and_vocabulary(void)
{
    static const char *const sql[] = {
        "SELECT count(*) || ' ' || group_concat(term || ':' || df || ':' "
        "|| cutoff || ':' || hex(list) || ':' || ifnull(adf, '-'), ' ') "
        "FROM (SELECT * FROM impacts ORDER BY term)",
        "SELECT count(*) || ' ' || group_concat(term || ':' || df, ' ') "
        "FROM (SELECT * FROM terms ORDER BY term)",
        "SELECT count(*) || ' ' || group_concat(rows || ',' || max_passage "
        "|| ',' || ref_rows || ',' || ref_tokens_body, ' ') FROM "
        "impact_state",
    };
    struct tl_buf b;

    tl_buf_init(&b, 0);
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        const char *t = unit_text(sql[i]);
        ck_assert_msg(t != NULL && strlen(t) > 8, "%s: %s", sql[i], t);
        ck_assert_int_eq(tl_buf_append(&b, t, strlen(t)), TL_OK);
        ck_assert_int_eq(tl_buf_append(&b, " | ", 3), TL_OK);
    }
    ck_assert_int_eq(tl_buf_append(&b, "", 1), TL_OK);
    return b.data;
}

static void
refresh(struct tl_impact_made *m, struct tl_impact_stats *stats)
{
    struct tl_error err = { 0 };

    tl_impact_refresh_made(m);
    ck_assert_msg(tl_impact_refresh(unit_db, MIN_DF, stats, &err) == TL_OK,
                  "%s", err.msg);
    tl_impact_refresh_made(NULL);
}

/* The lists m holds, written by a refresh, are those a refresh makes
 * from the pages, to the byte: entries, cutoffs, df and adf, and the
 * vocabulary with every term's df. */
static void
same_as_the_pages(struct tl_impact_made *m)
{
    struct tl_impact_stats made, read;
    char *from_made, *from_pages;

    refresh(m, &made);
    ck_assert_int_eq(made.made, 1);
    from_made = lists_and_vocabulary();
    refresh(NULL, &read);
    ck_assert_int_eq(read.made, 0);
    from_pages = lists_and_vocabulary();
    ck_assert_str_eq(from_made, from_pages);
    /* lists with a full heap (ties broken), some without */
    ck_assert_uint_ge(made.terms, 4);
    ck_assert_uint_eq(made.terms, read.terms);
    ck_assert_uint_eq(made.entries, read.entries);
    ck_assert_int_eq(made.postings, read.postings);
    ck_assert_str_eq(unit_text("SELECT count(*) > 0 FROM impacts WHERE df "
                               "> 256"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM impacts WHERE adf IS "
                               "NULL"), "0");
    free(from_made);
    free(from_pages);
}

/* The lists a fresh store's one commit makes are those a refresh makes
 * from the pages, to the byte: entries, cutoffs, df and adf, and the
 * vocabulary with every term's df. */
START_TEST(test_made_lists_are_the_refreshs)
{
    tl_store_expect_fresh(store);
    tl_store_make_impacts(store, MIN_DF, INVERTERS);
    /* the makers outlive the commit (here surely: they start late);
     * once waited for, they need the map no more */
    tl_invert_makers_delay(150);
    store_batch(0, ARTICLES);
    tl_invert_makers_delay(0);
    ck_assert_int_eq(tl_store_fresh(store), 1);
    ck_assert_ptr_nonnull(tl_store_impacts_made(store));
    tl_store_impacts_wait(store);
    map_gone = 1;
    same_as_the_pages(tl_store_impacts_made(store));
}
END_TEST

/* A second commit makes the first one's lists stale: none are kept, and
 * lists a run kept from before are refused when the index's totals are
 * not theirs. */
START_TEST(test_lists_of_an_earlier_commit_are_not_written)
{
    struct tl_impact_stats stats;
    struct tl_impact_made *stale = NULL;
    struct tl_impact_lens lens;
    struct tl_impact_totals tot = { 1, { 1, 1, 1 } };
    struct tl_error err = { 0 };

    tl_store_expect_fresh(store);
    tl_store_make_impacts(store, MIN_DF, INVERTERS);
    store_batch(0, ARTICLES / 2);
    ck_assert_ptr_nonnull(tl_store_impacts_made(store));
    store_batch(ARTICLES / 2, ARTICLES / 2);
    ck_assert_ptr_null(tl_store_impacts_made(store));
    /* lists made for other totals */
    tl_impact_lens_init(&lens);
    ck_assert_int_eq(tl_impact_made_new(MIN_DF, &tot, &lens, 1, &stale,
                                        &err), TL_OK);
    tl_impact_made_written(stale, NULL);
    refresh(stale, &stats);
    ck_assert_int_eq(stats.made, 0);
    ck_assert_uint_ge(stats.terms, 4);
    tl_impact_made_free(stale);
    tl_impact_lens_release(&lens);
}
END_TEST

/* Into a database that held articles, the store makes none. */
START_TEST(test_a_store_that_is_not_fresh_makes_none)
{
    store_batch(0, 4);
    tl_store_expect_fresh(store);
    tl_store_make_impacts(store, MIN_DF, INVERTERS);
    store_batch(4, 20);
    ck_assert_int_eq(tl_store_fresh(store), 0);
    ck_assert_ptr_null(tl_store_impacts_made(store));
}
END_TEST

/* ---- lists made during the merge (lib/impact_merged.c) ----------------- */

/* Four batches, four segments, merged with the maker tapping the merge
 * (a queue of queue bytes, keys in pieces past piece bytes; 0: the
 * defaults): the merge joined them (*ours), and the lists (NULL when
 * none were kept). */
static struct tl_impact_merged *
merge_tapped(size_t piece, size_t queue, int *ours)
{
    struct tl_impact_merged *m = NULL;
    struct tl_error err = { 0 };

    for (int b = 0; b < 4; b++)
        store_batch(b * ARTICLES / 4, ARTICLES / 4);
    ck_assert_int_eq(atoi(unit_text("SELECT count(DISTINCT segid) FROM "
                                    "passages_fts_idx")), 4);
    ck_assert_int_eq(tl_lengths_refresh(unit_db, NULL, &err), TL_OK);
    tl_impact_merged_queue(queue);
    tl_impact_merged_piece(piece);
    ck_assert_msg(tl_impact_merged_new(unit_db, MIN_DF, &m, &err)
                  == TL_OK, "%s", err.msg);
    ck_assert_msg(tl_index_compact_tapped(unit_db, tl_impact_merged_tap(m),
                                          ours, NULL, &err) == TL_OK,
                  "%s", err.msg);
    tl_impact_merged_queue(0);
    tl_impact_merged_piece(0);
    ck_assert_int_eq(atoi(unit_text("SELECT count(DISTINCT segid) FROM "
                                    "passages_fts_idx")), 1);
    return m;
}

/* A build of several batches: the lists its merge's maker makes are a
 * refresh's from the merged pages, to the byte: with keys in one piece,
 * in pieces of 64 bytes (a few rows each; a key may turn out rare after
 * its first pieces), and with those pieces and a queue that makes the
 * merge wait for the maker at every one. */
START_TEST(test_lists_made_during_the_merge_are_the_refreshs)
{
    static const size_t piece[] = { 0, 64, 64 }, queue[] = { 0, 0, 1 };

    for (int round = 0; round < 3; round++) {
        struct tl_impact_merged *m;
        struct tl_impact_made *lists;
        int ours = 0;

        if (round > 0) {
            teardown();
            setup();
        }
        m = merge_tapped(piece[round], queue[round], &ours);
        ck_assert_int_eq(ours, 1);
        lists = tl_impact_merged_done(m, ours);
        ck_assert_ptr_nonnull(lists);
        map_gone = 1;
        same_as_the_pages(lists);
        tl_impact_merged_free(m);
    }
}
END_TEST

/* Lists are kept only when our merge joined the segments: after FTS5's
 * 'optimize' (TALAASH_OWN_MERGE=0) none, and the refresh reads the
 * pages.  Makers freed without being waited for stop. */
START_TEST(test_no_lists_unless_our_merge_joined_the_segments)
{
    struct tl_impact_stats stats;
    struct tl_impact_merged *m;
    int ours = -1;

    setenv("TALAASH_OWN_MERGE", "0", 1);
    m = merge_tapped(0, 0, &ours);
    unsetenv("TALAASH_OWN_MERGE");
    ck_assert_int_eq(ours, 0);
    ck_assert_ptr_null(tl_impact_merged_done(m, ours));
    tl_impact_merged_free(m);
    map_gone = 1;
    refresh(NULL, &stats);
    ck_assert_uint_ge(stats.terms, 4);
    /* makers freed without a merge or a wait: they stop */
    {
        struct tl_error err = { 0 };
        ck_assert_int_eq(tl_impact_merged_new(unit_db, MIN_DF, &m, &err),
                         TL_OK);
        tl_impact_merged_free(m);
        tl_impact_merged_free(NULL);
    }
}
END_TEST

Suite *
impact_made_suite(void)
{
    Suite *s = suite_create("impact_made");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_made_lists_are_the_refreshs);
    tcase_add_test(tc, test_lists_of_an_earlier_commit_are_not_written);
    tcase_add_test(tc, test_a_store_that_is_not_fresh_makes_none);
    tcase_add_test(tc, test_lists_made_during_the_merge_are_the_refreshs);
    tcase_add_test(tc, test_no_lists_unless_our_merge_joined_the_segments);
    suite_add_tcase(s, tc);
    return s;
}
