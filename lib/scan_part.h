/*
 * scan_part.h - a part of a long scan done beside it: a thread of its own
 * with a read-only connection of its own to the same database file, used
 * only when that connection provably sees the same index as the scan's
 * (docs/topk.md, "Both cores for one search").
 *
 * "The same index" is FTS5's structure record (passages_fts_data, id 10):
 * every change to the full-text index (a passage added or removed, a
 * title re-indexed) writes a segment and so rewrites that record, with a
 * write counter in it.  A part whose connection reads another record
 * (talaash-index committed in between) does nothing, and the caller does
 * the range itself: the answer is always the one the caller's snapshot
 * gives.
 */
#include "talaash.h"

#ifndef TALAASH_SCAN_PART_H
#define TALAASH_SCAN_PART_H

/* The work of a part, run on the part's connection db inside its read
 * transaction.  Its error is not reported: the caller redoes the part. */
typedef enum tl_status (*tl_part_fn)(sqlite3 *db, void *arg,
                                     struct tl_error *err);

struct tl_part;

/* How many parts a scan may start beside its own: TALAASH_SCAN_THREADS
 * (threads in all, 1: none) when set, else one per online core beyond the
 * first, at most TL_PART_MAX. */
#define TL_PART_MAX 3
int tl_part_max(void);

/* Starts fn(db2, arg) in a thread of its own, db2 a new read-only
 * connection to db's file.  Call inside an explicit transaction of db
 * (BEGIN) that has read: its snapshot is the one the part must match.
 * *out NULL (and TL_OK) when no part can run: db is in memory or
 * temporary, in autocommit mode, holds uncommitted writes, or the thread
 * cannot start; the caller then does the work itself. */
enum tl_status
tl_part_start(sqlite3 *db, tl_part_fn fn, void *arg, struct tl_part **out,
              struct tl_error *err);

/* Waits for the part and frees it; returns 1 when fn ran to TL_OK on the
 * same index as the caller's, 0 when the caller must do it. */
int tl_part_join(struct tl_part *p);

/* Parts that ran, and parts that found another index, in this process
 * (for tests and --explain). */
void tl_part_counts(long *ran, long *mismatched);

#endif /* TALAASH_SCAN_PART_H */
