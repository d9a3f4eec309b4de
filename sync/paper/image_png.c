/*
 * image_png.c — a PNG page as 8-bit grey (libpng): palette, 1/2/4/16-bit, RGB, alpha and
 * interlaced images all arrive as one grey byte a pixel. Non-interlaced pages (what
 * scanners write) are read row by row into place, without a second copy of the page.
 *
 * libpng reports errors by longjmp; its message is kept and becomes ours, and warnings
 * are dropped (nothing is printed). The size caps are checked after the header, before the
 * pixels are allocated. Load: one call per PNG page, any thread.
 */
#include <png.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"

typedef struct png_ctx {
    char msg[200];
} png_ctx;

static void on_error(png_structp png, png_const_charp msg)
{
    png_ctx *ctx = png_get_error_ptr(png);
    snprintf(ctx->msg, sizeof ctx->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

bilet_status image_png_read(const char *path, image_grey *out, bilet_err *err)
{
    png_ctx ctx = { "" };
    bilet_status st = BILET_OK;
    png_bytep *volatile rows = NULL;
    unsigned char *volatile rgb = NULL;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_EIO, "%s: cannot open", path);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: no memory for the PNG reader", path);
        goto out_close;
    }
    if (setjmp(png_jmpbuf(png))) {
        image_grey_free(out);
        st = bilet_fail(err, BILET_EPARSE, "%s: PNG: %s", path, ctx.msg);
        goto out_close;
    }
    png_init_io(png, f);
    png_set_user_limits(png, IMAGE_SIDE_MAX, IMAGE_SIDE_MAX);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    int type = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    bool interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16)
        png_set_strip_16(png);
    /* Transparency (an alpha channel or a tRNS chunk) is dropped: a page is opaque. */
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if ((type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    if ((channels != 1 && channels != 3) || png_get_bit_depth(png, info) != 8) {
        st = bilet_fail(err, BILET_EPARSE, "%s: PNG: an unsupported pixel layout", path);
        goto out_close;
    }
    st = image_alloc(out, w, h, path, err);
    if (st != BILET_OK)
        goto out_close;
    /* Colour is read as RGB and turned grey here: libpng's own rgb_to_gray is exact about
     * gamma and several times slower, and the QR is black on white either way. */
    if (channels == 3) {
        rgb = malloc((size_t)w * 3 * (interlaced ? h : 1));
        if (!rgb) {
            image_grey_free(out);
            st = bilet_fail(err, BILET_ENOMEM, "%s: no memory", path);
            goto out_close;
        }
    }
    if (channels == 1 || !interlaced) {
        for (png_uint_32 y = 0; y < h; y++) {
            unsigned char *row = out->px + (size_t)y * w;
            png_read_row(png, channels == 1 ? row : rgb, NULL);
            for (png_uint_32 x = 0; channels == 3 && x < w; x++)
                row[x] = image_luma(rgb[3 * x], rgb[3 * x + 1], rgb[3 * x + 2]);
        }
    } else {
        rows = malloc(sizeof *rows * h);
        if (!rows) {
            image_grey_free(out);
            st = bilet_fail(err, BILET_ENOMEM, "%s: no memory", path);
            goto out_close;
        }
        for (png_uint_32 y = 0; y < h; y++)
            rows[y] = rgb + (size_t)y * w * 3;
        png_read_image(png, rows);
        for (size_t i = 0; i < (size_t)w * h; i++)
            out->px[i] = image_luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
    }
    png_read_end(png, NULL);

out_close:
    free(rows);
    free(rgb);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    return st;
}
