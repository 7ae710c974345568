/*
 * feedback.c - feedback.csv for a published run: learner_id, partner_id,
 * track, sessions_attended, rating (1..5). Checked like every input (file,
 * line, column, all errors reported) and stored all or nothing: a pair rated
 * 2 or lower is never matched again, and the ratings feed the optional score
 * feature "feedback".
 */
#include "feedback.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

enum { FB_LEARNER, FB_PARTNER, FB_TRACK, FB_SESSIONS, FB_RATING, FB_NCOLS };
static const char *const fb_cols[FB_NCOLS] = {"learner_id", "partner_id", "track",
                                              "sessions_attended", "rating"};
#define FB_FILE "feedback.csv"

typedef struct fb_ctx {
    mm_diag *diag;
    int64_t run_id;
    int field_of[FB_NCOLS];
    char **pairs; /* "track\tlearner\tpartner" of the run, sorted */
    size_t n_pairs, cap_pairs;
    long *pair_line; /* per pair: the line of its feedback row, 0 when none yet */
    store_feedback *rows;
    size_t n_rows, cap_rows;
    bool header_ok;
} fb_ctx;

static char *pair_key(const char *track, const char *learner, const char *partner)
{
    size_t n = strlen(track) + strlen(learner) + strlen(partner) + 3;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s\t%s\t%s", track, learner, partner);
    return k;
}

static int add_pair(void *ctx, const char *track, const char *learner, const char *partner)
{
    fb_ctx *c = ctx;
    if (c->n_pairs == c->cap_pairs) {
        size_t cap = c->cap_pairs ? c->cap_pairs * 2 : 256;
        char **v = realloc(c->pairs, cap * sizeof *v);
        if (!v)
            return MM_ENOMEM;
        c->pairs = v;
        c->cap_pairs = cap;
    }
    if (!(c->pairs[c->n_pairs] = pair_key(track, learner, partner)))
        return MM_ENOMEM;
    c->n_pairs++;
    return MM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool parse_count(const char *s, long lo, long hi, long *out)
{
    if (!*s || strlen(s) > 9)
        return false;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int on_row(void *ctx, const csvr_row *row)
{
    fb_ctx *c = ctx;
    if (row->index == 0) {
        c->header_ok = true;
        for (int k = 0; k < FB_NCOLS; k++) {
            c->field_of[k] = -1;
            for (size_t f = 0; f < row->nfields; f++) {
                const char *h = row->fields[f];
                if (strlen(h) == strlen(fb_cols[k])) {
                    bool same = true;
                    for (size_t i = 0; h[i] && same; i++)
                        same = tolower((unsigned char)h[i]) == fb_cols[k][i];
                    if (!same)
                        continue;
                    if (c->field_of[k] >= 0) {
                        /* as the company importer: which one was meant is unknown */
                        mm_diag_error(c->diag, MM_EDATA, FB_FILE, row->lines[f], (long)f + 1,
                                      "column \"%s\" appears twice (first in column %d)",
                                      fb_cols[k], c->field_of[k] + 1);
                        c->header_ok = false;
                    } else {
                        c->field_of[k] = (int)f;
                    }
                }
            }
            if (c->field_of[k] < 0) {
                mm_diag_error(c->diag, MM_EDATA, FB_FILE, row->line, 0,
                              "missing required column \"%s\"", fb_cols[k]);
                c->header_ok = false;
            }
        }
        return MM_OK;
    }
    if (!c->header_ok || mm_diag_full(c->diag))
        return MM_OK;
    const char *v[FB_NCOLS];
    long col[FB_NCOLS], line[FB_NCOLS];
    for (int k = 0; k < FB_NCOLS; k++) {
        size_t f = (size_t)c->field_of[k];
        v[k] = f < row->nfields ? row->fields[f] : "";
        col[k] = (long)f + 1;
        line[k] = f < row->nfields ? row->lines[f] : row->line;
    }
    bool ok = true;
    long sessions = 0, rating = 0;
    if (strcmp(v[FB_TRACK], "mentoring") != 0 && strcmp(v[FB_TRACK], "shadowing") != 0) {
        mm_diag_error(c->diag, MM_EDATA, FB_FILE, line[FB_TRACK], col[FB_TRACK],
                      "track: expected mentoring or shadowing, got \"%.40s\"", v[FB_TRACK]);
        ok = false;
    }
    if (!parse_count(v[FB_SESSIONS], 0, 1000, &sessions)) {
        mm_diag_error(c->diag, MM_EDATA, FB_FILE, line[FB_SESSIONS], col[FB_SESSIONS],
                      "sessions_attended: expected an integer 0..1000, got \"%.40s\"",
                      v[FB_SESSIONS]);
        ok = false;
    }
    if (!parse_count(v[FB_RATING], 1, 5, &rating)) {
        mm_diag_error(c->diag, MM_EDATA, FB_FILE, line[FB_RATING], col[FB_RATING],
                      "rating: expected an integer 1..5, got \"%.40s\"", v[FB_RATING]);
        ok = false;
    }
    if (!ok)
        return MM_OK;
    char *key = pair_key(v[FB_TRACK], v[FB_LEARNER], v[FB_PARTNER]);
    if (!key)
        return MM_ENOMEM;
    char **found =
        c->n_pairs ? bsearch(&key, c->pairs, c->n_pairs, sizeof *c->pairs, cmp_str) : NULL;
    free(key);
    if (!found) {
        mm_diag_error(c->diag, MM_EDATA, FB_FILE, line[FB_PARTNER], col[FB_PARTNER],
                      "partner_id: %.40s and %.40s were not paired on %s in run %lld",
                      v[FB_LEARNER], v[FB_PARTNER], v[FB_TRACK], (long long)c->run_id);
        return MM_OK;
    }
    size_t at = (size_t)(found - c->pairs);
    if (c->pair_line[at]) {
        mm_diag_error(c->diag, MM_EDATA, FB_FILE, line[FB_PARTNER], col[FB_PARTNER],
                      "partner_id: feedback on %.40s and %.40s given twice (first on line %ld)",
                      v[FB_LEARNER], v[FB_PARTNER], c->pair_line[at]);
        return MM_OK;
    }
    c->pair_line[at] = row->line;
    if (c->n_rows == c->cap_rows) {
        size_t cap = c->cap_rows ? c->cap_rows * 2 : 64;
        store_feedback *r = realloc(c->rows, cap * sizeof *r);
        if (!r)
            return MM_ENOMEM;
        c->rows = r;
        c->cap_rows = cap;
    }
    /* the row's strings: a copy of the pair's key, split "track\0learner\0partner" */
    char *track = strdup(c->pairs[at]);
    if (!track)
        return MM_ENOMEM;
    char *learner = strchr(track, '\t') + 1;
    char *partner = strchr(learner, '\t') + 1;
    learner[-1] = partner[-1] = '\0';
    c->rows[c->n_rows++] = (store_feedback){track, learner, partner, (int32_t)sessions,
                                            (int32_t)rating};
    return MM_OK;
}

int feedback_import(store *s, int64_t run_id, const char *path, size_t *n_rows, mm_diag *diag)
{
    fb_ctx c;
    memset(&c, 0, sizeof c);
    c.diag = diag;
    c.run_id = run_id;
    *n_rows = 0;
    bool published = false;
    int rc = store_run_state(s, run_id, &published, diag);
    if (rc != MM_OK)
        goto done;
    if (!published) {
        rc = mm_diag_error(diag, MM_EDATA, NULL, 0, 0,
                           "run %lld is a draft: feedback is for published runs "
                           "(mentormatch publish --run %lld)",
                           (long long)run_id, (long long)run_id);
        goto done;
    }
    if ((rc = store_run_pairs(s, run_id, add_pair, &c, diag)) != MM_OK)
        goto done;
    if (c.n_pairs)
        qsort(c.pairs, c.n_pairs, sizeof *c.pairs, cmp_str);
    c.pair_line = calloc(c.n_pairs + 1, sizeof *c.pair_line);
    if (!c.pair_line) {
        rc = MM_ENOMEM;
        goto done;
    }
    rc = csvr_parse_file(path, FB_FILE, on_row, &c, diag);
    if (rc == MM_OK && mm_diag_error_count(diag))
        rc = mm_diag_first_code(diag);
    if (rc == MM_OK)
        rc = store_save_feedback(s, run_id, c.rows, c.n_rows, diag);
    if (rc == MM_OK)
        *n_rows = c.n_rows;
done:
    for (size_t i = 0; i < c.n_pairs; i++)
        free(c.pairs[i]);
    for (size_t i = 0; i < c.n_rows; i++)
        free((char *)c.rows[i].track);
    free(c.pairs);
    free(c.pair_line);
    free(c.rows);
    return rc;
}
