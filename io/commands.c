/*
 * commands.c - the subcommands: each reads its inputs, calls the engine and
 * writes its outputs, timing every phase. The only place that sequences
 * io and engine.
 */
#include "commands.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "diff.h"
#include "feedback.h"
#include "fileio.h"
#include "import.h"
#include "jsonparse.h"
#include "graphdump.h"
#include "match.h"
#include "model.h"
#include "recognition.h"
#include "report.h"
#include "schedule.h"
#include "settings.h"
#include "store.h"

int cli_usage_error(const char *fmt, const char *arg)
{
    fputs("mentormatch: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'mentormatch --help'.\n", stderr);
    return MM_EUSAGE;
}

/* Progress of the long steps, on stderr when it is a terminal (never with --quiet). */
static void progress(const cli_options *o, const char *step)
{
    if (!o->quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "mentormatch: %s...\n", step);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads the inputs at o->input (with the mapping), reporting every problem. */
static int load_company(const cli_options *o, mm_model **model, char sha[65], mm_diag *diag)
{
    import_mapping *map = NULL;
    int rc = MM_OK;
    if (o->mapping && (rc = import_mapping_load(o->mapping, &map, diag)) != MM_OK)
        return rc;
    rc = import_company(o->input, map, model, sha, diag);
    import_mapping_free(map);
    return rc;
}

static void print_company(const mm_model *m)
{
    size_t learners = 0, mentors = 0, hosts = 0;
    for (size_t i = 0; i < m->n_emps; i++) {
        learners += (m->emps[i].roles & ROLE_LEARNER) != 0;
        mentors += (m->emps[i].roles & ROLE_MENTOR) != 0;
        hosts += (m->emps[i].roles & ROLE_HOST) != 0;
    }
    printf("%zu employees (%zu learners, %zu mentors, %zu hosts), %zu departments, "
           "%zu skills, %zu goals, %zu availability windows\n",
           m->n_emps, learners, mentors, hosts, m->n_depts, m->n_skill_rows, m->n_goal_rows,
           m->n_window_rows);
}

int cmd_validate(const cli_options *o, mm_diag *diag)
{
    mm_model *m = NULL;
    char sha[65];
    if (!o->input)
        return cli_usage_error("%s", "validate: which folder? (mentormatch validate DIR)");
    int rc = load_company(o, &m, sha, diag);
    if (rc == MM_OK && !o->quiet) {
        printf("%s: valid; ", o->input);
        print_company(m);
        if (mm_diag_warning_count(diag))
            printf("%zu warnings\n", mm_diag_warning_count(diag));
    }
    mm_model_free(m);
    return rc;
}

int cmd_import(const cli_options *o, mm_diag *diag)
{
    mm_model *m = NULL;
    store *s = NULL;
    char sha[65];
    if (!o->input)
        return cli_usage_error("%s", "import: which folder? (mentormatch import DIR --db FILE)");
    if (!o->db)
        return cli_usage_error("%s", "import: --db FILE is required");
    int rc = load_company(o, &m, sha, diag);
    if (rc == MM_OK)
        rc = store_open(o->db, 0, &s, diag);
    if (rc == MM_OK)
        rc = store_save_snapshot(s, m, sha, diag);
    if (rc == MM_OK && !o->quiet) {
        printf("imported into %s: ", o->db);
        print_company(m);
    }
    store_close(s);
    mm_model_free(m);
    return rc;
}

/* ---- matching ------------------------------------------------------------ */

/*
 * Where a run's files go as they are written: the store (in the run's
 * transaction) and, when there is one, the output folder. A failure of the
 * folder does not stop the run from being saved: it is kept in dir_rc, the
 * folder gets nothing more, and it is reported once the run is saved.
 */
typedef struct run_sink {
    file_sink sink;
    const file_sink *store;
    outdir *dir;  /* NULL: no output folder */
    int dir_rc;   /* the folder's first failure */
    int dir_open; /* the folder has the current file open */
} run_sink;

static int tee_open(void *ctx, const char *name)
{
    run_sink *t = ctx;
    int rc = t->store->open(t->store->ctx, name);
    if (rc == MM_OK && t->dir && t->dir_rc == MM_OK)
        t->dir_open = (t->dir_rc = t->dir->sink.open(t->dir, name)) == MM_OK;
    return rc;
}

static int tee_write(void *ctx, const char *data, size_t len)
{
    run_sink *t = ctx;
    if (t->dir_open && (t->dir_rc = t->dir->sink.write(t->dir, data, len)) != MM_OK) {
        t->dir->sink.close(t->dir, 0);
        t->dir_open = 0;
    }
    return t->store->write(t->store->ctx, data, len);
}

static int tee_close(void *ctx, int ok)
{
    run_sink *t = ctx;
    int rc = t->store->close(t->store->ctx, ok);
    if (t->dir_open) {
        int c = t->dir->sink.close(t->dir, ok && rc == MM_OK);
        if (t->dir_rc == MM_OK)
            t->dir_rc = c;
        t->dir_open = 0;
    }
    return rc;
}

typedef struct run_ctx {
    const cli_options *o;
    mm_config cfg;
    mm_model *model;
    char sha[65];
    char created_at[32];
    char quarter[16];
    double t[PHASE_COUNT];
    match_result *result;
    sched_result sched;
    sched_work *sched_work; /* the schedule while it is being placed */
    cJSON *recognition;
    mm_diag *diag;
    run_sink files;
} run_ctx;

static int write_files(void *ctx, int64_t run_id, const file_sink *stored)
{
    run_ctx *rc = ctx;
    report_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.run_id = run_id;
    meta.created_at = rc->created_at;
    meta.inputs_sha256 = rc->sha;
    meta.threads = rc->result->threads;
    memcpy(meta.timings_ms, rc->t, sizeof meta.timings_ms);
    meta.diag = rc->diag;
    meta.recognition = rc->recognition;
    rc->files.store = stored;
    return report_write_files(rc->result, &rc->sched, &meta, &rc->files.sink);
}

static void print_summary(const run_ctx *c, int64_t run_id, const char *out)
{
    const match_result *r = c->result;
    size_t learners = 0;
    for (size_t i = 0; i < c->model->n_emps; i++)
        learners += (c->model->emps[i].roles & ROLE_LEARNER) != 0;
    printf("mentormatch run %lld (%s): %zu employees, %zu learners\n", (long long)run_id,
           c->quarter, c->model->n_emps, learners);
    for (int t = 0; t < TRACK_COUNT; t++) {
        const match_track *mt = &r->t[t];
        if (!mt->enabled)
            continue;
        if (t == TRACK_MENTORING)
            printf("  mentoring: %zu of %zu learners matched", mt->n_pairs, mt->learners);
        else
            printf("  shadowing: %lld of %zu learners, %zu sessions", (long long)mt->sol.learners,
                   mt->learners, mt->n_pairs);
        printf(" (%s by %s, score %lld, gap %g; %zu eligible pairs)\n", mt->sol.status,
               mt->sol.method, (long long)mt->sol.total_score, mt->sol.gap, mt->eligible_pairs);
        size_t count[REASON_COUNT] = {0};
        for (size_t i = 0; i < mt->n_unmatched; i++)
            count[mt->unmatched[i].reason]++;
        if (mt->n_unmatched) {
            printf("    unmatched %zu:", mt->n_unmatched);
            const char *sep = " ";
            for (int k = 0; k < REASON_COUNT; k++)
                if (count[k]) {
                    printf("%s%s %zu", sep, reason_names[k], count[k]);
                    sep = ", ";
                }
            printf("\n");
        }
    }
    const sched_result *sc = &c->sched;
    printf("  sessions: %zu of %zu scheduled", sc->n_sessions, sc->planned);
    if (sc->n_unplaced) {
        static const char *const kinds[] = {"no_common_availability", "holiday", "double_booked"};
        printf(", %zu unplaced:", sc->n_unplaced);
        const char *sep = " ";
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            size_t n = 0;
            for (size_t i = 0; i < sc->n_unplaced; i++)
                n += strcmp(sc->unplaced[i].reason, kinds[k]) == 0;
            if (n) {
                printf("%s%s %zu", sep, kinds[k], n);
                sep = ", ";
            }
        }
    }
    printf("\n");
    printf("  time (ms):");
    for (int p = 0; p < PHASE_COUNT; p++)
        printf(" %s %.1f", report_phase_names[p], c->t[p]);
    printf("\n");
    if (out)
        printf("  wrote report.json, schedule.csv, schedule.ics, unmatched.csv, fairness.md and "
               "recognition.md to %s\n",
               out);
}

/* Settings: the defaults, the file (if given), then --threads. */
static int load_settings(const cli_options *o, mm_config *cfg, mm_diag *diag)
{
    config_defaults(cfg);
    if (o->config) {
        int rc = settings_load(o->config, cfg, diag);
        if (rc != MM_OK)
            return rc == MM_ENOINPUT || rc == MM_ENOMEM ? rc : MM_ECONFIG;
    }
    if (o->threads > 0)
        cfg->threads = o->threads;
    return MM_OK;
}

/* Adds each scheduled session to its pair: pairs holds the tracks' pairs in
   order, each track's sorted by learner then partner as match_track keeps them. */
static void count_sessions(const match_result *r, const sched_result *sc, store_pair *pairs)
{
    size_t first[TRACK_COUNT + 1] = {0};
    for (int t = 0; t < TRACK_COUNT; t++)
        first[t + 1] = first[t] + r->t[t].n_pairs;
    for (size_t i = 0; i < sc->n_sessions; i++) {
        const sched_session *x = &sc->sessions[i];
        const match_track *mt = &r->t[x->track];
        size_t lo = 0, hi = mt->n_pairs;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const match_pair *p = &mt->pairs[mid];
            if (p->learner < x->learner || (p->learner == x->learner && p->partner < x->partner))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < mt->n_pairs && mt->pairs[lo].learner == x->learner &&
            mt->pairs[lo].partner == x->partner)
            pairs[first[x->track] + lo].sessions++;
    }
}

/* The sessions placed as the pairs become final (match_solve_then: beside
   the proofs, inside its parallel region, so no I/O here): mentoring's,
   then shadowing's. */
static int place_mentoring_sessions(void *ctx, const match_result *r)
{
    run_ctx *c = ctx;
    double t = now_ms();
    int rc = sched_begin(r, &c->sched, &c->sched_work);
    c->t[PHASE_SCHEDULE] += now_ms() - t;
    return rc;
}

static int place_shadowing_sessions(void *ctx, const match_result *r)
{
    run_ctx *c = ctx;
    double t = now_ms();
    (void)r;
    int rc = sched_finish(c->sched_work);
    c->sched_work = NULL;
    c->t[PHASE_SCHEDULE] += now_ms() - t;
    return rc;
}

/* Match the stored company, save the run, write the outputs. */
static int match_and_save(run_ctx *c, store *s, const char *out)
{
    int rc = MM_OK;
    int64_t run_id = 0;
    double t0 = now_ms();
    /* a folder that cannot be created fails the run before it is saved */
    if (out && (rc = fileio_mkdirs(out)) != MM_OK) {
        mm_diag_error(c->diag, rc, out, 0, 0, "cannot create the output folder: %s",
                      strerror(errno));
        goto done;
    }
    if ((rc = match_new(c->model, &c->cfg, c->cfg.threads, &c->result, c->diag)) != MM_OK)
        goto done;
    progress(c->o, "scoring the eligible pairs");
    if ((rc = match_score(c->result, c->diag)) != MM_OK)
        goto done;
    double t1 = now_ms();
    c->t[PHASE_SCORE] = t1 - t0;
    progress(c->o, "solving the pairing with GLPK and placing the sessions");
    match_then then = {place_mentoring_sessions, place_shadowing_sessions, c};
    rc = match_solve_then(c->result, c->diag, &then);
    sched_abandon(c->sched_work); /* placed no further: the solve failed */
    c->sched_work = NULL;
    if (rc != MM_OK)
        goto done;
    if ((rc = match_explain(c->result, c->diag)) != MM_OK)
        goto done;
    double t2 = now_ms();
    /* benchmarks only: the solver's problems, for bench/ (graphdump.h) */
    const char *dump = getenv("MM_DUMP_GRAPHS");
    if (dump && *dump && graph_dump(dump, c->result) != MM_OK)
        mm_diag_warning(c->diag, dump, 0, 0, "MM_DUMP_GRAPHS: cannot write the graphs here");
    /* the phases add up to the wall time: the schedule's, though it ran
       beside the proofs and slot values, is not counted again in solve */
    c->t[PHASE_SOLVE] = t2 - t1 - c->t[PHASE_SCHEDULE];
    double t3 = t2;

    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c->created_at, sizeof c->created_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    model_format_quarter(quarter_of_days(c->cfg.quarter.start), c->quarter, sizeof c->quarter);

    /* the pairs and unmatched learners as the store keeps them */
    const match_result *r = c->result;
    size_t np = 0, nu = 0;
    for (int t = 0; t < TRACK_COUNT; t++) {
        np += r->t[t].n_pairs;
        nu += r->t[t].n_unmatched;
    }
    store_pair *pairs = calloc(np + 1, sizeof *pairs);
    store_unmatched *un = calloc(nu + 1, sizeof *un);
    cJSON *config = settings_to_json(&c->cfg);
    char *config_text = config ? cJSON_PrintUnformatted(config) : NULL;
    char summary[256];
    if (!pairs || !un || !config_text) {
        rc = MM_ENOMEM;
        goto free_run;
    }
    np = nu = 0;
    const mm_model *m = c->model;
    for (int t = 0; t < TRACK_COUNT; t++) {
        const match_track *mt = &r->t[t];
        for (size_t i = 0; i < mt->n_pairs; i++)
            pairs[np++] = (store_pair){track_name(t), m->emps[mt->pairs[i].learner].id,
                                       m->emps[mt->pairs[i].partner].id, mt->pairs[i].score,
                                       mt->pairs[i].pinned, 0};
        for (size_t i = 0; i < mt->n_unmatched; i++)
            un[nu++] = (store_unmatched){track_name(t), m->emps[mt->unmatched[i].learner].id,
                                         reason_names[mt->unmatched[i].reason]};
    }
    count_sessions(r, &c->sched, pairs);
    snprintf(summary, sizeof summary,
             "{\"employees\":%zu,\"matched_mentoring\":%zu,\"learners_mentoring\":%zu,"
             "\"shadow_sessions\":%zu}",
             m->n_emps, r->t[TRACK_MENTORING].n_pairs, r->t[TRACK_MENTORING].learners,
             r->t[TRACK_SHADOWING].n_pairs);
    store_run run = {c->created_at, c->quarter, c->sha, config_text, r->threads, pairs, np,
                     un, nu, summary};
    c->t[PHASE_EXPORT] = now_ms() - t3; /* building the files is most of the export */
    c->recognition = recognition_build(s, &c->cfg, c->quarter, c->diag, &rc);
    if (!c->recognition)
        goto free_run;
    progress(c->o, "writing the run");
    /* the files go to the store and the folder as they are written; the
       folder's are renamed into place once the run is saved */
    outdir od;
    if (out)
        outdir_begin(&od, out, c->diag);
    c->files = (run_sink){{tee_open, tee_write, tee_close, &c->files}, NULL, out ? &od : NULL,
                          MM_OK, 0};
    rc = store_save_run(s, &run, write_files, c, &run_id, c->diag);
    if (out) {
        if (rc != MM_OK || c->files.dir_rc != MM_OK)
            outdir_abort(&od);
        if (rc == MM_OK && (rc = c->files.dir_rc) == MM_OK)
            rc = outdir_commit(&od);
        if (rc != MM_OK && run_id)
            mm_diag_error(c->diag, rc, out, 0, 0,
                          "run %lld is saved in the store; `mentormatch report --run %lld "
                          "--out DIR` writes its files",
                          (long long)run_id, (long long)run_id);
    }
    if (rc == MM_OK && !c->o->quiet)
        print_summary(c, run_id, out);
free_run:
    free(pairs);
    free(un);
    cJSON_Delete(config);
    free(config_text);
done:
    return rc;
}

static void run_ctx_free(run_ctx *c)
{
    cJSON_Delete(c->recognition);
    sched_free(&c->sched);
    match_free(c->result);
    mm_model_free(c->model);
}

int cmd_run(const cli_options *o, mm_diag *diag)
{
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.diag = diag;
    store *s = NULL;
    mm_model *imported = NULL;
    char dbpath[4096];
    const char *out = o->out ? o->out : "out";
    if (!o->input)
        return cli_usage_error("%s", "run: which folder? (mentormatch run DIR)");
    int rc = load_settings(o, &c.cfg, diag);
    if (rc != MM_OK)
        return rc;
    double t0 = now_ms();
    progress(o, "importing");
    if ((rc = load_company(o, &imported, c.sha, diag)) != MM_OK)
        goto done;
    if ((rc = fileio_mkdirs(out)) != MM_OK) {
        mm_diag_error(diag, rc, out, 0, 0, "cannot create the output folder: %s",
                      strerror(errno));
        goto done;
    }
    const char *db = o->db;
    if (!db) {
        snprintf(dbpath, sizeof dbpath, "%s/mentormatch.db", out);
        db = dbpath;
    }
    if ((rc = store_open(db, 0, &s, diag)) != MM_OK)
        goto done;
    if ((rc = store_save_snapshot(s, imported, c.sha, diag)) != MM_OK)
        goto done;
    mm_model_free(imported);
    imported = NULL;
    /* match what the store holds, in its canonical (id) order */
    if ((rc = store_load_model(s, &c.model, c.sha, diag)) != MM_OK)
        goto done;
    c.t[PHASE_IMPORT] = now_ms() - t0;
    rc = match_and_save(&c, s, out);
done:
    mm_model_free(imported);
    store_close(s);
    run_ctx_free(&c);
    return rc;
}

int cmd_match(const cli_options *o, mm_diag *diag)
{
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.diag = diag;
    store *s = NULL;
    if (!o->db)
        return cli_usage_error("%s", "match: --db FILE is required");
    int rc = load_settings(o, &c.cfg, diag);
    if (rc != MM_OK)
        return rc;
    double t0 = now_ms();
    if ((rc = store_open(o->db, 1, &s, diag)) != MM_OK)
        goto done;
    if ((rc = store_load_model(s, &c.model, c.sha, diag)) != MM_OK)
        goto done;
    c.t[PHASE_IMPORT] = now_ms() - t0;
    rc = match_and_save(&c, s, o->out);
done:
    store_close(s);
    run_ctx_free(&c);
    return rc;
}

int cmd_report(const cli_options *o, mm_diag *diag)
{
    store *s = NULL;
    outdir od;
    int64_t id = 0;
    if (!o->db || !o->out)
        return cli_usage_error("%s", "report: --db FILE and --out DIR are required");
    int rc = store_open(o->db, 1, &s, diag);
    if (rc == MM_OK) {
        /* straight from the store into temporary files, renamed at the end */
        outdir_begin(&od, o->out, diag);
        rc = store_run_files(s, o->n_runs ? o->runs[0] : 0, NULL, &id, &od.sink, diag);
        if (rc == MM_OK)
            rc = outdir_commit(&od);
        else
            outdir_abort(&od);
    }
    if (rc == MM_OK && !o->quiet)
        printf("run %lld written to %s\n", (long long)id, o->out);
    store_close(s);
    return rc;
}

static void print_run(void *ctx, int64_t id, const char *created_at, const char *quarter,
                      const char *status, int published, const char *summary)
{
    (void)ctx;
    printf("%-5lld %-20s %-7s %-6s %-9s %s\n", (long long)id, created_at, quarter, status,
           published ? "published" : "draft", summary);
}

int cmd_runs(const cli_options *o, mm_diag *diag)
{
    store *s = NULL;
    if (!o->db)
        return cli_usage_error("%s", "runs: --db FILE is required");
    int rc = store_open(o->db, 1, &s, diag);
    if (rc == MM_OK) {
        printf("%-5s %-20s %-7s %-6s %-9s %s\n", "id", "created_at", "quarter", "status", "state",
               "summary");
        rc = store_list_runs(s, print_run, NULL, diag);
    }
    store_close(s);
    return rc;
}

static const char *jtext(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The report.json of a stored run (id <= 0: the newest), parsed; *found is its id. */
static int load_report(store *s, int64_t id, int64_t *found, cJSON **out, mm_diag *diag)
{
    file_set files = {0};
    fileset_sink fs;
    fileset_sink_init(&fs, &files);
    *out = NULL;
    int rc = store_run_files(s, id, "report.json", found, &fs.sink, diag);
    if (rc == MM_OK) {
        const struct file_set_entry *rj = fileset_find(&files, "report.json");
        if (rj && json_parse(rj->data, rj->len, out) == MM_ENOMEM)
            rc = MM_ENOMEM;
        else if (!*out)
            rc = mm_diag_error(diag, MM_EINTERNAL, NULL, 0, 0, "run %lld: unreadable report",
                               (long long)*found);
    }
    fileset_free(&files);
    return rc;
}

/* Writes one file of text into the folder out, atomically. */
static int write_one(const char *out, const char *name, const char *text, size_t len,
                     mm_diag *diag)
{
    file_set files = {0};
    char *copy = malloc(len + 1);
    if (!copy)
        return MM_ENOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    int rc = fileset_add(&files, name, copy, len);
    if (rc == MM_OK)
        rc = fileset_write(out, &files, diag);
    fileset_free(&files);
    return rc;
}

/* explain: from the stored report, the learner's partners with their
   features, the alternatives, or why none. */
int cmd_explain(const cli_options *o, mm_diag *diag)
{
    store *s = NULL;
    cJSON *report = NULL;
    int64_t id = 0;
    if (!o->db || !o->learner)
        return cli_usage_error("%s", "explain: --db FILE and --learner ID are required");
    int rc = store_open(o->db, 1, &s, diag);
    if (rc == MM_OK)
        rc = load_report(s, o->n_runs ? o->runs[0] : 0, &id, &report, diag);
    if (rc != MM_OK)
        goto done;
    printf("learner %s in run %lld\n", o->learner, (long long)id);
    int found = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(report, "pairs"))
    {
        if (strcmp(jtext(it, "learner_id"), o->learner) != 0)
            continue;
        found++;
        printf("  %s: %s, score %.0f%s\n", jtext(it, "track"), jtext(it, "partner_id"),
               jnum(it, "score"), cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "pinned"))
                                      ? " (pinned)"
                                      : "");
        const cJSON *f;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(it, "features"))
            printf("    %-17s %.4f\n", f->string, f->valuedouble);
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(report, "unmatched"))
    {
        if (strcmp(jtext(it, "learner_id"), o->learner) != 0)
            continue;
        found++;
        printf("  %s: unmatched, %s: %s\n", jtext(it, "track"), jtext(it, "reason"),
               jtext(it, "detail"));
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(report, "alternatives"))
    {
        if (strcmp(jtext(it, "learner_id"), o->learner) != 0)
            continue;
        printf("  %s alternatives:", jtext(it, "track"));
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(it, "partners"))
            printf(" %s (%.0f)", jtext(p, "partner_id"), jnum(p, "score"));
        printf("\n");
    }
    if (!found)
        rc = mm_diag_error(diag, MM_ENOTFOUND, NULL, 0, 0,
                           "learner %s is not a learner in run %lld", o->learner, (long long)id);
done:
    cJSON_Delete(report);
    store_close(s);
    return rc;
}

int cmd_publish(const cli_options *o, mm_diag *diag)
{
    store *s = NULL;
    if (!o->db || o->n_runs != 1)
        return cli_usage_error("%s", "publish: --db FILE and one --run ID are required");
    int64_t replaced = 0;
    char quarter[16] = "";
    int rc = store_open(o->db, 1, &s, diag);
    if (rc == MM_OK)
        rc = store_publish_run(s, o->runs[0], o->replace, quarter, &replaced, diag);
    if (rc == MM_OK && !o->quiet) {
        if (replaced)
            printf("run %lld is now the official run of %s (it replaces run %lld)\n",
                   (long long)o->runs[0], quarter, (long long)replaced);
        else
            printf("run %lld is now the official run of %s\n", (long long)o->runs[0], quarter);
    }
    store_close(s);
    return rc;
}

int cmd_diff(const cli_options *o, mm_diag *diag)
{
    store *s = NULL;
    cJSON *a = NULL, *b = NULL, *d = NULL;
    char *text = NULL;
    if (!o->db || o->n_runs != 2)
        return cli_usage_error("%s", "diff: --db FILE --run A --run B are required");
    int rc = store_open(o->db, 1, &s, diag);
    int64_t found = 0;
    if (rc == MM_OK)
        rc = load_report(s, o->runs[0], &found, &a, diag);
    if (rc == MM_OK)
        rc = load_report(s, o->runs[1], &found, &b, diag);
    if (rc != MM_OK)
        goto done;
    if (!(d = diff_reports(a, b)) || !(text = report_render(d))) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (o->out)
        rc = write_one(o->out, "diff.json", text, strlen(text), diag);
    if (rc == MM_OK && !o->quiet)
        diff_print(stdout, d);
done:
    free(text);
    cJSON_Delete(d);
    cJSON_Delete(a);
    cJSON_Delete(b);
    store_close(s);
    return rc;
}

int cmd_feedback(const cli_options *o, mm_diag *diag)
{
    store *s = NULL;
    size_t rows = 0;
    if (!o->input || !o->db || o->n_runs != 1)
        return cli_usage_error("%s", "feedback: FILE --db FILE --run ID are required");
    int rc = store_open(o->db, 1, &s, diag);
    if (rc == MM_OK)
        rc = feedback_import(s, o->runs[0], o->input, &rows, diag);
    if (rc == MM_OK && !o->quiet)
        printf("feedback on %zu pairs of run %lld stored\n", rows, (long long)o->runs[0]);
    store_close(s);
    return rc;
}

int cmd_recognition(const cli_options *o, mm_diag *diag)
{
    store *s = NULL;
    cJSON *rec = NULL;
    char *md = NULL;
    size_t len = 0;
    mm_config cfg;
    if (!o->db)
        return cli_usage_error("%s", "recognition: --db FILE is required");
    if (o->quarter && model_parse_quarter(o->quarter) < 0)
        return cli_usage_error("recognition: --quarter: expected a quarter like 2027Q1, got \"%s\"",
                               o->quarter);
    int rc = load_settings(o, &cfg, diag);
    if (rc == MM_OK)
        rc = store_open(o->db, 1, &s, diag);
    if (rc != MM_OK)
        goto done;
    rec = recognition_build(s, &cfg, o->quarter, diag, &rc);
    if (!rec)
        goto done;
    if (!(md = recognition_markdown(rec, &cfg, &len))) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (o->out)
        rc = write_one(o->out, "recognition.md", md, len, diag);
    if (rc == MM_OK && !o->quiet)
        fputs(md, stdout);
done:
    free(md);
    cJSON_Delete(rec);
    store_close(s);
    return rc;
}
