/*
 * score.h - eligibility (SPEC section 4, hard rules) and the integer score.
 *
 * score_track builds, for one track, every eligible (learner, partner) pair
 * with its score, and for every learner the first rule, in the spec's order,
 * that leaves them without an eligible partner. Scoring runs in parallel
 * over fixed blocks of learners (OpenMP); the result is the same for any
 * thread count. Pure computation: no I/O.
 */
#ifndef MM_SCORE_H
#define MM_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "model.h"
#include "tz.h"

/* Why a learner has no partner on a track, in the order the rules are tried. */
typedef enum reason {
    REASON_NO_GOAL_FOR_TRACK,
    REASON_NO_PARTNER_COVERS_GOAL,
    REASON_GRADE_GAP,
    REASON_EXCLUDED,
    REASON_REPEAT_COOLDOWN,
    REASON_NO_AVAILABILITY_OVERLAP,
    REASON_ELIGIBLE, /* eligible partners exist */
    REASON_CAPACITY, /* eligible partners exist, the optimum gives them to others */
    REASON_COUNT
} reason;

extern const char *const reason_names[REASON_COUNT];

/* One eligible pair. Features are recomputed on demand (score_features). */
typedef struct candidate {
    int32_t learner; /* employee index */
    int32_t partner; /* employee index */
    int32_t score;   /* 0..1000 */
    int32_t overlap; /* weekly overlap in minutes on the reference week */
} candidate;

/* A pair left out (cand_set.rest), half a candidate's size: its learner
   is the one whose slice holds it. */
typedef struct rest_pair {
    int32_t partner;  /* employee index */
    int16_t score;    /* 0..1000 */
    uint16_t overlap; /* minutes a week (at most 169 hours) */
} rest_pair;

typedef struct cand_set {
    int32_t track;     /* TRACK_MENTORING or TRACK_SHADOWING */
    candidate *c;      /* sorted by learner, then partner */
    size_t n;
    size_t *first;     /* n_emps + 1 offsets: learner i's pairs are c[first[i] .. first[i+1]) */
    int8_t *reason;    /* per employee: -1 when not a learner on this track, else the
                          first emptying rule, or REASON_ELIGIBLE */
    uint32_t *eligible; /* per employee: eligible pairs as learner, kept or not */
    int32_t *bound;    /* per employee: the best score among pairs not kept, -1 when none */
    size_t n_eligible; /* sum of eligible */
    size_t n_emps;
    /* score_track_rest only: each learner's eligible pairs not kept, in
       partner order: rest[rest_first[i] .. rest_first[i+1]); else NULL */
    rest_pair *rest;
    size_t *rest_first;
    size_t n_rest;
} cand_set;

/*
 * Builds the eligible pairs of one track. A learner is on the track when they
 * have the learner role and a goal on the track (or "any"); a learner with no
 * goal at all is listed with REASON_NO_GOAL_FOR_TRACK. threads <= 0 means
 * OpenMP's default. Returns MM_OK or MM_ENOMEM; out is owned by the caller
 * (cand_set_free).
 */
int score_track(const mm_model *m, const mm_config *cfg, const tz_week *week, int32_t track,
                int threads, cand_set *out);

/*
 * The same, keeping each learner's keep best pairs (score, then partner
 * id) and its pinned ones, with the best score left out in out->bound;
 * keep = 0 keeps all. Memory is bounded by the pairs kept.
 */
int score_track_kept(const mm_model *m, const mm_config *cfg, const tz_week *week,
                     int32_t track, int threads, int32_t keep, cand_set *out);

/* The same, with the pairs not kept in out->rest as well (for pricing,
   where many learners will ask for them: scored once). Memory is then
   bounded by the eligible pairs, 8 bytes each beyond the kept ones. */
int score_track_rest(const mm_model *m, const mm_config *cfg, const tz_week *week,
                     int32_t track, int threads, int32_t keep, cand_set *out);

/* Every eligible pair of the learners listed (distinct, in increasing
   order), and only theirs, into out (over every employee: the others have
   none). MM_OK or MM_ENOMEM. */
int score_learners(const mm_model *m, const mm_config *cfg, const tz_week *week,
                   int32_t track, const int32_t *learners, size_t n_learners, int threads,
                   cand_set *out);

/* Gives the learners listed (on set's track) all their eligible pairs
   back, in place. MM_OK or MM_ENOMEM (set unchanged). */
int score_widen(const mm_model *m, const mm_config *cfg, const tz_week *week, cand_set *set,
                const int32_t *learners, size_t n_learners, int threads);
void cand_set_free(cand_set *s);

/*
 * The first hard rule the pair (learner, partner) breaks on a track, or
 * REASON_ELIGIBLE. Used to check pins and to explain.
 */
reason score_check_pair(const mm_model *m, const mm_config *cfg, const tz_week *week,
                        int32_t track, int32_t learner, int32_t partner);

/* The six features of a pair (each in [0, 1]) and its score 0..1000. */
int32_t score_features(const mm_model *m, const mm_config *cfg, const tz_week *week,
                       int32_t track, int32_t learner, int32_t partner,
                       double features[FEATURE_COUNT]);

/* round(1000 * sum(w f) / sum(w)), half away from zero. */
int32_t score_combine(const double weights[FEATURE_COUNT], const double f[FEATURE_COUNT]);

/* One learner's eligible pairs on demand (all of them, in partner order),
   scored alone (bench/score_bench.c measures this rate). Not thread-safe. */
typedef struct score_pricer score_pricer;
int score_pricer_new(const mm_model *m, const mm_config *cfg, const tz_week *week,
                     int32_t track, score_pricer **out);
/* The pairs stay valid until the next call. MM_OK, MM_ENOMEM, MM_EINTERNAL. */
int score_pricer_pairs(score_pricer *sp, int32_t learner, const candidate **pairs, size_t *n);
void score_pricer_free(score_pricer *sp);

/* Merges pairs (sorted by learner, partner; none already in set) into set. */
int score_add_pairs(cand_set *set, const candidate *more, size_t n_more);

#endif
