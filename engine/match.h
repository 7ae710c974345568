/*
 * match.h - one quarter's matching, from model to result (SPEC section 4).
 *
 * The phases are separate calls so that the caller (io) can time them:
 * match_new (reference week), match_score (eligible pairs, in parallel),
 * match_solve (exact optimum per track, pins checked), match_explain
 * (reasons, alternatives, supply, slot values, fairness). The result owns
 * everything it holds and points into the model, which must outlive it.
 */
#ifndef MM_MATCH_H
#define MM_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "model.h"
#include "score.h"
#include "solve.h"
#include "tz.h"

#define MATCH_MAX_ALTERNATIVES 3
#define MATCH_MAX_SLOT_VALUES 20
/* With fairness enforced: this many, each with a 1/(2 * this) share of the
   time limit, so that both tracks' slot values take at most the limit. */
#define MATCH_MAX_FAIR_SLOT_VALUES 5
/*
 * A track with at least this many pairs is heavy: its slot values (the
 * network and its snapshot) take much memory, so heavy tracks take turns
 * at them (match_solve_then). GLPK's proofs, whose model once held every
 * pair (the two side by side took a million employees' peak from 7.5 GiB to
 * 8.7), now hold only the tree's pairs and those at 1 (solve.c), and run in
 * the graph whatever the size.
 */
#define MATCH_HEAVY_PAIRS 2000000

typedef struct match_pair {
    int32_t learner, partner;
    int32_t score;
    bool pinned;
    double features[FEATURE_COUNT];
} match_pair;

typedef struct match_unmatched {
    int32_t learner;
    int32_t reason; /* enum reason */
    char detail[192];
} match_unmatched;

typedef struct match_alternatives {
    int32_t learner;
    int32_t n;
    int32_t partner[MATCH_MAX_ALTERNATIVES];
    int32_t score[MATCH_MAX_ALTERNATIVES];
} match_alternatives;

typedef struct match_slot_value {
    int32_t partner;
    int64_t extra_matches;
    int64_t score_gain;
} match_slot_value;

typedef struct match_track {
    int32_t track;
    bool enabled;
    size_t learners; /* learners on the track (a goal on it, or no goal at all) */
    size_t eligible_pairs;
    cand_set cands; /* each learner's best pairs (cfg solver.max_candidates) */
    size_t widened;   /* learners given all their pairs back for the proof */
    size_t priced_in; /* pruned pairs the duals priced back in */
    solve_warm *warm; /* the last round's optimum, the next round's start */
    struct match_pricing { /* prob.pairs_of's context, for the solve and the slot values */
        const struct match_result *r;
        int32_t track;
        const int32_t *mentor; /* shadowing: the mentors, left out of the pairs given */
    } pricing;
    int32_t rounds; /* solves that asked for more pairs */
    uint64_t pivots; /* the network simplex's, over every round (ahead too) */
    /* the solver's arcs: the candidates, less (shadowing) the learner's own
       mentor; arc_first gives each learner's slice as in cand_set */
    const candidate *arcs;
    candidate *arcs_owned;
    size_t n_arcs;
    size_t *arc_first;
    uint8_t *pinned;
    int32_t *learner_cap, *partner_cap;
    solve_groups fair_groups[CONFIG_MAX_ATTRIBUTES];
    solve_problem prob;
    solve_result sol;
    match_pair *pairs; /* by learner, then partner (id order) */
    size_t n_pairs;
    match_unmatched *unmatched; /* by learner */
    size_t n_unmatched;
    match_alternatives *alts; /* by learner */
    size_t n_alts;
    match_slot_value slots[MATCH_MAX_SLOT_VALUES];
    size_t n_slots;
    int32_t *partner_of; /* mentoring: per employee, the mentor or -1 */
    /* shadowing: each learner's mentor (never their host), NULL while solved
       ahead of mentoring (match_solve) or without mentoring */
    const int32_t *mentor;
    bool set_up;   /* the problem, capacities and pricing are built */
    bool ahead;    /* being solved ahead: the network simplex alone */
    int32_t *load;       /* per employee: learners given to them as a partner */
} match_track;

typedef struct match_supply {
    int32_t skill;
    int32_t learners; /* learners with a goal on the skill */
    int32_t mentors;  /* mentors who cover at least one of those goals */
    int32_t hosts;    /* hosts likewise */
} match_supply;

typedef struct fair_group {
    const char *name;
    int32_t learners, matched;
    double selection_rate, impact_ratio, mean_score;
    int32_t shortfall;
    bool flagged, suppressed;
} fair_group;

typedef struct fair_attr {
    const char *name; /* attribute */
    int32_t track;
    fair_group *groups; /* by name */
    size_t n_groups;
    double dp_difference, dp_ratio; /* over the groups shown; NAN when fewer than 2 */
} fair_attr;

typedef struct fair_dept_use {
    int32_t dept;
    int32_t available, used;
} fair_dept_use;

typedef struct match_fairness {
    fair_group *group_block; /* every attr's groups, in one allocation */
    fair_attr *attrs;
    size_t n_attrs;
    double mentor_load_gini;
    double cross_department_share;
    fair_dept_use *mentors_by_dept;
    size_t n_depts;
    bool enforced;
    /* the price of fairness, when enforced: per track, objective with and without */
    int64_t learners_with[TRACK_COUNT], learners_without[TRACK_COUNT];
    int64_t score_with[TRACK_COUNT], score_without[TRACK_COUNT];
} match_fairness;

typedef struct match_result {
    const mm_model *model;
    const mm_config *cfg;
    tz_week *week;
    int threads;
    size_t heavy_pairs; /* MATCH_HEAVY_PAIRS (match_new); tests may lower it */
    match_track t[TRACK_COUNT];
    match_supply *supply; /* by learners desc, then skill name */
    size_t n_supply;
    match_fairness fair;
    int32_t **group_of; /* per fairness attribute: per employee group index or -1 */
    const char ***group_names;
    int32_t *n_groups;
} match_result;

/* A new result for model m and settings cfg (both borrowed; they must
   outlive it): builds the reference week. Unknown fairness attributes are
   MM_ECONFIG errors. Free with match_free. */
int match_new(const mm_model *m, const mm_config *cfg, int threads, match_result **out,
              mm_diag *diag);
void match_free(match_result *r);

/* Eligible pairs and scores of both tracks (OpenMP). */
int match_score(match_result *r, mm_diag *diag);

/* Checks the pins against the hard rules (MM_EDATA naming the pair and the
   rule), solves mentoring, then shadowing, exactly, with GLPK's proofs, and
   gives each track's reasons, alternatives and slot values. */
int match_solve(match_result *r, mm_diag *diag);

/* The same, with the caller's work that needs only the pairs running
   beside the proofs and slot values: mentoring(ctx, r) once mentoring's
   pairs are final, then both(ctx, r) once shadowing's are too (either may
   be NULL). They run on any thread, inside an OpenMP parallel region: they
   may read r's pairs and write only what they own; no SQLite, cJSON or
   I/O. An error code of theirs stops the solve. */
typedef struct match_then {
    int (*mentoring)(void *ctx, const match_result *r);
    int (*both)(void *ctx, const match_result *r);
    void *ctx;
} match_then;
int match_solve_then(match_result *r, mm_diag *diag, const match_then *then);

/* Supply and fairness figures (after match_solve). */
int match_explain(match_result *r, mm_diag *diag);

/* The group name of employee e for a fairness attribute ("department",
   "grade", "location" or a free column); "" when the employee has none. */
const char *match_attribute_value(const mm_model *m, int32_t e, const char *attr, char *buf,
                                  size_t size);

#endif
