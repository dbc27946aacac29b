/* test-tokenizer.c - the "snowball" FTS5 tokenizer. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

struct collect {
    char out[8192];
    size_t len;
    int count;
    int max_len;
    int bad_range;
    int text_len;
};

static int
collect(void *ctx, const char *tok, int len, int start, int end)
{
    struct collect *c = ctx;

    c->count++;
    if (len > c->max_len)
        c->max_len = len;
    if (start < 0 || end < start || end > c->text_len)
        c->bad_range = 1;
    if (c->len + (size_t)len + 2 < sizeof c->out) {
        if (c->len > 0)
            c->out[c->len++] = ' ';
        memcpy(c->out + c->len, tok, (size_t)len);
        c->len += (size_t)len;
        c->out[c->len] = '\0';
    }
    return 0;
}

static void
tokenize_n(const char *text, int n, struct collect *c)
{
    struct tl_error err = { 0 };

    memset(c, 0, sizeof *c);
    c->text_len = n;
    ck_assert_msg(tl_tokenizer_each(unit_db, text, n, FTS5_TOKENIZE_DOCUMENT,
                                    collect, c, &err) == TL_OK,
                  "tokenize: %s", err.msg);
    ck_assert(!c->bad_range);
}

/* The tokens of text, space-separated. */
static const char *
tokens(const char *text)
{
    static struct collect c;

    tokenize_n(text, (int)strlen(text), &c);
    return c.out;
}

#define ck_tokens(text, want) ck_assert_str_eq(tokens(text), want)

START_TEST(test_folds_case_and_diacritics)
{
    ck_tokens("Peshāwar", "peshawar");
    ck_tokens("café CAFÉ Café", "cafe cafe cafe");
    ck_tokens("cafe\xcc\x81", "cafe");     /* e + combining acute */
    ck_tokens("Ñandú naïve", "nandu naiv");
}
END_TEST

START_TEST(test_letters_and_digits_of_any_script)
{
    ck_tokens("1987 B52", "1987 b52");
    ck_tokens("پاکستان", "پاکستان");
    ck_tokens("हिन्दी भाषा", "हिन्दी भाषा");  /* vowel signs stay inside */
    ck_tokens("Москва", "москва");
}
END_TEST

START_TEST(test_apostrophes_fold_possessives)
{
    ck_tokens("Pakistan’s", "pakistan");
    ck_tokens("Pakistan's", "pakistan");
    ck_tokens("Pakistan", "pakistan");
    ck_tokens("Pakistan\xca\xbcs", "pakistan");     /* ʼ U+02BC */
    ck_tokens("don't", "dont");
    ck_tokens("don’t", "dont");
    ck_tokens("the Haqqanis' network", "the haqqani network");
    ck_tokens("'quoted' words", "quot word");
}
END_TEST

START_TEST(test_hyphens_split_words)
{
    ck_tokens("China-Pakistan", "china pakistan");
    ck_tokens("F-16", "f 16");
    ck_tokens("long-term", "long term");
}
END_TEST

START_TEST(test_dotted_acronyms_fold)
{
    ck_tokens("U.S.", "us");
    ck_tokens("US", "us");
    ck_tokens("U.S.-Pakistan", "us pakistan");
    ck_tokens("the U.S. and U.K.", "the us and uk");
    ck_tokens("U.S.A.", "usa");
    ck_tokens("Mr. A. Khan", "mr a khan");  /* a space is not a join */
    ck_tokens("3.14", "3 14");              /* digits never join */
}
END_TEST

START_TEST(test_stems_with_snowball_english)
{
    ck_assert_str_eq(tokens("negotiations"), tokens("negotiate"));
    ck_assert_str_eq(tokens("negotiating"), tokens("negotiate"));
    ck_tokens("running runs", "run run");
    ck_tokens("relations", "relat");
}
END_TEST

START_TEST(test_stem_keeps_byte_offsets)
{
    unit_exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'snowball')");
    unit_exec("INSERT INTO t VALUES ('The U.S.-Pakistan talks: Pakistan’s "
              "negotiations with the Peshāwar café')");
    ck_assert_str_eq(unit_text("SELECT highlight(t, 0, '[', ']') FROM t "
                               "WHERE t MATCH 'negotiate'"),
                     "The U.S.-Pakistan talks: Pakistan’s [negotiations] "
                     "with the Peshāwar café");
    ck_assert_str_eq(unit_text("SELECT highlight(t, 0, '[', ']') FROM t "
                               "WHERE t MATCH 'pakistan'"),
                     "The U.S.-[Pakistan] talks: [Pakistan’s] negotiations "
                     "with the Peshāwar café");
    ck_assert_str_eq(unit_text("SELECT highlight(t, 0, '[', ']') FROM t "
                               "WHERE t MATCH 'us AND peshawar AND cafe'"),
                     "The [U.S].-Pakistan talks: Pakistan’s negotiations "
                     "with the [Peshāwar] [café]");
}
END_TEST

START_TEST(test_snippet_marks_the_original_words)
{
    unit_exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'snowball')");
    unit_exec("INSERT INTO t VALUES ('Before the meeting the delegates "
              "spent an hour on coffee. Then the negotiating teams from "
              "Peshāwar and Kabul sat down, and negotiations began in "
              "earnest after lunch.')");
    ck_assert_str_eq(unit_text("SELECT snippet(t, 0, '[', ']', '...', 8) "
                               "FROM t WHERE t MATCH 'negotiate'"),
                     "...Then the [negotiating] teams from Peshāwar and "
                     "Kabul...");
    ck_assert_str_eq(unit_text("SELECT snippet(t, 0, '[', ']', '...', 6) "
                               "FROM t WHERE t MATCH 'peshawar'"),
                     "...Then the negotiating teams from [Peshāwar]...");
}
END_TEST

START_TEST(test_phrases_match_across_hyphens)
{
    unit_exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'snowball')");
    unit_exec("INSERT INTO t VALUES ('the China-Pakistan corridor')");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM t WHERE t MATCH "
                               "'\"china pakistan\"'"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM t WHERE t MATCH "
                               "'\"China-Pakistan\"'"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM t WHERE t MATCH "
                               "'china'"), "1");
    ck_assert_str_eq(unit_text("SELECT count(*) FROM t WHERE t MATCH "
                               "'\"pakistan china\"'"), "0");
}
END_TEST

START_TEST(test_invalid_utf8_never_crashes)
{
    static const char bad[] = "ab\xff\xfe" "cd \xc3 \xe2\x80 x\xf0\x9f y "
                              "\xc0\xaf z\x80\x80";
    struct collect c;

    tokenize_n(bad, (int)sizeof bad - 1, &c);
    ck_assert_int_gt(c.count, 0);
    ck_assert(strstr(c.out, "ab") != NULL);
}
END_TEST

START_TEST(test_nul_bytes_separate_tokens)
{
    static const char text[] = "alpha\0beta\0\0gamma";
    struct collect c;

    tokenize_n(text, (int)sizeof text - 1, &c);
    ck_assert_str_eq(c.out, "alpha beta gamma");
}
END_TEST

START_TEST(test_huge_token_is_cut)
{
    int n = 1 << 20;
    char *text = malloc((size_t)n + 8);
    struct collect c;

    ck_assert_ptr_nonnull(text);
    memset(text, 'a', (size_t)n);
    memcpy(text + n, " end", 4);
    tokenize_n(text, n + 4, &c);
    ck_assert_int_eq(c.count, 2);
    ck_assert_int_le(c.max_len, TL_TOKEN_MAX);
    free(text);
}
END_TEST

START_TEST(test_huge_multibyte_token_cut_on_char_boundary)
{
    int n = 3 * 100000;
    char *text = malloc((size_t)n);
    struct collect c;

    ck_assert_ptr_nonnull(text);
    for (int i = 0; i < n; i += 3)
        memcpy(text + i, "\xe0\xa4\x95", 3);    /* क */
    tokenize_n(text, n, &c);
    ck_assert_int_eq(c.count, 1);
    ck_assert_int_le(c.max_len, TL_TOKEN_MAX);
    ck_assert_int_eq(c.max_len % 3, 0);
    free(text);
}
END_TEST

START_TEST(test_unknown_option_is_refused)
{
    ck_assert_int_ne(sqlite3_exec(unit_db, "CREATE VIRTUAL TABLE t USING "
                                  "fts5(x, tokenize = 'snowball bogus 1')",
                                  NULL, NULL, NULL), SQLITE_OK);
    unit_exec("CREATE VIRTUAL TABLE t2 USING fts5(x, tokenize = "
              "'snowball language english')");
}
END_TEST

/* The stem cache's size changes nothing but speed: no cache, a tiny one
 * (every word evicts another) and the default give the same tokens. */
START_TEST(test_cache_size_changes_nothing)
{
    static const char text[] = "Negotiations negotiated; negotiating "
        "negotiators negotiate.  Pakistan's envoys, Peshāwar and Kabul "
        "negotiations, again negotiations and envoys and Pakistan.";
    static char want[8192];
    int sizes[] = { 0, 1, 2, 256, 8192 };

    /* the fixture's connection has the default cache */
    snprintf(want, sizeof want, "%s", tokens(text));
    ck_assert_str_eq(want, "negoti negoti negoti negoti negoti pakistan "
                           "envoy peshawar and kabul negoti again negoti "
                           "and envoy and pakistan");
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        tl_tokenizer_cache_slots(sizes[i]);
        unit_db_teardown();
        unit_db_setup();
        ck_assert_str_eq(tokens(text), want);
        ck_assert_str_eq(tokens(text), want);   /* from the cache */
    }
    tl_tokenizer_cache_slots(8192);     /* the fixture closes the last */
}
END_TEST

/* The workers' connection: the tokenizer and nothing else, recording
 * the same stems as a database's. */
START_TEST(test_tokenizer_connection_without_schema)
{
    struct tl_error err = { 0 };
    struct tl_tokens a, b;
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    const char *text = "The negotiators were negotiating in Islamabad";

    ck_assert_int_eq(tl_db_open_tokenizer(&db, &err), TL_OK);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
                                        "sqlite_schema", -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    tl_tokens_init(&a);
    tl_tokens_init(&b);
    ck_assert_int_eq(tl_tokens_record(db, text, (int)strlen(text), &a, &err),
                     TL_OK);
    ck_assert_int_eq(tl_tokens_record(unit_db, text, (int)strlen(text), &b,
                                      &err), TL_OK);
    ck_assert_uint_eq(a.n, 6);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert_uint_eq(a.n_bytes, b.n_bytes);
    ck_assert(memcmp(a.bytes, b.bytes, a.n_bytes) == 0);
    ck_assert(strncmp(a.bytes + a.tok[1].off, "negoti", a.tok[1].len) == 0);
    tl_tokens_release(&a);
    tl_tokens_release(&b);
    tl_db_close(db);
}
END_TEST

Suite *
tokenizer_suite(void)
{
    Suite *s = suite_create("tokenizer");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_db_setup, unit_db_teardown);
    tcase_add_test(tc, test_folds_case_and_diacritics);
    tcase_add_test(tc, test_tokenizer_connection_without_schema);
    tcase_add_test(tc, test_letters_and_digits_of_any_script);
    tcase_add_test(tc, test_apostrophes_fold_possessives);
    tcase_add_test(tc, test_hyphens_split_words);
    tcase_add_test(tc, test_dotted_acronyms_fold);
    tcase_add_test(tc, test_stems_with_snowball_english);
    tcase_add_test(tc, test_stem_keeps_byte_offsets);
    tcase_add_test(tc, test_snippet_marks_the_original_words);
    tcase_add_test(tc, test_phrases_match_across_hyphens);
    tcase_add_test(tc, test_invalid_utf8_never_crashes);
    tcase_add_test(tc, test_nul_bytes_separate_tokens);
    tcase_add_test(tc, test_huge_token_is_cut);
    tcase_add_test(tc, test_huge_multibyte_token_cut_on_char_boundary);
    tcase_add_test(tc, test_unknown_option_is_refused);
    tcase_add_test(tc, test_cache_size_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}
