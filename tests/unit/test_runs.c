/*
 * test_runs.c - stored runs and what is built from them, without the
 * engine: runs written by hand into a store holding tests/cases/_base, then
 * the store's answers for missing runs and stores, output files stored in
 * chunks (and those of a schema 1 store, whole; a file abandoned while it
 * was written left out; chunks missing or extra found), publishing, feedback.csv
 * checked with FILE:LINE:COLUMN errors, the recognition record and its
 * Markdown, and the diff of two reports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "diff.h"
#include "feedback.h"
#include "fileio.h"
#include "import.h"
#include "recognition.h"
#include "store.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    store *s;
    mm_diag *diag;
} fixture;

static void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* True when some entry of diag reads exactly want. */
static int has(const mm_diag *diag, const char *want)
{
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        if (strcmp(mm_diag_message(diag, i), want) == 0)
            return 1;
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        fprintf(stderr, "  got %s:%ld:%ld: %s\n", mm_diag_file(diag, i), mm_diag_line(diag, i),
                mm_diag_column(diag, i), mm_diag_message(diag, i));
    return 0;
}

/* Writes a whole file into a sink. */
static int put_file(const file_sink *sink, const char *name, const char *data, size_t len)
{
    int rc = sink->open(sink->ctx, name);
    if (rc != MM_OK)
        return rc;
    rc = len ? sink->write(sink->ctx, data, len) : MM_OK;
    int c = sink->close(sink->ctx, rc == MM_OK);
    return rc != MM_OK ? rc : c;
}

static int make_files(void *ctx, int64_t run_id, const file_sink *files)
{
    (void)ctx;
    char text[64];
    snprintf(text, sizeof text, "{\"run\": {\"id\": %lld}}", (long long)run_id);
    int rc = put_file(files, "report.json", text, strlen(text));
    return rc != MM_OK ? rc : put_file(files, "empty.csv", "", 0);
}

/* The stored files of a run (id <= 0: the newest) into *files. */
static int run_files(fixture *f, int64_t id, const char *only, int64_t *found, file_set *files)
{
    fileset_sink fs;
    fileset_sink_init(&fs, files);
    return store_run_files(f->s, id, only, found, &fs.sink, f->diag);
}

/* A run of quarter q: E002 mentored by E001, E004 shadowing E003 and E006. */
static int64_t save_run(fixture *f, const char *q, int32_t sessions)
{
    static const store_pair pairs[] = {
        {"mentoring", "E002", "E001", 700, 0, 0},
        {"shadowing", "E004", "E003", 500, 0, 0},
        {"shadowing", "E004", "E006", 400, 0, 0},
    };
    store_pair p[3];
    memcpy(p, pairs, sizeof p);
    for (int i = 0; i < 3; i++)
        p[i].sessions = sessions;
    static const store_unmatched un[] = {{"mentoring", "E004", "grade_gap"}};
    store_run run = {"2027-03-01T00:00:00Z", q, "0000", "{}", 1, p, 3, un, 1, "{}"};
    int64_t id = 0;
    assert_int_equal(store_save_run(f->s, &run, make_files, NULL, &id, f->diag), MM_OK);
    return id;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/mm-runs.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
    f->diag = mm_diag_new(100);
    char base[4096], sha[65];
    const char *root = getenv("MM_ROOT");
    snprintf(base, sizeof base, "%s/tests/cases/_base", root ? root : ".");
    mm_model *m = NULL;
    if (!f->diag || import_company(base, NULL, &m, sha, f->diag) != MM_OK ||
        store_open(f->db, 0, &f->s, f->diag) != MM_OK ||
        store_save_snapshot(f->s, m, sha, f->diag) != MM_OK)
        return -1;
    mm_model_free(m);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    mm_diag_free(f->diag);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    char path[160];
    store *s = NULL;
    snprintf(path, sizeof path, "%s/none.db", f->dir);
    assert_int_equal(store_open(path, 1, &s, f->diag), MM_ENOINPUT);
    assert_null(s);
    assert_true(has(f->diag, "no such store"));
    assert_string_equal(mm_diag_file(f->diag, 0), path);
    mm_diag_clear(f->diag);

    /* no folder to create it in */
    snprintf(path, sizeof path, "%s/none/q.db", f->dir);
    assert_int_equal(store_open(path, 0, &s, f->diag), MM_ECANTCREAT);
    assert_null(s);
    assert_int_equal(mm_diag_error_count(f->diag), 1);
    mm_diag_clear(f->diag);

    /* a file that is not a store */
    snprintf(path, sizeof path, "%s/notes.txt", f->dir);
    put(path, "these are not the tables you are looking for, not by a long way\n");
    assert_int_equal(store_open(path, 1, &s, f->diag), MM_ESTORE);
    assert_null(s);
    assert_true(has(f->diag, "file is not a database"));
    mm_diag_clear(f->diag);

    /* a store written by a later mentormatch */
    snprintf(path, sizeof path, "%s/later.db", f->dir);
    assert_int_equal(store_open(path, 0, &s, f->diag), MM_OK);
    store_close(s);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(path, 1, &s, f->diag), MM_ESTORE);
    assert_null(s);
    assert_int_equal(mm_diag_error_count(f->diag), 1);
    assert_non_null(strstr(mm_diag_message(f->diag, 0), "schema version 999"));
    mm_diag_clear(f->diag);
}

static void test_missing_runs(void **state)
{
    fixture *f = *state;
    file_set files = {0};
    int64_t found = 0;
    bool published = true;
    assert_int_equal(run_files(f, 0, NULL, &found, &files), MM_ENOTFOUND);
    assert_true(has(f->diag, "no runs yet"));
    assert_int_equal(run_files(f, 7, NULL, &found, &files), MM_ENOTFOUND);
    assert_true(has(f->diag, "no run 7"));
    assert_int_equal(files.n, 0);
    mm_diag_clear(f->diag);
    assert_int_equal(store_run_state(f->s, 7, &published, f->diag), MM_ENOTFOUND);
    char quarter[16];
    int64_t replaced = -1;
    assert_int_equal(store_publish_run(f->s, 7, false, quarter, &replaced, f->diag),
                     MM_ENOTFOUND);
    assert_true(has(f->diag, "no run 7"));
    mm_diag_clear(f->diag);
    size_t n = 99;
    char path[160];
    snprintf(path, sizeof path, "%s/feedback.csv", f->dir);
    put(path, "learner_id,partner_id,track,sessions_attended,rating\n");
    assert_int_equal(feedback_import(f->s, 7, path, &n, f->diag), MM_ENOTFOUND);
    assert_int_equal(n, 0);
}

static void test_run_files_and_publish(void **state)
{
    fixture *f = *state;
    int64_t a = save_run(f, "2027Q1", 4), b = save_run(f, "2027Q1", 4);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);

    /* the newest run's files, an empty one included */
    file_set files = {0};
    int64_t found = 0;
    assert_int_equal(run_files(f, 0, NULL, &found, &files), MM_OK);
    assert_int_equal(found, 2);
    assert_int_equal(files.n, 2);
    const struct file_set_entry *e = fileset_find(&files, "empty.csv");
    assert_non_null(e);
    assert_int_equal(e->len, 0);
    assert_string_equal(e->data, "");
    e = fileset_find(&files, "report.json");
    assert_non_null(e);
    assert_string_equal(e->data, "{\"run\": {\"id\": 2}}");
    fileset_free(&files);

    char quarter[16];
    int64_t replaced = -1;
    bool published = true;
    assert_int_equal(store_run_state(f->s, 1, &published, f->diag), MM_OK);
    assert_false(published);
    assert_int_equal(store_publish_run(f->s, 1, false, quarter, &replaced, f->diag), MM_OK);
    assert_string_equal(quarter, "2027Q1");
    assert_int_equal(replaced, 0);
    /* again: nothing to replace */
    assert_int_equal(store_publish_run(f->s, 1, false, quarter, &replaced, f->diag), MM_OK);
    assert_int_equal(replaced, 0);
    /* another run of the quarter needs --replace */
    assert_int_equal(store_publish_run(f->s, 2, false, quarter, &replaced, f->diag), MM_EUSAGE);
    assert_true(has(f->diag, "run 1 is already the official run of 2027Q1; publish run 2 with "
                             "--replace to replace it"));
    assert_int_equal(store_run_state(f->s, 2, &published, f->diag), MM_OK);
    assert_false(published);
    mm_diag_clear(f->diag);
    assert_int_equal(store_publish_run(f->s, 2, true, quarter, &replaced, f->diag), MM_OK);
    assert_int_equal(replaced, 1);
    assert_int_equal(store_run_state(f->s, 1, &published, f->diag), MM_OK);
    assert_false(published);
    assert_int_equal(store_run_state(f->s, 2, &published, f->diag), MM_OK);
    assert_true(published);
}

/* Imports text as feedback.csv of run; returns the code, rows in *n. */
static int feedback(fixture *f, int64_t run, const char *text, size_t *n)
{
    char path[160];
    snprintf(path, sizeof path, "%s/feedback.csv", f->dir);
    put(path, text);
    mm_diag_clear(f->diag);
    return feedback_import(f->s, run, path, n, f->diag);
}

static void expect_error_at(const mm_diag *diag, long line, long column, const char *message)
{
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        if (mm_diag_line(diag, i) == line && mm_diag_column(diag, i) == column &&
            strcmp(mm_diag_message(diag, i), message) == 0) {
            assert_string_equal(mm_diag_file(diag, i), "feedback.csv");
            return;
        }
    fprintf(stderr, "missing feedback.csv:%ld:%ld: %s\n", line, column, message);
    has(diag, "");
    fail();
}

static void test_feedback(void **state)
{
    fixture *f = *state;
    int64_t run = save_run(f, "2027Q1", 4);
    size_t n = 99;
    const char *good = "learner_id,partner_id,track,sessions_attended,rating\n"
                       "E002,E001,mentoring,4,5\n";
    assert_int_equal(feedback(f, run, good, &n), MM_EDATA);
    assert_true(has(f->diag, "run 1 is a draft: feedback is for published runs "
                             "(mentormatch publish --run 1)"));
    char quarter[16];
    int64_t replaced;
    assert_int_equal(store_publish_run(f->s, run, false, quarter, &replaced, f->diag), MM_OK);

    /* a header without two of the columns: each named, no row read */
    assert_int_equal(feedback(f, run, "Learner_ID,partner_id,track\nE002,E001,mentoring\n", &n),
                     MM_EDATA);
    assert_int_equal(mm_diag_error_count(f->diag), 2);
    expect_error_at(f->diag, 1, 0, "missing required column \"sessions_attended\"");
    expect_error_at(f->diag, 1, 0, "missing required column \"rating\"");

    /* columns in any order, names in any case; a short row */
    assert_int_equal(feedback(f, run,
                              "RATING,track,learner_id,partner_id,sessions_attended\n"
                              "4,shadowing,E004,E003,2\n"
                              "0,shadowing,E004,E006\n"
                              "3,mentoring,E002,E001,0010000000\n",
                              &n),
                     MM_EDATA);
    assert_int_equal(mm_diag_error_count(f->diag), 3);
    expect_error_at(f->diag, 3, 1, "rating: expected an integer 1..5, got \"0\"");
    expect_error_at(f->diag, 3, 5, "sessions_attended: expected an integer 0..1000, got \"\"");
    expect_error_at(f->diag, 4, 5,
                    "sessions_attended: expected an integer 0..1000, got \"0010000000\"");
    assert_int_equal(n, 0);

    /* all or nothing: the good file stores its rows, a bad one after it none */
    assert_int_equal(feedback(f, run,
                              "rating,track,learner_id,partner_id,sessions_attended\n"
                              "4,shadowing,E004,E003,2\n"
                              "1,shadowing,E004,E006,0\n"
                              "5,mentoring,E002,E001,1000\n",
                              &n),
                     MM_OK);
    assert_int_equal(n, 3);
    assert_int_equal(feedback(f, run, "learner_id,partner_id,track,sessions_attended,rating\n"
                                      "E002,E003,mentoring,1,5\n",
                              &n),
                     MM_EDATA);
    expect_error_at(f->diag, 2, 2, "partner_id: E002 and E003 were not paired on mentoring in run 1");
    assert_int_equal(n, 0);
}

static void test_feedback_no_pairs(void **state)
{
    fixture *f = *state;
    store_run run = {"2027-03-01T00:00:00Z", "2027Q2", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    int64_t id = 0;
    assert_int_equal(store_save_run(f->s, &run, make_files, NULL, &id, f->diag), MM_OK);
    char quarter[16];
    int64_t replaced;
    assert_int_equal(store_publish_run(f->s, id, false, quarter, &replaced, f->diag), MM_OK);
    size_t n = 9;
    assert_int_equal(feedback(f, id, "learner_id,partner_id,track,sessions_attended,rating\n", &n),
                     MM_OK);
    assert_int_equal(n, 0);
    assert_int_equal(feedback(f, id, "learner_id,partner_id,track,sessions_attended,rating\n"
                                     "E002,E001,mentoring,1,5\n",
                              &n),
                     MM_EDATA);
    expect_error_at(f->diag, 2, 2, "partner_id: E002 and E001 were not paired on mentoring in run 1");
}

static const cJSON *person(const cJSON *rec, const char *id)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(rec, "people"))
        if (strcmp(cJSON_GetObjectItemCaseSensitive(p, "employee_id")->valuestring, id) == 0)
            return p;
    return NULL;
}

static double role_num(const cJSON *p, const char *role, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, role), key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void test_recognition(void **state)
{
    fixture *f = *state;
    char quarter[16];
    int64_t replaced;
    int64_t q1 = save_run(f, "2027Q1", 3), q2 = save_run(f, "2027Q2", 1);
    save_run(f, "2027Q3", 5); /* a draft: not counted */
    assert_int_equal(store_publish_run(f->s, q1, false, quarter, &replaced, f->diag), MM_OK);
    assert_int_equal(store_publish_run(f->s, q2, false, quarter, &replaced, f->diag), MM_OK);
    size_t n;
    assert_int_equal(feedback(f, q1, "learner_id,partner_id,track,sessions_attended,rating\n"
                                     "E002,E001,mentoring,2,4\n",
                              &n),
                     MM_OK);

    mm_config cfg;
    config_defaults(&cfg);
    cfg.recognition.n_badges = 3;
    cfg.recognition.badges[0] = (config_badge){"Two-quarter guide", 0, 2, 4};
    cfg.recognition.badges[1] = (config_badge){"First session", 1, 0, 1};
    cfg.recognition.badges[2] = (config_badge){"Veteran", 2, 5, 0};
    cfg.recognition.top = 1;
    int rc = -1;
    cJSON *rec = recognition_build(f->s, &cfg, "", f->diag, &rc);
    assert_int_equal(rc, MM_OK);
    assert_non_null(rec);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(rec, "until_quarter")->valuestring,
                        "2027Q2");
    const cJSON *e001 = person(rec, "E001");
    assert_non_null(e001);
    assert_true(role_num(e001, "mentor", "quarters") == 2);
    assert_true(role_num(e001, "mentor", "sessions") == 4);
    /* 2 attended of the 3 scheduled in Q1; Q2 has no feedback */
    const cJSON *cr = cJSON_GetObjectItemCaseSensitive(e001, "completion_rate");
    assert_true(cJSON_IsNumber(cr));
    assert_true(cr->valuedouble > 0.66 && cr->valuedouble < 0.67);
    const cJSON *badges = cJSON_GetObjectItemCaseSensitive(e001, "badges");
    assert_int_equal(cJSON_GetArraySize(badges), 1);
    assert_string_equal(cJSON_GetArrayItem(badges, 0)->valuestring, "Two-quarter guide");
    assert_non_null(person(rec, "E006"));
    assert_null(person(rec, "E005"));

    size_t len = 0;
    char *md = recognition_markdown(rec, &cfg, &len);
    assert_non_null(md);
    assert_int_equal(strlen(md), len);
    assert_non_null(strstr(md, "# Recognition, published runs up to 2027Q2\n"));
    assert_non_null(strstr(md, "Earned with at least 2 quarters and at least 4 sessions as mentor."));
    assert_non_null(strstr(md, "Earned with at least 1 session as host."));
    assert_non_null(strstr(md, "Earned with at least 5 quarters as learner.\n\nNobody yet.\n"));
    assert_non_null(strstr(md, "| E001 | Engineering | 2 | 4 |\n"));
    assert_non_null(strstr(md, "| E003 | Platform | 2 | 4 |\n| E006 | Engineering | 2 | 4 |\n"));
    /* one per department (top_per_department 1): E006 ties E001 and comes second */
    assert_non_null(strstr(md, "|---|---|---:|\n| Engineering | E001 | 4 |\n"
                               "| Platform | E003 | 4 |\n\n## Completion"));
    assert_non_null(strstr(md, "| E001 | Engineering | 67% |\n"));
    free(md);
    cJSON_Delete(rec);

    /* up to Q1 only */
    rec = recognition_build(f->s, &cfg, "2027Q1", f->diag, &rc);
    assert_int_equal(rc, MM_OK);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(rec, "until_quarter")->valuestring,
                        "2027Q1");
    assert_true(role_num(person(rec, "E001"), "mentor", "quarters") == 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(person(rec, "E001"),
                                                                         "badges")),
                     0);
    cJSON_Delete(rec);
}

static void test_recognition_empty(void **state)
{
    fixture *f = *state;
    mm_config cfg;
    config_defaults(&cfg);
    int rc = -1;
    cJSON *rec = recognition_build(f->s, &cfg, NULL, f->diag, &rc);
    assert_int_equal(rc, MM_OK);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rec, "people")), 0);
    size_t len;
    char *md = recognition_markdown(rec, &cfg, &len);
    assert_non_null(md);
    assert_non_null(strstr(md, "# Recognition, published runs up to now\n"));
    assert_non_null(strstr(md, "0 people took part"));
    free(md);
    cJSON_Delete(rec);
}

static cJSON *parse(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    return j;
}

static void test_diff(void **state)
{
    (void)state;
    cJSON *a = parse(
        "{\"run\": {\"id\": 1, \"inputs_sha256\": \"aa\"},"
        " \"pairs\": ["
        "  {\"track\": \"mentoring\", \"learner_id\": \"L1\", \"partner_id\": \"M1\"},"
        "  {\"track\": \"mentoring\", \"learner_id\": \"L2\", \"partner_id\": \"M2\"},"
        "  {\"track\": \"mentoring\", \"learner_id\": \"L3\", \"partner_id\": \"M3\"},"
        "  {\"track\": \"shadowing\", \"learner_id\": \"L1\", \"partner_id\": \"H1\"},"
        "  {\"track\": \"shadowing\", \"learner_id\": \"L1\", \"partner_id\": \"H2\"}],"
        " \"fairness\": {\"mentor_load_gini\": 0.5, \"cross_department_share\": 0.25,"
        "  \"attributes\": ["
        "   {\"name\": \"department\", \"track\": \"mentoring\","
        "    \"demographic_parity_difference\": 0.1, \"groups\": ["
        "     {\"group\": \"ENG\", \"selection_rate\": 0.5, \"matched\": 1, \"flagged\": true},"
        "     {\"group\": \"SAL\", \"selection_rate\": 0.75, \"matched\": 3, \"flagged\": false},"
        "     {\"group\": \"tiny\", \"selection_rate\": null, \"matched\": null}]},"
        "   {\"name\": \"grade\", \"track\": \"mentoring\","
        "    \"demographic_parity_difference\": 0.2, \"groups\": []}]}}");
    cJSON *b = parse(
        "{\"run\": {\"id\": 2, \"inputs_sha256\": \"bb\"},"
        " \"pairs\": ["
        "  {\"track\": \"mentoring\", \"learner_id\": \"L1\", \"partner_id\": \"M1\"},"
        "  {\"track\": \"mentoring\", \"learner_id\": \"L2\", \"partner_id\": \"M9\"},"
        "  {\"track\": \"mentoring\", \"learner_id\": \"L4\", \"partner_id\": \"M4\"},"
        "  {\"track\": \"shadowing\", \"learner_id\": \"L1\", \"partner_id\": \"H1\"}],"
        " \"fairness\": {\"cross_department_share\": 0.5,"
        "  \"attributes\": ["
        "   {\"name\": \"department\", \"track\": \"mentoring\","
        "    \"demographic_parity_difference\": 0.3, \"groups\": ["
        "     {\"group\": \"ENG\", \"selection_rate\": 0.25, \"matched\": 1, \"flagged\": false}]}]}}");
    cJSON *d = diff_reports(a, b);
    assert_non_null(d);
    char *text = cJSON_PrintUnformatted(d);
    assert_non_null(text);
    assert_string_equal(
        text,
        "{\"run_a\":1,\"run_b\":2,\"same_inputs\":false,\"tracks\":{"
        "\"mentoring\":{\"matched_a\":3,\"matched_b\":3,"
        "\"kept\":[{\"learner_id\":\"L1\",\"before\":\"M1\"}],"
        "\"changed\":[{\"learner_id\":\"L2\",\"before\":\"M2\",\"after\":\"M9\"}],"
        "\"new\":[{\"learner_id\":\"L4\",\"after\":\"M4\"}],"
        "\"dropped\":[{\"learner_id\":\"L3\",\"before\":\"M3\"}]},"
        "\"shadowing\":{\"matched_a\":1,\"matched_b\":1,\"kept\":[],"
        "\"changed\":[{\"learner_id\":\"L1\",\"before\":\"H1;H2\",\"after\":\"H1\"}],"
        "\"new\":[],\"dropped\":[]}},"
        "\"fairness\":{\"mentor_load_gini\":{\"a\":0.5,\"b\":null},"
        "\"cross_department_share\":{\"a\":0.25,\"b\":0.5},\"attributes\":["
        "{\"name\":\"department\",\"track\":\"mentoring\","
        "\"demographic_parity_difference_a\":0.1,\"demographic_parity_difference_b\":0.3,"
        "\"groups\":["
        "{\"group\":\"ENG\",\"selection_rate_a\":0.5,\"selection_rate_b\":0.25,"
        "\"matched_a\":1,\"matched_b\":1,\"flagged_a\":true,\"flagged_b\":false},"
        "{\"group\":\"SAL\",\"selection_rate_a\":0.75,\"selection_rate_b\":null,"
        "\"matched_a\":3,\"matched_b\":null,\"flagged_a\":false,\"flagged_b\":false},"
        "{\"group\":\"tiny\",\"selection_rate_a\":null,\"selection_rate_b\":null,"
        "\"matched_a\":null,\"matched_b\":null,\"flagged_a\":false,\"flagged_b\":false}]},"
        "{\"name\":\"grade\",\"track\":\"mentoring\","
        "\"demographic_parity_difference_a\":0.2,\"demographic_parity_difference_b\":null,"
        "\"groups\":[]}]}}");
    free(text);

    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    assert_non_null(fp);
    diff_print(fp, d);
    assert_int_equal(fclose(fp), 0);
    assert_non_null(strstr(
        out, "run 1 -> run 2 (different inputs)\n"
             "mentoring: 3 -> 3 learners matched; kept 1, changed 1, new 1, dropped 1\n"
             "  changed L2: M2 -> M9\n"
             "  new     L4: M4\n"
             "  dropped L3: M3\n"
             "shadowing: 1 -> 1 learners matched; kept 0, changed 1, new 0, dropped 0\n"
             "  changed L1: H1;H2 -> H1\n"
             "mentor load Gini 0.500 -> "));
    assert_non_null(strstr(out, "; cross-department share 0.250 -> 0.500\n"
                                "department, mentoring: demographic parity difference "
                                "0.100 -> 0.300\n"
                                "  ENG                            50.0% ->   25.0%  flagged in a\n"
                                "  SAL                            75.0% -> "));
    /* a group suppressed in both runs is left out */
    assert_null(strstr(out, "tiny"));
    assert_non_null(strstr(out, "grade, mentoring: demographic parity difference 0.200 -> "));
    free(out);
    cJSON_Delete(d);

    /* a run against itself: everything kept, same inputs */
    d = diff_reports(a, a);
    assert_non_null(d);
    fp = open_memstream(&out, &len);
    assert_non_null(fp);
    diff_print(fp, d);
    assert_int_equal(fclose(fp), 0);
    assert_non_null(strstr(out, "run 1 -> run 1 (same inputs)\n"
                                "mentoring: 3 -> 3 learners matched; kept 3, changed 0, new 0, "
                                "dropped 0\n"
                                "shadowing: 1 -> 1 learners matched; kept 1, changed 0, new 0, "
                                "dropped 0\n"));
    free(out);
    cJSON_Delete(d);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

/* ---- output files stored in chunks ------------------------------------------ */

#define BIG_LEN ((size_t)5 * 1048576 + 12345)

/* A large file given in pieces of many sizes, and a small one. */
static int big_files(void *ctx, int64_t run_id, const file_sink *files)
{
    const char *big = ctx;
    (void)run_id;
    int rc = files->open(files->ctx, "big.json");
    static const size_t steps[] = {1, 4095, 1048576, 3 * 1048576 + 7};
    size_t at = 0;
    for (size_t i = 0; rc == MM_OK && at < BIG_LEN; i++) {
        size_t n = steps[i % 4] < BIG_LEN - at ? steps[i % 4] : BIG_LEN - at;
        rc = files->write(files->ctx, big + at, n);
        at += n;
    }
    if (rc == MM_OK)
        rc = files->close(files->ctx, 1);
    return rc != MM_OK ? rc : put_file(files, "small.csv", "a,b\n", 4);
}

/* A run whose files fail midway: nothing of it is stored. */
static int failing_files(void *ctx, int64_t run_id, const file_sink *files)
{
    (void)ctx;
    (void)run_id;
    int rc = put_file(files, "report.json", "{}", 2);
    if (rc == MM_OK && (rc = files->open(files->ctx, "schedule.ics")) == MM_OK) {
        rc = files->write(files->ctx, "BEGIN", 5);
        files->close(files->ctx, 0);
    }
    return rc == MM_OK ? MM_ENOMEM : rc;
}

static int64_t count(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static void test_chunked_files(void **state)
{
    fixture *f = *state;
    char *big = malloc(BIG_LEN);
    assert_non_null(big);
    for (size_t i = 0; i < BIG_LEN; i++)
        big[i] = (char)('a' + (i * 7919) % 26);
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    int64_t id = 0, found = 0;
    assert_int_equal(store_save_run(f->s, &run, big_files, big, &id, f->diag), MM_OK);

    /* no row holds more than a chunk: a file past SQLite's largest blob stores too;
       the text is stored compressed, in a fraction of its size */
    assert_true(count(f->db, "SELECT max(length(content)) FROM run_output_chunks") <= 1048576);
    assert_true(count(f->db, "SELECT sum(length(content)) FROM run_output_chunks") <
                (int64_t)BIG_LEN / 20);
    assert_int_equal(count(f->db, "SELECT count(*) FROM run_outputs WHERE compression = 'zstd'"),
                     2);
    assert_int_equal(
        count(f->db, "SELECT chunks FROM run_outputs WHERE name = 'big.json'"),
        count(f->db, "SELECT count(*) FROM run_output_chunks WHERE name = 'big.json'"));
    assert_true(count(f->db, "SELECT count(*) FROM run_output_chunks") >= 6);

    file_set files = {0};
    assert_int_equal(run_files(f, id, NULL, &found, &files), MM_OK);
    assert_int_equal(files.n, 2);
    const struct file_set_entry *e = fileset_find(&files, "big.json");
    assert_non_null(e);
    assert_int_equal(e->len, BIG_LEN);
    assert_memory_equal(e->data, big, BIG_LEN);
    e = fileset_find(&files, "small.csv");
    assert_non_null(e);
    assert_string_equal(e->data, "a,b\n");
    fileset_free(&files);

    /* one file by name */
    assert_int_equal(run_files(f, id, "small.csv", &found, &files), MM_OK);
    assert_int_equal(files.n, 1);
    assert_string_equal(files.files[0].name, "small.csv");
    fileset_free(&files);

    /* a run whose files fail is not stored, nor any piece of them */
    int64_t chunks = count(f->db, "SELECT count(*) FROM run_output_chunks");
    assert_int_equal(store_save_run(f->s, &run, failing_files, NULL, &id, f->diag), MM_ENOMEM);
    assert_int_equal(id, 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM runs"), 1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM run_output_chunks"), chunks);

    /* a missing chunk is found, not read as a shorter file */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "DELETE FROM run_output_chunks WHERE name = 'big.json'"
                                     " AND seq = 2", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(run_files(f, 1, NULL, &found, &files), MM_ESTORE);
    assert_true(has(f->diag, "run 1: the stored big.json is incomplete"));
    assert_int_equal(files.n, 0);
    fileset_free(&files);
    free(big);
}

/* A run whose producer abandons one file (its close with ok false) and goes
   on: the run is stored without that file, and without any piece of it. */
static int abandoning_files(void *ctx, int64_t run_id, const file_sink *files)
{
    (void)ctx;
    (void)run_id;
    int rc = files->open(files->ctx, "draft.md");
    if (rc != MM_OK)
        return rc;
    rc = files->write(files->ctx, "# half a dr", 11);
    files->close(files->ctx, 0);
    return rc != MM_OK ? rc : put_file(files, "report.json", "{}\n", 3);
}

static void test_abandoned_file(void **state)
{
    fixture *f = *state;
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    int64_t id = 0, found = 0;
    assert_int_equal(store_save_run(f->s, &run, abandoning_files, NULL, &id, f->diag), MM_OK);
    assert_int_equal(id, 1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM run_output_chunks WHERE name = 'draft.md'"),
                     0);
    file_set files = {0};
    assert_int_equal(run_files(f, id, NULL, &found, &files), MM_OK);
    assert_int_equal(files.n, 1);
    assert_string_equal(files.files[0].name, "report.json");
    assert_string_equal(files.files[0].data, "{}\n");
    fileset_free(&files);
}

/* Chunks that do not add up to the stored count: the last one missing, or
   one more than counted. Either is an error naming the file, never a file
   shorter or longer than it was written. */
static void test_chunks_tampered(void **state)
{
    fixture *f = *state;
    char *big = malloc(BIG_LEN);
    assert_non_null(big);
    memset(big, 'b', BIG_LEN);
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    int64_t id = 0, found = 0;
    assert_int_equal(store_save_run(f->s, &run, big_files, big, &id, f->diag), MM_OK);
    int64_t chunks = count(f->db, "SELECT chunks FROM run_outputs WHERE name = 'big.json'");
    assert_true(chunks >= 6);
    sqlite3 *h;
    char sql[256];
    file_set files = {0};

    /* the last chunk gone (kept aside) */
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    snprintf(sql, sizeof sql,
             "CREATE TABLE aside AS SELECT * FROM run_output_chunks WHERE name = 'big.json'"
             " AND seq = %lld; DELETE FROM run_output_chunks WHERE name = 'big.json' AND seq = %lld",
             (long long)chunks - 1, (long long)chunks - 1);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(run_files(f, id, "big.json", &found, &files), MM_ESTORE);
    assert_true(has(f->diag, "run 1: the stored big.json is incomplete"));
    assert_int_equal(files.n, 0);
    mm_diag_clear(f->diag);

    /* back, and one more after it */
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "INSERT INTO run_output_chunks(run_id, name, seq, content)"
                                  " SELECT run_id, name, seq, content FROM aside UNION ALL"
                                  " SELECT run_id, name, seq + 1, content FROM aside",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(run_files(f, id, "big.json", &found, &files), MM_ESTORE);
    assert_true(has(f->diag, "run 1: the stored big.json is incomplete"));
    assert_int_equal(files.n, 0);
    /* the other file of the run still reads */
    assert_int_equal(run_files(f, id, "small.csv", &found, &files), MM_OK);
    assert_int_equal(files.n, 1);
    fileset_free(&files);
    free(big);
}

/*
 * A store of an earlier schema at f->dir/name (path, 160 bytes): runs with
 * run 1, then tables (its other tables, rows and user_version), opened by
 * store_open, which brings it to schema 3; run 1 must re-export report.json
 * as report and an empty empty.csv, and a new run 2 must be stored
 * compressed beside it and read back.
 */
static store *old_store(fixture *f, const char *name, const char *tables, const char *report,
                        char *path)
{
    snprintf(path, 160, "%s/%s", f->dir, name);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(h,
                     "CREATE TABLE runs(id INTEGER PRIMARY KEY, created_at TEXT NOT NULL,"
                     " quarter TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('done',"
                     " 'failed')), inputs_sha256 TEXT NOT NULL, config TEXT NOT NULL,"
                     " threads INTEGER NOT NULL, published INTEGER NOT NULL DEFAULT 0 CHECK"
                     " (published IN (0, 1)), summary TEXT NOT NULL) STRICT;"
                     "INSERT INTO runs VALUES (1, '2027-01-01T00:00:00Z', '2027Q1', 'done',"
                     " '00', '{}', 1, 0, '{}');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, tables, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    store *s = NULL;
    assert_int_equal(store_open(path, 1, &s, f->diag), MM_OK);
    assert_int_equal(count(path, "PRAGMA user_version"), 3);
    store *keep = f->s;
    f->s = s;
    file_set files = {0};
    int64_t found = 0;
    assert_int_equal(run_files(f, 1, NULL, &found, &files), MM_OK);
    assert_int_equal(files.n, 2);
    assert_string_equal(fileset_find(&files, "report.json")->data, report);
    assert_int_equal(fileset_find(&files, "empty.csv")->len, 0);
    fileset_free(&files);
    /* a new run is stored beside it, compressed, and reads back */
    int64_t id = 0;
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    assert_int_equal(store_save_run(s, &run, make_files, NULL, &id, f->diag), MM_OK);
    assert_int_equal(id, 2);
    assert_int_equal(
        count(path, "SELECT count(*) FROM run_outputs WHERE run_id = 2 AND compression = 'zstd'"),
        2);
    assert_int_equal(run_files(f, 2, NULL, &found, &files), MM_OK);
    assert_string_equal(fileset_find(&files, "report.json")->data, "{\"run\": {\"id\": 2}}");
    assert_int_equal(fileset_find(&files, "empty.csv")->len, 0);
    fileset_free(&files);
    /* the empty file has no chunk at all */
    assert_int_equal(count(path, "SELECT count(*) FROM run_output_chunks WHERE run_id = 2"), 1);
    f->s = keep;
    return s;
}

/* A store of schema 1 (files whole in run_files.content) opens as it is:
   its runs re-export, and new runs are stored beside them in chunks. */
static void test_schema_1_store(void **state)
{
    fixture *f = *state;
    char path[160];
    store *s = old_store(f, "v1.db",
                         "CREATE TABLE run_files(run_id INTEGER NOT NULL REFERENCES runs(id) ON"
                         " DELETE CASCADE, name TEXT NOT NULL, content BLOB NOT NULL,"
                         " PRIMARY KEY (run_id, name)) STRICT, WITHOUT ROWID;"
                         "INSERT INTO run_files VALUES (1, 'report.json', CAST('{\"old\": 1}' AS"
                         " BLOB)), (1, 'empty.csv', X'');"
                         "PRAGMA user_version = 1;",
                         "{\"old\": 1}", path);
    sqlite3 *h;
    assert_int_equal(count(path, "SELECT count(*) FROM run_files WHERE run_id = 2"), 0);
    /* deleting a run takes its files and their chunks */
    store_close(s);
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA foreign_keys = ON; DELETE FROM runs WHERE id = 2",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(count(path, "SELECT count(*) FROM run_output_chunks"), 0);
    assert_int_equal(count(path, "SELECT count(*) FROM run_outputs"), 0);
    assert_int_equal(count(path, "SELECT count(*) FROM run_files"), 2);
}

/* A store of schema 2 (chunks stored as they are) opens as it is: run_outputs
   gains its compression, 'none' for the runs there, which re-export byte for
   byte; new runs are stored beside them compressed. */
static void test_schema_2_store(void **state)
{
    fixture *f = *state;
    char path[160];
    store *s = old_store(f, "v2.db",
                         "CREATE TABLE run_outputs(run_id INTEGER NOT NULL REFERENCES runs(id) ON"
                         " DELETE CASCADE, name TEXT NOT NULL, chunks INTEGER NOT NULL CHECK"
                         " (chunks >= 0), PRIMARY KEY (run_id, name)) STRICT, WITHOUT ROWID;"
                         "CREATE TABLE run_output_chunks(run_id INTEGER NOT NULL, name TEXT NOT"
                         " NULL, seq INTEGER NOT NULL CHECK (seq >= 0), content BLOB NOT NULL,"
                         " UNIQUE (run_id, name, seq), FOREIGN KEY (run_id, name) REFERENCES"
                         " run_outputs(run_id, name) ON DELETE CASCADE DEFERRABLE INITIALLY"
                         " DEFERRED) STRICT;"
                         "INSERT INTO run_outputs VALUES (1, 'report.json', 2), (1, 'empty.csv', 0);"
                         "INSERT INTO run_output_chunks VALUES (1, 'report.json', 0,"
                         " CAST('{\"old\"' AS BLOB)), (1, 'report.json', 1, CAST(': 2}' AS BLOB));"
                         "PRAGMA user_version = 2;",
                         "{\"old\": 2}", path);
    assert_int_equal(count(path, "SELECT count(*) FROM run_outputs WHERE compression = 'none'"), 2);
    store_close(s);
}

/* Replaces piece seq of run id's big.json in the store at db by what edit
   makes of it. */
static void edit_chunk(const char *db, int64_t id, int64_t seq,
                       void (*edit)(unsigned char *, int *))
{
    sqlite3 *h;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT content FROM run_output_chunks WHERE"
                                           " name = 'big.json' AND seq = ?1 AND run_id = ?2", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int len = sqlite3_column_bytes(st, 0);
    unsigned char *data = malloc((size_t)len);
    assert_non_null(data);
    memcpy(data, sqlite3_column_blob(st, 0), (size_t)len);
    sqlite3_finalize(st);
    edit(data, &len);
    assert_int_equal(sqlite3_prepare_v2(h, "UPDATE run_output_chunks SET content = ?2 WHERE"
                                           " name = 'big.json' AND seq = ?1 AND run_id = ?3", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 3, id);
    sqlite3_bind_blob(st, 2, data, len, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);
    free(data);
}

static void flip_middle(unsigned char *data, int *len)
{
    data[*len / 2] ^= 0x10;
}

static void cut_half(unsigned char *data, int *len)
{
    (void)data;
    *len /= 2;
}

/* A stored piece changed by one bit, or cut short, is an error naming the
   file and the piece (zstd's checksum), never a file with other bytes. */
static void test_chunk_damaged(void **state)
{
    fixture *f = *state;
    char *big = malloc(BIG_LEN);
    assert_non_null(big);
    for (size_t i = 0; i < BIG_LEN; i++)
        big[i] = (char)('a' + (i * i + i / 7) % 26);
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    void (*edits[])(unsigned char *, int *) = {flip_middle, cut_half};
    int64_t id = 0, found = 0;
    file_set files = {0};
    for (int e = 0; e < 2; e++) {
        assert_int_equal(store_save_run(f->s, &run, big_files, big, &id, f->diag), MM_OK);
        assert_int_equal(id, e + 1);
        assert_int_equal(run_files(f, id, "big.json", &found, &files), MM_OK);
        assert_memory_equal(files.files[0].data, big, BIG_LEN);
        fileset_free(&files);
        edit_chunk(f->db, id, 1 + 2 * e, edits[e]);
        mm_diag_clear(f->diag);
        assert_int_equal(run_files(f, id, "big.json", &found, &files), MM_ESTORE);
        char want[64];
        snprintf(want, sizeof want, "run %d: the stored big.json is damaged (piece %d)", e + 1,
                 1 + 2 * e);
        assert_true(has(f->diag, want));
        assert_int_equal(files.n, 0);
    }
    /* the other file of the run still reads */
    assert_int_equal(run_files(f, id, "small.csv", &found, &files), MM_OK);
    assert_string_equal(files.files[0].data, "a,b\n");
    fileset_free(&files);
    free(big);
}

/* Bytes that do not compress (random) are stored and read back as they are. */
static void test_incompressible_file(void **state)
{
    fixture *f = *state;
    char *big = malloc(BIG_LEN);
    assert_non_null(big);
    uint64_t x = 88172645463325252u;
    for (size_t i = 0; i < BIG_LEN; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        big[i] = (char)(x >> 24);
    }
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    int64_t id = 0, found = 0;
    assert_int_equal(store_save_run(f->s, &run, big_files, big, &id, f->diag), MM_OK);
    assert_true(count(f->db, "SELECT sum(length(content)) FROM run_output_chunks") >
                (int64_t)BIG_LEN);
    file_set files = {0};
    assert_int_equal(run_files(f, id, "big.json", &found, &files), MM_OK);
    assert_int_equal(files.files[0].len, BIG_LEN);
    assert_memory_equal(files.files[0].data, big, BIG_LEN);
    fileset_free(&files);
    free(big);
}

/* ---- out of memory ------------------------------------------------------- */

/* SQLite's allocator with its fail_at-th allocation failing (0: none). */
static sqlite3_mem_methods sqlite_mem;
static long sqlite_calls, sqlite_fail_at;

static void *failing_malloc(int n)
{
    return ++sqlite_calls == sqlite_fail_at ? NULL : sqlite_mem.xMalloc(n);
}

static void *failing_realloc(void *p, int n)
{
    return ++sqlite_calls == sqlite_fail_at ? NULL : sqlite_mem.xRealloc(p, n);
}

/* Installs (on) or removes (off) the failing allocator: SQLite takes a new
   one only while it is shut down, with no connection open. */
static void failing_sqlite(int on)
{
    assert_int_equal(sqlite3_shutdown(), SQLITE_OK);
    if (on) {
        assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_mem), SQLITE_OK);
        sqlite3_mem_methods m = sqlite_mem;
        m.xMalloc = failing_malloc;
        m.xRealloc = failing_realloc;
        assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
    } else {
        assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &sqlite_mem), SQLITE_OK);
    }
    assert_int_equal(sqlite3_initialize(), SQLITE_OK);
}

/* A run saved, then its files read back, publishing and the run's state,
   with each of SQLite's allocations failing in turn: an attempt that fails
   is MM_ENOMEM and leaves the store as it was (no run half saved; of the
   files, those before the failure and each whole), one that absorbs the
   failure does it all. */
static void test_runs_out_of_memory(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    failing_sqlite(1);
    long failed = 0;
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, NULL, 0, NULL, 0, "{}"};
    for (sqlite_fail_at = 1;; sqlite_fail_at++) {
        sqlite_calls = 0;
        mm_diag_clear(f->diag);
        int64_t id = 0, found = 0, replaced = 0;
        file_set files = {0};
        char quarter[16];
        bool published = false;
        int rc = store_open(f->db, 1, &f->s, f->diag);
        if (rc == MM_OK)
            rc = store_save_run(f->s, &run, make_files, NULL, &id, f->diag);
        if (rc == MM_OK) {
            rc = run_files(f, id, NULL, &found, &files);
            /* all of them, or some (the failure may come after the last):
               each whole */
            char want[64];
            snprintf(want, sizeof want, "{\"run\": {\"id\": %lld}}", (long long)id);
            assert_true(rc == MM_OK ? files.n == 2 : files.n <= 2);
            for (size_t i = 0; i < files.n; i++)
                assert_string_equal(files.files[i].data,
                                    strcmp(files.files[i].name, "report.json") ? "" : want);
            fileset_free(&files);
        }
        if (rc == MM_OK)
            rc = store_publish_run(f->s, id, true, quarter, &replaced, f->diag);
        if (rc == MM_OK) {
            rc = store_run_state(f->s, id, &published, f->diag);
            if (rc == MM_OK)
                assert_true(published);
        }
        store_close(f->s);
        f->s = NULL;
        if (rc != MM_OK) {
            assert_int_equal(rc, MM_ENOMEM);
            failed++;
        }
        if (sqlite_calls < sqlite_fail_at)
            break;
    }
    sqlite_fail_at = 0;
    failing_sqlite(0);
    assert_true(failed > 50);
    /* every attempt that saved a run saved it whole: no chunk without its file */
    assert_int_equal(count(f->db, "SELECT count(*) FROM run_output_chunks c WHERE NOT EXISTS"
                                  " (SELECT 1 FROM run_outputs o WHERE o.run_id = c.run_id"
                                  " AND o.name = c.name)"), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM runs r WHERE NOT EXISTS"
                                  " (SELECT 1 FROM run_outputs o WHERE o.run_id = r.id)"), 0);
    assert_int_equal(store_open(f->db, 1, &f->s, f->diag), MM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_files_and_publish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abandoned_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunks_tampered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_1_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_2_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunk_damaged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incompressible_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_no_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recognition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recognition_empty, setup, teardown),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
