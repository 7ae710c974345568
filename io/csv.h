/*
 * csv.h - the CSV reader every importer uses (io/csv.c, on libcsv).
 *
 * The reader turns the bytes of one CSV file into records handed to a
 * callback, one at a time, and reports every framing and encoding error into
 * an mm_diag as FILE:LINE:COLUMN, where LINE is the physical line as an
 * editor shows it and COLUMN the 1-based field number. It knows nothing of
 * column names: the importers map the header row themselves.
 *
 * What a caller can rely on:
 * - Encoding: UTF-8; a leading BOM is dropped. Every delivered field is valid
 *   UTF-8 (no overlong forms, surrogates, code points over U+10FFFF or
 *   truncated sequences) and holds no NUL byte.
 * - Lines end with LF or CRLF. The CR of a CRLF (or a CR that ends the
 *   input) is part of the line end, also inside a quoted field, where the
 *   line break reads as a single "\n"; any other CR is ordinary data.
 * - Quoting is RFC 4180, strict: "" inside a quoted field is one quote, a
 *   quoted field may hold commas and line breaks. A quote inside an unquoted
 *   field, or text after a closing quote, is "malformed quoting".
 * - Spaces and tabs (libcsv's default): an unquoted field loses its leading
 *   and trailing spaces and tabs; a quoted field keeps everything between its
 *   quotes, and spaces or tabs outside the quotes are dropped.
 * - Blank records are skipped without a callback: an empty line, a line of
 *   spaces and tabs, and a record whose every field is empty or only spaces
 *   and tabs (",,,").
 * - The first other record is the header row, delivered first with index 0;
 *   data rows follow with index 1, 2, ... (a record dropped for an error keeps
 *   its number, so index is the record's place in the file). A file with no
 *   such record is the error "no header row" at line 1, column 1.
 * - Errors (code MM_EDATA), each at the line where the field concerned
 *   starts and its field number: "invalid UTF-8", "NUL byte", "field longer
 *   than 4096 bytes", "malformed quoting", "unterminated quoted field";
 *   "line longer than 1048576 bytes" at a too long physical line (column 1),
 *   or, when a quoted field carries a record over the limit across lines, at
 *   the start of that field. A record with an error is not delivered; when
 *   the header row has one, no later row is delivered either, but the rest
 *   of the file is still checked. Parsing goes on with the next physical line
 *   so that every error is reported, and stops after an unterminated quoted
 *   field, after a record over the limit (both mean the quoting is lost), or
 *   once one of its own errors leaves mm_diag_full(diag).
 * - Limits: CSVR_MAX_FIELD bytes in a field, CSVR_MAX_LINE bytes in a
 *   physical line (its line end not counted) and in a record (its line
 *   breaks counted), 1 GiB in a file ("file larger than 1073741824 bytes",
 *   line 0).
 */
#ifndef MM_IO_CSV_H
#define MM_IO_CSV_H

#include <stddef.h>

#include "mentormatch.h"

/* One record as the callback sees it. Pointers are valid only during the callback. */
typedef struct csvr_row {
    size_t nfields;
    const char *const *fields; /* NUL-terminated, valid UTF-8, no NUL bytes, unquoted */
    const size_t *lens;        /* byte lengths */
    const long *lines;         /* physical line (1-based) where each field starts */
    long line;                 /* physical line where the record starts */
    long index;                /* 0 for the header row, then 1, 2, ... for data rows */
} csvr_row;

/*
 * Return MM_OK to go on; any other code stops the parse and is returned.
 * A callback that records its own error in the diag and wants the parse to
 * go on (to report every error of the file) returns MM_OK; one that wants to
 * stop once the diag is full returns MM_EDATA then (the reader stops by
 * itself only when its own errors fill the diag).
 */
typedef int (*csvr_row_fn)(void *ctx, const csvr_row *row);

#define CSVR_MAX_FIELD 4096        /* bytes in one field */
#define CSVR_MAX_LINE (1L << 20)   /* bytes in one physical line, and in one record */

/*
 * Parses len bytes; name is the file name used in messages ("employees.csv").
 * Errors go to diag as (name, line, column, message) with code MM_EDATA; returns MM_OK,
 * MM_EDATA when any error was found, MM_ENOMEM, or the callback's code.
 *
 * fn is called once per record, in file order, never after it returned a
 * code other than MM_OK; ctx is passed through. data is only read, and only
 * during the call; name may be NULL; diag may be NULL (errors are then only
 * counted in the return code). Running out of memory is recorded in diag as
 * MM_ENOMEM "out of memory"; a NULL fn, or NULL data with len > 0, is
 * MM_EINTERNAL. The return code speaks of this call only, whatever diag
 * held before.
 */
int csvr_parse_buffer(const char *data, size_t len, const char *name,
                      csvr_row_fn fn, void *ctx, mm_diag *diag);

/*
 * Reads the whole file at path and parses it; a missing or unreadable file is MM_ENOINPUT
 * (message "cannot open: <strerror>", line 0), a read error MM_EIO.
 *
 * Otherwise as csvr_parse_buffer. A directory is unreadable (MM_ENOINPUT); a
 * file over 1 GiB is MM_EDATA "file larger than 1073741824 bytes" (line 0)
 * and is not read; a read error is recorded as "read error: <strerror>".
 * The file is read into one buffer, freed before return.
 */
int csvr_parse_file(const char *path, const char *name,
                    csvr_row_fn fn, void *ctx, mm_diag *diag);

#endif

/*
 * io/csv.c also needs libcsv's own <csv.h>, which this header shadows on the
 * include path (-Iio). It asks for it by defining CSVR_WANT_LIBCSV and
 * including <csv.h>, which finds this file through -Iio; include_next then
 * finds libcsv's header further down the path. Nothing else defines it.
 */
#if defined(CSVR_WANT_LIBCSV) && !defined(LIBCSV_H__)
#include_next <csv.h>
#endif
