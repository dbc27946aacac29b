# seeds.sh - index the seed articles (../shared/corpus/seeds) and search
# them as a user would.
. "$E2E_LIB"

DB="$WORK/seeds.db"
[ -d "$SEEDS" ] || { echo "no seed articles at $SEEDS"; exit 77; }

run "$TALAASH_INDEX" --db "$DB" "$SEEDS"
expect_rc "index the seeds" 0
expect_match "summary names the count" "$err" '^talaash-index: indexed 5 articles \([0-9]+ passages\), 0 unchanged, 0 renamed, 0 removed, 0 skipped, 0 warnings'

run "$TALAASH" --db "$DB" --limit 1000 --color=never haqqani
expect_rc "haqqani matches" 0
expect_eq "haqqani is in exactly seeds 000, 001 and 003" \
    "$(hit_files "$out" | sed 's/_[0-9a-f]*\.txt//g')" "000 001 003"
expect_match "hits show rank and title" "$out" '^1\. [^ ]'
expect_match "then date, author, topics and score" "$out" '^   (undated|[0-9-]+) · .* · score [0-9.]+$'

run "$TALAASH" --db "$DB" --limit 3 "Pakistan’s"
expect_rc "Pakistan’s (curly apostrophe) finds hits" 0
run "$TALAASH" --db "$DB" --limit 3 "Pakistan's"
expect_rc "Pakistan's (straight apostrophe) finds hits" 0

run "$TALAASH" --db "$DB" --color=always negotiate
expect_rc "negotiate finds hits" 0
expect_match "a stemmed form is highlighted" "$out" $'\033\\[1;31mnegotiat[a-z]*\033\\[0m'

run "$TALAASH" --db "$DB" --color=never --limit 1 "U.S.-Pakistan"
expect_rc "U.S.-Pakistan is searched as a phrase" 0

run "$TALAASH" --db "$DB" --limit 5 --color=never haqqani
expect_eq "--limit caps the hits" "$(printf '%s\n' "$out" | grep -c '^[0-9]*\. ')" 5

# a second run changes nothing, and says so
sum_before=$(cksum < "$DB")
run "$TALAASH_INDEX" --db "$DB" "$SEEDS"
expect_rc "re-index unchanged seeds" 0
expect_match "second run reports everything unchanged" "$err" '^talaash-index: nothing changed: 5 articles already up to date'
expect_eq "second run leaves the database file as it was" "$(cksum < "$DB")" "$sum_before"

# an edited copy is re-indexed, an untouched one is not
mkdir -p "$WORK/copy"
cp "$SEEDS"/*.txt "$WORK/copy/"
run "$TALAASH_INDEX" --db "$WORK/copy.db" "$WORK/copy"
expect_rc "index a copy" 0
touch -d '2001-01-01' "$WORK/copy/"001_*.txt
printf '\nA closing paragraph about zanzibarian quokkas.\n' >> "$WORK/copy/"002_*.txt
run "$TALAASH_INDEX" --db "$WORK/copy.db" "$WORK/copy"
expect_rc "re-index after an edit" 0
expect_match "only the edited file is indexed" "$err" 'indexed 1 article \([0-9]+ passages\), 4 unchanged'
run "$TALAASH" --db "$WORK/copy.db" --color=never quokka
expect_rc "the new words are found" 0
expect_eq "in the edited file" "$(hit_files "$out" | sed 's/_[0-9a-f]*\.txt//g')" "002"

finish
