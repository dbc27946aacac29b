/*
 * run.c - talaash's run: open the database, parse the query, run the
 * mode the options chose, and help when nothing matched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "feedback.h"
#include "scan_part.h"
#include "fts5_scan.h"
#include "run.h"

/* Passages read for --kwic at most. */
#define KWIC_PASSAGES 10000
/* Words of a query that found nothing that are looked at for help: each
 * costs a count and, when missing, a scan of the whole vocabulary. */
#define HELP_WORDS_MAX 8

struct run {
    const struct query_options *opt;
    sqlite3 *db;
    struct tl_synonyms *syn;
    struct tl_query q;
    struct tl_search_opts so;
    const char *authors[2 * MAX_FILTERS];
    const char *topics[2 * MAX_FILTERS];
    struct writer w;
    FILE *out;
    struct tl_feedback fb;      /* --expand */
};

static int
terminal_width(int fd)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS");
    long n;

    if (!isatty(fd))
        return 0;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (tl_cli_parse_long(cols, 20, 1000, &n))
        return (int)n;
    return 80;
}

/* The built-in synonym groups, plus --synonyms FILE's (its errors name
 * its own lines). */
static enum tl_status
load_synonyms(struct run *r, struct tl_error *err)
{
    enum tl_status st;

    if (r->opt->no_synonyms)
        return TL_OK;
    st = tl_synonyms_parse(r->db, tl_default_synonyms,
                           strlen(tl_default_synonyms), NULL, &r->syn, err);
    if (st == TL_OK && r->opt->synonyms_path != NULL)
        st = tl_synonyms_add_file(r->db, r->syn, r->opt->synonyms_path, err);
    return st;
}

/* The later of two lower bounds (the earlier of two upper bounds). */
static struct tl_date
narrower(struct tl_date a, struct tl_date b, int upper)
{
    struct tl_date fa, la, fb, lb;

    if (a.precision == TL_DATE_NONE)
        return b;
    if (b.precision == TL_DATE_NONE)
        return a;
    tl_date_bounds(&a, &fa, &la);
    tl_date_bounds(&b, &fb, &lb);
    if (upper) {
        int a_first = la.year * 10000 + la.month * 100 + la.day
                      < lb.year * 10000 + lb.month * 100 + lb.day;
        return a_first ? a : b;
    }
    return fa.year * 10000 + fa.month * 100 + fa.day
                   > fb.year * 10000 + fb.month * 100 + fb.day
               ? a : b;
}

/* Names the bound d of the search (the lower one unless upper): the
 * option's value when it is the option's (opt), else the query's date:
 * filter. */
static const char *
bound_name(char *buf, size_t size, int upper, struct tl_date d,
           struct tl_date opt)
{
    char date[TL_DATE_FORMAT_SIZE];

    tl_date_format(&d, date, sizeof date);
    if (d.precision == opt.precision && d.year == opt.year
        && d.month == opt.month && d.day == opt.day)
        snprintf(buf, size, "%s %s", upper ? "--until" : "--since", date);
    else
        snprintf(buf, size, "date:%s%s%s in the query", upper ? ".." : "",
                 date, upper ? "" : "..");
    return buf;
}

/* A lower bound after the upper bound leaves no date: an error naming
 * both, not a silent "nothing matched". */
static enum tl_status
check_date_range(struct run *r, struct tl_error *err)
{
    struct tl_date first, last, unused;
    char a[64], b[64];

    if (r->so.since.precision == TL_DATE_NONE
        || r->so.until.precision == TL_DATE_NONE)
        return TL_OK;
    tl_date_bounds(&r->so.since, &first, &unused);
    tl_date_bounds(&r->so.until, &unused, &last);
    if (first.year * 10000 + first.month * 100 + first.day
        <= last.year * 10000 + last.month * 100 + last.day)
        return TL_OK;
    return tl_error_set(err, TL_ERR_USAGE, "empty date range: %s is after "
                        "%s (no date is in both)",
                        bound_name(a, sizeof a, 0, r->so.since,
                                   r->opt->since),
                        bound_name(b, sizeof b, 1, r->so.until,
                                   r->opt->until));
}

/* Author and topic names are compared folded (tl_search_fold()): a name
 * that folds to nothing (no letter or digit) would match every author,
 * so it is refused. */
static enum tl_status
check_names(struct run *r, struct tl_error *err)
{
    struct tl_search_fold *f = NULL;
    struct tl_buf b;
    enum tl_status st;

    if (r->so.n_authors == 0 && r->so.n_topics == 0)
        return TL_OK;
    st = tl_search_fold_new(r->db, &f, err);
    if (st != TL_OK)
        return st;
    tl_buf_init(&b, 0);
    for (size_t i = 0; st == TL_OK && i < r->so.n_authors + r->so.n_topics;
         i++) {
        int author = i < r->so.n_authors;
        const char *name = author ? r->so.authors[i]
                                  : r->so.topics[i - r->so.n_authors];

        tl_buf_reset(&b);
        st = tl_search_fold(f, name, strlen(name), &b, err);
        if (st == TL_OK && b.len == 0)
            st = tl_error_set(err, TL_ERR_USAGE, "bad %s '%s' (want a name "
                              "with a letter or digit)",
                              author ? "author" : "topic", name);
    }
    tl_buf_release(&b);
    tl_search_fold_free(f);
    return st;
}

/* Query text and options together make the search. */
static enum tl_status
build(struct run *r, char *const *words, int n_words, struct tl_error *err)
{
    const struct query_options *o = r->opt;
    struct tl_buf text;
    enum tl_status st = TL_OK;
    size_t na = 0, nt = 0;

    tl_buf_init(&text, 0);
    for (int i = 0; i < n_words && st == TL_OK; i++) {
        const char *w = words[i];
        if (w[0] == QUERY_WORD_MARK)
            w++;
        if (i > 0)
            st = tl_buf_append(&text, " ", 1);
        if (st == TL_OK)
            st = tl_buf_append(&text, w, strlen(w));
    }
    if (st != TL_OK) {
        tl_buf_release(&text);
        return tl_error_set(err, TL_ERR_NOMEM, "query too long");
    }
    if (text.len > 0)
        st = tl_query_parse(r->db, text.data, o->any ? TL_QUERY_ANY : 0,
                            r->syn, &r->q, err);
    tl_buf_release(&text);
    if (st != TL_OK)
        return st;
    for (size_t i = 0; i < r->q.n_notes; i++)
        tl_cli_info("note: %s", r->q.notes[i]);
    for (size_t i = 0; i < o->n_authors; i++)
        r->authors[na++] = o->authors[i];
    for (size_t i = 0; i < r->q.n_authors && na < 2 * MAX_FILTERS; i++)
        r->authors[na++] = r->q.authors[i];
    for (size_t i = 0; i < o->n_topics; i++)
        r->topics[nt++] = o->topics[i];
    for (size_t i = 0; i < r->q.n_topics && nt < 2 * MAX_FILTERS; i++)
        r->topics[nt++] = r->q.topics[i];
    tl_search_opts_init(&r->so);
    r->so.match = o->any && r->q.any_match != NULL ? r->q.any_match
                                                    : r->q.match;
    r->so.authors = r->authors;
    r->so.n_authors = na;
    r->so.topics = r->topics;
    r->so.n_topics = nt;
    r->so.since = narrower(o->since, r->q.since, 0);
    r->so.until = narrower(o->until, r->q.until, 1);
    r->so.undated = o->undated;
    r->so.per_article = o->per_article;
    r->so.sort = o->sort;
    r->so.limit = o->limit;
    r->so.exhaustive = o->exhaustive;
    r->so.offset = o->offset;
    r->so.positive_only = o->any ? r->q.any_zero_scores : r->q.zero_scores;
    if (o->undated && (r->so.since.precision != TL_DATE_NONE
                       || r->so.until.precision != TL_DATE_NONE))
        return tl_error_set(err, TL_ERR_USAGE, "--undated cannot be "
                            "combined with a date filter (undated articles "
                            "have no date to compare)");
    st = check_date_range(r, err);
    if (st == TL_OK)
        st = check_names(r, err);
    return st;
}

/* --expand: the telling words of the best passage (with the search's
 * filters) join the query, each weighing less than the query's own
 * (Bo1, lib/feedback.h); r->so then searches the grown expression with
 * those weights (tl_rank_override(): no impact lists). */
static enum tl_status
expand(struct run *r, struct tl_error *err)
{
    struct tl_feedback_opts fo;
    enum tl_status st;

    if (!r->opt->expand || r->so.match == NULL)
        return TL_OK;
    tl_feedback_opts_expand(&fo);
    fo.base = &r->so;
    st = tl_feedback_expand(r->db, r->so.match, 1, &fo, &r->fb, err);
    if (st != TL_OK)
        return st;
    if (r->fb.n_tail == 0) {
        tl_cli_info("--expand: no passage to take words from; searched the "
                    "query as it is");
        return TL_OK;
    }
    tl_cli_info("--expand: added %zu words of the best passage: %s",
                r->fb.n_tail, r->fb.words.data);
    st = tl_feedback_rank(r->db, &r->fb, NULL, err);
    if (st == TL_OK)
        r->so.match = r->fb.match.data;
    return st;
}

/* The topics a filter names must exist: else list the known ones. */
static enum tl_status
check_topics(struct run *r, struct tl_error *err)
{
    sqlite3_stmt *st = NULL;
    struct tl_buf known;
    enum tl_status rs = TL_OK;

    for (size_t i = 0; i < r->so.n_topics && rs == TL_OK; i++) {
        int found = 0;

        rs = tl_search_topic_known(r->db, r->so.topics[i], &found, err);
        if (rs != TL_OK || found)
            continue;
        tl_buf_init(&known, 0);
        if (sqlite3_prepare_v2(r->db, "SELECT name FROM topics ORDER BY name",
                               -1, &st, NULL) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW)
                tl_buf_appendf(&known, "%s%s", known.len > 0 ? ", " : "",
                               (const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
        }
        rs = tl_error_set(err, TL_ERR_USAGE, "unknown topic '%s' (known: "
                          "%s)", r->so.topics[i],
                          known.len > 0 ? known.data : "none yet");
        tl_buf_release(&known);
    }
    return rs;
}

/* --explain: why hit scored what it did, after it (text only). */
static enum tl_status
write_explanation(struct run *r, const struct tl_hit *hit,
                  struct tl_error *err)
{
    static const char *const cols[] = { "body", "title", "author" };
    struct tl_rank_explanation e;
    FILE *out = r->w.out;
    enum tl_status st;

    tl_rank_explanation_init(&e);
    st = tl_rank_explain(r->db, r->so.match, hit->passage_id, &e, err);
    if (st != TL_OK)
        return st;
    fprintf(out, "   explain: score %.2f =", e.score);
    for (size_t i = 0, shown = 0; i < e.n_terms; i++)
        if (e.terms[i].score > 0)
            fprintf(out, "%s %.2f", shown++ > 0 ? " +" : "",
                    e.terms[i].score);
    fputc('\n', out);
    for (size_t i = 0; i < e.n_terms; i++) {
        const struct tl_rank_term *t = &e.terms[i];
        fprintf(out, "     %-20s %6.2f", t->stems[0] != '\0' ? t->stems
                                                           : "(in no passage)",
                t->score);
        if (t->stopword)
            fputs("  stopword, not counted", out);
        else
            fprintf(out, "  idf %.2f", t->idf);
        if (t->weight != 1.0 && !t->stopword)
            fprintf(out, ", weight %.2f", t->weight);
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            if (t->tf[c] > 0)
                fprintf(out, ", %s %d", cols[c], t->tf[c]);
        fputc('\n', out);
    }
    fputc('\n', out);
    tl_rank_explanation_release(&e);
    return TL_OK;
}

static enum tl_status
run_passages(struct run *r, long *rows, struct tl_error *err)
{
    struct tl_search *s = NULL;
    struct tl_hit hit;
    enum tl_status st;
    long parts_before, parts, ignored, paged_before = tl_fts5_scan_count();
    int done = 0;

    tl_part_counts(&parts_before, &ignored);
    st = tl_search_new(r->db, &r->so, &s, err);
    if (st != TL_OK)
        return st;
    tl_part_counts(&parts, &ignored);
    if (r->opt->explain && tl_fts5_scan_count() > paged_before)
        fprintf(r->w.out, "explain: the matches read from the full-text "
                "index's pages (TALAASH_NO_PAGE_READER: through FTS5)\n");
    write_hits_header(&r->w);
    if (r->opt->explain && parts > parts_before)
        fprintf(r->w.out, "explain: %ld more thread%s scored part of the "
                "matches (TALAASH_SCAN_THREADS)\n", parts - parts_before,
                parts - parts_before == 1 ? "" : "s");
    if (r->opt->explain)
        fprintf(r->w.out, "explain: searched %s\nexplain: %s\n\n",
                r->so.match != NULL ? r->so.match
                                    : "no words (passages in article order)",
                tl_search_fast(s) == 1 ? "ranked from the impact lists "
                                         "(exact; not every match scored)"
                : tl_search_fast(s) == 2 ? "walked the articles by date "
                                           "(exact; only their matches scored)"
                : tl_search_fast(s) == 3 ? "ranked the passages with both "
                                           "words (exact: one word alone "
                                           "scores less)"
                                         : "every matching passage scored");
    while ((st = tl_search_next(s, &hit, &done, err)) == TL_OK && !done) {
        st = write_hit(&r->w, &hit, err);
        if (st == TL_OK && r->opt->explain && r->so.match != NULL)
            st = write_explanation(r, &hit, err);
        if (st != TL_OK)
            break;
        (*rows)++;
    }
    tl_search_free(s);
    return st;
}

static enum tl_status
run_articles(struct run *r, long *rows, struct tl_error *err)
{
    struct tl_articles *a = NULL;
    struct tl_article_row row;
    enum tl_status st;
    int done = 0;

    st = tl_articles_new(r->db, &r->so, &a, err);
    if (st != TL_OK)
        return st;
    write_articles_header(&r->w);
    while ((st = tl_articles_next(a, &row, &done, err)) == TL_OK && !done) {
        write_article(&r->w, &row);
        (*rows)++;
    }
    tl_articles_free(a);
    return st;
}

struct facet_ctx {
    struct run *r;
    const char *facet;
    long *rows;
    /* --timeline */
    char **labels;
    long *counts;
    size_t n, cap;
    int nomem;
};

static int
on_facet(void *ctx, const char *value, long passages, long articles)
{
    struct facet_ctx *f = ctx;

    write_facet(&f->r->w, f->facet, value, passages, articles);
    (*f->rows)++;
    return 0;
}

static int
on_timeline(void *ctx, const char *value, long passages, long articles)
{
    struct facet_ctx *f = ctx;

    (void)articles;
    /* value "" is the undated hits: the facet puts them last, and the
     * writers show them as "undated" (text), "" (CSV), null (JSON) */
    if (f->n == f->cap) {
        size_t cap = f->cap != 0 ? f->cap * 2 : 32;
        char **l = realloc(f->labels, cap * sizeof *l);
        long *c = l != NULL ? realloc(f->counts, cap * sizeof *c) : NULL;
        if (l != NULL)
            f->labels = l;
        if (c == NULL) {
            f->nomem = 1;
            return 1;
        }
        f->counts = c;
        f->cap = cap;
    }
    f->labels[f->n] = strdup(value);
    if (f->labels[f->n] == NULL) {
        f->nomem = 1;
        return 1;
    }
    f->counts[f->n++] = passages;
    (*f->rows) += passages;
    return 0;
}

static enum tl_status
run_facets(struct run *r, long *rows, struct tl_error *err)
{
    static const char *const facets[] = { "topic", "author", "year" };
    struct facet_ctx f = { r, NULL, rows, NULL, NULL, 0, 0, 0 };
    enum tl_status st = TL_OK;

    if (r->opt->mode == MODE_TIMELINE) {
        long total = 0;
        f.rows = &total;
        st = tl_search_facet(r->db, &r->so, r->opt->by_month ? "month"
                                                             : "year",
                             on_timeline, &f, err);
        if (st == TL_OK && f.nomem)
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        if (st == TL_OK)
            write_timeline(&r->w, f.labels, f.counts, f.n);
        *rows = total;
        for (size_t i = 0; i < f.n; i++)
            free(f.labels[i]);
        free(f.labels);
        free(f.counts);
        return st;
    }
    for (size_t i = 0; i < 3 && st == TL_OK; i++) {
        f.facet = facets[i];
        write_facet_header(&r->w, facets[i]);
        st = tl_search_facet(r->db, &r->so, facets[i], on_facet, &f, err);
    }
    return st;
}

static enum tl_status
run_count(struct run *r, long *rows, struct tl_error *err)
{
    long passages, articles;
    enum tl_status st = tl_search_count(r->db, &r->so, &passages, &articles,
                                        err);

    if (st == TL_OK) {
        write_count(&r->w, passages, articles);
        *rows = passages;
    }
    return st;
}

static enum tl_status
run_kwic(struct run *r, long *rows, struct tl_error *err)
{
    struct tl_search_opts so = r->so;

    so.limit = KWIC_PASSAGES;
    so.offset = 0;
    so.per_article = 0;
    return kwic_run(r->db, &so, &r->w, r->opt->kwic_sort, r->opt->limit,
                    r->opt->offset, rows, err);
}

/* Is word (a word of the query as written) in no passage at all? */
static int
word_missing(struct run *r, const char *word, size_t len)
{
    struct tl_error err = { 0 };
    struct tl_search_opts one;
    struct tl_buf m;
    long passages = 0, articles = 0;
    enum tl_status st;
    int missing = 0;

    /* as an FTS5 string: in double quotes, '"' doubled */
    tl_buf_init(&m, 0);
    st = tl_buf_append(&m, "\"", 1);
    for (size_t i = 0; st == TL_OK && i < len; i++)
        st = tl_buf_append(&m, word[i] == '"' ? "\"\"" : word + i,
                           word[i] == '"' ? 2 : 1);
    if (st == TL_OK)
        st = tl_buf_append(&m, "\"", 1);
    if (st == TL_OK) {
        tl_search_opts_init(&one);
        one.match = m.data;
        missing = tl_search_count(r->db, &one, &passages, &articles, &err)
                  == TL_OK && passages == 0;
    }
    tl_buf_release(&m);
    return missing;
}

/* Says what to try instead of word (len bytes), which is in no passage;
 * named unless it is the query's only word. */
static void
suggest_word(struct run *r, const char *word, size_t len, int only)
{
    char *sugg[3], *w = strndup(word, len);
    size_t n;

    if (w == NULL)
        return;
    n = tl_search_suggest(r->db, w, sugg, 3);
    if (n == 0)
        tl_cli_info("no matches: '%s' is not in the index", w);
    else
        tl_cli_info("no matches%s%s%s; did you mean: %s%s%s%s%s?",
                    only ? "" : " for '", only ? "" : w, only ? "" : "'",
                    sugg[0], n > 1 ? ", " : "", n > 1 ? sugg[1] : "",
                    n > 2 ? ", " : "", n > 2 ? sugg[2] : "");
    for (size_t k = 0; k < n; k++)
        free(sugg[k]);
    free(w);
}

/* Nothing matched: say why, and offer what would: a word of the query
 * (alone or in a phrase) that is in no passage gets "did you mean", and
 * when some but not all the words are found, --any is suggested.  On
 * stderr, whatever the mode (--count included); the exit status stays 1. */
static void
help_when_empty(struct run *r)
{
    struct tl_error err = { 0 };
    long passages = 0, articles = 0;
    const char *word[HELP_WORDS_MAX];
    size_t len[HELP_WORDS_MAX], n_words = 0;
    int cut = 0;

    if (r->so.match == NULL)
        return;
    for (size_t i = 0; i < r->q.n_words && !cut; i++) {
        const char *p = r->q.words[i];
        size_t wl = strlen(p);

        if (wl == 0 || p[wl - 1] == '*')
            continue;   /* a prefix: no one word to fix */
        /* a phrase's words are joined by single spaces: each in turn */
        while (*p != '\0') {
            size_t n = strcspn(p, " ");
            if (n_words == HELP_WORDS_MAX) {
                cut = 1;
                break;
            }
            if (n > 0) {
                word[n_words] = p;
                len[n_words++] = n;
            }
            p += n;
            p += *p == ' ';
        }
    }
    for (size_t i = 0; i < n_words; i++)
        if (word_missing(r, word[i], len[i]))
            suggest_word(r, word[i], len[i], n_words == 1);
    if (cut)
        tl_cli_info("only the first %d words of the query were looked up",
                    HELP_WORDS_MAX);
    if (!r->opt->any && r->q.any_match != NULL
        && strcmp(r->q.any_match, r->q.match) != 0) {
        struct tl_search_opts any = r->so;
        any.match = r->q.any_match;
        any.positive_only = r->q.any_zero_scores;
        if (tl_search_count(r->db, &any, &passages, &articles, &err) == TL_OK
            && passages > 0)
            tl_cli_info("no passage has all the words; %ld passage%s in %ld "
                        "article%s have some of them: try again with --any",
                        passages, passages == 1 ? "" : "s", articles,
                        articles == 1 ? "" : "s");
    }
}

int
run_query(const struct query_options *opt, char *const *words, int n_words)
{
    struct tl_error err = { 0 };
    struct tl_buf db_path;
    struct run r;
    enum tl_status st;
    long rows = 0;
    int status = 2, color;

    memset(&r, 0, sizeof r);
    r.opt = opt;
    tl_query_init(&r.q);
    tl_feedback_init(&r.fb);
    tl_buf_init(&db_path, 0);
    /* a query tokenizes a few passages: a large stem cache would cost
     * more in page faults than it saves */
    tl_tokenizer_cache_slots(256);
    if (tl_db_default_path(opt->db_path, &db_path, &err) != TL_OK
        || tl_db_open(db_path.data, TL_DB_READONLY, &r.db, &err) != TL_OK
        || load_synonyms(&r, &err) != TL_OK
        || build(&r, words, n_words, &err) != TL_OK
        || check_topics(&r, &err) != TL_OK)
        goto fail;
    r.out = stdout;
    if (opt->output != NULL) {
        r.out = fopen(opt->output, "w");
        if (r.out == NULL) {
            tl_error_set(&err, TL_ERR_IO, "cannot write '%s': %s",
                         opt->output, strerror(errno));
            goto fail;
        }
    }
    color = opt->format == FORMAT_TEXT && opt->output == NULL
            && tl_cli_use_color(opt->color, STDOUT_FILENO);
    if (opt->format == FORMAT_TEXT && opt->output != NULL
        && opt->color == TL_COLOR_ALWAYS)
        color = 1;
    writer_init(&r.w, r.out, opt, color,
                opt->output == NULL ? terminal_width(STDOUT_FILENO) : 0);
    /* one read transaction: the statements of a search (the ranking,
     * then each hit's columns) see one state of the index even while
     * talaash-index writes (WAL), with the schema as of it
     * (tl_db_begin(): a first build drops and makes indexes) */
    if (tl_db_begin(r.db, 0, "starting to read", &err) != TL_OK) {
        writer_release(&r.w);
        goto fail;
    }
    if (expand(&r, &err) != TL_OK) {
        sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL);
        writer_release(&r.w);
        goto fail;
    }
    switch (opt->mode) {
    case MODE_COUNT:
        st = run_count(&r, &rows, &err);
        break;
    case MODE_ARTICLES:
        st = run_articles(&r, &rows, &err);
        break;
    case MODE_FACETS:
    case MODE_TIMELINE:
        st = run_facets(&r, &rows, &err);
        break;
    case MODE_KWIC:
        st = run_kwic(&r, &rows, &err);
        break;
    default:
        if (r.so.match == NULL && r.so.n_authors == 0 && r.so.n_topics == 0
            && !r.so.undated && r.so.since.precision == TL_DATE_NONE
            && r.so.until.precision == TL_DATE_NONE) {
            st = tl_error_set(&err, TL_ERR_QUERY, "the query has no word to "
                              "search for (only punctuation or spaces)");
            break;
        }
        st = run_passages(&r, &rows, &err);
        break;
    }
    writer_release(&r.w);
    sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL);
    if (st != TL_OK)
        goto fail;
    if (r.out != stdout) {
        int bad = ferror(r.out);
        if (fclose(r.out) != 0 || bad) {
            r.out = stdout;
            tl_error_set(&err, TL_ERR_IO, "cannot write '%s': %s",
                         opt->output, strerror(errno));
            goto fail;
        }
        r.out = stdout;
    }
    if (rows == 0)
        help_when_empty(&r);
    status = rows > 0 ? 0 : 1;
    goto out;
fail:
    tl_cli_error("%s", err.msg);
    if (r.out != NULL && r.out != stdout)
        fclose(r.out);
out:
    tl_query_release(&r.q);
    tl_feedback_release(&r.fb);
    tl_synonyms_free(r.syn);
    tl_db_close(r.db);
    tl_buf_release(&db_path);
    return status;
}
