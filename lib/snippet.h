/*
 * snippet.h - cutting a hit's passage down to the words around its
 * matches, and removing the match marks.
 *
 * Input is a passage as FTS5's highlight() returns it: the full text with
 * each match bracketed by TL_MARK_OPEN ("\x02") and TL_MARK_CLOSE
 * ("\x03").  Inputs are (pointer, length) pairs, never read past their
 * length (they need no NUL); nothing here keeps a pointer past the call.
 *
 * Marks in the input are paired as follows, so that stray control bytes
 * in an article cannot unbalance the output: an OPEN is a mark when the
 * next mark byte after it is a CLOSE, and a CLOSE is a mark when it ends
 * such a pair; any other mark byte is dropped.  Marks never split a
 * character, and a pair that holds no visible character is dropped.
 */
/* talaash.h comes first, outside the guard, like the other module
 * headers it includes at its end. */
#include "talaash.h"

#ifndef TALAASH_SNIPPET_H
#define TALAASH_SNIPPET_H

/*
 * Appends to out a window of about `words` words of the marked passage
 * text[0, len), with the marks kept:
 *
 *   - words are runs of characters between white space (ASCII white
 *     space and the Unicode spaces: U+0085, U+00A0, U+1680, U+2000 to
 *     U+200A, U+2028, U+2029, U+202F, U+205F, U+3000); every run of
 *     white space becomes one space, and there is none at either end;
 *   - control characters (C0 other than white space, DEL, C1) are
 *     removed; invalid UTF-8 becomes U+FFFD (one per maximal invalid
 *     subpart), so the output is always valid UTF-8;
 *   - the window is the span of at most `words` words holding the most
 *     marked words (a word is marked when any of its characters is inside
 *     a mark pair); among equals the earliest wins.  The window is then
 *     re-centred on that cluster (from its first to its last marked word)
 *     so that the matches have context on both sides; it still holds at
 *     most `words` words and all of the cluster;
 *   - the window's edges are between words, and never inside a mark
 *     pair: words joined by one pair count together, so a pair longer
 *     than `words` words makes a longer window;
 *   - TL_ELLIPSIS is put, without a space, before the first word when
 *     words before it were left out and after the last word when words
 *     after it were left out (outside any mark);
 *   - with no mark the window starts at the first word; words == 0 means
 *     the whole passage (still cleaned as above).
 *
 * Time and extra memory are linear in len.  On failure (TL_ERR_NOMEM:
 * memory, or out's cap) out is restored to its length on entry.
 */
enum tl_status
tl_snippet_window(const char *text, size_t len, unsigned words,
                  struct tl_buf *out, struct tl_error *err);

/*
 * Appends text[0, len) to out without the TL_MARK_OPEN and TL_MARK_CLOSE
 * bytes; every other byte is copied as it is (so valid UTF-8 stays
 * valid).  For the 'text' fields of CSV/JSON and colourless output.  On
 * failure (TL_ERR_NOMEM) out is restored to its length on entry.
 */
enum tl_status
tl_snippet_plain(const char *text, size_t len, struct tl_buf *out,
                 struct tl_error *err);

/*
 * The columns a terminal gives the character cp, as wcwidth() does but
 * from a built-in table (Unicode 15), not the locale: 0 for combining
 * marks, zero-width characters and controls, 2 for East Asian Wide and
 * Fullwidth characters (CJK ideographs, kana, Hangul syllables, full-
 * width forms, most emoji), 1 for the rest (an invalid byte included:
 * it is shown as one U+FFFD).
 */
int tl_snippet_char_width(uint32_t cp);

/* The columns of the UTF-8 text s[0, len), the mark bytes (controls)
 * counting 0. */
size_t tl_snippet_width(const char *s, size_t len);

#endif /* TALAASH_SNIPPET_H */
