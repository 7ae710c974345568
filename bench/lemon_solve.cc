/*
 * lemon_solve.cc - mm-lemon-solve, the yardstick: LEMON's NetworkSimplex on
 * the same dumped problem (bench/graph.h). Benchmark only; no part of the
 * engine links LEMON.
 *
 *   mm-lemon-solve FILE.graph
 *
 * The lexicographic problem is one min-cost flow with integer weights.
 * Nodes: S, T, one per learner with arcs, one per partner with arcs. Arcs:
 * S->l (cap 1, the learner's first unit, cost -WL), S->l (cap learner_cap
 * - 1, cost 0), l->p per pair (cap 1, lower bound 1 when pinned, cost
 * -(WA + WS * score)), p->T (cap partner_cap, cost 0), and a bypass S->T
 * (cost 0) for the units not placed; S supplies every learner unit, T takes
 * them. (The same problem as one circulation through a single hub node is
 * 4 to 20 times slower in NetworkSimplex on 650k-arc graphs: the supply
 * gives the initial basis the flow to push.) Maximising WL * learners +
 * WA * arcs + WS * score is the lexicographic optimum when no simple
 * residual cycle can trade a unit of a higher criterion for lower ones.
 * Merging S and T into one node G, a simple cycle passes S and T at most
 * once each, so it changes learners and arcs by at most 1 each, and score
 * by at most 1000 per pair arc it uses, at most 2 * min(learners, partners)
 * + 2 of them (D below is 1000 times that). Hence:
 *   participation (learners, arcs, score): WS = 1, WA = D + 1, WL = WA + D + 1
 *   score (score, learners, arcs):         WA = 1, WL = 2, WS = 4
 * Costs are 64-bit; the run is refused (exit 70) unless every potential
 * stays far inside the range (max |cost| * nodes < 2^61; LEMON's artificial
 * cost is 2^62), which holds at a million employees by six orders of
 * magnitude.
 *
 * Prints the JSON line of graph.h with "seconds" = NetworkSimplex::run()
 * alone. Exit status: 0, 64 usage, 65 unreadable graph, 70 infeasible pins,
 * a weight out of range or an inconsistent solution.
 */
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "graph.h"

namespace {

enum { EXIT_USAGE = 64, EXIT_DATAERR = 65, EXIT_SOFTWARE = 70 };

typedef lemon::SmartDigraph Digraph;
typedef long long Cost;
typedef lemon::NetworkSimplex<Digraph, int, Cost> Simplex;

struct weights {
    Cost learner, arc, score;
};

/* The weights above for g, given how many learner and partner nodes it has. */
weights choose_weights(const graph &g, long long n_learners, long long n_partners)
{
    weights w;
    if (std::strcmp(g.objective, "score") == 0) {
        w.arc = 1;
        w.learner = 2;
        w.score = 4;
    } else {
        long long m = n_learners < n_partners ? n_learners : n_partners;
        Cost d = (Cost)GRAPH_MAX_SCORE * (2 * m + 2);
        w.score = 1;
        w.arc = d + 1;
        w.learner = w.arc + d + 1;
    }
    return w;
}

int run(const char *path)
{
    graph g;
    char err[512];
    if (graph_read(path, &g, err, sizeof err) != 0) {
        std::fprintf(stderr, "mm-lemon-solve: %s\n", err);
        graph_free(&g);
        return EXIT_DATAERR;
    }
    int rc = EXIT_SOFTWARE;
    {
        Digraph d;
        std::vector<int> lnode(g.n_emps, -1), pnode(g.n_emps, -1);
        long long n_learners = 0, n_partners = 0;
        for (size_t a = 0; a < g.n_arcs; a++) {
            const graph_arc &e = g.arcs[a];
            if (lnode[e.learner] < 0) {
                lnode[e.learner] = 1;
                n_learners++;
            }
            if (pnode[e.partner] < 0) {
                pnode[e.partner] = 1;
                n_partners++;
            }
        }
        weights w = choose_weights(g, n_learners, n_partners);
        long long n_nodes = 2 + n_learners + n_partners;
        Cost max_cost = w.learner > w.arc + w.score * GRAPH_MAX_SCORE
                            ? w.learner : w.arc + w.score * GRAPH_MAX_SCORE;
        if (max_cost > ((Cost)1 << 61) / n_nodes) {
            std::fprintf(stderr, "mm-lemon-solve: %s: weights too large for 64-bit costs "
                         "(%lld nodes, cost %lld)\n", path, n_nodes, (long long)max_cost);
            graph_free(&g);
            return EXIT_SOFTWARE;
        }

        d.reserveNode((int)n_nodes);
        d.reserveArc((int)(g.n_arcs + 2 * (size_t)n_learners + (size_t)n_partners + 1));
        Digraph::Node src = d.addNode(), snk = d.addNode();
        for (int32_t i = 0; i < g.n_emps; i++) {
            if (lnode[i] >= 0)
                lnode[i] = d.id(d.addNode());
            if (pnode[i] >= 0)
                pnode[i] = d.id(d.addNode());
        }
        Digraph::ArcMap<int> lower(d, 0), upper(d, 0);
        Digraph::ArcMap<Cost> cost(d, 0);
        for (int32_t i = 0; i < g.n_emps; i++) {
            if (lnode[i] >= 0) {
                Digraph::Arc first = d.addArc(src, d.nodeFromId(lnode[i]));
                upper[first] = 1;
                cost[first] = -w.learner;
                if (g.learner_cap[i] > 1) {
                    Digraph::Arc more = d.addArc(src, d.nodeFromId(lnode[i]));
                    upper[more] = g.learner_cap[i] - 1;
                }
            }
            if (pnode[i] >= 0) {
                Digraph::Arc back = d.addArc(d.nodeFromId(pnode[i]), snk);
                upper[back] = g.partner_cap[i];
            }
        }
        std::vector<Digraph::Arc> pair(g.n_arcs);
        for (size_t a = 0; a < g.n_arcs; a++) {
            const graph_arc &e = g.arcs[a];
            pair[a] = d.addArc(d.nodeFromId(lnode[e.learner]), d.nodeFromId(pnode[e.partner]));
            lower[pair[a]] = e.pinned;
            upper[pair[a]] = 1;
            cost[pair[a]] = -(w.arc + w.score * e.score);
        }

        /* supply: every learner unit; what is not placed takes the bypass */
        long long units = 0;
        for (int32_t i = 0; i < g.n_emps; i++)
            if (lnode[i] >= 0)
                units += g.learner_cap[i];
        if (units > 2000000000LL) {
            std::fprintf(stderr, "mm-lemon-solve: %s: %lld learner units exceed int\n", path,
                         units);
            graph_free(&g);
            return EXIT_SOFTWARE;
        }
        Digraph::Arc bypass = d.addArc(src, snk);
        upper[bypass] = (int)units;
        Simplex ns(d);
        ns.lowerMap(lower).upperMap(upper).costMap(cost).stSupply(src, snk, (int)units);
        double t0 = graph_now();
        Simplex::ProblemType pt = ns.run();
        double seconds = graph_now() - t0;

        std::vector<uint8_t> chosen(g.n_arcs ? g.n_arcs : 1, 0);
        graph_totals t;
        std::memset(&t, 0, sizeof t);
        t.violations = -1; /* no solution: not valid */
        const char *status = pt == Simplex::OPTIMAL ? "optimal"
                             : pt == Simplex::INFEASIBLE ? "infeasible" : "unbounded";
        if (pt == Simplex::OPTIMAL) {
            for (size_t a = 0; a < g.n_arcs; a++)
                chosen[a] = ns.flow(pair[a]) > 0;
            graph_eval(&g, chosen.data(), &t);
        }
        graph_json_begin(stdout, path, &g, "lemon", status);
        graph_json_totals(stdout, &t);
        std::printf(",\"seconds\":%.6f,\"weights\":[%lld,%lld,%lld]", seconds,
                    (long long)w.learner, (long long)w.arc, (long long)w.score);
        graph_json_end(stdout);

        /* The circulation's cost must be the weighted objective of the pairs chosen. */
        Cost expect = -(w.learner * t.learners + w.arc * t.arcs + w.score * t.score);
        if (pt != Simplex::OPTIMAL)
            std::fprintf(stderr, "mm-lemon-solve: %s: %s\n", path, status);
        else if (t.violations != 0 || ns.totalCost() != expect)
            std::fprintf(stderr, "mm-lemon-solve: %s: inconsistent solution (violations %lld, "
                         "cost %lld, expected %lld)\n", path, (long long)t.violations,
                         (long long)ns.totalCost(), (long long)expect);
        else
            rc = 0;
    }
    graph_free(&g);
    return rc;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        std::fprintf(argc == 2 && std::strcmp(argv[1], "--help") == 0 ? stdout : stderr,
                     "usage: mm-lemon-solve FILE.graph\n");
        return argc == 2 && std::strcmp(argv[1], "--help") == 0 ? 0 : EXIT_USAGE;
    }
    return run(argv[1]);
}
