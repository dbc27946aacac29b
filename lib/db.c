/*
 * db.c - choosing, opening and closing the database.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "talaash.h"
#include "textpack.h"

#define BUSY_TIMEOUT_MS 5000
#define RETRY_MS 20

enum tl_status
tl_db_default_path(const char *explicit_path, struct tl_buf *buf,
                   struct tl_error *err)
{
    const char *env, *home;
    enum tl_status st;

    tl_buf_reset(buf);
    if (explicit_path != NULL && explicit_path[0] != '\0')
        st = tl_buf_append(buf, explicit_path, strlen(explicit_path));
    else if ((env = getenv("TALAASH_DB")) != NULL && env[0] != '\0')
        st = tl_buf_append(buf, env, strlen(env));
    else if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/')
        st = tl_buf_appendf(buf, "%s/talaash/talaash.db", env);
    else if ((home = getenv("HOME")) != NULL && home[0] != '\0')
        st = tl_buf_appendf(buf, "%s/.local/share/talaash/talaash.db", home);
    else
        return tl_error_set(err, TL_ERR_USAGE, "cannot choose a database: "
                            "HOME is not set; give --db PATH");
    if (st != TL_OK)
        return tl_error_set(err, st, "database path too long");
    return TL_OK;
}

enum tl_status
tl_mkdir_parents(const char *path, struct tl_error *err)
{
    struct tl_buf dir;
    enum tl_status st = TL_OK;
    char *slash;

    tl_buf_init(&dir, 0);
    if (tl_buf_append(&dir, path, strlen(path)) != TL_OK)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    slash = strrchr(dir.data, '/');
    if (slash == NULL || slash == dir.data)
        goto out;
    *slash = '\0';
    for (char *p = dir.data + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(dir.data, 0777) != 0 && errno != EEXIST) {
            st = tl_error_set(err, TL_ERR_IO, "cannot create folder '%s': %s",
                              dir.data, strerror(errno));
            goto out;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
out:
    tl_buf_release(&dir);
    return st;
}

/* Runs sql, retrying for up to BUSY_TIMEOUT_MS while another connection
 * holds a lock.  The busy handler alone is not enough: SQLite returns
 * SQLITE_BUSY at once, without waiting, where waiting could deadlock,
 * as when two processes open a new database together and both switch it
 * to WAL (each holds a shared lock and wants the exclusive one). */
static enum tl_status
exec(sqlite3 *db, const char *sql, const char *path, struct tl_error *err)
{
    int rc;

    for (int waited = 0; ; waited += RETRY_MS) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY || waited >= BUSY_TIMEOUT_MS)
            break;
        sqlite3_sleep(RETRY_MS);
    }
    if ((rc & 0xff) == SQLITE_BUSY)
        return tl_error_set(err, TL_ERR_DB, "database '%s' is busy: another "
                            "program is writing to it; try again when it "
                            "has finished", path);
    if (rc != SQLITE_OK)
        return tl_error_set(err, TL_ERR_DB, "database '%s': %s", path,
                            sqlite3_errmsg(db));
    return TL_OK;
}

/* Can a read-only connection to path not work the usual way?  Reading a
 * WAL database takes a -shm file beside it; when there is none and the
 * folder cannot be written (a database of another user, a read-only
 * disk), SQLite refuses with SQLITE_READONLY_CANTINIT.  When there is no
 * WAL content either, the database file holds everything and can be
 * read as immutable, which needs no -shm. */
static int
needs_immutable(const char *path)
{
    struct tl_buf b;
    struct stat sb;
    char *slash;
    int r = 0;

    tl_buf_init(&b, 0);
    if (tl_buf_appendf(&b, "%s-shm", path) != TL_OK
        || stat(b.data, &sb) == 0 || errno != ENOENT)
        goto out;
    tl_buf_reset(&b);
    if (tl_buf_appendf(&b, "%s-wal", path) != TL_OK
        || (stat(b.data, &sb) == 0 && sb.st_size > 0))
        goto out;
    tl_buf_reset(&b);
    if (tl_buf_appendf(&b, "%s", path) != TL_OK)
        goto out;
    slash = strrchr(b.data, '/');
    if (slash == b.data)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    r = access(slash != NULL ? b.data : ".", W_OK) != 0;
out:
    tl_buf_release(&b);
    return r;
}

/* Sets uri to "file:PATH?immutable=1", PATH percent-encoded. */
static enum tl_status
immutable_uri(const char *path, struct tl_buf *uri)
{
    enum tl_status st = tl_buf_appendf(uri, "file:");

    for (const unsigned char *p = (const unsigned char *)path;
         *p != '\0' && st == TL_OK; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
            || (*p >= '0' && *p <= '9') || strchr("/._~-", *p) != NULL)
            st = tl_buf_append(uri, (const char *)p, 1);
        else
            st = tl_buf_appendf(uri, "%%%02X", *p);
    }
    if (st == TL_OK)
        st = tl_buf_appendf(uri, "?immutable=1");
    return st;
}

void
tl_db_setup(void)
{
    /* SQLITE_MISUSE once SQLite is initialised: then as it was */
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum tl_status
tl_db_open(const char *path, enum tl_db_mode mode, sqlite3 **db_out,
           struct tl_error *err)
{
    sqlite3 *db = NULL;
    enum tl_status st;
    int flags, rc;
    struct stat sb;
    struct tl_buf uri;
    const char *name = path;
    int created = 0;        /* the file did not exist: we make it */
    int fresh = 0;          /* created, empty or in memory: no pages yet */

    *db_out = NULL;
    tl_buf_init(&uri, 0);
    if (mode == TL_DB_READONLY) {
        if (stat(path, &sb) != 0)
            return tl_error_set(err, TL_ERR_IO, "no database at '%s'; build "
                                "one with: talaash-index --db '%s' FOLDER",
                                path, path);
        flags = SQLITE_OPEN_READONLY;
        if (needs_immutable(path)) {
            if (immutable_uri(path, &uri) != TL_OK)
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            name = uri.data;
            flags |= SQLITE_OPEN_URI;
        }
    } else {
        st = tl_mkdir_parents(path, err);
        if (st != TL_OK)
            return st;
        flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        if (strcmp(path, ":memory:") == 0)
            fresh = 1;
        else if (stat(path, &sb) != 0)
            fresh = created = errno == ENOENT;
        else
            fresh = sb.st_size == 0;
    }
    rc = sqlite3_open_v2(name, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    tl_buf_release(&uri);
    if (rc != SQLITE_OK) {
        st = tl_error_set(err, TL_ERR_DB, "cannot open database '%s': %s",
                          path, db != NULL ? sqlite3_errmsg(db)
                                           : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    if (tl_tokenizer_register(db) != SQLITE_OK
        || tl_rank_register(db) != SQLITE_OK
        || tl_textpack_register(db) != SQLITE_OK
        || tl_path_key_register(db) != SQLITE_OK) {
        st = tl_error_set(err, TL_ERR_DB, "this SQLite (%s) was built "
                          "without FTS5; install a libsqlite3 with FTS5 "
                          "(Debian's libsqlite3-0 has it)",
                          sqlite3_libversion());
        if (created) {      /* leave no empty file behind */
            tl_db_close(db);
            db = NULL;
            unlink(path);
        }
        goto fail;
    }
    st = exec(db, "PRAGMA foreign_keys = ON", path, err);
    if (st != TL_OK)
        goto fail;
    if (mode == TL_DB_READWRITE) {
        /* a new database gets TL_PAGE_SIZE pages and gives back the
         * pages an FTS5 merge frees (lib/compact.c); only a new one
         * (a missing or empty file): in a database with tables
         * the pragma would write its header (a run that changes
         * nothing must not) and take effect only at a VACUUM */
        st = TL_OK;
        if (fresh) {
            char sql[64];

            snprintf(sql, sizeof sql, "PRAGMA page_size = %d", TL_PAGE_SIZE);
            st = exec(db, sql, path, err);
            if (st == TL_OK)
                st = exec(db, "PRAGMA auto_vacuum = INCREMENTAL", path, err);
        }
        if (st == TL_OK)
            st = exec(db, "PRAGMA journal_mode = WAL", path, err);
        if (st == TL_OK)
            st = exec(db, "PRAGMA synchronous = NORMAL", path, err);
        if (st == TL_OK)
            st = tl_schema_migrate(db, err);
        /* the migrations of a new database ask for the VACUUM that
         * upgrades need; a new one, written in order, needs only its
         * indexes packed (lib/compact.h) */
        if (st == TL_OK && fresh)
            st = exec(db, "UPDATE meta SET value = 'reindex' WHERE key = "
                      "'vacuum'", path, err);
    } else {
        /* a search reads its pages from the mapped file: no read() and
         * no page-cache copy per page (docs/performance.md, session 6);
         * a read error then comes as SIGBUS, which talaash reports.  At
         * most the first TL_MMAP_MAX bytes: every mapped page a search
         * touches counts in its resident memory, and a scan of a
         * 1.5 GB database touched 200 MB of them (session 11); the
         * pages past it are read */
        char sql[64];

        snprintf(sql, sizeof sql, "PRAGMA mmap_size = %lld",
                 (long long)TL_MMAP_MAX);
        st = exec(db, sql, path, err);
        if (st == TL_OK)
            st = tl_schema_check(db, err);
    }
    if (st != TL_OK) {
        if (err != NULL && strstr(err->msg, path) == NULL) {
            /* name the file in the message */
            char msg[TL_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", err->msg);
            tl_error_set(err, st, "database '%s': %s", path, msg);
        }
        goto fail;
    }
    *db_out = db;
    return TL_OK;
fail:
    tl_db_close(db);
    return st;
}

enum tl_status
tl_db_open_tokenizer(sqlite3 **db_out, struct tl_error *err)
{
    sqlite3 *db = NULL;

    *db_out = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE
                        | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK
        || tl_tokenizer_register(db) != SQLITE_OK) {
        tl_error_set(err, TL_ERR_DB, "cannot open an in-memory database "
                     "for the tokenizer: %s",
                     db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return TL_ERR_DB;
    }
    *db_out = db;
    return TL_OK;
}

enum tl_status
tl_db_begin(sqlite3 *db, int write, const char *what,
            struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sqlite3_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL,
                      NULL);
    if (rc != SQLITE_OK)
        return tl_error_db(err, db, what);
    /* a statement that reads the schema table checks the copy's cookie
     * when it starts: a stale copy is read again, as of the snapshot
     * this step takes (which a read transaction then keeps) */
    rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema LIMIT 1", -1,
                            &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        enum tl_status s = tl_error_db(err, db, what);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return s;
    }
    return TL_OK;
}

void
tl_db_close(sqlite3 *db)
{
    if (db == NULL)
        return;
    sqlite3_close_v2(db);
}
