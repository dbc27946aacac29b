/* unit.h - what the Check suites share. */
#ifndef TALAASH_UNIT_H
#define TALAASH_UNIT_H

#include <check.h>

#include "talaash.h"

/* A fresh in-memory database with the real schema and tokenizer, opened
 * by the same tl_db_open() the programs use.  Set by unit_db_setup(). */
extern sqlite3 *unit_db;
void unit_db_setup(void);
/* The same in a database file in a new temporary folder, for tests that
 * need a second connection to it; unit_db_teardown() removes both. */
void unit_db_setup_file(void);
/* The path of that file ("" after unit_db_setup()). */
extern char unit_db_path[];
void unit_db_teardown(void);

/* Runs sql on unit_db, failing the test on error. */
void unit_exec(const char *sql);
/* Sets every article's passage range (schema 012) to cover the passages
 * it has: after passages are written by hand. */
void unit_fix_ranges(void);
/* Widens the range of the article of passage last_insert_rowid() to
 * it: after one passage is written by hand (the SQL, for another
 * connection). */
#define UNIT_WIDEN_RANGE_SQL \
    "UPDATE articles SET passage_first = min(ifnull(passage_first, " \
    "last_insert_rowid()), last_insert_rowid()), passage_last = " \
    "max(ifnull(passage_last, last_insert_rowid()), last_insert_rowid()) " \
    "WHERE id = (SELECT article_id FROM passages WHERE id = " \
    "last_insert_rowid())"
void unit_widen_range(void);
/* Stores a passage of article (which must exist) with id (0: the next
 * one) and indexes it, as lib/store.c does. */
void unit_add_passage(int64_t id, int64_t article, int ordinal,
                      const char *text);
/* FTS5's own lengths (body, title, author) of passage id, which the
 * FTS5 query q matches, through tl_tf() with no packed lengths set on
 * unit_db: FTS5 counts the row's tokens in its text (columnsize=0). */
void unit_fts5_lengths(const char *q, int64_t id, int len[3]);
/* The first column of the first row of sql, as text (static buffer). */
const char *unit_text(const char *sql);

/* A deterministic generator (xorshift64) over *state, for corpora that
 * must come out the same every run. */
static inline uint64_t
unit_rng(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

#endif
