/*
 * test_fileio.c - whole-file reads and crash-safe writes: what each failure
 * returns, and that a failed write leaves the old file and no temporary one.
 * Failures are made from the file system's own rules (a file where a folder
 * should be, a folder where a file should be, a name over PATH_MAX, a file
 * size limit), so that they hold for root too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

typedef struct fixture {
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/mm-fileio.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* The number of entries of dir, . and .. aside. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void expect_content(const char *path, const char *want)
{
    char *data;
    size_t len;
    assert_int_equal(fileio_read(path, 1 << 20, &data, &len), MM_OK);
    assert_int_equal(len, strlen(want));
    assert_string_equal(data, want);
    free(data);
}

static void test_read(void **state)
{
    fixture *f = *state;
    char path[128], *data = (char *)1;
    size_t len = 99;
    snprintf(path, sizeof path, "%s/a.txt", f->dir);

    assert_int_equal(fileio_read(path, 100, &data, &len), MM_ENOINPUT);
    assert_int_equal(errno, ENOENT);
    assert_null(data);
    assert_int_equal(len, 0);

    put(path, "0123456789");
    expect_content(path, "0123456789");
    /* exactly max bytes is fine, one more is not */
    assert_int_equal(fileio_read(path, 10, &data, &len), MM_OK);
    free(data);
    assert_int_equal(fileio_read(path, 9, &data, &len), MM_EIO);
    assert_int_equal(errno, EFBIG);
    assert_null(data);

    put(path, "");
    expect_content(path, "");

    assert_int_equal(fileio_read(f->dir, 100, &data, &len), MM_ENOINPUT);
    assert_int_equal(errno, EISDIR);
    assert_null(data);
}

static void test_is_dir(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/file", f->dir);
    put(path, "x");
    assert_int_equal(fileio_is_dir(f->dir), 1);
    assert_int_equal(fileio_is_dir(path), 0);
    snprintf(path, sizeof path, "%s/none", f->dir);
    assert_int_equal(fileio_is_dir(path), -1);
}

static void test_mkdirs(void **state)
{
    fixture *f = *state;
    char path[256], file[128];
    snprintf(path, sizeof path, "%s/a/b/c/", f->dir);
    assert_int_equal(fileio_mkdirs(path), MM_OK);
    assert_int_equal(fileio_is_dir(path), 1);
    /* again: already there */
    assert_int_equal(fileio_mkdirs(path), MM_OK);

    /* a file on the way, or at the end */
    snprintf(file, sizeof file, "%s/file", f->dir);
    put(file, "x");
    snprintf(path, sizeof path, "%s/file/sub", f->dir);
    assert_int_equal(fileio_mkdirs(path), MM_ECANTCREAT);
    assert_int_equal(fileio_mkdirs(file), MM_ECANTCREAT);

    assert_int_equal(fileio_mkdirs(""), MM_ECANTCREAT);
    char *longer = malloc(PATH_MAX + 2);
    assert_non_null(longer);
    memset(longer, 'a', PATH_MAX);
    longer[PATH_MAX] = '\0';
    assert_int_equal(fileio_mkdirs(longer), MM_ECANTCREAT);
    free(longer);
}

static void test_write_atomic(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/out.txt", f->dir);
    assert_int_equal(fileio_write_atomic(path, "first", 5), MM_OK);
    expect_content(path, "first");
    assert_int_equal(fileio_write_atomic(path, "second\n", 7), MM_OK);
    expect_content(path, "second\n");
    assert_int_equal(fileio_write_atomic(path, "", 0), MM_OK);
    expect_content(path, "");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(entries(f->dir), 1);

    /* no folder to put the temporary file in */
    snprintf(path, sizeof path, "%s/none/out.txt", f->dir);
    assert_int_equal(fileio_write_atomic(path, "x", 1), MM_ECANTCREAT);
    assert_int_equal(entries(f->dir), 1);

    /* a folder in the way of the rename: the temporary file goes */
    snprintf(path, sizeof path, "%s/taken", f->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    char inner[160];
    snprintf(inner, sizeof inner, "%s/keep", path);
    put(inner, "x");
    assert_int_equal(fileio_write_atomic(path, "data", 4), MM_EIO);
    assert_int_equal(fileio_is_dir(path), 1);
    assert_int_equal(entries(f->dir), 2);
    expect_content(inner, "x");

    /* a name that leaves no room for the temporary suffix */
    char *longer = malloc(PATH_MAX);
    assert_non_null(longer);
    int n = snprintf(longer, PATH_MAX, "%s/", f->dir);
    memset(longer + n, 'a', (size_t)(PATH_MAX - 8 - n));
    longer[PATH_MAX - 8] = '\0';
    assert_int_equal(fileio_write_atomic(longer, "x", 1), MM_ECANTCREAT);
    free(longer);
}

/* A write cut short by the file size limit (ulimit -f) fails with MM_EIO
   and leaves the old file whole, no temporary file beside it. */
static void test_write_size_limit(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/big.txt", f->dir);
    assert_int_equal(fileio_write_atomic(path, "old", 3), MM_OK);

    size_t len = 64 * 1024;
    char *data = malloc(len);
    assert_non_null(data);
    memset(data, 'x', len);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = 4096;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc = fileio_write_atomic(path, data, len);
    int err = errno;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, was);
    assert_int_equal(rc, MM_EIO);
    assert_int_equal(err, EFBIG);
    expect_content(path, "old");
    assert_int_equal(entries(f->dir), 1);
    free(data);
}

static void test_fileset(void **state)
{
    fixture *f = *state;
    file_set set = {0};
    /* more files than the first allocation holds */
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%02d.txt", i);
        char *data = strdup(name);
        assert_non_null(data);
        assert_int_equal(fileset_add(&set, name, data, strlen(data)), MM_OK);
    }
    char *rj = strdup("{}");
    assert_non_null(rj);
    assert_int_equal(fileset_add(&set, "report.json", rj, 2), MM_OK);
    assert_int_equal(set.n, 13);
    const struct file_set_entry *e = fileset_find(&set, "f07.txt");
    assert_non_null(e);
    assert_memory_equal(e->data, "f07.txt", 7);
    assert_null(fileset_find(&set, "f12.txt"));

    mm_diag *diag = mm_diag_new(10);
    char out[128], path[160];
    snprintf(out, sizeof out, "%s/run/1", f->dir);
    assert_int_equal(fileset_write(out, &set, diag), MM_OK);
    assert_int_equal(entries(out), 13);
    snprintf(path, sizeof path, "%s/f11.txt", out);
    expect_content(path, "f11.txt");
    snprintf(path, sizeof path, "%s/report.json", out);
    expect_content(path, "{}");

    /* the output folder cannot be made: one error naming it */
    snprintf(path, sizeof path, "%s/f00.txt/sub", out);
    assert_int_equal(fileset_write(path, &set, diag), MM_ECANTCREAT);
    assert_int_equal(mm_diag_size(diag), 1);
    assert_string_equal(mm_diag_file(diag, 0), path);
    assert_non_null(strstr(mm_diag_message(diag, 0), "cannot create the output folder"));
    mm_diag_clear(diag);

    /* a file cannot be written: the error names it, report.json is not written */
    char out2[128];
    snprintf(out2, sizeof out2, "%s/run/2", f->dir);
    snprintf(path, sizeof path, "%s/f03.txt/x", out2);
    assert_int_equal(fileio_mkdirs(path), MM_OK);
    assert_int_equal(fileset_write(out2, &set, diag), MM_EIO);
    assert_int_equal(mm_diag_size(diag), 1);
    snprintf(path, sizeof path, "%s/f03.txt", out2);
    assert_string_equal(mm_diag_file(diag, 0), path);
    assert_non_null(strstr(mm_diag_message(diag, 0), "cannot write"));
    snprintf(path, sizeof path, "%s/report.json", out2);
    assert_int_equal(fileio_is_dir(path), -1);
    mm_diag_clear(diag);

    fileset_free(&set);
    assert_int_equal(set.n, 0);
    assert_null(set.files);
    mm_diag_free(diag);
}

/* A folder whose path is just short of PATH_MAX: a name inside it is too long. */
static void test_fileset_path_too_long(void **state)
{
    fixture *f = *state;
    char *dir = malloc(PATH_MAX);
    assert_non_null(dir);
    size_t n = (size_t)snprintf(dir, PATH_MAX, "%s", f->dir);
    while (n + 201 < PATH_MAX - 8) {
        dir[n++] = '/';
        memset(dir + n, 'd', 200);
        n += 200;
        dir[n] = '\0';
    }
    assert_int_equal(fileio_mkdirs(dir), MM_OK);
    file_set set = {0};
    char name[101];
    memset(name, 'n', 100);
    name[100] = '\0';
    char *data = strdup("x");
    assert_non_null(data);
    assert_int_equal(fileset_add(&set, name, data, 1), MM_OK);
    mm_diag *diag = mm_diag_new(10);
    assert_int_equal(fileset_write(dir, &set, diag), MM_ECANTCREAT);
    assert_int_equal(mm_diag_size(diag), 1);
    assert_string_equal(mm_diag_message(diag, 0), "output path too long");
    assert_int_equal(entries(dir), 0);
    mm_diag_free(diag);
    fileset_free(&set);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_is_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdirs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_size_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fileset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fileset_path_too_long, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
