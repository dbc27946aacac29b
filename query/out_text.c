/*
 * out_text.c - the default, human-readable output:
 *
 *   1. Title of the article  (score 7.31)
 *      path/to/file.txt#4
 *      …words around the matched words, which are highlighted…
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query.h"

#define SGR_MATCH "\033[1;31m"
#define SGR_TITLE "\033[1m"
#define SGR_PATH "\033[35m"
#define SGR_RESET "\033[0m"

void
text_writer_init(struct text_writer *w, FILE *out, int color)
{
    w->out = out;
    w->color = color;
    w->cwd = getcwd(NULL, 0);
}

void
text_writer_release(struct text_writer *w)
{
    if (w == NULL)
        return;
    free(w->cwd);
    w->cwd = NULL;
}

/* path relative to the working folder when it lies below it. */
static const char *
shown_path(const struct text_writer *w, const char *path)
{
    size_t n;

    if (w->cwd == NULL)
        return path;
    n = strlen(w->cwd);
    if (n > 1 && strncmp(path, w->cwd, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

/* Writes the snippet on one line: runs of white space become one space,
 * the match markers become colour (or nothing). */
static void
write_snippet(struct text_writer *w, const char *s)
{
    int space = 0;

    for (; *s != '\0'; s++) {
        if (*s == TL_MARK_OPEN[0]) {
            if (space)          /* the space goes before the colour */
                fputc(' ', w->out);
            space = 0;
            if (w->color)
                fputs(SGR_MATCH, w->out);
        } else if (*s == TL_MARK_CLOSE[0]) {
            if (w->color)
                fputs(SGR_RESET, w->out);
        } else if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            space = 1;
        } else if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            continue;   /* no control characters reach the terminal */
        } else {
            if (space)
                fputc(' ', w->out);
            space = 0;
            fputc(*s, w->out);
        }
    }
}

void
text_write_hit(struct text_writer *w, const struct tl_hit *hit)
{
    const char *title = hit->title[0] != '\0' ? hit->title : "(untitled)";

    fprintf(w->out, "%d. %s%s%s  (score %.3g)\n", hit->rank,
            w->color ? SGR_TITLE : "", title, w->color ? SGR_RESET : "",
            hit->score);
    fprintf(w->out, "   %s%s#%d%s\n", w->color ? SGR_PATH : "",
            shown_path(w, hit->path), hit->passage, w->color ? SGR_RESET : "");
    fputs("   ", w->out);
    write_snippet(w, hit->snippet);
    fputs("\n\n", w->out);
}
