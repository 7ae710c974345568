/*
 * commands.h - the subcommands of the command line, one function each.
 *
 * io/cli.c parses the arguments into cli_options and calls one of these;
 * each returns an MM_E* code (MM_EUSAGE after printing a usage message) and
 * leaves its errors and warnings in diag for the caller to print.
 */
#ifndef MM_COMMANDS_H
#define MM_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "mentormatch.h"

typedef struct cli_options {
    const char *cmd;
    const char *input; /* DIR, or FILE for feedback */
    const char *config;
    const char *out;
    const char *db;
    const char *mapping;
    const char *learner;
    const char *quarter; /* recognition: "2027Q1" */
    int64_t runs[2];
    int n_runs;
    int threads; /* 0 = the configuration's, else OpenMP's default */
    bool quiet, verbose;
    bool replace; /* publish: replace the quarter's official run */
} cli_options;

/* Prints "mentormatch: <fmt with arg>" and a hint to stderr; returns MM_EUSAGE. */
int cli_usage_error(const char *fmt, const char *arg);

int cmd_validate(const cli_options *o, mm_diag *diag);
int cmd_import(const cli_options *o, mm_diag *diag);
int cmd_run(const cli_options *o, mm_diag *diag);
int cmd_match(const cli_options *o, mm_diag *diag);
int cmd_report(const cli_options *o, mm_diag *diag);
int cmd_runs(const cli_options *o, mm_diag *diag);
int cmd_explain(const cli_options *o, mm_diag *diag);
int cmd_publish(const cli_options *o, mm_diag *diag);
int cmd_diff(const cli_options *o, mm_diag *diag);
int cmd_feedback(const cli_options *o, mm_diag *diag);
int cmd_recognition(const cli_options *o, mm_diag *diag);

#endif
