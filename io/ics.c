/*
 * ics.c - VEVENT text as libical 3.0 writes it (ics.h).
 *
 * Each property is built as one line ending in CRLF, as
 * icalproperty_as_ical_string_r builds it, then folded by the same rule as
 * its fold_property_line (the CRLF counts in the length, as there).
 */
#include "ics.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mentormatch.h"

#define MAX_LINE_LEN 75

/* Makes room for n more bytes after len: false when out of memory. */
static bool room(ics_writer *w, size_t len, size_t n)
{
    if (len + n <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : 512;
    while (cap < len + n) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    char *p = realloc(w->line, cap);
    if (!p)
        return false;
    w->line = p;
    w->cap = cap;
    return true;
}

/* Where the next folded line starts (libical's get_next_line_start). */
static size_t next_line_start(const char *line, size_t start, size_t left)
{
    if (left < MAX_LINE_LEN)
        return start + left;
    /* back from the last place on the line to a ';', ':' or space */
    for (size_t pos = start + MAX_LINE_LEN - 2; pos > start; pos--)
        if (line[pos] == ';' || line[pos] == ':' || line[pos] == ' ')
            return pos + 1;
    /* else before an ASCII byte or the first byte of a UTF-8 sequence */
    for (size_t pos = start + MAX_LINE_LEN - 1; pos > start; pos--)
        if ((line[pos] & 128) == 0 || (line[pos] & 192) == 192)
            return pos;
    return start + MAX_LINE_LEN - 1;
}

/* Writes the line (with its CRLF, len bytes) folded. */
static void fold(ostream *os, const char *line, size_t len)
{
    if (len < MAX_LINE_LEN) {
        ostream_write(os, line, len);
        return;
    }
    size_t start = 0;
    while (start < len) {
        size_t next = next_line_start(line, start, len - start);
        if (start)
            ostream_write(os, "\r\n ", 3);
        ostream_write(os, line + start, next - start);
        start = next;
    }
}

/* Appends s to the line at *len (room for 2 bytes per byte of s and 8
   more is made by the caller). */
static void put(char *line, size_t *len, const char *s, size_t n)
{
    memcpy(line + *len, s, n);
    *len += n;
}

/* A TEXT value as libical escapes it: newline as \n, ; , and backslash
   after a backslash, CR, BS and FF dropped, the rest (tab too) as it is. */
static void put_text(char *line, size_t *len, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\n':
            put(line, len, "\\n", 2);
            break;
        case '\r':
        case '\b':
        case '\f':
            break;
        case ';':
        case ',':
        case '\\':
            line[(*len)++] = '\\';
            line[(*len)++] = *s;
            break;
        default:
            line[(*len)++] = *s;
            break;
        }
    }
}

/* A byte a parameter value may hold as it is (libical's SAFE-CHAR, or
   QSAFE-CHAR when the value is quoted). */
static bool param_safe(unsigned char c, bool quoted)
{
    if (c == ' ' || c == '\t' || c == '!' || (c >= 0x80 && c <= 0xF8))
        return true;
    if (quoted)
        return c >= 0x23 && c <= 0x7e;
    return (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x39) || (c >= 0x3c && c <= 0x7e);
}

/* A parameter value as libical writes it: quoted when empty or holding
   ; : or ,; a newline as ^n, a double quote as ^', other unsafe bytes as
   a space (RFC 6868). */
static void put_param(char *line, size_t *len, const char *s)
{
    bool quoted = !*s || strpbrk(s, ";:,") != NULL;
    if (quoted)
        line[(*len)++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (param_safe(*p, quoted))
            line[(*len)++] = (char)*p;
        else if (*p == '\n')
            put(line, len, "^n", 2);
        else if (*p == '^')
            put(line, len, "^^", 2);
        else if (*p == '"')
            put(line, len, "^'", 2);
        else
            line[(*len)++] = ' ';
    }
    if (quoted)
        line[(*len)++] = '"';
}

/* A UTC DATE-TIME: 20270105T150000Z. */
static void put_utc(char *line, size_t *len, int64_t t)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t sec = t - days * 86400;
    int32_t y, mo, d;
    civil_from_days((int32_t)days, &y, &mo, &d);
    int v[6] = {(int)y, (int)mo, (int)d, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60)};
    char *p = line + *len;
    /* %04d of the year, as libical writes it (a year of 0 to 9999) */
    int yy = v[0] < 0 ? 0 : v[0] % 10000;
    p[0] = (char)('0' + yy / 1000);
    p[1] = (char)('0' + yy / 100 % 10);
    p[2] = (char)('0' + yy / 10 % 10);
    p[3] = (char)('0' + yy % 10);
    p += 4;
    for (int i = 1; i < 6; i++) {
        if (i == 3)
            *p++ = 'T';
        *p++ = (char)('0' + v[i] / 10);
        *p++ = (char)('0' + v[i] % 10);
    }
    *p++ = 'Z';
    *len = (size_t)(p - line);
}

void ics_write_event(ics_writer *w, ostream *os, const ics_event *ev)
{
    size_t len;
    /* the longest value, escaped, bounds every line */
    size_t most = strlen(ev->uid) > strlen(ev->summary) ? strlen(ev->uid) : strlen(ev->summary);
    for (int k = 0; k < 2; k++)
        if (ev->attendee_address[k]) {
            size_t n = strlen(ev->attendee_name[k]) + strlen(ev->attendee_address[k]);
            if (n > most)
                most = n;
        }
    if (most > (SIZE_MAX - 64) / 2 || !room(w, 0, 2 * most + 64)) {
        if (os->rc == MM_OK)
            os->rc = MM_ENOMEM;
        return;
    }
    char *line = w->line;
    ostream_write(os, "BEGIN:VEVENT\r\n", 14);
    len = 0;
    put(line, &len, "UID:", 4);
    put_text(line, &len, ev->uid);
    put(line, &len, "\r\n", 2);
    fold(os, line, len);
    static const char *const names[3] = {"DTSTAMP:", "DTSTART:", "DTEND:"};
    const int64_t times[3] = {ev->stamp, ev->start, ev->end};
    for (int i = 0; i < 3; i++) {
        len = 0;
        put(line, &len, names[i], strlen(names[i]));
        put_utc(line, &len, times[i]);
        put(line, &len, "\r\n", 2);
        fold(os, line, len);
    }
    len = 0;
    put(line, &len, "SUMMARY:", 8);
    put_text(line, &len, ev->summary);
    put(line, &len, "\r\n", 2);
    fold(os, line, len);
    for (int k = 0; k < 2; k++) {
        if (!ev->attendee_address[k])
            continue;
        len = 0;
        put(line, &len, "ATTENDEE;CN=", 12);
        put_param(line, &len, ev->attendee_name[k]);
        put(line, &len, ";ROLE=REQ-PARTICIPANT:", 22);
        put(line, &len, ev->attendee_address[k], strlen(ev->attendee_address[k]));
        put(line, &len, "\r\n", 2);
        fold(os, line, len);
    }
    ostream_write(os, "END:VEVENT\r\n", 12);
}

void ics_free(ics_writer *w)
{
    free(w->line);
    w->line = NULL;
    w->cap = 0;
}
