/*
 * fileio.c - whole-file reads and crash-safe writes (temporary file + rename).
 */
#include "fileio.h"

#include <errno.h>
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

/* Writes len bytes to a new temporary file beside path, named in tmp
   (PATH_MAX bytes), fsynced: MM_OK, MM_ECANTCREAT or MM_EIO (then removed). */
static int write_temp(const char *path, const char *data, size_t len, char *tmp)
{
    int rc = MM_OK;
    int n = snprintf(tmp, PATH_MAX, "%s.tmp.XXXXXX", path);
    if (n < 0 || n >= PATH_MAX)
        return MM_ECANTCREAT;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return MM_ECANTCREAT;
    size_t put = 0;
    while (put < len) {
        ssize_t w = write(fd, data + put, len - put);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = MM_EIO;
            goto done;
        }
        put += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
        rc = MM_EIO;
done:
    if (close(fd) != 0 && rc == MM_OK)
        rc = MM_EIO;
    if (rc != MM_OK) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
    }
    return rc;
}

int fileio_write_atomic(const char *path, const char *data, size_t len)
{
    char tmp[PATH_MAX];
    int rc = write_temp(path, data, len, tmp);
    if (rc == MM_OK && rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        rc = MM_EIO;
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

int fileset_write(const char *dir, const file_set *set, mm_diag *diag)
{
    char path[PATH_MAX];
    char (*tmp)[PATH_MAX] = NULL;
    size_t written = 0, report = set->n;
    int rc = fileio_mkdirs(dir);
    if (rc != MM_OK)
        return mm_diag_error(diag, rc, dir, 0, 0, "cannot create the output folder: %s",
                             strerror(errno));
    if (set->n == 0)
        return MM_OK;
    if (!(tmp = calloc(set->n, sizeof *tmp)))
        return mm_diag_error(diag, MM_ENOMEM, dir, 0, 0, "out of memory");
    /* every file in full beside its old version first: a write that fails
       (a full disk, a file size limit) leaves the old outputs as they were */
    for (; written < set->n; written++) {
        const struct file_set_entry *f = &set->files[written];
        int n = snprintf(path, sizeof path, "%s/%s", dir, f->name);
        if (n < 0 || (size_t)n >= sizeof path) {
            rc = mm_diag_error(diag, MM_ECANTCREAT, dir, 0, 0, "output path too long");
            goto done;
        }
        if ((rc = write_temp(path, f->data, f->len, tmp[written])) != MM_OK) {
            mm_diag_error(diag, rc, path, 0, 0, "cannot write: %s", strerror(errno));
            goto done;
        }
        if (strcmp(f->name, "report.json") == 0)
            report = written;
    }
    /* then the renames. report.json goes first and comes back last: while
       the others are replaced there is none, so a report.json beside them
       always belongs to them (a crash in between leaves no report.json,
       and `mentormatch report` writes the run again from the store) */
    if (report < set->n) {
        snprintf(path, sizeof path, "%s/report.json", dir);
        if ((unlink(path) != 0 && errno != ENOENT) || sync_dir(dir) != MM_OK) {
            rc = mm_diag_error(diag, MM_EIO, path, 0, 0, "cannot replace: %s", strerror(errno));
            goto done;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < set->n; i++) {
            if ((i == report) != (pass == 1))
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, set->files[i].name);
            if (rename(tmp[i], path) != 0) {
                rc = mm_diag_error(diag, MM_EIO, path, 0, 0, "cannot write: %s",
                                   strerror(errno));
                goto done;
            }
            tmp[i][0] = '\0';
        }
    }
    if (sync_dir(dir) != MM_OK)
        rc = mm_diag_error(diag, MM_EIO, dir, 0, 0, "cannot write: %s", strerror(errno));
done:
    for (size_t i = 0; i < written; i++)
        if (tmp[i][0])
            unlink(tmp[i]);
    free(tmp);
    return rc;
}
