/*
 * ingest.c - one article from bytes to passages:
 *
 *   refuse non-text (encoding.c) -> decode to UTF-8, LF (encoding.c)
 *   -> blocks by format:
 *        .txt   paragraphs (passage.c), Markdown emphasis and links
 *               stripped (saved web pages are full of them)
 *        .md    front matter (title, author, date, topics), paragraphs,
 *               Markdown markup stripped (markdown.c)
 *        .html  the article body's block elements and the page's
 *               metadata (html.c)
 *   -> boilerplate rules (clean.c) -> metadata (metadata.c; explicit
 *   values first: manifest, then front matter or HTML meta)
 *   -> passages (passage.c) -> topics (topic.c) on the kept text.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "ingest.h"
#include "markdown.h"

void
tl_ingest_init(struct tl_ingest *in)
{
    memset(in, 0, sizeof *in);
    tl_doc_init(&in->doc);
    tl_meta_init(&in->meta);
    tl_buf_init(&in->text, 0);
    tl_tokens_init(&in->tokens);
    tl_buf_init(&in->decoded, 0);
}

static void
free_named(struct tl_ingest *in)
{
    for (size_t i = 0; i < in->n_named; i++)
        free(in->named_topics[i]);
    free(in->named_topics);
    in->named_topics = NULL;
    in->n_named = 0;
}

void
tl_ingest_release(struct tl_ingest *in)
{
    if (in == NULL)
        return;
    tl_doc_release(&in->doc);
    tl_meta_release(&in->meta);
    tl_buf_release(&in->text);
    free(in->passages);
    free(in->passage_topics);
    free(in->topics);
    free(in->markup_drops);
    free_named(in);
    tl_tokens_release(&in->tokens);
    free(in->tok_first);
    tl_buf_release(&in->decoded);
    tl_ingest_init(in);
}

void
tl_ingest_slim(struct tl_ingest *in)
{
    tl_doc_release(&in->doc);
    tl_buf_release(&in->decoded);
    tl_tokens_release(&in->tokens);
    /* the passages' text in as many bytes as it takes */
    if (in->text.data != NULL && in->text.cap > in->text.len + 1) {
        char *p = realloc(in->text.data, in->text.len + 1);
        if (p != NULL) {
            in->text.data = p;
            in->text.cap = in->text.len + 1;
        }
    }
}

/* A buffer larger than this is given back, not kept for the next
 * article: the 64 slots of talaash-index's ring each keep theirs, and a
 * large article's would stay with its slot. */
#define INGEST_KEEP_MAX ((size_t)256 << 10)

void
tl_ingest_reset(struct tl_ingest *in)
{
    struct tl_doc doc = in->doc;
    struct tl_buf text = in->text, decoded = in->decoded;
    struct tl_tokens tokens = in->tokens;

    if (doc.text.cap > INGEST_KEEP_MAX
        || doc.cap * sizeof *doc.blocks > INGEST_KEEP_MAX)
        tl_doc_release(&doc);
    if (text.cap > INGEST_KEEP_MAX)
        tl_buf_release(&text);
    if (decoded.cap > INGEST_KEEP_MAX)
        tl_buf_release(&decoded);
    if (tokens.cap_bytes > INGEST_KEEP_MAX
        || tokens.cap * sizeof *tokens.tok > INGEST_KEEP_MAX)
        tl_tokens_release(&tokens);
    tl_meta_release(&in->meta);
    free(in->passages);
    free(in->passage_topics);
    free(in->topics);
    free(in->markup_drops);
    free_named(in);
    free(in->tok_first);
    tl_ingest_init(in);
    in->doc = doc;
    tl_doc_reset(&in->doc);
    in->text = text;
    tl_buf_reset(&in->text);
    in->decoded = decoded;
    tl_buf_reset(&in->decoded);
    in->tokens = tokens;
    tl_tokens_reset(&in->tokens);
}

static enum tl_status
nomem(struct tl_error *err)
{
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
}

/* Adds a topic name given by the article itself (front matter, manifest). */
static enum tl_status
add_named(struct tl_ingest *in, const char *name, size_t len,
          struct tl_error *err)
{
    char **p, *copy;

    while (len > 0 && (*name == ' ' || *name == '\t')) {
        name++;
        len--;
    }
    while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    if (len == 0)
        return TL_OK;
    for (size_t i = 0; i < in->n_named; i++)
        if (strlen(in->named_topics[i]) == len
            && strncasecmp(in->named_topics[i], name, len) == 0)
            return TL_OK;
    p = realloc(in->named_topics, (in->n_named + 1) * sizeof *p);
    if (p == NULL)
        return nomem(err);
    in->named_topics = p;
    copy = strndup(name, len);
    if (copy == NULL)
        return nomem(err);
    in->named_topics[in->n_named++] = copy;
    return TL_OK;
}

/* Topics written "a; b, c" (the manifest's column). */
static enum tl_status
add_named_list(struct tl_ingest *in, const char *list, struct tl_error *err)
{
    while (*list != '\0') {
        size_t n = strcspn(list, ";,");
        enum tl_status st = add_named(in, list, n, err);
        if (st != TL_OK)
            return st;
        list += n;
        if (*list != '\0')
            list++;
    }
    return TL_OK;
}

/* Splits text into paragraphs, strips Markdown markup from each, and adds
 * them as blocks; offsets map back to the file through map. */
static enum tl_status
add_paragraphs(struct tl_ingest *in, const char *text, size_t len,
               size_t base, const struct tl_offset_map *map,
               struct tl_error *err)
{
    struct tl_span *spans = NULL;
    struct tl_buf plain;
    size_t n = 0;
    enum tl_status st;

    tl_buf_init(&plain, 0);
    st = tl_passages_split(text, len, &spans, &n, err);
    for (size_t i = 0; st == TL_OK && i < n; i++) {
        int heading = 0;
        size_t s = spans[i].start, e = spans[i].end;

        tl_buf_reset(&plain);
        st = tl_markdown_strip(text + s, e - s, &plain, &heading, err);
        if (st == TL_OK && plain.len > 0) {
            st = tl_doc_add(&in->doc, plain.data, plain.len,
                            tl_offset_map_orig(map, base + s),
                            tl_offset_map_orig(map, base + e), heading, err);
        } else if (st == TL_OK && e > s) {
            /* markup with no text (an image, a rule, a comment): kept as a
             * dropped block so --explain can show it */
            st = tl_doc_add(&in->doc, text + s, e - s,
                            tl_offset_map_orig(map, base + s),
                            tl_offset_map_orig(map, base + e), 0, err);
            if (st == TL_OK)
                in->doc.blocks[in->doc.n_blocks - 1].drop = "markup";
        }
    }
    free(spans);
    tl_buf_release(&plain);
    return st;
}

static enum tl_status
set_date(struct tl_meta *m, const char *value, enum tl_meta_source src)
{
    struct tl_date d;

    if (value == NULL || !tl_date_parse(value, strlen(value), &d))
        return TL_OK;   /* an unreadable date is no date */
    m->date = d;
    m->date_src = src;
    return TL_OK;
}

static enum tl_status
set_field(char **field, enum tl_meta_source *src_field, const char *value,
          enum tl_meta_source src, struct tl_error *err)
{
    enum tl_status st;

    if (value == NULL || *field != NULL)
        return TL_OK;
    st = tl_meta_set(field, value, strlen(value), err);
    if (st == TL_OK && *field != NULL)  /* an empty value sets nothing */
        *src_field = src;
    return st;
}

static enum tl_status
ingest_markdown(struct tl_ingest *in, const char *text, size_t len,
                const struct tl_offset_map *map, struct tl_error *err)
{
    struct tl_front_matter fm;
    struct tl_error fm_err = { 0 };
    enum tl_status st;
    size_t body = 0;

    tl_front_matter_init(&fm);
    /* an unclosed front matter block is just text */
    if (tl_front_matter_parse(text, len, &fm, &fm_err) == TL_OK)
        body = fm.end;
    st = set_field(&in->meta.title, &in->meta.title_src, fm.title,
                   TL_SRC_FRONT_MATTER, err);
    if (st == TL_OK)
        st = set_field(&in->meta.author, &in->meta.author_src, fm.author,
                       TL_SRC_FRONT_MATTER, err);
    if (st == TL_OK && in->meta.date.precision == TL_DATE_NONE)
        st = set_date(&in->meta, fm.date, TL_SRC_FRONT_MATTER);
    for (size_t i = 0; st == TL_OK && i < fm.n_topics; i++) {
        st = add_named(in, fm.topics[i], strlen(fm.topics[i]), err);
        in->named_src = TL_SRC_FRONT_MATTER;
    }
    if (st == TL_OK)
        st = add_paragraphs(in, text + body, len - body, body, map, err);
    tl_front_matter_release(&fm);
    return st;
}

/* "Title | Site" or "Title - Site": the <title> without the site. */
static size_t
title_without_site(const char *t)
{
    static const char *const seps[] = { " | ", " - ", " \xe2\x80\x93 ",
                                        " \xe2\x80\x94 ", " :: ", NULL };
    size_t len = strlen(t);

    for (const char *const *s = seps; *s != NULL; s++) {
        const char *last = NULL, *p = t;
        while ((p = strstr(p, *s)) != NULL)
            last = p++;
        if (last != NULL && len - (size_t)(last - t) <= 40
            && (size_t)(last - t) >= 10)
            return (size_t)(last - t);
    }
    return len;
}

static enum tl_status
ingest_html(struct tl_ingest *in, const char *path, const char *text,
            size_t len, const struct tl_offset_map *map, struct tl_error *err)
{
    struct tl_html_doc h;
    enum tl_status st;

    tl_html_doc_init(&h);
    st = tl_html_extract(text, len, &h, err);
    if (st == TL_ERR_INPUT) {   /* name the file */
        char why[TL_ERROR_MAX];
        snprintf(why, sizeof why, "%s", err->msg);
        tl_error_set(err, st, "skipped '%s': %s", path, why);
    }
    if (st == TL_OK && in->meta.title == NULL) {
        /* <h1> is the article's own heading; <title> often adds the site */
        if (h.h1 != NULL && h.h1[0] != '\0')
            st = set_field(&in->meta.title, &in->meta.title_src, h.h1,
                           TL_SRC_HTML, err);
        else if (h.title != NULL) {
            st = tl_meta_set(&in->meta.title, h.title,
                             title_without_site(h.title), err);
            if (in->meta.title != NULL)
                in->meta.title_src = TL_SRC_HTML;
        }
    }
    if (st == TL_OK)
        st = set_field(&in->meta.author, &in->meta.author_src, h.author,
                       TL_SRC_HTML, err);
    if (st == TL_OK && in->meta.date.precision == TL_DATE_NONE && h.published)
        st = set_date(&in->meta, h.published, TL_SRC_HTML);
    for (size_t i = 0; st == TL_OK && i < h.n_blocks; i++) {
        const struct tl_html_block *b = &h.blocks[i];
        st = tl_doc_add(&in->doc, h.text.data + b->start, b->end - b->start,
                        tl_offset_map_orig(map, b->src_start),
                        tl_offset_map_orig(map, b->src_end), b->heading,
                        err);
    }
    if (st == TL_OK && h.n_drops > 0) {
        in->markup_drops = malloc(h.n_drops * sizeof *in->markup_drops);
        if (in->markup_drops == NULL)
            st = nomem(err);
    }
    for (size_t i = 0; st == TL_OK && i < h.n_drops; i++) {
        struct tl_markup_drop *d = &in->markup_drops[i];

        d->rule = h.drops[i].rule;
        memcpy(d->tag, h.drops[i].tag, sizeof d->tag);
        d->src_start = tl_offset_map_orig(map, h.drops[i].src_start);
        d->src_end = tl_offset_map_orig(map, h.drops[i].src_end);
        in->n_markup_drops++;
    }
    tl_html_doc_release(&h);
    return st;
}

static enum tl_status
apply_manifest(struct tl_ingest *in, const struct tl_manifest_entry *e,
               struct tl_error *err)
{
    enum tl_status st;

    st = set_field(&in->meta.title, &in->meta.title_src, e->title,
                   TL_SRC_MANIFEST, err);
    if (st == TL_OK)
        st = set_field(&in->meta.author, &in->meta.author_src, e->author,
                       TL_SRC_MANIFEST, err);
    if (st == TL_OK && e->date != NULL)
        st = set_date(&in->meta, e->date, TL_SRC_MANIFEST);
    if (st == TL_OK && e->topics != NULL && e->topics[0] != '\0') {
        free_named(in);     /* the manifest's topics replace any others */
        st = add_named_list(in, e->topics, err);
        in->named_src = TL_SRC_MANIFEST;
    }
    return st;
}

/* Records the tokens of every passage, the title and the author
 * (in->tokens, in->tok_first). */
static enum tl_status
record_tokens(sqlite3 *db, struct tl_ingest *in, struct tl_error *err)
{
    const char *field[2] = { in->meta.title, in->meta.author };
    size_t np = in->n_passages;
    enum tl_status st = TL_OK;

    in->tok_first = malloc((np + 3) * sizeof *in->tok_first);
    if (in->tok_first == NULL)
        return nomem(err);
    for (size_t p = 0; st == TL_OK && p < np; p++) {
        const struct tl_passage *ps = &in->passages[p];
        in->tok_first[p] = in->tokens.n;
        st = tl_tokens_record(db, in->text.data + ps->start,
                              (int)(ps->end - ps->start), &in->tokens, err);
    }
    for (int f = 0; st == TL_OK && f < 2; f++) {
        const char *s = field[f] != NULL ? field[f] : "";
        in->tok_first[np + (size_t)f] = in->tokens.n;
        st = tl_tokens_record(db, s, (int)strlen(s), &in->tokens, err);
    }
    in->tok_first[np + 2] = in->tokens.n;
    if (st != TL_OK) {
        tl_tokens_release(&in->tokens);
        free(in->tok_first);
        in->tok_first = NULL;
    }
    return st;
}

/* Counts topic matches per passage (in the recorded tokens) and decides
 * the article's topics. */
static enum tl_status
match_topics(sqlite3 *db, const struct tl_topics *topics,
             struct tl_ingest *in, struct tl_error *err)
{
    size_t nt = topics != NULL ? tl_topics_count(topics) : 0;
    unsigned *total = NULL;
    enum tl_status st = TL_OK;

    if (nt > 0) {
        in->passage_topics = calloc(in->n_passages * nt + 1, sizeof(unsigned));
        total = calloc(nt, sizeof *total);
        if (in->passage_topics == NULL || total == NULL) {
            st = nomem(err);
            goto out;
        }
    }
    for (size_t p = 0; p < in->n_passages && nt > 0; p++) {
        const struct tl_passage *ps = &in->passages[p];
        unsigned *counts = in->passage_topics + p * nt;
        if (in->tok_first != NULL)
            st = tl_topics_match_tokens(topics, &in->tokens,
                                        in->tok_first[p], in->tok_first[p + 1]
                                        - in->tok_first[p], counts, err);
        else
            st = tl_topics_match(db, topics, in->text.data + ps->start,
                                 ps->end - ps->start, counts, NULL, NULL,
                                 err);
        if (st != TL_OK)
            goto out;
        for (size_t t = 0; t < nt; t++)
            total[t] += counts[t];
    }
    in->topics = calloc(nt + in->n_named + 1, sizeof *in->topics);
    if (in->topics == NULL) {
        st = nomem(err);
        goto out;
    }
    for (size_t t = 0; t < nt; t++) {
        if (total[t] >= (unsigned)tl_topics_min_matches(topics, t)) {
            struct tl_article_topic *at = &in->topics[in->n_topics++];
            at->name = tl_topics_name(topics, t);
            at->source = TL_SRC_NONE;
            at->matches = total[t];
        }
    }
    for (size_t i = 0; i < in->n_named; i++) {
        int dup = 0;
        for (size_t k = 0; k < in->n_topics; k++)
            dup |= strcasecmp(in->topics[k].name, in->named_topics[i]) == 0;
        if (!dup) {
            struct tl_article_topic *at = &in->topics[in->n_topics++];
            at->name = in->named_topics[i];
            at->source = in->named_src;
            at->matches = 0;
        }
    }
out:
    free(total);
    return st;
}

enum tl_status
tl_ingest_article(sqlite3 *db, const struct tl_topics *topics,
                  const struct tl_manifest_entry *manifest,
                  const struct tl_article *a, struct tl_ingest *in,
                  struct tl_error *err)
{
    struct tl_offset_map map;
    struct tl_buf *text = &in->decoded;
    const char *why;
    enum tl_status st;

    tl_ingest_reset(in);
    why = tl_text_refusal(a->text.data, a->text.len);
    if (why != NULL)
        return tl_error_set(err, TL_ERR_INPUT, "skipped '%s': %s", a->path,
                            why);
    tl_offset_map_init(&map);
    st = tl_text_decode(a->text.data, a->text.len, text, &map,
                        &in->encoding, err);
    if (st != TL_OK)
        goto out;
    if (manifest != NULL) {
        st = apply_manifest(in, manifest, err);
        if (st != TL_OK)
            goto out;
    }
    switch (a->format) {
    case TL_FORMAT_MARKDOWN:
        st = ingest_markdown(in, text->data, text->len, &map, err);
        break;
    case TL_FORMAT_HTML:
        st = ingest_html(in, a->path, text->data, text->len, &map, err);
        break;
    default:
        st = add_paragraphs(in, text->data, text->len, 0, &map, err);
        break;
    }
    if (st == TL_OK)
        st = tl_clean_boilerplate(&in->doc, err);
    if (st == TL_OK)
        st = tl_meta_extract(&in->doc, &in->meta, err);
    if (st == TL_OK)
        st = tl_passages_make(&in->doc, &in->text, &in->passages,
                              &in->n_passages, err);
    if (st == TL_OK)
        st = record_tokens(db, in, err);
    if (st == TL_OK)
        st = match_topics(db, topics, in, err);
out:
    tl_offset_map_release(&map);
    /* kept for the next article, unless this one was large (a 100 MB
     * file's would stay with its slot through its indexing, a higher
     * peak) */
    if (in->decoded.cap > INGEST_KEEP_MAX)
        tl_buf_release(&in->decoded);
    return st;
}
