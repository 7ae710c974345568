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

#include "fileio.h"
#include "settings.h"

const char *const report_phase_names[PHASE_COUNT] = {"import", "score", "solve", "schedule",
                                                     "export"};

/* cJSON's adders return NULL when out of memory; one flag collects them. */
typedef struct builder {
    bool oom;
} builder;

static cJSON *obj(builder *b, cJSON *parent, const char *key)
{
    cJSON *o = parent ? cJSON_AddObjectToObject(parent, key) : cJSON_CreateObject();
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

cJSON *report_build(const match_result *r, const report_meta *meta)
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
    num(&b, sum, "sessions_scheduled", 0);
    num(&b, sum, "sessions_unplaced", 0);
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
    arr(&b, root, "sessions");
    add_unmatched(&b, root, r);
    add_supply(&b, root, r);
    add_fairness(&b, root, r);
    add_warnings(&b, root, meta->diag);
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

static int write_file(const char *out, const char *name, const char *data, size_t len,
                      mm_diag *diag)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", out, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return mm_diag_error(diag, MM_ECANTCREAT, out, 0, 0, "output path too long");
    int rc = fileio_write_atomic(path, data, len);
    if (rc != MM_OK)
        mm_diag_error(diag, rc, path, 0, 0, "cannot write: %s", strerror(errno));
    return rc;
}

int report_write_all(const char *out, const char *report_text, mm_diag *diag)
{
    int rc = fileio_mkdirs(out);
    cJSON *report = NULL;
    char *csv = NULL;
    size_t csv_len = 0;
    if (rc != MM_OK)
        return mm_diag_error(diag, rc, out, 0, 0, "cannot create the output folder: %s",
                             strerror(errno));
    report = cJSON_Parse(report_text);
    if (!report) {
        rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0, "the stored report is not valid JSON");
        goto done;
    }
    if (!(csv = render_unmatched_csv(report, &csv_len))) {
        rc = MM_ENOMEM;
        goto done;
    }
    if ((rc = write_file(out, "unmatched.csv", csv, csv_len, diag)) != MM_OK)
        goto done;
    rc = write_file(out, "report.json", report_text, strlen(report_text), diag);
done:
    cJSON_Delete(report);
    free(csv);
    return rc;
}
