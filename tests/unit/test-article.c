/* test-article.c - reading article files and their titles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static char tmpdir[64];

static void
tmp_setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tl-article-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmp_teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Writes n bytes to tmpdir/name; returns the path (static buffer). */
static const char *
write_file(const char *name, const char *bytes, size_t n)
{
    static char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return path;
}

static const char *
title_of(const char *name, const char *text)
{
    static char title[256];
    struct tl_error err = { 0 };
    struct tl_article a;

    tl_article_init(&a);
    ck_assert_msg(tl_article_load(write_file(name, text, strlen(text)), &a,
                                  &err) == TL_OK, "%s", err.msg);
    ck_assert_int_eq(tl_article_extract(&a, &err), TL_OK);
    snprintf(title, sizeof title, "%s", a.title);
    tl_article_release(&a);
    return title;
}

START_TEST(test_load_reads_bytes_size_and_hash)
{
    struct tl_error err = { 0 };
    struct tl_article a, b;

    tl_article_init(&a);
    tl_article_init(&b);
    ck_assert_int_eq(tl_article_load(write_file("a.txt", "hello\n", 6), &a,
                                     &err), TL_OK);
    ck_assert_int_eq(a.size, 6);
    ck_assert_str_eq(a.text.data, "hello\n");
    ck_assert_int_eq(strlen(a.hash), 32);
    ck_assert_int_eq(a.format, TL_FORMAT_TEXT);
    ck_assert_int_eq(tl_article_load(write_file("b.md", "hello!\n", 7), &b,
                                     &err), TL_OK);
    ck_assert_str_ne(a.hash, b.hash);
    ck_assert_int_eq(b.format, TL_FORMAT_MARKDOWN);
    tl_article_release(&a);
    tl_article_release(&b);
    tl_article_release(NULL);
}
END_TEST

START_TEST(test_empty_and_binary_files_are_refused)
{
    struct tl_error err = { 0 };
    struct tl_article a;

    tl_article_init(&a);
    ck_assert_int_eq(tl_article_load(write_file("e.txt", "", 0), &a, &err),
                     TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "empty"));
    ck_assert_ptr_nonnull(strstr(err.msg, "e.txt"));
    ck_assert_int_eq(tl_article_load(write_file("b.txt", "ab\0cd", 5), &a,
                                     &err), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "binary"));
    ck_assert_int_eq(tl_article_load("/nonexistent/x.txt", &a, &err),
                     TL_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/x.txt"));
    ck_assert_int_eq(tl_article_load(write_file("x.pdf", "x", 1), &a, &err),
                     TL_ERR_INPUT);
}
END_TEST

START_TEST(test_title_is_first_short_line)
{
    ck_assert_str_eq(title_of("t.txt", "\n\n  Talks in Doha  \n\nBody text "
                              "follows here."), "Talks in Doha");
    ck_assert_str_eq(title_of("t.md", "# A heading\n\nText."), "A heading");
    ck_assert_str_eq(title_of("t.md", "---\ntitle: x\n---\n## Second\n"),
                     "Second");
    ck_assert_str_eq(title_of("t.txt", "\xef\xbb\xbfWith a BOM\n"),
                     "With a BOM");
}
END_TEST

START_TEST(test_no_title_rather_than_a_sentence)
{
    ck_assert_str_eq(title_of("t.txt", "This opening line is a sentence.\n"),
                     "");
}
END_TEST

static const char *
body_of(const char *name, const char *text)
{
    static char body[256];
    struct tl_error err = { 0 };
    struct tl_article a;

    tl_article_init(&a);
    ck_assert_int_eq(tl_article_load(write_file(name, text, strlen(text)), &a,
                                     &err), TL_OK);
    ck_assert_int_eq(tl_article_extract(&a, &err), TL_OK);
    snprintf(body, sizeof body, "%s", a.text.data + a.body_start);
    tl_article_release(&a);
    return body;
}

START_TEST(test_body_starts_after_front_matter_and_title)
{
    ck_assert_str_eq(body_of("f.md", "---\ntitle: T\n---\n\nA long first "
                             "sentence of the body, not a title."),
                     "\n\nA long first sentence of the body, not a title.");
    ck_assert_str_eq(body_of("f.md", "---\ntitle: T\n---\n# Head\nBody"),
                     "Body");
    ck_assert_str_eq(body_of("t.txt", "\n  Title  \n\nBody\n"), "\nBody\n");
}
END_TEST

Suite *
article_suite(void)
{
    Suite *s = suite_create("article");
    TCase *tc = tcase_create("load");

    tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
    tcase_add_test(tc, test_load_reads_bytes_size_and_hash);
    tcase_add_test(tc, test_empty_and_binary_files_are_refused);
    tcase_add_test(tc, test_title_is_first_short_line);
    tcase_add_test(tc, test_no_title_rather_than_a_sentence);
    tcase_add_test(tc, test_body_starts_after_front_matter_and_title);
    suite_add_tcase(s, tc);
    return s;
}
