/*
 * date.h - publication dates: reading them from metadata values and lines
 * of text (the indexer) and from filter values (the query tool).
 *
 * No function here allocates, keeps a pointer past the call, or reads
 * text past its given length: text need not be NUL-terminated.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_DATE_H
#define TALAASH_DATE_H


enum tl_date_precision {
    TL_DATE_NONE = 0,
    TL_DATE_YEAR,
    TL_DATE_MONTH,
    TL_DATE_DAY,
};

/* A calendar date known to a precision: month and day are 0 when not
 * known.  A date with precision TL_DATE_NONE is all zeros. */
struct tl_date {
    int year;           /* 1800..2199 from the text parsers */
    int month;          /* 1..12, or 0 */
    int day;            /* 1..31, or 0 */
    enum tl_date_precision precision;
};

/* Parses text[0, len) when the whole of it, ignoring surrounding white
 * space and trailing '.', ',' or ';', is one date in a form tl_date_find
 * accepts, a bare year ("2019") included.  Returns 1 and fills *date_out,
 * else returns 0 with *date_out zeroed. */
int tl_date_parse(const char *text, size_t len, struct tl_date *date_out);

/* Finds the first date written in text[0, len), e.g. in "Published On:
 * Wed, Oct 3rd, 2018" or "Updated March 5, 2021 10:00 PKT".  Accepted,
 * case-insensitively, with an optional leading weekday ("Wed,", "Friday"):
 *   2018-10-03  2018/10/03  2018-10  2018-10-03T14:05:00+05:00
 *   Oct 3rd, 2018  October 3 2018  Nov. 29, 2013  Sept. 4, 2020
 *   3 October 2018  3rd October, 2018  the 3rd of October 2018
 *   February 2019  Feb. 2019 (month precision)
 *   2019 (year precision: only when allow_bare_year is non-zero)
 * A time of day written right after a full date ("10:00 PKT",
 * "T14:05:00Z", "2:30 p.m.") belongs to the date text; it is not kept.
 * Never a date: a month name without a year, a day that does not exist,
 * a year outside 1800..2199, a number inside a larger one ("12345",
 * "3.5") or all-numeric day-month orders ("03/10/2018": ambiguous).
 * Returns 1 with *date_out and the date text's byte range
 * [*start_out, *end_out); else 0 with *date_out zeroed and the range
 * left as it was.  start_out and end_out may be NULL. */
int tl_date_find(const char *text, size_t len, int allow_bare_year,
                 struct tl_date *date_out, size_t *start_out,
                 size_t *end_out);

/* Smallest buffer size tl_date_format needs: "YYYY-MM-DD" and its NUL. */
#define TL_DATE_FORMAT_SIZE 11

/* Writes d as "YYYY", "YYYY-MM" or "YYYY-MM-DD" by its precision ("" for
 * TL_DATE_NONE) into buf of size bytes (cut to fit when size is less
 * than TL_DATE_FORMAT_SIZE); returns buf. */
const char *tl_date_format(const struct tl_date *d, char *buf, size_t size);

/* "year", "month", "day", or NULL for TL_DATE_NONE (a static string). */
const char *tl_date_precision_name(enum tl_date_precision p);

/* The reverse of tl_date_precision_name; TL_DATE_NONE for NULL or an
 * unknown name. */
enum tl_date_precision tl_date_precision_of(const char *name);

/* The first and last day (precision TL_DATE_DAY) that d covers:
 * 2019 -> 2019-01-01..2019-12-31, 2020-02 -> 2020-02-01..2020-02-29, a
 * day -> itself.  For TL_DATE_NONE both are zeroed.  first and last may
 * be d itself. */
void tl_date_bounds(const struct tl_date *d, struct tl_date *first,
                    struct tl_date *last);

/* Parses a filter value (--since, --until): exactly YYYY, YYYY-MM or
 * YYYY-MM-DD, any year 0001..9999, a day that exists.  Else TL_ERR_USAGE,
 * "bad date '2019-13-01' (want YYYY, YYYY-MM or YYYY-MM-DD)", and
 * *date_out zeroed. */
enum tl_status
tl_date_parse_filter(const char *s, struct tl_date *date_out,
                     struct tl_error *err);

#endif /* TALAASH_DATE_H */
