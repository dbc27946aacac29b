/*
 * eval.c - nDCG@10, MAP, Recall@100 and MRR@10 of a TREC run, computed
 * as trec_eval does (see eval.h); checked against ../shared/tools/
 * trec-eval.py by tests/e2e/relevance.sh.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* qsort_r */
#endif
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

struct judgement {
    char *qid, *doc;
    int grade;
    size_t line;            /* the later line wins for a repeated pair */
};

struct eval_qrels {
    struct judgement *j;    /* sorted by qid, doc */
    size_t n, cap;
};

struct entry {
    char *qid, *doc;
    double score;
};

struct eval_run {
    struct entry *e;
    size_t n, cap;
};

/* Splits line (NUL-terminated, modified) at white space into at most max
 * fields; returns how many there were (max + 1 when there are more). */
static size_t
split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;

    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p == '\0')
            return n;
        if (n == max)
            return max + 1;
        fields[n++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r'
               && *p != '\n')
            p++;
        if (*p != '\0')
            *p++ = '\0';
    }
}

static int
cmp_judgement(const void *a, const void *b)
{
    const struct judgement *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);

    if (c == 0)
        c = strcmp(x->doc, y->doc);
    if (c == 0)
        c = x->line < y->line ? -1 : x->line > y->line;
    return c;
}

void
eval_qrels_free(struct eval_qrels *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->n; i++) {
        free(q->j[i].qid);
        free(q->j[i].doc);
    }
    free(q->j);
    free(q);
}

static enum tl_status
add_judgement(struct eval_qrels *q, const char *qid, const char *doc,
              int grade, size_t line)
{
    struct judgement *j;

    if (q->n == q->cap) {
        size_t cap = q->cap != 0 ? q->cap * 2 : 256;
        j = realloc(q->j, cap * sizeof *j);
        if (j == NULL)
            return TL_ERR_NOMEM;
        q->j = j;
        q->cap = cap;
    }
    j = &q->j[q->n];
    j->qid = strdup(qid);
    j->doc = strdup(doc);
    j->grade = grade;
    j->line = line;
    if (j->qid == NULL || j->doc == NULL) {
        free(j->qid);
        free(j->doc);
        return TL_ERR_NOMEM;
    }
    q->n++;
    return TL_OK;
}

/* Sorts, keeping the last line of a repeated (qid, doc). */
static void
sort_qrels(struct eval_qrels *q)
{
    size_t k = 0;

    qsort(q->j, q->n, sizeof *q->j, cmp_judgement);
    for (size_t i = 0; i < q->n; i++) {
        if (i + 1 < q->n && strcmp(q->j[i].qid, q->j[i + 1].qid) == 0
            && strcmp(q->j[i].doc, q->j[i + 1].doc) == 0) {
            free(q->j[i].qid);
            free(q->j[i].doc);
            continue;
        }
        q->j[k++] = q->j[i];
    }
    q->n = k;
}

enum tl_status
eval_qrels_load(const char *path, struct eval_qrels **out,
                struct tl_error *err)
{
    FILE *f = fopen(path, "r");
    struct eval_qrels *q = NULL;
    char *line = NULL, *fields[5];
    size_t cap = 0, lineno = 0;
    enum tl_status st = TL_OK;

    *out = NULL;
    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot open '%s': %s", path,
                            strerror(errno));
    q = calloc(1, sizeof *q);
    if (q == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    while (getline(&line, &cap, f) >= 0) {
        size_t n = split_fields(line, fields, 4);
        long grade;
        char *end;

        lineno++;
        if (n == 0)
            continue;
        if (n != 3 && n != 4) {
            st = tl_error_set(err, TL_ERR_INPUT, "%s:%zu: expected 3 or 4 "
                              "columns", path, lineno);
            goto out;
        }
        errno = 0;
        grade = strtol(fields[n - 1], &end, 10);
        if (*end != '\0' || end == fields[n - 1] || errno != 0
            || grade < -1000 || grade > 1000) {
            if (lineno == 1)        /* a header line */
                continue;
            st = tl_error_set(err, TL_ERR_INPUT, "%s:%zu: the grade is not "
                              "an integer", path, lineno);
            goto out;
        }
        if (add_judgement(q, fields[0], fields[n - 2], (int)grade, lineno)
            != TL_OK) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if (ferror(f)) {
        st = tl_error_set(err, TL_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
        goto out;
    }
    sort_qrels(q);
out:
    free(line);
    fclose(f);
    if (st != TL_OK) {
        eval_qrels_free(q);
        q = NULL;
    }
    *out = q;
    return st;
}

/* The first judgement of qid (index), or q->n. */
static size_t
first_of(const struct eval_qrels *q, const char *qid)
{
    size_t lo = 0, hi = q->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(q->j[mid].qid, qid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int
eval_qrels_grade(const struct eval_qrels *q, const char *qid,
                 const char *doc)
{
    struct judgement key = { (char *)qid, (char *)doc, 0, 0 };
    size_t lo = 0, hi = q->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(q->j[mid].qid, key.qid);
        if (c == 0)
            c = strcmp(q->j[mid].doc, key.doc);
        if (c == 0)
            return q->j[mid].grade;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void
eval_qrels_filter(struct eval_qrels *q,
                  int (*keep)(void *ctx, const char *doc), void *ctx)
{
    size_t k = 0;

    for (size_t i = 0; i < q->n; i++) {
        if (keep(ctx, q->j[i].doc)) {
            q->j[k++] = q->j[i];
        } else {
            free(q->j[i].qid);
            free(q->j[i].doc);
        }
    }
    q->n = k;
}

enum tl_status
eval_qrels_write(const struct eval_qrels *q, const char *path,
                 struct tl_error *err)
{
    FILE *f = fopen(path, "w");
    int bad = 0;

    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot create '%s': %s", path,
                            strerror(errno));
    for (size_t i = 0; i < q->n && !bad; i++)
        bad = fprintf(f, "%s\t%s\t%d\n", q->j[i].qid, q->j[i].doc,
                      q->j[i].grade) < 0;
    bad |= ferror(f);
    bad |= fclose(f) != 0;
    if (bad)
        return tl_error_set(err, TL_ERR_IO, "cannot write '%s'", path);
    return TL_OK;
}

int
eval_qrels_has_relevant(const struct eval_qrels *q, const char *qid)
{
    for (size_t i = first_of(q, qid);
         i < q->n && strcmp(q->j[i].qid, qid) == 0; i++)
        if (q->j[i].grade >= 1)
            return 1;
    return 0;
}

size_t
eval_qrels_queries(const struct eval_qrels *q)
{
    size_t n = 0;

    for (size_t i = 0; i < q->n; i++)
        if ((i == 0 || strcmp(q->j[i].qid, q->j[i - 1].qid) != 0)
            && eval_qrels_has_relevant(q, q->j[i].qid))
            n++;
    return n;
}

/* ---- runs ------------------------------------------------------------ */

enum tl_status
eval_run_new(struct eval_run **out, struct tl_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out != NULL ? TL_OK
                        : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
}

void
eval_run_free(struct eval_run *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->e[i].qid);
        free(r->e[i].doc);
    }
    free(r->e);
    free(r);
}

enum tl_status
eval_run_add(struct eval_run *r, const char *qid, const char *doc,
             double score, struct tl_error *err)
{
    struct entry *e;

    if (r->n == r->cap) {
        size_t cap = r->cap != 0 ? r->cap * 2 : 1024;
        e = realloc(r->e, cap * sizeof *e);
        if (e == NULL)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        r->e = e;
        r->cap = cap;
    }
    e = &r->e[r->n];
    e->qid = strdup(qid);
    e->doc = strdup(doc);
    e->score = score;
    if (e->qid == NULL || e->doc == NULL) {
        free(e->qid);
        free(e->doc);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    r->n++;
    return TL_OK;
}

enum tl_status
eval_run_load(const char *path, struct eval_run **out, struct tl_error *err)
{
    FILE *f = fopen(path, "r");
    struct eval_run *r = NULL;
    char *line = NULL, *fields[7];
    size_t cap = 0, lineno = 0;
    enum tl_status st;

    *out = NULL;
    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot open '%s': %s", path,
                            strerror(errno));
    st = eval_run_new(&r, err);
    while (st == TL_OK && getline(&line, &cap, f) >= 0) {
        size_t n = split_fields(line, fields, 6);
        double score;
        char *end;

        lineno++;
        if (n == 0)
            continue;
        if (n != 6) {
            st = tl_error_set(err, TL_ERR_INPUT, "%s:%zu: expected 6 columns "
                              "(qid Q0 docid rank score tag)", path, lineno);
            break;
        }
        errno = 0;
        score = strtod(fields[4], &end);
        if (*end != '\0' || end == fields[4] || errno == ERANGE
            || isnan(score)) {
            st = tl_error_set(err, TL_ERR_INPUT, "%s:%zu: the score is not "
                              "a number", path, lineno);
            break;
        }
        st = eval_run_add(r, fields[0], fields[2], score, err);
    }
    if (st == TL_OK && ferror(f))
        st = tl_error_set(err, TL_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
    free(line);
    fclose(f);
    if (st != TL_OK) {
        eval_run_free(r);
        r = NULL;
    }
    *out = r;
    return st;
}

/* qid ascending, then score descending, then doc id descending. */
static int
cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);

    if (c != 0)
        return c;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return -strcmp(x->doc, y->doc);
}

/* ---- metrics --------------------------------------------------------- */

static int
cmp_grade_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x < y) - (x > y);
}

void
eval_query(const struct eval_qrels *q, const char *qid,
           const char *const *docs, size_t n_docs, struct eval_scores *out)
{
    size_t first = first_of(q, qid), n_judged = 0, n_rel = 0, found = 0;
    int ideal[10] = { 0 }, n_ideal = 0;
    double dcg = 0, idcg = 0, ap = 0;

    memset(out, 0, sizeof *out);
    for (size_t i = first; i < q->n && strcmp(q->j[i].qid, qid) == 0; i++)
        n_judged++;
    /* the ideal ranking: the ten highest positive grades */
    for (size_t i = first; i < first + n_judged; i++) {
        int g = q->j[i].grade;
        if (g <= 0)
            continue;
        n_rel++;
        if (n_ideal < 10) {
            ideal[n_ideal++] = g;
        } else if (g > ideal[9]) {
            ideal[9] = g;
        }
        qsort(ideal, (size_t)n_ideal, sizeof *ideal, cmp_grade_desc);
    }
    if (n_rel == 0)
        return;
    for (int i = 0; i < n_ideal; i++)
        idcg += ideal[i] / log2(i + 2.0);
    for (size_t i = 0; i < n_docs; i++) {
        int g = eval_qrels_grade(q, qid, docs[i]);
        if (g <= 0)
            continue;
        if (i < 10)
            dcg += g / log2((double)i + 2.0);
        if (i < 10 && out->mrr10 == 0)
            out->mrr10 = 1.0 / ((double)i + 1.0);
        found++;
        ap += (double)found / ((double)i + 1.0);
        if (i < 100)
            out->recall100 += 1.0;
    }
    out->ndcg10 = idcg > 0 ? dcg / idcg : 0;
    out->map = ap / (double)n_rel;
    out->recall100 /= (double)n_rel;
}

/* Positions in a query's entries (ctx), by doc id, then position. */
static int
cmp_doc_then_pos(const void *a, const void *b, void *ctx)
{
    const struct entry *e = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(e[x].doc, e[y].doc);

    return c != 0 ? c : (x > y) - (x < y);
}

/* The documents of entries e[0..n) (already in rank order), each once
 * (its first place), into docs. */
static enum tl_status
unique_docs(const struct entry *e, size_t n, const char **docs,
            size_t *n_out)
{
    size_t *idx = malloc((n + 1) * sizeof *idx), k = 0;
    char *dup = calloc(n + 1, 1);

    if (idx == NULL || dup == NULL) {
        free(idx);
        free(dup);
        return TL_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    qsort_r(idx, n, sizeof *idx, cmp_doc_then_pos, (void *)e);
    for (size_t i = 1; i < n; i++)
        if (strcmp(e[idx[i]].doc, e[idx[i - 1]].doc) == 0)
            dup[idx[i]] = 1;
    for (size_t i = 0; i < n; i++)
        if (!dup[i])
            docs[k++] = e[i].doc;
    *n_out = k;
    free(idx);
    free(dup);
    return TL_OK;
}

enum tl_status
eval_run_score(const struct eval_qrels *q, struct eval_run *r,
               struct eval_scores *means_out, size_t *n_queries_out,
               eval_query_fn fn, void *ctx, struct tl_error *err)
{
    const char **docs = NULL;
    size_t n_q = 0;

    memset(means_out, 0, sizeof *means_out);
    *n_queries_out = 0;
    qsort(r->e, r->n, sizeof *r->e, cmp_entry);
    docs = malloc((r->n + 1) * sizeof *docs);
    if (docs == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < q->n; i++) {
        const char *qid = q->j[i].qid;
        struct eval_scores s;
        size_t lo = 0, hi = r->n, end, n_docs = 0;

        if (i > 0 && strcmp(qid, q->j[i - 1].qid) == 0)
            continue;
        if (!eval_qrels_has_relevant(q, qid))
            continue;
        while (lo < hi) {       /* the run's first entry for qid */
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(r->e[mid].qid, qid) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (end = lo; end < r->n && strcmp(r->e[end].qid, qid) == 0; end++)
            ;
        if (unique_docs(r->e + lo, end - lo, docs, &n_docs) != TL_OK) {
            free(docs);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        eval_query(q, qid, docs, n_docs, &s);
        if (fn != NULL)
            fn(ctx, qid, &s);
        means_out->ndcg10 += s.ndcg10;
        means_out->map += s.map;
        means_out->recall100 += s.recall100;
        means_out->mrr10 += s.mrr10;
        n_q++;
    }
    free(docs);
    if (n_q > 0) {
        means_out->ndcg10 /= (double)n_q;
        means_out->map /= (double)n_q;
        means_out->recall100 /= (double)n_q;
        means_out->mrr10 /= (double)n_q;
    }
    *n_queries_out = n_q;
    return TL_OK;
}
