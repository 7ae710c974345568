#!/bin/sh
# run.sh BUILD BIN - runs every test: the cmocka unit tests, then the
# end-to-end cases through the real binary. Exits non-zero on any failure.
set -u
build=${1:-build}
bin=${2:-bin}
fail=0
here=$(cd "$(dirname "$0")" && pwd)

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    if MM_BIN="$bin/mentormatch" MM_ROOT="$here/.." "$t" >"$build/tests/$name.log" 2>&1; then
        echo "PASS $name"
    else
        echo "FAIL $name (log: $build/tests/$name.log)"
        tail -n 30 "$build/tests/$name.log"
        fail=1
    fi
done

for s in "$here"/e2e/*.sh; do
    [ -f "$s" ] || continue
    name=$(basename "$s" .sh)
    log="$build/tests/e2e-$name.log"
    if MM_BIN="$bin/mentormatch" MM_GEN="$bin/mm-gen" MM_BUILD="$build" sh "$s" >"$log" 2>&1; then
        echo "PASS e2e/$name"
    else
        echo "FAIL e2e/$name (log: $log)"
        tail -n 30 "$log"
        fail=1
    fi
done

[ $fail -eq 0 ] && echo "all tests passed"
exit $fail
