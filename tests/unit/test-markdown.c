/* test-markdown.c - front matter, and plain text from Markdown blocks. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "markdown.h"

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

/* ---- stripping ------------------------------------------------------- */

static int last_heading;

/* The plain text of block (static buffer); its heading level in
 * last_heading. */
static const char *
strip(const char *block)
{
    static char text[4096];
    size_t n = strlen(block);
    char *p = exact(block, n);
    struct tl_buf out;
    struct tl_error err = { 0 };

    tl_buf_init(&out, 0);
    last_heading = -1;
    ck_assert_int_eq(tl_markdown_strip(p, n, &out, &last_heading, &err),
                     TL_OK);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_uint_eq(strlen(out.data), out.len);
    ck_assert_uint_lt(out.len, sizeof text);
    memcpy(text, out.data, out.len + 1);
    tl_buf_release(&out);
    free(p);
    return text;
}

START_TEST(test_atx_heading_marks_are_removed)
{
    ck_assert_str_eq(strip("## Talks resume"), "Talks resume");
    ck_assert_int_eq(last_heading, 2);
    ck_assert_str_eq(strip("# Title #"), "Title");
    ck_assert_int_eq(last_heading, 1);
    ck_assert_str_eq(strip("### Closing ######   "), "Closing");
    ck_assert_int_eq(last_heading, 3);
    ck_assert_str_eq(strip("###### Six"), "Six");
    ck_assert_int_eq(last_heading, 6);
    ck_assert_str_eq(strip("  # Indented"), "Indented");
    ck_assert_int_eq(last_heading, 1);
}
END_TEST

START_TEST(test_hashes_that_are_not_headings_stay)
{
    ck_assert_str_eq(strip("####### seven"), "####### seven");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip("#hashtag trending"), "#hashtag trending");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip("# Learning C#"), "Learning C#");
    ck_assert_str_eq(strip("# Issue \\#5"), "Issue #5");
    ck_assert_str_eq(strip("Item #3 of the list"), "Item #3 of the list");
}
END_TEST

START_TEST(test_setext_underlines_are_removed)
{
    ck_assert_str_eq(strip("Main title\n=========="), "Main title");
    ck_assert_int_eq(last_heading, 1);
    ck_assert_str_eq(strip("Section\n---"), "Section");
    ck_assert_int_eq(last_heading, 2);
    ck_assert_str_eq(strip("Two line\nheading\n="), "Two line\nheading");
    ck_assert_int_eq(last_heading, 1);
    /* under a list item or a quote, --- is a rule (CommonMark) */
    ck_assert_str_eq(strip("- item\n---"), "item");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip("> quoted\n---"), "quoted");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip("text\n> ==="), "text\n===");
    ck_assert_int_eq(last_heading, 0);
}
END_TEST

START_TEST(test_heading_followed_by_text_is_not_a_heading_block)
{
    ck_assert_str_eq(strip("# Title\nFirst line of text."),
                     "Title\nFirst line of text.");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip("Title\n===\nText after."), "Title\nText after.");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip("Plain paragraph."), "Plain paragraph.");
    ck_assert_int_eq(last_heading, 0);
}
END_TEST

START_TEST(test_block_quote_marks_are_removed)
{
    ck_assert_str_eq(strip("> quoted line\n> and another"),
                     "quoted line\nand another");
    ck_assert_str_eq(strip("> > nested quote"), "nested quote");
    ck_assert_str_eq(strip(">no space"), "no space");
    ck_assert_str_eq(strip("> ## Quoted heading"), "Quoted heading");
    ck_assert_str_eq(strip("a > b"), "a > b");
}
END_TEST

START_TEST(test_list_markers_are_removed)
{
    ck_assert_str_eq(strip("- one\n* two\n+ three"), "one\ntwo\nthree");
    ck_assert_str_eq(strip("1. first\n2) second\n10. tenth"),
                     "first\nsecond\ntenth");
    ck_assert_str_eq(strip("  - indented\n    - deeper"), "indented\ndeeper");
    ck_assert_str_eq(strip("- [ ] open task\n- [x] done task"),
                     "open task\ndone task");
    ck_assert_str_eq(strip("> - quoted item"), "quoted item");
}
END_TEST

START_TEST(test_things_that_look_like_list_markers_stay)
{
    ck_assert_str_eq(strip("2019. was a hard year"), "2019. was a hard year");
    ck_assert_str_eq(strip("+1 for the motion"), "+1 for the motion");
    ck_assert_str_eq(strip("-5 degrees"), "-5 degrees");
    ck_assert_str_eq(strip("3.5 percent growth"), "3.5 percent growth");
    ck_assert_str_eq(strip("a - b - c"), "a - b - c");
}
END_TEST

START_TEST(test_emphasis_markers_are_removed)
{
    ck_assert_str_eq(strip("*a*"), "a");
    ck_assert_str_eq(strip("**a**"), "a");
    ck_assert_str_eq(strip("_a_"), "a");
    ck_assert_str_eq(strip("__a__"), "a");
    ck_assert_str_eq(strip("***a***"), "a");
    ck_assert_str_eq(strip("~~a~~"), "a");
    ck_assert_str_eq(strip("a *very* **bold** claim"), "a very bold claim");
    ck_assert_str_eq(strip("un*frigging*believable"), "unfriggingbelievable");
    ck_assert_str_eq(strip("*emphasis\nacross lines*"),
                     "emphasis\nacross lines");
}
END_TEST

START_TEST(test_nested_emphasis_is_removed)
{
    ck_assert_str_eq(strip("*a **b** c*"), "a b c");
    ck_assert_str_eq(strip("**a *b* c**"), "a b c");
    ck_assert_str_eq(strip("_a **b** c_"), "a b c");
    ck_assert_str_eq(strip("***strong** em*"), "strong em");
    ck_assert_str_eq(strip("~~**gone**~~"), "gone");
}
END_TEST

START_TEST(test_unbalanced_and_spaced_markers_stay)
{
    ck_assert_str_eq(strip("a * b"), "a * b");
    ck_assert_str_eq(strip("5 * 3 = 15"), "5 * 3 = 15");
    ck_assert_str_eq(strip("**unclosed"), "**unclosed");
    ck_assert_str_eq(strip("closed only**"), "closed only**");
    ck_assert_str_eq(strip("*a **b*"), "*a *b");   /* CommonMark: *a *<em>b</em> */
    ck_assert_str_eq(strip("~single~ tilde, ~5%"), "~single~ tilde, ~5%");
    ck_assert_str_eq(strip("* not a list*"), "not a list*");
}
END_TEST

START_TEST(test_intra_word_underscores_stay)
{
    ck_assert_str_eq(strip("snake_case_name"), "snake_case_name");
    ck_assert_str_eq(strip("call my_func_here now"), "call my_func_here now");
    ck_assert_str_eq(strip("_whole_ but not_this_one"), "whole but not_this_one");
}
END_TEST

START_TEST(test_code_spans_keep_their_text_verbatim)
{
    ck_assert_str_eq(strip("use `grep -r` here"), "use grep -r here");
    ck_assert_str_eq(strip("`a*b*c`"), "a*b*c");
    ck_assert_str_eq(strip("`*not emphasis*` but *this*"),
                     "*not emphasis* but this");
    ck_assert_str_eq(strip("`[not](link)` and `x_y_`"), "[not](link) and x_y_");
    ck_assert_str_eq(strip("``code with ` tick``"), "code with ` tick");
    ck_assert_str_eq(strip("` padded `"), "padded");
    ck_assert_str_eq(strip("`\\*` stays"), "\\* stays");
    ck_assert_str_eq(strip("an ` unmatched tick"), "an ` unmatched tick");
    ck_assert_str_eq(strip("```three``` `one`"), "three one");
}
END_TEST

START_TEST(test_links_keep_their_text)
{
    ck_assert_str_eq(strip("[text](http://example.org)"), "text");
    ck_assert_str_eq(strip("see [the report](http://x.org/r \"Report\") now"),
                     "see the report now");
    ck_assert_str_eq(strip("[a](<dest with space> 'title')"), "a");
    ck_assert_str_eq(strip("[wiki](https://en.example.org/Foo_(bar)) page"),
                     "wiki page");
    ck_assert_str_eq(strip("[empty]()"), "empty");
    ck_assert_str_eq(strip("[multi\nline](u)"), "multi\nline");
}
END_TEST

START_TEST(test_reference_links_keep_their_text)
{
    ck_assert_str_eq(strip("[full][ref] and [collapsed][]"),
                     "full and collapsed");
    /* a shortcut [label] cannot be told from prose brackets: kept */
    ck_assert_str_eq(strip("he said [sic] twice"), "he said [sic] twice");
}
END_TEST

START_TEST(test_link_text_may_contain_brackets_and_emphasis)
{
    ck_assert_str_eq(strip("[a [b] c](u)"), "a [b] c");
    ck_assert_str_eq(strip("**[a](u)**"), "a");
    ck_assert_str_eq(strip("[**a**](u)"), "a");
    ck_assert_str_eq(strip("*[a*](u)"), "*a*");    /* no match across */
    ck_assert_str_eq(strip("[`]`](u)"), "]");
}
END_TEST

START_TEST(test_links_do_not_nest)
{
    ck_assert_str_eq(strip("[a [b](c) d](e)"), "[a b d](e)");
}
END_TEST

START_TEST(test_broken_links_stay_as_text)
{
    ck_assert_str_eq(strip("[text](no close"), "[text](no close");
    ck_assert_str_eq(strip("[text] (space before)"), "[text] (space before)");
    ck_assert_str_eq(strip("closing] only"), "closing] only");
    ck_assert_str_eq(strip("[open only"), "[open only");
}
END_TEST

START_TEST(test_autolinks_keep_the_address)
{
    ck_assert_str_eq(strip("<https://example.org/a?b=c&d>"),
                     "https://example.org/a?b=c&d");
    ck_assert_str_eq(strip("mail <desk@example.org> today"),
                     "mail desk@example.org today");
}
END_TEST

START_TEST(test_images_leave_nothing)
{
    ck_assert_str_eq(strip("![a chart](chart.png)"), "");
    ck_assert_str_eq(strip("see ![x](i.png) here"), "see here");
    ck_assert_str_eq(strip("![x](i.png)\nCaption below"), "Caption below");
    ck_assert_str_eq(strip("![*em* alt](i.png) after"), "after");
    ck_assert_str_eq(strip("![ref image][img] after"), "after");
}
END_TEST

START_TEST(test_images_inside_links_leave_the_rest_of_the_text)
{
    ck_assert_str_eq(strip("[![badge](b.svg)](http://x.org)"), "");
    ck_assert_str_eq(strip("[see ![x](i.png) here](u)"), "see here");
    ck_assert_str_eq(strip("[![b](b.svg) Build](u) passes"),
                     "Build passes");
}
END_TEST

START_TEST(test_html_tags_are_removed_keeping_inner_text)
{
    ck_assert_str_eq(strip("a <span class=\"x > y\">word</span> b"),
                     "a word b");
    ck_assert_str_eq(strip("one<br>two<br/>three<BR />four"),
                     "one\ntwo\nthree\nfour");
    ck_assert_str_eq(strip("<p>one</p><p>two</p>"), "one two");
    ck_assert_str_eq(strip("x<em>y</em>z"), "xyz");
    ck_assert_str_eq(strip("<a href='u' data-x=1 hidden>link</a>"), "link");
    ck_assert_str_eq(strip("<!DOCTYPE html>text"), "text");
    ck_assert_str_eq(strip("before <img src=\"a.png\" alt=\"x\"> after"),
                     "before after");
}
END_TEST

START_TEST(test_html_comments_are_removed_with_their_content)
{
    ck_assert_str_eq(strip("shown <!-- hidden *note* --> too"),
                     "shown too");
    ck_assert_str_eq(strip("<!-- one\nline two -->after"), "after");
    ck_assert_str_eq(strip("<!-- never closed"), "<!-- never closed");
}
END_TEST

START_TEST(test_angle_brackets_that_are_not_html_stay)
{
    ck_assert_str_eq(strip("a < b and c > d"), "a < b and c > d");
    ck_assert_str_eq(strip("x <3 y"), "x <3 y");
    ck_assert_str_eq(strip("<not closed"), "<not closed");
}
END_TEST

START_TEST(test_backslash_escapes_are_decoded)
{
    ck_assert_str_eq(strip("\\*not emphasis\\*"), "*not emphasis*");
    ck_assert_str_eq(strip("\\[x\\](y)"), "[x](y)");
    ck_assert_str_eq(strip("\\# not a heading"), "# not a heading");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip("\\- not a list"), "- not a list");
    ck_assert_str_eq(strip("C:\\path\\to"), "C:\\path\\to");
    ck_assert_str_eq(strip("a\\\\b"), "a\\b");
    ck_assert_str_eq(strip("hard\\\nbreak"), "hard\nbreak");
}
END_TEST

START_TEST(test_horizontal_rules_leave_nothing)
{
    static const char *rules[] = {
        "---", "***", "___", "- - -", "* * *", "_____", "  ---  ",
    };

    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        ck_assert_str_eq(strip(rules[i]), "");
        ck_assert_int_eq(last_heading, 0);
    }
    ck_assert_str_eq(strip("# Title\n***\nText"), "Title\nText");
    ck_assert_str_eq(strip("--"), "--");
}
END_TEST

START_TEST(test_reference_definitions_leave_nothing)
{
    ck_assert_str_eq(strip("[ref]: http://example.org \"Title\""), "");
    ck_assert_str_eq(strip("[1]: http://a.org\n[2]: <http://b.org>"), "");
    ck_assert_str_eq(strip("Text\n[ref]: http://example.org"), "Text");
    ck_assert_str_eq(strip("[not a def] : x"), "[not a def] : x");
}
END_TEST

START_TEST(test_footnotes_keep_their_text)
{
    ck_assert_str_eq(strip("A claim[^1] here."), "A claim here.");
    ck_assert_str_eq(strip("[^1]: The source, page 4."),
                     "The source, page 4.");
}
END_TEST

START_TEST(test_character_references_are_decoded)
{
    ck_assert_str_eq(strip("AT&amp;T"), "AT&T");
    ck_assert_str_eq(strip("it&#8217;s &#x2019; &#X2019;"),
                     "it\xe2\x80\x99s \xe2\x80\x99 \xe2\x80\x99");
    ck_assert_str_eq(strip("a&nbsp;b&mdash;c"),
                     "a\xc2\xa0" "b\xe2\x80\x94" "c");
    ck_assert_str_eq(strip("&#0; &#xD800;"),
                     "\xef\xbf\xbd \xef\xbf\xbd");
    ck_assert_str_eq(strip("&unknown; & &amp &#;"),
                     "&unknown; & &amp &#;");
}
END_TEST

START_TEST(test_code_fences_keep_the_code)
{
    ck_assert_str_eq(strip("```c\nint *p = a_b;\n  [x](y)\n```"),
                     "int *p = a_b;\n  [x](y)");
    ck_assert_str_eq(strip("~~~\n**kept**\n~~~\nafter *it*"),
                     "**kept**\nafter it");
    ck_assert_str_eq(strip("```\nnever closed *x*"), "never closed *x*");
}
END_TEST

START_TEST(test_unicode_text_is_untouched)
{
    static const char text[] =
        "Caf\xc3\xa9 na\xc3\xafve \xe6\x9d\xb1\xe4\xba\xac "
        "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 "
        "\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87 "
        "\xf0\x9f\x98\x80 \xe2\x80\x9cquoted\xe2\x80\x9d";

    ck_assert_str_eq(strip(text), text);
    ck_assert_str_eq(strip("*\xe0\xa4\xa8\xe0\xa4\xae*"),
                     "\xe0\xa4\xa8\xe0\xa4\xae");
    ck_assert_str_eq(strip("_\xc3\xb1_"), "\xc3\xb1");
    /* curly quotes are punctuation: the stars still flank the word */
    ck_assert_str_eq(strip("\xe2\x80\x9c*quoted*\xe2\x80\x9d"),
                     "\xe2\x80\x9cquoted\xe2\x80\x9d");
    /* an underscore between letters of any script stays */
    ck_assert_str_eq(strip("\xc3\xa9_\xc3\xa9_\xc3\xa9"),
                     "\xc3\xa9_\xc3\xa9_\xc3\xa9");
}
END_TEST

START_TEST(test_lines_are_trimmed_and_empty_lines_dropped)
{
    ck_assert_str_eq(strip("line one  \n   line two\t"), "line one\nline two");
    ck_assert_str_eq(strip("one\r\ntwo\r\n"), "one\ntwo");
    ck_assert_str_eq(strip(""), "");
    ck_assert_int_eq(last_heading, 0);
    ck_assert_str_eq(strip(" \n\t\n"), "");
}
END_TEST

START_TEST(test_strip_appends_to_existing_text)
{
    struct tl_buf out;
    struct tl_error err = { 0 };

    tl_buf_init(&out, 0);
    ck_assert_int_eq(tl_buf_append(&out, "before|", 7), TL_OK);
    ck_assert_int_eq(tl_markdown_strip("**x**", 5, &out, NULL, &err), TL_OK);
    ck_assert_str_eq(out.data, "before|x");
    tl_buf_release(&out);
}
END_TEST

START_TEST(test_strip_reports_the_buffer_cap)
{
    struct tl_buf out;
    struct tl_error err = { 0 };

    tl_buf_init(&out, 8);
    ck_assert_int_eq(tl_markdown_strip("some long *text*", 16, &out, NULL,
                                       &err), TL_ERR_NOMEM);
    ck_assert_int_eq(err.code, TL_ERR_NOMEM);
    tl_buf_release(&out);
}
END_TEST

/* ---- linear time on hostile input: a quadratic algorithm would run
 * past Check's per-test timeout (CK_DEFAULT_TIMEOUT); speed itself is
 * measured by benchmarks, not tests. */

/* Strips unit repeated to about 1 MB (a quadratic algorithm would take
 * minutes) and checks the output is no longer than the input. */
static void
strip_repeated(const char *unit)
{
    size_t u = strlen(unit), n = (size_t)1 << 20, i;
    char *p = malloc(n);
    struct tl_buf out;
    struct tl_error err = { 0 };

    ck_assert_ptr_nonnull(p);
    for (i = 0; i + u <= n; i += u)
        memcpy(p + i, unit, u);
    n = i;
    tl_buf_init(&out, 0);
    ck_assert_int_eq(tl_markdown_strip(p, n, &out, NULL, &err), TL_OK);
    ck_assert_uint_le(out.len, n + n / 4);
    tl_buf_release(&out);
    free(p);
}

START_TEST(test_hostile_input_takes_linear_time)
{
    static const char *units[] = {
        "*a ", "a* ", "**a *b ", "_a ", "[", "]", "[a](", "[a](b ", "[a](b \"",
        "![a](", "[a][", "`", "`` ` ", "<!--", "<a x='", "<a ", "&#", "&amp",
        "[a [b](c) ", "*[a](b)", "~~a ", "***a ", "> - ", "[^", "<!x",
        "(((((", "[a](((((", "\\", "a\n", "<http://a",
    };

    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        strip_repeated(units[i]);
}
END_TEST

/* ---- front matter ---------------------------------------------------- */

struct fm_result {
    struct tl_front_matter fm;
    enum tl_status st;
    struct tl_error err;
};

static void
parse_fm(struct fm_result *r, const char *text)
{
    size_t n = strlen(text);
    char *p = exact(text, n);

    memset(&r->err, 0, sizeof r->err);
    tl_front_matter_init(&r->fm);
    r->st = tl_front_matter_parse(p, n, &r->fm, &r->err);
    free(p);
}

static const char *
str_or_null(const char *s)
{
    return s != NULL ? s : "(null)";
}

START_TEST(test_front_matter_simple_keys)
{
    struct fm_result r;
    static const char text[] = "---\ntitle: Talks resume in Geneva\n"
                               "author: Jane Roe\ndate: 2021-03-04\n"
                               "---\nBody text.\n";

    parse_fm(&r, text);
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_str_eq(str_or_null(r.fm.title), "Talks resume in Geneva");
    ck_assert_str_eq(str_or_null(r.fm.author), "Jane Roe");
    ck_assert_str_eq(str_or_null(r.fm.date), "2021-03-04");
    ck_assert_uint_eq(r.fm.n_topics, 0);
    ck_assert_ptr_null(r.fm.topics);
    ck_assert_uint_eq(r.fm.end, strlen(text) - strlen("Body text.\n"));
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_quoted_values)
{
    struct fm_result r;

    parse_fm(&r, "---\ntitle: \"Kabul: the \\\"return\\\" \\u00e9t\\xe9\"\n"
                 "author: 'O''Brien # not a comment'\n"
                 "date: \"2020-01-02\" # a comment\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_str_eq(str_or_null(r.fm.title),
                     "Kabul: the \"return\" \xc3\xa9t\xc3\xa9");
    ck_assert_str_eq(str_or_null(r.fm.author), "O'Brien # not a comment");
    ck_assert_str_eq(str_or_null(r.fm.date), "2020-01-02");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_plain_values_lose_comments_only)
{
    struct fm_result r;

    parse_fm(&r, "---\ntitle: Learning C# quickly # draft\n"
                 "author: Kabul: a city  \n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_str_eq(str_or_null(r.fm.title), "Learning C# quickly");
    /* not valid YAML, but readable: the value is what follows "key: " */
    ck_assert_str_eq(str_or_null(r.fm.author), "Kabul: a city");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_flow_list)
{
    struct fm_result r;

    parse_fm(&r, "---\ntopics: [economy, 'trade, tariffs', \"energy\" , "
                 "it's fine]\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_uint_eq(r.fm.n_topics, 4);
    ck_assert_str_eq(r.fm.topics[0], "economy");
    ck_assert_str_eq(r.fm.topics[1], "trade, tariffs");
    ck_assert_str_eq(r.fm.topics[2], "energy");
    ck_assert_str_eq(r.fm.topics[3], "it's fine");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_block_list)
{
    struct fm_result r;

    parse_fm(&r, "---\ntopics:\n  - foreign policy\n  - \"water\"\n"
                 "  # a comment\n\n  - energy # cut\ntitle: After\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_uint_eq(r.fm.n_topics, 3);
    ck_assert_str_eq(r.fm.topics[0], "foreign policy");
    ck_assert_str_eq(r.fm.topics[1], "water");
    ck_assert_str_eq(r.fm.topics[2], "energy");
    ck_assert_str_eq(str_or_null(r.fm.title), "After");
    tl_front_matter_release(&r.fm);

    /* items at the key's own indentation, as YAML allows */
    parse_fm(&r, "---\ntopics:\n- one\n- two\n---\n");
    ck_assert_uint_eq(r.fm.n_topics, 2);
    ck_assert_str_eq(r.fm.topics[1], "two");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_tags_merge_with_topics)
{
    struct fm_result r;

    parse_fm(&r, "---\ntags: [trade, energy]\nTopics: energy, water\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_uint_eq(r.fm.n_topics, 3);
    ck_assert_str_eq(r.fm.topics[0], "trade");
    ck_assert_str_eq(r.fm.topics[1], "energy");
    ck_assert_str_eq(r.fm.topics[2], "water");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_keys_ignore_case_and_unknown_keys)
{
    struct fm_result r;

    parse_fm(&r, "---\n# a comment\nlayout: post\nTITLE: Upper\n"
                 "description: >\n  long text\n  here\nAuthor: Someone\n"
                 "---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_str_eq(str_or_null(r.fm.title), "Upper");
    ck_assert_str_eq(str_or_null(r.fm.author), "Someone");
    ck_assert_ptr_null(r.fm.date);
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_first_value_wins)
{
    struct fm_result r;

    parse_fm(&r, "---\ntitle: First\ntitle: Second\n---\n");
    ck_assert_str_eq(str_or_null(r.fm.title), "First");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_multi_line_and_block_scalars)
{
    struct fm_result r;

    parse_fm(&r, "---\ntitle: A long\n  title, continued\n"
                 "author: >-\n  Jane\n  Roe\ndate: |\n  2021-05-06\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_str_eq(str_or_null(r.fm.title), "A long title, continued");
    ck_assert_str_eq(str_or_null(r.fm.author), "Jane Roe");
    ck_assert_str_eq(str_or_null(r.fm.date), "2021-05-06");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_list_author_is_joined)
{
    struct fm_result r;

    parse_fm(&r, "---\nauthor: [Jane Roe, John Doe]\n---\n");
    ck_assert_str_eq(str_or_null(r.fm.author), "Jane Roe, John Doe");
    tl_front_matter_release(&r.fm);
    parse_fm(&r, "---\nauthor:\n  - Jane Roe\n  - John Doe\n---\n");
    ck_assert_str_eq(str_or_null(r.fm.author), "Jane Roe, John Doe");
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_null_and_nested_values_are_unset)
{
    struct fm_result r;

    parse_fm(&r, "---\ntitle: ~\nauthor:\n  name: Jane\n  email: j@x\n"
                 "date: null\ntopics: []\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_ptr_null(r.fm.title);
    ck_assert_ptr_null(r.fm.author);
    ck_assert_ptr_null(r.fm.date);
    ck_assert_uint_eq(r.fm.n_topics, 0);
    ck_assert_uint_gt(r.fm.end, 0);
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_with_crlf_line_ends)
{
    struct fm_result r;
    static const char text[] = "---\r\ntitle: Windows\r\ntopics:\r\n"
                               "  - a\r\n---\r\nBody\r\n";

    parse_fm(&r, text);
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_str_eq(str_or_null(r.fm.title), "Windows");
    ck_assert_uint_eq(r.fm.n_topics, 1);
    ck_assert_str_eq(r.fm.topics[0], "a");
    ck_assert_uint_eq(r.fm.end, strlen(text) - strlen("Body\r\n"));
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_end_offsets)
{
    struct fm_result r;

    /* closed by "...", no final line end, empty block, after a BOM */
    parse_fm(&r, "---\ntitle: Dots\n...\nBody");
    ck_assert_str_eq(str_or_null(r.fm.title), "Dots");
    ck_assert_uint_eq(r.fm.end, 20);
    tl_front_matter_release(&r.fm);
    parse_fm(&r, "---\ntitle: x\n---");
    ck_assert_uint_eq(r.fm.end, 16);
    tl_front_matter_release(&r.fm);
    parse_fm(&r, "---\n---\nBody");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_uint_eq(r.fm.end, 8);
    ck_assert_ptr_null(r.fm.title);
    tl_front_matter_release(&r.fm);
    parse_fm(&r, "\xef\xbb\xbf---  \ntitle: BOM\n---\t\nBody");
    ck_assert_str_eq(str_or_null(r.fm.title), "BOM");
    ck_assert_uint_eq(r.fm.end, 25);
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_no_front_matter_when_the_first_line_is_not_a_fence)
{
    static const char *texts[] = {
        "", "Just text\n", "\n---\ntitle: x\n---\n", "----\ntitle: x\n----\n",
        " ---\ntitle: x\n---\n", "--- title\n---\n", "+++\ntitle = 'x'\n+++\n",
    };

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct fm_result r;

        parse_fm(&r, texts[i]);
        ck_assert_int_eq(r.st, TL_OK);
        ck_assert_uint_eq(r.fm.end, 0);
        ck_assert_ptr_null(r.fm.title);
        tl_front_matter_release(&r.fm);
    }
}
END_TEST

START_TEST(test_horizontal_rule_at_the_top_is_not_front_matter)
{
    struct fm_result r;

    /* A "---" followed by prose is a Markdown rule: the text after it is
     * the body, and reading it as front matter would lose it. */
    parse_fm(&r, "---\nThe talks resumed on Monday.\n\nMore text.\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_uint_eq(r.fm.end, 0);
    tl_front_matter_release(&r.fm);
    /* a blank line right after the opening "---": a rule too */
    parse_fm(&r, "---\n\ntitle: x\n---\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_uint_eq(r.fm.end, 0);
    ck_assert_ptr_null(r.fm.title);
    tl_front_matter_release(&r.fm);
    /* key lines, then prose before any closing line */
    parse_fm(&r, "---\ntitle: x\nthen prose without a colon\n");
    ck_assert_int_eq(r.st, TL_OK);
    ck_assert_uint_eq(r.fm.end, 0);
    ck_assert_ptr_null(r.fm.title);
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_unclosed_front_matter_is_an_input_error)
{
    struct fm_result r;

    parse_fm(&r, "---\ntitle: Never closed\nauthor: Someone\n");
    ck_assert_int_eq(r.st, TL_ERR_INPUT);
    ck_assert_int_eq(r.err.code, TL_ERR_INPUT);
    ck_assert_str_eq(r.err.msg, "front matter opened on line 1 is not "
                                "closed (no '---' or '...' by line 3)");
    ck_assert_uint_eq(r.fm.end, 0);
    ck_assert_ptr_null(r.fm.title);
    tl_front_matter_release(&r.fm);
}
END_TEST

START_TEST(test_front_matter_closing_line_is_searched_for_200_lines)
{
    struct tl_buf text;
    struct fm_result r;
    char *p;

    /* closing "---" on line 200: found */
    tl_buf_init(&text, 0);
    tl_buf_append(&text, "---\n", 4);
    for (int i = 2; i < 200; i++)
        tl_buf_appendf(&text, "k%d: v\n", i);
    tl_buf_append(&text, "---\n", 4);
    p = exact(text.data, text.len);
    tl_front_matter_init(&r.fm);
    ck_assert_int_eq(tl_front_matter_parse(p, text.len, &r.fm, &r.err),
                     TL_OK);
    ck_assert_uint_eq(r.fm.end, text.len);
    tl_front_matter_release(&r.fm);
    free(p);

    /* on line 201: not */
    tl_buf_reset(&text);
    tl_buf_append(&text, "---\n", 4);
    for (int i = 2; i < 201; i++)
        tl_buf_appendf(&text, "k%d: v\n", i);
    tl_buf_append(&text, "---\n", 4);
    p = exact(text.data, text.len);
    ck_assert_int_eq(tl_front_matter_parse(p, text.len, &r.fm, &r.err),
                     TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(r.err.msg, "by line 200"));
    ck_assert_uint_eq(r.fm.end, 0);
    tl_front_matter_release(&r.fm);
    free(p);
    tl_buf_release(&text);
}
END_TEST

START_TEST(test_front_matter_parse_releases_earlier_content)
{
    struct fm_result r;
    char *p = exact("Body only", 9);

    parse_fm(&r, "---\ntitle: Old\ntags: [a]\n---\n");
    ck_assert_str_eq(str_or_null(r.fm.title), "Old");
    /* parsing again into the same struct frees the old fields */
    ck_assert_int_eq(tl_front_matter_parse(p, 9, &r.fm, &r.err), TL_OK);
    ck_assert_ptr_null(r.fm.title);
    ck_assert_uint_eq(r.fm.n_topics, 0);
    tl_front_matter_release(&r.fm);
    tl_front_matter_release(&r.fm);     /* twice is fine */
    tl_front_matter_release(NULL);
    free(p);
}
END_TEST

Suite *
markdown_suite(void)
{
    Suite *s = suite_create("markdown");
    TCase *tc;

    tc = tcase_create("blocks");
    tcase_add_test(tc, test_atx_heading_marks_are_removed);
    tcase_add_test(tc, test_hashes_that_are_not_headings_stay);
    tcase_add_test(tc, test_setext_underlines_are_removed);
    tcase_add_test(tc, test_heading_followed_by_text_is_not_a_heading_block);
    tcase_add_test(tc, test_block_quote_marks_are_removed);
    tcase_add_test(tc, test_list_markers_are_removed);
    tcase_add_test(tc, test_things_that_look_like_list_markers_stay);
    tcase_add_test(tc, test_horizontal_rules_leave_nothing);
    tcase_add_test(tc, test_reference_definitions_leave_nothing);
    tcase_add_test(tc, test_footnotes_keep_their_text);
    tcase_add_test(tc, test_code_fences_keep_the_code);
    tcase_add_test(tc, test_lines_are_trimmed_and_empty_lines_dropped);
    suite_add_tcase(s, tc);

    tc = tcase_create("inline");
    tcase_add_test(tc, test_emphasis_markers_are_removed);
    tcase_add_test(tc, test_nested_emphasis_is_removed);
    tcase_add_test(tc, test_unbalanced_and_spaced_markers_stay);
    tcase_add_test(tc, test_intra_word_underscores_stay);
    tcase_add_test(tc, test_code_spans_keep_their_text_verbatim);
    tcase_add_test(tc, test_links_keep_their_text);
    tcase_add_test(tc, test_reference_links_keep_their_text);
    tcase_add_test(tc, test_link_text_may_contain_brackets_and_emphasis);
    tcase_add_test(tc, test_links_do_not_nest);
    tcase_add_test(tc, test_broken_links_stay_as_text);
    tcase_add_test(tc, test_autolinks_keep_the_address);
    tcase_add_test(tc, test_images_leave_nothing);
    tcase_add_test(tc, test_images_inside_links_leave_the_rest_of_the_text);
    tcase_add_test(tc, test_html_tags_are_removed_keeping_inner_text);
    tcase_add_test(tc, test_html_comments_are_removed_with_their_content);
    tcase_add_test(tc, test_angle_brackets_that_are_not_html_stay);
    tcase_add_test(tc, test_backslash_escapes_are_decoded);
    tcase_add_test(tc, test_character_references_are_decoded);
    tcase_add_test(tc, test_unicode_text_is_untouched);
    tcase_add_test(tc, test_strip_appends_to_existing_text);
    tcase_add_test(tc, test_strip_reports_the_buffer_cap);
    suite_add_tcase(s, tc);

    tc = tcase_create("linear");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_hostile_input_takes_linear_time);
    suite_add_tcase(s, tc);

    tc = tcase_create("front_matter");
    tcase_add_test(tc, test_front_matter_simple_keys);
    tcase_add_test(tc, test_front_matter_quoted_values);
    tcase_add_test(tc, test_front_matter_plain_values_lose_comments_only);
    tcase_add_test(tc, test_front_matter_flow_list);
    tcase_add_test(tc, test_front_matter_block_list);
    tcase_add_test(tc, test_front_matter_tags_merge_with_topics);
    tcase_add_test(tc, test_front_matter_keys_ignore_case_and_unknown_keys);
    tcase_add_test(tc, test_front_matter_first_value_wins);
    tcase_add_test(tc, test_front_matter_multi_line_and_block_scalars);
    tcase_add_test(tc, test_front_matter_list_author_is_joined);
    tcase_add_test(tc, test_front_matter_null_and_nested_values_are_unset);
    tcase_add_test(tc, test_front_matter_with_crlf_line_ends);
    tcase_add_test(tc, test_front_matter_end_offsets);
    tcase_add_test(tc, test_no_front_matter_when_the_first_line_is_not_a_fence);
    tcase_add_test(tc, test_horizontal_rule_at_the_top_is_not_front_matter);
    tcase_add_test(tc, test_unclosed_front_matter_is_an_input_error);
    tcase_add_test(tc, test_front_matter_closing_line_is_searched_for_200_lines);
    tcase_add_test(tc, test_front_matter_parse_releases_earlier_content);
    suite_add_tcase(s, tc);
    return s;
}
