/* doc_fixture.h - building a struct tl_doc from a list of strings. */
#ifndef TALAASH_DOC_FIXTURE_H
#define TALAASH_DOC_FIXTURE_H

#include <string.h>

#include "unit.h"

/* Fills d with one block per string of the NULL-terminated list; a
 * string starting with "# " is a level-1 heading (the mark removed). */
static inline void
doc_of(struct tl_doc *d, const char *const *blocks)
{
    struct tl_error err = { 0 };
    size_t src = 0;

    tl_doc_init(d);
    for (; *blocks != NULL; blocks++) {
        const char *b = *blocks;
        int heading = strncmp(b, "# ", 2) == 0;
        size_t len;
        if (heading)
            b += 2;
        len = strlen(b);
        ck_assert_int_eq(tl_doc_add(d, b, len, src, src + len, heading, &err),
                         TL_OK);
        src += len + 2;
    }
}

/* The rule that dropped block i, or "" when kept. */
static inline const char *
drop_of(const struct tl_doc *d, size_t i)
{
    return d->blocks[i].drop != NULL ? d->blocks[i].drop : "";
}

#endif
