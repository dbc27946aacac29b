/*
 * fuzz-html.c - readable text and metadata from HTML (lib/html.c, on
 * gumbo).
 *
 * Input: an HTML document (any bytes).  Checked against html.h: every
 * block is non-empty text with no white space at either end and no
 * blank line inside, followed by "\n\n", blocks in order and covering
 * doc->text exactly; source ranges inside the input; heading levels
 * 0..6; the text and the metadata valid UTF-8 with no NUL; title, h1
 * and author with white space collapsed and trimmed, published trimmed.
 *
 * gumbo's tree builder is quadratic in the nesting depth, so inputs are
 * capped (run with -max_len=65536; larger inputs are skipped here too),
 * and pages that html.c refuses as nested too deep are let go.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "html.h"

#define MAX_INPUT 65536

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void
check_meta(const char *what, const char *v, int collapsed)
{
    size_t n;

    if (v == NULL)
        return;
    n = strlen(v);
    FUZZ_CHECK(fuzz_utf8_valid(v, n), "%s is not valid UTF-8", what);
    if (n == 0)
        return;
    FUZZ_CHECK(!is_ws(v[0]) && !is_ws(v[n - 1]), "%s '%s' is not trimmed",
               what, v);
    if (!collapsed)
        return;
    for (size_t i = 0; i + 1 < n; i++)
        FUZZ_CHECK(!(is_ws(v[i]) && is_ws(v[i + 1])) && v[i] != '\n'
                   && v[i] != '\t' && v[i] != '\r' && v[i] != '\f',
                   "%s '%s' has white space not collapsed", what, v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_error err = { 0 };
    struct tl_html_doc doc;
    enum tl_status st;
    size_t at = 0;

    if (size > MAX_INPUT)
        return 0;
    tl_html_doc_init(&doc);
    st = tl_html_extract((const char *)data, size, &doc, &err);
    if (st == TL_ERR_INPUT && (strstr(err.msg, "nested more than") != NULL
                               || strstr(err.msg, "too costly") != NULL)) {
        /* refused: deeper than TL_HTML_DEPTH_MAX, or past gumbo's budget
         * of time or memory (its tree builder is quadratic) */
        FUZZ_CHECK(doc.n_blocks == 0 && doc.text.len == 0
                   && doc.title == NULL && doc.n_drops == 0,
                   "a refused page left a doc");
        return 0;
    }
    FUZZ_CHECK(st == TL_OK, "extract: %s", err.msg);
    FUZZ_CHECK((doc.n_blocks == 0) == (doc.text.len == 0),
               "%zu blocks in %zu bytes of text", doc.n_blocks,
               doc.text.len);
    FUZZ_CHECK(fuzz_utf8_valid(doc.text.data, doc.text.len)
               && (doc.text.len == 0
                   || memchr(doc.text.data, '\0', doc.text.len) == NULL),
               "the text is not valid UTF-8 without NUL");
    for (size_t i = 0; i < doc.n_blocks; i++) {
        const struct tl_html_block *b = &doc.blocks[i];
        const char *t = doc.text.data + b->start;
        size_t n = b->end - b->start;

        FUZZ_CHECK(b->start == at && b->start < b->end
                   && b->end + 2 <= doc.text.len,
                   "block %zu: [%zu, %zu) after %zu, text %zu bytes", i,
                   b->start, b->end, at, doc.text.len);
        FUZZ_CHECK(memcmp(doc.text.data + b->end, "\n\n", 2) == 0,
                   "block %zu is not followed by a blank line", i);
        FUZZ_CHECK(!is_ws(t[0]) && !is_ws(t[n - 1]), "block %zu has white "
                   "space at an end", i);
        for (size_t k = 0; k + 1 < n; k++)
            FUZZ_CHECK(!(t[k] == '\n' && t[k + 1] == '\n'), "block %zu "
                       "holds a blank line", i);
        FUZZ_CHECK(b->src_start <= b->src_end && b->src_end <= size,
                   "block %zu: source [%zu, %zu) of %zu bytes", i,
                   b->src_start, b->src_end, size);
        FUZZ_CHECK(b->heading >= 0 && b->heading <= 6, "heading %d",
                   b->heading);
        at = b->end + 2;
    }
    FUZZ_CHECK(at == doc.text.len, "text after the last block");
    for (size_t i = 0; i < doc.n_drops; i++) {
        const struct tl_html_drop *d = &doc.drops[i];

        FUZZ_CHECK(d->rule != NULL && d->tag[0] != '\0'
                   && memchr(d->tag, '\0', sizeof d->tag) != NULL,
                   "drop %zu has no rule or tag", i);
        FUZZ_CHECK(d->src_start <= d->src_end && d->src_end <= size
                   && (i == 0 || doc.drops[i - 1].src_start <= d->src_start),
                   "drop %zu: source [%zu, %zu) of %zu bytes, out of order",
                   i, d->src_start, d->src_end, size);
    }
    check_meta("title", doc.title, 1);
    check_meta("h1", doc.h1, 1);
    check_meta("author", doc.author, 1);
    check_meta("published", doc.published, 0);
    tl_html_doc_release(&doc);
    return 0;
}
