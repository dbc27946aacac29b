/*
 * synonyms.h - the thesaurus the query parser expands words with.
 *
 * A synonyms file (format: docs/synonyms.md; default: data/synonyms.txt)
 * holds groups of names for one thing, one group per line:
 *
 *     ISI = Inter-Services Intelligence
 *
 * Each name is compiled, through Talaash's own tokenizer, into its
 * sequence of stems, so a query word or phrase equals a name whatever its
 * case, accents, dashes or inflection ("inter-services intelligence"
 * equals "Inter-Services Intelligence").  The query parser (query.c) then
 * searches a word or phrase equal to one name as any name of its group.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_SYNONYMS_H
#define TALAASH_SYNONYMS_H

/* tl_synonyms_load_file() refuses larger files. */
#define TL_SYNONYMS_FILE_MAX ((size_t)16 << 20)
/* Longest name, in tokens (longer: a parse error). */
#define TL_SYNONYMS_WORDS_MAX 16

/* Compiled groups.  Immutable once built: may be shared by threads. */
struct tl_synonyms;

/* Parses synonyms text (a file's bytes, or the built-in default); path
 * names it in error messages only (NULL: "<built-in>").  db is any
 * connection opened with tl_db_open() (":memory:" will do): its
 * tokenizer turns names into stems; it is not kept.  Errors
 * (TL_ERR_USAGE): "synonyms file 'PATH' line N: PROBLEM".  On success
 * *out is the groups, free with tl_synonyms_free(); on failure NULL. */
enum tl_status
tl_synonyms_parse(sqlite3 *db, const char *text, size_t len,
                  const char *path, struct tl_synonyms **out,
                  struct tl_error *err);

/* Reads the file at path (TL_ERR_IO when it cannot be read, TL_ERR_INPUT
 * when it is a folder or larger than TL_SYNONYMS_FILE_MAX) and parses
 * it. */
enum tl_status
tl_synonyms_load_file(sqlite3 *db, const char *path,
                      struct tl_synonyms **out, struct tl_error *err);

/* Adds the groups of another text to s, as if written after what s
 * holds: errors name path (NULL: "<built-in>") and the text's own lines,
 * and a name already in one of s's groups is refused ("'ISI' is already
 * in the group on line 23 of synonyms file '<built-in>'").  On failure s
 * is as it was.  For a user's file on top of the built-in groups. */
enum tl_status
tl_synonyms_add(sqlite3 *db, struct tl_synonyms *s, const char *text,
                size_t len, const char *path, struct tl_error *err);

/* Reads the file at path (errors as tl_synonyms_load_file()) and adds its
 * groups to s as tl_synonyms_add() does. */
enum tl_status
tl_synonyms_add_file(sqlite3 *db, struct tl_synonyms *s, const char *path,
                     struct tl_error *err);

/* Frees s; accepts NULL. */
void tl_synonyms_free(struct tl_synonyms *s);

/* The number of groups (0 for a file of comments only). */
size_t tl_synonyms_count(const struct tl_synonyms *s);

/* The number of names in group g < tl_synonyms_count() (at least 1:
 * names that stem alike are kept once, the first one written). */
size_t tl_synonyms_group_size(const struct tl_synonyms *s, size_t g);

/* Name i of group g, in file order, with its tokens' original spellings
 * joined by single spaces ("China Pakistan Economic Corridor" for
 * "China-Pakistan Economic Corridor"): text that tokenizes to the same
 * stems.  Borrowed, valid until tl_synonyms_free(s). */
const char *tl_synonyms_name(const struct tl_synonyms *s, size_t g,
                             size_t i);

/* The line of the file group g was written on. */
unsigned tl_synonyms_line(const struct tl_synonyms *s, size_t g);

/* Finds the group with a name whose stems are stems[0, len): the stems
 * of a word or phrase, as tl_tokenizer_each() gives them, joined by
 * single spaces.  Returns 1 and sets *group_out, or returns 0. */
int tl_synonyms_find(const struct tl_synonyms *s, const char *stems,
                     size_t len, size_t *group_out);

/* Tokenizes text[0, len) through db's tokenizer and finds the group of
 * the name it equals, as tl_synonyms_find().  *group_out is set and 1
 * returned in *found_out when there is one, else 0. */
enum tl_status
tl_synonyms_lookup(sqlite3 *db, const struct tl_synonyms *s,
                   const char *text, size_t len, int *found_out,
                   size_t *group_out, struct tl_error *err);

#endif /* TALAASH_SYNONYMS_H */
