/*
 * lengths.c - every passage's column lengths, packed (lengths.h).
 *
 * A row of passage_lengths holds the passages with ids chunk * 1000 to
 * chunk * 1000 + 999: 4 bytes per id from the chunk's first, the body
 * length (uint16, little-endian), then the title's and the author's
 * (uint8 each); the blob ends after its last passage.  0xffff / 0xff
 * mark a length too long for its field, and an id with no passage is
 * all zeros (a matching passage has a token somewhere): both are "not
 * known", and tl_bm25() asks FTS5.  The lengths are read from
 * passages_fts_docsize (FTS5's stable format: one varint per column,
 * tl_impact_decode_sizes()).
 */
#include <stdlib.h>
#include <string.h>

#include "impact.h"
#include "lengths.h"

/* 1,000 passages a row: 4,000 bytes fit in one 4 KB page with the row's
 * header, where 1,024 (4,096 bytes) would spill onto an overflow page;
 * a search that scores few passages reads about a page per passage, as
 * FTS5's docsize would, and one that scores many reads the whole table
 * (400 kB at 100,000 passages, 21,268 articles) once */
#define CHUNK_IDS 1000
#define ENTRY 4                 /* bytes per passage */
#define BODY_MAX 0xfffe         /* longer: 0xffff, not known */
#define FIELD_MAX 0xfe          /* longer: 0xff, not known */

/* ---- the state ---------------------------------------------------------- */

/* Reads the state row; *found_out 0 when there is none. */
static enum tl_status
read_state(sqlite3 *db, int64_t *covered, int *dirty, int *found_out,
           struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *covered = 0;
    *dirty = 1;
    *found_out = 0;
    if (sqlite3_prepare_v2(db, "SELECT covered, dirty FROM "
                           "passage_lengths_state WHERE id = 1", -1, &st,
                           NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the passage lengths");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *covered = sqlite3_column_int64(st, 0);
        *dirty = sqlite3_column_int(st, 1) != 0;
        *found_out = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the passage lengths");
    return TL_OK;
}

static enum tl_status
int64_query(sqlite3 *db, const char *sql, int64_t *out, const char *what,
            struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *out = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, what);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, what);
    return TL_OK;
}

/* ---- the refresh -------------------------------------------------------- */

static void
put_entry(unsigned char *e, const int64_t len[TL_RANK_COLUMNS])
{
    int64_t body = len[0], title = len[1], author = len[2];

    if (body < 0 || body > BODY_MAX)
        body = 0xffff;
    if (title < 0 || title > FIELD_MAX)
        title = 0xff;
    if (author < 0 || author > FIELD_MAX)
        author = 0xff;
    e[0] = (unsigned char)(body & 0xff);
    e[1] = (unsigned char)(body >> 8);
    e[2] = (unsigned char)title;
    e[3] = (unsigned char)author;
}

/* Writes chunk c from buf (its first used bytes). */
static enum tl_status
write_chunk(sqlite3_stmt *ins, int64_t c, const unsigned char *buf,
            size_t used, struct tl_error *err)
{
    int rc;

    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, c);
    sqlite3_bind_blob(ins, 2, buf, (int)used, SQLITE_STATIC);
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (rc != SQLITE_DONE)
        return tl_error_db(err, sqlite3_db_handle(ins),
                           "writing the passage lengths");
    return TL_OK;
}

/* Rewrites the chunks from c0 on with the passages up to max_id. */
static enum tl_status
rewrite(sqlite3 *db, int64_t c0, int64_t max_id, long *n_out,
        struct tl_error *err)
{
    sqlite3_stmt *sizes = NULL, *ins = NULL, *del = NULL;
    unsigned char *buf = calloc(CHUNK_IDS, ENTRY);
    enum tl_status rs = TL_OK;
    int64_t cur = -1;
    size_t used = 0;
    int rc = SQLITE_DONE;

    if (buf == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, "DELETE FROM passage_lengths WHERE chunk >= "
                           "?1", -1, &del, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT id, sz FROM passages_fts_docsize "
                              "WHERE id >= ?1 AND id <= ?2 ORDER BY id", -1,
                              &sizes, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT INTO passage_lengths (chunk, lens) "
                              "VALUES (?1, ?2)", -1, &ins, NULL)
           != SQLITE_OK) {
        rs = tl_error_db(err, db, "writing the passage lengths");
        goto out;
    }
    sqlite3_bind_int64(del, 1, c0);
    if (sqlite3_step(del) != SQLITE_DONE) {
        rs = tl_error_db(err, db, "writing the passage lengths");
        goto out;
    }
    sqlite3_bind_int64(sizes, 1, c0 * CHUNK_IDS);
    sqlite3_bind_int64(sizes, 2, max_id);
    while (rs == TL_OK && (rc = sqlite3_step(sizes)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(sizes, 0), len[TL_RANK_COLUMNS];
        int64_t c = id / CHUNK_IDS;
        size_t at = (size_t)(id % CHUNK_IDS) * ENTRY;

        if (c != cur) {
            if (cur >= 0 && used > 0)
                rs = write_chunk(ins, cur, buf, used, err);
            memset(buf, 0, (size_t)CHUNK_IDS * ENTRY);
            used = 0;
            cur = c;
        }
        tl_impact_decode_sizes(sqlite3_column_blob(sizes, 1),
                               (size_t)sqlite3_column_bytes(sizes, 1), len);
        put_entry(buf + at, len);
        used = at + ENTRY;
        if (n_out != NULL)
            (*n_out)++;
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the passage lengths");
    if (rs == TL_OK && cur >= 0 && used > 0)
        rs = write_chunk(ins, cur, buf, used, err);
out:
    sqlite3_finalize(del);
    sqlite3_finalize(sizes);
    sqlite3_finalize(ins);
    free(buf);
    return rs;
}

enum tl_status
tl_lengths_refresh(sqlite3 *db, long *n_out, struct tl_error *err)
{
    int64_t covered = 0, max_id = 0, from;
    int dirty = 1, found = 0;
    enum tl_status rs;

    if (n_out != NULL)
        *n_out = 0;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "writing the passage lengths");
    rs = read_state(db, &covered, &dirty, &found, err);
    if (rs == TL_OK)
        rs = int64_query(db, "SELECT ifnull(max(id), 0) FROM passages",
                         &max_id, "reading the passage lengths", err);
    if (rs != TL_OK || (found && !dirty && covered == max_id))
        goto end;               /* nothing written when up to date */
    from = dirty ? 0 : (covered < max_id ? covered : max_id) + 1;
    rs = rewrite(db, from / CHUNK_IDS, max_id, n_out, err);
    if (rs == TL_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO "
                               "passage_lengths_state (id, covered, dirty) "
                               "VALUES (1, ?1, 0)", -1, &st, NULL)
            != SQLITE_OK)
            rs = tl_error_db(err, db, "writing the passage lengths");
        else {
            sqlite3_bind_int64(st, 1, max_id);
            if (sqlite3_step(st) != SQLITE_DONE)
                rs = tl_error_db(err, db, "writing the passage lengths");
            sqlite3_finalize(st);
        }
    }
end:
    if (rs != TL_OK) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rs;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, db, "writing the passage lengths");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rs;
}

/* ---- reading ------------------------------------------------------------ */

struct chunk {
    unsigned char *p;       /* owned; NULL until read or when missing */
    size_t n;               /* bytes */
    int read;               /* 1: asked for (p NULL: none) */
};

struct tl_lengths {
    struct tl_rank_lengths api;     /* for tl_rank_lengths() */
    sqlite3_stmt *read;
    int64_t covered;
    size_t n_chunks;
    struct chunk *chunks;
};

void
tl_lengths_free(struct tl_lengths *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n_chunks; i++)
        free(l->chunks[i].p);
    free(l->chunks);
    sqlite3_finalize(l->read);
    free(l);
}

static int
get_fn(void *ctx, int64_t rowid, int len[TL_RANK_COLUMNS])
{
    return tl_lengths_get(ctx, rowid, len);
}

enum tl_status
tl_lengths_open(sqlite3 *db, struct tl_lengths **out, struct tl_error *err)
{
    struct tl_lengths *l;
    int64_t covered = 0;
    int dirty = 1, found = 0;
    enum tl_status rs;

    *out = NULL;
    rs = read_state(db, &covered, &dirty, &found, err);
    if (rs != TL_OK || !found || dirty || covered <= 0)
        return rs;
    l = calloc(1, sizeof *l);
    if (l == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    l->covered = covered;
    l->n_chunks = (size_t)(covered / CHUNK_IDS) + 1;
    l->chunks = calloc(l->n_chunks, sizeof *l->chunks);
    if (l->chunks == NULL) {
        tl_lengths_free(l);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    if (sqlite3_prepare_v2(db, "SELECT lens FROM passage_lengths WHERE "
                           "chunk = ?1", -1, &l->read, NULL) != SQLITE_OK) {
        tl_lengths_free(l);
        return tl_error_db(err, db, "reading the passage lengths");
    }
    l->api.get = get_fn;
    l->api.ctx = l;
    *out = l;
    return TL_OK;
}

/* Reads chunk c (once); an error leaves it missing: its rows are then
 * scored with FTS5's lengths. */
static void
load(struct tl_lengths *l, struct chunk *ch, int64_t c)
{
    ch->read = 1;
    sqlite3_reset(l->read);
    sqlite3_bind_int64(l->read, 1, c);
    if (sqlite3_step(l->read) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(l->read, 0);
        int n = sqlite3_column_bytes(l->read, 0);
        if (b != NULL && n > 0 && (ch->p = malloc((size_t)n)) != NULL) {
            memcpy(ch->p, b, (size_t)n);
            ch->n = (size_t)n;
        }
    }
    sqlite3_reset(l->read);
}

int
tl_lengths_get(struct tl_lengths *l, int64_t id, int len[TL_RANK_COLUMNS])
{
    struct chunk *ch;
    const unsigned char *e;
    size_t at;

    if (l == NULL || id <= 0 || id > l->covered)
        return 0;
    ch = &l->chunks[id / CHUNK_IDS];
    if (!ch->read)
        load(l, ch, id / CHUNK_IDS);
    at = (size_t)(id % CHUNK_IDS) * ENTRY;
    if (ch->p == NULL || at + ENTRY > ch->n)
        return 0;
    e = ch->p + at;
    len[0] = e[0] | (e[1] << 8);
    len[1] = e[2];
    len[2] = e[3];
    if (len[0] == 0xffff || len[1] == 0xff || len[2] == 0xff
        || len[0] + len[1] + len[2] == 0)
        return 0;
    return 1;
}

/* ---- for scans ---------------------------------------------------------- */

enum tl_status
tl_lengths_begin(sqlite3 *db, struct tl_lengths **out, struct tl_error *err)
{
    enum tl_status rs = tl_lengths_open(db, out, err);

    if (rs != TL_OK || *out == NULL)
        return rs;
    rs = tl_rank_lengths(db, &(*out)->api, err);
    if (rs != TL_OK) {
        tl_lengths_free(*out);
        *out = NULL;
    }
    return rs;
}

enum tl_status
tl_lengths_end(sqlite3 *db, struct tl_lengths *l, enum tl_status rs,
               struct tl_error *err)
{
    struct tl_error scratch = { 0 };
    enum tl_status off = TL_OK;

    if (l != NULL) {
        off = tl_rank_lengths(db, NULL, rs == TL_OK ? err : &scratch);
        tl_lengths_free(l);
    }
    return rs == TL_OK ? off : rs;
}
