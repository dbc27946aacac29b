# database.sh - the database: schema versions, bad files, consistency.
. "$E2E_LIB"

DB="$WORK/db.db"
run "$TALAASH_INDEX" --db "$DB" "$TESTDATA/mini"
expect_rc "build a database" 0

check_sql() { sqlite_shell "$1" ".load $TALAASH_EXT" "$2" 2>&1; }
expect_eq "SQLite's integrity check passes" "$(check_sql "$DB" 'PRAGMA integrity_check')" "ok"
expect_eq "FTS5's integrity check passes" \
    "$(check_sql "$DB" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")" ""
expect_eq "the database is in WAL mode" "$(sqlite3 "$DB" 'PRAGMA journal_mode')" "wal"
expect_eq "the tokenizer is recorded" "$(sqlite3 "$DB" "SELECT value FROM meta WHERE key='tokenizer'")" "snowball"
expect_eq "dates are unknown, never invented" "$(sqlite3 "$DB" "SELECT count(*) FROM articles WHERE pub_date IS NOT NULL")" "0"

# a newer schema is refused by both programs
cp "$DB" "$WORK/newer.db"
sqlite3 "$WORK/newer.db" 'PRAGMA user_version = 999'
run "$TALAASH" --db "$WORK/newer.db" harbour
expect_rc "query refuses a newer schema" 2
expect_match "and says to upgrade" "$err" "^talaash: database '.*newer\.db': database has schema version 999 but this talaash knows only up to [0-9]+; upgrade talaash$"
run "$TALAASH_INDEX" --db "$WORK/newer.db" "$TESTDATA/mini"
expect_rc "the indexer refuses a newer schema" 2
expect_one_line "the newer-schema error" "$err"
expect_eq "and leaves it alone" "$(sqlite3 "$WORK/newer.db" 'PRAGMA user_version')" "999"

# a file that is not a database
head -c 4096 /dev/urandom > "$WORK/junk.db"
printf 'SQLite format 3 is what this is not' | dd of="$WORK/junk.db" conv=notrunc status=none
run "$TALAASH" --db "$WORK/junk.db" harbour
expect_rc "query refuses a file that is not a database" 2
expect_match "naming the file" "$err" "^talaash: .*junk\.db"
expect_one_line "the not-a-database error" "$err"
run "$TALAASH_INDEX" --db "$WORK/junk.db" "$TESTDATA/mini"
expect_rc "the indexer refuses it too" 2

# a truncated database
head -c 2048 "$DB" > "$WORK/short.db"
run "$TALAASH" --db "$WORK/short.db" harbour
expect_rc "query refuses a truncated database" 2
expect_one_line "the truncated-database error" "$err"

# a plain SQLite database that is not Talaash's
sqlite3 "$WORK/other.db" 'CREATE TABLE x (y)'
run "$TALAASH" --db "$WORK/other.db" harbour
expect_rc "query refuses a foreign database" 2
expect_match "says how to build one" "$err" "not a Talaash database .*talaash-index"

# a read-only database can still be searched
cp "$DB" "$WORK/ro.db"
chmod 444 "$WORK/ro.db"
run "$TALAASH" --db "$WORK/ro.db" harbour
expect_rc "a read-only database can be searched" 0

# the database folder that cannot be created
run "$TALAASH_INDEX" --db "/proc/talaash/x.db" "$TESTDATA/mini"
expect_rc "an impossible database folder" 2
expect_match "names the folder" "$err" "^talaash-index: cannot create folder '/proc/talaash'"

finish
