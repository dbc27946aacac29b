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
T U.S. pakistan --limit 1
expect_rc "U.S." 0
expect_match "U.S. is read as us, and says so" "$err" '^talaash: note: searched U\.S\. as us$'
expect_eq "one note for U.S." "$(printf '%s\n' "$err" | grep -c 'note:')" 1

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
    assert r['date'] == (o['date'] or ''), (r['date'], o['date'])
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
printf '%s\n' "$out" > "$WORK/articles.jsonl"
T --articles haqqani --format csv -o "$WORK/articles.csv"
expect_rc "--articles --format csv" 0
cmp=$(python3 - "$WORK/articles.csv" "$WORK/articles.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
objs = [json.loads(l) for l in open(sys.argv[2], encoding='utf-8')]
assert list(rows[0].keys()) == ['rank', 'score', 'path', 'title', 'author', 'date', 'date_precision', 'topics', 'passages'], list(rows[0].keys())
assert len(rows) == len(objs) == 6, (len(rows), len(objs))
for r, o in zip(rows, objs):
    assert int(r['rank']) == o['rank'] and r['path'] == o['path'], (r, o)
    assert r['title'] == o['title'] and r['author'] == o['author']
    assert r['date'] == (o['date'] or '') and r['date_precision'] == (o['date_precision'] or '')
    assert r['topics'] == ';'.join(o['topics'])
    assert int(r['passages']) == o['passages'] > 0
    assert abs(float(r['score']) - o['score']) < 1e-3 and o['score'] > 0
print('same')
PY
)
expect_eq "--articles as CSV, read back by Python's csv module, equals the JSON" "$cmp" "same"
T --facets pakistan
expect_match "--facets by topic" "$out" '^topics$'
expect_match "--facets by author" "$out" 'Michael Kugelman'
expect_match "--facets by year" "$out" '2019'
T --timeline pakistan
expect_match "--timeline draws bars" "$out" '^2018 +█+ [0-9]+$'
expect_match "--timeline shows the undated hits last" "$(printf '%s\n' "$out" | tail -n 1)" '^undated +█+ [0-9]+$'
T pakistan --count
total=$(printf '%s\n' "$out" | sed 's/ passage.*//')
T --timeline pakistan --format csv
expect_eq "--timeline counts every hit, the undated too" "$(printf '%s\n' "$out" | tr -d '\r' | awk -F, 'NR > 1 { n += $2 } END { print n }')" "$total"
expect_match "--timeline CSV: the undated period is empty" "$(printf '%s\n' "$out" | tail -n 1 | tr -d '\r')" '^,[0-9]+$'
T --timeline pakistan --format json
expect_match "--timeline JSON: the undated period is null" "$(printf '%s\n' "$out" | tail -n 1)" '^\{"period":null,"passages":[0-9]+\}$'
T --timeline pakistan --undated
expect_rc "--timeline of undated hits only finds something" 0
expect_match "... and draws them" "$out" '^undated +█+ [0-9]+$'
T pakistan --since 2019-12 --until 2019-01
expect_rc "a reversed date range" 2
expect_match "names both bounds" "$err" "^talaash: empty date range: --since 2019-12 is after --until 2019-01"
T pakistan date:2020.. --until 2019
expect_rc "a reversed range of the query and an option" 2
expect_match "names the query's bound and the option" "$err" "^talaash: empty date range: date:2020\.\. in the query is after --until 2019"
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
import re, sys, unicodedata
def fold(w):
    w = re.sub(r"['"'"'\u2019]s$", "", w)
    w = re.sub(r"['"'"'\u2019]", "", w).lower()
    return "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
keys = []
for l in sys.stdin:
    words = re.findall(r"\w+(?:['"'"'\u2019]\w+)*", l.split("Haqqani")[0])
    keys.append(fold(words[-1]) if words else "")
print("sorted" if keys == sorted(keys) else "unsorted: %r" % keys)')
expect_eq "--kwic-sort left sorts by the nearest word before, folded" "$keys" "sorted"

# --- help when there is nothing
T haqani
expect_rc "a misspelled word" 1
expect_match "did you mean" "$err" "^talaash: no matches; did you mean: haqqani"
T haqqani zebras
expect_rc "all words: nothing" 1
expect_match "offers --any" "$err" "no passage has all the words; .* try again with --any"
expect_match "... and says which word is missing" "$err" "^talaash: no matches for 'zebras'"
T kashmir haqani
expect_rc "one word misspelled, the other found" 1
expect_match "did you mean, though another word matches" "$err" "^talaash: no matches for 'haqani'; did you mean: haqqani"
expect_match "... and --any too" "$err" "try again with --any$"
T '"strategic dialoge"'
expect_rc "a misspelled word in a phrase" 1
expect_match "did you mean, inside a phrase" "$err" "^talaash: no matches for 'dialoge'; did you mean: dialogue"
T --count haqani
expect_rc "--count with nothing found" 1
expect_eq "--count still prints the count" "$out" "0 passages in 0 articles"
expect_match "--count: did you mean" "$err" "did you mean: haqqani"
T haqqani zebras --any
expect_rc "--any finds the passages with some of the words" 0

# --- stopwords and scores
T haqqani --count
n_haqqani=$out
T --any the haqqani --count
expect_eq "--any: passages with only a stopword are not counted" "$out" "$n_haqqani"
T --any the haqqani --limit 100 --per-article 0
expect_rc "--any the haqqani" 0
expect_no_match "--any: no passage scores 0" "$out" 'score 0\.00'
T haqqani --limit 100 --per-article 0
n_h=$(nhits)
T --any the haqqani --limit 100 --per-article 0
expect_eq "--any: the passages of the word that counts" "$(nhits)" "$n_h"
T the --limit 3
expect_rc "a query of stopwords only still works" 0
expect_no_match "... and scores them" "$out" 'score 0\.00'
T --undated --limit 3
expect_rc "a listing without words" 0
expect_no_match "a listing without words shows no score" "$out" 'score'
T --undated --limit 3 --format csv
expect_eq "... an empty score field in CSV" "$(printf '%s\n' "$out" | tr -d '\r' | sed -n 2p | cut -d, -f2)" ""
T --author kugelman --limit 1 --format json
expect_match "... null in JSON" "$out" '^\{"rank":1,"score":null,'
T --articles --limit 1 --format json
expect_match "... and for articles" "$out" '^\{"rank":1,"score":null,'

# --- articles of our own: names with accents, synonyms, concordances,
# wrapping (written here; never the seeds' text)
OWN="$WORK/own"
mkdir -p "$OWN"
cat > "$OWN/ferry.md" <<'EOF'
---
title: Ferry Timetables
author: ÉMILE Öztürk
date: 2020-03
topics: [Ürdü Ödev]
---

The morning ferry to the island leaves the harbour at dawn on each weekday.

Passengers queue beside the ticket booth while gulls circle above the quay.
EOF
cat > "$OWN/agency-a.md" <<'EOF'
---
title: Agency Report
author: Nadia Qureshi
date: 2018-05
---

Officials said the ISI had reviewed the border posts during the winter months.

A second briefing on the ISI covered the budget for the coming fiscal year.
EOF
cat > "$OWN/agency-b.md" <<'EOF'
---
title: Spending Review
author: Tariq Rahman
date: 2019
---

Analysts argued that Inter-Services Intelligence spending grew faster than the rest of the budget.
EOF
cat > "$OWN/beacons.md" <<'EOF'
---
title: Beacon Log
author: Lena Park
---

Alpha: beacon lit at nine. (Zulu) beacon dimmed at ten. "Mike" beacon rose again. yankee, beacon fell at dusk. Bravo beacon rang twice.

The beacon (lit) first. A beacon "dimmed" next. One beacon -- fell later. That beacon rang last. Each beacon, rose slowly.
EOF
cat > "$OWN/lanterns.md" <<'EOF'
---
title: 東京と北京の長い題名 Harbour Lanterns 東京と北京の長い題名 Over Quiet Water 東京と北京
author: Rosalind Featherstonehaugh-Lindqvist 東京 Wanderer
date: 2021-04-05
---

The harbour lanterns glowed 東京 東京 東京 東京 over quiet water while ferries crossed in slow arcs between the piers and the old customs house.
EOF
ODB="$WORK/own.db"
run "$TALAASH_INDEX" --db "$ODB" "$OWN"
expect_rc "index our own articles" 0
O() { run "$TALAASH" --db "$ODB" --color=never "$@"; }

# author and topic filters fold case and accents, whatever the script
for name in émile öztürk ÖZTÜRK emile 'Emile Ozturk' 'émile-öztürk' zturk; do
    O ferry --author "$name"
    expect_eq "--author '$name' finds ÉMILE Öztürk" "$(hit_files "$out")" "ferry.md"
done
O ferry author:ÖZTÜRK
expect_eq "author: in the query folds too" "$(hit_files "$out")" "ferry.md"
O ferry --author 'émile x'
expect_rc "a name that is not in the author's" 1
O --author '--' ferry
expect_rc "an author with no letter or digit" 2
expect_match "is refused in one line" "$err" "^talaash: bad author '--' \(want a name with a letter or digit\)$"
for name in 'ürdü ödev' 'URDU ODEV' 'Ürdü-Ödev'; do
    O ferry --topic "$name"
    expect_eq "--topic '$name' finds the topic Ürdü Ödev" "$(hit_files "$out")" "ferry.md"
done
O ferry topic:ürdü
expect_rc "a topic is a whole name" 2
expect_match "... the unknown one is named" "$err" "^talaash: unknown topic 'ürdü'"

# synonyms: exact counts
O ISI --count
expect_eq "ISI finds Inter-Services Intelligence too" "$out" "3 passages in 2 articles"
O ISI --count --no-synonyms
expect_eq "--no-synonyms: only ISI" "$out" "2 passages in 1 article"
O '"Inter-Services Intelligence"' --count --no-synonyms
expect_eq "--no-synonyms: only the long name" "$out" "1 passage in 1 article"

# --facets as CSV and JSON
O --facets ISI --format csv
printf '%s\n' "$out" > "$WORK/facets.csv"
expect_eq "--facets CSV header" "$(printf '%s\n' "$out" | head -n 1 | tr -d '\r')" "facet,value,passages,articles"
expect_match "--facets CSV: an author row" "$(printf '%s\n' "$out" | tr -d '\r')" '^author,Nadia Qureshi,2,1$'
expect_match "--facets CSV: a year row" "$(printf '%s\n' "$out" | tr -d '\r')" '^year,2019,1,1$'
O --facets ISI --format json
printf '%s\n' "$out" > "$WORK/facets.jsonl"
cmp=$(python3 - "$WORK/facets.csv" "$WORK/facets.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
objs = [json.loads(l) for l in open(sys.argv[2], encoding='utf-8')]
assert len(rows) == len(objs) > 0
for r, o in zip(rows, objs):
    assert set(o) == {'facet', 'value', 'passages', 'articles'}, o
    assert (r['facet'], r['value'], int(r['passages']), int(r['articles'])) == (o['facet'], o['value'] or '', o['passages'], o['articles']), (r, o)
    assert o['value'] != ''
assert {o['facet'] for o in objs} == {'topic', 'author', 'year'}
assert any(o['value'] is None for o in objs), 'no topic: null'

print('same')
PY
)
expect_eq "--facets: CSV and JSON agree" "$cmp" "same"

# --kwic-sort: the nearest word, punctuation skipped, case folded; ties
# in rank order (Python's sort is stable)
O --kwic beacon --format json
printf '%s\n' "$out" > "$WORK/kwic-rank.jsonl"
kwic_keys() {
    printf '%s\n' "$out" | python3 -c '
import json, re, sys
side = sys.argv[1]
def key(o):
    words = re.findall(r"\w+", o[side])
    return (words[-1] if side == "left" else words[0]).lower() if words else ""
rank = [json.loads(l) for l in open(sys.argv[2])]
got = [json.loads(l) for l in sys.stdin]
want = sorted(rank, key=key)
print(" ".join(key(o) for o in got) if got == want else "not in order: %r" % [key(o) for o in got])' "$1" "$WORK/kwic-rank.jsonl"
}
O --kwic beacon --kwic-sort left --format json
expect_eq "--kwic-sort left: by the nearest word before" "$(kwic_keys left)" "a alpha bravo each mike one that the yankee zulu"
O --kwic beacon --kwic-sort right --format json
expect_eq "--kwic-sort right: by the nearest word after" "$(kwic_keys right)" "dimmed dimmed fell fell lit lit rang rang rose rose"
run "$TALAASH" --db "$ODB" --color=always --kwic beacon --kwic-sort right
expect_eq "--kwic-sort right: text in the same order" "$(printf '%s\n' "$out" | python3 -c '
import re, sys
for l in sys.stdin:
    right = l.split("\033[1;31mbeacon\033[0m", 1)[1]
    print(re.findall(r"\w+", right)[0].lower(), end=" ")')" "dimmed dimmed fell fell lit lit rang rang rose rose "

# --timeline when every hit is undated
O --timeline beacon
expect_rc "--timeline of undated hits" 0
expect_match "an undated bar" "$out" '^undated +█+ 2$'

# wrapping: title, details and snippet, in terminal columns (CJK is 2)
if command -v script >/dev/null; then
    wrapped=$(script -qec "stty cols 40; '$TALAASH' --db '$ODB' --color=never lanterns" /dev/null | tr -d '\r')
    widest=$(printf '%s\n' "$wrapped" | python3 -c '
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)
print(max(width(l.rstrip("\n")) for l in sys.stdin if "#" not in l))')
    [ "$widest" -le 40 ] && ok "every line but the path fits a 40-column terminal (widest $widest)" || fail "lines wider than 40 columns" "$wrapped"
    expect_eq "the title wraps onto indented lines" "$(printf '%s\n' "$wrapped" | sed -n '2,3p' | grep -c '^   東京')" 2
    expect_match "the details wrap too" "$(printf '%s\n' "$wrapped" | sed -n '4p')" '^   2021-04-05 · Rosalind$'
    expect_match "... the rest of the details on later lines" "$(printf '%s\n' "$wrapped" | sed -n '6p')" '^   Wanderer · score [0-9.]+$'
    expect_match "the path is not cut" "$wrapped" '^   .*lanterns\.md#1$'
fi

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

# --- --expand: the best passage's words find what is said in other words
mkdir -p "$WORK/exp"
for i in $(seq 1 24); do
    printf 'Orchard %d\n\nThe orchard%d harvest was weighed at market%d and sold in the autumn.\n' \
        "$i" "$i" "$i" > "$WORK/exp/o$i.txt"
done
printf 'Border report\n\nQuetta shura envoys crossed from Chaman into Kandahar province at night.\n' \
    > "$WORK/exp/shura.txt"
printf 'Crossings\n\nMilitant envoys from Chaman reached Kandahar province and met elders.\n' \
    > "$WORK/exp/chaman.txt"
run "$TALAASH_INDEX" --db "$WORK/exp.db" "$WORK/exp"
expect_rc "index the expansion notes" 0
run "$TALAASH" --db "$WORK/exp.db" --color=never quetta
expect_eq "without --expand: only the passage with the word" "$(hit_files "$out")" "shura.txt"
run "$TALAASH" --db "$WORK/exp.db" --color=never --expand quetta
expect_rc "--expand" 0
expect_eq "with --expand: also the passage that says it in other words" "$(hit_files "$out")" "chaman.txt shura.txt"
expect_match "the passage with the word still first" "$(printf '%s\n' "$out" | grep -m1 '#[0-9]*$')" "shura\.txt#"
expect_match "--expand names the words it added" "$err" "^talaash: --expand: added [0-9]+ words of the best passage: .*(Chaman|Kandahar)"
run "$TALAASH" --db "$WORK/exp.db" --color=never --expand --articles --format csv quetta
expect_rc "--expand --articles" 0
expect_match "lists both articles" "$out" "chaman\.txt"
run "$TALAASH" --db "$WORK/exp.db" --expand nosuchword
expect_rc "--expand with nothing found" 1
run "$TALAASH" --db "$WORK/exp.db" --expand --count quetta
expect_rc "--expand --count is a usage error" 2
expect_match "and says what goes with it" "$err" "--expand goes with a list of passages or articles"
run "$TALAASH" --db "$WORK/exp.db" --expand --sort=-date quetta
expect_rc "--expand --sort=-date is a usage error" 2

# --- a database that cannot be read: talaash maps the file (lib/db.c),
# so a disk error arrives as SIGBUS; it is said in one line, exit 2.
# (A file cut short by another program is caught by SQLite itself.)
mkfifo "$WORK/bus.csv"
"$TALAASH" --db "$DB" --format csv -o "$WORK/bus.csv" haqqani 2>"$WORK/bus.err" &
pid=$!
for _ in $(seq 100); do      # the database open: the handler is set
    ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -- '-> .*q\.db$' && break
    sleep 0.05
done
kill -BUS "$pid"
wait "$pid"
expect_eq "SIGBUS: exit 2" "$?" 2
expect_eq "SIGBUS: said in one line" "$(cat "$WORK/bus.err")" \
    "talaash: could not read the database (a disk error, or the file was cut short while searching); check the disk, then run the search again"

finish
