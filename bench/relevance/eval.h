/*
 * eval.h - our own scorer of TREC runs: nDCG@10, MAP, Recall@100 and
 * MRR@10, as trec_eval computes them (trec_eval -c: the mean is over
 * every query of the qrels with a relevant document, a query missing
 * from the run counting zero; linear gains; a run's documents ordered by
 * score descending, then document id descending in byte order, each
 * document counted once).
 */
#include "talaash.h"

#ifndef BENCH_EVAL_H
#define BENCH_EVAL_H

/* Judgements: query id, document id, grade (>= 1 is relevant). */
struct eval_qrels;

/* Reads "qid TAB docid TAB grade" lines (or the 4-column TREC form "qid
 * iter docid grade", white space separated).  *out is NULL on failure;
 * free with eval_qrels_free(). */
enum tl_status
eval_qrels_load(const char *path, struct eval_qrels **out,
                struct tl_error *err);
void eval_qrels_free(struct eval_qrels *q);

/* The grade of doc for query qid; 0 when not judged. */
int eval_qrels_grade(const struct eval_qrels *q, const char *qid,
                     const char *doc);

/* Keeps only the judgements of documents for which keep() returns
 * non-zero (for a slice of a collection). */
void eval_qrels_filter(struct eval_qrels *q,
                       int (*keep)(void *ctx, const char *doc), void *ctx);

/* Writes the judgements to path, "qid TAB docid TAB grade" per line. */
enum tl_status
eval_qrels_write(const struct eval_qrels *q, const char *path,
                 struct tl_error *err);

/* Does query qid have a relevant document? */
int eval_qrels_has_relevant(const struct eval_qrels *q, const char *qid);

/* The number of queries with a relevant document. */
size_t eval_qrels_queries(const struct eval_qrels *q);

/* A run: lines "qid Q0 docid rank score tag". */
struct eval_run;

enum tl_status eval_run_new(struct eval_run **out, struct tl_error *err);
enum tl_status
eval_run_add(struct eval_run *r, const char *qid, const char *doc,
             double score, struct tl_error *err);
enum tl_status
eval_run_load(const char *path, struct eval_run **out, struct tl_error *err);
void eval_run_free(struct eval_run *r);

struct eval_scores {
    double ndcg10, map, recall100, mrr10;
};

/* The scores of one query's ranking (doc ids best first, no repeats). */
void eval_query(const struct eval_qrels *q, const char *qid,
                const char *const *docs, size_t n_docs,
                struct eval_scores *out);

/* The means over the judged queries (see the top of this file);
 * *n_queries_out is how many were averaged.  Called per query when fn is
 * not NULL (in qrels order). */
typedef void (*eval_query_fn)(void *ctx, const char *qid,
                              const struct eval_scores *s);
enum tl_status
eval_run_score(const struct eval_qrels *q, struct eval_run *r,
               struct eval_scores *means_out, size_t *n_queries_out,
               eval_query_fn fn, void *ctx, struct tl_error *err);

#endif /* BENCH_EVAL_H */
