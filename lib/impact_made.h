/*
 * impact_made.h - a first build's impact lists, made while its one
 * segment is written (lib/impact_made.c, docs/bulk-index.md).  The
 * inverters hold every occurrence of every term; the lists are made from
 * them on the workers' threads while the writer merges, instead of being
 * read back from the pages once committed.  The refresh that follows
 * writes them (tl_impact_refresh_made()), byte for byte the lists it
 * would have made, and the vocabulary the writer saw.
 */
#include "impact_top.h"
#include "invert.h"

#ifndef TALAASH_IMPACT_MADE_H
#define TALAASH_IMPACT_MADE_H

struct tl_impact_made;

/* Lists for the terms in min_df passages or more of an index whose
 * totals are tot (the segment's: rows, tokens per column), its passages'
 * lengths and articles lens (borrowed: kept until m is freed), made on
 * threads threads. */
enum tl_status tl_impact_made_new(long min_df,
                                  const struct tl_impact_totals *tot,
                                  const struct tl_impact_lens *lens,
                                  int threads, struct tl_impact_made **out,
                                  struct tl_error *err);
void tl_impact_made_free(struct tl_impact_made *m);

/* What to ask tl_invert_write_lists() for, to fill m. */
void tl_impact_made_ask(struct tl_impact_made *m, struct tl_invert_lists *out);
/* The write that fills m succeeded: its vocabulary is whole, and its
 * lists are being made by makers (NULL: made already), which m now owns
 * (before this, a refresh does not take m). */
void tl_impact_made_written(struct tl_impact_made *m,
                            struct tl_invert_makers *makers);
/* Or, when the rows come from elsewhere (a merge of segments, lib/
 * impact_merged.h), m filled by hand: the vocabulary's next term, in
 * key order, with its rows; and one frequent term's list made on the
 * calling thread as maker t (0 .. threads - 1; one thread per t at a
 * time) from its rows, which next(rows, ...) gives one at a time in
 * increasing id (1 with the next, 0 after the last; a row's positions
 * stay valid until the next call).  Then tl_impact_made_written(m,
 * NULL). */
typedef int (*tl_impact_rows_fn)(void *rows, int64_t *id,
                                 const unsigned char **pos, int *n_pos);
enum tl_status tl_impact_made_key(struct tl_impact_made *m,
                                  const unsigned char *term, int n,
                                  int64_t rows, struct tl_error *err);
enum tl_status tl_impact_made_rows(struct tl_impact_made *m, int t,
                                   const unsigned char *term, int n,
                                   tl_impact_rows_fn next, void *rows,
                                   struct tl_error *err);
/* Waits for the makers: TL_OK when every list is made (then in key
 * order), else the makers' error (m is then refused). */
enum tl_status tl_impact_made_wait(struct tl_impact_made *m,
                                   struct tl_error *err);

/* For tl_impact_refresh() (lib/impact_refresh.c): m written and not
 * failed, for min_df and the index's totals tot. */
int tl_impact_made_fits(const struct tl_impact_made *m, long min_df,
                        const struct tl_impact_totals *tot);
/* The vocabulary in key order: fn(ctx, term, n, df) for each until it
 * returns non-zero. */
void tl_impact_made_vocab(const struct tl_impact_made *m,
                          int (*fn)(void *ctx, const unsigned char *term,
                                    int n, int64_t df),
                          void *ctx);
/* The lists in key order (after tl_impact_made_wait()): fn(ctx, term,
 * n, list) for each until it returns non-zero. */
void tl_impact_made_each(const struct tl_impact_made *m,
                         int (*fn)(void *ctx, const char *term,
                                   const struct tl_impact_made_list *l),
                         void *ctx);

#endif
