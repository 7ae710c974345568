/*
 * settings.h - the configuration file (SPEC section 3) to and from JSON.
 */
#ifndef MM_SETTINGS_H
#define MM_SETTINGS_H

#include <cJSON.h>

#include "config.h"
#include "mentormatch.h"

/*
 * Reads the JSON configuration at path over the defaults in *cfg. Unknown
 * keys, values of the wrong type and values out of range are MM_ECONFIG
 * errors named with their JSON path ("$.mentoring.session_minutes"); a
 * missing file is MM_ENOINPUT. Every error is reported, not only the first.
 */
int settings_load(const char *path, mm_config *cfg, mm_diag *diag);
/* The same from text already in memory; name is used in messages. */
int settings_parse(const char *text, size_t len, const char *name, mm_config *cfg,
                   mm_diag *diag);

/* The effective configuration, every key present, as a new cJSON object
   (owned by the caller); NULL when out of memory. */
cJSON *settings_to_json(const mm_config *cfg);

#endif
