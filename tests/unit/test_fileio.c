/*
 * test_fileio.c - whole-file reads and crash-safe writes: what each failure
 * returns, and that a failed write leaves the old file and no temporary one.
 * Failures are made from the file system's own rules (a file where a folder
 * should be, a folder where a file should be, a name over PATH_MAX, a file
 * size limit), so that they hold for root too. The streams: what a sink
 * is handed (pieces in order, a piece past the buffer whole, nothing after
 * a failure), the output folder written in pieces past the size at which it
 * starts writeback, a file abandoned midway that must not be committed, and
 * renames at the commit that fail.
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

/* ---- streams ------------------------------------------------------------- */

/* A sink that keeps what it is given and fails where told. */
typedef struct mock_sink {
    file_sink sink;
    int open_rc, close_rc; /* what open and close return */
    int fail_write;        /* the write (1, 2, ...) that returns MM_EIO; 0: none */
    int opens, writes, closes, last_ok;
    int short_writes; /* writes of other than OSTREAM_BUFFER bytes */
    char *data;
    size_t len;
} mock_sink;

static int mock_open(void *ctx, const char *name)
{
    mock_sink *m = ctx;
    (void)name;
    m->opens++;
    return m->open_rc;
}

static int mock_write(void *ctx, const char *data, size_t len)
{
    mock_sink *m = ctx;
    if (++m->writes == m->fail_write)
        return MM_EIO;
    m->short_writes += len != OSTREAM_BUFFER;
    char *p = realloc(m->data, m->len + len);
    assert_non_null(p);
    memcpy(p + m->len, data, len);
    m->data = p;
    m->len += len;
    return MM_OK;
}

static int mock_close(void *ctx, int ok)
{
    mock_sink *m = ctx;
    m->closes++;
    m->last_ok = ok;
    return m->close_rc;
}

static void mock_init(mock_sink *m)
{
    memset(m, 0, sizeof *m);
    m->sink = (file_sink){mock_open, mock_write, mock_close, m};
}

/* len bytes of a pattern that differs from one piece to the next. */
static char *pattern(size_t len, unsigned seed)
{
    char *p = malloc(len);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++)
        p[i] = (char)('a' + (i * 31 + seed * 7) % 26);
    return p;
}

static void test_ostream(void **state)
{
    (void)state;
    mock_sink m;
    ostream os;
    size_t big_len = OSTREAM_BUFFER * 3 + 5;
    char *big = pattern(big_len, 1);

    /* small pieces buffered, a piece past the buffer cut at the buffer's
       size: the sink gets whole buffers, then the rest at the close */
    mock_init(&m);
    assert_int_equal(ostream_open(&os, &m.sink, "f"), MM_OK);
    ostream_puts(&os, "head,");
    ostream_putc(&os, '!');
    ostream_write(&os, big, big_len);
    ostream_puts(&os, "tail");
    assert_int_equal(ostream_close(&os, 1), MM_OK);
    assert_int_equal(m.opens, 1);
    assert_int_equal(m.closes, 1);
    assert_int_equal(m.last_ok, 1);
    assert_int_equal(m.writes, 4); /* three buffers, then the last 15 bytes */
    assert_int_equal(m.short_writes, 1);
    assert_int_equal(m.len, 6 + big_len + 4);
    assert_memory_equal(m.data, "head,!", 6);
    assert_memory_equal(m.data + 6, big, big_len);
    assert_memory_equal(m.data + 6 + big_len, "tail", 4);
    free(m.data);

    /* a failed write sticks: nothing more is handed over, the file is abandoned */
    mock_init(&m);
    m.fail_write = 2;
    ostream_open(&os, &m.sink, "f");
    ostream_puts(&os, "abc");
    /* "abc" and the piece's head (write 1), the next buffer of it (write 2) fails */
    ostream_write(&os, big, big_len);
    ostream_write(&os, big, big_len);
    ostream_puts(&os, "more");
    ostream_putc(&os, 'x');
    assert_int_equal(ostream_close(&os, 1), MM_EIO);
    assert_int_equal(m.writes, 2);
    assert_int_equal(m.closes, 1);
    assert_int_equal(m.last_ok, 0);
    assert_int_equal(m.len, OSTREAM_BUFFER);
    assert_memory_equal(m.data, "abc", 3);
    assert_memory_equal(m.data + 3, big, OSTREAM_BUFFER - 3);
    free(m.data);

    /* the buffer full to the last byte, then its flush fails */
    mock_init(&m);
    m.fail_write = 1;
    ostream_open(&os, &m.sink, "f");
    ostream_write(&os, big, OSTREAM_BUFFER);
    ostream_putc(&os, 'x');
    ostream_puts(&os, "yz");
    assert_int_equal(ostream_close(&os, 1), MM_EIO);
    assert_int_equal(m.writes, 1);
    assert_int_equal(m.last_ok, 0);
    assert_int_equal(m.len, 0);

    /* the open fails: no close is owed, the code comes back at the close */
    mock_init(&m);
    m.open_rc = MM_ECANTCREAT;
    assert_int_equal(ostream_open(&os, &m.sink, "f"), MM_ECANTCREAT);
    ostream_puts(&os, "ignored");
    assert_int_equal(ostream_close(&os, 1), MM_ECANTCREAT);
    assert_int_equal(m.writes, 0);
    assert_int_equal(m.closes, 0);

    /* abandoned by the producer, or refused at the close */
    mock_init(&m);
    ostream_open(&os, &m.sink, "f");
    ostream_puts(&os, "x");
    assert_int_equal(ostream_close(&os, 0), MM_OK);
    assert_int_equal(m.last_ok, 0);
    free(m.data);
    mock_init(&m);
    m.close_rc = MM_EIO;
    ostream_open(&os, &m.sink, "f");
    assert_int_equal(ostream_close(&os, 1), MM_EIO);
    assert_int_equal(m.writes, 0); /* an empty file: nothing to hand over */
    assert_int_equal(m.last_ok, 1);
    free(big);
}

/* A stream into memory grows to hold everything put; no sink is called. */
static void test_ostream_mem(void **state)
{
    (void)state;
    ostream os;
    size_t big_len = OSTREAM_BUFFER + 17;
    char *big = pattern(big_len, 3);
    assert_int_equal(ostream_open_mem(&os, 16), MM_OK);
    ostream_puts(&os, "abc");
    ostream_write(&os, big, big_len);
    ostream_putc(&os, '!');
    assert_int_equal(os.rc, MM_OK);
    assert_int_equal(os.len, 3 + big_len + 1);
    assert_memory_equal(os.buf, "abc", 3);
    assert_memory_equal(os.buf + 3, big, big_len);
    assert_int_equal(os.buf[3 + big_len], '!');
    os.len = 0; /* emptied, and used again */
    ostream_puts(&os, "xy");
    assert_int_equal(os.len, 2);
    assert_memory_equal(os.buf, "xy", 2);
    assert_int_equal(ostream_close(&os, 1), MM_OK);
    free(big);
}

/* Writes text as the file name through od, in one piece, closed with ok. */
static int od_put(outdir *od, const char *name, const char *text, int ok)
{
    int rc = od->sink.open(od, name);
    if (rc != MM_OK)
        return rc;
    rc = od->sink.write(od, text, strlen(text));
    int c = od->sink.close(od, ok && rc == MM_OK);
    return rc != MM_OK ? rc : c;
}

/* True when some entry of dir has ".tmp." in its name. */
static int has_temp(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int found = 0;
    for (struct dirent *e; (e = readdir(d));)
        found |= strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return found;
}

/* A file larger than every buffer, written in pieces through a stream into
   the folder: past the size at which writeback is started, and again. */
static void test_outdir_large_file(void **state)
{
    fixture *f = *state;
    char out[128], path[160];
    snprintf(out, sizeof out, "%s/big", f->dir);
    size_t piece = OSTREAM_BUFFER + OSTREAM_BUFFER / 2, pieces = 13; /* 19.5 MiB */
    size_t total = pieces * (piece + 1);
    char *want = malloc(total);
    assert_non_null(want);
    mm_diag *diag = mm_diag_new(10);
    outdir od;
    ostream os;
    outdir_begin(&od, out, diag);
    assert_int_equal(ostream_open(&os, &od.sink, "big.json"), MM_OK);
    for (size_t i = 0; i < pieces; i++) {
        char *p = pattern(piece, (unsigned)i);
        ostream_write(&os, p, piece);
        ostream_putc(&os, '\n');
        memcpy(want + i * (piece + 1), p, piece);
        want[i * (piece + 1) + piece] = '\n';
        free(p);
    }
    assert_int_equal(ostream_close(&os, 1), MM_OK);
    assert_int_equal(od_put(&od, "report.json", "{}\n", 1), MM_OK);
    assert_int_equal(outdir_commit(&od), MM_OK);
    assert_int_equal(mm_diag_size(diag), 0);
    char *got;
    size_t len;
    snprintf(path, sizeof path, "%s/big.json", out);
    assert_int_equal(fileio_read(path, total + 1, &got, &len), MM_OK);
    assert_int_equal(len, total);
    assert_memory_equal(got, want, total);
    assert_int_equal(entries(out), 2);
    free(got);
    free(want);
    mm_diag_free(diag);
}

/* Files of every length around the output folder's aligned pieces (the
   writes past the page cache: whole pieces of a MiB, the last one shorter
   through the cache), from empty to three pieces and a byte, written
   through one folder one after the other in puts of odd sizes: each reads
   back as written, and the folder keeps no temporary file. */
static void test_outdir_piece_lengths(void **state)
{
    fixture *f = *state;
    char out[128], path[192], name[32];
    const size_t mib = (size_t)1 << 20;
    const size_t lens[] = {0, 1, 4095, 4096, 4097, mib - 1, mib, mib + 1, 2 * mib + 4096,
                           3 * mib + 1};
    const size_t n = sizeof lens / sizeof lens[0];
    snprintf(out, sizeof out, "%s/pieces", f->dir);
    mm_diag *diag = mm_diag_new(10);
    outdir od;
    outdir_begin(&od, out, diag);
    for (size_t i = 0; i < n; i++) {
        char *p = pattern(lens[i] ? lens[i] : 1, (unsigned)i);
        ostream os;
        snprintf(name, sizeof name, "f%zu.txt", i);
        assert_int_equal(ostream_open(&os, &od.sink, name), MM_OK);
        for (size_t at = 0, step = 777; at < lens[i]; at += step, step = step * 3 % 65537 + 1)
            ostream_write(&os, p + at, lens[i] - at < step ? lens[i] - at : step);
        assert_int_equal(ostream_close(&os, 1), MM_OK);
        free(p);
    }
    assert_int_equal(outdir_commit(&od), MM_OK);
    assert_int_equal(mm_diag_size(diag), 0);
    for (size_t i = 0; i < n; i++) {
        char *want = pattern(lens[i] ? lens[i] : 1, (unsigned)i), *got;
        size_t len;
        snprintf(path, sizeof path, "%s/f%zu.txt", out, i);
        assert_int_equal(fileio_read(path, lens[i] + 1, &got, &len), MM_OK);
        assert_int_equal(len, lens[i]);
        assert_memory_equal(got, want, lens[i]);
        free(got);
        free(want);
    }
    assert_int_equal(entries(out), (int)n);
    assert_false(has_temp(out));
    mm_diag_free(diag);
}

/* A file abandoned midway (its close with ok false) is dropped: the commit
   of the others leaves its old version, and no temporary file. */
static void test_outdir_abandoned_file(void **state)
{
    fixture *f = *state;
    char out[128], path[160];
    snprintf(out, sizeof out, "%s/out", f->dir);
    assert_int_equal(fileio_mkdirs(out), MM_OK);
    snprintf(path, sizeof path, "%s/a.csv", out);
    put(path, "old a\n");
    mm_diag *diag = mm_diag_new(10);
    outdir od;
    outdir_begin(&od, out, diag);
    assert_int_equal(od_put(&od, "a.csv", "the new a, cut sho", 0), MM_OK);
    assert_int_equal(od_put(&od, "b.csv", "new b\n", 1), MM_OK);
    assert_int_equal(outdir_commit(&od), MM_OK);
    expect_content(path, "old a\n");
    snprintf(path, sizeof path, "%s/b.csv", out);
    expect_content(path, "new b\n");
    assert_int_equal(entries(out), 2);
    mm_diag_free(diag);
}

/* Renames that fail at the commit: report.json cannot be removed (a folder
   with something in it has its name), or another output cannot take its
   name. MM_EIO naming the path; no temporary file is left, and no
   report.json stands beside outputs of another run. */
static void test_outdir_commit_fails(void **state)
{
    fixture *f = *state;
    char out[128], path[160];
    snprintf(out, sizeof out, "%s/out", f->dir);
    snprintf(path, sizeof path, "%s/report.json/keep", out);
    assert_int_equal(fileio_mkdirs(path), MM_OK);
    snprintf(path, sizeof path, "%s/a.csv", out);
    put(path, "old a\n");
    mm_diag *diag = mm_diag_new(10);
    outdir od;
    outdir_begin(&od, out, diag);
    assert_int_equal(od_put(&od, "report.json", "{\"new\": 1}\n", 1), MM_OK);
    assert_int_equal(od_put(&od, "a.csv", "new a\n", 1), MM_OK);
    assert_int_equal(outdir_commit(&od), MM_EIO);
    assert_int_equal(mm_diag_size(diag), 1);
    snprintf(path, sizeof path, "%s/report.json", out);
    assert_string_equal(mm_diag_file(diag, 0), path);
    assert_non_null(strstr(mm_diag_message(diag, 0), "cannot replace"));
    assert_int_equal(fileio_is_dir(path), 1);
    snprintf(path, sizeof path, "%s/a.csv", out);
    expect_content(path, "old a\n");
    assert_false(has_temp(out));
    mm_diag_clear(diag);

    /* report.json removable, then b.csv cannot be renamed over its folder */
    snprintf(path, sizeof path, "rm -rf '%s/report.json'", out);
    assert_int_equal(system(path), 0);
    snprintf(path, sizeof path, "%s/report.json", out);
    put(path, "{\"old\": 1}\n");
    snprintf(path, sizeof path, "%s/b.csv/keep", out);
    assert_int_equal(fileio_mkdirs(path), MM_OK);
    outdir_begin(&od, out, diag);
    assert_int_equal(od_put(&od, "report.json", "{\"new\": 1}\n", 1), MM_OK);
    assert_int_equal(od_put(&od, "b.csv", "new b\n", 1), MM_OK);
    assert_int_equal(outdir_commit(&od), MM_EIO);
    assert_int_equal(mm_diag_size(diag), 1);
    snprintf(path, sizeof path, "%s/b.csv", out);
    assert_string_equal(mm_diag_file(diag, 0), path);
    assert_non_null(strstr(mm_diag_message(diag, 0), "cannot write"));
    snprintf(path, sizeof path, "%s/report.json", out);
    assert_int_equal(fileio_is_dir(path), -1); /* the old one went first, the new never came */
    assert_false(has_temp(out));
    mm_diag_free(diag);
}

/* A sink into a file set: files in pieces, an abandoned one left out. */
static void test_fileset_sink(void **state)
{
    (void)state;
    file_set set = {0};
    fileset_sink fs;
    fileset_sink_init(&fs, &set);
    size_t len = 5000;
    char *p = pattern(len, 3);
    assert_int_equal(fs.sink.open(fs.sink.ctx, "one"), MM_OK);
    for (size_t at = 0; at < len; at += 700)
        assert_int_equal(fs.sink.write(fs.sink.ctx, p + at, len - at < 700 ? len - at : 700),
                         MM_OK);
    assert_int_equal(fs.sink.close(fs.sink.ctx, 1), MM_OK);
    assert_int_equal(fs.sink.open(fs.sink.ctx, "dropped"), MM_OK);
    assert_int_equal(fs.sink.write(fs.sink.ctx, "x", 1), MM_OK);
    assert_int_equal(fs.sink.close(fs.sink.ctx, 0), MM_OK);
    assert_int_equal(fs.sink.open(fs.sink.ctx, "empty"), MM_OK);
    assert_int_equal(fs.sink.close(fs.sink.ctx, 1), MM_OK);
    assert_int_equal(set.n, 2);
    const struct file_set_entry *e = fileset_find(&set, "one");
    assert_non_null(e);
    assert_int_equal(e->len, len);
    assert_memory_equal(e->data, p, len);
    assert_int_equal(e->data[len], '\0');
    e = fileset_find(&set, "empty");
    assert_non_null(e);
    assert_int_equal(e->len, 0);
    assert_string_equal(e->data, "");
    assert_null(fileset_find(&set, "dropped"));
    fileset_free(&set);
    free(p);
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
        cmocka_unit_test(test_ostream),
        cmocka_unit_test(test_ostream_mem),
        cmocka_unit_test_setup_teardown(test_outdir_large_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outdir_piece_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outdir_abandoned_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outdir_commit_fails, setup, teardown),
        cmocka_unit_test(test_fileset_sink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
