/*
 * textpack.c - reading the packed article texts (format in textpack.h):
 * the SQL function tl_passage_text(z, ordinal), and the aggregate
 * tl_text_pack(ordinal, text) with which schema 008 moved the text of
 * older databases into article_texts.
 *
 * Each connection keeps its dictionaries (loaded from text_dicts the
 * first time a blob names one) and the last article it unpacked: FTS5
 * reads an article's passages one after another (highlight() of two
 * hits, forgetting a replaced article), and each then costs one memcmp.
 */
#ifdef TL_SQLITE_EXTENSION
/* also compiled into the loadable extension (ext/extension.c) */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "textpack.h"

#define MAX_DICTS 16

#define DAMAGED "talaash: an article's stored text is damaged (%s); " \
                "index the files again into a new database"

struct reader {
    ZSTD_DCtx *dctx;
    struct {
        int64_t id;
        ZSTD_DDict *dd;
    } dicts[MAX_DICTS];
    int n_dicts;
    /* the last blob unpacked (len 0: none), its content, and where each
     * passage starts */
    struct tl_buf z, content;
    struct {
        size_t start, len;
    } *at;                  /* by ordinal - 1 */
    size_t n, cap;
};

static void
reader_free(void *p)
{
    struct reader *r = p;

    if (r == NULL)
        return;
    ZSTD_freeDCtx(r->dctx);
    for (int i = 0; i < r->n_dicts; i++)
        ZSTD_freeDDict(r->dicts[i].dd);
    tl_buf_release(&r->z);
    tl_buf_release(&r->content);
    free(r->at);
    free(r);
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap != 0 ? *cap : 16;
    void *q;

    if (need <= *cap)
        return 0;
    while (ncap < need)
        ncap *= 2;
    q = realloc(*p, ncap * size);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = ncap;
    return 0;
}

/* Dictionary id from the text_dicts of database schema (NULL: the one
 * an unqualified name finds); a new DDict, or NULL. */
static ZSTD_DDict *
dictionary_in(sqlite3 *db, const char *schema, int64_t id)
{
    sqlite3_stmt *st = NULL;
    ZSTD_DDict *dd = NULL;
    char *sql = schema != NULL
                ? sqlite3_mprintf("SELECT dict FROM \"%w\".text_dicts WHERE "
                                  "id = ?1", schema)
                : sqlite3_mprintf("SELECT dict FROM text_dicts WHERE id = ?1");
    int rc = sql != NULL ? sqlite3_prepare_v2(db, sql, -1, &st, NULL)
                         : SQLITE_NOMEM;

    sqlite3_free(sql);
    if (rc != SQLITE_OK)        /* a database without texts */
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 0)
        dd = ZSTD_createDDict(sqlite3_column_blob(st, 0),
                              (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    if (dd != NULL && ZSTD_getDictID_fromDDict(dd) != (unsigned)id) {
        ZSTD_freeDDict(dd);
        dd = NULL;
    }
    return dd;
}

/* Looks dictionary id up where a plain name finds text_dicts (main,
 * for the programs), then in each database of the connection: ids are
 * zstd's random ids for the dictionaries, so a database attached beside
 * another finds its own.  A new DDict, or NULL. */
static ZSTD_DDict *
load_dictionary(sqlite3 *db, int64_t id)
{
    sqlite3_stmt *list = NULL;
    ZSTD_DDict *dd = dictionary_in(db, NULL, id);

    if (dd != NULL || sqlite3_prepare_v2(db, "SELECT name FROM "
                                         "pragma_database_list", -1, &list,
                                         NULL) != SQLITE_OK)
        return dd;
    while (dd == NULL && sqlite3_step(list) == SQLITE_ROW)
        dd = dictionary_in(db, (const char *)sqlite3_column_text(list, 0),
                           id);
    sqlite3_finalize(list);
    return dd;
}

/* The dictionary with id, from r's cache or the connection. */
static ZSTD_DDict *
dictionary(sqlite3_context *ctx, struct reader *r, int64_t id)
{
    ZSTD_DDict *dd;

    for (int i = 0; i < r->n_dicts; i++)
        if (r->dicts[i].id == id)
            return r->dicts[i].dd;
    if (r->n_dicts == MAX_DICTS) {
        sqlite3_result_error(ctx, "talaash: too many text dictionaries", -1);
        return NULL;
    }
    dd = load_dictionary(sqlite3_context_db_handle(ctx), id);
    if (dd == NULL) {
        char *msg = sqlite3_mprintf(DAMAGED, "its dictionary is missing");
        sqlite3_result_error(ctx, msg != NULL ? msg : "out of memory", -1);
        sqlite3_free(msg);
        return NULL;
    }
    r->dicts[r->n_dicts].id = id;
    r->dicts[r->n_dicts].dd = dd;
    r->n_dicts++;
    return dd;
}

static void
damaged(sqlite3_context *ctx, const char *why)
{
    char *msg = sqlite3_mprintf(DAMAGED, why);

    sqlite3_result_error(ctx, msg != NULL ? msg : "out of memory", -1);
    sqlite3_free(msg);
}

/* Splits r->content into passages. */
static int
index_content(struct reader *r)
{
    const unsigned char *base = (const unsigned char *)r->content.data;
    const unsigned char *p = base;
    size_t left = r->content.len, k;
    uint64_t v;

    r->n = 0;
    while (left > 0) {
        if ((k = tl_leb_get(p, left, &v)) == 0 || v > left - k)
            return -1;
        if (grow((void **)&r->at, &r->cap, r->n + 1, sizeof *r->at) != 0)
            return -2;
        r->at[r->n].start = (size_t)(p + k - base);
        r->at[r->n].len = (size_t)v;
        r->n++;
        p += k + v;
        left -= k + v;
    }
    return 0;
}

/* Decompresses the zstd part of a blob (after its method byte: the
 * dictionary id, then the frame; n bytes) into r->content; 0, or -1
 * after setting ctx's error. */
static int
decompress(sqlite3_context *ctx, struct reader *r, const unsigned char *p,
           size_t n)
{
    unsigned long long want;
    ZSTD_DDict *dd = NULL;
    uint64_t dict_id;
    size_t k, got;

    if ((k = tl_leb_get(p, n, &dict_id)) == 0 || dict_id > INT64_MAX) {
        damaged(ctx, "no dictionary id");
        return -1;
    }
    want = ZSTD_getFrameContentSize(p + k, n - k);
    if (want == ZSTD_CONTENTSIZE_UNKNOWN || want == ZSTD_CONTENTSIZE_ERROR
        || !tl_text_frame_fits(want, n - k)) {
        damaged(ctx, "no frame size");
        return -1;
    }
    if (dict_id != 0 && (dd = dictionary(ctx, r, (int64_t)dict_id)) == NULL)
        return -1;
    if ((r->dctx == NULL && (r->dctx = ZSTD_createDCtx()) == NULL)
        || tl_buf_reserve(&r->content, (size_t)want) != TL_OK) {
        sqlite3_result_error_nomem(ctx);
        return -1;
    }
    got = dd != NULL
          ? ZSTD_decompress_usingDDict(r->dctx, r->content.data,
                                       (size_t)want, p + k, n - k, dd)
          : ZSTD_decompressDCtx(r->dctx, r->content.data, (size_t)want,
                                p + k, n - k);
    if (ZSTD_isError(got) || got != want) {
        damaged(ctx, ZSTD_isError(got) ? ZSTD_getErrorName(got)
                                       : "short frame");
        return -1;
    }
    r->content.len = got;
    return 0;
}

/* Unpacks blob z (n bytes) into r; 0, or -1 after setting ctx's error. */
static int
unpack(sqlite3_context *ctx, struct reader *r, const unsigned char *z,
       size_t n)
{
    int rc;

    if (n > 0 && n == r->z.len && memcmp(z, r->z.data, n) == 0)
        return 0;
    tl_buf_reset(&r->z);        /* r is in flux until the end */
    tl_buf_reset(&r->content);
    if (n == 0) {
        damaged(ctx, "an empty blob");
        return -1;
    }
    if (z[0] == TL_TEXT_STORED) {
        if (tl_buf_append(&r->content, (const char *)z + 1, n - 1) != TL_OK)
            goto nomem;
    } else if (z[0] == TL_TEXT_ZSTD) {
        if (decompress(ctx, r, z + 1, n - 1) != 0)
            return -1;
    } else {
        damaged(ctx, "unknown format");
        return -1;
    }
    rc = index_content(r);
    if (rc == -2)
        goto nomem;
    if (rc != 0) {
        damaged(ctx, "passage lengths");
        return -1;
    }
    if (tl_buf_append(&r->z, (const char *)z, n) != TL_OK)
        goto nomem;
    return 0;
nomem:
    sqlite3_result_error_nomem(ctx);
    return -1;
}

/* tl_passage_text(z, ordinal): the text of passage ordinal (1-based) of
 * the article whose blob is z. */
static void
passage_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct reader *r = sqlite3_user_data(ctx);
    sqlite3_int64 ordinal = sqlite3_value_int64(argv[1]);

    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        damaged(ctx, sqlite3_value_type(argv[0]) == SQLITE_NULL
                     ? "a passage has no text" : "not a blob");
        return;
    }
    if (unpack(ctx, r, sqlite3_value_blob(argv[0]),
               (size_t)sqlite3_value_bytes(argv[0])) != 0)
        return;
    if (ordinal < 1 || (size_t)ordinal > r->n) {
        damaged(ctx, "a passage is missing");
        return;
    }
    sqlite3_result_text(ctx, r->content.data + r->at[ordinal - 1].start,
                        (int)r->at[ordinal - 1].len, SQLITE_TRANSIENT);
}

/* ---- tl_text_pack(ordinal, text): the migration's aggregate ---------- */

struct pack_agg {
    struct {
        int64_t ordinal;
        char *text;
        size_t len;
    } *p;
    size_t n, cap;
    int failed;
};

static void
pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct pack_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    const unsigned char *t;
    size_t len;

    (void)argc;
    if (a == NULL || a->failed)
        return;
    t = sqlite3_value_text(argv[1]);
    len = (size_t)sqlite3_value_bytes(argv[1]);
    if (grow((void **)&a->p, &a->cap, a->n + 1, sizeof *a->p) != 0
        || (a->p[a->n].text = malloc(len + 1)) == NULL) {
        a->failed = 1;
        return;
    }
    if (len > 0)
        memcpy(a->p[a->n].text, t, len);
    a->p[a->n].len = len;
    a->p[a->n].ordinal = sqlite3_value_int64(argv[0]);
    a->n++;
}

static int
by_ordinal(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

    return (a > b) - (a < b);
}

static void
pack_final(sqlite3_context *ctx)
{
    struct pack_agg *a = sqlite3_aggregate_context(ctx, 0);
    struct tl_buf content;
    unsigned char *out = NULL;
    size_t bound, zn, blob_len;

    if (a == NULL || a->n == 0) {
        sqlite3_result_null(ctx);
        return;
    }
    tl_buf_init(&content, 0);
    if (a->failed)
        goto nomem;
    qsort(a->p, a->n, sizeof *a->p, by_ordinal);
    for (size_t i = 0; i < a->n; i++)
        if (tl_buf_put_leb(&content, a->p[i].len) != TL_OK
            || tl_buf_append(&content, a->p[i].text, a->p[i].len) != TL_OK)
            goto nomem;
    bound = ZSTD_compressBound(content.len);
    if ((out = malloc(bound + 2)) == NULL)
        goto nomem;
    out[0] = TL_TEXT_ZSTD;
    out[1] = 0;         /* no dictionary */
    zn = ZSTD_compress(out + 2, bound, content.data, content.len,
                       TL_TEXT_LEVEL);
    blob_len = zn + 2;
    if (ZSTD_isError(zn) || blob_len >= content.len + 1) {
        /* not worth it: as is */
        out[0] = TL_TEXT_STORED;
        memcpy(out + 1, content.data, content.len);
        blob_len = content.len + 1;
    }
    sqlite3_result_blob(ctx, out, (int)blob_len, free);
    out = NULL;
    goto out;
nomem:
    sqlite3_result_error_nomem(ctx);
out:
    for (size_t i = 0; i < a->n; i++)
        free(a->p[i].text);
    free(a->p);
    tl_buf_release(&content);
    free(out);
}

int
tl_textpack_register(sqlite3 *db)
{
    struct reader *r = calloc(1, sizeof *r);
    int rc;

    if (r == NULL)
        return SQLITE_NOMEM;
    tl_buf_init(&r->z, 0);
    tl_buf_init(&r->content, 0);
    /* innocuous: the views (and FTS5 through them) call it */
    rc = sqlite3_create_function_v2(db, "tl_passage_text", 2,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC
                                    | SQLITE_INNOCUOUS, r, passage_text,
                                    NULL, NULL, reader_free);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tl_text_pack", 2, SQLITE_UTF8,
                                        NULL, NULL, pack_step, pack_final,
                                        NULL);
    return rc;
}
