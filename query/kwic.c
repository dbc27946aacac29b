/*
 * kwic.c - talaash --kwic: a keyword-in-context concordance.  Every
 * matched word of every matching passage becomes one line: the words
 * before it, the word, the words after it, and where it is; the text
 * writer aligns the matched words in one column.  Lines come in rank
 * order, or sorted by the nearest word before (--kwic-sort left) or
 * after (right) the match: its letters and digits folded as the index
 * folds them (tl_search_fold(): case and accents aside, punctuation
 * skipped), compared by code point; ties keep rank order.  Context is
 * measured in terminal columns (tl_snippet_width()).
 */
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "snippet.h"

/* Display columns of context on each side. */
#define SIDE_COLS 40

struct kwic {
    struct kwic_line *lines;
    size_t n, cap;
    char **paths;               /* one copy per hit */
    size_t n_paths, cap_paths;
    enum kwic_sort sort;
};


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
        size_t from = i - 1;
        while (from > 0 && ((unsigned char)t[from] & 0xC0) == 0x80
               && i - from < 4)
            from--;
        c += tl_snippet_width(t + from, i - from);
        i = from;
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
        uint32_t cp;
        size_t n = tl_utf8_next((const unsigned char *)t + i, len - i, &cp);
        c += (size_t)tl_snippet_char_width(cp);
        i += n;
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
        l->order = k->n;
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

/* Sets each line's sort key: the last word of its left context (left)
 * or the first of its right context, folded; "" when there is none. */
static enum tl_status
set_keys(sqlite3 *db, struct kwic *k, struct tl_error *err)
{
    struct tl_search_fold *f = NULL;
    struct tl_buf b;
    enum tl_status st = tl_search_fold_new(db, &f, err);

    tl_buf_init(&b, 0);
    for (size_t i = 0; st == TL_OK && i < k->n; i++) {
        struct kwic_line *l = &k->lines[i];
        const char *side = k->sort == KWIC_SORT_LEFT ? l->left : l->right;
        const char *word;
        size_t n;

        tl_buf_reset(&b);
        st = tl_search_fold(f, side, strlen(side), &b, err);
        if (st != TL_OK)
            break;
        if (b.len == 0) {
            word = "";
            n = 0;
        } else if (k->sort == KWIC_SORT_LEFT) {
            const char *sp = strrchr(b.data, ' ');
            word = sp != NULL ? sp + 1 : b.data;
            n = strlen(word);
        } else {
            word = b.data;
            n = strcspn(b.data, " ");
        }
        l->key = strndup(word, n);
        if (l->key == NULL)
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    tl_buf_release(&b);
    tl_search_fold_free(f);
    return st;
}

static int
compare(const void *a, const void *b)
{
    const struct kwic_line *x = a, *y = b;
    int c = strcmp(x->key, y->key);     /* UTF-8: code point order */

    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
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
        st = set_keys(db, &k, err);
        if (st == TL_OK)
            qsort(k.lines, k.n, sizeof *k.lines, compare);
    }
    from = (size_t)offset < k.n ? (size_t)offset : k.n;
    to = limit > 0 && from + (size_t)limit < k.n ? from + (size_t)limit : k.n;
    for (size_t i = from; i < to; i++) {
        size_t c = tl_snippet_width(k.lines[i].left,
                                    strlen(k.lines[i].left));
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
        free(k.lines[i].key);
    }
    for (size_t i = 0; i < k.n_paths; i++)
        free(k.paths[i]);
    free(k.lines);
    free(k.paths);
    return st;
}
