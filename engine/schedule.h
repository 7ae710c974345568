/*
 * schedule.h - placing every session in a calendar both people can attend
 * (SPEC section 5).
 *
 * Mentoring pairs meet once in every cadence_weeks period from the quarter's
 * start, for `weeks` weeks; shadowing pairs meet once, the sessions spread
 * over the quarter. Every session lies inside both people's availability on
 * its actual local dates (daylight saving as on that date), on no holiday of
 * either participant's local calendar, starts on the 15-minute UTC grid and
 * never overlaps another session of either person (across both tracks).
 * A pair keeps one weekday and local time when it can. Placement is greedy
 * in a fixed order (mentoring before shadowing, then learner id, partner id),
 * so the result is deterministic. Pure computation: no I/O.
 */
#ifndef MM_SCHEDULE_H
#define MM_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"

typedef struct sched_session {
    int32_t track;
    int32_t learner, partner;
    int32_t seq;       /* 1-based number of the session within its pair */
    int64_t start_min; /* UTC minutes since 1970-01-01 */
    int64_t end_min;
} sched_session;

typedef struct sched_unplaced {
    int32_t track;
    int32_t learner, partner;
    int32_t seq;        /* the session that could not be placed */
    int32_t period;     /* 0-based cadence period (mentoring) or 0 */
    /* "no_common_availability": no slot fits the period (holidays and
       bookings aside); "holiday": slots fit only on holidays;
       "double_booked": slots fit off holidays but all are booked. A
       static string. */
    const char *reason;
} sched_unplaced;

typedef struct sched_result {
    sched_session *sessions; /* by start, then track, learner, partner */
    size_t n_sessions;
    sched_unplaced *unplaced; /* in placement order */
    size_t n_unplaced;
    size_t planned; /* sessions that were to be placed */
} sched_result;

/* Places the sessions of r's pairs (r after match_solve). Returns MM_OK or
   MM_ENOMEM; out is reset first and freed with sched_free. */
int schedule_build(const match_result *r, sched_result *out);

/*
 * The same in two steps, for a caller that places mentoring's sessions as
 * soon as its pairs are final (match_solve_then): sched_begin resets out
 * and places them (it reads r's mentoring pairs only); sched_finish places
 * shadowing's and orders the sessions, and frees work in every case;
 * sched_abandon frees a work that will not be finished. On failure out is
 * freed (and *work is NULL after sched_begin).
 */
typedef struct sched_work sched_work;
int sched_begin(const match_result *r, sched_result *out, sched_work **work);
int sched_finish(sched_work *work);
void sched_abandon(sched_work *work);
void sched_free(sched_result *s);

#endif
