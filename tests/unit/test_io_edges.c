/*
 * test_io_edges.c - edges of io's parsers that the other suites leave out:
 * names at their length limit, files named without a folder (errors carry
 * the name as given), mapping keys that only look like a table, a repeated
 * column in feedback.csv (an error, as in the company files), feedback.csv
 * with more errors than the diag keeps, and a CSV file whose read fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "csv.h"
#include "feedback.h"
#include "fileio.h"
#include "import.h"
#include "jsonparse.h"
#include "settings.h"
#include "store.h"

typedef struct fixture {
    char dir[64];
    char cwd[PATH_MAX];
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

/* The index of the entry of diag that reads exactly want; fails when none. */
static size_t entry(const mm_diag *diag, const char *want)
{
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        if (strcmp(mm_diag_message(diag, i), want) == 0)
            return i;
    for (size_t i = 0; i < mm_diag_size(diag); i++)
        fprintf(stderr, "  got %s:%ld:%ld: %s\n", mm_diag_file(diag, i), mm_diag_line(diag, i),
                mm_diag_column(diag, i), mm_diag_message(diag, i));
    fail_msg("no entry \"%s\"", want);
    return 0;
}

/* A temporary folder, made the working directory (names without a '/'
   resolve there); a store holding tests/cases/_base. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !getcwd(f->cwd, sizeof f->cwd))
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/mm-edges.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->diag = mm_diag_new(100);
    char base[PATH_MAX + 32], db[128], sha[65];
    const char *root = getenv("MM_ROOT");
    snprintf(base, sizeof base, "%s/tests/cases/_base", root ? root : f->cwd);
    snprintf(db, sizeof db, "%s/q.db", f->dir);
    mm_model *m = NULL;
    if (!f->diag || import_company(base, NULL, &m, sha, f->diag) != MM_OK ||
        store_open(db, 0, &f->s, f->diag) != MM_OK ||
        store_save_snapshot(f->s, m, sha, f->diag) != MM_OK)
        return -1;
    mm_model_free(m);
    if (chdir(f->dir) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    mm_diag_free(f->diag);
    int rc = chdir(f->cwd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    rc |= system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* ---- configuration --------------------------------------------------------- */

static int parse_badge(const char *name, mm_config *cfg, mm_diag *diag)
{
    char text[256];
    snprintf(text, sizeof text,
             "{\"recognition\": {\"badges\": [{\"name\": \"%s\", \"role\": \"host\", "
             "\"quarters\": 2}]}}", name);
    config_defaults(cfg);
    mm_diag_clear(diag);
    return settings_parse(text, strlen(text), "config.json", cfg, diag);
}

static void test_badge_name_limit(void **state)
{
    fixture *f = *state;
    char name[CONFIG_MAX_NAME + 1];
    mm_config cfg;
    memset(name, 'b', sizeof name - 1);
    name[CONFIG_MAX_NAME] = '\0'; /* 64 bytes: one too many */
    assert_int_equal(parse_badge(name, &cfg, f->diag), MM_ECONFIG);
    assert_int_equal(mm_diag_error_count(f->diag), 1);
    entry(f->diag, "$.recognition.badges[0]: name: expected a badge name of 1..63 bytes");

    name[CONFIG_MAX_NAME - 1] = '\0'; /* 63 bytes: the longest kept */
    assert_int_equal(parse_badge(name, &cfg, f->diag), MM_OK);
    assert_int_equal(cfg.recognition.n_badges, 1);
    assert_string_equal(cfg.recognition.badges[0].name, name);
    assert_int_equal(cfg.recognition.badges[0].role, 1);
    assert_int_equal(cfg.recognition.badges[0].quarters, 2);
}

static void test_config_name_without_folder(void **state)
{
    fixture *f = *state;
    mm_config cfg;
    config_defaults(&cfg);
    put("quarter.json", "{\"threads\": \"two\"}");
    assert_int_equal(settings_load("quarter.json", &cfg, f->diag), MM_ECONFIG);
    size_t i = entry(f->diag, "$.threads: expected an integer 0..1024");
    assert_string_equal(mm_diag_file(f->diag, i), "quarter.json");
}

/* ---- company import ---------------------------------------------------------- */

static void test_json_company_without_folder(void **state)
{
    fixture *f = *state;
    mm_model *m = NULL;
    char sha[65];
    put("company.json", "[]");
    assert_int_equal(import_company("company.json", NULL, &m, sha, f->diag), MM_EDATA);
    assert_null(m);
    size_t i = entry(f->diag, "expected a JSON object with the tables (employees, skills, ...)");
    assert_string_equal(mm_diag_file(f->diag, i), "company.json");

    /* a file named as a folder is no input (a JSON name never ends in '/') */
    mm_diag_clear(f->diag);
    assert_int_equal(import_company("company.json/", NULL, &m, sha, f->diag), MM_ENOINPUT);
    entry(f->diag, "no such file or folder");
}

static void test_mapping_keys(void **state)
{
    fixture *f = *state;
    import_mapping *map = NULL;
    /* tables named by file or by JSON name; a name that only starts like one
       ("employees.csv.bak", "skillset") is unknown */
    put("mapping.json", "{\"employees\": {\"email\": \"mail\"}, \"skills.csv\": {\"level\": \"lvl\"},"
                        " \"employees.csv.bak\": {}, \"skillset\": {}}");
    assert_int_equal(import_mapping_load("mapping.json", &map, f->diag), MM_ECONFIG);
    assert_null(map);
    assert_int_equal(mm_diag_error_count(f->diag), 2);
    entry(f->diag, "$.\"employees.csv.bak\": unknown input file");
    entry(f->diag, "$.\"skillset\": unknown input file");

    mm_diag_clear(f->diag);
    put("mapping.json", "{\"employees\": {\"email\": \"mail\"}, \"skills.csv\": {\"level\": \"lvl\"}}");
    assert_int_equal(import_mapping_load("mapping.json", &map, f->diag), MM_OK);
    assert_non_null(map);
    import_mapping_free(map);
}

/* ---- feedback.csv -------------------------------------------------------------- */

static int no_files(void *ctx, int64_t run_id, const file_sink *files)
{
    (void)ctx;
    (void)run_id;
    (void)files;
    return MM_OK;
}

/* A published run: E002 mentored by E001, E004 shadowing E003. */
static int64_t published_run(fixture *f)
{
    static const store_pair pairs[] = {
        {"mentoring", "E002", "E001", 700, 4, 0},
        {"shadowing", "E004", "E003", 500, 4, 0},
    };
    store_pair p[2];
    memcpy(p, pairs, sizeof p);
    store_run run = {"2027-03-01T00:00:00Z", "2027Q1", "0000", "{}", 1, p, 2, NULL, 0, "{}"};
    int64_t id = 0, replaced = 0;
    char quarter[16];
    assert_int_equal(store_save_run(f->s, &run, no_files, NULL, &id, f->diag), MM_OK);
    assert_int_equal(store_publish_run(f->s, id, false, quarter, &replaced, f->diag), MM_OK);
    return id;
}

static int feedback(fixture *f, int64_t run, const char *text, size_t *n)
{
    put("feedback.csv", text);
    mm_diag_clear(f->diag);
    return feedback_import(f->s, run, "feedback.csv", n, f->diag);
}

static void expect_at(const mm_diag *diag, long line, long column, const char *message)
{
    size_t i = entry(diag, message);
    assert_string_equal(mm_diag_file(diag, i), "feedback.csv");
    assert_int_equal(mm_diag_line(diag, i), line);
    assert_int_equal(mm_diag_column(diag, i), column);
}

static void test_feedback_repeated_column(void **state)
{
    fixture *f = *state;
    int64_t run = published_run(f);
    size_t n = 9;
    /* which rating was meant is unknown: an error, no row read */
    assert_int_equal(feedback(f, run,
                              "learner_id,rating,partner_id,track,sessions_attended,Rating\n"
                              "E002,5,E001,mentoring,4,1\n",
                              &n),
                     MM_EDATA);
    assert_int_equal(n, 0);
    assert_int_equal(mm_diag_error_count(f->diag), 1);
    expect_at(f->diag, 1, 6, "column \"rating\" appears twice (first in column 2)");

    /* a header over two lines: the repeat is located where it starts */
    assert_int_equal(feedback(f, run,
                              "learner_id,\"partner_id\",track,sessions_attended,rating,\"learner\n"
                              "x\",\"LEARNER_ID\"\n"
                              "E002,E001,mentoring,4,5,,E002\n",
                              &n),
                     MM_EDATA);
    assert_int_equal(mm_diag_error_count(f->diag), 1);
    expect_at(f->diag, 2, 7, "column \"learner_id\" appears twice (first in column 1)");

    /* an unknown extra column is no repeat */
    assert_int_equal(feedback(f, run,
                              "learner_id,partner_id,track,sessions_attended,rating,note\n"
                              "E002,E001,mentoring,4,5,fine\n",
                              &n),
                     MM_OK);
    assert_int_equal(n, 1);
}

static void test_feedback_error_limit(void **state)
{
    fixture *f = *state;
    int64_t run = published_run(f);
    size_t len = 0, cap = 64 + 150 * 32;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "learner_id,partner_id,track,sessions_attended,rating\n");
    for (int i = 0; i < 150; i++)
        len += (size_t)snprintf(text + len, cap - len, "E002,E001,mentoring,4,%d\n", 6 + i % 4);
    size_t n = 9;
    assert_int_equal(feedback(f, run, text, &n), MM_EDATA);
    free(text);
    /* the diag keeps 100 errors; the rows after those are not read */
    assert_int_equal(mm_diag_error_count(f->diag), 100);
    assert_true(mm_diag_full(f->diag));
    expect_at(f->diag, 2, 5, "rating: expected an integer 1..5, got \"6\"");
    long last = 0;
    for (size_t i = 0; i < mm_diag_size(f->diag); i++)
        if (mm_diag_line(f->diag, i) > last)
            last = mm_diag_line(f->diag, i);
    assert_int_equal(last, 101); /* lines 2..101 */
    assert_int_equal(n, 0);
}

static void test_feedback_missing_file(void **state)
{
    fixture *f = *state;
    int64_t run = published_run(f);
    size_t n = 9;
    assert_int_equal(feedback_import(f->s, run, "nothing.csv", &n, f->diag), MM_ENOINPUT);
    assert_int_equal(n, 0);
    size_t i = entry(f->diag, "cannot open: No such file or directory");
    assert_string_equal(mm_diag_file(f->diag, i), "feedback.csv");
}

/* ---- the CSV reader ------------------------------------------------------------ */

static int count_row(void *ctx, const csvr_row *row)
{
    (void)row;
    (*(int *)ctx)++;
    return MM_OK;
}

static void test_csv_file_errors(void **state)
{
    fixture *f = *state;
    int rows = 0;
    put("a.csv", "x\n1\n");
    assert_int_equal(csvr_parse_file("a.csv", "a.csv", NULL, &rows, f->diag), MM_EINTERNAL);
    assert_int_equal(csvr_parse_file(NULL, "a.csv", count_row, &rows, f->diag), MM_EINTERNAL);
    assert_int_equal(mm_diag_size(f->diag), 0);
    assert_int_equal(csvr_parse_file("a.csv", "a.csv", count_row, &rows, f->diag), MM_OK);
    assert_int_equal(rows, 2);

    /* a regular file (as fstat says) whose read fails: this process's memory
       read at address 0, which is never mapped, fails with EIO */
    rows = 0;
    FILE *probe = fopen("/proc/self/mem", "rb");
    if (!probe)
        skip();
    fclose(probe);
    assert_int_equal(csvr_parse_file("/proc/self/mem", "mem.csv", count_row, &rows, f->diag),
                     MM_EIO);
    assert_int_equal(rows, 0);
    size_t i = entry(f->diag, "read error: Input/output error");
    assert_string_equal(mm_diag_file(f->diag, i), "mem.csv");
}

/* json_text_check: where a JSON text stops being valid UTF-8 without NULs. */
static void test_json_text_check(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len;  /* 0: strlen */
        size_t at;   /* SIZE_MAX: fine */
        const char *why;
    } cases[] = {
        {"{\"a\": \"plain \\\" \\n \\u00e9\"}", 0, SIZE_MAX, NULL},
        {"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"", 0, SIZE_MAX, NULL},
        {"\"x\\u0000y\"", 0, 2, "\\u0000 (a NUL character)"},
        {"\\u0000 outside a string is cJSON's to refuse", 0, SIZE_MAX, NULL},
        {"\"\\\\u0000\"", 0, SIZE_MAX, NULL}, /* an escaped backslash, then text */
        {"\"a\0b\"", 5, 2, "NUL byte"},
        {"\"\xc0\xaf\"", 0, 1, "invalid UTF-8"},          /* overlong '/' */
        {"\"\xe0\x80\xaf\"", 0, 1, "invalid UTF-8"},      /* overlong, 3 bytes */
        {"\"\xed\xa0\x80\"", 0, 1, "invalid UTF-8"},      /* a surrogate */
        {"\"\xf0\x80\x80\xaf\"", 0, 1, "invalid UTF-8"}, /* overlong, 4 bytes */
        {"\"\xf4\x90\x80\x80\"", 0, 1, "invalid UTF-8"}, /* over U+10FFFF */
        {"\"\xf5\x80\x80\x80\"", 0, 1, "invalid UTF-8"},
        {"\"ok\xe2\x82", 0, 3, "invalid UTF-8"},            /* cut short at the end */
        {"\"\xc3(\"", 0, 1, "invalid UTF-8"},               /* not a continuation */
        {"\"\xff\"", 0, 1, "invalid UTF-8"},
        {"\"a\\", 0, SIZE_MAX, NULL},                       /* a trailing backslash */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
        const char *why = NULL;
        size_t at = json_text_check(cases[i].text, len, &why);
        if (cases[i].at == SIZE_MAX) {
            if (at != len)
                fail_msg("case %zu: stopped at %zu (%s)", i, at, why ? why : "");
        } else {
            if (at != cases[i].at)
                fail_msg("case %zu: stopped at %zu, expected %zu", i, at, cases[i].at);
            assert_string_equal(why, cases[i].why);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_badge_name_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_name_without_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_company_without_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mapping_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_repeated_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_error_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_file_errors, setup, teardown),
        cmocka_unit_test(test_json_text_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
