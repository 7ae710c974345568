/*
 * config.h - the settings of one run (SPEC section 3), as plain values.
 *
 * io/config.c parses the JSON file into this struct; the engine only reads
 * it. config_defaults gives the spec's defaults for every key.
 */
#ifndef MM_CONFIG_H
#define MM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

/* Score features, in the order the report lists them. */
typedef enum feature {
    FEATURE_SKILL,
    FEATURE_AVAILABILITY,
    FEATURE_CROSS_DEPARTMENT,
    FEATURE_SENIORITY,
    FEATURE_TIMEZONE,
    FEATURE_PREFERENCE,
    FEATURE_FEEDBACK, /* the partner's mean feedback rating, scaled to [0, 1] */
    FEATURE_COUNT
} feature;

extern const char *const feature_names[FEATURE_COUNT];

typedef enum objective { OBJECTIVE_PARTICIPATION, OBJECTIVE_SCORE } objective;

#define CONFIG_MAX_HOLIDAYS 366
#define CONFIG_MAX_ATTRIBUTES 16
#define CONFIG_MAX_NAME 64
#define CONFIG_MAX_BADGES 16

/* A recognition badge: earned with at least `quarters` quarters, or at least
   `sessions` sessions, in a role, over the published runs. */
typedef struct config_badge {
    char name[CONFIG_MAX_NAME];
    int32_t role;     /* 0 mentor, 1 host, 2 learner */
    int32_t quarters; /* 0: no test */
    int32_t sessions; /* 0: no test */
} config_badge;

typedef struct mm_config {
    struct {
        int32_t start;  /* days since 1970-01-01 (a civil date) */
        int32_t weeks;  /* 1..53 */
        int32_t holidays[CONFIG_MAX_HOLIDAYS]; /* days since 1970-01-01, sorted */
        int32_t n_holidays;
    } quarter;
    struct {
        int32_t session_minutes;
        int32_t cadence_weeks;
        int32_t min_grade_gap;
        int32_t ideal_max_grade_gap;
        int32_t exclude_manager_levels;
        bool exclude_peers;
        bool allow_same_department;
        int32_t repeat_cooldown_quarters;
    } mentoring;
    struct {
        bool enabled;
        int32_t sessions_per_learner;
        int32_t session_minutes;
    } shadowing;
    double weights[FEATURE_COUNT]; /* >= 0, not all zero */
    objective objective;
    struct {
        char attributes[CONFIG_MAX_ATTRIBUTES][CONFIG_MAX_NAME]; /* lower case */
        int32_t n_attributes;
        double min_impact_ratio;
        int32_t min_group_size;
        bool enforce;
    } fairness;
    struct {
        double time_limit_s;
        double mip_gap;
        int32_t max_candidates; /* pairs kept per learner for the solve, 0 = all */
    } solver;
    struct {
        config_badge badges[CONFIG_MAX_BADGES];
        int32_t n_badges;
        int32_t top; /* top contributors listed per department */
    } recognition;
    int32_t threads; /* 0 = OpenMP's default */
    int64_t seed;
} mm_config;

/* Fills cfg with the defaults of SPEC section 3 (quarter.start 2027-01-04). */
void config_defaults(mm_config *cfg);

/* Civil date <-> days since 1970-01-01 (proleptic Gregorian). */
int32_t days_from_civil(int32_t y, int32_t m, int32_t d);
void civil_from_days(int32_t days, int32_t *y, int32_t *m, int32_t *d);
/* 0 = Monday .. 6 = Sunday. */
int32_t weekday_from_days(int32_t days);
/* The calendar quarter (year * 4 + q - 1) holding a date. */
int32_t quarter_of_days(int32_t days);

#endif
