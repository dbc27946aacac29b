/*
 * fuzz-blobs.c - the decoders of the blobs a database stores and a
 * search reads back: impact lists (lib/impact.c, tl_impact_decode()) and
 * an article's packed text (lib/textpack.c, tl_passage_text()).  A
 * damaged database must give an error, never a crash or a wrong read.
 *
 * Input: one selector byte, then the blob.
 *   - even: an impact list.  Checked: a blob it accepts has passage ids
 *     that strictly grow from 1 on and no negative figure; encoding the
 *     entries again (tl_impact_encode()) and decoding that gives the
 *     same entries; what it refuses leaves nothing allocated.
 *   - odd: a text blob, its passages read with tl_passage_text(z, k) for
 *     k = 0..5 (the selector's bits 1-2 pick a first ordinal): each call
 *     gives text no longer than the blob could hold, or an error naming
 *     the damage; never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "impact.h"

static sqlite3 *db;
static sqlite3_stmt *text_st;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_db_open();
    if (sqlite3_prepare_v2(db, "SELECT tl_passage_text(?1, ?2)", -1, &text_st,
                           NULL) != SQLITE_OK)
        fuzz_fail(__FILE__, __LINE__, "%s", sqlite3_errmsg(db));
    return 0;
}

static void
impact_list(const uint8_t *p, size_t n)
{
    struct tl_impact_entry *e = NULL, *again = NULL;
    size_t got = 0, got2 = 0;
    struct tl_buf b;

    if (!tl_impact_decode(p, n, &e, &got)) {
        FUZZ_CHECK(e == NULL && got == 0, "a refused list left entries");
        return;
    }
    FUZZ_CHECK(n == 0 || got > 0, "a list of %zu bytes gave no entry", n);
    for (size_t i = 0; i < got; i++) {
        FUZZ_CHECK(e[i].passage_id >= 1, "passage id %lld",
                   (long long)e[i].passage_id);
        FUZZ_CHECK(i == 0 || e[i].passage_id > e[i - 1].passage_id,
                   "passage ids do not grow at entry %zu", i);
        for (int c = 0; c < TL_RANK_COLUMNS; c++)
            FUZZ_CHECK(e[i].tf[c] >= 0 && e[i].len[c] >= 0,
                       "a negative figure at entry %zu", i);
    }
    tl_buf_init(&b, 0);
    FUZZ_CHECK(tl_impact_encode(e, got, &b) == TL_OK, "encoding failed");
    FUZZ_CHECK(tl_impact_decode((const unsigned char *)b.data, b.len, &again,
                                &got2), "its own encoding was refused");
    FUZZ_CHECK(got2 == got && (got == 0
                               || memcmp(e, again, got * sizeof *e) == 0),
               "encoding and decoding changed the entries");
    FUZZ_CHECK(b.len <= n, "the encoding grew: %zu bytes from %zu",
               b.len, n);
    tl_buf_release(&b);
    free(e);
    free(again);
}

static void
text_blob(int first, const uint8_t *p, size_t n)
{
    for (int k = first; k <= first + 5; k++) {
        int rc;

        sqlite3_reset(text_st);
        sqlite3_bind_blob(text_st, 1, p, (int)n, SQLITE_STATIC);
        sqlite3_bind_int(text_st, 2, k);
        rc = sqlite3_step(text_st);
        if (rc == SQLITE_ROW) {
            FUZZ_CHECK(sqlite3_column_type(text_st, 0) == SQLITE_TEXT,
                       "passage %d is not text", k);
            FUZZ_CHECK(k >= 1, "passage %d was read", k);
            /* stored: at most the blob; packed: at most its frame's size,
             * which lib/textpack.c caps */
            FUZZ_CHECK((size_t)sqlite3_column_bytes(text_st, 0) <= n
                       || (n > 0 && p[0] != 0),
                       "passage %d longer than a stored blob", k);
        } else {
            FUZZ_CHECK(rc == SQLITE_ERROR, "passage %d: %s", k,
                       sqlite3_errmsg(db));
            FUZZ_CHECK(strstr(sqlite3_errmsg(db), "damaged") != NULL
                       || strstr(sqlite3_errmsg(db), "missing") != NULL
                       || strstr(sqlite3_errmsg(db), "dictionary") != NULL
                       || strstr(sqlite3_errmsg(db), "memory") != NULL,
                       "passage %d: an error that names nothing: %s", k,
                       sqlite3_errmsg(db));
        }
    }
    sqlite3_reset(text_st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if ((data[0] & 1) == 0)
        impact_list(data + 1, size - 1);
    else
        text_blob((data[0] >> 1) & 3, data + 1, size - 1);
    return 0;
}
