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
