/*
 * diff.h - what changed between two runs (SPEC section 8, `diff`).
 */
#ifndef MM_DIFF_H
#define MM_DIFF_H

#include <cJSON.h>
#include <stdio.h>

/*
 * The differences between run a and run b, from their report.json trees:
 * {"run_a", "run_b", "same_inputs", "tracks": {"mentoring": {"matched_a",
 * "matched_b", "kept", "changed", "new", "dropped"}, "shadowing": {...}},
 * "fairness": {...side by side...}}. A learner is "kept" when their
 * partners are the same in both runs, "changed" when they differ, "new"
 * when matched only in b, "dropped" when matched only in a. A new tree
 * owned by the caller; NULL when out of memory.
 */
cJSON *diff_reports(const cJSON *a, const cJSON *b);

/* The same as text a person reads. */
void diff_print(FILE *f, const cJSON *diff);

#endif
