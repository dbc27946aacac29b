/*
 * impact_top.h - one term's impact list made from its passages, offered
 * in id order (lib/impact_top.c): what a refresh does for each term it
 * reads back from the index (lib/impact_refresh.c), and what a first
 * build does for each term its inverters hold (lib/impact_made.c).  Both
 * make byte for byte the same list from the same passages.
 */
#include "impact.h"

#ifndef TALAASH_IMPACT_TOP_H
#define TALAASH_IMPACT_TOP_H

/* The column lengths and the article of every passage, by id, side by
 * side (a posting's one cache line: apart, they took two misses).  The
 * lengths are packed in 4 bytes, body | title << 16 | author << 24, as
 * passage_lengths packs them (at 1,000,000 articles, 4.7 million
 * passages: 19 MB instead of 56 as three ints, the indexer's peak;
 * session 12); a passage whose lengths do not fit is TL_IMPACT_WIDE
 * there, its lengths in wide[], in id order. */
#define TL_IMPACT_WIDE UINT32_MAX
struct tl_impact_wide {
    int64_t id;
    int len[TL_RANK_COLUMNS];
};
struct tl_impact_passage {
    uint32_t len;           /* packed */
    int32_t article;        /* 0: unknown */
};
struct tl_impact_lens {
    struct tl_impact_passage *of;   /* max_id + 1 (cap_of allocated) */
    size_t cap_of;
    struct tl_impact_wide *wide;
    size_t n_wide, cap_wide;
    int64_t max_id;
    uint32_t max_body;      /* the longest packed body */
    int articles_known;     /* every article id fits in of[].article */
};

/* An empty table, grown by tl_impact_lens_put(). */
void tl_impact_lens_init(struct tl_impact_lens *l);
/* Room for ids 0 .. max_id, zeroed; -1 when out of memory. */
int tl_impact_lens_alloc(struct tl_impact_lens *l, int64_t max_id);
/* Keeps passage id's lengths and article (0: unknown), growing the table
 * as ids come (in increasing order, for wide[]); -1 when out of memory
 * or id is out of order. */
int tl_impact_lens_put(struct tl_impact_lens *l, int64_t id, int64_t article,
                       const int64_t len[TL_RANK_COLUMNS]);
void tl_impact_lens_release(struct tl_impact_lens *l);

/* One term's list as made: its df, the articles among its passages
 * (adf, -1 when not known), the cutoff and the encoded entries. */
struct tl_impact_made_list {
    int64_t df, adf;
    double cutoff;
    struct tl_buf blob;
    long long postings;
    size_t entries;
};

/* The best TL_IMPACT_LIST passages of one term: a min-heap by tf' of
 * small nodes, each naming its entry in e[] (a passage that enters
 * moves 16 bytes a level, not its entry's 56). */
struct tl_impact_hnode {
    double tfp;
    uint32_t at;            /* its entry in e[] */
};

/* The making of one list at a time (a thread's own). */
struct tl_impact_top {
    const struct tl_impact_lens *lens;  /* shared, read only */
    struct tl_rank_params p;
    double ref[TL_RANK_COLUMNS];
    /* per body length below n_norm: its normalisation, and the tf' of
     * one occurrence there (most postings), as tl_impact_tfp() makes
     * them */
    double *norm0, *tfp1;
    size_t n_norm;
    struct tl_impact_hnode a[TL_IMPACT_LIST];
    struct tl_impact_entry e[TL_IMPACT_LIST];
    size_t n;
    double cutoff;          /* the best tf' left out */
    int64_t df;
    long long postings;
    /* the term's articles, one per run of its passages (adf) */
    int32_t *arts;
    size_t n_arts, cap_arts;
    int arts_failed;        /* out of memory or an unknown article */
};

/* Ready to make lists with lens (complete: it sizes tables by it) and
 * the mean column lengths ref. */
void tl_impact_top_init(struct tl_impact_top *t,
                        const struct tl_impact_lens *lens,
                        const double ref[TL_RANK_COLUMNS]);
void tl_impact_top_release(struct tl_impact_top *t);
/* Starts a term's list. */
void tl_impact_top_start(struct tl_impact_top *t);
/* Passage id (greater than the term's passages before it) holds the
 * term tf[c] times in column c, n_pos occurrences in all. */
void tl_impact_top_passage(struct tl_impact_top *t, int64_t id,
                           const int tf[TL_RANK_COLUMNS], int n_pos);
/* The term's list into out (its blob reset and filled). */
enum tl_status tl_impact_top_finish(struct tl_impact_top *t,
                                    struct tl_impact_made_list *out,
                                    struct tl_error *err);

#endif
