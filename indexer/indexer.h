/* indexer.h - talaash-index's parts: finding files, the manifest,
 * explaining, and the run. */
#ifndef TALAASH_INDEXER_H
#define TALAASH_INDEXER_H

#include <stdint.h>
#include <stdio.h>

#include "talaash.h"

/* The files to index, absolute, sorted as strcmp() sorts them, unique.
 * Each is a folder, kept once (an archive has far fewer folders than
 * files), and a name: a million paths take about 22 MB, not the 72 MB
 * of a string each (docs/performance.md, session 12).  A walk that
 * stat()s the files (for the lookups of a database that holds
 * articles) keeps each file's size and time beside it (16 MB more a
 * million), so that looking the files up does not stat() them again
 * (session 16: 4 % of the news corpus's build); a first build's does
 * not need them (session 17: 12 MB less at 1,000,000 articles). */
struct file_entry {
    uint32_t dir;       /* index in dirs */
    uint32_t name;      /* offset in names */
    uint32_t at;        /* its size and time in stat[], when kept */
};
struct file_stat {
    int64_t size;       /* bytes; -1: not known */
    int64_t mtime_ns;   /* modification time, ns */
};
struct file_list {
    char **dirs;        /* folders, without the last '/'; owned */
    size_t n_dirs, cap_dirs;
    uint32_t *dir_slot; /* while walking: a table of dirs (index + 1) */
    size_t dir_slots;
    char *names;        /* the files' names, each ending in a NUL */
    size_t names_len, names_cap;
    struct file_entry *e;
    size_t n;
    size_t cap;
    struct file_stat *stat;     /* by entry's at; NULL: not walked so */
    size_t n_stat, cap_stat;
    int sized;          /* the walk keeps sizes and times */
    int skipped;        /* named files that cannot be indexed */
    struct tl_buf warnings;     /* the walk's, a line each */
};

/* Adds the .txt, .md and .html files at or below each of paths (folders
 * are walked recursively; hidden entries and symbolic links to folders
 * are passed over).  Unusable arguments are counted in skipped and
 * noted in warnings (file_list_warn() shows them: the walk may run on a
 * thread of its own while the database opens). */
enum tl_status
walk_paths(char *const *paths, int n_paths, int sizes,
           struct file_list *out, struct tl_error *err);
/* The i-th file's path, allocated (free() it); NULL when out of
 * memory. */
char *file_list_path(const struct file_list *l, size_t i);
/* The i-th file's size (-1: not known, the walk did not stat() it) and
 * modification time. */
struct file_stat file_list_stat(const struct file_list *l, size_t i);
void file_list_release(struct file_list *l);
/* Shows the walk's warnings, once. */
void file_list_warn(struct file_list *l);

/* --metadata FILE.csv (manifest.c). */
struct manifest;
enum tl_status
manifest_load(const char *path, struct manifest **out, struct tl_error *err);
/* The entry for an absolute path, or NULL (also when m is NULL). */
const struct tl_manifest_entry *
manifest_find(const struct manifest *m, const char *path);
void manifest_free(struct manifest *m);

/* --dry-run --explain (explain.c). */
enum tl_status
explain_article(FILE *out, sqlite3 *db, const struct tl_topics *topics,
                const struct tl_article *a, const struct tl_ingest *in,
                struct tl_error *err);

/* Reading and ingesting files on worker threads (pool.c). */
struct job {
    char *path;                 /* owned (pool_submit() takes it) */
    enum tl_store_state state;  /* as looked up before submitting */
    struct tl_article a;
    struct tl_ingest in;
    enum tl_status st;
    struct tl_error *err;       /* st's, when not TL_OK (NULL: out of
                                   memory); owned */
    int done;
    int gen;                    /* bulk mode: its inverters' generation */
    int slim;                   /* bulk mode: tl_ingest_slim() once
                                   inverted (a job ahead) */
    uint64_t seq;               /* submitted as the seq-th job */
};
/* Jobs in the ring per worker: with 4, on two cores the writer and the
 * workers kept waking each other (a worker finished, the ring was full;
 * the writer waited on the oldest job) and the news corpus's build used
 * 1.7 of its 2 cores; with 32, 1.9 (session 16: 1.36 -> 1.28 s). */
#define POOL_SLOTS_PER_WORKER 32
/* Jobs the writer waits for at once when it is ahead of the workers. */
#define POOL_WAKE_RUN 16
/* Bulk mode (docs/bulk-index.md): a worker inverts the passages of each
 * job it ingests, before the store has numbered them, as rows
 * POOL_ROW(job's seq, passage); the store maps them to passage ids at
 * the commit. */
#define POOL_PASSAGES_MAX ((size_t)1 << 24)
#define POOL_ROW(seq, i) ((int64_t)(((uint64_t)(seq) << 24) | (uint64_t)(i)))
/* Jobs the ring holds beyond its usual share, for the next batch's
 * first jobs submitted while the last batch is written (bulk mode; the
 * writer also keeps them under INDEX_AHEAD_BYTES). */
#define POOL_AHEAD_MAX 8192
struct pool;
/* workers == 0: jobs run at once in the caller, with main_db.  inv: for
 * the bulk mode, n_inv inverters per generation (one per worker, one
 * when workers == 0; generation g's from inv[g * n_inv]), which only
 * their worker fills while jobs are in flight; NULL otherwise.  ahead:
 * jobs the ring holds beyond the usual share (with workers). */
enum tl_status
pool_new(int workers, sqlite3 *main_db, const struct tl_topics *topics,
         const struct manifest *manifest, struct tl_invert *const *inv,
         int n_inv, size_t ahead, struct pool **out, struct tl_error *err);

void pool_free(struct pool *p);
/* The workers have the usual share of jobs waiting for them, or the
 * ring is full: collect one first (or submit ahead,
 * pool_room_ahead()).  Bulk mode: the jobs beyond the usual share in
 * flight are slimmed once inverted (tl_ingest_slim()), and freed once
 * collected. */
int pool_full(struct pool *p);
/* Slots free in the whole ring. */
size_t pool_room_ahead(const struct pool *p);
int pool_pending(const struct pool *p);
/* Jobs submitted and not collected yet. */
size_t pool_in_flight(const struct pool *p);
/* Jobs collected so far: the seq of the next one. */
uint64_t pool_collected(const struct pool *p);
/* Hands the job of path (allocated; the pool frees it, unless this
 * fails) to a worker, its passages inverted into generation gen's
 * inverters (bulk mode).  Fails only when out of memory or when the
 * ring is full. */
enum tl_status
pool_submit(struct pool *p, char *path, enum tl_store_state state, int gen,
            struct tl_error *err);
/* Waits for the oldest job not yet collected and returns it, valid
 * until the next pool_submit() or pool_collect(). */
struct job *pool_collect(struct pool *p);

struct index_options {
    const char *db_path;
    const char *topics_path;    /* --topics FILE, NULL: built-in rules */
    const char *metadata_path;  /* --metadata FILE.csv */
    int quiet;
    int prune;
    int rehash;                 /* --rehash: read files whose size and
                                   mtime are unchanged too */
    int dry_run;
    int explain;
    int jobs;                   /* worker threads; 0: one per core */
    long batch;                 /* articles per transaction (0: the
                                   default, INDEX_BATCH_DEFAULT or
                                   INDEX_BULK_BATCH) */
    int optimize;               /* --optimize: compact the index even
                                   after a small run */
};

/* A run that wrote or removed at least 1/INDEX_COMPACT_SHARE of the
 * stored articles merges the index into one segment at its end
 * (lib/compact.h): a full build always, a run that changed 1 % only when
 * the index has too many segments (below). */
#define INDEX_COMPACT_SHARE 10
/* ... or that left FTS5's index in more than this many segments: every
 * word of every query is looked up and merged in each of them, and the
 * small runs add a few each (a 200,000-article database after three 1 %
 * runs: 13 segments, the benchmark's queries p50/p95 9.5/34.9 ms against
 * 6.9/28.1 ms in one segment; the merge took 1.7 s; session 12). */
#define INDEX_SEGMENTS_MAX 8

/* Articles written per transaction unless --batch says otherwise: a kill
 * loses at most this many; FTS5 writes a segment at every commit, so
 * fewer, larger ones build faster (256 -> 2048: the news corpus ~15 %). */
#define INDEX_BATCH_DEFAULT 2048

/* A run over at least this many files, more than the database holds
 * articles, writes its new passages' index the bulk way
 * (docs/bulk-index.md): below it, FTS5's own writes cost little. */
#define INDEX_BULK_MIN_FILES 1000

/* ... and commits this many articles at a time unless --batch says
 * otherwise: each commit writes one segment, and fewer spare the merge
 * at the end (the news corpus: one segment, no merge).  The batch's
 * lists are held in memory until then, about 1 MB per 1,000 articles
 * (a commit comes sooner when they pass INDEX_BULK_BYTES). */
#define INDEX_BULK_BATCH 32768
#define INDEX_BULK_BYTES ((size_t)96 << 20)

/* While a batch of several is written, the next one's first files are
 * read and inverted, into a second set of inverters: as many as the
 * articles stored so far say take this many bytes (at most
 * POOL_AHEAD_MAX files; docs/bulk-index.md, "The next batch ahead"). */
#define INDEX_AHEAD_BYTES ((size_t)4 << 20)

/* Words in each connection's word -> stem cache (lib/tokenizer.c). */
#define INDEX_STEM_CACHE 65536

/* Worker threads at most (--jobs). */
#define JOBS_MAX 64

/* Indexes the files; returns the exit status (0, 1 or 2). */
int run_index(const struct index_options *opt, char *const *paths,
              int n_paths);

#endif
