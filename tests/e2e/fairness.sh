#!/bin/sh
# Fairness enforced on the sample company: the four-fifths constraints hold
# on every track the solver finished, the report shows the price of
# fairness, and fairness.md says so.
set -eu
bin=${MM_BIN:-bin/mentormatch}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample="$root/data/samples/acme"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$sample/config.json" "$tmp/fair.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["fairness"]["enforce"] = True
c["solver"]["time_limit_s"] = 5
json.dump(c, open(sys.argv[2], "w"))
PY
"$bin" run "$sample" --config "$tmp/fair.json" --out "$tmp/out" --quiet
/usr/bin/python3 "$root/tests/e2e/check_report.py" "$tmp/out/report.json"
python3 - "$tmp/out/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["fairness"]
assert f["enforced"] is True
price = f["price_of_fairness"]
cfg = r["run"]["config"]["fairness"]
for track, s in r["run"]["solver"].items():
    assert s["method"] in ("glpk-intopt", "network-simplex+glpk-simplex"), s
    p = price[track]
    assert p["matched_with"] <= p["matched_without"] or p["score_with"] <= p["score_without"], p
    if s["status"] != "optimal":
        assert s["status"] == "feasible" and s["gap"] > 0, s
        continue
    for a in f["attributes"]:
        if a["track"] != track:
            continue
        shown = [g for g in a["groups"] if not g["suppressed"]]
        best = max(g["selection_rate"] for g in shown)
        for g in shown:
            assert g["selection_rate"] >= cfg["min_impact_ratio"] * best - 1e-9, (track, g)
print("fairness: constraints hold; price", json.dumps(price))
PY
grep -q "^## Price of fairness" "$tmp/out/fairness.md"
grep -q "Fairness constraints were enforced" "$tmp/out/fairness.md"
echo "fairness: ok"
