/*
 * test_match.c - match_solve_then's task graph on the sample company: the
 * caller's hooks run once each, in order, when the pairs they need are
 * final; the result is the same with one thread and with two, and with the
 * schedule placed in the hooks or afterwards, and with every track heavy;
 * a failing hook stops the solve.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "import.h"
#include "match.h"
#include "schedule.h"

typedef struct run {
    mm_model *model;
    mm_config cfg;
    match_result *r;
    sched_result sched;
    sched_work *work;
    mm_diag *diag;
    /* what the hooks saw */
    int calls, men_call, both_call;
    size_t men_pairs, sha_pairs;
    int fail_mentoring;
} run;

static void run_new(run *x, int threads)
{
    char sha[65];
    memset(x, 0, sizeof *x);
    x->diag = mm_diag_new(100);
    assert_int_equal(import_company("data/samples/acme", NULL, &x->model, sha, x->diag), MM_OK);
    config_defaults(&x->cfg);
    x->cfg.quarter.start = days_from_civil(2027, 3, 1);
    assert_int_equal(match_new(x->model, &x->cfg, threads, &x->r, x->diag), MM_OK);
    assert_int_equal(match_score(x->r, x->diag), MM_OK);
}

static void run_free(run *x)
{
    sched_abandon(x->work);
    sched_free(&x->sched);
    match_free(x->r);
    mm_model_free(x->model);
    mm_diag_free(x->diag);
}

static int on_mentoring(void *ctx, const match_result *r)
{
    run *x = ctx;
    int call;
#pragma omp atomic capture
    call = ++x->calls;
    x->men_call = call;
    x->men_pairs = r->t[TRACK_MENTORING].n_pairs;
    if (x->fail_mentoring)
        return MM_ENOMEM;
    return sched_begin(r, &x->sched, &x->work);
}

static int on_both(void *ctx, const match_result *r)
{
    run *x = ctx;
    int call;
#pragma omp atomic capture
    call = ++x->calls;
    x->both_call = call;
    x->sha_pairs = r->t[TRACK_SHADOWING].n_pairs;
    int rc = sched_finish(x->work);
    x->work = NULL;
    return rc;
}

static void same_pairs(const match_result *a, const match_result *b)
{
    for (int t = 0; t < TRACK_COUNT; t++) {
        const match_track *x = &a->t[t], *y = &b->t[t];
        assert_int_equal(x->n_pairs, y->n_pairs);
        for (size_t i = 0; i < x->n_pairs; i++) {
            assert_int_equal(x->pairs[i].learner, y->pairs[i].learner);
            assert_int_equal(x->pairs[i].partner, y->pairs[i].partner);
        }
        assert_string_equal(x->sol.status, "optimal");
        assert_string_equal(x->sol.status, y->sol.status);
        assert_string_equal(x->sol.method, y->sol.method);
        assert_int_equal(x->n_unmatched, y->n_unmatched);
        assert_int_equal(x->n_slots, y->n_slots);
        for (size_t i = 0; i < x->n_slots; i++) {
            assert_int_equal(x->slots[i].partner, y->slots[i].partner);
            assert_int_equal(x->slots[i].extra_matches, y->slots[i].extra_matches);
            assert_int_equal(x->slots[i].score_gain, y->slots[i].score_gain);
        }
    }
}

static void same_schedule(const sched_result *a, const sched_result *b)
{
    assert_int_equal(a->planned, b->planned);
    assert_int_equal(a->n_sessions, b->n_sessions);
    assert_int_equal(a->n_unplaced, b->n_unplaced);
    assert_memory_equal(a->sessions, b->sessions, a->n_sessions * sizeof *a->sessions);
}

/* Hooks once each, mentoring's first, with the final pairs; the same
   pairs, proofs, slot values and schedule with 1 and 2 threads and without
   hooks, and with every track heavy (MATCH_HEAVY_PAIRS lowered to 0: slot
   values take turns). */
static void test_hooks(void **state)
{
    (void)state;
    run plain, hooked[4];
    run_new(&plain, 1);
    assert_int_equal(match_solve(plain.r, plain.diag), MM_OK);
    assert_int_equal(schedule_build(plain.r, &plain.sched), MM_OK);
    assert_true(plain.r->t[TRACK_MENTORING].n_pairs > 0);
    assert_true(plain.r->t[TRACK_SHADOWING].n_pairs > 0);
    for (int k = 0; k < 4; k++) {
        run *x = &hooked[k];
        run_new(x, k % 2 + 1);
        if (k >= 2)
            x->r->heavy_pairs = 0;
        match_then then = {on_mentoring, on_both, x};
        assert_int_equal(match_solve_then(x->r, x->diag, &then), MM_OK);
        assert_int_equal(x->calls, 2);
        assert_int_equal(x->men_call, 1);
        assert_int_equal(x->both_call, 2);
        assert_int_equal(x->men_pairs, x->r->t[TRACK_MENTORING].n_pairs);
        assert_int_equal(x->sha_pairs, x->r->t[TRACK_SHADOWING].n_pairs);
        assert_null(x->work);
        for (int t = 0; t < TRACK_COUNT; t++)
            assert_null(x->r->t[t].sol.basis); /* proved: the proof lets go of it */
        same_pairs(plain.r, x->r);
        same_schedule(&plain.sched, &x->sched);
    }
    run_free(&plain);
    for (int k = 0; k < 4; k++)
        run_free(&hooked[k]);
}

/* A hook's failure is the solve's: the next hook is not called. */
static void test_hook_fails(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        run x;
        run_new(&x, threads);
        x.fail_mentoring = 1;
        match_then then = {on_mentoring, on_both, &x};
        assert_int_equal(match_solve_then(x.r, x.diag, &then), MM_ENOMEM);
        assert_int_equal(x.calls, 1);
        assert_int_equal(x.both_call, 0);
        run_free(&x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hooks),
        cmocka_unit_test(test_hook_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
