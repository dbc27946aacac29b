/* test-ingest.c - one article from bytes to passages, every format. */
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "unit.h"

static struct tl_article a;
static struct tl_ingest in;
static struct tl_topics *topics;

static void
setup(void)
{
    struct tl_error err = { 0 };
    static const char rules[] = "min_matches = 1\n[Kashmir]\nKashmir\n"
                                "Line of Control\n[Trade]\ntrade\n";

    unit_db_setup();
    tl_article_init(&a);
    tl_ingest_init(&in);
    ck_assert_int_eq(tl_topics_parse(unit_db, rules, strlen(rules), NULL,
                                     &topics, &err), TL_OK);
}

static void
teardown(void)
{
    tl_ingest_release(&in);
    tl_article_release(&a);
    tl_topics_free(topics);
    unit_db_teardown();
}

static enum tl_status
ingest_n(const char *path, const char *bytes, size_t n,
         const struct tl_manifest_entry *manifest, struct tl_error *err)
{
    tl_article_release(&a);
    a.path = strdup(path);
    ck_assert(tl_format_of_path(path, &a.format));
    ck_assert_int_eq(tl_buf_append(&a.text, bytes, n), TL_OK);
    a.size = (int64_t)n;
    return tl_ingest_article(unit_db, topics, manifest, &a, &in, err);
}

static void
ingest(const char *path, const char *bytes)
{
    struct tl_error err = { 0 };

    ck_assert_msg(ingest_n(path, bytes, strlen(bytes), NULL, &err) == TL_OK,
                  "%s", err.msg);
}

/* Passage i's text (static buffer). */
static const char *
passage(size_t i)
{
    static char out[2048];

    ck_assert_uint_lt(i, in.n_passages);
    snprintf(out, sizeof out, "%.*s",
             (int)(in.passages[i].end - in.passages[i].start),
             in.text.data + in.passages[i].start);
    return out;
}

#define S(x) ((x) != NULL ? (x) : "")

START_TEST(test_text_article)
{
    ingest("/a/t.txt", "Roads Reopen in the Valley\n\nBy Ayesha Malik\n\n"
           "March 5, 2021\n\nThe **main** road to the valley reopened on "
           "Monday after [the snow](http://x.example) was cleared.\n\n"
           "Trade resumed at once across the Line of Control.\n");
    ck_assert_str_eq(S(in.meta.title), "Roads Reopen in the Valley");
    ck_assert_str_eq(S(in.meta.author), "Ayesha Malik");
    ck_assert_int_eq(in.meta.date.precision, TL_DATE_DAY);
    ck_assert_uint_eq(in.n_passages, 2);
    ck_assert_str_eq(passage(0), "The main road to the valley reopened on "
                     "Monday after the snow was cleared.");
    ck_assert_uint_eq(in.n_topics, 2);
    ck_assert_int_eq(in.encoding, TL_ENC_UTF8);
}
END_TEST

/* Slimmed (a job that waits for talaash-index's writer), an article
 * keeps what the store reads: its passages and their text, metadata,
 * topics and token counts; its blocks, scratch and tokens are gone. */
START_TEST(test_slim_keeps_what_the_store_reads)
{
    size_t tok_first[8], np;
    char first[2048];

    ingest("/a/t.txt", "Roads Reopen in the Valley\n\nBy Ayesha Malik\n\n"
           "The main road to the valley reopened on Monday after the snow "
           "was cleared.\n\nTrade resumed at once across the Line of "
           "Control.\n");
    np = in.n_passages;
    ck_assert_uint_eq(np, 2);
    ck_assert_ptr_nonnull(in.tok_first);
    ck_assert_uint_gt(in.tokens.n, 0);
    ck_assert_uint_gt(in.doc.n_blocks, 0);
    memcpy(tok_first, in.tok_first, (np + 3) * sizeof *tok_first);
    snprintf(first, sizeof first, "%s", passage(0));
    tl_ingest_slim(&in);
    ck_assert_uint_eq(in.n_passages, 2);
    ck_assert_str_eq(passage(0), first);
    ck_assert_str_eq(passage(1), "Trade resumed at once across the Line of "
                     "Control.");
    ck_assert_uint_eq(in.text.cap, in.text.len + 1);    /* no slack */
    ck_assert_str_eq(S(in.meta.title), "Roads Reopen in the Valley");
    ck_assert_str_eq(S(in.meta.author), "Ayesha Malik");
    ck_assert_uint_eq(in.n_topics, 2);
    ck_assert_mem_eq(in.tok_first, tok_first, (np + 3) * sizeof *tok_first);
    ck_assert_uint_eq(in.tokens.n, 0);
    ck_assert_ptr_null(in.tokens.tok);
    ck_assert_uint_eq(in.doc.n_blocks, 0);
    ck_assert_ptr_null(in.doc.blocks);
    ck_assert_ptr_null(in.decoded.data);
    /* and the next article ingests into it as into a new one */
    ingest("/a/u.txt", "Second Title\n\nA paragraph about the Line of "
           "Control and trade across it, long enough.\n");
    ck_assert_uint_eq(in.n_passages, 1);
    ck_assert_uint_gt(in.tokens.n, 0);
}
END_TEST

START_TEST(test_passage_byte_ranges_point_into_the_file)
{
    static const char text[] = "First Line Title\r\n\r\nA paragraph of the "
                               "body that is long enough to stand alone.\r\n";

    ingest("/a/crlf.txt", text);
    ck_assert_uint_eq(in.n_passages, 1);
    ck_assert_uint_eq(in.passages[0].src_start, 20);
    ck_assert(strncmp(text + in.passages[0].src_start, "A paragraph", 11)
              == 0);
    ck_assert(strncmp(text + in.passages[0].src_end - 6, "alone.", 6) == 0);
}
END_TEST

START_TEST(test_windows_1252_is_decoded)
{
    ingest("/a/old.txt", "Caf\xe9 Talks\n\nThe caf\xe9 in the capital was "
           "full of delegates \x93waiting\x94 for news all afternoon.\n");
    ck_assert_int_eq(in.encoding, TL_ENC_CP1252);
    ck_assert_str_eq(S(in.meta.title), "Café Talks");
    ck_assert_ptr_nonnull(strstr(passage(0), "The café in the capital"));
    ck_assert_ptr_nonnull(strstr(passage(0), "“waiting”"));
}
END_TEST

START_TEST(test_empty_and_binary_files_are_refused)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(ingest_n("/a/e.txt", "", 0, NULL, &err), TL_ERR_INPUT);
    ck_assert_str_eq(err.msg, "skipped '/a/e.txt': empty file");
    ck_assert_int_eq(ingest_n("/a/w.txt", " \n\t\n", 4, NULL, &err),
                     TL_ERR_INPUT);
    ck_assert_int_eq(ingest_n("/a/b.txt", "ab\0cd", 5, NULL, &err),
                     TL_ERR_INPUT);
    ck_assert_str_eq(err.msg, "skipped '/a/b.txt': binary file (NUL bytes)");
    ck_assert_int_eq(ingest_n("/a/p.txt", "%PDF-1.4\n", 9, NULL, &err),
                     TL_ERR_INPUT);
    ck_assert_str_eq(err.msg, "skipped '/a/p.txt': binary file (PDF)");
}
END_TEST

START_TEST(test_markdown_front_matter_wins)
{
    ingest("/a/m.md", "---\ntitle: \"Given: A Title\"\nauthor: Bilal Ahmed\n"
           "date: 2019-07-14\ntopics: [Water, Trade]\n---\n"
           "# Given: A Title\n\nBy Someone Else\n\n"
           "Water *disputes* are back on the agenda, and trade with them, "
           "says a [report](https://example.org).\n");
    ck_assert_str_eq(S(in.meta.title), "Given: A Title");
    ck_assert_int_eq(in.meta.title_src, TL_SRC_FRONT_MATTER);
    ck_assert_str_eq(S(in.meta.author), "Bilal Ahmed");
    ck_assert_int_eq(in.meta.author_src, TL_SRC_FRONT_MATTER);
    ck_assert_int_eq(in.meta.date.year, 2019);
    ck_assert_int_eq(in.meta.date_src, TL_SRC_FRONT_MATTER);
    ck_assert_uint_eq(in.n_passages, 1);
    ck_assert_ptr_nonnull(strstr(passage(0), "Water disputes are back"));
    ck_assert_ptr_nonnull(strstr(passage(0), "says a report."));
    /* Trade from the rules; Water from the front matter */
    ck_assert_uint_eq(in.n_topics, 2);
    ck_assert_str_eq(in.topics[0].name, "Trade");
    ck_assert_str_eq(in.topics[1].name, "Water");
    ck_assert_int_eq(in.topics[1].source, TL_SRC_FRONT_MATTER);
}
END_TEST

START_TEST(test_html_article)
{
    ingest("/a/h.html", "<html><head><title>Water Talks | The Daily</title>"
           "<meta name=\"author\" content=\"Sana Iqbal\">"
           "<meta property=\"article:published_time\" "
           "content=\"2020-02-18T08:00:00Z\"></head><body>"
           "<nav>Home | World</nav><div id=\"cookie-banner\">We use cookies."
           "</div><article><h1>Water Talks Resume</h1>"
           "<p>Negotiators met again on the &ldquo;Indus&rdquo; waters "
           "and trade across the Line of Control.</p>"
           "<p>Read more: Other news</p></article><footer>(c) x</footer>"
           "</body></html>");
    ck_assert_str_eq(S(in.meta.title), "Water Talks Resume");
    ck_assert_int_eq(in.meta.title_src, TL_SRC_HTML);
    ck_assert_str_eq(S(in.meta.author), "Sana Iqbal");
    ck_assert_int_eq(in.meta.date.month, 2);
    ck_assert_uint_eq(in.n_passages, 1);
    ck_assert_str_eq(passage(0), "Negotiators met again on the “Indus” "
                     "waters and trade across the Line of Control.");
}
END_TEST

START_TEST(test_manifest_overrides)
{
    struct tl_error err = { 0 };
    struct tl_manifest_entry e = { "Manifest Title", "Manifest Author",
                                   "February 2019", "Alpha; Beta" };
    static const char text[] = "Roads Reopen\n\nBy Ayesha Malik\n\nThe road "
                               "reopened on Monday after the snow was "
                               "cleared from the pass.\n";

    ck_assert_int_eq(ingest_n("/a/t.txt", text, strlen(text), &e, &err),
                     TL_OK);
    ck_assert_str_eq(S(in.meta.title), "Manifest Title");
    ck_assert_int_eq(in.meta.title_src, TL_SRC_MANIFEST);
    ck_assert_str_eq(S(in.meta.author), "Manifest Author");
    ck_assert_int_eq(in.meta.date.precision, TL_DATE_MONTH);
    ck_assert_uint_eq(in.n_topics, 2);
    ck_assert_str_eq(in.topics[0].name, "Alpha");
    ck_assert_int_eq(in.topics[0].source, TL_SRC_MANIFEST);
}
END_TEST

START_TEST(test_topics_count_the_body_not_the_boilerplate)
{
    ingest("/a/t.txt", "Weather Notes\n\nRead more: Kashmir news today\n\n"
           "Rain fell on the plains all week and the farmers waited.\n");
    ck_assert_uint_eq(in.n_topics, 0);
}
END_TEST

Suite *
ingest_suite(void)
{
    Suite *s = suite_create("ingest");
    TCase *tc = tcase_create("formats");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_text_article);
    tcase_add_test(tc, test_passage_byte_ranges_point_into_the_file);
    tcase_add_test(tc, test_windows_1252_is_decoded);
    tcase_add_test(tc, test_empty_and_binary_files_are_refused);
    tcase_add_test(tc, test_markdown_front_matter_wins);
    tcase_add_test(tc, test_html_article);
    tcase_add_test(tc, test_slim_keeps_what_the_store_reads);
    tcase_add_test(tc, test_manifest_overrides);
    tcase_add_test(tc, test_topics_count_the_body_not_the_boilerplate);
    suite_add_tcase(s, tc);
    return s;
}
