#!/usr/bin/env python3
"""What a statement savepoint costs an FTS5 insert (docs/performance.md,
"Where the time goes").

  fts5-savepoint.py CORPUS_DIR [ARTICLES]

Loads the paragraphs of the first ARTICLES (default 8000) articles of
CORPUS_DIR into an external-content FTS5 table (porter unicode61), 1000
rows per transaction, three ways:

  direct     INSERT INTO p ...; INSERT INTO f ... (two plain statements)
  savepoint  the FTS5 insert wrapped in SAVEPOINT / RELEASE
  trigger    INSERT INTO p only; an AFTER INSERT trigger writes f, as
             talaash's schema does for passages -> passages_fts

FTS5 (3.40) flushes its in-memory pending terms to a new on-disk segment in
xSavepoint and xRelease; a statement whose trigger writes a virtual table
runs inside a statement savepoint, so every row becomes a segment of its
own and the automerge work grows.  Prints the wall time of each way and
the database size.  Uses Python's sqlite3 module (the system libsqlite3).
"""
import os
import sqlite3
import sys
import tempfile
import time


def paragraphs(top, limit):
    names = sorted(n for n in os.listdir(top) if n.endswith(".txt"))[:limit]
    rows = []
    for n in names:
        with open(os.path.join(top, n), encoding="utf-8") as fh:
            blocks = [b.strip() for b in fh.read().split("\n\n")]
        blocks = [b for b in blocks if b]
        rows += [(blocks[0], b) for b in blocks[1:]]
    return rows


def load(rows, way, folder):
    path = os.path.join(folder, way + ".db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, title TEXT, body TEXT);"
        "CREATE VIRTUAL TABLE f USING fts5(title, body, content='p',"
        " content_rowid='id', tokenize='porter unicode61');")
    if way == "trigger":
        db.execute("CREATE TRIGGER p_ai AFTER INSERT ON p BEGIN INSERT INTO"
                   " f (rowid, title, body) VALUES (new.id, new.title,"
                   " new.body); END")
    t0 = time.perf_counter()
    for i in range(0, len(rows), 1000):
        db.execute("BEGIN IMMEDIATE")
        for r in rows[i:i + 1000]:
            db.execute("INSERT INTO p (title, body) VALUES (?, ?)", r)
            if way == "direct":
                db.execute("INSERT INTO f (rowid, title, body) VALUES"
                           " (last_insert_rowid(), ?, ?)", r)
            elif way == "savepoint":
                db.execute("SAVEPOINT s")
                db.execute("INSERT INTO f (rowid, title, body) VALUES"
                           " (last_insert_rowid(), ?, ?)", r)
                db.execute("RELEASE s")
        db.execute("COMMIT")
    wall = time.perf_counter() - t0
    db.close()
    return wall, os.path.getsize(path)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().split("\n\n")[1])
    rows = paragraphs(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3
                      else 8000)
    print("SQLite %s, %d paragraphs" % (sqlite3.sqlite_version, len(rows)))
    with tempfile.TemporaryDirectory() as folder:
        for way in ("direct", "savepoint", "trigger"):
            wall, size = load(rows, way, folder)
            print("%-10s %6.2f s  %5.1f MB" % (way, wall, size / 1e6))


if __name__ == "__main__":
    main()
