/*
 * report.h - report.json (SPEC section 6) and the files derived from it.
 *
 * The files are written once from a match result, as they are produced,
 * into the store with the run and into the output folder; `report --run ID`
 * re-exports them byte for byte from the store alone. report.json keeps the
 * text cJSON_Print gave it (jsonw.h), schedule.ics libical's (ics.h).
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

/* Renders a tree as cJSON_Print does, with a newline at the end (malloc'd);
   NULL on OOM. */
char *report_render(const cJSON *report);

/*
 * The run's output files, in this order: report.json, unmatched.csv,
 * schedule.csv, schedule.ics, fairness.md and (with meta->recognition)
 * recognition.md, each written into sink as it is produced: no file is
 * held in memory whole. sched may be NULL (no sessions). Returns MM_OK,
 * MM_ENOMEM or the sink's code.
 */
int report_write_files(const match_result *r, const sched_result *sched, const report_meta *meta,
                       const file_sink *sink);

/* report_write_files into files (in memory). */
int report_make_files(const match_result *r, const sched_result *sched, const report_meta *meta,
                      file_set *files);

/* A CSV cell, quoted when needed and neutralised against formula injection
   (a cell starting with = + - @ or a tab gets a leading apostrophe). */
int report_csv_cell(char **buf, size_t *len, size_t *cap, const char *cell);

#endif
