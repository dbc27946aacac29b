/* test-passage.c - splitting text into passages. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

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
    return s;
}
