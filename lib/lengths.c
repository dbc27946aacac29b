/*
 * lengths.c - every passage's column lengths, packed (lengths.h).
 *
 * A row of passage_lengths holds the passages with ids chunk * 1000 to
 * chunk * 1000 + 999: 4 bytes per id from the chunk's first, the body
 * length (uint16, little-endian), then the title's and the author's
 * (uint8 each); the blob ends after its last passage.  0xffff / 0xff
 * mark a length too long for its field, and an id with no passage is
 * all zeros (a matching passage has a token somewhere): both are "not
 * known", and tl_bm25() asks FTS5.  FTS5 keeps no lengths of its own
 * (columnsize=0, schema 010): the store writes those of the passages it
 * indexes, counted by the tokenizer as FTS5 indexes them (tl_tally),
 * and the refresh counts the others' tokens in their text.
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

/* ---- counting tokens ---------------------------------------------------- */

static int
count_token(void *ctx, const char *tok, int len, int start, int end)
{
    (void)tok;
    (void)len;
    (void)start;
    (void)end;
    (*(int64_t *)ctx)++;
    return 0;
}

/* The lengths of one passage from its columns' text, tokenized as FTS5
 * tokenizes a row it indexes (NULL: no tokens, as FTS5). */
static enum tl_status
count_row(sqlite3 *db, sqlite3_stmt *row, int first_col,
          int64_t len[TL_RANK_COLUMNS], struct tl_error *err)
{
    for (int c = 0; c < TL_RANK_COLUMNS; c++) {
        const char *text =
            (const char *)sqlite3_column_text(row, first_col + c);

        len[c] = 0;
        if (text != NULL
            && tl_tokenizer_each(db, text,
                                 sqlite3_column_bytes(row, first_col + c),
                                 FTS5_TOKENIZE_DOCUMENT, count_token, &len[c],
                                 err) != TL_OK)
            return TL_ERR_DB;
    }
    return TL_OK;
}

/* ---- the refresh -------------------------------------------------------- */

/* Copies the first `limit` bytes (at most) of chunk c's blob into buf
 * (zeroed by the caller) with `old` (SELECT lens ... WHERE chunk = ?1);
 * returns how many it copied, 0 when there is no such chunk. */
static size_t
read_chunk(sqlite3_stmt *old, int64_t c, unsigned char *buf, size_t limit)
{
    size_t used = 0;

    sqlite3_reset(old);
    sqlite3_bind_int64(old, 1, c);
    if (sqlite3_step(old) == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(old, 0);
        const void *b = sqlite3_column_blob(old, 0);

        used = n < limit ? n : limit;
        if (b == NULL)
            used = 0;
        if (used > 0)
            memcpy(buf, b, used);
    }
    sqlite3_reset(old);
    return used;
}

/* Rewrites the passages from id `from` up to max_id, their lengths
 * counted in their text; the chunk holding `from` keeps what it holds
 * below it (all of it is rewritten when keep is 0). */
static enum tl_status
rewrite(sqlite3 *db, int64_t from, int64_t max_id, int keep, long *n_out,
        struct tl_error *err)
{
    sqlite3_stmt *rows = NULL, *ins = NULL, *del = NULL, *old = NULL;
    unsigned char *buf = calloc(CHUNK_IDS, ENTRY);
    enum tl_status rs = TL_OK;
    int64_t c0 = from / CHUNK_IDS, cur = c0;
    size_t used = 0;
    int rc = SQLITE_DONE;

    if (buf == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, "SELECT lens FROM passage_lengths WHERE "
                           "chunk = ?1", -1, &old, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "DELETE FROM passage_lengths WHERE chunk "
                              ">= ?1", -1, &del, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT id, body, title, author FROM "
                              "passage_docs WHERE id >= ?1 AND id <= ?2 "
                              "ORDER BY id", -1, &rows, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT INTO passage_lengths (chunk, lens) "
                              "VALUES (?1, ?2)", -1, &ins, NULL)
           != SQLITE_OK) {
        rs = tl_error_db(err, db, "writing the passage lengths");
        goto out;
    }
    if (keep)           /* the first chunk's entries below `from` stay */
        used = read_chunk(old, c0, buf, (size_t)(from % CHUNK_IDS) * ENTRY);
    sqlite3_bind_int64(del, 1, c0);
    if (sqlite3_step(del) != SQLITE_DONE) {
        rs = tl_error_db(err, db, "writing the passage lengths");
        goto out;
    }
    sqlite3_bind_int64(rows, 1, from);
    sqlite3_bind_int64(rows, 2, max_id);
    while (rs == TL_OK && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(rows, 0), len[TL_RANK_COLUMNS];
        int64_t c = id / CHUNK_IDS;
        size_t at = (size_t)(id % CHUNK_IDS) * ENTRY;

        if (c != cur) {
            if (used > 0)
                rs = write_chunk(ins, cur, buf, used, err);
            memset(buf, 0, (size_t)CHUNK_IDS * ENTRY);
            used = 0;
            cur = c;
        }
        if (rs == TL_OK)
            rs = count_row(db, rows, 1, len, err);
        if (rs != TL_OK)
            break;
        put_entry(buf + at, len);
        used = at + ENTRY;
        if (n_out != NULL)
            (*n_out)++;
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, db, "reading the passage lengths");
    if (rs == TL_OK && used > 0)
        rs = write_chunk(ins, cur, buf, used, err);
out:
    sqlite3_finalize(old);
    sqlite3_finalize(del);
    sqlite3_finalize(rows);
    sqlite3_finalize(ins);
    free(buf);
    return rs;
}

/* Sets the state row: covered up to `covered`, clean. */
static enum tl_status
write_state(sqlite3 *db, int64_t covered, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;

    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO passage_lengths_state "
                           "(id, covered, dirty) VALUES (1, ?1, 0)", -1, &st,
                           NULL) != SQLITE_OK)
        return tl_error_db(err, db, "writing the passage lengths");
    sqlite3_bind_int64(st, 1, covered);
    if (sqlite3_step(st) != SQLITE_DONE)
        rs = tl_error_db(err, db, "writing the passage lengths");
    sqlite3_finalize(st);
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
    if (tl_db_begin(db, 1, "writing the passage lengths", err) != TL_OK)
        return TL_ERR_DB;
    rs = read_state(db, &covered, &dirty, &found, err);
    if (rs == TL_OK)
        rs = int64_query(db, "SELECT ifnull(max(id), 0) FROM passages",
                         &max_id, "reading the passage lengths", err);
    if (rs != TL_OK || (found && !dirty && covered == max_id))
        goto end;               /* nothing written when up to date */
    from = dirty || !found ? 0 : (covered < max_id ? covered : max_id) + 1;
    rs = rewrite(db, from, max_id, !dirty && found, n_out, err);
    if (rs == TL_OK)
        rs = write_state(db, max_id, err);
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

/* ---- the store's passages ----------------------------------------------- */

struct written {
    int64_t id;
    int64_t len[TL_RANK_COLUMNS];
};

struct tl_lengths_writer {
    struct written *w;
    size_t n, cap;
};

enum tl_status
tl_lengths_writer_new(struct tl_lengths_writer **out, struct tl_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out != NULL ? TL_OK
                        : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
}

void
tl_lengths_writer_free(struct tl_lengths_writer *w)
{
    if (w == NULL)
        return;
    free(w->w);
    free(w);
}

void
tl_lengths_discard(struct tl_lengths_writer *w)
{
    if (w != NULL)
        w->n = 0;
}

enum tl_status
tl_lengths_add(struct tl_lengths_writer *w, int64_t id,
               const struct tl_tally *tally, struct tl_error *err)
{
    struct written *e;

    if (tally == NULL || tally->n != TL_TALLY_COLUMNS || id <= 0)
        return TL_OK;   /* not counted: a hole, which the refresh fills */
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 1024;
        struct written *p = realloc(w->w, cap * sizeof *p);
        if (p == NULL)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        w->w = p;
        w->cap = cap;
    }
    e = &w->w[w->n++];
    e->id = id;
    for (int c = 0; c < TL_RANK_COLUMNS; c++)
        e->len[c] = tally->len[c];
    return TL_OK;
}

static int
cmp_written(const void *a, const void *b)
{
    int64_t x = ((const struct written *)a)->id;
    int64_t y = ((const struct written *)b)->id;

    return (x > y) - (x < y);
}

enum tl_status
tl_lengths_flush(sqlite3 *db, struct tl_lengths_writer *w,
                 struct tl_error *err)
{
    sqlite3_stmt *old = NULL, *put = NULL;
    unsigned char *buf = NULL;
    int64_t covered = 0, max_id = 0;
    int dirty = 1, found = 0;
    enum tl_status rs;
    size_t i = 0;

    if (w == NULL || w->n == 0)
        return TL_OK;
    rs = read_state(db, &covered, &dirty, &found, err);
    if (rs != TL_OK || !found)
        goto out;       /* no state row: the refresh makes it */
    buf = malloc((size_t)CHUNK_IDS * ENTRY);
    if (buf == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(db, "SELECT lens FROM passage_lengths WHERE "
                           "chunk = ?1", -1, &old, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO passage_lengths "
                              "(chunk, lens) VALUES (?1, ?2)", -1, &put, NULL)
           != SQLITE_OK) {
        rs = tl_error_db(err, db, "writing the passage lengths");
        goto out;
    }
    /* (a first build adds them in id order: no sort) */
    for (size_t k = 1; k < w->n; k++)
        if (w->w[k - 1].id > w->w[k].id) {
            qsort(w->w, w->n, sizeof *w->w, cmp_written);
            break;
        }
    while (rs == TL_OK && i < w->n) {
        int64_t c = w->w[i].id / CHUNK_IDS;
        size_t used;

        memset(buf, 0, (size_t)CHUNK_IDS * ENTRY);
        used = read_chunk(old, c, buf, (size_t)CHUNK_IDS * ENTRY);
        for (; i < w->n && w->w[i].id / CHUNK_IDS == c; i++) {
            size_t at = (size_t)(w->w[i].id % CHUNK_IDS) * ENTRY;

            put_entry(buf + at, w->w[i].len);
            if (at + ENTRY > used)
                used = at + ENTRY;
            if (w->w[i].id == covered + 1)
                covered++;      /* no hole below: covered goes on */
        }
        rs = write_chunk(put, c, buf, used, err);
    }
    /* ids above the largest passage (stored, then deleted in this
     * transaction) may be handed out again: not covered */
    if (rs == TL_OK)
        rs = int64_query(db, "SELECT ifnull(max(id), 0) FROM passages",
                         &max_id, "reading the passage lengths", err);
    if (rs == TL_OK && !dirty)      /* clean stays clean */
        rs = write_state(db, covered < max_id ? covered : max_id, err);
out:
    sqlite3_finalize(old);
    sqlite3_finalize(put);
    free(buf);
    w->n = 0;
    return rs;
}

/* ---- reading ------------------------------------------------------------ */

/* The chunks read last, each in slot chunk % SLOTS: a scan asks for ids
 * in ascending order and reads each chunk once, in memory that is
 * reused (keeping every chunk it passed made a scan of said at 200,000
 * articles touch 3.8 MB of fresh memory, a page fault per 4 kB); a
 * lookup in random order (the walk by date) reads a chunk again when
 * another took its slot, one statement step. */
#define SLOTS 16

struct chunk {
    int64_t c;              /* the chunk held; -1: none */
    size_t n;               /* bytes; 0: missing (not known) */
    unsigned char p[CHUNK_IDS * ENTRY];
};

struct tl_lengths {
    struct tl_rank_lengths api;     /* for tl_rank_lengths() */
    sqlite3_stmt *read;
    sqlite3_stmt *doc;              /* tl_lengths_exact()'s text */
    int64_t covered;
    struct chunk *chunks;           /* SLOTS */
};

void
tl_lengths_free(struct tl_lengths *l)
{
    if (l == NULL)
        return;
    free(l->chunks);
    sqlite3_finalize(l->read);
    sqlite3_finalize(l->doc);
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
    l->chunks = malloc(SLOTS * sizeof *l->chunks);
    if (l->chunks == NULL) {
        tl_lengths_free(l);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    if (sqlite3_prepare_v2(db, "SELECT lens FROM passage_lengths WHERE "
                           "chunk = ?1", -1, &l->read, NULL) != SQLITE_OK) {
        tl_lengths_free(l);
        return tl_error_db(err, db, "reading the passage lengths");
    }
    for (int i = 0; i < SLOTS; i++)
        l->chunks[i].c = -1;
    l->api.get = get_fn;
    l->api.ctx = l;
    *out = l;
    return TL_OK;
}

/* Reads chunk c into its slot; an error leaves it missing: its rows are
 * then scored with FTS5's lengths. */
static void
load(struct tl_lengths *l, struct chunk *ch, int64_t c)
{
    ch->c = c;
    ch->n = 0;
    sqlite3_reset(l->read);
    sqlite3_bind_int64(l->read, 1, c);
    if (sqlite3_step(l->read) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(l->read, 0);
        int n = sqlite3_column_bytes(l->read, 0);
        if (b != NULL && n > 0) {
            ch->n = (size_t)n < sizeof ch->p ? (size_t)n : sizeof ch->p;
            memcpy(ch->p, b, ch->n);
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
    ch = &l->chunks[(id / CHUNK_IDS) % SLOTS];
    if (ch->c != id / CHUNK_IDS)
        load(l, ch, id / CHUNK_IDS);
    at = (size_t)(id % CHUNK_IDS) * ENTRY;
    if (at + ENTRY > ch->n)
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

enum tl_status
tl_lengths_exact(sqlite3 *db, struct tl_lengths *l, int64_t id,
                 int64_t len[TL_RANK_COLUMNS], struct tl_error *err)
{
    sqlite3_stmt *doc = l != NULL ? l->doc : NULL;
    enum tl_status rs = TL_OK;
    int got[TL_RANK_COLUMNS], rc;

    if (tl_lengths_get(l, id, got)) {
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            len[c] = got[c];
        return TL_OK;
    }
    if (doc == NULL
        && sqlite3_prepare_v2(db, "SELECT body, title, author FROM "
                              "passage_docs WHERE id = ?1", -1, &doc, NULL)
           != SQLITE_OK)
        return tl_error_db(err, db, "reading a passage's text");
    sqlite3_bind_int64(doc, 1, id);
    rc = sqlite3_step(doc);
    if (rc == SQLITE_ROW)
        rs = count_row(db, doc, 0, len, err);
    else if (rc == SQLITE_DONE)
        memset(len, 0, TL_RANK_COLUMNS * sizeof *len);
    else
        rs = tl_error_db(err, db, "reading a passage's text");
    sqlite3_reset(doc);
    if (l != NULL)
        l->doc = doc;
    else
        sqlite3_finalize(doc);
    return rs;
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
