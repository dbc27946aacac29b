/*
 * fuzz-snippet.c - snippet windows and mark removal (lib/snippet.c).
 *
 * Input: one byte for the window's size in words (0: the whole
 * passage), one for a size cap on the output buffer, then a marked
 * passage (any bytes; TL_MARK_OPEN and TL_MARK_CLOSE anywhere).  Checked
 * against snippet.h: the output is appended, is valid UTF-8, has its
 * marks paired (open, close, never nested, around visible characters,
 * not starting or ending with a space), no control character, no white
 * space but single spaces between words and none at either end, and at
 * most the asked number of words (words inside one mark pair counting
 * as one); on failure the buffer is as it was.  tl_snippet_plain()
 * removes exactly the mark bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define OPEN 0x02
#define CLOSE 0x03
#define PREFIX "before:"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int
is_unicode_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0
           || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028
           || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Checks a window s[0, n) made for `words` words. */
static void
check_window(const unsigned char *s, size_t n, unsigned words)
{
    size_t i = 0, units = 0;
    int open = 0, in_unit = 0, pair_chars = 0;
    uint32_t prev = ' ';    /* the last character outside the marks */

    FUZZ_CHECK(fuzz_utf8_valid((const char *)s, n), "not valid UTF-8");
    while (i < n) {
        uint32_t cp;
        size_t k = fuzz_utf8_next(s + i, n - i, &cp);

        if (cp == OPEN) {
            FUZZ_CHECK(!open, "byte %zu: a nested mark", i);
            open = 1;
            pair_chars = 0;
            FUZZ_CHECK(i + 1 < n && s[i + 1] != ' ', "byte %zu: a mark "
                       "pair starts with a space", i);
        } else if (cp == CLOSE) {
            FUZZ_CHECK(open, "byte %zu: a close mark with no open one", i);
            FUZZ_CHECK(pair_chars > 0, "byte %zu: an empty mark pair", i);
            FUZZ_CHECK(s[i - 1] != ' ', "byte %zu: a mark pair ends with "
                       "a space", i);
            open = 0;
        } else {
            FUZZ_CHECK(cp >= 0x20 && cp != 0x7f
                       && !(cp >= 0x80 && cp <= 0x9f),
                       "byte %zu: control character U+%04X", i, cp);
            FUZZ_CHECK(!is_unicode_space(cp), "byte %zu: white space "
                       "U+%04X", i, cp);
            if (cp == ' ') {
                FUZZ_CHECK(i > 0 && prev != ' ', "byte %zu: a space at the "
                           "start or after another", i);
                if (!open)
                    in_unit = 0;
            } else {
                pair_chars += open;
                if (!in_unit)
                    units++;
                in_unit = 1;
            }
            prev = cp;
        }
        i += k;
    }
    FUZZ_CHECK(!open, "an unclosed mark");
    FUZZ_CHECK(n == 0 || prev != ' ', "a space at the end");
    FUZZ_CHECK(words == 0 || units <= words, "%zu words in a window of %u",
               units, words);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_error err = { 0 };
    struct tl_buf out, plain, capped;
    const char *text;
    unsigned words;
    size_t cap, j = 0;
    enum tl_status st;

    if (size < 2)
        return 0;
    words = data[0] % 64;
    cap = data[1];
    text = (const char *)data + 2;
    size -= 2;

    tl_buf_init(&out, 0);
    FUZZ_CHECK(tl_buf_append(&out, PREFIX, strlen(PREFIX)) == TL_OK, "oom");
    FUZZ_CHECK(tl_snippet_window(text, size, words, &out, &err) == TL_OK,
               "window: %s", err.msg);
    FUZZ_CHECK(memcmp(out.data, PREFIX, strlen(PREFIX)) == 0,
               "the window overwrote the buffer");
    check_window((const unsigned char *)out.data + strlen(PREFIX),
                 out.len - strlen(PREFIX), words);

    /* a cap: it either fits, or fails and leaves the buffer alone */
    tl_buf_init(&capped, strlen(PREFIX) + cap);
    FUZZ_CHECK(tl_buf_append(&capped, PREFIX, strlen(PREFIX)) == TL_OK,
               "oom");
    st = tl_snippet_window(text, size, words, &capped, &err);
    if (st == TL_OK)
        FUZZ_CHECK(capped.len == out.len
                   && memcmp(capped.data, out.data, out.len) == 0,
                   "a capped buffer got another window");
    else
        FUZZ_CHECK(st == TL_ERR_NOMEM && capped.len == strlen(PREFIX)
                   && capped.data[capped.len] == '\0',
                   "a failed window changed the buffer (%zu bytes)",
                   capped.len);

    tl_buf_init(&plain, 0);
    FUZZ_CHECK(tl_snippet_plain(text, size, &plain, &err) == TL_OK,
               "plain: %s", err.msg);
    for (size_t i = 0; i < size; i++) {
        if (text[i] == OPEN || text[i] == CLOSE)
            continue;
        FUZZ_CHECK(j < plain.len && plain.data[j] == text[i],
                   "plain changed byte %zu", i);
        j++;
    }
    FUZZ_CHECK(j == plain.len, "plain added bytes");

    tl_buf_release(&out);
    tl_buf_release(&capped);
    tl_buf_release(&plain);
    return 0;
}
