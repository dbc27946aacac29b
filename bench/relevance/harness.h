/*
 * harness.h - the relevance benchmark: index a test collection through
 * the library's article pipeline, run its queries through the query
 * language and the search talaash uses, write a TREC run and score it.
 */
#include "talaash.h"
#include "rank.h"
#include "feedback.h"

#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

struct harness_options {
    const char *db_dir;     /* keep each index in DIR/NAME.db; NULL: in
                               memory */
    const char *run_dir;    /* write DIR/NAME.run; NULL: no file */
    long docs;              /* index only the first N documents; 0: all */
    long hits;              /* documents per query */
    int raw_queries;        /* pass the query text unchanged */
    int passages;           /* rank with tl_search_new (one passage per
                               article) instead of tl_articles_new */
    int per_query;          /* print each query's figures */
    int verbose;            /* list the documents the pipeline changed */
    int quiet;              /* no pipeline report on stderr */
    int predict;            /* write each query's performance predictors
                               to run_dir/NAME.pred */
    /* files of stopwords and of weak words to rank with (NULL: the
     * built-in lists), each in place of the built-in list or, with
     * *_extend, beside it (tl_rank_words_set()) */
    const char *stopwords;
    int stopwords_extend;
    const char *weak_words;
    int weak_words_extend;
    /* ranking overrides (NULL: the defaults search.c uses) */
    const struct tl_rank_params *rank;
    struct tl_feedback_opts feedback;  /* pseudo-relevance feedback */
    double bigrams;         /* weight of each ordered bigram of the query
                               added to it (0: none; not with feedback) */
};

void harness_options_init(struct harness_options *o);

/* Benchmarks each collection folder (docs.jsonl, queries.tsv, qrels.tsv;
 * named by its last path component) and prints one table row for each
 * on stdout.  Returns 0, or 2 after an error (reported on stderr). */
int harness_run(const struct harness_options *o, char *const *dirs,
                size_t n_dirs);

#endif /* BENCH_HARNESS_H */
