#!/bin/sh
# publish: one official run per quarter, --replace says what it replaces,
# and a published run is history: the next run keeps its pairs apart
# (repeat cooldown), drafts never do.
set -eu
bin=${MM_BIN:-bin/mentormatch}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample="$root/data/samples/acme"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/q.db"
cfg="$sample/config.json"

"$bin" import "$sample" --db "$db" --quiet
"$bin" match --db "$db" --config "$cfg" --out "$tmp/r1" --quiet
"$bin" match --db "$db" --config "$cfg" --out "$tmp/r2" --quiet
# drafts are not history: run 2 repeats run 1 exactly
python3 - "$tmp/r1/report.json" "$tmp/r2/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["pairs"] == b["pairs"], "a draft changed the next run"
PY

"$bin" publish --db "$db" --run 1 | grep -q "run 1 is now the official run of 2027Q1"
set +e
"$bin" publish --db "$db" --run 2 2>"$tmp/err"
code=$?
set -e
[ "$code" -eq 64 ] || { echo "publish over an official run: exit $code, expected 64"; exit 1; }
grep -q "run 1 is already the official run of 2027Q1" "$tmp/err"
"$bin" publish --db "$db" --run 2 --replace | grep -q "replaces run 1"
"$bin" runs --db "$db" | grep -q "^2 .*published"
"$bin" runs --db "$db" | grep "^1 " | grep -q "draft"
"$bin" publish --db "$db" --run 9 2>/dev/null && { echo "published a run that does not exist"; exit 1; }

# run 2 is history now: a new run of the same quarter repeats none of its pairs
"$bin" match --db "$db" --config "$cfg" --out "$tmp/r3" --quiet
python3 - "$tmp/r2/report.json" "$tmp/r3/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
old = {(p["track"], p["learner_id"], p["partner_id"]) for p in a["pairs"] if not p["pinned"]}
new = {(p["track"], p["learner_id"], p["partner_id"]) for p in b["pairs"]}
again = old & new
assert not again, "published pairs matched again: %s" % sorted(again)[:5]
# a pin continues a mentorship: it is kept through the cooldown
pins = {(p["track"], p["learner_id"], p["partner_id"]) for p in a["pairs"] if p["pinned"]}
kept = {(p["track"], p["learner_id"], p["partner_id"]) for p in b["pairs"] if p["pinned"]}
assert pins and pins == kept, (pins, kept)
reasons = {u["reason"] for u in b["unmatched"]}
assert "repeat_cooldown" in reasons, reasons
print("publish: %d published pairs kept apart; repeat_cooldown among the reasons" % len(old))
PY
echo "publish: ok"
