/*
 * rank.c - tl_bm25(), the FTS5 auxiliary function that ranks passages
 * (the formula is in rank.h).
 *
 * Per query (FTS5 auxdata, made at the first row and freed with the
 * statement): the number of passages, each column's mean length, and for
 * each phrase its IDF, counted with xQueryPhrase as FTS5's bm25() does,
 * and its stem, read from the first passage holding it (so a one-word
 * phrase can be recognised as a stopword or a weak word: FTS5 3.40
 * cannot tell an auxiliary function a phrase's text).  Per row: one pass
 * over the row's phrase instances (xInst, in position order) gives the
 * frequencies per phrase and column and the proximity accumulators; the
 * column lengths come from the packed table (tl_rank_lengths(),
 * lib/lengths.h) where the caller set it, else from xColumnSize, which
 * tokenizes the row's text again (FTS5 keeps no lengths, schema 010).
 */
#ifdef TL_SQLITE_EXTENSION
/* also compiled into the loadable extension (ext/extension.c): SQLite is
 * then reached only through the extension API table, and the C API that
 * reports through struct tl_error is left out */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "rank.h"
#include "rank_conn.h"

struct rank_query;

/* Phrases whose df came from the impacts table (tl_rank_listed_df()). */
_Atomic long tl_rank_n_listed_df;
/* Rows whose lengths came from tl_rank_lengths(). */
_Atomic long tl_rank_n_lengths;
/* Queries that deferred their IDF (tl_rank_defer()). */
_Atomic long tl_rank_n_deferred;

/* One per query. */
struct rank_query {
    int n_phrase, n_col;
    int unit;               /* tl_rank_defer(): rows score tf', not BM25 */
    double n_rows;
    double avg_all;         /* mean passage length, all columns */
    double *avglen;         /* per column */
    double *idf;            /* per phrase, Lucene's */
    double *idf_classic;    /* per phrase, FTS5 bm25()'s */
    int *kind;              /* per phrase: its enum word_kind */
    int *qtf;               /* per phrase: phrases with its stems */
    int *word;              /* per phrase: the first phrase with its stems
                               (the same word, for proximity) */
    int qw_once;            /* tl_rank_query_new(): q(t) made once ... */
    int qw_done;            /* ... and made */
    int grouped;            /* qtf and word are for the first grouped
                               phrases (the query's own, feedback's
                               aside); -1: not yet */
    char (*stems)[TL_RANK_STEMS_MAX];   /* per phrase, "" when unknown */
    double *contrib;        /* per phrase: its share, per row (scratch) */
    double *freq;           /* n_phrase x n_col, per row (scratch) */
    double *acc;            /* per phrase: proximity, per row (scratch) */
    double *qw;             /* per phrase: q(t), per row (scratch) */
    double *norm;           /* per column, per row (scratch) */
};

void
tl_rank_params_init(struct tl_rank_params *p)
{
    memset(p, 0, sizeof *p);
    p->k1 = TL_RANK_K1;
    p->b = TL_RANK_B;
    p->w[0] = TL_RANK_W_BODY;
    p->w[1] = TL_RANK_W_TITLE;
    p->w[2] = TL_RANK_W_AUTHOR;
    p->stopword_weight = TL_RANK_STOPWORD_WEIGHT;
    p->weak_weight = TL_RANK_WEAK_WEIGHT;
    p->proximity = TL_RANK_PROXIMITY;
    p->k3 = TL_RANK_K3;
    p->head_weight = 1.0;
}

/* ---- per query ------------------------------------------------------- */

void
tl_rank_query_free(void *p)
{
    struct rank_query *q = p;

    if (q == NULL)
        return;
    free(q->avglen);
    free(q->idf);
    free(q->idf_classic);
    free(q->kind);
    free(q->qtf);
    free(q->word);
    free(q->stems);
    free(q->contrib);
    free(q->freq);
    free(q->acc);
    free(q->qw);
    free(q->norm);
    free(q);
}

/* Collecting the tokens at positions [from, to) of a column's text. */
struct tokens_at {
    int from, to, pos;
    char *out;              /* TL_RANK_STEMS_MAX bytes */
    size_t len;
};

static int
on_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    struct tokens_at *t = ctx;

    (void)start;
    (void)end;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (t->pos++ < t->from)
        return SQLITE_OK;
    if (n > 0 && t->len + (t->len > 0) + (size_t)n < TL_RANK_STEMS_MAX) {
        if (t->len > 0)
            t->out[t->len++] = ' ';
        memcpy(t->out + t->len, tok, (size_t)n);
        t->len += (size_t)n;
        t->out[t->len] = '\0';
    }
    return t->pos < t->to ? SQLITE_OK : SQLITE_DONE;
}

/* What xQueryPhrase's callback gathers for one phrase. */
struct phrase_scan {
    sqlite3_int64 rows;
    int size;               /* tokens in the phrase */
    char *stems;            /* read from the first row holding it */
    int first_only;         /* stop after that row */
};

static int
scan_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
    struct phrase_scan *s = ctx;
    Fts5PhraseIter it;
    struct tokens_at t;
    const char *text;
    int col = -1, off = -1, n = 0, rc;

    if (s->rows++ > 0 || s->stems[0] != '\0')
        return SQLITE_OK;
    rc = api->xPhraseFirst(fts, 0, &it, &col, &off);
    if (rc != SQLITE_OK || col < 0)
        return rc;
    rc = api->xColumnText(fts, col, &text, &n);
    if (rc != SQLITE_OK || text == NULL)
        return rc;
    memset(&t, 0, sizeof t);
    t.from = off;
    t.to = off + s->size;
    t.out = s->stems;
    rc = api->xTokenize(fts, text, n, &t, on_token);
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        return rc;
    return s->first_only ? SQLITE_DONE : SQLITE_OK;
}

/* Phrase i's rows (its df) into s: from the impacts table when
 * tl_rank_listed_df() is on, the phrase is one word and that word is
 * listed, else by counting its doclist; s->stems gets its stems. */
static int
count_phrase(const Fts5ExtensionApi *api, Fts5Context *fts,
             const struct rank_conn *conn, int i, struct phrase_scan *s)
{
    sqlite3_stmt *st = conn != NULL ? conn->listed_df : NULL;
    int rc;

    if (st != NULL && s->size == 1) {
        s->first_only = 1;
        rc = api->xQueryPhrase(fts, i, s, scan_row);
        s->first_only = 0;
        if (rc != SQLITE_OK || s->rows == 0)
            return rc;          /* no row holds it: df 0 */
        if (s->stems[0] != '\0') {
            sqlite3_bind_text(st, 1, s->stems, -1, SQLITE_STATIC);
            rc = sqlite3_step(st);
            if (rc == SQLITE_ROW) {
                s->rows = sqlite3_column_int64(st, 0);
                tl_rank_n_listed_df++;
            }
            sqlite3_reset(st);
            if (rc == SQLITE_ROW)
                return SQLITE_OK;
            if (rc != SQLITE_DONE)
                return rc;
        }
        s->rows = 0;            /* not listed: counted */
    }
    return api->xQueryPhrase(fts, i, s, scan_row);
}

/* A query's arrays for n_phrase phrases and n_col columns, zeroed; NULL
 * when out of memory. */
static struct rank_query *
alloc_query(int n_phrase, int n_col)
{
    struct rank_query *q = calloc(1, sizeof *q);
    size_t np, nc;

    if (q == NULL)
        return NULL;
    q->n_phrase = n_phrase;
    q->n_col = n_col;
    q->grouped = -1;
    np = (size_t)q->n_phrase + 1;
    nc = (size_t)q->n_col + 1;
    q->avglen = calloc(nc, sizeof *q->avglen);
    q->norm = calloc(nc, sizeof *q->norm);
    q->idf = calloc(np, sizeof *q->idf);
    q->idf_classic = calloc(np, sizeof *q->idf_classic);
    q->kind = calloc(np, sizeof *q->kind);
    q->qtf = calloc(np, sizeof *q->qtf);
    q->word = calloc(np, sizeof *q->word);
    q->acc = calloc(np, sizeof *q->acc);
    q->qw = calloc(np, sizeof *q->qw);
    q->stems = calloc(np, sizeof *q->stems);
    q->contrib = calloc(np, sizeof *q->contrib);
    q->freq = calloc(np * nc, sizeof *q->freq);
    if (q->avglen == NULL || q->norm == NULL || q->idf == NULL
        || q->idf_classic == NULL || q->kind == NULL || q->acc == NULL
        || q->qw == NULL || q->freq == NULL || q->stems == NULL
        || q->contrib == NULL || q->qtf == NULL || q->word == NULL) {
        tl_rank_query_free(q);
        return NULL;
    }
    return q;
}

struct rank_query *
tl_rank_query_copy(const struct rank_query *q)
{
    struct rank_query *c = alloc_query(q->n_phrase, q->n_col);

    if (c == NULL)
        return NULL;
    c->unit = q->unit;
    c->n_rows = q->n_rows;
    c->avg_all = q->avg_all;
    memcpy(c->avglen, q->avglen, (size_t)q->n_col * sizeof *q->avglen);
    memcpy(c->idf, q->idf, (size_t)q->n_phrase * sizeof *q->idf);
    memcpy(c->idf_classic, q->idf_classic,
           (size_t)q->n_phrase * sizeof *q->idf_classic);
    memcpy(c->kind, q->kind, (size_t)q->n_phrase * sizeof *q->kind);
    memcpy(c->qtf, q->qtf, (size_t)q->n_phrase * sizeof *q->qtf);
    memcpy(c->word, q->word, (size_t)q->n_phrase * sizeof *q->word);
    c->grouped = q->grouped;
    memcpy(c->stems, q->stems, (size_t)q->n_phrase * sizeof *q->stems);
    return c;
}

/* The per-query statistics, made on the first row (or, while
 * tl_rank_keep() is on, copied from the first query that made them:
 * counting a phrase's rows reads its whole doclist, which a caller that
 * runs one query many times over small rowid ranges cannot afford). */
static int
make_query(const Fts5ExtensionApi *api, Fts5Context *fts,
           struct rank_query **out)
{
    struct rank_conn *conn = api->xUserData(fts);
    struct rank_query *q;
    sqlite3_int64 n_rows = 0, total = 0;
    int rc;

    *out = NULL;
    if (conn != NULL && conn->keeping && conn->kept != NULL
        && conn->kept->n_phrase == api->xPhraseCount(fts)
        && conn->kept->n_col == api->xColumnCount(fts)) {
        *out = tl_rank_query_copy(conn->kept);
        return *out != NULL ? SQLITE_OK : SQLITE_NOMEM;
    }
    q = alloc_query(api->xPhraseCount(fts), api->xColumnCount(fts));
    if (q == NULL)
        return SQLITE_NOMEM;
    rc = api->xRowCount(fts, &n_rows);
    if (rc != SQLITE_OK)
        goto fail;
    q->n_rows = tl_rank_rows(n_rows);
    for (int c = 0; c < q->n_col; c++) {
        sqlite3_int64 n = 0;
        rc = api->xColumnTotalSize(fts, c, &n);
        if (rc != SQLITE_OK)
            goto fail;
        q->avglen[c] = tl_rank_avglen(n, n_rows);
        total += n;
    }
    q->avg_all = (double)total / q->n_rows;
    if (conn != NULL && conn->deferred != NULL && !conn->overridden
        && q->n_phrase == 1) {
        /* one phrase: the caller counts its df as it scans (rank.h);
         * its weight is 1 whatever its word, and the IDF stays 1 */
        q->unit = 1;
        q->idf[0] = 1.0;
        q->idf_classic[0] = 1.0;
        q->kind[0] = TL_RANK_WORD_FULL;
        conn->deferred->applied = 1;
        conn->deferred->n_rows = q->n_rows;
        tl_rank_n_deferred++;
    }
    for (int i = 0; i < q->n_phrase && !q->unit; i++) {
        struct phrase_scan s = { 0, api->xPhraseSize(fts, i), q->stems[i],
                                 0 };
        double n, classic;
        rc = count_phrase(api, fts, conn, i, &s);
        if (rc != SQLITE_OK)
            goto fail;
        n = (double)s.rows;
        q->idf[i] = tl_rank_idf(q->n_rows, n);
        classic = log((q->n_rows - n + 0.5) / (n + 0.5));
        q->idf_classic[i] = classic > 0 ? classic : 1e-6;
        q->kind[i] = s.size == 1
                     ? (int)tl_rank_word_kind(q->stems[i], strlen(q->stems[i]))
                     : TL_RANK_WORD_FULL;
    }
    q->grouped = -1;
    if (conn != NULL && conn->keeping && conn->kept == NULL) {
        conn->kept = tl_rank_query_copy(q);
        if (conn->kept == NULL) {
            rc = SQLITE_NOMEM;
            goto fail;
        }
    }
    *out = q;
    return SQLITE_OK;
fail:
    tl_rank_query_free(q);
    return rc;
}

/* ---- the formula, shared with the top-k path (lib/topk.c) ----------- */

double
tl_rank_rows(int64_t n_rows)
{
    return n_rows > 0 ? (double)n_rows : 1.0;
}

double
tl_rank_avglen(int64_t total, int64_t n_rows)
{
    return (double)total / tl_rank_rows(n_rows);
}

double
tl_rank_idf(double n_rows, double n)
{
    return log(1.0 + (n_rows - n + 0.5) / (n + 0.5));
}

static double
col_weight(const struct tl_rank_params *p, int col)
{
    return col < TL_RANK_COLUMNS ? p->w[col] : 1.0;
}

/* tf'(t): the phrase's frequencies weighed and normalised per column. */
static double
pseudo_freq(const struct tl_rank_params *p, const double *freq,
            const double *norm, int n_col)
{
    double f = 0;

    for (int c = 0; c < n_col; c++)
        if (freq[c] > 0 && norm[c] > 0)
            f += col_weight(p, c) * freq[c] / norm[c];
    return f;
}

double
tl_rank_share(const struct tl_rank_params *p, double qw, double idf,
              const double *freq, const double *norm, int n_col)
{
    return tl_rank_saturate(p, qw, idf, pseudo_freq(p, freq, norm, n_col));
}

double
tl_rank_saturate(const struct tl_rank_params *p, double qw, double idf,
                 double f)
{
    if (f <= 0)
        return 0.0;
    if (p->delta > 0)
        return qw * idf * (f * (p->k1 + 1.0) / (p->k1 + f) + p->delta);
    return qw * idf * f * (p->k1 + 1.0) / (p->k1 + f);
}

/* ---- per row --------------------------------------------------------- */

/* The parameters of this call: the override, else the SQL arguments
 * (k1, b, then one weight per column), else the defaults. */
static void
call_params(const struct rank_conn *conn, int n_val, sqlite3_value **val,
            struct tl_rank_params *p)
{
    if (conn != NULL && conn->overridden) {
        *p = conn->p;
        return;
    }
    tl_rank_params_init(p);
    if (n_val > 0)
        p->k1 = sqlite3_value_double(val[0]);
    if (n_val > 1)
        p->b = sqlite3_value_double(val[1]);
    for (int c = 0; c < TL_RANK_COLUMNS && c + 2 < n_val; c++)
        p->w[c] = sqlite3_value_double(val[c + 2]);
}

/* How often the query has each phrase's word, among its first head
 * phrases (the words feedback added after them are weighed apart, and
 * each counts alone): the phrases with the same stems; a phrase whose
 * stems are unknown (it matches nothing) counts alone. */
static void
group_words(struct rank_query *q, int head)
{
    for (int i = 0; i < q->n_phrase; i++) {
        q->qtf[i] = 1;
        q->word[i] = i;
        if (i >= head || q->stems[i][0] == '\0')
            continue;
        for (int j = head - 1; j >= 0; j--)
            if (j != i && strcmp(q->stems[i], q->stems[j]) == 0) {
                q->qtf[i]++;
                if (j < q->word[i])
                    q->word[i] = j;
            }
    }
    q->grouped = head;
}

/* q(t) for each phrase, into qw. */
static void
query_weights(struct rank_query *q, const struct tl_rank_params *p,
              double *qw)
{
    int all_stop = 1, any_full = 0;
    size_t head = (size_t)q->n_phrase;

    if (p->tail != NULL && p->n_tail <= head)
        head -= p->n_tail;
    if (q->grouped != (int)head)
        group_words(q, (int)head);
    for (int t = 0; t < q->n_phrase; t++) {
        all_stop &= q->kind[t] == TL_RANK_WORD_STOP;
        any_full |= q->kind[t] == TL_RANK_WORD_FULL;
    }
    for (int t = 0; t < q->n_phrase; t++) {
        if (p->classic)
            qw[t] = 1.0;
        else if ((size_t)t >= head)
            qw[t] = p->tail[(size_t)t - head];
        else
            qw[t] = p->tail != NULL ? p->head_weight : 1.0;
        if (!p->classic && q->kind[t] == TL_RANK_WORD_STOP && !all_stop)
            qw[t] *= p->stopword_weight;
        else if (!p->classic && q->kind[t] == TL_RANK_WORD_WEAK && any_full)
            qw[t] *= p->weak_weight;
        if (!p->classic && p->k3 >= 0 && q->qtf[t] > 1)
            qw[t] *= (p->k3 + 1.0) / (p->k3 + q->qtf[t]);
    }
}

/* FTS5's bm25(): weighted frequency, one length for the row. */
static int
score_classic(const Fts5ExtensionApi *api, Fts5Context *fts,
              const struct rank_query *q, const struct tl_rank_params *p,
              const struct tl_rank_lengths *lens, double *score_out)
{
    int len = 0, rc = SQLITE_OK, cols[TL_RANK_COLUMNS];
    double norm, score = 0;

    if (lens != NULL && lens->get(lens->ctx, api->xRowid(fts), cols)) {
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            len += cols[c];
    } else {
        rc = api->xColumnSize(fts, -1, &len);
    }
    if (rc != SQLITE_OK)
        return rc;
    norm = q->avg_all > 0 ? 1.0 - p->b + p->b * (double)len / q->avg_all
                          : 1.0;
    for (int t = 0; t < q->n_phrase; t++) {
        double f = 0;
        for (int c = 0; c < q->n_col; c++)
            f += col_weight(p, c) * q->freq[t * q->n_col + c];
        q->contrib[t] = q->idf_classic[t] * f * (p->k1 + 1.0)
                        / (f + p->k1 * norm);
        score += q->contrib[t];
    }
    *score_out = score;
    return SQLITE_OK;
}

/* The score from q's frequencies, accumulators and norms (q->contrib
 * gets each phrase's share); with shortest, every column's norm is that
 * of the shortest length its matches allow, which makes the score an
 * upper bound of the row's (q->norm then holds those norms). */
static double
score_with(struct rank_query *q, const struct tl_rank_params *p,
           int shortest)
{
    double score = 0;

    if (shortest)
        for (int c = 0; c < q->n_col; c++) {
            double n = 0;
            for (int t = 0; t < q->n_phrase; t++)
                n += q->freq[t * q->n_col + c];
            q->norm[c] = tl_rank_norm(p, (int)n, q->avglen[c]);
        }
    if (q->unit) {
        /* one phrase, no proximity (it needs two words): its tf' */
        double f = q->qw[0] != 0 ? pseudo_freq(p, q->freq, q->norm, q->n_col)
                                 : 0;
        q->contrib[0] = f;
        return f;
    }
    for (int t = 0; t < q->n_phrase; t++) {
        double c_t;
        q->contrib[t] = 0;
        if (q->qw[t] == 0)
            continue;
        c_t = tl_rank_share(p, q->qw[t], q->idf[t], q->freq + t * q->n_col,
                            q->norm, q->n_col);
        if (q->acc[t] > 0)      /* normalised as the body */
            c_t += p->proximity * q->qw[t]
                   * (q->idf[t] < 1 ? q->idf[t] : 1) * q->acc[t]
                   * (p->k1 + 1.0) / (q->acc[t] + p->k1 * q->norm[0]);
        q->contrib[t] = c_t;
        score += c_t;
    }
    return score;
}

/* The instance before, for the proximity score. */
struct last_inst {
    int phrase, col, off;
};

/* A row's scratch emptied and its phrases' weights set. */
static void
begin_row(struct rank_query *q, const struct tl_rank_params *p,
          struct last_inst *last)
{
    memset(q->freq, 0, (size_t)q->n_phrase * (size_t)q->n_col
                       * sizeof *q->freq);
    memset(q->acc, 0, (size_t)q->n_phrase * sizeof *q->acc);
    /* the same for every row of one query under one p: a query made by
     * tl_rank_query_new(), always scored under the same p, makes them
     * once */
    if (!q->qw_once || !q->qw_done)
        query_weights(q, p, q->qw);
    q->qw_done = 1;
    last->phrase = -1;
    last->col = -1;
    last->off = 0;
}

/* One instance of the row, in position order (xInst's: column, offset,
 * then phrase), into the frequencies and the proximity accumulators. */
static inline void
take_inst(struct rank_query *q, const struct tl_rank_params *p, int phrase,
          int col, int off, struct last_inst *last)
{
    const double *qw = q->qw;

    if (phrase < 0 || phrase >= q->n_phrase || col < 0 || col >= q->n_col)
        return;
    q->freq[phrase * q->n_col + col] += 1.0;
    /* proximity: each occurrence and the one before it, when they are
     * different words in the same column (instances come in position
     * order; a word the query repeats is one word) */
    if (p->proximity > 0 && col == last->col
        && q->word[phrase] != q->word[last->phrase]
        && off > last->off && qw[phrase] > 0 && qw[last->phrase] > 0) {
        double d = (double)(off - last->off);
        q->acc[phrase] += q->idf[last->phrase] / (d * d);
        q->acc[last->phrase] += q->idf[phrase] / (d * d);
    }
    if (qw[phrase] > 0) {
        last->phrase = phrase;
        last->col = col;
        last->off = off;
    }
}

/* The row's column lengths from lens into q->norm; 0 when lens does not
 * know them. */
static int
known_lengths(const Fts5ExtensionApi *api, Fts5Context *fts,
              const struct tl_rank_lengths *lens, struct rank_query *q,
              const struct tl_rank_params *p)
{
    int len[TL_RANK_COLUMNS];

    if (lens == NULL || q->n_col > TL_RANK_COLUMNS
        || !lens->get(lens->ctx, api->xRowid(fts), len))
        return 0;
    for (int c = 0; c < q->n_col; c++)
        q->norm[c] = tl_rank_norm(p, len[c], q->avglen[c]);
    tl_rank_n_lengths++;
    return 1;
}

/* The score of the current row (positive, higher is better); with floor
 * (not NULL), a bound below *floor when the score is sure to be; with
 * lens (not NULL), the lengths from there where it knows them. */
static int
score_row(const Fts5ExtensionApi *api, Fts5Context *fts,
          struct rank_query *q, const struct tl_rank_params *p,
          const double *floor, const struct tl_rank_lengths *lens,
          double *score_out)
{
    struct last_inst last;
    int n_inst = 0, rc;

    *score_out = 0;
    begin_row(q, p, &last);
    rc = api->xInstCount(fts, &n_inst);
    for (int i = 0; rc == SQLITE_OK && i < n_inst; i++) {
        int phrase, col, off;
        rc = api->xInst(fts, i, &phrase, &col, &off);
        if (rc == SQLITE_OK)
            take_inst(q, p, phrase, col, off, &last);
    }
    if (rc != SQLITE_OK)
        return rc;
    if (p->classic)
        return score_classic(api, fts, q, p, lens, score_out);
    if (known_lengths(api, fts, lens, q, p)) {
        *score_out = score_with(q, p, 0);
        return SQLITE_OK;
    }
    if (floor != NULL && p->b >= 0 && p->b <= 1) {
        /* the score with every column as short as its matches allow
         * (the norm only grows with the length) bounds the true one;
         * below the floor, that bound will do and the lengths (a
         * docsize read) are not needed */
        double bound = score_with(q, p, 1);
        double limit = q->unit ? *floor * (1.0 - TL_RANK_DEFER_MARGIN)
                               : *floor;
        if (bound * (1.0 + 1e-9) < limit) {
            *score_out = bound;
            return SQLITE_OK;
        }
    }
    for (int c = 0; c < q->n_col; c++) {
        int len = 0;
        rc = api->xColumnSize(fts, c, &len);
        if (rc != SQLITE_OK)
            return rc;
        q->norm[c] = tl_rank_norm(p, len, q->avglen[c]);
    }
    *score_out = score_with(q, p, 0);
    return SQLITE_OK;
}

/* ---- rows read outside FTS5 (lib/fts5_scan.c) ------------------------ */

struct rank_query *
tl_rank_query_new(int n_phrase, int64_t n_rows, const int64_t *totals,
                  int n_col, const int64_t *df, const int *size,
                  const char (*stems)[TL_RANK_STEMS_MAX], int unit)
{
    struct rank_query *q = alloc_query(n_phrase, n_col);

    if (q == NULL)
        return NULL;
    /* as make_query() */
    q->n_rows = tl_rank_rows(n_rows);
    int64_t total = 0;
    for (int c = 0; c < n_col; c++) {
        q->avglen[c] = tl_rank_avglen(totals[c], n_rows);
        total += totals[c];
    }
    q->avg_all = (double)total / q->n_rows;
    if (unit && n_phrase == 1) {
        q->unit = 1;
        q->idf[0] = 1.0;
        q->idf_classic[0] = 1.0;
        q->kind[0] = TL_RANK_WORD_FULL;
    }
    for (int i = 0; i < n_phrase && !q->unit; i++) {
        double n = (double)df[i], classic;
        memcpy(q->stems[i], stems[i], sizeof q->stems[i]);
        q->idf[i] = tl_rank_idf(q->n_rows, n);
        classic = log((q->n_rows - n + 0.5) / (n + 0.5));
        q->idf_classic[i] = classic > 0 ? classic : 1e-6;
        q->kind[i] = size[i] == 1
                     ? (int)tl_rank_word_kind(q->stems[i], strlen(q->stems[i]))
                     : TL_RANK_WORD_FULL;
    }
    q->grouped = -1;
    q->qw_once = 1;
    return q;
}

/* tl_rank_query_bound() and, with tf0 (not NULL) and len, _tf(). */
static double
query_bound(struct rank_query *q, const struct tl_rank_params *p,
            const int *present, const int *tf0, const int *len)
{
    double norm0 = 1.0, b = 0, prox = 0;
    int first = -1, words = 0;

    if (q->unit || p->classic || (tf0 != NULL && q->n_col > TL_RANK_COLUMNS))
        return HUGE_VAL;
    if (!q->qw_done) {
        query_weights(q, p, q->qw);
        q->qw_done = 1;
    }
    if (tf0 != NULL)
        norm0 = tl_rank_norm(p, len[0], q->avglen[0]);
    for (int t = 0; t < q->n_phrase; t++) {
        /* acc / (acc + k1 norm) < 1 */
        double pmax = p->proximity * q->qw[t]
                      * (q->idf[t] < 1 ? q->idf[t] : 1) * (p->k1 + 1.0);
        if (!present[t] || q->qw[t] <= 0)
            continue;
        if (tf0 != NULL && tf0[t] >= 0) {
            double a = 0;
            /* tl_rank_share() of tf0[t] body instances */
            b += tl_rank_saturate(p, q->qw[t], q->idf[t],
                                  tf0[t] > 0 && norm0 > 0
                                  ? col_weight(p, 0) * tf0[t] / norm0 : 0);
            /* each instance pairs with the one before and the one after
             * at most, each at distance 1 at best: its accumulator is
             * at most 2 tf idf(other), and acc / (acc + k1 norm) grows
             * with acc */
            for (int o = 0; o < q->n_phrase; o++)
                if (present[o] && q->qw[o] > 0 && q->word[o] != q->word[t]
                    && q->idf[o] > a)
                    a = q->idf[o];
            a *= 2.0 * tf0[t];
            prox += a > 0 ? pmax * a / (a + p->k1 * norm0) : 0;
        } else {
            /* g(f) = f (k1 + 1) / (k1 + f) < k1 + 1, and BM25+'s delta */
            b += q->qw[t] * q->idf[t]
                 * (p->k1 + 1.0 + (p->delta > 0 ? p->delta : 0.0));
            prox += pmax;
        }
        if (first < 0)
            first = q->word[t];
        else if (q->word[t] != first)
            words = 2;
    }
    /* proximity needs two different words */
    return words >= 2 && p->proximity > 0 ? b + prox : b;
}

double
tl_rank_query_bound(struct rank_query *q, const struct tl_rank_params *p,
                    const int *present)
{
    return query_bound(q, p, present, NULL, NULL);
}

double
tl_rank_query_bound_tf(struct rank_query *q, const struct tl_rank_params *p,
                       const int *present, const int *tf0, const int *len)
{
    return query_bound(q, p, present, tf0, len);
}

double
tl_rank_query_score(struct rank_query *q, const struct tl_rank_params *p,
                    const int *inst, int n_inst, const int *len)
{
    struct last_inst last;

    begin_row(q, p, &last);
    for (int i = 0; i < n_inst; i++)
        take_inst(q, p, inst[3 * i], inst[3 * i + 1], inst[3 * i + 2],
                  &last);
    for (int c = 0; c < q->n_col; c++)
        q->norm[c] = tl_rank_norm(p, len[c], q->avglen[c]);
    return score_with(q, p, 0);
}

void
tl_rank_bm25_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
              sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct rank_query *q = api->xGetAuxdata(fts, 0);
    struct tl_rank_params p;
    double score;
    int rc, first = q == NULL;

    if (q == NULL) {
        rc = make_query(api, fts, &q);
        if (rc == SQLITE_OK)
            rc = api->xSetAuxdata(fts, q, tl_rank_query_free);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    struct rank_conn *conn = api->xUserData(fts);

    call_params(conn, n_val, val, &p);
    if (first && q->unit && conn != NULL && conn->deferred != NULL)
        conn->deferred->p = p;  /* every row's are the same */
    rc = score_row(api, fts, q, &p, conn != NULL ? conn->floor : NULL,
                   conn != NULL ? conn->lens : NULL, &score);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_double(ctx, -score);
}

/* ---- explanations ---------------------------------------------------- */

/* sqlite3_bind_pointer type of tl_bm25_explain()'s first argument. */
#define EXPLAIN_POINTER "tl_rank_explanation"

void
tl_rank_explanation_init(struct tl_rank_explanation *e)
{
    memset(e, 0, sizeof *e);
}

void
tl_rank_explanation_release(struct tl_rank_explanation *e)
{
    if (e == NULL)
        return;
    free(e->terms);
    tl_rank_explanation_init(e);
}

/* tl_bm25_explain(passages_fts, pointer, k1, b, weights...): scores the
 * row as tl_bm25() and fills the struct tl_rank_explanation given. */
void
tl_rank_explain_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                 sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    struct tl_rank_explanation *e;
    struct rank_query *q = NULL;
    struct tl_rank_params p;
    double score;
    int rc;

    if (n_val < 1
        || (e = sqlite3_value_pointer(val[0], EXPLAIN_POINTER)) == NULL) {
        sqlite3_result_error(ctx, "tl_bm25_explain: no explanation to fill",
                             -1);
        return;
    }
    rc = make_query(api, fts, &q);
    if (rc == SQLITE_OK) {
        call_params(api->xUserData(fts), n_val - 1, val + 1, &p);
        rc = score_row(api, fts, q, &p, NULL, NULL, &score);
    }
    if (rc == SQLITE_OK) {
        free(e->terms);
        e->terms = calloc((size_t)q->n_phrase + 1, sizeof *e->terms);
        rc = e->terms != NULL ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (rc != SQLITE_OK) {
        tl_rank_query_free(q);
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    e->n_terms = (size_t)q->n_phrase;
    e->score = score;
    for (int t = 0; t < q->n_phrase; t++) {
        struct tl_rank_term *term = &e->terms[t];
        memcpy(term->stems, q->stems[t], sizeof term->stems);
        term->idf = p.classic ? q->idf_classic[t] : q->idf[t];
        term->weight = q->qw[t];
        term->stopword = q->kind[t] == TL_RANK_WORD_STOP;
        for (int c = 0; c < q->n_col && c < TL_RANK_COLUMNS; c++)
            term->tf[c] = (int)q->freq[t * q->n_col + c];
        term->score = q->contrib[t];
    }
    tl_rank_query_free(q);
    sqlite3_result_null(ctx);
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_explain(sqlite3 *db, const char *match, int64_t passage_id,
                struct tl_rank_explanation *e, struct tl_error *err)
{
    char sql[256];
    sqlite3_stmt *st = NULL;
    int rc;

    tl_rank_explanation_release(e);
    snprintf(sql, sizeof sql, "SELECT tl_bm25_explain(passages_fts, ?1, "
             "%.17g, %.17g, %.17g, %.17g, %.17g) FROM passages_fts WHERE "
             "passages_fts MATCH ?2 AND rowid = ?3", TL_RANK_K1, TL_RANK_B,
             TL_RANK_W_BODY, TL_RANK_W_TITLE, TL_RANK_W_AUTHOR);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "explaining a score");
    sqlite3_bind_pointer(st, 1, e, EXPLAIN_POINTER, NULL);
    sqlite3_bind_text(st, 2, match, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, passage_id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW && e->terms != NULL)
        return TL_OK;
    tl_rank_explanation_release(e);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return tl_error_set(err, TL_ERR_QUERY, "passage %lld does not match "
                            "the query", (long long)passage_id);
    return tl_error_db(err, db, "explaining a score");
}
#endif

/* ---- tl_tf() ------------------------------------------------------------ */

/* tl_tf(passages_fts): the row's occurrences of the query's phrases per
 * column, then its length per column (from tl_rank_lengths() where it
 * knows them, else FTS5's): a blob of 2 * TL_RANK_COLUMNS native int32
 * (lib/impact_update.c reads it). */
void
tl_rank_tf_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
            sqlite3_context *ctx, int n_val, sqlite3_value **val)
{
    int32_t out[2 * TL_RANK_COLUMNS] = { 0 };
    int n_inst = 0, rc;

    (void)n_val;
    (void)val;
    rc = api->xInstCount(fts, &n_inst);
    for (int i = 0; rc == SQLITE_OK && i < n_inst; i++) {
        int phrase, col, off;
        rc = api->xInst(fts, i, &phrase, &col, &off);
        if (rc == SQLITE_OK && col >= 0 && col < TL_RANK_COLUMNS)
            out[col]++;
    }
    struct rank_conn *conn = api->xUserData(fts);
    int lens[TL_RANK_COLUMNS];

    if (rc == SQLITE_OK && conn != NULL && conn->lens != NULL
        && api->xColumnCount(fts) <= TL_RANK_COLUMNS
        && conn->lens->get(conn->lens->ctx, api->xRowid(fts), lens)) {
        for (int c = 0; c < api->xColumnCount(fts); c++)
            out[TL_RANK_COLUMNS + c] = lens[c];
    } else {
        for (int c = 0; rc == SQLITE_OK && c < TL_RANK_COLUMNS
                        && c < api->xColumnCount(fts); c++) {
            int len = 0;
            rc = api->xColumnSize(fts, c, &len);
            out[TL_RANK_COLUMNS + c] = len;
        }
    }
    if (rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
    else
        sqlite3_result_blob(ctx, out, sizeof out, SQLITE_TRANSIENT);
}
