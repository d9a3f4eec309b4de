/*
 * image_jpeg.c — a JPEG page as 8-bit grey (libjpeg): the decoder writes the luma channel
 * directly (JCS_GRAYSCALE), and a page of more than about 400 dpi is decoded at half size
 * by the DCT itself, which costs less than decoding it whole.
 *
 * libjpeg reports errors by calling error_exit, which here keeps the message and longjmps
 * back; nothing is printed. Load: one call per JPEG page, any thread.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "image_internal.h"

enum { HALF_ABOVE = 4700 }; /* long side in pixels: A4 at 400 dpi is 4677 */

typedef struct jpeg_ctx {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} jpeg_ctx;

static void on_error(j_common_ptr cinfo)
{
    jpeg_ctx *ctx = (jpeg_ctx *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, ctx->msg);
    longjmp(ctx->jump, 1);
}

static void on_message(j_common_ptr cinfo)
{
    (void)cinfo;
}

bilet_status image_jpeg_read(const char *path, image_grey *out, bilet_err *err)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_ctx ctx;
    bilet_status st = BILET_OK;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_EIO, "%s: cannot open", path);
    cinfo.err = jpeg_std_error(&ctx.mgr);
    ctx.mgr.error_exit = on_error;
    ctx.mgr.output_message = on_message;
    ctx.msg[0] = '\0';
    if (setjmp(ctx.jump)) {
        image_grey_free(out);
        st = bilet_fail(err, BILET_EPARSE, "%s: JPEG: %s", path, ctx.msg);
        goto out_destroy;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.image_width > IMAGE_SIDE_MAX || cinfo.image_height > IMAGE_SIDE_MAX) {
        st =
            bilet_fail(err, BILET_ETOOBIG, "%s: a JPEG of %u x %u pixels (at most %d a side)", path,
                       (unsigned)cinfo.image_width, (unsigned)cinfo.image_height, IMAGE_SIDE_MAX);
        goto out_destroy;
    }
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        st = bilet_fail(err, BILET_EPARSE, "%s: JPEG: CMYK pages are not supported", path);
        goto out_destroy;
    }
    cinfo.out_color_space = JCS_GRAYSCALE;
    unsigned long long_side =
        cinfo.image_width > cinfo.image_height ? cinfo.image_width : cinfo.image_height;
    if (long_side > HALF_ABOVE) {
        cinfo.scale_num = 1;
        cinfo.scale_denom = 2;
    }
    cinfo.dct_method = JDCT_IFAST;
    jpeg_start_decompress(&cinfo);
    st = image_alloc(out, cinfo.output_width, cinfo.output_height, path, err);
    if (st != BILET_OK) {
        jpeg_abort_decompress(&cinfo);
        goto out_destroy;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out->px + (size_t)cinfo.output_scanline * (size_t)out->w;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);

out_destroy:
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    return st;
}
