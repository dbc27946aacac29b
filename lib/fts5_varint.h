/*
 * fts5_varint.h - SQLite's varint, as FTS5 writes it in its records:
 * big-endian groups of 7 bits, the high bit set on all but the last, a
 * ninth byte of 8 bits.  Shared by the page reader (lib/fts5_read.c),
 * the inverter (lib/invert.c) and the segment writer (lib/fts5_write.c).
 */
#include <stdint.h>

#include "talaash.h"

#ifndef TALAASH_FTS5_VARINT_H
#define TALAASH_FTS5_VARINT_H

/* The varint at a into *v; returns past it.  Reads at most 9 bytes:
 * callers keep padding after a buffer that may be damaged. */
static inline const unsigned char *
tl_fts5_get_varint(const unsigned char *a, uint64_t *v)
{
    uint64_t r = 0;

    if (!(a[0] & 0x80)) {
        *v = a[0];
        return a + 1;
    }
    for (int i = 0; i < 8; i++) {
        r = (r << 7) | (a[i] & 0x7f);
        if (!(a[i] & 0x80)) {
            *v = r;
            return a + i + 1;
        }
    }
    *v = (r << 8) | a[8];
    return a + 9;
}

/* One row of a doclist in FTS5's format at p: the rowid's delta added
 * to *rowid, the position list into *pos, *n_pos bytes (the size's low
 * bit, a delete flag, dropped); returns past the row. */
static inline const unsigned char *
tl_fts5_doclist_row(const unsigned char *p, int64_t *rowid,
                    const unsigned char **pos, int *n_pos)
{
    uint64_t delta, size;

    p = tl_fts5_get_varint(p, &delta);
    p = tl_fts5_get_varint(p, &size);
    *rowid += (int64_t)delta;
    *pos = p;
    *n_pos = (int)(size / 2);
    return p + *n_pos;
}

/* v as a varint into p (1-9 bytes); returns its length
 * (lib/fts5_write.c). */
int tl_fts5_varint(unsigned char *p, uint64_t v);
/* v as a varint onto b: TL_OK, or TL_ERR_NOMEM. */
enum tl_status tl_fts5_buf_varint(struct tl_buf *b, uint64_t v);

#endif
