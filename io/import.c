/*
 * import.c - the company's tables (SPEC section 2) into a model, checked.
 *
 * Each input table is described once (its file, its columns, a row handler).
 * The CSV reader and the JSON document both present rows to the same
 * handlers, so every check holds for both inputs. Errors carry the file, the
 * physical line and column (CSV) or the JSON path; values are echoed only
 * from columns that never hold personal data (never name or email).
 */
#include "import.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "csv.h"
#include "fileio.h"
#include "jsonparse.h"
#include "model.h"
#include "tz.h"

#define MAX_COLS 16
#define MAX_EXTRA 64
#define MAX_FILE_BYTES (1024UL * 1024 * 1024)
#define MAX_ID_BYTES IMPORT_MAX_ID_BYTES
#define MAX_CAPACITY 100

/* ---- table descriptions -------------------------------------------------- */

typedef struct in_row in_row;
typedef struct importer importer;
typedef void (*row_fn)(importer *im, const in_row *r);

typedef struct col_def {
    const char *name;
    bool required;
} col_def;

typedef struct table_def {
    const char *file;     /* "employees.csv" */
    const char *json_key; /* "employees" */
    bool required;
    const col_def *cols;
    int ncols;
    bool extra_as_attrs; /* unknown columns are kept as free attributes */
    row_fn row;
} table_def;

struct in_row {
    const table_def *t;
    long line;  /* CSV: the record's physical line; JSON: 0 */
    long index; /* 1-based data row */
    const char *val[MAX_COLS];
    size_t len[MAX_COLS];
    long vline[MAX_COLS];
    long vcol[MAX_COLS]; /* 1-based field number; 0 when the column is absent */
    const char *header[MAX_COLS]; /* the column's name as the input spells it */
    size_t n_extra;
    const char *extra_key[MAX_EXTRA]; /* lower case */
    const char *extra_val[MAX_EXTRA];
};

/* ---- int64 -> long map, for duplicates ----------------------------------- */

/* Open addressing, linear probing, at most 3/4 full. A key and its line
   share a slot, so that a probe touches one cache line. */
typedef struct keymap_slot {
    uint64_t key; /* key + 1; 0 = empty */
    long line;
} keymap_slot;

typedef struct keymap {
    keymap_slot *slots;
    size_t cap, n; /* cap: 0 or a power of two */
} keymap;

static void keymap_free(keymap *k)
{
    free(k->slots);
    memset(k, 0, sizeof *k);
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/* Whether n keys fit in cap slots. */
static bool keymap_fits(size_t n, size_t cap)
{
    return n <= cap / 4 * 3;
}

/* Moves the keys into cap slots (a power of two that fits them); -1 on OOM. */
static int keymap_rehash(keymap *k, size_t cap)
{
    keymap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t j = 0; j < k->cap; j++) {
        if (!k->slots[j].key)
            continue;
        size_t i = mix64(k->slots[j].key) & (cap - 1);
        while (slots[i].key)
            i = (i + 1) & (cap - 1);
        slots[i] = k->slots[j];
    }
    free(k->slots);
    k->slots = slots;
    k->cap = cap;
    return 0;
}

/* Makes room for about n keys at once, so a big file does not rehash often;
   a hint only (nothing changes when memory is short). */
static void keymap_reserve(keymap *k, size_t n)
{
    size_t cap = 1024;
    while (!keymap_fits(n, cap) && cap < ((size_t)1 << 40))
        cap *= 2;
    if (cap > k->cap)
        keymap_rehash(k, cap);
}

/* Inserts key; returns 0 (new), the earlier line (> 0) when present, -1 on OOM. */
static long keymap_put(keymap *k, uint64_t key, long line)
{
    if (!keymap_fits(k->n + 1, k->cap) && keymap_rehash(k, k->cap ? k->cap * 2 : 1024))
        return -1;
    uint64_t stored = key + 1;
    size_t i = mix64(stored) & (k->cap - 1);
    for (; k->slots[i].key; i = (i + 1) & (k->cap - 1))
        if (k->slots[i].key == stored)
            return k->slots[i].line > 0 ? k->slots[i].line : 1;
    k->slots[i].key = stored;
    k->slots[i].line = line;
    k->n++;
    return 0;
}

static uint64_t pair_key(int32_t a, int32_t b)
{
    return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
}

/* ---- the importer -------------------------------------------------------- */

typedef struct pending_ref {
    int32_t who;    /* employee or department index */
    const char *id; /* the referenced id (arena) */
    long line, col;
    const char *header; /* the column's name as the input spells it (arena) */
    long index;
} pending_ref;

typedef struct ref_list {
    pending_ref *v;
    size_t n, cap;
} ref_list;

struct importer {
    mm_model *m;
    mm_diag *diag;
    const import_mapping *map;
    const char *json_name; /* the JSON document's file name, NULL for CSV */
    bool have_depts;
    long *emp_line; /* employees.csv line (or JSON index) per employee */
    long *emp_mgr_col; /* the manager_id column per employee (CSV) */
    size_t cap_emp_line;
    long *dept_line; /* departments.csv line (or JSON index) per department */
    long *dept_parent_col;
    size_t cap_dept_line;
    ref_list managers, parents;
    keymap skill_keys, goal_keys, pin_keys, pref_keys, pin_mentor;
    /* time zones seen, so each distinct name is looked up once */
    struct {
        char *name;
        bool known;
    } zones[64];
    int n_zones;
    /* the employee the last reference named, + 1 (0: none): an export lists
       a person's skills, goals and windows together, and most references
       then cost a string compare instead of a probe of a million ids */
    int32_t last_emp;
    bool oom;
};

static int push_ref(ref_list *l, const pending_ref *r)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        pending_ref *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *r;
    return 0;
}

/* The location of column c of a row: CSV line and field, or the JSON path. */
static void row_error(importer *im, const in_row *r, int c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void row_error(importer *im, const in_row *r, int c, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *col = c >= 0 ? r->header[c] : NULL;
    if (im->json_name) {
        if (col)
            mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0, "%s[%ld].%s: %s",
                          r->t->json_key, r->index - 1, col, msg);
        else
            mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0, "%s[%ld]: %s",
                          r->t->json_key, r->index - 1, msg);
    } else if (col) {
        mm_diag_error(im->diag, MM_EDATA, r->t->file, r->vline[c], r->vcol[c], "%s: %s", col, msg);
    } else {
        mm_diag_error(im->diag, MM_EDATA, r->t->file, r->line, 0, "%s", msg);
    }
}

static void row_warning(importer *im, const table_def *t, long line, long index,
                        const char *msg)
{
    if (im->json_name)
        mm_diag_warning(im->diag, im->json_name, 0, 0, "%s[%ld]: %s", t->json_key, index - 1,
                        msg);
    else
        mm_diag_warning(im->diag, t->file, line, 0, "%s", msg);
}

/* A value quoted for a message: at most 40 bytes, control bytes escaped. */
static const char *shown(const in_row *r, int c, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < r->len[c] && o + 5 < size; i++) {
        unsigned char ch = (unsigned char)r->val[c][i];
        if (i == 40) {
            o += (size_t)snprintf(buf + o, size - o, "...");
            break;
        }
        if (ch < 0x20 || ch == '"' || ch == '\\')
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
        else
            buf[o++] = (char)ch;
    }
    buf[o < size ? o : size - 1] = '\0';
    return buf;
}

static bool is_empty(const in_row *r, int c) { return r->len[c] == 0; }

/* Where the first of two duplicates was: "on line 12" or "at pins[0]". */
static const char *first_at(const importer *im, const in_row *r, long first, char *buf,
                            size_t size)
{
    if (im->json_name)
        snprintf(buf, size, "at %s[%ld]", r->t->json_key, first - 1);
    else
        snprintf(buf, size, "on line %ld", first);
    return buf;
}

/* Strict decimal integer in [lo, hi]. */
static bool parse_int(const char *s, size_t len, long lo, long hi, long *out)
{
    if (len == 0 || len > 18)
        return false;
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
        if (len == 1)
            return false;
    }
    long v = 0;
    for (; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Digits only (no sign) in [lo, hi]. */
static bool parse_digits(const char *s, size_t len, long lo, long hi, long *out)
{
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return parse_int(s, len, lo, hi, out);
}

/* Required integer column c in [lo, hi]; *out keeps its default when the
   optional column is empty. Returns false (and reports) when bad. */
static bool get_int(importer *im, const in_row *r, int c, long lo, long hi, long *out)
{
    char buf[64];
    if (is_empty(r, c)) {
        if (r->t->cols[c].required) {
            row_error(im, r, c, "expected an integer %ld..%ld, got nothing", lo, hi);
            return false;
        }
        return true;
    }
    if (!parse_int(r->val[c], r->len[c], lo, hi, out)) {
        row_error(im, r, c, "expected an integer %ld..%ld, got \"%s\"", lo, hi,
                  shown(r, c, buf, sizeof buf));
        return false;
    }
    return true;
}

/* A required employee reference; -1 (reported) when unknown or empty. */
static int32_t get_emp(importer *im, const in_row *r, int c)
{
    char buf[64];
    if (is_empty(r, c)) {
        row_error(im, r, c, "expected an employee id, got nothing");
        return -1;
    }
    int32_t last = im->last_emp - 1;
    if (last >= 0 && strcmp(im->m->emps[last].id, r->val[c]) == 0)
        return last;
    int32_t e = model_find_employee(im->m, r->val[c]);
    if (e < 0)
        row_error(im, r, c, "unknown employee \"%s\"", shown(r, c, buf, sizeof buf));
    else
        im->last_emp = e + 1;
    return e;
}

static bool eq_nocase(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

/* Track column: mentoring, shadowing, any (or empty when allowed). -2 when bad. */
static int32_t get_track(importer *im, const in_row *r, int c, bool allow_any, int32_t dflt)
{
    char buf[64];
    if (is_empty(r, c) && !r->t->cols[c].required)
        return dflt;
    if (eq_nocase(r->val[c], r->len[c], "mentoring"))
        return TRACK_MENTORING;
    if (eq_nocase(r->val[c], r->len[c], "shadowing"))
        return TRACK_SHADOWING;
    if (allow_any && eq_nocase(r->val[c], r->len[c], "any"))
        return TRACK_ANY;
    row_error(im, r, c, "expected %s, got \"%s\"",
              allow_any ? "mentoring, shadowing or any" : "mentoring or shadowing",
              shown(r, c, buf, sizeof buf));
    return -2;
}

static bool check_id(importer *im, const in_row *r, int c)
{
    if (is_empty(r, c)) {
        row_error(im, r, c, "expected an id, got nothing");
        return false;
    }
    if (r->len[c] > MAX_ID_BYTES) {
        row_error(im, r, c, "id longer than %d bytes", MAX_ID_BYTES);
        return false;
    }
    return true;
}

/* Whether name is a known IANA zone; remembers the answers. */
static bool zone_known(importer *im, const char *name)
{
    for (int i = 0; i < im->n_zones; i++)
        if (strcmp(im->zones[i].name, name) == 0)
            return im->zones[i].known;
    bool known = tz_get(name) != NULL;
    if (im->n_zones < (int)(sizeof im->zones / sizeof im->zones[0])) {
        char *copy = strdup(name);
        if (copy) {
            im->zones[im->n_zones].name = copy;
            im->zones[im->n_zones++].known = known;
        }
    }
    return known;
}

static void note_oom(importer *im)
{
    if (!im->oom)
        mm_diag_error(im->diag, MM_ENOMEM, NULL, 0, 0, "out of memory");
    im->oom = true;
}

/* ---- departments.csv ----------------------------------------------------- */

enum { DEPT_ID, DEPT_NAME, DEPT_PARENT, DEPT_NCOLS };
static const col_def dept_cols[] = {{"id", true}, {"name", true}, {"parent_id", false}};

static void dept_row(importer *im, const in_row *r)
{
    char buf[64];
    if (!check_id(im, r, DEPT_ID))
        return;
    if (is_empty(r, DEPT_NAME)) {
        row_error(im, r, DEPT_NAME, "expected a department name, got nothing");
        return;
    }
    int32_t d = model_add_dept(im->m, r->val[DEPT_ID], r->val[DEPT_NAME]);
    if (d == -1) {
        row_error(im, r, DEPT_ID, "duplicate department id \"%s\"",
                  shown(r, DEPT_ID, buf, sizeof buf));
        return;
    }
    if (d < 0)
        return note_oom(im);
    if ((size_t)d >= im->cap_dept_line) {
        size_t cap = im->cap_dept_line ? im->cap_dept_line * 2 : 64;
        long *v = realloc(im->dept_line, cap * sizeof *v);
        if (v)
            im->dept_line = v;
        long *w = realloc(im->dept_parent_col, cap * sizeof *w);
        if (w)
            im->dept_parent_col = w;
        if (!v || !w)
            return note_oom(im);
        im->cap_dept_line = cap;
    }
    im->dept_line[d] = im->json_name ? r->index : r->line;
    im->dept_parent_col[d] = r->vcol[DEPT_PARENT];
    if (!is_empty(r, DEPT_PARENT)) {
        pending_ref p = {d, model_strdup(im->m, r->val[DEPT_PARENT]), r->vline[DEPT_PARENT],
                         r->vcol[DEPT_PARENT], model_strdup(im->m, r->header[DEPT_PARENT]),
                         r->index};
        if (!p.id || !p.header || push_ref(&im->parents, &p))
            note_oom(im);
    }
}

/* ---- employees.csv ------------------------------------------------------- */

enum {
    EMP_ID, EMP_NAME, EMP_DEPARTMENT, EMP_GRADE, EMP_TIMEZONE, EMP_ROLES, EMP_EMAIL,
    EMP_MANAGER, EMP_LOCATION, EMP_HIRE_DATE, EMP_MENTOR_CAP, EMP_HOST_CAP, EMP_NCOLS
};
static const col_def emp_cols[] = {
    {"id", true},           {"name", true},        {"department", true},
    {"grade", true},        {"timezone", true},    {"roles", true},
    {"email", false},       {"manager_id", false}, {"location", false},
    {"hire_date", false},   {"mentor_capacity", false}, {"host_capacity", false},
};

/* "learner;mentor" -> ROLE_* bits; false (reported) on an unknown role. */
static bool parse_roles(importer *im, const in_row *r, uint32_t *roles)
{
    char buf[64];
    const char *s = r->val[EMP_ROLES];
    size_t len = r->len[EMP_ROLES];
    *roles = 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && s[j] != ';')
            j++;
        size_t a = i, b = j;
        while (a < b && isspace((unsigned char)s[a]))
            a++;
        while (b > a && isspace((unsigned char)s[b - 1]))
            b--;
        if (b > a) {
            if (eq_nocase(s + a, b - a, "learner"))
                *roles |= ROLE_LEARNER;
            else if (eq_nocase(s + a, b - a, "mentor"))
                *roles |= ROLE_MENTOR;
            else if (eq_nocase(s + a, b - a, "host"))
                *roles |= ROLE_HOST;
            else {
                row_error(im, r, EMP_ROLES,
                          "expected roles from learner, mentor, host separated by ';', got \"%s\"",
                          shown(r, EMP_ROLES, buf, sizeof buf));
                return false;
            }
        }
        i = j + 1;
    }
    return true;
}

static bool valid_date(const char *s, size_t len)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    long y, mo, d;
    if (!parse_digits(s, 4, 1900, 9999, &y) || !parse_digits(s + 5, 2, 1, 12, &mo) ||
        !parse_digits(s + 8, 2, 1, 31, &d))
        return false;
    int32_t days = days_from_civil((int32_t)y, (int32_t)mo, (int32_t)d);
    int32_t yy, mm, dd;
    civil_from_days(days, &yy, &mm, &dd);
    return yy == y && mm == mo && dd == d;
}

static void emp_row(importer *im, const in_row *r)
{
    char buf[64];
    bool ok = check_id(im, r, EMP_ID);
    if (is_empty(r, EMP_NAME)) {
        row_error(im, r, EMP_NAME, "expected a name, got nothing");
        ok = false;
    }
    model_employee e = {0};
    e.manager = -1;
    e.dept = -1;
    long grade = 0, mcap = 2, hcap = 2;
    ok &= get_int(im, r, EMP_GRADE, 1, 15, &grade);
    ok &= get_int(im, r, EMP_MENTOR_CAP, 0, MAX_CAPACITY, &mcap);
    ok &= get_int(im, r, EMP_HOST_CAP, 0, MAX_CAPACITY, &hcap);
    if (is_empty(r, EMP_TIMEZONE)) {
        row_error(im, r, EMP_TIMEZONE, "expected an IANA time zone name, got nothing");
        ok = false;
    } else if (!zone_known(im, r->val[EMP_TIMEZONE])) {
        row_error(im, r, EMP_TIMEZONE, "unknown time zone \"%s\"",
                  shown(r, EMP_TIMEZONE, buf, sizeof buf));
        ok = false;
    }
    uint32_t roles = 0;
    ok &= parse_roles(im, r, &roles);
    if (!is_empty(r, EMP_HIRE_DATE) && !valid_date(r->val[EMP_HIRE_DATE], r->len[EMP_HIRE_DATE])) {
        row_error(im, r, EMP_HIRE_DATE, "expected a date YYYY-MM-DD, got \"%s\"",
                  shown(r, EMP_HIRE_DATE, buf, sizeof buf));
        ok = false;
    }
    if (is_empty(r, EMP_DEPARTMENT)) {
        row_error(im, r, EMP_DEPARTMENT, "expected a department id, got nothing");
        ok = false;
    } else {
        e.dept = model_find_dept(im->m, r->val[EMP_DEPARTMENT]);
        if (e.dept < 0 && im->have_depts) {
            row_error(im, r, EMP_DEPARTMENT, "unknown department \"%s\"",
                      shown(r, EMP_DEPARTMENT, buf, sizeof buf));
            ok = false;
        } else if (e.dept < 0) {
            e.dept = model_add_dept(im->m, r->val[EMP_DEPARTMENT], r->val[EMP_DEPARTMENT]);
            if (e.dept < 0)
                return note_oom(im);
        }
    }
    if (!ok)
        return;
    e.id = r->val[EMP_ID];
    e.name = r->val[EMP_NAME];
    e.email = r->val[EMP_EMAIL];
    e.timezone = r->val[EMP_TIMEZONE];
    e.location = r->val[EMP_LOCATION];
    e.hire_date = r->val[EMP_HIRE_DATE];
    e.grade = (int32_t)grade;
    e.roles = roles;
    e.mentor_capacity = (int32_t)mcap;
    e.host_capacity = (int32_t)hcap;
    int32_t idx = model_add_employee(im->m, &e);
    if (idx == -1) {
        row_error(im, r, EMP_ID, "duplicate employee id \"%s\"", shown(r, EMP_ID, buf, sizeof buf));
        return;
    }
    if (idx < 0)
        return note_oom(im);
    if ((size_t)idx >= im->cap_emp_line) {
        size_t cap = im->cap_emp_line ? im->cap_emp_line * 2 : 1024;
        long *v = realloc(im->emp_line, cap * sizeof *v);
        if (v)
            im->emp_line = v;
        long *w = realloc(im->emp_mgr_col, cap * sizeof *w);
        if (w)
            im->emp_mgr_col = w;
        if (!v || !w)
            return note_oom(im);
        im->cap_emp_line = cap;
    }
    im->emp_line[idx] = im->json_name ? r->index : r->line;
    im->emp_mgr_col[idx] = r->vcol[EMP_MANAGER];
    if (!is_empty(r, EMP_MANAGER)) {
        pending_ref p = {idx, model_strdup(im->m, r->val[EMP_MANAGER]), r->vline[EMP_MANAGER],
                         r->vcol[EMP_MANAGER], model_strdup(im->m, r->header[EMP_MANAGER]),
                         r->index};
        if (!p.id || !p.header || push_ref(&im->managers, &p))
            return note_oom(im);
    }
    for (size_t i = 0; i < r->n_extra; i++) {
        int32_t key = model_intern_attr_key(im->m, r->extra_key[i]);
        if (key < 0 || model_add_attr(im->m, idx, key, r->extra_val[i]))
            return note_oom(im);
    }
}

/* ---- skills.csv, goals.csv ----------------------------------------------- */

enum { SKILL_EMP, SKILL_SKILL, SKILL_LEVEL, SKILL_NCOLS };
static const col_def skill_cols[] = {{"employee_id", true}, {"skill", true}, {"level", true}};

static int32_t get_skill(importer *im, const in_row *r, int c)
{
    const char *s = r->val[c];
    size_t len = r->len[c];
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    if (len == 0) {
        row_error(im, r, c, "expected a skill name, got nothing");
        return -1;
    }
    int32_t k = model_intern_skill(im->m, r->val[c], r->len[c]);
    if (k < 0)
        note_oom(im);
    return k;
}

static void skill_row(importer *im, const in_row *r)
{
    char buf[64];
    int32_t e = get_emp(im, r, SKILL_EMP);
    int32_t k = get_skill(im, r, SKILL_SKILL);
    long level = 0;
    bool ok = get_int(im, r, SKILL_LEVEL, 0, 5, &level);
    if (e < 0 || k < 0 || !ok)
        return;
    long first = keymap_put(&im->skill_keys, pair_key(e, k), im->json_name ? r->index : r->line);
    if (first < 0)
        return note_oom(im);
    if (first > 0) {
        char at[64];
        row_error(im, r, SKILL_SKILL, "skill \"%s\" listed twice for employee %s (first %s)",
                  shown(r, SKILL_SKILL, buf, sizeof buf), im->m->emps[e].id,
                  first_at(im, r, first, at, sizeof at));
        return;
    }
    if (model_add_skill(im->m, e, k, (int32_t)level))
        note_oom(im);
}

enum { GOAL_EMP, GOAL_SKILL, GOAL_TARGET, GOAL_PRIORITY, GOAL_TRACK, GOAL_NCOLS };
static const col_def goal_cols[] = {{"employee_id", true}, {"skill", true},
                                    {"target_level", true}, {"priority", false},
                                    {"track", false}};

static void goal_row(importer *im, const in_row *r)
{
    char buf[64];
    int32_t e = get_emp(im, r, GOAL_EMP);
    int32_t k = get_skill(im, r, GOAL_SKILL);
    long target = 0, priority = 2;
    bool ok = get_int(im, r, GOAL_TARGET, 1, 5, &target);
    ok &= get_int(im, r, GOAL_PRIORITY, 1, 3, &priority);
    int32_t track = get_track(im, r, GOAL_TRACK, true, TRACK_ANY);
    if (e < 0 || k < 0 || !ok || track < 0)
        return;
    long first = keymap_put(&im->goal_keys, pair_key(e, k), im->json_name ? r->index : r->line);
    if (first < 0)
        return note_oom(im);
    if (first > 0) {
        char at[64];
        row_error(im, r, GOAL_SKILL, "goal \"%s\" listed twice for employee %s (first %s)",
                  shown(r, GOAL_SKILL, buf, sizeof buf), im->m->emps[e].id,
                  first_at(im, r, first, at, sizeof at));
        return;
    }
    model_goal g = {k, (int32_t)target, (int32_t)priority, track};
    if (model_add_goal(im->m, e, &g))
        note_oom(im);
}

/* ---- availability.csv ---------------------------------------------------- */

enum { AV_EMP, AV_DAY, AV_START, AV_END, AV_NCOLS };
static const col_def av_cols[] = {{"employee_id", true}, {"day", true}, {"start", true},
                                  {"end", true}};

static const char *const day_short[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_long[7] = {"monday", "tuesday", "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};

/* HH:MM -> minutes; 24:00 only when allow_24. -1 when malformed. */
static long parse_hhmm(const char *s, size_t len, bool allow_24)
{
    long h, m;
    size_t colon = len >= 4 && s[len - 3] == ':' ? len - 3 : 0;
    if (!colon || colon > 2 || !parse_digits(s, colon, 0, 24, &h) ||
        !parse_digits(s + colon + 1, 2, 0, 59, &m))
        return -1;
    if (h == 24 && (m != 0 || !allow_24))
        return -1;
    return h * 60 + m;
}

static void av_row(importer *im, const in_row *r)
{
    char buf[64];
    int32_t e = get_emp(im, r, AV_EMP);
    int day = -1;
    for (int d = 0; d < 7; d++)
        if (eq_nocase(r->val[AV_DAY], r->len[AV_DAY], day_short[d]) ||
            eq_nocase(r->val[AV_DAY], r->len[AV_DAY], day_long[d]))
            day = d;
    if (day < 0)
        row_error(im, r, AV_DAY, "expected a day mon..sun, got \"%s\"",
                  shown(r, AV_DAY, buf, sizeof buf));
    long start = parse_hhmm(r->val[AV_START], r->len[AV_START], false);
    long end = parse_hhmm(r->val[AV_END], r->len[AV_END], true);
    if (start < 0)
        row_error(im, r, AV_START, "expected a time HH:MM (00:00..23:59), got \"%s\"",
                  shown(r, AV_START, buf, sizeof buf));
    if (end < 0)
        row_error(im, r, AV_END, "expected a time HH:MM (00:00..24:00), got \"%s\"",
                  shown(r, AV_END, buf, sizeof buf));
    if (start >= 0 && end >= 0 && end <= start) {
        row_error(im, r, AV_END, "end must be after start, got %s..%.*s", r->val[AV_START],
                  (int)r->len[AV_END], r->val[AV_END]);
        return;
    }
    if (e < 0 || day < 0 || start < 0 || end < 0)
        return;
    model_window w = {day, (int32_t)start, (int32_t)end};
    if (model_add_window(im->m, e, &w))
        note_oom(im);
}

/* ---- history, exclusions, pins, preferences ------------------------------ */

enum { HIST_LEARNER, HIST_PARTNER, HIST_QUARTER, HIST_TRACK, HIST_NCOLS };
static const col_def hist_cols[] = {{"learner_id", true}, {"partner_id", true},
                                    {"quarter", true}, {"track", false}};

static void hist_row(importer *im, const in_row *r)
{
    char buf[64];
    int32_t l = get_emp(im, r, HIST_LEARNER);
    int32_t p = get_emp(im, r, HIST_PARTNER);
    int32_t q = -1;
    if (r->len[HIST_QUARTER] == 6)
        q = model_parse_quarter(r->val[HIST_QUARTER]);
    if (q < 0)
        row_error(im, r, HIST_QUARTER, "expected a quarter like 2026Q3, got \"%s\"",
                  shown(r, HIST_QUARTER, buf, sizeof buf));
    int32_t track = get_track(im, r, HIST_TRACK, true, TRACK_ANY);
    if (l < 0 || p < 0 || q < 0 || track < 0)
        return;
    if (l == p) {
        row_error(im, r, HIST_PARTNER, "a learner cannot be their own partner");
        return;
    }
    model_history h = {l, p, q, track};
    if (model_add_history(im->m, &h))
        note_oom(im);
}

enum { EXCL_A, EXCL_B, EXCL_REASON, EXCL_NCOLS };
static const col_def excl_cols[] = {{"a_id", true}, {"b_id", true}, {"reason", false}};

static void excl_row(importer *im, const in_row *r)
{
    int32_t a = get_emp(im, r, EXCL_A);
    int32_t b = get_emp(im, r, EXCL_B);
    if (a < 0 || b < 0)
        return;
    if (a == b) {
        row_error(im, r, EXCL_B, "an employee cannot be excluded from themselves");
        return;
    }
    if (model_add_exclusion(im->m, a, b, r->val[EXCL_REASON]))
        note_oom(im);
}

enum { PIN_LEARNER, PIN_PARTNER, PIN_TRACK, PIN_NCOLS };
static const col_def pin_cols[] = {{"learner_id", true}, {"partner_id", true}, {"track", true}};

static void pin_row(importer *im, const in_row *r)
{
    int32_t l = get_emp(im, r, PIN_LEARNER);
    int32_t p = get_emp(im, r, PIN_PARTNER);
    int32_t track = get_track(im, r, PIN_TRACK, false, TRACK_MENTORING);
    if (l < 0 || p < 0 || track < 0)
        return;
    long at = im->json_name ? r->index : r->line;
    char where[64];
    if (l == p) {
        row_error(im, r, PIN_PARTNER, "a learner cannot be pinned to themselves");
        return;
    }
    long first = keymap_put(&im->pin_keys, pair_key(l, p) ^ ((uint64_t)track << 63), at);
    if (first < 0)
        return note_oom(im);
    if (first > 0) {
        row_error(im, r, PIN_PARTNER, "pair %s -> %s pinned twice on %s (first %s)",
                  im->m->emps[l].id, im->m->emps[p].id, track_name(track),
                  first_at(im, r, first, where, sizeof where));
        return;
    }
    if (track == TRACK_MENTORING) {
        first = keymap_put(&im->pin_mentor, (uint64_t)(uint32_t)l, at);
        if (first > 0) {
            row_error(im, r, PIN_LEARNER,
                      "learner %s pinned to two mentors (first %s); a learner has one mentor",
                      im->m->emps[l].id, first_at(im, r, first, where, sizeof where));
            return;
        }
    }
    if (first < 0)
        return note_oom(im);
    model_pin pin = {l, p, track};
    if (model_add_pin(im->m, &pin))
        note_oom(im);
}

enum { PREF_LEARNER, PREF_PARTNER, PREF_RANK, PREF_NCOLS };
static const col_def pref_cols[] = {{"learner_id", true}, {"partner_id", true}, {"rank", true}};

static void pref_row(importer *im, const in_row *r)
{
    int32_t l = get_emp(im, r, PREF_LEARNER);
    int32_t p = get_emp(im, r, PREF_PARTNER);
    long rank = 0;
    bool ok = get_int(im, r, PREF_RANK, 1, 1000, &rank);
    if (l < 0 || p < 0 || !ok)
        return;
    if (l == p) {
        row_error(im, r, PREF_PARTNER, "a learner cannot rank themselves");
        return;
    }
    long first = keymap_put(&im->pref_keys, pair_key(l, p), im->json_name ? r->index : r->line);
    if (first < 0)
        return note_oom(im);
    if (first > 0) {
        char at[64];
        row_error(im, r, PREF_PARTNER, "learner %s ranks partner %s twice (first %s)",
                  im->m->emps[l].id, im->m->emps[p].id, first_at(im, r, first, at, sizeof at));
        return;
    }
    model_preference pref = {l, p, (int32_t)rank};
    if (model_add_preference(im->m, &pref))
        note_oom(im);
}

/* Read in this order: departments before employees, employees before the rest. */
static const table_def tables[] = {
    {"departments.csv", "departments", false, dept_cols, DEPT_NCOLS, false, dept_row},
    {"employees.csv", "employees", true, emp_cols, EMP_NCOLS, true, emp_row},
    {"skills.csv", "skills", true, skill_cols, SKILL_NCOLS, false, skill_row},
    {"goals.csv", "goals", true, goal_cols, GOAL_NCOLS, false, goal_row},
    {"availability.csv", "availability", true, av_cols, AV_NCOLS, false, av_row},
    {"history.csv", "history", false, hist_cols, HIST_NCOLS, false, hist_row},
    {"exclusions.csv", "exclusions", false, excl_cols, EXCL_NCOLS, false, excl_row},
    {"pins.csv", "pins", false, pin_cols, PIN_NCOLS, false, pin_row},
    {"preferences.csv", "preferences", false, pref_cols, PREF_NCOLS, false, pref_row},
};
#define N_TABLES (sizeof tables / sizeof tables[0])

/* ---- mapping ------------------------------------------------------------- */

struct import_mapping {
    /* their[t][c]: the input's name for column c of table t, NULL = ours */
    char *their[N_TABLES][MAX_COLS];
};

void import_mapping_free(import_mapping *map)
{
    if (!map)
        return;
    for (size_t t = 0; t < N_TABLES; t++)
        for (int c = 0; c < MAX_COLS; c++)
            free(map->their[t][c]);
    free(map);
}

static int table_by_key(const char *key)
{
    for (size_t t = 0; t < N_TABLES; t++)
        if (strcmp(key, tables[t].file) == 0 || strcmp(key, tables[t].json_key) == 0)
            return (int)t;
    return -1;
}

int import_mapping_load(const char *path, import_mapping **out, mm_diag *diag)
{
    int rc = MM_OK;
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    import_mapping *map = NULL;
    *out = NULL;
    rc = fileio_read(path, 16u << 20, &text, &len);
    if (rc != MM_OK) {
        mm_diag_error(diag, rc, path, 0, 0, "cannot read the mapping file: %s", strerror(errno));
        goto done;
    }
    if (json_parse(text, len, &root) == MM_ENOMEM) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (!root || !cJSON_IsObject(root)) {
        rc = mm_diag_error(diag, MM_ECONFIG, path, 0, 0,
                           "expected a JSON object {file: {our column: their column}}");
        goto done;
    }
    map = calloc(1, sizeof *map);
    if (!map) {
        rc = MM_ENOMEM;
        goto done;
    }
    const cJSON *file;
    json_each(file, root)
    {
        int t = table_by_key(file->string);
        if (t < 0) {
            rc = mm_diag_error(diag, MM_ECONFIG, path, 0, 0, "$.\"%s\": unknown input file",
                               file->string);
            continue;
        }
        if (!cJSON_IsObject(file)) {
            rc = mm_diag_error(diag, MM_ECONFIG, path, 0, 0, "$.\"%s\": expected an object",
                               file->string);
            continue;
        }
        const cJSON *col;
        json_each(col, file)
        {
            int c = -1;
            for (int k = 0; k < tables[t].ncols; k++)
                if (strcmp(col->string, tables[t].cols[k].name) == 0)
                    c = k;
            if (c < 0 || !cJSON_IsString(col) || !col->valuestring[0]) {
                rc = mm_diag_error(diag, MM_ECONFIG, path, 0, 0,
                                   c < 0 ? "$.\"%s\".\"%s\": unknown column"
                                         : "$.\"%s\".\"%s\": expected a column name",
                                   file->string, col->string);
                continue;
            }
            free(map->their[t][c]);
            map->their[t][c] = strdup(col->valuestring);
            if (!map->their[t][c]) {
                rc = MM_ENOMEM;
                goto done;
            }
        }
    }
    if (rc == MM_OK) {
        *out = map;
        map = NULL;
    }
done:
    import_mapping_free(map);
    cJSON_Delete(root);
    free(text);
    return rc;
}

static const char *col_name(const importer *im, size_t t, int c)
{
    if (im->map && im->map->their[t][c])
        return im->map->their[t][c];
    return tables[t].cols[c].name;
}

/* ---- CSV driver ---------------------------------------------------------- */

typedef struct csv_ctx {
    importer *im;
    size_t t;
    int field_of[MAX_COLS]; /* field index of each of our columns, -1 absent */
    size_t n_header;
    char **header; /* the file's header texts */
    char **extra_key; /* lower-cased attribute key per field, NULL when not extra */
    bool header_ok;
} csv_ctx;

static char *lower_dup(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    for (size_t i = 0; i < len; i++)
        p[i] = (char)tolower((unsigned char)s[i]);
    p[len] = '\0';
    return p;
}

static int csv_header(csv_ctx *cx, const csvr_row *row)
{
    importer *im = cx->im;
    const table_def *t = &tables[cx->t];
    cx->n_header = row->nfields;
    cx->header = calloc(row->nfields, sizeof *cx->header);
    cx->extra_key = calloc(row->nfields, sizeof *cx->extra_key);
    if (!cx->header || !cx->extra_key)
        return MM_ENOMEM;
    for (size_t f = 0; f < row->nfields; f++) {
        cx->header[f] = lower_dup(row->fields[f], row->lens[f]);
        if (!cx->header[f])
            return MM_ENOMEM;
    }
    bool ok = true;
    size_t n_extra = 0;
    for (int c = 0; c < t->ncols; c++) {
        cx->field_of[c] = -1;
        char *want = lower_dup(col_name(im, cx->t, c), strlen(col_name(im, cx->t, c)));
        if (!want)
            return MM_ENOMEM;
        for (size_t f = 0; f < row->nfields; f++) {
            if (strcmp(cx->header[f], want) != 0)
                continue;
            if (cx->field_of[c] >= 0) {
                mm_diag_error(im->diag, MM_EDATA, t->file, row->lines[f], (long)f + 1,
                              "column \"%s\" appears twice (first in column %d)", want,
                              cx->field_of[c] + 1);
                ok = false;
            } else {
                cx->field_of[c] = (int)f;
            }
        }
        if (cx->field_of[c] < 0 && t->cols[c].required) {
            mm_diag_error(im->diag, MM_EDATA, t->file, row->line, 0,
                          "missing required column \"%s\"", col_name(im, cx->t, c));
            ok = false;
        }
        free(want);
    }
    for (size_t f = 0; f < row->nfields; f++) {
        bool known = false;
        for (int c = 0; c < t->ncols; c++)
            known |= cx->field_of[c] == (int)f;
        if (known)
            continue;
        if (cx->header[f][0] == '\0') {
            mm_diag_error(im->diag, MM_EDATA, t->file, row->line, (long)f + 1,
                          "empty column name in the header");
            ok = false;
            continue;
        }
        int twin = -1;
        for (size_t g = 0; g < f && twin < 0; g++)
            if (cx->extra_key[g] && strcmp(cx->extra_key[g], cx->header[f]) == 0)
                twin = (int)g;
        if (twin >= 0) {
            mm_diag_error(im->diag, MM_EDATA, t->file, row->line, (long)f + 1,
                          "column \"%s\" appears twice (first in column %d)", cx->header[f],
                          twin + 1);
            ok = false;
            continue;
        }
        if (t->extra_as_attrs) {
            if (n_extra == MAX_EXTRA) {
                mm_diag_error(im->diag, MM_EDATA, t->file, row->line, (long)f + 1,
                              "more than %d extra columns", MAX_EXTRA);
                ok = false;
                continue;
            }
            n_extra++;
            cx->extra_key[f] = cx->header[f];
            mm_diag_warning(im->diag, t->file, row->line, (long)f + 1,
                            "unknown column \"%s\" kept as an attribute", cx->header[f]);
        } else {
            mm_diag_warning(im->diag, t->file, row->line, (long)f + 1,
                            "unknown column \"%s\" ignored", cx->header[f]);
        }
    }
    cx->header_ok = ok;
    return MM_OK;
}

static int csv_row_cb(void *ctx, const csvr_row *row)
{
    csv_ctx *cx = ctx;
    importer *im = cx->im;
    const table_def *t = &tables[cx->t];
    if (row->index == 0)
        return csv_header(cx, row);
    if (!cx->header_ok || im->oom)
        return im->oom ? MM_ENOMEM : MM_OK;
    if (mm_diag_full(im->diag))
        return MM_EDATA;
    in_row r;
    memset(&r, 0, sizeof r);
    r.t = t;
    r.line = row->line;
    r.index = row->index;
    for (int c = 0; c < t->ncols; c++) {
        int f = cx->field_of[c];
        r.header[c] = f >= 0 ? cx->header[f] : t->cols[c].name;
        if (f >= 0 && (size_t)f < row->nfields) {
            r.val[c] = row->fields[f];
            r.len[c] = row->lens[f];
            r.vline[c] = row->lines[f];
            r.vcol[c] = f + 1;
        } else {
            r.val[c] = "";
            r.vline[c] = row->line;
            r.vcol[c] = f >= 0 ? f + 1 : 0;
        }
    }
    for (size_t f = 0; f < row->nfields; f++) {
        if (f >= cx->n_header) {
            if (row->lens[f] != 0) {
                mm_diag_error(im->diag, MM_EDATA, t->file, row->lines[f], (long)f + 1,
                              "a value beyond the header's %zu columns", cx->n_header);
                return MM_OK;
            }
        } else if (cx->extra_key[f]) {
            r.extra_key[r.n_extra] = cx->extra_key[f];
            r.extra_val[r.n_extra++] = row->fields[f];
        }
    }
    t->row(im, &r);
    return im->oom ? MM_ENOMEM : MM_OK;
}

/* Line breaks in data[0..len), plus one. */
static size_t count_lines(const char *data, size_t len)
{
    size_t n = 1;
    for (const char *p = data, *end = data + len; (p = memchr(p, '\n', (size_t)(end - p)));
         p++)
        n++;
    return n;
}

static int import_csv_table(importer *im, const char *dir, size_t t, struct sha256_ctx *sha)
{
    int rc = MM_OK;
    char path[4096];
    char *data = NULL;
    size_t len = 0;
    csv_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.im = im;
    cx.t = t;
    int n = snprintf(path, sizeof path, "%s/%s", dir, tables[t].file);
    if (n < 0 || (size_t)n >= sizeof path)
        return mm_diag_error(im->diag, MM_ENOINPUT, tables[t].file, 0, 0, "path too long");
    rc = fileio_read(path, MAX_FILE_BYTES, &data, &len);
    if (rc == MM_ENOINPUT && errno == ENOENT) {
        rc = MM_OK;
        if (tables[t].required)
            rc = mm_diag_error(im->diag, MM_EDATA, tables[t].file, 0, 0,
                               "missing required file");
        goto done;
    }
    if (rc != MM_OK) {
        mm_diag_error(im->diag, rc, tables[t].file, 0, 0, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (t == 0)
        im->have_depts = true;
    sha256_update(sha, strlen(tables[t].file) + 1, (const uint8_t *)tables[t].file);
    uint8_t size_be[8];
    for (int i = 0; i < 8; i++)
        size_be[i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
    sha256_update(sha, sizeof size_be, size_be);
    sha256_update(sha, len, (const uint8_t *)data);
    /* a file has at most a row per line: size the duplicate maps for it */
    if (t == 2)
        keymap_reserve(&im->skill_keys, count_lines(data, len));
    else if (t == 3)
        keymap_reserve(&im->goal_keys, count_lines(data, len));
    rc = csvr_parse_buffer(data, len, tables[t].file, csv_row_cb, &cx, im->diag);
done:
    if (cx.header) {
        for (size_t f = 0; f < cx.n_header; f++)
            free(cx.header[f]);
    }
    free(cx.header);
    free(cx.extra_key);
    free(data);
    return rc;
}

/* ---- JSON driver --------------------------------------------------------- */

/* A JSON value as text: strings as they are, integers in decimal, null empty;
   roles may be an array of strings (joined with ';'). NULL when of a wrong type. */
static const char *json_text(const cJSON *v, char *buf, size_t size)
{
    if (!v || cJSON_IsNull(v))
        return "";
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d >= -1e15 && d <= 1e15 && d == (double)(long long)d)
            snprintf(buf, size, "%lld", (long long)d);
        else
            snprintf(buf, size, "%.17g", d);
        return buf;
    }
    if (cJSON_IsArray(v)) {
        size_t o = 0;
        buf[0] = '\0';
        const cJSON *it;
        json_each(it, v)
        {
            if (!cJSON_IsString(it))
                return NULL;
            int n = snprintf(buf + o, size - o, "%s%s", o ? ";" : "", it->valuestring);
            if (n < 0 || (size_t)n >= size - o)
                return NULL;
            o += (size_t)n;
        }
        return buf;
    }
    return NULL;
}

static int import_json_table(importer *im, const cJSON *root, size_t t)
{
    const table_def *td = &tables[t];
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, td->json_key);
    if (!arr) {
        if (td->required)
            mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0, "%s: missing required table",
                          td->json_key);
        return MM_OK;
    }
    if (t == 0)
        im->have_depts = true;
    if (!cJSON_IsArray(arr)) {
        mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0, "%s: expected an array",
                      td->json_key);
        return MM_OK;
    }
    char bufs[MAX_COLS][64];
    char extra_buf[MAX_EXTRA][64];
    char extra_key[MAX_EXTRA][128];
    long index = 0;
    const cJSON *obj;
    json_each(obj, arr)
    {
        index++;
        if (mm_diag_full(im->diag))
            break;
        in_row r;
        memset(&r, 0, sizeof r);
        r.t = td;
        r.index = index;
        if (!cJSON_IsObject(obj)) {
            row_error(im, &r, -1, "expected an object");
            continue;
        }
        bool ok = true;
        for (int c = 0; c < td->ncols; c++) {
            r.header[c] = td->cols[c].name;
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, col_name(im, t, c));
            const char *s = json_text(v, bufs[c], sizeof bufs[c]);
            if (!s) {
                r.val[c] = "";
                row_error(im, &r, c, "expected a string or a number");
                ok = false;
                continue;
            }
            r.val[c] = s;
            r.len[c] = strlen(s);
        }
        const cJSON *member;
        json_each(member, obj)
        {
            bool twice = false;
            for (const cJSON *prev = obj->child; prev != member && !twice; prev = prev->next)
                twice = eq_nocase(prev->string, strlen(prev->string), member->string);
            if (twice) {
                row_error(im, &r, -1, "member \"%.60s\" given twice", member->string);
                ok = false;
                continue;
            }
            bool known = false;
            for (int c = 0; c < td->ncols; c++)
                known |= strcmp(member->string, col_name(im, t, c)) == 0;
            if (known)
                continue;
            if (!td->extra_as_attrs) {
                if (index == 1) {
                    char msg[128];
                    snprintf(msg, sizeof msg, "unknown member \"%.60s\" ignored", member->string);
                    row_warning(im, td, 0, index, msg);
                }
                continue;
            }
            size_t klen = strlen(member->string);
            if (r.n_extra == MAX_EXTRA || klen >= sizeof extra_key[0]) {
                row_error(im, &r, -1, r.n_extra == MAX_EXTRA ? "more than %d extra members"
                                                             : "member name longer than %d bytes",
                          r.n_extra == MAX_EXTRA ? MAX_EXTRA : (int)sizeof extra_key[0] - 1);
                ok = false;
                continue;
            }
            for (size_t k = 0; k <= klen; k++)
                extra_key[r.n_extra][k] = (char)tolower((unsigned char)member->string[k]);
            const char *s = json_text(member, extra_buf[r.n_extra], sizeof extra_buf[0]);
            if (!s) {
                row_error(im, &r, -1, "member \"%s\": expected a string or a number",
                          member->string);
                ok = false;
                continue;
            }
            r.extra_key[r.n_extra] = extra_key[r.n_extra];
            r.extra_val[r.n_extra++] = s;
        }
        if (ok)
            td->row(im, &r);
        if (im->oom)
            return MM_ENOMEM;
    }
    return MM_OK;
}

/* ---- whole-company checks ------------------------------------------------ */

/* Resolves manager ids and finds cycles (reported once per cycle). */
static void resolve_managers(importer *im)
{
    mm_model *m = im->m;
    for (size_t i = 0; i < im->managers.n; i++) {
        const pending_ref *p = &im->managers.v[i];
        int32_t mgr = model_find_employee(m, p->id);
        if (mgr < 0 || mgr == p->who) {
            const char *why = mgr < 0 ? "unknown employee" : "an employee cannot manage themselves";
            if (im->json_name)
                mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0,
                              "employees[%ld].manager_id: %s \"%.40s\"", p->index - 1, why, p->id);
            else
                mm_diag_error(im->diag, MM_EDATA, "employees.csv", p->line, p->col,
                              "%s: %s \"%.40s\"", p->header, why, p->id);
            continue;
        }
        m->emps[p->who].manager = mgr;
    }
    /* state: 0 unseen, 1 on the current chain, 2 done */
    uint8_t *state = calloc(m->n_emps ? m->n_emps : 1, 1);
    if (!state)
        return note_oom(im);
    for (size_t s = 0; s < m->n_emps; s++) {
        int32_t e = (int32_t)s;
        while (e >= 0 && state[e] == 0) {
            state[e] = 1;
            e = m->emps[e].manager;
        }
        int32_t cycle = e >= 0 && state[e] == 1 ? e : -1;
        for (int32_t k = (int32_t)s; k >= 0 && state[k] == 1; k = m->emps[k].manager)
            state[k] = 2;
        if (cycle < 0)
            continue;
        /* report the cycle once, at its member with the first line */
        int32_t at = cycle;
        for (int32_t k = m->emps[cycle].manager; k != cycle; k = m->emps[k].manager)
            if (im->emp_line[k] < im->emp_line[at])
                at = k;
        long line = im->emp_line[at];
        if (im->json_name)
            mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0,
                          "employees[%ld].manager_id: manager cycle through employee %s",
                          line - 1, m->emps[at].id);
        else
            mm_diag_error(im->diag, MM_EDATA, "employees.csv", line, im->emp_mgr_col[at],
                          "manager_id: manager cycle through employee %s", m->emps[at].id);
        m->emps[cycle].manager = -1; /* break it so that later passes end */
    }
    free(state);
}

static void resolve_parents(importer *im)
{
    mm_model *m = im->m;
    for (size_t i = 0; i < im->parents.n; i++) {
        const pending_ref *p = &im->parents.v[i];
        int32_t d = model_find_dept(m, p->id);
        if (d < 0 || d == p->who) {
            const char *why = d < 0 ? "unknown department" : "a department cannot be its own parent";
            if (im->json_name)
                mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0,
                              "departments[%ld].parent_id: %s \"%.40s\"", p->index - 1, why, p->id);
            else
                mm_diag_error(im->diag, MM_EDATA, "departments.csv", p->line, p->col,
                              "%s: %s \"%.40s\"", p->header, why, p->id);
            continue;
        }
        m->depts[p->who].parent = d;
    }
    uint8_t *state = calloc(m->n_depts ? m->n_depts : 1, 1);
    if (!state)
        return note_oom(im);
    for (size_t s = 0; s < m->n_depts; s++) {
        int32_t d = (int32_t)s;
        while (d >= 0 && state[d] == 0) {
            state[d] = 1;
            d = m->depts[d].parent;
        }
        int32_t cycle = d >= 0 && state[d] == 1 ? d : -1;
        for (int32_t k = (int32_t)s; k >= 0 && state[k] == 1; k = m->depts[k].parent)
            state[k] = 2;
        if (cycle < 0)
            continue;
        int32_t at = cycle;
        for (int32_t k = m->depts[cycle].parent; k != cycle; k = m->depts[k].parent)
            if (im->dept_line[k] < im->dept_line[at])
                at = k;
        if (im->json_name)
            mm_diag_error(im->diag, MM_EDATA, im->json_name, 0, 0,
                          "departments[%ld].parent_id: department cycle through department %s",
                          im->dept_line[at] - 1, m->depts[at].id);
        else
            mm_diag_error(im->diag, MM_EDATA, "departments.csv", im->dept_line[at],
                          im->dept_parent_col[at],
                          "parent_id: department cycle through department %s", m->depts[at].id);
        m->depts[cycle].parent = -1;
    }
    free(state);
}

static void company_warnings(importer *im)
{
    const mm_model *m = im->m;
    const table_def *t = &tables[1];
    for (size_t i = 0; i < m->n_emps; i++) {
        const model_employee *e = &m->emps[i];
        char msg[512];
        long line = im->emp_line[i];
        if ((e->roles & ROLE_LEARNER) && e->goal_count == 0) {
            snprintf(msg, sizeof msg, "learner %s has no goals", e->id);
            row_warning(im, t, line, line, msg);
        }
        if ((e->roles & (ROLE_MENTOR | ROLE_HOST)) && e->skill_count == 0) {
            snprintf(msg, sizeof msg, "%s %s has no skills",
                     e->roles & ROLE_MENTOR ? "mentor" : "host", e->id);
            row_warning(im, t, line, line, msg);
        }
        if (e->roles && e->window_count == 0) {
            snprintf(msg, sizeof msg, "employee %s has no availability", e->id);
            row_warning(im, t, line, line, msg);
        }
    }
}

static void importer_free(importer *im)
{
    free(im->emp_mgr_col);
    free(im->dept_line);
    free(im->dept_parent_col);
    for (int i = 0; i < im->n_zones; i++)
        free(im->zones[i].name);
    free(im->emp_line);
    free(im->managers.v);
    free(im->parents.v);
    keymap_free(&im->skill_keys);
    keymap_free(&im->goal_keys);
    keymap_free(&im->pin_keys);
    keymap_free(&im->pref_keys);
    keymap_free(&im->pin_mentor);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

int import_company(const char *path, const import_mapping *map, mm_model **out,
                   char sha256_hex[65], mm_diag *diag)
{
    int rc = MM_OK;
    importer im;
    memset(&im, 0, sizeof im);
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    struct sha256_ctx sha;
    sha256_init(&sha);
    *out = NULL;
    im.diag = diag;
    im.map = map;
    im.m = model_new();
    if (!im.m) {
        rc = MM_ENOMEM;
        goto done;
    }
    int isdir = fileio_is_dir(path);
    if (isdir < 0) {
        rc = mm_diag_error(diag, MM_ENOINPUT, path, 0, 0, "no such file or folder");
        goto done;
    }
    if (isdir) {
        for (size_t t = 0; t < N_TABLES; t++) {
            int trc = import_csv_table(&im, path, t, &sha);
            if (trc == MM_ENOMEM) {
                rc = MM_ENOMEM;
                goto done;
            }
            if (t == 1 && mm_diag_error_count(diag))
                break; /* later files need the employees */
        }
    } else {
        rc = fileio_read(path, MAX_FILE_BYTES, &text, &len);
        if (rc != MM_OK) {
            mm_diag_error(diag, rc, path, 0, 0, "cannot read: %s", strerror(errno));
            goto done;
        }
        sha256_update(&sha, len, (const uint8_t *)text);
        im.json_name = base_name(path);
        const char *why = NULL;
        size_t bad = json_text_check(text, len, &why);
        if (bad < len) {
            long line = 1, col = 1;
            for (size_t i = 0; i < bad; i++) {
                if (text[i] == '\n')
                    line++, col = 1;
                else if (((unsigned char)text[i] & 0xc0) != 0x80)
                    col++;
            }
            rc = mm_diag_error(diag, MM_EDATA, im.json_name, line, col, "%s", why);
            goto done;
        }
        if (json_parse(text, len, &root) == MM_ENOMEM) {
            rc = MM_ENOMEM;
            goto done;
        }
        if (!root || !cJSON_IsObject(root)) {
            rc = mm_diag_error(diag, MM_EDATA, im.json_name, 0, 0,
                               "expected a JSON object with the tables (employees, skills, ...)");
            goto done;
        }
        for (size_t t = 0; t < N_TABLES; t++) {
            if (import_json_table(&im, root, t) == MM_ENOMEM) {
                rc = MM_ENOMEM;
                goto done;
            }
            if (t == 1 && mm_diag_error_count(diag))
                break;
        }
    }
    if (mm_diag_error_count(diag) == 0) {
        resolve_parents(&im);
        resolve_managers(&im);
    }
    if (im.oom) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (mm_diag_error_count(diag)) {
        rc = mm_diag_first_code(diag);
        goto done;
    }
    rc = model_finish(im.m);
    if (rc != MM_OK)
        goto done;
    company_warnings(&im);
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&sha, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(sha256_hex + 2 * i, 3, "%02x", digest[i]);
    *out = im.m;
    im.m = NULL;
done:
    mm_model_free(im.m);
    importer_free(&im);
    cJSON_Delete(root);
    free(text);
    return rc;
}
