/*
 * jsonl.h - a small strict JSON reader for JSON Lines files: one object
 * per line, of which the benchmark keeps a few string members.
 *
 * Strict means RFC 8259: the line must be exactly one object (white space
 * around it allowed); strings must be valid UTF-8 without raw control
 * characters; escapes are \" \\ \/ \b \f \n \r \t and \uXXXX, where a
 * surrogate pair makes one character and a lone surrogate is an error;
 * numbers, true, false, null, arrays and nested objects are checked and
 * skipped.  \u0000 is refused (the values are C strings).
 */
#include "talaash.h"

#ifndef BENCH_JSONL_H
#define BENCH_JSONL_H

/* Deepest nesting of arrays and objects accepted. */
#define JSONL_DEPTH_MAX 64

/* Parses line[0..len), one JSON object.  keys is a NULL-terminated list
 * of member names; values_out[i] becomes a malloc'd copy of the string
 * value of keys[i], or stays NULL when the object has no such member
 * (free each with free()).  values_out must have one slot per key and is
 * cleared first.  TL_ERR_INPUT, with "column N: PROBLEM" (N counting
 * bytes from 1), for text that is not one strict JSON object, for a
 * wanted member whose value is not a string, and for a wanted member
 * given twice; on error every value is freed and NULL. */
enum tl_status
jsonl_parse_object(const char *line, size_t len, const char *const *keys,
                   char **values_out, struct tl_error *err);

/* Called once per line of a JSON Lines file, with the values of keys
 * (borrowed: valid during the call).  lineno counts from 1.  Return
 * non-zero to stop reading. */
typedef int (*jsonl_line_fn)(void *ctx, size_t lineno, char **values);

/* Reads path line by line (a final line break is optional; an empty line
 * is an error), parsing each line with jsonl_parse_object and calling fn.
 * Errors name the file and line: "docs.jsonl:12: column 5: ...". */
enum tl_status
jsonl_read_file(const char *path, const char *const *keys, jsonl_line_fn fn,
                void *ctx, struct tl_error *err);

#endif /* BENCH_JSONL_H */
