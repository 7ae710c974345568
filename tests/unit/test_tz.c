/*
 * test_tz.c - unit tests of engine/tz.c: UTC offsets across the 2027
 * daylight-saving changes (northern and southern hemisphere, half- and
 * quarter-hour zones), local-to-UTC conversion in gaps and overlaps, the
 * reference Monday, the reference week's intervals across a change, the
 * merging of one person's windows and overlaps computed by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "tz.h"

/* UTC minutes of a civil date and time. */
static int64_t utc(int32_t y, int32_t mo, int32_t d, int32_t h, int32_t mi)
{
    return (int64_t)days_from_civil(y, mo, d) * 1440 + h * 60 + mi;
}

static const tz_zone *zone(const char *name)
{
    const tz_zone *z = tz_get(name);
    assert_non_null(z);
    return z;
}

static void test_get(void **state)
{
    (void)state;
    assert_non_null(tz_get("UTC"));
    assert_non_null(tz_get("Europe/Berlin"));
    assert_null(tz_get("Mars/Olympus_Mons"));
    assert_null(tz_get(""));
    assert_null(tz_get(NULL));
    assert_int_equal(tz_offset_at(zone("UTC"), utc(2027, 7, 1, 12, 0)), 0);
}

static void test_offsets_berlin(void **state)
{
    (void)state;
    const tz_zone *z = zone("Europe/Berlin");
    /* CET (+1) until 2027-03-28 01:00 UTC, then CEST (+2) until 2027-10-31 01:00 UTC */
    assert_int_equal(tz_offset_at(z, utc(2027, 1, 4, 0, 0)), 60);
    assert_int_equal(tz_offset_at(z, utc(2027, 3, 28, 0, 59)), 60);
    assert_int_equal(tz_offset_at(z, utc(2027, 3, 28, 1, 0)), 120);
    assert_int_equal(tz_offset_at(z, utc(2027, 7, 1, 12, 0)), 120);
    assert_int_equal(tz_offset_at(z, utc(2027, 10, 31, 0, 59)), 120);
    assert_int_equal(tz_offset_at(z, utc(2027, 10, 31, 1, 0)), 60);
}

static void test_offsets_new_york(void **state)
{
    (void)state;
    const tz_zone *z = zone("America/New_York");
    /* EST (-5) until 2027-03-14 07:00 UTC, EDT (-4) until 2027-11-07 06:00 UTC */
    assert_int_equal(tz_offset_at(z, utc(2027, 1, 4, 0, 0)), -300);
    assert_int_equal(tz_offset_at(z, utc(2027, 3, 14, 6, 59)), -300);
    assert_int_equal(tz_offset_at(z, utc(2027, 3, 14, 7, 0)), -240);
    assert_int_equal(tz_offset_at(z, utc(2027, 11, 7, 5, 59)), -240);
    assert_int_equal(tz_offset_at(z, utc(2027, 11, 7, 6, 0)), -300);
}

static void test_offsets_sydney(void **state)
{
    (void)state;
    const tz_zone *z = zone("Australia/Sydney");
    /* AEDT (+11) ends 2027-04-04 03:00 local = 2027-04-03 16:00 UTC;
       AEST (+10) ends 2027-10-03 02:00 local = 2027-10-02 16:00 UTC */
    assert_int_equal(tz_offset_at(z, utc(2027, 1, 4, 0, 0)), 660);
    assert_int_equal(tz_offset_at(z, utc(2027, 4, 3, 15, 59)), 660);
    assert_int_equal(tz_offset_at(z, utc(2027, 4, 3, 16, 0)), 600);
    assert_int_equal(tz_offset_at(z, utc(2027, 10, 2, 15, 59)), 600);
    assert_int_equal(tz_offset_at(z, utc(2027, 10, 2, 16, 0)), 660);
}

static void test_offsets_fractional(void **state)
{
    (void)state;
    assert_int_equal(tz_offset_at(zone("Asia/Kolkata"), utc(2027, 1, 4, 0, 0)), 330);
    assert_int_equal(tz_offset_at(zone("Asia/Kolkata"), utc(2027, 7, 4, 0, 0)), 330);
    assert_int_equal(tz_offset_at(zone("Asia/Kathmandu"), utc(2027, 1, 4, 0, 0)), 345);
    assert_int_equal(tz_offset_at(zone("Asia/Kathmandu"), utc(2027, 7, 4, 0, 0)), 345);
}

static void test_local_to_utc(void **state)
{
    (void)state;
    const tz_zone *be = zone("Europe/Berlin");
    int32_t spring = days_from_civil(2027, 3, 28), autumn = days_from_civil(2027, 10, 31);
    /* ordinary times */
    assert_int_equal(tz_local_to_utc(be, days_from_civil(2027, 1, 4), 9 * 60),
                     utc(2027, 1, 4, 8, 0));
    assert_int_equal(tz_local_to_utc(be, days_from_civil(2027, 7, 1), 9 * 60),
                     utc(2027, 7, 1, 7, 0));
    /* spring forward: 02:00..02:59 do not exist; they map to 03:00 CEST = 01:00 UTC */
    assert_int_equal(tz_local_to_utc(be, spring, 1 * 60 + 59), utc(2027, 3, 28, 0, 59));
    assert_int_equal(tz_local_to_utc(be, spring, 2 * 60), utc(2027, 3, 28, 1, 0));
    assert_int_equal(tz_local_to_utc(be, spring, 2 * 60 + 30), utc(2027, 3, 28, 1, 0));
    assert_int_equal(tz_local_to_utc(be, spring, 3 * 60), utc(2027, 3, 28, 1, 0));
    assert_int_equal(tz_local_to_utc(be, spring, 4 * 60), utc(2027, 3, 28, 2, 0));
    /* fall back: 02:00..02:59 happen twice; the first (CEST) wins */
    assert_int_equal(tz_local_to_utc(be, autumn, 1 * 60 + 59), utc(2027, 10, 30, 23, 59));
    assert_int_equal(tz_local_to_utc(be, autumn, 2 * 60), utc(2027, 10, 31, 0, 0));
    assert_int_equal(tz_local_to_utc(be, autumn, 2 * 60 + 30), utc(2027, 10, 31, 0, 30));
    assert_int_equal(tz_local_to_utc(be, autumn, 3 * 60), utc(2027, 10, 31, 2, 0));
    /* minute 1440 is the next midnight */
    assert_int_equal(tz_local_to_utc(be, spring, 1440), utc(2027, 3, 28, 22, 0));

    const tz_zone *ny = zone("America/New_York");
    assert_int_equal(tz_local_to_utc(ny, days_from_civil(2027, 3, 14), 2 * 60 + 30),
                     utc(2027, 3, 14, 7, 0));
    assert_int_equal(tz_local_to_utc(ny, days_from_civil(2027, 11, 7), 1 * 60 + 30),
                     utc(2027, 11, 7, 5, 30));
    const tz_zone *sy = zone("Australia/Sydney");
    /* 02:30 on 2027-04-04 happens first in AEDT (+11) */
    assert_int_equal(tz_local_to_utc(sy, days_from_civil(2027, 4, 4), 2 * 60 + 30),
                     utc(2027, 4, 3, 15, 30));
    /* 02:30 on 2027-10-03 is skipped: 03:00 AEDT = 16:00 UTC the day before */
    assert_int_equal(tz_local_to_utc(sy, days_from_civil(2027, 10, 3), 2 * 60 + 30),
                     utc(2027, 10, 2, 16, 0));
    assert_int_equal(tz_local_to_utc(zone("Asia/Kathmandu"), days_from_civil(2027, 1, 4), 9 * 60),
                     utc(2027, 1, 4, 3, 15));
}

/* ---- reference week ----------------------------------------------------- */

static int32_t add_person(mm_model *m, const char *id, const char *tz)
{
    model_employee e;
    memset(&e, 0, sizeof e);
    e.id = id;
    e.name = id;
    e.timezone = tz;
    e.manager = -1;
    e.grade = 5;
    e.roles = ROLE_LEARNER;
    int32_t idx = model_add_employee(m, &e);
    assert_true(idx >= 0);
    return idx;
}

static void add_window(mm_model *m, int32_t e, int32_t day, int32_t start, int32_t end)
{
    model_window w = {day, start, end};
    assert_int_equal(model_add_window(m, e, &w), 0);
}

static tz_week *build(mm_model *m, int32_t y, int32_t mo, int32_t d)
{
    mm_config cfg;
    config_defaults(&cfg);
    cfg.quarter.start = days_from_civil(y, mo, d);
    tz_week *w = NULL;
    assert_int_equal(model_finish(m), MM_OK);
    assert_int_equal(tz_week_build(m, &cfg, &w), MM_OK);
    assert_non_null(w);
    return w;
}

/* Asserts e's intervals equal the n (start, end) pairs in want. */
static void expect_intervals(const tz_week *w, int32_t e, const int32_t *want, size_t n)
{
    size_t got_n = 99;
    const int32_t *got = tz_week_intervals(w, e, &got_n);
    assert_int_equal(got_n, n);
    for (size_t i = 0; i < 2 * n; i++)
        assert_int_equal(got[i], want[i]);
}

static void test_reference_monday(void **state)
{
    (void)state;
    static const struct {
        int32_t d, monday; /* day of January 2027 */
    } cases[] = {{4, 4}, {5, 11}, {6, 11}, {10, 11}, {11, 11}, {25, 25}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mm_model *m = model_new();
        assert_non_null(m);
        tz_week *w = build(m, 2027, 1, cases[i].d);
        assert_int_equal(tz_week_monday(w), days_from_civil(2027, 1, cases[i].monday));
        tz_week_free(w);
        mm_model_free(m);
    }
    mm_model *m = model_new();
    assert_non_null(m);
    tz_week *w = build(m, 2027, 3, 9); /* a Tuesday */
    assert_int_equal(tz_week_monday(w), days_from_civil(2027, 3, 15));
    tz_week_free(w);
    mm_model_free(m);
}

/* Berlin 15:00-17:00 and New York 09:00-11:00 on a Monday: two hours in
   common in January; one in the weeks when only the US has changed. */
static void test_week_us_eu_gap(void **state)
{
    (void)state;
    mm_model *m = model_new();
    assert_non_null(m);
    int32_t be = add_person(m, "be", "Europe/Berlin");
    int32_t ny = add_person(m, "ny", "America/New_York");
    add_window(m, be, 0, 15 * 60, 17 * 60);
    add_window(m, ny, 0, 9 * 60, 11 * 60);
    tz_week *w = build(m, 2027, 1, 4); /* 14:00-16:00 UTC both */
    assert_int_equal(tz_week_overlap(w, be, ny), 120);
    assert_int_equal(tz_week_offset(w, ny) - tz_week_offset(w, be), -360);
    tz_week_free(w);
    w = build(m, 2027, 3, 9); /* week of the 15th: be 14:00-16:00, ny 13:00-15:00 UTC */
    const int32_t want_be[] = {840, 960}, want_ny[] = {780, 900};
    expect_intervals(w, be, want_be, 1);
    expect_intervals(w, ny, want_ny, 1);
    assert_int_equal(tz_week_overlap(w, be, ny), 60);
    /* the offsets are those of 00:00 UTC on quarter.start, the 9th: EST */
    assert_int_equal(tz_week_offset(w, ny), -300);
    tz_week_free(w);
    mm_model_free(m);
}

/* Week of Mon 2027-03-22: Berlin changes to CEST on Sunday the 28th. */
static void test_week_spring_change(void **state)
{
    (void)state;
    mm_model *m = model_new();
    assert_non_null(m);
    int32_t be = add_person(m, "be", "Europe/Berlin");
    int32_t be2 = add_person(m, "be2", "Europe/Berlin");
    int32_t ny = add_person(m, "ny", "America/New_York");
    add_window(m, be, 0, 9 * 60, 12 * 60);   /* Mon 08:00-11:00 UTC */
    add_window(m, be, 6, 1 * 60, 4 * 60);    /* Sun 00:00-02:00 UTC: 3 h local, 2 h real */
    add_window(m, be2, 6, 2 * 60, 2 * 60 + 30); /* Sun, wholly in the gap: nothing */
    add_window(m, be2, 6, 10 * 60, 12 * 60);  /* Sun 08:00-10:00 UTC (CEST) */
    add_window(m, ny, 0, 4 * 60, 8 * 60);    /* Mon 08:00-12:00 UTC (EDT since the 14th) */
    add_window(m, ny, 5, 20 * 60, 23 * 60);  /* Sat 20:00 EDT = Sun 00:00-03:00 UTC */
    add_window(m, ny, 6, 4 * 60, 6 * 60);    /* Sun 08:00-10:00 UTC */
    tz_week *w = build(m, 2027, 3, 22);
    assert_int_equal(tz_week_monday(w), days_from_civil(2027, 3, 22));
    const int32_t want_be[] = {480, 660, 8640, 8760};
    expect_intervals(w, be, want_be, 2);
    const int32_t want_be2[] = {9120, 9240};
    expect_intervals(w, be2, want_be2, 1);
    const int32_t want_ny[] = {480, 720, 8640, 8820, 9120, 9240};
    expect_intervals(w, ny, want_ny, 3);
    /* be and ny: Mon 480-660 (180) + Sun 8640-8760 (120) */
    assert_int_equal(tz_week_overlap(w, be, ny), 300);
    assert_int_equal(tz_week_overlap(w, ny, be), 300);
    assert_int_equal(tz_week_overlap(w, be2, ny), 120);
    assert_int_equal(tz_week_overlap(w, be, be2), 0);
    /* offsets at 00:00 UTC on quarter.start */
    assert_int_equal(tz_week_offset(w, be), 60);
    assert_int_equal(tz_week_offset(w, ny), -240);
    tz_week_free(w);
    mm_model_free(m);
}

/* Week of Mon 2027-03-08: New York springs forward on Sunday the 14th. */
static void test_week_new_york_change(void **state)
{
    (void)state;
    mm_model *m = model_new();
    assert_non_null(m);
    int32_t ny = add_person(m, "ny", "America/New_York");
    add_window(m, ny, 0, 9 * 60, 10 * 60); /* Mon 09:00 EST = 14:00 UTC */
    add_window(m, ny, 6, 1 * 60, 4 * 60);  /* Sun 01:00 EST = 06:00 UTC .. 04:00 EDT = 08:00 UTC */
    tz_week *w = build(m, 2027, 3, 8);
    const int32_t want[] = {840, 900, 9000, 9120};
    expect_intervals(w, ny, want, 2);
    assert_int_equal(tz_week_offset(w, ny), -300);
    tz_week_free(w);
    mm_model_free(m);
}

/* Week of Mon 2027-10-25: Berlin falls back on Sunday the 31st. */
static void test_week_fall_back(void **state)
{
    (void)state;
    mm_model *m = model_new();
    assert_non_null(m);
    int32_t be = add_person(m, "be", "Europe/Berlin");
    int32_t ut = add_person(m, "ut", "UTC");
    /* Sun 01:00 CEST = Sat 23:00 UTC .. 04:00 CET = Sun 03:00 UTC: 4 real hours */
    add_window(m, be, 6, 1 * 60, 4 * 60);
    add_window(m, ut, 5, 22 * 60, 1440); /* Sat 22:00-24:00 UTC */
    add_window(m, ut, 6, 0, 60);         /* touches: merged with the one before */
    tz_week *w = build(m, 2027, 10, 25);
    const int32_t want_be[] = {8580, 8820};
    expect_intervals(w, be, want_be, 1);
    const int32_t want_ut[] = {8520, 8700};
    expect_intervals(w, ut, want_ut, 1);
    assert_int_equal(tz_week_overlap(w, be, ut), 120);
    tz_week_free(w);
    mm_model_free(m);
}

static void test_week_merge_and_unknown(void **state)
{
    (void)state;
    mm_model *m = model_new();
    assert_non_null(m);
    int32_t a = add_person(m, "a", "UTC");
    int32_t b = add_person(m, "b", "Nowhere/Atlantis");
    int32_t c = add_person(m, "c", "Asia/Kathmandu");
    int32_t d = add_person(m, "d", "Asia/Kolkata");
    add_window(m, a, 0, 9 * 60, 10 * 60);
    add_window(m, a, 0, 10 * 60, 11 * 60);      /* touches */
    add_window(m, a, 0, 10 * 60 + 30, 12 * 60); /* overlaps */
    add_window(m, a, 2, 9 * 60, 10 * 60);
    add_window(m, a, 6, 23 * 60, 1440);         /* ends at the week's end */
    add_window(m, b, 0, 9 * 60, 10 * 60);
    add_window(m, c, 0, 14 * 60, 16 * 60); /* 08:15-10:15 UTC */
    add_window(m, d, 0, 14 * 60, 16 * 60); /* 08:30-10:30 UTC */
    tz_week *w = build(m, 2027, 1, 4);
    const int32_t want_a[] = {540, 720, 2 * 1440 + 540, 2 * 1440 + 600, 6 * 1440 + 1380, 7 * 1440};
    expect_intervals(w, a, want_a, 3);
    expect_intervals(w, b, NULL, 0);
    assert_int_equal(tz_week_offset(w, b), 0);
    assert_int_equal(tz_week_overlap(w, a, b), 0);
    const int32_t want_c[] = {495, 615};
    expect_intervals(w, c, want_c, 1);
    const int32_t want_d[] = {510, 630};
    expect_intervals(w, d, want_d, 1);
    assert_int_equal(tz_week_offset(w, c), 345);
    assert_int_equal(tz_week_offset(w, d), 330);
    /* a: 540-720; c: 495-615 -> 540-615 */
    assert_int_equal(tz_week_overlap(w, a, c), 75);
    assert_int_equal(tz_week_overlap(w, c, d), 105);
    tz_week_free(w);
    mm_model_free(m);
}

/* Many people in a few zones: the cache gives each the same answer as
   converting their windows one by one. */
static void test_week_matches_local_to_utc(void **state)
{
    (void)state;
    static const char *const zones[] = {"Europe/Berlin", "America/New_York", "Australia/Sydney",
                                        "Asia/Kathmandu", "UTC"};
    mm_model *m = model_new();
    assert_non_null(m);
    char id[16];
    uint32_t x = 12345;
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "E%03d", i);
        int32_t e = add_person(m, id, zones[i % 5]);
        x = x * 1103515245u + 12345u;
        int32_t day = (int32_t)(x >> 8) % 7;
        int32_t start = (int32_t)((x >> 12) % 96) * 15;
        int32_t len = 15 + (int32_t)((x >> 20) % 32) * 15;
        add_window(m, e, day, start, start + len > 1440 ? 1440 : start + len);
    }
    /* week of 2027-03-22 (Berlin change) and 2027-03-29 (none) */
    for (int k = 0; k < 2; k++) {
        tz_week *w = build(m, 2027, 3, 22 + 7 * k);
        int64_t base = (int64_t)tz_week_monday(w) * 1440;
        for (int32_t e = 0; e < 200; e++) {
            const model_window *win = &model_emp_windows(m, e)[0].w;
            const tz_zone *z = zone(zones[e % 5]);
            int64_t a = tz_local_to_utc(z, tz_week_monday(w) + win->day, win->start) - base;
            int64_t b = tz_local_to_utc(z, tz_week_monday(w) + win->day, win->end) - base;
            size_t n;
            const int32_t *iv = tz_week_intervals(w, e, &n);
            if (b > a) {
                assert_int_equal(n, 1);
                assert_int_equal(iv[0], a);
                assert_int_equal(iv[1], b);
            } else {
                assert_int_equal(n, 0);
            }
        }
        tz_week_free(w);
    }
    mm_model_free(m);
}

/* More distinct zones than the build's first cache holds, known and
   unknown, names repeated out of order: every person gets their zone. */
static void test_week_many_zones(void **state)
{
    (void)state;
    static const char *const zones[] = {
        "Europe/Berlin",      "Europe/London",     "Europe/Paris",      "Europe/Madrid",
        "Europe/Rome",        "Europe/Warsaw",     "Europe/Helsinki",   "Europe/Moscow",
        "Europe/Istanbul",    "Europe/Lisbon",     "America/New_York",  "America/Chicago",
        "America/Denver",     "America/Phoenix",   "America/Los_Angeles", "America/Anchorage",
        "America/Sao_Paulo",  "America/Bogota",    "America/Mexico_City", "America/St_Johns",
        "Asia/Tokyo",         "Asia/Seoul",        "Asia/Shanghai",     "Asia/Singapore",
        "Asia/Kolkata",       "Asia/Kathmandu",    "Asia/Dubai",        "Asia/Tehran",
        "Australia/Sydney",   "Australia/Adelaide", "Australia/Perth",  "Pacific/Auckland",
        "Pacific/Honolulu",   "Africa/Cairo",      "Africa/Lagos",      "UTC",
        "Nowhere/One",        "Nowhere/Two",       "",                  "Europe/Nowhere",
    };
    enum { N_ZONES = sizeof zones / sizeof zones[0], PEOPLE = 3 * N_ZONES };
    mm_model *m = model_new();
    assert_non_null(m);
    char id[16];
    for (int i = 0; i < PEOPLE; i++) {
        snprintf(id, sizeof id, "P%03d", i);
        int32_t e = add_person(m, id, zones[(i * 7) % N_ZONES]);
        add_window(m, e, 2, 12 * 60, 13 * 60);
    }
    tz_week *w = build(m, 2027, 3, 22);
    int64_t start = (int64_t)days_from_civil(2027, 3, 22) * 1440;
    int64_t base = (int64_t)tz_week_monday(w) * 1440;
    for (int32_t e = 0; e < PEOPLE; e++) {
        const tz_zone *z = tz_get(zones[(e * 7) % N_ZONES]);
        size_t n;
        const int32_t *iv = tz_week_intervals(w, e, &n);
        if (!z) {
            assert_int_equal(n, 0);
            assert_int_equal(tz_week_offset(w, e), 0);
            continue;
        }
        assert_int_equal(tz_week_offset(w, e), tz_offset_at(z, start));
        assert_int_equal(n, 1);
        assert_int_equal(iv[0], tz_local_to_utc(z, tz_week_monday(w) + 2, 12 * 60) - base);
        assert_int_equal(iv[1] - iv[0], 60);
    }
    tz_week_free(w);
    mm_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_offsets_berlin),
        cmocka_unit_test(test_offsets_new_york),
        cmocka_unit_test(test_offsets_sydney),
        cmocka_unit_test(test_offsets_fractional),
        cmocka_unit_test(test_local_to_utc),
        cmocka_unit_test(test_reference_monday),
        cmocka_unit_test(test_week_us_eu_gap),
        cmocka_unit_test(test_week_spring_change),
        cmocka_unit_test(test_week_new_york_change),
        cmocka_unit_test(test_week_fall_back),
        cmocka_unit_test(test_week_merge_and_unknown),
        cmocka_unit_test(test_week_matches_local_to_utc),
        cmocka_unit_test(test_week_many_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
