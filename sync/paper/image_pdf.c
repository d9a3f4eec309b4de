/*
 * image_pdf.c — PDF pages rendered to grey (poppler-glib on a cairo image surface): a
 * scanner's multi-page PDF, or a sheet PDF itself.
 *
 * Poppler's font engine and its global parameters are process-wide and not safe to enter
 * from two threads at once, so every poppler call here runs under one lock; the QR
 * decoding that follows a render runs in parallel. Each page is rendered on white at
 * IMAGE_PDF_DPI (lower when the page is so large that the bitmap would pass the caps).
 * Load: one render per scanned PDF page.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <poppler.h>

#include "image_internal.h"

static pthread_mutex_t poppler_lock = PTHREAD_MUTEX_INITIALIZER;

struct image_pdf {
    PopplerDocument *doc;
    char *path;
    int pages;
};

bilet_status image_pdf_open(const char *path, image_pdf **out, bilet_err *err)
{
    *out = NULL;
    char *abs = realpath(path, NULL);
    if (!abs)
        return bilet_fail(err, BILET_EIO, "%s: cannot open", path);
    GError *gerr = NULL;
    char *uri = g_filename_to_uri(abs, NULL, &gerr);
    free(abs);
    if (!uri) {
        bilet_status st = bilet_fail(err, BILET_EIO, "%s: %s", path, gerr ? gerr->message : "?");
        g_clear_error(&gerr);
        return st;
    }
    image_pdf *p = calloc(1, sizeof *p);
    if (!p || !(p->path = strdup(path))) {
        free(p);
        g_free(uri);
        return bilet_fail(err, BILET_ENOMEM, "%s: no memory", path);
    }
    pthread_mutex_lock(&poppler_lock);
    p->doc = poppler_document_new_from_file(uri, NULL, &gerr);
    p->pages = p->doc ? poppler_document_get_n_pages(p->doc) : 0;
    pthread_mutex_unlock(&poppler_lock);
    g_free(uri);
    if (!p->doc) {
        bilet_status st = bilet_fail(err, BILET_EPARSE, "%s: PDF: %s", path,
                                     gerr ? gerr->message : "does not read");
        g_clear_error(&gerr);
        image_pdf_close(p);
        return st;
    }
    *out = p;
    return BILET_OK;
}

int image_pdf_pages(const image_pdf *doc)
{
    return doc ? doc->pages : 0;
}

void image_pdf_close(image_pdf *doc)
{
    if (!doc)
        return;
    if (doc->doc) {
        pthread_mutex_lock(&poppler_lock);
        g_object_unref(doc->doc);
        pthread_mutex_unlock(&poppler_lock);
    }
    free(doc->path);
    free(doc);
}

bilet_status image_pdf_render(image_pdf *doc, int page, int dpi, image_grey *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (page < 1 || page > doc->pages)
        return bilet_fail(err, BILET_EINVAL, "%s: no page %d", doc->path, page);
    bilet_status st = BILET_OK;
    cairo_surface_t *surface = NULL;
    double wpt = 0, hpt = 0, scale = dpi / 72.0;
    int w = 0, h = 0;
    pthread_mutex_lock(&poppler_lock);
    PopplerPage *pg = poppler_document_get_page(doc->doc, page - 1);
    if (!pg) {
        st = bilet_fail(err, BILET_EPARSE, "%s: PDF: page %d does not read", doc->path, page);
        goto out_unlock;
    }
    poppler_page_get_size(pg, &wpt, &hpt);
    if (!(wpt > 0 && hpt > 0 && wpt < 1e6 && hpt < 1e6)) {
        st = bilet_fail(err, BILET_EPARSE, "%s: PDF: page %d has no size", doc->path, page);
        goto out_unref;
    }
    /* A huge page is rendered coarser rather than refused: the QR is still large on it. */
    while (wpt * scale > IMAGE_SIDE_MAX || hpt * scale > IMAGE_SIDE_MAX ||
           wpt * scale * hpt * scale > IMAGE_PIXELS_MAX)
        scale /= 2;
    w = (int)ceil(wpt * scale);
    h = (int)ceil(hpt * scale);
    if (w < 1 || h < 1) {
        st = bilet_fail(err, BILET_EPARSE, "%s: PDF: page %d is too small", doc->path, page);
        goto out_unref;
    }
    surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: no memory to render page %d", doc->path, page);
        goto out_unref;
    }
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render_for_printing(pg, cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);

out_unref:
    g_object_unref(pg);
out_unlock:
    pthread_mutex_unlock(&poppler_lock);
    if (st == BILET_OK)
        st = image_alloc(out, w, h, doc->path, err);
    if (st == BILET_OK) {
        const unsigned char *data = cairo_image_surface_get_data(surface);
        int stride = cairo_image_surface_get_stride(surface);
        for (int y = 0; y < h; y++) {
            const uint32_t *src = (const uint32_t *)(const void *)(data + (size_t)y * stride);
            unsigned char *dst = out->px + (size_t)y * (size_t)w;
            for (int x = 0; x < w; x++)
                dst[x] = image_luma(src[x] >> 16 & 255, src[x] >> 8 & 255, src[x] & 255);
        }
    }
    if (surface)
        cairo_surface_destroy(surface);
    return st;
}
