#!/usr/bin/env python3
"""randgraph.py - a seeded random solver problem in the mmgraph format
(bench/graph.h), for checking the harnesses without the engine's dumps.

  randgraph.py --emps N [--track T] [--objective O] [--degree K]
               [--learner-cap C] [--partner-cap C] [--pins P] [--seed S] > FILE.graph

Employees are learners, partners or both (about 45/35/20 per cent); each
learner gets up to K random partners (never itself) with scores 0..1000,
coarse so that ties happen; learner capacity is C (mentoring: 1), partner
capacity 1..C. About P per cent of learners get one pin, kept within every
capacity so that the pins are feasible.
"""
import argparse
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emps", type=int, required=True)
    ap.add_argument("--track", default="mentoring", choices=["mentoring", "shadowing"])
    ap.add_argument("--objective", default="participation", choices=["participation", "score"])
    ap.add_argument("--degree", type=int, default=5)
    ap.add_argument("--learner-cap", type=int, default=None)
    ap.add_argument("--partner-cap", type=int, default=3)
    ap.add_argument("--pins", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    lcap_max = a.learner_cap if a.learner_cap is not None else (1 if a.track == "mentoring" else 2)

    lcap, pcap = [], []
    for _ in range(a.emps):
        r = rnd.random()
        is_l = r < 0.65
        is_p = r >= 0.45
        lcap.append(lcap_max if is_l else 0)
        pcap.append(rnd.randint(1, a.partner_cap) if is_p else 0)
    partners = [i for i in range(a.emps) if pcap[i] > 0]
    arcs = []
    if partners:
        for l in range(a.emps):
            if lcap[l] == 0:
                continue
            k = rnd.randint(0, a.degree)
            chosen = sorted(set(rnd.choice(partners) for _ in range(k)) - {l})
            for p in chosen:
                # coarse scores: ties are common, as in the engine's graphs
                arcs.append([l, p, rnd.randrange(0, 1001, 50) if rnd.random() < 0.5
                             else rnd.randint(0, 1000), 0])
    lused = [0] * a.emps
    pused = [0] * a.emps
    for arc in arcs:
        l, p = arc[0], arc[1]
        if lused[l] == 0 and pused[p] < pcap[p] and rnd.random() * 100 < a.pins:
            arc[3] = 1
            lused[l] += 1
            pused[p] += 1
    out = sys.stdout
    out.write("mmgraph 1 %s %s %d %d\n" % (a.track, a.objective, a.emps, len(arcs)))
    for i in range(a.emps):
        out.write("%d %d -1\n" % (lcap[i], pcap[i]))
    for l, p, s, pin in arcs:
        out.write("%d %d %d %d\n" % (l, p, s, pin))


if __name__ == "__main__":
    main()
