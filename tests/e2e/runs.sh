# runs.sh - what talaash-index does across runs: changed topic rules,
# --rehash, the progress line on a terminal, a SQLite without FTS5, and
# what `meson install` puts in place.
. "$E2E_LIB"

DB="$WORK/runs.db"
topics_of() {   # topics_of DB: every rule and passage topic, by path
    sqlite3 "$1" "SELECT a.path, t.name, at.source, at.matches FROM article_topics at JOIN topics t ON t.id = at.topic_id JOIN articles a ON a.id = at.article_id ORDER BY 1, 2;
                  SELECT a.path, p.ordinal, t.name, pt.matches FROM passage_topics pt JOIN topics t ON t.id = pt.topic_id JOIN passages p ON p.id = pt.passage_id JOIN articles a ON a.id = p.article_id ORDER BY 1, 2, 3"
}

# ---- changed topic rules: the stored articles are tagged again --------
cat > "$WORK/rules.txt" <<'EOF'
# our own rules for this test: one topic the defaults have, one they lack
min_matches = 1
[Haqqani]
Haqqani
[Taliban]
Taliban
EOF
run "$TALAASH_INDEX" --db "$DB" "$SEEDS"
expect_rc "index the seeds with the built-in rules" 0
defaults=$(topics_of "$DB")
run "$TALAASH_INDEX" --db "$WORK/fresh.db" --topics "$WORK/rules.txt" "$SEEDS"
expect_rc "index them afresh with other rules" 0
fresh=$(topics_of "$WORK/fresh.db")
[ "$fresh" != "$defaults" ] && ok "the two rule sets tag differently" || fail "the test rules tag as the defaults do"

run "$TALAASH_INDEX" --db "$DB" --topics "$WORK/rules.txt" "$SEEDS"
expect_rc "the first database, run with the other rules" 0
expect_match "says the rules changed and tags the stored articles again" "$err" \
    "^talaash-index: the topic rules changed: tagged 5 stored articles again$"
expect_eq "its topics are exactly those of a fresh index with the new rules" "$(topics_of "$DB")" "$fresh"
run "$TALAASH" --db "$DB" --count --topic taliban
expect_match "the new topic filters" "$out" "^[1-9][0-9]* passages? in 5 articles"
sum=$(cksum < "$DB")
run "$TALAASH_INDEX" --db "$DB" --topics "$WORK/rules.txt" "$SEEDS"
expect_match "the same rules again: nothing changed" "$err" "nothing changed: 5 articles already up to date"
expect_eq "and nothing is written" "$(cksum < "$DB")" "$sum"
{ printf '# the same rules, laid out and inflected otherwise\n\nmin_matches=1\n\n[Haqqani]\nHaqqanis\n\n[Taliban]\nTALIBAN\n'; } > "$WORK/same.txt"
run "$TALAASH_INDEX" --db "$DB" --topics "$WORK/same.txt" "$SEEDS"
expect_match "rules that differ only in layout and inflection are the same rules" "$err" "nothing changed"
run "$TALAASH_INDEX" --db "$DB" "$SEEDS"
expect_match "back to the built-in rules: tagged again" "$err" "the topic rules changed: tagged 5 stored articles again"
expect_eq "and the topics are those of the first run" "$(topics_of "$DB")" "$defaults"
run "$TALAASH_INDEX" --db "$WORK/dry.db" --dry-run --topics "$WORK/rules.txt" "$SEEDS"
[ ! -e "$WORK/dry.db" ] && ok "--dry-run writes no database" || fail "--dry-run made $WORK/dry.db"

# ---- --rehash: an edit that kept the size and the modification time ---
mkdir -p "$WORK/notes"
printf 'Harbour Notes\n\nThe ferry to Gwadar left at dawn with the morning mail.\n' > "$WORK/notes/ferry.txt"
run "$TALAASH_INDEX" --db "$WORK/notes.db" "$WORK/notes"
expect_rc "index a note" 0
sed -i 's/Gwadar/Pasnix/' "$WORK/notes/ferry.txt"
touch -d '2020-01-02 03:04:05' "$WORK/notes/ferry.txt"
sqlite3 "$WORK/notes.db" "UPDATE articles SET mtime_ns = $(stat -c %Y "$WORK/notes/ferry.txt")000000000"
run "$TALAASH_INDEX" --db "$WORK/notes.db" "$WORK/notes"
expect_match "without --rehash, same size and time: taken as unchanged (documented)" "$err" "nothing changed"
run "$TALAASH_INDEX" --db "$WORK/notes.db" --rehash "$WORK/notes"
expect_rc "--rehash" 0
expect_match "--rehash reads it and finds the edit" "$err" "^talaash-index: indexed 1 article \(1 passage\)"
run "$TALAASH" --db "$WORK/notes.db" --count pasnix
expect_match "the new word is found" "$out" "^1 passage in 1 article"
run "$TALAASH_INDEX" --db "$WORK/notes.db" --rehash "$WORK/notes"
expect_match "--rehash on unchanged contents changes nothing" "$err" "nothing changed: 1 article already up to date"

# ---- --dry-run --explain names what HTML parsing left out --------------
run "$TALAASH_INDEX" --dry-run --explain "$TESTDATA/formats/water-talks.html"
expect_rc "--dry-run --explain on an HTML page" 0
expect_match "names the navigation bar around the article" "$out" \
    "^dropped \[outside-root\] <nav> element, bytes [0-9]+-[0-9]+$"
expect_match "and the aside inside it, with its rule" "$out" \
    "^dropped \[markup\] <aside> element, bytes [0-9]+-[0-9]+$"

# ---- the progress line, on a terminal ---------------------------------
if command -v script >/dev/null 2>&1; then
    run script -qec "'$TALAASH_INDEX' --db '$WORK/tty.db' '$SEEDS'" /dev/null
    expect_match "on a terminal, a progress line: files, MB, rate, ETA" "$out" \
        "talaash-index: [0-9]+/5 files, [0-9.]+ MB, [0-9.]+ MB/s, ETA [0-9]+ s"
    expect_match "then the summary" "$out" "indexed 5 articles"
    run script -qec "'$TALAASH_INDEX' --quiet --db '$WORK/tty2.db' '$SEEDS'" /dev/null
    expect_eq "--quiet: no progress line, no summary" "$out" ""
else
    ok "SKIP: no script(1) for a terminal"
fi

# ---- a SQLite without FTS5 ---------------------------------------------
if command -v cc >/dev/null 2>&1; then
    cat > "$WORK/nofts5.c" <<'EOF'
/* Makes "SELECT fts5(?1)" fail, as in a SQLite built without FTS5. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <sqlite3.h>
int
sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st,
                   const char **tail)
{
    static int (*real)(sqlite3 *, const char *, int, sqlite3_stmt **,
                       const char **);
    if (strncmp(sql, "SELECT fts5(", 12) == 0) {
        *st = NULL;
        return SQLITE_ERROR;
    }
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "sqlite3_prepare_v2");
    return real(db, sql, n, st, tail);
}
EOF
    if cc -shared -fPIC -o "$WORK/nofts5.so" "$WORK/nofts5.c" -ldl 2>"$WORK/cc.err"; then
        pre=$(ldd "$TALAASH_INDEX" 2>/dev/null | awk '/lib(asan|ubsan|tsan)\.so/ { print $3 }' | paste -sd: -)
        shim="${pre:+$pre:}$WORK/nofts5.so"
        run env LD_PRELOAD="$shim" "$TALAASH_INDEX" --db "$WORK/nofts.db" "$SEEDS"
        expect_rc "talaash-index with a SQLite without FTS5" 2
        expect_match "says so in one line, and what to install" "$err" \
            "^talaash-index: this SQLite \([0-9.]+\) was built without FTS5; install a libsqlite3 with FTS5"
        expect_eq "and leaves no database file behind" "$(ls "$WORK"/nofts.db* 2>/dev/null)" ""
        case $(ldd "$TALAASH" 2>&1) in
            *"statically linked"* | *"not a dynamic executable"*) static=1 ;;
            *) static=0 ;;
        esac
        if [ "$static" = 0 ]; then
            run env LD_PRELOAD="$shim" "$TALAASH" --db "$DB" haqqani
            expect_rc "talaash with a SQLite without FTS5" 2
            expect_match "says so too" "$err" "^talaash: this SQLite \([0-9.]+\) was built without FTS5"
        else
            # meson.build links talaash statically only with a SQLite
            # that has FTS5 (its probe creates an FTS5 table)
            ok "SKIP: talaash is statically linked; its SQLite has FTS5"
        fi
    else
        fail "could not build the no-FTS5 shim" "$(cat "$WORK/cc.err")"
    fi
else
    ok "SKIP: no C compiler for the no-FTS5 shim"
fi

# ---- the bulk path: a run that adds many articles (docs/bulk-index.md) --
# Over 1,000 new files, talaash-index writes their index as FTS5 segments
# of its own; the answers are those of FTS5's own writes, FTS5 vouches
# for the index, and later runs (FTS5's way) go on from it.
GEN="$(dirname "$E2E_LIB")/gen-articles.py"
python3 "$GEN" --seed 11 --count 1200 "$WORK/bulk"
cp -r "$SEEDS" "$WORK/bulk/seeds"
sql_fts() { local db=$1; shift; sqlite_shell "$db" ".load $TALAASH_EXT" "$@" 2>&1; }
answers() {     # answers DB: what a few searches return
    for q in haqqani 'kashmir valley' '"the network"' 'pakist*' 'NEAR(afghan taliban, 5)'; do
        "$TALAASH" --db "$1" --format json --limit 40 -- "$q"
        "$TALAASH" --db "$1" --count --exhaustive -- "$q"
    done
}
run "$TALAASH_INDEX" --db "$WORK/bulk.db" "$WORK/bulk"
expect_rc "index 1,205 new articles (the bulk path)" 0
run env TALAASH_BULK=0 "$TALAASH_INDEX" --db "$WORK/rows.db" "$WORK/bulk"
expect_rc "the same through FTS5, a row at a time" 0
expect_eq "FTS5's integrity check passes on the bulk-written index" \
    "$(sql_fts "$WORK/bulk.db" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")" ""
expect_eq "the averages record is the one FTS5 writes" \
    "$(sqlite3 "$WORK/bulk.db" "SELECT hex(block) FROM passages_fts_data WHERE id = 1")" \
    "$(sqlite3 "$WORK/rows.db" "SELECT hex(block) FROM passages_fts_data WHERE id = 1")"
bulk_answers=$(answers "$WORK/bulk.db")
expect_eq "and every search answers the same" "$bulk_answers" "$(answers "$WORK/rows.db")"
expect_match "(the searches find something)" "$bulk_answers" '"rank":1,"score"'
# (the bulk run's impact lists are made from its inverters as it writes
# the index, the row run's read back from FTS5's pages: the same bytes)
written() {     # written DB: the lengths, impact lists, vocabulary, spans
    sqlite3 "$1" "SELECT count(*), sum(length(lens)) FROM passage_lengths;
        SELECT term, df, cutoff, hex(list), adf FROM impacts ORDER BY term;
        SELECT count(*), sum(df), max(df) FROM terms;
        SELECT hex(spans) FROM article_spans" 2>&1
}
bulk_written=$(written "$WORK/bulk.db")
expect_eq "the lengths, impact lists, vocabulary and spans are the same too" \
    "$bulk_written" "$(written "$WORK/rows.db")"
expect_match "(impact lists were made)" "$bulk_written" '^the[|][0-9]+[|]'
expect_no_match "(and every query of it ran)" "$bulk_written" 'Error|error'
# in batches: a segment each, merged at the end by our own merge, whose
# rows the impact lists are made from as it goes (lib/impact_merged.h)
run "$TALAASH_INDEX" --batch 300 --db "$WORK/bulk4.db" "$WORK/bulk"
expect_rc "the bulk path in batches of 300" 0
expect_eq "its lengths, impact lists, vocabulary and spans are the same" \
    "$(written "$WORK/bulk4.db")" "$(written "$WORK/rows.db")"
expect_eq "its answers are the same" "$(answers "$WORK/bulk4.db")" "$bulk_answers"
# while a batch is written, the workers read the next one's first files
# into a second set of inverters (docs/bulk-index.md, "The next batch
# ahead"); a file skipped leaves its batch one article short
cp -r "$WORK/bulk" "$WORK/bulk5"
python3 -c "print('<div>' * 10001 + 'deep')" > "$WORK/bulk5/d01/a00150-deep.html"
run "$TALAASH_INDEX" --jobs 3 --batch 250 --db "$WORK/bulk5.db" "$WORK/bulk5"
expect_rc "batches of 250 on three workers, a file skipped" 1
expect_match "the skipped file is named" "$err" "skipped '.*a00150-deep\.html': HTML nested"
expect_match "and the rest indexed" "$err" "indexed 1205 articles"
expect_eq "the lengths, impact lists, vocabulary and spans are the same" \
    "$(written "$WORK/bulk5.db")" "$(written "$WORK/rows.db")"
expect_eq "the answers are the same (but for the folder)" \
    "$(answers "$WORK/bulk5.db" | sed 's#/bulk5/#/bulk/#g')" "$bulk_answers"
# a later run, FTS5's way: an edit, a new file, a removal
printf 'Bulk Notes\n\nThe okapi crossed the Khyber with the quagga.\n' > "$WORK/bulk/okapi.txt"
printf 'An edited note\n\nZebras now, and the Haqqani network again.\n' > "$WORK/bulk/d00/a00000.txt"
rm "$WORK/bulk/d01/a00001.txt"
run "$TALAASH_INDEX" --db "$WORK/bulk.db" --prune "$WORK/bulk"
expect_rc "a later run over the bulk-written index" 0
expect_match "adds, replaces and forgets" "$err" "indexed 2 articles.* 1 removed"
expect_eq "FTS5's integrity check still passes" \
    "$(sql_fts "$WORK/bulk.db" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")" ""
run "$TALAASH" --db "$WORK/bulk.db" --count okapi OR zebra
expect_match "the new words are found" "$out" "^2 passages in 2 articles"

# ---- meson install ------------------------------------------------------
if [ -n "${BUILD_ROOT:-}" ] && command -v meson >/dev/null 2>&1; then
    run meson install -C "$BUILD_ROOT" --no-rebuild --quiet --destdir "$WORK/inst"
    expect_rc "meson install into a staging folder" 0
    for f in bin/talaash bin/talaash-index share/man/man1/talaash.1 share/man/man1/talaash-index.1; do
        found=$(find "$WORK/inst" -path "*/$f" | head -1)
        [ -n "$found" ] && ok "installs $f" || fail "meson install did not install $f"
    done
    man1=$(find "$WORK/inst" -path '*/man1/talaash.1' | head -1)
    if [ -n "$man1" ] && command -v groff >/dev/null 2>&1; then
        expect_eq "talaash(1) renders without groff warnings" "$(groff -man -Tutf8 -ww -z "$man1" 2>&1)" ""
    fi
else
    ok "SKIP: no BUILD_ROOT (run through meson test)"
fi

finish
