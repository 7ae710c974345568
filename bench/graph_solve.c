/*
 * graph_solve.c - mm-graph-solve, the benchmark harness for our own solver.
 *
 *   mm-graph-solve [--methods LIST] [--skip-glpk] [--threads N] FILE.graph
 *
 * Reads one dumped problem (bench/graph.h) and solves it with each method
 * of LIST (comma-separated, run in this order; default auto,network,glpk,greedy):
 *   auto    solve_track with SOLVE_AUTO (our network simplex, certified by GLPK)
 *   network the same with no_certify: our network simplex alone
 *   glpk    solve_track with SOLVE_GLPK (GLPK's simplex alone)
 *   greedy  best score first: pinned arcs, then arcs by score descending
 *           (ties: learner, then partner index), each taken when both sides
 *           have capacity left
 * and prints one JSON line per method (graph.h) with the seconds of the
 * solve alone (CLOCK_MONOTONIC; reading the file is not timed). Greedy's
 * line carries its gap to the optimum of the first exact method run:
 * learners, arcs and score lost, as counts and percentages of the optimum.
 * Exit status: 0, 64 usage, 65 unreadable graph, 70 a solver failed or a
 * solution is infeasible.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "mentormatch.h"
#include "solve.h"

enum { EXIT_USAGE = 64, EXIT_DATAERR = 65, EXIT_SOFTWARE = 70 };
enum { M_AUTO, M_NETWORK, M_GLPK, M_GREEDY, M_COUNT };
static const char *const method_name[M_COUNT] = {"auto", "network", "glpk", "greedy"};

/* The best exact result so far, for greedy's gap. */
typedef struct optimum {
    int known;
    graph_totals t;
} optimum;

static void usage(FILE *out)
{
    fputs("usage: mm-graph-solve [--methods auto,network,glpk,greedy] [--skip-glpk] "
          "[--threads N] "
          "FILE.graph\n", out);
}

/* Parses LIST into want[]; returns 0 or -1 on an unknown name. */
static int parse_methods(const char *list, int *want)
{
    for (int m = 0; m < M_COUNT; m++)
        want[m] = 0;
    const char *s = list;
    while (*s) {
        size_t len = strcspn(s, ",");
        int found = 0;
        for (int m = 0; m < M_COUNT; m++) {
            if (strlen(method_name[m]) == len && strncmp(s, method_name[m], len) == 0) {
                want[m] = 1;
                found = 1;
            }
        }
        if (!found)
            return -1;
        s += len;
        if (*s == ',')
            s++;
    }
    return 0;
}

/* Percentage of lost in whole, 0 when whole is 0. */
static double pct(int64_t lost, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)lost / (double)whole : 0.0;
}

/*
 * Greedy: pins first (in arc order), then every other arc by score
 * descending. A counting sort over the scores keeps arcs of equal score in
 * arc order, which is learner then partner. Returns 0, or -1 when a pin
 * finds no capacity left (the pins alone are infeasible) or out of memory.
 */
static int greedy(const graph *g, uint8_t *chosen)
{
    int rc = -1;
    size_t n_emps = g->n_emps ? (size_t)g->n_emps : 1;
    int32_t *lleft = malloc(n_emps * sizeof *lleft);
    int32_t *pleft = malloc(n_emps * sizeof *pleft);
    size_t *start = calloc(GRAPH_MAX_SCORE + 2, sizeof *start);
    size_t *order = malloc((g->n_arcs ? g->n_arcs : 1) * sizeof *order);
    if (!lleft || !pleft || !start || !order)
        goto done;
    memcpy(lleft, g->learner_cap, (size_t)g->n_emps * sizeof *lleft);
    memcpy(pleft, g->partner_cap, (size_t)g->n_emps * sizeof *pleft);
    memset(chosen, 0, g->n_arcs);

    for (size_t a = 0; a < g->n_arcs; a++) {
        const graph_arc *e = &g->arcs[a];
        if (!e->pinned)
            continue;
        if (lleft[e->learner] == 0 || pleft[e->partner] == 0)
            goto done;
        lleft[e->learner]--;
        pleft[e->partner]--;
        chosen[a] = 1;
    }
    /* bucket b holds score GRAPH_MAX_SCORE - b, so buckets run best first */
    for (size_t a = 0; a < g->n_arcs; a++)
        start[GRAPH_MAX_SCORE - g->arcs[a].score + 1]++;
    for (int b = 0; b <= GRAPH_MAX_SCORE; b++)
        start[b + 1] += start[b];
    for (size_t a = 0; a < g->n_arcs; a++)
        order[start[GRAPH_MAX_SCORE - g->arcs[a].score]++] = a;
    for (size_t k = 0; k < g->n_arcs; k++) {
        size_t a = order[k];
        const graph_arc *e = &g->arcs[a];
        if (chosen[a] || lleft[e->learner] == 0 || pleft[e->partner] == 0)
            continue;
        lleft[e->learner]--;
        pleft[e->partner]--;
        chosen[a] = 1;
    }
    rc = 0;
done:
    free(lleft);
    free(pleft);
    free(start);
    free(order);
    return rc;
}

/* Runs greedy on g and prints its line. Returns 0 or EXIT_SOFTWARE. */
static int run_greedy(const char *path, const graph *g, const optimum *opt)
{
    uint8_t *chosen = malloc(g->n_arcs ? g->n_arcs : 1);
    if (!chosen) {
        fprintf(stderr, "mm-graph-solve: out of memory\n");
        return EXIT_SOFTWARE;
    }
    double t0 = graph_now();
    int ok = greedy(g, chosen) == 0;
    double seconds = graph_now() - t0;
    graph_totals t;
    graph_eval(g, chosen, &t);
    graph_json_begin(stdout, path, g, "greedy", ok ? "feasible" : "infeasible");
    graph_json_totals(stdout, &t);
    printf(",\"seconds\":%.6f", seconds);
    if (ok && opt->known) {
        int64_t ll = opt->t.learners - t.learners;
        int64_t al = opt->t.arcs - t.arcs;
        int64_t sl = opt->t.score - t.score;
        printf(",\"gap\":{\"learners_lost\":%lld,\"learners_lost_pct\":%.4f,"
               "\"arcs_lost\":%lld,\"arcs_lost_pct\":%.4f,"
               "\"score_lost\":%lld,\"score_lost_pct\":%.4f}",
               (long long)ll, pct(ll, opt->t.learners), (long long)al, pct(al, opt->t.arcs),
               (long long)sl, pct(sl, opt->t.score));
    }
    graph_json_end(stdout);
    free(chosen);
    return ok && t.violations == 0 ? 0 : EXIT_SOFTWARE;
}

/*
 * Runs solve_track on g with method m (M_AUTO, M_NETWORK or M_GLPK), prints its line
 * and records its totals in opt when none are known yet. Returns 0 or
 * EXIT_SOFTWARE.
 */
static int run_exact(const char *path, const graph *g, int m, optimum *opt)
{
    int rc = EXIT_SOFTWARE;
    candidate *cand = malloc((g->n_arcs ? g->n_arcs : 1) * sizeof *cand);
    uint8_t *pinned = malloc(g->n_arcs ? g->n_arcs : 1);
    mm_diag *diag = mm_diag_new(20);
    solve_result r;
    memset(&r, 0, sizeof r);
    if (!cand || !pinned || !diag) {
        fprintf(stderr, "mm-graph-solve: out of memory\n");
        goto done;
    }
    for (size_t a = 0; a < g->n_arcs; a++) {
        cand[a].learner = g->arcs[a].learner;
        cand[a].partner = g->arcs[a].partner;
        cand[a].score = g->arcs[a].score;
        cand[a].overlap = 0;
        pinned[a] = (uint8_t)g->arcs[a].pinned;
    }
    solve_problem p;
    memset(&p, 0, sizeof p);
    p.track = strcmp(g->track, "mentoring") == 0 ? TRACK_MENTORING : TRACK_SHADOWING;
    p.objective = strcmp(g->objective, "score") == 0 ? OBJECTIVE_SCORE : OBJECTIVE_PARTICIPATION;
    p.n_emps = (size_t)g->n_emps;
    p.arcs = cand;
    p.n_arcs = g->n_arcs;
    p.pinned = pinned;
    p.learner_cap = g->learner_cap;
    p.partner_cap = g->partner_cap;
    p.mip_gap = 0.0001;
    p.method = m == M_GLPK ? SOLVE_GLPK : SOLVE_AUTO;
    p.no_certify = m == M_NETWORK;
    /* every solver solves the graph as given, LEMON too: the bounds of the
       pairs pruned away belong to the whole run (report.json), not here */
    p.pruned_bound = NULL;

    double t0 = graph_now();
    int src = solve_track(&p, &r, diag);
    double seconds = graph_now() - t0;

    graph_totals t;
    memset(&t, 0, sizeof t);
    t.violations = -1; /* no solution: not valid */
    if (src == MM_OK && r.chosen)
        graph_eval(g, r.chosen, &t);
    /* uncertified: the duals do not rule out some pruned pairs; no solution is filled */
    const char *status = src != MM_OK ? "error" : r.n_uncertified > 0 ? "uncertified" : r.status;
    graph_json_begin(stdout, path, g, method_name[m], status);
    graph_json_totals(stdout, &t);
    printf(",\"seconds\":%.6f", seconds);
    graph_json_string(stdout, "solver_method", r.method);
    printf(",\"bound\":%.1f,\"gap_reported\":%g,\"pivots\":%llu,\"uncertified\":%zu", r.bound,
           r.gap, (unsigned long long)r.pivots, r.n_uncertified);
    if (src != MM_OK) {
        char msg[512] = "";
        if (mm_diag_size(diag) > 0)
            snprintf(msg, sizeof msg, "%s", mm_diag_message(diag, 0));
        graph_json_string(stdout, "error", msg);
    }
    graph_json_end(stdout);

    if (src == MM_OK && r.n_uncertified > 0) {
        fprintf(stderr, "mm-graph-solve: %s: %s: %zu learners' pruned pairs not ruled out\n",
                path, method_name[m], r.n_uncertified);
        goto done;
    }
    if (src != MM_OK || t.violations != 0 || t.learners != r.learners ||
        t.arcs != r.sessions || t.score != r.total_score) {
        fprintf(stderr, "mm-graph-solve: %s: %s: %s\n", path, method_name[m],
                src != MM_OK ? "solver failed" : "solution infeasible or miscounted");
        goto done;
    }
    if (!opt->known && strcmp(r.status, "optimal") == 0) {
        opt->known = 1;
        opt->t = t;
    }
    rc = 0;
done:
    solve_result_free(&r);
    mm_diag_free(diag);
    free(cand);
    free(pinned);
    return rc;
}

int main(int argc, char **argv)
{
    int want[M_COUNT] = {1, 1, 1, 1};
    const char *path = NULL;
    long threads = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--methods") == 0 && i + 1 < argc) {
            if (parse_methods(argv[++i], want) != 0) {
                fprintf(stderr, "mm-graph-solve: --methods: expected auto, network, glpk, greedy\n");
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--skip-glpk") == 0) {
            want[M_GLPK] = 0;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            char *end;
            threads = strtol(argv[++i], &end, 10);
            if (*end != '\0' || threads < 1 || threads > 1024) {
                fprintf(stderr, "mm-graph-solve: --threads: expected 1..1024\n");
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!path) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (threads > 0)
        omp_set_num_threads((int)threads);

    graph g;
    char err[512];
    if (graph_read(path, &g, err, sizeof err) != 0) {
        fprintf(stderr, "mm-graph-solve: %s\n", err);
        graph_free(&g);
        return EXIT_DATAERR;
    }
    int rc = 0;
    optimum opt = {0};
    for (int m = 0; m < M_COUNT; m++) {
        if (!want[m])
            continue;
        int mrc = m == M_GREEDY ? run_greedy(path, &g, &opt) : run_exact(path, &g, m, &opt);
        if (mrc != 0)
            rc = mrc;
    }
    graph_free(&g);
    return rc;
}
