/*
 * graphdump.h - the solver's problem of each track as a text file, for the
 * benchmarks (bench/graph_solve.c, bench/lemon_solve.cc): set
 * MM_DUMP_GRAPHS=DIR and `run` or `match` writes DIR/<track>.graph.
 *
 * Format: a line "mmgraph 1 <track> <objective> <n_emps> <n_arcs>"; then a
 * line per employee "<learner_cap> <partner_cap> <pruned_bound>"; then a
 * line per arc "<learner> <partner> <score> <pinned>", sorted by learner
 * and partner. It is the last problem the track was solved on (pruned
 * pairs priced back in included).
 */
#ifndef MM_GRAPHDUMP_H
#define MM_GRAPHDUMP_H

#include "match.h"

/* Writes the graphs into dir (created when missing). MM_OK, MM_ECANTCREAT or MM_EIO. */
int graph_dump(const char *dir, const match_result *r);

#endif
