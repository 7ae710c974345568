/*
 * test_report.c - the run's output files: CSV cells neutralised against
 * formula injection, schedule.ics parsed back by libical, schedule.csv and
 * report.json agreeing, all from a real run of the small test company.
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

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    char path[4096], sha[65];
    const char *root = getenv("MM_ROOT");
    snprintf(path, sizeof path, "%s/tests/cases/_base", root ? root : ".");
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
    *state = f;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_injection),
        cmocka_unit_test_setup_teardown(test_files_present, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ics_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schedule_csv_matches_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_personal_data_outside_calendar, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
