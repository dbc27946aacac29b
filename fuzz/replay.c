/*
 * replay.c - main() for a fuzz target built without libFuzzer: runs
 * LLVMFuzzerTestOneInput() once on each file named on the command line,
 * or on each file of a named folder (sorted; names starting with '.'
 * skipped; a folder that does not exist is skipped too, so a target
 * with no regression yet passes).  Exit 0 when every input ran; a
 * failing input aborts, as under libFuzzer.
 *
 * This is how the seed corpora and fuzz/regressions/ run as meson tests
 * in every build, gcc and sanitizers included.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", path,
                strerror(errno));
        return 1;
    }
    do {
        if (cap - len < 4096) {
            uint8_t *p = realloc(data, cap * 2 + 4096);
            if (p == NULL) {
                fprintf(stderr, "replay: out of memory\n");
                free(data);
                fclose(f);
                return 1;
            }
            data = p;
            cap = cap * 2 + 4096;
        }
        n = fread(data + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        fprintf(stderr, "replay: cannot read '%s'\n", path);
        free(data);
        fclose(f);
        return 1;
    }
    fclose(f);
    /* an exact-size copy, so that ASan sees reads past the input */
    {
        uint8_t *exact = malloc(len > 0 ? len : 1);
        if (exact == NULL) {
            free(data);
            return 1;
        }
        if (len > 0)
            memcpy(exact, data, len);
        free(data);
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    return 0;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_dir(const char *dir, size_t *runs)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = 0;

    if (d == NULL) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", dir,
                strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap * 2 + 16) * sizeof *p);
            if (p == NULL) {
                status = 1;
                break;
            }
            names = p;
            cap = cap * 2 + 16;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            status = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        int w = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (status == 0 && w > 0 && (size_t)w < sizeof path) {
            status = run_file(path);
            (*runs)++;
        }
        free(names[i]);
    }
    free(names);
    return status;
}

int
main(int argc, char **argv)
{
    size_t runs = 0;
    int status = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc && status == 0; i++) {
        struct stat sb;

        if (stat(argv[i], &sb) != 0) {
            if (errno == ENOENT)
                continue;       /* no regression inputs yet */
            fprintf(stderr, "replay: '%s': %s\n", argv[i], strerror(errno));
            status = 1;
        } else if (S_ISDIR(sb.st_mode)) {
            status = run_dir(argv[i], &runs);
        } else {
            status = run_file(argv[i]);
            runs++;
        }
    }
    printf("replayed %zu inputs\n", runs);
    return status;
}
