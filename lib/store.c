/*
 * store.c - writing articles and their passages into the database.
 *
 * A new passage is indexed here: each INSERT INTO passages is followed by
 * a single-row INSERT INTO passages_fts with the same text and the
 * article's title and author exactly as stored in articles (no trigger
 * does it since schema/003-direct-index.sql).  Neither statement opens a
 * statement savepoint, so FTS5 keeps the batch's terms in memory and
 * writes them once, at COMMIT, instead of a segment per passage.  The
 * index forgets passages through the triggers of schema/001-init.sql:
 * deleting passages or articles, and changing a title or author.
 * The text of an article's passages is written once, compressed, to
 * article_texts (lib/textpack.h); passages.text stays NULL.
 * An article's passages get consecutive ids, and its row holds their
 * range (passage_first, passage_last), by which it finds them again
 * (schema/012-article-ranges.sql); it is found by path_key and path.
 * In bulk mode (tl_store_bulk()) a new passage is not handed to FTS5:
 * its tokens, as the ingest recorded them, are in the caller's
 * inverters (lib/invert.h), whose lists are written as one segment of
 * passages_fts just before the commit (lib/fts5_write.h), in the same
 * transaction as the passages.
 * Callers wrap a batch of tl_store_put() calls in tl_store_begin() and
 * tl_store_commit(): a kill between them loses the batch, never half an
 * article, and never a passage without its index entry.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compact.h"
#include "fts5_write.h"
#include "ingest.h"
#include "impact_made.h"
#include "invert.h"
#include "lengths.h"
#include "textpack.h"

enum {
    Q_LOOKUP,
    Q_HASH,
    Q_TOUCH,
    Q_INSERT_ARTICLE,
    Q_UPDATE_ARTICLE,
    Q_DELETE_PASSAGES,
    Q_INSERT_PASSAGE,
    Q_INDEX_PASSAGE,
    Q_TOPIC_ADD,
    Q_TOPIC_ID,
    Q_DELETE_TOPICS,
    Q_ARTICLE_TOPIC,
    Q_PASSAGE_TOPIC,
    Q_BY_HASH,
    Q_MOVE,
    Q_ALL_PATHS,
    Q_DELETE_ARTICLE,
    Q_DELETE_TEXT,
    Q_PUT_TEXT,
    Q_NEXT_PASSAGE,
    Q_COUNT
};

static const char *const sql[Q_COUNT] = {
    /* by path_key, a hash of the path (schema/012-article-ranges.sql) */
    [Q_LOOKUP] = "SELECT size, mtime_ns FROM articles "
                 "WHERE path_key = ?2 AND path = ?1",
    [Q_HASH] = "SELECT id, hash FROM articles "
               "WHERE path_key = ?2 AND path = ?1",
    [Q_TOUCH] = "UPDATE articles SET mtime_ns = ?2, size = ?3 WHERE id = ?1",
    [Q_INSERT_ARTICLE] =
        "INSERT INTO articles (path, hash, size, mtime_ns, format, title, "
        "author, pub_date, date_precision, title_source, author_source, "
        "date_source, encoding, path_key, passage_first, passage_last) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, ?15, ?16)",
    [Q_UPDATE_ARTICLE] =
        "UPDATE articles SET hash = ?2, size = ?3, mtime_ns = ?4, "
        "format = ?5, title = ?6, author = ?7, pub_date = ?8, "
        "date_precision = ?9, title_source = ?10, author_source = ?11, "
        "date_source = ?12, encoding = ?13, passage_first = ?15, "
        "passage_last = ?16, indexed_at = "
        "CAST(strftime('%s', 'now') AS INTEGER) WHERE id = ?1",
    /* an article's passages: the ids in its range that are its own */
    [Q_DELETE_PASSAGES] =
        "DELETE FROM passages WHERE id BETWEEN "
        "(SELECT passage_first FROM articles WHERE id = ?1) AND "
        "(SELECT passage_last FROM articles WHERE id = ?1) "
        "AND article_id = ?1",
    /* the text goes to article_texts (Q_PUT_TEXT), once per article;
     * the ids are the article's range, set before (Q_NEXT_PASSAGE) */
    [Q_INSERT_PASSAGE] =
        "INSERT INTO passages (id, article_id, ordinal, byte_start, "
        "byte_end) VALUES (?5, ?1, ?2, ?3, ?4)",
    /* one row, VALUES: a statement that may write several rows (a
     * trigger, INSERT ... SELECT) would open a savepoint, and FTS5
     * flushes its pending terms at every savepoint */
    [Q_INDEX_PASSAGE] =
        "INSERT INTO passages_fts (rowid, body, title, author) "
        "VALUES (?1, ?2, ?3, ?4)",
    [Q_TOPIC_ADD] = "INSERT OR IGNORE INTO topics (name) VALUES (?1)",
    [Q_TOPIC_ID] = "SELECT id FROM topics WHERE name = ?1",
    [Q_DELETE_TOPICS] = "DELETE FROM article_topics WHERE article_id = ?1",
    [Q_ARTICLE_TOPIC] =
        "INSERT OR IGNORE INTO article_topics (article_id, topic_id, source, "
        "matches) VALUES (?1, ?2, ?3, ?4)",
    [Q_PASSAGE_TOPIC] =
        "INSERT INTO passage_topics (passage_id, topic_id, matches) "
        "VALUES (?1, ?2, ?3)",
    [Q_BY_HASH] = "SELECT id, path FROM articles WHERE hash = ?1",
    [Q_MOVE] = "UPDATE articles SET path = ?2, path_key = ?5, "
               "mtime_ns = ?3, size = ?4 WHERE id = ?1",
    [Q_ALL_PATHS] = "SELECT id, path FROM articles ORDER BY id",
    [Q_DELETE_ARTICLE] = "DELETE FROM articles WHERE id = ?1",
    /* not INSERT OR REPLACE: a statement that may write two rows opens
     * a statement savepoint, at which FTS5 writes a segment */
    [Q_DELETE_TEXT] = "DELETE FROM article_texts WHERE article_id = ?1",
    [Q_PUT_TEXT] = "INSERT INTO article_texts (article_id, z) "
                   "VALUES (?1, ?2)",
    /* the id SQLite would give the next passage */
    [Q_NEXT_PASSAGE] = "SELECT ifnull(max(id), 0) + 1 FROM passages",
};

struct tl_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    /* the transaction's df decrements, written before its commit */
    struct tl_impact_forgetting *forgetting;
    /* compresses the articles' text (lib/textpack.h) */
    struct tl_text_writer *texts;
    /* the lengths of the passages it indexes (lib/lengths.h), counted
     * by the tokenizer as FTS5 indexes them */
    struct tl_tally *tally;
    struct tl_lengths_writer *lengths;
    /* blob bytes written since the dictionary was last looked for */
    size_t untrained;
    /* bulk mode: the batch's new passages, inverted by the caller's
     * hands */
    int bulk_on;
    struct tl_store_hands hands;
    int64_t put_first;          /* tl_store_put_first() */
    /* stored since the last commit: passages, tokens per column */
    int64_t bulk_rows, bulk_tokens[TL_FTS5_COLUMNS_W];
    /* tl_store_expect_fresh(): asked, checked at a begin, and the
     * database's data_version then (another connection's commit
     * changes it, this one's do not) */
    int fresh_asked, fresh_checked, fresh;
    int64_t fresh_version;
    /* tl_store_make_impacts(): a fresh store's first flush makes the
     * impact lists (lib/impact_made.h) from the passages' lengths and
     * articles kept as they are stored */
    long impacts_min_df;        /* 0: not asked */
    int impacts_threads;
    int flushes;                /* bulk flushes so far */
    struct tl_impact_lens made_lens;
    struct tl_impact_made *made;        /* its makers may be at work */
    int made_pending;                   /* made's flush not committed */
};

enum tl_status
tl_store_new(sqlite3 *db, struct tl_store **out, struct tl_error *err)
{
    struct tl_store *s = calloc(1, sizeof *s);
    int own;

    *out = NULL;
    if (s == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    s->db = db;
    if (tl_impact_forgetting_new(&s->forgetting, err) != TL_OK) {
        free(s);
        return TL_ERR_NOMEM;
    }
    if (tl_text_writer_new(db, &s->texts, err) != TL_OK
        || tl_lengths_writer_new(&s->lengths, err) != TL_OK) {
        tl_store_free(s);
        return TL_ERR_NOMEM;
    }
    s->tally = tl_tokenizer_tally(db);
    /* in one snapshot, with the schema as of it (tl_db_begin()): two
     * indexers started together on a new database, one's statements
     * were prepared while the other left indexes for later */
    own = sqlite3_get_autocommit(db);
    if (own && tl_db_begin(db, 0, "preparing the indexer's statements", err)
               != TL_OK) {
        tl_store_free(s);
        return TL_ERR_DB;
    }
    for (int i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &s->q[i], NULL) != SQLITE_OK) {
            tl_error_db(err, db, "preparing the indexer's statements");
            if (own)
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            tl_store_free(s);
            return TL_ERR_DB;
        }
    }
    if (own && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        tl_error_db(err, db, "preparing the indexer's statements");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        tl_store_free(s);
        return TL_ERR_DB;
    }
    *out = s;
    return TL_OK;
}

void
tl_store_free(struct tl_store *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    tl_impact_forgetting_free(s->forgetting);
    tl_text_writer_free(s->texts);
    tl_lengths_writer_free(s->lengths);
    tl_impact_made_free(s->made);       /* (stops its makers) */
    tl_impact_lens_release(&s->made_lens);
    free(s);
}

static void
done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Steps a statement that returns no row. */
static enum tl_status
run(struct tl_store *s, sqlite3_stmt *st, const char *what,
    struct tl_error *err)
{
    int rc = sqlite3_step(st);

    done(st);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, s->db, what);
    return TL_OK;
}

enum tl_status
tl_store_lookup(struct tl_store *s, const char *path, int64_t size,
                int64_t mtime_ns, enum tl_store_state *state_out,
                struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_LOOKUP];
    int rc;

    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, tl_path_key(path, strlen(path)));
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int same = sqlite3_column_int64(st, 0) == size
                   && sqlite3_column_int64(st, 1) == mtime_ns;
        *state_out = same ? TL_STORE_UNCHANGED : TL_STORE_CHANGED;
    } else {
        *state_out = TL_STORE_NEW;
    }
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, s->db, "looking up an article");
    return TL_OK;
}

/* The id of the article stored at path (0 if none) and whether its hash
 * equals hash. */
static enum tl_status
find(struct tl_store *s, const char *path, const unsigned char *hash,
     int64_t *id_out, int *same_out, struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_HASH];
    int rc;

    *id_out = 0;
    *same_out = 0;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, tl_path_key(path, strlen(path)));
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        /* the type first: reading a value may convert it */
        int blob = sqlite3_column_type(st, 1) == SQLITE_BLOB;
        const void *h = sqlite3_column_blob(st, 1);

        *id_out = sqlite3_column_int64(st, 0);
        *same_out = blob && sqlite3_column_bytes(st, 1) == TL_HASH_SIZE
                    && memcmp(h, hash, TL_HASH_SIZE) == 0;
    }
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, s->db, "looking up an article");
    return TL_OK;
}

enum tl_status
tl_store_touch_if_same(struct tl_store *s, const struct tl_article *a,
                       int *same_out, struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_TOUCH];
    enum tl_status rs;
    int64_t id;

    rs = find(s, a->path, a->hash, &id, same_out, err);
    if (rs != TL_OK || !*same_out)
        return rs;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, a->mtime_ns);
    sqlite3_bind_int64(st, 3, a->size);
    return run(s, st, "updating an article's time", err);
}

static const char *
source_or_null(const char *field, enum tl_meta_source src)
{
    return field != NULL && src != TL_SRC_NONE ? tl_meta_source_name(src)
                                                : NULL;
}

/* What articles.title and .author hold for a missing value; the index
 * entries of the article's passages must hold exactly the same. */
static const char *
or_empty(const char *field)
{
    return field != NULL ? field : "";
}

static void
bind_article(sqlite3_stmt *st, const struct tl_article *a,
             const struct tl_ingest *in, char *date_buf, size_t date_size)
{
    const struct tl_meta *m = &in->meta;
    int dated = m->date.precision != TL_DATE_NONE;

    sqlite3_bind_blob(st, 2, a->hash, TL_HASH_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->size);
    sqlite3_bind_int64(st, 4, a->mtime_ns);
    sqlite3_bind_text(st, 5, tl_format_name(a->format), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, or_empty(m->title), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, or_empty(m->author), -1, SQLITE_STATIC);
    if (dated) {
        sqlite3_bind_text(st, 8, tl_date_format(&m->date, date_buf, date_size),
                          -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, tl_date_precision_name(m->date.precision),
                          -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, tl_meta_source_name(m->date_src), -1,
                          SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 10, source_or_null(m->title, m->title_src), -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 11, source_or_null(m->author, m->author_src), -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 13, in->encoding == TL_ENC_CP1252 ? "windows-1252"
                                                            : "utf-8",
                      -1, SQLITE_STATIC);
}

/* The id of the topic called name, created when new. */
static enum tl_status
topic_id(struct tl_store *s, const char *name, int64_t *id_out,
         struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_TOPIC_ADD];
    enum tl_status rs;
    int rc;

    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rs = run(s, st, "adding a topic", err);
    if (rs != TL_OK)
        return rs;
    st = s->q[Q_TOPIC_ID];
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *id_out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    done(st);
    if (rc != SQLITE_ROW)
        return tl_error_db(err, s->db, "reading a topic");
    return TL_OK;
}

static enum tl_status
put_topics(struct tl_store *s, int64_t article, const struct tl_ingest *in,
           const struct tl_topics *topics, const int64_t *passage_ids,
           struct tl_error *err)
{
    size_t nt = topics != NULL ? tl_topics_count(topics) : 0;
    sqlite3_stmt *st = s->q[Q_DELETE_TOPICS];
    enum tl_status rs;
    int64_t id;

    sqlite3_bind_int64(st, 1, article);
    rs = run(s, st, "removing old topics", err);
    for (size_t i = 0; rs == TL_OK && i < in->n_topics; i++) {
        const struct tl_article_topic *t = &in->topics[i];
        rs = topic_id(s, t->name, &id, err);
        if (rs != TL_OK)
            break;
        st = s->q[Q_ARTICLE_TOPIC];
        sqlite3_bind_int64(st, 1, article);
        sqlite3_bind_int64(st, 2, id);
        sqlite3_bind_text(st, 3, t->source == TL_SRC_NONE
                                     ? "rules" : tl_meta_source_name(t->source),
                          -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, t->matches);
        rs = run(s, st, "adding an article's topic", err);
    }
    for (size_t t = 0; rs == TL_OK && t < nt; t++) {
        int have_id = 0;
        for (size_t p = 0; rs == TL_OK && p < in->n_passages; p++) {
            unsigned n = in->passage_topics[p * nt + t];
            if (n == 0)
                continue;
            if (!have_id) {
                rs = topic_id(s, tl_topics_name(topics, t), &id, err);
                have_id = 1;
                if (rs != TL_OK)
                    break;
            }
            st = s->q[Q_PASSAGE_TOPIC];
            sqlite3_bind_int64(st, 1, passage_ids[p]);
            sqlite3_bind_int64(st, 2, id);
            sqlite3_bind_int64(st, 3, n);
            rs = run(s, st, "adding a passage's topic", err);
        }
    }
    return rs;
}

/* Writes the text of article's passages, compressed, to article_texts
 * (its old row, if any, is gone: tl_store_put() removed it after the
 * old passages, whose triggers read it). */
static enum tl_status
put_text(struct tl_store *s, int64_t article, const struct tl_ingest *in,
         struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_PUT_TEXT];
    enum tl_status rs = TL_OK;
    const void *blob;
    size_t len;

    tl_text_writer_begin(s->texts);
    for (size_t i = 0; rs == TL_OK && i < in->n_passages; i++) {
        const struct tl_passage *p = &in->passages[i];
        rs = tl_text_writer_add(s->texts, in->text.data + p->start,
                                p->end - p->start, err);
    }
    if (rs == TL_OK)
        rs = tl_text_writer_finish(s->texts, &blob, &len, err);
    if (rs != TL_OK)
        return rs;
    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
    s->untrained += len;
    return run(s, st, "storing an article's text", err);
}

/* The id the next passage gets: all of an article's passages are
 * given consecutive ids from it, the range its row holds. */
static enum tl_status
next_passage(struct tl_store *s, size_t n, int64_t *id_out,
             struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_NEXT_PASSAGE];
    int rc = sqlite3_step(st);
    int ok = rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER;

    *id_out = ok ? sqlite3_column_int64(st, 0) : 0;
    done(st);
    if (rc != SQLITE_ROW)
        return tl_error_db(err, s->db, "numbering passages");
    if (!ok || *id_out > INT64_MAX - (int64_t)n)
        return tl_error_set(err, TL_ERR_DB, "passage ids are used up up to "
                            "the largest there is; rebuild the database");
    return TL_OK;
}

/* The article's passage range, ?15 and ?16 of Q_INSERT_ARTICLE and
 * Q_UPDATE_ARTICLE; NULL when it has none. */
static void
bind_range(sqlite3_stmt *st, int64_t first, size_t n)
{
    if (n == 0)
        return;
    sqlite3_bind_int64(st, 15, first);
    sqlite3_bind_int64(st, 16, first + (int64_t)n - 1);
}

/* One replay of the tally: text's recorded tokens k .. k1 - 1. */
static void
replay_one(struct tl_replay *r, const struct tl_ingest *in, const char *text,
           int len, size_t k, size_t k1)
{
    r->text = text;
    r->len = len;
    r->toks = &in->tokens;
    r->first = k;
    r->n = k1 - k;
}

/* Lets the tokenizer hand FTS5 the tokens the ingest recorded for
 * passage i, the title and the author (lib/tokenizer.c) instead of
 * tokenizing them again in this, the writing, thread. */
static void
set_replay(struct tl_tally *t, const struct tl_ingest *in, size_t i,
           const char *text, int n, const char *title, const char *author)
{
    const size_t *k = in->tok_first, np = in->n_passages;

    t->n_replay = 0;
    if (k == NULL)
        return;
    replay_one(&t->replay[0], in, text, n, k[i], k[i + 1]);
    replay_one(&t->replay[1], in, title, (int)strlen(title), k[np],
               k[np + 1]);
    replay_one(&t->replay[2], in, author, (int)strlen(author), k[np + 1],
               k[np + 2]);
    t->n_replay = 3;
}

/* Bulk mode: passage i of in, stored as id (the caller's hands invert
 * it): counted for the averages, and its lengths (its tokens per
 * column) to the lengths writer. */
static enum tl_status
bulk_passage(struct tl_store *s, const struct tl_ingest *in, size_t i,
             int64_t article, int64_t id, struct tl_error *err)
{
    struct tl_invert_col cols[TL_FTS5_COLUMNS_W];
    struct tl_tally t;
    int64_t len[TL_RANK_COLUMNS];

    tl_invert_columns(in, i, cols);
    memset(&t, 0, sizeof t);
    t.n = TL_TALLY_COLUMNS;
    s->bulk_rows++;
    for (int c = 0; c < TL_TALLY_COLUMNS; c++) {
        s->bulk_tokens[c] += (int64_t)cols[c].n;
        t.len[c] = (int)cols[c].n;
    }
    /* for the lists the first flush makes */
    if (s->impacts_min_df > 0 && s->fresh && s->flushes == 0) {
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            len[c] = (int64_t)cols[c].n;
        if (tl_impact_lens_put(&s->made_lens, id, article, len) != 0)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    return tl_lengths_add(s->lengths, id, &t, err);
}

/* Inserts the passages of article, ids from first on, and indexes each
 * right after it (or inverts it, in bulk mode); their ids go to
 * ids_out. */
static enum tl_status
put_passages(struct tl_store *s, int64_t article, int64_t first,
             const struct tl_ingest *in, int64_t *ids_out,
             struct tl_error *err)
{
    const char *title = or_empty(in->meta.title);
    const char *author = or_empty(in->meta.author);
    sqlite3_stmt *ins = s->q[Q_INSERT_PASSAGE], *idx = s->q[Q_INDEX_PASSAGE];
    enum tl_status rs = put_text(s, article, in, err);

    for (size_t i = 0; rs == TL_OK && i < in->n_passages; i++) {
        const struct tl_passage *p = &in->passages[i];
        const char *text = in->text.data + p->start;
        int n = (int)(p->end - p->start);

        sqlite3_bind_int64(ins, 1, article);
        sqlite3_bind_int64(ins, 2, (int64_t)i + 1);
        sqlite3_bind_int64(ins, 3, (int64_t)p->src_start);
        sqlite3_bind_int64(ins, 4, (int64_t)p->src_end);
        sqlite3_bind_int64(ins, 5, first + (int64_t)i);
        rs = run(s, ins, "adding a passage", err);
        if (rs != TL_OK)
            break;
        ids_out[i] = first + (int64_t)i;
        if (s->bulk_on && in->tok_first != NULL) {
            rs = bulk_passage(s, in, i, article, ids_out[i], err);
            continue;
        }
        sqlite3_bind_int64(idx, 1, ids_out[i]);
        sqlite3_bind_text(idx, 2, text, n, SQLITE_STATIC);
        sqlite3_bind_text(idx, 3, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(idx, 4, author, -1, SQLITE_STATIC);
        if (s->tally != NULL) {
            s->tally->armed = 1;
            s->tally->n = 0;
            set_replay(s->tally, in, i, text, n, title, author);
        }
        rs = run(s, idx, "indexing a passage", err);
        if (s->tally != NULL) {
            s->tally->armed = 0;
            s->tally->n_replay = 0;
            if (rs == TL_OK)
                rs = tl_lengths_add(s->lengths, ids_out[i], s->tally, err);
        }
    }
    return rs;
}

enum tl_status
tl_store_put(struct tl_store *s, const struct tl_article *a,
             const struct tl_ingest *in, const struct tl_topics *topics,
             struct tl_error *err)
{
    char date_buf[TL_DATE_FORMAT_SIZE];
    int64_t *passage_ids = NULL;
    sqlite3_stmt *st;
    enum tl_status rs;
    int64_t id, first;
    int same;

    /* a fresh store holds no article this run did not put, and the run
     * puts a path once: none at a->path (a lookup per article, 5 % of
     * a first build's writer) */
    id = 0;
    rs = s->fresh ? TL_OK : find(s, a->path, a->hash, &id, &same, err);
    if (rs != TL_OK)
        return rs;
    if (id != 0) {
        /* passages first, while the old title and author are there for
         * the index to forget them by */
        rs = tl_impact_forget(s->db, s->forgetting, id, err);
        if (rs != TL_OK)
            return rs;
        st = s->q[Q_DELETE_PASSAGES];
        sqlite3_bind_int64(st, 1, id);
        rs = run(s, st, "removing old passages", err);
        if (rs != TL_OK)
            return rs;
        /* after the passages: their triggers read the old text */
        st = s->q[Q_DELETE_TEXT];
        sqlite3_bind_int64(st, 1, id);
        rs = run(s, st, "removing an article's old text", err);
        if (rs != TL_OK)
            return rs;
    }
    /* after the old passages are gone, as SQLite would number them */
    rs = next_passage(s, in->n_passages, &first, err);
    if (rs != TL_OK)
        return rs;
    if (id != 0) {
        st = s->q[Q_UPDATE_ARTICLE];
        sqlite3_bind_int64(st, 1, id);
        bind_article(st, a, in, date_buf, sizeof date_buf);
        bind_range(st, first, in->n_passages);
        rs = run(s, st, "updating an article", err);
    } else {
        st = s->q[Q_INSERT_ARTICLE];
        sqlite3_bind_text(st, 1, a->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 14, tl_path_key(a->path, strlen(a->path)));
        bind_article(st, a, in, date_buf, sizeof date_buf);
        bind_range(st, first, in->n_passages);
        rs = run(s, st, "adding an article", err);
        id = sqlite3_last_insert_rowid(s->db);
    }
    if (rs != TL_OK)
        return rs;
    s->put_first = s->bulk_on && in->tok_first != NULL
                   && in->n_passages > 0 ? first : 0;
    passage_ids = malloc((in->n_passages + 1) * sizeof *passage_ids);
    if (passage_ids == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    rs = put_passages(s, id, first, in, passage_ids, err);
    if (rs == TL_OK)
        rs = put_topics(s, id, in, topics, passage_ids, err);
    free(passage_ids);
    /* the dictionary as soon as there is text enough for one, not at
     * the commit: every article written before it is written again;
     * trained on a thread while the articles after it are stored */
    if (rs == TL_OK && s->untrained >= TL_TEXT_TRAIN_MIN) {
        s->untrained = 0;
        rs = tl_text_writer_tune_soon(s->texts, err);
    }
    return rs;
}

static int
file_gone(const char *path)
{
    struct stat sb;

    return stat(path, &sb) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

enum tl_status
tl_store_adopt_if_moved(struct tl_store *s, const struct tl_article *a,
                        int *moved_out, struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_BY_HASH];
    int64_t id = 0;
    int rc;

    *moved_out = 0;
    sqlite3_bind_blob(st, 1, a->hash, TL_HASH_SIZE, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 1);
        if (path != NULL && file_gone(path)) {
            id = sqlite3_column_int64(st, 0);
            break;
        }
    }
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, s->db, "looking for a renamed article");
    if (id == 0)
        return TL_OK;
    st = s->q[Q_MOVE];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, a->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->mtime_ns);
    sqlite3_bind_int64(st, 4, a->size);
    sqlite3_bind_int64(st, 5, tl_path_key(a->path, strlen(a->path)));
    *moved_out = 1;
    return run(s, st, "recording a renamed article", err);
}

enum tl_status
tl_store_prune(struct tl_store *s, size_t *removed_out, struct tl_error *err)
{
    sqlite3_stmt *st = s->q[Q_ALL_PATHS];
    int64_t *gone = NULL;
    size_t n = 0, cap = 0;
    enum tl_status rs = TL_OK;
    int rc;

    *removed_out = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 1);
        if (path == NULL || !file_gone(path))
            continue;
        if (n == cap) {
            size_t ncap = cap != 0 ? cap * 2 : 64;
            int64_t *p = realloc(gone, ncap * sizeof *p);
            if (p == NULL) {
                rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                break;
            }
            gone = p;
            cap = ncap;
        }
        gone[n++] = sqlite3_column_int64(st, 0);
    }
    done(st);
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, s->db, "looking for removed files");
    if (rs == TL_OK && n > 0)
        rs = tl_store_begin(s, err);
    for (size_t i = 0; rs == TL_OK && i < n; i++) {
        rs = tl_impact_forget(s->db, s->forgetting, gone[i], err);
        if (rs != TL_OK)
            break;
        st = s->q[Q_DELETE_ARTICLE];
        sqlite3_bind_int64(st, 1, gone[i]);
        rs = run(s, st, "removing an article", err);
    }
    if (rs == TL_OK && n > 0)
        rs = tl_store_commit(s, err);
    else if (rs != TL_OK)
        tl_store_rollback(s);
    if (rs == TL_OK)
        *removed_out = n;
    free(gone);
    return rs;
}

enum tl_status
tl_store_tune_texts(struct tl_store *s, struct tl_error *err)
{
    enum tl_status rs;
    int has = 0, trained = 0;

    rs = tl_text_writer_has_dictionary(s->texts, &has, err);
    if (rs != TL_OK || has)
        return rs;
    rs = tl_store_begin(s, err);
    if (rs == TL_OK)
        rs = tl_text_writer_tune(s->texts, &trained, err);
    if (rs == TL_OK && trained)
        return tl_store_commit(s, err);
    tl_store_rollback(s);
    return rs;
}

enum tl_status
tl_store_bulk(struct tl_store *s, const struct tl_store_hands *hands,
              struct tl_error *err)
{
    if (hands == NULL || hands->n < 1 || hands->map == NULL)
        return tl_error_set(err, TL_ERR_DB, "bulk indexing needs inverters");
    s->hands = *hands;
    s->bulk_on = 1;
    return TL_OK;
}

int64_t
tl_store_put_first(const struct tl_store *s)
{
    return s->put_first;
}

/* the lists take about 4 bytes a token (a position's varint, rowids and
 * sizes, the buffers' slack; the news corpus: 4.3 M tokens, 15 MB) */
size_t
tl_store_bulk_bytes(const struct tl_store *s)
{
    if (s == NULL || !s->bulk_on)
        return 0;
    return (size_t)(s->bulk_tokens[0] + s->bulk_tokens[1]
                    + s->bulk_tokens[2]) * 4;
}

/* The inverters that hold the batch's lists: *inv_out, their number. */
static int
inverters(struct tl_store *s, struct tl_invert *const **inv_out)
{
    *inv_out = s->hands.inv;
    return s->hands.n;
}

/* Bulk mode: the batch's passages written as one segment and made part
 * of the index, in the open transaction. */
static enum tl_status
bulk_flush(struct tl_store *s, struct tl_error *err)
{
    struct tl_fts5_sql_sink *sql = NULL;
    struct tl_fts5_writer *w = NULL;
    struct tl_fts5_sink sink;
    struct tl_invert *const *inv;
    int64_t rows = s->bulk_rows, tokens[TL_FTS5_COLUMNS_W];
    int segid = 0, pgsz = 0, last = 0, n;
    enum tl_status rs;

    if (!s->bulk_on)
        return TL_OK;
    memcpy(tokens, s->bulk_tokens, sizeof tokens);
    s->bulk_rows = 0;
    memset(s->bulk_tokens, 0, sizeof s->bulk_tokens);
    n = inverters(s, &inv);
    if (rows == 0) {
        for (int i = 0; i < n; i++)
            tl_invert_clear(inv[i]);
        return TL_OK;
    }
    /* FTS5 first writes what it holds (the batch's forgotten rows) */
    rs = tl_fts5_settle(s->db, err);
    if (rs == TL_OK)
        rs = tl_fts5_free_segid(s->db, &segid, err);
    if (rs == TL_OK)
        rs = tl_fts5_pgsz(s->db, &pgsz, err);
    if (rs == TL_OK)
        rs = tl_fts5_sql_sink_new(s->db, &sql, &sink, err);
    if (rs == TL_OK)
        rs = tl_fts5_writer_new(segid, pgsz, &sink, &w, err);
    /* a fresh store's first flush makes the impact lists on the way
     * (any later one: the lists are no longer the index's) */
    tl_impact_made_free(s->made);
    s->made = NULL;
    if (rs == TL_OK && s->impacts_min_df > 0 && s->fresh
        && s->flushes == 0) {
        struct tl_impact_totals tot;
        tot.rows = rows;
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            tot.tokens[c] = tokens[c];
        rs = tl_impact_made_new(s->impacts_min_df, &tot, &s->made_lens,
                                s->impacts_threads, &s->made, err);
    }
    if (rs == TL_OK) {
        struct tl_invert_lists lists;
        struct tl_invert_makers *makers = NULL;
        if (s->made != NULL)
            tl_impact_made_ask(s->made, &lists);
        rs = tl_invert_write_lists(inv, n, s->hands.map, s->hands.ctx, w,
                                   s->made != NULL ? &lists : NULL,
                                   &makers, err);
        /* the makers go on past the commit: the caller's map must hold
         * until the refresh waits for them (tl_store_impacts_wait()) */
        if (rs == TL_OK && s->made != NULL) {
            tl_impact_made_written(s->made, makers);
            s->made_pending = 1;
        } else {
            tl_invert_makers_stop(makers);
        }
    }
    s->flushes++;
    if (rs == TL_OK)
        rs = tl_fts5_writer_finish(w, &last, err);
    if (rs == TL_OK)
        rs = tl_fts5_install(s->db, segid, last, rows, tokens, err);
    tl_fts5_writer_free(w);
    tl_fts5_sql_sink_free(sql);
    for (int i = 0; i < n; i++)
        tl_invert_clear(inv[i]);
    return rs;
}

void
tl_store_impacts_wait(struct tl_store *s)
{
    struct tl_error ignored = { 0 };

    if (s->made != NULL)
        tl_impact_made_wait(s->made, &ignored);     /* (failed: refused) */
}

void
tl_store_make_impacts(struct tl_store *s, long min_df, int threads)
{
    s->impacts_min_df = min_df > 0 ? min_df : 1;
    s->impacts_threads = threads;
    tl_impact_lens_release(&s->made_lens);
    tl_impact_lens_init(&s->made_lens);
}

struct tl_impact_made *
tl_store_impacts_made(const struct tl_store *s)
{
    return s->made;
}

void
tl_store_expect_fresh(struct tl_store *s)
{
    s->fresh_asked = 1;
}

int
tl_store_fresh(const struct tl_store *s)
{
    return s->fresh;
}

/* One integer the statement sql gives (-1 when it fails). */
static int64_t
int_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Inside a write transaction just begun: is the store (still) fresh? */
static void
check_fresh(struct tl_store *s)
{
    int64_t v = int_of(s->db, "PRAGMA main.data_version");

    if (!s->fresh_checked) {
        s->fresh_checked = 1;
        s->fresh = v >= 0 && int_of(s->db, "SELECT EXISTS (SELECT 1 FROM "
                                    "main.articles)") == 0;
        s->fresh_version = v;
    } else if (v < 0 || v != s->fresh_version) {
        s->fresh = 0;       /* another connection wrote meanwhile */
    }
}

enum tl_status
tl_store_begin(struct tl_store *s, struct tl_error *err)
{
    if (tl_db_begin(s->db, 1, "starting a transaction", err) == TL_OK) {
        if (s->fresh_asked)
            check_fresh(s);
        /* a store that looks articles up needs the indexes a first
         * build leaves for its end (another connection wrote meanwhile) */
        if (!s->fresh && tl_index_restore(s->db, NULL, err) != TL_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return TL_ERR_DB;
        }
        return TL_OK;
    }
    /* the busy timeout ran out: tl_error_db() says who is in the way */
    return TL_ERR_DB;
}

enum tl_status
tl_store_commit(struct tl_store *s, struct tl_error *err)
{
    /* the first commit after which there is text enough for a
     * dictionary trains it (lib/textpack_write.c) */
    if (bulk_flush(s, err) != TL_OK
        || tl_impact_forget_flush(s->db, s->forgetting, err) != TL_OK
        || tl_lengths_flush(s->db, s->lengths, err) != TL_OK
        || tl_text_writer_tune(s->texts, NULL, err) != TL_OK) {
        tl_store_rollback(s);
        return TL_ERR_DB;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        tl_error_db(err, s->db, "committing");
        tl_store_rollback(s);
        return TL_ERR_DB;
    }
    s->made_pending = 0;        /* the lists are the committed index's */
    return TL_OK;
}

void
tl_store_rollback(struct tl_store *s)
{
    tl_impact_forget_discard(s->forgetting);
    tl_lengths_discard(s->lengths);
    if (s->made_pending) {      /* made by the flush rolled back */
        tl_impact_made_free(s->made);
        s->made = NULL;
        s->made_pending = 0;
    }
    if (s->bulk_on) {
        struct tl_invert *const *inv;
        int n = inverters(s, &inv);
        for (int i = 0; i < n; i++)
            tl_invert_clear(inv[i]);
        s->bulk_rows = 0;
        memset(s->bulk_tokens, 0, sizeof s->bulk_tokens);
    }
    if (sqlite3_get_autocommit(s->db) == 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
