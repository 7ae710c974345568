/*
 * store.c - the SQLite store: schema, the snapshot, runs.
 *
 * STRICT tables, foreign keys on, WAL. Employees are referred to by their
 * text ids, so runs outlive the snapshot they were computed on. Every write
 * runs in one transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any
 * failure).
 */
#include "store.h"

#include <assert.h>
#include <nettle/sha2.h>
#include <omp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "config.h"
#include "fileio.h"
#include "model.h"

/* 1: the first; 2: output files in chunks (run_outputs, run_output_chunks);
   3: chunks compressed (run_outputs.compression) */
#define SCHEMA_VERSION 3

/* The largest piece of an output file stored in one row: files of any size
   (past SQLite's largest blob, 1 GB by default) are stored in pieces. */
#define STORE_CHUNK ((size_t)1 << 20)

/* Since schema 3 each piece is one zstd frame (level STORE_LEVEL, with its
   content size and checksum) of at most STORE_CHUNK bytes of the file. The
   report's text shrinks about tenfold, and so does what the store, its WAL
   and the checkpoint copy. STORE_BATCH pieces are compressed side by side. */
#define STORE_LEVEL 1
/* SQLite's page cache, 128 MiB, but for an import (store_save_snapshot) */
#define STORE_CACHE " PRAGMA cache_size = -131072;"
#define STORE_BATCH 8

struct store {
    sqlite3 *db;
    char *path;
};

/* run_outputs.compression, also added to a store of schema 2 */
#define COMPRESSION_COLUMN                                                                     \
    "  compression TEXT NOT NULL DEFAULT 'none' CHECK (compression IN ('none', 'zstd'))"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta("
    "  key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS departments("
    "  id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  parent_id TEXT REFERENCES departments(id) DEFERRABLE INITIALLY DEFERRED) STRICT;"
    "CREATE INDEX IF NOT EXISTS departments_parent ON departments(parent_id);"
    "CREATE TABLE IF NOT EXISTS employees("
    "  key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  email TEXT NOT NULL,"
    "  department_id TEXT NOT NULL REFERENCES departments(id) DEFERRABLE INITIALLY DEFERRED,"
    "  grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 15),"
    "  timezone TEXT NOT NULL, roles INTEGER NOT NULL CHECK (roles BETWEEN 0 AND 7),"
    "  manager INTEGER REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  location TEXT NOT NULL, hire_date TEXT NOT NULL,"
    "  mentor_capacity INTEGER NOT NULL CHECK (mentor_capacity >= 0),"
    "  host_capacity INTEGER NOT NULL CHECK (host_capacity >= 0)) STRICT;"
    "CREATE INDEX IF NOT EXISTS employees_manager ON employees(manager);"
    "CREATE INDEX IF NOT EXISTS employees_department ON employees(department_id);"
    "CREATE TABLE IF NOT EXISTS skill_names("
    "  key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;"
    "CREATE TABLE IF NOT EXISTS employee_attributes("
    "  employee INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  name TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY (employee, name)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS skills("
    "  employee INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  skill INTEGER NOT NULL REFERENCES skill_names(key) DEFERRABLE INITIALLY DEFERRED,"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 5),"
    "  PRIMARY KEY (employee, skill)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS goals("
    "  employee INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  skill INTEGER NOT NULL REFERENCES skill_names(key) DEFERRABLE INITIALLY DEFERRED,"
    "  target_level INTEGER NOT NULL CHECK (target_level BETWEEN 1 AND 5),"
    "  priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 3),"
    "  track TEXT NOT NULL CHECK (track IN ('mentoring', 'shadowing', 'any')),"
    "  PRIMARY KEY (employee, skill)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS availability("
    "  employee INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  day INTEGER NOT NULL CHECK (day BETWEEN 0 AND 6),"
    "  start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),"
    "  end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),"
    "  CHECK (end_minute > start_minute)) STRICT;"
    "CREATE TABLE IF NOT EXISTS history("
    "  learner INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  partner INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  quarter TEXT NOT NULL,"
    "  track TEXT NOT NULL CHECK (track IN ('mentoring', 'shadowing', 'any'))) STRICT;"
    "CREATE TABLE IF NOT EXISTS exclusions("
    "  a INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  b INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  reason TEXT NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS pins("
    "  learner INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  partner INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  track TEXT NOT NULL CHECK (track IN ('mentoring', 'shadowing'))) STRICT;"
    "CREATE TABLE IF NOT EXISTS preferences("
    "  learner INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  partner INTEGER NOT NULL REFERENCES employees(key) DEFERRABLE INITIALLY DEFERRED,"
    "  rank INTEGER NOT NULL CHECK (rank >= 1)) STRICT;"
    "CREATE TABLE IF NOT EXISTS runs("
    "  id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, quarter TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('done', 'failed')),"
    "  inputs_sha256 TEXT NOT NULL, config TEXT NOT NULL, threads INTEGER NOT NULL,"
    "  published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),"
    "  summary TEXT NOT NULL) STRICT;"
    "CREATE UNIQUE INDEX IF NOT EXISTS runs_official ON runs(quarter) WHERE published = 1;"
    /* before schema 2: a run's output files, each whole in content (read,
       never written since) */
    "CREATE TABLE IF NOT EXISTS run_files("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, content BLOB NOT NULL,"
    "  PRIMARY KEY (run_id, name)) STRICT, WITHOUT ROWID;"
    /* since schema 2: a run's output files, each the concatenation of its
       `chunks` rows of run_output_chunks, seq 0, 1, ..., each row as it is
       (compression 'none', before schema 3) or a zstd frame ('zstd') */
    "CREATE TABLE IF NOT EXISTS run_outputs("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, chunks INTEGER NOT NULL CHECK (chunks >= 0),"
    COMPRESSION_COLUMN ","
    "  PRIMARY KEY (run_id, name)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS run_output_chunks("
    "  run_id INTEGER NOT NULL, name TEXT NOT NULL,"
    "  seq INTEGER NOT NULL CHECK (seq >= 0), content BLOB NOT NULL,"
    "  UNIQUE (run_id, name, seq),"
    "  FOREIGN KEY (run_id, name) REFERENCES run_outputs(run_id, name)"
    "   ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED) STRICT;"
    "CREATE TABLE IF NOT EXISTS run_pairs("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  track TEXT NOT NULL CHECK (track IN ('mentoring', 'shadowing')),"
    "  learner_id TEXT NOT NULL, partner_id TEXT NOT NULL,"
    "  score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 1000),"
    "  pinned INTEGER NOT NULL CHECK (pinned IN (0, 1)),"
    "  sessions INTEGER NOT NULL DEFAULT 0 CHECK (sessions >= 0),"
    "  PRIMARY KEY (run_id, track, learner_id, partner_id)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS feedback("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  track TEXT NOT NULL CHECK (track IN ('mentoring', 'shadowing')),"
    "  learner_id TEXT NOT NULL, partner_id TEXT NOT NULL,"
    "  sessions_attended INTEGER NOT NULL CHECK (sessions_attended >= 0),"
    "  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),"
    "  PRIMARY KEY (run_id, track, learner_id, partner_id)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS run_unmatched("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  track TEXT NOT NULL, learner_id TEXT NOT NULL, reason TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, track, learner_id)) STRICT, WITHOUT ROWID;";

/* Snapshot tables, children first: the order to delete in. Deleting the
   children first means no parent delete has to search a child table, so the
   child tables need no index on their employee columns. */
static const char *const snapshot_tables[] = {
    "preferences", "pins",        "exclusions", "history",   "availability", "goals",
    "skills",      "skill_names", "employee_attributes",    "employees", "departments",
};
#define N_SNAPSHOT (sizeof snapshot_tables / sizeof snapshot_tables[0])

/* Our code for an SQLite result code: running out of memory is MM_ENOMEM. */
static int store_code(int sqlite_rc)
{
    return (sqlite_rc & 0xff) == SQLITE_NOMEM ? MM_ENOMEM : MM_ESTORE;
}

static int db_error(store *s, mm_diag *diag, const char *what)
{
    return mm_diag_error(diag, store_code(sqlite3_errcode(s->db)), s->path, 0, 0, "%s: %s", what,
                         sqlite3_errmsg(s->db));
}

static int exec(store *s, const char *sql, mm_diag *diag)
{
    char *err = NULL;
    int r = sqlite3_exec(s->db, sql, NULL, NULL, &err);
    if (r != SQLITE_OK) {
        int rc = store_code(r);
        mm_diag_error(diag, rc, s->path, 0, 0, "%s", err ? err : sqlite3_errstr(r));
        sqlite3_free(err);
        return rc;
    }
    return MM_OK;
}

static int prep(store *s, const char *sql, sqlite3_stmt **st, mm_diag *diag)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return db_error(s, diag, "prepare");
    return MM_OK;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* sqlite3_step, and for a row the text of its text and blob columns made
   ready: reading them may allocate, and col_text would turn a failure into
   "". SQLITE_NOMEM (the connection's error too) when that fails; afterwards
   col_text and sqlite3_column_blob return the ready values without allocating. */
static int step_row(sqlite3_stmt *st)
{
    int r = sqlite3_step(st);
    if (r != SQLITE_ROW)
        return r;
    for (int i = 0; i < sqlite3_column_count(st); i++) {
        int type = sqlite3_column_type(st, i);
        const void *v = type == SQLITE_TEXT   ? (const void *)sqlite3_column_text(st, i)
                        : type == SQLITE_BLOB ? sqlite3_column_blob(st, i)
                                              : "";
        if (!v && sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
            return SQLITE_NOMEM;
    }
    return r;
}

void store_close(store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int store_open(const char *path, int must_exist, store **out, mm_diag *diag)
{
    int rc = MM_OK;
    *out = NULL;
    if (must_exist && fileio_is_dir(path) < 0)
        return mm_diag_error(diag, MM_ENOINPUT, path, 0, 0, "no such store");
    store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return MM_ENOMEM;
    }
    /* one connection per handle, never shared between threads */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (must_exist ? 0 : SQLITE_OPEN_CREATE);
    int r = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (r != SQLITE_OK) {
        rc = store_code(r) == MM_ENOMEM ? MM_ENOMEM : must_exist ? MM_ENOINPUT : MM_ECANTCREAT;
        rc = mm_diag_error(diag, rc, path, 0, 0, "cannot open the store: %s",
                           s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if ((rc = exec(s, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = NORMAL;" STORE_CACHE, diag)) != MM_OK)
        goto done;
    sqlite3_stmt *st = NULL;
    int version = 0;
    if ((rc = prep(s, "PRAGMA user_version", &st, diag)) != MM_OK)
        goto done;
    if (step_row(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    else
        rc = db_error(s, diag, "schema version");
    sqlite3_finalize(st);
    if (rc != MM_OK)
        goto done;
    if (version > SCHEMA_VERSION) {
        rc = mm_diag_error(diag, MM_ESTORE, path, 0, 0,
                           "the store has schema version %d; this mentormatch knows %d",
                           version, SCHEMA_VERSION);
        goto done;
    }
    if (version < SCHEMA_VERSION) {
        /* from 1: the tables of schema 2 come with the rest (which exists);
           from 2: run_outputs gains its compression ('none' for the runs
           there). The files of earlier runs stay where they are. */
        char sql[sizeof schema_sql + 256];
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE; %s %s PRAGMA user_version = %d; COMMIT;",
                 version == 2 ? "ALTER TABLE run_outputs ADD COLUMN" COMPRESSION_COLUMN ";" : "",
                 schema_sql, SCHEMA_VERSION);
        if ((rc = exec(s, sql, diag)) != MM_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            goto done;
        }
    }
    *out = s;
    s = NULL;
done:
    store_close(s);
    return rc;
}

/* ---- snapshot ------------------------------------------------------------ */

static int step_reset(store *s, sqlite3_stmt *st, mm_diag *diag)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return db_error(s, diag, "insert");
    return MM_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v && v[0])
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Rows one bulk INSERT statement carries: 64 rows of at most 13 columns
   bind 832 parameters, under SQLite's smallest default limit (999). */
#define BULK_ROWS 64

/*
 * A bulk insert of n rows into one table, BULK_ROWS rows per statement: one
 * statement for the full batches and one for the rest, each prepared once.
 * Row after row, the caller binds the row's columns at bulk_at(b) + 1 ..
 * bulk_at(b) + ncols of b->st, then calls bulk_row, which runs the statement
 * once its rows are all bound. Rows go in in the order they are bound, so
 * rowids are those of one INSERT per row. OR FAIL: a failing row ends the
 * statement without undoing its earlier rows (SQLite then needs no statement
 * journal); the caller rolls the whole transaction back anyway.
 */
typedef struct bulk {
    store *s;
    mm_diag *diag;
    sqlite3_stmt *full, *rest; /* BULK_ROWS rows; n % BULK_ROWS rows (NULL when none) */
    sqlite3_stmt *st;          /* the statement being bound */
    size_t left;               /* rows not yet bound */
    int ncols, rows, row;      /* st's rows; rows of it bound */
} bulk;

/* "INSERT OR FAIL INTO head VALUES (?, ...), ..." with rows rows of ncols. */
static int bulk_prep(bulk *b, const char *head, int rows, sqlite3_stmt **st)
{
    size_t row_len = 3 + 3 * (size_t)b->ncols;
    size_t size = strlen(head) + 32 + (size_t)rows * row_len;
    char *sql = malloc(size);
    if (!sql)
        return MM_ENOMEM;
    size_t o = (size_t)snprintf(sql, size, "INSERT OR FAIL INTO %s VALUES", head);
    for (int r = 0; r < rows; r++) {
        sql[o++] = r ? ',' : ' ';
        sql[o++] = '(';
        for (int c = 0; c < b->ncols; c++) {
            if (c)
                sql[o++] = ',';
            sql[o++] = '?';
        }
        sql[o++] = ')';
    }
    sql[o] = '\0';
    int rc = prep(b->s, sql, st, b->diag);
    free(sql);
    return rc;
}

/* Starts a bulk insert of n rows of ncols columns into head ("table(col, ...)"). */
static int bulk_begin(bulk *b, store *s, const char *head, int ncols, size_t n, mm_diag *diag)
{
    int rc = MM_OK;
    *b = (bulk){.s = s, .diag = diag, .left = n, .ncols = ncols};
    if (n >= BULK_ROWS)
        rc = bulk_prep(b, head, BULK_ROWS, &b->full);
    if (rc == MM_OK && n % BULK_ROWS)
        rc = bulk_prep(b, head, (int)(n % BULK_ROWS), &b->rest);
    if (rc == MM_OK && n) {
        b->st = n >= BULK_ROWS ? b->full : b->rest;
        b->rows = n >= BULK_ROWS ? BULK_ROWS : (int)n;
    }
    return rc;
}

/* Where the current row's parameters start: its first column is bulk_at(b) + 1. */
static int bulk_at(const bulk *b)
{
    return b->row * b->ncols;
}

/* The current row is bound: runs the statement when that was its last row. */
static int bulk_row(bulk *b)
{
    assert(b->left > 0);
    b->left--;
    if (++b->row < b->rows)
        return MM_OK;
    int rc = step_reset(b->s, b->st, b->diag);
    b->row = 0;
    if (b->left < BULK_ROWS) {
        b->st = b->rest;
        b->rows = (int)b->left;
    }
    return rc;
}

static void bulk_end(bulk *b)
{
    sqlite3_finalize(b->full);
    sqlite3_finalize(b->rest);
    b->full = b->rest = b->st = NULL;
}

/* A reference of the snapshot: the row it names (0 .. n - 1) is one the
   snapshot inserts. */
static bool names_a_row(int64_t index, size_t n)
{
    return index >= 0 && (uint64_t)index < n;
}

/*
 * The snapshot's rows, every reference checked as it is bound: employees
 * are keyed 1 .. n_emps (model index + 1), skill names 1 .. n_skills, and
 * every department of the model goes in, so a reference is sound exactly
 * when the index it comes from is in range. MM_ESTORE otherwise.
 */
static int insert_snapshot(store *s, const mm_model *m, mm_diag *diag)
{
    int rc = MM_OK;
    bulk b = {0};
    sqlite3_stmt *st = NULL;
    int o = 0;
    const model_employee *E = m->emps;

    /* BULK(head, ncols, n) starts a table; each row binds columns o + 1 ..
       o + ncols of st, then ROW() */
#define BULK(head, ncols, n)                                                                  \
    do {                                                                                      \
        bulk_end(&b);                                                                         \
        if ((rc = bulk_begin(&b, s, head, ncols, n, diag)) != MM_OK)                          \
            goto done;                                                                        \
    } while (0)
#define ROW_BEGIN() (st = b.st, o = bulk_at(&b))
#define ROW()                                                                                 \
    do {                                                                                      \
        if ((rc = bulk_row(&b)) != MM_OK)                                                     \
            goto done;                                                                        \
    } while (0)
    /* REF(index, n, from, to): a reference from table from to table to */
#define REF(index, n, from, to)                                                               \
    do {                                                                                      \
        if (!names_a_row((index), (n))) {                                                     \
            rc = mm_diag_error(diag, MM_ESTORE, s->path, 0, 0,                                \
                               "the snapshot breaks a reference from table %s to table %s",  \
                               (from), (to));                                                 \
            goto done;                                                                        \
        }                                                                                     \
    } while (0)

    BULK("departments(id, name, parent_id)", 3, m->n_depts);
    for (size_t i = 0; i < m->n_depts; i++) {
        if (m->depts[i].parent >= 0)
            REF(m->depts[i].parent, m->n_depts, "departments", "departments");
        ROW_BEGIN();
        bind_text(st, o + 1, m->depts[i].id);
        bind_text(st, o + 2, m->depts[i].name);
        bind_opt_text(st, o + 3, m->depts[i].parent >= 0 ? m->depts[m->depts[i].parent].id : NULL);
        ROW();
    }
    /* employees are keyed by model index + 1; skills by skill index + 1 */
    BULK("employees(key, id, name, email, department_id, grade, timezone, roles,"
         " manager, location, hire_date, mentor_capacity, host_capacity)", 13, m->n_emps);
    for (size_t i = 0; i < m->n_emps; i++) {
        const model_employee *e = &E[i];
        REF(e->dept, m->n_depts, "employees", "departments");
        if (e->manager >= 0)
            REF(e->manager, m->n_emps, "employees", "employees");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)i + 1);
        bind_text(st, o + 2, e->id);
        bind_text(st, o + 3, e->name);
        bind_text(st, o + 4, e->email);
        bind_text(st, o + 5, m->depts[e->dept].id);
        sqlite3_bind_int(st, o + 6, e->grade);
        bind_text(st, o + 7, e->timezone);
        sqlite3_bind_int(st, o + 8, (int)e->roles);
        if (e->manager >= 0)
            sqlite3_bind_int64(st, o + 9, (sqlite3_int64)e->manager + 1);
        else
            sqlite3_bind_null(st, o + 9);
        bind_text(st, o + 10, e->location);
        bind_text(st, o + 11, e->hire_date);
        sqlite3_bind_int(st, o + 12, e->mentor_capacity);
        sqlite3_bind_int(st, o + 13, e->host_capacity);
        ROW();
    }
    BULK("skill_names(key, name)", 2, m->n_skills);
    for (size_t i = 0; i < m->n_skills; i++) {
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)i + 1);
        bind_text(st, o + 2, m->skill_names[i]);
        ROW();
    }
    BULK("employee_attributes(employee, name, value)", 3, m->n_attr_rows);
    for (size_t i = 0; i < m->n_attr_rows; i++) {
        REF(m->attrs[i].emp, m->n_emps, "employee_attributes", "employees");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->attrs[i].emp + 1);
        bind_text(st, o + 2, m->attr_keys[m->attrs[i].a.key]);
        bind_text(st, o + 3, m->attrs[i].a.value);
        ROW();
    }
    BULK("skills(employee, skill, level)", 3, m->n_skill_rows);
    for (size_t i = 0; i < m->n_skill_rows; i++) {
        REF(m->skills[i].emp, m->n_emps, "skills", "employees");
        REF(m->skills[i].s.skill, m->n_skills, "skills", "skill_names");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->skills[i].emp + 1);
        sqlite3_bind_int64(st, o + 2, (sqlite3_int64)m->skills[i].s.skill + 1);
        sqlite3_bind_int(st, o + 3, m->skills[i].s.level);
        ROW();
    }
    BULK("goals(employee, skill, target_level, priority, track)", 5, m->n_goal_rows);
    for (size_t i = 0; i < m->n_goal_rows; i++) {
        const model_goal *g = &m->goals[i].g;
        REF(m->goals[i].emp, m->n_emps, "goals", "employees");
        REF(g->skill, m->n_skills, "goals", "skill_names");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->goals[i].emp + 1);
        sqlite3_bind_int64(st, o + 2, (sqlite3_int64)g->skill + 1);
        sqlite3_bind_int(st, o + 3, g->target);
        sqlite3_bind_int(st, o + 4, g->priority);
        bind_text(st, o + 5, track_name(g->track));
        ROW();
    }
    BULK("availability(employee, day, start_minute, end_minute)", 4, m->n_window_rows);
    for (size_t i = 0; i < m->n_window_rows; i++) {
        const model_window *w = &m->windows[i].w;
        REF(m->windows[i].emp, m->n_emps, "availability", "employees");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->windows[i].emp + 1);
        sqlite3_bind_int(st, o + 2, w->day);
        sqlite3_bind_int(st, o + 3, w->start);
        sqlite3_bind_int(st, o + 4, w->end);
        ROW();
    }
    BULK("history(learner, partner, quarter, track)", 4, m->n_history);
    for (size_t i = 0; i < m->n_history; i++) {
        char q[16];
        model_format_quarter(m->history[i].quarter, q, sizeof q);
        REF(m->history[i].learner, m->n_emps, "history", "employees");
        REF(m->history[i].partner, m->n_emps, "history", "employees");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->history[i].learner + 1);
        sqlite3_bind_int64(st, o + 2, (sqlite3_int64)m->history[i].partner + 1);
        sqlite3_bind_text(st, o + 3, q, -1, SQLITE_TRANSIENT);
        bind_text(st, o + 4, track_name(m->history[i].track));
        ROW();
    }
    BULK("exclusions(a, b, reason)", 3, m->n_exclusions);
    for (size_t i = 0; i < m->n_exclusions; i++) {
        REF(m->exclusions[i].a, m->n_emps, "exclusions", "employees");
        REF(m->exclusions[i].b, m->n_emps, "exclusions", "employees");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->exclusions[i].a + 1);
        sqlite3_bind_int64(st, o + 2, (sqlite3_int64)m->exclusions[i].b + 1);
        bind_text(st, o + 3, m->exclusions[i].reason);
        ROW();
    }
    BULK("pins(learner, partner, track)", 3, m->n_pins);
    for (size_t i = 0; i < m->n_pins; i++) {
        REF(m->pins[i].learner, m->n_emps, "pins", "employees");
        REF(m->pins[i].partner, m->n_emps, "pins", "employees");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->pins[i].learner + 1);
        sqlite3_bind_int64(st, o + 2, (sqlite3_int64)m->pins[i].partner + 1);
        bind_text(st, o + 3, track_name(m->pins[i].track));
        ROW();
    }
    BULK("preferences(learner, partner, rank)", 3, m->n_prefs);
    for (size_t i = 0; i < m->n_prefs; i++) {
        REF(m->prefs[i].learner, m->n_emps, "preferences", "employees");
        REF(m->prefs[i].partner, m->n_emps, "preferences", "employees");
        ROW_BEGIN();
        sqlite3_bind_int64(st, o + 1, (sqlite3_int64)m->prefs[i].learner + 1);
        sqlite3_bind_int64(st, o + 2, (sqlite3_int64)m->prefs[i].partner + 1);
        sqlite3_bind_int(st, o + 3, m->prefs[i].rank);
        ROW();
    }
#undef BULK
#undef REF
#undef ROW_BEGIN
#undef ROW
done:
    bulk_end(&b);
    return rc;
}

/*
 * The snapshot is replaced with foreign-key enforcement off: the importer
 * has resolved every reference, and insert_snapshot checks each one as it
 * binds it (row-by-row enforcement would double the time of a large import;
 * SQLite's one-pass check before the commit took 2.4-2.7 s of a million
 * employees' 14 s import). Any failure rolls the whole snapshot back.
 */
int store_save_snapshot(store *s, const mm_model *m, const char *sha256_hex, mm_diag *diag)
{
    /* The one transaction writes every page of the snapshot (400 MB at a
       million employees); with the usual cache its pages spill to the WAL
       and are read back as the indexes grow (measured at a million: the
       whole import 15.7 and 14.8 s to 13.8 and 13.3 s). SQLite takes the
       room as it goes. */
    int rc = exec(s, "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1048576", diag);
    if (rc == MM_OK)
        rc = exec(s, "BEGIN IMMEDIATE", diag);
    if (rc != MM_OK)
        goto done;
    char sql[128];
    for (size_t t = 0; t < N_SNAPSHOT && rc == MM_OK; t++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s", snapshot_tables[t]);
        rc = exec(s, sql, diag);
    }
    if (rc == MM_OK)
        rc = insert_snapshot(s, m, diag);
    if (rc == MM_OK) {
        sqlite3_stmt *st = NULL;
        rc = prep(s, "INSERT OR REPLACE INTO meta(key, value) VALUES ('inputs_sha256', ?1)", &st,
                  diag);
        if (rc == MM_OK) {
            bind_text(st, 1, sha256_hex);
            rc = step_reset(s, st, diag);
        }
        sqlite3_finalize(st);
    }
    if (rc == MM_OK)
        rc = exec(s, "COMMIT", diag);
    if (rc != MM_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
done:
    sqlite3_exec(s->db, "PRAGMA foreign_keys = ON;" STORE_CACHE, NULL, NULL, NULL);
    return rc;
}

/* ---- loading the model --------------------------------------------------- */

static int32_t parse_track(const char *t)
{
    if (strcmp(t, "mentoring") == 0)
        return TRACK_MENTORING;
    if (strcmp(t, "shadowing") == 0)
        return TRACK_SHADOWING;
    return TRACK_ANY;
}

int store_load_model(store *s, mm_model **out, char sha256_hex[65], mm_diag *diag)
{
    int rc = MM_OK;
    sqlite3_stmt *st = NULL;
    mm_model *m = model_new();
    int32_t *index_of = NULL, *skill_of = NULL;
    *out = NULL;
    if (!m)
        return MM_ENOMEM;
    int r = SQLITE_DONE;
    /* read in one transaction so the snapshot is consistent */
    if ((rc = exec(s, "BEGIN", diag)) != MM_OK)
        goto fail;

#define QUERY(sql)                                                                            \
    do {                                                                                      \
        if (r != SQLITE_DONE && r != SQLITE_ROW) {                                            \
            rc = db_error(s, diag, "load");                                                   \
            goto done;                                                                        \
        }                                                                                     \
        sqlite3_finalize(st);                                                                 \
        st = NULL;                                                                            \
        if ((rc = prep(s, sql, &st, diag)) != MM_OK)                                          \
            goto done;                                                                        \
    } while (0)
#define OOM_IF(cond)                                                                          \
    do {                                                                                      \
        if (cond) {                                                                           \
            rc = MM_ENOMEM;                                                                   \
            goto done;                                                                        \
        }                                                                                     \
    } while (0)
#define EMP(i) index_of[sqlite3_column_int64(st, i)]

    QUERY("SELECT value FROM meta WHERE key = 'inputs_sha256'");
    if ((r = step_row(st)) != SQLITE_ROW) {
        rc = r == SQLITE_DONE
                 ? mm_diag_error(diag, MM_ENOTFOUND, s->path, 0, 0,
                                 "the store holds no company yet: run `mentormatch import` first")
                 : db_error(s, diag, "load");
        goto done;
    }
    snprintf(sha256_hex, 65, "%s", col_text(st, 0));

    QUERY("SELECT id, name FROM departments ORDER BY id");
    while ((r = step_row(st)) == SQLITE_ROW)
        OOM_IF(model_add_dept(m, col_text(st, 0), col_text(st, 1)) < 0);
    QUERY("SELECT id, parent_id FROM departments WHERE parent_id IS NOT NULL");
    while ((r = step_row(st)) == SQLITE_ROW)
        m->depts[model_find_dept(m, col_text(st, 0))].parent = model_find_dept(m, col_text(st, 1));

    /* employees in id order: the model index; keys map to it */
    QUERY("SELECT max(key) FROM employees");
    if ((r = step_row(st)) != SQLITE_ROW) {
        rc = db_error(s, diag, "load");
        goto done;
    }
    sqlite3_int64 max_key = sqlite3_column_int64(st, 0);
    if (max_key < 0 || max_key > INT32_MAX - 1) {
        rc = mm_diag_error(diag, MM_ESTORE, s->path, 0, 0, "employee keys out of range");
        goto done;
    }
    index_of = malloc(((size_t)max_key + 1) * sizeof *index_of);
    OOM_IF(!index_of);
    for (sqlite3_int64 k = 0; k <= max_key; k++)
        index_of[k] = -1;
    QUERY("SELECT key, id, name, email, department_id, grade, timezone, roles, location,"
          " hire_date, mentor_capacity, host_capacity FROM employees ORDER BY id");
    while ((r = step_row(st)) == SQLITE_ROW) {
        model_employee e = {0};
        e.id = col_text(st, 1);
        e.name = col_text(st, 2);
        e.email = col_text(st, 3);
        e.dept = model_find_dept(m, col_text(st, 4));
        e.grade = sqlite3_column_int(st, 5);
        e.timezone = col_text(st, 6);
        e.roles = (uint32_t)sqlite3_column_int(st, 7);
        e.location = col_text(st, 8);
        e.hire_date = col_text(st, 9);
        e.mentor_capacity = sqlite3_column_int(st, 10);
        e.host_capacity = sqlite3_column_int(st, 11);
        e.manager = -1;
        int32_t idx = model_add_employee(m, &e);
        OOM_IF(idx < 0);
        index_of[sqlite3_column_int64(st, 0)] = idx;
    }
    QUERY("SELECT key, manager FROM employees WHERE manager IS NOT NULL");
    while ((r = step_row(st)) == SQLITE_ROW)
        m->emps[EMP(0)].manager = EMP(1);
    QUERY("SELECT key, name FROM skill_names ORDER BY key");
    int32_t n_skill_keys = 0;
    while ((r = step_row(st)) == SQLITE_ROW)
        n_skill_keys = (int32_t)sqlite3_column_int64(st, 0);
    skill_of = malloc(((size_t)n_skill_keys + 1) * sizeof *skill_of);
    OOM_IF(!skill_of);
    QUERY("SELECT key, name FROM skill_names ORDER BY name");
    while ((r = step_row(st)) == SQLITE_ROW) {
        const char *name = col_text(st, 1);
        int32_t k = model_intern_skill(m, name, strlen(name));
        OOM_IF(k < 0);
        skill_of[sqlite3_column_int64(st, 0)] = k;
    }

    QUERY("SELECT employee, name, value FROM employee_attributes");
    while ((r = step_row(st)) == SQLITE_ROW) {
        int32_t key = model_intern_attr_key(m, col_text(st, 1));
        OOM_IF(key < 0 || model_add_attr(m, EMP(0), key, col_text(st, 2)));
    }
    QUERY("SELECT employee, skill, level FROM skills");
    while ((r = step_row(st)) == SQLITE_ROW)
        OOM_IF(model_add_skill(m, EMP(0), skill_of[sqlite3_column_int64(st, 1)],
                               sqlite3_column_int(st, 2)));
    QUERY("SELECT employee, skill, target_level, priority, track FROM goals");
    while ((r = step_row(st)) == SQLITE_ROW) {
        model_goal g = {skill_of[sqlite3_column_int64(st, 1)], sqlite3_column_int(st, 2),
                        sqlite3_column_int(st, 3), parse_track(col_text(st, 4))};
        OOM_IF(model_add_goal(m, EMP(0), &g));
    }
    QUERY("SELECT employee, day, start_minute, end_minute FROM availability");
    while ((r = step_row(st)) == SQLITE_ROW) {
        model_window w = {sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                          sqlite3_column_int(st, 3)};
        OOM_IF(model_add_window(m, EMP(0), &w));
    }
    /* history: the imported rows, and the pairs of published runs */
    QUERY("SELECT learner, partner, quarter, track FROM history"
          " UNION ALL SELECT l.key, p.key, r.quarter, rp.track"
          " FROM run_pairs rp JOIN runs r ON r.id = rp.run_id"
          " JOIN employees l ON l.id = rp.learner_id JOIN employees p ON p.id = rp.partner_id"
          " WHERE r.published = 1");
    while ((r = step_row(st)) == SQLITE_ROW) {
        model_history h = {EMP(0), EMP(1), model_parse_quarter(col_text(st, 2)),
                           parse_track(col_text(st, 3))};
        if (h.quarter < 0)
            continue;
        OOM_IF(model_add_history(m, &h));
    }
    /* feedback on published runs: every rating counts towards the partner's
       mean; a pair rated 2 or lower is never matched again */
    QUERY("SELECT l.key, p.key, f.rating FROM feedback f JOIN runs r ON r.id = f.run_id"
          " JOIN employees l ON l.id = f.learner_id JOIN employees p ON p.id = f.partner_id"
          " WHERE r.published = 1");
    while ((r = step_row(st)) == SQLITE_ROW) {
        model_rating rt = {EMP(0), EMP(1), sqlite3_column_int(st, 2)};
        OOM_IF(model_add_rating(m, &rt));
        if (rt.rating <= 2)
            OOM_IF(model_add_exclusion(m, rt.learner, rt.partner, "rated 2 or lower in feedback"));
    }
    QUERY("SELECT a, b, reason FROM exclusions");
    while ((r = step_row(st)) == SQLITE_ROW)
        OOM_IF(model_add_exclusion(m, EMP(0), EMP(1), col_text(st, 2)));
    QUERY("SELECT learner, partner, track FROM pins");
    while ((r = step_row(st)) == SQLITE_ROW) {
        model_pin p = {EMP(0), EMP(1), parse_track(col_text(st, 2))};
        OOM_IF(model_add_pin(m, &p));
    }
    QUERY("SELECT learner, partner, rank FROM preferences");
    while ((r = step_row(st)) == SQLITE_ROW) {
        model_preference p = {EMP(0), EMP(1), sqlite3_column_int(st, 2)};
        OOM_IF(model_add_preference(m, &p));
    }
    if (r != SQLITE_DONE) {
        rc = db_error(s, diag, "load");
        goto done;
    }
    rc = model_finish(m);
#undef QUERY
#undef OOM_IF
#undef EMP
done:
    sqlite3_finalize(st);
    /* a read transaction left open would make the next BEGIN IMMEDIATE fail */
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        if (rc == MM_OK)
            rc = db_error(s, diag, "load");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    free(index_of);
    free(skill_of);
fail:
    if (rc == MM_OK)
        *out = m;
    else
        mm_model_free(m);
    return rc;
}

/* ---- runs ---------------------------------------------------------------- */

/* The sink that stores a run's files: each file in pieces of STORE_CHUNK
   bytes (the last one shorter), gathered STORE_BATCH at a time, compressed
   side by side and stored in order; the file's row at its close. A file
   abandoned (closed with ok false) has its chunks deleted (no row of
   run_outputs would own them, and the deferred foreign key would fail the
   COMMIT). */
typedef struct file_store {
    file_sink sink;
    store *s;
    mm_diag *diag;
    int64_t run_id;
    int threads;
    sqlite3_stmt *chunk, *file, *drop;
    char *name;
    int64_t seq;
    char *raw;    /* the file's next STORE_BATCH * STORE_CHUNK bytes */
    size_t raw_len;
    ZSTD_CCtx *cctx[STORE_BATCH];
    char *packed[STORE_BATCH]; /* each ZSTD_compressBound(STORE_CHUNK) bytes */
    size_t packed_len[STORE_BATCH];
} file_store;

/* The compressors and buffers of f; MM_OK or MM_ENOMEM. */
static int fs_init(file_store *f)
{
    if (!(f->raw = malloc(STORE_BATCH * STORE_CHUNK)))
        return MM_ENOMEM;
    for (int k = 0; k < STORE_BATCH; k++) {
        f->cctx[k] = ZSTD_createCCtx();
        f->packed[k] = malloc(ZSTD_compressBound(STORE_CHUNK));
        if (!f->cctx[k] || !f->packed[k] ||
            ZSTD_isError(ZSTD_CCtx_setParameter(f->cctx[k], ZSTD_c_compressionLevel,
                                                STORE_LEVEL)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(f->cctx[k], ZSTD_c_checksumFlag, 1)))
            return MM_ENOMEM;
    }
    return MM_OK;
}

static void fs_free(file_store *f)
{
    free(f->raw);
    for (int k = 0; k < STORE_BATCH; k++) {
        ZSTD_freeCCtx(f->cctx[k]);
        free(f->packed[k]);
    }
}

/* Compresses the pieces gathered (on f->threads threads: plain buffers
   only) and stores them in order. */
static int fs_flush(file_store *f)
{
    size_t n = (f->raw_len + STORE_CHUNK - 1) / STORE_CHUNK;
    int failed = 0;
    int nt = f->threads > 0 ? f->threads : omp_get_max_threads();
    if (nt > (int)n)
        nt = n ? (int)n : 1;
#pragma omp parallel for num_threads(nt) schedule(static, 1) reduction(|| : failed)
    for (long k = 0; k < (long)n; k++) {
        size_t at = (size_t)k * STORE_CHUNK;
        size_t len = f->raw_len - at < STORE_CHUNK ? f->raw_len - at : STORE_CHUNK;
        size_t r = ZSTD_compress2(f->cctx[k], f->packed[k], ZSTD_compressBound(STORE_CHUNK),
                                  f->raw + at, len);
        f->packed_len[k] = ZSTD_isError(r) ? 0 : r;
        failed = failed || ZSTD_isError(r);
    }
    f->raw_len = 0;
    /* with room for the bound, compressing fails only for want of memory */
    if (failed)
        return MM_ENOMEM;
    int rc = MM_OK;
    for (size_t k = 0; k < n && rc == MM_OK; k++) {
        sqlite3_bind_int64(f->chunk, 1, f->run_id);
        bind_text(f->chunk, 2, f->name);
        sqlite3_bind_int64(f->chunk, 3, f->seq++);
        sqlite3_bind_blob64(f->chunk, 4, f->packed[k], f->packed_len[k], SQLITE_STATIC);
        rc = step_reset(f->s, f->chunk, f->diag);
    }
    return rc;
}

static int fs_open(void *ctx, const char *name)
{
    file_store *f = ctx;
    f->seq = 0;
    f->raw_len = 0;
    return (f->name = strdup(name)) ? MM_OK : MM_ENOMEM;
}

static int fs_write(void *ctx, const char *data, size_t len)
{
    file_store *f = ctx;
    int rc = MM_OK;
    while (len && rc == MM_OK) {
        size_t n = STORE_BATCH * STORE_CHUNK - f->raw_len;
        if (n > len)
            n = len;
        memcpy(f->raw + f->raw_len, data, n);
        f->raw_len += n;
        data += n;
        len -= n;
        if (f->raw_len == STORE_BATCH * STORE_CHUNK)
            rc = fs_flush(f);
    }
    return rc;
}

static int fs_close(void *ctx, int ok)
{
    file_store *f = ctx;
    int rc = MM_OK;
    if (ok && f->raw_len)
        rc = fs_flush(f);
    f->raw_len = 0;
    if (ok && rc == MM_OK) {
        sqlite3_bind_int64(f->file, 1, f->run_id);
        bind_text(f->file, 2, f->name);
        sqlite3_bind_int64(f->file, 3, f->seq);
        rc = step_reset(f->s, f->file, f->diag);
    } else if (f->seq) {
        sqlite3_bind_int64(f->drop, 1, f->run_id);
        bind_text(f->drop, 2, f->name);
        int d = step_reset(f->s, f->drop, f->diag);
        if (rc == MM_OK)
            rc = d;
    }
    free(f->name);
    f->name = NULL;
    return rc;
}

int store_save_run(store *s, const store_run *run, store_files_fn write_files, void *ctx,
                   int64_t *run_id, mm_diag *diag)
{
    int rc = MM_OK;
    sqlite3_stmt *st = NULL;
    bulk b = {0};
    file_store fs;
    memset(&fs, 0, sizeof fs);
    fs.sink = (file_sink){fs_open, fs_write, fs_close, &fs};
    fs.s = s;
    fs.diag = diag;
    fs.threads = run->threads;
    if ((rc = fs_init(&fs)) != MM_OK || (rc = exec(s, "BEGIN IMMEDIATE", diag)) != MM_OK) {
        fs_free(&fs);
        *run_id = 0;
        return rc;
    }
    int64_t id = 1;
    if ((rc = prep(s, "SELECT coalesce(max(id), 0) + 1 FROM runs", &st, diag)) != MM_OK)
        goto done;
    if (step_row(st) != SQLITE_ROW) {
        rc = db_error(s, diag, "new run id");
        goto done;
    }
    id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prep(s, "INSERT INTO runs(id, created_at, quarter, status, inputs_sha256, config,"
                      " threads, summary) VALUES (?1, ?2, ?3, 'done', ?4, ?5, ?6, ?7)",
                   &st, diag)) != MM_OK)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, run->created_at);
    bind_text(st, 3, run->quarter);
    bind_text(st, 4, run->inputs_sha256);
    bind_text(st, 5, run->config_json);
    sqlite3_bind_int(st, 6, run->threads);
    bind_text(st, 7, run->summary_json);
    if ((rc = step_reset(s, st, diag)) != MM_OK)
        goto done;
    sqlite3_finalize(st);
    st = NULL;
    fs.run_id = id;
    if ((rc = prep(s, "INSERT INTO run_output_chunks(run_id, name, seq, content)"
                      " VALUES (?1, ?2, ?3, ?4)", &fs.chunk, diag)) != MM_OK ||
        (rc = prep(s, "INSERT INTO run_outputs(run_id, name, chunks, compression)"
                      " VALUES (?1, ?2, ?3, 'zstd')", &fs.file, diag)) != MM_OK ||
        (rc = prep(s, "DELETE FROM run_output_chunks WHERE run_id = ?1 AND name = ?2",
                   &fs.drop, diag)) != MM_OK ||
        (rc = write_files(ctx, id, &fs.sink)) != MM_OK)
        goto done;
    /* the pairs and the unmatched, BULK_ROWS rows per statement (at a
       million employees 1.5 million pairs) */
    rc = bulk_begin(&b, s, "run_pairs(run_id, track, learner_id, partner_id, score, pinned,"
                           " sessions)", 7, run->n_pairs, diag);
    for (size_t i = 0; i < run->n_pairs && rc == MM_OK; i++) {
        const store_pair *p = &run->pairs[i];
        int o = bulk_at(&b);
        sqlite3_bind_int64(b.st, o + 1, id);
        bind_text(b.st, o + 2, p->track);
        bind_text(b.st, o + 3, p->learner_id);
        bind_text(b.st, o + 4, p->partner_id);
        sqlite3_bind_int(b.st, o + 5, p->score);
        sqlite3_bind_int(b.st, o + 6, p->pinned ? 1 : 0);
        sqlite3_bind_int(b.st, o + 7, p->sessions);
        rc = bulk_row(&b);
    }
    bulk_end(&b);
    if (rc != MM_OK)
        goto done;
    rc = bulk_begin(&b, s, "run_unmatched(run_id, track, learner_id, reason)", 4,
                    run->n_unmatched, diag);
    for (size_t i = 0; i < run->n_unmatched && rc == MM_OK; i++) {
        const store_unmatched *u = &run->unmatched[i];
        int o = bulk_at(&b);
        sqlite3_bind_int64(b.st, o + 1, id);
        bind_text(b.st, o + 2, u->track);
        bind_text(b.st, o + 3, u->learner_id);
        bind_text(b.st, o + 4, u->reason);
        rc = bulk_row(&b);
    }
    bulk_end(&b);
    if (rc != MM_OK)
        goto done;
    rc = exec(s, "COMMIT", diag);
done:
    sqlite3_finalize(st);
    sqlite3_finalize(fs.chunk);
    sqlite3_finalize(fs.file);
    sqlite3_finalize(fs.drop);
    free(fs.name);
    fs_free(&fs);
    if (rc != MM_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    *run_id = rc == MM_OK ? id : 0;
    return rc;
}

/* Writes one stored file into sink: its row of run_outputs just read by st
   (name, chunks, compression), its content from run_output_chunks. A piece
   that is not one whole zstd frame of at most STORE_CHUNK bytes, or whose
   checksum fails, is an error naming the file. */
static int read_chunks(store *s, int64_t run_id, sqlite3_stmt *st, const file_sink *sink,
                       mm_diag *diag)
{
    const char *name = col_text(st, 0);
    int64_t chunks = sqlite3_column_int64(st, 1);
    int zstd = strcmp(col_text(st, 2), "zstd") == 0;
    sqlite3_stmt *ch = NULL;
    ZSTD_DCtx *dctx = NULL;
    char *plain = NULL;
    int rc = sink->open(sink->ctx, name);
    if (rc != MM_OK)
        return rc;
    if (zstd && (!(dctx = ZSTD_createDCtx()) || !(plain = malloc(STORE_CHUNK)))) {
        rc = MM_ENOMEM;
        goto done;
    }
    if ((rc = prep(s, "SELECT seq, content FROM run_output_chunks"
                      " WHERE run_id = ?1 AND name = ?2 ORDER BY seq", &ch, diag)) != MM_OK)
        goto done;
    sqlite3_bind_int64(ch, 1, run_id);
    bind_text(ch, 2, name);
    int64_t seq = 0;
    int r = SQLITE_DONE;
    while (rc == MM_OK && (r = step_row(ch)) == SQLITE_ROW) {
        if (sqlite3_column_int64(ch, 0) != seq++)
            break;
        const void *data = sqlite3_column_blob(ch, 1);
        size_t len = (size_t)sqlite3_column_bytes(ch, 1);
        if (zstd) {
            unsigned long long size = ZSTD_getFrameContentSize(data, len);
            size_t got = size <= STORE_CHUNK ? ZSTD_decompressDCtx(dctx, plain, STORE_CHUNK,
                                                                   data, len)
                                             : 0;
            if (size > STORE_CHUNK || ZSTD_isError(got) || got != size) {
                rc = mm_diag_error(diag, MM_ESTORE, s->path, 0, 0,
                                   "run %lld: the stored %s is damaged (piece %lld)",
                                   (long long)run_id, name, (long long)seq - 1);
                break;
            }
            data = plain;
            len = got;
        }
        if (len)
            rc = sink->write(sink->ctx, data, len);
    }
    if (rc == MM_OK && r != SQLITE_ROW && r != SQLITE_DONE)
        rc = db_error(s, diag, "read run files");
    else if (rc == MM_OK && (r == SQLITE_ROW || seq != chunks))
        rc = mm_diag_error(diag, MM_ESTORE, s->path, 0, 0,
                           "run %lld: the stored %s is incomplete", (long long)run_id, name);
done:
    sqlite3_finalize(ch);
    ZSTD_freeDCtx(dctx);
    free(plain);
    int c = sink->close(sink->ctx, rc == MM_OK);
    return rc != MM_OK ? rc : c;
}

/* A file of a run stored before schema 2, whole in its row of run_files
   just read by st (name, content). */
static int read_whole(sqlite3_stmt *st, const file_sink *sink)
{
    int rc = sink->open(sink->ctx, col_text(st, 0));
    if (rc != MM_OK)
        return rc;
    size_t len = (size_t)sqlite3_column_bytes(st, 1);
    if (len)
        rc = sink->write(sink->ctx, sqlite3_column_blob(st, 1), len);
    int c = sink->close(sink->ctx, rc == MM_OK);
    return rc != MM_OK ? rc : c;
}

int store_run_files(store *s, int64_t run_id, const char *only, int64_t *found_id,
                    const file_sink *sink, mm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    /* one read transaction: the files of one state of the store */
    int rc = exec(s, "BEGIN", diag);
    if (rc != MM_OK)
        return rc;
    if ((rc = prep(s,
                   run_id > 0 ? "SELECT id FROM runs WHERE id = ?1"
                              : "SELECT id FROM runs ORDER BY id DESC LIMIT 1",
                   &st, diag)) != MM_OK)
        goto done;
    if (run_id > 0)
        sqlite3_bind_int64(st, 1, run_id);
    int r = step_row(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = db_error(s, diag, "read run");
        goto done;
    }
    if (r != SQLITE_ROW) {
        rc = run_id > 0 ? mm_diag_error(diag, MM_ENOTFOUND, s->path, 0, 0, "no run %lld",
                                        (long long)run_id)
                        : mm_diag_error(diag, MM_ENOTFOUND, s->path, 0, 0, "no runs yet");
        goto done;
    }
    *found_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    /* a run's files are in run_outputs, or in run_files for a run stored
       before schema 2 (searched only then: a search there may read whole
       files, SQLite comparing keys of a WITHOUT ROWID table on whole rows) */
    size_t files = 0;
    for (int legacy = 0; legacy < 2 && rc == MM_OK && !(legacy && files); legacy++) {
        sqlite3_finalize(st);
        st = NULL;
        if ((rc = prep(s,
                       legacy ? "SELECT name, content FROM run_files WHERE run_id = ?1"
                                " AND (?2 IS NULL OR name = ?2) ORDER BY name"
                              : "SELECT name, chunks, compression FROM run_outputs"
                                " WHERE run_id = ?1"
                                " AND (?2 IS NULL OR name = ?2) ORDER BY name",
                       &st, diag)) != MM_OK)
            break;
        sqlite3_bind_int64(st, 1, *found_id);
        if (only)
            bind_text(st, 2, only);
        while (rc == MM_OK && (r = step_row(st)) == SQLITE_ROW) {
            rc = legacy ? read_whole(st, sink) : read_chunks(s, *found_id, st, sink, diag);
            files++;
        }
        if (rc == MM_OK && r != SQLITE_DONE)
            rc = db_error(s, diag, "read run files");
    }
done:
    sqlite3_finalize(st);
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        if (rc == MM_OK)
            rc = db_error(s, diag, "read run files");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

int store_publish_run(store *s, int64_t run_id, bool replace, char quarter[16],
                      int64_t *replaced, mm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    *replaced = 0;
    int rc = exec(s, "BEGIN IMMEDIATE", diag);
    if (rc != MM_OK)
        return rc;
    if ((rc = prep(s, "SELECT quarter, published FROM runs WHERE id = ?1", &st, diag)) != MM_OK)
        goto done;
    sqlite3_bind_int64(st, 1, run_id);
    int r = step_row(st);
    if (r != SQLITE_ROW) {
        rc = r == SQLITE_DONE ? mm_diag_error(diag, MM_ENOTFOUND, s->path, 0, 0, "no run %lld",
                                              (long long)run_id)
                              : db_error(s, diag, "read run");
        goto done;
    }
    snprintf(quarter, 16, "%s", col_text(st, 0));
    int already = sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    st = NULL;
    if (already)
        goto done; /* publishing twice changes nothing */
    if ((rc = prep(s, "SELECT id FROM runs WHERE quarter = ?1 AND published = 1", &st, diag)) !=
        MM_OK)
        goto done;
    bind_text(st, 1, quarter);
    if ((r = step_row(st)) != SQLITE_ROW && r != SQLITE_DONE) {
        rc = db_error(s, diag, "read runs");
        goto done;
    }
    if (r == SQLITE_ROW) {
        *replaced = sqlite3_column_int64(st, 0);
        if (!replace) {
            rc = mm_diag_error(diag, MM_EUSAGE, s->path, 0, 0,
                               "run %lld is already the official run of %s; publish run %lld "
                               "with --replace to replace it",
                               (long long)*replaced, quarter, (long long)run_id);
            goto done;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prep(s, "UPDATE runs SET published = (id = ?1) WHERE quarter = ?2", &st, diag)) !=
        MM_OK)
        goto done;
    sqlite3_bind_int64(st, 1, run_id);
    bind_text(st, 2, quarter);
    rc = step_reset(s, st, diag);
done:
    sqlite3_finalize(st);
    if (rc == MM_OK)
        rc = exec(s, "COMMIT", diag);
    if (rc != MM_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int store_run_state(store *s, int64_t run_id, bool *published, mm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT published FROM runs WHERE id = ?1", &st, diag);
    if (rc != MM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    int r = step_row(st);
    if (r == SQLITE_ROW)
        *published = sqlite3_column_int(st, 0) != 0;
    else if (r == SQLITE_DONE)
        rc = mm_diag_error(diag, MM_ENOTFOUND, s->path, 0, 0, "no run %lld", (long long)run_id);
    else
        rc = db_error(s, diag, "read run");
    sqlite3_finalize(st);
    return rc;
}

int store_run_pairs(store *s, int64_t run_id, store_pair_fn fn, void *ctx, mm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT track, learner_id, partner_id FROM run_pairs WHERE run_id = ?1", &st,
                  diag);
    if (rc != MM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    int r;
    while (rc == MM_OK && (r = step_row(st)) == SQLITE_ROW)
        rc = fn(ctx, col_text(st, 0), col_text(st, 1), col_text(st, 2));
    if (rc == MM_OK && r != SQLITE_DONE)
        rc = db_error(s, diag, "read run pairs");
    sqlite3_finalize(st);
    return rc;
}

int store_save_feedback(store *s, int64_t run_id, const store_feedback *rows, size_t n,
                        mm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    int rc = exec(s, "BEGIN IMMEDIATE", diag);
    if (rc != MM_OK)
        return rc;
    if ((rc = prep(s, "DELETE FROM feedback WHERE run_id = ?1", &st, diag)) != MM_OK)
        goto done;
    sqlite3_bind_int64(st, 1, run_id);
    if ((rc = step_reset(s, st, diag)) != MM_OK)
        goto done;
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prep(s, "INSERT INTO feedback(run_id, track, learner_id, partner_id,"
                      " sessions_attended, rating) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   &st, diag)) != MM_OK)
        goto done;
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        sqlite3_bind_int64(st, 1, run_id);
        bind_text(st, 2, rows[i].track);
        bind_text(st, 3, rows[i].learner_id);
        bind_text(st, 4, rows[i].partner_id);
        sqlite3_bind_int(st, 5, rows[i].sessions_attended);
        sqlite3_bind_int(st, 6, rows[i].rating);
        rc = step_reset(s, st, diag);
    }
done:
    sqlite3_finalize(st);
    if (rc == MM_OK)
        rc = exec(s, "COMMIT", diag);
    if (rc != MM_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int store_participation_each(store *s, const char *until, store_participation_fn fn, void *ctx,
                             mm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "SELECT r.quarter, p.track, p.learner_id, p.partner_id,"
                  " coalesce(dl.name, ''), coalesce(dp.name, ''), p.sessions,"
                  " coalesce(f.sessions_attended, -1)"
                  " FROM run_pairs p JOIN runs r ON r.id = p.run_id"
                  " LEFT JOIN employees el ON el.id = p.learner_id"
                  " LEFT JOIN departments dl ON dl.id = el.department_id"
                  " LEFT JOIN employees ep ON ep.id = p.partner_id"
                  " LEFT JOIN departments dp ON dp.id = ep.department_id"
                  " LEFT JOIN feedback f ON f.run_id = p.run_id AND f.track = p.track"
                  "  AND f.learner_id = p.learner_id AND f.partner_id = p.partner_id"
                  " WHERE r.published = 1 AND (?1 = '' OR r.quarter <= ?1)"
                  " ORDER BY r.quarter, p.track, p.learner_id, p.partner_id",
                  &st, diag);
    if (rc != MM_OK)
        return rc;
    bind_text(st, 1, until ? until : "");
    int r;
    while (rc == MM_OK && (r = step_row(st)) == SQLITE_ROW) {
        store_participation p = {col_text(st, 0), col_text(st, 1), col_text(st, 2),
                                 col_text(st, 3), col_text(st, 4), col_text(st, 5),
                                 sqlite3_column_int(st, 6), sqlite3_column_int(st, 7)};
        rc = fn(ctx, &p);
    }
    if (rc == MM_OK && r != SQLITE_DONE)
        rc = db_error(s, diag, "read the participation record");
    sqlite3_finalize(st);
    return rc;
}

int store_list_runs(store *s, store_run_fn fn, void *ctx, mm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT id, created_at, quarter, status, published, summary FROM runs"
                     " ORDER BY id DESC", &st, diag);
    if (rc != MM_OK)
        return rc;
    int r;
    while ((r = step_row(st)) == SQLITE_ROW)
        fn(ctx, sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
           sqlite3_column_int(st, 4), col_text(st, 5));
    if (r != SQLITE_DONE)
        rc = db_error(s, diag, "list runs");
    sqlite3_finalize(st);
    return rc;
}

int store_snapshot_digest(store *s, char hex[65], mm_diag *diag)
{
    int rc = MM_OK;
    struct sha256_ctx sha;
    sha256_init(&sha);
    sqlite3_stmt *st = NULL;
    for (size_t t = 0; t < N_SNAPSHOT + 1 && rc == MM_OK; t++) {
        const char *table = t < N_SNAPSHOT ? snapshot_tables[t] : "meta";
        char sql[256];
        /* order by every column, so the digest does not depend on storage order */
        snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
        if ((rc = prep(s, sql, &st, diag)) != MM_OK)
            break;
        int n = sqlite3_column_count(st);
        sqlite3_finalize(st);
        st = NULL;
        size_t o = (size_t)snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", table);
        for (int c = 2; c <= n && o < sizeof sql; c++)
            o += (size_t)snprintf(sql + o, sizeof sql - o, ", %d", c);
        if ((rc = prep(s, sql, &st, diag)) != MM_OK)
            break;
        sha256_update(&sha, strlen(table) + 1, (const uint8_t *)table);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < n; c++) {
                /* the type first, so NULL and '' differ */
                uint8_t type = (uint8_t)sqlite3_column_type(st, c);
                const char *v = col_text(st, c);
                sha256_update(&sha, 1, &type);
                sha256_update(&sha, strlen(v) + 1, (const uint8_t *)v);
            }
        }
        sqlite3_finalize(st);
        st = NULL;
    }
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&sha, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return rc;
}
