/*
 * doc.c - an article as a list of blocks of clean text (struct tl_doc),
 * the form in which boilerplate rules, metadata extraction and passage
 * making see every input format.
 */
#include <stdlib.h>
#include <string.h>

#include "talaash.h"

static size_t count_words(const char *p, size_t len);

void
tl_doc_init(struct tl_doc *d)
{
    memset(d, 0, sizeof *d);
    tl_buf_init(&d->text, 0);
}

void
tl_doc_release(struct tl_doc *d)
{
    if (d == NULL)
        return;
    tl_buf_release(&d->text);
    free(d->blocks);
    tl_norm_free(d->norm);
    tl_doc_init(d);
}

void
tl_doc_reset(struct tl_doc *d)
{
    tl_buf_reset(&d->text);
    d->n_blocks = 0;
}

enum tl_status
tl_doc_add(struct tl_doc *d, const char *text, size_t len, size_t src_start,
           size_t src_end, int heading, struct tl_error *err)
{
    struct tl_block *b;

    if (d->n_blocks == d->cap) {
        size_t cap = d->cap != 0 ? d->cap * 2 : 32;
        struct tl_block *p = realloc(d->blocks, cap * sizeof *p);
        if (p == NULL)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        d->blocks = p;
        d->cap = cap;
    }
    b = &d->blocks[d->n_blocks];
    b->start = d->text.len;
    if (tl_buf_append(&d->text, text, len) != TL_OK
        || tl_buf_append(&d->text, "\n", 1) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "article too large");
    b->end = b->start + len;
    b->src_start = src_start;
    b->src_end = src_end;
    b->heading = heading;
    b->drop = NULL;
    b->words = count_words(text, len);
    d->n_blocks++;
    return TL_OK;
}

const char *
tl_doc_block(const struct tl_doc *d, size_t i, size_t *len_out)
{
    *len_out = d->blocks[i].end - d->blocks[i].start;
    return d->text.data + d->blocks[i].start;
}

/* Per byte: 1 white space; 2 a letter or digit starts here (ASCII
 * alphanumerics, or a UTF-8 lead byte other than 0xE2: general
 * punctuation, ’ “ — …, lives there); 0 else.  A table: every byte of
 * every block is counted. */
#define SPACE 1
#define WORD 2
static const unsigned char byte_kind[256] = {
    [' '] = SPACE, ['\t'] = SPACE, ['\n'] = SPACE, ['\r'] = SPACE,
    ['\f'] = SPACE, ['\v'] = SPACE,
    ['0'] = WORD, ['1'] = WORD, ['2'] = WORD, ['3'] = WORD, ['4'] = WORD,
    ['5'] = WORD, ['6'] = WORD, ['7'] = WORD, ['8'] = WORD, ['9'] = WORD,
    ['A'] = WORD, ['B'] = WORD, ['C'] = WORD, ['D'] = WORD, ['E'] = WORD,
    ['F'] = WORD, ['G'] = WORD, ['H'] = WORD, ['I'] = WORD, ['J'] = WORD,
    ['K'] = WORD, ['L'] = WORD, ['M'] = WORD, ['N'] = WORD, ['O'] = WORD,
    ['P'] = WORD, ['Q'] = WORD, ['R'] = WORD, ['S'] = WORD, ['T'] = WORD,
    ['U'] = WORD, ['V'] = WORD, ['W'] = WORD, ['X'] = WORD, ['Y'] = WORD,
    ['Z'] = WORD,
    ['a'] = WORD, ['b'] = WORD, ['c'] = WORD, ['d'] = WORD, ['e'] = WORD,
    ['f'] = WORD, ['g'] = WORD, ['h'] = WORD, ['i'] = WORD, ['j'] = WORD,
    ['k'] = WORD, ['l'] = WORD, ['m'] = WORD, ['n'] = WORD, ['o'] = WORD,
    ['p'] = WORD, ['q'] = WORD, ['r'] = WORD, ['s'] = WORD, ['t'] = WORD,
    ['u'] = WORD, ['v'] = WORD, ['w'] = WORD, ['x'] = WORD, ['y'] = WORD,
    ['z'] = WORD,
    [0xC0 ... 0xE1] = WORD, [0xE3 ... 0xFF] = WORD,
};

static size_t
count_words(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t n = 0;
    unsigned has = 0;   /* the run of non-space bytes so far has a word */

    /* words are white-space separated runs holding a letter or digit;
     * without branches (a word boundary every 6 bytes or so mispredicted
     * one) */
    for (size_t k = 0; k < len; k++) {
        unsigned kind = byte_kind[u[k]];
        unsigned space = kind == SPACE;
        n += space & has;
        has = (has | (kind == WORD)) & !space;
    }
    return n + has;
}

size_t
tl_doc_words(const struct tl_doc *d, size_t i)
{
    return d->blocks[i].words;
}

void
tl_doc_truncate(struct tl_doc *d, size_t i, size_t len)
{
    struct tl_block *b = &d->blocks[i];

    if (len < b->end - b->start) {
        b->end = b->start + len;
        b->words = count_words(d->text.data + b->start, len);
    }
}
