#!/bin/sh
# run.sh - the relevance benchmark: builds, then ranks every test
# collection in ../shared/eval/ the way talaash does and prints one table
# row per collection (docs/relevance.md explains the figures).
#
#   bench/relevance/run.sh [RELEVANCE OPTION]...
#
# BUILD (default: build) is the meson build folder; EVAL_DIR (default:
# ../shared/eval) the folder of collections.  Options go to the
# benchmark program (bench/relevance/relevance --help): --runs DIR keeps
# the TREC runs, --feedback rm3 adds pseudo-relevance feedback, ...
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
eval_dir=${EVAL_DIR:-$root/../shared/eval}

[ -f "$build/build.ninja" ] || meson setup "$build" "$root" >/dev/null
ninja -C "$build" bench/relevance/relevance >/dev/null
for c in "$eval_dir"/*/; do
    if [ -f "$c/docs.jsonl" ]; then set -- "$@" "${c%/}"; fi
done
exec "$build/bench/relevance/relevance" "$@"
