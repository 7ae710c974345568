/*
 * graph.h - the solver's problem as dumped by `MM_DUMP_GRAPHS=DIR mentormatch
 * run`, read back for the benchmark harnesses (mm-graph-solve, C, and
 * mm-lemon-solve, C++), and the one way both check a solution and print it.
 *
 * File format (text, one record a line, fields separated by one space):
 *   mmgraph 1 <track> <objective> <n_emps> <n_arcs>
 *   n_emps lines:  <learner_cap> <partner_cap> <pruned_bound>
 *   n_arcs lines:  <learner> <partner> <score> <pinned>
 * track is mentoring or shadowing, objective participation or score;
 * learner_cap 0 means not a learner on this track; pruned_bound is the best
 * score among a learner's pruned pairs, -1 when none; arcs are employee
 * indices, score 0..1000, pinned 0 or 1, sorted by learner then partner,
 * no pair twice, every arc from a learner (learner_cap > 0).
 *
 * Not part of the engine: nothing under engine/ or io/ includes this.
 */
#ifndef MM_BENCH_GRAPH_H
#define MM_BENCH_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GRAPH_MAX_EMPS 100000000L   /* 1e8 employees */
#define GRAPH_MAX_ARCS 2000000000L  /* fits int32 arc ids in LEMON */
#define GRAPH_MAX_CAP 1000000L
#define GRAPH_MAX_SCORE 1000

typedef struct graph_arc {
    int32_t learner; /* employee index */
    int32_t partner; /* employee index */
    int32_t score;   /* 0..GRAPH_MAX_SCORE */
    int32_t pinned;  /* 0 or 1 */
} graph_arc;

typedef struct graph {
    char track[16];     /* "mentoring" or "shadowing" */
    char objective[16]; /* "participation" or "score" */
    int32_t n_emps;
    size_t n_arcs;
    int32_t *learner_cap;  /* n_emps entries */
    int32_t *partner_cap;  /* n_emps entries */
    int32_t *pruned_bound; /* n_emps entries, -1 = nothing pruned */
    graph_arc *arcs;       /* n_arcs entries, sorted by learner then partner */
} graph;

/* What a solution achieves, and whether it is feasible. */
typedef struct graph_totals {
    int64_t learners;   /* learners with at least one chosen arc */
    int64_t arcs;       /* chosen arcs */
    int64_t score;      /* sum of the chosen arcs' scores */
    int64_t violations; /* capacities exceeded plus pins not chosen; -1: no solution */
} graph_totals;

/*
 * Reads path into g (zeroed first). Returns 0, or -1 with a message
 * "PATH:LINE: what" in err (err_size bytes) on an I/O error, a malformed
 * or out-of-range field, unsorted or repeated arcs, or out of memory;
 * g is then empty. The caller frees g with graph_free in every case.
 */
int graph_read(const char *path, graph *g, char *err, size_t err_size);
void graph_free(graph *g);

/* Counts what chosen (n_arcs flags, 1 = in the solution) achieves on g. */
void graph_eval(const graph *g, const uint8_t *chosen, graph_totals *t);

/*
 * One JSON object per line, the same keys from every harness:
 *   graph_json_begin   {"graph":PATH,"track":..,"objective":..,"n_emps":..,
 *                      "n_arcs":..,"pinned":..,"method":METHOD,"status":STATUS
 *   graph_json_totals  ,"valid":..,"learners":..,"arcs":..,"score":..
 *   the caller's own fields (",\"seconds\":..."), then graph_json_end "}\n"
 * and a flush, so that a harness killed by a timeout keeps its earlier lines.
 */
void graph_json_begin(FILE *out, const char *path, const graph *g, const char *method,
                      const char *status);
void graph_json_totals(FILE *out, const graph_totals *t);
void graph_json_string(FILE *out, const char *key, const char *value);
void graph_json_end(FILE *out);

/* Monotonic clock in seconds (CLOCK_MONOTONIC). */
double graph_now(void);

#ifdef __cplusplus
}
#endif

#endif
