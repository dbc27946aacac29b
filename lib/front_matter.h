/*
 * front_matter.h - the YAML-style front matter at the top of Markdown
 * articles.
 *
 * The input is a (pointer, length) pair, needs no NUL terminator and is
 * never read past its length; parsing runs in time linear in the input.
 */
#ifndef TALAASH_FRONT_MATTER_H
#define TALAASH_FRONT_MATTER_H

#include "talaash.h"

/* Only this many lines (the opening "---" is line 1) are searched for
 * the line that closes a front matter block. */
#define TL_FRONT_MATTER_MAX_LINES 200

/*
 * The metadata of a YAML-style front matter block.  Every string is
 * owned (malloc'd, NUL-terminated, UTF-8 as in the input) and freed by
 * tl_front_matter_release(); a field is NULL when the block does not set
 * it (or sets it to "", "~" or "null").
 */
struct tl_front_matter {
    char *title;
    char *author;       /* a list value is joined with ", " */
    char *date;         /* as written: parsing it is the caller's job */
    char **topics;      /* "topics" and "tags", merged, without repeats,
                           at most 100 */
    size_t n_topics;
    size_t end;         /* byte offset just past the closing line (its line
                           end included); 0 when there is no front matter */
};

void tl_front_matter_init(struct tl_front_matter *fm);
/* Frees every field and re-initialises fm; fm may be NULL. */
void tl_front_matter_release(struct tl_front_matter *fm);

/*
 * Reads the front matter at the top of text[0..len), if there is one.
 *
 * A block opens when the first line (after an optional UTF-8 BOM) is
 * "---" (trailing blanks allowed) and closes at the next line that is
 * "---" or "...".  CRLF line ends are accepted.  Inside, this reads the
 * simple YAML its authors write:
 *   key: value            plain, 'single' ('' for a quote) or "double"
 *                         (with \" \\ \n \t \uXXXX ... escapes) quoted;
 *                         " #" starts a comment in a plain value;
 *   key: [a, 'b, c']      a flow list;
 *   key:                  a block list of "- item" lines, indented or
 *     - item              not;
 *   key: >                a folded (>) or literal (|) block, and plain
 *     more lines          values continued on indented lines.
 * Keys title, author, date, topics and tags (a synonym of topics) are
 * matched ignoring ASCII case; other keys are skipped, as are comments.
 * The first title, author or date wins; a scalar topics value is split
 * at commas ("economy, trade" is two topics).
 *
 * Not front matter (TL_OK, fm->end == 0, every field NULL): a first line
 * other than "---"; a "---" followed by a blank line; a block holding a
 * line that is not YAML-like (neither "key:", "- item", an indented
 * line nor a comment) before its closing line.  Such a "---" is a
 * Markdown horizontal rule and the text after it is the article's body,
 * so nothing is lost by reading it as Markdown.
 *
 * TL_ERR_INPUT, with a message naming the opening line and the last line
 * looked at, when a YAML-like block is opened but not closed within
 * TL_FRONT_MATTER_MAX_LINES lines (or before the end of the text); fm is
 * then left empty (end == 0) and the caller should treat the file as
 * having no front matter, with a warning.  TL_ERR_NOMEM when memory runs
 * out (fm left empty).
 *
 * fm must have been initialised; any earlier content is released first.
 */
enum tl_status
tl_front_matter_parse(const char *text, size_t len,
                      struct tl_front_matter *fm, struct tl_error *err);

#endif /* TALAASH_FRONT_MATTER_H */
