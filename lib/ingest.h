/*
 * ingest.h - from a file's bytes to what the index stores: clean blocks,
 * metadata with provenance, passages and topics.  The one path every
 * article takes, in talaash-index and in the relevance benchmark.
 */
/* talaash.h comes first, outside the guard: it includes this header at
 * its end, after everything this header needs. */
#include "talaash.h"

#ifndef TALAASH_INGEST_H
#define TALAASH_INGEST_H

#include "encoding.h"
#include "metadata.h"
#include "topic.h"

/* A topic the article carries. */
struct tl_article_topic {
    const char *name;           /* borrowed from the rules or the meta */
    enum tl_meta_source source; /* TL_SRC_NONE for the rules */
    unsigned matches;           /* rule matches in the kept body */
};

/* An element of an HTML page left out with everything in it (a script,
 * a navigation bar, a cookie banner): not a block, so listed apart. */
struct tl_markup_drop {
    const char *rule;           /* static: "markup", "hidden", "role",
                                   "boilerplate-class", "outside-root" */
    char tag[16];               /* its tag name, lower case */
    size_t src_start, src_end;  /* its bytes in the file */
};

struct tl_ingest {
    struct tl_doc doc;          /* the blocks, dropped ones marked */
    struct tl_meta meta;
    enum tl_encoding encoding;
    struct tl_buf text;         /* the passages' text */
    struct tl_passage *passages;
    size_t n_passages;
    /* n_passages x tl_topics_count(): rule matches per passage */
    unsigned *passage_topics;
    struct tl_article_topic *topics;
    size_t n_topics;
    char **named_topics;        /* from front matter / manifest; owned */
    size_t n_named;
    enum tl_meta_source named_src;
    struct tl_markup_drop *markup_drops;    /* HTML; owned */
    size_t n_markup_drops;
    /* The tokens of every passage as the index makes them (recorded
     * while matching the topic rules), then the title's and the
     * author's (as the store binds them, "" when missing): the store
     * hands them to FTS5 instead of tokenizing again (struct tl_tally's
     * replay).  tok_first has n_passages + 3 entries: passage p's tokens
     * are tok_first[p] .. tok_first[p + 1] - 1, the title's start at
     * tok_first[n_passages], the author's at [n_passages + 1]; NULL
     * when none were recorded. */
    struct tl_tokens tokens;
    size_t *tok_first;
    struct tl_buf decoded;      /* the file's text as UTF-8 (scratch) */
};

void tl_ingest_init(struct tl_ingest *in);
void tl_ingest_release(struct tl_ingest *in);
/* Empties in for the next article, keeping the memory of its text,
 * blocks and tokens (tl_ingest_article() does: its workers' slots are
 * used again and again, and growing them anew each time took 3 % of
 * a first build's time, session 17). */
void tl_ingest_reset(struct tl_ingest *in);

/* Frees what only the ingest and the inverters read: the blocks (and
 * the repeat rule's memory), the decoded text and the tokens' records
 * (tok_first keeps their counts).  What the store reads of a bulk mode
 * article stays (talaash-index's jobs ahead wait for it so). */
void tl_ingest_slim(struct tl_ingest *in);

/* Explicit metadata for one file (from --metadata FILE.csv): fields that
 * are NULL or "" are not set. */
struct tl_manifest_entry {
    const char *title, *author, *date, *topics;   /* topics: ';' or ',' */
};

/* Turns a loaded article (a->text holds the file's bytes) into in.  db
 * is any connection with the tokenizer (for topic matching); topics may
 * be NULL (no topic rules); manifest may be NULL.  TL_ERR_INPUT for a
 * file that is not text (the message names the file and why). */
enum tl_status
tl_ingest_article(sqlite3 *db, const struct tl_topics *topics,
                  const struct tl_manifest_entry *manifest,
                  const struct tl_article *a, struct tl_ingest *in,
                  struct tl_error *err);

#endif
