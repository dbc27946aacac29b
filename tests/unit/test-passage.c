/* test-passage.c - splitting text into passages. */
#include <stdlib.h>
#include <string.h>

#include "doc_fixture.h"

/* The passages of text, joined by '|'. */
static const char *
split(const char *text)
{
    static char out[1024];
    struct tl_error err = { 0 };
    struct tl_span *spans = NULL;
    size_t n = 0, len = 0;

    ck_assert_int_eq(tl_passages_split(text, strlen(text), &spans, &n, &err),
                     TL_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t m = spans[i].end - spans[i].start;
        ck_assert_int_lt(spans[i].start, spans[i].end);
        if (i > 0)
            out[len++] = '|';
        memcpy(out + len, text + spans[i].start, m);
        len += m;
        out[len] = '\0';
    }
    free(spans);
    return out;
}

START_TEST(test_blank_lines_separate_paragraphs)
{
    ck_assert_str_eq(split("one\ntwo\n\nthree\n"), "one\ntwo|three");
    ck_assert_str_eq(split("one\n\n\n\ntwo"), "one|two");
    ck_assert_str_eq(split("one\n  \t \ntwo"), "one|two");
}
END_TEST

START_TEST(test_single_breaks_split_when_no_blank_line)
{
    ck_assert_str_eq(split("one\ntwo\nthree"), "one|two|three");
}
END_TEST

START_TEST(test_white_space_is_trimmed)
{
    ck_assert_str_eq(split("\n\n  one  \n\n\ttwo\t\n\n"), "one|two");
    ck_assert_str_eq(split("one\r\n\r\ntwo\r\n"), "one|two");
}
END_TEST

START_TEST(test_empty_text_has_no_passage)
{
    ck_assert_str_eq(split(""), "");
    ck_assert_str_eq(split("\n \n\t\n"), "");
}
END_TEST

START_TEST(test_no_final_newline)
{
    ck_assert_str_eq(split("alpha beta"), "alpha beta");
    ck_assert_str_eq(split("a\n\nb c"), "a|b c");
}
END_TEST

/* The passages made from blocks, joined by '|'. */
static const char *
make(const char *const *blocks)
{
    static char out[32768];
    struct tl_error err = { 0 };
    struct tl_passage *ps = NULL;
    struct tl_buf text;
    struct tl_doc d;
    size_t n = 0, len = 0;

    doc_of(&d, blocks);
    tl_buf_init(&text, 0);
    ck_assert_int_eq(tl_passages_make(&d, &text, &ps, &n, &err), TL_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t m = ps[i].end - ps[i].start;
        ck_assert_uint_le(ps[i].src_start, ps[i].src_end);
        ck_assert_uint_lt(len + m + 2, sizeof out);
        if (i > 0)
            out[len++] = '|';
        memcpy(out + len, text.data + ps[i].start, m);
        len += m;
        out[len] = '\0';
    }
    free(ps);
    tl_buf_release(&text);
    tl_doc_release(&d);
    return out;
}

#define LONG_A "One two three four five six seven eight nine."
#define LONG_B "Ten eleven twelve thirteen fourteen fifteen sixteen seventeen."

START_TEST(test_paragraphs_become_passages)
{
    const char *b[] = { LONG_A, LONG_B, NULL };
    ck_assert_str_eq(make(b), LONG_A "|" LONG_B);
}
END_TEST

START_TEST(test_fragments_join_the_next_block)
{
    const char *b[] = { "# A heading", LONG_A, "Short line.", LONG_B, NULL };
    ck_assert_str_eq(make(b), "A heading\n" LONG_A "|Short line.\n" LONG_B);
}
END_TEST

START_TEST(test_last_fragment_joins_the_one_before)
{
    const char *b[] = { LONG_A, "The end.", NULL };
    ck_assert_str_eq(make(b), LONG_A "\nThe end.");
}
END_TEST

START_TEST(test_a_lone_fragment_is_a_passage)
{
    const char *b[] = { "Only this.", NULL };
    ck_assert_str_eq(make(b), "Only this.");
}
END_TEST

START_TEST(test_dropped_blocks_are_left_out)
{
    const char *b[] = { LONG_A, "Read more: elsewhere", LONG_B, NULL };
    struct tl_error err = { 0 };
    struct tl_passage *ps = NULL;
    struct tl_buf text;
    struct tl_doc d;
    size_t n = 0;

    doc_of(&d, b);
    d.blocks[1].drop = "read-more";
    tl_buf_init(&text, 0);
    ck_assert_int_eq(tl_passages_make(&d, &text, &ps, &n, &err), TL_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(ps[1].first_block, 2);
    free(ps);
    tl_buf_release(&text);
    tl_doc_release(&d);
}
END_TEST

START_TEST(test_long_paragraph_splits_at_sentences)
{
    static char big[40000];
    const char *b[] = { big, NULL };
    const char *out, *p;
    size_t len = 0, parts = 1;

    for (int i = 0; i < 100; i++)   /* 100 sentences of 10 words */
        len += (size_t)snprintf(big + len, sizeof big - len, "%sSentence "
                                "number %d has exactly ten words in it, see.",
                                i > 0 ? " " : "", i);
    out = make(b);
    for (p = out; (p = strchr(p, '|')) != NULL; p++) {
        parts++;
        ck_assert(p[-1] == '.');            /* cut after a full stop */
        ck_assert(strncmp(p + 1, "Sentence", 8) == 0);
    }
    ck_assert_uint_eq(parts, 4);            /* 1000 words / 300 */
}
END_TEST

START_TEST(test_abbreviations_do_not_end_sentences)
{
    static char big[40000];
    const char *b[] = { big, NULL };
    const char *p;
    size_t len = 0;

    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(big + len, sizeof big - len, "%sGen. Khan "
                                "met U.S. envoys and Mr. Lee at nine.",
                                i > 0 ? " " : "");
    for (p = make(b); (p = strchr(p, '|')) != NULL; p++)
        ck_assert(strncmp(p + 1, "Gen. Khan", 9) == 0);
}
END_TEST

START_TEST(test_a_sentence_with_no_end_is_cut_at_words)
{
    static char big[80000];
    const char *b[] = { big, NULL };
    const char *out;
    size_t len = 0, parts = 1;

    for (int i = 0; i < 1300; i++)
        len += (size_t)snprintf(big + len, sizeof big - len, "word%d ", i);
    out = make(b);
    for (const char *p = out; (p = strchr(p, '|')) != NULL; p++)
        parts++;
    ck_assert_uint_eq(parts, 3);            /* 1300 words / 600 */
}
END_TEST

/* A paragraph of n sentences of ten words each. */
static const char *
sentences(char *buf, size_t size, int n)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, size - len, "%sLine %d of this "
                                "paragraph has ten words, no more.",
                                i > 0 ? " " : "", i);
    ck_assert_uint_lt(len, size);
    return buf;
}

/* The number of passages in make()'s output. */
static size_t
count_parts(const char *out)
{
    size_t parts = *out != '\0';

    for (const char *p = out; (p = strchr(p, '|')) != NULL; p++)
        parts++;
    return parts;
}

START_TEST(test_long_paragraph_after_a_heading_splits)
{
    static char big[20000];
    const char *b[] = { "# Background", sentences(big, sizeof big, 72),
                        NULL };
    const char *out = make(b);

    ck_assert_uint_eq(count_parts(out), 3);     /* 720 words: 300/300/120 */
    ck_assert(strncmp(out, "Background\nLine 0 ", 18) == 0);
    ck_assert(strstr(out, ".|Line 30 ") != NULL);
    ck_assert(strstr(out, ".|Line 60 ") != NULL);
}
END_TEST

START_TEST(test_long_paragraph_after_a_short_line_splits)
{
    static char big[20000];
    const char *b[] = { "Short line.", sentences(big, sizeof big, 72), NULL };
    const char *out = make(b);

    ck_assert_uint_eq(count_parts(out), 3);
    ck_assert(strncmp(out, "Short line.\nLine 0 ", 19) == 0);
}
END_TEST

START_TEST(test_heading_joins_the_first_piece_with_its_bytes)
{
    static char big[20000];
    const char *b[] = { "# Background", sentences(big, sizeof big, 72),
                        NULL };
    struct tl_error err = { 0 };
    struct tl_passage *ps = NULL;
    struct tl_buf text;
    struct tl_doc d;
    size_t n = 0;

    doc_of(&d, b);
    tl_buf_init(&text, 0);
    ck_assert_int_eq(tl_passages_make(&d, &text, &ps, &n, &err), TL_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(ps[0].first_block, 0);    /* the heading */
    ck_assert_uint_eq(ps[0].last_block, 1);
    ck_assert_uint_eq(ps[0].src_start, d.blocks[0].src_start);
    ck_assert_uint_lt(ps[0].src_end, d.blocks[1].src_end);
    ck_assert_uint_eq(ps[1].src_start, ps[0].src_end + 1);  /* the space */
    ck_assert_uint_eq(ps[2].src_end, d.blocks[1].src_end);
    free(ps);
    tl_buf_release(&text);
    tl_doc_release(&d);
}
END_TEST

Suite *
passage_suite(void)
{
    Suite *s = suite_create("passage");
    TCase *tc = tcase_create("split");

    tcase_add_test(tc, test_blank_lines_separate_paragraphs);
    tcase_add_test(tc, test_single_breaks_split_when_no_blank_line);
    tcase_add_test(tc, test_white_space_is_trimmed);
    tcase_add_test(tc, test_empty_text_has_no_passage);
    tcase_add_test(tc, test_no_final_newline);
    suite_add_tcase(s, tc);
    tc = tcase_create("make");
    tcase_add_test(tc, test_paragraphs_become_passages);
    tcase_add_test(tc, test_fragments_join_the_next_block);
    tcase_add_test(tc, test_last_fragment_joins_the_one_before);
    tcase_add_test(tc, test_a_lone_fragment_is_a_passage);
    tcase_add_test(tc, test_dropped_blocks_are_left_out);
    tcase_add_test(tc, test_long_paragraph_splits_at_sentences);
    tcase_add_test(tc, test_abbreviations_do_not_end_sentences);
    tcase_add_test(tc, test_a_sentence_with_no_end_is_cut_at_words);
    tcase_add_test(tc, test_long_paragraph_after_a_heading_splits);
    tcase_add_test(tc, test_long_paragraph_after_a_short_line_splits);
    tcase_add_test(tc, test_heading_joins_the_first_piece_with_its_bytes);
    suite_add_tcase(s, tc);
    return s;
}
