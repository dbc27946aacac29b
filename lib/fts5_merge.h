/*
 * fts5_merge.h - every segment of passages_fts merged into one by our
 * own writer (lib/fts5_write.h), for the segments a bulk run writes
 * (docs/bulk-index.md, "The merge at the end").
 *
 * The merged segment holds the same keys and rows, with the same
 * position lists, as the one FTS5's 'optimize' writes, laid out as
 * FTS5's merge lays out a segment; 'optimize' writes its output in
 * steps of 1,000 leaves, each starting a leaf afresh, so beyond 1,000
 * leaves the pages differ in where they break, not in what they hold.
 */
#include "talaash.h"

#ifndef TALAASH_FTS5_MERGE_H
#define TALAASH_FTS5_MERGE_H

/* Merges passages_fts's segments into one when each segment's rows all
 * come after the older segments' (a key's doclist is then theirs one
 * after the other) and none holds a deletion: the new segment written,
 * the old ones deleted and the structure record holding the new one
 * alone (tl_fts5_install_merged()).  *merged_out is 1 when it did, 0
 * when it left the index as it was: one segment or none, rows that
 * overlap, a deletion, pages the reader does not understand (the caller
 * then asks FTS5's 'optimize').  In the caller's write transaction. */
enum tl_status
tl_fts5_merge(sqlite3 *db, int *merged_out, struct tl_error *err);

/* Tests: the merge deletes the leaves it has read every keys keys, of
 * each segment whose walk is leaves leaves past them (0: the defaults);
 * how many such deletes it made so far in this process. */
void tl_fts5_merge_trim(long keys, long leaves);
long tl_fts5_merge_trims(void);

#endif
