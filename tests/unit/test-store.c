/* test-store.c - writing articles and passages. */
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "lengths.h"
#include "compact.h"
#include "unit.h"

static struct tl_store *store;

static void
store_setup(void)
{
    struct tl_error err = { 0 };

    unit_db_setup();
    ck_assert_int_eq(tl_store_new(unit_db, &store, &err), TL_OK);
}

static void
store_teardown(void)
{
    tl_store_free(store);
    store = NULL;
    unit_db_teardown();
}

/* An article as tl_article_load() would make it. */
static void
make(struct tl_article *a, const char *path, const char *text,
     const char *hash, int64_t mtime)
{
    tl_article_init(a);
    a->path = strdup(path);
    ck_assert_int_eq(tl_buf_append(&a->text, text, strlen(text)), TL_OK);
    memset(a->hash, 0, sizeof a->hash);
    memcpy(a->hash, hash, strnlen(hash, sizeof a->hash));
    a->size = (int64_t)strlen(text);
    a->mtime_ns = mtime;
}

static void
put(const struct tl_article *a)
{
    struct tl_error err = { 0 };
    struct tl_ingest in;

    tl_ingest_init(&in);
    ck_assert_msg(tl_ingest_article(unit_db, NULL, NULL, a, &in, &err)
                  == TL_OK, "%s", err.msg);
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_msg(tl_store_put(store, a, &in, NULL, &err) == TL_OK, "%s",
                  err.msg);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    tl_ingest_release(&in);
}

static enum tl_store_state
state(const char *path, int64_t size, int64_t mtime)
{
    struct tl_error err = { 0 };
    enum tl_store_state s;

    ck_assert_int_eq(tl_store_lookup(store, path, size, mtime, &s, &err),
                     TL_OK);
    return s;
}

/* FTS5's own check of the index against the passages and articles. */
static void
index_is_exact(void)
{
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) "
              "VALUES ('integrity-check', 1)");
}

/* How many passages the FTS5 query q matches. */
static int
matches(const char *q)
{
    char sql[256];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM passages_fts WHERE "
             "passages_fts MATCH '%s'", q);
    return atoi(unit_text(sql));
}

/* The number of segments in the index (a segment's pages have rowids
 * segment id << 37 + ...; rowids below that are FTS5's own records). */
static int
segments(void)
{
    return atoi(unit_text("SELECT count(DISTINCT id >> 37) FROM "
                          "passages_fts_data WHERE id >> 37 > 0"));
}

/* Every passage up to max_id (all match q) has FTS5's lengths in the
 * packed table; returns how many passages there are. */
static int
packed_lengths_are_fts5s(const char *q)
{
    struct tl_error err = { 0 };
    struct tl_lengths *l = NULL;
    sqlite3_stmt *st = NULL;
    int n = 0;

    ck_assert_int_eq(tl_lengths_open(unit_db, &l, &err), TL_OK);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT id FROM passages "
                                        "ORDER BY id", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int got[TL_RANK_COLUMNS], want[TL_RANK_COLUMNS];

        ck_assert_msg(tl_lengths_get(l, id, got), "passage %lld not known",
                      (long long)id);
        unit_fts5_lengths(q, id, want);
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            ck_assert_msg(got[c] == want[c], "passage %lld column %d: %d, "
                          "FTS5 %d", (long long)id, c, got[c], want[c]);
        n++;
    }
    sqlite3_finalize(st);
    tl_lengths_free(l);
    return n;
}

/* The store writes each passage's lengths as the tokenizer counted them
 * while FTS5 indexed it (FTS5 keeps none: columnsize=0), in the same
 * transaction: covered at the commit, with no refresh, and FTS5's own. */
START_TEST(test_stored_passages_have_their_lengths_at_commit)
{
    struct tl_error err = { 0 };
    struct tl_article a, b;
    long n = -1;

    make(&a, "/x/a.md", "---\ntitle: Pakistan's U.S. envoy doesn't "
         "resign -- again\nauthor: J. R. R. Qureshi\n---\n\nThe envoy's "
         "second paragraph, with 3.5 numbers and naïve café words, long "
         "enough to stand as a passage of its own here.\n\nA third one "
         "with the U.S.A. and Washington's reply in it, a passage again.\n",
         "h1", 1);
    put(&a);
    ck_assert_str_eq(unit_text("SELECT covered = (SELECT max(id) FROM "
                               "passages) FROM passage_lengths_state"), "1");
    ck_assert_int_ge(packed_lengths_are_fts5s("envoy"), 2);
    /* a passage indexed by other means leaves a hole: covered stops
     * below it until talaash-index's refresh counts its tokens */
    unit_add_passage(0, 1, 9, "a hand-made passage about the envoy");
    make(&b, "/x/b.txt", "Another envoy article with a paragraph long "
         "enough to be kept as a passage by the splitter.\n", "h2", 2);
    put(&b);
    ck_assert_str_eq(unit_text("SELECT covered < (SELECT max(id) FROM "
                               "passages) FROM passage_lengths_state"), "1");
    ck_assert_int_eq(tl_lengths_refresh(unit_db, &n, &err), TL_OK);
    ck_assert_int_ge(n, 1);
    ck_assert_int_ge(packed_lengths_are_fts5s("envoy"), 4);
    /* an edited article: its new passages are covered at the commit */
    tl_article_release(&b);
    make(&b, "/x/b.txt", "The envoy article, edited, with a new first "
         "paragraph that is long enough to be a passage.\n", "h3", 3);
    put(&b);
    ck_assert_str_eq(unit_text("SELECT covered = (SELECT max(id) FROM "
                               "passages) FROM passage_lengths_state"), "1");
    ck_assert_int_ge(packed_lengths_are_fts5s("envoy"), 4);
    tl_article_release(&a);
    tl_article_release(&b);
}
END_TEST

/* The tally counts one column per call FTS5 makes for a row it indexes,
 * only while armed, and its counts are FTS5's lengths. */
START_TEST(test_tally_counts_what_fts5_indexes)
{
    struct tl_tally *t = tl_tokenizer_tally(unit_db);
    int want[TL_RANK_COLUMNS];

    ck_assert_ptr_nonnull(t);
    unit_exec("INSERT INTO articles (id, path, path_key, hash, size, "
              "mtime_ns, format, title, author, passage_first, "
              "passage_last) VALUES (1, '/t.txt', tl_path_key('/t.txt'), "
              "'h', 1, 1, 'text', 'Kabul''s U.S. talks', '', 7, 7)");
    unit_exec("INSERT INTO passages (id, article_id, ordinal, byte_start, "
              "byte_end, text) VALUES (7, 1, 1, 0, 1, 'The U.S.A. and "
              "Pakistan''s envoys don''t meet: 12 talks, 3.5 days')");
    t->armed = 1;
    t->n = 0;
    unit_exec("INSERT INTO passages_fts (rowid, body, title, author) "
              "SELECT id, text, 'Kabul''s U.S. talks', '' FROM passages");
    t->armed = 0;
    ck_assert_int_eq(t->n, TL_TALLY_COLUMNS);
    unit_fts5_lengths("talks", 7, want);
    ck_assert_int_eq(t->len[0], want[0]);
    ck_assert_int_eq(t->len[1], want[1]);
    ck_assert_int_eq(t->len[2], want[2]);
    ck_assert_int_eq(want[1], 3);           /* kabul us talk */
    ck_assert_int_eq(want[2], 0);
    /* not armed: not counted */
    t->n = 0;
    unit_exec("INSERT INTO passages_fts (passages_fts, rowid, body, title, "
              "author) VALUES ('delete', 7, 'The U.S.A. and Pakistan''s "
              "envoys don''t meet: 12 talks, 3.5 days', 'Kabul''s U.S. "
              "talks', '')");
    ck_assert_int_eq(t->n, 0);
}
END_TEST

/* The store hands FTS5 the tokens the ingest recorded (body, title,
 * author of every passage) instead of tokenizing them again; the index
 * is exactly what tokenizing makes (FTS5's integrity check tokenizes
 * the text and compares), and without a record it tokenizes. */
START_TEST(test_indexing_replays_the_recorded_tokens)
{
    static const char *const text =
        "---\ntitle: Kabul's U.S. talks\nauthor: Ayesha Khan\n---\n"
        "The U.S.A. and Pakistan's envoys don't meet: 12 talks, 3.5 days "
        "in Peshāwar, and the CPEC corridor.\n\nNegotiations resumed "
        "later; negotiators met again in the port city.";
    struct tl_tally *t = tl_tokenizer_tally(unit_db);
    struct tl_error err = { 0 };
    struct tl_article a;
    struct tl_ingest in;
    unsigned long before;
    size_t np;

    ck_assert_ptr_nonnull(t);
    make(&a, "/x/r.md", text, "h1", 100);
    a.format = TL_FORMAT_MARKDOWN;
    tl_ingest_init(&in);
    ck_assert_msg(tl_ingest_article(unit_db, NULL, NULL, &a, &in, &err)
                  == TL_OK, "%s", err.msg);
    np = in.n_passages;
    ck_assert_uint_ge(np, 2);
    ck_assert_ptr_nonnull(in.tok_first);
    ck_assert_str_eq(in.meta.title, "Kabul's U.S. talks");
    ck_assert_uint_eq(in.tok_first[np + 1] - in.tok_first[np], 3);
    ck_assert_uint_eq(in.tok_first[np + 2] - in.tok_first[np + 1], 2);
    before = t->replayed;
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_msg(tl_store_put(store, &a, &in, NULL, &err) == TL_OK, "%s",
                  err.msg);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    ck_assert_uint_eq(t->replayed - before, 3 * np);
    ck_assert_int_eq(t->n_replay, 0);
    index_is_exact();
    ck_assert_int_eq(matches("title:kabul AND author:khan AND negotiate"), 1);
    ck_assert_int_eq(matches("peshawar"), 1);
    /* no record: tokenized, the same index */
    tl_tokens_release(&in.tokens);
    free(in.tok_first);
    in.tok_first = NULL;
    in.meta.title[0] = 'J';             /* a new title: new entries */
    before = t->replayed;
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_msg(tl_store_put(store, &a, &in, NULL, &err) == TL_OK, "%s",
                  err.msg);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    ck_assert_uint_eq(t->replayed, before);
    index_is_exact();
    ck_assert_int_eq(matches("title:kabul"), 0);
    ck_assert_int_eq(matches("title:jabul AND negotiate"), 1);
    tl_ingest_release(&in);
    tl_article_release(&a);
}
END_TEST

START_TEST(test_put_stores_article_and_passages)
{
    struct tl_article a;

    make(&a, "/x/a.txt", "The first paragraph has enough words to stand "
         "alone.\n\nThe second paragraph also has enough words to stand.",
         "h1", 100);
    put(&a);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages"), "2");
    ck_assert_str_eq(unit_text("SELECT text FROM passage_texts WHERE ordinal = 2"),
                     "The second paragraph also has enough words to stand.");
    ck_assert_str_eq(unit_text("SELECT byte_start || '-' || byte_end FROM "
                               "passages WHERE ordinal = 2"), "54-106");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'second'"), "1");
    tl_article_release(&a);
}
END_TEST

START_TEST(test_lookup_tells_new_unchanged_changed)
{
    struct tl_article a;

    ck_assert_int_eq(state("/x/a.txt", 5, 100), TL_STORE_NEW);
    make(&a, "/x/a.txt", "hello", "h1", 100);
    put(&a);
    ck_assert_int_eq(state("/x/a.txt", 5, 100), TL_STORE_UNCHANGED);
    ck_assert_int_eq(state("/x/a.txt", 5, 101), TL_STORE_CHANGED);
    ck_assert_int_eq(state("/x/a.txt", 6, 100), TL_STORE_CHANGED);
    tl_article_release(&a);
}
END_TEST

START_TEST(test_put_replaces_older_version)
{
    struct tl_article a;
    char id[32];

    make(&a, "/x/a.txt", "These are the old words of a first version.\n\n"
         "And here are more old words of that version.", "h1", 100);
    put(&a);
    snprintf(id, sizeof id, "%s", unit_text("SELECT id FROM articles"));
    tl_article_release(&a);
    make(&a, "/x/a.txt", "These are new words of the second version.", "h2",
         200);
    put(&a);
    ck_assert_str_eq(unit_text("SELECT id FROM articles"), id);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'old'"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'new'"), "1");
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) "
              "VALUES ('integrity-check', 1)");
    tl_article_release(&a);
}
END_TEST

START_TEST(test_touch_keeps_same_content)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    int same = -1;

    make(&a, "/x/a.txt", "hello", "h1", 100);
    put(&a);
    a.mtime_ns = 300;
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_int_eq(tl_store_touch_if_same(store, &a, &same, &err), TL_OK);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    ck_assert_int_eq(same, 1);
    ck_assert_int_eq(state("/x/a.txt", 5, 300), TL_STORE_UNCHANGED);
    memcpy(a.hash, "other", 5);
    ck_assert_int_eq(tl_store_touch_if_same(store, &a, &same, &err), TL_OK);
    ck_assert_int_eq(same, 0);
    tl_article_release(&a);
}
END_TEST

START_TEST(test_rollback_leaves_nothing)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    struct tl_ingest in;

    make(&a, "/x/a.txt", "hello there, a short article", "h1", 100);
    tl_ingest_init(&in);
    ck_assert_int_eq(tl_ingest_article(unit_db, NULL, NULL, &a, &in, &err),
                     TL_OK);
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_int_eq(tl_store_put(store, &a, &in, NULL, &err), TL_OK);
    tl_store_rollback(store);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'hello'"), "0");
    tl_ingest_release(&in);
    tl_article_release(&a);
}
END_TEST

START_TEST(test_metadata_and_topics_are_stored)
{
    struct tl_error err = { 0 };
    struct tl_topics *topics = NULL;
    struct tl_article a;
    struct tl_ingest in;
    static const char rules[] = "min_matches = 2\n[Kabul]\nKabul\n"
                                "[Trade]\ntrade\n";

    ck_assert_int_eq(tl_topics_parse(unit_db, rules, strlen(rules), NULL,
                                     &topics, &err), TL_OK);
    make(&a, "/x/a.txt", "Kabul Trade Talks\n\nBy Ayesha Malik\n\n"
         "March 5, 2021\n\nThe delegations met in Kabul on Monday and "
         "again in Kabul on Tuesday to discuss the roads.", "h1", 100);
    tl_ingest_init(&in);
    ck_assert_int_eq(tl_ingest_article(unit_db, topics, NULL, &a, &in, &err),
                     TL_OK);
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_int_eq(tl_store_put(store, &a, &in, topics, &err), TL_OK);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    ck_assert_str_eq(unit_text("SELECT title || '|' || author || '|' || "
                               "pub_date || '|' || date_precision || '|' || "
                               "title_source || '|' || author_source || '|' "
                               "|| date_source FROM articles"),
                     "Kabul Trade Talks|Ayesha Malik|2021-03-05|day|heading|"
                     "byline|dateline");
    ck_assert_str_eq(unit_text("SELECT group_concat(t.name || ':' || "
                               "at.matches) FROM article_topics at JOIN "
                               "topics t ON t.id = at.topic_id"), "Kabul:2");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passage_topics"), "1");
    tl_ingest_release(&in);
    tl_article_release(&a);
    tl_topics_free(topics);
}
END_TEST

/* Schema 012: an article's passages get consecutive ids, its row their
 * range, and its path's key; an edited one gets new ids and a new range,
 * and another's passages are never in it. */
START_TEST(test_articles_hold_their_passage_range_and_path_key)
{
    /* per article: its range holds exactly its passages, at least two,
     * and its path key is the path's */
    static const char *const check =
        "SELECT group_concat(a.path || ' ' || ((SELECT count(*) FROM "
        "passages AS p WHERE p.article_id = a.id) = a.passage_last - "
        "a.passage_first + 1 AND (SELECT count(*) FROM passages AS p WHERE "
        "p.article_id = a.id AND p.id BETWEEN a.passage_first AND "
        "a.passage_last) >= 2) || (a.path_key = tl_path_key(a.path)), ', ') "
        "FROM (SELECT * FROM articles ORDER BY path) AS a";
    static const char *const para =
        "The ferry timetable for the harbour changed again this week, and "
        "the bridge tolls rose with it, as the council had warned.";
    static const char *const para2 =
        "Fishermen on the north quay said the new dues would cost them "
        "more than the diesel did, and asked for a meeting in spring.";
    static const char *const para3 =
        "The council's treasurer replied that the dredging of the channel "
        "had to be paid for by someone, and that the ferries paid most.";
    char text[1024], last_b[32];
    struct tl_article a, b;

    snprintf(text, sizeof text, "%s\n\n%s\n\n%s", para, para2, para3);
    make(&a, "/x/a.txt", text, "h1", 100);
    make(&b, "/x/b.txt", text, "h2", 100);
    put(&a);
    put(&b);
    ck_assert_str_eq(unit_text(check), "/x/a.txt 11, /x/b.txt 11");
    ck_assert_str_eq(unit_text("SELECT min(passage_first) FROM articles"),
                     "1");
    snprintf(last_b, sizeof last_b, "%s",
             unit_text("SELECT passage_last FROM articles WHERE path = "
                       "'/x/b.txt'"));
    /* edited: new ids after every other, the old range gone */
    tl_article_release(&a);
    snprintf(text, sizeof text, "%s\n\nA new closing paragraph on the "
             "quarry road, which the mill owners wanted widened.\n\n%s",
             para, para3);
    make(&a, "/x/a.txt", text, "h3", 200);
    put(&a);
    ck_assert_str_eq(unit_text(check), "/x/a.txt 11, /x/b.txt 11");
    ck_assert_int_eq(atoll(unit_text("SELECT passage_first FROM articles "
                                     "WHERE path = '/x/a.txt'")),
                     atoll(last_b) + 1);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages WHERE id < "
                               "(SELECT passage_first FROM articles WHERE "
                               "path = '/x/b.txt')"), "0");
    /* found again by path: unchanged, no third article */
    ck_assert_int_eq(state("/x/b.txt", b.size, 100), TL_STORE_UNCHANGED);
    ck_assert_int_eq(state("/x/c.txt", b.size, 100), TL_STORE_NEW);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles"), "2");
    index_is_exact();
    tl_article_release(&a);
    tl_article_release(&b);
}
END_TEST

START_TEST(test_renamed_file_keeps_its_article)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    int moved = -1;
    char id[32];

    make(&a, "/nonexistent/old.txt", "hello there, a short article", "h1",
         100);
    put(&a);
    snprintf(id, sizeof id, "%s", unit_text("SELECT id FROM articles"));
    free(a.path);
    a.path = strdup("/nonexistent/new.txt");
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    ck_assert_int_eq(tl_store_adopt_if_moved(store, &a, &moved, &err), TL_OK);
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    ck_assert_int_eq(moved, 1);
    ck_assert_str_eq(unit_text("SELECT id || path FROM articles"),
                     strcat(id, "/nonexistent/new.txt"));
    ck_assert_str_eq(unit_text("SELECT path_key = tl_path_key(path) FROM "
                               "articles"), "1");
    ck_assert_int_eq(state("/nonexistent/new.txt", a.size, 100),
                     TL_STORE_UNCHANGED);
    ck_assert_int_eq(matches("hello"), 1);
    index_is_exact();
    tl_article_release(&a);
}
END_TEST

START_TEST(test_index_holds_title_and_author_of_each_passage)
{
    struct tl_article a;

    make(&a, "/x/a.txt", "Orchard Water Rights\n\nBy Tamsin Quayle\n\n"
         "The valley growers met to share the river water fairly.\n\n"
         "A second meeting is planned for the dry months ahead.", "h1", 100);
    put(&a);
    ck_assert_str_eq(unit_text("SELECT title || '|' || author FROM "
                               "articles"), "Orchard Water Rights|Tamsin "
                     "Quayle");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages"), "2");
    ck_assert_int_eq(matches("title:orchard"), 2);
    ck_assert_int_eq(matches("author:quayle"), 2);
    ck_assert_int_eq(matches("body:orchard"), 0);
    ck_assert_int_eq(matches("body:meeting"), 1);
    index_is_exact();
    tl_article_release(&a);
}
END_TEST

START_TEST(test_article_without_title_or_author_is_indexed)
{
    struct tl_article a;

    make(&a, "/x/a.txt", "just a few plain words about apricots, which "
         "the growers along the river picked early this year, and then "
         "some more words about the weather.\n\nand a second paragraph "
         "of the same plain kind, with no heading and no byline.", "h1",
         100);
    put(&a);
    ck_assert_str_eq(unit_text("SELECT quote(title) || quote(author) FROM "
                               "articles"), "''''");
    ck_assert_int_eq(matches("apricot"), 1);
    index_is_exact();
    tl_article_release(&a);
}
END_TEST

START_TEST(test_changed_title_and_author_are_reindexed)
{
    struct tl_article a;

    make(&a, "/x/a.txt", "Orchard Water Rights\n\nBy Tamsin Quayle\n\n"
         "The valley growers met to share the river water fairly.", "h1",
         100);
    put(&a);
    tl_article_release(&a);
    make(&a, "/x/a.txt", "Canal Repairs Begin\n\nBy Odile Marchetti\n\n"
         "The valley growers met to share the river water fairly.\n\n"
         "Work on the canal starts once the harvest is in.", "h2", 200);
    put(&a);
    ck_assert_int_eq(matches("title:orchard OR author:quayle"), 0);
    ck_assert_int_eq(matches("title:canal"), 2);
    ck_assert_int_eq(matches("author:marchetti"), 2);
    ck_assert_int_eq(matches("valley"), 1);
    index_is_exact();
    tl_article_release(&a);
}
END_TEST

/* FTS5 writes the terms of a transaction once, at COMMIT, as one segment:
 * nothing in tl_store_put() opens a statement savepoint, at which FTS5
 * would write them early (a segment per passage, the indexer's main cost
 * when a trigger indexed each passage). */
START_TEST(test_batch_of_new_articles_is_one_segment)
{
    struct tl_error err = { 0 };
    struct tl_topics *topics = NULL;
    static const char rules[] = "min_matches = 1\n[Rivers]\nriver\n";
    static const char *const texts[] = {
        "Ferry Timetables\n\nBy Imre Vasko\n\nThe river ferry now runs "
        "every hour in summer.\n\nWinter crossings stay at two a day until "
        "the ice melts.",
        "Bridge Survey\n\nBy Noor Baig\n\nSurveyors found the old river "
        "bridge sound and safe.\n\nRepainting of the railings starts "
        "early next spring, weather permitting.",
        "Market Day\n\nStalls along the river sold plums and pears to the "
        "early crowds.\n\n"
        "Prices for the fruit were lower than they were last year.",
    };
    int before;

    ck_assert_int_eq(tl_topics_parse(unit_db, rules, strlen(rules), NULL,
                                     &topics, &err), TL_OK);
    unit_exec("INSERT INTO passages_fts (passages_fts, rank) "
              "VALUES ('automerge', 0)");
    before = segments();
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        struct tl_article a;
        struct tl_ingest in;
        char path[32], hash[8];

        snprintf(path, sizeof path, "/x/%zu.txt", i);
        snprintf(hash, sizeof hash, "h%zu", i);
        make(&a, path, texts[i], hash, 100);
        tl_ingest_init(&in);
        ck_assert_int_eq(tl_ingest_article(unit_db, topics, NULL, &a, &in,
                                           &err), TL_OK);
        ck_assert_msg(tl_store_put(store, &a, &in, topics, &err) == TL_OK,
                      "%s", err.msg);
        tl_ingest_release(&in);
        tl_article_release(&a);
    }
    ck_assert_int_eq(tl_store_commit(store, &err), TL_OK);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages"), "6");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passage_topics"), "3");
    ck_assert_int_eq(segments() - before, 1);
    ck_assert_int_eq(matches("river"), 3);
    index_is_exact();
    tl_topics_free(topics);
}
END_TEST

START_TEST(test_prune_forgets_missing_files)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    size_t removed = 0;

    make(&a, "/nonexistent/gone.txt", "hello there, a short article", "h1",
         100);
    put(&a);
    ck_assert_int_eq(tl_store_prune(store, &removed, &err), TL_OK);
    ck_assert_uint_eq(removed, 1);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles"), "0");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM passages_fts WHERE "
                               "passages_fts MATCH 'hello'"), "0");
    index_is_exact();
    tl_article_release(&a);
}
END_TEST

static void
store_setup_file(void)
{
    struct tl_error err = { 0 };

    unit_db_setup_file();
    ck_assert_int_eq(tl_store_new(unit_db, &store, &err), TL_OK);
}

/* A store asked to expect a fresh database is fresh from its first
 * transaction on when the database held no article then, and puts
 * without looking for what is at the path. */
START_TEST(test_an_empty_database_makes_the_store_fresh)
{
    struct tl_error err = { 0 };
    struct tl_article a;

    ck_assert_int_eq(tl_store_fresh(store), 0);
    tl_store_expect_fresh(store);
    ck_assert_int_eq(tl_store_fresh(store), 0);     /* not checked yet */
    make(&a, "/c/one.txt", "Alpha beta.\n\nGamma delta.\n", "h1", 1);
    put(&a);
    tl_article_release(&a);
    ck_assert_int_eq(tl_store_fresh(store), 1);
    make(&a, "/c/two.txt", "Epsilon zeta.\n", "h2", 1);
    put(&a);
    tl_article_release(&a);
    ck_assert_int_eq(tl_store_fresh(store), 1);     /* its own commits */
    ck_assert_str_eq(unit_text("SELECT group_concat(path, ' ') FROM "
                               "articles ORDER BY id"),
                     "/c/one.txt /c/two.txt");
    ck_assert_int_eq(matches("gamma"), 1);
    index_is_exact();
    /* a rolled back transaction changes nothing either */
    ck_assert_int_eq(tl_store_begin(store, &err), TL_OK);
    tl_store_rollback(store);
    ck_assert_int_eq(tl_store_fresh(store), 1);
}
END_TEST

START_TEST(test_a_database_with_articles_is_not_fresh)
{
    struct tl_article a;

    make(&a, "/c/one.txt", "Alpha beta.\n", "h1", 1);
    put(&a);
    tl_article_release(&a);
    tl_store_expect_fresh(store);
    make(&a, "/c/one.txt", "Alpha beta, edited.\n", "h9", 2);
    put(&a);                    /* replaces it: looked up */
    tl_article_release(&a);
    ck_assert_int_eq(tl_store_fresh(store), 0);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles"), "1");
    ck_assert_int_eq(matches("edited"), 1);
    index_is_exact();
}
END_TEST

/* Another program writing between the store's transactions ends it:
 * the path it stored is looked up and replaced, not stored twice. */
START_TEST(test_another_writer_ends_the_fresh_store)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    struct tl_store *other = NULL;
    sqlite3 *db = NULL;

    tl_store_expect_fresh(store);
    make(&a, "/c/one.txt", "Alpha beta.\n", "h1", 1);
    put(&a);
    tl_article_release(&a);
    ck_assert_int_eq(tl_store_fresh(store), 1);
    ck_assert_int_eq(tl_db_open(unit_db_path, TL_DB_READWRITE, &db, &err),
                     TL_OK);
    ck_assert_int_eq(tl_store_new(db, &other, &err), TL_OK);
    {
        sqlite3 *mine = unit_db;
        struct tl_store *keep = store;
        unit_db = db;
        store = other;
        make(&a, "/c/two.txt", "Written by another program.\n", "h2", 1);
        put(&a);
        tl_article_release(&a);
        unit_db = mine;
        store = keep;
    }
    tl_store_free(other);
    tl_db_close(db);
    make(&a, "/c/two.txt", "Then by this one.\n", "h3", 2);
    put(&a);
    tl_article_release(&a);
    ck_assert_int_eq(tl_store_fresh(store), 0);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM articles WHERE path = "
                               "'/c/two.txt'"), "1");
    ck_assert_int_eq(matches("another"), 0);
    ck_assert_int_eq(matches("then"), 1);
    index_is_exact();
}
END_TEST

/* A store that stops being fresh looks articles up: the indexes a
 * first build left for its end (lib/index_defer.c) are made first, in
 * its transaction. */
START_TEST(test_a_store_no_longer_fresh_makes_the_deferred_indexes)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    sqlite3 *db = NULL;
    int deferred = 0;

    ck_assert_int_eq(tl_index_defer(unit_db, &deferred, &err), TL_OK);
    ck_assert_int_eq(deferred, 3);
    tl_store_expect_fresh(store);
    make(&a, "/d/one.txt", "Alpha beta.\n", "h1", 1);
    put(&a);
    tl_article_release(&a);
    ck_assert_int_eq(tl_store_fresh(store), 1);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM sqlite_schema WHERE "
                               "name LIKE 'articles_by_%'"), "0");
    /* another program's commit */
    ck_assert_int_eq(tl_db_open(unit_db_path, TL_DB_READWRITE, &db, &err),
                     TL_OK);
    ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO meta (key, value) "
                                  "VALUES ('written by', 'another program')",
                                  NULL, NULL, NULL), SQLITE_OK);
    tl_db_close(db);
    make(&a, "/d/two.txt", "Gamma delta.\n", "h2", 2);
    put(&a);
    tl_article_release(&a);
    ck_assert_int_eq(tl_store_fresh(store), 0);
    ck_assert_str_eq(unit_text("SELECT count(*) FROM sqlite_schema WHERE "
                               "name IN ('articles_by_hash', "
                               "'articles_by_path', 'articles_by_date')"),
                     "3");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM meta WHERE key LIKE "
                               "'deferred index %'"), "0");
    index_is_exact();
}
END_TEST

Suite *
store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("put");

    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_add_test(tc, test_indexing_replays_the_recorded_tokens);
    tcase_add_test(tc, test_put_stores_article_and_passages);
    tcase_add_test(tc, test_lookup_tells_new_unchanged_changed);
    tcase_add_test(tc, test_put_replaces_older_version);
    tcase_add_test(tc, test_touch_keeps_same_content);
    tcase_add_test(tc, test_rollback_leaves_nothing);
    tcase_add_test(tc, test_metadata_and_topics_are_stored);
    tcase_add_test(tc, test_articles_hold_their_passage_range_and_path_key);
    tcase_add_test(tc, test_renamed_file_keeps_its_article);
    tcase_add_test(tc, test_index_holds_title_and_author_of_each_passage);
    tcase_add_test(tc, test_article_without_title_or_author_is_indexed);
    tcase_add_test(tc, test_changed_title_and_author_are_reindexed);
    tcase_add_test(tc, test_batch_of_new_articles_is_one_segment);
    tcase_add_test(tc, test_prune_forgets_missing_files);
    tcase_add_test(tc, test_stored_passages_have_their_lengths_at_commit);
    tcase_add_test(tc, test_tally_counts_what_fts5_indexes);
    tcase_add_test(tc, test_an_empty_database_makes_the_store_fresh);
    tcase_add_test(tc, test_a_database_with_articles_is_not_fresh);
    suite_add_tcase(s, tc);
    tc = tcase_create("fresh");
    tcase_add_checked_fixture(tc, store_setup_file, store_teardown);
    tcase_add_test(tc, test_another_writer_ends_the_fresh_store);
    tcase_add_test(tc, test_a_store_no_longer_fresh_makes_the_deferred_indexes);
    suite_add_tcase(s, tc);
    return s;
}
