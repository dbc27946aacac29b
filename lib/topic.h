/*
 * topic.h - topic rules: which topics an article or a passage is about.
 *
 * A rules file (format: docs/topics.md; default: data/topics.txt) names
 * topics and, for each, terms: single words or phrases.  Terms are
 * compiled into sequences of stems by Talaash's own tokenizer, so a rule
 * matches whatever case, accents, dashes, possessives or inflection the
 * text uses ("China-Pakistan Economic Corridor" matches "China–Pakistan
 * economic corridors").
 *
 * Matching counts, per topic, how many times its terms occur in a text.
 * The caller decides what a count means: an article carries a topic when
 * the count over its body reaches tl_topics_min_matches(); a passage when
 * it is at least 1.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_TOPIC_H
#define TALAASH_TOPIC_H


/* Longest phrase, in tokens, a term may have (longer: a parse error). */
#define TL_TOPIC_TERM_MAX 8
/* An article's body must match a topic this many times, unless the rules
 * file sets min_matches (globally or for the topic). */
#define TL_TOPIC_MIN_MATCHES_DEFAULT 2
/* Largest min_matches a rules file may set. */
#define TL_TOPIC_MIN_MATCHES_MAX 1000
/* tl_topics_load_file() refuses larger files. */
#define TL_TOPIC_FILE_MAX ((size_t)16 << 20)

/* Compiled rules: topics in file order, their terms as stem sequences.
 * Immutable once built: one tl_topics may be shared by threads that
 * match concurrently, each with its own database connection. */
struct tl_topics;

/* Parses rules text (a file's bytes, or the built-in default); path
 * names it in error messages only (NULL: "<built-in>").  db is any
 * connection opened with tl_db_open() (":memory:" will do): its
 * tokenizer turns terms into stems; it is not kept.  Errors
 * (TL_ERR_USAGE): "topics file 'PATH' line N: PROBLEM".  On success
 * *out is the rules, free with tl_topics_free(); on failure NULL. */
enum tl_status
tl_topics_parse(sqlite3 *db, const char *text, size_t len, const char *path,
                struct tl_topics **out, struct tl_error *err);

/* Reads the file at path (TL_ERR_IO when it cannot be read,
 * TL_ERR_INPUT when larger than TL_TOPIC_FILE_MAX) and parses it. */
enum tl_status
tl_topics_load_file(sqlite3 *db, const char *path, struct tl_topics **out,
                    struct tl_error *err);

/* Frees t and its names; accepts NULL. */
void tl_topics_free(struct tl_topics *t);

/* The number of topics (0 for an empty rules file). */
size_t tl_topics_count(const struct tl_topics *t);

/* The name of topic i < tl_topics_count(), as written between the
 * brackets; borrowed, valid until tl_topics_free(t). */
const char *tl_topics_name(const struct tl_topics *t, size_t i);

/* How many body matches make topic i an article's topic (>= 1). */
int tl_topics_min_matches(const struct tl_topics *t, size_t i);

/* Length of tl_topics_digest()'s text, in hex digits. */
#define TL_TOPIC_DIGEST_LEN 32
/* Writes to out a digest (hex, NUL-terminated) of what the rules match:
 * topic names, thresholds and terms as stems, so that rules files that
 * differ only in layout, comments or inflection give the same digest.
 * The indexer records it to notice changed rules. */
void tl_topics_digest(const struct tl_topics *t,
                      char out[TL_TOPIC_DIGEST_LEN + 1]);
/* Tags every stored article again with the rules t: the rules' topics of
 * each article and passage are recomputed from the stored passages
 * (exactly what indexing the files again would give); topics named by
 * front matter or a manifest stay.  Runs in the caller's transaction;
 * *n_articles_out (may be NULL) is the number of articles re-tagged
 * (topic_retag.c). */
enum tl_status
tl_topics_retag(sqlite3 *db, const struct tl_topics *t,
                size_t *n_articles_out, struct tl_error *err);
/* Sets *same_out to 1 when t's digest is the one recorded in the
 * database (meta key 'topic_rules'), else 0; *any_articles_out (may be
 * NULL) to whether the database holds an article.  Reads only. */
enum tl_status
tl_topics_recorded(sqlite3 *db, const struct tl_topics *t, int *same_out,
                   int *any_articles_out, struct tl_error *err);
/* Compares t's digest with the one recorded in the database (meta key
 * 'topic_rules'); when they differ, re-tags every stored article with t
 * (tl_topics_retag) and records t's digest.  *n_articles_out is the
 * number re-tagged (0 when the rules are those recorded, or the
 * database holds no article).  Runs in the caller's transaction. */
enum tl_status
tl_topics_sync(sqlite3 *db, const struct tl_topics *t,
               size_t *n_articles_out, struct tl_error *err);
/* Finds the topic called name, ignoring ASCII case as the database's
 * topics.name (COLLATE NOCASE) does; returns 1 and sets *index_out, or
 * returns 0. */
int tl_topics_find(const struct tl_topics *t, const char *name,
                   size_t *index_out);

/* Reports one counted match: topic index and the byte range in the text,
 * from the start of the term's first word to the end of its last. */
typedef void (*tl_topic_match_fn)(void *ctx, size_t topic, size_t start,
                                  size_t end);

/* Tokenizes text[0..len) once, through db's tokenizer, and adds to
 * counts_out[i] (caller-allocated, tl_topics_count(t) entries, not reset:
 * a caller may sum passages) the matches of topic i.  fn (may be NULL) is
 * called for each counted match, in text order.  On error counts_out is
 * left unchanged (fn may already have been called).
 *
 * A match is a term's stems on consecutive tokens; punctuation and line
 * breaks between the words do not matter, any other word does.  Matches
 * of one topic never overlap: at each position the topic's longest term
 * is taken, and a term starting inside a topic's previous match is not
 * counted for that topic (other topics still count it).  No allocation
 * per token: a ring of the last TL_TOPIC_TERM_MAX stems. */
enum tl_status
tl_topics_match(sqlite3 *db, const struct tl_topics *t, const char *text,
                size_t len, unsigned *counts_out, tl_topic_match_fn fn,
                void *ctx, struct tl_error *err);

/* The same over tokens first .. first + n - 1 of a record
 * (tl_tokens_record(), one text's tokens): no tokenizing again. */
enum tl_status
tl_topics_match_tokens(const struct tl_topics *t, const struct tl_tokens *toks,
                       size_t first, size_t n, unsigned *counts_out,
                       struct tl_error *err);

#endif /* TALAASH_TOPIC_H */
