/*
 * diff.c - what changed between two runs, for an analyst choosing between
 * drafts: per track, learners whose partner was kept, changed, new or
 * dropped, the matched counts, and the fairness figures side by side.
 * Built from the two runs' stored report.json only.
 */
#include "diff.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* One learner's partners on a track, as "P1;P2" in report order (sorted). */
typedef struct learner_pairs {
    const char *learner;
    char partners[1024]; /* ids are short; a longer list is cut */
} learner_pairs;

static int cmp_lp(const void *a, const void *b)
{
    return strcmp(((const learner_pairs *)a)->learner, ((const learner_pairs *)b)->learner);
}

/* The learners of a track with their partners, sorted by learner id. */
static learner_pairs *collect(const cJSON *report, const char *track, size_t *n)
{
    const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(report, "pairs");
    size_t cap = (size_t)cJSON_GetArraySize(pairs) + 1, k = 0;
    learner_pairs *v = calloc(cap, sizeof *v);
    if (!v)
        return NULL;
    const cJSON *p;
    cJSON_ArrayForEach(p, pairs)
    {
        if (strcmp(jstr(p, "track"), track) != 0)
            continue;
        const char *l = jstr(p, "learner_id");
        /* pairs come grouped by learner within a track */
        if (k == 0 || strcmp(v[k - 1].learner, l) != 0)
            v[k++].learner = l;
        learner_pairs *lp = &v[k - 1];
        size_t used = strlen(lp->partners);
        snprintf(lp->partners + used, sizeof lp->partners - used, "%s%s", used ? ";" : "",
                 jstr(p, "partner_id"));
    }
    qsort(v, k, sizeof *v, cmp_lp);
    *n = k;
    return v;
}

static cJSON *add_array(cJSON *o, const char *key, bool *oom)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    *oom |= !a;
    return a;
}

static void add_num(cJSON *o, const char *key, double v, bool *oom)
{
    *oom |= !(isfinite(v) ? cJSON_AddNumberToObject(o, key, v) : cJSON_AddNullToObject(o, key));
}

static void push_change(cJSON *arr, const char *learner, const char *before, const char *after,
                        bool *oom)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        *oom = true;
        return;
    }
    *oom |= !cJSON_AddStringToObject(o, "learner_id", learner);
    if (before)
        *oom |= !cJSON_AddStringToObject(o, "before", before);
    if (after)
        *oom |= !cJSON_AddStringToObject(o, "after", after);
}

static void diff_track(cJSON *out, const cJSON *a, const cJSON *b, const char *track, bool *oom)
{
    size_t na = 0, nb = 0;
    learner_pairs *pa = collect(a, track, &na), *pb = collect(b, track, &nb);
    cJSON *t = cJSON_AddObjectToObject(out, track);
    if (!pa || !pb || !t) {
        *oom = true;
        goto done;
    }
    add_num(t, "matched_a", (double)na, oom);
    add_num(t, "matched_b", (double)nb, oom);
    cJSON *kept = add_array(t, "kept", oom), *changed = add_array(t, "changed", oom);
    cJSON *added = add_array(t, "new", oom), *dropped = add_array(t, "dropped", oom);
    if (*oom)
        goto done;
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(pa[i].learner, pb[j].learner);
        if (c < 0) {
            push_change(dropped, pa[i].learner, pa[i].partners, NULL, oom);
            i++;
        } else if (c > 0) {
            push_change(added, pb[j].learner, NULL, pb[j].partners, oom);
            j++;
        } else {
            bool same = strcmp(pa[i].partners, pb[j].partners) == 0;
            push_change(same ? kept : changed, pa[i].learner, pa[i].partners,
                        same ? NULL : pb[j].partners, oom);
            i++;
            j++;
        }
    }
done:
    free(pa);
    free(pb);
}

/* The fairness groups of both runs side by side, per attribute and track. */
static void diff_fairness(cJSON *out, const cJSON *a, const cJSON *b, bool *oom)
{
    const cJSON *fa = cJSON_GetObjectItemCaseSensitive(a, "fairness");
    const cJSON *fb = cJSON_GetObjectItemCaseSensitive(b, "fairness");
    cJSON *f = cJSON_AddObjectToObject(out, "fairness");
    if (!f) {
        *oom = true;
        return;
    }
    static const char *const keys[] = {"mentor_load_gini", "cross_department_share"};
    for (size_t k = 0; k < 2; k++) {
        cJSON *o = cJSON_AddObjectToObject(f, keys[k]);
        if (!o) {
            *oom = true;
            return;
        }
        add_num(o, "a", jnum(fa, keys[k]), oom);
        add_num(o, "b", jnum(fb, keys[k]), oom);
    }
    cJSON *attrs = add_array(f, "attributes", oom);
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(fa, "attributes"))
    {
        /* the same attribute and track in b */
        const cJSON *y = NULL, *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(fb, "attributes"))
            if (!strcmp(jstr(it, "name"), jstr(x, "name")) &&
                !strcmp(jstr(it, "track"), jstr(x, "track")))
                y = it;
        cJSON *o = cJSON_CreateObject();
        if (!o || !attrs || !cJSON_AddItemToArray(attrs, o)) {
            cJSON_Delete(o);
            *oom = true;
            return;
        }
        *oom |= !cJSON_AddStringToObject(o, "name", jstr(x, "name"));
        *oom |= !cJSON_AddStringToObject(o, "track", jstr(x, "track"));
        add_num(o, "demographic_parity_difference_a", jnum(x, "demographic_parity_difference"), oom);
        add_num(o, "demographic_parity_difference_b",
                y ? jnum(y, "demographic_parity_difference") : NAN, oom);
        cJSON *groups = add_array(o, "groups", oom);
        const cJSON *g;
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(x, "groups"))
        {
            const cJSON *h = NULL;
            cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(y, "groups"))
                if (!strcmp(jstr(it, "group"), jstr(g, "group")))
                    h = it;
            cJSON *go = cJSON_CreateObject();
            if (!go || !groups || !cJSON_AddItemToArray(groups, go)) {
                cJSON_Delete(go);
                *oom = true;
                return;
            }
            *oom |= !cJSON_AddStringToObject(go, "group", jstr(g, "group"));
            add_num(go, "selection_rate_a", jnum(g, "selection_rate"), oom);
            add_num(go, "selection_rate_b", h ? jnum(h, "selection_rate") : NAN, oom);
            add_num(go, "matched_a", jnum(g, "matched"), oom);
            add_num(go, "matched_b", h ? jnum(h, "matched") : NAN, oom);
            *oom |= !cJSON_AddBoolToObject(
                go, "flagged_a", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "flagged")));
            *oom |= !cJSON_AddBoolToObject(
                go, "flagged_b", h && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "flagged")));
        }
    }
}

cJSON *diff_reports(const cJSON *a, const cJSON *b)
{
    bool oom = false;
    cJSON *out = cJSON_CreateObject();
    if (!out)
        return NULL;
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(a, "run");
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(b, "run");
    add_num(out, "run_a", jnum(ra, "id"), &oom);
    add_num(out, "run_b", jnum(rb, "id"), &oom);
    oom |= !cJSON_AddBoolToObject(
        out, "same_inputs", strcmp(jstr(ra, "inputs_sha256"), jstr(rb, "inputs_sha256")) == 0);
    cJSON *tracks = cJSON_AddObjectToObject(out, "tracks");
    if (!tracks)
        oom = true;
    else {
        diff_track(tracks, a, b, "mentoring", &oom);
        diff_track(tracks, a, b, "shadowing", &oom);
    }
    diff_fairness(out, a, b, &oom);
    if (oom) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

static int count(const cJSON *t, const char *key)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, key));
}

void diff_print(FILE *f, const cJSON *d)
{
    fprintf(f, "run %.0f -> run %.0f%s\n", jnum(d, "run_a"), jnum(d, "run_b"),
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "same_inputs"))
                ? " (same inputs)"
                : " (different inputs)");
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(d, "tracks"))
    {
        fprintf(f, "%s: %.0f -> %.0f learners matched; kept %d, changed %d, new %d, dropped %d\n",
                t->string, jnum(t, "matched_a"), jnum(t, "matched_b"), count(t, "kept"),
                count(t, "changed"), count(t, "new"), count(t, "dropped"));
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "changed"))
            fprintf(f, "  changed %s: %s -> %s\n", jstr(c, "learner_id"), jstr(c, "before"),
                    jstr(c, "after"));
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "new"))
            fprintf(f, "  new     %s: %s\n", jstr(c, "learner_id"), jstr(c, "after"));
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "dropped"))
            fprintf(f, "  dropped %s: %s\n", jstr(c, "learner_id"), jstr(c, "before"));
    }
    const cJSON *fa = cJSON_GetObjectItemCaseSensitive(d, "fairness");
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(fa, "mentor_load_gini");
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(fa, "cross_department_share");
    fprintf(f, "mentor load Gini %.3f -> %.3f; cross-department share %.3f -> %.3f\n",
            jnum(g, "a"), jnum(g, "b"), jnum(x, "a"), jnum(x, "b"));
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(fa, "attributes"))
    {
        fprintf(f, "%s, %s: demographic parity difference %.3f -> %.3f\n", jstr(a, "name"),
                jstr(a, "track"), jnum(a, "demographic_parity_difference_a"),
                jnum(a, "demographic_parity_difference_b"));
        const cJSON *gr;
        cJSON_ArrayForEach(gr, cJSON_GetObjectItemCaseSensitive(a, "groups"))
        {
            double ra = jnum(gr, "selection_rate_a"), rb = jnum(gr, "selection_rate_b");
            if (isnan(ra) && isnan(rb))
                continue; /* suppressed in both */
            fprintf(f, "  %-28s %6.1f%% -> %6.1f%%%s%s\n", jstr(gr, "group"), 100 * ra, 100 * rb,
                    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(gr, "flagged_a")) ? "  flagged in a" : "",
                    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(gr, "flagged_b")) ? "  flagged in b" : "");
        }
    }
}
