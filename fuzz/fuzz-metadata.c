/*
 * fuzz-metadata.c - title, author and date from an article's blocks
 * (lib/metadata.c: tl_meta_extract), after the boilerplate rules as in
 * the pipeline.
 *
 * Input: one flags byte (bit 0: skip the boilerplate rules; bit 1: the
 * title is already known, as from front matter; bit 2: so is the date),
 * then the text, read as a .txt file is.  Checked: values found are
 * trimmed, not empty, valid UTF-8, each with its source (and none
 * without); explicit values are never replaced; the date exists; the
 * byline block is a block and is dropped; blocks stay well formed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define PRESET_TITLE "A title given by front matter"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void
check_value(const char *what, const char *v, enum tl_meta_source src)
{
    size_t n;

    if (v == NULL) {
        FUZZ_CHECK(src == TL_SRC_NONE, "no %s, but a source (%s)", what,
                   tl_meta_source_name(src));
        return;
    }
    FUZZ_CHECK(src != TL_SRC_NONE, "%s '%s' has no source", what, v);
    n = strlen(v);
    FUZZ_CHECK(n > 0, "an empty %s (from %s)", what,
               tl_meta_source_name(src));
    FUZZ_CHECK(!isspace((unsigned char)v[0])
               && !isspace((unsigned char)v[n - 1]),
               "%s '%s' is not trimmed", what, v);
    FUZZ_CHECK(fuzz_utf8_valid(v, n), "%s is not valid UTF-8", what);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_error err = { 0 };
    struct tl_doc d;
    struct tl_meta m;
    struct tl_date preset = { 2001, 2, 3, TL_DATE_DAY };
    int flags;

    /* NUL bytes included: a value empty up to a NUL leaves the field
     * unknown (tl_meta_set), which check_value() holds it to. */
    if (size == 0)
        return 0;
    flags = data[0];
    tl_doc_init(&d);
    tl_meta_init(&m);
    fuzz_doc_build(data + 1, size - 1, &d);
    if (!(flags & 1))
        FUZZ_CHECK(tl_clean_boilerplate(&d, &err) == TL_OK, "clean: %s",
                   err.msg);
    if (flags & 2) {
        FUZZ_CHECK(tl_meta_set(&m.title, PRESET_TITLE, strlen(PRESET_TITLE),
                               &err) == TL_OK, "meta_set: %s", err.msg);
        m.title_src = TL_SRC_FRONT_MATTER;
    }
    if (flags & 4) {
        m.date = preset;
        m.date_src = TL_SRC_FRONT_MATTER;
    }

    FUZZ_CHECK(tl_meta_extract(&d, &m, &err) == TL_OK, "extract: %s",
               err.msg);
    fuzz_doc_check(&d, 1);
    check_value("title", m.title, m.title_src);
    check_value("author", m.author, m.author_src);
    fuzz_check_date(&m.date, 1800, 2199);
    FUZZ_CHECK((m.date.precision == TL_DATE_NONE)
               == (m.date_src == TL_SRC_NONE), "date and its source "
               "disagree");
    if (flags & 2)
        FUZZ_CHECK(strcmp(m.title, PRESET_TITLE) == 0
                   && m.title_src == TL_SRC_FRONT_MATTER,
                   "the explicit title was replaced by '%s'", m.title);
    if (flags & 4)
        FUZZ_CHECK(m.date.year == preset.year && m.date.month == preset.month
                   && m.date.day == preset.day
                   && m.date_src == TL_SRC_FRONT_MATTER,
                   "the explicit date was replaced");
    FUZZ_CHECK(m.byline_block <= d.n_blocks, "byline block %zu of %zu",
               m.byline_block, d.n_blocks);
    if (m.byline_block > 0)
        FUZZ_CHECK(d.blocks[m.byline_block - 1].drop != NULL,
                   "the byline block is kept");

    tl_meta_release(&m);
    tl_doc_release(&d);
    return 0;
}
