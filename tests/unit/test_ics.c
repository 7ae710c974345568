/*
 * test_ics.c - VEVENT text written by io/ics.c against the text libical
 * makes of the same event built as properties (as schedule.ics was made
 * before): names and addresses of every length around the folding limit,
 * with spaces or without (folded on a UTF-8 boundary), with ; : , " ^ \ and
 * control characters, empty names, one attendee or none; times from 1900
 * to 9999; then the text parsed back by libical gives the values it was
 * made of.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libical/ical.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "ics.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* libical's text of the event. */
static char *libical_text(const ics_event *ev)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    icalcomponent *c = icalcomponent_new_vevent();
    assert_non_null(c);
    icalcomponent_add_property(c, icalproperty_new_uid(ev->uid));
    icalcomponent_add_property(
        c, icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)ev->stamp, 0, utc)));
    icalcomponent_add_property(
        c, icalproperty_new_dtstart(icaltime_from_timet_with_zone((time_t)ev->start, 0, utc)));
    icalcomponent_add_property(
        c, icalproperty_new_dtend(icaltime_from_timet_with_zone((time_t)ev->end, 0, utc)));
    icalcomponent_add_property(c, icalproperty_new_summary(ev->summary));
    for (int k = 0; k < 2; k++) {
        if (!ev->attendee_address[k])
            continue;
        icalproperty *att = icalproperty_new_attendee(ev->attendee_address[k]);
        icalproperty_add_parameter(att, icalparameter_new_cn(ev->attendee_name[k]));
        icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
        icalcomponent_add_property(c, att);
    }
    char *text = icalcomponent_as_ical_string_r(c);
    icalcomponent_free(c);
    assert_non_null(text);
    return text;
}

/* Our text of the event (malloc'd). */
static char *our_text(ics_writer *w, const ics_event *ev)
{
    file_set set = {0};
    fileset_sink fs;
    fileset_sink_init(&fs, &set);
    ostream os;
    assert_int_equal(ostream_open(&os, &fs.sink, "x.ics"), MM_OK);
    ics_write_event(w, &os, ev);
    assert_int_equal(ostream_close(&os, 1), MM_OK);
    char *text = set.files[0].data;
    set.files[0].data = NULL;
    fileset_free(&set);
    return text;
}

static void expect_same(ics_writer *w, const ics_event *ev)
{
    char *want = libical_text(ev), *got = our_text(w, ev);
    if (strcmp(want, got) != 0)
        fail_msg("libical:\n%s\nics.c:\n%s", want, got);
    free(want);
    free(got);
}

/* A random string of n bytes from pieces: letters, spaces, UTF-8, and the
   characters that are escaped, quoted or encoded. */
static void random_text(char *buf, size_t n, int flavour)
{
    static const char *const pieces[] = {"a", "Z", " ", "é", "ß", "日", "😀", ";", ":", ",",
                                         "\"", "^", "\\", "\n", "\t", "\r", "\x01", "\x7f",
                                         "'", "-", ".", "@", "\b", "\f", "\xf9"};
    size_t len = 0;
    while (len < n) {
        const char *p = flavour == 0   ? pieces[next() % 2]                 /* no break */
                        : flavour == 1 ? pieces[next() % 7]                 /* UTF-8, spaces */
                                       : pieces[next() % (sizeof pieces / sizeof pieces[0])];
        size_t k = strlen(p);
        if (len + k > n)
            p = "x", k = 1;
        memcpy(buf + len, p, k);
        len += k;
    }
    buf[len] = '\0';
}

static void test_against_libical(void **state)
{
    (void)state;
    ics_writer w = {0};
    char uid[200], summary[300], name[2][200], mail[2][300];
    for (int i = 0; i < 20000; i++) {
        int flavour = (int)(next() % 3);
        /* lengths around the 75-octet limit with the property names */
        random_text(uid, 20 + next() % 90, flavour);
        random_text(summary, next() % 180, flavour);
        ics_event ev = {uid,        (int64_t)(next() % 4000000000ull),
                        1800000000 + (int64_t)(next() % 9999999),
                        1810000000, summary, {NULL, NULL}, {NULL, NULL}};
        for (int k = 0; k < 2; k++) {
            if (next() % 5 == 0)
                continue; /* no address */
            random_text(name[k], next() % 70, flavour);
            snprintf(mail[k], sizeof mail[k], "mailto:");
            random_text(mail[k] + 7, next() % 80, next() % 2);
            ev.attendee_name[k] = name[k];
            ev.attendee_address[k] = mail[k];
        }
        expect_same(&w, &ev);
    }
    ics_free(&w);
}

/* Every length of a line near the limit, without a place to fold but the
   end (libical counts the CRLF in the line). */
static void test_line_lengths(void **state)
{
    (void)state;
    ics_writer w = {0};
    char uid[300], summary[300];
    for (size_t n = 60; n < 240; n++) {
        for (int u = 0; u < 3; u++) {
            memset(uid, 'u', n);
            uid[n] = '\0';
            if (u == 1)
                memcpy(uid + n / 2, "é", 2);
            if (u == 2)
                uid[n - 3] = ' ';
            snprintf(summary, sizeof summary, "%s", uid);
            ics_event ev = {uid, 0, 60, 120, summary, {"", "Åsa"}, {uid, summary}};
            expect_same(&w, &ev);
        }
    }
    ics_free(&w);
}

/* The text parsed back by libical gives the values it was made of. */
static void test_parse_back(void **state)
{
    (void)state;
    ics_writer w = {0};
    const char *summary = "Mentoring session 3: Zoë O'Brien-Łukasiewicz, Jr. and Amélie \"Mia\" "
                          "van der Berg; a long name to fold";
    ics_event ev = {"M-E000001-E000002-3@mentormatch", 1800000000, 1800003600, 1800007200,
                    summary, {"Zoë O'Brien-Łukasiewicz, Jr.", "Amélie van der Berg"},
                    {"mailto:zoe.obrien@acme.example", "mailto:amelie@acme.example"}};
    char *text = our_text(&w, &ev);
    icalcomponent *c = icalparser_parse_string(text);
    assert_non_null(c);
    assert_string_equal(icalcomponent_get_uid(c), ev.uid);
    assert_string_equal(icalcomponent_get_summary(c), summary);
    assert_int_equal(icaltime_as_timet(icalcomponent_get_dtstart(c)), ev.start);
    assert_int_equal(icaltime_as_timet(icalcomponent_get_dtend(c)), ev.end);
    icalproperty *att = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY);
    assert_non_null(att);
    assert_string_equal(icalproperty_get_attendee(att), ev.attendee_address[0]);
    icalparameter *cn = icalproperty_get_first_parameter(att, ICAL_CN_PARAMETER);
    assert_string_equal(icalparameter_get_cn(cn), ev.attendee_name[0]);
    icalcomponent_free(c);
    free(text);
    ics_free(&w);
}

/* Times across the range the inputs allow: quarters from 1900 (before
   1970: negative seconds), leap days, the last second of a day, against
   libical up to the end of 3000, past which libical 3.0 writes a DATE-TIME
   as 00000000T000000; the last second of 9999 as it is. */
static void test_times(void **state)
{
    (void)state;
    ics_writer w = {0};
    static const int64_t fixed[] = {
        -2208988800, /* 1900-01-01T00:00:00Z */
        -1,          /* 1969-12-31T23:59:59Z */
        -86400,      /* 1969-12-31T00:00:00Z */
        -86399,      /* 1969-12-31T00:00:01Z */
        0,
        951782400,   /* 2000-02-29T00:00:00Z */
        4107542399,  /* 2100-02-28T23:59:59Z */
        32535215999, /* 3000-12-31T23:59:59Z */
    };
    const int64_t first = -2208988800, last = 32535215999;
    size_t n = sizeof fixed / sizeof fixed[0];
    for (size_t i = 0; i < n + 2000; i++) {
        int64_t t = i < n ? fixed[i] : first + (int64_t)(next() % (uint64_t)(last - first - 3600));
        ics_event ev = {"S-E1-E2-1@mentormatch", t, t, t < last ? t + 1 : t,
                        "Job shadowing session 1: A and B", {"A", "B"}, {"mailto:a@x", NULL}};
        expect_same(&w, &ev);
    }
    ics_event ev = {"S-E1-E2-1@mentormatch", 253402300799, 253402300740, 253402300799,
                    "Job shadowing session 1: A and B", {"A", "B"}, {NULL, NULL}};
    char *text = our_text(&w, &ev);
    assert_non_null(strstr(text, "\r\nDTSTAMP:99991231T235959Z\r\nDTSTART:99991231T235900Z\r\n"
                                 "DTEND:99991231T235959Z\r\n"));
    free(text);
    ics_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_libical),
        cmocka_unit_test(test_line_lengths),
        cmocka_unit_test(test_parse_back),
        cmocka_unit_test(test_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
