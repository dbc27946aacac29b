/*
 * compact.c - one FTS5 segment and no free pages after a large run
 * (compact.h).
 */
#include "compact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fts5_merge.h"

static enum tl_status
pragma_int(sqlite3 *db, const char *sql, long *out, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "compacting the index");
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tl_error_db(err, db, "compacting the index");
    return TL_OK;
}

/* The index merged into one segment, in a transaction: by our writer
 * when the segments allow it (lib/fts5_merge.h), else by FTS5. */
static enum tl_status
merge(sqlite3 *db, const struct tl_fts5_merge_tap *tap, int *ours,
      struct tl_error *err)
{
    const char *env = getenv("TALAASH_OWN_MERGE");
    enum tl_status st = TL_OK;
    int merged = 0;

    *ours = 0;
    if (tl_db_begin(db, 1, "merging the index into one segment", err)
        != TL_OK)
        return TL_ERR_DB;
    if (env == NULL || strcmp(env, "0") != 0)
        st = tl_fts5_merge_tapped(db, tap, &merged, err);
    if (st == TL_OK && !merged
        && sqlite3_exec(db, "INSERT INTO passages_fts(passages_fts) "
                        "VALUES('optimize')", NULL, NULL, NULL) != SQLITE_OK)
        st = tl_error_db(err, db, "merging the index into one segment");
    if (st == TL_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)
                           != SQLITE_OK)
        st = tl_error_db(err, db, "merging the index into one segment");
    if (st != TL_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    else
        *ours = merged;
    return st;
}

enum tl_status
tl_index_compact(sqlite3 *db, long *freed_out, struct tl_error *err)
{
    return tl_index_compact_tapped(db, NULL, NULL, freed_out, err);
}

enum tl_status
tl_index_compact_tapped(sqlite3 *db, const struct tl_fts5_merge_tap *tap,
                        int *ours_out, long *freed_out, struct tl_error *err)
{
    enum tl_status st;
    long mode = 0, before = 0, after = 0;
    int ours = 0;

    if (freed_out != NULL)
        *freed_out = 0;
    if (ours_out != NULL)
        *ours_out = 0;
    st = merge(db, tap, &ours, err);
    if (st == TL_OK && ours_out != NULL)
        *ours_out = ours;
    if (st != TL_OK)
        return st;
    st = pragma_int(db, "PRAGMA auto_vacuum", &mode, err);
    if (st != TL_OK || mode != 2)           /* 2: incremental */
        return st;
    st = pragma_int(db, "PRAGMA freelist_count", &before, err);
    if (st != TL_OK)
        return st;
    if (before == 0)
        return TL_OK;
    if (sqlite3_exec(db, "PRAGMA incremental_vacuum", NULL, NULL, NULL)
        != SQLITE_OK)
        return tl_error_db(err, db, "giving free pages back");
    st = pragma_int(db, "PRAGMA freelist_count", &after, err);
    if (st == TL_OK && freed_out != NULL)
        *freed_out = before - after;
    return st;
}

enum tl_status
tl_index_vacuum_asked(sqlite3 *db, int *asked_out, struct tl_error *err)
{
    long asked = 0;
    enum tl_status st = pragma_int(db, "SELECT count(*) FROM meta WHERE "
                                   "key = 'vacuum'", &asked, err);

    *asked_out = asked > 0;
    return st;
}

/* The journal mode PRAGMA journal_mode = MODE left, lower case, in
 * buf (empty when it failed: another connection has the database open). */
static void
set_journal_mode(sqlite3 *db, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *st = NULL;

    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

enum tl_status
tl_index_pack_early(sqlite3 *db, struct tl_error *err)
{
    long page = 0, reindex = 0;
    enum tl_status st = pragma_int(db, "PRAGMA page_size", &page, err);

    if (st == TL_OK)
        st = pragma_int(db, "SELECT count(*) FROM meta WHERE key = "
                        "'vacuum' AND value = 'reindex'", &reindex, err);
    if (st != TL_OK || !reindex || page != TL_PAGE_SIZE)
        return st;
    /* terms too: the refresh has written it (its rows come in key
     * order, and still fill a sixth of its pages with nothing), and its
     * 9 ms on the news corpus are better spent here, while the helpers
     * make lists on the other core, than at the end with that core idle
     * (session 23) */
    if (sqlite3_exec(db, "REINDEX articles; REINDEX article_topics; "
                     "REINDEX passage_topics; REINDEX topics; REINDEX "
                     "terms; UPDATE meta "
                     "SET value = 'reindex-rest' WHERE key = 'vacuum'",
                     NULL, NULL, NULL) != SQLITE_OK)
        return tl_error_db(err, db, "packing the indexes");
    /* the indexes a first build left out, made packed (after the
     * REINDEX, which would make them twice) */
    return tl_index_restore(db, NULL, err);
}

enum tl_status
tl_index_vacuum(sqlite3 *db, struct tl_error *err)
{
    const char *fail = "giving back free space (VACUUM; it needs as much "
                       "free disk as the database)";
    long page = 0, reindex = 0, rest = 0;
    char mode[16];
    enum tl_status st = pragma_int(db, "PRAGMA page_size", &page, err);

    if (st == TL_OK)
        st = pragma_int(db, "SELECT count(*) FROM meta WHERE key = "
                        "'vacuum' AND value = 'reindex-rest'", &rest, err);
    if (st == TL_OK)
        st = pragma_int(db, "SELECT count(*) FROM meta WHERE key = "
                        "'vacuum' AND value = 'reindex'", &reindex, err);
    if (st != TL_OK)
        return st;
    if (rest && page == TL_PAGE_SIZE) {
        /* the articles' and topics' indexes were packed early
         * (tl_index_pack_early()), and the vocabulary; the impact
         * lists, which the refresh writes after, are left (WITHOUT
         * ROWID: their b-tree is an index) */
        if (sqlite3_exec(db, "REINDEX impacts; PRAGMA "
                         "incremental_vacuum; DELETE FROM meta WHERE key "
                         "= 'vacuum'", NULL, NULL, NULL) != SQLITE_OK)
            return tl_error_db(err, db, "packing the indexes");
        return TL_OK;
    }
    if (reindex && page == TL_PAGE_SIZE) {
        /* a database this version made: its tables were written in key
         * order, its indexes were not; packed again, with the pages
         * FTS5's merges freed given back, it is the size a VACUUM makes
         * (the news corpus: 31,916,032 bytes both ways) in a fraction of
         * the time (0.06 s against 0.11; a VACUUM copies the whole
         * database, 1.5 GB at 1,000,000 articles) */
        if (sqlite3_exec(db, "REINDEX; PRAGMA incremental_vacuum; DELETE "
                         "FROM meta WHERE key = 'vacuum'", NULL, NULL, NULL)
            != SQLITE_OK)
            return tl_error_db(err, db, "packing the indexes");
        return TL_OK;
    }
    if (page != TL_PAGE_SIZE) {
        /* the page size changes only at a VACUUM outside WAL mode, and
         * leaving WAL mode needs the database to itself: when a search
         * has it open, the VACUUM keeps the old page size, and the
         * database is still consistent, only larger */
        set_journal_mode(db, "PRAGMA journal_mode = DELETE", mode,
                         sizeof mode);
        if (strcmp(mode, "delete") == 0) {
            char sql[64];

            snprintf(sql, sizeof sql, "PRAGMA page_size = %d",
                     TL_PAGE_SIZE);
            if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
                st = tl_error_db(err, db, fail);
                set_journal_mode(db, "PRAGMA journal_mode = WAL", mode,
                                 sizeof mode);
                return st;
            }
        }
    }
    if (sqlite3_exec(db, "VACUUM", NULL, NULL, NULL) != SQLITE_OK) {
        st = tl_error_db(err, db, fail);
        set_journal_mode(db, "PRAGMA journal_mode = WAL", mode, sizeof mode);
        return st;
    }
    /* should this fail, the next tl_db_open() asks for WAL again */
    set_journal_mode(db, "PRAGMA journal_mode = WAL", mode, sizeof mode);
    if (sqlite3_exec(db, "DELETE FROM meta WHERE key = 'vacuum'", NULL, NULL,
                     NULL) != SQLITE_OK)
        return tl_error_db(err, db, "giving back free space");
    return TL_OK;
}
