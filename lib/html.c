/*
 * html.c - readable text blocks and metadata from an HTML article.
 *
 * The document is parsed by gumbo (Google's HTML5 parser, Debian's
 * libgumbo-dev): it decodes entities, repairs unclosed and stray tags the
 * way browsers do, replaces invalid UTF-8 and NUL bytes, and gives source
 * offsets.  Everything here walks gumbo's tree with an explicit stack, so
 * no C recursion grows with the nesting depth.  gumbo_destroy_output()
 * itself recurses once per level (and a crafted page can overflow the
 * stack with it), so gumbo allocates through a small arena of ours (a
 * list of its live blocks) that is freed in one loop instead.
 *
 * Rules
 *
 * Dropped with their whole subtree (no blocks, no text):
 *  - elements script, style, noscript, template, svg, iframe, object,
 *    embed, canvas, applet, audio, video, map, form, button, select,
 *    input, textarea, datalist, keygen, nav, header, footer, aside, menu,
 *    dialog, head, title, noembed, noframes, frameset;
 *  - hidden elements: a hidden attribute, aria-hidden="true", or a style
 *    attribute declaring display:none or visibility:hidden;
 *  - role navigation, banner, contentinfo, complementary, search, dialog,
 *    alertdialog, menu, menubar;
 *  - boilerplate marked by class, id or aria-label.  Each class token (and
 *    the id, and the label) is split into words at '-', '_' and other
 *    punctuation, at lower-to-upper case changes (relatedLinks) and between
 *    letters and digits; words are compared case-insensitively with:
 *    cookie*, consent*, gdpr*, onetrust*, "cc banner", newsletter*,
 *    subscribe*, share, shares, sharing, sharebar, social*, related*,
 *    comments, "comment form", disqus*, advert*, ad, ads, "ad slot",
 *    adslot*, promo*, breadcrumb*, sidebar*, footer, nav, navbar,
 *    navigation, menu (* = any word beginning so).  Whole words keep
 *    "sharepoint" or "shadow" safe.  A class/id match is ignored when
 *    another token of the same element names content (article, body,
 *    content, main, story, post, entry: class="entry-content
 *    comments-open" stays).
 *  <html>, <body>, <main> and <article> are never dropped for their
 *  attributes (pages hide <body> until scripts run), nor is the chosen
 *  content root.
 *
 * Content root: the <article> holding the most text (text outside links,
 * counted after the drops above); else the first <main>; else the first
 * element with role="main" or itemprop="articleBody"; else <body>.  The
 * search ignores class/id markers (a wrapper's class "has-sidebar" must not
 * hide the article) but not the other drops, and does not look inside an
 * <article> for another.  A candidate with less than a tenth of <body>'s
 * text (a teaser card beside the real content) is passed over.  Only the
 * root's content gives blocks; metadata comes from the whole document.
 *
 * Blocks: every element is a block except the inline ones (a, abbr, b,
 * bdi, bdo, big, cite, code, data, del, dfn, em, font, i, img, ins, kbd,
 * label, mark, nobr, q, rb, rp, rt, rtc, ruby, s, samp, small, span,
 * strike, strong, sub, sup, time, tt, u, var, wbr, math and its children,
 * ...), so unknown and custom elements separate text.  A block's text is
 * the text of its inline descendants, joined as written ("a <em>b</em> c"
 * gives "a b c", "a<em>b</em>c" gives "abc"); a nested block ends the text
 * before it and the text after it is a new block of the same element, so
 * blocks come in document order.  <img> gives nothing (alt is dropped).
 * A block's source range is its element's, from '<' of the start tag to
 * the end of the end tag (or where the parser closed it).
 *
 * Text: runs of white space (including U+00A0) become one space; blocks
 * are trimmed and empty ones skipped; soft hyphens and U+FEFF vanish.
 * <br> is a line break ("\n") inside the block; several in a row make one.
 * <pre> (listing, plaintext, xmp) keeps its line breaks and the spaces
 * inside lines, drops white space at line ends and blank lines.  So a
 * block never holds "\n\n", which only separates blocks in doc->text.
 *
 * Metadata (whole document; author, h1 and time searches skip the dropped
 * subtrees above except <header>, hidden elements and role="banner", where
 * bylines live):
 *  - title: the first HTML <title>'s text, else meta og:title, else
 *    twitter:title;
 *  - h1: the full text of the first non-empty <h1> in the content root,
 *    else in <body>;
 *  - author: meta name/property/itemprop author, article:author,
 *    og:article:author, byl, parsely-author, sailthru.author, dc.creator,
 *    dcterms.creator (in that order of preference; values that are URLs are
 *    skipped), else the text (1 to 100 bytes) of the first element with
 *    rel="author", itemprop="author" or a class token containing "author",
 *    in the content root first, then in <body>;
 *  - published: meta article:published_time, og:article:published_time,
 *    itemprop datePublished, date, pubdate, publish-date, publishdate,
 *    publish_date, parsely-pub-date, sailthru.date, dc.date.issued,
 *    dcterms.issued, dc.date (in that order), else an element with
 *    itemprop="datePublished" (its datetime or content attribute, or
 *    text), else the datetime of the first <time datetime> in the content
 *    root.  The value is only trimmed, never parsed.
 *
 * Hostile pages: gumbo's tree builder can take time quadratic in the
 * page and memory far beyond it; a page nested deeper than
 * TL_HTML_DEPTH_MAX by a cheap count is refused before it is parsed, and
 * any other is refused when gumbo outruns its budget of CPU time or
 * memory (see "gumbo's memory, and its budget").
 */
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gumbo.h>

#include "html.h"

/* An <article>/<main> candidate needs 1/ROOT_MIN_SHARE of <body>'s text. */
#define ROOT_MIN_SHARE 10
/* Longest author or date text taken from an element, in bytes. */
#define SHORT_MAX 100

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- gumbo's memory, and its budget ---------------------------------- */

/*
 * Every block gumbo allocates comes from this arena: it is freed at once
 * after the text is extracted, and it is where gumbo's cost is bounded.
 * gumbo's tree builder can take time quadratic in the page (a search
 * down its stack of open elements for most tags: 40,000 nested <div>s
 * take 2 s, 100,000 paragraphs in 10,000 divs 4 s, and stray end tags
 * such as "</b>" hide the nesting from any cheap count), and the
 * formatting elements it reopens in every paragraph can multiply (2,000
 * unclosed <b class=N> in 2,000 paragraphs: 4 million nodes, 1.5 GB).
 * No page worth reading needs either, and gumbo has no way to stop, so
 * the allocator, which gumbo calls for every token and node, checks the
 * budget: past TL_HTML_CPU_BASE + TL_HTML_CPU_PER_MB seconds of this
 * thread's CPU time per MB, or TL_HTML_MEM_BASE + TL_HTML_MEM_FACTOR
 * times the page in live blocks, it jumps back to tl_html_extract(),
 * which frees the arena (gumbo keeps nothing else: no file, no lock, no
 * global state) and refuses the page.  Real pages use a tenth of it:
 * gumbo reads 18 MB/s of HTML and holds 14 times the page.
 */

/* Each block gumbo allocates is preceded by this header, linking it into
 * the arena's list of live blocks. */
union arena_hdr {
    struct {
        union arena_hdr *prev;
        union arena_hdr *next;
        size_t size;
    } l;
    max_align_t align;
};

/* How often (in allocations) the CPU clock is read: a clock read costs
 * ~0.2 us, an allocation ~0.05 us; between two allocations gumbo does
 * at most one walk down its stack. */
#define ARENA_CLOCK_EVERY 64

/* What a block costs besides its size: the header and malloc's own. */
#define ARENA_OVERHEAD (sizeof(union arena_hdr) + 2 * sizeof(size_t))

enum arena_over { ARENA_OK, ARENA_OVER_TIME, ARENA_OVER_MEMORY };

struct arena {
    union arena_hdr *head;
    size_t live, limit;         /* bytes gumbo holds (with the headers
                                   and malloc's own), and may hold */
    unsigned long allocs;
    struct timespec deadline;   /* of CLOCK_THREAD_CPUTIME_ID */
    int timed;                  /* the deadline is set */
    enum arena_over over;
    jmp_buf jump;               /* back into tl_html_extract() */
};

static void
arena_start(struct arena *a, size_t len)
{
    double secs = TL_HTML_CPU_BASE + TL_HTML_CPU_PER_MB * (double)len / 1e6;
    struct timespec now;

    a->head = NULL;
    a->live = 0;
    a->allocs = 0;
    a->over = ARENA_OK;
    a->limit = len < (SIZE_MAX - TL_HTML_MEM_BASE) / TL_HTML_MEM_FACTOR
               ? TL_HTML_MEM_BASE + TL_HTML_MEM_FACTOR * len : SIZE_MAX;
    a->timed = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) == 0;
    if (a->timed) {
        time_t whole = (time_t)secs;
        long nsec = now.tv_nsec + (long)((secs - (double)whole) * 1e9);

        a->deadline.tv_sec = now.tv_sec + whole + nsec / 1000000000L;
        a->deadline.tv_nsec = nsec % 1000000000L;
    }
}

static int
arena_past_deadline(const struct arena *a)
{
    struct timespec now;

    if (!a->timed || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0)
        return 0;
    return now.tv_sec > a->deadline.tv_sec
           || (now.tv_sec == a->deadline.tv_sec
               && now.tv_nsec > a->deadline.tv_nsec);
}

static void *
arena_alloc(void *userdata, size_t size)
{
    struct arena *a = userdata;
    union arena_hdr *h;

    if (a->limit - a->live < ARENA_OVERHEAD
        || size > a->limit - a->live - ARENA_OVERHEAD)
        a->over = ARENA_OVER_MEMORY;
    else if (++a->allocs % ARENA_CLOCK_EVERY == 0 && arena_past_deadline(a))
        a->over = ARENA_OVER_TIME;
    if (a->over != ARENA_OK)
        longjmp(a->jump, 1);
    h = malloc(sizeof *h + size);
    if (h == NULL) {
        /* gumbo does not check malloc's result: stop here instead */
        a->over = ARENA_OVER_MEMORY;
        longjmp(a->jump, 1);
    }
    h->l.prev = NULL;
    h->l.next = a->head;
    h->l.size = size;
    if (a->head != NULL)
        a->head->l.prev = h;
    a->head = h;
    a->live += size + ARENA_OVERHEAD;
    return h + 1;
}

static void
arena_free(void *userdata, void *ptr)
{
    struct arena *a = userdata;
    union arena_hdr *h;

    if (ptr == NULL)
        return;
    h = (union arena_hdr *)ptr - 1;
    if (h->l.prev != NULL)
        h->l.prev->l.next = h->l.next;
    else
        a->head = h->l.next;
    if (h->l.next != NULL)
        h->l.next->l.prev = h->l.prev;
    a->live -= h->l.size + ARENA_OVERHEAD;
    free(h);
}

/* Frees everything gumbo still holds (its whole output). */
static void
arena_release(struct arena *a)
{
    union arena_hdr *h = a->head;

    while (h != NULL) {
        union arena_hdr *next = h->l.next;
        free(h);
        h = next;
    }
    a->head = NULL;
    a->live = 0;
}

/* ---- small string helpers ------------------------------------------- */

static int
is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does s[0, n) equal the lower-case word w, ignoring ASCII case? */
static int
eq_ci(const char *s, size_t n, const char *w)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (w[i] == '\0' || lower((unsigned char)s[i]) != w[i])
            return 0;
    return w[n] == '\0';
}

/* Does s[0, n) begin with the lower-case word w, ignoring ASCII case? */
static int
starts_ci(const char *s, size_t n, const char *w)
{
    size_t i;

    for (i = 0; w[i] != '\0'; i++)
        if (i >= n || lower((unsigned char)s[i]) != w[i])
            return 0;
    return 1;
}

/* Trims white space from both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
    while (*n > 0 && is_ws((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_ws((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* gumbo 0.10.1 turns a numeric character reference too large for an
 * int (&#xdcccccccccc;) into bytes that are not UTF-8: its code point
 * overflows (google/gumbo-parser#356, found by fuzz/fuzz-html.c).  So
 * text and values taken from its tree pass through dup_n() or
 * sink_text(), which put U+FFFD for any invalid UTF-8. */
#define REPLACEMENT "\xef\xbf\xbd"

/* A NUL-terminated copy of s[0, n), invalid UTF-8 replaced by U+FFFD;
 * malloc'd, NULL when out of memory. */
static char *
dup_n(const char *s, size_t n)
{
    struct tl_buf b;
    size_t i = 0, run = 0;

    tl_buf_init(&b, 0);
    while (i < n) {
        uint32_t cp;
        size_t k = tl_utf8_next((const unsigned char *)s + i, n - i, &cp);

        if (cp == TL_UTF8_INVALID) {
            if (tl_buf_append(&b, s + run, i - run) != TL_OK
                || tl_buf_append(&b, REPLACEMENT, 3) != TL_OK)
                goto fail;
            run = i + k;
        }
        i += k;
    }
    if (tl_buf_append(&b, s + run, i - run) == TL_OK)
        return b.data;
fail:
    tl_buf_release(&b);
    return NULL;
}

static const char *
attr(const GumboElement *e, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);

    return a != NULL ? a->value : NULL;
}

/* Is the white-space separated list s holding the token w (any case)? */
static int
has_token(const char *s, const char *w)
{
    while (s != NULL && *s != '\0') {
        size_t n;

        while (is_ws((unsigned char)*s))
            s++;
        for (n = 0; s[n] != '\0' && !is_ws((unsigned char)s[n]); n++)
            ;
        if (n > 0 && eq_ci(s, n, w))
            return 1;
        s += n;
    }
    return 0;
}

/* ---- classifying elements ------------------------------------------- */

static const GumboVector *
children_of(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
        return &n->v.element.children;
    return NULL;
}

static int
is_element(const GumboNode *n, GumboTag tag)
{
    return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag &&
           n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

/* The name of an element gumbo does not know (<dialog>, <my-widget>). */
static int
unknown_tag_is(const GumboElement *e, const char *name)
{
    GumboStringPiece t = e->original_tag;

    if (e->tag != GUMBO_TAG_UNKNOWN || t.data == NULL || t.length == 0)
        return 0;
    gumbo_tag_from_original_text(&t);
    return t.data != NULL && eq_ci(t.data, t.length, name);
}

static int
is_drop_tag(const GumboElement *e)
{
    switch (e->tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_SVG: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_APPLET: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_MAP: case GUMBO_TAG_FORM: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_INPUT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_DATALIST: case GUMBO_TAG_KEYGEN: case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_MENU: case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_FRAMESET:
        return 1;
    case GUMBO_TAG_UNKNOWN:
        return unknown_tag_is(e, "dialog");
    default:
        return 0;
    }
}

static int
is_inline_tag(const GumboElement *e)
{
    if (e->tag_namespace == GUMBO_NAMESPACE_MATHML)
        return 1;
    switch (e->tag) {
    case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_ACRONYM:
    case GUMBO_TAG_B: case GUMBO_TAG_BDI: case GUMBO_TAG_BDO:
    case GUMBO_TAG_BIG: case GUMBO_TAG_BLINK: case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE: case GUMBO_TAG_DATA: case GUMBO_TAG_DEL:
    case GUMBO_TAG_DFN: case GUMBO_TAG_EM: case GUMBO_TAG_FONT:
    case GUMBO_TAG_I: case GUMBO_TAG_IMG: case GUMBO_TAG_IMAGE:
    case GUMBO_TAG_INS: case GUMBO_TAG_KBD: case GUMBO_TAG_LABEL:
    case GUMBO_TAG_MARK: case GUMBO_TAG_NOBR: case GUMBO_TAG_Q:
    case GUMBO_TAG_RB: case GUMBO_TAG_RP: case GUMBO_TAG_RT:
    case GUMBO_TAG_RTC: case GUMBO_TAG_RUBY: case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRIKE: case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP: case GUMBO_TAG_TIME: case GUMBO_TAG_TT:
    case GUMBO_TAG_U: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
    case GUMBO_TAG_BASEFONT: case GUMBO_TAG_SPACER: case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK: case GUMBO_TAG_PARAM: case GUMBO_TAG_AREA:
    case GUMBO_TAG_OUTPUT: case GUMBO_TAG_METER: case GUMBO_TAG_PROGRESS:
    case GUMBO_TAG_MATH:
        return 1;
    default:
        return 0;
    }
}

static int
is_pre_tag(const GumboElement *e)
{
    return e->tag == GUMBO_TAG_PRE || e->tag == GUMBO_TAG_LISTING ||
           e->tag == GUMBO_TAG_PLAINTEXT || e->tag == GUMBO_TAG_XMP;
}

static int
heading_level(const GumboElement *e)
{
    switch (e->tag) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
    }
}

/* Never dropped for their attributes. */
static int
is_protected(const GumboElement *e)
{
    return e->tag == GUMBO_TAG_HTML || e->tag == GUMBO_TAG_BODY ||
           e->tag == GUMBO_TAG_MAIN || e->tag == GUMBO_TAG_ARTICLE;
}

/* Does a style attribute declare display:none or visibility:hidden? */
static int
style_hides(const char *s)
{
    while (*s != '\0') {
        const char *end = strchr(s, ';');
        const char *colon, *prop, *val;
        size_t n = end != NULL ? (size_t)(end - s) : strlen(s);
        size_t pn, vn;

        colon = memchr(s, ':', n);
        if (colon != NULL) {
            prop = s;
            pn = (size_t)(colon - s);
            val = colon + 1;
            vn = n - pn - 1;
            trim(&prop, &pn);
            trim(&val, &vn);
            if ((eq_ci(prop, pn, "display") && starts_ci(val, vn, "none")) ||
                (eq_ci(prop, pn, "visibility") &&
                 starts_ci(val, vn, "hidden")))
                return 1;
        }
        if (end == NULL)
            break;
        s = end + 1;
    }
    return 0;
}

static int
is_hidden(const GumboElement *e)
{
    const char *v;

    if (gumbo_get_attribute(&e->attributes, "hidden") != NULL)
        return 1;
    v = attr(e, "aria-hidden");
    if (v != NULL) {
        size_t n = strlen(v);

        trim(&v, &n);
        if (eq_ci(v, n, "true"))
            return 1;
    }
    v = attr(e, "style");
    return v != NULL && style_hides(v);
}

static const char *const dropped_roles[] = {
    "navigation", "banner", "contentinfo", "complementary", "search",
    "dialog", "alertdialog", "menu", "menubar",
};

/* A word to look for in class, id and aria-label: one word, or two
 * consecutive ones; prefix: any word beginning with first. */
struct marker {
    const char *first;
    const char *second;
    int prefix;
};

static const struct marker boilerplate_markers[] = {
    { "cookie", NULL, 1 }, { "consent", NULL, 1 }, { "gdpr", NULL, 1 },
    { "onetrust", NULL, 1 }, { "cc", "banner", 0 },
    { "newsletter", NULL, 1 }, { "subscribe", NULL, 1 },
    { "share", NULL, 0 }, { "shares", NULL, 0 }, { "sharing", NULL, 0 },
    { "sharebar", NULL, 0 }, { "social", NULL, 1 },
    { "related", NULL, 1 }, { "comments", NULL, 0 },
    { "comment", "form", 0 }, { "disqus", NULL, 1 },
    { "advert", NULL, 1 }, { "ad", NULL, 0 }, { "ads", NULL, 0 },
    { "ad", "slot", 0 }, { "adslot", NULL, 1 }, { "promo", NULL, 1 },
    { "breadcrumb", NULL, 1 }, { "sidebar", NULL, 1 },
    { "footer", NULL, 0 }, { "nav", NULL, 0 }, { "navbar", NULL, 0 },
    { "navigation", NULL, 0 }, { "menu", NULL, 0 },
};

static const struct marker content_markers[] = {
    { "article", NULL, 0 }, { "body", NULL, 0 }, { "content", NULL, 0 },
    { "main", NULL, 0 }, { "story", NULL, 0 }, { "post", NULL, 0 },
    { "entry", NULL, 0 },
};

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* The next word of s[*i, n) into [*w, *w + *wn): a run of ASCII letters
 * or digits, also ended by a lower-to-upper case change or a change
 * between letters and digits.  Returns 0 when there is none left. */
static int
next_word(const char *s, size_t n, size_t *i, const char **w, size_t *wn)
{
    size_t j = *i, k;

    while (j < n && !is_alpha((unsigned char)s[j]) &&
           !is_digit((unsigned char)s[j]))
        j++;
    if (j == n) {
        *i = n;
        return 0;
    }
    for (k = j + 1; k < n; k++) {
        unsigned char p = (unsigned char)s[k - 1], c = (unsigned char)s[k];

        if (!is_alpha(c) && !is_digit(c))
            break;
        if (is_alpha(p) != is_alpha(c))
            break;
        if (p >= 'a' && p <= 'z' && c >= 'A' && c <= 'Z')
            break;
    }
    *w = s + j;
    *wn = k - j;
    *i = k;
    return 1;
}

/* Does a word of s[0, n) match one of the markers? */
static int
marks(const char *s, size_t n, const struct marker *m, size_t n_markers)
{
    const char *w, *prev = NULL;
    size_t wn, prev_n = 0, i = 0, k;

    while (next_word(s, n, &i, &w, &wn)) {
        for (k = 0; k < n_markers; k++) {
            if (m[k].second != NULL) {
                if (prev != NULL && eq_ci(prev, prev_n, m[k].first) &&
                    eq_ci(w, wn, m[k].second))
                    return 1;
            } else if (m[k].prefix ? starts_ci(w, wn, m[k].first)
                                   : eq_ci(w, wn, m[k].first)) {
                return 1;
            }
        }
        prev = w;
        prev_n = wn;
    }
    return 0;
}

/* Classifies one class token or id: sets *bad for a boilerplate word,
 * else *good for a content word. */
static void
judge_token(const char *s, size_t n, int *bad, int *good)
{
    if (marks(s, n, boilerplate_markers, N_ELEMS(boilerplate_markers)))
        *bad = 1;
    else if (marks(s, n, content_markers, N_ELEMS(content_markers)))
        *good = 1;
}

static int
is_marked_boilerplate(const GumboElement *e)
{
    const char *cls = attr(e, "class"), *id = attr(e, "id");
    const char *label = attr(e, "aria-label");
    int bad = 0, good = 0;

    while (cls != NULL && *cls != '\0') {
        size_t n;

        while (is_ws((unsigned char)*cls))
            cls++;
        for (n = 0; cls[n] != '\0' && !is_ws((unsigned char)cls[n]); n++)
            ;
        if (n > 0)
            judge_token(cls, n, &bad, &good);
        cls += n;
    }
    if (id != NULL)
        judge_token(id, strlen(id), &bad, &good);
    if (bad && !good)
        return 1;
    return label != NULL &&
           marks(label, strlen(label), boilerplate_markers,
                 N_ELEMS(boilerplate_markers));
}

enum drop_mode {
    DROP_TEXT,      /* every rule: the blocks */
    DROP_META,      /* keep <header>, hidden and role="banner": bylines */
    DROP_ROOT,      /* ignore class/id/label: finding the article */
};

/* Is the element n (not the walk's root) dropped with its subtree?  The
 * rule that drops it (struct tl_html_drop's names), or NULL. */
static const char *
drop_rule(const GumboNode *n, enum drop_mode mode)
{
    const GumboElement *e = &n->v.element;
    const char *role;
    size_t i;

    if (n->type == GUMBO_NODE_TEMPLATE)
        return "markup";
    if (n->type != GUMBO_NODE_ELEMENT)
        return NULL;
    if (is_drop_tag(e) && !(mode == DROP_META && e->tag == GUMBO_TAG_HEADER))
        return "markup";
    if (is_protected(e))
        return NULL;
    if (mode != DROP_META && is_hidden(e))
        return "hidden";
    role = attr(e, "role");
    for (i = 0; role != NULL && i < N_ELEMS(dropped_roles); i++)
        if (has_token(role, dropped_roles[i]) &&
            !(mode == DROP_META && strcmp(dropped_roles[i], "banner") == 0))
            return "role";
    return mode != DROP_ROOT && is_marked_boilerplate(e) ? "boilerplate-class"
                                                         : NULL;
}

static int
is_dropped(const GumboNode *n, enum drop_mode mode)
{
    return drop_rule(n, mode) != NULL;
}

/* [src_start, src_end) of an element, clamped to the source. */
static void
source_range(const GumboNode *n, size_t len, size_t *start, size_t *end)
{
    size_t s = 0, e = 0;

    if (n->type == GUMBO_NODE_ELEMENT) {
        s = n->v.element.start_pos.offset;
        e = (size_t)n->v.element.end_pos.offset +
            n->v.element.original_end_tag.length;
    }
    if (s > len)
        s = len;
    if (e > len)
        e = len;
    if (e < s)
        e = s;
    *start = s;
    *end = e;
}

/* ---- walking the tree ----------------------------------------------- */

enum { WALK_DESCEND, WALK_SKIP, WALK_STOP, WALK_ERROR };

/* Called on entering a node (returns one of the above) and, for nodes
 * entered with WALK_DESCEND, on leaving it (WALK_DESCEND to go on). */
typedef int (*walk_fn)(void *ctx, const GumboNode *n);

struct frame {
    const GumboNode *node;
    unsigned int next;      /* the next child to enter */
};

/* Depth-first walk of root's subtree with an explicit stack. */
static enum tl_status
walk(const GumboNode *root, walk_fn enter, walk_fn leave, void *ctx)
{
    struct frame *stack = NULL;
    size_t n = 0, cap = 0;
    enum tl_status st = TL_OK;
    const GumboNode *node = root;
    int r = enter(ctx, node);

    for (;;) {
        const GumboVector *kids;

        if (r == WALK_ERROR) {
            st = TL_ERR_NOMEM;
            goto out;
        }
        if (r == WALK_STOP)
            goto out;
        if (r == WALK_DESCEND) {
            if (n == cap) {
                size_t ncap = cap != 0 ? cap * 2 : 64;
                struct frame *p = realloc(stack, ncap * sizeof *p);

                if (p == NULL) {
                    st = TL_ERR_NOMEM;
                    goto out;
                }
                stack = p;
                cap = ncap;
            }
            stack[n].node = node;
            stack[n].next = 0;
            n++;
        }
        /* the next node to enter, leaving finished ones */
        for (;;) {
            struct frame *f;

            if (n == 0)
                goto out;
            f = &stack[n - 1];
            kids = children_of(f->node);
            if (kids != NULL && f->next < kids->length) {
                node = kids->data[f->next++];
                break;
            }
            n--;
            if (leave != NULL) {
                r = leave(ctx, f->node);
                if (r == WALK_ERROR) {
                    st = TL_ERR_NOMEM;
                    goto out;
                }
                if (r == WALK_STOP)
                    goto out;
            }
        }
        r = enter(ctx, node);
    }
out:
    free(stack);
    return st;
}

/* ---- building text -------------------------------------------------- */

enum { PENDING_NONE, PENDING_SPACE, PENDING_BREAK };

/* Appends text to buf, normalising white space as it goes. */
struct sink {
    struct tl_buf *buf;
    size_t start;       /* where the current piece of text begins in buf */
    int pending;        /* white space seen since the last text */
    int pre;            /* keep white space (normalised at the end) */
};

static void
sink_start(struct sink *s, int pre)
{
    s->start = s->buf->len;
    s->pending = PENDING_NONE;
    s->pre = pre;
}

static enum tl_status
sink_word(struct sink *s, const char *p, size_t n)
{
    if (n == 0)
        return TL_OK;
    if (s->buf->len > s->start && s->pending != PENDING_NONE &&
        tl_buf_append(s->buf, s->pending == PENDING_BREAK ? "\n" : " ", 1)
        != TL_OK)
        return TL_ERR_NOMEM;
    s->pending = PENDING_NONE;
    return tl_buf_append(s->buf, p, n);
}

static void
sink_space(struct sink *s, int kind)
{
    if (s->pending < kind)
        s->pending = kind;
}

/* Appends the NUL-terminated text t. */
static enum tl_status
sink_text(struct sink *s, const char *t)
{
    const unsigned char *p = (const unsigned char *)t;
    size_t run = 0, i = 0;      /* normal bytes p[run, i) not yet sent */

    for (;;) {
        unsigned char c = p[i];
        size_t skip = 0;
        int space = 0, bad = 0;

        if (c == '\0')
            break;
        if (is_ws(c)) {     /* gumbo already turned CR LF into LF */
            skip = 1;
            space = !s->pre ? ' ' : c == '\r' ? 0 : c == '\n' ? '\n' : ' ';
        } else if (c == 0xC2 && p[i + 1] == 0xA0) {       /* no-break space */
            skip = 2;
            space = ' ';
        } else if (c == 0xC2 && p[i + 1] == 0xAD) {       /* soft hyphen */
            skip = 2;
        } else if (c == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF) {
            skip = 3;                                     /* U+FEFF */
        } else if (c >= 0x80) {
            uint32_t cp;
            /* 4 is a safe bound: a NUL is never a continuation byte */
            size_t k = tl_utf8_next(p + i, 4, &cp);

            if (cp != TL_UTF8_INVALID) {
                i += k;
                continue;
            }
            skip = k;       /* see dup_n(): U+FFFD instead */
            bad = 1;
        }
        if (skip == 0) {
            i++;
            continue;
        }
        if (s->pre) {
            char ch = (char)space;

            if (tl_buf_append(s->buf, (const char *)p + run, i - run)
                != TL_OK ||
                (space != 0 && tl_buf_append(s->buf, &ch, 1) != TL_OK) ||
                (bad && tl_buf_append(s->buf, REPLACEMENT, 3) != TL_OK))
                return TL_ERR_NOMEM;
        } else {
            if (sink_word(s, (const char *)p + run, i - run) != TL_OK ||
                (bad && sink_word(s, REPLACEMENT, 3) != TL_OK))
                return TL_ERR_NOMEM;
            if (space != 0)
                sink_space(s, PENDING_SPACE);
        }
        i += skip;
        run = i;
    }
    if (s->pre)
        return tl_buf_append(s->buf, (const char *)p + run, i - run);
    return sink_word(s, (const char *)p + run, i - run);
}

static enum tl_status
sink_break(struct sink *s)
{
    if (s->pre)
        return tl_buf_append(s->buf, "\n", 1);
    sink_space(s, PENDING_BREAK);
    return TL_OK;
}

/* Normalises preformatted text buf[start, len) in place: white space at
 * line ends, blank lines and white space at both ends go. */
static void
pre_normalise(struct tl_buf *b, size_t start)
{
    size_t r = start, w = start;

    while (r < b->len) {
        size_t eol = r, end;

        while (eol < b->len && b->data[eol] != '\n')
            eol++;
        end = eol;
        while (end > r && (b->data[end - 1] == ' ' ||
                           b->data[end - 1] == '\t' ||
                           b->data[end - 1] == '\f'))
            end--;
        if (w == start)     /* the block's first line: trim its start too */
            while (r < end && (b->data[r] == ' ' || b->data[r] == '\t' ||
                               b->data[r] == '\f'))
                r++;
        if (end > r) {
            if (w > start)
                b->data[w++] = '\n';
            memmove(b->data + w, b->data + r, end - r);
            w += end - r;
        }
        r = eol + 1;
    }
    if (w < b->len) {
        b->len = w;
        b->data[w] = '\0';
    }
}

/* Ends the current piece: returns its [start, end) in *start, *end, and
 * whether it holds any text (an empty piece leaves buf as it was). */
static int
sink_end(struct sink *s, size_t *start, size_t *end)
{
    if (s->pre)
        pre_normalise(s->buf, s->start);
    *start = s->start;
    *end = s->buf->len;
    return s->buf->len > s->start;
}

/* ---- the text of one element (metadata) ----------------------------- */

struct text_ctx {
    const GumboNode *root;
    size_t max;         /* give up past max bytes or nodes (0: never) */
    size_t nodes;
    int too_long;
    struct sink sink;
};

static int
text_enter(void *ctx, const GumboNode *n)
{
    struct text_ctx *c = ctx;

    if (c->max != 0 && ++c->nodes > c->max) {
        c->too_long = 1;
        return WALK_STOP;
    }
    switch (n->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
        if (sink_text(&c->sink, n->v.text.text) != TL_OK)
            return WALK_ERROR;
        if (c->max != 0 && c->sink.buf->len > c->max) {
            c->too_long = 1;
            return WALK_STOP;
        }
        return WALK_SKIP;
    case GUMBO_NODE_ELEMENT:
        if (n == c->root)
            return WALK_DESCEND;
        if (is_dropped(n, DROP_ROOT))
            return WALK_SKIP;
        if (!is_inline_tag(&n->v.element))  /* <br> too */
            sink_space(&c->sink, PENDING_SPACE);
        return WALK_DESCEND;
    default:
        return WALK_SKIP;
    }
}

static int
text_leave(void *ctx, const GumboNode *n)
{
    struct text_ctx *c = ctx;

    if (n->type == GUMBO_NODE_ELEMENT && !is_inline_tag(&n->v.element))
        sink_space(&c->sink, PENDING_SPACE);
    return WALK_DESCEND;
}

/* The text of n's subtree on one line, or NULL (*st TL_OK) when it has
 * none; malloc'd.  With max (not 0), also NULL when the text is longer
 * than max bytes or the subtree has more than max nodes: looking for a
 * short text costs O(max) per element, however deep the tree. */
static char *
text_of(const GumboNode *n, size_t max, enum tl_status *st)
{
    struct tl_buf b;
    struct text_ctx c;
    char *s = NULL;

    tl_buf_init(&b, 0);
    c.root = n;
    c.max = max;
    c.nodes = 0;
    c.too_long = 0;
    c.sink.buf = &b;
    sink_start(&c.sink, 0);
    *st = walk(n, text_enter, text_leave, &c);
    if (*st == TL_OK && b.len > 0 && !c.too_long) {
        s = b.data;         /* the buffer is the string */
        b.data = NULL;
    }
    tl_buf_release(&b);
    return s;
}

/* s with white space collapsed and trimmed (NULL when that is empty, or
 * *st TL_ERR_NOMEM); malloc'd. */
static char *
collapse(const char *s, enum tl_status *st)
{
    struct tl_buf b;
    struct sink k;
    char *r = NULL;

    tl_buf_init(&b, 0);
    k.buf = &b;
    sink_start(&k, 0);
    *st = sink_text(&k, s);
    if (*st == TL_OK && b.len > 0) {
        r = b.data;
        b.data = NULL;
    }
    tl_buf_release(&b);
    return r;
}

/* ---- choosing the content root -------------------------------------- */

struct weight_ctx {
    const GumboNode *root;
    size_t weight;          /* non-white-space bytes outside links */
    size_t in_link;
};

static int
weight_enter(void *ctx, const GumboNode *n)
{
    struct weight_ctx *c = ctx;
    const char *t;

    switch (n->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
        if (c->in_link == 0)
            for (t = n->v.text.text; *t != '\0'; t++)
                c->weight += !is_ws((unsigned char)*t);
        return WALK_SKIP;
    case GUMBO_NODE_ELEMENT:
        if (n != c->root && is_dropped(n, DROP_TEXT))
            return WALK_SKIP;
        c->in_link += is_element(n, GUMBO_TAG_A);
        return WALK_DESCEND;
    default:
        return WALK_SKIP;
    }
}

static int
weight_leave(void *ctx, const GumboNode *n)
{
    struct weight_ctx *c = ctx;

    c->in_link -= is_element(n, GUMBO_TAG_A);
    return WALK_DESCEND;
}

static enum tl_status
text_weight(const GumboNode *n, size_t *weight_out)
{
    struct weight_ctx c = { n, 0, 0 };
    enum tl_status st = walk(n, weight_enter, weight_leave, &c);

    *weight_out = c.weight;
    return st;
}

struct root_ctx {
    const GumboNode *start;
    const GumboNode **articles;     /* outermost <article>s */
    size_t n_articles, cap;
    const GumboNode *main;          /* the first <main> */
    const GumboNode *role_main;     /* role=main, itemprop=articleBody */
};

static int
root_enter(void *ctx, const GumboNode *n)
{
    struct root_ctx *c = ctx;
    const GumboElement *e = &n->v.element;

    if (n->type != GUMBO_NODE_ELEMENT)
        return WALK_SKIP;
    if (n != c->start && is_dropped(n, DROP_ROOT))
        return WALK_SKIP;
    if (is_element(n, GUMBO_TAG_ARTICLE)) {
        if (c->n_articles == c->cap) {
            size_t ncap = c->cap != 0 ? c->cap * 2 : 8;
            const GumboNode **p = realloc(c->articles, ncap * sizeof *p);

            if (p == NULL)
                return WALK_ERROR;
            c->articles = p;
            c->cap = ncap;
        }
        c->articles[c->n_articles++] = n;
        return WALK_SKIP;
    }
    if (c->main == NULL && is_element(n, GUMBO_TAG_MAIN))
        c->main = n;
    if (c->role_main == NULL && (has_token(attr(e, "role"), "main") ||
                                 has_token(attr(e, "itemprop"),
                                           "articlebody")))
        c->role_main = n;
    return WALK_DESCEND;
}

static const GumboNode *
find_body(const GumboOutput *out)
{
    const GumboVector *kids = children_of(out->root);
    unsigned int i;

    for (i = 0; kids != NULL && i < kids->length; i++)
        if (is_element(kids->data[i], GUMBO_TAG_BODY))
            return kids->data[i];
    return out->root;
}

/* Picks the element whose content gives the blocks (see the top). */
static enum tl_status
choose_root(const GumboNode *body, const GumboNode **root_out)
{
    struct root_ctx c = { body, NULL, 0, 0, NULL, NULL };
    const GumboNode *best = NULL;
    size_t body_w = 0, best_w = 0, w, i;
    enum tl_status st;

    *root_out = body;
    st = walk(body, root_enter, NULL, &c);
    if (st == TL_OK)
        st = text_weight(body, &body_w);
    for (i = 0; st == TL_OK && i < c.n_articles; i++) {
        st = text_weight(c.articles[i], &w);
        if (best == NULL || w > best_w) {
            best = c.articles[i];
            best_w = w;
        }
    }
    if (st == TL_OK && best != NULL && best_w >= body_w / ROOT_MIN_SHARE) {
        *root_out = best;
        goto out;
    }
    best = c.main;
    for (i = 0; st == TL_OK && i < 2; i++, best = c.role_main) {
        if (best == NULL)
            continue;
        st = text_weight(best, &w);
        if (st == TL_OK && w >= body_w / ROOT_MIN_SHARE) {
            *root_out = best;
            break;
        }
    }
out:
    free(c.articles);
    return st;
}

/* ---- blocks --------------------------------------------------------- */

struct blocks_ctx {
    const GumboNode *root;
    size_t src_len;
    struct tl_html_doc *doc;
    size_t cap;                 /* of doc->blocks */
    size_t cap_drops;           /* of doc->drops */
    struct sink sink;
    const GumboNode **owners;   /* the open block elements, innermost last */
    size_t n_owners, cap_owners;
    size_t pre_depth;
};

/* Ends the current piece of text, as a block of the innermost owner. */
static enum tl_status
end_block(struct blocks_ctx *c)
{
    struct tl_html_doc *d = c->doc;
    struct tl_html_block *b;
    const GumboNode *owner;
    size_t start, end;

    if (!sink_end(&c->sink, &start, &end) || c->n_owners == 0) {
        c->sink.buf->len = c->sink.start;
        if (c->sink.buf->data != NULL)
            c->sink.buf->data[c->sink.buf->len] = '\0';
        return TL_OK;
    }
    if (d->n_blocks == c->cap) {
        size_t ncap = c->cap != 0 ? c->cap * 2 : 32;
        struct tl_html_block *p;

        if (ncap > SIZE_MAX / sizeof *p)
            return TL_ERR_NOMEM;
        p = realloc(d->blocks, ncap * sizeof *p);
        if (p == NULL)
            return TL_ERR_NOMEM;
        d->blocks = p;
        c->cap = ncap;
    }
    owner = c->owners[c->n_owners - 1];
    b = &d->blocks[d->n_blocks++];
    b->start = start;
    b->end = end;
    source_range(owner, c->src_len, &b->src_start, &b->src_end);
    b->heading = heading_level(&owner->v.element);
    return tl_buf_append(&d->text, "\n\n", 2);
}

/* Orders drops by where they start in the page. */
static int
cmp_drop(const void *a, const void *b)
{
    const struct tl_html_drop *x = a, *y = b;

    return (x->src_start > y->src_start) - (x->src_start < y->src_start);
}

/* Records that the element n (and its subtree) was left out by rule. */
static enum tl_status
note_drop(struct blocks_ctx *c, const GumboNode *n, const char *rule)
{
    struct tl_html_doc *d = c->doc;
    struct tl_html_drop *dr;
    const char *name = "template";
    size_t name_len = 8;

    if (d->n_drops == c->cap_drops) {
        size_t cap = c->cap_drops != 0 ? c->cap_drops * 2 : 16;
        struct tl_html_drop *p = realloc(d->drops, cap * sizeof *p);

        if (p == NULL)
            return TL_ERR_NOMEM;
        d->drops = p;
        c->cap_drops = cap;
    }
    dr = &d->drops[d->n_drops++];
    dr->rule = rule;
    if (n->type == GUMBO_NODE_ELEMENT) {
        GumboStringPiece t = n->v.element.original_tag;

        if (n->v.element.tag != GUMBO_TAG_UNKNOWN) {
            name = gumbo_normalized_tagname(n->v.element.tag);
            name_len = strlen(name);
        } else if (t.data != NULL && t.length > 0) {
            gumbo_tag_from_original_text(&t);
            name = t.data;
            name_len = t.length;
        }
    }
    if (name_len >= sizeof dr->tag)
        name_len = sizeof dr->tag - 1;
    for (size_t i = 0; i < name_len; i++)
        dr->tag[i] = (char)lower((unsigned char)name[i]);
    dr->tag[name_len] = '\0';
    source_range(n, c->src_len, &dr->src_start, &dr->src_end);
    return TL_OK;
}

static int
blocks_enter(void *ctx, const GumboNode *n)
{
    struct blocks_ctx *c = ctx;
    const GumboElement *e = &n->v.element;

    switch (n->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
        return sink_text(&c->sink, n->v.text.text) == TL_OK ? WALK_SKIP
                                                           : WALK_ERROR;
    case GUMBO_NODE_ELEMENT:
        break;
    default:
        return WALK_SKIP;
    }
    if (n != c->root) {
        const char *rule = drop_rule(n, DROP_TEXT);

        if (rule != NULL)
            return note_drop(c, n, rule) == TL_OK ? WALK_SKIP : WALK_ERROR;
        if (e->tag == GUMBO_TAG_BR)
            return sink_break(&c->sink) == TL_OK ? WALK_SKIP : WALK_ERROR;
        if (is_inline_tag(e))
            return WALK_DESCEND;
    }
    if (end_block(c) != TL_OK)
        return WALK_ERROR;
    if (c->n_owners == c->cap_owners) {
        size_t ncap = c->cap_owners != 0 ? c->cap_owners * 2 : 64;
        const GumboNode **p = realloc(c->owners, ncap * sizeof *p);

        if (p == NULL)
            return WALK_ERROR;
        c->owners = p;
        c->cap_owners = ncap;
    }
    c->owners[c->n_owners++] = n;
    c->pre_depth += is_pre_tag(e);
    sink_start(&c->sink, c->pre_depth > 0);
    return WALK_DESCEND;
}

static int
blocks_leave(void *ctx, const GumboNode *n)
{
    struct blocks_ctx *c = ctx;
    const GumboElement *e = &n->v.element;

    if (n->type != GUMBO_NODE_ELEMENT || (n != c->root && is_inline_tag(e)))
        return WALK_DESCEND;
    if (end_block(c) != TL_OK)
        return WALK_ERROR;
    c->n_owners--;
    c->pre_depth -= is_pre_tag(e);
    sink_start(&c->sink, c->pre_depth > 0);
    return WALK_DESCEND;
}

static enum tl_status
extract_blocks(const GumboNode *body, const GumboNode *root, size_t src_len,
               struct tl_html_doc *doc)
{
    struct blocks_ctx c;
    enum tl_status st;

    memset(&c, 0, sizeof c);
    c.root = root;
    c.src_len = src_len;
    c.doc = doc;
    c.sink.buf = &doc->text;
    sink_start(&c.sink, 0);
    st = walk(root, blocks_enter, blocks_leave, &c);
    /* what lies around the content root, level by level up to <body> */
    for (const GumboNode *n = root; st == TL_OK && n != body
         && n->parent != NULL; n = n->parent) {
        const GumboVector *sib = children_of(n->parent);

        for (unsigned i = 0; st == TL_OK && sib != NULL && i < sib->length;
             i++) {
            const GumboNode *s = sib->data[i];

            if (s != n && (s->type == GUMBO_NODE_ELEMENT
                           || s->type == GUMBO_NODE_TEMPLATE))
                st = note_drop(&c, s, "outside-root");
        }
    }
    if (st == TL_OK && doc->n_drops > 1)
        qsort(doc->drops, doc->n_drops, sizeof *doc->drops, cmp_drop);
    free(c.owners);
    return st;
}

/* ---- metadata ------------------------------------------------------- */

enum field { F_TITLE, F_AUTHOR, F_PUBLISHED, N_FIELDS };

/* Meta names, properties and itemprops, best first within a field. */
static const struct {
    const char *key;
    enum field field;
} meta_keys[] = {
    { "og:title", F_TITLE },
    { "twitter:title", F_TITLE },
    { "author", F_AUTHOR },
    { "article:author", F_AUTHOR },
    { "og:article:author", F_AUTHOR },
    { "byl", F_AUTHOR },
    { "parsely-author", F_AUTHOR },
    { "sailthru.author", F_AUTHOR },
    { "dc.creator", F_AUTHOR },
    { "dcterms.creator", F_AUTHOR },
    { "article:published_time", F_PUBLISHED },
    { "og:article:published_time", F_PUBLISHED },
    { "datepublished", F_PUBLISHED },
    { "date", F_PUBLISHED },
    { "pubdate", F_PUBLISHED },
    { "publish-date", F_PUBLISHED },
    { "publishdate", F_PUBLISHED },
    { "publish_date", F_PUBLISHED },
    { "parsely-pub-date", F_PUBLISHED },
    { "sailthru.date", F_PUBLISHED },
    { "dc.date.issued", F_PUBLISHED },
    { "dcterms.issued", F_PUBLISHED },
    { "dc.date", F_PUBLISHED },
};

struct head_ctx {
    const GumboNode *title;             /* the first HTML <title> */
    const char *value[N_FIELDS];        /* the best meta content so far */
    size_t len[N_FIELDS];               /* its length, trimmed */
    size_t rank[N_FIELDS];              /* its index in meta_keys */
};

static int
looks_like_url(const char *v)
{
    size_t n = strlen(v);

    trim(&v, &n);
    return starts_ci(v, n, "http://") || starts_ci(v, n, "https://") ||
           starts_ci(v, n, "//") || starts_ci(v, n, "www.");
}

static void
consider_meta(struct head_ctx *c, const char *key, const char *content,
              size_t content_len)
{
    size_t n, k;

    if (key == NULL)
        return;
    n = strlen(key);
    trim(&key, &n);
    for (k = 0; k < N_ELEMS(meta_keys); k++) {
        enum field f = meta_keys[k].field;

        if (!eq_ci(key, n, meta_keys[k].key) || k >= c->rank[f])
            continue;
        if (f == F_AUTHOR && looks_like_url(content))
            return;
        c->value[f] = content;
        c->len[f] = content_len;
        c->rank[f] = k;
        return;
    }
}

static int
head_enter(void *ctx, const GumboNode *n)
{
    struct head_ctx *c = ctx;
    const GumboElement *e = &n->v.element;
    const char *content;
    size_t len;

    if (n->type == GUMBO_NODE_DOCUMENT)
        return WALK_DESCEND;
    if (n->type != GUMBO_NODE_ELEMENT)
        return WALK_SKIP;
    if (c->title == NULL && is_element(n, GUMBO_TAG_TITLE))
        c->title = n;
    if (e->tag != GUMBO_TAG_META)
        return WALK_DESCEND;
    content = attr(e, "content");
    if (content == NULL)
        return WALK_SKIP;
    len = strlen(content);
    trim(&content, &len);
    if (len == 0)
        return WALK_SKIP;
    consider_meta(c, attr(e, "name"), content, len);
    consider_meta(c, attr(e, "property"), content, len);
    consider_meta(c, attr(e, "itemprop"), content, len);
    return WALK_SKIP;
}

enum find_kind { FIND_AUTHOR, FIND_H1, FIND_DATE_ITEMPROP, FIND_TIME };

/* Looks for the first element of a kind outside the metadata drops. */
struct find_ctx {
    const GumboNode *root;
    enum find_kind kind;
    char *found;        /* malloc'd */
    enum tl_status st;
};

static int
is_author_element(const GumboElement *e)
{
    const char *cls = attr(e, "class");
    size_t i, n = cls != NULL ? strlen(cls) : 0;

    if (has_token(attr(e, "rel"), "author") ||
        has_token(attr(e, "itemprop"), "author"))
        return 1;
    for (i = 0; i < n; i++)     /* a class token containing "author" */
        if (starts_ci(cls + i, n - i, "author"))
            return 1;
    return 0;
}

static int
find_enter(void *ctx, const GumboNode *n)
{
    struct find_ctx *c = ctx;
    const GumboElement *e = &n->v.element;
    const char *v = NULL;
    size_t len;

    if (n->type != GUMBO_NODE_ELEMENT)
        return WALK_SKIP;
    if (n != c->root && is_dropped(n, DROP_META))
        return WALK_SKIP;
    switch (c->kind) {
    case FIND_AUTHOR:
        if (e->tag == GUMBO_TAG_META || !is_author_element(e))
            return WALK_DESCEND;
        c->found = text_of(n, SHORT_MAX, &c->st);
        if (c->st != TL_OK)
            return WALK_ERROR;
        if (c->found != NULL)
            return WALK_STOP;
        return WALK_DESCEND;    /* none or too long: look inside */
    case FIND_H1:
        if (!is_element(n, GUMBO_TAG_H1))
            return WALK_DESCEND;
        c->found = text_of(n, 0, &c->st);
        if (c->st != TL_OK)
            return WALK_ERROR;
        return c->found != NULL ? WALK_STOP : WALK_SKIP;
    case FIND_DATE_ITEMPROP:
        if (e->tag == GUMBO_TAG_META ||
            !has_token(attr(e, "itemprop"), "datepublished"))
            return WALK_DESCEND;
        v = attr(e, "datetime");
        if (v == NULL)
            v = attr(e, "content");
        break;
    case FIND_TIME:
        if (!is_element(n, GUMBO_TAG_TIME))
            return WALK_DESCEND;
        v = attr(e, "datetime");
        if (v == NULL)
            return WALK_DESCEND;
        break;
    }
    /* a date: the attribute's value, else (itemprop) the element's text */
    len = v != NULL ? strlen(v) : 0;
    trim(&v, &len);
    if (len > 0) {
        c->found = dup_n(v, len);
        if (c->found == NULL)
            return WALK_ERROR;
    } else if (c->kind == FIND_DATE_ITEMPROP) {
        c->found = text_of(n, SHORT_MAX, &c->st);
        if (c->st != TL_OK)
            return WALK_ERROR;
    }
    return c->found != NULL ? WALK_STOP : WALK_DESCEND;
}

/* The first element of kind in root's subtree, then in doc's (when not
 * NULL), into *out (malloc'd, NULL when none). */
static enum tl_status
find_first(const GumboNode *root, const GumboNode *doc, enum find_kind kind,
           char **out)
{
    struct find_ctx c = { root, kind, NULL, TL_OK };
    enum tl_status st = walk(root, find_enter, NULL, &c);

    if (st == TL_OK && c.found == NULL && doc != NULL && doc != root) {
        c.root = doc;
        st = walk(doc, find_enter, NULL, &c);
    }
    if (st != TL_OK) {
        free(c.found);
        c.found = NULL;
    }
    *out = c.found;
    return st;
}

static enum tl_status
extract_metadata(const GumboOutput *out, const GumboNode *body,
                 const GumboNode *root, struct tl_html_doc *doc)
{
    struct head_ctx h;
    enum tl_status st;
    size_t f;

    memset(&h, 0, sizeof h);
    for (f = 0; f < N_FIELDS; f++)
        h.rank[f] = SIZE_MAX;
    st = walk(out->document, head_enter, NULL, &h);
    if (st != TL_OK)
        return st;

    if (h.title != NULL)
        doc->title = text_of(h.title, 0, &st);
    if (st == TL_OK && doc->title == NULL && h.value[F_TITLE] != NULL)
        doc->title = collapse(h.value[F_TITLE], &st);

    if (st == TL_OK)
        st = find_first(root, body, FIND_H1, &doc->h1);

    if (st == TL_OK && h.value[F_AUTHOR] != NULL)
        doc->author = collapse(h.value[F_AUTHOR], &st);
    if (st == TL_OK && doc->author == NULL)
        st = find_first(root, body, FIND_AUTHOR, &doc->author);

    if (st == TL_OK && h.value[F_PUBLISHED] != NULL) {
        doc->published = dup_n(h.value[F_PUBLISHED], h.len[F_PUBLISHED]);
        if (doc->published == NULL)
            st = TL_ERR_NOMEM;
    }
    if (st == TL_OK && doc->published == NULL)
        st = find_first(body, NULL, FIND_DATE_ITEMPROP, &doc->published);
    if (st == TL_OK && doc->published == NULL)
        st = find_first(root, NULL, FIND_TIME, &doc->published);
    return st;
}

/* ---- the public functions ------------------------------------------- */

void
tl_html_doc_init(struct tl_html_doc *d)
{
    tl_buf_init(&d->text, 0);
    d->blocks = NULL;
    d->n_blocks = 0;
    d->title = NULL;
    d->h1 = NULL;
    d->author = NULL;
    d->published = NULL;
    d->drops = NULL;
    d->n_drops = 0;
}

void
tl_html_doc_release(struct tl_html_doc *d)
{
    if (d == NULL)
        return;
    tl_buf_release(&d->text);
    free(d->blocks);
    free(d->title);
    free(d->h1);
    free(d->author);
    free(d->published);
    free(d->drops);
    tl_html_doc_init(d);
}

/* Elements that never hold others (void) or whose end tag may be left
 * out (HTML closes them when the next one starts): they do not deepen
 * the tree however many are left open. */
static int
is_flat_tag(const char *name, size_t n)
{
    static const char *const flat[] = {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr", "p", "li", "dt", "dd",
        "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
        "colgroup", "rb", "rt", "rtc", "rp", "html", "head", "body", NULL,
    };

    for (const char *const *f = flat; *f != NULL; f++)
        if (strlen(*f) == n && strncasecmp(*f, name, n) == 0)
            return 1;
    return 0;
}

/* A cheap estimate of how deep the page nests: opening tags less closing
 * ones, flat elements, "/>", comments and script or style text aside.
 * gumbo builds its tree in time quadratic in the depth of open elements
 * (10,000 levels: 0.14 s; 300,000: minutes), so tl_html_extract refuses a
 * page deeper than TL_HTML_DEPTH_MAX instead of hanging on it. */
static size_t
nesting_estimate(const char *h, size_t len)
{
    size_t depth = 0, max = 0, i = 0;

    while (i < len) {
        const char *lt = memchr(h + i, '<', len - i);
        size_t name, n;

        if (lt == NULL)
            break;
        i = (size_t)(lt - h) + 1;
        if (i + 3 <= len && memcmp(h + i, "!--", 3) == 0) {
            const char *end = memmem(h + i, len - i, "-->", 3);
            i = end != NULL ? (size_t)(end - h) + 3 : len;
            continue;
        }
        if (i < len && h[i] == '/') {
            if (depth > 0)
                depth--;
            continue;
        }
        name = i;
        while (i < len && (isalnum((unsigned char)h[i]) || h[i] == '-'))
            i++;
        n = i - name;
        if (n == 0)
            continue;
        {
            const char *gt = memchr(h + i, '>', len - i);
            size_t end = gt != NULL ? (size_t)(gt - h) : len;
            int self = end > i && h[end - 1] == '/';
            if ((n == 6 && strncasecmp(h + name, "script", 6) == 0)
                || (n == 5 && strncasecmp(h + name, "style", 5) == 0)) {
                /* skip to the matching end tag: its text is not HTML */
                const char *close = NULL;
                for (size_t k = end; k + 2 + n <= len; k++) {
                    if (h[k] == '<' && h[k + 1] == '/'
                        && strncasecmp(h + k + 2, h + name, n) == 0) {
                        close = h + k;
                        break;
                    }
                }
                i = close != NULL ? (size_t)(close - h) + 2 : len;
                continue;
            }
            if (!self && !is_flat_tag(h + name, n) && ++depth > max)
                max = depth;
            i = end;
        }
    }
    return max;
}

/* gumbo's parse, or NULL with a->over set when it ran out of budget
 * (arena_alloc() jumps back here; the arena holds all it allocated). */
static GumboOutput *
parse_within_budget(struct arena *a, const GumboOptions *opt,
                    const char *html, size_t len)
{
    if (setjmp(a->jump) != 0)
        return NULL;
    return gumbo_parse_with_options(opt, html, len);
}

enum tl_status
tl_html_extract(const char *html, size_t len, struct tl_html_doc *doc,
                struct tl_error *err)
{
    struct arena *arena = NULL;
    GumboOptions opt = kGumboDefaultOptions;
    GumboOutput *out;
    const GumboNode *body, *root;
    enum tl_status st;

    tl_html_doc_release(doc);
    if (len >= UINT_MAX)
        return tl_error_set(err, TL_ERR_INPUT,
                            "HTML too large (%zu bytes, want under 4 GiB)",
                            len);
    if (html == NULL)
        html = "";
    if (nesting_estimate(html, len) > TL_HTML_DEPTH_MAX)
        return tl_error_set(err, TL_ERR_INPUT, "HTML nested more than %d "
                            "levels deep (not an article)",
                            TL_HTML_DEPTH_MAX);
    arena = malloc(sizeof *arena);   /* in memory across longjmp() */
    if (arena == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory parsing HTML");
    opt.allocator = arena_alloc;
    opt.deallocator = arena_free;
    opt.userdata = arena;
    opt.max_errors = 0;     /* parse errors are not reported: keep none */
    arena_start(arena, len);
    out = parse_within_budget(arena, &opt, html, len);
    if (arena->over != ARENA_OK) {
        if (arena->over == ARENA_OVER_TIME)
            st = tl_error_set(err, TL_ERR_INPUT, "HTML too costly to "
                              "parse (over %.1f s of CPU; nested or "
                              "misnested beyond any article)",
                              TL_HTML_CPU_BASE + TL_HTML_CPU_PER_MB
                              * (double)len / 1e6);
        else
            st = tl_error_set(err, TL_ERR_INPUT, "HTML too costly to "
                              "parse (over %zu MB of memory; nested or "
                              "misnested beyond any article)",
                              arena->limit >> 20);
        goto out;
    }
    if (out == NULL || out->root == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory parsing HTML");
        goto out;
    }
    body = find_body(out);
    st = choose_root(body, &root);
    if (st == TL_OK)
        st = extract_blocks(body, root, len, doc);
    if (st == TL_OK)
        st = extract_metadata(out, body, root, doc);
    if (st != TL_OK)
        tl_error_set(err, st, "out of memory extracting HTML text");
out:
    arena_release(arena);      /* instead of gumbo_destroy_output() */
    free(arena);
    if (st != TL_OK)
        tl_html_doc_release(doc);
    return st;
}
