/*
 * walk.c - turning the command line's paths into a sorted list of files.
 */

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "indexer.h"

/* nftw() keeps no user pointer: the list being filled. */
static struct file_list *walk_list;
static int walk_failed;

static int
push(struct file_list *l, const char *path)
{
    char *copy;

    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 256;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (p == NULL)
            return -1;
        l->paths = p;
        l->cap = cap;
    }
    copy = strdup(path);
    if (copy == NULL)
        return -1;
    l->paths[l->n++] = copy;
    return 0;
}

static int
on_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    const char *base = path + ftw->base;
    enum tl_format fmt;
    struct stat target;

    if (ftw->level > 0 && base[0] == '.')   /* .git, .cache, ... */
        return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
    switch (type) {
    case FTW_F:
        break;
    case FTW_SL:    /* follow links to files, never to folders (loops) */
        if (stat(path, &target) != 0 || !S_ISREG(target.st_mode))
            return FTW_CONTINUE;
        break;
    case FTW_DNR:
        tl_cli_warn("cannot read folder '%s': permission denied", path);
        walk_list->skipped++;
        return FTW_CONTINUE;
    default:
        return FTW_CONTINUE;
    }
    if (!tl_format_of_path(path, &fmt))
        return FTW_CONTINUE;
    if (type == FTW_F && !S_ISREG(sb->st_mode)) {  /* FIFO, device, socket */
        tl_cli_warn("skipped '%s': not a regular file", path);
        walk_list->skipped++;
        return FTW_CONTINUE;
    }
    if (type == FTW_SL) {
        /* a link to a file is listed as the file it names, so that each
         * file counts once; every other path is already real (the walk
         * starts from a real path and follows no link to a folder), and
         * resolving each one cost six readlink() calls a file */
        char *real = realpath(path, NULL);
        int rc = real != NULL ? push(walk_list, real) : 0;
        free(real);
        if (rc != 0) {
            walk_failed = ENOMEM;
            return FTW_STOP;
        }
        return FTW_CONTINUE;
    }
    if (push(walk_list, path) != 0) {
        walk_failed = ENOMEM;
        return FTW_STOP;
    }
    return FTW_CONTINUE;
}

static int
compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum tl_status
walk_paths(char *const *paths, int n_paths, struct file_list *out,
           struct tl_error *err)
{
    size_t w = 0;

    memset(out, 0, sizeof *out);
    for (int i = 0; i < n_paths; i++) {
        char *abs = realpath(paths[i], NULL);
        struct stat sb;
        enum tl_format fmt;

        if (abs == NULL || stat(abs, &sb) != 0) {
            tl_cli_warn("skipped '%s': %s", paths[i], strerror(errno));
            out->skipped++;
            free(abs);
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            walk_list = out;
            walk_failed = 0;
            nftw(abs, on_entry, 32, FTW_PHYS | FTW_ACTIONRETVAL);
            if (walk_failed != 0) {
                free(abs);
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            }
        } else if (!tl_format_of_path(abs, &fmt)) {
            tl_cli_warn("skipped '%s': not a .txt, .md or .html file",
                        paths[i]);
            out->skipped++;
        } else if (!S_ISREG(sb.st_mode)) {
            tl_cli_warn("skipped '%s': not a regular file", paths[i]);
            out->skipped++;
        } else if (push(out, abs) != 0) {
            free(abs);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        free(abs);
    }
    if (out->n > 0)
        qsort(out->paths, out->n, sizeof *out->paths, compare_paths);
    for (size_t r = 0; r < out->n; r++) {
        if (w > 0 && strcmp(out->paths[w - 1], out->paths[r]) == 0)
            free(out->paths[r]);
        else
            out->paths[w++] = out->paths[r];
    }
    out->n = w;
    return TL_OK;
}

void
file_list_release(struct file_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    memset(l, 0, sizeof *l);
}
