/*
 * impact_merged.c - a build's impact lists made from its merge's rows
 * (impact_merged.h).
 *
 * The merge's thread hands each frequent key's rows over (the buffer
 * itself, not a copy) to a queue: a key in one piece, or, once its rows
 * outgrow PIECE_BYTES, in pieces as the merge goes.  One maker thread
 * takes them in order and makes each term's list with
 * tl_impact_made_rows(), its rows read piece after piece: a key's pieces
 * follow one another in the queue, as the merge hands them.  The queue
 * holds at most QUEUE_BYTES of rows (or one piece larger than that):
 * past it the merge waits for the maker, so memory stays bounded
 * whichever side is faster, and however many rows a term has (at
 * 1,000,000 articles the most frequent one's were 16.5 MB).  The
 * vocabulary is collected on the merge's thread, in key order.  A maker
 * that fails (out of memory) only leaves the lists to the refresh: the
 * merge goes on.
 */
#include "impact_merged.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fts5_varint.h"
#include "impact.h"
#include "impact_top.h"

#define PIECE_BYTES ((size_t)256 << 10)
#define QUEUE_BYTES ((size_t)4 << 20)

static size_t queue_bytes = QUEUE_BYTES, piece_bytes = PIECE_BYTES;

size_t
tl_impact_merged_queue(size_t bytes)
{
    size_t last = queue_bytes;

    queue_bytes = bytes > 0 ? bytes : QUEUE_BYTES;
    return last;
}

size_t
tl_impact_merged_piece(size_t bytes)
{
    size_t last = piece_bytes;

    piece_bytes = bytes > 0 ? bytes : PIECE_BYTES;
    return last;
}

/* One piece of a key's rows; first: the key's first piece (term set),
 * last: its last. */
struct job {
    struct job *next;
    unsigned char *term;
    int n;
    int first, last;
    struct tl_buf doclist;
};

struct tl_impact_merged {
    struct tl_impact_lens lens;
    struct tl_impact_made *made;
    struct tl_fts5_merge_tap tap;
    int pieces_open;            /* the merge is handing a key in pieces */
    pthread_mutex_t mu;
    pthread_cond_t more;        /* a piece, or the end, for the maker */
    pthread_cond_t room;        /* room in the queue, for the merge */
    struct job *head, *tail;
    size_t queued;              /* bytes of rows waiting */
    int closed;
    _Atomic int failed;         /* a list not made: none is kept */
    pthread_t thread;
    int started;
};

static void
job_free(struct job *j)
{
    if (j == NULL)
        return;
    free(j->term);
    tl_buf_release(&j->doclist);
    free(j);
}

/* The next piece, waiting for it: NULL once the queue is closed and
 * empty. */
static struct job *
take(struct tl_impact_merged *m)
{
    struct job *j;

    pthread_mutex_lock(&m->mu);
    while (m->head == NULL && !m->closed)
        pthread_cond_wait(&m->more, &m->mu);
    j = m->head;
    if (j != NULL) {
        m->head = j->next;
        if (m->head == NULL)
            m->tail = NULL;
        m->queued -= j->doclist.len;
        pthread_cond_broadcast(&m->room);
    }
    pthread_mutex_unlock(&m->mu);
    return j;
}

/* A term's rows, read piece after piece (tl_impact_rows_fn). */
struct reading {
    struct tl_impact_merged *m;
    struct job *j;              /* the piece being read */
    const unsigned char *p, *end;
    int64_t id;
};

static int
reading_next(void *it, int64_t *id, const unsigned char **pos, int *n_pos)
{
    struct reading *r = it;

    while (r->p >= r->end) {
        if (r->j == NULL || r->j->last)
            return 0;
        job_free(r->j);
        r->j = take(r->m);
        if (r->j == NULL || r->j->first) {
            /* the queue closed (or a new key) before the key's end: a
             * failure somewhere, and no list of it can be kept */
            r->m->failed = 1;
            if (r->j != NULL && r->j->first) {
                job_free(r->j);
                r->j = NULL;
            }
            return 0;
        }
        r->p = (const unsigned char *)r->j->doclist.data;
        r->end = r->p + r->j->doclist.len;
    }
    r->p = tl_fts5_doclist_row(r->p, &r->id, pos, n_pos);
    *id = r->id;
    return 1;
}

static void *
maker_run(void *arg)
{
    struct tl_impact_merged *m = arg;
    struct job *j;

    while ((j = take(m)) != NULL) {
        struct tl_error err = { 0 };
        struct reading r = { m, j, NULL, NULL, 0 };
        unsigned char *term;

        if (!j->first || m->failed) {
            job_free(j);                /* (a key begun in a failure) */
            continue;
        }
        /* the term outlives its piece: reading frees each as it ends */
        term = j->term;
        j->term = NULL;
        r.p = (const unsigned char *)j->doclist.data;
        r.end = r.p + j->doclist.len;
        if (tl_impact_made_rows(m->made, 0, term, j->n, reading_next, &r,
                                &err) != TL_OK) {
            pthread_mutex_lock(&m->mu);
            m->failed = 1;
            pthread_cond_broadcast(&m->room);
            pthread_mutex_unlock(&m->mu);
        }
        free(term);
        job_free(r.j);
    }
    return NULL;
}

/* The tap's rows: doclist's buffer queued for the maker. */
static enum tl_status
on_rows(void *ctx, const unsigned char *term, int n, struct tl_buf *doclist,
        int last, struct tl_error *err)
{
    struct tl_impact_merged *m = ctx;
    struct job *j;
    int first = !m->pieces_open;

    (void)err;
    m->pieces_open = !last;
    if (m->failed) {
        doclist->len = 0;
        return TL_OK;
    }
    j = calloc(1, sizeof *j);
    if (j != NULL && first)
        j->term = malloc(n > 0 ? (size_t)n : 1);
    if (j == NULL || (first && j->term == NULL)) {
        free(j);
        doclist->len = 0;
        m->failed = 1;                  /* the refresh reads the pages */
        return TL_OK;
    }
    if (first)
        memcpy(j->term, term, (size_t)n);
    j->n = n;
    j->first = first;
    j->last = last;
    j->doclist = *doclist;              /* taken */
    tl_buf_init(doclist, 0);
    pthread_mutex_lock(&m->mu);
    while (m->queued > 0 && m->queued + j->doclist.len > queue_bytes
           && !m->failed)
        pthread_cond_wait(&m->room, &m->mu);
    if (m->tail != NULL)
        m->tail->next = j;
    else
        m->head = j;
    m->tail = j;
    m->queued += j->doclist.len;
    pthread_cond_signal(&m->more);
    pthread_mutex_unlock(&m->mu);
    return TL_OK;
}

/* The tap's keys: the vocabulary. */
static enum tl_status
on_key(void *ctx, const unsigned char *term, int n, int64_t rows,
       struct tl_error *err)
{
    struct tl_impact_merged *m = ctx;

    (void)err;
    if (!m->failed) {
        struct tl_error ignored = { 0 };
        if (tl_impact_made_key(m->made, term, n, rows, &ignored) != TL_OK)
            m->failed = 1;
    }
    return TL_OK;
}

/* Closes the queue and waits for the maker. */
static void
maker_join(struct tl_impact_merged *m)
{
    pthread_mutex_lock(&m->mu);
    m->closed = 1;
    pthread_cond_broadcast(&m->more);
    pthread_mutex_unlock(&m->mu);
    if (m->started) {
        pthread_join(m->thread, NULL);
        m->started = 0;
    }
}

enum tl_status
tl_impact_merged_new(sqlite3 *db, long min_df, struct tl_impact_merged **out,
                     struct tl_error *err)
{
    struct tl_impact_merged *m = calloc(1, sizeof *m);
    struct tl_impact_totals tot;
    enum tl_status st;

    *out = NULL;
    if (m == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->more, NULL);
    pthread_cond_init(&m->room, NULL);
    st = tl_impact_totals(db, &tot, err);
    if (st == TL_OK)
        st = tl_impact_lens_load(db, &m->lens, err);
    if (st == TL_OK)
        st = tl_impact_made_new(min_df, &tot, &m->lens, 1, &m->made, err);
    if (st != TL_OK) {
        tl_impact_merged_free(m);
        return st;
    }
    m->tap.min_rows = min_df > 1 ? min_df : 1;
    m->tap.chunk = piece_bytes;
    m->tap.rows = on_rows;
    m->tap.key = on_key;
    m->tap.ctx = m;
    m->started = pthread_create(&m->thread, NULL, maker_run, m) == 0;
    if (!m->started) {
        tl_impact_merged_free(m);
        return tl_error_set(err, TL_ERR_NOMEM, "cannot start a thread");
    }
    *out = m;
    return TL_OK;
}

const struct tl_fts5_merge_tap *
tl_impact_merged_tap(struct tl_impact_merged *m)
{
    return &m->tap;
}

struct tl_impact_made *
tl_impact_merged_done(struct tl_impact_merged *m, int merged)
{
    maker_join(m);
    if (!merged || m->failed || m->pieces_open)
        return NULL;
    tl_impact_made_written(m->made, NULL);
    return m->made;
}

void
tl_impact_merged_free(struct tl_impact_merged *m)
{
    if (m == NULL)
        return;
    pthread_mutex_lock(&m->mu);
    m->failed = 1;                      /* the maker drops what is left */
    pthread_cond_broadcast(&m->room);
    pthread_mutex_unlock(&m->mu);
    maker_join(m);
    while (m->head != NULL) {
        struct job *j = m->head;
        m->head = j->next;
        job_free(j);
    }
    tl_impact_made_free(m->made);
    tl_impact_lens_release(&m->lens);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->more);
    pthread_cond_destroy(&m->room);
    free(m);
}
