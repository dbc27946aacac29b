/*
 * encoding.h - deciding whether a file is text, and turning its bytes
 * into UTF-8 with LF line ends.
 *
 * Article files come from anywhere: most are UTF-8 (some with a BOM),
 * older ones Windows-1252, and now and then a PDF or a picture saved
 * with a .txt name.  tl_text_refusal() says why a file is not text;
 * tl_text_decode() converts the rest.  Inputs are (pointer, length)
 * pairs and are never read past their length (they need no NUL).
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_ENCODING_H
#define TALAASH_ENCODING_H


enum tl_encoding {
    TL_ENC_UTF8,        /* valid UTF-8 (or plain ASCII), no BOM */
    TL_ENC_UTF8_BOM,    /* valid UTF-8 after a UTF-8 BOM */
    TL_ENC_CP1252,      /* not valid UTF-8: decoded as Windows-1252 */
};

/* Is p[0..n) valid UTF-8: no overlong forms, no surrogates (U+D800 to
 * U+DFFF), nothing above U+10FFFF, no sequence cut at the end?  NUL bytes
 * are valid.  Returns 1 or 0; n == 0 is valid. */
int tl_utf8_valid(const char *p, size_t n);

/* Not a code point: what tl_utf8_next() gives for invalid UTF-8. */
#define TL_UTF8_INVALID 0x110000u

/* The character at p[0, n) (n > 0): sets *cp and returns its length.
 * Invalid UTF-8 gives TL_UTF8_INVALID and the length of the maximal
 * subpart (at least one byte), as the Unicode standard recommends, so one
 * broken character becomes one U+FFFD. */
size_t tl_utf8_next(const unsigned char *p, size_t n, uint32_t *cp);

/* Is s[0..n) valid UTF-8 with no control character but tab?  (A line of
 * a rules file.) */
int tl_text_is_clean(const char *s, size_t n);

/* Only the first TL_TEXT_SNIFF_BYTES bytes are searched for NUL bytes. */
#define TL_TEXT_SNIFF_BYTES 8192

/* Why p[0..n) (a whole file) should not be indexed as text, or NULL when
 * it may be.  The returned string is static.  In order of checking:
 *   "empty file"                 n == 0;
 *   "binary file (<kind>)"       a known magic number at the start, kind
 *                                one of "PDF", "PNG image", "JPEG image",
 *                                "GIF image", "WebP image", "ZIP archive"
 *                                (also docx, epub, odt), "gzip archive",
 *                                "bzip2 archive", "xz archive",
 *                                "7z archive", "RAR archive",
 *                                "ELF executable", "SQLite database",
 *                                "MS Office document" (OLE: .doc, .xls),
 *                                "MP3 audio", "MP4 video";
 *   "UTF-16 text (not supported)" a UTF-16 byte-order mark;
 *   "binary file (NUL bytes)"    a NUL in the first TL_TEXT_SNIFF_BYTES;
 *   "empty file"                 only white space (space, tab, CR, LF,
 *                                FF, VT), after an optional UTF-8 BOM.
 * Magic numbers made of printable ASCII ("BZh", "ID3") are checked with
 * the bytes that follow them, so a text that merely begins with those
 * letters is not refused. */
const char *tl_text_refusal(const char *p, size_t n);

/*
 * Offset map: where each byte of the decoded text came from.
 *
 * Decoding changes offsets only at a few places (a BOM dropped, a CRLF
 * turned into LF, a Windows-1252 byte widened into 2 or 3 UTF-8 bytes),
 * so the map stores only the points where the difference between the two
 * offsets changes: one point per such place, none at all when the text
 * came through unchanged (then the mapping is the identity, which is what
 * tl_offset_map_orig() returns for an empty or NULL map).  A lone CR
 * becomes LF in place and needs no point.  The cost is one binary search
 * per lookup, and memory only for files that were actually changed: two
 * size_t per CRLF line end or per non-ASCII byte of a Windows-1252 file.
 */
struct tl_offset_point {
    size_t dec;         /* an offset in the decoded text ... */
    size_t orig;        /* ... and the offset in the file it comes from */
};

struct tl_offset_map {
    struct tl_offset_point *points; /* owned; increasing in both fields */
    size_t n;
    size_t cap;
};

void tl_offset_map_init(struct tl_offset_map *m);
/* Frees the points; m may be NULL.  m is left empty (identity). */
void tl_offset_map_release(struct tl_offset_map *m);

/* The offset in the original file of byte off of the decoded text, for
 * off in [0, decoded length] (off == decoded length maps to the file's
 * length, so an exclusive end maps to an exclusive end).  An offset
 * inside a widened Windows-1252 character maps to that character's byte;
 * an LF that replaced CRLF maps to the CR.  m may be NULL (identity). */
size_t tl_offset_map_orig(const struct tl_offset_map *m, size_t off);

/*
 * Appends p[0..n), converted to UTF-8, to out:
 *   - a leading UTF-8 BOM (EF BB BF) is dropped;
 *   - if the rest is valid UTF-8 it is copied; otherwise every byte of it
 *     is decoded as Windows-1252 (0x80-0x9F by the cp1252 table, e.g.
 *     0x92 -> U+2019, 0x80 -> U+20AC; the five undefined bytes 0x81 0x8D
 *     0x8F 0x90 0x9D -> U+FFFD; 0xA0-0xFF -> U+00A0-U+00FF).  A file that
 *     is UTF-8 but for one bad byte is thus decoded entirely as cp1252:
 *     mixed files are rare and cp1252 decoding never fails;
 *   - CRLF and lone CR become LF.
 * A NUL byte becomes a space (same length, so offsets do not move): a
 * NUL past the TL_TEXT_SNIFF_BYTES that tl_text_refusal() looks at would
 * otherwise cut the text short wherever it is read as a C string.  Other
 * control characters are copied as they are; call tl_text_refusal()
 * first to keep binaries out.
 *
 * *enc_out (may be NULL) is TL_ENC_CP1252 when the cp1252 path was taken
 * (with or without a BOM), else TL_ENC_UTF8_BOM or TL_ENC_UTF8.
 *
 * map may be NULL; otherwise it must have been initialised, is emptied
 * first, and then describes the appended text: its decoded offsets count
 * from out->len as it was on entry, its original offsets from p.
 *
 * Returns TL_ERR_NOMEM when memory runs out or out would grow past its
 * cap; out then holds a partial text and map is emptied.
 */
enum tl_status
tl_text_decode(const char *p, size_t n, struct tl_buf *out,
               struct tl_offset_map *map, enum tl_encoding *enc_out,
               struct tl_error *err);

#endif /* TALAASH_ENCODING_H */
