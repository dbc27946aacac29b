/*
 * markdown.h - plain text from Markdown articles, and (through
 * front_matter.h, included here) their front matter.
 *
 * The input is a (pointer, length) pair, needs no NUL terminator and is
 * never read past its length; stripping runs in time linear in the
 * input.
 */
#ifndef TALAASH_MARKDOWN_H
#define TALAASH_MARKDOWN_H

#include "talaash.h"
#include "front_matter.h"

/*
 * Appends the plain text of one Markdown block (a paragraph: lines with
 * no blank line between them) to out.
 *
 * Removed: ATX heading marks ("## Title ##" -> "Title"); setext
 * underlines (a line of only = or - after text); block quote marks (">",
 * nested); list markers at line starts ("- ", "* ", "+ ", "1. ", "1) "
 * with at most three digits, so "2019. was" is kept) and task boxes
 * ("[ ] ", "[x] "); horizontal rules (---, ***, ___, "- - -"); reference
 * definitions ("[ref]: http://x 'title'"); code fence lines (the code
 * between them is kept verbatim); emphasis and strikethrough delimiters
 * (*a*, **a**, _a_, __a__, ***a***, ~~a~~) by the CommonMark flanking
 * rules, so snake_case, "5 * 3" and unmatched markers stay as written;
 * code span backticks (the code is kept verbatim); link syntax
 * ([text](url "title") and [text][ref] -> text, <https://x> ->
 * https://x, <a@b.org> -> a@b.org); images (![alt](src), alt text
 * included); footnote references ("[^1]"); HTML tags (their inner text is
 * kept; <br> becomes a line break and block tags such as <p> or <td> a
 * space when words would otherwise join) and HTML comments (with their
 * content).
 * Decoded: backslash escapes (\* -> *), a backslash at a line end (a
 * line break), and HTML character references (&amp; &#8217; &#x2019;
 * and common named ones such as &nbsp; &mdash; &rsquo;; unknown names
 * are kept as written).
 * Lines keep their breaks; leading and trailing blanks of lines and lines
 * left empty are dropped.  Other text, UTF-8 included, is copied as is.
 *
 * *heading_out (may be NULL) is the heading level 1-6 when the whole
 * block is one heading (an ATX line, or lines with a setext underline),
 * else 0 (also when a heading line is followed by other lines in the
 * same block).
 *
 * Returns TL_ERR_NOMEM when memory runs out or out would pass its cap.
 */
enum tl_status
tl_markdown_strip(const char *block, size_t len, struct tl_buf *out,
                  int *heading_out, struct tl_error *err);

#endif /* TALAASH_MARKDOWN_H */
