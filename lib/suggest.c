/*
 * suggest.c - "did you mean": index words close to a word that found
 * nothing.  The index holds stems, so the query word is stemmed, the
 * vocabulary (the terms table talaash-index saves, else fts5vocab) is
 * scanned for stems within edit distance 2
 * (Damerau: a swap of two letters counts 1), the most frequent win, and
 * each is shown as a word it was written as (the first occurrence in a
 * passage, from highlight()).
 *
 * Only the stems that begin with the word's first or second character
 * are read (two ranges of the terms table, sorted by term): that keeps
 * a swapped or an extra first letter ("ifnance", "xfinance"), and
 * leaves out a first letter typed wrong or dropped ("ginance",
 * "inance"), as Lucene's spell checker does by default (typos are
 * rarely there).  Among them, a stem whose
 * set of bytes differs from the word's in more than 4 (2 per edit) is
 * too far without computing the distance.  The whole vocabulary is read
 * when the ranges hold nothing near.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define MAX_DISTANCE 2
#define MAX_STEM 64

/* Optimal string alignment distance, or MAX_DISTANCE + 1 when it is
 * larger.  Only the cells within MAX_DISTANCE of the diagonal can hold
 * a distance that small, so only they are computed (the others count as
 * too far): about 5 cells a character instead of a whole row. */
static int
distance(const char *a, size_t na, const char *b, size_t nb)
{
    enum { FAR = MAX_DISTANCE + 1 };
    int d[MAX_STEM + 1][MAX_STEM + 1];

    if (na > MAX_STEM || nb > MAX_STEM
        || (na > nb ? na - nb : nb - na) > MAX_DISTANCE)
        return FAR;
    for (size_t i = 0; i <= na; i++) {
        size_t lo = i > MAX_DISTANCE ? i - MAX_DISTANCE : 0;
        size_t hi = i + MAX_DISTANCE < nb ? i + MAX_DISTANCE : nb;
        int row_min = FAR;

        /* the band's neighbours outside it read as too far */
        if (lo > 0)
            d[i][lo - 1] = FAR;
        if (hi < nb)
            d[i][hi + 1] = FAR;
        for (size_t j = lo; j <= hi; j++) {
            int v;
            if (i == 0) {
                v = (int)j;
            } else if (j == 0) {
                v = (int)i;
            } else {
                int cost = a[i - 1] != b[j - 1];
                v = d[i - 1][j - 1] + cost;
                if (d[i - 1][j] + 1 < v)
                    v = d[i - 1][j] + 1;
                if (d[i][j - 1] + 1 < v)
                    v = d[i][j - 1] + 1;
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2]
                    && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                    v = d[i - 2][j - 2] + 1;
            }
            d[i][j] = v < FAR ? v : FAR;
            if (v < row_min)
                row_min = v;
        }
        if (row_min >= FAR)
            return FAR;
    }
    return d[na][nb];
}

struct first_token {
    char stem[MAX_STEM + 1];
    size_t len;
};

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct first_token *f = ctx;

    (void)start;
    (void)end;
    if (f->len == 0 && len > 0 && len <= MAX_STEM) {
        memcpy(f->stem, tok, (size_t)len);
        f->stem[len] = '\0';
        f->len = (size_t)len;
    }
    return 1;   /* one token is enough */
}

/* The first word of the index written with this stem, or NULL. */
static char *
surface_form(sqlite3 *db, const char *stem)
{
    sqlite3_stmt *st = NULL;
    char *word = NULL, quoted[2 * MAX_STEM + 3];
    size_t n = 0;

    quoted[n++] = '"';
    for (const char *p = stem; *p != '\0' && n + 3 < sizeof quoted; p++) {
        if (*p == '"')
            quoted[n++] = '"';
        quoted[n++] = *p;
    }
    quoted[n++] = '"';
    quoted[n] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT highlight(passages_fts, 0, char(2), "
                           "char(3)) FROM passages_fts WHERE passages_fts "
                           "MATCH ?1 LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, quoted, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        const char *open = t != NULL ? strchr(t, '\x02') : NULL;
        const char *close = open != NULL ? strchr(open, '\x03') : NULL;
        if (close != NULL) {
            word = strndup(open + 1, (size_t)(close - open - 1));
            for (char *p = word; p != NULL && *p != '\0'; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p + 32);
        }
    }
    sqlite3_finalize(st);
    return word;
}

/* The bytes of the UTF-8 character at s (1 when malformed), at most n. */
static size_t
char_bytes(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t k = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

    return k < n ? k : n;
}

/* One candidate stem. */
struct best {
    char *stem;
    long count;
    int dist;
};

/* The set of s's bytes, folded into 64 bits. */
static uint64_t
byte_set(const char *s, size_t n)
{
    uint64_t m = 0;

    for (size_t i = 0; i < n; i++)
        m |= (uint64_t)1 << ((unsigned char)s[i] & 63);
    return m;
}

/* Keeps in best (at most max, closest first, then most frequent) the
 * stems among st's rows (term, passage count) near f.  Returns the rows
 * read. */
static size_t
closest(sqlite3_stmt *st, const struct first_token *f, struct best *best,
        size_t *n_best, size_t max)
{
    uint64_t mine = byte_set(f->stem, f->len);
    size_t rows = 0;

    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *term = (const char *)sqlite3_column_text(st, 0);
        size_t tn = (size_t)sqlite3_column_bytes(st, 0);
        long count;
        int dist;
        size_t k;

        rows++;
        if (term == NULL || (tn > f->len ? tn - f->len : f->len - tn)
                            > MAX_DISTANCE
            /* an edit changes at most 2 bytes of the set (a folded set
             * only merges differences) */
            || __builtin_popcountll(mine ^ byte_set(term, tn))
               > 2 * MAX_DISTANCE)
            continue;
        count = (long)sqlite3_column_int64(st, 1);
        dist = distance(f->stem, f->len, term, tn);
        if (dist == 0 || dist > MAX_DISTANCE)
            continue;
        for (k = *n_best; k > 0; k--) {
            if (best[k - 1].dist < dist
                || (best[k - 1].dist == dist && best[k - 1].count >= count))
                break;
        }
        if (k >= max)
            continue;
        if (*n_best == max) {
            free(best[max - 1].stem);
            (*n_best)--;
        }
        memmove(&best[k + 1], &best[k], (*n_best - k) * sizeof *best);
        best[k].stem = strndup(term, tn);
        best[k].count = count;
        best[k].dist = dist;
        (*n_best)++;
    }
    return rows;
}

size_t
tl_search_suggest(sqlite3 *db, const char *word, char **out, size_t max)
{
    struct first_token f = { { 0 }, 0 };
    sqlite3_stmt *st = NULL;
    struct best best[8];
    size_t n_best = 0, n_out = 0, rows = 0;

    if (max > 8)
        max = 8;
    if (tl_tokenizer_each(db, word, (int)strlen(word), FTS5_TOKENIZE_QUERY,
                          on_token, &f, NULL) != TL_OK || f.len == 0)
        return 0;
    /* the vocabulary talaash-index saved (lib/impact.c): the stems from
     * the word's first or second character, else all */
    if (sqlite3_prepare_v2(db, "SELECT term, df FROM terms WHERE term >= ?1 "
                           "AND term < ?2", -1, &st, NULL) == SQLITE_OK) {
        size_t at = 0;
        for (int c = 0; c < 2 && at < f.len; c++) {
            char lo[8], hi[8];
            size_t n = char_bytes(f.stem + at, f.len - at);
            memcpy(lo, f.stem + at, n);
            memcpy(hi, lo, n);
            hi[n - 1] = (char)(hi[n - 1] + 1);  /* never 0xff in UTF-8 */
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, lo, (int)n, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, hi, (int)n, SQLITE_TRANSIENT);
            rows += closest(st, &f, best, &n_best, max);
            if (c == 0 && n == f.len)
                break;
            if (c == 1 && memcmp(lo, f.stem, n) == 0)
                break;      /* the same character twice: read once */
            at += n;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (n_best == 0
        && sqlite3_prepare_v2(db, "SELECT term, df FROM terms", -1, &st,
                              NULL) == SQLITE_OK)
        rows += closest(st, &f, best, &n_best, max);
    sqlite3_finalize(st);
    st = NULL;
    /* else FTS5's own (a pass over every doclist: slow on a large
     * index) */
    if (rows == 0) {
        if (sqlite3_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS "
                         "temp.tl_vocab USING fts5vocab(main, passages_fts, "
                         "'row')", NULL, NULL, NULL) != SQLITE_OK
            || sqlite3_prepare_v2(db, "SELECT term, doc FROM temp.tl_vocab",
                                  -1, &st, NULL) != SQLITE_OK)
            return 0;
        closest(st, &f, best, &n_best, max);
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < n_best; i++) {
        char *w = best[i].stem != NULL ? surface_form(db, best[i].stem) : NULL;
        int dup = 0;
        for (size_t k = 0; w != NULL && k < n_out; k++)
            dup |= strcmp(out[k], w) == 0;
        if (w != NULL && !dup)
            out[n_out++] = w;
        else
            free(w);
        free(best[i].stem);
    }
    return n_out;
}
