/*
 * fuzz.h - what the fuzz targets in tests/fuzz/ share.
 *
 * Every target defines LLVMFuzzerTestOneInput, which libFuzzer calls (make
 * fuzz, built with clang) or replay.c calls for each corpus and crash file
 * (make test, built with $(CC)). A target must accept any bytes, leave
 * nothing allocated behind and report nothing on stderr that a run would
 * not; a bug shows as a sanitizer report or an abort().
 *
 * The parsers that only read from a path are given the bytes through a file
 * in a private folder on tmpfs (/dev/shm, else $TMPDIR, else /tmp), made on
 * first use and removed at exit. The harness is one process fed one input at
 * a time, so this state is process-global, as libFuzzer's own is.
 */
#ifndef MM_FUZZ_H
#define MM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The private folder (made on the first call; the process exits when it cannot be). */
const char *fuzz_dir(void);

/* Writes len bytes to the file name in fuzz_dir(), replacing it; its full
   path goes to path (size bytes). Exits the process on failure. */
void fuzz_write(const char *name, const void *data, size_t len, char *path, size_t size);

/*
 * A small valid company (the tables of tests/cases/_base): writes every one
 * of its CSV files into fuzz_dir() and returns that folder. fuzz_base_file
 * gives the text of one of them by file name ("employees.csv"), NULL when
 * there is no such file.
 */
const char *fuzz_base_company(void);
const char *fuzz_base_file(const char *name);

#endif
