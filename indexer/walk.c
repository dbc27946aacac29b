/*
 * walk.c - turning the command line's paths into a sorted list of files.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer.h"

/* FNV-1a of a folder's path, for the folders' table. */
static uint64_t
dir_hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* The index of folder s (n bytes) in l->dirs, added if new; -1 when out
 * of memory. */
static int64_t
intern_dir(struct file_list *l, const char *s, size_t n)
{
    size_t i;

    if (l->n_dirs > 0 && strlen(l->dirs[l->n_dirs - 1]) == n
        && memcmp(l->dirs[l->n_dirs - 1], s, n) == 0)
        return (int64_t)l->n_dirs - 1;      /* the usual case: the last */
    if (2 * (l->n_dirs + 1) > l->dir_slots) {
        size_t slots = l->dir_slots != 0 ? 2 * l->dir_slots : 64;
        uint32_t *t = calloc(slots, sizeof *t);
        if (t == NULL)
            return -1;
        for (size_t d = 0; d < l->n_dirs; d++) {
            i = dir_hash(l->dirs[d], strlen(l->dirs[d])) & (slots - 1);
            while (t[i] != 0)
                i = (i + 1) & (slots - 1);
            t[i] = (uint32_t)d + 1;
        }
        free(l->dir_slot);
        l->dir_slot = t;
        l->dir_slots = slots;
    }
    i = dir_hash(s, n) & (l->dir_slots - 1);
    for (; l->dir_slot[i] != 0; i = (i + 1) & (l->dir_slots - 1)) {
        const char *d = l->dirs[l->dir_slot[i] - 1];
        if (strlen(d) == n && memcmp(d, s, n) == 0)
            return (int64_t)l->dir_slot[i] - 1;
    }
    if (l->n_dirs == l->cap_dirs) {
        size_t cap = l->cap_dirs != 0 ? l->cap_dirs * 2 : 64;
        char **p = realloc(l->dirs, cap * sizeof *p);
        if (p == NULL || cap > UINT32_MAX - 1) {
            if (p != NULL)
                l->dirs = p;
            return -1;
        }
        l->dirs = p;
        l->cap_dirs = cap;
    }
    if ((l->dirs[l->n_dirs] = strndup(s, n)) == NULL)
        return -1;
    l->dir_slot[i] = (uint32_t)l->n_dirs + 1;
    return (int64_t)l->n_dirs++;
}

/* Adds an absolute path: its folder (interned), its name, and the
 * size and time sb gives (NULL: not known, size -1). */
/* A warning for later (file_list_warn()); one lost when out of memory
 * only goes unsaid. */
static void
note(struct file_list *l, const char *fmt, ...)
{
    char line[PATH_MAX + 128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    /* each ends in a NUL (a path may hold a newline) */
    tl_buf_append(&l->warnings, line, (size_t)n + 1);
}

static int
push(struct file_list *l, const char *path, const struct stat *sb)
{
    const char *slash = strrchr(path, '/');
    size_t name_len;
    int64_t dir;

    if (slash == NULL)
        return -1;          /* never: the paths are absolute */
    dir = intern_dir(l, path, (size_t)(slash - path));
    if (dir < 0)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 256;
        struct file_entry *e = realloc(l->e, cap * sizeof *e);
        if (e == NULL)
            return -1;
        l->e = e;
        l->cap = cap;
    }
    name_len = strlen(slash + 1) + 1;
    if (l->names_len + name_len > UINT32_MAX)
        return -1;
    if (l->names_len + name_len > l->names_cap) {
        size_t cap = l->names_cap != 0 ? l->names_cap * 2 : 4096;
        char *p;
        while (cap < l->names_len + name_len)
            cap *= 2;
        if ((p = realloc(l->names, cap)) == NULL)
            return -1;
        l->names = p;
        l->names_cap = cap;
    }
    if (l->sized) {
        struct file_stat st = { -1, 0 };
        if (l->n_stat == l->cap_stat) {
            size_t cap = l->cap_stat != 0 ? l->cap_stat * 2 : 256;
            struct file_stat *p = realloc(l->stat, cap * sizeof *p);
            if (p == NULL)
                return -1;
            l->stat = p;
            l->cap_stat = cap;
        }
        if (sb != NULL) {
            st.size = (int64_t)sb->st_size;
            st.mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000
                          + sb->st_mtim.tv_nsec;
        }
        l->stat[l->n_stat] = st;
    }
    memcpy(l->names + l->names_len, slash + 1, name_len);
    l->e[l->n].dir = (uint32_t)dir;
    l->e[l->n].name = (uint32_t)l->names_len;
    l->e[l->n].at = (uint32_t)l->n_stat;
    l->n_stat += l->sized != 0;
    l->names_len += name_len;
    l->n++;
    return 0;
}

/* Walks the folder open as fd whose path is path[0..len) (path has
 * PATH_MAX bytes), adding its files to l: hidden entries (.git, .cache)
 * are passed over, links are followed to files and never to folders
 * (loops).  The folder's entries say which are files (d_type); a file
 * is stat()ed (relative to its folder) only for its size and time, when
 * sizes asks for them, and only when its name is one talaash reads.
 * nftw() stat()ed every entry by its whole path: 32 of the news
 * corpus's first 50 ms, before any worker had a file (session 17).  -1
 * when out of memory. */
static int
walk_dir(struct file_list *l, int fd, char *path, size_t len, int sizes)
{
    DIR *d = fdopendir(fd);
    struct dirent *e;
    int rc = 0;

    if (d == NULL) {
        close(fd);
        return 0;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t n = strlen(name);
        unsigned char type = e->d_type;
        enum tl_format fmt;
        struct stat sb;

        if (name[0] == '.')     /* ".", "..", hidden */
            continue;
        if (len + 1 + n >= PATH_MAX)
            continue;           /* no path can name it */
        path[len] = '/';
        memcpy(path + len + 1, name, n + 1);
        if (type == DT_UNKNOWN) {   /* file systems without d_type */
            if (fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            type = S_ISDIR(sb.st_mode) ? DT_DIR : S_ISREG(sb.st_mode)
                   ? DT_REG : S_ISLNK(sb.st_mode) ? DT_LNK : DT_FIFO;
        }
        if (type == DT_DIR) {
            int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                                       | O_CLOEXEC);
            if (sub < 0) {
                note(l, "cannot read folder '%s': %s", path,
                            errno == EACCES ? "permission denied"
                                            : strerror(errno));
                l->skipped++;
            } else {
                rc = walk_dir(l, sub, path, len + 1 + n, sizes);
            }
            continue;
        }
        if (!tl_format_of_path(path, &fmt))
            continue;
        if (type == DT_LNK) {
            /* a link to a file is listed as the file it names, so that
             * each file counts once; every other path is already real
             * (the walk starts from a real path and follows no link to
             * a folder) */
            char *real;
            if (fstatat(fd, name, &sb, 0) != 0 || !S_ISREG(sb.st_mode))
                continue;
            real = realpath(path, NULL);
            rc = real != NULL ? push(l, real, &sb) : 0;
            free(real);
        } else if (type == DT_REG && !sizes) {
            rc = push(l, path, NULL);   /* its reader fstat()s it */
        } else if (type == DT_REG) {
            if (fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0
                && S_ISREG(sb.st_mode))
                rc = push(l, path, &sb);
        } else {                /* FIFO, device, socket */
            note(l, "skipped '%s': not a regular file", path);
            l->skipped++;
        }
    }
    closedir(d);
    path[len] = '\0';
    return rc;
}

/* The next byte of the path dir + "/" + name being read at *p (*stage
 * 0: in dir, 1: in name); 0 at its end. */
static int
joined_next(const char **p, int *stage, const char *name)
{
    if (*stage == 0) {
        if (**p != '\0')
            return (unsigned char)*(*p)++;
        *stage = 1;
        *p = name;
        return '/';
    }
    return **p != '\0' ? (unsigned char)*(*p)++ : 0;
}

/* The list qsort() is sorting (it keeps no user pointer either). */
static const struct file_list *sort_list;

/* Orders two entries as strcmp() orders their whole paths. */
static int
compare_entries(const void *a, const void *b)
{
    const struct file_entry *x = a, *y = b;
    const char *nx = sort_list->names + x->name;
    const char *ny = sort_list->names + y->name;
    const char *px = sort_list->dirs[x->dir], *py = sort_list->dirs[y->dir];
    int sx = 0, sy = 0;

    if (x->dir == y->dir)
        return strcmp(nx, ny);
    for (;;) {
        int cx = joined_next(&px, &sx, nx), cy = joined_next(&py, &sy, ny);
        if (cx != cy || cx == 0)
            return cx - cy;
    }
}

enum tl_status
walk_paths(char *const *paths, int n_paths, int sizes,
           struct file_list *out, struct tl_error *err)
{
    size_t w = 0;

    memset(out, 0, sizeof *out);
    tl_buf_init(&out->warnings, 0);
    out->sized = sizes;
    for (int i = 0; i < n_paths; i++) {
        char *abs = realpath(paths[i], NULL);
        struct stat sb;
        enum tl_format fmt;

        if (abs == NULL || stat(abs, &sb) != 0) {
            note(out, "skipped '%s': %s", paths[i], strerror(errno));
            out->skipped++;
            free(abs);
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            char path[PATH_MAX];
            size_t len = strlen(abs);
            int fd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

            if (fd < 0 || len >= sizeof path) {
                note(out, "cannot read folder '%s': %s", paths[i],
                            fd < 0 && errno == EACCES ? "permission denied"
                            : fd < 0 ? strerror(errno) : "path too long");
                out->skipped++;
                if (fd >= 0)
                    close(fd);
            } else {
                memcpy(path, abs, len + 1);
                while (len > 1 && path[len - 1] == '/')
                    path[--len] = '\0';    /* "/" alone stays */
                if (walk_dir(out, fd, path, len == 1 ? 0 : len, sizes)
                    != 0) {
                    free(abs);
                    return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
                }
            }
        } else if (!tl_format_of_path(abs, &fmt)) {
            note(out, "skipped '%s': not a .txt, .md or .html file",
                        paths[i]);
            out->skipped++;
        } else if (!S_ISREG(sb.st_mode)) {
            note(out, "skipped '%s': not a regular file", paths[i]);
            out->skipped++;
        } else if (push(out, abs, &sb) != 0) {
            free(abs);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        free(abs);
    }
    if (out->n > 0) {
        sort_list = out;
        qsort(out->e, out->n, sizeof *out->e, compare_entries);
        sort_list = NULL;
    }
    /* a folder is interned once, so the same path is the same folder
     * and the same name */
    for (size_t r = 0; r < out->n; r++)
        if (w == 0 || out->e[w - 1].dir != out->e[r].dir
            || strcmp(out->names + out->e[w - 1].name,
                      out->names + out->e[r].name) != 0)
            out->e[w++] = out->e[r];
    out->n = w;
    free(out->dir_slot);        /* no folder is added from here */
    out->dir_slot = NULL;
    out->dir_slots = 0;
    return TL_OK;
}

char *
file_list_path(const struct file_list *l, size_t i)
{
    const char *dir = l->dirs[l->e[i].dir], *name = l->names + l->e[i].name;
    size_t nd = strlen(dir), nn = strlen(name);
    char *path = malloc(nd + 1 + nn + 1);

    if (path == NULL)
        return NULL;
    memcpy(path, dir, nd);
    path[nd] = '/';
    memcpy(path + nd + 1, name, nn + 1);
    return path;
}

struct file_stat
file_list_stat(const struct file_list *l, size_t i)
{
    struct file_stat none = { -1, 0 };

    return l->stat != NULL ? l->stat[l->e[i].at] : none;
}

void
file_list_release(struct file_list *l)
{
    if (l == NULL)
        return;
    free(l->stat);
    for (size_t i = 0; i < l->n_dirs; i++)
        free(l->dirs[i]);
    free(l->dirs);
    free(l->dir_slot);
    free(l->e);
    free(l->names);
    tl_buf_release(&l->warnings);
    memset(l, 0, sizeof *l);
}

void
file_list_warn(struct file_list *l)
{
    const char *p = l->warnings.data, *end = p + l->warnings.len;

    while (p != NULL && p < end) {
        tl_cli_warn("%s", p);
        p += strlen(p) + 1;
    }
    tl_buf_reset(&l->warnings);
}
