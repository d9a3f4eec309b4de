/*
 * image_internal.h — what the format readers of image.c share; private to sync/paper.
 *
 * Each reader fills an image_grey it allocates through image_alloc, which enforces the
 * caps of image.h before any pixel is allocated. Messages name the file (and the page for
 * TIFF and PDF).
 */
#ifndef BILET_IMAGE_INTERNAL_H
#define BILET_IMAGE_INTERNAL_H

#include <stdint.h>

#include "image.h"

/* Allocates w x h grey pixels into *g after checking the caps. BILET_ETOOBIG (naming path)
 * or BILET_ENOMEM; g is zeroed on failure. */
bilet_status image_alloc(image_grey *g, int64_t w, int64_t h, const char *path, bilet_err *err);

/* Grey of an RGB pixel (ITU-R BT.601 weights, integer). */
static inline unsigned char image_luma(unsigned r, unsigned g, unsigned b)
{
    return (unsigned char)((r * 77 + g * 150 + b * 29 + 128) >> 8);
}

bilet_status image_png_read(const char *path, image_grey *out, bilet_err *err);
bilet_status image_jpeg_read(const char *path, image_grey *out, bilet_err *err);

bilet_status image_tiff_count(const char *path, int *pages, bilet_err *err);
bilet_status image_tiff_read(const char *path, int page, image_grey *out, bilet_err *err);

typedef struct image_pdf image_pdf;
bilet_status image_pdf_open(const char *path, image_pdf **out, bilet_err *err);
int image_pdf_pages(const image_pdf *doc);
bilet_status image_pdf_render(image_pdf *doc, int page, int dpi, image_grey *out, bilet_err *err);
void image_pdf_close(image_pdf *doc);

#endif
