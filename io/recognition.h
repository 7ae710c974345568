/*
 * recognition.h - the participation record, badges and top contributors of
 * the published runs (SPEC sections 7 and 8, `recognition`).
 */
#ifndef MM_RECOGNITION_H
#define MM_RECOGNITION_H

#include <cJSON.h>
#include <stddef.h>

#include "config.h"
#include "mentormatch.h"
#include "store.h"

/*
 * The record of the published runs of quarters up to `until` ("2027Q2"; ""
 * or NULL: all): {"until_quarter", "people": [{"employee_id", "department",
 * "mentor"|"host"|"learner": {"quarters", "sessions"}, "completion_rate",
 * "badges": [...]}], "top_contributors": [{"department", "employees":
 * [{"employee_id", "sessions"}]}]}, people by id. A new tree owned by the
 * caller; NULL with *rc set on failure.
 */
cJSON *recognition_build(store *s, const mm_config *cfg, const char *until, mm_diag *diag,
                         int *rc);

/* The record as recognition.md (malloc'd text), NULL when out of memory. */
char *recognition_markdown(const cJSON *rec, const mm_config *cfg, size_t *len);

#endif
