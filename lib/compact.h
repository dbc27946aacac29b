/*
 * compact.h - after a large indexing run: FTS5's index merged into one
 * segment, and the pages that frees given back to the file system.
 *
 * FTS5 writes a new segment at every commit and merges them only now
 * and then, so a freshly built index is a handful of segments (9 at
 * 21,268 articles with 2,048 articles per transaction).  A query walks
 * every segment's doclist for each of its words, and each hit's
 * `MATCH ? AND rowid = ?` seeks in every segment: one segment makes
 * queries 5-18 % cheaper in CPU (docs/performance.md, "One segment").
 * The merge writes the index once more, so it is worth it after a run
 * that wrote much of the index, not after every small one (the indexer
 * decides: indexer/index.c).
 */
#include "talaash.h"

#ifndef TALAASH_COMPACT_H
#define TALAASH_COMPACT_H

/* Merges the FTS5 index into one segment ('optimize'), then, when the
 * database was created with auto_vacuum = INCREMENTAL (talaash-index
 * makes new databases so, lib/db.c), truncates the file by the pages
 * that are now free.  Each step is its own transaction; call it outside
 * any.  A kill between them leaves a consistent database with free pages
 * inside it, reused by the next run.  *freed_out (may be NULL) gets the
 * number of pages given back. */
enum tl_status
tl_index_compact(sqlite3 *db, long *freed_out, struct tl_error *err);

/* tl_index_compact(), the merge tapped (lib/fts5_merge.h; NULL: not)
 * when our own merge joins the segments: *ours_out (may be NULL) is 1
 * when it did and committed, 0 when FTS5's 'optimize' merged instead, or
 * nothing was to merge. */
struct tl_fts5_merge_tap;
enum tl_status
tl_index_compact_tapped(sqlite3 *db, const struct tl_fts5_merge_tap *tap,
                        int *ours_out, long *freed_out, struct tl_error *err);

/* Whether a migration asked for a VACUUM (meta key 'vacuum': schema 008
 * dropped passages.text in place, which leaves the passages' pages
 * nearly empty). */
enum tl_status
tl_index_vacuum_asked(sqlite3 *db, int *asked_out, struct tl_error *err);
/* Runs that VACUUM, then forgets the request.  Outside any transaction;
 * a kill during it leaves the database as it was, and the next run tries
 * again.  For a database this version created (the request is
 * 'reindex', lib/db.c), a REINDEX and the free pages given back do what
 * the VACUUM would. */
enum tl_status tl_index_vacuum(sqlite3 *db, struct tl_error *err);
/* For a database this version created: packs the indexes of the
 * articles and topics now, inside the caller's write transaction (the
 * impact refresh's, while its helpers make lists), with the vocabulary
 * (terms), which the refresh writes before it calls this, and leaves
 * tl_index_vacuum() only the impact lists (the request becomes
 * 'reindex-rest').  Nothing when no such request is there. */
enum tl_status tl_index_pack_early(sqlite3 *db, struct tl_error *err);

/* Deferred indexes (lib/index_defer.c): articles_by_hash,
 * articles_by_path (keys are hashes) and articles_by_date take a first
 * build's rows each at a random place, and every commit would write
 * nearly all their pages again.  Into a table with no row, tl_index_defer()
 * drops them in a transaction of its own, keeping each statement in
 * meta (key 'deferred index NAME'); *deferred_out gets how many.
 * tl_index_restore() makes them again from there and forgets them: in
 * the caller's transaction, else in one of its own; *made_out (may be
 * NULL) gets how many.  A run killed in between leaves a database that
 * answers every search, the ones by date more slowly, until the next
 * talaash-index run restores them before anything else. */
enum tl_status
tl_index_defer(sqlite3 *db, int *deferred_out, struct tl_error *err);
enum tl_status
tl_index_restore(sqlite3 *db, int *made_out, struct tl_error *err);

#endif
