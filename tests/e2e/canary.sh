#!/bin/sh
# Personal data canary: every employee gets a recognisable name and email;
# no command, on its normal path or its error paths, may print them (on
# stdout or stderr). Reports meant to carry them (schedule.ics attendees)
# are not looked at. The error cases of tests/cases/ (whose inputs hold
# "Canary Zebrafish") are run through validate as well.
set -eu
bin=${MM_BIN:-bin/mentormatch}
gen=${MM_GEN:-bin/mm-gen}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log="$tmp/log"
: >"$log"

"$gen" --employees 40 --seed 9 --start 2027-03-01 --out "$tmp/co" >/dev/null
# names "Qxcanary E000001 Zebrafish", emails "qxcanary.e000001@canary-mail.invalid"
python3 - "$tmp/co/employees.csv" <<'PY'
import csv, sys
path = sys.argv[1]
rows = list(csv.DictReader(open(path, newline="")))
for r in rows:
    r["name"] = "Qxcanary %s Zebrafish" % r["id"]
    r["email"] = "qxcanary.%s@canary-mail.invalid" % r["id"].lower()
with open(path, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
PY
cfg="$tmp/co/config.json"
db="$tmp/q.db"

# run CMD...: runs the command, its stdout and stderr into the log, any exit
mm() {
    echo "### $*" >>"$log"
    "$bin" "$@" >>"$log" 2>&1 || true
}

# a copy of the company with one change to employees.csv (python: the rows)
variant() {
    name=$1
    shift
    rm -rf "$tmp/$name"
    cp -r "$tmp/co" "$tmp/$name"
    python3 - "$tmp/$name/employees.csv" "$@"
}

mm validate "$tmp/co" --verbose
mm import "$tmp/co" --db "$db" --verbose
mm run "$tmp/co" --config "$cfg" --db "$db" --out "$tmp/o1" --verbose
mm match --db "$db" --config "$cfg" --out "$tmp/o2" --verbose
mm runs --db "$db"
for id in E000001 E000002 E000003 E000004 E000005 E999999; do
    mm explain --db "$db" --learner "$id"
done
mm report --db "$db" --run 1 --out "$tmp/o3"
mm publish --db "$db" --run 1
mm publish --db "$db" --run 2
mm diff --db "$db" --run 1 --run 2 --out "$tmp/o4"
mm recognition --db "$db" --config "$cfg" --out "$tmp/o5"
# feedback: good rows, then rows with errors
python3 - "$tmp/o1/report.json" "$tmp/fb.csv" "$tmp/fb_bad.csv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
pairs = r["pairs"][:3]
with open(sys.argv[2], "w") as f:
    f.write("learner_id,partner_id,track,sessions_attended,rating\n")
    for p in pairs:
        f.write("%s,%s,%s,1,4\n" % (p["learner_id"], p["partner_id"], p["track"]))
with open(sys.argv[3], "w") as f:
    f.write("learner_id,partner_id,track,sessions_attended,rating\n")
    f.write("Qxcanary E000001 Zebrafish,qxcanary.e000001@canary-mail.invalid,mentoring,x,9\n")
PY
mm feedback "$tmp/fb.csv" --db "$db" --run 1
mm feedback "$tmp/fb_bad.csv" --db "$db" --run 1

# error paths: bad values in the rows of canary employees
variant bad_grade - <<'PY'
import sys; p = sys.argv[1]; t = open(p).read().splitlines()
h = t[0].split(","); g = h.index("grade")
for i in (1, 2):
    c = t[i].split(","); c[g] = "senior"; t[i] = ",".join(c)
open(p, "w").write("\n".join(t) + "\n")
PY
mm validate "$tmp/bad_grade"
mm run "$tmp/bad_grade" --config "$cfg" --db "$tmp/q2.db" --out "$tmp/o6"
variant bad_rows - <<'PY'
import sys; p = sys.argv[1]; t = open(p).read().splitlines()
t.append(t[1])                                   # a duplicate id
t.append('"Qxcanary unterminated,x')             # an unterminated quote
t.insert(3, "E000900,\xff Qxcanary Bad UTF-8,ENG,4,Mars/Olympus,learner,qxcanary.e000900@canary-mail.invalid,,,,,")
open(p, "w", encoding="latin-1").write("\n".join(t) + "\n")
PY
mm validate "$tmp/bad_rows" --verbose
variant long_name - <<'PY'
import sys; p = sys.argv[1]; t = open(p).read().splitlines()
h = t[0].split(","); n = h.index("name")
c = t[1].split(","); c[n] = "Qxcanary" * 600; t[1] = ",".join(c)
open(p, "w").write("\n".join(t) + "\n")
PY
mm validate "$tmp/long_name"
# the same company as one JSON document, valid and with wrong types
python3 - "$tmp/co" "$tmp/co.json" "$tmp/bad.json" <<'PY'
import csv, json, os, sys
d = {}
for f in sorted(os.listdir(sys.argv[1])):
    if f.endswith(".csv"):
        d[f[:-4]] = list(csv.DictReader(open(os.path.join(sys.argv[1], f), newline="")))
json.dump(d, open(sys.argv[2], "w"))
d["employees"][0]["grade"] = "senior"
d["employees"][1]["name"] = 5
d["employees"][2]["email"] = ["qxcanary.x@canary-mail.invalid"]
json.dump(d, open(sys.argv[3], "w"))
PY
mm validate "$tmp/co.json" --verbose
mm validate "$tmp/bad.json" --verbose
mm import "$tmp/bad.json" --db "$tmp/q3.db"

# every error case of the suite, whose inputs carry the canary E002
for c in "$root"/tests/cases/*/; do
    [ -f "$c/company.json" ] && mm validate "$c/company.json" --verbose || mm validate "$c" --verbose
done

if grep -n -i -E "qxcanary|canary-mail|zebrafish|canary@example" "$log" >"$tmp/hits"; then
    echo "personal data printed:"
    head -n 20 "$tmp/hits"
    exit 1
fi
echo "canary: $(grep -c '^###' "$log") commands, no name or email printed"
