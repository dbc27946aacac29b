/* error.c - one-line error messages for struct tl_error. */
#include <stdarg.h>
#include <stdio.h>

#include "talaash.h"

enum tl_status
tl_error_set(struct tl_error *err, enum tl_status code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

enum tl_status
tl_error_db(struct tl_error *err, sqlite3 *db, const char *what)
{
    const char *msg = db != NULL ? sqlite3_errmsg(db) : "out of memory";

    if (db != NULL && (sqlite3_extended_errcode(db) & 0xff) == SQLITE_BUSY) {
        const char *path = sqlite3_db_filename(db, "main");
        /* what was under way matters less to the reader than who is
         * in the way and what to do */
        return tl_error_set(err, TL_ERR_DB, "database '%s' is busy: "
                            "another program is writing to it; try again "
                            "when it has finished", path != NULL && *path != '\0' ? path : ":memory:");
    }
    return tl_error_set(err, TL_ERR_DB, "%s: %s", what, msg);
}
