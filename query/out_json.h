/*
 * out_json.h - a small JSON Lines writer for talaash --format=json: one
 * object per line, written member by member.
 *
 *   json_begin_object(&w);
 *   json_key_int(&w, "rank", 1);
 *   json_key_string(&w, "title", title, strlen(title));
 *   json_end_object(&w);                       -> {"rank":1,"title":"..."}\n
 *
 * The output is valid JSON (RFC 8259) in UTF-8 whatever bytes come in:
 *   - invalid UTF-8 becomes U+FFFD (one per maximal invalid subpart);
 *   - '"' and '\' are escaped; control characters (C0, DEL, C1) are
 *     escaped as \b \f \n \r \t or \u00XX, never dropped; U+2028 and
 *     U+2029 are escaped too (JavaScript reads them as line ends);
 *   - the TL_MARK_OPEN/CLOSE bytes are removed, or with keep_marks set
 *     written as \u0002 and \u0003;
 *   - numbers that JSON cannot hold (NaN, infinities) are written null;
 *     doubles use '.' whatever the locale.
 * Keys go through the same escaping.  Members are written only between
 * json_begin_object and json_end_object; objects do not nest.
 *
 * Every function returns whether writing has failed so far (ferror() on
 * the stream: 1 failed, 0 fine).  Nothing is allocated; the writer
 * borrows out, which must outlive it.
 */
#ifndef TALAASH_OUT_JSON_H
#define TALAASH_OUT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "talaash.h"

struct json_writer {
    FILE *out;          /* borrowed */
    int keep_marks;     /* write the TL_MARK bytes (as \u0002, \u0003)
                           instead of removing them; 0 after init */
    int members;        /* members written in the open object */
};

void json_writer_init(struct json_writer *w, FILE *out);

/* Writes "{". */
int json_begin_object(struct json_writer *w);

/* "key":"s[0, len)" (no NUL needed); s NULL gives "key":null. */
int json_key_string(struct json_writer *w, const char *key, const char *s,
                    size_t len);

int json_key_int(struct json_writer *w, const char *key, int64_t v);

/* The shortest of %.15g and %.17g that reads back as v; null when v is
 * NaN or infinite. */
int json_key_double(struct json_writer *w, const char *key, double v);

int json_key_null(struct json_writer *w, const char *key);

/* "key":["items[0]",...] of n NUL-terminated strings (items may be NULL
 * when n is 0); a NULL item is written null. */
int json_key_string_array(struct json_writer *w, const char *key,
                          const char *const *items, size_t n);

/* Writes "}\n". */
int json_end_object(struct json_writer *w);

#endif /* TALAASH_OUT_JSON_H */
