/*
 * spans.h - the article of every passage id without reading passages:
 * an article's passages are stored together, under consecutive ids, so
 * the index's passages form runs ("spans") of ids that each belong to
 * one article.  The map of those runs is made by talaash-index at the
 * end of a run that changed the index (table article_spans, schema 005)
 * and read whole by a query (a few bytes an article).  It counts the
 * articles of a search's matches with no join (talaash --count).
 *
 * The map records what it describes (FTS5's totals, the largest passage
 * id and that passage's article); tl_spans_load() uses it only when the
 * index still shows exactly that.  Passage ids only ever grow (SQLite
 * gives a new row the largest id + 1), and the store replaces an
 * article's passages one article at a time, so a passage that is not in
 * the map has an id above its largest, unless the map's last passages
 * were deleted and their ids handed out again: then the largest id's
 * article or FTS5's totals differ.
 */
#include "talaash.h"

#ifndef TALAASH_SPANS_H
#define TALAASH_SPANS_H

/* The map: span i is the passage ids first[i]..last[i], all of article
 * article[i]; spans sorted by first and disjoint. */
struct tl_spans {
    int64_t *first, *last, *article;    /* owned */
    size_t n;
    int multi;          /* 1: some article has more than one span */
};

void tl_spans_init(struct tl_spans *s);
void tl_spans_release(struct tl_spans *s);

/* Makes the map from the passages table and stores it, replacing the old
 * one; nothing written when the stored map is fresh.  Runs in its own
 * transaction (call it outside any).  *n_out (may be NULL) gets the
 * number of spans. */
enum tl_status
tl_spans_refresh(sqlite3 *db, size_t *n_out, struct tl_error *err);

/* Reads the stored map into s (initialised) when it fits the index as it
 * is; *fresh_out 0 (and s empty) when there is none or it is stale. */
enum tl_status
tl_spans_load(sqlite3 *db, struct tl_spans *s, int *fresh_out,
              struct tl_error *err);

/* The index of the span holding passage_id, or -1. */
long tl_spans_find(const struct tl_spans *s, int64_t passage_id);

/* The matching passages of a search, per article hit: article[i] has
 * passages[i] of them (in passage id order; an article split over
 * several spans (multi) may appear more than once). */
struct tl_spans_tally {
    int64_t *article;       /* owned, like passages */
    long *passages;
    size_t n;
    int multi;
};

void tl_spans_tally_release(struct tl_spans_tally *t);

/* Tallies the passages matching the MATCH expression match per article,
 * among the articles accepted lists (as tl_spans_count()); *answered_out
 * 0, and t empty, when the map cannot say (missing, stale) or FTS5
 * refuses the expression. */
enum tl_status
tl_spans_tally(sqlite3 *db, const char *match, const int64_t *accepted,
               size_t n_accepted, struct tl_spans_tally *t,
               int *answered_out, struct tl_error *err);

/* Counts the passages matching the MATCH expression match and their
 * articles, among the articles whose ids accepted (sorted ascending,
 * n_accepted of them) lists, or all when accepted is NULL.  *answered_out
 * 0 when the map is missing or stale (the caller counts in SQL); a plain
 * SQLITE_ERROR from FTS5 (a query it refuses) is also left to the
 * caller, with *answered_out 0. */
enum tl_status
tl_spans_count(sqlite3 *db, const char *match, const int64_t *accepted,
               size_t n_accepted, long *passages_out, long *articles_out,
               int *answered_out, struct tl_error *err);

#endif /* TALAASH_SPANS_H */
