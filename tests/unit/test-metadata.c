/* test-metadata.c - title, author and date from an article's blocks. */
#include <stdlib.h>
#include <string.h>

#include "doc_fixture.h"
#include "metadata.h"

#define BODY "The talks resumed on Monday after a long pause, and both " \
             "delegations said they expected progress on the border."
#define BODY2 "Officials from both capitals met again on Tuesday to draft " \
              "a joint statement on trade, water and the crossings."

static struct tl_doc d;
static struct tl_meta m;

static void
extract(const char *const *blocks)
{
    struct tl_error err = { 0 };

    doc_of(&d, blocks);
    ck_assert_int_eq(tl_clean_boilerplate(&d, &err), TL_OK);
    ck_assert_int_eq(tl_meta_extract(&d, &m, &err), TL_OK);
}

static const char *
date_str(void)
{
    static char buf[TL_DATE_FORMAT_SIZE];

    return tl_date_format(&m.date, buf, sizeof buf);
}

static void
setup(void)
{
    tl_meta_init(&m);
}

static void
teardown(void)
{
    tl_doc_release(&d);
    tl_meta_release(&m);
}

#define ck_field(f, want) ck_assert_str_eq((f) != NULL ? (f) : "", want)

START_TEST(test_byline_title_and_date)
{
    const char *b[] = { "Floods Close the Karakoram Highway", "By Ayesha Malik",
                        "Published: 12 January 2017", BODY, NULL };
    extract(b);
    ck_field(m.title, "Floods Close the Karakoram Highway");
    ck_field(m.author, "Ayesha Malik");
    ck_assert_str_eq(date_str(), "2017-01-12");
    ck_assert_int_eq(m.date.precision, TL_DATE_DAY);
    ck_assert_int_eq(m.author_src, TL_SRC_BYLINE);
    ck_assert_int_eq(m.date_src, TL_SRC_LABEL);
    ck_assert_str_eq(drop_of(&d, 0), "title");
    ck_assert_str_eq(drop_of(&d, 1), "byline");
    ck_assert_str_eq(drop_of(&d, 2), "dateline");
    ck_assert_str_eq(drop_of(&d, 3), "");
}
END_TEST

START_TEST(test_byline_with_date_on_one_line)
{
    const char *b[] = { "Harvest Report", "By Omar Farooq | March 5, 2021",
                        BODY, NULL };
    extract(b);
    ck_field(m.author, "Omar Farooq");
    ck_assert_str_eq(date_str(), "2021-03-05");
    ck_field(m.title, "Harvest Report");
}
END_TEST

START_TEST(test_byline_and_date_in_one_block)
{
    const char *b[] = { "Harvest Report", "By Omar Farooq\nPublished: "
                        "9 November 2018", BODY, NULL };
    extract(b);
    ck_field(m.author, "Omar Farooq");
    ck_assert_str_eq(date_str(), "2018-11-09");
}
END_TEST

START_TEST(test_author_from_closing_biography)
{
    const char *b[] = { "A Quiet Border", BODY, BODY2,
                        "Ayesha Malik is a columnist with a weekly magazine.",
                        NULL };
    extract(b);
    ck_field(m.author, "Ayesha Malik");
    ck_assert_int_eq(m.author_src, TL_SRC_BIOGRAPHY);
    ck_assert_str_eq(drop_of(&d, 3), "");   /* the biography is kept */
}
END_TEST

START_TEST(test_biography_with_apposition_and_honorific)
{
    const char *b1[] = { BODY, "Farhan Qureshi, the Deputy Director of a "
                         "research centre in Lahore, is a specialist on "
                         "water disputes.", NULL };
    const char *b2[] = { BODY, "\xe2\x80\x93 Dr. Sana Iqbal Mirza is a "
                         "Karachi-based political analyst. Twitter: @sim",
                         NULL };
    extract(b1);
    ck_field(m.author, "Farhan Qureshi");
    teardown();
    setup();
    extract(b2);
    ck_field(m.author, "Sana Iqbal Mirza");
}
END_TEST

START_TEST(test_never_an_author_from_prose_or_credits)
{
    const char *b[] = { "The market opened late. AP Photo/Kamran Shah",
                        BODY, "South Asia is a region of nearly two billion "
                        "people with many rivers.",
                        "\xe2\x80\x94 Kamran Shah (@kshah) May 1, 2020", NULL };
    extract(b);
    ck_assert_ptr_null(m.author);
    ck_assert_int_eq(m.date.precision, TL_DATE_NONE);
}
END_TEST

START_TEST(test_name_only_line_is_a_byline_once_author_known)
{
    const char *b[] = { "The Pakistan Policy Notes", "February 2019",
                        "The Way Ahead for Trade: A View from Lahore",
                        "Bilal Ahmed", BODY, BODY2,
                        "Bilal Ahmed is a former trade secretary.", NULL };
    extract(b);
    ck_field(m.author, "Bilal Ahmed");
    ck_field(m.title, "The Way Ahead for Trade: A View from Lahore");
    ck_assert_str_eq(date_str(), "2019-02");
    ck_assert_int_eq(m.date.precision, TL_DATE_MONTH);
    ck_assert_int_eq(m.date_src, TL_SRC_DATELINE);
    ck_assert_str_eq(drop_of(&d, 0), "");   /* the kicker stays */
    ck_assert_str_eq(drop_of(&d, 3), "byline");
}
END_TEST

START_TEST(test_kicker_then_dateline_then_title)
{
    const char *b[] = { "Policy Notes", "March 2020", "Water and Power",
                        BODY, NULL };
    extract(b);
    ck_field(m.title, "Water and Power");
}
END_TEST

START_TEST(test_no_title_rather_than_a_sentence)
{
    const char *b[] = { BODY, "# A Section Heading", BODY2, NULL };
    extract(b);
    ck_assert_ptr_null(m.title);
}
END_TEST

START_TEST(test_title_before_a_dash_subtitle)
{
    const char *b[] = { "Published On: Wed, Oct 3rd, 2018",
                        "Trade must come first \xe2\x80\x93 Why the two "
                        "neighbours need each other more than ever, says a "
                        "#report on #trade", BODY, NULL };
    extract(b);
    ck_field(m.title, "Trade must come first");
    ck_assert_str_eq(date_str(), "2018-10-03");
}
END_TEST

START_TEST(test_caption_date_is_not_the_date)
{
    const char *b[] = { "Farmers at the market, Friday, Nov. 29, 2013. "
                        "AP Photo/Kamran Shah", "Markets Reopen", BODY,
                        NULL };
    extract(b);
    ck_assert_int_eq(m.date.precision, TL_DATE_NONE);
    ck_field(m.title, "Markets Reopen");
}
END_TEST

START_TEST(test_bare_year_in_body_is_not_a_date)
{
    const char *b[] = { "Markets Reopen", "In 2019 the markets reopened "
                        "after a long and difficult closure of the roads.",
                        NULL };
    extract(b);
    ck_assert_int_eq(m.date.precision, TL_DATE_NONE);
}
END_TEST

START_TEST(test_explicit_values_win)
{
    const char *b[] = { "# Given Title", "By Someone Else", BODY, NULL };
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_meta_set(&m.title, "Given Title", 11, &err), TL_OK);
    ck_assert_int_eq(tl_meta_set(&m.author, "Front Matter", 12, &err), TL_OK);
    m.author_src = TL_SRC_FRONT_MATTER;
    extract(b);
    ck_field(m.author, "Front Matter");
    ck_assert_int_eq(m.author_src, TL_SRC_FRONT_MATTER);
    ck_assert_str_eq(drop_of(&d, 0), "title");  /* not a passage twice */
}
END_TEST

START_TEST(test_a_lone_line_is_title_and_passage)
{
    const char *b[] = { "Only One Short Line", NULL };
    extract(b);
    ck_field(m.title, "Only One Short Line");
    ck_assert_str_eq(drop_of(&d, 0), "");   /* still searchable */
}
END_TEST

START_TEST(test_set_keeps_a_trimmed_copy)
{
    struct tl_error err = { 0 };
    static const char text[] = " \t Harbour Lights \n";

    ck_assert_int_eq(tl_meta_set(&m.title, text, sizeof text - 1, &err),
                     TL_OK);
    ck_field(m.title, "Harbour Lights");
    ck_assert_int_eq(tl_meta_set(&m.title, "Quay Report", 4, &err), TL_OK);
    ck_field(m.title, "Quay");      /* only text[0, len) */
}
END_TEST

START_TEST(test_set_leaves_an_unknown_field_unknown_for_empty_values)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_meta_set(&m.title, "", 0, &err), TL_OK);
    ck_assert_ptr_null(m.title);
    ck_assert_int_eq(tl_meta_set(&m.title, "ignored", 0, &err), TL_OK);
    ck_assert_ptr_null(m.title);
    ck_assert_int_eq(tl_meta_set(&m.title, " \t\r\n ", 5, &err), TL_OK);
    ck_assert_ptr_null(m.title);
    ck_assert_int_eq(tl_meta_set(&m.author, NULL, 0, &err), TL_OK);
    ck_assert_ptr_null(m.author);
}
END_TEST

START_TEST(test_set_with_a_leading_nul_sets_nothing)
{
    struct tl_error err = { 0 };

    /* strndup() would have made "" of these */
    ck_assert_int_eq(tl_meta_set(&m.title, "\0Harbour Lights", 15, &err),
                     TL_OK);
    ck_assert_ptr_null(m.title);
    ck_assert_int_eq(tl_meta_set(&m.author, "  \0Jane Roe", 11, &err),
                     TL_OK);
    ck_assert_ptr_null(m.author);
}
END_TEST

START_TEST(test_set_cuts_at_a_nul_and_trims_again)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_meta_set(&m.title, "Harbour \0Lights", 15, &err),
                     TL_OK);
    ck_field(m.title, "Harbour");
}
END_TEST

START_TEST(test_set_keeps_the_old_value_for_an_empty_one)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_meta_set(&m.author, "Jane Roe", 8, &err), TL_OK);
    ck_assert_int_eq(tl_meta_set(&m.author, "   ", 3, &err), TL_OK);
    ck_field(m.author, "Jane Roe");
    ck_assert_int_eq(tl_meta_set(&m.author, "\0Omar", 5, &err), TL_OK);
    ck_field(m.author, "Jane Roe");
    ck_assert_int_eq(tl_meta_set(&m.author, " Omar Farooq", 12, &err),
                     TL_OK);
    ck_field(m.author, "Omar Farooq");  /* a real value still replaces */
}
END_TEST

START_TEST(test_empty_explicit_title_leaves_the_text_rules_to_find_one)
{
    const char *b[] = { "Floods Close the Karakoram Highway",
                        "By Ayesha Malik", BODY, NULL };
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_meta_set(&m.title, "  ", 2, &err), TL_OK);
    extract(b);
    ck_field(m.title, "Floods Close the Karakoram Highway");
    ck_assert_int_eq(m.title_src, TL_SRC_HEADING);
}
END_TEST

START_TEST(test_heading_with_a_leading_nul_is_no_title)
{
    static const char heading[] = "\0Floods Close the Karakoram Highway";
    const char *rest[] = { "By Ayesha Malik", BODY, NULL };
    struct tl_error err = { 0 };
    size_t src = sizeof heading + 1;

    /* the title block holds a NUL (tl_doc_add takes lengths) */
    tl_doc_init(&d);
    ck_assert_int_eq(tl_doc_add(&d, heading, sizeof heading - 1, 0,
                                sizeof heading - 1, 0, &err), TL_OK);
    for (const char *const *r = rest; *r != NULL; r++) {
        ck_assert_int_eq(tl_doc_add(&d, *r, strlen(*r), src,
                                    src + strlen(*r), 0, &err), TL_OK);
        src += strlen(*r) + 2;
    }
    ck_assert_int_eq(tl_meta_extract(&d, &m, &err), TL_OK);
    ck_assert_ptr_null(m.title);    /* unknown, not "" */
    ck_assert_int_eq(m.title_src, TL_SRC_NONE);
    ck_assert_str_eq(drop_of(&d, 0), "");   /* and still a passage */
    ck_field(m.author, "Ayesha Malik");
}
END_TEST

/* ---- explicit values and the lines that state them again ---------------- */

/* Sets what a manifest, front matter or HTML meta would have set. */
static void
given_author(const char *author, enum tl_meta_source src)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_meta_set(&m.author, author, strlen(author), &err),
                     TL_OK);
    m.author_src = src;
}

static void
given_date(const char *date, enum tl_meta_source src)
{
    ck_assert(tl_date_parse(date, strlen(date), &m.date));
    m.date_src = src;
}

START_TEST(test_given_date_still_drops_a_labelled_dateline)
{
    const char *b[] = { "Published On: Wed, Oct 3rd, 2018",
                        "Trade must come first \xe2\x80\x93 Why the two "
                        "neighbours need each other more than ever, says a "
                        "#report on #trade", BODY, NULL };

    given_date("2018", TL_SRC_MANIFEST);
    extract(b);
    ck_field(m.title, "Trade must come first");     /* not the dateline */
    ck_assert_str_eq(drop_of(&d, 0), "dateline");
    ck_assert_str_eq(date_str(), "2018");           /* the given value */
    ck_assert_int_eq(m.date.precision, TL_DATE_YEAR);
    ck_assert_int_eq(m.date_src, TL_SRC_MANIFEST);
}
END_TEST

START_TEST(test_given_date_still_drops_a_bare_dateline)
{
    const char *b[] = { "February 2019", "# Water and Power", BODY, NULL };

    given_date("2019-02-11", TL_SRC_FRONT_MATTER);
    extract(b);
    ck_field(m.title, "Water and Power");
    ck_assert_str_eq(drop_of(&d, 0), "dateline");   /* not in a passage */
    ck_assert_str_eq(date_str(), "2019-02-11");
    ck_assert_int_eq(m.date_src, TL_SRC_FRONT_MATTER);
}
END_TEST

START_TEST(test_given_title_and_date_drop_the_dateline_too)
{
    const char *b[] = { "# Water and Power", "March 2020", BODY, NULL };
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_meta_set(&m.title, "Water and Power", 15, &err),
                     TL_OK);
    given_date("2020-03", TL_SRC_FRONT_MATTER);
    extract(b);
    ck_assert_str_eq(drop_of(&d, 0), "title");
    ck_assert_str_eq(drop_of(&d, 1), "dateline");
    ck_assert_str_eq(drop_of(&d, 2), "");
}
END_TEST

START_TEST(test_every_top_dateline_is_dropped)
{
    const char *b[] = { "Published: 1 May 2020", "Updated: 3 May 2020",
                        "May 4, 2020", "Markets Reopen", BODY, NULL };

    extract(b);
    ck_assert_str_eq(date_str(), "2020-05-01");     /* the first label */
    ck_assert_int_eq(m.date_src, TL_SRC_LABEL);
    for (size_t i = 0; i < 3; i++)
        ck_assert_str_eq(drop_of(&d, i), "dateline");
    ck_field(m.title, "Markets Reopen");
}
END_TEST

START_TEST(test_given_author_still_drops_the_byline)
{
    const char *b[] = { "# Water Talks Resume",
                        "By Sana Iqbal \xc2\xb7 April 5, 2022", BODY, NULL };

    given_author("Sana Iqbal", TL_SRC_HTML);
    extract(b);
    ck_assert_str_eq(drop_of(&d, 1), "byline");
    ck_field(m.author, "Sana Iqbal");
    ck_assert_int_eq(m.author_src, TL_SRC_HTML);
    ck_assert_str_eq(date_str(), "2022-04-05");     /* the byline's date */
    ck_assert_int_eq(m.date_src, TL_SRC_BYLINE);
}
END_TEST

START_TEST(test_given_author_keeps_the_title_above_the_byline)
{
    const char *b[] = { "Policy Notes", "Floods Close the Highway",
                        "By Ayesha Malik", BODY, NULL };

    given_author("Ayesha Malik", TL_SRC_MANIFEST);
    extract(b);
    ck_field(m.title, "Floods Close the Highway");  /* not the kicker */
    ck_assert_str_eq(drop_of(&d, 0), "");
    ck_assert_str_eq(drop_of(&d, 2), "byline");
}
END_TEST

START_TEST(test_given_author_wins_over_another_byline)
{
    const char *b[] = { "# Given Title", "By Someone Else", BODY, NULL };

    given_author("Front Matter", TL_SRC_FRONT_MATTER);
    extract(b);
    ck_field(m.author, "Front Matter");
    ck_assert_int_eq(m.author_src, TL_SRC_FRONT_MATTER);
    ck_assert_str_eq(drop_of(&d, 1), "byline");     /* still a byline */
}
END_TEST

/* ---- the closing biography ---------------------------------------------- */

START_TEST(test_biography_followed_by_a_closing_line)
{
    const char *b[] = { "A Quiet Border", BODY, BODY2,
                        "Ayesha Malik is a columnist with a weekly magazine.",
                        "This essay first appeared in the spring issue of a "
                        "quarterly review of regional affairs.", NULL };

    extract(b);
    ck_field(m.author, "Ayesha Malik");
    ck_assert_int_eq(m.author_src, TL_SRC_BIOGRAPHY);
}
END_TEST

START_TEST(test_biography_nearest_the_end_wins)
{
    const char *b[] = { "A Quiet Border", BODY, BODY2,
                        "Ayesha Malik is a columnist with a weekly magazine.",
                        "Omar Farooq is a former diplomat and a fellow at a "
                        "research centre.", NULL };

    extract(b);
    ck_field(m.author, "Omar Farooq");
}
END_TEST

START_TEST(test_biography_is_looked_for_in_the_last_three_kept_blocks)
{
    const char *b[] = { "A Quiet Border", BODY,
                        "Ayesha Malik is a columnist with a weekly magazine.",
                        BODY2, "The ministry declined to comment on the "
                        "draft on Wednesday evening.", "Both sides will meet "
                        "again in the spring, the officials added.", NULL };

    extract(b);
    ck_assert_ptr_null(m.author);   /* four kept blocks from the end */
}
END_TEST

START_TEST(test_dropped_blocks_after_a_biography_do_not_count)
{
    const char *b[] = { "A Quiet Border", BODY, BODY2,
                        "Ayesha Malik is a columnist with a weekly magazine.",
                        "Read more: Ministers Meet Again in Doha",
                        "Image: border.jpg", "Share this", NULL };

    extract(b);
    ck_field(m.author, "Ayesha Malik");
}
END_TEST

START_TEST(test_someone_in_the_story_near_the_end_is_not_the_author)
{
    const char *b[] = { "A Quiet Border", "Officials said Khan Rahimi would "
                        "lead the delegation to the talks next week.", BODY,
                        "Khan Rahimi is a former ambassador to the "
                        "neighbouring country.", "The talks are expected to "
                        "last three days, the officials said.", NULL };

    extract(b);
    ck_assert_ptr_null(m.author);   /* the story names him before */
}
END_TEST

START_TEST(test_source_names)
{
    ck_assert_str_eq(tl_meta_source_name(TL_SRC_BIOGRAPHY), "biography");
    ck_assert_str_eq(tl_meta_source_name(TL_SRC_FRONT_MATTER),
                     "front matter");
}
END_TEST

Suite *
metadata_suite(void)
{
    Suite *s = suite_create("metadata");
    TCase *tc = tcase_create("extract");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_byline_title_and_date);
    tcase_add_test(tc, test_byline_with_date_on_one_line);
    tcase_add_test(tc, test_byline_and_date_in_one_block);
    tcase_add_test(tc, test_author_from_closing_biography);
    tcase_add_test(tc, test_biography_with_apposition_and_honorific);
    tcase_add_test(tc, test_never_an_author_from_prose_or_credits);
    tcase_add_test(tc, test_name_only_line_is_a_byline_once_author_known);
    tcase_add_test(tc, test_kicker_then_dateline_then_title);
    tcase_add_test(tc, test_no_title_rather_than_a_sentence);
    tcase_add_test(tc, test_title_before_a_dash_subtitle);
    tcase_add_test(tc, test_caption_date_is_not_the_date);
    tcase_add_test(tc, test_bare_year_in_body_is_not_a_date);
    tcase_add_test(tc, test_explicit_values_win);
    tcase_add_test(tc, test_a_lone_line_is_title_and_passage);
    tcase_add_test(tc, test_source_names);
    tcase_add_test(tc, test_set_keeps_a_trimmed_copy);
    tcase_add_test(tc, test_set_leaves_an_unknown_field_unknown_for_empty_values);
    tcase_add_test(tc, test_set_with_a_leading_nul_sets_nothing);
    tcase_add_test(tc, test_set_cuts_at_a_nul_and_trims_again);
    tcase_add_test(tc, test_set_keeps_the_old_value_for_an_empty_one);
    tcase_add_test(tc,
                   test_empty_explicit_title_leaves_the_text_rules_to_find_one);
    tcase_add_test(tc, test_heading_with_a_leading_nul_is_no_title);
    tcase_add_test(tc, test_given_date_still_drops_a_labelled_dateline);
    tcase_add_test(tc, test_given_date_still_drops_a_bare_dateline);
    tcase_add_test(tc, test_given_title_and_date_drop_the_dateline_too);
    tcase_add_test(tc, test_every_top_dateline_is_dropped);
    tcase_add_test(tc, test_given_author_still_drops_the_byline);
    tcase_add_test(tc, test_given_author_keeps_the_title_above_the_byline);
    tcase_add_test(tc, test_given_author_wins_over_another_byline);
    tcase_add_test(tc, test_biography_followed_by_a_closing_line);
    tcase_add_test(tc, test_biography_nearest_the_end_wins);
    tcase_add_test(tc,
                   test_biography_is_looked_for_in_the_last_three_kept_blocks);
    tcase_add_test(tc, test_dropped_blocks_after_a_biography_do_not_count);
    tcase_add_test(tc,
                   test_someone_in_the_story_near_the_end_is_not_the_author);
    suite_add_tcase(s, tc);
    return s;
}
