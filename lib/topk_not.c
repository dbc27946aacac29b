/*
 * topk_not.c - a listed word without others ("oil -opec", FTS5's
 * `"oil" NOT "opec"`) from the word's impact list (topk.h, docs/topk.md
 * "A word without others").  A passage holding the word and none of the
 * others scores exactly what it scores for the word alone when the word
 * is a full word (a stopword's or a weak word's weight depends on the
 * query's other words): the others have no match in it, so they add 0.0,
 * and the word's IDF is counted over its whole doclist either way.  So
 * the list's passages minus those holding another word are the
 * candidates, and the list's cutoff still bounds every passage left out.
 */
#include <stdlib.h>
#include <string.h>

#include "topk.h"

/* The end of the FTS5 string starting at s ('"'), past its closing
 * quote; NULL when it does not close.  "" inside is a quote. */
static const char *
string_end(const char *s)
{
    for (s++; *s != '\0'; s++)
        if (*s == '"') {
            if (s[1] != '"')
                return s + 1;
            s++;
        }
    return NULL;
}

int
tl_topk_not_split(const char *match, size_t *head_len_out, char **excl_out)
{
    static const char sep[] = " NOT ";
    const char *p, *end;
    size_t n = 0, cap;
    char *excl;

    *excl_out = NULL;
    if (match == NULL || match[0] != '"'
        || (end = string_end(match)) == NULL
        || strncmp(end, sep, sizeof sep - 1) != 0)
        return 0;
    *head_len_out = (size_t)(end - match);
    cap = strlen(match) * 2 + 1;    /* each " NOT " becomes " OR " */
    if ((excl = malloc(cap)) == NULL)
        return 0;
    for (p = end; strncmp(p, sep, sizeof sep - 1) == 0;) {
        const char *s = p + sizeof sep - 1, *e;

        if (*s != '"' || (e = string_end(s)) == NULL) {
            free(excl);
            return 0;
        }
        if (*e == '*')      /* a prefix: its rows are enumerated alike */
            e++;
        if (n > 0) {
            memcpy(excl + n, " OR ", 4);
            n += 4;
        }
        memcpy(excl + n, s, (size_t)(e - s));
        n += (size_t)(e - s);
        p = e;
    }
    if (*p != '\0') {       /* anything else: not this shape */
        free(excl);
        return 0;
    }
    excl[n] = '\0';
    *excl_out = excl;
    return 1;
}

enum tl_status
tl_topk_not_mark(sqlite3 *db, const char *excl, const int64_t *ids,
                 size_t n, unsigned char *drop, int *ok_out,
                 struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t i = 0;
    long read = 0;
    int rc = SQLITE_DONE;

    (void)err;
    *ok_out = 0;
    memset(drop, 0, n);
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM passages_fts WHERE "
                           "passages_fts MATCH ?1 ORDER BY rowid", -1, &st,
                           NULL) != SQLITE_OK)
        return TL_OK;       /* not answered here: the scan will say why */
    sqlite3_bind_text(st, 1, excl, -1, SQLITE_STATIC);
    while (i < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);

        if (++read > TL_TOPK_NOT_MAX) {
            sqlite3_finalize(st);
            return TL_OK;   /* too common to walk: the scan answers */
        }
        while (i < n && ids[i] < id)
            i++;
        if (i < n && ids[i] == id)
            drop[i] = 1;
    }
    if (i == n || rc == SQLITE_DONE)
        *ok_out = 1;
    sqlite3_finalize(st);
    return TL_OK;
}
