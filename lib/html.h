/*
 * html.h - readable text blocks and metadata from an HTML article
 * (lib/html.c, built on Google's gumbo HTML5 parser).
 *
 * tl_html_extract() parses a whole HTML document and returns its readable
 * text as blocks (paragraph-like units: one per <p>, <li>, <hN>, <td>, ...)
 * in document order, plus the title, first <h1>, author and publication
 * date it can find.  The rules (what is dropped as boilerplate, how the
 * article is chosen, white space) are documented at the top of html.c.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_HTML_H
#define TALAASH_HTML_H


/* Pages nested deeper than this many elements are refused (gumbo's tree
 * building is quadratic in the depth). */
#define TL_HTML_DEPTH_MAX 10000

/* gumbo's budget for one page (see html.c): CPU seconds, as a base plus
 * so much per MB of HTML, and live bytes, as a base plus a multiple of
 * the page. */
#define TL_HTML_CPU_BASE 2.0
#define TL_HTML_CPU_PER_MB 0.5
#define TL_HTML_MEM_BASE ((size_t)128 << 20)
#define TL_HTML_MEM_FACTOR 64

struct tl_html_block {
    size_t start;       /* the block's text is doc->text.data[start, end) */
    size_t end;
    size_t src_start;   /* byte range, in the HTML source, of the element */
    size_t src_end;     /* the block came from (best effort; always
                           src_start <= src_end <= the source's length) */
    int heading;        /* 1..6 for <h1>..<h6>, else 0 */
};

/* An element left out of the text with its subtree, and why. */
struct tl_html_drop {
    const char *rule;       /* static: "markup" (script, nav, form, ...),
                               "hidden", "role", "boilerplate-class",
                               "outside-root" (around <article>/<main>) */
    char tag[16];           /* its tag name, lower case (cut to fit) */
    size_t src_start, src_end;  /* its bytes in the HTML */
};

struct tl_html_doc {
    /* UTF-8 text of all blocks, in document order, each followed by
     * "\n\n".  A block's text is never empty, has no white space at either
     * end and never holds a blank line ("\n\n"), so the separators are
     * unambiguous.  text.len is 0 when there is no block. */
    struct tl_buf text;
    struct tl_html_block *blocks;   /* owned; NULL when n_blocks is 0 */
    size_t n_blocks;
    /* Metadata: owned, NUL-terminated UTF-8, NULL when absent; white space
     * collapsed and trimmed (published: only trimmed). */
    char *title;        /* <title>, else og:title / twitter:title meta */
    char *h1;           /* full text of the first <h1> */
    char *author;       /* author meta, else a short rel/itemprop/class
                           "author" element's text */
    char *published;    /* raw published-date meta, else the datetime of
                           the first <time> in the article */
    /* Elements left out (not those inside one left out): inside the
     * content root by the rules, and around it; in page order; owned. */
    struct tl_html_drop *drops;
    size_t n_drops;
};

/* Sets every field of d to empty. */
void tl_html_doc_init(struct tl_html_doc *d);

/* Frees everything d owns and leaves it empty (as after init); accepts
 * NULL. */
void tl_html_doc_release(struct tl_html_doc *d);

/* Parses html[0, len) (UTF-8: the caller has already converted other
 * encodings; NUL bytes and invalid sequences are tolerated) into doc,
 * which must have been initialised and is emptied first.  An input with no
 * readable text gives TL_OK and no block.  Errors: TL_ERR_NOMEM,
 * TL_ERR_INPUT when len is 4 GiB or more (gumbo's offsets are 32 bits).
 * On error doc is left empty.  Nothing in doc points into html. */
enum tl_status
tl_html_extract(const char *html, size_t len, struct tl_html_doc *doc,
                struct tl_error *err);

#endif /* TALAASH_HTML_H */
