/*
 * match.c - one quarter's matching: score, solve, explain (SPEC section 4).
 *
 * Mentoring is solved first; shadowing after it, with the learner's own
 * mentor removed from their hosts. Every figure is derived from the
 * candidate sets and GLPK's optimum; nothing is guessed.
 */
#include "match.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const track_partner[TRACK_COUNT] = {"mentor", "host"};
static const char *const grade_names[16] = {"0", "1", "2",  "3",  "4",  "5",  "6",  "7",
                                            "8", "9", "10", "11", "12", "13", "14", "15"};

const char *match_attribute_value(const mm_model *m, int32_t e, const char *attr, char *buf,
                                  size_t size)
{
    const model_employee *emp = &m->emps[e];
    if (strcmp(attr, "department") == 0)
        return m->depts[emp->dept].name;
    if (strcmp(attr, "grade") == 0) {
        snprintf(buf, size, "%d", (int)emp->grade);
        return buf;
    }
    if (strcmp(attr, "location") == 0)
        return emp->location;
    const model_attr_row *a = model_emp_attrs(m, e);
    for (uint32_t i = 0; i < emp->attr_count; i++)
        if (strcmp(m->attr_keys[a[i].a.key], attr) == 0)
            return a[i].a.value;
    return "";
}

static bool attribute_known(const mm_model *m, const char *attr)
{
    if (!strcmp(attr, "department") || !strcmp(attr, "grade") || !strcmp(attr, "location"))
        return true;
    for (size_t k = 0; k < m->n_attr_keys; k++)
        if (strcmp(m->attr_keys[k], attr) == 0)
            return true;
    return false;
}

typedef struct name_idx {
    const char *name;
    int32_t emp;
} name_idx;

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Names in text order, but numbers ("2", "10") in numeric order. */
static int cmp_group_name(const char *a, const char *b)
{
    if (all_digits(a) && all_digits(b)) {
        size_t la = strlen(a), lb = strlen(b);
        if (la != lb)
            return la < lb ? -1 : 1;
    }
    return strcmp(a, b);
}

static int cmp_name_idx(const void *pa, const void *pb)
{
    const name_idx *a = pa, *b = pb;
    int c = cmp_group_name(a->name, b->name);
    return c ? c : (a->emp > b->emp) - (a->emp < b->emp);
}

/* Groups of every fairness attribute: group_of[a][e] and sorted names. */
static int build_groups(match_result *r, mm_diag *diag)
{
    const mm_model *m = r->model;
    int32_t na = r->cfg->fairness.n_attributes;
    int rc = MM_OK;
    name_idx *tmp = NULL;
    r->group_of = calloc((size_t)na + 1, sizeof *r->group_of);
    r->group_names = calloc((size_t)na + 1, sizeof *r->group_names);
    r->n_groups = calloc((size_t)na + 1, sizeof *r->n_groups);
    tmp = malloc((m->n_emps + 1) * sizeof *tmp);
    if (!r->group_of || !r->group_names || !r->n_groups || !tmp) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (int32_t a = 0; a < na; a++) {
        const char *attr = r->cfg->fairness.attributes[a];
        if (!attribute_known(m, attr)) {
            rc = mm_diag_error(diag, MM_ECONFIG, NULL, 0, 0,
                               "$.fairness.attributes[%d]: no employee has the attribute \"%s\"",
                               (int)a, attr);
            continue;
        }
        r->group_of[a] = malloc((m->n_emps + 1) * sizeof **r->group_of);
        r->group_names[a] = malloc((m->n_emps + 1) * sizeof **r->group_names);
        if (!r->group_of[a] || !r->group_names[a]) {
            rc = MM_ENOMEM;
            goto done;
        }
        char buf[32];
        size_t n = 0;
        for (size_t e = 0; e < m->n_emps; e++) {
            const char *v = match_attribute_value(m, (int32_t)e, attr, buf, sizeof buf);
            /* values written into buf (grades) are taken from the fixed table */
            tmp[n].name = v == buf ? grade_names[m->emps[e].grade] : v;
            if (!tmp[n].name[0])
                tmp[n].name = "(none)";
            tmp[n++].emp = (int32_t)e;
        }
        qsort(tmp, n, sizeof *tmp, cmp_name_idx);
        int32_t g = -1;
        for (size_t i = 0; i < n; i++) {
            if (i == 0 || strcmp(tmp[i].name, tmp[i - 1].name) != 0)
                r->group_names[a][++g] = tmp[i].name;
            r->group_of[a][tmp[i].emp] = g;
        }
        r->n_groups[a] = g + 1;
    }
done:
    free(tmp);
    return rc;
}

int match_new(const mm_model *m, const mm_config *cfg, int threads, match_result **out,
              mm_diag *diag)
{
    int rc = MM_OK;
    match_result *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return MM_ENOMEM;
    r->model = m;
    r->cfg = cfg;
    r->threads = threads;
    r->heavy_pairs = MATCH_HEAVY_PAIRS;
    for (int t = 0; t < TRACK_COUNT; t++) {
        r->t[t].track = t;
        r->t[t].enabled = t == TRACK_MENTORING || cfg->shadowing.enabled;
    }
    if ((rc = tz_week_build(m, cfg, &r->week)) != MM_OK)
        goto done;
    if ((rc = build_groups(r, diag)) != MM_OK)
        goto done;
    *out = r;
    r = NULL;
done:
    match_free(r);
    return rc;
}

static void track_free(match_track *t)
{
    cand_set_free(&t->cands);
    solve_result_free(&t->sol);
    solve_warm_free(t->warm);
    free(t->arcs_owned);
    free(t->arc_first);
    free(t->pinned);
    free(t->load);
    free(t->learner_cap);
    free(t->partner_cap);
    free(t->pairs);
    free(t->unmatched);
    free(t->alts);
    free(t->partner_of);
}

void match_free(match_result *r)
{
    if (!r)
        return;
    for (int t = 0; t < TRACK_COUNT; t++)
        track_free(&r->t[t]);
    tz_week_free(r->week);
    for (int32_t a = 0; a < r->cfg->fairness.n_attributes; a++) {
        if (r->group_of)
            free(r->group_of[a]);
        if (r->group_names)
            free(r->group_names[a]);
    }
    free(r->group_of);
    free(r->group_names);
    free(r->n_groups);
    free(r->supply);
    free(r->fair.group_block);
    free(r->fair.attrs);
    free(r->fair.mentors_by_dept);
    free(r);
}

int match_score(match_result *r, mm_diag *diag)
{
    (void)diag;
    for (int t = 0; t < TRACK_COUNT; t++) {
        match_track *mt = &r->t[t];
        if (!mt->enabled)
            continue;
        /* Each learner keeps its best pairs; the solver proves the rest could
           not improve the optimum, or asks for them (solve_one). Not under
           enforced fairness: the MIP has no such proof. */
        int32_t keep = r->cfg->fairness.enforce ? 0 : r->cfg->solver.max_candidates;
        /* The pairs left out are kept too (8 bytes each): pricing asks for
           those of every learner the duals do not clear, and scoring them
           again would sit on the solve's longest path. That is most
           shadowing learners (open until every session is filled: at 100k,
           30,000 of 45,000) and, at a million employees, 236,000 of
           mentoring's 500,000, whose first pricing pass then takes 6 s
           instead of 24 s. */
        bool rest = keep > 0;
        int rc = (rest ? score_track_rest : score_track_kept)(r->model, r->cfg, r->week, t,
                                                             r->threads, keep, &mt->cands);
        if (rc != MM_OK)
            return rc;
        mt->eligible_pairs = mt->cands.n_eligible;
        for (size_t e = 0; e < mt->cands.n_emps; e++)
            mt->learners += mt->cands.reason[e] >= 0;
    }
    return MM_OK;
}

/* The index of (learner's slice [first, end), partner) in arcs, or -1. */
static ptrdiff_t find_arc(const candidate *arcs, size_t first, size_t end, int32_t partner)
{
    size_t lo = first, hi = end;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (arcs[mid].partner < partner)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end && arcs[lo].partner == partner ? (ptrdiff_t)lo : -1;
}

/* A pin continues a pairing, so it holds through the repeat cooldown (every
   other hard rule still applies): is p such a pin, kept out only by it? */
static bool pin_continues(const match_result *r, const match_track *mt, const model_pin *p)
{
    const mm_config *cfg = r->cfg;
    if (p->track != mt->track ||
        score_check_pair(r->model, cfg, r->week, mt->track, p->learner, p->partner) !=
            REASON_REPEAT_COOLDOWN)
        return false;
    int32_t need = mt->track == TRACK_MENTORING ? cfg->mentoring.session_minutes
                                                : cfg->shadowing.session_minutes;
    return tz_week_overlap(r->week, p->learner, p->partner) >= need;
}

/* The solver's arcs of a track: the candidates, plus pins kept through the
   repeat cooldown, less (shadowing) each learner's own mentor. */
static int build_arcs(match_result *r, match_track *mt)
{
    const cand_set *cs = &mt->cands;
    const mm_model *m = r->model;
    size_t n = cs->n_emps;
    mt->arc_first = malloc((n + 1) * sizeof *mt->arc_first);
    if (!mt->arc_first)
        return MM_ENOMEM;
    const int32_t *mentor = mt->mentor;
    size_t n_extra = 0;
    for (size_t i = 0; i < m->n_pins; i++)
        n_extra += pin_continues(r, mt, &m->pins[i]);
    if (!mentor && n_extra == 0) {
        mt->arcs = cs->c;
        mt->n_arcs = cs->n;
        memcpy(mt->arc_first, cs->first, (n + 1) * sizeof *mt->arc_first);
        return MM_OK;
    }
    /* pins are sorted by track, learner, partner: extras come in arc order */
    candidate *extra = malloc((n_extra + 1) * sizeof *extra);
    mt->arcs_owned = malloc((cs->n + n_extra + 1) * sizeof *mt->arcs_owned);
    if (!extra || !mt->arcs_owned) {
        free(extra);
        return MM_ENOMEM;
    }
    size_t e = 0;
    for (size_t i = 0; i < m->n_pins; i++) {
        const model_pin *p = &m->pins[i];
        if (!pin_continues(r, mt, p))
            continue;
        double f[FEATURE_COUNT];
        extra[e++] = (candidate){p->learner, p->partner,
                                 score_features(m, r->cfg, r->week, mt->track, p->learner,
                                                p->partner, f),
                                 tz_week_overlap(r->week, p->learner, p->partner)};
    }
    size_t k = 0;
    e = 0;
    for (size_t l = 0; l < n; l++) {
        mt->arc_first[l] = k;
        size_t i = cs->first[l];
        while (i < cs->first[l + 1] || (e < n_extra && extra[e].learner == (int32_t)l)) {
            bool take_extra = e < n_extra && extra[e].learner == (int32_t)l &&
                              (i == cs->first[l + 1] || extra[e].partner < cs->c[i].partner);
            candidate c = take_extra ? extra[e++] : cs->c[i++];
            if (!mentor || c.partner != mentor[l])
                mt->arcs_owned[k++] = c;
        }
    }
    mt->arc_first[n] = k;
    mt->arcs = mt->arcs_owned;
    mt->n_arcs = k;
    free(extra);
    return MM_OK;
}

/* Every pin of the track must be an eligible pair; marks pinned arcs. */
static int check_pins(match_result *r, match_track *mt, mm_diag *diag)
{
    const mm_model *m = r->model;
    int rc = MM_OK;
    for (size_t i = 0; i < m->n_pins; i++) {
        const model_pin *p = &m->pins[i];
        if (p->track != mt->track)
            continue;
        const char *lid = m->emps[p->learner].id, *pid = m->emps[p->partner].id;
        const int32_t *mentor = mt->mentor;
        if (mentor && mentor[p->learner] == p->partner) {
            rc = mm_diag_error(diag, MM_EDATA, "pins.csv", 0, 0,
                               "pin %s -> %s (shadowing): the host is the learner's mentor",
                               lid, pid);
            continue;
        }
        ptrdiff_t a = find_arc(mt->arcs, mt->arc_first[p->learner],
                               mt->arc_first[p->learner + 1], p->partner);
        if (a < 0) {
            reason why = score_check_pair(m, r->cfg, r->week, mt->track, p->learner, p->partner);
            rc = mm_diag_error(diag, MM_EDATA, "pins.csv", 0, 0,
                               "pin %s -> %s (%s) breaks a hard rule: %s", lid, pid,
                               track_name(mt->track),
                               why == REASON_ELIGIBLE ? "not eligible" : reason_names[why]);
            continue;
        }
        mt->pinned[a] = 1;
    }
    return rc;
}

/* solve_problem.pairs_of: a learner's pairs left out (scored with the rest,
   match_score), read in place; shadowing skips the learner's mentor once known. */
static int pairs_of(void *ctx, int32_t learner, const rest_pair **pairs, size_t *n,
                    int32_t *skip)
{
    struct match_pricing *pr = ctx;
    const cand_set *cs = &pr->r->t[pr->track].cands;
    if (!cs->rest || learner < 0 || (size_t)learner >= cs->n_emps)
        return MM_EINTERNAL;
    *pairs = cs->rest + cs->rest_first[learner];
    *n = cs->rest_first[learner + 1] - cs->rest_first[learner];
    *skip = pr->mentor ? pr->mentor[learner] : -1;
    return MM_OK;
}

/*
 * Solves the track. Pairs the duals price back in (pruned pairs that would
 * improve the optimum) join the candidates, or, without pricing, learners
 * the bounds cannot clear get all their pairs back; the solve repeats
 * until the optimum is proven over every eligible pair.
 */
static int solve_rounds(match_result *r, match_track *mt, mm_diag *diag)
{
    const mm_model *m = r->model;
    const mm_config *cfg = r->cfg;
    solve_problem *p = &mt->prob;
    int rc;
    for (;;) {
        if ((rc = build_arcs(r, mt)) != MM_OK)
            return rc;
        mt->pinned = calloc(mt->n_arcs + 1, 1);
        if (!mt->pinned)
            return MM_ENOMEM;
        if ((rc = check_pins(r, mt, diag)) != MM_OK)
            return rc;
        p->arcs = mt->arcs;
        p->n_arcs = mt->n_arcs;
        p->pinned = mt->pinned;
        rc = mt->ahead ? solve_network(p, &mt->sol, diag) : solve_track(p, &mt->sol, diag);
        if (rc != MM_OK)
            return rc;
        mt->pivots += mt->sol.pivots;
        if (mt->sol.n_uncertified == 0 && mt->sol.n_more == 0) {
            mt->sol.pivots = mt->pivots; /* the report's: every round's, ahead too */
            return MM_OK;
        }
        mt->rounds++;
        if (mt->sol.n_more) {
            mt->priced_in += mt->sol.n_more;
            rc = score_add_pairs(&mt->cands, mt->sol.more, mt->sol.n_more);
            /* the next round starts from this one's optimum */
            solve_warm_free(mt->warm);
            mt->warm = mt->sol.warm;
            mt->sol.warm = NULL;
            p->warm = mt->warm;
        } else {
            mt->widened += mt->sol.n_uncertified;
            rc = score_widen(m, cfg, r->week, &mt->cands, mt->sol.uncertified,
                             mt->sol.n_uncertified, r->threads);
        }
        solve_result_free(&mt->sol);
        free(mt->arcs_owned), free(mt->arc_first), free(mt->pinned);
        mt->arcs_owned = NULL, mt->arc_first = NULL, mt->pinned = NULL;
        mt->arcs = NULL;
        if (rc != MM_OK)
            return rc;
    }
}

/* The track's problem: capacities, settings and pricing (once per track). */
static int solve_setup(match_result *r, match_track *mt)
{
    const mm_model *m = r->model;
    const mm_config *cfg = r->cfg;
    size_t n = m->n_emps;
    mt->learner_cap = calloc(n + 1, sizeof *mt->learner_cap);
    mt->partner_cap = calloc(n + 1, sizeof *mt->partner_cap);
    mt->load = calloc(n + 1, sizeof *mt->load);
    mt->partner_of = malloc((n + 1) * sizeof *mt->partner_of);
    if (!mt->learner_cap || !mt->partner_cap || !mt->load || !mt->partner_of)
        return MM_ENOMEM;
    bool mentoring = mt->track == TRACK_MENTORING;
    for (size_t e = 0; e < n; e++) {
        const model_employee *emp = &m->emps[e];
        mt->partner_of[e] = -1;
        if (mt->cands.reason[e] > REASON_NO_GOAL_FOR_TRACK)
            mt->learner_cap[e] = mentoring ? 1 : cfg->shadowing.sessions_per_learner;
        if (emp->roles & (mentoring ? ROLE_MENTOR : ROLE_HOST))
            mt->partner_cap[e] = mentoring ? emp->mentor_capacity : emp->host_capacity;
    }
    solve_problem *p = &mt->prob;
    memset(p, 0, sizeof *p);
    p->track = mt->track;
    p->objective = cfg->objective;
    p->n_emps = n;
    p->learner_cap = mt->learner_cap;
    p->partner_cap = mt->partner_cap;
    if (cfg->fairness.enforce) {
        for (int32_t a = 0; a < cfg->fairness.n_attributes; a++) {
            mt->fair_groups[a].group_of = r->group_of[a];
            mt->fair_groups[a].n_groups = r->n_groups[a];
        }
        p->fair = mt->fair_groups;
        p->n_fair = cfg->fairness.n_attributes;
    }
    p->min_impact_ratio = cfg->fairness.min_impact_ratio;
    p->min_group_size = cfg->fairness.min_group_size;
    p->time_limit_s = cfg->solver.time_limit_s;
    p->mip_gap = cfg->solver.mip_gap;
    p->pruned_bound = mt->cands.bound;
    p->keep_network = true;
    p->defer_proof = !cfg->fairness.enforce; /* proven beside the slot values (match_solve) */
    if (mt->cands.rest) { /* pairs were left out: pricing may ask for them */
        struct match_pricing *pr = &mt->pricing;
        pr->r = r;
        pr->track = mt->track;
        p->pairs_of = pairs_of;
        p->pairs_ctx = &mt->pricing;
    }
    mt->set_up = true;
    return MM_OK;
}

/*
 * Shadowing solved ahead, beside mentoring (match_solve): before the mentors
 * are known, so over every eligible pair, the mentors' too, by the network
 * simplex alone (no GLPK: mentoring's proof may be running). Its optimum
 * is then the warm start of the real solve, which only has to take out the
 * pairs of learners with their mentors. A failure here costs only the
 * head start.
 */
static int solve_ahead(match_result *r, match_track *mt, mm_diag *scratch)
{
    solve_problem *p = &mt->prob;
    int rc = mt->set_up ? MM_OK : solve_setup(r, mt);
    if (rc != MM_OK)
        return rc;
    mt->ahead = p->no_certify = p->keep_warm = true;
    rc = solve_rounds(r, mt, scratch);
    mt->ahead = p->no_certify = p->keep_warm = false;
    if (rc == MM_OK && mt->sol.warm) {
        solve_warm_free(mt->warm);
        mt->warm = mt->sol.warm;
        mt->sol.warm = NULL;
        p->warm = mt->warm;
    }
    solve_result_free(&mt->sol);
    free(mt->arcs_owned), free(mt->arc_first), free(mt->pinned);
    mt->arcs_owned = NULL, mt->arc_first = NULL, mt->pinned = NULL;
    mt->arcs = NULL;
    return rc;
}

static int solve_one(match_result *r, match_track *mt, mm_diag *diag)
{
    const mm_model *m = r->model;
    int rc = mt->set_up ? MM_OK : solve_setup(r, mt);
    if (rc != MM_OK)
        return rc;
    if (mt->track == TRACK_SHADOWING)
        mt->mentor = r->t[TRACK_MENTORING].partner_of;
    mt->pricing.mentor = mt->mentor;
    if ((rc = solve_rounds(r, mt, diag)) != MM_OK)
        return rc;
    size_t chosen = 0;
    for (size_t i = 0; i < mt->n_arcs; i++)
        chosen += mt->sol.chosen[i] != 0;
    mt->pairs = calloc(chosen + 1, sizeof *mt->pairs);
    if (!mt->pairs)
        return MM_ENOMEM;
    for (size_t i = 0; i < mt->n_arcs; i++) {
        if (!mt->sol.chosen[i])
            continue;
        const candidate *c = &mt->arcs[i];
        match_pair *pp = &mt->pairs[mt->n_pairs++];
        pp->learner = c->learner;
        pp->partner = c->partner;
        pp->pinned = mt->pinned[i];
        pp->score = score_features(m, r->cfg, r->week, mt->track, c->learner, c->partner,
                                   pp->features);
        mt->partner_of[c->learner] = c->partner;
        mt->load[c->partner]++;
    }
    return MM_OK;
}

static int explain_track(match_result *r, match_track *mt);
static int slot_values(match_result *r, match_track *mt, mm_diag *diag);

/* Whether a track is heavy (MATCH_HEAVY_PAIRS). */
static bool heavy(const match_result *r, const match_track *mt)
{
    return mt->prob.n_arcs >= r->heavy_pairs;
}

/* What follows a track's pairs: its reasons and alternatives, then its slot values. */
static int track_after_step(match_result *r, match_track *mt, mm_diag *diag)
{
    int rc = explain_track(r, mt);
    return rc == MM_OK ? slot_values(r, mt, diag) : rc;
}

static int track_after(match_result *r, match_track *mt, mm_diag *diag)
{
    int rc;
    if (heavy(r, mt)) {
#pragma omp critical(mm_heavy)
        rc = track_after_step(r, mt, diag);
    } else {
        rc = track_after_step(r, mt, diag);
    }
    return rc;
}

/* GLPK's proof of the track's optimum, when its solve left it for later. */
static int track_prove(match_track *mt, mm_diag *diag)
{
    return mt->sol.basis ? solve_prove(&mt->prob, &mt->sol, diag) : MM_OK;
}

/*
 * Both tracks, mentoring first: shadowing leaves out each learner's mentor.
 * The work is a graph of tasks, run on two threads when there are two:
 *
 *   mentoring's optimum ---> its reasons and slot values, then its proof (GLPK)
 *          |
 *          +-----------+---> then->mentoring (mentoring's pairs)  --+
 *                      |                                            +--> then->both
 *   shadowing ahead ---+---> shadowing's optimum (warm from ahead) -+
 *   (no fairness)                  |
 *                                  +---> its reasons and slot values; its proof
 *
 * Without fairness constraints shadowing is solved ahead, before the
 * mentors are known (solve_ahead), and each optimum is the network's, its
 * GLPK proof deferred (solve_prove) so that it runs beside the slot values,
 * which continue the network; mentoring's slot values come first and free
 * its network before GLPK builds its model (the peak memory of the largest
 * companies). Plain tasks and two counters make the graph (a join spawns
 * what follows when its last input is done): libgomp's task dependences
 * keep a table LeakSanitizer saw leak. Every task computes the same thing
 * whatever the thread that runs it and whenever, so the results do not
 * depend on the thread count. The threading boundary: no task touches
 * SQLite, cJSON or I/O; the tasks of a track write only that track
 * (shadowing reads mentoring's pairs once they are final); messages go to
 * diag (safe from two threads) or, solving ahead, to a scratch of its own.
 * GLPK runs in two tasks at once only when each thread has its own
 * environment (solve_glpk_per_thread); otherwise its tasks take turns.
 * Heavy tracks (MATCH_HEAVY_PAIRS) take turns at their slot values.
 */
typedef struct graph {
    match_result *r;
    mm_diag *diag, *scratch;
    const match_then *then;
    bool ahead, shared; /* shared: one GLPK environment for the process */
    int to_sha;         /* of mentoring's optimum and shadowing ahead, those not done */
    int to_both;        /* of shadowing's optimum and then->mentoring, those not done */
    int rc_men, rc_men_after, rc_men_prove, rc_ahead, rc_sha, rc_sha_prove, rc_sha_after;
    int rc_then_men, rc_then;
} graph;

/* A step that may call GLPK: alone, when the process has one GLPK environment. */
#define GLPK_STEP(g, stmt)                                                                    \
    do {                                                                                      \
        if ((g)->shared) {                                                                    \
            _Pragma("omp critical(mm_glpk)") stmt;                                            \
        } else {                                                                              \
            stmt;                                                                             \
        }                                                                                     \
    } while (0)

/* One input of a join done: the last one runs next(g). seq_cst: what the
   other inputs wrote before their turn (their return codes) is seen. */
static void join(graph *g, int *waiting, void (*next)(graph *))
{
    int left;
#pragma omp atomic capture seq_cst
    left = --*waiting;
    if (left == 0)
        next(g);
}

static void both_pairs(graph *g)
{
    match_result *r = g->r;
    if (g->then && g->then->both && g->rc_men == MM_OK && g->rc_sha == MM_OK &&
        g->rc_then_men == MM_OK)
        g->rc_then = g->then->both(g->then->ctx, r);
}

/* Shadowing's solve, and mentoring's pairs to the caller: both may start. */
static void start_shadowing(graph *g)
{
    match_result *r = g->r;
    match_track *sha = &r->t[TRACK_SHADOWING];
#pragma omp task
    {
        if (sha->enabled && g->rc_men == MM_OK)
            GLPK_STEP(g, g->rc_sha = g->ahead && !sha->set_up ? g->rc_ahead
                                                               : solve_one(r, sha, g->diag));
        if (sha->enabled && g->rc_men == MM_OK && g->rc_sha == MM_OK) {
            /* the reasons and slot values first, the longer of the two (at a
               million about 4 s against the proof's 1.5-2 s): the tasks are
               taken in the order made, by whichever thread comes free first
               (this one after placing the shadowing sessions) */
#pragma omp task
            GLPK_STEP(g, g->rc_sha_after = track_after(r, sha, g->diag));
#pragma omp task
            GLPK_STEP(g, g->rc_sha_prove = track_prove(sha, g->diag));
        }
        join(g, &g->to_both, both_pairs);
    }
#pragma omp task
    {
        if (g->then && g->then->mentoring && g->rc_men == MM_OK)
            g->rc_then_men = g->then->mentoring(g->then->ctx, r);
        join(g, &g->to_both, both_pairs);
    }
}

int match_solve_then(match_result *r, mm_diag *diag, const match_then *then)
{
    match_track *men = &r->t[TRACK_MENTORING], *sha = &r->t[TRACK_SHADOWING];
    graph g = {.r = r, .diag = diag, .then = then, .to_sha = 2, .to_both = 2};
    g.ahead = men->enabled && sha->enabled && !r->cfg->fairness.enforce;
    g.shared = !solve_glpk_per_thread();
    int nt = r->threads > 0 ? r->threads : omp_get_max_threads();
    if (g.ahead && !(g.scratch = mm_diag_new(4)))
        return mm_diag_error(diag, MM_ENOMEM, NULL, 0, 0, "solve: out of memory");
#pragma omp parallel num_threads(nt > 1 ? 2 : 1)
#pragma omp single
    {
#pragma omp task
        {
            if (men->enabled)
                GLPK_STEP(&g, g.rc_men = solve_one(r, men, diag));
            join(&g, &g.to_sha, start_shadowing); /* first: the longer way on */
            if (men->enabled && g.rc_men == MM_OK) {
#pragma omp task
                {
                    GLPK_STEP(&g, g.rc_men_after = track_after(r, men, diag));
                    GLPK_STEP(&g, g.rc_men_prove = track_prove(men, diag));
                }
            }
        }
#pragma omp task
        {
            if (g.ahead)
                g.rc_ahead = solve_ahead(r, sha, g.scratch);
            join(&g, &g.to_sha, start_shadowing);
        }
    }
    mm_diag_free(g.scratch);
    /* the first failure in the graph's order (a failed ahead solve costs
       only its head start, unless it ran out of memory) */
    if (g.ahead && g.rc_ahead == MM_ENOMEM && g.rc_men == MM_OK)
        return mm_diag_error(diag, MM_ENOMEM, NULL, 0, 0, "solve: out of memory");
    int rcs[] = {g.rc_men, g.rc_men_after, g.rc_men_prove, g.rc_then_men,
                 g.rc_sha, g.rc_sha_prove, g.rc_sha_after, g.rc_then};
    for (size_t i = 0; i < sizeof rcs / sizeof rcs[0]; i++)
        if (rcs[i] != MM_OK)
            return rcs[i];
    return MM_OK;
}

int match_solve(match_result *r, mm_diag *diag)
{
    return match_solve_then(r, diag, NULL);
}

/* ---- explanations -------------------------------------------------------- */

static void describe(const match_result *r, const match_track *mt, int32_t l, reason why,
                     char *buf, size_t size)
{
    const mm_config *cfg = r->cfg;
    const char *who = track_partner[mt->track];
    size_t eligible = mt->cands.eligible[l];
    switch (why) {
    case REASON_NO_GOAL_FOR_TRACK:
        snprintf(buf, size, "no learning goal on the %s track", track_name(mt->track));
        break;
    case REASON_NO_PARTNER_COVERS_GOAL:
        snprintf(buf, size, "no %s has a goal's skill at the target level and above the learner's",
                 who);
        break;
    case REASON_GRADE_GAP:
        snprintf(buf, size, "every %s covering a goal is fewer than %d grades above the learner",
                 who, (int)(mt->track == TRACK_MENTORING ? cfg->mentoring.min_grade_gap : 0));
        break;
    case REASON_EXCLUDED:
        snprintf(buf, size,
                 eligible ? "the only eligible %s is the learner's mentor"
                          : "every remaining %s is excluded (manager chain, peers, department "
                            "policy or exclusions.csv)",
                 who);
        break;
    case REASON_REPEAT_COOLDOWN:
        snprintf(buf, size, "every remaining %s met the learner in this quarter or the %d before",
                 who, (int)cfg->mentoring.repeat_cooldown_quarters);
        break;
    case REASON_NO_AVAILABILITY_OVERLAP:
        snprintf(buf, size, "no remaining %s shares %d minutes of weekly availability", who,
                 (int)(mt->track == TRACK_MENTORING ? cfg->mentoring.session_minutes
                                                    : cfg->shadowing.session_minutes));
        break;
    default:
        snprintf(buf, size, "%zu eligible %ss, all at capacity in the optimum", eligible, who);
        break;
    }
}

static int explain_track(match_result *r, match_track *mt)
{
    size_t n = r->model->n_emps;
    uint8_t *has = calloc(n + 1, 1);
    mt->unmatched = calloc(mt->learners + 1, sizeof *mt->unmatched);
    mt->alts = calloc(mt->learners + 1, sizeof *mt->alts);
    if (!has || !mt->unmatched || !mt->alts) {
        free(has);
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < mt->n_pairs; i++)
        has[mt->pairs[i].learner] = 1;
    for (size_t l = 0; l < n; l++) {
        int8_t why = mt->cands.reason[l];
        if (why < 0)
            continue;
        if (!has[l]) {
            match_unmatched *u = &mt->unmatched[mt->n_unmatched++];
            u->learner = (int32_t)l;
            if (why == REASON_ELIGIBLE)
                why = mt->arc_first[l + 1] > mt->arc_first[l] ? REASON_CAPACITY : REASON_EXCLUDED;
            u->reason = why;
            describe(r, mt, (int32_t)l, (reason)why, u->detail, sizeof u->detail);
        }
        /* alternatives: the best partners not chosen, score desc, then id */
        match_alternatives alt = {(int32_t)l, 0, {0}, {0}};
        for (size_t i = mt->arc_first[l]; i < mt->arc_first[l + 1]; i++) {
            if (mt->sol.chosen[i])
                continue;
            const candidate *c = &mt->arcs[i];
            int32_t k = alt.n < MATCH_MAX_ALTERNATIVES ? alt.n++ : MATCH_MAX_ALTERNATIVES;
            /* insert c (arcs come in partner order, so ties keep id order) */
            while (k > 0 && alt.score[k - 1] < c->score) {
                if (k < MATCH_MAX_ALTERNATIVES) {
                    alt.score[k] = alt.score[k - 1];
                    alt.partner[k] = alt.partner[k - 1];
                }
                k--;
            }
            if (k < MATCH_MAX_ALTERNATIVES) {
                alt.score[k] = c->score;
                alt.partner[k] = c->partner;
            }
        }
        if (alt.n)
            mt->alts[mt->n_alts++] = alt;
    }
    free(has);
    return MM_OK;
}

typedef struct slot_rank {
    int32_t partner;
    int32_t demand; /* unmatched learners with an arc to the partner */
    double dual;
} slot_rank;

static int cmp_slot_rank(const void *pa, const void *pb)
{
    const slot_rank *a = pa, *b = pb;
    if (a->demand != b->demand)
        return a->demand > b->demand ? -1 : 1;
    if (a->dual != b->dual)
        return a->dual > b->dual ? -1 : 1;
    return (a->partner > b->partner) - (a->partner < b->partner);
}

static int cmp_slot_value(const void *pa, const void *pb)
{
    const match_slot_value *a = pa, *b = pb;
    if (a->extra_matches != b->extra_matches)
        return a->extra_matches > b->extra_matches ? -1 : 1;
    if (a->score_gain != b->score_gain)
        return a->score_gain > b->score_gain ? -1 : 1;
    return (a->partner > b->partner) - (a->partner < b->partner);
}

/* Which full partners' one extra slot would bring the most: ranked by the
   unmatched demand on them and their capacity dual, then re-solved exactly. */
static int slot_values(match_result *r, match_track *mt, mm_diag *diag)
{
    size_t n = r->model->n_emps;
    int rc = MM_OK;
    /* a slot's value is a difference of two optima: without a proven
       optimum (a MIP stopped by its time limit) there is none to report;
       the network's is exact (its proof may be running meanwhile) */
    if (!mt->sol.network && strcmp(mt->sol.status, "optimal") != 0)
        return MM_OK;
    slot_rank *rank = calloc(n + 1, sizeof *rank);
    int32_t *demand = calloc(n + 1, sizeof *demand);
    int32_t partners[MATCH_MAX_SLOT_VALUES];
    int64_t extra[MATCH_MAX_SLOT_VALUES], gain[MATCH_MAX_SLOT_VALUES];
    if (!rank || !demand) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t u = 0; u < mt->n_unmatched; u++) {
        int32_t l = mt->unmatched[u].learner;
        for (size_t i = mt->arc_first[l]; i < mt->arc_first[l + 1]; i++)
            demand[mt->arcs[i].partner]++;
    }
    size_t k = 0;
    for (size_t e = 0; e < n; e++) {
        if (mt->partner_cap[e] <= 0 || mt->load[e] < mt->partner_cap[e])
            continue;
        rank[k].partner = (int32_t)e;
        rank[k].demand = demand[e];
        rank[k].dual = mt->sol.network_dual   ? mt->sol.network_dual[e]
                       : mt->sol.partner_dual ? fabs(mt->sol.partner_dual[e])
                                              : 0;
        if (rank[k].demand > 0 || rank[k].dual > 1e-9)
            k++;
    }
    qsort(rank, k, sizeof *rank, cmp_slot_rank);
    /* with fairness enforced every slot is a MIP of its own: the few most
       demanded partners, each with a share of the time limit */
    solve_problem prob = mt->prob;
    size_t most = prob.n_fair > 0 ? MATCH_MAX_FAIR_SLOT_VALUES : MATCH_MAX_SLOT_VALUES;
    if (prob.n_fair > 0)
        prob.time_limit_s /= 2.0 * MATCH_MAX_FAIR_SLOT_VALUES;
    size_t m = k < most ? k : most;
    for (size_t i = 0; i < m; i++)
        partners[i] = rank[i].partner;
    if (m && mt->sol.network)
        rc = solve_slot_values_at(&mt->sol, partners, m, extra, gain, diag);
    else if (m)
        rc = solve_slot_values(&prob, partners, m, extra, gain, diag);
    solve_network_free(&mt->sol); /* the optimum kept for this, often the largest thing held */
    if (rc != MM_OK)
        goto done;
    for (size_t i = 0; i < m; i++) {
        if (extra[i] <= 0 && gain[i] <= 0)
            continue;
        mt->slots[mt->n_slots++] = (match_slot_value){partners[i], extra[i], gain[i]};
    }
    qsort(mt->slots, mt->n_slots, sizeof mt->slots[0], cmp_slot_value);
done:
    free(rank);
    free(demand);
    return rc;
}

static int cmp_str_ptr(const void *pa, const void *pb)
{
    const char *const *a = *(const char *const *const *)pa;
    const char *const *b = *(const char *const *const *)pb;
    return strcmp(*a, *b);
}

typedef struct supply_row {
    match_supply s;
    int32_t name_rank;
} supply_row;

static int cmp_supply_row(const void *pa, const void *pb)
{
    const supply_row *a = pa, *b = pb;
    if (a->s.learners != b->s.learners)
        return a->s.learners > b->s.learners ? -1 : 1;
    return (a->name_rank > b->name_rank) - (a->name_rank < b->name_rank);
}

/* Per goal skill: learners asking, and mentors and hosts who cover at least
   one of their goals: level >= min over askers of max(target, level + 1). */
static int supply(match_result *r)
{
    const mm_model *m = r->model;
    size_t ns = m->n_skills;
    int rc = MM_OK;
    int32_t *need = malloc((ns + 1) * sizeof *need);
    supply_row *rows = calloc(ns + 1, sizeof *rows);
    const char *const **order = malloc((ns + 1) * sizeof *order);
    if (!need || !rows || !order) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < ns; k++) {
        need[k] = 6;
        rows[k].s.skill = (int32_t)k;
        order[k] = &m->skill_names[k];
    }
    qsort(order, ns, sizeof *order, cmp_str_ptr);
    for (size_t k = 0; k < ns; k++)
        rows[order[k] - m->skill_names].name_rank = (int32_t)k;
    for (size_t e = 0; e < m->n_emps; e++) {
        if (!(m->emps[e].roles & ROLE_LEARNER))
            continue;
        const model_goal_row *g = model_emp_goals(m, (int32_t)e);
        for (uint32_t i = 0; i < m->emps[e].goal_count; i++) {
            int32_t s = g[i].g.skill;
            int32_t lvl = model_level(m, (int32_t)e, s);
            int32_t req = g[i].g.target > lvl + 1 ? g[i].g.target : lvl + 1;
            rows[s].s.learners++;
            if (req < need[s])
                need[s] = req;
        }
    }
    for (size_t e = 0; e < m->n_emps; e++) {
        const model_employee *emp = &m->emps[e];
        bool mentor = (emp->roles & ROLE_MENTOR) && emp->mentor_capacity > 0;
        bool host = (emp->roles & ROLE_HOST) && emp->host_capacity > 0;
        if (!mentor && !host)
            continue;
        const model_skill_row *sk = model_emp_skills(m, (int32_t)e);
        for (uint32_t i = 0; i < emp->skill_count; i++) {
            int32_t s = sk[i].s.skill;
            if (rows[s].s.learners == 0 || sk[i].s.level < need[s])
                continue;
            rows[s].s.mentors += mentor;
            rows[s].s.hosts += host;
        }
    }
    qsort(rows, ns, sizeof *rows, cmp_supply_row);
    r->supply = calloc(ns + 1, sizeof *r->supply);
    if (!r->supply) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < ns && rows[k].s.learners > 0; k++)
        r->supply[r->n_supply++] = rows[k].s;
done:
    free(need);
    free(rows);
    free(order);
    return rc;
}

static int cmp_i32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

/* Gini coefficient of mentor load over the mentors available. */
static int load_gini(const match_result *r, double *gini)
{
    const mm_model *m = r->model;
    const match_track *mt = &r->t[TRACK_MENTORING];
    size_t n = 0;
    int32_t *x = malloc((m->n_emps + 1) * sizeof *x);
    if (!x)
        return MM_ENOMEM;
    for (size_t e = 0; e < m->n_emps; e++)
        if ((m->emps[e].roles & ROLE_MENTOR) && m->emps[e].mentor_capacity > 0)
            x[n++] = mt->load ? mt->load[e] : 0;
    qsort(x, n, sizeof *x, cmp_i32);
    double sum = 0, weighted = 0;
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        weighted += (double)(i + 1) * x[i];
    }
    free(x);
    *gini = n == 0 || sum == 0
                ? 0
                : (2.0 * weighted) / ((double)n * sum) - ((double)n + 1.0) / (double)n;
    return MM_OK;
}

static int fairness(match_result *r)
{
    const mm_model *m = r->model;
    const mm_config *cfg = r->cfg;
    match_fairness *f = &r->fair;
    size_t n = m->n_emps;
    int32_t na = cfg->fairness.n_attributes;
    size_t total_groups = 0;
    for (int32_t a = 0; a < na; a++)
        total_groups += (size_t)r->n_groups[a] * TRACK_COUNT;
    f->attrs = calloc((size_t)na * TRACK_COUNT + 1, sizeof *f->attrs);
    fair_group *groups = calloc(total_groups + 1, sizeof *groups);
    double *score_block = calloc(total_groups + 1, sizeof *score_block);
    double *score_sum = score_block;
    int64_t *sess_block = calloc(total_groups + 1, sizeof *sess_block);
    int64_t *sess_next = sess_block;
    int32_t *sessions = calloc(n + 1, sizeof *sessions);
    int64_t *score_of = calloc(n + 1, sizeof *score_of);
    if (!f->attrs || !groups || !score_block || !sess_block || !sessions || !score_of) {
        free(sess_block);
        free(groups);
        free(score_block);
        free(sessions);
        free(score_of);
        return MM_ENOMEM;
    }
    f->group_block = groups;
    f->enforced = cfg->fairness.enforce;
    for (int t = 0; t < TRACK_COUNT; t++) {
        const match_track *mt = &r->t[t];
        if (!mt->enabled)
            continue;
        memset(sessions, 0, n * sizeof *sessions);
        memset(score_of, 0, n * sizeof *score_of);
        for (size_t i = 0; i < mt->n_pairs; i++) {
            sessions[mt->pairs[i].learner]++;
            score_of[mt->pairs[i].learner] += mt->pairs[i].score;
        }
        for (int32_t a = 0; a < na; a++) {
            fair_attr *fa = &f->attrs[f->n_attrs++];
            fa->name = cfg->fairness.attributes[a];
            fa->track = t;
            fa->groups = groups;
            fa->n_groups = (size_t)r->n_groups[a];
            groups += fa->n_groups;
            int64_t *scored_sessions = sess_next;
            sess_next += fa->n_groups;
            for (size_t g = 0; g < fa->n_groups; g++)
                fa->groups[g].name = r->group_names[a][g];
            double *ssum = score_sum;
            score_sum += fa->n_groups;
            for (size_t e = 0; e < n; e++) {
                if (mt->cands.reason[e] <= REASON_NO_GOAL_FOR_TRACK)
                    continue; /* only learners who asked for the track */
                fair_group *g = &fa->groups[r->group_of[a][e]];
                g->learners++;
                if (sessions[e]) {
                    g->matched++;
                    ssum[r->group_of[a][e]] += (double)score_of[e];
                    scored_sessions[r->group_of[a][e]] += sessions[e];
                }
            }
            double best = 0, worst = INFINITY;
            size_t shown = 0;
            for (size_t g = 0; g < fa->n_groups; g++) {
                fair_group *gr = &fa->groups[g];
                gr->suppressed = gr->learners < cfg->fairness.min_group_size;
                gr->selection_rate = gr->learners ? (double)gr->matched / gr->learners : 0;
                gr->mean_score = scored_sessions[g] ? ssum[g] / (double)scored_sessions[g] : 0;
                if (gr->suppressed || gr->learners == 0)
                    continue;
                shown++;
                if (gr->selection_rate > best)
                    best = gr->selection_rate;
                if (gr->selection_rate < worst)
                    worst = gr->selection_rate;
            }
            for (size_t g = 0; g < fa->n_groups; g++) {
                fair_group *gr = &fa->groups[g];
                if (gr->suppressed || gr->learners == 0)
                    continue;
                gr->impact_ratio = best > 0 ? gr->selection_rate / best : 1;
                gr->flagged = gr->impact_ratio < cfg->fairness.min_impact_ratio - 1e-12;
                double missing = best * gr->learners - gr->matched;
                gr->shortfall = missing > 1e-9 ? (int32_t)ceil(missing - 1e-9) : 0;
            }
            fa->dp_difference = shown >= 2 ? best - worst : NAN;
            fa->dp_ratio = shown >= 2 ? (best > 0 ? worst / best : 1) : NAN;
        }
        if (f->enforced) {
            f->learners_with[t] = mt->sol.learners;
            f->score_with[t] = mt->sol.total_score;
            f->learners_without[t] = mt->sol.unfair_learners;
            f->score_without[t] = mt->sol.unfair_total_score;
        }
    }
    free(score_block);
    free(sess_block);
    free(sessions);
    free(score_of);

    /* mentor load, cross-department pairs, mentors used per department */
    if (load_gini(r, &f->mentor_load_gini) != MM_OK)
        return MM_ENOMEM;
    size_t pairs = 0, cross = 0;
    for (int t = 0; t < TRACK_COUNT; t++)
        for (size_t i = 0; i < r->t[t].n_pairs; i++) {
            pairs++;
            cross += r->t[t].pairs[i].features[FEATURE_CROSS_DEPARTMENT] > 0.5;
        }
    f->cross_department_share = pairs ? (double)cross / (double)pairs : 0;
    f->mentors_by_dept = calloc(m->n_depts + 1, sizeof *f->mentors_by_dept);
    if (!f->mentors_by_dept)
        return MM_ENOMEM;
    f->n_depts = m->n_depts;
    for (size_t d = 0; d < m->n_depts; d++)
        f->mentors_by_dept[d].dept = (int32_t)d;
    const match_track *mt = &r->t[TRACK_MENTORING];
    for (size_t e = 0; e < n; e++) {
        if (!(m->emps[e].roles & ROLE_MENTOR) || m->emps[e].mentor_capacity <= 0)
            continue;
        fair_dept_use *u = &f->mentors_by_dept[m->emps[e].dept];
        u->available++;
        u->used += mt->load && mt->load[e] > 0;
    }
    return MM_OK;
}

/* Both tracks at once when there are two threads and both slot values
   re-solve a kept network (no GLPK): each track reads only its own solve,
   so the results do not depend on the order. */
int match_explain(match_result *r, mm_diag *diag)
{
    (void)diag;
    int rc = supply(r);
    if (rc == MM_OK)
        rc = fairness(r);
    return rc;
}
