#!/usr/bin/env bash
# bench/speed/run.sh - the speed benchmark (issue 7): talaash-index and
# talaash against a bare SQLite FTS5 table (porter unicode61), in the same
# run, on the news corpus; writes the results into docs/performance.md.
#
#   bench/speed/run.sh [--scale N]... [--runs K] [--query-runs Q]
#                      [--jobs J] [--workdir DIR] [--corpus-dir DIR]
#                      [--rev REV] [--no-doc]
#
#   --scale N      articles: 21268 is the real corpus (the default); more
#                  grows it with ../shared/tools/scale-corpus.py (200000 is
#                  ~207 MB of text, 1000000 ~1 GB); repeat for a curve
#   --runs K       index runs per measurement, medians reported (default 5)
#   --query-runs Q rounds over the query list (default 20)
#   --jobs J       talaash-index --jobs (default: one per core)
#   --workdir DIR  corpora, databases, logs (default $TMPDIR/talaash-speed,
#                  else /tmp/talaash-speed); never inside the repository
#   --corpus-dir DIR  the corpora only (default WORKDIR/corpus): a tmpfs
#                  such as /dev/shm keeps 1,000,000 articles (4 GB in 4 KB
#                  blocks) warm where the page cache cannot (the databases
#                  stay in WORKDIR)
#   --rev REV      measure the committed revision REV (git archive into the
#                  work folder, built there) instead of the working tree
#   --no-doc       keep docs/performance.md as it is
#   --doc-only     measure nothing; rebuild the section of docs/performance.md
#                  from bench/speed/results/*.json
#
# The programs are built optimised (meson --buildtype=release) in
# build-release/, or TALAASH_BENCH_BUILD=DIR.  The default run takes about
# five minutes on two idle cores.  Results: bench/speed/results/N.json and
# the marked section of docs/performance.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TALAASH_BENCH_BUILD:-$root/build-release}
work=${TMPDIR:-/tmp}/talaash-speed
rev=
pass=()
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0 ;;
    --rev) rev=${2:?--rev needs a revision}; shift 2 ;;
    --rev=*) rev=${1#--rev=}; shift ;;
    --workdir) work=${2:?--workdir needs a folder}; pass+=("$1" "$2"); shift 2 ;;
    --workdir=*) work=${1#--workdir=}; pass+=("$1"); shift ;;
    *) pass+=("$1"); shift ;;
    esac
done
commit=
if [ -n "$rev" ]; then
    # the committed sources, with this benchmark laid over them
    commit=$(git -C "$root" rev-parse --short "$rev^{commit}")
    src=$work/src-$commit
    if [ ! -f "$src/.exported" ]; then
        rm -rf "$src"
        mkdir -p "$src"
        git -C "$root" archive "$commit" | tar -x -C "$src"
        touch "$src/.exported"
    fi
    mkdir -p "$src/bench/speed"
    cp "$root"/bench/speed/*.c "$root"/bench/speed/meson.build "$src/bench/speed/"
    grep -q "subdir('bench/speed')" "$src/meson.build" \
        || printf "subdir('bench/speed')\n" >>"$src/meson.build"
    build=$src/build-release
    setup_src=$src
else
    setup_src=$root
fi

if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$setup_src" --buildtype=release >/dev/null
else
    buildtype=$(meson introspect --buildoptions "$build" | python3 -c \
        'import json, sys; print(*[o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"])')
    [ "$buildtype" = release ] || meson configure "$build" --buildtype=release >/dev/null
fi
case " ${pass[*]-} " in
*" --doc-only "*) ;;
*)
    if ! log=$(ninja -C "$build" talaash talaash-index bench/speed/fts5-load \
                   bench/speed/fts5-query 2>&1); then
        printf '%s\n' "$log" | tail -25 >&2
        echo "run.sh: the build in $build failed${rev:-; --rev HEAD measures the committed code}" >&2
        exit 2
    fi ;;
esac

args=(--root "$root" --build "$build" --command "bench/speed/run.sh${rev:+ --rev $rev}${pass[*]:+ ${pass[*]}}")
[ -z "$commit" ] || args+=(--commit "$commit (git archive of $rev)")
exec python3 "$root/bench/speed/speed.py" "${args[@]}" "${pass[@]}"
