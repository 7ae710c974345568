/*
 * mentormatch.h - the public API of mentormatch.
 *
 * mentormatch pairs learners with mentors and job-shadowing hosts, exactly
 * (GLPK), and schedules their sessions. This header is the only one a caller
 * needs: error codes, the diagnostics object that carries every error and
 * warning with its file, line and column, and the opaque handles of the
 * pipeline (model, result). Module headers beside the sources are internal.
 *
 * Conventions: functions return an int code from the table below (MM_OK is 0);
 * details go into an mm_diag the caller passes in. Nothing here is global
 * state, so separate handles may be used from separate threads.
 */
#ifndef MENTORMATCH_H
#define MENTORMATCH_H

#include <stdarg.h>
#include <stddef.h>

#define MM_VERSION "0.1.0"

/*
 * The one table of error codes: X(NAME, exit status, message).
 * Exit statuses are sysexits(3); only the command line turns a code into one.
 */
#define MM_ERROR_TABLE(X)                                                   \
    X(OK, 0, "success")                                                     \
    X(USAGE, 64, "command line usage error")                                \
    X(CONFIG, 64, "bad configuration")                                      \
    X(DATA, 65, "bad input data")                                           \
    X(NOINPUT, 66, "an input is missing or unreadable")                     \
    X(NOMEM, 70, "out of memory")                                           \
    X(INTERNAL, 70, "internal error")                                       \
    X(SOLVER, 70, "the solver failed")                                      \
    X(CANTCREAT, 73, "cannot create an output")                             \
    X(IO, 74, "input/output error")                                         \
    X(STORE, 74, "the store failed")                                        \
    X(NOTFOUND, 65, "no such record in the store")

#define MM_ERROR_ENUM_(name, status, message) MM_E##name,
typedef enum mm_code { MM_ERROR_TABLE(MM_ERROR_ENUM_) MM_ECOUNT_ } mm_code;
#undef MM_ERROR_ENUM_
#define MM_OK MM_EOK

/* The name ("MM_EDATA"), message and sysexits status of a code. */
const char *mm_code_name(int code);
const char *mm_code_message(int code);
int mm_code_exit_status(int code);

/*
 * mm_diag: the errors and warnings of one operation, in the order found.
 * Each entry carries a file (may be NULL), a physical line and a 1-based
 * column (0 when unknown) and a message. Errors beyond the limit given at
 * creation are counted but not kept. Messages must name people by id only.
 * The diag owns its strings; mm_diag_free releases everything.
 */
typedef struct mm_diag mm_diag;

typedef enum mm_severity { MM_SEV_ERROR, MM_SEV_WARNING } mm_severity;

mm_diag *mm_diag_new(size_t max_errors);
void mm_diag_free(mm_diag *diag);
/* Records an error and returns code, so that `return mm_diag_error(...)` reads well. */
int mm_diag_error(mm_diag *diag, int code, const char *file, long line, long column,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void mm_diag_warning(mm_diag *diag, const char *file, long line, long column,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
size_t mm_diag_error_count(const mm_diag *diag);   /* all, kept or not */
size_t mm_diag_warning_count(const mm_diag *diag); /* all, kept or not */
size_t mm_diag_size(const mm_diag *diag);          /* entries kept */
int mm_diag_full(const mm_diag *diag);             /* error limit reached */
size_t mm_diag_kept_errors(const mm_diag *diag);   /* errors among the entries kept */
/* Entries that were to be kept but were lost for lack of memory: a report
   built from the diag would be incomplete. */
size_t mm_diag_dropped(const mm_diag *diag);
/* The first error code recorded, MM_OK when none. */
int mm_diag_first_code(const mm_diag *diag);
/* Entry i (0 <= i < mm_diag_size): its pieces; pointers live as long as diag. */
mm_severity mm_diag_severity(const mm_diag *diag, size_t i);
const char *mm_diag_file(const mm_diag *diag, size_t i);
long mm_diag_line(const mm_diag *diag, size_t i);
long mm_diag_column(const mm_diag *diag, size_t i);
const char *mm_diag_message(const mm_diag *diag, size_t i);
/* Removes every entry and count. */
void mm_diag_clear(mm_diag *diag);

/*
 * mm_model: the company of one quarter (employees, departments, skills, goals,
 * availability, history, exclusions, pins, preferences) as plain arrays.
 * Built by the importers or loaded from the store; read by the engine.
 */
typedef struct mm_model mm_model;
void mm_model_free(mm_model *model);

#endif
