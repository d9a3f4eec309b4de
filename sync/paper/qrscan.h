/*
 * qrscan.h — finding and reading the QR code of an answer-sheet page (zbar, QR only).
 *
 * The sheet layout puts the QR in a fixed corner (top-right, docs/paper.md), so a page is
 * searched where the QR must be first: the four corners, in the order the page's
 * orientation makes likely (portrait: upright, then turned 180°; landscape: turned 90°,
 * then 270°), each shrunk so that a QR module spans about three to four pixels, which is
 * what zbar needs and far fewer pixels than the page. Only when no corner holds a bilet
 * QR is the whole page searched. A qrscan belongs to one thread (zbar scanners are not
 * shared); its scratch buffers grow to the largest region seen and are reused.
 */
#ifndef BILET_QRSCAN_H
#define BILET_QRSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "status.h"

typedef struct qrscan qrscan;

/* Where the QR codes of a qrscan's pages were found, for benchmarks and docs. */
typedef struct qrscan_stats {
    uint64_t pages;        /* pages searched */
    uint64_t first_corner; /* found in the first corner tried */
    uint64_t other_corner; /* found in another corner, or a corner at full resolution */
    uint64_t whole_page;   /* found only on the whole page */
    uint64_t not_found;
    uint64_t zbar_calls;
    uint64_t zbar_pixels; /* pixels handed to zbar in all */
} qrscan_stats;

/* A scanner for one thread. The caller owns *out; release it with qrscan_destroy. */
bilet_status qrscan_create(qrscan **out, bilet_err *err);
void qrscan_destroy(qrscan *q);

/* Searches page g for a QR code whose text begins with "BILET" (payload_is_bilet) and
 * copies its text into out (cap bytes, NUL-terminated; a longer text is cut and so fails
 * to parse later), *len its length. Other QR codes on the page are passed over. Returns
 * BILET_OK when one is found, BILET_ENOTFOUND when none, BILET_ENOMEM. */
bilet_status qrscan_page(qrscan *q, const image_grey *g, char *out, size_t cap, size_t *len,
                         bilet_err *err);

/* The counters of this scanner so far. */
qrscan_stats qrscan_get_stats(const qrscan *q);

#endif
