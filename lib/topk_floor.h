/*
 * topk_floor.h - a floor for a top-k scan capped per article: the k-th
 * best of the articles' best scores seen so far.  Every article's best
 * passage survives the cap, so the k best of those best scores are k
 * hits the answer can take; no passage below the k-th of them can be
 * among the first k.  The floor only rises as the scan goes on
 * (lib/topk_scan.c hands it to tl_rank_floor()).
 */
#include "talaash.h"

#ifndef TALAASH_TOPK_FLOOR_H
#define TALAASH_TOPK_FLOOR_H

struct tl_floor;

/* A floor over the k best keys (k >= 1); NULL when out of memory. */
struct tl_floor *tl_floor_new(size_t k);
void tl_floor_free(struct tl_floor *f);

/* Records an exact score of key (an article id, or a passage id when
 * every passage counts alone) and sets *floor_out to the floor: -HUGE_VAL
 * until k keys are known.  0 when out of memory (the floor is then
 * unchanged, and still right). */
int tl_floor_offer(struct tl_floor *f, int64_t key, double score,
                   double *floor_out);

#endif /* TALAASH_TOPK_FLOOR_H */
