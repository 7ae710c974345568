#!/usr/bin/env python3
"""bench.py - the measurements of `make bench` (bench/run.sh calls it).

  bench.py BIN RESULTS_DIR    settings from the environment (bench/README.md)

Per company size: generates the company (mm-gen, fixed seed, quarter from
2027-03-01); one untimed match dumps the solver's graphs (MM_DUMP_GRAPHS)
and, up to BENCH_FULL_MAX employees, the unpruned graphs as well
(solver.max_candidates = 0); then BENCH_RUNS times: a fresh store, `import`
timed, `match` timed once per thread count of BENCH_THREADS (above
BENCH_ALL_THREADS_MAX employees, at the largest only), each with its
wall time and peak memory (the child's own rusage, from wait4) and the
per-phase times of its report.json. On the dumped graphs, BENCH_RUNS times
each: our solve, certified and not, and greedy (mm-graph-solve), LEMON (mm-lemon-solve) and,
up to BENCH_GLPK_MAX employees and within BENCH_GLPK_TIMEOUT seconds, GLPK
alone. Writes RESULTS_DIR/bench-<commit>-<UTC timestamp>.json with the
machine, the commit, the settings and every raw measurement, and prints its
path on the last line.
"""
import datetime
import glob
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


HAVE_TIME = os.access("/usr/bin/time", os.X_OK)


def env_list(name, default):
    return [int(x) for x in os.environ.get(name, default).replace(",", " ").split()]


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


def run(cmd, env=None, timeout=None, cwd=None):
    """Runs cmd; returns rc, wall seconds, the child's peak RSS (kB), its
    output (the last 4,000 characters of stderr) and whether it timed out.

    The peak comes from GNU time (%M) when installed: Linux keeps a
    process's peak RSS across fork and exec, so a child forked from this
    Python would start at Python's own peak; /usr/bin/time's is about 2 MB.
    Without it, wait4's figure is kept (with that floor) and flagged."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as peak:
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        timer_cmd = (["/usr/bin/time", "-f", "%M", "-o", peak.name] if HAVE_TIME else [])
        t0 = time.monotonic()
        p = subprocess.Popen(timer_cmd + cmd, stdout=out, stderr=err, env=full_env, cwd=cwd,
                             start_new_session=True)
        killed = []

        def kill():
            killed.append(1)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        if timer:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        maxrss = ru.ru_maxrss
        if HAVE_TIME:
            try:
                maxrss = int(peak.read().split()[-1])
            except (ValueError, IndexError):
                maxrss = None  # killed: GNU time wrote nothing
        return {"cmd": [os.path.basename(cmd[0])] + cmd[1:], "rc": p.returncode,
                "wall_s": round(wall, 6), "maxrss_kb": maxrss,
                "timed_out": bool(killed),
                "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")[-4000:]}


def first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return None


def machine():
    cpu = None
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    pkgs = {}
    for pkg in ("libglpk-dev", "liblemon-dev", "libsqlite3-dev"):
        pkgs[pkg] = first_line(["dpkg-query", "-W", "-f", "${Version}\n", pkg])
    return {"cpu_model": cpu, "cores": os.cpu_count(),
            "affinity_cores": len(os.sched_getaffinity(0)),
            "memory_gib": round(mem_kb / 1048576, 1) if mem_kb else None,
            "os": os_name, "kernel": platform.release(), "python": platform.python_version(),
            "cc": first_line(["cc", "--version"]), "cxx": first_line(["g++", "--version"]),
            "packages": pkgs,
           "peak_memory_from": "GNU time %M" if HAVE_TIME else "wait4 (floor: the parent's peak)"}


def commit(root):
    def git(*args):
        p = subprocess.run(["git", "-C", root] + list(args), capture_output=True, text=True)
        return p.stdout.strip() if p.returncode == 0 else None
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {"hash": git("rev-parse", "HEAD"), "short": git("rev-parse", "--short", "HEAD"),
            "subject": git("log", "-1", "--format=%s"),
            "dirty": bool(dirty) if dirty is not None else None}


def json_lines(text):
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    return rows


def job_run(bin_dir, company, config, db, out, threads, timeout):
    """One timed match on the stored company; figures from its report.json."""
    r = run([os.path.join(bin_dir, "mentormatch"), "match", "--db", db, "--config", config,
             "--out", out, "--threads", str(threads), "--quiet"], timeout=timeout)
    row = {"threads": threads, "rc": r["rc"], "wall_s": r["wall_s"],
           "maxrss_kb": r["maxrss_kb"], "timed_out": r["timed_out"]}
    rep = os.path.join(out, "report.json")
    if r["rc"] == 0 and os.path.exists(rep):
        with open(rep) as f:
            doc = json.load(f)
        run_doc = doc.get("run", {})
        t = dict(run_doc.get("timings_ms") or {})
        # report.json is itself built during the export, so its "export" covers
        # only what comes before it; the export measured here is the process's
        # wall time less the other phases: files rendered, the run stored, files
        # written (process start and exit included, a few ms)
        if t:
            others = sum(t.get(k, 0) for k in ("import", "score", "solve", "schedule"))
            t["export_in_report"] = t.get("export")
            t["export"] = max(t.get("export", 0), r["wall_s"] * 1000.0 - others)
        row["timings_ms"] = t
        row["solver"] = run_doc.get("solver")
        row["report_threads"] = run_doc.get("threads")
    else:
        row["stderr"] = r["stderr"]
    shutil.rmtree(out, ignore_errors=True)
    return row


def dump_graphs(bin_dir, company, config, db, gdir, timeout):
    """An untimed match that writes the solver's graphs to gdir."""
    os.makedirs(gdir, exist_ok=True)
    out = gdir + "-out"
    r = run([os.path.join(bin_dir, "mentormatch"), "match", "--db", db, "--config", config,
             "--out", out, "--quiet"], env={"MM_DUMP_GRAPHS": gdir}, timeout=timeout)
    shutil.rmtree(out, ignore_errors=True)
    graphs = sorted(glob.glob(os.path.join(gdir, "*.graph")))
    return {"rc": r["rc"], "wall_s": r["wall_s"], "graphs": graphs,
            "bytes": sum(os.path.getsize(g) for g in graphs),
            "stderr": r["stderr"] if r["rc"] != 0 or not graphs else ""}


def side_by_side(bin_dir, gpath, n, runs, cfg):
    """Every solver on one graph, runs times; GLPK while it keeps within its timeout."""
    rows = []
    glpk_ok = n <= cfg["glpk_max"]
    for k in range(runs):
        jobs = [("auto,network,greedy", [os.path.join(bin_dir, "mm-graph-solve"), "--methods",
                                         "auto,network,greedy", gpath], cfg["solver_timeout"]),
                ("lemon", [os.path.join(bin_dir, "mm-lemon-solve"), gpath], cfg["solver_timeout"])]
        if glpk_ok:
            jobs.append(("glpk", [os.path.join(bin_dir, "mm-graph-solve"), "--methods", "glpk",
                                  gpath], cfg["glpk_timeout"]))
        for name, cmd, timeout in jobs:
            r = run(cmd, timeout=timeout)
            lines = json_lines(r["stdout"])
            for line in lines:
                line["run"] = k
                line["process_wall_s"] = r["wall_s"]
                line["process_maxrss_kb"] = r["maxrss_kb"]
                rows.append(line)
            if r["rc"] != 0 or not lines:
                rows.append({"graph": gpath, "method": name, "run": k, "status": (
                    "timeout" if r["timed_out"] else "failed"), "rc": r["rc"],
                    "timeout_s": timeout, "stderr": r["stderr"][-1000:]})
                if name == "glpk" and r["timed_out"]:
                    glpk_ok = False
    return rows


def main():
    bin_dir, results_dir = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cfg = {
        "sizes": env_list("BENCH_SIZES", "1000 10000 100000 1000000"),
        "runs": env_int("BENCH_RUNS", 3),
        "threads": env_list("BENCH_THREADS", "1 2"),
        "seed": env_int("BENCH_SEED", 42),
        "start": "2027-03-01",
        "glpk_max": env_int("BENCH_GLPK_MAX", 10000),
        "glpk_timeout": env_int("BENCH_GLPK_TIMEOUT", 300),
        "full_max": env_int("BENCH_FULL_MAX", 10000),
        "all_threads_max": env_int("BENCH_ALL_THREADS_MAX", 100000),
        "job_timeout": env_int("BENCH_JOB_TIMEOUT", 1800),
        "solver_timeout": env_int("BENCH_SOLVER_TIMEOUT", 1800),
    }
    cfg["side_sizes"] = env_list("BENCH_SIDE_SIZES", " ".join(
        str(n) for n in cfg["sizes"] if n <= 100000))
    started = datetime.datetime.now(datetime.timezone.utc)
    doc = {"bench": "mentormatch issue 5", "format": 1,
           "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "machine": machine(), "commit": commit(root), "settings": cfg,
           "binaries": {b: os.path.relpath(os.path.join(bin_dir, b), root) if
                        not os.path.isabs(bin_dir) else os.path.join(bin_dir, b)
                        for b in ("mentormatch", "mm-gen", "mm-graph-solve", "mm-lemon-solve")},
           "sizes": []}
    work = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="mm-bench-")
    os.makedirs(work, exist_ok=True)
    keep = os.environ.get("BENCH_KEEP") == "1"
    mm = os.path.join(bin_dir, "mentormatch")
    try:
        for n in cfg["sizes"]:
            log = lambda msg: sys.stderr.write("bench: %d employees: %s\n" % (n, msg))
            size = {"employees": n}
            company = os.path.join(work, "c%d" % n)
            log("generating")
            g = run([os.path.join(bin_dir, "mm-gen"), "--employees", str(n), "--seed",
                     str(cfg["seed"]), "--start", cfg["start"], "--out", company])
            size["generate"] = {"rc": g["rc"], "wall_s": g["wall_s"], "maxrss_kb": g["maxrss_kb"]}
            if g["rc"] != 0:
                size["error"] = "mm-gen failed: " + g["stderr"]
                doc["sizes"].append(size)
                continue
            config = os.path.join(company, "config.json")
            with open(config) as f:
                full = json.load(f)
            full.setdefault("solver", {})["max_candidates"] = 0
            config_full = os.path.join(company, "config-full.json")
            with open(config_full, "w") as f:
                json.dump(full, f)

            db = os.path.join(work, "dump-%d.db" % n)
            imp = run([mm, "import", company, "--db", db, "--quiet"], timeout=cfg["job_timeout"])
            size["dump"] = {"import_rc": imp["rc"]}
            if imp["rc"] == 0:
                log("dumping the solver's graphs")
                size["dump"]["pruned"] = dump_graphs(bin_dir, company, config, db,
                                                     os.path.join(work, "graphs-%d" % n),
                                                     cfg["job_timeout"])
                if n <= cfg["full_max"]:
                    size["dump"]["full"] = dump_graphs(bin_dir, company, config_full, db,
                                                       os.path.join(work, "graphs-%d-full" % n),
                                                       cfg["job_timeout"])
            else:
                size["dump"]["stderr"] = imp["stderr"]

            size["runs"] = []
            for k in range(cfg["runs"]):
                log("job run %d of %d" % (k + 1, cfg["runs"]))
                db = os.path.join(work, "run-%d.db" % n)
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
                imp = run([mm, "import", company, "--db", db, "--quiet"],
                          timeout=cfg["job_timeout"])
                row = {"run": k, "import": {"rc": imp["rc"], "wall_s": imp["wall_s"],
                                            "maxrss_kb": imp["maxrss_kb"],
                                            "timed_out": imp["timed_out"]},
                       "match": []}
                if imp["rc"] == 0:
                    for t in (cfg["threads"] if n <= cfg["all_threads_max"]
                              else [max(cfg["threads"])]):
                        row["match"].append(job_run(bin_dir, company, config, db,
                                                    os.path.join(work, "out-%d" % n), t,
                                                    cfg["job_timeout"]))
                else:
                    row["import"]["stderr"] = imp["stderr"]
                size["runs"].append(row)
                if os.path.exists(db):
                    size["store_bytes"] = os.path.getsize(db)

            if n in cfg["side_sizes"]:
                size["solvers"] = []
                for kind in ("pruned", "full"):
                    d = size.get("dump", {}).get(kind)
                    for gpath in (d or {}).get("graphs", []):
                        log("solvers on %s (%s)" % (os.path.basename(gpath), kind))
                        for row in side_by_side(bin_dir, gpath, n, cfg["runs"], cfg):
                            row["graph_kind"] = kind
                            row["graph"] = os.path.basename(gpath)
                            size["solvers"].append(row)
            for kind in ("pruned", "full"):
                d = size.get("dump", {}).get(kind)
                if d:
                    d["graphs"] = [os.path.basename(p) for p in d["graphs"]]
            doc["sizes"].append(size)
            if not keep:
                names = ["c%d", "graphs-%d", "graphs-%d-full", "out-%d", "dump-%d.db*",
                         "run-%d.db*"]
                for path in sum((glob.glob(os.path.join(work, x % n)) for x in names), []):
                    if os.path.isdir(path):
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        os.remove(path)
    finally:
        if not keep and not os.environ.get("BENCH_WORK"):
            shutil.rmtree(work, ignore_errors=True)
    doc["finished_utc"] = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, "bench-%s-%s.json" % (
        doc["commit"]["short"] or "unknown", started.strftime("%Y%m%dT%H%M%SZ")))
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(path)


if __name__ == "__main__":
    main()
