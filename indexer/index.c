/*
 * index.c - talaash-index's run.  For each file: unchanged ones (same
 * size and mtime) are skipped unread; the others are read and ingested
 * (lib/ingest.c) by worker threads (pool.c) and stored by the main
 * thread, in file order: a file whose bytes are those of a stored article
 * whose file is gone is that article, renamed; a touched file is only
 * recorded.  Articles are committed in batches; --prune then forgets
 * articles whose files are gone.
 */
#include <errno.h>
#ifdef TL_TCMALLOC
#include <gperftools/malloc_extension_c.h>
#elif defined __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "compact.h"
#include "impact_merged.h"
#include "lengths.h"
#include "indexer.h"
#include "invert.h"

/* Seconds between progress line updates. */
#define PROGRESS_EVERY 0.25

struct counts {
    size_t indexed, passages, unchanged, moved, removed, skipped, warnings;
    size_t retagged;        /* articles tagged again with changed rules */
    size_t done, total;
    double bytes;
};

struct run {
    const struct index_options *opt;
    sqlite3 *db;
    struct tl_store *store;
    struct tl_topics *topics;
    struct manifest *manifest;
    int in_txn;
    int in_read;            /* a read transaction for the lookups */
    int pending;            /* articles in the open transaction */
    long batch;             /* articles per transaction */
    /* bulk mode: the workers' inverters (one per worker), the first
     * passage id of each job submitted since the last commit (by seq
     * from base on; 0: not stored), and a commit waiting for the jobs in
     * flight to be stored */
    struct tl_invert *inv[2 * (JOBS_MAX + 1)];
    int n_inv;
    /* bulk mode, a run of several batches: two generations of
     * inverters, gen's being stored while the workers fill the other
     * with the next batch's first jobs once it is ahead (jobs from seq
     * gen_end on, ahead_jobs of them; docs/bulk-index.md) */
    int n_gens, gen, ahead;
    uint64_t gen_end;
    size_t ahead_jobs;
    /* bulk mode: copies the WAL into the file while the run goes on */
    struct tl_checkpointer *ckpt;
    /* bulk mode into an empty database: the impact lists made from the
     * rows of the merge at the end (lib/impact_merged.h); made, when it
     * joined the segments */
    int first_build;
    struct tl_impact_merged *merged;
    struct tl_impact_made *merged_made;
    int64_t *first_of;
    size_t n_first, cap_first;
    /* the last commit left base and first_of for its list makers:
     * next_base from the next transaction on */
    uint64_t next_base;
    int rebase;
    uint64_t base, submitted;
    int commit_due;
    int progress;           /* draw a progress line on stderr */
    double t0, last_progress;
    struct counts c;
};

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Ends the lookups' read transaction, if open. */
static void
end_read(struct run *r)
{
    if (r->in_read)
        sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
    r->in_read = 0;
}

static int64_t map_row(void *ctx, int64_t row);

/* Bulk mode: the store's commits write the inverters of generation
 * r->gen. */
static enum tl_status
hand_inverters(struct run *r, struct tl_error *err)
{
    struct tl_store_hands hands = { r->inv + r->gen * r->n_inv, r->n_inv,
                                    map_row, r };
    return tl_store_bulk(r->store, &hands, err);
}

static enum tl_status
ensure_txn(struct run *r, struct tl_error *err)
{
    enum tl_status st;

    if (r->in_txn)
        return TL_OK;
    end_read(r);
    if (r->rebase) {
        /* the last commit's list makers map its rows: done first */
        tl_store_impacts_wait(r->store);
        r->base = r->next_base;
        r->n_first = 0;
        r->rebase = 0;
    }
    /* begun after the last batch's checkpoint, the transaction writes
     * the WAL from its start again (lib/checkpoint.h) */
    tl_checkpointer_wait(r->ckpt);
    st = tl_store_begin(r->store, err);
    if (st == TL_OK)
        r->in_txn = 1;
    return st;
}

static enum tl_status
commit(struct run *r, struct tl_error *err)
{
    enum tl_status st;

    r->commit_due = 0;
    if (!r->in_txn)
        return TL_OK;
    r->in_txn = 0;
    r->pending = 0;
    st = tl_store_commit(r->store, err);
    tl_checkpointer_poke(r->ckpt);
    /* every job submitted before the next batch's is stored and
     * written; the rows are numbered from there on once the next
     * transaction begins (the commit's list makers may still map the
     * last batch's) */
    r->next_base = r->ahead ? r->gen_end : r->submitted;
    r->rebase = 1;
    if (st == TL_OK && r->ahead && r->n_gens > 1) {
        /* the jobs ahead are the batch now, in the other inverters;
         * these wait a batch out without their tables (peak memory) */
        for (int i = 0; i < r->n_inv; i++)
            tl_invert_trim(r->inv[r->gen * r->n_inv + i]);
        r->gen ^= 1;
        st = hand_inverters(r, err);
    }
    r->ahead = 0;
    return st;
}

static void
show_progress(struct run *r, int last)
{
    double t = now_seconds(), el = t - r->t0;
    double rate = el > 0 ? r->c.bytes / 1e6 / el : 0;
    double eta = r->c.done > 0 ? el * (double)(r->c.total - r->c.done)
                                     / (double)r->c.done : 0;

    if (!r->progress || (!last && t - r->last_progress < PROGRESS_EVERY))
        return;
    r->last_progress = t;
    tl_cli_progress(last ? NULL : "%zu/%zu files, %.1f MB, %.1f MB/s, "
                    "ETA %.0f s", r->c.done, r->c.total, r->c.bytes / 1e6,
                    rate, eta);
}

static void
warn_encoding(struct run *r, const char *path, const struct tl_ingest *in)
{
    if (in->encoding != TL_ENC_CP1252)
        return;
    r->c.warnings++;
    if (r->progress)
        tl_cli_progress(NULL);
    tl_cli_warn("'%s' is not valid UTF-8: read as Windows-1252", path);
}

/* Looks a file up by the size and time the walk found (e): unchanged
 * files are counted and done; the others are submitted to the pool. */
static enum tl_status
submit_file(struct run *r, struct pool *pool, char **path_io,
            struct file_stat e, struct tl_error *err)
{
    const char *path = *path_io;
    enum tl_store_state state;
    enum tl_status st;

    /* lookups between the stores' transactions share one read
     * transaction: one statement alone locks and unlocks the file and
     * checks its size, three system calls a file (a re-run with nothing
     * changed at 200,000 articles spent most of its time there) */
    if (!r->in_txn && !r->in_read
        && sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
        r->in_read = 1;
    /* a fresh store (the database held no article when the run began)
     * has none at the path */
    state = TL_STORE_NEW;
    if (tl_store_fresh(r->store)) {
        st = TL_OK;
    } else if (e.size >= 0) {
        st = tl_store_lookup(r->store, path, e.size, e.mtime_ns, &state,
                             err);
    } else {
        /* walked without its size (the database had no article then) */
        struct stat sb;
        int known = stat(path, &sb) == 0;
        st = tl_store_lookup(r->store, path, known ? (int64_t)sb.st_size
                                                   : -1,
                             known ? (int64_t)sb.st_mtim.tv_sec * 1000000000
                                     + sb.st_mtim.tv_nsec : 0,
                             &state, err);
    }
    if (st != TL_OK)
        return st;
    if (state == TL_STORE_UNCHANGED && r->opt->rehash)
        state = TL_STORE_CHANGED;   /* read it: the hash decides */
    if (state == TL_STORE_UNCHANGED
        && manifest_find(r->manifest, path) == NULL) {
        r->c.unchanged++;
        r->c.done++;
        return TL_OK;
    }
    st = pool_submit(pool, *path_io, state, r->ahead ? r->gen ^ 1 : r->gen,
                     err);
    if (st != TL_OK)
        return st;
    r->submitted++;
    r->ahead_jobs += r->ahead;
    *path_io = NULL;        /* the pool's now */
    return TL_OK;
}

/* Bulk mode: job seq's passages have ids from first on. */
static enum tl_status
note_first(struct run *r, uint64_t seq, int64_t first, struct tl_error *err)
{
    size_t at = (size_t)(seq - r->base);

    if (seq < r->base || at >= ((size_t)1 << 40))
        return tl_error_set(err, TL_ERR_DB, "job %llu stored outside its "
                            "batch (from %llu): a bug",
                            (unsigned long long)seq,
                            (unsigned long long)r->base);
    if (at >= r->cap_first) {
        size_t cap = r->cap_first ? r->cap_first * 2 : 4096;
        while (cap <= at)
            cap *= 2;
        int64_t *p = realloc(r->first_of, cap * sizeof *p);
        if (p == NULL)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        r->first_of = p;
        r->cap_first = cap;
    }
    while (r->n_first <= at)
        r->first_of[r->n_first++] = 0;
    r->first_of[at] = first;
    return TL_OK;
}

/* Stores a job a worker finished.  TL_ERR_INPUT and TL_ERR_IO concern only
 * its file; anything else stops the run. */
static enum tl_status
store_job(struct run *r, struct job *j, struct tl_error *err)
{
    int listed = manifest_find(r->manifest, j->path) != NULL, same;
    enum tl_status st;

    r->c.done++;
    if (j->st != TL_OK) {
        if (j->err != NULL)
            *err = *j->err;
        else
            tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        return j->err != NULL ? j->st : TL_ERR_NOMEM;
    }
    r->c.bytes += (double)j->a.size;
    st = ensure_txn(r, err);
    if (st != TL_OK)
        return st;
    if (j->state == TL_STORE_CHANGED && !listed) {
        st = tl_store_touch_if_same(r->store, &j->a, &same, err);
        if (st != TL_OK || same) {      /* touched, not edited */
            r->c.unchanged += same;
            return st;
        }
    }
    if (j->state == TL_STORE_NEW && !tl_store_fresh(r->store)) {
        /* (a fresh store holds only this run's articles, whose files
         * are all there) */
        st = tl_store_adopt_if_moved(r->store, &j->a, &same, err);
        if (st != TL_OK || same) {      /* renamed, not edited */
            r->c.moved += same;
            return st;
        }
    }
    warn_encoding(r, j->path, &j->in);
    st = tl_store_put(r->store, &j->a, &j->in, r->topics, err);
    if (st != TL_OK)
        return st;
    if (tl_store_put_first(r->store) > 0)
        st = note_first(r, j->seq, tl_store_put_first(r->store), err);
    if (st != TL_OK)
        return st;
    r->c.indexed++;
    r->c.passages += j->in.n_passages;
    if (++r->pending >= r->batch || tl_store_bulk_bytes(r->store)
                                        > INDEX_BULK_BYTES) {
        /* in bulk mode, once the jobs in flight are stored: the
         * workers' lists hold them already */
        if (r->n_inv > 0)
            r->commit_due = 1;
        else
            st = commit(r, err);
    }
    return st;
}

/* A file's own problem is a warning; anything else is fatal. */
static int
file_problem(struct run *r, enum tl_status st, const struct tl_error *err)
{
    if (st != TL_ERR_INPUT && st != TL_ERR_IO)
        return 0;
    if (r->progress)
        tl_cli_progress(NULL);
    tl_cli_warn("%s", err->msg);
    r->c.skipped++;
    return 1;
}

/* Threads that read and ingest files (0: the main thread does). */
static int
workers(const struct run *r)
{
    return r->opt->jobs > 1 ? r->opt->jobs : 0;
}

/* The store's map from the workers' rows to passage ids
 * (tl_store_hands). */
static int64_t
map_row(void *ctx, int64_t row)
{
    const struct run *r = ctx;
    uint64_t seq = (uint64_t)row >> 24;
    int64_t i = row & (int64_t)(POOL_PASSAGES_MAX - 1);

    if (seq < r->base || seq - r->base >= r->n_first
        || r->first_of[seq - r->base] == 0)
        return 0;
    return r->first_of[seq - r->base] + i;
}

/* Bulk mode, once the batch's files are all in flight: may the next
 * batch's next file be submitted ahead?  While its inverters are the
 * other generation and the ring has room, as many as the articles
 * stored so far say take INDEX_AHEAD_BYTES: the writer stores none
 * until it has written the batch, and the workers go on meanwhile. */
static int
may_submit_ahead(const struct run *r, const struct pool *pool)
{
    double avg;

    if (r->n_gens < 2 || pool_room_ahead(pool) == 0
        || r->ahead_jobs >= (size_t)r->batch)
        return 0;
    avg = r->c.indexed > 0 ? r->c.bytes / (double)r->c.indexed : 4096.0;
    return (double)r->ahead_jobs * avg < (double)INDEX_AHEAD_BYTES;
}

/* Indexes the files: the main thread looks up and stores, workers read
 * and ingest. */
static enum tl_status
index_files(struct run *r, const struct file_list *files,
            struct tl_error *err)
{
    struct pool *pool = NULL;
    enum tl_status st;
    size_t i = 0;

    st = pool_new(workers(r), r->db, r->topics, r->manifest,
                  r->n_inv > 0 ? r->inv : NULL, r->n_inv,
                  r->n_gens > 1 ? POOL_AHEAD_MAX : 0, &pool, err);
    if (st != TL_OK)
        return st;

    while (st == TL_OK && (i < files->n || pool_pending(pool))) {
        /* bulk mode: no more in flight than the batch has room for,
         * so that it commits exactly --batch articles (fewer when some
         * of its files are skipped); the jobs after are the next
         * batch's, ahead */
        if (r->n_inv > 0 && !r->ahead
            && (r->commit_due || (size_t)r->pending + pool_in_flight(pool)
                                     >= (size_t)r->batch)) {
            r->ahead = 1;
            r->gen_end = r->submitted;
            r->ahead_jobs = 0;
        }
        if (i < files->n && (r->ahead ? may_submit_ahead(r, pool)
                                      : !pool_full(pool))) {
            char *path = file_list_path(files, i);
            st = path != NULL ? submit_file(r, pool, &path,
                                            file_list_stat(files, i++), err)
                              : tl_error_set(err, TL_ERR_NOMEM,
                                             "out of memory");
            free(path);         /* unless the pool took it */
            if (st != TL_OK && file_problem(r, st, err)) {
                r->c.done++;
                st = TL_OK;
            }
        } else if (r->ahead && pool_collected(pool) == r->gen_end) {
            st = commit(r, err);
        } else if (!r->in_txn && r->n_gens > 1 && i < files->n
                   && !tl_checkpointer_wait_ms(r->ckpt, 1)) {
            /* the next batch begins once the last one's checkpoint is
             * done (ensure_txn()): meanwhile the workers are kept busy
             * (their jobs above the usual share wait, slimmed) */
            continue;
        } else {
            st = store_job(r, pool_collect(pool), err);
            if (st != TL_OK && file_problem(r, st, err))
                st = TL_OK;
        }
        show_progress(r, 0);
    }
    pool_free(pool);
    end_read(r);
    return st;
}

static void
summary(const struct run *r, double seconds)
{
    const struct counts *c = &r->c;

    if (c->indexed == 0 && c->skipped == 0 && c->moved == 0
        && c->removed == 0 && c->retagged == 0) {
        tl_cli_info("nothing changed: %zu article%s already up to date "
                    "(%.2f s)", c->unchanged, c->unchanged == 1 ? "" : "s",
                    seconds);
        return;
    }
    tl_cli_info("indexed %zu article%s (%zu passage%s), %zu unchanged, "
                "%zu renamed, %zu removed, %zu skipped, %zu warning%s "
                "(%.2f s)", c->indexed, c->indexed == 1 ? "" : "s",
                c->passages, c->passages == 1 ? "" : "s", c->unchanged,
                c->moved, c->removed, c->skipped, c->warnings,
                c->warnings == 1 ? "" : "s", seconds);
}

/* Brings the impact lists (lib/impact.c), the article spans
 * (lib/spans.c) and the passage lengths (lib/lengths.c) up to date with
 * the index;
 * queries do without them while they are stale, so a run stopped here
 * loses nothing. */
/* The refresh's other work (tl_impact_refresh_meanwhile()). */
static enum tl_status
pack_early(sqlite3 *db, void *ctx, struct tl_error *err)
{
    (void)ctx;
    return tl_index_pack_early(db, err);
}

static int
made_off(void)
{
    const char *env = getenv("TALAASH_MADE_LISTS");

    return env != NULL && strcmp(env, "0") == 0;
}

static enum tl_status
refresh_impacts(struct run *r, struct tl_error *err)
{
    struct tl_impact_stats stats;
    /* the lengths first: the lists read them */
    enum tl_status st = tl_lengths_refresh(r->db, NULL, err);

    /* a new database's indexes are packed while the helpers make the
     * lists, not alone at the end (docs/bulk-index.md) */
    tl_impact_refresh_meanwhile(pack_early, NULL);
    /* the lists a first build made as it wrote the index
     * (TALAASH_MADE_LISTS=0: made again from the pages, for the tests) */
    tl_impact_refresh_made(made_off() ? NULL
                           : r->merged_made != NULL ? r->merged_made
                           : tl_store_impacts_made(r->store));
    if (st == TL_OK)
        st = tl_impact_update(r->db, TL_IMPACT_MIN_DF, &stats, err);
    tl_impact_refresh_meanwhile(NULL, NULL);
    tl_impact_refresh_made(NULL);
    tl_impact_merged_free(r->merged);
    r->merged = NULL;
    r->merged_made = NULL;
    if (st == TL_OK)
        st = tl_spans_refresh(r->db, NULL, err);
    return st;
}

/* One number from sql into *out. */
static enum tl_status
count_of(sqlite3 *db, const char *sql, long long *out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *out = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "counting what the index holds");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return tl_error_db(err, db, "counting what the index holds");
    return TL_OK;
}

/* The merge, which also makes a first build's impact lists as it goes
 * when its batches' lists were not made as they were written (more than
 * one batch): on the cores it leaves idle, instead of reading them back
 * from the merged pages (lib/impact_merged.h). */
static enum tl_status
merge_making_lists(struct run *r, struct tl_error *err)
{
    enum tl_status st;
    int ours = 0;

    if (!r->first_build || r->n_inv == 0 || made_off()
        || tl_store_impacts_made(r->store) != NULL)
        return tl_index_compact(r->db, NULL, err);
    /* the inverters are done with: what they hold goes back to the
     * system before the lists' tables are made (peak memory) */
    for (int i = 0; i < r->n_inv * r->n_gens; i++) {
        tl_invert_free(r->inv[i]);
        r->inv[i] = NULL;
    }
#if defined TL_TCMALLOC
    MallocExtension_ReleaseFreeMemory();
#elif defined __GLIBC__
    malloc_trim(0);
#endif
    /* the lists read every passage's lengths */
    st = tl_lengths_refresh(r->db, NULL, err);
    if (st == TL_OK)
        st = tl_impact_merged_new(r->db, TL_IMPACT_MIN_DF, &r->merged, err);
    if (st == TL_OK)
        st = tl_index_compact_tapped(r->db, tl_impact_merged_tap(r->merged),
                                     &ours, NULL, err);
    if (r->merged != NULL)
        r->merged_made = tl_impact_merged_done(r->merged,
                                               st == TL_OK && ours);
    return st;
}

/* Merges the index into one segment after a run that changed a tenth of
 * the archive or more, or left more than INDEX_SEGMENTS_MAX segments, or
 * when --optimize asks (lib/compact.h). */
static enum tl_status
compact(struct run *r, struct tl_error *err)
{
    long long total = 0, segments = 0;
    size_t changed = r->c.indexed + r->c.removed;
    enum tl_status st;

    if (!r->opt->optimize) {
        if (changed == 0)
            return TL_OK;
        st = count_of(r->db, "SELECT count(*) FROM articles", &total, err);
        if (st != TL_OK)
            return st;
        /* every segment's first leaf has a row in the page index */
        if ((long long)changed * INDEX_COMPACT_SHARE < total) {
            st = count_of(r->db, "SELECT count(DISTINCT segid) FROM "
                          "passages_fts_idx", &segments, err);
            if (st != TL_OK || segments <= INDEX_SEGMENTS_MAX)
                return st;
        }
    }
    if (r->progress)
        tl_cli_progress("merging the index into one segment");
    return merge_making_lists(r, err);
}

/* Turns the store's bulk mode on (docs/bulk-index.md) for a run that may
 * add many articles: more files than the database holds articles, and
 * INDEX_BULK_MIN_FILES of them at least.  TALAASH_BULK=1 or 0 decides
 * instead (for the tests). */
static enum tl_status
choose_bulk(struct run *r, size_t files, struct tl_error *err)
{
    const char *env = getenv("TALAASH_BULK");
    long long articles = 0;
    enum tl_status st;

    r->batch = r->opt->batch > 0 ? r->opt->batch : INDEX_BATCH_DEFAULT;
    if (env != NULL && *env != '\0') {
        if (strcmp(env, "0") == 0)
            return TL_OK;
    } else {
        if (files < INDEX_BULK_MIN_FILES)
            return TL_OK;
        st = count_of(r->db, "SELECT count(*) FROM articles", &articles,
                      err);
        if (st != TL_OK || (long long)files <= articles)
            return st;
    }
    if (r->opt->batch == 0)
        r->batch = INDEX_BULK_BATCH;
    /* into an empty table: the indexes by hash, path and date made at
     * the end (lib/index_defer.c) */
    r->first_build = articles == 0;
    if (articles == 0 && !r->opt->dry_run) {
        int deferred = 0;
        st = tl_index_defer(r->db, &deferred, err);
        if (st != TL_OK)
            return st;
    }
    /* the workers invert what the main thread stores */
    r->n_inv = workers(r) > 0 ? workers(r) : 1;
    /* several batches, on worker threads: a second generation for the
     * next batch's first jobs while one is written */
    r->n_gens = workers(r) > 0 && files > (size_t)r->batch ? 2 : 1;
    for (int i = 0; i < r->n_inv * r->n_gens; i++)
        if (tl_invert_new(&r->inv[i], err) != TL_OK)
            return TL_ERR_NOMEM;
    st = hand_inverters(r, err);
    /* a run that commits once: into a new database, its commit makes
     * the impact lists on the workers' threads (docs/bulk-index.md) */
    if (st == TL_OK && r->batch > 0 && files <= (size_t)r->batch)
        tl_store_make_impacts(r->store, TL_IMPACT_MIN_DF, r->n_inv);
    return st;
}

/* The one VACUUM an upgrade may ask for (lib/compact.h). */
static enum tl_status
vacuum_if_asked(struct run *r, struct tl_error *err)
{
    int asked = 0;
    enum tl_status st = tl_index_vacuum_asked(r->db, &asked, err);

    if (st != TL_OK || !asked)
        return st;
    if (r->progress)
        tl_cli_progress("giving back the space the old text took (once, "
                        "after the upgrade)");
    return tl_index_vacuum(r->db, err);
}

/* Loads --topics FILE, or the built-in rules. */
static enum tl_status
load_topics(struct run *r, sqlite3 *db, struct tl_error *err)
{
    if (r->opt->topics_path != NULL)
        return tl_topics_load_file(db, r->opt->topics_path, &r->topics, err);
    return tl_topics_parse(db, tl_default_topics, strlen(tl_default_topics),
                           NULL, &r->topics, err);
}

/* Tags the stored articles again when the topic rules are not those of
 * the last run (lib/topic_retag.c), in a transaction of its own. */
static enum tl_status
sync_topics(struct run *r, struct tl_error *err)
{
    int same = 0;
    enum tl_status st = tl_topics_recorded(r->db, r->topics, &same, NULL,
                                           err);

    if (st != TL_OK || same)
        return st;
    st = ensure_txn(r, err);
    if (st == TL_OK)
        st = tl_topics_sync(r->db, r->topics, &r->c.retagged, err);
    if (st == TL_OK)
        st = commit(r, err);
    if (st == TL_OK && r->c.retagged > 0 && !r->opt->quiet)
        tl_cli_info("the topic rules changed: tagged %zu stored article%s "
                    "again", r->c.retagged, r->c.retagged == 1 ? "" : "s");
    return st;
}

/* Does the walk need each file's size and time (stat())?  Only for
 * looking the files up, in a database that holds articles: a first
 * build leaves them to the workers' fstat(). */
static int
walk_sizes(struct run *r)
{
    long long held = 1;
    struct tl_error ignored = { 0 };

    if (r->opt->dry_run)
        return 0;
    /* (unknown sizes are looked up file by file: a failure here only
     * costs time) */
    if (count_of(r->db, "SELECT EXISTS (SELECT 1 FROM articles)", &held,
                 &ignored) != TL_OK)
        return 1;
    return held != 0;
}

/* --dry-run: ingest each file and (with --explain) show what would be
 * stored; the database is not opened. */
static int
dry_run(struct run *r, const struct file_list *files)
{
    struct tl_error err = { 0 };
    struct tl_article a;
    struct tl_ingest in;
    int status = 0;

    tl_article_init(&a);
    tl_ingest_init(&in);
    for (size_t i = 0; i < files->n; i++) {
        char *path = file_list_path(files, i);
        enum tl_status st = path != NULL
                            ? tl_article_load(path, &a, &err)
                            : tl_error_set(&err, TL_ERR_NOMEM,
                                           "out of memory");

        if (st == TL_OK)
            st = tl_ingest_article(r->db, r->topics,
                                   manifest_find(r->manifest, path), &a, &in,
                                   &err);
        if (st == TL_ERR_INPUT || st == TL_ERR_IO) {
            tl_cli_warn("%s", err.msg);
            r->c.skipped++;
            free(path);
            continue;
        }
        if (st == TL_OK)
            warn_encoding(r, path, &in);
        free(path);
        if (st != TL_OK) {
            tl_cli_error("%s", err.msg);
            status = 2;
            break;
        }
        r->c.indexed++;
        r->c.passages += in.n_passages;
        if (r->opt->explain
            && explain_article(stdout, r->db, r->topics, &a, &in, &err)
                   != TL_OK) {
            tl_cli_error("%s", err.msg);
            status = 2;
            break;
        }
    }
    tl_ingest_release(&in);
    tl_article_release(&a);
    if (status == 0 && !r->opt->quiet)
        tl_cli_info("dry run: %zu article%s (%zu passages) would be indexed, "
                    "%zu skipped; nothing was written", r->c.indexed,
                    r->c.indexed == 1 ? "" : "s", r->c.passages,
                    r->c.skipped);
    if (status == 0 && r->c.skipped > 0)
        status = 1;
    return status;
}

/* The walk of a run into a new database, on a thread of its own while
 * the database is made (its schema takes as long as the news corpus's
 * walk, about 9 ms; session 18). */
struct early_walk {
    pthread_t thread;
    int started;
    char *const *paths;
    int n_paths;
    struct file_list *files;
    enum tl_status st;
    struct tl_error err;
};

static void *
early_walk_run(void *arg)
{
    struct early_walk *w = arg;

    /* a new database holds no article: no size is needed */
    w->st = walk_paths(w->paths, w->n_paths, 0, w->files, &w->err);
    return NULL;
}

/* Waits for the walk (if it started); its status, its error into err. */
static enum tl_status
early_walk_join(struct early_walk *w, struct tl_error *err)
{
    if (!w->started)
        return TL_OK;
    pthread_join(w->thread, NULL);
    w->started = 0;
    if (w->st != TL_OK)
        *err = w->err;
    return w->st;
}

/* Is the database at path not there yet (or empty)? */
static int
db_is_new(const char *path)
{
    struct stat sb;

    if (stat(path, &sb) != 0)
        return errno == ENOENT;
    return S_ISREG(sb.st_mode) && sb.st_size == 0;
}

int
run_index(const struct index_options *opt, char *const *paths, int n_paths)
{
    struct tl_error err = { 0 }, ignored = { 0 };
    struct tl_buf db_path;
    struct file_list files;
    struct early_walk ew;
    struct run r;
    int status = 2, walked = 0;

    memset(&r, 0, sizeof r);
    r.opt = opt;
    r.t0 = now_seconds();
    r.progress = !opt->quiet && !opt->dry_run && tl_cli_stderr_is_tty();
    tl_buf_init(&db_path, 0);
    memset(&files, 0, sizeof files);
    memset(&ew, 0, sizeof ew);
    if (opt->dry_run) {
        if (tl_db_open(":memory:", TL_DB_READWRITE, &r.db, &err) != TL_OK)
            goto fail;
    } else {
        if (tl_db_default_path(opt->db_path, &db_path, &err) != TL_OK)
            goto fail;
        if (db_is_new(db_path.data)) {
            ew.paths = paths;
            ew.n_paths = n_paths;
            ew.files = &files;
            ew.started = pthread_create(&ew.thread, NULL, early_walk_run,
                                        &ew) == 0;
        }
        /* the indexes an earlier first build left for its end, if it
         * was stopped before */
        if (tl_db_open(db_path.data, TL_DB_READWRITE, &r.db, &err) != TL_OK
            || tl_index_restore(r.db, NULL, &err) != TL_OK
            || tl_store_new(r.db, &r.store, &err) != TL_OK)
            goto fail;
    }
    /* the walk lists a path once: into an empty database, the store
     * need not look for what is stored at each */
    if (r.store != NULL)
        tl_store_expect_fresh(r.store);
    if (load_topics(&r, r.db, &err) != TL_OK
        || (opt->metadata_path != NULL
            && manifest_load(opt->metadata_path, &r.manifest, &err) != TL_OK))
        goto fail;
    walked = ew.started;
    if (walked ? early_walk_join(&ew, &err) != TL_OK
               : walk_paths(paths, n_paths, walk_sizes(&r), &files, &err)
                     != TL_OK)
        goto fail;
    file_list_warn(&files);
    r.c.skipped = (size_t)files.skipped;
    r.c.total = files.n;
    if (opt->dry_run) {
        status = dry_run(&r, &files);
        goto out;
    }
    r.batch = opt->batch > 0 ? opt->batch : INDEX_BATCH_DEFAULT;
    if (sync_topics(&r, &err) != TL_OK
        || choose_bulk(&r, files.n, &err) != TL_OK
        || (r.n_inv > 0
            && tl_checkpointer_start(r.db, db_path.data, &r.ckpt, &err)
                   != TL_OK)
        || index_files(&r, &files, &err) != TL_OK)
        goto fail;
    /* every file is stored: the list goes before the end of the run,
     * where a large build's memory peaks (a million paths, 20 MB) */
    file_list_release(&files);
    if (commit(&r, &err) != TL_OK)
        goto fail;
    if (opt->prune && tl_store_prune(r.store, &r.c.removed, &err) != TL_OK)
        goto fail;
    if (tl_store_tune_texts(r.store, &err) != TL_OK)
        goto fail;
    if (compact(&r, &err) != TL_OK || refresh_impacts(&r, &err) != TL_OK
        || tl_index_restore(r.db, NULL, &err) != TL_OK)
        goto fail;
    if (vacuum_if_asked(&r, &err) != TL_OK)
        goto fail;
    show_progress(&r, 1);
    if (!opt->quiet)
        summary(&r, now_seconds() - r.t0);
    status = r.c.skipped > 0 ? 1 : 0;
    goto out;
fail:
    if (r.progress)
        tl_cli_progress(NULL);
    tl_cli_error("%s", err.msg);
    if (r.store != NULL)
        tl_store_rollback(r.store);
out:
    tl_impact_refresh_made(NULL);
    tl_impact_merged_free(r.merged);
    tl_checkpointer_stop(r.ckpt);
    early_walk_join(&ew, &ignored);     /* (a failure before it ended) */
    file_list_release(&files);
    manifest_free(r.manifest);
    tl_topics_free(r.topics);
    tl_store_free(r.store);
    for (int i = 0; i < r.n_inv * r.n_gens; i++)
        tl_invert_free(r.inv[i]);
    free(r.first_of);
    tl_db_close(r.db);
    tl_buf_release(&db_path);
    return status;
}
