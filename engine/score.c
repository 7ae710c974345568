/*
 * score.c - eligibility (SPEC section 4, hard rules) and the integer score.
 *
 * Two ways to the same answers:
 *  - score_track, for all pairs of a track at once: a context of flat
 *    per-employee arrays (grades, departments, manager chains, exclusion
 *    and recent-history sets as sorted slices, preference slices) and an
 *    inverted index skill -> partners by level, so a learner only visits
 *    the partners that cover one of its goals; everything else fails the
 *    first rule and cannot move the learner's reason past it. Learners are
 *    processed in fixed blocks (OpenMP, dynamic over blocks, one output
 *    buffer per block), and the blocks are concatenated in order, so the
 *    output does not depend on the number of threads.
 *  - score_check_pair and score_features, for one pair: straight from the
 *    model, no precomputation.
 * Both compute a pair's features from the same integer facts (pair_facts)
 * and the same formulas (facts_score), so the numbers agree to the bit.
 *
 * Interpretations of the spec written down here:
 *  - Outside the rule list proper: a learner not on the track breaks
 *    REASON_NO_GOAL_FOR_TRACK; a partner without the role or capacity of
 *    the track (or L itself) is no partner and counts as not covering a
 *    goal (REASON_NO_PARTNER_COVERS_GOAL).
 *  - The cooldown counts a meeting in either direction (L was M's learner
 *    or M was L's): "the pair met". History rows after the run's quarter
 *    do not count.
 *  - The cover rule and the skill feature use L's goals on the track
 *    (track or "any").
 *  - A learner's reason is the furthest rule any partner reached, which is
 *    the first rule that leaves no partner.
 */
#include "score.h"

#include <assert.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *const reason_names[REASON_COUNT] = {
    "no_goal_for_track", "no_partner_covers_goal", "grade_gap",
    "excluded",          "repeat_cooldown",        "no_availability_overlap",
    "eligible",          "capacity",
};

/* ---- the track's settings ------------------------------------------------ */

typedef struct track_params {
    int32_t track;
    uint32_t role;      /* ROLE_MENTOR or ROLE_HOST */
    int32_t min_gap;    /* grade(M) - grade(L) >= min_gap */
    int32_t session;    /* minutes, >= 1 */
    int32_t quarter_lo; /* history in [quarter_lo, quarter_hi] bans a repeat */
    int32_t quarter_hi;
} track_params;

static track_params params_of(const mm_config *cfg, int32_t track)
{
    track_params p;
    p.track = track;
    p.role = track == TRACK_MENTORING ? ROLE_MENTOR : ROLE_HOST;
    p.min_gap = track == TRACK_MENTORING ? cfg->mentoring.min_grade_gap : 0;
    p.session = track == TRACK_MENTORING ? cfg->mentoring.session_minutes
                                         : cfg->shadowing.session_minutes;
    if (p.session < 1)
        p.session = 1;
    p.quarter_hi = quarter_of_days(cfg->quarter.start);
    int32_t cooldown = cfg->mentoring.repeat_cooldown_quarters;
    p.quarter_lo = p.quarter_hi - (cooldown > 0 ? cooldown : 0);
    return p;
}

static bool on_track(int32_t row_track, int32_t track)
{
    return row_track == track || row_track == TRACK_ANY;
}

static bool is_partner(const model_employee *e, const track_params *p)
{
    int32_t cap = p->role == ROLE_MENTOR ? e->mentor_capacity : e->host_capacity;
    return (e->roles & p->role) && cap > 0;
}

/* -1 when e is not a learner on the track, REASON_NO_GOAL_FOR_TRACK when a
   learner without any goal, REASON_ELIGIBLE when a learner on the track. */
static int learner_status(const mm_model *m, int32_t e, int32_t track)
{
    int status = -1;
    const model_employee *emp = &m->emps[e];
    if (!(emp->roles & ROLE_LEARNER))
        goto done;
    if (emp->goal_count == 0) {
        status = REASON_NO_GOAL_FOR_TRACK;
        goto done;
    }
    const model_goal_row *g = model_emp_goals(m, e);
    for (uint32_t k = 0; k < emp->goal_count; k++) {
        if (on_track(g[k].g.track, track)) {
            status = REASON_ELIGIBLE;
            goto done;
        }
    }
done:
    return status;
}

/* ---- features ------------------------------------------------------------ */

/* Skill progress of one goal in 60ths: min(1, d / den) with d, den <= 5 is a
   whole number of 60ths, so sums of them are exact integers. */
#define SKILL_UNIT 60

static int64_t goal_units(int32_t level_l, int32_t level_m, int32_t target)
{
    int32_t d = level_m - level_l > 0 ? level_m - level_l : 0;
    int32_t den = target - level_l > 1 ? target - level_l : 1;
    int64_t u = (int64_t)SKILL_UNIT * d / den;
    return u < SKILL_UNIT ? u : SKILL_UNIT;
}

static bool goal_covered(int32_t level_l, int32_t level_m, int32_t target)
{
    return level_m >= target && level_m > level_l;
}

/* Everything a pair's features are made of, as integers. */
typedef struct pair_facts {
    int64_t skill_num, skill_den; /* skill = num / den; den 0 when no goal */
    int32_t overlap;              /* minutes */
    int32_t session;              /* minutes, >= 1 */
    bool cross_department;
    int32_t gap, ideal_gap;       /* grade(M) - grade(L), ideal_max_grade_gap */
    int32_t tz_diff;              /* |offset(L) - offset(M)| in minutes */
    int32_t rank;                 /* preference rank, 0 when none */
} pair_facts;

/* The features of SPEC section 4, each a single division of exact integers
   (so it is the double nearest the true value), and the score. */
static int32_t facts_score(const mm_config *cfg, const pair_facts *p, double f[FEATURE_COUNT])
{
    f[FEATURE_SKILL] = p->skill_den > 0 ? (double)p->skill_num / (double)p->skill_den : 0.0;
    int64_t twice = 2 * (int64_t)p->session;
    f[FEATURE_AVAILABILITY] = p->overlap >= twice ? 1.0 : (double)p->overlap / (double)twice;
    f[FEATURE_CROSS_DEPARTMENT] = p->cross_department ? 1.0 : 0.0;
    int32_t excess = p->gap - p->ideal_gap;
    f[FEATURE_SENIORITY] = excess <= 0 ? 1.0 : excess >= 4 ? 0.0 : (double)(4 - excess) / 4.0;
    f[FEATURE_TIMEZONE] = p->tz_diff >= 720 ? 0.0 : (double)(720 - p->tz_diff) / 720.0;
    f[FEATURE_PREFERENCE] = p->rank > 0 ? 1.0 / (double)p->rank : 0.0;
    return score_combine(cfg->weights, f);
}

/*
 * Half away from zero. The true value is a rational with a small
 * denominator; the double computed is within about 1e-12 of it, so a value
 * within SCORE_HALF_EPS of a half is a half (e.g. 777.49999999999989 from
 * 15 * 62/120 is 777.5 and rounds to 778).
 */
#define SCORE_HALF_EPS 1e-9

int32_t score_combine(const double weights[FEATURE_COUNT], const double f[FEATURE_COUNT])
{
    int32_t score = 0;
    double num = 0.0, den = 0.0;
    for (int k = 0; k < FEATURE_COUNT; k++) {
        num += weights[k] * f[k];
        den += weights[k];
    }
    if (!(den > 0.0))
        goto done;
    double x = 1000.0 * num / den;
    double a = fabs(x);
    double r = floor(a);
    if (a - r >= 0.5 - SCORE_HALF_EPS)
        r += 1.0;
    if (x < 0)
        r = -r;
    score = r < 0.0 ? 0 : r > 1000.0 ? 1000 : (int32_t)r;
done:
    return score;
}

/* Lowest rank L gave M in L's slice of preferences (sorted by rank), 0 when none. */
static int32_t rank_in(const model_preference *p, size_t n, int32_t partner)
{
    int32_t rank = 0;
    for (size_t k = 0; k < n; k++) {
        if (p[k].partner == partner) {
            rank = p[k].rank;
            break;
        }
    }
    return rank;
}

static int32_t abs_diff(int32_t a, int32_t b) { return a > b ? a - b : b - a; }

static bool valid_emp(const mm_model *m, int32_t e) { return e >= 0 && (size_t)e < m->n_emps; }

/* ---- one pair, straight from the model --------------------------------- */

/* First index in m->prefs with learner >= e. */
static size_t prefs_lower_bound(const mm_model *m, int32_t e)
{
    size_t lo = 0, hi = m->n_prefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->prefs[mid].learner < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void direct_facts(const mm_model *m, const mm_config *cfg, const tz_week *week,
                         const track_params *tp, int32_t l, int32_t p, pair_facts *f)
{
    const model_employee *el = &m->emps[l], *ep = &m->emps[p];
    memset(f, 0, sizeof *f);
    const model_goal_row *g = model_emp_goals(m, l);
    for (uint32_t k = 0; k < el->goal_count; k++) {
        if (!on_track(g[k].g.track, tp->track))
            continue;
        int32_t s = g[k].g.skill;
        f->skill_num += g[k].g.priority *
                        goal_units(model_level(m, l, s), model_level(m, p, s), g[k].g.target);
        f->skill_den += (int64_t)SKILL_UNIT * g[k].g.priority;
    }
    f->overlap = tz_week_overlap(week, l, p);
    f->session = tp->session;
    f->cross_department = el->dept != ep->dept;
    f->gap = ep->grade - el->grade;
    f->ideal_gap = cfg->mentoring.ideal_max_grade_gap;
    f->tz_diff = abs_diff(tz_week_offset(week, l), tz_week_offset(week, p));
    size_t first = prefs_lower_bound(m, l), last = first;
    while (last < m->n_prefs && m->prefs[last].learner == l)
        last++;
    f->rank = rank_in(m->prefs + first, last - first, p);
}

/* a is b's manager, or a manager above that, up to `levels` levels. */
static bool manages(const mm_model *m, int32_t a, int32_t b, int32_t levels)
{
    bool found = false;
    int32_t x = m->emps[b].manager;
    for (int32_t k = 0; k < levels && valid_emp(m, x); k++, x = m->emps[x].manager) {
        if (x == a) {
            found = true;
            break;
        }
    }
    return found;
}

static bool excluded_row(const mm_model *m, int32_t a, int32_t b)
{
    size_t lo = 0, hi = m->n_exclusions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const model_exclusion *x = &m->exclusions[mid];
        if (x->a < a || (x->a == a && x->b < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n_exclusions && m->exclusions[lo].a == a && m->exclusions[lo].b == b;
}

static bool direct_excluded(const mm_model *m, const mm_config *cfg, int32_t l, int32_t p)
{
    const model_employee *el = &m->emps[l], *ep = &m->emps[p];
    int32_t levels = cfg->mentoring.exclude_manager_levels;
    return manages(m, p, l, levels) || manages(m, l, p, levels) ||
           (cfg->mentoring.exclude_peers && el->manager >= 0 && el->manager == ep->manager) ||
           (!cfg->mentoring.allow_same_department && el->dept == ep->dept) ||
           excluded_row(m, l, p) || excluded_row(m, p, l);
}

/* A history row learner = a, partner = b counts against the run. */
static bool met_rows(const mm_model *m, const track_params *tp, int32_t a, int32_t b)
{
    size_t lo = 0, hi = m->n_history;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const model_history *h = &m->history[mid];
        if (h->learner < a || (h->learner == a && h->partner < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    bool met = false;
    for (; lo < m->n_history && m->history[lo].learner == a && m->history[lo].partner == b; lo++) {
        const model_history *h = &m->history[lo];
        if (on_track(h->track, tp->track) && h->quarter >= tp->quarter_lo &&
            h->quarter <= tp->quarter_hi) {
            met = true;
            break;
        }
    }
    return met;
}

static bool direct_covers(const mm_model *m, int32_t track, int32_t l, int32_t p)
{
    bool covers = false;
    const model_goal_row *g = model_emp_goals(m, l);
    for (uint32_t k = 0; k < m->emps[l].goal_count && !covers; k++) {
        int32_t s = g[k].g.skill;
        covers = on_track(g[k].g.track, track) &&
                 goal_covered(model_level(m, l, s), model_level(m, p, s), g[k].g.target);
    }
    return covers;
}

reason score_check_pair(const mm_model *m, const mm_config *cfg, const tz_week *week,
                        int32_t track, int32_t learner, int32_t partner)
{
    track_params tp = params_of(cfg, track);
    reason r = REASON_NO_GOAL_FOR_TRACK;
    if (!valid_emp(m, learner) || learner_status(m, learner, track) != REASON_ELIGIBLE)
        goto done;
    r = REASON_NO_PARTNER_COVERS_GOAL;
    if (!valid_emp(m, partner) || partner == learner || !is_partner(&m->emps[partner], &tp) ||
        !direct_covers(m, track, learner, partner))
        goto done;
    r = REASON_GRADE_GAP;
    if (m->emps[partner].grade - m->emps[learner].grade < tp.min_gap)
        goto done;
    r = REASON_EXCLUDED;
    if (direct_excluded(m, cfg, learner, partner))
        goto done;
    r = REASON_REPEAT_COOLDOWN;
    if (met_rows(m, &tp, learner, partner) || met_rows(m, &tp, partner, learner))
        goto done;
    r = REASON_NO_AVAILABILITY_OVERLAP;
    if (tz_week_overlap(week, learner, partner) < tp.session)
        goto done;
    r = REASON_ELIGIBLE;
done:
    return r;
}

int32_t score_features(const mm_model *m, const mm_config *cfg, const tz_week *week,
                       int32_t track, int32_t learner, int32_t partner,
                       double features[FEATURE_COUNT])
{
    track_params tp = params_of(cfg, track);
    pair_facts f;
    assert(valid_emp(m, learner) && valid_emp(m, partner));
    direct_facts(m, cfg, week, &tp, learner, partner, &f);
    return facts_score(cfg, &f, features);
}

/* ---- all pairs: the context ---------------------------------------------- */

/* Sorts a[0..n) ascending: quicksort (median of three, Hoare partition,
   recursion on the smaller side) with insertion sort for short ranges. */
static void sort_i32(int32_t *a, size_t n)
{
    while (n > 16) {
        size_t mid = n / 2;
        int32_t x = a[0], y = a[mid], z = a[n - 1];
        size_t med = (x < y) ? (y < z ? mid : (x < z ? n - 1 : 0))
                             : (x < z ? 0 : (y < z ? n - 1 : mid));
        int32_t pivot = a[med];
        a[med] = a[0];
        a[0] = pivot;
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            int32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* [0, j] <= pivot <= [j + 1, n), both non-empty */
        size_t left = j + 1;
        if (left < n - left) {
            sort_i32(a, left);
            a += left;
            n -= left;
        } else {
            sort_i32(a + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        int32_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static bool contains(const int32_t *a, size_t n, int32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == x;
}

/* A symmetric relation as sorted per-employee slices: e's partners are
   list[first[e] .. first[e+1]). */
typedef struct csr {
    size_t *first;
    int32_t *list;
} csr;

static void csr_free(csr *c)
{
    free(c->first);
    free(c->list);
}

/* From np pairs ab[2k], ab[2k+1] (both directions); MM_OK or MM_ENOMEM. */
static int csr_build(size_t n, const int32_t *ab, size_t np, csr *out)
{
    int rc = MM_ENOMEM;
    out->first = calloc(n + 2, sizeof *out->first);
    out->list = np <= SIZE_MAX / 4 / sizeof *out->list
                    ? malloc((np ? np : 1) * 2 * sizeof *out->list)
                    : NULL;
    if (!out->first || !out->list)
        goto done;
    for (size_t k = 0; k < 2 * np; k++)
        out->first[ab[k] + 2]++;
    for (size_t e = 0; e < n; e++)
        out->first[e + 2] += out->first[e + 1];
    for (size_t k = 0; k < np; k++) {
        out->list[out->first[ab[2 * k] + 1]++] = ab[2 * k + 1];
        out->list[out->first[ab[2 * k + 1] + 1]++] = ab[2 * k];
    }
    for (size_t e = 0; e < n; e++)
        sort_i32(out->list + out->first[e], out->first[e + 1] - out->first[e]);
    rc = MM_OK;
done:
    if (rc != MM_OK)
        csr_free(out);
    return rc;
}

typedef struct score_ctx {
    const mm_model *m;
    const mm_config *cfg;
    const tz_week *week;
    track_params tp;
    size_t n;
    int32_t *grade, *dept, *manager, *offset;
    int32_t *chain;     /* n * chain_w: e's managers, 1 to chain_w levels up, -1 past the top */
    int32_t chain_w;
    csr excl;           /* exclusions.csv, both directions */
    csr met;            /* history that bans a repeat on this track */
    size_t *pref_first; /* n + 1 offsets into m->prefs (sorted by learner) */
    size_t *idx_first;  /* n_skills * 5 + 1: bucket s*5 + (5 - level), level 5..1 */
    int32_t *idx_emp;   /* partners, ascending within a bucket */
    size_t max_goals;
} score_ctx;

static void ctx_free(score_ctx *c)
{
    free(c->grade);
    free(c->dept);
    free(c->manager);
    free(c->offset);
    free(c->chain);
    csr_free(&c->excl);
    csr_free(&c->met);
    free(c->pref_first);
    free(c->idx_first);
    free(c->idx_emp);
}

static bool valid_pair(const mm_model *m, int32_t a, int32_t b)
{
    return valid_emp(m, a) && valid_emp(m, b);
}

/* Exclusions and the banning history as symmetric sets. */
static int ctx_sets(score_ctx *c)
{
    const mm_model *m = c->m;
    int rc = MM_ENOMEM;
    size_t np = m->n_exclusions > m->n_history ? m->n_exclusions : m->n_history;
    int32_t *ab = np <= SIZE_MAX / 4 / sizeof *ab ? malloc((np ? np : 1) * 2 * sizeof *ab) : NULL;
    if (!ab)
        goto done;
    np = 0;
    for (size_t k = 0; k < m->n_exclusions; k++) {
        const model_exclusion *x = &m->exclusions[k];
        if (valid_pair(m, x->a, x->b)) {
            ab[2 * np] = x->a;
            ab[2 * np++ + 1] = x->b;
        }
    }
    if ((rc = csr_build(c->n, ab, np, &c->excl)) != MM_OK)
        goto done;
    np = 0;
    for (size_t k = 0; k < m->n_history; k++) {
        const model_history *h = &m->history[k];
        if (valid_pair(m, h->learner, h->partner) && on_track(h->track, c->tp.track) &&
            h->quarter >= c->tp.quarter_lo && h->quarter <= c->tp.quarter_hi) {
            ab[2 * np] = h->learner;
            ab[2 * np++ + 1] = h->partner;
        }
    }
    rc = csr_build(c->n, ab, np, &c->met);
done:
    free(ab);
    return rc;
}

/* Manager chains, level by level, as deep as exclude_manager_levels or the
   deepest chain, whichever is shorter. */
static int ctx_chains(score_ctx *c)
{
    int rc = MM_ENOMEM;
    int32_t levels = c->cfg->mentoring.exclude_manager_levels;
    size_t n = c->n;
    c->chain_w = 0;
    if (levels <= 0 || n == 0) {
        rc = MM_OK;
        goto done;
    }
    /* depth of the chains, bounded by levels */
    int32_t width = 0;
    int32_t *level = malloc(n * sizeof *level);
    if (!level)
        goto done;
    memcpy(level, c->manager, n * sizeof *level);
    for (;;) {
        bool any = false;
        for (size_t e = 0; e < n; e++)
            any |= level[e] >= 0;
        if (!any || width >= levels)
            break;
        width++;
        for (size_t e = 0; e < n; e++)
            level[e] = level[e] >= 0 ? c->manager[level[e]] : -1;
    }
    free(level);
    if ((size_t)width > SIZE_MAX / sizeof *c->chain / n)
        goto done;
    c->chain = malloc(n * (size_t)(width ? width : 1) * sizeof *c->chain);
    if (!c->chain)
        goto done;
    c->chain_w = width;
    for (size_t e = 0; e < n; e++) {
        int32_t x = c->manager[e];
        for (int32_t k = 0; k < width; k++) {
            c->chain[e * (size_t)width + (size_t)k] = x;
            x = x >= 0 ? c->manager[x] : -1;
        }
    }
    rc = MM_OK;
done:
    return rc;
}

/* The inverted index: for every skill, the partners with level 5, then 4,
   ... then 1, each bucket in ascending employee order (a counting sort). */
static int ctx_index(score_ctx *c)
{
    const mm_model *m = c->m;
    int rc = MM_ENOMEM;
    size_t buckets = m->n_skills * 5;
    c->idx_first = calloc(buckets + 2, sizeof *c->idx_first);
    c->idx_emp = malloc((m->n_skill_rows ? m->n_skill_rows : 1) * sizeof *c->idx_emp);
    if (!c->idx_first || !c->idx_emp)
        goto done;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t e = 0; e < c->n; e++) {
            if (!is_partner(&m->emps[e], &c->tp))
                continue;
            const model_skill_row *s = model_emp_skills(m, (int32_t)e);
            for (uint32_t k = 0; k < m->emps[e].skill_count; k++) {
                int32_t lv = s[k].s.level;
                if (lv < 1 || lv > 5 || s[k].s.skill < 0 || (size_t)s[k].s.skill >= m->n_skills)
                    continue;
                size_t b = (size_t)s[k].s.skill * 5 + (size_t)(5 - lv);
                if (pass == 0)
                    c->idx_first[b + 2]++;
                else
                    c->idx_emp[c->idx_first[b + 1]++] = (int32_t)e;
            }
        }
        if (pass == 0) {
            for (size_t b = 0; b < buckets; b++)
                c->idx_first[b + 2] += c->idx_first[b + 1];
        }
    }
    rc = MM_OK;
done:
    return rc;
}

static int ctx_build(const mm_model *m, const mm_config *cfg, const tz_week *week,
                     int32_t track, score_ctx *c)
{
    int rc = MM_ENOMEM;
    memset(c, 0, sizeof *c);
    c->m = m;
    c->cfg = cfg;
    c->week = week;
    c->tp = params_of(cfg, track);
    size_t n = c->n = m->n_emps;
    size_t n1 = n ? n : 1;
    c->grade = malloc(n1 * sizeof *c->grade);
    c->dept = malloc(n1 * sizeof *c->dept);
    c->manager = malloc(n1 * sizeof *c->manager);
    c->offset = malloc(n1 * sizeof *c->offset);
    c->pref_first = malloc((n + 1) * sizeof *c->pref_first);
    if (!c->grade || !c->dept || !c->manager || !c->offset || !c->pref_first)
        goto done;
    for (size_t e = 0; e < n; e++) {
        const model_employee *emp = &m->emps[e];
        c->grade[e] = emp->grade;
        c->dept[e] = emp->dept;
        c->manager[e] = valid_emp(m, emp->manager) ? emp->manager : -1;
        c->offset[e] = tz_week_offset(week, (int32_t)e);
        if (emp->goal_count > c->max_goals)
            c->max_goals = emp->goal_count;
    }
    size_t k = 0;
    for (size_t e = 0; e <= n; e++) {
        while (k < m->n_prefs && m->prefs[k].learner < (int64_t)e)
            k++;
        c->pref_first[e] = k;
    }
    if ((rc = ctx_sets(c)) != MM_OK || (rc = ctx_chains(c)) != MM_OK ||
        (rc = ctx_index(c)) != MM_OK)
        goto done;
    rc = MM_OK;
done:
    if (rc != MM_OK)
        ctx_free(c);
    return rc;
}

/* ---- all pairs: the learner loop ---------------------------------------- */

typedef struct goal_info {
    int32_t skill, target, priority, level; /* level: the learner's */
} goal_info;

typedef struct scratch {
    goal_info *goals;   /* max_goals */
    int32_t *visit;     /* partners that cover a goal, with repeats */
    size_t n_visit, cap_visit;
} scratch;

typedef struct block_out {
    candidate *c;
    size_t n, cap;
} block_out;

static int push_visit(scratch *s, const int32_t *p, size_t n)
{
    int rc = MM_OK;
    if (n == 0)
        goto done;
    if (s->n_visit + n > s->cap_visit) {
        size_t cap = s->cap_visit ? s->cap_visit : 256;
        while (cap < s->n_visit + n)
            cap *= 2;
        int32_t *v = cap <= SIZE_MAX / sizeof *v ? realloc(s->visit, cap * sizeof *v) : NULL;
        if (!v) {
            rc = MM_ENOMEM;
            goto done;
        }
        s->visit = v;
        s->cap_visit = cap;
    }
    memcpy(s->visit + s->n_visit, p, n * sizeof *p);
    s->n_visit += n;
done:
    return rc;
}

static int push_candidate(block_out *b, const candidate *c)
{
    int rc = MM_OK;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        candidate *p = cap <= SIZE_MAX / sizeof *p ? realloc(b->c, cap * sizeof *p) : NULL;
        if (!p) {
            rc = MM_ENOMEM;
            goto done;
        }
        b->c = p;
        b->cap = cap;
    }
    b->c[b->n++] = *c;
done:
    return rc;
}

static bool ctx_excluded(const score_ctx *c, int32_t l, int32_t p)
{
    const mm_config *cfg = c->cfg;
    bool excluded = false;
    size_t w = (size_t)c->chain_w;
    for (size_t k = 0; k < w && !excluded; k++)
        excluded = c->chain[(size_t)l * w + k] == p || c->chain[(size_t)p * w + k] == l;
    excluded = excluded ||
               (cfg->mentoring.exclude_peers && c->manager[l] >= 0 &&
                c->manager[l] == c->manager[p]) ||
               (!cfg->mentoring.allow_same_department && c->dept[l] == c->dept[p]) ||
               contains(c->excl.list + c->excl.first[l],
                        c->excl.first[l + 1] - c->excl.first[l], p);
    return excluded;
}

/* Skill facts of learner goals g[0..ng) (sorted by skill) against the
   partner's skills (sorted by skill), merged. */
static void ctx_skill(const goal_info *g, size_t ng, const model_skill_row *s, uint32_t ns,
                      pair_facts *f)
{
    uint32_t j = 0;
    for (size_t k = 0; k < ng; k++) {
        while (j < ns && s[j].s.skill < g[k].skill)
            j++;
        int32_t level_m = j < ns && s[j].s.skill == g[k].skill ? s[j].s.level : 0;
        f->skill_num += g[k].priority * goal_units(g[k].level, level_m, g[k].target);
        f->skill_den += (int64_t)SKILL_UNIT * g[k].priority;
    }
}

/* All pairs of learner l into out; sets reasons[l]. MM_OK or MM_ENOMEM. */
static int score_learner(const score_ctx *c, int32_t l, scratch *s, block_out *out,
                         int8_t *reasons)
{
    const mm_model *m = c->m;
    const model_employee *el = &m->emps[l];
    int rc = MM_OK;
    int status = learner_status(m, l, c->tp.track);
    reasons[l] = (int8_t)status;
    if (status != REASON_ELIGIBLE)
        goto done;

    /* the learner's goals on the track, with their own level */
    size_t ng = 0;
    const model_goal_row *g = model_emp_goals(m, l);
    const model_skill_row *ls = model_emp_skills(m, l);
    uint32_t j = 0;
    for (uint32_t k = 0; k < el->goal_count; k++) {
        if (!on_track(g[k].g.track, c->tp.track))
            continue;
        while (j < el->skill_count && ls[j].s.skill < g[k].g.skill)
            j++;
        int32_t level = j < el->skill_count && ls[j].s.skill == g[k].g.skill ? ls[j].s.level : 0;
        s->goals[ng++] = (goal_info){g[k].g.skill, g[k].g.target, g[k].g.priority, level};
    }

    /* partners covering a goal: a prefix of the skill's buckets */
    s->n_visit = 0;
    for (size_t k = 0; k < ng; k++) {
        int32_t thr = s->goals[k].target > s->goals[k].level ? s->goals[k].target
                                                             : s->goals[k].level + 1;
        size_t skill = (size_t)s->goals[k].skill;
        if (thr > 5 || thr < 1 || skill >= m->n_skills)
            continue;
        size_t from = c->idx_first[skill * 5], to = c->idx_first[skill * 5 + (size_t)(5 - thr) + 1];
        if ((rc = push_visit(s, c->idx_emp + from, to - from)) != MM_OK)
            goto done;
    }
    sort_i32(s->visit, s->n_visit);

    int furthest = REASON_NO_PARTNER_COVERS_GOAL;
    const model_preference *prefs = m->prefs + c->pref_first[l];
    size_t n_prefs = c->pref_first[l + 1] - c->pref_first[l];
    const int32_t *met = c->met.list + c->met.first[l];
    size_t n_met = c->met.first[l + 1] - c->met.first[l];
    for (size_t v = 0; v < s->n_visit; v++) {
        int32_t p = s->visit[v];
        if (p == l || (v > 0 && p == s->visit[v - 1]))
            continue;
        int r;
        int32_t overlap = 0;
        if (c->grade[p] - c->grade[l] < c->tp.min_gap)
            r = REASON_GRADE_GAP;
        else if (ctx_excluded(c, l, p))
            r = REASON_EXCLUDED;
        else if (contains(met, n_met, p))
            r = REASON_REPEAT_COOLDOWN;
        else if ((overlap = tz_week_overlap(c->week, l, p)) < c->tp.session)
            r = REASON_NO_AVAILABILITY_OVERLAP;
        else
            r = REASON_ELIGIBLE;
        if (r > furthest)
            furthest = r;
        if (r != REASON_ELIGIBLE)
            continue;
        pair_facts f = {0};
        ctx_skill(s->goals, ng, model_emp_skills(m, p), m->emps[p].skill_count, &f);
        f.overlap = overlap;
        f.session = c->tp.session;
        f.cross_department = c->dept[l] != c->dept[p];
        f.gap = c->grade[p] - c->grade[l];
        f.ideal_gap = c->cfg->mentoring.ideal_max_grade_gap;
        f.tz_diff = abs_diff(c->offset[l], c->offset[p]);
        f.rank = rank_in(prefs, n_prefs, p);
        double features[FEATURE_COUNT];
        candidate cand = {l, p, facts_score(c->cfg, &f, features), overlap};
        if ((rc = push_candidate(out, &cand)) != MM_OK)
            goto done;
    }
    reasons[l] = (int8_t)furthest;
done:
    return rc;
}

/* Learners per block: the unit of parallel work and of output buffering. */
#define SCORE_BLOCK 256

void cand_set_free(cand_set *s)
{
    if (!s)
        return;
    free(s->c);
    free(s->first);
    free(s->reason);
    memset(s, 0, sizeof *s);
}

int score_track(const mm_model *m, const mm_config *cfg, const tz_week *week, int32_t track,
                int threads, cand_set *out)
{
    int rc = MM_ENOMEM;
    score_ctx ctx;
    bool have_ctx = false;
    block_out *blocks = NULL;
    size_t n = m->n_emps;
    size_t n_blocks = (n + SCORE_BLOCK - 1) / SCORE_BLOCK;
    memset(out, 0, sizeof *out);
    out->track = track;
    out->n_emps = n;
    out->first = calloc(n + 1, sizeof *out->first);
    out->reason = malloc(n ? n : 1);
    blocks = calloc(n_blocks ? n_blocks : 1, sizeof *blocks);
    if (!out->first || !out->reason || !blocks)
        goto done;
    if ((rc = ctx_build(m, cfg, week, track, &ctx)) != MM_OK)
        goto done;
    have_ctx = true;

    int failed = 0;
    int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
    {
        scratch s = {0};
        s.goals = malloc((ctx.max_goals ? ctx.max_goals : 1) * sizeof *s.goals);
        if (!s.goals) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < n_blocks; b++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            size_t end = (b + 1) * SCORE_BLOCK < n ? (b + 1) * SCORE_BLOCK : n;
            for (size_t e = b * SCORE_BLOCK; e < end && !stop; e++) {
                if (score_learner(&ctx, (int32_t)e, &s, &blocks[b], out->reason) != MM_OK) {
#pragma omp atomic write
                    failed = 1;
                    stop = 1;
                }
            }
        }
        free(s.goals);
        free(s.visit);
    }
    rc = MM_ENOMEM;
    if (failed)
        goto done;

    size_t total = 0;
    for (size_t b = 0; b < n_blocks; b++)
        total += blocks[b].n;
    if (total > SIZE_MAX / sizeof *out->c)
        goto done;
    out->c = malloc((total ? total : 1) * sizeof *out->c);
    if (!out->c)
        goto done;
    for (size_t b = 0; b < n_blocks; b++) {
        if (blocks[b].n)
            memcpy(out->c + out->n, blocks[b].c, blocks[b].n * sizeof *out->c);
        out->n += blocks[b].n;
        free(blocks[b].c);
        blocks[b].c = NULL;
    }
    for (size_t k = 0; k < out->n; k++)
        out->first[out->c[k].learner + 1]++;
    for (size_t e = 0; e < n; e++)
        out->first[e + 1] += out->first[e];
    rc = MM_OK;
done:
    if (have_ctx)
        ctx_free(&ctx);
    for (size_t b = 0; blocks && b < n_blocks; b++)
        free(blocks[b].c);
    free(blocks);
    if (rc != MM_OK)
        cand_set_free(out);
    return rc;
}
