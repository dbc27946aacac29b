# extension.sh - the tokenizer as a loadable SQLite extension.
. "$E2E_LIB"

command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }
DB="$WORK/ext.db"
run "$TALAASH_INDEX" --db "$DB" "$TESTDATA/mini"
expect_rc "build a database" 0

ext=${TALAASH_EXT%.so}
got=$(sqlite_shell "$DB" ".load $ext" \
  "SELECT a.title FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN articles a ON a.id = p.article_id WHERE passages_fts MATCH 'apricots' ORDER BY rank" 2>&1)
expect_eq "MATCH works in the sqlite3 shell after .load" "$got" "Orchard notes"
got=$(sqlite_shell "$DB" ".load $TALAASH_EXT" \
  "SELECT highlight(passages_fts, 0, '[', ']') FROM passages_fts WHERE passages_fts MATCH 'growers' " 2>&1)
expect_match "highlight() marks the original word" "$got" "the \[growers\]' cooperative"
# tl_bm25() ranks in the shell as talaash does (the same passages, the
# same order, the same scores as its CSV prints them)
DBS="$WORK/seeds.db"
run "$TALAASH_INDEX" -q --db "$DBS" "$SEEDS"
expect_rc "index the seeds" 0
for q in pakistan 'haqqani OR taliban' '"united states"'; do
    match=$("$TALAASH" --db "$DBS" --color=never --explain -n 1 -- "$q" | sed -n 's/^explain: searched //p' | head -1)
    want=$("$TALAASH" --db "$DBS" --format csv --per-article 0 -n 15 -- "$q" \
        | python3 -c 'import csv, sys
rows = list(csv.DictReader(sys.stdin))
print("\n".join("%s|%s|%s" % (r["path"], r["passage"], r["score"]) for r in rows))')
    got=$(sqlite_shell "$DBS" ".load $TALAASH_EXT" \
        "SELECT a.path || '|' || p.ordinal || '|' || printf('%.4f', -tl_bm25(passages_fts)) FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN articles a ON a.id = p.article_id WHERE passages_fts MATCH '$(printf '%s' "$match" | sed "s/'/''/g")' ORDER BY -tl_bm25(passages_fts) DESC, passages_fts.rowid LIMIT 15" 2>&1)
    [ -n "$want" ] || fail "'$q': talaash found nothing to compare"
    expect_eq "tl_bm25() in the shell ranks '$q' as talaash does" "$got" "$want"
done
# the text is stored compressed, once per article: the shell reads it
# through the view passage_texts, which needs the extension's
# tl_passage_text()
got=$(sqlite_shell "$DB" ".load $TALAASH_EXT" \
  "SELECT text FROM passage_texts WHERE text LIKE '%growers%'" 2>&1)
expect_match "the shell reads the passages' text through passage_texts" "$got" "the growers' cooperative"
expect_eq "which passages.text leaves to article_texts" \
    "$(sqlite3 -batch "$DB" "SELECT count(*) FROM passages WHERE text IS NOT NULL")" 0
got=$(sqlite3 -batch "$DB" "SELECT text FROM passage_texts LIMIT 1" 2>&1)
expect_match "without the extension the view names what is missing" "$got" "no such function: tl_passage_text"
got=$(sqlite3 -batch "$DB" "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'apricot'" 2>&1)
expect_match "without the extension the tokenizer is missing" "$got" "no such tokenizer: snowball"

finish
