/*
 * impact_update.c - bringing the impact lists up to date after a run
 * (impact.h, docs/topk.md).
 *
 * When a run only added passages (the common case: new articles), the
 * lists are extended: for each listed term, its occurrences in the new
 * passages (FTS5, `rowid > max_passage`, with tl_tf() for the
 * frequencies and lengths) enter its list when their tf' under the
 * reference lengths beats the cutoff; the list keeps its best
 * TL_IMPACT_LIST and the cutoff rises to the best it dropped; df grows
 * by the count.  Passages the store removed (impact_removed, their df
 * already taken off by tl_impact_forget()) leave the lists; the cutoff
 * still bounds what remains.  Anything else (a passage removed another
 * way, a title changed: the lists are marked stale), or changes of a
 * quarter of the index or more, is a full rebuild.  Terms that became frequent
 * since the last rebuild get a list at the next one; until then their
 * searches are scanned, correctly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impact.h"
#include "lengths.h"

/* The passages after the state's last one: how many, their tokens per
 * column (lens: the packed lengths, lib/lengths.h), the last id. */
static enum tl_status
new_passages(sqlite3 *db, struct tl_lengths *lens, int64_t after,
             struct tl_impact_totals *t, int64_t *max_out,
             struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    memset(t, 0, sizeof *t);
    *max_out = after;
    if (sqlite3_prepare_v2(db, "SELECT id FROM passages WHERE id > ?1 "
                           "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading new passages");
    sqlite3_bind_int64(st, 1, after);
    while (rs == TL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t len[TL_RANK_COLUMNS];

        *max_out = sqlite3_column_int64(st, 0);
        rs = tl_lengths_exact(db, lens, *max_out, len, err);
        t->rows++;
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            t->tokens[c] += len[c];
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading new passages");
    sqlite3_finalize(st);
    return rs;
}

/* The passages removed since (impact_removed): their ids, sorted, and
 * their count and tokens. */
struct removed {
    int64_t *id;
    struct tl_impact_totals t;
};

static enum tl_status
load_removed(sqlite3 *db, struct removed *r, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    enum tl_status rs = TL_OK;
    int rc;

    memset(r, 0, sizeof *r);
    if (sqlite3_prepare_v2(db, "SELECT id, tokens_body, tokens_title, "
                           "tokens_author FROM impact_removed ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading removed passages");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)r->t.rows == cap) {
            size_t nc = cap ? 2 * cap : 256;
            int64_t *id = realloc(r->id, nc * sizeof *id);
            if (id == NULL) {
                rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                break;
            }
            r->id = id;
            cap = nc;
        }
        r->id[r->t.rows++] = sqlite3_column_int64(st, 0);
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            r->t.tokens[c] += sqlite3_column_int64(st, 1 + c);
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading removed passages");
    sqlite3_finalize(st);
    return rs;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static int
was_removed(const struct removed *r, int64_t id)
{
    return r->t.rows > 0
           && bsearch(&id, r->id, (size_t)r->t.rows, sizeof *r->id, cmp_i64)
                  != NULL;
}

/* Does the tokenizer give term back as itself (so that searching for it
 * finds exactly its occurrences)? */
struct same {
    const char *term;
    int len, count, equal;
};

static int
on_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct same *s = ctx;

    (void)start;
    (void)end;
    s->count++;
    s->equal = len == s->len && memcmp(tok, s->term, (size_t)len) == 0;
    return 0;
}

struct scored {
    double tfp;
    struct tl_impact_entry e;
};

static int
cmp_tfp_desc(const void *a, const void *b)
{
    const struct scored *x = a, *y = b;

    return (x->tfp < y->tfp) - (x->tfp > y->tfp);
}

static int
cmp_id(const void *a, const void *b)
{
    const struct tl_impact_entry *x = a, *y = b;

    return (x->passage_id > y->passage_id) - (x->passage_id < y->passage_id);
}

/* The statements and scratch of an update. */
struct update {
    sqlite3 *db;
    sqlite3_stmt *news, *occurrences, *sizes, *write;
    struct tl_lengths *lens;    /* the packed lengths, for tl_tf() too */
    struct tl_rank_params p;
    double ref[TL_RANK_COLUMNS];
    int64_t after;
    struct scored *pool;        /* the list, then the new passages */
    size_t cap;
    struct tl_impact_entry *out;
    struct tl_buf blob;
    const struct removed *removed;
    /* the articles of the term's new passages (its adf grows by how
     * many distinct ones) */
    int64_t *arts;
    size_t n_arts, cap_arts;
    int arts_failed;
};

/* One new passage holding the term: offers it to the pool. */
static void
offer(struct update *u, struct tl_impact_entry *e, double *cutoff, size_t *n)
{
    struct scored s;

    if (e->article_id <= 0)
        u->arts_failed = 1;     /* its article unknown: so is adf */
    if (!u->arts_failed
        && (u->n_arts == 0 || u->arts[u->n_arts - 1] != e->article_id)) {
        if (u->n_arts == u->cap_arts) {
            size_t cap = u->cap_arts ? 2 * u->cap_arts : 256;
            int64_t *p = realloc(u->arts, cap * sizeof *p);
            if (p == NULL)
                u->arts_failed = 1;
            else {
                u->arts = p;
                u->cap_arts = cap;
            }
        }
        if (!u->arts_failed)
            u->arts[u->n_arts++] = e->article_id;
    }
    s.e = *e;
    s.tfp = tl_impact_tfp(&u->p, e, u->ref);
    if (s.tfp <= *cutoff)
        return;                 /* the cutoff already covers it */
    if (*n == u->cap) {
        /* keep the pool bounded: drop all but the best now */
        qsort(u->pool, *n, sizeof *u->pool, cmp_tfp_desc);
        for (size_t i = TL_IMPACT_LIST; i < *n; i++)
            if (u->pool[i].tfp > *cutoff)
                *cutoff = u->pool[i].tfp;
        *n = TL_IMPACT_LIST;
    }
    u->pool[(*n)++] = s;
}

/* The term's occurrences in the new passages, through FTS5: a search
 * for the term itself, from the first new passage on. */
static enum tl_status
by_search(struct update *u, const char *term, int n_term, double *cutoff,
          size_t *n, int64_t *added, struct tl_error *err)
{
    char quoted[256];
    int rc;

    snprintf(quoted, sizeof quoted, "\"%.*s\"", n_term, term);
    sqlite3_reset(u->news);
    sqlite3_bind_text(u->news, 1, quoted, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(u->news, 2, u->after);
    while ((rc = sqlite3_step(u->news)) == SQLITE_ROW) {
        const int32_t *v = sqlite3_column_blob(u->news, 1);
        struct tl_impact_entry e;

        if (v == NULL || sqlite3_column_bytes(u->news, 1)
                             != (int)(2 * TL_RANK_COLUMNS * sizeof *v))
            return tl_error_set(err, TL_ERR_DB, "tl_tf() gave no "
                                "frequencies");
        memset(&e, 0, sizeof e);
        e.passage_id = sqlite3_column_int64(u->news, 0);
        e.article_id = sqlite3_column_int64(u->news, 2);
        for (int c = 0; c < TL_RANK_COLUMNS; c++) {
            int32_t tf, len;
            memcpy(&tf, v + c, sizeof tf);
            memcpy(&len, v + TL_RANK_COLUMNS + c, sizeof len);
            e.tf[c] = tf;
            e.len[c] = len;
        }
        offer(u, &e, cutoff, n);
        (*added)++;
    }
    if (rc != SQLITE_DONE)
        return tl_error_db(err, u->db, "reading a term's new occurrences");
    return TL_OK;
}

/* The same through the vocabulary, for a term the tokenizer does not
 * give back as itself (a stem whose stem differs: searching for it would
 * find another term): all its occurrences are read, the new ones kept. */
static enum tl_status
by_vocabulary(struct update *u, const char *term, int n_term,
              double *cutoff, size_t *n, int64_t *added,
              struct tl_error *err)
{
    struct tl_impact_entry e;
    int64_t cur = -1;
    int rc;

    memset(&e, 0, sizeof e);
    sqlite3_reset(u->occurrences);
    sqlite3_bind_text(u->occurrences, 1, term, n_term, SQLITE_STATIC);
    sqlite3_bind_int64(u->occurrences, 2, u->after);
    for (;;) {
        int64_t id = -1;
        const char *col = NULL;

        rc = sqlite3_step(u->occurrences);
        if (rc == SQLITE_ROW) {
            id = sqlite3_column_int64(u->occurrences, 0);
            col = (const char *)sqlite3_column_text(u->occurrences, 1);
        }
        if (id != cur && cur >= 0) {
            /* the previous passage is complete */
            int64_t len[TL_RANK_COLUMNS];
            enum tl_status rs;

            sqlite3_reset(u->sizes);
            sqlite3_bind_int64(u->sizes, 1, cur);
            if (sqlite3_step(u->sizes) == SQLITE_ROW)
                e.article_id = sqlite3_column_int64(u->sizes, 0);
            sqlite3_reset(u->sizes);
            rs = tl_lengths_exact(u->db, u->lens, cur, len, err);
            if (rs != TL_OK)
                return rs;
            for (int c = 0; c < TL_RANK_COLUMNS; c++)
                e.len[c] = (int)len[c];
            offer(u, &e, cutoff, n);
            (*added)++;
        }
        if (rc != SQLITE_ROW)
            break;
        if (id != cur) {
            memset(&e, 0, sizeof e);
            e.passage_id = id;
            cur = id;
        }
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            if (col != NULL && strcmp(col, tl_impact_columns[c]) == 0)
                e.tf[c]++;
    }
    if (rc != SQLITE_DONE)
        return tl_error_db(err, u->db, "reading a term's new occurrences");
    return TL_OK;
}

/* Extends one term's list with its occurrences in the new passages. */
static enum tl_status
update_term(struct update *u, const char *term, int n_term,
            struct tl_impact_stats *stats, struct tl_error *err)
{
    struct tl_impact_list l;
    struct same same = { term, n_term, 0, 0 };
    size_t n = 0, keep, dropped = 0;
    double cutoff;
    int64_t added = 0;
    enum tl_status rs;
    int found = 0;

    rs = tl_impact_load(u->db, term, (size_t)n_term, &l, &found, err);
    if (rs != TL_OK || !found)
        return rs;
    u->n_arts = 0;
    u->arts_failed = 0;
    cutoff = l.cutoff;
    for (size_t i = 0; i < l.n; i++) {
        if (was_removed(u->removed, l.entries[i].passage_id)) {
            dropped++;          /* the cutoff still bounds what is left */
            continue;
        }
        u->pool[n].e = l.entries[i];
        u->pool[n].tfp = tl_impact_tfp(&u->p, &l.entries[i], u->ref);
        n++;
    }
    if (tl_tokenizer_each(u->db, term, n_term, FTS5_TOKENIZE_QUERY, on_token,
                          &same, err) == TL_OK
        && same.count == 1 && same.equal && n_term < 250
        && memchr(term, '"', (size_t)n_term) == NULL)
        rs = by_search(u, term, n_term, &cutoff, &n, &added, err);
    else
        rs = by_vocabulary(u, term, n_term, &cutoff, &n, &added, err);
    if (rs != TL_OK || (added == 0 && dropped == 0))
        goto out;
    stats->postings += added;
    qsort(u->pool, n, sizeof *u->pool, cmp_tfp_desc);
    keep = n < TL_IMPACT_LIST ? n : TL_IMPACT_LIST;
    for (size_t i = keep; i < n; i++)
        if (u->pool[i].tfp > cutoff)
            cutoff = u->pool[i].tfp;
    for (size_t i = 0; i < keep; i++)
        u->out[i] = u->pool[i].e;
    qsort(u->out, keep, sizeof *u->out, cmp_id);
    tl_buf_reset(&u->blob);
    if (tl_impact_encode(u->out, keep, &u->blob) != TL_OK) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    sqlite3_reset(u->write);
    sqlite3_bind_text(u->write, 1, term, n_term, SQLITE_STATIC);
    sqlite3_bind_int64(u->write, 2, l.df + added);
    sqlite3_bind_double(u->write, 3, cutoff);
    sqlite3_bind_blob(u->write, 4, u->blob.data, (int)u->blob.len,
                      SQLITE_STATIC);
    /* articles new to the term: the new passages' distinct articles (an
     * edited article's old passages were forgotten, adf included) */
    if (u->arts_failed) {
        sqlite3_bind_int64(u->write, 5, 0);
        sqlite3_bind_int(u->write, 6, 1);       /* unknown from now */
    } else {
        size_t k = 0;
        if (u->n_arts > 1)
            qsort(u->arts, u->n_arts, sizeof *u->arts, cmp_i64);
        for (size_t i = 0; i < u->n_arts; i++)
            if (k == 0 || u->arts[k - 1] != u->arts[i])
                u->arts[k++] = u->arts[i];
        sqlite3_bind_int64(u->write, 5, (int64_t)k);
        sqlite3_bind_int(u->write, 6, 0);
    }
    if (sqlite3_step(u->write) != SQLITE_DONE) {
        rs = tl_error_db(err, u->db, "writing an impact list");
        goto out;
    }
    stats->terms++;
    stats->entries += keep;
out:
    tl_impact_list_release(&l);
    return rs;
}

/* The listed terms, copied (the table is rewritten while they are
 * visited). */
static enum tl_status
listed_terms(sqlite3 *db, char ***terms_out, size_t *n_out,
             struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    char **terms = NULL;
    size_t n = 0, cap = 0;
    enum tl_status rs = TL_OK;
    int rc;

    if (sqlite3_prepare_v2(db, "SELECT term FROM impacts", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "reading the impact lists");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 256;
            char **t = realloc(terms, nc * sizeof *t);
            if (t == NULL) {
                rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                break;
            }
            terms = t;
            cap = nc;
        }
        terms[n] = strndup((const char *)sqlite3_column_text(st, 0),
                           (size_t)sqlite3_column_bytes(st, 0));
        if (terms[n] == NULL) {
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the impact lists");
    sqlite3_finalize(st);
    *terms_out = terms;
    *n_out = n;
    return rs;
}

enum tl_status
tl_impact_update(sqlite3 *db, long min_df, struct tl_impact_stats *stats,
                 struct tl_error *err)
{
    struct tl_impact_state state;
    struct tl_impact_totals live, add;
    struct removed removed;
    struct update u;
    char **terms = NULL;
    size_t n_terms = 0;
    int64_t max_id;
    enum tl_status rs;
    int found = 0, rebuild = 0;

    memset(stats, 0, sizeof *stats);
    memset(&u, 0, sizeof u);
    memset(&removed, 0, sizeof removed);
    tl_buf_init(&u.blob, 0);
    rs = tl_impact_state_read(db, &state, &found, err);
    if (rs != TL_OK)
        return rs;
    tl_rank_params_init(&u.p);
    if (!found || state.k1 != u.p.k1 || state.b != u.p.b
        || memcmp(state.w, u.p.w, sizeof state.w) != 0)
        return tl_impact_refresh(db, min_df, stats, err);
    if (tl_db_begin(db, 1, "updating the impact lists", err) != TL_OK)
        return TL_ERR_DB;
    rs = tl_impact_totals(db, &live, err);
    /* the rows' lengths for new_passages() and tl_tf() */
    if (rs == TL_OK)
        rs = tl_lengths_begin(db, &u.lens, err);
    if (rs == TL_OK)
        rs = new_passages(db, u.lens, state.max_passage, &add, &max_id, err);
    if (rs == TL_OK)
        rs = load_removed(db, &removed, err);
    if (rs != TL_OK)
        goto rollback;
    if (live.rows == state.covered.rows && add.rows == 0
        && removed.t.rows == 0
        && memcmp(live.tokens, state.covered.tokens, sizeof live.tokens) == 0)
        goto commit;            /* up to date */
    /* exactly the passages added and those the store recorded removed
     * (anything else marks the lists stale: rows -1), and not so many
     * that the choice of terms should be made again? */
    rebuild = state.covered.rows < 0
              || live.rows != state.covered.rows - removed.t.rows + add.rows
              || (add.rows + removed.t.rows) * 4 >= state.covered.rows;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        rebuild |= live.tokens[c] != state.covered.tokens[c]
                                     - removed.t.tokens[c] + add.tokens[c];
    if (rebuild)
        goto rebuild;
    tl_impact_ref_lengths(&state, u.ref);
    u.db = db;
    u.removed = &removed;
    u.after = state.max_passage;
    u.cap = 4 * TL_IMPACT_LIST;
    u.pool = malloc(u.cap * sizeof *u.pool);
    u.out = malloc(TL_IMPACT_LIST * sizeof *u.out);
    if (u.pool == NULL || u.out == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto rollback;
    }
    if (sqlite3_prepare_v2(db, "SELECT passages_fts.rowid, "
                           "tl_tf(passages_fts), p.article_id FROM "
                           "passages_fts JOIN passages AS p ON p.id = "
                           "passages_fts.rowid WHERE passages_fts MATCH ?1 "
                           "AND passages_fts.rowid > ?2", -1, &u.news, NULL)
            != SQLITE_OK
        || sqlite3_prepare_v2(db, "UPDATE impacts SET df = ?2, cutoff = ?3, "
                              "list = ?4, adf = CASE WHEN ?6 THEN NULL ELSE "
                              "adf + ?5 END WHERE term = ?1", -1, &u.write,
                              NULL) != SQLITE_OK
        || sqlite3_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS "
                        "temp.tl_vocab_inst USING fts5vocab(main, "
                        "passages_fts, instance)", NULL, NULL, NULL)
            != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT doc, col FROM temp.tl_vocab_inst "
                              "WHERE term = ?1 AND doc > ?2", -1,
                              &u.occurrences, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT article_id FROM passages WHERE "
                              "id = ?1", -1, &u.sizes, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, db, "updating the impact lists");
        goto rollback;
    }
    rs = listed_terms(db, &terms, &n_terms, err);
    for (size_t i = 0; rs == TL_OK && i < n_terms; i++)
        rs = update_term(&u, terms[i], (int)strlen(terms[i]), stats, err);
    if (rs != TL_OK)
        goto rollback;
    state.covered = live;
    state.max_passage = max_id;
    rs = tl_impact_state_write(db, &state, err);
    if (rs != TL_OK)
        goto rollback;
    if (sqlite3_exec(db, "DELETE FROM impact_removed", NULL, NULL, NULL)
        != SQLITE_OK) {
        rs = tl_error_db(err, db, "updating the impact lists");
        goto rollback;
    }
commit:
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, db, "updating the impact lists");
        goto rollback;
    }
    goto out;
rebuild:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    rs = tl_lengths_end(db, u.lens, TL_OK, err);
    u.lens = NULL;
    if (rs != TL_OK)
        goto out;
    rs = tl_impact_refresh(db, min_df, stats, err);
    stats->rebuilt = 1;
    goto out;
rollback:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    rs = tl_lengths_end(db, u.lens, rs, err);
    for (size_t i = 0; i < n_terms; i++)
        free(terms[i]);
    free(terms);
    sqlite3_finalize(u.news);
    sqlite3_finalize(u.occurrences);
    sqlite3_finalize(u.sizes);
    sqlite3_finalize(u.write);
    free(u.pool);
    free(u.out);
    free(u.arts);
    free(removed.id);
    tl_buf_release(&u.blob);
    return rs;
}
