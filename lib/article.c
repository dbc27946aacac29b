/*
 * article.c - the article model: reading a file, its fingerprint, and the
 * metadata found in its text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "talaash.h"

/* Titles longer than this are taken for an opening sentence. */
#define TITLE_MAX_BYTES 200
/* Only this many leading lines are looked at for a title. */
#define TITLE_SCAN_LINES 12
/* Files over this size are refused (they are not articles). */
#define ARTICLE_MAX_BYTES ((size_t)256 << 20)

void
tl_article_init(struct tl_article *a)
{
    memset(a, 0, sizeof *a);
    tl_buf_init(&a->text, ARTICLE_MAX_BYTES + 1);
}

void
tl_article_release(struct tl_article *a)
{
    if (a == NULL)
        return;
    free(a->path);
    free(a->title);
    free(a->author);
    tl_buf_release(&a->text);
    tl_article_init(a);
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int
tl_format_of_path(const char *path, enum tl_format *fmt_out)
{
    if (ends_with(path, ".txt")) {
        *fmt_out = TL_FORMAT_TEXT;
        return 1;
    }
    if (ends_with(path, ".md") || ends_with(path, ".markdown")) {
        *fmt_out = TL_FORMAT_MARKDOWN;
        return 1;
    }
    return 0;
}

static enum tl_status
read_all(int fd, const char *path, struct tl_buf *b, struct tl_error *err)
{
    char chunk[65536];
    ssize_t n;

    for (;;) {
        n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            return TL_OK;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return tl_error_set(err, TL_ERR_IO, "cannot read '%s': %s",
                                path, strerror(errno));
        }
        if (tl_buf_append(b, chunk, (size_t)n) != TL_OK)
            return tl_error_set(err, TL_ERR_INPUT, "skipped '%s': larger "
                                "than %zu MB", path, ARTICLE_MAX_BYTES >> 20);
    }
}

/* A NUL byte in the first 8 KiB marks a binary file, as in git and grep. */
static int
looks_binary(const char *p, size_t n)
{
    return memchr(p, '\0', n < 8192 ? n : 8192) != NULL;
}

enum tl_status
tl_article_load(const char *path, struct tl_article *a, struct tl_error *err)
{
    enum tl_status st = TL_OK;
    struct stat sb;
    XXH128_hash_t h;
    int fd;

    tl_article_release(a);
    if (!tl_format_of_path(path, &a->format))
        return tl_error_set(err, TL_ERR_INPUT, "skipped '%s': not a .txt or "
                            ".md file", path);
    a->path = strdup(path);
    a->title = strdup("");
    a->author = strdup("");
    if (a->path == NULL || a->title == NULL || a->author == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        st = tl_error_set(err, TL_ERR_IO, "cannot open '%s': %s", path,
                          strerror(errno));
        goto out;
    }
    if (fstat(fd, &sb) != 0) {
        st = tl_error_set(err, TL_ERR_IO, "cannot stat '%s': %s", path,
                          strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        st = tl_error_set(err, TL_ERR_INPUT, "skipped '%s': not a regular "
                          "file", path);
    } else {
        a->size = (int64_t)sb.st_size;
        a->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000
                      + sb.st_mtim.tv_nsec;
        st = read_all(fd, path, &a->text, err);
    }
    close(fd);
    if (st != TL_OK)
        goto out;
    if (tl_buf_append(&a->text, "", 0) != TL_OK) {  /* NUL-terminate */
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (a->text.len == 0) {
        st = tl_error_set(err, TL_ERR_INPUT, "skipped '%s': empty file",
                          path);
        goto out;
    }
    if (looks_binary(a->text.data, a->text.len)) {
        st = tl_error_set(err, TL_ERR_INPUT, "skipped '%s': binary file "
                          "(NUL bytes)", path);
        goto out;
    }
    a->size = (int64_t)a->text.len;
    h = XXH3_128bits(a->text.data, a->text.len);
    snprintf(a->hash, sizeof a->hash, "%016llx%016llx",
             (unsigned long long)h.high64, (unsigned long long)h.low64);
out:
    if (st != TL_OK)
        tl_article_release(a);
    return st;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'
           || c == '\v';
}

/* Skips a UTF-8 byte-order mark. */
static const char *
skip_bom(const char *p, const char *end)
{
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF
        && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        return p + 3;
    return p;
}

/* Skips a Markdown front matter block (--- ... ---) at the top. */
static const char *
skip_front_matter(const char *p, const char *end)
{
    const char *q;

    if (end - p < 4 || strncmp(p, "---", 3) != 0
        || (p[3] != '\n' && p[3] != '\r'))
        return p;
    for (q = p + 3; q < end; q++) {
        if (q[-1] == '\n' && end - q >= 3 && strncmp(q, "---", 3) == 0) {
            q += 3;
            while (q < end && *q != '\n')
                q++;
            return q;
        }
    }
    return p;
}

enum tl_status
tl_article_extract(struct tl_article *a, struct tl_error *err)
{
    const char *p = a->text.data, *end = a->text.data + a->text.len;
    int lines = 0;

    p = skip_bom(p, end);
    if (a->format == TL_FORMAT_MARKDOWN)
        p = skip_front_matter(p, end);
    a->body_start = (size_t)(p - a->text.data);

    /* The title is the first non-empty line near the top, when it is short
     * enough to be a heading and does not end like a sentence. */
    while (p < end && lines < TITLE_SCAN_LINES) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *e = eol != NULL ? eol : end;

        p = eol != NULL ? eol + 1 : end;
        lines++;
        while (s < e && is_space(*s))
            s++;
        if (a->format == TL_FORMAT_MARKDOWN)
            while (s < e && (*s == '#' || *s == ' '))
                s++;
        while (e > s && is_space(e[-1]))
            e--;
        if (s == e)
            continue;
        if (e - s <= TITLE_MAX_BYTES && e[-1] != '.' && e[-1] != ','
            && e[-1] != ';') {
            char *t = strndup(s, (size_t)(e - s));
            if (t == NULL)
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            free(a->title);
            a->title = t;
            a->body_start = (size_t)(p - a->text.data); /* after the title */
        }
        break;
    }
    return TL_OK;
}
