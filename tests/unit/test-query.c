/* test-query.c - the query language: MATCH expressions, filters, notes,
 * errors, and every expression run through FTS5 for real. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "unit.h"

/* ---- fixture: five passages, one per article, and a small thesaurus ----- */

static struct tl_synonyms *syn;

static const char test_synonyms[] =
    "ISI = Inter-Services Intelligence\n"
    "LoC = Line of Control\n"
    "CPEC = China-Pakistan Economic Corridor\n"
    "drone = UAV = unmanned aerial vehicle\n";

static void
add(int id, const char *title, const char *author, const char *text)
{
    char sql[1024];

    snprintf(sql, sizeof sql, "INSERT INTO articles (id, path, path_key, hash, "
             "size, mtime_ns, format, title, author, passage_first, "
             "passage_last) VALUES (%d, '/a/%d.txt', tl_path_key('/a/%d.txt'), "
             "'h%d', 1, 1, 'text', '%s', '%s', %d, %d); INSERT INTO passages "
             "(id, article_id, ordinal, byte_start, byte_end, text) VALUES "
             "(%d, %d, 1, 0, 1, '%s'); INSERT INTO passages_fts (rowid, "
             "body, title, author) SELECT p.id, p.text, a.title, a.author "
             "FROM passages AS p JOIN articles AS a ON a.id = p.article_id "
             "WHERE p.id = %d", id, id, id, id, title, author, id, id, id,
             id, text, id);
    unit_exec(sql);
}

static void
setup(void)
{
    struct tl_error err = { 0 };

    unit_db_setup();
    add(1, "Haqqani network talks", "Michael Kugelman",
        "The Haqqani network and Kabul: negotiations continued in Doha for "
        "weeks.");
    add(2, "CPEC dialogue", "Huma Yusuf",
        "The China-Pakistan Economic Corridor reaches Gwadar; Pakistan and "
        "China agree.");
    add(3, "Border notes", "Sam Writer",
        "Firing across the LoC again; U.S. officials don''t comment, and "
        "F-16 parts wait.");
    add(4, "Agency profile", "Kugelman",
        "The Inter-Services Intelligence chief met officials in Kabul after "
        "9/11.");
    add(5, "Code", "",
        "A C++ programmer wrote about drones and the peace talks in Doha, "
        "or so they say.");
    ck_assert_msg(tl_synonyms_parse(unit_db, test_synonyms,
                                    strlen(test_synonyms), "test", &syn,
                                    &err) == TL_OK, "%s", err.msg);
}

static void
teardown(void)
{
    tl_synonyms_free(syn);
    syn = NULL;
    unit_db_teardown();
}

/* ---- helpers ------------------------------------------------------------ */

/* Parses text, which must succeed, into q (to be released). */
static void
parse_ok(const char *text, int flags, struct tl_query *q)
{
    struct tl_error err = { 0 };

    tl_query_init(q);
    ck_assert_msg(tl_query_parse(unit_db, text, flags, syn, q, &err)
                  == TL_OK, "'%s': %s", text, err.msg);
}

/* The error message for text, which must fail with TL_ERR_QUERY. */
static const char *
parse_error(const char *text)
{
    static struct tl_error err;
    struct tl_query q;

    memset(&err, 0, sizeof err);
    tl_query_init(&q);
    ck_assert_msg(tl_query_parse(unit_db, text, 0, syn, &q, &err)
                  == TL_ERR_QUERY, "'%s' was accepted", text);
    ck_assert_int_eq(err.code, TL_ERR_QUERY);
    ck_assert_ptr_null(q.match);
    ck_assert_uint_eq(q.n_notes, 0);
    ck_assert_uint_eq(q.n_words, 0);
    return err.msg;
}

/* The ids of the passages match finds, ascending, joined by ' '.  Fails
 * the test when FTS5 refuses the expression. */
static const char *
hits(const char *match)
{
    static char out[1024];
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    int rc;

    out[0] = '\0';
    ck_assert_int_eq(sqlite3_prepare_v2(unit_db, "SELECT rowid FROM "
                                        "passages_fts WHERE passages_fts "
                                        "MATCH ?1 ORDER BY rowid", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%d",
                                len > 0 ? " " : "",
                                sqlite3_column_int(st, 0));
    ck_assert_msg(rc == SQLITE_DONE, "FTS5 refused '%.200s': %s", match,
                  sqlite3_errmsg(unit_db));
    sqlite3_finalize(st);
    return out;
}

/* a[0..n) joined by " | ". */
static const char *
joined(char *const *a, size_t n)
{
    static char out[2048];
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof out; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
                                i > 0 ? " | " : "", a[i]);
    return out;
}

/* Does match hold FTS5 syntax only between its strings?  Strings removed,
 * what is left must be the parser's own vocabulary. */
static int
only_generated_syntax(const char *match)
{
    const char *p = match;

    while (*p != '\0') {
        static const char *const words[] = { "AND", "OR", "NOT", "NEAR(",
                                             "{title}" };
        size_t k;

        if (*p == '"') {                /* a string, "" inside */
            for (p++; *p != '\0'; p++) {
                if (p[0] == '"' && p[1] == '"')
                    p++;
                else if (*p == '"')
                    break;
            }
            if (*p != '"')
                return 0;
            p++;
            continue;
        }
        if (strchr(" ()*:,0123456789", *p) != NULL) {
            p++;
            continue;
        }
        for (k = 0; k < sizeof words / sizeof *words; k++) {
            size_t n = strlen(words[k]);
            if (strncmp(p, words[k], n) == 0) {
                p += n;
                break;
            }
        }
        if (k == sizeof words / sizeof *words)
            return 0;
    }
    return 1;
}

/* ---- the table: query, MATCH, passages found ---------------------------- */

struct match_case {
    const char *query;
    const char *match;          /* NULL: filters only */
    const char *hits;
};

static const struct match_case match_cases[] = {
    /* words are AND-ed; case and stems do not matter */
    { "haqqani network", "\"haqqani\" AND \"network\"", "1" },
    { "KABUL", "\"KABUL\"", "1 4" },
    { "Dōha", "\"Dōha\"", "1 5" },
    { "negotiating", "\"negotiating\"", "1" },
    /* phrases */
    { "\"peace talks\"", "\"peace talks\"", "5" },
    { "\"talks peace\"", "\"talks peace\"", "" },
    { "\"peace   talks\"", "\"peace talks\"", "5" },
    { "\"peace talks\"*", "\"peace talks\"*", "5" },
    { "\"\" kabul", "\"kabul\"", "1 4" },
    /* OR, upper case only */
    { "kabul OR gwadar", "\"kabul\" OR \"gwadar\"", "1 2 4" },
    { "doha or", "\"doha\" AND \"or\"", "5" },
    { "kabul AND doha", "\"kabul\" AND \"doha\"", "1" },
    /* exclusion */
    { "kabul -doha", "\"kabul\" NOT \"doha\"", "4" },
    { "kabul NOT doha", "\"kabul\" NOT \"doha\"", "4" },
    { "kabul -\"peace talks\"", "\"kabul\" NOT \"peace talks\"", "1 4" },
    { "kabul -(doha OR gwadar)", "\"kabul\" NOT (\"doha\" OR \"gwadar\")",
      "4" },
    { "kabul officials -doha -chief",
      "(\"kabul\" AND \"officials\") NOT \"doha\" NOT \"chief\"", "" },
    { "officials -chief", "\"officials\" NOT \"chief\"", "3" },
    { "NOT NOT kabul", "\"kabul\"", "1 4" },
    { "kabul (-doha -gwadar)", "\"kabul\" NOT \"doha\" NOT \"gwadar\"",
      "4" },
    /* precedence: NOT > AND > OR */
    { "haqqani doha OR gwadar -china",
      "(\"haqqani\" AND \"doha\") OR (\"gwadar\" NOT \"china\")", "1" },
    { "kabul (doha OR gwadar)", "\"kabul\" AND (\"doha\" OR \"gwadar\")",
      "1" },
    { "(kabul OR gwadar) -doha", "(\"kabul\" OR \"gwadar\") NOT \"doha\"",
      "2 4" },
    { "((kabul))", "\"kabul\"", "1 4" },
    { "kabul () (*)", "\"kabul\"", "1 4" },
    { "(kabul doha) (gwadar OR doha)",
      "\"kabul\" AND \"doha\" AND (\"gwadar\" OR \"doha\")", "1" },
    /* prefixes */
    { "negot*", "\"negot\"*", "1" },
    { "gwad* OR kab*", "\"gwad\"* OR \"kab\"*", "1 2 4" },
    /* NEAR */
    { "NEAR(haqqani doha, 5)", "NEAR(\"haqqani\" \"doha\", 5)", "" },
    { "NEAR(haqqani doha)", "NEAR(\"haqqani\" \"doha\", 10)", "1" },
    { "NEAR(haqqani doha,6)", "NEAR(\"haqqani\" \"doha\", 6)", "1" },
    { "NEAR (\"haqqani network\" kabul , 2)",
      "NEAR(\"haqqani network\" \"kabul\", 2)", "1" },
    { "NEAR(negot* doha *)", "NEAR(\"negot\"* \"doha\", 10)", "1" },
    { "NEAR(China-Pakistan gwadar, 3)",
      "NEAR(\"China Pakistan\" \"gwadar\", 3)", "2" },
    { "near(kabul doha)", "\"near\" AND \"kabul\" AND \"doha\"", "" },
    { "kabul -NEAR(haqqani doha)",
      "\"kabul\" NOT NEAR(\"haqqani\" \"doha\", 10)", "4" },
    /* title: is a column filter */
    { "title:dialogue", "{title} : \"dialogue\"", "2" },
    { "TITLE:dialogue", "{title} : \"dialogue\"", "2" },
    { "title:\"network talks\"", "{title} : \"network talks\"", "1" },
    { "title:dial*", "{title} : \"dial\"*", "2" },
    { "talks -title:network", "\"talks\" NOT {title} : \"network\"", "5" },
    { "title: dialogue", "{title} : \"dialogue\"", "2" },
    { "kabul OR title:dialogue", "\"kabul\" OR {title} : \"dialogue\"",
      "1 2 4" },
    /* filters leave the expression */
    { "kabul author:kugelman", "\"kabul\"", "1 4" },
    { "author:kugelman", NULL, NULL },
    { "topic:cpec date:2019", NULL, NULL },
    { "kabul author:kugelman (doha OR gwadar)",
      "\"kabul\" AND (\"doha\" OR \"gwadar\")", "1" },
    /* linting */
    { "China-Pakistan", "\"China Pakistan\"", "2" },
    { "China–Pakistan", "\"China Pakistan\"", "2" },
    { "U.S.", "\"U.S\"", "3" },
    { "F-16", "\"F 16\"", "3" },
    { "9/11", "\"9 11\"", "4" },
    { "don't", "\"don't\"", "3" },
    { "C++", "\"C\"", "5" },
    { "-haqqani", "\"haqqani\"", "1" },
    { "AND", "\"AND\"", "1 2 3 5" },
    { "OR", "\"OR\"", "5" },
    { "NOT", "\"NOT\"", "" },
    { "OR kabul", "\"kabul\"", "1 4" },
    { "kabul OR", "\"kabul\"", "1 4" },
    { "kabul AND", "\"kabul\"", "1 4" },
    { "kabul NOT", "\"kabul\"", "1 4" },
    { "(OR kabul AND)", "\"kabul\"", "1 4" },
    { "kabul OR OR doha", "\"kabul\" OR \"doha\"", "1 4 5" },
    { "kabul - doha", "\"kabul\" AND \"doha\"", "1" },
    { "kabul --doha", "\"kabul\" AND \"doha\"", "1" },
    { "Pakistan:Economic", "\"Pakistan Economic\"", "2" },
    { "http://gwadar.example", "\"http gwadar example\"", "" },
    /* hostile input */
    { "'; DROP TABLE articles; --",
      "\"DROP\" AND \"TABLE\" AND \"articles\"", "" },
    { "kabul {title}:x", "\"kabul\" AND \"title x\"", "" },
    { "kabul^ +doha", "\"kabul\" AND \"doha\"", "1" },
    { "NEAR/3 kabul", "\"NEAR 3\" AND \"kabul\"", "" },
    { "kabul ** doha", "\"kabul\" AND \"doha\"", "1" },
    /* synonyms */
    { "ISI", "(\"ISI\" OR \"Inter Services Intelligence\")", "4" },
    { "inter-services intelligence kabul",
      "\"inter services\" AND \"intelligence\" AND \"kabul\"", "4" },
    { "\"inter-services intelligence\"",
      "(\"ISI\" OR \"Inter Services Intelligence\")", "4" },
    { "\"line of control\"", "(\"LoC\" OR \"Line of Control\")", "3" },
    { "uav", "(\"drone\" OR \"UAV\" OR \"unmanned aerial vehicle\")", "5" },
    { "kabul -cpec",
      "\"kabul\" NOT (\"CPEC\" OR \"China Pakistan Economic Corridor\")",
      "1 4" },
    { "title:cpec",
      "{title} : (\"CPEC\" OR \"China Pakistan Economic Corridor\")", "2" },
    { "ISI*", "\"ISI\"*", "" },
    { "\"ISI chief\"", "\"ISI chief\"", "" },
    { "NEAR(ISI chief)", "NEAR(\"ISI\" \"chief\", 10)", "" },
};

START_TEST(test_each_query_gives_its_match_and_hits)
{
    const struct match_case *c = &match_cases[_i];
    struct tl_query q;

    parse_ok(c->query, 0, &q);
    if (c->match == NULL) {
        ck_assert_msg(q.match == NULL, "'%s' gave '%s'", c->query, q.match);
        ck_assert_ptr_null(q.any_match);
    } else {
        ck_assert_msg(q.match != NULL && strcmp(q.match, c->match) == 0,
                      "'%s' gave '%s', want '%s'", c->query,
                      q.match != NULL ? q.match : "(null)", c->match);
        ck_assert_msg(only_generated_syntax(q.match), "'%s'", q.match);
        ck_assert_msg(strcmp(hits(q.match), c->hits) == 0,
                      "'%s' found '%s', want '%s'", c->query, hits(q.match),
                      c->hits);
        ck_assert_ptr_nonnull(q.any_match);
        ck_assert_msg(only_generated_syntax(q.any_match), "'%s'",
                      q.any_match);
        hits(q.any_match);      /* FTS5 accepts it */
    }
    tl_query_release(&q);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

struct error_case {
    const char *query;
    const char *message;
};

#define NEAR_EG "e.g. NEAR(haqqani kabul, 5)"

static const struct error_case error_cases[] = {
    { "\"", "query position 1: unclosed quote; add a closing \" or remove "
      "it" },
    { "kabul \"peace talks", "query position 7: unclosed quote; add a "
      "closing \" or remove it" },
    { "kabul\"doha", "query position 6: unclosed quote; add a closing \" or "
      "remove it" },
    { "Pešāwar \"", "query position 9: unclosed quote; add a closing \" or "
      "remove it" },
    { "", "query position 1: nothing to search for; a word needs a letter "
      "or a digit" },
    { "*", "query position 1: nothing to search for; a word needs a letter "
      "or a digit" },
    { "   ;;; -- ", "query position 4: nothing to search for; a word needs "
      "a letter or a digit" },
    { "()", "query position 1: nothing to search for; a word needs a "
      "letter or a digit" },
    { "NEAR(", "query position 1: NEAR needs at least two words, "
      NEAR_EG },
    { "NEAR()", "query position 1: NEAR needs at least two words, "
      NEAR_EG },
    { "kabul NEAR(haqqani)", "query position 7: NEAR needs at least two "
      "words, " NEAR_EG },
    { "NEAR(haqqani --, 5)", "query position 1: NEAR needs at least two "
      "words, " NEAR_EG },
    { "kabul NEAR(haqqani kabul", "query position 7: unclosed NEAR(; add a "
      "closing ), " NEAR_EG },
    { "NEAR(haqqani kabul, 5", "query position 1: unclosed NEAR(; add a "
      "closing ), " NEAR_EG },
    { "NEAR(haqqani kabul, five)", "query position 21: NEAR's distance "
      "must be a whole number from 0 to 10000; " NEAR_EG },
    { "NEAR(haqqani kabul, 99999)", "query position 21: NEAR's distance "
      "must be a whole number from 0 to 10000; " NEAR_EG },
    { "NEAR(haqqani kabul, -5)", "query position 21: NEAR's distance must "
      "be a whole number from 0 to 10000; " NEAR_EG },
    { "NEAR(haqqani kabul,)", "query position 20: NEAR's distance must be "
      "a whole number from 0 to 10000; " NEAR_EG },
    { "NEAR(haqqani kabul, 5 doha)", "query position 23: NEAR's distance "
      "must come last, before the ); " NEAR_EG },
    { "NEAR(haqqani OR kabul)", "query position 14: NEAR( takes only words "
      "and \"phrases\", then a distance; " NEAR_EG },
    { "NEAR(haqqani -kabul)", "query position 14: NEAR( takes only words "
      "and \"phrases\", then a distance; " NEAR_EG },
    { "NEAR(haqqani (kabul))", "query position 14: NEAR( takes only words "
      "and \"phrases\", then a distance; " NEAR_EG },
    { "NEAR(haqqani NEAR(a b))", "query position 14: NEAR( takes only "
      "words and \"phrases\", then a distance; " NEAR_EG },
    { "NEAR(haqqani title:talks)", "query position 14: NEAR( takes only "
      "words and \"phrases\", then a distance; " NEAR_EG },
    { "((((", "query position 4: unclosed parenthesis; add a closing ) or "
      "remove the (" },
    { "(kabul (doha)", "query position 1: unclosed parenthesis; add a "
      "closing ) or remove the (" },
    { "kabul)", "query position 6: unmatched ); remove it or add a ( "
      "before it" },
    { ")", "query position 1: unmatched ); remove it or add a ( before "
      "it" },
    { "haqqani kab autor:x", "query position 13: unknown filter 'autor:' "
      "(filters: author:, topic:, title:, date:)" },
    { "kabul tpoic:\"cpec\"", "query position 7: unknown filter 'tpoic:' "
      "(filters: author:, topic:, title:, date:)" },
    { "date:2019-13", "query position 6: bad date '2019-13' in date: (want "
      "YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B)" },
    { "kabul date:2018..2019-13", "query position 18: bad date '2019-13' "
      "in date: (want YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B)" },
    { "date:..", "query position 6: bad date '..' in date: (want YYYY, "
      "YYYY-MM or YYYY-MM-DD, or a range A..B)" },
    { "date:2019-02-30", "query position 6: bad date '2019-02-30' in date: "
      "(want YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B)" },
    { "date:2018...2019", "query position 12: bad date '.2019' in date: "
      "(want YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B)" },
    { "kabul date:2019..2018", "query position 12: date range '2019..2018' "
      "ends before it starts; write the earlier date first" },
    { "date:2018 date:2019 kabul", "query position 11: date: given twice; "
      "give one range instead, e.g. date:2018..2019" },
    { "author:", "query position 1: author: needs a value right after the "
      "colon, e.g. author:kugelman" },
    { "kabul topic: )", "query position 7: topic: needs a value right after "
      "the colon, e.g. topic:cpec" },
    { "title: OR kabul", "query position 1: title: needs a value right "
      "after the colon, e.g. title:dialogue" },
    { "kabul author:\"\"", "query position 7: author: needs a value, e.g. "
      "author:kugelman" },
    { "kabul author:\"Huma", "query position 14: unclosed quote; add a "
      "closing \" or remove it" },
    { "-author:kugelman kabul", "query position 1: author: cannot be "
      "excluded (it keeps the articles it names); remove the -" },
    { "kabul NOT topic:cpec", "query position 7: topic: cannot be excluded "
      "(it keeps the articles it names); remove the NOT" },
    { "(author:kugelman kabul)", "query position 2: author: applies to the "
      "whole query, so it cannot go inside parentheses; move it out" },
    { "kabul author:kugelman OR doha", "query position 7: author: applies "
      "to the whole query, so it cannot be a side of OR; put the OR in "
      "parentheses, e.g. author:kugelman (cpec OR gwadar)" },
    { "NOT kabul", "query position 1: a query needs at least one word to "
      "find; NOT only excludes" },
    { "-kabul -doha", "query position 1: a query needs at least one word to "
      "find; NOT only excludes" },
    { "-haqqani author:kugelman", "query position 1: a query needs at "
      "least one word to find; NOT only excludes" },
    { "-\"peace talks\"", "query position 1: a query needs at least one "
      "word to find; NOT only excludes" },
    { "  -(kabul)", "query position 3: a query needs at least one "
      "word to find; NOT only excludes" },
    { "kabul OR -doha", "query position 10: NOT cannot be an alternative "
      "of OR, since it only excludes; exclude from the whole group instead, "
      "e.g. (cpec OR gwadar) -china" },
    { "kabul OR NOT doha", "query position 10: NOT cannot be an alternative "
      "of OR, since it only excludes; exclude from the whole group instead, "
      "e.g. (cpec OR gwadar) -china" },
    { "kabul OR (-doha -gwadar)", "query position 11: a group needs at "
      "least one word to find; NOT only excludes" },
};

START_TEST(test_each_bad_query_names_its_position)
{
    const struct error_case *c = &error_cases[_i];
    const char *msg = parse_error(c->query);

    ck_assert_msg(strcmp(msg, c->message) == 0, "'%s' gave '%s', want '%s'",
                  c->query, msg, c->message);
}
END_TEST

/* ---- notes -------------------------------------------------------------- */

struct note_case {
    const char *query;
    const char *notes;          /* joined by " | " */
};

static const struct note_case note_cases[] = {
    { "China-Pakistan corridor", "searched China-Pakistan as a phrase" },
    { "F-16 9/11", "searched F-16 as a phrase | searched 9/11 as a phrase" },
    { "title:China-Pakistan", "searched China-Pakistan as a phrase" },
    { "NEAR(U.S.-Pakistan talks)", "searched U.S.-Pakistan as a phrase | "
      "searched U.S. as us" },
    /* single letters joined by dots are one word, and said so */
    { "U.S. kabul", "searched U.S. as us" },
    { "\"U.N. talks\" doha", "searched U.N. as un" },
    { "title:U.K.", "searched U.K. as uk" },
    { "U.S. OR U.S. -U.N.", "searched U.S. as us | searched U.N. as un" },
    { "-haqqani", "searched -haqqani as a word: '-' excludes a word, and "
      "there is nothing else to find" },
    { "OR", "searched OR as a word" },
    { "NOT", "searched NOT as a word" },
    { "OR kabul", "ignored OR at position 1: nothing before it" },
    { "kabul OR", "ignored OR at position 7: nothing after it" },
    { "kabul AND", "ignored AND at position 7: nothing after it" },
    { "kabul NOT", "ignored NOT at position 7: nothing after it" },
    { "(kabul OR) doha", "ignored OR at position 8: nothing after it" },
    { "Pešāwar OR", "ignored OR at position 9: nothing after it" },
    { "author: kugelman kabul", "read 'author: kugelman' as "
      "author:kugelman" },
    { "title: \"peace talks\"", "read 'title: \"peace talks\"' as "
      "title:\"peace talks\"" },
    /* no note: these just work */
    { "don't C++ kabul AND doha \"peace talks\" ISI", "" },
    { "kabul -doha", "" },
};

START_TEST(test_each_rewrite_is_noted)
{
    const struct note_case *c = &note_cases[_i];
    struct tl_query q;
    const char *got;

    parse_ok(c->query, 0, &q);
    got = joined(q.notes, q.n_notes);
    ck_assert_msg(strcmp(got, c->notes) == 0, "'%s' noted '%s', want '%s'",
                  c->query, got, c->notes);
    tl_query_release(&q);
}
END_TEST

/* ---- passages that would score 0 ---------------------------------------- */

struct zero_case {
    const char *query;
    int zero;                   /* zero_scores */
    int any_zero;               /* any_zero_scores */
};

static const struct zero_case zero_cases[] = {
    /* every match holds a word that counts */
    { "haqqani", 0, 0 },
    { "the haqqani", 0, 0 },            /* --any leaves "the" out */
    { "haqqani -the", 0, 0 },
    { "\"the network\"", 0, 0 },        /* a phrase of two words */
    { "NEAR(the haqqani)", 0, 0 },
    { "the OR haqqani", 1, 1 },
    { "(the OR kabul) (of OR doha)", 1, 1 },
    { "haqqani (the OR kabul)", 0, 1 },
    { "title:the haqqani", 0, 0 },
    { "title:the kabul doha", 0, 0 },   /* --any: the title: word stays */
    { "title:haqqani the", 0, 0 },
    /* only stopwords: they are counted, nothing is left out */
    { "the", 0, 0 },
    { "the OR of", 0, 0 },
    { "the -haqqani", 0, 0 },
    /* a prefix or a synonym group is never taken for a stopword */
    { "th* OR haqqani", 0, 0 },
    { "the OR ISI", 1, 1 },
};

START_TEST(test_stopword_only_matches_are_flagged)
{
    const struct zero_case *c = &zero_cases[_i];
    struct tl_query q;

    parse_ok(c->query, 0, &q);
    ck_assert_msg(q.zero_scores == c->zero && q.any_zero_scores
                  == c->any_zero, "'%s': zero %d any %d, want %d %d",
                  c->query, q.zero_scores, q.any_zero_scores, c->zero,
                  c->any_zero);
    tl_query_release(&q);
    parse_ok(c->query, TL_QUERY_ANY, &q);
    ck_assert_msg(q.zero_scores == c->any_zero, "'%s' with TL_QUERY_ANY: "
                  "zero %d, want %d", c->query, q.zero_scores, c->any_zero);
    tl_query_release(&q);
}
END_TEST

/* ---- filters ------------------------------------------------------------ */

START_TEST(test_filters_are_collected)
{
    struct tl_query q;

    parse_ok("author:kugelman Author:\"Huma Yusuf\" kabul topic:cpec "
             "topic:\"Tribal areas\" date:2019-07", 0, &q);
    ck_assert_str_eq(q.match, "\"kabul\"");
    ck_assert_str_eq(joined(q.authors, q.n_authors), "kugelman | Huma Yusuf");
    ck_assert_str_eq(joined(q.topics, q.n_topics), "cpec | Tribal areas");
    ck_assert_int_eq(q.since.precision, TL_DATE_MONTH);
    ck_assert_int_eq(q.since.year, 2019);
    ck_assert_int_eq(q.since.month, 7);
    ck_assert_int_eq(q.until.precision, TL_DATE_MONTH);
    ck_assert_int_eq(q.until.year, 2019);
    ck_assert_int_eq(q.until.month, 7);
    tl_query_release(&q);
}
END_TEST

START_TEST(test_date_ranges_may_be_open)
{
    struct tl_query q;

    parse_ok("date:2018..2019", 0, &q);
    ck_assert_int_eq(q.since.precision, TL_DATE_YEAR);
    ck_assert_int_eq(q.since.year, 2018);
    ck_assert_int_eq(q.until.precision, TL_DATE_YEAR);
    ck_assert_int_eq(q.until.year, 2019);
    parse_ok("kabul date:..2019-07-04", 0, &q);
    ck_assert_int_eq(q.since.precision, TL_DATE_NONE);
    ck_assert_int_eq(q.until.precision, TL_DATE_DAY);
    ck_assert_int_eq(q.until.day, 4);
    tl_query_release(&q);
    parse_ok("kabul date:2018-02..", 0, &q);
    ck_assert_int_eq(q.since.precision, TL_DATE_MONTH);
    ck_assert_int_eq(q.since.month, 2);
    ck_assert_int_eq(q.until.precision, TL_DATE_NONE);
    tl_query_release(&q);
    parse_ok("date:2019-03..2019", 0, &q);      /* within one year: fine */
    ck_assert_int_eq(q.since.month, 3);
    ck_assert_int_eq(q.until.precision, TL_DATE_YEAR);
    tl_query_release(&q);
    parse_ok("kabul", 0, &q);
    ck_assert_int_eq(q.since.precision, TL_DATE_NONE);
    ck_assert_int_eq(q.until.precision, TL_DATE_NONE);
    ck_assert_uint_eq(q.n_authors, 0);
    ck_assert_uint_eq(q.n_topics, 0);
    tl_query_release(&q);
}
END_TEST

/* ---- words, --any ------------------------------------------------------- */

START_TEST(test_words_are_the_phrases_searched_for)
{
    struct tl_query q;

    parse_ok("haqqani \"peace talks\" -doha China-Pakistan negot* "
             "NEAR(kabul chief) title:dialogue ISI Haqqani haqqani "
             "-(gwadar OR karachi)", 0, &q);
    ck_assert_str_eq(joined(q.words, q.n_words), "haqqani | peace talks | "
                     "China Pakistan | negot* | kabul | chief | dialogue | "
                     "ISI | Haqqani");
    tl_query_release(&q);
    parse_ok("author:kugelman", 0, &q);
    ck_assert_uint_eq(q.n_words, 0);
    tl_query_release(&q);
}
END_TEST

START_TEST(test_any_ors_the_top_level_words)
{
    struct tl_query q;

    parse_ok("haqqani gwadar", TL_QUERY_ANY, &q);
    ck_assert_str_eq(q.match, "\"haqqani\" OR \"gwadar\"");
    ck_assert_str_eq(q.any_match, q.match);
    ck_assert_str_eq(hits(q.match), "1 2");
    tl_query_release(&q);
    parse_ok("kabul gwadar title:dialogue -doha", TL_QUERY_ANY, &q);
    ck_assert_str_eq(q.match, "((\"kabul\" OR \"gwadar\") AND {title} : "
                     "\"dialogue\") NOT \"doha\"");
    ck_assert_str_eq(hits(q.match), "2");
    tl_query_release(&q);
    parse_ok("kabul gwadar -doha", TL_QUERY_ANY, &q);
    ck_assert_str_eq(q.match, "(\"kabul\" OR \"gwadar\") NOT \"doha\"");
    ck_assert_str_eq(hits(q.match), "2 4");
    tl_query_release(&q);
    parse_ok("kabul (doha gwadar)", TL_QUERY_ANY, &q);
    ck_assert_str_eq(q.match, "\"kabul\" OR \"doha\" OR \"gwadar\"");
    tl_query_release(&q);
    parse_ok("kabul (doha OR gwadar)", TL_QUERY_ANY, &q);
    ck_assert_str_eq(q.match, "\"kabul\" OR (\"doha\" OR \"gwadar\")");
    ck_assert_str_eq(hits(q.match), "1 2 4 5");
    tl_query_release(&q);
}
END_TEST

START_TEST(test_any_match_is_there_without_the_flag)
{
    struct tl_query q;

    parse_ok("haqqani gwadar", 0, &q);
    ck_assert_str_eq(q.match, "\"haqqani\" AND \"gwadar\"");
    ck_assert_str_eq(hits(q.match), "");
    ck_assert_str_eq(q.any_match, "\"haqqani\" OR \"gwadar\"");
    ck_assert_str_eq(hits(q.any_match), "1 2");
    tl_query_release(&q);
    parse_ok("kabul OR doha", 0, &q);
    ck_assert_str_eq(q.any_match, q.match);
    tl_query_release(&q);
}
END_TEST

/* --any leaves the plain stopwords out of the OR when another word is
 * there (they weigh 0 beside it); a list of stopwords only keeps them,
 * and so do the all-words match, a title: word and a synonym group. */
START_TEST(test_any_leaves_stopwords_out_beside_other_words)
{
    struct tl_query q;

    parse_ok("why did the talks in kabul fail", TL_QUERY_ANY, &q);
    ck_assert_str_eq(q.match, "\"talks\" OR \"kabul\" OR \"fail\"");
    tl_query_release(&q);
    parse_ok("the kabul", 0, &q);
    ck_assert_str_eq(q.match, "\"the\" AND \"kabul\"");
    ck_assert_str_eq(q.any_match, "\"kabul\"");
    tl_query_release(&q);
    parse_ok("the of", TL_QUERY_ANY, &q);
    ck_assert_str_eq(q.match, "\"the\" OR \"of\"");
    tl_query_release(&q);
    parse_ok("title:the kabul why", TL_QUERY_ANY, &q);
    ck_assert_msg(strstr(q.match, "{title} : \"the\"") != NULL, "%s",
                  q.match);
    ck_assert_msg(strstr(q.match, "\"why\"") == NULL, "%s", q.match);
    tl_query_release(&q);
    parse_ok("the OR kabul", TL_QUERY_ANY, &q);   /* an OR the user wrote */
    ck_assert_str_eq(q.match, "\"the\" OR \"kabul\"");
    tl_query_release(&q);
}
END_TEST

START_TEST(test_no_synonyms_without_a_thesaurus)
{
    struct tl_error err = { 0 };
    struct tl_query q;

    tl_query_init(&q);
    ck_assert_int_eq(tl_query_parse(unit_db, "ISI kabul", 0, NULL, &q, &err),
                     TL_OK);
    ck_assert_str_eq(q.match, "\"ISI\" AND \"kabul\"");
    ck_assert_str_eq(hits(q.match), "");
    tl_query_release(&q);
}
END_TEST

START_TEST(test_release_accepts_null_and_reparse_resets)
{
    struct tl_error err = { 0 };
    struct tl_query q;

    tl_query_release(NULL);
    parse_ok("kabul author:kugelman", 0, &q);
    /* parsing into a used query starts afresh; a failure leaves it empty */
    ck_assert_int_eq(tl_query_parse(unit_db, "doha", 0, syn, &q, &err),
                     TL_OK);
    ck_assert_str_eq(q.match, "\"doha\"");
    ck_assert_uint_eq(q.n_authors, 0);
    ck_assert_int_eq(tl_query_parse(unit_db, "doha \"", 0, syn, &q, &err),
                     TL_ERR_QUERY);
    ck_assert_ptr_null(q.match);
    ck_assert_ptr_null(q.words);
    ck_assert_int_eq(tl_query_parse(unit_db, NULL, 0, syn, &q, &err),
                     TL_ERR_QUERY);
    tl_query_release(&q);
}
END_TEST

/* ---- hostile input ------------------------------------------------------ */

/* Parses text: either it is accepted and FTS5 runs its expression, or it
 * is refused with a position. */
static void
runs_or_refuses(const char *text)
{
    struct tl_error err = { 0 };
    struct tl_query q;
    enum tl_status st;

    tl_query_init(&q);
    st = tl_query_parse(unit_db, text, 0, syn, &q, &err);
    if (st == TL_OK) {
        if (q.match != NULL) {
            ck_assert_msg(only_generated_syntax(q.match), "'%s' gave '%s'",
                          text, q.match);
            hits(q.match);
            hits(q.any_match);
        }
    } else {
        ck_assert_msg(st == TL_ERR_QUERY, "'%s': %d %s", text, st, err.msg);
        ck_assert_msg(strncmp(err.msg, "query position ", 15) == 0,
                      "'%s': %s", text, err.msg);
        ck_assert_ptr_null(strchr(err.msg, '\n'));
    }
    tl_query_release(&q);
}

START_TEST(test_every_punctuation_character_runs_or_is_refused)
{
    static const char *const forms[] = { "%c", "kabul %c", "%c kabul",
                                         "kabul%cdoha", "%ckabul", "kabul%c",
                                         "%c%c%c", "(%c)", "\"%c\"",
                                         "NEAR(kabul %c doha)",
                                         "title:%c kabul", "-%c kabul" };
    char text[64];

    for (int c = 33; c < 127; c++) {
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z'))
            continue;
        for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
            snprintf(text, sizeof text, forms[f], c, c, c);
            runs_or_refuses(text);
        }
    }
    runs_or_refuses("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
    runs_or_refuses("kabul !#$%&'*+,-./:;<=>?@[\\]^_`{|}~ doha");
}
END_TEST

START_TEST(test_hostile_queries_run_or_are_refused)
{
    static const char *const queries[] = {
        "U.S.", "F-16", "9/11", "don't", "C++", "AND", "\"", "*", "NEAR(",
        "((((", "))))", "'; DROP TABLE articles; --", "\"\"\"\"",
        "kabul\" OR \"1\"=\"1", "NEAR(NEAR(", "NEAR(,)", "NEAR(a,b,c)",
        "title:", "title:*", "title:\"\"", "date:", "date:2019..2019..2020",
        "-", "--", "- -", "-(", "-()", "-\"\"", "NOT NOT", "OR AND NOT",
        "a OR OR OR b", "AND OR", "((a) OR (b)) -((c))", "x:y:z", "::",
        "author:a:b kabul", "\t\n\r kabul\v\f", "kabul\xff\xfe doha",
        "\xc3", "Pakistan’s", "\"Pakistan’s army\"", "ÄÖÜ", "日本 kabul",
        "NEAR(\"\" \"\")", "kabul NEAR(a b, 0)", "{title}: kabul",
        "body:kabul", "rowid:1", "passages_fts:kabul", "kabul AND NOT doha",
    };

    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        runs_or_refuses(queries[i]);
}
END_TEST

/* A query of n copies of unit (each with "%d" for its index). */
static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    struct tl_buf b;

    tl_buf_init(&b, 0);
    ck_assert_int_eq(tl_buf_append(&b, head, strlen(head)), TL_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(tl_buf_appendf(&b, unit, i), TL_OK);
    ck_assert_int_eq(tl_buf_append(&b, tail, strlen(tail)), TL_OK);
    return b.data;
}

START_TEST(test_ten_thousand_terms_run)
{
    struct tl_query q;
    char *text;

    text = repeat("kabul", " w%zu", 10000, "");
    parse_ok(text, 0, &q);
    ck_assert_uint_eq(q.n_words, 10001);
    ck_assert_str_eq(hits(q.match), "");
    ck_assert_str_eq(hits(q.any_match), "1 4");
    tl_query_release(&q);
    free(text);
    text = repeat("kabul", " OR w%zu", 10000, "");
    parse_ok(text, 0, &q);
    ck_assert_str_eq(hits(q.match), "1 4");
    tl_query_release(&q);
    free(text);
    text = repeat("kabul", " -w%zu", 10000, "");
    parse_ok(text, 0, &q);
    ck_assert_str_eq(hits(q.match), "1 4");
    tl_query_release(&q);
    free(text);
    text = repeat("kabul", " OR", 10000, "");
    parse_ok(text, 0, &q);
    ck_assert_str_eq(q.match, "\"kabul\"");
    ck_assert_uint_eq(q.n_notes, TL_QUERY_NOTES_MAX + 1);
    ck_assert_str_eq(q.notes[0], "ignored OR at position 7: nothing after "
                     "it");
    ck_assert_str_eq(q.notes[TL_QUERY_NOTES_MAX], "more rewrites like these "
                     "not shown");
    tl_query_release(&q);
    free(text);
    text = repeat("", "NOT NOT ", 10000, "kabul");
    parse_ok(text, 0, &q);
    ck_assert_str_eq(q.match, "\"kabul\"");
    tl_query_release(&q);
    free(text);
}
END_TEST

START_TEST(test_deep_nesting_is_refused_not_recursed)
{
    char *text = repeat("", "(", 100, "kabul");
    char want[128];

    snprintf(want, sizeof want, "query position %d: more than %d nested "
             "parentheses; remove some", TL_QUERY_DEPTH_MAX + 1,
             TL_QUERY_DEPTH_MAX);
    ck_assert_str_eq(parse_error(text), want);
    free(text);
    text = repeat("", "(", 100000, "");
    ck_assert_str_eq(parse_error(text), want);
    free(text);
}
END_TEST

/* The deepest nesting allowed, in the shapes that need the most of FTS5's
 * parser stack, is still accepted by FTS5. */
START_TEST(test_deepest_nesting_allowed_runs_in_fts5)
{
    static const char *const shapes[][2] = {
        { "kabul OR (", "title:cpec ISI -doha (" },
        { "ISI -doha (", "kabul OR title:cpec OR (" },
        { "(", "(" },
        { "NOT (kabul OR (doha ", "-gwadar ((" },
        { "kabul OR (", "ISI -doha -gwadar (" },
        { "kabul -(", "doha -(" },
    };

    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        struct tl_buf b;
        struct tl_query q;
        int depth = 0;

        tl_buf_init(&b, 0);
        ck_assert_int_eq(tl_buf_append(&b, "kabul ", 6), TL_OK);
        for (int i = 0; depth < TL_QUERY_DEPTH_MAX; i++) {
            const char *u = shapes[s][i % 2];
            for (const char *c = u; *c != '\0'; c++)
                depth += *c == '(';
            if (depth > TL_QUERY_DEPTH_MAX)
                break;
            ck_assert_int_eq(tl_buf_append(&b, u, strlen(u)), TL_OK);
        }
        ck_assert_int_eq(tl_buf_append(&b, "gwadar", 6), TL_OK);
        for (size_t i = 0, n = b.len; i < n; i++)
            if (b.data[i] == '(')
                ck_assert_int_eq(tl_buf_append(&b, ")", 1), TL_OK);
        parse_ok(b.data, 0, &q);
        hits(q.match);
        hits(q.any_match);
        tl_query_release(&q);
        tl_buf_release(&b);
    }
}
END_TEST

START_TEST(test_a_query_too_long_is_refused)
{
    char *text = malloc(TL_QUERY_MAX + 2);

    ck_assert_ptr_nonnull(text);
    memset(text, 'a', TL_QUERY_MAX + 1);
    text[TL_QUERY_MAX + 1] = '\0';
    ck_assert_ptr_nonnull(strstr(parse_error(text), "query position 1: the "
                                 "query is too long"));
    free(text);
}
END_TEST

START_TEST(test_quotes_in_phrases_never_escape)
{
    struct tl_query q;

    /* a phrase cannot hold '"' (it ends the phrase), so user text can
     * never close an FTS5 string early */
    parse_ok("\"kabul\"\"doha\"", 0, &q);
    ck_assert_str_eq(q.match, "\"kabul\" AND \"doha\"");
    tl_query_release(&q);
    parse_ok("\"kabul\" OR \"1\"", 0, &q);
    ck_assert_str_eq(q.match, "\"kabul\" OR \"1\"");
    ck_assert_str_eq(hits(q.match), "1 4");
    tl_query_release(&q);
}
END_TEST

Suite *
query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("table");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_each_query_gives_its_match_and_hits, 0,
                        (int)(sizeof match_cases / sizeof *match_cases));
    tcase_add_loop_test(tc, test_each_bad_query_names_its_position, 0,
                        (int)(sizeof error_cases / sizeof *error_cases));
    tcase_add_loop_test(tc, test_each_rewrite_is_noted, 0,
                        (int)(sizeof note_cases / sizeof *note_cases));
    tcase_add_loop_test(tc, test_stopword_only_matches_are_flagged, 0,
                        (int)(sizeof zero_cases / sizeof *zero_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("parts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_filters_are_collected);
    tcase_add_test(tc, test_date_ranges_may_be_open);
    tcase_add_test(tc, test_words_are_the_phrases_searched_for);
    tcase_add_test(tc, test_any_ors_the_top_level_words);
    tcase_add_test(tc, test_any_match_is_there_without_the_flag);
    tcase_add_test(tc, test_any_leaves_stopwords_out_beside_other_words);
    tcase_add_test(tc, test_no_synonyms_without_a_thesaurus);
    tcase_add_test(tc, test_release_accepts_null_and_reparse_resets);
    tcase_add_test(tc, test_quotes_in_phrases_never_escape);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_punctuation_character_runs_or_is_refused);
    tcase_add_test(tc, test_hostile_queries_run_or_are_refused);
    tcase_add_test(tc, test_ten_thousand_terms_run);
    tcase_add_test(tc, test_deep_nesting_is_refused_not_recursed);
    tcase_add_test(tc, test_deepest_nesting_allowed_runs_in_fts5);
    tcase_add_test(tc, test_a_query_too_long_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
