/*
 * fuzz-date.c - the date parsers (lib/date.c).
 *
 * Input: one flags byte (bit 0: allow_bare_year), then text.  Checked:
 *   - every date returned exists (month 1-12, a day the month has, the
 *     year in 1800..2199 from the text parsers), and its precision
 *     matches the fields set;
 *   - tl_date_find's range lies in the text, and that range alone parses
 *     (tl_date_parse) to the same date;
 *   - tl_date_parse accepting the text means tl_date_find finds the
 *     same date in it;
 *   - tl_date_parse_filter accepts exactly what tl_date_format writes
 *     back, and refuses with TL_ERR_USAGE and a zeroed date;
 *   - tl_date_bounds gives an ordered pair of real days.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int
same(const struct tl_date *a, const struct tl_date *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day
           && a->precision == b->precision;
}

static void
check_bounds(const struct tl_date *d)
{
    struct tl_date first, last, copy = *d;

    tl_date_bounds(d, &first, &last);
    if (d->precision == TL_DATE_NONE) {
        FUZZ_CHECK(first.precision == TL_DATE_NONE
                   && last.precision == TL_DATE_NONE, "bounds of no date");
        return;
    }
    fuzz_check_date(&first, 1, 9999);
    fuzz_check_date(&last, 1, 9999);
    FUZZ_CHECK(first.precision == TL_DATE_DAY
               && last.precision == TL_DATE_DAY, "bounds are not days");
    FUZZ_CHECK(first.year == d->year && last.year == d->year,
               "bounds leave the year");
    FUZZ_CHECK(first.month * 32 + first.day <= last.month * 32 + last.day,
               "bounds out of order");
    tl_date_bounds(&copy, &copy, &last);    /* first may be d itself */
    FUZZ_CHECK(same(&copy, &first), "bounds in place differ");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_date d, p, f;
    struct tl_error err = { 0 };
    size_t start = (size_t)-1, end = (size_t)-1;
    char buf[TL_DATE_FORMAT_SIZE], small[5];
    const char *text;
    char *s;
    int bare, found;

    if (size == 0)
        return 0;
    bare = data[0] & 1;
    text = (const char *)data + 1;
    size--;

    found = tl_date_find(text, size, bare, &d, &start, &end);
    fuzz_check_date(&d, 1800, 2199);
    if (found) {
        FUZZ_CHECK(d.precision != TL_DATE_NONE, "found no date");
        FUZZ_CHECK(bare || d.precision != TL_DATE_YEAR,
                   "a bare year without allow_bare_year");
        FUZZ_CHECK(start < end && end <= size, "range [%zu, %zu) of %zu",
                   start, end, size);
        FUZZ_CHECK(tl_date_parse(text + start, end - start, &p),
                   "the range tl_date_find gave does not parse: '%.*s'",
                   (int)(end - start), text + start);
        FUZZ_CHECK(same(&p, &d), "the range parses to another date");
        check_bounds(&d);
    } else {
        FUZZ_CHECK(d.precision == TL_DATE_NONE, "not found but set");
        FUZZ_CHECK(start == (size_t)-1 && end == (size_t)-1,
                   "not found but the range was set");
    }

    if (tl_date_parse(text, size, &p)) {
        fuzz_check_date(&p, 1800, 2199);
        FUZZ_CHECK(p.precision != TL_DATE_NONE, "parsed no date");
        FUZZ_CHECK(tl_date_find(text, size, 1, &f, NULL, NULL)
                   && same(&f, &p), "tl_date_parse accepts text in which "
                   "tl_date_find finds another date");
        tl_date_format(&p, buf, sizeof buf);
        FUZZ_CHECK(tl_date_parse_filter(buf, &f, &err) == TL_OK
                   && same(&f, &p), "'%s' does not read back", buf);
        tl_date_format(&p, small, sizeof small);
        FUZZ_CHECK(strlen(small) < sizeof small, "format overflowed");
    } else {
        fuzz_check_date(&p, 0, 0);
    }

    s = fuzz_strndup((const uint8_t *)text, size);
    if (tl_date_parse_filter(s, &f, &err) == TL_OK) {
        fuzz_check_date(&f, 1, 9999);
        FUZZ_CHECK(f.precision != TL_DATE_NONE, "filter gave no date");
        tl_date_format(&f, buf, sizeof buf);
        FUZZ_CHECK(strcmp(buf, s) == 0, "filter '%s' formats as '%s'", s,
                   buf);
        check_bounds(&f);
    } else {
        FUZZ_CHECK(err.code == TL_ERR_USAGE && err.msg[0] != '\0',
                   "filter refused with %d: %s", err.code, err.msg);
        fuzz_check_date(&f, 0, 0);
    }
    free(s);
    return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}
