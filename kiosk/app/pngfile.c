/*
 * pngfile.c — PNG writing and reading with libpng's classic API. libpng reports errors by
 * longjmp: the message goes into a context and setjmp's branch turns it into a status;
 * everything freed on that path is declared volatile or owned by libpng's structs.
 * Load: a screenshot now and then (headless `shot`, tests); speed matters little, so rows
 * are compressed with zlib's fast level.
 */
#include "pngfile.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <png.h>
#include <zlib.h>

typedef struct png_ctx {
    jmp_buf jump;
    char msg[256];
} png_ctx;

static void on_error(png_structp png, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(png);
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    longjmp(c->jump, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* warnings (odd chunks) do not stop a read */
}

bilet_status pngfile_write_rgba(const char *path, const unsigned char *rgba, int width, int height,
                                size_t stride, bilet_err *err)
{
    if (width <= 0 || height <= 0 || width > PNGFILE_SIDE_MAX || height > PNGFILE_SIDE_MAX ||
        stride < (size_t)width * 4)
        return bilet_fail(err, BILET_EINVAL, "%s: cannot save a %d × %d picture", path, width,
                          height);
    char tmp[PATH_MAX];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", path);

    FILE *volatile f = fopen(tmp, "wb");
    if (!f)
        return bilet_fail(err, BILET_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    png_ctx ctx = { 0 };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bilet_status st = BILET_OK;
    if (!png || !info) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory for libpng", path);
        goto out_destroy;
    }
    if (setjmp(ctx.jump)) {
        st = bilet_fail(err, BILET_EIO, "%s: libpng: %s", path, ctx.msg);
        goto out_destroy;
    }
    png_init_io(png, f);
    png_set_compression_level(png, Z_BEST_SPEED);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++)
        png_write_row(png, rgba + (size_t)y * stride);
    png_write_end(png, NULL);

out_destroy:
    png_destroy_write_struct(&png, &info);
    if (fflush(f) != 0 || ferror(f)) {
        if (st == BILET_OK)
            st = bilet_fail(err, BILET_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    }
    if (fclose(f) != 0 && st == BILET_OK)
        st = bilet_fail(err, BILET_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    if (st == BILET_OK && rename(tmp, path) != 0)
        st = bilet_fail(err, BILET_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
    if (st != BILET_OK)
        unlink(tmp);
    return st;
}

bilet_status pngfile_read_rgba(const char *path, unsigned char **pixels, int *width, int *height,
                               bilet_err *err)
{
    *pixels = NULL;
    *width = 0;
    *height = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char sig[8];
    if (fread(sig, 1, sizeof sig, f) != sizeof sig || png_sig_cmp(sig, 0, sizeof sig) != 0) {
        fclose(f);
        return bilet_fail(err, BILET_EPARSE, "%s: not a PNG file", path);
    }
    png_ctx ctx = { 0 };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *volatile buf = NULL;
    png_bytep *volatile rows = NULL;
    bilet_status st = BILET_OK;
    if (!png || !info) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory for libpng", path);
        goto out_destroy;
    }
    if (setjmp(ctx.jump)) {
        st = bilet_fail(err, BILET_EPARSE, "%s: libpng: %s", path, ctx.msg);
        goto out_destroy;
    }
    png_init_io(png, f);
    png_set_sig_bytes(png, sizeof sig);
    png_set_user_limits(png, PNGFILE_SIDE_MAX, PNGFILE_SIDE_MAX);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    int type = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (w == 0 || h == 0 || w > PNGFILE_SIDE_MAX || h > PNGFILE_SIDE_MAX) {
        st = bilet_fail(err, BILET_ETOOBIG, "%s: %u × %u pixels is beyond %d a side", path,
                        (unsigned)w, (unsigned)h, PNGFILE_SIDE_MAX);
        goto out_destroy;
    }
    if (depth == 16)
        png_set_strip_16(png);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    if (!(type & PNG_COLOR_MASK_ALPHA))
        png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    buf = malloc((size_t)w * h * 4);
    rows = malloc(h * sizeof *rows);
    if (!buf || !rows) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory for %u × %u pixels", path,
                        (unsigned)w, (unsigned)h);
        goto out_destroy;
    }
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = buf + (size_t)y * w * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    *pixels = buf;
    buf = NULL;
    *width = (int)w;
    *height = (int)h;

out_destroy:
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    free(buf);
    fclose(f);
    return st;
}
