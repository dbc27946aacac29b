/* test-synonyms.c - the synonym thesaurus: parsing, lookup, the default
 * file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synonyms.h"
#include "unit.h"

static struct tl_synonyms *
parse(const char *text)
{
    struct tl_error err = { 0 };
    struct tl_synonyms *s = NULL;

    ck_assert_msg(tl_synonyms_parse(unit_db, text, strlen(text), "syn.txt",
                                    &s, &err) == TL_OK, "parse: %s", err.msg);
    ck_assert_ptr_nonnull(s);
    return s;
}

/* The message of parsing text, which must fail with TL_ERR_USAGE. */
static const char *
parse_error(const char *text)
{
    static struct tl_error err;
    struct tl_synonyms *s = (struct tl_synonyms *)&err;    /* must be reset */

    memset(&err, 0, sizeof err);
    ck_assert_int_eq(tl_synonyms_parse(unit_db, text, strlen(text), "syn.txt",
                                       &s, &err), TL_ERR_USAGE);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(err.code, TL_ERR_USAGE);
    return err.msg;
}

/* The group text's words belong to, or -1. */
static long
group_of(const struct tl_synonyms *s, const char *text)
{
    struct tl_error err = { 0 };
    size_t g = 0;
    int found = -1;

    ck_assert_msg(tl_synonyms_lookup(unit_db, s, text, strlen(text), &found,
                                     &g, &err) == TL_OK, "%s", err.msg);
    ck_assert(found == 0 || found == 1);
    return found ? (long)g : -1;
}

/* Group g's names joined by " | ". */
static const char *
names(const struct tl_synonyms *s, size_t g)
{
    static char out[1024];
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < tl_synonyms_group_size(s, g); i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
                                i > 0 ? " | " : "",
                                tl_synonyms_name(s, g, i));
    return out;
}

START_TEST(test_each_line_is_a_group_of_names)
{
    struct tl_synonyms *s = parse("ISI = Inter-Services Intelligence\n"
                                  "TTP = Tehrik-i-Taliban Pakistan = "
                                  "Pakistani Taliban\n");

    ck_assert_uint_eq(tl_synonyms_count(s), 2);
    ck_assert_uint_eq(tl_synonyms_group_size(s, 0), 2);
    ck_assert_uint_eq(tl_synonyms_group_size(s, 1), 3);
    ck_assert_str_eq(names(s, 0), "ISI | Inter Services Intelligence");
    ck_assert_str_eq(names(s, 1), "TTP | Tehrik i Taliban Pakistan | "
                     "Pakistani Taliban");
    ck_assert_uint_eq(tl_synonyms_line(s, 0), 1);
    ck_assert_uint_eq(tl_synonyms_line(s, 1), 2);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_names_match_on_stems)
{
    struct tl_synonyms *s = parse("ISI = Inter-Services Intelligence\n"
                                  "LoC = Line of Control\n");

    ck_assert_int_eq(group_of(s, "ISI"), 0);
    ck_assert_int_eq(group_of(s, "isi"), 0);
    ck_assert_int_eq(group_of(s, "inter services intelligence"), 0);
    ck_assert_int_eq(group_of(s, "Inter–Services Intelligence’s"), 0);
    ck_assert_int_eq(group_of(s, "LOC"), 1);
    ck_assert_int_eq(group_of(s, "lines of control"), 1);
    ck_assert_int_eq(group_of(s, "line control"), -1);
    ck_assert_int_eq(group_of(s, "line of control post"), -1);
    ck_assert_int_eq(group_of(s, "--"), -1);
    ck_assert_int_eq(group_of(s, ""), -1);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_find_takes_stems_joined_by_spaces)
{
    struct tl_synonyms *s = parse("LoC = Line of Control\n");
    size_t g = 99;

    ck_assert_int_eq(tl_synonyms_find(s, "line of control", 15, &g), 1);
    ck_assert_uint_eq(g, 0);
    ck_assert_int_eq(tl_synonyms_find(s, "loc", 3, &g), 1);
    ck_assert_int_eq(tl_synonyms_find(s, "line", 4, &g), 0);
    ck_assert_int_eq(tl_synonyms_find(s, "line  of control", 16, &g), 0);
    ck_assert_int_eq(tl_synonyms_find(NULL, "loc", 3, &g), 0);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_comments_blank_lines_bom_and_crlf_are_ignored)
{
    struct tl_synonyms *s = parse("\xEF\xBB\xBF# a comment\r\n"
                                  "\r\n"
                                  "   \t\n"
                                  "  FATF = Financial Action Task Force  "
                                  "# watchdog\r\n"
                                  "IMF=International Monetary Fund");

    ck_assert_uint_eq(tl_synonyms_count(s), 2);
    ck_assert_str_eq(names(s, 0), "FATF | Financial Action Task Force");
    ck_assert_str_eq(names(s, 1), "IMF | International Monetary Fund");
    ck_assert_uint_eq(tl_synonyms_line(s, 0), 4);
    ck_assert_uint_eq(tl_synonyms_line(s, 1), 5);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_empty_file_has_no_group)
{
    struct tl_synonyms *s = parse("# nothing yet\n\n");

    ck_assert_uint_eq(tl_synonyms_count(s), 0);
    ck_assert_int_eq(group_of(s, "isi"), -1);
    tl_synonyms_free(s);
    s = parse("");
    ck_assert_uint_eq(tl_synonyms_count(s), 0);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_spellings_that_stem_alike_are_one_name)
{
    struct tl_synonyms *s = parse("USA = U.S.A. = United States = "
                                  "united states\n");

    ck_assert_str_eq(names(s, 0), "USA | United States");
    ck_assert_int_eq(group_of(s, "U.S.A."), 0);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_name_text_keeps_apostrophes_and_acronyms)
{
    struct tl_synonyms *s = parse("USAID = U.S. Agency for International "
                                  "Development\n"
                                  "PPP = Pakistan People's Party\n");

    ck_assert_str_eq(names(s, 0), "USAID | U.S Agency for International "
                     "Development");
    ck_assert_str_eq(names(s, 1), "PPP | Pakistan People's Party");
    ck_assert_int_eq(group_of(s, "us agency for international development"),
                     0);
    ck_assert_int_eq(group_of(s, "Pakistan Peoples Party"), 1);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_a_line_without_equals_is_refused)
{
    ck_assert_str_eq(parse_error("# groups\nISI\n"),
                     "synonyms file 'syn.txt' line 2: 'ISI' is alone: a "
                     "group needs two or more names separated by '=', e.g. "
                     "ISI = Inter-Services Intelligence");
}
END_TEST

START_TEST(test_empty_names_are_refused)
{
    ck_assert_str_eq(parse_error("= ISI\n"), "synonyms file 'syn.txt' line "
                     "1: empty name before the first '='");
    ck_assert_str_eq(parse_error("ISI = = Inter-Services Intelligence\n"),
                     "synonyms file 'syn.txt' line 1: empty name between "
                     "two '='");
    ck_assert_str_eq(parse_error("IMF = Fund\nISI =  # nothing\n"),
                     "synonyms file 'syn.txt' line 2: empty name after the "
                     "last '='");
}
END_TEST

START_TEST(test_a_name_without_words_is_refused)
{
    ck_assert_str_eq(parse_error("ISI = --\n"), "synonyms file 'syn.txt' "
                     "line 1: '--' has no word (letters or digits)");
}
END_TEST

START_TEST(test_a_name_of_too_many_words_is_refused)
{
    ck_assert_str_eq(parse_error("X = a b c d e f g h i j k l m n o p q\n"),
                     "synonyms file 'syn.txt' line 1: 'a b c d e f g h i j k "
                     "l m n o p q' has 17 words (at most 16)");
    tl_synonyms_free(parse("X = a b c d e f g h i j k l m n o p\n"));
}
END_TEST

START_TEST(test_a_name_in_two_groups_is_refused)
{
    ck_assert_str_eq(parse_error("LoC = Line of Control\n"
                                 "# again\n"
                                 "border = lines of control\n"),
                     "synonyms file 'syn.txt' line 3: 'lines of control' is "
                     "already in the group on line 1 (a name may be in one "
                     "group only)");
}
END_TEST

START_TEST(test_bad_bytes_are_refused)
{
    ck_assert_str_eq(parse_error("ISI = Inter\xff Services\n"),
                     "synonyms file 'syn.txt' line 1: not UTF-8 text, or a "
                     "control character");
    ck_assert_str_eq(parse_error("A = B\nISI = x\x01y\n"),
                     "synonyms file 'syn.txt' line 2: not UTF-8 text, or a "
                     "control character");
}
END_TEST

START_TEST(test_built_in_text_is_named_in_errors)
{
    struct tl_error err = { 0 };
    struct tl_synonyms *s = NULL;

    ck_assert_int_eq(tl_synonyms_parse(unit_db, "ISI", 3, NULL, &s, &err),
                     TL_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "synonyms file '<built-in>' line "
                                 "1: "));
}
END_TEST

START_TEST(test_load_file_reads_and_refuses)
{
    char dir[] = "/tmp/test-synonyms-XXXXXX";
    char path[512];
    struct tl_error err = { 0 };
    struct tl_synonyms *s = NULL;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/syn.txt", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("LoC = Line of Control\nISI\n", f);
    fclose(f);
    ck_assert_int_eq(tl_synonyms_load_file(unit_db, path, &s, &err),
                     TL_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "syn.txt' line 2: 'ISI' is alone"));
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("LoC = Line of Control\n", f);
    fclose(f);
    ck_assert_int_eq(tl_synonyms_load_file(unit_db, path, &s, &err), TL_OK);
    ck_assert_uint_eq(tl_synonyms_count(s), 1);
    tl_synonyms_free(s);
    ck_assert_int_eq(tl_synonyms_load_file(unit_db, dir, &s, &err),
                     TL_ERR_INPUT);
    ck_assert_ptr_null(s);
    unlink(path);
    rmdir(dir);
    ck_assert_int_eq(tl_synonyms_load_file(unit_db, path, &s, &err),
                     TL_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot open synonyms file"));
    ck_assert_ptr_null(s);
    tl_synonyms_free(NULL);
}
END_TEST

START_TEST(test_a_second_text_adds_groups_with_its_own_lines)
{
    struct tl_synonyms *s = parse("ISI = Inter-Services Intelligence\n"
                                  "LoC = Line of Control\n");
    struct tl_error err = { 0 };
    static const char mine[] = "# mine\nFO = Foreign Office\n";

    ck_assert_int_eq(tl_synonyms_add(unit_db, s, mine, strlen(mine),
                                     "mine.txt", &err), TL_OK);
    ck_assert_uint_eq(tl_synonyms_count(s), 3);
    ck_assert_str_eq(names(s, 2), "FO | Foreign Office");
    ck_assert_uint_eq(tl_synonyms_line(s, 2), 2);
    ck_assert_int_eq(group_of(s, "foreign office"), 2);
    ck_assert_int_eq(group_of(s, "ISI"), 0);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_a_failed_add_leaves_the_groups_as_they_were)
{
    static const char mine[] = "FO = Foreign Office\n"
                               "MoFA = Ministry of Foreign Affairs\n"
                               "border = lines of control\n";
    struct tl_synonyms *s = NULL;
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_synonyms_parse(unit_db, "ISI = Inter-Services "
                                       "Intelligence\nLoC = Line of "
                                       "Control\n", 56, NULL, &s, &err),
                     TL_OK);
    ck_assert_int_eq(tl_synonyms_add(unit_db, s, mine, strlen(mine),
                                     "mine.txt", &err), TL_ERR_USAGE);
    ck_assert_str_eq(err.msg, "synonyms file 'mine.txt' line 3: 'lines of "
                     "control' is already in the group on line 2 of "
                     "synonyms file '<built-in>' (a name may be in one group "
                     "only)");
    ck_assert_uint_eq(tl_synonyms_count(s), 2);
    ck_assert_int_eq(group_of(s, "foreign office"), -1);
    ck_assert_int_eq(group_of(s, "MoFA"), -1);
    ck_assert_int_eq(group_of(s, "border"), -1);
    ck_assert_int_eq(group_of(s, "LoC"), 1);
    ck_assert_str_eq(names(s, 1), "LoC | Line of Control");
    /* and it still takes a good text afterwards */
    ck_assert_int_eq(tl_synonyms_add(unit_db, s, mine, 20, "mine.txt", &err),
                     TL_OK);
    ck_assert_int_eq(group_of(s, "FO"), 2);
    tl_synonyms_free(s);
}
END_TEST

START_TEST(test_add_file_reads_a_file_on_top)
{
    char path[] = "/tmp/test-synonyms-XXXXXX";
    struct tl_synonyms *s = parse("ISI = Inter-Services Intelligence\n");
    struct tl_error err = { 0 };
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    ck_assert_ptr_nonnull(f);
    fputs("FO = Foreign Office\nISI = ISI agency\n", f);
    fclose(f);
    ck_assert_int_eq(tl_synonyms_add_file(unit_db, s, path, &err),
                     TL_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "line 2: 'ISI' is already in the "
                                 "group on line 1 of synonyms file "
                                 "'syn.txt'"));
    ck_assert_int_eq(group_of(s, "FO"), -1);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("FO = Foreign Office\n", f);
    fclose(f);
    ck_assert_int_eq(tl_synonyms_add_file(unit_db, s, path, &err), TL_OK);
    ck_assert_int_eq(group_of(s, "FO"), 1);
    unlink(path);
    ck_assert_int_eq(tl_synonyms_add_file(unit_db, s, path, &err),
                     TL_ERR_IO);
    ck_assert_uint_eq(tl_synonyms_count(s), 2);
    tl_synonyms_free(s);
}
END_TEST

/* The built-in groups: data/synonyms.txt as compiled in. */
static struct tl_synonyms *
load_default(void)
{
    struct tl_error err = { 0 };
    struct tl_synonyms *s = NULL;

    ck_assert_msg(tl_synonyms_parse(unit_db, tl_default_synonyms,
                                    strlen(tl_default_synonyms), NULL, &s,
                                    &err) == TL_OK, "%s", err.msg);
    return s;
}

START_TEST(test_default_file_groups_the_usual_names)
{
    struct tl_synonyms *s = load_default();

    ck_assert_uint_ge(tl_synonyms_count(s), 20);
    ck_assert_int_eq(group_of(s, "ISI"),
                     group_of(s, "Inter-Services Intelligence"));
    ck_assert_int_eq(group_of(s, "CPEC"),
                     group_of(s, "China–Pakistan economic corridor"));
    ck_assert_int_eq(group_of(s, "TTP"),
                     group_of(s, "Tehreek-e-Taliban Pakistan"));
    ck_assert_int_eq(group_of(s, "LoC"), group_of(s, "line of control"));
    ck_assert_int_eq(group_of(s, "USA"), group_of(s, "United States"));
    ck_assert_int_ne(group_of(s, "ISI"), -1);
    ck_assert_int_ne(group_of(s, "ISI"), group_of(s, "CPEC"));
    /* left out on purpose: "us" is also the pronoun, "let" the verb */
    ck_assert_int_eq(group_of(s, "US"), -1);
    ck_assert_int_eq(group_of(s, "U.S."), -1);
    ck_assert_int_eq(group_of(s, "LeT"), -1);
    tl_synonyms_free(s);
}
END_TEST

/* How many passages the FTS5 string "name" matches; fails the test when
 * FTS5 refuses it. */
static int
fts_count(const char *name)
{
    char match[512];
    sqlite3_stmt *st = NULL;
    int rc, n;

    snprintf(match, sizeof match, "\"%s\"", name);
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT count(*) FROM "
                                        "passages_fts WHERE passages_fts "
                                        "MATCH ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    ck_assert_msg(rc == SQLITE_ROW, "%s: %s", match, sqlite3_errmsg(unit_db));
    n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Each name's text tokenizes back to that name (the query parser relies
 * on it), and FTS5 accepts it as a quoted string. */
START_TEST(test_default_names_round_trip_through_the_tokenizer)
{
    struct tl_synonyms *s = load_default();

    for (size_t g = 0; g < tl_synonyms_count(s); g++) {
        for (size_t i = 0; i < tl_synonyms_group_size(s, g); i++) {
            const char *name = tl_synonyms_name(s, g, i);

            ck_assert_msg(group_of(s, name) == (long)g, "'%s' (line %u) "
                          "does not find its group", name,
                          tl_synonyms_line(s, g));
            ck_assert_ptr_null(strchr(name, '"'));
            ck_assert_int_eq(fts_count(name), 0);
        }
    }
    tl_synonyms_free(s);
}
END_TEST

Suite *
synonyms_suite(void)
{
    Suite *s = suite_create("synonyms");
    TCase *tc = tcase_create("parse");

    tcase_add_checked_fixture(tc, unit_db_setup, unit_db_teardown);
    tcase_add_test(tc, test_each_line_is_a_group_of_names);
    tcase_add_test(tc, test_names_match_on_stems);
    tcase_add_test(tc, test_find_takes_stems_joined_by_spaces);
    tcase_add_test(tc, test_comments_blank_lines_bom_and_crlf_are_ignored);
    tcase_add_test(tc, test_empty_file_has_no_group);
    tcase_add_test(tc, test_spellings_that_stem_alike_are_one_name);
    tcase_add_test(tc, test_name_text_keeps_apostrophes_and_acronyms);
    tcase_add_test(tc, test_a_line_without_equals_is_refused);
    tcase_add_test(tc, test_empty_names_are_refused);
    tcase_add_test(tc, test_a_name_without_words_is_refused);
    tcase_add_test(tc, test_a_name_of_too_many_words_is_refused);
    tcase_add_test(tc, test_a_name_in_two_groups_is_refused);
    tcase_add_test(tc, test_bad_bytes_are_refused);
    tcase_add_test(tc, test_built_in_text_is_named_in_errors);
    tcase_add_test(tc, test_load_file_reads_and_refuses);
    tcase_add_test(tc, test_a_second_text_adds_groups_with_its_own_lines);
    tcase_add_test(tc, test_a_failed_add_leaves_the_groups_as_they_were);
    tcase_add_test(tc, test_add_file_reads_a_file_on_top);
    suite_add_tcase(s, tc);
    tc = tcase_create("default");
    tcase_add_checked_fixture(tc, unit_db_setup, unit_db_teardown);
    tcase_add_test(tc, test_default_file_groups_the_usual_names);
    tcase_add_test(tc, test_default_names_round_trip_through_the_tokenizer);
    suite_add_tcase(s, tc);
    return s;
}
