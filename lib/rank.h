/*
 * rank.h - tl_bm25(), Talaash's ranking function: an FTS5 auxiliary
 * function computing BM25F over passages_fts(body, title, author), with
 * tunable k1, b and column weights, registered on every connection by
 * tl_db_open().
 *
 * In SQL, like FTS5's bm25(), it returns minus the score (lower is
 * better, so ORDER BY works as with bm25()):
 *
 *   tl_bm25(passages_fts [, k1 [, b [, w_body [, w_title [, w_author]]]]])
 *
 * Missing arguments take the defaults below.  For each phrase (each
 * quoted string of the MATCH expression) t:
 *
 *   tf'(t) = sum over columns c of
 *              w_c * tf(t, c) / (1 - b + b * len_c / avglen_c)
 *   score  = sum over t of  q(t) * idf(t) * tf'(t) * (k1 + 1) / (k1 + tf'(t))
 *   idf(t) = log(1 + (N - n(t) + 0.5) / (n(t) + 0.5))
 *
 * where N is the number of passages, n(t) the number holding t (in any
 * column), len_c the passage's length in tokens in column c and avglen_c
 * its mean over all passages (a column empty everywhere is not
 * normalised).  This is BM25F as in Robertson and Zaragoza (2009): each
 * column is normalised by its own length, so the title and author, which
 * every passage of an article repeats, neither lengthen the body nor
 * count as body text, and the IDF is Lucene's, never negative (FTS5's
 * bm25() gives a term in over half the passages a weight of 1e-6).
 *
 * q(t), the phrase's weight in the query, is 1, except for a stopword
 * (a one-word phrase whose stem is one of a common English function
 * word's, tl_rank_is_stopword()): TL_RANK_STOPWORD_WEIGHT, unless every
 * phrase of the query is a stopword; and for a weak word (one whose stem
 * is that of a word of requests or of report prose, "please",
 * "information", "using", "results": tl_rank_is_weak_word()):
 * TL_RANK_WEAK_WEIGHT, unless every phrase of the query is a stopword or
 * a weak word.  (FTS5 does not tell an auxiliary function a phrase's
 * text: its stem is read from the first passage holding it, so a prefix
 * like "th*" whose first match is "the" counts as a stopword.)  A word
 * the query repeats (phrases with the same stems, qtf of them) has each
 * of its phrases weighed (k3 + 1) / (k3 + qtf), so together (k3 + 1) qtf
 * / (k3 + qtf) rather than qtf: Okapi's query-term saturation (Robertson
 * et al. 1994), k3 = TL_RANK_K3.
 *
 * Added to it, with weight TL_RANK_PROXIMITY, a term proximity score
 * (Büttcher, Clarke and Lushman 2006): each match and the match before
 * it, when they are different phrases in the same column at distance
 * d, add idf(other) / d^2 to each other's accumulator acc(t), and each
 * phrase adds q(t) min(1, idf(t)) acc(t) (k1 + 1) / (acc(t) + k1 norm),
 * norm being the body's length normalisation.
 *
 * See docs/relevance.md for how the defaults were chosen.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_RANK_H
#define TALAASH_RANK_H

#define TL_RANK_FUNCTION "tl_bm25"

/* The defaults (docs/relevance.md: chosen on scifact and vaswani; the
 * author weight, which neither has, follows the title's). */
#define TL_RANK_K1 1.2
#define TL_RANK_B 0.6
#define TL_RANK_W_BODY 1.0
#define TL_RANK_W_TITLE 1.5
#define TL_RANK_W_AUTHOR 1.5
#define TL_RANK_STOPWORD_WEIGHT 0.0
#define TL_RANK_WEAK_WEIGHT 0.3
#define TL_RANK_PROXIMITY 0.2
#define TL_RANK_K3 1.2

/* The ranking with the defaults, as an SQL expression over passages_fts
 * (higher is better): the one text every search path scores with, so
 * their scores are bit for bit the same. */
#define TL_RANK_STR_(x) #x
#define TL_RANK_STR(x) TL_RANK_STR_(x)
#define TL_RANK_SQL \
    "-" TL_RANK_FUNCTION "(passages_fts, " TL_RANK_STR(TL_RANK_K1) ", " \
    TL_RANK_STR(TL_RANK_B) ", " TL_RANK_STR(TL_RANK_W_BODY) ", " \
    TL_RANK_STR(TL_RANK_W_TITLE) ", " TL_RANK_STR(TL_RANK_W_AUTHOR) ")"

/* Columns of passages_fts the parameters cover. */
#define TL_RANK_COLUMNS 3
/* Room for a phrase's stems in an explanation (longer ones are cut). */
#define TL_RANK_STEMS_MAX 128

struct tl_rank_params {
    double k1;
    double b;
    double w[TL_RANK_COLUMNS];  /* body, title, author */
    double stopword_weight;     /* q(t) of a stopword */
    double weak_weight;         /* q(t) of a weak word */
    /* weight of the term proximity score (Büttcher, Clarke and Lushman
     * 2006) added to BM25; 0 is off */
    double proximity;
    /* BM25+'s lower bound (Lv and Zhai 2011), added to a matched word's
     * saturated frequency; 0 is plain BM25 */
    double delta;
    /* Okapi's k3: each of the qtf phrases of a word the query repeats
     * weighs (k3 + 1) / (k3 + qtf); negative: each weighs 1 */
    double k3;
    /* FTS5's bm25() instead: one length over all columns, IDF
     * log((N - n + 0.5) / (n + 0.5)) clamped to 1e-6, every q(t) 1 (for
     * comparison) */
    int classic;
    /* q(t) of the last n_tail phrases of the query (the terms
     * pseudo-relevance feedback added), borrowed; the phrases before
     * them get head_weight.  NULL: none. */
    const double *tail;
    size_t n_tail;
    double head_weight;
};

/* Sets p to the defaults above. */
void tl_rank_params_init(struct tl_rank_params *p);

/* Registers tl_bm25() on db; returns an SQLite result code (SQLITE_ERROR
 * when this SQLite has no FTS5). */
int tl_rank_register(sqlite3 *db);

/* Makes every later tl_bm25() call on db use p (copied, tail included)
 * instead of its SQL arguments, until called with p NULL.  For
 * experiments (the relevance benchmark); the programs use the SQL
 * arguments. */
enum tl_status
tl_rank_override(sqlite3 *db, const struct tl_rank_params *p,
                 struct tl_error *err);

/* With on, tl_bm25() on db makes its per-query statistics (row count,
 * mean lengths, each phrase's IDF, which reads the phrase's whole
 * doclist) for the first query only, and every later query of as many
 * phrases reuses them; with 0 (always, once done) it counts again.  For
 * one MATCH expression run many times over small rowid ranges
 * (lib/topk_date.c): the scores are those of one run over all rows. */
enum tl_status tl_rank_keep(sqlite3 *db, int on, struct tl_error *err);
/* The statistics tl_rank_keep() keeps (opaque): another connection
 * to the same snapshot can score with them instead of counting again
 * (lib/topk_scan.c hands them to the parts of a split scan). */
struct tl_rank_stats;
/* A copy of the statistics db keeps (tl_rank_keep() on, and a query
 * scored since) in *out, or NULL when it keeps none; free it with
 * tl_rank_stats_free(). */
enum tl_status tl_rank_stats_get(sqlite3 *db, struct tl_rank_stats **out,
                                 struct tl_error *err);
/* Turns tl_rank_keep() on for db as if it had made stats itself (a
 * copy): its queries of as many phrases score with them.  Only for the
 * same MATCH expression on the same snapshot as they were made for. */
enum tl_status tl_rank_stats_put(sqlite3 *db,
                                 const struct tl_rank_stats *stats,
                                 struct tl_error *err);
void tl_rank_stats_free(struct tl_rank_stats *s);
/* With on, tl_bm25() on db takes a one-word phrase's df (the passages
 * holding it, for its IDF) from the impacts table when the word is
 * listed there, instead of counting it over its whole doclist: the
 * same number while the impact lists are fresh (tl_impact_fresh()), for
 * a MATCH expression with no column filter and no prefix (whose phrases
 * count other rows).  The caller checks both (tl_topk_listed_df_begin(),
 * lib/topk.h).  0 (always, once done) turns it off. */
enum tl_status tl_rank_listed_df(sqlite3 *db, int on, struct tl_error *err);
/* How many phrases' df came from the impacts table so far (tests). */
long tl_rank_listed_df_count(void);
/* With floor (not NULL), tl_bm25() on db may score a row whose score is
 * sure to be below *floor (read at every row, so the caller may raise
 * it as it goes) by a bound of it that is also below *floor, without
 * reading the row's column lengths: for top-k scans, which keep only
 * rows above their k-th best (lib/topk_scan.c).  NULL (always, once
 * done) turns it off.  floor must outlive its use. */
enum tl_status tl_rank_floor(sqlite3 *db, const double *floor,
                             struct tl_error *err);
/* Turns the floor off at the end of a scan whose outcome so far is rs:
 * returns rs, or the failure to turn it off when rs is TL_OK (err then
 * says so; an earlier error in err is kept). */
enum tl_status tl_rank_floor_end(sqlite3 *db, enum tl_status rs,
                                 struct tl_error *err);
/* Where tl_bm25() may find a row's column lengths instead of asking
 * FTS5 (a docsize lookup per row): get() fills len (body, title,
 * author) for rowid and returns 1, or returns 0 when it does not know
 * them (lib/lengths.c). */
struct tl_rank_lengths {
    int (*get)(void *ctx, int64_t rowid, int len[TL_RANK_COLUMNS]);
    void *ctx;
};
/* With l (not NULL), tl_bm25() on db takes the column lengths from l
 * where it knows them; NULL (always, once done) turns it off.  l must
 * outlive its use, and give exactly FTS5's lengths. */
enum tl_status tl_rank_lengths(sqlite3 *db, const struct tl_rank_lengths *l,
                               struct tl_error *err);
/* How many rows' lengths came from a struct tl_rank_lengths (tests). */
long tl_rank_lengths_count(void);
/* A one-phrase scan's deferred IDF (docs/topk.md, "One phrase: its df
 * counted by the scan").  A query of one phrase scores
 * idf * g(tf'(p)) with g increasing: its order does not depend on the
 * IDF, whose df FTS5 can only count by reading the phrase's whole
 * doclist before the first row, which the scan then reads again.  With
 * tl_rank_defer(db, d), a query of exactly one phrase under the default
 * parameters (no override) returns tf'(p), the BM25F pseudo-frequency,
 * instead of the score, skips counting the df and sets d->applied, with
 * d->n_rows and d->p what the exact score needs: the caller counts the
 * rows it scans (the phrase's df, as the query is the phrase alone) and
 * turns tf' into the score with tl_rank_saturate(&d->p, 1.0,
 * tl_rank_idf(d->n_rows, df), tf'), the arithmetic tl_bm25() uses.
 * A floor (tl_rank_floor()) is then in tf' too, with a relative margin
 * of TL_RANK_DEFER_MARGIN so that rounding cannot reorder what it left
 * out.  NULL (always, once done) turns it off; d must outlive its use. */
struct tl_rank_deferred {
    int applied;                /* a query scored in tf' */
    double n_rows;              /* its N, tl_rank_rows() */
    struct tl_rank_params p;    /* its parameters (set with a row) */
};
#define TL_RANK_DEFER_MARGIN 1e-9
enum tl_status tl_rank_defer(sqlite3 *db, struct tl_rank_deferred *d,
                             struct tl_error *err);
/* How many queries deferred their IDF so far (tests). */
long tl_rank_deferred_count(void);
/* Is tl_rank_override() in force on db (1), or are the SQL arguments
 * used (0)? */
int tl_rank_overridden(sqlite3 *db);

/* The pieces of the formula above, for computing a score outside FTS5
 * (lib/topk.c) with exactly the arithmetic tl_bm25() uses: N as a double
 * (at least 1), a column's mean length, idf(t) for n(t) = n, a column's
 * length normalisation (1 for a column empty everywhere), and one
 * phrase's BM25 share q * idf * tf' (k1 + 1) / (k1 + tf') from its
 * frequencies and the normalisations of n_col columns. */
double tl_rank_rows(int64_t n_rows);
double tl_rank_avglen(int64_t total, int64_t n_rows);
double tl_rank_idf(double n_rows, double n);
/* inline: the impact refresh computes it for every posting */
static inline double
tl_rank_norm(const struct tl_rank_params *p, int len, double avglen)
{
    /* a column empty in every passage has nothing to normalise */
    return avglen > 0 ? 1.0 - p->b + p->b * (double)len / avglen : 1.0;
}
double tl_rank_share(const struct tl_rank_params *p, double qw, double idf,
                     const double *freq, const double *norm, int n_col);
/* The share from the pseudo-frequency f = tf'(t) that tl_rank_share()
 * sums from freq and norm: tl_rank_share() is exactly
 * tl_rank_saturate(p, qw, idf, f). */
double tl_rank_saturate(const struct tl_rank_params *p, double qw,
                        double idf, double f);

/* How a query word weighs (lib/rank_words.c): a stopword (weight 0
 * beside other words), a weak word (TL_RANK_WEAK_WEIGHT) or a word. */
enum tl_rank_word_kind {
    TL_RANK_WORD_FULL, TL_RANK_WORD_STOP, TL_RANK_WORD_WEAK
};
/* The kind of stem (len bytes, a token as the tokenizer makes it). */
enum tl_rank_word_kind tl_rank_word_kind(const char *stem, size_t len);
/* Is stem (len bytes, a token as the tokenizer makes it) the stem of one
 * of the stopwords (built in: Snowball's English list, "the", "of",
 * "why", "doing", ...)?  The lists are stemmed once per process;
 * thread-safe. */
int tl_rank_is_stopword(const char *stem, size_t len);
/* Is it, not being a stopword's, the stem of one of the weak words
 * (built in: "please", "information", "use", "shown", "results", ...)? */
int tl_rank_is_weak_word(const char *stem, size_t len);

/* The lists of words tl_bm25() weighs apart. */
enum tl_rank_words {
    TL_RANK_STOPWORDS,
    TL_RANK_WEAK_WORDS,
};

/* Installs words (n_words of them, copied) as the list which, in place
 * of its built-in words or, with extend, beside them; words NULL puts
 * the built-in list back.  Each word is folded (ASCII capitals,
 * apostrophes dropped) and stemmed as the built-in ones are, so "used"
 * and "using" are one word, "use"; a word of no stem (empty, over 63
 * bytes) is skipped.  Process-wide and for experiments (the relevance
 * benchmark): the stopwords are also the query parser's
 * (tl_rank_is_stopword()), and a query made meanwhile sees either list.
 * TL_ERR_USAGE for no such list, TL_ERR_NOMEM. */
enum tl_status
tl_rank_words_set(enum tl_rank_words which, const char *const *words,
                  size_t n_words, int extend, struct tl_error *err);

/* One phrase of the query, for one passage. */
struct tl_rank_term {
    /* its stems, joined by spaces, as read from the first passage holding
     * it (for a prefix, that passage's word); "" when no passage does */
    char stems[TL_RANK_STEMS_MAX];
    double idf;
    double weight;              /* q(t); 0 for a stopword, less than 1
                                   for a weak word */
    int stopword;
    int tf[TL_RANK_COLUMNS];    /* occurrences in this passage: body,
                                   title, author */
    double score;               /* its share of the passage's score
                                   (BM25 and proximity) */
};

/* Why a passage scored what it did. */
struct tl_rank_explanation {
    struct tl_rank_term *terms; /* one per phrase of the MATCH expression,
                                   in its order; owned */
    size_t n_terms;
    double score;               /* the passage's score, as searched */
};

void tl_rank_explanation_init(struct tl_rank_explanation *e);
/* Frees what e owns and re-initialises it; accepts NULL. */
void tl_rank_explanation_release(struct tl_rank_explanation *e);

/* Explains the score of passage passage_id for the MATCH expression
 * match, with the ranking tl_search_new() uses.  TL_ERR_QUERY when the
 * passage does not match.  e must be initialised; its old contents are
 * released. */
enum tl_status
tl_rank_explain(sqlite3 *db, const char *match, int64_t passage_id,
                struct tl_rank_explanation *e, struct tl_error *err);

#endif /* TALAASH_RANK_H */
