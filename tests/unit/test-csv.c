/* test-csv.c - the CSV writer, read back byte for byte and by Python. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "../../query/out_csv.h"

/* ---- a temporary file to write to -------------------------------------- */

struct tmp {
    char path[64];
    FILE *f;
};

static void
tmp_open(struct tmp *t)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(t->path, sizeof t->path, "%s/test-csv-XXXXXX",
             dir != NULL && dir[0] != '\0' && strlen(dir) < 40 ? dir : "/tmp");
    fd = mkstemp(t->path);
    ck_assert_int_ge(fd, 0);
    t->f = fdopen(fd, "w+b");
    ck_assert_ptr_nonnull(t->f);
}

/* What was written, NUL-terminated (static buffer); *len_out its size. */
static const char *
tmp_contents(struct tmp *t, size_t *len_out)
{
    static char buf[1 << 16];
    size_t n;

    ck_assert_int_eq(fflush(t->f), 0);
    rewind(t->f);
    n = fread(buf, 1, sizeof buf - 1, t->f);
    ck_assert(!ferror(t->f));
    buf[n] = '\0';
    if (len_out != NULL)
        *len_out = n;
    return buf;
}

static void
tmp_close(struct tmp *t)
{
    fclose(t->f);
    unlink(t->path);
}

/* One row of text fields, as the writer writes it (static buffer). */
static const char *
row_n(const char *const *fields, const size_t *lens, size_t n)
{
    static char out[4096];
    struct csv_writer w;
    struct tmp t;
    const char *text;
    size_t len;

    tmp_open(&t);
    csv_writer_init(&w, t.f);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(csv_field(&w, fields[i], lens[i]), 0);
    ck_assert_int_eq(csv_end_row(&w), 0);
    text = tmp_contents(&t, &len);
    ck_assert_uint_lt(len, sizeof out);
    memcpy(out, text, len + 1);
    ck_assert_uint_eq(strlen(out), len);    /* never a NUL */
    tmp_close(&t);
    return out;
}

/* The row of one field, a string literal (may hold NUL bytes). */
#define FIELD(lit) row_n((const char *[]){ lit }, \
                         (const size_t[]){ sizeof lit - 1 }, 1)

/* ---- exact output -------------------------------------------------------- */

START_TEST(test_plain_fields_are_not_quoted)
{
    ck_assert_str_eq(FIELD("water talks"), "water talks\r\n");
    ck_assert_str_eq(row_n((const char *[]){ "a", "b c", "d" },
                           (const size_t[]){ 1, 3, 1 }, 3),
                     "a,b c,d\r\n");
}
END_TEST

START_TEST(test_special_characters_are_quoted)
{
    ck_assert_str_eq(FIELD("a,b"), "\"a,b\"\r\n");
    ck_assert_str_eq(FIELD("say \"no\""), "\"say \"\"no\"\"\"\r\n");
    ck_assert_str_eq(FIELD("\""), "\"\"\"\"\r\n");
    ck_assert_str_eq(FIELD("line\nbreak"), "\"line\nbreak\"\r\n");
    ck_assert_str_eq(FIELD("cr\rhere"), "\"cr\rhere\"\r\n");
    ck_assert_str_eq(FIELD("crlf\r\n"), "\"crlf\r\n\"\r\n");
}
END_TEST

START_TEST(test_tab_and_spaces_need_no_quotes)
{
    ck_assert_str_eq(FIELD("a\tb"), "a\tb\r\n");
    ck_assert_str_eq(FIELD("  padded  "), "  padded  \r\n");
}
END_TEST

START_TEST(test_formula_characters_get_a_prefix)
{
    ck_assert_str_eq(FIELD("=SUM(A1:A9)"), "'=SUM(A1:A9)\r\n");
    ck_assert_str_eq(FIELD("+92 300"), "'+92 300\r\n");
    ck_assert_str_eq(FIELD("-5"), "'-5\r\n");
    ck_assert_str_eq(FIELD("@cmd"), "'@cmd\r\n");
    ck_assert_str_eq(FIELD("\tx"), "'\tx\r\n");
    ck_assert_str_eq(FIELD("\r=x"), "\"'\r=x\"\r\n");
    ck_assert_str_eq(FIELD("=1,2"), "\"'=1,2\"\r\n");
}
END_TEST

START_TEST(test_formula_characters_later_are_left_alone)
{
    ck_assert_str_eq(FIELD("a=b"), "a=b\r\n");
    ck_assert_str_eq(FIELD(" =1"), " =1\r\n");
    ck_assert_str_eq(FIELD("x-y@z+1"), "x-y@z+1\r\n");
}
END_TEST

START_TEST(test_prefix_looks_past_removed_characters)
{
    ck_assert_str_eq(FIELD("\x01=cmd"), "'=cmd\r\n");
    ck_assert_str_eq(FIELD("\x02=cmd\x03"), "'=cmd\r\n");
    ck_assert_str_eq(FIELD("\0-1"), "'-1\r\n");
}
END_TEST

START_TEST(test_control_characters_are_removed)
{
    ck_assert_str_eq(FIELD("a\0b\x01" "c\x1b" "d\x7f" "e"), "abcde\r\n");
    ck_assert_str_eq(FIELD("c1\xc2\x80\xc2\x9f!"), "c1!\r\n");
    ck_assert_str_eq(FIELD("\x0b\x0c"), "\"\"\r\n");
}
END_TEST

START_TEST(test_marks_are_removed)
{
    ck_assert_str_eq(FIELD("the \x02water\x03 talks"), "the water talks\r\n");
}
END_TEST

START_TEST(test_invalid_utf8_becomes_replacement_character)
{
    ck_assert_str_eq(FIELD("a\xff" "b"), "a\xef\xbf\xbd" "b\r\n");
    ck_assert_str_eq(FIELD("\xe2\x80"), "\xef\xbf\xbd\r\n");
    ck_assert_str_eq(FIELD("\xc0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\r\n");
    ck_assert_str_eq(FIELD("\xed\xbf\xbf"),
                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\r\n");
    ck_assert_str_eq(FIELD("\xf4\x90\x80\x80"),
                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\r\n");
}
END_TEST

START_TEST(test_utf8_passes_through_without_bom)
{
    ck_assert_str_eq(FIELD("پاکستان — café 😀"), "پاکستان — café 😀\r\n");
    /* U+FEFF is dropped, so the file can never begin with a BOM */
    ck_assert_str_eq(FIELD("\xef\xbb\xbfx\xef\xbb\xbfy"), "xy\r\n");
    ck_assert_str_eq(FIELD("\xef\xbb\xbf=1"), "'=1\r\n");
}
END_TEST

START_TEST(test_lone_empty_field_is_quoted)
{
    ck_assert_str_eq(FIELD(""), "\"\"\r\n");
    ck_assert_str_eq(row_n((const char *[]){ "", "" },
                           (const size_t[]){ 0, 0 }, 2), ",\r\n");
    ck_assert_str_eq(row_n((const char *[]){ "a", "" },
                           (const size_t[]){ 1, 0 }, 2), "a,\r\n");
    ck_assert_str_eq(row_n((const char *[]){ NULL }, (const size_t[]){ 0 }, 1),
                     "\"\"\r\n");
}
END_TEST

START_TEST(test_input_is_not_read_past_its_length)
{
    char *p = malloc(3);
    struct csv_writer w;
    struct tmp t;

    ck_assert_ptr_nonnull(p);
    memcpy(p, "ab\xe2", 3);     /* a sequence cut by the end */
    tmp_open(&t);
    csv_writer_init(&w, t.f);
    ck_assert_int_eq(csv_field(&w, p, 3), 0);
    ck_assert_int_eq(csv_field(&w, p, 2), 0);
    ck_assert_int_eq(csv_end_row(&w), 0);
    ck_assert_str_eq(tmp_contents(&t, NULL), "ab\xef\xbf\xbd,ab\r\n");
    tmp_close(&t);
    free(p);
}
END_TEST

START_TEST(test_numbers_are_not_prefixed)
{
    struct csv_writer w;
    struct tmp t;

    tmp_open(&t);
    csv_writer_init(&w, t.f);
    ck_assert_int_eq(csv_field_int(&w, -5), 0);
    ck_assert_int_eq(csv_field_int(&w, 42), 0);
    ck_assert_int_eq(csv_field_int(&w, INT64_MIN), 0);
    ck_assert_int_eq(csv_field_double(&w, -1.5), 0);
    ck_assert_int_eq(csv_end_row(&w), 0);
    ck_assert_str_eq(tmp_contents(&t, NULL),
                     "-5,42,-9223372036854775808,-1.5000\r\n");
    tmp_close(&t);
}
END_TEST

START_TEST(test_doubles_have_four_decimals)
{
    struct csv_writer w;
    struct tmp t;

    tmp_open(&t);
    csv_writer_init(&w, t.f);
    csv_field_double(&w, 7.31);
    csv_field_double(&w, 3.14159265);
    csv_field_double(&w, 0.00004);
    csv_field_double(&w, -0.00004);
    csv_field_double(&w, 1e6);
    csv_field_double(&w, NAN);
    csv_field_double(&w, -INFINITY);
    ck_assert_int_eq(csv_end_row(&w), 0);
    ck_assert_str_eq(tmp_contents(&t, NULL),
                     "7.3100,3.1416,0.0000,0.0000,1000000.0000,,\r\n");
    tmp_close(&t);
}
END_TEST

START_TEST(test_mixed_row_and_several_rows)
{
    struct csv_writer w;
    struct tmp t;

    tmp_open(&t);
    csv_writer_init(&w, t.f);
    csv_field(&w, "rank", 4);
    csv_field(&w, "title", 5);
    csv_field(&w, "score", 5);
    ck_assert_int_eq(csv_end_row(&w), 0);
    csv_field_int(&w, 1);
    csv_field(&w, "Rivers, dams", 12);
    csv_field_double(&w, 2.5);
    ck_assert_int_eq(csv_end_row(&w), 0);
    ck_assert_int_eq(w.row_open, 0);
    ck_assert_str_eq(tmp_contents(&t, NULL),
                     "rank,title,score\r\n1,\"Rivers, dams\",2.5000\r\n");
    tmp_close(&t);
}
END_TEST

START_TEST(test_write_failure_is_reported)
{
    struct csv_writer w;
    FILE *f = fopen("/dev/full", "w");

    if (f == NULL)
        f = fopen("/dev/null", "r");    /* writes fail as well */
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IONBF, 0);
    csv_writer_init(&w, f);
    ck_assert_int_eq(csv_field(&w, "x", 1), 1);
    ck_assert_int_eq(csv_field_int(&w, 1), 1);
    ck_assert_int_eq(csv_end_row(&w), 1);
    fclose(f);
}
END_TEST

/* ---- read back by Python's csv module ------------------------------------ */

/* Reads the CSV file argv[1] (strict UTF-8, strict CSV) and prints each
 * row as "N:hex,hex,..." (the fields' UTF-8 in hex).  With argv[2], a
 * file of the raw input fields (a line per row, fields in hex, comma-
 * separated), it instead checks every field against the cleaning the
 * writer promises (controls removed, U+FFFD, the formula prefix) and
 * prints "ok ROWS" or the first difference. */
static const char py_script[] =
    "import csv, io, re, sys\n"
    "f = io.TextIOWrapper(open(sys.argv[1], 'rb'), encoding='utf-8',\n"
    "                     errors='strict', newline='')\n"
    "rows = list(csv.reader(f, strict=True))\n"
    "if len(sys.argv) == 2:\n"
    "    for r in rows:\n"
    "        print('%d:%s' % (len(r), ','.join(x.encode().hex() for x in r)))\n"
    "    sys.exit(0)\n"
    "ctl = re.compile(r'[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufeff]')\n"
    "def clean(b):\n"
    "    s = ctl.sub('', b.decode('utf-8', 'replace'))\n"
    "    return \"'\" + s if s[:1] in ('=', '+', '-', '@', '\\t', '\\r') else s\n"
    "raw = open(sys.argv[2]).read().split('\\n')[:-1]\n"
    "if len(raw) != len(rows):\n"
    "    print('%d rows, want %d' % (len(rows), len(raw))); sys.exit(0)\n"
    "for i, (line, r) in enumerate(zip(raw, rows)):\n"
    "    want = [clean(bytes.fromhex(h)) for h in line.split(',')]\n"
    "    if want != r:\n"
    "        print('row %d: %r, want %r' % (i, r, want)); sys.exit(0)\n"
    "print('ok %d' % len(rows))\n";

/* Runs the script on csv_path (and raw_path, or NULL); returns its
 * output (static buffer). */
static const char *
python_reads(const char *csv_path, const char *raw_path)
{
    static char out[1 << 16];
    char cmd[512];
    struct tmp script;
    FILE *p;
    size_t n;
    int rc;

    tmp_open(&script);
    ck_assert_uint_eq(fwrite(py_script, 1, sizeof py_script - 1, script.f),
                      sizeof py_script - 1);
    ck_assert_int_eq(fflush(script.f), 0);
    snprintf(cmd, sizeof cmd, "python3 %s %s %s", script.path, csv_path,
             raw_path != NULL ? raw_path : "");
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    rc = pclose(p);
    tmp_close(&script);
    ck_assert_msg(rc == 0, "python3 failed (%d): %s", rc, out);
    return out;
}

static void
append_str(char *dst, size_t cap, const char *s)
{
    size_t len = strlen(dst), n = strlen(s);

    ck_assert_uint_lt(len + n, cap);
    memcpy(dst + len, s, n + 1);
}

static void
append_hex(char *dst, size_t cap, const char *s, size_t n)
{
    size_t len = strlen(dst);

    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_lt(len + 3, cap);
        snprintf(dst + len, 3, "%02x", (unsigned char)s[i]);
        len += 2;
    }
}

START_TEST(test_python_reads_tricky_fields_back)
{
    static const struct { const char *in; size_t n; const char *want; } f[] = {
#define F(in, want) { in, sizeof in - 1, want }
        F("plain", "plain"),
        F("a,b,c", "a,b,c"),
        F("say \"hi\", then go", "say \"hi\", then go"),
        F("two\nlines\r\nand\rmore", "two\nlines\r\nand\rmore"),
        F("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        F("-2+3", "'-2+3"),
        F("@SUM(1)", "'@SUM(1)"),
        F("+1", "'+1"),
        F("\t\"tab\"", "'\t\"tab\""),
        F("پاکستان, भारत", "پاکستان, भारत"),
        F("bad \xff\xfe bytes", "bad \xef\xbf\xbd\xef\xbf\xbd bytes"),
        F("nul\0and\x02mark\x03", "nulandmark"),
        F("", ""),
        F("\"", "\""),
        F("'already", "'already"),
#undef F
    };
    size_t n = sizeof f / sizeof f[0];
    char want[8192];
    struct csv_writer w;
    struct tmp t;

    tmp_open(&t);
    csv_writer_init(&w, t.f);
    /* one row of all the fields, then a row per field */
    for (size_t i = 0; i < n; i++)
        csv_field(&w, f[i].in, f[i].n);
    csv_end_row(&w);
    snprintf(want, sizeof want, "%zu:", n);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            append_str(want, sizeof want, ",");
        append_hex(want, sizeof want, f[i].want, strlen(f[i].want));
    }
    append_str(want, sizeof want, "\n");
    for (size_t i = 0; i < n; i++) {
        csv_field(&w, f[i].in, f[i].n);
        csv_end_row(&w);
        append_str(want, sizeof want, "1:");
        append_hex(want, sizeof want, f[i].want, strlen(f[i].want));
        append_str(want, sizeof want, "\n");
    }
    csv_field_int(&w, -7);
    csv_field_double(&w, -0.5);
    ck_assert_int_eq(csv_end_row(&w), 0);
    append_str(want, sizeof want, "2:2d37,2d302e35303030\n");    /* "-7", "-0.5000" */
    ck_assert_int_eq(fflush(t.f), 0);
    ck_assert_str_eq(python_reads(t.path, NULL), want);
    tmp_close(&t);
}
END_TEST

/* xorshift32 with a fixed seed: failures reproduce. */
static uint32_t
rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

START_TEST(test_random_bytes_read_back_as_promised)
{
    static const char specials[] = ",\"\r\n\t=+-@' \x02\x03\x7f";
    static const char *const utf8[] = { "é", "—", "ک", "😀", "\xc2\x85",
                                        "\xef\xbb\xbf" };
    uint32_t seed = 0xc0ffee11;
    struct csv_writer w;
    struct tmp t, raw;
    const char *out;
    size_t len;
    char want[32];
    int rows = 500;

    tmp_open(&t);
    tmp_open(&raw);
    csv_writer_init(&w, t.f);
    for (int r = 0; r < rows; r++) {
        unsigned n_fields = 1 + rnd(&seed) % 5;

        for (unsigned k = 0; k < n_fields; k++) {
            char field[128];
            size_t n = 0, want_n = rnd(&seed) % 24;

            while (n < want_n) {
                uint32_t x = rnd(&seed);
                const char *u;

                switch (x % 4) {
                case 0:
                    field[n++] = specials[(x >> 8) % (sizeof specials - 1)];
                    break;
                case 1:
                    field[n++] = (char)(x >> 8);    /* any byte */
                    break;
                case 2:
                    field[n++] = (char)('a' + (x >> 8) % 26);
                    break;
                default:
                    u = utf8[(x >> 8) % (sizeof utf8 / sizeof utf8[0])];
                    memcpy(field + n, u, strlen(u));
                    n += strlen(u);
                }
            }
            csv_field(&w, field, n);
            if (k > 0)
                fputc(',', raw.f);
            for (size_t i = 0; i < n; i++)
                fprintf(raw.f, "%02x", (unsigned char)field[i]);
        }
        ck_assert_int_eq(csv_end_row(&w), 0);
        fputc('\n', raw.f);
    }
    ck_assert_int_eq(fflush(raw.f), 0);
    /* no control character but TAB, CR and LF in the file */
    out = tmp_contents(&t, &len);
    ck_assert_uint_lt(len, (size_t)1 << 16);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        ck_assert_msg(c >= 0x20 ? c != 0x7f : c == '\t' || c == '\r'
                      || c == '\n', "control 0x%02x at %zu", c, i);
    }
    snprintf(want, sizeof want, "ok %d\n", rows);
    ck_assert_str_eq(python_reads(t.path, raw.path), want);
    tmp_close(&raw);
    tmp_close(&t);
}
END_TEST

Suite *
csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("fields");

    tcase_add_test(tc, test_plain_fields_are_not_quoted);
    tcase_add_test(tc, test_special_characters_are_quoted);
    tcase_add_test(tc, test_tab_and_spaces_need_no_quotes);
    tcase_add_test(tc, test_formula_characters_get_a_prefix);
    tcase_add_test(tc, test_formula_characters_later_are_left_alone);
    tcase_add_test(tc, test_prefix_looks_past_removed_characters);
    tcase_add_test(tc, test_control_characters_are_removed);
    tcase_add_test(tc, test_marks_are_removed);
    tcase_add_test(tc, test_invalid_utf8_becomes_replacement_character);
    tcase_add_test(tc, test_utf8_passes_through_without_bom);
    tcase_add_test(tc, test_lone_empty_field_is_quoted);
    tcase_add_test(tc, test_input_is_not_read_past_its_length);
    tcase_add_test(tc, test_numbers_are_not_prefixed);
    tcase_add_test(tc, test_doubles_have_four_decimals);
    tcase_add_test(tc, test_mixed_row_and_several_rows);
    tcase_add_test(tc, test_write_failure_is_reported);
    suite_add_tcase(s, tc);

    tc = tcase_create("python");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_python_reads_tricky_fields_back);
    tcase_add_test(tc, test_random_bytes_read_back_as_promised);
    suite_add_tcase(s, tc);
    return s;
}
