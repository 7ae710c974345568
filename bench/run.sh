#!/bin/sh
# run.sh [BIN] - the benchmark of issue 5, as `make bench` runs it: measures
# (bench/bench.py) into bench/results/bench-<commit>-<UTC timestamp>.json,
# then writes bench/REPORT.md and bench/time-per-phase.svg from that file
# (bench/report.py). BIN holds mentormatch, mm-gen, mm-graph-solve and
# mm-lemon-solve (default bin). Settings, all from the environment:
#   BENCH_SIZES "1000 10000 100000 1000000"  BENCH_RUNS 3  BENCH_THREADS "1 2"
#   BENCH_ALL_THREADS_MAX 100000 (larger sizes: the most threads only)
#   BENCH_SIDE_SIZES (sizes up to 100000)    BENCH_GLPK_MAX 10000
#   BENCH_GLPK_TIMEOUT 300  BENCH_FULL_MAX 10000  BENCH_SEED 42
#   BENCH_WORK (scratch folder; default a temporary one)  BENCH_KEEP=1 keeps it
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:-$here/../bin}" && pwd)
for b in mentormatch mm-gen mm-graph-solve mm-lemon-solve; do
    [ -x "$bin/$b" ] || { echo "bench: $bin/$b missing (make bench builds it)" >&2; exit 1; }
done
result=$(python3 "$here/bench.py" "$bin" "$here/results" | tail -n 1)
python3 "$here/report.py" "$result" "$here/REPORT.md" "$here/time-per-phase.svg"
echo "bench: wrote $result, bench/REPORT.md and bench/time-per-phase.svg"
