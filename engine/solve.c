/*
 * solve.c - the exact pairing optimum of one track (SPEC section 4), with GLPK.
 *
 * The only file that includes glpk.h. The problem is a bipartite b-matching,
 * written as the LP of a flow graph:
 *
 *   columns  x_a in [0,1] per arc (fixed at 1 when pinned, at 0 when the
 *            learner has no capacity); per learner l with arcs and capacity
 *            k_l > 0: y_l in [0,1] (its first unit of flow) and, when
 *            K_l = min(k_l, arcs of l) >= 2 (k_l when pairs were pruned), z_l in [0, K_l - 1];
 *   rows     learner l:  y_l + z_l - sum_{a of l} x_a = 0
 *            partner p:  sum_{a of p} x_a <= cap_p
 *
 * Every column has at most one +1 and one -1, so the matrix is a network
 * matrix (totally unimodular) and every basic solution is integral. The
 * criteria are: learners = sum y (at an optimum, the learners with at least
 * one arc), sessions = sum x, score = sum score_a x_a. Objective
 * "participation" maximises learners, then sessions (only when some learner
 * can take two arcs), then score; "score" maximises score, then learners,
 * then sessions (the tie-breaks never lower the score, and they keep a
 * learner whose only pair scores 0 from being left out for nothing).
 *
 * Lexicographic stages without weights: after a stage is optimal, every
 * nonbasic column with a nonzero reduced cost and every row with a nonzero
 * dual is fixed at its current value. By complementary slackness what is
 * left is exactly the optimal face of that stage, and the next stage
 * optimises over it, warm-started from the same basis. The duals of a
 * network LP with integer costs are integers, so "nonzero" is tested with
 * a threshold of 1/2 and no tolerance can blur it; the matrix never gains a
 * row, so it stays a network. After the last stage every stage's optimum
 * is checked against the integer solution.
 *
 * Speed (GLPK's primal simplex costs 0.1 ms and more a pivot, growing with
 * the rows, hardly with the columns): "participation" first optimises the
 * score alone, only for its basis, which the exact stages then barely move;
 * from the slack basis the degenerate score stage took several times
 * longer. Columns are generated: each learner starts with its best pairs,
 * the others stay in the problem fixed at 0, and after each solve every
 * one of them is priced with the row duals and freed when it would
 * improve the stage, until none would (SPEC: pruning proven by duals).
 *
 * Proving the network simplex's optimum (prove) works the same way, with
 * fewer columns: only the pairs basic in its tree, at 1 or pinned are
 * columns (at a million employees, 0.67 of mentoring's 9.9 million pairs
 * and 0.57 of shadowing's 6.3 million), and GLPK
 * evaluates that basis stage by stage. Every other pair sits at 0 and is
 * priced with GLPK's row duals after each stage: one that would improve a
 * stage sends the proof back to a model with every pair a column (never
 * with an optimal tree); one with a nonzero reduced cost is off the
 * stage's optimal face, as a fixed column would be. Together that is
 * GLPK's optimality proof over all the pairs, with a model a tenth to a
 * fifth as wide (the proof's memory was the largest companies' peak).
 *
 * Fairness (n_fair > 0) is not a network: for each attribute with at least
 * two groups of min_group_size learners, a column t_f in [0,1] and, per
 * group g, rows  m_g - n_g t_f <= 0  and  m_g - r n_g t_f >= 0  (m_g =
 * sum of y over the group). They hold for some t_f exactly when
 * n_h m_g >= r n_g m_h for every pair of groups (take t_f = the highest
 * rate), with 2G rows instead of G^2. A row z_l - (K_l - 1) y_l <= 0 makes
 * y_l = 1 exactly when l has an arc, so a match cannot be hidden from the
 * constraint. The unconstrained LP is solved first: when its optimum is
 * already fair it is the answer (a lexicographic optimum over a larger set
 * that lies in the smaller one), otherwise it is the "price of fairness"
 * reference and the MIP is solved with glp_intopt (x and y integer,
 * Gomory cuts), in the same stages, each fixed by a row "criterion >= its
 * value". The first stage starts from the unconstrained optimum repaired
 * into a fair solution, each later one from the stage before.
 *
 * GLPK is guarded: its terminal output goes through a hook into a buffer,
 * its errors into a hook that longjmps back here, after which its whole
 * environment is freed. Each public function frees the calling thread's
 * GLPK environment before it returns, so no GLPK object survives a call.
 * Every index is checked before a glp_ call (layout() is the one place
 * where 0-based indices become GLPK's 1-based numbers; afterwards numbers
 * are looked up, never computed).
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>

#include "flow.h"
#include "solve.h"

enum { MAX_STAGES = 3 };

typedef enum crit { CRIT_LEARNERS, CRIT_SESSIONS, CRIT_SCORE } crit;

/* A value within this of an integer is that integer (LP); GLPK's own tol_int for the MIP. */
#define INT_TOL 1e-6
#define MIP_INT_TOL 1e-5
/* Reduced costs and duals of the network LP are integers: nonzero means > 1/2. */
#define DUAL_NONZERO 0.5
/* Columns a learner starts with in the LP: its best pairs, this many per unit of capacity and more. */
#define ACTIVE_PER_UNIT 3
#define ACTIVE_EXTRA 5
/* Relative slack allowed when checking n_h m_g >= r n_g m_h in floating point. */
#define FAIR_REL_TOL 1e-9
#define MAX_SCORE 1000

typedef struct solver {
    const solve_problem *p;
    mm_diag *diag;
    int32_t *cap; /* partner capacities in use: a copy of p->partner_cap */
    int32_t *lpins; /* per employee: pinned arcs as learner */

    /* fairness, flat per (attribute, group): fair_off[f] + g */
    size_t *fair_off;
    int64_t *fair_n;   /* learners of the group on the track */
    int64_t *fair_m;   /* matched learners of the group (scratch) */
    uint8_t *fair_ok_group; /* group has at least min_group_size learners */
    uint8_t *fair_on;  /* per attribute: constraints apply */
    bool any_fair;

    /* layout: GLPK row and column numbers, 0 = none */
    bool mip;
    int n_rows, n_cols, n_x;
    int *lrow, *prow, *ycol, *zcol, *zrow; /* per employee */
    int32_t *zcap;                         /* per employee: K_l - 1 when zcol */
    int *tcol;                             /* per attribute */
    int *fair_urow, *fair_lrow;            /* per (attribute, group) */
    int crit_row[MAX_STAGES];
    crit stage[MAX_STAGES];
    int n_stages;

    glp_prob *lp;
    int misuse; /* a glp_ call was refused because of a bad index */

    /* column generation (LP): an arc not active is fixed at 0 until its
       reduced cost says it would improve the stage; dead ones cannot */
    uint8_t *active, *dead; /* per arc */
    bool all_active;        /* every arc from the start (certifying a given basis) */
    /* certifying a given basis with its arcs alone (prove): only the arcs
       basic, at 1 or pinned are columns (want), the others are priced by
       GLPK's row duals; should one improve a stage, sparse_failed is set
       and the proof is made again with every arc a column */
    const uint8_t *want;
    bool sparse_failed;
    int *xcol; /* per arc: its column, 0 = none */
    double *rdual;          /* per row, 1-based, scratch */

    /* the solution */
    double *val;     /* per column, 1-based */
    uint8_t *chosen; /* per arc */
    int32_t *count;  /* 2 per employee, scratch */
    int64_t learners, sessions, score;
    double score_obj, score_bound;
    double stage_obj[MAX_STAGES]; /* GLPK's optimum of each LP stage */
    bool proven, integral;
    double *dual; /* per employee, when wanted */

    /* MIP */
    double bound;
    double *heur;
    bool heur_ready, heur_given;

    /* saved basis for warm starts (slot values) */
    int *row_stat, *col_stat;
    double *row_prim, *col_prim;

    jmp_buf jb;
    char msg[256];
} solver;

/* ---------------------------------------------------------------------- */
/* Plain helpers (no GLPK)                                                 */

static void *xcalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* Learners with at least one chosen arc, chosen arcs, and their total score. */
static void count_solution(const solve_problem *p, const uint8_t *chosen, int64_t *learners,
                           int64_t *sessions, int64_t *score)
{
    int64_t nl = 0, nx = 0, ns = 0;
    for (size_t a = 0; a < p->n_arcs;) {
        size_t b = a;
        bool matched = false;
        for (; b < p->n_arcs && p->arcs[b].learner == p->arcs[a].learner; b++) {
            if (chosen[b]) {
                matched = true;
                nx++;
                ns += p->arcs[b].score;
            }
        }
        nl += matched;
        a = b;
    }
    *learners = nl;
    *sessions = nx;
    *score = ns;
}

static int64_t crit_value(const solver *s, crit c)
{
    return c == CRIT_LEARNERS ? s->learners : c == CRIT_SESSIONS ? s->sessions : s->score;
}

/* Capacities and pins hold for chosen (a check of what GLPK returned). */
static bool feasible(solver *s, const uint8_t *chosen)
{
    const solve_problem *p = s->p;
    bool ok = true;
    int32_t *as_learner = s->count, *as_partner = s->count + p->n_emps;
    memset(s->count, 0, 2 * p->n_emps * sizeof *s->count);
    for (size_t a = 0; a < p->n_arcs; a++) {
        if (p->pinned && p->pinned[a] && !chosen[a])
            ok = false;
        if (chosen[a]) {
            as_learner[p->arcs[a].learner]++;
            as_partner[p->arcs[a].partner]++;
        }
    }
    for (size_t e = 0; e < p->n_emps && ok; e++)
        if (as_learner[e] > p->learner_cap[e] || as_partner[e] > s->cap[e])
            ok = false;
    return ok;
}

/* s->fair_m from matched (per employee: nonzero when the learner has a chosen arc). */
static void group_counts(solver *s, const int32_t *matched)
{
    const solve_problem *p = s->p;
    memset(s->fair_m, 0, s->fair_off[p->n_fair] * sizeof *s->fair_m);
    for (int32_t f = 0; f < p->n_fair; f++) {
        const solve_groups *gr = &p->fair[f];
        if (!s->fair_on[f])
            continue;
        for (size_t e = 0; e < p->n_emps; e++)
            if (p->learner_cap[e] > 0 && gr->group_of[e] >= 0 && matched[e])
                s->fair_m[s->fair_off[f] + (size_t)gr->group_of[e]]++;
    }
}

/*
 * The fairness rule (SPEC section 4) on the counts in s->fair_m: every
 * constrained group's rate >= min_impact_ratio * every other one's. Returns
 * -1 when it holds, else the highest-rate group of the first attribute that
 * breaks it (its attribute in *attr).
 */
static int32_t unfair_group(const solver *s, int32_t *attr)
{
    const solve_problem *p = s->p;
    double r = p->min_impact_ratio;
    for (int32_t f = 0; f < p->n_fair; f++) {
        const int64_t *m = s->fair_m + s->fair_off[f];
        const int64_t *n = s->fair_n + s->fair_off[f];
        const uint8_t *on = s->fair_ok_group + s->fair_off[f];
        int32_t gmin = -1, gmax = -1;
        bool ok;
        if (!s->fair_on[f])
            continue;
        for (int32_t g = 0; g < p->fair[f].n_groups; g++) {
            if (!on[g])
                continue;
            /* rates compared as m_g / n_g by cross-multiplication, exact in int64 */
            if (gmin < 0 || m[g] * n[gmin] < m[gmin] * n[g])
                gmin = g;
            if (gmax < 0 || m[g] * n[gmax] > m[gmax] * n[g])
                gmax = g;
        }
        if (r > 1.0) {
            ok = m[gmax] == 0; /* with two groups or more, only all-zero rates qualify */
        } else {
            double lhs = (double)n[gmax] * (double)m[gmin];
            double rhs = r * (double)n[gmin] * (double)m[gmax];
            ok = lhs >= rhs - FAIR_REL_TOL * (1.0 + fabs(rhs));
        }
        if (!ok) {
            *attr = f;
            return gmax;
        }
    }
    return -1;
}

/* The fairness rule on chosen. */
static bool fair(solver *s, const uint8_t *chosen)
{
    const solve_problem *p = s->p;
    int32_t f;
    if (!s->any_fair)
        return true;
    memset(s->count, 0, p->n_emps * sizeof *s->count);
    for (size_t a = 0; a < p->n_arcs; a++)
        if (chosen[a])
            s->count[p->arcs[a].learner] = 1;
    group_counts(s, s->count);
    return unfair_group(s, &f) < 0;
}

/*
 * Checks p before any GLPK call: indices, order, capacities, groups and
 * pins. Problems of the caller's making are MM_EINTERNAL; pins over a
 * capacity are MM_EDATA, each named by employee index.
 */
static int validate(const solve_problem *p, mm_diag *diag)
{
    int rc = MM_OK;
    int32_t *lpins = NULL, *ppins = NULL;

    if (!p || (p->n_arcs && !p->arcs) || (p->n_emps && (!p->learner_cap || !p->partner_cap))) {
        rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0, "solve: incomplete problem");
        goto done;
    }
    if (p->n_emps > (size_t)INT_MAX / 8 || p->n_arcs > (size_t)INT_MAX / 8) {
        rc = mm_diag_error(diag, MM_EDATA, NULL, 0, 0,
                           "solve: %zu pairs among %zu employees is more than GLPK can index",
                           p->n_arcs, p->n_emps);
        goto done;
    }
    for (size_t e = 0; e < p->n_emps; e++) {
        if (p->learner_cap[e] < 0 || p->partner_cap[e] < 0) {
            rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                               "solve: employee #%zu has a negative capacity", e);
            goto done;
        }
    }
    for (size_t a = 0; a < p->n_arcs; a++) {
        const candidate *c = &p->arcs[a];
        if (c->learner < 0 || (size_t)c->learner >= p->n_emps || c->partner < 0 ||
            (size_t)c->partner >= p->n_emps || c->score < 0 || c->score > MAX_SCORE) {
            rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                               "solve: pair %zu is out of range", a);
            goto done;
        }
        if (a > 0) {
            const candidate *b = &p->arcs[a - 1];
            if (b->learner > c->learner || (b->learner == c->learner && b->partner >= c->partner)) {
                rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                                   "solve: pairs are not sorted by learner, then partner,"
                                   " without repeats (pair %zu)", a);
                goto done;
            }
        }
    }
    if (p->n_fair < 0 || (p->n_fair > 0 && !p->fair)) {
        rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0, "solve: bad fairness groups");
        goto done;
    }
    for (int32_t f = 0; f < p->n_fair; f++) {
        const solve_groups *g = &p->fair[f];
        if (g->n_groups < 0 || (p->n_emps && g->n_groups > 0 && !g->group_of)) {
            rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                               "solve: bad fairness groups (attribute %d)", (int)f);
            goto done;
        }
        for (size_t e = 0; e < p->n_emps && g->n_groups > 0; e++) {
            if (g->group_of[e] < -1 || g->group_of[e] >= g->n_groups) {
                rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                                   "solve: employee #%zu has group %d of %d (attribute %d)", e,
                                   (int)g->group_of[e], (int)g->n_groups, (int)f);
                goto done;
            }
        }
    }
    if (p->pinned) {
        lpins = xcalloc(p->n_emps, sizeof *lpins);
        ppins = xcalloc(p->n_emps, sizeof *ppins);
        if (!lpins || !ppins) {
            rc = MM_ENOMEM;
            goto done;
        }
        for (size_t a = 0; a < p->n_arcs; a++) {
            if (p->pinned[a]) {
                lpins[p->arcs[a].learner]++;
                ppins[p->arcs[a].partner]++;
            }
        }
        for (size_t e = 0; e < p->n_emps; e++) {
            if (lpins[e] > p->learner_cap[e])
                rc = mm_diag_error(diag, MM_EDATA, NULL, 0, 0,
                                   "pins exceed the capacity of learner #%zu"
                                   " (%d pinned, capacity %d)",
                                   e, (int)lpins[e], (int)p->learner_cap[e]);
            if (ppins[e] > p->partner_cap[e])
                rc = mm_diag_error(diag, MM_EDATA, NULL, 0, 0,
                                   "pins exceed the capacity of partner #%zu"
                                   " (%d pinned, capacity %d)",
                                   e, (int)ppins[e], (int)p->partner_cap[e]);
        }
    }
done:
    free(lpins);
    free(ppins);
    return rc;
}

/* Group sizes per attribute, and which attributes constrain the solution. */
static int fairness_prepare(solver *s)
{
    const solve_problem *p = s->p;
    int rc = MM_OK;
    size_t total = 0;
    int32_t min_size = p->min_group_size > 1 ? p->min_group_size : 1;

    s->fair_off = xcalloc((size_t)p->n_fair + 1, sizeof *s->fair_off);
    s->fair_on = xcalloc((size_t)p->n_fair, sizeof *s->fair_on);
    s->tcol = xcalloc((size_t)p->n_fair, sizeof *s->tcol);
    if (!s->fair_off || !s->fair_on || !s->tcol) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (int32_t f = 0; f < p->n_fair; f++) {
        s->fair_off[f] = total;
        total += (size_t)p->fair[f].n_groups;
    }
    s->fair_off[p->n_fair] = total;
    s->fair_n = xcalloc(total, sizeof *s->fair_n);
    s->fair_m = xcalloc(total, sizeof *s->fair_m);
    s->fair_ok_group = xcalloc(total, sizeof *s->fair_ok_group);
    s->fair_urow = xcalloc(total, sizeof *s->fair_urow);
    s->fair_lrow = xcalloc(total, sizeof *s->fair_lrow);
    if (!s->fair_n || !s->fair_m || !s->fair_ok_group || !s->fair_urow || !s->fair_lrow) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (int32_t f = 0; f < p->n_fair; f++) {
        const solve_groups *gr = &p->fair[f];
        int64_t *n = s->fair_n + s->fair_off[f];
        int32_t eligible = 0;
        for (size_t e = 0; e < p->n_emps && gr->n_groups > 0; e++)
            if (p->learner_cap[e] > 0 && gr->group_of[e] >= 0)
                n[gr->group_of[e]]++;
        for (int32_t g = 0; g < gr->n_groups; g++) {
            if (n[g] >= min_size) {
                s->fair_ok_group[s->fair_off[f] + (size_t)g] = 1;
                eligible++;
            }
        }
        s->fair_on[f] = eligible >= 2 && p->min_impact_ratio > 0.0;
        s->any_fair = s->any_fair || s->fair_on[f];
    }
done:
    return rc;
}

/* ---------------------------------------------------------------------- */
/* GLPK guard                                                              */

static int term_hook(void *info, const char *text)
{
    solver *s = info;
    size_t have = strlen(s->msg), add = strlen(text);
    if (have + add >= sizeof s->msg) {
        /* keep the newest text: GLPK's error message comes last */
        if (add >= sizeof s->msg)
            text += add - (sizeof s->msg - 1), add = sizeof s->msg - 1;
        have = 0;
    }
    memcpy(s->msg + have, text, add);
    s->msg[have + add] = '\0';
    return 1; /* nothing reaches the terminal */
}

static void error_hook(void *info)
{
    solver *s = info;
    longjmp(s->jb, 1);
}

typedef int (*job_fn)(solver *s, void *arg);

/*
 * Runs fn inside GLPK's guard. On a GLPK error the environment (with every
 * problem object in it) is freed and MM_ESOLVER returned with GLPK's message.
 */
static int guarded(solver *s, job_fn fn, void *arg)
{
    volatile int rc = MM_OK;
    s->msg[0] = '\0';
    glp_term_hook(term_hook, s);
    glp_error_hook(error_hook, s);
    if (setjmp(s->jb) == 0) {
        rc = fn(s, arg);
        if (s->lp)
            glp_delete_prob(s->lp);
        s->lp = NULL;
        glp_error_hook(NULL, NULL);
        glp_term_hook(NULL, NULL);
    } else {
        size_t len = strlen(s->msg);
        while (len > 0 && (s->msg[len - 1] == '\n' || s->msg[len - 1] == ' '))
            s->msg[--len] = '\0';
        for (size_t i = 0; i < len; i++)
            if (s->msg[i] == '\n')
                s->msg[i] = ' ';
        s->lp = NULL; /* it lived in the environment freed below */
        rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0, "GLPK failed: %s", s->msg);
    }
    glp_free_env();
    return rc;
}

/* Index-checked calls: a bad number never reaches GLPK (which would abort). */
static bool row_ok(solver *s, int i)
{
    if (i >= 1 && i <= s->n_rows)
        return true;
    s->misuse = 1;
    return false;
}

static bool col_ok(solver *s, int j)
{
    if (j >= 1 && j <= s->n_cols)
        return true;
    s->misuse = 1;
    return false;
}

static void set_row_bnds(solver *s, int i, int type, double lb, double ub)
{
    if (row_ok(s, i))
        glp_set_row_bnds(s->lp, i, type, lb, ub);
}

static void set_col_bnds(solver *s, int j, int type, double lb, double ub)
{
    if (col_ok(s, j))
        glp_set_col_bnds(s->lp, j, type, lb, ub);
}

static void set_obj(solver *s, int j, double c)
{
    if (col_ok(s, j))
        glp_set_obj_coef(s->lp, j, c);
}

static void set_kind(solver *s, int j, int kind)
{
    if (col_ok(s, j))
        glp_set_col_kind(s->lp, j, kind);
}

static double row_dual(solver *s, int i)
{
    return row_ok(s, i) ? glp_get_row_dual(s->lp, i) : 0.0;
}

/* ---------------------------------------------------------------------- */
/* The model                                                               */

/* Stages in the order they are optimised. */
static void plan_stages(solver *s, bool sessions)
{
    int n = 0;
    if (s->p->objective == OBJECTIVE_SCORE) {
        s->stage[n++] = CRIT_SCORE;
        s->stage[n++] = CRIT_LEARNERS;
        if (sessions)
            s->stage[n++] = CRIT_SESSIONS;
    } else {
        s->stage[n++] = CRIT_LEARNERS;
        if (sessions)
            s->stage[n++] = CRIT_SESSIONS;
        s->stage[n++] = CRIT_SCORE;
    }
    s->n_stages = n;
}

/* Numbers every row and column (the one place 0-based becomes 1-based). */
static int layout(solver *s)
{
    const solve_problem *p = s->p;
    int rc = MM_OK, row = 0, col;
    size_t n = p->n_emps;
    int32_t *pdeg = NULL;

    free(s->lrow), free(s->prow), free(s->ycol), free(s->zcol), free(s->zrow), free(s->zcap);
    free(s->xcol);
    s->xcol = xcalloc(p->n_arcs, sizeof *s->xcol);
    s->lrow = xcalloc(n, sizeof *s->lrow);
    s->prow = xcalloc(n, sizeof *s->prow);
    s->ycol = xcalloc(n, sizeof *s->ycol);
    s->zcol = xcalloc(n, sizeof *s->zcol);
    s->zrow = xcalloc(n, sizeof *s->zrow);
    s->zcap = xcalloc(n, sizeof *s->zcap);
    pdeg = xcalloc(n, sizeof *pdeg);
    if (!s->xcol || !s->lrow || !s->prow || !s->ycol || !s->zcol || !s->zrow || !s->zcap ||
        !pdeg) {
        rc = MM_ENOMEM;
        goto done;
    }
    col = 0; /* arc a is column a + 1, or with want the wanted arcs in order */
    for (size_t a = 0; a < p->n_arcs; a++)
        if (!s->want || s->want[a])
            s->xcol[a] = ++col;
    s->n_x = col;
    for (size_t a = 0; a < p->n_arcs;) {
        int32_t l = p->arcs[a].learner;
        size_t b = a;
        while (b < p->n_arcs && p->arcs[b].learner == l)
            pdeg[p->arcs[b++].partner]++;
        if (p->learner_cap[l] > 0) {
            /* K = min(capacity, pairs); with pairs left out (pruned), the capacity */
            int32_t pairs = p->pruned_bound && p->pruned_bound[l] >= 0 ? INT32_MAX : (int32_t)(b - a);
            int32_t k = p->learner_cap[l] < pairs ? p->learner_cap[l] : pairs;
            s->lrow[l] = ++row;
            s->ycol[l] = ++col;
            s->zcap[l] = k - 1;
        }
        a = b;
    }
    bool sessions = false;
    for (size_t l = 0; l < n; l++) {
        if (s->lrow[l] && s->zcap[l] >= 1) {
            s->zcol[l] = ++col;
            sessions = true;
        }
    }
    for (size_t e = 0; e < n; e++)
        if (pdeg[e] > 0)
            s->prow[e] = ++row;
    plan_stages(s, sessions);
    memset(s->crit_row, 0, sizeof s->crit_row);
    for (int32_t f = 0; f < p->n_fair; f++) {
        s->tcol[f] = 0;
        for (int32_t g = 0; g < p->fair[f].n_groups; g++)
            s->fair_urow[s->fair_off[f] + (size_t)g] = s->fair_lrow[s->fair_off[f] + (size_t)g] = 0;
    }
    if (s->mip) {
        for (size_t l = 0; l < n; l++)
            if (s->zcol[l])
                s->zrow[l] = ++row;
        for (int32_t f = 0; f < p->n_fair; f++) {
            if (!s->fair_on[f])
                continue;
            s->tcol[f] = ++col;
            for (int32_t g = 0; g < p->fair[f].n_groups; g++) {
                size_t k = s->fair_off[f] + (size_t)g;
                if (s->fair_ok_group[k]) {
                    s->fair_urow[k] = ++row;
                    s->fair_lrow[k] = ++row;
                }
            }
        }
        for (int k = 0; k + 1 < s->n_stages; k++)
            s->crit_row[k] = ++row;
    }
    s->n_rows = row;
    s->n_cols = col;
done:
    free(pdeg);
    return rc;
}

/* Bounds of every row and column from the problem (and s->cap). */
static void set_all_bounds(solver *s)
{
    const solve_problem *p = s->p;
    /* Pins fix more than their arcs (flow.h does the same, so that a tree
       of the network is a basis here): a pinned learner counts (y = 1),
       and one whose capacity the pins fill takes no other pair. */
    for (size_t a = 0; a < p->n_arcs; a++) {
        int j = s->xcol[a];
        int32_t l = p->arcs[a].learner;
        if (!j)
            continue;
        if (p->pinned && p->pinned[a])
            set_col_bnds(s, j, GLP_FX, 1.0, 1.0);
        else if (!s->lrow[l] || !s->active[a] || s->lpins[l] >= p->learner_cap[l])
            set_col_bnds(s, j, GLP_FX, 0.0, 0.0);
        else
            set_col_bnds(s, j, GLP_DB, 0.0, 1.0);
    }
    for (size_t e = 0; e < p->n_emps; e++) {
        if (s->lrow[e]) {
            set_row_bnds(s, s->lrow[e], GLP_FX, 0.0, 0.0);
            if (s->lpins[e] > 0)
                set_col_bnds(s, s->ycol[e], GLP_FX, 1.0, 1.0);
            else
                set_col_bnds(s, s->ycol[e], GLP_DB, 0.0, 1.0);
        }
        if (s->zcol[e])
            set_col_bnds(s, s->zcol[e], GLP_DB, 0.0, (double)s->zcap[e]);
        if (s->zrow[e])
            set_row_bnds(s, s->zrow[e], GLP_UP, 0.0, 0.0);
        if (s->prow[e])
            set_row_bnds(s, s->prow[e], GLP_UP, 0.0, (double)s->cap[e]);
    }
    for (int32_t f = 0; f < p->n_fair; f++) {
        if (!s->tcol[f])
            continue;
        set_col_bnds(s, s->tcol[f], GLP_DB, 0.0, 1.0);
        for (int32_t g = 0; g < p->fair[f].n_groups; g++) {
            size_t k = s->fair_off[f] + (size_t)g;
            if (s->fair_urow[k]) {
                set_row_bnds(s, s->fair_urow[k], GLP_UP, 0.0, 0.0);
                set_row_bnds(s, s->fair_lrow[k], GLP_LO, 0.0, 0.0);
            }
        }
    }
    for (int k = 0; k < MAX_STAGES; k++)
        if (s->crit_row[k])
            set_row_bnds(s, s->crit_row[k], GLP_FR, 0.0, 0.0);
}

typedef struct ranked {
    int32_t score;
    uint32_t arc;
} ranked;

static int by_score_desc(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->arc < b->arc ? -1 : a->arc > b->arc;
}

/*
 * The arcs the LP starts with: all of them for the MIP; for the LP each
 * learner's best-scoring pairs (ties: the earlier pair) and every pin. The
 * rest are priced in as the duals ask for them.
 */
static int choose_active(solver *s, bool all)
{
    const solve_problem *p = s->p;
    int rc = MM_OK;
    ranked *r = NULL;

    free(s->active), free(s->dead), free(s->rdual);
    s->active = xcalloc(p->n_arcs, sizeof *s->active);
    s->dead = xcalloc(p->n_arcs, sizeof *s->dead);
    s->rdual = xcalloc((size_t)s->n_rows + 1, sizeof *s->rdual);
    r = xcalloc(p->n_arcs, sizeof *r);
    if (!s->active || !s->dead || !s->rdual || !r) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t a = 0; a < p->n_arcs;) {
        int32_t l = p->arcs[a].learner;
        size_t b = a, m, keep;
        while (b < p->n_arcs && p->arcs[b].learner == l)
            b++;
        m = b - a;
        keep = p->start_arcs > 0 ? (size_t)p->start_arcs
                                 : (size_t)p->learner_cap[l] * ACTIVE_PER_UNIT + ACTIVE_EXTRA;
        if (s->want) {
            memcpy(s->active + a, s->want + a, m);
        } else if (all || s->all_active || m <= keep) {
            memset(s->active + a, 1, m);
        } else {
            for (size_t i = 0; i < m; i++)
                r[i] = (ranked){p->arcs[a + i].score, (uint32_t)(a + i)};
            qsort(r, m, sizeof *r, by_score_desc);
            for (size_t i = 0; i < keep; i++)
                s->active[r[i].arc] = 1;
        }
        a = b;
    }
    for (size_t a = 0; a < p->n_arcs && p->pinned; a++)
        if (p->pinned[a])
            s->active[a] = 1;
done:
    free(r);
    return rc;
}

typedef struct triplets {
    int *ia, *ja;
    double *ar;
    size_t n, cap;
} triplets;

/*
 * Sorts the triplets by row (stable: a counting sort). glp_load_matrix
 * walks its rows' lists to check for duplicates and zeros; elements given
 * row by row lie together in its memory (measured on a 100,000-employee
 * graph: a third of the time in glp_load_matrix of elements given by arc).
 */
static int by_row(solver *s, triplets *t)
{
    size_t *at = calloc((size_t)s->n_rows + 2, sizeof *at);
    int *ia = malloc((t->n + 1) * sizeof *ia), *ja = malloc((t->n + 1) * sizeof *ja);
    double *ar = malloc((t->n + 1) * sizeof *ar);
    if (!at || !ia || !ja || !ar) {
        free(at), free(ia), free(ja), free(ar);
        return MM_ENOMEM;
    }
    for (size_t k = 1; k <= t->n; k++)
        at[t->ia[k] + 1]++;
    at[1] = 1;
    for (int i = 1; i <= s->n_rows; i++)
        at[i + 1] += at[i];
    for (size_t k = 1; k <= t->n; k++) {
        size_t to = at[t->ia[k]]++;
        ia[to] = t->ia[k], ja[to] = t->ja[k], ar[to] = t->ar[k];
    }
    free(at);
    free(t->ia), free(t->ja), free(t->ar);
    t->ia = ia, t->ja = ja, t->ar = ar;
    return MM_OK;
}

static void put(solver *s, triplets *t, int i, int j, double v)
{
    if (v == 0.0)
        return;
    if (!row_ok(s, i) || !col_ok(s, j))
        return;
    if (t->n + 1 > t->cap) { /* the estimate in build() is an upper bound: never */
        s->misuse = 1;
        return;
    }
    t->n++;
    t->ia[t->n] = i;
    t->ja[t->n] = j;
    t->ar[t->n] = v;
}

/* Creates s->lp: layout, matrix in one glp_load_matrix, bounds, kinds. */
static int build(solver *s, bool mip)
{
    const solve_problem *p = s->p;
    int rc;
    triplets t = {0};

    s->mip = mip;
    rc = layout(s);
    if (rc)
        goto done;
    rc = choose_active(s, mip);
    if (rc)
        goto done;
    /* an upper bound on the nonzeros, in size_t: every count here is < INT_MAX / 8 */
    size_t groups = s->fair_off[p->n_fair];
    t.cap = 2 * p->n_arcs + 4 * p->n_emps + (size_t)s->n_stages * (p->n_arcs + p->n_emps);
    t.cap += (size_t)p->n_fair * 2 * (p->n_emps + groups);
    if (t.cap >= (size_t)INT_MAX) {
        rc = mm_diag_error(s->diag, MM_EDATA, NULL, 0, 0,
                           "solve: the problem has more nonzeros than GLPK can index");
        goto done;
    }
    t.ia = malloc((t.cap + 1) * sizeof *t.ia);
    t.ja = malloc((t.cap + 1) * sizeof *t.ja);
    t.ar = malloc((t.cap + 1) * sizeof *t.ar);
    free(s->val);
    s->val = xcalloc((size_t)s->n_cols + 1, sizeof *s->val);
    if (!t.ia || !t.ja || !t.ar || !s->val) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t a = 0; a < p->n_arcs; a++) {
        int j = s->xcol[a];
        int32_t l = p->arcs[a].learner;
        if (!j)
            continue;
        if (s->lrow[l])
            put(s, &t, s->lrow[l], j, -1.0);
        put(s, &t, s->prow[p->arcs[a].partner], j, 1.0);
    }
    for (size_t e = 0; e < p->n_emps; e++) {
        if (s->lrow[e])
            put(s, &t, s->lrow[e], s->ycol[e], 1.0);
        if (s->zcol[e])
            put(s, &t, s->lrow[e], s->zcol[e], 1.0);
        if (s->zrow[e]) {
            put(s, &t, s->zrow[e], s->zcol[e], 1.0);
            put(s, &t, s->zrow[e], s->ycol[e], -(double)s->zcap[e]);
        }
    }
    for (int32_t f = 0; f < p->n_fair; f++) {
        const solve_groups *gr = &p->fair[f];
        if (!s->tcol[f])
            continue;
        for (size_t e = 0; e < p->n_emps; e++) {
            int32_t g = gr->group_of[e];
            size_t k = s->fair_off[f] + (size_t)g;
            if (g < 0 || !s->ycol[e] || !s->fair_ok_group[k])
                continue;
            put(s, &t, s->fair_urow[k], s->ycol[e], 1.0);
            put(s, &t, s->fair_lrow[k], s->ycol[e], 1.0);
        }
        for (int32_t g = 0; g < gr->n_groups; g++) {
            size_t k = s->fair_off[f] + (size_t)g;
            if (!s->fair_ok_group[k])
                continue;
            put(s, &t, s->fair_urow[k], s->tcol[f], -(double)s->fair_n[k]);
            put(s, &t, s->fair_lrow[k], s->tcol[f], -p->min_impact_ratio * (double)s->fair_n[k]);
        }
    }
    for (int k = 0; k < MAX_STAGES; k++) {
        if (!s->crit_row[k])
            continue;
        if (s->stage[k] == CRIT_LEARNERS) {
            for (size_t e = 0; e < p->n_emps; e++)
                if (s->ycol[e])
                    put(s, &t, s->crit_row[k], s->ycol[e], 1.0);
        } else {
            for (size_t a = 0; a < p->n_arcs; a++)
                if (s->xcol[a])
                    put(s, &t, s->crit_row[k], s->xcol[a],
                        s->stage[k] == CRIT_SESSIONS ? 1.0 : (double)p->arcs[a].score);
        }
    }
    if (s->misuse) {
        rc = mm_diag_error(s->diag, MM_EINTERNAL, NULL, 0, 0, "solve: matrix index out of range");
        goto done;
    }
    if ((rc = by_row(s, &t)) != MM_OK)
        goto done;
    s->lp = glp_create_prob();
    glp_set_obj_dir(s->lp, GLP_MAX);
    if (s->n_rows > 0)
        glp_add_rows(s->lp, s->n_rows);
    if (s->n_cols > 0)
        glp_add_cols(s->lp, s->n_cols);
    glp_load_matrix(s->lp, (int)t.n, t.ia, t.ja, t.ar);
    set_all_bounds(s);
    if (mip) {
        /* GLP_IV, not GLP_BV: glp_set_col_kind(GLP_BV) resets bounds to [0,1], unpinning */
        for (size_t a = 0; a < p->n_arcs; a++)
            set_kind(s, s->xcol[a], GLP_IV);
        for (size_t e = 0; e < p->n_emps; e++)
            if (s->ycol[e])
                set_kind(s, s->ycol[e], GLP_IV);
    }
    if (s->misuse)
        rc = mm_diag_error(s->diag, MM_EINTERNAL, NULL, 0, 0, "solve: GLPK index out of range");
done:
    free(t.ia);
    free(t.ja);
    free(t.ar);
    return rc;
}

/* The objective coefficient of arc a, and of every y column, under c. */
static double arc_cost(const solver *s, size_t a, crit c)
{
    return c == CRIT_LEARNERS ? 0.0 : c == CRIT_SESSIONS ? 1.0 : (double)s->p->arcs[a].score;
}

static double y_cost(crit c)
{
    return c == CRIT_LEARNERS ? 1.0 : 0.0;
}

static void set_objective(solver *s, crit c)
{
    const solve_problem *p = s->p;
    for (int j = 1; j <= s->n_cols; j++)
        set_obj(s, j, 0.0);
    for (size_t a = 0; a < p->n_arcs; a++)
        if (s->xcol[a])
            set_obj(s, s->xcol[a], arc_cost(s, a, c));
    for (size_t e = 0; e < p->n_emps; e++)
        if (s->ycol[e])
            set_obj(s, s->ycol[e], y_cost(c));
}

/*
 * glp_simplex, primal, silent, warm; a basis GLPK rejects is replaced once
 * by the standard one. Certifying a given basis (all_active: the network
 * simplex's tree, optimal for every stage), GLPK first only evaluates it:
 * glp_warm_up factorizes it, computes the basic solution and its duals and
 * finds their status, which is what glp_simplex does before and after its
 * pivots; the simplex runs only when that status is not optimal.
 */
static int run_simplex(solver *s)
{
    int rc = MM_OK, ret;
    glp_smcp parm;

    if (s->all_active && glp_warm_up(s->lp) == 0 && glp_get_status(s->lp) == GLP_OPT)
        return MM_OK;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_PRIMAL;
    parm.presolve = GLP_OFF;
    ret = glp_simplex(s->lp, &parm);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
        glp_std_basis(s->lp);
        ret = glp_simplex(s->lp, &parm);
    }
    if (ret != 0)
        rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0, "glp_simplex failed (code %d)", ret);
    return rc;
}

/*
 * Restricts the LP to the optimal face of the stage just solved: nonbasic
 * columns and rows with a nonzero reduced cost (dual) are fixed where they are.
 */
static void fix_optimal_face(solver *s)
{
    for (int j = 1; j <= s->n_cols; j++) {
        int st = glp_get_col_stat(s->lp, j);
        if ((st == GLP_NL || st == GLP_NU) && fabs(glp_get_col_dual(s->lp, j)) > DUAL_NONZERO) {
            double v = st == GLP_NL ? glp_get_col_lb(s->lp, j) : glp_get_col_ub(s->lp, j);
            set_col_bnds(s, j, GLP_FX, v, v);
        }
    }
    for (int i = 1; i <= s->n_rows; i++) {
        int st = glp_get_row_stat(s->lp, i);
        if ((st == GLP_NL || st == GLP_NU) && fabs(glp_get_row_dual(s->lp, i)) > DUAL_NONZERO) {
            double v = st == GLP_NL ? glp_get_row_lb(s->lp, i) : glp_get_row_ub(s->lp, i);
            set_row_bnds(s, i, GLP_FX, v, v);
        }
    }
}

/* The reduced cost of arc a in the current stage, from the row duals in s->rdual. */
static double arc_reduced_cost(const solver *s, size_t a, crit c)
{
    const candidate *arc = &s->p->arcs[a];
    /* d = c - sum_i a_ia dual_i, with a = -1 in the learner row and +1 in the partner row */
    return arc_cost(s, a, c) + s->rdual[s->lrow[arc->learner]] - s->rdual[s->prow[arc->partner]];
}

static void read_row_duals(solver *s)
{
    for (int i = 1; i <= s->n_rows; i++)
        s->rdual[i] = glp_get_row_dual(s->lp, i);
}

/* An arc held at 0 whatever the duals: its learner has no capacity, or pins fill it. */
static bool fixed_out(const solver *s, size_t a)
{
    const solve_problem *p = s->p;
    int32_t l = p->arcs[a].learner;
    return !s->lrow[l] || (s->lpins[l] >= p->learner_cap[l] && !(p->pinned && p->pinned[a]));
}

/*
 * Pricing: activates every inactive arc whose reduced cost would improve the
 * stage; returns how many. None means the restricted optimum is optimal for
 * the whole problem, its duals being feasible for every arc.
 */
static size_t price_arcs(solver *s, crit c)
{
    const solve_problem *p = s->p;
    size_t added = 0;
    read_row_duals(s);
    for (size_t a = 0; a < p->n_arcs; a++) {
        if (s->active[a] || s->dead[a] || fixed_out(s, a))
            continue;
        if (arc_reduced_cost(s, a, c) > DUAL_NONZERO) {
            if (!s->xcol[a]) { /* not a column: the proof is made again with all */
                s->sparse_failed = true;
                return 0;
            }
            s->active[a] = 1;
            set_col_bnds(s, s->xcol[a], GLP_DB, 0.0, 1.0); /* stays nonbasic at 0: still feasible */
            added++;
        }
    }
    return added;
}

/* After the stage's last pricing: inactive arcs with a negative reduced cost are off its face. */
static void retire_arcs(solver *s, crit c)
{
    const solve_problem *p = s->p;
    read_row_duals(s);
    for (size_t a = 0; a < p->n_arcs; a++)
        if (!s->active[a] && !s->dead[a] && !fixed_out(s, a) &&
            arc_reduced_cost(s, a, c) < -DUAL_NONZERO)
            s->dead[a] = 1;
}

/* Copies a solution (LP or MIP) into s->val and s->chosen; sets s->integral and the counts. */
static void read_solution(solver *s, bool mip)
{
    const solve_problem *p = s->p;
    double tol = mip ? MIP_INT_TOL : INT_TOL;
    s->integral = true;
    for (int j = 1; j <= s->n_cols; j++)
        s->val[j] = mip ? glp_mip_col_val(s->lp, j) : glp_get_col_prim(s->lp, j);
    for (size_t a = 0; a < p->n_arcs; a++) {
        double v = s->xcol[a] ? s->val[s->xcol[a]] : 0.0;
        if (fabs(v - round(v)) > tol)
            s->integral = false;
        s->chosen[a] = v > 0.5;
    }
    count_solution(p, s->chosen, &s->learners, &s->sessions, &s->score);
}

/* Never expected (the LP is a network): finish the last stage with glp_intopt. */
static int lp_integer_fallback(solver *s)
{
    int rc = MM_OK, ret;
    glp_iocp parm;
    for (size_t a = 0; a < s->p->n_arcs; a++)
        set_kind(s, s->xcol[a], GLP_IV);
    for (size_t e = 0; e < s->p->n_emps; e++)
        if (s->ycol[e])
            set_kind(s, s->ycol[e], GLP_IV);
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    ret = glp_intopt(s->lp, &parm);
    if (ret != 0 || glp_mip_status(s->lp) != GLP_OPT) {
        rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                           "glp_intopt failed on a fractional LP optimum (code %d)", ret);
        goto done;
    }
    read_solution(s, true);
    s->score_obj = (double)s->score;
    s->score_bound = s->score_obj;
done:
    return rc;
}

/* Optimises objective c over the current bounds, pricing arcs in until none would improve it. */
static int optimise(solver *s, crit c)
{
    int rc = MM_OK;
    set_objective(s, c);
    do {
        rc = run_simplex(s);
        if (rc)
            goto done;
        if (glp_get_status(s->lp) != GLP_OPT) {
            /* pins are checked against capacities, so the LP is always feasible */
            rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                               "glp_simplex ended with status %d", glp_get_status(s->lp));
            goto done;
        }
    } while (price_arcs(s, c) > 0);
    if (s->sparse_failed)
        rc = MM_EINTERNAL; /* no message: prove() starts again */
done:
    return rc;
}

/*
 * Solves the built LP stage by stage from its current basis (warm: first
 * find a starting basis, for a basis that is not an optimum already). Fills
 * the solution, score_obj, and (when s->dual) the partner duals of the
 * score stage.
 */
static int lp_stages(solver *s, bool warm)
{
    const solve_problem *p = s->p;
    int rc = MM_OK;

    memset(s->dead, 0, p->n_arcs);
    /*
     * "participation" first optimises the score alone, only to find a
     * starting basis: from the score optimum the exact stages below move
     * little. From the slack basis the learners stage alone takes about as
     * many pivots, and the score stage on its degenerate face 2-3 times more
     * (measured: 50k arcs 0.55 s -> 0.2 s, 250k arcs 22 s -> 5.3 s).
     */
    if (warm && s->stage[0] == CRIT_LEARNERS) {
        rc = optimise(s, CRIT_SCORE);
        if (rc)
            goto done;
    }
    for (int k = 0; k < s->n_stages; k++) {
        rc = optimise(s, s->stage[k]);
        if (rc)
            goto done;
        s->stage_obj[k] = glp_get_obj_val(s->lp);
        if (s->stage[k] == CRIT_SCORE) {
            if (s->dual)
                for (size_t e = 0; e < p->n_emps; e++)
                    s->dual[e] = s->prow[e] ? row_dual(s, s->prow[e]) : 0.0;
        }
        if (k + 1 < s->n_stages) {
            retire_arcs(s, s->stage[k]); /* reads the duals before any bound changes */
            fix_optimal_face(s);
        }
    }
    read_solution(s, false);
    s->proven = true;
    if (!s->integral && s->want) { /* left-out pairs cannot join a MIP */
        s->sparse_failed = true;
        rc = MM_EINTERNAL;
        goto done;
    }
    if (!s->integral) {
        rc = lp_integer_fallback(s);
        goto done;
    }
    /* every stage's optimum still holds: the face fixing lost nothing */
    for (int k = 0; k < s->n_stages; k++) {
        double v = (double)crit_value(s, s->stage[k]);
        if (fabs(s->stage_obj[k] - v) > DUAL_NONZERO) {
            rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                               "stage %d: GLPK's optimum %.9g but the solution gives %.0f", k,
                               s->stage_obj[k], v);
            goto done;
        }
    }
    s->score_obj = s->score_bound = (double)s->score;
    if (s->misuse)
        rc = mm_diag_error(s->diag, MM_EINTERNAL, NULL, 0, 0, "solve: GLPK index out of range");
done:
    return rc;
}

/* The previous stage's solution as a full column vector, for glp_ios_heur_sol. */
static void make_heuristic(solver *s)
{
    const solve_problem *p = s->p;
    s->heur_ready = false;
    if (!fair(s, s->chosen) || !feasible(s, s->chosen))
        return;
    for (int j = 1; j <= s->n_cols; j++)
        s->heur[j] = 0.0;
    memset(s->count, 0, p->n_emps * sizeof *s->count);
    for (size_t a = 0; a < p->n_arcs; a++) {
        if (s->xcol[a])
            s->heur[s->xcol[a]] = s->chosen[a] ? 1.0 : 0.0;
        s->count[p->arcs[a].learner] += s->chosen[a];
    }
    for (size_t e = 0; e < p->n_emps; e++) {
        if (s->ycol[e])
            s->heur[s->ycol[e]] = s->count[e] > 0 ? 1.0 : 0.0;
        if (s->zcol[e])
            s->heur[s->zcol[e]] = s->count[e] > 0 ? (double)(s->count[e] - 1) : 0.0;
    }
    /* t_f = the highest rate among the constrained groups */
    for (int32_t f = 0; f < p->n_fair; f++) {
        const solve_groups *gr = &p->fair[f];
        double t = 0.0;
        if (!s->tcol[f])
            continue;
        memset(s->fair_m + s->fair_off[f], 0, (size_t)gr->n_groups * sizeof *s->fair_m);
        for (size_t e = 0; e < p->n_emps; e++)
            if (p->learner_cap[e] > 0 && gr->group_of[e] >= 0 && s->count[e] > 0)
                s->fair_m[s->fair_off[f] + (size_t)gr->group_of[e]]++;
        for (int32_t g = 0; g < gr->n_groups; g++) {
            size_t k = s->fair_off[f] + (size_t)g;
            if (s->fair_ok_group[k]) {
                double rate = (double)s->fair_m[k] / (double)s->fair_n[k];
                t = rate > t ? rate : t;
            }
        }
        s->heur[s->tcol[f]] = t;
    }
    s->heur_ready = true;
}

/* Moves learner e's arc a in or out of s->chosen, keeping the counts of repair_fairness. */
static void toggle_arc(solver *s, size_t a, int32_t *lcount, int32_t *load, int64_t *lscore)
{
    const solve_problem *p = s->p;
    const candidate *c = &p->arcs[a];
    int d = s->chosen[a] ? -1 : 1;
    bool was = lcount[c->learner] > 0;
    s->chosen[a] = (uint8_t)(d > 0);
    lcount[c->learner] += d;
    load[c->partner] += d;
    lscore[c->learner] += d * c->score;
    if (was != (lcount[c->learner] > 0)) {
        for (int32_t f = 0; f < p->n_fair; f++) {
            int32_t g = s->fair_on[f] ? p->fair[f].group_of[c->learner] : -1;
            if (g >= 0)
                s->fair_m[s->fair_off[f] + (size_t)g] += d;
        }
    }
}

/*
 * A fair solution made from s->chosen (the unconstrained optimum), to start
 * the MIP from: while an attribute breaks the rule, the matched learner of
 * its highest-rate group whose pairs score least (pins are never dropped)
 * loses them; then, learner by learner, free slots are taken, best score
 * first, wherever every attribute stays fair. Returns whether it got there.
 */
static int repair_fairness(solver *s, bool *ok)
{
    const solve_problem *p = s->p;
    size_t n = p->n_emps;
    int rc = MM_OK;
    int32_t *lcount = xcalloc(n, sizeof *lcount), *load = xcalloc(n, sizeof *load);
    int64_t *lscore = xcalloc(n, sizeof *lscore);
    size_t *first = xcalloc(n + 1, sizeof *first);
    uint8_t *pinned = xcalloc(n, sizeof *pinned);

    *ok = false;
    if (!lcount || !load || !lscore || !first || !pinned) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t a = 0; a < p->n_arcs; a++) {
        const candidate *c = &p->arcs[a];
        first[c->learner + 1] = a + 1;
        if (p->pinned && p->pinned[a])
            pinned[c->learner] = 1;
        if (s->chosen[a]) {
            lcount[c->learner]++;
            load[c->partner]++;
            lscore[c->learner] += c->score;
        }
    }
    for (size_t e = 1; e <= n; e++) /* learners without arcs get empty ranges */
        if (first[e] < first[e - 1])
            first[e] = first[e - 1];
    group_counts(s, lcount);
    for (;;) {
        int32_t f, g = unfair_group(s, &f), drop = -1;
        if (g < 0)
            break;
        for (size_t e = 0; e < n; e++)
            if (lcount[e] > 0 && !pinned[e] && p->fair[f].group_of[e] == g &&
                (drop < 0 || lscore[e] < lscore[drop]))
                drop = (int32_t)e;
        if (drop < 0)
            goto done; /* only pins left in the group: dropping cannot help */
        for (size_t a = first[drop]; a < first[drop + 1]; a++)
            if (s->chosen[a])
                toggle_arc(s, a, lcount, load, lscore);
    }
    for (size_t e = 0; e < n; e++) {
        while (lcount[e] < p->learner_cap[e]) {
            size_t best = SIZE_MAX;
            for (size_t a = first[e]; a < first[e + 1]; a++)
                if (!s->chosen[a] && load[p->arcs[a].partner] < s->cap[p->arcs[a].partner] &&
                    (best == SIZE_MAX || p->arcs[a].score > p->arcs[best].score))
                    best = a;
            if (best == SIZE_MAX)
                break;
            int32_t f;
            toggle_arc(s, best, lcount, load, lscore);
            if (unfair_group(s, &f) >= 0) {
                toggle_arc(s, best, lcount, load, lscore);
                break;
            }
        }
    }
    count_solution(p, s->chosen, &s->learners, &s->sessions, &s->score);
    *ok = true;
done:
    free(lcount), free(load), free(lscore), free(first), free(pinned);
    return rc;
}

static void mip_callback(glp_tree *tree, void *info)
{
    solver *s = info;
    switch (glp_ios_reason(tree)) {
    case GLP_IHEUR:
        if (s->heur_ready && !s->heur_given) {
            s->heur_given = true;
            glp_ios_heur_sol(tree, s->heur);
        }
        break;
    case GLP_ISELECT: {
        /* no subproblem is current here, so the best active bound is global */
        int best = glp_ios_best_node(tree);
        if (best > 0) {
            double b = glp_ios_node_bound(tree, best);
            if (b < s->bound)
                s->bound = b;
        }
        break;
    }
    default:
        break;
    }
}

typedef struct mip_outcome {
    bool infeasible; /* no solution satisfies pins and fairness */
} mip_outcome;

/* Solves the built MIP stage by stage within the time limit. */
static int mip_stages(solver *s, mip_outcome *out)
{
    const solve_problem *p = s->p;
    int rc = MM_OK;
    bool have = false, time_left = true;
    double deadline = p->time_limit_s > 0 ? glp_time() + 1000.0 * p->time_limit_s : 0.0;

    free(s->heur);
    s->heur = xcalloc((size_t)s->n_cols + 1, sizeof *s->heur);
    if (!s->heur) {
        rc = MM_ENOMEM;
        goto done;
    }
    s->proven = true;
    /* the first stage starts from a repaired unconstrained optimum, when one is found */
    rc = repair_fairness(s, &have);
    if (rc)
        goto done;
    for (int k = 0; k < s->n_stages; k++) {
        glp_iocp parm;
        int ret, mst;
        set_objective(s, s->stage[k]);
        rc = run_simplex(s);
        if (rc)
            goto done;
        if (glp_get_status(s->lp) == GLP_NOFEAS) {
            out->infeasible = true;
            goto done;
        }
        if (glp_get_status(s->lp) != GLP_OPT) {
            rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                               "LP relaxation ended with status %d", glp_get_status(s->lp));
            goto done;
        }
        s->bound = glp_get_obj_val(s->lp); /* a valid bound, whatever the search does */
        if (have)
            make_heuristic(s);
        s->heur_given = false;
        ret = GLP_ETMLIM;
        mst = GLP_UNDEF;
        if (time_left) {
            double left = deadline > 0 ? deadline - glp_time() : (double)INT_MAX;
            glp_init_iocp(&parm);
            parm.msg_lev = GLP_MSG_OFF;
            parm.presolve = GLP_OFF; /* warm: the LP basis above, the incumbent below */
            /* Gomory cuts close these gaps at the root (measured: 0.03 s against 30 s
               unproven on 3,100 arcs); MIR, cover cuts and the heuristics did not help */
            parm.gmi_cuts = GLP_ON;
            parm.mip_gap = p->mip_gap > 0 ? p->mip_gap : 0.0;
            parm.tm_lim = left >= (double)INT_MAX ? INT_MAX : left < 1.0 ? 1 : (int)left;
            parm.cb_func = mip_callback;
            parm.cb_info = s;
            ret = glp_intopt(s->lp, &parm);
            if (ret != 0 && ret != GLP_EMIPGAP && ret != GLP_ETMLIM) {
                rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                                   "glp_intopt failed (code %d)", ret);
                goto done;
            }
            mst = glp_mip_status(s->lp);
            if (mst == GLP_NOFEAS) {
                out->infeasible = true;
                goto done;
            }
            if (ret == GLP_ETMLIM)
                time_left = false;
        }
        if (mst == GLP_OPT || mst == GLP_FEAS) {
            read_solution(s, true);
            if (!s->integral) {
                rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                                   "glp_intopt returned a fractional solution");
                goto done;
            }
            have = true;
        } else if (!have) {
            rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                               "no fair solution found within the time limit of %g s",
                               p->time_limit_s);
            goto done;
        }
        /* else the previous stage's solution stands (it meets this stage's rows) */
        int64_t v = crit_value(s, s->stage[k]);
        double bound = floor(s->bound + INT_TOL); /* every criterion is an integer */
        bool proven = (ret == 0 && mst == GLP_OPT) || bound <= (double)v;
        s->proven = s->proven && proven;
        if (s->stage[k] == CRIT_SCORE) {
            s->score_obj = (double)v;
            s->score_bound = proven ? (double)v : bound;
        }
        if (k + 1 < s->n_stages)
            set_row_bnds(s, s->crit_row[k], GLP_LO, (double)v, 0.0);
    }
    if (!feasible(s, s->chosen) || !fair(s, s->chosen)) {
        rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                           "glp_intopt returned a solution that breaks a constraint");
        goto done;
    }
    if (s->misuse)
        rc = mm_diag_error(s->diag, MM_EINTERNAL, NULL, 0, 0, "solve: GLPK index out of range");
done:
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Jobs run inside the guard                                               */

static void free_model(solver *s)
{
    if (s->lp)
        glp_delete_prob(s->lp);
    s->lp = NULL;
}

/* Fills r's method, status, objective, bound and gap from the solver. */
static void fill_proof(const solver *s, solve_result *r, const char *method)
{
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->status, sizeof r->status, "%s", s->proven ? "optimal" : "feasible");
    r->objective = s->score_obj;
    r->bound = s->score_bound;
    r->gap = (s->score_bound - s->score_obj) / (fabs(s->score_obj) > 1.0 ? fabs(s->score_obj) : 1.0);
    if (r->gap < 0)
        r->gap = 0;
}

/* Fills r from the solver's current solution. */
static void fill_result(const solver *s, solve_result *r, const char *method)
{
    memcpy(r->chosen, s->chosen, s->p->n_arcs);
    r->learners = s->learners;
    r->sessions = s->sessions;
    r->total_score = s->score;
    fill_proof(s, r, method);
}

static int cmp_pair(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->learner != b->learner)
        return a->learner < b->learner ? -1 : 1;
    return (a->partner > b->partner) - (a->partner < b->partner);
}

/*
 * GLPK's statuses of the LP's variables at the network's spanning tree
 * (flow.h: the same variables), taken from the network so that the proof
 * needs nothing of it later: per problem arc (x), and per employee the
 * partner's capacity row (s) and the learner's y and z columns; 0 = none.
 */
typedef struct solve_basis {
    int8_t *x, *s, *y, *z;
} solve_basis;

static void basis_free(solve_basis *b)
{
    if (!b)
        return;
    free(b->x), free(b->s), free(b->y), free(b->z);
    free(b);
}

static int basis_take(const flow_net *f, const uint8_t *tree, solve_basis **out)
{
    const solve_problem *p = f->p;
    const netsimplex *ns = &f->ns;
    solve_basis *b = calloc(1, sizeof *b);
    *out = NULL;
    if (!b)
        return MM_ENOMEM;
    b->x = malloc(p->n_arcs ? p->n_arcs : 1);
    b->s = xcalloc(p->n_emps, 1);
    b->y = xcalloc(p->n_emps, 1);
    b->z = xcalloc(p->n_emps, 1);
    if (!b->x || !b->s || !b->y || !b->z) {
        basis_free(b);
        return MM_ENOMEM;
    }
    for (size_t e = 0; e < p->n_emps; e++) {
        int32_t k;
        if ((k = f->sarc[e]) >= 0)
            b->s[e] = tree[k] ? GLP_BS : GLP_NU;
        if ((k = f->yarc[e]) >= 0)
            b->y[e] = tree[k] ? GLP_BS : f->lpins[e] > 0 ? GLP_NS : ns->flow[k] ? GLP_NU : GLP_NL;
        if ((k = f->zarc[e]) >= 0)
            b->z[e] = tree[k] ? GLP_BS : ns->flow[k] ? GLP_NU : GLP_NL;
    }
    for (size_t a = 0; a < p->n_arcs; a++) {
        int32_t k = f->xarc[a];
        b->x[a] = k < 0                    ? GLP_NS
                  : tree[k]                ? GLP_BS
                  : ns->lo[k] == ns->hi[k] ? GLP_NS /* pinned, or the pins fill the learner */
                  : ns->flow[k]            ? GLP_NU
                                           : GLP_NL;
    }
    *out = b;
    return MM_OK;
}

static void apply_basis(solver *s, const solve_basis *b)
{
    const solve_problem *p = s->p;
    for (size_t e = 0; e < p->n_emps; e++) {
        if (s->lrow[e] && row_ok(s, s->lrow[e]))
            glp_set_row_stat(s->lp, s->lrow[e], GLP_NS);
        if (s->prow[e] && row_ok(s, s->prow[e]) && b->s[e])
            glp_set_row_stat(s->lp, s->prow[e], b->s[e]);
        if (s->ycol[e] && col_ok(s, s->ycol[e]) && b->y[e])
            glp_set_col_stat(s->lp, s->ycol[e], b->y[e]);
        if (s->zcol[e] && col_ok(s, s->zcol[e]) && b->z[e])
            glp_set_col_stat(s->lp, s->zcol[e], b->z[e]);
    }
    for (size_t a = 0; a < p->n_arcs; a++)
        if (s->xcol[a] && col_ok(s, s->xcol[a]))
            glp_set_col_stat(s->lp, s->xcol[a], b->x[a]);
}

/* Per employee, the capacity dual of the network's optimum (solve_result.network_dual). */
static int take_network_dual(const flow_net *f, double **out)
{
    const solve_problem *p = f->p;
    double *d = xcalloc(p->n_emps, sizeof *d);
    if (!d)
        return MM_ENOMEM;
    ns_pot root = ns_potential(&f->ns, 0);
    for (size_t e = 0; e < p->n_emps; e++)
        if (f->pnode[e])
            d[e] = (double)(ns_potential(&f->ns, f->pnode[e]) - root);
    *out = d;
    return MM_OK;
}

/*
 * GLPK's proof of the network's optimum r->chosen (learners nl, sessions
 * nx, score sc) from basis b: GLPK evaluates the basis stage by stage and
 * must find the same optimum values. r keeps the network's pairs; the rest
 * of r is filled from GLPK.
 */
static int prove(solver *s, solve_result *r, const solve_basis *b, int64_t nl, int64_t nx,
                 int64_t sc)
{
    const solve_problem *p = s->p;
    uint8_t *want = xcalloc(p->n_arcs, 1);
    if (!want)
        return MM_ENOMEM;
    for (size_t a = 0; a < p->n_arcs; a++)
        want[a] = b->x[a] == GLP_BS || b->x[a] == GLP_NU || (p->pinned && p->pinned[a]);
    s->all_active = true;
    s->want = want;
    s->sparse_failed = false;
    int rc = build(s, false);
    if (rc == MM_OK) {
        apply_basis(s, b);
        rc = lp_stages(s, false);
    }
    if (s->sparse_failed) { /* never with an optimal tree: then every pair a column */
        free_model(s);
        s->want = NULL;
        s->sparse_failed = false;
        if ((rc = build(s, false)) == MM_OK) {
            apply_basis(s, b);
            rc = lp_stages(s, false);
        }
    }
    if (rc != MM_OK)
        goto done;
    if (s->learners != nl || s->sessions != nx || s->score != sc) {
        rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                           "the network optimum (%lld learners, %lld pairs, score %lld) and"
                           " GLPK's (%lld, %lld, %lld) differ",
                           (long long)nl, (long long)nx, (long long)sc, (long long)s->learners,
                           (long long)s->sessions, (long long)s->score);
        goto done;
    }
    /* the same values: r keeps the network's pairs (read meanwhile by a
       deferred proof's caller, so not written again) */
    fill_proof(s, r, s->integral ? "network-simplex+glpk-simplex" : "glpk-simplex+intopt");
done:
    s->all_active = false;
    s->want = NULL;
    free(want);
    return rc;
}

/*
 * Our network simplex, then GLPK's proof from its tree. *used is false when
 * the network cannot hold the problem's weights (GLPK alone then solves
 * it). With learners whose pruned pairs are not ruled out, r lists them and
 * nothing else is done.
 */
static int network_path(solver *s, solve_result *r, bool *used)
{
    const solve_problem *p = s->p;
    flow_net f;
    uint8_t *tree = NULL;
    solve_basis *basis = NULL;
    int64_t nl, nx, sc;
    int rc = flow_build(&f, p);
    *used = false;
    if (rc == MM_EINTERNAL)
        return MM_OK;
    if (rc)
        return rc;
    *used = true;
    rc = flow_solve(&f);
    if (rc == MM_EINTERNAL && f.warm) {
        /* a repaired warm tree need not be strongly feasible: should the
           pivots ever cycle to their limit, start again cold */
        flow_free(&f);
        if ((rc = flow_build_from(&f, p, false)) == MM_OK)
            rc = flow_solve(&f);
    }
    if (rc != MM_OK) {
        if (rc != MM_ENOMEM)
            rc = mm_diag_error(s->diag, MM_ESOLVER, NULL, 0, 0,
                               "network simplex: no optimum passing its check");
        goto done;
    }
    if (p->pairs_of) {
        /* price the pruned pairs the bounds do not rule out */
        if ((rc = flow_price(&f)) != MM_OK) {
            if (rc != MM_ENOMEM)
                rc = mm_diag_error(s->diag, rc == MM_EINTERNAL ? MM_ESOLVER : rc, NULL, 0, 0,
                                   "network simplex: pricing the pruned pairs failed");
            goto done;
        }
        r->pivots = f.ns.pivots;
        if (f.n_priced) {
            r->more = malloc(f.n_priced * sizeof *r->more);
            if (!r->more) {
                rc = MM_ENOMEM;
                goto done;
            }
            memcpy(r->more, f.priced, f.n_priced * sizeof *r->more);
            qsort(r->more, f.n_priced, sizeof *r->more, cmp_pair);
            r->n_more = f.n_priced;
            if ((rc = flow_warm(&f, &r->warm)) == MM_OK)
                qsort(r->warm->chosen, r->warm->n_chosen, sizeof *r->warm->chosen, cmp_pair);
            goto done;
        }
    } else {
        r->pivots = f.ns.pivots;
        r->uncertified = malloc((p->n_emps ? p->n_emps : 1) * sizeof *r->uncertified);
        if (!r->uncertified) {
            rc = MM_ENOMEM;
            goto done;
        }
        r->n_uncertified = flow_uncertified(&f, r->uncertified);
        if (r->n_uncertified)
            goto done;
    }
    tree = malloc(f.ns.n_arcs ? f.ns.n_arcs : 1);
    if (!tree) {
        rc = MM_ENOMEM;
        goto done;
    }
    flow_solution(&f, r->chosen, &nl, &nx, &sc);
    if (p->no_certify) {
        memcpy(s->chosen, r->chosen, p->n_arcs);
        s->learners = nl, s->sessions = nx, s->score = sc;
        s->score_obj = s->score_bound = (double)sc;
        s->proven = true;
        fill_result(s, r, "network-simplex");
        if (p->keep_warm && (rc = flow_warm(&f, &r->warm)) == MM_OK)
            qsort(r->warm->chosen, r->warm->n_chosen, sizeof *r->warm->chosen, cmp_pair);
        goto done;
    }
    if ((rc = flow_tree_arcs(&f, tree)) != MM_OK) {
        rc = mm_diag_error(s->diag, MM_EINTERNAL, NULL, 0, 0, "network simplex: a broken tree");
        goto done;
    }
    if ((rc = basis_take(&f, tree, &basis)) != MM_OK)
        goto done;
    r->learners = nl, r->sessions = nx, r->total_score = sc;
    if (p->defer_proof) {
        r->objective = r->bound = (double)sc;
        snprintf(r->method, sizeof r->method, "network-simplex");
        snprintf(r->status, sizeof r->status, "unproven");
        r->basis = basis;
        basis = NULL;
    } else if ((rc = prove(s, r, basis, nl, nx, sc)) != MM_OK) {
        goto done;
    }
    if (p->keep_network && (p->defer_proof || s->integral)) {
        if ((rc = take_network_dual(&f, &r->network_dual)) != MM_OK)
            goto done;
        r->network = malloc(sizeof *r->network);
        if (!r->network) {
            rc = MM_ENOMEM;
            goto done;
        }
        *r->network = f; /* the optimum moves into r */
        memset(&f, 0, sizeof f);
    }
done:
    basis_free(basis);
    free(tree);
    flow_free(&f);
    return rc;
}

/* The whole solve: the LP, then, when it is not fair, the MIP. */
static int job_solve(solver *s, void *arg)
{
    solve_result *r = arg;
    int rc;
    mip_outcome out = {false};

    bool solved = false;
    if (s->p->method == SOLVE_AUTO) {
        rc = network_path(s, r, &solved);
        if (rc || r->n_uncertified || r->n_more || (solved && s->p->no_certify))
            goto done;
        if (solved && s->p->defer_proof) {
            r->unfair_learners = r->learners;
            r->unfair_total_score = r->total_score;
            goto done;
        }
    }
    if (!solved && s->p->pruned_bound) {
        /* GLPK alone has no proof for pruned pairs: every learner with some
           left out is named, to be given them all (solve.h) */
        const solve_problem *p = s->p;
        r->uncertified = malloc((p->n_emps ? p->n_emps : 1) * sizeof *r->uncertified);
        if (!r->uncertified) {
            rc = MM_ENOMEM;
            goto done;
        }
        for (size_t e = 0; e < p->n_emps; e++)
            if (p->pruned_bound[e] >= 0 && p->learner_cap[e] > 0)
                r->uncertified[r->n_uncertified++] = (int32_t)e;
        if (r->n_uncertified)
            goto done;
    }
    if (!solved) {
        rc = build(s, false);
        if (rc)
            goto done;
        rc = lp_stages(s, true);
        if (rc)
            goto done;
        fill_result(s, r, s->integral ? "glpk-simplex" : "glpk-simplex+intopt");
    }
    r->unfair_learners = s->learners;
    r->unfair_total_score = s->score;
    if (s->dual && r->partner_dual)
        memcpy(r->partner_dual, s->dual, s->p->n_emps * sizeof *s->dual);
    if (!s->any_fair || fair(s, s->chosen))
        goto done;

    /* the unconstrained optimum is unfair: solve the MIP */
    solve_network_free(r); /* not the answer: no slot values from it */
    free_model(s);
    free(r->partner_dual);
    r->partner_dual = NULL;
    rc = build(s, true);
    if (rc)
        goto done;
    rc = mip_stages(s, &out);
    if (rc)
        goto done;
    if (out.infeasible) {
        memset(r->chosen, 0, s->p->n_arcs);
        r->learners = r->sessions = r->total_score = 0;
        r->objective = r->bound = r->gap = 0;
        snprintf(r->method, sizeof r->method, "glpk-intopt");
        snprintf(r->status, sizeof r->status, "infeasible");
        rc = mm_diag_error(s->diag, MM_EDATA, NULL, 0, 0,
                           "the fairness constraints (min_impact_ratio %g) cannot be met"
                           " together with the pinned pairs",
                           s->p->min_impact_ratio);
        goto done;
    }
    fill_result(s, r, "glpk-intopt");
done:
    free_model(s);
    return rc;
}

typedef struct slot_job {
    const int32_t *partners;
    size_t n;
    int64_t *extra_learners, *score_gain;
} slot_job;

static void save_basis(solver *s)
{
    for (int i = 1; i <= s->n_rows; i++) {
        s->row_stat[i] = glp_get_row_stat(s->lp, i);
        s->row_prim[i] = glp_get_row_prim(s->lp, i);
    }
    for (int j = 1; j <= s->n_cols; j++) {
        s->col_stat[j] = glp_get_col_stat(s->lp, j);
        s->col_prim[j] = glp_get_col_prim(s->lp, j);
    }
}

/* A nonbasic status that suits the variable's (restored) bounds and saved value. */
static int nonbasic_stat(int type, double lb, double ub, double v)
{
    switch (type) {
    case GLP_FR:
        return GLP_NF;
    case GLP_LO:
        return GLP_NL;
    case GLP_UP:
        return GLP_NU;
    case GLP_FX:
        return GLP_NS;
    default:
        return v > 0.5 * (lb + ub) ? GLP_NU : GLP_NL;
    }
}

static void restore_basis(solver *s)
{
    for (int i = 1; i <= s->n_rows; i++) {
        int st = s->row_stat[i];
        if (st != GLP_BS)
            st = nonbasic_stat(glp_get_row_type(s->lp, i), glp_get_row_lb(s->lp, i),
                               glp_get_row_ub(s->lp, i), s->row_prim[i]);
        glp_set_row_stat(s->lp, i, st);
    }
    for (int j = 1; j <= s->n_cols; j++) {
        int st = s->col_stat[j];
        if (st != GLP_BS)
            st = nonbasic_stat(glp_get_col_type(s->lp, j), glp_get_col_lb(s->lp, j),
                               glp_get_col_ub(s->lp, j), s->col_prim[j]);
        glp_set_col_stat(s->lp, j, st);
    }
}

/*
 * Slot values on the LP: one model, one optimal basis; for each partner the
 * bounds are restored, the capacity raised, and the stages re-run from the
 * saved basis.
 */
static int job_slots_lp(solver *s, void *arg)
{
    slot_job *job = arg;
    int rc;
    int64_t base_l, base_s;

    rc = build(s, false);
    if (rc)
        goto done;
    rc = lp_stages(s, true);
    if (rc)
        goto done;
    base_l = s->learners;
    base_s = s->score;
    s->row_stat = xcalloc((size_t)s->n_rows + 1, sizeof *s->row_stat);
    s->col_stat = xcalloc((size_t)s->n_cols + 1, sizeof *s->col_stat);
    s->row_prim = xcalloc((size_t)s->n_rows + 1, sizeof *s->row_prim);
    s->col_prim = xcalloc((size_t)s->n_cols + 1, sizeof *s->col_prim);
    if (!s->row_stat || !s->col_stat || !s->row_prim || !s->col_prim) {
        rc = MM_ENOMEM;
        goto done;
    }
    save_basis(s);
    for (size_t i = 0; i < job->n; i++) {
        int32_t e = job->partners[i];
        job->extra_learners[i] = job->score_gain[i] = 0;
        /*
         * No pairs, or a slot to spare in the optimum: a constraint slack at an
         * optimum of an LP can go without changing it, stage after stage.
         */
        if (!s->prow[e] || s->row_prim[s->prow[e]] < (double)s->cap[e] - DUAL_NONZERO)
            continue;
        s->cap[e]++;
        set_all_bounds(s);
        restore_basis(s);
        rc = lp_stages(s, false); /* the base optimum is the better start */
        s->cap[e]--;
        if (rc)
            goto done;
        job->extra_learners[i] = s->learners - base_l;
        job->score_gain[i] = s->score - base_s;
    }
done:
    free_model(s);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Public functions                                                        */

static void solver_free(solver *s)
{
    free(s->cap);
    free(s->lpins);
    free(s->fair_off), free(s->fair_n), free(s->fair_m), free(s->fair_ok_group);
    free(s->fair_on), free(s->tcol), free(s->fair_urow), free(s->fair_lrow);
    free(s->lrow), free(s->prow), free(s->ycol), free(s->zcol), free(s->zrow), free(s->zcap);
    free(s->val), free(s->chosen), free(s->count), free(s->dual), free(s->heur);
    free(s->row_stat), free(s->col_stat), free(s->row_prim), free(s->col_prim);
    free(s->active), free(s->dead), free(s->rdual), free(s->xcol);
    memset(s, 0, sizeof *s);
}

static int solver_init(solver *s, const solve_problem *p, mm_diag *diag, bool duals)
{
    int rc = MM_OK;
    memset(s, 0, sizeof *s);
    s->p = p;
    s->diag = diag;
    s->cap = xcalloc(p->n_emps, sizeof *s->cap);
    s->lpins = xcalloc(p->n_emps, sizeof *s->lpins);
    s->chosen = xcalloc(p->n_arcs, sizeof *s->chosen);
    s->count = xcalloc(2 * p->n_emps, sizeof *s->count); /* as learner, as partner */
    s->dual = duals ? xcalloc(p->n_emps, sizeof *s->dual) : NULL;
    if (!s->cap || !s->lpins || !s->chosen || !s->count || (duals && !s->dual)) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (p->n_emps)
        memcpy(s->cap, p->partner_cap, p->n_emps * sizeof *s->cap);
    for (size_t a = 0; a < p->n_arcs && p->pinned; a++)
        s->lpins[p->arcs[a].learner] += p->pinned[a] != 0;
    rc = fairness_prepare(s);
done:
    return rc;
}

void solve_result_free(solve_result *r)
{
    if (!r)
        return;
    free(r->chosen);
    free(r->partner_dual);
    free(r->uncertified);
    free(r->more);
    solve_warm_free(r->warm);
    solve_network_free(r);
    free(r->network_dual);
    basis_free(r->basis);
    memset(r, 0, sizeof *r);
}

int solve_track(const solve_problem *p, solve_result *r, mm_diag *diag)
{
    int rc;
    solver s;
    bool inited = false;

    memset(r, 0, sizeof *r);
    snprintf(r->status, sizeof r->status, "undefined");
    rc = validate(p, diag);
    if (rc)
        goto done;
    if (p->defer_proof && (!p->keep_network || p->n_fair > 0 || p->method != SOLVE_AUTO)) {
        rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                           "solve_track: a deferred proof needs the network kept, no fairness");
        goto done;
    }
    r->chosen = xcalloc(p->n_arcs, sizeof *r->chosen);
    r->partner_dual = xcalloc(p->n_emps, sizeof *r->partner_dual);
    if (!r->chosen || !r->partner_dual) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (p->n_arcs == 0) {
        /* nothing to choose: the empty matching is optimal, and GLPK refuses empty problems */
        snprintf(r->method, sizeof r->method, "none (no eligible pairs)");
        snprintf(r->status, sizeof r->status, "optimal");
        goto done;
    }
    rc = solver_init(&s, p, diag, true);
    inited = true;
    if (rc)
        goto done;
    rc = guarded(&s, job_solve, r);
done:
    if (inited)
        solver_free(&s);
    if (rc == MM_ENOMEM)
        mm_diag_error(diag, MM_ENOMEM, NULL, 0, 0, "solve: out of memory");
    return rc;
}

int solve_network(const solve_problem *p, solve_result *r, mm_diag *diag)
{
    solver s;
    bool used = false;
    memset(r, 0, sizeof *r);
    snprintf(r->status, sizeof r->status, "undefined");
    if (p->method != SOLVE_AUTO || !p->no_certify || p->n_fair > 0)
        return mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                             "solve_network: a network solve without proof only");
    int rc = validate(p, diag);
    if (rc)
        return rc;
    r->chosen = xcalloc(p->n_arcs, sizeof *r->chosen);
    if (!r->chosen)
        return MM_ENOMEM;
    if (p->n_arcs == 0)
        return MM_EINTERNAL; /* nothing to solve ahead */
    if ((rc = solver_init(&s, p, diag, false)) == MM_OK) {
        rc = network_path(&s, r, &used);
        if (rc == MM_OK && !used)
            rc = MM_EINTERNAL;
    }
    solver_free(&s);
    if (rc == MM_ENOMEM)
        mm_diag_error(diag, MM_ENOMEM, NULL, 0, 0, "solve: out of memory");
    return rc;
}

bool solve_glpk_per_thread(void)
{
    return glp_config("TLS") != NULL;
}

static int job_prove(solver *s, void *arg)
{
    solve_result *r = arg;
    int rc = prove(s, r, r->basis, r->learners, r->sessions, r->total_score);
    if (rc == MM_OK) {
        if (s->dual && r->partner_dual)
            memcpy(r->partner_dual, s->dual, s->p->n_emps * sizeof *s->dual);
        basis_free(r->basis);
        r->basis = NULL;
    }
    free_model(s);
    return rc;
}

int solve_prove(const solve_problem *p, solve_result *r, mm_diag *diag)
{
    solver s;
    if (!r->basis || !r->chosen)
        return mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0, "solve_prove: no optimum to prove");
    int rc = solver_init(&s, p, diag, true);
    if (rc == MM_OK)
        rc = guarded(&s, job_prove, r);
    solver_free(&s);
    if (rc == MM_ENOMEM)
        mm_diag_error(diag, MM_ENOMEM, NULL, 0, 0, "solve: out of memory");
    return rc;
}

/* Slot values on the network (flow_slot_values); a value the pruned pairs
   leave open is reported as 0. MM_EINTERNAL: the network cannot hold p. */
static int slots_network(const solve_problem *p, const int32_t *partners, size_t n,
                         int64_t *extra_learners, int64_t *score_gain, mm_diag *diag)
{
    flow_net f;
    int32_t *open = NULL;
    uint8_t *certified = NULL;
    int rc = flow_build(&f, p);
    if (rc)
        return rc;
    open = malloc((p->n_emps ? p->n_emps : 1) * sizeof *open);
    certified = malloc(n ? n : 1);
    if (!open || !certified) {
        rc = MM_ENOMEM;
        goto done;
    }
    if ((rc = flow_solve(&f)) != MM_OK) {
        if (rc != MM_ENOMEM)
            rc = mm_diag_error(diag, MM_ESOLVER, NULL, 0, 0,
                               "network simplex: no optimum passing its check");
        goto done;
    }
    if (p->pairs_of) {
        if ((rc = flow_price(&f)) != MM_OK) {
            if (rc != MM_ENOMEM)
                rc = mm_diag_error(diag, MM_ESOLVER, NULL, 0, 0,
                                   "network simplex: pricing the pruned pairs failed");
            goto done;
        }
    } else if (flow_uncertified(&f, open) > 0) { /* no proven base: no values */
        goto done;
    }
    rc = flow_slot_values(&f, partners, n, extra_learners, score_gain, certified);
    if (rc != MM_OK)
        rc = mm_diag_error(diag, rc == MM_ENOMEM ? MM_ENOMEM : MM_ESOLVER, NULL, 0, 0,
                           "network simplex: a slot value without an optimum");
done:
    free(open);
    free(certified);
    flow_free(&f);
    return rc;
}

int solve_slot_values(const solve_problem *p, const int32_t *partners, size_t n,
                      int64_t *extra_learners, int64_t *score_gain, mm_diag *diag)
{
    int rc;
    solver s;
    bool inited = false;
    solve_problem q;
    int32_t *caps = NULL;
    solve_result base = {0}, more = {0};

    rc = validate(p, diag);
    if (rc)
        goto done;
    if (n && (!partners || !extra_learners || !score_gain)) {
        rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0, "solve_slot_values: no arrays");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        extra_learners[i] = score_gain[i] = 0;
        if (partners[i] < 0 || (size_t)partners[i] >= p->n_emps) {
            rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                               "solve_slot_values: partner %d out of range", (int)partners[i]);
            goto done;
        }
        if (p->partner_cap[partners[i]] == INT32_MAX) {
            rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                               "solve_slot_values: partner %d has no room for a slot",
                               (int)partners[i]);
            goto done;
        }
    }
    if (n == 0 || p->n_arcs == 0)
        goto done;
    rc = solver_init(&s, p, diag, false);
    inited = true;
    if (rc)
        goto done;
    if (!s.any_fair && p->method == SOLVE_AUTO) {
        rc = slots_network(p, partners, n, extra_learners, score_gain, diag);
        if (rc != MM_EINTERNAL)
            goto done;
        rc = MM_OK; /* weights too large for the network: GLPK below */
    }
    if (!s.any_fair) {
        slot_job job = {partners, n, extra_learners, score_gain};
        rc = guarded(&s, job_slots_lp, &job);
        goto done;
    }
    /* with fairness each slot is a MIP of its own: solve it from scratch */
    caps = xcalloc(p->n_emps, sizeof *caps);
    if (!caps) {
        rc = MM_ENOMEM;
        goto done;
    }
    memcpy(caps, p->partner_cap, p->n_emps * sizeof *caps);
    q = *p;
    q.partner_cap = caps;
    rc = solve_track(p, &base, diag);
    for (size_t i = 0; i < n && !rc; i++) {
        caps[partners[i]]++;
        rc = solve_track(&q, &more, diag);
        caps[partners[i]]--;
        if (!rc) {
            extra_learners[i] = more.learners - base.learners;
            score_gain[i] = more.total_score - base.total_score;
        }
        solve_result_free(&more);
    }
done:
    if (inited)
        solver_free(&s);
    free(caps);
    solve_result_free(&base);
    solve_result_free(&more);
    if (rc == MM_ENOMEM)
        mm_diag_error(diag, MM_ENOMEM, NULL, 0, 0, "solve: out of memory");
    return rc;
}

void solve_network_free(solve_result *r)
{
    if (r && r->network) {
        flow_free(r->network);
        free(r->network);
        r->network = NULL;
    }
}

int solve_slot_values_at(solve_result *r, const int32_t *partners, size_t n,
                         int64_t *extra_learners, int64_t *score_gain, mm_diag *diag)
{
    flow_net *f = r->network;
    uint8_t *certified = NULL;
    int rc = MM_OK;
    if (!f)
        return mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0, "solve: no optimum kept");
    for (size_t i = 0; i < n; i++) {
        extra_learners[i] = score_gain[i] = 0;
        if (partners[i] < 0 || (size_t)partners[i] >= f->p->n_emps)
            return mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0,
                                 "solve_slot_values: partner %d out of range", (int)partners[i]);
    }
    certified = malloc(n ? n : 1);
    if (!certified) {
        rc = MM_ENOMEM;
        goto done;
    }
    rc = flow_slot_values(f, partners, n, extra_learners, score_gain, certified);
    if (rc != MM_OK && rc != MM_ENOMEM)
        rc = mm_diag_error(diag, MM_ESOLVER, NULL, 0, 0,
                           "network simplex: a slot value without an optimum");
done:
    free(certified);
    if (rc == MM_ENOMEM)
        mm_diag_error(diag, MM_ENOMEM, NULL, 0, 0, "solve: out of memory");
    return rc;
}

void solve_warm_free(solve_warm *w)
{
    if (!w)
        return;
    free(w->chosen);
    free(w->lkind), free(w->pkind), free(w->lother), free(w->pother);
    free(w);
}
