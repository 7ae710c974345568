/*
 * solve.h - the exact pairing optimum of one track, certified by GLPK.
 *
 * Only solve.c includes glpk.h. The problem is a bipartite b-matching
 * (learners x partners, learner and partner capacities, pinned arcs forced
 * to 1): the LP of its flow graph (the matrix is totally unimodular; the
 * solution is checked to be integral) or, with fairness constraints, a MIP
 * solved with glp_intopt. Lexicographic objectives: "participation":
 * learners, then sessions (shadowing), then score; "score": score, then
 * learners, then sessions as tie-breaks.
 *
 * By default (SOLVE_AUTO) our network simplex (flow.h) finds the optimum
 * and its spanning tree, which is an optimal basis of the LP; GLPK then
 * evaluates that basis (glp_warm_up: its factorization, primal and dual
 * values and their status) and finds every stage optimal, its simplex
 * running only should a stage not be, so the report carries GLPK's status
 * and duals. With
 * SOLVE_GLPK, GLPK's simplex alone solves the LP from its standard basis.
 * Either way each stage keeps the optimum of the one before.
 *
 * Each call frees the calling thread's GLPK environment before it returns
 * (no other module may hold GLPK objects across a call; none includes glpk.h).
 */
#ifndef MM_SOLVE_H
#define MM_SOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "mentormatch.h"
#include "score.h"

/* Fairness: one attribute's groups of learners (SPEC section 4, Fairness). */
typedef struct solve_groups {
    const int32_t *group_of; /* per employee: group index, -1 when in none */
    int32_t n_groups;
} solve_groups;

/*
 * A network optimum to start from (solve_result.warm, solve_problem.warm):
 * the pairs with flow and, per employee as learner and as partner, the
 * tree arc that hangs it: 'y', 'z', 's', or 'x' with the pair's other end.
 * A start that does not fit the problem is dropped for a cold one.
 */
typedef struct solve_warm {
    candidate *chosen; /* learner, partner; sorted */
    size_t n_chosen;
    char *lkind, *pkind; /* per employee; 0 = no node */
    int32_t *lother, *pother;
    size_t n_emps;
} solve_warm;

void solve_warm_free(solve_warm *w);

typedef struct solve_problem {
    int32_t track;          /* TRACK_MENTORING or TRACK_SHADOWING */
    objective objective;    /* OBJECTIVE_PARTICIPATION or OBJECTIVE_SCORE */
    size_t n_emps;          /* learners and partners are employee indices < n_emps */
    const candidate *arcs;  /* sorted by learner, then partner */
    size_t n_arcs;
    const uint8_t *pinned;  /* per arc, 1 = must be chosen; may be NULL */
    const int32_t *learner_cap; /* per employee: 1 (mentoring), sessions_per_learner (shadowing) */
    const int32_t *partner_cap; /* per employee */
    /* Fairness constraints, when n_fair > 0 (enforce = true). */
    const solve_groups *fair;
    int32_t n_fair;
    double min_impact_ratio;
    int32_t min_group_size;
    double time_limit_s;    /* MIP only, all stages together; <= 0: none */
    double mip_gap;         /* MIP only: GLPK's relative gap to stop at */
    /* LP only: how many of each learner's best arcs the LP starts with before
       the duals price the rest in (0 = automatic). The optimum does not depend
       on it; tests set 1 to make pricing do all the work. */
    int32_t start_arcs;
    int32_t method;         /* SOLVE_AUTO or SOLVE_GLPK */
    /* Pruned pairs: per employee, the best score among the learner's eligible
       pairs left out of arcs, -1 when none; NULL when nothing was left out.
       The optimum is over all eligible pairs only when the solve certifies
       that no left-out pair could improve it (solve_result.n_uncertified). */
    const int32_t *pruned_bound;
    /* Pricing the pruned pairs of a learner the bound cannot clear: learner
       l's eligible pairs left out of its arcs, sorted by partner, in
       (*pairs)[0 .. *n) (the callee's, valid as long as the problem; read
       in place, never copied), less any with partner *skip (-1: none);
       MM_OK or an error code. With it, the solve prices those pairs with
       the optimum's duals and returns the ones that would improve it
       (solve_result.more); without it, it names the learners
       (solve_result.uncertified). */
    int (*pairs_of)(void *ctx, int32_t learner, const rest_pair **pairs, size_t *n,
                    int32_t *skip);
    void *pairs_ctx;
    /* Benchmarks only: SOLVE_AUTO stops after the network simplex, without
       GLPK's proof (method "network-simplex"). */
    bool no_certify;
    /* With no_certify: the optimum reached as a start, in solve_result.warm. */
    bool keep_warm;
    /* Keep the network's optimum in the result for solve_slot_values_at
       (p, its arrays and pairs_ctx must then outlive the result). */
    bool keep_network;
    /* With keep_network and no fairness constraints: solve_track stops at
       the network's optimum, with no GLPK call (method "network-simplex",
       status "unproven"), keeping what GLPK's proof needs; solve_prove
       gives the proof later, possibly while solve_slot_values_at runs on
       the kept network in another thread. */
    bool defer_proof;
    const solve_warm *warm; /* a network start (from the previous round); may be NULL */
} solve_problem;

struct flow_net;



enum { SOLVE_AUTO = 0, SOLVE_GLPK = 1 };

typedef struct solve_result {
    uint8_t *chosen;        /* per arc, 1 when in the optimum; malloc'd, owned here */
    char method[64];        /* "network-simplex+glpk-simplex" (ours, certified by
                               GLPK), "glpk-simplex", "glpk-intopt" (fairness MIP),
                               "glpk-simplex+intopt" (fractional LP, never seen) or
                               "none (no eligible pairs)" */
    char status[16];        /* "optimal", "feasible" (MIP: a stage not proven within
                               the time limit or mip_gap), "infeasible", "undefined" */
    int64_t learners;       /* learners with at least one partner */
    int64_t sessions;       /* chosen arcs */
    int64_t total_score;    /* sum of chosen arcs' scores */
    double objective;       /* the score stage's optimum: total_score */
    double bound;           /* the proven upper bound on it (= objective when optimal) */
    double gap;             /* (bound - objective) / max(1, objective), 0 when optimal */
    double *partner_dual;   /* per employee: dual of the partner capacity row in the
                               score stage (for "participation" the last, over the
                               learners-optimal face, where a dual may be any sign);
                               0 without a row; LP only, NULL after the MIP */
    /* The optimum without the fairness constraints (the price of fairness);
       equal to learners and total_score when they did not bind or n_fair = 0. */
    int64_t unfair_learners, unfair_total_score;
    /* Learners whose pruned pairs the optimum's duals do not rule out (employee
       indices, ascending); when n_uncertified > 0 nothing else is filled: give
       them their left-out pairs and solve again. */
    int32_t *uncertified;
    size_t n_uncertified;
    /* Pruned pairs that the duals price in (pairs_of given), sorted by learner
       and partner; when n_more > 0 nothing else is filled: add them to the
       arcs and solve again. */
    candidate *more;
    size_t n_more;
    solve_warm *warm; /* with n_more: the optimum reached, to start the next solve from */
    uint64_t pivots;         /* the network simplex's */
    struct flow_net *network; /* with keep_network: the optimum, for slot values */
    /* With network: per employee, the dual of the partner's capacity in the
       network's optimum (its cost units: a learner matched outweighs any
       score), >= 0, 0 without a capacity; found with the optimum, so it
       does not wait for GLPK's proof. */
    double *network_dual;
    struct solve_basis *basis; /* with defer_proof: the optimum's basis, until solve_prove */
} solve_result;

/*
 * Solves p exactly. Returns MM_OK (r filled; r->status "optimal", or
 * "feasible" when a fairness MIP ran out of time), MM_EDATA when pins are
 * infeasible (over a capacity, each named "learner #i" / "partner #i" by
 * employee index in diag; or against the fairness constraints, r->status
 * "infeasible"), MM_EINTERNAL for a malformed p (unsorted or repeated arcs,
 * an index or score out of range), MM_ESOLVER when GLPK fails (its message
 * in diag), or MM_ENOMEM. r is reset first; free it with solve_result_free
 * in every case.
 */
int solve_track(const solve_problem *p, solve_result *r, mm_diag *diag);

/*
 * The network simplex alone, with no GLPK call at all (so it may run beside
 * another thread's solve_track): p must ask for no_certify and have no
 * fairness constraints. As solve_track otherwise; MM_EINTERNAL (quietly)
 * when the network cannot hold p or there is nothing to solve.
 */
int solve_network(const solve_problem *p, solve_result *r, mm_diag *diag);
void solve_result_free(solve_result *r);

/*
 * GLPK's proof of an optimum solve_track left unproven (defer_proof): the
 * LP is built and GLPK evaluates the network's basis as solve_track does;
 * r's status, method, bound, gap and partner_dual are then filled, its
 * pairs kept. It reads p and r's basis, never r->network, so slot values
 * may run on that meanwhile (another thread; each thread has its own GLPK
 * environment, which this frees before it returns). p must be the
 * problem r was solved from. MM_ESOLVER when GLPK fails or finds another
 * optimum value; MM_ENOMEM; MM_EINTERNAL when r has no basis.
 */
int solve_prove(const solve_problem *p, solve_result *r, mm_diag *diag);

/* Whether each thread has a GLPK environment of its own (GLPK built with
   thread-local storage, as Debian's is), so that GLPK may run in two
   threads at once; otherwise calls must not overlap. */
bool solve_glpk_per_thread(void);

/*
 * The value of one extra slot for each of partners[0..n): the increase in
 * matched learners and in total score (either may be negative: under
 * "participation" one more learner can cost score) when that partner's
 * capacity is one higher, everything else equal, each found by re-solving
 * under the same objective. Exact: the LP is re-solved from the optimal
 * basis; a partner with no pairs or a slot to spare in the optimum gets 0
 * without a solve; with fairness constraints each is a MIP solved afresh.
 * Returns MM_OK or an error code as solve_track.
 */
int solve_slot_values(const solve_problem *p, const int32_t *partners, size_t n,
                      int64_t *extra_learners, int64_t *score_gain, mm_diag *diag);

/*
 * The same from the optimum kept in r (r->network, solve_problem.
 * keep_network): each slot continues the network simplex from it, instead
 * of solving the problem again first. MM_EINTERNAL when r keeps none.
 */
int solve_slot_values_at(solve_result *r, const int32_t *partners, size_t n,
                         int64_t *extra_learners, int64_t *score_gain, mm_diag *diag);

/* Frees the optimum kept in r (solve_result_free does too). */
void solve_network_free(solve_result *r);

#endif
