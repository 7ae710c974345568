/*
 * jsonparse.c - cJSON parsing that tells bad JSON from a lack of memory.
 *
 * cJSON_ParseWithLength returns NULL for both. When it does, the text is
 * checked again by a validator that allocates nothing and accepts only JSON
 * that cJSON accepts too (RFC 8259, at most JSON_MAX_DEPTH levels, \u
 * escapes with their surrogates paired as cJSON wants them): text it accepts
 * failed for lack of memory.
 */
#include "jsonparse.h"

#include <stdbool.h>
#include <string.h>

#include "mentormatch.h"

#define JSON_MAX_DEPTH 900 /* under cJSON's CJSON_NESTING_LIMIT (1000) */

typedef struct scan {
    const char *p, *end;
} scan;

static void skip_ws(scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static bool literal(scan *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return false;
    s->p += n;
    return true;
}

static bool digits(scan *s)
{
    const char *start = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > start;
}

static bool number(scan *s)
{
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (!digits(s))
        return false;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (!digits(s))
            return false;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (!digits(s))
            return false;
    }
    return true;
}

/* Four hex digits after "\u": the code unit, or -1. */
static long hex4(scan *s)
{
    long v = 0;
    if (s->end - s->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = *s->p++;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool string(scan *s)
{
    if (s->p >= s->end || *s->p != '"')
        return false;
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p++;
        if (c == '"')
            return true;
        if (c < 0x20)
            return false;
        if (c != '\\')
            continue;
        if (s->p >= s->end)
            return false;
        c = (unsigned char)*s->p++;
        if (c != 'u') {
            if (!strchr("\"\\/bfnrt", c) || c == '\0')
                return false;
            continue;
        }
        long u = hex4(s);
        if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
            return false;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (!literal(s, "\\u"))
                return false;
            long lo = hex4(s);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return false;
        }
    }
    return false;
}

static bool value(scan *s, int depth);

static bool container(scan *s, int depth, char close, bool members)
{
    if (depth >= JSON_MAX_DEPTH)
        return false;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return true;
    }
    for (;;) {
        skip_ws(s);
        if (members) {
            if (!string(s))
                return false;
            skip_ws(s);
            if (s->p >= s->end || *s->p++ != ':')
                return false;
        }
        if (!value(s, depth + 1))
            return false;
        skip_ws(s);
        if (s->p >= s->end)
            return false;
        char c = *s->p++;
        if (c == close)
            return true;
        if (c != ',')
            return false;
    }
}

static bool value(scan *s, int depth)
{
    skip_ws(s);
    if (s->p >= s->end)
        return false;
    switch (*s->p) {
    case '{':
        return container(s, depth, '}', true);
    case '[':
        return container(s, depth, ']', false);
    case '"':
        return string(s);
    case 't':
        return literal(s, "true");
    case 'f':
        return literal(s, "false");
    case 'n':
        return literal(s, "null");
    default:
        return number(s);
    }
}

int json_parse(const char *text, size_t len, cJSON **out)
{
    *out = cJSON_ParseWithLength(text, len);
    if (*out)
        return MM_OK;
    scan s = {text, text + len};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3; /* cJSON skips a byte order mark too */
    if (!text || !value(&s, 0))
        return MM_EDATA;
    skip_ws(&s);
    return s.p == s.end ? MM_ENOMEM : MM_EDATA;
}

size_t json_text_check(const char *text, size_t len, const char **why)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0;
    bool in_string = false;
    while (i < len) {
        unsigned c = t[i];
        if (c == 0) {
            *why = "NUL byte";
            return i;
        }
        if (c == '"') {
            in_string = !in_string;
            i++;
            continue;
        }
        if (c == '\\' && in_string) {
            /* an escape: \u0000 is a NUL in disguise; the rest is cJSON's to judge */
            if (i + 5 < len && t[i + 1] == 'u' && t[i + 2] == '0' && t[i + 3] == '0' &&
                t[i + 4] == '0' && t[i + 5] == '0') {
                *why = "\\u0000 (a NUL character)";
                return i;
            }
            i += i + 1 < len ? 2 : 1;
            continue;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                   : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        bool ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = (t[i + k] & 0xc0) == 0x80;
        if (ok && n == 3) /* overlong (e0 < a0) and surrogates (ed >= a0) */
            ok = !(c == 0xe0 && t[i + 1] < 0xa0) && !(c == 0xed && t[i + 1] >= 0xa0);
        if (ok && n == 4) /* overlong (f0 < 90) and over U+10FFFF (f4 >= 90) */
            ok = !(c == 0xf0 && t[i + 1] < 0x90) && !(c == 0xf4 && t[i + 1] >= 0x90);
        if (!ok) {
            *why = "invalid UTF-8";
            return i;
        }
        i += n;
    }
    return len;
}
