/*
 * tz.c - time zones (libical's built-in zone data) and the reference week.
 *
 * A zone's UTC offset is a step function of the UTC instant. Everything
 * here reads it through libical and then works on "pieces": the steps of
 * that function over a bounded UTC range, found by sampling every 15
 * minutes and bisecting each change to the minute. Converting a local time
 * is then pure arithmetic on the pieces, and tz_local_to_utc and the
 * reference week use the same conversion (local_from_pieces), so they
 * agree everywhere.
 *
 * Assumptions about the zone data (true of every zone in the tz database
 * since 1970): offsets are within +-16 hours, two offset changes of one
 * zone are more than 15 minutes apart, and (fast path of tz_local_to_utc)
 * never cancel out within 34 hours. Offsets are whole minutes; a historic
 * offset with seconds (local mean time) is truncated toward zero.
 *
 * libical is not thread-safe (it expands a zone's changes lazily): all of
 * this file's libical calls happen in tz_get, tz_offset_at,
 * tz_local_to_utc and tz_week_build, which must run single-threaded. The
 * tz_week_* readers only read arrays.
 */
#include "tz.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

/* tz_zone is libical's icaltimezone seen through an opaque name. */
static icaltimezone *ical_of(const tz_zone *z) { return (icaltimezone *)(void *)z; }

const tz_zone *tz_get(const char *name)
{
    const tz_zone *z = NULL;
    if (!name || !*name)
        goto done;
    if (strcmp(name, "UTC") == 0)
        z = (const tz_zone *)(void *)icaltimezone_get_utc_timezone();
    else
        z = (const tz_zone *)(void *)icaltimezone_get_builtin_timezone(name);
done:
    return z;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int32_t tz_offset_at(const tz_zone *z, int64_t utc_min)
{
    int64_t days = floor_div(utc_min, 1440);
    int64_t minute = utc_min - days * 1440;
    int32_t y, mo, d;
    civil_from_days((int32_t)days, &y, &mo, &d);
    struct icaltimetype t = icaltime_null_time();
    t.year = y;
    t.month = mo;
    t.day = d;
    t.hour = (int)(minute / 60);
    t.minute = (int)(minute % 60);
    t.second = 0;
    t.is_date = 0;
    t.zone = icaltimezone_get_utc_timezone();
    int is_daylight = 0;
    int seconds = icaltimezone_get_utc_offset_of_utc_time(ical_of(z), &t, &is_daylight);
    return (int32_t)(seconds / 60);
}

/* ---- pieces: the offset as a step function ------------------------------ */

/* Offset `off` holds from `start` (UTC minutes) up to the next piece's start.
   The first piece is taken to extend to -infinity, the last to +infinity. */
typedef struct piece {
    int64_t start;
    int32_t off;
} piece;

/* Sampling step; offset changes are assumed to be further apart. */
#define TZ_STEP 15
/* A valid UTC instant of local time L lies in [L - TZ_REACH, L + TZ_REACH]. */
#define TZ_REACH (17 * 60)

/*
 * The steps of z's offset over [lo, hi]: writes at most max pieces and
 * returns their count (max must be at least (hi - lo) / TZ_STEP + 2; each
 * sample can add one change).
 */
static size_t pieces_build(const tz_zone *z, int64_t lo, int64_t hi, piece *p, size_t max)
{
    size_t n = 0;
    int32_t prev = tz_offset_at(z, lo);
    p[n++] = (piece){lo, prev};
    for (int64_t t = lo; t < hi;) {
        int64_t next = t + TZ_STEP < hi ? t + TZ_STEP : hi;
        int32_t o = tz_offset_at(z, next);
        int64_t a = t;
        while (o != prev && n < max) {
            /* off(a) == prev, off(next) != prev: bisect to the minute. */
            int64_t b = next;
            while (b - a > 1) {
                int64_t mid = a + (b - a) / 2;
                if (tz_offset_at(z, mid) == prev)
                    a = mid;
                else
                    b = mid;
            }
            prev = tz_offset_at(z, b);
            p[n++] = (piece){b, prev};
            a = b;
        }
        t = next;
    }
    return n;
}

/*
 * The UTC instant of local minute L (local minutes since 1970-01-01T00:00
 * as if local time were UTC). A valid instant u has u + off(u) == L; when
 * two are valid (a fall-back overlap) the earlier wins, as pieces are in
 * time order; when none is (a spring-forward gap) the answer is the change
 * instant, the first moment after the gap.
 */
static int64_t local_from_pieces(const piece *p, size_t n, int64_t L)
{
    int64_t u = L - p[0].off;
    for (size_t k = 0; k < n; k++) {
        int64_t cand = L - p[k].off;
        if ((k == 0 || cand >= p[k].start) && (k + 1 == n || cand < p[k + 1].start)) {
            u = cand;
            goto done;
        }
    }
    for (size_t k = 0; k + 1 < n; k++) {
        int64_t t = p[k + 1].start;
        if (L >= t + p[k].off && L < t + p[k + 1].off) {
            u = t;
            goto done;
        }
    }
done:
    return u;
}

int64_t tz_local_to_utc(const tz_zone *z, int32_t days, int32_t minute)
{
    enum { MAX_PIECES = 2 * TZ_REACH / TZ_STEP + 2 };
    int64_t L = (int64_t)days * 1440 + minute;
    int32_t before = tz_offset_at(z, L - TZ_REACH);
    int32_t after = tz_offset_at(z, L + TZ_REACH);
    int64_t u = L - before;
    if (before == after && tz_offset_at(z, u) == before)
        goto done; /* no change anywhere near L */
    piece p[MAX_PIECES];
    size_t n = pieces_build(z, L - TZ_REACH, L + TZ_REACH, p, MAX_PIECES);
    u = local_from_pieces(p, n, L);
done:
    return u;
}

/* ---- the reference week ------------------------------------------------- */

struct tz_week {
    int32_t monday;  /* days since 1970-01-01 */
    size_t n_emps;
    size_t *first;   /* n_emps + 1: employee e's intervals are iv[2*first[e] .. 2*first[e+1]) */
    int32_t *iv;     /* start, end pairs, minutes from 00:00 UTC of monday */
    int32_t *offset; /* per employee, minutes, at 00:00 UTC of quarter.start */
};

/* One distinct zone name seen while building. */
typedef struct zone_slot {
    const char *name; /* the model's string */
    const tz_zone *zone; /* NULL when unknown */
    int32_t start_offset;
    piece *pieces;   /* the week's steps, malloc'd */
    size_t n_pieces;
} zone_slot;

typedef struct zone_cache {
    zone_slot *slots;
    size_t n, cap;     /* slots used, capacity (a power of two) */
    int32_t *index;    /* open addressing: slot number or -1 */
    size_t index_cap;
} zone_cache;

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void cache_free(zone_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->slots[i].pieces);
    free(c->slots);
    free(c->index);
}

/* Doubles the hash index; MM_OK or MM_ENOMEM. */
static int cache_grow(zone_cache *c)
{
    int rc = MM_ENOMEM;
    size_t cap = c->index_cap ? c->index_cap * 2 : 64;
    int32_t *index = malloc(cap * sizeof *index);
    zone_slot *slots = realloc(c->slots, cap / 2 * sizeof *slots);
    if (!index || !slots) {
        free(index);
        if (slots)
            c->slots = slots;
        goto done;
    }
    c->slots = slots;
    c->cap = cap / 2;
    for (size_t i = 0; i < cap; i++)
        index[i] = -1;
    for (size_t s = 0; s < c->n; s++) {
        size_t i = hash_name(c->slots[s].name) & (cap - 1);
        while (index[i] >= 0)
            i = (i + 1) & (cap - 1);
        index[i] = (int32_t)s;
    }
    free(c->index);
    c->index = index;
    c->index_cap = cap;
    rc = MM_OK;
done:
    return rc;
}

/*
 * The slot of a zone name, computing the zone's week (pieces over the
 * reference week and a margin) and its offset at quarter.start the first
 * time the name is seen. *slot gets the slot number; MM_OK or MM_ENOMEM.
 */
static int cache_lookup(zone_cache *c, const char *name, int64_t week_lo, int64_t week_hi,
                        int64_t start_min, size_t *slot)
{
    int rc = MM_OK;
    if (c->n + 1 > c->cap && (rc = cache_grow(c)) != MM_OK)
        goto done;
    size_t mask = c->index_cap - 1;
    size_t i = hash_name(name) & mask;
    for (; c->index[i] >= 0; i = (i + 1) & mask) {
        if (strcmp(c->slots[c->index[i]].name, name) == 0) {
            *slot = (size_t)c->index[i];
            goto done;
        }
    }
    zone_slot s = {name, tz_get(name), 0, NULL, 0};
    if (s.zone) {
        size_t max = (size_t)((week_hi - week_lo) / TZ_STEP + 2);
        s.pieces = malloc(max * sizeof *s.pieces);
        if (!s.pieces) {
            rc = MM_ENOMEM;
            goto done;
        }
        s.n_pieces = pieces_build(s.zone, week_lo, week_hi, s.pieces, max);
        s.start_offset = tz_offset_at(s.zone, start_min);
    }
    c->index[i] = (int32_t)c->n;
    c->slots[c->n] = s;
    *slot = c->n++;
done:
    return rc;
}

/* Sorts one employee's intervals by start (few: insertion sort), then merges
   the ones that overlap or touch. Returns the number of intervals left. */
static size_t merge_intervals(int32_t *iv, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int32_t s = iv[2 * i], e = iv[2 * i + 1];
        size_t j = i;
        while (j > 0 && iv[2 * (j - 1)] > s) {
            iv[2 * j] = iv[2 * (j - 1)];
            iv[2 * j + 1] = iv[2 * (j - 1) + 1];
            j--;
        }
        iv[2 * j] = s;
        iv[2 * j + 1] = e;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && iv[2 * i] <= iv[2 * (k - 1) + 1]) {
            if (iv[2 * i + 1] > iv[2 * (k - 1) + 1])
                iv[2 * (k - 1) + 1] = iv[2 * i + 1];
        } else {
            iv[2 * k] = iv[2 * i];
            iv[2 * k + 1] = iv[2 * i + 1];
            k++;
        }
    }
    return k;
}

/*
 * Builds the reference week. Each window (day d, start, end) of an employee
 * is the local interval from `start` to `end` on date monday + d, its two
 * ends converted separately (so a window across a daylight-saving change
 * is as long as the time that really passes); a window that falls wholly
 * in a spring-forward gap is empty and dropped. Windows with a day outside
 * 0..6 or end <= start are ignored (the importer rejects them). One
 * person's windows that overlap or touch are merged, so each employee's
 * intervals are sorted, disjoint and separated by gaps. An employee with an
 * unknown zone gets no intervals and offset 0. Returns MM_OK or MM_ENOMEM;
 * *out is owned by the caller (tz_week_free) and NULL on failure.
 */
int tz_week_build(const mm_model *m, const mm_config *cfg, tz_week **out)
{
    int rc = MM_ENOMEM;
    zone_cache cache = {0};
    tz_week *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w || m->n_window_rows > SIZE_MAX / (4 * sizeof *w->iv))
        goto done;
    int32_t start = cfg->quarter.start;
    w->monday = start + (7 - weekday_from_days(start)) % 7;
    w->n_emps = m->n_emps;
    w->first = malloc((m->n_emps + 1) * sizeof *w->first);
    w->offset = malloc((m->n_emps ? m->n_emps : 1) * sizeof *w->offset);
    w->iv = malloc((m->n_window_rows ? m->n_window_rows : 1) * 2 * sizeof *w->iv);
    if (!w->first || !w->offset || !w->iv)
        goto done;

    int64_t base = (int64_t)w->monday * 1440;
    int64_t week_lo = base - TZ_REACH, week_hi = base + 7 * 1440 + TZ_REACH;
    int64_t start_min = (int64_t)start * 1440;
    size_t total = 0, slot = 0;
    const char *last_name = NULL;
    for (size_t e = 0; e < m->n_emps; e++) {
        const model_employee *emp = &m->emps[e];
        w->first[e] = total;
        const char *name = emp->timezone ? emp->timezone : "";
        if (!last_name || (name != last_name && strcmp(name, last_name) != 0)) {
            rc = cache_lookup(&cache, name, week_lo, week_hi, start_min, &slot);
            if (rc != MM_OK)
                goto done;
            last_name = name;
        }
        const zone_slot *zs = &cache.slots[slot];
        w->offset[e] = zs->start_offset;
        if (!zs->zone)
            continue;
        const model_window_row *win = model_emp_windows(m, (int32_t)e);
        int32_t *iv = w->iv + 2 * total;
        size_t n = 0;
        for (uint32_t k = 0; k < emp->window_count; k++) {
            const model_window *x = &win[k].w;
            if (x->day < 0 || x->day > 6 || x->start < 0 || x->end > 1440 || x->start >= x->end)
                continue;
            int64_t day = base + (int64_t)x->day * 1440;
            int64_t a, b;
            if (zs->n_pieces == 1) {
                a = day + x->start - zs->pieces[0].off;
                b = day + x->end - zs->pieces[0].off;
            } else {
                a = local_from_pieces(zs->pieces, zs->n_pieces, day + x->start);
                b = local_from_pieces(zs->pieces, zs->n_pieces, day + x->end);
            }
            if (b <= a)
                continue;
            iv[2 * n] = (int32_t)(a - base);
            iv[2 * n + 1] = (int32_t)(b - base);
            n++;
        }
        total += merge_intervals(iv, n);
    }
    w->first[m->n_emps] = total;
    rc = MM_OK;
done:
    cache_free(&cache);
    if (rc != MM_OK)
        tz_week_free(w);
    else
        *out = w;
    return rc;
}

void tz_week_free(tz_week *w)
{
    if (w) {
        free(w->first);
        free(w->iv);
        free(w->offset);
        free(w);
    }
}

const int32_t *tz_week_intervals(const tz_week *w, int32_t e, size_t *n)
{
    assert(e >= 0 && (size_t)e < w->n_emps);
    *n = w->first[e + 1] - w->first[e];
    return w->iv + 2 * w->first[e];
}

int32_t tz_week_offset(const tz_week *w, int32_t e)
{
    assert(e >= 0 && (size_t)e < w->n_emps);
    return w->offset[e];
}

int32_t tz_week_monday(const tz_week *w) { return w->monday; }

int32_t tz_week_overlap(const tz_week *w, int32_t a, int32_t b)
{
    size_t na, nb;
    const int32_t *x = tz_week_intervals(w, a, &na);
    const int32_t *y = tz_week_intervals(w, b, &nb);
    int32_t total = 0;
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        int32_t lo = x[2 * i] > y[2 * j] ? x[2 * i] : y[2 * j];
        int32_t hi = x[2 * i + 1] < y[2 * j + 1] ? x[2 * i + 1] : y[2 * j + 1];
        if (hi > lo)
            total += hi - lo;
        if (x[2 * i + 1] < y[2 * j + 1])
            i++;
        else
            j++;
    }
    return total;
}
