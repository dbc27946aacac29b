/*
 * fuzz-clean.c - the boilerplate rules (lib/clean.c) and the passages
 * made of what they keep (lib/passage.c: tl_passages_make).
 *
 * Input: an article's text, read as a .txt file is (decoded, split into
 * paragraphs).  Checked: the rules only mark blocks or shorten them
 * (the kept part is a prefix of the block, cut between characters);
 * passages lie in their text buffer, are valid UTF-8, name kept blocks
 * in order, and together hold every kept block that has words.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_error err = { 0 };
    struct tl_doc d;
    struct tl_block *before = NULL;
    struct tl_buf text;
    struct tl_passage *ps = NULL;
    size_t n = 0;
    char *saved = NULL;

    tl_doc_init(&d);
    tl_buf_init(&text, 0);
    fuzz_doc_build(data, size, &d);
    fuzz_doc_check(&d, 1);
    if (d.n_blocks > 0) {
        before = malloc(d.n_blocks * sizeof *before);
        saved = fuzz_strndup((const uint8_t *)d.text.data, d.text.len);
        if (before == NULL)
            abort();
        memcpy(before, d.blocks, d.n_blocks * sizeof *before);
    }

    FUZZ_CHECK(tl_clean_boilerplate(&d, &err) == TL_OK, "clean: %s",
               err.msg);
    fuzz_doc_check(&d, 1);
    for (size_t i = 0; i < d.n_blocks; i++) {
        const struct tl_block *b = &d.blocks[i], *o = &before[i];
        FUZZ_CHECK(b->start == o->start && b->end <= o->end
                   && b->src_start == o->src_start
                   && b->src_end == o->src_end && b->heading == o->heading,
                   "block %zu moved", i);
    }
    FUZZ_CHECK(d.text.len == 0
               || memcmp(saved, d.text.data, d.text.len) == 0,
               "the rules changed the text");

    FUZZ_CHECK(tl_passages_make(&d, &text, &ps, &n, &err) == TL_OK,
               "passages: %s", err.msg);
    for (size_t i = 0; i < n; i++) {
        const struct tl_passage *p = &ps[i];

        FUZZ_CHECK(p->start <= p->end && p->end <= text.len,
                   "passage %zu: [%zu, %zu) of %zu bytes", i, p->start,
                   p->end, text.len);
        FUZZ_CHECK(p->end > p->start, "passage %zu is empty", i);
        FUZZ_CHECK(fuzz_utf8_valid(text.data + p->start, p->end - p->start),
                   "passage %zu is not valid UTF-8", i);
        FUZZ_CHECK(p->first_block <= p->last_block
                   && p->last_block < d.n_blocks, "passage %zu: blocks "
                   "%zu..%zu of %zu", i, p->first_block, p->last_block,
                   d.n_blocks);
        FUZZ_CHECK(d.blocks[p->first_block].drop == NULL
                   && d.blocks[p->last_block].drop == NULL,
                   "passage %zu starts or ends in a dropped block", i);
        FUZZ_CHECK(i == 0 || p->first_block >= ps[i - 1].last_block,
                   "passage %zu goes back to block %zu", i,
                   p->first_block);
        FUZZ_CHECK(p->src_start <= p->src_end, "passage %zu: source range",
                   i);
    }
    /* every kept block with a word is in some passage */
    for (size_t b = 0, k = 0; b < d.n_blocks; b++) {
        if (d.blocks[b].drop != NULL || tl_doc_words(&d, b) == 0)
            continue;
        while (k < n && ps[k].last_block < b)
            k++;
        FUZZ_CHECK(k < n && ps[k].first_block <= b, "kept block %zu (%zu "
                   "words) is in no passage", b, tl_doc_words(&d, b));
    }

    free(ps);
    free(before);
    free(saved);
    tl_buf_release(&text);
    tl_doc_release(&d);
    return 0;
}
