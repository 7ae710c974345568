#!/bin/sh
# Allocation failure (tests/alloc/faults.c): import, into a store holding an
# older company and into a new store, and a whole run on a small company,
# with the Nth allocation failing (ours, SQLite's, cJSON's, libcsv's).
# Every attempt: exit 70 with a message, or 0 with the new outputs; no crash,
# no leak, the store intact and old or new, every output old or new.
#
# What is covered (the N tried until the command completes):
#   import (both)  every N, on every build (about 2,400 allocations into the
#                  older store, 5,700 into a new one);
#   run            a normal build: every N up to MM_ALLOC_DENSE (default 3000),
#                  then every MM_ALLOC_STRIDE-th (default 4), to the end
#                  (about 5,500 allocations);
#                  a sanitizer build (make check; an attempt there costs
#                  several times as much): MM_ALLOC_DENSE 0 and
#                  MM_ALLOC_STRIDE 5 by default: N = 5, 10, 15, ... to the
#                  end, so that LeakSanitizer and UBSan see a failure in
#                  every phase (import, score, solve, schedule, the store,
#                  every output) while the whole of make check stays short.
# The environment variables override either default.
set -eu
bin=${MM_BIN:-bin/mentormatch}
gen=${MM_GEN:-bin/mm-gen}
faults=${MM_BUILD:-build}/tests/mm-faults
# a sanitizer build's library calls into ASan (as in schedule_property.sh)
if nm "${MM_BUILD:-build}/libmentormatch.a" 2>/dev/null | grep -q '__asan'; then
    dense=${MM_ALLOC_DENSE:-0}
    stride=${MM_ALLOC_STRIDE:-5}
else
    dense=${MM_ALLOC_DENSE:-3000}
    stride=${MM_ALLOC_STRIDE:-4}
fi
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$gen" --employees 12 --seed 5 --start 2027-03-01 --out "$tmp/new" >/dev/null
"$gen" --employees 12 --seed 6 --start 2027-03-01 --out "$tmp/old" >/dev/null
# the old state: a store with the older company and one run, and its outputs;
# between old and new for `run`: the new company imported, no new run yet
"$bin" run "$tmp/old" --config "$tmp/old/config.json" --db "$tmp/old.db" --out "$tmp/oldout" \
    --threads 1 --quiet 2>/dev/null
cp "$tmp/old.db" "$tmp/mid.db"
"$bin" import "$tmp/new" --db "$tmp/mid.db" --quiet 2>/dev/null

echo "import into a store with an older company:"
"$faults" --mode alloc --work "$tmp/w1" --db store.db --out out --old-db "$tmp/old.db" \
    --jobs 2 -- import "$tmp/new" --db store.db
# a new store whose import failed keeps its schema and no data
python3 - "$tmp/old.db" "$tmp/empty.db" <<'PY'
import sqlite3, sys
old, new = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
for (sql,) in old.execute("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid"):
    new.execute(sql)
new.commit()
PY
echo "import into a new store:"
"$faults" --mode alloc --work "$tmp/w2" --db store.db --out out --mid-db "$tmp/empty.db" \
    --jobs 2 -- import "$tmp/new" --db store.db
echo "run (dense to $dense, then every ${stride}th):"
"$faults" --mode alloc --work "$tmp/w3" --db store.db --out out --old-db "$tmp/old.db" \
    --mid-db "$tmp/mid.db" --old-out "$tmp/oldout" --dense "$dense" --stride "$stride" \
    --jobs 2 -- run "$tmp/new" --config "$tmp/new/config.json" --db store.db --out out --threads 1
echo "alloc: ok"
