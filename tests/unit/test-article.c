/* test-article.c - reading article files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

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
    {   /* XXH3-128 of "hello\n", big-endian, as xxhsum -H2 prints it */
        XXH128_canonical_t c;

        XXH128_canonicalFromHash(&c, XXH3_128bits("hello\n", 6));
        ck_assert_mem_eq(a.hash, c.digest, TL_HASH_SIZE);
    }
    ck_assert_int_eq(a.format, TL_FORMAT_TEXT);
    ck_assert_int_eq(tl_article_load(write_file("b.md", "hello!\n", 7), &b,
                                     &err), TL_OK);
    ck_assert(memcmp(a.hash, b.hash, TL_HASH_SIZE) != 0);
    ck_assert_int_eq(b.format, TL_FORMAT_MARKDOWN);
    tl_article_release(&a);
    tl_article_release(&b);
    tl_article_release(NULL);
}
END_TEST

START_TEST(test_unreadable_and_unknown_files_are_refused)
{
    struct tl_error err = { 0 };
    struct tl_article a;

    tl_article_init(&a);
    ck_assert_int_eq(tl_article_load("/nonexistent/x.txt", &a, &err),
                     TL_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/x.txt"));
    ck_assert_int_eq(tl_article_load(write_file("x.pdf", "x", 1), &a, &err),
                     TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "not a .txt, .md or .html file"));
    ck_assert_int_eq(tl_article_load(tmpdir, &a, &err), TL_ERR_INPUT);
}
END_TEST

START_TEST(test_formats_by_extension)
{
    enum tl_format f;

    ck_assert(tl_format_of_path("a.TXT", &f) && f == TL_FORMAT_TEXT);
    ck_assert(tl_format_of_path("a.markdown", &f) && f == TL_FORMAT_MARKDOWN);
    ck_assert(tl_format_of_path("a.htm", &f) && f == TL_FORMAT_HTML);
    ck_assert(tl_format_of_path("a.html", &f) && f == TL_FORMAT_HTML);
    ck_assert(!tl_format_of_path("a.pdf", &f));
    ck_assert(!tl_format_of_path("txt", &f));
    ck_assert_str_eq(tl_format_name(TL_FORMAT_HTML), "html");
}
END_TEST

Suite *
article_suite(void)
{
    Suite *s = suite_create("article");
    TCase *tc = tcase_create("load");

    tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
    tcase_add_test(tc, test_load_reads_bytes_size_and_hash);
    tcase_add_test(tc, test_unreadable_and_unknown_files_are_refused);
    tcase_add_test(tc, test_formats_by_extension);
    suite_add_tcase(s, tc);
    return s;
}
