#!/usr/bin/python3
"""check_report.py REPORT.json... - validates each report against
data/report.schema.json (JSON Schema 2020-12, Debian's python3-jsonschema)
and checks what a schema cannot say: ids and counts that must agree."""
import json
import os
import sys

import jsonschema

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
schema = json.load(open(os.path.join(root, "data", "report.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

failed = False
for path in sys.argv[1:]:
    report = json.load(open(path, encoding="utf-8"))
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.path))
    for e in errors[:20]:
        print("%s: %s: %s" % (path, "/".join(map(str, e.path)), e.message))
    s = report["summary"]
    sessions = report["sessions"]
    checks = [
        (s["matched_mentoring"] == sum(p["track"] == "mentoring" for p in report["pairs"]),
         "matched_mentoring"),
        (s["shadow_sessions"] == sum(p["track"] == "shadowing" for p in report["pairs"]),
         "shadow_sessions"),
        (s["sessions_scheduled"] == len(sessions), "sessions_scheduled"),
        (s["sessions_unplaced"] == len(report["unplaced_sessions"]), "sessions_unplaced"),
        (s["sessions_planned"] == len(sessions) + len(report["unplaced_sessions"]),
         "sessions_planned"),
        (len({x["id"] for x in sessions}) == len(sessions), "unique session ids"),
        (all(x["start_utc"] < x["end_utc"] for x in sessions), "start before end"),
    ]
    for ok, what in checks:
        if not ok:
            print("%s: inconsistent %s" % (path, what))
    if errors or not all(ok for ok, _ in checks):
        failed = True
    else:
        print("%s: valid (schema 1.0)" % path)
sys.exit(1 if failed else 0)
