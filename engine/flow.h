/*
 * flow.h - the pairing problem of one track as a minimum-cost circulation,
 * solved by our network simplex (netsimplex.h).
 *
 * Nodes: the ground G (node 0, the tree's root), one per learner with
 * capacity and pairs, one per partner with pairs. Arcs, in this order:
 *   x  partner -> learner, one per pair, [0, 1] ([1, 1] when pinned);
 *   y  learner -> G, [0, 1]: the learner's first pair;
 *   z  learner -> G, [0, K - 1] when K = min(capacity, pairs) >= 2;
 *   s  G -> partner, [-inf, capacity]: the partner's load.
 * These are exactly the columns and rows of solve.c's LP (s is a partner
 * row's auxiliary variable, the learner rows are the flow balance), so a
 * spanning tree of this network is a simplex basis of that LP.
 *
 * The lexicographic objective is one cost with exact integer weights: a
 * criterion's weight exceeds what all lower ones together can change, in
 * the objective and in any tree's reduced costs (flow.c), so the optimal
 * tree is an optimal basis of every stage. Arc costs stay below 2^62 for
 * companies of millions; a larger one is refused (MM_EINTERNAL) and solved
 * by GLPK alone.
 *
 * The starting tree is strongly feasible (each learner hangs from G by y
 * with no flow, each partner by s, which can always give back flow), so
 * the network simplex cannot cycle. Pins start as flow; a learner whose
 * capacity the pins fill keeps its other pairs at 0.
 *
 * Pruned pairs (solve_problem.pruned_bound): a learner's pairs left out of
 * the problem all score at most its bound. With the optimum's potentials,
 * a left-out pair (p, l) has reduced cost >= cost(bound) - pi(l), because
 * pi(p) >= 0 at an optimum; when that is >= 0 for every learner, no pruned
 * pair could improve the optimum (SPEC: pruning proven by duals).
 */
#ifndef MM_FLOW_H
#define MM_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsimplex.h"
#include "solve.h"

typedef struct flow_net {
    netsimplex ns;
    const solve_problem *p;
    int32_t *lnode, *pnode;   /* per employee: node as learner, as partner; 0 = none */
    int32_t *yarc, *zarc;     /* per employee: its y and z arcs, -1 = none */
    int32_t *sarc;            /* per employee: its s arc, -1 = none */
    int32_t *xarc;            /* per problem arc: its x arc, -1 = none (learner without capacity) */
    uint32_t *arc_of;         /* per x arc: the problem arc, or n_arcs + j: priced pair j */
    size_t n_x;               /* x arcs are ns arcs 0 .. n_x - 1 (priced ones follow) */
    size_t n_grouped;         /* priced pairs 0 .. n_grouped - 1 are among the x arcs */
    bool fixed_arcs;          /* arcs keep their places (a snapshot names them) */
    int32_t *zcap;            /* per employee: K - 1 */
    bool sessions;            /* some learner can take two pairs */
    bool warm;                /* started from p->warm (else cold) */
    size_t restarts;          /* pricing rounds solved again from the cold start */
    int64_t w_learn, w_ses, w_score;
    int32_t *lpins;           /* per employee: pins as learner */
    int32_t *ppins;           /* per employee: pins as partner */
    size_t *first;            /* n_emps + 1: learner l's problem arcs are [first[l], first[l+1]) */
    candidate *priced;        /* pairs priced in, in the order added */
    int32_t *priced_arc;      /* per priced pair: its x arc */
    int32_t *priced_next;     /* per priced pair: the learner's next, -1 = none */
    int32_t *priced_head;     /* per employee: its first priced pair, -1 = none */
    size_t n_priced, cap_priced;
    /* pricing's pool: each open learner's left-out pairs, read in place
       (pool_src[l], less partner pool_skip[l]) and numbered from pool_first[l]
       (< 0: not yet looked up), learners in the order looked up in
       pool_order; pool_in marks the entries priced in since, or found in the
       network, priced_pool names the pool entry of each priced pair (at a
       million employees, copying them as candidates wrote 1.5 GB) */
    const rest_pair **pool_src;
    int32_t *pool_skip;
    int32_t *pool_order;
    size_t n_order;
    uint8_t *pool_in;
    size_t n_pool, cap_pool;
    int64_t *pool_first;
    uint32_t *pool_len;
    int64_t *priced_pool;
    uint8_t *moved;           /* per node: its potential moved since the last pricing pass */
    size_t moved_passes;      /* pricing passes that priced only what moved (flow_price) */
    /* open learners per task of a pricing pass; a pass with open learners
       for two tasks or more is split into tasks (0: FLOW_PRICE_CHUNK; the
       tests set others) */
    size_t price_chunk;
} flow_net;

#define FLOW_PRICE_CHUNK 4096

/* Builds the network of p (validated by solve.c) with its starting tree;
   with p->pairs_of, every learner and partner with capacity gets a node,
   so that pairs can be priced in. MM_OK, MM_ENOMEM, or MM_EINTERNAL when
   the weights would not fit. */
int flow_build(flow_net *f, const solve_problem *p);
/* The same, started cold even when p->warm is given (warm false). */
int flow_build_from(flow_net *f, const solve_problem *p, bool warm);
void flow_free(flow_net *f);

/* Solves to optimality and checks the optimality conditions. MM_OK, MM_EINTERNAL or MM_ENOMEM. */
int flow_solve(flow_net *f);

/* The solution: chosen per problem arc (may be NULL), and its criteria
   (priced pairs included). */
void flow_solution(const flow_net *f, uint8_t *chosen, int64_t *learners, int64_t *sessions,
                   int64_t *score);

/* Learners whose pruned pairs the current potentials do not rule out, into
   out (room for every employee) in employee order; returns how many. */
size_t flow_uncertified(const flow_net *f, int32_t *out);

/*
 * Column generation over the pruned pairs (p->pairs_of): the learners the
 * bounds do not clear have every left-out pair priced with the optimum's
 * potentials; those with a negative reduced cost join the network, which
 * pivots on from its optimum (or from the cold start, when a round adds a
 * quarter as many pairs as the network has: then every learner's pairs,
 * priced or not, are put together first, unless f->fixed_arcs), until a
 * round adds none.
 * Then f->priced holds the pairs added (f->n_priced), and the optimum is
 * over all eligible pairs. MM_OK, MM_ENOMEM, MM_EINTERNAL, or the callback's code.
 */
int flow_price(flow_net *f);

/* The optimum reached as a start for the next solve (solve_warm). MM_OK or MM_ENOMEM. */
int flow_warm(const flow_net *f, solve_warm **out);

/* 1 when arc k of f->ns is in the spanning tree. */
int flow_tree_arcs(const flow_net *f, uint8_t *in_tree);

/*
 * Slot values (see solve_slot_values) on the network: from the optimum,
 * each partner's capacity is raised by one by a parallel s arc, the
 * network simplex continues, and the optimum is restored. certified[i] is
 * 0 when the pruned pairs are not ruled out for that re-solve (its value
 * is then not known; extra and gain are 0). With p->pairs_of the pruned
 * pairs are priced in for the base and every re-solve (flow_price), so
 * every value is certified. MM_OK, MM_ENOMEM, MM_EINTERNAL.
 */
int flow_slot_values(flow_net *f, const int32_t *partners, size_t n, int64_t *extra_learners,
                     int64_t *score_gain, uint8_t *certified);

#endif
