/* test-jsonl.c - the benchmark's strict JSON Lines reader. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonl.h"
#include "unit.h"

static const char *const keys[] = { "id", "title", "text", NULL };
static char *vals[4];
static struct tl_error err;

static enum tl_status
parse(const char *line)
{
    memset(&err, 0, sizeof err);
    for (int i = 0; i < 3; i++) {
        free(vals[i]);
        vals[i] = NULL;
    }
    return jsonl_parse_object(line, strlen(line), keys, vals, &err);
}

static void
release(void)
{
    for (int i = 0; i < 3; i++) {
        free(vals[i]);
        vals[i] = NULL;
    }
}

START_TEST(test_keeps_the_wanted_strings)
{
    ck_assert_int_eq(parse("{\"id\": \"d7\", \"title\": \"On ferns\", "
                           "\"text\": \"Ferns grow.\"}"), TL_OK);
    ck_assert_str_eq(vals[0], "d7");
    ck_assert_str_eq(vals[1], "On ferns");
    ck_assert_str_eq(vals[2], "Ferns grow.");
    release();
}
END_TEST

START_TEST(test_missing_members_stay_null)
{
    ck_assert_int_eq(parse("{\"id\":\"x\"}"), TL_OK);
    ck_assert_str_eq(vals[0], "x");
    ck_assert_ptr_null(vals[1]);
    ck_assert_ptr_null(vals[2]);
    ck_assert_int_eq(parse("{}"), TL_OK);
    ck_assert_ptr_null(vals[0]);
    release();
}
END_TEST

START_TEST(test_other_members_of_any_type_are_skipped)
{
    ck_assert_int_eq(parse("{\"n\": -12.5e+3, \"ok\": true, \"no\": false, "
                           "\"z\": null, \"list\": [1, [2, {\"a\": \"b\"}], "
                           "\"c\"], \"obj\": {\"id\": \"inner\"}, "
                           "\"id\": \"outer\", \"e\": [], \"o\": {}}"),
                     TL_OK);
    ck_assert_str_eq(vals[0], "outer");
    release();
}
END_TEST

START_TEST(test_simple_escapes_are_decoded)
{
    ck_assert_int_eq(parse("{\"text\": \"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}"),
                     TL_OK);
    ck_assert_str_eq(vals[2], "a\"b\\c/d\be\ff\ng\rh\ti");
    release();
}
END_TEST

START_TEST(test_unicode_escapes_become_utf8)
{
    /* U+00E9, U+03B2, U+20AC, and U+1F600 as a surrogate pair */
    ck_assert_int_eq(parse("{\"text\": \"caf\\u00e9 \\u03B2 \\u20ac "
                           "\\ud83d\\ude00\"}"), TL_OK);
    ck_assert_str_eq(vals[2], "caf\xc3\xa9 \xce\xb2 \xe2\x82\xac "
                              "\xf0\x9f\x98\x80");
    release();
}
END_TEST

START_TEST(test_raw_utf8_is_kept)
{
    ck_assert_int_eq(parse("{\"text\": \"na\xc3\xafve \xe2\x80\x94 ok\"}"),
                     TL_OK);
    ck_assert_str_eq(vals[2], "na\xc3\xafve \xe2\x80\x94 ok");
    release();
}
END_TEST

START_TEST(test_escaped_member_names_match)
{
    ck_assert_int_eq(parse("{\"\\u0069d\": \"y\"}"), TL_OK);
    ck_assert_str_eq(vals[0], "y");
    release();
}
END_TEST

START_TEST(test_lone_surrogates_are_refused)
{
    ck_assert_int_eq(parse("{\"text\": \"\\ud83d\"}"), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "surrogate"));
    ck_assert_int_eq(parse("{\"text\": \"\\ud83dx\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\\ude00\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\\ud83d\\u0041\"}"), TL_ERR_INPUT);
    ck_assert_ptr_null(vals[2]);
}
END_TEST

START_TEST(test_bad_escapes_are_refused)
{
    ck_assert_int_eq(parse("{\"text\": \"\\x41\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\\u12\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\\u12g4\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\\u0000\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"ends with \\"), TL_ERR_INPUT);
}
END_TEST

START_TEST(test_invalid_utf8_is_refused)
{
    ck_assert_int_eq(parse("{\"text\": \"\xff\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\xc0\xaf\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\xed\xa0\x80\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\xe2\x82\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"\xf4\x90\x80\x80\"}"), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "UTF-8"));
}
END_TEST

START_TEST(test_control_characters_in_strings_are_refused)
{
    ck_assert_int_eq(parse("{\"text\": \"a\tb\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"text\": \"a\nb\"}"), TL_ERR_INPUT);
}
END_TEST

START_TEST(test_not_one_object_is_refused)
{
    ck_assert_int_eq(parse("[\"id\"]"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("\"id\""), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"id\": \"a\"} {}"), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "after the object"));
    ck_assert_int_eq(parse("{\"id\": \"a\""), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"id\": \"a\",}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"id\" \"a\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{id: \"a\"}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse(""), TL_ERR_INPUT);
}
END_TEST

START_TEST(test_bad_numbers_and_literals_are_refused)
{
    ck_assert_int_eq(parse("{\"n\": 01}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"n\": 1.}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"n\": .5}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"n\": 1e}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"n\": +1}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"n\": tru}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"n\": NaN}"), TL_ERR_INPUT);
    ck_assert_int_eq(parse("{\"n\": [1 2]}"), TL_ERR_INPUT);
}
END_TEST

START_TEST(test_a_wanted_member_must_be_a_string_given_once)
{
    ck_assert_int_eq(parse("{\"id\": 42}"), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "string"));
    ck_assert_int_eq(parse("{\"id\": \"a\", \"id\": \"b\"}"), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "twice"));
    ck_assert_ptr_null(vals[0]);
}
END_TEST

START_TEST(test_errors_name_the_column)
{
    ck_assert_int_eq(parse("{\"nn\": x}"), TL_ERR_INPUT);
    ck_assert_str_eq(err.msg, "column 8: a digit expected");
}
END_TEST

START_TEST(test_nesting_is_capped)
{
    char line[512];
    size_t n = 0;

    n += (size_t)snprintf(line, sizeof line, "{\"a\": ");
    for (int i = 0; i < JSONL_DEPTH_MAX + 1; i++)
        line[n++] = '[';
    for (int i = 0; i < JSONL_DEPTH_MAX + 1; i++)
        line[n++] = ']';
    line[n++] = '}';
    line[n] = '\0';
    ck_assert_int_eq(parse(line), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "deeply"));
}
END_TEST

/* ---- files ----------------------------------------------------------- */

struct seen {
    char text[256];
    size_t lines;
};

static int
collect(void *ctx, size_t lineno, char **values)
{
    struct seen *s = ctx;
    size_t len = strlen(s->text);

    snprintf(s->text + len, sizeof s->text - len, "%zu:%s=%s;", lineno,
             values[0] ? values[0] : "-", values[2] ? values[2] : "-");
    s->lines++;
    return 0;
}

static const char *
write_file(const char *content)
{
    static char path[] = "/tmp/test-jsonl.XXXXXX";
    int fd;

    memcpy(path + strlen(path) - 6, "XXXXXX", 6);
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, content, strlen(content)),
                     (ssize_t)strlen(content));
    close(fd);
    return path;
}

START_TEST(test_reads_every_line)
{
    const char *path = write_file("{\"id\":\"1\",\"text\":\"one\"}\n"
                                  "{\"id\":\"2\",\"text\":\"two\"}");
    struct seen s = { "", 0 };

    ck_assert_int_eq(jsonl_read_file(path, keys, collect, &s, &err), TL_OK);
    ck_assert_str_eq(s.text, "1:1=one;2:2=two;");
    unlink(path);
}
END_TEST

START_TEST(test_a_bad_line_names_file_and_line)
{
    const char *path = write_file("{\"id\":\"1\"}\n{\"id\":\"2\",}\n");
    struct seen s = { "", 0 };
    char want[128];

    ck_assert_int_eq(jsonl_read_file(path, keys, collect, &s, &err),
                     TL_ERR_INPUT);
    snprintf(want, sizeof want, "%s:2: column 11: a member name expected",
             path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(s.lines, 1);
    unlink(path);
}
END_TEST

START_TEST(test_an_empty_line_is_an_error)
{
    const char *path = write_file("{\"id\":\"1\"}\n\n{\"id\":\"2\"}\n");
    struct seen s = { "", 0 };

    ck_assert_int_eq(jsonl_read_file(path, keys, collect, &s, &err),
                     TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, ":2: an empty line"));
    unlink(path);
}
END_TEST

START_TEST(test_a_missing_file_is_an_io_error)
{
    struct seen s = { "", 0 };

    ck_assert_int_eq(jsonl_read_file("/nonexistent/docs.jsonl", keys,
                                     collect, &s, &err), TL_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/docs.jsonl"));
}
END_TEST

Suite *
jsonl_suite(void)
{
    Suite *s = suite_create("jsonl");
    TCase *tc = tcase_create("object");

    tcase_add_test(tc, test_keeps_the_wanted_strings);
    tcase_add_test(tc, test_missing_members_stay_null);
    tcase_add_test(tc, test_other_members_of_any_type_are_skipped);
    tcase_add_test(tc, test_simple_escapes_are_decoded);
    tcase_add_test(tc, test_unicode_escapes_become_utf8);
    tcase_add_test(tc, test_raw_utf8_is_kept);
    tcase_add_test(tc, test_escaped_member_names_match);
    tcase_add_test(tc, test_lone_surrogates_are_refused);
    tcase_add_test(tc, test_bad_escapes_are_refused);
    tcase_add_test(tc, test_invalid_utf8_is_refused);
    tcase_add_test(tc, test_control_characters_in_strings_are_refused);
    tcase_add_test(tc, test_not_one_object_is_refused);
    tcase_add_test(tc, test_bad_numbers_and_literals_are_refused);
    tcase_add_test(tc, test_a_wanted_member_must_be_a_string_given_once);
    tcase_add_test(tc, test_errors_name_the_column);
    tcase_add_test(tc, test_nesting_is_capped);
    suite_add_tcase(s, tc);
    tc = tcase_create("file");
    tcase_add_test(tc, test_reads_every_line);
    tcase_add_test(tc, test_a_bad_line_names_file_and_line);
    tcase_add_test(tc, test_an_empty_line_is_an_error);
    tcase_add_test(tc, test_a_missing_file_is_an_io_error);
    suite_add_tcase(s, tc);
    return s;
}
