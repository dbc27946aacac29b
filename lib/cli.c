/*
 * cli.c - what both programs share on the command line: the program's
 * name in messages, diagnostics on stderr, colour choice, number parsing
 * and a checked close of stdout.  The only library file that prints.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "talaash.h"

static const char *prog_name = "talaash";

void
tl_cli_init(const char *prog)
{
    prog_name = prog;
}

const char *
tl_cli_prog(void)
{
    return prog_name;
}

static void
vsay(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", prog_name, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
tl_cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay("", fmt, ap);
    va_end(ap);
}

void
tl_cli_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay("warning: ", fmt, ap);
    va_end(ap);
}

void
tl_cli_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay("", fmt, ap);
    va_end(ap);
}

int
tl_cli_stderr_is_tty(void)
{
    const char *term = getenv("TERM");

    return isatty(STDERR_FILENO) && !(term != NULL && strcmp(term, "dumb") == 0);
}

void
tl_cli_progress(const char *fmt, ...)
{
    va_list ap;

    fputs("\r\033[K", stderr);    /* back to the start, clear the line */
    if (fmt != NULL) {
        fprintf(stderr, "%s: ", prog_name);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
    fflush(stderr);
}

int
tl_cli_usage(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay("", fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help' for more information.\n", prog_name);
    return 2;
}

int
tl_cli_parse_color(const char *s, enum tl_color *out)
{
    if (s == NULL || strcmp(s, "auto") == 0)
        *out = TL_COLOR_AUTO;
    else if (strcmp(s, "always") == 0)
        *out = TL_COLOR_ALWAYS;
    else if (strcmp(s, "never") == 0)
        *out = TL_COLOR_NEVER;
    else
        return 0;
    return 1;
}

int
tl_cli_use_color(enum tl_color c, int fd)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (c != TL_COLOR_AUTO)
        return c == TL_COLOR_ALWAYS;
    if (no_color != NULL && no_color[0] != '\0')
        return 0;
    if (term != NULL && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fd);
}

int
tl_cli_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s == '\0')
        return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

int
tl_cli_finish(int status)
{
    int failed = fflush(stdout) != 0 || ferror(stdout);

    if (fclose(stdout) != 0)
        failed = 1;
    if (failed) {
        tl_cli_error("cannot write the results: %s", strerror(errno));
        return 2;
    }
    return status;
}
