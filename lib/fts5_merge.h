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

/* What a merge can also hand out as it goes, on its own thread (a
 * build's impact lists, lib/impact_merged.h): every key of the main
 * index, in key order, with its term (the key without its leading '0')
 * and its number of rows; and, for each key of min_rows rows or more,
 * just before, its rows as a doclist (rowid deltas, sizes and position
 * lists, as FTS5 stores them), which rows takes (*doclist is left
 * empty).  A key whose rows outgrow chunk bytes (0: no bound) is handed
 * in pieces as the merge goes, each once it holds chunk bytes, then the
 * rest with last 1 (a key in pieces may turn out to have fewer than
 * min_rows rows); a piece's first rowid delta is from the last row of
 * the piece before.  Otherwise a key comes in one piece, last 1.  A
 * callback's error stops the merge, whose savepoint is then rolled back.
 * What was handed out belongs to the merged index only when *merged_out
 * is 1. */
struct tl_fts5_merge_tap {
    long min_rows;
    size_t chunk;
    enum tl_status (*rows)(void *ctx, const unsigned char *term, int n,
                           struct tl_buf *doclist, int last,
                           struct tl_error *err);
    enum tl_status (*key)(void *ctx, const unsigned char *term, int n,
                          int64_t rows, struct tl_error *err);
    void *ctx;
};

/* tl_fts5_merge(), handing tap (NULL: nothing) what it asks. */
enum tl_status
tl_fts5_merge_tapped(sqlite3 *db, const struct tl_fts5_merge_tap *tap,
                     int *merged_out, struct tl_error *err);

/* Tests: the merge deletes the leaves it has read every keys keys, of
 * each segment whose walk is leaves leaves past them (0: the defaults);
 * how many such deletes it made so far in this process. */
void tl_fts5_merge_trim(long keys, long leaves);
long tl_fts5_merge_trims(void);

#endif
