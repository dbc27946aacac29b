/*
 * feedback.h - pseudo-relevance feedback for the relevance benchmark:
 * the best passages of a first search lend the query their most telling
 * words (RM3, Lavrenko and Croft 2001 as Anserini uses it with BM25; or
 * Bo1, Amati 2003, Terrier's default).  Written against the public
 * library only, so it can move into lib/ if talaash ever offers it.
 */
#include "talaash.h"

#ifndef BENCH_FEEDBACK_H
#define BENCH_FEEDBACK_H

enum feedback_method { FEEDBACK_NONE, FEEDBACK_RM3, FEEDBACK_BO1 };

struct feedback_opts {
    enum feedback_method method;
    long docs;              /* passages read (one per article) */
    long terms;             /* words added */
    double orig_weight;     /* the original query's share, 0..1 */
    double max_df;          /* words in more than this fraction of the
                               passages are not added */
};

void feedback_opts_init(struct feedback_opts *fo);

/* The query after feedback. */
struct feedback {
    struct tl_buf match;    /* "(original) OR "word" OR ..." */
    double *tail;           /* q(t) of the words added, in order */
    size_t n_tail;
    double head_weight;     /* q(t) of the original phrases */
};

void feedback_init(struct feedback *fb);
void feedback_release(struct feedback *fb);

/* Searches match (the words of the query: n_query of them, stopwords
 * aside) on db with the ranking in force, reads the best fo->docs
 * passages and fills fb with the expanded query, to be searched with
 * tl_rank_override() given fb's weights.  When nothing is found, fb's
 * match is the original and n_tail 0. */
enum tl_status
feedback_expand(sqlite3 *db, const char *match, size_t n_query,
                const struct feedback_opts *fo, struct feedback *fb,
                struct tl_error *err);

#endif /* BENCH_FEEDBACK_H */
