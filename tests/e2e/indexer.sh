# indexer.sh - talaash-index on real articles: the seeds' metadata and
# boilerplate, every input format, encodings, renames, --prune,
# --metadata, --topics, --dry-run --explain.
. "$E2E_LIB"

DB="$WORK/seeds.db"
[ -d "$SEEDS" ] || { echo "no seed articles at $SEEDS"; exit 77; }
run "$TALAASH_INDEX" --db "$DB" "$SEEDS"
expect_rc "index the seeds" 0

meta() {   # meta SEED-PREFIX COLUMN
    sqlite3 "$DB" "SELECT coalesce($2, '') FROM articles WHERE path LIKE '%/$1_%'"
}
expect_eq "000 has no author (only a photo credit names anyone)" "$(meta 000 author)" ""
expect_eq "000 has no date (the caption's date is not one)" "$(meta 000 pub_date)" ""
expect_eq "000's title" "$(meta 000 title)" "It’s Time for a Frank Talk with Pakistan’s Army Chief"
expect_eq "001 is by Huma Yusuf" "$(meta 001 author)" "Huma Yusuf"
expect_eq "001's author comes from the biography" "$(meta 001 author_source)" "biography"
expect_eq "002 is by Michael Kugelman" "$(meta 002 author)" "Michael Kugelman"
expect_eq "002 has no date (tweets' dates are not one)" "$(meta 002 pub_date)" ""
expect_eq "002 has no title rather than a sentence" "$(meta 002 title)" ""
expect_eq "003 is by Hasan Askari Rizvi" "$(meta 003 author)" "Hasan Askari Rizvi"
expect_eq "003 is dated 2018-10-03" "$(meta 003 "pub_date || ' ' || date_precision || ' ' || date_source")" "2018-10-03 day labelled line"
expect_eq "003's title has no hashtag subtitle" "$(meta 003 title)" "US must take account of Pakistan’s security concerns"
expect_eq "004 is by Salman Bashir" "$(meta 004 author)" "Salman Bashir"
expect_eq "004 is dated February 2019" "$(meta 004 "pub_date || ' ' || date_precision")" "2019-02 month"
expect_eq "004's title" "$(meta 004 title)" "The Way Forward for Pakistan-U.S. Relations: A Pakistani Perspective"

run "$TALAASH" --db "$DB" cookies
expect_rc "cookies: nothing (the consent wall is gone)" 1
expect_eq "no passage is a Read more line" \
    "$(sqlx "$DB" "SELECT count(*) FROM passage_texts WHERE text LIKE 'Read more%' OR text LIKE '%pic.twitter.com%' OR text LIKE 'NEXT STORY%' OR text LIKE 'Leave a comment%'")" 0
# a passage of up to 60 words inside another passage of its article
# (letters and digits only, case folded) is a pull quote kept twice
contained_passages() {   # contained_passages DB: "article:ordinal" of each
    sqlx "$1" ".mode json" "SELECT article_id, ordinal, text FROM passage_texts ORDER BY article_id, ordinal" | python3 -c '
import json, re, sys
rows = [(r["article_id"], r["ordinal"], r["text"]) for r in json.load(sys.stdin)]
norm = lambda t: " " + " ".join(re.findall(r"[^\W_]+", t.casefold())) + " "
for a, o, t in rows:
    n = norm(t)
    if len(t.split()) <= 60 and n.strip() and any(
            a2 == a and o2 != o and n in norm(t2) for a2, o2, t2 in rows):
        print(f"{a}:{o}")
'
}
expect_eq "pull quotes are kept once (no short passage inside another)" "$(contained_passages "$DB")" ""
expect_eq "no passage keeps Markdown emphasis" \
    "$(sqlx "$DB" "SELECT count(*) FROM passage_texts WHERE text LIKE '%**%'")" 0
expect_eq "Haqqani is a topic of 001 and 003" \
    "$(sqlite3 "$DB" "SELECT group_concat(x, ' ') FROM (SELECT substr(a.path, -24, 3) AS x FROM article_topics at JOIN topics t ON t.id = at.topic_id JOIN articles a ON a.id = at.article_id WHERE t.name = 'Haqqani' ORDER BY a.path)")" "001 003"
expect_eq "CPEC is a topic of 004" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM article_topics at JOIN topics t ON t.id = at.topic_id JOIN articles a ON a.id = at.article_id WHERE t.name = 'CPEC' AND a.path LIKE '%/004_%'")" 1
expect_eq "passages carry the topics they mention" \
    "$(sqlx "$DB" "SELECT count(*) FROM passage_topics pt JOIN passage_texts p ON p.id = pt.passage_id WHERE p.text NOT LIKE '%Haqqani%' AND pt.topic_id = (SELECT id FROM topics WHERE name = 'Haqqani')")" 0
expect_eq "byte ranges point at the passage in the file" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM passages WHERE byte_end <= byte_start")" 0

# --dry-run --explain
run "$TALAASH_INDEX" --dry-run --explain "$SEEDS"/003_*.txt
expect_rc "--dry-run --explain" 0
expect_match "explains the author's provenance" "$out" '^author: Hasan Askari Rizvi \(biography\)$'
expect_match "explains the date" "$out" '^date:   2018-10-03, day precision \(labelled line\)$'
expect_match "explains topics with the words that set them" "$out" '^  Haqqani: 2 matches in the body: "Haqqani" x2$'
expect_match "names the rule that dropped a block" "$out" '^dropped \[comment-form\] Leave a comment$'
expect_match "lists the passages" "$out" '^passage 1 \(bytes [0-9]+-[0-9]+'
expect_match "says nothing was written" "$err" 'dry run: 1 article .* nothing was written'
run "$TALAASH_INDEX" --explain "$SEEDS"
expect_rc "--explain alone is a usage error" 2

# formats: HTML, Markdown front matter
F="$TESTDATA/formats"
run "$TALAASH_INDEX" --db "$WORK/f.db" "$F/water-talks.html" "$F/front-matter.md"
expect_rc "index HTML and Markdown" 0
fmeta() { sqlite3 "$WORK/f.db" "SELECT $2 FROM articles WHERE path LIKE '%/$1'"; }
expect_eq "HTML title from <h1>" "$(fmeta water-talks.html title)" "Water Talks Resume in Lahore"
expect_eq "HTML author from <meta>" "$(fmeta water-talks.html "author || ' ' || author_source")" "Sana Iqbal HTML meta"
expect_eq "HTML date from article:published_time" "$(fmeta water-talks.html pub_date)" "2020-02-18"
expect_eq "script, nav, footer, cookie banner and aside are not indexed" \
    "$(sqlx "$WORK/f.db" "SELECT count(*) FROM passage_texts p JOIN articles a ON a.id = p.article_id WHERE a.path LIKE '%.html' AND (p.text LIKE '%tracking%' OR p.text LIKE '%cookies%' OR p.text LIKE '%Copyright%' OR p.text LIKE '%orchards in winter%')")" 0
expect_eq "entities are decoded" \
    "$(sqlx "$WORK/f.db" "SELECT count(*) FROM passage_texts WHERE text LIKE '%river’s waters%' OR text LIKE '%agenda & likely%'")" 2
expect_eq "Markdown front matter title" "$(fmeta front-matter.md "title || ' / ' || title_source")" "Orchards and Rivers: Notes from the Valley / front matter"
expect_eq "Markdown front matter author wins over a byline" "$(fmeta front-matter.md author)" "Bilal Ahmed"
expect_eq "Markdown front matter date" "$(fmeta front-matter.md "pub_date || ' ' || date_precision")" "2021-06-03 day"
expect_eq "front matter topics and rule topics" \
    "$(sqlite3 "$WORK/f.db" "SELECT group_concat(x, ' ') FROM (SELECT t.name || ':' || at.source AS x FROM article_topics at JOIN topics t ON t.id = at.topic_id JOIN articles a ON a.id = at.article_id WHERE a.path LIKE '%front-matter.md' ORDER BY t.name)")" \
    "Afghanistan:rules Agriculture:front matter"
expect_eq "Markdown markup is stripped" \
    "$(sqlx "$WORK/f.db" "SELECT count(*) FROM passage_texts WHERE text LIKE '%**%' OR text LIKE '%](%'")" 0
run "$TALAASH" --db "$WORK/f.db" --color=never kashmir
expect_eq "Kashmir is found only in the HTML article's body" "$(hit_files "$out")" "water-talks.html"

# Windows-1252, BOM, CRLF
mkdir -p "$WORK/enc"
printf 'Caf\351 Society\r\n\r\nThe caf\351 near the station served \223strong\224 tea to the travellers all night long.\r\n' > "$WORK/enc/latin.txt"
printf '\357\273\277Bom Title\n\nA file that starts with a byte order mark is read like any other file here.\n' > "$WORK/enc/bom.txt"
run "$TALAASH_INDEX" --db "$WORK/enc.db" "$WORK/enc"
expect_rc "index encodings" 0
expect_match "Windows-1252 is said in a warning" "$err" "^talaash-index: warning: '.*latin\.txt' is not valid UTF-8: read as Windows-1252$"
run "$TALAASH" --db "$WORK/enc.db" --color=never cafe
expect_eq "café in a Latin-1 file is found by cafe" "$(hit_files "$out")" "latin.txt"
expect_eq "the BOM is not in the title" "$(sqlite3 "$WORK/enc.db" "SELECT title FROM articles WHERE path LIKE '%bom.txt'")" "Bom Title"

# renames keep their article; --prune forgets what is gone
mkdir -p "$WORK/ren"
cp "$SEEDS"/001_*.txt "$WORK/ren/a.txt"
cp "$SEEDS"/003_*.txt "$WORK/ren/b.txt"
run "$TALAASH_INDEX" --db "$WORK/ren.db" "$WORK/ren"
id_before=$(sqlite3 "$WORK/ren.db" "SELECT id FROM articles WHERE path LIKE '%/a.txt'")
mv "$WORK/ren/a.txt" "$WORK/ren/renamed.txt"
run "$TALAASH_INDEX" --db "$WORK/ren.db" "$WORK/ren"
expect_rc "re-index after a rename" 0
expect_match "the rename is reported" "$err" "indexed 0 articles .* 1 renamed"
expect_eq "the renamed file keeps its article" "$(sqlite3 "$WORK/ren.db" "SELECT id FROM articles WHERE path LIKE '%/renamed.txt'")" "$id_before"
rm "$WORK/ren/b.txt"
run "$TALAASH_INDEX" --db "$WORK/ren.db" --prune
expect_rc "--prune" 0
expect_match "--prune reports the removal" "$err" "1 removed"
expect_eq "the deleted file's article is gone" "$(sqlite3 "$WORK/ren.db" "SELECT count(*) FROM articles")" 1
expect_eq "and its passages" "$(sqlite3 "$WORK/ren.db" "SELECT count(*) FROM passages p LEFT JOIN articles a ON a.id = p.article_id WHERE a.id IS NULL")" 0

# one segment: a run that wrote a tenth of the archive or more merges the
# index at its end and gives the freed pages back; a small run does not;
# --optimize does it on demand, and no search answers differently
mkdir -p "$WORK/seg"
for i in $(seq 1 30); do
    printf 'Note %d\n\nThe river delta report number %d on harvests, barges and\nmarkets; the mountain passes stayed open in week %d.\n' \
        "$i" "$i" "$i" > "$WORK/seg/n$i.txt"
done
run "$TALAASH_INDEX" --db "$WORK/seg.db" --batch 4 "$WORK/seg"
expect_rc "index 30 notes, 4 per transaction" 0
expect_eq "a new database gives freed pages back (auto_vacuum incremental)" \
    "$(sqlite3 "$WORK/seg.db" "PRAGMA auto_vacuum")" 2
expect_eq "the full build left no free page" \
    "$(sqlite3 "$WORK/seg.db" "PRAGMA freelist_count")" 0
rows_full=$(sqlite3 "$WORK/seg.db" "SELECT count(*) FROM passages_fts_data")
printf 'Note 31\n\nA late river note.\n' > "$WORK/seg/n31.txt"
printf 'Note 1\n\nThe river report, revised.\n' > "$WORK/seg/n1.txt"
run "$TALAASH_INDEX" --db "$WORK/seg.db" --batch 1 "$WORK/seg"
expect_rc "a small run (2 of 31 articles)" 0
rows_small=$(sqlite3 "$WORK/seg.db" "SELECT count(*) FROM passages_fts_data")
[ "$rows_small" -gt "$rows_full" ] && ok "a small run adds segments, unmerged" \
    || fail "a small run adds segments, unmerged" "rows $rows_full -> $rows_small"
run "$TALAASH" --db "$WORK/seg.db" --format json --limit 50 river
before=$out
run "$TALAASH_INDEX" --db "$WORK/seg.db" --optimize
expect_rc "--optimize with no PATH" 0
rows_opt=$(sqlite3 "$WORK/seg.db" "SELECT count(*) FROM passages_fts_data")
[ "$rows_opt" -lt "$rows_small" ] && ok "--optimize merges the segments" \
    || fail "--optimize merges the segments" "rows $rows_small -> $rows_opt"
run "$TALAASH" --db "$WORK/seg.db" --format json --limit 50 river
expect_eq "every hit and score as before the merge" "$out" "$before"
run "$TALAASH_INDEX" --db "$WORK/seg.db" --optimize --dry-run
expect_rc "--optimize --dry-run is a usage error" 2
expect_match "and says so" "$err" "--optimize cannot be combined with --dry-run"

# small runs add segments (every edited article's old passages are
# deleted in a statement of their own, and FTS5 writes what it holds at
# each); a run that leaves more than 8 (INDEX_SEGMENTS_MAX) merges them
segments() { sqlite3 "$WORK/seg.db" "SELECT count(DISTINCT segid) FROM passages_fts_idx"; }
most=0; merged=0; grew=0
for i in 1 2 3 4 5 6; do
    printf 'Note %d\n\nThe river report, revised %d times.\n' "$((i + 1))" "$i" > "$WORK/seg/n$((i + 1)).txt"
    printf 'Note %d\n\nThe mountain report, revised %d times.\n' "$((i + 7))" "$i" > "$WORK/seg/n$((i + 7)).txt"
    before_segments=$(segments)
    run "$TALAASH_INDEX" --db "$WORK/seg.db" --batch 1 "$WORK/seg"
    n=$(segments)
    [ "$n" -gt "$most" ] && most=$n
    [ "$n" -gt "$before_segments" ] && grew=$((grew + 1))
    [ "$n" -lt "$before_segments" ] && [ "$n" -eq 1 ] && merged=$((merged + 1))
done
[ "$most" -le 8 ] && ok "small runs leave at most 8 segments ($most)" \
    || fail "small runs leave at most 8 segments" "$most"
[ "$grew" -gt 0 ] && [ "$merged" -gt 0 ] && ok "small runs add segments ($grew) and merge them past 8 ($merged)" \
    || fail "small runs add segments and merge them past 8" "grew $grew, merged $merged"
run "$TALAASH" --db "$WORK/seg.db" --format json --limit 50 river
b=$("$TALAASH" --db "$WORK/seg.db" --format json --limit 50 --exhaustive river)
expect_eq "the merged index answers as exhaustively" "$out" "$b"

# --metadata overrides, --topics replaces the rules
run "$TALAASH_INDEX" --db "$WORK/m.db" --metadata "$F/manifest.csv" "$TESTDATA/mini"
expect_rc "index with --metadata" 0
expect_eq "the manifest's values win" \
    "$(sqlite3 "$WORK/m.db" "SELECT title || '|' || author || '|' || pub_date || '|' || title_source FROM articles WHERE path LIKE '%monsoon-trade.txt'")" \
    "Monsoon Trade Routes, Revisited|Zara Sheikh|2018-07|manifest"
expect_eq "the manifest's topics" \
    "$(sqlite3 "$WORK/m.db" "SELECT group_concat(name, ' ') FROM (SELECT t.name FROM article_topics at JOIN topics t ON t.id = at.topic_id ORDER BY t.name)")" "Karachi Shipping"
printf 'path,title,colour\nx.txt,X,red\n' > "$WORK/bad.csv"
run "$TALAASH_INDEX" --db "$WORK/m.db" --metadata "$WORK/bad.csv" "$TESTDATA/mini"
expect_rc "a manifest with an unknown column" 2
expect_match "names the file, line and column" "$err" "^talaash-index: metadata file '.*bad\.csv' line 1: unknown column 'colour'"
printf 'min_matches = 1\n[Harbours]\nharbour\nport\n' > "$WORK/topics.txt"
run "$TALAASH_INDEX" --db "$WORK/t.db" --topics "$WORK/topics.txt" "$TESTDATA/mini"
expect_rc "index with --topics" 0
expect_eq "the given rules replace the defaults" \
    "$(sqlite3 "$WORK/t.db" "SELECT group_concat(DISTINCT t.name) FROM article_topics at JOIN topics t ON t.id = at.topic_id")" "Harbours"
printf 'harbour\n' > "$WORK/bad-topics.txt"
run "$TALAASH_INDEX" --db "$WORK/t.db" --topics "$WORK/bad-topics.txt" "$TESTDATA/mini"
expect_rc "a rules file with a term before any topic" 2
expect_match "names the file and line" "$err" "^talaash-index: topics file '.*bad-topics\.txt' line 1: "

# a page nested absurdly deep is refused quickly, not parsed for minutes
python3 -c "print('<div>' * 300000)" > "$WORK/deep.html"
run "$TALAASH_INDEX" --db "$WORK/deep.db" "$WORK/deep.html"
expect_rc "a 300,000-deep HTML page is skipped" 1
expect_match "and says why" "$err" "skipped '.*deep\.html': HTML nested more than 10000 levels deep"

# threads: the same database whatever --jobs says
dump() { sqlx "$1" "SELECT a.id, a.path, a.title, a.author, a.pub_date, p.ordinal, p.byte_start, p.text FROM articles a JOIN passage_texts p ON p.article_id = a.id ORDER BY p.id" | cksum; }
mkdir -p "$WORK/many"
for i in 1 2 3 4 5 6; do cp "$SEEDS"/*.txt "$WORK/many/" 2>/dev/null; for f in "$WORK/many"/0*.txt; do cp "$f" "$WORK/many/copy$i-$(basename "$f")"; printf '\nCopy %s adds a closing line of its own.\n' "$i" >> "$WORK/many/copy$i-$(basename "$f")"; done; done
run "$TALAASH_INDEX" --db "$WORK/j1.db" --jobs 1 "$WORK/many"
expect_rc "--jobs 1" 0
run "$TALAASH_INDEX" --db "$WORK/j4.db" --jobs 4 "$WORK/many"
expect_rc "--jobs 4" 0
expect_eq "--jobs 4 stores exactly what --jobs 1 does" "$(dump "$WORK/j4.db")" "$(dump "$WORK/j1.db")"
for bad in 0 -2 x 65; do
    run "$TALAASH_INDEX" --db "$WORK/j.db" --jobs "$bad" "$WORK/many"
    expect_rc "--jobs '$bad' is refused" 2
done

# ---- explicit values, long paragraphs, biographies (issue 3 audit) -------
# An explicit date or author wins for its field, but the dateline or
# byline in the text is still one: no title, no passage.
mkdir -p "$WORK/given"
cp "$SEEDS"/003_*.txt "$WORK/given/b.txt"
printf 'path,date\nb.txt,2018\n' > "$WORK/given/m.csv"
run "$TALAASH_INDEX" --db "$WORK/given.db" --metadata "$WORK/given/m.csv" "$WORK/given/b.txt"
expect_rc "index 003 with a manifest date" 0
expect_eq "a manifest date leaves 003's title alone" \
    "$(sqlite3 "$WORK/given.db" "SELECT title || ' | ' || title_source || ' | ' || pub_date || ' ' || date_source FROM articles")" \
    "US must take account of Pakistan’s security concerns | heading | 2018 manifest"
expect_eq "and its labelled dateline is no passage" \
    "$(sqlx "$WORK/given.db" "SELECT count(*) FROM passage_texts WHERE text LIKE '%Published On%'")" 0
cat > "$WORK/given/cranes.html" <<'HTML'
<html><head><meta name="author" content="Nadia Qasim"></head><body><article>
<h1>Harbour Cranes Return to Work</h1>
<p>By Nadia Qasim · <time>April 5, 2022</time></p>
<p>The cranes at the old harbour were switched back on this week after a long winter of repairs, and the dock workers came back in numbers.</p>
<p>Shipping agents said the first vessels would be unloaded by Friday, and that the backlog would clear within a month.</p>
</article></body></html>
HTML
printf -- '---\ntitle: Orchard Prices in the Valley\ndate: 2019-02-14\n---\nFebruary 2019\n\nThe apricot growers of the valley met on Monday to agree on prices for the coming season, after a year of short cold storage.\n\nTheir cooperative will build two new stores before the summer, with a provincial grant and a loan from a bank.\n' > "$WORK/given/orchard.md"
run "$TALAASH_INDEX" --db "$WORK/given2.db" "$WORK/given/cranes.html" "$WORK/given/orchard.md"
expect_rc "index HTML with a meta author, Markdown with a front matter date" 0
expect_eq "the HTML byline is in no passage" \
    "$(sqlx "$WORK/given2.db" "SELECT count(*) FROM passage_texts WHERE text LIKE '%By Nadia%'")" 0
expect_eq "the HTML author is the meta one, the date the byline's" \
    "$(sqlite3 "$WORK/given2.db" "SELECT author || ' ' || author_source || ' ' || pub_date || ' ' || date_source FROM articles WHERE path LIKE '%.html'")" \
    "Nadia Qasim HTML meta 2022-04-05 byline"
expect_eq "the Markdown dateline is in no passage" \
    "$(sqlx "$WORK/given2.db" "SELECT count(*) FROM passage_texts WHERE text LIKE '%February 2019%'")" 0
expect_eq "the front matter date wins" \
    "$(sqlite3 "$WORK/given2.db" "SELECT pub_date || ' ' || date_source FROM articles WHERE path LIKE '%.md'")" \
    "2019-02-14 front matter"

# A paragraph of 720 words is cut at sentences whether or not a heading
# stands above it (the heading joins the first piece).
mkdir -p "$WORK/long"
para=$(python3 -c 'print(" ".join(f"Sentence {i} of the long paragraph has ten words here." for i in range(72)))')
printf '# Trade Notes\n\n## Background\n\n%s\n' "$para" > "$WORK/long/heading.md"
printf '%s\n' "$para" > "$WORK/long/plain.txt"
run "$TALAASH_INDEX" --db "$WORK/long.db" "$WORK/long"
expect_rc "index long paragraphs" 0
words_per_passage() {   # words_per_passage FILE: "n/n/..." in order
    sqlx "$WORK/long.db" ".mode json" "SELECT p.text FROM passage_texts p JOIN articles a ON a.id = p.article_id WHERE a.path LIKE '%/$1' ORDER BY p.ordinal" | python3 -c '
import json, sys
print("/".join(str(len(r["text"].split())) for r in json.load(sys.stdin)))
'
}
expect_eq "a long paragraph after a heading is split" "$(words_per_passage heading.md)" "301/300/120"
expect_eq "as it is without one" "$(words_per_passage plain.txt)" "300/300/120"

# A closing biography followed by one more paragraph still names the
# author: the last three kept blocks are looked at.
mkdir -p "$WORK/bio"
printf 'Harbour Cranes Return\n\nThe cranes at the old harbour were switched back on this week after a long winter of repairs and many delays.\n\nShipping agents said the first vessels would be unloaded by Friday, and that the backlog would clear within a month.\n\nNadia Qasim is a journalist covering ports and shipping for a weekly paper.\n\nThis report first appeared in the spring issue of a quarterly review of maritime affairs.\n' > "$WORK/bio/cranes.txt"
run "$TALAASH_INDEX" --db "$WORK/bio.db" "$WORK/bio"
expect_rc "index an article with a paragraph after its biography" 0
expect_eq "the biography before a closing paragraph names the author" \
    "$(sqlite3 "$WORK/bio.db" "SELECT author || ' ' || author_source FROM articles")" "Nadia Qasim biography"

# ---- links to files: each file once, under its real path ----------------
L="$WORK/links"
mkdir -p "$L/folder/deeper" "$L/elsewhere"
printf 'Linked Report\n\nA paragraph about canal dredging in the delta.\n' > "$L/folder/deeper/real.txt"
printf 'Outside Note\n\nA paragraph about grain silos near the port.\n' > "$L/elsewhere/outside.txt"
ln -s deeper/real.txt "$L/folder/alias.txt"
ln -s ../elsewhere/outside.txt "$L/folder/outside-link.txt"
run "$TALAASH_INDEX" -q --db "$WORK/links.db" "$L/folder"
expect_rc "index a folder with links to files" 0
real_l=$(cd "$L" && pwd -P)
expect_eq "a file and a link to it are one article, under the file's real path; a link out of the folder is its target" \
    "$(sqlite3 "$WORK/links.db" "SELECT path FROM articles ORDER BY path")" \
    "$(printf '%s\n%s' "$real_l/elsewhere/outside.txt" "$real_l/folder/deeper/real.txt")"
run "$TALAASH_INDEX" --db "$WORK/links.db" "$L/folder"
expect_match "a re-run finds both unchanged" "$err" "nothing changed: 2 articles already up to date"

# the text is stored once, compressed, per article (lib/textpack.h)
expect_eq "passages.text is left empty by the indexer" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM passages WHERE text IS NOT NULL")" 0
expect_eq "article_texts holds each article's text once" \
    "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM article_texts) = (SELECT count(*) FROM articles)")" 1
# the VACUUM an upgrade asks for (schema 008 does) is run once, by the
# next run, and leaves everything readable
before=$(dump "$DB")
sqlite3 "$DB" "INSERT INTO meta (key, value) VALUES ('vacuum', '008')"
run "$TALAASH_INDEX" --db "$DB" "$SEEDS"
expect_rc "a run after an upgrade" 0
expect_eq "does the VACUUM asked for, once" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM meta WHERE key = 'vacuum'")" 0
expect_eq "and the articles read the same after it" "$(dump "$DB")" "$before"
expect_eq "a new database has 16 kB pages" \
    "$(sqlite3 "$DB" "PRAGMA page_size")" 16384
: > "$WORK/empty.db"
run "$TALAASH_INDEX" -q --db "$WORK/empty.db" "$SEEDS"
expect_rc "index into an empty file" 0
expect_eq "which gets 16 kB pages and gives freed pages back too" \
    "$(sqlite3 "$WORK/empty.db" "PRAGMA page_size; PRAGMA auto_vacuum")" "$(printf '16384\n2')"
# a database as schema 8 left it (hex hashes, 4 kB pages) is upgraded by
# the next run: the hashes still match the files, the VACUUM makes 16 kB
# pages, and it is back in WAL mode
sqlite3 "$DB" "PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM;
    PRAGMA journal_mode = WAL; UPDATE articles SET hash = lower(hex(hash));
    PRAGMA user_version = 8" > /dev/null
expect_eq "(the old database has 4 kB pages)" \
    "$(sqlite3 "$DB" "PRAGMA page_size")" 4096
run "$TALAASH_INDEX" --db "$DB" --rehash "$SEEDS"
expect_rc "a run on a schema-8 database" 0
expect_match "finds every file's hash unchanged" "$err" "nothing changed"
expect_eq "stores the hashes as 16 bytes" \
    "$(sqlite3 "$DB" "SELECT DISTINCT typeof(hash) || length(hash) FROM articles")" blob16
expect_eq "moves it to 16 kB pages" "$(sqlite3 "$DB" "PRAGMA page_size")" 16384
expect_eq "in WAL mode" "$(sqlite3 "$DB" "PRAGMA journal_mode")" wal
expect_eq "and the articles read the same" "$(dump "$DB")" "$before"
# a database as schema 9 left it (FTS5 keeping every passage's lengths in
# passages_fts_docsize) is upgraded by the next run: the index is made
# again without them, and every search answers as before
searches() {
    for q in haqqani pakistan "afghanistan OR kashmir" '"united states"' 'talib*'; do
        "$TALAASH" --db "$DB" --format json --limit 40 "$q"
        "$TALAASH" --db "$DB" --format json --limit 40 --articles "$q"
        "$TALAASH" --db "$DB" --format json --limit 40 --exhaustive "$q"
    done 2>&1 | cksum
}
answers=$(searches)
expect_match "(the searches find passages)" \
    "$("$TALAASH" --db "$DB" --format json --exhaustive haqqani)" '"score"'
sqlx "$DB" "DROP TABLE passages_fts;
    CREATE VIRTUAL TABLE passages_fts USING fts5 (body, title, author,
        content = 'passage_docs', content_rowid = 'id', tokenize = 'snowball');
    INSERT INTO passages_fts (passages_fts) VALUES ('rebuild');
    PRAGMA user_version = 9" > /dev/null
expect_eq "(the old database's FTS5 keeps the lengths)" \
    "$(sqlite3 "$DB" "SELECT count(*) > 0 FROM passages_fts_docsize")" 1
run "$TALAASH_INDEX" --db "$DB" "$SEEDS"
expect_rc "a run on a schema-9 database" 0
expect_match "finds every file unchanged" "$err" "nothing changed"
expect_eq "makes the index again without FTS5's lengths" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'passages_fts_docsize'; SELECT sql LIKE '%columnsize = 0%' FROM sqlite_schema WHERE name = 'passages_fts'")" "$(printf '0\n1')"
expect_eq "whose entries are exact" \
    "$(sqlx "$DB" "INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)" 2>&1)" ""
expect_eq "and every search answers as before" "$(searches)" "$answers"
expect_eq "the articles read the same" "$(dump "$DB")" "$before"
# schema 012 (run again by the upgrade above): each article holds the
# range of its passages and its path's key, and is found by them
expect_eq "each article's passage range is exactly its passages" \
    "$(sqlx "$DB" "SELECT count(*) FROM articles AS a WHERE path_key <> tl_path_key(path) OR passage_first IS NOT (SELECT min(id) FROM passages WHERE article_id = a.id) OR passage_last IS NOT (SELECT max(id) FROM passages WHERE article_id = a.id) OR passage_last - passage_first + 1 <> (SELECT count(*) FROM passages WHERE article_id = a.id)")" 0
expect_eq "without the two UNIQUE indexes" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_articles%' OR name LIKE 'sqlite_autoindex_passages%'")" 0
mkdir -p "$WORK/ranges"
for i in 1 2 3; do
    printf 'Ledger %s\n\nThe ferry timetable changed in week %s.\n\nTolls at the bridge rose again.\n' \
        "$i" "$i" > "$WORK/ranges/l$i.txt"
done
run "$TALAASH_INDEX" --db "$WORK/ranges.db" "$WORK/ranges"
printf '\nThe harbour quays were rebuilt.\n' >> "$WORK/ranges/l1.txt"
rm "$WORK/ranges/l2.txt"
run "$TALAASH_INDEX" --db "$WORK/ranges.db" --prune "$WORK/ranges"
expect_rc "an edited and a removed article" 0
expect_eq "leave no passage of theirs behind" \
    "$(sqlx "$WORK/ranges.db" "SELECT count(*) FROM passages AS p WHERE NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.id = p.article_id AND p.id BETWEEN a.passage_first AND a.passage_last); SELECT count(DISTINCT article_id) FROM passages; INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)")" \
    "$(printf '0\n2')"
expect_match "and the edit is found" \
    "$("$TALAASH" --db "$WORK/ranges.db" --format csv quays)" "l1.txt"
expect_eq "the removed one is not" \
    "$("$TALAASH" --db "$WORK/ranges.db" --format csv --count ferry | tr -d '\r' | tail -1)" 2,2

# The files are indexed in the order strcmp() gives their whole paths
# (the list keeps each folder once and the names apart, session 12): a
# folder "b.c" sorts before "b/..." ('.' < '/'), a path given twice and
# a folder given inside another are indexed once, and --dry-run counts
# the same files.
O="$WORK/order"
mkdir -p "$O/a/b" "$O/a/b.c" "$O/a/b-c" "$O/z"
for f in a/b/x.txt a/b.c/y.txt a/b/z.txt a/a.txt a/b-c/w.txt z/1.md a/b/B.txt; do
    printf 'Order %s\n\nA short note about ferries and quays, filed as %s.\n' "$f" "$f" > "$O/$f"
done
run "$TALAASH_INDEX" --db "$WORK/order.db" "$O/z" "$O" "$O/a/b/x.txt" "$O/a/b"
expect_rc "index folders given twice" 0
expect_eq "each file once, in strcmp order of the whole path" \
    "$(sqlite3 "$WORK/order.db" "SELECT substr(path, length('$O') + 2) FROM articles ORDER BY id" | tr '\n' ' ')" \
    "a/a.txt a/b-c/w.txt a/b.c/y.txt a/b/B.txt a/b/x.txt a/b/z.txt z/1.md "
run "$TALAASH_INDEX" --dry-run "$O" "$O/a"
expect_match "the dry run counts each file once" "$out$err" "7 articles"

# The walk (indexer/walk.c): hidden folders and files are passed over
# below the folder given (not the folder given itself), names it does
# not read are left out, a link to a file counts as the file it names,
# a link to a folder is not followed, and a path ending in '/' is the
# folder.
W="$WORK/walk"
mkdir -p "$W/top/.git/objects" "$W/top/sub" "$W/.hidden-root" "$W/elsewhere"
for f in top/.git/objects/h.txt top/.dot.txt top/sub/s.md top/t.html \
         .hidden-root/r.txt elsewhere/e.txt; do
    printf 'Walk %s\n\nA note about harbours and quays, filed as %s.\n' "$f" "$f" > "$W/$f"
done
printf 'not read' > "$W/top/sub/data.csv"
ln -s ../../elsewhere/e.txt "$W/top/sub/e-link.txt"
ln -s ../../elsewhere "$W/top/sub/folder-link"
run "$TALAASH_INDEX" --db "$WORK/walk.db" "$W/top/" "$W/.hidden-root"
expect_rc "walk: index two folders" 0
expect_eq "walk: the files, hidden ones below the folders given passed over" \
    "$(sqlite3 "$WORK/walk.db" "SELECT substr(path, length('$W') + 2) FROM articles ORDER BY id" | tr '\n' ' ')" \
    ".hidden-root/r.txt elsewhere/e.txt top/sub/s.md top/t.html "

finish
