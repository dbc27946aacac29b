/*
 * impact.c - making and reading impact lists (impact.h, docs/topk.md).
 *
 * A refresh reads the index through FTS5's own tables: the vocabulary
 * (fts5vocab "row": passages per term) chooses the terms, fts5vocab
 * "instance" gives each term's occurrences (passage, column) in passage
 * order, and passage_lengths the column lengths (lib/lengths.h; FTS5
 * keeps none, columnsize=0).  FTS5's averages record (row 1 of
 * passages_fts_data: a varint row count, then one varint token total per
 * column) gives the totals: part of FTS5's stable file format.
 *
 * A list is a blob of unsigned LEB128 varints, entries by passage id,
 * per entry (schema 011): the passage id less the previous entry's,
 * shifted left by two, with IMPACT_SAME (article, and the title's and
 * author's tf and length, as the previous entry: every passage of an
 * article has the same title and author) and IMPACT_AUTHOR (author
 * figures follow) in the low bits; unless SAME: the article id less the
 * previous entry's (zigzag), tf and length of the title, then of the
 * author when AUTHOR; last, tf and length of the body.  A third smaller
 * than the eight plain varints an entry of schema 002 had (news corpus:
 * 1.48 -> 1.03 MB of lists).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "impact.h"
#include "lengths.h"

/* The low bits of an entry's first varint (lib/impact.h). */
#define IMPACT_SAME 1u      /* article, title and author as the previous */
#define IMPACT_AUTHOR 2u    /* author figures follow (else both 0) */

/* ---- varints --------------------------------------------------------- */

/* SQLite's varint (big-endian groups of 7 bits, the 9th byte whole), as
 * FTS5 writes it.  Returns the bytes read, 0 when p runs out. */
static size_t
sqlite_varint(const unsigned char *p, size_t n, uint64_t *v)
{
    uint64_t x = 0;

    for (size_t i = 0; i < n && i < 9; i++) {
        if (i == 8) {
            *v = (x << 8) | p[i];
            return 9;
        }
        x = (x << 7) | (p[i] & 0x7f);
        if ((p[i] & 0x80) == 0) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

/* Whether entry e can say "as the previous entry" for its article and
 * its title and author figures (every passage of an article has the
 * same title and author, so the same figures there). */
static int
same_article(const struct tl_impact_entry *e, const struct tl_impact_entry *prev)
{
    return prev != NULL && e->article_id == prev->article_id
           && e->tf[1] == prev->tf[1] && e->len[1] == prev->len[1]
           && e->tf[2] == prev->tf[2] && e->len[2] == prev->len[2];
}

static uint64_t
zigzag(int64_t v)
{
    return v >= 0 ? (uint64_t)v << 1 : (((uint64_t)-(v + 1)) << 1) | 1;
}

static int64_t
unzigzag(uint64_t v)
{
    return (v & 1) ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

enum tl_status
tl_impact_encode(const struct tl_impact_entry *e, size_t n, struct tl_buf *out)
{
    enum tl_status rs = TL_OK;

    for (size_t i = 0; rs == TL_OK && i < n; i++) {
        const struct tl_impact_entry *prev = i > 0 ? &e[i - 1] : NULL;
        int64_t prev_id = prev != NULL ? prev->passage_id : 0;
        int64_t prev_article = prev != NULL ? prev->article_id : 0;
        int same = same_article(&e[i], prev);
        int author = e[i].tf[2] != 0 || e[i].len[2] != 0;
        uint64_t head = ((uint64_t)(e[i].passage_id - prev_id) << 2)
                        | (same ? IMPACT_SAME : 0)
                        | (!same && author ? IMPACT_AUTHOR : 0);

        rs = tl_buf_put_leb(out, head);
        if (rs == TL_OK && !same) {
            rs = tl_buf_put_leb(out, zigzag(e[i].article_id - prev_article));
            if (rs == TL_OK)
                rs = tl_buf_put_leb(out, (uint64_t)e[i].tf[1]);
            if (rs == TL_OK)
                rs = tl_buf_put_leb(out, (uint64_t)e[i].len[1]);
            if (rs == TL_OK && author)
                rs = tl_buf_put_leb(out, (uint64_t)e[i].tf[2]);
            if (rs == TL_OK && author)
                rs = tl_buf_put_leb(out, (uint64_t)e[i].len[2]);
        }
        if (rs == TL_OK)
            rs = tl_buf_put_leb(out, (uint64_t)e[i].tf[0]);
        if (rs == TL_OK)
            rs = tl_buf_put_leb(out, (uint64_t)e[i].len[0]);
    }
    return rs;
}

/* Reads the next varint of p[*k..n) into *v; 0 when it runs out. */
static int
next_leb(const unsigned char *p, size_t n, size_t *k, uint64_t *v)
{
    size_t m = tl_leb_get(p + *k, n - *k, v);

    *k += m;
    return m > 0;
}

int
tl_impact_decode(const unsigned char *p, size_t n,
                 struct tl_impact_entry **out, size_t *n_out)
{
    struct tl_impact_entry *a = NULL, *e;
    size_t k = 0, cap = 0, got = 0;

    *out = NULL;
    *n_out = 0;
    while (k < n) {
        const struct tl_impact_entry *prev;
        uint64_t head, v[6];

        if (got == cap) {
            size_t nc = cap ? 2 * cap : 64;
            struct tl_impact_entry *b = realloc(a, nc * sizeof *b);
            if (b == NULL)
                goto bad;
            a = b;
            cap = nc;
        }
        prev = got > 0 ? &a[got - 1] : NULL;
        e = &a[got];
        memset(e, 0, sizeof *e);
        if (!next_leb(p, n, &k, &head) || (head >> 2) == 0
            || ((head & IMPACT_SAME) && prev == NULL)
            || (head >> 2) > (uint64_t)(INT64_MAX
                                        - (prev != NULL ? prev->passage_id
                                                        : 0)))
            goto bad;
        e->passage_id = (prev != NULL ? prev->passage_id : 0)
                        + (int64_t)(head >> 2);
        if (head & IMPACT_SAME) {
            e->article_id = prev->article_id;
            e->tf[1] = prev->tf[1];
            e->len[1] = prev->len[1];
            e->tf[2] = prev->tf[2];
            e->len[2] = prev->len[2];
        } else {
            int64_t base = prev != NULL ? prev->article_id : 0, d;
            int m = (head & IMPACT_AUTHOR) ? 5 : 3;

            for (int f = 0; f < m; f++)
                if (!next_leb(p, n, &k, &v[f]) || (f > 0 && v[f] > INT_MAX))
                    goto bad;
            d = unzigzag(v[0]);
            /* article ids are 0 (not known) or positive */
            if (d > INT64_MAX - base || d < -base)
                goto bad;
            e->article_id = base + d;
            e->tf[1] = (int)v[1];
            e->len[1] = (int)v[2];
            if (m == 5) {
                e->tf[2] = (int)v[3];
                e->len[2] = (int)v[4];
            }
        }
        if (!next_leb(p, n, &k, &v[0]) || !next_leb(p, n, &k, &v[1])
            || v[0] > INT_MAX || v[1] > INT_MAX)
            goto bad;
        e->tf[0] = (int)v[0];
        e->len[0] = (int)v[1];
        got++;
    }
    *out = a;
    *n_out = got;
    return 1;
bad:
    free(a);
    return 0;
}

/* ---- totals and freshness -------------------------------------------- */

enum tl_status
tl_impact_totals(sqlite3 *db, struct tl_impact_totals *t,
                 struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    memset(t, 0, sizeof *t);
    if (sqlite3_prepare_v2(db, "SELECT block FROM passages_fts_data "
                           "WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the index totals");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0), k;
        uint64_t v;

        if (p != NULL && (k = sqlite_varint(p, n, &v)) > 0) {
            t->rows = (int64_t)v;
            p += k;
            n -= k;
            for (int c = 0; c < TL_RANK_COLUMNS; c++) {
                if ((k = sqlite_varint(p, n, &v)) == 0)
                    break;
                t->tokens[c] = (int64_t)v;
                p += k;
                n -= k;
            }
        }
    } else if (rc != SQLITE_DONE) {
        rs = tl_error_db(err, db, "reading the index totals");
    }
    sqlite3_finalize(st);
    return rs;
}

/* Are p the parameters the lists were made with (the defaults)? */
static int
default_params(const struct tl_rank_params *p, double k1, double b,
               const double *w)
{
    if (p->k1 != k1 || p->b != b)
        return 0;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        if (p->w[c] != w[c])
            return 0;
    return 1;
}

enum tl_status
tl_impact_state_read(sqlite3 *db, struct tl_impact_state *state,
                     int *found_out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    memset(state, 0, sizeof *state);
    *found_out = 0;
    if (sqlite3_prepare_v2(db, "SELECT rows, tokens_body, tokens_title, "
                           "tokens_author, max_passage, ref_rows, "
                           "ref_tokens_body, ref_tokens_title, "
                           "ref_tokens_author, k1, b, w_body, w_title, "
                           "w_author FROM impact_state WHERE id = 1", -1, &st,
                           NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the impact lists' state");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        state->covered.rows = sqlite3_column_int64(st, 0);
        state->max_passage = sqlite3_column_int64(st, 4);
        state->ref.rows = sqlite3_column_int64(st, 5);
        for (int c = 0; c < TL_RANK_COLUMNS; c++) {
            state->covered.tokens[c] = sqlite3_column_int64(st, 1 + c);
            state->ref.tokens[c] = sqlite3_column_int64(st, 6 + c);
            state->w[c] = sqlite3_column_double(st, 11 + c);
        }
        state->k1 = sqlite3_column_double(st, 9);
        state->b = sqlite3_column_double(st, 10);
        *found_out = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the impact lists' state");
    return TL_OK;
}

enum tl_status
tl_impact_state_write(sqlite3 *db, const struct tl_impact_state *state,
                      struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO impact_state (id, "
                           "rows, tokens_body, tokens_title, tokens_author, "
                           "max_passage, ref_rows, ref_tokens_body, "
                           "ref_tokens_title, ref_tokens_author, k1, b, "
                           "w_body, w_title, w_author) VALUES (1, ?1, ?2, ?3, "
                           "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                           -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "writing the impact lists' state");
    sqlite3_bind_int64(st, 1, state->covered.rows);
    sqlite3_bind_int64(st, 5, state->max_passage);
    sqlite3_bind_int64(st, 6, state->ref.rows);
    for (int c = 0; c < TL_RANK_COLUMNS; c++) {
        sqlite3_bind_int64(st, 2 + c, state->covered.tokens[c]);
        sqlite3_bind_int64(st, 7 + c, state->ref.tokens[c]);
        sqlite3_bind_double(st, 12 + c, state->w[c]);
    }
    sqlite3_bind_double(st, 10, state->k1);
    sqlite3_bind_double(st, 11, state->b);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, db, "writing the impact lists' state");
    return TL_OK;
}

void
tl_impact_ref_lengths(const struct tl_impact_state *state,
                      double ref_out[TL_RANK_COLUMNS])
{
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        ref_out[c] = tl_rank_avglen(state->ref.tokens[c], state->ref.rows);
}

enum tl_status
tl_impact_fresh(sqlite3 *db, int *fresh_out,
                double ref_out[TL_RANK_COLUMNS], struct tl_error *err)
{
    struct tl_impact_totals live;
    struct tl_impact_state state;
    struct tl_rank_params p;
    enum tl_status rs;
    int found = 0;

    *fresh_out = 0;
    rs = tl_impact_state_read(db, &state, &found, err);
    if (rs != TL_OK || !found)
        return rs;
    rs = tl_impact_totals(db, &live, err);
    if (rs != TL_OK)
        return rs;
    tl_rank_params_init(&p);
    if (live.rows != state.covered.rows
        || !default_params(&p, state.k1, state.b, state.w))
        return TL_OK;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        if (live.tokens[c] != state.covered.tokens[c])
            return TL_OK;
    tl_impact_ref_lengths(&state, ref_out);
    *fresh_out = 1;
    return TL_OK;
}

/* ---- columns ---------------------------------------------------------- */

const char *const tl_impact_columns[TL_RANK_COLUMNS] = { "body", "title",
                                                         "author" };

/* ---- reading ------------------------------------------------------------ */

void
tl_impact_list_release(struct tl_impact_list *l)
{
    if (l == NULL)
        return;
    free(l->entries);
    memset(l, 0, sizeof *l);
}

enum tl_status
tl_impact_load(sqlite3 *db, const char *term, size_t len,
               struct tl_impact_list *l, int *found_out,
               struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    memset(l, 0, sizeof *l);
    *found_out = 0;
    if (sqlite3_prepare_v2(db, "SELECT df, cutoff, list FROM impacts WHERE "
                           "term = ?1", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading an impact list");
    sqlite3_bind_text(st, 1, term, (int)len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2);

        l->df = sqlite3_column_int64(st, 0);
        l->cutoff = sqlite3_column_double(st, 1);
        if (!tl_impact_decode(p, n, &l->entries, &l->n)) {
            rs = tl_error_set(err, TL_ERR_DB, "an impact list is damaged; "
                              "run talaash-index to rebuild it");
            goto out;
        }
        *found_out = 1;
    } else if (rc != SQLITE_DONE) {
        rs = tl_error_db(err, db, "reading an impact list");
    }
out:
    sqlite3_finalize(st);
    if (rs != TL_OK)
        tl_impact_list_release(l);
    return rs;
}
