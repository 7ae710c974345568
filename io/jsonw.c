/*
 * jsonw.c - JSON text as cJSON_Print writes it, streamed (jsonw.h).
 *
 * The layout follows cJSON 1.7's print_object and print_array: an object
 * is "{\n", its members each on a line indented by its depth, separated by
 * ",\n", then "\n", the parent's indent and "}"; an empty one "{\n" indent
 * "}"; an array "[" items separated by ", " "]". Numbers and strings follow
 * print_number and print_string_ptr; tests/unit/test_jsonw.c holds the two
 * texts against each other.
 */
#include "jsonw.h"

#include <assert.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jsonw_init(jsonw *w, ostream *os)
{
    memset(w, 0, sizeof *w);
    w->os = os;
}

static void tabs(ostream *os, int n)
{
    static const char t[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";
    while (n > 0) {
        int k = n < (int)sizeof t - 1 ? n : (int)sizeof t - 1;
        ostream_write(os, t, (size_t)k);
        n -= k;
    }
}

/* A string in quotes with cJSON's escapes (bytes of 0x80 and above as they are). */
static void quoted(ostream *os, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    ostream_putc(os, '"');
    for (;;) {
        const unsigned char *run = p;
        while (*p >= 32 && *p != '"' && *p != '\\')
            p++;
        ostream_write(os, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        char esc[8] = {'\\', 0};
        size_t n = 2;
        switch (*p) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            snprintf(esc + 1, sizeof esc - 1, "u%04x", (unsigned)*p);
            n = 6;
            break;
        }
        ostream_write(os, esc, n);
        p++;
    }
    ostream_putc(os, '"');
}

/* What comes before a value: the separator, and in an object the key. */
static void begin_value(jsonw *w, const char *key)
{
    if (w->depth == 0)
        return;
    int d = w->depth - 1;
    if (w->array[d]) {
        if (w->items[d])
            ostream_write(w->os, ", ", 2);
    } else {
        if (w->items[d])
            ostream_write(w->os, ",\n", 2);
        tabs(w->os, w->depth);
        quoted(w->os, key ? key : "");
        ostream_write(w->os, ":\t", 2);
    }
    w->items[d] = true;
}

static void open_container(jsonw *w, const char *key, bool array)
{
    begin_value(w, key);
    if (w->depth >= JSONW_DEPTH) {
        if (w->os->rc == MM_OK)
            w->os->rc = MM_EINTERNAL;
        return;
    }
    w->array[w->depth] = array;
    w->items[w->depth] = false;
    w->depth++;
    ostream_write(w->os, array ? "[" : "{\n", array ? 1 : 2);
}

void jsonw_object(jsonw *w, const char *key)
{
    open_container(w, key, false);
}

void jsonw_array(jsonw *w, const char *key)
{
    open_container(w, key, true);
}

void jsonw_fork(jsonw *item_w, const jsonw *w, ostream *os, bool after_items)
{
    assert(w->depth > 0 && w->array[w->depth - 1]);
    *item_w = *w;
    item_w->os = os;
    item_w->items[w->depth - 1] = w->items[w->depth - 1] || after_items;
}

void jsonw_join(jsonw *w, bool any)
{
    assert(w->depth > 0 && w->array[w->depth - 1]);
    w->items[w->depth - 1] |= any;
}

void jsonw_end(jsonw *w)
{
    if (w->depth == 0)
        return;
    int d = --w->depth;
    if (w->array[d]) {
        ostream_putc(w->os, ']');
        return;
    }
    if (w->items[d])
        ostream_putc(w->os, '\n');
    tabs(w->os, d);
    ostream_putc(w->os, '}');
}

/* The decimal digits of v, written backwards from end; returns the first. */
static char *digits(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/* cJSON's print_number: "%1.15g", or "%1.17g" when the shorter text does
   not read back as the same number (within a relative DBL_EPSILON). */
static size_t format_slow(double v, char *buf)
{
    int n = snprintf(buf, 32, "%1.15g", v);
    double back = strtod(buf, NULL);
    double max = fabs(back) > fabs(v) ? fabs(back) : fabs(v);
    if (!(fabs(back - v) <= max * DBL_EPSILON))
        n = snprintf(buf, 32, "%1.17g", v);
    if (n < 0 || n > 25) { /* cJSON's buffer holds 25 characters */
        memcpy(buf, "null", 5);
        return 4;
    }
    /* cJSON writes '.' whatever the locale's decimal point */
    char point = localeconv()->decimal_point[0];
    for (int i = 0; i < n; i++)
        if (buf[i] == point)
            buf[i] = '.';
    return (size_t)n;
}

size_t jsonw_format_number(double v, char *buf)
{
    if (isnan(v) || isinf(v)) {
        memcpy(buf, "null", 5);
        return 4;
    }
    char tmp[32], *end = tmp + sizeof tmp, *p;
    double a = fabs(v);
    if (v == 0 && signbit(v))
        return format_slow(v, buf);
    if (a < 1e15 && a == floor(a)) {
        /* an integer: "%1.15g" writes its digits */
        p = digits((uint64_t)a, end);
    } else if (a < 1e9) {
        /* k millionths exactly (the reports round to 6 decimals): the double
           nearest k/10^6 prints as that decimal, trailing zeros dropped,
           and reads back as itself; below 1e-4 "%g" would use an exponent */
        double k = round(a * 1e6);
        if (k < 100 || k / 1e6 != a)
            return format_slow(v, buf);
        uint64_t ki = (uint64_t)k;
        uint64_t frac = ki % 1000000;
        p = end;
        if (frac) {
            int len = 6;
            while (frac % 10 == 0) {
                frac /= 10;
                len--;
            }
            for (int i = 0; i < len; i++) {
                *--p = (char)('0' + frac % 10);
                frac /= 10;
            }
            *--p = '.';
        }
        p = digits(ki / 1000000, p);
    } else {
        return format_slow(v, buf);
    }
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(end - p);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return n;
}

void jsonw_number(jsonw *w, const char *key, double v)
{
    char buf[32];
    begin_value(w, key);
    ostream_write(w->os, buf, jsonw_format_number(v, buf));
}

void jsonw_string(jsonw *w, const char *key, const char *v)
{
    begin_value(w, key);
    quoted(w->os, v ? v : "");
}

void jsonw_bool(jsonw *w, const char *key, bool v)
{
    begin_value(w, key);
    ostream_write(w->os, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(jsonw *w, const char *key)
{
    begin_value(w, key);
    ostream_write(w->os, "null", 4);
}

void jsonw_tree(jsonw *w, const char *key, const cJSON *item)
{
    const cJSON *c;
    switch (item ? item->type & 0xFF : cJSON_Invalid) {
    case cJSON_NULL:
        jsonw_null(w, key);
        break;
    case cJSON_False:
        jsonw_bool(w, key, false);
        break;
    case cJSON_True:
        jsonw_bool(w, key, true);
        break;
    case cJSON_Number:
        jsonw_number(w, key, item->valuedouble);
        break;
    case cJSON_String:
        jsonw_string(w, key, item->valuestring);
        break;
    case cJSON_Array:
        jsonw_array(w, key);
        for (c = item->child; c; c = c->next)
            jsonw_tree(w, NULL, c);
        jsonw_end(w);
        break;
    case cJSON_Object:
        jsonw_object(w, key);
        for (c = item->child; c; c = c->next)
            jsonw_tree(w, c->string, c);
        jsonw_end(w);
        break;
    case cJSON_Raw: /* its text as it is */
        if (!item->valuestring)
            goto invalid;
        begin_value(w, key);
        ostream_puts(w->os, item->valuestring);
        break;
    default: /* cJSON_Print fails on these */
    invalid:
        if (w->os->rc == MM_OK)
            w->os->rc = MM_EINTERNAL;
        break;
    }
}
