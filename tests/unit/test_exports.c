/*
 * test_exports.c - the exporters on what they may be given besides a fresh
 * run's report: stored reports and records written by an older or another
 * version (members missing, of another type, groups suppressed in both
 * runs), and run outputs where a track is off, fairness is enforced, an
 * employee has no email, a department's name holds a pipe, the run's time
 * is not ISO 8601 or there is no schedule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "csv.h"
#include "diff.h"
#include "fileio.h"
#include "import.h"
#include "match.h"
#include "recognition.h"
#include "report.h"
#include "schedule.h"

static cJSON *parse(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    return j;
}

static const cJSON *at(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_non_null(v);
    return v;
}

/* What diff_print writes for d (malloc'd). */
static char *printed(const cJSON *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    diff_print(f, d);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* Two reports without pairs, fairness or run: nothing matched, nothing compared. */
static void test_diff_empty_reports(void **state)
{
    (void)state;
    cJSON *a = parse("{}"), *b = parse("{\"pairs\": 3, \"fairness\": []}");
    cJSON *d = diff_reports(a, b);
    assert_non_null(d);
    assert_true(cJSON_IsNull(at(d, "run_a")));
    assert_true(cJSON_IsTrue(at(d, "same_inputs")));
    const cJSON *m = at(at(d, "tracks"), "mentoring");
    assert_int_equal(at(m, "matched_a")->valueint, 0);
    assert_int_equal(at(m, "matched_b")->valueint, 0);
    assert_int_equal(cJSON_GetArraySize(at(m, "kept")), 0);
    assert_true(cJSON_IsNull(at(at(at(d, "fairness"), "mentor_load_gini"), "a")));
    assert_int_equal(cJSON_GetArraySize(at(at(d, "fairness"), "attributes")), 0);
    char *text = printed(d);
    assert_non_null(strstr(text, "mentoring: 0 -> 0 learners matched; kept 0, changed 0, new 0, "
                                 "dropped 0\n"));
    free(text);
    cJSON_Delete(d);
    cJSON_Delete(a);
    cJSON_Delete(b);

    /* a report without fairness against one with: nothing on b's side */
    a = parse("{\"fairness\": {\"attributes\": [{\"name\": \"grade\", \"track\": \"shadowing\","
              " \"groups\": [{\"group\": \"1-5\", \"selection_rate\": 0.5}]}]}}");
    b = parse("{}");
    d = diff_reports(a, b);
    assert_non_null(d);
    const cJSON *g = cJSON_GetArrayItem(
        at(cJSON_GetArrayItem(at(at(d, "fairness"), "attributes"), 0), "groups"), 0);
    assert_true(cJSON_IsNull(at(g, "selection_rate_b")));
    assert_true(cJSON_IsNull(at(g, "matched_b")));
    cJSON_Delete(d);
    cJSON_Delete(a);
    cJSON_Delete(b);

    /* a diff missing its parts prints what it has */
    cJSON *part = parse("{\"run_a\": 1, \"run_b\": 2, \"tracks\": {\"mentoring\": {}},"
                        " \"fairness\": {\"attributes\": [{\"name\": \"grade\"}]}}");
    text = printed(part);
    assert_string_equal(text, "run 1 -> run 2 (different inputs)\n"
                              "mentoring: nan -> nan learners matched; kept 0, changed 0, new 0, "
                              "dropped 0\n"
                              "mentor load Gini nan -> nan; cross-department share nan -> nan\n"
                              "grade, : demographic parity difference nan -> nan\n");
    free(text);
    cJSON_Delete(part);

    /* a diff missing its parts prints its first line and the fairness line only */
    cJSON *bare = parse("{\"run_a\": 1, \"run_b\": 2}");
    text = printed(bare);
    assert_string_equal(text, "run 1 -> run 2 (different inputs)\n"
                              "mentor load Gini nan -> nan; cross-department share nan -> nan\n");
    free(text);
    cJSON_Delete(bare);
}

/* Members of another type read as empty; an attribute or group only in a
   is compared with nothing (null in b); a group suppressed in both runs is
   not printed. */
static void test_diff_sparse_reports(void **state)
{
    (void)state;
    cJSON *a = parse("{\"run\": {\"id\": 4, \"inputs_sha256\": \"ab\"},"
                     " \"pairs\": [{\"track\": \"mentoring\", \"learner_id\": \"E2\", \"partner_id\": 7},"
                     "             {\"track\": \"mentoring\", \"learner_id\": \"E3\", \"partner_id\": \"E1\"}],"
                     " \"fairness\": {\"mentor_load_gini\": 0.25, \"attributes\": ["
                     "   {\"name\": \"location\", \"track\": \"mentoring\","
                     "    \"demographic_parity_difference\": 0.5, \"groups\": ["
                     "      {\"group\": \"Berlin\", \"selection_rate\": 0.5, \"matched\": 1, \"flagged\": true},"
                     "      {\"group\": \"Oslo\", \"selection_rate\": null},"
                     "      {\"group\": \"Paris\", \"selection_rate\": null}]},"
                     "   {\"name\": \"grade\", \"track\": \"mentoring\"}]}}");
    cJSON *b = parse("{\"run\": {\"id\": 5, \"inputs_sha256\": \"cd\"},"
                     " \"pairs\": [{\"track\": \"mentoring\", \"learner_id\": \"E3\", \"partner_id\": \"E1\"}],"
                     " \"fairness\": {\"attributes\": [{\"name\": \"location\", \"track\": \"mentoring\","
                     "   \"groups\": [{\"group\": \"Paris\", \"selection_rate\": 0.25}]}]}}");
    cJSON *d = diff_reports(a, b);
    assert_non_null(d);
    assert_true(cJSON_IsFalse(at(d, "same_inputs")));
    const cJSON *m = at(at(d, "tracks"), "mentoring");
    const cJSON *dropped = cJSON_GetArrayItem(at(m, "dropped"), 0);
    assert_string_equal(at(dropped, "learner_id")->valuestring, "E2");
    assert_string_equal(at(dropped, "before")->valuestring, ""); /* partner_id 7: no id */
    assert_int_equal(cJSON_GetArraySize(at(m, "kept")), 1);
    const cJSON *attrs = at(at(d, "fairness"), "attributes");
    assert_int_equal(cJSON_GetArraySize(attrs), 2);
    const cJSON *loc = cJSON_GetArrayItem(attrs, 0);
    assert_true(at(loc, "demographic_parity_difference_a")->valuedouble == 0.5);
    assert_true(cJSON_IsNull(at(loc, "demographic_parity_difference_b")));
    const cJSON *berlin = cJSON_GetArrayItem(at(loc, "groups"), 0);
    assert_true(cJSON_IsTrue(at(berlin, "flagged_a")));
    assert_true(cJSON_IsFalse(at(berlin, "flagged_b")));
    assert_true(cJSON_IsNull(at(berlin, "selection_rate_b")));
    const cJSON *paris = cJSON_GetArrayItem(at(loc, "groups"), 2);
    assert_true(cJSON_IsNull(at(paris, "selection_rate_a")));
    assert_true(at(paris, "selection_rate_b")->valuedouble == 0.25);
    assert_int_equal(cJSON_GetArraySize(at(cJSON_GetArrayItem(attrs, 1), "groups")), 0);

    char *text = printed(d);
    assert_non_null(strstr(text, "run 4 -> run 5 (different inputs)\n"));
    assert_non_null(strstr(text, "  dropped E2: \n"));
    assert_non_null(strstr(text, "mentor load Gini 0.250 -> nan;"));
    assert_non_null(strstr(text, "  Berlin                         50.0% ->    nan%  flagged in a\n"));
    assert_null(strstr(text, "Oslo")); /* suppressed in both */
    assert_non_null(strstr(text, "  Paris                           nan% ->   25.0%\n"));
    assert_non_null(strstr(text, "grade, mentoring: demographic parity difference nan -> nan\n"));
    free(text);
    cJSON_Delete(d);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

/* A record from elsewhere: pipes and line breaks in cells escaped, a
   department name longer than a line buffer kept whole, members of another
   type read as empty, lists that are missing read as empty. */
static void test_recognition_markdown_cells(void **state)
{
    (void)state;
    char *dept = malloc(3001);
    assert_non_null(dept);
    memset(dept, 'd', 3000);
    dept[3000] = '\0';
    char *text = malloc(4000);
    assert_non_null(text);
    snprintf(text, 4000,
             "{\"until_quarter\": 5, \"people\": ["
             "  {\"employee_id\": \"E1\", \"department\": \"R|D\\nLab\", \"badges\": [\"Guide\", 3],"
             "   \"mentor\": {\"quarters\": 2, \"sessions\": 5}, \"completion_rate\": 0.5},"
             "  {\"employee_id\": \"E2\", \"department\": \"%s\", \"badges\": [\"Guide\"],"
             "   \"completion_rate\": \"high\"},"
             "  {\"employee_id\": 9}],"
             " \"top_contributors\": [{\"department\": \"R|D\\nLab\","
             "   \"employees\": [{\"employee_id\": \"E1\", \"sessions\": \"many\"}]},"
             "  {\"department\": \"Empty\"}]}",
             dept);
    cJSON *rec = parse(text);
    mm_config cfg;
    config_defaults(&cfg);
    cfg.recognition.n_badges = 1;
    cfg.recognition.badges[0] = (config_badge){"Guide", 0, 1, 0};
    size_t len = 0;
    char *md = recognition_markdown(rec, &cfg, &len);
    assert_non_null(md);
    assert_int_equal(strlen(md), len);
    assert_non_null(strstr(md, "# Recognition, published runs up to now\n"));
    assert_non_null(strstr(md, "3 people took part"));
    assert_non_null(strstr(md, "| E1 | R\\|D Lab | 2 | 5 |\n"));
    /* no mentor member: zeros, and the long name whole */
    char *row = malloc(3100);
    assert_non_null(row);
    snprintf(row, 3100, "| E2 | %s | 0 | 0 |\n", dept);
    assert_non_null(strstr(md, row));
    assert_non_null(strstr(md, "| R\\|D Lab | E1 | 0 |\n\n## Completion"));
    assert_non_null(strstr(md, "| E1 | R\\|D Lab | 50% |\n"));
    /* a completion rate that is no number: not listed */
    assert_null(strstr(strstr(md, "## Completion"), "| E2 |"));
    free(md);
    cJSON_Delete(rec);

    /* an empty record: nobody holds the badge */
    rec = parse("{}");
    md = recognition_markdown(rec, &cfg, &len);
    assert_non_null(md);
    assert_non_null(strstr(md, "0 people took part"));
    assert_non_null(strstr(md, "Earned with at least 1 quarter as mentor.\n\nNobody yet.\n"));
    free(md);
    cJSON_Delete(rec);
    free(row);
    free(text);
    free(dept);
}

/* ---- run outputs ------------------------------------------------------- */

/* Copies tests/cases/_base/NAME into dir, replacing the first `from` by `to`. */
static void copy_base(const char *dir, const char *name, const char *from, const char *to)
{
    const char *root = getenv("MM_ROOT");
    char src[4096], dst[4096];
    snprintf(src, sizeof src, "%s/tests/cases/_base/%s", root ? root : ".", name);
    snprintf(dst, sizeof dst, "%s/%s", dir, name);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(fileio_read(src, 1u << 20, &text, &len), MM_OK);
    FILE *f = fopen(dst, "w");
    assert_non_null(f);
    const char *hit = from ? strstr(text, from) : NULL;
    if (from)
        assert_non_null(hit);
    if (hit) {
        fwrite(text, 1, (size_t)(hit - text), f);
        fputs(to, f);
        fputs(hit + strlen(from), f);
    } else {
        fputs(text, f);
    }
    assert_int_equal(fclose(f), 0);
    free(text);
}

typedef struct outputs {
    mm_model *model;
    mm_config cfg;
    match_result *r;
    sched_result sched;
    mm_diag *diag;
    char sha[65];
} outputs;

/*
 * _base with Engineering named "R|D Engineering" and E004 without an email,
 * shadowing off, fairness by location enforced (groups of 1 and more).
 */
static void run_base(outputs *o)
{
    char dir[] = "/tmp/mm-exports.XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const char *const plain[] = {"availability.csv", "exclusions.csv", "goals.csv",
                                        "history.csv",      "pins.csv",       "preferences.csv",
                                        "skills.csv"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        copy_base(dir, plain[i], NULL, NULL);
    copy_base(dir, "departments.csv", "Engineering", "R|D Engineering");
    copy_base(dir, "employees.csv", "linus.torvald@example.com", "");
    memset(o, 0, sizeof *o);
    o->diag = mm_diag_new(100);
    assert_int_equal(import_company(dir, NULL, &o->model, o->sha, o->diag), MM_OK);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    config_defaults(&o->cfg);
    o->cfg.quarter.start = days_from_civil(2027, 3, 1);
    o->cfg.shadowing.enabled = false;
    o->cfg.fairness.enforce = true;
    o->cfg.fairness.n_attributes = 1;
    snprintf(o->cfg.fairness.attributes[0], CONFIG_MAX_NAME, "location");
    o->cfg.fairness.min_group_size = 2;
    o->cfg.fairness.min_impact_ratio = 0.1; /* higher cannot hold with the pin */
    assert_int_equal(match_new(o->model, &o->cfg, 1, &o->r, o->diag), MM_OK);
    assert_int_equal(match_score(o->r, o->diag), MM_OK);
    assert_int_equal(match_solve(o->r, o->diag), MM_OK);
    assert_int_equal(match_explain(o->r, o->diag), MM_OK);
    assert_int_equal(schedule_build(o->r, &o->sched), MM_OK);
}

static void outputs_free(outputs *o)
{
    sched_free(&o->sched);
    match_free(o->r);
    mm_model_free(o->model);
    mm_diag_free(o->diag);
}

static const char *file_text(const file_set *files, const char *name)
{
    const struct file_set_entry *e = fileset_find(files, name);
    assert_non_null(e);
    assert_int_equal(strlen(e->data), e->len);
    return e->data;
}

static void test_outputs_options(void **state)
{
    (void)state;
    outputs o;
    run_base(&o);
    assert_true(o.sched.n_sessions > 0);
    report_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.run_id = 3;
    meta.created_at = "yesterday"; /* not ISO 8601: DTSTAMP falls back to the epoch */
    meta.inputs_sha256 = o.sha;
    meta.threads = 1;
    meta.diag = o.diag;
    file_set files;
    memset(&files, 0, sizeof files);
    assert_int_equal(report_make_files(o.r, &o.sched, &meta, &files), MM_OK);

    cJSON *report = parse(file_text(&files, "report.json"));
    const cJSON *solver = at(at(report, "run"), "solver");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(solver, "mentoring"));
    assert_int_equal(cJSON_GetArraySize(at(solver, "shadowing")), 0); /* off: no figures */
    const cJSON *by = at(at(report, "summary"), "unmatched_by_reason");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(by, "mentoring"));
    assert_null(cJSON_GetObjectItemCaseSensitive(by, "shadowing"));
    const cJSON *pof = at(at(report, "fairness"), "price_of_fairness");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(pof, "mentoring"));
    assert_null(cJSON_GetObjectItemCaseSensitive(pof, "shadowing"));
    const cJSON *p;
    cJSON_ArrayForEach(p, at(report, "pairs"))
        assert_string_equal(at(p, "track")->valuestring, "mentoring");
    cJSON_Delete(report);

    const char *md = file_text(&files, "fairness.md");
    assert_non_null(strstr(md, "Fairness constraints were enforced."));
    assert_non_null(strstr(md, "\n| R\\|D Engineering | "));
    assert_non_null(strstr(md, "## Price of fairness"));
    assert_non_null(strstr(md, "| mentoring | "));
    assert_null(strstr(md, "| shadowing | "));

    const char *ics = file_text(&files, "schedule.ics");
    assert_non_null(strstr(ics, "DTSTAMP:19700101T000000Z"));
    /* E004 (pinned to E003) has sessions but no address: no attendee for him */
    assert_non_null(strstr(ics, "SUMMARY:Mentoring session 1: Linus Torvald and Grace Hopper"));
    assert_null(strstr(ics, "CN=Linus Torvald"));
    assert_non_null(strstr(ics, "CN=Grace Hopper"));
    fileset_free(&files);

    /* the warnings list holds warnings only, and no diag is no warning */
    memset(&files, 0, sizeof files);
    mm_diag *diag = mm_diag_new(10);
    mm_diag_warning(diag, "goals.csv", 4, 0, "a warning");
    mm_diag_error(diag, MM_EDATA, "pins.csv", 2, 1, "an error");
    meta.diag = diag;
    assert_int_equal(report_make_files(o.r, &o.sched, &meta, &files), MM_OK);
    report = parse(file_text(&files, "report.json"));
    assert_int_equal(cJSON_GetArraySize(at(report, "warnings")), 1);
    assert_string_equal(at(cJSON_GetArrayItem(at(report, "warnings"), 0), "message")->valuestring,
                        "a warning");
    cJSON_Delete(report);
    fileset_free(&files);
    mm_diag_free(diag);
    memset(&files, 0, sizeof files);
    meta.diag = NULL;
    assert_int_equal(report_make_files(o.r, &o.sched, &meta, &files), MM_OK);
    report = parse(file_text(&files, "report.json"));
    assert_int_equal(cJSON_GetArraySize(at(report, "warnings")), 0);
    assert_int_equal(at(at(report, "summary"), "warnings")->valueint, 0);
    cJSON_Delete(report);
    fileset_free(&files);

    /* no schedule: nothing planned, a header-only schedule.csv, an empty calendar */
    memset(&files, 0, sizeof files);
    meta.created_at = "2027-02-20T08:30:00Z";
    assert_int_equal(report_make_files(o.r, NULL, &meta, &files), MM_OK);
    report = parse(file_text(&files, "report.json"));
    const cJSON *sum = at(report, "summary");
    assert_int_equal(at(sum, "sessions_planned")->valueint, 0);
    assert_int_equal(at(sum, "sessions_scheduled")->valueint, 0);
    assert_int_equal(cJSON_GetArraySize(at(report, "sessions")), 0);
    cJSON_Delete(report);
    assert_string_equal(file_text(&files, "schedule.csv"),
                        "session_id,track,learner_id,partner_id,start_utc,end_utc,"
                        "learner_local_start,partner_local_start\n");
    ics = file_text(&files, "schedule.ics");
    assert_null(strstr(ics, "BEGIN:VEVENT"));
    assert_non_null(strstr(ics, "END:VCALENDAR\r\n"));
    fileset_free(&files);
    outputs_free(&o);
}

/* ---- files ------------------------------------------------------------- */

static int no_row(void *ctx, const csvr_row *row)
{
    (void)ctx;
    (void)row;
    fail_msg("a row of a file that is too big");
    return MM_EINTERNAL;
}

/* 1 when dir holds no entry. */
static int is_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n == 0;
}

/*
 * Files too big are refused before they are read (a sparse file of 1 GiB
 * and a byte); an empty set of outputs makes the folder and writes
 * nothing; an output path over PATH_MAX and a report.json that cannot be
 * removed leave the folder as it was.
 */
static void test_file_limits(void **state)
{
    (void)state;
    char dir[] = "/tmp/mm-exports.XXXXXX", path[PATH_MAX + 64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), ((off_t)1 << 30) + 1), 0);
    assert_int_equal(fclose(f), 0);
    mm_diag *diag = mm_diag_new(10);
    assert_int_equal(csvr_parse_file(path, "big.csv", no_row, NULL, diag), MM_EDATA);
    assert_string_equal(mm_diag_message(diag, 0), "file larger than 1073741824 bytes");
    assert_string_equal(mm_diag_file(diag, 0), "big.csv");
    char *data = NULL;
    size_t len = 0;
    errno = 0;
    assert_int_equal(fileio_read(path, 1u << 20, &data, &len), MM_EIO);
    assert_int_equal(errno, EFBIG);
    assert_null(data);
    assert_int_equal(unlink(path), 0);

    /* nothing to write: the folder is made, and stays empty */
    file_set set;
    memset(&set, 0, sizeof set);
    snprintf(path, sizeof path, "%s/out", dir);
    assert_int_equal(fileset_write(path, &set, diag), MM_OK);
    assert_int_equal(fileio_is_dir(path), 1);
    assert_true(is_empty_dir(path));

    /* a name that makes the path too long: nothing written */
    char *name = malloc(PATH_MAX);
    assert_non_null(name);
    memset(name, 'n', PATH_MAX - 1);
    name[PATH_MAX - 1] = '\0';
    char *text = strdup("a,b\n");
    assert_non_null(text);
    assert_int_equal(fileset_add(&set, name, text, 4), MM_OK);
    mm_diag_clear(diag);
    assert_int_equal(fileset_write(path, &set, diag), MM_ECANTCREAT);
    assert_string_equal(mm_diag_message(diag, 0), "output path too long");
    assert_true(is_empty_dir(path));
    fileset_free(&set);
    free(name);

    /* report.json is a folder with a file in it: it cannot be replaced, and
       the other file is not written either */
    memset(&set, 0, sizeof set);
    char *report = strdup("{}\n"), *csv = strdup("x\n");
    assert_non_null(report);
    assert_non_null(csv);
    assert_int_equal(fileset_add(&set, "report.json", report, 3), MM_OK);
    assert_int_equal(fileset_add(&set, "unmatched.csv", csv, 2), MM_OK);
    char sub[PATH_MAX + 128];
    snprintf(sub, sizeof sub, "%s/report.json", path);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(sub, sizeof sub, "%s/report.json/keep", path);
    f = fopen(sub, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    mm_diag_clear(diag);
    assert_int_equal(fileset_write(path, &set, diag), MM_EIO);
    assert_non_null(strstr(mm_diag_message(diag, 0), "cannot replace: "));
    snprintf(sub, sizeof sub, "%s/unmatched.csv", path);
    assert_int_equal(access(sub, F_OK), -1);
    snprintf(sub, sizeof sub, "%s/report.json", path);
    assert_int_equal(fileio_is_dir(sub), 1);
    fileset_free(&set);

    mm_diag_free(diag);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* cJSON's allocations counted, the fail_at-th failing (0: none). */
static long cjson_calls, cjson_fail_at;

static void *counting_malloc(size_t size)
{
    if (++cjson_calls == cjson_fail_at)
        return NULL;
    return malloc(size);
}

static void fail_cjson_at(long n)
{
    cjson_calls = 0;
    cjson_fail_at = n;
    cJSON_Hooks hooks = {counting_malloc, free};
    cJSON_InitHooks(&hooks);
}

/* The diff of two reports with every allocation of it failing in turn:
   NULL each time (nothing half-built leaks, as make check's LeakSanitizer
   sees), until an attempt that completes gives the tree of a run without
   a failure. */
static void test_diff_out_of_memory(void **state)
{
    (void)state;
    cJSON *a = parse("{\"run\": {\"id\": 4, \"inputs_sha256\": \"ab\"},"
                     " \"pairs\": [{\"track\": \"mentoring\", \"learner_id\": \"E2\", \"partner_id\": \"E1\"},"
                     "  {\"track\": \"mentoring\", \"learner_id\": \"E3\", \"partner_id\": \"E1\"},"
                     "  {\"track\": \"shadowing\", \"learner_id\": \"E4\", \"partner_id\": \"E5\"}],"
                     " \"fairness\": {\"mentor_load_gini\": 0.25, \"attributes\": ["
                     "   {\"name\": \"location\", \"track\": \"mentoring\","
                     "    \"demographic_parity_difference\": 0.5, \"groups\": ["
                     "      {\"group\": \"Berlin\", \"selection_rate\": 0.5, \"matched\": 1},"
                     "      {\"group\": \"Oslo\", \"selection_rate\": 1, \"matched\": 2}]}]}}");
    cJSON *b = parse("{\"run\": {\"id\": 5, \"inputs_sha256\": \"ab\"},"
                     " \"pairs\": [{\"track\": \"mentoring\", \"learner_id\": \"E3\", \"partner_id\": \"E6\"},"
                     "  {\"track\": \"mentoring\", \"learner_id\": \"E7\", \"partner_id\": \"E1\"},"
                     "  {\"track\": \"shadowing\", \"learner_id\": \"E4\", \"partner_id\": \"E5\"}],"
                     " \"fairness\": {\"mentor_load_gini\": 0.5, \"attributes\": ["
                     "   {\"name\": \"location\", \"track\": \"mentoring\", \"groups\": ["
                     "      {\"group\": \"Oslo\", \"selection_rate\": 0.5, \"matched\": 1},"
                     "      {\"group\": \"Rome\", \"selection_rate\": 1, \"matched\": 1}]}]}}");
    cJSON *want = diff_reports(a, b);
    assert_non_null(want);
    long failed = 0;
    for (long n = 1;; n++) {
        fail_cjson_at(n);
        cJSON *d = diff_reports(a, b);
        cJSON_InitHooks(NULL);
        if (cjson_calls < n) {
            assert_non_null(d);
            assert_true(cJSON_Compare(d, want, 1));
            cJSON_Delete(d);
            break;
        }
        assert_null(d);
        failed++;
    }
    assert_true(failed > 50);
    cJSON_Delete(want);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_empty_reports),
        cmocka_unit_test(test_diff_sparse_reports),
        cmocka_unit_test(test_diff_out_of_memory),
        cmocka_unit_test(test_recognition_markdown_cells),
        cmocka_unit_test(test_outputs_options),
        cmocka_unit_test(test_file_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
