/*
 * hit_rows.h - what the hits of a fast search show, read in a few
 * statements instead of two per hit (lib/hit_rows.c): the passages'
 * article columns by one lookup over all their ids, and the marked text
 * from FTS5's pages (fts5_marks.h) where the page reader takes the
 * query, else through FTS5's highlight(): a statement per row for a few
 * rows, one pass over the search's matches highlighting only the wanted
 * rows for many (a CSV export of a thousand) or with a prefix.
 */
#include "talaash.h"

#ifndef TALAASH_HIT_ROWS_H
#define TALAASH_HIT_ROWS_H

/* The article columns every hit shows, for passage p and article a. */
#define TL_HIT_ARTICLE_COLS \
    "a.id, a.path, a.title, a.author, coalesce(a.pub_date, ''), " \
    "coalesce(a.date_precision, ''), " \
    "coalesce((SELECT group_concat(name, ';') FROM (SELECT t.name FROM " \
    "article_topics AS at JOIN topics AS t ON t.id = at.topic_id WHERE " \
    "at.article_id = a.id ORDER BY t.name)), '')"

struct tl_hit_rows;

/* From this many rows on (or with a prefix in the query), FTS5 marks
 * them in one pass over the matches rather than a statement per row
 * (FTS5 merges a prefix's doclists each time it sets up the expression:
 * econom* 15.7 -> 9.0 ms at 21,268 articles, while said would go
 * 4.1 -> 6.1 for ten rows). */
#define TL_HIT_ROWS_PASS_MIN 64

/* Reads the rows of the n passages ids (any order, duplicates allowed)
 * for the MATCH expression match (NULL: the plain text, unmarked).
 * A passage that is gone or no longer matches is simply missing from
 * the result.  Free it with tl_hit_rows_free(). */
enum tl_status
tl_hit_rows_fetch(sqlite3 *db, const char *match, const int64_t *ids,
                  size_t n, struct tl_hit_rows **out, struct tl_error *err);

/* Fills hit's passage, article and text fields for hit->passage_id from
 * r (pointers into r, valid until it is freed); 0 when r lacks it. */
int tl_hit_rows_get(const struct tl_hit_rows *r, struct tl_hit *hit);

void tl_hit_rows_free(struct tl_hit_rows *r);

#endif /* TALAASH_HIT_ROWS_H */
