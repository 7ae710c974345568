/*
 * diag.c - the error table and the diagnostics collector (mm_diag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mentormatch.h"

typedef struct diag_entry {
    mm_severity severity;
    int code;
    char *file;
    long line;
    long column;
    char *message;
} diag_entry;

struct mm_diag {
    diag_entry *entries;
    size_t n, cap;
    size_t max_errors;
    size_t errors, warnings;
    size_t kept_errors, kept_warnings;
    size_t dropped; /* entries lost for lack of memory */
    int first_code;
};

/* Warnings are kept up to this many; the rest are only counted. */
#define DIAG_MAX_WARNINGS 10000

#define MM_NAME_(name, status, message) "MM_E" #name,
#define MM_MSG_(name, status, message) message,
#define MM_STATUS_(name, status, message) status,
static const char *const code_names[] = {MM_ERROR_TABLE(MM_NAME_)};
static const char *const code_messages[] = {MM_ERROR_TABLE(MM_MSG_)};
static const int code_status[] = {MM_ERROR_TABLE(MM_STATUS_)};
#undef MM_NAME_
#undef MM_MSG_
#undef MM_STATUS_

const char *mm_code_name(int code)
{
    return code >= 0 && code < MM_ECOUNT_ ? code_names[code] : "MM_E?";
}

const char *mm_code_message(int code)
{
    return code >= 0 && code < MM_ECOUNT_ ? code_messages[code] : "unknown error";
}

int mm_code_exit_status(int code)
{
    return code >= 0 && code < MM_ECOUNT_ ? code_status[code] : 70;
}

mm_diag *mm_diag_new(size_t max_errors)
{
    mm_diag *d = calloc(1, sizeof *d);
    if (d)
        d->max_errors = max_errors ? max_errors : 1;
    return d;
}

void mm_diag_clear(mm_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->entries[i].file);
        free(d->entries[i].message);
    }
    d->n = 0;
    d->errors = d->warnings = d->kept_errors = d->kept_warnings = d->dropped = 0;
    d->first_code = MM_OK;
}

void mm_diag_free(mm_diag *d)
{
    if (!d)
        return;
    mm_diag_clear(d);
    free(d->entries);
    free(d);
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s) + 1;
    char *p = malloc(len);
    if (p)
        memcpy(p, s, len);
    return p;
}

/* Appends an entry; on allocation failure the entry is dropped (counts stay). */
static void push(mm_diag *d, mm_severity sev, int code, const char *file, long line,
                 long column, const char *fmt, va_list ap)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        diag_entry *e = realloc(d->entries, cap * sizeof *e);
        if (!e) {
            d->dropped++;
            return;
        }
        d->entries = e;
        d->cap = cap;
    }
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    diag_entry *e = &d->entries[d->n];
    e->severity = sev;
    e->code = code;
    e->file = dup_or_null(file);
    e->line = line;
    e->column = column;
    e->message = dup_or_null(buf);
    if ((file && !e->file) || !e->message) {
        free(e->file);
        free(e->message);
        d->dropped++;
        return;
    }
    d->n++;
    if (sev == MM_SEV_ERROR)
        d->kept_errors++;
    else
        d->kept_warnings++;
}

int mm_diag_error(mm_diag *d, int code, const char *file, long line, long column,
                  const char *fmt, ...)
{
    if (!d)
        return code;
    /* the solve may report from two threads (match_solve) */
#pragma omp critical(mm_diag)
    {
        if (d->errors == 0)
            d->first_code = code;
        d->errors++;
        if (d->kept_errors < d->max_errors) {
            va_list ap;
            va_start(ap, fmt);
            push(d, MM_SEV_ERROR, code, file, line, column, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

void mm_diag_warning(mm_diag *d, const char *file, long line, long column, const char *fmt,
                     ...)
{
    if (!d)
        return;
#pragma omp critical(mm_diag)
    {
        d->warnings++;
        if (d->kept_warnings < DIAG_MAX_WARNINGS) {
            va_list ap;
            va_start(ap, fmt);
            push(d, MM_SEV_WARNING, MM_OK, file, line, column, fmt, ap);
            va_end(ap);
        }
    }
}

size_t mm_diag_error_count(const mm_diag *d) { return d ? d->errors : 0; }
size_t mm_diag_warning_count(const mm_diag *d) { return d ? d->warnings : 0; }
size_t mm_diag_size(const mm_diag *d) { return d ? d->n : 0; }
int mm_diag_full(const mm_diag *d) { return d && d->errors >= d->max_errors; }
size_t mm_diag_dropped(const mm_diag *d) { return d ? d->dropped : 0; }
size_t mm_diag_kept_errors(const mm_diag *d) { return d ? d->kept_errors : 0; }
int mm_diag_first_code(const mm_diag *d) { return d ? d->first_code : MM_OK; }
mm_severity mm_diag_severity(const mm_diag *d, size_t i) { return d->entries[i].severity; }
const char *mm_diag_file(const mm_diag *d, size_t i) { return d->entries[i].file; }
long mm_diag_line(const mm_diag *d, size_t i) { return d->entries[i].line; }
long mm_diag_column(const mm_diag *d, size_t i) { return d->entries[i].column; }
const char *mm_diag_message(const mm_diag *d, size_t i) { return d->entries[i].message; }
