/*
 * test_parwrite.c - a section's items formatted on several threads: the
 * bytes are those of one thread formatting them all, for every thread
 * count and round size, in a plain stream and in JSON arrays continued by
 * jsonw_fork; a failure of a range reaches the stream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "jsonw.h"
#include "parwrite.h"
#include "mentormatch.h"

/* A sink that keeps the file in memory. */
typedef struct mem_sink {
    file_sink sink;
    char *data;
    size_t len;
} mem_sink;

static int mem_open(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return MM_OK;
}

static int mem_write(void *ctx, const char *data, size_t len)
{
    mem_sink *m = ctx;
    char *p = realloc(m->data, m->len + len);
    assert_non_null(p);
    memcpy(p + m->len, data, len);
    m->data = p;
    m->len += len;
    return MM_OK;
}

static int mem_close(void *ctx, int ok)
{
    (void)ctx;
    (void)ok;
    return MM_OK;
}

/* Item i: a line of a length that varies with i. */
static void lines(const void *ctx, size_t begin, size_t end, ostream *out)
{
    (void)ctx;
    for (size_t i = begin; i < end; i++) {
        char buf[64];
        int n = snprintf(buf, sizeof buf, "item %zu%.*s\n", i, (int)(i % 37), "..........................................");
        ostream_write(out, buf, (size_t)n);
    }
}

/* Item i of an array that ctx's writer has open: an object with an array. */
static void objects(const void *ctx, size_t begin, size_t end, ostream *out)
{
    jsonw w;
    jsonw_fork(&w, ctx, out, begin > 0);
    for (size_t i = begin; i < end; i++) {
        jsonw_object(&w, NULL);
        jsonw_number(&w, "i", (double)i);
        jsonw_array(&w, "a");
        for (size_t k = 0; k < i % 3; k++)
            jsonw_string(&w, NULL, "x");
        jsonw_end(&w);
        jsonw_end(&w);
    }
}

/* The text of n items by fn (a stream of lines, or a JSON document with
   two arrays of n items), formatted on threads threads in rounds of grain. */
static char *text(size_t n, size_t grain, int threads, int json, size_t *len)
{
    mem_sink m = {{mem_open, mem_write, mem_close, NULL}, NULL, 0};
    m.sink.ctx = &m;
    ostream os;
    assert_int_equal(ostream_open(&os, &m.sink, "f"), MM_OK);
    if (json) {
        jsonw w;
        jsonw_init(&w, &os);
        jsonw_object(&w, NULL);
        for (int a = 0; a < 2; a++) {
            jsonw_array(&w, a ? "b" : "a");
            jsonw_string(&w, NULL, "first"); /* items before the forked ones */
            assert_int_equal(parwrite_items(&os, n, grain, threads, objects, &w), MM_OK);
            jsonw_join(&w, n > 0);
            jsonw_string(&w, NULL, "last");
            jsonw_end(&w);
        }
        jsonw_end(&w);
    } else {
        assert_int_equal(parwrite_items(&os, n, grain, threads, lines, NULL), MM_OK);
    }
    assert_int_equal(ostream_close(&os, 1), MM_OK);
    *len = m.len;
    return m.data;
}

static void test_same_bytes(void **state)
{
    (void)state;
    static const size_t counts[] = {0, 1, 2, 5, 100, 4099};
    static const size_t grains[] = {1, 3, 64, 100000};
    for (int json = 0; json < 2; json++) {
        for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
            size_t want_len;
            char *want = text(counts[c], 0, 1, json, &want_len);
            for (size_t g = 0; g < sizeof grains / sizeof *grains; g++) {
                for (int threads = 1; threads <= 4; threads++) {
                    size_t len;
                    char *got = text(counts[c], grains[g], threads, json, &len);
                    assert_int_equal(len, want_len);
                    assert_memory_equal(got, want, len);
                    free(got);
                }
            }
            free(want);
        }
    }
}

/* A text larger than the stream's buffer, through rounds: the same bytes. */
static void test_large(void **state)
{
    (void)state;
    size_t n = 200000, want_len, len;
    char *want = text(n, 0, 1, 0, &want_len);
    assert_true(want_len > 2 * OSTREAM_BUFFER);
    char *got = text(n, 5000, 2, 0, &len);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, len);
    free(got);
    free(want);
}

/* Ranges that fail (as out of memory) from item 7 on. */
static void failing(const void *ctx, size_t begin, size_t end, ostream *out)
{
    lines(ctx, begin, end, out);
    if (end > 7)
        out->rc = MM_ENOMEM;
}

static void test_failure(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 3; threads++) {
        mem_sink m = {{mem_open, mem_write, mem_close, NULL}, NULL, 0};
        m.sink.ctx = &m;
        ostream os;
        assert_int_equal(ostream_open(&os, &m.sink, "f"), MM_OK);
        assert_int_equal(parwrite_items(&os, 20, 2, threads, failing, NULL), MM_ENOMEM);
        assert_int_equal(ostream_close(&os, 1), MM_ENOMEM);
        free(m.data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
