/*
 * article.c - the article model: a file's bytes and their fingerprint.
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

/* Files over this size are refused (they are not articles). */
#define ARTICLE_MAX_BYTES ((size_t)256 << 20)
/* A file's buffer larger than this is not kept for the next file. */
#define ARTICLE_KEEP_MAX ((size_t)256 << 10)

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
    if (ends_with(path, ".html") || ends_with(path, ".htm")) {
        *fmt_out = TL_FORMAT_HTML;
        return 1;
    }
    return 0;
}

const char *
tl_format_name(enum tl_format f)
{
    switch (f) {
    case TL_FORMAT_MARKDOWN:
        return "markdown";
    case TL_FORMAT_HTML:
        return "html";
    default:
        return "text";
    }
}

/* Reads fd, a regular file, to its end into b, straight into b's memory
 * (size: what fstat() said, so that one read() usually does; the file
 * may grow).  A read of a regular file that returns less than it was
 * asked for has met the end: no second read() to hear 0 (21,268 system
 * calls a news corpus build). */
static enum tl_status
read_all(int fd, const char *path, size_t size, struct tl_buf *b,
         struct tl_error *err)
{
    size_t room = size + 1;     /* + 1: the end is seen without growing */
    ssize_t n;
    size_t asked;

    for (;;) {
        if (tl_buf_reserve(b, room) != TL_OK)
            return tl_error_set(err, TL_ERR_INPUT, "skipped '%s': larger "
                                "than %zu MB", path, ARTICLE_MAX_BYTES >> 20);
        asked = b->cap - 1 - b->len;
        n = read(fd, b->data + b->len, asked);
        if (n > 0 && (size_t)n < asked) {
            b->len += (size_t)n;
            b->data[b->len] = '\0';
            return TL_OK;
        }
        if (n == 0) {
            b->data[b->len] = '\0';
            return TL_OK;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return tl_error_set(err, TL_ERR_IO, "cannot read '%s': %s",
                                path, strerror(errno));
        }
        b->len += (size_t)n;
        room = b->cap - 1 > b->len ? b->cap - 1 - b->len : 65536;
    }
}

enum tl_status
tl_article_load(const char *path, struct tl_article *a, struct tl_error *err)
{
    enum tl_status st = TL_OK;
    struct stat sb;
    XXH128_hash_t h;
    XXH128_canonical_t canon;
    int fd;

    /* the text's memory is kept for the next file (talaash-index's
     * slots load file after file) */
    {
        struct tl_buf text = a->text;

        free(a->path);
        tl_article_init(a);
        if (text.cap > ARTICLE_KEEP_MAX)
            tl_buf_release(&text);      /* a large file's: given back */
        text.max = a->text.max;         /* tl_article_init()'s limit */
        a->text = text;
        tl_buf_reset(&a->text);
    }
    if (!tl_format_of_path(path, &a->format))
        return tl_error_set(err, TL_ERR_INPUT, "skipped '%s': not a .txt, "
                            ".md or .html file", path);
    a->path = strdup(path);
    if (a->path == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is then
     * refused as not a regular file); reads of a regular file ignore it */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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
        st = read_all(fd, path, (size_t)sb.st_size, &a->text, err);
    }
    close(fd);
    if (st != TL_OK)
        goto out;
    if (tl_buf_append(&a->text, "", 0) != TL_OK) {  /* NUL-terminate */
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    a->size = (int64_t)a->text.len;
    h = XXH3_128bits(a->text.data, a->text.len);
    XXH128_canonicalFromHash(&canon, h);
    _Static_assert(sizeof canon.digest == TL_HASH_SIZE, "XXH128 is 16 bytes");
    memcpy(a->hash, canon.digest, TL_HASH_SIZE);
out:
    if (st != TL_OK)
        tl_article_release(a);
    return st;
}

