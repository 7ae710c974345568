/*
 * report.h - report.json (SPEC section 6) and the files derived from it.
 *
 * The report is built from a match result once, stored with the run, and
 * every other output (unmatched.csv, ...) is rendered from the report's
 * JSON, so that `report --run ID` re-exports byte-identical files from the
 * store alone.
 */
#ifndef MM_REPORT_H
#define MM_REPORT_H

#include <cJSON.h>
#include <stdint.h>

#include "fileio.h"
#include "match.h"
#include "schedule.h"
#include "mentormatch.h"

#define REPORT_SCHEMA_VERSION "1.0"

enum { PHASE_IMPORT, PHASE_SCORE, PHASE_SOLVE, PHASE_SCHEDULE, PHASE_EXPORT, PHASE_COUNT };
extern const char *const report_phase_names[PHASE_COUNT];

typedef struct report_meta {
    int64_t run_id;
    const char *created_at; /* ISO 8601 UTC */
    const char *inputs_sha256;
    int threads;
    double timings_ms[PHASE_COUNT];
    const mm_diag *diag; /* its warnings go into the report */
    const cJSON *recognition; /* the participation record, or NULL */
} report_meta;

/* The whole report as a new cJSON tree (owned by the caller), NULL on OOM. */
cJSON *report_build(const match_result *r, const sched_result *sched, const report_meta *meta);

/* Renders a tree as text (malloc'd, ends with a newline); NULL on OOM. */
char *report_render(const cJSON *report);

/*
 * The run's output files, built once and stored with the run: report.json,
 * unmatched.csv, schedule.csv, schedule.ics (libical) and fairness.md.
 * sched may be NULL (no sessions). Returns MM_OK or MM_ENOMEM.
 */
int report_make_files(const match_result *r, const sched_result *sched, const report_meta *meta,
                      file_set *files);

/* A CSV cell, quoted when needed and neutralised against formula injection
   (a cell starting with = + - @ or a tab gets a leading apostrophe). */
int report_csv_cell(char **buf, size_t *len, size_t *cap, const char *cell);

#endif
