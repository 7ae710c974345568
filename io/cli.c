/*
 * cli.c - the command line (SPEC section 8): parses arguments, runs one
 * subcommand, prints diagnostics as `mentormatch: FILE:LINE:COLUMN: message`
 * and turns the result code into a sysexits status. The only place that
 * does so.
 */
#include <errno.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "mentormatch.h"

#define MAX_SHOWN_ERRORS 100
#define MAX_SHOWN_WARNINGS 20


static const char usage_text[] =
    "usage: mentormatch COMMAND [options]\n"
    "\n"
    "Pairs learners with mentors and job-shadowing hosts, exactly, and schedules\n"
    "their sessions.\n"
    "\n"
    "commands:\n"
    "  run DIR [--config FILE] [--out DIR] [--db FILE]   import + match + export\n"
    "  import DIR --db FILE                               validate and load inputs\n"
    "  validate DIR                                       check inputs, change nothing\n"
    "  match --db FILE [--config FILE] [--out DIR]        a new run on the stored data\n"
    "  report --db FILE [--run ID] --out DIR              re-export a stored run\n"
    "  runs --db FILE                                     list runs\n"
    "  publish --db FILE --run ID [--replace]             make a run the quarter's official one\n"
    "  explain --db FILE --learner ID [--run ID]          why this match, alternatives, or why none\n"
    "  recognition --db FILE [--quarter Q] [--out DIR]    participation record and badges\n"
    "                                                     (badges from --config FILE)\n"
    "  feedback FILE --db FILE --run ID                   import feedback for a published run\n"
    "  diff --db FILE --run A --run B [--out DIR]         what changed between two runs\n"
    "\n"
    "DIR is a folder of CSV files (employees.csv, skills.csv, goals.csv,\n"
    "availability.csv, ...) or a JSON document holding the same tables.\n"
    "\n"
    "options:\n"
    "  --mapping FILE   read HRIS column names through a mapping (data/mappings/)\n"
    "  --threads N      scoring threads (default: all cores)\n"
    "  --quiet          print errors only\n"
    "  --verbose        print every warning and more detail\n"
    "  --help           this text\n"
    "  --version        the version\n"
    "\n"
    "exit status: 0 success, 64 usage or bad config, 65 bad input data,\n"
    "66 an input missing, 70 internal error, 73 cannot create an output,\n"
    "74 I/O error.\n";

static void print_diag(const mm_diag *diag, bool quiet, bool verbose)
{
    size_t shown_w = 0, shown_e = 0;
    for (size_t i = 0; i < mm_diag_size(diag); i++) {
        bool warn = mm_diag_severity(diag, i) == MM_SEV_WARNING;
        if (warn && (quiet || (!verbose && shown_w >= MAX_SHOWN_WARNINGS)))
            continue;
        if (!warn && shown_e >= MAX_SHOWN_ERRORS)
            continue;
        warn ? shown_w++ : shown_e++;
        const char *file = mm_diag_file(diag, i);
        long line = mm_diag_line(diag, i), col = mm_diag_column(diag, i);
        fputs("mentormatch: ", stderr);
        if (file && line > 0 && col > 0)
            fprintf(stderr, "%s:%ld:%ld: ", file, line, col);
        else if (file && line > 0)
            fprintf(stderr, "%s:%ld: ", file, line);
        else if (file)
            fprintf(stderr, "%s: ", file);
        fprintf(stderr, "%s%s\n", warn ? "warning: " : "", mm_diag_message(diag, i));
    }
    size_t errors = mm_diag_error_count(diag), warnings = mm_diag_warning_count(diag);
    if (errors > shown_e)
        fprintf(stderr, "mentormatch: %zu more errors not shown\n", errors - shown_e);
    if (!quiet && warnings > shown_w)
        fprintf(stderr, "mentormatch: %zu more warnings not shown (--verbose shows them)\n",
                warnings - shown_w);
}

static int usage_error(const char *fmt, const char *arg)
{
    cli_usage_error(fmt, arg);
    return 64;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Parses argv into o; returns 0, or an exit status (64) after a message. */
static int parse_args(int argc, char **argv, cli_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            exit(0);
        } else if (strcmp(a, "--version") == 0) {
            printf("mentormatch %s\n", MM_VERSION);
            exit(0);
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
            continue;
        } else if (strcmp(a, "--verbose") == 0) {
            o->verbose = true;
            continue;
        } else if (strcmp(a, "--replace") == 0) {
            o->replace = true;
            continue;
        } else if (strcmp(a, "--config") == 0) {
            slot = &o->config;
        } else if (strcmp(a, "--out") == 0) {
            slot = &o->out;
        } else if (strcmp(a, "--db") == 0) {
            slot = &o->db;
        } else if (strcmp(a, "--mapping") == 0) {
            slot = &o->mapping;
        } else if (strcmp(a, "--learner") == 0) {
            slot = &o->learner;
        } else if (strcmp(a, "--quarter") == 0) {
            slot = &o->quarter;
        } else if (strcmp(a, "--threads") == 0 || strcmp(a, "--run") == 0) {
            long v;
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            bool threads = strcmp(a, "--threads") == 0;
            if (!parse_long(argv[++i], 1, threads ? 1024 : LONG_MAX, &v))
                return usage_error(threads ? "--threads: expected an integer 1..1024, got \"%s\""
                                           : "--run: expected a run id, got \"%s\"",
                                   argv[i]);
            if (threads)
                o->threads = (int)v;
            else if (o->n_runs < 2)
                o->runs[o->n_runs++] = v;
            else
                return usage_error("%s", "--run given more than twice");
            continue;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option \"%s\"", a);
        } else if (!o->cmd) {
            o->cmd = a;
            continue;
        } else if (!o->input) {
            o->input = a;
            continue;
        } else {
            return usage_error("unexpected argument \"%s\"", a);
        }
        if (i + 1 >= argc)
            return usage_error("%s needs a value", a);
        *slot = argv[++i];
    }
    if (!o->cmd) {
        fputs(usage_text, stderr);
        return 64;
    }
    return 0;
}

typedef int (*cmd_fn)(const cli_options *o, mm_diag *diag);

static const struct {
    const char *name;
    cmd_fn fn;
} commands[] = {
    {"validate", cmd_validate},
    {"import", cmd_import},
    {"run", cmd_run},
    {"match", cmd_match},
    {"report", cmd_report},
    {"runs", cmd_runs},
    {"explain", cmd_explain},
    {"publish", cmd_publish},
    {"diff", cmd_diff},
    {"feedback", cmd_feedback},
    {"recognition", cmd_recognition},
};

int main(int argc, char **argv)
{
    cli_options o;
    memset(&o, 0, sizeof o);
    /* over a file size limit (ulimit -f) a write fails with EFBIG and is
       reported (exit 74) instead of killing the process midway */
    signal(SIGXFSZ, SIG_IGN);
#ifdef __GLIBC__
    /* one malloc arena for every thread: what one track's thread frees, the
       other's allocations reuse, instead of each thread's arena keeping its
       own (a million employees' match peaked at 6.4-6.6 GiB over 3 runs,
       against 6.7-7.9 GiB over 4 without; scoring took as long, 20 s) */
    mallopt(M_ARENA_MAX, 1);
#endif
    int status = parse_args(argc, argv, &o);
    if (status)
        return status;
    cmd_fn fn = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(o.cmd, commands[i].name) == 0)
            fn = commands[i].fn;
    if (!fn)
        return usage_error("unknown command \"%s\"", o.cmd);
    mm_diag *diag = mm_diag_new(1000);
    if (!diag) {
        fputs("mentormatch: out of memory\n", stderr);
        return 70;
    }
    int rc = fn(&o, diag);
    print_diag(diag, o.quiet, o.verbose);
    /* no message kept (none given, or lost for lack of memory): the code's */
    if (rc != MM_OK && rc != MM_EUSAGE && mm_diag_kept_errors(diag) == 0)
        fprintf(stderr, "mentormatch: %s\n", mm_code_message(rc));
    mm_diag_free(diag);
    return mm_code_exit_status(rc);
}
