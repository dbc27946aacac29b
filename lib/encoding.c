/*
 * encoding.c - is a file text, and its bytes as UTF-8 with LF line ends.
 *
 * Encoding guessing is kept to one question, "is it valid UTF-8?", with
 * Windows-1252 as the answer otherwise: a statistical detector
 * (libuchardet) is not worth a dependency for archives that are UTF-8 or
 * cp1252 in practice, and cp1252 decoding cannot fail (every byte means
 * something, the five undefined ones become U+FFFD).
 */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "encoding.h"

/* ---- UTF-8 validation ------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p[0..n) (n >= 1, p[0] >= 0x80),
 * or 0 when it is not one. */
static size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];

    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        /* E0: no overlong (second byte >= A0); ED: no surrogate (< A0) */
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        unsigned char hi = c == 0xED ? 0x9F : 0xBF;

        return n >= 3 && p[1] >= lo && p[1] <= hi
               && (p[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        /* F0: no overlong (>= 90); F4: nothing above U+10FFFF (< 90) */
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;

        return n >= 4 && p[1] >= lo && p[1] <= hi
               && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;   /* 80-BF continuation, C0/C1 overlong, F5-FF */
}

int
tl_utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < n) {
        /* ASCII eight bytes at a time: most text is mostly ASCII */
        if (n - i >= 8) {
            uint64_t w;

            memcpy(&w, s + i, 8);
            if ((w & UINT64_C(0x8080808080808080)) == 0) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            i++;
        } else {
            size_t k = utf8_seq_len(s + i, n - i);

            if (k == 0)
                return 0;
            i += k;
        }
    }
    return 1;
}

/* ---- refusing binaries ----------------------------------------------- */

struct magic {
    size_t offset;
    const char *bytes;
    size_t len;
    const char *reason;
};

#define MAGIC(off, lit, reason) { off, lit, sizeof lit - 1, reason }

/* Signatures that are unlikely at the start of a text file by themselves
 * (they hold non-ASCII or control bytes, or are long). */
static const struct magic magics[] = {
    MAGIC(0, "%PDF-", "binary file (PDF)"),
    MAGIC(0, "\x89PNG\r\n\x1a\n", "binary file (PNG image)"),
    MAGIC(0, "\xff\xd8\xff", "binary file (JPEG image)"),
    MAGIC(0, "GIF87a", "binary file (GIF image)"),
    MAGIC(0, "GIF89a", "binary file (GIF image)"),
    MAGIC(0, "PK\x03\x04", "binary file (ZIP archive)"),
    MAGIC(0, "\x1f\x8b", "binary file (gzip archive)"),
    MAGIC(0, "\xfd" "7zXZ\x00", "binary file (xz archive)"),
    MAGIC(0, "7z\xbc\xaf\x27\x1c", "binary file (7z archive)"),
    MAGIC(0, "\x7f" "ELF", "binary file (ELF executable)"),
    MAGIC(0, "SQLite format 3\x00", "binary file (SQLite database)"),
    MAGIC(0, "Rar!\x1a\x07", "binary file (RAR archive)"),
    MAGIC(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
          "binary file (MS Office document)"),
};

static int
has_at(const unsigned char *p, size_t n, size_t off, const char *lit,
       size_t len)
{
    return n >= off + len && memcmp(p + off, lit, len) == 0;
}

/* "BZh" + block size digit + the magic of a first block or of an empty
 * stream: "BZh" alone would refuse a text starting "BZhang". */
static int
is_bzip2(const unsigned char *p, size_t n)
{
    return n >= 10 && has_at(p, n, 0, "BZh", 3) && p[3] >= '1' && p[3] <= '9'
           && (has_at(p, n, 4, "\x31\x41\x59\x26\x53\x59", 6)
               || has_at(p, n, 4, "\x17\x72\x45\x38\x50\x90", 6));
}

/* An ID3v2 tag: "ID3", major version 2-4, a revision, flags and a
 * 28-bit size whose bytes are all below 0x80. */
static int
is_id3(const unsigned char *p, size_t n)
{
    return n >= 10 && has_at(p, n, 0, "ID3", 3) && p[3] >= 2 && p[3] <= 4
           && p[4] != 0xff && p[6] < 0x80 && p[7] < 0x80 && p[8] < 0x80
           && p[9] < 0x80;
}

/* An ISO media file (MP4, MOV, M4A, HEIC): a first box "ftyp" whose
 * 32-bit big-endian size is small (its first byte is 0). */
static int
is_mp4(const unsigned char *p, size_t n)
{
    return n >= 8 && p[0] == 0 && has_at(p, n, 4, "ftyp", 4);
}

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

const char *
tl_text_refusal(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i;

    if (n == 0)
        return "empty file";
    for (i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (has_at(s, n, magics[i].offset, magics[i].bytes, magics[i].len))
            return magics[i].reason;
    if (is_bzip2(s, n))
        return "binary file (bzip2 archive)";
    if (is_id3(s, n))
        return "binary file (MP3 audio)";
    if (is_mp4(s, n))
        return "binary file (MP4 video)";
    if (has_at(s, n, 0, "RIFF", 4) && has_at(s, n, 8, "WEBP", 4))
        return "binary file (WebP image)";
    if (has_at(s, n, 0, "\xff\xfe", 2) || has_at(s, n, 0, "\xfe\xff", 2))
        return "UTF-16 text (not supported)";
    if (memchr(s, '\0', n < TL_TEXT_SNIFF_BYTES ? n : TL_TEXT_SNIFF_BYTES)
        != NULL)
        return "binary file (NUL bytes)";
    i = has_at(s, n, 0, "\xef\xbb\xbf", 3) ? 3 : 0;
    while (i < n && is_space(s[i]))
        i++;
    return i == n ? "empty file" : NULL;
}

/* ---- offset map ------------------------------------------------------ */

void
tl_offset_map_init(struct tl_offset_map *m)
{
    m->points = NULL;
    m->n = 0;
    m->cap = 0;
}

void
tl_offset_map_release(struct tl_offset_map *m)
{
    if (m == NULL)
        return;
    free(m->points);
    tl_offset_map_init(m);
}

size_t
tl_offset_map_orig(const struct tl_offset_map *m, size_t off)
{
    struct tl_offset_point base = { 0, 0 };
    size_t lo = 0, hi, orig;

    if (m == NULL || m->n == 0)
        return off;
    /* lo = the number of points with dec <= off */
    hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->points[mid].dec <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0)
        base = m->points[lo - 1];
    orig = base.orig + (off - base.dec);
    /* Inside a widened character: the next point's original offset is
     * where the following character starts. */
    if (lo < m->n && orig >= m->points[lo].orig)
        orig = m->points[lo].orig - 1;
    return orig;
}

/* ---- decoding -------------------------------------------------------- */

/* Unicode code points of Windows-1252 bytes 0x80-0x9F; 0xFFFD for the
 * five the code page leaves undefined. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

struct decoder {
    struct tl_buf *out;
    size_t base;                /* out->len on entry */
    struct tl_offset_map *map;  /* NULL: not wanted */
    struct tl_offset_point last; /* last point (or 0, 0) */
};

/* Records that decoded offset out->len - base comes from orig, when that
 * changes the difference between the two. */
static enum tl_status
mark(struct decoder *d, size_t orig)
{
    struct tl_offset_map *m = d->map;
    size_t dec = d->out->len - d->base;

    if (m == NULL || orig - d->last.orig == dec - d->last.dec)
        return TL_OK;
    if (m->n == m->cap) {
        size_t cap = m->cap != 0 ? m->cap * 2 : 64;
        struct tl_offset_point *pts;

        if (cap > SIZE_MAX / sizeof *pts)
            return TL_ERR_NOMEM;
        pts = realloc(m->points, cap * sizeof *pts);
        if (pts == NULL)
            return TL_ERR_NOMEM;
        m->points = pts;
        m->cap = cap;
    }
    d->last.dec = dec;
    d->last.orig = orig;
    m->points[m->n++] = d->last;
    return TL_OK;
}

/* Appends s[*i] (a CR) as LF, consuming a following LF too. */
static enum tl_status
put_line_end(struct decoder *d, const char *s, size_t n, size_t *i)
{
    if (tl_buf_append(d->out, "\n", 1) != TL_OK)
        return TL_ERR_NOMEM;
    *i += *i + 1 < n && s[*i + 1] == '\n' ? 2 : 1;
    return mark(d, *i);
}

/* s[start..n) is valid UTF-8: copy it in runs between CRs. */
static enum tl_status
copy_utf8(struct decoder *d, const char *s, size_t n, size_t start)
{
    size_t i = start;

    while (i < n) {
        const char *cr = memchr(s + i, '\r', n - i);
        size_t run = (cr != NULL ? (size_t)(cr - s) : n) - i;

        if (tl_buf_append(d->out, s + i, run) != TL_OK)
            return TL_ERR_NOMEM;
        i += run;
        if (i < n && put_line_end(d, s, n, &i) != TL_OK)
            return TL_ERR_NOMEM;
    }
    return TL_OK;
}

/* Decodes every byte of s[start..n) as Windows-1252. */
static enum tl_status
copy_cp1252(struct decoder *d, const char *s, size_t n, size_t start)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = start;

    while (i < n) {
        size_t j = i;
        unsigned cp;
        char enc[3];
        size_t len;

        while (j < n && u[j] < 0x80 && u[j] != '\r')
            j++;
        if (tl_buf_append(d->out, s + i, j - i) != TL_OK)
            return TL_ERR_NOMEM;
        i = j;
        if (i == n)
            break;
        if (u[i] == '\r') {
            if (put_line_end(d, s, n, &i) != TL_OK)
                return TL_ERR_NOMEM;
            continue;
        }
        cp = u[i] < 0xA0 ? cp1252_high[u[i] - 0x80] : u[i];
        if (cp < 0x800) {
            enc[0] = (char)(0xC0 | (cp >> 6));
            enc[1] = (char)(0x80 | (cp & 0x3F));
            len = 2;
        } else {
            enc[0] = (char)(0xE0 | (cp >> 12));
            enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            enc[2] = (char)(0x80 | (cp & 0x3F));
            len = 3;
        }
        if (tl_buf_append(d->out, enc, len) != TL_OK)
            return TL_ERR_NOMEM;
        i++;
        if (mark(d, i) != TL_OK)
            return TL_ERR_NOMEM;
    }
    return TL_OK;
}

/* Turns each NUL byte of p[0..n) into a space. */
static void
blank_nuls(char *p, size_t n)
{
    char *z;

    while ((z = memchr(p, '\0', n)) != NULL) {
        *z = ' ';
        n -= (size_t)(z - p) + 1;
        p = z + 1;
    }
}

enum tl_status
tl_text_decode(const char *p, size_t n, struct tl_buf *out,
               struct tl_offset_map *map, enum tl_encoding *enc_out,
               struct tl_error *err)
{
    struct decoder d = { out, out->len, map, { 0, 0 } };
    size_t start = 0;
    enum tl_encoding enc = TL_ENC_UTF8;
    enum tl_status st;

    if (map != NULL)
        map->n = 0;
    if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        start = 3;
        enc = TL_ENC_UTF8_BOM;
    }
    /* an empty text still gets its NUL terminator */
    st = tl_buf_append(out, "", 0);
    if (st == TL_OK)
        st = mark(&d, start);
    if (st == TL_OK) {
        if (tl_utf8_valid(p + start, n - start)) {
            st = copy_utf8(&d, p, n, start);
        } else {
            enc = TL_ENC_CP1252;
            st = copy_cp1252(&d, p, n, start);
        }
    }
    if (st == TL_OK)
        blank_nuls(out->data + d.base, out->len - d.base);
    if (enc_out != NULL)
        *enc_out = enc;
    if (st != TL_OK) {
        if (map != NULL)
            map->n = 0;
        return tl_error_set(err, TL_ERR_NOMEM,
                            "out of memory decoding %zu bytes of text", n);
    }
    return TL_OK;
}

/* The character at p[0, n) (n > 0): sets *cp and returns its length.
 * Invalid UTF-8 gives TL_UTF8_INVALID and the length of the maximal subpart (the
 * longest prefix of a well-formed sequence, at least one byte), as the
 * Unicode standard recommends, so that one broken character becomes one
 * U+FFFD. */
size_t
tl_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xbf;
    uint32_t v;
    size_t k, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xc2 || c > 0xf4) {
        *cp = TL_UTF8_INVALID;
        return 1;
    }
    if (c < 0xe0) {
        k = 2;
        v = c & 0x1f;
    } else if (c < 0xf0) {
        k = 3;
        v = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0;          /* overlong */
        else if (c == 0xed)
            hi = 0x9f;          /* surrogates */
    } else {
        k = 4;
        v = c & 0x07;
        if (c == 0xf0)
            lo = 0x90;          /* overlong */
        else if (c == 0xf4)
            hi = 0x8f;          /* above U+10FFFF */
    }
    for (i = 1; i < k; i++) {
        if (i >= n || p[i] < lo || p[i] > hi) {
            *cp = TL_UTF8_INVALID;
            return i;
        }
        v = (v << 6) | (p[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }
    *cp = v;
    return k;
}

int
tl_text_is_clean(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        uint32_t cp;
        size_t k = tl_utf8_next(p + i, n - i, &cp);
        if (cp == TL_UTF8_INVALID || (cp < 0x20 && cp != '\t') || cp == 0x7F)
            return 0;
        i += k;
    }
    return 1;
}
