#!/bin/sh
# Crash safety (tests/alloc/faults.c, --mode kill): import and a whole run,
# each killed with SIGKILL at MM_KILLS (default 120) moments drawn from a
# fixed seed between the start and the end of the command. After each kill:
# the store passes integrity_check and holds the old data, the new, or (for
# run) the new company without the new run; every output is its old or its
# new version, no temporary file is left but one the kill caught between its
# creation and its rename (NAME.tmp.XXXXXX, never taken for NAME), and a
# report.json in the folder is of the same run as every other output there.
set -eu
bin=${MM_BIN:-bin/mentormatch}
gen=${MM_GEN:-bin/mm-gen}
faults=${MM_BUILD:-build}/tests/mm-faults
kills=${MM_KILLS:-120}
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$gen" --employees 80 --seed 5 --start 2027-03-01 --out "$tmp/new" >/dev/null
"$gen" --employees 80 --seed 6 --start 2027-03-01 --out "$tmp/old" >/dev/null
"$bin" run "$tmp/old" --config "$tmp/old/config.json" --db "$tmp/old.db" --out "$tmp/oldout" \
    --threads 1 --quiet 2>/dev/null
cp "$tmp/old.db" "$tmp/mid.db"
"$bin" import "$tmp/new" --db "$tmp/mid.db" --quiet 2>/dev/null

echo "import, killed $kills times:"
"$faults" --mode kill --kills "$kills" --seed 1 --work "$tmp/w1" --db store.db --out out \
    --old-db "$tmp/old.db" --jobs 2 -- import "$tmp/new" --db store.db --quiet
echo "run, killed $kills times:"
"$faults" --mode kill --kills "$kills" --seed 2 --work "$tmp/w2" --db store.db --out out \
    --old-db "$tmp/old.db" --mid-db "$tmp/mid.db" --old-out "$tmp/oldout" --jobs 2 \
    -- run "$tmp/new" --config "$tmp/new/config.json" --db store.db --out out --threads 1 --quiet
echo "kill: ok"
