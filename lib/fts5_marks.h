/*
 * fts5_marks.h - the body of a passage marked as FTS5's
 * highlight(passages_fts, 0, open, close) marks it, from the instances
 * the page reader finds (fts5_expr.h) instead of through FTS5's cursor
 * (docs/topk.md, "The hits' marks from the pages").
 *
 * FTS5 gives highlight() only to the rows of a full-text query, and
 * setting one up for a few rows costs what the query costs: a prefix's
 * doclists merged over the whole index (econom*), or, for the thousand
 * hits of a CSV, a pass over every match between the first and the last.
 * The reader seeks to each row instead, and the text is tokenized here
 * as highlight() tokenizes it (db's tokenizer, FTS5_TOKENIZE_AUX), so
 * the result is highlight()'s byte for byte.
 */
#include "talaash.h"

#ifndef TALAASH_FTS5_MARKS_H
#define TALAASH_FTS5_MARKS_H

struct tl_fts5_marks;

/* For match on db, inside a read transaction that writes nothing:
 * *out, or NULL when the page reader does not take match (FTS5's
 * highlight() must then mark the rows); TL_OK either way, an error only
 * when out of memory. */
enum tl_status
tl_fts5_marks_new(sqlite3 *db, const char *match, struct tl_fts5_marks **out,
                  struct tl_error *err);

/* Appends to out row id's body (text, len bytes; NULL: none) marked
 * with open and close as highlight() marks it: 1, or 0 when match does
 * not hold on the row (nothing appended; FTS5 would return no row).
 * Rows in ascending id order.  -1 when the reader fails (a page it
 * cannot read, out of memory, the tokenizer): out may have grown, and
 * the caller lets FTS5 mark every row. */
int tl_fts5_marks_row(struct tl_fts5_marks *m, int64_t id, const char *text,
                      int len, const char *open, const char *close,
                      struct tl_buf *out);

void tl_fts5_marks_free(struct tl_fts5_marks *m);

/* Rows marked this way so far in this process (tests). */
long tl_fts5_marks_count(void);

#endif /* TALAASH_FTS5_MARKS_H */
