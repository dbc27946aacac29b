/*
 * fts5-query.c - the bare-SQLite baseline's query tool for the speed
 * benchmark: one FTS5 query against the table fts5-load made, the best
 * rows first, as a user of bare SQLite would run it.
 *
 *   fts5-query --db PATH [--limit N] [--format text|csv] [--count]
 *              [-o FILE] QUERY
 *
 * QUERY is FTS5 syntax, passed as it is (bound, never pasted into SQL):
 *
 *   SELECT title, snippet(docs, 1, '[', ']', '...', 30), bm25(docs)
 *   FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT ?2
 *
 * text prints "N. title" and the snippet; csv prints rank,score,title,
 * snippet (RFC 4180); --count prints the number of matching rows.
 * Not part of Talaash: linked against sqlite3 only.  Exit status as
 * talaash: 0 something matched, 1 nothing did, 2 error.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static const char
program_name[] = "fts5-query";

static int
parse_limit(const char *s, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 100000000)
        return -1;
    *out = v;
    return 0;
}

static int
db_error(sqlite3 *db)
{
    fprintf(stderr, "%s: %s\n", program_name,
            db != NULL ? sqlite3_errmsg(db) : "out of memory");
    return 2;
}

static void
put_csv_field(FILE *out, const unsigned char *s)
{
    if (s == NULL)
        s = (const unsigned char *)"";
    if (strpbrk((const char *)s, ",\"\r\n") == NULL) {
        fputs((const char *)s, out);
        return;
    }
    fputc('"', out);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "limit", required_argument, NULL, 'n' },
        { "format", required_argument, NULL, 'f' },
        { "count", no_argument, NULL, 'c' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const char rows_sql[] =
        "SELECT title, snippet(docs, 1, '[', ']', '...', 30), bm25(docs)"
        " FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT ?2";
    static const char count_sql[] =
        "SELECT count(*) FROM docs WHERE docs MATCH ?1";
    const char *db_path = NULL, *out_path = NULL;
    long limit = 10, found = 0;
    int c, rc, csv = 0, count = 0, ret = 2;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    FILE *out = stdout;

    while ((c = getopt_long(argc, argv, "d:n:f:co:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_path = optarg;
            break;
        case 'n':
            if (parse_limit(optarg, &limit) != 0) {
                fprintf(stderr, "%s: bad --limit '%s'\n", program_name, optarg);
                return 2;
            }
            break;
        case 'f':
            if (strcmp(optarg, "csv") == 0) {
                csv = 1;
            } else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "%s: bad --format '%s'\n", program_name,
                        optarg);
                return 2;
            }
            break;
        case 'c':
            count = 1;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'h':
            printf("Usage: fts5-query --db PATH [--limit N] [--format "
                   "text|csv] [--count] [-o FILE] QUERY\n");
            return 0;
        default:
            fprintf(stderr, "Try 'fts5-query --help'\n");
            return 2;
        }
    }
    if (db_path == NULL || optind + 1 != argc) {
        fprintf(stderr, "%s: need --db PATH and one QUERY\n", program_name);
        return 2;
    }
    if (out_path != NULL && (out = fopen(out_path, "w")) == NULL) {
        fprintf(stderr, "%s: cannot write '%s': %s\n", program_name, out_path,
                strerror(errno));
        return 2;
    }
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_busy_timeout(db, 5000) != SQLITE_OK
        || sqlite3_prepare_v2(db, count ? count_sql : rows_sql, -1, &st, NULL)
           != SQLITE_OK) {
        ret = db_error(db);
        goto out;
    }
    sqlite3_bind_text(st, 1, argv[optind], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, limit);
    if (csv && !count)
        fputs("rank,score,title,snippet\r\n", out);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count) {
            found = sqlite3_column_int64(st, 0);
            fprintf(out, "%ld rows\n", found);
            continue;
        }
        found++;
        if (csv) {
            fprintf(out, "%ld,%.4f,", found, -sqlite3_column_double(st, 2));
            put_csv_field(out, sqlite3_column_text(st, 0));
            fputc(',', out);
            put_csv_field(out, sqlite3_column_text(st, 1));
            fputs("\r\n", out);
        } else {
            fprintf(out, "%ld. %s\n   %s\n\n", found,
                    (const char *)sqlite3_column_text(st, 0),
                    (const char *)sqlite3_column_text(st, 1));
        }
    }
    ret = rc == SQLITE_DONE ? (found > 0 ? 0 : 1) : db_error(db);
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (out != stdout ? fclose(out) != 0 : fflush(out) != 0 || ferror(out)) {
        fprintf(stderr, "%s: write error\n", program_name);
        ret = 2;
    }
    return ret;
}
