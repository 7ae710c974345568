#!/usr/bin/env python3
"""schedule_check.py - checks a schedule independently of the engine.

    schedule_check.py [--min-rate R] [--min-raw-rate R] COMPANY_DIR CONFIG DUMP

COMPANY_DIR holds employees.csv and availability.csv (SPEC section 2),
CONFIG the run's config.json, DUMP the output of schedule_dump. Every
session is checked with Python's zoneinfo, not with the engine's code:

  - it starts on the 15-minute UTC grid and lasts the track's session_minutes;
  - for each of the two people it lies inside one availability window on that
    person's local date (window ends converted on that date, daylight saving
    as on that date; a local time in a spring-forward gap is the first instant
    after the gap, an ambiguous one its first occurrence; one date's windows
    that overlap or touch count as one);
  - that local date is in the quarter and is not a holiday;
  - a mentoring session number k lies in cadence period k - 1 of the
    learner's local dates;
  - nobody has two overlapping sessions (both tracks together);
  - every pair has all its sessions accounted for (placed or unplaced), and
    planned matches;
  - every unplaced session has the right reason, found here from scratch:
    no_common_availability when no slot fits in its period (the learner's
    dates; the whole quarter for shadowing) even ignoring holidays and
    bookings, holiday when slots fit only on holidays, double_booked when
    slots fit off holidays but each overlaps a session of one of the two;
  - of the mentoring sessions that have a common slot off holidays in their
    period, at least --min-rate (default 0.95) are placed, and of all
    mentoring sessions at least --min-raw-rate (default 0.95). The two
    differ because eligibility measures the overlap on the reference week
    only (SPEC section 4): a pair whose overlap a daylight-saving change
    removes later in the quarter has no slot at all in those periods.

Prints the figures; exits 1 on any violation (the first 20 are shown).
"""
import csv
import argparse
import bisect
import json
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1)
UTC = timezone.utc
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
REASONS = {"no_common_availability", "holiday", "double_booked"}

errors = []


def fail(msg):
    errors.append(msg)


def minutes_of(dt):
    """UTC minutes since the epoch of an aware datetime."""
    return int((dt - EPOCH.replace(tzinfo=UTC)).total_seconds()) // 60


def parse_utc(s):
    return minutes_of(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))


def day_number(d):
    return (d - date(1970, 1, 1)).days


def local_naive(zone, u):
    return datetime.fromtimestamp(u * 60, zone).replace(tzinfo=None)


def local_to_utc(zone, day, minute, cache={}):
    """UTC minutes of local date `day` (days since 1970-01-01) at `minute`."""
    key = (zone.key, day, minute)
    if key in cache:
        return cache[key]
    naive = EPOCH + timedelta(days=day, minutes=minute)
    u0 = minutes_of(naive.replace(tzinfo=zone, fold=0).astimezone(UTC))
    if local_naive(zone, u0) == naive:
        u = u0  # fold=0 is the first occurrence of an ambiguous time
    else:
        # in a gap: the first instant whose local time is at or after naive
        u1 = minutes_of(naive.replace(tzinfo=zone, fold=1).astimezone(UTC))
        lo, hi = min(u0, u1), max(u0, u1)
        while lo < hi:
            mid = (lo + hi) // 2
            if local_naive(zone, mid) >= naive:
                hi = mid
            else:
                lo = mid + 1
        u = lo
    cache[key] = u
    return u


def main():
    ap = argparse.ArgumentParser(description="checks a schedule independently")
    ap.add_argument("--min-rate", type=float, default=0.95)
    ap.add_argument("--min-raw-rate", type=float, default=0.95)
    ap.add_argument("company")
    ap.add_argument("config")
    ap.add_argument("dump")
    args = ap.parse_args()
    company, config_path, dump = args.company, args.config, args.dump
    with open(config_path, encoding="utf-8") as f:
        cfg = json.load(f)
    q = cfg.get("quarter", {})
    q0 = day_number(date.fromisoformat(q.get("start", "2027-01-04")))
    weeks = q.get("weeks", 12)
    q1 = q0 + 7 * weeks
    holidays = {day_number(date.fromisoformat(h)) for h in q.get("holidays", [])}
    men = cfg.get("mentoring", {})
    cadence = men.get("cadence_weeks", 2)
    n_periods = -(-weeks // cadence)
    length = {"mentoring": men.get("session_minutes", 60),
              "shadowing": cfg.get("shadowing", {}).get("session_minutes", 180)}

    tz = {}
    with open(f"{company}/employees.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            tz[row["id"]] = row["timezone"]
    zones = {name: ZoneInfo(name) for name in set(tz.values())}
    windows = defaultdict(list)  # (id, weekday) -> [(start, end)] local minutes
    with open(f"{company}/availability.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            h, m = row["start"].split(":")
            a = int(h) * 60 + int(m)
            h, m = row["end"].split(":")
            b = int(h) * 60 + int(m)
            windows[(row["employee_id"], DAYS[row["day"].strip().lower()])].append((a, b))

    def intervals(emp, day):
        """emp's UTC availability on local date `day`, merged."""
        zone = zones[tz[emp]]
        out = []
        for a, b in sorted(windows.get((emp, (day + 3) % 7), [])):
            ua, ub = local_to_utc(zone, day, a), local_to_utc(zone, day, b)
            if ub <= ua:
                continue
            if out and ua <= out[-1][1]:
                out[-1][1] = max(out[-1][1], ub)
            else:
                out.append([ua, ub])
        return out

    def check_person(emp, s, e, what):
        zone = zones[tz[emp]]
        ld = local_naive(zone, s)
        day = day_number(ld.date())
        if not q0 <= day < q1:
            fail(f"{what}: {emp}'s local date {ld.date()} is outside the quarter")
        if day in holidays:
            fail(f"{what}: {emp}'s local date {ld.date()} is a holiday")
        if not any(a <= s and e <= b for a, b in intervals(emp, day)):
            fail(f"{what}: not inside a window of {emp} on {ld.date()} "
                 f"({tz[emp]}, local {ld.time()})")
        return day

    pairs = {}  # (track, learner, partner) -> set of seq seen
    booked = defaultdict(list)
    placed = defaultdict(int)
    unplaced = defaultdict(lambda: defaultdict(int))
    planned = None
    unplaced_rows = []
    with open(dump, encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            kind = row[0]
            if kind == "pair":
                pairs[tuple(row[1:4])] = set()
            elif kind == "session":
                track, lid, pid, seq, ltz, ptz, st, en = row[1:9]
                seq = int(seq)
                key = (track, lid, pid)
                what = f"{track} {lid}-{pid} #{seq} {st}"
                if key not in pairs:
                    fail(f"{what}: no such pair")
                    continue
                if seq in pairs[key]:
                    fail(f"{what}: session number twice")
                pairs[key].add(seq)
                if ltz != tz[lid] or ptz != tz[pid]:
                    fail(f"{what}: time zones {ltz}, {ptz} are not the employees'")
                s, e = parse_utc(st), parse_utc(en)
                if s % 15:
                    fail(f"{what}: not on the 15-minute grid")
                if e - s != length[track]:
                    fail(f"{what}: lasts {e - s} minutes, not {length[track]}")
                ld = check_person(lid, s, e, what)
                check_person(pid, s, e, what)
                if track == "mentoring":
                    if not 1 <= seq <= n_periods:
                        fail(f"{what}: session number out of range")
                    elif (ld - q0) // (7 * cadence) != seq - 1:
                        fail(f"{what}: not in period {seq - 1} of the learner's dates")
                elif seq != 1:
                    fail(f"{what}: a shadowing pair has one session")
                booked[lid].append((s, e, what))
                booked[pid].append((s, e, what))
                placed[track] += 1
            elif kind == "unplaced":
                track, lid, pid, seq, period, reason = row[1:7]
                key = (track, lid, pid)
                seq = int(seq)
                if key not in pairs or seq in pairs[key]:
                    fail(f"unplaced {key} #{seq}: no such pair, or the session is placed")
                    continue
                pairs[key].add(seq)
                if reason not in REASONS:
                    fail(f"unplaced {key} #{seq}: unknown reason {reason!r}")
                unplaced[track][reason] += 1
                unplaced_rows.append((track, lid, pid, seq, int(period), reason))
            elif kind == "planned":
                planned = int(row[1])

    for emp, lst in booked.items():
        lst.sort()
        for (s1, e1, w1), (s2, e2, w2) in zip(lst, lst[1:]):
            if s2 < e1:
                fail(f"{emp} is booked twice: {w1} and {w2}")
    starts = {emp: [x[0] for x in lst] for emp, lst in booked.items()}

    def is_booked(emp, s, e):
        lst = booked.get(emp, [])
        i = bisect.bisect_left(starts.get(emp, []), e)  # sessions starting before e
        return i > 0 and lst[i - 1][1] > s  # disjoint: ends are sorted too

    def common_slots(lid, pid, lo, hi, n):
        """Every grid start s with [s, s + n) inside both people's availability,
        the learner's local date in [lo, hi), the partner's in the quarter:
        (s, whether either local date is a holiday)."""
        out = []
        for dl in range(lo, hi):
            for la, lb in intervals(lid, dl):
                for dp in range(max(q0, dl - 2), min(q1, dl + 3)):
                    for pa, pb in intervals(pid, dp):
                        a, b = max(la, pa), min(lb, pb)
                        s = -(-a // 15) * 15
                        while s + n <= b:
                            out.append((s, dl in holidays or dp in holidays))
                            s += 15
        return out
    for track, lid, pid, seq, period, reason in unplaced_rows:
        if track == "mentoring":
            lo = q0 + 7 * cadence * (seq - 1)
            hi = min(lo + 7 * cadence, q1)
            if period != seq - 1:
                fail(f"unplaced {track} {lid}-{pid} #{seq}: period {period}")
        else:
            lo, hi = q0, q1
        slots = common_slots(lid, pid, lo, hi, length[track])
        free_day = [s for s, hol in slots if not hol]
        if free_day:
            want = "double_booked"
            free = [s for s in free_day
                    if not is_booked(lid, s, s + length[track])
                    and not is_booked(pid, s, s + length[track])]
            if free:
                fail(f"unplaced {track} {lid}-{pid} #{seq}: the slot at minute {free[0]} "
                     f"is free for both")
        else:
            want = "holiday" if slots else "no_common_availability"
        if reason != want:
            fail(f"unplaced {track} {lid}-{pid} #{seq}: reason {reason}, expected {want}")

    expect_total = 0
    for (track, lid, pid), seqs in pairs.items():
        want = set(range(1, n_periods + 1)) if track == "mentoring" else {1}
        expect_total += len(want)
        if seqs != want:
            fail(f"pair {track} {lid}-{pid}: sessions {sorted(seqs)}, expected {sorted(want)}")
    if planned != expect_total:
        fail(f"planned is {planned}, the pairs need {expect_total}")

    for track in ("mentoring", "shadowing"):
        n_unplaced = sum(unplaced[track].values())
        total = placed[track] + n_unplaced
        possible = placed[track] + unplaced[track]["double_booked"]
        rate = placed[track] / total if total else 1.0
        rate_possible = placed[track] / possible if possible else 1.0
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(unplaced[track].items()) if v)
        print(f"{track}: {placed[track]} of {total} sessions placed ({100 * rate:.2f}%); "
              f"of those with a common slot off holidays: {placed[track]} of {possible} "
              f"({100 * rate_possible:.2f}%); unplaced: {reasons or 'none'}")
        if track == "mentoring" and rate_possible < args.min_rate:
            fail(f"mentoring placement {100 * rate_possible:.2f}% of the placeable sessions "
                 f"is below {100 * args.min_rate:.0f}%")
        if track == "mentoring" and rate < args.min_raw_rate:
            fail(f"mentoring placement {100 * rate:.2f}% is below {100 * args.min_raw_rate:.0f}%")
    print(f"checked {sum(placed.values())} sessions of {len(booked)} people")
    for msg in errors[:20]:
        print("VIOLATION:", msg)
    if len(errors) > 20:
        print(f"... and {len(errors) - 20} more violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
