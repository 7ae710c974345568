#!/bin/sh
# fuzz_replay: every seed corpus file and every crash ever found by the fuzzers
# (tests/fuzz/corpus/TARGET, tests/fuzz/crashes/TARGET) replayed through its
# target, built without libFuzzer (mk/fuzz.mk, tests/fuzz/replay.c).
set -eu
build=${MM_BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)

for t in csv json mapping settings; do
    replay="$build/fuzz/replay_$t"
    [ -x "$replay" ] || { echo "missing $replay (make test builds it)"; exit 1; }
    set -- "$root/tests/fuzz/corpus/$t"
    [ -d "$root/tests/fuzz/crashes/$t" ] && set -- "$@" "$root/tests/fuzz/crashes/$t"
    "$replay" "$@"
done
