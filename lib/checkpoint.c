/*
 * checkpoint.c - a thread that copies the WAL into the database file
 * (checkpoint.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "checkpoint.h"

struct tl_checkpointer {
    sqlite3 *writer;            /* the connection that commits */
    sqlite3 *db;                /* the thread's own */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int asked, stopping;
    int busy;                   /* a checkpoint under way */
};

static void *
run(void *arg)
{
    struct tl_checkpointer *c = arg;

    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (!c->asked && !c->stopping)
            pthread_cond_wait(&c->cond, &c->lock);
        if (!c->asked)
            break;
        c->asked = 0;
        c->busy = 1;
        pthread_mutex_unlock(&c->lock);
        /* PASSIVE: copies what no reader still needs and never waits;
         * a failure only leaves more in the WAL */
        sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE,
                                  NULL, NULL);
        pthread_mutex_lock(&c->lock);
        c->busy = 0;
        pthread_cond_broadcast(&c->cond);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

enum tl_status
tl_checkpointer_start(sqlite3 *db, const char *path,
                      struct tl_checkpointer **out, struct tl_error *err)
{
    struct tl_checkpointer *c = calloc(1, sizeof *c);

    *out = NULL;
    if (c == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    c->writer = db;
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE, NULL)
        != SQLITE_OK) {
        tl_error_db(err, c->db, "opening a connection to checkpoint");
        sqlite3_close(c->db);
        free(c);
        return TL_ERR_DB;
    }
    /* a connection opens the WAL at its first read; a checkpoint
     * before it finds none */
    if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
                     NULL) != SQLITE_OK) {
        tl_error_db(err, c->db, "opening a connection to checkpoint");
        sqlite3_close(c->db);
        free(c);
        return TL_ERR_DB;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->cond);
        sqlite3_close(c->db);
        free(c);
        return tl_error_set(err, TL_ERR_NOMEM, "cannot start a thread");
    }
    sqlite3_wal_autocheckpoint(db, 0);
    *out = c;
    return TL_OK;
}

void
tl_checkpointer_poke(struct tl_checkpointer *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    c->asked = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

void
tl_checkpointer_wait(struct tl_checkpointer *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    while (c->asked || c->busy)
        pthread_cond_wait(&c->cond, &c->lock);
    pthread_mutex_unlock(&c->lock);
}

int
tl_checkpointer_wait_ms(struct tl_checkpointer *c, long ms)
{
    struct timespec until;
    int done;

    if (c == NULL)
        return 1;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += ms % 1000 * 1000000;
    until.tv_sec += ms / 1000 + until.tv_nsec / 1000000000;
    until.tv_nsec %= 1000000000;
    pthread_mutex_lock(&c->lock);
    while ((c->asked || c->busy)
           && pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
        ;
    done = !c->asked && !c->busy;
    pthread_mutex_unlock(&c->lock);
    return done;
}

void
tl_checkpointer_stop(struct tl_checkpointer *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cond);
    sqlite3_close(c->db);
    /* SQLite's default */
    sqlite3_wal_autocheckpoint(c->writer, 1000);
    free(c);
}
