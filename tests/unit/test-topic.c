/* test-topic.c - topic rules: parsing and matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "topic.h"
#include "unit.h"

/* The rules of the example, as a rules file would hold them. */
static const char example_rules[] =
    "# comments and blank lines ignored\n"
    "[Afghanistan]\n"
    "Afghanistan\n"
    "Afghan\n"
    "Kabul\n"
    "\n"
    "[CPEC]\n"
    "CPEC\n"
    "China-Pakistan Economic Corridor\n"
    "\n"
    "[Haqqani]\n"
    "Haqqani\n"
    "Haqqanis\n"
    "\n"
    "[Kashmir]\n"
    "Kashmir\n"
    "Kashmiri\n"
    "Line of Control\n"
    "Jammu and Kashmir\n"
    "min_matches = 3     # this topic's own threshold\n";

static struct tl_topics *
parse(const char *text)
{
    struct tl_error err = { 0 };
    struct tl_topics *t = NULL;

    ck_assert_msg(tl_topics_parse(unit_db, text, strlen(text), "rules.txt",
                                  &t, &err) == TL_OK, "parse: %s", err.msg);
    ck_assert_ptr_nonnull(t);
    return t;
}

/* The error message of parsing text, which must fail with TL_ERR_USAGE. */
static const char *
parse_error(const char *text)
{
    static struct tl_error err;
    struct tl_topics *t = (struct tl_topics *)&err;    /* must be reset */

    memset(&err, 0, sizeof err);
    ck_assert_int_eq(tl_topics_parse(unit_db, text, strlen(text), "rules.txt",
                                     &t, &err), TL_ERR_USAGE);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(err.code, TL_ERR_USAGE);
    return err.msg;
}

/* How many times the topic called name matches text; matching the
 * recorded tokens of text (talaash-index's way) counts the same for
 * every topic. */
static unsigned
count(const struct tl_topics *t, const char *name, const char *text)
{
    struct tl_error err = { 0 };
    unsigned counts[64] = { 0 }, again[64] = { 0 };
    struct tl_tokens toks;
    size_t i;

    ck_assert_uint_le(tl_topics_count(t), 64);
    ck_assert_msg(tl_topics_find(t, name, &i), "no topic '%s'", name);
    ck_assert_msg(tl_topics_match(unit_db, t, text, strlen(text), counts,
                                  NULL, NULL, &err) == TL_OK,
                  "match: %s", err.msg);
    tl_tokens_init(&toks);
    ck_assert_int_eq(tl_tokens_record(unit_db, "a first text", 12, &toks,
                                      &err), TL_OK);
    ck_assert_int_eq(tl_tokens_record(unit_db, text, (int)strlen(text),
                                      &toks, &err), TL_OK);
    ck_assert_int_eq(tl_topics_match_tokens(t, &toks, 3, toks.n - 3, again,
                                            &err), TL_OK);
    for (size_t k = 0; k < tl_topics_count(t); k++)
        ck_assert_uint_eq(again[k], counts[k]);
    tl_tokens_release(&toks);
    return counts[i];
}

struct report {
    const struct tl_topics *t;
    const char *text;
    char out[1024];
    size_t len;
};

static void
on_match(void *ctx, size_t topic, size_t start, size_t end)
{
    struct report *r = ctx;
    int n;

    ck_assert_uint_lt(start, end);
    ck_assert_uint_le(end, strlen(r->text));
    n = snprintf(r->out + r->len, sizeof r->out - r->len, "%s%s=%.*s",
                 r->len > 0 ? "|" : "", tl_topics_name(r->t, topic),
                 (int)(end - start), r->text + start);
    ck_assert(n > 0 && (size_t)n < sizeof r->out - r->len);
    r->len += (size_t)n;
}

/* Every counted match in text as "Topic=matched text", joined by '|'. */
static const char *
matches(const struct tl_topics *t, const char *text)
{
    static struct report r;
    struct tl_error err = { 0 };
    unsigned counts[64] = { 0 };

    memset(&r, 0, sizeof r);
    r.t = t;
    r.text = text;
    ck_assert_msg(tl_topics_match(unit_db, t, text, strlen(text), counts,
                                  on_match, &r, &err) == TL_OK,
                  "match: %s", err.msg);
    return r.out;
}

/* ---- parsing ------------------------------------------------------------ */

START_TEST(test_parses_topics_in_file_order)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_uint_eq(tl_topics_count(t), 4);
    ck_assert_str_eq(tl_topics_name(t, 0), "Afghanistan");
    ck_assert_str_eq(tl_topics_name(t, 1), "CPEC");
    ck_assert_str_eq(tl_topics_name(t, 2), "Haqqani");
    ck_assert_str_eq(tl_topics_name(t, 3), "Kashmir");
    tl_topics_free(t);
}
END_TEST

START_TEST(test_min_matches_defaults_to_two)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_int_eq(TL_TOPIC_MIN_MATCHES_DEFAULT, 2);
    ck_assert_int_eq(tl_topics_min_matches(t, 0), 2);
    ck_assert_int_eq(tl_topics_min_matches(t, 2), 2);
    ck_assert_int_eq(tl_topics_min_matches(t, 3), 3);  /* its own */
    tl_topics_free(t);
}
END_TEST

START_TEST(test_global_min_matches_applies_to_topics_without_their_own)
{
    struct tl_topics *t = parse("min_matches = 4\n"
                                "[A]\nalpha\n"
                                "[B]\nbeta\nmin_matches=1\n"
                                "[C]\ngamma\n");

    ck_assert_int_eq(tl_topics_min_matches(t, 0), 4);
    ck_assert_int_eq(tl_topics_min_matches(t, 1), 1);
    ck_assert_int_eq(tl_topics_min_matches(t, 2), 4);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_comments_blank_lines_and_crlf_are_ignored)
{
    struct tl_topics *t = parse("\xEF\xBB\xBF# a BOM, then a comment\r\n"
                                "\r\n"
                                "   [  Drone strikes  ]   # trailing\r\n"
                                "\tdrone   # a word\r\n"
                                "   \t  \r\n"
                                "# [Not a topic]\r\n"
                                "drone strike");

    ck_assert_uint_eq(tl_topics_count(t), 1);
    ck_assert_str_eq(tl_topics_name(t, 0), "Drone strikes");
    ck_assert_uint_eq(count(t, "drone strikes", "Drones, and a drone."), 2);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_empty_rules_have_no_topic)
{
    struct tl_error err = { 0 };
    struct tl_topics *t = parse("");
    unsigned c = 7;

    ck_assert_uint_eq(tl_topics_count(t), 0);
    ck_assert_int_eq(tl_topics_match(unit_db, t, "Kabul", 5, &c, NULL, NULL,
                                     &err), TL_OK);
    ck_assert_uint_eq(c, 7);
    tl_topics_free(t);
    ck_assert_int_eq(tl_topics_parse(unit_db, NULL, 0, NULL, &t, &err),
                     TL_OK);
    ck_assert_uint_eq(tl_topics_count(t), 0);
    tl_topics_free(t);
    t = parse("# only comments\n\nmin_matches = 3\n");
    ck_assert_uint_eq(tl_topics_count(t), 0);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_topic_without_terms_is_kept_and_never_matches)
{
    struct tl_topics *t = parse("[By name only]\n[Kabul]\nKabul\n");

    ck_assert_uint_eq(tl_topics_count(t), 2);
    ck_assert_uint_eq(count(t, "by name only", "By name only, Kabul."), 0);
    ck_assert_uint_eq(count(t, "kabul", "By name only, Kabul."), 1);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_find_ignores_ascii_case)
{
    struct tl_topics *t = parse(example_rules);
    size_t i = 99;

    ck_assert(tl_topics_find(t, "kashmir", &i));
    ck_assert_uint_eq(i, 3);
    ck_assert(tl_topics_find(t, "cpec", &i));
    ck_assert_uint_eq(i, 1);
    ck_assert(tl_topics_find(t, "AFGHANISTAN", &i));
    ck_assert_uint_eq(i, 0);
    i = 99;
    ck_assert(!tl_topics_find(t, "Kashmi", &i));
    ck_assert(!tl_topics_find(t, "Kashmirs", &i));
    ck_assert(!tl_topics_find(t, "", &i));
    ck_assert_uint_eq(i, 99);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_term_before_any_topic_is_an_error)
{
    ck_assert_str_eq(parse_error("# rules\nKabul\n[Afghanistan]\n"),
                     "topics file 'rules.txt' line 2: term 'Kabul' before "
                     "any [topic] line");
}
END_TEST

START_TEST(test_empty_topic_name_is_an_error)
{
    ck_assert_str_eq(parse_error("[A]\nalpha\n\n[   ]\nbeta\n"),
                     "topics file 'rules.txt' line 4: empty topic name");
    ck_assert_str_eq(parse_error("[]"),
                     "topics file 'rules.txt' line 1: empty topic name");
}
END_TEST

START_TEST(test_bad_section_lines_are_errors)
{
    ck_assert_str_eq(parse_error("[A]\nalpha\n[Kashmir\n"),
                     "topics file 'rules.txt' line 3: missing ']' after the "
                     "topic name");
    ck_assert_str_eq(parse_error("[Kashmir] extra\n"),
                     "topics file 'rules.txt' line 1: text after ']'");
    ck_assert_str_eq(parse_error("[[Kashmir]]\n"),
                     "topics file 'rules.txt' line 1: bad topic name "
                     "'[Kashmir]' (no brackets inside)");
}
END_TEST

START_TEST(test_term_without_a_word_is_an_error)
{
    ck_assert_str_eq(parse_error("[A]\nalpha\n -- ...\n"),
                     "topics file 'rules.txt' line 3: term '-- ...' has no "
                     "word");
}
END_TEST

START_TEST(test_duplicate_topic_ignores_case)
{
    ck_assert_str_eq(parse_error("[Kashmir]\nKashmir\n\n[KASHMIR]\nLoC\n"),
                     "topics file 'rules.txt' line 4: duplicate topic "
                     "'KASHMIR' (first on line 1)");
}
END_TEST

START_TEST(test_unknown_setting_is_an_error)
{
    ck_assert_str_eq(parse_error("[A]\nalpha\nmax_matches = 3\n"),
                     "topics file 'rules.txt' line 3: unknown setting "
                     "'max_matches' (the only one is min_matches)");
    ck_assert_str_eq(parse_error("MIN_MATCHES = 3\n"),
                     "topics file 'rules.txt' line 1: unknown setting "
                     "'MIN_MATCHES' (the only one is min_matches)");
    ck_assert_str_eq(parse_error("[A]\nE = mc2\n"),
                     "topics file 'rules.txt' line 2: unknown setting 'E' "
                     "(the only one is min_matches)");
}
END_TEST

START_TEST(test_bad_min_matches_is_an_error)
{
    static const char *const bad[] = {
        "0", "-1", "1001", "two", "2x", "", "+2", " 2 3", "99999999999999999",
    };
    char text[128], want[256];

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "[A]\nalpha\nmin_matches =%s\n", bad[i]);
        snprintf(want, sizeof want, "topics file 'rules.txt' line 3: bad "
                 "min_matches '%s' (want a whole number from 1 to 1000)",
                 bad[i][0] == ' ' ? bad[i] + 1 : bad[i]);
        ck_assert_str_eq(parse_error(text), want);
    }
}
END_TEST

START_TEST(test_min_matches_set_twice_is_an_error)
{
    ck_assert_str_eq(parse_error("min_matches = 2\nmin_matches = 3\n"),
                     "topics file 'rules.txt' line 2: min_matches set twice");
    ck_assert_str_eq(parse_error("min_matches = 2\n[A]\nmin_matches = 3\n"
                                 "alpha\nmin_matches = 1\n"),
                     "topics file 'rules.txt' line 5: min_matches set twice");
}
END_TEST

START_TEST(test_term_of_more_than_eight_words_is_an_error)
{
    struct tl_topics *t = parse("[Long]\none two three four five six seven "
                                "eight\n");

    ck_assert_uint_eq(count(t, "long", "One, two, three, four, five, six, "
                                       "seven, eight!"), 1);
    tl_topics_free(t);
    ck_assert_str_eq(parse_error("[Long]\none two three four five six seven "
                                 "eight nine\n"),
                     "topics file 'rules.txt' line 2: term 'one two three "
                     "four five six seven eight nine' has 9 words (at most "
                     "8)");
}
END_TEST

START_TEST(test_invalid_utf8_and_control_characters_are_errors)
{
    ck_assert_str_eq(parse_error("[A]\nalpha\n[Caf\xE9]\n"),
                     "topics file 'rules.txt' line 3: not UTF-8 text, or a "
                     "control character");
    ck_assert_str_eq(parse_error("[A]\nal\x01pha\n"),
                     "topics file 'rules.txt' line 2: not UTF-8 text, or a "
                     "control character");
}
END_TEST

START_TEST(test_error_names_builtin_rules_without_path)
{
    struct tl_error err = { 0 };
    struct tl_topics *t = NULL;

    ck_assert_int_eq(tl_topics_parse(unit_db, "x\n", 2, NULL, &t, &err),
                     TL_ERR_USAGE);
    ck_assert_str_eq(err.msg, "topics file '<built-in>' line 1: term 'x' "
                     "before any [topic] line");
}
END_TEST

START_TEST(test_load_file_reads_rules)
{
    char path[] = "/tmp/talaash-topics-XXXXXX";
    struct tl_error err = { 0 };
    struct tl_topics *t = NULL;
    int fd = mkstemp(path);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(example_rules, f);
    fputs("[Bad\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(tl_topics_load_file(unit_db, path, &t, &err),
                     TL_ERR_USAGE);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err.msg, "line 21: missing ']'") != NULL, "%s",
                  err.msg);
    ck_assert_msg(strstr(err.msg, path) != NULL, "%s", err.msg);

    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(example_rules, f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(tl_topics_load_file(unit_db, path, &t, &err), TL_OK);
    ck_assert_uint_eq(tl_topics_count(t), 4);
    tl_topics_free(t);
    unlink(path);
}
END_TEST

START_TEST(test_load_file_reports_a_missing_file)
{
    struct tl_error err = { 0 };
    struct tl_topics *t = (struct tl_topics *)&err;

    ck_assert_int_eq(tl_topics_load_file(unit_db, "/nonexistent/topics.txt",
                                         &t, &err), TL_ERR_IO);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(err.msg, "cannot open topics file "
                     "'/nonexistent/topics.txt': No such file or directory");
    ck_assert_int_eq(tl_topics_load_file(unit_db, "/tmp", &t, &err),
                     TL_ERR_INPUT);
    ck_assert_str_eq(err.msg, "topics file '/tmp' is a folder");
}
END_TEST

START_TEST(test_free_accepts_null)
{
    tl_topics_free(NULL);
}
END_TEST

/* ---- matching ----------------------------------------------------------- */

START_TEST(test_inflections_match)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_uint_eq(count(t, "Afghanistan", "Two Afghans met."), 1);
    ck_assert_uint_eq(count(t, "Haqqani", "the Haqqanis and a Haqqani"), 2);
    ck_assert_uint_eq(count(t, "CPEC", "corridors: China-Pakistan economic "
                                       "corridors"), 1);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_case_and_accents_are_ignored)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_uint_eq(count(t, "Afghanistan", "KABUL, kabul, K\xC3\xA2" "bul"),
                      3);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_possessives_match)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_str_eq(matches(t, "Kashmir\xE2\x80\x99s future; Kashmir's past"),
                     "Kashmir=Kashmir\xE2\x80\x99s|Kashmir=Kashmir's");
    tl_topics_free(t);
}
END_TEST

/* Snowball gives Kashmir and Kashmiri different stems (so the default
 * rules list both), while Kashmiris and Kashmiri share one. */
START_TEST(test_kashmiri_needs_its_own_term)
{
    struct tl_topics *t = parse("[K]\nKashmir\n");

    ck_assert_uint_eq(count(t, "K", "Kashmiri voices, Kashmiris"), 0);
    tl_topics_free(t);
    t = parse("[K]\nKashmiri\n");
    ck_assert_uint_eq(count(t, "K", "Kashmiri voices, Kashmiris"), 2);
    ck_assert_uint_eq(count(t, "K", "Kashmir"), 0);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_phrase_matches_across_dashes_and_case)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_uint_eq(count(t, "CPEC", "the China\xE2\x80\x93Pakistan "
                                       "Economic Corridor"), 1);   /* en */
    ck_assert_uint_eq(count(t, "CPEC", "the China\xE2\x80\x94Pakistan "
                                       "Economic Corridor"), 1);   /* em */
    ck_assert_uint_eq(count(t, "CPEC", "the China-Pakistan economic "
                                       "corridor"), 1);
    ck_assert_uint_eq(count(t, "CPEC", "CHINA PAKISTAN ECONOMIC CORRIDOR"),
                      1);
    ck_assert_uint_eq(count(t, "Kashmir", "across the line-of-control"), 1);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_phrase_matches_across_a_line_break)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_str_eq(matches(t, "troops along the Line\nof\r\n  Control."),
                     "Kashmir=Line\nof\r\n  Control");
    ck_assert_uint_eq(count(t, "CPEC", "China-Pakistan Economic\nCorridor"),
                      1);
    /* sentence punctuation does not break a phrase either (documented) */
    ck_assert_uint_eq(count(t, "Kashmir", "the Line. Of control"), 1);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_phrase_needs_its_words_in_order_and_together)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_uint_eq(count(t, "CPEC", "an economic corridor from "
                                       "Pakistan to China"), 0);
    ck_assert_uint_eq(count(t, "CPEC", "China-Pakistan Corridor Economic"),
                      0);
    ck_assert_uint_eq(count(t, "CPEC", "the China-Pakistan Economic and "
                                       "Trade Corridor"), 0);
    ck_assert_uint_eq(count(t, "CPEC", "China-Pakistan Economic"), 0);
    ck_assert_uint_eq(count(t, "CPEC", "Pakistan Economic Corridor"), 0);
    ck_assert_uint_eq(count(t, "Kashmir", "the line of actual control"), 0);
    ck_assert_uint_eq(count(t, "Kashmir", "line control of"), 0);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_match_reports_byte_ranges_in_text_order)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_str_eq(matches(t, "From Kabul, CPEC and the China-Pakistan "
                                "Economic Corridor; Afghans."),
                     "Afghanistan=Kabul|CPEC=CPEC|CPEC=China-Pakistan "
                     "Economic Corridor|Afghanistan=Afghans");
    ck_assert_str_eq(matches(t, "Haqqani"), "Haqqani=Haqqani");
    ck_assert_str_eq(matches(t, "Line of Control"),
                     "Kashmir=Line of Control");
    tl_topics_free(t);
}
END_TEST

START_TEST(test_counts_every_occurrence)
{
    struct tl_topics *t = parse(example_rules);

    ck_assert_uint_eq(count(t, "Afghanistan", "Kabul is the capital of "
                            "Afghanistan; Afghan officials in Kabul said "
                            "Afghanistan's Afghans..."), 6);
    ck_assert_uint_eq(count(t, "Kashmir", "Line of Control Line of Control "
                                          "line of control"), 3);
    ck_assert_uint_eq(count(t, "Haqqani", "Kabul"), 0);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_counts_are_added_to_not_reset)
{
    struct tl_topics *t = parse(example_rules);
    struct tl_error err = { 0 };
    unsigned counts[4] = { 10, 20, 30, 40 };
    static const char *const passages[] = {
        "Kabul and CPEC.", "Nothing here.", "Haqqanis in Kabul.",
    };

    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(tl_topics_match(unit_db, t, passages[i],
                                         strlen(passages[i]), counts, NULL,
                                         NULL, &err), TL_OK);
    ck_assert_uint_eq(counts[0], 12);
    ck_assert_uint_eq(counts[1], 21);
    ck_assert_uint_eq(counts[2], 31);
    ck_assert_uint_eq(counts[3], 40);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_overlapping_terms_of_a_topic_count_once)
{
    struct tl_topics *t = parse(example_rules);

    /* "Jammu and Kashmir" and "Kashmir" are both Kashmir terms */
    ck_assert_str_eq(matches(t, "in Jammu and Kashmir today"),
                     "Kashmir=Jammu and Kashmir");
    tl_topics_free(t);

    t = parse("[T]\nTaliban\nTehrik-i-Taliban Pakistan\nTehrik-i-Taliban\n"
              "[P]\nPakistan\n");
    ck_assert_str_eq(matches(t, "the Tehrik-i-Taliban Pakistan and the "
                                "Taliban"),
                     "T=Tehrik-i-Taliban Pakistan|P=Pakistan|T=Taliban");
    tl_topics_free(t);

    /* a term starting inside the topic's previous match */
    t = parse("[X]\nalpha beta\nbeta gamma\n");
    ck_assert_str_eq(matches(t, "alpha beta gamma, beta gamma"),
                     "X=alpha beta|X=beta gamma");
    tl_topics_free(t);
}
END_TEST

START_TEST(test_overlapping_terms_of_different_topics_both_count)
{
    struct tl_topics *t = parse("[CPEC]\nChina-Pakistan Economic Corridor\n"
                                "[China]\nChina\n[Economy]\neconomic\n"
                                "economic corridor\n");

    ck_assert_str_eq(matches(t, "the China-Pakistan Economic Corridor"),
                     "CPEC=China-Pakistan Economic Corridor|China=China|"
                     "Economy=Economic Corridor");
    tl_topics_free(t);
}
END_TEST

START_TEST(test_same_term_in_two_topics_counts_for_both)
{
    struct tl_topics *t = parse("[A]\nKabul\nKabul\n[B]\nkabul\n");

    ck_assert_str_eq(matches(t, "Kabul"), "A=Kabul|B=Kabul");
    tl_topics_free(t);
}
END_TEST

START_TEST(test_phrase_at_start_end_and_in_short_texts)
{
    struct tl_topics *t = parse("[L]\none two three four five six seven "
                                "eight\n[S]\nseven eight\n[Q]\ntwo\n");

    ck_assert_str_eq(matches(t, "seven eight"), "S=seven eight");
    ck_assert_str_eq(matches(t, "one two three four five six seven eight"),
                     "L=one two three four five six seven eight|Q=two|"
                     "S=seven eight");
    ck_assert_str_eq(matches(t, "zero one two three four five six seven "
                                "eight nine"),
                     "L=one two three four five six seven eight|Q=two|"
                     "S=seven eight");
    ck_assert_str_eq(matches(t, "one two three four five six seven"),
                     "Q=two");
    tl_topics_free(t);
}
END_TEST

START_TEST(test_empty_text_matches_nothing)
{
    struct tl_topics *t = parse(example_rules);
    struct tl_error err = { 0 };
    unsigned counts[4] = { 0 };

    ck_assert_int_eq(tl_topics_match(unit_db, t, NULL, 0, counts, NULL, NULL,
                                     &err), TL_OK);
    ck_assert_int_eq(tl_topics_match(unit_db, t, "", 0, counts, NULL, NULL,
                                     &err), TL_OK);
    ck_assert_str_eq(matches(t, " -- ... \n\n !"), "");
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(counts[i], 0);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_one_megabyte_is_matched_quickly)
{
    static const char para[] =
        "Officials in Kabul met envoys about the China\xE2\x80\x93Pakistan "
        "Economic Corridor, trade and the weather near the Line of\n"
        "Control; nothing else of note happened today, they said.\n\n";
    struct tl_topics *t = parse(example_rules);
    struct tl_error err = { 0 };
    size_t n = ((size_t)1 << 20) / (sizeof para - 1) + 1;
    size_t len = n * (sizeof para - 1);
    char *text = malloc(len);
    unsigned counts[4] = { 0 };

    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * (sizeof para - 1), para, sizeof para - 1);
    ck_assert_uint_ge(len, (size_t)1 << 20);
    ck_assert_int_eq(tl_topics_match(unit_db, t, text, len, counts, NULL,
                                     NULL, &err), TL_OK);
    ck_assert_uint_eq(counts[0], n);    /* Kabul */
    ck_assert_uint_eq(counts[1], n);    /* the corridor */
    ck_assert_uint_eq(counts[2], 0);
    ck_assert_uint_eq(counts[3], n);    /* Line of Control */
    free(text);
    tl_topics_free(t);
}
END_TEST

/* ---- the rules files in data/, named by meson's test env -------------- */

static struct tl_topics *
load_default(const char *var)
{
    const char *path = getenv(var);
    struct tl_error err = { 0 };
    struct tl_topics *t = NULL;

    ck_assert_msg(path != NULL && path[0] != '\0', "%s is not set", var);
    ck_assert_msg(tl_topics_load_file(unit_db, path, &t, &err) == TL_OK,
                  "%s", err.msg);
    return t;
}

START_TEST(test_default_rules_parse)
{
    static const char *const names[] = {
        "Afghanistan", "CPEC", "Haqqani", "Kashmir",
    };
    struct tl_topics *t = load_default("TALAASH_TOPICS_FILE");
    size_t i;

    ck_assert_uint_eq(tl_topics_count(t), sizeof names / sizeof *names);
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        ck_assert_msg(tl_topics_find(t, names[k], &i), "%s", names[k]);
        ck_assert_str_eq(tl_topics_name(t, i), names[k]);
        ck_assert_int_eq(tl_topics_min_matches(t, i), 2);
    }
    tl_topics_free(t);
}
END_TEST

START_TEST(test_default_rules_match_both_forms)
{
    struct tl_topics *t = load_default("TALAASH_TOPICS_FILE");

    ck_assert_uint_eq(count(t, "Kashmir", "Kashmir, Kashmiri, Kashmiris, "
                            "Kashmir\xE2\x80\x99s, the Line of Control"), 5);
    ck_assert_uint_eq(count(t, "Afghanistan", "Afghanistan, Afghan, Afghans"),
                      3);
    ck_assert_uint_eq(count(t, "Haqqani", "the Haqqanis; the Haqqani "
                                          "network"), 2);
    ck_assert_uint_eq(count(t, "CPEC", "CPEC, the China\xE2\x80\x93Pakistan "
                                       "Economic Corridor"), 2);
    tl_topics_free(t);
}
END_TEST

START_TEST(test_extended_rules_avoid_stem_clashes)
{
    struct tl_topics *t = load_default("TALAASH_TOPICS_EXTENDED");

    ck_assert_uint_eq(tl_topics_count(t), 15);
    ck_assert_uint_eq(count(t, "Taliban", "the Tehreek-e-Taliban Pakistan"),
                      1);
    ck_assert_uint_eq(count(t, "Terrorism", "counterterrorism and "
                                            "counter-terrorism"), 2);
    ck_assert_uint_eq(count(t, "Terrorism", "extremely extreme views"), 0);
    ck_assert_uint_eq(count(t, "Terrorism", "violent extremism"), 1);
    ck_assert_uint_eq(count(t, "US aid", "F-16s, an F16"), 2);
    /* ISIS would stem like ISI: the default lists only the long name */
    ck_assert_uint_eq(count(t, "ISI", "ISIS and ISI"), 0);
    ck_assert_uint_eq(count(t, "ISI", "Inter-Services Intelligence"), 1);
    tl_topics_free(t);
}
END_TEST

/* ---- digest and re-tagging ---------------------------------------------- */

static void
digest_of(const char *rules, char out[TL_TOPIC_DIGEST_LEN + 1])
{
    struct tl_topics *t = parse(rules);

    tl_topics_digest(t, out);
    tl_topics_free(t);
}

START_TEST(test_digest_ignores_layout_comments_and_inflection)
{
    char a[TL_TOPIC_DIGEST_LEN + 1], b[TL_TOPIC_DIGEST_LEN + 1];

    digest_of("[Ports]\nharbour\nquay\n", a);
    digest_of("# ports\n\n[Ports]\r\n  Harbours  \nQUAYS # docks\n", b);
    ck_assert_uint_eq(strlen(a), TL_TOPIC_DIGEST_LEN);
    ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_digest_changes_with_names_terms_and_thresholds)
{
    char a[TL_TOPIC_DIGEST_LEN + 1], b[TL_TOPIC_DIGEST_LEN + 1];

    digest_of("[Ports]\nharbour\n", a);
    digest_of("[Docks]\nharbour\n", b);
    ck_assert_str_ne(a, b);
    digest_of("[Ports]\nharbour\nquay\n", b);
    ck_assert_str_ne(a, b);
    digest_of("[Ports]\nmin_matches = 3\nharbour\n", b);
    ck_assert_str_ne(a, b);
    digest_of("[Ports]\nharbour master\n", b);
    ck_assert_str_ne(a, b);
}
END_TEST

/* One article (id 1) with two passages, and a topic its front matter
 * named. */
static void
store_article(void)
{
    unit_exec("INSERT INTO articles (id, path, path_key, hash, size, "
              "mtime_ns, format, passage_first, passage_last) VALUES (1, "
              "'/a.txt', tl_path_key('/a.txt'), 'h', 1, 1, 'text', 10, 11);"
              "INSERT INTO passages (id, article_id, ordinal, byte_start, "
              "byte_end, text) VALUES "
              "(10, 1, 1, 0, 1, 'The harbour at dawn, and a second harbour.'),"
              "(11, 1, 2, 1, 2, 'Quays and one more harbour.');"
              "INSERT INTO topics (id, name) VALUES (7, 'Named');"
              "INSERT INTO article_topics (article_id, topic_id, source) "
              "VALUES (1, 7, 'front matter')");
}

/* The article's and passages' topics as "name:source:matches ..." and
 * "passage:name:matches ...". */
static const char *
stored_topics(void)
{
    static char out[512];
    sqlite3_stmt *q;
    size_t len = 0;

    ck_assert_int_eq(sqlite3_prepare_v2(unit_db,
        "SELECT t.name || ':' || at.source || ':' || at.matches "
        "FROM article_topics at JOIN topics t ON t.id = at.topic_id "
        "UNION ALL SELECT * FROM (SELECT pt.passage_id || ':' || t.name "
        "|| ':' || pt.matches FROM passage_topics pt JOIN topics t "
        "ON t.id = pt.topic_id ORDER BY 1)", -1, &q, NULL), SQLITE_OK);
    out[0] = '\0';
    while (sqlite3_step(q) == SQLITE_ROW) {
        int n = snprintf(out + len, sizeof out - len, "%s%s",
                         len > 0 ? " " : "",
                         (const char *)sqlite3_column_text(q, 0));
        ck_assert(n > 0 && (size_t)n < sizeof out - len);
        len += (size_t)n;
    }
    sqlite3_finalize(q);
    return out;
}

START_TEST(test_retag_recomputes_rule_topics_from_stored_passages)
{
    struct tl_topics *t = parse("[Ports]\nharbour\n[Quays]\nquay\n");
    struct tl_error err = { 0 };
    size_t n = 0;

    store_article();
    ck_assert_int_eq(tl_topics_retag(unit_db, t, &n, &err), TL_OK);
    ck_assert_uint_eq(n, 1);
    /* Ports: 3 matches over the article (>= 2); Quays: 1 (< 2), so only
     * its passage carries it; the named topic stays */
    ck_assert_str_eq(stored_topics(), "Named:front matter:0 Ports:rules:3 "
                     "10:Ports:2 11:Ports:1 11:Quays:1");
    tl_topics_free(t);
    t = parse("min_matches = 1\n[Quays]\nquay\n");
    ck_assert_int_eq(tl_topics_retag(unit_db, t, &n, &err), TL_OK);
    ck_assert_str_eq(stored_topics(), "Named:front matter:0 Quays:rules:1 "
                     "11:Quays:1");
    tl_topics_free(t);
}
END_TEST

START_TEST(test_sync_retags_only_when_the_rules_change)
{
    struct tl_topics *t = parse("[Ports]\nharbour\n");
    struct tl_topics *u = parse("[Quays]\nquay\n");
    struct tl_error err = { 0 };
    size_t n = 99;
    int same = 1, any = 0;

    ck_assert_int_eq(tl_topics_sync(unit_db, t, &n, &err), TL_OK);
    ck_assert_uint_eq(n, 0);            /* no article: only recorded */
    ck_assert_int_eq(tl_topics_recorded(unit_db, t, &same, &any, &err),
                     TL_OK);
    ck_assert_int_eq(same, 1);
    ck_assert_int_eq(any, 0);
    store_article();
    ck_assert_int_eq(tl_topics_sync(unit_db, t, &n, &err), TL_OK);
    ck_assert_uint_eq(n, 0);            /* the same rules: nothing to do */
    ck_assert_str_eq(stored_topics(), "Named:front matter:0");
    ck_assert_int_eq(tl_topics_recorded(unit_db, u, &same, &any, &err),
                     TL_OK);
    ck_assert_int_eq(same, 0);
    ck_assert_int_eq(any, 1);
    ck_assert_int_eq(tl_topics_sync(unit_db, u, &n, &err), TL_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(stored_topics(), "Named:front matter:0 11:Quays:1");
    tl_topics_free(t);
    tl_topics_free(u);
}
END_TEST

Suite *
topic_suite(void)
{
    Suite *s = suite_create("topic");
    TCase *tc = tcase_create("parse");

    tcase_add_checked_fixture(tc, unit_db_setup, unit_db_teardown);
    tcase_add_test(tc, test_parses_topics_in_file_order);
    tcase_add_test(tc, test_digest_ignores_layout_comments_and_inflection);
    tcase_add_test(tc, test_digest_changes_with_names_terms_and_thresholds);
    tcase_add_test(tc, test_retag_recomputes_rule_topics_from_stored_passages);
    tcase_add_test(tc, test_sync_retags_only_when_the_rules_change);
    tcase_add_test(tc, test_min_matches_defaults_to_two);
    tcase_add_test(tc, test_global_min_matches_applies_to_topics_without_their_own);
    tcase_add_test(tc, test_comments_blank_lines_and_crlf_are_ignored);
    tcase_add_test(tc, test_empty_rules_have_no_topic);
    tcase_add_test(tc, test_topic_without_terms_is_kept_and_never_matches);
    tcase_add_test(tc, test_find_ignores_ascii_case);
    tcase_add_test(tc, test_term_before_any_topic_is_an_error);
    tcase_add_test(tc, test_empty_topic_name_is_an_error);
    tcase_add_test(tc, test_bad_section_lines_are_errors);
    tcase_add_test(tc, test_term_without_a_word_is_an_error);
    tcase_add_test(tc, test_duplicate_topic_ignores_case);
    tcase_add_test(tc, test_unknown_setting_is_an_error);
    tcase_add_test(tc, test_bad_min_matches_is_an_error);
    tcase_add_test(tc, test_min_matches_set_twice_is_an_error);
    tcase_add_test(tc, test_term_of_more_than_eight_words_is_an_error);
    tcase_add_test(tc, test_invalid_utf8_and_control_characters_are_errors);
    tcase_add_test(tc, test_error_names_builtin_rules_without_path);
    tcase_add_test(tc, test_load_file_reads_rules);
    tcase_add_test(tc, test_load_file_reports_a_missing_file);
    tcase_add_test(tc, test_free_accepts_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("match");
    tcase_add_checked_fixture(tc, unit_db_setup, unit_db_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_inflections_match);
    tcase_add_test(tc, test_case_and_accents_are_ignored);
    tcase_add_test(tc, test_possessives_match);
    tcase_add_test(tc, test_kashmiri_needs_its_own_term);
    tcase_add_test(tc, test_phrase_matches_across_dashes_and_case);
    tcase_add_test(tc, test_phrase_matches_across_a_line_break);
    tcase_add_test(tc, test_phrase_needs_its_words_in_order_and_together);
    tcase_add_test(tc, test_match_reports_byte_ranges_in_text_order);
    tcase_add_test(tc, test_counts_every_occurrence);
    tcase_add_test(tc, test_counts_are_added_to_not_reset);
    tcase_add_test(tc, test_overlapping_terms_of_a_topic_count_once);
    tcase_add_test(tc, test_overlapping_terms_of_different_topics_both_count);
    tcase_add_test(tc, test_same_term_in_two_topics_counts_for_both);
    tcase_add_test(tc, test_phrase_at_start_end_and_in_short_texts);
    tcase_add_test(tc, test_empty_text_matches_nothing);
    tcase_add_test(tc, test_one_megabyte_is_matched_quickly);
    suite_add_tcase(s, tc);

    tc = tcase_create("default rules");
    tcase_add_checked_fixture(tc, unit_db_setup, unit_db_teardown);
    tcase_add_test(tc, test_default_rules_parse);
    tcase_add_test(tc, test_default_rules_match_both_forms);
    tcase_add_test(tc, test_extended_rules_avoid_stem_clashes);
    suite_add_tcase(s, tc);
    return s;
}
