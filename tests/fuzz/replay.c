/*
 * replay.c - runs a fuzz target's LLVMFuzzerTestOneInput over files, without
 * libFuzzer: each argument is a file or a folder whose regular files
 * (not descending further, in name order) are replayed one at a time.
 * Prints the number of inputs replayed; exits 1 when an argument cannot be
 * read or names no input at all, 0 otherwise. A bug in the target shows as
 * a crash or a sanitizer report (make check), as under libFuzzer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Replays the file at path; -1 when it cannot be read. */
static int replay_file(const char *path)
{
    int rc = -1;
    unsigned char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        goto done;
    if (fseek(f, 0, SEEK_END) != 0)
        goto done;
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto done;
    /* exactly n bytes (one for an empty file), so ASan sees a read past the end */
    buf = malloc(n ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        goto done;
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    rc = 0;
done:
    if (rc != 0)
        perror(path);
    free(buf);
    if (f)
        fclose(f);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files in dir in name order; adds them to *count. */
static int replay_dir(const char *dir, long *count)
{
    int rc = 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) {
                rc = -1;
                goto done;
            }
            names = v;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = -1;
            goto done;
        }
        n++;
    }
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[4200];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        rc = replay_file(path);
        *count += rc == 0;
    }
done:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    long count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) != 0
                                : replay_file(argv[i]) != 0)
            return 1;
        count += !S_ISDIR(st.st_mode);
    }
    printf("%s: %ld inputs replayed\n", argc > 0 ? argv[0] : "replay", count);
    return count > 0 ? 0 : 1;
}
