/*
 * graphdump.c - the solver's problems as text (see graphdump.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "graphdump.h"

static int dump_track(const char *dir, const match_track *mt)
{
    const solve_problem *p = &mt->prob;
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s.graph", dir, track_name(mt->track));
    if (n < 0 || (size_t)n >= sizeof path)
        return MM_ECANTCREAT;
    FILE *f = fopen(path, "w");
    if (!f)
        return MM_ECANTCREAT;
    fprintf(f, "mmgraph 1 %s %s %zu %zu\n", track_name(mt->track),
            p->objective == OBJECTIVE_SCORE ? "score" : "participation", p->n_emps, p->n_arcs);
    for (size_t e = 0; e < p->n_emps; e++)
        fprintf(f, "%d %d %d\n", (int)p->learner_cap[e], (int)p->partner_cap[e],
                p->pruned_bound ? (int)p->pruned_bound[e] : -1);
    for (size_t a = 0; a < p->n_arcs; a++)
        fprintf(f, "%d %d %d %d\n", (int)p->arcs[a].learner, (int)p->arcs[a].partner,
                (int)p->arcs[a].score, p->pinned && p->pinned[a] ? 1 : 0);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? MM_EIO : MM_OK;
}

int graph_dump(const char *dir, const match_result *r)
{
    int rc = fileio_mkdirs(dir);
    for (int t = 0; t < TRACK_COUNT && rc == MM_OK; t++)
        if (r->t[t].enabled)
            rc = dump_track(dir, &r->t[t]);
    return rc;
}
