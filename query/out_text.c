/*
 * out_text.c - the human-readable output.  Per hit:
 *
 *   1. Title of the article
 *      2019-02 · Salman Bashir · CPEC; Kashmir · score 7.31
 *      path/to/file.txt#4
 *      …words around the matched words, which are highlighted, wrapped
 *      to the terminal's width…
 *
 * The title, the details and the snippet wrap to the terminal's width
 * in display columns (tl_snippet_width(): CJK counts 2), continuing on
 * lines indented by INDENT; the path is never cut.  A listing without
 * query words has no score, and shows none.
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
#define SEP_DOT " \xc2\xb7"  /* " ·": a space follows, or a new line */
#define BAR "\xe2\x96\x88"  /* █ */

static void
sgr(const struct writer *w, const char *code)
{
    if (w->color)
        fputs(code, w->out);
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\n' || c == '\t';
}

/* Writes s (len bytes) from column col with control characters dropped
 * and marks turned into colour (or nothing); returns the column.  With
 * wrap, a word that would pass w->width columns (terminal columns: CJK
 * characters count 2) starts a new line, indented by INDENT, unless it
 * is the line's first: a word longer than a line is not cut.  join: the
 * line already has text, so the first word needs a space (or a new
 * line) before it.  style is the colour s is written in (NULL: none),
 * reset at each line end and taken up again after the indent. */
static int
put_text(struct writer *w, const char *s, size_t len, int col, int wrap,
         int join, const char *style)
{
    size_t i = 0;
    int in_mark = 0;

    while (i < len && is_blank(s[i]))
        i++;
    while (i < len) {
        size_t word_end = i;
        int cols;

        while (word_end < len && !is_blank(s[word_end]))
            word_end++;
        cols = (int)tl_snippet_width(s + i, word_end - i);
        if (join && wrap && w->width > 0 && col > (int)strlen(INDENT)
            && col + 1 + cols > w->width) {
            if (w->color && (in_mark || style != NULL))
                fputs(SGR_RESET, w->out);
            fputs("\n" INDENT, w->out);
            if (style != NULL)
                sgr(w, style);
            if (in_mark)
                sgr(w, SGR_MATCH);
            col = (int)strlen(INDENT);
        } else if (join) {
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
                if (style != NULL)
                    sgr(w, style);
                in_mark = 0;
            } else if (c >= 0x20 && c != 0x7f) {
                fputc(c, w->out);
            }
        }
        col += cols;
        join = 1;
        while (i < len && is_blank(s[i]))
            i++;
    }
    if (in_mark) {
        sgr(w, SGR_RESET);
        if (style != NULL)
            sgr(w, style);
    }
    return col;
}

static void
put_plain(struct writer *w, const char *s)
{
    put_text(w, s, strlen(s), 0, 0, 0, NULL);
}

/* One item of a line of details ("2019-02 · Salman Bashir · ..."): the
 * separator, unless it is the first, then the item, wrapped: on a new
 * line when it fits there whole but not on this one, else at spaces. */
static int
put_item(struct writer *w, const char *s, int col, int first)
{
    int indent = (int)strlen(INDENT);
    int cols = (int)tl_snippet_width(s, strlen(s));

    if (first)
        return put_text(w, s, strlen(s), col, 1, 0, SGR_DIM);
    fputs(SEP_DOT, w->out);
    col += 2;
    if (w->width > 0 && col + 1 + cols > w->width
        && indent + cols <= w->width) {
        sgr(w, SGR_RESET);
        fputs("\n" INDENT, w->out);
        sgr(w, SGR_DIM);
        return put_text(w, s, strlen(s), indent, 1, 0, SGR_DIM);
    }
    return put_text(w, s, strlen(s), col, 1, 1, SGR_DIM);
}

/* "N. Title", the title wrapped. */
static void
put_title_line(struct writer *w, long rank, const char *title)
{
    char num[32];
    int col = snprintf(num, sizeof num, "%ld. ", rank);

    fputs(num, w->out);
    sgr(w, SGR_TITLE);
    put_text(w, title[0] != '\0' ? title : "(untitled)",
             strlen(title[0] != '\0' ? title : "(untitled)"), col, 1, 0,
             SGR_TITLE);
    sgr(w, SGR_RESET);
}

enum tl_status
text_hit(struct writer *w, const struct tl_hit *hit, struct tl_error *err)
{
    enum tl_status st;
    char score[64];
    int col = (int)strlen(INDENT);

    tl_buf_reset(&w->scratch);
    st = tl_snippet_window(hit->marked, hit->marked_len,
                           (unsigned)w->context, &w->scratch, err);
    if (st != TL_OK)
        return st;
    put_title_line(w, hit->rank, hit->title);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_DIM);
    col = put_item(w, hit->date[0] != '\0' ? hit->date : "undated", col, 1);
    col = put_item(w, hit->author[0] != '\0' ? hit->author
                                             : "unknown author", col, 0);
    if (hit->topics[0] != '\0')
        col = put_item(w, hit->topics, col, 0);
    if (hit->scored) {      /* a listing without words has no score */
        snprintf(score, sizeof score, "score %.2f", hit->score);
        col = put_item(w, score, col, 0);
    }
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_PATH);
    put_plain(w, shown_path(w, hit->path));
    fprintf(w->out, "#%d", hit->passage);
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    put_text(w, w->scratch.data != NULL ? w->scratch.data : "",
             w->scratch.len, (int)strlen(INDENT), 1, 0, NULL);
    fputs("\n\n", w->out);
    return TL_OK;
}

void
text_article(struct writer *w, const struct tl_article_row *row)
{
    struct tl_buf item;
    int col = (int)strlen(INDENT);

    tl_buf_init(&item, 0);
    put_title_line(w, row->rank, row->title);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_DIM);
    if (row->date[0] != '\0')
        tl_buf_appendf(&item, "%s (%s)", row->date, row->date_precision);
    col = put_item(w, item.len > 0 ? item.data : "undated", col, 1);
    col = put_item(w, row->author[0] != '\0' ? row->author
                                             : "unknown author", col, 0);
    if (row->topics[0] != '\0')
        col = put_item(w, row->topics, col, 0);
    tl_buf_reset(&item);
    tl_buf_appendf(&item, "%ld passage%s", row->passages,
                   row->passages == 1 ? "" : "s");
    col = put_item(w, item.len > 0 ? item.data : "", col, 0);
    sgr(w, SGR_RESET);
    fputs("\n" INDENT, w->out);
    sgr(w, SGR_PATH);
    put_plain(w, shown_path(w, row->path));
    sgr(w, SGR_RESET);
    fputs("\n\n", w->out);
    tl_buf_release(&item);
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
        /* "": the hits of undated articles, last */
        fprintf(w->out, "%-8s ", labels[i][0] != '\0' ? labels[i]
                                                       : "undated");
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
    int left_cols = (int)tl_snippet_width(k->left, strlen(k->left));

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
