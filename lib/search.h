/*
 * search.h - running a search: the best passages (or articles) for an
 * FTS5 expression and filters, ranked by BM25, and what is known about
 * each hit.  Both programs and the benchmarks search through here, so
 * what a benchmark measures is what a user gets.
 */
#include "talaash.h"

#ifndef TALAASH_SEARCH_H
#define TALAASH_SEARCH_H

/* Column weights given to bm25(): body, title, author. */
/* Control characters that bracket matched words in tl_hit.marked; the
 * writers turn them into colour or remove them. */
#define TL_MARK_OPEN "\x02"
#define TL_MARK_CLOSE "\x03"
#define TL_ELLIPSIS "\xe2\x80\xa6"

enum tl_sort { TL_SORT_RANK, TL_SORT_DATE, TL_SORT_DATE_DESC };

/* What to search for.  All pointers are borrowed for the search's life. */
struct tl_search_opts {
    const char *match;          /* FTS5 expression; NULL: no words */
    const char *const *authors; /* any of them, case-insensitive, part of */
    size_t n_authors;           /* the name */
    const char *const *topics;  /* any of them, case-insensitive */
    size_t n_topics;
    struct tl_date since;       /* TL_DATE_NONE: unbounded */
    struct tl_date until;
    int undated;                /* only articles with no date */
    long per_article;           /* at most this many passages an article;
                                   0: no cap */
    enum tl_sort sort;
    long limit;                 /* 0: no limit */
    long offset;
    int exhaustive;             /* 1: never answer from the impact lists
                                   (lib/topk.c), score every match; the
                                   same hits, slower (for checking) */
};

void tl_search_opts_init(struct tl_search_opts *o);

/* One passage found.  Strings are borrowed: valid until the next
 * tl_search_next() or tl_search_free(). */
struct tl_hit {
    long rank;                  /* 1-based, counting the offset */
    double score;               /* positive, higher is better */
    int64_t passage_id;
    int passage;                /* 1-based ordinal within the article */
    int64_t article_id;
    const char *path;
    const char *title;
    const char *author;
    const char *date;           /* "YYYY[-MM[-DD]]", "" when unknown */
    const char *date_precision; /* "year", "month", "day", "" */
    const char *topics;         /* the article's topics, joined by ';' */
    const char *marked;         /* the passage, matched words between
                                   TL_MARK_OPEN and TL_MARK_CLOSE */
    size_t marked_len;
};

struct tl_search;

/* Starts a passage search.  o->match may be NULL only with filters that
 * restrict articles: every passage of those articles then matches, in
 * article order.  TL_ERR_QUERY for an expression FTS5 refuses. */
enum tl_status
tl_search_new(sqlite3 *db, const struct tl_search_opts *o,
              struct tl_search **out, struct tl_error *err);

/* Fills hit with the next result; *done_out is 1 when there is none. */
enum tl_status
tl_search_next(struct tl_search *s, struct tl_hit *hit, int *done_out,
               struct tl_error *err);

void tl_search_free(struct tl_search *s);

/* 1 when s was answered from the impact lists (lib/topk.c) rather than
 * by scoring every match. */
int tl_search_fast(const struct tl_search *s);

/* The number of matching passages and articles (limit, offset and the
 * per-article cap aside). */
enum tl_status
tl_search_count(sqlite3 *db, const struct tl_search_opts *o,
                long *passages_out, long *articles_out, struct tl_error *err);

/* One article found by tl_articles_*. */
struct tl_article_row {
    long rank;
    double score;               /* of its best passage; 0 without words */
    int64_t id;
    const char *path, *title, *author, *date, *date_precision, *topics;
    long passages;              /* matching passages (all without words) */
};

struct tl_articles;

/* The articles that match (with words: best passage first; without: by
 * path), with the same filters; --sort, limit and offset apply. */
enum tl_status
tl_articles_new(sqlite3 *db, const struct tl_search_opts *o,
                struct tl_articles **out, struct tl_error *err);
enum tl_status
tl_articles_next(struct tl_articles *a, struct tl_article_row *row,
                 int *done_out, struct tl_error *err);
void tl_articles_free(struct tl_articles *a);

/* Counts of the matching passages by a facet: "topic", "author", "year"
 * or "month".  fn is called per value, most hits first (year and month:
 * in time order); value "" for articles without one. */
typedef int (*tl_facet_fn)(void *ctx, const char *value, long passages,
                           long articles);
enum tl_status
tl_search_facet(sqlite3 *db, const struct tl_search_opts *o,
                const char *facet, tl_facet_fn fn, void *ctx,
                struct tl_error *err);

/* Index words close to word (by edit distance, at most 2), most frequent
 * first, for "did you mean"; fills up to max entries of out (strings
 * malloc'd, free them) and returns how many. */
size_t
tl_search_suggest(sqlite3 *db, const char *word, char **out, size_t max);

#endif /* TALAASH_SEARCH_H */
