/*
 * fuzz.h - what the fuzz targets share: failing loudly, a database with
 * the real schema and tokenizer, and oracles that do not reuse the code
 * under test (a UTF-8 validator of our own).
 *
 * Each fuzz-<target>.c defines LLVMFuzzerInitialize() and
 * LLVMFuzzerTestOneInput().  Built with clang and -fsanitize=fuzzer they
 * are libFuzzer programs; built with replay.c (any compiler) they replay
 * the files named on the command line, which is how the seed corpora and
 * the regression inputs run as ordinary meson tests.
 *
 * A target calls abort() (through FUZZ_CHECK) when the code under test
 * breaks a promise its header makes: libFuzzer then saves the input.
 */
#ifndef TALAASH_FUZZ_H
#define TALAASH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "talaash.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints "fuzz: FILE:LINE: message" on stderr and aborts. */
void fuzz_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define FUZZ_CHECK(cond, ...)                                          \
    do {                                                               \
        if (!(cond))                                                   \
            fuzz_fail(__FILE__, __LINE__, __VA_ARGS__);                \
    } while (0)

/* A fresh ":memory:" database opened by tl_db_open() (the real schema
 * and tokenizer); aborts on failure.  Close with tl_db_close(). */
sqlite3 *fuzz_db_open(void);

/* Runs sql (no user values) on db; aborts on error. */
void fuzz_exec(sqlite3 *db, const char *sql);

/* A malloc'd, NUL-terminated copy of data[0, size); aborts when out of
 * memory.  free() it. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Is p[0, n) valid UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF, nothing cut at the end)?  Written here, not
 * taken from lib/, so that it can judge lib/. */
int fuzz_utf8_valid(const char *p, size_t n);

/* Decodes the character at p[0, n) (valid UTF-8, n > 0) into *cp and
 * returns its length. */
size_t fuzz_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* Not a code point: what fuzz_utf8_next() gives for invalid UTF-8. */
#define FUZZ_INVALID 0x110000u

/* The character at p[0, n) (n > 0), valid or not: sets *cp and returns
 * its length; invalid UTF-8 gives FUZZ_INVALID and the length of the
 * maximal subpart (Unicode 3.9, "U+FFFD substitution of maximal
 * subparts"), at least 1. */
size_t fuzz_utf8_next(const unsigned char *p, size_t n, uint32_t *cp);

/* Appends the UTF-8 encoding of cp to b (aborts when out of memory). */
void fuzz_buf_put_cp(struct tl_buf *b, uint32_t cp);

/* Reads a little-endian number of k bytes (k <= 8) from *data, advancing
 * it; missing bytes read as 0. */
uint64_t fuzz_take(const uint8_t **data, size_t *size, size_t k);

/* Checks that d is a real date (precision matching the fields set, a
 * month and day that exist) with a year in [min_year, max_year]. */
void fuzz_check_date(const struct tl_date *d, int min_year, int max_year);

/* Builds d (initialised) as ingest.c does for a .txt file: data decoded
 * to UTF-8 (tl_text_decode), split into paragraphs (tl_passages_split),
 * one block each; a paragraph starting with 1-6 '#' and a space is a
 * heading of that level (the marks removed).  Source ranges are offsets
 * in the decoded text.  Aborts on failure. */
void fuzz_doc_build(const uint8_t *data, size_t size, struct tl_doc *d);

/* Checks the block model: ranges inside d->text, a known drop reason
 * or none, heading levels 0..6; with utf8 set, every block is valid
 * UTF-8. */
void fuzz_doc_check(const struct tl_doc *d, int utf8);

#endif /* TALAASH_FUZZ_H */
