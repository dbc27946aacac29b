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

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

/* A letter or digit starts here: ASCII alphanumerics, or a UTF-8 lead
 * byte other than 0xE2 (general punctuation: ’ “ — … live there). */
static int
is_word_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || (c >= 0xC0 && c != 0xE2);
}

static size_t
count_words(const char *p, size_t len)
{
    size_t n = 0, k = 0;

    /* words are white-space separated runs holding a letter or digit */
    while (k < len) {
        int has_word = 0;

        while (k < len && is_space((unsigned char)p[k]))
            k++;
        if (k == len)
            break;
        while (k < len && !is_space((unsigned char)p[k]))
            has_word |= is_word_start((unsigned char)p[k++]);
        n += (size_t)has_word;
    }
    return n;
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
