/*
 * out_text.c - the human-readable output.  Per hit:
 *
 *   1. Title of the article
 *      2019-02 · Salman Bashir · CPEC; Kashmir · score 7.31
 *      path/to/file.txt#4
 *      …words around the matched words, which are highlighted, wrapped
 *      to the terminal's width…
 *
 * Colour only when the writer says so; no control character from an
 * article reaches the terminal.
 */
#include <string.h>

#include "run.h"
#include "snippet.h"

#define SGR_MATCH "\033[1;31m"
#define SGR_TITLE "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_PATH "\033[35m"
#define SGR_RESET "\033[0m"
#define INDENT "   "
#define SEP " \xc2\xb7 "    /* · */
#define BAR "\xe2\x96\x88"  /* █ */

static void
sgr(const struct writer *w, const char *code)
{
    if (w->color)
        fputs(code, w->out);
}

/* Writes s (len bytes) with control characters dropped and marks turned
 * into colour (or nothing); wraps at w->width when wrap is set, starting
 * at column col, continuing lines with INDENT.  Returns the column. */
static int
put_text(struct writer *w, const char *s, size_t len, int col, int wrap)
{
    size_t i = 0;
    int in_mark = 0;

    while (i < len) {
        size_t word_end = i, cols = 0;

        /* one word (up to white space), counting display columns */
        while (word_end < len && s[word_end] != ' ' && s[word_end] != '\n'
               && s[word_end] != '\t') {
            unsigned char c = (unsigned char)s[word_end];
            if (c >= 0x20 && c != 0x7f && (c & 0xC0) != 0x80)
                cols++;
            word_end++;
        }
        if (wrap && w->width > 0 && col > (int)strlen(INDENT)
            && col + 1 + (int)cols > w->width) {
            if (in_mark)
                sgr(w, SGR_RESET);
            fputs("\n" INDENT, w->out);
            if (in_mark)
                sgr(w, SGR_MATCH);
            col = (int)strlen(INDENT);
        } else if (i > 0) {
            fputc(' ', w->out);
            col++;
        }
        for (; i < word_end; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == TL_MARK_OPEN[0]) {
                sgr(w, SGR_MATCH);
                in_mark = 1;
            } else if (c == TL_MARK_CLOSE[0]) {
                sgr(w, SGR_RESET);
                in_mark = 0;
            } else if (c >= 0x20 && c != 0x7f) {
                fputc(c, w->out);
            }
        }
        col += (int)cols;
        while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
            i++;
    }
    if (in_mark)
        sgr(w, SGR_RESET);
    return col;
}

static void
put_plain(struct writer *w, const char *s)
{
    put_text(w, s, strlen(s), 0, 0);
}

enum tl_status
text_hit(struct writer *w, const struct tl_hit *hit, struct tl_error *err)
{
    enum tl_status st;

    tl_buf_reset(&w->scratch);
    st = tl_snippet_window(hit->marked, hit->marked_len,
                           (unsigned)w->context, &w->scratch, err);
    if (st != TL_OK)
        return st;
    fprintf(w->out, "%ld. ", hit->rank);
    sgr(w, SGR_TITLE);
    put_plain(w, hit->title[0] != '\0' ? hit->title : "(untitled)");
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_DIM);
    put_plain(w, hit->date[0] != '\0' ? hit->date : "undated");
    fputs(SEP, w->out);
    put_plain(w, hit->author[0] != '\0' ? hit->author : "unknown author");
    if (hit->topics[0] != '\0') {
        fputs(SEP, w->out);
        put_plain(w, hit->topics);
    }
    fprintf(w->out, SEP "score %.2f", hit->score);
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_PATH);
    put_plain(w, shown_path(w, hit->path));
    fprintf(w->out, "#%d", hit->passage);
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    put_text(w, w->scratch.data != NULL ? w->scratch.data : "",
             w->scratch.len, (int)strlen(INDENT), 1);
    fputs("\n\n", w->out);
    return TL_OK;
}

void
text_article(struct writer *w, const struct tl_article_row *row)
{
    fprintf(w->out, "%ld. ", row->rank);
    sgr(w, SGR_TITLE);
    put_plain(w, row->title[0] != '\0' ? row->title : "(untitled)");
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_DIM);
    if (row->date[0] != '\0') {
        put_plain(w, row->date);
        fprintf(w->out, " (%s)", row->date_precision);
    } else {
        fputs("undated", w->out);
    }
    fputs(SEP, w->out);
    put_plain(w, row->author[0] != '\0' ? row->author : "unknown author");
    if (row->topics[0] != '\0') {
        fputs(SEP, w->out);
        put_plain(w, row->topics);
    }
    fprintf(w->out, SEP "%ld passage%s", row->passages,
            row->passages == 1 ? "" : "s");
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_PATH);
    put_plain(w, shown_path(w, row->path));
    sgr(w, SGR_RESET);
    fputs("\n\n", w->out);
}

void
text_count(struct writer *w, long passages, long articles)
{
    fprintf(w->out, "%ld passage%s in %ld article%s\n", passages,
            passages == 1 ? "" : "s", articles, articles == 1 ? "" : "s");
}

void
text_facet_header(struct writer *w, const char *facet)
{
    if (w->rows > 0)
        fputc('\n', w->out);
    sgr(w, SGR_TITLE);
    fprintf(w->out, "%s%s\n", facet, strcmp(facet, "author") == 0 ? "s"
                                     : strcmp(facet, "topic") == 0 ? "s"
                                     : "s");
    sgr(w, SGR_RESET);
}

void
text_facet(struct writer *w, const char *value, long passages, long articles)
{
    fprintf(w->out, "  %7ld passage%s %5ld article%s  ", passages,
            passages == 1 ? " " : "s", articles, articles == 1 ? " " : "s");
    put_plain(w, value[0] != '\0' ? value : "(none)");
    fputc('\n', w->out);
}

void
text_timeline(struct writer *w, char *const *labels, const long *counts,
              size_t n)
{
    long max = 1;
    int room = (w->width > 0 ? w->width : 80) - 20;

    if (room < 10)
        room = 10;
    for (size_t i = 0; i < n; i++)
        if (counts[i] > max)
            max = counts[i];
    for (size_t i = 0; i < n; i++) {
        long bars = counts[i] * room / max;
        fprintf(w->out, "%-8s ", labels[i]);
        sgr(w, SGR_MATCH);
        for (long b = 0; b < bars; b++)
            fputs(BAR, w->out);
        if (bars == 0 && counts[i] > 0)
            fputs("\xe2\x96\x8f", w->out);    /* ▏ */
        sgr(w, SGR_RESET);
        fprintf(w->out, " %ld\n", counts[i]);
    }
}

void
text_kwic(struct writer *w, const struct kwic_line *k, int key_width)
{
    int left_cols = 0;

    for (const char *p = k->left; *p != '\0'; p++)
        left_cols += ((unsigned char)*p & 0xC0) != 0x80;
    for (int i = left_cols; i < key_width; i++)
        fputc(' ', w->out);
    put_plain(w, k->left);
    if (k->space_before)
        fputc(' ', w->out);
    sgr(w, SGR_MATCH);
    put_plain(w, k->word);
    sgr(w, SGR_RESET);
    if (k->space_after)
        fputc(' ', w->out);
    put_plain(w, k->right);
    fputs("  ", w->out);
    sgr(w, SGR_PATH);
    put_plain(w, shown_path(w, k->path));
    fprintf(w->out, "#%d", k->passage);
    sgr(w, SGR_RESET);
    fputc('\n', w->out);
}
