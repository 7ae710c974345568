/*
 * test_jsonw.c - the streamed JSON writer against cJSON_Print: numbers
 * (integers, the 6-decimal figures of the reports, random doubles of every
 * magnitude, signed zero, the edges of the fast paths, non-finite values),
 * strings with every escape, and random documents of nested objects and
 * arrays (empty ones too), written through a stream with a small buffer's
 * worth of pieces; the same bytes every time. What cJSON_Print refuses
 * (nesting past the limit, items of no type) is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "jsonw.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The number as cJSON prints it (unformatted: the number alone). */
static void expect_number(double v)
{
    cJSON *n = cJSON_CreateNumber(v);
    assert_non_null(n);
    char *want = cJSON_PrintUnformatted(n);
    assert_non_null(want);
    char got[32];
    size_t len = jsonw_format_number(v, got);
    if (strcmp(want, got) != 0 || len != strlen(want))
        fail_msg("%.17g: cJSON %s, jsonw %s", v, want, got);
    free(want);
    cJSON_Delete(n);
}

static void test_numbers(void **state)
{
    (void)state;
    static const double fixed[] = {0,        1,       -1,      873,     1e15,    1e15 - 1,
                                   -1e15 + 1, 1e15 + 2, 1e16,   1e9,     1e9 - 1e-6,
                                   999999999.999999, 0.0001, 0.00009, 0.000099, 0.0000001,
                                   1e-300,   5e-324,  1.7976931348623157e308, 0.1, 0.2,
                                   0.30000000000000004, 1.0 / 3, 2.0 / 3, 123456.789,
                                   -0.5,     4294967296.5, 9007199254740993.0, 0.923456,
                                   12.5,     100.000001, -99.9999};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        expect_number(fixed[i]);
        expect_number(-fixed[i]);
    }
    expect_number(-0.0);
    expect_number(NAN);
    expect_number(INFINITY);
    expect_number(-INFINITY);
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next();
        double v;
        switch (i % 5) {
        case 0: /* any bits */
            memcpy(&v, &r, sizeof v);
            break;
        case 1: /* a figure rounded to 6 decimals, as the reports round */
            v = round((double)(r % 2000000000001ull) / 1e3 * 1e6) / 1e6 - 1e6;
            break;
        case 2: /* a share in [0, 1] at 6 decimals */
            v = round((double)(r % 1000001) / 1e6 * 1e6) / 1e6;
            break;
        case 3: /* an integer of any size */
            v = (double)(int64_t)r / (double)(1ull << (r % 63));
            v = round(v);
            break;
        default: /* any magnitude */
            v = ldexp((double)(r >> 11) / 9007199254740992.0, (int)(r % 200) - 100);
            break;
        }
        if (!isnan(v))
            expect_number(v);
    }
}

/* A random value: depth limits the nesting. */
static cJSON *random_value(int depth)
{
    static const char *const strings[] = {"", "plain", "quote \" and \\ backslash",
                                          "tab\tnewline\ncr\rbs\bff\f", "\x01\x02\x1f ctl",
                                          "Åsa Schäfer Łukasz 日本", "slash / del \x7f"};
    uint64_t r = next() % (depth > 0 ? 9 : 6);
    switch (r) {
    case 0:
        return cJSON_CreateNull();
    case 1:
        return cJSON_CreateBool(next() % 2);
    case 2:
        return cJSON_CreateString(strings[next() % 7]);
    case 3:
        return cJSON_CreateNumber(round((double)(next() % 2000001) - 1e6) / 1e3);
    case 4:
        return cJSON_CreateNumber((double)(int32_t)next());
    case 5:
        return cJSON_CreateRaw("12345678901234567890");
    case 6:
    case 7: {
        cJSON *o = cJSON_CreateObject();
        int n = (int)(next() % 5);
        for (int i = 0; i < n; i++) {
            char key[16];
            snprintf(key, sizeof key, i == 2 ? "k\"%d\n" : "key%d", i);
            cJSON_AddItemToObject(o, key, random_value(depth - 1));
        }
        return o;
    }
    default: {
        cJSON *a = cJSON_CreateArray();
        int n = (int)(next() % 5);
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(a, random_value(depth - 1));
        return a;
    }
    }
}

/* The text of item written by jsonw (whole, as the top value), malloc'd. */
static char *written(const cJSON *item, bool streamed_root)
{
    file_set set = {0};
    fileset_sink fs;
    fileset_sink_init(&fs, &set);
    ostream os;
    assert_int_equal(ostream_open(&os, &fs.sink, "x.json"), MM_OK);
    jsonw w;
    jsonw_init(&w, &os);
    if (streamed_root && cJSON_IsObject(item)) {
        /* the root by the streaming calls, its members as trees */
        jsonw_object(&w, NULL);
        for (const cJSON *c = item->child; c; c = c->next)
            jsonw_tree(&w, c->string, c);
        jsonw_end(&w);
    } else {
        jsonw_tree(&w, NULL, item);
    }
    assert_int_equal(ostream_close(&os, 1), MM_OK);
    assert_int_equal(set.n, 1);
    char *text = set.files[0].data;
    set.files[0].data = NULL;
    fileset_free(&set);
    return text;
}

static void test_documents(void **state)
{
    (void)state;
    for (int i = 0; i < 3000; i++) {
        cJSON *doc = random_value(i % 7);
        assert_non_null(doc);
        char *want = cJSON_Print(doc);
        assert_non_null(want);
        char *got = written(doc, i % 2 == 0);
        assert_string_equal(got, want);
        free(got);
        free(want);
        cJSON_Delete(doc);
    }
}

/* A document of the report's shape: objects in arrays in objects. */
static void test_report_shape(void **state)
{
    (void)state;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema_version", "1.0");
    cJSON *run = cJSON_AddObjectToObject(root, "run");
    cJSON_AddObjectToObject(run, "empty");
    cJSON_AddArrayToObject(run, "none");
    cJSON *pairs = cJSON_AddArrayToObject(root, "pairs");
    for (int i = 0; i < 3; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "learner_id", "E0001");
        cJSON_AddNumberToObject(p, "score", 873 + i);
        cJSON *f = cJSON_AddObjectToObject(p, "features");
        cJSON_AddNumberToObject(f, "skill", 0.923456);
        cJSON_AddItemToArray(pairs, p);
    }
    cJSON_AddNullToObject(root, "price_of_fairness");
    char *want = cJSON_Print(root);
    char *got = written(root, true);
    assert_string_equal(got, want);
    free(got);
    free(want);
    cJSON_Delete(root);
}

/* jsonw_tree of item through a stream into a set: the ostream's code; the
   file (malloc'd) in *text when it was kept, else NULL. */
static int write_tree(const cJSON *item, char **text)
{
    file_set set = {0};
    fileset_sink fs;
    fileset_sink_init(&fs, &set);
    ostream os;
    assert_int_equal(ostream_open(&os, &fs.sink, "x.json"), MM_OK);
    jsonw w;
    jsonw_init(&w, &os);
    jsonw_tree(&w, NULL, item);
    int rc = ostream_close(&os, 1);
    *text = NULL;
    if (set.n == 1) {
        *text = set.files[0].data;
        set.files[0].data = NULL;
    }
    fileset_free(&set);
    return rc;
}

/* What cJSON_Print refuses, jsonw refuses (MM_EINTERNAL, the file dropped):
   nesting past JSONW_DEPTH, no item, an item of no type, raw text that is
   NULL; raw text is written as it is; a NULL key or string is "". */
static void test_limits(void **state)
{
    (void)state;
    char *text;
    /* JSONW_DEPTH levels are written, one more is refused */
    for (int depth = JSONW_DEPTH; depth <= JSONW_DEPTH + 1; depth++) {
        cJSON *root = cJSON_CreateArray(), *at = root;
        assert_non_null(root);
        for (int i = 1; i < depth; i++) { /* objects in arrays in objects */
            cJSON *c = i % 2 ? cJSON_CreateObject() : cJSON_CreateArray();
            assert_non_null(c);
            assert_true(cJSON_IsArray(at) ? cJSON_AddItemToArray(at, c)
                                          : cJSON_AddItemToObject(at, "k", c));
            at = c;
        }
        int rc = write_tree(root, &text);
        if (depth == JSONW_DEPTH) {
            assert_int_equal(rc, MM_OK);
            char *want = cJSON_Print(root);
            assert_string_equal(text, want);
            free(want);
            free(text);
        } else {
            assert_int_equal(rc, MM_EINTERNAL);
            assert_null(text);
        }
        cJSON_Delete(root);
    }

    /* no item, an item of no type */
    assert_int_equal(write_tree(NULL, &text), MM_EINTERNAL);
    assert_null(text);
    cJSON invalid;
    memset(&invalid, 0, sizeof invalid);
    assert_null(cJSON_Print(&invalid));
    assert_int_equal(write_tree(&invalid, &text), MM_EINTERNAL);
    assert_null(text);

    /* raw text as it is; raw text that is NULL refused as cJSON does */
    cJSON *o = cJSON_CreateObject();
    assert_non_null(o);
    cJSON *raw = cJSON_CreateRaw("[1,  2]");
    assert_true(cJSON_AddItemToObject(o, "raw", raw));
    char *want = cJSON_Print(o);
    assert_int_equal(write_tree(o, &text), MM_OK);
    assert_string_equal(text, want);
    free(text);
    free(want);
    cJSON_free(raw->valuestring);
    raw->valuestring = NULL;
    assert_null(cJSON_Print(o));
    assert_int_equal(write_tree(o, &text), MM_EINTERNAL);
    cJSON_Delete(o);

    /* NULL as "" for a member's key and a string */
    file_set set = {0};
    fileset_sink fs;
    fileset_sink_init(&fs, &set);
    ostream os;
    jsonw w;
    assert_int_equal(ostream_open(&os, &fs.sink, "x.json"), MM_OK);
    jsonw_init(&w, &os);
    jsonw_object(&w, NULL);
    jsonw_string(&w, NULL, NULL);
    jsonw_end(&w);
    jsonw_end(&w); /* nothing left open: nothing written */
    assert_int_equal(ostream_close(&os, 1), MM_OK);
    assert_string_equal(set.files[0].data, "{\n\t\"\":\t\"\"\n}");
    fileset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_report_shape),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
