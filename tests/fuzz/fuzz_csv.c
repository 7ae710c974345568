/*
 * fuzz_csv.c - fuzz target for the CSV importer, every input file kind.
 *
 * The first byte selects the file, (byte - '0') mod 10: 0 departments.csv,
 * 1 employees.csv, 2 skills.csv, 3 goals.csv, 4 availability.csv,
 * 5 history.csv, 6 exclusions.csv, 7 pins.csv, 8 preferences.csv,
 * 9 feedback.csv; the rest is that file's bytes. One target for all kinds
 * lets the corpus of one file teach the others (they share the CSV reader,
 * the header mapping and the id, integer and track checks), and its time
 * is not split ten ways.
 *
 * Company files are imported with import_company over a folder holding the
 * fuzzed file and, for the other tables, the small valid company of
 * fuzz_base.c (so references resolve and later tables are reached).
 * feedback.csv goes through feedback_import against a store with one
 * published run whose pairs are people of that company.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "fuzz.h"
#include "import.h"
#include "mentormatch.h"
#include "store.h"

static const char *const kinds[] = {"departments.csv", "employees.csv", "skills.csv",
                                    "goals.csv",       "availability.csv", "history.csv",
                                    "exclusions.csv",  "pins.csv",      "preferences.csv",
                                    "feedback.csv"};
#define N_KINDS (sizeof kinds / sizeof kinds[0])
#define FEEDBACK_KIND 9

static store *fb_store;
static int64_t fb_run;

static int no_files(void *ctx, int64_t run_id, const file_sink *files)
{
    (void)ctx;
    (void)run_id;
    (void)files;
    return MM_OK;
}

static void close_store(void) { store_close(fb_store); }

/* The store with one published run, made on first use; exits when it cannot be. */
static void feedback_setup(void)
{
    static const store_pair pairs[] = {{"mentoring", "E002", "E003", 800, 0, 6},
                                       {"mentoring", "E004", "E003", 700, 1, 6},
                                       {"shadowing", "E004", "E005", 600, 0, 1},
                                       {"shadowing", "E002", "E001", 500, 0, 1}};
    char path[4200];
    int64_t replaced = 0;
    char quarter[16];
    mm_diag *diag = mm_diag_new(10);
    snprintf(path, sizeof path, "%s/store.db", fuzz_dir());
    store_run run = {"2027-03-01T00:00:00Z",
                     "2027Q1",
                     "0000000000000000000000000000000000000000000000000000000000000000",
                     "{}",
                     1,
                     pairs,
                     sizeof pairs / sizeof pairs[0],
                     NULL,
                     0,
                     "{}"};
    if (!diag || store_open(path, 0, &fb_store, diag) != MM_OK ||
        store_save_run(fb_store, &run, no_files, NULL, &fb_run, diag) != MM_OK ||
        store_publish_run(fb_store, fb_run, false, quarter, &replaced, diag) != MM_OK) {
        fprintf(stderr, "fuzz_csv: cannot set up the feedback store\n");
        exit(2);
    }
    atexit(close_store);
    mm_diag_free(diag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t kind = (uint8_t)(data[0] - '0') % N_KINDS;
    char path[4200];
    mm_diag *diag = mm_diag_new(1000);
    if (!diag)
        return 0;
    if (kind == FEEDBACK_KIND) {
        if (!fb_store)
            feedback_setup();
        size_t n_rows = 0;
        fuzz_write(kinds[kind], data + 1, size - 1, path, sizeof path);
        feedback_import(fb_store, fb_run, path, &n_rows, diag);
    } else {
        const char *dir = fuzz_base_company();
        mm_model *model = NULL;
        char sha[65];
        fuzz_write(kinds[kind], data + 1, size - 1, path, sizeof path);
        if (import_company(dir, NULL, &model, sha, diag) == MM_OK && !model)
            abort(); /* success without a model breaks import's contract */
        mm_model_free(model);
        const char *base = fuzz_base_file(kinds[kind]);
        fuzz_write(kinds[kind], base, strlen(base), path, sizeof path);
    }
    mm_diag_free(diag);
    return 0;
}
