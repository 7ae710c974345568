#!/bin/sh
# The same inputs give byte-identical outputs whatever the thread count:
# report.json with 1 and 2 threads, timestamps, timings and the thread
# count aside, and unmatched.csv byte for byte.
set -eu
bin=${MM_BIN:-bin/mentormatch}
gen=${MM_GEN:-bin/mm-gen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$gen" --employees 1000 --seed 11 --start 2027-03-01 --out "$tmp/co"
for t in 1 2; do
    "$bin" run "$tmp/co" --config "$tmp/co/config.json" --out "$tmp/out$t" --threads "$t" --quiet
done
strip() {
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("created_at", "timings_ms", "threads"):
    r["run"].pop(k)
r["run"]["config"].pop("threads")
print(json.dumps(r, indent=1, sort_keys=False))' "$1"
}
strip "$tmp/out1/report.json" >"$tmp/r1"
strip "$tmp/out2/report.json" >"$tmp/r2"
cmp "$tmp/r1" "$tmp/r2"
for f in unmatched.csv schedule.csv; do
    cmp "$tmp/out1/$f" "$tmp/out2/$f"
done
# fairness.md and schedule.ics carry the run's creation time
for f in fairness.md schedule.ics; do
    sed -e 's/created [0-9T:Z-]*//' -e '/^DTSTAMP:/d' "$tmp/out1/$f" >"$tmp/a"
    sed -e 's/created [0-9T:Z-]*//' -e '/^DTSTAMP:/d' "$tmp/out2/$f" >"$tmp/b"
    cmp "$tmp/a" "$tmp/b"
done
/usr/bin/python3 "$(dirname "$0")/check_report.py" "$tmp/out1/report.json" "$tmp/out2/report.json"
pairs=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["pairs"]))' "$tmp/out1/report.json")
[ "$pairs" -gt 100 ] || { echo "too few pairs to be a test: $pairs"; exit 1; }
echo "determinism: $pairs pairs identical with 1 and 2 threads"
