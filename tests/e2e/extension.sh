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
got=$(sqlite3 -batch "$DB" "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'apricot'" 2>&1)
expect_match "without the extension the tokenizer is missing" "$got" "no such tokenizer: snowball"

finish
