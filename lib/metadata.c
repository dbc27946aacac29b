/*
 * metadata.c - an article's title, author and publication date, found in
 * its blocks after the boilerplate rules ran.  The rule that matters
 * most: never invent.  An unknown author or date is better than a wrong
 * one, so each rule looks only where such a thing is written on purpose.
 *
 * Explicit values (front matter, HTML meta, the --metadata manifest) are
 * set by the caller in struct tl_meta before tl_meta_extract(); the text
 * rules fill only what is still missing, in this order.  Bylines and
 * datelines are recognised (and dropped, and never taken as the title)
 * whether or not the author or date was given: an explicit value wins
 * for the field, but the line in the text is still a byline or dateline.
 *
 *   1. author from a byline in the top blocks: "By Jane Roe", "Author:
 *      Jane Roe", "Written by Jane Roe" (a date in it is noted too);
 *   2. author from a closing biography in the last BIO_BLOCKS kept blocks
 *      (the one nearest the end): "Jane Roe is a columnist with ...",
 *      "Jane Roe, the Deputy Director of ..., is ...", "– Dr. Jane Roe is
 *      a former ...": a name of 2-4 capitalised words, then "is" (or ",
 *      ..., is"), a role word (columnist, analyst, director, former, ...)
 *      in that sentence, and a name the rest of the article does not
 *      mention (else it is someone in the story);
 *   3. a block that is only the author's name (any honorific and dashes
 *      aside) is a byline wherever it stands;
 *   4. date from a labelled line in the top blocks ("Published On: Wed,
 *      Oct 3rd, 2018", "Updated: ..."), else a top block that is only a
 *      date (a dateline: "February 2019"), else a date in the byline;
 *      never from body text, captions or tweets (those were dropped).
 *      Every such labelled line and dateline is dropped;
 *   5. title: the heading-like block just above the byline; else the
 *      only heading-like top block, or the one after a kicker and a
 *      dateline; else the first block's part before a dash when it reads
 *      "Title – subtitle sentence..."; else none.
 *
 * The "top blocks" are the kept blocks before the body begins (the first
 * block of BODY_WORDS words, or of SENTENCE_WORDS ending like a sentence),
 * at most TOP_BLOCKS of them.
 * Byline, dateline and title blocks are dropped from the passages (their
 * content lives in the article's columns).  Honorifics (Dr., Prof., ...)
 * are kept out of names.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "metadata.h"

#define TOP_BLOCKS 8
#define BODY_WORDS 20
#define SENTENCE_WORDS 12
#define HEADING_MAX_WORDS 15
#define HEADING_MAX_BYTES 160
#define BYLINE_MAX_WORDS 15
#define NAME_MAX_WORDS 4
#define ROLE_WINDOW 5
#define BIO_MAX_WORDS 80
#define BIO_BLOCKS 3

void
tl_meta_init(struct tl_meta *m)
{
    memset(m, 0, sizeof *m);
}

void
tl_meta_release(struct tl_meta *m)
{
    if (m == NULL)
        return;
    free(m->title);
    free(m->author);
    tl_meta_init(m);
}

const char *
tl_meta_source_name(enum tl_meta_source s)
{
    static const char *const names[] = {
        [TL_SRC_NONE] = "none",
        [TL_SRC_FRONT_MATTER] = "front matter",
        [TL_SRC_HTML] = "HTML meta",
        [TL_SRC_MANIFEST] = "manifest",
        [TL_SRC_BYLINE] = "byline",
        [TL_SRC_BIOGRAPHY] = "biography",
        [TL_SRC_LABEL] = "labelled line",
        [TL_SRC_DATELINE] = "dateline",
        [TL_SRC_HEADING] = "heading",
    };
    return (size_t)s < sizeof names / sizeof *names ? names[s] : "?";
}

enum tl_status
tl_meta_set(char **field, const char *text, size_t len, struct tl_error *err)
{
    char *copy;

    /* the value is a C string from here on: it ends at a NUL byte */
    len = text != NULL ? strnlen(text, len) : 0;
    while (len > 0 && isspace((unsigned char)*text)) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0)
        return TL_OK;   /* nothing said: the field stays as it was */
    copy = strndup(text, len);
    if (copy == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    free(*field);
    *field = copy;
    return TL_OK;
}

/* ---- text helpers ----------------------------------------------------- */

struct span {
    const char *p;
    size_t len;
};

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

/* Bytes of a dash or bullet at p (- – — •), else 0. */
static size_t
dash_len(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;

    if (len >= 1 && (u[0] == '-' || u[0] == '|'))
        return 1;
    if (len >= 3 && u[0] == 0xE2 && u[1] == 0x80
        && (u[2] == 0x93 || u[2] == 0x94 || u[2] == 0xA2))
        return 3;
    return 0;
}

static struct span
trim(struct span s)
{
    for (;;) {
        size_t d;
        if (s.len > 0 && is_space((unsigned char)*s.p)) {
            s.p++;
            s.len--;
        } else if ((d = dash_len(s.p, s.len)) > 0) {
            s.p += d;
            s.len -= d;
        } else {
            break;
        }
    }
    while (s.len > 0 && is_space((unsigned char)s.p[s.len - 1]))
        s.len--;
    return s;
}

static struct span
block(const struct tl_doc *d, size_t i)
{
    struct span s;

    s.p = tl_doc_block(d, i, &s.len);
    return s;
}

static int
starts_ci(struct span s, const char *prefix)
{
    size_t n = strlen(prefix);

    if (s.len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s.p[i]) != prefix[i])
            return 0;
    return 1;
}

/* Length of the word at p (up to white space). */
static size_t
word_len(const char *p, size_t len)
{
    size_t n = 0;

    while (n < len && !is_space((unsigned char)p[n]))
        n++;
    return n;
}

static const char *const honorifics[] = {
    "dr.", "dr", "prof.", "prof", "professor", "mr.", "mr", "mrs.", "mrs",
    "ms.", "ms", "sir", "amb.", "ambassador", "gen.", "general", "lt.",
    "col.", "maj.", "capt.", "rev.", "hon.", "justice", "senator", NULL,
};

/* Whether p (n bytes) is w, a lower-case word, in any case; compared
 * as it goes, without strlen(): most words differ at their first byte. */
static int
word_is(const char *p, size_t n, const char *w)
{
    size_t i = 0;

    for (; i < n && w[i] != '\0'; i++)
        if (lower((unsigned char)p[i]) != w[i])
            return 0;
    return i == n && w[i] == '\0';
}

static int
word_in(const char *p, size_t n, const char *const *list)
{
    for (; *list != NULL; list++)
        if (word_is(p, n, *list))
            return 1;
    return 0;
}

/* Skips honorifics ("Dr. ", "Lt. Gen. ") at the start of s. */
static struct span
skip_honorifics(struct span s)
{
    for (;;) {
        size_t n = word_len(s.p, s.len);
        if (n == 0 || !word_in(s.p, n, honorifics))
            return s;
        s.p += n;
        s.len -= n;
        while (s.len > 0 && is_space((unsigned char)*s.p)) {
            s.p++;
            s.len--;
        }
    }
}

static const char *const name_particles[] = {
    "al", "al-", "bin", "ibn", "de", "del", "da", "van", "von", "ul", "ud",
    "el", "la", "le", "di", "du", NULL,
};

static const char *const not_names[] = {
    "the", "this", "that", "these", "those", "it", "he", "she", "they",
    "we", "i", "you", "a", "an", "our", "his", "her", "their", "its",
    "there", "here", "what", "when", "why", "how", "in", "on", "at", "for",
    "and", "but", "or", "as", "if", "while", "after", "before", NULL,
};

/* Is the word a capitalised name part ("Huma", "B.K.", "Al-Hashimi",
 * "O'Neil", "Zoë")? */
static int
is_name_word(const char *p, size_t n)
{
    unsigned char c = (unsigned char)p[0];
    int letters = 0;

    if (n == 0 || n > 40)
        return 0;
    if (!((c >= 'A' && c <= 'Z') || (c >= 0xC3 && c <= 0xC5)))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (isalpha(ch) || ch >= 0x80)
            letters++;
        else if (ch != '.' && ch != '-' && ch != '\'')
            return 0;
    }
    return letters > 0 && !word_in(p, n, not_names);
}

/* Reads a person's name at the start of s: 2..NAME_MAX_WORDS name words
 * (particles such as "bin" or "van" allowed inside), stopping at the
 * first other word.  *name_out is the name, *rest_out what follows. */
static int
read_name(struct span s, struct span *name_out, struct span *rest_out)
{
    const char *start;
    size_t words = 0, end = 0, i = 0;

    s = skip_honorifics(s);
    start = s.p;
    while (i < s.len && words < NAME_MAX_WORDS + 1) {
        size_t n = word_len(s.p + i, s.len - i);
        size_t core = n;

        /* a trailing comma ends the name but belongs to the sentence */
        while (core > 0 && (s.p[i + core - 1] == ','
                            || s.p[i + core - 1] == ':'))
            core--;
        if (core == 0)
            break;
        if (is_name_word(s.p + i, core)) {
            words++;
            end = i + core;
        } else if (!(words > 0 && word_in(s.p + i, core, name_particles))) {
            break;
        }
        if (core < n)   /* "Name," */
            break;
        i += n;
        while (i < s.len && is_space((unsigned char)s.p[i])) {
            if (s.p[i] == '\n')
                goto done;  /* a name is on one line */
            i++;
        }
    }
done:
    if (words < 2 || words > NAME_MAX_WORDS)
        return 0;
    /* a name does not end in an initial's dot unless it is an initial */
    name_out->p = start;
    name_out->len = end;
    rest_out->p = start + end;
    rest_out->len = s.len - (size_t)(start + end - s.p);
    return 1;
}

/* ---- rules ---------------------------------------------------------- */

/* Words that say what an author is, in a closing biography. */
static const char *const role_words[] = {
    "columnist", "analyst", "director", "fellow", "professor", "scholar",
    "journalist", "writer", "author", "editor", "correspondent",
    "ambassador", "researcher", "associate", "former", "lecturer",
    "reporter", "contributor", "expert", "specialist", "commentator",
    "adviser", "advisor", "retired", "consultant", "strategist",
    "historian", "novelist", "freelance", "blogger", "diplomat",
    "economist", NULL,
};

/* Is one of the first ROLE_WINDOW words of s a role word ("is a
 * Karachi-based political analyst", "the Deputy Director of")? */
static int
has_role_word(struct span s)
{
    size_t i = 0, words = 0;

    while (i < s.len && words < ROLE_WINDOW) {
        size_t n = 0;
        while (i < s.len && !isalpha((unsigned char)s.p[i])) {
            if (s.p[i] == '.' || s.p[i] == ',' || s.p[i] == ';')
                return 0;   /* the phrase ended */
            i++;
        }
        while (i + n < s.len && (isalpha((unsigned char)s.p[i + n])
                                 || s.p[i + n] == '-'))
            n++;
        if (n > 0 && word_in(s.p + i, n, role_words))
            return 1;
        words++;
        i += n;
    }
    return 0;
}

/* "Name is/was ..." or "Name, ..., is ..." with a role word. */
static int
biography_name(struct span s, struct span *name_out)
{
    struct span name, rest;

    s = trim(s);
    if (!read_name(s, &name, &rest))
        return 0;
    if (starts_ci(rest, " is ") || starts_ci(rest, " has been ")) {
        struct span after = { rest.p + 4, rest.len - 4 };
        if (starts_ci(rest, " has been ")) {
            after.p = rest.p + 10;
            after.len = rest.len - 10;
        }
        if (!has_role_word(after))
            return 0;
    } else if (starts_ci(rest, ", ")) {
        /* an apposition, then ", is" in the same sentence */
        const char *is = NULL;
        for (size_t i = 0; i + 5 <= rest.len; i++) {
            if (memcmp(rest.p + i, ", is ", 5) == 0) {
                is = rest.p + i;
                break;
            }
            if (rest.p[i] == '.' && i + 1 < rest.len && rest.p[i + 1] == ' '
                && i > 0 && islower((unsigned char)rest.p[i - 1]))
                break;
        }
        if (is == NULL) {
            return 0;
        } else {
            /* the apposition names the role, or what follows "is" */
            struct span app = { rest.p + 2, rest.len - 2 };
            struct span after = { is + 5, rest.len - (size_t)(is + 5 - rest.p) };
            if (!has_role_word(app) && !has_role_word(after))
                return 0;
        }
    } else {
        return 0;
    }
    *name_out = name;
    return 1;
}

/* "By Jane Roe", "Author: Jane Roe", "Written by Jane Roe | date". */
static int
byline_name(struct span s, struct span *name_out)
{
    static const char *const labels[] = {
        "by ", "author: ", "authors: ", "written by ", "words by ",
        "story by ", "report by ", NULL,
    };
    struct span rest;

    s = trim(s);
    for (const char *const *l = labels; *l != NULL; l++) {
        if (starts_ci(s, *l)) {
            s.p += strlen(*l);
            s.len -= strlen(*l);
            while (s.len > 0 && is_space((unsigned char)*s.p)) {
                s.p++;
                s.len--;
            }
            return read_name(s, name_out, &rest);
        }
    }
    return 0;
}

/* Is s only this name (honorifics, dashes and a final period aside)? */
static int
is_only_name(struct span s, const char *name)
{
    size_t n = strlen(name);

    s = skip_honorifics(trim(s));
    while (s.len > 0 && s.p[s.len - 1] == '.')
        s.len--;
    if (s.len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s.p[i]) != lower((unsigned char)name[i]))
            return 0;
    return 1;
}

/* Does s end in a dotted acronym ("... U.S.") or an ellipsis? */
static int
ends_like_heading(struct span s)
{
    size_t k = s.len;

    if (s.len >= 3 && (memcmp(s.p + s.len - 3, "...", 3) == 0
                       || memcmp(s.p + s.len - 3, "\xe2\x80\xa6", 3) == 0))
        return 1;
    while (k > 0 && s.p[k - 1] != ' ')
        k--;
    return memchr(s.p + k, '.', s.len - k - 1) != NULL;  /* "U.S." */
}

/* No lower-case ASCII letter: a headline in capitals. */
static int
all_caps(struct span s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] >= 'a' && s.p[i] <= 'z')
            return 0;
    return 1;
}

static int
is_heading_like(const struct tl_doc *d, size_t i)
{
    struct span s = trim(block(d, i));
    size_t words = tl_doc_words(d, i);
    unsigned char last;

    if (d->blocks[i].heading > 0)
        return words >= 1 && words <= HEADING_MAX_WORDS * 2;
    if (words == 0 || words > HEADING_MAX_WORDS || s.len > HEADING_MAX_BYTES)
        return 0;
    last = (unsigned char)s.p[s.len - 1];
    if (last == ',' || last == ';' || last == ':')
        return 0;
    return last != '.' || ends_like_heading(s) || all_caps(s);
}

static const char *const date_labels[] = {
    "published on", "published:", "published", "posted on", "posted:",
    "updated on", "updated:", "last updated", "first published", "date:",
    "dated", NULL,
};

/* Does block i begin the body: a paragraph of BODY_WORDS words, or a
 * sentence of SENTENCE_WORDS words? */
static int
is_body(const struct tl_doc *d, size_t i)
{
    size_t words = tl_doc_words(d, i);
    struct span s;

    if (words >= BODY_WORDS)
        return 1;
    s = trim(block(d, i));
    return words >= SENTENCE_WORDS && s.len > 0
           && strchr(".!?\"", s.p[s.len - 1]) != NULL;
}

/* The top blocks: kept blocks before the body, at most TOP_BLOCKS. */
static size_t
top_blocks(const struct tl_doc *d, size_t *idx)
{
    size_t n = 0;

    for (size_t i = 0; i < d->n_blocks && n < TOP_BLOCKS; i++) {
        if (d->blocks[i].drop != NULL)
            continue;
        if (is_body(d, i))
            break;
        idx[n++] = i;
    }
    return n;
}

/* Does the name's last word occur in a kept block other than skip (and
 * other than a block that is only the name, a byline)? */
static int
mentioned_elsewhere(const struct tl_doc *d, size_t skip, struct span name)
{
    struct span last = name;
    const char *sp;

    while ((sp = memchr(last.p, ' ', last.len)) != NULL) {
        last.len -= (size_t)(sp + 1 - last.p);
        last.p = sp + 1;
    }
    for (size_t i = 0; i < d->n_blocks; i++) {
        struct span b = block(d, i);
        if (i == skip || d->blocks[i].drop != NULL
            || tl_doc_words(d, i) <= 6)
            continue;
        for (size_t k = 0; last.len > 0 && k + last.len <= b.len; k++) {
            if (strncasecmp(b.p + k, last.p, last.len) == 0
                && (k == 0 || !isalpha((unsigned char)b.p[k - 1]))
                && (k + last.len == b.len
                    || !isalpha((unsigned char)b.p[k + last.len])))
                return 1;
        }
    }
    return 0;
}

/* Is block i a closing biography whose name the article does not
 * otherwise mention (else it is someone in the story: "Smith is a
 * former director of ...")? */
static int
is_biography(const struct tl_doc *d, size_t i, struct span *name_out)
{
    return tl_doc_words(d, i) <= BIO_MAX_WORDS
           && biography_name(block(d, i), name_out)
           && !mentioned_elsewhere(d, i, *name_out);
}

/* The byline is found whether or not the author is already known (an
 * explicit author wins for the value, but the byline is still a byline:
 * not a passage, and the title stands above it). */
static enum tl_status
find_author(struct tl_doc *d, struct tl_meta *m, const size_t *top,
            size_t n_top, struct tl_error *err)
{
    struct span name;
    enum tl_status st;
    size_t seen = 0;

    for (size_t k = 0; k < n_top && m->byline_block == 0; k++) {
        size_t i = top[k];
        if (tl_doc_words(d, i) > BYLINE_MAX_WORDS
            || !byline_name(block(d, i), &name))
            continue;
        if (m->author == NULL) {
            st = tl_meta_set(&m->author, name.p, name.len, err);
            if (st != TL_OK)
                return st;
            if (m->author == NULL)
                continue;
            m->author_src = TL_SRC_BYLINE;
        }
        m->byline_block = i + 1;
    }
    /* a closing biography in the last BIO_BLOCKS kept blocks, the one
     * nearest the end first: a biography may be followed by a line or
     * two ("Follow her on ...", a note on where the piece appeared).
     * Captions, credits and tweets were dropped, so never count here. */
    for (size_t i = d->n_blocks; i-- > 0 && m->author == NULL
                                 && seen < BIO_BLOCKS;) {
        if (d->blocks[i].drop != NULL)
            continue;
        seen++;
        if (is_biography(d, i, &name)) {
            st = tl_meta_set(&m->author, name.p, name.len, err);
            if (st != TL_OK)
                return st;
            if (m->author != NULL)
                m->author_src = TL_SRC_BIOGRAPHY;
        }
    }
    return TL_OK;
}

static void
drop_name_bylines(struct tl_doc *d, struct tl_meta *m)
{
    if (m->author == NULL || m->author[0] == '\0')
        return;
    for (size_t i = 0; i < d->n_blocks; i++) {
        if (d->blocks[i].drop == NULL && tl_doc_words(d, i) <= 6
            && is_only_name(block(d, i), m->author)) {
            d->blocks[i].drop = "byline";
            if (m->byline_block == 0)
                m->byline_block = i + 1;
        }
    }
}

/* Is top block i a labelled date line ("Published: ...") holding a
 * date?  Such a line of at most BYLINE_MAX_WORDS words is a dateline. */
static int
labelled_date(const struct tl_doc *d, size_t i, struct tl_date *date_out)
{
    struct span s = trim(block(d, i));
    int labelled = 0;

    for (const char *const *l = date_labels; *l != NULL; l++)
        labelled |= starts_ci(s, *l);
    return labelled && tl_date_find(s.p, s.len, 0, date_out, NULL, NULL);
}

/* Every labelled date line and every top block that is only a date is a
 * dateline, dropped, whether or not the date is already known (an
 * explicit date wins for the value; the dateline is still no passage and
 * no title).  The first labelled line gives the date, else the first
 * dateline, else a date in the byline. */
static void
find_date(struct tl_doc *d, struct tl_meta *m, const size_t *top,
          size_t n_top)
{
    struct tl_date date;
    int known = m->date.precision != TL_DATE_NONE;

    for (size_t k = 0; k < n_top; k++) {    /* labelled lines */
        if (!labelled_date(d, top[k], &date))
            continue;
        if (!known) {
            m->date = date;
            m->date_src = TL_SRC_LABEL;
            known = 1;
        }
        if (tl_doc_words(d, top[k]) <= BYLINE_MAX_WORDS)
            d->blocks[top[k]].drop = "dateline";
    }
    for (size_t k = 0; k < n_top; k++) {    /* datelines */
        struct span s = trim(block(d, top[k]));
        if (d->blocks[top[k]].drop != NULL
            || !tl_date_parse(s.p, s.len, &date))
            continue;
        if (!known) {
            m->date = date;
            m->date_src = TL_SRC_DATELINE;
            known = 1;
        }
        d->blocks[top[k]].drop = "dateline";
    }
    if (!known && m->byline_block > 0) {    /* "By X | March 5, 2021" */
        struct span s = block(d, m->byline_block - 1);
        if (tl_date_find(s.p, s.len, 0, &date, NULL, NULL)) {
            m->date = date;
            m->date_src = TL_SRC_BYLINE;
        }
    }
}

/* "Title – a subtitle sentence ...": the part before the dash, when it
 * reads like a heading and the rest does not. */
static int
title_before_dash(struct span s, struct span *title_out)
{
    for (size_t i = 1; i + 1 < s.len; i++) {
        size_t dl;
        if (s.p[i] == '.' && is_space((unsigned char)s.p[i + 1]))
            return 0;   /* a sentence ended first */
        if (!is_space((unsigned char)s.p[i - 1]))
            continue;
        dl = dash_len(s.p + i, s.len - i);
        if (dl == 0 || i + dl >= s.len || !is_space((unsigned char)s.p[i + dl]))
            continue;
        {
            struct span t = { s.p, i - 1 };
            size_t words = 0;
            for (size_t k = 0; k < t.len; k++)
                if (!is_space((unsigned char)t.p[k])
                    && (k == 0 || is_space((unsigned char)t.p[k - 1])))
                    words++;
            if (words < 3 || words > HEADING_MAX_WORDS)
                return 0;
            *title_out = trim(t);
            return 1;
        }
    }
    return 0;
}

static enum tl_status
take_title(struct tl_doc *d, struct tl_meta *m, size_t i, struct span t,
           struct tl_error *err)
{
    enum tl_status st = tl_meta_set(&m->title, t.p, t.len, err);
    int others = 0;

    for (size_t k = 0; k < d->n_blocks && !others; k++)
        others = k != i && d->blocks[k].drop == NULL;
    if (st == TL_OK && m->title != NULL) {  /* else an empty title */
        m->title_src = TL_SRC_HEADING;
        /* the title is not a passage too, unless it is all there is */
        if (others)
            d->blocks[i].drop = "title";
    }
    return st;
}

static enum tl_status
find_title(struct tl_doc *d, struct tl_meta *m, struct tl_error *err)
{
    size_t top[TOP_BLOCKS], n_top, heads[TOP_BLOCKS], n_heads = 0;
    struct span t;

    if (m->title != NULL) {
        /* a heading repeating the known title is not a passage */
        for (size_t i = 0; i < d->n_blocks && i < TOP_BLOCKS * 2; i++)
            if (d->blocks[i].drop == NULL
                && is_only_name(block(d, i), m->title))
                d->blocks[i].drop = "title";
        return TL_OK;
    }
    n_top = top_blocks(d, top);
    for (size_t k = 0; k < n_top; k++)
        if (is_heading_like(d, top[k]))
            heads[n_heads++] = top[k];
    if (m->byline_block > 0) {  /* the heading just above the byline */
        for (size_t i = m->byline_block - 1; i-- > 0;) {
            if (d->blocks[i].drop != NULL)
                continue;
            if (is_heading_like(d, i))
                return take_title(d, m, i, trim(block(d, i)), err);
            break;
        }
    }
    if (n_heads > 0) {
        size_t pick = heads[0];
        /* a kicker, then a dateline, then the title */
        if (n_heads > 1 && heads[0] + 1 < d->n_blocks
            && d->blocks[heads[0] + 1].drop != NULL
            && strcmp(d->blocks[heads[0] + 1].drop, "dateline") == 0)
            pick = heads[1];
        return take_title(d, m, pick, trim(block(d, pick)), err);
    }
    for (size_t i = 0; i < d->n_blocks; i++) {
        if (d->blocks[i].drop != NULL)
            continue;
        if (title_before_dash(trim(block(d, i)), &t))
            return take_title(d, m, i, t, err);
        break;
    }
    return TL_OK;
}

enum tl_status
tl_meta_extract(struct tl_doc *d, struct tl_meta *m, struct tl_error *err)
{
    size_t top[TOP_BLOCKS], n_top;
    enum tl_status st;

    n_top = top_blocks(d, top);
    st = find_author(d, m, top, n_top, err);
    if (st != TL_OK)
        return st;
    if (m->byline_block > 0)
        d->blocks[m->byline_block - 1].drop = "byline";
    drop_name_bylines(d, m);
    n_top = top_blocks(d, top);
    find_date(d, m, top, n_top);
    return find_title(d, m, err);
}
