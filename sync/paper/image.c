/*
 * image.c — recognising scanned files by their first bytes, counting their pages, and the
 * per-thread reader that hands out grey pages (image.h). The formats live in image_*.c.
 *
 * Invariants: a file's kind comes from its magic bytes only; every bitmap is allocated
 * through image_alloc, which holds the caps. Load: one probe per input file, one read per
 * page.
 */
#include "image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"

struct image_reader {
    char *pdf_path; /* the PDF kept open, or NULL */
    image_pdf *pdf;
};

void image_grey_free(image_grey *g)
{
    if (!g)
        return;
    free(g->px);
    memset(g, 0, sizeof *g);
}

const char *image_kind_name(image_kind k)
{
    switch (k) {
    case IMAGE_PNG:
        return "PNG";
    case IMAGE_JPEG:
        return "JPEG";
    case IMAGE_TIFF:
        return "TIFF";
    case IMAGE_PDF:
        return "PDF";
    }
    return "?";
}

bilet_status image_alloc(image_grey *g, int64_t w, int64_t h, const char *path, bilet_err *err)
{
    memset(g, 0, sizeof *g);
    if (w < 1 || h < 1 || w > IMAGE_SIDE_MAX || h > IMAGE_SIDE_MAX || w * h > IMAGE_PIXELS_MAX)
        return bilet_fail(err, BILET_ETOOBIG,
                          "%s: an image of %lld x %lld pixels (at most %d a side, %d million in "
                          "all)",
                          path, (long long)w, (long long)h, IMAGE_SIDE_MAX,
                          IMAGE_PIXELS_MAX / 1000000);
    g->px = malloc((size_t)(w * h));
    if (!g->px)
        return bilet_fail(err, BILET_ENOMEM, "%s: no memory for %lld x %lld pixels", path,
                          (long long)w, (long long)h);
    g->w = (int)w;
    g->h = (int)h;
    return BILET_OK;
}

bilet_status image_probe(const char *path, image_kind *kind, int *pages, bilet_err *err)
{
    unsigned char head[8] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", path,
                          strerror(errno));
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    *pages = 0;
    if (n >= 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) {
        *kind = IMAGE_PNG;
        *pages = 1;
        return BILET_OK;
    }
    if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff) {
        *kind = IMAGE_JPEG;
        *pages = 1;
        return BILET_OK;
    }
    if (n >= 4 && (memcmp(head, "II*\0", 4) == 0 || memcmp(head, "MM\0*", 4) == 0 ||
                   memcmp(head, "II+\0", 4) == 0 || memcmp(head, "MM\0+", 4) == 0)) {
        *kind = IMAGE_TIFF;
        return image_tiff_count(path, pages, err);
    }
    if (n >= 5 && memcmp(head, "%PDF-", 5) == 0) {
        *kind = IMAGE_PDF;
        image_pdf *doc = NULL;
        bilet_status st = image_pdf_open(path, &doc, err);
        if (st != BILET_OK)
            return st;
        *pages = image_pdf_pages(doc);
        image_pdf_close(doc);
        if (*pages < 1)
            return bilet_fail(err, BILET_EPARSE, "%s: a PDF without pages", path);
        if (*pages > IMAGE_PAGES_MAX)
            return bilet_fail(err, BILET_ETOOBIG, "%s: %d pages; at most %d in one file", path,
                              *pages, IMAGE_PAGES_MAX);
        return BILET_OK;
    }
    return bilet_fail(err, BILET_EPARSE, "%s: not a PNG, JPEG, TIFF or PDF file", path);
}

bilet_status image_reader_create(image_reader **out, bilet_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return bilet_fail(err, BILET_ENOMEM, "no memory for an image reader");
    return BILET_OK;
}

static void drop_pdf(image_reader *r)
{
    image_pdf_close(r->pdf);
    free(r->pdf_path);
    r->pdf = NULL;
    r->pdf_path = NULL;
}

void image_reader_destroy(image_reader *r)
{
    if (!r)
        return;
    drop_pdf(r);
    free(r);
}

bilet_status image_reader_read(image_reader *r, const char *path, image_kind kind, int page,
                               image_grey *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    switch (kind) {
    case IMAGE_PNG:
        return image_png_read(path, out, err);
    case IMAGE_JPEG:
        return image_jpeg_read(path, out, err);
    case IMAGE_TIFF:
        return image_tiff_read(path, page, out, err);
    case IMAGE_PDF:
        if (!r->pdf || strcmp(r->pdf_path, path) != 0) {
            drop_pdf(r);
            r->pdf_path = strdup(path);
            if (!r->pdf_path)
                return bilet_fail(err, BILET_ENOMEM, "%s: no memory", path);
            bilet_status st = image_pdf_open(path, &r->pdf, err);
            if (st != BILET_OK) {
                drop_pdf(r);
                return st;
            }
        }
        return image_pdf_render(r->pdf, page, IMAGE_PDF_DPI, out, err);
    }
    return bilet_fail(err, BILET_EINVAL, "%s: unknown image kind", path);
}
