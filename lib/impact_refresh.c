/*
 * impact_refresh.c - rebuilding every impact list from the index
 * (impact.h, docs/topk.md; the format is lib/impact.c's).
 *
 * A refresh reads the index through FTS5's own tables: the vocabulary
 * (fts5vocab "row": passages per term) chooses the terms, and each
 * term's occurrences (passage, column) come from FTS5's pages through
 * lib/fts5_read.h (10-40 ns a row), or from fts5vocab "instance"
 * (0.3-0.5 us a row) where that reader declines the index; the column
 * lengths come from passage_lengths (lib/lengths.h).  The
 * listed terms are shared out among threads (REFRESH_THREADS_MAX, one
 * per core): each reads through a read-only connection of its own (the
 * index is committed; the refresh writes only the lists) and hands its
 * lists to the calling thread, which writes them in its transaction.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fts5_read.h"
#include "impact_made.h"
#include "lengths.h"

/* ---- refresh ----------------------------------------------------------- */

enum tl_status
tl_impact_lens_load(sqlite3 *db, struct tl_impact_lens *l,
                    struct tl_error *err)
{
    struct tl_lengths *packed = NULL;
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int64_t max_id;
    int rc;

    memset(l, 0, sizeof *l);
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM passages",
                           -1, &st, NULL) != SQLITE_OK
        || sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return tl_error_db(err, db, "reading passage lengths");
    }
    max_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    /* the articles too, for the article counts (adf) */
    if (tl_impact_lens_alloc(l, max_id) != 0)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    /* the lengths from the packed table (lib/lengths.h), which the
     * refresh before this one brought up to date */
    rs = tl_lengths_open(db, &packed, err);
    if (rs != TL_OK)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT id, article_id FROM passages", -1,
                           &st, NULL) != SQLITE_OK) {
        tl_lengths_free(packed);
        return tl_error_db(err, db, "reading passages");
    }
    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int64_t a = sqlite3_column_int64(st, 1), len[TL_RANK_COLUMNS];

        if (id < 0 || id > l->max_id)
            continue;
        rs = tl_lengths_exact(db, packed, id, len, err);
        if (rs == TL_OK && tl_impact_lens_put(l, id, a, len) != 0)
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading passages");
    sqlite3_finalize(st);
    tl_lengths_free(packed);
    return rs;
}

static int
column_index(const char *name)
{
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        if (name != NULL && strcmp(name, tl_impact_columns[c]) == 0)
            return c;
    return -1;
}

/* What one thread of a refresh works with: its connection and
 * statements, and the making of one term's list. */
struct refresh {
    sqlite3 *db;
    sqlite3_stmt *occurrences;
    struct tl_fts5 *pages;          /* NULL: the reader declined */
    struct tl_impact_top top;
};

/* One term's list, made by any thread, written by the calling one. */
struct made {
    size_t term;            /* its index in the listed terms */
    struct tl_impact_made_list l;
    struct made *next;
};

/* Term's occurrences from FTS5's pages: 1, or 0 when the reader cannot
 * read them (the caller then asks fts5vocab). */
static int
occurrences_from_pages(struct refresh *r, const char *term)
{
    struct tl_fts5_tok *t = NULL;
    int64_t min = INT64_MIN;
    int rc;

    if (r->pages == NULL
        || tl_fts5_tok_open(r->pages, term, (int)strlen(term), 0, &t) != 1)
        return 0;
    while ((rc = tl_fts5_tok_next(t, min)) == TL_FTS5_ROW) {
        int64_t id = tl_fts5_tok_rowid(t);
        int tf[TL_RANK_COLUMNS] = { 0 }, n;
        const uint64_t *pos;
        if (tl_fts5_tok_positions(t, &pos, &n) != 1) {
            rc = TL_FTS5_BAD;
            break;
        }
        for (int i = 0; i < n; i++) {
            uint64_t c = pos[i] >> 32;
            if (c < TL_RANK_COLUMNS)
                tf[c]++;
        }
        tl_impact_top_passage(&r->top, id, tf, n);
        min = id + 1;
    }
    tl_fts5_tok_free(t);
    if (rc == TL_FTS5_EOF)
        return 1;
    tl_impact_top_start(&r->top);
    return 0;
}

/* Makes term's list into m (m->term set by the caller). */
static enum tl_status
make_list(struct refresh *r, const char *term, struct made *m,
          struct tl_error *err)
{
    int64_t cur = -1;
    int tf[TL_RANK_COLUMNS] = { 0 }, n = 0, rc = SQLITE_DONE;

    tl_impact_top_start(&r->top);
    if (occurrences_from_pages(r, term))
        goto made;
    sqlite3_reset(r->occurrences);
    sqlite3_bind_text(r->occurrences, 1, term, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(r->occurrences)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(r->occurrences, 0);
        int c = column_index((const char *)
                             sqlite3_column_text(r->occurrences, 1));
        if (id != cur) {
            if (cur >= 0)
                tl_impact_top_passage(&r->top, cur, tf, n);
            memset(tf, 0, sizeof tf);
            n = 0;
            cur = id;
        }
        if (c >= 0)
            tf[c]++;
        n++;
    }
    if (rc != SQLITE_DONE)
        return tl_error_db(err, r->db, "reading a term's occurrences");
    if (cur >= 0)
        tl_impact_top_passage(&r->top, cur, tf, n);
made:
    return tl_impact_top_finish(&r->top, &m->l, err);
}

static enum tl_status
exec(sqlite3 *db, const char *sql, struct tl_error *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "refreshing the impact lists");
    return TL_OK;
}

/* Gets r ready to read db's occurrences, inside a transaction (the
 * caller's write transaction, or a helper's read one) that has written
 * nothing to passages_fts. */
static enum tl_status
refresh_open(struct refresh *r, sqlite3 *db,
             const struct tl_impact_lens *lens,
             const double ref[TL_RANK_COLUMNS], struct tl_error *err)
{
    struct tl_error ignored = { 0 };

    memset(r, 0, sizeof *r);
    r->db = db;
    tl_impact_top_init(&r->top, lens, ref);
    if (exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.tl_vocab_inst "
                 "USING fts5vocab(main, passages_fts, instance)", err)
        != TL_OK)
        return TL_ERR_DB;
    if (sqlite3_prepare_v2(db, "SELECT doc, col FROM temp.tl_vocab_inst "
                           "WHERE term = ?1", -1, &r->occurrences, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "refreshing the impact lists");
    if (getenv("TALAASH_NO_PAGE_READER") == NULL
        && tl_fts5_open_unwritten(db, &r->pages, &ignored) != TL_OK)
        r->pages = NULL;
    return TL_OK;
}

static void
refresh_close(struct refresh *r)
{
    tl_fts5_close(r->pages);
    r->pages = NULL;
    sqlite3_finalize(r->occurrences);
    tl_impact_top_release(&r->top);
    r->occurrences = NULL;
}

/* ---- sharing the terms out ------------------------------------------------ */

/* More than one thread per core gains nothing; the first is the
 * caller's. */
#define REFRESH_THREADS_MAX 4

static int refresh_threads = 0;     /* 0: one per core; < 0: tests */

void
tl_impact_refresh_threads(int n)
{
    refresh_threads = n;
}

static tl_impact_meanwhile_fn meanwhile_fn;
static void *meanwhile_ctx;

void
tl_impact_refresh_meanwhile(tl_impact_meanwhile_fn fn, void *ctx)
{
    meanwhile_fn = fn;
    meanwhile_ctx = ctx;
}

/* The work of a refresh, shared by its threads.  The helpers start
 * while the calling thread still reads the vocabulary: the listed terms
 * grow (under mu) as it reads them. */
struct share {
    pthread_mutex_t mu;
    pthread_cond_t more;        /* a term was listed, or the last one */
    char **terms;               /* the listed terms */
    size_t n_terms, next;       /* next: the next to take */
    int listed;                 /* the vocabulary is read */
    struct made *done;          /* made by helpers, to be written */
    int failed;
    struct tl_error err;        /* the first helper's error */
};

/* The next term to make, its index in *i; waits for the vocabulary to
 * list more; NULL when none is left (or the refresh failed). */
static const char *
take(struct share *sh, size_t *i)
{
    const char *term = NULL;

    pthread_mutex_lock(&sh->mu);
    while (!sh->failed && !sh->listed && sh->next == sh->n_terms)
        pthread_cond_wait(&sh->more, &sh->mu);
    if (!sh->failed && sh->next < sh->n_terms) {
        *i = sh->next++;
        term = sh->terms[*i];
    }
    pthread_mutex_unlock(&sh->mu);
    return term;
}

/* The vocabulary is read (failed: the refresh failed): the threads
 * waiting for terms go on. */
static void
listed(struct share *sh, int failed)
{
    pthread_mutex_lock(&sh->mu);
    sh->listed = 1;
    sh->failed |= failed;
    pthread_cond_broadcast(&sh->more);
    pthread_mutex_unlock(&sh->mu);
}

static void
made_free(struct made *m)
{
    while (m != NULL) {
        struct made *next = m->next;
        tl_buf_release(&m->l.blob);
        free(m);
        m = next;
    }
}

/* A helper thread: its own read-only connection, its own terms. */
struct helper {
    pthread_t thread;
    struct share *sh;
    const char *path;
    const struct tl_impact_lens *lens;
    double ref[TL_RANK_COLUMNS];
    int started;
};

static void *
helper_run(void *arg)
{
    struct helper *h = arg;
    struct share *sh = h->sh;
    struct tl_error err = { 0 };
    struct refresh *r = calloc(1, sizeof *r);
    sqlite3 *db = NULL;
    enum tl_status rs = r != NULL ? TL_OK
                        : tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
    const char *term;
    size_t i;

    if (rs == TL_OK)
        rs = tl_db_open(h->path, TL_DB_READONLY, &db, &err);
    /* read, not mapped: a map would put every page of the index it
     * reads into the process's resident memory (a search maps, to
     * read few pages fast) */
    if (rs == TL_OK
        && sqlite3_exec(db, "PRAGMA mmap_size = 0", NULL, NULL, NULL)
           != SQLITE_OK)
        rs = tl_error_db(&err, db, "refreshing the impact lists");
    /* one snapshot for the page reader */
    if (rs == TL_OK && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)
                       != SQLITE_OK)
        rs = tl_error_db(&err, db, "refreshing the impact lists");
    if (rs == TL_OK)
        rs = refresh_open(r, db, h->lens, h->ref, &err);
    while (rs == TL_OK && (term = take(sh, &i)) != NULL) {
        struct made *m = calloc(1, sizeof *m);
        if (m == NULL) {
            rs = tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
            break;
        }
        m->term = i;
        tl_buf_init(&m->l.blob, 0);
        rs = make_list(r, term, m, &err);
        if (rs != TL_OK) {
            made_free(m);
            break;
        }
        pthread_mutex_lock(&sh->mu);
        m->next = sh->done;
        sh->done = m;
        pthread_mutex_unlock(&sh->mu);
    }
    if (rs != TL_OK) {
        pthread_mutex_lock(&sh->mu);
        if (!sh->failed) {
            sh->failed = 1;
            sh->err = err;
        }
        pthread_mutex_unlock(&sh->mu);
    }
    if (r != NULL)
        refresh_close(r);
    if (db != NULL && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    free(r);
    tl_db_close(db);
    return NULL;
}

/* Threads for a refresh of db, the caller's included: 1 for an
 * in-memory or temporary database (no other connection can read it).
 * *caller_makes_out 0 when the caller only writes what the others make
 * (tl_impact_refresh_threads() below 0: the tests' way to make sure
 * the helpers do the work). */
static int
threads_for(sqlite3 *db, int *caller_makes_out)
{
    const char *path = sqlite3_db_filename(db, "main");
    long n = refresh_threads;

    *caller_makes_out = 1;
    if (path == NULL || path[0] == '\0')
        return 1;
    if (n < 0) {
        *caller_makes_out = 0;
        n = 1 - n;
    } else if (n == 0) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
    }
    return n < 1 ? 1 : n > REFRESH_THREADS_MAX ? REFRESH_THREADS_MAX : (int)n;
}

/* ---- the refresh ------------------------------------------------------------ */

/* Writes one made list. */
/* Writes term's list l with insert (impacts' five columns). */
static enum tl_status
put_list(sqlite3_stmt *insert, const char *term,
         const struct tl_impact_made_list *l, struct tl_impact_stats *stats,
         struct tl_error *err)
{
    sqlite3_reset(insert);
    sqlite3_bind_text(insert, 1, term, -1, SQLITE_STATIC);
    sqlite3_bind_int64(insert, 2, l->df);
    sqlite3_bind_double(insert, 3, l->cutoff);
    sqlite3_bind_blob(insert, 4, l->blob.data != NULL ? l->blob.data : "",
                      (int)l->blob.len, SQLITE_STATIC);
    if (l->adf >= 0)
        sqlite3_bind_int64(insert, 5, l->adf);
    else
        sqlite3_bind_null(insert, 5);
    if (sqlite3_step(insert) != SQLITE_DONE)
        return tl_error_db(err, sqlite3_db_handle(insert),
                           "writing an impact list");
    stats->terms++;
    stats->entries += l->entries;
    stats->postings += l->postings;
    return TL_OK;
}

/* Writes one made list. */
static enum tl_status
write_list(sqlite3_stmt *insert, struct share *sh, const struct made *m,
           struct tl_impact_stats *stats, struct tl_error *err)
{
    return put_list(insert, sh->terms[m->term], &m->l, stats, err);
}

/* What the lists describe: the index's totals tot, passages up to
 * max_passage, the default parameters. */
static enum tl_status
state_write(sqlite3 *db, const struct tl_impact_totals *tot,
            int64_t max_passage, struct tl_error *err)
{
    struct tl_impact_state state;
    struct tl_rank_params p;

    tl_rank_params_init(&p);
    memset(&state, 0, sizeof state);
    state.covered = *tot;
    state.ref = *tot;
    state.max_passage = max_passage;
    state.k1 = p.k1;
    state.b = p.b;
    memcpy(state.w, p.w, sizeof state.w);
    return tl_impact_state_write(db, &state, err);
}

/* Writes the lists the helpers made so far. */
static enum tl_status
write_done(sqlite3_stmt *insert, struct share *sh,
           struct tl_impact_stats *stats, struct tl_error *err)
{
    struct made *list;
    enum tl_status rs = TL_OK;

    pthread_mutex_lock(&sh->mu);
    list = sh->done;
    sh->done = NULL;
    pthread_mutex_unlock(&sh->mu);
    for (struct made *m = list; rs == TL_OK && m != NULL; m = m->next)
        rs = write_list(insert, sh, m, stats, err);
    made_free(list);
    return rs;
}

/* Reading the vocabulary: every term into terms, and those in at least
 * min_df passages into sh->terms. */
struct vocab {
    sqlite3 *db;
    sqlite3_stmt *put;
    long min_df;
    struct share *sh;
    size_t cap;
    enum tl_status rs;
    struct tl_error *err;
    struct tl_buf last;         /* the last term read */
    long seen, cut_at;          /* tl_impact_refresh_vocab_cut() */
    int cut;
};

static long vocab_cut;

void
tl_impact_refresh_vocab_cut(long n)
{
    vocab_cut = n;
}

static int
vocab_term(void *ctx, const unsigned char *term, int n_term, int64_t df)
{
    struct vocab *v = ctx;
    struct share *sh = v->sh;
    char *copy;

    if (v->cut_at > 0 && v->seen++ == v->cut_at) {
        v->cut = 1;     /* as if the pages from here were not understood */
        return 1;
    }

    sqlite3_reset(v->put);
    sqlite3_bind_text(v->put, 1, (const char *)term, n_term, SQLITE_STATIC);
    sqlite3_bind_int64(v->put, 2, df);
    if (sqlite3_step(v->put) != SQLITE_DONE) {
        v->rs = tl_error_db(v->err, v->db, "writing the vocabulary");
        return 1;
    }
    tl_buf_reset(&v->last);
    if (tl_buf_append(&v->last, (const char *)term, (size_t)n_term)
        != TL_OK)
        goto nomem;
    if (df < (v->min_df > 1 ? v->min_df : 1))
        return 0;
    copy = malloc((size_t)n_term + 1);
    if (copy == NULL)
        goto nomem;
    memcpy(copy, term, (size_t)n_term);
    copy[n_term] = '\0';
    pthread_mutex_lock(&sh->mu);
    if (sh->n_terms == v->cap) {
        size_t nc = v->cap != 0 ? 2 * v->cap : 256;
        char **p = realloc(sh->terms, nc * sizeof *p);
        if (p == NULL) {
            pthread_mutex_unlock(&sh->mu);
            free(copy);
            goto nomem;
        }
        sh->terms = p;
        v->cap = nc;
    }
    sh->terms[sh->n_terms++] = copy;
    pthread_cond_signal(&sh->more);
    pthread_mutex_unlock(&sh->mu);
    return 0;
nomem:
    v->rs = tl_error_set(v->err, TL_ERR_NOMEM, "out of memory");
    return 1;
}

/* Reads the vocabulary: from the pages of a one-segment index (pages may
 * be NULL), else from fts5vocab's "row" table. */
static enum tl_status
read_vocabulary(sqlite3 *db, const struct tl_fts5 *pages, long min_df,
                struct share *sh, struct tl_error *err)
{
    struct vocab v = { db, NULL, min_df, sh, 0, TL_OK, err, { 0 }, 0, 0, 0 };
    sqlite3_stmt *terms = NULL;
    int rc = SQLITE_DONE, after = 0;

    tl_buf_init(&v.last, 0);
    if (sqlite3_prepare_v2(db, "INSERT INTO terms (term, df) VALUES "
                           "(?1, ?2)", -1, &v.put, NULL) != SQLITE_OK) {
        v.rs = tl_error_db(err, db, "refreshing the impact lists");
        goto out;
    }
    if (pages != NULL && getenv("TALAASH_NO_PAGE_READER") == NULL) {
        v.cut_at = vocab_cut;
        if ((tl_fts5_vocab(pages, vocab_term, &v) == TL_FTS5_EOF && !v.cut)
            || v.rs != TL_OK)
            goto out;
        v.cut_at = 0;
        /* pages it does not understand: on through FTS5 from after the
         * last term read (both read the terms in the same order; the
         * ones read are listed, and some may be made already) */
        after = v.last.len > 0;
    }
    if (sqlite3_prepare_v2(db, after ? "SELECT term, doc FROM "
                           "temp.tl_vocab_row WHERE term > ?1"
                           : "SELECT term, doc FROM temp.tl_vocab_row",
                           -1, &terms, NULL) != SQLITE_OK) {
        v.rs = tl_error_db(err, db, "refreshing the impact lists");
        goto out;
    }
    if (after)
        sqlite3_bind_text(terms, 1, v.last.data, (int)v.last.len,
                          SQLITE_TRANSIENT);
    while (v.rs == TL_OK && (rc = sqlite3_step(terms)) == SQLITE_ROW)
        vocab_term(&v, sqlite3_column_text(terms, 0),
                   sqlite3_column_bytes(terms, 0),
                   sqlite3_column_int64(terms, 1));
    if (v.rs == TL_OK && rc != SQLITE_DONE)
        v.rs = tl_error_db(err, db, "reading the vocabulary");
out:
    sqlite3_finalize(terms);
    sqlite3_finalize(v.put);
    tl_buf_release(&v.last);
    return v.rs;
}

/* ---- a first build's lists, made already ---------------------------------- */

static struct tl_impact_made *made_next;

void
tl_impact_refresh_made(struct tl_impact_made *m)
{
    made_next = m;
}

/* Terms a statement inserts at once: one statement step for 64 rows
 * (41,888 single-row steps took 17 ms of a first build's end). */
#define TERMS_AT_ONCE 64

struct made_writer {
    sqlite3_stmt *st;           /* one row */
    sqlite3_stmt *many;         /* TERMS_AT_ONCE rows */
    struct {
        const unsigned char *term;  /* the vocabulary's own bytes */
        int n;
        int64_t df;
    } held[TERMS_AT_ONCE];
    int n_held;
    struct tl_impact_stats *stats;
    enum tl_status rs;
    struct tl_error *err;
};

/* Inserts the held terms: TERMS_AT_ONCE through many, fewer one by
 * one. */
static int
made_terms_flush(struct made_writer *mw)
{
    sqlite3_stmt *st = mw->n_held == TERMS_AT_ONCE ? mw->many : mw->st;

    for (int i = 0; i < mw->n_held; i++) {
        int at = st == mw->many ? 2 * i : 0;
        sqlite3_bind_text(st, at + 1, (const char *)mw->held[i].term,
                          mw->held[i].n, SQLITE_STATIC);
        sqlite3_bind_int64(st, at + 2, mw->held[i].df);
        if (st == mw->many && i + 1 < mw->n_held)
            continue;
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            mw->rs = tl_error_db(mw->err, sqlite3_db_handle(st),
                                 "writing the vocabulary");
            return 1;
        }
    }
    mw->n_held = 0;
    return 0;
}

static int
made_term(void *ctx, const unsigned char *term, int n, int64_t df)
{
    struct made_writer *mw = ctx;

    mw->held[mw->n_held].term = term;
    mw->held[mw->n_held].n = n;
    mw->held[mw->n_held].df = df;
    if (++mw->n_held < TERMS_AT_ONCE)
        return 0;
    return made_terms_flush(mw);
}

static int
made_list(void *ctx, const char *term, const struct tl_impact_made_list *l)
{
    struct made_writer *mw = ctx;

    mw->rs = put_list(mw->st, term, l, mw->stats, mw->err);
    return mw->rs != TL_OK;
}

/* Writes the lists m made, when they fit db (*used_out 1), in a
 * transaction of its own: the vocabulary and the caller's other work
 * first, while m's makers may still be at work, then the lists.  Makers
 * that failed leave the refresh to the pages (*used_out 0). */
static enum tl_status
refresh_from_made(sqlite3 *db, struct tl_impact_made *m, long min_df,
                  struct tl_impact_stats *stats, int *used_out,
                  struct tl_error *err)
{
    struct made_writer mw;
    struct tl_impact_totals tot;
    sqlite3_stmt *max = NULL;
    int64_t max_passage = 0;
    enum tl_status rs;

    *used_out = 0;
    memset(&mw, 0, sizeof mw);
    mw.stats = stats;
    mw.rs = TL_OK;
    mw.err = err;
    rs = tl_db_begin(db, 1, "refreshing the impact lists", err);
    if (rs != TL_OK)
        return rs;
    rs = tl_impact_totals(db, &tot, err);
    if (rs != TL_OK || !tl_impact_made_fits(m, min_df, &tot)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rs;      /* (not theirs: a refresh makes the lists) */
    }
    *used_out = 1;
    stats->made = 1;
    rs = exec(db, "DELETE FROM impacts; DELETE FROM impact_state; "
                  "DELETE FROM terms; DELETE FROM impact_removed", err);
    if (rs == TL_OK
        && (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM "
                               "passages", -1, &max, NULL) != SQLITE_OK
            || sqlite3_step(max) != SQLITE_ROW))
        rs = tl_error_db(err, db, "refreshing the impact lists");
    if (rs == TL_OK)
        max_passage = sqlite3_column_int64(max, 0);
    sqlite3_finalize(max);
    if (rs == TL_OK) {
        /* "INSERT ... VALUES (?, ?), (?, ?), ..." */
        char sql[64 + TERMS_AT_ONCE * 8];
        size_t k = (size_t)snprintf(sql, sizeof sql, "INSERT INTO terms "
                                    "(term, df) VALUES (?, ?)");
        for (int i = 1; i < TERMS_AT_ONCE; i++)
            k += (size_t)snprintf(sql + k, sizeof sql - k, ", (?, ?)");
        if (sqlite3_prepare_v2(db, "INSERT INTO terms (term, df) VALUES "
                               "(?1, ?2)", -1, &mw.st, NULL) != SQLITE_OK
            || sqlite3_prepare_v2(db, sql, -1, &mw.many, NULL) != SQLITE_OK)
            rs = tl_error_db(err, db, "refreshing the impact lists");
    }
    if (rs == TL_OK) {
        tl_impact_made_vocab(m, made_term, &mw);
        if (mw.rs == TL_OK)
            made_terms_flush(&mw);
        rs = mw.rs;
    }
    sqlite3_finalize(mw.st);
    sqlite3_finalize(mw.many);
    mw.st = mw.many = NULL;
    if (rs == TL_OK && meanwhile_fn != NULL)
        rs = meanwhile_fn(db, meanwhile_ctx, err);
    if (rs == TL_OK) {
        struct tl_error ignored = { 0 };
        if (tl_impact_made_wait(m, &ignored) != TL_OK) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            *used_out = 0;
            memset(stats, 0, sizeof *stats);
            return TL_OK;
        }
    }
    if (rs == TL_OK
        && sqlite3_prepare_v2(db, "INSERT INTO impacts (term, df, cutoff, "
                              "list, adf) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
                              &mw.st, NULL) != SQLITE_OK)
        rs = tl_error_db(err, db, "refreshing the impact lists");
    if (rs == TL_OK) {
        tl_impact_made_each(m, made_list, &mw);
        rs = mw.rs;
    }
    sqlite3_finalize(mw.st);
    if (rs == TL_OK)
        rs = state_write(db, &tot, max_passage, err);
    if (rs == TL_OK)
        rs = exec(db, "COMMIT", err);
    if (rs != TL_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rs;
}

enum tl_status
tl_impact_refresh(sqlite3 *db, long min_df, struct tl_impact_stats *stats,
                  struct tl_error *err)
{
    struct helper helpers[REFRESH_THREADS_MAX];
    struct tl_impact_totals tot;
    struct tl_impact_lens lens;
    struct refresh *r;
    struct share sh;
    struct made mine;
    sqlite3_stmt *insert = NULL;
    double ref[TL_RANK_COLUMNS];
    enum tl_status rs;
    int caller_makes, n_threads = threads_for(db, &caller_makes);
    const char *term;
    size_t i;

    memset(stats, 0, sizeof *stats);
    if (made_next != NULL) {
        int used = 0;
        rs = refresh_from_made(db, made_next, min_df, stats, &used, err);
        if (rs != TL_OK || used)
            return rs;
        memset(stats, 0, sizeof *stats);
    }
    memset(&lens, 0, sizeof lens);
    memset(&sh, 0, sizeof sh);
    memset(helpers, 0, sizeof helpers);
    tl_buf_init(&mine.l.blob, 0);
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.more, NULL);
    r = calloc(1, sizeof *r);
    if (r == NULL) {
        pthread_mutex_destroy(&sh.mu);
        pthread_cond_destroy(&sh.more);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    rs = exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.tl_vocab_row "
                  "USING fts5vocab(main, passages_fts, row)", err);
    if (rs == TL_OK)
        rs = tl_db_begin(db, 1, "refreshing the impact lists", err);
    if (rs != TL_OK)
        goto out;
    rs = tl_impact_totals(db, &tot, err);
    if (rs != TL_OK)
        goto rollback;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        ref[c] = tl_rank_avglen(tot.tokens[c], tot.rows);
    rs = tl_impact_lens_load(db, &lens, err);
    if (rs == TL_OK)
        rs = refresh_open(r, db, &lens, ref, err);
    if (rs == TL_OK
        && sqlite3_prepare_v2(db, "INSERT INTO impacts (term, df, cutoff, "
                              "list, adf) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
                              &insert, NULL) != SQLITE_OK)
        rs = tl_error_db(err, db, "refreshing the impact lists");
    if (rs == TL_OK)
        rs = exec(db, "DELETE FROM impacts; DELETE FROM impact_state; "
                      "DELETE FROM terms; DELETE FROM impact_removed", err);
    if (rs != TL_OK)
        goto rollback;
    /* the helpers read the index as committed: the lists and terms this
     * transaction writes are not theirs to read.  They start on the
     * terms as the vocabulary lists them. */
    for (int t = 1; t < n_threads; t++) {
        struct helper *h = &helpers[t];
        h->sh = &sh;
        h->path = sqlite3_db_filename(db, "main");
        h->lens = &lens;
        memcpy(h->ref, ref, sizeof h->ref);
        h->started = pthread_create(&h->thread, NULL, helper_run, h) == 0;
    }
    rs = read_vocabulary(db, r->pages, min_df, &sh, err);
    listed(&sh, rs != TL_OK);
    /* the caller's other work, while the helpers make lists */
    if (rs == TL_OK && meanwhile_fn != NULL)
        rs = meanwhile_fn(db, meanwhile_ctx, err);
    while (rs == TL_OK && caller_makes
           && (term = take(&sh, &i)) != NULL) {
        mine.term = i;
        rs = make_list(r, term, &mine, err);
        if (rs == TL_OK)
            rs = write_list(insert, &sh, &mine, stats, err);
        if (rs == TL_OK)
            rs = write_done(insert, &sh, stats, err);
    }
    if (rs != TL_OK) {          /* the helpers stop at their next term */
        pthread_mutex_lock(&sh.mu);
        sh.failed = 1;
        pthread_mutex_unlock(&sh.mu);
    }
    for (int t = 1; t < REFRESH_THREADS_MAX; t++)
        if (helpers[t].started)
            pthread_join(helpers[t].thread, NULL);
    /* a helper that could not start leaves its terms to the caller */
    while (rs == TL_OK && (term = take(&sh, &i)) != NULL) {
        mine.term = i;
        rs = make_list(r, term, &mine, err);
        if (rs == TL_OK)
            rs = write_list(insert, &sh, &mine, stats, err);
    }
    if (rs == TL_OK && sh.failed) {         /* a helper failed */
        if (err != NULL)
            *err = sh.err;
        rs = sh.err.code != TL_OK ? sh.err.code : TL_ERR_DB;
    }
    if (rs == TL_OK)
        rs = write_done(insert, &sh, stats, err);
    if (rs != TL_OK)
        goto rollback;
    rs = state_write(db, &tot, lens.max_id, err);
    if (rs != TL_OK)
        goto rollback;
    rs = exec(db, "COMMIT", err);
    if (rs == TL_OK)
        goto out;
rollback:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_finalize(insert);
    refresh_close(r);
    free(r);
    made_free(sh.done);
    for (size_t k = 0; k < sh.n_terms; k++)
        free(sh.terms[k]);
    free(sh.terms);
    tl_buf_release(&mine.l.blob);
    tl_impact_lens_release(&lens);
    pthread_mutex_destroy(&sh.mu);
    pthread_cond_destroy(&sh.more);
    return rs;
}
