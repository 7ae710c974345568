#!/bin/sh
# The sample company end to end: validate, run, the report's content, a
# byte-identical re-export, runs, explain, and match on the stored data.
set -eu
bin=${MM_BIN:-bin/mentormatch}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample="$root/data/samples/acme"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" validate "$sample" --quiet
"$bin" run "$sample" --config "$sample/config.json" --out "$tmp/out" >"$tmp/run.txt" 2>"$tmp/run.err"
grep -q "mentoring: .* learners matched (optimal" "$tmp/run.txt"
python3 - "$tmp/out/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema_version"] == "1.0"
for t in ("mentoring", "shadowing"):
    s = r["run"]["solver"][t]
    assert s["status"] == "optimal" and s["gap"] == 0 and s["optimal"], s
    assert s["objective"] == s["bound"] == s["total_score"], s
pairs = r["pairs"]
assert len(pairs) > 50
mentored = [p["learner_id"] for p in pairs if p["track"] == "mentoring"]
assert len(mentored) == len(set(mentored)), "a learner with two mentors"
for p in pairs:
    f = p["features"]
    assert set(f) == {"skill", "availability", "cross_department", "seniority", "timezone",
                      "preference", "feedback"}
    assert all(0 <= v <= 1 for v in f.values()), p
    assert 0 <= p["score"] <= 1000
    assert p["learner_id"] != p["partner_id"]
reasons = {"no_goal_for_track", "no_partner_covers_goal", "grade_gap", "excluded",
           "repeat_cooldown", "no_availability_overlap", "capacity"}
for u in r["unmatched"]:
    assert u["reason"] in reasons and u["detail"], u
matched = {(p["track"], p["learner_id"]) for p in pairs}
for u in r["unmatched"]:
    assert (u["track"], u["learner_id"]) not in matched, u
assert r["summary"]["matched_mentoring"] == len(mentored)
assert r["supply"]["skills"] and r["alternatives"]
assert r["fairness"]["attributes"][0]["name"] == "department"
print("sample: %d pairs, %d unmatched" % (len(pairs), len(r["unmatched"])))
PY
/usr/bin/python3 "$root/tests/e2e/check_report.py" "$tmp/out/report.json"
# a stored run re-exports byte for byte
"$bin" report --db "$tmp/out/mentormatch.db" --run 1 --out "$tmp/again" --quiet
cmp "$tmp/out/report.json" "$tmp/again/report.json"
for f in report.json unmatched.csv schedule.csv schedule.ics fairness.md; do
    cmp "$tmp/out/$f" "$tmp/again/$f"
done
"$bin" runs --db "$tmp/out/mentormatch.db" | grep -q "^1 "
learner=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pairs"][0]["learner_id"])' "$tmp/out/report.json")
"$bin" explain --db "$tmp/out/mentormatch.db" --learner "$learner" | grep -q "score"
# a second run on the stored company gives the same pairs
"$bin" match --db "$tmp/out/mentormatch.db" --config "$sample/config.json" --out "$tmp/m2" --quiet
python3 - "$tmp/out/report.json" "$tmp/m2/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["pairs"] == b["pairs"] and a["unmatched"] == b["unmatched"]
assert b["run"]["id"] == 2
PY
/usr/bin/python3 "$root/tests/e2e/check_report.py" "$tmp/m2/report.json"
# names and emails never reach the terminal
python3 - "$sample/employees.csv" "$tmp/run.err" "$tmp/run.txt" <<'PY'
import csv, sys
people = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
text = open(sys.argv[2], encoding="utf-8").read() + open(sys.argv[3], encoding="utf-8").read()
for p in people:
    assert p["name"] not in text and (not p["email"] or p["email"] not in text), p["id"]
PY
echo "sample: ok"
