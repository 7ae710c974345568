#!/bin/sh
# diff: two identical drafts differ in nothing; after publishing the first,
# the next run's changes add up (kept + changed + dropped = matched before,
# kept + changed + new = matched after) and agree with the two reports.
set -eu
bin=${MM_BIN:-bin/mentormatch}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample="$root/data/samples/acme"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/q.db"
cfg="$sample/config.json"

"$bin" import "$sample" --db "$db" --quiet
for i in 1 2; do "$bin" match --db "$db" --config "$cfg" --out "$tmp/r$i" --quiet; done
"$bin" publish --db "$db" --run 1 --quiet
"$bin" match --db "$db" --config "$cfg" --out "$tmp/r3" --quiet
"$bin" diff --db "$db" --run 1 --run 2 --out "$tmp/d12" >"$tmp/d12.txt"
"$bin" diff --db "$db" --run 1 --run 3 --out "$tmp/d13" >"$tmp/d13.txt"
grep -q "^mentoring: .* changed 0, new 0, dropped 0" "$tmp/d12.txt"
grep -q "^run 1 -> run 3 (same inputs)" "$tmp/d13.txt"
set +e
"$bin" diff --db "$db" --run 1 2>/dev/null
[ $? -eq 64 ] || { echo "diff with one run should be a usage error"; exit 1; }
"$bin" diff --db "$db" --run 1 --run 42 2>/dev/null
[ $? -eq 65 ] || { echo "diff with a missing run should exit 65"; exit 1; }
set -e
python3 - "$tmp" <<'PY'
import json, sys, os
tmp = sys.argv[1]
def pairs(run, track):
    r = json.load(open(os.path.join(tmp, run, "report.json")))
    out = {}
    for p in r["pairs"]:
        if p["track"] == track:
            out.setdefault(p["learner_id"], []).append(p["partner_id"])
    return {k: ";".join(v) for k, v in out.items()}
d12 = json.load(open(os.path.join(tmp, "d12", "diff.json")))
for t in d12["tracks"].values():
    assert not t["changed"] and not t["new"] and not t["dropped"], t
d = json.load(open(os.path.join(tmp, "d13", "diff.json")))
assert d["run_a"] == 1 and d["run_b"] == 3 and d["same_inputs"]
for track, t in d["tracks"].items():
    a, b = pairs("r1", track), pairs("r3", track)
    k, c, n, dr = (len(t[x]) for x in ("kept", "changed", "new", "dropped"))
    assert k + c + dr == t["matched_a"] == len(a), (track, k, c, dr, len(a))
    assert k + c + n == t["matched_b"] == len(b), (track, k, c, n, len(b))
    for x in t["changed"]:
        assert a[x["learner_id"]] == x["before"] and b[x["learner_id"]] == x["after"]
    for x in t["new"]:
        assert x["learner_id"] not in a and b[x["learner_id"]] == x["after"]
    for x in t["dropped"]:
        assert x["learner_id"] not in b and a[x["learner_id"]] == x["before"]
    assert c > 0, "the published run should have changed some pairs"
assert d["fairness"]["attributes"], d["fairness"]
print("diff: ok")
PY
