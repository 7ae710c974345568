/*
 * ics.h - the text of a calendar event (RFC 5545 VEVENT), written straight
 * into a stream, byte for byte as libical 3.0 writes the same event built
 * from properties (icalcomponent_as_ical_string_r): CRLF line ends, lines
 * folded as libical folds them (at most 75 octets, preferably after ';',
 * ':' or a space, never inside a UTF-8 sequence unless it must), TEXT values
 * escaped, parameter values quoted and encoded (RFC 6868) as libical does.
 * libical stays the calendar library (the VCALENDAR's own lines, time zone
 * rules); this only spares a tree of properties per event.
 * tests/unit/test_ics.c compares the two texts.
 */
#ifndef MM_ICS_H
#define MM_ICS_H

#include <stdint.h>

#include "fileio.h"

typedef struct ics_event {
    const char *uid;           /* TEXT */
    int64_t stamp, start, end; /* DTSTAMP, DTSTART, DTEND: seconds since the epoch, UTC */
    const char *summary;       /* TEXT */
    /* ATTENDEE;CN=name;ROLE=REQ-PARTICIPANT:address, for each address that
       is not NULL (address is the whole value, "mailto:...") */
    const char *attendee_name[2];
    const char *attendee_address[2];
} ics_event;

/* A reusable line buffer for ics_write_event; ics_free releases it. */
typedef struct ics_writer {
    char *line;
    size_t cap;
} ics_writer;

/* Appends the event's text (BEGIN:VEVENT ... END:VEVENT, CRLF) to os;
   a failure (out of memory) is left in os->rc. */
void ics_write_event(ics_writer *w, ostream *os, const ics_event *ev);
void ics_free(ics_writer *w);

#endif
