/*
 * fileio.h - whole-file reads and crash-safe writes.
 */
#ifndef MM_FILEIO_H
#define MM_FILEIO_H

#include <limits.h>
#include <stddef.h>
#include <string.h>

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

/* ---- files written as they are produced --------------------------------- */

/*
 * A receiver of named files, each given in pieces: open(name), then write
 * for each piece in order, then close. close is called once for every open
 * that succeeded, with ok false when the file is abandoned (a failure while
 * it was written): the receiver then drops what it holds of that file. Each
 * returns MM_OK or a code (MM_ENOMEM, MM_EIO, ...).
 */
typedef struct file_sink {
    int (*open)(void *ctx, const char *name);
    int (*write)(void *ctx, const char *data, size_t len);
    int (*close)(void *ctx, int ok);
    void *ctx;
} file_sink;

/*
 * One file written into a sink through a buffer, so that the producer may
 * put a few bytes at a time. The first failure sticks in rc: later puts do
 * nothing, and ostream_close returns it.
 */
typedef struct ostream {
    const file_sink *sink;
    char *buf;
    size_t len, cap;
    int rc;
    int opened; /* sink->open succeeded: sink->close is owed */
} ostream;

#define OSTREAM_BUFFER ((size_t)1 << 20)

/* Opens name in sink with a buffer of OSTREAM_BUFFER bytes; on failure
   os->rc holds the code (and ostream_close still has to be called). The
   sink gets the file in pieces of exactly OSTREAM_BUFFER bytes, the last
   one shorter, however the producer cut its puts: a stored file's chunks
   depend on its bytes alone (and whole pieces of a large put go to the
   sink without a copy). */
int ostream_open(ostream *os, const file_sink *sink, const char *name);
/* Opens a stream into memory, without a sink: os->buf holds all that was
   put (os->len bytes), growing from cap bytes as needed; a failure to grow
   is MM_ENOMEM in os->rc. Empty it with os->len = 0 (os->rc stays);
   ostream_close frees it. */
int ostream_open_mem(ostream *os, size_t cap);
/* Ends the file: the rest of the buffer, then sink->close (ok when no put
   failed and ok is set). Returns os->rc or the close's code. */
int ostream_close(ostream *os, int ok);
/* ostream_write's path when the buffer is full (or the piece large). */
void ostream_write_slow(ostream *os, const char *data, size_t len);

static inline void ostream_write(ostream *os, const char *data, size_t len)
{
    if (len <= os->cap - os->len) {
        memcpy(os->buf + os->len, data, len);
        os->len += len;
    } else {
        ostream_write_slow(os, data, len);
    }
}

static inline void ostream_puts(ostream *os, const char *s)
{
    ostream_write(os, s, strlen(s));
}

static inline void ostream_putc(ostream *os, char c)
{
    if (os->len < os->cap)
        os->buf[os->len++] = c;
    else
        ostream_write_slow(os, &c, 1);
}

/* A sink that collects the files into set (it owns nothing of set). */
typedef struct fileset_sink {
    file_sink sink;
    file_set *set;
    char *name, *data;
    size_t len, cap;
} fileset_sink;

void fileset_sink_init(fileset_sink *fs, file_set *set);

/*
 * The output folder, written as the files come: each into a temporary file
 * beside its final name (open creates it, and the folder when missing;
 * write appends: in whole aligned pieces that bypass the page cache
 * (O_DIRECT) where the file system allows, else through it, starting the
 * disk writes every few megabytes so that they go on while the rest is
 * produced; close fsyncs it, or removes it
 * when the file is abandoned, leaving the old version), and
 * outdir_commit renames them all as fileset_write does. A failure is
 * recorded in diag with its path.
 * Usage: outdir_begin, the files through od->sink, then outdir_commit, or
 * outdir_abort, which removes the temporary files (either frees all).
 */
typedef struct outdir {
    file_sink sink;
    const char *dir;
    mm_diag *diag;
    struct outdir_file {
        char *name;
        char tmp[PATH_MAX];
    } *files;
    size_t n, cap;
    int fd;   /* the file being written, or -1 */
    int made; /* the folder exists */
    unsigned long long written, kicked; /* bytes of it written, handed to writeback */
    int direct;   /* fd bypasses the page cache: whole pieces from stage */
    char *stage;  /* OUTDIR_STAGE bytes, aligned for O_DIRECT (kept for the next file) */
    size_t staged; /* bytes of the file in stage, not yet written */
} outdir;

void outdir_begin(outdir *od, const char *dir, mm_diag *diag);
/* The renames (report.json removed first, renamed last): MM_OK or MM_EIO. */
int outdir_commit(outdir *od);
void outdir_abort(outdir *od);

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
