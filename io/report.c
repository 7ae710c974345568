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
#include "fileio.h"
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

static void add_pairs(builder *b, cJSON *root, const match_result *r)
{
    const mm_model *m = r->model;
    cJSON *pairs = arr(b, root, "pairs");
    for (int t = 0; t < TRACK_COUNT && pairs; t++) {
        const match_track *mt = &r->t[t];
        for (size_t i = 0; i < mt->n_pairs; i++) {
            const match_pair *p = &mt->pairs[i];
            cJSON *o = item(b, pairs);
            str(b, o, "track", track_name(t));
            str(b, o, "learner_id", m->emps[p->learner].id);
            str(b, o, "partner_id", m->emps[p->partner].id);
            num(b, o, "score", p->score);
            boolean(b, o, "pinned", p->pinned);
            cJSON *f = obj(b, o, "features");
            for (int k = 0; k < FEATURE_COUNT && f; k++)
                num(b, f, feature_names[k], r6(p->features[k]));
        }
    }
}

/* A stable id for a session: track letter, learner, partner, number. */
static void session_id(const mm_model *m, int32_t track, int32_t learner, int32_t partner,
                       int32_t seq, char *buf, size_t size)
{
    snprintf(buf, size, "%c-%s-%s-%d", track == TRACK_MENTORING ? 'M' : 'S', m->emps[learner].id,
             m->emps[partner].id, (int)seq);
}

/* UTC minutes as 2027-01-05T15:00:00Z, or with the local offset of zone. */
static void format_time(int64_t utc_min, const tz_zone *zone, char *buf, size_t size)
{
    int32_t off = zone ? tz_offset_at(zone, utc_min) : 0;
    int64_t local = utc_min + off;
    int64_t days = local >= 0 ? local / 1440 : -((-local + 1439) / 1440);
    int32_t minute = (int32_t)(local - days * 1440);
    int32_t y, mo, d;
    civil_from_days((int32_t)days, &y, &mo, &d);
    if (!zone) {
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:00Z", (int)y, (int)mo, (int)d,
                 (int)(minute / 60), (int)(minute % 60));
        return;
    }
    int32_t a = off < 0 ? -off : off;
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", (int)y, (int)mo, (int)d,
             (int)(minute / 60), (int)(minute % 60), off < 0 ? '-' : '+', (int)(a / 60),
             (int)(a % 60));
}

/* A new session object in array with the keys every session has. */
static cJSON *session_item(builder *b, cJSON *array, const mm_model *m, int32_t track,
                           int32_t learner, int32_t partner, int32_t seq)
{
    char id[96];
    cJSON *o = item(b, array);
    session_id(m, track, learner, partner, seq, id, sizeof id);
    str(b, o, "id", id);
    str(b, o, "track", track_name(track));
    str(b, o, "learner_id", m->emps[learner].id);
    str(b, o, "partner_id", m->emps[partner].id);
    num(b, o, "session", seq);
    return o;
}

static void add_sessions(builder *b, cJSON *root, const match_result *r, const sched_result *sched)
{
    const mm_model *m = r->model;
    cJSON *ss = arr(b, root, "sessions");
    for (size_t i = 0; sched && ss && i < sched->n_sessions; i++) {
        const sched_session *x = &sched->sessions[i];
        char buf[96];
        cJSON *o = session_item(b, ss, m, x->track, x->learner, x->partner, x->seq);
        format_time(x->start_min, NULL, buf, sizeof buf);
        str(b, o, "start_utc", buf);
        format_time(x->end_min, NULL, buf, sizeof buf);
        str(b, o, "end_utc", buf);
        format_time(x->start_min, tz_get(m->emps[x->learner].timezone), buf, sizeof buf);
        str(b, o, "learner_local_start", buf);
        format_time(x->start_min, tz_get(m->emps[x->partner].timezone), buf, sizeof buf);
        str(b, o, "partner_local_start", buf);
    }
    cJSON *un = arr(b, root, "unplaced_sessions");
    for (size_t i = 0; sched && un && i < sched->n_unplaced; i++) {
        const sched_unplaced *x = &sched->unplaced[i];
        cJSON *o = session_item(b, un, m, x->track, x->learner, x->partner, x->seq);
        str(b, o, "reason", x->reason);
    }
}

static void add_unmatched(builder *b, cJSON *root, const match_result *r)
{
    const mm_model *m = r->model;
    cJSON *un = arr(b, root, "unmatched");
    for (int t = 0; t < TRACK_COUNT && un; t++) {
        const match_track *mt = &r->t[t];
        for (size_t i = 0; i < mt->n_unmatched; i++) {
            cJSON *o = item(b, un);
            str(b, o, "learner_id", m->emps[mt->unmatched[i].learner].id);
            str(b, o, "track", track_name(t));
            str(b, o, "reason", reason_names[mt->unmatched[i].reason]);
            str(b, o, "detail", mt->unmatched[i].detail);
        }
    }
    cJSON *alts = arr(b, root, "alternatives");
    for (int t = 0; t < TRACK_COUNT && alts; t++) {
        const match_track *mt = &r->t[t];
        for (size_t i = 0; i < mt->n_alts; i++) {
            const match_alternatives *a = &mt->alts[i];
            cJSON *o = item(b, alts);
            str(b, o, "learner_id", m->emps[a->learner].id);
            str(b, o, "track", track_name(t));
            cJSON *ps = o ? arr(b, o, "partners") : NULL;
            for (int32_t k = 0; k < a->n && ps; k++) {
                cJSON *p = item(b, ps);
                str(b, p, "partner_id", m->emps[a->partner[k]].id);
                num(b, p, "score", a->score[k]);
            }
        }
    }
}

static void add_supply(builder *b, cJSON *root, const match_result *r)
{
    const mm_model *m = r->model;
    cJSON *sup = obj(b, root, "supply");
    cJSON *skills = sup ? arr(b, sup, "skills") : NULL;
    for (size_t i = 0; i < r->n_supply && skills; i++) {
        cJSON *o = item(b, skills);
        str(b, o, "skill", m->skill_names[r->supply[i].skill]);
        num(b, o, "learners", r->supply[i].learners);
        num(b, o, "mentors", r->supply[i].mentors);
        num(b, o, "hosts", r->supply[i].hosts);
    }
    static const char *const keys[TRACK_COUNT] = {"mentor_slot_value", "host_slot_value"};
    static const char *const ids[TRACK_COUNT] = {"mentor_id", "host_id"};
    for (int t = 0; t < TRACK_COUNT && sup; t++) {
        cJSON *sv = arr(b, sup, keys[t]);
        const match_track *mt = &r->t[t];
        for (size_t i = 0; i < mt->n_slots && sv; i++) {
            cJSON *o = item(b, sv);
            str(b, o, ids[t], m->emps[mt->slots[i].partner].id);
            num(b, o, "extra_matches", (double)mt->slots[i].extra_matches);
            num(b, o, "score_gain", (double)mt->slots[i].score_gain);
        }
    }
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

cJSON *report_build(const match_result *r, const sched_result *sched, const report_meta *meta)
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
    add_pairs(&b, root, r);
    add_sessions(&b, root, r, sched);
    add_unmatched(&b, root, r);
    add_supply(&b, root, r);
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

int report_csv_cell(char **buf, size_t *len, size_t *cap, const char *cell)
{
    int rc = MM_OK;
    bool risky = cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                 cell[0] == '\t' || cell[0] == '\r';
    bool quote = risky || strpbrk(cell, ",\"\r\n") != NULL;
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

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static char *render_unmatched_csv(const cJSON *report, size_t *out_len)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = buf_put(&buf, &len, &cap, "learner_id,track,reason,detail\n", 31);
    const cJSON *u;
    cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(report, "unmatched"))
    {
        rc |= report_csv_cell(&buf, &len, &cap, jstr(u, "learner_id"));
        rc |= buf_put(&buf, &len, &cap, ",", 1);
        rc |= report_csv_cell(&buf, &len, &cap, jstr(u, "track"));
        rc |= buf_put(&buf, &len, &cap, ",", 1);
        rc |= report_csv_cell(&buf, &len, &cap, jstr(u, "reason"));
        rc |= buf_put(&buf, &len, &cap, ",", 1);
        rc |= report_csv_cell(&buf, &len, &cap, jstr(u, "detail"));
        rc |= buf_put(&buf, &len, &cap, "\n", 1);
    }
    if (rc) {
        free(buf);
        return NULL;
    }
    *out_len = len;
    return buf;
}

static char *render_schedule_csv(const cJSON *report, size_t *out_len)
{
    static const char *const cols[] = {"id", "track", "learner_id", "partner_id", "start_utc",
                                       "end_utc", "learner_local_start", "partner_local_start"};
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = buf_put(&buf, &len, &cap,
                     "session_id,track,learner_id,partner_id,start_utc,end_utc,"
                     "learner_local_start,partner_local_start\n",
                     strlen("session_id,track,learner_id,partner_id,start_utc,end_utc,"
                            "learner_local_start,partner_local_start\n"));
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(report, "sessions"))
    {
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            if (c)
                rc |= buf_put(&buf, &len, &cap, ",", 1);
            rc |= report_csv_cell(&buf, &len, &cap, jstr(x, cols[c]));
        }
        rc |= buf_put(&buf, &len, &cap, "\n", 1);
    }
    if (rc) {
        free(buf);
        return NULL;
    }
    *out_len = len;
    return buf;
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

/* Appends libical's text of c to buf (it keeps the text; c is freed). MM_OK or MM_ENOMEM. */
static int append_component(char **buf, size_t *len, size_t *cap, icalcomponent *c)
{
    char *text = icalcomponent_as_ical_string_r(c);
    icalcomponent_free(c);
    if (!text)
        return MM_ENOMEM;
    int rc = buf_put(buf, len, cap, text, strlen(text));
    free(text);
    return rc;
}

/*
 * schedule.ics: one VCALENDAR with a VEVENT per session. Events are turned
 * into text one at a time and appended, so memory holds the text, never a
 * tree of every event (the text is libical's, byte for byte).
 */
static char *render_ics(const match_result *r, const sched_result *sched, const cJSON *report,
                        size_t *out_len)
{
    const mm_model *m = r->model;
    char *buf = NULL, *head = NULL;
    size_t len = 0, cap = 0;
    icalcomponent *cal = icalcomponent_new_vcalendar();
    if (!cal)
        return NULL;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//mentormatch//mentormatch " MM_VERSION "//EN"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    /* the calendar's own lines, then the events, then its last line */
    static const char end[] = "END:VCALENDAR\r\n";
    head = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    size_t head_len = head ? strlen(head) : 0;
    if (!head || head_len < sizeof end - 1 || strcmp(head + head_len - (sizeof end - 1), end) != 0 ||
        buf_put(&buf, &len, &cap, head, head_len - (sizeof end - 1)) != MM_OK)
        goto fail;
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    /* DTSTAMP: the run's creation time, so a stored run re-exports the same bytes */
    const char *created = jstr(cJSON_GetObjectItemCaseSensitive(report, "run"), "created_at");
    struct icaltimetype stamp = icaltime_from_timet_with_zone(0, 0, utc);
    int y, mo, d, h, mi, sec;
    if (sscanf(created, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &sec) == 6) {
        time_t t = (time_t)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
        stamp = icaltime_from_timet_with_zone(t, 0, utc);
    }
    for (size_t i = 0; sched && i < sched->n_sessions; i++) {
        const sched_session *x = &sched->sessions[i];
        const model_employee *l = &m->emps[x->learner], *p = &m->emps[x->partner];
        char id[128], uid[160], summary[256];
        session_id(m, x->track, x->learner, x->partner, x->seq, id, sizeof id);
        snprintf(uid, sizeof uid, "%s@mentormatch", id);
        snprintf(summary, sizeof summary, "%s session %d: %s and %s",
                 x->track == TRACK_MENTORING ? "Mentoring" : "Job shadowing", (int)x->seq, l->name,
                 p->name);
        icalcomponent *ev = icalcomponent_new_vevent();
        if (!ev)
            goto fail;
        icalcomponent_add_property(ev, icalproperty_new_uid(uid));
        icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
        icalcomponent_add_property(
            ev, icalproperty_new_dtstart(icaltime_from_timet_with_zone((time_t)x->start_min * 60, 0, utc)));
        icalcomponent_add_property(
            ev, icalproperty_new_dtend(icaltime_from_timet_with_zone((time_t)x->end_min * 60, 0, utc)));
        icalcomponent_add_property(ev, icalproperty_new_summary(summary));
        const model_employee *who[2] = {l, p};
        for (int k = 0; k < 2; k++) {
            if (!who[k]->email[0])
                continue;
            char mailto[512];
            snprintf(mailto, sizeof mailto, "mailto:%s", who[k]->email);
            icalproperty *att = icalproperty_new_attendee(mailto);
            icalproperty_add_parameter(att, icalparameter_new_cn(who[k]->name));
            icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
            icalcomponent_add_property(ev, att);
        }
        if (append_component(&buf, &len, &cap, ev) != MM_OK)
            goto fail;
    }
    if (buf_put(&buf, &len, &cap, end, sizeof end - 1) != MM_OK)
        goto fail;
    free(head);
    *out_len = len;
    return buf;
fail:
    free(head);
    free(buf);
    return NULL;
}

int report_make_files(const match_result *r, const sched_result *sched, const report_meta *meta,
                      file_set *files)
{
    int rc = MM_OK;
    char *data = NULL;
    size_t len = 0;
    cJSON *report = report_build(r, sched, meta);
    if (!report)
        return MM_ENOMEM;
    if (!(data = report_render(report)) ||
        (rc = fileset_add(files, "report.json", data, strlen(data))) != MM_OK)
        goto fail;
    if (!(data = render_unmatched_csv(report, &len)) ||
        (rc = fileset_add(files, "unmatched.csv", data, len)) != MM_OK)
        goto fail;
    if (!(data = render_schedule_csv(report, &len)) ||
        (rc = fileset_add(files, "schedule.csv", data, len)) != MM_OK)
        goto fail;
    if (!(data = render_ics(r, sched, report, &len)) ||
        (rc = fileset_add(files, "schedule.ics", data, len)) != MM_OK)
        goto fail;
    if (!(data = render_fairness_md(report, &len)) ||
        (rc = fileset_add(files, "fairness.md", data, len)) != MM_OK)
        goto fail;
    if (meta->recognition &&
        (!(data = recognition_markdown(meta->recognition, r->cfg, &len)) ||
         (rc = fileset_add(files, "recognition.md", data, len)) != MM_OK))
        goto fail;
    cJSON_Delete(report);
    return MM_OK;
fail:
    cJSON_Delete(report);
    return rc != MM_OK ? rc : MM_ENOMEM;
}
