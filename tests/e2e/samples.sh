# samples.sh - the sample articles that ship in samples/ (our own writing),
# as ./bootstrap demo indexes them.
. "$E2E_LIB"

DB="$WORK/samples.db"
run "$TALAASH_INDEX" --db "$DB" "$SAMPLES"
expect_rc "index samples/" 0
expect_match "seven articles, the README is not one" "$err" '^talaash-index: indexed 7 articles'

titles() { sqlite3 "$DB" "SELECT replace(path, rtrim(path, replace(path, '/', '')), '') || ': ' || title FROM articles ORDER BY 1"; }
expect_eq "titles" "$(titles)" "corridor-extension-kabul.md: Extending the Corridor to Kabul
cpec-debt-scrutiny.txt: CPEC Loans Draw Scrutiny as Islamabad Seeks a New Bailout
f-16-support-package.txt: Congress Weighs F-16 Support Package for Pakistan
haqqani-network-talks.txt: Haqqani Question Hangs Over Fresh Round of Afghan Talks
kashmir-diplomacy-outlook.md: Why Washington Stays Cautious on Kashmir
line-of-control-ceasefire.txt: Quiet Returns to the Line of Control, for Now
torkham-border-trade.txt: Truckers Wait Days at Torkham as Kabul Trade Talks Stall"

q() { run "$TALAASH" --db "$DB" --limit 100 --color=never "$@"; }

q haqqani
expect_eq "haqqani: the three articles about the network" "$(hit_files "$out")" \
    "corridor-extension-kabul.md f-16-support-package.txt haqqani-network-talks.txt"
q Haqqanis
expect_eq "Haqqanis finds the same articles" "$(hit_files "$out")" \
    "corridor-extension-kabul.md f-16-support-package.txt haqqani-network-talks.txt"
q F-16
expect_eq "F-16" "$(hit_files "$out")" "f-16-support-package.txt"
q peshawar
expect_eq "peshawar finds Peshāwar" "$(hit_files "$out")" "torkham-border-trade.txt"
q "line of control"
expect_match "a three-word query" "$(hit_files "$out")" "kashmir-diplomacy-outlook.md"
q China-Pakistan corridor
expect_eq "China-Pakistan corridor" "$(hit_files "$out")" "corridor-extension-kabul.md cpec-debt-scrutiny.txt"
q "Pakistan’s"
expect_rc "curly possessive" 0
q "Pakistan's"
n_straight=$(printf '%s\n' "$out" | grep -c '^[0-9]*\. ')
q Pakistan
expect_eq "Pakistan's and Pakistan find the same passages" "$(printf '%s\n' "$out" | grep -c '^[0-9]*\. ')" "$n_straight"
q negotiate
expect_eq "negotiate finds every inflection" "$(hit_files "$out" | wc -w | tr -d ' ')" 7
q U.S.
u_dots=$(hit_files "$out")
q US
expect_eq "U.S. and US find the same articles" "$(hit_files "$out")" "$u_dots"

finish
