/* test-snippet.c - snippet windows around the matches, marks removed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "encoding.h"
#include "snippet.h"

/* A heap copy of s[0..n) with no terminator, so that AddressSanitizer
 * catches any read past the end. */
static char *
exact(const char *s, size_t n)
{
    char *p = malloc(n != 0 ? n : 1);

    ck_assert_ptr_nonnull(p);
    memcpy(p, s, n);
    return p;
}

/* s with '[' and ']' turned into the marks (or back). */
static char *
marks_from_brackets(const char *s, size_t n)
{
    char *p = exact(s, n);

    for (size_t i = 0; i < n; i++) {
        if (p[i] == '[')
            p[i] = TL_MARK_OPEN[0];
        else if (p[i] == ']')
            p[i] = TL_MARK_CLOSE[0];
    }
    return p;
}

static const char *
brackets_from_marks(const char *s, size_t n)
{
    static char out[8192];

    ck_assert_uint_lt(n, sizeof out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == TL_MARK_OPEN[0])
            out[i] = '[';
        else if (s[i] == TL_MARK_CLOSE[0])
            out[i] = ']';
        else
            out[i] = s[i];
    }
    out[n] = '\0';
    return out;
}

/* The window of `words` words of text[0, n) ('[' ']' as marks). */
static const char *
window_n(const char *text, size_t n, unsigned words)
{
    struct tl_error err = { 0 };
    struct tl_buf out;
    char *in = marks_from_brackets(text, n);
    const char *r;

    tl_buf_init(&out, 0);
    ck_assert_int_eq(tl_snippet_window(in, n, words, &out, &err), TL_OK);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_uint_eq(strlen(out.data), out.len);
    ck_assert(tl_utf8_valid(out.data, out.len));
    r = brackets_from_marks(out.data, out.len);
    tl_buf_release(&out);
    free(in);
    return r;
}

#define window(text, words) window_n(text, strlen(text), words)

#define TWENTY "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 " \
               "w17 w18 w19 w20"

/* ---- windows --------------------------------------------------------- */

START_TEST(test_short_passage_is_whole)
{
    ck_assert_str_eq(window("one two three", 10), "one two three");
    ck_assert_str_eq(window("one two three", 3), "one two three");
}
END_TEST

START_TEST(test_without_marks_window_starts_at_beginning)
{
    ck_assert_str_eq(window("a b c d e f", 3), "a b c…");
    ck_assert_str_eq(window(TWENTY, 4), "w1 w2 w3 w4…");
}
END_TEST

START_TEST(test_zero_words_means_whole_passage)
{
    ck_assert_str_eq(window(TWENTY, 0), TWENTY);
    ck_assert_str_eq(window("  a \t\n b  [c]\r\n", 0), "a b [c]");
}
END_TEST

START_TEST(test_window_is_centred_on_a_single_match)
{
    ck_assert_str_eq(window("w1 w2 w3 w4 w5 w6 w7 w8 w9 [w10] w11 w12 w13 "
                            "w14 w15 w16", 5),
                     "…w8 w9 [w10] w11 w12…");
    /* an even slack gives the extra word to the right */
    ck_assert_str_eq(window("w1 w2 w3 w4 w5 w6 w7 w8 w9 [w10] w11 w12 w13 "
                            "w14 w15 w16", 4),
                     "…w9 [w10] w11 w12…");
}
END_TEST

START_TEST(test_window_finds_the_densest_cluster)
{
    ck_assert_str_eq(window("w1 [w2] w3 w4 w5 w6 w7 w8 w9 [w10] [w11] "
                            "[w12] w13 w14 w15 w16 w17", 5),
                     "…w9 [w10] [w11] [w12] w13…");
    ck_assert_str_eq(window("[w1] w2 [w3] w4 w5 w6 w7 w8 w9 w10 [w11] w12 "
                            "[w13] w14 [w15] w16", 5),
                     "…[w11] w12 [w13] w14 [w15]…");
}
END_TEST

START_TEST(test_equal_clusters_earliest_wins)
{
    ck_assert_str_eq(window("w1 w2 [w3] w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 "
                            "w14 [w15] w16", 3),
                     "…w2 [w3] w4…");
}
END_TEST

START_TEST(test_match_near_start_has_no_leading_ellipsis)
{
    ck_assert_str_eq(window("[w1] w2 w3 w4 w5 w6 w7 w8", 5),
                     "[w1] w2 w3 w4 w5…");
    ck_assert_str_eq(window("w1 [w2] w3 w4 w5 w6 w7 w8", 5),
                     "w1 [w2] w3 w4 w5…");
}
END_TEST

START_TEST(test_match_near_end_has_no_trailing_ellipsis)
{
    ck_assert_str_eq(window("w1 w2 w3 w4 w5 w6 w7 w8 [w9]", 5),
                     "…w5 w6 w7 w8 [w9]");
    ck_assert_str_eq(window("w1 w2 w3 w4 w5 w6 w7 [w8] w9", 5),
                     "…w5 w6 w7 [w8] w9");
}
END_TEST

START_TEST(test_phrase_mark_is_never_split)
{
    /* the pair is longer than the window: the window is the pair */
    ck_assert_str_eq(window("w1 w2 w3 w4 [w5 w6 w7] w8 w9 w10", 2),
                     "…[w5 w6 w7]…");
    /* a window edge would fall inside the pair: it moves out of it */
    ck_assert_str_eq(window("w1 w2 w3 w4 w5 w6 [w7 w8 w9] w10 w11 w12", 3),
                     "…[w7 w8 w9]…");
    ck_assert_str_eq(window("w1 w2 w3 w4 w5 w6 [w7 w8 w9] w10 w11 w12", 4),
                     "…[w7 w8 w9] w10…");
    ck_assert_str_eq(window("w1 w2 w3 w4 w5 w6 [w7 w8 w9] w10 w11 w12", 5),
                     "…w6 [w7 w8 w9] w10…");
}
END_TEST

START_TEST(test_phrase_counts_its_marked_words)
{
    /* a two-word phrase beats a single word that comes first */
    ck_assert_str_eq(window("[w1] w2 w3 w4 w5 w6 w7 w8 w9 w10 [w11 w12] "
                            "w13 w14 w15", 2),
                     "…[w11 w12]…");
}
END_TEST

START_TEST(test_marks_inside_a_word_are_kept)
{
    ck_assert_str_eq(window("a b c d (Pak[istan]’s) e f g h", 3),
                     "…d (Pak[istan]’s) e…");
    ck_assert_str_eq(window("x[y]z", 0), "x[y]z");
}
END_TEST

START_TEST(test_adjacent_matches_stay_separate_pairs)
{
    ck_assert_str_eq(window("[a] [b]", 0), "[a] [b]");
    ck_assert_str_eq(window("[a]  \n [b]", 0), "[a] [b]");
    ck_assert_str_eq(window("[a][b]", 0), "[a][b]");
    /* separate pairs may be cut between */
    ck_assert_str_eq(window("w1 w2 w3 [a] [b] [c] w4 w5 w6", 2),
                     "…[a] [b]…");
}
END_TEST

START_TEST(test_marks_move_onto_the_words)
{
    ck_assert_str_eq(window("x [ a ] y", 0), "x [a] y");
    ck_assert_str_eq(window("x [a b ]y", 0), "x [a b] y");
    ck_assert_str_eq(window("x[ a]", 0), "x [a]");
}
END_TEST

START_TEST(test_empty_pairs_vanish)
{
    ck_assert_str_eq(window("a [] b", 0), "a b");
    ck_assert_str_eq(window("a [ \n ] b", 0), "a b");
    ck_assert_str_eq(window("[]", 0), "");
}
END_TEST

START_TEST(test_stray_marks_are_dropped)
{
    ck_assert_str_eq(window("a ] b", 0), "a b");
    ck_assert_str_eq(window("a [b c", 0), "a b c");
    ck_assert_str_eq(window("[a [b] c", 0), "a [b] c");
    ck_assert_str_eq(window("[a] b] c", 0), "[a] b c");
    ck_assert_str_eq(window("]][[", 0), "");
    /* an unclosed open does not make the whole rest one pair */
    ck_assert_str_eq(window("w1 [w2 w3 w4 w5 w6 [w7] w8 w9", 3),
                     "…w6 [w7] w8…");
}
END_TEST

START_TEST(test_white_space_runs_fold)
{
    ck_assert_str_eq(window("a  b\t\tc\n\nd\r\ne\f\vf", 0), "a b c d e f");
    /* Unicode spaces: NBSP, NEL, em space, ideographic space */
    ck_assert_str_eq(window("a\xc2\xa0" "b\xc2\x85" "c\xe2\x80\x83"
                            "d\xe3\x80\x80" "e", 0), "a b c d e");
    ck_assert_str_eq(window(" \n lead and trail \t ", 0), "lead and trail");
}
END_TEST

START_TEST(test_control_characters_are_removed)
{
    static const char with_nul[] = "a\x01" "b\x7f c\0d \x1b" "31mx";

    ck_assert_str_eq(window_n(with_nul, sizeof with_nul - 1, 0),
                     "ab cd 31mx");
    /* C1 controls (U+0080..U+009F) too */
    ck_assert_str_eq(window("a\xc2\x80" "b\xc2\x9f" "c", 0), "abc");
    /* a control between two words does not join them */
    ck_assert_str_eq(window("a \x01 b", 0), "a b");
}
END_TEST

START_TEST(test_invalid_utf8_becomes_replacement_character)
{
    ck_assert_str_eq(window("a\xff" "b", 0), "a\xef\xbf\xbd" "b");
    /* a truncated sequence is one U+FFFD */
    ck_assert_str_eq(window("a\xe2\x80", 0), "a\xef\xbf\xbd");
    ck_assert_str_eq(window("\xf0\x9f\x98 x", 0), "\xef\xbf\xbd x");
    /* overlong and surrogate forms */
    ck_assert_str_eq(window("\xc0\xaf", 0), "\xef\xbf\xbd\xef\xbf\xbd");
    ck_assert_str_eq(window("\xed\xa0\x80", 0),
                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST(test_multibyte_text_is_kept_whole)
{
    ck_assert_str_eq(window("پاکستان کی [معیشت] اور پانی", 3),
                     "…کی [معیشت] اور…");
    ck_assert_str_eq(window("नदी [जल] समझौता 😀 café", 0),
                     "नदी [जल] समझौता 😀 café");
}
END_TEST

START_TEST(test_empty_input_gives_empty_terminated_text)
{
    ck_assert_str_eq(window_n("", 0, 5), "");
    ck_assert_str_eq(window(" \t\n ", 5), "");
    ck_assert_str_eq(window("\x01\x02", 5), "");
}
END_TEST

START_TEST(test_window_appends_to_out)
{
    struct tl_error err = { 0 };
    struct tl_buf out;
    char *in = exact("x \x02y\x03 z", 7);

    tl_buf_init(&out, 0);
    ck_assert_int_eq(tl_buf_append(&out, "head:", 5), TL_OK);
    ck_assert_int_eq(tl_snippet_window(in, 7, 0, &out, &err), TL_OK);
    ck_assert_str_eq(out.data, "head:x \x02y\x03 z");
    tl_buf_release(&out);
    free(in);
}
END_TEST

START_TEST(test_window_restores_out_when_over_its_cap)
{
    struct tl_error err = { 0 };
    struct tl_buf out;
    char *in = exact(TWENTY, strlen(TWENTY));

    tl_buf_init(&out, 10);
    ck_assert_int_eq(tl_buf_append(&out, "head:", 5), TL_OK);
    ck_assert_int_eq(tl_snippet_window(in, strlen(TWENTY), 0, &out, &err),
                     TL_ERR_NOMEM);
    ck_assert_str_eq(out.data, "head:");
    ck_assert_uint_eq(out.len, 5);
    ck_assert_int_eq(err.code, TL_ERR_NOMEM);
    ck_assert_str_ne(err.msg, "");
    tl_buf_release(&out);
    free(in);
}
END_TEST

/* ---- plain ------------------------------------------------------------- */

static const char *
plain_n(const char *text, size_t n)
{
    static char r[1024];
    struct tl_error err = { 0 };
    struct tl_buf out;
    char *in = exact(text, n);

    tl_buf_init(&out, 0);
    ck_assert_int_eq(tl_snippet_plain(in, n, &out, &err), TL_OK);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_uint_lt(out.len, sizeof r);
    memcpy(r, out.data, out.len + 1);
    tl_buf_release(&out);
    free(in);
    return r;
}

#define plain(lit) plain_n(lit, sizeof lit - 1)

START_TEST(test_plain_removes_marks)
{
    ck_assert_str_eq(plain("the \x02water\x03 talks"), "the water talks");
    ck_assert_str_eq(plain("\x02\x03\x02x\x03"), "x");
    ck_assert_str_eq(plain("\x03stray\x02"), "stray");
}
END_TEST

START_TEST(test_plain_keeps_everything_else)
{
    ck_assert_str_eq(plain("a  b\n\tc…é"), "a  b\n\tc…é");
    ck_assert_str_eq(plain(""), "");
    ck_assert_str_eq(plain("\x02"), "");
}
END_TEST

START_TEST(test_plain_of_a_window_is_its_text)
{
    const char *w = window("w1 w2 w3 w4 [w5] w6 w7 w8 w9", 3);

    ck_assert_str_eq(w, "…w4 [w5] w6…");
    ck_assert_str_eq(plain_n("…w4 \x02w5\x03 w6…", strlen("…w4 \x02w5\x03 w6…")),
                     "…w4 w5 w6…");
}
END_TEST

/* ---- size and random input -------------------------------------------- */

START_TEST(test_large_passage_is_linear)
{
    size_t n = 1 << 20, len = 0;
    char *text = malloc(n);
    struct tl_error err = { 0 };
    struct tl_buf out;
    unsigned marks = 0;

    ck_assert_ptr_nonnull(text);
    /* 1 MB of 8-byte words, one in ~1.3 marked: about 100k marks, and
     * a denser run of marks in the middle */
    for (unsigned i = 0; len + 8 <= n; i++) {
        int mark = (i % 13 == 0) || (i >= 65000 && i < 65010);
        memcpy(text + len, mark ? "\x02wxyz\x03 " : "abcdefg ", 8);
        marks += (unsigned)mark;
        len += 8;
    }
    ck_assert_uint_gt(marks, 10000);
    tl_buf_init(&out, 0);
    /* quadratic work would run past Check's timeout; speed itself is
     * measured by benchmarks, not tests */
    ck_assert_int_eq(tl_snippet_window(text, len, 30, &out, &err), TL_OK);
    /* the dense run is the window */
    ck_assert_ptr_nonnull(strstr(out.data, "\x02wxyz\x03 \x02wxyz\x03 "
                                 "\x02wxyz\x03 \x02wxyz\x03 \x02wxyz\x03 "
                                 "\x02wxyz\x03 \x02wxyz\x03 \x02wxyz\x03 "
                                 "\x02wxyz\x03 \x02wxyz\x03"));

    /* 1 MB of stray opens, and of opens with a close at the very end */
    memset(text, TL_MARK_OPEN[0], n);
    tl_buf_reset(&out);
    ck_assert_int_eq(tl_snippet_window(text, n, 30, &out, &err), TL_OK);
    ck_assert_str_eq(out.data, "");
    for (size_t i = 0; i + 2 < n; i += 2)
        text[i + 1] = 'a';
    text[n - 1] = TL_MARK_CLOSE[0];
    tl_buf_reset(&out);
    ck_assert_int_eq(tl_snippet_window(text, n, 30, &out, &err), TL_OK);
    ck_assert_uint_gt(out.len, 0);
    tl_buf_release(&out);
    free(text);
}
END_TEST

/* A small PRNG (xorshift32) with a fixed seed: failures reproduce. */
static uint32_t
rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* The words of a normalised text (a window without its ellipses):
 * per word whether it is marked and whether a pair joins it to the next
 * one.  Checks the form: single spaces, balanced marks, no controls. */
struct word_info {
    int marked;
    int joined;
};

static size_t
parse_words(const char *s, size_t n, struct word_info *w, size_t max)
{
    size_t nw = 0;
    int in = 0, in_word = 0, visible = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == TL_MARK_OPEN[0]) {
            ck_assert_msg(!in, "nested open");
            in = 1;
            visible = 0;
        } else if (c == TL_MARK_CLOSE[0]) {
            ck_assert_msg(in, "close without open");
            ck_assert_msg(visible, "empty pair");
            in = 0;
        } else if (c == ' ') {
            ck_assert_msg(in_word, "space not after a word");
            ck_assert_uint_lt(i + 1, n);
            w[nw - 1].joined = in;
            in_word = 0;
        } else {
            ck_assert_msg(c >= 0x20 && c != 0x7f, "control 0x%02x", c);
            if (!in_word) {
                ck_assert_uint_lt(nw, max);
                w[nw].marked = 0;
                w[nw].joined = 0;
                nw++;
                in_word = 1;
            }
            visible = 1;
            w[nw - 1].marked |= in;
        }
    }
    ck_assert_msg(!in, "unclosed pair");
    ck_assert_msg(n == 0 || in_word, "trailing space");
    return nw;
}

/* The most marked words any window of at most max words holds (brute
 * force over windows of whole units). */
static size_t
best_count(const struct word_info *w, size_t nw, size_t max)
{
    size_t best = 0;

    for (size_t a = 0; a < nw; a++) {
        size_t words = 0, marked = 0, b = a;

        if (a > 0 && w[a - 1].joined)
            continue;           /* not the start of a unit */
        while (b < nw) {
            size_t e = b, uw = 0, um = 0;

            do {
                uw++;
                um += (size_t)w[e].marked;
            } while (w[e++].joined && e < nw);
            if (b > a && words + uw > max)
                break;
            words += uw;
            marked += um;
            b = e;
        }
        if (marked > best)
            best = marked;
    }
    return best;
}

static int
starts_with(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);

    return n >= m && memcmp(s, p, m) == 0;
}

static int
ends_with(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);

    return n >= m && memcmp(s + n - m, p, m) == 0;
}

/* Does w[0, wl) occur in s[0, n) as a run of whole words, preceded by
 * something exactly when lead and followed by something exactly when
 * trail? */
static int
occurs_as(const char *s, size_t n, const char *w, size_t wl, int lead,
          int trail)
{
    for (size_t i = 0; i + wl <= n; i++) {
        if ((i > 0) != lead || (i + wl < n) != trail)
            continue;
        if (i > 0 && s[i - 1] != ' ')
            continue;
        if (i + wl < n && s[i + wl] != ' ')
            continue;
        if (memcmp(s + i, w, wl) == 0)
            return 1;
    }
    return 0;
}

START_TEST(test_random_input_gives_well_formed_best_window)
{
    static const char *const pieces[] = {
        "a", "b", "ab", " ", " ", "  ", "\n", "\t", "\x02", "\x03", "\x02",
        "\x03", "\x01", "\x7f", "é", "\xe0\xa4\xa8", "\xf0\x9f\x98\x80",
        "\xff", "\xe2\x80", "\xc2\xa0", "\xc2\x85", "\0", "x", "yz",
    };
    uint32_t seed = 0x5eed1234;
    struct tl_error err = { 0 };
    struct tl_buf whole, win;
    static struct word_info all[4096], part[4096];

    tl_buf_init(&whole, 0);
    tl_buf_init(&win, 0);
    for (int round = 0; round < 3000; round++) {
        char text[512];
        size_t len = 0, n_all, n_part, wl, in_win;
        unsigned words = rnd(&seed) % 8;
        unsigned n_pieces = rnd(&seed) % 60;
        const char *w;
        char *in;

        for (unsigned i = 0; i < n_pieces; i++) {
            size_t k = rnd(&seed) % (sizeof pieces / sizeof pieces[0]);
            size_t m = pieces[k][0] == '\0' ? 1 : strlen(pieces[k]);

            memcpy(text + len, pieces[k], m);
            len += m;
        }
        in = exact(text, len);
        tl_buf_reset(&whole);
        tl_buf_reset(&win);
        ck_assert_int_eq(tl_snippet_window(in, len, 0, &whole, &err), TL_OK);
        ck_assert_int_eq(tl_snippet_window(in, len, words, &win, &err),
                         TL_OK);
        free(in);
        ck_assert(tl_utf8_valid(whole.data, whole.len));
        ck_assert(tl_utf8_valid(win.data, win.len));
        n_all = parse_words(whole.data, whole.len, all, 4096);

        /* the window without its ellipses */
        w = win.data;
        wl = win.len;
        int lead = starts_with(w, wl, TL_ELLIPSIS);
        if (lead) {
            w += 3;
            wl -= 3;
        }
        int trail = ends_with(w, wl, TL_ELLIPSIS);
        if (trail)
            wl -= 3;
        n_part = parse_words(w, wl, part, 4096);

        if (words == 0 || n_all <= words) {
            ck_assert(!lead && !trail);
            ck_assert_str_eq(win.data, whole.data);
            continue;
        }
        /* a contiguous run of the whole text's words, with ellipses
         * exactly where words were left out */
        ck_assert_msg(occurs_as(whole.data, whole.len, w, wl, lead, trail),
                      "round %d: '%s' not a run of '%s'", round, win.data,
                      whole.data);
        /* at most `words` words, unless it is one phrase */
        if (n_part > words)
            for (size_t i = 0; i + 1 < n_part; i++)
                ck_assert_msg(part[i].joined, "round %d: %u words wanted, "
                              "window '%s'", round, words, win.data);
        /* the most marked words a window can hold */
        in_win = 0;
        for (size_t i = 0; i < n_part; i++)
            in_win += (size_t)part[i].marked;
        ck_assert_msg(in_win == best_count(all, n_all, words),
                      "round %d: %zu marked words in '%s', best %zu", round,
                      in_win, win.data, best_count(all, n_all, words));
    }
    tl_buf_release(&whole);
    tl_buf_release(&win);
}
END_TEST

/* ---- display width ---------------------------------------------------- */

START_TEST(test_width_counts_terminal_columns)
{
    ck_assert_uint_eq(tl_snippet_width("kabul", 5), 5);
    ck_assert_uint_eq(tl_snippet_width("", 0), 0);
    /* Peshāwar: ā is one column, whether composed or e + U+0301 */
    ck_assert_uint_eq(tl_snippet_width("Pesh\xc4\x81war", 9), 8);
    ck_assert_uint_eq(tl_snippet_width("cafe\xcc\x81", 6), 4);
    /* CJK ideographs, kana, Hangul and full-width forms take two */
    ck_assert_uint_eq(tl_snippet_width("\xe6\x9d\xb1\xe4\xba\xac", 6), 4);
    ck_assert_uint_eq(tl_snippet_width("\xe3\x81\x8b\xea\xb0\x80", 6), 4);
    ck_assert_uint_eq(tl_snippet_width("\xef\xbc\xa1", 3), 2);
    ck_assert_uint_eq(tl_snippet_width("\xf0\x9f\x98\x80", 4), 2);
    ck_assert_uint_eq(tl_snippet_width("\xf0\xa0\x80\x80", 4), 2);
    /* Urdu and Devanagari letters one, their vowel signs none */
    ck_assert_uint_eq(tl_snippet_width("\xd8\xa8\xd9\x8e", 4), 1);
    ck_assert_uint_eq(tl_snippet_width("\xe0\xa4\x95\xe0\xa5\x81", 6), 1);
    /* marks, controls, zero-width space: nothing; a bad byte: one */
    ck_assert_uint_eq(tl_snippet_width(TL_MARK_OPEN "ab" TL_MARK_CLOSE, 4), 2);
    ck_assert_uint_eq(tl_snippet_width("a\xe2\x80\x8b" "b", 5), 2);
    ck_assert_uint_eq(tl_snippet_width("a\xff" "b", 3), 3);
    ck_assert_int_eq(tl_snippet_char_width(0x4e00), 2);
    ck_assert_int_eq(tl_snippet_char_width(0x9fff), 2);
    ck_assert_int_eq(tl_snippet_char_width(0x3000 - 1), 2);
    ck_assert_int_eq(tl_snippet_char_width(0xa4d0), 1);
    ck_assert_int_eq(tl_snippet_char_width(0xd7a4), 1);
    ck_assert_int_eq(tl_snippet_char_width(0x00e9), 1);
    ck_assert_int_eq(tl_snippet_char_width(0x0300), 0);
    ck_assert_int_eq(tl_snippet_char_width(0x10ffff), 1);
    ck_assert_int_eq(tl_snippet_char_width(TL_UTF8_INVALID), 1);
}
END_TEST

Suite *
snippet_suite(void)
{
    Suite *s = suite_create("snippet");
    TCase *tc = tcase_create("window");

    tcase_add_test(tc, test_short_passage_is_whole);
    tcase_add_test(tc, test_without_marks_window_starts_at_beginning);
    tcase_add_test(tc, test_zero_words_means_whole_passage);
    tcase_add_test(tc, test_window_is_centred_on_a_single_match);
    tcase_add_test(tc, test_window_finds_the_densest_cluster);
    tcase_add_test(tc, test_equal_clusters_earliest_wins);
    tcase_add_test(tc, test_match_near_start_has_no_leading_ellipsis);
    tcase_add_test(tc, test_match_near_end_has_no_trailing_ellipsis);
    tcase_add_test(tc, test_phrase_mark_is_never_split);
    tcase_add_test(tc, test_phrase_counts_its_marked_words);
    tcase_add_test(tc, test_marks_inside_a_word_are_kept);
    tcase_add_test(tc, test_adjacent_matches_stay_separate_pairs);
    tcase_add_test(tc, test_marks_move_onto_the_words);
    tcase_add_test(tc, test_empty_pairs_vanish);
    tcase_add_test(tc, test_stray_marks_are_dropped);
    tcase_add_test(tc, test_white_space_runs_fold);
    tcase_add_test(tc, test_control_characters_are_removed);
    tcase_add_test(tc, test_invalid_utf8_becomes_replacement_character);
    tcase_add_test(tc, test_multibyte_text_is_kept_whole);
    tcase_add_test(tc, test_empty_input_gives_empty_terminated_text);
    tcase_add_test(tc, test_window_appends_to_out);
    tcase_add_test(tc, test_window_restores_out_when_over_its_cap);
    suite_add_tcase(s, tc);

    tc = tcase_create("plain");
    tcase_add_test(tc, test_plain_removes_marks);
    tcase_add_test(tc, test_plain_keeps_everything_else);
    tcase_add_test(tc, test_plain_of_a_window_is_its_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("width");
    tcase_add_test(tc, test_width_counts_terminal_columns);
    suite_add_tcase(s, tc);

    tc = tcase_create("robustness");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_large_passage_is_linear);
    tcase_add_test(tc, test_random_input_gives_well_formed_best_window);
    suite_add_tcase(s, tc);
    return s;
}
