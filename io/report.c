/*
 * report.c - report.json and the files rendered from it.
 *
 * Keys and their order are part of the contract (SPEC section 6); arrays
 * are in a fixed order (tracks, then learner id, then partner id), so the
 * same inputs give the same bytes, timestamps and timings aside.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>
#include <stdarg.h>
#include <time.h>

#include "config.h"
#include "csv.h"
#include "fileio.h"
#include "ics.h"
#include "import.h"
#include "jsonw.h"
#include "parwrite.h"
#include "recognition.h"
#include "settings.h"
#include "tz.h"

const char *const report_phase_names[PHASE_COUNT] = {"import", "score", "solve", "schedule",
                                                     "export"};

/* cJSON's adders return NULL when out of memory; one flag collects them. */
typedef struct builder {
    bool oom;
} builder;

/* The object parent[key], NULL when out of memory or when parent is NULL (its
   own creation failed, already flagged): a child made without its parent
   would belong to nothing and leak. */
static cJSON *obj(builder *b, cJSON *parent, const char *key)
{
    cJSON *o = parent ? cJSON_AddObjectToObject(parent, key) : NULL;
    b->oom |= !o;
    return o;
}

static cJSON *arr(builder *b, cJSON *parent, const char *key)
{
    cJSON *a = cJSON_AddArrayToObject(parent, key);
    b->oom |= !a;
    return a;
}

static cJSON *item(builder *b, cJSON *array)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(array, o)) {
        cJSON_Delete(o);
        b->oom = true;
        return NULL;
    }
    return o;
}

static void num(builder *b, cJSON *o, const char *key, double v)
{
    if (!o)
        return;
    cJSON *n = isfinite(v) ? cJSON_AddNumberToObject(o, key, v) : cJSON_AddNullToObject(o, key);
    b->oom |= !n;
}

static void str(builder *b, cJSON *o, const char *key, const char *v)
{
    if (o)
        b->oom |= !cJSON_AddStringToObject(o, key, v ? v : "");
}

static void boolean(builder *b, cJSON *o, const char *key, bool v)
{
    if (o)
        b->oom |= !cJSON_AddBoolToObject(o, key, v);
}

/* Rounds to 6 decimals so figures read well and are stable. */
static double r6(double v)
{
    return isfinite(v) ? round(v * 1e6) / 1e6 : v;
}

static void add_solver(builder *b, cJSON *o, const match_track *mt)
{
    if (!mt->enabled)
        return;
    const solve_result *s = &mt->sol;
    str(b, o, "method", s->method);
    str(b, o, "status", s->status);
    num(b, o, "matched", (double)s->learners);
    num(b, o, "sessions", (double)s->sessions);
    num(b, o, "total_score", (double)s->total_score);
    num(b, o, "objective", s->objective);
    num(b, o, "bound", s->bound);
    num(b, o, "gap", s->gap);
    boolean(b, o, "optimal", strcmp(s->status, "optimal") == 0);
    num(b, o, "eligible_pairs", (double)mt->eligible_pairs);
    num(b, o, "learners", (double)mt->learners);
    /* how the optimum over all eligible pairs was reached (solver.max_candidates) */
    num(b, o, "solved_pairs", (double)mt->n_arcs);
    num(b, o, "widened_learners", (double)mt->widened);
    num(b, o, "network_pivots", (double)s->pivots);
}

/* ---- the large sections, streamed ---------------------------------------- */

/* Appends to a string cut at size - 1 bytes, as snprintf cuts. */
typedef struct sbuf {
    char *p;
    size_t n, size;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t len)
{
    size_t left = b->size - 1 - b->n;
    if (len > left)
        len = left;
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void sb_int(sbuf *b, int v)
{
    char tmp[16], *e = tmp + sizeof tmp, *p = e;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    sb_put(b, p, (size_t)(e - p));
}

/* The room for a session id whole: "M-", two ids of the longest length an
   input may give, two dashes, a number of int32_t and the NUL. */
#define SESSION_ID_BUF (2 * IMPORT_MAX_ID_BYTES + 16)

/* A stable id for a session: track letter, learner, partner, number (as
   snprintf "%c-%s-%s-%d" writes it into size bytes). */
static void session_id(const mm_model *m, int32_t track, int32_t learner, int32_t partner,
                       int32_t seq, char *buf, size_t size)
{
    sbuf b = {buf, 0, size};
    buf[0] = '\0';
    sb_put(&b, track == TRACK_MENTORING ? "M-" : "S-", 2);
    sb_put(&b, m->emps[learner].id, strlen(m->emps[learner].id));
    sb_put(&b, "-", 1);
    sb_put(&b, m->emps[partner].id, strlen(m->emps[partner].id));
    sb_put(&b, "-", 1);
    sb_int(&b, (int)seq);
}

#define NO_ZONE INT32_MIN
#define TIME_BUF 96

static char *two(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* UTC minutes as 2027-01-05T15:00:00Z, or with the local offset off
   (minutes east; NO_ZONE: UTC). buf holds TIME_BUF bytes. */
static void format_time(int64_t utc_min, int32_t off, char *buf)
{
    int64_t local = utc_min + (off == NO_ZONE ? 0 : off);
    int64_t days = local >= 0 ? local / 1440 : -((-local + 1439) / 1440);
    int32_t minute = (int32_t)(local - days * 1440);
    int32_t y, mo, d;
    civil_from_days((int32_t)days, &y, &mo, &d);
    if (y < 0 || y > 9999) {
        if (off == NO_ZONE) {
            snprintf(buf, TIME_BUF, "%04d-%02d-%02dT%02d:%02d:00Z", (int)y, (int)mo, (int)d,
                     (int)(minute / 60), (int)(minute % 60));
        } else {
            int32_t a = off < 0 ? -off : off;
            snprintf(buf, TIME_BUF, "%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", (int)y, (int)mo,
                     (int)d, (int)(minute / 60), (int)(minute % 60), off < 0 ? '-' : '+',
                     (int)(a / 60), (int)(a % 60));
        }
        return;
    }
    char *p = two(two(buf, (int)y / 100), (int)y % 100);
    *p++ = '-';
    p = two(p, (int)mo);
    *p++ = '-';
    p = two(p, (int)d);
    *p++ = 'T';
    p = two(p, (int)(minute / 60));
    *p++ = ':';
    p = two(p, (int)(minute % 60));
    memcpy(p, ":00", 3);
    p += 3;
    if (off == NO_ZONE) {
        *p++ = 'Z';
    } else {
        int32_t a = off < 0 ? -off : off;
        *p++ = off < 0 ? '-' : '+';
        if (a / 60 > 99) { /* no zone is that far off; as %02d would write it */
            snprintf(p, 64, "%02d:%02d", (int)(a / 60), (int)(a % 60));
            return;
        }
        p = two(p, (int)(a / 60));
        *p++ = ':';
        p = two(p, (int)(a % 60));
    }
    *p = '\0';
}

/* Zones by name and offsets by (zone, instant), remembered: libical
   searches its list of zones by name, and works an offset out from the
   zone's rules each time, while a schedule holds a few dozen zones and a
   few thousand start times. */
#define ZONE_SLOTS 1024
#define OFFSET_SLOTS 8192

typedef struct zone_cache {
    struct {
        const char *name;
        const tz_zone *zone;
    } zones[ZONE_SLOTS];
    struct {
        const tz_zone *zone;
        int64_t utc_min;
        int32_t off;
    } offsets[OFFSET_SLOTS];
} zone_cache;

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static const tz_zone *cached_zone(zone_cache *c, const char *name)
{
    if (!name || !*name)
        return NULL;
    uint64_t h = 1469598103934665603ull;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (size_t i = 0, k = h % ZONE_SLOTS; i < ZONE_SLOTS; i++, k = (k + 1) % ZONE_SLOTS) {
        if (!c->zones[k].name) {
            c->zones[k].name = name;
            return c->zones[k].zone = tz_get(name);
        }
        if (strcmp(c->zones[k].name, name) == 0)
            return c->zones[k].zone;
    }
    return tz_get(name); /* more names than slots */
}

/* The local offset at utc_min in zone z; NO_ZONE when z is NULL (unknown). */
static int32_t cached_offset(zone_cache *c, const tz_zone *z, int64_t utc_min)
{
    if (!z)
        return NO_ZONE;
    size_t k = mix((uint64_t)(uintptr_t)z * 31 + (uint64_t)utc_min) % OFFSET_SLOTS;
    if (c->offsets[k].zone != z || c->offsets[k].utc_min != utc_min) {
        c->offsets[k].zone = z;
        c->offsets[k].utc_min = utc_min;
        c->offsets[k].off = tz_offset_at(z, utc_min);
    }
    return c->offsets[k].off;
}

/* The local offsets of each session's start: learner's and partner's
   (NO_ZONE for an unknown zone), 2 per session; NULL when out of memory.
   Each employee's zone is looked up once, in employee order: the sessions
   are in time order, and looking a zone up by the name in each person's
   record, scattered over the model, took 1.48 s at a million employees
   (0.05 s now; one traced run each). */
static int32_t *session_offsets(const mm_model *m, const sched_result *sched)
{
    size_t n = sched ? sched->n_sessions : 0;
    int32_t *off = malloc((2 * n + 1) * sizeof *off);
    zone_cache *c = calloc(1, sizeof *c);
    const tz_zone **zone_of = malloc((m->n_emps ? m->n_emps : 1) * sizeof *zone_of);
    if (!off || !c || !zone_of) {
        free(off);
        free(c);
        free(zone_of);
        return NULL;
    }
    for (size_t e = 0; n && e < m->n_emps; e++)
        zone_of[e] = cached_zone(c, m->emps[e].timezone);
    for (size_t i = 0; i < n; i++) {
        const sched_session *x = &sched->sessions[i];
        off[2 * i] = cached_offset(c, zone_of[x->learner], x->start_min);
        off[2 * i + 1] = cached_offset(c, zone_of[x->partner], x->start_min);
    }
    free(c);
    free(zone_of);
    return off;
}

/* Items in a block formatted by one thread (parwrite.h): about a MiB of text. */
#define REPORT_GRAIN 2048

/*
 * What the formatting of a large section's items reads, on any thread
 * (parwrite_fn): the run, and for report.json the writer inside the
 * section's array. Sections listed per track count their items across the
 * tracks: those of track t are [first[t], first[t + 1]).
 */
typedef struct section {
    const match_result *r;
    const sched_result *sched;
    const int32_t *off; /* session_offsets */
    const jsonw *w;
    size_t first[TRACK_COUNT + 1];
    int64_t stamp; /* schedule.ics: DTSTAMP */
} section;

/* A section over the tracks, count(track) items each. */
static void per_track(section *s, size_t (*count)(const match_track *))
{
    s->first[0] = 0;
    for (int t = 0; t < TRACK_COUNT; t++)
        s->first[t + 1] = s->first[t] + count(&s->r->t[t]);
}

/* The track of item i of a per_track section; *i becomes its index there. */
static int track_at(const section *s, size_t *i)
{
    int t = 0;
    while (t + 1 < TRACK_COUNT && *i >= s->first[t + 1])
        t++;
    *i -= s->first[t];
    return t;
}

/* The items of a section of report.json, formatted on threads threads
   into w's stream, inside the array w has open. */
static void json_items(jsonw *w, section *s, size_t n, int threads, parwrite_fn format)
{
    s->w = w;
    parwrite_items(w->os, n, REPORT_GRAIN, threads, format, s);
    jsonw_join(w, n > 0);
}

static size_t count_pairs(const match_track *mt)
{
    return mt->n_pairs;
}

static void pairs_range(const void *ctx, size_t begin, size_t end, ostream *out)
{
    const section *s = ctx;
    const mm_model *m = s->r->model;
    jsonw w;
    jsonw_fork(&w, s->w, out, begin > 0);
    for (size_t i = begin; i < end; i++) {
        size_t k = i;
        int t = track_at(s, &k);
        const match_pair *p = &s->r->t[t].pairs[k];
        jsonw_object(&w, NULL);
        jsonw_string(&w, "track", track_name(t));
        jsonw_string(&w, "learner_id", m->emps[p->learner].id);
        jsonw_string(&w, "partner_id", m->emps[p->partner].id);
        jsonw_number(&w, "score", p->score);
        jsonw_bool(&w, "pinned", p->pinned);
        jsonw_object(&w, "features");
        for (int f = 0; f < FEATURE_COUNT; f++)
            jsonw_number(&w, feature_names[f], r6(p->features[f]));
        jsonw_end(&w);
        jsonw_end(&w);
    }
}

static void write_pairs(jsonw *w, const match_result *r, int threads)
{
    section s = {.r = r};
    per_track(&s, count_pairs);
    jsonw_array(w, "pairs");
    json_items(w, &s, s.first[TRACK_COUNT], threads, pairs_range);
    jsonw_end(w);
}

/* Opens a session object with the keys every session has. */
static void session_item(jsonw *w, const mm_model *m, int32_t track, int32_t learner,
                         int32_t partner, int32_t seq)
{
    char id[SESSION_ID_BUF];
    session_id(m, track, learner, partner, seq, id, sizeof id);
    jsonw_object(w, NULL);
    jsonw_string(w, "id", id);
    jsonw_string(w, "track", track_name(track));
    jsonw_string(w, "learner_id", m->emps[learner].id);
    jsonw_string(w, "partner_id", m->emps[partner].id);
    jsonw_number(w, "session", seq);
}

/* How far ahead of the session being formatted its people are fetched
   (prefetch_people), and their strings, once their records are in. */
#define PREFETCH_RECORDS 16
#define PREFETCH_STRINGS 8

/*
 * Asks the cache for what the sessions ahead of i read: the two records of
 * session i + PREFETCH_RECORDS, and the ids (with names and emails, `all`)
 * of session i + PREFETCH_STRINGS, whose records were asked for before.
 * The sessions are in time order, their people scattered over the model:
 * at a million employees each session's records and strings were a chain
 * of cache misses (`strlen` and `session_id` a sixth of the writing's CPU).
 * Only hints: nothing is read that the loop would not read.
 */
static void prefetch_people(const mm_model *m, const sched_result *sched, size_t i, bool all)
{
    const sched_session *v = sched->sessions;
    if (i + PREFETCH_RECORDS < sched->n_sessions) {
        __builtin_prefetch(&m->emps[v[i + PREFETCH_RECORDS].learner]);
        __builtin_prefetch(&m->emps[v[i + PREFETCH_RECORDS].partner]);
    }
    if (i + PREFETCH_STRINGS < sched->n_sessions) {
        const model_employee *who[2] = {&m->emps[v[i + PREFETCH_STRINGS].learner],
                                        &m->emps[v[i + PREFETCH_STRINGS].partner]};
        for (int k = 0; k < 2; k++) {
            __builtin_prefetch(who[k]->id);
            if (all) {
                __builtin_prefetch(who[k]->name);
                __builtin_prefetch(who[k]->email);
            }
        }
    }
}

static void sessions_range(const void *ctx, size_t begin, size_t end, ostream *out)
{
    const section *s = ctx;
    const mm_model *m = s->r->model;
    jsonw w;
    jsonw_fork(&w, s->w, out, begin > 0);
    for (size_t i = begin; i < end; i++) {
        const sched_session *x = &s->sched->sessions[i];
        prefetch_people(m, s->sched, i, false);
        char buf[TIME_BUF];
        session_item(&w, m, x->track, x->learner, x->partner, x->seq);
        format_time(x->start_min, NO_ZONE, buf);
        jsonw_string(&w, "start_utc", buf);
        format_time(x->end_min, NO_ZONE, buf);
        jsonw_string(&w, "end_utc", buf);
        format_time(x->start_min, s->off[2 * i], buf);
        jsonw_string(&w, "learner_local_start", buf);
        format_time(x->start_min, s->off[2 * i + 1], buf);
        jsonw_string(&w, "partner_local_start", buf);
        jsonw_end(&w);
    }
}

static void unplaced_range(const void *ctx, size_t begin, size_t end, ostream *out)
{
    const section *s = ctx;
    jsonw w;
    jsonw_fork(&w, s->w, out, begin > 0);
    for (size_t i = begin; i < end; i++) {
        const sched_unplaced *x = &s->sched->unplaced[i];
        session_item(&w, s->r->model, x->track, x->learner, x->partner, x->seq);
        jsonw_string(&w, "reason", x->reason);
        jsonw_end(&w);
    }
}

static void write_sessions(jsonw *w, const match_result *r, const sched_result *sched,
                           const int32_t *off, int threads)
{
    section s = {.r = r, .sched = sched, .off = off};
    jsonw_array(w, "sessions");
    json_items(w, &s, sched ? sched->n_sessions : 0, threads, sessions_range);
    jsonw_end(w);
    jsonw_array(w, "unplaced_sessions");
    json_items(w, &s, sched ? sched->n_unplaced : 0, threads, unplaced_range);
    jsonw_end(w);
}

static size_t count_alts(const match_track *mt)
{
    return mt->n_alts;
}

static void alternatives_range(const void *ctx, size_t begin, size_t end, ostream *out)
{
    const section *s = ctx;
    const mm_model *m = s->r->model;
    jsonw w;
    jsonw_fork(&w, s->w, out, begin > 0);
    for (size_t i = begin; i < end; i++) {
        size_t k = i;
        int t = track_at(s, &k);
        const match_alternatives *a = &s->r->t[t].alts[k];
        jsonw_object(&w, NULL);
        jsonw_string(&w, "learner_id", m->emps[a->learner].id);
        jsonw_string(&w, "track", track_name(t));
        jsonw_array(&w, "partners");
        for (int32_t j = 0; j < a->n; j++) {
            jsonw_object(&w, NULL);
            jsonw_string(&w, "partner_id", m->emps[a->partner[j]].id);
            jsonw_number(&w, "score", a->score[j]);
            jsonw_end(&w);
        }
        jsonw_end(&w);
        jsonw_end(&w);
    }
}

static void write_unmatched(jsonw *w, const match_result *r, int threads)
{
    const mm_model *m = r->model;
    jsonw_array(w, "unmatched");
    for (int t = 0; t < TRACK_COUNT; t++) {
        const match_track *mt = &r->t[t];
        for (size_t i = 0; i < mt->n_unmatched; i++) {
            jsonw_object(w, NULL);
            jsonw_string(w, "learner_id", m->emps[mt->unmatched[i].learner].id);
            jsonw_string(w, "track", track_name(t));
            jsonw_string(w, "reason", reason_names[mt->unmatched[i].reason]);
            jsonw_string(w, "detail", mt->unmatched[i].detail);
            jsonw_end(w);
        }
    }
    jsonw_end(w);
    section s = {.r = r};
    per_track(&s, count_alts);
    jsonw_array(w, "alternatives");
    json_items(w, &s, s.first[TRACK_COUNT], threads, alternatives_range);
    jsonw_end(w);
}

static void write_supply(jsonw *w, const match_result *r)
{
    const mm_model *m = r->model;
    jsonw_object(w, "supply");
    jsonw_array(w, "skills");
    for (size_t i = 0; i < r->n_supply; i++) {
        jsonw_object(w, NULL);
        jsonw_string(w, "skill", m->skill_names[r->supply[i].skill]);
        jsonw_number(w, "learners", r->supply[i].learners);
        jsonw_number(w, "mentors", r->supply[i].mentors);
        jsonw_number(w, "hosts", r->supply[i].hosts);
        jsonw_end(w);
    }
    jsonw_end(w);
    static const char *const keys[TRACK_COUNT] = {"mentor_slot_value", "host_slot_value"};
    static const char *const ids[TRACK_COUNT] = {"mentor_id", "host_id"};
    for (int t = 0; t < TRACK_COUNT; t++) {
        const match_track *mt = &r->t[t];
        jsonw_array(w, keys[t]);
        for (size_t i = 0; i < mt->n_slots; i++) {
            jsonw_object(w, NULL);
            jsonw_string(w, ids[t], m->emps[mt->slots[i].partner].id);
            jsonw_number(w, "extra_matches", (double)mt->slots[i].extra_matches);
            jsonw_number(w, "score_gain", (double)mt->slots[i].score_gain);
            jsonw_end(w);
        }
        jsonw_end(w);
    }
    jsonw_end(w);
}

static void add_fairness(builder *b, cJSON *root, const match_result *r)
{
    const match_fairness *f = &r->fair;
    cJSON *fo = obj(b, root, "fairness");
    cJSON *attrs = fo ? arr(b, fo, "attributes") : NULL;
    for (size_t a = 0; a < f->n_attrs && attrs; a++) {
        const fair_attr *fa = &f->attrs[a];
        cJSON *o = item(b, attrs);
        str(b, o, "name", fa->name);
        str(b, o, "track", track_name(fa->track));
        num(b, o, "demographic_parity_difference", r6(fa->dp_difference));
        num(b, o, "demographic_parity_ratio", r6(fa->dp_ratio));
        cJSON *gs = o ? arr(b, o, "groups") : NULL;
        for (size_t g = 0; g < fa->n_groups && gs; g++) {
            const fair_group *gr = &fa->groups[g];
            if (gr->learners == 0)
                continue; /* no learner of this group asked for the track */
            cJSON *go = item(b, gs);
            str(b, go, "group", gr->name);
            if (gr->suppressed) {
                boolean(b, go, "suppressed", true);
                continue;
            }
            num(b, go, "learners", gr->learners);
            num(b, go, "matched", gr->matched);
            num(b, go, "selection_rate", r6(gr->selection_rate));
            num(b, go, "impact_ratio", r6(gr->impact_ratio));
            boolean(b, go, "flagged", gr->flagged);
            num(b, go, "shortfall", gr->shortfall);
            num(b, go, "mean_score", r6(gr->mean_score));
            boolean(b, go, "suppressed", false);
        }
    }
    num(b, fo, "mentor_load_gini", r6(f->mentor_load_gini));
    num(b, fo, "cross_department_share", r6(f->cross_department_share));
    cJSON *md = fo ? arr(b, fo, "mentors_by_department") : NULL;
    for (size_t d = 0; d < f->n_depts && md; d++) {
        const fair_dept_use *u = &f->mentors_by_dept[d];
        if (u->available == 0)
            continue;
        cJSON *o = item(b, md);
        str(b, o, "department", r->model->depts[u->dept].name);
        num(b, o, "mentors_available", u->available);
        num(b, o, "mentors_used", u->used);
    }
    boolean(b, fo, "enforced", f->enforced);
    if (!fo)
        return;
    if (!f->enforced) {
        b->oom |= !cJSON_AddNullToObject(fo, "price_of_fairness");
        return;
    }
    cJSON *pf = obj(b, fo, "price_of_fairness");
    for (int t = 0; t < TRACK_COUNT && pf; t++) {
        if (!r->t[t].enabled)
            continue;
        cJSON *o = obj(b, pf, track_name(t));
        num(b, o, "matched_with", (double)f->learners_with[t]);
        num(b, o, "matched_without", (double)f->learners_without[t]);
        num(b, o, "score_with", (double)f->score_with[t]);
        num(b, o, "score_without", (double)f->score_without[t]);
    }
}

static void add_warnings(builder *b, cJSON *root, const mm_diag *diag)
{
    cJSON *w = arr(b, root, "warnings");
    for (size_t i = 0; diag && w && i < mm_diag_size(diag); i++) {
        if (mm_diag_severity(diag, i) != MM_SEV_WARNING)
            continue;
        cJSON *o = item(b, w);
        str(b, o, "file", mm_diag_file(diag, i));
        num(b, o, "line", (double)mm_diag_line(diag, i));
        str(b, o, "message", mm_diag_message(diag, i));
    }
}

/*
 * The sections of the report that stay small whatever the company's size
 * (run, summary, fairness, recognition, warnings), as a cJSON tree: the
 * report's root without its large arrays, which report_write_files streams
 * in their place. fairness.md is rendered from it. NULL when out of memory.
 */
static cJSON *build_small(const match_result *r, const sched_result *sched,
                          const report_meta *meta)
{
    builder b = {false};
    const mm_model *m = r->model;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    str(&b, root, "schema_version", REPORT_SCHEMA_VERSION);
    cJSON *run = obj(&b, root, "run");
    num(&b, run, "id", (double)meta->run_id);
    str(&b, run, "created_at", meta->created_at);
    str(&b, run, "inputs_sha256", meta->inputs_sha256);
    cJSON *cfg = settings_to_json(r->cfg);
    if (!cfg || !run || !cJSON_AddItemToObject(run, "config", cfg)) {
        cJSON_Delete(cfg);
        b.oom = true;
    }
    num(&b, run, "threads", meta->threads);
    cJSON *tm = obj(&b, run, "timings_ms");
    for (int p = 0; p < PHASE_COUNT; p++)
        num(&b, tm, report_phase_names[p], round(meta->timings_ms[p] * 1000) / 1000);
    cJSON *solver = obj(&b, run, "solver");
    for (int t = 0; t < TRACK_COUNT && solver; t++)
        add_solver(&b, obj(&b, solver, track_name(t)), &r->t[t]);

    size_t learners = 0, mentors = 0, hosts = 0;
    for (size_t i = 0; i < m->n_emps; i++) {
        learners += (m->emps[i].roles & ROLE_LEARNER) != 0;
        mentors += (m->emps[i].roles & ROLE_MENTOR) != 0;
        hosts += (m->emps[i].roles & ROLE_HOST) != 0;
    }
    cJSON *sum = obj(&b, root, "summary");
    num(&b, sum, "employees", (double)m->n_emps);
    num(&b, sum, "learners", (double)learners);
    num(&b, sum, "mentors", (double)mentors);
    num(&b, sum, "hosts", (double)hosts);
    num(&b, sum, "matched_mentoring", (double)r->t[TRACK_MENTORING].n_pairs);
    num(&b, sum, "unmatched_mentoring", (double)r->t[TRACK_MENTORING].n_unmatched);
    num(&b, sum, "shadow_learners", (double)r->t[TRACK_SHADOWING].sol.learners);
    num(&b, sum, "shadow_sessions", (double)r->t[TRACK_SHADOWING].n_pairs);
    num(&b, sum, "unmatched_shadowing", (double)r->t[TRACK_SHADOWING].n_unmatched);
    num(&b, sum, "sessions_planned", sched ? (double)sched->planned : 0);
    num(&b, sum, "sessions_scheduled", sched ? (double)sched->n_sessions : 0);
    num(&b, sum, "sessions_unplaced", sched ? (double)sched->n_unplaced : 0);
    num(&b, sum, "warnings", (double)mm_diag_warning_count(meta->diag));
    cJSON *by = obj(&b, sum, "unmatched_by_reason");
    for (int t = 0; t < TRACK_COUNT && by; t++) {
        if (!r->t[t].enabled)
            continue;
        cJSON *o = obj(&b, by, track_name(t));
        size_t count[REASON_COUNT] = {0};
        for (size_t i = 0; i < r->t[t].n_unmatched; i++)
            count[r->t[t].unmatched[i].reason]++;
        for (int k = 0; k < REASON_COUNT && o; k++)
            if (count[k])
                num(&b, o, reason_names[k], (double)count[k]);
    }
    /* here come pairs, sessions, unplaced_sessions, unmatched, alternatives, supply */
    add_fairness(&b, root, r);
    if (meta->recognition) {
        cJSON *rec = cJSON_Duplicate(meta->recognition, 1);
        if (!rec || !cJSON_AddItemToObject(root, "recognition", rec)) {
            cJSON_Delete(rec);
            b.oom = true;
        }
    }
    add_warnings(&b, root, meta->diag);
    b.oom |= mm_diag_dropped(meta->diag) > 0; /* the warnings would be incomplete */
    if (b.oom) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* report.json: the small sections from the tree, the large ones streamed
   between summary and fairness, in the contract's order. */
static int write_report_json(const cJSON *small, const match_result *r, const sched_result *sched,
                             const int32_t *off, int threads, const file_sink *sink)
{
    ostream os;
    jsonw w;
    ostream_open(&os, sink, "report.json");
    jsonw_init(&w, &os);
    jsonw_object(&w, NULL);
    const cJSON *c = small->child;
    for (; c && strcmp(c->string, "fairness") != 0; c = c->next)
        jsonw_tree(&w, c->string, c);
    write_pairs(&w, r, threads);
    write_sessions(&w, r, sched, off, threads);
    write_unmatched(&w, r, threads);
    write_supply(&w, r);
    for (; c; c = c->next)
        jsonw_tree(&w, c->string, c);
    jsonw_end(&w);
    ostream_putc(&os, '\n');
    return ostream_close(&os, 1);
}

char *report_render(const cJSON *report)
{
    char *text = cJSON_Print(report);
    if (!text)
        return NULL;
    size_t len = strlen(text);
    char *out = realloc(text, len + 2);
    if (!out) {
        free(text);
        return NULL;
    }
    out[len] = '\n';
    out[len + 1] = '\0';
    return out;
}

/* ---- derived files ------------------------------------------------------- */

static int buf_put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n + 1)
            c *= 2;
        char *p = realloc(*buf, c);
        if (!p)
            return MM_ENOMEM;
        *buf = p;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return MM_OK;
}

/* How a CSV cell is written: *risky when it needs the apostrophe (a cell
   starting with = + - @ tab or CR); true when it needs quotes. */
static bool csv_quoting(const char *cell, bool *risky)
{
    *risky = cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
             cell[0] == '\t' || cell[0] == '\r';
    return *risky || strpbrk(cell, ",\"\r\n") != NULL;
}

int report_csv_cell(char **buf, size_t *len, size_t *cap, const char *cell)
{
    int rc = MM_OK;
    bool risky;
    bool quote = csv_quoting(cell, &risky);
    if (quote)
        rc |= buf_put(buf, len, cap, "\"", 1);
    if (risky)
        rc |= buf_put(buf, len, cap, "'", 1);
    for (const char *p = cell; *p && rc == MM_OK; p++)
        rc |= *p == '"' ? buf_put(buf, len, cap, "\"\"", 2) : buf_put(buf, len, cap, p, 1);
    if (quote)
        rc |= buf_put(buf, len, cap, "\"", 1);
    return rc ? MM_ENOMEM : MM_OK;
}

/* report_csv_cell into a stream. */
static void csv_cell(ostream *os, const char *cell)
{
    bool risky;
    if (!csv_quoting(cell, &risky)) {
        ostream_puts(os, cell);
        return;
    }
    ostream_putc(os, '"');
    if (risky)
        ostream_putc(os, '\'');
    for (const char *p = cell; *p; p++) {
        const char *q = strchr(p, '"');
        if (!q) {
            ostream_puts(os, p);
            break;
        }
        ostream_write(os, p, (size_t)(q - p));
        ostream_write(os, "\"\"", 2);
        p = q;
    }
    ostream_putc(os, '"');
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* unmatched.csv: the report's unmatched learners. */
static int write_unmatched_csv(const match_result *r, const file_sink *sink)
{
    const mm_model *m = r->model;
    ostream os;
    ostream_open(&os, sink, "unmatched.csv");
    ostream_puts(&os, "learner_id,track,reason,detail\n");
    for (int t = 0; t < TRACK_COUNT; t++) {
        const match_track *mt = &r->t[t];
        for (size_t i = 0; i < mt->n_unmatched; i++) {
            const char *detail = mt->unmatched[i].detail;
            csv_cell(&os, m->emps[mt->unmatched[i].learner].id);
            ostream_putc(&os, ',');
            csv_cell(&os, track_name(t));
            ostream_putc(&os, ',');
            csv_cell(&os, reason_names[mt->unmatched[i].reason]);
            ostream_putc(&os, ',');
            csv_cell(&os, detail ? detail : "");
            ostream_putc(&os, '\n');
        }
    }
    return ostream_close(&os, 1);
}

static void schedule_rows(const void *ctx, size_t begin, size_t end, ostream *os)
{
    const section *s = ctx;
    const mm_model *m = s->r->model;
    for (size_t i = begin; i < end; i++) {
        const sched_session *x = &s->sched->sessions[i];
        char id[SESSION_ID_BUF], buf[TIME_BUF];
        prefetch_people(m, s->sched, i, false);
        session_id(m, x->track, x->learner, x->partner, x->seq, id, sizeof id);
        csv_cell(os, id);
        ostream_putc(os, ',');
        csv_cell(os, track_name(x->track));
        ostream_putc(os, ',');
        csv_cell(os, m->emps[x->learner].id);
        ostream_putc(os, ',');
        csv_cell(os, m->emps[x->partner].id);
        format_time(x->start_min, NO_ZONE, buf);
        ostream_putc(os, ',');
        csv_cell(os, buf);
        format_time(x->end_min, NO_ZONE, buf);
        ostream_putc(os, ',');
        csv_cell(os, buf);
        format_time(x->start_min, s->off[2 * i], buf);
        ostream_putc(os, ',');
        csv_cell(os, buf);
        format_time(x->start_min, s->off[2 * i + 1], buf);
        ostream_putc(os, ',');
        csv_cell(os, buf);
        ostream_putc(os, '\n');
    }
}

/* schedule.csv: the report's sessions, a row each. */
static int write_schedule_csv(const match_result *r, const sched_result *sched,
                              const int32_t *off, int threads, const file_sink *sink)
{
    section s = {.r = r, .sched = sched, .off = off};
    ostream os;
    ostream_open(&os, sink, "schedule.csv");
    ostream_puts(&os, "session_id,track,learner_id,partner_id,start_utc,end_utc,"
                      "learner_local_start,partner_local_start\n");
    parwrite_items(&os, sched ? sched->n_sessions : 0, REPORT_GRAIN, threads, schedule_rows, &s);
    return ostream_close(&os, 1);
}

/* Appends printf-formatted text. */
static int buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MM_EINTERNAL;
    return buf_put(buf, len, cap, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A Markdown table cell: pipes and line breaks escaped. */
static int md_cell(char **buf, size_t *len, size_t *cap, const char *s)
{
    int rc = MM_OK;
    for (; *s && rc == MM_OK; s++)
        rc = *s == '|'    ? buf_put(buf, len, cap, "\\|", 2)
             : *s == '\n' ? buf_put(buf, len, cap, " ", 1)
                          : buf_put(buf, len, cap, s, 1);
    return rc;
}

static double jnumber(const cJSON *o, const char *key, bool *is_null)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (is_null)
        *is_null = !cJSON_IsNumber(v);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* fairness.md: the fairness section of the report as tables a person reads. */
static char *render_fairness_md(const cJSON *report, size_t *out_len)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = MM_OK;
    const cJSON *run = cJSON_GetObjectItemCaseSensitive(report, "run");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(run, "config");
    const cJSON *fcfg = cJSON_GetObjectItemCaseSensitive(cfg, "fairness");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(report, "fairness");
    double ratio = jnumber(fcfg, "min_impact_ratio", NULL);
    rc |= buf_printf(&buf, &len, &cap, "# Fairness of run %.0f\n\n", jnumber(run, "id", NULL));
    rc |= buf_printf(&buf, &len, &cap,
                     "Inputs %.12s..., created %s. Groups are the learners who asked for a "
                     "track (a goal on it). A group is flagged when its selection rate is "
                     "below %.2f times the highest group's (the four-fifths rule); groups "
                     "of fewer than %.0f learners are suppressed. Fairness constraints were "
                     "%s.\n",
                     jstr(run, "inputs_sha256"), jstr(run, "created_at"), ratio,
                     jnumber(fcfg, "min_group_size", NULL),
                     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "enforced"))
                         ? "enforced"
                         : "not enforced (reported only)");
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(f, "attributes"))
    {
        bool dn, rn;
        double dpd = jnumber(a, "demographic_parity_difference", &dn);
        double dpr = jnumber(a, "demographic_parity_ratio", &rn);
        rc |= buf_printf(&buf, &len, &cap, "\n## %s, %s\n\n", jstr(a, "name"), jstr(a, "track"));
        if (dn || rn)
            rc |= buf_printf(&buf, &len, &cap,
                             "Demographic parity: fewer than two groups to compare.\n\n");
        else
            rc |= buf_printf(&buf, &len, &cap,
                             "Demographic parity difference %.3f, ratio %.3f.\n\n", dpd, dpr);
        rc |= buf_printf(&buf, &len, &cap,
                         "| group | learners | matched | selection rate | impact ratio | "
                         "flagged | shortfall | mean score |\n"
                         "|---|---:|---:|---:|---:|---|---:|---:|\n");
        const cJSON *g;
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(a, "groups"))
        {
            rc |= buf_put(&buf, &len, &cap, "| ", 2);
            rc |= md_cell(&buf, &len, &cap, jstr(g, "group"));
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "suppressed"))) {
                rc |= buf_printf(&buf, &len, &cap,
                                 " | suppressed (fewer than %.0f) | | | | | | |\n",
                                 jnumber(fcfg, "min_group_size", NULL));
                continue;
            }
            bool flagged = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "flagged"));
            rc |= buf_printf(&buf, &len, &cap,
                             " | %.0f | %.0f | %.1f%% | %.2f | %s | %.0f | %.0f |\n",
                             jnumber(g, "learners", NULL), jnumber(g, "matched", NULL),
                             100 * jnumber(g, "selection_rate", NULL),
                             jnumber(g, "impact_ratio", NULL), flagged ? "**yes**" : "no",
                             jnumber(g, "shortfall", NULL), jnumber(g, "mean_score", NULL));
        }
    }
    rc |= buf_printf(&buf, &len, &cap,
                     "\n## Mentors\n\nGini coefficient of mentor load: %.3f (0: every "
                     "mentor has the same number of learners). Cross-department pairs: "
                     "%.1f%%.\n\n| department | mentors available | mentors used |\n"
                     "|---|---:|---:|\n",
                     jnumber(f, "mentor_load_gini", NULL),
                     100 * jnumber(f, "cross_department_share", NULL));
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(f, "mentors_by_department"))
    {
        rc |= buf_put(&buf, &len, &cap, "| ", 2);
        rc |= md_cell(&buf, &len, &cap, jstr(d, "department"));
        rc |= buf_printf(&buf, &len, &cap, " | %.0f | %.0f |\n",
                         jnumber(d, "mentors_available", NULL), jnumber(d, "mentors_used", NULL));
    }
    const cJSON *pf = cJSON_GetObjectItemCaseSensitive(f, "price_of_fairness");
    if (cJSON_IsObject(pf)) {
        rc |= buf_printf(&buf, &len, &cap,
                         "\n## Price of fairness\n\n| track | matched with | matched "
                         "without | score with | score without |\n|---|---:|---:|---:|---:|\n");
        const cJSON *t;
        cJSON_ArrayForEach(t, pf)
            rc |= buf_printf(&buf, &len, &cap, "| %s | %.0f | %.0f | %.0f | %.0f |\n", t->string,
                             jnumber(t, "matched_with", NULL), jnumber(t, "matched_without", NULL),
                             jnumber(t, "score_with", NULL), jnumber(t, "score_without", NULL));
    }
    if (rc) {
        free(buf);
        return NULL;
    }
    *out_len = len;
    return buf;
}

static void ics_events(const void *ctx, size_t begin, size_t end, ostream *os)
{
    const section *s = ctx;
    const mm_model *m = s->r->model;
    ics_writer iw = {0};
    for (size_t i = begin; i < end && os->rc == MM_OK; i++) {
        const sched_session *x = &s->sched->sessions[i];
        const model_employee *l = &m->emps[x->learner], *p = &m->emps[x->partner];
        prefetch_people(m, s->sched, i, true);
        /* names and emails are fields of up to CSVR_MAX_FIELD bytes: whole, never cut */
        char id[SESSION_ID_BUF], uid[SESSION_ID_BUF + 16];
        char summary[64 + 2 * CSVR_MAX_FIELD], mailto[2][16 + CSVR_MAX_FIELD];
        session_id(m, x->track, x->learner, x->partner, x->seq, id, sizeof id);
        snprintf(uid, sizeof uid, "%s@mentormatch", id);
        snprintf(summary, sizeof summary, "%s session %d: %s and %s",
                 x->track == TRACK_MENTORING ? "Mentoring" : "Job shadowing", (int)x->seq, l->name,
                 p->name);
        ics_event ev = {uid, s->stamp, (int64_t)x->start_min * 60, (int64_t)x->end_min * 60,
                        summary, {l->name, p->name}, {NULL, NULL}};
        const model_employee *who[2] = {l, p};
        for (int k = 0; k < 2; k++) {
            if (!who[k]->email[0])
                continue;
            snprintf(mailto[k], sizeof mailto[k], "mailto:%s", who[k]->email);
            ev.attendee_address[k] = mailto[k];
        }
        ics_write_event(&iw, os, &ev);
    }
    ics_free(&iw);
}

/*
 * schedule.ics: one VCALENDAR with a VEVENT per session. The calendar's own
 * lines are libical's; each event is written as libical writes it (ics.h),
 * so memory never holds a tree of every event.
 */
static int write_ics(const match_result *r, const sched_result *sched, const char *created,
                     int threads, const file_sink *sink)
{
    section s = {.r = r, .sched = sched};
    ostream os;
    char *head = NULL;
    ostream_open(&os, sink, "schedule.ics");
    icalcomponent *cal = icalcomponent_new_vcalendar();
    if (!cal)
        goto oom;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(
        cal, icalproperty_new_prodid("-//mentormatch//mentormatch " MM_VERSION "//EN"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    /* the calendar's own lines, then the events, then its last line */
    static const char end[] = "END:VCALENDAR\r\n";
    head = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    size_t head_len = head ? strlen(head) : 0;
    if (!head || head_len < sizeof end - 1 || strcmp(head + head_len - (sizeof end - 1), end) != 0)
        goto oom;
    ostream_write(&os, head, head_len - (sizeof end - 1));
    /* DTSTAMP: the run's creation time, so a stored run re-exports the same bytes */
    int y, mo, d, h, mi, sec;
    if (sscanf(created, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &sec) == 6)
        s.stamp = (int64_t)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    parwrite_items(&os, sched ? sched->n_sessions : 0, REPORT_GRAIN, threads, ics_events, &s);
    ostream_write(&os, end, sizeof end - 1);
    free(head);
    return ostream_close(&os, 1);
oom:
    if (os.rc == MM_OK)
        os.rc = MM_ENOMEM;
    free(head);
    return ostream_close(&os, 0);
}

/* A file rendered in memory (data malloc'd, freed here) into the sink. */
static int write_whole(const file_sink *sink, const char *name, char *data, size_t len)
{
    ostream os;
    if (!data)
        return MM_ENOMEM;
    ostream_open(&os, sink, name);
    ostream_write(&os, data, len);
    free(data);
    return ostream_close(&os, 1);
}

int report_write_files(const match_result *r, const sched_result *sched, const report_meta *meta,
                       const file_sink *sink)
{
    int rc = MM_OK;
    size_t len = 0;
    int32_t *off = NULL;
    cJSON *small = build_small(r, sched, meta);
    if (!small || !(off = session_offsets(r->model, sched))) {
        rc = MM_ENOMEM;
        goto done;
    }
    const char *created = meta->created_at ? meta->created_at : "";
    if ((rc = write_report_json(small, r, sched, off, meta->threads, sink)) != MM_OK ||
        (rc = write_unmatched_csv(r, sink)) != MM_OK ||
        (rc = write_schedule_csv(r, sched, off, meta->threads, sink)) != MM_OK ||
        (rc = write_ics(r, sched, created, meta->threads, sink)) != MM_OK)
        goto done;
    char *md = render_fairness_md(small, &len);
    if ((rc = write_whole(sink, "fairness.md", md, len)) != MM_OK)
        goto done;
    if (meta->recognition) {
        md = recognition_markdown(meta->recognition, r->cfg, &len);
        rc = write_whole(sink, "recognition.md", md, len);
    }
done:
    free(off);
    cJSON_Delete(small);
    return rc;
}

int report_make_files(const match_result *r, const sched_result *sched, const report_meta *meta,
                      file_set *files)
{
    fileset_sink fs;
    fileset_sink_init(&fs, files);
    return report_write_files(r, sched, meta, &fs.sink);
}
