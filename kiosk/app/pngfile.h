/*
 * pngfile.h — RGBA pixels to and from PNG files with libpng. Only pngfile.c includes
 * <png.h> (the file is not called png.h so that it cannot shadow libpng's header).
 *
 * Pixels are 8-bit R, G, B, A in that byte order, rows top to bottom. Images are capped at
 * PNGFILE_SIDE_MAX pixels a side: a file is input like any other and may lie.
 */
#ifndef BILET_PNGFILE_H
#define BILET_PNGFILE_H

#include <stddef.h>

#include "status.h"

enum { PNGFILE_SIDE_MAX = 16384 };

/* Writes width × height pixels, stride bytes a row, as an RGBA PNG at path, through a
 * temporary file renamed into place. BILET_EINVAL for a size out of range, BILET_EIO naming
 * the path when it cannot be written. */
bilet_status pngfile_write_rgba(const char *path, const unsigned char *rgba, int width, int height,
                                size_t stride, bilet_err *err);

/* Reads any PNG as RGBA (palette, grey and 16-bit converted): *pixels (malloc'd, the
 * caller's to free, width × 4 bytes a row), *width, *height. BILET_EIO / BILET_EPARSE /
 * BILET_ETOOBIG naming the path; outputs zeroed on failure. */
bilet_status pngfile_read_rgba(const char *path, unsigned char **pixels, int *width, int *height,
                               bilet_err *err);

#endif
