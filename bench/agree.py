#!/usr/bin/env python3
"""agree.py - do our solve (auto, and its network simplex alone), GLPK
alone and LEMON reach the same optimum? Runs mm-graph-solve and mm-lemon-solve on seeded random graphs
(bench/randgraph.py: both tracks, both objectives, learner capacities 1 to
3, with pins) and on any .graph files given, and compares learners, arcs and
score of every exact method; greedy must be feasible and never better on the
objective's first criterion.

  agree.py BIN [--count N] [--emps N] [FILE.graph ...]

Prints one line per graph and exits 1 on any disagreement.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def solve(bin_dir, path):
    """The JSON lines of both harnesses on path, keyed by method."""
    lines = []
    for cmd in ([os.path.join(bin_dir, "mm-graph-solve"), path],
                [os.path.join(bin_dir, "mm-lemon-solve"), path]):
        p = subprocess.run(cmd, capture_output=True, text=True)
        lines += [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
    return {l["method"]: l for l in lines}


def check(res):
    """A list of problems with one graph's results."""
    bad = []
    exact = [m for m in ("auto", "network", "glpk", "lemon") if m in res]
    if len(exact) < 4:
        bad.append("missing methods: have %s" % sorted(res))
    triples = {m: (res[m]["status"], res[m]["learners"], res[m]["arcs"], res[m]["score"])
               for m in exact}
    if len(set(triples.values())) > 1:
        bad.append("exact methods disagree: %s" % triples)
    for m in exact:
        if res[m]["status"] == "optimal" and not res[m]["valid"]:
            bad.append("%s infeasible" % m)
    g = res.get("greedy")
    if g and "lemon" in res and res["lemon"]["status"] == "optimal":
        o = res["lemon"]
        if not g["valid"]:
            bad.append("greedy infeasible")
        first = "score" if o["objective"] == "score" else "learners"
        if g[first] > o[first]:
            bad.append("greedy beats the optimum on %s" % first)
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--emps", type=int, default=200)
    ap.add_argument("graphs", nargs="*")
    a = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = list(a.graphs)
        for k in range(a.count):
            track = ("mentoring", "shadowing")[k % 2]
            objective = ("participation", "score")[(k // 2) % 2]
            lcap = 1 if track == "mentoring" else 1 + (k // 4) % 3
            path = os.path.join(tmp, "r%03d-%s-%s.graph" % (k, track, objective))
            with open(path, "w") as f:
                subprocess.run([sys.executable, os.path.join(HERE, "randgraph.py"),
                                "--emps", str(a.emps + 37 * k), "--track", track,
                                "--objective", objective, "--learner-cap", str(lcap),
                                "--degree", str(2 + k % 7), "--pins", str(k % 5),
                                "--seed", str(k + 1)], stdout=f, check=True)
            paths.append(path)
        for path in paths:
            res = solve(a.bin, path)
            bad = check(res)
            o = res.get("lemon", {})
            print("%-48s %-9s %-13s arcs %7s  learners %6s  arcs chosen %6s  score %9s  %s" % (
                os.path.basename(path), o.get("track"), o.get("objective"), o.get("n_arcs"),
                o.get("learners"), o.get("arcs"), o.get("score"),
                "agree" if not bad else "; ".join(bad)))
            failures += bool(bad)
    print("%d of %d graphs disagree" % (failures, len(paths)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
