/*
 * out_csv.h - an RFC 4180 CSV writer for talaash --format=csv.
 *
 * Output is UTF-8 without a BOM, rows end in CRLF.  Text fields are made
 * safe to open in a spreadsheet:
 *   - invalid UTF-8 becomes U+FFFD (one per maximal invalid subpart);
 *   - NUL and the other control characters (C0, DEL, C1) are removed,
 *     except TAB, CR and LF; so are the TL_MARK_OPEN/CLOSE bytes and
 *     U+FEFF (a byte-order mark if it came first in the file);
 *   - a field holding a comma, double quote, CR or LF is quoted, its
 *     double quotes doubled;
 *   - a field whose first character (after the removals) is '=', '+',
 *     '-', '@', TAB or CR gets a leading "'" (OWASP's defence against
 *     formula injection).  Numbers written by csv_field_int and
 *     csv_field_double are not prefixed.
 * A row that is one empty field is written '""', so that it reads back
 * as one field rather than as a blank line.
 *
 * Every function returns whether writing has failed so far (ferror() on
 * the stream: 1 failed, 0 fine); the caller checks it, or checks
 * ferror() itself before exiting.  Nothing is allocated; the writer
 * borrows out, which must outlive it.
 */
#ifndef TALAASH_OUT_CSV_H
#define TALAASH_OUT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "talaash.h"

struct csv_writer {
    FILE *out;          /* borrowed */
    int row_open;       /* a field was written on the current row */
    int row_blank;      /* ... and the row is so far one empty field */
};

void csv_writer_init(struct csv_writer *w, FILE *out);

/* Writes the text field s[0, len) (no NUL needed; s may be NULL when len
 * is 0), cleaned and quoted as above. */
int csv_field(struct csv_writer *w, const char *s, size_t len);

/* Writes a whole number. */
int csv_field_int(struct csv_writer *w, int64_t v);

/* Writes v with 4 decimals and a '.' whatever the locale ("7.3100");
 * an empty field when v is NaN or infinite, "0.0000" for a negative
 * number that rounds to zero. */
int csv_field_double(struct csv_writer *w, double v);

/* Ends the row with CRLF. */
int csv_end_row(struct csv_writer *w);

#endif /* TALAASH_OUT_CSV_H */
