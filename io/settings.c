/*
 * settings.c - the configuration file: strict JSON in, canonical JSON out.
 *
 * Every key is optional; each one present is checked for its type and range
 * and reported with its JSON path. The parse works on a copy and changes
 * *cfg only when the whole file is valid.
 */
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "jsonparse.h"

typedef struct parser {
    mm_diag *diag;
    const char *name;
    int rc;
} parser;

static void bad(parser *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad(parser *p, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mm_diag_error(p->diag, MM_ECONFIG, p->name, 0, 0, "%s: %s", path, msg);
    p->rc = MM_ECONFIG;
}

/* Checks that every member of obj (an object) is one of keys[]. */
static void known_keys(parser *p, const cJSON *obj, const char *path, const char *const *keys)
{
    const cJSON *it;
    json_each(it, obj)
    {
        int found = 0;
        for (const char *const *k = keys; *k; k++)
            found |= strcmp(it->string, *k) == 0;
        if (!found)
            bad(p, path, "unknown key \"%s\"", it->string);
    }
}

static const cJSON *member(parser *p, const cJSON *obj, const char *key, const char *path,
                           char *child, size_t size)
{
    snprintf(child, size, "%s.%s", path, key);
    (void)p;
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static void get_int(parser *p, const cJSON *obj, const char *path, const char *key, long lo,
                    long hi, int32_t *out)
{
    char cp[256];
    const cJSON *v = member(p, obj, key, path, cp, sizeof cp);
    if (!v)
        return;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < (double)lo || v->valuedouble > (double)hi) {
        bad(p, cp, "expected an integer %ld..%ld", lo, hi);
        return;
    }
    *out = (int32_t)v->valuedouble;
}

static void get_num(parser *p, const cJSON *obj, const char *path, const char *key, double lo,
                    double hi, double *out)
{
    char cp[256];
    const cJSON *v = member(p, obj, key, path, cp, sizeof cp);
    if (!v)
        return;
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
        bad(p, cp, "expected a number %g..%g", lo, hi);
        return;
    }
    *out = v->valuedouble;
}

static void get_bool(parser *p, const cJSON *obj, const char *path, const char *key, bool *out)
{
    char cp[256];
    const cJSON *v = member(p, obj, key, path, cp, sizeof cp);
    if (!v)
        return;
    if (!cJSON_IsBool(v)) {
        bad(p, cp, "expected true or false");
        return;
    }
    *out = cJSON_IsTrue(v);
}

/* The value of the n decimal digits at s. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* "YYYY-MM-DD" -> days; false when malformed or not a real date. */
static bool parse_date(const char *s, int32_t *days)
{
    if (strlen(s) != 10)
        return false;
    /* digits only, no sign or space (sscanf's %d would take "2027-+1-04") */
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    int32_t v = days_from_civil(y, m, d);
    int32_t yy, mm, dd;
    civil_from_days(v, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return false;
    *days = v;
    return true;
}

static const cJSON *section(parser *p, const cJSON *root, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (v && !cJSON_IsObject(v)) {
        char path[64];
        snprintf(path, sizeof path, "$.%s", key);
        bad(p, path, "expected an object");
        return NULL;
    }
    return v;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static void parse_quarter(parser *p, const cJSON *q, mm_config *c)
{
    static const char *const keys[] = {"start", "weeks", "holidays", NULL};
    known_keys(p, q, "$.quarter", keys);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "start");
    if (v && (!cJSON_IsString(v) || !parse_date(v->valuestring, &c->quarter.start)))
        bad(p, "$.quarter.start", "expected a date \"YYYY-MM-DD\"");
    get_int(p, q, "$.quarter", "weeks", 1, 53, &c->quarter.weeks);
    v = cJSON_GetObjectItemCaseSensitive(q, "holidays");
    if (!v)
        return;
    if (!cJSON_IsArray(v)) {
        bad(p, "$.quarter.holidays", "expected an array of dates");
        return;
    }
    c->quarter.n_holidays = 0;
    int i = 0;
    const cJSON *it;
    json_each(it, v)
    {
        char path[64];
        snprintf(path, sizeof path, "$.quarter.holidays[%d]", i++);
        int32_t day;
        if (!cJSON_IsString(it) || !parse_date(it->valuestring, &day)) {
            bad(p, path, "expected a date \"YYYY-MM-DD\"");
            continue;
        }
        if (c->quarter.n_holidays == CONFIG_MAX_HOLIDAYS) {
            bad(p, path, "more than %d holidays", CONFIG_MAX_HOLIDAYS);
            break;
        }
        c->quarter.holidays[c->quarter.n_holidays++] = day;
    }
    qsort(c->quarter.holidays, (size_t)c->quarter.n_holidays, sizeof c->quarter.holidays[0],
          cmp_i32);
}

static void parse_mentoring(parser *p, const cJSON *s, mm_config *c)
{
    static const char *const keys[] = {"session_minutes", "cadence_weeks", "min_grade_gap",
                                       "ideal_max_grade_gap", "exclude_manager_levels",
                                       "exclude_peers", "allow_same_department",
                                       "repeat_cooldown_quarters", NULL};
    const char *path = "$.mentoring";
    known_keys(p, s, path, keys);
    get_int(p, s, path, "session_minutes", 15, 720, &c->mentoring.session_minutes);
    get_int(p, s, path, "cadence_weeks", 1, 13, &c->mentoring.cadence_weeks);
    get_int(p, s, path, "min_grade_gap", -14, 14, &c->mentoring.min_grade_gap);
    get_int(p, s, path, "ideal_max_grade_gap", 0, 14, &c->mentoring.ideal_max_grade_gap);
    get_int(p, s, path, "exclude_manager_levels", 0, 64, &c->mentoring.exclude_manager_levels);
    get_bool(p, s, path, "exclude_peers", &c->mentoring.exclude_peers);
    get_bool(p, s, path, "allow_same_department", &c->mentoring.allow_same_department);
    get_int(p, s, path, "repeat_cooldown_quarters", 0, 400,
            &c->mentoring.repeat_cooldown_quarters);
}

static void parse_shadowing(parser *p, const cJSON *s, mm_config *c)
{
    static const char *const keys[] = {"enabled", "sessions_per_learner", "session_minutes",
                                       NULL};
    const char *path = "$.shadowing";
    known_keys(p, s, path, keys);
    get_bool(p, s, path, "enabled", &c->shadowing.enabled);
    get_int(p, s, path, "sessions_per_learner", 1, 20, &c->shadowing.sessions_per_learner);
    get_int(p, s, path, "session_minutes", 15, 720, &c->shadowing.session_minutes);
}

static void parse_weights(parser *p, const cJSON *s, mm_config *c)
{
    const char *path = "$.weights";
    const char *keys[FEATURE_COUNT + 1];
    for (int f = 0; f < FEATURE_COUNT; f++)
        keys[f] = feature_names[f];
    keys[FEATURE_COUNT] = NULL;
    known_keys(p, s, path, keys);
    for (int f = 0; f < FEATURE_COUNT; f++)
        get_num(p, s, path, feature_names[f], 0, 1e6, &c->weights[f]);
}

static void parse_fairness(parser *p, const cJSON *s, mm_config *c)
{
    static const char *const keys[] = {"attributes", "min_impact_ratio", "min_group_size",
                                       "enforce", NULL};
    const char *path = "$.fairness";
    known_keys(p, s, path, keys);
    get_num(p, s, path, "min_impact_ratio", 0, 1, &c->fairness.min_impact_ratio);
    get_int(p, s, path, "min_group_size", 1, 1000000, &c->fairness.min_group_size);
    get_bool(p, s, path, "enforce", &c->fairness.enforce);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "attributes");
    if (!v)
        return;
    if (!cJSON_IsArray(v)) {
        bad(p, "$.fairness.attributes", "expected an array of attribute names");
        return;
    }
    c->fairness.n_attributes = 0;
    int i = 0;
    const cJSON *it;
    json_each(it, v)
    {
        char cp[64];
        snprintf(cp, sizeof cp, "$.fairness.attributes[%d]", i++);
        if (!cJSON_IsString(it) || !it->valuestring[0] ||
            strlen(it->valuestring) >= CONFIG_MAX_NAME) {
            bad(p, cp, "expected an attribute name (department, grade, location or a column)");
            continue;
        }
        if (c->fairness.n_attributes == CONFIG_MAX_ATTRIBUTES) {
            bad(p, cp, "more than %d attributes", CONFIG_MAX_ATTRIBUTES);
            break;
        }
        char *dst = c->fairness.attributes[c->fairness.n_attributes++];
        size_t n = strlen(it->valuestring);
        for (size_t k = 0; k <= n; k++)
            dst[k] = (char)((it->valuestring[k] >= 'A' && it->valuestring[k] <= 'Z')
                                ? it->valuestring[k] - 'A' + 'a'
                                : it->valuestring[k]);
    }
}

static const char *const role_names[3] = {"mentor", "host", "learner"};

static void parse_recognition(parser *p, const cJSON *s, mm_config *c)
{
    static const char *const keys[] = {"badges", "top_per_department", NULL};
    known_keys(p, s, "$.recognition", keys);
    get_int(p, s, "$.recognition", "top_per_department", 0, 100, &c->recognition.top);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "badges");
    if (!v)
        return;
    if (!cJSON_IsArray(v)) {
        bad(p, "$.recognition.badges", "expected an array of badges");
        return;
    }
    c->recognition.n_badges = 0;
    int i = 0;
    const cJSON *b;
    json_each(b, v)
    {
        char path[64];
        snprintf(path, sizeof path, "$.recognition.badges[%d]", i++);
        static const char *const bkeys[] = {"name", "role", "quarters", "sessions", NULL};
        if (!cJSON_IsObject(b)) {
            bad(p, path, "expected {\"name\", \"role\", \"quarters\" or \"sessions\"}");
            continue;
        }
        if (c->recognition.n_badges == CONFIG_MAX_BADGES) {
            bad(p, path, "more than %d badges", CONFIG_MAX_BADGES);
            break;
        }
        known_keys(p, b, path, bkeys);
        config_badge *d = &c->recognition.badges[c->recognition.n_badges];
        memset(d, 0, sizeof *d);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, "name");
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(b, "role");
        if (!cJSON_IsString(name) || !name->valuestring[0] ||
            strlen(name->valuestring) >= CONFIG_MAX_NAME) {
            bad(p, path, "name: expected a badge name of 1..63 bytes");
            continue;
        }
        d->role = -1;
        for (int r = 0; r < 3 && cJSON_IsString(role); r++)
            if (strcmp(role->valuestring, role_names[r]) == 0)
                d->role = r;
        if (d->role < 0) {
            bad(p, path, "role: expected mentor, host or learner");
            continue;
        }
        get_int(p, b, path, "quarters", 0, 1000, &d->quarters);
        get_int(p, b, path, "sessions", 0, 100000, &d->sessions);
        if (d->quarters == 0 && d->sessions == 0) {
            bad(p, path, "expected a threshold: quarters or sessions above 0");
            continue;
        }
        snprintf(d->name, sizeof d->name, "%s", name->valuestring);
        c->recognition.n_badges++;
    }
}

int settings_parse(const char *text, size_t len, const char *name, mm_config *cfg,
                   mm_diag *diag)
{
    parser p = {diag, name, MM_OK};
    mm_config c = *cfg;
    cJSON *root = NULL;
    if (json_parse(text, len, &root) == MM_ENOMEM) {
        p.rc = mm_diag_error(diag, MM_ENOMEM, name, 0, 0, "out of memory");
        goto done;
    }
    if (!root || !cJSON_IsObject(root)) {
        bad(&p, "$", "expected a JSON object");
        goto done;
    }
    static const char *const keys[] = {"quarter", "mentoring", "shadowing", "weights",
                                       "objective", "fairness", "solver", "recognition",
                                       "threads", "seed", NULL};
    known_keys(&p, root, "$", keys);
    const cJSON *s;
    if ((s = section(&p, root, "quarter")))
        parse_quarter(&p, s, &c);
    if ((s = section(&p, root, "mentoring")))
        parse_mentoring(&p, s, &c);
    if ((s = section(&p, root, "shadowing")))
        parse_shadowing(&p, s, &c);
    if ((s = section(&p, root, "weights")))
        parse_weights(&p, s, &c);
    if ((s = section(&p, root, "fairness")))
        parse_fairness(&p, s, &c);
    if ((s = section(&p, root, "recognition")))
        parse_recognition(&p, s, &c);
    if ((s = section(&p, root, "solver"))) {
        static const char *const skeys[] = {"time_limit_s", "mip_gap", "max_candidates", NULL};
        known_keys(&p, s, "$.solver", skeys);
        get_num(&p, s, "$.solver", "time_limit_s", 0.001, 1e7, &c.solver.time_limit_s);
        get_num(&p, s, "$.solver", "mip_gap", 0, 1, &c.solver.mip_gap);
        get_int(&p, s, "$.solver", "max_candidates", 0, 1000000, &c.solver.max_candidates);
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "objective");
    if (v) {
        if (cJSON_IsString(v) && strcmp(v->valuestring, "participation") == 0)
            c.objective = OBJECTIVE_PARTICIPATION;
        else if (cJSON_IsString(v) && strcmp(v->valuestring, "score") == 0)
            c.objective = OBJECTIVE_SCORE;
        else
            bad(&p, "$.objective", "expected \"participation\" or \"score\"");
    }
    get_int(&p, root, "$", "threads", 0, 1024, &c.threads);
    v = cJSON_GetObjectItemCaseSensitive(root, "seed");
    if (v) {
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
            fabs(v->valuedouble) > 9007199254740992.0)
            bad(&p, "$.seed", "expected an integer");
        else
            c.seed = (int64_t)v->valuedouble;
    }
    double wsum = 0;
    for (int f = 0; f < FEATURE_COUNT; f++)
        wsum += c.weights[f];
    if (wsum <= 0)
        bad(&p, "$.weights", "at least one weight must be above 0");
done:
    cJSON_Delete(root);
    if (p.rc == MM_OK)
        *cfg = c;
    return p.rc;
}

int settings_load(const char *path, mm_config *cfg, mm_diag *diag)
{
    char *text = NULL;
    size_t len = 0;
    int rc = fileio_read(path, 1u << 20, &text, &len);
    if (rc != MM_OK) {
        mm_diag_error(diag, rc, path, 0, 0, "cannot read the configuration: %s",
                      strerror(errno));
        return rc;
    }
    const char *name = strrchr(path, '/');
    rc = settings_parse(text, len, name ? name + 1 : path, cfg, diag);
    free(text);
    return rc;
}

static void format_date(int32_t days, char buf[11])
{
    int32_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

cJSON *settings_to_json(const mm_config *c)
{
    char date[11];
    cJSON *root = cJSON_CreateObject();
    bool ok = root != NULL; /* every adder checked: a failed one leaves its key out */
    cJSON *q = cJSON_AddObjectToObject(root, "quarter");
    format_date(c->quarter.start, date);
    ok &= cJSON_AddStringToObject(q, "start", date) != NULL;
    ok &= cJSON_AddNumberToObject(q, "weeks", c->quarter.weeks) != NULL;
    cJSON *hol = cJSON_AddArrayToObject(q, "holidays");
    for (int32_t i = 0; hol && i < c->quarter.n_holidays; i++) {
        format_date(c->quarter.holidays[i], date);
        ok &= cJSON_AddItemToArray(hol, cJSON_CreateString(date));
    }
    cJSON *m = cJSON_AddObjectToObject(root, "mentoring");
    ok &= cJSON_AddNumberToObject(m, "session_minutes", c->mentoring.session_minutes) != NULL;
    ok &= cJSON_AddNumberToObject(m, "cadence_weeks", c->mentoring.cadence_weeks) != NULL;
    ok &= cJSON_AddNumberToObject(m, "min_grade_gap", c->mentoring.min_grade_gap) != NULL;
    ok &= cJSON_AddNumberToObject(m, "ideal_max_grade_gap",
                                  c->mentoring.ideal_max_grade_gap) != NULL;
    ok &= cJSON_AddNumberToObject(m, "exclude_manager_levels",
                                  c->mentoring.exclude_manager_levels) != NULL;
    ok &= cJSON_AddBoolToObject(m, "exclude_peers", c->mentoring.exclude_peers) != NULL;
    ok &= cJSON_AddBoolToObject(m, "allow_same_department",
                                c->mentoring.allow_same_department) != NULL;
    ok &= cJSON_AddNumberToObject(m, "repeat_cooldown_quarters",
                                  c->mentoring.repeat_cooldown_quarters) != NULL;
    cJSON *s = cJSON_AddObjectToObject(root, "shadowing");
    ok &= cJSON_AddBoolToObject(s, "enabled", c->shadowing.enabled) != NULL;
    ok &= cJSON_AddNumberToObject(s, "sessions_per_learner",
                                  c->shadowing.sessions_per_learner) != NULL;
    ok &= cJSON_AddNumberToObject(s, "session_minutes", c->shadowing.session_minutes) != NULL;
    cJSON *w = cJSON_AddObjectToObject(root, "weights");
    for (int f = 0; f < FEATURE_COUNT; f++)
        ok &= cJSON_AddNumberToObject(w, feature_names[f], c->weights[f]) != NULL;
    ok &= cJSON_AddStringToObject(root, "objective",
                            c->objective == OBJECTIVE_SCORE ? "score" : "participation") != NULL;
    cJSON *fa = cJSON_AddObjectToObject(root, "fairness");
    cJSON *attrs = cJSON_AddArrayToObject(fa, "attributes");
    for (int32_t i = 0; attrs && i < c->fairness.n_attributes; i++)
        ok &= cJSON_AddItemToArray(attrs, cJSON_CreateString(c->fairness.attributes[i]));
    ok &= cJSON_AddNumberToObject(fa, "min_impact_ratio", c->fairness.min_impact_ratio) != NULL;
    ok &= cJSON_AddNumberToObject(fa, "min_group_size", c->fairness.min_group_size) != NULL;
    ok &= cJSON_AddBoolToObject(fa, "enforce", c->fairness.enforce) != NULL;
    cJSON *so = cJSON_AddObjectToObject(root, "solver");
    ok &= cJSON_AddNumberToObject(so, "time_limit_s", c->solver.time_limit_s) != NULL;
    ok &= cJSON_AddNumberToObject(so, "mip_gap", c->solver.mip_gap) != NULL;
    ok &= cJSON_AddNumberToObject(so, "max_candidates", c->solver.max_candidates) != NULL;
    cJSON *rec = cJSON_AddObjectToObject(root, "recognition");
    cJSON *badges = cJSON_AddArrayToObject(rec, "badges");
    for (int32_t i = 0; badges && i < c->recognition.n_badges; i++) {
        cJSON *b = cJSON_CreateObject();
        if (!b || !cJSON_AddItemToArray(badges, b)) {
            cJSON_Delete(b);
            ok = false;
            break;
        }
        ok &= cJSON_AddStringToObject(b, "name", c->recognition.badges[i].name) != NULL;
        ok &= cJSON_AddStringToObject(b, "role", role_names[c->recognition.badges[i].role]) != NULL;
        if (c->recognition.badges[i].quarters)
            ok &= cJSON_AddNumberToObject(b, "quarters", c->recognition.badges[i].quarters) != NULL;
        if (c->recognition.badges[i].sessions)
            ok &= cJSON_AddNumberToObject(b, "sessions", c->recognition.badges[i].sessions) != NULL;
    }
    ok &= cJSON_AddNumberToObject(rec, "top_per_department", c->recognition.top) != NULL;
    ok &= cJSON_AddNumberToObject(root, "threads", c->threads) != NULL;
    /* exact: cJSON prints a number above 2^31 with 15 significant digits */
    char seed[24];
    snprintf(seed, sizeof seed, "%lld", (long long)c->seed);
    ok &= cJSON_AddRawToObject(root, "seed", seed) != NULL;
    ok &= q && hol && m && s && w && fa && attrs && so && rec && badges;
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
