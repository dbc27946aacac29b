# relevance.sh - a smoke run of the relevance benchmark (bench/relevance)
# on a slice of each test collection, so the harness cannot rot: it must
# index, search and score, and its figures must agree to four decimals
# with the reference scorer ../shared/tools/trec-eval.py on the same run.
# (The benchmark itself is not a test: docs/relevance.md.)
. "$E2E_LIB"

RELEVANCE=${RELEVANCE:-$(dirname "$TALAASH")/bench/relevance/relevance}
SHARED=${SHARED:-$SEEDS/../..}
EVAL=${EVAL_DIR:-$SHARED/eval}
TREC_EVAL=${TREC_EVAL:-$SHARED/tools/trec-eval.py}
[ -x "$RELEVANCE" ] || { echo "no relevance benchmark at $RELEVANCE"; exit 77; }
[ -d "$EVAL/scifact" ] && [ -d "$EVAL/vaswani" ] || { echo "no test collections at $EVAL"; exit 77; }
command -v python3 >/dev/null && [ -f "$TREC_EVAL" ] || { echo "no python3 or $TREC_EVAL"; exit 77; }

SLICE=300

# field N of the table row of collection C in $out ("| c | docs | ...")
field() {
    printf '%s\n' "$out" | awk -F'|' -v c="$1" -v n="$2" \
        '{ x = $2; gsub(/ /, "", x) } x == c { v = $(n + 1); gsub(/ /, "", v); print v }'
}

# trec-eval.py's figure for measure M on collection C's run in DIR
reference() {
    python3 "$TREC_EVAL" "$3/$1.qrels" "$3/$1.run" | awk -v m="$2" '$1 == m { print $3 }'
}

for c in scifact vaswani; do
    mkdir -p "$WORK/$c"
    run "$RELEVANCE" --docs $SLICE --runs "$WORK/$c" "$EVAL/$c"
    expect_rc "$c: a slice of $SLICE documents" 0
    expect_eq "$c: one table row" "$(printf '%s\n' "$out" | grep -c "^| $c |")" 1
    expect_eq "$c: $SLICE documents indexed" "$(field $c 2)" $SLICE
    nq=$(field $c 3)
    [ "${nq:-0}" -gt 5 ] && ok "$c: queries judged on the slice ran ($nq)" || fail "$c: too few queries ($nq)" "$out"
    expect_match "$c: the pipeline is reported" "$err" "^relevance: $c: $SLICE documents, [0-9]+ passages"
    expect_no_match "$c: no query refused" "$err" "refused"

    # the run file: 6 columns, ranks from 1, no document twice for a query
    bad=$(awk 'NF != 6 || $2 != "Q0" || $4 < 1 || seen[$1 " " $3]++ { n++ } END { print n + 0 }' "$WORK/$c/$c.run")
    expect_eq "$c: the run is well formed" "$bad" 0
    expect_eq "$c: every query in the run was judged" \
        "$(cut -d' ' -f1 "$WORK/$c/$c.run" | sort -u | grep -cvxFf <(cut -f1 "$WORK/$c/$c.qrels" | sort -u))" 0

    # our scorer against the reference, to four decimals
    i=4
    for m in ndcg_cut_10 map recall_100 recip_rank_10; do
        expect_eq "$c: $m agrees with trec-eval.py" "$(field $c $i)" "$(reference $c $m "$WORK/$c")"
        i=$((i + 1))
    done
    expect_eq "$c: query count agrees with trec-eval.py" "$nq" "$(reference $c num_q "$WORK/$c")"
done

# the same ranking from talaash's passage search (one per article) as
# from its article list
mkdir -p "$WORK/p"
run "$RELEVANCE" -q --docs $SLICE --passages --runs "$WORK/p" "$EVAL/scifact"
expect_rc "--passages" 0
if cmp -s "$WORK/p/scifact.run" "$WORK/scifact/scifact.run"; then ok "--passages ranks as the article list"
else fail "--passages ranks differently" "$(diff "$WORK/p/scifact.run" "$WORK/scifact/scifact.run" | head -5)"; fi

# FTS5's bm25() reproduced, and parameters that change the ranking
run "$RELEVANCE" -q --docs $SLICE --classic --weights 1,2,2 "$EVAL/scifact"
expect_rc "--classic" 0
run "$RELEVANCE" -q --docs $SLICE --feedback rm3 --fb-docs 3 "$EVAL/vaswani"
expect_rc "--feedback rm3" 0
expect_match "--feedback: a row" "$out" "^\| vaswani \| $SLICE \|"
run "$RELEVANCE" -q --docs $SLICE --expand "$EVAL/vaswani"
expect_rc "--expand (talaash --expand's feedback)" 0
expect_match "--expand: a row" "$out" "^\| vaswani \| $SLICE \|"

# talaash --explain: the query as searched, then each hit's score split by
# word, adding up to the score shown
run "$TALAASH_INDEX" -q --db "$WORK/s.db" "$SAMPLES"
expect_rc "index the samples" 0
run "$TALAASH" --db "$WORK/s.db" --color=never --any --explain -n 3 the haqqani network
expect_rc "--explain" 0
expect_match "--explain shows the query searched (--any leaves the stopword out)" "$out" '^explain: searched "haqqani" OR "network"$'
expect_match "--explain shows each stem with its share" "$out" '^     haqqani +[0-9]+\.[0-9]{2}  idf [0-9.]+, body [0-9]+'
shown=$(printf '%s\n' "$out" | sed -n 's/.* score \([0-9.]*\)$/\1/p' | head -1)
explained=$(printf '%s\n' "$out" | sed -n 's/^   explain: score \([0-9.]*\) =.*/\1/p' | head -1)
expect_eq "--explain's total is the hit's score" "$explained" "$shown"
# the shares are rounded to 0.01 each
adds_up=$(printf '%s\n' "$out" | sed -n 's/^   explain: score [0-9.]* = //p' | head -1 | tr -d '+' |
    awk -v t="$explained" '{ for (i = 1; i <= NF; i++) s += $i; d = s - t; if (d < 0) d = -d; print (NF > 0 && d <= 0.005 * NF + 1e-9) ? "yes" : "no: " s }')
expect_eq "--explain's shares add up to the score" "$adds_up" yes
run "$TALAASH" --db "$WORK/s.db" --color=never --explain -n 1 the haqqani network
expect_match "--explain marks stopwords (all words: searched)" "$out" '^     the +0\.00  stopword, not counted'
run "$TALAASH" --db "$WORK/s.db" --explain --format json haqqani
expect_rc "--explain with JSON" 2
expect_match "--explain with JSON says why" "$err" "explain.*text"

# mistakes
run "$RELEVANCE" "$WORK/nowhere"
expect_rc "a missing collection" 2
expect_match "a missing collection is named" "$err" "^relevance: cannot open '.*nowhere/docs.jsonl'"
expect_one_line "a missing collection" "$err"
mkdir -p "$WORK/bad"
printf '{"id": "1", "text": "fine"}\n{"id": "2", "text": "broken\n' >"$WORK/bad/docs.jsonl"
printf '1\tq\n' >"$WORK/bad/queries.tsv"
printf '1\t1\t1\n' >"$WORK/bad/qrels.tsv"
run "$RELEVANCE" "$WORK/bad"
expect_rc "a broken docs.jsonl" 2
expect_match "the broken line is named" "$err" "docs.jsonl:2: column [0-9]+: "
run "$RELEVANCE" --k1 -1 "$EVAL/scifact"
expect_rc "a bad parameter" 2
expect_match "a bad parameter is named" "$err" "bad --k1 '-1'"

finish
