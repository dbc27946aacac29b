/*
 * textpack.h - the passages' text, stored once per article and compressed
 * (schema/008-article-texts.sql, docs/storage.md).
 *
 * An article's row of article_texts holds the text of all its passages,
 * in ordinal order, as one blob:
 *
 *   byte 0      0: stored as is; 1: a zstd frame
 *   (zstd)      LEB128 id of the dictionary (0: none): zstd's own,
 *               random id for it, and its key in text_dicts; then one
 *               zstd frame that records its content size
 *   content     for each passage, ordinal 1, 2, ...: LEB128 length, bytes
 *
 * Readers never decode it themselves: the SQL function
 * tl_passage_text(z, ordinal) does, and the views passage_texts and
 * passage_docs (what FTS5 reads) call it.  A passage whose own text
 * column is not NULL (written by hand, by a test or a tool) keeps its
 * text there.  talaash-index writes through struct tl_text_writer and,
 * once the database holds enough text, trains a dictionary on it.
 */
#include "talaash.h"

#ifndef TALAASH_TEXTPACK_H
#define TALAASH_TEXTPACK_H

#define TL_TEXT_STORED 0
#define TL_TEXT_ZSTD 1

/* zstd's level for the articles (3, its default: 0.40 of the text with
 * a dictionary on the news corpus, at about 130 MB/s) */
#define TL_TEXT_LEVEL 3
/* A dictionary is trained once the stored blobs add up to this much
 * (about twice as much text), from at most TL_TEXT_SAMPLE bytes of it. */
#define TL_TEXT_TRAIN_MIN (512 * 1024)
#define TL_TEXT_SAMPLE (2 * 1024 * 1024)
#define TL_TEXT_DICT_SIZE (32 * 1024)

/* Registers tl_passage_text(z, ordinal) and the aggregate
 * tl_text_pack(ordinal, text) (the migration's: stored or zstd without
 * a dictionary) on db; an SQLite result code. */
int tl_textpack_register(sqlite3 *db);

/* ---- writing (textpack_write.c; talaash-index) ------------------------ */

struct tl_text_writer;

enum tl_status
tl_text_writer_new(sqlite3 *db, struct tl_text_writer **out,
                   struct tl_error *err);
void tl_text_writer_free(struct tl_text_writer *w);

/* Starts an article's blob; then one _add() per passage, in order. */
void tl_text_writer_begin(struct tl_text_writer *w);
enum tl_status
tl_text_writer_add(struct tl_text_writer *w, const char *text, size_t len,
                   struct tl_error *err);
/* Compresses the article (with the database's dictionary, read the
 * first time); the blob stays valid until the next _begin(). */
enum tl_status
tl_text_writer_finish(struct tl_text_writer *w, const void **blob_out,
                      size_t *len_out, struct tl_error *err);

/* Whether the database has a dictionary (read once, then remembered). */
enum tl_status
tl_text_writer_has_dictionary(struct tl_text_writer *w, int *has_out,
                              struct tl_error *err);

/* Inside a write transaction: when the database has no dictionary yet
 * and holds TL_TEXT_TRAIN_MIN bytes of blobs, trains one from a sample
 * of its articles, stores it and recompresses every article with it.
 * *trained_out (may be NULL) tells whether it did.  A sample zstd cannot
 * train on is no error: the articles stay as they are. */
enum tl_status
tl_text_writer_tune(struct tl_text_writer *w, int *trained_out,
                    struct tl_error *err);
/* The same, with zstd's training on a thread of its own: the articles
 * written meanwhile go without the dictionary, and the first
 * tl_text_writer_finish() after the training stores it and recompresses
 * them (or tl_text_writer_tune(), which waits for it: call it before
 * committing).  Inside a write transaction. */
enum tl_status
tl_text_writer_tune_soon(struct tl_text_writer *w, struct tl_error *err);

/* Can a zstd frame of n bytes hold want bytes?  A block holds at most
 * 128 KB and takes at least 4 bytes (an RLE block: a 3-byte header and
 * the byte), so a frame holds at most 32,768 times its size; a header
 * that claims more (or over 1 GB) is damage, and trusting it would
 * reserve up to that much memory for a few bytes of blob (the fuzz
 * target "blobs" found a 23-byte one claiming 1 GB). */
#define TL_TEXT_FRAME_MAX ((unsigned long long)1 << 30)
static inline int
tl_text_frame_fits(unsigned long long want, size_t n)
{
    return want <= TL_TEXT_FRAME_MAX && want <= (unsigned long long)n * 32768;
}

#endif
