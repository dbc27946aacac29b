# lib.sh - helpers for the end-to-end tests (sourced by each *.sh).
# The binaries and data folders come from meson's test env:
# TALAASH, TALAASH_INDEX, TALAASH_EXT, SEEDS, SAMPLES, TESTDATA.
set -u

passed=0
failed=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/talaash-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" XDG_DATA_HOME="" TALAASH_DB="" NO_COLOR=""
mkdir -p "$HOME"

ok()   { passed=$((passed + 1)); printf 'ok - %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL - %s\n' "$1"; shift; printf '    %s\n' "$@"; }

# run CMD...: runs it, keeping stdout in $out, stderr in $err, exit in $rc.
run() {
    "$@" >"$WORK/stdout" 2>"$WORK/stderr"
    rc=$?
    out=$(cat "$WORK/stdout")
    err=$(cat "$WORK/stderr")
}

# expect_rc NAME WANT: the last run exited WANT.
expect_rc() {
    if [ "$rc" -eq "$2" ]; then ok "$1 (exit $2)"
    else fail "$1: exit $rc, want $2" "stdout: $(head -c 600 "$WORK/stdout")" "stderr: $(head -c 600 "$WORK/stderr")"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"
    else fail "$1" "got:  $2" "want: $3"; fi
}

# expect_match NAME TEXT REGEX (grep -E)
expect_match() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"
    else fail "$1: no match for /$3/" "in: $(printf '%s' "$2" | head -c 800)"; fi
}

# expect_no_match NAME TEXT REGEX
expect_no_match() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then
        fail "$1: unexpected /$3/" "in: $(printf '%s' "$2" | head -c 800)"
    else ok "$1"; fi
}

# expect_one_line NAME TEXT: an error message is exactly one line.
expect_one_line() {
    expect_eq "$1 is one line" "$(printf '%s\n' "$2" | wc -l | tr -d ' ')" 1
}

# The sorted, unique file names (basenames) of the hits in talaash's text
# output.
hit_files() {
    printf '%s\n' "$1" | sed -n 's|^   .*/\([^/#]*\)#[0-9]*$|\1|p; s|^   \([^/#]*\)#[0-9]*$|\1|p' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

finish() {
    printf '%d passed, %d failed\n' "$passed" "$failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# sqlx DB SQL...: the sqlite3 shell with talaash's extension loaded, which
# the view passage_texts (the passages with their text) needs.
sqlx() { local db=$1; shift; sqlite_shell "$db" ".load $TALAASH_EXT" "$@"; }

# sqlite_shell ARGS...: the sqlite3 shell, able to .load $TALAASH_EXT even
# when it was built with sanitizers, thread too (their runtimes must be
# preloaded).
sqlite_shell() {
    local pre
    pre=$(ldd "$TALAASH_EXT" 2>/dev/null | awk '/lib(asan|ubsan|tsan)\.so/ { print $3 }' | paste -sd: -)
    LD_PRELOAD="$pre" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" sqlite3 -batch "$@"
}
