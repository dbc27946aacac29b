/*
 * topk.h - the top k passages of a search from the impact lists, without
 * scoring every match, or a refusal when that cannot be proved exact
 * (docs/topk.md).  lib/search.c tries it first and falls back to its
 * exhaustive SQL.
 */
#include "talaash.h"

#ifndef TALAASH_TOPK_H
#define TALAASH_TOPK_H

/* The answer: the best passages in rank order (score descending, passage
 * id ascending), at most k of them. */
struct tl_topk {
    int exact;          /* 1: these are exactly the exhaustive search's
                           first n hits; 0: not answered, fall back */
    size_t n;
    int64_t *ids;       /* owned */
    double *scores;     /* owned; as tl_bm25() scores them */
};

void tl_topk_init(struct tl_topk *t);
void tl_topk_release(struct tl_topk *t);

/* May article article_id be shown (the search's filters)?  Sets *ok_out;
 * returns TL_OK or an error. */
typedef enum tl_status (*tl_topk_filter_fn)(void *ctx, int64_t article_id,
                                            int *ok_out,
                                            struct tl_error *err);

/* The k best passages for the MATCH expression match, at most
 * per_article (0: any number) from one article, among the articles
 * filter accepts (NULL: all), ranked as tl_search_new() ranks with the
 * default parameters.  Answers (t->exact 1) only a single word whose
 * term has a fresh impact list, and only when the bound proves that no
 * other passage can be among the k; otherwise t->exact is 0 and the
 * caller searches exhaustively.  t must be initialised. */
enum tl_status
tl_topk_search(sqlite3 *db, const char *match, long per_article, long k,
               tl_topk_filter_fn filter, void *filter_ctx,
               struct tl_topk *t, struct tl_error *err);

/* The largest k tl_topk_scan() takes. */
#define TL_TOPK_SCAN_MAX 10000

/* The same answer by scoring every match of match with tl_bm25() (no
 * lists), keeping the best 4k + 256 in a heap, and joining only those to
 * their articles for filter and the cap.  t->exact is 0 (fall back to
 * the SQL) when k is over TL_TOPK_SCAN_MAX, when the filters and the
 * cap pass over so many that the heap runs dry, or when FTS5 refuses the
 * expression (the SQL path then reports it). */
enum tl_status
tl_topk_scan(sqlite3 *db, const char *match, long per_article, long k,
             tl_topk_filter_fn filter, void *filter_ctx, struct tl_topk *t,
             struct tl_error *err);

/* Rows tl_topk_scan() reads before it may hand the rest of a long scan
 * to parts on the other cores (scan_part.h; only inside an explicit read
 * transaction, not with tl_rank_override(), not for a prefix); it splits
 * when it expects at least eight times as many rows after them.  0: the
 * environment's TALAASH_SCAN_SPLIT, else 2048.  Tests set it low. */
void tl_topk_scan_split_after(long rows);

/* Tests: with 1, a part of a scan read from the pages fails after it has
 * read its chunks, and the scan reads them again itself (FTS5's cursor). */
void tl_topk_scan_parts_fail(int fail);

/* The same answer for match "a" OR "b" (two quoted words, as
 * lib/query.c writes them), from the scan of "a" AND "b", when the k-th
 * best passage with both words scores above the best passage of either
 * word alone (from the impact lists): then no passage with one word can
 * be among the k (topk_or.c).  t->exact is 0 otherwise: scan the OR. */
enum tl_status
tl_topk_or_as_and(sqlite3 *db, const char *match, long per_article, long k,
                  tl_topk_filter_fn filter, void *filter_ctx,
                  struct tl_topk *t, struct tl_error *err);

/* Which of the three below answered tl_topk_ranked(). */
enum tl_topk_way {
    TL_TOPK_NONE,           /* none: t->exact 0, run the SQL */
    TL_TOPK_LISTS,          /* tl_topk_search() */
    TL_TOPK_OR_AS_AND,      /* tl_topk_or_as_and() */
    TL_TOPK_SCAN            /* tl_topk_scan() */
};

/* The k best passages ranked by score: tl_topk_search(), then (unless
 * zero scores are to be left out: positive_only, which the OR's AND
 * cannot tell) tl_topk_or_as_and(), then tl_topk_scan(), the first that
 * answers; *way_out says which. */
enum tl_status
tl_topk_ranked(sqlite3 *db, const char *match, int positive_only,
               long per_article, long k, tl_topk_filter_fn filter,
               void *filter_ctx, struct tl_topk *t,
               enum tl_topk_way *way_out, struct tl_error *err);

/* The first k hits of a search sorted by date (descending: newest
 * first), in the exhaustive SQL's order: articles by date, undated last;
 * within a date, score descending, then passage id; at most per_article
 * (0: any number) of an article's best passages.  Walks the articles in
 * date order and scores only their matches (topk_date.c), only those
 * whose pub_date text lies in [from, to] (NULL: unbounded; a superset of
 * what filter accepts, to skip what it would refuse); t->exact is 0
 * (fall back to the SQL) when the match is rare enough for the SQL to be
 * quick, when the walk reads too many articles, when the ranked top-k
 * cannot answer the undated articles that come after the dated ones, or
 * when FTS5 refuses the expression. */
enum tl_status
tl_topk_by_date(sqlite3 *db, const char *match, int descending,
                const char *from, const char *to, long per_article, long k,
                tl_topk_filter_fn filter, void *filter_ctx,
                struct tl_topk *t, struct tl_error *err);
/* The best articles of a search (lib/articles_scan.c): article ids, the
 * score of each one's best passage and its number of matching passages,
 * best first (then article id), as tl_articles_new()'s SQL ranks them. */
struct tl_article_hits {
    size_t n;
    int64_t *ids;           /* owned, like the two below */
    double *best;
    long *passages;
};

void tl_article_hits_release(struct tl_article_hits *h);

/* The first k articles for the MATCH expression match among those whose
 * ids accepted lists (sorted ascending; NULL: all), every match visited
 * once beside the article spans (spans.h), no join; with positive_only,
 * passages scoring 0 do not count.  *answered_out 0 (the caller runs the
 * SQL) when k is over TL_TOPK_SCAN_MAX, the spans are missing, stale or
 * split, or FTS5 refuses the expression. */
enum tl_status
tl_articles_scan(sqlite3 *db, const char *match, int positive_only,
                 const int64_t *accepted, size_t n_accepted, long k,
                 struct tl_article_hits *out, int *answered_out,
                 struct tl_error *err);

/* Turns tl_rank_listed_df() on for the statements that rank match,
 * when that gives the same scores: the impact lists are fresh and match
 * has no column filter, prefix or initial-token query (no ':', '{', '*'
 * or '^' anywhere, quoted or not).  *on_out tells whether it did;
 * tl_topk_listed_df_end() turns it off again and returns rs, or the
 * error of turning it off when rs is TL_OK. */
enum tl_status
tl_topk_listed_df_begin(sqlite3 *db, const char *match, int *on_out,
                        struct tl_error *err);
enum tl_status
tl_topk_listed_df_end(sqlite3 *db, int on, enum tl_status rs,
                      struct tl_error *err);

/* The passages matching match and their articles, read from the impact
 * lists when match is one quoted word with a fresh list whose article
 * count is known (schema 007): the same numbers as counting every match
 * (talaash --count WORD).  *answered_out 0 otherwise. */
enum tl_status
tl_topk_count(sqlite3 *db, const char *match, long *passages_out,
              long *articles_out, int *answered_out, struct tl_error *err);
/* How many counts tl_topk_count() answered in this process (tests). */
long tl_topk_count_count(void);

/* A word without others (lib/topk_not.c): for match `"w" NOT "x" [NOT
 * "y" ...]` (each other a quoted phrase, maybe a prefix), 1 with
 * *head_len_out the length of `"w"` and *excl_out the others as an OR
 * (`"x" OR "y"`, allocated: free() it); 0 for any other shape. */
int tl_topk_not_split(const char *match, size_t *head_len_out,
                      char **excl_out);
/* Rows of excl read at most, to find which listed passages it holds. */
#define TL_TOPK_NOT_MAX 100000
/* Sets drop[i] for each of ids[0..n) (ascending) that matches excl,
 * reading excl's rows in order; *ok_out 0 (drop not to be trusted) when
 * that would read more than TL_TOPK_NOT_MAX rows or FTS5 refuses it. */
enum tl_status
tl_topk_not_mark(sqlite3 *db, const char *excl, const int64_t *ids,
                 size_t n, unsigned char *drop, int *ok_out,
                 struct tl_error *err);

/* How many searches tl_topk_search() answered and refused in this
 * process (for tests and benchmarks). */
void tl_topk_counts(long *answered, long *refused);

#endif /* TALAASH_TOPK_H */
