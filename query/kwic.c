/*
 * kwic.c - talaash --kwic: a keyword-in-context concordance.  Every
 * matched word of every matching passage becomes one line: the words
 * before it, the word, the words after it, and where it is; the text
 * writer aligns the matched words in one column.  Lines come in rank
 * order, or sorted by the word just before (--kwic-sort left) or just
 * after (right) the match, case aside.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run.h"

/* Display columns of context on each side. */
#define SIDE_COLS 40

struct kwic {
    struct kwic_line *lines;
    size_t n, cap;
    char **paths;               /* one copy per hit */
    size_t n_paths, cap_paths;
    enum kwic_sort sort;
};

static size_t
cols(const char *p, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

/* Copies text[from, to) with marks and control characters removed and
 * white space folded. */
static char *
clean_copy(const char *text, size_t from, size_t to)
{
    char *out = malloc(to - from + 1);
    size_t n = 0;
    int space = 0;

    if (out == NULL)
        return NULL;
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = n > 0;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            continue;
        if (space)
            out[n++] = ' ';
        space = 0;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return out;
}

/* Where the left context starts: about SIDE_COLS columns before end, at
 * a word start. */
static size_t
left_start(const char *t, size_t end)
{
    size_t i = end, c = 0;

    while (i > 0 && c < SIDE_COLS) {
        i--;
        c += ((unsigned char)t[i] & 0xC0) != 0x80;
    }
    if (i > 0) {
        while (i < end && t[i] != ' ' && t[i] != '\n')
            i++;
    }
    return i;
}

static size_t
right_end(const char *t, size_t len, size_t start)
{
    size_t i = start, c = 0;

    while (i < len && c < SIDE_COLS) {
        c += ((unsigned char)t[i] & 0xC0) != 0x80;
        i++;
    }
    if (i < len) {
        while (i > start && t[i - 1] != ' ' && t[i - 1] != '\n')
            i--;
    }
    return i;
}

static enum tl_status
add_lines(struct kwic *k, const struct tl_hit *hit, struct tl_error *err)
{
    const char *t = hit->marked;
    size_t len = hit->marked_len;
    char *path;

    if (k->n_paths == k->cap_paths) {
        size_t cap = k->cap_paths != 0 ? k->cap_paths * 2 : 64;
        char **p = realloc(k->paths, cap * sizeof *p);
        if (p == NULL)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        k->paths = p;
        k->cap_paths = cap;
    }
    path = strdup(hit->path);
    if (path == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    k->paths[k->n_paths++] = path;
    for (size_t i = 0; i < len; i++) {
        const char *close;
        struct kwic_line *l;

        if (t[i] != TL_MARK_OPEN[0])
            continue;
        close = memchr(t + i, TL_MARK_CLOSE[0], len - i);
        if (close == NULL)
            break;
        if (k->n == k->cap) {
            size_t cap = k->cap != 0 ? k->cap * 2 : 256;
            struct kwic_line *p = realloc(k->lines, cap * sizeof *p);
            if (p == NULL)
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            k->lines = p;
            k->cap = cap;
        }
        l = &k->lines[k->n];
        memset(l, 0, sizeof *l);
        l->left = clean_copy(t, left_start(t, i), i);
        l->word = clean_copy(t, i + 1, (size_t)(close - t));
        l->right = clean_copy(t, (size_t)(close - t) + 1,
                              right_end(t, len, (size_t)(close - t) + 1));
        l->path = path;
        l->passage = hit->passage;
        l->space_before = i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\n');
        l->space_after = (size_t)(close - t) + 1 < len
                         && (close[1] == ' ' || close[1] == '\n');
        if (l->left == NULL || l->word == NULL || l->right == NULL) {
            free(l->left);
            free(l->word);
            free(l->right);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        k->n++;
        i = (size_t)(close - t);
    }
    return TL_OK;
}

/* The last word of s (left context) or the first (right context). */
static const char *
key_word(const char *s, int last, size_t *len)
{
    const char *p;

    if (last) {
        p = strrchr(s, ' ');
        p = p != NULL ? p + 1 : s;
        *len = strlen(p);
        return p;
    }
    *len = strcspn(s, " ");
    return s;
}

static enum kwic_sort sort_mode;

static int
compare(const void *a, const void *b)
{
    const struct kwic_line *x = a, *y = b;
    size_t nx, ny;
    const char *kx = key_word(sort_mode == KWIC_SORT_LEFT ? x->left : x->right,
                              sort_mode == KWIC_SORT_LEFT, &nx);
    const char *ky = key_word(sort_mode == KWIC_SORT_LEFT ? y->left : y->right,
                              sort_mode == KWIC_SORT_LEFT, &ny);
    int c = strncasecmp(kx, ky, nx < ny ? nx : ny);

    if (c != 0)
        return c;
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return x < y ? -1 : x > y;  /* stable: rank order */
}

enum tl_status
kwic_run(sqlite3 *db, const struct tl_search_opts *o, struct writer *w,
         enum kwic_sort sort, long limit, long offset, long *rows_out,
         struct tl_error *err)
{
    struct kwic k;
    struct tl_search *s = NULL;
    struct tl_hit hit;
    enum tl_status st;
    int done = 0, width = 0;
    size_t from, to;

    memset(&k, 0, sizeof k);
    k.sort = sort;
    *rows_out = 0;
    st = tl_search_new(db, o, &s, err);
    while (st == TL_OK && (st = tl_search_next(s, &hit, &done, err)) == TL_OK
           && !done)
        st = add_lines(&k, &hit, err);
    tl_search_free(s);
    if (st == TL_OK && sort != KWIC_SORT_RANK && k.n > 1) {
        sort_mode = sort;
        qsort(k.lines, k.n, sizeof *k.lines, compare);
    }
    from = (size_t)offset < k.n ? (size_t)offset : k.n;
    to = limit > 0 && from + (size_t)limit < k.n ? from + (size_t)limit : k.n;
    for (size_t i = from; i < to; i++) {
        size_t c = cols(k.lines[i].left, strlen(k.lines[i].left));
        if ((int)c > width)
            width = (int)c;
    }
    if (st == TL_OK) {
        write_kwic_header(w);
        for (size_t i = from; i < to; i++)
            write_kwic(w, &k.lines[i], width);
        *rows_out = (long)(to - from);
    }
    for (size_t i = 0; i < k.n; i++) {
        free(k.lines[i].left);
        free(k.lines[i].word);
        free(k.lines[i].right);
    }
    for (size_t i = 0; i < k.n_paths; i++)
        free(k.paths[i]);
    free(k.lines);
    free(k.paths);
    return st;
}
