/*
 * flow.c - the pairing problem as a minimum-cost circulation (see flow.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define MAX_SCORE 1000
/* The largest arc cost allowed: potentials are 128-bit, costs 64-bit. */
#define MAX_COST ((__int128)1 << 62)

static void *xcalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

void flow_free(flow_net *f)
{
    ns_free(&f->ns);
    free(f->lnode), free(f->pnode), free(f->yarc), free(f->zarc), free(f->sarc);
    free(f->xarc), free(f->arc_of), free(f->zcap);
    free(f->lpins), free(f->ppins), free(f->first);
    free(f->priced), free(f->priced_next), free(f->priced_head);
    free(f->priced_arc), free(f->priced_pool);
    free(f->pool_src), free(f->pool_skip), free(f->pool_order);
    free(f->pool_in), free(f->pool_first), free(f->pool_len), free(f->moved);
    memset(f, 0, sizeof *f);
}

/*
 * The weights of the criteria (flow.h); false when the costs would not fit.
 * B bounds, per unit of arc cost, both a criterion's range over solutions
 * (S) and its reduced costs under any tree (a potential sums at most
 * n_nodes - 1 arc costs, so |rc| < (2 n_nodes + 1) C): then the sign of a
 * weighted reduced cost is the sign of the first nonzero criterion's, and
 * an optimal tree is optimal for each lexicographic stage in turn (GLPK's
 * stages start from it and need no pivot).
 */
static bool set_weights(flow_net *f, int32_t n_nodes, int64_t slots)
{
    __int128 B = 2 * (__int128)n_nodes + 1;
    if (B < slots)
        B = slots;
    __int128 w_learn, w_ses, w_score;
    if (f->p->objective == OBJECTIVE_SCORE) {
        w_ses = f->sessions ? 1 : 0;
        w_learn = 1 + w_ses * B;
        w_score = 1 + w_learn * B + w_ses * B;
    } else {
        w_score = 1;
        w_ses = f->sessions ? 1 + (__int128)MAX_SCORE * B : 0;
        w_learn = 1 + w_ses * B + (__int128)MAX_SCORE * B;
    }
    __int128 biggest = w_ses + w_score * MAX_SCORE;
    if (w_learn > biggest)
        biggest = w_learn;
    if (biggest >= MAX_COST)
        return false;
    f->w_learn = (int64_t)w_learn;
    f->w_ses = (int64_t)w_ses;
    f->w_score = (int64_t)w_score;
    return true;
}

/*
 * The cold start: the pins as flow, each learner hung from G by y (no
 * pins) or z, each partner by s: a strongly feasible tree (flow.h).
 */
static void start_cold(flow_net *f)
{
    const solve_problem *p = f->p;
    const int32_t *ppins = f->ppins;
    netsimplex *ns = &f->ns;
    for (size_t k = 0; k < f->n_x; k++)
        ns->flow[k] = ns->lo[k];
    for (size_t i = f->n_grouped; i < f->n_priced; i++) /* the rest are x arcs */
        ns->flow[f->priced_arc[i]] = ns->lo[f->priced_arc[i]];
    for (size_t e = 0; e < p->n_emps; e++) {
        int32_t u = f->lnode[e], pins = f->lpins[e];
        if (u) {
            ns->flow[f->yarc[e]] = pins ? 1 : 0;
            ns->pred[u] = f->yarc[e];
            if (f->zarc[e] >= 0) {
                ns->flow[f->zarc[e]] = pins > 1 ? pins - 1 : 0;
                if (pins)
                    ns->pred[u] = f->zarc[e];
            }
        }
        if (f->pnode[e]) {
            ns->flow[f->sarc[e]] = ppins[e];
            ns->pred[f->pnode[e]] = f->sarc[e];
        }
    }
}

/* The problem arc of pair (l, q), or -1 (binary search in l's slice). */
static ptrdiff_t pair_index(const flow_net *f, int32_t l, int32_t q)
{
    const candidate *arcs = f->p->arcs;
    size_t lo = f->first[l], hi = f->first[l + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (arcs[mid].partner < q)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->first[l + 1] && arcs[lo].partner == q ? (ptrdiff_t)lo : -1;
}

/* The x arc of pair (l, q), or -1. */
static int32_t find_x(const flow_net *f, int32_t l, int32_t q)
{
    ptrdiff_t a = pair_index(f, l, q);
    return a < 0 ? -1 : f->xarc[a];
}

/*
 * A warm start: w's pairs as flow and w's tree. The network may lack some
 * of w's pairs (shadowing solved before the mentors were known, then without
 * each learner's mentor): those lose their flow, a node hung from one hangs
 * from G instead, and a node whose y, z or s arc is left strictly between
 * its bounds hangs from G by that arc. ns_start checks the result;
 * MM_EINTERNAL when it does not fit at all.
 */
static int start_warm(flow_net *f, const solve_warm *w)
{
    const solve_problem *p = f->p;
    netsimplex *ns = &f->ns;
    for (size_t k = 0; k < f->n_x; k++)
        ns->flow[k] = 0;
    for (size_t e = 0; e < p->n_emps; e++) {
        if (f->yarc[e] >= 0)
            ns->flow[f->yarc[e]] = 0;
        if (f->zarc[e] >= 0)
            ns->flow[f->zarc[e]] = 0;
        if (f->sarc[e] >= 0)
            ns->flow[f->sarc[e]] = 0;
    }
    for (size_t i = 0; i < w->n_chosen; i++) {
        int32_t l = w->chosen[i].learner, q = w->chosen[i].partner;
        if (l < 0 || (size_t)l >= p->n_emps || q < 0 || (size_t)q >= p->n_emps)
            return MM_EINTERNAL;
        int32_t k = find_x(f, l, q);
        if (k < 0)
            continue; /* not in this network */
        if (f->sarc[q] < 0)
            return MM_EINTERNAL;
        ns->flow[k] = 1;
        ns->flow[f->sarc[q]]++;
        if (ns->flow[f->yarc[l]] == 0)
            ns->flow[f->yarc[l]] = 1;
        else if (f->zarc[l] >= 0)
            ns->flow[f->zarc[l]]++;
        else
            return MM_EINTERNAL;
    }
    for (size_t e = 0; e < p->n_emps; e++) {
        int32_t u = f->lnode[e];
        if (u) {
            char kind = w->lkind[e];
            int32_t k = kind == 'z' ? f->zarc[e]
                        : kind == 'x' && w->lother[e] >= 0 && (size_t)w->lother[e] < p->n_emps
                            ? find_x(f, (int32_t)e, w->lother[e])
                            : -1;
            int32_t z = f->zarc[e];
            if (z >= 0 && ns->flow[z] > 0 && ns->flow[z] < ns->hi[z])
                k = z;
            ns->pred[u] = k >= 0 ? k : f->yarc[e];
        }
        u = f->pnode[e];
        if (u) {
            int32_t k = w->pkind[e] == 'x' && w->pother[e] >= 0 &&
                                (size_t)w->pother[e] < p->n_emps
                            ? find_x(f, w->pother[e], (int32_t)e)
                            : -1;
            if (ns->flow[f->sarc[e]] < ns->hi[f->sarc[e]])
                k = -1;
            ns->pred[u] = k >= 0 ? k : f->sarc[e];
        }
    }
    return MM_OK;
}

/* Runners-up a block search keeps (netsimplex.h) when every learner takes
   one pair. Measured on mentoring's graphs: at a million employees the
   first solve went from 3.9M pivots in 124 s to 4.7M in 82 s (2 runners-up:
   73 s against 69 s for 4; 8: slower), the whole pricing from 327 s to
   236 s; at 100,000 a cold solve from 0.80 s to 0.56 s. Where learners
   take several pairs (shadowing) they cost pivots (at 100,000: 359,000
   pivots in 1.4 s became 599,000 in 3.5 s with one runner-up, 1.1M with
   four), so none are kept there. */
#define RUNNERS 4

int flow_build(flow_net *f, const solve_problem *p)
{
    return flow_build_from(f, p, true);
}

int flow_build_from(flow_net *f, const solve_problem *p, bool warm)
{
    int rc = MM_ENOMEM;
    size_t n = p->n_emps;
    int32_t *deg = NULL, *pdeg = NULL, *lpins = NULL, *ppins = NULL;
    bool every = p->pairs_of != NULL; /* a node for everyone with capacity */

    memset(f, 0, sizeof *f);
    f->p = p;
    f->lnode = xcalloc(n, sizeof *f->lnode);
    f->pnode = xcalloc(n, sizeof *f->pnode);
    f->yarc = malloc((n ? n : 1) * sizeof *f->yarc);
    f->zarc = malloc((n ? n : 1) * sizeof *f->zarc);
    f->sarc = malloc((n ? n : 1) * sizeof *f->sarc);
    f->zcap = xcalloc(n, sizeof *f->zcap);
    f->xarc = malloc((p->n_arcs ? p->n_arcs : 1) * sizeof *f->xarc);
    deg = xcalloc(n, sizeof *deg);
    pdeg = xcalloc(n, sizeof *pdeg);
    lpins = f->lpins = xcalloc(n, sizeof *lpins);
    ppins = f->ppins = xcalloc(n, sizeof *ppins);
    f->first = xcalloc(n + 1, sizeof *f->first);
    f->priced_head = malloc((n ? n : 1) * sizeof *f->priced_head);
    if (!f->lnode || !f->pnode || !f->yarc || !f->zarc || !f->sarc || !f->zcap || !f->xarc ||
        !deg || !pdeg || !lpins || !ppins || !f->first || !f->priced_head)
        goto done;
    for (size_t e = 0; e < n; e++)
        f->priced_head[e] = -1;
    for (size_t a = 0; a < p->n_arcs; a++) {
        const candidate *c = &p->arcs[a];
        deg[c->learner]++;
        pdeg[c->partner]++;
        if (p->pinned && p->pinned[a]) {
            lpins[c->learner]++;
            ppins[c->partner]++;
        }
    }
    for (size_t e = 0; e < n; e++)
        f->first[e + 1] = f->first[e] + (size_t)deg[e];
    /* nodes: G, learners, partners (each in employee order); K and weights */
    int32_t nodes = 1;
    int64_t learners = 0, slots = 0;
    size_t n_x = 0, n_z = 0;
    for (size_t e = 0; e < n; e++) {
        f->yarc[e] = f->zarc[e] = f->sarc[e] = -1;
        if (p->learner_cap[e] > 0 && (deg[e] > 0 || every)) {
            /* K = min(capacity, pairs); with pairs left out, the capacity */
            int32_t pairs = p->pruned_bound && p->pruned_bound[e] >= 0 ? INT32_MAX : deg[e];
            int32_t k = p->learner_cap[e] < pairs ? p->learner_cap[e] : pairs;
            if (k < 1)
                k = 1;
            f->lnode[e] = nodes++;
            f->zcap[e] = k - 1;
            learners++;
            slots += k;
            n_x += (size_t)deg[e];
            if (k >= 2) {
                n_z++;
                f->sessions = true;
            }
        }
    }
    int32_t first_partner = nodes;
    for (size_t e = 0; e < n; e++)
        if (pdeg[e] > 0 || (every && p->partner_cap[e] > 0))
            f->pnode[e] = nodes++;
    if (!set_weights(f, nodes, slots)) {
        rc = MM_EINTERNAL;
        goto done;
    }
    size_t n_arcs = n_x + (size_t)learners + n_z + (size_t)(nodes - first_partner);
    f->arc_of = malloc((n_x ? n_x : 1) * sizeof *f->arc_of);
    if (!f->arc_of || (rc = ns_alloc(&f->ns, nodes, n_arcs + 1)) != MM_OK) {
        rc = MM_ENOMEM;
        goto done;
    }
    netsimplex *ns = &f->ns; /* sized for every arc below: ns_add_arc cannot fail */
    ns->runners = f->sessions ? 0 : RUNNERS;
    /* x: partner -> learner; pins carry flow; a learner the pins fill keeps the rest at 0 */
    for (size_t a = 0; a < p->n_arcs; a++) {
        const candidate *c = &p->arcs[a];
        int32_t l = c->learner;
        f->xarc[a] = -1;
        if (!f->lnode[l])
            continue;
        bool pin = p->pinned && p->pinned[a];
        bool full = lpins[l] >= p->learner_cap[l];
        int32_t lo = pin ? 1 : 0, hi = pin ? 1 : full ? 0 : 1;
        f->xarc[a] = (int32_t)ns->n_arcs;
        f->arc_of[ns->n_arcs] = (uint32_t)a;
        ns_add_arc(ns, f->pnode[c->partner], f->lnode[l], lo, hi,
                   -(f->w_ses + f->w_score * (int64_t)c->score));
    }
    f->n_x = ns->n_arcs;
    /* y and z: learner -> G (a pinned learner counts: y fixed at 1) */
    for (size_t e = 0; e < n; e++) {
        int32_t u = f->lnode[e];
        if (!u)
            continue;
        int32_t pins = lpins[e];
        f->yarc[e] = (int32_t)ns->n_arcs;
        ns_add_arc(ns, u, 0, pins ? 1 : 0, 1, -f->w_learn);
        if (f->zcap[e] >= 1) {
            f->zarc[e] = (int32_t)ns->n_arcs;
            ns_add_arc(ns, u, 0, 0, f->zcap[e], 0);
        }
    }
    /* s: G -> partner, the load, never short of room to give back */
    for (size_t e = 0; e < n; e++) {
        int32_t u = f->pnode[e];
        if (!u)
            continue;
        f->sarc[e] = (int32_t)ns->n_arcs;
        ns_add_arc(ns, 0, u, NS_NEG_INF, p->partner_cap[e], 0);
    }
    rc = MM_EINTERNAL;
    if (warm && p->warm && p->warm->n_emps == n && start_warm(f, p->warm) == MM_OK)
        rc = ns_start(ns);
    f->warm = rc == MM_OK;
    if (rc == MM_EINTERNAL) {
        start_cold(f);
        rc = ns_start(ns);
    }
done:
    free(deg), free(pdeg);
    if (rc != MM_OK)
        flow_free(f);
    return rc;
}

int flow_solve(flow_net *f)
{
    int rc = ns_run(&f->ns);
    return rc != MM_OK ? rc : f->ns.local ? ns_certify_local(&f->ns) : ns_certify(&f->ns);
}

void flow_solution(const flow_net *f, uint8_t *chosen, int64_t *learners, int64_t *sessions,
                   int64_t *score)
{
    const solve_problem *p = f->p;
    int64_t nl = 0, nx = 0, sc = 0;
    for (size_t a = 0; a < p->n_arcs; a++) {
        int32_t k = f->xarc[a];
        uint8_t on = k >= 0 && f->ns.flow[k] > 0;
        if (chosen)
            chosen[a] = on;
        nx += on;
        sc += on ? p->arcs[a].score : 0;
    }
    for (size_t k = 0; k < f->n_priced; k++) {
        int on = f->ns.flow[f->priced_arc[k]] > 0;
        nx += on;
        sc += on ? f->priced[k].score : 0;
    }
    for (size_t e = 0; e < p->n_emps; e++)
        if (f->yarc[e] >= 0)
            nl += f->ns.flow[f->yarc[e]];
    *learners = nl;
    *sessions = nx;
    *score = sc;
}

/* Whether learner e's pruned pairs are not ruled out by the bound. */
static bool uncertified(const flow_net *f, size_t e)
{
    const solve_problem *p = f->p;
    int32_t b = p->pruned_bound[e];
    if (b < 0 || p->learner_cap[e] <= 0)
        return false;
    if (!f->lnode[e]) /* every pair it kept went (its mentor): nothing rules the rest out */
        return true;
    ns_pot limit = -((ns_pot)f->w_ses + (ns_pot)f->w_score * b);
    return ns_potential(&f->ns, f->lnode[e]) > limit;
}

size_t flow_uncertified(const flow_net *f, int32_t *out)
{
    const solve_problem *p = f->p;
    size_t k = 0;
    if (!p->pruned_bound)
        return 0;
    for (size_t e = 0; e < p->n_emps; e++)
        if (uncertified(f, e))
            out[k++] = (int32_t)e;
    return k;
}

/* Whether learner l's pair with partner q is in the network already. */
static bool in_network(const flow_net *f, int32_t l, int32_t q)
{
    if (pair_index(f, l, q) >= 0)
        return true;
    for (int32_t k = f->priced_head[l]; k >= 0; k = f->priced_next[k])
        if (f->priced[k].partner == q)
            return true;
    return false;
}

/* Pool entry k of learner l: its pair. */
static const rest_pair *pool_pair(const flow_net *f, int32_t l, size_t k)
{
    return &f->pool_src[l][k - (size_t)f->pool_first[l]];
}

/* Adds pool entry k of learner l to the network as a priced pair. */
static int add_priced(flow_net *f, int32_t l, size_t k)
{
    const rest_pair *rp = pool_pair(f, l, k);
    const candidate pair = {l, rp->partner, rp->score, rp->overlap}, *c = &pair;
    if (f->n_priced == f->cap_priced) {
        size_t cap = f->cap_priced ? 2 * f->cap_priced : 256;
        candidate *pc = realloc(f->priced, cap * sizeof *pc);
        if (!pc)
            return MM_ENOMEM;
        f->priced = pc;
        int32_t *pn = realloc(f->priced_next, cap * sizeof *pn);
        if (!pn)
            return MM_ENOMEM;
        f->priced_next = pn;
        int32_t *pa = realloc(f->priced_arc, cap * sizeof *pa);
        if (!pa)
            return MM_ENOMEM;
        f->priced_arc = pa;
        int64_t *pp = realloc(f->priced_pool, cap * sizeof *pp);
        if (!pp)
            return MM_ENOMEM;
        f->priced_pool = pp;
        f->cap_priced = cap;
    }
    int rc = ns_add_arc(&f->ns, f->pnode[c->partner], f->lnode[c->learner], 0, 1,
                        -(f->w_ses + f->w_score * (int64_t)c->score));
    if (rc != MM_OK)
        return rc;
    size_t j = f->n_priced++;
    f->priced[j] = *c;
    f->priced_arc[j] = (int32_t)f->ns.n_arcs - 1;
    f->priced_pool[j] = (int64_t)k;
    f->priced_next[j] = f->priced_head[c->learner];
    f->priced_head[c->learner] = (int32_t)j;
    f->pool_in[k] = 1;
    return MM_OK;
}

/* Drops the pairs priced in after the first n_priced (a slot value's re-solve). */
static void unprice(flow_net *f, size_t n_priced)
{
    for (size_t j = n_priced; j < f->n_priced; j++)
        f->pool_in[f->priced_pool[j]] = 0;
    f->n_priced = n_priced;
}

/* Learner l's left-out pairs into the pool, once: looked up and checked,
   not copied. */
static int pool_learner(flow_net *f, int32_t l)
{
    const solve_problem *p = f->p;
    const rest_pair *pairs = NULL;
    size_t n = 0;
    int32_t skip = -1;
    int rc = p->pairs_of(p->pairs_ctx, l, &pairs, &n, &skip);
    if (rc != MM_OK)
        return rc;
    if (n > UINT32_MAX || (n && !pairs))
        return MM_EINTERNAL;
    for (size_t j = 0; j < n; j++)
        if (pairs[j].partner < 0 || (size_t)pairs[j].partner >= p->n_emps ||
            pairs[j].score < 0 || pairs[j].score > MAX_SCORE)
            return MM_EINTERNAL;
    if (n > f->cap_pool - f->n_pool) {
        size_t cap = f->cap_pool ? 2 * f->cap_pool : 4096;
        while (cap < f->n_pool + n)
            cap *= 2;
        uint8_t *pi = realloc(f->pool_in, cap);
        if (!pi)
            return MM_ENOMEM;
        f->pool_in = pi;
        f->cap_pool = cap;
    }
    if (n)
        memset(f->pool_in + f->n_pool, 0, n); /* pool_in may be NULL while n is 0 */
    f->pool_src[l] = pairs;
    f->pool_skip[l] = skip;
    f->pool_first[l] = (int64_t)f->n_pool;
    f->pool_len[l] = (uint32_t)n;
    f->pool_order[f->n_order++] = l;
    f->n_pool += n;
    return MM_OK;
}

/*
 * Pool entry k of learner l would join the network by its reduced cost
 * (price_entry's test, before it looks in the network). Reads only.
 */
static bool price_candidate(const flow_net *f, int32_t l, size_t k)
{
    if (f->pool_in[k])
        return false;
    const rest_pair *rp = pool_pair(f, l, k);
    int32_t q = rp->partner;
    if (q == f->pool_skip[l] || !f->pnode[q])
        return false;
    ns_pot rcost = -((ns_pot)f->w_ses + (ns_pot)f->w_score * rp->score) +
                   ns_potential(&f->ns, f->pnode[q]) - ns_potential(&f->ns, f->lnode[l]);
    return rcost < 0;
}

/* Pool entry k of learner l, a candidate, joins the network unless the
   pair is there already (then it is marked, once). */
static int join_priced(flow_net *f, int32_t l, size_t k, size_t *added)
{
    if (in_network(f, l, pool_pair(f, l, k)->partner)) {
        f->pool_in[k] = 1;
        return MM_OK;
    }
    ++*added;
    return add_priced(f, l, k);
}

/* Pool entry k of learner l joins the network when its reduced cost is
   negative (join_priced). */
static int price_entry(flow_net *f, int32_t l, size_t k, size_t *added)
{
    return price_candidate(f, l, k) ? join_priced(f, l, k, added) : MM_OK;
}

/* Every pool entry of learner l (pooled already), as price_entry; with
   moved, only those whose partner's node moved. */
static int price_learner(flow_net *f, int32_t l, const uint8_t *moved, size_t *added)
{
    int rc = MM_OK;
    size_t first = (size_t)f->pool_first[l];
    const rest_pair *pairs = f->pool_src[l];
    for (size_t j = 0; j < f->pool_len[l] && rc == MM_OK; j++) {
        int32_t u = f->pnode[pairs[j].partner];
        if (!moved || (u && moved[u]))
            rc = price_entry(f, l, first + j, added);
    }
    return rc;
}

/* Whether learner l can take priced pairs: it has a node (capacity), and
   room the pins leave. */
static bool has_room(const flow_net *f, int32_t l)
{
    return f->lnode[l] && f->lpins[l] < f->p->learner_cap[l];
}

/* The pool entries a task of price_chunks found. */
typedef struct {
    size_t *k;
    size_t n, cap;
    bool oom;
} found_list;

/*
 * price_pass's loop over the open learners, in two steps: tasks of
 * `chunk` learners (taken by whichever thread of the team is free,
 * else by this one) list the entries whose reduced cost is negative, then
 * this thread joins them to the network in the learners' order. The same
 * pairs join in the same order as one loop would add them: nothing changes
 * a potential while pairs join, and each pool entry is one learner's.
 */
static int price_chunks(flow_net *f, const int32_t *open, size_t n_open, size_t chunk,
                        const uint8_t *moved, size_t *added)
{
    size_t n_chunks = n_open / chunk + (n_open % chunk != 0);
    found_list *found = calloc(n_chunks, sizeof *found);
    if (!found)
        return MM_ENOMEM;
#pragma omp taskloop grainsize(1) default(none) shared(f, open, n_open, chunk, moved, found, n_chunks)
    for (size_t c = 0; c < n_chunks; c++) {
        found_list *fl = &found[c];
        size_t end = n_open - c * chunk > chunk ? (c + 1) * chunk : n_open;
        for (size_t i = c * chunk; i < end && !fl->oom; i++) {
            int32_t l = open[i];
            if (!has_room(f, l))
                continue;
            const uint8_t *only = moved && !moved[f->lnode[l]] ? moved : NULL;
            size_t first = (size_t)f->pool_first[l];
            const rest_pair *pairs = f->pool_src[l];
            for (size_t j = 0; j < f->pool_len[l]; j++) {
                int32_t u = f->pnode[pairs[j].partner];
                if ((only && !(u && only[u])) || !price_candidate(f, l, first + j))
                    continue;
                if (fl->n == fl->cap) {
                    size_t cap = fl->cap ? 2 * fl->cap : 256;
                    size_t *grown = realloc(fl->k, cap * sizeof *grown);
                    if (!grown) {
                        fl->oom = true;
                        break;
                    }
                    fl->k = grown;
                    fl->cap = cap;
                }
                fl->k[fl->n++] = first + j;
            }
        }
    }
    int rc = MM_OK;
    for (size_t c = 0; c < n_chunks && rc == MM_OK; c++)
        rc = found[c].oom ? MM_ENOMEM : MM_OK;
    /* entry k is learner l's when pool_first[l] <= k < pool_first[l] + pool_len[l] */
    for (size_t c = 0; c < n_chunks && rc == MM_OK; c++) {
        size_t end = n_open - c * chunk > chunk ? (c + 1) * chunk : n_open;
        const found_list *fl = &found[c];
        size_t j = 0;
        for (size_t i = c * chunk; i < end && j < fl->n && rc == MM_OK; i++) {
            int32_t l = open[i];
            if (!has_room(f, l))
                continue;
            size_t first = (size_t)f->pool_first[l], last = first + f->pool_len[l];
            for (; j < fl->n && fl->k[j] >= first && fl->k[j] < last && rc == MM_OK; j++) {
                if (!f->pool_in[fl->k[j]])
                    rc = join_priced(f, l, fl->k[j], added);
            }
        }
    }
    for (size_t c = 0; c < n_chunks; c++)
        free(found[c].k);
    free(found);
    return rc;
}

/*
 * One pricing pass: the open learners' pooled pairs with a negative reduced
 * cost join the network (learners gathered into the pool first, together).
 * With moved (the nodes whose potential moved since the last pass, which
 * priced every open learner), a learner that did not move has only the
 * pairs of partners that did priced: no other reduced cost changed, and it
 * was open then too, so pooled and priced (whether a learner is open
 * depends on its potential alone).
 */
static int price_pass(flow_net *f, const int32_t *open, size_t n_open, int32_t *fresh,
                      const uint8_t *moved, size_t *added)
{
    size_t n_fresh = 0;
    int rc = MM_OK;
    *added = 0;
    for (size_t i = 0; i < n_open; i++) {
        int32_t l = open[i];
        if (has_room(f, l) && f->pool_first[l] < 0)
            fresh[n_fresh++] = l;
    }
    for (size_t i = 0; i < n_fresh && rc == MM_OK; i++)
        rc = pool_learner(f, fresh[i]);
    size_t chunk = f->price_chunk ? f->price_chunk : FLOW_PRICE_CHUNK;
    if (rc == MM_OK && n_open / 2 >= chunk)
        return price_chunks(f, open, n_open, chunk, moved, added);
    for (size_t i = 0; i < n_open && rc == MM_OK; i++) {
        int32_t l = open[i];
        if (!has_room(f, l))
            continue;
        rc = price_learner(f, l, moved && !moved[f->lnode[l]] ? moved : NULL, added);
    }
    return rc;
}

/* Whether learner l takes part in pricing: open, with a node and room the pins leave. */
static bool priced_learner(const flow_net *f, int32_t l)
{
    return has_room(f, l) && uncertified(f, (size_t)l);
}

/*
 * A slot value's pricing, from a fully priced optimum: a pair's reduced cost
 * changes only with the potential of its learner or its partner, so only
 * the pairs of the nodes the pivots moved (f->ns.moved, from the optimum
 * on) are priced: by learner, through the pool; by partner, through the
 * index by_first (each partner's stretch of by_learner and by_offset: the
 * learner and the entry's place in its pool), which covers the pool of
 * the first n_indexed learners of pool_order (later ones, few, are all
 * looked at). As flow_price otherwise.
 */
static int price_moved(flow_net *f, const size_t *by_first, const uint32_t *by_offset,
                       const int32_t *by_learner, size_t n_indexed)
{
    const solve_problem *p = f->p;
    const uint8_t *moved = f->ns.moved;
    int rc = MM_OK;
    for (;;) {
        size_t added = 0;
        for (size_t e = 0; e < p->n_emps && rc == MM_OK; e++) {
            int32_t l = (int32_t)e;
            if (!f->lnode[e] || !moved[f->lnode[e]] || !priced_learner(f, l))
                continue;
            if (f->pool_first[l] < 0 && (rc = pool_learner(f, l)) != MM_OK)
                break;
            rc = price_learner(f, l, NULL, &added);
        }
        for (size_t q = 0; q < p->n_emps && rc == MM_OK; q++) {
            if (!f->pnode[q] || !moved[f->pnode[q]])
                continue;
            for (size_t i = by_first[q]; i < by_first[q + 1] && rc == MM_OK; i++) {
                int32_t l = by_learner[i];
                if (!moved[f->lnode[l]] && priced_learner(f, l))
                    rc = price_entry(f, l, (size_t)f->pool_first[l] + by_offset[i], &added);
            }
        }
        for (size_t o = n_indexed; o < f->n_order && rc == MM_OK; o++) {
            int32_t l = f->pool_order[o];
            if (!moved[f->lnode[l]] && priced_learner(f, l))
                rc = price_learner(f, l, NULL, &added);
        }
        if (rc != MM_OK || added == 0)
            break;
        if ((rc = flow_solve(f)) != MM_OK)
            break;
    }
    return rc;
}

/* The pair arcs in the network: x arcs and priced ones after them. */
static size_t pair_arcs(const flow_net *f)
{
    return f->n_x + f->n_priced - f->n_grouped;
}

/* A learner's pair arc and its partner, for sorting. */
typedef struct {
    int32_t partner, arc;
} pair_arc;

static int cmp_pair_arc(const void *a, const void *b)
{
    const pair_arc *x = a, *y = b;
    return (x->partner > y->partner) - (x->partner < y->partner);
}

/*
 * Before a cold restart: puts the priced pairs' arcs among the problem's,
 * each learner's together in partner order, as though the problem had had
 * them all, then the y, z and s arcs (the block search meets each
 * learner's pairs in one place; at a million employees, mentoring's final
 * pairs solved cold took 4.7M pivots in 65 s in that order, 7.2M in 134 s
 * with the priced ones after the rest; pivoting on from the old tree in the
 * new order took 10.1M pivots, against 9.9M from the cold start, first
 * solve included). The x arcs become every pair arc (arc_of names priced
 * pair j as p->n_arcs + j), and pred[] follows its arcs: ns_start rebuilds
 * the same tree, or start_cold sets another. (Nor does a shallow tree from
 * the old optimum's pairs help: each learner hung from its partner, each
 * partner from G, the whole pricing took 10.1M pivots in 195 s, against
 * 9.9M in 168 s cold, run side by side.)
 */
static int regroup(flow_net *f)
{
    const solve_problem *p = f->p;
    netsimplex *ns = &f->ns;
    size_t m = ns->n_arcs, n_pairs = pair_arcs(f);
    if ((uint64_t)p->n_arcs + f->n_priced > UINT32_MAX || m > INT32_MAX)
        return MM_OK; /* arc_of could not name them: keep the order */
    int32_t *order = malloc(m * sizeof *order), *pos = malloc(m * sizeof *pos);
    pair_arc *mine = malloc((f->n_priced + 1) * sizeof *mine);
    uint32_t *arc_of = malloc((n_pairs ? n_pairs : 1) * sizeof *arc_of);
    int rc = MM_ENOMEM;
    if (!order || !pos || !mine || !arc_of)
        goto done;
    uint8_t *placed = (uint8_t *)pos; /* pos is filled only after the order */
    memset(placed, 0, m);
    size_t k = 0;
    for (size_t e = 0; e < p->n_emps; e++) {
        if (!f->lnode[e])
            continue;
        size_t n_mine = 0, a = f->first[e], end = f->first[e + 1];
        for (int32_t j = f->priced_head[e]; j >= 0; j = f->priced_next[j])
            mine[n_mine++] = (pair_arc){f->priced[j].partner, j};
        qsort(mine, n_mine, sizeof *mine, cmp_pair_arc);
        for (size_t i = 0; a < end || i < n_mine;) {
            bool problem = i == n_mine || (a < end && p->arcs[a].partner < mine[i].partner);
            int32_t x = problem ? f->xarc[a] : f->priced_arc[mine[i].arc];
            arc_of[k] = problem ? (uint32_t)a++ : (uint32_t)(p->n_arcs + (size_t)mine[i++].arc);
            placed[x] = 1;
            order[k++] = x;
        }
    }
    if (k != n_pairs) {
        rc = MM_EINTERNAL;
        goto done;
    }
    for (size_t x = 0; x < m; x++)
        if (!placed[x])
            order[k++] = (int32_t)x;
    if ((rc = ns_permute(ns, order)) != MM_OK)
        goto done;
    for (size_t i = 0; i < m; i++)
        pos[order[i]] = (int32_t)i;
    for (int32_t u = 1; u < ns->n_nodes; u++)
        ns->pred[u] = pos[ns->pred[u]];
    for (size_t a = 0; a < p->n_arcs; a++)
        if (f->xarc[a] >= 0)
            f->xarc[a] = pos[f->xarc[a]];
    for (size_t j = 0; j < f->n_priced; j++)
        f->priced_arc[j] = pos[f->priced_arc[j]];
    for (size_t e = 0; e < p->n_emps; e++) {
        int32_t *arcs[] = {&f->yarc[e], &f->zarc[e], &f->sarc[e]};
        for (size_t i = 0; i < 3; i++)
            if (*arcs[i] >= 0)
                *arcs[i] = pos[*arcs[i]];
    }
    free(f->arc_of);
    f->arc_of = arc_of;
    arc_of = NULL;
    f->n_x = n_pairs;
    f->n_grouped = f->n_priced;
done:
    free(order), free(pos), free(mine), free(arc_of);
    return rc;
}

/* A pricing round that adds at least 1/COLD_SHARE of the pairs in the
   network solves again from the cold start. */
#define COLD_SHARE 4

int flow_price(flow_net *f)
{
    const solve_problem *p = f->p;
    size_t n = p->n_emps ? p->n_emps : 1;
    int rc = MM_OK;
    if (!f->pool_first) {
        f->pool_first = malloc(n * sizeof *f->pool_first);
        f->pool_len = xcalloc(n, sizeof *f->pool_len);
        f->pool_src = xcalloc(n, sizeof *f->pool_src);
        f->pool_skip = malloc(n * sizeof *f->pool_skip);
        f->pool_order = malloc(n * sizeof *f->pool_order);
        if (!f->pool_first || !f->pool_len || !f->pool_src || !f->pool_skip || !f->pool_order)
            return MM_ENOMEM;
        for (size_t e = 0; e < n; e++)
            f->pool_first[e] = -1;
    }
    int32_t *open = malloc(n * sizeof *open), *fresh = malloc(n * sizeof *fresh);
    if (!open || !fresh) {
        free(open);
        free(fresh);
        return MM_ENOMEM;
    }
    /* between passes, the nodes the warm re-solve moves (not when a caller
       tracks them: the slot values) */
    bool track = f->ns.moved == NULL;
    const uint8_t *since = NULL;
    for (;;) {
        size_t added = 0, n_open = flow_uncertified(f, open);
        size_t before = pair_arcs(f);
        f->moved_passes += since != NULL;
        rc = price_pass(f, open, n_open, fresh, since, &added);
        if (rc != MM_OK || added == 0)
            break;
        bool cold = added >= before / COLD_SHARE;
        if (cold) {
            /* many pairs at once: pivoting on from the old tree costs more
               than starting afresh (measured at a million employees, where
               the first round adds two fifths more pairs: 6.6M pivots in
               276 s warm, 5.2M in 155 s cold; at 100,000 it adds a tenth,
               and warm wins) */
            uint64_t pivots = f->ns.pivots;
            if (!f->fixed_arcs && (rc = regroup(f)) != MM_OK)
                break;
            start_cold(f);
            if ((rc = ns_start(&f->ns)) != MM_OK)
                break;
            f->ns.pivots = pivots;
            f->restarts++;
        }
        f->ns.eager = !cold; /* from the optimum, few arcs are eligible */
        /* a warm re-solve moves few potentials: the next pass prices what
           they change (at a million employees, shadowing's passes after one
           0.07-0.23 s, against 0.6 s pricing everything); after a cold one,
           everything */
        since = NULL;
        if (track && !cold &&
            (f->moved || (f->moved = malloc((size_t)f->ns.n_nodes)) != NULL)) {
            memset(f->moved, 0, (size_t)f->ns.n_nodes);
            f->ns.moved = f->moved;
            since = f->moved;
        }
        rc = flow_solve(f);
        if (track)
            f->ns.moved = NULL;
        if (rc != MM_OK)
            break;
    }
    free(open);
    free(fresh);
    return rc;
}

int flow_tree_arcs(const flow_net *f, uint8_t *in_tree)
{
    memset(in_tree, 0, f->ns.n_arcs);
    for (int32_t u = 1; u < f->ns.n_nodes; u++) {
        int32_t a = f->ns.pred[u];
        if (a < 0 || (size_t)a >= f->ns.n_arcs)
            return MM_EINTERNAL;
        in_tree[a] = 1;
    }
    return MM_OK;
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The score of pair arc a of learner l: a problem arc, or priced in. */
static int32_t pair_score(const flow_net *f, int32_t l, int32_t a)
{
    if ((size_t)a < f->n_x) {
        size_t k = f->arc_of[a];
        return k < f->p->n_arcs ? f->p->arcs[k].score : f->priced[k - f->p->n_arcs].score;
    }
    for (int32_t j = f->priced_head[l]; j >= 0; j = f->priced_next[j])
        if (f->priced_arc[j] == a)
            return f->priced[j].score;
    return 0; /* not reached: every pair arc past n_x was priced in */
}

/*
 * flow_solution's criteria after a slot value's re-solve, from the base's
 * (in *learners, *sessions, *score) and the arcs whose flow its pivots
 * changed (loc->touched, complete), each once, against the snapshot's
 * flows: no pass over every arc. node_emp: each node's employee.
 */
static void solution_moved(const flow_net *f, const ns_snapshot *snap, ns_local *loc,
                           const int32_t *node_emp, int64_t *learners, int64_t *sessions,
                           int64_t *score)
{
    const netsimplex *ns = &f->ns;
    if (loc->n_touched > 1) /* none yet: touched may be NULL */
        qsort(loc->touched, loc->n_touched, sizeof *loc->touched, cmp_int32);
    for (size_t i = 0; i < loc->n_touched; i++) {
        int32_t a = loc->touched[i], u = ns->src[a], v = ns->dst[a];
        if (i > 0 && a == loc->touched[i - 1])
            continue;
        int64_t d = ns->flow[a] - ((size_t)a < snap->n_arcs ? snap->flow[a] : ns->lo[a]);
        if (d == 0 || u == 0) /* s arcs: a partner's load */
            continue;
        if (v == 0) { /* y or z: the first pair of a learner counts */
            if (a == f->yarc[node_emp[u]])
                *learners += d;
            continue;
        }
        *sessions += d;
        *score += d * pair_score(f, node_emp[v], a);
    }
}

int flow_slot_values(flow_net *f, const int32_t *partners, size_t n, int64_t *extra_learners,
                     int64_t *score_gain, uint8_t *certified)
{
    netsimplex *ns = &f->ns;
    const solve_problem *p = f->p;
    size_t ne = p->n_emps ? p->n_emps : 1, n_priced = f->n_priced;
    ns_snapshot snap;
    int64_t base_l, base_x, base_s, l, x, s;
    int32_t *scratch = malloc(ne * sizeof *scratch);
    int32_t *heads = malloc(ne * sizeof *heads);
    int rc = scratch && heads ? ns_save(ns, &snap) : MM_ENOMEM;
    if (rc != MM_OK) {
        free(scratch);
        free(heads);
        return rc;
    }
    memcpy(heads, f->priced_head, p->n_emps * sizeof *heads);
    flow_solution(f, NULL, &base_l, &base_x, &base_s);
    ns->eager = true; /* each re-solve starts from the optimum, one arc more */
    f->fixed_arcs = true;
    /* the pool by partner, for pricing only what each re-solve moved */
    size_t n_indexed = f->n_order, n_entries = f->n_pool;
    size_t *by_first = NULL;
    uint32_t *by_offset = NULL; /* 4 bytes an entry, not 8: at a million, 91M of them */
    int32_t *by_learner = NULL;
    uint8_t *moved = NULL;
    if (p->pairs_of && f->pool_first) {
        by_first = calloc(ne + 1, sizeof *by_first);
        by_offset = malloc((n_entries ? n_entries : 1) * sizeof *by_offset);
        by_learner = malloc((n_entries ? n_entries : 1) * sizeof *by_learner);
        moved = calloc((size_t)ns->n_nodes + 1, 1);
        if (!by_first || !by_offset || !by_learner || !moved) {
            rc = MM_ENOMEM;
            goto done;
        }
        for (size_t o = 0; o < n_indexed; o++) {
            int32_t who = f->pool_order[o];
            for (uint32_t i = 0; i < f->pool_len[who]; i++)
                by_first[f->pool_src[who][i].partner + 1]++;
        }
        for (size_t q = 0; q < p->n_emps; q++)
            by_first[q + 1] += by_first[q];
        for (size_t o = 0; o < n_indexed; o++) {
            int32_t who = f->pool_order[o];
            for (uint32_t i = 0; i < f->pool_len[who]; i++) {
                size_t at = by_first[f->pool_src[who][i].partner]++;
                by_offset[at] = i;
                by_learner[at] = who;
            }
        }
        for (size_t q = p->n_emps; q > 0; q--)
            by_first[q] = by_first[q - 1];
        by_first[0] = 0;
        ns->moved = moved;
    }
    /* each re-solve looks only where its pivots moved potentials (ns_local):
       at a million employees a pass over every arc was most of a re-solve */
    ns_local local;
    int32_t *node_emp = malloc((size_t)ns->n_nodes * sizeof *node_emp);
    bool use_local = node_emp && ns_local_build(ns, &local) == MM_OK; /* else: slower */
    for (size_t e = 0; use_local && e < p->n_emps; e++) {
        if (f->lnode[e])
            node_emp[f->lnode[e]] = (int32_t)e;
        if (f->pnode[e])
            node_emp[f->pnode[e]] = (int32_t)e;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t e = partners[i], a = f->sarc[e];
        extra_learners[i] = score_gain[i] = 0;
        certified[i] = 1;
        /* no pairs, or a slot to spare: one more changes nothing */
        if (a < 0 || ns->flow[a] < ns->hi[a])
            continue;
        ns->local = use_local ? &local : NULL; /* at the base optimum */
        rc = ns_add_arc(ns, 0, f->pnode[e], 0, 1, 0);
        if (rc == MM_OK)
            rc = flow_solve(f);
        if (rc == MM_OK && p->pairs_of)
            rc = moved ? price_moved(f, by_first, by_offset, by_learner, n_indexed)
                       : flow_price(f);
        if (rc == MM_OK) {
            if (ns->local && !local.touched_lost) { /* still local: no restart */
                l = base_l, x = base_x, s = base_s;
                solution_moved(f, &snap, &local, node_emp, &l, &x, &s);
            } else {
                flow_solution(f, NULL, &l, &x, &s);
            }
            certified[i] = p->pairs_of || flow_uncertified(f, scratch) == 0;
            if (certified[i]) {
                extra_learners[i] = l - base_l;
                score_gain[i] = s - base_s;
            }
        }
        /* back to the base optimum: its tree, and no pair priced since */
        ns_restore(ns, &snap);
        unprice(f, n_priced);
        memcpy(f->priced_head, heads, p->n_emps * sizeof *heads);
        if (moved)
            memset(moved, 0, (size_t)ns->n_nodes);
        if (rc != MM_OK)
            break;
    }
    ns->local = NULL;
    if (use_local)
        ns_local_free(&local);
    free(node_emp);
done:
    ns->moved = NULL;
    f->fixed_arcs = false;
    ns_snapshot_free(&snap);
    free(scratch);
    free(heads);
    free(by_first), free(by_offset), free(by_learner), free(moved);
    return rc;
}

/* The pair of x arc k: a problem arc, or a priced pair regrouped among them. */
static const candidate *x_pair(const flow_net *f, size_t k)
{
    size_t a = f->arc_of[k];
    return a < f->p->n_arcs ? &f->p->arcs[a] : &f->priced[a - f->p->n_arcs];
}

int flow_warm(const flow_net *f, solve_warm **out)
{
    const solve_problem *p = f->p;
    const netsimplex *ns = &f->ns;
    size_t n = p->n_emps ? p->n_emps : 1;
    int32_t *priced_of = malloc((ns->n_arcs ? ns->n_arcs : 1) * sizeof *priced_of);
    solve_warm *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!priced_of || !w) {
        free(priced_of);
        free(w);
        return MM_ENOMEM;
    }
    w->n_emps = p->n_emps;
    w->lkind = calloc(n, 1);
    w->pkind = calloc(n, 1);
    w->lother = malloc(n * sizeof *w->lother);
    w->pother = malloc(n * sizeof *w->pother);
    size_t chosen = 0;
    for (size_t k = 0; k < ns->n_arcs; k++)
        priced_of[k] = -1;
    for (size_t j = 0; j < f->n_priced; j++)
        priced_of[f->priced_arc[j]] = (int32_t)j;
    for (size_t k = 0; k < ns->n_arcs; k++)
        chosen += (k < f->n_x || priced_of[k] >= 0) && ns->flow[k] > 0;
    w->chosen = malloc((chosen ? chosen : 1) * sizeof *w->chosen);
    if (!w->lkind || !w->pkind || !w->lother || !w->pother || !w->chosen) {
        free(priced_of);
        solve_warm_free(w);
        return MM_ENOMEM;
    }
    /* the pair of an x arc, problem or priced */
#define PAIR_OF(k) ((size_t)(k) < f->n_x ? x_pair(f, k) : &f->priced[priced_of[k]])
    for (size_t k = 0; k < ns->n_arcs; k++)
        if ((k < f->n_x || priced_of[k] >= 0) && ns->flow[k] > 0)
            w->chosen[w->n_chosen++] = *PAIR_OF(k);
    for (size_t e = 0; e < p->n_emps; e++) {
        int32_t u = f->lnode[e], k;
        w->lother[e] = w->pother[e] = -1;
        if (u) {
            k = ns->pred[u];
            if (k == f->yarc[e])
                w->lkind[e] = 'y';
            else if (k == f->zarc[e])
                w->lkind[e] = 'z';
            else if ((size_t)k < f->n_x || priced_of[k] >= 0) {
                w->lkind[e] = 'x';
                w->lother[e] = PAIR_OF(k)->partner;
            }
        }
        u = f->pnode[e];
        if (u) {
            k = ns->pred[u];
            if (k == f->sarc[e])
                w->pkind[e] = 's';
            else if ((size_t)k < f->n_x || priced_of[k] >= 0) {
                w->pkind[e] = 'x';
                w->pother[e] = PAIR_OF(k)->learner;
            }
        }
    }
#undef PAIR_OF
    free(priced_of);
    *out = w;
    return MM_OK;
}
