/*
 * csv.c - the CSV reader every importer uses: bytes in, checked records out.
 *
 * A file is read whole into one buffer. Lines are found here (memchr) and fed
 * to libcsv, in strict mode, one physical line at a time: that keeps line
 * numbers exact (where each record and each field starts), bounds a line and
 * a record before libcsv buffers them, skips blank lines without parsing
 * them, and lets the parse start again on the next line after a bad record.
 * A line that starts a record and holds no quote and no CR is split at its
 * commas here instead, as libcsv would split it (feed_plain_line).
 * libcsv's field callback checks each field and packs it into one buffer per
 * record; the record callback hands the record on. The buffers are reused
 * from record to record, so a parse allocates only while records grow.
 */
#define CSVR_WANT_LIBCSV
#include <csv.h> /* io/csv.h through -Iio, which then brings libcsv's csv.h */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if !defined(MM_IO_CSV_H) || !defined(LIBCSV_H__)
#error "io/ must come first on the include path, so that <csv.h> is io/csv.h"
#endif

#define MAX_FILE ((size_t)1 << 30)
#define LIBCSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
#define LIBCSV_BLOCK 65536 /* libcsv grows its field buffer by this many bytes */

_Static_assert(CSVR_MAX_FIELD == 4096, "update msg_long_field");
_Static_assert(CSVR_MAX_LINE == 1048576L, "update msg_long_line");
_Static_assert(MAX_FILE == 1073741824u, "update msg_big_file and io/csv.h");

static const char msg_long_field[] = "field longer than 4096 bytes";
static const char msg_long_line[] = "line longer than 1048576 bytes";
static const char msg_big_file[] = "file larger than 1073741824 bytes";
static const char msg_utf8[] = "invalid UTF-8";
static const char msg_nul[] = "NUL byte";

/* The state of one parse. The open record's fields are packed into buf,
   each followed by a NUL; offs/lens/lines/ptrs hold fields_cap entries. */
typedef struct reader {
    const char *name;
    csvr_row_fn fn;
    void *ctx;
    mm_diag *diag;
    struct csv_parser csv;

    long line;        /* physical line being fed, 1-based */
    int open;         /* a record has begun and not ended */
    long rec_line;    /* line where the open record starts */
    size_t rec_bytes; /* bytes of the open record so far, line breaks included */
    long next_line;   /* line where the next field of the open record starts */

    char *buf;
    size_t buf_len, buf_cap;
    size_t nfields, fields_cap;
    size_t *offs;
    size_t *lens;
    long *lines;
    const char **ptrs;
    int bad; /* the open record has an error: it is checked, not kept */

    long records;   /* records other than blank ones so far: the next index */
    int header_bad; /* the header row had an error: deliver nothing more */
    size_t errors;  /* errors this parse recorded */
    int rc;         /* MM_ENOMEM or the callback's code, once the parse stops */
    int stop;
} reader;

/* Records a data error at (line, column); a full diag stops the parse. */
static void data_error(reader *r, long line, long column, const char *msg)
{
    mm_diag_error(r->diag, MM_EDATA, r->name, line, column, "%s", msg);
    r->errors++;
    if (mm_diag_full(r->diag))
        r->stop = 1;
}

/* Stops the parse with MM_ENOMEM, recorded once. */
static void out_of_memory(reader *r)
{
    if (r->rc == MM_OK)
        r->rc = mm_diag_error(r->diag, MM_ENOMEM, r->name, r->line, 0, "out of memory");
    r->stop = 1;
}

/* Why the field s[0..n) cannot be delivered, or NULL when it can. UTF-8 as
   in Unicode's table 3-7: no overlong forms, surrogates or code points over
   U+10FFFF; a sequence cut short is invalid. */
static const char *check_field(const unsigned char *s, size_t n)
{
    const char *why = NULL;
    size_t i = 0;

    if (n > CSVR_MAX_FIELD)
        why = msg_long_field;
    while (!why && i < n) {
        const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
        uint64_t w;
        unsigned c = s[i];
        unsigned lo = 0x80, hi = 0xBF;
        size_t need = 0;

        /* Eight ASCII bytes, none of them NUL, at a time. */
        if (n - i >= 8) {
            memcpy(&w, s + i, 8);
            if (((w | ((w - ones) & ~w)) & high) == 0) {
                i += 8;
                continue;
            }
        }
        if (c >= 0x01 && c <= 0x7F) {
            i++;
            continue;
        }
        if (c == 0)
            why = msg_nul;
        else if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c == 0xE0)
            need = 2, lo = 0xA0;
        else if (c == 0xED)
            need = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF)
            need = 2;
        else if (c == 0xF0)
            need = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3)
            need = 3;
        else if (c == 0xF4)
            need = 3, hi = 0x8F;
        else
            why = msg_utf8;
        if (why)
            break;
        if (n - i - 1 < need || s[i + 1] < lo || s[i + 1] > hi)
            why = msg_utf8;
        for (size_t k = 2; !why && k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                why = msg_utf8;
        i += need + 1;
    }
    return why;
}

static int only_blanks(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i == n;
}

/* Makes room for one more field in the per-field arrays. */
static int grow_fields(reader *r)
{
    int rc = MM_OK;
    size_t cap;
    void *p;

    if (r->nfields < r->fields_cap)
        goto done;
    rc = MM_ENOMEM;
    cap = r->fields_cap ? r->fields_cap * 2 : 64;
    if (cap > SIZE_MAX / sizeof(size_t) || cap > SIZE_MAX / sizeof(long) ||
        cap > SIZE_MAX / sizeof(char *))
        goto done;
    /* Each array keeps its larger size even when a later one fails. */
    if (!(p = realloc(r->offs, cap * sizeof *r->offs)))
        goto done;
    r->offs = p;
    if (!(p = realloc(r->lens, cap * sizeof *r->lens)))
        goto done;
    r->lens = p;
    if (!(p = realloc(r->lines, cap * sizeof *r->lines)))
        goto done;
    r->lines = p;
    if (!(p = realloc(r->ptrs, cap * sizeof *r->ptrs)))
        goto done;
    r->ptrs = p;
    r->fields_cap = cap;
    rc = MM_OK;
done:
    return rc;
}

/* Appends s[0..n) and a NUL to buf; n <= CSVR_MAX_FIELD. */
static int append(reader *r, const void *s, size_t n)
{
    int rc = MM_OK;

    if (r->buf_cap - r->buf_len < n + 1) {
        size_t cap = r->buf_cap ? r->buf_cap : 4096;
        while (cap - r->buf_len < n + 1) {
            if (cap > SIZE_MAX / 2) {
                rc = MM_ENOMEM;
                goto done;
            }
            cap *= 2;
        }
        char *p = realloc(r->buf, cap);
        if (!p) {
            rc = MM_ENOMEM;
            goto done;
        }
        r->buf = p;
        r->buf_cap = cap;
    }
    memcpy(r->buf + r->buf_len, s, n);
    r->buf[r->buf_len + n] = '\0';
    r->buf_len += n + 1;
done:
    return rc;
}

/* A field of the open record ends here (it started at next_line): checked,
   and kept unless the record is bad. */
static void end_field(reader *r, const char *s, size_t len)
{
    long line = r->next_line;
    long column = (long)r->nfields + 1;
    const char *why;

    if (r->stop)
        goto done;
    r->next_line = r->line;
    why = check_field((const unsigned char *)s, len);
    if (why) {
        data_error(r, line, column, why);
        r->bad = 1;
    } else if (!r->bad) {
        size_t off = r->buf_len;
        if (grow_fields(r) != MM_OK || append(r, s, len) != MM_OK) {
            out_of_memory(r);
            goto done;
        }
        r->offs[r->nfields] = off;
        r->lens[r->nfields] = len;
        r->lines[r->nfields] = line;
    }
    r->nfields++;
done:
    return;
}

/* libcsv's field callback. */
static void on_field(void *s, size_t len, void *data)
{
    end_field(data, s, len);
}

static void clear_record(reader *r)
{
    r->open = 0;
    r->nfields = 0;
    r->buf_len = 0;
    r->bad = 0;
}

/* The open record has ended: numbers it and delivers it, unless blank. */
static void end_record(reader *r)
{
    int blank = !r->bad;
    long index;
    int rc;

    for (size_t i = 0; blank && i < r->nfields; i++)
        blank = only_blanks(r->buf + r->offs[i], r->lens[i]);
    if (blank)
        goto done;
    index = r->records++;
    if (r->bad && index == 0)
        r->header_bad = 1;
    if (r->bad || r->header_bad)
        goto done;
    for (size_t i = 0; i < r->nfields; i++)
        r->ptrs[i] = r->buf + r->offs[i];
    csvr_row row = {
        .nfields = r->nfields,
        .fields = r->ptrs,
        .lens = r->lens,
        .lines = r->lines,
        .line = r->rec_line,
        .index = index,
    };
    rc = r->fn(r->ctx, &row);
    if (rc != MM_OK) {
        r->rc = rc;
        r->stop = 1;
    }
done:
    return;
}

/* libcsv's record callback: records end only at a line end or at csv_fini. */
static void on_row(int c, void *data)
{
    reader *r = data;

    (void)c;
    if (!r->stop)
        end_record(r);
    clear_record(r);
}

/* Records end at LF only: a CR before it is dropped by feed_line, any other
   CR is data. libcsv's default would end a record at a lone CR too, so a line
   holding one is fed with this test instead; other lines keep the default,
   which libcsv inlines (a call per byte costs a tenth of the parse). */
static int is_lf(unsigned char c)
{
    return c == '\n';
}

/* Sets up libcsv, or forgets its state to start again at the next line.
   libcsv allocates through the realloc and free this file links to, so
   that a link wrapping them (the allocation-failure tests) reaches libcsv. */
static void start_libcsv(struct csv_parser *csv, int again)
{
    if (again)
        csv_free(csv);
    csv_init(csv, LIBCSV_OPTIONS);
    csv_set_blk_size(csv, LIBCSV_BLOCK);
    csv_set_realloc_func(csv, realloc);
    csv_set_free_func(csv, free);
}

/* After csv_parse took less than it was given: a strict-mode error ends
   the record (parsing starts again on the next line), anything else is
   libcsv running out of memory. */
static void libcsv_failed(reader *r)
{
    if (r->stop) {
        /* the parse is over anyway */
    } else if (csv_error(&r->csv) != CSV_EPARSE) {
        out_of_memory(r);
    } else {
        data_error(r, r->next_line, (long)r->nfields + 1, "malformed quoting");
        r->bad = 1;
        if (!r->stop)
            end_record(r);
        clear_record(r);
        start_libcsv(&r->csv, 1);
    }
}

/*
 * Starts a record at line r->line from a line that holds no quote and no
 * CR: the fields are the pieces between commas, less leading and trailing
 * spaces and tabs, which is what libcsv makes of such a line; they go to
 * end_field and the record ends with the line, without libcsv's parse byte
 * by byte (most lines of an export are such lines).
 */
static void feed_plain_line(reader *r, const char *s, size_t n)
{
    const char *end = s + n;

    r->open = 1;
    r->rec_line = r->next_line = r->line;
    r->rec_bytes = n;
    for (;;) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *a = s, *b = comma ? comma : end;

        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        end_field(r, a, (size_t)(b - a));
        if (!comma)
            break;
        s = comma + 1;
    }
    on_row('\n', r);
}

/*
 * Feeds physical line r->line: its text s[0..n) without the line end, and
 * term, the bytes of the line end (0 for a last line without one; the LF is
 * at s[n + term - 1]). The CR of a CRLF is not fed: libcsv sees only the LF.
 */
static void feed_line(reader *r, const char *s, size_t n, size_t term)
{
    const size_t max = (size_t)CSVR_MAX_LINE;

    if (r->open) {
        /* Only an open quoted field carries a record over a line end. */
        if (r->rec_bytes > max || n > max - r->rec_bytes) {
            data_error(r, r->next_line, (long)r->nfields + 1, msg_long_line);
            r->stop = 1; /* the quoting is lost: what follows would be noise */
            goto done;
        }
        r->rec_bytes += n;
    } else if (only_blanks(s, n)) {
        goto done; /* libcsv would skip it too */
    } else if (n > max) {
        data_error(r, r->line, 1, msg_long_line);
        r->bad = 1;
        if (!r->stop)
            end_record(r);
        clear_record(r);
        goto done;
    } else if (!memchr(s, '"', n) && !memchr(s, '\r', n)) {
        feed_plain_line(r, s, n);
        goto done;
    } else {
        r->open = 1;
        r->rec_line = r->next_line = r->line;
        r->rec_bytes = n;
    }
    csv_set_term_func(&r->csv, memchr(s, '\r', n) ? is_lf : NULL);
    if (term == 1) {
        if (csv_parse(&r->csv, s, n + 1, on_field, on_row, r) < n + 1)
            libcsv_failed(r);
    } else if (csv_parse(&r->csv, s, n, on_field, on_row, r) < n) {
        libcsv_failed(r);
    } else if (term && csv_parse(&r->csv, "\n", 1, on_field, on_row, r) < 1) {
        libcsv_failed(r);
    }
    if (r->open)
        r->rec_bytes += term;
done:
    return;
}

int csvr_parse_buffer(const char *data, size_t len, const char *name,
                      csvr_row_fn fn, void *ctx, mm_diag *diag)
{
    reader r = {.name = name, .fn = fn, .ctx = ctx, .diag = diag, .rc = MM_OK};
    const char *p = data, *end;
    int rc = MM_OK;

    start_libcsv(&r.csv, 0);
    if (!fn || (!data && len)) {
        rc = MM_EINTERNAL;
        goto done;
    }
    if (!data)
        p = data = "";
    if (len > MAX_FILE) {
        rc = mm_diag_error(diag, MM_EDATA, name, 0, 0, "%s", msg_big_file);
        goto done;
    }
    end = p + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && !r.stop) {
        const char *lf = memchr(p, '\n', (size_t)(end - p));
        const char *eol = lf ? lf : end;
        size_t n = (size_t)(eol - p);
        size_t term = lf ? 1 : 0;

        if (n && eol[-1] == '\r') /* CRLF, or a CR that ends the input */
            n--, term++;
        r.line++;
        feed_line(&r, p, n, lf ? term : 0);
        p = lf ? lf + 1 : end;
    }
    if (!r.stop && csv_fini(&r.csv, on_field, on_row, &r) != 0) {
        data_error(&r, r.next_line, (long)r.nfields + 1, "unterminated quoted field");
        r.stop = 1;
    }
    if (r.rc == MM_OK && r.records == 0 && r.errors == 0)
        data_error(&r, 1, 1, "no header row");
    rc = r.rc != MM_OK ? r.rc : r.errors ? MM_EDATA : MM_OK;
done:
    csv_free(&r.csv);
    free(r.buf);
    free(r.offs);
    free(r.lens);
    free(r.lines);
    free(r.ptrs);
    return rc;
}

int csvr_parse_file(const char *path, const char *name,
                    csvr_row_fn fn, void *ctx, mm_diag *diag)
{
    int rc = MM_OK;
    FILE *f = NULL;
    char *buf = NULL;
    size_t len = 0, cap;
    struct stat st;

    if (!path || !fn) {
        rc = MM_EINTERNAL;
        goto done;
    }
    f = fopen(path, "rb");
    if (!f) {
        rc = mm_diag_error(diag, MM_ENOINPUT, name, 0, 0, "cannot open: %s", strerror(errno));
        goto done;
    }
    if (fstat(fileno(f), &st) != 0) {
        rc = mm_diag_error(diag, MM_EIO, name, 0, 0, "read error: %s", strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = mm_diag_error(diag, MM_ENOINPUT, name, 0, 0, "cannot open: %s", strerror(EISDIR));
        goto done;
    }
    /* A regular file comes in one fread (one byte more, to see its end);
       anything else (a pipe) in growing chunks. Never more than MAX_FILE + 1. */
    cap = 65536;
    if (S_ISREG(st.st_mode)) {
        if (st.st_size < 0 || /* GCOVR_EXCL_BR_LINE: a regular file's size is >= 0 */
            (uintmax_t)st.st_size > MAX_FILE) {
            rc = mm_diag_error(diag, MM_EDATA, name, 0, 0, "%s", msg_big_file);
            goto done;
        }
        cap = (size_t)st.st_size + 1;
    }
    for (;;) {
        if (len == cap) {
            if (cap > MAX_FILE) {
                rc = mm_diag_error(diag, MM_EDATA, name, 0, 0, "%s", msg_big_file);
                goto done;
            }
            cap = cap <= MAX_FILE / 2 ? cap * 2 : MAX_FILE + 1;
            char *grown = realloc(buf, cap);
            if (!grown) {
                rc = mm_diag_error(diag, MM_ENOMEM, name, 0, 0, "out of memory");
                goto done;
            }
            buf = grown;
        } else if (!buf && !(buf = malloc(cap))) {
            rc = mm_diag_error(diag, MM_ENOMEM, name, 0, 0, "out of memory");
            goto done;
        }
        size_t want = cap - len;
        size_t got = fread(buf + len, 1, want, f);
        len += got;
        if (got < want) {
            if (ferror(f)) {
                rc = mm_diag_error(diag, MM_EIO, name, 0, 0, "read error: %s", strerror(errno));
                goto done;
            }
            break;
        }
    }
    rc = csvr_parse_buffer(buf, len, name, fn, ctx, diag);
done:
    free(buf);
    if (f)
        fclose(f);
    return rc;
}
