/* test-topk.c - impact lists and exact top-k (lib/impact.c, lib/topk.c):
 * every answer from the lists equals the exhaustive search's, bit for
 * bit, and the lists are used where they can prove it. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fts5_scan.h"
#include "lengths.h"
#include "scan_part.h"

#define ARTICLES 500
#define PER_ARTICLE 3
#define MIN_DF 40

/* A deterministic generator (xorshift). */
static uint64_t rng_state;

static uint64_t
rng(void)
{
    return unit_rng(&rng_state);
}

/* A word of a skewed vocabulary: w0 is the most common. */
static void
word(char *out, size_t size)
{
    uint64_t r = rng() % 1000;
    unsigned w = r < 300 ? 0 : r < 450 ? 1 : r < 550 ? 2 : r < 620 ? 3
                 : (unsigned)(4 + rng() % 60);

    snprintf(out, size, "w%u", w);
}

static void
add_article(int id)
{
    char sql[1024], title[64], w[16];

    word(w, sizeof w);
    snprintf(title, sizeof title, "title %s", w);
    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, hash, "
             "size, mtime_ns, format, title, author, pub_date, "
             "date_precision) VALUES (%d, '/a/%d.txt', "
             "tl_path_key('/a/%d.txt'), 'h%d', 1, 1, 'text', '%s', '', "
             "'%d', 'year'); INSERT OR IGNORE INTO topics (name) VALUES "
             "('t%d'); INSERT INTO article_topics (article_id, topic_id) "
             "SELECT %d, id FROM topics WHERE name = 't%d'", id, id, id,
             id, title, 2000 + id % 10, id % 5, id, id % 5);
    unit_exec(sql);
}

static void
corpus_in(int file)
{
    char text[2048], w[16];

    if (file)
        unit_db_setup_file();
    else
        unit_db_setup();
    rng_state = 88172645463325252u;
    unit_exec("BEGIN");
    for (int a = 1; a <= ARTICLES; a++) {
        add_article(a);
        for (int p = 1; p <= PER_ARTICLE; p++) {
            int n = 3 + (int)(rng() % 40);
            size_t len = 0;
            text[0] = '\0';
            for (int i = 0; i < n; i++) {
                word(w, sizeof w);
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
                                        i > 0 ? " " : "", w);
            }
            unit_add_passage(0, a, p, text);
        }
    }
    unit_exec("COMMIT");
}

static void
corpus(void)
{
    corpus_in(0);
}

static void
refresh(void)
{
    struct tl_impact_stats stats;
    struct tl_error err = { 0 };

    ck_assert_msg(tl_impact_refresh(unit_db, MIN_DF, &stats, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_uint_gt(stats.terms, 0);
}

/* The hits of o: ids and scores; *fast_out whether the lists answered. */
struct run {
    int64_t id[400];
    double score[400];
    size_t n;
    int fast;
};

static void
search(const struct tl_search_opts *o, struct run *r)
{
    struct tl_error err = { 0 };
    struct tl_search *s = NULL;
    struct tl_hit hit;
    int done = 0;

    memset(r, 0, sizeof *r);
    ck_assert_msg(tl_search_new(unit_db, o, &s, &err) == TL_OK, "%s",
                  err.msg);
    r->fast = tl_search_fast(s);
    for (;;) {
        ck_assert_msg(tl_search_next(s, &hit, &done, &err) == TL_OK, "%s",
                      err.msg);
        if (done)
            break;
        ck_assert_uint_lt(r->n, 400);
        r->id[r->n] = hit.passage_id;
        r->score[r->n] = hit.score;
        r->n++;
    }
    tl_search_free(s);
}

/* Searches o both ways; they must agree exactly.  Returns whether the
 * lists answered. */
static int
same_both_ways(struct tl_search_opts o)
{
    struct run fast, slow;

    search(&o, &fast);
    o.exhaustive = 1;
    search(&o, &slow);
    ck_assert_int_eq(slow.fast, 0);
    ck_assert_uint_eq(fast.n, slow.n);
    for (size_t i = 0; i < fast.n; i++) {
        ck_assert_msg(fast.id[i] == slow.id[i], "%s: hit %zu is passage "
                      "%lld, exhaustively %lld", o.match, i,
                      (long long)fast.id[i], (long long)slow.id[i]);
        ck_assert_msg(fast.score[i] == slow.score[i], "%s: hit %zu scores "
                      "%.17g, exhaustively %.17g", o.match, i, fast.score[i],
                      slow.score[i]);
    }
    return fast.fast;
}

static struct tl_search_opts
opts(const char *match, long limit)
{
    struct tl_search_opts o;

    tl_search_opts_init(&o);
    o.match = match;
    o.limit = limit;
    o.per_article = 2;
    return o;
}

START_TEST(test_frequent_words_are_answered_exactly)
{
    int fast = 0;

    corpus();
    refresh();
    fast += same_both_ways(opts("\"w0\"", 10));
    fast += same_both_ways(opts("\"w1\"", 10));
    fast += same_both_ways(opts("\"w2\"", 25));
    fast += same_both_ways(opts("\"w3\"", 10));
    /* the commonest words have more passages than a list holds */
    ck_assert_int_gt(atoi(unit_text("SELECT df FROM impacts WHERE term = "
                                    "'w0'")), TL_IMPACT_LIST);
    ck_assert_int_eq(fast, 4);
    unit_db_teardown();
}
END_TEST

START_TEST(test_rare_words_listed_completely)
{
    struct tl_search_opts o;
    char match[16];
    int fast = 0;

    corpus();
    refresh();
    /* words in fewer passages than a list holds: complete lists */
    for (int w = 4; w < 64; w += 7) {
        snprintf(match, sizeof match, "\"w%d\"", w);
        o = opts(match, 10);
        fast += same_both_ways(o);
    }
    ck_assert_int_gt(fast, 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_cap_offset_and_limits)
{
    struct tl_search_opts o;

    corpus();
    refresh();
    for (long cap = 0; cap <= 3; cap++) {
        for (long limit = 1; limit <= 60; limit += 19) {
            o = opts("\"w0\"", limit);
            o.per_article = cap;
            same_both_ways(o);
            o.offset = 7;
            same_both_ways(o);
        }
    }
    /* more than a list holds: refused, still right */
    o = opts("\"w0\"", TL_IMPACT_LIST + 1);
    ck_assert_int_eq(same_both_ways(o), 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_filters)
{
    const char *topics[] = { "t1" };
    struct tl_search_opts o;

    corpus();
    refresh();
    o = opts("\"w0\"", 10);
    o.topics = topics;
    o.n_topics = 1;
    ck_assert_int_eq(same_both_ways(o), 1);
    o = opts("\"w1\"", 10);
    o.since.year = 2003;
    o.since.precision = TL_DATE_YEAR;
    o.until.year = 2004;
    o.until.precision = TL_DATE_YEAR;
    same_both_ways(o);
    o.undated = 1;              /* nothing passes: refused, still right */
    same_both_ways(o);
    unit_db_teardown();
}
END_TEST

START_TEST(test_stale_lists_are_not_used)
{
    corpus();
    refresh();
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 1);
    unit_add_passage(0, 1, 99, "w0 w0 w0 w0");
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 0);
    refresh();
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 1);
    unit_db_teardown();
}
END_TEST

static void
update(int want_rebuilt)
{
    struct tl_impact_stats stats;
    struct tl_error err = { 0 };

    ck_assert_msg(tl_impact_update(unit_db, MIN_DF, &stats, &err) == TL_OK,
                  "%s", err.msg);
    ck_assert_int_eq(stats.rebuilt, want_rebuilt);
}

START_TEST(test_added_passages_extend_the_lists)
{
    char text[512];
    int before_df;

    corpus();
    refresh();
    before_df = atoi(unit_text("SELECT df FROM impacts WHERE term = 'w0'"));
    unit_exec("BEGIN");
    for (int i = 0; i < 30; i++) {
        /* short passages full of w0: they beat everything listed */
        snprintf(text, sizeof text, "w0 w0 w0 w0 w%d", 10 + i);
        unit_add_passage(0, 1 + i, 50, text);
    }
    unit_add_passage(0, 2, 51, "w1 w2 w3");
    unit_exec("COMMIT");
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 0);    /* stale */
    update(0);
    ck_assert_int_eq(atoi(unit_text("SELECT df FROM impacts WHERE term = "
                                    "'w0'")), before_df + 30);
    ck_assert_str_eq(unit_text("SELECT rows FROM impact_state"),
                     unit_text("SELECT count(*) FROM passages"));
    /* the lists' reference is still the rebuild's */
    ck_assert_int_eq(atoi(unit_text("SELECT ref_rows FROM impact_state")),
                     ARTICLES * PER_ARTICLE);
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 1);
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 40)), 1);
    ck_assert_int_eq(same_both_ways(opts("\"w1\"", 10)), 1);
    ck_assert_int_eq(same_both_ways(opts("\"w3\"", 10)), 1);
    /* nothing new: nothing to do */
    update(0);
    unit_db_teardown();
}
END_TEST

/* "endorse" is indexed as "endors", whose own stem is "endor": its list
 * cannot be extended by searching for it, and is through the vocabulary */
START_TEST(test_a_stem_that_is_not_its_own_stem)
{
    char text[128];

    corpus();
    unit_exec("BEGIN");
    for (int i = 0; i < MIN_DF + 5; i++) {
        snprintf(text, sizeof text, "they endorse w%d", i % 7);
        unit_add_passage(0, 1 + i, 60, text);
    }
    unit_exec("COMMIT");
    refresh();
    ck_assert_str_eq(unit_text("SELECT df FROM impacts WHERE term = "
                               "'endors'"), "45");
    unit_exec("BEGIN");
    unit_add_passage(0, 100, 61, "endorse endorse endorse");
    unit_add_passage(0, 101, 61, "endorsed w1");
    unit_exec("COMMIT");
    update(0);
    ck_assert_str_eq(unit_text("SELECT df FROM impacts WHERE term = "
                               "'endors'"), "47");
    ck_assert_int_eq(same_both_ways(opts("\"endorse\"", 10)), 1);
    unit_db_teardown();
}
END_TEST

/* The counts of one listed word (talaash --count WORD) against the SQL's
 * join: passages and distinct articles. */
static void
counts_agree(const char *what)
{
    for (int w = 0; w < 6; w++) {
        char match[16], sql[256];
        long p = -1, a = -1;
        int answered = 0;
        struct tl_error err = { 0 };
        long before = tl_topk_count_count();

        snprintf(match, sizeof match, "\"w%d\"", w);
        ck_assert_int_eq(tl_topk_count(unit_db, match, &p, &a, &answered,
                                       &err), TL_OK);
        ck_assert_msg(answered, "%s: w%d not counted from the lists", what,
                      w);
        ck_assert_int_eq(tl_topk_count_count(), before + 1);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM passages_fts WHERE "
                 "passages_fts MATCH '%s'", match);
        ck_assert_msg(p == atol(unit_text(sql)), "%s: w%d df %ld, FTS5 %s",
                      what, w, p, unit_text(sql));
        snprintf(sql, sizeof sql, "SELECT count(DISTINCT p.article_id) FROM "
                 "passages_fts JOIN passages AS p ON p.id = passages_fts.rowid "
                 "WHERE passages_fts MATCH '%s'", match);
        ck_assert_msg(a == atol(unit_text(sql)), "%s: w%d adf %ld, the join "
                      "%s", what, w, a, unit_text(sql));
    }
}

/* A listed word's passage and article counts (schema 007) stay those of
 * the index: after a rebuild, new articles (the update), and edited and
 * removed ones (the store's forgetting, summed and flushed); an unknown
 * article count, stale lists or another expression are not answered. */
START_TEST(test_listed_word_counts_follow_the_index)
{
    struct tl_error err = { 0 };
    struct tl_impact_forgetting *f = NULL;
    char sql[256];
    long p, a;
    int answered = 1;

    corpus();
    refresh();
    counts_agree("rebuilt");
    /* new articles, one with a passage elsewhere in id order */
    unit_exec("BEGIN");
    for (int id = ARTICLES + 1; id <= ARTICLES + 20; id++) {
        add_article(id);
        unit_add_passage(0, id, 1, "w0 w1 w0 w5 w2");
        unit_add_passage(0, id, 2, "w3 w4 w0");
    }
    unit_exec("COMMIT");
    update(0);
    counts_agree("after new articles");
    /* edits: articles 3 and 7 lose their passages and get new ones;
     * article 11 is removed */
    ck_assert_int_eq(tl_impact_forgetting_new(&f, &err), TL_OK);
    unit_exec("BEGIN");
    for (int id = 3; id <= 11; id += 4) {
        ck_assert_msg(tl_impact_forget(unit_db, f, id, &err) == TL_OK, "%s",
                      err.msg);
        snprintf(sql, sizeof sql, "DELETE FROM passages WHERE article_id = "
                 "%d", id);
        unit_exec(sql);
        if (id != 11)
            unit_add_passage(0, id, 1, "w0 w2 w2 w9");
    }
    ck_assert_int_eq(tl_impact_forget_flush(unit_db, f, &err), TL_OK);
    unit_exec("COMMIT");
    tl_impact_forgetting_free(f);
    update(0);
    counts_agree("after edits and a removal");
    /* not answered: an unknown article count, an expression, stale lists */
    unit_exec("UPDATE impacts SET adf = NULL WHERE term = 'w0'");
    ck_assert_int_eq(tl_topk_count(unit_db, "\"w0\"", &p, &a, &answered,
                                   &err), TL_OK);
    ck_assert_int_eq(answered, 0);
    ck_assert_int_eq(tl_topk_count(unit_db, "\"w1\" OR \"w2\"", &p, &a,
                                   &answered, &err), TL_OK);
    ck_assert_int_eq(answered, 0);
    unit_add_passage(0, 1, 99, "w1 w1");
    ck_assert_int_eq(tl_topk_count(unit_db, "\"w1\"", &p, &a, &answered,
                                   &err), TL_OK);
    ck_assert_int_eq(answered, 0);
    unit_db_teardown();
}
END_TEST

/* What the store removes (tl_impact_forget() first) leaves the lists
 * usable: df follows, the passages leave the lists, nothing is rebuilt. */
START_TEST(test_removed_by_the_store_are_dropped)
{
    struct tl_error err = { 0 };
    struct tl_impact_forgetting *f = NULL;
    char sql[256];

    corpus();
    refresh();
    ck_assert_int_eq(tl_impact_forgetting_new(&f, &err), TL_OK);
    unit_exec("BEGIN");
    for (int a = 5; a <= 60; a += 5) {
        ck_assert_msg(tl_impact_forget(unit_db, f, a, &err) == TL_OK, "%s",
                      err.msg);
        snprintf(sql, sizeof sql, "DELETE FROM passages WHERE article_id = "
                 "%d", a);
        unit_exec(sql);
    }
    /* the decrements wait for the flush, one per term */
    snprintf(sql, sizeof sql, "%s", unit_text("SELECT df FROM impacts WHERE "
                                              "term = 'w0'"));
    ck_assert_int_eq(tl_impact_forget_flush(unit_db, f, &err), TL_OK);
    ck_assert_int_lt(atol(unit_text("SELECT df FROM impacts WHERE term = "
                                    "'w0'")), atol(sql));
    unit_exec("COMMIT");
    tl_impact_forgetting_free(f);
    ck_assert_str_ne(unit_text("SELECT rows FROM impact_state"), "-1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM impact_removed"), "36");
    update(0);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM impact_removed"), "0");
    for (int w = 0; w < 4; w++) {
        char want[32], match[16];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM passages_fts WHERE "
                 "passages_fts MATCH 'w%d'", w);
        snprintf(want, sizeof want, "%s", unit_text(sql));
        snprintf(sql, sizeof sql, "SELECT df FROM impacts WHERE term = "
                 "'w%d'", w);
        ck_assert_str_eq(unit_text(sql), want);
        snprintf(match, sizeof match, "\"w%d\"", w);
        ck_assert_int_eq(same_both_ways(opts(match, 10)), 1);
    }
    ck_assert_str_eq(unit_text("SELECT rows FROM impact_state"),
                     unit_text("SELECT count(*) FROM passages"));
    unit_db_teardown();
}
END_TEST

START_TEST(test_removals_and_title_changes_rebuild)
{
    corpus();
    refresh();
    unit_exec("DELETE FROM passages WHERE id = 7");
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 0);
    update(1);
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 1);
    unit_exec("UPDATE articles SET title = 'title w9' WHERE id = 3 AND "
              "title <> 'title w9'");
    unit_exec("UPDATE articles SET title = 'title w8' WHERE id = 4 AND "
              "title <> 'title w8'");
    ck_assert_str_eq(unit_text("SELECT rows FROM impact_state"), "-1");
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 0);
    update(1);
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 1);
    unit_db_teardown();
}
END_TEST

/* A date sort, by the walk over the articles in date order (2) or, when
 * the walk does not pay or cannot finish, by the SQL (0): the same hits
 * and scores either way. */
START_TEST(test_date_sorts_are_walked)
{
    const char *topics[] = { "t2" };
    const char *matches[] = { "\"w0\"", "\"w1\" OR \"w2\"", "\"w0\" \"w1\"",
                              "\"w3\"*" };
    struct tl_search_opts o;
    int walked = 0, tried = 0, listed = 0;

    corpus();
    refresh();
    for (size_t m = 0; m < sizeof matches / sizeof *matches; m++) {
        for (int sort = 0; sort < 2; sort++) {
            for (int variant = 0; variant < 5; variant++) {
                o = opts(matches[m], 10);
                o.sort = sort ? TL_SORT_DATE_DESC : TL_SORT_DATE;
                if (variant == 1)
                    o.per_article = 0, o.limit = 40;
                if (variant == 2)
                    o.per_article = 1, o.offset = 7, o.limit = 9;
                if (variant == 3) {
                    o.topics = topics;
                    o.n_topics = 1;
                }
                if (variant == 4) {
                    o.since.year = 2003;
                    o.since.precision = TL_DATE_YEAR;
                    o.until.year = 2005;
                    o.until.precision = TL_DATE_YEAR;
                }
                long before = tl_rank_listed_df_count();
                int way = same_both_ways(o);

                walked += way == 2;
                tried++;
                /* a listed word's df is read, not counted in its doclist */
                if (m == 0 && way == 2) {
                    ck_assert_msg(tl_rank_listed_df_count() > before,
                                  "variant %d: the walk counted w0's df",
                                  variant);
                    listed++;
                }
            }
        }
    }
    ck_assert_msg(walked >= tried / 2, "walked %d of %d", walked, tried);
    ck_assert_int_gt(listed, 0);
    /* undated only: nothing to walk, and the SQL's answer */
    o = opts("\"w0\"", 10);
    o.sort = TL_SORT_DATE_DESC;
    o.undated = 1;
    ck_assert_int_eq(same_both_ways(o), 0);
    unit_db_teardown();
}
END_TEST

/* A listed full word without others (`"w0" NOT "w5"`, lib/topk_not.c)
 * comes from the word's list minus the passages holding another: the
 * SQL's hits and scores bit for bit, under caps, limits, offsets and
 * filters; a stopword or weak word's weight depends on the other words
 * (not answered), and an other that holds every passage of the word
 * leaves nothing.  The split of the match into the word and the others
 * is exact about FTS5's strings. */
START_TEST(test_word_without_others_from_its_list)
{
    static const char *const matches[] = {
        "\"w0\" NOT \"w5\"", "\"w0\" NOT \"w5\" NOT \"w7\"",
        "\"w1\" NOT \"w2 w3\"", "\"w0\" NOT \"w1\"*", "\"w2\" NOT \"w0\"",
    };
    const char *topics[] = { "t2" };
    struct tl_search_opts o;
    size_t head = 0;
    char *excl = NULL;
    int fast = 0, tried = 0;

    ck_assert(tl_topk_not_split("\"a\"\"b\" NOT \"c \"\"d\"\"\"* NOT \"e\"",
                                &head, &excl));
    ck_assert_uint_eq(head, 6);
    ck_assert_str_eq(excl, "\"c \"\"d\"\"\"* OR \"e\"");
    free(excl);
    ck_assert(!tl_topk_not_split("\"a\" NOT (\"b\" OR \"c\")", &head, &excl));
    ck_assert(!tl_topk_not_split("\"a\" NOT \"b\" \"c\"", &head, &excl));
    ck_assert(!tl_topk_not_split("\"a\" AND \"b\"", &head, &excl));
    ck_assert(!tl_topk_not_split("\"a\" NOT \"b", &head, &excl));
    ck_assert_ptr_null(excl);

    corpus();
    refresh();
    for (size_t m = 0; m < sizeof matches / sizeof *matches; m++) {
        for (int variant = 0; variant < 4; variant++) {
            o = opts(matches[m], 10);
            if (variant == 1)
                o.per_article = 0, o.limit = 40, o.offset = 3;
            if (variant == 2) {
                o.topics = topics;
                o.n_topics = 1;
            }
            if (variant == 3)
                o.per_article = 1;
            fast += same_both_ways(o) == 1;
            tried++;
        }
    }
    ck_assert_msg(fast >= tried / 2, "the lists answered %d of %d", fast,
                  tried);
    /* nothing left: the other holds every passage of the word */
    same_both_ways(opts("\"w0\" NOT \"w0\"", 10));
    unit_db_teardown();
}
END_TEST

START_TEST(test_other_queries_are_not_answered)
{
    struct tl_rank_params p;
    struct tl_error err = { 0 };

    corpus();
    refresh();
    /* not from the lists (an OR of two words may come from the passages
     * with both: test_or_of_two_words_from_the_passages_with_both) */
    ck_assert_int_ne(same_both_ways(opts("\"w0\" OR \"w1\"", 10)), 1);
    ck_assert_int_eq(same_both_ways(opts("\"w0 w1\"", 10)), 0);
    ck_assert_int_eq(same_both_ways(opts("\"w1\"*", 10)), 0);
    /* other ranking parameters: the lists do not apply */
    tl_rank_params_init(&p);
    p.b = 0.3;
    ck_assert(tl_rank_override(unit_db, &p, &err) == TL_OK);
    ck_assert_int_eq(same_both_ways(opts("\"w0\"", 10)), 0);
    ck_assert_int_eq(same_both_ways(opts("\"w0\" OR \"w1\"", 10)), 0);
    unit_db_teardown();
}
END_TEST

/* Other shapes are ranked by scoring every match in C (topk_scan.c):
 * the same as the SQL, under every cap, limit, offset and filter. */
START_TEST(test_scan_equals_the_sql)
{
    static const char *const matches[] = {
        "\"w0\" OR \"w1\"", "\"w1\" AND \"w2\"", "\"w0 w1\"",
        "\"w1\"*", "\"w5\" OR \"w9\" OR \"w3\"", "NEAR(\"w2\" \"w3\", 2)",
        "\"w0\" NOT \"w1\"", "{title} : \"w4\"",
    };
    const char *topics[] = { "t2", "t3" };
    struct tl_search_opts o;

    corpus();
    for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
        for (long cap = 0; cap <= 2; cap++) {
            o = opts(matches[i], 10);
            o.per_article = cap;
            same_both_ways(o);
            o.limit = 37;
            o.offset = 5;
            same_both_ways(o);
            o.topics = topics;
            o.n_topics = 2;
            same_both_ways(o);
        }
        /* a filter that passes almost nothing: the heap runs dry, and
         * the SQL answers */
        o = opts(matches[i], 300);
        o.since.year = 2009;
        o.since.precision = TL_DATE_YEAR;
        same_both_ways(o);
    }
    unit_db_teardown();
}
END_TEST

/* With fresh lists, a scan takes its words' df from them
 * (tl_rank_listed_df()) and still ranks exactly as the SQL, which counts
 * every doclist; an expression whose phrases count other rows (a column
 * filter, a prefix) does not use them. */
START_TEST(test_scan_with_listed_df_equals_the_sql)
{
    static const char *const matches[] = {
        "\"w0\" OR \"w1\"", "\"w1\" AND \"w2\"", "\"w0 w1\" \"w2\"",
        "\"w5\" OR \"w9\" OR \"w3\"", "NEAR(\"w2\" \"w3\", 2)",
        "\"w0\" \"w3\" NOT \"w1\"", "\"w2\" \"w61\"",
        "\"w1\" OR \"nosuchword\"",
    };
    static const char *const refused[] = {
        "\"w1\"* \"w2\"", "{title} : \"w4\" \"w1\"",
    };
    const char *topics[] = { "t2", "t3" };
    struct tl_search_opts o;
    long before;

    corpus();
    refresh();
    for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
        before = tl_rank_listed_df_count();
        o = opts(matches[i], 10);
        same_both_ways(o);
        ck_assert_msg(tl_rank_listed_df_count() > before, "%s: no listed "
                      "df used", matches[i]);
        o.limit = 37;
        o.topics = topics;
        o.n_topics = 2;
        same_both_ways(o);
    }
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        before = tl_rank_listed_df_count();
        same_both_ways(opts(refused[i], 10));
        ck_assert_int_eq(tl_rank_listed_df_count(), before);
    }
    /* stale lists: counted */
    unit_exec("INSERT INTO passages (article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (1, 9, 0, 1, 'w0 w1 w2')");
    unit_widen_range();
    unit_exec("INSERT INTO passages_fts (rowid, body, title, author) "
              "VALUES (last_insert_rowid(), 'w0 w1 w2', 'x', '')");
    before = tl_rank_listed_df_count();
    same_both_ways(opts("\"w1\" AND \"w2\"", 10));
    ck_assert_int_eq(tl_rank_listed_df_count(), before);
    unit_db_teardown();
}
END_TEST

/* With the packed lengths (lib/lengths.c), the scans score every row
 * from them, bit for bit as the SQL scores with FTS5's; rows stored
 * after the refresh take FTS5's. */
START_TEST(test_scan_with_lengths_equals_the_sql)
{
    static const char *const matches[] = {
        "\"w0\" OR \"w1\"", "\"w1\" AND \"w2\"", "\"w0 w1\" \"w2\"",
        "\"w5\" OR \"w9\" OR \"w3\"", "NEAR(\"w2\" \"w3\", 2)",
        "\"w1\"* \"w2\"", "{title} : \"w4\" \"w1\"",
        "\"w0\" \"w3\" NOT \"w1\"",
    };
    const char *topics[] = { "t2", "t3" };
    struct tl_error err = { 0 };
    struct tl_search_opts o;
    long before, n = 0;

    corpus();
    refresh();
    ck_assert_msg(tl_lengths_refresh(unit_db, &n, &err) == TL_OK, "%s",
                  err.msg);
    ck_assert_int_eq(n, ARTICLES * PER_ARTICLE);
    for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
        before = tl_rank_lengths_count();
        o = opts(matches[i], 10);
        same_both_ways(o);
        ck_assert_msg(tl_rank_lengths_count() > before, "%s: no lengths "
                      "used", matches[i]);
        o.limit = 37;
        o.topics = topics;
        o.n_topics = 2;
        same_both_ways(o);
    }
    /* a passage stored since: FTS5's lengths for it */
    unit_add_passage(0, 1, 99, "w0 w1 w2 w0");
    same_both_ways(opts("\"w1\" AND \"w2\"", 10));
    unit_db_teardown();
}
END_TEST

/* The k best of match by tl_topk_scan() with threads threads in all
 * (TALAASH_SCAN_THREADS), inside the caller's transaction. */
static void
scan_with(const char *match, long cap, long k, const char *threads,
          struct run *r)
{
    struct tl_error err = { 0 };
    struct tl_topk t;

    memset(r, 0, sizeof *r);
    setenv("TALAASH_SCAN_THREADS", threads, 1);
    tl_topk_init(&t);
    ck_assert_msg(tl_topk_scan(unit_db, match, cap, k, NULL, NULL, &t, &err)
                  == TL_OK, "%s: %s", match, err.msg);
    ck_assert_msg(t.exact, "%s: not answered", match);
    ck_assert_uint_le(t.n, 400);
    for (size_t i = 0; i < t.n; i++) {
        r->id[i] = t.ids[i];
        r->score[i] = t.scores[i];
    }
    r->n = t.n;
    tl_topk_release(&t);
    unsetenv("TALAASH_SCAN_THREADS");
}

static void
same_runs(const char *what, const struct run *a, const struct run *b)
{
    ck_assert_uint_eq(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        ck_assert_msg(a->id[i] == b->id[i], "%s: hit %zu is passage %lld, "
                      "one connection alone %lld", what, i,
                      (long long)a->id[i], (long long)b->id[i]);
        ck_assert_msg(a->score[i] == b->score[i], "%s: hit %zu scores "
                      "%.17g, one connection alone %.17g", what, i,
                      a->score[i], b->score[i]);
    }
}

/* The SQL's hits for match (the exhaustive path), cap and k. */
static void
sql_run(const char *match, long cap, long k, struct run *r)
{
    struct tl_search_opts o = opts(match, k);

    o.per_article = cap;
    o.exhaustive = 1;
    search(&o, r);
}

/* A scan of one phrase counts its df as it goes (tl_rank_defer(): rows
 * score tf', turned into scores at the end) instead of reading the
 * phrase's doclist first: the same hits and scores as the SQL, bit for
 * bit, for a word, a phrase, a prefix, a column filter, an initial
 * token and a NEAR of one phrase, on one connection and split; not for
 * two phrases or an override.  Rows tied at the edge of a full heap
 * could be reordered by rounding: the SQL answers those. */
START_TEST(test_one_phrase_scan_counts_its_df)
{
    static const char *const one[] = {
        "\"w1\"", "\"w0 w1\"", "\"w3\"*", "{title} : \"w4\"", "^\"w2\"",
        "NEAR(\"w0 w2\", 4)",
    };
    struct run scan, sql;
    struct tl_rank_params p;
    struct tl_error err = { 0 };
    struct tl_topk t;
    long before;

    corpus();
    unit_exec("BEGIN");     /* a scan splits only inside a transaction */
    tl_topk_scan_split_after(64);
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
        for (long cap = 0; cap <= 2; cap += 2) {
            for (long k = 10; k <= 300; k += 290) {
                for (int split = 0; split < 2; split++) {
                    before = tl_rank_deferred_count();
                    scan_with(one[i], cap, k, split ? "2" : "1", &scan);
                    ck_assert_msg(tl_rank_deferred_count() > before,
                                  "%s: the df was counted first", one[i]);
                    sql_run(one[i], cap, k, &sql);
                    ck_assert_uint_gt(sql.n, 0);
                    same_runs(one[i], &scan, &sql);
                }
            }
        }
    }
    tl_topk_scan_split_after(0);
    unit_exec("COMMIT");
    /* two phrases: the IDFs are needed before the first row */
    before = tl_rank_deferred_count();
    scan_with("\"w1\" AND \"w2\"", 2, 10, "1", &scan);
    ck_assert_int_eq(tl_rank_deferred_count(), before);
    /* other parameters: the scan does not know them */
    tl_rank_params_init(&p);
    ck_assert(tl_rank_override(unit_db, &p, &err) == TL_OK);
    scan_with("\"w1\"", 2, 10, "1", &scan);
    ck_assert_int_eq(tl_rank_deferred_count(), before);
    ck_assert(tl_rank_override(unit_db, NULL, &err) == TL_OK);
    unit_db_teardown();

    /* 400 passages alike: every kept row is at the heap's edge */
    unit_db_setup();
    unit_exec("BEGIN");
    for (int a = 1; a <= 400; a++) {
        add_article(a);
        unit_add_passage(0, a, 1, "zz yy zz");
    }
    unit_exec("COMMIT");
    tl_topk_init(&t);
    before = tl_rank_deferred_count();
    ck_assert(tl_topk_scan(unit_db, "\"zz\"", 2, 10, NULL, NULL, &t, &err)
              == TL_OK);
    ck_assert_int_gt(tl_rank_deferred_count(), before);
    ck_assert_msg(!t.exact, "ties at the heap's edge were answered");
    tl_topk_release(&t);
    same_both_ways(opts("\"zz\"", 10));
    unit_db_teardown();
}
END_TEST

/* A long scan hands its upper rowid ranges to parts on connections of
 * their own (lib/scan_part.c, docs/topk.md "Both cores for one search"):
 * the same hits and scores, bit for bit, as one connection alone and as
 * the SQL; phrases and prefixes too, whose statistics the parts take
 * from the scan instead of counting again.  A part that sees another
 * index (talaash-index committed since the search began) is scanned by
 * the search itself, in its own snapshot. */
START_TEST(test_split_scan_equals_one_connection)
{
    static const char *const matches[] = {
        "\"w0\" OR \"w1\"", "\"w0 w1\"", "\"w1\"*", "\"w0\" NOT \"w1\"",
        "{title} : \"w0\" OR \"w2\"", "\"w2\" AND \"w3\"",
    };
    struct run one, split;
    struct tl_error err = { 0 };
    sqlite3 *writer = NULL;
    long ran, ran_before, mismatched, mismatched_before;

    corpus_in(1);
    tl_topk_scan_split_after(64);
    tl_part_counts(&ran_before, &mismatched_before);
    unit_exec("BEGIN");
    for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
        for (long cap = 0; cap <= 2; cap++) {
            for (long k = 10; k <= 100; k += 90) {
                scan_with(matches[i], cap, k, "1", &one);
                scan_with(matches[i], cap, k, "3", &split);
                same_runs(matches[i], &split, &one);
            }
        }
        setenv("TALAASH_SCAN_THREADS", "3", 1);
        same_both_ways(opts(matches[i], 10));
        unsetenv("TALAASH_SCAN_THREADS");
    }
    tl_part_counts(&ran, &mismatched);
    ck_assert_int_ge(ran - ran_before,
                     (long)(sizeof matches / sizeof *matches) * 6);
    ck_assert_int_eq(mismatched, mismatched_before);
    unit_exec("COMMIT");

    /* read from the pages (they need the packed lengths): the rest of
     * the range shared out in chunks; and parts that fail after reading
     * theirs, which the scan then reads again, those and only those */
    long n_lens = 0, paged = tl_fts5_scan_count();
    ck_assert(tl_lengths_refresh(unit_db, &n_lens, &err) == TL_OK);
    unit_exec("BEGIN");
    tl_part_counts(&ran_before, &mismatched_before);
    for (int fail = 0; fail < 2; fail++) {
        tl_topk_scan_parts_fail(fail);
        for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
            for (long k = 10; k <= 100; k += 90) {
                scan_with(matches[i], 2, k, "1", &one);
                scan_with(matches[i], 2, k, "3", &split);
                same_runs(matches[i], &split, &one);
            }
        }
    }
    tl_topk_scan_parts_fail(0);
    tl_part_counts(&ran, &mismatched);
    ck_assert_int_ge(ran - ran_before, 10);
    ck_assert_int_ge(tl_fts5_scan_count() - paged, 40);

    /* another connection adds a passage: the parts see another index */
    scan_with("\"w0\" OR \"w1\"", 2, 10, "1", &one);
    ck_assert_msg(tl_db_open(unit_db_path, TL_DB_READWRITE, &writer, &err)
                  == TL_OK, "%s", err.msg);
    ck_assert_int_eq(sqlite3_exec(writer, "INSERT INTO passages (article_id, "
                                  "ordinal, byte_start, byte_end, text) VALUES "
                                  "(1, 50, 0, 1, 'w0 w1 w0 w1 w0 w1'); "
                                  UNIT_WIDEN_RANGE_SQL "; "
                                  "INSERT INTO passages_fts (rowid, body, "
                                  "title, author) SELECT p.id, p.text, "
                                  "a.title, a.author FROM passages AS p JOIN "
                                  "articles AS a ON a.id = p.article_id WHERE "
                                  "p.id = last_insert_rowid()", NULL, NULL,
                                  NULL), SQLITE_OK);
    tl_db_close(writer);
    scan_with("\"w0\" OR \"w1\"", 2, 10, "3", &split);
    same_runs("after a write elsewhere", &split, &one);
    tl_part_counts(&ran, &mismatched);
    ck_assert_int_gt(mismatched, mismatched_before);
    unit_exec("COMMIT");

    /* autocommit: no snapshot to share, no parts */
    tl_part_counts(&ran_before, &mismatched_before);
    scan_with("\"w0\" OR \"w1\"", 2, 10, "3", &split);
    tl_part_counts(&ran, &mismatched);
    ck_assert_int_eq(ran, ran_before);
    tl_topk_scan_split_after(0);
    unit_db_teardown();
}
END_TEST

/* "a" OR "b" from the passages with both words (lib/topk_or.c): only
 * when the k-th of them beats the best passage of either word alone,
 * and then with the OR's exact answer; otherwise the scan. */
START_TEST(test_or_of_two_words_from_the_passages_with_both)
{
    const char *topics[] = { "t2", "t3" };
    struct tl_search_opts o;

    corpus();
    /* twelve short passages dense with both words: far above any
     * passage with one of them */
    for (int i = 0; i < 12; i++)
        unit_add_passage(0, 1 + i, 10 + i, "w0 w1 w0 w1 w0 w1 w0 w1");
    refresh();
    ck_assert_int_eq(same_both_ways(opts("\"w0\" OR \"w1\"", 10)), 3);
    ck_assert_int_eq(same_both_ways(opts("\"w1\" OR \"w0\"", 12)), 3);
    o = opts("\"w0\" OR \"w1\"", 5);
    o.offset = 4;                   /* the first 9 */
    ck_assert_int_eq(same_both_ways(o), 3);
    o = opts("\"w0\" OR \"w1\"", 10);
    o.per_article = 0;
    ck_assert_int_eq(same_both_ways(o), 3);
    /* a rarer second word: passages with w0 alone come in, the scan */
    ck_assert_int_eq(same_both_ways(opts("\"w0\" OR \"w30\"", 10)), 0);
    /* with filters and the cap (each article keeps 2): as the SQL */
    o = opts("\"w0\" OR \"w1\"", 10);
    o.topics = topics;
    o.n_topics = 2;
    same_both_ways(o);
    o = opts("\"w0\" OR \"w1\"", 10);
    o.per_article = 1;
    same_both_ways(o);
    /* not two plain words: never */
    ck_assert_int_eq(same_both_ways(opts("\"w0\" OR \"w1\" OR \"w2\"",
                                         10)), 0);
    ck_assert_int_eq(same_both_ways(opts("\"w0\" OR \"w1\"*", 10)), 0);
    unit_db_teardown();
}
END_TEST

START_TEST(test_lists_hold_the_best_passages)
{
    struct tl_impact_list l;
    struct tl_rank_params p;
    struct tl_error err = { 0 };
    double ref[TL_RANK_COLUMNS], least = 1e300;
    int found = 0, fresh = 0, wide = 0;
    char *text, *sql;
    size_t n = 0;

    corpus();
    /* lengths too long for the refresh's 4 bytes a passage (body over
     * 65,534 tokens, a title over 255): kept apart, not cut */
    text = malloc(3 * 70000 + 1);
    ck_assert_ptr_nonnull(text);
    for (int i = 0; i < 300; i++)
        n += (size_t)sprintf(text + n, "%s", i < 299 ? "w0 " : "zq ");
    text[n - 1] = '\0';
    add_article(ARTICLES + 1);
    sql = sqlite3_mprintf("UPDATE articles SET title = %Q WHERE id = %d",
                          text, ARTICLES + 1);
    ck_assert_ptr_nonnull(sql);
    unit_exec(sql);
    sqlite3_free(sql);
    unit_add_passage(0, ARTICLES + 1, 1, "w0 w0 w0 w0 w0 w0 w0 w0 w0 w0");
    for (n = 0; n < 66000; n++)
        memcpy(text + 3 * n, n % 2 ? "w0 " : "zq ", 3);
    text[3 * n - 1] = '\0';
    add_article(ARTICLES + 2);
    unit_add_passage(0, ARTICLES + 2, 1, text);
    free(text);
    refresh();
    ck_assert(tl_impact_fresh(unit_db, &fresh, ref, &err) == TL_OK);
    ck_assert_int_eq(fresh, 1);
    ck_assert(tl_impact_load(unit_db, "w0", 2, &l, &found, &err) == TL_OK);
    ck_assert_int_eq(found, 1);
    ck_assert_uint_eq(l.n, TL_IMPACT_LIST);
    ck_assert_int_eq(l.df, atoi(unit_text("SELECT count(*) FROM passages_fts "
                                          "WHERE passages_fts MATCH 'w0'")));
    tl_rank_params_init(&p);
    for (size_t i = 0; i < l.n; i++) {
        double f = tl_impact_tfp(&p, &l.entries[i], ref);
        if (f < least)
            least = f;
        if (i > 0)
            ck_assert(l.entries[i].passage_id > l.entries[i - 1].passage_id);
        if (l.entries[i].article_id == ARTICLES + 1) {
            ck_assert_int_eq(l.entries[i].len[1], 300);
            wide++;
        } else if (l.entries[i].article_id == ARTICLES + 2) {
            ck_assert_int_eq(l.entries[i].len[0], 66000);
            wide++;
        } else {
            /* passages were added PER_ARTICLE to an article, in order */
            ck_assert_int_eq(l.entries[i].article_id,
                             (l.entries[i].passage_id - 1) / PER_ARTICLE + 1);
        }
    }
    ck_assert_int_eq(wide, 2);
    /* everything left out weighs at most what the list's least does */
    ck_assert(l.cutoff <= least);
    ck_assert(l.cutoff > 0);
    tl_impact_list_release(&l);
    ck_assert(tl_impact_load(unit_db, "nothing", 7, &l, &found, &err)
              == TL_OK);
    ck_assert_int_eq(found, 0);
    unit_db_teardown();
}
END_TEST

/* A refresh shares the terms out to threads with connections of their
 * own (a database in a file): the same lists, vocabulary and state as
 * one thread makes; and the occurrences read from FTS5's pages make the
 * lists fts5vocab's make. */
/* The caller's other work runs once, inside the refresh's transaction,
 * while the helpers make the lists: it commits with them, and its
 * failure rolls them back with it. */
static int meanwhile_calls;

static enum tl_status
note_meanwhile(sqlite3 *db, void *ctx, struct tl_error *err)
{
    meanwhile_calls++;
    if (sqlite3_exec(db, "INSERT INTO meta (key, value) VALUES "
                     "('meanwhile', 'ran')", NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "noting");
    if (ctx != NULL)
        return tl_error_set(err, TL_ERR_DB, "the other work failed");
    return TL_OK;
}

START_TEST(test_other_work_runs_inside_the_refresh)
{
    struct tl_impact_stats stats;
    struct tl_error err = { 0 };
    int fail = 1;

    corpus_in(1);
    tl_impact_refresh_threads(2);
    tl_impact_refresh_meanwhile(note_meanwhile, &fail);
    ck_assert_int_ne(tl_impact_refresh(unit_db, MIN_DF, &stats, &err), TL_OK);
    ck_assert_str_eq(err.msg, "the other work failed");
    ck_assert_int_eq(meanwhile_calls, 1);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM meta WHERE key = "
                               "'meanwhile'"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM impacts"), "0");
    tl_impact_refresh_meanwhile(note_meanwhile, NULL);
    ck_assert_msg(tl_impact_refresh(unit_db, MIN_DF, &stats, &err) == TL_OK,
                  "%s", err.msg);
    tl_impact_refresh_meanwhile(NULL, NULL);
    tl_impact_refresh_threads(0);
    ck_assert_int_eq(meanwhile_calls, 2);
    ck_assert_str_eq(unit_text("SELECT value FROM meta WHERE key = "
                               "'meanwhile'"), "ran");
    ck_assert_uint_gt(stats.terms, 20);
    ck_assert_int_eq(atol(unit_text("SELECT count(*) FROM impacts")),
                     (long)stats.terms);
}
END_TEST

START_TEST(test_threads_make_the_same_lists_as_one)
{
    static const char *const dump =
        "SELECT group_concat(x, ' ') FROM (SELECT term || ':' || df || ':' "
        "|| cutoff || ':' || hex(list) || ':' || ifnull(adf, '-') AS x FROM "
        "impacts ORDER BY term)";
    static const char *const rest =
        "SELECT (SELECT count(*) || ':' || sum(df) FROM terms) || ' ' || "
        "(SELECT rows || ':' || max_passage FROM impact_state)";
    struct tl_impact_stats one, many;
    struct tl_error err = { 0 };
    char *lists, *state;

    corpus_in(1);
    tl_impact_refresh_threads(1);
    ck_assert_msg(tl_impact_refresh(unit_db, MIN_DF, &one, &err) == TL_OK,
                  "%s", err.msg);
    lists = strdup(unit_text(dump));
    state = strdup(unit_text(rest));
    ck_assert_uint_gt(one.terms, 20);
    tl_impact_refresh_threads(-2);      /* two helpers make them all */
    ck_assert_msg(tl_impact_refresh(unit_db, MIN_DF, &many, &err) == TL_OK,
                  "%s", err.msg);
    tl_impact_refresh_threads(0);
    ck_assert_str_eq(unit_text(dump), lists);
    ck_assert_str_eq(unit_text(rest), state);
    ck_assert_uint_eq(many.terms, one.terms);
    ck_assert_uint_eq(many.entries, one.entries);
    ck_assert_int_eq(many.postings, one.postings);
    setenv("TALAASH_NO_PAGE_READER", "1", 1);
    ck_assert_msg(tl_impact_refresh(unit_db, MIN_DF, &many, &err) == TL_OK,
                  "%s", err.msg);
    unsetenv("TALAASH_NO_PAGE_READER");
    ck_assert_str_eq(unit_text(dump), lists);
    ck_assert_str_eq(unit_text(rest), state);
    ck_assert_int_eq(many.postings, one.postings);
    /* the pages' vocabulary (of a one-segment index) given up part way
     * (at a listed term and at one that is not): the rest from
     * fts5vocab, each term once, while the helpers already make the
     * first ones' lists */
    unit_exec("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')");
    ck_assert_int_gt(atoi(unit_text("SELECT count(*) FROM terms")), 40);
    for (long cut = 1; cut <= 40; cut += 3) {
        tl_impact_refresh_vocab_cut(cut);
        tl_impact_refresh_threads(-2);
        ck_assert_msg(tl_impact_refresh(unit_db, MIN_DF, &many, &err)
                      == TL_OK, "%s", err.msg);
        tl_impact_refresh_threads(0);
        tl_impact_refresh_vocab_cut(0);
        ck_assert_str_eq(unit_text(dump), lists);
        ck_assert_str_eq(unit_text(rest), state);
    }
    free(lists);
    free(state);
    unit_db_teardown();
}
END_TEST

START_TEST(test_totals_are_fts5s)
{
    struct tl_impact_totals t;
    struct tl_error err = { 0 };

    corpus();
    ck_assert(tl_impact_totals(unit_db, &t, &err) == TL_OK);
    ck_assert_int_eq(t.rows, ARTICLES * PER_ARTICLE);
    /* each title is "title wN": two tokens in every passage */
    ck_assert_int_eq(t.tokens[1], 2 * ARTICLES * PER_ARTICLE);
    ck_assert_int_eq(t.tokens[2], 0);
    unit_db_teardown();
}
END_TEST

Suite *
topk_suite(void)
{
    Suite *s = suite_create("topk");
    TCase *tc = tcase_create("topk");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_frequent_words_are_answered_exactly);
    tcase_add_test(tc, test_rare_words_listed_completely);
    tcase_add_test(tc, test_cap_offset_and_limits);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_stale_lists_are_not_used);
    tcase_add_test(tc, test_added_passages_extend_the_lists);
    tcase_add_test(tc, test_a_stem_that_is_not_its_own_stem);
    tcase_add_test(tc, test_removed_by_the_store_are_dropped);
    tcase_add_test(tc, test_listed_word_counts_follow_the_index);
    tcase_add_test(tc, test_removals_and_title_changes_rebuild);
    tcase_add_test(tc, test_other_queries_are_not_answered);
    tcase_add_test(tc, test_date_sorts_are_walked);
    tcase_add_test(tc, test_scan_equals_the_sql);
    tcase_add_test(tc, test_one_phrase_scan_counts_its_df);
    tcase_add_test(tc, test_word_without_others_from_its_list);
    tcase_add_test(tc, test_scan_with_listed_df_equals_the_sql);
    tcase_add_test(tc, test_scan_with_lengths_equals_the_sql);
    tcase_add_test(tc, test_split_scan_equals_one_connection);
    tcase_add_test(tc, test_or_of_two_words_from_the_passages_with_both);
    tcase_add_test(tc, test_lists_hold_the_best_passages);
    tcase_add_test(tc, test_threads_make_the_same_lists_as_one);
    tcase_add_test(tc, test_other_work_runs_inside_the_refresh);
    tcase_add_test(tc, test_totals_are_fts5s);
    suite_add_tcase(s, tc);
    return s;
}
