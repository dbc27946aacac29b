/*
 * pool.c - worker threads that read and ingest files while the main
 * thread stores them.  The main thread owns the database; each worker
 * owns an in-memory connection, used only to tokenize for topic matching
 * (struct tl_topics is immutable and shared).  Jobs live in a ring of
 * slots and are collected in the order they were submitted, so articles
 * are stored in file order and ids do not depend on thread timing.
 *
 * The ring has room for more jobs than the writer usually keeps in
 * flight: in bulk mode it submits the next batch's first jobs ahead
 * while it writes the last batch (docs/bulk-index.md, "The next batch
 * ahead").  A job keeps its memory for the next only while no more than
 * the usual share are kept; the jobs ahead are freed once stored.
 *
 * With no worker threads (--jobs 1), pool_submit() does the job at once
 * in the calling thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "invert.h"

struct pool {
    const struct tl_topics *topics;
    const struct manifest *manifest;
    sqlite3 *main_db;           /* for jobs done inline */
    struct job **slots;         /* job seq s at slots[s % n_slots] */
    size_t n_slots;
    size_t n_keep;              /* the usual share: jobs kept for reuse */
    struct job **spare;         /* stored jobs, their memory kept */
    size_t n_spare;
    struct job *last;           /* collected last: spare at the next call */
    size_t submitted, taken, collected;     /* job sequence numbers */
    int stopping;
    /* the collector sleeps until jobs wait_first and wait_last are done */
    int waiting;
    size_t wait_first, wait_last;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    pthread_t *threads;
    int n_threads;
    /* bulk mode: n_inv per generation (one per worker), generation g's
     * from inv[g * n_inv] */
    struct tl_invert *const *inv;
    int n_inv;
};

struct worker {
    struct pool *pool;
    sqlite3 *db;
    int idx;                    /* bulk mode: its inverter in each gen */
};

/* The inverter job j's passages go to, for worker idx (NULL: none). */
static struct tl_invert *
inverter(const struct pool *p, int idx, const struct job *j)
{
    return p->inv != NULL ? p->inv[j->gen * p->n_inv + idx] : NULL;
}

/* Bulk mode: job j's passages into inverter inv, as rows POOL_ROW(seq,
 * passage) (the store numbers them later).  An article of more passages
 * than a row can say is left to FTS5 (its tokens forgotten: the store
 * then hands it to FTS5 to tokenize). */
static void
invert_job(struct tl_invert *inv, struct job *j)
{
    struct tl_ingest *in = &j->in;
    size_t np = in->n_passages;

    if (in->tok_first == NULL)
        return;
    if (np >= POOL_PASSAGES_MAX) {
        free(in->tok_first);
        in->tok_first = NULL;
        return;
    }
    for (size_t i = 0; i < np; i++) {
        struct tl_invert_col cols[TL_FTS5_COLUMNS_W];
        struct tl_error ignored;
        tl_invert_columns(in, i, cols);
        /* out of memory: the inverter remembers it, the commit fails */
        if (tl_invert_row(inv, POOL_ROW(j->seq, i), cols, &ignored)
            != TL_OK)
            return;
    }
}

static void
run_job(struct pool *p, sqlite3 *db, struct tl_invert *inv, struct job *j)
{
    struct tl_error err;

    j->st = tl_article_load(j->path, &j->a, &err);
    if (j->st == TL_OK)
        j->st = tl_ingest_article(db, p->topics,
                                  manifest_find(p->manifest, j->path), &j->a,
                                  &j->in, &err);
    /* (a failed job's error is kept: NULL when out of memory) */
    if (j->st != TL_OK && (j->err = malloc(sizeof *j->err)) != NULL)
        *j->err = err;
    if (j->st == TL_OK && inv != NULL) {
        invert_job(inv, j);
        if (j->slim) {      /* the store reads neither */
            tl_ingest_slim(&j->in);
            tl_buf_release(&j->a.text);
        }
    }
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct pool *p = w->pool;

    for (;;) {
        struct job *j;
        int stopping;

        pthread_mutex_lock(&p->lock);
        while (!p->stopping && p->taken == p->submitted)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->taken == p->submitted) {     /* stopping, nothing left */
            pthread_mutex_unlock(&p->lock);
            break;
        }
        j = p->slots[p->taken++ % p->n_slots];
        stopping = p->stopping;
        pthread_mutex_unlock(&p->lock);

        /* stopping: jobs no one will collect are not done */
        if (!stopping)
            run_job(p, w->db, inverter(p, w->idx, j), j);

        pthread_mutex_lock(&p->lock);
        j->done = 1;
        if (p->waiting && (j->seq == p->wait_first || j->seq == p->wait_last))
            pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->lock);
    }
    tl_db_close(w->db);
    free(w);
    return NULL;
}

static void
job_free(struct job *j)
{
    if (j == NULL)
        return;
    free(j->path);
    free(j->err);
    tl_article_release(&j->a);
    tl_ingest_release(&j->in);
    free(j);
}

/* The job collected last goes back to the spares, with its memory, or
 * is freed when they are as many as the usual share (a job ahead). */
static void
recycle_last(struct pool *p)
{
    struct job *j = p->last;

    p->last = NULL;
    if (j == NULL)
        return;
    if (p->n_spare < p->n_keep) {
        free(j->path);
        j->path = NULL;
        free(j->err);
        j->err = NULL;
        p->spare[p->n_spare++] = j;
    } else {
        job_free(j);
    }
}

void
pool_free(struct pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    if (p->slots != NULL)
        for (size_t s = p->collected; s < p->submitted; s++)
            job_free(p->slots[s % p->n_slots]);
    job_free(p->last);
    for (size_t i = 0; i < p->n_spare; i++)
        job_free(p->spare[i]);
    free(p->spare);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    free(p->threads);
    free(p->slots);
    free(p);
}

enum tl_status
pool_new(int workers, sqlite3 *main_db, const struct tl_topics *topics,
         const struct manifest *manifest, struct tl_invert *const *inv,
         int n_inv, size_t ahead, struct pool **out, struct tl_error *err)
{
    struct pool *p = calloc(1, sizeof *p);
    enum tl_status st = TL_OK;

    *out = NULL;
    if (p == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    p->topics = topics;
    p->manifest = manifest;
    p->main_db = main_db;
    p->inv = inv;
    p->n_inv = n_inv;
    p->n_keep = workers > 0 ? (size_t)workers * POOL_SLOTS_PER_WORKER : 1;
    p->n_slots = p->n_keep + (workers > 0 ? ahead : 0);
    p->slots = calloc(p->n_slots, sizeof *p->slots);
    p->spare = calloc(p->n_keep, sizeof *p->spare);
    p->threads = calloc((size_t)(workers > 0 ? workers : 1),
                        sizeof *p->threads);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    if (p->slots == NULL || p->threads == NULL || p->spare == NULL) {
        pool_free(p);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < workers; i++) {
        struct worker *w = calloc(1, sizeof *w);
        if (w == NULL) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            break;
        }
        w->pool = p;
        w->idx = i;
        /* only the tokenizer: the schema's 13 migrations cost 5 ms a
         * worker, before any work could start */
        st = tl_db_open_tokenizer(&w->db, err);
        if (st != TL_OK) {
            free(w);
            break;
        }
        if (pthread_create(&p->threads[i], NULL, worker_main, w) != 0) {
            tl_db_close(w->db);
            free(w);
            st = tl_error_set(err, TL_ERR_NOMEM, "cannot start a thread");
            break;
        }
        p->n_threads++;
    }
    if (st != TL_OK) {
        pool_free(p);
        return st;
    }
    *out = p;
    return TL_OK;
}

int
pool_full(struct pool *p)
{
    size_t untaken;

    if (p->submitted - p->collected >= p->n_slots)
        return 1;
    pthread_mutex_lock(&p->lock);
    untaken = p->submitted - p->taken;
    pthread_mutex_unlock(&p->lock);
    return untaken >= p->n_keep;
}

size_t
pool_room_ahead(const struct pool *p)
{
    return p->n_slots - (p->submitted - p->collected);
}

uint64_t
pool_collected(const struct pool *p)
{
    return p->collected;
}

size_t
pool_in_flight(const struct pool *p)
{
    return p->submitted - p->collected;
}

int
pool_pending(const struct pool *p)
{
    return p->submitted != p->collected;
}

enum tl_status
pool_submit(struct pool *p, char *path, enum tl_store_state state, int gen,
            struct tl_error *err)
{
    struct job *j;

    recycle_last(p);
    if (p->submitted - p->collected >= p->n_slots)
        return tl_error_set(err, TL_ERR_DB, "the pool's ring is full");
    if (p->n_spare > 0) {
        j = p->spare[--p->n_spare];
    } else {
        j = calloc(1, sizeof *j);
        if (j == NULL)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        tl_article_init(&j->a);
        tl_ingest_init(&j->in);
    }
    j->path = path;
    j->state = state;
    j->seq = p->submitted;
    j->gen = p->inv != NULL ? gen : 0;
    /* beyond the usual share: it waits for the writer, slimmed */
    j->slim = p->inv != NULL && p->submitted - p->collected >= p->n_keep;
    j->done = 0;
    p->slots[p->submitted % p->n_slots] = j;
    if (p->n_threads == 0) {
        run_job(p, p->main_db, inverter(p, 0, j), j);
        j->done = 1;
        p->submitted++;
        p->taken++;
        return TL_OK;
    }
    pthread_mutex_lock(&p->lock);
    p->submitted++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return TL_OK;
}

struct job *
pool_collect(struct pool *p)
{
    struct job *j = p->slots[p->collected % p->n_slots];

    recycle_last(p);
    pthread_mutex_lock(&p->lock);
    if (!j->done) {
        /* the writer stores faster than the workers ingest: it sleeps
         * until a run of jobs is done, not once a job (a wake-up each
         * cost the workers 5 % of their time) */
        size_t last = p->collected + POOL_WAKE_RUN - 1;
        if (last >= p->submitted)
            last = p->submitted - 1;
        p->wait_first = p->collected;
        p->wait_last = last;
        p->waiting = 1;
        while (!j->done || !p->slots[last % p->n_slots]->done)
            pthread_cond_wait(&p->done, &p->lock);
        p->waiting = 0;
    }
    pthread_mutex_unlock(&p->lock);
    p->collected++;
    p->last = j;
    return j;   /* valid until the next pool_submit() or pool_collect() */
}
