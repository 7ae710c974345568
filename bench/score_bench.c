/*
 * score_bench.c - times the scoring phase alone on a stored company.
 *
 *   score_bench DB CONFIG THREADS [REPEATS [PRICED]]
 *
 * Loads the model from the store (as `mentormatch match` does), then per
 * repeat: the reference week (tz_week_build) and score_track_rest of each
 * enabled track with solver.max_candidates, as match_score does; then
 * PRICED learners (default 2000, spread evenly) through score_pricer_pairs.
 * Prints the times in ms and an FNV-1a digest of every output array, which
 * must not depend on THREADS. "busy" is each OpenMP thread's CPU time over
 * the scoring (run with OMP_WAIT_POLICY=passive so that waiting is not
 * counted): thread 0 also runs the serial parts, so on a machine shared
 * with other work the largest of them is about what the wall time would be
 * on idle cores.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mentormatch.h"
#include "config.h"
#include "model.h"
#include "score.h"
#include "settings.h"
#include "store.h"
#include "tz.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#define MAX_THREADS 64

/* Each thread of a team of n: its CPU time so far, ms (libgomp keeps the
   same threads for teams of one size). */
static void thread_cpu_ms(int n, double *ms)
{
#pragma omp parallel num_threads(n)
    {
        int t = omp_get_thread_num();
        struct timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        if (t < MAX_THREADS)
            ms[t] = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
    }
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t digest(const cand_set *s)
{
    uint64_t h = 1469598103934665603ULL;
    h = fnv(h, s->c, s->n * sizeof *s->c);
    h = fnv(h, s->first, (s->n_emps + 1) * sizeof *s->first);
    h = fnv(h, s->reason, s->n_emps);
    h = fnv(h, s->eligible, s->n_emps * sizeof *s->eligible);
    h = fnv(h, s->bound, s->n_emps * sizeof *s->bound);
    h = fnv(h, &s->n_eligible, sizeof s->n_eligible);
    return h;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s DB CONFIG THREADS [REPEATS [PRICED]]\n", argv[0]);
        return 2;
    }
    int threads = (int)strtol(argv[3], NULL, 10);
    int repeats = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 3;
    long priced = argc > 5 ? strtol(argv[5], NULL, 10) : 2000;
    mm_diag *diag = mm_diag_new(100);
    mm_config cfg;
    config_defaults(&cfg);
    store *st = NULL;
    mm_model *m = NULL;
    char sha[65];
    if (!diag || settings_load(argv[2], &cfg, diag) != MM_OK ||
        store_open(argv[1], 1, &st, diag) != MM_OK ||
        store_load_model(st, &m, sha, diag) != MM_OK) {
        fprintf(stderr, "cannot load %s with %s\n", argv[1], argv[2]);
        return 1;
    }
    store_close(st);
    int32_t keep = cfg.fairness.enforce ? 0 : cfg.solver.max_candidates;
    for (int r = 0; r < repeats; r++) {
        int team = threads > 0 ? threads : omp_get_max_threads();
        team = team < MAX_THREADS ? team : MAX_THREADS;
        double busy0[MAX_THREADS] = {0}, busy1[MAX_THREADS] = {0};
        thread_cpu_ms(team, busy0);
        double t0 = now_ms(), c0 = cpu_ms();
        tz_week *w = NULL;
        if (tz_week_build(m, &cfg, &w) != MM_OK)
            return 1;
        double t1 = now_ms();
        printf("threads %d week %.1f", threads, t1 - t0);
        double total = t1 - t0;
        uint64_t h = 0;
        size_t pairs = 0;
        cand_set cs[TRACK_COUNT];
        memset(cs, 0, sizeof cs);
        for (int t = 0; t < TRACK_COUNT; t++) {
            if (t != TRACK_MENTORING && !cfg.shadowing.enabled)
                continue;
            double a = now_ms();
            if ((keep > 0 ? score_track_rest : score_track_kept)(m, &cfg, w, t, threads, keep,
                                                                 &cs[t]) != MM_OK)
                return 1;
            double b = now_ms();
            printf(" track%d %.1f", t, b - a);
            total += b - a;
        }
        double c1 = cpu_ms();
        thread_cpu_ms(team, busy1);
        /* the digests after the clocks stop */
        for (int t = 0; t < TRACK_COUNT; t++) {
            if (!cs[t].first)
                continue;
            h ^= digest(&cs[t]) * (uint64_t)(t + 1);
            pairs += cs[t].n_eligible;
            cand_set_free(&cs[t]);
        }
        double p0 = now_ms();
        uint64_t hp = 1469598103934665603ULL;
        score_pricer *sp = NULL;
        if (priced > 0 && score_pricer_new(m, &cfg, w, TRACK_MENTORING, &sp) == MM_OK) {
            size_t n_emps = m->n_emps;
            for (long k = 0; k < priced; k++) {
                int32_t l = (int32_t)((size_t)k * n_emps / (size_t)priced);
                const candidate *c;
                size_t n;
                if (score_pricer_pairs(sp, l, &c, &n) != MM_OK)
                    return 1;
                hp = fnv(hp, c, n * sizeof *c);
            }
            score_pricer_free(sp);
        }
        double p1 = now_ms();
        printf(" score %.1f cpu %.1f eligible %zu digest %016llx priced %.1f pdigest %016llx\n",
               total, c1 - c0, pairs, (unsigned long long)h, p1 - p0, (unsigned long long)hp);
        printf("  busy");
        for (int t = 0; t < team; t++)
            printf(" %.1f", busy1[t] - busy0[t]);
        printf("\n");
        tz_week_free(w);
    }
    mm_model_free(m);
    mm_diag_free(diag);
    return 0;
}
