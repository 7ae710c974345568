/*
 * graph.c - reads a dumped solver problem (format in graph.h), checks a
 * solution against it and prints the harnesses' JSON lines.
 *
 * The reader is strict: every field is range-checked, arcs must be sorted
 * and unique, and anything after the last record is an error, so that a
 * benchmark never runs on a silently misread graph.
 */
#include "graph.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reads one line into *line (without its newline); 0 at a line, 1 at EOF, -1 on error. */
static int next_line(FILE *f, char **line, size_t *cap, long *lineno)
{
    ssize_t n = getline(line, cap, f);
    if (n < 0)
        return ferror(f) ? -1 : 1;
    (*lineno)++;
    if (n > 0 && (*line)[n - 1] == '\n')
        (*line)[--n] = '\0';
    if (n > 0 && (*line)[n - 1] == '\r')
        (*line)[--n] = '\0';
    return 0;
}

/* Parses a decimal integer in [lo, hi] at *p, then one space or the end of s. */
static int parse_int(const char **p, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = *p;
    int neg = 0;
    int64_t v = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (*s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
        s++;
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return -1;
    if (*s == ' ')
        s++;
    else if (*s != '\0')
        return -1;
    *out = v;
    *p = s;
    return 0;
}

/* Copies the next space-separated word of *p into buf (size n). */
static int parse_word(const char **p, char *buf, size_t n)
{
    const char *s = *p;
    size_t len = strcspn(s, " ");
    if (len == 0 || len >= n)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    s += len;
    if (*s == ' ')
        s++;
    *p = s;
    return 0;
}

static void fail(char *err, size_t err_size, const char *path, long lineno, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fail(char *err, size_t err_size, const char *path, long lineno, const char *fmt, ...)
{
    int k = snprintf(err, err_size, "%s:%ld: ", path, lineno);
    if (k < 0 || (size_t)k >= err_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + k, err_size - (size_t)k, fmt, ap);
    va_end(ap);
}

int graph_read(const char *path, graph *g, char *err, size_t err_size)
{
    int rc = -1;
    FILE *f = NULL;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    const char *p;
    int64_t v[4];

    memset(g, 0, sizeof *g);
    err[0] = '\0';
    f = fopen(path, "r");
    if (!f) {
        fail(err, err_size, path, 0, "%s", strerror(errno));
        goto done;
    }
    if (next_line(f, &line, &cap, &lineno) != 0) {
        fail(err, err_size, path, 1, "empty or unreadable");
        goto done;
    }
    p = line;
    char magic[16];
    if (parse_word(&p, magic, sizeof magic) || strcmp(magic, "mmgraph") ||
        parse_int(&p, 1, 1, &v[0])) {
        fail(err, err_size, path, lineno, "expected \"mmgraph 1 ...\"");
        goto done;
    }
    if (parse_word(&p, g->track, sizeof g->track) ||
        (strcmp(g->track, "mentoring") && strcmp(g->track, "shadowing"))) {
        fail(err, err_size, path, lineno, "track: expected mentoring or shadowing");
        goto done;
    }
    if (parse_word(&p, g->objective, sizeof g->objective) ||
        (strcmp(g->objective, "participation") && strcmp(g->objective, "score"))) {
        fail(err, err_size, path, lineno, "objective: expected participation or score");
        goto done;
    }
    if (parse_int(&p, 0, GRAPH_MAX_EMPS, &v[0]) || parse_int(&p, 0, GRAPH_MAX_ARCS, &v[1]) ||
        *p != '\0') {
        fail(err, err_size, path, lineno, "expected <n_emps> <n_arcs> (at most %ld and %ld)",
             GRAPH_MAX_EMPS, GRAPH_MAX_ARCS);
        goto done;
    }
    g->n_emps = (int32_t)v[0];
    g->n_arcs = (size_t)v[1];
    size_t ne = (size_t)g->n_emps ? (size_t)g->n_emps : 1;
    g->learner_cap = malloc(ne * sizeof *g->learner_cap);
    g->partner_cap = malloc(ne * sizeof *g->partner_cap);
    g->pruned_bound = malloc(ne * sizeof *g->pruned_bound);
    g->arcs = malloc((g->n_arcs ? g->n_arcs : 1) * sizeof *g->arcs); /* n_arcs < 2^31: no overflow */
    if (!g->learner_cap || !g->partner_cap || !g->pruned_bound || !g->arcs) {
        fail(err, err_size, path, lineno, "out of memory");
        goto done;
    }
    for (int32_t i = 0; i < g->n_emps; i++) {
        if (next_line(f, &line, &cap, &lineno) != 0) {
            fail(err, err_size, path, lineno + 1, "expected employee %d of %d", i, g->n_emps);
            goto done;
        }
        p = line;
        if (parse_int(&p, 0, GRAPH_MAX_CAP, &v[0]) || parse_int(&p, 0, GRAPH_MAX_CAP, &v[1]) ||
            parse_int(&p, -1, GRAPH_MAX_SCORE, &v[2]) || *p != '\0') {
            fail(err, err_size, path, lineno,
                 "expected <learner_cap> <partner_cap> <pruned_bound> (caps 0..%ld, bound -1..%d)",
                 GRAPH_MAX_CAP, GRAPH_MAX_SCORE);
            goto done;
        }
        g->learner_cap[i] = (int32_t)v[0];
        g->partner_cap[i] = (int32_t)v[1];
        g->pruned_bound[i] = (int32_t)v[2];
    }
    for (size_t a = 0; a < g->n_arcs; a++) {
        if (next_line(f, &line, &cap, &lineno) != 0) {
            fail(err, err_size, path, lineno + 1, "expected arc %zu of %zu", a, g->n_arcs);
            goto done;
        }
        p = line;
        int64_t last = (int64_t)g->n_emps - 1;
        if (parse_int(&p, 0, last, &v[0]) || parse_int(&p, 0, last, &v[1]) ||
            parse_int(&p, 0, GRAPH_MAX_SCORE, &v[2]) || parse_int(&p, 0, 1, &v[3]) || *p != '\0') {
            fail(err, err_size, path, lineno,
                 "expected <learner> <partner> <score> <pinned> (indices < %d, score 0..%d, "
                 "pinned 0/1)", g->n_emps, GRAPH_MAX_SCORE);
            goto done;
        }
        graph_arc *e = &g->arcs[a];
        e->learner = (int32_t)v[0];
        e->partner = (int32_t)v[1];
        e->score = (int32_t)v[2];
        e->pinned = (int32_t)v[3];
        if (g->learner_cap[e->learner] == 0) {
            fail(err, err_size, path, lineno, "arc from employee %d, not a learner (learner_cap 0)",
                 e->learner);
            goto done;
        }
        if (a > 0 && (e[-1].learner > e->learner ||
                      (e[-1].learner == e->learner && e[-1].partner >= e->partner))) {
            fail(err, err_size, path, lineno, "arcs not sorted by learner then partner, or repeated");
            goto done;
        }
    }
    int more = next_line(f, &line, &cap, &lineno);
    if (more == 0) {
        fail(err, err_size, path, lineno, "unexpected line after the last arc");
        goto done;
    }
    if (more < 0) {
        fail(err, err_size, path, lineno, "read error: %s", strerror(errno));
        goto done;
    }
    rc = 0;
done:
    free(line);
    if (f)
        fclose(f);
    if (rc != 0) {
        graph_free(g);
        if (err[0] == '\0')
            fail(err, err_size, path, lineno, "cannot read");
    }
    return rc;
}

void graph_free(graph *g)
{
    free(g->learner_cap);
    free(g->partner_cap);
    free(g->pruned_bound);
    free(g->arcs);
    memset(g, 0, sizeof *g);
}

void graph_eval(const graph *g, const uint8_t *chosen, graph_totals *t)
{
    memset(t, 0, sizeof *t);
    int32_t *deg = calloc(g->n_emps ? (size_t)g->n_emps : 1, sizeof *deg);
    if (!deg) {
        t->violations = -1; /* cannot tell */
        return;
    }
    /* Arcs are grouped by learner: count each learner's run of chosen arcs. */
    size_t a = 0;
    while (a < g->n_arcs) {
        int32_t l = g->arcs[a].learner;
        int64_t k = 0;
        for (; a < g->n_arcs && g->arcs[a].learner == l; a++) {
            const graph_arc *e = &g->arcs[a];
            if (chosen[a]) {
                k++;
                t->score += e->score;
                deg[e->partner]++;
            } else if (e->pinned) {
                t->violations++;
            }
        }
        t->arcs += k;
        t->learners += k > 0;
        if (k > g->learner_cap[l])
            t->violations++;
    }
    for (int32_t i = 0; i < g->n_emps; i++)
        if (deg[i] > g->partner_cap[i])
            t->violations++;
    free(deg);
}

/* Writes s as a JSON string, quotes included. */
static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

void graph_json_string(FILE *out, const char *key, const char *value)
{
    fprintf(out, ",\"%s\":", key);
    put_string(out, value);
}

void graph_json_begin(FILE *out, const char *path, const graph *g, const char *method,
                      const char *status)
{
    size_t pinned = 0;
    for (size_t a = 0; a < g->n_arcs; a++)
        pinned += (size_t)g->arcs[a].pinned;
    fputs("{\"graph\":", out);
    put_string(out, path);
    graph_json_string(out, "track", g->track);
    graph_json_string(out, "objective", g->objective);
    fprintf(out, ",\"n_emps\":%d,\"n_arcs\":%zu,\"pinned\":%zu", g->n_emps, g->n_arcs, pinned);
    graph_json_string(out, "method", method);
    graph_json_string(out, "status", status);
}

void graph_json_totals(FILE *out, const graph_totals *t)
{
    fprintf(out, ",\"valid\":%s,\"learners\":%lld,\"arcs\":%lld,\"score\":%lld",
            t->violations == 0 ? "true" : "false", (long long)t->learners,
            (long long)t->arcs, (long long)t->score);
}

void graph_json_end(FILE *out)
{
    fputs("}\n", out);
    fflush(out);
}

double graph_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
