/*
 * model.h - the company of one quarter as plain arrays (internal).
 *
 * The model is what the importers (io/import.c) and the store loader
 * (io/store.c) build and what the engine reads. Every string and array lives
 * in the model's arena and is freed by mm_model_free; nothing in it is owned
 * by the caller. Employees are referred to by index (int32_t, -1 for none);
 * the text ids are kept for output. Per-employee rows (skills, goals,
 * availability, attributes) are contiguous slices, sorted, once
 * model_finish has run.
 */
#ifndef MM_MODEL_H
#define MM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "mentormatch.h"

enum { ROLE_LEARNER = 1u, ROLE_MENTOR = 2u, ROLE_HOST = 4u };

/* Tracks; a goal or history row may say "any" (both). */
enum { TRACK_MENTORING = 0, TRACK_SHADOWING = 1, TRACK_ANY = 2 };
#define TRACK_COUNT 2

typedef struct model_skill {
    int32_t skill; /* index into model.skill_names */
    int32_t level; /* 0..5 */
} model_skill;

typedef struct model_goal {
    int32_t skill;
    int32_t target;   /* 1..5 */
    int32_t priority; /* 1..3 */
    int32_t track;    /* enum track */
} model_goal;

typedef struct model_window {
    int32_t day;   /* 0 = Monday .. 6 = Sunday */
    int32_t start; /* minutes after local midnight, 0..1439 */
    int32_t end;   /* minutes, start < end <= 1440 */
} model_window;

typedef struct model_attr {
    int32_t key; /* index into model.attr_keys */
    const char *value;
} model_attr;

typedef struct model_employee {
    const char *id;
    const char *name;     /* never logged */
    const char *email;    /* "" when unknown; never logged */
    const char *timezone; /* IANA name */
    const char *location; /* "" when unknown */
    const char *hire_date;
    int32_t dept;    /* index into model.depts */
    int32_t manager; /* index into model.emps, -1 when none */
    int32_t grade;   /* 1..15 */
    uint32_t roles;  /* ROLE_* bits */
    int32_t mentor_capacity;
    int32_t host_capacity;
    /* slices, valid after model_finish */
    uint32_t skill_first, skill_count;
    uint32_t goal_first, goal_count;
    uint32_t window_first, window_count;
    uint32_t attr_first, attr_count;
} model_employee;

typedef struct model_dept {
    const char *id;
    const char *name;
    int32_t parent; /* -1 when none */
} model_dept;

typedef struct model_history {
    int32_t learner, partner;
    int32_t quarter; /* year * 4 + (q - 1) */
    int32_t track;   /* enum track; TRACK_ANY counts for both */
} model_history;

typedef struct model_exclusion {
    int32_t a, b;
    const char *reason;
} model_exclusion;

typedef struct model_pin {
    int32_t learner, partner;
    int32_t track; /* TRACK_MENTORING or TRACK_SHADOWING */
} model_pin;

typedef struct model_preference {
    int32_t learner, partner;
    int32_t rank; /* >= 1 */
} model_preference;

/* Rows keyed by employee, kept in one array and sliced per employee. */
typedef struct model_skill_row {
    int32_t emp;
    model_skill s;
} model_skill_row;
typedef struct model_goal_row {
    int32_t emp;
    model_goal g;
} model_goal_row;
typedef struct model_window_row {
    int32_t emp;
    model_window w;
} model_window_row;
typedef struct model_attr_row {
    int32_t emp;
    model_attr a;
} model_attr_row;

/* One feedback rating (1..5) a learner gave a partner in a published run. */
typedef struct model_rating {
    int32_t learner, partner;
    int32_t rating;
} model_rating;

typedef struct model_strmap model_strmap;

struct mm_model {
    struct model_arena *arena;
    model_employee *emps;
    size_t n_emps, cap_emps;
    model_dept *depts;
    size_t n_depts, cap_depts;
    const char **skill_names; /* trimmed, lower case */
    size_t n_skills, cap_skills;
    const char **attr_keys; /* lower case column names */
    size_t n_attr_keys, cap_attr_keys;

    /* after model_finish these are sorted by (emp, key) and the slices set */
    model_skill_row *skills;
    size_t n_skill_rows, cap_skill_rows;
    model_goal_row *goals;
    size_t n_goal_rows, cap_goal_rows;
    model_window_row *windows;
    size_t n_window_rows, cap_window_rows;
    model_attr_row *attrs;
    size_t n_attr_rows, cap_attr_rows;

    model_history *history;
    size_t n_history, cap_history;
    model_exclusion *exclusions;
    size_t n_exclusions, cap_exclusions;
    model_pin *pins;
    size_t n_pins, cap_pins;
    model_preference *prefs;
    size_t n_prefs, cap_prefs;
    model_rating *ratings;
    size_t n_ratings, cap_ratings;
    /* after model_finish: per employee, the mean rating received as a
       partner scaled to [0, 1] ((mean - 1) / 4), or -1 when never rated */
    double *partner_feedback;

    model_strmap *emp_index;   /* id -> employee index */
    model_strmap *dept_index;  /* id -> department index */
    model_strmap *skill_index; /* normalised name -> skill index */
    model_strmap *attr_index;  /* key -> attr key index */
};

/* A new, empty model; NULL when out of memory. Free with mm_model_free. */
mm_model *model_new(void);

/* Copies len bytes of s (plus a NUL) into the model's arena; NULL on OOM. */
const char *model_strndup(mm_model *m, const char *s, size_t len);
const char *model_strdup(mm_model *m, const char *s);

/* Look-ups by text id; -1 when absent. */
int32_t model_find_employee(const mm_model *m, const char *id);
int32_t model_find_dept(const mm_model *m, const char *id);
int32_t model_find_skill(const mm_model *m, const char *normalised_name);

/*
 * Adders. Each copies its strings into the arena and returns the new index
 * (>= 0), -1 when the id is already present (employees, departments), or
 * -2 when out of memory. The employee's slices are set by model_finish.
 */
int32_t model_add_employee(mm_model *m, const model_employee *e);
int32_t model_add_dept(mm_model *m, const char *id, const char *name);
/* Interns a skill name: trims, lower-cases (ASCII) and returns its index; -2 on OOM. */
int32_t model_intern_skill(mm_model *m, const char *name, size_t len);
int32_t model_intern_attr_key(mm_model *m, const char *key);
int model_add_skill(mm_model *m, int32_t emp, int32_t skill, int32_t level);
int model_add_goal(mm_model *m, int32_t emp, const model_goal *g);
int model_add_window(mm_model *m, int32_t emp, const model_window *w);
int model_add_attr(mm_model *m, int32_t emp, int32_t key, const char *value);
int model_add_history(mm_model *m, const model_history *h);
int model_add_exclusion(mm_model *m, int32_t a, int32_t b, const char *reason);
int model_add_pin(mm_model *m, const model_pin *p);
int model_add_preference(mm_model *m, const model_preference *p);
int model_add_rating(mm_model *m, const model_rating *r);

/*
 * Sorts the per-employee rows (skills by skill, goals by skill, windows by
 * day and start, attributes by key), sets every employee's slices and sorts
 * history, exclusions, pins and preferences into a canonical order so that
 * equal inputs give equal models. Returns MM_OK or MM_ENOMEM.
 */
int model_finish(mm_model *m);

/* Slices of one employee (valid after model_finish). */
static inline const model_skill_row *model_emp_skills(const mm_model *m, int32_t e)
{
    return m->skills + m->emps[e].skill_first;
}
static inline const model_goal_row *model_emp_goals(const mm_model *m, int32_t e)
{
    return m->goals + m->emps[e].goal_first;
}
static inline const model_window_row *model_emp_windows(const mm_model *m, int32_t e)
{
    return m->windows + m->emps[e].window_first;
}
static inline const model_attr_row *model_emp_attrs(const mm_model *m, int32_t e)
{
    return m->attrs + m->emps[e].attr_first;
}

/* Level of employee e in skill s (0 when not listed). */
int32_t model_level(const mm_model *m, int32_t e, int32_t skill);

/* "2026Q3" -> 2026 * 4 + 2; -1 when malformed. */
int32_t model_parse_quarter(const char *s);
/* Writes "2026Q3" into buf (at least 8 bytes). */
void model_format_quarter(int32_t q, char *buf, size_t size);

const char *track_name(int32_t t);

#endif
