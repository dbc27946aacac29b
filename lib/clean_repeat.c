/*
 * clean_repeat.c - the "repeat" boilerplate rule (lib/clean.c runs it
 * last): a block of REPEAT_MIN_WORDS or more words whose normalised text
 * equals an earlier kept block's, or a sentence of CONTAINED_MIN_WORDS to
 * PULL_QUOTE_WORDS words (not a heading) whose normalised text is a run
 * of words inside a longer kept block, is dropped: a pull quote is kept
 * once, where it was written.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash_word.h"
#include "talaash.h"

/* Blocks up to this many words can be headings, link lines, buttons. */
#define SHORT_WORDS 12
/* A block of fewer words is never a repeat (a short heading may recur). */
#define REPEAT_MIN_WORDS 4
/* A pull quote lifted from a paragraph has this many words, at least (a
 * shorter sentence may well recur inside another one) and at most. */
#define CONTAINED_MIN_WORDS 8
#define PULL_QUOTE_WORDS 60
/* Pull quotes are looked up by this many first (normalised) words. */
#define ANCHOR_WORDS CONTAINED_MIN_WORDS

/* ---- repeats and pull quotes -------------------------------------- */

/* The normalised text of the kept blocks: letters and digits only, ASCII
 * folded to lower case, every run of other characters one space, none at
 * either end ("Pakistan’s 'security' concerns." -> "pakistan s security
 * concerns").  Bytes of non-ASCII letters are kept as they are; Latin-1
 * punctuation (U+0080..U+00BF: no-break space, guillemets, middle dot)
 * and General Punctuation (U+2000..U+206F: dashes, curly quotes,
 * ellipsis, bullets) separate words.  Each word's hash (XXH3) and
 * start are kept as the text is made, for the two rules' tables. */
struct norm {
    struct tl_buf text;
    size_t *start;      /* per block: its normalised text in text */
    size_t *len;        /* 0 for dropped blocks */
    size_t *words;      /* normalised words */
    size_t *first;      /* per block: its first word in hash[], at[] */
    uint64_t *hash;     /* per word: XXH3 of its bytes */
    uint32_t *at;       /* per word: its start in its block's text */
    size_t n_words, cap_words;
};

/* Per byte: 0 a letter or digit (ASCII alphanumerics and the bytes of
 * non-ASCII letters), 1 an ASCII separator, 2 and 3 the lead bytes of
 * the separators U+0080..U+00BF and U+2000..U+206F (which take the
 * bytes after them to tell).  A table: every byte of every article. */
#define B_WORD 0
#define B_SEP 1
#define B_C2 2
#define B_E2 3
static const unsigned char byte_kind[256] = {
    [0x00 ... 0x2F] = B_SEP, [0x3A ... 0x40] = B_SEP,
    [0x5B ... 0x60] = B_SEP, [0x7B ... 0x7F] = B_SEP,
    [0xC2] = B_C2, [0xE2] = B_E2,
};

/* Bytes of a word separator at p (1..3), or 0 for a letter or digit. */
static size_t
separator_len(const unsigned char *p, size_t len)
{
    switch (byte_kind[p[0]]) {
    case B_SEP:
        return 1;
    case B_C2:
        return len >= 2 ? 2 : 0;
    case B_E2:
        return len >= 3 && (p[1] == 0x80 || p[1] == 0x81) ? 3 : 0;
    default:
        return 0;
    }
}

/* Notes a word of n: its hash h, its start at (in its block's text). */
static int
push_word(struct norm *n, uint64_t h, size_t at)
{
    if (n->n_words == n->cap_words) {
        size_t cap = n->cap_words != 0 ? 2 * n->cap_words : 1024;
        uint64_t *hash = realloc(n->hash, cap * sizeof *hash);
        uint32_t *pos;
        if (hash == NULL)
            return -1;
        n->hash = hash;
        pos = realloc(n->at, cap * sizeof *pos);
        if (pos == NULL)
            return -1;
        n->at = pos;
        n->cap_words = cap;
    }
    n->hash[n->n_words] = h ^ (h >> 29);
    n->at[n->n_words++] = (uint32_t)at;
    return 0;
}

/* Normalises p[0..len) into n->text (appended), noting its words;
 * returns their count in *words_out. */
static enum tl_status
normalise(struct norm *n, const char *p, size_t len, size_t *words_out)
{
    struct tl_buf *t = &n->text;
    const unsigned char *in = (const unsigned char *)p;
    unsigned char *out;
    size_t w = 0, words = 0, i = 0;

    if (len > UINT32_MAX || tl_buf_reserve(t, len) != TL_OK)
        return TL_ERR_NOMEM;
    out = (unsigned char *)t->data + t->len;
    while (i < len) {
        size_t sep = separator_len(in + i, len - i), ws;

        if (sep > 0) {
            i += sep;
            continue;
        }
        /* a word: its bytes up to the next separator */
        if (w > 0)
            out[w++] = ' ';
        ws = w;
        do {
            unsigned char c = in[i++];
            c = (unsigned char)(c + ((unsigned)(c - 'A') < 26 ? 32 : 0));
            out[w++] = c;
        } while (i < len && (byte_kind[in[i]] == B_WORD
                             || separator_len(in + i, len - i) == 0));
        /* hashed whole: a multiply per byte, each waiting on the one
         * before, was a third of this loop */
        if (push_word(n, tl_hash_word(out + ws, w - ws), ws) != 0)
            return TL_ERR_NOMEM;
        words++;
    }
    t->len += w;
    t->data[t->len] = '\0';
    *words_out = words;
    return TL_OK;
}

/* What the normalisation keeps from one article to the next: its
 * arrays grown anew for each article took 2 % of a first build's time
 * (session 17). */
struct tl_norm {
    struct norm n;
    size_t cap_blocks;      /* the four per-block arrays' room */
};

/* A normalisation that took more than this is not kept. */
#define NORM_KEEP_MAX ((size_t)1 << 20)

void
tl_norm_free(struct tl_norm *keep)
{
    if (keep == NULL)
        return;
    tl_buf_release(&keep->n.text);
    free(keep->n.start);    /* and len, words, first */
    free(keep->n.hash);
    free(keep->n.at);
    free(keep);
}

/* d's kept blocks normalised, into d->norm (made the first time);
 * *out points at it. */
static enum tl_status
norm_init(struct norm **out, struct tl_doc *d)
{
    size_t k = d->n_blocks > 0 ? d->n_blocks : 1;
    struct tl_norm *keep = d->norm;
    struct norm *n;

    if (keep == NULL) {
        if ((keep = calloc(1, sizeof *keep)) == NULL)
            return TL_ERR_NOMEM;
        tl_buf_init(&keep->n.text, 0);
        d->norm = keep;
    }
    n = &keep->n;
    *out = n;
    if (k > keep->cap_blocks) {
        /* one allocation for the four arrays */
        size_t *p = malloc(4 * k * sizeof *p);
        if (p == NULL)
            return TL_ERR_NOMEM;
        free(n->start);
        n->start = p;
        keep->cap_blocks = k;
    }
    k = keep->cap_blocks;
    memset(n->start, 0, 4 * k * sizeof *n->start);
    n->len = n->start + k;
    n->words = n->start + 2 * k;
    n->first = n->start + 3 * k;
    tl_buf_reset(&n->text);
    n->n_words = 0;
    for (size_t i = 0; i < d->n_blocks; i++) {
        size_t len;
        const char *p = tl_doc_block(d, i, &len);

        if (d->blocks[i].drop != NULL)
            continue;
        n->start[i] = n->text.len;
        n->first[i] = n->n_words;
        if (normalise(n, p, len, &n->words[i]) != TL_OK)
            return TL_ERR_NOMEM;
        n->len[i] = n->text.len - n->start[i];
    }
    return TL_OK;
}

static const char *
norm_of(const struct norm *n, size_t i)
{
    return n->text.data + n->start[i];
}

/* The hash of kept block i's normalised text, from its words'. */
static uint64_t
block_hash(const struct norm *n, size_t i)
{
    uint64_t h = n->words[i];

    for (size_t w = 0; w < n->words[i]; w++)
        h = h * 0x100000001b3ULL + n->hash[n->first[i] + w];
    return h ^ (h >> 31);
}


/* Marks blocks whose normalised text equals an earlier kept block's:
 * a hash table of the kept blocks' text, so long articles stay linear. */
static enum tl_status
drop_equal(struct tl_doc *d, const struct norm *n)
{
    size_t cap = 64, mask;
    size_t *slots;      /* block index + 1, 0 for empty */

    while (cap < 2 * d->n_blocks)
        cap *= 2;
    mask = cap - 1;
    slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return TL_ERR_NOMEM;
    for (size_t i = 0; i < d->n_blocks; i++) {
        size_t h;

        if (d->blocks[i].drop != NULL || n->len[i] == 0
            || tl_doc_words(d, i) < REPEAT_MIN_WORDS)
            continue;
        for (h = (size_t)block_hash(n, i) & mask; slots[h] != 0;
             h = (h + 1) & mask) {
            size_t k = slots[h] - 1;
            if (n->len[k] == n->len[i]
                && memcmp(norm_of(n, k), norm_of(n, i), n->len[i]) == 0) {
                d->blocks[i].drop = "repeat";
                break;
            }
        }
        if (slots[h] == 0)
            slots[h] = i + 1;
    }
    free(slots);
    return TL_OK;
}

/* Does the block end like a sentence (". ! ? …", closing quotes and
 * brackets aside)?  Headings and titles do not. */
static int
ends_like_sentence(const char *p, size_t len)
{
    for (;;) {
        while (len > 0 && (isspace((unsigned char)p[len - 1])
                           || strchr("\"')]", p[len - 1]) != NULL))
            len--;
        if (len >= 3 && (unsigned char)p[len - 3] == 0xE2
            && (unsigned char)p[len - 2] == 0x80
            && ((unsigned char)p[len - 1] == 0x9D         /* ” */
                || (unsigned char)p[len - 1] == 0x99)) {  /* ’ */
            len -= 3;
            continue;
        }
        break;
    }
    if (len >= 3 && memcmp(p + len - 3, "\xe2\x80\xa6", 3) == 0)
        return 1;   /* … */
    return len > 0 && strchr(".!?", p[len - 1]) != NULL;
}

/* Is kept block i a possible pull quote: a sentence (not a heading) of
 * CONTAINED_MIN_WORDS..PULL_QUOTE_WORDS words? */
static int
pull_quote_candidate(const struct tl_doc *d, const struct norm *n, size_t i)
{
    size_t len, words = tl_doc_words(d, i);
    const char *p;

    if (d->blocks[i].drop != NULL || d->blocks[i].heading > 0
        || words < CONTAINED_MIN_WORDS || words > PULL_QUOTE_WORDS
        || n->words[i] < ANCHOR_WORDS)
        return 0;
    p = tl_doc_block(d, i, &len);
    return ends_like_sentence(p, len);
}

/* Pull quotes are found by their first ANCHOR_WORDS words: each
 * candidate goes in a table under the hash of those words, and a window
 * of as many words slides over every kept block (a rolling hash: the sum
 * of w[t] * B^(ANCHOR_WORDS-1-t), mod 2^64), so the work is linear in
 * the words.  At most ANCHOR_TRIES candidates sharing those first words
 * are compared per window, so a file made of one phrase over and over
 * costs a bounded time per word (and may keep a few repeats). */
#define ANCHOR_TRIES 32
#define ROLL_BASE 0x100000001b3ULL

struct anchors {
    size_t *slots;      /* first candidate block + 1, 0 for empty */
    uint64_t *hash;     /* per block: the hash of its first words */
    size_t *next;       /* per block: the next candidate (+ 1) under the
                           same hash, 0 at the end */
    size_t mask;
};

static size_t
anchor_slot(const struct anchors *a, uint64_t h)
{
    return (size_t)((h * 0x9E3779B97F4A7C15ULL) >> 20) & a->mask;
}

/* Is candidate c's text at p[from..) in block j, ending at a word end? */
static int
holds_at(const struct norm *n, size_t c, size_t j, size_t from)
{
    const char *p = norm_of(n, j);
    size_t len = n->len[j], clen = n->len[c];

    return clen <= len - from && memcmp(norm_of(n, c), p + from, clen) == 0
           && (from + clen == len || p[from + clen] == ' ');
}

/* Drops the candidates that block j holds. */
static void
scan_block(struct tl_doc *d, const struct norm *n, const struct anchors *a,
           size_t j, uint64_t top_power)
{
    const uint64_t *wh = n->hash + n->first[j];
    const uint32_t *at = n->at + n->first[j];
    size_t words = n->words[j];
    uint64_t h = 0;

    for (size_t k = 0; k < words; k++) {
        if (k >= ANCHOR_WORDS)
            h -= wh[k - ANCHOR_WORDS] * top_power;
        h = h * ROLL_BASE + wh[k];
        if (k + 1 < ANCHOR_WORDS)
            continue;
        for (size_t s = anchor_slot(a, h); a->slots[s] != 0;
             s = (s + 1) & a->mask) {
            size_t c = a->slots[s] - 1, tries = 0;
            if (a->hash[c] != h)
                continue;
            for (; c != SIZE_MAX && tries < ANCHOR_TRIES;
                 c = a->next[c] - 1, tries++) {
                if (c != j && d->blocks[c].drop == NULL
                    && holds_at(n, c, j, at[k + 1 - ANCHOR_WORDS]))
                    d->blocks[c].drop = "repeat";
            }
            break;
        }
    }
}

/* Marks pull quotes: a short sentence block whose normalised text is a
 * run of words inside a longer kept block.  The longer block is kept; a
 * block dropped here is held by a longer one, so the longest of a chain
 * always stays. */
static enum tl_status
drop_contained(struct tl_doc *d, const struct norm *n)
{
    struct anchors a;
    size_t cap = 64, n_cand = 0;
    uint64_t top_power = 1;
    enum tl_status st = TL_OK;

    memset(&a, 0, sizeof a);
    for (size_t i = 0; i < d->n_blocks; i++)
        n_cand += pull_quote_candidate(d, n, i);
    if (n_cand == 0)
        return TL_OK;
    while (cap < 2 * n_cand)
        cap *= 2;
    a.mask = cap - 1;
    a.slots = calloc(cap, sizeof *a.slots);
    a.hash = calloc(d->n_blocks, sizeof *a.hash);
    a.next = calloc(d->n_blocks, sizeof *a.next);
    if (a.slots == NULL || a.hash == NULL || a.next == NULL) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    for (size_t t = 1; t < ANCHOR_WORDS; t++)
        top_power *= ROLL_BASE;
    for (size_t i = 0; i < d->n_blocks; i++) {
        size_t s;

        if (!pull_quote_candidate(d, n, i))
            continue;
        for (size_t t = 0; t < ANCHOR_WORDS; t++)
            a.hash[i] = a.hash[i] * ROLL_BASE + n->hash[n->first[i] + t];
        for (s = anchor_slot(&a, a.hash[i]); a.slots[s] != 0;
             s = (s + 1) & a.mask)
            if (a.hash[a.slots[s] - 1] == a.hash[i])
                break;
        a.next[i] = a.slots[s];     /* first in its chain */
        a.slots[s] = i + 1;
    }
    for (size_t j = 0; j < d->n_blocks; j++)
        if (d->blocks[j].drop == NULL && n->words[j] > ANCHOR_WORDS)
            scan_block(d, n, &a, j, top_power);
out:
    free(a.slots);
    free(a.hash);
    free(a.next);
    return st;
}

/* Repeats: a block of REPEAT_MIN_WORDS words or more whose normalised
 * text equals an earlier kept block's; a sentence of at most
 * PULL_QUOTE_WORDS words whose normalised text is inside a longer kept
 * block (a pull quote lifted from its paragraph).  Either way the block
 * seen first, or the longer one, is kept. */
enum tl_status
tl_clean_repeats(struct tl_doc *d, struct tl_error *err)
{
    struct norm *n = NULL;
    enum tl_status st = norm_init(&n, d);

    if (st == TL_OK)
        st = drop_equal(d, n);
    if (st == TL_OK)
        st = drop_contained(d, n);
    /* kept for the next article, unless this one was large (it would
     * stay with the article through its indexing, a peak of memory) */
    if (d->norm != NULL && d->norm->n.text.cap > NORM_KEEP_MAX) {
        tl_norm_free(d->norm);
        d->norm = NULL;
    }
    if (st != TL_OK)
        return tl_error_set(err, st, "out of memory");
    return TL_OK;
}
