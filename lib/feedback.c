/*
 * feedback.c - pseudo-relevance feedback (see feedback.h).
 *
 * The first search is talaash's (one passage per article, the ranking in
 * force); each feedback passage (its text and its article's title) is
 * tokenized by the index's tokenizer, so the words counted are the
 * index's stems, and each stem keeps the first spelling seen, which is
 * what the expanded query searches for.
 *
 *   RM3:  p(t|R) = sum over passages d of  s(d) / sum s * tf(t, d) / |d|
 *         (s: the first search's score), the best `terms` normalised to
 *         sum 1; q(t) = (1 - lambda) p(t|R), and lambda / |Q| for each
 *         original phrase.
 *   Bo1:  w(t) = tf(t, R) log2((1 + Pn) / Pn) + log2(1 + Pn), Pn = F(t)
 *         / N (F: occurrences in the collection, N: passages); q(t) =
 *         (1 - lambda) / lambda * w(t) / max w, and 1 for the original.
 *
 * Stopwords, words without a letter and words in more than max_df of the
 * passages are never added.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"

struct term {
    char *stem, *word;      /* owned */
    double rm, tf;          /* RM3's p(t|R) share, Bo1's tf(t, R) */
    double doc_tf;          /* in the passage being read */
    double weight;
};

struct terms {
    struct term *t;
    size_t n, cap;
    size_t *slots;          /* index + 1, 0 empty */
    size_t n_slots;
    size_t *doc;            /* the terms of the passage being read */
    size_t n_doc, cap_doc;
    double doc_len;
    const char *text;       /* the text being tokenized */
    int oom;
};

void
tl_feedback_opts_init(struct tl_feedback_opts *fo)
{
    fo->method = TL_FEEDBACK_NONE;
    fo->docs = 10;
    fo->terms = 40;
    fo->orig_weight = 0.7;
    fo->max_df = 0.1;
    fo->rerank = 0;
    fo->mix = 1;
    fo->select = TL_PREDICT_NONE;
    fo->select_lo = -1e300;
    fo->select_hi = 1e300;
    fo->clarity_docs = 10;
    fo->base = NULL;
}

void
tl_feedback_opts_expand(struct tl_feedback_opts *fo)
{
    tl_feedback_opts_init(fo);
    fo->method = TL_FEEDBACK_BO1;
    fo->docs = 1;
    fo->terms = 40;
    fo->orig_weight = 0.85;
}

enum tl_status
tl_feedback_rank(sqlite3 *db, const struct tl_feedback *fb,
                 const struct tl_rank_params *base, struct tl_error *err)
{
    struct tl_rank_params p;

    if (base != NULL)
        p = *base;
    else
        tl_rank_params_init(&p);
    p.tail = fb->tail;
    p.n_tail = fb->n_tail;
    p.head_weight = fb->head_weight;
    return tl_rank_override(db, &p, err);
}

void
tl_feedback_init(struct tl_feedback *fb)
{
    memset(fb, 0, sizeof *fb);
    tl_buf_init(&fb->match, 0);
    tl_buf_init(&fb->words, 0);
    fb->head_weight = 1.0;
}

void
tl_feedback_release(struct tl_feedback *fb)
{
    if (fb == NULL)
        return;
    tl_buf_release(&fb->match);
    tl_buf_release(&fb->words);
    free(fb->tail);
    tl_feedback_init(fb);
}

static void
terms_release(struct terms *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        free(ts->t[i].stem);
        free(ts->t[i].word);
    }
    free(ts->t);
    free(ts->slots);
    free(ts->doc);
}

static size_t
hash(const char *s, size_t len)
{
    size_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int
grow_slots(struct terms *ts)
{
    size_t n = ts->n_slots != 0 ? ts->n_slots * 2 : 1024;
    size_t *slots = calloc(n, sizeof *slots);

    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < ts->n; i++) {
        size_t h = hash(ts->t[i].stem, strlen(ts->t[i].stem)) & (n - 1);
        while (slots[h] != 0)
            h = (h + 1) & (n - 1);
        slots[h] = i + 1;
    }
    free(ts->slots);
    ts->slots = slots;
    ts->n_slots = n;
    return 0;
}

/* The index of stem, added (with its spelling word) when new; -1 when
 * out of memory. */
static long
intern(struct terms *ts, const char *stem, size_t len, const char *word,
       size_t word_len)
{
    size_t h;
    struct term *t;

    if (2 * (ts->n + 1) > ts->n_slots && grow_slots(ts) != 0)
        return -1;
    for (h = hash(stem, len) & (ts->n_slots - 1); ts->slots[h] != 0;
         h = (h + 1) & (ts->n_slots - 1)) {
        const char *s = ts->t[ts->slots[h] - 1].stem;
        if (strlen(s) == len && memcmp(s, stem, len) == 0)
            return (long)ts->slots[h] - 1;
    }
    if (ts->n == ts->cap) {
        size_t cap = ts->cap != 0 ? ts->cap * 2 : 256;
        t = realloc(ts->t, cap * sizeof *t);
        if (t == NULL)
            return -1;
        ts->t = t;
        ts->cap = cap;
    }
    t = &ts->t[ts->n];
    memset(t, 0, sizeof *t);
    t->stem = strndup(stem, len);
    t->word = strndup(word, word_len);
    if (t->stem == NULL || t->word == NULL) {
        free(t->stem);
        free(t->word);
        return -1;
    }
    ts->slots[h] = ++ts->n;
    return (long)ts->n - 1;
}

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct terms *ts = ctx;
    long i = intern(ts, tok, (size_t)len, ts->text + start,
                    (size_t)(end - start));

    if (i < 0) {
        ts->oom = 1;
        return 1;
    }
    if (ts->t[i].doc_tf == 0) {
        if (ts->n_doc == ts->cap_doc) {
            size_t cap = ts->cap_doc != 0 ? ts->cap_doc * 2 : 256;
            size_t *d = realloc(ts->doc, cap * sizeof *d);
            if (d == NULL) {
                ts->oom = 1;
                return 1;
            }
            ts->doc = d;
            ts->cap_doc = cap;
        }
        ts->doc[ts->n_doc++] = (size_t)i;
    }
    ts->t[i].doc_tf += 1;
    ts->doc_len += 1;
    return 0;
}

/* Counts the words of one feedback passage (weight: its share of the
 * first search's scores). */
static enum tl_status
read_passage(sqlite3 *db, struct terms *ts, const char *text,
             const char *title, double share, struct tl_error *err)
{
    const char *parts[2] = { text, title };
    enum tl_status st = TL_OK;

    ts->n_doc = 0;
    ts->doc_len = 0;
    for (int k = 0; k < 2 && st == TL_OK; k++) {
        ts->text = parts[k];
        st = tl_tokenizer_each(db, parts[k], (int)strlen(parts[k]),
                               FTS5_TOKENIZE_DOCUMENT, on_token, ts,
                               err);
        if (st == TL_OK && ts->oom)
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < ts->n_doc; i++) {
        struct term *t = &ts->t[ts->doc[i]];
        if (ts->doc_len > 0)
            t->rm += share * t->doc_tf / ts->doc_len;
        t->tf += t->doc_tf;
        t->doc_tf = 0;
    }
    return st;
}

static int
has_letter(const char *s)
{
    for (; *s != '\0'; s++)
        if ((*s >= 'a' && *s <= 'z') || (unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

/* The number of passages holding stem and its occurrences, from the
 * index's vocabulary. */
static enum tl_status
vocab(sqlite3_stmt *st, const char *stem, double *df, double *cf,
      sqlite3 *db, struct tl_error *err)
{
    int rc;

    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, stem, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *df = *cf = 0;
    if (rc == SQLITE_ROW) {
        *df = sqlite3_column_double(st, 0);
        *cf = sqlite3_column_double(st, 1);
    } else if (rc != SQLITE_DONE) {
        return tl_error_db(err, db, "reading the vocabulary");
    }
    return TL_OK;
}

static int
cmp_weight_desc(const void *a, const void *b)
{
    const struct term *x = a, *y = b;

    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return strcmp(x->stem, y->stem);
}

/* The vocabulary of the index (fts5vocab, a temporary table) and the
 * statements that read it: *st a term's passages and occurrences (?1
 * the term), *count the passages, whose number goes to *n_rows (at least
 * 1).  An SQLite result code. */
static int
vocab_open(sqlite3 *db, sqlite3_stmt **st, sqlite3_stmt **count,
           double *n_rows)
{
    int rc = sqlite3_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS "
                              "temp.feedback_vocab USING fts5vocab(main, "
                              "'passages_fts', 'row')", NULL, NULL, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "SELECT doc, cnt FROM "
                                    "temp.feedback_vocab WHERE term = ?1",
                                -1, st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM passages", -1,
                                count, NULL);
    if (rc == SQLITE_OK && sqlite3_step(*count) == SQLITE_ROW)
        *n_rows = sqlite3_column_double(*count, 0);
    if (*n_rows < 1)
        *n_rows = 1;
    return rc;
}

/* Weighs every candidate word and sorts them best first; *clarity_out
 * (when not NULL) is the clarity of the passages read (Cronen-Townsend,
 * Zhou and Croft 2002): sum over their words t of p(t|R) log2(p(t|R) /
 * p(t|C)), p(t|R) RM3's (the passages' word distributions weighted by
 * score), p(t|C) = cf(t) / the collection's tokens. */
static enum tl_status
weigh(sqlite3 *db, struct terms *ts, const struct tl_feedback_opts *fo,
      double *clarity_out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL, *count = NULL, *tokens = NULL;
    enum tl_status rs = TL_OK;
    double n_rows = 1, n_tokens = 1, clarity = 0;

    if (vocab_open(db, &st, &count, &n_rows) != SQLITE_OK
        || (clarity_out != NULL
            && sqlite3_prepare_v2(db, "SELECT sum(cnt) FROM "
                                      "temp.feedback_vocab", -1, &tokens,
                                  NULL) != SQLITE_OK)) {
        rs = tl_error_db(err, db, "reading the vocabulary");
        goto out;
    }
    if (tokens != NULL && sqlite3_step(tokens) == SQLITE_ROW)
        n_tokens = sqlite3_column_double(tokens, 0);
    if (n_tokens < 1)
        n_tokens = 1;
    for (size_t i = 0; rs == TL_OK && i < ts->n; i++) {
        struct term *t = &ts->t[i];
        double df, cf, pn;
        int candidate;
        t->weight = 0;
        candidate = strlen(t->stem) >= 2 && has_letter(t->stem)
                    && !tl_rank_is_stopword(t->stem, strlen(t->stem));
        if (!candidate && clarity_out == NULL)
            continue;
        rs = vocab(st, t->stem, &df, &cf, db, err);
        if (rs == TL_OK && clarity_out != NULL && cf > 0 && t->rm > 0)
            clarity += t->rm * log2(t->rm * n_tokens / cf);
        if (!candidate || fo->method == TL_FEEDBACK_NONE)
            continue;
        if (rs != TL_OK || df / n_rows > fo->max_df || df < 1)
            continue;
        if (fo->method == TL_FEEDBACK_RM3) {
            t->weight = t->rm;
        } else {
            pn = cf / n_rows;
            t->weight = t->tf * log2((1 + pn) / pn) + log2(1 + pn);
        }
    }
    if (rs == TL_OK)
        qsort(ts->t, ts->n, sizeof *ts->t, cmp_weight_desc);
    if (clarity_out != NULL)
        *clarity_out = clarity;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(count);
    sqlite3_finalize(tokens);
    return rs;
}

/* Appends word as an FTS5 string: in double quotes, quotes doubled. */
static enum tl_status
append_quoted(struct tl_buf *b, const char *word)
{
    enum tl_status st = tl_buf_append(b, "\"", 1);

    for (const char *p = word; st == TL_OK && *p != '\0'; p++)
        st = tl_buf_append(b, p, *p == '"' ? 2 : 1);
    if (st == TL_OK)
        st = tl_buf_append(b, "\"", 1);
    return st;
}

/* Searches match (one passage per article, the ranking in force) and
 * reads the best `docs` passages into ts, each weighted by its share of
 * their scores; *n_out is how many were read. */
static enum tl_status
read_best(sqlite3 *db, const char *match, long docs,
          const struct tl_search_opts *base, struct terms *ts,
          size_t *n_out, struct tl_error *err)
{
    struct tl_search_opts so;
    struct tl_search *s = NULL;
    struct tl_hit hit;
    sqlite3_stmt *text = NULL;
    enum tl_status st;
    double *scores = NULL, total = 0;
    char **texts = NULL, **titles = NULL;
    size_t n_fb = 0;
    int done = 0;

    *n_out = 0;
    scores = calloc((size_t)docs, sizeof *scores);
    texts = calloc((size_t)docs, sizeof *texts);
    titles = calloc((size_t)docs, sizeof *titles);
    if (scores == NULL || texts == NULL || titles == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(db, "SELECT text FROM passage_texts WHERE id = ?1",
                           -1, &text, NULL) != SQLITE_OK) {
        st = tl_error_db(err, db, "reading passages");
        goto out;
    }
    /* the passages, kept (the search's strings do not outlive the next
     * row) */
    if (base != NULL)
        so = *base;
    else
        tl_search_opts_init(&so);
    so.match = match;
    so.per_article = 1;
    so.limit = docs;
    so.offset = 0;
    so.sort = TL_SORT_RANK;
    st = tl_search_new(db, &so, &s, err);
    while (st == TL_OK && n_fb < (size_t)docs) {
        st = tl_search_next(s, &hit, &done, err);
        if (st != TL_OK || done)
            break;
        sqlite3_reset(text);
        sqlite3_bind_int64(text, 1, hit.passage_id);
        if (sqlite3_step(text) != SQLITE_ROW) {
            st = tl_error_db(err, db, "reading passages");
            break;
        }
        texts[n_fb] = strdup((const char *)sqlite3_column_text(text, 0));
        titles[n_fb] = strdup(hit.title);
        scores[n_fb] = hit.score > 0 ? hit.score : 0;
        total += scores[n_fb];
        if (texts[n_fb++] == NULL || titles[n_fb - 1] == NULL)
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    tl_search_free(s);
    for (size_t i = 0; st == TL_OK && i < n_fb; i++)
        st = read_passage(db, ts, texts[i], titles[i],
                          total > 0 ? scores[i] / total : 1.0 / (double)n_fb,
                          err);
    if (st == TL_OK)
        *n_out = n_fb;
out:
    sqlite3_finalize(text);
    for (size_t i = 0; i < n_fb; i++) {
        free(texts[i]);
        free(titles[i]);
    }
    free(texts);
    free(titles);
    free(scores);
    return st;
}

enum tl_status
tl_feedback_expand(sqlite3 *db, const char *match, size_t n_query,
                const struct tl_feedback_opts *fo, struct tl_feedback *fb,
                struct tl_error *err)
{
    struct terms ts;
    enum tl_status st;
    double total, max_w;
    size_t n_fb = 0, k;

    memset(&ts, 0, sizeof ts);
    tl_feedback_release(fb);
    st = tl_buf_append(&fb->match, match, strlen(match));
    if (st != TL_OK || fo->method == TL_FEEDBACK_NONE || fo->docs <= 0)
        return st == TL_OK ? TL_OK
                           : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    st = read_best(db, match, fo->docs, fo->base, &ts, &n_fb, err);
    if (st != TL_OK || n_fb == 0)
        goto out;
    st = weigh(db, &ts, fo, NULL, err);
    if (st != TL_OK)
        goto out;
    for (k = 0; k < ts.n && k < (size_t)fo->terms && ts.t[k].weight > 0; k++)
        ;
    if (k == 0)
        goto out;
    fb->tail = calloc(k, sizeof *fb->tail);
    if (fb->tail == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* the expanded expression and the weights */
    tl_buf_reset(&fb->match);
    st = tl_buf_appendf(&fb->match, "(%s)", match);
    total = 0;
    max_w = ts.t[0].weight;
    for (size_t i = 0; i < k; i++)
        total += ts.t[i].weight;
    for (size_t i = 0; st == TL_OK && i < k; i++) {
        st = tl_buf_append(&fb->match, " OR ", 4);
        if (st == TL_OK)
            st = append_quoted(&fb->match, ts.t[i].word);
        if (st == TL_OK)
            st = tl_buf_appendf(&fb->words, "%s%s", i > 0 ? " " : "",
                                ts.t[i].word);
        if (fo->method == TL_FEEDBACK_RM3)
            fb->tail[i] = (1 - fo->orig_weight) * ts.t[i].weight / total;
        else
            fb->tail[i] = (1 - fo->orig_weight) / fo->orig_weight
                          * ts.t[i].weight / max_w;
    }
    if (st != TL_OK) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    fb->n_tail = k;
    fb->head_weight = fo->method == TL_FEEDBACK_RM3
                          ? fo->orig_weight
                                / (double)(n_query > 0 ? n_query : 1)
                          : 1.0;
out:
    terms_release(&ts);
    if (st != TL_OK)
        tl_feedback_release(fb);
    return st;
}

enum tl_status
tl_feedback_clarity(sqlite3 *db, const char *match, long docs,
                 double *clarity_out, struct tl_error *err)
{
    struct tl_feedback_opts none;
    struct terms ts;
    enum tl_status st;
    size_t n_fb = 0;

    memset(&ts, 0, sizeof ts);
    tl_feedback_opts_init(&none);
    *clarity_out = 0;
    st = read_best(db, match, docs > 0 ? docs : 1, NULL, &ts, &n_fb, err);
    if (st == TL_OK && n_fb > 0)
        st = weigh(db, &ts, &none, clarity_out, err);
    terms_release(&ts);
    return st;
}

static int
on_query_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct tl_buf *stems = ctx;

    (void)start;
    (void)end;
    if (tl_rank_is_stopword(tok, (size_t)len))
        return 0;
    return tl_buf_append(stems, tok, (size_t)len) != TL_OK
           || tl_buf_append(stems, "", 1) != TL_OK;
}

enum tl_status
tl_feedback_query_idf(sqlite3 *db, char *const *words, size_t n_words,
                   double *avg_out, double *max_out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL, *count = NULL;
    struct tl_buf stems;
    enum tl_status rs = TL_OK;
    double n_rows = 1, sum = 0, n = 0;

    *avg_out = *max_out = 0;
    tl_buf_init(&stems, 0);
    if (vocab_open(db, &st, &count, &n_rows) != SQLITE_OK) {
        rs = tl_error_db(err, db, "reading the vocabulary");
        goto out;
    }
    for (size_t i = 0; rs == TL_OK && i < n_words; i++)
        rs = tl_tokenizer_each(db, words[i], (int)strlen(words[i]),
                               FTS5_TOKENIZE_QUERY, on_query_token, &stems,
                               err);
    for (size_t off = 0; rs == TL_OK && off < stems.len;) {
        const char *stem = stems.data + off;
        double df, cf, idf;
        off += strlen(stem) + 1;
        rs = vocab(st, stem, &df, &cf, db, err);
        if (rs != TL_OK || df < 1)
            continue;
        /* idf(t) / idf of a word in one passage */
        idf = log(1 + (n_rows - df + 0.5) / (df + 0.5))
              / log(1 + (n_rows - 0.5) / 1.5);
        sum += idf;
        n += 1;
        if (idf > *max_out)
            *max_out = idf;
    }
    if (n > 0)
        *avg_out = sum / n;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(count);
    tl_buf_release(&stems);
    return rs;
}
