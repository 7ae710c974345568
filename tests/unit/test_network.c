/*
 * test_network.c - the network simplex (engine/netsimplex.h) on circulations
 * small enough to solve by hand: the optimum and its certificate, the trees
 * and flows ns_start refuses, arcs added to an optimum, and a snapshot
 * taken before them and restored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "mentormatch.h"
#include "netsimplex.h"

static void arc(netsimplex *ns, int32_t src, int32_t dst, int32_t lo, int32_t hi, int64_t cost,
                int32_t flow)
{
    size_t a = ns->n_arcs++;
    assert_true(a < ns->cap_arcs);
    ns->src[a] = src;
    ns->dst[a] = dst;
    ns->lo[a] = lo;
    ns->hi[a] = hi;
    ns->cost[a] = cost;
    ns->flow[a] = flow;
}

/*
 * The triangle 0 -> 1 -> 2 -> 0: costs 1, 1, -5 and capacities 4, 4, 3.
 * The tree is arcs 0 and 1 (node 1 hangs on arc 0, node 2 on arc 1); every
 * flow starts at 0. The cycle costs -3 a unit and carries 3: cost -9.
 */
static void triangle(netsimplex *ns)
{
    assert_int_equal(ns_alloc(ns, 3, 3), MM_OK);
    arc(ns, 0, 1, 0, 4, 1, 0);
    arc(ns, 1, 2, 0, 4, 1, 0);
    arc(ns, 2, 0, 0, 3, -5, 0);
    ns->pred[1] = 0;
    ns->pred[2] = 1;
}

static int64_t total_cost(const netsimplex *ns)
{
    int64_t c = 0;
    for (size_t a = 0; a < ns->n_arcs; a++)
        c += ns->cost[a] * ns->flow[a];
    return c;
}

static void test_optimum(void **state)
{
    (void)state;
    netsimplex ns;
    triangle(&ns);
    assert_int_equal(ns_start(&ns), MM_OK);
    /* the start is a basis but not optimal: arc 2 prices out */
    assert_true(ns_reduced_cost(&ns, 2) < 0);
    assert_int_equal(ns_certify(&ns), MM_EINTERNAL);
    assert_int_equal(ns_run(&ns), MM_OK);
    assert_int_equal(ns_certify(&ns), MM_OK);
    assert_int_equal(ns.flow[0], 3);
    assert_int_equal(ns.flow[1], 3);
    assert_int_equal(ns.flow[2], 3);
    assert_int_equal(total_cost(&ns), -9);
    assert_true(ns.pivots >= 1);
    for (size_t a = 0; a < ns.n_arcs; a++) {
        if (ns.state[a] == NS_TREE)
            assert_true(ns_reduced_cost(&ns, a) == 0);
        else if (ns.state[a] == NS_UPPER)
            assert_true(ns_reduced_cost(&ns, a) <= 0);
        else
            assert_true(ns_reduced_cost(&ns, a) >= 0);
    }
    /* an optimum again: no pivot */
    uint64_t pivots = ns.pivots;
    assert_int_equal(ns_run(&ns), MM_OK);
    assert_true(ns.pivots == pivots);
    ns_free(&ns);
}

/* What ns_start refuses: a tree that does not span, a flow out of its
   bounds, a non-tree arc strictly between its bounds, flows that do not
   balance. */
static void test_start_refuses(void **state)
{
    (void)state;
    netsimplex ns;

    triangle(&ns);
    ns.pred[2] = 0; /* arc 0 does not touch node 2 */
    assert_int_equal(ns_start(&ns), MM_EINTERNAL);
    ns_free(&ns);

    triangle(&ns);
    ns.pred[2] = 2; /* arc 2 touches 2 and 0: a tree, still spanning */
    assert_int_equal(ns_start(&ns), MM_OK);
    assert_int_equal(ns_run(&ns), MM_OK);
    assert_int_equal(total_cost(&ns), -9);
    ns_free(&ns);

    triangle(&ns);
    ns.pred[1] = 1; /* 1 on arc 1, 2 on arc 1: node 0 is not reached */
    assert_int_equal(ns_start(&ns), MM_EINTERNAL);
    ns_free(&ns);

    triangle(&ns);
    ns.flow[0] = ns.flow[1] = ns.flow[2] = 5; /* balanced, above arc 2's bound */
    assert_int_equal(ns_start(&ns), MM_EINTERNAL);
    ns_free(&ns);

    triangle(&ns);
    ns.flow[0] = ns.flow[1] = ns.flow[2] = 2; /* arc 2 off the tree, between 0 and 3 */
    assert_int_equal(ns_start(&ns), MM_EINTERNAL);
    ns_free(&ns);

    triangle(&ns);
    ns.flow[0] = ns.flow[1] = ns.flow[2] = 3; /* arc 2 at its upper bound: fine */
    assert_int_equal(ns_start(&ns), MM_OK);
    assert_int_equal(ns.state[2], NS_UPPER);
    assert_int_equal(ns_certify(&ns), MM_OK);
    ns_free(&ns);

    triangle(&ns);
    ns.flow[0] = 1; /* one unit into node 1 that never leaves */
    assert_int_equal(ns_start(&ns), MM_EINTERNAL);
    ns_free(&ns);
}

/* Arcs added to an optimum keep a feasible basis; the next run reaches the
   new optimum, and a snapshot taken before returns to the old one. */
static void test_add_and_restore(void **state)
{
    (void)state;
    netsimplex ns;
    triangle(&ns);
    assert_int_equal(ns_start(&ns), MM_OK);
    assert_int_equal(ns_run(&ns), MM_OK);
    ns_snapshot snap;
    memset(&snap, 0, sizeof snap);
    assert_int_equal(ns_save(&ns, &snap), MM_OK);

    assert_int_equal(ns_reserve(&ns, 2), MM_OK); /* never shrinks */
    assert_true(ns.cap_arcs >= 3);
    assert_int_equal(ns_reserve(&ns, 8), MM_OK);
    assert_true(ns.cap_arcs >= 8);
    /* 0 -> 2 directly at cost -10, 2 units: 0 -> 2 -> 0 is a cycle of -15 */
    assert_int_equal(ns_add_arc(&ns, 0, 2, 0, 2, -10), MM_OK);
    assert_int_equal(ns.n_arcs, 4);
    assert_int_equal(ns.flow[3], 0);
    assert_int_equal(ns_run(&ns), MM_OK);
    assert_int_equal(ns_certify(&ns), MM_OK);
    /* arc 2 carries 3: 2 units through the new arc (-15 each), 1 round the triangle (-3) */
    assert_int_equal(ns.flow[3], 2);
    assert_int_equal(ns.flow[2], 3);
    assert_int_equal(ns.flow[0], 1);
    assert_int_equal(total_cost(&ns), -33);

    ns_restore(&ns, &snap);
    assert_int_equal(ns.n_arcs, 3);
    assert_int_equal(ns.flow[0], 3);
    assert_int_equal(total_cost(&ns), -9);
    assert_int_equal(ns_certify(&ns), MM_OK);
    uint64_t pivots = ns.pivots;
    assert_int_equal(ns_run(&ns), MM_OK);
    assert_true(ns.pivots == pivots);
    ns_snapshot_free(&snap);
    ns_free(&ns);
}

/* A cycle of negative cost is pushed up to its capacity; one whose arcs
   have no lower bound (NS_NEG_INF) is unbounded. */
static void test_unbounded(void **state)
{
    (void)state;
    netsimplex ns;
    assert_int_equal(ns_alloc(&ns, 2, 2), MM_OK);
    arc(&ns, 0, 1, 0, 1, -1, 0); /* the tree */
    arc(&ns, 1, 0, 0, 5, 0, 0);
    ns.pred[1] = 0;
    assert_int_equal(ns_start(&ns), MM_OK);
    assert_int_equal(ns_run(&ns), MM_OK); /* one unit, as arc 0 allows */
    assert_int_equal(ns.flow[0], 1);
    assert_int_equal(ns.flow[1], 1);
    assert_int_equal(ns_certify(&ns), MM_OK);
    ns_free(&ns);

    /* -x on both arcs costs -2x, whatever x */
    assert_int_equal(ns_alloc(&ns, 2, 2), MM_OK);
    arc(&ns, 0, 1, NS_NEG_INF, 0, 1, 0);
    arc(&ns, 1, 0, NS_NEG_INF, 0, 1, 0);
    ns.pred[1] = 0;
    assert_int_equal(ns_start(&ns), MM_OK);
    assert_int_equal(ns_run(&ns), MM_EINTERNAL);
    ns_free(&ns);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimum),
        cmocka_unit_test(test_start_refuses),
        cmocka_unit_test(test_add_and_restore),
        cmocka_unit_test(test_unbounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
