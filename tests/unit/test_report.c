/*
 * test_report.c - the run's output files: CSV cells neutralised against
 * formula injection, schedule.ics parsed back by libical, schedule.csv and
 * report.json agreeing, all from a real run of the small test company;
 * session ids whole with ids of the longest length allowed; every
 * allocation of the report's tree failing in turn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fileio.h"
#include "import.h"
#include "match.h"
#include "report.h"
#include "schedule.h"

static char *cell(const char *in)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    assert_int_equal(report_csv_cell(&buf, &len, &cap, in), MM_OK);
    if (!buf) {
        buf = calloc(1, 1);
        assert_non_null(buf);
    }
    return buf;
}

static void expect_cell(const char *in, const char *out)
{
    char *got = cell(in);
    assert_string_equal(got, out);
    free(got);
}

static void test_csv_injection(void **state)
{
    (void)state;
    expect_cell("E0001", "E0001");
    expect_cell("", "");
    expect_cell("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect_cell("+41 44 000", "\"'+41 44 000\"");
    expect_cell("-1+2", "\"'-1+2\"");
    expect_cell("@SUM(A1)", "\"'@SUM(A1)\"");
    expect_cell("\tcmd", "\"'\tcmd\"");
    expect_cell("\rcmd", "\"'\rcmd\"");
    expect_cell("a,b", "\"a,b\"");
    expect_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_cell("two\nlines", "\"two\nlines\"");
    /* only the first character matters */
    expect_cell("a=b", "a=b");
    expect_cell("2027-03-01T09:00:00+01:00", "2027-03-01T09:00:00+01:00");

    /* cells appended to one buffer, the second longer than its first size */
    char *buf = NULL;
    size_t len = 0, cap = 0, n = 9000;
    char *big = malloc(n + 1), *want = malloc(2 * n + 16);
    assert_non_null(big);
    assert_non_null(want);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 3 == 0 ? '"' : 'x';
    big[0] = '=';
    big[n] = '\0';
    assert_int_equal(report_csv_cell(&buf, &len, &cap, "E0001"), MM_OK);
    assert_int_equal(report_csv_cell(&buf, &len, &cap, big), MM_OK);
    size_t k = (size_t)snprintf(want, 2 * n + 16, "E0001\"'=");
    for (size_t i = 1; i < n; i++) {
        if (big[i] == '"')
            want[k++] = '"';
        want[k++] = big[i];
    }
    want[k++] = '"';
    want[k] = '\0';
    assert_int_equal(len, k);
    assert_string_equal(buf, want);
    free(buf);
    free(big);
    free(want);
}

/* One run of tests/cases/_base: the files as `run` writes them. */
typedef struct fixture {
    mm_model *model;
    mm_config cfg;
    match_result *r;
    sched_result sched;
    file_set files;
    mm_diag *diag;
} fixture;

/* The run of the company in folder path, its files made. */
static fixture *run_company(const char *path)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    char sha[65];
    f->diag = mm_diag_new(100);
    assert_int_equal(import_company(path, NULL, &f->model, sha, f->diag), MM_OK);
    config_defaults(&f->cfg);
    f->cfg.quarter.start = days_from_civil(2027, 3, 1);
    assert_int_equal(match_new(f->model, &f->cfg, 1, &f->r, f->diag), MM_OK);
    assert_int_equal(match_score(f->r, f->diag), MM_OK);
    assert_int_equal(match_solve(f->r, f->diag), MM_OK);
    assert_int_equal(match_explain(f->r, f->diag), MM_OK);
    assert_int_equal(schedule_build(f->r, &f->sched), MM_OK);
    report_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.run_id = 7;
    meta.created_at = "2027-02-20T08:30:00Z";
    meta.inputs_sha256 = sha;
    meta.threads = 1;
    meta.diag = f->diag;
    assert_int_equal(report_make_files(f->r, &f->sched, &meta, &f->files), MM_OK);
    return f;
}

static int setup(void **state)
{
    char path[4096];
    const char *root = getenv("MM_ROOT");
    snprintf(path, sizeof path, "%s/tests/cases/_base", root ? root : ".");
    *state = run_company(path);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fileset_free(&f->files);
    sched_free(&f->sched);
    match_free(f->r);
    mm_model_free(f->model);
    mm_diag_free(f->diag);
    free(f);
    return 0;
}

static const struct file_set_entry *file(const fixture *f, const char *name)
{
    const struct file_set_entry *e = fileset_find(&f->files, name);
    assert_non_null(e);
    assert_int_equal(strlen(e->data), e->len);
    return e;
}

static void test_files_present(void **state)
{
    fixture *f = *state;
    const char *names[] = {"report.json", "unmatched.csv", "schedule.csv", "schedule.ics",
                           "fairness.md"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        file(f, names[i]);
    assert_true(f->sched.n_sessions > 0);
}

/* UTC minutes -> icaltime, to compare with what libical parses back. */
static time_t minutes_to_time(int64_t m) { return (time_t)(m * 60); }

static void test_ics_round_trip(void **state)
{
    fixture *f = *state;
    const struct file_set_entry *ics = file(f, "schedule.ics");
    icalcomponent *cal = icalparser_parse_string(ics->data);
    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    assert_int_equal(icalcomponent_count_errors(cal), 0);
    size_t n = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        assert_true(n < f->sched.n_sessions);
        const sched_session *x = &f->sched.sessions[n];
        const char *uid = icalcomponent_get_uid(ev);
        assert_non_null(uid);
        char want[256];
        snprintf(want, sizeof want, "%c-%s-%s-%d@mentormatch",
                 x->track == TRACK_MENTORING ? 'M' : 'S', f->model->emps[x->learner].id,
                 f->model->emps[x->partner].id, (int)x->seq);
        assert_string_equal(uid, want);
        struct icaltimetype start = icalcomponent_get_dtstart(ev);
        struct icaltimetype end = icalcomponent_get_dtend(ev);
        assert_true(icaltime_is_utc(start));
        assert_int_equal(icaltime_as_timet(start), minutes_to_time(x->start_min));
        assert_int_equal(icaltime_as_timet(end), minutes_to_time(x->end_min));
        struct icaltimetype stamp = icalcomponent_get_dtstamp(ev);
        assert_string_equal(icaltime_as_ical_string(stamp), "20270220T083000Z");
        assert_non_null(icalcomponent_get_summary(ev));
        /* an attendee for each person with an email, named */
        int attendees = 0;
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
            assert_non_null(strstr(icalproperty_get_attendee(p), "mailto:"));
            assert_non_null(icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER));
            attendees++;
        }
        int emails = (f->model->emps[x->learner].email[0] != '\0') +
                     (f->model->emps[x->partner].email[0] != '\0');
        assert_int_equal(attendees, emails);
        n++;
    }
    assert_int_equal(n, f->sched.n_sessions);
    icalcomponent_free(cal);
}

static void test_schedule_csv_matches_report(void **state)
{
    fixture *f = *state;
    const struct file_set_entry *csv = file(f, "schedule.csv");
    const struct file_set_entry *rj = file(f, "report.json");
    cJSON *report = cJSON_Parse(rj->data);
    assert_non_null(report);
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(report, "sessions");
    assert_int_equal(cJSON_GetArraySize(sessions), (int)f->sched.n_sessions);
    /* header, then one line per session in the report's order */
    const char *line = csv->data;
    assert_int_equal(strncmp(line,
                             "session_id,track,learner_id,partner_id,start_utc,end_utc,"
                             "learner_local_start,partner_local_start\n",
                             97),
                     0);
    line = strchr(line, '\n') + 1;
    const cJSON *s;
    cJSON_ArrayForEach(s, sessions)
    {
        char want[512];
        snprintf(want, sizeof want, "%s,%s,%s,%s,%s,%s,%s,%s\n",
                 cJSON_GetObjectItem(s, "id")->valuestring,
                 cJSON_GetObjectItem(s, "track")->valuestring,
                 cJSON_GetObjectItem(s, "learner_id")->valuestring,
                 cJSON_GetObjectItem(s, "partner_id")->valuestring,
                 cJSON_GetObjectItem(s, "start_utc")->valuestring,
                 cJSON_GetObjectItem(s, "end_utc")->valuestring,
                 cJSON_GetObjectItem(s, "learner_local_start")->valuestring,
                 cJSON_GetObjectItem(s, "partner_local_start")->valuestring);
        assert_int_equal(strncmp(line, want, strlen(want)), 0);
        line += strlen(want);
    }
    assert_int_equal(*line, '\0');
    cJSON_Delete(report);
}

static void test_no_personal_data_outside_calendar(void **state)
{
    fixture *f = *state;
    const char *files[] = {"report.json", "unmatched.csv", "schedule.csv", "fairness.md"};
    for (size_t i = 0; i < f->model->n_emps; i++) {
        const model_employee *e = &f->model->emps[i];
        for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
            const struct file_set_entry *x = file(f, files[k]);
            assert_null(strstr(x->data, e->name));
            if (e->email[0])
                assert_null(strstr(x->data, e->email));
        }
    }
}

/* Copies tests/cases/_base into dir, each table through edit(fp, table, its text, ctx). */
typedef void (*table_edit)(FILE *fp, const char *table, const char *data, void *ctx);
static void copy_base(const char *dir, table_edit edit, void *ctx)
{
    char path[4200], in[4200];
    const char *root = getenv("MM_ROOT");
    static const char *const tables[] = {"availability", "departments", "employees",
                                         "exclusions",   "goals",       "history",
                                         "pins",         "preferences", "skills"};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        snprintf(in, sizeof in, "%s/tests/cases/_base/%s.csv", root ? root : ".", tables[t]);
        snprintf(path, sizeof path, "%s/%s.csv", dir, tables[t]);
        char *data;
        size_t len;
        assert_int_equal(fileio_read(in, 1 << 20, &data, &len), MM_OK);
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        edit(fp, tables[t], data, ctx);
        assert_int_equal(fclose(fp), 0);
        free(data);
    }
}

/* Long names: every employees.csv name gets ctx[0] in front, every email ctx[1]. */
static void lengthen_names(FILE *fp, const char *table, const char *data, void *ctx)
{
    const char *const *add = ctx;
    /* employees.csv: id,name,department,grade,timezone,roles,email,... */
    int line = 0, field = 0;
    for (const char *p = data; *p; p++) {
        if (strcmp(table, "employees") == 0 && line > 0 &&
            (p == data || p[-1] == ',' || p[-1] == '\n')) {
            if (field == 1)
                fputs(add[0], fp);
            if (field == 6 && *p != ',')
                fputs(add[1], fp);
        }
        fputc(*p, fp);
        field += *p == ',';
        if (*p == '\n')
            line++, field = 0;
    }
}

/* Long ids: every "E00" id gets ctx (a prefix) after its E. */
static void lengthen_ids(FILE *fp, const char *table, const char *data, void *ctx)
{
    (void)table;
    for (const char *p = data; *p; p++) {
        if (p[0] == 'E' && p[1] == '0' && p[2] == '0')
            fprintf(fp, "E%s", (const char *)ctx);
        else
            fputc(*p, fp);
    }
}

/*
 * Names and emails may be whole CSV fields (4,096 bytes): the calendar keeps
 * them whole, its summary never cut inside a UTF-8 character and the
 * attendees' addresses never shortened. Every employee's name gets 1,500
 * bytes of two-byte characters in front, every address 988 more bytes.
 */
static void test_long_names(void **state)
{
    (void)state;
    char dir[64] = "/tmp/mm-report.XXXXXX", path[4200];
    static char pad[1501], local[989], want[2000];
    assert_non_null(mkdtemp(dir));
    for (int i = 0; i < 750; i++)
        memcpy(pad + 2 * i, "\xc3\xa9", 2); /* e acute */
    pad[1500] = '\0';
    memset(local, 'a', 988);
    local[988] = '\0';
    const char *add[2] = {pad, local};
    copy_base(dir, lengthen_names, add);
    fixture *f = run_company(dir);
    assert_true(f->sched.n_sessions > 0);
    const struct file_set_entry *ics = file(f, "schedule.ics");
    icalcomponent *cal = icalparser_parse_string(ics->data);
    assert_non_null(cal);
    size_t n = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), n++) {
        const sched_session *x = &f->sched.sessions[n];
        const model_employee *l = &f->model->emps[x->learner], *q = &f->model->emps[x->partner];
        assert_int_equal(strncmp(l->name, pad, 1500), 0);
        snprintf(want, sizeof want, "%s session %d: %s and ",
                 x->track == TRACK_MENTORING ? "Mentoring" : "Job shadowing", (int)x->seq,
                 l->name);
        const char *summary = icalcomponent_get_summary(ev);
        assert_int_equal(strncmp(summary, want, strlen(want)), 0);
        assert_string_equal(summary + strlen(want), q->name);
        int mails = 0;
        for (icalproperty *a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); a;
             a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
            const char *v = icalproperty_get_attendee(a);
            if (strncmp(v, "mailto:", 7) != 0)
                continue;
            assert_true(strcmp(v + 7, l->email) == 0 || strcmp(v + 7, q->email) == 0);
            assert_int_equal(strncmp(v + 7, local, 988), 0);
            mails++;
        }
        assert_int_equal(mails, (l->email[0] != '\0') + (q->email[0] != '\0'));
    }
    assert_int_equal(n, f->sched.n_sessions);
    icalcomponent_free(cal);
    void *p = f;
    teardown(&p);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

/* Ids as long as the import allows (256 bytes) that differ only at their
   ends: every session keeps its whole id (track, learner, partner, number),
   the same in report.json, schedule.csv and the calendar's UID, so that no
   two sessions share one. */
static void test_long_ids(void **state)
{
    (void)state;
    char dir[64] = "/tmp/mm-report.XXXXXX", prefix[256], path[4200];
    assert_non_null(mkdtemp(dir));
    memset(prefix, 'x', 252);
    prefix[252] = '\0'; /* E + 252 + 3 digits: 256 bytes */
    copy_base(dir, lengthen_ids, prefix);
    fixture *f = run_company(dir);
    assert_true(f->sched.n_sessions > 1);
    assert_int_equal(strlen(f->model->emps[0].id), 256);

    const struct file_set_entry *rj = file(f, "report.json");
    const struct file_set_entry *csv = file(f, "schedule.csv");
    const struct file_set_entry *ics = file(f, "schedule.ics");
    cJSON *report = cJSON_Parse(rj->data);
    assert_non_null(report);
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(report, "sessions");
    assert_int_equal(cJSON_GetArraySize(sessions), (int)f->sched.n_sessions);
    icalcomponent *cal = icalparser_parse_string(ics->data);
    assert_non_null(cal);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    const char *line = strchr(csv->data, '\n') + 1;
    size_t n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, sessions)
    {
        const sched_session *x = &f->sched.sessions[n];
        char want[600], uid[620];
        snprintf(want, sizeof want, "%c-%s-%s-%d", x->track == TRACK_MENTORING ? 'M' : 'S',
                 f->model->emps[x->learner].id, f->model->emps[x->partner].id, (int)x->seq);
        assert_string_equal(cJSON_GetObjectItem(s, "id")->valuestring, want);
        assert_int_equal(strncmp(line, want, strlen(want)), 0);
        assert_int_equal(line[strlen(want)], ',');
        line = strchr(line, '\n') + 1;
        assert_non_null(ev);
        snprintf(uid, sizeof uid, "%s@mentormatch", want);
        assert_string_equal(icalcomponent_get_uid(ev), uid);
        ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
        n++;
    }
    assert_null(ev);
    assert_int_equal(n, f->sched.n_sessions);
    icalcomponent_free(cal);
    cJSON_Delete(report);
    void *p = f;
    teardown(&p);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

/* cJSON's allocations counted, the fail_at-th failing (0: none). */
static long cjson_calls, cjson_fail_at;

static void *counting_malloc(size_t size)
{
    if (++cjson_calls == cjson_fail_at)
        return NULL;
    return malloc(size);
}

/* Every allocation of the report's tree failing in turn (cJSON's hooks:
   the settings, the summary, fairness, the recognition record, warnings):
   each attempt is MM_ENOMEM with no file handed out, until one that
   completes gives the same bytes as a run without a failure. */
static void test_out_of_memory(void **state)
{
    fixture *f = *state;
    cJSON *rec = cJSON_Parse("{\"until_quarter\": 8108, \"people\": [{\"employee_id\": \"E001\","
                             " \"department\": \"Engineering\", \"badges\": [\"Guide\"],"
                             " \"mentor\": {\"quarters\": 2, \"sessions\": 5}}],"
                             " \"top_contributors\": []}");
    assert_non_null(rec);
    mm_diag *diag = mm_diag_new(10);
    mm_diag_warning(diag, "employees.csv", 3, 1, "a warning for the report");
    report_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.run_id = 7;
    meta.created_at = "2027-02-20T08:30:00Z";
    meta.inputs_sha256 = "0123456789abcdef";
    meta.threads = 1;
    meta.diag = diag;
    meta.recognition = rec;
    file_set want = {0};
    assert_int_equal(report_make_files(f->r, &f->sched, &meta, &want), MM_OK);
    assert_int_equal(want.n, 6);
    long failed = 0;
    for (cjson_fail_at = 1;; cjson_fail_at++) {
        file_set got = {0};
        cjson_calls = 0;
        cJSON_Hooks hooks = {counting_malloc, free};
        cJSON_InitHooks(&hooks);
        int rc = report_make_files(f->r, &f->sched, &meta, &got);
        cJSON_InitHooks(NULL);
        if (cjson_calls < cjson_fail_at) { /* no failure reached: the whole set */
            assert_int_equal(rc, MM_OK);
            assert_int_equal(got.n, want.n);
            for (size_t i = 0; i < want.n; i++) {
                assert_string_equal(got.files[i].name, want.files[i].name);
                assert_int_equal(got.files[i].len, want.files[i].len);
                assert_memory_equal(got.files[i].data, want.files[i].data, want.files[i].len);
            }
            fileset_free(&got);
            break;
        }
        assert_int_equal(rc, MM_ENOMEM);
        assert_int_equal(got.n, 0);
        failed++;
    }
    assert_true(failed > 100);
    fileset_free(&want);
    mm_diag_free(diag);
    cJSON_Delete(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_injection),
        cmocka_unit_test_setup_teardown(test_files_present, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ics_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schedule_csv_matches_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_personal_data_outside_calendar, setup, teardown),
        cmocka_unit_test(test_long_ids),
        cmocka_unit_test(test_long_names),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
