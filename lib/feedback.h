/*
 * feedback.h - pseudo-relevance feedback: the best passages of a first
 * search lend the query their most telling words (RM3, Lavrenko and
 * Croft 2001 as Anserini uses it with BM25; or Bo1, Amati 2003,
 * Terrier's default).  talaash --expand uses Bo1 from the best passage
 * (tl_feedback_opts_expand(); docs/relevance.md, experiments 12-17); the
 * relevance benchmark (bench/relevance/) tries the rest, and the query
 * performance predictors below are its experiments (experiment 10).
 */
#include "talaash.h"

#ifndef TALAASH_FEEDBACK_H
#define TALAASH_FEEDBACK_H

enum tl_feedback_method { TL_FEEDBACK_NONE, TL_FEEDBACK_RM3, TL_FEEDBACK_BO1 };

/* Query performance predictors, for selective feedback (Amati, Carpineto
 * and Romano 2004; Cronen-Townsend, Zhou and Croft 2004): each a
 * collection-independent figure of the query or its first search. */
enum tl_feedback_predictor {
    TL_PREDICT_NONE,
    TL_PREDICT_AVG_IDF,        /* mean idf of the query's words, over the
                               idf of a word in one passage (0..1) */
    TL_PREDICT_MAX_IDF,        /* the largest of those */
    TL_PREDICT_CLARITY,        /* clarity (bits) of the first search's best
                               passages against the collection */
    TL_PREDICT_CLARITY_GAIN,   /* the expanded search's clarity minus the
                               first search's */
    TL_PREDICT_NQC,            /* standard deviation over mean of the first
                               search's best 100 scores (Shtok et al.
                               2009, normalised by the mean) */
    TL_PREDICT_GAP,            /* 1 - score at rank 10 / score at rank 1 */
    TL_PREDICT_COUNT
};

struct tl_feedback_opts {
    enum tl_feedback_method method;
    long docs;              /* passages read (one per article) */
    long terms;             /* words added */
    double orig_weight;     /* the original query's share, 0..1 */
    double max_df;          /* words in more than this fraction of the
                               passages are not added */
    /* how the expanded search's ranking is used */
    long rerank;            /* it orders only the first search's best N
                               articles, the rest keep their places; 0:
                               it ranks everything */
    double mix;             /* final score: (1 - mix) s0 / max s0 + mix
                               s1 / max s1 (s0 the first search's, s1 the
                               expanded's, 0 when absent); 1: s1 alone */
    /* selective feedback: only when select's value is in [lo, hi] */
    enum tl_feedback_predictor select;
    double select_lo, select_hi;
    long clarity_docs;      /* passages a clarity score reads */
    /* the first search's filters and cap (dates, authors, topics): NULL
     * for none; its match, limit, offset and sort are not used */
    const struct tl_search_opts *base;
};

/* No feedback, and the benchmark's defaults for the rest. */
void tl_feedback_opts_init(struct tl_feedback_opts *fo);
/* talaash --expand's setting: Bo1 from the best passage, 40 words, the
 * original query weighing 0.85 of the whole (docs/relevance.md,
 * experiment 12: the one setting found that does not cost scifact). */
void tl_feedback_opts_expand(struct tl_feedback_opts *fo);

/* The query after feedback. */
struct tl_feedback {
    struct tl_buf match;    /* "(original) OR "word" OR ..." */
    struct tl_buf words;    /* the words added, as written, one space
                               between: "word word ..." */
    double *tail;           /* q(t) of the words added, in order */
    size_t n_tail;
    double head_weight;     /* q(t) of the original phrases */
};

void tl_feedback_init(struct tl_feedback *fb);
void tl_feedback_release(struct tl_feedback *fb);

/* Makes every later tl_bm25() call on db rank with fb's weights (the
 * original phrases fb->head_weight, the added ones fb->tail) on top of
 * base (NULL: the defaults), through tl_rank_override(); search
 * fb->match then.  tl_rank_override(db, NULL, ...) undoes it. */
enum tl_status
tl_feedback_rank(sqlite3 *db, const struct tl_feedback *fb,
                 const struct tl_rank_params *base, struct tl_error *err);

/* Searches match (the words of the query: n_query of them, stopwords
 * aside) on db with the ranking in force, reads the best fo->docs
 * passages and fills fb with the expanded query, to be searched with
 * tl_rank_override() given fb's weights.  When nothing is found, fb's
 * match is the original and n_tail 0. */
enum tl_status
tl_feedback_expand(sqlite3 *db, const char *match, size_t n_query,
                const struct tl_feedback_opts *fo, struct tl_feedback *fb,
                struct tl_error *err);

/* The clarity (Cronen-Townsend, Zhou and Croft 2002) of the best docs
 * passages of a search of match with the ranking in force: sum over
 * their words t of p(t|R) log2(p(t|R) / p(t|C)), p(t|R) the passages'
 * word distributions weighted by score share, p(t|C) the collection's.
 * 0 when nothing matches. */
enum tl_status
tl_feedback_clarity(sqlite3 *db, const char *match, long docs,
                 double *clarity_out, struct tl_error *err);

/* The mean and largest idf of the words (stopwords aside; words, as
 * struct tl_query has them) over the idf of a word in one passage, so
 * that 1 is the rarest word there can be: *avg_out and *max_out, 0 when
 * no word is in the index. */
enum tl_status
tl_feedback_query_idf(sqlite3 *db, char *const *words, size_t n_words,
                   double *avg_out, double *max_out, struct tl_error *err);

#endif /* TALAASH_FEEDBACK_H */
