/*
 * fileio.c - whole-file reads and crash-safe writes (temporary file + rename).
 */
#define _GNU_SOURCE /* O_DIRECT */
#include "fileio.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mentormatch.h"

int fileio_read(const char *path, size_t max, char **data, size_t *len)
{
    int rc = MM_OK;
    char *buf = NULL;
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return MM_ENOINPUT;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = MM_EIO;
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        rc = MM_ENOINPUT;
        goto done;
    }
    if (st.st_size < 0 || /* GCOVR_EXCL_BR_LINE: fstat gives no size < 0 */
        (unsigned long long)st.st_size > max) {
        errno = EFBIG;
        rc = MM_EIO;
        goto done;
    }
    size_t size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (!buf) {
        rc = MM_ENOMEM;
        goto done;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = MM_EIO;
            goto done;
        }
        got += (size_t)n;
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    buf = NULL;
done:
    free(buf);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int fileio_is_dir(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
}

/* Writes len bytes to fd: MM_OK or MM_EIO (errno set). */
static int write_all(int fd, const char *data, size_t len)
{
    size_t put = 0;
    while (put < len) {
        ssize_t w = write(fd, data + put, len - put);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return MM_EIO;
        }
        put += (size_t)w;
    }
    return MM_OK;
}

/* A new temporary file beside path, named in tmp (PATH_MAX bytes): its
   descriptor, or -1 (errno set). */
static int make_temp(const char *path, char *tmp)
{
    int n = snprintf(tmp, PATH_MAX, "%s.tmp.XXXXXX", path);
    if (n < 0 || n >= PATH_MAX) {
        errno = ENAMETOOLONG;
        tmp[0] = '\0';
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        tmp[0] = '\0';
    return fd;
}

/* Makes a temporary file's content durable and closes it: MM_OK or MM_EIO. */
static int finish_temp(int fd)
{
    int rc = fchmod(fd, 0644) != 0 || fsync(fd) != 0 ? MM_EIO : MM_OK;
    int saved = errno;
    if (close(fd) != 0 && rc == MM_OK)
        return MM_EIO;
    errno = saved;
    return rc;
}

int fileio_write_atomic(const char *path, const char *data, size_t len)
{
    char tmp[PATH_MAX];
    int fd = make_temp(path, tmp);
    if (fd < 0)
        return MM_ECANTCREAT;
    int rc = write_all(fd, data, len);
    if (rc != MM_OK) {
        int saved = errno;
        close(fd);
        errno = saved;
    } else {
        rc = finish_temp(fd);
    }
    if (rc == MM_OK && rename(tmp, path) != 0)
        rc = MM_EIO;
    if (rc != MM_OK) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
    }
    return rc;
}

int fileio_mkdirs(const char *path)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return MM_ECANTCREAT;
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return MM_ECANTCREAT;
        buf[i] = c;
    }
    return fileio_is_dir(path) == 1 ? MM_OK : MM_ECANTCREAT;
}

int fileset_add(file_set *set, const char *name, char *data, size_t len)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        struct file_set_entry *f = realloc(set->files, cap * sizeof *f);
        if (!f) {
            free(data);
            return MM_ENOMEM;
        }
        set->files = f;
        set->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        free(data);
        return MM_ENOMEM;
    }
    set->files[set->n++] = (struct file_set_entry){copy, data, len};
    return MM_OK;
}

const struct file_set_entry *fileset_find(const file_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->files[i].name, name) == 0)
            return &set->files[i];
    return NULL;
}

void fileset_free(file_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->files[i].name);
        free(set->files[i].data);
    }
    free(set->files);
    memset(set, 0, sizeof *set);
}

/* Makes the names in folder dir durable (renames, removals): MM_OK or MM_EIO. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return MM_EIO;
    int rc = fsync(fd) == 0 ? MM_OK : MM_EIO;
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* ---- streams -------------------------------------------------------------- */

int ostream_open(ostream *os, const file_sink *sink, const char *name)
{
    memset(os, 0, sizeof *os);
    os->sink = sink;
    if (!(os->buf = malloc(OSTREAM_BUFFER)))
        return os->rc = MM_ENOMEM;
    os->cap = OSTREAM_BUFFER;
    if ((os->rc = sink->open(sink->ctx, name)) == MM_OK)
        os->opened = 1;
    return os->rc;
}

int ostream_open_mem(ostream *os, size_t cap)
{
    memset(os, 0, sizeof *os);
    if (!(os->buf = malloc(cap)))
        return os->rc = MM_ENOMEM;
    os->cap = cap;
    return MM_OK;
}

/* Hands the buffered bytes to the sink. */
static void ostream_flush(ostream *os)
{
    if (os->rc == MM_OK && os->len)
        os->rc = os->sink->write(os->sink->ctx, os->buf, os->len);
    os->len = 0;
}

/* A memory stream's buffer grown to hold len more bytes. */
static void ostream_grow(ostream *os, size_t len)
{
    size_t cap = os->cap ? os->cap : 4096;
    while (cap - os->len < len) {
        if (cap > SIZE_MAX / 2) {
            os->rc = MM_ENOMEM;
            return;
        }
        cap *= 2;
    }
    char *buf = realloc(os->buf, cap);
    if (!buf) {
        os->rc = MM_ENOMEM;
        return;
    }
    os->buf = buf;
    os->cap = cap;
}

void ostream_write_slow(ostream *os, const char *data, size_t len)
{
    if (os->rc != MM_OK)
        return;
    if (!os->sink) {
        ostream_grow(os, len);
        if (os->rc == MM_OK) {
            memcpy(os->buf + os->len, data, len);
            os->len += len;
        }
        return;
    }
    /* the buffer filled and handed over, then whole buffers straight from
       data, the rest kept: the sink's pieces are all OSTREAM_BUFFER bytes */
    size_t head = os->cap - os->len;
    memcpy(os->buf + os->len, data, head);
    os->len = os->cap;
    data += head;
    len -= head;
    ostream_flush(os);
    for (; len >= os->cap && os->rc == MM_OK; data += os->cap, len -= os->cap)
        os->rc = os->sink->write(os->sink->ctx, data, os->cap);
    if (os->rc == MM_OK)
        memcpy(os->buf, data, os->len = len);
}

int ostream_close(ostream *os, int ok)
{
    if (!os->sink)
        os->len = 0; /* a memory stream: nothing to hand over */
    ostream_flush(os);
    int rc = os->rc;
    if (os->opened) {
        int c = os->sink->close(os->sink->ctx, ok && rc == MM_OK);
        if (rc == MM_OK)
            rc = c;
    }
    free(os->buf);
    memset(os, 0, sizeof *os);
    return rc;
}

/* ---- a sink into a file set ---------------------------------------------- */

static int set_open(void *ctx, const char *name)
{
    fileset_sink *fs = ctx;
    fs->len = 0;
    fs->cap = 256;
    if (!(fs->data = malloc(fs->cap)))
        return MM_ENOMEM;
    if (!(fs->name = strdup(name))) {
        free(fs->data);
        fs->data = NULL;
        return MM_ENOMEM;
    }
    fs->data[0] = '\0';
    return MM_OK;
}

static int set_write(void *ctx, const char *data, size_t len)
{
    fileset_sink *fs = ctx;
    if (len >= fs->cap - fs->len) {
        size_t cap = fs->cap;
        while (len >= cap - fs->len) {
            if (cap > SIZE_MAX / 2)
                return MM_ENOMEM;
            cap *= 2;
        }
        char *p = realloc(fs->data, cap);
        if (!p)
            return MM_ENOMEM;
        fs->data = p;
        fs->cap = cap;
    }
    memcpy(fs->data + fs->len, data, len);
    fs->len += len;
    fs->data[fs->len] = '\0';
    return MM_OK;
}

static int set_close(void *ctx, int ok)
{
    fileset_sink *fs = ctx;
    int rc = MM_OK;
    if (ok)
        rc = fileset_add(fs->set, fs->name, fs->data, fs->len); /* takes data */
    else
        free(fs->data);
    free(fs->name);
    fs->name = fs->data = NULL;
    return rc;
}

void fileset_sink_init(fileset_sink *fs, file_set *set)
{
    memset(fs, 0, sizeof *fs);
    fs->set = set;
    fs->sink = (file_sink){set_open, set_write, set_close, fs};
}

/* ---- the output folder ---------------------------------------------------- */

/*
 * The folder's files are written past the page cache where the file system
 * allows it (O_DIRECT), in pieces of OUTDIR_STAGE bytes from a buffer
 * aligned to OUTDIR_ALIGN (a multiple of any device's logical block), the
 * last piece, shorter, through the cache. A million employees' 3 GB went
 * into the cache at 0.5-0.6 GB/s on this machine, most of the writing
 * thread's time; past it, 3 GB/s at a tenth of the CPU (dd, same disk).
 * Nothing reads the files back while they are written.
 */
#define OUTDIR_ALIGN ((size_t)4096)
#define OUTDIR_STAGE ((size_t)1 << 20)

/* fd's O_DIRECT on or off; false when the file system refuses it. */
static bool set_direct(int fd, bool on)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && fcntl(fd, F_SETFL, on ? fl | O_DIRECT : fl & ~O_DIRECT) == 0;
}

/* The staged bytes to the file: MM_OK or MM_EIO (errno set). Whole pieces
   go direct; a shorter one (the file's last) through the page cache. A
   direct write the file system refuses after all (EINVAL), or cuts short,
   goes on through the cache, as does the rest of the file. */
static int write_staged(outdir *od)
{
    size_t len = od->staged;
    od->staged = 0;
    if (od->direct && len % OUTDIR_ALIGN != 0) {
        od->direct = 0;
        if (!set_direct(od->fd, false))
            return MM_EIO;
    }
    if (!od->direct)
        return write_all(od->fd, od->stage, len);
    ssize_t w;
    do
        w = write(od->fd, od->stage, len);
    while (w < 0 && errno == EINTR);
    if (w == (ssize_t)len)
        return MM_OK;
    if (w < 0 && errno != EINVAL)
        return MM_EIO;
    /* refused (EINVAL) or cut short (w bytes written): the rest, and the
       rest of the file, through the cache, which retries what is cut short */
    size_t done = w > 0 ? (size_t)w : 0;
    od->direct = 0;
    return set_direct(od->fd, false) ? write_all(od->fd, od->stage + done, len - done) : MM_EIO;
}

static int dir_open(void *ctx, const char *name)
{
    outdir *od = ctx;
    char path[PATH_MAX];
    if (!od->made) {
        if (fileio_mkdirs(od->dir) != MM_OK)
            return mm_diag_error(od->diag, MM_ECANTCREAT, od->dir, 0, 0,
                                 "cannot create the output folder: %s", strerror(errno));
        od->made = 1;
    }
    int n = snprintf(path, sizeof path, "%s/%s", od->dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return mm_diag_error(od->diag, MM_ECANTCREAT, od->dir, 0, 0, "output path too long");
    if (od->n == od->cap) {
        size_t cap = od->cap ? od->cap * 2 : 8;
        struct outdir_file *f = realloc(od->files, cap * sizeof *f);
        if (!f)
            return mm_diag_error(od->diag, MM_ENOMEM, od->dir, 0, 0, "out of memory");
        od->files = f;
        od->cap = cap;
    }
    struct outdir_file *f = &od->files[od->n];
    if (!(f->name = strdup(name)))
        return mm_diag_error(od->diag, MM_ENOMEM, od->dir, 0, 0, "out of memory");
    od->written = od->kicked = 0;
    if ((od->fd = make_temp(path, f->tmp)) < 0) {
        free(f->name);
        return mm_diag_error(od->diag, MM_ECANTCREAT, path, 0, 0, "cannot write: %s",
                             strerror(errno));
    }
    od->n++;
    /* past the page cache when there is a buffer for it and the file
       system takes it; through it otherwise (slower, not wrong) */
    if (!od->stage) {
        void *p = NULL;
        od->stage = posix_memalign(&p, OUTDIR_ALIGN, OUTDIR_STAGE) == 0 ? p : NULL;
    }
    od->staged = 0;
    od->direct = od->stage && set_direct(od->fd, true);
    return MM_OK;
}

/* The final path of the file being written, for messages. */
static const char *dir_path(const outdir *od, char *path)
{
    snprintf(path, PATH_MAX, "%s/%s", od->dir, od->files[od->n - 1].name);
    return path;
}

/* Bytes written between two starts of writeback. */
#define KICK_BYTES (8ull << 20)

static int dir_write(void *ctx, const char *data, size_t len)
{
    outdir *od = ctx;
    char path[PATH_MAX];
    if (od->direct) {
        od->written += len;
        while (len > 0) {
            size_t n = OUTDIR_STAGE - od->staged < len ? OUTDIR_STAGE - od->staged : len;
            memcpy(od->stage + od->staged, data, n);
            od->staged += n;
            data += n;
            len -= n;
            if (od->staged == OUTDIR_STAGE && write_staged(od) != MM_OK)
                return mm_diag_error(od->diag, MM_EIO, dir_path(od, path), 0, 0,
                                     "cannot write: %s", strerror(errno));
        }
        return MM_OK;
    }
    if (write_all(od->fd, data, len) != MM_OK)
        return mm_diag_error(od->diag, MM_EIO, dir_path(od, path), 0, 0, "cannot write: %s",
                             strerror(errno));
    od->written += len;
    if (od->written - od->kicked >= KICK_BYTES) {
        /* POSIX_FADV_DONTNEED starts the writeback of the dirty range
           (Linux: without waiting), so that the fsync at the close finds
           little left to wait for; only advice, its failure changes nothing */
        (void)posix_fadvise(od->fd, (off_t)od->kicked, (off_t)(od->written - od->kicked),
                            POSIX_FADV_DONTNEED);
        od->kicked = od->written;
    }
    return MM_OK;
}

static int dir_close(void *ctx, int ok)
{
    outdir *od = ctx;
    char path[PATH_MAX];
    /* the last piece still staged, unless the file is abandoned */
    int staged = ok && od->staged ? write_staged(od) : MM_OK;
    int fd = od->fd;
    od->fd = -1;
    od->staged = 0;
    if (!ok) {
        /* abandoned: dropped, so that outdir_commit leaves its old version */
        struct outdir_file *f = &od->files[--od->n];
        close(fd);
        unlink(f->tmp);
        free(f->name);
        return MM_OK;
    }
    if (staged != MM_OK) {
        int saved = errno;
        close(fd);
        errno = saved;
        return mm_diag_error(od->diag, MM_EIO, dir_path(od, path), 0, 0, "cannot write: %s",
                             strerror(errno));
    }
    if (finish_temp(fd) != MM_OK)
        return mm_diag_error(od->diag, MM_EIO, dir_path(od, path), 0, 0, "cannot write: %s",
                             strerror(errno));
    return MM_OK;
}

void outdir_begin(outdir *od, const char *dir, mm_diag *diag)
{
    memset(od, 0, sizeof *od);
    od->dir = dir;
    od->diag = diag;
    od->fd = -1;
    od->sink = (file_sink){dir_open, dir_write, dir_close, od};
}

void outdir_abort(outdir *od)
{
    if (od->fd >= 0)
        close(od->fd);
    for (size_t i = 0; i < od->n; i++) {
        if (od->files[i].tmp[0])
            unlink(od->files[i].tmp);
        free(od->files[i].name);
    }
    free(od->files);
    od->files = NULL;
    od->n = od->cap = 0;
    od->fd = -1;
    free(od->stage);
    od->stage = NULL;
    od->staged = 0;
}

int outdir_commit(outdir *od)
{
    char path[PATH_MAX];
    int rc = MM_OK;
    size_t report = od->n;
    assert(od->fd < 0);
    if (od->n == 0)
        goto done;
    for (size_t i = 0; i < od->n; i++)
        if (strcmp(od->files[i].name, "report.json") == 0)
            report = i;
    /* report.json goes first and comes back last: while the others are
       replaced there is none, so a report.json beside them always belongs
       to them (a crash in between leaves no report.json, and `mentormatch
       report` writes the run again from the store) */
    if (report < od->n) {
        snprintf(path, sizeof path, "%s/report.json", od->dir);
        if ((unlink(path) != 0 && errno != ENOENT) || sync_dir(od->dir) != MM_OK) {
            rc = mm_diag_error(od->diag, MM_EIO, path, 0, 0, "cannot replace: %s",
                               strerror(errno));
            goto done;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < od->n; i++) {
            if ((i == report) != (pass == 1))
                continue;
            snprintf(path, sizeof path, "%s/%s", od->dir, od->files[i].name);
            if (rename(od->files[i].tmp, path) != 0) {
                rc = mm_diag_error(od->diag, MM_EIO, path, 0, 0, "cannot write: %s",
                                   strerror(errno));
                goto done;
            }
            od->files[i].tmp[0] = '\0';
        }
    }
    if (sync_dir(od->dir) != MM_OK)
        rc = mm_diag_error(od->diag, MM_EIO, od->dir, 0, 0, "cannot write: %s", strerror(errno));
done:
    outdir_abort(od);
    return rc;
}

int fileset_write(const char *dir, const file_set *set, mm_diag *diag)
{
    outdir od;
    int rc = fileio_mkdirs(dir);
    if (rc != MM_OK)
        return mm_diag_error(diag, rc, dir, 0, 0, "cannot create the output folder: %s",
                             strerror(errno));
    outdir_begin(&od, dir, diag);
    /* every file in full beside its old version first: a write that fails
       (a full disk, a file size limit) leaves the old outputs as they were */
    for (size_t i = 0; i < set->n && rc == MM_OK; i++) {
        const struct file_set_entry *f = &set->files[i];
        if ((rc = od.sink.open(&od, f->name)) != MM_OK)
            break;
        rc = od.sink.write(&od, f->data, f->len);
        int c = od.sink.close(&od, rc == MM_OK);
        if (rc == MM_OK)
            rc = c;
    }
    if (rc != MM_OK) {
        outdir_abort(&od);
        return rc;
    }
    return outdir_commit(&od);
}
