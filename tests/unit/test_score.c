/*
 * test_score.c - unit tests of engine/score.c: every hard rule and its
 * reason (in the spec's order, the earlier rule winning), every feature
 * with hand-computed values, the score's rounding (halves that floating
 * point lands just below), and, on a random company, the same output for
 * any thread count and score_check_pair / score_features agreeing with
 * score_track on every pair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "score.h"
#include "tz.h"

/* |a - b| <= eps, printing both on failure (cmocka 1.1 compares floats only). */
static void near_(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps)) {
        print_error("%.17g != %.17g (eps %g)\n", a, b, eps);
        _fail(file, line);
    }
}
#define assert_near(a, b, eps) near_((a), (b), (eps), __FILE__, __LINE__)

/* ---- building small companies -------------------------------------------- */

typedef struct fixture {
    mm_model *m;
    mm_config cfg;
    tz_week *week;
    cand_set set;
} fixture;

static void fx_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->m = model_new();
    assert_non_null(f->m);
    config_defaults(&f->cfg); /* quarter.start Monday 2027-01-04 */
    assert_true(model_add_dept(f->m, "D0", "Zero") == 0);
    assert_true(model_add_dept(f->m, "D1", "One") == 1);
    assert_true(model_add_dept(f->m, "D2", "Two") == 2);
}

static void fx_free(fixture *f)
{
    cand_set_free(&f->set);
    tz_week_free(f->week);
    mm_model_free(f->m);
}

/* An employee (capacities 2, no skills, goals or windows yet). */
static int32_t person(fixture *f, const char *id, int32_t dept, int32_t grade, uint32_t roles,
                      int32_t manager, const char *tz)
{
    model_employee e;
    memset(&e, 0, sizeof e);
    e.id = id;
    e.name = id;
    e.timezone = tz;
    e.dept = dept;
    e.manager = manager;
    e.grade = grade;
    e.roles = roles;
    e.mentor_capacity = 2;
    e.host_capacity = 2;
    int32_t idx = model_add_employee(f->m, &e);
    assert_true(idx >= 0);
    return idx;
}

static int32_t skill_id(fixture *f, const char *name)
{
    int32_t s = model_intern_skill(f->m, name, strlen(name));
    assert_true(s >= 0);
    return s;
}

static void skill(fixture *f, int32_t e, const char *name, int32_t level)
{
    assert_int_equal(model_add_skill(f->m, e, skill_id(f, name), level), 0);
}

static void goal(fixture *f, int32_t e, const char *name, int32_t target, int32_t priority,
                 int32_t track)
{
    model_goal g = {skill_id(f, name), target, priority, track};
    assert_int_equal(model_add_goal(f->m, e, &g), 0);
}

static void window(fixture *f, int32_t e, int32_t day, int32_t start, int32_t end)
{
    model_window w = {day, start, end};
    assert_int_equal(model_add_window(f->m, e, &w), 0);
}

static void history(fixture *f, int32_t l, int32_t p, const char *quarter, int32_t track)
{
    model_history h = {l, p, model_parse_quarter(quarter), track};
    assert_true(h.quarter > 0);
    assert_int_equal(model_add_history(f->m, &h), 0);
}

static void prefer(fixture *f, int32_t l, int32_t p, int32_t rank)
{
    model_preference pr = {l, p, rank};
    assert_int_equal(model_add_preference(f->m, &pr), 0);
}

/* Finishes the model, builds the week and scores one track. */
static void run(fixture *f, int32_t track)
{
    cand_set_free(&f->set);
    tz_week_free(f->week);
    f->week = NULL;
    assert_int_equal(model_finish(f->m), MM_OK);
    assert_int_equal(tz_week_build(f->m, &f->cfg, &f->week), MM_OK);
    assert_int_equal(score_track(f->m, &f->cfg, f->week, track, 2, &f->set), MM_OK);
}

static int reason_of(const fixture *f, int32_t e) { return f->set.reason[e]; }

static size_t pairs_of(const fixture *f, int32_t e)
{
    return f->set.first[e + 1] - f->set.first[e];
}

/* The candidate (l, p), or NULL. */
static const candidate *find_pair(const fixture *f, int32_t l, int32_t p)
{
    for (size_t k = f->set.first[l]; k < f->set.first[l + 1]; k++)
        if (f->set.c[k].partner == p)
            return &f->set.c[k];
    return NULL;
}

static reason check(const fixture *f, int32_t track, int32_t l, int32_t p)
{
    return score_check_pair(f->m, &f->cfg, f->week, track, l, p);
}

/* A learner (grade 3, D0, UTC, Monday 09:00-17:00) with goal "python" 1 -> 3. */
static int32_t learner(fixture *f, const char *id)
{
    int32_t l = person(f, id, 0, 3, ROLE_LEARNER, -1, "UTC");
    skill(f, l, "python", 1);
    goal(f, l, "python", 3, 2, TRACK_ANY);
    window(f, l, 0, 9 * 60, 17 * 60);
    return l;
}

/* A mentor and host (grade 6, D1, UTC, Monday 09:00-17:00) with python at level. */
static int32_t expert(fixture *f, const char *id, int32_t level)
{
    int32_t p = person(f, id, 1, 6, ROLE_MENTOR | ROLE_HOST, -1, "UTC");
    skill(f, p, "python", level);
    window(f, p, 0, 9 * 60, 17 * 60);
    return p;
}

/* ---- the rules ------------------------------------------------------------- */

static void test_reason_names(void **state)
{
    (void)state;
    assert_string_equal(reason_names[REASON_NO_GOAL_FOR_TRACK], "no_goal_for_track");
    assert_string_equal(reason_names[REASON_NO_PARTNER_COVERS_GOAL], "no_partner_covers_goal");
    assert_string_equal(reason_names[REASON_GRADE_GAP], "grade_gap");
    assert_string_equal(reason_names[REASON_EXCLUDED], "excluded");
    assert_string_equal(reason_names[REASON_REPEAT_COOLDOWN], "repeat_cooldown");
    assert_string_equal(reason_names[REASON_NO_AVAILABILITY_OVERLAP], "no_availability_overlap");
    assert_string_equal(reason_names[REASON_CAPACITY], "capacity");
}

static void test_no_goal_for_track(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t none = person(&f, "none", 0, 3, ROLE_LEARNER, -1, "UTC");
    window(&f, none, 0, 0, 1440);
    int32_t shadow = person(&f, "shadow", 0, 3, ROLE_LEARNER, -1, "UTC");
    goal(&f, shadow, "python", 3, 2, TRACK_SHADOWING);
    window(&f, shadow, 0, 0, 1440);
    int32_t not_learner = person(&f, "nl", 0, 3, ROLE_MENTOR, -1, "UTC");
    goal(&f, not_learner, "python", 3, 2, TRACK_ANY);
    int32_t p = expert(&f, "p", 5);

    run(&f, TRACK_MENTORING);
    assert_int_equal(reason_of(&f, none), REASON_NO_GOAL_FOR_TRACK);
    assert_int_equal(reason_of(&f, shadow), -1); /* asked for shadowing only */
    assert_int_equal(reason_of(&f, not_learner), -1);
    assert_int_equal(reason_of(&f, p), -1);
    assert_int_equal(f.set.n, 0);
    assert_int_equal(check(&f, TRACK_MENTORING, none, p), REASON_NO_GOAL_FOR_TRACK);
    assert_int_equal(check(&f, TRACK_MENTORING, shadow, p), REASON_NO_GOAL_FOR_TRACK);
    assert_int_equal(check(&f, TRACK_MENTORING, not_learner, p), REASON_NO_GOAL_FOR_TRACK);

    run(&f, TRACK_SHADOWING);
    assert_int_equal(reason_of(&f, none), REASON_NO_GOAL_FOR_TRACK);
    assert_int_equal(reason_of(&f, shadow), REASON_ELIGIBLE);
    assert_int_equal(f.set.n, 1);
    assert_int_equal(f.set.c[0].learner, shadow);
    assert_int_equal(f.set.c[0].partner, p);
    fx_free(&f);
}

static void test_no_partner_covers_goal(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = learner(&f, "l");              /* python 1 -> 3 */
    int32_t low = expert(&f, "low", 2);        /* below the target */
    int32_t other = person(&f, "other", 1, 6, ROLE_MENTOR, -1, "UTC");
    skill(&f, other, "rust", 5);               /* not the goal's skill */
    window(&f, other, 0, 0, 1440);
    int32_t nocap = person(&f, "nocap", 1, 6, ROLE_MENTOR, -1, "UTC");
    skill(&f, nocap, "python", 5);
    window(&f, nocap, 0, 0, 1440);
    f.m->emps[nocap].mentor_capacity = 0;
    int32_t host = person(&f, "host", 1, 6, ROLE_HOST, -1, "UTC");
    skill(&f, host, "python", 5);
    window(&f, host, 0, 0, 1440);
    /* a learner already at the target: the partner must be above them too */
    int32_t l2 = person(&f, "l2", 0, 3, ROLE_LEARNER, -1, "UTC");
    skill(&f, l2, "python", 4);
    goal(&f, l2, "python", 3, 2, TRACK_ANY);
    window(&f, l2, 0, 0, 1440);
    int32_t four = expert(&f, "four", 4);

    run(&f, TRACK_MENTORING);
    assert_int_equal(reason_of(&f, l), REASON_ELIGIBLE); /* four covers it */
    assert_int_equal(pairs_of(&f, l), 1);
    assert_non_null(find_pair(&f, l, four));
    assert_int_equal(reason_of(&f, l2), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(pairs_of(&f, l2), 0);
    assert_int_equal(check(&f, TRACK_MENTORING, l, low), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(check(&f, TRACK_MENTORING, l, other), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(check(&f, TRACK_MENTORING, l, nocap), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(check(&f, TRACK_MENTORING, l, host), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(check(&f, TRACK_MENTORING, l2, four), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(check(&f, TRACK_MENTORING, l, l), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(check(&f, TRACK_MENTORING, l, four), REASON_ELIGIBLE);

    run(&f, TRACK_SHADOWING); /* host counts here; nocap is no host (role) */
    assert_int_equal(pairs_of(&f, l), 2);
    assert_non_null(find_pair(&f, l, host));
    assert_non_null(find_pair(&f, l, four));
    fx_free(&f);
}

/* A goal on one track is not covered on the other. */
static void test_goal_track_counts(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = person(&f, "l", 0, 3, ROLE_LEARNER, -1, "UTC");
    goal(&f, l, "python", 3, 1, TRACK_MENTORING);
    goal(&f, l, "sql", 3, 1, TRACK_SHADOWING);
    window(&f, l, 0, 0, 1440);
    int32_t p = expert(&f, "p", 0);
    skill(&f, p, "sql", 5);
    run(&f, TRACK_MENTORING);
    assert_int_equal(reason_of(&f, l), REASON_NO_PARTNER_COVERS_GOAL);
    run(&f, TRACK_SHADOWING);
    assert_int_equal(reason_of(&f, l), REASON_ELIGIBLE);
    fx_free(&f);
}

static void test_grade_gap(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = learner(&f, "l"); /* grade 3 */
    int32_t same = expert(&f, "same", 5);
    f.m->emps[same].grade = 3;
    run(&f, TRACK_MENTORING); /* min_grade_gap 1 */
    assert_int_equal(reason_of(&f, l), REASON_GRADE_GAP);
    assert_int_equal(check(&f, TRACK_MENTORING, l, same), REASON_GRADE_GAP);
    run(&f, TRACK_SHADOWING); /* gap 0 is enough for a host */
    assert_int_equal(reason_of(&f, l), REASON_ELIGIBLE);
    f.m->emps[same].grade = 2;
    run(&f, TRACK_SHADOWING);
    assert_int_equal(reason_of(&f, l), REASON_GRADE_GAP);
    f.cfg.mentoring.min_grade_gap = -1; /* not the shadowing rule */
    run(&f, TRACK_SHADOWING);
    assert_int_equal(reason_of(&f, l), REASON_GRADE_GAP);
    run(&f, TRACK_MENTORING);
    assert_int_equal(reason_of(&f, l), REASON_ELIGIBLE);
    fx_free(&f);
}

/* One learner, one partner, each variant of the exclusion rule. */
static void test_excluded(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    /* chain: top <- mid <- boss <- l ; boss also manages peer */
    int32_t top = expert(&f, "top", 5);
    int32_t mid = expert(&f, "mid", 5);
    f.m->emps[mid].manager = top;
    int32_t boss = expert(&f, "boss", 5);
    f.m->emps[boss].manager = mid;
    int32_t l = learner(&f, "l");
    f.m->emps[l].manager = boss;
    int32_t peer = expert(&f, "peer", 5);
    f.m->emps[peer].manager = boss;
    int32_t report = expert(&f, "report", 5); /* l's own report, more senior */
    f.m->emps[report].manager = l;
    int32_t sub = expert(&f, "sub", 5); /* two levels below l */
    f.m->emps[sub].manager = report;
    int32_t colleague = expert(&f, "colleague", 5);
    f.m->emps[colleague].dept = 0; /* l's department */
    int32_t ex1 = expert(&f, "ex1", 5);
    int32_t ex2 = expert(&f, "ex2", 5);
    int32_t free_ = expert(&f, "free", 5);
    assert_int_equal(model_add_exclusion(f.m, l, ex1, "conflict"), 0);
    assert_int_equal(model_add_exclusion(f.m, ex2, l, "conflict"), 0);

    run(&f, TRACK_MENTORING); /* levels 2, peers allowed, same department allowed */
    assert_int_equal(check(&f, TRACK_MENTORING, l, boss), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_MENTORING, l, mid), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_MENTORING, l, top), REASON_ELIGIBLE); /* 3 levels up */
    assert_int_equal(check(&f, TRACK_MENTORING, l, report), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_MENTORING, l, sub), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_MENTORING, l, peer), REASON_ELIGIBLE);
    assert_int_equal(check(&f, TRACK_MENTORING, l, colleague), REASON_ELIGIBLE);
    assert_int_equal(check(&f, TRACK_MENTORING, l, ex1), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_MENTORING, l, ex2), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_MENTORING, l, free_), REASON_ELIGIBLE);
    assert_null(find_pair(&f, l, boss));
    assert_null(find_pair(&f, l, ex2));
    assert_non_null(find_pair(&f, l, top));
    assert_non_null(find_pair(&f, l, peer));

    f.cfg.mentoring.exclude_manager_levels = 3;
    f.cfg.mentoring.exclude_peers = true;
    f.cfg.mentoring.allow_same_department = false;
    run(&f, TRACK_SHADOWING); /* the mentoring policies hold for shadowing too */
    assert_int_equal(check(&f, TRACK_SHADOWING, l, top), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, peer), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, colleague), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, free_), REASON_ELIGIBLE);
    assert_int_equal(pairs_of(&f, l), 1);
    assert_non_null(find_pair(&f, l, free_));

    f.cfg.mentoring.exclude_manager_levels = 0; /* the chain no longer counts */
    run(&f, TRACK_MENTORING);
    assert_int_equal(check(&f, TRACK_MENTORING, l, boss), REASON_ELIGIBLE);
    assert_non_null(find_pair(&f, l, boss));
    assert_int_equal(check(&f, TRACK_MENTORING, l, peer), REASON_EXCLUDED);
    f.cfg.mentoring.exclude_peers = false;
    run(&f, TRACK_MENTORING);
    assert_int_equal(check(&f, TRACK_MENTORING, l, peer), REASON_ELIGIBLE);
    assert_non_null(find_pair(&f, l, peer));
    fx_free(&f);
}

static void test_excluded_reason(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = learner(&f, "l");
    int32_t p = expert(&f, "p", 5);
    f.m->emps[l].manager = p;
    run(&f, TRACK_MENTORING);
    assert_int_equal(reason_of(&f, l), REASON_EXCLUDED);
    fx_free(&f);
}

static void test_repeat_cooldown(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f); /* run quarter 2027Q1, cooldown 4: 2026Q1 .. 2027Q1 ban */
    int32_t l = learner(&f, "l");
    int32_t now = expert(&f, "now", 5), edge = expert(&f, "edge", 5);
    int32_t old = expert(&f, "old", 5), other = expert(&f, "other", 5);
    int32_t any = expert(&f, "any", 5), rev = expert(&f, "rev", 5);
    int32_t later = expert(&f, "later", 5);
    history(&f, l, now, "2027Q1", TRACK_MENTORING);
    history(&f, l, edge, "2026Q1", TRACK_MENTORING);
    history(&f, l, old, "2025Q4", TRACK_MENTORING);
    history(&f, l, other, "2026Q3", TRACK_SHADOWING);
    history(&f, l, any, "2026Q3", TRACK_ANY);
    history(&f, rev, l, "2026Q4", TRACK_MENTORING);
    history(&f, l, later, "2027Q2", TRACK_MENTORING);

    run(&f, TRACK_MENTORING);
    assert_int_equal(check(&f, TRACK_MENTORING, l, now), REASON_REPEAT_COOLDOWN);
    assert_int_equal(check(&f, TRACK_MENTORING, l, edge), REASON_REPEAT_COOLDOWN);
    assert_int_equal(check(&f, TRACK_MENTORING, l, old), REASON_ELIGIBLE);
    assert_int_equal(check(&f, TRACK_MENTORING, l, other), REASON_ELIGIBLE);
    assert_int_equal(check(&f, TRACK_MENTORING, l, any), REASON_REPEAT_COOLDOWN);
    assert_int_equal(check(&f, TRACK_MENTORING, l, rev), REASON_REPEAT_COOLDOWN);
    assert_int_equal(check(&f, TRACK_MENTORING, l, later), REASON_ELIGIBLE);
    assert_int_equal(pairs_of(&f, l), 3);

    run(&f, TRACK_SHADOWING);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, now), REASON_ELIGIBLE);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, other), REASON_REPEAT_COOLDOWN);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, any), REASON_REPEAT_COOLDOWN);
    assert_int_equal(pairs_of(&f, l), 5);

    f.cfg.mentoring.repeat_cooldown_quarters = 0; /* only the run's own quarter */
    run(&f, TRACK_MENTORING);
    assert_int_equal(check(&f, TRACK_MENTORING, l, now), REASON_REPEAT_COOLDOWN);
    assert_int_equal(check(&f, TRACK_MENTORING, l, edge), REASON_ELIGIBLE);
    assert_int_equal(check(&f, TRACK_MENTORING, l, rev), REASON_ELIGIBLE);
    assert_int_equal(pairs_of(&f, l), 6);

    /* only banned partners left: the learner's reason */
    fixture g;
    fx_init(&g);
    int32_t l2 = learner(&g, "l2");
    int32_t p2 = expert(&g, "p2", 5);
    history(&g, l2, p2, "2026Q2", TRACK_ANY);
    run(&g, TRACK_MENTORING);
    assert_int_equal(reason_of(&g, l2), REASON_REPEAT_COOLDOWN);
    fx_free(&g);
    fx_free(&f);
}

static void test_no_availability_overlap(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = person(&f, "l", 0, 3, ROLE_LEARNER, -1, "UTC");
    goal(&f, l, "python", 3, 1, TRACK_ANY);
    window(&f, l, 0, 9 * 60, 12 * 60);
    int32_t p = person(&f, "p", 1, 6, ROLE_MENTOR | ROLE_HOST, -1, "Europe/Berlin");
    skill(&f, p, "python", 5);
    window(&f, p, 0, 11 * 60, 13 * 60); /* 10:00-12:00 UTC: 120 minutes in common */
    run(&f, TRACK_MENTORING); /* 60 minutes */
    assert_int_equal(reason_of(&f, l), REASON_ELIGIBLE);
    assert_int_equal(f.set.c[0].overlap, 120);
    f.cfg.mentoring.session_minutes = 120; /* exactly the overlap: still fine */
    run(&f, TRACK_MENTORING);
    assert_int_equal(reason_of(&f, l), REASON_ELIGIBLE);
    run(&f, TRACK_SHADOWING); /* 180 minutes */
    assert_int_equal(reason_of(&f, l), REASON_NO_AVAILABILITY_OVERLAP);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, p), REASON_NO_AVAILABILITY_OVERLAP);
    f.cfg.mentoring.session_minutes = 121;
    run(&f, TRACK_MENTORING);
    assert_int_equal(reason_of(&f, l), REASON_NO_AVAILABILITY_OVERLAP);
    fx_free(&f);
}

/* A learner's reason is the furthest rule a partner reached; a pair's is the
   first it breaks. */
static void test_rule_order(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = learner(&f, "l");
    int32_t junior = expert(&f, "junior", 5); /* grade gap and excluded and no time */
    f.m->emps[junior].grade = 3;
    assert_int_equal(model_add_exclusion(f.m, l, junior, "x"), 0);
    int32_t banned = expert(&f, "banned", 5); /* excluded and repeat */
    assert_int_equal(model_add_exclusion(f.m, banned, l, "x"), 0);
    history(&f, l, banned, "2027Q1", TRACK_ANY);
    int32_t busy = person(&f, "busy", 1, 6, ROLE_MENTOR | ROLE_HOST, -1, "UTC");
    skill(&f, busy, "python", 5); /* repeat and no availability */
    history(&f, l, busy, "2026Q4", TRACK_MENTORING);
    int32_t weak = expert(&f, "weak", 2); /* does not cover, and same grade */
    f.m->emps[weak].grade = 3;

    run(&f, TRACK_MENTORING);
    assert_int_equal(check(&f, TRACK_MENTORING, l, junior), REASON_GRADE_GAP);
    assert_int_equal(check(&f, TRACK_MENTORING, l, banned), REASON_EXCLUDED);
    assert_int_equal(check(&f, TRACK_MENTORING, l, busy), REASON_REPEAT_COOLDOWN);
    assert_int_equal(check(&f, TRACK_MENTORING, l, weak), REASON_NO_PARTNER_COVERS_GOAL);
    assert_int_equal(reason_of(&f, l), REASON_REPEAT_COOLDOWN);
    run(&f, TRACK_SHADOWING); /* the history of busy was mentoring */
    assert_int_equal(check(&f, TRACK_SHADOWING, l, busy), REASON_NO_AVAILABILITY_OVERLAP);
    assert_int_equal(check(&f, TRACK_SHADOWING, l, junior), REASON_EXCLUDED);
    assert_int_equal(reason_of(&f, l), REASON_NO_AVAILABILITY_OVERLAP);
    fx_free(&f);
}

/* ---- features and score ---------------------------------------------------- */

static void test_features(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    f.cfg.weights[FEATURE_PREFERENCE] = 10; /* weights 50 15 15 10 10 10 */
    int32_t l = person(&f, "l", 0, 3, ROLE_LEARNER, -1, "Asia/Kathmandu");
    skill(&f, l, "python", 1);
    skill(&f, l, "sql", 2);
    goal(&f, l, "python", 4, 3, TRACK_ANY);
    goal(&f, l, "sql", 3, 1, TRACK_MENTORING);
    goal(&f, l, "rust", 5, 2, TRACK_ANY);
    goal(&f, l, "go", 5, 3, TRACK_SHADOWING); /* not counted on mentoring */
    window(&f, l, 0, 14 * 60, 18 * 60); /* 08:15-12:15 UTC */
    int32_t m = person(&f, "m", 1, 8, ROLE_MENTOR | ROLE_HOST, -1, "Europe/Berlin");
    skill(&f, m, "python", 3);
    skill(&f, m, "sql", 5);
    skill(&f, m, "go", 5);
    window(&f, m, 0, 9 * 60, 11 * 60); /* 08:00-10:00 UTC */
    int32_t other = person(&f, "other", 1, 8, ROLE_MENTOR, -1, "UTC");
    prefer(&f, l, other, 1);
    prefer(&f, l, m, 2);
    prefer(&f, l, m, 4); /* the better rank counts */
    run(&f, TRACK_MENTORING);
    assert_int_equal(f.set.n, 1);
    const candidate *c = find_pair(&f, l, m);
    assert_non_null(c);
    assert_int_equal(c->overlap, 105); /* 08:15-10:00 */

    double x[FEATURE_COUNT];
    int32_t score = score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, m, x);
    /* skill: python 3 * min(1, 2/3) + sql 1 * min(1, 3/1) + rust 2 * 0, over 6 */
    assert_near(x[FEATURE_SKILL], 3.0 / 6.0, 1e-12);
    assert_near(x[FEATURE_AVAILABILITY], 105.0 / 120.0, 1e-12);
    assert_near(x[FEATURE_CROSS_DEPARTMENT], 1.0, 0);
    assert_near(x[FEATURE_SENIORITY], 0.5, 1e-12); /* gap 5, ideal 3 */
    /* +5:45 against +1:00: 4.75 hours */
    assert_near(x[FEATURE_TIMEZONE], 1.0 - 4.75 / 12.0, 1e-12);
    assert_near(x[FEATURE_PREFERENCE], 0.5, 1e-12);
    /* (25 + 13.125 + 15 + 5 + 6.041666 + 5) / 110 = 0.628787... */
    assert_int_equal(score, 629);
    assert_int_equal(c->score, 629);

    /* the same pair on shadowing: goals python, rust, go; 180-minute sessions */
    run(&f, TRACK_SHADOWING);
    assert_int_equal(f.set.n, 0); /* 105 < 180 minutes */
    assert_int_equal(check(&f, TRACK_SHADOWING, l, m), REASON_NO_AVAILABILITY_OVERLAP);
    score = score_features(f.m, &f.cfg, f.week, TRACK_SHADOWING, l, m, x);
    /* python 3 * 2/3 + rust 0 + go 3 * min(1, 5/5), over 8 */
    assert_near(x[FEATURE_SKILL], 5.0 / 8.0, 1e-12);
    assert_near(x[FEATURE_AVAILABILITY], 105.0 / 360.0, 1e-12);
    /* 50*.625 + 15*.291666 + 15 + 5 + 6.041666 + 5 = 66.666666 -> 606.06 */
    assert_int_equal(score, 606);
    fx_free(&f);
}

static void test_feature_edges(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = learner(&f, "l"); /* grade 3, D0, UTC, Mon 09-17 */
    int32_t a = expert(&f, "a", 5);
    f.m->emps[a].grade = 6; /* gap 3 = ideal */
    f.m->emps[a].dept = 0;
    int32_t b = expert(&f, "b", 5);
    f.m->emps[b].grade = 7; /* gap 4 */
    int32_t c = expert(&f, "c", 5);
    f.m->emps[c].grade = 15; /* gap 12: seniority 0 */
    int32_t d = person(&f, "d", 1, 6, ROLE_MENTOR, -1, "Pacific/Kiritimati"); /* +14 */
    skill(&f, d, "python", 5);
    window(&f, d, 0, 0, 1440);
    window(&f, d, 1, 0, 1440);
    int32_t k = person(&f, "k", 1, 6, ROLE_MENTOR, -1, "Asia/Kolkata");
    skill(&f, k, "python", 5);
    window(&f, k, 0, 0, 1440);
    run(&f, TRACK_MENTORING);
    double x[FEATURE_COUNT];
    score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, a, x);
    assert_near(x[FEATURE_SKILL], 1.0, 0);
    assert_near(x[FEATURE_AVAILABILITY], 1.0, 0); /* 480 >= 120 */
    assert_near(x[FEATURE_CROSS_DEPARTMENT], 0.0, 0);
    assert_near(x[FEATURE_SENIORITY], 1.0, 0);
    assert_near(x[FEATURE_TIMEZONE], 1.0, 0);
    assert_near(x[FEATURE_PREFERENCE], 0.0, 0);
    /* 50 + 15 + 0 + 10 + 10 = 85 */
    assert_int_equal(score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, a, x), 850);
    score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, b, x);
    assert_near(x[FEATURE_SENIORITY], 0.75, 0);
    score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, c, x);
    assert_near(x[FEATURE_SENIORITY], 0.0, 0);
    score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, d, x);
    assert_near(x[FEATURE_TIMEZONE], 0.0, 0); /* 14 hours: capped at 12 */
    score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, k, x);
    assert_near(x[FEATURE_TIMEZONE], 1.0 - 5.5 / 12.0, 1e-12);
    /* every eligible pair carries the score score_features gives */
    for (size_t i = 0; i < f.set.n; i++)
        assert_int_equal(f.set.c[i].score, score_features(f.m, &f.cfg, f.week, TRACK_MENTORING,
                                                          f.set.c[i].learner,
                                                          f.set.c[i].partner, x));
    fx_free(&f);
}

/* Quarter-hour zones: Kathmandu (+5:45) against UTC and Kolkata (+5:30). */
static void test_timezone_45(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = person(&f, "l", 0, 3, ROLE_LEARNER, -1, "Asia/Kathmandu");
    goal(&f, l, "python", 3, 1, TRACK_ANY);
    window(&f, l, 0, 0, 1440);
    int32_t u = person(&f, "u", 1, 6, ROLE_MENTOR, -1, "UTC");
    skill(&f, u, "python", 5);
    window(&f, u, 0, 0, 1440);
    int32_t k = person(&f, "k", 1, 6, ROLE_MENTOR, -1, "Asia/Kolkata");
    skill(&f, k, "python", 5);
    window(&f, k, 0, 0, 1440);
    run(&f, TRACK_MENTORING);
    double x[FEATURE_COUNT];
    int32_t su = score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, u, x);
    assert_near(x[FEATURE_TIMEZONE], 1.0 - 5.75 / 12.0, 1e-12); /* 0.5208333 */
    /* 10 * (50 + 15 * overlap/120 capped + 15 + 10 + 10 * 0.5208333) = 952.08 */
    assert_int_equal(su, 952);
    int32_t sk = score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, k, x);
    assert_near(x[FEATURE_TIMEZONE], 1.0 - 0.25 / 12.0, 1e-12); /* 0.9791666 */
    assert_int_equal(sk, 998); /* 997.9166 */
    assert_int_equal(find_pair(&f, l, u)->score, 952);
    assert_int_equal(find_pair(&f, l, k)->score, 998);
    fx_free(&f);
}

static void test_score_combine(void **state)
{
    (void)state;
    double w[FEATURE_COUNT] = {50, 15, 15, 10, 10, 0};
    double ones[FEATURE_COUNT] = {1, 1, 1, 1, 1, 1}, zeros[FEATURE_COUNT] = {0};
    assert_int_equal(score_combine(w, ones), 1000);
    assert_int_equal(score_combine(w, zeros), 0);
    double none[FEATURE_COUNT] = {0};
    assert_int_equal(score_combine(none, ones), 0);
    /* exact halves, representable: 0.5 and 1.5 round up */
    double one[FEATURE_COUNT] = {1, 0, 0, 0, 0, 0};
    double f1[FEATURE_COUNT] = {0.0005, 0, 0, 0, 0, 0};
    double f2[FEATURE_COUNT] = {0.0015, 0, 0, 0, 0, 0};
    double f3[FEATURE_COUNT] = {0.00149, 0, 0, 0, 0, 0};
    assert_int_equal(score_combine(one, f1), 1);
    assert_int_equal(score_combine(one, f2), 2);
    assert_int_equal(score_combine(one, f3), 1);
    /* 10 * (50 * 2/3 + 15 * 0.5 + 10 * 390/720) = 462.5 exactly, which the
       doubles give as 462.49999999999994: it must still round to 463 */
    double h[FEATURE_COUNT] = {2.0 / 3.0, 0.5, 0, 0, 390.0 / 720.0, 0};
    assert_true(1000.0 * (50 * h[0] + 15 * h[1] + 10 * h[4]) / 100.0 < 462.5);
    assert_int_equal(score_combine(w, h), 463);
    /* 10 * (50 * 11/12 + 15 * 0.5 + 10 * 570/720) = 612.5 */
    double h2[FEATURE_COUNT] = {11.0 / 12.0, 0.5, 0, 0, 570.0 / 720.0, 0};
    assert_int_equal(score_combine(w, h2), 613);
    /* just below a half stays below */
    double h3[FEATURE_COUNT] = {2.0 / 3.0, 0.5, 0, 0, 389.0 / 720.0, 0};
    assert_int_equal(score_combine(w, h3), 462); /* 462.361 */
}

/* The half case of test_score_combine reached through a real pair. */
static void test_score_half_pair(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    int32_t l = person(&f, "l", 0, 2, ROLE_LEARNER, -1, "UTC");
    goal(&f, l, "python", 3, 1, TRACK_ANY);
    goal(&f, l, "sql", 3, 1, TRACK_ANY);
    window(&f, l, 0, 9 * 60, 10 * 60);
    int32_t m = person(&f, "m", 0, 9, ROLE_MENTOR, -1, "Asia/Kolkata");
    skill(&f, m, "python", 3); /* 1 */
    skill(&f, m, "sql", 1);    /* 1/3 */
    window(&f, m, 0, 14 * 60, 16 * 60); /* 08:30-10:30 UTC: 60 minutes in common */
    run(&f, TRACK_MENTORING);
    assert_int_equal(f.set.n, 1);
    double x[FEATURE_COUNT];
    assert_int_equal(score_features(f.m, &f.cfg, f.week, TRACK_MENTORING, l, m, x), 463);
    assert_near(x[FEATURE_SKILL], 2.0 / 3.0, 1e-15);
    assert_near(x[FEATURE_AVAILABILITY], 0.5, 0);
    assert_near(x[FEATURE_SENIORITY], 0.0, 0); /* gap 7 */
    assert_near(x[FEATURE_TIMEZONE], 390.0 / 720.0, 1e-15);
    assert_int_equal(f.set.c[0].score, 463);
    fx_free(&f);
}

/* ---- a random company ---------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

#define RANDOM_EMPS 400

/* A random company; n_pins random pins (any pair, on either track) when
   asked, drawn after everything else. */
static void random_company_pinned(fixture *f, uint64_t seed, int n_pins)
{
    static const char *const zones[] = {"Europe/Berlin", "America/New_York", "Australia/Sydney",
                                        "Asia/Kolkata",  "Asia/Kathmandu",   "UTC"};
    static const char *const skills[] = {"python", "sql", "rust", "go", "sales", "finance",
                                         "design", "ml", "k8s", "excel"};
    enum { N_SKILLS = sizeof skills / sizeof skills[0] };
    rng_state = seed;
    fx_init(f);
    f->cfg.quarter.start = days_from_civil(2027, 3, 22); /* a DST change in the week */
    char id[16];
    for (int i = 0; i < RANDOM_EMPS; i++) {
        snprintf(id, sizeof id, "E%04d", i);
        uint32_t roles = 0;
        if (rnd(100) < 60)
            roles |= ROLE_LEARNER;
        if (rnd(100) < 35)
            roles |= ROLE_MENTOR;
        if (rnd(100) < 25)
            roles |= ROLE_HOST;
        int32_t manager = i > 0 && rnd(100) < 85 ? (int32_t)rnd((uint32_t)i) : -1;
        int32_t e = person(f, id, (int32_t)rnd(3), 1 + (int32_t)rnd(15), roles, manager,
                           zones[rnd(6)]);
        f->m->emps[e].mentor_capacity = (int32_t)rnd(4);
        f->m->emps[e].host_capacity = (int32_t)rnd(3);
        for (int s = 0; s < N_SKILLS; s++) {
            if (rnd(100) < 35)
                skill(f, e, skills[s], (int32_t)rnd(6));
        }
        if (roles & ROLE_LEARNER) {
            for (int s = 0; s < N_SKILLS; s++) {
                if (rnd(100) < 15)
                    goal(f, e, skills[s], 1 + (int32_t)rnd(5), 1 + (int32_t)rnd(3),
                         (int32_t)rnd(3));
            }
        }
        int nw = (int)rnd(7); /* up to 6: some weeks longer than a partner record holds */
        for (int k = 0; k < nw; k++) {
            int32_t start = (int32_t)rnd(88) * 15;
            window(f, e, (int32_t)rnd(7), start, start + 30 + (int32_t)rnd(24) * 15);
        }
    }
    static const char *const quarters[] = {"2025Q3", "2026Q1", "2026Q2", "2026Q4", "2027Q1",
                                           "2027Q2"};
    for (int k = 0; k < 300; k++)
        history(f, (int32_t)rnd(RANDOM_EMPS), (int32_t)rnd(RANDOM_EMPS), quarters[rnd(6)],
                (int32_t)rnd(3));
    /* a few people met everyone this quarter */
    for (int k = 0; k < 8; k++) {
        int32_t l = (int32_t)rnd(RANDOM_EMPS);
        for (int32_t p = 0; p < RANDOM_EMPS; p++)
            history(f, l, p, "2027Q1", TRACK_ANY);
    }
    for (int k = 0; k < 150; k++)
        assert_int_equal(model_add_exclusion(f->m, (int32_t)rnd(RANDOM_EMPS),
                                             (int32_t)rnd(RANDOM_EMPS), "r"),
                         0);
    for (int k = 0; k < 300; k++)
        prefer(f, (int32_t)rnd(RANDOM_EMPS), (int32_t)rnd(RANDOM_EMPS), 1 + (int32_t)rnd(5));
    for (int k = 0; k < n_pins; k++) {
        model_pin pin = {(int32_t)rnd(RANDOM_EMPS), (int32_t)rnd(RANDOM_EMPS),
                         (int32_t)rnd(TRACK_COUNT)};
        assert_int_equal(model_add_pin(f->m, &pin), 0);
    }
    assert_int_equal(model_finish(f->m), MM_OK);
    assert_int_equal(tz_week_build(f->m, &f->cfg, &f->week), MM_OK);
}

static void random_company(fixture *f, uint64_t seed) { random_company_pinned(f, seed, 0); }

static void strict_config(mm_config *cfg)
{
    cfg->mentoring.exclude_manager_levels = 3;
    cfg->mentoring.exclude_peers = true;
    cfg->mentoring.allow_same_department = false;
    cfg->mentoring.repeat_cooldown_quarters = 1;
    cfg->mentoring.min_grade_gap = 2;
    cfg->weights[FEATURE_PREFERENCE] = 20;
}

static void assert_same_sets(const cand_set *a, const cand_set *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->n_emps, b->n_emps);
    assert_int_equal(a->track, b->track);
    assert_memory_equal(a->c, b->c, a->n * sizeof *a->c);
    assert_memory_equal(a->first, b->first, (a->n_emps + 1) * sizeof *a->first);
    assert_memory_equal(a->reason, b->reason, a->n_emps);
}

static void test_threads_identical(void **state)
{
    (void)state;
    for (int variant = 0; variant < 2; variant++) {
        fixture f;
        random_company(&f, 0x9e3779b97f4a7c15u + (uint64_t)variant);
        if (variant)
            strict_config(&f.cfg);
        for (int32_t track = 0; track < TRACK_COUNT; track++) {
            cand_set one, other;
            assert_int_equal(score_track(f.m, &f.cfg, f.week, track, 1, &one), MM_OK);
            assert_true(one.n > 0);
            static const int threads[] = {2, 3, 8, 0};
            for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
                assert_int_equal(score_track(f.m, &f.cfg, f.week, track, threads[t], &other),
                                 MM_OK);
                assert_same_sets(&one, &other);
                cand_set_free(&other);
            }
            cand_set_free(&one);
        }
        fx_free(&f);
    }
}

/*
 * The pairs left out (score_track_rest): with the kept ones, exactly each
 * learner's eligible pairs, in partner order, whatever the thread count;
 * the kept set is score_track_kept's.
 */
static void test_rest(void **state)
{
    (void)state;
    fixture f;
    random_company(&f, 0x7e57ab1eu);
    for (int32_t track = 0; track < TRACK_COUNT; track++) {
        cand_set all, kept, rest[2];
        assert_int_equal(score_track(f.m, &f.cfg, f.week, track, 2, &all), MM_OK);
        assert_int_equal(score_track_kept(f.m, &f.cfg, f.week, track, 2, 2, &kept), MM_OK);
        assert_null(kept.rest);
        for (int k = 0; k < 2; k++) {
            cand_set *r = &rest[k];
            assert_int_equal(score_track_rest(f.m, &f.cfg, f.week, track, k + 1, 2, r), MM_OK);
            assert_same_sets(&kept, r);
            assert_non_null(r->rest);
            assert_int_equal(r->n + r->n_rest, all.n);
            size_t left_out = 0;
            for (size_t l = 0; l < all.n_emps; l++) {
                size_t i = r->first[l], j = r->rest_first[l];
                /* merging the kept and the rest by partner gives all the pairs */
                for (size_t a = all.first[l]; a < all.first[l + 1]; a++) {
                    const candidate *c = &all.c[a];
                    bool from_kept = i < r->first[l + 1] && r->c[i].partner == c->partner;
                    if (from_kept) {
                        const candidate *got = &r->c[i++];
                        assert_int_equal(got->learner, c->learner);
                        assert_int_equal(got->partner, c->partner);
                        assert_int_equal(got->score, c->score);
                        assert_int_equal(got->overlap, c->overlap);
                    } else {
                        const rest_pair *got = &r->rest[j++];
                        assert_true(j <= r->rest_first[l + 1]);
                        assert_int_equal(got->partner, c->partner);
                        assert_int_equal(got->score, c->score);
                        assert_int_equal(got->overlap, c->overlap);
                        assert_true(got->score <= r->bound[l]);
                    }
                }
                assert_int_equal(i, r->first[l + 1]);
                assert_int_equal(j, r->rest_first[l + 1]);
                left_out += r->rest_first[l + 1] - r->rest_first[l];
            }
            assert_true(left_out > 0);
        }
        assert_int_equal(rest[0].n_rest, rest[1].n_rest);
        assert_memory_equal(rest[0].rest, rest[1].rest, rest[0].n_rest * sizeof *rest[0].rest);
        cand_set_free(&all);
        cand_set_free(&kept);
        cand_set_free(&rest[0]);
        cand_set_free(&rest[1]);
    }
    fx_free(&f);
}

/*
 * Kept pairs: each learner keeps its best one (score, then partner id)
 * and every pin, in partner order; the bound is the best score left out;
 * eligible counts all. score_widen gives learners everything back, and the
 * pricer returns exactly score_track's pairs, however often it is asked.
 */
static void test_kept_and_pricer(void **state)
{
    (void)state;
    fixture f;
    random_company(&f, 0x51ed2701u);
    for (int32_t track = 0; track < TRACK_COUNT; track++) {
        cand_set all, kept;
        assert_int_equal(score_track(f.m, &f.cfg, f.week, track, 2, &all), MM_OK);
        assert_int_equal(score_track_kept(f.m, &f.cfg, f.week, track, 2, 1, &kept), MM_OK);
        assert_int_equal(kept.n_eligible, all.n);
        size_t pruned_learners = 0;
        for (size_t l = 0; l < all.n_emps; l++) {
            size_t n_all = all.first[l + 1] - all.first[l];
            size_t n_kept = kept.first[l + 1] - kept.first[l];
            assert_int_equal(kept.eligible[l], n_all);
            assert_int_equal(kept.reason[l], all.reason[l]);
            int32_t best_out = -1;
            for (size_t i = all.first[l]; i < all.first[l + 1]; i++) {
                const candidate *c = &all.c[i];
                bool in = false;
                for (size_t j = kept.first[l]; j < kept.first[l + 1]; j++)
                    in |= kept.c[j].partner == c->partner && kept.c[j].score == c->score;
                if (!in && c->score > best_out)
                    best_out = c->score;
            }
            assert_int_equal(kept.bound[l], best_out);
            if (n_all <= 1) {
                assert_int_equal(n_kept, n_all);
                continue;
            }
            pruned_learners++;
            assert_true(n_kept >= 1);
            /* the kept ones beat or tie every one left out, partner order inside */
            for (size_t j = kept.first[l]; j < kept.first[l + 1]; j++) {
                if (j > kept.first[l])
                    assert_true(kept.c[j - 1].partner < kept.c[j].partner);
            }
            int32_t worst_kept = 1001;
            for (size_t j = kept.first[l]; j < kept.first[l + 1]; j++)
                worst_kept = kept.c[j].score < worst_kept ? kept.c[j].score : worst_kept;
            assert_true(worst_kept >= best_out);
        }
        print_message("track %d: %zu learners pruned\n", (int)track, pruned_learners);
        assert_true(pruned_learners >= 5);
        /* widen every learner: all pairs back, no bounds left */
        int32_t *everyone = malloc(all.n_emps * sizeof *everyone);
        size_t n_l = 0;
        for (size_t l = 0; l < all.n_emps; l++)
            if (all.reason[l] >= 0)
                everyone[n_l++] = (int32_t)l;
        assert_int_equal(score_widen(f.m, &f.cfg, f.week, &kept, everyone, n_l, 2), MM_OK);
        assert_same_sets(&all, &kept);
        for (size_t l = 0; l < all.n_emps; l++)
            assert_int_equal(kept.bound[l], -1);
        /* the pricer, twice over, in a shuffled order */
        score_pricer *sp;
        assert_int_equal(score_pricer_new(f.m, &f.cfg, f.week, track, &sp), MM_OK);
        for (int pass = 0; pass < 2; pass++) {
            for (size_t k = 0; k < n_l; k++) {
                int32_t l = everyone[(k * 7919 + (size_t)pass) % n_l];
                const candidate *pairs;
                size_t n;
                assert_int_equal(score_pricer_pairs(sp, l, &pairs, &n), MM_OK);
                assert_int_equal(n, all.first[l + 1] - all.first[l]);
                if (n)
                    assert_memory_equal(pairs, all.c + all.first[l], n * sizeof *pairs);
            }
        }
        score_pricer_free(sp);
        free(everyone);
        cand_set_free(&all);
        cand_set_free(&kept);
    }
    fx_free(&f);
}

/* Best first, as the kept pairs are chosen: score descending, then partner. */
static int cmp_best_first(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return (a->partner > b->partner) - (a->partner < b->partner);
}

static int cmp_by_partner(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    return (a->partner > b->partner) - (a->partner < b->partner);
}

/*
 * The kept pairs against a full sort: for many keeps, each learner's
 * slice is exactly its keep best pairs by a full qsort (score, then
 * partner) plus its pinned pairs past that cut, in partner order; the
 * bound is the best score of the rest; the same for any thread count.
 */
static void test_kept_top_k(void **state)
{
    (void)state;
    fixture f;
    random_company_pinned(&f, 0x7f4a7c159e3779b9u, 12000);
    candidate *ref = malloc(RANDOM_EMPS * sizeof *ref);
    assert_non_null(ref);
    size_t pins_moved = 0;
    for (int32_t track = 0; track < TRACK_COUNT; track++) {
        cand_set all;
        assert_int_equal(score_track(f.m, &f.cfg, f.week, track, 1, &all), MM_OK);
        static const int32_t keeps[] = {1, 2, 3, 4, 7, 16, 40};
        for (size_t kk = 0; kk < sizeof keeps / sizeof keeps[0]; kk++) {
            size_t keep = (size_t)keeps[kk];
            cand_set kept, again;
            assert_int_equal(score_track_kept(f.m, &f.cfg, f.week, track, 2, keeps[kk], &kept),
                             MM_OK);
            assert_int_equal(score_track_kept(f.m, &f.cfg, f.week, track, 3, keeps[kk], &again),
                             MM_OK);
            assert_same_sets(&kept, &again);
            assert_memory_equal(kept.bound, again.bound, kept.n_emps * sizeof *kept.bound);
            assert_memory_equal(kept.eligible, again.eligible,
                                kept.n_emps * sizeof *kept.eligible);
            for (size_t l = 0; l < all.n_emps; l++) {
                size_t n = all.first[l + 1] - all.first[l];
                assert_int_equal(kept.eligible[l], n);
                memcpy(ref, all.c + all.first[l], n * sizeof *ref);
                int32_t bound = -1;
                size_t n_ref = n;
                if (n > keep) {
                    qsort(ref, n, sizeof *ref, cmp_best_first);
                    n_ref = keep;
                    for (size_t i = keep; i < n; i++) {
                        bool pin = false;
                        for (size_t j = 0; j < f.m->n_pins; j++)
                            pin |= f.m->pins[j].track == track &&
                                   f.m->pins[j].learner == (int32_t)l &&
                                   f.m->pins[j].partner == ref[i].partner;
                        if (pin) {
                            ref[n_ref++] = ref[i];
                            pins_moved++;
                        } else if (ref[i].score > bound) {
                            bound = ref[i].score;
                        }
                    }
                    qsort(ref, n_ref, sizeof *ref, cmp_by_partner);
                }
                assert_int_equal(kept.first[l + 1] - kept.first[l], n_ref);
                if (n_ref)
                    assert_memory_equal(kept.c + kept.first[l], ref, n_ref * sizeof *ref);
                assert_int_equal(kept.bound[l], bound);
            }
            cand_set_free(&kept);
            cand_set_free(&again);
        }
        cand_set_free(&all);
    }
    print_message("%zu pinned pairs kept past the cut\n", pins_moved);
    assert_true(pins_moved > 0);
    free(ref);
    fx_free(&f);
}

/* Every pair of the random company: the single-pair functions agree with
   score_track, the output is well formed, and the rules all occur. */
static void test_check_pair_agrees(void **state)
{
    (void)state;
    int seen[REASON_COUNT] = {0};
    for (int variant = 0; variant < 2; variant++) {
        fixture f;
        random_company(&f, 0x2545f4914f6cdd1du + (uint64_t)variant);
        if (variant)
            strict_config(&f.cfg);
        for (int32_t track = 0; track < TRACK_COUNT; track++) {
            assert_int_equal(score_track(f.m, &f.cfg, f.week, track, 2, &f.set), MM_OK);
            const cand_set *s = &f.set;
            assert_int_equal(s->first[0], 0);
            assert_int_equal(s->first[RANDOM_EMPS], s->n);
            for (int32_t l = 0; l < RANDOM_EMPS; l++) {
                const model_employee *e = &f.m->emps[l];
                int furthest = REASON_NO_PARTNER_COVERS_GOAL;
                size_t k = s->first[l];
                for (int32_t p = 0; p < RANDOM_EMPS; p++) {
                    int r = check(&f, track, l, p);
                    if (r > furthest)
                        furthest = r;
                    bool listed = k < s->first[l + 1] && s->c[k].partner == p;
                    assert_int_equal(listed, r == REASON_ELIGIBLE);
                    if (!listed)
                        continue;
                    double x[FEATURE_COUNT];
                    assert_int_equal(s->c[k].learner, l);
                    assert_int_equal(s->c[k].score,
                                     score_features(f.m, &f.cfg, f.week, track, l, p, x));
                    assert_int_equal(s->c[k].overlap, tz_week_overlap(f.week, l, p));
                    for (int q = 0; q < FEATURE_COUNT; q++)
                        assert_true(x[q] >= 0.0 && x[q] <= 1.0);
                    k++;
                }
                assert_int_equal(k, s->first[l + 1]);
                bool learner = (e->roles & ROLE_LEARNER) != 0;
                if (s->reason[l] < 0 || s->reason[l] == REASON_NO_GOAL_FOR_TRACK) {
                    assert_int_equal(furthest, REASON_NO_PARTNER_COVERS_GOAL); /* no pair */
                    assert_int_equal(pairs_of(&f, l), 0);
                    assert_int_equal(s->reason[l] == REASON_NO_GOAL_FOR_TRACK,
                                     learner && e->goal_count == 0);
                    assert_int_equal(check(&f, track, l, 0), REASON_NO_GOAL_FOR_TRACK);
                } else {
                    assert_true(learner);
                    assert_int_equal(s->reason[l], furthest);
                }
                if (s->reason[l] >= 0)
                    seen[s->reason[l]]++;
            }
            cand_set_free(&f.set);
        }
        fx_free(&f);
    }
    for (int r = REASON_NO_GOAL_FOR_TRACK; r <= REASON_ELIGIBLE; r++)
        assert_true(seen[r] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reason_names),
        cmocka_unit_test(test_no_goal_for_track),
        cmocka_unit_test(test_no_partner_covers_goal),
        cmocka_unit_test(test_goal_track_counts),
        cmocka_unit_test(test_grade_gap),
        cmocka_unit_test(test_excluded),
        cmocka_unit_test(test_excluded_reason),
        cmocka_unit_test(test_repeat_cooldown),
        cmocka_unit_test(test_no_availability_overlap),
        cmocka_unit_test(test_rule_order),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_feature_edges),
        cmocka_unit_test(test_timezone_45),
        cmocka_unit_test(test_score_combine),
        cmocka_unit_test(test_score_half_pair),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_kept_and_pricer),
        cmocka_unit_test(test_rest),
        cmocka_unit_test(test_kept_top_k),
        cmocka_unit_test(test_check_pair_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
