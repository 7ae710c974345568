/*
 * fileio.h - whole-file reads and crash-safe writes.
 */
#ifndef MM_FILEIO_H
#define MM_FILEIO_H

#include <stddef.h>

#include "mentormatch.h"

/* Reads the whole file at path into a malloc'd buffer (NUL-terminated, the
   terminator not counted in *len). Files over max bytes are MM_EIO. Returns
   MM_OK, MM_ENOINPUT (missing or unreadable: errno is kept), MM_EIO, MM_ENOMEM. */
int fileio_read(const char *path, size_t max, char **data, size_t *len);

/* 1 when path is a directory, 0 when it is something else, -1 when absent. */
int fileio_is_dir(const char *path);

/* Writes len bytes to path through a temporary file in the same folder,
   fsync and rename: readers see the old file or the new one, never a part.
   Returns MM_OK, MM_ECANTCREAT (cannot create the temporary file) or MM_EIO
   (a write, fsync or rename failed; the temporary file is removed). */
int fileio_write_atomic(const char *path, const char *data, size_t len);

/* Creates the folder path (and its parents) when missing: MM_OK or MM_ECANTCREAT. */
int fileio_mkdirs(const char *path);

/* A set of named files built in memory, written together. */
typedef struct file_set {
    struct file_set_entry {
        char *name;
        char *data;
        size_t len;
    } *files;
    size_t n, cap;
} file_set;

/* Adds a file; takes ownership of data (malloc'd) even on failure. MM_OK or MM_ENOMEM. */
int fileset_add(file_set *set, const char *name, char *data, size_t len);
/* The data of the named file, NULL when absent. */
const struct file_set_entry *fileset_find(const file_set *set, const char *name);
void fileset_free(file_set *set);

/* Writes every file of set into the folder dir (created when missing): each
   in full to a temporary file first, so that a failed write leaves every old
   file as it was; then the renames, with the old report.json removed first
   and the new one renamed last, so that whenever dir holds a report.json
   every other file of the set in dir is of the same run (a crash among the
   renames can leave the others mixed, old and new, but then without
   report.json). MM_OK, MM_ENOMEM, MM_ECANTCREAT or MM_EIO with a message in
   diag. */
int fileset_write(const char *dir, const file_set *set, mm_diag *diag);

#endif
