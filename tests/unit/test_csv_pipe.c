/*
 * test_csv_pipe.c - a CSV file that is not a regular file (a pipe, as in
 * `mentormatch feedback /dev/stdin`): read in growing chunks, with the same
 * records, line numbers and errors as the same bytes from a regular file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv.h"

typedef struct tally {
    long rows;
    long last_line;
    size_t bytes;
} tally;

static int count(void *ctx, const csvr_row *row)
{
    tally *t = ctx;
    t->rows++;
    t->last_line = row->line;
    for (size_t i = 0; i < row->nfields; i++)
        t->bytes += row->lens[i];
    return MM_OK;
}

/* Parses text handed through a pipe by a child process. */
static int parse_piped(const char *text, size_t len, tally *t, mm_diag *diag)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        size_t put = 0;
        while (put < len) {
            ssize_t w = write(fds[1], text + put, len - put);
            if (w <= 0)
                _exit(1);
            put += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    int rc = csvr_parse_file(path, "pipe.csv", count, t, diag);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return rc;
}

static void test_large_pipe(void **state)
{
    (void)state;
    /* 3 x 64 KiB and more, so the buffer grows twice */
    const long rows = 30000;
    size_t cap = (size_t)rows * 16 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "id,value\n");
    for (long i = 0; i < rows; i++)
        len += (size_t)snprintf(text + len, cap - len, "E%05ld,%ld\n", i, i % 7);
    assert_true(len > 3 * 65536);

    tally t = {0};
    mm_diag *diag = mm_diag_new(10);
    assert_int_equal(parse_piped(text, len, &t, diag), MM_OK);
    assert_int_equal(mm_diag_size(diag), 0);
    assert_int_equal(t.rows, rows + 1);
    assert_int_equal(t.last_line, rows + 1);
    /* every byte but the separators and line ends reached the callback */
    assert_int_equal(t.bytes, len - 2 * (size_t)(rows + 1));
    mm_diag_free(diag);
    free(text);
}

static void test_pipe_errors_located(void **state)
{
    (void)state;
    const char *text = "id,value\nE1,1\nE2,\"open\n";
    tally t = {0};
    mm_diag *diag = mm_diag_new(10);
    assert_int_equal(parse_piped(text, strlen(text), &t, diag), MM_EDATA);
    assert_int_equal(mm_diag_error_count(diag), 1);
    assert_string_equal(mm_diag_file(diag, 0), "pipe.csv");
    assert_int_equal(mm_diag_line(diag, 0), 3);
    assert_int_equal(t.rows, 2);
    mm_diag_free(diag);

    /* nothing at all */
    t = (tally){0};
    diag = mm_diag_new(10);
    assert_int_equal(parse_piped("", 0, &t, diag), MM_EDATA);
    assert_string_equal(mm_diag_message(diag, 0), "no header row");
    assert_int_equal(t.rows, 0);
    mm_diag_free(diag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_pipe),
        cmocka_unit_test(test_pipe_errors_located),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
