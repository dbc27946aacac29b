/*
 * fts5_write.h - an FTS5 segment written without FTS5, for the indexer's
 * bulk path (docs/bulk-index.md): the terms and their doclists, made in
 * memory by the workers (lib/invert.h), become one segment of
 * passages_fts, laid out as FTS5's own merge writes one (fts5_index.c's
 * fts5WriteAppendTerm, fts5WriteAppendRowid, fts5WriteAppendPoslistData):
 * the same pages byte for byte as an `optimize` of the same rows, with
 * the same %_idx rows and doclist indexes, so FTS5, its integrity-check
 * and our page reader (lib/fts5_read.h) read it as one of FTS5's.
 *
 * The segment is then installed (tl_fts5_install): added to the
 * structure record, its rows and tokens to the averages record, and
 * FTS5's cached copy of both on this connection dropped, all in the
 * caller's transaction.
 */
#include "talaash.h"
#include "fts5_varint.h"

#ifndef TALAASH_FTS5_WRITE_H
#define TALAASH_FTS5_WRITE_H

/* FTS5's default leaf size (its 'pgsz' option). */
#define TL_FTS5_PGSZ 4050

/* Where the segment goes: a %_data row (id, block), a %_idx row (segid,
 * term, pgno).  Each returns 0, or non-zero to stop the writer. */
struct tl_fts5_sink {
    int (*data)(void *ctx, int64_t id, const unsigned char *p, int n);
    int (*idx)(void *ctx, int segid, const unsigned char *term, int n,
               int64_t pgno);
    void *ctx;
};

struct tl_fts5_writer;

/* A writer of segment segid with leaves of pgsz bytes, to sink. */
enum tl_status
tl_fts5_writer_new(int segid, int pgsz, const struct tl_fts5_sink *sink,
                   struct tl_fts5_writer **out, struct tl_error *err);
void tl_fts5_writer_free(struct tl_fts5_writer *w);

/* The next key (FTS5's '0' prefix, then the term), greater than the
 * last; then its rows, rowids increasing, each with its position list
 * (FTS5's detail=full encoding, without the size field). */
enum tl_status
tl_fts5_writer_term(struct tl_fts5_writer *w, const unsigned char *key,
                    int n, struct tl_error *err);
enum tl_status
tl_fts5_writer_row(struct tl_fts5_writer *w, int64_t rowid,
                   const unsigned char *pos, int n, struct tl_error *err);

/* Writes what is left; *last_out is the segment's last leaf (0: the
 * segment is empty, write nothing about it). */
enum tl_status
tl_fts5_writer_finish(struct tl_fts5_writer *w, int *last_out,
                      struct tl_error *err);

/* Writes to passages_fts_data and passages_fts_idx of db. */
struct tl_fts5_sql_sink;
enum tl_status
tl_fts5_sql_sink_new(sqlite3 *db, struct tl_fts5_sql_sink **out,
                     struct tl_fts5_sink *sink, struct tl_error *err);
void tl_fts5_sql_sink_free(struct tl_fts5_sql_sink *s);

/* The leaf size passages_fts uses (its 'pgsz' option, else FTS5's
 * default). */
enum tl_status tl_fts5_pgsz(sqlite3 *db, int *pgsz_out, struct tl_error *err);

/* A segment id no segment of passages_fts uses (as FTS5 picks one: the
 * smallest free).  FTS5 must have nothing pending on db (see
 * tl_fts5_install). */
enum tl_status
tl_fts5_free_segid(sqlite3 *db, int *segid_out, struct tl_error *err);

/* Adds segment segid (leaves 1..last) to passages_fts's structure, as
 * the newest segment of its top level (level 1 at least, so that
 * FTS5's automerge of small segments does not rewrite it), and rows and
 * tokens[TL_FTS5_COLUMNS_W] to its averages record; then makes FTS5
 * forget its cached copies.  In the caller's transaction, with nothing
 * pending in FTS5 (no write to passages_fts since the last savepoint or
 * commit; tl_fts5_settle() sees to that). */
#define TL_FTS5_COLUMNS_W 3
enum tl_status
tl_fts5_install(sqlite3 *db, int segid, int last, int64_t rows,
                const int64_t tokens[TL_FTS5_COLUMNS_W],
                struct tl_error *err);

/* Makes segment segid (leaves 1..last), written with the rows of every
 * other segment (lib/fts5_merge.c), the index's only one: the others'
 * pages and %_idx rows deleted, the structure record holding segid
 * alone, in the level above the highest that held one (where FTS5's
 * 'optimize' leaves its output); the averages record stays.  Then FTS5
 * forgets its cached copies.  In the caller's transaction, with nothing
 * pending in FTS5. */
enum tl_status
tl_fts5_install_merged(sqlite3 *db, int segid, int last,
                       struct tl_error *err);

/* Makes FTS5 write what it holds in memory for this transaction (the
 * rows forgotten or added through SQL since the last commit) and drop
 * its cached structure, so that the next tl_fts5_free_segid() and
 * tl_fts5_install() see the index as it is. */
enum tl_status tl_fts5_settle(sqlite3 *db, struct tl_error *err);

#endif
