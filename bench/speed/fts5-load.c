/*
 * fts5-load.c - the bare-SQLite baseline of the speed benchmark: loads a
 * folder of articles into a plain FTS5 table with SQLite's own
 * `porter unicode61` tokenizer, the way a user of bare SQLite would.
 *
 *   fts5-load --db PATH [--batch N] FOLDER...
 *
 * Every `.txt` file under FOLDER (the news corpus' layout: the title on the
 * first line, a blank line, then paragraphs separated by blank lines)
 * becomes one row (title, paragraph) per paragraph of
 *
 *   CREATE VIRTUAL TABLE docs USING fts5(title, body,
 *                                        tokenize='porter unicode61');
 *
 * in one transaction per N files (default 2048, as talaash-index).  So
 * that a re-run can be compared with talaash-index's, the loader keeps
 * `files(id, path, size, mtime_ns, first_row, n_rows)` and skips a file
 * whose size and mtime are unchanged; a changed file's rows (one dense
 * rowid range, so doclists stay as small as FTS5 makes them) are deleted
 * and loaded again.  WAL and synchronous=NORMAL, as talaash-index, so both
 * pay the same for durability.
 *
 * Not part of Talaash: linked against sqlite3 only.  Exit status: 0 all
 * loaded, 1 some files could not be read, 2 usage or database error.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE                     /* nftw's FTW_ACTIONRETVAL */
#endif
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

struct file_entry {
    char *path;
    int64_t size;
    int64_t mtime_ns;
};

struct file_list {
    struct file_entry *v;
    size_t n, cap;
};

struct loader {
    sqlite3 *db;
    sqlite3_stmt *find, *add_file, *set_file, *del_rows, *add_row;
    long files_changed, files_failed, rows;
};

/* nftw() keeps no user pointer: the list being filled. */
static struct file_list *walk_list;

static const char
program_name[] = "fts5-load";

static int
db_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program_name, what, sqlite3_errmsg(db));
    return 2;
}

static int
ends_with_txt(const char *path)
{
    size_t n = strlen(path);

    return n > 4 && strcmp(path + n - 4, ".txt") == 0;
}

static int
on_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    struct file_list *l = walk_list;

    if (ftw->level > 0 && path[ftw->base] == '.')
        return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
    if (type != FTW_F || !ends_with_txt(path))
        return FTW_CONTINUE;
    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 1024;
        struct file_entry *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return FTW_STOP;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].path = realpath(path, NULL);
    if (l->v[l->n].path == NULL)
        return FTW_STOP;
    l->v[l->n].size = (int64_t)sb->st_size;
    l->v[l->n].mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000
                          + sb->st_mtim.tv_nsec;
    l->n++;
    return FTW_CONTINUE;
}

static int
compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct file_entry *)a)->path,
                  ((const struct file_entry *)b)->path);
}

static void
file_list_release(struct file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
}

/* Reads a whole file into a malloc'ed, NUL-terminated buffer. */
static char *
read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0;

    if (f == NULL)
        return NULL;
    for (;;) {
        if (cap - len < 65536) {
            char *p = realloc(buf, cap + 65536 + 1);
            if (p == NULL)
                goto fail;
            buf = p;
            cap += 65536;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        goto fail;
    fclose(f);
    buf[len] = '\0';
    *len_out = len;
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

/* The next block of text (paragraph) at *pos, without its surrounding
 * blank lines; 0 when there is none left. */
static int
next_block(const char *text, size_t len, size_t *pos, const char **start_out,
           size_t *len_out)
{
    size_t i = *pos, start, end;

    while (i < len && (text[i] == '\n' || text[i] == '\r' || text[i] == ' '
                       || text[i] == '\t'))
        i++;
    if (i == len) {
        *pos = i;
        return 0;
    }
    start = i;
    for (;;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t j;

        if (nl == NULL) {
            end = len;
            break;
        }
        j = (size_t)(nl - text) + 1;
        while (j < len && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r'))
            j++;
        if (j >= len || text[j] == '\n') {  /* a blank line ends the block */
            end = (size_t)(nl - text);
            i = j;
            break;
        }
        i = j;
    }
    *pos = end < len ? i : len;
    while (end > start && (text[end - 1] == '\r' || text[end - 1] == ' '))
        end--;
    *start_out = text + start;
    *len_out = end - start;
    return 1;
}

static int
step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
add_row(struct loader *ld, const char *title, size_t tlen, const char *body,
        size_t blen)
{
    sqlite3_bind_text(ld->add_row, 1, title, (int)tlen, SQLITE_STATIC);
    sqlite3_bind_text(ld->add_row, 2, body, (int)blen, SQLITE_STATIC);
    ld->rows++;
    return step_done(ld->add_row);
}

/* Loads one file; 0 done or unchanged, 1 unreadable (warned), 2 database. */
static int
load_file(struct loader *ld, const struct file_entry *fe)
{
    char *text = NULL;
    size_t len, pos = 0, tlen = 0, blen;
    const char *title = "", *block;
    sqlite3_int64 id = 0, first_row = 0, n_rows = 0;
    int rc, ret = 0;

    sqlite3_bind_text(ld->find, 1, fe->path, -1, SQLITE_STATIC);
    rc = sqlite3_step(ld->find);
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(ld->find, 0);
        first_row = sqlite3_column_int64(ld->find, 3);
        n_rows = sqlite3_column_int64(ld->find, 4);
        if (sqlite3_column_int64(ld->find, 1) == fe->size
            && sqlite3_column_int64(ld->find, 2) == fe->mtime_ns) {
            sqlite3_reset(ld->find);
            return 0;                          /* unchanged: not read */
        }
    } else if (rc != SQLITE_DONE) {
        sqlite3_reset(ld->find);
        return db_fail(ld->db, "files lookup");
    }
    sqlite3_reset(ld->find);

    text = read_file(fe->path, &len);
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read '%s': %s\n", program_name, fe->path,
                strerror(errno));
        ld->files_failed++;
        return 1;
    }
    if (id != 0 && n_rows > 0) {               /* forget the old rows */
        sqlite3_bind_int64(ld->del_rows, 1, first_row);
        sqlite3_bind_int64(ld->del_rows, 2, first_row + n_rows);
        if (step_done(ld->del_rows) != SQLITE_OK) {
            ret = db_fail(ld->db, "deleting a file's rows");
            goto out;
        }
    }
    /* New rows take the next rowids: a file's rows are one dense range. */
    first_row = 0;
    n_rows = 0;
    if (next_block(text, len, &pos, &title, &tlen)) {
        const char *nl = memchr(title, '\n', tlen);   /* the first line */
        if (nl != NULL)
            tlen = (size_t)(nl - title);
        while (tlen > 0 && (title[tlen - 1] == '\r' || title[tlen - 1] == ' '))
            tlen--;
    }
    while (next_block(text, len, &pos, &block, &blen)) {
        if (add_row(ld, title, tlen, block, blen) != SQLITE_OK) {
            ret = db_fail(ld->db, "inserting a paragraph");
            goto out;
        }
        if (n_rows++ == 0)
            first_row = sqlite3_last_insert_rowid(ld->db);
    }
    if (n_rows == 0) {                         /* a title alone */
        if (add_row(ld, title, tlen, "", 0) != SQLITE_OK) {
            ret = db_fail(ld->db, "inserting a paragraph");
            goto out;
        }
        first_row = sqlite3_last_insert_rowid(ld->db);
        n_rows = 1;
    }
    if (id != 0) {
        sqlite3_bind_int64(ld->set_file, 1, fe->size);
        sqlite3_bind_int64(ld->set_file, 2, fe->mtime_ns);
        sqlite3_bind_int64(ld->set_file, 3, first_row);
        sqlite3_bind_int64(ld->set_file, 4, n_rows);
        sqlite3_bind_int64(ld->set_file, 5, id);
        rc = step_done(ld->set_file);
    } else {
        sqlite3_bind_text(ld->add_file, 1, fe->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ld->add_file, 2, fe->size);
        sqlite3_bind_int64(ld->add_file, 3, fe->mtime_ns);
        sqlite3_bind_int64(ld->add_file, 4, first_row);
        sqlite3_bind_int64(ld->add_file, 5, n_rows);
        rc = step_done(ld->add_file);
    }
    if (rc != SQLITE_OK) {
        ret = db_fail(ld->db, "recording a file");
        goto out;
    }
    ld->files_changed++;
out:
    free(text);
    return ret;
}

static int
prepare_all(struct loader *ld)
{
    static const char schema[] =
        "PRAGMA journal_mode = WAL;"
        "PRAGMA synchronous = NORMAL;"
        "CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body,"
        " tokenize='porter unicode61');"
        "CREATE TABLE IF NOT EXISTS files (id INTEGER PRIMARY KEY,"
        " path TEXT NOT NULL UNIQUE, size INTEGER NOT NULL,"
        " mtime_ns INTEGER NOT NULL, first_row INTEGER NOT NULL,"
        " n_rows INTEGER NOT NULL);";
    struct { sqlite3_stmt **st; const char *sql; } stmts[] = {
        { &ld->find, "SELECT id, size, mtime_ns, first_row, n_rows"
                     " FROM files WHERE path = ?" },
        { &ld->add_file, "INSERT INTO files (path, size, mtime_ns, first_row,"
                         " n_rows) VALUES (?, ?, ?, ?, ?)" },
        { &ld->set_file, "UPDATE files SET size = ?, mtime_ns = ?,"
                         " first_row = ?, n_rows = ? WHERE id = ?" },
        { &ld->del_rows, "DELETE FROM docs WHERE rowid >= ? AND rowid < ?" },
        { &ld->add_row, "INSERT INTO docs (title, body) VALUES (?, ?)" },
    };

    if (sqlite3_exec(ld->db, schema, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(ld->db, "creating the tables");
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
        if (sqlite3_prepare_v2(ld->db, stmts[i].sql, -1, stmts[i].st, NULL)
            != SQLITE_OK)
            return db_fail(ld->db, "preparing");
    return 0;
}

static void
finalize_all(struct loader *ld)
{
    sqlite3_finalize(ld->find);
    sqlite3_finalize(ld->add_file);
    sqlite3_finalize(ld->set_file);
    sqlite3_finalize(ld->del_rows);
    sqlite3_finalize(ld->add_row);
}

static int
parse_count(const char *s, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 1000000)
        return -1;
    *out = v;
    return 0;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "batch", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct loader ld = { 0 };
    struct file_list files = { 0 };
    const char *db_path = NULL;
    long batch = 2048, in_batch = 0;
    double t0 = now_s();
    int c, ret = 0;

    while ((c = getopt_long(argc, argv, "d:b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_path = optarg;
            break;
        case 'b':
            if (parse_count(optarg, &batch) != 0) {
                fprintf(stderr, "%s: bad --batch '%s'\n", program_name, optarg);
                return 2;
            }
            break;
        case 'h':
            printf("Usage: fts5-load --db PATH [--batch N] FOLDER...\n"
                   "Load .txt articles into a plain FTS5 table (the speed "
                   "benchmark's baseline).\n");
            return 0;
        default:
            fprintf(stderr, "Try 'fts5-load --help'\n");
            return 2;
        }
    }
    if (db_path == NULL || optind == argc) {
        fprintf(stderr, "%s: need --db PATH and a FOLDER\n", program_name);
        return 2;
    }

    walk_list = &files;
    for (int i = optind; i < argc; i++) {
        if (nftw(argv[i], on_entry, 64, FTW_PHYS | FTW_ACTIONRETVAL) != 0) {
            fprintf(stderr, "%s: cannot walk '%s': %s\n", program_name,
                    argv[i], strerror(errno));
            ret = 2;
            goto out;
        }
    }
    qsort(files.v, files.n, sizeof files.v[0], compare_entries);

    if (sqlite3_open(db_path, &ld.db) != SQLITE_OK) {
        ret = db_fail(ld.db, "opening the database");
        goto out;
    }
    ret = prepare_all(&ld);
    if (ret != 0)
        goto out;
    for (size_t i = 0; i < files.n; i++) {
        int r;

        if (in_batch == 0
            && sqlite3_exec(ld.db, "BEGIN IMMEDIATE", NULL, NULL, NULL)
               != SQLITE_OK) {
            ret = db_fail(ld.db, "BEGIN");
            goto out;
        }
        r = load_file(&ld, &files.v[i]);
        if (r == 2) {
            sqlite3_exec(ld.db, "ROLLBACK", NULL, NULL, NULL);
            ret = 2;
            goto out;
        }
        if (r == 1)
            ret = 1;
        if (++in_batch == batch || i + 1 == files.n) {
            if (sqlite3_exec(ld.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
                ret = db_fail(ld.db, "COMMIT");
                goto out;
            }
            in_batch = 0;
        }
    }
    fprintf(stderr, "%s: %zu files, %ld loaded, %ld rows, %ld failed "
            "(%.2f s)\n", program_name, files.n, ld.files_changed, ld.rows,
            ld.files_failed, now_s() - t0);
out:
    finalize_all(&ld);
    if (ld.db != NULL && sqlite3_close(ld.db) != SQLITE_OK && ret == 0)
        ret = db_fail(ld.db, "closing");
    file_list_release(&files);
    return ret;
}
