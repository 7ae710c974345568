/*
 * netsimplex.c - primal network simplex (see netsimplex.h).
 *
 * The tree: parent[u] and pred[u] (the tree arc to the parent, with up[u]
 * saying whether it points to the parent); a preorder threaded through
 * thread[] (circular, from the root) and back through rev_thread[];
 * succ_num[u] nodes in u's subtree, whose preorder segment ends at
 * last_succ[u]; slack[u], the room left on pred[u] for a push towards the
 * root and away from it (kept in step with its flow). One pivot walks the
 * cycle of the entering arc up to the join (the common ancestor), pushes
 * delta round it, re-hangs the subtree cut off by the leaving arc under the
 * entering arc, and shifts the potentials of that subtree; its cost is the
 * cycle plus the subtree.
 *
 * Strong feasibility: when every node can send a positive amount of flow
 * to the root along its tree path in the starting tree, choosing as the
 * leaving arc the last blocking arc met when the cycle is traversed from
 * the join in the direction of the push keeps that so, and a strongly
 * feasible tree cannot repeat: no cycling. A pivot limit guards it all.
 */
#include <stdlib.h>
#include <string.h>

#include "mentormatch.h"
#include "netsimplex.h"

/* Pricing block: about sqrt(arcs), never fewer than this. */
#define MIN_BLOCK 16
/* A search that passes more than 1/SPARSE_SHARE of the arcs to find an
   eligible one lists them all, up to a block of them (find_entering); an
   eager one (ns->eager), already past EAGER_BLOCKS blocks, up to four. */
#define SPARSE_SHARE 8
#define EAGER_BLOCKS 100
/* ns_run puts the nodes into the tree's preorder when they are at least
   REORDER_MIN_NODES, every (nodes + 2 arcs) / REORDER_SHARE pivots (what one
   renumbering reads and writes, about 20 ms at a million employees, spread
   over so many pivots), but no more often than every REORDER_MIN pivots
   (mentoring's final graph at a million: every 100,000 pivots 16.8-17.3 s,
   every 50,000 17.3-20.3 s, every 200,000 17.5 s) */
#define REORDER_SHARE 256
#define REORDER_MIN 10000
#define REORDER_MIN_NODES 4096

static void *xmalloc(size_t n, size_t size)
{
    return n <= SIZE_MAX / (size ? size : 1) ? malloc((n ? n : 1) * size) : NULL;
}

int ns_alloc(netsimplex *ns, int32_t n_nodes, size_t cap_arcs)
{
    size_t n = (size_t)(n_nodes > 0 ? n_nodes : 1);
    memset(ns, 0, sizeof *ns);
    ns->n_nodes = n_nodes;
    ns->cap_arcs = cap_arcs;
    ns->src = xmalloc(cap_arcs, sizeof *ns->src);
    ns->dst = xmalloc(cap_arcs, sizeof *ns->dst);
    ns->lo = xmalloc(cap_arcs, sizeof *ns->lo);
    ns->hi = xmalloc(cap_arcs, sizeof *ns->hi);
    ns->flow = xmalloc(cap_arcs, sizeof *ns->flow);
    ns->cost = xmalloc(cap_arcs, sizeof *ns->cost);
    ns->state = xmalloc(cap_arcs, sizeof *ns->state);
    ns->pred = xmalloc(n, sizeof *ns->pred);
    ns->parent = xmalloc(n, sizeof *ns->parent);
    ns->thread = xmalloc(n, sizeof *ns->thread);
    ns->rev_thread = xmalloc(n, sizeof *ns->rev_thread);
    ns->succ_num = xmalloc(n, sizeof *ns->succ_num);
    ns->last_succ = xmalloc(n, sizeof *ns->last_succ);
    ns->up = xmalloc(n, sizeof *ns->up);
    ns->slack = xmalloc(n, sizeof *ns->slack);
    ns->pi = xmalloc(n, sizeof *ns->pi);
    ns->reach = calloc(n, sizeof *ns->reach);
    ns->dirty = xmalloc(6 * n + 6, sizeof *ns->dirty);
    if (!ns->src || !ns->dst || !ns->lo || !ns->hi || !ns->flow || !ns->cost || !ns->state ||
        !ns->pred || !ns->parent || !ns->thread || !ns->rev_thread || !ns->succ_num ||
        !ns->last_succ || !ns->up || !ns->slack || !ns->pi || !ns->reach || !ns->dirty) {
        ns_free(ns);
        return MM_ENOMEM;
    }
    return MM_OK;
}

void ns_free(netsimplex *ns)
{
    free(ns->src), free(ns->dst), free(ns->lo), free(ns->hi), free(ns->flow);
    free(ns->cost), free(ns->state);
    free(ns->pred), free(ns->parent), free(ns->thread), free(ns->rev_thread);
    free(ns->succ_num), free(ns->last_succ), free(ns->up), free(ns->slack), free(ns->dirty);
    free(ns->pi), free(ns->pi_wide), free(ns->reach), free(ns->cand);
    memset(ns, 0, sizeof *ns);
}

static int grow(void **p, size_t n, size_t size)
{
    void *q = n <= SIZE_MAX / size ? realloc(*p, n * size) : NULL;
    if (!q)
        return MM_ENOMEM;
    *p = q;
    return MM_OK;
}

int ns_reserve(netsimplex *ns, size_t cap_arcs)
{
    if (cap_arcs <= ns->cap_arcs)
        return MM_OK;
    if (grow((void **)&ns->src, cap_arcs, sizeof *ns->src) ||
        grow((void **)&ns->dst, cap_arcs, sizeof *ns->dst) ||
        grow((void **)&ns->lo, cap_arcs, sizeof *ns->lo) ||
        grow((void **)&ns->hi, cap_arcs, sizeof *ns->hi) ||
        grow((void **)&ns->flow, cap_arcs, sizeof *ns->flow) ||
        grow((void **)&ns->cost, cap_arcs, sizeof *ns->cost) ||
        grow((void **)&ns->state, cap_arcs, sizeof *ns->state))
        return MM_ENOMEM; /* the arrays grown so far are bigger: harmless */
    ns->cap_arcs = cap_arcs;
    return MM_OK;
}

int ns_permute(netsimplex *ns, const int32_t *order)
{
    size_t m = ns->n_arcs;
    int64_t *tmp = xmalloc(m, sizeof *tmp); /* one array at a time goes through it */
    if (!tmp)
        return MM_ENOMEM;
    int32_t *narrow[] = {ns->src, ns->dst, ns->lo, ns->hi, ns->flow}, *t32 = (int32_t *)tmp;
    for (size_t i = 0; i < sizeof narrow / sizeof *narrow; i++) {
        for (size_t k = 0; k < m; k++)
            t32[k] = narrow[i][order[k]];
        memcpy(narrow[i], t32, m * sizeof *t32);
    }
    for (size_t k = 0; k < m; k++)
        tmp[k] = ns->cost[order[k]];
    memcpy(ns->cost, tmp, m * sizeof *tmp);
    int8_t *t8 = (int8_t *)tmp;
    for (size_t k = 0; k < m; k++)
        t8[k] = ns->state[order[k]];
    memcpy(ns->state, t8, m);
    free(tmp);
    return MM_OK;
}

/* Narrow potentials while 3 root_reach + 2 reach_sum stays below this: a
   tree path costs at most 2 root_reach + reach_sum, a reduced cost one arc
   more, and the sums on the way stay within int64_t. */
#define NARROW_LIMIT ((__int128)1 << 61)

static int64_t magnitude(int64_t cost)
{
    return cost == INT64_MIN ? INT64_MAX : cost < 0 ? -cost : cost;
}

/* Whether the path bound, with an arc (src, dst, cost) more, allows narrow potentials. */
static bool narrow_with(const netsimplex *ns, int32_t src, int32_t dst, int64_t cost)
{
    __int128 c = magnitude(cost), root = ns->root_reach, sum = ns->reach_sum;
    if (src == 0 || dst == 0)
        root = c > root ? c : root;
    else
        sum += (c > ns->reach[src] ? c - ns->reach[src] : 0) +
               (c > ns->reach[dst] ? c - ns->reach[dst] : 0);
    return 3 * root + 2 * sum < NARROW_LIMIT;
}

/* Counts arc (src, dst, cost) into the path bound. */
static void note_reach(netsimplex *ns, int32_t src, int32_t dst, int64_t cost)
{
    int64_t c = magnitude(cost);
    if (src == 0 || dst == 0) {
        if (c > ns->root_reach)
            ns->root_reach = c;
        return;
    }
    int32_t ends[2] = {src, dst};
    for (int i = 0; i < 2; i++) {
        int32_t w = ends[i];
        if (c > ns->reach[w]) {
            /* saturates: beyond NARROW_LIMIT the value no longer matters */
            __int128 sum = (__int128)ns->reach_sum + (c - ns->reach[w]);
            ns->reach_sum = sum > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)sum;
            ns->reach[w] = c;
        }
    }
}

/* To 128-bit potentials (for good). MM_OK or MM_ENOMEM (ns unchanged). */
static int widen(netsimplex *ns)
{
    size_t n = (size_t)(ns->n_nodes > 0 ? ns->n_nodes : 1);
    if (!ns->pi_wide && !(ns->pi_wide = xmalloc(n, sizeof *ns->pi_wide)))
        return MM_ENOMEM;
    for (int32_t u = 0; u < ns->n_nodes; u++)
        ns->pi_wide[u] = ns->pi[u];
    ns->wide = true;
    return MM_OK;
}

int ns_add_arc(netsimplex *ns, int32_t src, int32_t dst, int32_t lo, int32_t hi, int64_t cost)
{
    int rc;
    if (ns->n_arcs == ns->cap_arcs &&
        (rc = ns_reserve(ns, ns->cap_arcs + ns->cap_arcs / 2 + 16)) != MM_OK)
        return rc;
    /* started (ns->block set) with narrow potentials the arc would overflow */
    if (ns->block && !ns->wide && !narrow_with(ns, src, dst, cost) && (rc = widen(ns)) != MM_OK)
        return rc;
    if (src >= 0 && src < ns->n_nodes && dst >= 0 && dst < ns->n_nodes)
        note_reach(ns, src, dst, cost); /* ns_start refuses the others */
    size_t k = ns->n_arcs++;
    ns->src[k] = src;
    ns->dst[k] = dst;
    ns->lo[k] = lo;
    ns->hi[k] = hi;
    ns->flow[k] = lo;
    ns->cost[k] = cost;
    ns->state[k] = lo < hi ? NS_LOWER : NS_TREE;
    return MM_OK;
}

ns_pot ns_reduced_cost(const netsimplex *ns, size_t a)
{
    return (ns_pot)ns->cost[a] + ns_potential(ns, ns->src[a]) - ns_potential(ns, ns->dst[a]);
}

static int32_t other_end(const netsimplex *ns, int32_t a, int32_t u)
{
    return ns->src[a] == u ? ns->dst[a] : ns->src[a];
}

/* ---- start: the caller's tree into thread, sizes and potentials --------- */

/* slack[u] from its tree arc pred[u] (u not the root). */
static void set_slack(netsimplex *ns, int32_t u)
{
    int32_t a = ns->pred[u];
    int64_t along = (int64_t)ns->hi[a] - ns->flow[a], against = (int64_t)ns->flow[a] - ns->lo[a];
    ns->slack[u] = ns->up[u] ? (ns_slack){along, against} : (ns_slack){against, along};
}

int ns_start(netsimplex *ns)
{
    int rc = MM_EINTERNAL;
    int32_t n = ns->n_nodes;
    size_t m = ns->n_arcs;
    int32_t *first = NULL, *child = NULL, *order = NULL, *pos = NULL;
    int64_t *balance = NULL;
    uint8_t *in_tree = NULL;

    if (n <= 0)
        return MM_EINTERNAL;
    first = calloc((size_t)n + 1, sizeof *first);
    child = xmalloc((size_t)n, sizeof *child);
    order = xmalloc((size_t)n, sizeof *order);
    pos = xmalloc((size_t)n, sizeof *pos);
    balance = calloc((size_t)n, sizeof *balance);
    in_tree = calloc(m ? m : 1, 1);
    if (!first || !child || !order || !pos || !balance || !in_tree) {
        rc = MM_ENOMEM;
        goto done;
    }
    /* arcs: in range, flows within bounds and balanced */
    for (size_t a = 0; a < m; a++) {
        if (ns->src[a] < 0 || ns->src[a] >= n || ns->dst[a] < 0 || ns->dst[a] >= n ||
            ns->lo[a] > ns->hi[a] || ns->flow[a] < ns->lo[a] || ns->flow[a] > ns->hi[a])
            goto done;
        balance[ns->src[a]] -= ns->flow[a];
        balance[ns->dst[a]] += ns->flow[a];
    }
    for (int32_t u = 0; u < n; u++)
        if (balance[u] != 0)
            goto done;
    /* the tree: children lists from pred[] */
    ns->parent[0] = -1;
    ns->pred[0] = -1;
    ns->up[0] = 0;
    for (int32_t u = 1; u < n; u++) {
        int32_t a = ns->pred[u];
        if (a < 0 || (size_t)a >= m || in_tree[a] || (ns->src[a] != u && ns->dst[a] != u))
            goto done;
        in_tree[a] = 1;
        ns->parent[u] = other_end(ns, a, u);
        ns->up[u] = ns->src[a] == u;
        first[ns->parent[u] + 1]++;
    }
    for (int32_t u = 0; u < n; u++)
        first[u + 1] += first[u];
    for (int32_t u = 1; u < n; u++)
        child[first[ns->parent[u]]++] = u;
    for (int32_t u = n; u > 0; u--)
        first[u] = first[u - 1];
    first[0] = 0;
    /* preorder from the root, iteratively: order doubles as the stack's output */
    int32_t n_order = 0, top = 0;
    int32_t *stack = ns->dirty; /* 6n + 6 entries */
    stack[top++] = 0;
    while (top > 0) {
        int32_t u = stack[--top];
        if (n_order >= n)
            goto done;
        pos[u] = n_order;
        order[n_order++] = u;
        for (int32_t k = first[u + 1] - 1; k >= first[u]; k--)
            stack[top++] = child[k];
    }
    if (n_order != n) /* a cycle among the non-root nodes: not a spanning tree */
        goto done;
    for (int32_t i = 0; i < n; i++) {
        int32_t u = order[i], v = order[(i + 1) % n];
        ns->thread[u] = v;
        ns->rev_thread[v] = u;
        ns->succ_num[u] = 1;
    }
    for (int32_t i = n - 1; i > 0; i--)
        ns->succ_num[ns->parent[order[i]]] += ns->succ_num[order[i]];
    for (int32_t u = 0; u < n; u++)
        ns->last_succ[u] = order[pos[u] + ns->succ_num[u] - 1];
    ns->slack[0] = (ns_slack){0, 0};
    for (int32_t u = 1; u < n; u++)
        set_slack(ns, u);
    /* potentials down the preorder: narrow when the path bound allows
       (counted afresh: a caller may have filled the arcs itself) */
    memset(ns->reach, 0, (size_t)n * sizeof *ns->reach);
    ns->root_reach = ns->reach_sum = 0;
    for (size_t a = 0; a < m; a++)
        note_reach(ns, ns->src[a], ns->dst[a], ns->cost[a]);
    ns->wide = 3 * (__int128)ns->root_reach + 2 * (__int128)ns->reach_sum >= NARROW_LIMIT;
    if (ns->wide && !ns->pi_wide && !(ns->pi_wide = xmalloc((size_t)n, sizeof *ns->pi_wide))) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (ns->wide) {
        ns->pi_wide[0] = 0;
        for (int32_t i = 1; i < n; i++) {
            int32_t u = order[i], a = ns->pred[u];
            ns->pi_wide[u] = ns->up[u] ? ns->pi_wide[ns->parent[u]] - ns->cost[a]
                                       : ns->pi_wide[ns->parent[u]] + ns->cost[a];
        }
    } else {
        ns->pi[0] = 0;
        for (int32_t i = 1; i < n; i++) {
            int32_t u = order[i], a = ns->pred[u];
            ns->pi[u] = ns->up[u] ? ns->pi[ns->parent[u]] - ns->cost[a]
                                  : ns->pi[ns->parent[u]] + ns->cost[a];
        }
    }
    /* states of the other arcs */
    for (size_t a = 0; a < m; a++) {
        if (in_tree[a] || ns->lo[a] == ns->hi[a])
            ns->state[a] = NS_TREE;
        else if (ns->flow[a] == ns->lo[a])
            ns->state[a] = NS_LOWER;
        else if (ns->flow[a] == ns->hi[a])
            ns->state[a] = NS_UPPER;
        else
            goto done;
    }
    size_t block = MIN_BLOCK;
    while (block * block < m)
        block++;
    ns->block = block;
    ns->next_arc = 0;
    ns->n_cand = 0;
    ns->n_runner = 0;
    ns->pivots = 0;
    ns->listings = 0;
    ns->local = NULL; /* a started tree is no optimum */
    rc = MM_OK;
done:
    free(first), free(child), free(order), free(pos), free(balance), free(in_tree);
    return rc;
}

/* ---- one pivot ----------------------------------------------------------- */

/*
 * Block search: the most negative signed reduced cost of the first block
 * that has one, from arc *next on; *next moves past the block searched.
 * SIZE_MAX when no arc has one. The same loop for either width. The scan
 * is most of a pivot's time: it runs over contiguous stretches of arcs,
 * and a tree arc (state 0) costs no branch, its signed reduced cost being
 * 0, never below best (measured at 100k: a quarter to a third less time
 * per solve, the same pivots). top[0 .. n_top) are the most negative
 * arcs met, best first, up to keep of them; best is the last one's signed
 * reduced cost once there are keep (0 before), so with keep = 1 the loop
 * is the plain search.
 */
#define SCAN_BLOCKS(POT, PI)                                                                      \
    do {                                                                                          \
        const POT *pi = (PI);                                                                     \
        POT best = 0, top_rc[NS_RUNNERS_MAX + 1];                                                 \
        for (size_t done = 0; done < m;) {                                                        \
            size_t end = e + left < m ? e + left : m;                                             \
            done += end - e;                                                                      \
            left -= end - e;                                                                      \
            for (; e < end; e++) {                                                                \
                POT rc = (POT)state[e] * ((POT)cost[e] + pi[src[e]] - pi[dst[e]]);                \
                if (rc < best) {                                                                  \
                    int k = n_top < keep ? n_top++ : n_top - 1;                                   \
                    for (; k > 0 && top_rc[k - 1] > rc; k--) {                                    \
                        top_rc[k] = top_rc[k - 1];                                                \
                        top[k] = top[k - 1];                                                      \
                    }                                                                             \
                    top_rc[k] = rc;                                                               \
                    top[k] = (int32_t)e;                                                          \
                    best = n_top < keep ? 0 : top_rc[n_top - 1];                                  \
                    best_arc = (size_t)top[0];                                                    \
                }                                                                                 \
            }                                                                                     \
            if (e == m)                                                                           \
                e = 0;                                                                            \
            if (left == 0) {                                                                      \
                if (best_arc != SIZE_MAX)                                                         \
                    break;                                                                        \
                left = ns->block;                                                                 \
            }                                                                                     \
        }                                                                                         \
    } while (0)

/* Arc a's reduced cost signed by its state: negative when it may enter. */
static ns_pot signed_rc(const netsimplex *ns, size_t a)
{
    return ns->state[a] * ns_reduced_cost(ns, a);
}

/*
 * Drops the arcs of list[0 .. *n) no longer eligible, keeping the others in
 * their order, and returns the index of the most negative one left (the
 * first of equals), or -1 when none is left.
 */
static int64_t best_eligible(const netsimplex *ns, int32_t *list, size_t *n)
{
    size_t kept = 0;
    int64_t best_at = -1;
    ns_pot best = 0;
    for (size_t i = 0; i < *n; i++) {
        int32_t a = list[i];
        ns_pot rc = (size_t)a < ns->n_arcs ? signed_rc(ns, (size_t)a) : 0;
        if (rc >= 0)
            continue;
        if (rc < best) {
            best = rc;
            best_at = (int64_t)kept;
        }
        list[kept++] = a;
    }
    *n = kept;
    return best_at;
}

/* The sparse search's list: its best arc enters and stays listed (it drops
   out once no longer eligible); false when none is left. */
static bool pick_listed(netsimplex *ns)
{
    int64_t i = best_eligible(ns, ns->cand, &ns->n_cand);
    if (i < 0)
        return false;
    ns->in_arc = ns->cand[i];
    return true;
}

/* The runners-up: the best still eligible enters and leaves the list;
   false when none is left. */
static bool pick_runner(netsimplex *ns)
{
    size_t n = (size_t)ns->n_runner;
    int64_t i = best_eligible(ns, ns->runner, &n);
    ns->n_runner = (int32_t)n;
    if (i < 0)
        return false;
    ns->in_arc = ns->runner[i];
    ns->runner[i] = ns->runner[--ns->n_runner];
    return true;
}

/* The loop of list_eligible for either width (as SCAN_BLOCKS). */
#define LIST_ELIGIBLE(POT, PI)                                                                    \
    do {                                                                                          \
        const POT *pi = (PI);                                                                     \
        for (size_t a = 0; a < m; a++) {                                                          \
            if ((POT)state[a] * ((POT)cost[a] + pi[src[a]] - pi[dst[a]]) < 0) {                   \
                if (n == cap)                                                                     \
                    return false;                                                                 \
                ns->cand[n++] = (int32_t)a;                                                       \
            }                                                                                     \
        }                                                                                         \
    } while (0)

/*
 * Lists every eligible arc, in one pass over all of them; false when they
 * are more than the list may hold (then not sparse after all) or there is
 * no room.
 */
static bool list_eligible(netsimplex *ns)
{
    ns->listings++;
    size_t m = ns->n_arcs;
    if (!ns->cand) {
        size_t cap = 4 * ns->block + 64;
        if (!(ns->cand = malloc(cap * sizeof *ns->cand)))
            return false; /* block search alone: slower, not wrong */
        ns->cap_cand = cap;
    }
    const int8_t *state = ns->state;
    const int32_t *src = ns->src, *dst = ns->dst;
    const int64_t *cost = ns->cost;
    size_t n = 0, cap = ns->cap_cand;
    if (!ns->eager && ns->block < cap)
        cap = ns->block;
    ns->n_cand = 0;
    if (ns->wide)
        LIST_ELIGIBLE(ns_pot, ns->pi_wide);
    else
        LIST_ELIGIBLE(int64_t, ns->pi);
    ns->n_cand = n;
    return true;
}

/* Arc a onto the array *v of *n (room for *cap), which doubles as needed
   (local pricing's lists); false when there is no room. */
static bool push_arc(int32_t **v, size_t *n, size_t *cap, int32_t a)
{
    if (*n == *cap) {
        size_t more = *cap ? 2 * *cap : 1024;
        int32_t *grown = realloc(*v, more * sizeof *grown);
        if (!grown)
            return false;
        *v = grown;
        *cap = more;
    }
    (*v)[(*n)++] = a;
    return true;
}

/*
 * Local pricing's search: the eligible arcs of the queued nodes join the
 * list, and the most negative of the list and of the arcs added since the
 * index enters; false when none is eligible (the optimum).
 */
static bool find_local(netsimplex *ns)
{
    ns_local *loc = ns->local;
    for (size_t i = 0; i < loc->n_queue; i++) {
        int32_t u = loc->queue[i];
        loc->queued[u] = 0;
        if (!loc->seen[u]) {
            loc->seen[u] = 1;
            if (!loc->seen_lost && !push_arc(&loc->seen_list, &loc->n_seen, &loc->cap_seen, u))
                loc->seen_lost = true;
        }
        for (size_t k = loc->first[u]; k < loc->first[u + 1] && !loc->lost; k++)
            if (signed_rc(ns, (size_t)loc->arcs[k]) < 0 &&
                !push_arc(&ns->cand, &ns->n_cand, &ns->cap_cand, loc->arcs[k]))
                loc->lost = true;
    }
    loc->n_queue = 0;
    int64_t i = best_eligible(ns, ns->cand, &ns->n_cand);
    ns_pot best = i >= 0 ? signed_rc(ns, (size_t)ns->cand[i]) : 0;
    size_t best_arc = i >= 0 ? (size_t)ns->cand[i] : SIZE_MAX;
    for (size_t a = loc->base; a < ns->n_arcs; a++) {
        ns_pot rc = signed_rc(ns, a);
        if (rc < best) {
            best = rc;
            best_arc = a;
        }
    }
    if (best_arc == SIZE_MAX)
        return false;
    ns->in_arc = (int32_t)best_arc;
    return true;
}

static bool find_entering(netsimplex *ns)
{
    size_t m = ns->n_arcs, e = ns->next_arc, left = ns->block;
    const int8_t *state = ns->state;
    const int32_t *src = ns->src, *dst = ns->dst;
    const int64_t *cost = ns->cost;
    size_t best_arc = SIZE_MAX;

    if (m == 0)
        return false;
    if (ns->local && !ns->local->lost) {
        bool found = find_local(ns);
        if (found || !ns->local->lost)
            return found;
        /* an eligible arc did not fit the list: none found proves nothing */
    }
    if (ns->n_cand > 0 && pick_listed(ns))
        return true;
    if (ns->n_runner > 0 && pick_runner(ns))
        return true;
    int32_t top[NS_RUNNERS_MAX + 1];
    int n_top = 0, keep = 1 + (ns->runners < 0               ? 0
                               : ns->runners > NS_RUNNERS_MAX ? NS_RUNNERS_MAX
                                                              : ns->runners);
    if (e >= m)
        e = 0;
    size_t start = e;
    if (ns->wide)
        SCAN_BLOCKS(ns_pot, ns->pi_wide);
    else
        SCAN_BLOCKS(int64_t, ns->pi);
    if (best_arc == SIZE_MAX)
        return false;
    size_t scanned = e > start ? e - start : e + m - start;
    size_t sparse = m / SPARSE_SHARE;
    if (ns->eager && EAGER_BLOCKS * ns->block < sparse)
        sparse = EAGER_BLOCKS * ns->block;
    if (scanned > sparse && list_eligible(ns) && pick_listed(ns))
        return true;
    ns->in_arc = (int32_t)best_arc;
    ns->next_arc = e;
    for (int i = 1; i < n_top; i++)
        ns->runner[ns->n_runner++] = top[i];
    return true;
}

static void find_join(netsimplex *ns)
{
    int32_t u = ns->src[ns->in_arc], v = ns->dst[ns->in_arc];
    while (u != v) {
        if (ns->succ_num[u] < ns->succ_num[v])
            u = ns->parent[u];
        else
            v = ns->parent[v];
    }
    ns->join = u;
}

/*
 * The leaving arc: the push runs from `first` across the entering arc to
 * `second`, so it goes down the tree from the join to first and up from
 * second to the join. Ties go to the arc met last from the join on: the
 * deepest on first's side, the highest on second's. Returns false when
 * the entering arc itself blocks (it only changes bound).
 */
static bool find_leaving(netsimplex *ns)
{
    int32_t in = ns->in_arc, first, second;
    if (ns->state[in] == NS_LOWER)
        first = ns->src[in], second = ns->dst[in];
    else
        first = ns->dst[in], second = ns->src[in];
    int64_t delta = (int64_t)ns->hi[in] - ns->lo[in];
    int result = 0;
    for (int32_t u = first; u != ns->join; u = ns->parent[u]) {
        int64_t d = ns->slack[u].away;
        if (d < delta) {
            delta = d;
            ns->u_out = u;
            result = 1;
        }
    }
    for (int32_t u = second; u != ns->join; u = ns->parent[u]) {
        int64_t d = ns->slack[u].toward;
        if (d <= delta) {
            delta = d;
            ns->u_out = u;
            result = 2;
        }
    }
    ns->delta = delta;
    if (result == 1)
        ns->u_in = first, ns->v_in = second;
    else
        ns->u_in = second, ns->v_in = first;
    return result != 0;
}

/* Local pricing: arc a's flow changed (ns_local.touched). */
static void touch(ns_local *loc, int32_t a)
{
    if (!loc->touched_lost && !push_arc(&loc->touched, &loc->n_touched, &loc->cap_touched, a))
        loc->touched_lost = true;
}

static void change_flow(netsimplex *ns, bool change)
{
    int32_t in = ns->in_arc;
    if (ns->delta > 0) {
        int32_t val = (int32_t)(ns->state[in] * ns->delta);
        ns_local *loc = ns->local;
        ns->flow[in] += val;
        if (loc)
            touch(loc, in);
        for (int32_t u = ns->src[in]; u != ns->join; u = ns->parent[u]) {
            ns->flow[ns->pred[u]] += ns->up[u] ? -val : val;
            set_slack(ns, u);
            if (loc)
                touch(loc, ns->pred[u]);
        }
        for (int32_t u = ns->dst[in]; u != ns->join; u = ns->parent[u]) {
            ns->flow[ns->pred[u]] += ns->up[u] ? val : -val;
            set_slack(ns, u);
            if (loc)
                touch(loc, ns->pred[u]);
        }
    }
    if (change) {
        int32_t out = ns->pred[ns->u_out];
        ns->state[in] = NS_TREE;
        ns->state[out] = ns->lo[out] == ns->hi[out] ? NS_TREE
                         : ns->flow[out] == ns->lo[out] ? NS_LOWER
                                                        : NS_UPPER;
    } else {
        ns->state[in] = (int8_t)-ns->state[in];
    }
}

/*
 * Re-hangs the subtree T of u_out (old preorder segment u_out .. L) from
 * u_in under v_in. The stem s_0 = u_in, s_1, ..., s_k = u_out (parents)
 * reverses. T's new preorder is s_0's old segment, then for each s_i its
 * old segment less s_(i-1)'s: the part before it and the part after it.
 */
static void update_tree(netsimplex *ns)
{
    int32_t *thread = ns->thread, *rev = ns->rev_thread, *parent = ns->parent;
    int32_t *last = ns->last_succ, *succ = ns->succ_num;
    int32_t u_in = ns->u_in, v_in = ns->v_in, u_out = ns->u_out, join = ns->join;
    int32_t v_out = parent[u_out];
    int32_t old_last = last[u_out], size = succ[u_out];
    int32_t before = rev[u_out], after_t = thread[old_last];

    /* T's segments in their new order, read from the old tree */
    int32_t *seg = ns->dirty, n_seg = 0;
    seg[n_seg++] = u_in;
    seg[n_seg++] = last[u_in];
    for (int32_t prev = u_in, s = parent[u_in]; prev != u_out; prev = s, s = parent[s]) {
        seg[n_seg++] = s; /* s up to just before prev's segment */
        seg[n_seg++] = rev[prev];
        if (last[s] != last[prev]) { /* the part after prev's segment */
            seg[n_seg++] = thread[last[prev]];
            seg[n_seg++] = last[s];
        }
    }
    int32_t new_last = seg[n_seg - 1];

    /* the stem, from u_in up; then it reverses: s_i hangs from s_(i-1)
       through the arc that joined them, and keeps T less s_(i-1)'s old subtree */
    int32_t *stem = seg + n_seg, k = 0;
    for (int32_t s = u_in;; s = parent[s]) {
        stem[k++] = s;
        if (s == u_out)
            break;
    }
    for (int32_t i = k - 1; i >= 1; i--) {
        int32_t s = stem[i], below = stem[i - 1];
        parent[s] = below;
        ns->pred[s] = ns->pred[below];
        ns->up[s] = (int8_t)!ns->up[below];
        ns->slack[s] = (ns_slack){ns->slack[below].away, ns->slack[below].toward};
        succ[s] = size - succ[below];
        last[s] = new_last;
    }
    parent[u_in] = v_in;
    ns->pred[u_in] = ns->in_arc;
    ns->up[u_in] = ns->src[ns->in_arc] == u_in;
    set_slack(ns, u_in);
    succ[u_in] = size;
    last[u_in] = new_last;

    /* detach T, link its segments, insert them after v_in */
    thread[before] = after_t;
    rev[after_t] = before;
    for (int32_t i = 1; i + 1 < n_seg; i += 2) {
        thread[seg[i]] = seg[i + 1];
        rev[seg[i + 1]] = seg[i];
    }
    int32_t after_v = thread[v_in];
    thread[v_in] = u_in;
    rev[u_in] = v_in;
    thread[new_last] = after_v;
    rev[after_v] = new_last;

    /* last_succ outside T: ends of segments that held T, then those ending at v_in */
    int32_t repl = before == v_in ? new_last : before;
    for (int32_t u = v_out; u >= 0 && last[u] == old_last; u = parent[u])
        last[u] = repl;
    for (int32_t u = v_in; u >= 0 && last[u] == v_in; u = parent[u])
        last[u] = new_last;
    /* succ_num outside T */
    for (int32_t u = v_in; u != join; u = parent[u])
        succ[u] += size;
    for (int32_t u = v_out; u != join; u = parent[u])
        succ[u] -= size;
}

/* The subtree re-hung under v_in shifts by what makes the entering arc's reduced cost 0. */
static void update_potentials(netsimplex *ns)
{
    int32_t in = ns->in_arc, u_in = ns->u_in;
    int32_t end = ns->thread[ns->last_succ[u_in]];
    ns_pot sigma = ns_potential(ns, ns->v_in) - ns_potential(ns, u_in) +
                   (ns->src[in] == u_in ? -(ns_pot)ns->cost[in] : (ns_pot)ns->cost[in]);
    if (ns->moved)
        for (int32_t u = u_in; u != end; u = ns->thread[u])
            ns->moved[ns->node_of ? ns->node_of[u] : u] = 1;
    if (ns->local) {
        ns_local *loc = ns->local;
        for (int32_t u = u_in; u != end; u = ns->thread[u])
            if (!loc->queued[u]) {
                loc->queued[u] = 1;
                loc->queue[loc->n_queue++] = u;
            }
    }
    if (ns->wide) {
        for (int32_t u = u_in; u != end; u = ns->thread[u])
            ns->pi_wide[u] += sigma;
    } else {
        int64_t step = (int64_t)sigma; /* within the path bound */
        for (int32_t u = u_in; u != end; u = ns->thread[u])
            ns->pi[u] += step;
    }
}

/* ---- node order: the tree's preorder in memory --------------------------- */

/*
 * Most of a pivot's time is spent walking the tree: up from the entering
 * arc's ends to their join, and along the thread through the subtree whose
 * potentials move. Each step reads the next node's entry, at random in
 * arrays of a million nodes, so each step waits for memory. Numbering the
 * nodes in the tree's preorder makes a subtree a run of consecutive
 * entries and a chain of single children consecutive too, and the walks
 * read memory in order. The tree changes with every pivot, so ns_run
 * renumbers every so many pivots, and puts the caller's numbering back
 * before it returns: outside ns_run nodes are always the caller's. (Keeping
 * learners and partners apart, each in preorder, so that the block search
 * reads the partners' potentials in one place, was slower: 21.3-21.5 s
 * against 17.0-18.8 s on mentoring's final graph at a million; so was
 * renumbering only the tree's arrays, the arcs and potentials kept in the
 * caller's numbers: 18.6 and 19.0 s against 18.4 and 18.6 s.)
 */

/* Renames node u as newid[u] (a permutation that keeps the root 0) in every
   node array ns_run reads and at both ends of every arc (not reach, which
   only ns_add_arc and ns_start read, nor the potentials of the other width,
   which are stale); tmp has room for n ns_pot. */
static void rename_nodes(netsimplex *ns, const int32_t *newid, void *tmp)
{
    size_t n = (size_t)ns->n_nodes;
    int32_t *t32 = tmp;
    int32_t *ids[] = {ns->parent, ns->thread, ns->rev_thread, ns->last_succ};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        for (size_t u = 0; u < n; u++)
            t32[newid[u]] = ids[i][u] < 0 ? ids[i][u] : newid[ids[i][u]];
        memcpy(ids[i], t32, n * sizeof *t32);
    }
    int32_t *plain[] = {ns->pred, ns->succ_num};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        for (size_t u = 0; u < n; u++)
            t32[newid[u]] = plain[i][u];
        memcpy(plain[i], t32, n * sizeof *t32);
    }
    int8_t *t8 = tmp;
    for (size_t u = 0; u < n; u++)
        t8[newid[u]] = ns->up[u];
    memcpy(ns->up, t8, n);
    ns_slack *ts = tmp;
    for (size_t u = 0; u < n; u++)
        ts[newid[u]] = ns->slack[u];
    memcpy(ns->slack, ts, n * sizeof *ts);
    if (ns->wide) {
        ns_pot *tp = tmp;
        for (size_t u = 0; u < n; u++)
            tp[newid[u]] = ns->pi_wide[u];
        memcpy(ns->pi_wide, tp, n * sizeof *tp);
    } else {
        int64_t *t64 = tmp;
        for (size_t u = 0; u < n; u++)
            t64[newid[u]] = ns->pi[u];
        memcpy(ns->pi, t64, n * sizeof *t64);
    }
    for (size_t a = 0; a < ns->n_arcs; a++) {
        ns->src[a] = newid[ns->src[a]];
        ns->dst[a] = newid[ns->dst[a]];
    }
}

typedef struct node_order {
    int32_t *node_of; /* per node, the caller's number; NULL: the caller's order */
    int32_t *newid;
    void *tmp;
} node_order;

/* Nodes into the tree's preorder. MM_OK or MM_ENOMEM (the order as it was). */
static int to_preorder(netsimplex *ns, node_order *o)
{
    size_t n = (size_t)ns->n_nodes;
    if (!o->tmp) {
        o->tmp = xmalloc(n, sizeof(ns_pot));
        o->newid = xmalloc(n, sizeof *o->newid);
        o->node_of = xmalloc(n, sizeof *o->node_of);
        if (!o->tmp || !o->newid || !o->node_of) {
            free(o->tmp), free(o->newid), free(o->node_of);
            memset(o, 0, sizeof *o);
            return MM_ENOMEM;
        }
        for (size_t u = 0; u < n; u++)
            o->node_of[u] = (int32_t)u;
    }
    int32_t u = 0;
    for (size_t k = 0; k < n; k++, u = ns->thread[u])
        o->newid[u] = (int32_t)k;
    rename_nodes(ns, o->newid, o->tmp);
    int32_t *t32 = o->tmp;
    for (size_t v = 0; v < n; v++)
        t32[o->newid[v]] = o->node_of[v];
    memcpy(o->node_of, t32, n * sizeof *t32);
    ns->node_of = o->node_of;
    return MM_OK;
}

/* The caller's numbering back, and the scratch freed. */
static void to_callers(netsimplex *ns, node_order *o)
{
    if (o->node_of)
        rename_nodes(ns, o->node_of, o->tmp);
    ns->node_of = NULL;
    free(o->tmp), free(o->newid), free(o->node_of);
    memset(o, 0, sizeof *o);
}

int ns_run(netsimplex *ns)
{
    uint64_t limit = 50 * ((uint64_t)ns->n_arcs + (uint64_t)ns->n_nodes) + 1000000;
    uint64_t every = ((uint64_t)ns->n_nodes + 2 * (uint64_t)ns->n_arcs) / REORDER_SHARE;
    if (every < REORDER_MIN)
        every = REORDER_MIN;
    if (ns->reorder_every)
        every = ns->reorder_every;
    node_order order = {0};
    int rc = MM_OK;
    bool reorder = !ns->local && (ns->reorder_every || ns->n_nodes >= REORDER_MIN_NODES);
    while (find_entering(ns)) {
        find_join(ns);
        bool change = find_leaving(ns);
        if (ns->delta >= INT32_MAX / 2) {
            rc = MM_EINTERNAL; /* unbounded */
            break;
        }
        change_flow(ns, change);
        if (change) {
            update_tree(ns);
            update_potentials(ns);
        }
        if (++ns->pivots > limit) {
            rc = MM_EINTERNAL;
            break;
        }
        if (reorder && ns->pivots % every == 0 && (rc = to_preorder(ns, &order)) != MM_OK)
            break;
    }
    to_callers(ns, &order);
    return rc;
}

/* Arc a's optimality conditions: ends in range, flow within bounds, above
   lo only when its reduced cost is <= 0, below hi only when >= 0. */
static bool arc_optimal(const netsimplex *ns, size_t a)
{
    int32_t n = ns->n_nodes, f = ns->flow[a];
    if (ns->src[a] < 0 || ns->src[a] >= n || ns->dst[a] < 0 || ns->dst[a] >= n)
        return false;
    ns_pot rc = ns_reduced_cost(ns, a);
    return f >= ns->lo[a] && f <= ns->hi[a] && (f == ns->lo[a] || rc <= 0) &&
           (f == ns->hi[a] || rc >= 0);
}

int ns_certify(const netsimplex *ns)
{
    int32_t n = ns->n_nodes;
    bool ok = n > 0;
    int64_t *balance = calloc((size_t)(n > 0 ? n : 1), sizeof *balance);
    if (!balance)
        return MM_ENOMEM;
    for (size_t a = 0; ok && a < ns->n_arcs; a++) {
        int32_t f = ns->flow[a];
        ok = arc_optimal(ns, a);
        if (ok) {
            balance[ns->src[a]] -= f;
            balance[ns->dst[a]] += f;
        }
    }
    for (int32_t u = 0; ok && u < n; u++)
        ok = balance[u] == 0;
    free(balance);
    return ok ? MM_OK : MM_EINTERNAL;
}

/* Arc a's ends onto nodes[*n], each node once (check marks them). */
static void list_ends(const netsimplex *ns, int32_t a, uint8_t *check, int32_t *nodes, size_t *n)
{
    int32_t ends[2] = {ns->src[a], ns->dst[a]};
    for (int i = 0; i < 2; i++)
        if (!check[ends[i]]) {
            check[ends[i]] = 1;
            nodes[(*n)++] = ends[i];
        }
}

int ns_certify_local(const netsimplex *ns)
{
    const ns_local *loc = ns->local;
    if (!loc || loc->lost || loc->touched_lost || loc->seen_lost)
        return ns_certify(ns);
    size_t n = (size_t)ns->n_nodes, m = ns->n_arcs;
    /* the flow the arcs added since give each node, and the nodes to balance */
    int64_t *extra = calloc(n ? n : 1, sizeof *extra);
    uint8_t *check = calloc(n ? n : 1, 1);
    int32_t *nodes = xmalloc(2 * (loc->n_touched + (m - loc->base)), sizeof *nodes);
    bool ok = true;
    size_t n_nodes = 0;
    if (!extra || !check || !nodes) {
        free(extra), free(check), free(nodes);
        return MM_ENOMEM;
    }
    for (size_t a = loc->base; ok && a < m; a++) {
        ok = arc_optimal(ns, a);
        if (ok) {
            extra[ns->src[a]] -= ns->flow[a];
            extra[ns->dst[a]] += ns->flow[a];
            list_ends(ns, (int32_t)a, check, nodes, &n_nodes);
        }
    }
    for (size_t i = 0; ok && i < loc->n_touched; i++) {
        int32_t a = loc->touched[i];
        ok = a >= 0 && (size_t)a < m && arc_optimal(ns, (size_t)a);
        if (ok)
            list_ends(ns, a, check, nodes, &n_nodes);
    }
    for (size_t i = 0; ok && i < n_nodes; i++) {
        int32_t u = nodes[i];
        int64_t balance = extra[u];
        for (size_t k = loc->first[u]; k < loc->first[u + 1]; k++) {
            int32_t a = loc->arcs[k];
            if (ns->src[a] != ns->dst[a]) /* a loop is listed twice and balances */
                balance += ns->dst[a] == u ? ns->flow[a] : -(int64_t)ns->flow[a];
        }
        ok = balance == 0;
    }
    for (size_t i = 0; ok && i < loc->n_seen; i++) {
        int32_t u = loc->seen_list[i];
        for (size_t k = loc->first[u]; ok && k < loc->first[u + 1]; k++)
            ok = arc_optimal(ns, (size_t)loc->arcs[k]);
    }
    free(extra), free(check), free(nodes);
    return ok ? MM_OK : MM_EINTERNAL;
}

void ns_snapshot_free(ns_snapshot *snap)
{
    free(snap->flow), free(snap->pred), free(snap->parent), free(snap->thread);
    free(snap->rev_thread), free(snap->succ_num), free(snap->last_succ);
    free(snap->state), free(snap->up), free(snap->slack), free(snap->pi), free(snap->pi_wide);
    memset(snap, 0, sizeof *snap);
}

int ns_save(const netsimplex *ns, ns_snapshot *snap)
{
    size_t n = (size_t)ns->n_nodes, m = ns->n_arcs;
    memset(snap, 0, sizeof *snap);
    snap->n_arcs = m;
    snap->flow = xmalloc(m, sizeof *snap->flow);
    snap->state = xmalloc(m, sizeof *snap->state);
    snap->pred = xmalloc(n, sizeof *snap->pred);
    snap->parent = xmalloc(n, sizeof *snap->parent);
    snap->thread = xmalloc(n, sizeof *snap->thread);
    snap->rev_thread = xmalloc(n, sizeof *snap->rev_thread);
    snap->succ_num = xmalloc(n, sizeof *snap->succ_num);
    snap->last_succ = xmalloc(n, sizeof *snap->last_succ);
    snap->up = xmalloc(n, sizeof *snap->up);
    snap->slack = xmalloc(n, sizeof *snap->slack);
    snap->wide = ns->wide;
    if (ns->wide)
        snap->pi_wide = xmalloc(n, sizeof *snap->pi_wide);
    else
        snap->pi = xmalloc(n, sizeof *snap->pi);
    if (!snap->flow || !snap->state || !snap->pred || !snap->parent || !snap->thread ||
        !snap->rev_thread || !snap->succ_num || !snap->last_succ || !snap->up || !snap->slack ||
        (!snap->pi && !snap->pi_wide)) {
        ns_snapshot_free(snap);
        return MM_ENOMEM;
    }
    memcpy(snap->flow, ns->flow, m * sizeof *snap->flow);
    memcpy(snap->state, ns->state, m * sizeof *snap->state);
    memcpy(snap->pred, ns->pred, n * sizeof *snap->pred);
    memcpy(snap->parent, ns->parent, n * sizeof *snap->parent);
    memcpy(snap->thread, ns->thread, n * sizeof *snap->thread);
    memcpy(snap->rev_thread, ns->rev_thread, n * sizeof *snap->rev_thread);
    memcpy(snap->succ_num, ns->succ_num, n * sizeof *snap->succ_num);
    memcpy(snap->last_succ, ns->last_succ, n * sizeof *snap->last_succ);
    memcpy(snap->up, ns->up, n * sizeof *snap->up);
    memcpy(snap->slack, ns->slack, n * sizeof *snap->slack);
    if (ns->wide)
        memcpy(snap->pi_wide, ns->pi_wide, n * sizeof *snap->pi_wide);
    else
        memcpy(snap->pi, ns->pi, n * sizeof *snap->pi);
    return MM_OK;
}

void ns_restore(netsimplex *ns, const ns_snapshot *snap)
{
    size_t n = (size_t)ns->n_nodes, m = snap->n_arcs;
    ns->n_arcs = m;
    memcpy(ns->flow, snap->flow, m * sizeof *snap->flow);
    memcpy(ns->state, snap->state, m * sizeof *snap->state);
    memcpy(ns->pred, snap->pred, n * sizeof *snap->pred);
    memcpy(ns->parent, snap->parent, n * sizeof *snap->parent);
    memcpy(ns->thread, snap->thread, n * sizeof *snap->thread);
    memcpy(ns->rev_thread, snap->rev_thread, n * sizeof *snap->rev_thread);
    memcpy(ns->succ_num, snap->succ_num, n * sizeof *snap->succ_num);
    memcpy(ns->last_succ, snap->last_succ, n * sizeof *snap->last_succ);
    memcpy(ns->up, snap->up, n * sizeof *snap->up);
    memcpy(ns->slack, snap->slack, n * sizeof *snap->slack);
    /* potentials that widened since stay wide */
    if (snap->wide)
        memcpy(ns->pi_wide, snap->pi_wide, n * sizeof *snap->pi_wide);
    else if (ns->wide)
        for (size_t u = 0; u < n; u++)
            ns->pi_wide[u] = snap->pi[u];
    else
        memcpy(ns->pi, snap->pi, n * sizeof *snap->pi);
    ns->next_arc = 0;
    ns->n_cand = 0;
    ns->n_runner = 0;
    if (ns->local) {
        ns_local *loc = ns->local;
        for (size_t i = 0; i < loc->n_queue; i++)
            loc->queued[loc->queue[i]] = 0;
        loc->n_queue = 0;
        loc->lost = false;
        loc->n_touched = 0;
        loc->touched_lost = false;
        for (size_t i = 0; i < loc->n_seen; i++)
            loc->seen[loc->seen_list[i]] = 0;
        if (loc->seen_lost) /* some marked node is not listed */
            memset(loc->seen, 0, n);
        loc->n_seen = 0;
        loc->seen_lost = false;
    }
}

int ns_local_build(const netsimplex *ns, ns_local *loc)
{
    size_t n = (size_t)ns->n_nodes, m = ns->n_arcs;
    memset(loc, 0, sizeof *loc);
    loc->base = m;
    loc->first = calloc(n + 1, sizeof *loc->first);
    loc->arcs = xmalloc(2 * m, sizeof *loc->arcs);
    loc->queue = xmalloc(n, sizeof *loc->queue);
    loc->queued = calloc(n ? n : 1, 1);
    loc->seen = calloc(n ? n : 1, 1);
    if (!loc->first || !loc->arcs || !loc->queue || !loc->queued || !loc->seen) {
        ns_local_free(loc);
        return MM_ENOMEM;
    }
    for (size_t a = 0; a < m; a++) {
        loc->first[ns->src[a] + 1]++;
        loc->first[ns->dst[a] + 1]++;
    }
    for (size_t u = 0; u < n; u++)
        loc->first[u + 1] += loc->first[u];
    for (size_t a = 0; a < m; a++) { /* each node's arcs in arc order */
        loc->arcs[loc->first[ns->src[a]]++] = (int32_t)a;
        loc->arcs[loc->first[ns->dst[a]]++] = (int32_t)a;
    }
    for (size_t u = n; u > 0; u--)
        loc->first[u] = loc->first[u - 1];
    loc->first[0] = 0;
    return MM_OK;
}

void ns_local_free(ns_local *loc)
{
    free(loc->first), free(loc->arcs), free(loc->queue), free(loc->queued);
    free(loc->touched), free(loc->seen), free(loc->seen_list);
    memset(loc, 0, sizeof *loc);
}
