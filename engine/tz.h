/*
 * tz.h - time zones (libical's built-in zone data) and the reference week.
 *
 * Times are minutes since 1970-01-01T00:00Z (int64_t) unless said otherwise.
 * libical is not thread-safe: every function here must be called outside
 * OpenMP parallel regions, except tz_week_* readers, which only read arrays.
 */
#ifndef MM_TZ_H
#define MM_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "model.h"

typedef struct tz_zone tz_zone;

/* The zone of an IANA name ("Europe/Berlin"); NULL when unknown. Zones are
   shared and never freed by the caller. "UTC" is accepted. */
const tz_zone *tz_get(const char *name);

/* UTC offset in minutes (east positive) of zone at the UTC instant utc_min. */
int32_t tz_offset_at(const tz_zone *z, int64_t utc_min);

/* The UTC instant of local date `days` (days since 1970-01-01) at `minute`
   after local midnight (0..1440). A local time skipped by a daylight-saving
   change maps to the instant just after the gap; an ambiguous one to the
   first occurrence. */
int64_t tz_local_to_utc(const tz_zone *z, int32_t days, int32_t minute);

/*
 * The reference week (SPEC section 5): the seven dates from the first Monday
 * on or after quarter.start. For every employee, the weekly windows become
 * sorted, merged UTC intervals [start, end) in minutes since 00:00 UTC of
 * the reference Monday (may be negative), and the UTC offset at 00:00 UTC of
 * quarter.start. An employee with an unknown zone gets no intervals.
 */
typedef struct tz_week tz_week;

int tz_week_build(const mm_model *m, const mm_config *cfg, tz_week **out);
void tz_week_free(tz_week *w);
/* Employee e's intervals: 2 * (*n) int32 values, start, end, start, end... */
const int32_t *tz_week_intervals(const tz_week *w, int32_t e, size_t *n);
int32_t tz_week_offset(const tz_week *w, int32_t e);
/* Days since 1970-01-01 of the reference Monday. */
int32_t tz_week_monday(const tz_week *w);
/* Minutes in the intersection of the interval sets of a and b. */
int32_t tz_week_overlap(const tz_week *w, int32_t a, int32_t b);

#endif
