/*
 * test_network.c - the network simplex (engine/netsimplex.h) on circulations
 * small enough to solve by hand: the optimum and its certificate, the trees
 * and flows ns_start refuses, arcs added to an optimum, and a snapshot
 * taken before them and restored; the sparse search's lists and its
 * runners-up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
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

static __int128 total_cost(const netsimplex *ns)
{
    __int128 c = 0;
    for (size_t a = 0; a < ns->n_arcs; a++)
        c += (__int128)ns->cost[a] * ns->flow[a];
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
    assert_true(total_cost(&ns) == -9);
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
    assert_true(total_cost(&ns) == -9);
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
    assert_true(total_cost(&ns) == -33);

    ns_restore(&ns, &snap);
    assert_int_equal(ns.n_arcs, 3);
    assert_int_equal(ns.flow[0], 3);
    assert_true(total_cost(&ns) == -9);
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

/* splitmix64, seeded: the same instances everywhere */
static uint64_t rng_state;
static int rnd(int n)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (int)((z ^ (z >> 31)) % (uint64_t)n);
}

/*
 * A random pairing network as flow.c builds it, its costs times scale:
 * node 0 the root, partners hung from it by s arcs [-inf, cap] of cost 0,
 * learners hung by y arcs [0, 1] of cost -Y scale, and pairs partner ->
 * learner [0, 1] of cost -score scale; every flow 0. Small: 1-6 partners,
 * 1-10 learners, Y = 1000, each pair there with probability 2/3; big:
 * 20-39 partners, 100-299 learners, Y = 10^6, probability 3/10.
 */
static void random_pairing(netsimplex *ns, uint64_t seed, int64_t scale, bool big)
{
    rng_state = seed;
    int np = big ? 20 + rnd(20) : 1 + rnd(6), nl = big ? 100 + rnd(200) : 1 + rnd(10);
    int64_t y = big ? 1000000 : 1000;
    assert_int_equal(ns_alloc(ns, 1 + np + nl, (size_t)(np + nl + np * nl)), MM_OK);
    for (int q = 1; q <= np; q++) {
        ns->pred[q] = (int32_t)ns->n_arcs;
        assert_int_equal(ns_add_arc(ns, 0, q, NS_NEG_INF, 1 + rnd(3), 0), MM_OK);
    }
    for (int l = np + 1; l <= np + nl; l++) {
        ns->pred[l] = (int32_t)ns->n_arcs;
        assert_int_equal(ns_add_arc(ns, l, 0, 0, 1, -y * scale), MM_OK);
    }
    for (int q = 1; q <= np; q++)
        for (int l = np + 1; l <= np + nl; l++)
            if (big ? rnd(10) < 3 : rnd(3) != 0)
                assert_int_equal(ns_add_arc(ns, q, l, 0, 1, -(int64_t)rnd(1001) * scale), MM_OK);
    for (size_t a = 0; a < ns->n_arcs; a++)
        ns->flow[a] = 0;
}

static void pairing(netsimplex *ns, uint64_t seed, int64_t scale)
{
    random_pairing(ns, seed, scale, false);
}

static void pairing_big(netsimplex *ns, uint64_t seed, int64_t scale)
{
    random_pairing(ns, seed, scale, true);
}

/* Two copies of the big random pairing of seed, a third of them with costs
   times 2^40 (wide potentials); returns the scale. */
static int64_t twin_pairings(netsimplex *a, netsimplex *b, uint64_t seed)
{
    int64_t scale = seed % 3 ? 1 : (int64_t)1 << 40;
    pairing_big(a, seed, scale);
    pairing_big(b, seed, scale);
    return scale;
}

/*
 * Narrow (64-bit) and wide (128-bit) potentials pivot alike: the same
 * instances with costs times 2^50 go wide and take the same pivots to the
 * same flows; an arc too costly for narrow potentials, added to a narrow
 * optimum, widens them, and the optimum reached matches a wide solve
 * from scratch.
 */
static void test_widths(void **state)
{
    (void)state;
    const int64_t big = (int64_t)1 << 50;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        netsimplex a, b;
        pairing(&a, seed, 1);
        pairing(&b, seed, big);
        assert_int_equal(ns_start(&a), MM_OK);
        assert_int_equal(ns_start(&b), MM_OK);
        assert_false(a.wide);
        assert_true(b.wide);
        assert_int_equal(ns_run(&a), MM_OK);
        assert_int_equal(ns_run(&b), MM_OK);
        assert_int_equal(ns_certify(&a), MM_OK);
        assert_int_equal(ns_certify(&b), MM_OK);
        assert_true(a.pivots == b.pivots);
        for (size_t k = 0; k < a.n_arcs; k++)
            assert_int_equal(a.flow[k], b.flow[k]);
        assert_true(total_cost(&a) * big == total_cost(&b));

        /* widening mid-way: one more learner's pair costing 2^61 */
        int32_t q = 1, l = a.n_nodes - 1;
        assert_int_equal(ns_add_arc(&a, q, l, 0, 1, -((int64_t)1 << 61)), MM_OK);
        assert_true(a.wide);
        assert_int_equal(ns_run(&a), MM_OK);
        assert_int_equal(ns_certify(&a), MM_OK);
        netsimplex c;
        pairing(&c, seed, 1);
        assert_int_equal(ns_add_arc(&c, q, l, 0, 1, -((int64_t)1 << 61)), MM_OK);
        assert_int_equal(ns_start(&c), MM_OK);
        assert_true(c.wide);
        assert_int_equal(ns_run(&c), MM_OK);
        assert_true(total_cost(&a) == total_cost(&c));
        ns_free(&a);
        ns_free(&b);
        ns_free(&c);
    }
}

/*
 * A sparse search lists the eligible arcs (find_entering): from the
 * optimum of a larger random pairing, a few pairs worth more are added at
 * the end of the arcs and the search starts from the first arc, so it
 * passes most arcs before it meets one (half the time eagerly). The
 * optimum reached must be that of a solve from scratch with the same arcs,
 * and the lists used.
 */
static void test_sparse_listing(void **state)
{
    (void)state;
    int listed = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        netsimplex a, b;
        uint64_t listings = 0;
        for (int k = 0; k < 2; k++) {
            netsimplex *ns = k ? &b : &a;
            pairing_big(ns, seed, 1);
            int np = 0, nl = 0; /* its partners and learners, from their arcs */
            for (size_t e = 0; e < ns->n_arcs; e++) {
                np += ns->src[e] == 0;
                nl += ns->dst[e] == 0;
            }
            if (k == 0) { /* a: the optimum first, then the new pairs */
                assert_int_equal(ns_start(ns), MM_OK);
                assert_int_equal(ns_run(ns), MM_OK);
            }
            for (int i = 0; i < 3; i++) {
                int q = 1 + rnd(np), l = np + 1 + rnd(nl);
                assert_int_equal(ns_add_arc(ns, q, l, 0, 1, -1500 - rnd(500)), MM_OK);
            }
            if (k == 0) {
                ns->next_arc = 0;
                ns->eager = seed % 2; /* half of them list eagerly */
                listings = ns->listings;
            } else {
                for (size_t e = 0; e < ns->n_arcs; e++)
                    ns->flow[e] = 0;
                assert_int_equal(ns_start(ns), MM_OK);
            }
            assert_int_equal(ns_run(ns), MM_OK);
            assert_int_equal(ns_certify(ns), MM_OK);
        }
        listed += a.listings > listings;
        assert_true(total_cost(&a) == total_cost(&b));
        ns_free(&a);
        ns_free(&b);
    }
    assert_true(listed > 30);
}

/*
 * Runners-up (netsimplex.runners): a cold solve of a random pairing that
 * takes the block's runners-up reaches the optimum of the plain search,
 * certified, by other pivots; a third of the instances with costs times
 * 2^50, so that the wide scan keeps its runners-up too.
 */
static void test_runners(void **state)
{
    (void)state;
    int differ = 0;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        netsimplex a, b;
        int64_t scale = twin_pairings(&a, &b, seed);
        b.runners = 1 + (int32_t)(seed % NS_RUNNERS_MAX);
        assert_int_equal(ns_start(&a), MM_OK);
        assert_int_equal(ns_start(&b), MM_OK);
        assert_true(b.wide == (scale > 1));
        assert_int_equal(ns_run(&a), MM_OK);
        assert_int_equal(ns_run(&b), MM_OK);
        assert_int_equal(ns_certify(&b), MM_OK);
        assert_true(total_cost(&a) == total_cost(&b));
        differ += a.pivots != b.pivots;
        ns_free(&a);
        ns_free(&b);
    }
    assert_true(differ > 40);
}

/* Whether a and b hold the same arcs, flows, tree and potentials. */
static bool same_state(const netsimplex *a, const netsimplex *b)
{
    if (a->n_arcs != b->n_arcs || a->n_nodes != b->n_nodes || a->wide != b->wide ||
        a->pivots != b->pivots)
        return false;
    for (size_t k = 0; k < a->n_arcs; k++)
        if (a->src[k] != b->src[k] || a->dst[k] != b->dst[k] || a->flow[k] != b->flow[k] ||
            a->state[k] != b->state[k])
            return false;
    for (int32_t u = 0; u < a->n_nodes; u++)
        if (a->pred[u] != b->pred[u] || a->parent[u] != b->parent[u] ||
            a->thread[u] != b->thread[u] || a->rev_thread[u] != b->rev_thread[u] ||
            a->succ_num[u] != b->succ_num[u] || a->last_succ[u] != b->last_succ[u] ||
            a->up[u] != b->up[u] || a->slack[u].toward != b->slack[u].toward ||
            a->slack[u].away != b->slack[u].away || a->reach[u] != b->reach[u] ||
            ns_potential(a, u) != ns_potential(b, u))
            return false;
    return true;
}

/*
 * Renumbering the nodes into the tree's preorder (ns_run, every
 * reorder_every pivots) changes nothing the caller sees: a random pairing
 * solved with it every 1-7 pivots takes the same pivots to the same flows,
 * tree and potentials as without it, marks the same nodes moved, comes
 * back in the caller's numbering, and pivots on alike after more pairs
 * join. A third of the instances have wide potentials.
 */
static void test_preorder(void **state)
{
    (void)state;
    int renumbered = 0;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        netsimplex a, b;
        int64_t scale = twin_pairings(&a, &b, seed);
        b.reorder_every = 1 + seed % 7;
        uint8_t *moved_a = calloc((size_t)a.n_nodes, 1), *moved_b = calloc((size_t)b.n_nodes, 1);
        assert_non_null(moved_a);
        assert_non_null(moved_b);
        a.moved = moved_a;
        b.moved = moved_b;
        assert_int_equal(ns_start(&a), MM_OK);
        assert_int_equal(ns_start(&b), MM_OK);
        assert_int_equal(ns_run(&a), MM_OK);
        assert_int_equal(ns_run(&b), MM_OK);
        assert_null(b.node_of);
        assert_int_equal(ns_certify(&b), MM_OK);
        assert_true(same_state(&a, &b));
        assert_memory_equal(moved_a, moved_b, (size_t)a.n_nodes);
        renumbered += b.pivots > b.reorder_every;
        /* more pairs, then on from the optimum */
        int np = 0, nl = 0;
        for (size_t e = 0; e < a.n_arcs; e++) {
            np += a.src[e] == 0;
            nl += a.dst[e] == 0;
        }
        for (int i = 0; i < 5; i++) {
            int q = 1 + rnd(np), l = np + 1 + rnd(nl);
            int64_t cost = -(1500 + rnd(500)) * scale;
            assert_int_equal(ns_add_arc(&a, q, l, 0, 1, cost), MM_OK);
            assert_int_equal(ns_add_arc(&b, q, l, 0, 1, cost), MM_OK);
        }
        memset(moved_a, 0, (size_t)a.n_nodes);
        memset(moved_b, 0, (size_t)b.n_nodes);
        assert_int_equal(ns_run(&a), MM_OK);
        assert_int_equal(ns_run(&b), MM_OK);
        assert_int_equal(ns_certify(&b), MM_OK);
        assert_true(same_state(&a, &b));
        assert_memory_equal(moved_a, moved_b, (size_t)a.n_nodes);
        ns_free(&a);
        ns_free(&b);
        free(moved_a);
        free(moved_b);
    }
    assert_true(renumbered > 50);
}

/*
 * Local pricing (ns_local): from the optimum of a random pairing, rounds
 * as the slot values do them: a few arcs are added (a partner's slot more,
 * pairs worth more), the local search pivots on, and the optimum reached
 * must be certified and equal a solve from scratch with the same arcs;
 * then ns_restore goes back to the base optimum with the queue empty, and
 * nothing is left to pivot. The last round runs as when the list could not
 * grow (lost: the block search, until the restore). A third of the
 * instances have wide potentials.
 */
/*
 * ns_certify_local must catch what a local re-solve could get wrong: each
 * in turn, a moved node's potential off by one, a changed arc's flow off by
 * one (its ends unbalanced), an added arc's flow off by one; each must fail
 * both checks, and once put back pass again. Counts in *caught the breaks
 * it could make (a re-solve with no pivots moves nothing).
 */
static void local_check_catches(netsimplex *ns, ns_local *loc, int *caught)
{
    /* a moved node away from every changed or added arc: only the check of
       the moved nodes' arcs can see it */
    for (size_t i = 0; i < loc->n_seen && !ns->wide; i++) {
        int32_t u = loc->seen_list[i];
        bool apart = u != 0; /* the root's potential is 0 by definition */
        for (size_t k = 0; apart && k < loc->n_touched; k++)
            apart = ns->src[loc->touched[k]] != u && ns->dst[loc->touched[k]] != u;
        for (size_t a = loc->base; apart && a < ns->n_arcs; a++)
            apart = ns->src[a] != u && ns->dst[a] != u;
        if (!apart)
            continue;
        ns->pi[u] += 1;
        int whole = ns_certify(ns);
        if (whole == MM_EINTERNAL) /* some arc of u is not free to move */
            assert_int_equal(ns_certify_local(ns), MM_EINTERNAL);
        ns->pi[u] -= 1;
        *caught += whole == MM_EINTERNAL;
        break;
    }
    int32_t arcs[2] = {loc->n_touched > 0 ? loc->touched[0] : -1,
                       ns->n_arcs > loc->base ? (int32_t)ns->n_arcs - 1 : -1};
    for (int i = 0; i < 2; i++) {
        int32_t a = arcs[i];
        if (a < 0 || ns->lo[a] == ns->hi[a])
            continue;
        int32_t step = ns->flow[a] < ns->hi[a] ? 1 : -1;
        ns->flow[a] += step;
        assert_int_equal(ns_certify(ns), MM_EINTERNAL);
        assert_int_equal(ns_certify_local(ns), MM_EINTERNAL);
        ns->flow[a] -= step;
        (*caught)++;
    }
    assert_int_equal(ns_certify_local(ns), MM_OK);
}

static void test_local_pricing(void **state)
{
    (void)state;
    int pivoted = 0, caught = 0;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        int64_t scale = seed % 3 ? 1 : (int64_t)1 << 40;
        netsimplex a;
        pairing_big(&a, seed, scale);
        int np = 0, nl = 0;
        for (size_t e = 0; e < a.n_arcs; e++) {
            np += a.src[e] == 0;
            nl += a.dst[e] == 0;
        }
        assert_int_equal(ns_start(&a), MM_OK);
        assert_int_equal(ns_run(&a), MM_OK);
        ns_snapshot snap;
        ns_local loc;
        assert_int_equal(ns_save(&a, &snap), MM_OK);
        assert_int_equal(ns_local_build(&a, &loc), MM_OK);
        assert_int_equal(loc.base, a.n_arcs);
        for (int round = 0; round < 4; round++) {
            a.local = &loc;
            int32_t add[3][3];
            int n_add = 1 + rnd(3);
            for (int i = 0; i < n_add; i++) {
                int q = 1 + rnd(np);
                bool slot = rnd(2);
                add[i][0] = slot ? 0 : q;
                add[i][1] = slot ? q : np + 1 + rnd(nl);
                add[i][2] = slot ? 0 : -1200 - rnd(800);
                assert_int_equal(ns_add_arc(&a, add[i][0], add[i][1], 0, 1,
                                            (int64_t)add[i][2] * scale),
                                 MM_OK);
            }
            uint64_t before = a.pivots;
            loc.lost = round == 3; /* as when the list cannot grow: the block search */
            assert_int_equal(ns_run(&a), MM_OK);
            assert_int_equal(ns_certify(&a), MM_OK);
            assert_int_equal(ns_certify_local(&a), MM_OK);
            assert_true(loc.lost == (round == 3));
            if (round < 3)
                local_check_catches(&a, &loc, &caught);
            pivoted += a.pivots > before;
            netsimplex b;
            pairing_big(&b, seed, scale);
            for (int i = 0; i < n_add; i++)
                assert_int_equal(ns_add_arc(&b, add[i][0], add[i][1], 0, 1,
                                            (int64_t)add[i][2] * scale),
                                 MM_OK);
            assert_int_equal(ns_start(&b), MM_OK);
            assert_int_equal(ns_run(&b), MM_OK);
            assert_true(total_cost(&a) == total_cost(&b));
            ns_free(&b);
            ns_restore(&a, &snap);
            assert_false(loc.lost);
            assert_int_equal(loc.n_queue, 0);
            for (int32_t u = 0; u < a.n_nodes; u++)
                assert_int_equal(loc.queued[u], 0);
            before = a.pivots;
            assert_int_equal(ns_run(&a), MM_OK);
            assert_true(a.pivots == before);
        }
        a.local = NULL;
        ns_local_free(&loc);
        ns_snapshot_free(&snap);
        ns_free(&a);
    }
    assert_true(pivoted > 150);
    assert_true(caught > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimum),
        cmocka_unit_test(test_start_refuses),
        cmocka_unit_test(test_add_and_restore),
        cmocka_unit_test(test_unbounded),
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_sparse_listing),
        cmocka_unit_test(test_runners),
        cmocka_unit_test(test_local_pricing),
        cmocka_unit_test(test_preorder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
