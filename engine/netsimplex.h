/*
 * netsimplex.h - primal network simplex for minimum-cost circulations.
 *
 * The graph has nodes 0 .. n_nodes-1, node 0 the root of the spanning
 * tree, and arcs with integer bounds lo <= flow <= hi (lo may be
 * NS_NEG_INF) and integer costs. The caller fills the arcs, a feasible
 * circulation and, for every node but the root, the tree arc joining it
 * to its parent (ns_start); ns_run then pivots to a minimum-cost
 * circulation. The basis is a spanning tree throughout, so the optimum
 * comes with its tree (a simplex basis) and its node potentials (the
 * duals): reduced cost rc(a) = cost(a) + pi(src) - pi(dst) is 0 on tree
 * arcs, >= 0 on arcs at their lower bound, <= 0 on arcs at their upper.
 *
 * Pivoting: block search (the arc with the most negative signed reduced
 * cost in each block of about sqrt(arcs), blocks taken in turn, with the
 * caller's choice of runners-up taken next; where eligible arcs are
 * sparse, one pass lists them all and the next pivots take the best of the
 * list until none of it is left eligible; eager: sparse sooner), the tree
 * kept as parent, thread and subtree size, the cycle's leaving arc chosen
 * as the last blocking arc met from the entering arc's side, as in the
 * strongly feasible rule. Costs are 64-bit. Potentials are 64-bit while
 * a bound on every tree path's cost allows (ns_start: twice the largest
 * cost at the root plus, for every other node, the largest cost among its
 * arcs off the root; a simple path enters each node once and passes the
 * root at most once), else 128-bit: a path of a million arcs of cost 2^62
 * cannot overflow them. Narrow potentials halve the memory the pricing
 * reads at random. While it pivots, ns_run keeps the nodes numbered in the
 * tree's preorder (renumbered every so many pivots), so that its walks
 * along the tree read memory in order; every field the caller reads, and
 * every node it names, is in the caller's numbering whenever ns_run is not
 * running. Pure computation.
 */
#ifndef MM_NETSIMPLEX_H
#define MM_NETSIMPLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_NEG_INF (-(INT32_MAX / 2))
#define NS_RUNNERS_MAX 8

typedef __int128 ns_pot;

typedef struct ns_slack {
    int64_t toward, away;
} ns_slack;

enum { NS_TREE = 0, NS_LOWER = 1, NS_UPPER = -1 }; /* arc state; fixed non-tree arcs are 0 too */

/*
 * Local pricing, for pivoting on from an optimum after a change (slot
 * values): an arc can only become eligible when the potential of one of
 * its ends moves, or when it was added after the optimum. So each node's
 * arcs are indexed once (the first base of them), the pivots queue the
 * nodes whose potential they move, and the search looks only at the
 * queued nodes' arcs and at the arcs added since; none left eligible is
 * the optimum, with no pass over every arc.
 */
typedef struct ns_local {
    size_t base;     /* arcs 0 .. base - 1 are indexed */
    size_t *first;   /* n_nodes + 1 offsets into arcs */
    int32_t *arcs;   /* each node's arcs, 2 base entries */
    int32_t *queue;  /* nodes whose potential moved, their arcs not yet looked at */
    size_t n_queue;
    uint8_t *queued; /* per node */
    bool lost;       /* a listed arc did not fit: search every arc until ns_restore */
    /* the arcs whose flow the pivots changed since the optimum (repeats
       possible), unless touched_lost: one did not fit */
    int32_t *touched;
    size_t n_touched, cap_touched;
    bool touched_lost;
    /* the nodes whose potential moved since the optimum, each once (seen
       marks them), unless seen_lost: one did not fit */
    int32_t *seen_list;
    size_t n_seen, cap_seen;
    uint8_t *seen;
    bool seen_lost;
} ns_local;

typedef struct netsimplex {
    int32_t n_nodes;
    size_t n_arcs, cap_arcs;
    /* arcs, filled by the caller (ns_alloc sizes them for cap_arcs) */
    int32_t *src, *dst, *lo, *hi, *flow;
    int64_t *cost;
    int8_t *state;
    /* nodes: pred[u] is filled by the caller before ns_start; the rest is ours */
    int32_t *pred, *parent, *thread, *rev_thread, *succ_num, *last_succ;
    int8_t *up; /* 1: pred[u] runs from u to its parent; 0: from the parent to u */
    /* per node, pred[u]'s room for a push towards the root and away from it,
       kept beside the node: the leaving arc's search walks the cycle's nodes,
       whose tree arcs lie scattered among millions (measured at a million
       employees: reading the arcs' bounds and flows there was an eighth of
       the solve) */
    ns_slack *slack;
    /* potentials: pi (64-bit) or, when wide, pi_wide; read them with ns_potential */
    bool wide;
    int64_t *pi;
    ns_pot *pi_wide;
    /* the bound on a tree path's cost (see above); reach: per node */
    int64_t *reach, root_reach, reach_sum;
    /* the caller's, or NULL: per node, set to 1 when a pivot moves its potential */
    uint8_t *moved;
    uint64_t pivots;
    /* the caller's, or 0 for the default: pivots between two renumberings
       of the nodes into the tree's preorder (ns_run) */
    uint64_t reorder_every;
    /* during ns_run, when renumbered: per node, the caller's number */
    int32_t *node_of;
    /* pricing; cand: the eligible arcs a sparse search listed (find_entering),
       listings: how many times one went to list them, since ns_start */
    size_t block, next_arc;
    int32_t *cand;
    size_t n_cand, cap_cand;
    uint64_t listings;
    /* the caller's: list sooner and longer, for pivoting on from an optimum
       after a few arcs joined, where the eligible arcs are few and far
       between (measured at a million employees: a pricing round's 915,000
       pivots in 59 s became 421,000 in 25 s; a cold solve listing as
       eagerly takes several times as long) */
    bool eager;
    /* the caller's, or NULL: local pricing (ns_local_build); the network
       must then be at an optimum (none of arcs 0 .. base - 1 eligible)
       with the queue empty, as after ns_local_build or ns_restore */
    ns_local *local;
    /* the caller's, 0 .. NS_RUNNERS_MAX: a block search also keeps that many
       runners-up (the block's next most negative arcs), which the next pivots
       take, the best still eligible first, before searching again (set for
       learners of one pair each; see flow.c) */
    int32_t runners;
    int32_t runner[NS_RUNNERS_MAX];
    int32_t n_runner;
    /* pivot scratch */
    int32_t in_arc, join, u_in, v_in, u_out;
    int64_t delta;
    int32_t *dirty; /* scratch, 6 n_nodes + 6 entries */
} netsimplex;

/* Allocates room for n_nodes nodes and cap_arcs arcs (n_arcs = 0). MM_OK or MM_ENOMEM. */
int ns_alloc(netsimplex *ns, int32_t n_nodes, size_t cap_arcs);
void ns_free(netsimplex *ns);

/* Room for cap_arcs arcs (never shrinks). MM_OK or MM_ENOMEM (ns unchanged). */
int ns_reserve(netsimplex *ns, size_t cap_arcs);

/* Adds an arc at its lower bound, out of the tree (lo < hi), to an
   optimum or a started tree: still a feasible basis (its cost may widen
   the potentials). MM_OK or MM_ENOMEM. */
int ns_add_arc(netsimplex *ns, int32_t src, int32_t dst, int32_t lo, int32_t hi, int64_t cost);

/* Reorders the arcs: arc k becomes the old arc order[k] (order a
   permutation of 0 .. n_arcs - 1), flows and bounds with it. The tree is
   gone: fill pred[] and ns_start again. MM_OK or MM_ENOMEM (ns unchanged). */
int ns_permute(netsimplex *ns, const int32_t *order);

/*
 * Builds the tree from pred[] (every node but the root names an arc that
 * touches it; together they must form a spanning tree), the potentials,
 * and the states of the other arcs from their flows: at lo or hi, or
 * fixed (lo == hi); local pricing stops (ns->local = NULL). Returns
 * MM_OK, or MM_EINTERNAL when pred[] is not a
 * spanning tree, a flow is out of bounds, a non-tree arc is strictly
 * between its bounds, or the flows do not balance at some node.
 */
int ns_start(netsimplex *ns);

/* Pivots to an optimum. MM_OK, or MM_EINTERNAL (unbounded: a cycle of negative cost and infinite capacity). */
int ns_run(netsimplex *ns);

/* The potential of node u. */
static inline ns_pot ns_potential(const netsimplex *ns, int32_t u)
{
    return ns->wide ? ns->pi_wide[u] : (ns_pot)ns->pi[u];
}

/* The reduced cost of arc a. */
ns_pot ns_reduced_cost(const netsimplex *ns, size_t a);

/*
 * Checks the optimum independently of how it was found (the optimality
 * conditions): flows within bounds and balanced at every node, and every
 * arc's reduced cost >= 0 unless its flow is above lo, <= 0 unless below
 * hi.
 */
int ns_certify(const netsimplex *ns); /* MM_OK, MM_EINTERNAL (a condition fails), MM_ENOMEM */

/*
 * The same check after pivoting on locally from a certified optimum
 * (ns->local, since ns_local_build or ns_restore): only what the pivots can
 * have changed. The conditions of the arcs at the nodes whose potential
 * moved, of the arcs whose flow changed and of the arcs added since; the
 * balance of the nodes at the ends of those last two. Every other arc and
 * node is as at the optimum, where ns_certify held. Falls back to
 * ns_certify when the local lists are incomplete (lost, touched_lost,
 * seen_lost) or ns->local is NULL. At a million employees a re-solve's
 * check took 40-70 ms over every arc.
 */
int ns_certify_local(const netsimplex *ns);

/* Indexes the arcs of ns by node for local pricing (loc->base = n_arcs),
   with an empty queue and no arc touched. MM_OK or MM_ENOMEM. */
int ns_local_build(const netsimplex *ns, ns_local *loc);
void ns_local_free(ns_local *loc);

/* Saved flows, states and tree, to return to an optimum after changing it. */
typedef struct ns_snapshot {
    size_t n_arcs;
    int32_t *flow, *pred, *parent, *thread, *rev_thread, *succ_num, *last_succ;
    int8_t *state, *up;
    ns_slack *slack;
    bool wide;
    int64_t *pi;
    ns_pot *pi_wide;
} ns_snapshot;

int ns_save(const netsimplex *ns, ns_snapshot *snap);
/* Restores ns to the snapshot (arcs added since are dropped); empties the
   local pricing's queue and its touched arcs. */
void ns_restore(netsimplex *ns, const ns_snapshot *snap);
void ns_snapshot_free(ns_snapshot *snap);

#endif
