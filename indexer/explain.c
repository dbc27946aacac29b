/*
 * explain.c - talaash-index --dry-run --explain: what would be stored for
 * an article, and why: metadata with where it came from, topics with the
 * words that set them, every passage, and every dropped block with the
 * rule that dropped it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indexer.h"

#define SHOW_BYTES 160
#define MAX_FORMS 16

/* The words that matched one topic, with counts. */
struct forms {
    const char *text;           /* all passages' text */
    size_t base;                /* where the passage being matched starts */
    size_t topic;
    size_t n_forms;
    struct { size_t start, len; unsigned count; } form[MAX_FORMS];
};

static void
on_match(void *ctx, size_t topic, size_t start, size_t end)
{
    struct forms *f = ctx;
    size_t len = end - start;

    if (topic != f->topic)
        return;
    start += f->base;
    for (size_t i = 0; i < f->n_forms; i++) {
        if (f->form[i].len == len
            && strncasecmp(f->text + f->form[i].start, f->text + start,
                           len) == 0) {
            f->form[i].count++;
            return;
        }
    }
    if (f->n_forms < MAX_FORMS) {
        f->form[f->n_forms].start = start;
        f->form[f->n_forms].len = len;
        f->form[f->n_forms].count = 1;
        f->n_forms++;
    }
}

/* Prints text on one line, white space folded, cut at max bytes. */
static void
show(FILE *out, const char *p, size_t len, size_t max)
{
    int space = 0;
    size_t shown = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            continue;
        if (shown >= max && (c & 0xC0) != 0x80) {
            fputs(" \xe2\x80\xa6", out);
            return;
        }
        if (space && shown > 0)
            fputc(' ', out);
        space = 0;
        fputc(c, out);
        shown++;
    }
}

static enum tl_status
explain_topics(FILE *out, sqlite3 *db, const struct tl_topics *topics,
               const struct tl_ingest *in, struct tl_error *err)
{
    size_t nt = topics != NULL ? tl_topics_count(topics) : 0;

    fputs("topics:", out);
    if (in->n_topics == 0)
        fputs(" none", out);
    fputc('\n', out);
    for (size_t i = 0; i < in->n_topics; i++) {
        const struct tl_article_topic *t = &in->topics[i];
        size_t ti;

        if (t->source != TL_SRC_NONE) {
            fprintf(out, "  %s (%s)\n", t->name, tl_meta_source_name(t->source));
            continue;
        }
        fprintf(out, "  %s: %u match%s in the body:", t->name, t->matches,
                t->matches == 1 ? "" : "es");
        if (!tl_topics_find(topics, t->name, &ti) || ti >= nt) {
            fputc('\n', out);
            continue;
        }
        /* the forms that matched, passage by passage */
        {
            struct forms f;
            unsigned *scratch = calloc(nt, sizeof *scratch);

            if (scratch == NULL)
                return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            memset(&f, 0, sizeof f);
            f.topic = ti;
            f.text = in->text.data;
            for (size_t p = 0; p < in->n_passages; p++) {
                const struct tl_passage *ps = &in->passages[p];
                enum tl_status st;
                f.base = ps->start;
                st = tl_topics_match(db, topics, in->text.data + ps->start,
                                     ps->end - ps->start, scratch, on_match,
                                     &f, err);
                if (st != TL_OK) {
                    free(scratch);
                    return st;
                }
            }
            free(scratch);
            for (size_t k = 0; k < f.n_forms; k++)
                fprintf(out, " \"%.*s\" x%u", (int)f.form[k].len,
                        f.text + f.form[k].start, f.form[k].count);
            fputc('\n', out);
        }
    }
    return TL_OK;
}

enum tl_status
explain_article(FILE *out, sqlite3 *db, const struct tl_topics *topics,
                const struct tl_article *a, const struct tl_ingest *in,
                struct tl_error *err)
{
    const struct tl_meta *m = &in->meta;
    size_t nt = topics != NULL ? tl_topics_count(topics) : 0;
    char date[TL_DATE_FORMAT_SIZE];
    enum tl_status st;

    fprintf(out, "== %s\n", a->path);
    fprintf(out, "format: %s, %s\n", tl_format_name(a->format),
            in->encoding == TL_ENC_CP1252 ? "windows-1252 (not valid UTF-8)"
            : in->encoding == TL_ENC_UTF8_BOM ? "utf-8 with BOM" : "utf-8");
    fprintf(out, "title:  %s (%s)\n", m->title != NULL ? m->title : "",
            m->title != NULL ? tl_meta_source_name(m->title_src) : "unknown");
    fprintf(out, "author: %s (%s)\n", m->author != NULL ? m->author : "",
            m->author != NULL ? tl_meta_source_name(m->author_src)
                              : "unknown");
    if (m->date.precision != TL_DATE_NONE)
        fprintf(out, "date:   %s, %s precision (%s)\n",
                tl_date_format(&m->date, date, sizeof date),
                tl_date_precision_name(m->date.precision),
                tl_meta_source_name(m->date_src));
    else
        fputs("date:    (unknown)\n", out);
    st = explain_topics(out, db, topics, in, err);
    if (st != TL_OK)
        return st;
    for (size_t i = 0; i < in->n_markup_drops; i++) {
        const struct tl_markup_drop *d = &in->markup_drops[i];

        fprintf(out, "dropped [%s] <%s> element, bytes %zu-%zu\n", d->rule,
                d->tag, d->src_start, d->src_end);
    }
    for (size_t b = 0; b < in->doc.n_blocks; b++) {
        size_t len;
        const char *p = tl_doc_block(&in->doc, b, &len);
        if (in->doc.blocks[b].drop == NULL)
            continue;
        fprintf(out, "dropped [%s] ", in->doc.blocks[b].drop);
        show(out, p, len, SHOW_BYTES);
        fputc('\n', out);
    }
    for (size_t i = 0; i < in->n_passages; i++) {
        const struct tl_passage *ps = &in->passages[i];
        fprintf(out, "passage %zu (bytes %zu-%zu", i + 1, ps->src_start,
                ps->src_end);
        for (size_t t = 0, first = 1; t < nt; t++) {
            if (in->passage_topics[i * nt + t] == 0)
                continue;
            fprintf(out, "%s%s", first ? "; topics: " : ", ",
                    tl_topics_name(topics, t));
            first = 0;
        }
        fputs("): ", out);
        show(out, in->text.data + ps->start, ps->end - ps->start, SHOW_BYTES);
        fputc('\n', out);
    }
    fputc('\n', out);
    return TL_OK;
}
