/* test-json.c - the JSON Lines writer: exact output, a strict validator,
 * and Python's json module reading random bytes back. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "encoding.h"
#include "../../query/out_json.h"

/* ---- capturing output ---------------------------------------------------- */

struct cap {
    char *data;
    size_t len;
    FILE *f;
    struct json_writer w;
};

static void
cap_open(struct cap *c)
{
    c->data = NULL;
    c->len = 0;
    c->f = open_memstream(&c->data, &c->len);
    ck_assert_ptr_nonnull(c->f);
    json_writer_init(&c->w, c->f);
}

/* What was written (valid until cap_close). */
static const char *
cap_text(struct cap *c)
{
    ck_assert_int_eq(fflush(c->f), 0);
    return c->data;
}

static void
cap_close(struct cap *c)
{
    fclose(c->f);
    free(c->data);
}

/* The line written for one string member "s" (static buffer). */
static const char *
string_member(const char *s, size_t n, int keep_marks)
{
    static char out[4096];
    char *in = malloc(n != 0 ? n : 1);  /* exact size: ASan sees overreads */
    struct cap c;

    ck_assert_ptr_nonnull(in);
    memcpy(in, s, n);
    cap_open(&c);
    c.w.keep_marks = keep_marks;
    ck_assert_int_eq(json_begin_object(&c.w), 0);
    ck_assert_int_eq(json_key_string(&c.w, "s", in, n), 0);
    ck_assert_int_eq(json_end_object(&c.w), 0);
    ck_assert_uint_lt(strlen(cap_text(&c)), sizeof out);
    memcpy(out, cap_text(&c), strlen(cap_text(&c)) + 1);
    cap_close(&c);
    free(in);
    return out;
}

#define STR(lit) string_member(lit, sizeof lit - 1, 0)
#define STR_KEEP(lit) string_member(lit, sizeof lit - 1, 1)

static const char *
double_member(double v)
{
    static char out[256];
    struct cap c;

    cap_open(&c);
    json_begin_object(&c.w);
    ck_assert_int_eq(json_key_double(&c.w, "d", v), 0);
    json_end_object(&c.w);
    snprintf(out, sizeof out, "%s", cap_text(&c));
    cap_close(&c);
    return out;
}

/* ---- a strict JSON validator (RFC 8259) ------------------------------------ */

struct jv {
    const unsigned char *p, *e;
};

static void
jv_ws(struct jv *v)
{
    while (v->p < v->e && (*v->p == ' ' || *v->p == '\t' || *v->p == '\n'
                           || *v->p == '\r'))
        v->p++;
}

static int
jv_hex4(struct jv *v, unsigned *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++, v->p++) {
        unsigned c = v->p < v->e ? *v->p : 0;

        if (c >= '0' && c <= '9')
            *out = *out * 16 + (c - '0');
        else if (c >= 'a' && c <= 'f')
            *out = *out * 16 + (c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            *out = *out * 16 + (c - 'A' + 10);
        else
            return 0;
    }
    return 1;
}

static int
jv_string(struct jv *v)
{
    if (v->p >= v->e || *v->p++ != '"')
        return 0;
    while (v->p < v->e) {
        unsigned c = *v->p;

        if (c == '"') {
            v->p++;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            unsigned u, lo;

            if (++v->p >= v->e)
                return 0;
            c = *v->p++;
            if (c == 'u') {
                if (!jv_hex4(v, &u) || (u >= 0xdc00 && u <= 0xdfff))
                    return 0;
                if (u >= 0xd800 && u <= 0xdbff) {   /* needs its pair */
                    if (v->e - v->p < 6 || v->p[0] != '\\' || v->p[1] != 'u')
                        return 0;
                    v->p += 2;
                    if (!jv_hex4(v, &lo) || lo < 0xdc00 || lo > 0xdfff)
                        return 0;
                }
            } else if (strchr("\"\\/bfnrt", (int)c) == NULL || c == 0) {
                return 0;
            }
        } else if (c >= 0x80) {
            size_t k = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

            if ((size_t)(v->e - v->p) < k
                || !tl_utf8_valid((const char *)v->p, k))
                return 0;
            v->p += k;
        } else {
            v->p++;
        }
    }
    return 0;
}

static int
jv_digits(struct jv *v)
{
    const unsigned char *s = v->p;

    while (v->p < v->e && *v->p >= '0' && *v->p <= '9')
        v->p++;
    return v->p > s;
}

static int
jv_number(struct jv *v)
{
    if (v->p < v->e && *v->p == '-')
        v->p++;
    if (v->p < v->e && *v->p == '0')
        v->p++;
    else if (!(v->p < v->e && *v->p >= '1' && *v->p <= '9') || !jv_digits(v))
        return 0;
    if (v->p < v->e && *v->p == '.') {
        v->p++;
        if (!jv_digits(v))
            return 0;
    }
    if (v->p < v->e && (*v->p == 'e' || *v->p == 'E')) {
        v->p++;
        if (v->p < v->e && (*v->p == '+' || *v->p == '-'))
            v->p++;
        if (!jv_digits(v))
            return 0;
    }
    return 1;
}

static int
jv_literal(struct jv *v, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(v->e - v->p) < n || memcmp(v->p, lit, n) != 0)
        return 0;
    v->p += n;
    return 1;
}

static int jv_value(struct jv *v, int depth);

/* An object (open '{') or an array (open '['). */
static int
jv_container(struct jv *v, int depth, int object)
{
    char close = object ? '}' : ']';

    v->p++;
    jv_ws(v);
    if (v->p < v->e && *v->p == close) {
        v->p++;
        return 1;
    }
    for (;;) {
        jv_ws(v);
        if (object) {
            if (!jv_string(v))
                return 0;
            jv_ws(v);
            if (v->p >= v->e || *v->p++ != ':')
                return 0;
        }
        if (!jv_value(v, depth + 1))
            return 0;
        jv_ws(v);
        if (v->p >= v->e)
            return 0;
        if (*v->p == close) {
            v->p++;
            return 1;
        }
        if (*v->p++ != ',')
            return 0;
    }
}

static int
jv_value(struct jv *v, int depth)
{
    if (depth > 64)
        return 0;
    jv_ws(v);
    if (v->p >= v->e)
        return 0;
    switch (*v->p) {
    case '{':
        return jv_container(v, depth, 1);
    case '[':
        return jv_container(v, depth, 0);
    case '"':
        return jv_string(v);
    case 't':
        return jv_literal(v, "true");
    case 'f':
        return jv_literal(v, "false");
    case 'n':
        return jv_literal(v, "null");
    default:
        return jv_number(v);
    }
}

/* Is s[0, n) one JSON object per line, each line ending in '\n'? */
static int
valid_json_lines(const char *s, size_t n)
{
    const char *p = s, *e = s + n;

    if (n == 0 || s[n - 1] != '\n')
        return 0;
    while (p < e) {
        const char *eol = memchr(p, '\n', (size_t)(e - p));
        struct jv v = { (const unsigned char *)p, (const unsigned char *)eol };

        if (*p != '{' || !jv_value(&v, 0) || v.p != v.e)
            return 0;
        p = eol + 1;
    }
    return 1;
}

#define VALID(lit) valid_json_lines(lit, sizeof lit - 1)

START_TEST(test_validator_accepts_json_and_refuses_the_rest)
{
    ck_assert(VALID("{}\n"));
    ck_assert(VALID("{\"a\":[1,-0.5e+3,\"x\\u00e9\\n\",null,true,{}]}\n"));
    ck_assert(VALID("{\"\\ud83d\\ude00\":\"é\"}\n"));
    ck_assert(!VALID("{}"));                        /* no line end */
    ck_assert(!VALID("{\"a\":01}\n"));
    ck_assert(!VALID("{\"a\":1.}\n"));
    ck_assert(!VALID("{\"a\":NaN}\n"));
    ck_assert(!VALID("{\"a\":\"\t\"}\n"));           /* raw control */
    ck_assert(!VALID("{\"a\":\"\\x\"}\n"));
    ck_assert(!VALID("{\"a\":\"\\ud800\"}\n"));       /* lone surrogate */
    ck_assert(!VALID("{\"a\":\"\xff\"}\n"));
    ck_assert(!VALID("{\"a\":\"\xe2\x80\"}\n"));
    ck_assert(!VALID("{\"a\":1,}\n"));
    ck_assert(!VALID("{\"a\" 1}\n"));
    ck_assert(!VALID("{\"a\":1}}\n"));
    ck_assert(!VALID("[1]\n"));                     /* not an object */
}
END_TEST

/* ---- exact output ---------------------------------------------------------- */

START_TEST(test_empty_object_is_one_line)
{
    struct cap c;

    cap_open(&c);
    ck_assert_int_eq(json_begin_object(&c.w), 0);
    ck_assert_int_eq(json_end_object(&c.w), 0);
    ck_assert_str_eq(cap_text(&c), "{}\n");
    cap_close(&c);
}
END_TEST

START_TEST(test_members_are_comma_separated)
{
    static const char *const topics[] = { "water", "trade" };
    struct cap c;

    cap_open(&c);
    json_begin_object(&c.w);
    json_key_int(&c.w, "rank", 1);
    json_key_string(&c.w, "title", "Indus", 5);
    json_key_double(&c.w, "score", 7.31);
    json_key_null(&c.w, "date");
    json_key_string_array(&c.w, "topics", topics, 2);
    ck_assert_int_eq(json_end_object(&c.w), 0);
    json_begin_object(&c.w);
    json_key_int(&c.w, "rank", 2);
    ck_assert_int_eq(json_end_object(&c.w), 0);
    ck_assert_str_eq(cap_text(&c),
                     "{\"rank\":1,\"title\":\"Indus\",\"score\":7.31,"
                     "\"date\":null,\"topics\":[\"water\",\"trade\"]}\n"
                     "{\"rank\":2}\n");
    cap_close(&c);
}
END_TEST

START_TEST(test_quote_and_backslash_are_escaped)
{
    ck_assert_str_eq(STR("a\"b\\c/d"), "{\"s\":\"a\\\"b\\\\c/d\"}\n");
}
END_TEST

START_TEST(test_control_characters_are_escaped)
{
    ck_assert_str_eq(STR("\b\f\n\r\t"), "{\"s\":\"\\b\\f\\n\\r\\t\"}\n");
    ck_assert_str_eq(STR("\x01\x1b\x1f\x7f"),
                     "{\"s\":\"\\u0001\\u001b\\u001f\\u007f\"}\n");
    ck_assert_str_eq(STR("nul\0here"), "{\"s\":\"nul\\u0000here\"}\n");
    /* C1 controls, and the JavaScript line separators */
    ck_assert_str_eq(STR("\xc2\x85\xc2\x9f\xe2\x80\xa8\xe2\x80\xa9"),
                     "{\"s\":\"\\u0085\\u009f\\u2028\\u2029\"}\n");
}
END_TEST

START_TEST(test_marks_are_removed_unless_kept)
{
    ck_assert_str_eq(STR("the \x02water\x03 talks"),
                     "{\"s\":\"the water talks\"}\n");
    ck_assert_str_eq(STR_KEEP("the \x02water\x03 talks"),
                     "{\"s\":\"the \\u0002water\\u0003 talks\"}\n");
}
END_TEST

START_TEST(test_invalid_utf8_becomes_replacement_character)
{
    ck_assert_str_eq(STR("a\xff" "b"), "{\"s\":\"a\xef\xbf\xbd" "b\"}\n");
    ck_assert_str_eq(STR("\xe2\x80"), "{\"s\":\"\xef\xbf\xbd\"}\n");
    ck_assert_str_eq(STR("\xed\xa0\x80"),
                     "{\"s\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}\n");
    ck_assert_str_eq(STR("\xc1\xbf"),
                     "{\"s\":\"\xef\xbf\xbd\xef\xbf\xbd\"}\n");
}
END_TEST

START_TEST(test_utf8_is_written_as_it_is)
{
    ck_assert_str_eq(STR("پاکستان — नदी 😀"),
                     "{\"s\":\"پاکستان — नदी 😀\"}\n");
}
END_TEST

START_TEST(test_input_is_not_read_past_its_length)
{
    ck_assert_str_eq(string_member("ab\xf0\x9f\x98", 5, 0),
                     "{\"s\":\"ab\xef\xbf\xbd\"}\n");
    ck_assert_str_eq(string_member("ab\\", 3, 0), "{\"s\":\"ab\\\\\"}\n");
    ck_assert_str_eq(string_member("", 0, 0), "{\"s\":\"\"}\n");
}
END_TEST

START_TEST(test_keys_are_escaped)
{
    struct cap c;

    cap_open(&c);
    json_begin_object(&c.w);
    json_key_int(&c.w, "a\"b\n\x02", 1);
    json_end_object(&c.w);
    ck_assert_str_eq(cap_text(&c), "{\"a\\\"b\\n\":1}\n");
    cap_close(&c);
}
END_TEST

START_TEST(test_null_string_is_null)
{
    struct cap c;

    cap_open(&c);
    json_begin_object(&c.w);
    json_key_string(&c.w, "author", NULL, 0);
    json_end_object(&c.w);
    ck_assert_str_eq(cap_text(&c), "{\"author\":null}\n");
    cap_close(&c);
}
END_TEST

START_TEST(test_integers_cover_int64)
{
    struct cap c;

    cap_open(&c);
    json_begin_object(&c.w);
    json_key_int(&c.w, "min", INT64_MIN);
    json_key_int(&c.w, "max", INT64_MAX);
    json_key_int(&c.w, "zero", 0);
    json_end_object(&c.w);
    ck_assert_str_eq(cap_text(&c),
                     "{\"min\":-9223372036854775808,"
                     "\"max\":9223372036854775807,\"zero\":0}\n");
    cap_close(&c);
}
END_TEST

START_TEST(test_doubles_are_short_and_exact)
{
    ck_assert_str_eq(double_member(7.31), "{\"d\":7.31}\n");
    ck_assert_str_eq(double_member(0.1), "{\"d\":0.1}\n");
    ck_assert_str_eq(double_member(5.0), "{\"d\":5}\n");
    ck_assert_str_eq(double_member(-2.5), "{\"d\":-2.5}\n");
    ck_assert_str_eq(double_member(1.0 / 3), "{\"d\":0.33333333333333331}\n");
    ck_assert_str_eq(double_member(1e300), "{\"d\":1e+300}\n");
    ck_assert_str_eq(double_member(2.5e-7), "{\"d\":2.5e-07}\n");
    ck_assert_str_eq(double_member(-0.0), "{\"d\":-0}\n");
}
END_TEST

START_TEST(test_non_finite_doubles_are_null)
{
    ck_assert_str_eq(double_member(NAN), "{\"d\":null}\n");
    ck_assert_str_eq(double_member(INFINITY), "{\"d\":null}\n");
    ck_assert_str_eq(double_member(-INFINITY), "{\"d\":null}\n");
}
END_TEST

START_TEST(test_string_arrays)
{
    static const char *const items[] = { "a\"", NULL, "", "\x02x\x03\xff" };
    struct cap c;

    cap_open(&c);
    json_begin_object(&c.w);
    json_key_string_array(&c.w, "none", NULL, 0);
    json_key_string_array(&c.w, "some", items, 4);
    json_end_object(&c.w);
    ck_assert_str_eq(cap_text(&c),
                     "{\"none\":[],\"some\":[\"a\\\"\",null,\"\","
                     "\"x\xef\xbf\xbd\"]}\n");
    cap_close(&c);
}
END_TEST

START_TEST(test_write_failure_is_reported)
{
    struct json_writer w;
    FILE *f = fopen("/dev/full", "w");

    if (f == NULL)
        f = fopen("/dev/null", "r");    /* writes fail as well */
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IONBF, 0);
    json_writer_init(&w, f);
    ck_assert_int_eq(json_begin_object(&w), 1);
    ck_assert_int_eq(json_key_int(&w, "a", 1), 1);
    ck_assert_int_eq(json_end_object(&w), 1);
    fclose(f);
}
END_TEST

START_TEST(test_exact_outputs_are_valid_json)
{
#define CHECK_VALID(line) \
    do { \
        const char *l_ = (line); \
        ck_assert_msg(valid_json_lines(l_, strlen(l_)), "%s", l_); \
    } while (0)

    CHECK_VALID(STR("\b\f\n\r\t\x01\x7f\"\\"));
    CHECK_VALID(STR_KEEP("\x02\x03"));
    CHECK_VALID(STR("\xff\xfe\xed\xa0\x80"));
    CHECK_VALID(double_member(1.0 / 3));
    CHECK_VALID(double_member(NAN));
    CHECK_VALID(double_member(-0.0));
    CHECK_VALID(double_member(1e-310));
    CHECK_VALID(double_member(-1.7976931348623157e308));
#undef CHECK_VALID
}
END_TEST

/* ---- random bytes, checked by the validator and by Python --------------- */

/* xorshift64 with a fixed seed: failures reproduce. */
static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random bytes, biased to what needs care; no NUL when c_string. */
static size_t
random_bytes(uint64_t *seed, char *buf, size_t max, int c_string)
{
    static const char special[] = "\"\\\x02\x03\n\t\x01\x7f\xc2\x85\xe2\x80"
                                  "\xa8\xed\xa0\xf0\x9f\x98\x80\xff";
    size_t n = (size_t)(rnd(seed) % max);

    for (size_t i = 0; i < n; i++) {
        uint64_t x = rnd(seed);

        switch (x % 3) {
        case 0:
            buf[i] = special[(x >> 8) % (sizeof special - 1)];
            break;
        case 1:
            buf[i] = (char)(x >> 8);
            break;
        default:
            buf[i] = (char)(' ' + (x >> 8) % 95);
        }
        if (c_string && buf[i] == '\0')
            buf[i] = 'z';
    }
    if (c_string)
        buf[n] = '\0';
    return n;
}

static void
put_hex(FILE *f, const char *s, size_t n)
{
    fputc('x', f);      /* so that an empty string is a token too */
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", (unsigned char)s[i]);
}

/* Reads the JSON Lines file argv[1] and the description of what was
 * written, argv[2] (a line per object: keep_marks, then the hex of the
 * first key, the int, the string, the double's bits and the array's
 * items, 'N' for a NULL item), and prints "ok N" or the first
 * difference. */
static const char py_script[] =
    "import json, math, struct, sys\n"
    "def clean(b, keep):\n"
    "    s = b.decode('utf-8', 'replace')\n"
    "    return s if keep else s.replace('\\x02', '').replace('\\x03', '')\n"
    "def raw(t):\n"
    "    return bytes.fromhex(t[1:])\n"
    "lines = open(sys.argv[1], 'rb').read().split(b'\\n')\n"
    "want = open(sys.argv[2]).read().split('\\n')[:-1]\n"
    "if lines[-1] != b'' or len(lines) - 1 != len(want):\n"
    "    print('%d lines, want %d' % (len(lines) - 1, len(want))); sys.exit()\n"
    "for i, (line, w) in enumerate(zip(lines, want)):\n"
    "    o = json.loads(line.decode('utf-8', 'strict'),\n"
    "                   object_pairs_hook=lambda p: p)\n"
    "    t = w.split(' ')\n"
    "    k = t[0] == '1'\n"
    "    d = struct.unpack('<d', bytes.fromhex(t[4]))[0]\n"
    "    e = [(clean(raw(t[1]), k), int(t[2])), ('s', clean(raw(t[3]), k)),\n"
    "         ('d', d if math.isfinite(d) else None),\n"
    "         ('a', [None if x == 'N' else clean(raw(x), k) for x in t[5:]])]\n"
    "    if o != e:\n"
    "        print('line %d: %r, want %r' % (i, o, e)); sys.exit()\n"
    "print('ok %d' % len(want))\n";

START_TEST(test_random_bytes_give_valid_json)
{
    char path[64], raw_path[64], script_path[64], cmd[256], res[4096];
    uint64_t seed = 0x7a1aa5b5eedULL;
    const char *dir = getenv("TMPDIR");
    FILE *out, *raw, *script, *p;
    struct json_writer w;
    char *text;
    size_t len, n;
    int objects = 2000, fd, rc;

    if (dir == NULL || dir[0] == '\0' || strlen(dir) > 40)
        dir = "/tmp";
    snprintf(path, sizeof path, "%s/test-json-XXXXXX", dir);
    snprintf(raw_path, sizeof raw_path, "%s/test-json-XXXXXX", dir);
    snprintf(script_path, sizeof script_path, "%s/test-json-XXXXXX", dir);
    ck_assert_int_ge(fd = mkstemp(path), 0);
    ck_assert_ptr_nonnull(out = fdopen(fd, "w+b"));
    ck_assert_int_ge(fd = mkstemp(raw_path), 0);
    ck_assert_ptr_nonnull(raw = fdopen(fd, "wb"));
    ck_assert_int_ge(fd = mkstemp(script_path), 0);
    ck_assert_ptr_nonnull(script = fdopen(fd, "wb"));
    fputs(py_script, script);
    ck_assert_int_eq(fclose(script), 0);

    json_writer_init(&w, out);
    for (int i = 0; i < objects; i++) {
        char key[64], s[256], items[3][64];
        const char *item_ptrs[3];
        size_t key_n, s_n, n_items = (size_t)(rnd(&seed) % 4);
        int64_t iv = (int64_t)rnd(&seed);
        uint64_t bits = rnd(&seed);
        double d;

        w.keep_marks = (int)(rnd(&seed) % 2);
        key_n = random_bytes(&seed, key, sizeof key - 1, 1);
        s_n = random_bytes(&seed, s, sizeof s, 0);
        if (bits % 5 == 0)     /* some special values too */
            bits = (bits & 0x800fffffffffffffULL) | 0x7ff0000000000000ULL;
        memcpy(&d, &bits, sizeof d);
        json_begin_object(&w);
        json_key_int(&w, key, iv);
        json_key_string(&w, "s", s, s_n);
        json_key_double(&w, "d", d);
        for (size_t k = 0; k < n_items; k++) {
            random_bytes(&seed, items[k], sizeof items[k] - 1, 1);
            item_ptrs[k] = rnd(&seed) % 8 == 0 ? NULL : items[k];
        }
        json_key_string_array(&w, "a", item_ptrs, n_items);
        ck_assert_int_eq(json_end_object(&w), 0);

        fprintf(raw, "%d ", w.keep_marks);
        put_hex(raw, key, key_n);
        fprintf(raw, " %lld ", (long long)iv);
        put_hex(raw, s, s_n);
        fputc(' ', raw);
        for (size_t b = 0; b < 8; b++)      /* little-endian bits */
            fprintf(raw, "%02x", (unsigned)((bits >> (8 * b)) & 0xff));
        for (size_t k = 0; k < n_items; k++) {
            fputc(' ', raw);
            if (item_ptrs[k] == NULL)
                fputc('N', raw);
            else
                put_hex(raw, items[k], strlen(items[k]));
        }
        fputc('\n', raw);
    }
    ck_assert_int_eq(fclose(raw), 0);
    ck_assert_int_eq(fflush(out), 0);

    /* our strict validator */
    len = (size_t)ftell(out);
    text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    rewind(out);
    ck_assert_uint_eq(fread(text, 1, len, out), len);
    ck_assert(valid_json_lines(text, len));
    n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    ck_assert_uint_eq(n, (size_t)objects);
    free(text);
    fclose(out);

    /* Python's json module, comparing every value with what went in */
    snprintf(cmd, sizeof cmd, "python3 %s %s %s", script_path, path,
             raw_path);
    ck_assert_ptr_nonnull(p = popen(cmd, "r"));
    n = fread(res, 1, sizeof res - 1, p);
    res[n] = '\0';
    rc = pclose(p);
    unlink(path);
    unlink(raw_path);
    unlink(script_path);
    ck_assert_msg(rc == 0, "python3 failed (%d): %s", rc, res);
    snprintf(cmd, sizeof cmd, "ok %d\n", objects);
    ck_assert_str_eq(res, cmd);
}
END_TEST

START_TEST(test_python_reads_tricky_strings_back)
{
    static const struct {
        const char *in;
        size_t n;
        const char *want;
        size_t want_n;
    } f[] = {
#define F(in, want) { in, sizeof in - 1, want, sizeof want - 1 }
        F("plain", "plain"),
        F("quote \" back \\ slash /", "quote \" back \\ slash /"),
        F("tab\tnl\ncr\r\b\f", "tab\tnl\ncr\r\b\f"),
        F("nul\0\x01\x1f\x7f", "nul\0\x01\x1f\x7f"),
        F("پاکستان — नदी 😀", "پاکستان — नदी 😀"),
        F("bad \xff\xfe", "bad \xef\xbf\xbd\xef\xbf\xbd"),
        F("\xe2\x80\xa8\xc2\x85", "\xe2\x80\xa8\xc2\x85"),
        F("\x02mark\x03", "mark"),
        F("", ""),
#undef F
    };
    size_t n = sizeof f / sizeof f[0];
    char path[64], cmd[512], res[4096], want[4096];
    const char *dir = getenv("TMPDIR");
    struct json_writer w;
    FILE *out, *p;
    size_t len = 0, got;
    int fd, rc;

    if (dir == NULL || dir[0] == '\0' || strlen(dir) > 40)
        dir = "/tmp";
    snprintf(path, sizeof path, "%s/test-json-XXXXXX", dir);
    ck_assert_int_ge(fd = mkstemp(path), 0);
    ck_assert_ptr_nonnull(out = fdopen(fd, "wb"));
    json_writer_init(&w, out);
    for (size_t i = 0; i < n; i++) {
        json_begin_object(&w);
        json_key_string(&w, "s", f[i].in, f[i].n);
        json_end_object(&w);
        /* the expected strings, as Python will print them: UTF-8 hex */
        for (size_t k = 0; k < f[i].want_n; k++) {
            ck_assert_uint_lt(len + 3, sizeof want);
            snprintf(want + len, 3, "%02x", (unsigned char)f[i].want[k]);
            len += 2;
        }
        want[len++] = '\n';
        want[len] = '\0';
    }
    ck_assert_int_eq(fclose(out), 0);
    snprintf(cmd, sizeof cmd, "python3 -c \"import json, sys; "
             "[print(json.loads(l.decode('utf-8', 'strict'))['s']"
             ".encode().hex()) for l in open(sys.argv[1], 'rb')]\" %s", path);
    ck_assert_ptr_nonnull(p = popen(cmd, "r"));
    got = fread(res, 1, sizeof res - 1, p);
    res[got] = '\0';
    rc = pclose(p);
    unlink(path);
    ck_assert_msg(rc == 0, "python3 failed (%d): %s", rc, res);
    ck_assert_str_eq(res, want);
}
END_TEST

Suite *
json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("writer");

    tcase_add_test(tc, test_validator_accepts_json_and_refuses_the_rest);
    tcase_add_test(tc, test_empty_object_is_one_line);
    tcase_add_test(tc, test_members_are_comma_separated);
    tcase_add_test(tc, test_quote_and_backslash_are_escaped);
    tcase_add_test(tc, test_control_characters_are_escaped);
    tcase_add_test(tc, test_marks_are_removed_unless_kept);
    tcase_add_test(tc, test_invalid_utf8_becomes_replacement_character);
    tcase_add_test(tc, test_utf8_is_written_as_it_is);
    tcase_add_test(tc, test_input_is_not_read_past_its_length);
    tcase_add_test(tc, test_keys_are_escaped);
    tcase_add_test(tc, test_null_string_is_null);
    tcase_add_test(tc, test_integers_cover_int64);
    tcase_add_test(tc, test_doubles_are_short_and_exact);
    tcase_add_test(tc, test_non_finite_doubles_are_null);
    tcase_add_test(tc, test_string_arrays);
    tcase_add_test(tc, test_write_failure_is_reported);
    tcase_add_test(tc, test_exact_outputs_are_valid_json);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_random_bytes_give_valid_json);
    tcase_add_test(tc, test_python_reads_tricky_strings_back);
    suite_add_tcase(s, tc);
    return s;
}
