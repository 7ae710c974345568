#!/bin/sh
# engine.sh [SIZES...] - the engine's figures on generated companies: eligible
# pairs, scoring throughput with 1 and 2 threads, solve time per run.
# Each size runs the whole quarterly job (bin/mentormatch run) once per
# thread count, after one warm-up run; figures come from report.json's
# timings. Writes bench/results/engine-COMMIT.json and prints a table.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin="$root/bin/mentormatch"
gen="$root/bin/mm-gen"
sizes=${*:-1000 10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
out="$root/bench/results/engine-$commit.json"

for n in $sizes; do
    "$gen" --employees "$n" --seed 42 --start 2027-03-01 --out "$tmp/c$n"
    "$bin" run "$tmp/c$n" --config "$tmp/c$n/config.json" --out "$tmp/warm$n" --quiet
    for t in 1 2; do
        "$bin" run "$tmp/c$n" --config "$tmp/c$n/config.json" --out "$tmp/o$n-$t" \
            --threads "$t" --quiet
    done
done

/usr/bin/python3 - "$tmp" "$out" "$commit" $sizes <<'PY'
import json, os, platform, sys
tmp, out, commit, sizes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rows = []
for n in sizes:
    row = {"employees": int(n)}
    for t in (1, 2):
        r = json.load(open(os.path.join(tmp, "o%s-%d" % (n, t), "report.json")))
        s = r["run"]["solver"]
        pairs = s["mentoring"]["eligible_pairs"] + s.get("shadowing", {}).get("eligible_pairs", 0)
        tm = r["run"]["timings_ms"]
        row["eligible_pairs"] = pairs
        row["score_ms_%d" % t] = tm["score"]
        row["pairs_per_s_%d" % t] = round(pairs / (tm["score"] / 1000.0)) if tm["score"] else None
        row["solve_ms_%d" % t] = tm["solve"]
        row["methods"] = [s["mentoring"]["method"], s.get("shadowing", {}).get("method", "")]
        row["status"] = [s["mentoring"]["status"], s.get("shadowing", {}).get("status", "")]
    row["score_speedup_2"] = round(row["score_ms_1"] / row["score_ms_2"], 2) if row["score_ms_2"] else None
    rows.append(row)
doc = {"commit": commit, "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
       "runs": rows}
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump(doc, open(out, "w"), indent=1)
print("| employees | eligible pairs | score ms (1 thr) | score ms (2 thr) | speed-up | pairs/s (2 thr) | solve ms | status |")
print("|---:|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    print("| %d | %d | %.0f | %.0f | %.2f | %.3g | %.0f | %s |" % (
        r["employees"], r["eligible_pairs"], r["score_ms_1"], r["score_ms_2"],
        r["score_speedup_2"] or 0, r["pairs_per_s_2"] or 0, r["solve_ms_2"], "/".join(r["status"])))
print("written to", out)
PY
