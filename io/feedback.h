/*
 * feedback.h - importing feedback.csv for a published run (SPEC section 8).
 */
#ifndef MM_FEEDBACK_H
#define MM_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "mentormatch.h"
#include "store.h"

/*
 * Reads feedback.csv at path (learner_id, partner_id, track,
 * sessions_attended 0..1000, rating 1..5; every row a pair of the run, each
 * pair at most once) and replaces the run's feedback with it, all or
 * nothing. The run must be published (MM_EDATA otherwise). Errors go to
 * diag as feedback.csv:LINE:COLUMN; *n_rows is the number of rows stored.
 */
int feedback_import(store *s, int64_t run_id, const char *path, size_t *n_rows, mm_diag *diag);

#endif
