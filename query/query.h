/* query.h - talaash's parts: the search run and its writers. */
#ifndef TALAASH_QUERY_H
#define TALAASH_QUERY_H

#include <stdio.h>

#include "talaash.h"

struct query_options {
    const char *db_path;
    long limit;
    enum tl_color color;
};

/* Searches and prints; returns the exit status (0 hits, 1 none, 2 error). */
int run_search(const struct query_options *opt, char *const *words,
               int n_words);

struct text_writer {
    FILE *out;
    int color;
    char *cwd;          /* paths under it are shown relative; owned */
};

void text_writer_init(struct text_writer *w, FILE *out, int color);
void text_writer_release(struct text_writer *w);
void text_write_hit(struct text_writer *w, const struct tl_hit *hit);

#endif
