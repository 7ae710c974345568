/*
 * parwrite.h - the items of a large section of a file formatted on several
 * threads, written in order.
 *
 * The threading boundary (STYLE rule 8) stays where it was: the formatting
 * runs in an OpenMP parallel region into memory buffers, one per block,
 * and the buffers go to the stream (its sink: the store, the output
 * folder) after the region, on the calling thread. Memory stays bounded:
 * the buffers hold one round's text, a few blocks of `grain` items per
 * thread, whatever the number of items.
 */
#ifndef MM_PARWRITE_H
#define MM_PARWRITE_H

#include <stddef.h>

#include "fileio.h"

/* Formats items [begin, end) of a section onto out. It may run on any
   thread, at the same time as other ranges: it reads what it is given and
   writes only to out and its own locals (no I/O, no SQLite, no cJSON).
   The text of a range must be the texts of its items one after the other,
   so that it is the same however the items are split. A failure is left
   in out->rc. */
typedef void (*parwrite_fn)(const void *ctx, size_t begin, size_t end, ostream *out);

/*
 * Writes the text of items [0, n) onto os, the bytes of format(ctx, 0, n,
 * os) whatever threads is (<= 0: OpenMP's default). With one thread that
 * is what it does; with more, in rounds: blocks of `grain` items, a few
 * per thread, formatted in a parallel region each into its own memory
 * buffer, then put on os in order after the region.
 * Returns os->rc: MM_OK, the first failure of a block (MM_ENOMEM, ...) or
 * the sink's.
 */
int parwrite_items(ostream *os, size_t n, size_t grain, int threads, parwrite_fn format,
                   const void *ctx);

#endif
