#!/bin/sh
# feedback: only for a published run, checked all or nothing with
# FILE:LINE:COLUMN errors; a pair rated 2 or lower is never matched again
# (even with no repeat cooldown), and the feature "feedback" is the
# partner's mean rating scaled to [0, 1] (0.5 for a partner never rated).
set -eu
bin=${MM_BIN:-bin/mentormatch}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample="$root/data/samples/acme"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/q.db"

"$bin" import "$sample" --db "$db" --quiet
"$bin" match --db "$db" --config "$sample/config.json" --out "$tmp/r1" --quiet
# feedback.csv from run 1: the first mentoring pair rated 1, the rest 5
python3 - "$tmp/r1/report.json" "$tmp" <<'PY'
import json, sys, os
r = json.load(open(sys.argv[1]))
out = sys.argv[2]
pairs = [p for p in r["pairs"] if not p["pinned"]]
with open(os.path.join(out, "feedback.csv"), "w") as f:
    f.write("learner_id,partner_id,track,sessions_attended,rating\n")
    for i, p in enumerate(pairs):
        f.write("%s,%s,%s,%d,%d\n" % (p["learner_id"], p["partner_id"], p["track"], 5, 1 if i == 0 else 5))
with open(os.path.join(out, "bad.csv"), "w") as f:
    p = pairs[1]
    f.write("learner_id,partner_id,track,sessions_attended,rating\n")
    f.write("%s,%s,%s,3,9\n" % (p["learner_id"], p["partner_id"], p["track"]))
    f.write("%s,NOBODY,%s,3,4\n" % (p["learner_id"], p["track"]))
    f.write("%s,%s,%s,3,4\n" % (p["learner_id"], p["partner_id"], p["track"]))
    f.write("%s,%s,%s,3,4\n" % (p["learner_id"], p["partner_id"], p["track"]))
    f.write("%s,%s,dancing,x,4\n" % (p["learner_id"], p["partner_id"]))
open(os.path.join(out, "banned"), "w").write("%s %s %s\n" % (pairs[0]["track"], pairs[0]["learner_id"], pairs[0]["partner_id"]))
PY
set +e
"$bin" feedback "$tmp/feedback.csv" --db "$db" --run 1 2>"$tmp/err"
code=$?
set -e
[ "$code" -eq 65 ] && grep -q "run 1 is a draft" "$tmp/err" || { echo "feedback on a draft: $code"; exit 1; }
"$bin" publish --db "$db" --run 1 --quiet
set +e
"$bin" feedback "$tmp/bad.csv" --db "$db" --run 1 2>"$tmp/err"
code=$?
set -e
[ "$code" -eq 65 ] || { echo "bad feedback: exit $code"; cat "$tmp/err"; exit 1; }
grep -q "^mentormatch: feedback.csv:2:5: rating: expected an integer 1..5, got \"9\"" "$tmp/err"
grep -q "^mentormatch: feedback.csv:3:2: partner_id: .* were not paired on" "$tmp/err"
grep -q "^mentormatch: feedback.csv:5:2: partner_id: feedback on .* given twice (first on line 4)" "$tmp/err"
grep -q "^mentormatch: feedback.csv:6:3: track: expected mentoring or shadowing" "$tmp/err"
grep -q "^mentormatch: feedback.csv:6:4: sessions_attended: expected an integer" "$tmp/err"
"$bin" feedback "$tmp/feedback.csv" --db "$db" --run 1 | grep -q "stored"

# the next quarter, with no repeat cooldown and the feedback feature weighted
python3 - "$sample/config.json" "$tmp/q2.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["quarter"] = {"start": "2027-06-07", "weeks": 12, "holidays": []}
c["mentoring"]["repeat_cooldown_quarters"] = 0
c["weights"]["feedback"] = 20
json.dump(c, open(sys.argv[2], "w"))
PY
"$bin" match --db "$db" --config "$tmp/q2.json" --out "$tmp/r2" --quiet
python3 - "$tmp/r1/report.json" "$tmp/r2/report.json" "$tmp/banned" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
track, learner, partner = open(sys.argv[3]).read().split()
got = {(p["track"], p["learner_id"], p["partner_id"]) for p in b["pairs"]}
assert (track, learner, partner) not in got, "a pair rated 1 was matched again"
rated = {p["partner_id"] for p in a["pairs"] if not p["pinned"]}
for p in b["pairs"]:
    v = p["features"]["feedback"]
    if p["partner_id"] not in rated:
        assert v == 0.5, p          # never rated: the middle of the scale
    elif p["partner_id"] != partner:
        assert v == 1.0, p          # rated 5 every time
assert any(p["partner_id"] in rated and p["partner_id"] != partner for p in b["pairs"])
repeat = got & {(p["track"], p["learner_id"], p["partner_id"]) for p in a["pairs"]}
print("feedback: banned pair kept apart; %d well-rated pairs matched again" % len(repeat))
PY
echo "feedback: ok"
