/*
 * image_write.c — a grey page as PNG bytes in memory (libpng), so that a page that is no
 * file of its own (a PDF page, one page of a multi-page TIFF) can be sent to bilet-central
 * as one image. libpng's errors arrive by longjmp and become a status; nothing is printed.
 */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

typedef struct png_sink {
    unsigned char *data;
    size_t len, cap;
    int no_memory;
    char msg[200];
} png_sink;

static void on_error(png_structp png, png_const_charp msg)
{
    png_sink *s = png_get_error_ptr(png);
    snprintf(s->msg, sizeof s->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
    png_sink *s = png_get_io_ptr(png);
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 256 * 1024;
        while (cap < s->len + n)
            cap *= 2;
        unsigned char *p = realloc(s->data, cap);
        if (!p) {
            s->no_memory = 1;
            png_error(png, "out of memory");
        }
        s->data = p;
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, n);
    s->len += n;
}

static void on_flush(png_structp png)
{
    (void)png;
}

bilet_status image_grey_png(const image_grey *g, unsigned char **out, size_t *len, bilet_err *err)
{
    png_sink s;
    memset(&s, 0, sizeof s);
    *out = NULL;
    *len = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &s, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bilet_status st = BILET_OK;
    if (!info) {
        st = bilet_fail(err, BILET_ENOMEM, "no memory for the PNG writer");
        goto out_destroy;
    }
    if (setjmp(png_jmpbuf(png))) {
        st = bilet_fail(err, s.no_memory ? BILET_ENOMEM : BILET_EIO, "PNG: %s", s.msg);
        goto out_destroy;
    }
    png_set_write_fn(png, &s, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)g->w, (png_uint_32)g->h, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < g->h; y++)
        png_write_row(png, g->px + (size_t)y * (size_t)g->w);
    png_write_end(png, info);
    *out = s.data;
    *len = s.len;
    s.data = NULL;

out_destroy:
    png_destroy_write_struct(&png, &info);
    free(s.data);
    return st;
}
