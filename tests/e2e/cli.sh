# cli.sh - options, help, exit codes and messages of both programs.
. "$E2E_LIB"

DB="$WORK/cli.db"

for prog in "$TALAASH" "$TALAASH_INDEX"; do
    name=$(basename "$prog")
    run "$prog" --help
    expect_rc "$name --help" 0
    expect_match "$name --help prints usage on stdout" "$out" "^Usage: $name "
    expect_eq "$name --help prints nothing on stderr" "$err" ""
    run "$prog" -h
    expect_rc "$name -h" 0
    run "$prog" --version
    expect_rc "$name --version" 0
    expect_match "$name --version names the program" "$out" "^$name [0-9]+\.[0-9]+\.[0-9]+"
    run "$prog" --no-such-option
    expect_rc "$name with an unknown option" 2
    expect_match "$name names the unknown option" "$err" "^$name: unknown option '--no-such-option'"
    expect_match "$name points to --help" "$err" "^Try '$name --help' for more information\.$"
    expect_eq "$name misuse prints nothing on stdout" "$out" ""
    run "$prog"
    expect_rc "$name with no arguments" 2
done

run "$TALAASH_INDEX" --db "$DB" "$TESTDATA/mini"
expect_rc "index the mini corpus" 0
expect_match "three articles indexed" "$err" 'indexed 3 articles'

run "$TALAASH" --db "$DB" --color=never lighthouse
expect_rc "a word in the file with no blank lines" 0
expect_eq "each line is its own passage" "$(printf '%s\n' "$out" | grep -Eo '#[0-9]+$' | sort | tr '\n' ' ')" "#2 #3 "
expect_match "paths under the working folder are shown as given" "$out" "single-lines\.txt#3$"

run "$TALAASH" --db "$DB" --color=never harbour
expect_rc "harbour" 0
expect_match "a title is shown" "$out" '^[0-9]\. Monsoon Trade Routes$'
expect_no_match "no colour codes when stdout is not a terminal" "$out" $'\033'

run "$TALAASH" --db "$DB" apricot
expect_rc "markdown body is searchable" 0
expect_match "front matter gives the title" "$out" '^1\. Orchard notes$'
run "$TALAASH" --db "$DB" title
expect_rc "front matter is not indexed" 1

run "$TALAASH" --db "$DB" --color=always apricots
expect_match "--color=always highlights the stemmed match" "$out" $'\033\\[1;31mapricot\033\\[0m'
NO_COLOR=1 run "$TALAASH" --db "$DB" --color=always apricots
expect_match "--color=always wins over NO_COLOR" "$out" $'\033\\['

# on a terminal (script(1) gives one): colour by default, unless NO_COLOR
# or TERM=dumb says otherwise, or --color=never
if command -v script >/dev/null; then
    on_tty() { out=$(script -qec "$1" /dev/null | tr -d '\r'); }
    on_tty "'$TALAASH' --db '$DB' apricots"
    expect_match "auto: a terminal gets colour" "$out" $'\033\\[1;31mapricot\033\\[0m'
    expect_match "... and still the text" "$out" '^1\. .*Orchard notes'
    on_tty "NO_COLOR=1 '$TALAASH' --db '$DB' apricots"
    expect_match "NO_COLOR on a terminal: the text" "$out" '^1\. Orchard notes$'
    expect_no_match "NO_COLOR on a terminal: no colour" "$out" $'\033'
    on_tty "NO_COLOR= '$TALAASH' --db '$DB' apricots"
    expect_match "an empty NO_COLOR does not count" "$out" $'\033\\['
    on_tty "TERM=dumb '$TALAASH' --db '$DB' apricots"
    expect_no_match "TERM=dumb: no colour" "$out" $'\033'
    on_tty "'$TALAASH' --db '$DB' --color=never apricots"
    expect_no_match "--color=never on a terminal: no colour" "$out" $'\033'
fi

run "$TALAASH" --db "$DB" zebra
expect_rc "no match" 1
expect_eq "no match prints nothing" "$out" ""

run "$TALAASH" --db "$DB" harbour lighthouse
expect_rc "words are AND-ed" 0
expect_eq "both words in one passage" "$(printf '%s\n' "$out" | grep -c '^[0-9]*\. ')" 1

run "$TALAASH" --db "$DB" "'" '--' '!!'
expect_rc "a query of punctuation only" 2
expect_match "says there is nothing to search for" "$err" '^talaash: query position [0-9]+: nothing to search for'
expect_one_line "the punctuation error" "$err"
run "$TALAASH" --db "$DB" '"'
expect_rc "a lone quote" 2
expect_match "points at the quote" "$err" '^talaash: query position 1: unclosed quote'
expect_one_line "the quote error" "$err"

run "$TALAASH" --db "$DB" "'; DROP TABLE articles; --"
run "$TALAASH" --db "$DB" harbour
expect_rc "SQL-looking input changed nothing" 0

for bad in 0 -1 abc 99999999999 ''; do
    run "$TALAASH" --db "$DB" --limit "$bad" harbour
    expect_rc "--limit '$bad' is refused" 2
    expect_match "--limit '$bad' says what it wants" "$err" "^talaash: bad --limit '$bad' \(want a whole number"
done
run "$TALAASH" --db "$DB" --color=sometimes harbour
expect_rc "bad --color" 2

run "$TALAASH" --db "$WORK/none/missing.db" harbour
expect_rc "a missing database" 2
expect_match "says how to build one" "$err" "^talaash: no database at '.*missing.db'; build one with: talaash-index"
expect_one_line "the missing-database error" "$err"
[ ! -e "$WORK/none" ] && ok "the query tool creates no folder" || fail "the query tool created a folder"

# which database: --db, else $TALAASH_DB, else $XDG_DATA_HOME, else ~/.local/share
TALAASH_DB="$WORK/env.db" run "$TALAASH_INDEX" "$TESTDATA/mini"
expect_rc "index into \$TALAASH_DB" 0
[ -f "$WORK/env.db" ] && ok "\$TALAASH_DB is used" || fail "\$TALAASH_DB is not used"
TALAASH_DB="$WORK/env.db" run "$TALAASH" harbour
expect_rc "query \$TALAASH_DB" 0
XDG_DATA_HOME="$WORK/xdg" run "$TALAASH_INDEX" "$TESTDATA/mini"
expect_rc "index into \$XDG_DATA_HOME" 0
[ -f "$WORK/xdg/talaash/talaash.db" ] && ok "\$XDG_DATA_HOME/talaash/talaash.db is created" || fail "no database under \$XDG_DATA_HOME"
run "$TALAASH_INDEX" "$TESTDATA/mini"
expect_rc "index into the default place" 0
[ -f "$HOME/.local/share/talaash/talaash.db" ] && ok "~/.local/share/talaash/talaash.db is created" || fail "no database under ~/.local/share"
run "$TALAASH" harbour
expect_rc "query the default database" 0
TALAASH_DB="$WORK/env.db" run "$TALAASH" --db "$WORK/nothing.db" harbour
expect_rc "--db wins over \$TALAASH_DB" 2

# indexing: files named explicitly, skipped files, exit 1
printf '' > "$WORK/empty.txt"
printf 'bin\000ary' > "$WORK/binary.txt"
printf 'not an article' > "$WORK/notes.pdf"
run "$TALAASH_INDEX" --db "$WORK/skip.db" "$WORK/empty.txt" "$WORK/binary.txt" "$WORK/notes.pdf" "$WORK/absent.txt" "$TESTDATA/mini/monsoon-trade.txt"
expect_rc "some files skipped" 1
expect_match "the empty file is named" "$err" "^talaash-index: warning: skipped '.*empty\.txt': empty file$"
expect_match "the binary file is named" "$err" "^talaash-index: warning: skipped '.*binary\.txt': binary file"
expect_match "the unsupported file is named" "$err" "^talaash-index: warning: skipped '.*notes\.pdf': not a \.txt, \.md or \.html file$"
expect_match "the missing file is named" "$err" "^talaash-index: warning: skipped '.*absent\.txt': No such file"
expect_match "the rest is indexed" "$err" "indexed 1 article .* 4 skipped"
run "$TALAASH" --db "$WORK/skip.db" harbour
expect_rc "the good file is searchable" 0
run "$TALAASH_INDEX" -q --db "$WORK/skip.db" "$TESTDATA/mini"
expect_rc "--quiet" 0
expect_eq "--quiet prints no summary" "$err" ""

finish
