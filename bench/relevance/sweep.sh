#!/bin/sh
# sweep.sh - runs the relevance benchmark once per combination of ranking
# options and prints one line per run (the experiments in
# docs/relevance.md were made with it).
#
#   bench/relevance/sweep.sh [-b BUILD] [-e EVAL_DIR] -- 'OPTIONS'...
#
# Each OPTIONS argument is one set of relevance options ("--k1 0.9 --b
# 0.4"); every set runs on scifact and vaswani.  Output: the options, then
# scifact's nDCG@10, MAP, R@100, MRR@10, then vaswani's.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
eval_dir=$here/../../../shared/eval
while getopts b:e: opt; do
    case $opt in
    b) build=$OPTARG ;;
    e) eval_dir=$OPTARG ;;
    *) echo "usage: $0 [-b BUILD] [-e EVAL_DIR] 'OPTIONS'..." >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-b BUILD] [-e EVAL_DIR] 'OPTIONS'..." >&2; exit 2; }

for opts in "$@"; do
    # shellcheck disable=SC2086  # OPTIONS is a list of words
    "$build/bench/relevance/relevance" -q $opts \
        "$eval_dir/scifact" "$eval_dir/vaswani" |
        awk -F'|' -v o="$opts" '$2 ~ /scifact|vaswani/ {
                for (i = 5; i <= 8; i++) { gsub(/ /, "", $i); s = s " " $i }
            } END { printf "%-40s %s\n", o, s }'
done
