/*
 * image_tiff.c — TIFF pages as 8-bit grey (libtiff), one page per directory, as scanners
 * write multi-page documents.
 *
 * The common scanner layouts (strips of 1-bit bilevel, 8-bit grey, 8-bit RGB) are read
 * scanline by scanline straight into grey; anything else (tiles, palettes, other depths,
 * JPEG-in-TIFF) goes through libtiff's RGBA reader, which costs four bytes a pixel for
 * the moment. libtiff's own error and warning printing is switched off once per process;
 * failures become one message naming the file and page. Load: one open per page read.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

#include "image_internal.h"

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void quiet(void)
{
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
}

static TIFF *open_tiff(const char *path, bilet_err *err)
{
    pthread_once(&quiet_once, quiet);
    TIFF *t = TIFFOpen(path, "rm");
    if (!t)
        bilet_fail(err, BILET_EPARSE, "%s: TIFF: the header does not read", path);
    return t;
}

bilet_status image_tiff_count(const char *path, int *pages, bilet_err *err)
{
    *pages = 0;
    TIFF *t = open_tiff(path, err);
    if (!t)
        return BILET_EPARSE;
    int n = 0;
    do {
        if (++n > IMAGE_PAGES_MAX) {
            TIFFClose(t);
            return bilet_fail(err, BILET_ETOOBIG, "%s: more than %d pages in one file", path,
                              IMAGE_PAGES_MAX);
        }
    } while (TIFFReadDirectory(t));
    TIFFClose(t);
    *pages = n;
    return BILET_OK;
}

/* The scanline fast path: 1-bit or 8-bit, one or three samples, contiguous, in strips. */
static bilet_status read_lines(TIFF *t, const char *path, int page, uint16_t bps, uint16_t spp,
                               uint16_t photometric, image_grey *out, bilet_err *err)
{
    tmsize_t len = TIFFScanlineSize(t);
    size_t need = bps == 1 ? ((size_t)out->w + 7) / 8 : (size_t)out->w * spp;
    if (len <= 0 || (size_t)len < need)
        return bilet_fail(err, BILET_EPARSE, "%s: page %d: TIFF: a short scanline", path, page);
    unsigned char *line = malloc((size_t)len);
    if (!line)
        return bilet_fail(err, BILET_ENOMEM, "%s: no memory", path);
    bool white_is_zero = photometric == PHOTOMETRIC_MINISWHITE;
    bilet_status st = BILET_OK;
    for (int y = 0; y < out->h; y++) {
        if (TIFFReadScanline(t, line, (uint32_t)y, 0) < 0) {
            st = bilet_fail(err, BILET_EPARSE, "%s: page %d: TIFF: row %d does not read", path,
                            page, y);
            break;
        }
        unsigned char *row = out->px + (size_t)y * (size_t)out->w;
        for (int x = 0; x < out->w; x++) {
            unsigned v;
            if (bps == 1)
                v = (line[x >> 3] >> (7 - (x & 7)) & 1) ? 255 : 0;
            else if (spp == 3)
                v = image_luma(line[3 * x], line[3 * x + 1], line[3 * x + 2]);
            else
                v = line[x];
            row[x] = (unsigned char)(white_is_zero ? 255 - v : v);
        }
    }
    free(line);
    return st;
}

static bilet_status read_rgba(TIFF *t, const char *path, int page, image_grey *out, bilet_err *err)
{
    size_t n = (size_t)out->w * (size_t)out->h;
    uint32_t *rgba = malloc(n * sizeof *rgba);
    if (!rgba)
        return bilet_fail(err, BILET_ENOMEM, "%s: no memory", path);
    bilet_status st = BILET_OK;
    if (!TIFFReadRGBAImageOriented(t, (uint32_t)out->w, (uint32_t)out->h, rgba, ORIENTATION_TOPLEFT,
                                   0)) {
        st = bilet_fail(err, BILET_EPARSE, "%s: page %d: TIFF: an unsupported or damaged image",
                        path, page);
    } else {
        for (size_t i = 0; i < n; i++)
            out->px[i] = image_luma(TIFFGetR(rgba[i]), TIFFGetG(rgba[i]), TIFFGetB(rgba[i]));
    }
    free(rgba);
    return st;
}

bilet_status image_tiff_read(const char *path, int page, image_grey *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    TIFF *t = open_tiff(path, err);
    if (!t)
        return BILET_EPARSE;
    bilet_status st = BILET_OK;
    if (page < 1 || !TIFFSetDirectory(t, (tdir_t)(page - 1))) {
        st = bilet_fail(err, BILET_EPARSE, "%s: TIFF: page %d does not read", path, page);
        goto out_close;
    }
    uint32_t w = 0, h = 0;
    uint16_t bps = 1, spp = 1, photometric = PHOTOMETRIC_MINISWHITE, planar = PLANARCONFIG_CONTIG;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &planar);
    st = image_alloc(out, w, h, path, err);
    if (st != BILET_OK)
        goto out_close;
    bool grey = (photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE) &&
                spp == 1 && (bps == 1 || bps == 8);
    bool rgb = photometric == PHOTOMETRIC_RGB && spp == 3 && bps == 8;
    if (!TIFFIsTiled(t) && planar == PLANARCONFIG_CONTIG && (grey || rgb))
        st = read_lines(t, path, page, bps, spp, photometric, out, err);
    else
        st = read_rgba(t, path, page, out, err);
    if (st != BILET_OK)
        image_grey_free(out);

out_close:
    TIFFClose(t);
    return st;
}
