/*
 * schedule_dump.c - the schedule of a company, as plain CSV, for
 * schedule_property.sh to check independently (schedule_check.py).
 *
 *   schedule_dump DIR CONFIG
 *
 * Imports DIR, reads CONFIG over the defaults, matches (score, solve) and
 * schedules, then writes to stdout:
 *   pair,TRACK,LEARNER_ID,PARTNER_ID
 *   session,TRACK,LEARNER_ID,PARTNER_ID,SEQ,LEARNER_TZ,PARTNER_TZ,START_UTC,END_UTC
 *   unplaced,TRACK,LEARNER_ID,PARTNER_ID,SEQ,PERIOD,REASON
 *   planned,N
 * (times as YYYY-MM-DDTHH:MM:00Z) and the time of each phase to stderr.
 * Exits 0, or 1 with the diagnostics on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "import.h"
#include "match.h"
#include "mentormatch.h"
#include "model.h"
#include "schedule.h"
#include "settings.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put_time(int64_t min)
{
    int64_t days = min >= 0 ? min / 1440 : -((-min + 1439) / 1440);
    int64_t rest = min - days * 1440;
    int32_t y, mo, d;
    civil_from_days((int32_t)days, &y, &mo, &d);
    printf("%04d-%02d-%02dT%02d:%02d:00Z", (int)y, (int)mo, (int)d, (int)(rest / 60),
           (int)(rest % 60));
}

static void print_diag(const mm_diag *diag)
{
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        if (mm_diag_severity(diag, i) == MM_SEV_ERROR)
            fprintf(stderr, "schedule_dump: %s:%ld: %s\n",
                    mm_diag_file(diag, i) ? mm_diag_file(diag, i) : "-", mm_diag_line(diag, i),
                    mm_diag_message(diag, i));
}

int main(int argc, char **argv)
{
    int status = 1, rc = MM_OK;
    mm_model *m = NULL;
    match_result *r = NULL;
    sched_result s = {0};
    mm_config cfg;
    char sha[65];
    mm_diag *diag = mm_diag_new(50);
    if (argc != 3 || !diag) {
        fprintf(stderr, "usage: schedule_dump DIR CONFIG\n");
        goto done;
    }
    double t0 = now_s();
    config_defaults(&cfg);
    if ((rc = settings_load(argv[2], &cfg, diag)) != MM_OK)
        goto done;
    if ((rc = import_company(argv[1], NULL, &m, sha, diag)) != MM_OK)
        goto done;
    double t1 = now_s();
    if ((rc = match_new(m, &cfg, cfg.threads, &r, diag)) != MM_OK ||
        (rc = match_score(r, diag)) != MM_OK)
        goto done;
    double t_score = now_s();
    if ((rc = match_solve(r, diag)) != MM_OK)
        goto done;
    double t2 = now_s();
    if ((rc = schedule_build(r, &s)) != MM_OK)
        goto done;
    double t3 = now_s();

    for (int t = 0; t < TRACK_COUNT; t++)
        for (size_t i = 0; i < r->t[t].n_pairs; i++)
            printf("pair,%s,%s,%s\n", track_name(t), m->emps[r->t[t].pairs[i].learner].id,
                   m->emps[r->t[t].pairs[i].partner].id);
    for (size_t i = 0; i < s.n_sessions; i++) {
        const sched_session *x = &s.sessions[i];
        const model_employee *l = &m->emps[x->learner], *p = &m->emps[x->partner];
        printf("session,%s,%s,%s,%d,%s,%s,", track_name(x->track), l->id, p->id, (int)x->seq,
               l->timezone, p->timezone);
        put_time(x->start_min);
        putchar(',');
        put_time(x->end_min);
        putchar('\n');
    }
    for (size_t i = 0; i < s.n_unplaced; i++) {
        const sched_unplaced *x = &s.unplaced[i];
        printf("unplaced,%s,%s,%s,%d,%d,%s\n", track_name(x->track), m->emps[x->learner].id,
               m->emps[x->partner].id, (int)x->seq, (int)x->period, x->reason);
    }
    printf("planned,%zu\n", s.planned);
    fprintf(stderr,
            "schedule_dump: %zu employees, import %.2f s, score %.2f s, solve %.2f s, "
            "schedule %.3f s (%zu sessions, %zu unplaced)\n",
            m->n_emps, t1 - t0, t_score - t1, t2 - t_score, t3 - t2, s.n_sessions, s.n_unplaced);
    status = fflush(stdout) == 0 ? 0 : 1;
done:
    if (rc != MM_OK) {
        fprintf(stderr, "schedule_dump: %s\n", mm_code_message(rc));
        print_diag(diag);
    }
    sched_free(&s);
    match_free(r);
    mm_model_free(m);
    mm_diag_free(diag);
    return status;
}
