/*
 * harness.c - the relevance benchmark's run (see harness.h).
 *
 * Each document becomes an article the way talaash-index makes one: a
 * struct tl_article holding the text (format text, path = the document
 * id), the title given as --metadata would give it, then
 * tl_ingest_article() and tl_store_put() in batches.  Each query goes
 * through tl_query_parse(TL_QUERY_ANY) with the built-in synonyms, as
 * `talaash --any` does, and tl_articles_new(): the articles in the order
 * of their best passages (`talaash --any --articles`) are the ranking.
 * (--passages takes the hits of tl_search_new() with one passage per
 * article instead: the same order, but each hit is highlighted, which
 * costs ~0.8 ms a hit.)
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval.h"
#include "harness.h"
#include "jsonl.h"

#define BATCH_ARTICLES 256
#define MAX_RULES 32
#define RUN_TAG "talaash"

/* The published figures SOURCE.md cites for each collection. */
static const struct reference {
    const char *collection, *metric, *system;
    double value;
} references[] = {
    { "scifact", "nDCG@10", "Anserini BM25 flat", 0.6789 },
    { "vaswani", "MAP", "Terrier BM25", 0.2965 },
};

void
harness_options_init(struct harness_options *o)
{
    memset(o, 0, sizeof *o);
    o->hits = 1000;
    tl_feedback_opts_init(&o->feedback);
}

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- indexing -------------------------------------------------------- */

/* What the pipeline did to the documents. */
struct report {
    size_t docs, passages, empty, changed, titles, authors, dates;
    double chars_in, chars_kept;
    const char *rules[MAX_RULES];
    size_t rule_docs[MAX_RULES];
    size_t n_rules;
};

struct loader {
    const struct harness_options *o;
    sqlite3 *db;
    struct tl_store *store;
    struct report rep;
    char **ids;             /* the documents indexed */
    size_t n_ids, cap_ids;
    int in_txn, pending;
    enum tl_status st;
    struct tl_error err;
};

/* Word characters: what the comparison of input and passages looks at
 * (spacing and punctuation changes are not losses). */
static int
is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
           || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* FNV-1a over the word bytes of text, continuing from h; counts them. */
static uint64_t
word_hash(uint64_t h, const char *text, size_t len, double *count)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!is_word_byte(c))
            continue;
        h = (h ^ c) * 1099511628211ULL;
        *count += 1;
    }
    return h;
}

static void
note_rule(struct report *r, const char *rule)
{
    size_t i;

    for (i = 0; i < r->n_rules; i++)
        if (strcmp(r->rules[i], rule) == 0)
            break;
    if (i == r->n_rules) {
        if (r->n_rules == MAX_RULES)
            return;
        r->rules[r->n_rules++] = rule;
    }
    r->rule_docs[i]++;
}

/* Compares what the pipeline kept with the document. */
static void
inspect(struct loader *l, const char *id, const char *text,
        const struct tl_ingest *in)
{
    struct report *r = &l->rep;
    uint64_t h_in = 1469598103934665603ULL, h_kept = h_in;
    double n_in = 0, n_kept = 0;
    const char *seen[MAX_RULES];
    size_t n_seen = 0;

    r->docs++;
    r->passages += in->n_passages;
    h_in = word_hash(h_in, text, strlen(text), &n_in);
    for (size_t i = 0; i < in->n_passages; i++)
        h_kept = word_hash(h_kept, in->text.data + in->passages[i].start,
                           in->passages[i].end - in->passages[i].start,
                           &n_kept);
    r->chars_in += n_in;
    r->chars_kept += n_kept;
    if (in->n_passages == 0)
        r->empty++;
    if (h_in != h_kept)
        r->changed++;
    for (size_t i = 0; i < in->doc.n_blocks; i++) {
        const char *rule = in->doc.blocks[i].drop;
        size_t k;
        if (rule == NULL)
            continue;
        for (k = 0; k < n_seen && strcmp(seen[k], rule) != 0; k++)
            ;
        if (k == n_seen && n_seen < MAX_RULES) {
            seen[n_seen++] = rule;
            note_rule(r, rule);
        }
    }
    if (in->meta.title_src == TL_SRC_HEADING)
        r->titles++;
    if (in->meta.author != NULL)
        r->authors++;
    if (in->meta.date.precision != TL_DATE_NONE)
        r->dates++;
    if (l->o->verbose && (h_in != h_kept || in->meta.author != NULL
                          || in->meta.title_src == TL_SRC_HEADING))
        tl_cli_info("document %s: %zu passages, %.0f of %.0f word "
                    "characters kept%s%s%s%s", id, in->n_passages, n_kept,
                    n_in, n_seen > 0 ? ", dropped: " : "",
                    n_seen > 0 ? seen[0] : "",
                    in->meta.title_src == TL_SRC_HEADING ? ", title found"
                                                         : "",
                    in->meta.author != NULL ? ", author found" : "");
}

static enum tl_status
remember_id(struct loader *l, const char *id)
{
    if (l->n_ids == l->cap_ids) {
        size_t cap = l->cap_ids != 0 ? l->cap_ids * 2 : 1024;
        char **p = realloc(l->ids, cap * sizeof *p);
        if (p == NULL)
            return tl_error_set(&l->err, TL_ERR_NOMEM, "out of memory");
        l->ids = p;
        l->cap_ids = cap;
    }
    l->ids[l->n_ids] = strdup(id);
    if (l->ids[l->n_ids] == NULL)
        return tl_error_set(&l->err, TL_ERR_NOMEM, "out of memory");
    l->n_ids++;
    return TL_OK;
}

/* One document: ingest and store it.  Returns non-zero to stop. */
static int
load_doc(void *ctx, size_t lineno, char **values)
{
    struct loader *l = ctx;
    const char *id = values[0], *title = values[1], *text = values[2];
    struct tl_manifest_entry manifest = { title, NULL, NULL, NULL };
    struct tl_article a;
    struct tl_ingest in;
    enum tl_status st;

    if (l->o->docs > 0 && l->n_ids >= (size_t)l->o->docs)
        return 1;
    if (id == NULL || text == NULL) {
        l->st = tl_error_set(&l->err, TL_ERR_INPUT, "line %zu: a document "
                             "needs \"id\" and \"text\"", lineno);
        return 1;
    }
    tl_article_init(&a);
    tl_ingest_init(&in);
    a.path = strdup(id);
    a.format = TL_FORMAT_TEXT;
    a.size = (int64_t)strlen(text);
    memset(a.hash, 0, sizeof a.hash);   /* a distinct hash per document */
    memcpy(a.hash, &l->n_ids, sizeof l->n_ids);
    st = a.path == NULL ? TL_ERR_NOMEM
                        : tl_buf_append(&a.text, text, strlen(text));
    if (st != TL_OK) {
        st = tl_error_set(&l->err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    st = tl_ingest_article(l->db, NULL, &manifest, &a, &in, &l->err);
    if (st == TL_ERR_INPUT) {       /* as talaash-index: skipped */
        tl_cli_warn("document %s: %s", id, l->err.msg);
        st = TL_OK;
        goto out;
    }
    if (st != TL_OK)
        goto out;
    inspect(l, id, text, &in);
    if (!l->in_txn) {
        st = tl_store_begin(l->store, &l->err);
        if (st != TL_OK)
            goto out;
        l->in_txn = 1;
    }
    st = tl_store_put(l->store, &a, &in, NULL, &l->err);
    if (st == TL_OK)
        st = remember_id(l, id);
    if (st == TL_OK && ++l->pending >= BATCH_ARTICLES) {
        l->in_txn = 0;
        l->pending = 0;
        st = tl_store_commit(l->store, &l->err);
    }
out:
    tl_article_release(&a);
    tl_ingest_release(&in);
    l->st = st;
    return st != TL_OK;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
indexed(void *ctx, const char *doc)
{
    const struct loader *l = ctx;

    return bsearch(&doc, l->ids, l->n_ids, sizeof *l->ids, cmp_str) != NULL;
}

static void
print_report(const struct loader *l, const char *name)
{
    const struct report *r = &l->rep;
    struct tl_buf rules;

    tl_buf_init(&rules, 0);
    for (size_t i = 0; i < r->n_rules; i++)
        tl_buf_appendf(&rules, "%s%s %zu", i > 0 ? ", " : "", r->rules[i],
                       r->rule_docs[i]);
    tl_cli_info("%s: %zu documents, %zu passages; %zu with no passage, %zu "
                "changed (%.2f%% of word characters lost); titles found in "
                "the text %zu, authors %zu, dates %zu; documents with "
                "dropped blocks: %s", name, r->docs, r->passages, r->empty,
                r->changed, r->chars_in > 0
                    ? 100.0 * (1.0 - r->chars_kept / r->chars_in) : 0.0,
                r->titles, r->authors, r->dates,
                rules.len > 0 ? rules.data : "none");
    tl_buf_release(&rules);
}

/* ---- queries --------------------------------------------------------- */

struct query {
    char *qid, *text;
};

struct queries {
    struct query *q;
    size_t n, cap;
};

static void
queries_release(struct queries *qs)
{
    for (size_t i = 0; i < qs->n; i++) {
        free(qs->q[i].qid);
        free(qs->q[i].text);
    }
    free(qs->q);
    memset(qs, 0, sizeof *qs);
}

/* queries.tsv: "qid TAB text" per line. */
static enum tl_status
load_queries(const char *path, struct queries *qs, struct tl_error *err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    enum tl_status st = TL_OK;
    ssize_t got;

    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot open '%s': %s", path,
                            strerror(errno));
    while ((got = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)got;
        char *tab;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        tab = strchr(line, '\t');
        if (tab == NULL || tab == line) {
            st = tl_error_set(err, TL_ERR_INPUT, "%s:%zu: expected \"query "
                              "id<TAB>text\"", path, lineno);
            break;
        }
        if (qs->n == qs->cap) {
            size_t ncap = qs->cap != 0 ? qs->cap * 2 : 64;
            struct query *p = realloc(qs->q, ncap * sizeof *p);
            if (p == NULL) {
                st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                break;
            }
            qs->q = p;
            qs->cap = ncap;
        }
        qs->q[qs->n].qid = strndup(line, (size_t)(tab - line));
        qs->q[qs->n].text = strdup(tab + 1);
        qs->n++;
        if (qs->q[qs->n - 1].qid == NULL || qs->q[qs->n - 1].text == NULL) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            break;
        }
    }
    if (st == TL_OK && ferror(f))
        st = tl_error_set(err, TL_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
    free(line);
    fclose(f);
    return st;
}

/* The text given to the query parser: the collection's text with ASCII
 * letters lower-cased, so that the capitals of a query written in upper
 * case (Vaswani's) are not read as the operators AND, OR, NOT, NEAR.
 * The tokenizer folds case anyway, so nothing else changes. */
static void
query_text(const struct harness_options *o, const char *text,
           struct tl_buf *out)
{
    tl_buf_reset(out);
    tl_buf_append(out, text, strlen(text));
    if (o->raw_queries)
        return;
    for (size_t i = 0; i < out->len; i++)
        if (out->data[i] >= 'A' && out->data[i] <= 'Z')
            out->data[i] = (char)(out->data[i] + 32);
}

static int
count_token(void *ctx, const char *tok, int len, int start, int end)
{
    (void)start;
    (void)end;
    if (!tl_rank_is_stopword(tok, (size_t)len))
        ++*(size_t *)ctx;
    return 0;
}

/* The number of words of q, stopwords aside (a phrase is one). */
static size_t
query_words(sqlite3 *db, const struct tl_query *q)
{
    size_t n = 0;

    for (size_t i = 0; i < q->n_words; i++) {
        size_t k = 0;
        tl_tokenizer_each(db, q->words[i], (int)strlen(q->words[i]),
                          FTS5_TOKENIZE_QUERY, count_token, &k, NULL);
        n += k > 0;
    }
    return n;
}

/* A token of the query text, for its ordered bigrams. */
struct qtoken {
    int start, end, stop;
};

struct qtokens {
    struct qtoken t[256];
    size_t n;
};

static int
on_qtoken(void *ctx, const char *tok, int len, int start, int end)
{
    struct qtokens *qt = ctx;

    if (qt->n == sizeof qt->t / sizeof *qt->t)
        return 0;
    qt->t[qt->n].start = start;
    qt->t[qt->n].end = end;
    qt->t[qt->n].stop = tl_rank_is_stopword(tok, (size_t)len);
    qt->n++;
    return 0;
}

/* Ranks with o's parameters and fb's weights (the original phrases
 * fb->head_weight, the added ones fb->tail). */
static enum tl_status
override_tail(sqlite3 *db, const struct harness_options *o,
              const struct tl_feedback *fb, struct tl_error *err)
{
    return tl_feedback_rank(db, fb, o->rank, err);
}

/* The sequential-dependence style ordered bigrams of the query text
 * (Metzler and Croft 2005): each two words next to each other once
 * stopwords are set aside (at most two of them between), searched as the
 * phrase the text has there (stopwords included), added to match with
 * weight o->bigrams each; fb gets the expression and the weights. */
static enum tl_status
add_bigrams(sqlite3 *db, const struct harness_options *o, const char *text,
            const char *match, struct tl_feedback *fb, struct tl_error *err)
{
    struct qtokens qt;
    enum tl_status st;
    size_t n = 0;
    double *w;

    qt.n = 0;
    tl_feedback_release(fb);
    st = tl_tokenizer_each(db, text, (int)strlen(text), FTS5_TOKENIZE_QUERY,
                           on_qtoken, &qt, err);
    if (st == TL_OK)
        st = tl_buf_appendf(&fb->match, "(%s)", match);
    w = calloc(qt.n + 1, sizeof *w);
    if (st == TL_OK && w == NULL)
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == TL_OK && i < qt.n; i++) {
        size_t j;
        if (qt.t[i].stop)
            continue;
        for (j = i + 1; j < qt.n && qt.t[j].stop; j++)
            ;
        if (j == qt.n || j - i > 3)
            continue;
        st = tl_buf_append(&fb->match, " OR \"", 5);
        for (int c = qt.t[i].start; st == TL_OK && c < qt.t[j].end; c++)
            st = tl_buf_append(&fb->match, text + c, text[c] == '"' ? 2 : 1);
        if (st == TL_OK)
            st = tl_buf_append(&fb->match, "\"", 1);
        w[n++] = o->bigrams;
    }
    if (st != TL_OK || n == 0) {
        free(w);
        tl_feedback_release(fb);
        if (st == TL_OK)
            st = tl_buf_append(&fb->match, match, strlen(match));
        return st;
    }
    fb->tail = w;
    fb->n_tail = n;
    fb->head_weight = 1;
    if (o->verbose)
        tl_cli_info("bigrams: %s", fb->match.data);
    return override_tail(db, o, fb, err);
}

/* Expands q's match by pseudo-relevance feedback and sets the ranking's
 * weights for it; fb->match is then the expression to search. */
static enum tl_status
expand(sqlite3 *db, const struct harness_options *o, const struct tl_query *q,
       struct tl_feedback *fb, struct tl_error *err)
{
    enum tl_status st;

    st = tl_feedback_expand(db, q->match, query_words(db, q), &o->feedback,
                         fb, err);
    if (st != TL_OK || fb->n_tail == 0)
        return st;
    if (o->verbose) {
        struct tl_buf w;
        tl_buf_init(&w, 0);
        for (size_t i = 0; i < fb->n_tail; i++)
            tl_buf_appendf(&w, " %.3f", fb->tail[i]);
        tl_cli_info("feedback: %s (original %.3f, added%s)", fb->match.data,
                    fb->head_weight, w.data);
        tl_buf_release(&w);
    }
    return override_tail(db, o, fb, err);
}

struct collection_result {
    struct eval_scores means;
    size_t n_queries, refused, unanswered, expanded;
    double index_s, query_s;
};

/* Adds the document at rank n to run, and to the file f (when not NULL):
 * the score as written is the score scored. */
static enum tl_status
add_hit(const char *qid, const char *doc, double score, long n,
        struct eval_run *run, FILE *f, struct tl_error *err)
{
    char text[64];

    snprintf(text, sizeof text, "%.9g", score);
    if (f != NULL && fprintf(f, "%s Q0 %s %ld %s %s\n", qid, doc, n, text,
                             RUN_TAG) < 0)
        return tl_error_set(err, TL_ERR_IO, "cannot write the run: %s",
                            strerror(errno));
    return eval_run_add(run, qid, doc, strtod(text, NULL), err);
}

/* One search's ranking: articles (their paths, owned) best first. */
struct ranked {
    char *doc;
    double score;
    double other;       /* the other search's score (combining) */
    size_t pos;         /* rank in the first search */
};

struct ranking {
    struct ranked *r;
    size_t n, cap;
};

static void
ranking_release(struct ranking *rk)
{
    for (size_t i = 0; i < rk->n; i++)
        free(rk->r[i].doc);
    free(rk->r);
    memset(rk, 0, sizeof *rk);
}

static enum tl_status
ranking_add(struct ranking *rk, const char *doc, double score,
            struct tl_error *err)
{
    if (rk->n == rk->cap) {
        size_t cap = rk->cap != 0 ? rk->cap * 2 : 256;
        struct ranked *p = realloc(rk->r, cap * sizeof *p);
        if (p == NULL)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        rk->r = p;
        rk->cap = cap;
    }
    rk->r[rk->n].doc = strdup(doc);
    if (rk->r[rk->n].doc == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    rk->r[rk->n].score = score;
    rk->r[rk->n].other = 0;
    rk->r[rk->n].pos = rk->n;
    rk->n++;
    return TL_OK;
}

/* Searches match with the ranking in force (articles ranked by their best
 * passage, as talaash --articles lists them; with o->passages, the hits
 * of talaash --per-article 1) into rk. */
static enum tl_status
search_ranking(sqlite3 *db, const struct harness_options *o,
               const char *match, struct ranking *rk, struct tl_error *err)
{
    struct tl_search_opts so;
    enum tl_status st;
    int done = 0;

    tl_search_opts_init(&so);
    so.match = match;
    so.per_article = 1;
    so.limit = o->hits;
    if (o->passages) {
        struct tl_search *s = NULL;
        struct tl_hit hit;
        st = tl_search_new(db, &so, &s, err);
        while (st == TL_OK) {
            st = tl_search_next(s, &hit, &done, err);
            if (st != TL_OK || done)
                break;
            st = ranking_add(rk, hit.path, hit.score, err);
        }
        tl_search_free(s);
    } else {
        struct tl_articles *a = NULL;
        struct tl_article_row row;
        st = tl_articles_new(db, &so, &a, err);
        while (st == TL_OK) {
            st = tl_articles_next(a, &row, &done, err);
            if (st != TL_OK || done)
                break;
            st = ranking_add(rk, row.path, row.score, err);
        }
        tl_articles_free(a);
    }
    return st;
}

static int
cmp_doc(const void *a, const void *b)
{
    return strcmp(((const struct ranked *)a)->doc,
                  ((const struct ranked *)b)->doc);
}

/* Best first as the scorer orders a run: score, then document id
 * descending. */
static int
cmp_score(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return -strcmp(x->doc, y->doc);
}

/* By the expanded score (other), then the first search's rank. */
static int
cmp_other(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->other != y->other)
        return x->other > y->other ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The score of doc in by_doc (sorted by document), or -1. */
static double
score_of(const struct ranking *by_doc, const char *doc)
{
    struct ranked key = { 0 };
    const struct ranked *hit;

    key.doc = (char *)doc;
    hit = bsearch(&key, by_doc->r, by_doc->n, sizeof *by_doc->r, cmp_doc);
    return hit != NULL ? hit->score : -1;
}

static double
max_score(const struct ranking *rk)
{
    double m = 0;

    for (size_t i = 0; i < rk->n; i++)
        if (rk->r[i].score > m)
            m = rk->r[i].score;
    return m > 0 ? m : 1;
}

/* Combines the first search r0 with the expanded one r1 (sorted by
 * document on return) as fo says, into r0: with fo->rerank N, r1's
 * scores order r0's best N (scores become N + 1 - rank over there, so
 * the order is the scorer's); with fo->mix < 1, CombSUM of the scores
 * normalised by each search's best; else r1 replaces r0. */
static enum tl_status
combine(struct ranking *r0, struct ranking *r1, const struct tl_feedback_opts *fo,
        long hits, struct tl_error *err)
{
    enum tl_status st = TL_OK;

    if (fo->rerank <= 0 && fo->mix >= 1) {
        struct ranking t = *r0;
        *r0 = *r1;
        *r1 = t;
        return TL_OK;
    }
    qsort(r1->r, r1->n, sizeof *r1->r, cmp_doc);
    if (fo->rerank > 0) {
        size_t top = r0->n < (size_t)fo->rerank ? r0->n : (size_t)fo->rerank;
        for (size_t i = 0; i < top; i++)
            r0->r[i].other = score_of(r1, r0->r[i].doc);
        qsort(r0->r, top, sizeof *r0->r, cmp_other);
        for (size_t i = 0; i < r0->n; i++)
            r0->r[i].score = (double)(r0->n - i);
        return TL_OK;
    }
    {
        double m0 = max_score(r0), m1 = max_score(r1);
        size_t n0 = r0->n;
        for (size_t i = 0; i < n0; i++) {
            double s1 = score_of(r1, r0->r[i].doc);
            r0->r[i].score = (1 - fo->mix) * r0->r[i].score / m0
                             + (s1 > 0 ? fo->mix * s1 / m1 : 0);
        }
        /* the expanded search's documents the first did not find */
        qsort(r0->r, n0, sizeof *r0->r, cmp_doc);
        for (size_t i = 0; st == TL_OK && i < r1->n; i++) {
            struct ranked key = r1->r[i];
            if (bsearch(&key, r0->r, n0, sizeof *r0->r, cmp_doc) == NULL)
                st = ranking_add(r0, key.doc, fo->mix * key.score / m1, err);
        }
        qsort(r0->r, r0->n, sizeof *r0->r, cmp_score);
        while (r0->n > (size_t)hits)
            free(r0->r[--r0->n].doc);
    }
    return st;
}

/* Score-based predictors of the first search: NQC (standard deviation
 * over mean of the best 100) and the gap 1 - s10 / s1. */
static void
score_predictors(const struct ranking *rk, double *pred)
{
    size_t k = rk->n < 100 ? rk->n : 100;
    double mean = 0, var = 0;

    for (size_t i = 0; i < k; i++)
        mean += rk->r[i].score;
    if (k > 0)
        mean /= (double)k;
    for (size_t i = 0; i < k; i++)
        var += (rk->r[i].score - mean) * (rk->r[i].score - mean);
    pred[TL_PREDICT_NQC] = k > 1 && mean > 0 ? sqrt(var / (double)k) / mean
                                          : 0;
    pred[TL_PREDICT_GAP] = rk->n >= 10 && rk->r[0].score > 0
                            ? 1 - rk->r[9].score / rk->r[0].score
                            : 0;
}

static int
in_range(const struct tl_feedback_opts *fo, double v)
{
    return v >= fo->select_lo && v <= fo->select_hi;
}

/* Runs one query, with feedback if asked for (selectively, if asked for)
 * and adds its ranking to run and f (and its predictors to pf). */
static enum tl_status
run_query(sqlite3 *db, const struct harness_options *o,
          const struct tl_synonyms *syn, const struct query *qu,
          struct tl_buf *text, struct eval_run *run, FILE *f, FILE *pf,
          struct collection_result *res, struct tl_error *err)
{
    const struct tl_feedback_opts *fo = &o->feedback;
    struct ranking r0 = { 0 }, r1 = { 0 };
    double pred[TL_PREDICT_COUNT] = { 0 };
    struct tl_query q;
    struct tl_feedback fb;
    enum tl_status st;
    int want_fb, need_first, used_fb = 0, predict = pf != NULL;

    tl_query_init(&q);
    tl_feedback_init(&fb);
    query_text(o, qu->text, text);
    st = tl_query_parse(db, text->data, TL_QUERY_ANY, syn, &q, err);
    if (st == TL_ERR_QUERY || (st == TL_OK && q.match == NULL)) {
        res->refused++;
        res->unanswered++;
        if (!o->quiet)
            tl_cli_warn("query %s refused: %s", qu->qid,
                        st == TL_OK ? "no words" : err->msg);
        tl_query_release(&q);
        return TL_OK;
    }
    if (st == TL_OK && o->bigrams > 0)
        st = add_bigrams(db, o, text->data, q.match, &fb, err);
    /* the first search, unless feedback will replace it anyway */
    need_first = fo->method == TL_FEEDBACK_NONE || fo->select != TL_PREDICT_NONE
                 || predict || fo->rerank > 0 || fo->mix < 1;
    if (st == TL_OK && need_first)
        st = search_ranking(db, o, fb.n_tail > 0 ? fb.match.data : q.match,
                            &r0, err);
    if (st != TL_OK)
        goto out;
    /* the predictors asked for */
    if (predict || fo->select == TL_PREDICT_AVG_IDF
        || fo->select == TL_PREDICT_MAX_IDF)
        st = tl_feedback_query_idf(db, q.words, q.n_words,
                                &pred[TL_PREDICT_AVG_IDF],
                                &pred[TL_PREDICT_MAX_IDF], err);
    if (st == TL_OK && (predict || fo->select == TL_PREDICT_CLARITY
                        || fo->select == TL_PREDICT_CLARITY_GAIN))
        st = tl_feedback_clarity(db, fb.n_tail > 0 ? fb.match.data : q.match,
                              fo->clarity_docs, &pred[TL_PREDICT_CLARITY], err);
    score_predictors(&r0, pred);
    if (st != TL_OK)
        goto out;
    want_fb = fo->method != TL_FEEDBACK_NONE
              && (fo->select == TL_PREDICT_NONE
                  || fo->select == TL_PREDICT_CLARITY_GAIN
                  || in_range(fo, pred[fo->select]));
    if (want_fb)
        st = expand(db, o, &q, &fb, err);
    if (st == TL_OK && want_fb && fb.n_tail > 0) {
        st = search_ranking(db, o, fb.match.data, &r1, err);
        if (st == TL_OK && (predict || fo->select == TL_PREDICT_CLARITY_GAIN)) {
            double c1 = 0;
            st = tl_feedback_clarity(db, fb.match.data, fo->clarity_docs, &c1,
                                  err);
            pred[TL_PREDICT_CLARITY_GAIN] = c1 - pred[TL_PREDICT_CLARITY];
        }
        used_fb = st == TL_OK
                  && (fo->select != TL_PREDICT_CLARITY_GAIN
                      || in_range(fo, pred[TL_PREDICT_CLARITY_GAIN]));
    }
    if (st == TL_OK && used_fb) {
        res->expanded++;
        st = combine(&r0, &r1, fo, o->hits, err);
    } else if (st == TL_OK && !need_first) {   /* nothing to add */
        st = search_ranking(db, o, q.match, &r0, err);
    }
    for (size_t i = 0; st == TL_OK && i < r0.n; i++)
        st = add_hit(qu->qid, r0.r[i].doc, r0.r[i].score, (long)i + 1, run,
                     f, err);
    if (st == TL_OK && r0.n == 0)
        res->unanswered++;
    if (st == TL_OK && pf != NULL
        && fprintf(pf, "%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%d\n",
                   qu->qid, pred[TL_PREDICT_AVG_IDF], pred[TL_PREDICT_MAX_IDF],
                   pred[TL_PREDICT_CLARITY], pred[TL_PREDICT_CLARITY_GAIN],
                   pred[TL_PREDICT_NQC], pred[TL_PREDICT_GAP], used_fb) < 0)
        st = tl_error_set(err, TL_ERR_IO, "cannot write the predictors: %s",
                          strerror(errno));
out:
    if (st == TL_ERR_QUERY) {   /* FTS5 refused the expression */
        res->refused++;
        res->unanswered++;
        if (!o->quiet)
            tl_cli_warn("query %s refused: %s", qu->qid, err->msg);
        st = TL_OK;
    }
    if (st == TL_OK && (fb.n_tail > 0 || o->bigrams > 0))
        /* back to the plain ranking */
        st = tl_rank_override(db, o->rank, err);
    ranking_release(&r0);
    ranking_release(&r1);
    tl_feedback_release(&fb);
    tl_query_release(&q);
    return st;
}

static void
print_per_query(void *ctx, const char *qid, const struct eval_scores *s)
{
    (void)ctx;
    printf("  %s\t%.4f\t%.4f\t%.4f\t%.4f\n", qid, s->ndcg10, s->map,
           s->recall100, s->mrr10);
}

/* ---- a collection ---------------------------------------------------- */

static const char *
base_name(const char *dir, struct tl_buf *out)
{
    size_t len = strlen(dir);
    const char *p;

    while (len > 1 && dir[len - 1] == '/')
        len--;
    p = dir + len;
    while (p > dir && p[-1] != '/')
        p--;
    tl_buf_reset(out);
    tl_buf_append(out, p, len - (size_t)(p - dir));
    return out->data;
}

static enum tl_status
open_db(const struct harness_options *o, const char *name, sqlite3 **db,
        struct tl_error *err)
{
    struct tl_buf path;
    enum tl_status st;

    tl_buf_init(&path, 0);
    if (o->db_dir != NULL)
        st = tl_buf_appendf(&path, "%s/%s.db", o->db_dir, name);
    else
        st = tl_buf_appendf(&path, ":memory:");
    if (st != TL_OK)
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    else if (o->db_dir != NULL && remove(path.data) != 0 && errno != ENOENT)
        st = tl_error_set(err, TL_ERR_IO, "cannot remove '%s': %s",
                          path.data, strerror(errno));
    if (st == TL_OK && o->db_dir != NULL) {
        /* the WAL and shared-memory files of an old index too */
        tl_buf_append(&path, "-wal", 4);
        remove(path.data);
        path.len -= 4;
        tl_buf_append(&path, "-shm", 4);
        remove(path.data);
        path.len -= 4;
        path.data[path.len] = '\0';
    }
    if (st == TL_OK)
        st = tl_db_open(path.data, TL_DB_READWRITE, db, err);
    tl_buf_release(&path);
    return st;
}

static const struct reference *
reference_of(const char *name)
{
    for (size_t i = 0; i < sizeof references / sizeof *references; i++)
        if (strcmp(references[i].collection, name) == 0)
            return &references[i];
    return NULL;
}

static void
print_row(const char *name, const struct loader *l,
          const struct collection_result *r)
{
    const struct reference *ref = reference_of(name);
    char refbuf[96] = "-";

    if (ref != NULL)
        snprintf(refbuf, sizeof refbuf, "%s %.4f (%s)", ref->metric,
                 ref->value, ref->system);
    printf("| %s | %zu | %zu | %.4f | %.4f | %.4f | %.4f | %s | %.1f | "
           "%.1f |\n", name, l->n_ids, r->n_queries, r->means.ndcg10,
           r->means.map, r->means.recall100, r->means.mrr10, refbuf,
           r->index_s, r->n_queries > 0 ? 1000.0 * r->query_s
                                              / (double)r->n_queries : 0.0);
    fflush(stdout);
}

static enum tl_status
bench_collection(const struct harness_options *o, const char *dir,
                 struct tl_error *err)
{
    static const char *const keys[] = { "id", "title", "text", NULL };
    struct loader l;
    struct queries qs = { 0 };
    struct tl_synonyms *syn = NULL;
    struct eval_qrels *qrels = NULL;
    struct eval_run *run = NULL;
    struct collection_result res = { 0 };
    struct tl_buf path, name, text;
    FILE *f = NULL, *pf = NULL;
    enum tl_status st;
    double t0;

    memset(&l, 0, sizeof l);
    l.o = o;
    tl_buf_init(&path, 0);
    tl_buf_init(&name, 0);
    tl_buf_init(&text, 0);
    base_name(dir, &name);
    st = open_db(o, name.data, &l.db, err);
    if (st == TL_OK)
        st = tl_store_new(l.db, &l.store, err);
    if (st == TL_OK && o->rank != NULL)
        st = tl_rank_override(l.db, o->rank, err);
    if (st != TL_OK)
        goto out;

    /* index */
    t0 = now_seconds();
    tl_buf_appendf(&path, "%s/docs.jsonl", dir);
    st = jsonl_read_file(path.data, keys, load_doc, &l, err);
    if (st == TL_OK && l.st != TL_OK) {
        st = l.st;
        *err = l.err;
        if (strstr(err->msg, "docs.jsonl") == NULL) {
            char msg[TL_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", l.err.msg);
            tl_error_set(err, st, "%s: %s", path.data, msg);
        }
    }
    if (st == TL_OK && l.in_txn) {
        l.in_txn = 0;
        st = tl_store_commit(l.store, err);
    }
    if (st != TL_OK)
        goto out;
    res.index_s = now_seconds() - t0;
    qsort(l.ids, l.n_ids, sizeof *l.ids, cmp_str);
    for (size_t i = 1; i < l.n_ids; i++)
        if (strcmp(l.ids[i], l.ids[i - 1]) == 0) {
            st = tl_error_set(err, TL_ERR_INPUT, "%s: document id '%s' is "
                              "given twice", path.data, l.ids[i]);
            goto out;
        }
    if (!o->quiet)
        print_report(&l, name.data);

    /* judgements and queries */
    tl_buf_reset(&path);
    tl_buf_appendf(&path, "%s/qrels.tsv", dir);
    st = eval_qrels_load(path.data, &qrels, err);
    if (st != TL_OK)
        goto out;
    eval_qrels_filter(qrels, indexed, &l);
    tl_buf_reset(&path);
    tl_buf_appendf(&path, "%s/queries.tsv", dir);
    st = load_queries(path.data, &qs, err);
    if (st == TL_OK)
        st = tl_synonyms_parse(l.db, tl_default_synonyms,
                               strlen(tl_default_synonyms), NULL, &syn, err);
    if (st == TL_OK)
        st = eval_run_new(&run, err);
    if (st != TL_OK)
        goto out;
    if (o->run_dir != NULL) {
        /* the judgements scored (a slice's), beside the run */
        tl_buf_reset(&path);
        tl_buf_appendf(&path, "%s/%s.qrels", o->run_dir, name.data);
        st = eval_qrels_write(qrels, path.data, err);
        if (st != TL_OK)
            goto out;
        tl_buf_reset(&path);
        tl_buf_appendf(&path, "%s/%s.run", o->run_dir, name.data);
        f = fopen(path.data, "w");
        if (f == NULL) {
            st = tl_error_set(err, TL_ERR_IO, "cannot create '%s': %s",
                              path.data, strerror(errno));
            goto out;
        }
    }
    if (o->predict) {
        tl_buf_reset(&path);
        tl_buf_appendf(&path, "%s/%s.pred", o->run_dir, name.data);
        pf = fopen(path.data, "w");
        if (pf == NULL) {
            st = tl_error_set(err, TL_ERR_IO, "cannot create '%s': %s",
                              path.data, strerror(errno));
            goto out;
        }
        fputs("qid\tavg_idf\tmax_idf\tclarity\tclarity_gain\tnqc\tgap"
              "\texpanded\n", pf);
    }

    /* search */
    t0 = now_seconds();
    for (size_t i = 0; st == TL_OK && i < qs.n; i++) {
        if (!eval_qrels_has_relevant(qrels, qs.q[i].qid))
            continue;
        res.n_queries++;
        st = run_query(l.db, o, syn, &qs.q[i], &text, run, f, pf, &res,
                       err);
    }
    res.query_s = now_seconds() - t0;
    if (st != TL_OK)
        goto out;
    if (f != NULL) {
        int bad = ferror(f);
        bad |= fclose(f) != 0;
        f = NULL;
        if (bad) {
            st = tl_error_set(err, TL_ERR_IO, "cannot write the run of %s",
                              name.data);
            goto out;
        }
    }
    if (pf != NULL) {
        int bad = ferror(pf);
        bad |= fclose(pf) != 0;
        pf = NULL;
        if (bad) {
            st = tl_error_set(err, TL_ERR_IO, "cannot write '%s'",
                              path.data);
            goto out;
        }
    }
    if (o->per_query)
        printf("%s per query: qid, nDCG@10, MAP, R@100, MRR@10\n",
               name.data);
    st = eval_run_score(qrels, run, &res.means, &res.n_queries,
                        o->per_query ? print_per_query : NULL, NULL, err);
    if (st != TL_OK)
        goto out;
    if (!o->quiet && res.refused > 0)
        tl_cli_info("%s: %zu queries refused", name.data, res.refused);
    if (!o->quiet && o->feedback.method != TL_FEEDBACK_NONE)
        tl_cli_info("%s: feedback used for %zu of %zu queries", name.data,
                    res.expanded, res.n_queries);
    print_row(name.data, &l, &res);
out:
    if (f != NULL)
        fclose(f);
    if (pf != NULL)
        fclose(pf);
    if (l.in_txn)
        tl_store_rollback(l.store);
    eval_run_free(run);
    eval_qrels_free(qrels);
    tl_synonyms_free(syn);
    queries_release(&qs);
    for (size_t i = 0; i < l.n_ids; i++)
        free(l.ids[i]);
    free(l.ids);
    tl_store_free(l.store);
    tl_db_close(l.db);
    tl_buf_release(&path);
    tl_buf_release(&name);
    tl_buf_release(&text);
    return st;
}

/* Installs the words of path (separated by white space; '#' to the end
 * of a line is a comment) as the list which, or with extend beside its
 * built-in words (tl_rank_words_set()). */
static enum tl_status
load_words(const char *path, enum tl_rank_words which, int extend,
           struct tl_error *err)
{
    FILE *f = fopen(path, "r");
    struct tl_buf text;
    const char **words = NULL;
    size_t n = 0, cap = 0;
    enum tl_status st = TL_OK;
    char chunk[4096], *p;
    size_t got;

    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot open '%s': %s", path,
                            strerror(errno));
    tl_buf_init(&text, 0);
    while (st == TL_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = tl_buf_append(&text, chunk, got);
    if (st == TL_OK)
        st = tl_buf_append(&text, "", 0);   /* data not NULL when empty */
    if (st != TL_OK)
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    else if (ferror(f))
        st = tl_error_set(err, TL_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
    p = st == TL_OK ? text.data : "";
    while (*p != '\0') {
        size_t len = strcspn(p, " \t\r\n#");
        char end = p[len];
        if (len > 0) {
            if (n == cap) {
                size_t ncap = cap != 0 ? cap * 2 : 256;
                const char **w = realloc(words, ncap * sizeof *w);
                if (w == NULL) {
                    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                    break;
                }
                words = w;
                cap = ncap;
            }
            words[n++] = p;
            p[len] = '\0';
        }
        p += len + (end != '\0');
        if (end == '#')
            p += strcspn(p, "\n");
    }
    if (st == TL_OK && n == 0 && extend)
        st = tl_error_set(err, TL_ERR_INPUT, "no words in '%s'", path);
    if (st == TL_OK) {
        const char *none = NULL;
        st = tl_rank_words_set(which, words != NULL ? words : &none, n,
                               extend, err);
    }
    free(words);
    tl_buf_release(&text);
    fclose(f);
    return st;
}

int
harness_run(const struct harness_options *o, char *const *dirs,
            size_t n_dirs)
{
    struct tl_error err = { 0 };

    if ((o->stopwords != NULL
         && load_words(o->stopwords, TL_RANK_STOPWORDS, o->stopwords_extend,
                       &err) != TL_OK)
        || (o->weak_words != NULL
            && load_words(o->weak_words, TL_RANK_WEAK_WORDS,
                          o->weak_words_extend, &err) != TL_OK)) {
        tl_cli_error("%s", err.msg);
        return 2;
    }
    printf("| collection | docs | queries | nDCG@10 | MAP | R@100 | MRR@10 "
           "| reference | index s | ms/query |\n");
    printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    fflush(stdout);
    for (size_t i = 0; i < n_dirs; i++) {
        if (bench_collection(o, dirs[i], &err) != TL_OK) {
            tl_cli_error("%s", err.msg);
            return 2;
        }
    }
    return 0;
}
