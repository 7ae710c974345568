/*
 * model.c - the model's arena, string maps, adders and canonical ordering.
 */
#include "model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena: big blocks, freed at once ---------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    unsigned char data[];
} arena_block;

struct model_arena {
    arena_block *head;
};

#define ARENA_BLOCK (1u << 20)

static void *arena_alloc(struct model_arena *a, size_t n)
{
    n = (n + 7u) & ~(size_t)7u;
    arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static void arena_free(struct model_arena *a)
{
    if (!a)
        return;
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

/* ---- string map: open addressing, string -> int32 ----------------------- */

struct model_strmap {
    const char **keys;
    int32_t *values;
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static model_strmap *strmap_new(void)
{
    model_strmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cap = 64;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->values = calloc(m->cap, sizeof *m->values);
    if (!m->keys || !m->values) {
        free(m->keys);
        free(m->values);
        free(m);
        return NULL;
    }
    return m;
}

static void strmap_free(model_strmap *m)
{
    if (!m)
        return;
    free(m->keys);
    free(m->values);
    free(m);
}

static int32_t strmap_get(const model_strmap *m, const char *key)
{
    size_t mask = m->cap - 1;
    for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i])
            return -1;
        if (strcmp(m->keys[i], key) == 0)
            return m->values[i];
    }
}

/* key must outlive the map (arena string). Returns 0, or -2 on OOM. */
static int strmap_put(model_strmap *m, const char *key, int32_t value)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap * 2;
        const char **keys = calloc(cap, sizeof *keys);
        int32_t *values = calloc(cap, sizeof *values);
        if (!keys || !values) {
            free(keys);
            free(values);
            return -2;
        }
        for (size_t j = 0; j < m->cap; j++) {
            if (!m->keys[j])
                continue;
            size_t i = hash_str(m->keys[j]) & (cap - 1);
            while (keys[i])
                i = (i + 1) & (cap - 1);
            keys[i] = m->keys[j];
            values[i] = m->values[j];
        }
        free(m->keys);
        free(m->values);
        m->keys = keys;
        m->values = values;
        m->cap = cap;
    }
    size_t mask = m->cap - 1;
    size_t i = hash_str(key) & mask;
    while (m->keys[i])
        i = (i + 1) & mask;
    m->keys[i] = key;
    m->values[i] = value;
    m->n++;
    return 0;
}

/* ---- model -------------------------------------------------------------- */

mm_model *model_new(void)
{
    mm_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->arena = calloc(1, sizeof *m->arena);
    m->emp_index = strmap_new();
    m->dept_index = strmap_new();
    m->skill_index = strmap_new();
    m->attr_index = strmap_new();
    if (!m->arena || !m->emp_index || !m->dept_index || !m->skill_index || !m->attr_index) {
        mm_model_free(m);
        return NULL;
    }
    return m;
}

void mm_model_free(mm_model *m)
{
    if (!m)
        return;
    arena_free(m->arena);
    free(m->emps);
    free(m->depts);
    free(m->skill_names);
    free(m->attr_keys);
    free(m->skills);
    free(m->goals);
    free(m->windows);
    free(m->attrs);
    free(m->history);
    free(m->exclusions);
    free(m->pins);
    free(m->prefs);
    free(m->ratings);
    free(m->partner_feedback);
    strmap_free(m->emp_index);
    strmap_free(m->dept_index);
    strmap_free(m->skill_index);
    strmap_free(m->attr_index);
    free(m);
}


const char *model_strndup(mm_model *m, const char *s, size_t len)
{
    char *p = arena_alloc(m->arena, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

const char *model_strdup(mm_model *m, const char *s)
{
    return model_strndup(m, s ? s : "", s ? strlen(s) : 0);
}

/* Grows *arr (elements of size elem) to hold one more; 0 or -2 on OOM. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    if (ncap > SIZE_MAX / elem)
        return -2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return -2;
    *arr = p;
    *cap = ncap;
    return 0;
}

#define PUSH(m, arr, n, cap, value)                                                 \
    (grow((void **)&(m)->arr, &(m)->cap, (m)->n, sizeof *(m)->arr) ? -2             \
                                                                  : ((m)->arr[(m)->n++] = (value), 0))

int32_t model_find_employee(const mm_model *m, const char *id)
{
    return strmap_get(m->emp_index, id);
}

int32_t model_find_dept(const mm_model *m, const char *id)
{
    return strmap_get(m->dept_index, id);
}

int32_t model_find_skill(const mm_model *m, const char *name)
{
    return strmap_get(m->skill_index, name);
}

int32_t model_add_employee(mm_model *m, const model_employee *e)
{
    if (model_find_employee(m, e->id) >= 0)
        return -1;
    if (m->n_emps >= INT32_MAX)
        return -2;
    model_employee c = *e;
    c.id = model_strdup(m, e->id);
    c.name = model_strdup(m, e->name);
    c.email = model_strdup(m, e->email);
    c.timezone = model_strdup(m, e->timezone);
    c.location = model_strdup(m, e->location);
    c.hire_date = model_strdup(m, e->hire_date);
    if (!c.id || !c.name || !c.email || !c.timezone || !c.location || !c.hire_date)
        return -2;
    int32_t idx = (int32_t)m->n_emps;
    if (PUSH(m, emps, n_emps, cap_emps, c) || strmap_put(m->emp_index, c.id, idx))
        return -2;
    return idx;
}

int32_t model_add_dept(mm_model *m, const char *id, const char *name)
{
    if (model_find_dept(m, id) >= 0)
        return -1;
    model_dept d = {model_strdup(m, id), model_strdup(m, name), -1};
    if (!d.id || !d.name)
        return -2;
    int32_t idx = (int32_t)m->n_depts;
    if (PUSH(m, depts, n_depts, cap_depts, d) || strmap_put(m->dept_index, d.id, idx))
        return -2;
    return idx;
}

int32_t model_intern_skill(mm_model *m, const char *name, size_t len)
{
    while (len && isspace((unsigned char)*name)) {
        name++;
        len--;
    }
    while (len && isspace((unsigned char)name[len - 1]))
        len--;
    char buf[4097];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)name[i]);
    buf[len] = '\0';
    int32_t idx = strmap_get(m->skill_index, buf);
    if (idx >= 0)
        return idx;
    const char *s = model_strndup(m, buf, len);
    idx = (int32_t)m->n_skills;
    if (!s || PUSH(m, skill_names, n_skills, cap_skills, s) || strmap_put(m->skill_index, s, idx))
        return -2;
    return idx;
}

int32_t model_intern_attr_key(mm_model *m, const char *key)
{
    int32_t idx = strmap_get(m->attr_index, key);
    if (idx >= 0)
        return idx;
    const char *s = model_strdup(m, key);
    idx = (int32_t)m->n_attr_keys;
    if (!s || PUSH(m, attr_keys, n_attr_keys, cap_attr_keys, s) || strmap_put(m->attr_index, s, idx))
        return -2;
    return idx;
}

int model_add_skill(mm_model *m, int32_t emp, int32_t skill, int32_t level)
{
    model_skill_row r = {emp, {skill, level}};
    return PUSH(m, skills, n_skill_rows, cap_skill_rows, r);
}

int model_add_goal(mm_model *m, int32_t emp, const model_goal *g)
{
    model_goal_row r = {emp, *g};
    return PUSH(m, goals, n_goal_rows, cap_goal_rows, r);
}

int model_add_window(mm_model *m, int32_t emp, const model_window *w)
{
    model_window_row r = {emp, *w};
    return PUSH(m, windows, n_window_rows, cap_window_rows, r);
}

int model_add_attr(mm_model *m, int32_t emp, int32_t key, const char *value)
{
    model_attr_row r = {emp, {key, model_strdup(m, value)}};
    if (!r.a.value)
        return -2;
    return PUSH(m, attrs, n_attr_rows, cap_attr_rows, r);
}

int model_add_history(mm_model *m, const model_history *h)
{
    return PUSH(m, history, n_history, cap_history, *h);
}

int model_add_exclusion(mm_model *m, int32_t a, int32_t b, const char *reason)
{
    model_exclusion x = {a, b, model_strdup(m, reason)};
    if (!x.reason)
        return -2;
    return PUSH(m, exclusions, n_exclusions, cap_exclusions, x);
}

int model_add_pin(mm_model *m, const model_pin *p)
{
    return PUSH(m, pins, n_pins, cap_pins, *p);
}

int model_add_preference(mm_model *m, const model_preference *p)
{
    return PUSH(m, prefs, n_prefs, cap_prefs, *p);
}

int model_add_rating(mm_model *m, const model_rating *r)
{
    return PUSH(m, ratings, n_ratings, cap_ratings, *r);
}

/* ---- canonical order ---------------------------------------------------- */

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

static int cmp_skill_row(const void *pa, const void *pb)
{
    const model_skill_row *a = pa, *b = pb;
    int c = CMP(a->emp, b->emp);
    return c ? c : CMP(a->s.skill, b->s.skill);
}

static int cmp_goal_row(const void *pa, const void *pb)
{
    const model_goal_row *a = pa, *b = pb;
    int c = CMP(a->emp, b->emp);
    return c ? c : CMP(a->g.skill, b->g.skill);
}

static int cmp_window_row(const void *pa, const void *pb)
{
    const model_window_row *a = pa, *b = pb;
    int c = CMP(a->emp, b->emp);
    if (!c)
        c = CMP(a->w.day, b->w.day);
    if (!c)
        c = CMP(a->w.start, b->w.start);
    return c ? c : CMP(a->w.end, b->w.end);
}

static int cmp_attr_row(const void *pa, const void *pb)
{
    const model_attr_row *a = pa, *b = pb;
    int c = CMP(a->emp, b->emp);
    return c ? c : CMP(a->a.key, b->a.key);
}

static int cmp_history(const void *pa, const void *pb)
{
    const model_history *a = pa, *b = pb;
    int c = CMP(a->learner, b->learner);
    if (!c)
        c = CMP(a->partner, b->partner);
    if (!c)
        c = CMP(a->quarter, b->quarter);
    return c ? c : CMP(a->track, b->track);
}

static int cmp_exclusion(const void *pa, const void *pb)
{
    const model_exclusion *a = pa, *b = pb;
    int c = CMP(a->a, b->a);
    return c ? c : CMP(a->b, b->b);
}

static int cmp_pin(const void *pa, const void *pb)
{
    const model_pin *a = pa, *b = pb;
    int c = CMP(a->track, b->track);
    if (!c)
        c = CMP(a->learner, b->learner);
    return c ? c : CMP(a->partner, b->partner);
}

static int cmp_pref(const void *pa, const void *pb)
{
    const model_preference *a = pa, *b = pb;
    int c = CMP(a->learner, b->learner);
    if (!c)
        c = CMP(a->rank, b->rank);
    return c ? c : CMP(a->partner, b->partner);
}

/* Sorts n rows of base unless they are in order already, as a store's
   rows are (saved in this order) and an export's often are: at a million
   employees, sorting them was a tenth of loading the model. */
static void sort_rows(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    const char *row = base;
    size_t i = 1;
    while (i < n && cmp(row + (i - 1) * size, row + i * size) <= 0)
        i++;
    if (i < n)
        qsort(base, n, size, cmp);
}

int model_finish(mm_model *m)
{
    sort_rows(m->skills, m->n_skill_rows, sizeof *m->skills, cmp_skill_row);
    sort_rows(m->goals, m->n_goal_rows, sizeof *m->goals, cmp_goal_row);
    sort_rows(m->windows, m->n_window_rows, sizeof *m->windows, cmp_window_row);
    sort_rows(m->attrs, m->n_attr_rows, sizeof *m->attrs, cmp_attr_row);
    sort_rows(m->history, m->n_history, sizeof *m->history, cmp_history);
    sort_rows(m->exclusions, m->n_exclusions, sizeof *m->exclusions, cmp_exclusion);
    sort_rows(m->pins, m->n_pins, sizeof *m->pins, cmp_pin);
    sort_rows(m->prefs, m->n_prefs, sizeof *m->prefs, cmp_pref);

    for (size_t i = 0; i < m->n_emps; i++) {
        model_employee *e = &m->emps[i];
        e->skill_count = e->goal_count = e->window_count = e->attr_count = 0;
    }
#define SLICE(rows, n, first, count)                                                \
    for (size_t i = m->n; i-- > 0;) {                                             \
        model_employee *e = &m->emps[m->rows[i].emp];                             \
        e->first = (uint32_t)i;                                                   \
        e->count++;                                                               \
    }
    SLICE(skills, n_skill_rows, skill_first, skill_count)
    SLICE(goals, n_goal_rows, goal_first, goal_count)
    SLICE(windows, n_window_rows, window_first, window_count)
    SLICE(attrs, n_attr_rows, attr_first, attr_count)
#undef SLICE
    /* each partner's mean rating, summed in integers so the order is irrelevant */
    free(m->partner_feedback);
    m->partner_feedback = malloc((m->n_emps + 1) * sizeof *m->partner_feedback);
    int64_t *sum = calloc(m->n_emps + 1, sizeof *sum), *count = calloc(m->n_emps + 1, sizeof *count);
    if (!m->partner_feedback || !sum || !count) {
        free(sum);
        free(count);
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < m->n_ratings; i++) {
        sum[m->ratings[i].partner] += m->ratings[i].rating;
        count[m->ratings[i].partner]++;
    }
    for (size_t e = 0; e < m->n_emps; e++)
        m->partner_feedback[e] =
            count[e] ? ((double)sum[e] - (double)count[e]) / (4.0 * (double)count[e]) : -1.0;
    free(sum);
    free(count);
    return MM_OK;
}

int32_t model_level(const mm_model *m, int32_t e, int32_t skill)
{
    const model_skill_row *s = model_emp_skills(m, e);
    size_t lo = 0, hi = m->emps[e].skill_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s[mid].s.skill < skill)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->emps[e].skill_count && s[lo].s.skill == skill ? s[lo].s.level : 0;
}

int32_t model_parse_quarter(const char *s)
{
    if (strlen(s) != 6 || (s[4] != 'Q' && s[4] != 'q') || s[5] < '1' || s[5] > '4')
        return -1;
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        year = year * 10 + (s[i] - '0');
    }
    if (year < 1900)
        return -1;
    return year * 4 + (s[5] - '1');
}

void model_format_quarter(int32_t q, char *buf, size_t size)
{
    snprintf(buf, size, "%04dQ%d", (int)(q / 4), (int)(q % 4 + 1));
}

const char *track_name(int32_t t)
{
    switch (t) {
    case TRACK_MENTORING:
        return "mentoring";
    case TRACK_SHADOWING:
        return "shadowing";
    default:
        return "any";
    }
}
