# query.sh - talaash as a user drives it: the query language, filters,
# ranking and grouping, every output format, help when nothing matches,
# and hostile input.
. "$E2E_LIB"

[ -d "$SEEDS" ] || { echo "no seed articles at $SEEDS"; exit 77; }
DB="$WORK/q.db"
run "$TALAASH_INDEX" --db "$DB" "$SEEDS" "$SAMPLES"
expect_rc "index seeds and samples" 0
export TALAASH_DB="$DB"
T() { run "$TALAASH" --color=never "$@"; }
files() { hit_files "$out" | sed 's/_[0-9a-f]*\.txt//g'; }
nhits() { printf '%s\n' "$out" | grep -c '^[0-9]*\. '; }

# --- the query language
T haqqani network
expect_rc "two words" 0
T '"strategic dialogue"'
expect_match "a phrase" "$(files)" "001"
T haqqani OR kashmir --limit 100 --per-article 0
n_or=$(nhits)
T haqqani --limit 100 --per-article 0
n_h=$(nhits)
T kashmir --limit 100 --per-article 0
[ "$n_or" -ge "$n_h" ] && [ "$n_or" -ge "$(nhits)" ] && ok "OR finds at least as much as each word" || fail "OR finds less than a word alone"
texts() { printf '%s\n' "$out" | python3 -c 'import json,sys; print("\n".join(json.loads(l)["text"] + " " + json.loads(l)["title"] for l in sys.stdin))'; }
T haqqani -network --limit 100 --per-article 0 --format json
expect_rc "-word" 0
expect_no_match "-word excludes" "$(texts)" '[Nn]etwork'
T haqqani NOT network --limit 100 --per-article 0 --format json
expect_rc "NOT word" 0
expect_no_match "NOT word excludes" "$(texts)" '[Nn]etwork'
T 'negot*' --limit 1
expect_rc "a prefix" 0
T 'NEAR(haqqani network, 3)'
expect_rc "NEAR" 0
T '(kashmir OR haqqani) pakistan'
expect_rc "parentheses" 0
T China-Pakistan corridor
expect_match "an unquoted hyphenated word is a phrase, and says so" "$err" '^talaash: note: searched China-Pakistan as a phrase'

# --- filters in the query and as options
T author:kugelman --per-article 0 --limit 100 pakistan
expect_eq "author: filter" "$(files)" "002"
T --author KUGEL pakistan
expect_eq "--author is case-insensitive, any part" "$(files)" "002"
T --author kugelman --author yusuf pakistan --limit 100
expect_eq "several --author: any of them" "$(files)" "001 002"
T topic:cpec pakistan --limit 100
expect_match "topic: filter" "$(files)" "004"
T title:dialogue
expect_eq "title: filter" "$(files)" "001"
T date:2018..2019 pakistan --limit 100
expect_eq "date: range" "$(files)" "003 004 cpec-debt-scrutiny.txt f-16-support-package.txt"
T pakistan --since 2019-02-10 --until 2019-03 --limit 100
expect_match "a February 2019 article is inside 2019-02-10..2019-03" "$(files)" "004"
T pakistan --until 2019-01 --limit 100
expect_no_match "... and outside --until 2019-01" "$(files)" "004"
T pakistan --until 2018 --limit 100
expect_match "--until 2018 includes 3 October 2018" "$(files)" "003"
T pakistan --undated --limit 100 --per-article 1
expect_eq "--undated lists the undated" "$(files)" "000 001 002"
T pakistan --topic nosuchtopic
expect_rc "an unknown topic" 2
expect_match "lists the known topics" "$err" "^talaash: unknown topic 'nosuchtopic' \(known: .*CPEC.*\)$"
T pakistan --since 2019-13
expect_rc "a malformed date" 2
expect_match "lists the accepted forms" "$err" "^talaash: bad date '2019-13' in --since \(want YYYY, YYYY-MM or YYYY-MM-DD\)$"

# --- ranking and grouping
T pakistan --limit 50 --per-article 0
all=$(nhits)
T pakistan --limit 50
expect_eq "--per-article 2 by default: no file more than twice" \
    "$(printf '%s\n' "$out" | sed -n 's|^   .*/\([^/#]*\)#[0-9]*$|\1|p' | sort | uniq -c | awk '$1 > 2' | wc -l | tr -d ' ')" 0
T pakistan --limit 3
second=$(printf '%s\n' "$out" | sed -n '/^2\. /,/^$/p' | sed 1d)
T pakistan --limit 3 --offset 1
expect_eq "--offset skips" "$(printf '%s\n' "$out" | sed -n '/^2\. /,/^$/p' | sed 1d)" "$second"
T pakistan --sort -date --per-article 1 --limit 3
expect_rc "--sort -date (a value that starts with a dash)" 0
expect_match "--sort -date: newest first" "$(printf '%s\n' "$out" | sed -n 2p)" '2023'
T pakistan --sort date --per-article 1 --limit 3
expect_match "--sort date: oldest first" "$(printf '%s\n' "$out" | sed -n 2p)" '2017|2018'
expect_match "scores are positive" "$out" 'score [0-9]+\.[0-9]+'

# --- output formats
T haqqani --format csv --limit 5 -o "$WORK/hits.csv"
expect_rc "--format csv --output FILE" 0
expect_eq "nothing on stdout with --output" "$out" ""
T haqqani --format json --limit 5
printf '%s\n' "$out" > "$WORK/hits.jsonl"
cmp=$(python3 - "$WORK/hits.csv" "$WORK/hits.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    raw = f.read()
assert raw.endswith('\r\n'), 'rows end in CRLF'
rows = list(csv.DictReader(raw.splitlines(keepends=True)))
objs = [json.loads(l) for l in open(sys.argv[2], encoding='utf-8')]
assert list(rows[0].keys()) == ['rank', 'score', 'date', 'author', 'title', 'topics', 'path', 'passage', 'snippet'], list(rows[0].keys())
assert len(rows) == len(objs) == 5, (len(rows), len(objs))
for r, o in zip(rows, objs):
    assert set(o) == {'rank', 'score', 'path', 'passage', 'title', 'author', 'date', 'date_precision', 'topics', 'snippet', 'text'}, set(o)
    assert int(r['rank']) == o['rank'] and r['path'] == o['path'], (r, o)
    assert int(r['passage']) == o['passage']
    assert r['title'] == o['title'] and r['author'] == o['author']
    assert r['topics'] == ';'.join(o['topics'])
    assert r['snippet'] == o['snippet'] and '\x02' not in r['snippet']
    assert abs(float(r['score']) - o['score']) < 1e-3
    assert 'haqqani' in o['text'].lower()
print('same')
PY
)
expect_eq "CSV read back by Python's csv module equals the JSON, field by field" "$cmp" "same"
T pakistan --format csv --limit 20
expect_no_match "no escape codes in CSV" "$out" $'\033'
T haqqani --format json --color=always
expect_no_match "no escape codes in JSON" "$out" $'\033'

T haqqani --count
expect_match "--count" "$out" '^[0-9]+ passages? in 6 articles$'
T --articles --limit 100
expect_rc "--articles with no query lists all" 0
expect_eq "all 12 articles" "$(nhits)" 12
T --articles haqqani --format json
expect_eq "--articles haqqani as JSON" "$(printf '%s\n' "$out" | python3 -c 'import json,sys; print(len([json.loads(l) for l in sys.stdin]))')" 6
T --facets pakistan
expect_match "--facets by topic" "$out" '^topics$'
expect_match "--facets by author" "$out" 'Michael Kugelman'
expect_match "--facets by year" "$out" '2019'
T --timeline pakistan
expect_match "--timeline draws bars" "$out" '^2018 +█+ [0-9]+$'
T --timeline --by month pakistan
expect_match "--timeline --by month" "$out" '^2019-02 '
T --kwic haqqani --limit 3
expect_eq "--kwic: one line per occurrence" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3
expect_match "--kwic shows the word in context" "$out" ' Haqqani[s]? .*#[0-9]+$'
T --kwic haqqani --kwic-sort right --format csv
expect_match "--kwic as CSV" "$out" '^left,word,right,path,passage'

# --- colour and snippets
run "$TALAASH" --color=always negotiate --limit 1
expect_match "stemmed matches are highlighted" "$out" $'\033\\[1;31mnegotiat'
NO_COLOR=1 run "$TALAASH" negotiate --limit 1
expect_no_match "NO_COLOR: no colour" "$out" $'\033'
T haqqani --context 8 --limit 1
snip=$(printf '%s\n' "$out" | sed -n 4p)
[ "$(printf '%s' "$snip" | wc -w)" -le 12 ] && ok "--context 8 gives a short snippet" || fail "--context 8 snippet too long" "$snip"

# wrapping to the terminal's width (script(1) gives talaash a terminal)
if command -v script >/dev/null; then
    wrapped=$(TALAASH_DB="$DB" COLUMNS=60 script -qec "stty cols 60; '$TALAASH' --color=never haqqani --limit 2" /dev/null | tr -d '\r')
    widest=$(printf '%s\n' "$wrapped" | python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin if l.startswith("   ") and "·" not in l))')
    [ "$widest" -le 60 ] && ok "snippets wrap to a 60-column terminal (widest $widest)" || fail "snippet lines wider than 60" "$wrapped"
    expect_eq "a snippet continues on indented lines" "$(printf '%s\n' "$wrapped" | sed -n '4,5p' | grep -c '^   [^ ]')" 2
fi

# --synonyms FILE adds groups; --kwic-sort left
T parley
expect_rc "parley is not in the index" 1
printf 'parley = negotiations\n' > "$WORK/syn.txt"
T parley --synonyms "$WORK/syn.txt"
expect_rc "--synonyms FILE adds a group" 0
expect_match "matches through the synonym are highlighted" "$(run "$TALAASH" --color=always parley --synonyms "$WORK/syn.txt" --limit 1; printf '%s' "$out")" $'\033\\[1;31mnegotiat'
printf 'broken line without equals\n' > "$WORK/badsyn.txt"
T parley --synonyms "$WORK/badsyn.txt"
expect_rc "a bad synonyms file" 2
expect_match "names the file and line" "$err" "synonyms file '.*badsyn\.txt' line 1"
T --kwic haqqani --kwic-sort left --limit 50
keys=$(printf '%s\n' "$out" | python3 -c '
import sys
keys = []
for l in sys.stdin:
    left = l.split("Haqqani")[0].split()
    keys.append(left[-1].lower() if left else "")
print("sorted" if keys == sorted(keys) else "unsorted: %r" % keys)')
expect_eq "--kwic-sort left sorts by the word before" "$keys" "sorted"

# --- help when there is nothing
T haqani
expect_rc "a misspelled word" 1
expect_match "did you mean" "$err" "did you mean: haqqani"
T haqqani zebras
expect_rc "all words: nothing" 1
expect_match "offers --any" "$err" "no passage has all the words; .* try again with --any"
T haqqani zebras --any
expect_rc "--any finds the passages with some of the words" 0
T CPEC --no-synonyms --limit 100 --per-article 0
n_plain=$(nhits)
T CPEC --limit 100 --per-article 0
[ "$(nhits)" -ge "$n_plain" ] && ok "synonyms widen CPEC" || fail "synonyms did not widen"

# --- hostile input: runs as meant or one clear line, never a raw SQLite error
for q in 'U.S.' 'F-16' '9/11' "don't" 'C++' 'AND' '"' "'; DROP TABLE articles; --" '*' 'NEAR(' '((((' ')' '!!!' 'OR' 'NOT' '-'; do
    T "$q"
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok "query '$q' runs (exit $rc)"
    elif [ "$rc" -eq 2 ] && printf '%s\n' "$err" | grep -Eq '^talaash: (query position [0-9]+: |the query )' \
         && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then ok "query '$q' refused in one line"
    else fail "query '$q'" "exit $rc" "$err"; fi
    expect_no_match "query '$q' shows no raw SQLite error" "$err" 'fts5|sqlite|SQL logic'
done
punct=$(printf '%s' '!"#$%&'"'"'()*+,-./:;<=>?@[\]^_`{|}~')
T "$punct"
[ "$rc" -le 2 ] && expect_no_match "every punctuation character: no raw error" "$err" 'fts5|sqlite'
T "$(python3 -c 'print(" ".join("w%d" % i for i in range(10000)))')"
[ "$rc" -le 2 ] && ok "a 10,000-word query ends (exit $rc)"
expect_eq "the database is intact" "$(sqlite3 "$DB" 'SELECT count(*) > 0 FROM articles')" 1

finish
