/*
 * search.h - running a search: the best passages (or articles) for an
 * FTS5 expression and filters, ranked by BM25, and what is known about
 * each hit.  Both programs and the benchmarks search through here, so
 * what a benchmark measures is what a user gets.
 */
#include "talaash.h"

#ifndef TALAASH_SEARCH_H
#define TALAASH_SEARCH_H

/* Control characters that bracket matched words in tl_hit.marked; the
 * writers turn them into colour or remove them. */
#define TL_MARK_OPEN "\x02"
#define TL_MARK_CLOSE "\x03"
#define TL_ELLIPSIS "\xe2\x80\xa6"

enum tl_sort { TL_SORT_RANK, TL_SORT_DATE, TL_SORT_DATE_DESC };

/* What to search for.  All pointers are borrowed for the search's life. */
struct tl_search_opts {
    const char *match;          /* FTS5 expression; NULL: no words */
    /* Authors and topics are compared folded as tl_search_fold() does
     * (case, accents and punctuation aside). */
    const char *const *authors; /* any of them: a part of the name */
    size_t n_authors;
    const char *const *topics;  /* any of them: the whole name */
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
    int positive_only;          /* 1: leave out the passages that score 0
                                   (they match only stopwords while the
                                   query has other words: tl_query's
                                   zero_scores); every result, count and
                                   facet is then of the scored set */
};

void tl_search_opts_init(struct tl_search_opts *o);

/* One passage found.  Strings are borrowed: valid until the next
 * tl_search_next() or tl_search_free(). */
struct tl_hit {
    long rank;                  /* 1-based, counting the offset */
    double score;               /* higher is better; 0 when not scored */
    int scored;                 /* 0 for a listing without words (o->match
                                   NULL): there is no score to show */
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

/* How s was answered: 1 from the impact lists (lib/topk.c), 2 by the
 * walk over the articles in date order (lib/topk_date.c), 3 from the
 * passages with both words of an OR of two (lib/topk_or.c), 0 by
 * scoring every match. */
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
    int scored;                 /* 0 without words: no score to show */
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

/* ---- folding names (authors, topics) and --kwic's sort keys ---------- */

/* Folds text as the index's tokenizer does before stemming: FTS5's
 * unicode61 with the tokenizer's options (case folded, diacritics
 * removed, any run of punctuation and white space a word break), tokens
 * joined across one apostrophe (don't -> dont; a possessive 's' dropped:
 * Pakistan's -> pakistan) and single letters across single dots (U.S. ->
 * us), as lib/tokenizer.c does; words are not stemmed.  The words are
 * joined by single spaces: "ÉMILE Öztürk-Lee" -> "emile ozturk lee".
 * A filter value matches an author when its folding is a part of the
 * author's (kugel matches Michael Kugelman), and a topic when the two
 * foldings are equal.  The SQL function tl_fold(text) does the same on
 * connections where a search with such a filter was prepared. */
struct tl_search_fold;

/* A folder for db (which must stay open while it lives; it borrows the
 * unicode61 tokenizer registered there).  Free with
 * tl_search_fold_free(). */
enum tl_status
tl_search_fold_new(sqlite3 *db, struct tl_search_fold **out,
                   struct tl_error *err);
void tl_search_fold_free(struct tl_search_fold *f);

/* Appends the folding of text[0, len) to out (nothing for text without
 * a letter or digit). */
enum tl_status
tl_search_fold(struct tl_search_fold *f, const char *text, size_t len,
               struct tl_buf *out, struct tl_error *err);

/* Defines the SQL function tl_fold(text) on db, once (redefining a
 * function that prepared statements use would expire them). */
enum tl_status
tl_search_fold_register(sqlite3 *db, struct tl_error *err);
/* Is topic name known on db (folded as above, equal to one stored)? */
enum tl_status
tl_search_topic_known(sqlite3 *db, const char *name, int *known_out,
                      struct tl_error *err);

#endif /* TALAASH_SEARCH_H */
