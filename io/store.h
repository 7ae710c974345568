/*
 * store.h - the SQLite store (SPEC section 7).
 *
 * One file holds the imported snapshot of the company and every run. Every
 * write is one transaction: an import replaces the snapshot whole or not at
 * all; a run is written whole at its end, so a run killed midway is absent.
 * Only store.c includes sqlite3.h.
 */
#ifndef MM_STORE_H
#define MM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fileio.h"
#include "mentormatch.h"

typedef struct store store;

/* Opens (creating when missing, unless must_exist) the store at path and
   brings its schema up to date. MM_OK, MM_ENOINPUT (must_exist and absent),
   MM_ESTORE. *out is freed with store_close. */
int store_open(const char *path, int must_exist, store **out, mm_diag *diag);
void store_close(store *s);

/* Replaces the snapshot with model m in one transaction; on any failure the
   store keeps the old snapshot. sha256_hex is the inputs' digest. */
int store_save_snapshot(store *s, const mm_model *m, const char *sha256_hex, mm_diag *diag);

/* Loads the snapshot as a finished model, employees in id order. Pairs of
   published runs are added to the model's history. MM_NOTFOUND when no
   snapshot was imported. sha256_hex receives the snapshot's digest. */
int store_load_model(store *s, mm_model **out, char sha256_hex[65], mm_diag *diag);

/* One run as it is written: the pairs and unmatched learners for the
   history and queries, and the report for re-export. */
typedef struct store_pair {
    const char *track, *learner_id, *partner_id;
    int32_t score;
    int pinned;
    int32_t sessions; /* sessions scheduled for the pair */
} store_pair;

typedef struct store_unmatched {
    const char *track, *learner_id, *reason;
} store_unmatched;

typedef struct store_run {
    const char *created_at; /* ISO 8601 UTC */
    const char *quarter;    /* "2027Q1" */
    const char *inputs_sha256;
    const char *config_json;
    int threads;
    const store_pair *pairs;
    size_t n_pairs;
    const store_unmatched *unmatched;
    size_t n_unmatched;
    const char *summary_json; /* a short JSON summary, for `runs` */
} store_run;

/*
 * Writes a run in one transaction. The run's id is chosen first and handed
 * to write_files, which writes the run's output files (report.json and the
 * files derived from it) into the sink it is given, as they are produced:
 * they are stored with the run, in pieces (any size), so that a stored run
 * re-exports byte for byte. The sink is valid during the call only.
 */
typedef int (*store_files_fn)(void *ctx, int64_t run_id, const file_sink *files);
int store_save_run(store *s, const store_run *run, store_files_fn write_files, void *ctx,
                   int64_t *run_id, mm_diag *diag);

/* Writes the stored output files of a run (id <= 0: the newest) into sink,
   in the order of their names; only the one called only when it is not
   NULL. MM_ENOTFOUND when there is no such run, else MM_OK, a store error
   or the sink's code. */
int store_run_files(store *s, int64_t run_id, const char *only, int64_t *found_id,
                    const file_sink *sink, mm_diag *diag);

/*
 * Makes run_id the official (published) run of its quarter. When another run
 * of that quarter is published, it is replaced only with replace (its id in
 * *replaced), else MM_EUSAGE with a message naming it. quarter (16 bytes)
 * receives the run's quarter. Published runs are the history that later
 * runs avoid repeating. MM_ENOTFOUND when there is no such run.
 */
int store_publish_run(store *s, int64_t run_id, bool replace, char quarter[16],
                      int64_t *replaced, mm_diag *diag);

/* Whether a run is published; MM_ENOTFOUND when there is no such run. */
int store_run_state(store *s, int64_t run_id, bool *published, mm_diag *diag);

/* Calls fn for each pair of a run; a code other than MM_OK stops and is returned. */
typedef int (*store_pair_fn)(void *ctx, const char *track, const char *learner_id,
                             const char *partner_id);
int store_run_pairs(store *s, int64_t run_id, store_pair_fn fn, void *ctx, mm_diag *diag);

/* One row of feedback.csv, checked. */
typedef struct store_feedback {
    const char *track, *learner_id, *partner_id;
    int32_t sessions_attended;
    int32_t rating; /* 1..5 */
} store_feedback;

/* Replaces the feedback of a run with rows, in one transaction. */
int store_save_feedback(store *s, int64_t run_id, const store_feedback *rows, size_t n,
                        mm_diag *diag);

/* One pair of a published run, for the participation record. */
typedef struct store_participation {
    const char *quarter; /* "2027Q1" */
    const char *track;
    const char *learner_id, *partner_id;
    const char *learner_dept, *partner_dept; /* "" when no longer employed */
    int32_t sessions;          /* scheduled */
    int32_t attended;          /* from feedback; -1 when none */
} store_participation;

/* Calls fn for every pair of every published run of a quarter up to and
   including `until` ("" for all), oldest quarter first. */
typedef int (*store_participation_fn)(void *ctx, const store_participation *p);
int store_participation_each(store *s, const char *until, store_participation_fn fn, void *ctx,
                             mm_diag *diag);

/* Calls fn for each run, newest first; fn gets id, created_at, quarter,
   status, published, summary_json. */
typedef void (*store_run_fn)(void *ctx, int64_t id, const char *created_at, const char *quarter,
                             const char *status, int published, const char *summary_json);
int store_list_runs(store *s, store_run_fn fn, void *ctx, mm_diag *diag);

/* A digest of the snapshot tables' contents, for tests that a failed
   import changed nothing (hex, 65 bytes). */
int store_snapshot_digest(store *s, char hex[65], mm_diag *diag);

#endif
