#!/bin/bash
# topk.sh - answers from the impact lists (docs/topk.md) equal the
# exhaustive search's, byte for byte (JSON prints scores to 17 digits),
# and the lists are used where they apply: on 2,500 generated articles,
# every listed word under several option sets, then after an update.
. "$E2E_LIB"
GEN="$(dirname "$E2E_LIB")/gen-articles.py"
ART="$WORK/art"
DB="$WORK/t.db"

python3 "$GEN" --seed 3 --count 2500 "$ART" >/dev/null
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
expect_rc "index 2,500 articles" 0
n_lists=$(sqlite3 "$DB" "SELECT count(*) FROM impacts")
[ "$n_lists" -gt 20 ] && ok "the index run made impact lists ($n_lists words)" \
    || fail "only $n_lists impact lists"
expect_eq "the lists fit the index as it is" \
    "$(sqlite3 "$DB" "SELECT rows FROM impact_state")" "$(sqlite3 "$DB" "SELECT count(*) FROM passages")"

# the vocabulary saved for "did you mean" is FTS5's
expect_eq "the saved vocabulary is the index's" \
    "$(sqlite_shell "$DB" "SELECT count(*) FROM terms")" \
    "$(sqlite_shell "$DB" ".load $TALAASH_EXT" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, passages_fts, row); SELECT count(*) FROM temp.v")"
run "$TALAASH" --db "$DB" harbuor
expect_match "did you mean, from the saved vocabulary" "$err" "did you mean: harbour"

# words: every listed one but the stopwords (30 at most: time)
words=$(sqlite3 "$DB" "SELECT term FROM impacts WHERE term NOT IN ('the', 'a', 'an', 'in', 'of', 'to', 'and', 'for', 'that', 'from', 'after', 'befor', 'still') ORDER BY df DESC LIMIT 30")

# compare OPTIONS...: every word, both ways; sets $same, $fast, $total
compare() {
    same=0; fast=0; total=0; diffs=""
    for w in $words; do
        total=$((total + 1))
        a=$("$TALAASH" --db "$DB" --format json "$@" -- "$w" 2>&1); ra=$?
        b=$("$TALAASH" --db "$DB" --format json --exhaustive "$@" -- "$w" 2>&1); rb=$?
        if [ "$a" = "$b" ] && [ "$ra" = "$rb" ]; then same=$((same + 1)); else diffs="$diffs $w"; fi
        "$TALAASH" --db "$DB" --color=never --explain "$@" -- "$w" 2>/dev/null \
            | grep -q '^explain: ranked from the impact lists' && fast=$((fast + 1))
    done
}

for opts in "-n 10" "-n 100" "--per-article 1 -n 20" "--per-article 0 -n 30" "--offset 15 -n 5"; do
    compare $opts
    expect_eq "$opts: every word ranks the same from the lists as exhaustively" "$same of $total" "$total of $total"
    [ -z "$diffs" ] || fail "$opts: differs for" "$diffs"
    [ "$fast" -ge $((total * 9 / 10)) ] && ok "$opts: the lists answered $fast of $total" \
        || fail "$opts: the lists answered only $fast of $total"
done

# queries the lists cannot answer are ranked by scoring every match in
# C: the same as the SQL, for every shape and option set
for q in 'flood OR audit' 'flood audit' '"flood audit"' 'harb*' 'NEAR(flood audit, 3)' \
         'census -grain' 'title:harbour' '(flood OR audit) water' 'date:2001 harbour'; do
    for opts in "-n 10" "--per-article 1 -n 40" "--offset 7 -n 9" "--any"; do
        a=$("$TALAASH" --db "$DB" --format json $opts -- "$q" 2>&1)
        b=$("$TALAASH" --db "$DB" --format json --exhaustive $opts -- "$q" 2>&1)
        expect_eq "'$q' $opts: the same as the SQL" "$a" "$b"
    done
    run "$TALAASH" --db "$DB" --color=never --explain -- "$q"
    if [ "$q" = 'flood OR audit' ]; then
        # an OR of two words whose passages with both outscore either
        # word alone (lib/topk_or.c): answered from those
        expect_match "'$q': from the passages with both words" "$out" \
            '^explain: ranked the passages with both words'
    elif [ "$q" = 'census -grain' ]; then
        # a listed word without another: its list minus the passages
        # holding the other (lib/topk_not.c)
        expect_match "'$q': from the word's list" "$out" \
            '^explain: ranked from the impact lists'
    else
        expect_match "'$q': every match scored" "$out" '^explain: every matching passage scored'
    fi
done

# a long scan through FTS5's cursor split between two threads, each on
# its own connection (lib/scan_part.c): the same bytes as one thread and
# as the SQL (TALAASH_SCAN_SPLIT: after 256 rows, this corpus being
# small; TALAASH_NO_PAGE_READER: FTS5's cursor, not lib/fts5_scan.c)
q='grain OR harbour OR census'
export TALAASH_NO_PAGE_READER=1
for opts in "-n 10" "--per-article 1 -n 40" "--offset 7 -n 9" "--since 2001 -n 20" "-n 300"; do
    a=$(TALAASH_SCAN_SPLIT=256 TALAASH_SCAN_THREADS=2 "$TALAASH" --db "$DB" --format json $opts -- "$q" 2>&1)
    b=$(TALAASH_SCAN_SPLIT=256 TALAASH_SCAN_THREADS=1 "$TALAASH" --db "$DB" --format json $opts -- "$q" 2>&1)
    c=$("$TALAASH" --db "$DB" --format json --exhaustive $opts -- "$q" 2>&1)
    expect_eq "'$q' $opts: two threads as one" "$a" "$b"
    expect_eq "'$q' $opts: two threads as the SQL" "$a" "$c"
done
run env TALAASH_SCAN_SPLIT=256 TALAASH_SCAN_THREADS=2 "$TALAASH" --db "$DB" --color=never --explain -- "$q"
expect_match "'$q': a second thread scored part of the matches" "$out" \
    '^explain: 1 more thread scored part of the matches'
run env TALAASH_SCAN_SPLIT=256 TALAASH_SCAN_THREADS=1 "$TALAASH" --db "$DB" --color=never --explain -- "$q"
expect_no_match "TALAASH_SCAN_THREADS=1: one thread" "$out" 'more thread'
run env TALAASH_SCAN_SPLIT=256 TALAASH_SCAN_THREADS=2 "$TALAASH" --db "$DB" --color=never --explain -- 'harb*'
expect_no_match "a prefix is not split (FTS5 would merge its words again)" "$out" 'more thread'
unset TALAASH_NO_PAGE_READER

# the scans read FTS5's pages themselves (lib/fts5_scan.c): every shape
# they take, against FTS5's cursor (TALAASH_NO_PAGE_READER) and the SQL,
# byte for byte; shapes they leave to FTS5 say nothing of pages
paged_shapes() {
    for q in '"flood audit"' 'harb*' 'flood OR audit OR grain' '(flood OR audit) water' \
             '"the harbour" OR census' 'grain -"flood audit"' 'flood flood audit' \
             'audit NOT (grain OR census)' '"a ""quoted"" word" OR flood' 'the OR a'; do
        for opts in "-n 10" "--per-article 1 -n 40" "--offset 7 -n 9" "--any" "-n 300"; do
            a=$("$TALAASH" --db "$DB" --format json $opts -- "$q" 2>&1)
            b=$(TALAASH_NO_PAGE_READER=1 "$TALAASH" --db "$DB" --format json $opts -- "$q" 2>&1)
            c=$("$TALAASH" --db "$DB" --format json --exhaustive $opts -- "$q" 2>&1)
            expect_eq "$1: '$q' $opts: pages as FTS5's cursor" "$a" "$b"
            expect_eq "$1: '$q' $opts: pages as the SQL" "$a" "$c"
        done
    done
    # split between two threads (TALAASH_SCAN_SPLIT: by rows, after 256)
    for q in 'flood OR audit OR grain' '"the harbour" OR census'; do
        for opts in "-n 10" "--per-article 1 -n 40" "-n 300"; do
            a=$(TALAASH_SCAN_SPLIT=256 TALAASH_SCAN_THREADS=2 "$TALAASH" --db "$DB" --format json $opts -- "$q" 2>&1)
            b=$("$TALAASH" --db "$DB" --format json --exhaustive $opts -- "$q" 2>&1)
            expect_eq "$1: '$q' $opts: pages on two threads as the SQL" "$a" "$b"
        done
        run env TALAASH_SCAN_SPLIT=256 TALAASH_SCAN_THREADS=2 "$TALAASH" --db "$DB" --color=never --explain -- "$q"
        expect_match "$1: '$q': a second thread read part of the pages" "$out" '^explain: 1 more thread scored'
    done
    run "$TALAASH" --db "$DB" --color=never --explain -- '(flood OR audit) water'
    expect_match "$1: read from the pages" "$out" '^explain: the matches read from the full-text index.s pages'
    run env TALAASH_NO_PAGE_READER=1 "$TALAASH" --db "$DB" --color=never --explain -- '(flood OR audit) water'
    expect_no_match "$1: TALAASH_NO_PAGE_READER: through FTS5" "$out" 'pages'
    for q in 'NEAR(flood audit, 3)' 'title:harbour' 'harb* audit'; do
        run "$TALAASH" --db "$DB" --color=never --explain -- "$q"
        expect_no_match "$1: '$q' is left to FTS5" "$out" 'pages'
    done
}
paged_shapes "one segment"

# counts: from the article spans (lib/spans.c), the same as the SQL's
# join, with and without filters
compare_counts() {
    for q in $(printf '%s\n' $words | head -4) 'flood OR audit' '"the harbour"' 'harb*' 'zzyzxquay'; do
        for opts in "" "--since 2001 --until 2003" "--since 2001-03-15 --until 2002-06" \
                    "--until 2000-02-03" "--author nobody-at-all" "--undated"; do
            a=$("$TALAASH" --db "$DB" --count $opts -- "$q" 2>&1); ra=$?
            b=$("$TALAASH" --db "$DB" --count --exhaustive $opts -- "$q" 2>&1); rb=$?
            expect_eq "$1: --count $opts '$q': the spans count as the SQL does" "$a (exit $ra)" "$b (exit $rb)"
        done
        for opts in "--facets" "--timeline --format csv" "--facets --format json --since 2001-03-15"; do
            a=$("$TALAASH" --db "$DB" $opts -- "$q" 2>&1); ra=$?
            b=$("$TALAASH" --db "$DB" --exhaustive $opts -- "$q" 2>&1); rb=$?
            expect_eq "$1: $opts '$q': facets from the spans as from the SQL" "$a (exit $ra)" "$b (exit $rb)"
        done
    done
}
expect_eq "the index run mapped the passages to their articles" \
    "$(sqlite3 "$DB" "SELECT rows, max_passage FROM article_spans")" \
    "$(sqlite3 "$DB" "SELECT count(*), max(id) FROM passages")"
compare_counts "first run"

# article lists: from the spans too (lib/articles_scan.c), the SQL's order
for q in $(printf '%s\n' $words | head -3) 'flood OR audit' '"the harbour"' 'harb*'; do
    for opts in "-n 10" "-n 40 --offset 5" "--since 2001 --until 2003 -n 15" "--any -n 12" \
                "--undated -n 5" "--author nobody-at-all"; do
        a=$("$TALAASH" --db "$DB" --articles --format json $opts -- "$q" 2>&1); ra=$?
        b=$("$TALAASH" --db "$DB" --articles --format json --exhaustive $opts -- "$q" 2>&1); rb=$?
        expect_eq "--articles $opts '$q': as the SQL ranks them" "$a (exit $ra)" "$b (exit $rb)"
    done
done
# a map saying every passage is the first article's: --count follows it
# (so the counts above came from the map), --exhaustive does not
blob=$(python3 -c 'import sys
def leb(v):
    out = b""
    while True:
        b = v & 0x7f; v >>= 7
        out += bytes([b | (0x80 if v else 0)])
        if not v: return out
n = int(sys.argv[1]); print((leb(0) + leb(1) + leb(n - 1) + leb(2)).hex())' \
    "$(sqlite3 "$DB" "SELECT max(id) FROM passages")")
sqlite3 "$DB" "UPDATE article_spans SET spans = x'$blob'"
run "$TALAASH" --db "$DB" --count -- 'harbour audit'
expect_match "--count reads the article spans" "$out" ' in 1 article$'
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
sqlite3 "$DB" "DELETE FROM article_spans"
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
expect_eq "a run with nothing to index makes a missing map" \
    "$(sqlite3 "$DB" "SELECT rows FROM article_spans")" "$(sqlite3 "$DB" "SELECT count(*) FROM passages")"
expect_eq "and --count is right again" "$("$TALAASH" --db "$DB" --count -- harbour)" \
    "$("$TALAASH" --db "$DB" --count --exhaustive -- harbour)"

# one listed word: its counts are read from the impact lists (df, adf)
listed_count=$(sqlite3 "$DB" "SELECT df || ' passages in ' || adf || ' articles' FROM impacts WHERE term = 'harbour'")
run "$TALAASH" --db "$DB" --count -- harbour
expect_eq "--count of one listed word reads its df and adf" "$out" "$listed_count"
expect_eq "which is what the SQL counts" "$out" "$("$TALAASH" --db "$DB" --count --exhaustive -- harbour)"
sqlite3 "$DB" "UPDATE impacts SET adf = adf + 1000 WHERE term = 'harbour'"
run "$TALAASH" --db "$DB" --count -- harbour
expect_match "--count follows the stored article count (so the counts above came from it)" "$out" " in [0-9]{4,} articles$"
run "$TALAASH" --db "$DB" --count --since 2001 -- harbour
expect_eq "a filtered --count does not use it" "$out" "$("$TALAASH" --db "$DB" --count --exhaustive --since 2001 -- harbour)"
sqlite3 "$DB" "UPDATE impacts SET adf = NULL WHERE term = 'harbour'"
expect_eq "an unknown article count is counted" "$("$TALAASH" --db "$DB" --count -- harbour)" \
    "$("$TALAASH" --db "$DB" --count --exhaustive -- harbour)"
# the lists rebuilt: the article counts are right again
sqlite3 "$DB" "UPDATE impact_state SET rows = -1"
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
expect_eq "a rebuild counts the articles again" "$("$TALAASH" --db "$DB" --count -- harbour)" "$listed_count"

# the packed passage lengths (lib/lengths.c) cover the index after a run,
# and the scans above read them: lengths 7 tokens too long change the
# scores, --exhaustive (FTS5's own lengths) does not follow them
expect_eq "the index run packed every passage's lengths" \
    "$(sqlite3 "$DB" "SELECT covered, dirty FROM passage_lengths_state")" \
    "$(sqlite3 "$DB" "SELECT max(id) FROM passages")|0"
lens_of() { "$TALAASH" --db "$DB" --format json "$@" -- 'flood audit' 2>&1; }
before=$(lens_of)
sqlite3 "$DB" "SELECT chunk, hex(lens) FROM passage_lengths" | python3 -c 'import sys
for line in sys.stdin:
    c, h = line.strip().split("|")
    b = bytearray.fromhex(h)
    for i in range(0, len(b), 4):
        if any(b[i:i + 4]): b[i] += 7
    print("UPDATE passage_lengths SET lens = x\x27%s\x27 WHERE chunk = %s;" % (b.hex(), c))' \
    | sqlite3 "$DB"
[ "$(lens_of)" != "$before" ] && ok "the scan scores with the packed lengths" \
    || fail "longer packed lengths left the scores as they were"
expect_eq "--exhaustive scores with FTS5's" "$(lens_of --exhaustive)" "$before"
sqlite3 "$DB" "DELETE FROM passage_lengths; UPDATE passage_lengths_state SET covered = 0"
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
expect_eq "a run with nothing to index packs them again" "$(lens_of)" "$before"

# sorted by date: the walk over the articles in date order gives the
# SQL's answer (dates, undated last, score, passage id, the cap)
dated=$(sqlite3 "$DB" "SELECT count(*) FROM articles WHERE pub_date IS NOT NULL")
[ "$dated" -gt 100 ] && ok "the generated articles have dates ($dated)" || fail "only $dated dated articles"
common=$(printf '%s\n' $words | head -6)
# date_sorts DB LABEL OPTIONS...: every common word and three other
# expressions, sorted under each OPTIONS string, equal to the SQL's
# answer byte for byte; sets $walked (answered without the SQL), $tried
date_sorts() {
    local db=$1 label=$2 w opts a b ra rb
    shift 2
    walked=0; tried=0
    for w in $common 'harbour OR audit' '"the harbour"' 'harb*'; do
        for opts in "$@"; do
            a=$("$TALAASH" --db "$db" --format json $opts -- "$w" 2>&1); ra=$?
            b=$("$TALAASH" --db "$db" --format json --exhaustive $opts -- "$w" 2>&1); rb=$?
            expect_eq "$label'$w' $opts: the SQL's hits" "$a (exit $ra)" "$b (exit $rb)"
            tried=$((tried + 1))
            "$TALAASH" --db "$db" --color=never --explain $opts -- "$w" 2>/dev/null \
                | grep -q '^explain: walked the articles by date' && walked=$((walked + 1))
        done
    done
}
date_sorts "$DB" "" "--sort=-date -n 10" "--sort=date -n 10" "--sort=-date --per-article 1 -n 30" \
    "--sort=-date --per-article 0 -n 25" "--sort=date --offset 12 -n 6" \
    "--sort=-date --since 2001 --until 2003 -n 10"
[ "$walked" -ge $((tried / 2)) ] && ok "the date walk answered $walked of $tried" \
    || fail "the date walk answered only $walked of $tried"
run "$TALAASH" --db "$DB" --color=never --explain --sort=-date zzyzxquay
expect_match "a word with no match is not walked" "$out$err" 'no match'

# an archive with few dates or none: once the dated articles are read,
# the undated come next by score, which the ranked top-k answers (with
# "undated" added to the filters); a date bound refuses them all
sqlite3 "$DB" "VACUUM INTO '$WORK/few.db'; VACUUM INTO '$WORK/none.db'"
sqlite3 "$WORK/few.db" "UPDATE articles SET pub_date = NULL, date_precision = NULL WHERE id % 25 <> 0"
sqlite3 "$WORK/none.db" "UPDATE articles SET pub_date = NULL, date_precision = NULL"
for db in few none; do
    date_sorts "$WORK/$db.db" "$db dates, " "--sort=-date -n 10" "--sort=date -n 40" \
        "--sort=-date --per-article 1 -n 30" "--sort=date --offset 12 -n 6" \
        "--sort=-date --since 2001 -n 10"
    [ "$walked" -ge $((tried * 3 / 4)) ] && ok "$db dates: the walk and the ranked top-k answered $walked of $tried" \
        || fail "$db dates: the walk answered only $walked of $tried"
done

# an update makes the lists stale; the run refreshes them
for f in "$ART"/d0*/*.txt; do
    printf '\nThe harbour audit was repeated later in the year.\n' >> "$f"
done
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
expect_rc "an update run" 0
expect_eq "the lists fit the updated index" \
    "$(sqlite3 "$DB" "SELECT rows FROM impact_state")" "$(sqlite3 "$DB" "SELECT count(*) FROM passages")"
compare -n 10
expect_eq "after the update: the same from the lists as exhaustively" "$same of $total" "$total of $total"
[ "$fast" -ge $((total * 9 / 10)) ] && ok "after the update the lists answered $fast of $total" \
    || fail "after the update the lists answered only $fast of $total"

# new articles only: the lists are extended, not rebuilt
python3 "$GEN" --seed 4 --count 200 --start 2500 "$ART" >/dev/null
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
expect_rc "a run that adds 200 articles" 0
expect_eq "the lists cover the index" \
    "$(sqlite3 "$DB" "SELECT rows FROM impact_state")" "$(sqlite3 "$DB" "SELECT count(*) FROM passages")"
[ "$(sqlite3 "$DB" "SELECT ref_rows < rows FROM impact_state")" = 1 ] \
    && ok "they were extended with the new passages, not rebuilt" \
    || fail "the lists were rebuilt for an append-only run"
compare -n 10
expect_eq "after adding: the same from the lists as exhaustively" "$same of $total" "$total of $total"
[ "$fast" -ge $((total * 9 / 10)) ] && ok "after adding, the lists answered $fast of $total" \
    || fail "after adding, the lists answered only $fast of $total"

# a few edited articles, one with a new title: the store accounts for
# what it removes, and the lists are kept, not rebuilt
ref_before=$(sqlite3 "$DB" "SELECT ref_rows FROM impact_state")
edited=$(ls "$ART"/d05/*.txt | head -3)
for f in $edited; do
    printf '\nA short closing note about the harbour audit.\n' >> "$f"
done
first=$(printf '%s\n' $edited | head -1)
sed -i '1s/.*/A New Title About Grain Audits/' "$first"
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
expect_rc "a run that edits three articles" 0
expect_eq "the lists were kept, not rebuilt" "$(sqlite3 "$DB" "SELECT ref_rows FROM impact_state")" "$ref_before"
expect_eq "the packed lengths cover the edited index (a new title with new passages)" \
    "$(sqlite3 "$DB" "SELECT covered, dirty FROM passage_lengths_state")" \
    "$(sqlite3 "$DB" "SELECT max(id) FROM passages")|0"
expect_eq "after the edits: 'flood audit' scored with them as the SQL scores it" \
    "$(lens_of)" "$(lens_of --exhaustive)"
expect_eq "and cover the index" \
    "$(sqlite3 "$DB" "SELECT rows FROM impact_state")" "$(sqlite3 "$DB" "SELECT count(*) FROM passages")"
expect_eq "df follows the removals" \
    "$(sqlite3 "$DB" "SELECT df FROM impacts WHERE term = 'harbour'")" \
    "$(sqlite_shell "$DB" ".load $TALAASH_EXT" "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'harbour'")"
compare -n 10
expect_eq "after the edits: the same from the lists as exhaustively" "$same of $total" "$total of $total"

compare_counts "after the edits"

# stale lists (a write that did not refresh them) are never used
sqlite3 "$DB" "UPDATE impact_state SET rows = rows + 1"
run "$TALAASH" --db "$DB" --color=never --explain harbour
expect_match "stale lists are not used" "$out" '^explain: every matching passage scored'
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
run "$TALAASH" --db "$DB" --color=never --explain harbour
expect_match "a run with nothing to index refreshes stale lists" "$out" '^explain: ranked from the impact lists'

# several segments, rows deleted and written again: edits in small runs
# (each a segment of its own, with the old rows' deletions)
for f in $(ls "$ART"/d06/*.txt | head -4); do
    printf '\nflood audit water harbour census\n' >> "$f"
    run "$TALAASH_INDEX" -q --db "$DB" "$ART"
done
rm -f "$(ls "$ART"/d07/*.txt | head -1)"
run "$TALAASH_INDEX" -q --db "$DB" "$ART"
segs=$(sqlite3 "$DB" "SELECT count(DISTINCT segid) FROM passages_fts_idx")
[ "$segs" -gt 1 ] && ok "edits left $segs segments" || fail "edits left $segs segment"
paged_shapes "$segs segments"

finish
