# concurrency.sh - searching while talaash-index writes, and two writers
# on one database: queries never fail with "database is locked" (WAL, busy
# timeout), a second indexer waits for the first or stops with a clear
# message, and nothing is ever corrupted.
. "$E2E_LIB"

command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }
GEN="$(dirname "$E2E_LIB")/gen-articles.py"
ART="$WORK/articles"
DB="$WORK/c.db"

sql_fts() { local db=$1; shift; sqlite_shell "$db" ".load $TALAASH_EXT" "$@" 2>&1; }
sound() {   # sound NAME DB: both integrity checks pass
    expect_eq "$1: SQLite's integrity check passes" "$(sqlite3 "$2" 'PRAGMA integrity_check' 2>&1)" ok
    expect_eq "$1: FTS5's integrity check passes" \
        "$(sql_fts "$2" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")" ""
}
digest() {
    sqlx "$1" "SELECT a.path, a.title, a.author, p.ordinal, p.text FROM passage_texts p JOIN articles a ON a.id = p.article_id ORDER BY a.path, p.ordinal" | cksum
}

python3 "$GEN" --seed 9 --count 2400 --folders 24 "$ART"
# the first folder alone, so that there is something to find from the start
run "$TALAASH_INDEX" --db "$DB" "$ART/d00"
expect_rc "index a first folder" 0
run "$TALAASH_INDEX" --db "$WORK/clean.db" "$ART"
expect_rc "a clean run over all the articles, for reference" 0

# --- queries while the indexer writes
# Two query loops run until the indexer is done; each query must find
# something (the first folder has these words) and fail with nothing.
query_loop() {   # query_loop ID: appends "rc<TAB>stderr" per query
    local i=0 log="$WORK/q$1.log"
    : > "$log"
    # loop 1 splits its scans early between two threads, each on its own
    # connection (lib/scan_part.c): a part that sees a later commit than
    # its search must give way, never mix two states of the index
    [ "$1" = 1 ] && export TALAASH_SCAN_SPLIT=32 TALAASH_SCAN_THREADS=2
    while [ ! -e "$WORK/indexer.done" ]; do
        i=$((i + 1))
        case $((i % 7)) in
        0) set -- --limit 5 harbour ;;
        1) set -- --count council ;;
        2) set -- --articles --limit 20 ferry ;;
        3) set -- --format json --limit 3 'ferry timetable' ;;
        4) set -- --facets quota ;;
        5) set -- --kwic --limit 5 census ;;
        6) set -- --timeline --any tariff pension ;;
        esac
        "$TALAASH" --db "$DB" "$@" >/dev/null 2>"$WORK/q$1.err"
        printf '%s\t%s\n' "$?" "$(tr '\n' ' ' < "$WORK/q$1.err")" >> "$log"
    done
}
rm -f "$WORK/indexer.done"
( "$TALAASH_INDEX" --db "$DB" "$ART" >"$WORK/indexer.out" 2>"$WORK/indexer.err"
  echo $? > "$WORK/indexer.rc"; touch "$WORK/indexer.done" ) &
ipid=$!
query_loop 1 &
q1=$!
query_loop 2
wait "$q1" "$ipid"
expect_eq "the indexer run under the queries ends well" "$(cat "$WORK/indexer.rc")" 0
cat "$WORK/q1.log" "$WORK/q2.log" > "$WORK/q.log"
nq=$(wc -l < "$WORK/q.log" | tr -d ' ')
nbad=$(awk -F'\t' '$1 != 0' "$WORK/q.log" | wc -l | tr -d ' ')
[ "$nq" -ge 10 ] && ok "$nq queries ran while the indexer wrote" || fail "only $nq queries ran while the indexer wrote"
expect_eq "every one found something" "$nbad" 0
expect_no_match "none said 'database is locked'" "$(cat "$WORK/q.log")" 'locked|busy'
printf '# %s queries during an indexing run of %s\n' "$nq" "$(sed -n 's/.*(\(.*\))$/\1/p' "$WORK/indexer.err")"
sound "after searching while indexing" "$DB"
expect_eq "the database holds what a clean run stores" "$(digest "$DB")" "$(digest "$WORK/clean.db")"

# --- a long read transaction does not stop the indexer (WAL)
# The reader takes its snapshot, then holds it until the indexer is done
# (60 s at most).
python3 "$GEN" --seed 9 --count 300 --start 2400 --folders 24 "$ART"
rm -f "$WORK/reading" "$WORK/release"
printf '%s\n' 'BEGIN;' 'SELECT count(*) FROM passages;' \
    ".shell touch '$WORK/reading'; i=0; while [ ! -e '$WORK/release' ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done" \
    'SELECT count(*) FROM passages;' 'COMMIT;' | sqlite3 "$DB" > "$WORK/reader.out" 2>&1 &
rpid=$!
for i in $(seq 1 300); do [ -e "$WORK/reading" ] && break; sleep 0.1; done
run "$TALAASH_INDEX" --db "$DB" "$ART"
expect_rc "the indexer writes while a reader holds a snapshot" 0
expect_match "it wrote 300 articles meanwhile" "$err" "indexed 300 articles"
touch "$WORK/release"
wait "$rpid"
expect_eq "the reader's snapshot did not change under it" \
    "$(sed -n 1p "$WORK/reader.out")" "$(sed -n 2p "$WORK/reader.out")"
run "$TALAASH_INDEX" --db "$WORK/clean.db" "$ART"
expect_eq "and the indexer stored everything" "$(digest "$DB")" "$(digest "$WORK/clean.db")"

# --- a writer that holds the lock too long: the indexer stops, clearly
# (the busy timeout is 5 s; this writer keeps the lock until the indexer
# has given up, 60 s at most)
python3 "$GEN" --seed 9 --count 50 --start 2700 --folders 24 "$ART"
before=$(digest "$DB")
rm -f "$WORK/locked" "$WORK/release"
printf '%s\n' 'BEGIN IMMEDIATE;' "UPDATE meta SET value = value WHERE key = 'tokenizer';" \
    ".shell touch '$WORK/locked'; i=0; while [ ! -e '$WORK/release' ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done" \
    'ROLLBACK;' | sqlite3 "$DB" > /dev/null 2>&1 &
lpid=$!
for i in $(seq 1 300); do [ -e "$WORK/locked" ] && break; sleep 0.1; done
t0=$(date +%s)
run "$TALAASH_INDEX" --db "$DB" "$ART"
waited=$(( $(date +%s) - t0 ))
expect_rc "an indexer locked out for longer than its timeout stops" 2
expect_match "and says another program is writing to the database" "$err" \
    "^talaash-index: database '.*c\.db' is busy: another program is writing to it"
expect_one_line "the busy-database error" "$err"
[ "$waited" -ge 4 ] && ok "it waited for the lock first (${waited} s)" || fail "it did not wait for the lock (${waited} s)"
run "$TALAASH" --db "$DB" --count harbour
expect_rc "queries still work while the lock is held" 0
touch "$WORK/release"
wait "$lpid"
expect_eq "the stopped indexer changed nothing" "$(digest "$DB")" "$before"
sound "after a stopped indexer" "$DB"

# --- two indexers at once on one database
# Started together on a new database (both create the schema), then
# together on an existing one: each ends well or stops with a clear
# message, and the database ends as one clean run leaves it.
python3 "$GEN" --seed 9 --count 2000 --start 5000 --folders 24 "$WORK/more"
for round in new existing; do
    if [ "$round" = existing ]; then    # edit 700 files
        for f in "$WORK/more"/d0*/*.txt; do
            printf '\nA closing line was added to this file later.\n' >> "$f"
        done
    fi
    rm -f "$WORK/clean2.db"
    "$TALAASH_INDEX" -q --db "$WORK/clean2.db" "$WORK/more"
    "$TALAASH_INDEX" --db "$WORK/two.db" --jobs 1 "$WORK/more" >/dev/null 2>"$WORK/two-a.err" &
    pa=$!
    "$TALAASH_INDEX" --db "$WORK/two.db" --jobs 2 "$WORK/more" >/dev/null 2>"$WORK/two-b.err" &
    pb=$!
    wait "$pa"; ra=$?
    wait "$pb"; rb=$?
    for x in "a $ra" "b $rb"; do
        set -- $x
        e=$(grep -v '^talaash-index: \(indexed\|nothing changed\)' "$WORK/two-$1.err")
        if [ "$2" -eq 0 ] && [ -z "$e" ]; then ok "two indexers, $round database: indexer $1 ends well"
        elif [ "$2" -eq 2 ] && printf '%s\n' "$e" | grep -q "is busy: another program is writing to it"; then
            ok "two indexers, $round database: indexer $1 stops with a clear message"
        else fail "two indexers, $round database: indexer $1 exit $2" "$e"; fi
    done
    run "$TALAASH_INDEX" --db "$WORK/two.db" "$WORK/more"
    expect_rc "two indexers, $round database: a later run completes" 0
    sound "two indexers, $round database" "$WORK/two.db"
    expect_eq "two indexers, $round database: the database holds what one clean run stores" \
        "$(digest "$WORK/two.db")" "$(digest "$WORK/clean2.db")"
done

finish
