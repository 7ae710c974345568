#!/bin/sh
# schedule_property.sh - the schedule's properties on generated companies.
#
# For each case SIZE:START of MM_SCHED_CASES, mm-gen writes a company of
# SIZE employees whose 12-week quarter starts on START, schedule_dump (built
# here against the library) matches and schedules it, and schedule_check.py
# checks every session independently with Python's zoneinfo: inside both
# people's windows on their local dates, off holidays, in the quarter, on
# the 15-minute grid, nobody booked twice, every unplaced session with the
# right reason, and the mentoring placement rate (printed).
#
# The default cases cross the daylight-saving changes of both hemispheres:
#   2027-03-01: US 03-14, EU 03-28, Sydney (end of AEDT) 04-04
#   2027-09-20: Sydney (start of AEDT) 10-03, EU 10-31, US 11-07
# First, mutated copies of one dump must each make the checker fail, so that
# a checker that checks nothing cannot pass.
#
# Environment: MM_GEN (default bin/mm-gen), MM_BUILD (default build: the
# library is MM_BUILD/libmentormatch.a), MM_SCHED_CASES (default
# "1000:2027-03-01 1000:2027-09-20 10000:2027-03-01"; on a sanitizer build
# the 10,000 case is left out), CC, TMPDIR. Exits non-zero on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
abs() {
    case $1 in
    /*) echo "$1" ;;
    *) echo "$(pwd)/$1" ;;
    esac
}
gen=$(abs "${MM_GEN:-bin/mm-gen}")
build=$(abs "${MM_BUILD:-build}")
lib=$build/libmentormatch.a
cc=${CC:-cc}

if [ ! -x "$gen" ] || [ ! -f "$lib" ]; then
    echo "schedule_property.sh: need $gen and $lib (build them with make)"
    exit 1
fi
if ! python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("Australia/Sydney")' 2>/dev/null; then
    echo "schedule_property.sh: need python3 (3.9 or later) with time zone data (zoneinfo)"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-sched.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 130' INT TERM

# A sanitizer build's library needs the sanitizers at link time too.
san=
default_cases="1000:2027-03-01 1000:2027-09-20 10000:2027-03-01"
if nm "$lib" 2>/dev/null | grep -q '__asan'; then
    san="-fsanitize=address,undefined"
    default_cases="1000:2027-03-01 1000:2027-09-20"
fi
cases=${MM_SCHED_CASES:-$default_cases}

pkgs="sqlite3 libcjson libical nettle"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
if ! (cd "$root" && $cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
    -Werror -O2 -g -fopenmp $san -Iinclude -Iengine -Iio $(pkg-config --cflags $pkgs) \
    -o "$tmp/schedule_dump" tests/e2e/schedule_dump.c "$lib" \
    $(pkg-config --libs $pkgs) -lglpk -lcsv -lm); then
    echo "FAIL cannot build tests/e2e/schedule_dump.c"
    exit 1
fi

check=$here/schedule_check.py
fail=0
first=

for c in $cases; do
    n=${c%%:*}
    start=${c#*:}
    dir=$tmp/c$n-$start
    t0=$(date +%s)
    if ! "$gen" --employees "$n" --seed 7 --start "$start" --out "$dir" >/dev/null; then
        echo "FAIL $c: mm-gen"
        fail=1
        continue
    fi
    if ! "$tmp/schedule_dump" "$dir" "$dir/config.json" >"$dir.dump" 2>"$dir.err"; then
        echo "FAIL $c: schedule_dump"
        cat "$dir.err"
        fail=1
        continue
    fi
    t1=$(date +%s)
    echo "== $n employees, quarter from $start"
    cat "$dir.err"
    if ! python3 "$check" "$dir" "$dir/config.json" "$dir.dump"; then
        echo "FAIL $c"
        fail=1
    fi
    t2=$(date +%s)
    echo "   generate + match + schedule $((t1 - t0)) s, check $((t2 - t1)) s"
    [ -n "$first" ] || first=$dir
done

# The checker must catch each of these changes to a valid dump.
if [ -n "$first" ]; then
    for kind in grid:grid weekday:inside reason:reason overlap:twice; do
        want=${kind#*:}
        kind=${kind%%:*}
        python3 - "$first.dump" "$tmp/mutant.dump" "$kind" <<'EOF'
import csv, sys
from datetime import datetime, timedelta

src, dst, kind = sys.argv[1:4]
rows = list(csv.reader(open(src, encoding="utf-8", newline="")))
fmt = "%Y-%m-%dT%H:%M:%SZ"

def shift(row, minutes):
    for k in (7, 8):
        t = datetime.strptime(row[k], fmt) + timedelta(minutes=minutes)
        row[k] = t.strftime(fmt)

sessions = [r for r in rows if r[0] == "session"]
if kind == "grid":
    shift(sessions[0], 5)
elif kind == "weekday":
    shift(sessions[0], 1440)
elif kind == "reason":
    r = next(r for r in rows if r[0] == "unplaced" and r[6] == "double_booked")
    r[6] = "no_common_availability"
elif kind == "overlap":
    # give a learner's second mentoring session the times of their first
    seen = {}
    for r in sessions:
        if r[1] == "mentoring" and r[2] in seen:
            r[7], r[8] = seen[r[2]][7], seen[r[2]][8]
            break
        if r[1] == "mentoring":
            seen[r[2]] = r
with open(dst, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
EOF
        if python3 "$check" "$first" "$first/config.json" "$tmp/mutant.dump" >"$tmp/mutant.out" 2>&1; then
            echo "FAIL the checker accepts a dump with a $kind error"
            fail=1
        elif ! grep VIOLATION "$tmp/mutant.out" | grep -q "$want"; then
            echo "FAIL the checker rejects a dump with a $kind error, but not for it:"
            cat "$tmp/mutant.out"
            fail=1
        else
            echo "ok   mutant ($kind) rejected: $(grep VIOLATION "$tmp/mutant.out" | grep -m1 "$want")"
        fi
    done
fi

[ $fail -eq 0 ] && echo "schedule properties hold"
exit $fail
