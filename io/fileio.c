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
    if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
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

int fileio_write_atomic(const char *path, const char *data, size_t len)
{
    int rc = MM_OK;
    char tmp[PATH_MAX];
    int fd = -1;
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return MM_ECANTCREAT;
    fd = mkstemp(tmp);
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
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        rc = MM_EIO;
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = MM_EIO;
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        rc = MM_EIO;
done:
    if (fd >= 0)
        close(fd);
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

int fileset_write(const char *dir, const file_set *set, mm_diag *diag)
{
    int rc = fileio_mkdirs(dir);
    if (rc != MM_OK)
        return mm_diag_error(diag, rc, dir, 0, 0, "cannot create the output folder: %s",
                             strerror(errno));
    /* report.json last: a reader that sees it sees the whole run */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < set->n; i++) {
            const struct file_set_entry *f = &set->files[i];
            if ((strcmp(f->name, "report.json") == 0) != (pass == 1))
                continue;
            char path[PATH_MAX];
            int n = snprintf(path, sizeof path, "%s/%s", dir, f->name);
            if (n < 0 || (size_t)n >= sizeof path)
                return mm_diag_error(diag, MM_ECANTCREAT, dir, 0, 0, "output path too long");
            rc = fileio_write_atomic(path, f->data, f->len);
            if (rc != MM_OK)
                return mm_diag_error(diag, rc, path, 0, 0, "cannot write: %s", strerror(errno));
        }
    }
    return MM_OK;
}
