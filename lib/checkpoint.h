/*
 * checkpoint.h - copying a large run's WAL into the database file on a
 * thread of its own, while the writer goes on.
 *
 * In WAL mode each commit appends the pages it wrote to the -wal file,
 * and SQLite copies them into the database file (a checkpoint) at the
 * first commit after which the WAL holds 1,000 pages or more, in the
 * committing thread.  A bulk run's commit writes its whole batch: its
 * checkpoint copied 30 MB for the news corpus, 60 of the 1,200 ms of the
 * build, while the workers had nothing to do.  With a checkpointer the
 * writer's commits only append; the checkpointer's own connection
 * copies (a PASSIVE checkpoint: it waits for nobody, and readers and
 * the writer go on) each time it is poked.  What a checkpoint has not
 * copied stays in the WAL, where readers find it and where SQLite
 * recovers it after a kill: a checkpoint never decides what is
 * committed.
 *
 * SQLite writes the WAL from its start again (a restart) only when a
 * write transaction begins after a checkpoint has copied all of it:
 * the next batch's transaction, begun while the checkpointer was still
 * copying the last one, appended behind it, and a bulk run's WAL grew
 * to the size of the database (1.45 GB at 1,000,000 articles, every
 * page written twice more to the disk).  So the writer waits for the
 * checkpoint under way before it begins (tl_checkpointer_wait()): the
 * WAL then holds one batch at a time.
 */
#include "talaash.h"

#ifndef TALAASH_CHECKPOINT_H
#define TALAASH_CHECKPOINT_H

struct tl_checkpointer;

/* Starts a checkpointer for the database at path, which db (a
 * connection in WAL mode, as tl_db_open() leaves it) writes; db no
 * longer checkpoints at its commits.  On failure db is as it was. */
enum tl_status
tl_checkpointer_start(sqlite3 *db, const char *path,
                      struct tl_checkpointer **out, struct tl_error *err);

/* Asks for a checkpoint of what is committed (after a commit); returns
 * at once. */
void tl_checkpointer_poke(struct tl_checkpointer *c);

/* Returns once no checkpoint is under way or asked for: a write
 * transaction begun after it restarts the WAL. */
void tl_checkpointer_wait(struct tl_checkpointer *c);

/* The same, for ms milliseconds at most: returns 1 once no checkpoint
 * is under way or asked for, 0 when one still is (the writer may find
 * its workers something to do meanwhile). */
int tl_checkpointer_wait_ms(struct tl_checkpointer *c, long ms);

/* Waits for the checkpoint under way, stops the thread and gives db its
 * checkpoints at commits back.  NULL is a no-op.  The WAL pages not yet
 * copied are copied by db's next commit past 1,000 of them, or when the
 * last connection closes. */
void tl_checkpointer_stop(struct tl_checkpointer *c);

#endif
