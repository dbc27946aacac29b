# hostile.sh - the hostile input catalogue: files no article archive
# should hold, queries no one should type, option values out of range and
# database files that are damaged or not writable.  For each: the
# documented behaviour, one clear line where something is refused, nothing
# lost from the database, and bounded time and memory.
# (cli.sh covers explicitly named empty/binary files and --limit;
# database.sh covers newer schemas, foreign and junk databases.)
. "$E2E_LIB"

command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }
GEN="$(dirname "$E2E_LIB")/gen-articles.py"
DB="$WORK/h.db"
H="$WORK/hostile"
ASAN=0 TSAN=0
ldd "$TALAASH_INDEX" 2>/dev/null | grep -q 'libasan' && ASAN=1
ldd "$TALAASH_INDEX" 2>/dev/null | grep -q 'libtsan' && TSAN=1
# timing checks are skipped under the sanitizers and when TALAASH_SLOW=1
# (e.g. under valgrind, whose wrappers ldd cannot see through)
SLOW=${TALAASH_SLOW:-$((ASAN || TSAN))}
# under ThreadSanitizer (5-10 times the memory) the memory bounds say
# nothing of ours: "if memory_checked WHAT; then CHECK; fi" runs CHECK
# elsewhere and there prints that WHAT was skipped
memory_checked() { [ "$TSAN" -eq 1 ] || return 0; ok "SKIP under ThreadSanitizer: $1"; return 1; }

sql_fts() { local db=$1; shift; sqlite_shell "$db" ".load $TALAASH_EXT" "$@" 2>&1; }
sound() {   # sound NAME DB: both integrity checks pass
    expect_eq "$1: SQLite's integrity check passes" "$(sqlite3 "$2" 'PRAGMA integrity_check' 2>&1)" ok
    expect_eq "$1: FTS5's integrity check passes" \
        "$(sql_fts "$2" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")" ""
}
# The generated articles as stored in DB, by path: "nothing lost".
good_digest() {
    sqlx "$1" "SELECT a.path, a.title, a.author, a.pub_date, p.ordinal, p.byte_start, p.text FROM passage_texts p JOIN articles a ON a.id = p.article_id WHERE substr(a.path, 1, length('$WORK/good/')) = '$WORK/good/' ORDER BY a.path, p.ordinal" | cksum
}
# measured CMD...: runs CMD through run(); $secs and $peak_mb are its wall
# time and peak resident memory (of the child, from getrusage).
measured() {
    run python3 -c 'import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%.1f %d\n" % (time.monotonic() - t,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))
sys.exit(rc if rc >= 0 else 128 - rc)' "$WORK/usage" "$@"
    read -r secs peak_mb < "$WORK/usage"
}
# A refusal: exit 2, one line, the program's name first, no raw SQLite
# wording for the user to decode, no crash.
expect_refusal() {   # expect_refusal NAME PROGRAM REGEX
    expect_rc "$1" 2
    expect_one_line "$1: the message" "$err"
    expect_match "$1: says why" "$err" "^$2: $3"
}

# --- the good articles, indexed alone for reference
python3 "$GEN" --seed 3 --count 300 --folders 6 "$WORK/good"
run "$TALAASH_INDEX" --db "$WORK/ref.db" "$WORK/good"
expect_rc "index 300 generated articles alone" 0
ref=$(good_digest "$WORK/ref.db")

# --- hostile files, in a folder indexed with the good articles
mkdir -p "$H/names"
: > "$H/empty.txt"
printf ' \n\t\r\n  \n' > "$H/blank.md"
python3 -c 'import random, sys
r = random.Random(11)
open(sys.argv[1], "wb").write(bytes(r.randrange(256) for _ in range(4096)))' "$H/random.txt"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR and more bytes' > "$H/image.html"
printf '\037\213\010\000\000\000\000\000\000\003' > "$H/archive.md"
# invalid UTF-8: a Latin-1 byte, bytes that never occur, an overlong
# slash, a surrogate, a sequence cut short at the end
printf 'Bad Bytes\n\nThe caf\351 on the quay sold \377\376 tea, \300\257 and \355\240\200 to the pilots.\n\nThe last word is cut: caf\303' > "$H/bad-utf8.txt"
printf 'Early Nul\n\nThe pilot \000 wrote in the harbour log.\n' > "$H/nul-early.txt"
python3 -c 'import sys
text = "Late Nul\n\n" + "The keeper wrote the hour in the log and trimmed the lamp. " * 160
open(sys.argv[1], "wb").write(text.encode() + b"\n\nA NUL \0 sits before the word zeppelinquay in this line.\n")' "$H/nul-late.txt"
python3 -c 'import sys
open(sys.argv[1], "w").write("Long Line\n\n" + "q" * 1048576 + "\n\nThe harbour longlinequay ends the file with one short line.\n")' "$H/long-line.txt"
mkfifo "$H/pipe.txt"
ln -s loop-b.txt "$H/loop-a.txt"
ln -s loop-a.txt "$H/loop-b.txt"
ln -s nowhere.txt "$H/dangling.txt"
mkdir -p "$H/sub"
ln -s .. "$H/sub/up"
ln -s "$H" "$H/sub/self"
deep="$H/deep"
for i in $(seq 1 50); do deep="$deep/l$i"; done
mkdir -p "$deep"
printf 'Deep Note\n\nAt the bottom of fifty folders lies a note about the abyssalquay.\n' > "$deep/bottom.txt"
names=$(python3 - "$H/names" "$WORK/odd.csv" <<'PY'
import csv, os, sys
names = ["new\nline.txt", "comma,name.txt", 'double"quote.txt', "single'quote.txt",
         "ünïcödé-پاکستان-日本.txt", "tab\tname.txt", "back\\slash.txt",
         "-dash.txt", "space name.md", "hash#percent%.txt", "glob*?[x].html",
         "semi;colon.txt", "dollar$(x).txt"]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as m:
    w = csv.writer(m)
    w.writerow(["path", "title"])
    for i, n in enumerate(names):
        body = "A file whose name is odd still speaks of oddname%d and the harbour." % i
        if n.endswith(".html"):
            text = "<html><body><p>%s</p></body></html>\n" % body
        else:
            text = "Odd Name\n\n%s\n" % body
        with open(os.path.join(sys.argv[1], n), "w", encoding="utf-8") as f:
            f.write(text)
        w.writerow([os.path.join("hostile", "names", n), "Odd title %d" % i])
print(len(names))
PY
)

measured timeout 120 "$TALAASH_INDEX" --db "$DB" --metadata "$WORK/odd.csv" "$WORK/good" "$H"
expect_rc "index the good articles and the hostile files (${secs} s, ${peak_mb} MB)" 1
skipped() {   # skipped NAME FILE REASON
    expect_match "$1 is skipped with a warning naming it" "$err" \
        "^talaash-index: warning: skipped '$H/$2': $3$"
}
skipped "an empty file" empty.txt "empty file"
skipped "a white-space-only file" blank.md "empty file"
skipped "a binary file" random.txt 'binary file \(NUL bytes\)'
skipped "a PNG named .html" image.html 'binary file \(PNG image\)'
skipped "a gzip file named .md" archive.md 'binary file \(gzip archive\)'
skipped "a NUL byte at the start" nul-early.txt 'binary file \(NUL bytes\)'
skipped "a FIFO named .txt (read, it would never end)" pipe.txt "not a regular file"
expect_match "invalid UTF-8 is read as Windows-1252, with a warning" "$err" \
    "^talaash-index: warning: '$H/bad-utf8.txt' is not valid UTF-8: read as Windows-1252$"
expect_match "the summary counts what was indexed and skipped" "$err" \
    "indexed $((300 + 4 + names)) articles .* 7 skipped, 1 warning"
expect_no_match "links in loops are not followed into (no warning for them either)" "$err" "'$H/(loop-|sub/)"
expect_eq "each article is stored once though folders link back to themselves" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM articles")" $((300 + 4 + names))
expect_eq "nothing of the good articles is lost or changed" "$(good_digest "$DB")" "$ref"
sound "with hostile files" "$DB"

hits() { run "$TALAASH" --db "$DB" --color=never --limit 100 "$@"; hit_files "$out"; }
expect_eq "invalid UTF-8: the text is searchable (cafe)" "$(hits cafe)" "bad-utf8.txt"
expect_eq "invalid UTF-8: the words after bad bytes too (pilots)" "$(hits pilots)" "bad-utf8.txt"
expect_eq "invalid UTF-8: the passages stored are valid UTF-8" \
    "$(sqlx "$DB" "SELECT p.text FROM passage_texts p JOIN articles a ON a.id = p.article_id WHERE a.path LIKE '%bad-utf8.txt'" | python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8"); print("valid")' 2>&1)" valid
expect_eq "a NUL past the first 8 KiB: the file is indexed" "$(hits zeppelinquay)" "nul-late.txt"
run "$TALAASH" --db "$DB" --format json zeppelinquay
expect_match "and the text after the NUL is kept and shown (JSON)" "$out" '"text":"A NUL +sits before the word zeppelinquay in this line\."'
expect_eq "no passage holds a NUL byte" "$(sqlx "$DB" "SELECT count(*) FROM passage_texts WHERE instr(text, char(0)) > 0")" 0
expect_eq "a 1 MB line without spaces: the file is indexed" "$(hits longlinequay)" "long-line.txt"
expect_eq "and its line is kept whole" \
    "$(sqlx "$DB" "SELECT max(length(p.text)) >= 1048576 FROM passage_texts p JOIN articles a ON a.id = p.article_id WHERE a.path LIKE '%long-line.txt'")" 1
run "$TALAASH" --db "$DB" --color=never --context 5 longlinequay
expect_rc "a hit next to the 1 MB word is shown" 0
[ "${#out}" -lt 4000 ] && ok "with a short snippet (${#out} bytes)" || fail "the snippet next to the 1 MB word is ${#out} bytes"
expect_eq "a file 50 folders deep is found" "$(hits abyssalquay)" "bottom.txt"

# HTML that gumbo's tree builder would take minutes or gigabytes over:
# 60,000 divs kept open behind stray end tags ("</b>" closes nothing, so
# no cheap count sees the nesting), and 2,000 different <b>s reopened in
# each of 2,000 paragraphs (4 million elements from 45 kB)
mkdir -p "$WORK/costly"
python3 -c 'import sys; open(sys.argv[1], "w").write("<div></b>" * 60000)' "$WORK/costly/stray-closers.html"
python3 -c 'import sys
open(sys.argv[1], "w").write("<p>" + "".join("<b class=c%d>" % i for i in range(2000)) + "</p>" + "<p>x</p>" * 2000)' "$WORK/costly/reopened.html"
printf '<p>The harbour pilot read the costlyquay tide table at dawn.</p>\n' > "$WORK/costly/fine.html"
measured timeout 120 "$TALAASH_INDEX" --db "$WORK/costly.db" "$WORK/costly"
expect_rc "pages too costly to parse are skipped, the rest indexed" 1
expect_match "the stray-closer page: out of CPU time, named" "$err" \
    "skipped '$WORK/costly/stray-closers.html': HTML too costly to parse \\(over 2\\.[0-9] s of CPU"
expect_match "the reopening page: out of memory, named" "$err" \
    "skipped '$WORK/costly/reopened.html': HTML too costly to parse \\(over 130 MB of memory"
if memory_checked "the costly pages' memory"; then
    [ "$peak_mb" -lt $((ASAN ? 1500 : 400)) ] && ok "memory stays bounded ($peak_mb MB)" || fail "indexing the costly pages took $peak_mb MB"
fi
[ "${secs%.*}" -lt 20 ] && ok "time stays bounded ($secs s: gumbo's budget is CPU time)" || fail "indexing the costly pages took $secs s"
run "$TALAASH" --db "$WORK/costly.db" --color=never costlyquay
expect_eq "the good page beside them is found" "$(hit_files "$out")" "fine.html"

# odd file names: exact in CSV and JSON, matched by the --metadata CSV
want=$(cd "$H/names" && python3 -c 'import os, json; print(json.dumps(sorted(os.path.join(os.getcwd(), n) for n in os.listdir("."))))')
run "$TALAASH" --db "$DB" --format csv --limit 1000 --per-article 0 'oddname*'
expect_eq "odd file names come back exact in CSV (RFC 4180)" \
    "$(printf '%s\n' "$out" | python3 -c 'import csv, json, sys; print(json.dumps(sorted(r["path"] for r in csv.DictReader(sys.stdin))))')" "$want"
run "$TALAASH" --db "$DB" --format json --limit 1000 --per-article 0 'oddname*'
expect_eq "and in JSON" \
    "$(printf '%s\n' "$out" | python3 -c 'import json, sys; print(json.dumps(sorted(json.loads(l)["path"] for l in sys.stdin)))')" "$want"
expect_eq "and the --metadata CSV found each of them" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM articles WHERE title LIKE 'Odd title %' AND title_source = 'manifest'")" "$names"
run "$TALAASH" --db "$DB" --color=never --limit 1000 --per-article 0 'oddname*'
expect_no_match "text output shows no raw control character from a name" "$out" $'[\001-\010\013-\037]'
expect_eq "text output keeps one line per name" "$(printf '%s\n' "$out" | grep -c '#1$')" "$names"

# a second run: nothing changes, the same files are refused again
sum=$(cksum < "$DB")
run timeout 120 "$TALAASH_INDEX" --db "$DB" "$WORK/good" "$H"
expect_rc "a second run over the same files" 1
expect_match "finds every article up to date" "$err" "indexed 0 articles .* $((300 + 4 + names)) unchanged, 0 renamed, 0 removed, 7 skipped"
expect_eq "and leaves the database file as it was" "$(cksum < "$DB")" "$sum"

# explicitly named: a link loop, a FIFO, a folder link to an ancestor
run timeout 60 "$TALAASH_INDEX" --db "$DB" "$H/loop-a.txt" "$H/pipe.txt" "$H/sub/up"
expect_rc "a link loop and a FIFO named on the command line" 1
expect_match "the loop is named with the system's reason" "$err" \
    "^talaash-index: warning: skipped '$H/loop-a.txt': Too many levels of symbolic links$"
expect_match "the FIFO is not a regular file" "$err" \
    "^talaash-index: warning: skipped '$H/pipe.txt': not a regular file$"

# --- unreadable files and folders (as an ordinary user: root reads all)
as_user() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null; then
        as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    else
        as_user() { return 77; }
    fi
fi
chmod 711 "$WORK"
P="$WORK/perm"
mkdir -p "$P/f/closed"
chmod 777 "$P" "$P/f"
printf 'Open Note\n\nThe harbour is open to anyone who can read this note.\n' > "$P/f/open.txt"
printf 'Secret Note\n\nNobody may read about the harbour in this note.\n' > "$P/f/secret.txt"
printf 'Closed Note\n\nA closed folder holds this harbour note.\n' > "$P/f/closed/inside.txt"
chmod 000 "$P/f/secret.txt" "$P/f/closed"
if as_user test -x "$TALAASH_INDEX" 2>/dev/null && ! as_user test -r "$P/f/secret.txt"; then
    run as_user "$TALAASH_INDEX" --db "$P/p.db" "$P/f"
    expect_rc "an unreadable file and folder" 1
    expect_match "the file is named, with the reason" "$err" \
        "^talaash-index: warning: cannot open '$P/f/secret.txt': Permission denied$"
    expect_match "the folder too" "$err" \
        "^talaash-index: warning: cannot read folder '$P/f/closed': permission denied$"
    expect_match "the rest is indexed" "$err" "indexed 1 article .* 2 skipped"

    # a read-only database: searched, never written
    mkdir -p "$P/ro"
    cp "$WORK/ref.db" "$P/ro/r.db"
    chmod 444 "$P/ro/r.db"
    chmod 555 "$P/ro"
    run as_user "$TALAASH" --db "$P/ro/r.db" --count council
    expect_rc "a read-only database in a read-only folder can be searched" 0
    run as_user "$TALAASH_INDEX" --db "$P/ro/r.db" "$P/f"
    expect_refusal "the indexer on a read-only database" talaash-index "database '$P/ro/r\.db': attempt to write a readonly database"
    chmod 755 "$P/ro"
    expect_eq "and it is left as it was" "$(good_digest "$P/ro/r.db")" "$ref"
    chmod 755 "$P/f/closed"
    chmod 644 "$P/f/secret.txt"
else
    printf '# skip: no ordinary user to test unreadable files with\n'
fi

# --- damaged database files
D="$WORK/damaged"
mkdir -p "$D"
size=$(stat -c %s "$WORK/ref.db")
head -c $((size / 2)) "$WORK/ref.db" > "$D/half.db"
cp "$WORK/ref.db" "$D/pages.db"
python3 -c 'import random, sys
r = random.Random(5)
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]) * 2 // 5 // 4096 * 4096)
    f.write(bytes(r.randrange(256) for _ in range(4 * 4096)))' "$D/pages.db" "$size"
mkdir "$D/folder.db"
for q in "--count council" "council" "--articles --limit 1000" "--facets council"; do
    run "$TALAASH" --db "$D/half.db" $q
    expect_refusal "a database cut in half: talaash $q" talaash "database '.*half\.db': .*malformed"
    run "$TALAASH" --db "$D/pages.db" $q
    [ "$rc" -le 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -le 1 ] \
        && ok "a database with overwritten pages: talaash $q ends (exit $rc), in one line at most" \
        || fail "a database with overwritten pages: talaash $q" "exit $rc" "$err"
done
run "$TALAASH_INDEX" --db "$D/half.db" "$WORK/good"
expect_refusal "a database cut in half: talaash-index" talaash-index "database '.*half\.db': .*malformed"
run "$TALAASH" --db "$D/folder.db" council
expect_refusal "a folder given as the database: talaash" talaash "cannot open database '.*folder\.db'"
run "$TALAASH_INDEX" --db "$D/folder.db" "$WORK/good"
expect_refusal "a folder given as the database: talaash-index" talaash-index "cannot open database '.*folder\.db'"
: > "$D/zero.db"
run "$TALAASH" --db "$D/zero.db" council
expect_refusal "an empty file as the database: talaash" talaash "database '.*zero\.db': not a Talaash database"
run "$TALAASH_INDEX" --db "$D/zero.db" "$WORK/good"
expect_rc "an empty file becomes a new database" 0

# --- hostile queries (the database must not change: checked at the end)
sum=$(cksum < "$DB")
T() { run "$TALAASH" --db "$DB" --color=never "$@"; }
# runs as meant (0 or 1) or is refused in one line naming the query
# position (or the unknown topic), and never shows SQLite's or FTS5's own
# words
reasonable() {   # reasonable NAME
    if { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && ! printf '%s\n' "$err" | grep -Eqi 'fts5|sqlite|syntax error|malformed'; then
        return 0
    elif [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] \
         && printf '%s\n' "$err" | grep -Eq '^talaash: (query position [0-9]+|unknown topic)' \
         && ! printf '%s\n' "$err" | grep -Eqi 'fts5|sqlite|syntax error|malformed'; then
        return 0
    fi
    fail "$1" "exit $rc" "$(printf '%s' "$err" | head -c 400)"
    return 1
}

words=$(python3 -c 'print(" ".join("w%d" % i for i in range(10000)))')
measured "$TALAASH" --db "$DB" "$words"
expect_rc "a query of 10,000 unknown words finds nothing (${secs} s, ${peak_mb} MB)" 1
[ "$(printf '%s\n' "$err" | wc -l)" -le 10 ] && ok "and says so in at most 10 lines" \
    || fail "a 10,000-word query printed $(printf '%s\n' "$err" | wc -l) lines on stderr"
expect_match "saying it looked up only the first words" "$err" "only the first [0-9]+ words of the query were looked up"
[ "${secs%.*}" -lt 30 ] && ok "in bounded time" || fail "a 10,000-word query took $secs s"
measured "$TALAASH" --db "$DB" --any --limit 3 "harbour $words"
expect_rc "--any with one known word among 10,000 finds it (${secs} s, ${peak_mb} MB)" 0
[ "${secs%.*}" -lt 60 ] && ok "in bounded time" || fail "--any over 10,000 words took $secs s"
if memory_checked "--any over 10,000 words' memory"; then
    [ "$peak_mb" -lt $((ASAN ? 2500 : 500)) ] && ok "and bounded memory" || fail "--any over 10,000 words took $peak_mb MB"
fi

punct='!"#$%&'"'"'()*+,-./:;<=>?@[\]^_`{|}~'
bad=0
for ((i = 0; i < ${#punct}; i++)); do
    c=${punct:i:1}
    for q in "$c" "$c$c$c" "harbour$c" "${c}harbour" "harbour $c council" "harbour${c}council"; do
        T -- "$q"
        reasonable "punctuation query '$q'" || bad=$((bad + 1))
    done
done
[ "$bad" -eq 0 ] && ok "each of the 32 ASCII punctuation characters, in 6 positions: no raw error"
T -- "$punct"
reasonable "all punctuation at once" && ok "all punctuation characters at once (exit $rc)"
T -- "harbour $punct council"
reasonable "all punctuation between two words" && ok "all punctuation between two words (exit $rc)"

for q in "'; DROP TABLE articles; --" '" OR 1=1 --' "harbour') OR ('1'='1" \
         "author:x' OR '1'='1" 'title:"); DELETE FROM passages; --' \
         'x UNION SELECT path FROM articles' "1; ATTACH DATABASE '$WORK/evil.db' AS e; --" \
         'passages_fts MATCH harbour' '{title author}:harbour' 'body:harbour' 'rank:harbour' \
         '^harbour' 'NEAR/3 harbour' 'harbour AND' '* OR *' 'harbour*' 'NEAR(harbour council, -1)' \
         "date:2019');DROP TABLE articles;--" 'topic:x" OR "1' "char(0)" '%' '_' '\x00' \
         "harbour' --" 'SELECT * FROM meta' ') OR 1=1 (' ; do
    T -- "$q"
    reasonable "SQL-looking query '$q'" && ok "SQL-looking query '$q' (exit $rc)"
done
for opt in --author --topic --synonyms; do
    T "$opt" "x' OR '1'='1" harbour
    { [ "$rc" -le 1 ] || { [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] \
        && printf '%s\n' "$err" | grep -Eq "^talaash: (unknown topic|cannot open)"; }; } \
        && ok "$opt with SQL-looking text (exit $rc)" || fail "$opt with SQL-looking text" "exit $rc" "$err"
done
[ ! -e "$WORK/evil.db" ] && ok "no database was attached" || fail "a query created $WORK/evil.db"

# option values out of range (--limit: cli.sh)
T --context 0 --format json --limit 3 council
expect_rc "--context 0" 0
expect_eq "--context 0 shows the whole passage" \
    "$(printf '%s\n' "$out" | python3 -c 'import json, sys; print(all(o["snippet"] == o["text"] for o in map(json.loads, sys.stdin)))')" True
for bad in "--context -1" "--context 10001" "--context 99999999999" "--offset -1" \
           "--offset 99999999999" "--per-article -1" "--per-article 1e3" "--limit 0x10" \
           "--context ''" "--since 0" "--until 10000-01-01" "--by week" "--kwic-sort middle"; do
    eval "T $bad council"
    expect_rc "$bad is refused" 2
    expect_match "$bad: says what it wants" "$err" "^talaash: bad .*\(want "
done
measured "$TALAASH" --db "$DB" --limit 1000000 --offset 1000000 --per-article 0 council
expect_rc "--limit and --offset at their largest" 1
measured "$TALAASH" --db "$DB" --limit 1000000 --per-article 0 --context 10000 --format csv council
expect_rc "--limit 1000000 --context 10000 (${secs} s, ${peak_mb} MB)" 0
[ "$peak_mb" -lt 500 ] && ok "holds memory bounded" || fail "--limit 1000000 took $peak_mb MB"
for bad in "--jobs 99999999999" "--jobs -1" "--batch 0" "--batch 1000001" "--batch x"; do
    eval "run \"\$TALAASH_INDEX\" --db \"\$DB\" $bad \"\$WORK/good\""
    expect_rc "talaash-index $bad is refused" 2
    expect_match "talaash-index $bad: says what it wants" "$err" "want a whole number"
done

expect_eq "the queries left the database file as it was" "$(cksum < "$DB")" "$sum"
expect_eq "nothing of the good articles is lost" "$(good_digest "$DB")" "$ref"

# --- a 100 MB article (written here, never committed; smaller for slow
# runs, e.g. HOSTILE_BIG_MB=10 under valgrind)
BIG_MB=${HOSTILE_BIG_MB:-100}
python3 - "$WORK/big/big.txt" "$BIG_MB" <<'PY'
import os, random, sys
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
r = random.Random(7)
words = ("harbour pilot ferry quay lighthouse keeper tide ledger canal lock "
         "barge dredger cargo manifest customs shed crane berth anchor chain "
         "rope signal lamp fog horn").split()
paras = [" ".join(" ".join(r.choice(words) for _ in range(r.randrange(8, 20))).capitalize() + "."
                  for _ in range(r.randrange(3, 12))) for _ in range(997)]
with open(sys.argv[1], "w") as f:
    f.write("A Very Long Report\n\n")
    n, i = 0, 0
    while n < int(sys.argv[2]) * 1024 * 1024:
        p = "Entry %d. %s\n\n" % (i, paras[i % len(paras)])
        f.write(p)
        n += len(p)
        i += 1
    f.write("The report ends with the word farewellquay.\n")
PY
measured "$TALAASH_INDEX" --db "$WORK/big.db" "$WORK/big/big.txt"
expect_rc "a $BIG_MB MB article is indexed (${secs} s, ${peak_mb} MB peak)" 0
big_secs=$secs
big_mb=$peak_mb
limit_mb=$(( (ASAN ? 30 : 15) * BIG_MB + 100 ))
if memory_checked "the $BIG_MB MB article's memory"; then
    [ "$peak_mb" -lt "$limit_mb" ] && ok "its memory stays under ${limit_mb} MB (about $((ASAN ? 30 : 15)) times the file)" \
        || fail "indexing a $BIG_MB MB article took $peak_mb MB (limit $limit_mb)"
fi
[ "$SLOW" -eq 1 ] || { [ "${secs%.*}" -lt "$BIG_MB" ] && ok "it takes less than 1 s per MB" || fail "indexing a $BIG_MB MB article took $secs s"; }
measured "$TALAASH" --db "$WORK/big.db" --color=never farewellquay
expect_rc "the end of the $BIG_MB MB article is found (${secs} s)" 0
measured "$TALAASH" --db "$WORK/big.db" --count harbour
expect_rc "a word in every passage is counted (${secs} s, ${peak_mb} MB)" 0
expect_match "in one article" "$out" ' passages in 1 article$'
rm -f "$WORK/big/big.txt"

printf '# figures: %d MB article: %s s, %s MB peak (sanitizers: %d)\n' "$BIG_MB" "$big_secs" "$big_mb" "$((ASAN || TSAN))"
finish
