#!/bin/sh
# Three quarters through the real binary: publish Q1 and import its
# feedback, run Q2 (the repeat cooldown keeps Q1's pairs apart), run Q3 with
# no cooldown (only the feedback ban keeps the pair rated 1 apart), and the
# recognition record counts every published quarter, checked against the
# reports independently.
set -eu
bin=${MM_BIN:-bin/mentormatch}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample="$root/data/samples/acme"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/q.db"

python3 - "$sample/config.json" "$tmp" <<'PY'
import json, sys, os
c = json.load(open(sys.argv[1]))
for name, start, cooldown in (("q2", "2027-06-07", 4), ("q3", "2027-09-06", 0)):
    c["quarter"] = {"start": start, "weeks": 12, "holidays": []}
    c["mentoring"]["repeat_cooldown_quarters"] = cooldown
    json.dump(c, open(os.path.join(sys.argv[2], name + ".json"), "w"))
PY
"$bin" import "$sample" --db "$db" --quiet
"$bin" match --db "$db" --config "$sample/config.json" --out "$tmp/r1" --quiet
"$bin" publish --db "$db" --run 1 --quiet
python3 - "$tmp/r1/report.json" "$tmp" <<'PY'
import json, sys, os
r = json.load(open(sys.argv[1]))
pairs = [p for p in r["pairs"] if not p["pinned"]]
m = [p for p in pairs if p["track"] == "mentoring"][0]
with open(os.path.join(sys.argv[2], "feedback.csv"), "w") as f:
    f.write("learner_id,partner_id,track,sessions_attended,rating\n")
    for p in pairs:
        f.write("%s,%s,%s,%d,%d\n" % (p["learner_id"], p["partner_id"], p["track"], 4, 1 if p is m else 5))
open(os.path.join(sys.argv[2], "banned"), "w").write("%s %s" % (m["learner_id"], m["partner_id"]))
PY
"$bin" feedback "$tmp/feedback.csv" --db "$db" --run 1 --quiet
"$bin" match --db "$db" --config "$tmp/q2.json" --out "$tmp/r2" --quiet
"$bin" publish --db "$db" --run 2 --quiet
"$bin" match --db "$db" --config "$tmp/q3.json" --out "$tmp/r3" --quiet
"$bin" publish --db "$db" --run 3 --quiet
"$bin" recognition --db "$db" --out "$tmp/rec" >/dev/null
/usr/bin/python3 "$root/tests/e2e/check_report.py" "$tmp/r1/report.json" "$tmp/r2/report.json" "$tmp/r3/report.json"
"$bin" recognition --db "$db" --quarter 2027Q1 --out "$tmp/rec1" >/dev/null

python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
rep = [json.load(open(os.path.join(tmp, "r%d" % i, "report.json"))) for i in (1, 2, 3)]
assert [r["run"]["id"] for r in rep] == [1, 2, 3]
key = lambda p: (p["track"], p["learner_id"], p["partner_id"])
q1 = {key(p) for p in rep[0]["pairs"] if not p["pinned"]}
q2 = {key(p) for p in rep[1]["pairs"] if not p["pinned"]}
q3 = {key(p) for p in rep[2]["pairs"]}
# Q2: the repeat cooldown keeps every published Q1 pair apart
assert not (q1 & q2), "Q1 pairs repeated in Q2: %s" % sorted(q1 & q2)[:3]
# Q3 has no cooldown: pairs repeat, except the one rated 1
learner, partner = open(os.path.join(tmp, "banned")).read().split()
assert ("mentoring", learner, partner) not in q3, "the pair rated 1 was matched again"
assert q3 & (q1 | q2), "with no cooldown some earlier pairs should repeat"
# recognition: quarters and sessions as mentor, from the reports themselves
rec = rep[2]  # run 3's report carries the record up to its quarter (runs 1 and 2 published then)
sessions = {}
for r in rep:
    for s in r["sessions"]:
        if s["track"] == "mentoring":
            sessions.setdefault(s["partner_id"], {}).setdefault(r["run"]["id"], 0)
            sessions[s["partner_id"]][r["run"]["id"]] += 1
mentors = {}
for r in rep:
    for p in r["pairs"]:
        if p["track"] == "mentoring":
            mentors.setdefault(p["partner_id"], set()).add(r["run"]["id"])
md = open(os.path.join(tmp, "rec", "recognition.md")).read()
three = [m for m, runs in mentors.items() if len(runs) == 3]
assert three, "nobody mentored in all three quarters"
section = md.split("## Three quarters of mentoring")[1].split("##")[0]
for m in three:
    total = sum(sessions.get(m, {}).values())
    assert "| %s |" % m in section, m
    assert ("| 3 | %d |" % total) in section.split("| %s |" % m)[1].split("\n")[0], (m, total)
for m, runs in mentors.items():
    if len(runs) < 3:
        assert "| %s |" % m not in section, m
# completion rates from Q1's feedback (4 sessions attended of those scheduled)
completion = md.split("## Completion")[1]
assert "| E" in completion and "%" in completion, completion[:200]
# up to 2027Q1 only the first quarter counts
md1 = open(os.path.join(tmp, "rec1", "recognition.md")).read()
assert "up to 2027Q1" in md1 and "Nobody yet" in md1.split("## Three quarters")[1].split("##")[0]
# the run's report carries the record of the quarters published before it
assert "recognition" in rec and rec["recognition"]["people"]
assert os.path.exists(os.path.join(tmp, "r3", "recognition.md"))
print("quarters: %d mentors with three quarters; cooldown, feedback ban and recognition hold" % len(three))
PY
echo "quarters: ok"
