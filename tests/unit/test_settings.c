/*
 * test_settings.c - the configuration file: every key read over the
 * defaults, every wrong type or range reported with its JSON path (all of
 * them, not only the first), the configuration untouched by a file with any
 * error, and the canonical JSON read back to the same configuration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "settings.h"

static int parse(const char *text, mm_config *cfg, mm_diag *diag)
{
    return settings_parse(text, strlen(text), "config.json", cfg, diag);
}

/* True when some error of diag reads exactly want. */
static int has_error(const mm_diag *diag, const char *want)
{
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        if (mm_diag_severity(diag, i) == MM_SEV_ERROR &&
            strcmp(mm_diag_message(diag, i), want) == 0)
            return 1;
    return 0;
}

static void print_errors(const mm_diag *diag)
{
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        fprintf(stderr, "  got: %s\n", mm_diag_message(diag, i));
}

/*
 * Parses text over the defaults and checks that it fails with exactly the
 * NULL-terminated list of messages (in any order), each for config.json,
 * and that the configuration is left as it was.
 */
static void expect_errors(const char *text, ...)
{
    mm_config cfg, before;
    config_defaults(&cfg);
    before = cfg;
    mm_diag *diag = mm_diag_new(100);
    assert_non_null(diag);
    assert_int_equal(parse(text, &cfg, diag), MM_ECONFIG);
    va_list ap;
    va_start(ap, text);
    size_t n = 0;
    for (const char *want; (want = va_arg(ap, const char *)); n++) {
        if (!has_error(diag, want)) {
            fprintf(stderr, "%s\n  missing: %s\n", text, want);
            print_errors(diag);
            fail();
        }
    }
    va_end(ap);
    if (mm_diag_error_count(diag) != n) {
        fprintf(stderr, "%s\n  expected %zu errors\n", text, n);
        print_errors(diag);
        fail();
    }
    for (size_t i = 0; i < mm_diag_size(diag); i++) {
        assert_string_equal(mm_diag_file(diag, i), "config.json");
        assert_int_equal(mm_diag_line(diag, i), 0);
    }
    assert_memory_equal(&cfg, &before, sizeof cfg);
    mm_diag_free(diag);
}

static void test_every_key(void **state)
{
    (void)state;
    const char *text =
        "{\"quarter\": {\"start\": \"2028-02-28\", \"weeks\": 53,"
        "   \"holidays\": [\"2028-03-10\", \"2028-02-29\"]},"
        " \"mentoring\": {\"session_minutes\": 45, \"cadence_weeks\": 3, \"min_grade_gap\": -2,"
        "   \"ideal_max_grade_gap\": 5, \"exclude_manager_levels\": 0, \"exclude_peers\": true,"
        "   \"allow_same_department\": false, \"repeat_cooldown_quarters\": 0},"
        " \"shadowing\": {\"enabled\": false, \"sessions_per_learner\": 20, \"session_minutes\": 15},"
        " \"weights\": {\"skill\": 0, \"availability\": 0, \"cross_department\": 0,"
        "   \"seniority\": 0, \"timezone\": 0, \"preference\": 0.5, \"feedback\": 1e6},"
        " \"objective\": \"score\","
        " \"fairness\": {\"attributes\": [\"Department\", \"GRADE\", \"cost_centre\"],"
        "   \"min_impact_ratio\": 1, \"min_group_size\": 1, \"enforce\": true},"
        " \"solver\": {\"time_limit_s\": 0.001, \"mip_gap\": 0},"
        " \"recognition\": {\"top_per_department\": 7, \"badges\": ["
        "   {\"name\": \"Guide\", \"role\": \"mentor\", \"quarters\": 2},"
        "   {\"name\": \"Open door\", \"role\": \"host\", \"sessions\": 10},"
        "   {\"name\": \"Keen\", \"role\": \"learner\", \"quarters\": 3, \"sessions\": 1}]},"
        " \"threads\": 1024, \"seed\": -9007199254740992}";
    mm_config cfg;
    config_defaults(&cfg);
    mm_diag *diag = mm_diag_new(100);
    assert_int_equal(parse(text, &cfg, diag), MM_OK);
    assert_int_equal(mm_diag_size(diag), 0);

    assert_int_equal(cfg.quarter.start, days_from_civil(2028, 2, 28));
    assert_int_equal(cfg.quarter.weeks, 53);
    assert_int_equal(cfg.quarter.n_holidays, 2);
    /* sorted */
    assert_int_equal(cfg.quarter.holidays[0], days_from_civil(2028, 2, 29));
    assert_int_equal(cfg.quarter.holidays[1], days_from_civil(2028, 3, 10));
    assert_int_equal(cfg.mentoring.session_minutes, 45);
    assert_int_equal(cfg.mentoring.cadence_weeks, 3);
    assert_int_equal(cfg.mentoring.min_grade_gap, -2);
    assert_int_equal(cfg.mentoring.ideal_max_grade_gap, 5);
    assert_int_equal(cfg.mentoring.exclude_manager_levels, 0);
    assert_true(cfg.mentoring.exclude_peers);
    assert_false(cfg.mentoring.allow_same_department);
    assert_int_equal(cfg.mentoring.repeat_cooldown_quarters, 0);
    assert_false(cfg.shadowing.enabled);
    assert_int_equal(cfg.shadowing.sessions_per_learner, 20);
    assert_int_equal(cfg.shadowing.session_minutes, 15);
    assert_true(cfg.weights[FEATURE_SKILL] == 0);
    assert_true(cfg.weights[FEATURE_PREFERENCE] == 0.5);
    assert_true(cfg.weights[FEATURE_FEEDBACK] == 1e6);
    assert_int_equal(cfg.objective, OBJECTIVE_SCORE);
    /* attribute names are folded to lower case */
    assert_int_equal(cfg.fairness.n_attributes, 3);
    assert_string_equal(cfg.fairness.attributes[0], "department");
    assert_string_equal(cfg.fairness.attributes[1], "grade");
    assert_string_equal(cfg.fairness.attributes[2], "cost_centre");
    assert_true(cfg.fairness.min_impact_ratio == 1);
    assert_int_equal(cfg.fairness.min_group_size, 1);
    assert_true(cfg.fairness.enforce);
    assert_true(cfg.solver.time_limit_s == 0.001);
    assert_true(cfg.solver.mip_gap == 0);
    assert_int_equal(cfg.recognition.top, 7);
    assert_int_equal(cfg.recognition.n_badges, 3);
    assert_string_equal(cfg.recognition.badges[0].name, "Guide");
    assert_int_equal(cfg.recognition.badges[0].role, 0);
    assert_int_equal(cfg.recognition.badges[0].quarters, 2);
    assert_int_equal(cfg.recognition.badges[0].sessions, 0);
    assert_int_equal(cfg.recognition.badges[1].role, 1);
    assert_int_equal(cfg.recognition.badges[1].sessions, 10);
    assert_int_equal(cfg.recognition.badges[2].role, 2);
    assert_int_equal(cfg.recognition.badges[2].quarters, 3);
    assert_int_equal(cfg.recognition.badges[2].sessions, 1);
    assert_int_equal(cfg.threads, 1024);
    assert_true(cfg.seed == -9007199254740992LL);

    /* the canonical JSON holds every key and reads back to the same values */
    cJSON *json = settings_to_json(&cfg);
    assert_non_null(json);
    char *again = cJSON_PrintUnformatted(json);
    assert_non_null(again);
    mm_config back;
    config_defaults(&back);
    assert_int_equal(parse(again, &back, diag), MM_OK);
    assert_memory_equal(&back, &cfg, sizeof cfg);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(json, "objective")->valuestring, "score");
    free(again);
    cJSON_Delete(json);
    mm_diag_free(diag);
}

static void test_defaults_round_trip(void **state)
{
    (void)state;
    mm_config cfg, back;
    config_defaults(&cfg);
    config_defaults(&back);
    back.seed = 77; /* overwritten by the read back */
    cJSON *json = settings_to_json(&cfg);
    assert_non_null(json);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(json, "objective")->valuestring, "participation");
    char *text = cJSON_PrintUnformatted(json);
    assert_non_null(text);
    mm_diag *diag = mm_diag_new(10);
    assert_int_equal(parse(text, &back, diag), MM_OK);
    assert_memory_equal(&back, &cfg, sizeof cfg);
    /* an empty object changes nothing */
    assert_int_equal(parse("{}", &back, diag), MM_OK);
    assert_memory_equal(&back, &cfg, sizeof cfg);
    free(text);
    cJSON_Delete(json);
    mm_diag_free(diag);
}

static void test_not_an_object(void **state)
{
    (void)state;
    expect_errors("", "$: expected a JSON object", NULL);
    expect_errors("{\"threads\": 1", "$: expected a JSON object", NULL);
    expect_errors("[1, 2]", "$: expected a JSON object", NULL);
    expect_errors("\"quarter\"", "$: expected a JSON object", NULL);
}

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_errors("{\"quartre\": {}, \"Threads\": 1}", "$: unknown key \"quartre\"",
                  "$: unknown key \"Threads\"", NULL);
    expect_errors("{\"quarter\": {\"begin\": \"2027-01-04\"}}",
                  "$.quarter: unknown key \"begin\"", NULL);
    expect_errors("{\"mentoring\": {\"session_minute\": 60}, \"shadowing\": {\"on\": true},"
                  " \"weights\": {\"skills\": 1}, \"fairness\": {\"attribute\": []},"
                  " \"solver\": {\"gap\": 0}, \"recognition\": {\"top\": 1}}",
                  "$.mentoring: unknown key \"session_minute\"",
                  "$.shadowing: unknown key \"on\"", "$.weights: unknown key \"skills\"",
                  "$.fairness: unknown key \"attribute\"", "$.solver: unknown key \"gap\"",
                  "$.recognition: unknown key \"top\"", NULL);
}

static void test_sections_must_be_objects(void **state)
{
    (void)state;
    expect_errors("{\"quarter\": [], \"mentoring\": 1, \"shadowing\": true,"
                  " \"weights\": \"skill\", \"fairness\": null, \"solver\": [1],"
                  " \"recognition\": 0}",
                  "$.quarter: expected an object", "$.mentoring: expected an object",
                  "$.shadowing: expected an object", "$.weights: expected an object",
                  "$.fairness: expected an object", "$.solver: expected an object",
                  "$.recognition: expected an object", NULL);
}

static void test_integers(void **state)
{
    (void)state;
    expect_errors("{\"quarter\": {\"weeks\": 0}}", "$.quarter.weeks: expected an integer 1..53",
                  NULL);
    expect_errors("{\"quarter\": {\"weeks\": 54}}", "$.quarter.weeks: expected an integer 1..53",
                  NULL);
    expect_errors("{\"quarter\": {\"weeks\": 12.5}}",
                  "$.quarter.weeks: expected an integer 1..53", NULL);
    expect_errors("{\"quarter\": {\"weeks\": \"12\"}}",
                  "$.quarter.weeks: expected an integer 1..53", NULL);
    expect_errors("{\"mentoring\": {\"session_minutes\": 14, \"cadence_weeks\": 14,"
                  " \"min_grade_gap\": -15, \"ideal_max_grade_gap\": -1,"
                  " \"exclude_manager_levels\": 65, \"repeat_cooldown_quarters\": 401}}",
                  "$.mentoring.session_minutes: expected an integer 15..720",
                  "$.mentoring.cadence_weeks: expected an integer 1..13",
                  "$.mentoring.min_grade_gap: expected an integer -14..14",
                  "$.mentoring.ideal_max_grade_gap: expected an integer 0..14",
                  "$.mentoring.exclude_manager_levels: expected an integer 0..64",
                  "$.mentoring.repeat_cooldown_quarters: expected an integer 0..400", NULL);
    expect_errors("{\"shadowing\": {\"sessions_per_learner\": 0, \"session_minutes\": 721}}",
                  "$.shadowing.sessions_per_learner: expected an integer 1..20",
                  "$.shadowing.session_minutes: expected an integer 15..720", NULL);
    expect_errors("{\"threads\": -1, \"fairness\": {\"min_group_size\": 0}}",
                  "$.threads: expected an integer 0..1024",
                  "$.fairness.min_group_size: expected an integer 1..1000000", NULL);
    expect_errors("{\"recognition\": {\"top_per_department\": 101}}",
                  "$.recognition.top_per_department: expected an integer 0..100", NULL);
}

static void test_numbers_and_booleans(void **state)
{
    (void)state;
    expect_errors("{\"weights\": {\"skill\": -1, \"timezone\": 1000001, \"feedback\": \"1\"}}",
                  "$.weights.skill: expected a number 0..1e+06",
                  "$.weights.timezone: expected a number 0..1e+06",
                  "$.weights.feedback: expected a number 0..1e+06", NULL);
    expect_errors("{\"fairness\": {\"min_impact_ratio\": 1.01}, \"solver\": {\"time_limit_s\": 0,"
                  " \"mip_gap\": -0.1}}",
                  "$.fairness.min_impact_ratio: expected a number 0..1",
                  "$.solver.time_limit_s: expected a number 0.001..1e+07",
                  "$.solver.mip_gap: expected a number 0..1", NULL);
    expect_errors("{\"mentoring\": {\"exclude_peers\": 1, \"allow_same_department\": \"yes\"},"
                  " \"shadowing\": {\"enabled\": null}, \"fairness\": {\"enforce\": 0}}",
                  "$.mentoring.exclude_peers: expected true or false",
                  "$.mentoring.allow_same_department: expected true or false",
                  "$.shadowing.enabled: expected true or false",
                  "$.fairness.enforce: expected true or false", NULL);
    expect_errors("{\"weights\": {\"skill\": 0, \"availability\": 0, \"cross_department\": 0,"
                  " \"seniority\": 0, \"timezone\": 0}}",
                  "$.weights: at least one weight must be above 0", NULL);
    expect_errors("{\"objective\": \"fairness\"}",
                  "$.objective: expected \"participation\" or \"score\"", NULL);
    expect_errors("{\"objective\": 1}", "$.objective: expected \"participation\" or \"score\"",
                  NULL);
    expect_errors("{\"seed\": 1.5}", "$.seed: expected an integer", NULL);
    expect_errors("{\"seed\": \"1\"}", "$.seed: expected an integer", NULL);
    expect_errors("{\"seed\": 1e300}", "$.seed: expected an integer", NULL);
}

static void test_dates(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2027-02-29", /* not a leap year */
        "2027-04-31", "2027-13-01", "2027-00-10", "2027-01-00", "2027-01-32",
        "1969-12-31", /* before 1970 */
        "2027-1-04",  "2027/01/04", "2027-01-04T", "27-01-04", "20270104xx",
        "2027-+1-04", /* a sign is not a digit */
        "2027-01- 4", "+027-01-04", "2027-01-+4", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"quarter\": {\"start\": \"%s\"}}", bad[i]);
        expect_errors(text, "$.quarter.start: expected a date \"YYYY-MM-DD\"", NULL);
    }
    expect_errors("{\"quarter\": {\"start\": 20270104}}",
                  "$.quarter.start: expected a date \"YYYY-MM-DD\"", NULL);
    expect_errors("{\"quarter\": {\"holidays\": \"2027-01-18\"}}",
                  "$.quarter.holidays: expected an array of dates", NULL);
    expect_errors("{\"quarter\": {\"holidays\": [\"2027-01-18\", 5, \"2027-02-30\"]}}",
                  "$.quarter.holidays[1]: expected a date \"YYYY-MM-DD\"",
                  "$.quarter.holidays[2]: expected a date \"YYYY-MM-DD\"", NULL);
}

static void test_too_many_holidays(void **state)
{
    (void)state;
    /* 367 distinct days from 2028-01-01 */
    size_t cap = 20 * (CONFIG_MAX_HOLIDAYS + 1) + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text + len, cap - len, "{\"quarter\": {\"holidays\": [");
    int32_t first = days_from_civil(2028, 1, 1);
    for (int i = 0; i <= CONFIG_MAX_HOLIDAYS; i++) {
        int32_t y, m, d;
        civil_from_days(first + i, &y, &m, &d);
        len += (size_t)snprintf(text + len, cap - len, "%s\"%04d-%02d-%02d\"", i ? ", " : "",
                                (int)y, (int)m, (int)d);
    }
    snprintf(text + len, cap - len, "]}}");
    expect_errors(text, "$.quarter.holidays[366]: more than 366 holidays", NULL);
    /* one fewer is fine: up to 2028-12-31 */
    char *cut = strstr(text, ", \"2029-01-01\"");
    assert_non_null(cut);
    snprintf(cut, cap - (size_t)(cut - text), "]}}");
    mm_config cfg;
    config_defaults(&cfg);
    mm_diag *diag = mm_diag_new(10);
    assert_int_equal(parse(text, &cfg, diag), MM_OK);
    assert_int_equal(cfg.quarter.n_holidays, CONFIG_MAX_HOLIDAYS);
    assert_int_equal(cfg.quarter.holidays[CONFIG_MAX_HOLIDAYS - 1], first + 365);
    mm_diag_free(diag);
    free(text);
}

static void test_fairness_attributes(void **state)
{
    (void)state;
    expect_errors("{\"fairness\": {\"attributes\": \"department\"}}",
                  "$.fairness.attributes: expected an array of attribute names", NULL);
    const char *msg = "expected an attribute name (department, grade, location or a column)";
    char e0[128], e1[128], e2[128];
    snprintf(e0, sizeof e0, "$.fairness.attributes[0]: %s", msg);
    snprintf(e1, sizeof e1, "$.fairness.attributes[1]: %s", msg);
    snprintf(e2, sizeof e2, "$.fairness.attributes[2]: %s", msg);
    expect_errors("{\"fairness\": {\"attributes\": [\"\", 3, "
                  "\"a123456789012345678901234567890123456789012345678901234567890123\"]}}",
                  e0, e1, e2, NULL);
    /* 63 bytes is the longest name */
    mm_config cfg;
    config_defaults(&cfg);
    mm_diag *diag = mm_diag_new(10);
    assert_int_equal(
        parse("{\"fairness\": {\"attributes\": "
              "[\"a12345678901234567890123456789012345678901234567890123456789012\"]}}",
              &cfg, diag),
        MM_OK);
    assert_int_equal(strlen(cfg.fairness.attributes[0]), 63);
    mm_diag_free(diag);

    char text[1024];
    size_t len = (size_t)snprintf(text, sizeof text, "{\"fairness\": {\"attributes\": [");
    for (int i = 0; i <= CONFIG_MAX_ATTRIBUTES; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s\"a%d\"", i ? ", " : "", i);
    snprintf(text + len, sizeof text - len, "]}}");
    expect_errors(text, "$.fairness.attributes[16]: more than 16 attributes", NULL);
}

static void test_badges(void **state)
{
    (void)state;
    expect_errors("{\"recognition\": {\"badges\": {\"name\": \"Guide\"}}}",
                  "$.recognition.badges: expected an array of badges", NULL);
    expect_errors(
        "{\"recognition\": {\"badges\": ["
        " \"Guide\","
        " {\"name\": \"\", \"role\": \"mentor\", \"quarters\": 1},"
        " {\"role\": \"mentor\", \"quarters\": 1},"
        " {\"name\": \"Guide\", \"role\": \"coach\", \"quarters\": 1},"
        " {\"name\": \"Guide\", \"role\": 1, \"quarters\": 1},"
        " {\"name\": \"Guide\", \"role\": \"mentor\"},"
        " {\"name\": \"Guide\", \"role\": \"mentor\", \"quarters\": 0, \"sessions\": 0},"
        " {\"name\": \"Guide\", \"role\": \"mentor\", \"quarters\": 1001},"
        " {\"name\": \"Guide\", \"role\": \"host\", \"sessions\": 5, \"colour\": \"red\"}"
        "]}}",
        "$.recognition.badges[0]: expected {\"name\", \"role\", \"quarters\" or \"sessions\"}",
        "$.recognition.badges[1]: name: expected a badge name of 1..63 bytes",
        "$.recognition.badges[2]: name: expected a badge name of 1..63 bytes",
        "$.recognition.badges[3]: role: expected mentor, host or learner",
        "$.recognition.badges[4]: role: expected mentor, host or learner",
        "$.recognition.badges[5]: expected a threshold: quarters or sessions above 0",
        "$.recognition.badges[6]: expected a threshold: quarters or sessions above 0",
        "$.recognition.badges[7].quarters: expected an integer 0..1000",
        "$.recognition.badges[7]: expected a threshold: quarters or sessions above 0",
        "$.recognition.badges[8]: unknown key \"colour\"", NULL);

    char text[2048];
    size_t len = (size_t)snprintf(text, sizeof text, "{\"recognition\": {\"badges\": [");
    for (int i = 0; i <= CONFIG_MAX_BADGES; i++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%s{\"name\": \"B%d\", \"role\": \"host\", \"sessions\": %d}",
                                i ? ", " : "", i, i + 1);
    snprintf(text + len, sizeof text - len, "]}}");
    expect_errors(text, "$.recognition.badges[16]: more than 16 badges", NULL);
}

static void test_load(void **state)
{
    (void)state;
    char dir[] = "/tmp/mm-settings.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/quarter.json", dir);
    mm_config cfg, before;
    config_defaults(&cfg);
    before = cfg;
    mm_diag *diag = mm_diag_new(10);

    /* a missing file: MM_ENOINPUT, named by its path */
    assert_int_equal(settings_load(path, &cfg, diag), MM_ENOINPUT);
    assert_int_equal(mm_diag_size(diag), 1);
    assert_string_equal(mm_diag_file(diag, 0), path);
    assert_non_null(strstr(mm_diag_message(diag, 0), "cannot read the configuration"));
    mm_diag_clear(diag);

    /* errors are named by the file's base name */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"threads\": 2, \"seed\": true}", f);
    fclose(f);
    assert_int_equal(settings_load(path, &cfg, diag), MM_ECONFIG);
    assert_int_equal(mm_diag_size(diag), 1);
    assert_string_equal(mm_diag_file(diag, 0), "quarter.json");
    assert_string_equal(mm_diag_message(diag, 0), "$.seed: expected an integer");
    assert_memory_equal(&cfg, &before, sizeof cfg);
    mm_diag_clear(diag);

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"threads\": 2, \"seed\": 42}", f);
    fclose(f);
    assert_int_equal(settings_load(path, &cfg, diag), MM_OK);
    assert_int_equal(cfg.threads, 2);
    assert_true(cfg.seed == 42);

    mm_diag_free(diag);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_defaults_round_trip),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_sections_must_be_objects),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_numbers_and_booleans),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_too_many_holidays),
        cmocka_unit_test(test_fairness_attributes),
        cmocka_unit_test(test_badges),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
