/*
 * metadata.h - an article's title, author and publication date, each with
 * where it came from.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_METADATA_H
#define TALAASH_METADATA_H

#include "date.h"

enum tl_meta_source {
    TL_SRC_NONE = 0,
    TL_SRC_FRONT_MATTER,
    TL_SRC_HTML,
    TL_SRC_MANIFEST,
    TL_SRC_BYLINE,
    TL_SRC_BIOGRAPHY,
    TL_SRC_LABEL,       /* "Published: ..." */
    TL_SRC_DATELINE,    /* a line that is only a date, near the top */
    TL_SRC_HEADING,     /* a heading-like line near the top */
};

struct tl_meta {
    char *title;                /* owned; NULL when unknown */
    char *author;               /* owned; NULL when unknown */
    struct tl_date date;        /* precision TL_DATE_NONE when unknown */
    enum tl_meta_source title_src, author_src, date_src;
    size_t byline_block;        /* 1 + index of the byline block, or 0 */
};

void tl_meta_init(struct tl_meta *m);
void tl_meta_release(struct tl_meta *m);

/* "front matter", "byline", ...: a static string. */
const char *tl_meta_source_name(enum tl_meta_source s);

/* Replaces *field (owned: freed, or NULL) with a malloc'd copy of
 * text[0..len) cut at its first NUL byte and trimmed of white space.  An
 * empty value (len 0, only white space, or empty at the NUL) leaves
 * *field as it was: NULL stays "unknown", never "".  Errors:
 * TL_ERR_NOMEM (*field unchanged). */
enum tl_status
tl_meta_set(char **field, const char *text, size_t len, struct tl_error *err);

/* Fills what m lacks from d's kept blocks (see metadata.c for the rules)
 * and marks byline, dateline and title blocks as dropped. */
enum tl_status
tl_meta_extract(struct tl_doc *d, struct tl_meta *m, struct tl_error *err);

#endif
