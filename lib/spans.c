/*
 * spans.c - the map from passage ids to articles (spans.h).
 *
 * The stored blob is unsigned LEB128 varints: a flags word (bit 0: some
 * article has more than one span), then per span, in id order: the gap
 * from the previous span's last id (first - previous last - 1; the
 * first span: its first id), the span's length less one, and the
 * article id, zigzag-coded as the difference from the previous span's.
 */
#include <stdlib.h>
#include <string.h>

#include "impact.h"
#include "spans.h"

#define FLAG_MULTI 1u   /* an article with more than one span */

/* What a map describes. */
struct spans_state {
    struct tl_impact_totals totals;
    int64_t max_passage, max_article;
};

void
tl_spans_init(struct tl_spans *s)
{
    memset(s, 0, sizeof *s);
}

void
tl_spans_release(struct tl_spans *s)
{
    free(s->first);
    free(s->last);
    free(s->article);
    tl_spans_init(s);
}

static int
reserve(struct tl_spans *s, size_t *cap, size_t want)
{
    size_t c = *cap > 0 ? *cap : 1024;
    int64_t *f, *l, *a;

    if (want <= *cap)
        return 1;
    while (c < want)
        c *= 2;
    f = realloc(s->first, c * sizeof *f);
    if (f != NULL)
        s->first = f;
    l = f != NULL ? realloc(s->last, c * sizeof *l) : NULL;
    if (l != NULL)
        s->last = l;
    a = l != NULL ? realloc(s->article, c * sizeof *a) : NULL;
    if (a == NULL)
        return 0;
    s->article = a;
    *cap = c;
    return 1;
}

static enum tl_status
push(struct tl_spans *s, size_t *cap, int64_t first, int64_t last,
     int64_t article, struct tl_error *err)
{
    if (!reserve(s, cap, s->n + 1))
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    s->first[s->n] = first;
    s->last[s->n] = last;
    s->article[s->n] = article;
    s->n++;
    return TL_OK;
}

/* ---- the state --------------------------------------------------------- */

static enum tl_status
live_state(sqlite3 *db, struct spans_state *s, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int rc;

    memset(s, 0, sizeof *s);
    rs = tl_impact_totals(db, &s->totals, err);
    if (rs != TL_OK)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT id, article_id FROM passages ORDER "
                           "BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the last passage");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->max_passage = sqlite3_column_int64(st, 0);
        s->max_article = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the last passage");
    return TL_OK;
}

static int
same_state(const struct spans_state *a, const struct spans_state *b)
{
    if (a->totals.rows != b->totals.rows
        || a->max_passage != b->max_passage
        || a->max_article != b->max_article)
        return 0;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        if (a->totals.tokens[c] != b->totals.tokens[c])
            return 0;
    return 1;
}

/* The state in columns 0-5 of a row of article_spans. */
static void
row_state(sqlite3_stmt *st, struct spans_state *s)
{
    memset(s, 0, sizeof *s);
    s->totals.rows = sqlite3_column_int64(st, 0);
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        s->totals.tokens[c] = sqlite3_column_int64(st, 1 + c);
    s->max_passage = sqlite3_column_int64(st, 4);
    s->max_article = sqlite3_column_int64(st, 5);
}

#define STATE_COLUMNS \
    "rows, tokens_body, tokens_title, tokens_author, max_passage, " \
    "max_article"

/* Reads the stored map's state; *found_out 0 when there is no map. */
static enum tl_status
stored(sqlite3 *db, struct spans_state *s, int *found_out,
       struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    *found_out = 0;
    memset(s, 0, sizeof *s);
    if (sqlite3_prepare_v2(db, "SELECT " STATE_COLUMNS " FROM article_spans "
                           "WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the article spans");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row_state(st, s);
        *found_out = 1;
    } else if (rc != SQLITE_DONE) {
        rs = tl_error_db(err, db, "reading the article spans");
    }
    sqlite3_finalize(st);
    return rs;
}

/* ---- making the map ------------------------------------------------------ */

static int
cmp_id(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;

    return *x < *y ? -1 : *x > *y;
}

/* Whether an article has more than one span in s. */
static enum tl_status
any_multi(const struct tl_spans *s, int *multi_out, struct tl_error *err)
{
    int64_t *ids = malloc((s->n > 0 ? s->n : 1) * sizeof *ids);

    *multi_out = 0;
    if (ids == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (s->n > 0)           /* s->article is NULL while there are none */
        memcpy(ids, s->article, s->n * sizeof *ids);
    qsort(ids, s->n, sizeof *ids, cmp_id);
    for (size_t i = 1; i < s->n && !*multi_out; i++)
        *multi_out = ids[i] == ids[i - 1];
    free(ids);
    return TL_OK;
}

/* The map of the passages as they are, sorted by first id: the runs of
 * consecutive ids of one article, in one pass in id order. */
static enum tl_status
make_map(sqlite3 *db, struct tl_spans *s, unsigned *flags_out,
         struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    size_t cap = 0;
    int rc = SQLITE_DONE, multi = 0;

    *flags_out = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, article_id FROM passages "
                           "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the passages");
    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int64_t aid = sqlite3_column_int64(st, 1);
        size_t k = s->n - 1;

        if (s->n > 0 && s->article[k] == aid && s->last[k] == id - 1)
            s->last[k] = id;
        else
            rs = push(s, &cap, id, id, aid, err);
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the passages");
    sqlite3_finalize(st);
    if (rs == TL_OK)
        rs = any_multi(s, &multi, err);
    if (multi)
        *flags_out |= FLAG_MULTI;
    return rs;
}

static uint64_t
zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static enum tl_status
encode(const struct tl_spans *s, unsigned flags, struct tl_buf *out)
{
    enum tl_status rs = tl_buf_put_leb(out, flags);
    int64_t prev_last = -1, prev_article = 0;

    for (size_t i = 0; rs == TL_OK && i < s->n; i++) {
        rs = tl_buf_put_leb(out, (uint64_t)(s->first[i] - prev_last - 1));
        if (rs == TL_OK)
            rs = tl_buf_put_leb(out, (uint64_t)(s->last[i] - s->first[i]));
        if (rs == TL_OK)
            rs = tl_buf_put_leb(out, zigzag(s->article[i] - prev_article));
        prev_last = s->last[i];
        prev_article = s->article[i];
    }
    return rs;
}

static enum tl_status
exec(sqlite3 *db, const char *sql, struct tl_error *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "storing the article spans");
    return TL_OK;
}

static enum tl_status
write_map(sqlite3 *db, const struct spans_state *state,
          const struct tl_buf *blob, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO article_spans (id, "
                           "rows, tokens_body, tokens_title, tokens_author, "
                           "max_passage, max_article, spans) VALUES (1, ?1, "
                           "?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "storing the article spans");
    sqlite3_bind_int64(st, 1, state->totals.rows);
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        sqlite3_bind_int64(st, 2 + c, state->totals.tokens[c]);
    sqlite3_bind_int64(st, 5, state->max_passage);
    sqlite3_bind_int64(st, 6, state->max_article);
    sqlite3_bind_blob(st, 7, blob->data != NULL ? blob->data : "",
                      (int)blob->len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, db, "storing the article spans");
    return TL_OK;
}

enum tl_status
tl_spans_refresh(sqlite3 *db, size_t *n_out, struct tl_error *err)
{
    struct spans_state live, old;
    struct tl_spans s;
    struct tl_buf blob;
    enum tl_status rs;
    unsigned flags = 0;
    int found = 0;

    if (n_out != NULL)
        *n_out = 0;
    tl_spans_init(&s);
    tl_buf_init(&blob, 0);
    rs = tl_db_begin(db, 1, "storing the article spans", err);
    if (rs != TL_OK)
        return rs;
    rs = live_state(db, &live, err);
    if (rs == TL_OK)
        rs = stored(db, &old, &found, err);
    if (rs != TL_OK || (found && same_state(&live, &old)))
        goto out;
    rs = make_map(db, &s, &flags, err);
    if (rs == TL_OK && (encode(&s, flags, &blob) != TL_OK
                        || blob.len > (size_t)0x7fffffff))
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (rs == TL_OK)
        rs = write_map(db, &live, &blob, err);
    if (rs == TL_OK && n_out != NULL)
        *n_out = s.n;
out:
    if (rs == TL_OK)
        rs = exec(db, "COMMIT", err);
    if (rs != TL_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    tl_spans_release(&s);
    tl_buf_release(&blob);
    return rs;
}

/* ---- reading it ---------------------------------------------------------- */

/* Decodes blob into s; 0 when it is malformed. */
static int
decode(const unsigned char *p, size_t n, struct tl_spans *s,
       unsigned *flags_out, struct tl_error *err, enum tl_status *rs)
{
    int64_t prev_last = -1, prev_article = 0;
    size_t cap = 0, k;
    uint64_t v[3];

    *rs = TL_OK;
    k = tl_leb_get(p, n, &v[0]);
    if (k == 0)
        return 0;
    /* at least 3 bytes a span */
    if (!reserve(s, &cap, n / 3 + 1)) {
        *rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        return 0;
    }
    *flags_out = (unsigned)v[0];
    while (k < n) {
        for (int f = 0; f < 3; f++) {
            if (k < n && p[k] < 0x80) {     /* most take one byte */
                v[f] = p[k++];
                continue;
            }
            size_t m = tl_leb_get(p + k, n - k, &v[f]);
            if (m == 0)
                return 0;
            k += m;
        }
        int64_t first = prev_last + 1 + (int64_t)v[0];
        int64_t last = first + (int64_t)v[1];
        int64_t article = prev_article + unzigzag(v[2]);
        /* room: a span takes 3 bytes at least */
        s->first[s->n] = first;
        s->last[s->n] = last;
        s->article[s->n] = article;
        s->n++;
        prev_last = last;
        prev_article = article;
    }
    return 1;
}

/* The stored map when it fits the index; flags too.  Decoded from the
 * row as SQLite holds it, not copied first. */
static enum tl_status
load(sqlite3 *db, struct tl_spans *s, unsigned *flags_out, int *fresh_out,
     struct tl_error *err)
{
    struct spans_state live, old;
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int rc;

    *fresh_out = 0;
    *flags_out = 0;
    tl_spans_release(s);
    rs = live_state(db, &live, err);
    if (rs != TL_OK)
        return rs;
    if (sqlite3_prepare_v2(db, "SELECT " STATE_COLUMNS ", spans FROM "
                           "article_spans WHERE id = 1", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "reading the article spans");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row_state(st, &old);
        if (same_state(&live, &old)) {
            const unsigned char *p = sqlite3_column_blob(st, 6);
            size_t n = (size_t)sqlite3_column_bytes(st, 6);
            if (p != NULL && decode(p, n, s, flags_out, err, &rs)) {
                s->multi = (*flags_out & FLAG_MULTI) != 0;
                *fresh_out = 1;
            } else {
                tl_spans_release(s);
            }
        }
    } else if (rc != SQLITE_DONE) {
        rs = tl_error_db(err, db, "reading the article spans");
    }
    sqlite3_finalize(st);
    return rs;
}

enum tl_status
tl_spans_load(sqlite3 *db, struct tl_spans *s, int *fresh_out,
              struct tl_error *err)
{
    unsigned flags;

    return load(db, s, &flags, fresh_out, err);
}

long
tl_spans_find(const struct tl_spans *s, int64_t passage_id)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->last[mid] < passage_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n && s->first[lo] <= passage_id)
        return (long)lo;
    return -1;
}

/* ---- counting ------------------------------------------------------------ */

static int
cmp_i64(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;

    return *x < *y ? -1 : *x > *y;
}

static int
accepts(const int64_t *accepted, size_t n, int64_t article)
{
    return bsearch(&article, accepted, n, sizeof *accepted, cmp_i64) != NULL;
}

void
tl_spans_tally_release(struct tl_spans_tally *t)
{
    free(t->article);
    free(t->passages);
    memset(t, 0, sizeof *t);
}

enum tl_status
tl_spans_tally(sqlite3 *db, const char *match, const int64_t *accepted,
               size_t n_accepted, struct tl_spans_tally *t,
               int *answered_out, struct tl_error *err)
{
    struct tl_spans s;
    sqlite3_stmt *st = NULL;
    size_t j = 0;
    long cur = -1;
    int cur_ok = 0, fresh = 0, rc;
    unsigned flags = 0;
    enum tl_status rs = TL_OK;

    memset(t, 0, sizeof *t);
    *answered_out = 0;
    tl_spans_init(&s);
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM passages_fts WHERE "
                           "passages_fts MATCH ?1 ORDER BY rowid", -1, &st,
                           NULL) != SQLITE_OK) {
        rs = tl_error_db(err, db, "preparing the count");
        goto out;
    }
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {    /* no match: nothing to map */
        *answered_out = 1;
        goto out;
    }
    if (rc == SQLITE_ROW) {
        rs = load(db, &s, &flags, &fresh, err);
        if (rs != TL_OK || !fresh)
            goto out;
        t->multi = (flags & FLAG_MULTI) != 0;
        t->article = malloc((s.n > 0 ? s.n : 1) * sizeof *t->article);
        t->passages = malloc((s.n > 0 ? s.n : 1) * sizeof *t->passages);
        if (t->article == NULL || t->passages == NULL) {
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        int64_t id = sqlite3_column_int64(st, 0);

        while (j < s.n && s.last[j] < id)
            j++;
        if (j == s.n || s.first[j] > id)
            goto out;       /* a passage the map does not know: no answer */
        if ((long)j != cur) {
            cur = (long)j;
            cur_ok = accepted == NULL
                     || accepts(accepted, n_accepted, s.article[j]);
            if (cur_ok) {
                t->article[t->n] = s.article[j];
                t->passages[t->n++] = 0;
            }
        }
        if (cur_ok)
            t->passages[t->n - 1]++;
    }
    if (rc != SQLITE_DONE) {
        /* a plain SQLITE_ERROR is FTS5 refusing the expression: the SQL
         * path reports it as the user's query */
        if (sqlite3_extended_errcode(db) != SQLITE_ERROR)
            rs = tl_error_db(err, db, "counting");
        goto out;
    }
    *answered_out = 1;
out:
    sqlite3_finalize(st);
    tl_spans_release(&s);
    if (rs != TL_OK || !*answered_out) {
        tl_spans_tally_release(t);
        *answered_out = 0;
    }
    return rs;
}

enum tl_status
tl_spans_count(sqlite3 *db, const char *match, const int64_t *accepted,
               size_t n_accepted, long *passages_out, long *articles_out,
               int *answered_out, struct tl_error *err)
{
    struct tl_spans_tally t;
    long passages = 0;
    size_t n = 0;
    enum tl_status rs;

    *passages_out = *articles_out = 0;
    rs = tl_spans_tally(db, match, accepted, n_accepted, &t, answered_out,
                        err);
    if (rs != TL_OK || !*answered_out)
        return rs;
    for (size_t i = 0; i < t.n; i++)
        passages += t.passages[i];
    n = t.n;
    if (t.multi) {      /* an article may have been hit in two spans */
        size_t u = 0;
        qsort(t.article, t.n, sizeof *t.article, cmp_i64);
        for (size_t i = 0; i < t.n; i++)
            if (u == 0 || t.article[u - 1] != t.article[i])
                t.article[u++] = t.article[i];
        n = u;
    }
    *passages_out = passages;
    *articles_out = (long)n;
    tl_spans_tally_release(&t);
    return TL_OK;
}
