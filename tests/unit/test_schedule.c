/*
 * test_schedule.c - unit tests of engine/schedule.c: sessions across the
 * 2027 US, EU and Sydney daylight-saving changes, holidays in either
 * person's local calendar, nobody booked twice, the reasons of unplaced
 * sessions, the 15-minute grid (also at +5:45), the recurring weekday and
 * time, the spread of shadowing sessions and the output order.
 *
 * Models and match results are built by hand. Every result is checked by
 * check_all, which validates each session on its own with tz.c's
 * conversions (not schedule.c's cache): inside one window of each person on
 * that person's local date, no holiday, in the quarter, on the grid, and no
 * person booked twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "match.h"
#include "model.h"
#include "schedule.h"
#include "tz.h"

#define MAX_PAIRS 16

typedef struct fixture {
    mm_model *m;
    mm_config cfg;
    match_result r;
    match_pair mp[MAX_PAIRS], sp[MAX_PAIRS];
    sched_result s;
} fixture;

static int64_t utc(int32_t y, int32_t mo, int32_t d, int32_t h, int32_t mi)
{
    return (int64_t)days_from_civil(y, mo, d) * 1440 + h * 60 + mi;
}

static int32_t hm(int32_t h, int32_t mi) { return h * 60 + mi; }

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Quarter from y-mo-d for `weeks` weeks, mentoring every `cadence` weeks
   for `len` minutes; shadowing sessions last 180 minutes. */
static void fx_init(fixture *f, int32_t y, int32_t mo, int32_t d, int32_t weeks, int32_t cadence,
                    int32_t len)
{
    memset(f, 0, sizeof *f);
    f->m = model_new();
    assert_non_null(f->m);
    assert_true(model_add_dept(f->m, "D0", "Zero") == 0);
    config_defaults(&f->cfg);
    f->cfg.quarter.start = days_from_civil(y, mo, d);
    f->cfg.quarter.weeks = weeks;
    f->cfg.mentoring.cadence_weeks = cadence;
    f->cfg.mentoring.session_minutes = len;
    f->cfg.shadowing.session_minutes = 180;
    f->r.model = f->m;
    f->r.cfg = &f->cfg;
    f->r.t[TRACK_MENTORING].track = TRACK_MENTORING;
    f->r.t[TRACK_MENTORING].enabled = true;
    f->r.t[TRACK_MENTORING].pairs = f->mp;
    f->r.t[TRACK_SHADOWING].track = TRACK_SHADOWING;
    f->r.t[TRACK_SHADOWING].enabled = true;
    f->r.t[TRACK_SHADOWING].pairs = f->sp;
}

static void fx_free(fixture *f)
{
    sched_free(&f->s);
    mm_model_free(f->m);
}

static void holiday(fixture *f, int32_t y, int32_t mo, int32_t d)
{
    f->cfg.quarter.holidays[f->cfg.quarter.n_holidays++] = days_from_civil(y, mo, d);
}

/* Employees are added in id order, so indices follow ids. */
static int32_t person(fixture *f, const char *id, const char *tz)
{
    model_employee e;
    memset(&e, 0, sizeof e);
    e.id = id;
    e.name = id;
    e.email = "";
    e.timezone = tz;
    e.location = "";
    e.hire_date = "";
    e.manager = -1;
    e.grade = 5;
    e.roles = ROLE_LEARNER | ROLE_MENTOR | ROLE_HOST;
    e.mentor_capacity = 4;
    e.host_capacity = 4;
    int32_t idx = model_add_employee(f->m, &e);
    assert_true(idx >= 0);
    return idx;
}

/* A weekly window, day 0 = Monday, local minutes. */
static void window(fixture *f, int32_t e, int32_t day, int32_t start, int32_t end)
{
    model_window w = {day, start, end};
    assert_int_equal(model_add_window(f->m, e, &w), 0);
}

static void mentoring(fixture *f, int32_t l, int32_t p)
{
    match_track *t = &f->r.t[TRACK_MENTORING];
    assert_true(t->n_pairs < MAX_PAIRS);
    f->mp[t->n_pairs++] = (match_pair){.learner = l, .partner = p};
}

static void shadowing(fixture *f, int32_t l, int32_t p)
{
    match_track *t = &f->r.t[TRACK_SHADOWING];
    assert_true(t->n_pairs < MAX_PAIRS);
    f->sp[t->n_pairs++] = (match_pair){.learner = l, .partner = p};
}

/* The local date of instant u for employee e. */
static int32_t local_date(const fixture *f, int32_t e, int64_t u)
{
    const tz_zone *z = tz_get(f->m->emps[e].timezone);
    assert_non_null(z);
    return (int32_t)floor_div(u + tz_offset_at(z, u), 1440);
}

/* Minutes after local midnight of instant u for employee e. */
static int32_t local_minute(const fixture *f, int32_t e, int64_t u)
{
    const tz_zone *z = tz_get(f->m->emps[e].timezone);
    int64_t l = u + tz_offset_at(z, u);
    return (int32_t)(l - floor_div(l, 1440) * 1440);
}

/* [s, e) lies inside one window of employee p on p's local date. */
static void check_inside(const fixture *f, int32_t p, int64_t s, int64_t e)
{
    const tz_zone *z = tz_get(f->m->emps[p].timezone);
    int32_t d = local_date(f, p, s);
    const mm_config *cfg = &f->cfg;
    assert_true(d >= cfg->quarter.start && d < cfg->quarter.start + 7 * cfg->quarter.weeks);
    for (int32_t h = 0; h < cfg->quarter.n_holidays; h++)
        assert_int_not_equal(d, cfg->quarter.holidays[h]);
    const model_window_row *w = model_emp_windows(f->m, p);
    bool inside = false;
    for (uint32_t k = 0; k < f->m->emps[p].window_count; k++) {
        if (w[k].w.day != weekday_from_days(d))
            continue;
        int64_t a = tz_local_to_utc(z, d, w[k].w.start);
        int64_t b = tz_local_to_utc(z, d, w[k].w.end);
        inside |= a <= s && e <= b;
    }
    assert_true(inside);
}

/* Every session valid on its own; nobody twice; order and counts. */
static void check_all(const fixture *f)
{
    const sched_result *s = &f->s;
    for (size_t i = 0; i < s->n_sessions; i++) {
        const sched_session *x = &s->sessions[i];
        int32_t len = x->track == TRACK_MENTORING ? f->cfg.mentoring.session_minutes
                                                  : f->cfg.shadowing.session_minutes;
        assert_int_equal(x->end_min - x->start_min, len);
        assert_int_equal(x->start_min % 15, 0);
        check_inside(f, x->learner, x->start_min, x->end_min);
        check_inside(f, x->partner, x->start_min, x->end_min);
        if (x->track == TRACK_MENTORING) {
            /* session seq lies in period seq - 1 of the learner's dates */
            int32_t per = 7 * f->cfg.mentoring.cadence_weeks;
            int32_t d = local_date(f, x->learner, x->start_min) - f->cfg.quarter.start;
            assert_int_equal(d / per, x->seq - 1);
        }
        if (i > 0) {
            const sched_session *y = &s->sessions[i - 1];
            assert_true(y->start_min < x->start_min ||
                        (y->start_min == x->start_min &&
                         (y->track < x->track || (y->track == x->track && y->learner <= x->learner))));
        }
        for (size_t j = 0; j < i; j++) {
            const sched_session *y = &s->sessions[j];
            bool shared = y->learner == x->learner || y->learner == x->partner ||
                          y->partner == x->learner || y->partner == x->partner;
            assert_false(shared && y->start_min < x->end_min && x->start_min < y->end_min);
        }
    }
    assert_int_equal(s->n_sessions + s->n_unplaced, s->planned);
}

static void run(fixture *f)
{
    assert_int_equal(model_finish(f->m), MM_OK);
    assert_int_equal(schedule_build(&f->r, &f->s), MM_OK);
    check_all(f);
}

/* ---- the tests -------------------------------------------------------------- */

/* Berlin learner, New York mentor, weekly across 03-14 (US) and 03-28 (EU):
   the learner keeps Monday 15:00, the mentor's local time moves 09 -> 10 -> 09. */
static void test_dst_berlin_new_york(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 3, 1, 6, 1, 60);
    int32_t l = person(&f, "A", "Europe/Berlin");
    int32_t m = person(&f, "B", "America/New_York");
    window(&f, l, 0, hm(14, 0), hm(17, 0));
    window(&f, m, 0, hm(9, 0), hm(11, 0));
    mentoring(&f, l, m);
    run(&f);
    assert_int_equal(f.s.planned, 6);
    assert_int_equal(f.s.n_sessions, 6);
    static const int32_t day[6] = {1, 8, 15, 22, 29, 5};
    static const int32_t hour[6] = {14, 14, 14, 14, 13, 13};
    static const int32_t ny[6] = {9, 9, 10, 10, 9, 9};
    for (int k = 0; k < 6; k++) {
        const sched_session *x = &f.s.sessions[k];
        assert_int_equal(x->seq, k + 1);
        assert_int_equal(x->start_min, utc(2027, k < 5 ? 3 : 4, day[k], hour[k], 0));
        assert_int_equal(local_minute(&f, l, x->start_min), hm(15, 0));
        assert_int_equal(local_minute(&f, m, x->start_min), hm(ny[k], 0));
    }
    fx_free(&f);
}

/* A Sydney learner across the end of AEDT (2027-04-04) with a Singapore
   partner (no daylight saving): Tuesday 10:00 in Sydney all along, the
   partner's 07:00 becomes 08:00. */
static void test_dst_sydney(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 3, 22, 4, 1, 60);
    int32_t l = person(&f, "A", "Australia/Sydney");
    int32_t p = person(&f, "B", "Asia/Singapore");
    window(&f, l, 1, hm(10, 0), hm(12, 0));
    window(&f, p, 1, hm(7, 0), hm(10, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 4);
    static const int64_t want[4][3] = {{3, 22, 23}, {3, 29, 23}, {4, 6, 0}, {4, 13, 0}};
    for (int k = 0; k < 4; k++) {
        const sched_session *x = &f.s.sessions[k];
        assert_int_equal(x->start_min, utc(2027, (int32_t)want[k][0], (int32_t)want[k][1],
                                           (int32_t)want[k][2], 0));
        assert_int_equal(local_minute(&f, l, x->start_min), hm(10, 0));
        assert_int_equal(local_minute(&f, p, x->start_min), k < 2 ? hm(7, 0) : hm(8, 0));
    }
    fx_free(&f);
}

/* A window across the EU spring-forward gap is as long as the time that
   passes: Berlin Sunday 01:00-04:00 on 2027-03-28 is two hours. */
static void test_dst_gap_window(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 3, 22, 1, 1, 120);
    int32_t l = person(&f, "A", "Europe/Berlin");
    int32_t p = person(&f, "B", "UTC");
    window(&f, l, 6, hm(1, 0), hm(4, 0));
    window(&f, p, 6, hm(0, 0), hm(5, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 1);
    assert_int_equal(f.s.sessions[0].start_min, utc(2027, 3, 28, 0, 0));
    fx_free(&f);

    fx_init(&f, 2027, 3, 22, 1, 1, 135);
    l = person(&f, "A", "Europe/Berlin");
    p = person(&f, "B", "UTC");
    window(&f, l, 6, hm(1, 0), hm(4, 0));
    window(&f, p, 6, hm(0, 0), hm(5, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 0);
    assert_int_equal(f.s.n_unplaced, 1);
    assert_string_equal(f.s.unplaced[0].reason, "no_common_availability");
    fx_free(&f);
}

/* A holiday moves a fortnightly session to the period's other Monday; with
   a weekly cadence the holiday week is unplaced with reason "holiday". */
static void test_holiday(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 4, 2, 60);
    holiday(&f, 2027, 1, 4);
    int32_t l = person(&f, "A", "UTC");
    int32_t p = person(&f, "B", "UTC");
    window(&f, l, 0, hm(10, 0), hm(11, 0));
    window(&f, p, 0, hm(10, 0), hm(11, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 2);
    assert_int_equal(f.s.sessions[0].start_min, utc(2027, 1, 11, 10, 0));
    assert_int_equal(f.s.sessions[1].start_min, utc(2027, 1, 18, 10, 0));
    fx_free(&f);

    fx_init(&f, 2027, 1, 4, 2, 1, 60);
    holiday(&f, 2027, 1, 4);
    l = person(&f, "A", "UTC");
    p = person(&f, "B", "UTC");
    window(&f, l, 0, hm(10, 0), hm(11, 0));
    window(&f, p, 0, hm(10, 0), hm(11, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 1);
    assert_int_equal(f.s.n_unplaced, 1);
    assert_int_equal(f.s.unplaced[0].seq, 1);
    assert_int_equal(f.s.unplaced[0].period, 0);
    assert_string_equal(f.s.unplaced[0].reason, "holiday");
    fx_free(&f);
}

/* The holiday is a date of the partner's calendar: Tuesday morning in
   Tokyo is Monday evening in New York, and that Monday is a holiday. */
static void test_holiday_partner_calendar(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 2, 1, 60);
    holiday(&f, 2027, 1, 4);
    int32_t l = person(&f, "A", "Asia/Tokyo");
    int32_t p = person(&f, "B", "America/New_York");
    window(&f, l, 1, hm(8, 0), hm(10, 0));
    window(&f, p, 0, hm(17, 0), hm(21, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 1);
    assert_int_equal(f.s.sessions[0].start_min, utc(2027, 1, 11, 23, 0));
    assert_int_equal(f.s.n_unplaced, 1);
    assert_string_equal(f.s.unplaced[0].reason, "holiday");
    fx_free(&f);
}

/* One mentor, three learners, one shared two-hour window: two fit, the
   third is double-booked; a shadowing session takes what is left. */
static void test_no_double_booking(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 2, 1, 60);
    f.cfg.shadowing.session_minutes = 60;
    int32_t l1 = person(&f, "A", "UTC");
    int32_t l2 = person(&f, "B", "UTC");
    int32_t l3 = person(&f, "C", "UTC");
    int32_t m = person(&f, "D", "UTC");
    int32_t h = person(&f, "E", "UTC");
    window(&f, l1, 0, hm(10, 0), hm(12, 0));
    window(&f, l2, 0, hm(10, 0), hm(12, 0));
    window(&f, l3, 0, hm(10, 0), hm(12, 0));
    window(&f, m, 0, hm(10, 0), hm(12, 0));
    window(&f, h, 0, hm(10, 0), hm(12, 0));
    mentoring(&f, l1, m);
    mentoring(&f, l2, m);
    mentoring(&f, l3, m);
    shadowing(&f, l1, h);
    run(&f);
    assert_int_equal(f.s.planned, 7);
    assert_int_equal(f.s.n_sessions, 5);
    assert_int_equal(f.s.n_unplaced, 2);
    for (size_t i = 0; i < f.s.n_unplaced; i++) {
        assert_int_equal(f.s.unplaced[i].learner, l3);
        assert_string_equal(f.s.unplaced[i].reason, "double_booked");
    }
    /* the shadowing session: the first free hour of A and E, 2027-01-04 11:00 */
    const sched_session *x = &f.s.sessions[1];
    assert_int_equal(x->start_min, utc(2027, 1, 4, 11, 0));
    assert_int_equal(f.s.sessions[0].learner, l1);
    assert_int_equal(f.s.sessions[0].start_min, utc(2027, 1, 4, 10, 0));
    assert_true((x->track == TRACK_MENTORING && x->learner == l2) ||
                (x->track == TRACK_SHADOWING && x->learner == l1));
    fx_free(&f);
}

/* No common window, and a person with no availability at all. */
static void test_no_common_availability(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 4, 2, 60);
    int32_t l = person(&f, "A", "UTC");
    int32_t p = person(&f, "B", "UTC");
    int32_t q = person(&f, "C", "Europe/Paris");
    window(&f, l, 0, hm(10, 0), hm(11, 0));
    window(&f, p, 1, hm(10, 0), hm(11, 0));
    mentoring(&f, l, p);
    shadowing(&f, l, q);
    run(&f);
    assert_int_equal(f.s.planned, 3);
    assert_int_equal(f.s.n_sessions, 0);
    assert_int_equal(f.s.n_unplaced, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(f.s.unplaced[i].reason, "no_common_availability");
    assert_int_equal(f.s.unplaced[2].track, TRACK_SHADOWING);
    fx_free(&f);
}

/* Starts are on the 15-minute UTC grid: a window from 10:07 gives 10:15;
   one that holds no whole grid-aligned session gives none. */
static void test_grid(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 1, 1, 60);
    int32_t l = person(&f, "A", "UTC");
    int32_t p = person(&f, "B", "UTC");
    int32_t q = person(&f, "C", "UTC");
    window(&f, l, 0, hm(10, 7), hm(11, 30));
    window(&f, p, 0, hm(9, 0), hm(12, 0));
    window(&f, q, 2, hm(10, 7), hm(11, 10));
    window(&f, l, 2, hm(9, 0), hm(12, 0));
    mentoring(&f, l, p);
    mentoring(&f, q, l);
    run(&f);
    assert_int_equal(f.s.n_sessions, 1);
    assert_int_equal(f.s.sessions[0].start_min, utc(2027, 1, 4, 10, 15));
    assert_int_equal(f.s.n_unplaced, 1);
    assert_string_equal(f.s.unplaced[0].reason, "no_common_availability");
    fx_free(&f);
}

/* The recurring slot is the one valid in most periods, not the earliest:
   Monday 09:00 is lost to holidays in periods 1 and 2, Wednesday 14:00
   holds in all three, so every session is on Wednesday 14:00. */
static void test_recurring_slot(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 6, 2, 60);
    holiday(&f, 2027, 1, 18);
    holiday(&f, 2027, 1, 25);
    holiday(&f, 2027, 2, 1);
    holiday(&f, 2027, 2, 8);
    int32_t l = person(&f, "A", "UTC");
    int32_t p = person(&f, "B", "UTC");
    for (int32_t e = 0; e < 2; e++) {
        window(&f, e, 0, hm(9, 0), hm(10, 0));
        window(&f, e, 2, hm(14, 0), hm(15, 0));
    }
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 3);
    assert_int_equal(f.s.sessions[0].start_min, utc(2027, 1, 6, 14, 0));
    assert_int_equal(f.s.sessions[1].start_min, utc(2027, 1, 20, 14, 0));
    assert_int_equal(f.s.sessions[2].start_min, utc(2027, 2, 3, 14, 0));
    fx_free(&f);

    /* Without the holidays Monday 09:00 recurs as well and is earlier. */
    fx_init(&f, 2027, 1, 4, 6, 2, 60);
    l = person(&f, "A", "UTC");
    p = person(&f, "B", "UTC");
    for (int32_t e = 0; e < 2; e++) {
        window(&f, e, 0, hm(9, 0), hm(10, 0));
        window(&f, e, 2, hm(14, 0), hm(15, 0));
    }
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(f.s.sessions[k].start_min, utc(2027, 1, 4 + 14 * k, 9, 0));
    fx_free(&f);
}

/* Where the recurring slot is taken in one period, that period falls back
   to its earliest valid slot and the others keep the rhythm. A (New York,
   Monday 05:00-06:00) meets C (UTC) only once New York is on EDT, taking
   C's Monday 09:00 on 2027-03-15. B then meets C: Monday 09:00 and
   Thursday 09:00 are each valid in two periods (03-04 is a holiday), the
   tie goes to the earlier Monday, and week 2 falls back to Thursday. */
static void test_recurring_fallback(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 3, 1, 3, 1, 60);
    holiday(&f, 2027, 3, 4);
    int32_t a = person(&f, "A", "America/New_York");
    int32_t b = person(&f, "B", "UTC");
    int32_t c = person(&f, "C", "UTC");
    window(&f, a, 0, hm(5, 0), hm(6, 0));
    window(&f, b, 0, hm(9, 0), hm(10, 0));
    window(&f, b, 3, hm(9, 0), hm(10, 0));
    window(&f, c, 0, hm(9, 0), hm(10, 0));
    window(&f, c, 3, hm(9, 0), hm(10, 0));
    mentoring(&f, a, c);
    mentoring(&f, b, c);
    run(&f);
    assert_int_equal(f.s.planned, 6);
    assert_int_equal(f.s.n_sessions, 4);
    assert_int_equal(f.s.n_unplaced, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(f.s.unplaced[i].learner, a);
        assert_int_equal(f.s.unplaced[i].period, (int32_t)i);
        assert_string_equal(f.s.unplaced[i].reason, "no_common_availability");
    }
    const int32_t want[4][3] = {{b, 3, 1}, {b, 3, 8}, {a, 3, 15}, {b, 3, 18}};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(f.s.sessions[k].learner, want[k][0]);
        assert_int_equal(f.s.sessions[k].start_min, utc(2027, want[k][1], want[k][2], 9, 0));
    }
    fx_free(&f);
}

/* Kathmandu is UTC+5:45: a window from 09:10 local (03:25 UTC) gives a
   start at 03:30 UTC, 09:15 local, still on the UTC grid. */
static void test_kathmandu_grid(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 2, 1, 60);
    int32_t l = person(&f, "A", "Asia/Kathmandu");
    int32_t p = person(&f, "B", "UTC");
    window(&f, l, 0, hm(9, 10), hm(10, 30));
    window(&f, p, 0, hm(3, 0), hm(6, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.n_sessions, 2);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(f.s.sessions[k].start_min, utc(2027, 1, 4 + 7 * k, 3, 30));
        assert_int_equal(local_minute(&f, l, f.s.sessions[k].start_min), hm(9, 15));
    }
    fx_free(&f);
}

/* Shadowing pairs spread over the quarter: pair i starts looking in week
   i * weeks / n and wraps round when its weeks are holidays. */
static void test_shadowing_spread(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 4, 2, 60);
    holiday(&f, 2027, 1, 25);
    static const char *const ids[8] = {"A", "B", "C", "D", "E", "F", "G", "H"};
    for (int i = 0; i < 8; i++) {
        int32_t e = person(&f, ids[i], "UTC");
        window(&f, e, 0, hm(10, 0), hm(13, 0));
    }
    for (int i = 0; i < 4; i++)
        shadowing(&f, i, 4 + i);
    run(&f);
    assert_int_equal(f.s.planned, 4);
    assert_int_equal(f.s.n_sessions, 4);
    /* pair 3 prefers week 3 (a holiday) and wraps to week 0 */
    assert_int_equal(f.s.sessions[0].start_min, utc(2027, 1, 4, 10, 0));
    assert_int_equal(f.s.sessions[0].learner, 0);
    assert_int_equal(f.s.sessions[1].start_min, utc(2027, 1, 4, 10, 0));
    assert_int_equal(f.s.sessions[1].learner, 3);
    assert_int_equal(f.s.sessions[2].start_min, utc(2027, 1, 11, 10, 0));
    assert_int_equal(f.s.sessions[3].start_min, utc(2027, 1, 18, 10, 0));
    fx_free(&f);
}

/* Disabled tracks and empty results. */
static void test_empty(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 2027, 1, 4, 12, 2, 60);
    int32_t l = person(&f, "A", "UTC");
    int32_t p = person(&f, "B", "UTC");
    window(&f, l, 0, hm(10, 0), hm(11, 0));
    window(&f, p, 0, hm(10, 0), hm(11, 0));
    shadowing(&f, l, p);
    f.r.t[TRACK_SHADOWING].enabled = false;
    run(&f);
    assert_int_equal(f.s.planned, 0);
    assert_int_equal(f.s.n_sessions, 0);
    fx_free(&f);

    /* twelve weeks every five: three periods, the last one two weeks long */
    fx_init(&f, 2027, 1, 4, 12, 5, 60);
    l = person(&f, "A", "UTC");
    p = person(&f, "B", "UTC");
    window(&f, l, 0, hm(10, 0), hm(11, 0));
    window(&f, p, 0, hm(10, 0), hm(11, 0));
    mentoring(&f, l, p);
    run(&f);
    assert_int_equal(f.s.planned, 3);
    assert_int_equal(f.s.n_sessions, 3);
    assert_int_equal(f.s.sessions[2].start_min, utc(2027, 3, 15, 10, 0));
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dst_berlin_new_york),
        cmocka_unit_test(test_dst_sydney),
        cmocka_unit_test(test_dst_gap_window),
        cmocka_unit_test(test_holiday),
        cmocka_unit_test(test_holiday_partner_calendar),
        cmocka_unit_test(test_no_double_booking),
        cmocka_unit_test(test_no_common_availability),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_recurring_slot),
        cmocka_unit_test(test_recurring_fallback),
        cmocka_unit_test(test_kathmandu_grid),
        cmocka_unit_test(test_shadowing_spread),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
