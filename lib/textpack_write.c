/*
 * textpack_write.c - packing an article's passages for article_texts
 * (format in textpack.h), and training the database's dictionary.
 *
 * Small texts compress badly alone (an article of the news corpus is
 * about 1 kB): zstd keeps 0.55 of it without a dictionary, 0.40 with
 * one trained on the corpus itself.  So the first write transaction
 * after which the database holds TL_TEXT_TRAIN_MIN bytes of blobs
 * trains a dictionary on a sample of its articles, stores it as
 * a row of text_dicts, and recompresses the articles written before it;
 * every later article uses it.  A dictionary is never changed, so a
 * blob stays readable forever (docs/storage.md).
 */
#include <stdlib.h>
#include <string.h>
/* ZDICT_trainFromBuffer_fastCover() (exported by libzstd 1.4+) */
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include "textpack.h"

struct tl_text_writer {
    sqlite3 *db;
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    ZSTD_CDict *cdict;          /* NULL: none (yet) */
    int64_t dict_id;
    int looked;                 /* text_dicts was read */
    int gave_up;                /* training failed in this process */
    struct tl_buf content, blob;
};

enum tl_status
tl_text_writer_new(sqlite3 *db, struct tl_text_writer **out,
                   struct tl_error *err)
{
    struct tl_text_writer *w = calloc(1, sizeof *w);

    *out = NULL;
    if (w == NULL || (w->cctx = ZSTD_createCCtx()) == NULL
        || (w->dctx = ZSTD_createDCtx()) == NULL) {
        tl_text_writer_free(w);
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    w->db = db;
    tl_buf_init(&w->content, 0);
    tl_buf_init(&w->blob, 0);
    *out = w;
    return TL_OK;
}

void
tl_text_writer_free(struct tl_text_writer *w)
{
    if (w == NULL)
        return;
    ZSTD_freeCCtx(w->cctx);
    ZSTD_freeDCtx(w->dctx);
    ZSTD_freeCDict(w->cdict);
    tl_buf_release(&w->content);
    tl_buf_release(&w->blob);
    free(w);
}

void
tl_text_writer_begin(struct tl_text_writer *w)
{
    tl_buf_reset(&w->content);
}

enum tl_status
tl_text_writer_add(struct tl_text_writer *w, const char *text, size_t len,
                   struct tl_error *err)
{
    if (tl_buf_put_leb(&w->content, len) != TL_OK
        || tl_buf_append(&w->content, text, len) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    return TL_OK;
}

/* Makes the compression dictionary from dict (len bytes), id id. */
static enum tl_status
use_dictionary(struct tl_text_writer *w, int64_t id, const void *dict,
               size_t len, struct tl_error *err)
{
    ZSTD_CDict *cd = ZSTD_createCDict(dict, len, TL_TEXT_LEVEL);

    if (cd == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    ZSTD_freeCDict(w->cdict);
    w->cdict = cd;
    w->dict_id = id;
    return TL_OK;
}

/* Reads the dictionary of text_dicts (there is one at most: only a
 * database without one trains one), once. */
static enum tl_status
look(struct tl_text_writer *w, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs = TL_OK;
    int rc;

    if (w->looked)
        return TL_OK;
    if (sqlite3_prepare_v2(w->db, "SELECT id, dict FROM main.text_dicts "
                           "LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, w->db, "reading the text dictionary");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rs = use_dictionary(w, sqlite3_column_int64(st, 0),
                            sqlite3_column_blob(st, 1),
                            (size_t)sqlite3_column_bytes(st, 1), err);
    else if (rc != SQLITE_DONE)
        rs = tl_error_db(err, w->db, "reading the text dictionary");
    sqlite3_finalize(st);
    if (rs == TL_OK)
        w->looked = 1;
    return rs;
}

enum tl_status
tl_text_writer_has_dictionary(struct tl_text_writer *w, int *has_out,
                              struct tl_error *err)
{
    enum tl_status rs = look(w, err);

    *has_out = w->cdict != NULL || w->gave_up;
    return rs;
}

/* Compresses content (n bytes) into w->blob. */
static enum tl_status
compress(struct tl_text_writer *w, const char *content, size_t n,
         struct tl_error *err)
{
    size_t bound = ZSTD_compressBound(n), zn, k;
    const char method = TL_TEXT_ZSTD;

    tl_buf_reset(&w->blob);
    if (tl_buf_append(&w->blob, &method, 1) != TL_OK
        || tl_buf_put_leb(&w->blob, (uint64_t)w->dict_id) != TL_OK
        || tl_buf_reserve(&w->blob, bound) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    k = w->blob.len;
    zn = w->cdict != NULL
         ? ZSTD_compress_usingCDict(w->cctx, w->blob.data + k, bound,
                                    content, n, w->cdict)
         : ZSTD_compressCCtx(w->cctx, w->blob.data + k, bound, content, n,
                             TL_TEXT_LEVEL);
    if (ZSTD_isError(zn))
        return tl_error_set(err, TL_ERR_NOMEM, "compressing a text: %s",
                            ZSTD_getErrorName(zn));
    if (k + zn >= n + 1) {      /* not worth it: as is */
        const char stored = TL_TEXT_STORED;
        tl_buf_reset(&w->blob);
        if (tl_buf_append(&w->blob, &stored, 1) != TL_OK
            || tl_buf_append(&w->blob, content, n) != TL_OK)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        return TL_OK;
    }
    w->blob.len = k + zn;
    w->blob.data[w->blob.len] = '\0';
    return TL_OK;
}

enum tl_status
tl_text_writer_finish(struct tl_text_writer *w, const void **blob_out,
                      size_t *len_out, struct tl_error *err)
{
    enum tl_status rs = look(w, err);

    if (rs == TL_OK)
        rs = compress(w, w->content.data != NULL ? w->content.data : "",
                      w->content.len, err);
    if (rs != TL_OK)
        return rs;
    *blob_out = w->blob.data;
    *len_out = w->blob.len;
    return TL_OK;
}

/* ---- the dictionary ---------------------------------------------------- */

/* Decompresses a blob written without a dictionary into out. */
static enum tl_status
plain_content(struct tl_text_writer *w, const unsigned char *z, size_t n,
              struct tl_buf *out, struct tl_error *err)
{
    unsigned long long want;
    size_t got;

    tl_buf_reset(out);
    if (n >= 1 && z[0] == TL_TEXT_STORED) {
        if (tl_buf_append(out, (const char *)z + 1, n - 1) != TL_OK)
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        return TL_OK;
    }
    if (n < 2 || z[0] != TL_TEXT_ZSTD || z[1] != 0)
        return tl_error_set(err, TL_ERR_DB, "an article's stored text is "
                            "damaged (format); index the files again into "
                            "a new database");
    want = ZSTD_getFrameContentSize(z + 2, n - 2);
    if (want == ZSTD_CONTENTSIZE_UNKNOWN || want == ZSTD_CONTENTSIZE_ERROR
        || !tl_text_frame_fits(want, n - 2))
        return tl_error_set(err, TL_ERR_DB, "an article's stored text is "
                            "damaged (frame size); index the files again "
                            "into a new database");
    if (tl_buf_reserve(out, (size_t)want) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    got = ZSTD_decompressDCtx(w->dctx, out->data, (size_t)want, z + 2,
                              n - 2);
    if (!ZSTD_isError(got))
        out->len = got;
    if (ZSTD_isError(got) || got != want)
        return tl_error_set(err, TL_ERR_DB, "an article's stored text is "
                            "damaged (frame); index the files again into a "
                            "new database");
    return TL_OK;
}

/* The ids of the articles whose blobs use no dictionary. */
static enum tl_status
undictionaried(struct tl_text_writer *w, int64_t **ids_out, size_t *n_out,
               int64_t *bytes_out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;

    *bytes_out = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT article_id, length(z) FROM "
                           "article_texts WHERE substr(z, 1, 1) = x'00' OR "
                           "substr(z, 1, 2) = x'0100'", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, w->db, "reading the stored texts");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap != 0 ? cap * 2 : 1024;
            int64_t *p = realloc(ids, ncap * sizeof *p);
            if (p == NULL) {
                sqlite3_finalize(st);
                free(ids);
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            }
            ids = p;
            cap = ncap;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
        *bytes_out += sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(ids);
        return tl_error_db(err, w->db, "reading the stored texts");
    }
    *ids_out = ids;
    *n_out = n;
    return TL_OK;
}

/* Trains a dictionary on every step-th of the n articles ids; *dict_out
 * (malloc'd) is NULL when zstd could not make one. */
static enum tl_status
train(struct tl_text_writer *w, sqlite3_stmt *get, const int64_t *ids,
      size_t n, size_t step, void **dict_out, size_t *len_out,
      struct tl_error *err)
{
    struct tl_buf samples, one;
    size_t *sizes = NULL, k = 0, got;
    enum tl_status rs = TL_OK;
    void *dict = NULL;

    *dict_out = NULL;
    *len_out = 0;
    tl_buf_init(&samples, 0);
    tl_buf_init(&one, 0);
    sizes = malloc((n / step + 1) * sizeof *sizes);
    if (sizes == NULL)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rs == TL_OK && i < n; i += step) {
        sqlite3_bind_int64(get, 1, ids[i]);
        if (sqlite3_step(get) == SQLITE_ROW)
            rs = plain_content(w, sqlite3_column_blob(get, 0),
                               (size_t)sqlite3_column_bytes(get, 0), &one,
                               err);
        sqlite3_reset(get);
        if (rs == TL_OK && one.len > 0) {
            if (tl_buf_append(&samples, one.data, one.len) != TL_OK)
                rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            sizes[k++] = one.len;
        }
        tl_buf_reset(&one);
    }
    if (rs == TL_OK && (dict = malloc(TL_TEXT_DICT_SIZE)) == NULL)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (rs == TL_OK && k > 0) {
        /* one fastCover pass with fixed parameters: 0.09 s on 3 MB of
         * the news corpus, where ZDICT_trainFromBuffer()'s search over
         * them took 0.35 s for a ratio of 0.417 instead of 0.421 */
        ZDICT_fastCover_params_t p;

        memset(&p, 0, sizeof p);
        p.k = 200;
        p.d = 8;
        p.f = 20;
        p.accel = 1;
        p.zParams.compressionLevel = TL_TEXT_LEVEL;
        got = ZDICT_trainFromBuffer_fastCover(dict, TL_TEXT_DICT_SIZE,
                                              samples.data, sizes,
                                              (unsigned)k, p);
        if (!ZDICT_isError(got)) {
            *dict_out = dict;
            *len_out = got;
            dict = NULL;
        }
    }
    free(dict);
    free(sizes);
    tl_buf_release(&samples);
    tl_buf_release(&one);
    return rs;
}

/* Copies article_texts into a new table, recompressing the blobs made
 * without a dictionary with w's, and puts it in the old one's place. */
static enum tl_status
rewrite(struct tl_text_writer *w, struct tl_error *err)
{
    sqlite3_stmt *get = NULL, *put = NULL;
    struct tl_buf one;
    enum tl_status rs = TL_OK;
    int rc;

    tl_buf_init(&one, 0);
    if (sqlite3_exec(w->db, "CREATE TABLE article_texts_new (article_id "
                     "INTEGER PRIMARY KEY REFERENCES articles (id) ON "
                     "DELETE CASCADE, z BLOB NOT NULL)", NULL, NULL, NULL)
        != SQLITE_OK
        || sqlite3_prepare_v2(w->db, "SELECT article_id, z FROM "
                              "article_texts ORDER BY article_id", -1, &get,
                              NULL) != SQLITE_OK
        || sqlite3_prepare_v2(w->db, "INSERT INTO article_texts_new "
                              "(article_id, z) VALUES (?1, ?2)", -1, &put,
                              NULL) != SQLITE_OK) {
        rs = tl_error_db(err, w->db, "recompressing the stored texts");
        goto out;
    }
    while (rs == TL_OK && (rc = sqlite3_step(get)) == SQLITE_ROW) {
        const unsigned char *z = sqlite3_column_blob(get, 1);
        size_t n = (size_t)sqlite3_column_bytes(get, 1);

        sqlite3_bind_int64(put, 1, sqlite3_column_int64(get, 0));
        if (n >= 2 && z[0] == TL_TEXT_ZSTD && z[1] != 0) {
            /* made with a dictionary (another writer's): as it is */
            sqlite3_bind_blob(put, 2, z, (int)n, SQLITE_STATIC);
        } else {
            rs = plain_content(w, z, n, &one, err);
            if (rs == TL_OK)
                rs = compress(w, one.data != NULL ? one.data : "", one.len,
                              err);
            if (rs != TL_OK)
                break;
            sqlite3_bind_blob(put, 2, w->blob.data, (int)w->blob.len,
                              SQLITE_STATIC);
        }
        if (sqlite3_step(put) != SQLITE_DONE)
            rs = tl_error_db(err, w->db, "recompressing the stored texts");
        sqlite3_reset(put);
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, w->db, "recompressing the stored texts");
    sqlite3_finalize(get);
    get = NULL;
    /* the views and triggers name article_texts: the legacy rename
     * leaves them as they are, and they then find the new table */
    if (rs == TL_OK
        && sqlite3_exec(w->db, "DROP TABLE article_texts; "
                        "PRAGMA legacy_alter_table = ON; ALTER TABLE "
                        "article_texts_new RENAME TO article_texts",
                        NULL, NULL, NULL) != SQLITE_OK)
        rs = tl_error_db(err, w->db, "recompressing the stored texts");
    sqlite3_exec(w->db, "PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
out:
    sqlite3_finalize(get);
    sqlite3_finalize(put);
    tl_buf_release(&one);
    return rs;
}

/* Stores dict (len bytes) in text_dicts under zstd's id for it (random,
 * so that databases attached to one connection do not mix theirs up);
 * the id to *id_out, 0 when zstd gave the dictionary none. */
static enum tl_status
store_dictionary(struct tl_text_writer *w, const void *dict, size_t len,
                 int64_t *id_out, struct tl_error *err)
{
    sqlite3_stmt *ins = NULL;
    enum tl_status rs = TL_OK;

    *id_out = (int64_t)ZDICT_getDictID(dict, len);
    if (*id_out == 0)
        return TL_OK;
    if (sqlite3_prepare_v2(w->db, "INSERT INTO text_dicts (id, dict) "
                           "VALUES (?1, ?2)", -1, &ins, NULL) != SQLITE_OK)
        return tl_error_db(err, w->db, "storing the text dictionary");
    sqlite3_bind_int64(ins, 1, *id_out);
    sqlite3_bind_blob(ins, 2, dict, (int)len, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE)
        rs = tl_error_db(err, w->db, "storing the text dictionary");
    sqlite3_finalize(ins);
    return rs;
}

enum tl_status
tl_text_writer_tune(struct tl_text_writer *w, int *trained_out,
                    struct tl_error *err)
{
    sqlite3_stmt *get = NULL;
    int64_t *ids = NULL, bytes = 0, id = 0;
    void *dict = NULL;
    size_t n = 0, len = 0, step;
    enum tl_status rs;

    if (trained_out != NULL)
        *trained_out = 0;
    if (w->cdict != NULL || w->gave_up)
        return TL_OK;
    w->looked = 0;      /* another writer may have trained one */
    rs = look(w, err);
    if (rs != TL_OK || w->cdict != NULL)
        return rs;
    rs = undictionaried(w, &ids, &n, &bytes, err);
    if (rs != TL_OK || bytes < TL_TEXT_TRAIN_MIN)
        goto out;
    if (sqlite3_prepare_v2(w->db, "SELECT z FROM article_texts WHERE "
                           "article_id = ?1", -1, &get, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, w->db, "training the text dictionary");
        goto out;
    }
    /* the blobs are about half the text: a sample of TL_TEXT_SAMPLE */
    step = (size_t)(bytes * 2 / TL_TEXT_SAMPLE) + 1;
    rs = train(w, get, ids, n, step, &dict, &len, err);
    if (rs == TL_OK && dict == NULL) {
        w->gave_up = 1;     /* zstd could not: the texts stay as they are */
        goto out;
    }
    if (rs == TL_OK)
        rs = store_dictionary(w, dict, len, &id, err);
    if (rs == TL_OK && id == 0) {
        w->gave_up = 1;
        goto out;
    }
    if (rs == TL_OK)
        rs = use_dictionary(w, id, dict, len, err);
    /* every article written before it, again with it, into a new table
     * written in rowid order: rows shrunk in place would leave their
     * pages a quarter empty */
    if (rs == TL_OK)
        rs = rewrite(w, err);
    if (rs == TL_OK && trained_out != NULL)
        *trained_out = 1;
out:
    sqlite3_finalize(get);
    free(dict);
    free(ids);
    return rs;
}
