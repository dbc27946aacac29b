/* test-clean.c - boilerplate rules. */
#include "doc_fixture.h"

#define BODY "The talks resumed on Monday after a long pause, and both " \
             "delegations said they expected progress on the border."

static struct tl_doc d;

static void
clean(const char *const *blocks)
{
    struct tl_error err = { 0 };

    doc_of(&d, blocks);
    ck_assert_int_eq(tl_clean_boilerplate(&d, &err), TL_OK);
}

static void
teardown(void)
{
    tl_doc_release(&d);
}

START_TEST(test_cookie_wall_is_dropped_whole)
{
    const char *b[] = { BODY, "This website uses cookies to improve your "
                        "experience.", "Accept", "X", "Strictly Necessary",
                        "We use these cookies to remember your consent "
                        "choices and keep the site secure for everyone.",
                        "Save Settings", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "");
    for (size_t i = 1; i < 7; i++)
        ck_assert_str_eq(drop_of(&d, i), "cookie-notice");
}
END_TEST

START_TEST(test_cookie_wall_ends_at_prose)
{
    const char *b[] = { "Accept all cookies", "Manage settings", BODY, NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "cookie-notice");
    ck_assert_str_eq(drop_of(&d, 1), "cookie-notice");
    ck_assert_str_eq(drop_of(&d, 2), "");
}
END_TEST

START_TEST(test_prose_about_cookies_is_kept)
{
    const char *b[] = { "The bakery sold cookies and tea to the delegates "
                        "waiting outside the ministry all afternoon.", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "");
}
END_TEST

START_TEST(test_read_more_and_next_story_lines)
{
    const char *b[] = { "Read more: Ministers Meet Again in Doha",
                        "NEXT STORY: A Harvest Delayed",
                        "READ MORE: what the budget means for farmers",
                        "Related: Trade Figures for March", BODY, NULL };
    clean(b);
    for (size_t i = 0; i < 4; i++)
        ck_assert_str_eq(drop_of(&d, i), "read-more");
    ck_assert_str_eq(drop_of(&d, 4), "");
}
END_TEST

START_TEST(test_embedded_tweet_and_signature)
{
    const char *b[] = { BODY, "Great meeting today with our partners, more to "
                        "come. pic.twitter.com/AbCdEf1234",
                        "\xe2\x80\x94 Jane Roe (@janeroe) March 3, 2020",
                        "\"We agreed on the schedule,\" she wrote.",
                        "\xe2\x80\x94 John Doe (@jdoe) May 1, 2021", BODY,
                        NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "");
    ck_assert_str_eq(drop_of(&d, 1), "tweet");
    ck_assert_str_eq(drop_of(&d, 2), "tweet");
    ck_assert_str_eq(drop_of(&d, 3), "tweet");
    ck_assert_str_eq(drop_of(&d, 4), "tweet");
    ck_assert_str_eq(drop_of(&d, 5), "repeat");
}
END_TEST

START_TEST(test_comment_form_and_everything_after)
{
    const char *b[] = { BODY, "Leave a Reply", "Your email address will not "
                        "be published.", "Name", "Website", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "");
    for (size_t i = 1; i < 5; i++)
        ck_assert_str_eq(drop_of(&d, i), "comment-form");
}
END_TEST

START_TEST(test_image_lines_and_credits)
{
    const char *b[] = { "Image: harbour_view-610x.jpg", "cover-photo.png",
                        "Photo credit: Staff photographer", BODY, NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "image");
    ck_assert_str_eq(drop_of(&d, 1), "image");
    ck_assert_str_eq(drop_of(&d, 2), "image");
    ck_assert_str_eq(drop_of(&d, 3), "");
}
END_TEST

START_TEST(test_caption_with_credit_and_its_repeat)
{
    const char *b[] = { "Farmers unload apricots at the market in the valley "
                        "town, Tuesday, June 4, 2019.",
                        "Farmers unload apricots at the market in the valley "
                        "town, Tuesday, June 4, 2019. AP Photo/A. Writer",
                        BODY, NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "photo-caption");
    ck_assert_str_eq(drop_of(&d, 1), "photo-caption");
    ck_assert_str_eq(drop_of(&d, 2), "");
}
END_TEST

START_TEST(test_credit_is_cut_from_a_biography)
{
    const char *b[] = { BODY, "Ayesha Malik is a columnist with a weekly "
                        "magazine and a fellow at a policy institute. Photo "
                        "credit: Agency Images.", NULL };
    size_t len;
    const char *p;

    clean(b);
    ck_assert_str_eq(drop_of(&d, 1), "");
    p = tl_doc_block(&d, 1, &len);
    ck_assert_int_eq(len, strlen("Ayesha Malik is a columnist with a weekly "
                                 "magazine and a fellow at a policy "
                                 "institute."));
    ck_assert(strncmp(p + len - 10, "institute.", 10) == 0);
}
END_TEST

/* "courtesy" credits too, in any case (a credit holds "credit" or
 * "courtesy": lib/clean.c looks for those first) */
START_TEST(test_courtesy_credit_in_capitals_is_cut)
{
    const char *b[] = { BODY, "Ayesha Malik is a columnist with a weekly "
                        "magazine and a fellow at a policy institute. PHOTO "
                        "COURTESY the family.", NULL };
    size_t len;

    clean(b);
    ck_assert_str_eq(drop_of(&d, 1), "");
    tl_doc_block(&d, 1, &len);
    ck_assert_int_eq(len, strlen("Ayesha Malik is a columnist with a weekly "
                                 "magazine and a fellow at a policy "
                                 "institute."));
}
END_TEST

START_TEST(test_disclaimer)
{
    const char *b[] = { BODY, "The views expressed in this article are the "
                        "author's own.", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 1), "disclaimer");
}
END_TEST

START_TEST(test_pull_quote_kept_once)
{
    const char *b[] = { BODY, "A quiet border is worth more than a loud "
                        "treaty.", "Something else entirely happened on "
                        "Tuesday in the capital.", "A  QUIET border is "
                        "worth more than a loud treaty.", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 1), "");
    ck_assert_str_eq(drop_of(&d, 3), "repeat");
}
END_TEST

START_TEST(test_short_repeats_are_not_pull_quotes)
{
    const char *b[] = { "# Background", BODY, "# Background", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 2), "");
}
END_TEST

#define QUOTE "Trust between neighbours is built in small steps and lost " \
              "in large ones."
#define HOLDER "The envoy put it plainly at the dinner. " QUOTE " Nobody " \
               "at the table disagreed with him that night."

START_TEST(test_repeat_differing_in_punctuation)
{
    const char *b[] = { BODY, "A quiet border is worth more than a loud "
                        "treaty.", "Something else entirely happened on "
                        "Tuesday in the capital.", "\xe2\x80\x9c" "A quiet "
                        "border \xe2\x80\x94 is worth more than a loud "
                        "treaty\xe2\x80\x9d", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 1), "");
    ck_assert_str_eq(drop_of(&d, 3), "repeat");
}
END_TEST

START_TEST(test_pull_quote_lifted_from_a_later_paragraph)
{
    const char *b[] = { BODY, QUOTE, HOLDER, NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 1), "repeat");
    ck_assert_str_eq(drop_of(&d, 2), "");       /* the longer one stays */
}
END_TEST

START_TEST(test_pull_quote_lifted_from_an_earlier_paragraph)
{
    const char *b[] = { HOLDER, BODY, "\xe2\x80\x9c" "Trust between "
                        "neighbours is built in small steps, and lost in "
                        "large ones!\xe2\x80\x9d", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "");
    ck_assert_str_eq(drop_of(&d, 2), "repeat");
}
END_TEST

START_TEST(test_chain_of_pull_quotes_keeps_the_longest)
{
    const char *b[] = { "Is built in small steps and lost in large ones.",
                        QUOTE, HOLDER, "Built in small steps and lost in "
                        "large ones, the envoy said.", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "repeat");
    ck_assert_str_eq(drop_of(&d, 1), "repeat");
    ck_assert_str_eq(drop_of(&d, 2), "");
    ck_assert_str_eq(drop_of(&d, 3), "");       /* "the envoy said" */
}
END_TEST

START_TEST(test_contained_only_at_word_boundaries)
{
    /* "rust between ..." is inside "Trust between ..." only mid-word */
    const char *b[] = { HOLDER, "Rust between neighbours is built in small "
                        "steps and lost in large ones.", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 1), "");
}
END_TEST

START_TEST(test_long_block_inside_another_is_kept)
{
    static char inner[1024], outer[1200];
    const char *b[] = { inner, outer, NULL };
    size_t len = 0;

    for (int i = 0; i < 61; i++)    /* 61 words: not a pull quote */
        len += (size_t)snprintf(inner + len, sizeof inner - len, "%sword%d",
                                i > 0 ? " " : "", i);
    snprintf(inner + len, sizeof inner - len, ".");
    snprintf(outer, sizeof outer, "It began like this. %s And so on.", inner);
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "");
}
END_TEST

START_TEST(test_headings_and_short_lines_inside_prose_are_kept)
{
    const char *b[] = { "# What Comes Next for the Border Talks Now",
                        "What comes next for the border talks now was the "
                        "question; the border talks resume in the capital "
                        "after a long pause, the ministers said.",
                        "The Border Talks Resume in the Capital After a "
                        "Long Pause", "The talks did not resume.",
                        "In the end the talks did not resume. The ministers "
                        "went home.", NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "");   /* a heading */
    ck_assert_str_eq(drop_of(&d, 2), "");   /* no sentence: a title */
    ck_assert_str_eq(drop_of(&d, 3), "");   /* under 8 words */
}
END_TEST

START_TEST(test_many_pull_quote_candidates_stay_fast)
{
    static char text[160];
    struct tl_error err = { 0 };

    tl_doc_init(&d);
    for (int i = 0; i < 100000; i++) {
        /* every odd block holds the even one before it */
        int n = i % 2 == 0
                ? snprintf(text, sizeof text, "Sentence number %d stands "
                           "alone in a very long file.", i)
                : snprintf(text, sizeof text, "Then: sentence number %d "
                           "stands alone in a very long file, it says.",
                           i - 1);
        ck_assert_int_eq(tl_doc_add(&d, text, (size_t)n, 0, 0, 0, &err),
                         TL_OK);
    }
    ck_assert_int_eq(tl_clean_boilerplate(&d, &err), TL_OK);
    ck_assert_str_eq(drop_of(&d, 5000), "repeat");
    ck_assert_str_eq(drop_of(&d, 5001), "");
}
END_TEST

START_TEST(test_no_text_blocks)
{
    const char *b[] = { "* * *", "X", BODY, NULL };
    clean(b);
    ck_assert_str_eq(drop_of(&d, 0), "no-text");
    ck_assert_str_eq(drop_of(&d, 1), "no-text");
}
END_TEST

START_TEST(test_many_blocks_stay_fast)
{
    static char text[64];
    struct tl_error err = { 0 };

    tl_doc_init(&d);
    for (int i = 0; i < 200000; i++) {
        int n = snprintf(text, sizeof text, "Paragraph number %d of a very "
                         "long file.", i % 1000);
        ck_assert_int_eq(tl_doc_add(&d, text, (size_t)n, 0, 0, 0, &err),
                         TL_OK);
    }
    ck_assert_int_eq(tl_clean_boilerplate(&d, &err), TL_OK);
    ck_assert_str_eq(drop_of(&d, 999), "");
    ck_assert_str_eq(drop_of(&d, 1000), "repeat");
}
END_TEST

/* Every phrase a rule looks for holds one of its list's keys: blocks
 * without a key are not searched for the phrases. */
/* The phrases found in one pass over each block (lib/clean.c's
 * find_needles()): each rule fires whether its phrase opens the block,
 * sits inside it or ends it exactly, in any case. */
START_TEST(test_phrases_anywhere_in_a_block)
{
    static const struct {
        const char *phrase, *rule;
    } cases[] = {
        { "pic.twitter.com", "tweet" },
        { "Required fields are marked", "comment-form" },
        { "notify me of NEW posts", "comment-form" },
        { "Your email address will not be", "comment-form" },
        { "We use cookies", "cookie-notice" },
        { "Do not sell my personal information", "cookie-notice" },
        { "The views expressed", "disclaimer" },
        { "disclaimer:", "disclaimer" },
        { "AP Photo/", "photo-caption" },
        { "do not necessarily reflect", "disclaimer" },
    };
    char text[3][200];

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *b[5];
        snprintf(text[0], sizeof text[0], "%s and so on here", cases[c].phrase);
        snprintf(text[1], sizeof text[1], "and so %s on here", cases[c].phrase);
        snprintf(text[2], sizeof text[2], "and so on here %s", cases[c].phrase);
        for (int at = 0; at < 3; at++) {
            b[0] = BODY;
            b[1] = text[at];
            b[2] = NULL;
            clean(b);
            ck_assert_msg(strcmp(drop_of(&d, 1), cases[c].rule) == 0,
                          "'%s': '%s', not '%s'", text[at], drop_of(&d, 1),
                          cases[c].rule);
            ck_assert_str_eq(drop_of(&d, 0), "");
            tl_doc_release(&d);
        }
        /* one byte short of the phrase at the end: no rule */
        snprintf(text[2], sizeof text[2], "and so on here %.*s",
                 (int)strlen(cases[c].phrase) - 1, cases[c].phrase);
        b[0] = BODY;
        b[1] = text[2];
        b[2] = NULL;
        clean(b);
        if (strcmp(cases[c].rule, "photo-caption") != 0)
            ck_assert_msg(strcmp(drop_of(&d, 1), "") == 0, "'%s': '%s'",
                          text[2], drop_of(&d, 1));
        tl_doc_release(&d);
    }
}
END_TEST

START_TEST(test_every_phrase_has_a_key)
{
    const char *bare = tl_clean_keys_cover();

    ck_assert_msg(bare == NULL, "no key finds '%s'", bare);
}
END_TEST

Suite *
clean_suite(void)
{
    Suite *s = suite_create("clean");
    TCase *tc = tcase_create("rules");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_cookie_wall_is_dropped_whole);
    tcase_add_test(tc, test_cookie_wall_ends_at_prose);
    tcase_add_test(tc, test_prose_about_cookies_is_kept);
    tcase_add_test(tc, test_read_more_and_next_story_lines);
    tcase_add_test(tc, test_embedded_tweet_and_signature);
    tcase_add_test(tc, test_comment_form_and_everything_after);
    tcase_add_test(tc, test_image_lines_and_credits);
    tcase_add_test(tc, test_caption_with_credit_and_its_repeat);
    tcase_add_test(tc, test_credit_is_cut_from_a_biography);
    tcase_add_test(tc, test_courtesy_credit_in_capitals_is_cut);
    tcase_add_test(tc, test_disclaimer);
    tcase_add_test(tc, test_pull_quote_kept_once);
    tcase_add_test(tc, test_short_repeats_are_not_pull_quotes);
    tcase_add_test(tc, test_repeat_differing_in_punctuation);
    tcase_add_test(tc, test_pull_quote_lifted_from_a_later_paragraph);
    tcase_add_test(tc, test_pull_quote_lifted_from_an_earlier_paragraph);
    tcase_add_test(tc, test_chain_of_pull_quotes_keeps_the_longest);
    tcase_add_test(tc, test_contained_only_at_word_boundaries);
    tcase_add_test(tc, test_long_block_inside_another_is_kept);
    tcase_add_test(tc, test_headings_and_short_lines_inside_prose_are_kept);
    tcase_add_test(tc, test_many_pull_quote_candidates_stay_fast);
    tcase_add_test(tc, test_no_text_blocks);
    tcase_add_test(tc, test_many_blocks_stay_fast);
    tcase_add_test(tc, test_every_phrase_has_a_key);
    tcase_add_test(tc, test_phrases_anywhere_in_a_block);
    suite_add_tcase(s, tc);
    return s;
}
