/*
 * recognition.c - the participation record of the published runs: per
 * employee, the quarters and sessions as mentor, host and learner, the
 * completion rate from feedback, the badges of the configuration, and the
 * top contributors of each department. Rendered as a JSON section (in
 * report.json) and as recognition.md.
 */
#include "recognition.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROLE_AS_MENTOR, ROLE_AS_HOST, ROLE_AS_LEARNER, ROLES };
static const char *const role_keys[ROLES] = {"mentor", "host", "learner"};

/* One employee in one role in one quarter. */
typedef struct fact {
    char *id;
    char *dept;
    char quarter[8];
    int32_t role;
    int32_t sessions;
    int32_t attended; /* -1 when no feedback */
} fact;

typedef struct facts {
    fact *v;
    size_t n, cap;
    char last_quarter[8];
} facts;

static int push(facts *f, const char *id, const char *dept, const char *quarter, int32_t role,
                int32_t sessions, int32_t attended)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        fact *v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return MM_ENOMEM;
        f->v = v;
        f->cap = cap;
    }
    fact *x = &f->v[f->n];
    x->id = strdup(id);
    x->dept = strdup(dept);
    if (!x->id || !x->dept) {
        free(x->id);
        free(x->dept);
        return MM_ENOMEM;
    }
    snprintf(x->quarter, sizeof x->quarter, "%s", quarter);
    x->role = role;
    x->sessions = sessions;
    x->attended = attended;
    f->n++;
    return MM_OK;
}

static int on_pair(void *ctx, const store_participation *p)
{
    facts *f = ctx;
    bool mentoring = strcmp(p->track, "mentoring") == 0;
    snprintf(f->last_quarter, sizeof f->last_quarter, "%s", p->quarter);
    /* a pair cannot have attended more sessions than it was given */
    int32_t attended = p->attended > p->sessions ? p->sessions : p->attended;
    int rc = push(f, p->partner_id, p->partner_dept, p->quarter,
                  mentoring ? ROLE_AS_MENTOR : ROLE_AS_HOST, p->sessions, attended);
    if (rc == MM_OK)
        rc = push(f, p->learner_id, p->learner_dept, p->quarter, ROLE_AS_LEARNER, p->sessions,
                  attended);
    return rc;
}

static int cmp_fact(const void *a, const void *b)
{
    const fact *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (!c)
        c = (x->role > y->role) - (x->role < y->role);
    return c ? c : strcmp(x->quarter, y->quarter);
}

/* One employee's record. */
typedef struct person {
    const char *id, *dept;
    int32_t quarters[ROLES], sessions[ROLES];
    int32_t attended, rated_sessions; /* over every role, where feedback is known */
    int32_t contribution;            /* sessions as mentor and host */
} person;

static int cmp_contribution(const void *a, const void *b)
{
    const person *x = *(const person *const *)a, *y = *(const person *const *)b;
    int c = strcmp(x->dept, y->dept);
    if (c)
        return c;
    if (x->contribution != y->contribution)
        return x->contribution > y->contribution ? -1 : 1;
    return strcmp(x->id, y->id);
}

static bool earned(const config_badge *b, const person *p)
{
    return (b->quarters == 0 || p->quarters[b->role] >= b->quarters) &&
           (b->sessions == 0 || p->sessions[b->role] >= b->sessions);
}

cJSON *recognition_build(store *s, const mm_config *cfg, const char *until, mm_diag *diag,
                         int *rc_out)
{
    facts f = {0};
    person *people = NULL;
    person **order = NULL;
    cJSON *root = NULL;
    size_t np = 0;
    int rc = store_participation_each(s, until, on_pair, &f, diag);
    if (rc != MM_OK)
        goto done;
    if (f.n)
        qsort(f.v, f.n, sizeof *f.v, cmp_fact);
    people = calloc(f.n + 1, sizeof *people);
    order = calloc(f.n + 1, sizeof *order);
    root = cJSON_CreateObject();
    if (!people || !order || !root) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < f.n; i++) {
        const fact *x = &f.v[i];
        if (np == 0 || strcmp(people[np - 1].id, x->id) != 0) {
            people[np].id = x->id;
            people[np].dept = x->dept;
            np++;
        }
        person *p = &people[np - 1];
        /* facts of one id, role and quarter are adjacent: count the quarter once */
        if (i == 0 || strcmp(f.v[i - 1].id, x->id) != 0 || f.v[i - 1].role != x->role ||
            strcmp(f.v[i - 1].quarter, x->quarter) != 0)
            p->quarters[x->role]++;
        p->sessions[x->role] += x->sessions;
        if (x->role != ROLE_AS_LEARNER)
            p->contribution += x->sessions;
        if (x->attended >= 0 && x->role != ROLE_AS_LEARNER) {
            p->attended += x->attended;
            p->rated_sessions += x->sessions;
        }
    }
    bool oom = false;
    oom |= !cJSON_AddStringToObject(root, "until_quarter", until && *until ? until : f.last_quarter);
    cJSON *arr = cJSON_AddArrayToObject(root, "people");
    for (size_t i = 0; arr && i < np; i++) {
        person *p = &people[i];
        order[i] = p;
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            oom = true;
            break;
        }
        oom |= !cJSON_AddStringToObject(o, "employee_id", p->id);
        oom |= !cJSON_AddStringToObject(o, "department", p->dept);
        for (int r = 0; r < ROLES; r++) {
            if (!p->quarters[r])
                continue;
            cJSON *ro = cJSON_AddObjectToObject(o, role_keys[r]);
            oom |= !ro;
            if (!ro)
                break;
            oom |= !cJSON_AddNumberToObject(ro, "quarters", p->quarters[r]);
            oom |= !cJSON_AddNumberToObject(ro, "sessions", p->sessions[r]);
        }
        if (p->rated_sessions > 0)
            oom |= !cJSON_AddNumberToObject(
                o, "completion_rate",
                (double)(int64_t)(1e4 * p->attended / p->rated_sessions + 0.5) / 1e4);
        cJSON *badges = cJSON_AddArrayToObject(o, "badges");
        for (int32_t b = 0; badges && b < cfg->recognition.n_badges; b++)
            if (earned(&cfg->recognition.badges[b], p))
                oom |= !cJSON_AddItemToArray(badges,
                                             cJSON_CreateString(cfg->recognition.badges[b].name));
    }
    qsort(order, np, sizeof *order, cmp_contribution);
    cJSON *top = cJSON_AddArrayToObject(root, "top_contributors");
    for (size_t i = 0; top && i < np;) {
        size_t j = i;
        while (j < np && strcmp(order[j]->dept, order[i]->dept) == 0)
            j++;
        cJSON *d = cJSON_CreateObject();
        cJSON *list = d ? cJSON_AddArrayToObject(d, "employees") : NULL;
        if (!d || !list || !cJSON_AddItemToArray(top, d)) {
            cJSON_Delete(d);
            oom = true;
            break;
        }
        oom |= !cJSON_AddStringToObject(d, "department", order[i]->dept);
        for (size_t k = i; k < j && k < i + (size_t)cfg->recognition.top; k++) {
            if (order[k]->contribution == 0)
                break;
            cJSON *e = cJSON_CreateObject();
            if (!e || !cJSON_AddItemToArray(list, e)) {
                cJSON_Delete(e);
                oom = true;
                break;
            }
            oom |= !cJSON_AddStringToObject(e, "employee_id", order[k]->id);
            oom |= !cJSON_AddNumberToObject(e, "sessions", order[k]->contribution);
        }
        i = j;
    }
    if (oom || !arr || !top)
        rc = MM_ENOMEM;
done:
    for (size_t i = 0; i < f.n; i++) {
        free(f.v[i].id);
        free(f.v[i].dept);
    }
    free(f.v);
    free(people);
    free(order);
    if (rc != MM_OK) {
        cJSON_Delete(root);
        root = NULL;
    }
    *rc_out = rc;
    return root;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Appends to a growing string; sets *oom on failure. */
static void put(char **buf, size_t *len, size_t *cap, bool *oom, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void put(char **buf, size_t *len, size_t *cap, bool *oom, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || *oom)
        return;
    size_t add = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    if (*len + add + 1 > *cap) {
        size_t c = *cap ? *cap * 2 : 4096;
        while (c < *len + add + 1)
            c *= 2;
        char *p = realloc(*buf, c);
        if (!p) {
            *oom = true;
            return;
        }
        *buf = p;
        *cap = c;
    }
    memcpy(*buf + *len, tmp, add);
    *len += add;
    (*buf)[*len] = '\0';
}

/* Appends a Markdown table cell's text: pipes escaped, line breaks as spaces,
   never cut (a department name may be longer than put's buffer). */
static void put_cell(char **buf, size_t *len, size_t *cap, bool *oom, const char *s)
{
    for (; *s && !*oom; s++) {
        if (*s == '|')
            put(buf, len, cap, oom, "\\|");
        else if (*s == '\n')
            put(buf, len, cap, oom, " ");
        else
            put(buf, len, cap, oom, "%c", *s);
    }
}

char *recognition_markdown(const cJSON *rec, const mm_config *cfg, size_t *out_len)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    bool oom = false;
    const cJSON *people = cJSON_GetObjectItemCaseSensitive(rec, "people");
    put(&buf, &len, &cap, &oom, "# Recognition, published runs up to %s\n\n",
        *jstr(rec, "until_quarter") ? jstr(rec, "until_quarter") : "now");
    put(&buf, &len, &cap, &oom,
        "%d people took part as mentor, host or learner in the published quarters. "
        "People are named by employee id.\n",
        cJSON_GetArraySize(people));
    for (int32_t b = 0; b < cfg->recognition.n_badges; b++) {
        const config_badge *bd = &cfg->recognition.badges[b];
        put(&buf, &len, &cap, &oom, "\n## %s\n\nEarned with ", bd->name);
        if (bd->quarters)
            put(&buf, &len, &cap, &oom, "at least %d quarter%s", (int)bd->quarters,
                bd->quarters == 1 ? "" : "s");
        if (bd->quarters && bd->sessions)
            put(&buf, &len, &cap, &oom, " and ");
        if (bd->sessions)
            put(&buf, &len, &cap, &oom, "at least %d session%s", (int)bd->sessions,
                bd->sessions == 1 ? "" : "s");
        put(&buf, &len, &cap, &oom, " as %s.\n\n", role_keys[bd->role]);
        int holders = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, people)
        {
            const cJSON *x;
            cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(p, "badges"))
            {
                if (!cJSON_IsString(x) || strcmp(x->valuestring, bd->name) != 0)
                    continue;
                const cJSON *ro = cJSON_GetObjectItemCaseSensitive(p, role_keys[bd->role]);
                if (!holders)
                    put(&buf, &len, &cap, &oom,
                        "| employee | department | quarters | sessions |\n|---|---|---:|---:|\n");
                put(&buf, &len, &cap, &oom, "| ");
                put_cell(&buf, &len, &cap, &oom, jstr(p, "employee_id"));
                put(&buf, &len, &cap, &oom, " | ");
                put_cell(&buf, &len, &cap, &oom, jstr(p, "department"));
                put(&buf, &len, &cap, &oom, " | %.0f | %.0f |\n", jnum(ro, "quarters"),
                    jnum(ro, "sessions"));
                holders++;
            }
        }
        if (!holders)
            put(&buf, &len, &cap, &oom, "Nobody yet.\n");
    }
    put(&buf, &len, &cap, &oom,
        "\n## Top contributors per department\n\nSessions as mentor and host.\n\n"
        "| department | employee | sessions |\n|---|---|---:|\n");
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(rec, "top_contributors"))
    {
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(d, "employees"))
        {
            put(&buf, &len, &cap, &oom, "| ");
            put_cell(&buf, &len, &cap, &oom, jstr(d, "department"));
            put(&buf, &len, &cap, &oom, " | ");
            put_cell(&buf, &len, &cap, &oom, jstr(e, "employee_id"));
            put(&buf, &len, &cap, &oom, " | %.0f |\n", jnum(e, "sessions"));
        }
    }
    put(&buf, &len, &cap, &oom,
        "\n## Completion\n\nSessions attended of those scheduled, from the feedback of mentors' "
        "and hosts' pairs.\n\n| employee | department | completion |\n|---|---|---:|\n");
    const cJSON *p;
    cJSON_ArrayForEach(p, people)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "completion_rate");
        if (cJSON_IsNumber(c)) {
            put(&buf, &len, &cap, &oom, "| ");
            put_cell(&buf, &len, &cap, &oom, jstr(p, "employee_id"));
            put(&buf, &len, &cap, &oom, " | ");
            put_cell(&buf, &len, &cap, &oom, jstr(p, "department"));
            put(&buf, &len, &cap, &oom, " | %.0f%% |\n", 100 * c->valuedouble);
        }
    }
    if (oom) {
        free(buf);
        return NULL;
    }
    *out_len = len;
    return buf;
}
