#!/usr/bin/env bash
# bench/speed/profile.sh - where talaash-index and talaash spend their time:
# `perf record` (DWARF call graphs) of one full index run of the news
# corpus and of one slow query (`talaash said`, the most common word),
# then the top of each profile as text.  The numbers behind "Where the time
# goes" in docs/performance.md.
#
#   bench/speed/profile.sh [--workdir DIR] [QUERY WORD...]
#
# Needs perf (linux-perf) and permission to use it (root, or
# kernel.perf_event_paranoid <= 1).  Uses the release build of run.sh
# (build-release/) and its work folder (default $TMPDIR/talaash-speed);
# writes DIR/profile/{index,query,fts5-load}.perf and .txt.  SQLite's FTS5 functions
# are static and Debian ships no symbols for them: they show as hex
# addresses, so read them through their named callers (children view).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TALAASH_BENCH_BUILD:-$root/build-release}
work=${TMPDIR:-/tmp}/talaash-speed
if [ "${1:-}" = --workdir ]; then
    work=$2
    shift 2
fi
query=("$@")
[ ${#query[@]} -gt 0 ] || query=(said)

command -v perf >/dev/null || { echo "profile: needs perf (apt-get install linux-perf)" >&2; exit 2; }
[ -f "$build/build.ninja" ] || meson setup "$build" "$root" --buildtype=release >/dev/null
ninja -C "$build" talaash talaash-index >/dev/null
ninja -C "$build" bench/speed/fts5-load >/dev/null 2>&1 || true

corpus=$work/corpus/news-rb
if [ ! -f "$corpus.done" ]; then
    mkdir -p "$work/corpus"
    rm -rf "$corpus"
    tar -xJf "$root/../shared/corpus/news-rb.tar.xz" -C "$work/corpus"
    echo ok >"$corpus.done"
fi
out=$work/profile
mkdir -p "$out"
db=$out/profile.db
rm -f "$db" "$db-wal" "$db-shm"
cat "$corpus"/*.txt >/dev/null          # warm the page cache

# The top of a profile: per thread role, named functions by inclusive
# time, self time per library (perf-summary.py), then the hottest
# functions by self time (hex addresses are SQLite's unnamed statics).
report() {
    local data=$1 what=$2
    echo "== $what"
    perf script -i "$data" -F tid,ip,sym,dso 2>/dev/null \
        | python3 "$root/bench/speed/perf-summary.py" 20
    echo "-- hottest functions, self time"
    perf report -i "$data" --no-children --sort dso,symbol -g none --stdio \
        2>/dev/null | grep '%' | head -15 || true
    echo
}

echo "profile: indexing $corpus" >&2
perf record -q -F 499 --call-graph dwarf,16384 -o "$out/index.perf" \
    "$build/talaash-index" -q --db "$db" "$corpus" 2>/dev/null
report "$out/index.perf" "talaash-index, full build" | tee "$out/index.txt"

echo "profile: talaash ${query[*]}" >&2
"$build/talaash" --db "$db" -- "${query[@]}" >/dev/null   # warm
perf record -q -F 9999 --call-graph dwarf,16384 -o "$out/query.perf" \
    "$build/talaash" --db "$db" -- "${query[@]}" >/dev/null 2>&1
report "$out/query.perf" "talaash ${query[*]}" | tee "$out/query.txt"

if [ -x "$build/bench/speed/fts5-load" ]; then    # the baseline, to compare
    echo "profile: the bare FTS5 baseline, fts5-load" >&2
    rm -f "$out/fts5.db" "$out/fts5.db-wal" "$out/fts5.db-shm"
    perf record -q -F 499 --call-graph dwarf,16384 -o "$out/fts5-load.perf" \
        "$build/bench/speed/fts5-load" --db "$out/fts5.db" "$corpus" 2>/dev/null
    report "$out/fts5-load.perf" "fts5-load (baseline), full build" \
        | tee "$out/fts5-load.txt"
fi
