#!/bin/sh
# Pricing with many learners open at once (here about 800, each asking for
# the pairs scoring left out): with one pair per learner kept
# (solver.max_candidates = 1), mentoring's optimum must equal the one over
# every pair (max_candidates = 0), and be the same with 1 and 2 threads.
# (Shadowing is not compared across the two: its problem leaves out each
# learner's mentor, and mentoring's optimum has ties.)
set -eu
bin=${MM_BIN:-bin/mentormatch}
gen=${MM_GEN:-bin/mm-gen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$gen" --employees 3000 --seed 12 --start 2027-03-01 --out "$tmp/co" >/dev/null
python3 - "$tmp" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1] + "/co/config.json"))
for name, k in (("k1", 1), ("k0", 0)):
    c.setdefault("solver", {})["max_candidates"] = k
    json.dump(c, open("%s/%s.json" % (sys.argv[1], name), "w"))
EOF
for run in k1:1 k1:2 k0:2; do
    k=${run%:*} t=${run#*:}
    "$bin" run "$tmp/co" --config "$tmp/$k.json" --out "$tmp/$k-$t" --threads "$t" --quiet
done
python3 - "$tmp" <<'EOF'
import json, sys
tmp = sys.argv[1]
def load(name):
    r = json.load(open("%s/%s/report.json" % (tmp, name)))
    for k in ("created_at", "timings_ms", "threads"):
        r["run"].pop(k)
    r["run"]["config"].pop("threads")
    return r
one, two, full = load("k1-1"), load("k1-2"), load("k0-2")
assert one == two, "max_candidates 1: 1 and 2 threads differ"
m, f = one["run"]["solver"]["mentoring"], full["run"]["solver"]["mentoring"]
assert m["status"] == "optimal" and f["status"] == "optimal", (m["status"], f["status"])
assert (m["matched"], m["total_score"]) == (f["matched"], f["total_score"]), (m, f)
assert m["solved_pairs"] < f["solved_pairs"], "no pair left out: not a test of pricing"
print("pricing: mentoring %d learners, score %d, from %d of %d pairs, as over every pair"
      % (m["matched"], m["total_score"], m["solved_pairs"], f["solved_pairs"]))
EOF
