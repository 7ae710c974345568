/*
 * test_csv.c - unit tests of the CSV reader (io/csv.c): framing, encoding,
 * line and column numbers of every error, limits, blank records, the
 * callback's control of the parse and reading files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

#define MAX_ROWS 64
#define MAX_KEPT 8 /* fields kept per row; nfields counts them all */

typedef struct seen_row {
    long line, index;
    size_t nfields;
    char *fields[MAX_KEPT];
    size_t lens[MAX_KEPT];
    long lines[MAX_KEPT];
} seen_row;

typedef struct seen {
    seen_row rows[MAX_ROWS];
    size_t n;
    long stop_at;  /* index at which the callback returns stop_code; -1: never */
    int stop_code;
    mm_diag *diag; /* where the callback records its own errors, if wanted */
} seen;

static int collect(void *ctx, const csvr_row *row)
{
    seen *s = ctx;
    assert_true(s->n < MAX_ROWS);
    seen_row *r = &s->rows[s->n++];
    r->line = row->line;
    r->index = row->index;
    r->nfields = row->nfields;
    for (size_t i = 0; i < row->nfields; i++) {
        assert_int_equal(strlen(row->fields[i]), row->lens[i]);
        if (i < MAX_KEPT) {
            r->fields[i] = malloc(row->lens[i] + 1);
            assert_non_null(r->fields[i]);
            memcpy(r->fields[i], row->fields[i], row->lens[i] + 1);
            r->lens[i] = row->lens[i];
            r->lines[i] = row->lines[i];
        }
    }
    if (s->diag && row->index == 2)
        mm_diag_error(s->diag, MM_EDATA, "t.csv", row->line, 1, "importer's own error");
    return row->index == s->stop_at ? s->stop_code : MM_OK;
}

static void seen_init(seen *s)
{
    memset(s, 0, sizeof *s);
    s->stop_at = -1;
}

static void seen_free(seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < s->rows[i].nfields && j < MAX_KEPT; j++)
            free(s->rows[i].fields[j]);
    s->n = 0;
}

static int parse_n(const char *data, size_t len, seen *s, mm_diag *d)
{
    return csvr_parse_buffer(data, len, "t.csv", collect, s, d);
}

static int parse(const char *text, seen *s, mm_diag *d)
{
    return parse_n(text, strlen(text), s, d);
}

static void expect_row(const seen *s, size_t i, long line, long index, size_t nfields)
{
    assert_true(i < s->n);
    assert_int_equal(s->rows[i].line, line);
    assert_int_equal(s->rows[i].index, index);
    assert_int_equal(s->rows[i].nfields, nfields);
}

static void expect_field(const seen *s, size_t row, size_t col, const char *text, long line)
{
    assert_true(row < s->n && col < s->rows[row].nfields);
    assert_string_equal(s->rows[row].fields[col], text);
    assert_int_equal(s->rows[row].lines[col], line);
}

static void expect_error(const mm_diag *d, size_t i, long line, long column, const char *msg)
{
    assert_true(i < mm_diag_size(d));
    assert_int_equal(mm_diag_severity(d, i), MM_SEV_ERROR);
    assert_string_equal(mm_diag_file(d, i), "t.csv");
    assert_int_equal(mm_diag_line(d, i), line);
    assert_int_equal(mm_diag_column(d, i), column);
    assert_string_equal(mm_diag_message(d, i), msg);
}

/* A malloc'd string of n copies of c. */
static char *repeat(char c, size_t n)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    memset(p, c, n);
    p[n] = '\0';
    return p;
}

/* A malloc'd concatenation of the NULL-terminated arguments. */
static char *concat(const char *first, ...)
{
    va_list ap;
    size_t len = 0;
    const char *s;

    va_start(ap, first);
    for (s = first; s; s = va_arg(ap, const char *))
        len += strlen(s);
    va_end(ap);
    char *out = malloc(len + 1), *p = out;
    assert_non_null(out);
    va_start(ap, first);
    for (s = first; s; s = va_arg(ap, const char *)) {
        size_t n = strlen(s);
        memcpy(p, s, n);
        p += n;
    }
    va_end(ap);
    *p = '\0';
    return out;
}

static void test_lf(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id,name\n1,Ann\n2,Bob\n", &s, d), MM_OK);
    assert_int_equal(mm_diag_size(d), 0);
    assert_int_equal(s.n, 3);
    expect_row(&s, 0, 1, 0, 2);
    expect_field(&s, 0, 0, "id", 1);
    expect_field(&s, 0, 1, "name", 1);
    expect_row(&s, 1, 2, 1, 2);
    expect_field(&s, 1, 1, "Ann", 2);
    expect_row(&s, 2, 3, 2, 2);
    expect_field(&s, 2, 0, "2", 3);
    expect_field(&s, 2, 1, "Bob", 3);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_crlf(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id,name\r\n1,Ann\r\n2,\"Bob\"\r\n", &s, d), MM_OK);
    assert_int_equal(s.n, 3);
    expect_field(&s, 0, 1, "name", 1);
    expect_field(&s, 1, 1, "Ann", 2);
    assert_int_equal(s.rows[1].lens[1], 3);
    expect_field(&s, 2, 1, "Bob", 3);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_bom(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("\xEF\xBB\xBFid,name\n1,Ann\n", &s, d), MM_OK);
    assert_int_equal(s.n, 2);
    expect_field(&s, 0, 0, "id", 1);
    assert_int_equal(s.rows[0].lens[0], 2);
    seen_free(&s);
    /* Only at the start: elsewhere it is an ordinary character. */
    assert_int_equal(parse("id\n\xEF\xBB\xBFx\n", &s, d), MM_OK);
    expect_field(&s, 1, 0, "\xEF\xBB\xBFx", 2);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_no_final_newline(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id,name\n1,Ann", &s, d), MM_OK);
    assert_int_equal(s.n, 2);
    expect_row(&s, 1, 2, 1, 2);
    expect_field(&s, 1, 1, "Ann", 2);
    seen_free(&s);
    /* A last line ending in a lone CR (a CRLF cut short). */
    assert_int_equal(parse("id,name\r\n1,Ann\r", &s, d), MM_OK);
    expect_field(&s, 1, 1, "Ann", 2);
    seen_free(&s);
    /* A quoted last field. */
    assert_int_equal(parse("id,name\n1,\"Ann, B\"", &s, d), MM_OK);
    expect_field(&s, 1, 1, "Ann, B", 2);
    seen_free(&s);
    assert_int_equal(mm_diag_size(d), 0);
    mm_diag_free(d);
}

static void test_quoted_commas(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id,name,dept\n1,\"Doe, Jane\",\",\"\n", &s, d), MM_OK);
    expect_row(&s, 1, 2, 1, 3);
    expect_field(&s, 1, 1, "Doe, Jane", 2);
    expect_field(&s, 1, 2, ",", 2);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_quoted_line_breaks(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    const char *text = "id,note,other,last\n"          /* 1 */
                       "1,\"a\nb\n\nc\",\"x\ny\",z\n" /* 2-6 */
                       "2,p,q,r\n"                     /* 7 */
                       "\"3\n\",\"\",s,t\n";           /* 8-9 */
    assert_int_equal(parse(text, &s, d), MM_OK);
    assert_int_equal(s.n, 4);
    expect_row(&s, 1, 2, 1, 4);
    expect_field(&s, 1, 0, "1", 2);
    expect_field(&s, 1, 1, "a\nb\n\nc", 2);
    expect_field(&s, 1, 2, "x\ny", 5);
    expect_field(&s, 1, 3, "z", 6);
    expect_row(&s, 2, 7, 2, 4);
    expect_field(&s, 2, 3, "r", 7);
    expect_row(&s, 3, 8, 3, 4);
    expect_field(&s, 3, 0, "3\n", 8);
    expect_field(&s, 3, 1, "", 9);
    expect_field(&s, 3, 3, "t", 9);
    seen_free(&s);
    /* In a CRLF file a quoted line break reads as "\n"; a lone CR is data. */
    assert_int_equal(parse("id,note\r\n1,\"a\r\nb\rc\"\r\n2,x\ry\r\n", &s, d), MM_OK);
    assert_int_equal(s.n, 3);
    expect_field(&s, 1, 1, "a\nb\rc", 2);
    expect_row(&s, 2, 4, 2, 2);
    expect_field(&s, 2, 1, "x\ry", 4);
    seen_free(&s);
    assert_int_equal(mm_diag_size(d), 0);
    mm_diag_free(d);
}

static void test_escaped_quotes(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id,quote\n1,\"say \"\"hi\"\"\"\n2,\"\"\"\"\n", &s, d), MM_OK);
    expect_field(&s, 1, 1, "say \"hi\"", 2);
    expect_field(&s, 2, 1, "\"", 3);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_utf8_kept(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    /* 2-, 3- and 4-byte forms, and the edges U+0080, U+07FF, U+FFFF, U+10FFFF. */
    const char *text = "name,city,x\n"
                       "Zoë Ünal,Zürich 東京,😀\n"
                       "\xC2\x80,\xDF\xBF\xEF\xBF\xBF,\xF4\x8F\xBF\xBF\n";
    assert_int_equal(parse(text, &s, d), MM_OK);
    expect_field(&s, 1, 0, "Zoë Ünal", 2);
    expect_field(&s, 1, 1, "Zürich 東京", 2);
    expect_field(&s, 1, 2, "😀", 2);
    assert_int_equal(s.rows[1].lens[2], 4);
    expect_field(&s, 2, 2, "\xF4\x8F\xBF\xBF", 3);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_trimming(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("a,b,c,d\n  x y\t,\t\"  q  \"  , z ,\n", &s, d), MM_OK);
    expect_row(&s, 1, 2, 1, 4);
    expect_field(&s, 1, 0, "x y", 2);
    expect_field(&s, 1, 1, "  q  ", 2);
    expect_field(&s, 1, 2, "z", 2);
    expect_field(&s, 1, 3, "", 2);
    seen_free(&s);
    mm_diag_free(d);
}

/* A line without quotes or CRs is split without libcsv (io/csv.c's plain
   lines): each such line gives the fields libcsv gives it, which it parses
   when a quoted field follows on the same line. */
static void test_plain_lines_as_libcsv(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "a,b,c", "  x y\t, z ,\t,", " , ,\tx", "a,,b", "\tlead,trail \t",
        "e\xC3\xA9,\xFF,x", "one", ",,,x", "a b  c,  ,d",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        seen plain, quoted;
        seen_init(&plain);
        seen_init(&quoted);
        mm_diag *dp = mm_diag_new(10), *dq = mm_diag_new(10);
        char *a = concat("h\n", lines[i], "\n", (char *)NULL);
        char *b = concat("h\n", lines[i], ",\"q\"\n", (char *)NULL);
        int rp = parse(a, &plain, dp), rq = parse(b, &quoted, dq);
        assert_int_equal(rp, rq);
        assert_int_equal(mm_diag_size(dp), mm_diag_size(dq));
        for (size_t k = 0; k < mm_diag_size(dp); k++) {
            assert_string_equal(mm_diag_message(dp, k), mm_diag_message(dq, k));
            assert_int_equal(mm_diag_column(dp, k), mm_diag_column(dq, k));
        }
        /* the line with invalid UTF-8 is reported, not delivered */
        assert_int_equal(plain.n, mm_diag_size(dp) ? 1 : 2);
        assert_int_equal(quoted.n, plain.n);
        for (size_t f = 0; plain.n == 2 && f < plain.rows[1].nfields && f < MAX_KEPT; f++) {
            assert_int_equal(plain.rows[1].nfields + 1, quoted.rows[1].nfields);
            expect_field(&plain, 1, f, quoted.rows[1].fields[f], 2);
        }
        free(a);
        free(b);
        seen_free(&plain);
        seen_free(&quoted);
        mm_diag_free(dp);
        mm_diag_free(dq);
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(50);
    const char *text = "id,name\n"                 /* 1 */
                       "1,\xC0\x80\n"              /* 2 overlong NUL */
                       "2,a\xE0\x80\x80\n"         /* 3 overlong 3-byte */
                       "3,\xF0\x80\x80\x80\n"      /* 4 overlong 4-byte */
                       "4,\xED\xA0\x80\n"          /* 5 surrogate */
                       "5,\xF4\x90\x80\x80\n"      /* 6 over U+10FFFF */
                       "6,\xE2\x82\n"              /* 7 truncated at the end */
                       "7,\xE2\x82x\n"             /* 8 truncated in the middle */
                       "8,\x80\n"                  /* 9 lone continuation */
                       "9,\xF5\x80\x80\x80\n"      /* 10 F5 */
                       "10,\xFF\n"                 /* 11 FF */
                       "\"\xC1\xBF\",ok\n"         /* 12 overlong, column 1 */
                       "12,\"x\ny\xE2\x82\xAC\xA9\"\n" /* 13-14, starts on 13 */
                       "13,fine\xE2\x82\xAC\n";    /* 15 */
    assert_int_equal(parse(text, &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 12);
    long lines[] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    for (size_t i = 0; i < 10; i++)
        expect_error(d, i, lines[i], 2, "invalid UTF-8");
    expect_error(d, 10, 12, 1, "invalid UTF-8");
    expect_error(d, 11, 13, 2, "invalid UTF-8");
    assert_int_equal(s.n, 2);
    expect_row(&s, 1, 15, 13, 2);
    expect_field(&s, 1, 1, "fine\xE2\x82\xAC", 15);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_nul_byte(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    static const char text[] = "id,name,x\n1,a\0b,c\n2,\"\0\",\0\n3,ok,ok\n";
    assert_int_equal(parse_n(text, sizeof text - 1, &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 3);
    expect_error(d, 0, 2, 2, "NUL byte");
    expect_error(d, 1, 3, 2, "NUL byte");
    expect_error(d, 2, 3, 3, "NUL byte");
    assert_int_equal(s.n, 2);
    expect_row(&s, 1, 4, 3, 3);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_field_limit(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    char *f4096 = repeat('a', CSVR_MAX_FIELD);
    char *f4097 = repeat('b', CSVR_MAX_FIELD + 1);
    char *text = concat("id,x,y\n1,", f4096, ",z\n2,y,\"", f4097, "\"\n3,", f4097, ",\n4,,\n",
                        (const char *)NULL);
    assert_int_equal(parse(text, &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 2);
    expect_error(d, 0, 3, 3, "field longer than 4096 bytes");
    expect_error(d, 1, 4, 2, "field longer than 4096 bytes");
    assert_int_equal(s.n, 3);
    expect_row(&s, 1, 2, 1, 3);
    assert_int_equal(s.rows[1].lens[1], CSVR_MAX_FIELD);
    assert_string_equal(s.rows[1].fields[1], f4096);
    expect_row(&s, 2, 5, 4, 3);
    seen_free(&s);
    free(text);
    free(f4096);
    free(f4097);
    mm_diag_free(d);
}

/* A line of exactly len bytes: fields of at most 4096 bytes. */
static char *long_line(size_t len)
{
    char *p = repeat('a', len);
    for (size_t i = CSVR_MAX_FIELD; i < len; i += CSVR_MAX_FIELD + 1)
        p[i] = ',';
    return p;
}

static void test_line_limit(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    char *ok = long_line((size_t)CSVR_MAX_LINE);
    char *bad = long_line((size_t)CSVR_MAX_LINE + 1);
    char *text = concat("id\n", ok, "\r\n", bad, "\n2\n", bad, "\n3\n", (const char *)NULL);
    assert_int_equal(parse(text, &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 2);
    expect_error(d, 0, 3, 1, "line longer than 1048576 bytes");
    expect_error(d, 1, 5, 1, "line longer than 1048576 bytes");
    assert_int_equal(s.n, 4);
    expect_row(&s, 1, 2, 1, 256);
    expect_row(&s, 2, 4, 3, 1);
    expect_field(&s, 2, 0, "2", 4);
    expect_row(&s, 3, 6, 5, 1);
    seen_free(&s);
    free(text);
    free(ok);
    free(bad);
    mm_diag_free(d);
}

static void test_record_limit(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    /* A quoted field of 1024 lines of 1023 bytes + LF, with "1,\"" before it:
       the record is 1048576 + 3 bytes, each line well under the limit. */
    char *chunk = repeat('x', 1023);
    size_t nlines = 1024;
    size_t cap = 64 + nlines * 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = 0;
    memcpy(text + n, "id,note\n1,ok\n2,\"", 16), n += 16;
    for (size_t i = 0; i < nlines; i++) {
        memcpy(text + n, chunk, 1023), n += 1023;
        text[n++] = '\n';
    }
    memcpy(text + n, "\"\n3,ok\n", 7), n += 7;
    assert_int_equal(parse_n(text, n, &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 1);
    expect_error(d, 0, 3, 2, "line longer than 1048576 bytes");
    /* Fatal: the quoting is lost, nothing after is delivered. */
    assert_int_equal(s.n, 2);
    seen_free(&s);
    free(text);
    free(chunk);
    mm_diag_free(d);
}

static void test_unterminated(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id,x,y\n1,ok,ok\n2,ok,\"abc\ndef\n3,ok,ok\n", &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 1);
    expect_error(d, 0, 3, 3, "unterminated quoted field");
    assert_int_equal(s.n, 2);
    seen_free(&s);
    mm_diag_clear(d);
    /* Without a final line end, on the header row. */
    assert_int_equal(parse("id,\"x", &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 1);
    expect_error(d, 0, 1, 2, "unterminated quoted field");
    assert_int_equal(s.n, 0);
    mm_diag_free(d);
}

static void test_malformed_quoting(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    const char *text = "id,x,y\n"             /* 1 */
                       "1,a\"b,c\n"           /* 2 stray quote */
                       "2,\"c\"d,e\n"         /* 3 text after the closing quote */
                       "3,ok,\"p\nq\"r\n"     /* 4-5 after a quoted line break */
                       "4,\"a\" \"b\",c\n"    /* 6 quote after closing quote + space */
                       "5,ok,ok\n";           /* 7 */
    assert_int_equal(parse(text, &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 4);
    expect_error(d, 0, 2, 2, "malformed quoting");
    expect_error(d, 1, 3, 2, "malformed quoting");
    expect_error(d, 2, 4, 3, "malformed quoting");
    expect_error(d, 3, 6, 2, "malformed quoting");
    assert_int_equal(s.n, 2);
    expect_row(&s, 1, 7, 5, 3);
    expect_field(&s, 1, 2, "ok", 7);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_multiple_errors(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(50);
    char *big = repeat('z', CSVR_MAX_FIELD + 1);
    static const char part1[] = "id,a,b,c\n"        /* 1 */
                                "1,\xFF,ok,\xFE\n"  /* 2 columns 2 and 4 */
                                "2,\"multi\nline\",x\0y,ok\n"; /* 3-4 NUL in column 3 */
    char *part2 = concat("3,ok,ok,", big, "\n"     /* 5 */
                         "4,ok,o\"k,ok\n"          /* 6 */
                         "5,ok,ok,ok\n"            /* 7 */
                         "6,ok,\"open\n",          /* 8- */
                         (const char *)NULL);
    size_t n1 = sizeof part1 - 1, n2 = strlen(part2);
    char *text = malloc(n1 + n2);
    assert_non_null(text);
    memcpy(text, part1, n1);
    memcpy(text + n1, part2, n2);
    assert_int_equal(parse_n(text, n1 + n2, &s, d), MM_EDATA);
    assert_int_equal(mm_diag_error_count(d), 6);
    expect_error(d, 0, 2, 2, "invalid UTF-8");
    expect_error(d, 1, 2, 4, "invalid UTF-8");
    expect_error(d, 2, 4, 3, "NUL byte");
    expect_error(d, 3, 5, 4, "field longer than 4096 bytes");
    expect_error(d, 4, 6, 3, "malformed quoting");
    expect_error(d, 5, 8, 3, "unterminated quoted field");
    assert_int_equal(s.n, 2);
    expect_row(&s, 1, 7, 5, 4);
    seen_free(&s);
    free(text);
    free(part2);
    free(big);
    mm_diag_free(d);
}

static void test_header_error(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    /* No row is delivered without a header, but the file is still checked. */
    assert_int_equal(parse("id,n\xFF" "ame\n1,Ann\n2,\xFF\n", &s, d), MM_EDATA);
    assert_int_equal(mm_diag_size(d), 2);
    expect_error(d, 0, 1, 2, "invalid UTF-8");
    expect_error(d, 1, 3, 2, "invalid UTF-8");
    assert_int_equal(s.n, 0);
    mm_diag_free(d);
}

static void test_blank_lines(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    const char *text = "\n"          /* 1 */
                       "\r\n"        /* 2 */
                       "id,x\n"      /* 3 */
                       "   \t\n"     /* 4 */
                       ",,,\n"       /* 5 */
                       " , \t,\n"    /* 6 */
                       "\"\",\" \"\n" /* 7 */
                       "1,a\n"       /* 8 */
                       "\n"          /* 9 */
                       ",,\r\n"      /* 10 */
                       "2,b\n"       /* 11 */
                       "\n";
    assert_int_equal(parse(text, &s, d), MM_OK);
    assert_int_equal(mm_diag_size(d), 0);
    assert_int_equal(s.n, 3);
    expect_row(&s, 0, 3, 0, 2);
    expect_row(&s, 1, 8, 1, 2);
    expect_row(&s, 2, 11, 2, 2);
    expect_field(&s, 2, 1, "b", 11);
    seen_free(&s);
    /* A record with one empty field among others is data. */
    assert_int_equal(parse("id,x\n,a\n", &s, d), MM_OK);
    expect_row(&s, 1, 2, 1, 2);
    expect_field(&s, 1, 0, "", 2);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_header_only(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id,name,department\n", &s, d), MM_OK);
    assert_int_equal(mm_diag_size(d), 0);
    assert_int_equal(s.n, 1);
    expect_row(&s, 0, 1, 0, 3);
    expect_field(&s, 0, 2, "department", 1);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_empty(void **state)
{
    (void)state;
    static const char *const empties[] = {"", "\n\n", " ,\t,\r\n\n", "\xEF\xBB\xBF"};
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        mm_diag_clear(d);
        assert_int_equal(parse(empties[i], &s, d), MM_EDATA);
        assert_int_equal(mm_diag_size(d), 1);
        expect_error(d, 0, 1, 1, "no header row");
        assert_int_equal(s.n, 0);
    }
    mm_diag_clear(d);
    assert_int_equal(csvr_parse_buffer(NULL, 0, "t.csv", collect, &s, d), MM_EDATA);
    expect_error(d, 0, 1, 1, "no header row");
    mm_diag_free(d);
}

static void test_callback_stops(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    const char *text = "id\n1\n2\n\xFF\n";
    s.stop_at = 1;
    s.stop_code = MM_ENOMEM;
    assert_int_equal(parse(text, &s, d), MM_ENOMEM);
    assert_int_equal(s.n, 2);
    assert_int_equal(mm_diag_size(d), 0); /* line 4 was never read */
    seen_free(&s);
    /* On the header row, and with MM_EDATA. */
    s.stop_at = 0;
    s.stop_code = MM_EDATA;
    assert_int_equal(parse(text, &s, d), MM_EDATA);
    assert_int_equal(s.n, 1);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_callback_own_error(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    /* The callback records an error on row 2 and returns MM_OK: parsing goes on. */
    s.diag = d;
    assert_int_equal(parse("id\n1\n2\n3\n", &s, d), MM_OK);
    assert_int_equal(s.n, 4);
    assert_int_equal(mm_diag_error_count(d), 1);
    expect_error(d, 0, 3, 1, "importer's own error");
    seen_free(&s);
    mm_diag_free(d);
}

static void test_index_keeps_place(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(parse("id\n\xFF\n\n2\n", &s, d), MM_EDATA);
    assert_int_equal(s.n, 2);
    expect_row(&s, 1, 4, 2, 1);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_diag_full_stops(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(2);
    assert_int_equal(parse("id\n\xFF\n\xFF\n\xFF\nok\n", &s, d), MM_EDATA);
    assert_int_equal(mm_diag_error_count(d), 2);
    assert_true(mm_diag_full(d));
    assert_int_equal(s.n, 1);
    seen_free(&s);
    mm_diag_free(d);
}

static void test_no_diag(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    assert_int_equal(parse("id\n\xFF\n\"x\n", &s, NULL), MM_EDATA);
    assert_int_equal(s.n, 1);
    seen_free(&s);
    assert_int_equal(parse("id\n1\n", &s, NULL), MM_OK);
    seen_free(&s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(csvr_parse_buffer("id\n", 3, "t.csv", NULL, NULL, d), MM_EINTERNAL);
    assert_int_equal(csvr_parse_buffer(NULL, 3, "t.csv", collect, NULL, d), MM_EINTERNAL);
    assert_int_equal(csvr_parse_file(NULL, "t.csv", collect, NULL, d), MM_EINTERNAL);
    /* The size bound is checked before any byte is read. */
    assert_int_equal(csvr_parse_buffer("id\n", ((size_t)1 << 30) + 1, "t.csv", collect, NULL, d),
                     MM_EDATA);
    assert_int_equal(mm_diag_size(d), 1);
    expect_error(d, 0, 0, 0, "file larger than 1073741824 bytes");
    mm_diag_free(d);
}

static void test_file_missing(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    assert_int_equal(csvr_parse_file("/nonexistent/employees.csv", "t.csv", collect, &s, d),
                     MM_ENOINPUT);
    assert_int_equal(mm_diag_size(d), 1);
    char want[256];
    snprintf(want, sizeof want, "cannot open: %s", strerror(ENOENT));
    expect_error(d, 0, 0, 0, want);
    assert_int_equal(mm_diag_first_code(d), MM_ENOINPUT);
    mm_diag_clear(d);
    /* A directory is not a readable file either. */
    assert_int_equal(csvr_parse_file("/tmp", "t.csv", collect, &s, d), MM_ENOINPUT);
    assert_int_equal(s.n, 0);
    mm_diag_free(d);
}

/* A temporary file path holding text; the caller unlinks it. */
static void temp_file(char *path, size_t size, const char *text, size_t len)
{
    snprintf(path, size, "/tmp/test_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_file(void **state)
{
    (void)state;
    seen s;
    seen_init(&s);
    mm_diag *d = mm_diag_new(10);
    char path[64];
    const char text[] = "\xEF\xBB\xBFid,name\r\n1,\"Doe,\r\nJane\"\r\n2,\xFF\r\n3,x\r\n";
    temp_file(path, sizeof path, text, sizeof text - 1);
    assert_int_equal(csvr_parse_file(path, "t.csv", collect, &s, d), MM_EDATA);
    expect_error(d, 0, 4, 2, "invalid UTF-8");
    assert_int_equal(s.n, 3);
    expect_field(&s, 0, 0, "id", 1);
    expect_field(&s, 1, 1, "Doe,\nJane", 2);
    expect_row(&s, 2, 5, 3, 2);
    seen_free(&s);
    assert_int_equal(unlink(path), 0);

    /* An empty file. */
    mm_diag_clear(d);
    temp_file(path, sizeof path, "", 0);
    assert_int_equal(csvr_parse_file(path, "t.csv", collect, &s, d), MM_EDATA);
    expect_error(d, 0, 1, 1, "no header row");
    assert_int_equal(unlink(path), 0);

    /* Over 1 GiB (sparse, so cheap): refused before reading. */
    mm_diag_clear(d);
    temp_file(path, sizeof path, "", 0);
    assert_int_equal(truncate(path, (off_t)((1L << 30) + 1)), 0);
    assert_int_equal(csvr_parse_file(path, "t.csv", collect, &s, d), MM_EDATA);
    expect_error(d, 0, 0, 0, "file larger than 1073741824 bytes");
    assert_int_equal(s.n, 0);
    assert_int_equal(unlink(path), 0);
    mm_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lf),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_quoted_commas),
        cmocka_unit_test(test_quoted_line_breaks),
        cmocka_unit_test(test_escaped_quotes),
        cmocka_unit_test(test_utf8_kept),
        cmocka_unit_test(test_trimming),
        cmocka_unit_test(test_plain_lines_as_libcsv),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_record_limit),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_malformed_quoting),
        cmocka_unit_test(test_multiple_errors),
        cmocka_unit_test(test_header_error),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_callback_own_error),
        cmocka_unit_test(test_index_keeps_place),
        cmocka_unit_test(test_diag_full_stops),
        cmocka_unit_test(test_no_diag),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_file_missing),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
