# crash.sh - talaash-index killed with SIGKILL at many moments of a large
# run: every killed database passes SQLite's and FTS5's integrity checks,
# holds only whole batches of whole articles, a re-run from it completes,
# and the database finally holds exactly what a run that was never killed
# holds.  Two phases: a first run over 3000 generated articles, then an
# update run (edits, deletions, renames, touches, new files, --prune).
. "$E2E_LIB"

command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }
GEN="$(dirname "$E2E_LIB")/gen-articles.py"
ART="$WORK/articles"
N=${CRASH_ARTICLES:-3000}   # (fewer for slow runs, e.g. under valgrind)
BATCH=256               # articles per transaction (--batch)
DB="$WORK/killed.db"

# --- helpers

now() { date +%s%N; }
ms_since() { echo $(( ($(now) - $1) / 1000000 )); }

# The sqlite3 shell with the tokenizer loaded (FTS5 needs it).
sql_fts() { local db=$1; shift; sqlite_shell "$db" ".load $TALAASH_EXT" "$@" 2>&1; }

# What a database holds, independent of row ids: one checksum per aspect.
digest() {
    local db=$1
    printf 'articles %s\n' "$(sqlite3 "$db" "SELECT path, hash, size, format, title, author, pub_date, date_precision, title_source, author_source, date_source, encoding FROM articles ORDER BY path" | cksum)"
    printf 'passages %s\n' "$(sqlx "$db" "SELECT a.path, p.ordinal, p.byte_start, p.byte_end, p.text FROM passage_texts p JOIN articles a ON a.id = p.article_id ORDER BY a.path, p.ordinal" | cksum)"
    printf 'topics %s\n' "$(sqlite3 "$db" "SELECT a.path, t.name, x.source, x.matches FROM article_topics x JOIN articles a ON a.id = x.article_id JOIN topics t ON t.id = x.topic_id ORDER BY 1, 2" | cksum)"
    printf 'passage-topics %s\n' "$(sqlite3 "$db" "SELECT a.path, p.ordinal, t.name, x.matches FROM passage_topics x JOIN passages p ON p.id = x.passage_id JOIN articles a ON a.id = p.article_id JOIN topics t ON t.id = x.topic_id ORDER BY 1, 2, 3" | cksum)"
    printf 'index %s\n' "$(sql_fts "$db" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, passages_fts, 'col')" "SELECT term, col, doc, cnt FROM temp.v ORDER BY term, col" | cksum)"
    # the schema's tables and indexes, and none left for later
    # (lib/index_defer.c: a first build makes two of them at its end)
    printf 'schema %s\n' "$(sqlite3 "$db" "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name; SELECT key FROM meta WHERE key LIKE 'deferred index %'" | cksum)"
}
# deferred DB: how many indexes a killed first build had left for its end
deferred() { sqlite3 "$1" "SELECT count(*) FROM meta WHERE key LIKE 'deferred index %'" 2>/dev/null || echo 0; }
counts() { sqlite3 "$1" "SELECT (SELECT count(*) FROM articles) || ' articles, ' || (SELECT count(*) FROM passages) || ' passages'"; }

# Each article as one row: its path and all its stored text, in order
# (printf arguments: the schema, the table of the passages' text, the
# schema).
per_article="SELECT path, group_concat(row, char(10)) FROM (SELECT a.path, p.ordinal || '|' || p.byte_start || '|' || p.byte_end || '|' || a.title || '|' || a.author || '|' || coalesce(a.pub_date, '') || '|' || p.text AS row FROM %s.%s p JOIN %s.articles a ON a.id = p.article_id ORDER BY a.path, p.ordinal) GROUP BY path"

# foreign_articles DB REF...: how many articles of DB, path and text, are
# in none of the reference databases (each article must be whole and as
# some clean run stored it: no half article, no mixed versions).
foreign_articles() {
    local db=$1 i=0 refs="" attach=""; shift
    for ref in "$@"; do
        attach="$attach ATTACH '$ref' AS r$i;"
        refs="$refs${refs:+ UNION }$(printf "$per_article" r$i passage_texts r$i)"
        i=$((i + 1))
    done
    # killed between two migrations, before schema 008 moved the text
    # out of passages: the text is still there
    local texts
    texts=$(sqlite3 "$db" "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'passage_texts') THEN 'passage_texts' ELSE 'passages' END")
    sqlx "$db" "$attach SELECT count(*) FROM ($(printf "$per_article" main "$texts" main) EXCEPT SELECT * FROM ($refs))" 2>&1
}

# copy_db FROM TO: the database as a killed process left it (file and WAL).
copy_db() {
    rm -f "$2" "$2-wal" "$2-shm"
    cp "$1" "$2"
    [ -e "$1-wal" ] && cp "$1-wal" "$2-wal"
    return 0
}

# kill_after SECONDS ARGS...: run talaash-index ARGS in the background and
# SIGKILL it after SECONDS; $krc is its exit status (137 when killed).
kill_after() {
    local delay=$1; shift
    "$TALAASH_INDEX" -q --batch "$BATCH" "$@" >"$WORK/kill.out" 2>"$WORK/kill.err" &
    local pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    krc=$?
}

# The killed database must be sound: checked on a copy, so that the next
# run resumes from exactly what the kill left (WAL and all).
kills=0
survived=0
probe_failed=0
check_killed() {   # check_killed LABEL REF...
    local label=$1 probe="$WORK/probe.db" bad="" r; shift
    if [ ! -e "$DB" ]; then      # killed before the database was created
        rm -f "$probe"
        survived=$((survived + 1))
        return 0
    fi
    copy_db "$DB" "$probe"
    if [ "$(sqlite3 "$probe" 'PRAGMA user_version')" = 0 ]; then
        # killed before the schema was committed: nothing may be there
        [ "$(sqlite3 "$probe" "SELECT count(*) FROM sqlite_schema")" = 0 ] || bad="half a schema"
    else
        r=$(sqlite3 "$probe" 'PRAGMA integrity_check' 2>&1)
        [ "$r" = ok ] || bad="$bad integrity_check: $r;"
        r=$(sql_fts "$probe" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")
        [ -z "$r" ] || bad="$bad fts5-integrity-check: $r;"
        r=$(sqlite3 "$probe" 'PRAGMA foreign_key_check' 2>&1)
        [ -z "$r" ] || bad="$bad foreign_key_check: $r;"
        r=$(foreign_articles "$probe" "$@")
        [ "$r" = 0 ] || bad="$bad articles not from a clean run: $r;"
    fi
    if [ -n "$bad" ]; then
        probe_failed=1
        fail "$label: the killed database is not sound:$bad" "$(counts "$probe")"
        # keep the evidence where a developer can find it
        [ -n "${CRASH_KEEP:-}" ] && mkdir -p "$CRASH_KEEP" && cp "$DB"* "$CRASH_KEEP/"
        return 1
    fi
    survived=$((survived + 1))
    return 0
}

# --- phase 1: a first run over 3000 articles

t=$(now)
python3 "$GEN" --seed 6 --count "$N" "$ART"
gen_ms=$(ms_since "$t")
t=$(now)
run "$TALAASH_INDEX" --batch "$BATCH" --db "$WORK/clean1.db" "$ART"
clean_ms=$(ms_since "$t")
expect_rc "a clean run over $N generated articles (${clean_ms} ms)" 0
clean1=$(digest "$WORK/clean1.db")
expect_eq "every article has passages" \
    "$(sqlite3 "$WORK/clean1.db" "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.article_id = a.id)")" 0

# A run with nothing to do costs its start-up: walking the folders and
# looking every file up.
t=$(now)
run "$TALAASH_INDEX" -q --db "$WORK/clean1.db" "$ART"
start_ms=$(ms_since "$t")
# Kill k lands at a fraction f of the run's work: f drawn from a fixed
# seed, sorted, a few past the end (the last commit, the closing); the
# delay is the start-up plus the clean run's time for the work between
# what the database holds and f.  So the kills spread over the whole run
# on a fast or a slow (sanitizer) build alike.
fractions=$(python3 -c 'import random
r = random.Random(42)
print(" ".join("%.3f" % f for f in sorted(r.uniform(0, 1.05) for _ in range(11))))')
# When the database already holds what f aims at (a run went faster than
# the clean one), the kill is aimed into the start-up instead: a delay of
# the start-up itself raced a run with nothing left to do, which often
# ended first, and the test then counted too few kills.
delay() {   # delay FRACTION: seconds
    awk -v s="$start_ms" -v t="$clean_ms" -v f="$1" -v done="$prev" -v n="$N" \
        'BEGIN { x = f - done / n; if (x <= 0) { printf "%.3f", s * 0.5 / 1000; exit }
                 printf "%.3f", (s + t * x) / 1000 }'
}
k=0
batches_ok=1
monotonic_ok=1
deferred_kills=0
prev=0
seen=""
# the first kill comes at once: during start-up or the schema's creation
for f in first $fractions; do
    if [ "$f" = first ]; then d=0.002; else d=$(delay "$f"); fi
    k=$((k + 1))
    kill_after "$d" --db "$DB" --jobs $((1 + k % 3)) "$ART"
    [ "$krc" -eq 137 ] || continue     # it finished first: not a kill
    kills=$((kills + 1))
    check_killed "kill $k (after ${d} s, aimed at ${f})" "$WORK/clean1.db" || break
    n=$(sqlite3 "$WORK/probe.db" "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
    seen="$seen $n"
    [ "$(deferred "$WORK/probe.db")" = 3 ] && deferred_kills=$((deferred_kills + 1))
    # a batch is committed whole or not at all
    [ $((n % BATCH)) -eq 0 ] || [ "$n" -eq "$N" ] || batches_ok=0
    # what was committed stays committed
    [ "$n" -ge "$prev" ] || monotonic_ok=0
    prev=$n
    # every fourth killed state: a run from it completes and equals a clean run
    if [ $((k % 4)) -eq 0 ]; then
        run "$TALAASH_INDEX" -q --db "$WORK/probe.db" "$ART"
        expect_rc "kill $k: a re-run from the killed state completes" 0
        expect_eq "kill $k: and stores what a clean run stores" "$(digest "$WORK/probe.db")" "$clean1"
    fi
done
printf '# phase 1: articles stored at each kill:%s\n' "$seen"
[ "$probe_failed" -eq 0 ] && ok "phase 1: $kills kills, every killed database sound"
[ "$kills" -ge 8 ] && ok "phase 1: at least 8 of 12 runs were killed before they finished ($kills)" \
    || fail "phase 1: only $kills of 12 runs were killed before they finished"
[ "$deferred_kills" -ge 1 ] && ok "phase 1: $deferred_kills kills left the indexes by hash, path and date for the end of the run, and the runs after them made them" \
    || fail "phase 1: no kill came while the indexes by hash, path and date were left for the end"
[ "$batches_ok" -eq 1 ] && ok "a kill loses whole batches of $BATCH articles, never part of one" \
    || fail "a killed database holds part of a batch" "$seen"
[ "$monotonic_ok" -eq 1 ] && ok "committed articles survive every later kill" \
    || fail "articles committed before a kill were lost" "$seen"

run "$TALAASH_INDEX" --db "$DB" "$ART"
expect_rc "phase 1: the run after the kills completes" 0
expect_eq "phase 1: the same counts as a clean run" "$(counts "$DB")" "$(counts "$WORK/clean1.db")"
expect_eq "phase 1: the same articles, passages, topics and index as a clean run" "$(digest "$DB")" "$clean1"

# --- phase 2: an update run: edits, deletions, renames, touches, new files

python3 "$GEN" --mutate --count "$N" "$ART"
python3 "$GEN" --seed 6 --count 300 --start "$N" "$ART"
run "$TALAASH_INDEX" --db "$WORK/clean2.db" "$ART"
expect_rc "a clean run over the changed articles" 0
clean2=$(digest "$WORK/clean2.db")
copy_db "$DB" "$WORK/update.db"
t=$(now)
run "$TALAASH_INDEX" --batch "$BATCH" --prune --db "$WORK/update.db" "$ART"
update_ms=$(ms_since "$t")
expect_rc "an update run that is never killed (${update_ms} ms)" 0
# what --mutate did (gen-articles.py): K % 10 == 3 deleted, else K % 4 == 1
# edited, else K % 20 == 7 moved; 300 added
want=$(python3 -c 'import sys
n = int(sys.argv[1])
rm = sum(1 for k in range(n) if k % 10 == 3)
ed = sum(1 for k in range(n) if k % 10 != 3 and k % 4 == 1)
mv = sum(1 for k in range(n) if k % 10 != 3 and k % 4 != 1 and k % 20 == 7)
print("indexed %d articles .* %d unchanged, %d renamed, %d removed" % (ed + 300, n - rm - ed - mv, mv, rm))' "$N")
expect_match "it edits, renames and removes" "$err" "$want"
expect_eq "and ends where a clean run over the changed files does" "$(digest "$WORK/update.db")" "$clean2"

kills1=$kills
k=0
seen=""
for d in $(python3 -c 'import random, sys
r = random.Random(43)
print(" ".join("%.3f" % (r.random() * float(sys.argv[1]) / 1000) for _ in range(8)))' $((update_ms * 4 / 10))); do
    k=$((k + 1))
    kill_after "$d" --prune --db "$DB" --jobs $((1 + k % 3)) "$ART"
    [ "$krc" -eq 137 ] || continue
    kills=$((kills + 1))
    # each article is whole, either as it was or as it is now
    check_killed "update kill $k (after ${d} s)" "$WORK/clean1.db" "$WORK/clean2.db" || break
    seen="$seen $(sqlite3 "$WORK/probe.db" "ATTACH '$WORK/clean2.db' AS r1; SELECT count(*) FROM articles a JOIN r1.articles b USING (path, hash)" 2>/dev/null)"
    if [ $((k % 4)) -eq 0 ]; then
        run "$TALAASH_INDEX" -q --prune --db "$WORK/probe.db" "$ART"
        expect_rc "update kill $k: a re-run from the killed state completes" 0
        expect_eq "update kill $k: and stores what a clean run stores" "$(digest "$WORK/probe.db")" "$clean2"
    fi
done
printf '# phase 2: articles already in their new state at each kill:%s\n' "$seen"
[ "$probe_failed" -eq 0 ] && ok "phase 2: $((kills - kills1)) kills, every killed database sound"
[ $((kills - kills1)) -ge 5 ] && ok "phase 2: at least 5 of 8 runs were killed before they finished" \
    || fail "phase 2: only $((kills - kills1)) of 8 runs were killed before they finished"

run "$TALAASH_INDEX" --prune --db "$DB" "$ART"
expect_rc "phase 2: the run after the kills completes" 0
expect_eq "phase 2: the same counts as a clean run" "$(counts "$DB")" "$(counts "$WORK/clean2.db")"
expect_eq "phase 2: the same articles, passages, topics and index as a clean run" "$(digest "$DB")" "$clean2"
expect_eq "the final database passes SQLite's integrity check" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
expect_eq "and FTS5's" "$(sql_fts "$DB" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")" ""

# searching it gives what searching the clean database gives
for q in harbour "ferry timetable" 'recount eastern' art00042 'census OR quota'; do
    a=$("$TALAASH" --db "$DB" --count -- "$q" 2>&1)
    b=$("$TALAASH" --db "$WORK/clean2.db" --count -- "$q" 2>&1)
    expect_eq "talaash --count '$q' as on the clean database" "$a" "$b"
done

printf '# figures: %d kills survived (%d runs killed in all); generate %d ms, clean run %d ms, update run %d ms\n' \
    "$survived" "$kills" "$gen_ms" "$clean_ms" "$update_ms"
finish
