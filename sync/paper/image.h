/*
 * image.h — scanned pages as 8-bit grey bitmaps: PNG (libpng), JPEG (libjpeg), TIFF
 * (libtiff, one page per directory) and PDF (poppler, each page rendered at 200 dpi).
 *
 * Every file is hostile input: it is recognised by its first bytes, never its name; its
 * dimensions are capped (IMAGE_SIDE_MAX, IMAGE_PIXELS_MAX) before anything is allocated;
 * decoder errors become a status and one message naming the file and page, and no decoder
 * prints anything. Load: one read per scanned page, from any thread; an image_reader is per
 * thread and keeps the last PDF open, so that the pages of one PDF are not parsed anew.
 */
#ifndef BILET_IMAGE_H
#define BILET_IMAGE_H

#include <stddef.h>

#include "status.h"

enum {
    IMAGE_SIDE_MAX = 20000,               /* pixels: A3 at 1200 dpi is 14 031 */
    IMAGE_PIXELS_MAX = 160 * 1000 * 1000, /* A3 at 900 dpi; A4 at 600 dpi is 35 MP */
    IMAGE_PAGES_MAX = 10000,              /* pages in one TIFF or PDF */
    IMAGE_PDF_DPI = 200,                  /* PDF pages are rendered at this resolution */
};

typedef enum image_kind {
    IMAGE_PNG,
    IMAGE_JPEG,
    IMAGE_TIFF,
    IMAGE_PDF,
} image_kind;

/* An 8-bit grey bitmap, rows top to bottom, w bytes a row (0 black, 255 white). */
typedef struct image_grey {
    unsigned char *px; /* owned, malloc'd */
    int w;
    int h;
} image_grey;

/* Frees the pixels and zeroes g. NULL is fine. */
void image_grey_free(image_grey *g);

/* "PNG", "JPEG", "TIFF", "PDF". */
const char *image_kind_name(image_kind k);

/* Recognises the file by its first bytes and counts its pages (1 for PNG and JPEG).
 * BILET_ENOTFOUND or BILET_EIO when it cannot be opened, BILET_EPARSE when it is none of
 * the four kinds or its header does not read, BILET_ETOOBIG past IMAGE_PAGES_MAX pages; the
 * message names the file. */
bilet_status image_probe(const char *path, image_kind *kind, int *pages, bilet_err *err);

typedef struct image_reader image_reader;

/* A reader for one thread. The caller owns *out and releases it with image_reader_destroy. */
bilet_status image_reader_create(image_reader **out, bilet_err *err);
void image_reader_destroy(image_reader *r);

/* Reads page `page` (1-based) of the file as grey into *out, which the caller then owns.
 * JPEG pages above about 400 dpi are decoded at half size (libjpeg's scaling is nearly
 * free, and the QR needs no more). BILET_EPARSE for a damaged or unsupported image,
 * BILET_ETOOBIG over the caps, BILET_ENOMEM, BILET_EIO; *out is zeroed on failure. */
bilet_status image_reader_read(image_reader *r, const char *path, image_kind kind, int page,
                               image_grey *out, bilet_err *err);

/* The page as PNG bytes (8-bit grey) in a new malloc'd buffer (*out, *len; the caller
 * frees): what `bilet scan --central` sends for a page that is no image file of its own.
 * BILET_ENOMEM, BILET_EIO. */
bilet_status image_grey_png(const image_grey *g, unsigned char **out, size_t *len, bilet_err *err);

#endif
