/*
 * parwrite.c - a section's items formatted on several threads (parwrite.h).
 */
#include "parwrite.h"

#include <omp.h>
#include <stdlib.h>

#include "mentormatch.h"

/* Blocks per thread in a round: the threads take them as they come free,
   so that one held up (the machine busy with other work) holds up the
   round by a block at most. */
#define PARWRITE_BLOCKS 4

/* The first size of a block's buffer; it grows to the block's text. */
#define PARWRITE_BUFFER ((size_t)64 << 10)

int parwrite_items(ostream *os, size_t n, size_t grain, int threads, parwrite_fn format,
                   const void *ctx)
{
    int nt = threads > 0 ? threads : omp_get_max_threads();
    if (os->rc != MM_OK || n == 0)
        return os->rc;
    if (nt <= 1 || grain == 0) {
        format(ctx, 0, n, os);
        return os->rc;
    }
    /* a round: nb blocks of grain items (fewer when n is small) */
    size_t blocks = (n + grain - 1) / grain;
    size_t nb = (size_t)nt * PARWRITE_BLOCKS;
    if (nb > blocks)
        nb = blocks;
    ostream *buf = calloc(nb, sizeof *buf);
    if (!buf)
        return os->rc = MM_ENOMEM;
    for (size_t k = 0; k < nb && os->rc == MM_OK; k++)
        os->rc = ostream_open_mem(&buf[k], PARWRITE_BUFFER);
    for (size_t at = 0; at < n && os->rc == MM_OK; at += nb * grain) {
        long todo = (long)((n - at + grain - 1) / grain < nb ? (n - at + grain - 1) / grain : nb);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
        for (long k = 0; k < todo; k++) {
            size_t b = at + (size_t)k * grain;
            size_t e = n - b < grain ? n : b + grain;
            /* a copy on the thread's stack: the streams side by side in
               buf share cache lines, and every put writes len */
            ostream own = buf[k];
            own.len = 0;
            format(ctx, b, e, &own);
            buf[k] = own;
        }
        for (long k = 0; k < todo && os->rc == MM_OK; k++) {
            if (buf[k].rc != MM_OK)
                os->rc = buf[k].rc;
            else
                ostream_write(os, buf[k].buf, buf[k].len);
        }
    }
    for (size_t k = 0; k < nb; k++)
        ostream_close(&buf[k], 0);
    free(buf);
    return os->rc;
}
