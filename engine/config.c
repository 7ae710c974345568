/*
 * config.c - default settings and civil-date arithmetic.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

const char *const feature_names[FEATURE_COUNT] = {
    "skill", "availability", "cross_department", "seniority", "timezone", "preference",
    "feedback",
};

void config_defaults(mm_config *c)
{
    memset(c, 0, sizeof *c);
    c->quarter.start = days_from_civil(2027, 1, 4);
    c->quarter.weeks = 12;
    c->mentoring.session_minutes = 60;
    c->mentoring.cadence_weeks = 2;
    c->mentoring.min_grade_gap = 1;
    c->mentoring.ideal_max_grade_gap = 3;
    c->mentoring.exclude_manager_levels = 2;
    c->mentoring.exclude_peers = false;
    c->mentoring.allow_same_department = true;
    c->mentoring.repeat_cooldown_quarters = 4;
    c->shadowing.enabled = true;
    c->shadowing.sessions_per_learner = 2;
    c->shadowing.session_minutes = 180;
    c->weights[FEATURE_SKILL] = 50;
    c->weights[FEATURE_AVAILABILITY] = 15;
    c->weights[FEATURE_CROSS_DEPARTMENT] = 15;
    c->weights[FEATURE_SENIORITY] = 10;
    c->weights[FEATURE_TIMEZONE] = 10;
    c->weights[FEATURE_PREFERENCE] = 0;
    c->weights[FEATURE_FEEDBACK] = 0;
    c->objective = OBJECTIVE_PARTICIPATION;
    memcpy(c->fairness.attributes[0], "department", sizeof "department");
    c->fairness.n_attributes = 1;
    c->fairness.min_impact_ratio = 0.8;
    c->fairness.min_group_size = 5;
    c->fairness.enforce = false;
    c->solver.time_limit_s = 300;
    c->solver.mip_gap = 0.0001;
    c->solver.max_candidates = 16;
    static const struct {
        const char *name;
        int32_t role, quarters, sessions;
    } badges[] = {{"First mentorship", 0, 1, 0},
                  {"Three quarters of mentoring", 0, 3, 0},
                  {"Ten shadowing sessions hosted", 1, 0, 10}};
    for (size_t i = 0; i < sizeof badges / sizeof badges[0]; i++) {
        snprintf(c->recognition.badges[i].name, CONFIG_MAX_NAME, "%s", badges[i].name);
        c->recognition.badges[i].role = badges[i].role;
        c->recognition.badges[i].quarters = badges[i].quarters;
        c->recognition.badges[i].sessions = badges[i].sessions;
    }
    c->recognition.n_badges = (int32_t)(sizeof badges / sizeof badges[0]);
    c->recognition.top = 3;
    c->threads = 0;
    c->seed = 1;
}

/* Howard Hinnant's days_from_civil. */
int32_t days_from_civil(int32_t y, int32_t m, int32_t d)
{
    y -= m <= 2;
    int32_t era = (y >= 0 ? y : y - 399) / 400;
    int32_t yoe = y - era * 400;
    int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int32_t z, int32_t *y, int32_t *m, int32_t *d)
{
    z += 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int32_t weekday_from_days(int32_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int32_t w = (days + 3) % 7;
    return w < 0 ? w + 7 : w;
}

int32_t quarter_of_days(int32_t days)
{
    int32_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    return y * 4 + (m - 1) / 3;
}
