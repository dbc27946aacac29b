/*
 * manifest.c - --metadata FILE.csv: explicit title, author, date and
 * topics for the articles it names, overriding what is extracted.
 *
 * RFC 4180 CSV in UTF-8 (a BOM is allowed): a header row naming the
 * columns (path is required; title, author, date and topics are
 * optional, in any order, case-insensitive), then one row per article.
 * Fields may be quoted ("a, b" and "say ""hi""", line breaks inside
 * quotes); rows end in LF or CRLF.  A path is relative to the CSV file's
 * folder unless it is absolute.  Empty cells leave the extracted value;
 * topics are separated by ';' (or ',').
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "indexer.h"

enum { COL_PATH, COL_TITLE, COL_AUTHOR, COL_DATE, COL_TOPICS, N_COLS };

static const char *const col_names[N_COLS] = {
    "path", "title", "author", "date", "topics",
};

struct row {
    size_t index;               /* row order: a later row wins */
    char *path;                 /* absolute, resolved when the file exists */
    char *cell[N_COLS];
    struct tl_manifest_entry entry;
};

struct manifest {
    struct row *rows;
    size_t n, cap;
};

/* Reads one field at *p; returns 1 at the end of a row.  Fills f. */
static int
read_field(const char **p, const char *end, struct tl_buf *f, int *line,
           int *bad_quote)
{
    const char *s = *p;

    tl_buf_reset(f);
    tl_buf_append(f, "", 0);
    if (s < end && *s == '"') {
        s++;
        for (;;) {
            if (s >= end) {
                *bad_quote = 1;
                *p = s;
                return 1;
            }
            if (*s == '"') {
                if (s + 1 < end && s[1] == '"') {
                    tl_buf_append(f, "\"", 1);
                    s += 2;
                    continue;
                }
                s++;
                break;
            }
            if (*s == '\n')
                (*line)++;
            tl_buf_append(f, s, 1);
            s++;
        }
    }
    while (s < end && *s != ',' && *s != '\n' && *s != '\r')
        tl_buf_append(f, s++, 1);
    if (s < end && *s == ',') {
        *p = s + 1;
        return 0;
    }
    if (s < end && *s == '\r')
        s++;
    if (s < end && *s == '\n')
        s++;
    *p = s;
    return 1;
}

static char *
resolve(const char *csv_path, const char *path)
{
    char joined[PATH_MAX], *abs;
    const char *slash = strrchr(csv_path, '/');
    int n;

    if (path[0] == '/' || slash == NULL)
        n = snprintf(joined, sizeof joined, "%s", path);
    else
        n = snprintf(joined, sizeof joined, "%.*s/%s",
                     (int)(slash - csv_path), csv_path, path);
    if (n < 0 || (size_t)n >= sizeof joined)
        return NULL;
    abs = realpath(joined, NULL);
    return abs != NULL ? abs : strdup(joined);
}

static enum tl_status
grow(struct manifest *m)
{
    size_t cap = m->cap != 0 ? m->cap * 2 : 16;
    struct row *q = realloc(m->rows, cap * sizeof *q);

    if (q == NULL)
        return TL_ERR_NOMEM;
    m->rows = q;
    m->cap = cap;
    return TL_OK;
}

/* By path, then by row order. */
static int
compare_rows(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static void
row_release(struct row *r)
{
    free(r->path);
    for (int c = 0; c < N_COLS; c++)
        free(r->cell[c]);
}

static const char *
cell_or_null(const struct row *r, int c)
{
    return r->cell[c] != NULL && r->cell[c][0] != '\0' ? r->cell[c] : NULL;
}

enum tl_status
manifest_load(const char *path, struct manifest **out, struct tl_error *err)
{
    struct tl_article file;
    struct manifest *m = NULL;
    struct tl_buf f;
    int col_of[64], n_cols = 0, line = 1, bad_quote = 0, have_path = 0;
    struct tl_date date;
    const char *p, *end;
    enum tl_status st;

    *out = NULL;
    tl_buf_init(&f, 0);
    tl_article_init(&file);
    /* the manifest is read like an article's bytes, .csv or not */
    {
        FILE *fp = fopen(path, "rb");
        char chunk[65536];
        size_t n;
        if (fp == NULL) {
            st = tl_error_set(err, TL_ERR_IO, "cannot open metadata file "
                              "'%s': %s", path, strerror(errno));
            goto out;
        }
        while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
            tl_buf_append(&file.text, chunk, n);
        fclose(fp);
    }
    p = file.text.data != NULL ? file.text.data : "";
    end = p + file.text.len;
    if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    m = calloc(1, sizeof *m);
    if (m == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* the header */
    for (int last = 0; !last && p < end;) {
        last = read_field(&p, end, &f, &line, &bad_quote);
        if (n_cols == (int)(sizeof col_of / sizeof *col_of))
            break;
        col_of[n_cols] = -1;
        for (int c = 0; c < N_COLS; c++)
            if (strcasecmp(f.data, col_names[c]) == 0)
                col_of[n_cols] = c;
        if (col_of[n_cols] < 0) {
            st = tl_error_set(err, TL_ERR_USAGE, "metadata file '%s' line 1: "
                              "unknown column '%s' (want path, title, author, "
                              "date, topics)", path, f.data);
            goto out;
        }
        have_path |= col_of[n_cols] == COL_PATH;
        n_cols++;
    }
    if (!have_path) {
        st = tl_error_set(err, TL_ERR_USAGE, "metadata file '%s' line 1: no "
                          "'path' column in the header", path);
        goto out;
    }
    line++;
    while (p < end) {
        struct row r = { 0 };
        int row_line = line, col = 0, last = 0;

        while (!last) {
            last = read_field(&p, end, &f, &line, &bad_quote);
            if (bad_quote) {
                row_release(&r);
                st = tl_error_set(err, TL_ERR_USAGE, "metadata file '%s' "
                                  "line %d: a quoted field is never closed "
                                  "(double any \" inside quotes)", path,
                                  row_line);
                goto out;
            }
            if (col < n_cols && r.cell[col_of[col]] == NULL)
                r.cell[col_of[col]] = strdup(f.data);
            col++;
        }
        line++;
        if (r.cell[COL_PATH] == NULL || r.cell[COL_PATH][0] == '\0') {
            int blank = col == 1;
            row_release(&r);
            if (blank)
                continue;   /* an empty line */
            st = tl_error_set(err, TL_ERR_USAGE, "metadata file '%s' line %d:"
                              " no path", path, row_line);
            goto out;
        }
        if (r.cell[COL_DATE] != NULL && r.cell[COL_DATE][0] != '\0'
            && !tl_date_parse(r.cell[COL_DATE], strlen(r.cell[COL_DATE]),
                              &date)) {
            st = tl_error_set(err, TL_ERR_USAGE, "metadata file '%s' line %d:"
                              " bad date '%s' (want a date such as "
                              "2019-02-10, 2019-02, 2019 or 10 February "
                              "2019)", path, row_line, r.cell[COL_DATE]);
            row_release(&r);
            goto out;
        }
        r.path = resolve(path, r.cell[COL_PATH]);
        r.index = m->n;
        if (r.path == NULL || (m->n == m->cap && grow(m) != TL_OK)) {
            row_release(&r);
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        m->rows[m->n++] = r;
    }
    for (size_t i = 0; i < m->n; i++) {
        struct row *r = &m->rows[i];
        r->entry.title = cell_or_null(r, COL_TITLE);
        r->entry.author = cell_or_null(r, COL_AUTHOR);
        r->entry.date = cell_or_null(r, COL_DATE);
        r->entry.topics = cell_or_null(r, COL_TOPICS);
    }
    if (m->n > 0)
        qsort(m->rows, m->n, sizeof *m->rows, compare_rows);
    *out = m;
    m = NULL;
    st = TL_OK;
out:
    manifest_free(m);
    tl_buf_release(&f);
    tl_article_release(&file);
    return st;
}

const struct tl_manifest_entry *
manifest_find(const struct manifest *m, const char *path)
{
    size_t lo = 0, hi;

    if (m == NULL)
        return NULL;
    hi = m->n;
    while (lo < hi) {               /* the first row not before path */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->rows[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == m->n || strcmp(m->rows[lo].path, path) != 0)
        return NULL;
    while (lo + 1 < m->n && strcmp(m->rows[lo + 1].path, path) == 0)
        lo++;                       /* the last row for a path wins */
    return &m->rows[lo].entry;
}

void
manifest_free(struct manifest *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++)
        row_release(&m->rows[i]);
    free(m->rows);
    free(m);
}
