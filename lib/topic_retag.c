/*
 * topic_retag.c - tags every stored article again when the topic rules
 * change (talaash-index notices it through tl_topics_digest()).
 *
 * An article's rule topics depend only on its passages' text, which the
 * database stores: the sum of each topic's matches over the passages
 * decides the article, a match in a passage tags the passage (as
 * lib/ingest.c's match_topics() does when a file is read).  So the files
 * need not be read again.  Topics named by front matter or a manifest
 * (article_topics.source other than 'rules') stay; a rule topic replaces
 * a named one of the same name, as at indexing.  Known limit: a named
 * topic that a rule topic of the same name replaced when the file was
 * indexed is not brought back if the new rules drop that topic.
 */
#include <stdlib.h>
#include <string.h>

#include "talaash.h"

enum {
    Q_PASSAGES, Q_TOPIC_ADD, Q_TOPIC_ID, Q_PASSAGE_TOPIC, Q_ARTICLE_TOPIC,
    N_QUERIES
};

static const char *const sql[N_QUERIES] = {
    [Q_PASSAGES] = "SELECT id, article_id, text FROM passage_texts "
                   "ORDER BY article_id, ordinal",
    [Q_TOPIC_ADD] = "INSERT OR IGNORE INTO topics (name) VALUES (?1)",
    [Q_TOPIC_ID] = "SELECT id FROM topics WHERE name = ?1",
    [Q_PASSAGE_TOPIC] = "INSERT INTO passage_topics (passage_id, topic_id, "
                        "matches) VALUES (?1, ?2, ?3)",
    [Q_ARTICLE_TOPIC] = "INSERT OR REPLACE INTO article_topics "
                        "(article_id, topic_id, source, matches) "
                        "VALUES (?1, ?2, 'rules', ?3)",
};

struct retag {
    sqlite3 *db;
    const struct tl_topics *t;
    sqlite3_stmt *q[N_QUERIES];
    size_t nt;
    int64_t *topic_ids;     /* nt */
    unsigned *counts;       /* nt: one passage */
    unsigned *totals;       /* nt: the article so far */
    struct tl_error *err;
};

/* Steps a write statement once and resets it. */
static enum tl_status
step_done(struct retag *r, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return tl_error_db(r->err, r->db, what);
    return TL_OK;
}

static enum tl_status
topic_ids(struct retag *r)
{
    enum tl_status st = TL_OK;

    for (size_t i = 0; st == TL_OK && i < r->nt; i++) {
        const char *name = tl_topics_name(r->t, i);

        sqlite3_bind_text(r->q[Q_TOPIC_ADD], 1, name, -1, SQLITE_STATIC);
        st = step_done(r, r->q[Q_TOPIC_ADD], "adding a topic");
        if (st != TL_OK)
            break;
        sqlite3_bind_text(r->q[Q_TOPIC_ID], 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(r->q[Q_TOPIC_ID]) != SQLITE_ROW)
            st = tl_error_db(r->err, r->db, "reading a topic");
        else
            r->topic_ids[i] = sqlite3_column_int64(r->q[Q_TOPIC_ID], 0);
        sqlite3_reset(r->q[Q_TOPIC_ID]);
    }
    return st;
}

/* Writes the article's rule topics from r->totals, and clears them. */
static enum tl_status
end_article(struct retag *r, int64_t article)
{
    enum tl_status st = TL_OK;
    sqlite3_stmt *q = r->q[Q_ARTICLE_TOPIC];

    for (size_t i = 0; st == TL_OK && i < r->nt; i++) {
        if (r->totals[i] == 0
            || r->totals[i] < (unsigned)tl_topics_min_matches(r->t, i))
            continue;
        sqlite3_bind_int64(q, 1, article);
        sqlite3_bind_int64(q, 2, r->topic_ids[i]);
        sqlite3_bind_int64(q, 3, r->totals[i]);
        st = step_done(r, q, "adding an article's topic");
    }
    memset(r->totals, 0, r->nt * sizeof *r->totals);
    return st;
}

static enum tl_status
one_passage(struct retag *r, int64_t passage, const char *text, size_t len)
{
    sqlite3_stmt *q = r->q[Q_PASSAGE_TOPIC];
    enum tl_status st;

    memset(r->counts, 0, r->nt * sizeof *r->counts);
    st = tl_topics_match(r->db, r->t, text, len, r->counts, NULL, NULL,
                         r->err);
    for (size_t i = 0; st == TL_OK && i < r->nt; i++) {
        if (r->counts[i] == 0)
            continue;
        r->totals[i] += r->counts[i];
        sqlite3_bind_int64(q, 1, passage);
        sqlite3_bind_int64(q, 2, r->topic_ids[i]);
        sqlite3_bind_int64(q, 3, r->counts[i]);
        st = step_done(r, q, "adding a passage's topic");
    }
    return st;
}

static enum tl_status
walk_passages(struct retag *r, size_t *n_articles)
{
    sqlite3_stmt *q = r->q[Q_PASSAGES];
    enum tl_status st = TL_OK;
    int64_t article = 0;
    int rc;

    while (st == TL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        int64_t a = sqlite3_column_int64(q, 1);
        const char *text = (const char *)sqlite3_column_text(q, 2);
        size_t len = (size_t)sqlite3_column_bytes(q, 2);

        if (a != article && article != 0)
            st = end_article(r, article);
        if (a != article)
            ++*n_articles;
        article = a;
        if (st == TL_OK)
            st = one_passage(r, id, text != NULL ? text : "", len);
    }
    if (st == TL_OK && rc != SQLITE_DONE)
        st = tl_error_db(r->err, r->db, "reading the passages");
    if (st == TL_OK && article != 0)
        st = end_article(r, article);
    sqlite3_reset(q);
    return st;
}

enum tl_status
tl_topics_retag(sqlite3 *db, const struct tl_topics *t,
                size_t *n_articles_out, struct tl_error *err)
{
    struct retag r;
    size_t n_articles = 0;
    enum tl_status st = TL_OK;

    memset(&r, 0, sizeof r);
    r.db = db;
    r.t = t;
    r.err = err;
    r.nt = tl_topics_count(t);
    r.topic_ids = calloc(r.nt + 1, sizeof *r.topic_ids);
    r.counts = calloc(r.nt + 1, sizeof *r.counts);
    r.totals = calloc(r.nt + 1, sizeof *r.totals);
    if (r.topic_ids == NULL || r.counts == NULL || r.totals == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory re-tagging");
        goto out;
    }
    for (int i = 0; i < N_QUERIES; i++)
        if (sqlite3_prepare_v2(db, sql[i], -1, &r.q[i], NULL) != SQLITE_OK) {
            st = tl_error_db(err, db, "preparing to re-tag topics");
            goto out;
        }
    if (sqlite3_exec(db, "DELETE FROM passage_topics; "
                         "DELETE FROM article_topics WHERE source = 'rules'",
                     NULL, NULL, NULL) != SQLITE_OK) {
        st = tl_error_db(err, db, "removing the old rule topics");
        goto out;
    }
    st = topic_ids(&r);
    if (st == TL_OK)
        st = walk_passages(&r, &n_articles);
out:
    for (int i = 0; i < N_QUERIES; i++)
        sqlite3_finalize(r.q[i]);
    free(r.topic_ids);
    free(r.counts);
    free(r.totals);
    if (n_articles_out != NULL)
        *n_articles_out = st == TL_OK ? n_articles : 0;
    return st;
}

enum tl_status
tl_topics_recorded(sqlite3 *db, const struct tl_topics *t, int *same_out,
                   int *any_articles_out, struct tl_error *err)
{
    char digest[TL_TOPIC_DIGEST_LEN + 1];
    sqlite3_stmt *q = NULL;
    enum tl_status st = TL_OK;

    tl_topics_digest(t, digest);
    if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT value = ?1 FROM meta "
                               "WHERE key = 'topic_rules'), 0), EXISTS "
                               "(SELECT 1 FROM articles)", -1, &q, NULL)
            != SQLITE_OK)
        return tl_error_db(err, db, "reading the topic rules' digest");
    sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW) {
        st = tl_error_db(err, db, "reading the topic rules' digest");
    } else {
        *same_out = sqlite3_column_int(q, 0);
        if (any_articles_out != NULL)
            *any_articles_out = sqlite3_column_int(q, 1);
    }
    sqlite3_finalize(q);
    return st;
}

enum tl_status
tl_topics_sync(sqlite3 *db, const struct tl_topics *t,
               size_t *n_articles_out, struct tl_error *err)
{
    char digest[TL_TOPIC_DIGEST_LEN + 1];
    sqlite3_stmt *q = NULL;
    enum tl_status st;
    int same = 0, any = 0;

    *n_articles_out = 0;
    st = tl_topics_recorded(db, t, &same, &any, err);
    if (st != TL_OK || same)
        return st;
    if (any)
        st = tl_topics_retag(db, t, n_articles_out, err);
    if (st != TL_OK)
        return st;
    tl_topics_digest(t, digest);
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (key, value) "
                               "VALUES ('topic_rules', ?1)", -1, &q, NULL)
            != SQLITE_OK)
        return tl_error_db(err, db, "recording the topic rules' digest");
    sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        st = tl_error_db(err, db, "recording the topic rules' digest");
    sqlite3_finalize(q);
    return st;
}
