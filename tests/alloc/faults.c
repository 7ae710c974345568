/*
 * faults.c - mm-faults: runs one mentormatch command (io/cli.c, compiled in
 * as mm_cli_main) again and again under injected faults and checks what each
 * attempt leaves behind.
 *
 *   mm-faults --mode alloc|kill --work DIR --db FILE --out DIR
 *             [--old-db FILE] [--old-out DIR] [--mid-db FILE]
 *             [--dense N] [--stride S] [--persistent]   (alloc)
 *             [--kills K] [--seed S]                     (kill)
 *             [--jobs J] -- COMMAND ARGS...
 *
 * Every attempt starts from the same state: the store --old-db (none when
 * absent) copied to DIR/j/FILE and the outputs of --old-out copied into
 * DIR/j/DIR, then the command runs in a forked child whose working folder is
 * DIR/j, so that relative paths in ARGS land there. A first attempt without
 * a fault gives the new state.
 *
 * alloc: attempt N fails the Nth allocation (only that one, or with
 * --persistent every one from the Nth on) for N = 1, 2, ..., dense, then
 * every stride-th N, until an attempt completes without reaching its N.
 * Allocations counted: our own malloc, calloc, realloc and strdup (the link
 * wraps them, so every object of libmentormatch.a calls these), libcsv's
 * (io/csv.c hands it realloc), SQLite's (SQLITE_CONFIG_MALLOC) and cJSON's
 * (cJSON_InitHooks). A failed attempt must exit 70 with "out of memory" on
 * stderr; one that absorbed the failure must exit 0.
 *
 * kill: attempt k sends SIGKILL after a delay drawn (from --seed) between 0
 * and 1.2 times the duration of the attempt without a fault.
 *
 * After every attempt: no crash, no sanitizer report (LeakSanitizer reports
 * leaks at the child's exit), the store passes PRAGMA integrity_check and
 * its content (schema and every row) is the old, the new or the --mid-db
 * one, and every output is byte for byte its old or its new version, no
 * temporary file is left, and a report.json in the folder speaks for every
 * other output: when it is the old one all are old, when the new one all
 * are new. An attempt that exits 0 must leave exactly the new state.
 * One exception, for an attempt killed by SIGKILL only: a temporary file of
 * io/fileio.c (an output's name, ".tmp." and mkstemp's six characters) may
 * be left, since nothing can remove it when the kill comes between its
 * creation and its rename; it is never taken for the output itself.
 *
 * time() and clock_gettime() are wrapped too, returning a fixed instant, so
 * that the new state is the same bytes on every attempt.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <sqlite3.h>

int mm_cli_main(int argc, char **argv);

/* ---- AddressSanitizer ----------------------------------------------------- */

/* Under ASan (make check), freed memory waits in a quarantine of 256 MiB by
   default. A worker frees several MiB per attempt (stores read and dumped,
   outputs compared), so its quarantine soon holds 256 MiB that every fork
   copies on write and every child's LeakSanitizer walks: an attempt costs
   three times as much. With 16 MiB a use after free in the command (a
   company of a dozen employees) is still caught unless 16 MiB were freed in
   between. ASAN_OPTIONS in the environment overrides it; without ASan
   nothing calls this. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=16";
}

/* ---- the allocation counter ---------------------------------------------- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
int __real_clock_gettime(clockid_t clock, struct timespec *ts);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
time_t __wrap_time(time_t *t);
int __wrap_clock_gettime(clockid_t clock, struct timespec *ts);

/* Shared between a worker and the child it forks, so the worker learns
   whether the child reached its N and how many allocations it made. */
typedef struct counter {
    long count;   /* allocations so far in the child */
    long fail_at; /* 0: none fails */
    int persistent;
    int armed;
    int failed; /* an allocation was failed */
} counter;

static counter local_counter;
static counter *ctr = &local_counter;

/* Counts an allocation; true when it is to fail (errno ENOMEM, as malloc's). */
static bool fail_now(void)
{
    if (!ctr->armed)
        return false;
    long n = __atomic_add_fetch(&ctr->count, 1, __ATOMIC_RELAXED);
    if (ctr->fail_at > 0 && (n == ctr->fail_at || (ctr->persistent && n > ctr->fail_at))) {
        ctr->failed = 1;
        errno = ENOMEM;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t size)
{
    return fail_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return fail_now() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

#define FIXED_TIME ((time_t)1800000000) /* 2027-01-15T08:00:00Z */

time_t __wrap_time(time_t *t)
{
    if (t)
        *t = FIXED_TIME;
    return FIXED_TIME;
}

int __wrap_clock_gettime(clockid_t clock, struct timespec *ts)
{
    (void)clock;
    ts->tv_sec = FIXED_TIME;
    ts->tv_nsec = 0;
    return 0;
}

static sqlite3_mem_methods sqlite_base;

static void *sqlite_malloc(int n)
{
    return fail_now() ? NULL : sqlite_base.xMalloc(n);
}

static void *sqlite_realloc(void *p, int n)
{
    return fail_now() ? NULL : sqlite_base.xRealloc(p, n);
}

static void *cjson_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

static void cjson_free(void *p)
{
    free(p);
}

/* Routes SQLite's and cJSON's allocations through the counter; before any
   other use of either library. */
static int install_hooks(void)
{
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_base) != SQLITE_OK)
        return -1;
    sqlite3_mem_methods m = sqlite_base;
    m.xMalloc = sqlite_malloc;
    m.xRealloc = sqlite_realloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK || sqlite3_initialize() != SQLITE_OK)
        return -1;
    cJSON_Hooks hooks = {cjson_malloc, cjson_free};
    cJSON_InitHooks(&hooks);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    __real_clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- buffers, files and folders ------------------------------------------ */

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            fputs("mm-faults: out of memory\n", stderr);
            exit(2);
        }
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static bool buf_eq(const buf *a, const buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* a/b into path, which has room for cap bytes. */
static void join3(char *path, size_t cap, const char *a, const char *b, const char *c)
{
    int n = snprintf(path, cap, "%s/%s%s", a, b, c);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "mm-faults: path too long: %s/%s\n", a, b);
        exit(2);
    }
}

static void join(char *path, size_t cap, const char *a, const char *b)
{
    join3(path, cap, a, b, "");
}

/* The whole file into b (emptied first): 0, or -1 when it cannot be read. */
static int read_file(const char *path, buf *b)
{
    b->len = 0;
    buf_add(b, "", 0);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        buf_add(b, chunk, (size_t)n);
    close(fd);
    return n < 0 ? -1 : 0;
}

static int write_file(const char *path, const buf *b)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    size_t put = 0;
    while (put < b->len) {
        ssize_t w = write(fd, b->data + put, b->len - put);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        put += (size_t)w;
    }
    return close(fd);
}

/* The regular files of a folder, sorted by name (an absent folder: none). */
typedef struct file_list {
    char **names;
    buf *data;
    size_t n;
} file_list;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_free(file_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->names[i]);
        free(l->data[i].data);
    }
    free(l->names);
    free(l->data);
    memset(l, 0, sizeof *l);
}

static void list_read(const char *dir, file_list *l)
{
    memset(l, 0, sizeof *l);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    size_t cap = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        if (l->n == cap) {
            cap = cap ? 2 * cap : 16;
            l->names = realloc(l->names, cap * sizeof *l->names);
            if (!l->names) {
                fputs("mm-faults: out of memory\n", stderr);
                exit(2);
            }
        }
        l->names[l->n++] = strdup(e->d_name);
    }
    closedir(d);
    if (l->n)
        qsort(l->names, l->n, sizeof *l->names, by_name);
    l->data = calloc(l->n + 1, sizeof *l->data);
    for (size_t i = 0; i < l->n; i++) {
        char path[4096];
        join(path, sizeof path, dir, l->names[i]);
        read_file(path, &l->data[i]);
    }
}

static const buf *list_find(const file_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->names[i], name) == 0)
            return &l->data[i];
    return NULL;
}

/* Empties the folder dir (files only) and fills it with the files of l. */
static void folder_reset(const char *dir, const file_list *l)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
                continue;
            join(path, sizeof path, dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    } else if (l->n) {
        mkdir(dir, 0755);
    }
    for (size_t i = 0; i < l->n; i++) {
        char path[4096];
        join(path, sizeof path, dir, l->names[i]);
        write_file(path, &l->data[i]);
    }
}

/* ---- the store ----------------------------------------------------------- */

/* Appends value (type, length, bytes) so that NULL, '' and 0 differ. */
static void dump_value(buf *b, sqlite3_stmt *st, int c)
{
    char head[48];
    int type = sqlite3_column_type(st, c);
    const void *p = type == SQLITE_BLOB ? sqlite3_column_blob(st, c) : sqlite3_column_text(st, c);
    size_t n = (size_t)sqlite3_column_bytes(st, c);
    snprintf(head, sizeof head, "%d:%zu:", type, n);
    buf_str(b, head);
    if (p)
        buf_add(b, p, n);
    buf_str(b, "|");
}

/*
 * The content of the store at path into out: every schema row and every row
 * of every table, in a fixed order; an absent or empty file dumps as "".
 * Returns NULL, or what is wrong (integrity check, an error).
 */
static const char *dump_store(const char *path, buf *out)
{
    static char why[1200];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL, *rows = NULL;
    const char *err = NULL;
    struct stat sb;
    out->len = 0;
    buf_add(out, "", 0);
    if (stat(path, &sb) != 0)
        return NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(why, sizeof why, "cannot open the store: %s", db ? sqlite3_errmsg(db) : "?");
        err = why;
        goto done;
    }
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
        snprintf(why, sizeof why, "integrity_check: %s",
                 st && sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
                                                  : sqlite3_errmsg(db));
        err = why;
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(why, sizeof why, "schema: %s", sqlite3_errmsg(db));
        err = why;
        goto done;
    }
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < 4; c++)
            dump_value(out, st, c);
        buf_str(out, "\n");
        if (strcmp((const char *)sqlite3_column_text(st, 0), "table") != 0)
            continue;
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", (const char *)sqlite3_column_text(st, 1));
        if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK) {
            snprintf(why, sizeof why, "%s: %s", sql, sqlite3_errmsg(db));
            err = why;
            goto done;
        }
        int n = sqlite3_column_count(rows);
        sqlite3_finalize(rows);
        size_t o = strlen(sql);
        o += (size_t)snprintf(sql + o, sizeof sql - o, " ORDER BY 1");
        for (int c = 2; c <= n && o < sizeof sql; c++)
            o += (size_t)snprintf(sql + o, sizeof sql - o, ", %d", c);
        if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK) {
            snprintf(why, sizeof why, "%s: %s", sql, sqlite3_errmsg(db));
            err = why;
            goto done;
        }
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 0; c < n; c++)
                dump_value(out, rows, c);
            buf_str(out, "\n");
        }
        sqlite3_finalize(rows);
        rows = NULL;
    }
    if (r != SQLITE_DONE) {
        snprintf(why, sizeof why, "dump: %s", sqlite3_errmsg(db));
        err = why;
    }
done:
    sqlite3_finalize(rows);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return err;
}

/* ---- one attempt --------------------------------------------------------- */

typedef struct setup {
    const char *mode;
    const char *work, *db, *out;
    const char *old_db, *mid_db, *old_out;
    long dense, stride, kills, only, from;
    unsigned seed;
    int jobs, persistent;
    const char *known[8]; /* --known: texts of failures known and left to fix */
    int n_known;
    int argc;
    char **argv;
    /* the states */
    buf old_store, mid_store, new_store, old_db_bytes;
    int has_mid, has_old_db;
    file_list old_files, new_files;
    double new_seconds;
    long new_allocs;
} setup;

/* Puts the folder of worker j in its old state. */
static void reset_work(const setup *s, const char *dir)
{
    char path[4096];
    mkdir(dir, 0755);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        join3(path, sizeof path, dir, s->db, suffixes[i]);
        unlink(path);
    }
    join(path, sizeof path, dir, s->db);
    if (s->has_old_db)
        write_file(path, &s->old_db_bytes);
    join(path, sizeof path, dir, s->out);
    folder_reset(path, &s->old_files);
}

/* Runs the command in a child inside dir; fail_at as for the counter, kill_after
   seconds (<= 0: never). Returns the wait status. */
static int attempt(const setup *s, const char *dir, long fail_at, double kill_after)
{
    ctr->count = 0;
    ctr->failed = 0;
    ctr->fail_at = fail_at;
    ctr->persistent = s->persistent;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("mm-faults: fork");
        exit(2);
    }
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(2);
        int fd1 = open("stdout", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fd2 = open("stderr", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd1 < 0 || fd2 < 0 || dup2(fd1, 1) < 0 || dup2(fd2, 2) < 0)
            _exit(2);
        close(fd1);
        close(fd2);
        ctr->armed = 1;
        int status = mm_cli_main(s->argc, s->argv);
        ctr->armed = 0;
        exit(status);
    }
    int status;
    if (kill_after > 0) {
        struct timespec ts = {(time_t)kill_after, (long)((kill_after - (double)(time_t)kill_after) * 1e9)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        kill(pid, SIGKILL);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

static int shown_stderr; /* stderr shown for so many failed checks */

/* True when name is a temporary file of an output (io/fileio.c's write_temp:
   NAME.tmp.XXXXXX, NAME an old or a new output). */
static bool output_temp(const setup *s, const char *name)
{
    const char *t = strstr(name, ".tmp.");
    if (!t || strlen(t + 5) != 6)
        return false;
    size_t n = (size_t)(t - name);
    const file_list *lists[2] = {&s->old_files, &s->new_files};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < lists[k]->n; i++)
            if (strlen(lists[k]->names[i]) == n && strncmp(lists[k]->names[i], name, n) == 0)
                return true;
    return false;
}

/* Checks what attempt label left in dir; prints each problem; true when all is well. */
static bool check(const setup *s, const char *dir, const char *label, int status, bool injected)
{
    bool ok = true;
    char path[4096];
    buf err = {0}, store = {0};
    join(path, sizeof path, dir, "stderr");
    read_file(path, &err);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    /* a known failure: its text where the new state has none */
    for (int k = 0; k < s->n_known && !WIFSIGNALED(status) && !strstr(err.data, "Sanitizer");
         k++) {
        file_list outs;
        buf dump = {0};
        char p2[4096];
        join(p2, sizeof p2, dir, s->db);
        dump_store(p2, &dump);
        join(p2, sizeof p2, dir, s->out);
        list_read(p2, &outs);
        bool hit = strstr(err.data, s->known[k]) || (dump.data && strstr(dump.data, s->known[k]));
        for (size_t i = 0; i < outs.n; i++)
            hit |= strstr(outs.data[i].data, s->known[k]) != NULL;
        list_free(&outs);
        free(dump.data);
        if (hit && !strstr(s->new_store.data, s->known[k])) {
            printf("%s: known failure: %s\n", label, s->known[k]);
            free(err.data);
            return true;
        }
    }
    bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && strcmp(s->mode, "kill") == 0;

    if (WIFSIGNALED(status) && !killed) {
        printf("%s: died of signal %d\n", label, WTERMSIG(status));
        ok = false;
    } else if (!killed && code != 0 && !(injected && code == 70)) {
        printf("%s: exit %d, expected %s\n", label, code, injected ? "70 or 0" : "0");
        ok = false;
    } else if (!killed && code == 70 && !strstr(err.data, "out of memory") &&
               !strstr(err.data, strerror(ENOMEM))) {
        printf("%s: exit 70 without \"out of memory\" on stderr\n", label);
        ok = false;
    }
    if (strstr(err.data, "Sanitizer") || strstr(err.data, "runtime error")) {
        printf("%s: a sanitizer report\n", label);
        ok = false;
    }
    if (!ok && ++shown_stderr <= 10)
        printf("--- stderr of %s:\n%.4000s---\n", label, err.data);

    join(path, sizeof path, dir, s->db);
    const char *why = dump_store(path, &store);
    bool done = !killed && code == 0;
    if (why) {
        printf("%s: store: %s\n", label, why);
        ok = false;
    } else if (done ? !buf_eq(&store, &s->new_store)
                    : !buf_eq(&store, &s->old_store) && !buf_eq(&store, &s->new_store) &&
                          !(s->has_mid && buf_eq(&store, &s->mid_store))) {
        printf("%s: the store holds neither the old nor the new data%s\n", label,
               done ? " (exit 0: expected the new)" : "");
        ok = false;
    }

    file_list now;
    join(path, sizeof path, dir, s->out);
    list_read(path, &now);
    const buf *old_report = list_find(&s->old_files, "report.json");
    const buf *new_report = list_find(&s->new_files, "report.json");
    const buf *report = list_find(&now, "report.json");
    int report_is = report && new_report && buf_eq(report, new_report)   ? 2
                    : report && old_report && buf_eq(report, old_report) ? 1
                                                                         : 0;
    for (size_t i = 0; i < now.n; i++) {
        if (killed && output_temp(s, now.names[i]))
            continue; /* killed between a temporary file's creation and its rename */
        const buf *o = list_find(&s->old_files, now.names[i]);
        const buf *n = list_find(&s->new_files, now.names[i]);
        bool is_old = o && buf_eq(o, &now.data[i]), is_new = n && buf_eq(n, &now.data[i]);
        if (!is_old && !is_new) {
            printf("%s: %s/%s is neither its old nor its new version (%zu bytes)\n", label, s->out,
                   now.names[i], now.data[i].len);
            ok = false;
        } else if ((report_is == 2 || done) && !is_new) {
            printf("%s: %s/%s is old beside the new report.json\n", label, s->out, now.names[i]);
            ok = false;
        } else if (report_is == 1 && !is_old) {
            printf("%s: %s/%s is new beside the old report.json\n", label, s->out, now.names[i]);
            ok = false;
        }
    }
    /* the old ones all there, or all the new ones */
    const file_list *want = report_is == 2 || done ? &s->new_files : report_is == 1 ? &s->old_files
                                                                                    : NULL;
    for (size_t i = 0; want && i < want->n; i++)
        if (!list_find(&now, want->names[i])) {
            printf("%s: %s/%s is missing beside %s report.json\n", label, s->out, want->names[i],
                   want == &s->new_files ? "the new" : "the old");
            ok = false;
        }
    list_free(&now);
    free(err.data);
    free(store.data);
    return ok;
}

/* ---- the loops ----------------------------------------------------------- */

/* N of the i-th allocation attempt: 1..dense, then a stride. */
static long nth(const setup *s, long i)
{
    return i <= s->dense ? i : s->dense + (i - s->dense) * s->stride;
}

/* Worker j of s->jobs; returns the number of failed checks. */
static int worker(const setup *s, int j)
{
    char dir[4096], label[128];
    int bad = 0;
    long attempts = 0, exit70 = 0, absorbed = 0;
    char name[16];
    snprintf(name, sizeof name, "%d", j);
    join(dir, sizeof dir, s->work, name);
    ctr = mmap(NULL, sizeof *ctr, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (ctr == MAP_FAILED) {
        perror("mm-faults: mmap");
        return 1;
    }
    memset(ctr, 0, sizeof *ctr);
    if (strcmp(s->mode, "alloc") == 0) {
        for (long i = s->from + j;; i += s->jobs) {
            long n = s->only ? s->only : nth(s, i);
            reset_work(s, dir);
            int status = attempt(s, dir, n, 0);
            bool injected = ctr->failed != 0;
            snprintf(label, sizeof label, "alloc N=%ld", n);
            if (!check(s, dir, label, status, injected))
                bad++;
            attempts++;
            if (!injected || s->only)
                break; /* the command made fewer than n allocations and completed */
            if (WIFEXITED(status) && WEXITSTATUS(status) == 70)
                exit70++;
            else
                absorbed++;
        }
        printf("worker %d: %ld attempts, %ld exit 70, %ld absorbed the failure and completed\n",
               j, attempts, exit70, absorbed);
    } else {
        unsigned seed = s->seed;
        for (long k = 0; k < s->kills; k++) {
            double u = (double)rand_r(&seed) / ((double)RAND_MAX + 1.0);
            if (k % s->jobs != j)
                continue;
            double delay = u * 1.2 * s->new_seconds;
            reset_work(s, dir);
            int status = attempt(s, dir, 0, delay > 0 ? delay : 1e-6);
            snprintf(label, sizeof label, "kill %ld after %.1f ms", k, delay * 1e3);
            if (!check(s, dir, label, status, false))
                bad++;
            attempts++;
            if (WIFSIGNALED(status))
                exit70++;
        }
        printf("worker %d: %ld attempts, %ld killed before the end\n", j, attempts, exit70);
    }
    fflush(stdout);
    return bad;
}

static void usage(void)
{
    fputs("usage: mm-faults --mode alloc|kill --work DIR --db FILE --out DIR [--old-db FILE]\n"
          "         [--old-out DIR] [--mid-db FILE] [--dense N] [--stride S] [--persistent]\n"
          "         [--from N] [--only N] [--known TEXT] [--kills K] [--seed S] [--jobs J] -- COMMAND ARGS...\n",
          stderr);
    exit(2);
}

/* The dump of the store file at path (a copy, so that opening it changes nothing). */
static void dump_template(const setup *s, const char *path, buf *out)
{
    char copy[4096];
    buf bytes = {0};
    join(copy, sizeof copy, s->work, "template.db");
    if (read_file(path, &bytes) != 0 || write_file(copy, &bytes) != 0) {
        fprintf(stderr, "mm-faults: cannot copy %s\n", path);
        exit(2);
    }
    const char *why = dump_store(copy, out);
    if (why) {
        fprintf(stderr, "mm-faults: %s: %s\n", path, why);
        exit(2);
    }
    unlink(copy);
    free(bytes.data);
}

int main(int argc, char **argv)
{
    /* static: the states live as long as the process, and LeakSanitizer
       (make check) sees them reachable when main returns */
    static setup s;
    s.mode = "alloc";
    s.dense = 1000000;
    s.stride = 1;
    s.kills = 100;
    s.seed = 1;
    s.from = 1;
    s.jobs = 1;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "--persistent") == 0) {
            s.persistent = 1;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (strcmp(a, "--mode") == 0)
            s.mode = v;
        else if (strcmp(a, "--work") == 0)
            s.work = v;
        else if (strcmp(a, "--db") == 0)
            s.db = v;
        else if (strcmp(a, "--out") == 0)
            s.out = v;
        else if (strcmp(a, "--old-db") == 0)
            s.old_db = v;
        else if (strcmp(a, "--mid-db") == 0)
            s.mid_db = v;
        else if (strcmp(a, "--old-out") == 0)
            s.old_out = v;
        else if (strcmp(a, "--dense") == 0)
            s.dense = strtol(v, NULL, 10);
        else if (strcmp(a, "--from") == 0)
            s.from = strtol(v, NULL, 10);
        else if (strcmp(a, "--known") == 0 && s.n_known < 8)
            s.known[s.n_known++] = v;
        else if (strcmp(a, "--only") == 0)
            s.only = strtol(v, NULL, 10);
        else if (strcmp(a, "--stride") == 0)
            s.stride = strtol(v, NULL, 10);
        else if (strcmp(a, "--kills") == 0)
            s.kills = strtol(v, NULL, 10);
        else if (strcmp(a, "--seed") == 0)
            s.seed = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--jobs") == 0)
            s.jobs = (int)strtol(v, NULL, 10);
        else
            usage();
    }
    if (i >= argc - 1 || !s.work || !s.db || !s.out || s.jobs < 1 || s.stride < 1 ||
        (strcmp(s.mode, "alloc") != 0 && strcmp(s.mode, "kill") != 0))
        usage();
    s.argv = argv + i;
    s.argc = argc - i;
    s.argv[0] = "mentormatch";
    signal(SIGPIPE, SIG_IGN);
    ctr = mmap(NULL, sizeof *ctr, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (ctr == MAP_FAILED) {
        perror("mm-faults: mmap");
        return 2;
    }
    memset(ctr, 0, sizeof *ctr);
    if (install_hooks() != 0) {
        fputs("mm-faults: cannot install the allocation hooks\n", stderr);
        return 2;
    }

    /* the old state, then the new one from an attempt without a fault */
    mkdir(s.work, 0755);
    if (s.old_db) {
        s.has_old_db = 1;
        if (read_file(s.old_db, &s.old_db_bytes) != 0) {
            fprintf(stderr, "mm-faults: cannot read %s\n", s.old_db);
            return 2;
        }
        dump_template(&s, s.old_db, &s.old_store);
    } else {
        buf_add(&s.old_store, "", 0);
    }
    if (s.mid_db) {
        s.has_mid = 1;
        dump_template(&s, s.mid_db, &s.mid_store);
    }
    if (s.old_out)
        list_read(s.old_out, &s.old_files);
    char dir[4096], path[4096];
    join(dir, sizeof dir, s.work, "base");
    reset_work(&s, dir);
    double t0 = now_s();
    int status = attempt(&s, dir, 0, 0);
    s.new_seconds = now_s() - t0;
    s.new_allocs = ctr->count;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        join(path, sizeof path, dir, "stderr");
        buf err = {0};
        read_file(path, &err);
        fprintf(stderr, "mm-faults: the command without a fault failed (status %#x):\n%s", status,
                err.data ? err.data : "");
        return 2;
    }
    join(path, sizeof path, dir, s.db);
    const char *why = dump_store(path, &s.new_store);
    if (why) {
        fprintf(stderr, "mm-faults: the new store: %s\n", why);
        return 2;
    }
    join(path, sizeof path, dir, s.out);
    list_read(path, &s.new_files);
    printf("mm-faults: the command without a fault: %.0f ms; %zu outputs before, %zu after\n",
           s.new_seconds * 1e3, s.old_files.n, s.new_files.n);

    /* the same again must give the same bytes, or no comparison means anything */
    reset_work(&s, dir);
    status = attempt(&s, dir, 0, 0);
    printf("mm-faults: %ld allocations counted without a fault\n", ctr->count);
    if (!check(&s, dir, "second attempt without a fault", status, false))
        return 1;

    int bad = 0;
    pid_t pids[64];
    int jobs = s.jobs < 64 ? s.jobs : 64;
    for (int j = 0; j < jobs; j++) {
        fflush(stdout);
        pids[j] = fork();
        if (pids[j] == 0)
            _exit(worker(&s, j) ? 1 : 0);
    }
    for (int j = 0; j < jobs; j++) {
        int st;
        if (waitpid(pids[j], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad = 1;
    }
    printf("mm-faults: %s\n", bad ? "FAILED" : "ok");
    return bad;
}
