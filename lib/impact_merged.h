/*
 * impact_merged.h - a build's impact lists made from the rows of the
 * merge that joins its batches' segments (lib/impact_merged.c,
 * docs/bulk-index.md, "Lists made during the merge").
 *
 * A build of one batch makes its lists from its inverters as it writes
 * (lib/impact_made.h).  A build of several commits a segment a batch;
 * the merge at the end (lib/fts5_merge.h) then hands every key's rows,
 * in passage order, to the writer of the one segment.  Tapped, it also
 * hands each frequent key's rows to a maker here, on a core the merge
 * leaves idle, and the vocabulary as it goes: the refresh that
 * follows writes the lists (tl_impact_refresh_made()) instead of reading
 * every frequent term's rows back from the merged pages.  The lists are
 * the ones that refresh would make, byte for byte.
 */
#include "fts5_merge.h"
#include "impact_made.h"

#ifndef TALAASH_IMPACT_MERGED_H
#define TALAASH_IMPACT_MERGED_H

struct tl_impact_merged;

/* A maker (one thread: it takes a key's pieces in the order the merge
 * hands them) for the lists of the terms in min_df passages or more of
 * db's index as it is now (its totals; every passage's lengths and
 * article, read now: call tl_lengths_refresh() first). */
enum tl_status tl_impact_merged_new(sqlite3 *db, long min_df,
                                    struct tl_impact_merged **out,
                                    struct tl_error *err);

/* What to hand tl_fts5_merge_tapped() (valid until m is freed). */
const struct tl_fts5_merge_tap *
tl_impact_merged_tap(struct tl_impact_merged *m);

/* After the merge: waits for the makers, and returns the lists when the
 * merge joined the segments (merged 1) and every list was made; NULL
 * otherwise (a declined merge, FTS5's 'optimize' after it, a failure:
 * the refresh then reads the pages).  The lists belong to m. */
struct tl_impact_made *tl_impact_merged_done(struct tl_impact_merged *m,
                                             int merged);

/* Stops the makers and frees everything (NULL: nothing). */
void tl_impact_merged_free(struct tl_impact_merged *m);

/* Tests: the bytes of rows the maker may have waiting before the merge
 * waits for it, and the bytes of a key's rows past which the merge hands
 * them in pieces (0: the defaults, 4 MB and 256 KB), for the merges
 * tapped from then on; each returns the last. */
size_t tl_impact_merged_queue(size_t bytes);
size_t tl_impact_merged_piece(size_t bytes);

#endif
