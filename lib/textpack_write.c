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
 *
 * The store asks for the training in the middle of a run
 * (tl_text_writer_tune_soon()): zstd then trains on a thread of its own
 * while the articles go on being written without the dictionary, and the
 * first article finished after it is done stores it and recompresses
 * those before it.  Trained in the writer's thread, the 25 ms it takes
 * on the news corpus stopped the whole run: the workers had filled their
 * job ring and waited for the writer.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
/* ZDICT_trainFromBuffer_fastCover() (exported by libzstd 1.4+) */
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

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
    struct trainer *trainer;    /* training on its thread; NULL: none */
};

/* A dictionary being trained on a thread of its own: the samples are
 * the trainer's, dict and len the result (dict NULL when zstd could
 * not), done set when the thread is about to end. */
struct trainer {
    pthread_t thread;
    struct tl_buf samples;
    size_t *sizes;
    unsigned n;
    /* every article without a dictionary was sampled (all): their ids
     * and the hashes of their blobs, and once trained, their blobs
     * compressed with it (packed_at[i]: where sample i's begins), so
     * that the rewrite need not compress them in the writer's thread */
    int all;
    int64_t *ids;
    uint64_t *hashes;
    struct tl_buf packed;
    size_t *packed_at;          /* n + 1 offsets; NULL: none */
    ZSTD_CDict *cdict;          /* the dictionary's, for the writer */
    void *dict;
    size_t len;
    int running;                /* the thread is to be joined */
    int done;                   /* __atomic */
};

static void trainer_free(struct trainer *t);
static enum tl_status collect(struct tl_text_writer *w, int wait,
                              int *trained_out, struct tl_error *err);

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
    trainer_free(w->trainer);
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

/* Makes the compression dictionary from dict (len bytes), id id; or
 * takes *made (made from it), when there is one. */
static enum tl_status
use_dictionary(struct tl_text_writer *w, int64_t id, const void *dict,
               size_t len, ZSTD_CDict **made, struct tl_error *err)
{
    ZSTD_CDict *cd = made != NULL && *made != NULL
                     ? *made : ZSTD_createCDict(dict, len, TL_TEXT_LEVEL);

    if (made != NULL)
        *made = NULL;
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
                            (size_t)sqlite3_column_bytes(st, 1), NULL, err);
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

/* Packs content (n bytes) into out (method byte, dictionary id, frame;
 * or as is when zstd does not make it smaller), with cdict (id dict_id)
 * or none (NULL, 0); a zstd error code or 0 (out of memory: 1). */
static size_t
pack(ZSTD_CCtx *cctx, const ZSTD_CDict *cdict, int64_t dict_id,
     const char *content, size_t n, struct tl_buf *out)
{
    size_t bound = ZSTD_compressBound(n), zn, k;
    const char method = TL_TEXT_ZSTD, stored = TL_TEXT_STORED;

    tl_buf_reset(out);
    if (tl_buf_append(out, &method, 1) != TL_OK
        || tl_buf_put_leb(out, (uint64_t)dict_id) != TL_OK
        || tl_buf_reserve(out, bound) != TL_OK)
        return 1;
    k = out->len;
    zn = cdict != NULL
         ? ZSTD_compress_usingCDict(cctx, out->data + k, bound, content, n,
                                    cdict)
         : ZSTD_compressCCtx(cctx, out->data + k, bound, content, n,
                             TL_TEXT_LEVEL);
    if (ZSTD_isError(zn))
        return zn;
    if (k + zn >= n + 1) {      /* not worth it: as is */
        tl_buf_reset(out);
        if (tl_buf_append(out, &stored, 1) != TL_OK
            || tl_buf_append(out, content, n) != TL_OK)
            return 1;
        return 0;
    }
    out->len = k + zn;
    out->data[out->len] = '\0';
    return 0;
}

/* Compresses content (n bytes) into w->blob. */
static enum tl_status
compress(struct tl_text_writer *w, const char *content, size_t n,
         struct tl_error *err)
{
    size_t rc = pack(w->cctx, w->cdict, w->dict_id, content, n, &w->blob);

    if (rc == 1)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    if (rc != 0)
        return tl_error_set(err, TL_ERR_NOMEM, "compressing a text: %s",
                            ZSTD_getErrorName(rc));
    return TL_OK;
}

enum tl_status
tl_text_writer_finish(struct tl_text_writer *w, const void **blob_out,
                      size_t *len_out, struct tl_error *err)
{
    /* a dictionary trained meanwhile: stored and used from here on */
    enum tl_status rs = w->trainer != NULL ? collect(w, 0, NULL, err)
                                           : TL_OK;

    if (rs == TL_OK)
        rs = look(w, err);
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

/* Reads every step-th of the n articles ids into t's samples. */
static enum tl_status
gather(struct tl_text_writer *w, sqlite3_stmt *get, const int64_t *ids,
       size_t n, size_t step, struct trainer *t, struct tl_error *err)
{
    struct tl_buf one;
    enum tl_status rs = TL_OK;

    uint64_t hash = 0;

    tl_buf_init(&one, 0);
    t->all = step == 1;
    t->sizes = malloc((n / step + 1) * sizeof *t->sizes);
    t->ids = malloc((n / step + 1) * sizeof *t->ids);
    t->hashes = malloc((n / step + 1) * sizeof *t->hashes);
    if (t->sizes == NULL || t->ids == NULL || t->hashes == NULL)
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rs == TL_OK && i < n; i += step) {
        sqlite3_bind_int64(get, 1, ids[i]);
        if (sqlite3_step(get) == SQLITE_ROW) {
            const void *z = sqlite3_column_blob(get, 0);
            size_t zn = (size_t)sqlite3_column_bytes(get, 0);
            hash = XXH3_64bits(z, zn);
            rs = plain_content(w, z, zn, &one, err);
        }
        sqlite3_reset(get);
        if (rs == TL_OK && one.len > 0) {
            if (tl_buf_append(&t->samples, one.data, one.len) != TL_OK)
                rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            t->ids[t->n] = ids[i];
            t->hashes[t->n] = hash;
            t->sizes[t->n++] = one.len;
        }
        tl_buf_reset(&one);
    }
    tl_buf_release(&one);
    return rs;
}

static void prepack(struct trainer *t);

/* zstd's training on t's samples: t->dict (malloc'd) and t->len, or
 * t->dict NULL when zstd could not make one (or memory ran out). */
static void
train(struct trainer *t)
{
    /* one fastCover pass with fixed parameters: 0.09 s on 3 MB of the
     * news corpus, where ZDICT_trainFromBuffer()'s search over them took
     * 0.35 s for a ratio of 0.417 instead of 0.421 */
    ZDICT_fastCover_params_t p;
    void *dict = t->n > 0 ? malloc(TL_TEXT_DICT_SIZE) : NULL;
    size_t got;

    t->dict = NULL;
    t->len = 0;
    if (dict == NULL)
        return;
    memset(&p, 0, sizeof p);
    p.k = 200;
    p.d = 8;
    p.f = 20;
    p.accel = 1;
    p.zParams.compressionLevel = TL_TEXT_LEVEL;
    got = ZDICT_trainFromBuffer_fastCover(dict, TL_TEXT_DICT_SIZE,
                                          t->samples.data, t->sizes, t->n,
                                          p);
    if (ZDICT_isError(got)) {
        free(dict);
        return;
    }
    t->dict = dict;
    t->len = got;
    prepack(t);
}

/* t's samples compressed with its dictionary, when they are every
 * article without one; nothing when memory runs out (the rewrite then
 * compresses them). */
static void
prepack(struct trainer *t)
{
    int64_t id = (int64_t)ZDICT_getDictID(t->dict, t->len);
    ZSTD_CCtx *cctx = NULL;
    struct tl_buf one;
    size_t off = 0;
    int ok;

    t->cdict = ZSTD_createCDict(t->dict, t->len, TL_TEXT_LEVEL);
    if (!t->all || id == 0 || t->cdict == NULL)
        return;
    tl_buf_init(&one, 0);
    cctx = ZSTD_createCCtx();
    t->packed_at = malloc((t->n + 1) * sizeof *t->packed_at);
    ok = cctx != NULL && t->packed_at != NULL;
    for (unsigned i = 0; ok && i < t->n; i++) {
        t->packed_at[i] = t->packed.len;
        ok = pack(cctx, t->cdict, id, t->samples.data + off, t->sizes[i],
                  &one) == 0
             && tl_buf_append(&t->packed, one.data, one.len) == TL_OK;
        off += t->sizes[i];
    }
    if (ok) {
        t->packed_at[t->n] = t->packed.len;
    } else {
        free(t->packed_at);
        t->packed_at = NULL;
    }
    ZSTD_freeCCtx(cctx);
    tl_buf_release(&one);
}

static void *
train_main(void *arg)
{
    struct trainer *t = arg;

    train(t);
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void
trainer_free(struct trainer *t)
{
    if (t == NULL)
        return;
    if (t->running)
        pthread_join(t->thread, NULL);
    tl_buf_release(&t->samples);
    tl_buf_release(&t->packed);
    free(t->sizes);
    free(t->ids);
    free(t->hashes);
    free(t->packed_at);
    ZSTD_freeCDict(t->cdict);
    free(t->dict);
    free(t);
}

/* The blob t compressed for article id, whose blob was z (n bytes)
 * when t sampled it; NULL when it has none for it, or when the article
 * was written again since.  *at walks t's ids (ascending) along with
 * the caller's. */
static const unsigned char *
packed_for(const struct trainer *t, size_t *at, int64_t id,
           const unsigned char *z, size_t n, size_t *len_out)
{
    if (t == NULL || t->packed_at == NULL)
        return NULL;
    while (*at < t->n && t->ids[*at] < id)
        (*at)++;
    if (*at == t->n || t->ids[*at] != id
        || t->hashes[*at] != XXH3_64bits(z, n))
        return NULL;
    *len_out = t->packed_at[*at + 1] - t->packed_at[*at];
    return (const unsigned char *)t->packed.data + t->packed_at[*at];
}

/* Writes article_texts again, the blobs made without a dictionary
 * recompressed with w's (or taken from those t compressed).  All of it is
 * read first, then deleted and inserted again in rowid order: rows shrunk
 * in place would leave their pages a quarter empty, and a new table put
 * in the old one's place made every statement on it prepare again (a few
 * ms of the writer, the workers waiting; session 18). */
static enum tl_status
rewrite(struct tl_text_writer *w, const struct trainer *t,
        struct tl_error *err)
{
    sqlite3_stmt *get = NULL, *put = NULL;
    struct tl_buf one, all;
    struct row {
        int64_t id;
        size_t at, n;
    } *rows = NULL;
    size_t n_rows = 0, cap_rows = 0, at = 0, pn = 0;
    enum tl_status rs = TL_OK;
    int rc;

    tl_buf_init(&one, 0);
    tl_buf_init(&all, 0);
    if (sqlite3_prepare_v2(w->db, "SELECT article_id, z FROM "
                           "article_texts ORDER BY article_id", -1, &get,
                           NULL) != SQLITE_OK
        || sqlite3_prepare_v2(w->db, "INSERT INTO article_texts "
                              "(article_id, z) VALUES (?1, ?2)", -1, &put,
                              NULL) != SQLITE_OK) {
        rs = tl_error_db(err, w->db, "recompressing the stored texts");
        goto out;
    }
    while (rs == TL_OK && (rc = sqlite3_step(get)) == SQLITE_ROW) {
        const unsigned char *z = sqlite3_column_blob(get, 1), *p;
        size_t n = (size_t)sqlite3_column_bytes(get, 1);
        int64_t id = sqlite3_column_int64(get, 0);

        if (n >= 2 && z[0] == TL_TEXT_ZSTD && z[1] != 0) {
            /* made with a dictionary (another writer's): as it is */
            p = z;
        } else if ((p = packed_for(t, &at, id, z, n, &pn)) != NULL) {
            n = pn;
        } else {
            rs = plain_content(w, z, n, &one, err);
            if (rs == TL_OK)
                rs = compress(w, one.data != NULL ? one.data : "", one.len,
                              err);
            if (rs != TL_OK)
                break;
            p = (const unsigned char *)w->blob.data;
            n = w->blob.len;
        }
        if (n_rows == cap_rows) {
            size_t cap = cap_rows != 0 ? 2 * cap_rows : 1024;
            struct row *r = realloc(rows, cap * sizeof *r);
            if (r == NULL) {
                rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                break;
            }
            rows = r;
            cap_rows = cap;
        }
        rows[n_rows++] = (struct row){ id, all.len, n };
        if (tl_buf_append(&all, (const char *)p, n) != TL_OK)
            rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    }
    if (rs == TL_OK && rc != SQLITE_DONE)
        rs = tl_error_db(err, w->db, "recompressing the stored texts");
    sqlite3_finalize(get);
    get = NULL;
    if (rs == TL_OK && sqlite3_exec(w->db, "DELETE FROM article_texts", NULL,
                                    NULL, NULL) != SQLITE_OK)
        rs = tl_error_db(err, w->db, "recompressing the stored texts");
    for (size_t i = 0; rs == TL_OK && i < n_rows; i++) {
        sqlite3_bind_int64(put, 1, rows[i].id);
        sqlite3_bind_blob(put, 2, all.data + rows[i].at, (int)rows[i].n,
                          SQLITE_STATIC);
        if (sqlite3_step(put) != SQLITE_DONE)
            rs = tl_error_db(err, w->db, "recompressing the stored texts");
        sqlite3_reset(put);
    }
out:
    sqlite3_finalize(get);
    sqlite3_finalize(put);
    tl_buf_release(&one);
    tl_buf_release(&all);
    free(rows);
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

/* A trainer with a sample of the articles written without a
 * dictionary, in *out; NULL when they do not hold TL_TEXT_TRAIN_MIN
 * bytes yet, or when the database has a dictionary (another writer's:
 * w then uses it). */
static enum tl_status
sample(struct tl_text_writer *w, struct trainer **out, struct tl_error *err)
{
    sqlite3_stmt *get = NULL;
    struct trainer *t = NULL;
    int64_t *ids = NULL, bytes = 0;
    size_t n = 0, step;
    enum tl_status rs;

    *out = NULL;
    w->looked = 0;      /* another writer may have trained one */
    rs = look(w, err);
    if (rs != TL_OK || w->cdict != NULL)
        return rs;
    rs = undictionaried(w, &ids, &n, &bytes, err);
    if (rs != TL_OK || bytes < TL_TEXT_TRAIN_MIN)
        goto out;
    if ((t = calloc(1, sizeof *t)) == NULL) {
        rs = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    tl_buf_init(&t->samples, 0);
    tl_buf_init(&t->packed, 0);
    if (sqlite3_prepare_v2(w->db, "SELECT z FROM article_texts WHERE "
                           "article_id = ?1", -1, &get, NULL) != SQLITE_OK) {
        rs = tl_error_db(err, w->db, "training the text dictionary");
        goto out;
    }
    /* the blobs are about half the text: a sample of TL_TEXT_SAMPLE */
    step = (size_t)(bytes * 2 / TL_TEXT_SAMPLE) + 1;
    rs = gather(w, get, ids, n, step, t, err);
    if (rs == TL_OK) {
        *out = t;
        t = NULL;
    }
out:
    sqlite3_finalize(get);
    trainer_free(t);
    free(ids);
    return rs;
}

/* Stores t's dictionary, uses it and recompresses every article written
 * before it; *trained_out (may be NULL) 1 when it did.  No dictionary
 * (zstd could not make one) is no error: the texts stay as they are. */
static enum tl_status
adopt(struct tl_text_writer *w, struct trainer *t, int *trained_out,
      struct tl_error *err)
{
    enum tl_status rs;
    int64_t id = 0;

    if (t->dict == NULL) {
        w->gave_up = 1;
        return TL_OK;
    }
    rs = store_dictionary(w, t->dict, t->len, &id, err);
    if (rs == TL_OK && id == 0) {
        w->gave_up = 1;
        return TL_OK;
    }
    if (rs == TL_OK)
        rs = use_dictionary(w, id, t->dict, t->len, &t->cdict, err);
    /* every article written before it, again with it, into a new table
     * written in rowid order: rows shrunk in place would leave their
     * pages a quarter empty */
    if (rs == TL_OK)
        rs = rewrite(w, t, err);
    if (rs == TL_OK && trained_out != NULL)
        *trained_out = 1;
    return rs;
}

/* The trainer's dictionary adopted, when it is done (wait: waiting for
 * it). */
static enum tl_status
collect(struct tl_text_writer *w, int wait, int *trained_out,
        struct tl_error *err)
{
    struct trainer *t = w->trainer;
    enum tl_status rs;

    if (!wait && !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
        return TL_OK;
    pthread_join(t->thread, NULL);
    t->running = 0;
    w->trainer = NULL;
    rs = adopt(w, t, trained_out, err);
    trainer_free(t);
    return rs;
}

/* Trains t's dictionary in this thread and adopts it; frees t. */
static enum tl_status
train_here(struct tl_text_writer *w, struct trainer *t, int *trained_out,
           struct tl_error *err)
{
    enum tl_status rs;

    train(t);
    rs = adopt(w, t, trained_out, err);
    trainer_free(t);
    return rs;
}

enum tl_status
tl_text_writer_tune(struct tl_text_writer *w, int *trained_out,
                    struct tl_error *err)
{
    struct trainer *t = NULL;
    enum tl_status rs;

    if (trained_out != NULL)
        *trained_out = 0;
    if (w->trainer != NULL)
        return collect(w, 1, trained_out, err);
    if (w->cdict != NULL || w->gave_up)
        return TL_OK;
    rs = sample(w, &t, err);
    if (rs != TL_OK || t == NULL)
        return rs;
    return train_here(w, t, trained_out, err);
}

enum tl_status
tl_text_writer_tune_soon(struct tl_text_writer *w, struct tl_error *err)
{
    struct trainer *t = NULL;
    enum tl_status rs;

    if (w->trainer != NULL || w->cdict != NULL || w->gave_up)
        return TL_OK;
    rs = sample(w, &t, err);
    if (rs != TL_OK || t == NULL)
        return rs;
    if (pthread_create(&t->thread, NULL, train_main, t) != 0)
        return train_here(w, t, NULL, err);     /* no thread: here, now */
    t->running = 1;
    w->trainer = t;
    return TL_OK;
}
