/* run.h - talaash's parts: options, the run, and the writers. */
#ifndef TALAASH_RUN_H
#define TALAASH_RUN_H

#include <stdio.h>

#include "talaash.h"

enum out_format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };
enum run_mode {
    MODE_PASSAGES, MODE_COUNT, MODE_ARTICLES, MODE_FACETS, MODE_TIMELINE,
    MODE_KWIC,
};
enum kwic_sort { KWIC_SORT_RANK, KWIC_SORT_LEFT, KWIC_SORT_RIGHT };

#define MAX_FILTERS 64
/* Marks a query word main() kept getopt from reading as options. */
#define QUERY_WORD_MARK '\x1f'

struct query_options {
    const char *db_path;
    long limit;
    long offset;
    long per_article;
    long context;               /* words of context in a snippet */
    enum tl_sort sort;
    enum tl_color color;
    enum out_format format;
    enum run_mode mode;
    const char *output;         /* --output FILE, NULL: stdout */
    const char *authors[MAX_FILTERS];
    size_t n_authors;
    const char *topics[MAX_FILTERS];
    size_t n_topics;
    struct tl_date since, until;
    int undated;
    int any;                    /* --any: any of the words */
    int explain;                /* --explain: why each passage scored */
    int exhaustive;             /* --exhaustive: no impact lists */
    int expand;                 /* --expand: pseudo-relevance feedback */
    int by_month;               /* --timeline --by month */
    enum kwic_sort kwic_sort;
    const char *synonyms_path;  /* --synonyms FILE */
    int no_synonyms;
};

/* Searches and prints; returns the exit status (0 hits, 1 none, 2 error). */
int run_query(const struct query_options *opt, char *const *words,
              int n_words);

/* ---- what every writer sees (out_text.c, export.c) ------------------ */

struct writer {
    FILE *out;
    enum out_format format;
    int color;
    int width;                  /* terminal columns for wrapping; 0: none */
    long context;
    char *cwd;                  /* paths under it are shown relative */
    struct tl_buf scratch;
    long rows;
};

void writer_init(struct writer *w, FILE *out, const struct query_options *o,
                 int color, int width);
void writer_release(struct writer *w);

/* Passages (MODE_PASSAGES). */
void write_hits_header(struct writer *w);
enum tl_status write_hit(struct writer *w, const struct tl_hit *hit,
                         struct tl_error *err);
/* Articles (--articles). */
void write_articles_header(struct writer *w);
void write_article(struct writer *w, const struct tl_article_row *row);
/* --count */
void write_count(struct writer *w, long passages, long articles);
/* --facets: one section per facet. */
void write_facet_header(struct writer *w, const char *facet);
void write_facet(struct writer *w, const char *facet, const char *value,
                 long passages, long articles);
/* --timeline */
void write_timeline(struct writer *w, char *const *labels,
                    const long *counts, size_t n);
/* --kwic: one line per occurrence. */
struct kwic_line {
    char *left, *word, *right;  /* owned by kwic.c */
    const char *path;           /* owned by kwic.c */
    int passage;
    int space_before, space_after;  /* white space around the word */
    char *key;                  /* --kwic-sort: the nearest word, folded
                                   (owned by kwic.c); NULL by rank */
    size_t order;               /* rank order, for ties */
};
void write_kwic_header(struct writer *w);
void write_kwic(struct writer *w, const struct kwic_line *k, int key_width);

/* --kwic (kwic.c): reads the passages of the search o, writes one line
 * per matched word (at most limit lines after skipping offset), sorted as
 * asked; *rows_out is the number of lines written. */
enum tl_status
kwic_run(sqlite3 *db, const struct tl_search_opts *o, struct writer *w,
         enum kwic_sort sort, long limit, long offset, long *rows_out,
         struct tl_error *err);

/* Relative path for display (text only). */
const char *shown_path(const struct writer *w, const char *path);

#endif
