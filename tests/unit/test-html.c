/* test-html.c - text blocks and metadata from HTML (lib/html.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "html.h"

static struct tl_html_doc doc;
static size_t src_len;

static void
doc_setup(void)
{
    tl_html_doc_init(&doc);
}

static void
doc_teardown(void)
{
    tl_html_doc_release(&doc);
}

/* Does t[0, n) hold a blank line? */
static int
has_blank_line(const char *t, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++)
        if (t[i] == '\n' && t[i + 1] == '\n')
            return 1;
    return 0;
}

/* Checks what every extraction must give, whatever the input. */
static void
check_invariants(void)
{
    size_t i, prev_end = 0;

    ck_assert_uint_eq(doc.n_blocks == 0, doc.text.len == 0);
    for (i = 0; i < doc.n_blocks; i++) {
        const struct tl_html_block *b = &doc.blocks[i];
        const char *t = doc.text.data;

        ck_assert_uint_eq(b->start, prev_end);
        ck_assert_uint_lt(b->start, b->end);
        ck_assert_uint_le(b->end + 2, doc.text.len);
        ck_assert(memcmp(t + b->end, "\n\n", 2) == 0);
        ck_assert_msg(!has_blank_line(t + b->start, b->end - b->start),
                      "blank line inside block %zu", i);
        ck_assert(strchr(" \n\t", t[b->start]) == NULL);
        ck_assert(strchr(" \n\t", t[b->end - 1]) == NULL);
        ck_assert_uint_le(b->src_start, b->src_end);
        ck_assert_uint_le(b->src_end, src_len);
        ck_assert_int_ge(b->heading, 0);
        ck_assert_int_le(b->heading, 6);
        prev_end = b->end + 2;
    }
    ck_assert_uint_eq(prev_end, doc.text.len);
    if (doc.text.data != NULL)
        ck_assert_uint_eq(strlen(doc.text.data), doc.text.len);
}

static void
parse_n(const char *html, size_t len)
{
    struct tl_error err = { 0 };

    src_len = len;
    ck_assert_msg(tl_html_extract(html, len, &doc, &err) == TL_OK, "%s",
                  err.msg);
    check_invariants();
}

static void
parse(const char *html)
{
    parse_n(html, strlen(html));
}

/* The blocks of html, joined by '|'. */
static const char *
blocks(const char *html)
{
    static char out[4096];
    size_t i, len = 0;

    parse(html);
    out[0] = '\0';
    for (i = 0; i < doc.n_blocks; i++) {
        const struct tl_html_block *b = &doc.blocks[i];
        int n = snprintf(out + len, sizeof out - len, "%s%.*s",
                         i > 0 ? "|" : "", (int)(b->end - b->start),
                         doc.text.data + b->start);

        ck_assert(n >= 0 && (size_t)n < sizeof out - len);
        len += (size_t)n;
    }
    return out;
}

/* The source text of block i. */
static const char *
block_source(const char *html, size_t i)
{
    static char out[1024];
    const struct tl_html_block *b;

    ck_assert_uint_lt(i, doc.n_blocks);
    b = &doc.blocks[i];
    ck_assert_uint_lt(b->src_end - b->src_start, sizeof out);
    memcpy(out, html + b->src_start, b->src_end - b->src_start);
    out[b->src_end - b->src_start] = '\0';
    return out;
}

/* ---- choosing the content ------------------------------------------- */

START_TEST(test_only_the_article_gives_blocks)
{
    ck_assert_str_eq(blocks("<body><p>outside one</p><article><p>inside "
                            "text</p></article><p>outside two</p></body>"),
                     "inside text");
}
END_TEST

START_TEST(test_main_is_used_without_article)
{
    ck_assert_str_eq(blocks("<div><p>menu text</p></div><main><p>the "
                            "story</p></main>"),
                     "the story");
}
END_TEST

START_TEST(test_article_wins_over_main)
{
    ck_assert_str_eq(blocks("<main><p>main text</p><article><p>article "
                            "text</p></article></main>"),
                     "article text");
}
END_TEST

START_TEST(test_role_main_or_article_body_is_used_without_main)
{
    ck_assert_str_eq(blocks("<div><p>chrome</p></div><div role=\"main\">"
                            "<p>role body</p></div>"),
                     "role body");
    ck_assert_str_eq(blocks("<div><p>chrome</p></div><div itemprop="
                            "\"articleBody\"><p>item body</p></div>"),
                     "item body");
}
END_TEST

START_TEST(test_body_is_used_without_any_root)
{
    ck_assert_str_eq(blocks("<p>first</p><div>second</div>"),
                     "first|second");
}
END_TEST

START_TEST(test_the_article_with_most_text_is_chosen)
{
    ck_assert_str_eq(blocks("<article><p>A teaser.</p></article>"
                            "<article><p>The long story of the day, told "
                            "at length.</p></article>"),
                     "The long story of the day, told at length.");
}
END_TEST

START_TEST(test_a_tiny_article_beside_the_text_is_passed_over)
{
    ck_assert_str_eq(blocks("<div><p>A long paragraph of body text that is "
                            "not inside any article element at all.</p>"
                            "<article>Card</article></div>"),
                     "A long paragraph of body text that is not inside any "
                     "article element at all.|Card");
}
END_TEST

START_TEST(test_link_text_does_not_count_as_body_text)
{
    /* the link list dwarfs the article but is only links */
    ck_assert_str_eq(blocks("<ul><li><a>one link with words</a></li>"
                            "<li><a>two link with words</a></li>"
                            "<li><a>three link with words</a></li></ul>"
                            "<article><p>Story.</p></article>"),
                     "Story.");
}
END_TEST

START_TEST(test_article_inside_marked_wrapper_is_found)
{
    ck_assert_str_eq(blocks("<div class=\"has-sidebar\"><article><p>story"
                            "</p></article></div>"),
                     "story");
}
END_TEST

START_TEST(test_article_inside_dropped_element_is_ignored)
{
    ck_assert_str_eq(blocks("<aside><article><p>other story</p></article>"
                            "</aside><p>page text</p>"),
                     "page text");
}
END_TEST

/* ---- dropped elements ----------------------------------------------- */

START_TEST(test_each_dropped_element_kind)
{
    static const char *const cases[] = {
        "<script>gone()</script>",
        "<style>p { color: red }</style>",
        "<noscript><p>gone</p></noscript>",
        "<template><p>gone</p></template>",
        "<svg><text>gone</text></svg>",
        "<iframe>gone</iframe>",
        "<object>gone</object>",
        "<embed src=\"x\">",
        "<canvas>gone</canvas>",
        "<form><p>gone</p></form>",
        "<button>gone</button>",
        "<select><option>gone</option></select>",
        "<input value=\"gone\">",
        "<textarea>gone</textarea>",
        "<nav><a href=\"/\">gone</a></nav>",
        "<header><h1>gone</h1></header>",
        "<footer><p>gone</p></footer>",
        "<aside><p>gone</p></aside>",
        "<dialog open><p>gone</p></dialog>",
        "<video>gone</video>",
        "<menu><li>gone</li></menu>",
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char html[256];

        snprintf(html, sizeof html, "<p>keep</p>%s<p>also</p>", cases[i]);
        ck_assert_msg(strcmp(blocks(html), "keep|also") == 0, "%s gave %s",
                      cases[i], blocks(html));
    }
}
END_TEST

START_TEST(test_dropped_inline_element_inside_paragraph)
{
    ck_assert_str_eq(blocks("<p>a<script>x = 1</script>b<button>Tap"
                            "</button>c</p>"),
                     "abc");
}
END_TEST

START_TEST(test_cookie_banner_dropped_by_id)
{
    ck_assert_str_eq(blocks("<div id=\"cookie-banner\"><p>We use cookies."
                            "</p></div><p>text</p>"),
                     "text");
    ck_assert_str_eq(blocks("<div id=\"CookieConsent\"><p>Accept?</p></div>"
                            "<p>text</p>"),
                     "text");
    ck_assert_str_eq(blocks("<div id=\"onetrust-consent-sdk\"><p>Allow</p>"
                            "</div><p>text</p>"),
                     "text");
}
END_TEST

START_TEST(test_cookie_banner_dropped_by_class)
{
    ck_assert_str_eq(blocks("<div class=\"box cookie-notice\"><p>We use "
                            "cookies.</p></div><p>text</p>"),
                     "text");
    ck_assert_str_eq(blocks("<div class=\"cc-banner\"><p>Cookies!</p></div>"
                            "<p>text</p>"),
                     "text");
    ck_assert_str_eq(blocks("<div class=\"GDPR\"><p>Consent</p></div>"
                            "<p>text</p>"),
                     "text");
}
END_TEST

START_TEST(test_boilerplate_classes_are_dropped)
{
    static const char *const classes[] = {
        "newsletter-signup", "subscribe-box", "article__share", "social",
        "related-articles", "relatedLinks", "comments", "comment-form",
        "advertisement", "ad", "ad-slot", "promo", "breadcrumbs",
        "sidebar-right", "site-footer", "main-nav", "menu",
    };
    size_t i;

    for (i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        char html[256];

        snprintf(html, sizeof html, "<p>keep</p><div class=\"%s\"><p>gone"
                 "</p></div>", classes[i]);
        ck_assert_msg(strcmp(blocks(html), "keep") == 0, "%s gave %s",
                      classes[i], blocks(html));
    }
}
END_TEST

START_TEST(test_look_alike_classes_are_kept)
{
    static const char *const classes[] = {
        "sharepoint", "shadow", "navy", "download", "gradient", "thread",
        "headline", "entry-content comments-open", "story-body ad",
    };
    size_t i;

    for (i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        char html[256];

        snprintf(html, sizeof html, "<p>keep</p><div class=\"%s\"><p>also"
                 "</p></div>", classes[i]);
        ck_assert_msg(strcmp(blocks(html), "keep|also") == 0, "%s gave %s",
                      classes[i], blocks(html));
    }
}
END_TEST

START_TEST(test_body_main_and_article_are_never_dropped_for_attributes)
{
    ck_assert_str_eq(blocks("<body class=\"cookie-consent sharepoint\" "
                            "style=\"display:none\"><p>text</p></body>"),
                     "text");
    ck_assert_str_eq(blocks("<main class=\"sidebar\" hidden><p>in main</p>"
                            "</main>"),
                     "in main");
    ck_assert_str_eq(blocks("<article class=\"related promo\" "
                            "aria-hidden=\"true\"><p>in article</p>"
                            "</article>"),
                     "in article");
}
END_TEST

START_TEST(test_hidden_elements_are_dropped)
{
    ck_assert_str_eq(blocks("<p>a</p><p hidden>gone</p>"
                            "<div aria-hidden=\"true\">gone</div>"
                            "<div style=\"color:red; display: none\">gone"
                            "</div><div style=\"DISPLAY : None !important\">"
                            "gone</div><div style=\"visibility:hidden\">gone"
                            "</div><p>b</p>"),
                     "a|b");
}
END_TEST

START_TEST(test_visible_elements_are_kept)
{
    ck_assert_str_eq(blocks("<p aria-hidden=\"false\">a</p><p style=\""
                            "display:block\">b</p><p style=\"none\">c</p>"),
                     "a|b|c");
}
END_TEST

START_TEST(test_role_and_aria_label_mark_boilerplate)
{
    ck_assert_str_eq(blocks("<div role=\"navigation\">gone</div>"
                            "<div role=\"complementary\">gone</div>"
                            "<section aria-label=\"Share this story\">gone"
                            "</section><div aria-label=\"Article text\">"
                            "kept</div>"),
                     "kept");
}
END_TEST

/* ---- text ----------------------------------------------------------- */

START_TEST(test_entities_are_decoded)
{
    ck_assert_str_eq(blocks("<p>Salt &amp; pepper, caf&eacute;, it&#8217;s "
                            "x&nbsp;y &lt;b&gt;</p>"),
                     "Salt & pepper, caf\xc3\xa9, it\xe2\x80\x99s x y <b>");
}
END_TEST

START_TEST(test_white_space_runs_collapse)
{
    ck_assert_str_eq(blocks("<p>\n   one \t\n two&nbsp;&nbsp; three   </p>"),
                     "one two three");
}
END_TEST

START_TEST(test_empty_blocks_are_skipped)
{
    ck_assert_str_eq(blocks("<p>a</p><p>  \n </p><p></p><div><p>&nbsp;</p>"
                            "</div><p>b</p>"),
                     "a|b");
}
END_TEST

START_TEST(test_soft_hyphen_and_bom_vanish)
{
    ck_assert_str_eq(blocks("<p>infor&shy;mation&#xFEFF;</p>"),
                     "information");
}
END_TEST

START_TEST(test_comments_give_no_text)
{
    ck_assert_str_eq(blocks("<p>a<!-- note -->b</p>"), "ab");
}
END_TEST

START_TEST(test_heading_levels)
{
    size_t i;

    ck_assert_str_eq(blocks("<h1>h one</h1><h2>h two</h2><h3>h three</h3>"
                            "<h4>h four</h4><h5>h five</h5><h6>h six</h6>"
                            "<p>para</p>"),
                     "h one|h two|h three|h four|h five|h six|para");
    for (i = 0; i < 6; i++)
        ck_assert_int_eq(doc.blocks[i].heading, (int)i + 1);
    ck_assert_int_eq(doc.blocks[6].heading, 0);
}
END_TEST

START_TEST(test_list_items_and_quotes_are_blocks)
{
    ck_assert_str_eq(blocks("<ul><li>one</li><li>two <b>bold</b></li></ul>"
                            "<blockquote>quoted words</blockquote>"
                            "<ol><li><p>in para</p></li></ol>"),
                     "one|two bold|quoted words|in para");
}
END_TEST

START_TEST(test_table_cells_and_definitions_are_blocks)
{
    ck_assert_str_eq(blocks("<table><tr><th>head</th><td>cell</td></tr>"
                            "</table><dl><dt>term</dt><dd>meaning</dd></dl>"),
                     "head|cell|term|meaning");
}
END_TEST

START_TEST(test_inline_elements_join_their_parent)
{
    ck_assert_str_eq(blocks("<p>a <em>b</em> c</p>"), "a b c");
    ck_assert_str_eq(blocks("<p>a<strong>b</strong>c</p>"), "abc");
    ck_assert_str_eq(blocks("<p><a href=\"/x\">link</a> and <span>span"
                            "</span>, <code>code</code><sup>2</sup> "
                            "<abbr>UN</abbr></p>"),
                     "link and span, code2 UN");
}
END_TEST

START_TEST(test_unknown_elements_separate_text)
{
    ck_assert_str_eq(blocks("<my-card>first</my-card><my-card>second"
                            "</my-card>"),
                     "first|second");
}
END_TEST

START_TEST(test_nested_blocks_are_separate_and_in_order)
{
    const char *html = "<div>intro <p>para</p> tail</div>";

    ck_assert_str_eq(blocks(html), "intro|para|tail");
    ck_assert_str_eq(block_source(html, 0), html);
    ck_assert_str_eq(block_source(html, 1), "<p>para</p>");
    ck_assert_str_eq(block_source(html, 2), html);
}
END_TEST

START_TEST(test_br_is_a_line_break_inside_the_block)
{
    ck_assert_str_eq(blocks("<p>one<br>two <br> three</p>"),
                     "one\ntwo\nthree");
    ck_assert_uint_eq(doc.n_blocks, 1);
    ck_assert_str_eq(blocks("<p><br>one<br><br><br>two<br></p>"),
                     "one\ntwo");
}
END_TEST

START_TEST(test_pre_keeps_line_breaks)
{
    ck_assert_str_eq(blocks("<pre>\n  first  line  \n    indented\n\n\n"
                            "last<br>after br</pre>"),
                     "first  line\n    indented\nlast\nafter br");
    ck_assert_str_eq(blocks("<p>a\nb</p><pre>c\nd</pre><p>e\nf</p>"),
                     "a b|c\nd|e f");
}
END_TEST

START_TEST(test_images_give_no_text)
{
    ck_assert_str_eq(blocks("<p>x<img src=\"a.png\" alt=\"alt words\">y</p>"
                            "<p><img alt=\"only\"></p>"),
                     "xy");
}
END_TEST

START_TEST(test_figcaption_is_a_block)
{
    ck_assert_str_eq(blocks("<figure><img src=\"a.png\"><figcaption>A "
                            "caption</figcaption></figure><p>text</p>"),
                     "A caption|text");
}
END_TEST

START_TEST(test_text_holds_blocks_separated_by_blank_lines)
{
    parse("<p>one</p><p>two</p>");
    ck_assert_str_eq(doc.text.data, "one\n\ntwo\n\n");
    ck_assert_uint_eq(doc.blocks[0].start, 0);
    ck_assert_uint_eq(doc.blocks[0].end, 3);
    ck_assert_uint_eq(doc.blocks[1].start, 5);
    ck_assert_uint_eq(doc.blocks[1].end, 8);
}
END_TEST

/* ---- source ranges -------------------------------------------------- */

START_TEST(test_source_range_covers_the_element)
{
    const char *html = "<html><body>\n<p class=\"x\">one</p>\n<div>"
                       "<h2>two</h2></div></body></html>";

    ck_assert_str_eq(blocks(html), "one|two");
    ck_assert_uint_eq(doc.blocks[0].src_start, 13);
    ck_assert(strncmp(html + doc.blocks[0].src_start, "<p", 2) == 0);
    ck_assert_str_eq(block_source(html, 0), "<p class=\"x\">one</p>");
    ck_assert_str_eq(block_source(html, 1), "<h2>two</h2>");
}
END_TEST

START_TEST(test_source_range_of_unclosed_elements)
{
    const char *html = "<p>one<p>two";

    ck_assert_str_eq(blocks(html), "one|two");
    ck_assert(strncmp(html + doc.blocks[0].src_start, "<p>one", 6) == 0);
    ck_assert(strncmp(html + doc.blocks[1].src_start, "<p>two", 6) == 0);
    ck_assert_uint_le(doc.blocks[1].src_end, strlen(html));
}
END_TEST

START_TEST(test_source_offsets_count_bytes_of_the_source)
{
    const char *html = "<p>caf\xc3\xa9 &amp; co</p><p>next</p>";

    ck_assert_str_eq(blocks(html), "caf\xc3\xa9 & co|next");
    ck_assert_str_eq(block_source(html, 1), "<p>next</p>");
}
END_TEST

/* ---- metadata ------------------------------------------------------- */

START_TEST(test_title_from_title_element)
{
    parse("<html><head><title>  The\n Page  Title </title></head>"
          "<body><p>x</p></body></html>");
    ck_assert_str_eq(doc.title, "The Page Title");
}
END_TEST

START_TEST(test_title_element_wins_over_og_title)
{
    parse("<head><meta property=\"og:title\" content=\"Social\">"
          "<title>Real</title></head>");
    ck_assert_str_eq(doc.title, "Real");
}
END_TEST

START_TEST(test_title_falls_back_to_og_title)
{
    parse("<head><meta name=\"twitter:title\" content=\"Bird\">"
          "<meta property=\"og:title\" content=\" Open &amp; Graph \">"
          "</head><p>x</p>");
    ck_assert_str_eq(doc.title, "Open & Graph");
    parse("<head><title> </title><meta name=\"twitter:title\" "
          "content=\"Bird\"></head>");
    ck_assert_str_eq(doc.title, "Bird");
}
END_TEST

START_TEST(test_svg_title_is_not_the_title)
{
    parse("<body><svg><title>icon</title></svg><p>x</p></body>");
    ck_assert_ptr_null(doc.title);
}
END_TEST

START_TEST(test_metadata_absent_is_null)
{
    parse("<p>just a paragraph</p>");
    ck_assert_ptr_null(doc.title);
    ck_assert_ptr_null(doc.h1);
    ck_assert_ptr_null(doc.author);
    ck_assert_ptr_null(doc.published);
}
END_TEST

START_TEST(test_h1_is_the_first_heading_text)
{
    parse("<h1></h1><h1>The <em>big</em>\n headline</h1><h1>second</h1>");
    ck_assert_str_eq(doc.h1, "The big headline");
}
END_TEST

START_TEST(test_h1_inside_article_header_is_found)
{
    parse("<header><h1>Site name</h1></header><article><header><h1>"
          "Story headline</h1></header><p>body</p></article>");
    ck_assert_str_eq(doc.h1, "Story headline");
    ck_assert_str_eq(blocks("<header><h1>Site</h1></header><article>"
                            "<header><h1>Head</h1></header><p>body</p>"
                            "</article>"),
                     "body");
}
END_TEST

START_TEST(test_h1_with_nested_blocks_has_spaces)
{
    parse("<h1><div>two</div><div>parts</div></h1>");
    ck_assert_str_eq(doc.h1, "two parts");
}
END_TEST

START_TEST(test_author_from_meta)
{
    parse("<head><meta name=\"author\" content=\" Asha  Rao \"></head>"
          "<p>x</p><span class=\"author\">Someone Else</span>");
    ck_assert_str_eq(doc.author, "Asha Rao");
}
END_TEST

START_TEST(test_author_meta_preference_and_urls)
{
    parse("<head><meta property=\"article:author\" content=\"https://"
          "example.com/people/x\"><meta name=\"parsely-author\" content="
          "\"Lena Park\"></head>");
    ck_assert_str_eq(doc.author, "Lena Park");
    parse("<head><meta name=\"byl\" content=\"By B\"><meta property="
          "\"article:author\" content=\"A\"></head>");
    ck_assert_str_eq(doc.author, "A");
}
END_TEST

START_TEST(test_author_from_rel_author)
{
    parse("<article><p>Written by <a rel=\"author\" href=\"/p\">Omar "
          "Haddad</a></p></article>");
    ck_assert_str_eq(doc.author, "Omar Haddad");
}
END_TEST

START_TEST(test_author_from_class_or_itemprop)
{
    parse("<p class=\"byline__author-name\">  Mira Sen </p>");
    ck_assert_str_eq(doc.author, "Mira Sen");
    parse("<span itemprop=\"author\"><span>Ravi</span> <span>Iyer</span>"
          "</span>");
    ck_assert_str_eq(doc.author, "Ravi Iyer");
}
END_TEST

START_TEST(test_author_element_must_be_short)
{
    parse("<div class=\"author-bio\">This is a very long biography of the "
          "writer, who has covered many beats over many years and now lives "
          "near the sea. <span class=\"author\">Noor Ali</span></div>");
    ck_assert_str_eq(doc.author, "Noor Ali");
}
END_TEST

START_TEST(test_author_in_related_box_is_ignored)
{
    parse("<aside><span class=\"author\">Aside Writer</span></aside>"
          "<div class=\"related\"><span class=\"author\">Other</span></div>"
          "<article><p>text</p></article>");
    ck_assert_ptr_null(doc.author);
}
END_TEST

START_TEST(test_published_from_meta)
{
    parse("<head><meta name=\"date\" content=\"2020-01-01\"><meta property="
          "\"article:published_time\" content=\" 2021-03-04T05:06:07Z \">"
          "</head><article><time datetime=\"1999-01-01\">old</time>"
          "</article>");
    ck_assert_str_eq(doc.published, "2021-03-04T05:06:07Z");
    parse("<head><meta name=\"pubdate\" content=\"20220505\"></head>");
    ck_assert_str_eq(doc.published, "20220505");
    parse("<head><meta itemprop=\"datePublished\" content=\"2023-01-02\">"
          "</head>");
    ck_assert_str_eq(doc.published, "2023-01-02");
}
END_TEST

START_TEST(test_published_from_itemprop_element)
{
    parse("<article><span itemprop=\"datePublished\" datetime=\"2019-07-08\">"
          "July 8</span></article>");
    ck_assert_str_eq(doc.published, "2019-07-08");
}
END_TEST

START_TEST(test_published_from_time_in_article)
{
    parse("<div class=\"sidebar\"><time datetime=\"2000-01-01\">x</time>"
          "</div><article><header><time datetime=\" 2018-02-03 \">Feb 3"
          "</time></header><p>text</p><time datetime=\"2018-09-09\">later"
          "</time></article>");
    ck_assert_str_eq(doc.published, "2018-02-03");
}
END_TEST

START_TEST(test_time_outside_article_is_not_published)
{
    parse("<div><time datetime=\"2000-01-01\">x</time></div><article><p>"
          "text</p><time>no datetime</time></article>");
    ck_assert_ptr_null(doc.published);
}
END_TEST

/* ---- hostile input -------------------------------------------------- */

START_TEST(test_unclosed_and_stray_tags)
{
    ck_assert_str_eq(blocks("<div><p>one<p>two <b>bold"), "one|two bold");
    ck_assert_str_eq(blocks("</div></p><p>a</span></div>b</p></body>c"),
                     "ab|c");   /* stray end tags are ignored */
    ck_assert_str_eq(blocks("<table><p>x<td>y"), "x|y");
}
END_TEST

START_TEST(test_truncated_input_at_every_length)
{
    const char *html = "<!DOCTYPE html><html><head><title>T &amp; t</title>"
                       "<meta name=\"author\" content=\"A\"></head><body>"
                       "<article><h1 class=\"x\">Head</h1><p>one <em>two"
                       "</em><br>three &eacute;</p><pre>a\n b</pre>"
                       "<!-- c --><time datetime=\"2020\">t</time>"
                       "</article></body></html>";
    size_t len = strlen(html), i;

    for (i = 0; i <= len; i++) {
        char *copy = malloc(i > 0 ? i : 1);

        ck_assert_ptr_nonnull(copy);
        memcpy(copy, html, i);      /* no NUL: nothing may read past i */
        parse_n(copy, i);
        free(copy);
    }
    ck_assert_str_eq(blocks(html), "Head|one two\nthree \xc3\xa9|a\n b|t");
}
END_TEST

static char *
repeat(const char *open, size_t n, const char *middle)
{
    size_t k = strlen(open), m = strlen(middle), i;
    char *s = malloc(n * k + m + 1);

    ck_assert_ptr_nonnull(s);
    for (i = 0; i < n; i++)
        memcpy(s + i * k, open, k);
    memcpy(s + n * k, middle, m + 1);
    return s;
}

START_TEST(test_deep_nesting_of_divs)
{
    char *html = repeat("<div>", 10000, "deep text");

    ck_assert_str_eq(blocks(html), "deep text");
    free(html);
}
END_TEST

START_TEST(test_deep_nesting_of_mixed_elements)
{
    char *html = repeat("<div><span>", 5000, "x<p>y</p>z");

    ck_assert_str_eq(blocks(html), "x|y|z");
    free(html);
    html = repeat("<b><i>", 5000, "styled");
    ck_assert_str_eq(blocks(html), "styled");
    free(html);
}
END_TEST

START_TEST(test_deep_nesting_of_author_elements)
{
    /* each candidate's text is looked at only briefly: not 10,000 x
     * 10,000 steps */
    char *html = repeat("<div class=\"author\">", 10000,
                        "a long text that is no name: it goes on and on, "
                        "well past the hundred bytes that an author name "
                        "may take.");

    parse(html);
    ck_assert_ptr_null(doc.author);
    ck_assert_uint_eq(doc.n_blocks, 1);
    free(html);
}
END_TEST

/* tl_html_extract() on html refuses it: TL_ERR_INPUT, a message that
 * begins with want, nothing extracted. */
static void
check_refused(const char *html, const char *want)
{
    struct tl_error err = { 0 };

    ck_assert_int_eq(tl_html_extract(html, strlen(html), &doc, &err),
                     TL_ERR_INPUT);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);
    ck_assert_uint_eq(doc.n_blocks, 0);
    ck_assert_uint_eq(doc.text.len, 0);
}

START_TEST(test_nesting_past_the_limit_is_refused_unparsed)
{
    char *html = repeat("<section>", TL_HTML_DEPTH_MAX + 1, "x");

    check_refused(html, "HTML nested more than 10000 levels deep");
    free(html);
}
END_TEST

START_TEST(test_nesting_hidden_by_stray_end_tags_runs_out_of_time)
{
    /* "</b>" closes nothing, so no cheap count sees the 60,000 divs that
     * gumbo keeps open (and searches at every <div>: minutes) */
    char *html = repeat("<div></b>", 60000, "x");

    check_refused(html, "HTML too costly to parse (over 2.3 s of CPU");
    free(html);
}
END_TEST

START_TEST(test_reopened_formatting_runs_out_of_memory)
{
    /* 2,000 different <b>s closed by </p> and reopened in each of 2,000
     * paragraphs: 4 million elements (1.5 GB) from 45 kB */
    struct tl_buf b;

    tl_buf_init(&b, 0);
    tl_buf_append(&b, "<p>", 3);
    for (int i = 0; i < 2000; i++)
        tl_buf_appendf(&b, "<b class=c%d>", i);
    tl_buf_append(&b, "</p>", 4);
    for (int i = 0; i < 2000; i++)
        tl_buf_append(&b, "<p>x</p>", 8);
    check_refused(b.data, "HTML too costly to parse (over 130 MB of memory");
    tl_buf_release(&b);
}
END_TEST

START_TEST(test_a_page_after_a_refused_one_is_read)
{
    char *html = repeat("<div></b>", 60000, "x");

    check_refused(html, "HTML too costly");
    free(html);
    ck_assert_str_eq(blocks("<p>after the storm</p>"), "after the storm");
}
END_TEST

/* The drops of the last parse as "rule:tag ..." */
static const char *
drops(void)
{
    static char out[512];
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < doc.n_drops; i++) {
        int n = snprintf(out + len, sizeof out - len, "%s%s:%s",
                         i > 0 ? " " : "", doc.drops[i].rule,
                         doc.drops[i].tag);

        ck_assert(n > 0 && (size_t)n < sizeof out - len);
        len += (size_t)n;
        ck_assert_uint_le(doc.drops[i].src_start, doc.drops[i].src_end);
        ck_assert_uint_le(doc.drops[i].src_end, src_len);
        if (i > 0)
            ck_assert_uint_le(doc.drops[i - 1].src_start,
                              doc.drops[i].src_start);
    }
    return out;
}

START_TEST(test_dropped_elements_are_listed_with_their_rule)
{
    static const char html[] =
        "<body><nav>Home</nav><div class=\"cookie-banner\">We use "
        "cookies</div><article><h1>Ferries</h1><p>The ferry left.</p>"
        "<script>x()</script><p hidden>secret</p>"
        "<div role=\"complementary\">more</div><div class=\"share\">"
        "Share</div><my-widget hidden>w</my-widget></article>"
        "<footer>(c)</footer></body>";

    parse(html);
    ck_assert_str_eq(drops(), "outside-root:nav outside-root:div "
                     "markup:script hidden:p role:div "
                     "boilerplate-class:div hidden:my-widget "
                     "outside-root:footer");
    /* a drop's bytes are the element's own */
    ck_assert(strncmp(html + doc.drops[2].src_start, "<script>", 8) == 0);
    ck_assert(strncmp(html + doc.drops[2].src_end - 9, "</script>", 9) == 0);
}
END_TEST

START_TEST(test_nothing_dropped_lists_nothing)
{
    parse("<p>Only a paragraph.</p>");
    ck_assert_uint_eq(doc.n_drops, 0);
    ck_assert_ptr_null(doc.drops);
}
END_TEST

START_TEST(test_nul_bytes)
{
    static const char html[] = "<title>a\0b</title><p>one\0two</p>"
                               "<p class=\"x\0y\">\0</p><p>three</p>";

    parse_n(html, sizeof html - 1);
    ck_assert_uint_ge(doc.n_blocks, 2);
    ck_assert_uint_eq(strlen(doc.text.data), doc.text.len);
    ck_assert_ptr_nonnull(strstr(doc.text.data, "three"));
    ck_assert_ptr_nonnull(doc.title);
}
END_TEST

START_TEST(test_invalid_utf8_is_replaced)
{
    ck_assert_str_eq(blocks("<p>a\xff" "b\xc3</p>"),
                     "a\xef\xbf\xbd" "b\xef\xbf\xbd");
}
END_TEST

START_TEST(test_empty_input)
{
    struct tl_error err = { 0 };

    parse("");
    ck_assert_uint_eq(doc.n_blocks, 0);
    ck_assert_uint_eq(doc.text.len, 0);
    ck_assert_ptr_null(doc.title);
    ck_assert_int_eq(tl_html_extract(NULL, 0, &doc, &err), TL_OK);
    ck_assert_uint_eq(doc.n_blocks, 0);
    ck_assert_str_eq(blocks(" \n\t "), "");
    ck_assert_str_eq(blocks("<html></html>"), "");
}
END_TEST

START_TEST(test_plain_text_is_one_block)
{
    ck_assert_str_eq(blocks("just  some\nwords"), "just some words");
}
END_TEST

START_TEST(test_many_paragraphs)
{
    size_t n = 20000, i;
    char *html = repeat("<p>some paragraph text &amp; more</p>\n", n, "");

    parse(html);
    ck_assert_uint_eq(doc.n_blocks, n);
    for (i = 0; i < n; i += 997)
        ck_assert(strncmp(html + doc.blocks[i].src_start, "<p>", 3) == 0);
    free(html);
}
END_TEST

START_TEST(test_extract_replaces_the_previous_result)
{
    parse("<title>first</title><p>a</p><p>b</p>");
    ck_assert_str_eq(blocks("<p>c</p>"), "c");
    ck_assert_uint_eq(doc.n_blocks, 1);
    ck_assert_ptr_null(doc.title);
}
END_TEST

START_TEST(test_release_accepts_null_and_twice)
{
    tl_html_doc_release(NULL);
    parse("<p>x</p>");
    tl_html_doc_release(&doc);
    tl_html_doc_release(&doc);
    ck_assert_uint_eq(doc.n_blocks, 0);
    ck_assert_ptr_null(doc.blocks);
}
END_TEST

Suite *
html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *root = tcase_create("root");
    TCase *drop = tcase_create("drop");
    TCase *text = tcase_create("text");
    TCase *src = tcase_create("source");
    TCase *meta = tcase_create("metadata");
    TCase *bad = tcase_create("hostile");

    tcase_add_checked_fixture(root, doc_setup, doc_teardown);
    tcase_add_test(root, test_only_the_article_gives_blocks);
    tcase_add_test(root, test_main_is_used_without_article);
    tcase_add_test(root, test_article_wins_over_main);
    tcase_add_test(root, test_role_main_or_article_body_is_used_without_main);
    tcase_add_test(root, test_body_is_used_without_any_root);
    tcase_add_test(root, test_the_article_with_most_text_is_chosen);
    tcase_add_test(root, test_a_tiny_article_beside_the_text_is_passed_over);
    tcase_add_test(root, test_link_text_does_not_count_as_body_text);
    tcase_add_test(root, test_article_inside_marked_wrapper_is_found);
    tcase_add_test(root, test_article_inside_dropped_element_is_ignored);
    suite_add_tcase(s, root);

    tcase_add_checked_fixture(drop, doc_setup, doc_teardown);
    tcase_add_test(drop, test_each_dropped_element_kind);
    tcase_add_test(drop, test_dropped_inline_element_inside_paragraph);
    tcase_add_test(drop, test_cookie_banner_dropped_by_id);
    tcase_add_test(drop, test_cookie_banner_dropped_by_class);
    tcase_add_test(drop, test_boilerplate_classes_are_dropped);
    tcase_add_test(drop, test_look_alike_classes_are_kept);
    tcase_add_test(drop,
                   test_body_main_and_article_are_never_dropped_for_attributes);
    tcase_add_test(drop, test_hidden_elements_are_dropped);
    tcase_add_test(drop, test_visible_elements_are_kept);
    tcase_add_test(drop, test_role_and_aria_label_mark_boilerplate);
    suite_add_tcase(s, drop);

    tcase_add_checked_fixture(text, doc_setup, doc_teardown);
    tcase_add_test(text, test_entities_are_decoded);
    tcase_add_test(text, test_white_space_runs_collapse);
    tcase_add_test(text, test_empty_blocks_are_skipped);
    tcase_add_test(text, test_soft_hyphen_and_bom_vanish);
    tcase_add_test(text, test_comments_give_no_text);
    tcase_add_test(text, test_heading_levels);
    tcase_add_test(text, test_list_items_and_quotes_are_blocks);
    tcase_add_test(text, test_table_cells_and_definitions_are_blocks);
    tcase_add_test(text, test_inline_elements_join_their_parent);
    tcase_add_test(text, test_unknown_elements_separate_text);
    tcase_add_test(text, test_nested_blocks_are_separate_and_in_order);
    tcase_add_test(text, test_br_is_a_line_break_inside_the_block);
    tcase_add_test(text, test_pre_keeps_line_breaks);
    tcase_add_test(text, test_images_give_no_text);
    tcase_add_test(text, test_figcaption_is_a_block);
    tcase_add_test(text, test_text_holds_blocks_separated_by_blank_lines);
    suite_add_tcase(s, text);

    tcase_add_checked_fixture(src, doc_setup, doc_teardown);
    tcase_add_test(src, test_source_range_covers_the_element);
    tcase_add_test(src, test_source_range_of_unclosed_elements);
    tcase_add_test(src, test_source_offsets_count_bytes_of_the_source);
    suite_add_tcase(s, src);

    tcase_add_checked_fixture(meta, doc_setup, doc_teardown);
    tcase_add_test(meta, test_title_from_title_element);
    tcase_add_test(meta, test_title_element_wins_over_og_title);
    tcase_add_test(meta, test_title_falls_back_to_og_title);
    tcase_add_test(meta, test_svg_title_is_not_the_title);
    tcase_add_test(meta, test_metadata_absent_is_null);
    tcase_add_test(meta, test_h1_is_the_first_heading_text);
    tcase_add_test(meta, test_h1_inside_article_header_is_found);
    tcase_add_test(meta, test_h1_with_nested_blocks_has_spaces);
    tcase_add_test(meta, test_author_from_meta);
    tcase_add_test(meta, test_author_meta_preference_and_urls);
    tcase_add_test(meta, test_author_from_rel_author);
    tcase_add_test(meta, test_author_from_class_or_itemprop);
    tcase_add_test(meta, test_author_element_must_be_short);
    tcase_add_test(meta, test_author_in_related_box_is_ignored);
    tcase_add_test(meta, test_published_from_meta);
    tcase_add_test(meta, test_published_from_itemprop_element);
    tcase_add_test(meta, test_published_from_time_in_article);
    tcase_add_test(meta, test_time_outside_article_is_not_published);
    suite_add_tcase(s, meta);

    tcase_add_checked_fixture(bad, doc_setup, doc_teardown);
    tcase_set_timeout(bad, 60);
    tcase_add_test(bad, test_unclosed_and_stray_tags);
    tcase_add_test(bad, test_truncated_input_at_every_length);
    tcase_add_test(bad, test_deep_nesting_of_divs);
    tcase_add_test(bad, test_deep_nesting_of_mixed_elements);
    tcase_add_test(bad, test_deep_nesting_of_author_elements);
    tcase_add_test(bad, test_nesting_past_the_limit_is_refused_unparsed);
    tcase_add_test(bad,
                   test_nesting_hidden_by_stray_end_tags_runs_out_of_time);
    tcase_add_test(bad, test_reopened_formatting_runs_out_of_memory);
    tcase_add_test(bad, test_a_page_after_a_refused_one_is_read);
    tcase_add_test(bad, test_nul_bytes);
    tcase_add_test(bad, test_dropped_elements_are_listed_with_their_rule);
    tcase_add_test(bad, test_nothing_dropped_lists_nothing);
    tcase_add_test(bad, test_invalid_utf8_is_replaced);
    tcase_add_test(bad, test_empty_input);
    tcase_add_test(bad, test_plain_text_is_one_block);
    tcase_add_test(bad, test_many_paragraphs);
    tcase_add_test(bad, test_extract_replaces_the_previous_result);
    tcase_add_test(bad, test_release_accepts_null_and_twice);
    suite_add_tcase(s, bad);
    return s;
}
