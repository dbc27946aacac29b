/*
 * schema.c - schema migrations.  The SQL lives in schema/NNN-*.sql and is
 * compiled in by schema/embed.py; migration N brings a database from
 * PRAGMA user_version N-1 to N.
 */
#include <stdlib.h>
#include <string.h>

#include "talaash.h"

extern const char *const tl_schema_sql[];
extern const size_t tl_schema_count;

int
tl_schema_latest(void)
{
    return (int)tl_schema_count;
}

static enum tl_status
user_version(sqlite3 *db, int *v_out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "reading the schema version");
    rc = sqlite3_step(st);
    *v_out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return tl_error_db(err, db, "reading the schema version");
    return TL_OK;
}

static enum tl_status
refuse_newer(int v, struct tl_error *err)
{
    return tl_error_set(err, TL_ERR_SCHEMA,
                        "database has schema version %d but this talaash "
                        "knows only up to %d; upgrade talaash", v,
                        tl_schema_latest());
}

/* Whether the migration left a row that breaks a foreign key: *bad_out
 * names its table. */
static enum tl_status
keys_broken(sqlite3 *db, char *bad_out, size_t size, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    bad_out[0] = '\0';
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "checking the upgraded schema");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(bad_out, size, "%s", (const char *)sqlite3_column_text(st, 0)
                                      ? (const char *)sqlite3_column_text(st, 0)
                                      : "?");
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "checking the upgraded schema");
    return TL_OK;
}

static enum tl_status step_in(sqlite3 *db, int to, int *done_out,
                              struct tl_error *err);

/* Runs migration `to` (1-based) and sets user_version, in one
 * transaction; re-reads the version under the write lock so two
 * processes never apply the same step twice.  Foreign keys are off
 * while it runs (a migration may rebuild a parent table: dropping it
 * with them on deletes its children, schema/012-article-ranges.sql),
 * and the pragma has no effect inside a transaction. */
static enum tl_status
step(sqlite3 *db, int to, int *done_out, struct tl_error *err)
{
    enum tl_status st;

    if (sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "upgrading the schema");
    st = step_in(db, to, done_out, err);
    if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL)
        != SQLITE_OK && st == TL_OK)
        st = tl_error_db(err, db, "upgrading the schema");
    return st;
}

static enum tl_status
step_in(sqlite3 *db, int to, int *done_out, struct tl_error *err)
{
    char pragma[64], bad[128];
    enum tl_status st;
    int v;

    *done_out = 0;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "upgrading the schema");
    st = user_version(db, &v, err);
    if (st != TL_OK)
        goto fail;
    if (v >= to) {              /* another process got there first */
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        return TL_OK;
    }
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", to);
    if (sqlite3_exec(db, tl_schema_sql[to - 1], NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
        st = tl_error_set(err, TL_ERR_DB,
                          "upgrading the schema to version %d: %s", to,
                          sqlite3_errmsg(db));
        goto fail;
    }
    st = keys_broken(db, bad, sizeof bad, err);
    if (st != TL_OK)
        goto fail;
    if (bad[0] != '\0') {
        st = tl_error_set(err, TL_ERR_DB, "upgrading the schema to version "
                          "%d: a row of table '%s' refers to a row that is "
                          "not there; the database is unchanged, report "
                          "this as a bug", to, bad);
        goto fail;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = tl_error_db(err, db, "upgrading the schema");
        goto fail;
    }
    *done_out = 1;
    return TL_OK;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* tl_unhex(text): the bytes that text's hex digits spell, as a blob;
 * anything else (not text, an odd length, not hex) unchanged.  For the
 * migrations (009: articles.hash); SQLite has unhex() only from 3.41. */
static void
unhex_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    unsigned char *out;

    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || s == NULL || n % 2 != 0) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    for (int i = 0; i < n; i++)
        if (tl_hex_value(s[i]) < 0) {
            sqlite3_result_value(ctx, argv[0]);
            return;
        }
    out = sqlite3_malloc(n / 2 + 1);
    if (out == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    for (int i = 0; i < n / 2; i++)
        out[i] = (unsigned char)(tl_hex_value(s[2 * i]) << 4
                                 | tl_hex_value(s[2 * i + 1]));
    sqlite3_result_blob(ctx, out, n / 2, sqlite3_free);
}

enum tl_status
tl_schema_migrate(sqlite3 *db, struct tl_error *err)
{
    enum tl_status st;
    int v, done;

    st = user_version(db, &v, err);
    if (st != TL_OK)
        return st;
    if (v > tl_schema_latest())
        return refuse_newer(v, err);
    if (v < tl_schema_latest()
        && sqlite3_create_function(db, "tl_unhex", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   unhex_fn, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "upgrading the schema");
    for (int to = v + 1; to <= tl_schema_latest(); to++) {
        st = step(db, to, &done, err);
        if (st != TL_OK)
            return st;
    }
    return tl_schema_check(db, err);
}

enum tl_status
tl_schema_check(sqlite3 *db, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    enum tl_status rs;
    int v, rc, tokver = -1;

    rs = user_version(db, &v, err);
    if (rs != TL_OK)
        return rs;
    if (v > tl_schema_latest())
        return refuse_newer(v, err);
    if (v == 0)
        return tl_error_set(err, TL_ERR_SCHEMA,
                            "not a Talaash database (no schema); build one "
                            "with talaash-index");
    if (v < tl_schema_latest())
        return tl_error_set(err, TL_ERR_SCHEMA,
                            "database has the older schema version %d; run "
                            "talaash-index once to upgrade it", v);
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = "
                           "'tokenizer_version'", -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "reading the tokenizer version");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        tokver = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "reading the tokenizer version");
    if (tokver != TL_TOKENIZER_VERSION)
        return tl_error_set(err, TL_ERR_SCHEMA,
                            "database was indexed with tokenizer version %d "
                            "but this talaash uses version %d; delete it and "
                            "index again", tokver, TL_TOKENIZER_VERSION);
    return TL_OK;
}
