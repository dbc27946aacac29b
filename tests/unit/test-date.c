/* test-date.c - dates in metadata values, lines of text and filters. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "date.h"

/* A heap copy of s without its NUL, exactly strlen(s) bytes long, so that
 * AddressSanitizer reports any read past the length. */
static char *
exact_copy(const char *s, size_t *len_out)
{
    size_t len = strlen(s);
    char *p = malloc(len != 0 ? len : 1);

    ck_assert_ptr_nonnull(p);
    memcpy(p, s, len);
    *len_out = len;
    return p;
}

/* tl_date_parse(s) as "YYYY[-MM[-DD]]", or "-" when it is not a date. */
static const char *
parse(const char *s)
{
    static char out[64];
    struct tl_date d;
    size_t len;
    char *p = exact_copy(s, &len);
    int ok = tl_date_parse(p, len, &d);

    free(p);
    if (!ok) {
        ck_assert_int_eq(d.precision, TL_DATE_NONE);
        ck_assert_int_eq(d.year, 0);
        ck_assert_int_eq(d.month, 0);
        ck_assert_int_eq(d.day, 0);
        return "-";
    }
    return tl_date_format(&d, out, sizeof out);
}

/* tl_date_find(s) as "YYYY[-MM[-DD]] [the date's text]", or "-". */
static const char *
find_in(const char *s, int allow_bare_year)
{
    static char out[256];
    char buf[TL_DATE_FORMAT_SIZE];
    struct tl_date d;
    size_t len, start = 999, end = 999;
    char *p = exact_copy(s, &len);
    int ok = tl_date_find(p, len, allow_bare_year, &d, &start, &end);

    free(p);
    if (!ok) {
        ck_assert_int_eq(d.precision, TL_DATE_NONE);
        ck_assert_uint_eq(start, 999);
        ck_assert_uint_eq(end, 999);
        return "-";
    }
    ck_assert_uint_lt(start, end);
    ck_assert_uint_le(end, len);
    snprintf(out, sizeof out, "%s [%.*s]", tl_date_format(&d, buf, sizeof buf),
             (int)(end - start), s + start);
    return out;
}

static const char *
find(const char *s)
{
    return find_in(s, 0);
}

/* ---- tl_date_parse: accepted forms ------------------------------------ */

START_TEST(test_parses_iso_day)
{
    ck_assert_str_eq(parse("2018-10-03"), "2018-10-03");
    ck_assert_str_eq(parse("2018/10/03"), "2018-10-03");
    ck_assert_str_eq(parse("2018-1-5"), "2018-01-05");
    ck_assert_str_eq(parse("1800-01-01"), "1800-01-01");
    ck_assert_str_eq(parse("2199-12-31"), "2199-12-31");
}
END_TEST

START_TEST(test_parses_iso_month)
{
    ck_assert_str_eq(parse("2018-10"), "2018-10");
    ck_assert_str_eq(parse("2018/10"), "2018-10");
    ck_assert_str_eq(parse("2018-1"), "2018-01");
}
END_TEST

START_TEST(test_ignores_time_after_iso_date)
{
    ck_assert_str_eq(parse("2018-10-03T14:05:00Z"), "2018-10-03");
    ck_assert_str_eq(parse("2018-10-03 14:05"), "2018-10-03");
    ck_assert_str_eq(parse("2018-10-03T14:05:00+05:00"), "2018-10-03");
    ck_assert_str_eq(parse("2018-10-03T14:05:00-0500"), "2018-10-03");
    ck_assert_str_eq(parse("2018-10-03T14:05:00.123Z"), "2018-10-03");
    ck_assert_str_eq(parse("2018-10-03t14:05"), "2018-10-03");
}
END_TEST

START_TEST(test_ignores_time_after_written_date)
{
    ck_assert_str_eq(parse("March 5, 2021 10:00 PKT"), "2021-03-05");
    ck_assert_str_eq(parse("March 5, 2021, 10:00 pm"), "2021-03-05");
    ck_assert_str_eq(parse("March 5, 2021 at 2:30 p.m."), "2021-03-05");
    ck_assert_str_eq(parse("Wed, 03 Oct 2018 14:05:00 +0000"), "2018-10-03");
    ck_assert_str_eq(parse("3 October 2018 09:15 GMT"), "2018-10-03");
}
END_TEST

START_TEST(test_rejects_broken_time)
{
    ck_assert_str_eq(parse("2018-10-03T25:00"), "-");
    ck_assert_str_eq(parse("2018-10-03T"), "-");
    ck_assert_str_eq(parse("2018-10-03 14:5"), "-");
    ck_assert_str_eq(parse("2018-10-03 14:05 tomorrow"), "-");
    ck_assert_str_eq(parse("2018-10T14:05"), "-");
}
END_TEST

START_TEST(test_parses_month_first)
{
    ck_assert_str_eq(parse("October 3, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("October 3 2018"), "2018-10-03");
    ck_assert_str_eq(parse("Oct 3, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("Oct 3,2018"), "2018-10-03");
    ck_assert_str_eq(parse("December 31, 1999"), "1999-12-31");
}
END_TEST

START_TEST(test_parses_ordinal_day)
{
    ck_assert_str_eq(parse("Oct 3rd, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("June 1st 2020"), "2020-06-01");
    ck_assert_str_eq(parse("June 22nd, 2020"), "2020-06-22");
    ck_assert_str_eq(parse("June 14th, 2020"), "2020-06-14");
    ck_assert_str_eq(parse("3RD October 2018"), "2018-10-03");
}
END_TEST

START_TEST(test_rejects_other_suffix_after_day)
{
    ck_assert_str_eq(parse("Oct 3x, 2018"), "-");
    ck_assert_str_eq(parse("Oct 3rdly, 2018"), "-");
    ck_assert_str_eq(parse("3am October 2018"), "-");
}
END_TEST

START_TEST(test_parses_abbreviated_month_with_dot)
{
    ck_assert_str_eq(parse("Nov. 29, 2013"), "2013-11-29");
    ck_assert_str_eq(parse("Sept. 4, 2020"), "2020-09-04");
    ck_assert_str_eq(parse("Sept 4, 2020"), "2020-09-04");
    ck_assert_str_eq(parse("Sep. 4, 2020"), "2020-09-04");
    ck_assert_str_eq(parse("Jan.1, 2018"), "2018-01-01");
}
END_TEST

START_TEST(test_knows_every_month_name)
{
    static const char *const names[][2] = {
        { "January", "Jan" }, { "February", "Feb" }, { "March", "Mar" },
        { "April", "Apr" }, { "May", "May" }, { "June", "Jun" },
        { "July", "Jul" }, { "August", "Aug" }, { "September", "Sep" },
        { "October", "Oct" }, { "November", "Nov" }, { "December", "Dec" },
    };
    char text[64], want[32];

    for (int m = 0; m < 12; m++) {
        snprintf(want, sizeof want, "2019-%02d-09", m + 1);
        for (int form = 0; form < 2; form++) {
            snprintf(text, sizeof text, "%s 9, 2019", names[m][form]);
            ck_assert_str_eq(parse(text), want);
            snprintf(text, sizeof text, "9 %s 2019", names[m][form]);
            ck_assert_str_eq(parse(text), want);
        }
    }
}
END_TEST

START_TEST(test_rejects_other_abbreviations)
{
    ck_assert_str_eq(parse("Octo 3, 2018"), "-");
    ck_assert_str_eq(parse("Ja 3, 2018"), "-");
    ck_assert_str_eq(parse("Septe 4, 2020"), "-");
    ck_assert_str_eq(parse("Octob 2018"), "-");
}
END_TEST

START_TEST(test_month_names_ignore_case)
{
    ck_assert_str_eq(parse("OCTOBER 3, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("october 3, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("oCt 3 2018"), "2018-10-03");
    ck_assert_str_eq(parse("wED, oct 3rd, 2018"), "2018-10-03");
}
END_TEST

START_TEST(test_parses_weekday_prefix)
{
    ck_assert_str_eq(parse("Wed, Oct 3rd, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("Wednesday, October 3, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("Wednesday October 3, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("Wed. Oct. 3, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("Wed 3 Oct 2018"), "2018-10-03");
    ck_assert_str_eq(parse("Tues, 2018-10-02"), "2018-10-02");
    ck_assert_str_eq(parse("Thurs., Oct 4, 2018"), "2018-10-04");
    ck_assert_str_eq(parse("Sun, Oct 7, 2018"), "2018-10-07");
}
END_TEST

START_TEST(test_weekday_needs_a_date)
{
    ck_assert_str_eq(parse("Wednesday"), "-");
    ck_assert_str_eq(parse("Wed, 2018"), "-");
    ck_assert_str_eq(parse("WedOct 3, 2018"), "-");
}
END_TEST

START_TEST(test_parses_day_first)
{
    ck_assert_str_eq(parse("3 October 2018"), "2018-10-03");
    ck_assert_str_eq(parse("3rd October, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("03 Oct 2018"), "2018-10-03");
    ck_assert_str_eq(parse("3 Oct. 2018"), "2018-10-03");
    ck_assert_str_eq(parse("31 December 2019"), "2019-12-31");
}
END_TEST

START_TEST(test_parses_the_day_of_month)
{
    ck_assert_str_eq(parse("the 3rd of October 2018"), "2018-10-03");
    ck_assert_str_eq(parse("The 3rd of October, 2018"), "2018-10-03");
    ck_assert_str_eq(parse("3rd of October 2018"), "2018-10-03");
    ck_assert_str_eq(parse("the 3 October 2018"), "2018-10-03");
}
END_TEST

START_TEST(test_parses_month_precision)
{
    ck_assert_str_eq(parse("February 2019"), "2019-02");
    ck_assert_str_eq(parse("Feb 2019"), "2019-02");
    ck_assert_str_eq(parse("Feb. 2019"), "2019-02");
    ck_assert_str_eq(parse("February, 2019"), "2019-02");
    ck_assert_str_eq(parse("May 2019"), "2019-05");
    ck_assert_str_eq(parse("Sept. 2020"), "2020-09");
}
END_TEST

START_TEST(test_parses_bare_year)
{
    struct tl_date d;

    ck_assert_str_eq(parse("2019"), "2019");
    ck_assert_str_eq(parse("1800"), "1800");
    ck_assert_str_eq(parse("2199"), "2199");
    ck_assert_int_eq(tl_date_parse("2019", 4, &d), 1);
    ck_assert_int_eq(d.precision, TL_DATE_YEAR);
    ck_assert_int_eq(d.month, 0);
    ck_assert_int_eq(d.day, 0);
}
END_TEST

START_TEST(test_fills_fields_and_precision)
{
    struct tl_date d;

    ck_assert_int_eq(tl_date_parse("Oct 3rd, 2018", 13, &d), 1);
    ck_assert_int_eq(d.year, 2018);
    ck_assert_int_eq(d.month, 10);
    ck_assert_int_eq(d.day, 3);
    ck_assert_int_eq(d.precision, TL_DATE_DAY);
    ck_assert_int_eq(tl_date_parse("Feb 2019", 8, &d), 1);
    ck_assert_int_eq(d.year, 2019);
    ck_assert_int_eq(d.month, 2);
    ck_assert_int_eq(d.day, 0);
    ck_assert_int_eq(d.precision, TL_DATE_MONTH);
}
END_TEST

START_TEST(test_ignores_surrounding_space_and_trailing_punctuation)
{
    ck_assert_str_eq(parse("  2018-10-03  "), "2018-10-03");
    ck_assert_str_eq(parse("\n\tOct 3, 2018\r\n"), "2018-10-03");
    ck_assert_str_eq(parse("Nov. 29, 2013."), "2013-11-29");
    ck_assert_str_eq(parse("Oct 3, 2018,"), "2018-10-03");
    ck_assert_str_eq(parse("Oct 3, 2018; "), "2018-10-03");
    ck_assert_str_eq(parse("2019."), "2019");
    ck_assert_str_eq(parse("\xc2\xa0" "2019-02\xc2\xa0"), "2019-02");
}
END_TEST

START_TEST(test_accepts_no_break_space_between_parts)
{
    ck_assert_str_eq(parse("Oct\xc2\xa0" "3,\xc2\xa0" "2018"), "2018-10-03");
    ck_assert_str_eq(parse("3\xe2\x80\xaf" "October 2018"), "2018-10-03");
    ck_assert_str_eq(parse("March 5, 2021 10:00\xe2\x80\x89PKT"),
                     "2021-03-05");
}
END_TEST

/* ---- tl_date_parse: rejections ---------------------------------------- */

START_TEST(test_rejects_days_that_do_not_exist)
{
    ck_assert_str_eq(parse("Feb 30, 2020"), "-");
    ck_assert_str_eq(parse("30 February 2020"), "-");
    ck_assert_str_eq(parse("2020-02-30"), "-");
    ck_assert_str_eq(parse("April 31, 2019"), "-");
    ck_assert_str_eq(parse("2019-04-31"), "-");
    ck_assert_str_eq(parse("Oct 32, 2018"), "-");
    ck_assert_str_eq(parse("Oct 0, 2018"), "-");
    ck_assert_str_eq(parse("2018-10-00"), "-");
    ck_assert_str_eq(parse("2018-10-003"), "-");
}
END_TEST

START_TEST(test_checks_leap_years)
{
    ck_assert_str_eq(parse("Feb 29, 2019"), "-");
    ck_assert_str_eq(parse("2019-02-29"), "-");
    ck_assert_str_eq(parse("29 February 2019"), "-");
    ck_assert_str_eq(parse("1900-02-29"), "-");
    ck_assert_str_eq(parse("Feb 29, 2020"), "2020-02-29");
    ck_assert_str_eq(parse("2000-02-29"), "2000-02-29");
    ck_assert_str_eq(parse("29th of February 2024"), "2024-02-29");
}
END_TEST

START_TEST(test_rejects_month_13)
{
    ck_assert_str_eq(parse("2019-13-01"), "-");
    ck_assert_str_eq(parse("2019-13"), "-");
    ck_assert_str_eq(parse("2019-00-10"), "-");
    ck_assert_str_eq(parse("2019-00"), "-");
    ck_assert_str_eq(parse("2019-100"), "-");
}
END_TEST

START_TEST(test_rejects_years_out_of_range)
{
    ck_assert_str_eq(parse("1799"), "-");
    ck_assert_str_eq(parse("2200"), "-");
    ck_assert_str_eq(parse("1799-12-31"), "-");
    ck_assert_str_eq(parse("Oct 3, 2200"), "-");
    ck_assert_str_eq(parse("3 October 1066"), "-");
    ck_assert_str_eq(parse("May 0999"), "-");
    ck_assert_str_eq(parse("Oct 3, 18"), "-");
}
END_TEST

START_TEST(test_rejects_plain_numbers)
{
    ck_assert_str_eq(parse("12345"), "-");
    ck_assert_str_eq(parse("3.5"), "-");
    ck_assert_str_eq(parse("3"), "-");
    ck_assert_str_eq(parse("201"), "-");
    ck_assert_str_eq(parse("20190"), "-");
    ck_assert_str_eq(parse("2019.5"), "-");
    ck_assert_str_eq(parse("2,019"), "-");
    ck_assert_str_eq(parse("-2019"), "-");
}
END_TEST

START_TEST(test_rejects_all_numeric_day_month_order)
{
    ck_assert_str_eq(parse("03/10/2018"), "-");
    ck_assert_str_eq(parse("3/10/2018"), "-");
    ck_assert_str_eq(parse("10-03-2018"), "-");
    ck_assert_str_eq(parse("03.10.2018"), "-");
    ck_assert_str_eq(parse("10/2018"), "-");
}
END_TEST

START_TEST(test_rejects_mixed_separators)
{
    ck_assert_str_eq(parse("2018-10/03"), "-");
    ck_assert_str_eq(parse("2018/10-03"), "-");
    ck_assert_str_eq(parse("2018.10.03"), "-");
}
END_TEST

START_TEST(test_rejects_month_name_without_year)
{
    ck_assert_str_eq(parse("May"), "-");
    ck_assert_str_eq(parse("October"), "-");
    ck_assert_str_eq(parse("Oct 3"), "-");
    ck_assert_str_eq(parse("October 3rd"), "-");
    ck_assert_str_eq(parse("3 October"), "-");
    ck_assert_str_eq(parse("the 3rd of October"), "-");
}
END_TEST

START_TEST(test_rejects_words_containing_month_names)
{
    ck_assert_str_eq(parse("Marching 2019"), "-");
    ck_assert_str_eq(parse("Mayor 2019"), "-");
    ck_assert_str_eq(parse("Decade 3, 2019"), "-");
    ck_assert_str_eq(parse("Junes 2019"), "-");
    ck_assert_str_eq(parse("Oct2018"), "-");
    ck_assert_str_eq(parse("3October 2018"), "-");
}
END_TEST

START_TEST(test_rejects_text_around_a_date)
{
    ck_assert_str_eq(parse("on 2018-10-03"), "-");
    ck_assert_str_eq(parse("2018-10-03 onwards"), "-");
    ck_assert_str_eq(parse("Published Oct 3, 2018"), "-");
    ck_assert_str_eq(parse("2018-10-03x"), "-");
    ck_assert_str_eq(parse("2019s"), "-");
}
END_TEST

START_TEST(test_rejects_empty_and_blank)
{
    struct tl_date d;

    ck_assert_str_eq(parse(""), "-");
    ck_assert_str_eq(parse("   "), "-");
    ck_assert_str_eq(parse(" .,; "), "-");
    ck_assert_int_eq(tl_date_parse(NULL, 0, &d), 0);
    ck_assert_int_eq(d.precision, TL_DATE_NONE);
}
END_TEST

START_TEST(test_zeroes_output_on_failure)
{
    struct tl_date d = { 2001, 2, 3, TL_DATE_DAY };

    ck_assert_int_eq(tl_date_parse("Feb 30, 2020", 12, &d), 0);
    ck_assert_int_eq(d.year, 0);
    ck_assert_int_eq(d.month, 0);
    ck_assert_int_eq(d.day, 0);
    ck_assert_int_eq(d.precision, TL_DATE_NONE);
}
END_TEST

/* ---- reading no further than len --------------------------------------- */

START_TEST(test_parse_stops_at_len)
{
    /* "2019-01-05" cut after "2019-01-0": the '5' must not be read. */
    const char text[] = "2019-01-05";
    size_t len;
    char *p = exact_copy("2019-01-0", &len);
    struct tl_date d;

    ck_assert_int_eq(tl_date_parse(p, len, &d), 0);
    free(p);
    ck_assert_int_eq(tl_date_parse(text, 9, &d), 0);
    ck_assert_int_eq(tl_date_parse(text, 7, &d), 1);
    ck_assert_int_eq(d.precision, TL_DATE_MONTH);
    ck_assert_int_eq(d.month, 1);
    ck_assert_int_eq(tl_date_parse(text, 4, &d), 1);
    ck_assert_int_eq(d.precision, TL_DATE_YEAR);
}
END_TEST

START_TEST(test_find_stops_at_len)
{
    const char text[] = "Posted Oct 3, 20189";
    struct tl_date d;
    size_t start = 0, end = 0;

    ck_assert_int_eq(tl_date_find(text, 18, 0, &d, &start, &end), 1);
    ck_assert_int_eq(d.year, 2018);
    ck_assert_uint_eq(start, 7);
    ck_assert_uint_eq(end, 18);
    ck_assert_int_eq(tl_date_find(text, strlen(text), 0, &d, &start, &end),
                     0);
}
END_TEST

START_TEST(test_prefixes_never_read_past_len)
{
    static const char *const texts[] = {
        "Wed, Oct 3rd, 2018 14:05:00 +05:00",
        "2018-10-03T14:05:00.5Z",
        "the 3rd of October, 2018 at 2:30 p.m. PKT",
        "Sept. 4, 2020 10:00 am",
        ("Feb\xc2\xa0" "2019\xe2\x80\xaf"),
    };
    struct tl_date d;
    size_t start, end;

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t n = strlen(texts[i]);

        for (size_t len = 0; len <= n; len++) {
            char *p = malloc(len != 0 ? len : 1);

            ck_assert_ptr_nonnull(p);
            memcpy(p, texts[i], len);
            tl_date_parse(p, len, &d);
            if (tl_date_find(p, len, 1, &d, &start, &end))
                ck_assert_uint_le(end, len);
            free(p);
        }
    }
}
END_TEST

/* ---- tl_date_find ---------------------------------------------------- */

START_TEST(test_finds_date_after_label)
{
    ck_assert_str_eq(find("Published On: Wed, Oct 3rd, 2018"),
                     "2018-10-03 [Wed, Oct 3rd, 2018]");
    ck_assert_str_eq(find("Last updated: 2021-03-05"),
                     "2021-03-05 [2021-03-05]");
    ck_assert_str_eq(find("Date:2019-02-01"), "2019-02-01 [2019-02-01]");
}
END_TEST

START_TEST(test_finds_date_in_byline)
{
    ck_assert_str_eq(find("By Jane Roe | March 5, 2021"),
                     "2021-03-05 [March 5, 2021]");
    ck_assert_str_eq(find("Staff reporter (@someone) July 24, 2019"),
                     "2019-07-24 [July 24, 2019]");
}
END_TEST

START_TEST(test_finds_date_in_caption)
{
    ck_assert_str_eq(find("Photo taken Friday, Nov. 29, 2013."),
                     "2013-11-29 [Friday, Nov. 29, 2013]");
}
END_TEST

START_TEST(test_find_range_covers_time)
{
    ck_assert_str_eq(find("Updated March 5, 2021 10:00 PKT"),
                     "2021-03-05 [March 5, 2021 10:00 PKT]");
    ck_assert_str_eq(find("Posted 2018-10-03T14:05:00Z by the desk"),
                     "2018-10-03 [2018-10-03T14:05:00Z]");
    ck_assert_str_eq(find("Updated March 5, 2021 10:00 AND MORE"),
                     "2021-03-05 [March 5, 2021 10:00]");
    ck_assert_str_eq(find("on March 5, 2021 10 people came"),
                     "2021-03-05 [March 5, 2021]");
}
END_TEST

START_TEST(test_find_range_covers_the_and_weekday)
{
    ck_assert_str_eq(find("It opened on the 3rd of October 2018 in town"),
                     "2018-10-03 [the 3rd of October 2018]");
    ck_assert_str_eq(find("Seen Wed 3 Oct 2018, late"),
                     "2018-10-03 [Wed 3 Oct 2018]");
}
END_TEST

START_TEST(test_finds_month_precision_in_text)
{
    ck_assert_str_eq(find("a report from February 2019 said"),
                     "2019-02 [February 2019]");
    ck_assert_str_eq(find("(Feb. 2019)"), "2019-02 [Feb. 2019]");
}
END_TEST

START_TEST(test_find_returns_the_first_date)
{
    ck_assert_str_eq(find("From 3 May 2019 to June 4, 2020"),
                     "2019-05-03 [3 May 2019]");
    ck_assert_str_eq(find("Oct 3 2018 and 2019-01-01"),
                     "2018-10-03 [Oct 3 2018]");
}
END_TEST

START_TEST(test_find_skips_words_containing_month_names)
{
    ck_assert_str_eq(find("The Mayor led Marching bands"), "-");
    ck_assert_str_eq(find("Mayor 2019 and Marching 2020"), "-");
    ck_assert_str_eq(find("The Mayor spoke in May 2019"),
                     "2019-05 [May 2019]");
}
END_TEST

START_TEST(test_find_ignores_month_name_without_year)
{
    ck_assert_str_eq(find("They may 3 times refuse"), "-");
    ck_assert_str_eq(find("you may do so"), "-");
    ck_assert_str_eq(find("on Oct 3 it rained"), "-");
    ck_assert_str_eq(find("since March, prices"), "-");
}
END_TEST

START_TEST(test_find_bare_year_only_when_allowed)
{
    ck_assert_str_eq(find_in("in 2019 the vote", 0), "-");
    ck_assert_str_eq(find_in("in 2019 the vote", 1), "2019 [2019]");
    ck_assert_str_eq(find_in("in 2019, then in March 2020", 0),
                     "2020-03 [March 2020]");
    ck_assert_str_eq(find_in("in 2019, then in March 2020", 1),
                     "2019 [2019]");
    ck_assert_str_eq(find_in("(c) 2021.", 1), "2021 [2021]");
}
END_TEST

START_TEST(test_find_skips_numbers_that_are_not_years)
{
    ck_assert_str_eq(find_in("12345 people", 1), "-");
    ck_assert_str_eq(find_in("3.5 million", 1), "-");
    ck_assert_str_eq(find_in("version 2019.5 out", 1), "-");
    ck_assert_str_eq(find_in("call 2019-555", 1), "-");
    ck_assert_str_eq(find_in("1,2019 units", 1), "-");
    ck_assert_str_eq(find_in("route 1500 closed", 1), "-");
    ck_assert_str_eq(find_in("the 2020s", 1), "-");
}
END_TEST

START_TEST(test_find_rejects_all_numeric_day_month_order)
{
    ck_assert_str_eq(find_in("Posted 03/10/2018 by admin", 1), "-");
    ck_assert_str_eq(find_in("on 10-03-2018", 1), "-");
    ck_assert_str_eq(find_in("on 03.10.2018", 1), "-");
}
END_TEST

START_TEST(test_find_rejects_days_that_do_not_exist)
{
    ck_assert_str_eq(find("filed on Feb 30, 2019 they say"), "-");
    ck_assert_str_eq(find("filed on 2019-02-29"), "-");
    /* The invalid day is not read as "February 2019" either. */
    ck_assert_str_eq(find("filed Feb 30, 2019"), "-");
}
END_TEST

START_TEST(test_find_reports_no_range_when_absent)
{
    struct tl_date d;
    size_t start = 5, end = 6;

    ck_assert_int_eq(tl_date_find("no date", 7, 1, &d, &start, &end), 0);
    ck_assert_uint_eq(start, 5);
    ck_assert_uint_eq(end, 6);
    ck_assert_int_eq(tl_date_find("", 0, 1, &d, &start, &end), 0);
    ck_assert_int_eq(tl_date_find(NULL, 0, 1, &d, &start, &end), 0);
}
END_TEST

START_TEST(test_find_accepts_null_range_pointers)
{
    struct tl_date d;

    ck_assert_int_eq(tl_date_find("on 2018-10-03", 13, 0, &d, NULL, NULL),
                     1);
    ck_assert_int_eq(d.day, 3);
}
END_TEST

START_TEST(test_find_after_non_ascii_text)
{
    ck_assert_str_eq(find("\xe2\x80\x9c" "Oct 3, 2018\xe2\x80\x9d"),
                     "2018-10-03 [Oct 3, 2018]");
    ck_assert_str_eq(find("Publi\xc3\xa9: 3\xc2\xa0octobre 2018"), "-");
}
END_TEST

START_TEST(test_find_handles_nul_bytes)
{
    const char text[] = "x\0Oct 3, 2018";
    struct tl_date d;
    size_t start, end;

    ck_assert_int_eq(tl_date_find(text, sizeof text - 1, 0, &d, &start,
                                  &end), 1);
    ck_assert_uint_eq(start, 2);
    ck_assert_int_eq(tl_date_find("2019\0" "-01", 8, 1, &d, &start, &end),
                     1);
    ck_assert_int_eq(d.precision, TL_DATE_YEAR);
}
END_TEST

/* ---- format, precision names, bounds ------------------------------------ */

START_TEST(test_formats_by_precision)
{
    char buf[TL_DATE_FORMAT_SIZE];
    struct tl_date day = { 2018, 10, 3, TL_DATE_DAY };
    struct tl_date month = { 2019, 2, 0, TL_DATE_MONTH };
    struct tl_date year = { 1850, 0, 0, TL_DATE_YEAR };
    struct tl_date none = { 0 };

    ck_assert_str_eq(tl_date_format(&day, buf, sizeof buf), "2018-10-03");
    ck_assert_str_eq(tl_date_format(&month, buf, sizeof buf), "2019-02");
    ck_assert_str_eq(tl_date_format(&year, buf, sizeof buf), "1850");
    ck_assert_str_eq(tl_date_format(&none, buf, sizeof buf), "");
    ck_assert_ptr_eq(tl_date_format(&day, buf, sizeof buf), buf);
}
END_TEST

START_TEST(test_format_cuts_to_small_buffer)
{
    char buf[8] = "xxxxxxx";
    struct tl_date day = { 2018, 10, 3, TL_DATE_DAY };

    ck_assert_str_eq(tl_date_format(&day, buf, 5), "2018");
    ck_assert_str_eq(tl_date_format(&day, buf, 1), "");
    buf[0] = 'z';
    tl_date_format(&day, buf, 0);
    ck_assert_int_eq(buf[0], 'z');
}
END_TEST

START_TEST(test_format_round_trips_through_parse)
{
    static const char *const dates[] = {
        "2018-10-03", "2019-02", "2019", "2020-02-29", "1800-01-01",
    };
    char buf[TL_DATE_FORMAT_SIZE];
    struct tl_date d;

    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        ck_assert_int_eq(tl_date_parse(dates[i], strlen(dates[i]), &d), 1);
        ck_assert_str_eq(tl_date_format(&d, buf, sizeof buf), dates[i]);
        ck_assert_int_eq(tl_date_parse_filter(buf, &d, NULL), TL_OK);
        ck_assert_str_eq(tl_date_format(&d, buf, sizeof buf), dates[i]);
    }
}
END_TEST

START_TEST(test_precision_names_round_trip)
{
    ck_assert_str_eq(tl_date_precision_name(TL_DATE_YEAR), "year");
    ck_assert_str_eq(tl_date_precision_name(TL_DATE_MONTH), "month");
    ck_assert_str_eq(tl_date_precision_name(TL_DATE_DAY), "day");
    ck_assert_ptr_null(tl_date_precision_name(TL_DATE_NONE));
    for (int p = TL_DATE_YEAR; p <= TL_DATE_DAY; p++)
        ck_assert_int_eq(tl_date_precision_of(tl_date_precision_name(
                             (enum tl_date_precision)p)), p);
}
END_TEST

START_TEST(test_unknown_precision_name_is_none)
{
    ck_assert_int_eq(tl_date_precision_of("week"), TL_DATE_NONE);
    ck_assert_int_eq(tl_date_precision_of("Day"), TL_DATE_NONE);
    ck_assert_int_eq(tl_date_precision_of(""), TL_DATE_NONE);
    ck_assert_int_eq(tl_date_precision_of(NULL), TL_DATE_NONE);
}
END_TEST

/* The bounds of filter value s as "first..last". */
static const char *
bounds(const char *s)
{
    static char out[32];
    char a[TL_DATE_FORMAT_SIZE], b[TL_DATE_FORMAT_SIZE];
    struct tl_date d, first, last;

    ck_assert_int_eq(tl_date_parse_filter(s, &d, NULL), TL_OK);
    tl_date_bounds(&d, &first, &last);
    ck_assert_int_eq(first.precision, TL_DATE_DAY);
    ck_assert_int_eq(last.precision, TL_DATE_DAY);
    snprintf(out, sizeof out, "%s..%s", tl_date_format(&first, a, sizeof a),
             tl_date_format(&last, b, sizeof b));
    return out;
}

START_TEST(test_bounds_of_year)
{
    ck_assert_str_eq(bounds("2019"), "2019-01-01..2019-12-31");
}
END_TEST

START_TEST(test_bounds_of_month)
{
    ck_assert_str_eq(bounds("2019-01"), "2019-01-01..2019-01-31");
    ck_assert_str_eq(bounds("2019-04"), "2019-04-01..2019-04-30");
    ck_assert_str_eq(bounds("2019-12"), "2019-12-01..2019-12-31");
}
END_TEST

START_TEST(test_bounds_of_february_follow_leap_years)
{
    ck_assert_str_eq(bounds("2019-02"), "2019-02-01..2019-02-28");
    ck_assert_str_eq(bounds("2020-02"), "2020-02-01..2020-02-29");
    ck_assert_str_eq(bounds("1900-02"), "1900-02-01..1900-02-28");
    ck_assert_str_eq(bounds("2000-02"), "2000-02-01..2000-02-29");
}
END_TEST

START_TEST(test_bounds_of_day_is_the_day)
{
    struct tl_date d = { 2018, 10, 3, TL_DATE_DAY };

    ck_assert_str_eq(bounds("2018-10-03"), "2018-10-03..2018-10-03");
    tl_date_bounds(&d, &d, &d);
    ck_assert_int_eq(d.year, 2018);
    ck_assert_int_eq(d.month, 10);
    ck_assert_int_eq(d.day, 3);
}
END_TEST

START_TEST(test_bounds_may_overwrite_their_input)
{
    struct tl_date d = { 2020, 2, 0, TL_DATE_MONTH }, last;

    tl_date_bounds(&d, &d, &last);
    ck_assert_int_eq(d.day, 1);
    ck_assert_int_eq(last.day, 29);
}
END_TEST

START_TEST(test_bounds_of_none_are_zero)
{
    struct tl_date d = { 0 }, bad_month = { 2019, 13, 0, TL_DATE_MONTH };
    struct tl_date first = { 1, 1, 1, TL_DATE_DAY }, last = first;

    tl_date_bounds(&d, &first, &last);
    ck_assert_int_eq(first.precision, TL_DATE_NONE);
    ck_assert_int_eq(first.year, 0);
    ck_assert_int_eq(last.precision, TL_DATE_NONE);
    tl_date_bounds(&bad_month, &first, &last);
    ck_assert_int_eq(first.precision, TL_DATE_NONE);
    ck_assert_int_eq(last.precision, TL_DATE_NONE);
}
END_TEST

/* ---- tl_date_parse_filter ---------------------------------------------- */

START_TEST(test_filter_accepts_three_forms)
{
    struct tl_date d;
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_date_parse_filter("2019", &d, &err), TL_OK);
    ck_assert_int_eq(d.precision, TL_DATE_YEAR);
    ck_assert_int_eq(d.year, 2019);
    ck_assert_int_eq(tl_date_parse_filter("2019-02", &d, &err), TL_OK);
    ck_assert_int_eq(d.precision, TL_DATE_MONTH);
    ck_assert_int_eq(d.month, 2);
    ck_assert_int_eq(d.day, 0);
    ck_assert_int_eq(tl_date_parse_filter("2019-02-28", &d, &err), TL_OK);
    ck_assert_int_eq(d.precision, TL_DATE_DAY);
    ck_assert_int_eq(d.day, 28);
    ck_assert_int_eq(tl_date_parse_filter("1492-10-12", &d, &err), TL_OK);
    ck_assert_int_eq(d.year, 1492);
}
END_TEST

/* The message for a bad filter value (the code must be TL_ERR_USAGE and
 * the date zeroed). */
static const char *
filter_error(const char *s)
{
    static struct tl_error err;
    struct tl_date d = { 2001, 2, 3, TL_DATE_DAY };

    memset(&err, 0, sizeof err);
    ck_assert_int_eq(tl_date_parse_filter(s, &d, &err), TL_ERR_USAGE);
    ck_assert_int_eq(err.code, TL_ERR_USAGE);
    ck_assert_int_eq(d.precision, TL_DATE_NONE);
    ck_assert_int_eq(d.year, 0);
    return err.msg;
}

START_TEST(test_filter_error_names_value_and_forms)
{
    ck_assert_str_eq(filter_error("2019-13-01"),
                     "bad date '2019-13-01' (want YYYY, YYYY-MM or "
                     "YYYY-MM-DD)");
    ck_assert_str_eq(filter_error("yesterday"),
                     "bad date 'yesterday' (want YYYY, YYYY-MM or "
                     "YYYY-MM-DD)");
    ck_assert_str_eq(filter_error(""),
                     "bad date '' (want YYYY, YYYY-MM or YYYY-MM-DD)");
    ck_assert_str_eq(filter_error(NULL),
                     "bad date '' (want YYYY, YYYY-MM or YYYY-MM-DD)");
}
END_TEST

START_TEST(test_filter_rejects_days_that_do_not_exist)
{
    ck_assert_ptr_nonnull(strstr(filter_error("2019-02-29"), "'2019-02-29'"));
    ck_assert_ptr_nonnull(strstr(filter_error("2019-04-31"), "'2019-04-31'"));
    ck_assert_ptr_nonnull(strstr(filter_error("2019-01-00"), "'2019-01-00'"));
    ck_assert_ptr_nonnull(strstr(filter_error("2019-00"), "'2019-00'"));
}
END_TEST

START_TEST(test_filter_rejects_other_forms)
{
    static const char *const bad[] = {
        "19", "20190", "2019-1", "2019-1-05", "2019-01-5", "2019/01/05",
        "2019-01-05T00:00", " 2019", "2019 ", "Oct 3, 2018", "0000",
        "+019", "2019-02-", "2019--02", "03/10/2018", "2O19",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_ptr_nonnull(strstr(filter_error(bad[i]), "(want YYYY"));
}
END_TEST

START_TEST(test_filter_accepts_null_err)
{
    struct tl_date d;

    ck_assert_int_eq(tl_date_parse_filter("2019-13", &d, NULL),
                     TL_ERR_USAGE);
}
END_TEST

Suite *
date_suite(void)
{
    Suite *s = suite_create("date");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_add_test(tc, test_parses_iso_day);
    tcase_add_test(tc, test_parses_iso_month);
    tcase_add_test(tc, test_ignores_time_after_iso_date);
    tcase_add_test(tc, test_ignores_time_after_written_date);
    tcase_add_test(tc, test_rejects_broken_time);
    tcase_add_test(tc, test_parses_month_first);
    tcase_add_test(tc, test_parses_ordinal_day);
    tcase_add_test(tc, test_rejects_other_suffix_after_day);
    tcase_add_test(tc, test_parses_abbreviated_month_with_dot);
    tcase_add_test(tc, test_knows_every_month_name);
    tcase_add_test(tc, test_rejects_other_abbreviations);
    tcase_add_test(tc, test_month_names_ignore_case);
    tcase_add_test(tc, test_parses_weekday_prefix);
    tcase_add_test(tc, test_weekday_needs_a_date);
    tcase_add_test(tc, test_parses_day_first);
    tcase_add_test(tc, test_parses_the_day_of_month);
    tcase_add_test(tc, test_parses_month_precision);
    tcase_add_test(tc, test_parses_bare_year);
    tcase_add_test(tc, test_fills_fields_and_precision);
    tcase_add_test(tc, test_ignores_surrounding_space_and_trailing_punctuation);
    tcase_add_test(tc, test_accepts_no_break_space_between_parts);
    suite_add_tcase(s, tc);

    tc = tcase_create("reject");
    tcase_add_test(tc, test_rejects_days_that_do_not_exist);
    tcase_add_test(tc, test_checks_leap_years);
    tcase_add_test(tc, test_rejects_month_13);
    tcase_add_test(tc, test_rejects_years_out_of_range);
    tcase_add_test(tc, test_rejects_plain_numbers);
    tcase_add_test(tc, test_rejects_all_numeric_day_month_order);
    tcase_add_test(tc, test_rejects_mixed_separators);
    tcase_add_test(tc, test_rejects_month_name_without_year);
    tcase_add_test(tc, test_rejects_words_containing_month_names);
    tcase_add_test(tc, test_rejects_text_around_a_date);
    tcase_add_test(tc, test_rejects_empty_and_blank);
    tcase_add_test(tc, test_zeroes_output_on_failure);
    suite_add_tcase(s, tc);

    tc = tcase_create("bounds_of_text");
    tcase_add_test(tc, test_parse_stops_at_len);
    tcase_add_test(tc, test_find_stops_at_len);
    tcase_add_test(tc, test_prefixes_never_read_past_len);
    suite_add_tcase(s, tc);

    tc = tcase_create("find");
    tcase_add_test(tc, test_finds_date_after_label);
    tcase_add_test(tc, test_finds_date_in_byline);
    tcase_add_test(tc, test_finds_date_in_caption);
    tcase_add_test(tc, test_find_range_covers_time);
    tcase_add_test(tc, test_find_range_covers_the_and_weekday);
    tcase_add_test(tc, test_finds_month_precision_in_text);
    tcase_add_test(tc, test_find_returns_the_first_date);
    tcase_add_test(tc, test_find_skips_words_containing_month_names);
    tcase_add_test(tc, test_find_ignores_month_name_without_year);
    tcase_add_test(tc, test_find_bare_year_only_when_allowed);
    tcase_add_test(tc, test_find_skips_numbers_that_are_not_years);
    tcase_add_test(tc, test_find_rejects_all_numeric_day_month_order);
    tcase_add_test(tc, test_find_rejects_days_that_do_not_exist);
    tcase_add_test(tc, test_find_reports_no_range_when_absent);
    tcase_add_test(tc, test_find_accepts_null_range_pointers);
    tcase_add_test(tc, test_find_after_non_ascii_text);
    tcase_add_test(tc, test_find_handles_nul_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_test(tc, test_formats_by_precision);
    tcase_add_test(tc, test_format_cuts_to_small_buffer);
    tcase_add_test(tc, test_format_round_trips_through_parse);
    tcase_add_test(tc, test_precision_names_round_trip);
    tcase_add_test(tc, test_unknown_precision_name_is_none);
    tcase_add_test(tc, test_bounds_of_year);
    tcase_add_test(tc, test_bounds_of_month);
    tcase_add_test(tc, test_bounds_of_february_follow_leap_years);
    tcase_add_test(tc, test_bounds_of_day_is_the_day);
    tcase_add_test(tc, test_bounds_may_overwrite_their_input);
    tcase_add_test(tc, test_bounds_of_none_are_zero);
    suite_add_tcase(s, tc);

    tc = tcase_create("filter");
    tcase_add_test(tc, test_filter_accepts_three_forms);
    tcase_add_test(tc, test_filter_error_names_value_and_forms);
    tcase_add_test(tc, test_filter_rejects_days_that_do_not_exist);
    tcase_add_test(tc, test_filter_rejects_other_forms);
    tcase_add_test(tc, test_filter_accepts_null_err);
    suite_add_tcase(s, tc);
    return s;
}
