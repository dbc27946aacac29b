/*
 * path_key.c - articles.path_key (schema/012-article-ranges.sql): a
 * 64-bit hash of an article's path, by which the store finds it in a
 * small index instead of a UNIQUE index of whole paths; and the SQL
 * function tl_path_key(path), for the migration and for articles
 * written by hand.  Also compiled into the loadable extension.
 */
#ifdef TL_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "talaash.h"

int64_t
tl_path_key(const char *path, size_t len)
{
    uint64_t h = XXH3_64bits(path, len);
    int64_t k;

    memcpy(&k, &h, sizeof k);   /* the same bits, without overflow */
    return k;
}

static void
path_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *s;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;                         /* NULL */
    s = (const char *)sqlite3_value_text(argv[0]);
    if (s == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_int64(ctx, tl_path_key(s, (size_t)
                                          sqlite3_value_bytes(argv[0])));
}

int
tl_path_key_register(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "tl_path_key", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC
                                      | SQLITE_INNOCUOUS, NULL, path_key_fn,
                                      NULL, NULL, NULL);
}
