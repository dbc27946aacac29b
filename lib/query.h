/*
 * query.h - the query language of talaash: from what a user types to an
 * FTS5 MATCH expression and filters.  The syntax is described at the top
 * of query.c.
 *
 * Every word and phrase of the user reaches FTS5 as a quoted string, so
 * the only FTS5 syntax in the expression is the parser's own.  Mistakes a
 * user is likely to make are rewritten and reported as notes; input that
 * cannot be searched as meant is refused with one line naming the
 * position in the query and how to fix it.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"
#include "synonyms.h"

#ifndef TALAASH_QUERY_H
#define TALAASH_QUERY_H

/* tl_query_parse() flags. */
/* Words are OR-ed instead of AND-ed (natural-language questions). */
#define TL_QUERY_ANY 1

/* Longest query, in bytes. */
#define TL_QUERY_MAX ((size_t)1 << 20)
/* Deepest nesting of parentheses.  FTS5's own parser has a fixed stack
 * (100 entries in SQLite 3.40): the expressions written for the worst
 * shapes of user nesting overflow it past 27 levels. */
#define TL_QUERY_DEPTH_MAX 16
/* Notes kept; past them one last note says more were left out. */
#define TL_QUERY_NOTES_MAX 10
/* NEAR(...) distance: the default and the largest accepted. */
#define TL_QUERY_NEAR_DEFAULT 10
#define TL_QUERY_NEAR_MAX 10000

/* A parsed query.  Every pointer is owned (malloc'd) and freed by
 * tl_query_release(). */
struct tl_query {
    /* FTS5 MATCH expression for passages_fts; NULL when the query has
     * filters only. */
    char *match;
    /* The same expression with the top-level words OR-ed instead of
     * AND-ed ("title:" words and exclusions kept as they are): for --any
     * and for the "no passage has all the words" suggestion.  Equal to
     * match when the flags have TL_QUERY_ANY or the query's top level is
     * not a list of words; NULL when match is. */
    char *any_match;
    /* author: values (an article matches when its author matches any of
     * them), as written, quotes removed. */
    char **authors;
    size_t n_authors;
    /* topic: values (any of them), as written, quotes removed. */
    char **topics;
    size_t n_topics;
    /* From date:.  An article matches when its date falls between
     * tl_date_bounds(since).first and tl_date_bounds(until).last;
     * precision TL_DATE_NONE means unbounded.  date:2019-07 sets both to
     * 2019-07. */
    struct tl_date since, until;
    /* Some passages can match match (any_zero_scores: any_match)
     * through stopwords alone, "the" in "the OR haqqani", while some word
     * searched for is not a stopword.  tl_bm25() scores those passages 0
     * (lib/rank.c): set tl_search_opts.positive_only to leave them out.
     * 0 when every word searched for is a stopword (they are then
     * counted) or when every match holds another word. */
    int zero_scores;
    int any_zero_scores;
    /* Rewrites made, one line each without "note: " ("searched
     * China-Pakistan as a phrase", "searched U.S. as us"); identical ones
     * once; at most TL_QUERY_NOTES_MAX + 1. */
    char **notes;
    size_t n_notes;
    /* The words and phrases searched for (not those excluded, not the
     * synonyms added), in query order without repeats: a phrase's words
     * joined by single spaces ("China Pakistan"), a prefix with its
     * trailing '*' ("negot*").  For "did you mean" and highlighting. */
    char **words;
    size_t n_words;
};

void tl_query_init(struct tl_query *q);
/* Frees everything q owns and re-initialises it; accepts NULL. */
void tl_query_release(struct tl_query *q);

/* Parses text, the user's query (the command line's words joined by
 * spaces).  db is a connection opened with tl_db_open(): its tokenizer
 * splits words as the index does.  flags: 0 or TL_QUERY_ANY.  syn (may
 * be NULL: no synonyms) is only read during the call.  q must be
 * initialised; on success it holds the query (release it), on failure it
 * is released.  TL_ERR_QUERY, with "query position N: PROBLEM; ADVICE"
 * (N the 1-based character column in text), for a query that cannot be
 * searched. */
enum tl_status
tl_query_parse(sqlite3 *db, const char *text, int flags,
               const struct tl_synonyms *syn, struct tl_query *q,
               struct tl_error *err);

#endif /* TALAASH_QUERY_H */
