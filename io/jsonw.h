/*
 * jsonw.h - JSON text written as it is produced, byte for byte as cJSON
 * 1.7's cJSON_Print (formatted) writes the same document: a tab per level
 * of objects and arrays, "key":<tab>value, members one a line, array items
 * on one line separated by ", ", numbers as "%1.15g" (or "%1.17g" when that
 * does not give the number back), non-finite numbers as null, strings with
 * cJSON's escapes. A document of any size needs no tree and no copy of its
 * text: it goes to an ostream as it is written.
 *
 * Usage: jsonw_init, then values: in an object each with its key, in an
 * array or at the top with key NULL. Nesting is at most JSONW_DEPTH.
 */
#ifndef MM_JSONW_H
#define MM_JSONW_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "fileio.h"

#define JSONW_DEPTH 64

typedef struct jsonw {
    ostream *os;
    int depth; /* open containers */
    bool array[JSONW_DEPTH]; /* the container at each level is an array */
    bool items[JSONW_DEPTH]; /* it has items */
} jsonw;

void jsonw_init(jsonw *w, ostream *os);

void jsonw_object(jsonw *w, const char *key); /* opens an object */
void jsonw_array(jsonw *w, const char *key);  /* opens an array */
void jsonw_end(jsonw *w);                     /* closes the innermost */

void jsonw_number(jsonw *w, const char *key, double v);
void jsonw_string(jsonw *w, const char *key, const char *v); /* NULL as "" */
void jsonw_bool(jsonw *w, const char *key, bool v);
void jsonw_null(jsonw *w, const char *key);
/* A writer for items of the array that w has innermost, written onto os
   (another stream, e.g. a thread's buffer): w's depth and layout, with a
   separator before its first item when after_items (items come before it
   in the array). w is left as it is; jsonw_join tells it of the items. */
void jsonw_fork(jsonw *item_w, const jsonw *w, ostream *os, bool after_items);
/* Records that the innermost array of w got items through forks (any:
   at least one), so that the next item gets its separator. */
void jsonw_join(jsonw *w, bool any);

/* A cJSON value (and everything under it) as cJSON_Print would write it there. */
void jsonw_tree(jsonw *w, const char *key, const cJSON *item);

/* The text of a number as cJSON prints it (buf: 32 bytes); its length. */
size_t jsonw_format_number(double v, char *buf);

#endif
