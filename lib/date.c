/*
 * date.c - publication dates in metadata values, lines of text and
 * filter values.
 *
 * The text parser is a small hand-written matcher over bytes, not
 * strptime(3): strptime depends on the locale, wants one fixed format per
 * call and, like sscanf, reads a C string up to its NUL, while our lines
 * are (ptr, len) slices of a larger buffer.  Every read below checks the
 * position against the length first.
 *
 * A candidate date starts at a word boundary and is tried, in order, as
 *   [weekday] ISO          2018-10-03, 2018/10/03, 2018-10
 *   [weekday] month first  Oct 3rd, 2018 / February 2019
 *   [weekday] day first    [the] 3rd [of] October, 2018
 *   bare year              2019 (when allowed, never after a weekday)
 * A full date may be followed by a time of day, which is consumed (so it
 * is part of the date's text) and ignored.  The match must then end at a
 * boundary: not inside a word, and not inside a number ("2019.5").
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "date.h"

#define YEAR_MIN 1800
#define YEAR_MAX 2199
/* A digit run longer than this is counted but its value is not kept. */
#define DIGITS_MAX 9
/* "want any end" for match_at(). */
#define ANY_END SIZE_MAX

struct text {
    const char *s;
    size_t len;
};

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(unsigned char c)
{
    return is_digit(c) || is_alpha(c);
}

static int
to_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The byte at p, or 0 past the end. */
static unsigned char
at(const struct text *t, size_t p)
{
    return p < t->len ? (unsigned char)t->s[p] : 0;
}

/* Length of the horizontal space at p: ' ', '\t', U+00A0 (no-break
 * space), U+2009 (thin space) and U+202F (narrow no-break space), which
 * web pages put between the parts of a date. */
static size_t
hspace_len(const struct text *t, size_t p)
{
    unsigned char c = at(t, p);

    if (c == ' ' || c == '\t')
        return 1;
    if (c == 0xc2 && at(t, p + 1) == 0xa0)
        return 2;
    if (c == 0xe2 && at(t, p + 1) == 0x80
        && (at(t, p + 2) == 0x89 || at(t, p + 2) == 0xaf))
        return 3;
    return 0;
}

static size_t
skip_hspace(const struct text *t, size_t p)
{
    size_t n;

    while ((n = hspace_len(t, p)) != 0)
        p += n;
    return p;
}

/* Any white space, as trimmed around a whole value by tl_date_parse. */
static size_t
space_len(const struct text *t, size_t p)
{
    unsigned char c = at(t, p);

    if (p < t->len && (c == '\n' || c == '\r' || c == '\f' || c == '\v'))
        return 1;
    return hspace_len(t, p);
}

/* Skips an optional '.' (when dot), white space, an optional ',' (when
 * comma) and white space; *any is set when something was skipped. */
static size_t
skip_sep(const struct text *t, size_t p, int dot, int comma, int *any)
{
    size_t q = p;

    if (dot && at(t, q) == '.')
        q++;
    q = skip_hspace(t, q);
    if (comma && at(t, q) == ',')
        q = skip_hspace(t, q + 1);
    *any = q > p;
    return q;
}

/* Reads the run of digits at p: its length (returned) and, when it has
 * at most DIGITS_MAX digits, its value. */
static size_t
read_digits(const struct text *t, size_t p, int *val)
{
    size_t n = 0;
    int v = 0;

    while (is_digit(at(t, p + n))) {
        if (n < DIGITS_MAX)
            v = v * 10 + (at(t, p + n) - '0');
        n++;
    }
    *val = v;
    return n;
}

static size_t
word_len(const struct text *t, size_t p)
{
    size_t n = 0;

    while (is_alpha(at(t, p + n)))
        n++;
    return n;
}

/* Is the word at p, n letters long, name (lower case)? */
static int
word_is(const struct text *t, size_t p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (name[i] == '\0' || to_lower(at(t, p + i)) != name[i])
            return 0;
    return name[n] == '\0';
}

/* Words that can begin a date, lower case, by length. */
enum { WORD_OTHER, WORD_MONTH, WORD_WEEKDAY, WORD_THE };

static const struct {
    char name[10];
    unsigned char len;
    unsigned char kind;
    unsigned char month;
} date_words[] = {
    { "jan", 3, WORD_MONTH, 1 }, { "feb", 3, WORD_MONTH, 2 },
    { "mar", 3, WORD_MONTH, 3 }, { "apr", 3, WORD_MONTH, 4 },
    { "may", 3, WORD_MONTH, 5 }, { "jun", 3, WORD_MONTH, 6 },
    { "jul", 3, WORD_MONTH, 7 }, { "aug", 3, WORD_MONTH, 8 },
    { "sep", 3, WORD_MONTH, 9 }, { "oct", 3, WORD_MONTH, 10 },
    { "nov", 3, WORD_MONTH, 11 }, { "dec", 3, WORD_MONTH, 12 },
    { "mon", 3, WORD_WEEKDAY, 0 }, { "tue", 3, WORD_WEEKDAY, 0 },
    { "wed", 3, WORD_WEEKDAY, 0 }, { "thu", 3, WORD_WEEKDAY, 0 },
    { "fri", 3, WORD_WEEKDAY, 0 }, { "sat", 3, WORD_WEEKDAY, 0 },
    { "sun", 3, WORD_WEEKDAY, 0 }, { "the", 3, WORD_THE, 0 },
    { "june", 4, WORD_MONTH, 6 }, { "july", 4, WORD_MONTH, 7 },
    { "sept", 4, WORD_MONTH, 9 }, { "tues", 4, WORD_WEEKDAY, 0 },
    { "thur", 4, WORD_WEEKDAY, 0 }, { "march", 5, WORD_MONTH, 3 },
    { "april", 5, WORD_MONTH, 4 }, { "thurs", 5, WORD_WEEKDAY, 0 },
    { "august", 6, WORD_MONTH, 8 }, { "monday", 6, WORD_WEEKDAY, 0 },
    { "friday", 6, WORD_WEEKDAY, 0 }, { "sunday", 6, WORD_WEEKDAY, 0 },
    { "january", 7, WORD_MONTH, 1 }, { "october", 7, WORD_MONTH, 10 },
    { "tuesday", 7, WORD_WEEKDAY, 0 }, { "february", 8, WORD_MONTH, 2 },
    { "november", 8, WORD_MONTH, 11 }, { "december", 8, WORD_MONTH, 12 },
    { "thursday", 8, WORD_WEEKDAY, 0 }, { "saturday", 8, WORD_WEEKDAY, 0 },
    { "september", 9, WORD_MONTH, 9 }, { "wednesday", 9, WORD_WEEKDAY, 0 },
};

/* What the word at p, n letters long, is: WORD_MONTH (*month set to
 * 1..12: a full name, its first three letters, or "sept"), WORD_WEEKDAY,
 * WORD_THE or WORD_OTHER. */
static int
classify_word(const struct text *t, size_t p, size_t n, int *month)
{
    char w[9];

    *month = 0;
    if (n < 3 || n > sizeof w)
        return WORD_OTHER;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)to_lower(at(t, p + i));
    for (size_t i = 0; i < sizeof date_words / sizeof date_words[0]; i++) {
        if (date_words[i].len > n)
            break;
        if (date_words[i].len == n && memcmp(date_words[i].name, w, n) == 0) {
            *month = date_words[i].month;
            return date_words[i].kind;
        }
    }
    return WORD_OTHER;
}

static int
month_of_word(const struct text *t, size_t p, size_t n)
{
    int m;

    return classify_word(t, p, n, &m) == WORD_MONTH ? m : 0;
}

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int days[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    };

    if (m == 2 && is_leap(y))
        return 29;
    return days[m - 1];
}

static int
year_ok(int y)
{
    return y >= YEAR_MIN && y <= YEAR_MAX;
}

static int
day_ok(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static void
set_date(struct tl_date *d, int y, int m, int day,
         enum tl_date_precision prec)
{
    d->year = y;
    d->month = m;
    d->day = day;
    d->precision = prec;
}

/* Can a date start at p: not inside a word nor inside a number such as
 * "03/10/2018" or "3.5"? */
static int
start_ok(const struct text *t, size_t p)
{
    unsigned char prev;

    if (p == 0)
        return 1;
    prev = at(t, p - 1);
    if (is_alnum(prev))
        return 0;
    if (is_digit(at(t, p)) && p >= 2 && is_digit(at(t, p - 2))
        && prev != 0 && strchr(".,/-:", prev) != NULL)
        return 0;
    return 1;
}

/* Can a date end at e (its last byte at e - 1)? */
static int
end_ok(const struct text *t, size_t e)
{
    unsigned char next = at(t, e);

    if (e >= t->len)
        return 1;
    if (is_alnum(next))
        return 0;
    if (is_digit(at(t, e - 1)) && next != 0 && strchr(".,/-:", next) != NULL
        && is_digit(at(t, e + 1)))
        return 0;
    return 1;
}

/* A four-digit year in range at p; returns its end or 0. */
static size_t
match_year(const struct text *t, size_t p, int *year)
{
    if (read_digits(t, p, year) != 4 || !year_ok(*year))
        return 0;
    return p + 4;
}

/* A day of the month, 1 or 2 digits with an optional ordinal suffix
 * (st, nd, rd, th: which one is not checked, "3th" is a typo, not
 * another number); returns its end or 0. */
static size_t
match_day(const struct text *t, size_t p, int *day)
{
    size_t n = read_digits(t, p, day), w;

    if (n == 0 || n > 2 || *day < 1 || *day > 31)
        return 0;
    p += n;
    w = word_len(t, p);
    if (w == 0)
        return p;
    if (word_is(t, p, w, "st") || word_is(t, p, w, "nd")
        || word_is(t, p, w, "rd") || word_is(t, p, w, "th"))
        return p + w;
    return 0;
}

/* "am", "pm", "a.m." or "p.m." at p; returns its end or 0. */
static size_t
match_meridiem(const struct text *t, size_t p)
{
    int c = to_lower(at(t, p));
    size_t w;

    if (c != 'a' && c != 'p')
        return 0;
    w = word_len(t, p);
    if (w == 2 && to_lower(at(t, p + 1)) == 'm')
        return p + 2;
    if (w == 1 && at(t, p + 1) == '.' && to_lower(at(t, p + 2)) == 'm'
        && !is_alpha(at(t, p + 3)))
        return at(t, p + 3) == '.' ? p + 4 : p + 3;
    return 0;
}

/* A zone after a time: "Z", "+05:00", "-0500", "+05", or a word such as
 * UTC, GMT, PKT, CEST (2 to 5 capitals, the last a T, or UTC). */
static size_t
match_zone(const struct text *t, size_t p)
{
    size_t q, w;
    int v;

    if (at(t, p) == 'Z' && !is_alnum(at(t, p + 1)))
        return p + 1;
    q = skip_hspace(t, p);
    if (at(t, q) == '+' || at(t, q) == '-') {
        size_t n = read_digits(t, q + 1, &v);

        if (n == 4)
            return q + 5;
        if (n != 2)
            return 0;
        q += 3;
        if (at(t, q) == ':' && read_digits(t, q + 1, &v) == 2)
            return q + 3;
        return q;
    }
    if (q == p)
        return 0;
    w = word_len(t, q);
    if (w < 2 || w > 5 || is_digit(at(t, q + w)))
        return 0;
    for (size_t i = 0; i < w; i++)
        if (at(t, q + i) < 'A' || at(t, q + i) > 'Z')
            return 0;
    if (at(t, q + w - 1) == 'T' || word_is(t, q, w, "utc"))
        return q + w;
    return 0;
}

/* A time of day after a full date ending at p: "T14:05:00Z" (iso only),
 * " 14:05", ", 10:00 PKT", " at 2:30 p.m.".  Returns its end, or p when
 * there is none. */
static size_t
match_time(const struct text *t, size_t p, int iso)
{
    size_t q = p, e;
    int v, hour, minute;

    if (iso && (at(t, q) == 'T' || at(t, q) == 't')) {
        q++;
    } else {
        q = skip_hspace(t, q);
        if (at(t, q) == ',')
            q = skip_hspace(t, q + 1);
        if (word_len(t, q) == 2 && word_is(t, q, 2, "at")
            && hspace_len(t, q + 2) != 0)
            q = skip_hspace(t, q + 2);
        if (q == p)
            return p;
    }
    e = read_digits(t, q, &hour);
    if (e == 0 || e > 2 || hour > 24 || at(t, q + e) != ':')
        return p;
    q += e + 1;
    if (read_digits(t, q, &minute) != 2 || minute > 59)
        return p;
    q += 2;
    if (at(t, q) == ':' && read_digits(t, q + 1, &v) == 2 && v <= 60) {
        q += 3;
        if (at(t, q) == '.' && is_digit(at(t, q + 1)))
            q += 1 + read_digits(t, q + 1, &v);
    }
    e = match_meridiem(t, skip_hspace(t, q));
    if (e != 0)
        q = e;
    e = match_zone(t, q);
    if (e != 0)
        q = e;
    return end_ok(t, q) ? q : p;
}

/* 2018-10-03, 2018/10/03 or 2018-10 at p. */
static size_t
match_iso(const struct text *t, size_t p, struct tl_date *d)
{
    int y, m, day;
    size_t q = match_year(t, p, &y), n;
    unsigned char sep;

    if (q == 0)
        return 0;
    sep = at(t, q);
    if (sep != '-' && sep != '/')
        return 0;
    n = read_digits(t, q + 1, &m);
    if (n == 0 || n > 2 || m < 1 || m > 12)
        return 0;
    q += 1 + n;
    if (at(t, q) != sep || !is_digit(at(t, q + 1))) {
        set_date(d, y, m, 0, TL_DATE_MONTH);
        return q;
    }
    n = read_digits(t, q + 1, &day);
    if (n > 2 || !day_ok(y, m, day))
        return 0;
    set_date(d, y, m, day, TL_DATE_DAY);
    return q + 1 + n;
}

/* Oct 3rd, 2018 / October 3 2018 / Nov. 29, 2013 / February 2019 /
 * Feb. 2019 at p. */
static size_t
match_month_first(const struct text *t, size_t p, struct tl_date *d)
{
    size_t w = word_len(t, p), q, r;
    int m = month_of_word(t, p, w), y, day, any;

    if (m == 0)
        return 0;
    q = skip_sep(t, p + w, 1, 0, &any);
    if (any && (r = match_day(t, q, &day)) != 0) {
        r = skip_sep(t, r, 0, 1, &any);
        if (any && (r = match_year(t, r, &y)) != 0) {
            if (!day_ok(y, m, day))
                return 0;
            set_date(d, y, m, day, TL_DATE_DAY);
            return r;
        }
    }
    q = skip_sep(t, p + w, 1, 1, &any);
    if (!any || (q = match_year(t, q, &y)) == 0)
        return 0;
    set_date(d, y, m, 0, TL_DATE_MONTH);
    return q;
}

/* 3 October 2018 / 3rd October, 2018 / the 3rd of October 2018 at p. */
static size_t
match_day_first(const struct text *t, size_t p, struct tl_date *d)
{
    size_t q = p, w;
    int m, y, day, any;

    w = word_len(t, q);
    if (w == 3 && word_is(t, q, w, "the")) {
        if (hspace_len(t, q + 3) == 0)
            return 0;
        q = skip_hspace(t, q + 3);
    }
    if ((q = match_day(t, q, &day)) == 0 || hspace_len(t, q) == 0)
        return 0;
    q = skip_hspace(t, q);
    w = word_len(t, q);
    if (w == 2 && word_is(t, q, w, "of") && hspace_len(t, q + 2) != 0) {
        q = skip_hspace(t, q + 2);
        w = word_len(t, q);
    }
    if ((m = month_of_word(t, q, w)) == 0)
        return 0;
    q = skip_sep(t, q + w, 1, 1, &any);
    if (!any || (q = match_year(t, q, &y)) == 0 || !day_ok(y, m, day))
        return 0;
    set_date(d, y, m, day, TL_DATE_DAY);
    return q;
}

/* A whole date at p (a start boundary), ending at want (or anywhere when
 * want is ANY_END) at an end boundary.  Returns its end, or 0. */
static size_t
match_at(const struct text *t, size_t p, int allow_bare_year, size_t want,
         struct tl_date *d)
{
    size_t w = word_len(t, p), q = p, e = 0;
    int kind, m;

    kind = w != 0 ? classify_word(t, p, w, &m) : WORD_OTHER;
    if (kind == WORD_WEEKDAY) {
        int any;

        q = skip_sep(t, p + w, 1, 1, &any);
        if (!any)
            return 0;
        allow_bare_year = 0;
    } else if (w != 0 && kind == WORD_OTHER) {
        return 0;   /* most words of a line: no form starts so */
    }
    for (int form = 0; form < 4; form++) {
        switch (form) {
        case 0:
            e = match_iso(t, q, d);
            break;
        case 1:
            e = match_month_first(t, q, d);
            break;
        case 2:
            e = match_day_first(t, q, d);
            break;
        default:
            e = 0;
            if (allow_bare_year && (e = match_year(t, q, &d->year)) != 0)
                set_date(d, d->year, 0, 0, TL_DATE_YEAR);
            break;
        }
        if (e == 0)
            continue;
        if (d->precision == TL_DATE_DAY)
            e = match_time(t, e, form == 0);
        if (end_ok(t, e) && (want == ANY_END || e == want))
            return e;
    }
    memset(d, 0, sizeof *d);
    return 0;
}

int
tl_date_parse(const char *text, size_t len, struct tl_date *date_out)
{
    struct text t = { text, len };
    size_t p = 0, e = len, n;

    memset(date_out, 0, sizeof *date_out);
    if (text == NULL)
        return 0;
    while ((n = space_len(&t, p)) != 0)
        p += n;
    while (e > p) {
        unsigned char c = at(&t, e - 1);

        if (c == '.' || c == ',' || c == ';' || c == ' ' || c == '\t'
            || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            e--;
        else if (e - p >= 2 && c == 0xa0 && at(&t, e - 2) == 0xc2)
            e -= 2;
        else
            break;
    }
    if (p == e)
        return 0;
    t.len = e;
    return match_at(&t, p, 1, e, date_out) != 0;
}

int
tl_date_find(const char *text, size_t len, int allow_bare_year,
             struct tl_date *date_out, size_t *start_out, size_t *end_out)
{
    struct text t = { text, len };

    memset(date_out, 0, sizeof *date_out);
    if (text == NULL)
        return 0;
    for (size_t p = 0; p < len; p++) {
        unsigned char c = at(&t, p);
        size_t e;

        if (!is_alnum(c) || !start_ok(&t, p))
            continue;
        e = match_at(&t, p, allow_bare_year, ANY_END, date_out);
        if (e != 0) {
            if (start_out != NULL)
                *start_out = p;
            if (end_out != NULL)
                *end_out = e;
            return 1;
        }
    }
    memset(date_out, 0, sizeof *date_out);
    return 0;
}

const char *
tl_date_format(const struct tl_date *d, char *buf, size_t size)
{
    char tmp[40];   /* room for three ints, whatever the fields hold */
    size_t n;

    if (size == 0)
        return buf;
    switch (d->precision) {
    case TL_DATE_YEAR:
        snprintf(tmp, sizeof tmp, "%04d", d->year);
        break;
    case TL_DATE_MONTH:
        snprintf(tmp, sizeof tmp, "%04d-%02d", d->year, d->month);
        break;
    case TL_DATE_DAY:
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", d->year, d->month,
                 d->day);
        break;
    default:
        tmp[0] = '\0';
        break;
    }
    n = strlen(tmp);
    if (n >= size)
        n = size - 1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return buf;
}

static const char *const precision_names[] = {
    [TL_DATE_YEAR] = "year",
    [TL_DATE_MONTH] = "month",
    [TL_DATE_DAY] = "day",
};

const char *
tl_date_precision_name(enum tl_date_precision p)
{
    if (p < TL_DATE_YEAR || p > TL_DATE_DAY)
        return NULL;
    return precision_names[p];
}

enum tl_date_precision
tl_date_precision_of(const char *name)
{
    if (name == NULL)
        return TL_DATE_NONE;
    for (int p = TL_DATE_YEAR; p <= TL_DATE_DAY; p++)
        if (strcmp(name, precision_names[p]) == 0)
            return (enum tl_date_precision)p;
    return TL_DATE_NONE;
}

void
tl_date_bounds(const struct tl_date *d, struct tl_date *first,
               struct tl_date *last)
{
    struct tl_date a = { 0 }, b = { 0 };

    switch (d->precision) {
    case TL_DATE_YEAR:
        set_date(&a, d->year, 1, 1, TL_DATE_DAY);
        set_date(&b, d->year, 12, 31, TL_DATE_DAY);
        break;
    case TL_DATE_MONTH:
        if (d->month < 1 || d->month > 12)
            break;
        set_date(&a, d->year, d->month, 1, TL_DATE_DAY);
        set_date(&b, d->year, d->month, days_in_month(d->year, d->month),
                 TL_DATE_DAY);
        break;
    case TL_DATE_DAY:
        a = *d;
        b = *d;
        break;
    default:
        break;
    }
    *first = a;
    *last = b;
}

/* Exactly n digits at s (a C string); their value, or -1. */
static int
fixed_digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

enum tl_status
tl_date_parse_filter(const char *s, struct tl_date *date_out,
                     struct tl_error *err)
{
    size_t n = s != NULL ? strlen(s) : 0;
    int y, m = 0, d = 0;

    memset(date_out, 0, sizeof *date_out);
    if (n != 4 && n != 7 && n != 10)
        goto bad;
    if ((y = fixed_digits(s, 4)) < 1)
        goto bad;
    if (n >= 7 && (s[4] != '-' || (m = fixed_digits(s + 5, 2)) < 1
                   || m > 12))
        goto bad;
    if (n == 10 && (s[7] != '-' || (d = fixed_digits(s + 8, 2)) < 1
                    || !day_ok(y, m, d)))
        goto bad;
    set_date(date_out, y, m, d,
             n == 4 ? TL_DATE_YEAR : n == 7 ? TL_DATE_MONTH : TL_DATE_DAY);
    return TL_OK;
bad:
    return tl_error_set(err, TL_ERR_USAGE,
                        "bad date '%s' (want YYYY, YYYY-MM or YYYY-MM-DD)",
                        s != NULL ? s : "");
}
