#!/usr/bin/env bash
# fuzz/run.sh - builds the libFuzzer targets, then runs each for a
# bounded time.
#
#   fuzz/run.sh BUILD_DIR [SECONDS [TARGET...]]
#
# BUILD_DIR is a clang build set up for fuzzing (see fuzz/README.md;
# ./bootstrap test makes build-fuzz/); the fuzz-<target> programs are
# built there first (ninja).  TARGETs default to all of fuzz/targets.txt.
# SECONDS (default $TALAASH_FUZZ_SECONDS, else 30) is each target's
# time.  Each target
# starts from its seed corpus fuzz/corpus/<target>/ and its regression
# inputs fuzz/regressions/<target>/; what it learns goes to
# BUILD_DIR/fuzz-work/<target>/corpus/ (kept between runs, never
# committed), a failing input to BUILD_DIR/fuzz-work/<target>/ as
# crash-*, leak-*, timeout-* or oom-*.
#
# Prints one line per target ("fuzz: tokenizer: 812345 runs in 30 s
# (27078/s), ok") and exits 1 when any target found a failing input,
# after saying where it is and how to make it a regression test.
set -uo pipefail

src=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS [TARGET...]]}
seconds=${2:-${TALAASH_FUZZ_SECONDS:-30}}
shift 2 2>/dev/null || shift $#
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < "$src/targets.txt"
fi
exes=()
for t in "${targets[@]}"; do
    exes+=("fuzz/fuzz-$t")
done
ninja -C "$build" "${exes[@]}" >"$build/fuzz-build.log" 2>&1 || {
    cat "$build/fuzz-build.log" >&2
    echo "fuzz: building the targets in $build failed (clang with libFuzzer," \
         "libclang-rt-14-dev, is needed)" >&2
    exit 1
}

# per-target options: longer inputs where a whole article is the input
# (gumbo is quadratic in nesting depth: capped at 64 KiB), dictionaries
options() {
    case $1 in
    html|ingest) echo "-max_len=65536" ;;
    clean|metadata|tokenizer|pages) echo "-max_len=16384" ;;
    *) echo "-max_len=4096" ;;
    esac
    case $1 in
    query|date|html) echo "-dict=$src/dict/$1.dict" ;;
    clean|metadata|ingest) echo "-dict=$src/dict/article.dict" ;;
    esac
}

# symbolized stack traces: Debian names the symbolizer llvm-symbolizer-14
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null; then
    for s in /usr/bin/llvm-symbolizer-*; do
        [ -x "$s" ] && export ASAN_SYMBOLIZER_PATH=$s && break
    done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
total=0
for t in "${targets[@]}"; do
    exe=$build/fuzz/fuzz-$t
    work=$build/fuzz-work/$t
    if [ ! -x "$exe" ]; then
        echo "fuzz: $t: $exe was not built (clang with libFuzzer needed)" >&2
        failed+=("$t")
        continue
    fi
    mkdir -p "$work/corpus"
    rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
    seeds=("$src/corpus/$t")
    [ -d "$src/regressions/$t" ] && seeds+=("$src/regressions/$t")
    # -timeout: one input taking longer is a failure (a hang, or a
    # quadratic blow-up); -rss_limit_mb: so is a memory blow-up
    # shellcheck disable=SC2046
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/" \
        $(options "$t") "$work/corpus" "${seeds[@]}" >"$work/log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/log" | tail -1)
    secs=${secs:-$seconds}
    [ "$secs" -gt 0 ] 2>/dev/null || secs=1
    artifact=$(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -1)
    if [ $status -ne 0 ] || [ -n "$artifact" ]; then
        echo "fuzz: $t: FAILED after ${runs:-?} runs (exit $status)"
        grep -E '^(fuzz: |==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$work/log" | head -5 | sed 's/^/    /'
        if [ -n "$artifact" ]; then
            echo "    input: $artifact"
            echo "    replay: $exe $artifact"
            echo "    keep it: mkdir -p $src/regressions/$t && cp $artifact $src/regressions/$t/NAME (then fix the bug)"
        else
            echo "    log: $work/log"
        fi
        failed+=("$t")
    else
        echo "fuzz: $t: ${runs:-?} runs in $secs s ($(( ${runs:-0} / secs ))/s), ok"
        total=$(( total + ${runs:-0} ))
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#targets[@]} targets, $total runs, no failure"
exit 0
