/*
 * writer.c - one set of calls for every output format: the run calls
 * write_*(), which sends each row to the text writer (out_text.c) or
 * writes it as CSV (out_csv.c: RFC 4180, formula-escaped) or JSON Lines
 * (out_json.c).
 *
 * CSV columns, hits:     rank, score, date, author, title, topics, path,
 *                        passage, snippet
 *          articles:     rank, score, path, title, author, date,
 *                        date_precision, topics, passages
 *          --count:      passages, articles
 *          --facets:     facet, value, passages, articles
 *          --timeline:   period, passages
 *          --kwic:       left, word, right, path, passage
 * JSON keys, hits:       rank, score, path, passage, title, author, date,
 *                        date_precision, topics (array), snippet, text
 *          articles:     rank, score, path, title, author, date,
 *                        date_precision, topics, passages
 *          and the CSV columns of the other modes.
 * Unknown values: an empty CSV field, JSON null (a date, the score of a
 * listing without query words, the period of undated hits, the value of
 * a facet an article has none of: no topic, author or date).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out_csv.h"
#include "out_json.h"
#include "run.h"
#include "snippet.h"

/* The text writer (out_text.c). */
enum tl_status text_hit(struct writer *w, const struct tl_hit *hit,
                        struct tl_error *err);
void text_article(struct writer *w, const struct tl_article_row *row);
void text_count(struct writer *w, long passages, long articles);
void text_facet_header(struct writer *w, const char *facet);
void text_facet(struct writer *w, const char *value, long passages,
                long articles);
void text_timeline(struct writer *w, char *const *labels, const long *counts,
                   size_t n);
void text_kwic(struct writer *w, const struct kwic_line *k, int key_width);

#define MAX_TOPICS 64

void
writer_init(struct writer *w, FILE *out, const struct query_options *o,
            int color, int width)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->format = o->format;
    w->color = color;
    w->width = width;
    w->context = o->context;
    w->cwd = getcwd(NULL, 0);
    tl_buf_init(&w->scratch, 0);
}

void
writer_release(struct writer *w)
{
    if (w == NULL)
        return;
    free(w->cwd);
    w->cwd = NULL;
    tl_buf_release(&w->scratch);
}

const char *
shown_path(const struct writer *w, const char *path)
{
    size_t n;

    if (w->cwd == NULL)
        return path;
    n = strlen(w->cwd);
    if (n > 1 && strncmp(path, w->cwd, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static void
csv_text(struct csv_writer *c, const char *s)
{
    csv_field(c, s, strlen(s));
}

static void
csv_header(struct writer *w, const char *const *cols)
{
    struct csv_writer c;

    csv_writer_init(&c, w->out);
    for (; *cols != NULL; cols++)
        csv_text(&c, *cols);
    csv_end_row(&c);
}

/* Splits "a;b;c" into items (pointing into buf, a copy). */
static size_t
split_topics(const char *topics, char *buf, size_t size, const char **items)
{
    size_t n = 0;

    snprintf(buf, size, "%s", topics);
    for (char *p = buf; *p != '\0' && n < MAX_TOPICS;) {
        char *semi = strchr(p, ';');
        items[n++] = p;
        if (semi == NULL)
            break;
        *semi = '\0';
        p = semi + 1;
    }
    return n;
}

void
write_hits_header(struct writer *w)
{
    static const char *const cols[] = { "rank", "score", "date", "author",
        "title", "topics", "path", "passage", "snippet", NULL };

    if (w->format == FORMAT_CSV)
        csv_header(w, cols);
}

enum tl_status
write_hit(struct writer *w, const struct tl_hit *hit, struct tl_error *err)
{
    struct csv_writer c;
    struct json_writer j;
    struct tl_buf plain;
    const char *items[MAX_TOPICS];
    char topics[4096];
    enum tl_status st;

    w->rows++;
    if (w->format == FORMAT_TEXT)
        return text_hit(w, hit, err);
    tl_buf_reset(&w->scratch);
    st = tl_snippet_window(hit->marked, hit->marked_len, (unsigned)w->context,
                           &w->scratch, err);
    if (st != TL_OK)
        return st;
    if (w->format == FORMAT_CSV) {
        csv_writer_init(&c, w->out);
        csv_field_int(&c, hit->rank);
        if (hit->scored)
            csv_field_double(&c, hit->score);
        else
            csv_field(&c, "", 0);       /* no words: no score */
        csv_text(&c, hit->date);
        csv_text(&c, hit->author);
        csv_text(&c, hit->title);
        csv_text(&c, hit->topics);
        csv_text(&c, hit->path);
        csv_field_int(&c, hit->passage);
        csv_field(&c, w->scratch.data != NULL ? w->scratch.data : "",
                  w->scratch.len);
        csv_end_row(&c);
        return TL_OK;
    }
    tl_buf_init(&plain, 0);
    st = tl_snippet_plain(hit->marked, hit->marked_len, &plain, err);
    if (st != TL_OK) {
        tl_buf_release(&plain);
        return st;
    }
    json_writer_init(&j, w->out);
    json_begin_object(&j);
    json_key_int(&j, "rank", hit->rank);
    if (hit->scored)
        json_key_double(&j, "score", hit->score);
    else
        json_key_null(&j, "score");
    json_key_string(&j, "path", hit->path, strlen(hit->path));
    json_key_int(&j, "passage", hit->passage);
    json_key_string(&j, "title", hit->title, strlen(hit->title));
    json_key_string(&j, "author", hit->author, strlen(hit->author));
    if (hit->date[0] != '\0') {
        json_key_string(&j, "date", hit->date, strlen(hit->date));
        json_key_string(&j, "date_precision", hit->date_precision,
                        strlen(hit->date_precision));
    } else {
        json_key_null(&j, "date");
        json_key_null(&j, "date_precision");
    }
    json_key_string_array(&j, "topics", items,
                          split_topics(hit->topics, topics, sizeof topics,
                                       items));
    json_key_string(&j, "snippet", w->scratch.data != NULL
                                       ? w->scratch.data : "",
                    w->scratch.len);
    json_key_string(&j, "text", plain.data != NULL ? plain.data : "",
                    plain.len);
    json_end_object(&j);
    tl_buf_release(&plain);
    return TL_OK;
}

void
write_articles_header(struct writer *w)
{
    static const char *const cols[] = { "rank", "score", "path", "title",
        "author", "date", "date_precision", "topics", "passages", NULL };

    if (w->format == FORMAT_CSV)
        csv_header(w, cols);
}

void
write_article(struct writer *w, const struct tl_article_row *row)
{
    struct csv_writer c;
    struct json_writer j;
    const char *items[MAX_TOPICS];
    char topics[4096];

    w->rows++;
    if (w->format == FORMAT_TEXT) {
        text_article(w, row);
    } else if (w->format == FORMAT_CSV) {
        csv_writer_init(&c, w->out);
        csv_field_int(&c, row->rank);
        if (row->scored)
            csv_field_double(&c, row->score);
        else
            csv_field(&c, "", 0);
        csv_text(&c, row->path);
        csv_text(&c, row->title);
        csv_text(&c, row->author);
        csv_text(&c, row->date);
        csv_text(&c, row->date_precision);
        csv_text(&c, row->topics);
        csv_field_int(&c, row->passages);
        csv_end_row(&c);
    } else {
        json_writer_init(&j, w->out);
        json_begin_object(&j);
        json_key_int(&j, "rank", row->rank);
        if (row->scored)
            json_key_double(&j, "score", row->score);
        else
            json_key_null(&j, "score");
        json_key_string(&j, "path", row->path, strlen(row->path));
        json_key_string(&j, "title", row->title, strlen(row->title));
        json_key_string(&j, "author", row->author, strlen(row->author));
        if (row->date[0] != '\0') {
            json_key_string(&j, "date", row->date, strlen(row->date));
            json_key_string(&j, "date_precision", row->date_precision,
                            strlen(row->date_precision));
        } else {
            json_key_null(&j, "date");
            json_key_null(&j, "date_precision");
        }
        json_key_string_array(&j, "topics", items,
                              split_topics(row->topics, topics,
                                           sizeof topics, items));
        json_key_int(&j, "passages", row->passages);
        json_end_object(&j);
    }
}

void
write_count(struct writer *w, long passages, long articles)
{
    static const char *const cols[] = { "passages", "articles", NULL };
    struct csv_writer c;
    struct json_writer j;

    w->rows++;
    if (w->format == FORMAT_TEXT) {
        text_count(w, passages, articles);
    } else if (w->format == FORMAT_CSV) {
        csv_header(w, cols);
        csv_writer_init(&c, w->out);
        csv_field_int(&c, passages);
        csv_field_int(&c, articles);
        csv_end_row(&c);
    } else {
        json_writer_init(&j, w->out);
        json_begin_object(&j);
        json_key_int(&j, "passages", passages);
        json_key_int(&j, "articles", articles);
        json_end_object(&j);
    }
}

void
write_facet_header(struct writer *w, const char *facet)
{
    static const char *const cols[] = { "facet", "value", "passages",
                                        "articles", NULL };

    if (w->format == FORMAT_TEXT)
        text_facet_header(w, facet);
    else if (w->format == FORMAT_CSV && w->rows == 0)
        csv_header(w, cols);
}

void
write_facet(struct writer *w, const char *facet, const char *value,
            long passages, long articles)
{
    struct csv_writer c;
    struct json_writer j;

    w->rows++;
    if (w->format == FORMAT_TEXT) {
        text_facet(w, value, passages, articles);
    } else if (w->format == FORMAT_CSV) {
        csv_writer_init(&c, w->out);
        csv_text(&c, facet);
        csv_text(&c, value);
        csv_field_int(&c, passages);
        csv_field_int(&c, articles);
        csv_end_row(&c);
    } else {
        json_writer_init(&j, w->out);
        json_begin_object(&j);
        json_key_string(&j, "facet", facet, strlen(facet));
        if (value[0] != '\0')
            json_key_string(&j, "value", value, strlen(value));
        else
            json_key_null(&j, "value");     /* no topic, undated */
        json_key_int(&j, "passages", passages);
        json_key_int(&j, "articles", articles);
        json_end_object(&j);
    }
}

void
write_timeline(struct writer *w, char *const *labels, const long *counts,
               size_t n)
{
    static const char *const cols[] = { "period", "passages", NULL };
    struct csv_writer c;
    struct json_writer j;

    if (w->format == FORMAT_TEXT) {
        text_timeline(w, labels, counts, n);
        return;
    }
    if (w->format == FORMAT_CSV)
        csv_header(w, cols);
    for (size_t i = 0; i < n; i++) {
        if (w->format == FORMAT_CSV) {
            csv_writer_init(&c, w->out);
            csv_text(&c, labels[i]);    /* "": undated */
            csv_field_int(&c, counts[i]);
            csv_end_row(&c);
        } else {
            json_writer_init(&j, w->out);
            json_begin_object(&j);
            if (labels[i][0] != '\0')
                json_key_string(&j, "period", labels[i], strlen(labels[i]));
            else
                json_key_null(&j, "period");    /* undated */
            json_key_int(&j, "passages", counts[i]);
            json_end_object(&j);
        }
    }
}

void
write_kwic_header(struct writer *w)
{
    static const char *const cols[] = { "left", "word", "right", "path",
                                        "passage", NULL };

    if (w->format == FORMAT_CSV)
        csv_header(w, cols);
}

void
write_kwic(struct writer *w, const struct kwic_line *k, int key_width)
{
    struct csv_writer c;
    struct json_writer j;

    w->rows++;
    if (w->format == FORMAT_TEXT) {
        text_kwic(w, k, key_width);
    } else if (w->format == FORMAT_CSV) {
        csv_writer_init(&c, w->out);
        csv_text(&c, k->left);
        csv_text(&c, k->word);
        csv_text(&c, k->right);
        csv_text(&c, k->path);
        csv_field_int(&c, k->passage);
        csv_end_row(&c);
    } else {
        json_writer_init(&j, w->out);
        json_begin_object(&j);
        json_key_string(&j, "left", k->left, strlen(k->left));
        json_key_string(&j, "word", k->word, strlen(k->word));
        json_key_string(&j, "right", k->right, strlen(k->right));
        json_key_string(&j, "path", k->path, strlen(k->path));
        json_key_int(&j, "passage", k->passage);
        json_end_object(&j);
    }
}
