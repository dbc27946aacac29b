/*
 * lengths.h - every passage's column lengths (tokens in body, title and
 * author), packed in table passage_lengths (schema 006), so that a
 * search that scores many matches reads a few pages of them instead of
 * one FTS5 docsize lookup per match (docs/topk.md, session 6).
 *
 * FTS5 keeps no lengths of its own (columnsize=0, schema 010): asked
 * for a row's, it tokenizes the row's text again.  So the table is the
 * lengths' home: the store writes those of the passages it indexes in
 * the same transaction (tl_lengths_add(), tl_lengths_flush(); counted by
 * the tokenizer as FTS5 indexes them, struct tl_tally), and
 * talaash-index, at the end of a run, counts the tokens of any other
 * (tl_lengths_refresh()).  Its state row says up to which passage id it
 * covers the index exactly: SQLite gives a new passage the largest id +
 * 1, so passages stored by other means are above it (a trigger lowers
 * it when the passages above every other are deleted, whose ids could be
 * handed out again), and an article whose title or author changes in
 * place (its passages re-indexed under the same ids) marks the table
 * dirty (another trigger): unusable until the next refresh.
 */
#include "talaash.h"
#include "rank.h"

#ifndef TALAASH_LENGTHS_H
#define TALAASH_LENGTHS_H

/* Brings passage_lengths up to date with the index: counts the tokens
 * of the passages from the first it does not cover on (all of them when
 * dirty); nothing written when it is up to date.  Runs in its own
 * transaction (call it outside any).  *n_out (may be NULL) gets the
 * passages written. */
enum tl_status
tl_lengths_refresh(sqlite3 *db, long *n_out, struct tl_error *err);

/* The lengths of the passages one write transaction indexes, kept until
 * tl_lengths_flush() writes them, just before it commits. */
struct tl_lengths_writer;

enum tl_status
tl_lengths_writer_new(struct tl_lengths_writer **out, struct tl_error *err);
void tl_lengths_writer_free(struct tl_lengths_writer *w);

/* Keeps passage id's lengths as tally counted them while FTS5 indexed
 * it; a tally without one count per column is left out (the passage is
 * then not covered until the refresh counts it). */
enum tl_status
tl_lengths_add(struct tl_lengths_writer *w, int64_t id,
               const struct tl_tally *tally, struct tl_error *err);

/* Writes what was kept into passage_lengths, and moves the covered mark
 * over the ids that follow it without a hole; forgets them either way. */
enum tl_status
tl_lengths_flush(sqlite3 *db, struct tl_lengths_writer *w,
                 struct tl_error *err);

/* Forgets what was kept (a rolled-back transaction). */
void tl_lengths_discard(struct tl_lengths_writer *w);

/* The lengths of a database, read a chunk at a time as rows ask. */
struct tl_lengths;

/* Opens db's lengths into *out, or sets *out NULL when the table cannot
 * be used (dirty, empty).  Call inside the read transaction of the
 * search that uses them. */
enum tl_status
tl_lengths_open(sqlite3 *db, struct tl_lengths **out, struct tl_error *err);

/* Fills len (body, title, author) for passage id and returns 1, or
 * returns 0 when the table does not know them (not covered, a field too
 * long for its bytes, a chunk that could not be read). */
int tl_lengths_get(struct tl_lengths *l, int64_t id,
                   int len[TL_RANK_COLUMNS]);

void tl_lengths_free(struct tl_lengths *l);

/* Fills len with passage id's lengths, from l where it knows them (l
 * may be NULL), else counted in the passage's text as the refresh
 * counts them: what FTS5 would say.  All 0 when there is no such
 * passage. */
enum tl_status
tl_lengths_exact(sqlite3 *db, struct tl_lengths *l, int64_t id,
                 int64_t len[TL_RANK_COLUMNS], struct tl_error *err);

/* For a scan with tl_bm25() (lib/topk_scan.c, lib/articles_scan.c):
 * opens db's lengths and hands them to tl_bm25() (tl_rank_lengths());
 * *out NULL when there are none to use.  _end() takes them back and
 * frees them, and returns rs, or its own failure when rs is TL_OK. */
enum tl_status
tl_lengths_begin(sqlite3 *db, struct tl_lengths **out, struct tl_error *err);
enum tl_status
tl_lengths_end(sqlite3 *db, struct tl_lengths *l, enum tl_status rs,
               struct tl_error *err);

#endif /* TALAASH_LENGTHS_H */
