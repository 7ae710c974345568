/*
 * schedule.c - placing every session in a calendar both people can attend
 * (SPEC section 5).
 *
 * Time is UTC minutes since 1970-01-01 (int64_t); dates are days since
 * 1970-01-01. A person's availability on a local date d is their weekly
 * windows for weekday(d), each end converted separately with
 * tz_local_to_utc on that very date (so daylight saving is as on d); the
 * windows of one date that overlap or touch are merged. A window never
 * crosses local midnight (end <= 1440), so a session inside one lies on one
 * local date of each person, and that date is the one checked against the
 * holidays and the quarter.
 *
 * The conversions depend only on (zone, date, minute): for every zone and
 * every date of the quarter the UTC instant of local midnight is computed
 * once; on a date without an offset change minute m is that instant plus
 * m, and on the few dates with a change each minute is converted by libical
 * once and remembered. libical is not thread-safe, so this whole module
 * runs single-threaded (the greedy placement is sequential anyway).
 *
 * For a pair, the common availability over the quarter is found by a merge
 * of the learner's intervals of each local date with the partner's
 * intervals of the (at most five) local dates that can meet it; a session
 * start is then the first 15-minute UTC boundary in a common interval that
 * clears both people's booked sessions, found by jumping past bookings,
 * never minute by minute.
 */
#include "schedule.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"

#define GRID 15
#define DAY_MIN 1440
#define UNSET_UTC INT64_MIN
/* Recurring slots are keyed by learner-local (weekday, minute / GRID). */
#define N_KEYS (7 * (DAY_MIN / GRID))
/* A partner's local date is within this many days of the learner's (UTC
   offsets lie within -12..+14 hours). */
#define DATE_REACH 2
#define CMP(x, y) (((x) > (y)) - ((x) < (y)))

static const char *const REASON_NO_COMMON = "no_common_availability";
static const char *const REASON_HOLIDAY = "holiday";
static const char *const REASON_BOOKED = "double_booked";

/* One zone on one date: the UTC instant of local midnight and, on a date
   with an offset change, every minute's instant (UNSET_UTC until asked). */
typedef struct zone_day {
    int64_t u0;
    int64_t *minute; /* NULL on a regular date, else DAY_MIN + 1 entries */
} zone_day;

typedef struct zone_info {
    const tz_zone *zone;
    zone_day *days; /* n_days + 1: the last one is the day after the quarter */
} zone_info;

/* One person's booked sessions: sorted, disjoint [start, end) pairs. */
typedef struct booking {
    int64_t *iv;
    uint32_t n, cap; /* intervals */
} booking;

/* An interval of common availability of a pair. */
typedef struct common {
    int64_t a, b;
    int32_t dl, dp;  /* the learner's and the partner's local dates */
    bool holiday;    /* either date is a holiday */
} common;

/* One recurring slot candidate: how many periods it is valid in. */
typedef struct key_stat {
    int32_t periods;
    int32_t last_period;
    int64_t first; /* earliest valid start */
} key_stat;

typedef struct ctx {
    const mm_model *m;
    const mm_config *cfg;
    int32_t q0, n_days; /* the quarter's first date and its length in days */
    uint8_t *holiday;   /* per date of the quarter */
    zone_info *zones;
    size_t n_zones;
    int32_t *zone_of; /* per employee, -1 when the zone is unknown */
    booking *booked;  /* per employee */
    /* scratch */
    int64_t *lbuf; /* the learner's intervals of one date (most windows) */
    int64_t *pbuf; /* the partner's of up to 2 * DATE_REACH + 1 dates */
    int32_t *pdate; /* the date of each pbuf interval */
    common *commons;
    size_t n_commons, cap_commons;
    key_stat keys[N_KEYS];
    /* output */
    sched_result *out;
    size_t cap_sessions, cap_unplaced;
} ctx;

static int64_t ceil_grid(int64_t t)
{
    int64_t r = t % GRID;
    if (r < 0)
        r += GRID;
    return r ? t + (GRID - r) : t;
}

/* ---- zones and dates ------------------------------------------------------ */

typedef struct emp_zone {
    const char *name;
    int32_t emp;
} emp_zone;

static int cmp_emp_zone(const void *pa, const void *pb)
{
    const emp_zone *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : CMP(a->emp, b->emp);
}

/* Fills a zone's dates: midnight instants, and minute tables on the dates
   whose length is not a full day (an offset change). */
static int zone_fill(ctx *c, zone_info *z)
{
    int rc = MM_ENOMEM;
    z->days = calloc((size_t)c->n_days + 1, sizeof *z->days);
    if (!z->days)
        goto done;
    for (int32_t i = 0; i <= c->n_days; i++)
        z->days[i].u0 = tz_local_to_utc(z->zone, c->q0 + i, 0);
    for (int32_t i = 0; i < c->n_days; i++) {
        if (z->days[i + 1].u0 - z->days[i].u0 == DAY_MIN)
            continue;
        int64_t *t = malloc((DAY_MIN + 1) * sizeof *t);
        if (!t)
            goto done;
        for (int k = 0; k <= DAY_MIN; k++)
            t[k] = UNSET_UTC;
        z->days[i].minute = t;
    }
    rc = MM_OK;
done:
    return rc;
}

/* Assigns every employee a zone index and computes each distinct zone once. */
static int zones_build(ctx *c)
{
    int rc = MM_ENOMEM;
    const mm_model *m = c->m;
    size_t n = m->n_emps;
    emp_zone *ez = malloc((n ? n : 1) * sizeof *ez);
    c->zone_of = malloc((n ? n : 1) * sizeof *c->zone_of);
    c->zones = calloc(n ? n : 1, sizeof *c->zones);
    if (!ez || !c->zone_of || !c->zones)
        goto done;
    for (size_t e = 0; e < n; e++)
        ez[e] = (emp_zone){m->emps[e].timezone ? m->emps[e].timezone : "", (int32_t)e};
    qsort(ez, n, sizeof *ez, cmp_emp_zone);
    int32_t cur = -1;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(ez[i].name, ez[i - 1].name) != 0) {
            const tz_zone *z = tz_get(ez[i].name);
            cur = -1;
            if (z) {
                zone_info *zi = &c->zones[c->n_zones];
                zi->zone = z;
                cur = (int32_t)c->n_zones++;
                if (zone_fill(c, zi) != MM_OK)
                    goto done;
            }
        }
        c->zone_of[ez[i].emp] = cur;
    }
    rc = MM_OK;
done:
    free(ez);
    return rc;
}

/* UTC instant of `minute` (0..1440) after local midnight of date d (a date
   of the quarter) in zone z. */
static int64_t local_utc(ctx *c, int32_t z, int32_t d, int32_t minute)
{
    zone_day *zd = &c->zones[z].days[d - c->q0];
    int64_t u;
    if (!zd->minute) {
        u = zd->u0 + minute;
    } else {
        if (zd->minute[minute] == UNSET_UTC)
            zd->minute[minute] = tz_local_to_utc(c->zones[z].zone, d, minute);
        u = zd->minute[minute];
    }
    return u;
}

/* The local minute after midnight of date d, in zone z, of instant u (u on
   that local date). */
static int32_t utc_local_minute(ctx *c, int32_t z, int32_t d, int64_t u)
{
    const zone_day *zd = &c->zones[z].days[d - c->q0];
    int64_t t;
    if (!zd->minute)
        t = u - zd->u0;
    else
        t = u + tz_offset_at(c->zones[z].zone, u) - (int64_t)d * DAY_MIN;
    return (int32_t)t;
}

/*
 * Employee e's availability on local date d (a date of the quarter) as
 * sorted, disjoint UTC intervals written to out (2 values each); returns
 * their count (at most the employee's window count).
 */
static size_t person_day(ctx *c, int32_t e, int32_t d, int64_t *out)
{
    size_t n = 0;
    int32_t z = c->zone_of[e];
    if (z < 0)
        goto done;
    const model_employee *emp = &c->m->emps[e];
    const model_window_row *w = model_emp_windows(c->m, e);
    int32_t wd = weekday_from_days(d);
    for (uint32_t k = 0; k < emp->window_count; k++) {
        const model_window *x = &w[k].w;
        if (x->day != wd || x->start < 0 || x->end > DAY_MIN || x->start >= x->end)
            continue;
        int64_t a = local_utc(c, z, d, x->start);
        int64_t b = local_utc(c, z, d, x->end);
        if (b <= a)
            continue; /* wholly inside a spring-forward gap */
        /* windows come sorted by start, and conversion keeps the order */
        if (n > 0 && a <= out[2 * n - 1]) {
            if (b > out[2 * n - 1])
                out[2 * n - 1] = b;
        } else {
            out[2 * n] = a;
            out[2 * n + 1] = b;
            n++;
        }
    }
done:
    return n;
}

/* ---- bookings ------------------------------------------------------------- */

/* Index of the first booking that ends after t. */
static uint32_t booking_find(const booking *bk, int64_t t)
{
    uint32_t lo = 0, hi = bk->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (bk->iv[2 * mid + 1] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The end of a booking that overlaps [s, e); UNSET_UTC when none does. */
static int64_t booking_conflict(const booking *bk, int64_t s, int64_t e)
{
    uint32_t i = booking_find(bk, s);
    return (i < bk->n && bk->iv[2 * i] < e) ? bk->iv[2 * i + 1] : UNSET_UTC;
}

static int booking_add(booking *bk, int64_t s, int64_t e)
{
    int rc = MM_OK;
    if (bk->n == bk->cap) {
        uint32_t cap = bk->cap ? bk->cap * 2 : 8;
        int64_t *iv = cap > bk->cap ? realloc(bk->iv, (size_t)cap * 2 * sizeof *iv) : NULL;
        /* cap <= bk->cap only when the count overflowed */
        if (!iv) {
            rc = MM_ENOMEM;
            goto done;
        }
        bk->iv = iv;
        bk->cap = cap;
    }
    uint32_t i = booking_find(bk, s);
    assert(i == bk->n || bk->iv[2 * i] >= e);
    memmove(bk->iv + 2 * (i + 1), bk->iv + 2 * i, (size_t)(bk->n - i) * 2 * sizeof *bk->iv);
    bk->iv[2 * i] = s;
    bk->iv[2 * i + 1] = e;
    bk->n++;
done:
    return rc;
}

/* The first start on the grid in [a, b) at which a session of len minutes
   fits and clears the bookings of both people; UNSET_UTC when none. */
static int64_t first_free(const ctx *c, int32_t l, int32_t p, int64_t a, int64_t b, int32_t len)
{
    int64_t s = ceil_grid(a), found = UNSET_UTC;
    while (s + len <= b) {
        int64_t end = booking_conflict(&c->booked[l], s, s + len);
        if (end == UNSET_UTC)
            end = booking_conflict(&c->booked[p], s, s + len);
        if (end == UNSET_UTC) {
            found = s;
            break;
        }
        s = ceil_grid(end);
    }
    return found;
}

/* ---- common availability ------------------------------------------------ */

static int commons_push(ctx *c, const common *x)
{
    int rc = MM_OK;
    if (c->n_commons == c->cap_commons) {
        size_t cap = c->cap_commons ? c->cap_commons * 2 : 256;
        common *p = realloc(c->commons, cap * sizeof *p);
        if (!p) {
            rc = MM_ENOMEM;
            goto done;
        }
        c->commons = p;
        c->cap_commons = cap;
    }
    c->commons[c->n_commons++] = *x;
done:
    return rc;
}

/*
 * The common availability of learner l and partner p over the quarter,
 * into c->commons in time order: for every learner date, the learner's
 * intervals merged with the partner's intervals of the partner dates (in
 * the quarter) that overlap them in UTC.
 */
static int commons_build(ctx *c, int32_t l, int32_t p)
{
    int rc = MM_OK;
    c->n_commons = 0;
    int32_t zp = c->zone_of[p];
    if (c->zone_of[l] < 0 || zp < 0)
        goto done;
    const zone_day *pdays = c->zones[zp].days;
    int32_t last = c->q0 + c->n_days;
    for (int32_t d = c->q0; d < last; d++) {
        size_t nl = person_day(c, l, d, c->lbuf);
        if (nl == 0)
            continue;
        int64_t lo = c->lbuf[0], hi = c->lbuf[2 * nl - 1];
        size_t np = 0;
        for (int32_t dp = d - DATE_REACH; dp <= d + DATE_REACH; dp++) {
            if (dp < c->q0 || dp >= last)
                continue;
            /* the partner's date dp covers [u0(dp), u0(dp + 1)) in UTC */
            if (pdays[dp - c->q0].u0 >= hi || pdays[dp - c->q0 + 1].u0 <= lo)
                continue;
            size_t k = person_day(c, p, dp, c->pbuf + 2 * np);
            for (size_t j = 0; j < k; j++)
                c->pdate[np + j] = dp;
            np += k;
        }
        size_t i = 0, j = 0;
        while (i < nl && j < np) {
            int64_t a = c->lbuf[2 * i] > c->pbuf[2 * j] ? c->lbuf[2 * i] : c->pbuf[2 * j];
            int64_t b = c->lbuf[2 * i + 1] < c->pbuf[2 * j + 1] ? c->lbuf[2 * i + 1]
                                                                : c->pbuf[2 * j + 1];
            if (b > a) {
                common x = {a, b, d, c->pdate[j],
                            c->holiday[d - c->q0] || c->holiday[c->pdate[j] - c->q0]};
                if ((rc = commons_push(c, &x)) != MM_OK)
                    goto done;
            }
            if (c->lbuf[2 * i + 1] < c->pbuf[2 * j + 1])
                i++;
            else
                j++;
        }
    }
done:
    return rc;
}

/* Why no session fits in commons [from, to): see schedule.h. */
static const char *reason_of(const ctx *c, size_t from, size_t to, int32_t len)
{
    bool free_day = false, holiday = false;
    for (size_t i = from; i < to; i++) {
        const common *x = &c->commons[i];
        if (ceil_grid(x->a) + len > x->b)
            continue;
        if (x->holiday)
            holiday = true;
        else
            free_day = true;
    }
    return free_day ? REASON_BOOKED : holiday ? REASON_HOLIDAY : REASON_NO_COMMON;
}

/* ---- output --------------------------------------------------------------- */

static int book(ctx *c, int32_t track, int32_t l, int32_t p, int32_t seq, int64_t s, int32_t len)
{
    int rc = MM_OK;
    sched_result *o = c->out;
    if (o->n_sessions == c->cap_sessions) {
        size_t cap = c->cap_sessions ? c->cap_sessions * 2 : 256;
        sched_session *x = realloc(o->sessions, cap * sizeof *x);
        if (!x) {
            rc = MM_ENOMEM;
            goto done;
        }
        o->sessions = x;
        c->cap_sessions = cap;
    }
    if ((rc = booking_add(&c->booked[l], s, s + len)) != MM_OK)
        goto done;
    if ((rc = booking_add(&c->booked[p], s, s + len)) != MM_OK)
        goto done;
    o->sessions[o->n_sessions++] = (sched_session){track, l, p, seq, s, s + len};
done:
    return rc;
}

static int add_unplaced(ctx *c, int32_t track, int32_t l, int32_t p, int32_t seq, int32_t period,
                    const char *why)
{
    int rc = MM_OK;
    sched_result *o = c->out;
    if (o->n_unplaced == c->cap_unplaced) {
        size_t cap = c->cap_unplaced ? c->cap_unplaced * 2 : 64;
        sched_unplaced *x = realloc(o->unplaced, cap * sizeof *x);
        if (!x) {
            rc = MM_ENOMEM;
            goto done;
        }
        o->unplaced = x;
        c->cap_unplaced = cap;
    }
    o->unplaced[o->n_unplaced++] = (sched_unplaced){track, l, p, seq, period, why};
done:
    return rc;
}

/* ---- mentoring ------------------------------------------------------------ */

/* Is [s, s + len) on the grid, inside common [from, to) on learner date d,
   off holidays and free for both? */
static bool slot_valid(const ctx *c, int32_t l, int32_t p, size_t from, size_t to, int32_t d,
                       int64_t s, int32_t len)
{
    bool ok = false;
    if (s % GRID != 0)
        goto done;
    for (size_t i = from; i < to; i++) {
        const common *x = &c->commons[i];
        if (x->dl != d || x->holiday || x->a > s || s + len > x->b)
            continue;
        ok = booking_conflict(&c->booked[l], s, s + len) == UNSET_UTC &&
             booking_conflict(&c->booked[p], s, s + len) == UNSET_UTC;
        break;
    }
done:
    return ok;
}

/*
 * One mentoring pair: ceil(weeks / cadence) sessions, session k in period k
 * (the learner's local dates). The recurring slot is the learner-local
 * (weekday, time) valid in the most periods, ties to the earliest; each
 * period takes it when it is valid there, else its earliest valid slot.
 */
static int place_mentoring(ctx *c, int32_t l, int32_t p)
{
    int rc = MM_OK;
    const mm_config *cfg = c->cfg;
    int32_t len = cfg->mentoring.session_minutes;
    int32_t cadence = cfg->mentoring.cadence_weeks > 0 ? cfg->mentoring.cadence_weeks : 1;
    int32_t per_days = 7 * cadence;
    int32_t n_periods = (cfg->quarter.weeks + cadence - 1) / cadence;
    int32_t zl = c->zone_of[l];
    if ((rc = commons_build(c, l, p)) != MM_OK)
        goto done;

    /* every valid start: count the periods of each recurring key */
    for (int k = 0; k < N_KEYS; k++)
        c->keys[k] = (key_stat){0, -1, 0};
    for (size_t i = 0; i < c->n_commons; i++) {
        const common *x = &c->commons[i];
        if (x->holiday)
            continue;
        int32_t period = (x->dl - c->q0) / per_days;
        int32_t wd = weekday_from_days(x->dl);
        for (int64_t s = x->a;;) {
            s = first_free(c, l, p, s, x->b, len);
            if (s == UNSET_UTC)
                break;
            int32_t t = utc_local_minute(c, zl, x->dl, s);
            if (t >= 0 && t < DAY_MIN && t % GRID == 0) {
                key_stat *ks = &c->keys[wd * (DAY_MIN / GRID) + t / GRID];
                if (ks->last_period != period) {
                    if (ks->periods == 0)
                        ks->first = s;
                    ks->periods++;
                    ks->last_period = period;
                }
            }
            s += GRID;
        }
    }
    int best = -1;
    for (int k = 0; k < N_KEYS; k++) {
        const key_stat *ks = &c->keys[k];
        if (ks->periods == 0)
            continue;
        if (best < 0 || ks->periods > c->keys[best].periods ||
            (ks->periods == c->keys[best].periods && ks->first < c->keys[best].first))
            best = k;
    }

    size_t from = 0;
    for (int32_t k = 0; k < n_periods; k++) {
        int32_t d0 = c->q0 + k * per_days;
        int32_t d1 = d0 + per_days < c->q0 + c->n_days ? d0 + per_days : c->q0 + c->n_days;
        size_t to = from;
        while (to < c->n_commons && c->commons[to].dl < d1)
            to++;
        int64_t s = UNSET_UTC;
        if (best >= 0) {
            int32_t wd = best / (DAY_MIN / GRID), t = best % (DAY_MIN / GRID) * GRID;
            for (int32_t d = d0 + (wd - weekday_from_days(d0) + 7) % 7; d < d1; d += 7) {
                int64_t u = local_utc(c, zl, d, t);
                if (slot_valid(c, l, p, from, to, d, u, len)) {
                    s = u;
                    break;
                }
            }
        }
        for (size_t i = from; s == UNSET_UTC && i < to; i++)
            if (!c->commons[i].holiday)
                s = first_free(c, l, p, c->commons[i].a, c->commons[i].b, len);
        if (s != UNSET_UTC)
            rc = book(c, TRACK_MENTORING, l, p, k + 1, s, len);
        else
            rc = add_unplaced(c, TRACK_MENTORING, l, p, k + 1, k, reason_of(c, from, to, len));
        if (rc != MM_OK)
            goto done;
        from = to;
    }
done:
    return rc;
}

/* ---- shadowing ------------------------------------------------------------ */

/* One shadowing pair, the i-th of n: one session, searched from the
   preferred week i * weeks / n onward, wrapping round to the start. */
static int place_shadowing(ctx *c, int32_t l, int32_t p, size_t i, size_t n)
{
    int rc = MM_OK;
    int32_t len = c->cfg->shadowing.session_minutes;
    int32_t week = (int32_t)((uint64_t)i * (uint64_t)c->cfg->quarter.weeks / n);
    int32_t pref = c->q0 + 7 * week;
    if ((rc = commons_build(c, l, p)) != MM_OK)
        goto done;
    size_t split = 0;
    while (split < c->n_commons && c->commons[split].dl < pref)
        split++;
    int64_t s = UNSET_UTC;
    for (size_t k = 0; s == UNSET_UTC && k < c->n_commons; k++) {
        const common *x = &c->commons[(split + k) % c->n_commons];
        if (!x->holiday)
            s = first_free(c, l, p, x->a, x->b, len);
    }
    if (s != UNSET_UTC)
        rc = book(c, TRACK_SHADOWING, l, p, 1, s, len);
    else
        rc = add_unplaced(c, TRACK_SHADOWING, l, p, 1, 0, reason_of(c, 0, c->n_commons, len));
done:
    return rc;
}

/* ---- driver --------------------------------------------------------------- */

/* By start, then track, learner, partner (ids: indices are in id order). */
static int cmp_session(const void *pa, const void *pb)
{
    const sched_session *a = pa, *b = pb;
    int c = CMP(a->start_min, b->start_min);
    if (!c)
        c = CMP(a->track, b->track);
    if (!c)
        c = CMP(a->learner, b->learner);
    if (!c)
        c = CMP(a->partner, b->partner);
    return c ? c : CMP(a->seq, b->seq);
}

static void ctx_free(ctx *c)
{
    for (size_t z = 0; z < c->n_zones; z++) {
        if (!c->zones[z].days)
            continue;
        for (int32_t i = 0; i < c->n_days; i++)
            free(c->zones[z].days[i].minute);
        free(c->zones[z].days);
    }
    free(c->zones);
    if (c->booked)
        for (size_t e = 0; e < c->m->n_emps; e++)
            free(c->booked[e].iv);
    free(c->booked);
    free(c->zone_of);
    free(c->holiday);
    free(c->lbuf);
    free(c->pbuf);
    free(c->pdate);
    free(c->commons);
}

static int ctx_init(ctx *c, const match_result *r, sched_result *out)
{
    int rc = MM_ENOMEM;
    const mm_model *m = r->model;
    const mm_config *cfg = r->cfg;
    c->m = m;
    c->cfg = cfg;
    c->out = out;
    c->q0 = cfg->quarter.start;
    c->n_days = 7 * (cfg->quarter.weeks > 0 ? cfg->quarter.weeks : 0);
    c->holiday = calloc((size_t)c->n_days + 1, 1);
    c->booked = calloc(m->n_emps ? m->n_emps : 1, sizeof *c->booked);
    size_t maxw = 1;
    for (size_t e = 0; e < m->n_emps; e++)
        if (m->emps[e].window_count > maxw)
            maxw = m->emps[e].window_count;
    c->lbuf = malloc(maxw * 2 * sizeof *c->lbuf);
    c->pbuf = malloc((2 * DATE_REACH + 1) * maxw * 2 * sizeof *c->pbuf);
    c->pdate = malloc((2 * DATE_REACH + 1) * maxw * sizeof *c->pdate);
    if (!c->holiday || !c->booked || !c->lbuf || !c->pbuf || !c->pdate)
        goto done;
    for (int32_t h = 0; h < cfg->quarter.n_holidays; h++) {
        int32_t i = cfg->quarter.holidays[h] - c->q0;
        if (i >= 0 && i < c->n_days)
            c->holiday[i] = 1;
    }
    rc = zones_build(c);
done:
    return rc;
}

struct sched_work {
    ctx c;
    const match_result *r;
};

void sched_abandon(sched_work *w)
{
    if (!w)
        return;
    ctx_free(&w->c);
    free(w);
}

int sched_begin(const match_result *r, sched_result *out, sched_work **work)
{
    int rc = MM_ENOMEM;
    sched_work *w = calloc(1, sizeof *w);
    memset(out, 0, sizeof *out);
    *work = NULL;
    if (!w)
        goto done;
    w->r = r;
    if ((rc = ctx_init(&w->c, r, out)) != MM_OK)
        goto done;
    const match_track *mt = &r->t[TRACK_MENTORING];
    int32_t cadence = r->cfg->mentoring.cadence_weeks > 0 ? r->cfg->mentoring.cadence_weeks : 1;
    size_t per_pair = (size_t)((r->cfg->quarter.weeks + cadence - 1) / cadence);
    if (mt->enabled) {
        out->planned += mt->n_pairs * per_pair;
        for (size_t i = 0; i < mt->n_pairs; i++)
            if ((rc = place_mentoring(&w->c, mt->pairs[i].learner, mt->pairs[i].partner)) !=
                MM_OK)
                goto done;
    }
    *work = w;
    w = NULL;
done:
    if (w) {
        sched_abandon(w);
        sched_free(out);
    }
    return rc;
}

int sched_finish(sched_work *w)
{
    int rc = MM_OK;
    sched_result *out = w->c.out;
    const match_track *st = &w->r->t[TRACK_SHADOWING];
    if (st->enabled) {
        out->planned += st->n_pairs;
        for (size_t i = 0; i < st->n_pairs; i++)
            if ((rc = place_shadowing(&w->c, st->pairs[i].learner, st->pairs[i].partner, i,
                                      st->n_pairs)) != MM_OK)
                break;
    }
    if (rc == MM_OK && out->n_sessions > 1)
        qsort(out->sessions, out->n_sessions, sizeof *out->sessions, cmp_session);
    sched_abandon(w);
    if (rc != MM_OK)
        sched_free(out);
    return rc;
}

int schedule_build(const match_result *r, sched_result *out)
{
    sched_work *w;
    int rc = sched_begin(r, out, &w);
    return rc == MM_OK ? sched_finish(w) : rc;
}

void sched_free(sched_result *s)
{
    if (!s)
        return;
    free(s->sessions);
    free(s->unplaced);
    memset(s, 0, sizeof *s);
}
