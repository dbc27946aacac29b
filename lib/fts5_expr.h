/*
 * fts5_expr.h - a MATCH expression evaluated over FTS5's pages
 * (fts5_read.h) as FTS5 evaluates it: the rows it matches in rowid order
 * and, for each, the instances FTS5's xInst would give an auxiliary
 * function.
 *
 * The expressions are those lib/query.c writes: quoted phrases (a
 * trailing '*' makes the last token a prefix), juxtaposed (an implicit
 * AND), AND, OR, NOT and parentheses, with FTS5's precedence (NOT binds
 * tightest, then AND, then OR; all to the left).  NEAR, column filters,
 * '^', '+' and bare words are not taken: tl_fts5_expr_new() then says
 * "not taken" and FTS5 answers.
 *
 * Which phrases a row reports (has instances of) follows FTS5: a phrase
 * whose node FTS5 left on the row, that is a phrase that holds on the
 * row under operators that all hold on it, never one under the right
 * side of a NOT.
 */
#include "fts5_read.h"
#include "rank.h"

#ifndef TALAASH_FTS5_EXPR_H
#define TALAASH_FTS5_EXPR_H

struct tl_fts5_expr;

/* The phrases an expression may hold (more: not taken). */
#define TL_FTS5_EXPR_PHRASES 64

/* match parsed, each phrase tokenized with db's tokenizer as FTS5 does
 * (FTS5_TOKENIZE_QUERY, and _PREFIX before a '*'), and its tokens'
 * cursors opened on x: *out, or NULL when the expression is not one this
 * evaluator takes or the reader cannot read a token (TL_OK either way);
 * an error only for what FTS5 would fail on too (out of memory). */
enum tl_status
tl_fts5_expr_new(sqlite3 *db, struct tl_fts5 *x, const char *match,
                 struct tl_fts5_expr **out, struct tl_error *err);
void tl_fts5_expr_free(struct tl_fts5_expr *e);

/* Its phrases, in the order FTS5 numbers them (as written). */
int tl_fts5_expr_phrases(const struct tl_fts5_expr *e);
/* Phrase i: its tokens (n_out), whether its last is a prefix, and its
 * tokens as text joined by single spaces (the stems rank.c reads for
 * it, cut as rank.c cuts them) into stems. */
void tl_fts5_expr_phrase(const struct tl_fts5_expr *e, int i, int *n_out,
                         int *prefix_out, char stems[TL_RANK_STEMS_MAX]);
/* The rows phrase i holds, counted over the whole index (its df, as
 * FTS5's xQueryPhrase counts them): *n_out.  1 or BAD. */
int tl_fts5_expr_phrase_rows(struct tl_fts5_expr *e, int i, int64_t *n_out);

/* Moves to the first row at or after min the expression matches (the
 * cursors skip the rows before it without reading their positions):
 * ROW, EOF or BAD.  First, or after other moves with min at least the
 * current row (there: stays). */
int tl_fts5_expr_from(struct tl_fts5_expr *e, int64_t min);
/* Moves to the next row the expression matches: ROW, EOF or BAD. */
int tl_fts5_expr_next(struct tl_fts5_expr *e);
int64_t tl_fts5_expr_rowid(const struct tl_fts5_expr *e);
/* Before the first move: each AND moves first the side with fewer rows
 * (rows[i]: phrase i's, its df), so that the other seeks to its rows
 * instead of stepping one row and waiting (FTS5 does the same).  The
 * rows and the instances are the same either way. */
void tl_fts5_expr_order(struct tl_fts5_expr *e, const int64_t *rows);
/* Is the expression phrases joined by OR alone (MaxScore, fts5_scan.c)? */
int tl_fts5_expr_or_only(const struct tl_fts5_expr *e);
/* For such an expression: moves to the next row holding one of the
 * phrases in need (bit i: phrase i), the others moved only as far as
 * that row (their rows before it are passed over, never visited): ROW,
 * EOF or BAD.  The row's phrases are then all that hold there, as after
 * tl_fts5_expr_next(). */
int tl_fts5_expr_next_of(struct tl_fts5_expr *e, uint64_t need);
/* Which phrases report on the current row (have instances there): one
 * flag per phrase, valid until the next move or call. */
const int *tl_fts5_expr_present(struct tl_fts5_expr *e);
/* The same as bits (phrase i: bit i). */
uint64_t tl_fts5_expr_mask(const struct tl_fts5_expr *e);
/* Phrase i's position list's size in bytes on the current row, where it
 * reports there, when it is one word (tl_fts5_tok_size()); else -1. */
int tl_fts5_expr_word_size(const struct tl_fts5_expr *e, int i);
/* The current row's instances, as xInst gives them: *inst_out (n_out
 * triples phrase, column, offset, ordered by column, offset, then
 * phrase), valid until the next move.  1 or BAD. */
int tl_fts5_expr_inst(struct tl_fts5_expr *e, const int **inst_out,
                      int *n_out);

#endif /* TALAASH_FTS5_EXPR_H */
