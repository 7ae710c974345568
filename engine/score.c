/*
 * score.c - eligibility (SPEC section 4, hard rules) and the integer score.
 *
 * Two ways to the same answers:
 *  - score_track, all pairs of a track at once. A context of flat arrays
 *    is built first (single-threaded): per employee grade, department,
 *    manager chain, exclusion and recent-history sets as sorted slices and
 *    preference slices; per partner a one-cache-line record; and an
 *    inverted index skill -> partners by level. A learner then visits only
 *    the partners that cover one of its goals (everyone else fails the
 *    first rule and cannot move the learner's reason past it): the index
 *    buckets add each goal's progress to a per-partner accumulator and set
 *    a bit per covering partner; the bitmap, read in order, dedups them
 *    and sorts the pairs by partner. A quick test on one cache line per
 *    partner (grade and the week in half hours, partner_pre) turns most
 *    pairs away before the rules proper; overlaps come from prefix sums of
 *    the learner's week, one lookup per partner interval. A learner's best
 *    pairs are kept by counting their scores to find the cut, not a sort.
 *    Learners run in fixed blocks (OpenMP, dynamic over blocks, one
 *    output buffer per block) concatenated in order, so the output is the
 *    same for any thread count. Memory: the context is O(employees + skill
 *    rows), each thread O(partners + minutes of a week), the output
 *    O(eligible pairs).
 *  - score_check_pair and score_features, for one pair: straight from the
 *    model (needs model_finish's order), no precomputation.
 * Both compute a pair's features from the same integer facts (pair_facts)
 * through the same function (facts_score), so the numbers agree to the bit;
 * the unit tests compare the two on every pair of a random company.
 *
 * Interpretations of the spec written down here:
 *  - Outside the rule list proper: a learner not on the track breaks
 *    REASON_NO_GOAL_FOR_TRACK; a partner without the role or capacity of
 *    the track (or L itself) is no partner and counts as not covering a
 *    goal (REASON_NO_PARTNER_COVERS_GOAL).
 *  - The cover rule and the skill feature use L's goals on the track
 *    (the track's own or "any").
 *  - The cooldown counts a meeting in either direction (L was M's learner
 *    or M was L's): "the pair met". History rows after the run's quarter
 *    do not count.
 *  - A learner's reason is the furthest rule any partner reached, which is
 *    the first rule that leaves no partner.
 *  - Levels outside 0..5 (which the importer rejects) read as clamped.
 */
#include "score.h"

#include <assert.h>
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

/* A level as the rules read it: levels are 0..5 (the importer checks),
   clamped here so that every path reads out-of-range data alike. */
static int32_t clamp_level(int32_t level) { return level < 0 ? 0 : level > 5 ? 5 : level; }

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
    double feedback;              /* the partner's scaled mean rating, -1 when none */
} pair_facts;

/* The features of one fact each: facts_score and the tables of score_terms
   both come here, so the numbers agree to the bit. */
static double feature_availability(int32_t overlap, int32_t session)
{
    int64_t twice = 2 * (int64_t)session;
    return overlap >= twice ? 1.0 : (double)overlap / (double)twice;
}

static double feature_seniority(int32_t excess)
{
    return excess <= 0 ? 1.0 : excess >= 4 ? 0.0 : (double)(4 - excess) / 4.0;
}

static double feature_timezone(int32_t tz_diff)
{
    return tz_diff >= 720 ? 0.0 : (double)(720 - tz_diff) / 720.0;
}

/* a partner nobody has rated yet is taken as the middle of the scale */
static double feature_feedback(double feedback) { return feedback >= 0 ? feedback : 0.5; }

static int32_t round_score(double num, double den);

/* The features of SPEC section 4, each a single division of exact integers
   (so it is the double nearest the true value), and the score. */
static int32_t facts_score(const mm_config *cfg, const pair_facts *p, double f[FEATURE_COUNT])
{
    f[FEATURE_SKILL] = p->skill_den > 0 ? (double)p->skill_num / (double)p->skill_den : 0.0;
    f[FEATURE_AVAILABILITY] = feature_availability(p->overlap, p->session);
    f[FEATURE_CROSS_DEPARTMENT] = p->cross_department ? 1.0 : 0.0;
    f[FEATURE_SENIORITY] = feature_seniority(p->gap - p->ideal_gap);
    f[FEATURE_TIMEZONE] = feature_timezone(p->tz_diff);
    f[FEATURE_PREFERENCE] = p->rank > 0 ? 1.0 / (double)p->rank : 0.0;
    f[FEATURE_FEEDBACK] = feature_feedback(p->feedback);
    return score_combine(cfg->weights, f);
}

/*
 * Half away from zero. The true value is a rational with a small
 * denominator; the double computed is within about 1e-12 of it, so a value
 * within SCORE_HALF_EPS of a half is a half (e.g. 777.49999999999989 from
 * 15 * 62/120 is 777.5 and rounds to 778).
 */
#define SCORE_HALF_EPS 1e-9
#define SCORE_MAX 1000

/* round(1000 * num / den) as score_combine states it. */
static int32_t round_score(double num, double den)
{
    int32_t score = 0;
    if (!(den > 0.0))
        goto done;
    double x = 1000.0 * num / den;
    /* x >= 0 with weights and features >= 0, so away from zero is up */
    score = !(x > 0.0) ? 0 : x >= 1000.0 ? SCORE_MAX : (int32_t)(x + (0.5 + SCORE_HALF_EPS));
done:
    return score;
}

int32_t score_combine(const double weights[FEATURE_COUNT], const double f[FEATURE_COUNT])
{
    double num = 0.0, den = 0.0;
    for (int k = 0; k < FEATURE_COUNT; k++) {
        num += weights[k] * f[k];
        den += weights[k];
    }
    return round_score(num, den);
}

/*
 * The weighted features of a track as tables of their products w * f,
 * each the very product score_combine forms, so that a pair's score is
 * the same sum in the same order without its divisions.
 */
#define AVAIL_TABLE_MAX 2880 /* overlaps tabled at most (2 * session_minutes <= 1440) */
typedef struct score_terms {
    double w[FEATURE_COUNT];
    double den;                        /* the sum of the weights, in score_combine's order */
    double avail[AVAIL_TABLE_MAX + 1]; /* by overlap, up to twice the session */
    int32_t twice, n_avail;            /* 2 * session; entries in avail */
    double cross[2];
    double seniority[5];               /* by excess gap clamped to 0 .. 4 */
    double timezone[721];              /* by tz_diff clamped to 720 */
} score_terms;

static void terms_init(score_terms *t, const mm_config *cfg, int32_t session)
{
    const double *w = cfg->weights;
    memcpy(t->w, w, sizeof t->w);
    t->den = 0.0;
    for (int k = 0; k < FEATURE_COUNT; k++)
        t->den += w[k];
    int64_t twice = 2 * (int64_t)session;
    t->twice = twice < INT32_MAX ? (int32_t)twice : INT32_MAX;
    t->n_avail = twice <= AVAIL_TABLE_MAX ? (int32_t)twice + 1 : 0;
    for (int32_t o = 0; o < t->n_avail; o++)
        t->avail[o] = w[FEATURE_AVAILABILITY] * feature_availability(o, session);
    t->cross[0] = w[FEATURE_CROSS_DEPARTMENT] * 0.0;
    t->cross[1] = w[FEATURE_CROSS_DEPARTMENT] * 1.0;
    for (int32_t e = 0; e < 5; e++)
        t->seniority[e] = w[FEATURE_SENIORITY] * feature_seniority(e);
    for (int32_t d = 0; d <= 720; d++)
        t->timezone[d] = w[FEATURE_TIMEZONE] * feature_timezone(d);
}

/* facts_score's score of the facts, from the tables; fb_term is
   w[FEATURE_FEEDBACK] * feature_feedback(the partner's feedback). */
static int32_t terms_score(const score_terms *t, const pair_facts *p, double fb_term)
{
    double num = 0.0;
    num += t->w[FEATURE_SKILL] *
           (p->skill_den > 0 ? (double)p->skill_num / (double)p->skill_den : 0.0);
    int32_t o = p->overlap < t->twice ? p->overlap : t->twice;
    num += o >= 0 && o < t->n_avail
               ? t->avail[o]
               : t->w[FEATURE_AVAILABILITY] * feature_availability(p->overlap, p->session);
    num += t->cross[p->cross_department];
    int32_t excess = p->gap - p->ideal_gap;
    num += t->seniority[excess <= 0 ? 0 : excess >= 4 ? 4 : excess];
    num += p->tz_diff >= 0 ? t->timezone[p->tz_diff < 720 ? p->tz_diff : 720]
                           : t->w[FEATURE_TIMEZONE] * feature_timezone(p->tz_diff);
    num += t->w[FEATURE_PREFERENCE] * (p->rank > 0 ? 1.0 / (double)p->rank : 0.0);
    num += fb_term;
    return round_score(num, t->den);
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
                        goal_units(clamp_level(model_level(m, l, s)),
                                   clamp_level(model_level(m, p, s)), g[k].g.target);
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
    f->feedback = m->partner_feedback ? m->partner_feedback[p] : -1.0;
}

/* a is b's manager, or a manager above that, up to `levels` levels. */
static bool manages(const mm_model *m, int32_t a, int32_t b, int32_t levels)
{
    bool found = false;
    int32_t x = m->emps[b].manager;
    for (int32_t k = 0; k < levels && (size_t)k < m->n_emps && valid_emp(m, x);
         k++, x = m->emps[x].manager) {
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
           (cfg->mentoring.exclude_peers && valid_emp(m, el->manager) &&
            el->manager == ep->manager) ||
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
                 goal_covered(clamp_level(model_level(m, l, s)),
                              clamp_level(model_level(m, p, s)), g[k].g.target);
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

static int cmp_i32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
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
    c->first = NULL;
    c->list = NULL;
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
    for (size_t e = 0; e < n; e++) {
        if (out->first[e + 1] - out->first[e] > 1)
            qsort(out->list + out->first[e], out->first[e + 1] - out->first[e],
                  sizeof *out->list, cmp_i32);
    }
    rc = MM_OK;
done:
    if (rc != MM_OK)
        csr_free(out);
    return rc;
}

/* What the rules and the score read of a partner past the quick test
   (partner_pre holds its employee index and grade), in one cache line: the
   first levels of the manager chain, the weighted feedback and, for most
   people, the whole week. Records are in partner order, the order a
   learner visits them in. */
#define REC_UP 2 /* manager levels kept in the record; deeper ones are in chain */
#define REC_IV 4 /* intervals kept in the record; longer weeks are in p_iv */
typedef struct partner_rec {
    double fb_term;      /* w[FEATURE_FEEDBACK] times the partner's feedback feature */
    int32_t dept, offset;
    int32_t up[REC_UP];  /* up[0] the manager, up[1] theirs; -1 past the top */
    uint32_t iv_first;   /* the week when n_iv > REC_IV: p_iv[2 * iv_first ...] */
    uint32_t n_iv;
    int32_t iv[2 * REC_IV]; /* the week when n_iv <= REC_IV */
} partner_rec;
_Static_assert(sizeof(partner_rec) == 64, "a partner record is one cache line");

/* The week in slots of SLOT_MINUTES from SLOT_BASE (a day before the
   reference Monday, which offsets cannot reach past): bit s set when any
   minute of [SLOT_BASE + s * SLOT_MINUTES, + SLOT_MINUTES) is available,
   every bit when some interval lies outside them. Two people then share at
   most SLOT_MINUTES * popcount(a & b) minutes, and a pair below the session
   length by that bound is rejected without reading its intervals. */
#define SLOT_MINUTES 30
/* Records fetched ahead of their use in a learner's loops. */
#define PREFETCH_AHEAD 8
#define SLOT_WORDS 7
#define SLOT_BASE (-1440)
#define SLOT_END (SLOT_BASE + SLOT_WORDS * 64 * SLOT_MINUTES)

/* What the quick test of a pair reads of a partner, in one cache line. */
typedef struct partner_pre {
    uint64_t slots[SLOT_WORDS];
    int32_t emp, grade;
} partner_pre;
_Static_assert(sizeof(partner_pre) == 64, "a quick record is one cache line");

static void slot_mask(const int32_t *iv, size_t n, uint64_t slots[SLOT_WORDS])
{
    memset(slots, 0, SLOT_WORDS * sizeof *slots);
    for (size_t k = 0; k < n; k++) {
        int32_t a = iv[2 * k], b = iv[2 * k + 1];
        if (a >= b)
            continue;
        if (a < SLOT_BASE || b > SLOT_END) {
            memset(slots, 0xff, SLOT_WORDS * sizeof *slots);
            break;
        }
        /* bits q0 .. q1, a word at a time */
        int32_t q0 = (a - SLOT_BASE) / SLOT_MINUTES, q1 = (b - 1 - SLOT_BASE) / SLOT_MINUTES;
        for (int32_t w = q0 >> 6; w <= q1 >> 6; w++) {
            int32_t lo = w == q0 >> 6 ? q0 & 63 : 0, hi = w == q1 >> 6 ? q1 & 63 : 63;
            slots[w] |= (~(uint64_t)0 >> (63 - hi)) & (~(uint64_t)0 << lo);
        }
    }
}

/* The quick test counts bits: on x86-64, whose baseline lacks popcnt, the
   learner loop is built twice and the loader picks the one the CPU runs. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#endif
#endif
#ifndef POPCNT_CLONES
#define POPCNT_CLONES
#endif

/* Slots both have. */
static int32_t slots_shared(const uint64_t *restrict a, const uint64_t *restrict b)
{
    int32_t n = 0;
#pragma GCC unroll 8
    for (int k = 0; k < SLOT_WORDS; k++)
        n += __builtin_popcountll(a[k] & b[k]);
    return n;
}

typedef struct score_ctx {
    const mm_model *m;
    const mm_config *cfg;
    const tz_week *week;
    track_params tp;
    size_t n;
    /* per employee */
    int32_t *grade, *dept, *manager, *offset;
    int32_t *chain;     /* n * chain_w: e's managers, 1 to chain_w levels up, -1 past the top */
    int32_t chain_w;
    csr excl;           /* exclusions.csv, both directions */
    csr met;            /* history that bans a repeat on this track, both directions */
    size_t *pref_first; /* n + 1 offsets into m->prefs (sorted by learner) */
    /* the partners of the track, numbered 0.. in employee order */
    partner_rec *partner; /* by number */
    int32_t *p_iv;        /* the weeks longer than REC_IV intervals, start, end, ... */
    partner_pre *pre;     /* by number: what the quick test reads */
    score_terms *terms;
    size_t n_partners;
    size_t *idx_first;  /* n_skills * 5 + 1: bucket s*5 + (5 - level), level 5..1 */
    int32_t *idx_part;  /* partner numbers, ascending within a bucket */
    size_t max_span;    /* longest first-start to last-end of anyone's week, minutes */
    size_t *pin_first;  /* n + 1 offsets into m->pins: the track's pins by learner */
    int32_t keep;       /* pairs kept per learner, pins aside; 0 = all */
    int32_t need_slots; /* slots shared at least, ceil(session / SLOT_MINUTES) */
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
    free(c->partner);
    free(c->p_iv);
    free(c->pre);
    free(c->terms);
    free(c->idx_first);
    free(c->idx_part);
    free(c->pin_first);
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
    int32_t *level = NULL;
    c->chain_w = 0;
    if (levels <= 0 || n == 0) {
        rc = MM_OK;
        goto done;
    }
    int32_t width = 0;
    level = malloc(n * sizeof *level);
    if (!level)
        goto done;
    memcpy(level, c->manager, n * sizeof *level);
    for (;;) {
        bool any = false;
        for (size_t e = 0; e < n; e++)
            any |= level[e] >= 0;
        if (!any || width >= levels || (size_t)width >= n) /* n: a cycle in bad data */
            break;
        width++;
        for (size_t e = 0; e < n; e++)
            level[e] = level[e] >= 0 ? c->manager[level[e]] : -1;
    }
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
    free(level);
    return rc;
}

/* The partners, and the inverted index: for every skill, the partners with
   level 5, then 4, ... then 1, each bucket in ascending order (a counting
   sort). */
static int ctx_index(score_ctx *c)
{
    const mm_model *m = c->m;
    int rc = MM_ENOMEM;
    size_t buckets = m->n_skills * 5;
    size_t np = 0, n_iv = 0, ni;
    for (size_t e = 0; e < c->n; e++) {
        if (is_partner(&m->emps[e], &c->tp)) {
            np++;
            tz_week_intervals(c->week, (int32_t)e, &ni);
            n_iv += ni > REC_IV ? ni : 0;
        }
    }
    c->partner = aligned_alloc(64, (np ? np : 1) * sizeof *c->partner);
    c->p_iv = n_iv < UINT32_MAX ? malloc((n_iv ? n_iv : 1) * 2 * sizeof *c->p_iv) : NULL;
    c->pre = aligned_alloc(64, (np ? np : 1) * sizeof *c->pre);
    c->idx_first = calloc(buckets + 2, sizeof *c->idx_first);
    c->idx_part = malloc((m->n_skill_rows ? m->n_skill_rows : 1) * sizeof *c->idx_part);
    if (!c->partner || !c->p_iv || !c->pre || !c->idx_first || !c->idx_part)
        goto done;
    n_iv = 0;
    for (size_t e = 0; e < c->n; e++) {
        if (!is_partner(&m->emps[e], &c->tp))
            continue;
        partner_rec *r = &c->partner[c->n_partners++];
        r->dept = c->dept[e];
        r->offset = c->offset[e];
        int32_t up = c->manager[e];
        for (int k = 0; k < REC_UP; k++) {
            r->up[k] = up;
            up = up >= 0 ? c->manager[up] : -1;
        }
        const int32_t *iv = tz_week_intervals(c->week, (int32_t)e, &ni);
        partner_pre *pre = &c->pre[c->n_partners - 1];
        slot_mask(iv, ni, pre->slots);
        pre->emp = (int32_t)e;
        pre->grade = c->grade[e];
        r->fb_term = c->cfg->weights[FEATURE_FEEDBACK] *
                     feature_feedback(m->partner_feedback ? m->partner_feedback[e] : -1.0);
        r->n_iv = (uint32_t)ni;
        r->iv_first = (uint32_t)n_iv;
        memset(r->iv, 0, sizeof r->iv);
        if (ni <= REC_IV) {
            memcpy(r->iv, iv, ni * 2 * sizeof *iv);
        } else {
            memcpy(c->p_iv + 2 * n_iv, iv, ni * 2 * sizeof *iv);
            n_iv += ni;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < c->n_partners; k++) {
            int32_t e = c->pre[k].emp;
            const model_skill_row *s = model_emp_skills(m, e);
            for (uint32_t j = 0; j < m->emps[e].skill_count; j++) {
                int32_t lv = clamp_level(s[j].s.level);
                if (lv < 1 || s[j].s.skill < 0 || (size_t)s[j].s.skill >= m->n_skills)
                    continue;
                size_t b = (size_t)s[j].s.skill * 5 + (size_t)(5 - lv);
                if (pass == 0)
                    c->idx_first[b + 2]++;
                else
                    c->idx_part[c->idx_first[b + 1]++] = (int32_t)k;
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
    c->need_slots = (c->tp.session + SLOT_MINUTES - 1) / SLOT_MINUTES;
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
        size_t ni;
        const int32_t *iv = tz_week_intervals(week, (int32_t)e, &ni);
        if (ni && (size_t)(iv[2 * ni - 1] - iv[0]) > c->max_span)
            c->max_span = (size_t)(iv[2 * ni - 1] - iv[0]);
    }
    size_t k = 0;
    for (size_t e = 0; e <= n; e++) {
        while (k < m->n_prefs && m->prefs[k].learner < (int64_t)e)
            k++;
        c->pref_first[e] = k;
    }
    /* pins are sorted by track, then learner */
    c->pin_first = malloc((n + 1) * sizeof *c->pin_first);
    c->terms = malloc(sizeof *c->terms);
    if (!c->pin_first || !c->terms)
        goto done;
    terms_init(c->terms, cfg, c->tp.session);
    k = 0;
    while (k < m->n_pins && m->pins[k].track < track)
        k++;
    for (size_t e = 0; e <= n; e++) {
        while (k < m->n_pins && m->pins[k].track == track && m->pins[k].learner < (int64_t)e)
            k++;
        c->pin_first[e] = k;
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

static bool ctx_excluded(const score_ctx *c, int32_t l, int32_t p, const partner_rec *pr)
{
    const mm_config *cfg = c->cfg;
    bool excluded = false;
    size_t w = (size_t)c->chain_w;
    for (size_t k = 0; k < w && !excluded; k++) {
        int32_t above_p = k < REC_UP ? pr->up[k] : c->chain[(size_t)p * w + k];
        excluded = c->chain[(size_t)l * w + k] == p || above_p == l;
    }
    excluded = excluded ||
               (cfg->mentoring.exclude_peers && c->manager[l] >= 0 &&
                c->manager[l] == pr->up[0]) ||
               (!cfg->mentoring.allow_same_department && c->dept[l] == pr->dept) ||
               contains(c->excl.list + c->excl.first[l],
                        c->excl.first[l + 1] - c->excl.first[l], p);
    return excluded;
}

/* ---- all pairs: the learner loop ---------------------------------------- */

/* One thread's working memory, sized once. */
typedef struct scratch {
    uint64_t *bits;  /* per partner number: covers a goal (all zero between learners) */
    struct acc {
        int32_t stamp;   /* the call the units are for (-1 initially) */
        int32_t units;   /* skill progress in 60ths */
    } *acc;              /* per partner number */
    int32_t calls;   /* score_learner calls so far: each stamps its own units */
    uint16_t *avail; /* the learner's availability minutes before each minute of its span */
    uint32_t *hist;  /* SCORE_MAX + 1 counts, all zero between learners (prune_learner) */
    uint32_t *cover; /* per partner number: the partners covering a goal, ascending */
    uint32_t *pass;  /* per partner number: those of them that pass the quick test */
    uint64_t slots[SLOT_WORDS]; /* the learner's week (slot_mask) */
} scratch;

static void scratch_free(scratch *s)
{
    free(s->bits);
    free(s->acc);
    free(s->avail);
    free(s->hist);
    free(s->cover);
    free(s->pass);
}

static int scratch_init(scratch *s, const score_ctx *c)
{
    int rc = MM_ENOMEM;
    size_t np = c->n_partners ? c->n_partners : 1;
    memset(s, 0, sizeof *s);
    s->bits = calloc(np / 64 + 1, sizeof *s->bits);
    s->acc = malloc(np * sizeof *s->acc);
    s->avail = malloc((c->max_span + 1) * sizeof *s->avail);
    s->hist = calloc(SCORE_MAX + 1, sizeof *s->hist);
    s->cover = malloc(np * sizeof *s->cover);
    s->pass = malloc(np * sizeof *s->pass);
    if (!s->bits || !s->acc || !s->avail || !s->hist || !s->cover || !s->pass)
        goto done;
    for (size_t q = 0; q < np; q++)
        s->acc[q] = (struct acc){-1, 0};
    rc = MM_OK;
done:
    if (rc != MM_OK) {
        scratch_free(s);
        memset(s, 0, sizeof *s);
    }
    return rc;
}

/* avail[i] = minutes of the n intervals iv (sorted, disjoint) before
   iv[0] + i, for i in 0 .. span; so the overlap with [a, b) inside the span
   is avail[b - iv[0]] - avail[a - iv[0]]. */
static void prefix_minutes(const int32_t *iv, size_t n, uint16_t *avail)
{
    /* eight minutes a store: runs of one value, then runs counting up */
    typedef uint16_t u16x8 __attribute__((vector_size(16)));
    static const u16x8 up = {1, 2, 3, 4, 5, 6, 7, 8};
    int64_t i = 0;
    int32_t lo = iv[0];
    uint16_t total = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t a = (int64_t)iv[2 * k] - lo, b = (int64_t)iv[2 * k + 1] - lo;
        u16x8 v = (u16x8){0} + total;
        for (; i + 8 <= a + 1; i += 8)
            memcpy(avail + i, &v, sizeof v);
        for (; i <= a; i++)
            avail[i] = total;
        int64_t from = i;
        v = up + total;
        for (; i + 8 <= b + 1; i += 8, v += 8)
            memcpy(avail + i, &v, sizeof v);
        for (; i <= b; i++)
            avail[i] = (uint16_t)(total + (i - from + 1));
        total = (uint16_t)(total + (i - from));
    }
}

/* Minutes of partner p's intervals inside the learner's, by the prefix sums
   of the learner's span [lo, hi]. Equals tz_week_overlap (both disjoint). */
static int32_t overlap_by_prefix(const int32_t *iv, size_t n, const uint16_t *avail,
                                 int32_t lo, int32_t hi)
{
    int32_t total = 0;
    for (size_t k = 0; k < n; k++) {
        int32_t a = iv[2 * k] < lo ? lo : iv[2 * k] > hi ? hi : iv[2 * k];
        int32_t b = iv[2 * k + 1] < lo ? lo : iv[2 * k + 1] > hi ? hi : iv[2 * k + 1];
        total += avail[b - lo] - avail[a - lo];
    }
    return total;
}

typedef struct block_out {
    candidate *c;
    size_t n, cap;
} block_out;

/* A block's pairs left out (score_track_rest). */
typedef struct block_rest {
    rest_pair *c;
    size_t n, cap;
} block_rest;

/* p (room for *cap elements of size, n of them used) with room for more
   after n, or NULL when there is no memory (p is then unchanged). */
static void *grow(void *p, size_t *cap, size_t n, size_t more, size_t size)
{
    if (p && more <= *cap - n)
        return p;
    size_t want = *cap ? *cap * 2 : 1024;
    if (want - n < more)
        want = n + more;
    void *q = want <= SIZE_MAX / size ? realloc(p, want * size) : NULL;
    if (q)
        *cap = want;
    return q;
}

/* Room for more pairs after b->n. MM_OK or MM_ENOMEM. */
static int reserve(block_out *b, size_t more)
{
    candidate *c = grow(b->c, &b->cap, b->n, more, sizeof *b->c);
    if (!c)
        return MM_ENOMEM;
    b->c = c;
    return MM_OK;
}

/* Room for more pairs left out after b->n. MM_OK or MM_ENOMEM. */
static int reserve_rest(block_rest *b, size_t more)
{
    rest_pair *c = grow(b->c, &b->cap, b->n, more, sizeof *b->c);
    if (!c)
        return MM_ENOMEM;
    b->c = c;
    return MM_OK;
}

/*
 * What the rules read of the learner whose pairs are tried, and the
 * first rule the pair with partner pr breaks (REASON_GRADE_GAP on), or
 * REASON_ELIGIBLE with *overlap set.
 */
typedef struct pair_view {
    int32_t l, grade;
    int32_t span_lo, span_hi; /* the learner's first start and last end */
    const uint16_t *avail;    /* prefix_minutes of the learner's week */
    const int32_t *met;       /* sorted: whom the learner met (ctx met) */
    size_t n_met;
} pair_view;

static int pair_rule(const score_ctx *c, const pair_view *v, const partner_pre *pre,
                     const partner_rec *pr, int32_t *overlap)
{
    int r = REASON_ELIGIBLE;
    *overlap = 0;
    if (pre->grade - v->grade < c->tp.min_gap)
        r = REASON_GRADE_GAP;
    else if (ctx_excluded(c, v->l, pre->emp, pr))
        r = REASON_EXCLUDED;
    else if (contains(v->met, v->n_met, pre->emp))
        r = REASON_REPEAT_COOLDOWN;
    else if ((*overlap = overlap_by_prefix(
                  pr->n_iv <= REC_IV ? pr->iv : c->p_iv + 2 * (size_t)pr->iv_first, pr->n_iv,
                  v->avail, v->span_lo, v->span_hi)) < c->tp.session)
        r = REASON_NO_AVAILABILITY_OVERLAP;
    return r;
}

static bool pinned(const model_pin *pins, size_t n_pins, int32_t partner)
{
    bool found = false;
    for (size_t j = 0; j < n_pins && !found; j++)
        found = pins[j].partner == partner;
    return found;
}

/*
 * Keeps learner l's c->keep best pairs (out->c[start ..], in partner
 * order; best is score descending, then partner ascending, the tie-break
 * of alternatives) and its pinned ones; *bound is the best score left out,
 * -1 when none; the pairs left out go to rest, when given, in partner
 * order (room for at most got - keep of them: pins only make fewer), and
 * their count to *n_rest. No sort: a count of the pairs per score (hist,
 * all zero before and after) gives the cut score and how many at the cut are kept,
 * the first ones in partner order. The solver proves that no pair left
 * out could improve the optimum, or asks for them (flow.h).
 */
static int prune_learner(const score_ctx *c, int32_t l, block_out *out, size_t start,
                         uint32_t *hist, int32_t *bound, block_rest *rest, size_t *n_rest)
{
    candidate *v = out->c + start;
    size_t got = out->n - start, k = (size_t)c->keep;
    *bound = -1;
    if (c->keep <= 0 || got <= k)
        return MM_OK;
    if (rest && reserve_rest(rest, got - k) != MM_OK)
        return MM_ENOMEM;
    size_t before = rest ? rest->n : 0;
    for (size_t i = 0; i < got; i++) {
        assert(v[i].score >= 0 && v[i].score <= SCORE_MAX);
        hist[v[i].score]++;
    }
    int32_t cut = SCORE_MAX;
    size_t above = 0;
    while (above + hist[cut] < k)
        above += hist[cut--];
    size_t at_cut = k - above;
    const model_pin *pins = c->m->pins + c->pin_first[l];
    size_t n_pins = c->pin_first[l + 1] - c->pin_first[l];
    size_t kept = 0;
    for (size_t i = 0; i < got; i++) {
        int32_t sc = v[i].score;
        bool best = sc > cut;
        hist[sc] = 0;
        if (sc == cut && at_cut > 0) {
            best = true;
            at_cut--;
        }
        if (best || pinned(pins, n_pins, v[i].partner)) {
            v[kept++] = v[i];
        } else {
            if (sc > *bound)
                *bound = sc;
            assert(v[i].overlap >= 0 && v[i].overlap <= UINT16_MAX);
            if (rest)
                rest->c[rest->n++] = (rest_pair){v[i].partner, (int16_t)sc,
                                                 (uint16_t)v[i].overlap};
        }
    }
    if (rest)
        *n_rest = rest->n - before;
    out->n = start + kept;
    return MM_OK;
}

/*
 * All pairs of learner l into out (the best c->keep of them when it is set:
 * prune_learner); sets reasons[l], eligible[l] and bound[l]. For each goal on the
 * track, the index buckets above the learner's level add the goal's
 * progress to every partner there (units, stamped with the call), and the buckets
 * at or above the cover threshold set the partner's bit. The bits are read
 * back in ascending order, which dedups the partners and sorts the pairs.
 * The quick test (partner_pre: grade, half-hour slots) keeps those that may
 * be eligible; the rules proper then run on them, with overlaps from the
 * prefix sums of the learner's week. MM_OK or MM_ENOMEM.
 */
POPCNT_CLONES
static int score_learner(const score_ctx *c, int32_t l, scratch *s, block_out *out,
                         int8_t *reasons, uint32_t *eligible, int32_t *bound, block_rest *rest,
                         size_t *n_rest)
{
    const mm_model *m = c->m;
    size_t start = out->n;
    const model_employee *el = &m->emps[l];
    int rc = MM_OK;
    int status = learner_status(m, l, c->tp.track);
    reasons[l] = (int8_t)status;
    if (status != REASON_ELIGIBLE)
        goto done;

    /* a fresh stamp per call: a learner scored again (pricing) starts from 0 */
    if (s->calls == INT32_MAX) {
        for (size_t q = 0; q < c->n_partners; q++)
            s->acc[q].stamp = -1;
        s->calls = 0;
    }
    int32_t stamp = ++s->calls;
    int64_t skill_den = 0;
    size_t wlo = SIZE_MAX, whi = 0;
    const model_goal_row *g = model_emp_goals(m, l);
    const model_skill_row *ls = model_emp_skills(m, l);
    uint32_t j = 0;
    for (uint32_t k = 0; k < el->goal_count; k++) {
        const model_goal *goal = &g[k].g;
        if (!on_track(goal->track, c->tp.track))
            continue;
        skill_den += (int64_t)SKILL_UNIT * goal->priority;
        if (goal->skill < 0 || (size_t)goal->skill >= m->n_skills)
            continue;
        while (j < el->skill_count && ls[j].s.skill < goal->skill)
            j++;
        int32_t level = clamp_level(
            j < el->skill_count && ls[j].s.skill == goal->skill ? ls[j].s.level : 0);
        for (int32_t lv = 5; lv > level; lv--) {
            int32_t u = goal->priority * (int32_t)goal_units(level, lv, goal->target);
            bool covers = goal_covered(level, lv, goal->target);
            size_t b = (size_t)goal->skill * 5 + (size_t)(5 - lv);
            for (size_t i = c->idx_first[b]; i < c->idx_first[b + 1]; i++) {
                size_t q = (size_t)c->idx_part[i];
                if (s->acc[q].stamp != stamp)
                    s->acc[q] = (struct acc){stamp, 0};
                s->acc[q].units += u;
                if (covers) {
                    s->bits[q >> 6] |= (uint64_t)1 << (q & 63);
                    wlo = q >> 6 < wlo ? q >> 6 : wlo;
                    whi = q >> 6 > whi ? q >> 6 : whi;
                }
            }
        }
    }
    if (wlo == SIZE_MAX) {
        reasons[l] = REASON_NO_PARTNER_COVERS_GOAL;
        goto done;
    }

    /* the covering partners, in order; then those that pass the quick test */
    size_t n_cover = 0, n_pass = 0;
    for (size_t w = wlo; w <= whi; w++) {
        uint64_t word = s->bits[w];
        s->bits[w] = 0;
        for (; word; word &= word - 1)
            s->cover[n_cover++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(word));
    }
    size_t n_iv;
    const int32_t *iv = tz_week_intervals(c->week, l, &n_iv);
    slot_mask(iv, n_iv, s->slots);
    int32_t grade = c->grade[l], min_gap = c->tp.min_gap, need = c->need_slots;
    for (size_t i = 0; i < n_cover; i++) {
        if (i + PREFETCH_AHEAD < n_cover)
            __builtin_prefetch(&c->pre[s->cover[i + PREFETCH_AHEAD]]);
        const partner_pre *pre = &c->pre[s->cover[i]];
        s->pass[n_pass] = s->cover[i];
        /* without branches: which way a pair goes is hard to predict */
        n_pass += (size_t)((pre->emp != l) & (pre->grade - grade >= min_gap) &
                           (slots_shared(s->slots, pre->slots) >= need));
    }

    pair_view v;
    v.l = l;
    v.grade = grade;
    v.span_lo = n_iv ? iv[0] : 0;
    v.span_hi = n_iv ? iv[2 * n_iv - 1] : 0;
    if (n_iv)
        prefix_minutes(iv, n_iv, s->avail);
    else
        s->avail[0] = 0;
    v.avail = s->avail;
    v.met = c->met.list + c->met.first[l];
    v.n_met = c->met.first[l + 1] - c->met.first[l];
    const model_preference *prefs = m->prefs + c->pref_first[l];
    size_t n_prefs = c->pref_first[l + 1] - c->pref_first[l];
    int furthest = REASON_NO_PARTNER_COVERS_GOAL;
    if ((rc = reserve(out, n_pass)) != MM_OK)
        goto done;
    candidate *put = out->c + out->n;
    for (size_t i = 0; i < n_pass; i++) {
        if (i + PREFETCH_AHEAD < n_pass) {
            __builtin_prefetch(&c->partner[s->pass[i + PREFETCH_AHEAD]]);
            __builtin_prefetch(&s->acc[s->pass[i + PREFETCH_AHEAD]]);
        }
        size_t q = s->pass[i];
        const partner_pre *pre = &c->pre[q];
        const partner_rec *pr = &c->partner[q];
        int32_t overlap;
        int r = pair_rule(c, &v, pre, pr, &overlap);
        if (r > furthest)
            furthest = r;
        if (r != REASON_ELIGIBLE)
            continue;
        pair_facts f;
        f.skill_num = s->acc[q].units;
        f.skill_den = skill_den;
        f.overlap = overlap;
        f.session = c->tp.session;
        f.cross_department = c->dept[l] != pr->dept;
        f.gap = pre->grade - grade;
        f.ideal_gap = c->cfg->mentoring.ideal_max_grade_gap;
        f.tz_diff = abs_diff(c->offset[l], pr->offset);
        f.rank = rank_in(prefs, n_prefs, pre->emp);
        *put++ = (candidate){l, pre->emp, terms_score(c->terms, &f, pr->fb_term), overlap};
    }
    out->n = (size_t)(put - out->c);
    /* A pair the quick test turned away breaks one of the rules up to the
       overlap, so it can move the reason only when no pair got that far:
       then every covering pair is tried in full. */
    if (furthest < REASON_NO_AVAILABILITY_OVERLAP && n_pass < n_cover) {
        for (size_t i = 0; i < n_cover; i++) {
            const partner_pre *pre = &c->pre[s->cover[i]];
            int32_t overlap;
            int r = pre->emp == l ? REASON_NO_PARTNER_COVERS_GOAL
                                  : pair_rule(c, &v, pre, &c->partner[s->cover[i]], &overlap);
            if (r > furthest)
                furthest = r;
        }
    }
    reasons[l] = (int8_t)furthest;
    eligible[l] = (uint32_t)(out->n - start);
    rc = prune_learner(c, l, out, start, s->hist, &bound[l], rest, n_rest);
done:
    return rc;
}

/* Learners per block: the unit of parallel work and of output buffering. */
#define SCORE_BLOCK 256

void cand_set_free(cand_set *s)
{
    if (s) {
        free(s->c);
        free(s->first);
        free(s->reason);
        free(s->eligible);
        free(s->bound);
        free(s->rest);
        free(s->rest_first);
        memset(s, 0, sizeof *s);
    }
}

/*
 * The order in which every employee is scored: grouped by the skill of
 * their first goal on the track (by skill id; those without one last),
 * in index order within a group. Learners of one skill read the same
 * partners' buckets, records and accumulators, so a block of them finds
 * those in the cache: in index order consecutive learners belong to
 * unrelated parts of the company and each read missed (at a million
 * employees, mentoring's scoring 11.2 s to 7.5 s, shadowing's 4.1-5.1 s to
 * 3.4-3.8 s on 2 threads). Only the order of the work: each learner's
 * pairs are the same, and go to the learner's place in the output.
 * NULL when out of memory.
 */
static int32_t *locality_order(const mm_model *m, int32_t track)
{
    size_t n = m->n_emps, groups = m->n_skills + 1;
    int32_t *order = malloc((n ? n : 1) * sizeof *order);
    int32_t *key = malloc((n ? n : 1) * sizeof *key);
    size_t *at = calloc(groups + 1, sizeof *at);
    if (!order || !key || !at) {
        free(order), free(key), free(at);
        return NULL;
    }
    for (size_t e = 0; e < n; e++) {
        const model_goal_row *g = model_emp_goals(m, (int32_t)e);
        int32_t k = (int32_t)m->n_skills;
        for (uint32_t j = 0; j < m->emps[e].goal_count; j++) {
            int32_t skill = g[j].g.skill;
            if (on_track(g[j].g.track, track) && skill >= 0 && (size_t)skill < m->n_skills) {
                k = skill;
                break;
            }
        }
        key[e] = k;
        at[(size_t)k + 1]++;
    }
    for (size_t k = 0; k < groups; k++)
        at[k + 1] += at[k];
    for (size_t e = 0; e < n; e++)
        order[at[key[e]]++] = (int32_t)e;
    free(key);
    free(at);
    return order;
}

/*
 * Each block's pairs (kept, and left out when rest is given) to their
 * learners' places, for the todo learners scored in `order` (distinct),
 * SCORE_BLOCK to a block: out->first[e + 1] and out->rest_first[e + 1]
 * hold learner e's counts and become offsets. A block's pairs are its
 * learners', one learner after the other, in order.
 */
static int gather_ordered(block_out *blocks, block_rest *rest, size_t n_blocks,
                          const int32_t *order, size_t todo, int nt, cand_set *out)
{
    size_t n = out->n_emps, total = 0, total_rest = 0;
    for (size_t b = 0; b < n_blocks; b++) {
        total += blocks[b].n;
        total_rest += rest ? rest[b].n : 0;
    }
    if (total > SIZE_MAX / sizeof *out->c || total_rest > SIZE_MAX / sizeof *out->rest)
        return MM_ENOMEM;
    out->c = malloc((total ? total : 1) * sizeof *out->c);
    if (rest)
        out->rest = malloc((total_rest ? total_rest : 1) * sizeof *out->rest);
    if (!out->c || (rest && !out->rest))
        return MM_ENOMEM;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 8)
    for (size_t b = 0; b < n_blocks; b++)
        for (size_t k = 0; k < blocks[b].n; k++)
            out->first[blocks[b].c[k].learner + 1]++;
    for (size_t e = 0; e < n; e++) {
        out->first[e + 1] += out->first[e];
        out->n_eligible += out->eligible[e];
        if (rest)
            out->rest_first[e + 1] += out->rest_first[e];
    }
#pragma omp parallel for num_threads(nt) schedule(dynamic, 8)
    for (size_t b = 0; b < n_blocks; b++) {
        size_t end = (b + 1) * SCORE_BLOCK < todo ? (b + 1) * SCORE_BLOCK : todo;
        size_t kept = 0, left = 0;
        for (size_t i = b * SCORE_BLOCK; i < end; i++) {
            size_t e = (size_t)order[i];
            size_t k = out->first[e + 1] - out->first[e];
            if (k)
                memcpy(out->c + out->first[e], blocks[b].c + kept, k * sizeof *out->c);
            kept += k;
            if (rest) {
                size_t r = out->rest_first[e + 1] - out->rest_first[e];
                if (r)
                    memcpy(out->rest + out->rest_first[e], rest[b].c + left,
                           r * sizeof *out->rest);
                left += r;
            }
        }
        free(blocks[b].c);
        blocks[b].c = NULL;
        if (rest) {
            free(rest[b].c);
            rest[b].c = NULL;
        }
    }
    out->n = total;
    out->n_rest = total_rest;
    return MM_OK;
}

/*
 * The pairs of the learners given (all employees when list is NULL), kept
 * to keep per learner (0: all), scored in parallel over fixed blocks of
 * them; each block has its own buffer, so the output is the same for any
 * thread count.
 */
static int score_pairs(const mm_model *m, const mm_config *cfg, const tz_week *week,
                       int32_t track, int threads, int32_t keep, bool keep_rest,
                       const int32_t *list, size_t n_list, cand_set *out)
{
    int rc = MM_ENOMEM;
    score_ctx ctx;
    bool have_ctx = false;
    int32_t *order = NULL; /* without a list, every employee in the order scored */
    block_out *blocks = NULL;
    block_rest *rest = NULL;
    size_t n = m->n_emps;
    size_t todo = list ? n_list : n;
    size_t n_blocks = (todo + SCORE_BLOCK - 1) / SCORE_BLOCK;
    memset(out, 0, sizeof *out);
    out->track = track;
    out->n_emps = n;
    out->first = calloc(n + 1, sizeof *out->first);
    out->reason = malloc(n ? n : 1);
    out->eligible = calloc(n ? n : 1, sizeof *out->eligible);
    out->bound = malloc((n ? n : 1) * sizeof *out->bound);
    blocks = calloc(n_blocks ? n_blocks : 1, sizeof *blocks);
    if (keep_rest) {
        rest = calloc(n_blocks ? n_blocks : 1, sizeof *rest);
        out->rest_first = calloc(n + 1, sizeof *out->rest_first);
    }
    if (!out->first || !out->reason || !out->eligible || !out->bound || !blocks ||
        (keep_rest && (!rest || !out->rest_first)))
        goto done;
    memset(out->reason, -1, n);
    for (size_t e = 0; e < n; e++)
        out->bound[e] = -1;
    if ((rc = ctx_build(m, cfg, week, track, &ctx)) != MM_OK)
        goto done;
    have_ctx = true;
    ctx.keep = keep;
    if (!list && !(order = locality_order(m, track))) {
        rc = MM_ENOMEM;
        goto done;
    }
    const int32_t *work = list ? list : order;

    int failed = 0;
    int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
    {
        scratch s;
        if (scratch_init(&s, &ctx) != MM_OK) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < n_blocks; b++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            size_t end = (b + 1) * SCORE_BLOCK < todo ? (b + 1) * SCORE_BLOCK : todo;
            for (size_t i = b * SCORE_BLOCK; i < end && !stop; i++) {
                int32_t e = work[i];
                if (score_learner(&ctx, e, &s, &blocks[b], out->reason, out->eligible,
                                  out->bound, rest ? &rest[b] : NULL,
                                  rest ? &out->rest_first[e + 1] : NULL) != MM_OK) {
#pragma omp atomic write
                    failed = 1;
                    stop = 1;
                }
            }
        }
        scratch_free(&s);
    }
    rc = MM_ENOMEM;
    if (failed)
        goto done;
    rc = gather_ordered(blocks, rest, n_blocks, work, todo, nt, out);
done:
    if (have_ctx)
        ctx_free(&ctx);
    free(order);
    for (size_t b = 0; blocks && b < n_blocks; b++)
        free(blocks[b].c);
    for (size_t b = 0; rest && b < n_blocks; b++)
        free(rest[b].c);
    free(blocks);
    free(rest);
    if (rc != MM_OK)
        cand_set_free(out);
    return rc;
}

int score_track(const mm_model *m, const mm_config *cfg, const tz_week *week, int32_t track,
                int threads, cand_set *out)
{
    return score_pairs(m, cfg, week, track, threads, 0, false, NULL, 0, out);
}

int score_track_kept(const mm_model *m, const mm_config *cfg, const tz_week *week,
                     int32_t track, int threads, int32_t keep, cand_set *out)
{
    return score_pairs(m, cfg, week, track, threads, keep, false, NULL, 0, out);
}

int score_track_rest(const mm_model *m, const mm_config *cfg, const tz_week *week,
                     int32_t track, int threads, int32_t keep, cand_set *out)
{
    return score_pairs(m, cfg, week, track, threads, keep, true, NULL, 0, out);
}

int score_learners(const mm_model *m, const mm_config *cfg, const tz_week *week,
                   int32_t track, const int32_t *learners, size_t n_learners, int threads,
                   cand_set *out)
{
    return score_pairs(m, cfg, week, track, threads, 0, false, learners, n_learners, out);
}

int score_widen(const mm_model *m, const mm_config *cfg, const tz_week *week, cand_set *set,
                const int32_t *learners, size_t n_learners, int threads)
{
    cand_set more;
    candidate *c = NULL;
    size_t n = set->n_emps;
    int rc = score_learners(m, cfg, week, set->track, learners, n_learners, threads, &more);
    if (rc != MM_OK)
        return rc;
    /* each widened learner's slice is replaced by all of its pairs */
    size_t total = set->n;
    for (size_t i = 0; i < n_learners; i++) {
        int32_t l = learners[i];
        total += (more.first[l + 1] - more.first[l]) - (set->first[l + 1] - set->first[l]);
    }
    c = malloc((total ? total : 1) * sizeof *c);
    if (!c) {
        cand_set_free(&more);
        return MM_ENOMEM;
    }
    size_t k = 0;
    for (size_t e = 0; e < n; e++) {
        bool wide = more.reason[e] >= 0;
        const cand_set *from = wide ? &more : set;
        size_t len = from->first[e + 1] - from->first[e];
        if (len)
            memcpy(c + k, from->c + from->first[e], len * sizeof *c);
        set->first[e] = k;
        k += len;
        if (wide)
            set->bound[e] = -1;
    }
    set->first[n] = k;
    free(set->c);
    set->c = c;
    set->n = k;
    cand_set_free(&more);
    return MM_OK;
}

/* ---- pricing: one learner's pairs on demand ------------------------------ */

struct score_pricer {
    score_ctx ctx;
    scratch s;
    block_out out;
    int8_t *reason;
    uint32_t *eligible;
    int32_t *bound;
};

void score_pricer_free(score_pricer *sp)
{
    if (!sp)
        return;
    ctx_free(&sp->ctx);
    scratch_free(&sp->s);
    free(sp->out.c);
    free(sp->reason);
    free(sp->eligible);
    free(sp->bound);
    free(sp);
}

int score_pricer_new(const mm_model *m, const mm_config *cfg, const tz_week *week,
                     int32_t track, score_pricer **out)
{
    size_t n = m->n_emps ? m->n_emps : 1;
    score_pricer *sp = calloc(1, sizeof *sp);
    *out = NULL;
    if (!sp)
        return MM_ENOMEM;
    if (ctx_build(m, cfg, week, track, &sp->ctx) != MM_OK) {
        free(sp);
        return MM_ENOMEM;
    }
    sp->reason = malloc(n);
    sp->eligible = calloc(n, sizeof *sp->eligible);
    sp->bound = malloc(n * sizeof *sp->bound);
    if (!sp->reason || !sp->eligible || !sp->bound || scratch_init(&sp->s, &sp->ctx) != MM_OK) {
        score_pricer_free(sp);
        return MM_ENOMEM;
    }
    *out = sp;
    return MM_OK;
}

int score_pricer_pairs(score_pricer *sp, int32_t learner, const candidate **pairs, size_t *n)
{
    if (learner < 0 || (size_t)learner >= sp->ctx.n)
        return MM_EINTERNAL;
    sp->out.n = 0;
    int rc = score_learner(&sp->ctx, learner, &sp->s, &sp->out, sp->reason, sp->eligible,
                           sp->bound, NULL, NULL);
    *pairs = sp->out.c;
    *n = rc == MM_OK ? sp->out.n : 0;
    return rc;
}

int score_add_pairs(cand_set *set, const candidate *more, size_t n_more)
{
    size_t n = set->n_emps, total = set->n + n_more;
    candidate *c = malloc((total ? total : 1) * sizeof *c);
    if (!c)
        return MM_ENOMEM;
    size_t k = 0, j = 0;
    for (size_t e = 0; e < n; e++) {
        size_t i = set->first[e], end = set->first[e + 1];
        set->first[e] = k;
        while (i < end || (j < n_more && more[j].learner == (int32_t)e)) {
            bool take_more = j < n_more && more[j].learner == (int32_t)e &&
                             (i == end || more[j].partner < set->c[i].partner);
            c[k++] = take_more ? more[j++] : set->c[i++];
        }
    }
    set->first[n] = k;
    free(set->c);
    set->c = c;
    set->n = k;
    return k == total ? MM_OK : MM_EINTERNAL;
}
