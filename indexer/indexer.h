/* indexer.h - talaash-index's parts: finding files and indexing them. */
#ifndef TALAASH_INDEXER_H
#define TALAASH_INDEXER_H

#include "talaash.h"

struct file_list {
    char **paths;       /* absolute, sorted, unique; owned */
    size_t n;
    size_t cap;
    int skipped;        /* named files that cannot be indexed */
};

/* Adds the .txt and .md files at or below each of paths (folders are
 * walked recursively, hidden ones and symbolic links to folders are not
 * followed).  Unusable arguments are reported and counted in skipped. */
enum tl_status
walk_paths(char *const *paths, int n_paths, struct file_list *out,
           struct tl_error *err);
void file_list_release(struct file_list *l);

struct index_options {
    const char *db_path;
    int quiet;
};

/* Indexes the files; returns the exit status (0, 1 or 2). */
int run_index(const struct index_options *opt, char *const *paths,
              int n_paths);

#endif
