/* test-encoding.c - text or binary, UTF-8 validation, cp1252, offsets. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "encoding.h"

/* A heap copy of s[0..n) with no terminator, so that AddressSanitizer
 * catches any read past the end. */
static char *
exact(const char *s, size_t n)
{
    char *p = malloc(n != 0 ? n : 1);

    ck_assert_ptr_nonnull(p);
    memcpy(p, s, n);
    return p;
}

static int
valid(const char *s, size_t n)
{
    char *p = exact(s, n);
    int v = tl_utf8_valid(p, n);

    free(p);
    return v;
}

#define VALID(lit) valid(lit, sizeof lit - 1)

static const char *
refusal(const char *s, size_t n)
{
    char *p = exact(s, n);
    const char *r = tl_text_refusal(p, n);

    free(p);
    return r;
}

#define REFUSAL(lit) refusal(lit, sizeof lit - 1)

/* The decoded text of s[0..n) (static buffer); its encoding in *enc. */
static const char *
decode(const char *s, size_t n, enum tl_encoding *enc)
{
    static char text[1024];
    struct tl_buf out;
    struct tl_error err = { 0 };
    char *p = exact(s, n);

    tl_buf_init(&out, 0);
    ck_assert_int_eq(tl_text_decode(p, n, &out, NULL, enc, &err), TL_OK);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_uint_eq(strlen(out.data), out.len);
    ck_assert_uint_lt(out.len, sizeof text);
    memcpy(text, out.data, out.len + 1);
    tl_buf_release(&out);
    free(p);
    return text;
}

#define DECODE(lit, enc) decode(lit, sizeof lit - 1, enc)

/* ---- UTF-8 validation ------------------------------------------------ */

START_TEST(test_utf8_accepts_well_formed_text)
{
    ck_assert(VALID(""));
    ck_assert(VALID("plain ascii, with\ttabs\nand lines"));
    ck_assert(VALID("caf\xc3\xa9"));                    /* é, 2 bytes */
    ck_assert(VALID("\xe2\x80\x99"));                   /* ’, 3 bytes */
    ck_assert(VALID("\xf0\x9f\x98\x80 grin"));          /* emoji, 4 bytes */
    ck_assert(VALID("\xc2\x80"));                       /* U+0080 */
    ck_assert(VALID("\xe0\xa0\x80"));                   /* U+0800 */
    ck_assert(VALID("\xed\x9f\xbf"));                   /* U+D7FF */
    ck_assert(VALID("\xee\x80\x80"));                   /* U+E000 */
    ck_assert(VALID("\xf0\x90\x80\x80"));               /* U+10000 */
    ck_assert(VALID("\xf4\x8f\xbf\xbf"));               /* U+10FFFF */
    ck_assert(VALID("a\0b"));                           /* NUL is UTF-8 */
}
END_TEST

START_TEST(test_utf8_rejects_overlong_forms)
{
    ck_assert(!VALID("\xc0\xaf"));                      /* '/' in 2 */
    ck_assert(!VALID("\xc1\xbf"));
    ck_assert(!VALID("\xe0\x80\xaf"));                  /* '/' in 3 */
    ck_assert(!VALID("\xe0\x9f\xbf"));                  /* U+07FF in 3 */
    ck_assert(!VALID("\xf0\x80\x80\xaf"));              /* '/' in 4 */
    ck_assert(!VALID("\xf0\x8f\xbf\xbf"));              /* U+FFFF in 4 */
}
END_TEST

START_TEST(test_utf8_rejects_surrogates_and_beyond_max)
{
    ck_assert(!VALID("\xed\xa0\x80"));                  /* U+D800 */
    ck_assert(!VALID("\xed\xbf\xbf"));                  /* U+DFFF */
    ck_assert(!VALID("\xf4\x90\x80\x80"));              /* U+110000 */
    ck_assert(!VALID("\xf5\x80\x80\x80"));
    ck_assert(!VALID("\xf8\x88\x80\x80\x80"));
    ck_assert(!VALID("\xff"));
    ck_assert(!VALID("\xfe"));
}
END_TEST

START_TEST(test_utf8_rejects_stray_and_missing_continuations)
{
    ck_assert(!VALID("\x80"));
    ck_assert(!VALID("ab\xbf" "cd"));
    ck_assert(!VALID("\xc3" "a"));                      /* lead + ASCII */
    ck_assert(!VALID("\xe2\x80" "a"));
    ck_assert(!VALID("\xf0\x9f\x98" "a"));
    ck_assert(!VALID("caf\xe9 au lait"));               /* Latin-1 é */
}
END_TEST

START_TEST(test_utf8_rejects_sequences_cut_at_the_end)
{
    ck_assert(!VALID("end\xc3"));
    ck_assert(!VALID("end\xe2\x80"));
    ck_assert(!VALID("end\xf0\x9f\x98"));
    ck_assert(!VALID("\xf0"));
    /* the same bytes, complete, are fine */
    ck_assert(VALID("end\xf0\x9f\x98\x80"));
}
END_TEST

START_TEST(test_utf8_checks_bytes_after_an_ascii_block)
{
    /* the 8-byte fast path must hand over to the byte loop exactly */
    ck_assert(VALID("12345678\xc3\xa9"));
    ck_assert(!VALID("12345678\xc3"));
    ck_assert(!VALID("1234567\xc3\xa9\xff"));
    ck_assert(!VALID("1234567812345678\x80"));
}
END_TEST

/* ---- refusals -------------------------------------------------------- */

START_TEST(test_refuses_empty_and_blank_files)
{
    ck_assert_str_eq(refusal("", 0), "empty file");
    ck_assert_str_eq(REFUSAL(" \t\r\n\n\f\v "), "empty file");
    ck_assert_str_eq(REFUSAL("\xef\xbb\xbf\n\n"), "empty file");
    ck_assert_str_eq(REFUSAL("\xef\xbb\xbf"), "empty file");
    ck_assert_ptr_null(REFUSAL("\n\n  x  \n"));
    ck_assert_ptr_null(REFUSAL("x"));
}
END_TEST

START_TEST(test_refuses_known_binary_formats_by_magic_number)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *reason;
    } cases[] = {
#define CASE(lit, reason) { lit, sizeof lit - 1, reason }
        CASE("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary file (PDF)"),
        CASE("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary file (PNG image)"),
        CASE("\xff\xd8\xff\xe0\0\x10JFIF", "binary file (JPEG image)"),
        CASE("GIF87a\x01\0\x01\0", "binary file (GIF image)"),
        CASE("GIF89a\x01\0\x01\0", "binary file (GIF image)"),
        CASE("PK\x03\x04\x14\0\x06\0", "binary file (ZIP archive)"),
        CASE("\x1f\x8b\x08\0\0\0\0\0", "binary file (gzip archive)"),
        CASE("BZh91AY&SY\x12\x34", "binary file (bzip2 archive)"),
        CASE("BZh9\x17\x72\x45\x38\x50\x90\0\0\0\0",
             "binary file (bzip2 archive)"),
        CASE("\xfd" "7zXZ\0\0\x04", "binary file (xz archive)"),
        CASE("7z\xbc\xaf\x27\x1c\0\x04", "binary file (7z archive)"),
        CASE("\x7f" "ELF\x02\x01\x01", "binary file (ELF executable)"),
        CASE("SQLite format 3\0\x10\0", "binary file (SQLite database)"),
        CASE("Rar!\x1a\x07\x00\xcf", "binary file (RAR archive)"),
        CASE("Rar!\x1a\x07\x01\x00", "binary file (RAR archive)"),
        CASE("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0",
             "binary file (MS Office document)"),
        CASE("RIFF\x24\x08\0\0WEBPVP8 ", "binary file (WebP image)"),
        CASE("ID3\x04\0\0\0\0\x01\x76TIT2", "binary file (MP3 audio)"),
        CASE("\0\0\0\x20" "ftypisom\0\0\x02\0", "binary file (MP4 video)"),
        CASE("\xff\xfeh\0i\0", "UTF-16 text (not supported)"),
        CASE("\xfe\xff\0h\0i", "UTF-16 text (not supported)"),
#undef CASE
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *r = refusal(cases[i].bytes, cases[i].len);

        ck_assert_msg(r != NULL && strcmp(r, cases[i].reason) == 0,
                      "case %zu: got '%s', want '%s'", i,
                      r != NULL ? r : "(null)", cases[i].reason);
    }
}
END_TEST

START_TEST(test_text_starting_like_a_magic_number_is_not_refused)
{
    /* printable signatures are checked with the bytes that follow */
    ck_assert_ptr_null(REFUSAL("BZhang Wei said on Tuesday that"));
    ck_assert_ptr_null(REFUSAL("BZh9 is a bzip2 header"));
    ck_assert_ptr_null(REFUSAL("ID3 tags hold the artist's name"));
    ck_assert_ptr_null(REFUSAL("RIFF raff and the WEBP format"));
    ck_assert_ptr_null(REFUSAL("abcdftyp is not a box"));
    ck_assert_ptr_null(REFUSAL("PDF files are everywhere"));
    /* a magic number cut short is not one */
    ck_assert_ptr_null(REFUSAL("%PDF"));
    ck_assert_ptr_null(REFUSAL("GIF8"));
}
END_TEST

START_TEST(test_refuses_nul_bytes_in_the_first_8_kib_only)
{
    size_t n = TL_TEXT_SNIFF_BYTES + 100;
    char *p = malloc(n);

    ck_assert_ptr_nonnull(p);
    memset(p, 'a', n);
    p[TL_TEXT_SNIFF_BYTES - 1] = '\0';
    ck_assert_str_eq(tl_text_refusal(p, n), "binary file (NUL bytes)");
    p[TL_TEXT_SNIFF_BYTES - 1] = 'a';
    p[TL_TEXT_SNIFF_BYTES] = '\0';
    ck_assert_ptr_null(tl_text_refusal(p, n));
    free(p);
    ck_assert_str_eq(refusal("text\0more", 9), "binary file (NUL bytes)");
    ck_assert_str_eq(refusal("\0", 1), "binary file (NUL bytes)");
}
END_TEST

START_TEST(test_plain_text_is_not_refused)
{
    ck_assert_ptr_null(REFUSAL("Talks resumed in Geneva.\n"));
    ck_assert_ptr_null(REFUSAL("caf\xe9\r\n"));         /* cp1252 text */
    ck_assert_ptr_null(REFUSAL("\xef\xbb\xbfwith a BOM"));
}
END_TEST

/* ---- decoding -------------------------------------------------------- */

START_TEST(test_utf8_is_copied_unchanged)
{
    enum tl_encoding enc = TL_ENC_CP1252;

    ck_assert_str_eq(DECODE("na\xc3\xafve \xf0\x9f\x98\x80\n", &enc),
                     "na\xc3\xafve \xf0\x9f\x98\x80\n");
    ck_assert_int_eq(enc, TL_ENC_UTF8);
    ck_assert_str_eq(DECODE("", &enc), "");
    ck_assert_int_eq(enc, TL_ENC_UTF8);
}
END_TEST

START_TEST(test_utf8_bom_is_stripped)
{
    enum tl_encoding enc = TL_ENC_UTF8;

    ck_assert_str_eq(DECODE("\xef\xbb\xbfTitle\n", &enc), "Title\n");
    ck_assert_int_eq(enc, TL_ENC_UTF8_BOM);
    ck_assert_str_eq(DECODE("\xef\xbb\xbf", &enc), "");
    ck_assert_int_eq(enc, TL_ENC_UTF8_BOM);
    /* only a leading BOM is one; later U+FEFF is text */
    ck_assert_str_eq(DECODE("a\xef\xbb\xbf", &enc), "a\xef\xbb\xbf");
    ck_assert_int_eq(enc, TL_ENC_UTF8);
}
END_TEST

START_TEST(test_crlf_and_lone_cr_become_lf)
{
    enum tl_encoding enc;

    ck_assert_str_eq(DECODE("one\r\ntwo\r\n", &enc), "one\ntwo\n");
    ck_assert_str_eq(DECODE("one\rtwo\r", &enc), "one\ntwo\n");
    ck_assert_str_eq(DECODE("a\r\r\nb\n\rc", &enc), "a\n\nb\n\nc");
    ck_assert_str_eq(DECODE("\r", &enc), "\n");
    ck_assert_str_eq(DECODE("\r\n\r\n", &enc), "\n\n");
    ck_assert_int_eq(enc, TL_ENC_UTF8);
    /* the same in the cp1252 path */
    ck_assert_str_eq(DECODE("caf\xe9\r\nbar\r", &enc),
                     "caf\xc3\xa9\nbar\n");
    ck_assert_int_eq(enc, TL_ENC_CP1252);
}
END_TEST

START_TEST(test_cp1252_letters_and_punctuation)
{
    enum tl_encoding enc = TL_ENC_UTF8;

    ck_assert_str_eq(DECODE("caf\xe9", &enc), "caf\xc3\xa9");
    ck_assert_int_eq(enc, TL_ENC_CP1252);
    ck_assert_str_eq(DECODE("it\x92s", &enc), "it\xe2\x80\x99s");
    ck_assert_str_eq(DECODE("\x93quoted\x94", &enc),
                     "\xe2\x80\x9cquoted\xe2\x80\x9d");
    ck_assert_str_eq(DECODE("\x80" "5", &enc), "\xe2\x82\xac" "5");
    ck_assert_str_eq(DECODE("a\x96" "b\x97" "c\x85", &enc),
                     "a\xe2\x80\x93" "b\xe2\x80\x94" "c\xe2\x80\xa6");
    ck_assert_str_eq(DECODE("\x8a\x9f\x83", &enc), "\xc5\xa0\xc5\xb8\xc6\x92");
    ck_assert_str_eq(DECODE("\xa0\xff", &enc), "\xc2\xa0\xc3\xbf");
}
END_TEST

START_TEST(test_cp1252_undefined_bytes_become_replacement_characters)
{
    enum tl_encoding enc;

    ck_assert_str_eq(DECODE("\x81\x8d\x8f\x90\x9d", &enc),
                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                     "\xef\xbf\xbd");
    ck_assert_int_eq(enc, TL_ENC_CP1252);
}
END_TEST

START_TEST(test_one_bad_byte_makes_the_whole_file_cp1252)
{
    enum tl_encoding enc;

    /* Mostly UTF-8 with one stray cp1252 byte: the whole file is decoded
     * as cp1252, so the UTF-8 é comes out as two characters (Ã©).  Mixed
     * files are rare, and cp1252 decoding never fails; guessing per
     * character would be wrong as often as right. */
    ck_assert_str_eq(DECODE("caf\xc3\xa9 \x93x\x94", &enc),
                     "caf\xc3\x83\xc2\xa9 \xe2\x80\x9cx\xe2\x80\x9d");
    ck_assert_int_eq(enc, TL_ENC_CP1252);
}
END_TEST

START_TEST(test_bom_with_invalid_rest_is_cp1252_without_the_bom)
{
    enum tl_encoding enc;

    ck_assert_str_eq(DECODE("\xef\xbb\xbf" "caf\xe9", &enc), "caf\xc3\xa9");
    ck_assert_int_eq(enc, TL_ENC_CP1252);
}
END_TEST

START_TEST(test_decode_appends_to_existing_text)
{
    struct tl_buf out;
    struct tl_error err = { 0 };
    struct tl_offset_map map;

    tl_buf_init(&out, 0);
    tl_offset_map_init(&map);
    ck_assert_int_eq(tl_buf_append(&out, "head:", 5), TL_OK);
    ck_assert_int_eq(tl_text_decode("a\r\nb", 4, &out, &map, NULL, &err),
                     TL_OK);
    ck_assert_str_eq(out.data, "head:a\nb");
    /* offsets count from where this call started appending */
    ck_assert_uint_eq(tl_offset_map_orig(&map, 2), 3);
    tl_offset_map_release(&map);
    tl_buf_release(&out);
}
END_TEST

START_TEST(test_decode_reports_the_buffer_cap)
{
    struct tl_buf out;
    struct tl_error err = { 0 };
    struct tl_offset_map map;

    tl_buf_init(&out, 4);
    tl_offset_map_init(&map);
    ck_assert_int_eq(tl_text_decode("caf\xe9!", 5, &out, &map, NULL, &err),
                     TL_ERR_NOMEM);
    ck_assert_int_eq(err.code, TL_ERR_NOMEM);
    ck_assert_ptr_nonnull(strstr(err.msg, "out of memory"));
    ck_assert_uint_eq(map.n, 0);
    tl_offset_map_release(&map);
    tl_buf_release(&out);
}
END_TEST

/* ---- offset map ------------------------------------------------------ */

struct mapped {
    struct tl_buf out;
    struct tl_offset_map map;
    enum tl_encoding enc;
};

static void
decode_map(struct mapped *m, const char *s, size_t n)
{
    struct tl_error err = { 0 };
    char *p = exact(s, n);

    tl_buf_init(&m->out, 0);
    tl_offset_map_init(&m->map);
    ck_assert_int_eq(tl_text_decode(p, n, &m->out, &m->map, &m->enc, &err),
                     TL_OK);
    free(p);
}

static void
mapped_release(struct mapped *m)
{
    tl_buf_release(&m->out);
    tl_offset_map_release(&m->map);
}

#define DECODE_MAP(m, lit) decode_map(m, lit, sizeof lit - 1)

START_TEST(test_unchanged_text_has_an_empty_identity_map)
{
    struct mapped m;

    DECODE_MAP(&m, "one\ntwo \xe2\x80\x99 three\rfour");  /* lone CR too */
    ck_assert_uint_eq(m.map.n, 0);
    for (size_t i = 0; i <= m.out.len; i++)
        ck_assert_uint_eq(tl_offset_map_orig(&m.map, i), i);
    ck_assert_uint_eq(tl_offset_map_orig(NULL, 42), 42);
    mapped_release(&m);
}
END_TEST

START_TEST(test_map_accounts_for_the_bom)
{
    struct mapped m;

    DECODE_MAP(&m, "\xef\xbb\xbfHi there");
    ck_assert_str_eq(m.out.data, "Hi there");
    ck_assert_uint_eq(m.map.n, 1);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 0), 3);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 3), 6);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, m.out.len), 11);
    mapped_release(&m);
}
END_TEST

START_TEST(test_map_accounts_for_crlf)
{
    struct mapped m;

    /* file: a b \r \n c d \r \n e     decoded: a b \n c d \n e */
    DECODE_MAP(&m, "ab\r\ncd\r\ne");
    ck_assert_str_eq(m.out.data, "ab\ncd\ne");
    ck_assert_uint_eq(m.map.n, 2);         /* one point per CRLF */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 0), 0);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 2), 2);   /* LF -> CR */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 3), 4);   /* c */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 4), 5);   /* d */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 5), 6);   /* LF -> CR */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 6), 8);   /* e */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 7), 9);   /* end */
    mapped_release(&m);
}
END_TEST

START_TEST(test_map_accounts_for_cp1252_widening)
{
    struct mapped m;

    /* file: c a f é(1 byte) ' ' €(1) x      decoded: é is 2, € is 3 */
    DECODE_MAP(&m, "caf\xe9 \x80x");
    ck_assert_str_eq(m.out.data, "caf\xc3\xa9 \xe2\x82\xacx");
    ck_assert_int_eq(m.enc, TL_ENC_CP1252);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 2), 2);   /* f */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 3), 3);   /* é */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 4), 3);   /* inside é */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 5), 4);   /* ' ' */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 6), 5);   /* € */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 7), 5);   /* inside € */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 8), 5);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 9), 6);   /* x */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 10), 7);  /* end */
    mapped_release(&m);
}
END_TEST

START_TEST(test_map_accounts_for_everything_together)
{
    struct mapped m;
    /* BOM, cp1252 at the very start, CRLF, adjacent widened bytes */
    static const char file[] = "\xef\xbb\xbf\x93hi\x94\r\n\xe9\xe9!";
    size_t n = sizeof file - 1;

    decode_map(&m, file, n);
    ck_assert_str_eq(m.out.data, "\xe2\x80\x9chi\xe2\x80\x9d\n"
                                 "\xc3\xa9\xc3\xa9!");
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 0), 3);   /* “ */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 2), 3);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 3), 4);   /* h */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 5), 6);   /* ” */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 8), 7);   /* LF -> CR */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 9), 9);   /* é */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 10), 9);
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 11), 10); /* é */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, 13), 11); /* ! */
    ck_assert_uint_eq(tl_offset_map_orig(&m.map, m.out.len), n);
    mapped_release(&m);
}
END_TEST

START_TEST(test_map_points_back_to_the_same_words)
{
    struct mapped m;
    static const char file[] = "\xef\xbb\xbfThe \x93" "caf\xe9\x94\r\n"
                               "re\xadopened \x96 on Monday\r\n";
    /* every ASCII letter of the decoded text maps to the same letter */
    decode_map(&m, file, sizeof file - 1);
    for (size_t i = 0; i < m.out.len; i++) {
        unsigned char c = (unsigned char)m.out.data[i];
        size_t o = tl_offset_map_orig(&m.map, i);

        ck_assert_uint_lt(o, sizeof file - 1);
        if (c < 0x80 && c != '\n')
            ck_assert_int_eq(file[o], (char)c);
        if (c == '\n')
            ck_assert_int_eq(file[o], '\r');
    }
    mapped_release(&m);
}
END_TEST

/* ---- size ------------------------------------------------------------ */


START_TEST(test_ten_megabytes_decode_quickly)
{
    static const char utf8_line[] = "Talks on the \xe2\x80\x9c" "deal\xe2\x80\x9d"
                                    " resumed in Gen\xc3\xa8" "ve.\r\n";
    size_t n = (size_t)10 << 20, unit = sizeof utf8_line - 1, i;
    char *p = malloc(n);
    struct tl_buf out;
    struct tl_offset_map map;
    struct tl_error err = { 0 };
    enum tl_encoding enc;

    ck_assert_ptr_nonnull(p);
    for (i = 0; i + unit <= n; i += unit)
        memcpy(p + i, utf8_line, unit);
    memset(p + i, 'x', n - i);
    tl_buf_init(&out, 0);
    tl_offset_map_init(&map);

    ck_assert_ptr_null(tl_text_refusal(p, n));
    ck_assert_int_eq(tl_text_decode(p, n, &out, &map, &enc, &err), TL_OK);
    ck_assert_int_eq(enc, TL_ENC_UTF8);
    ck_assert_uint_eq(out.len, n - n / unit);       /* one CR per line */
    ck_assert_uint_eq(tl_offset_map_orig(&map, out.len), n);

    /* the same bytes with one cp1252 byte (at a line start, where it
     * cannot complete a UTF-8 sequence): the slow path */
    p[n / 2 - n / 2 % unit] = '\x93';
    tl_buf_reset(&out);
    ck_assert_int_eq(tl_text_decode(p, n, &out, &map, &enc, &err), TL_OK);
    ck_assert_int_eq(enc, TL_ENC_CP1252);
    ck_assert_uint_eq(tl_offset_map_orig(&map, out.len), n);

    tl_offset_map_release(&map);
    tl_buf_release(&out);
    free(p);
}
END_TEST

Suite *
encoding_suite(void)
{
    Suite *s = suite_create("encoding");
    TCase *tc;

    tc = tcase_create("utf8");
    tcase_add_test(tc, test_utf8_accepts_well_formed_text);
    tcase_add_test(tc, test_utf8_rejects_overlong_forms);
    tcase_add_test(tc, test_utf8_rejects_surrogates_and_beyond_max);
    tcase_add_test(tc, test_utf8_rejects_stray_and_missing_continuations);
    tcase_add_test(tc, test_utf8_rejects_sequences_cut_at_the_end);
    tcase_add_test(tc, test_utf8_checks_bytes_after_an_ascii_block);
    suite_add_tcase(s, tc);

    tc = tcase_create("refusal");
    tcase_add_test(tc, test_refuses_empty_and_blank_files);
    tcase_add_test(tc, test_refuses_known_binary_formats_by_magic_number);
    tcase_add_test(tc, test_text_starting_like_a_magic_number_is_not_refused);
    tcase_add_test(tc, test_refuses_nul_bytes_in_the_first_8_kib_only);
    tcase_add_test(tc, test_plain_text_is_not_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("decode");
    tcase_add_test(tc, test_utf8_is_copied_unchanged);
    tcase_add_test(tc, test_utf8_bom_is_stripped);
    tcase_add_test(tc, test_crlf_and_lone_cr_become_lf);
    tcase_add_test(tc, test_cp1252_letters_and_punctuation);
    tcase_add_test(tc, test_cp1252_undefined_bytes_become_replacement_characters);
    tcase_add_test(tc, test_one_bad_byte_makes_the_whole_file_cp1252);
    tcase_add_test(tc, test_bom_with_invalid_rest_is_cp1252_without_the_bom);
    tcase_add_test(tc, test_decode_appends_to_existing_text);
    tcase_add_test(tc, test_decode_reports_the_buffer_cap);
    suite_add_tcase(s, tc);

    tc = tcase_create("offsets");
    tcase_add_test(tc, test_unchanged_text_has_an_empty_identity_map);
    tcase_add_test(tc, test_map_accounts_for_the_bom);
    tcase_add_test(tc, test_map_accounts_for_crlf);
    tcase_add_test(tc, test_map_accounts_for_cp1252_widening);
    tcase_add_test(tc, test_map_accounts_for_everything_together);
    tcase_add_test(tc, test_map_points_back_to_the_same_words);
    suite_add_tcase(s, tc);

    tc = tcase_create("size");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_ten_megabytes_decode_quickly);
    suite_add_tcase(s, tc);
    return s;
}
