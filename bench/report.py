#!/usr/bin/env python3
"""report.py - bench/REPORT.md and the time-per-phase chart from one results
file of bench.py.

  report.py RESULTS.json REPORT.md CHART.svg

Every figure is a median over the runs, with the minimum and maximum in
brackets; nothing is measured here. The chart is drawn by hand (SVG, log-log
axes) with the standard library only.
"""
import json
import math
import os
import statistics
import sys

PHASES = ["import", "score", "solve", "schedule", "export"]
COLORS = {"import": "#1f77b4", "score": "#ff7f0e", "solve": "#d62728",
          "schedule": "#2ca02c", "export": "#9467bd", "end to end": "#222222"}


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def num(x, digits=3):
    """x with `digits` significant digits, thousands separated."""
    if x is None:
        return "-"
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - mag)
    return "{:,.{}f}".format(x, decimals)


def spread(xs, digits=3):
    """median (min-max) of xs."""
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    if len(xs) == 1 or min(xs) == max(xs):
        return num(med(xs), digits)
    return "%s (%s-%s)" % (num(med(xs), digits), num(min(xs), digits), num(max(xs), digits))


def mib(kb):
    return kb / 1024.0 if kb is not None else None


def match_rows(size, threads):
    return [m for r in size.get("runs", []) for m in r.get("match", [])
            if m.get("threads") == threads and m.get("rc") == 0 and m.get("timings_ms")]


def pairs_of(m):
    solver = m.get("solver") or {}
    return sum(t.get("eligible_pairs", 0) for t in solver.values())


def ok_imports(size):
    return [r["import"] for r in size.get("runs", []) if r["import"]["rc"] == 0]


def job_totals(size, threads):
    """End-to-end seconds per run: import wall + match wall at `threads`."""
    out = []
    for r in size.get("runs", []):
        ms = [m for m in r.get("match", []) if m.get("threads") == threads and m.get("rc") == 0]
        if r["import"]["rc"] == 0 and ms:
            out.append(r["import"]["wall_s"] + ms[0]["wall_s"])
    return out


def peak_kb(size, threads):
    out = []
    for r in size.get("runs", []):
        ms = [m for m in r.get("match", []) if m.get("threads") == threads and m.get("rc") == 0]
        if r["import"]["rc"] == 0 and ms and r["import"]["maxrss_kb"] and ms[0]["maxrss_kb"]:
            out.append(max(r["import"]["maxrss_kb"], ms[0]["maxrss_kb"]))
    return out


def solver_rows(size):
    return [s for s in size.get("solvers", []) if "method" in s]


def graphs_of(size):
    seen = []
    for s in solver_rows(size):
        key = (s.get("graph_kind"), s.get("graph"))
        if key not in seen:
            seen.append(key)
    return seen


def rows_for(size, key, method):
    return [s for s in solver_rows(size)
            if (s.get("graph_kind"), s.get("graph")) == key and s["method"] == method]


def opt_of(rows):
    """(learners, arcs, score) of the optimal rows, the set of them."""
    return {(r["learners"], r["arcs"], r["score"]) for r in rows if r.get("status") == "optimal"}


# ------------------------------------------------------------------ chart --

def chart(doc, path):
    sizes = [s for s in doc["sizes"] if s.get("runs")]
    threads = max(doc["settings"]["threads"])
    series = {}
    for s in sizes:
        n = s["employees"]
        ms = match_rows(s, threads)
        imp = ok_imports(s)
        if imp:
            series.setdefault("import", []).append((n, med([i["wall_s"] for i in imp])))
        for ph in PHASES[1:]:
            v = med([m["timings_ms"].get(ph) for m in ms])
            if v is not None:
                series.setdefault(ph, []).append((n, v / 1000.0))
        tot = job_totals(s, threads)
        if tot:
            series.setdefault("end to end", []).append((n, med(tot)))
    pts = [(x, y) for v in series.values() for x, y in v if x > 0 and y > 0]
    W, H, L, R, T, B = 760, 460, 70, 150, 40, 55
    if pts:
        x0 = math.floor(math.log10(min(p[0] for p in pts)))
        x1 = math.ceil(math.log10(max(p[0] for p in pts)))
        y0 = math.floor(math.log10(min(p[1] for p in pts)))
        y1 = math.ceil(math.log10(max(p[1] for p in pts)))
    else:
        x0, x1, y0, y1 = 3, 6, -3, 2
    x1 = max(x1, x0 + 1)
    y1 = max(y1, y0 + 1)

    def sx(x):
        return L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)

    def sy(y):
        return H - B - (math.log10(y) - y0) / (y1 - y0) * (H - T - B)

    def label(e, unit):
        if unit == "s":
            return {-3: "1 ms", -2: "10 ms", -1: "100 ms", 0: "1 s", 1: "10 s", 2: "100 s",
                    3: "1,000 s"}.get(e, "1e%d s" % e)
        return "{:,}".format(10 ** e) if e >= 0 else "1e%d" % e

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">' % (W, H, W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">Time per phase against '
           'company size (%d thread%s, median of %d runs)</text>' % (
               L, threads, "s" if threads > 1 else "", doc["settings"]["runs"])]
    for e in range(x0, x1 + 1):
        for k in range(1, 10):
            v = k * 10.0 ** e
            if math.log10(v) > x1 + 1e-9:
                break
            x = sx(v)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>' % (
                x, T, x, H - B, "#cccccc" if k == 1 else "#eeeeee"))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (
            sx(10.0 ** e), H - B + 18, label(e, "n")))
    for e in range(y0, y1 + 1):
        for k in range(1, 10):
            v = k * 10.0 ** e
            if math.log10(v) > y1 + 1e-9:
                break
            y = sy(v)
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>' % (
                L, y, W - R, y, "#cccccc" if k == 1 else "#eeeeee"))
        out.append('<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s'
                   '</text>' % (L - 6, sy(10.0 ** e), label(e, "s")))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>' % (
        L, T, W - L - R, H - T - B))
    out.append('<text x="%d" y="%d" text-anchor="middle">employees (log scale)</text>' % (
        (L + W - R) // 2, H - 12))
    out.append('<text x="16" y="%d" text-anchor="middle" transform="rotate(-90 16 %d)">'
               'seconds (log scale)</text>' % ((T + H - B) // 2, (T + H - B) // 2))
    ly = T + 10
    for name in PHASES + ["end to end"]:
        pts_n = [(x, y) for x, y in series.get(name, []) if x > 0 and y > 0]
        if not pts_n:
            continue
        c = COLORS[name]
        dash = ' stroke-dasharray="6 3"' if name == "end to end" else ""
        out.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>' % (
            c, dash, " ".join("%.1f,%.1f" % (sx(x), sy(y)) for x, y in pts_n)))
        for x, y in pts_n:
            out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s, %s '
                       'employees: %s s</title></circle>' % (sx(x), sy(y), c, name,
                                                            "{:,}".format(x), num(y)))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>' % (
            W - R + 12, ly, W - R + 36, ly, c, dash))
        out.append('<text x="%d" y="%d" dominant-baseline="middle">%s</text>' % (
            W - R + 42, ly, name))
        ly += 20
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ----------------------------------------------------------------- report --

def targets(doc, threads):
    """The done-when lines of issue 5 that this file can answer."""
    by = {s["employees"]: s for s in doc["sizes"]}
    lines = []

    def e2e(n, limit_s, limit_gib=None):
        s = by.get(n)
        tot = job_totals(s, threads) if s else []
        if not tot:
            return "| %s employees end to end under %d s%s | not measured | - |" % (
                "{:,}".format(n), limit_s, " and %d GiB" % limit_gib if limit_gib else "")
        t = med(tot)
        pk = (med(peak_kb(s, threads)) or 0) / 1048576.0
        ok = t < limit_s and (limit_gib is None or pk < limit_gib)
        certified = all(m["solver"][tr].get("status") == "optimal"
                        for m in match_rows(s, threads) for tr in (m.get("solver") or {}))
        return "| %s employees end to end under %d s%s, every optimum certified | %s s, %s GiB, " \
               "%s | %s |" % ("{:,}".format(n), limit_s,
                              " and %d GiB peak" % limit_gib if limit_gib else "", num(t),
                              num(pk), "all optimal" if certified else "NOT all optimal",
                              "met" if ok and certified else "not met")
    lines.append(e2e(100000, 10))
    lines.append(e2e(1000000, 120, 8))
    for n in (10000, 100000):
        s = by.get(n)
        ratios = []
        for key in graphs_of(s) if s else []:
            if key[0] != "pruned":
                continue
            a = med([r["seconds"] for r in rows_for(s, key, "auto") if r["status"] == "optimal"])
            lm = med([r["seconds"] for r in rows_for(s, key, "lemon") if r["status"] == "optimal"])
            if a and lm:
                ratios.append((key[1], a / lm))
        if not ratios:
            lines.append("| our solve within 2x LEMON at %s employees | not measured | - |" %
                         "{:,}".format(n))
        else:
            worst = max(r for _, r in ratios)
            lines.append("| our solve within 2x LEMON at %s employees | %s | %s |" % (
                "{:,}".format(n), ", ".join("%s %sx" % (g.replace(".graph", ""), num(r))
                                            for g, r in ratios),
                "met" if worst <= 2 else "not met"))
    sp = []
    for s in doc["sizes"]:
        a, b = match_rows(s, 1), match_rows(s, 2)
        if a and b:
            t1 = med([m["timings_ms"]["score"] for m in a])
            t2 = med([m["timings_ms"]["score"] for m in b])
            if t1 and t2:
                sp.append((s["employees"], t1 / t2))
    if sp:
        big = sp[-1]
        lines.append("| scoring with 2 threads at least 1.8x as fast as with 1 | %s | %s |" % (
            ", ".join("%s: %sx" % ("{:,}".format(n), num(x)) for n, x in sp),
            "met at %s" % "{:,}".format(big[0]) if big[1] >= 1.8 else
            "not met at %s" % "{:,}".format(big[0])))
    return lines


def report(doc, md_path, svg_path):
    settings = doc["settings"]
    threads = max(settings["threads"])
    m = doc["machine"]
    c = doc["commit"]
    out = []
    w = out.append
    w("# mentormatch benchmark report")
    w("")
    w("Written by `make bench` (bench/run.sh) from `%s`; every raw measurement is in that "
      "file." % os.path.relpath(doc["_path"], os.path.dirname(md_path)))
    w("")
    w("- **Machine:** %s, %s cores (%s usable), %s GiB memory, %s (kernel %s)" % (
        m.get("cpu_model"), m.get("cores"), m.get("affinity_cores"), m.get("memory_gib"),
        m.get("os"), m.get("kernel")))
    w("- **Commit:** %s%s (%s)" % (c.get("short"), ", with uncommitted changes" if c.get("dirty")
                                   else "", c.get("subject")))
    w("- **Date:** %s to %s (UTC)" % (doc["started_utc"], doc.get("finished_utc")))
    w("- **Toolchain:** %s; GLPK %s, LEMON %s" % (m.get("cc"), m["packages"].get("libglpk-dev"),
                                                 m["packages"].get("liblemon-dev")))
    w("- **Settings:** sizes %s, %d runs each, threads %s, seed %d, quarter from %s; solvers "
      "side by side at %s; GLPK alone up to %s employees with a %d s timeout; unpruned graphs "
      "up to %s employees" % (
          ", ".join("{:,}".format(n) for n in settings["sizes"]), settings["runs"],
          "/".join(map(str, settings["threads"])), settings["seed"], settings["start"],
          ", ".join("{:,}".format(n) for n in settings["side_sizes"]) or "none",
          "{:,}".format(settings["glpk_max"]), settings["glpk_timeout"],
          "{:,}".format(settings["full_max"])))
    w("- **Reproduce:** `git checkout %s && make bench` (as root it installs liblemon-dev; "
      "`BENCH_SIZES=\"%s\" BENCH_RUNS=%d make bench` for these settings; bench/README.md)" % (
          c.get("short"), " ".join(map(str, settings["sizes"])), settings["runs"]))
    w("")
    w("Figures are medians over the runs with (minimum-maximum). \"End to end\" is the "
      "quarterly job: `mentormatch import` into a fresh store, then `mentormatch match` "
      "(eligibility and scoring, both tracks' solves with slot values, schedule, export), "
      "each timed as a whole process; per-phase times come from report.json "
      "(`run.timings_ms`), except export: report.json is built during the export, so "
      "export here is the match process's wall time less its other phases (files "
      "rendered, the run stored in SQLite, files written). Peak memory is the larger of "
      "the two processes' peak resident set.")
    w("")

    w("## Targets of issue 5")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    out.extend(targets(doc, threads))
    w("")

    w("## The quarterly job, end to end (%d thread%s)" % (threads, "s" if threads > 1 else ""))
    w("")
    w("| employees | eligible pairs | import (s) | match (s) | end to end (s) | peak memory (MiB) "
      "| store (MiB) |")
    w("|---:|---:|---:|---:|---:|---:|---:|")
    for s in doc["sizes"]:
        n = s["employees"]
        ms = match_rows(s, threads)
        if not ms:
            w("| %s | - | - | - | failed: %s | - | - |" % ("{:,}".format(n), failure(s)))
            continue
        w("| %s | %s | %s | %s | %s | %s | %s |" % (
            "{:,}".format(n), "{:,}".format(pairs_of(ms[0])),
            spread([i["wall_s"] for i in ok_imports(s)]),
            spread([x["wall_s"] for x in ms]), spread(job_totals(s, threads)),
            spread([mib(k) for k in peak_kb(s, threads)]),
            num(s.get("store_bytes", 0) / 1048576.0) if s.get("store_bytes") else "-"))
    w("")

    w("## Time per phase")
    w("")
    w("![time per phase against company size](%s)" % os.path.relpath(
        svg_path, os.path.dirname(md_path)))
    w("")
    w("| employees | import (s, process) | score (ms) | solve (ms) | schedule (ms) | export (ms) |")
    w("|---:|---:|---:|---:|---:|---:|")
    for s in doc["sizes"]:
        ms = match_rows(s, threads)
        if not ms:
            continue
        w("| %s | %s | %s |" % ("{:,}".format(s["employees"]),
                                spread([i["wall_s"] for i in ok_imports(s)]),
                                " | ".join(spread([x["timings_ms"].get(ph) for x in ms])
                                           for ph in PHASES[1:])))
    w("")

    w("## Eligibility and scoring by thread count")
    w("")
    w("Pairs per second per core = eligible pairs of both tracks / score phase / threads.")
    w("")
    w("| employees | eligible pairs | threads | score phase (ms) | pairs/s per core | speed-up |")
    w("|---:|---:|---:|---:|---:|---:|")
    for s in doc["sizes"]:
        base = None  # the fewest threads' score phase: the speed-ups' base
        for t in settings["threads"]:
            ms = match_rows(s, t)
            if not ms:
                continue
            sc = [x["timings_ms"]["score"] for x in ms]
            pairs = pairs_of(ms[0])
            if t == min(settings["threads"]):
                base = med(sc)
            w("| %s | %s | %d | %s | %s | %s |" % (
                "{:,}".format(s["employees"]), "{:,}".format(pairs), t, spread(sc),
                num(pairs / (med(sc) / 1000.0) / t) if med(sc) else "-",
                num(base / med(sc)) + "x" if med(sc) and base else "-"))
    w("")

    solver_sizes = [s for s in doc["sizes"] if solver_rows(s)]
    w("## Solvers side by side on the same graphs")
    w("")
    if not solver_sizes:
        w("No solver graphs were measured (the dumps are missing: see Problems below).")
        w("")
    else:
        w("The graphs are the exact problems the job gave its solver (`MM_DUMP_GRAPHS`): "
          "\"pruned\" with the automatic candidate pruning, \"full\" with every eligible pair "
          "(`solver.max_candidates = 0`). Seconds of the solve alone, file reading excluded. "
          "Ours = `solve_track` (our network simplex, then GLPK's proof from its basis); "
          "\"network\" is the same solve with `no_certify` (the network simplex alone), "
          "and certify the difference of the medians; "
          "LEMON = NetworkSimplex::run() on the same lexicographic problem as one min-cost "
          "flow with exact weights; GLPK = GLPK's simplex alone; greedy = best score first.")
        w("")
        w("| employees | graph | arcs | ours (s) | of which network / certify | LEMON (s) "
          "| ours / LEMON | GLPK alone (s) | greedy (s) | optimum: learners, arcs, score "
          "| exact solvers agree |")
        w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for s in solver_sizes:
            for key in graphs_of(s):
                a = rows_for(s, key, "auto")
                lm = rows_for(s, key, "lemon")
                gl = rows_for(s, key, "glpk")
                gr = rows_for(s, key, "greedy")
                any_row = (a or lm or gl or gr)[0]
                aok = [r for r in a if r["status"] == "optimal"]
                net = med([r["seconds"] for r in rows_for(s, key, "network")
                           if r["status"] == "optimal"])
                lok = [r for r in lm if r["status"] == "optimal"]
                ratio = (med([r["seconds"] for r in aok]) / med([r["seconds"] for r in lok])
                         if aok and lok and med([r["seconds"] for r in lok]) else None)
                if any(r["status"] == "optimal" for r in gl):
                    gcell = spread([r["seconds"] for r in gl if r["status"] == "optimal"])
                elif any(r["status"] == "timeout" for r in gl):
                    gcell = "timeout (> %d s)" % settings["glpk_timeout"]
                elif gl:
                    gcell = gl[0]["status"]
                else:
                    gcell = "not run"
                nw = rows_for(s, key, "network")
                opts = opt_of(a) | opt_of(nw) | opt_of(lm) | opt_of(gl)
                n_exact = len({r["method"] for r in a + nw + lm + gl if r["status"] == "optimal"})
                agree = ("yes (%d methods)" % n_exact if len(opts) == 1 and n_exact >= 2 else
                         "only one method" if len(opts) == 1 else
                         "NO: %s" % sorted(opts) if opts else "no optimum")
                opt = next(iter(opts)) if len(opts) == 1 else None
                w("| %s | %s %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s |" % (
                    "{:,}".format(s["employees"]), key[0], key[1].replace(".graph", ""),
                    "{:,}".format(any_row.get("n_arcs", 0)),
                    spread([r["seconds"] for r in aok]) if aok else status_of(a),
                    num(net), num(med([r["seconds"] for r in aok]) - net)
                    if aok and net is not None else "-",
                    spread([r["seconds"] for r in lok]) if lok else status_of(lm),
                    num(ratio) + "x" if ratio else "-", gcell,
                    spread([r["seconds"] for r in gr if "seconds" in r]),
                    "%s, %s, %s" % tuple("{:,}".format(v) for v in opt) if opt else "-", agree))
        w("")

        w("## What optimisation is worth: greedy's gap")
        w("")
        w("Greedy takes pinned pairs first, then pairs by score, best first, while both sides "
          "have capacity. Its loss against the optimum of the same graph:")
        w("")
        w("| employees | graph | objective | learners lost | sessions lost | score lost |")
        w("|---:|---|---|---:|---:|---:|")
        for s in solver_sizes:
            for key in graphs_of(s):
                gr = [r for r in rows_for(s, key, "greedy") if r.get("gap")]
                if not gr:
                    continue
                g = gr[0]["gap"]
                w("| %s | %s %s | %s | %s (%s%%) | %s (%s%%) | %s (%s%%) |" % (
                    "{:,}".format(s["employees"]), key[0], key[1].replace(".graph", ""),
                    gr[0]["objective"], "{:,}".format(g["learners_lost"]),
                    num(g["learners_lost_pct"]), "{:,}".format(g["arcs_lost"]),
                    num(g["arcs_lost_pct"]), "{:,}".format(g["score_lost"]),
                    num(g["score_lost_pct"])))
        w("")
        w("A negative score loss means greedy has more total score than the optimum, which "
          "under `participation` buys it by leaving learners out.")
        w("")

        pr = []
        other_problem = False  # a shadowing pair of graphs that are not one problem
        for s in solver_sizes:
            for key in graphs_of(s):
                if key[0] != "full":
                    continue
                pk = ("pruned", key[1])
                full = opt_of(rows_for(s, key, "lemon")) | opt_of(rows_for(s, key, "auto"))
                pruned = opt_of(rows_for(s, pk, "lemon")) | opt_of(rows_for(s, pk, "auto"))
                n_full = (rows_for(s, key, "lemon") or rows_for(s, key, "auto") or [{}])[0]
                n_pr = (rows_for(s, pk, "lemon") or rows_for(s, pk, "auto") or [{}])[0]
                same = full and full == pruned
                # shadowing's graph leaves out each learner's mentor: after a
                # mentoring optimum with ties, the two runs' mentors may differ
                shadow = not same and "shadowing" in key[1]
                other_problem = other_problem or shadow
                pr.append("| %s | %s | %s | %s | %s |" % (
                    "{:,}".format(s["employees"]), key[1].replace(".graph", ""),
                    "{:,} / {:,}".format(n_pr.get("n_arcs", 0), n_full.get("n_arcs", 0)),
                    "same optimum" if same else
                    "%s: pruned %s, full %s" % ("other problems (below)" if shadow else "DIFFERENT",
                                                sorted(pruned), sorted(full)),
                    num(n_pr.get("n_arcs", 0) / n_full["n_arcs"] * 100) + "%"
                    if n_full.get("n_arcs") else "-"))
        if pr:
            w("## Candidate pruning: pruned against unpruned graphs")
            w("")
            w("| employees | track | arcs pruned / full | optimum | arcs kept |")
            w("|---:|---|---:|---|---:|")
            out.extend(pr)
            w("")
            if other_problem:
                w("Shadowing's graph is the problem left once mentoring's pairs are known: a "
                  "learner's mentor is not also one of their hosts. Mentoring's optimum can "
                  "be reached by several sets of pairs of the same value, and the pruned and "
                  "unpruned runs may settle on different ones; their shadowing graphs then "
                  "leave out different pairs, and their optima need not agree. Each is "
                  "certified over its own graph.")
                w("")

        w("## Solver processes' peak memory (MiB, graph reading included)")
        w("")
        w("| employees | graph | ours + greedy | LEMON | GLPK alone |")
        w("|---:|---|---:|---:|---:|")
        for s in solver_sizes:
            for key in graphs_of(s):
                cells = []
                for meth in ("auto", "lemon", "glpk"):
                    rs = [r for r in rows_for(s, key, meth) if r.get("process_maxrss_kb")]
                    cells.append(spread([mib(r["process_maxrss_kb"]) for r in rs]))
                w("| %s | %s %s | %s |" % ("{:,}".format(s["employees"]), key[0],
                                           key[1].replace(".graph", ""), " | ".join(cells)))
        w("")

    probs = problems(doc)
    w("## Problems seen during the run")
    w("")
    if probs:
        out.extend("- " + p for p in probs)
    else:
        w("None: every command exited 0 and every exact solver returned an optimum.")
    w("")
    with open(md_path, "w") as f:
        f.write("\n".join(out))


def status_of(rows):
    return rows[0]["status"] if rows else "not run"


def failure(s):
    if s.get("error"):
        return s["error"].strip().splitlines()[-1][:120]
    for r in s.get("runs", []):
        if r["import"]["rc"] != 0:
            return "import exit %d" % r["import"]["rc"]
        for m in r["match"]:
            if m["rc"] != 0:
                return "match exit %d%s" % (m["rc"], " (timeout)" if m.get("timed_out") else "")
    return "no runs"


def problems(doc):
    out = []
    for s in doc["sizes"]:
        n = "{:,}".format(s["employees"])
        if s.get("error"):
            out.append("%s employees: %s" % (n, s["error"].strip()[:300]))
        d = s.get("dump", {})
        for kind in ("pruned", "full"):
            k = d.get(kind)
            if k is not None and (k["rc"] != 0 or not k["graphs"]):
                out.append("%s employees: no %s graphs dumped (match exit %d): `%s`" % (
                    n, kind, k["rc"], (k.get("stderr") or "no MM_DUMP_GRAPHS output").strip()
                    .splitlines()[-1][:200] if (k.get("stderr") or "").strip() else
                    "no MM_DUMP_GRAPHS output"))
        for r in s.get("runs", []):
            if r["import"]["rc"] != 0:
                out.append("%s employees, run %d: import exit %d" % (n, r["run"], r["import"]["rc"]))
            for m in r["match"]:
                if m["rc"] != 0:
                    out.append("%s employees, run %d, %d threads: match exit %d%s" % (
                        n, r["run"], m["threads"], m["rc"],
                        " (timeout)" if m.get("timed_out") else ""))
        for r in s.get("solvers", []):
            if r.get("status") in ("failed", "error", "infeasible") or r.get("valid") is False:
                out.append("%s employees, %s %s, %s run %d: %s%s" % (
                    n, r.get("graph_kind"), r.get("graph"), r.get("method"), r.get("run", 0),
                    r.get("status"), (": " + (r.get("error") or r.get("stderr") or "")
                                      .strip()[:200]) if (r.get("error") or r.get("stderr"))
                    else ""))
    return out


def main():
    res, md, svg = sys.argv[1:4]
    with open(res) as f:
        doc = json.load(f)
    doc["_path"] = os.path.abspath(res)
    chart(doc, svg)
    report(doc, md, svg)


if __name__ == "__main__":
    main()
