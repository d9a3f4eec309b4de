/*
 * textfile.c — reads an exam directory's text file into memory as UTF-8, whatever a
 * teacher's editor or spreadsheet saved it as.
 *
 * Accepted: UTF-8 with or without BOM, and Windows-1251 (Russian Excel's "CSV (разделители —
 * точка с запятой)"), converted with iconv. A file that is mostly UTF-8 but holds a few
 * bytes that are not is damaged, not Windows-1251: it is refused naming the first such
 * line rather than turned into nonsense. Workbooks, UTF-16 and NUL bytes are refused with
 * what to save instead. Files are read whole (capped by the caller): a roster is a few
 * hundred kilobytes at most.
 */
#include "examdir_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void examdir_text_free(char *text, size_t len)
{
    if (!text)
        return;
    wipe(text, len);
    free(text);
}

bilet_status examdir_path_join(char *out, size_t cap, const char *dir, const char *name,
                               bilet_err *err)
{
    size_t dl = dir ? strlen(dir) : 0;
    const char *sep = (dl == 0 || dir[dl - 1] == '/') ? "" : "/";
    int n = snprintf(out, cap, "%s%s%s", dir ? dir : "", sep, name);
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            out[0] = '\0';
        return bilet_fail(err, BILET_EINVAL, "%s%s%s: path too long", dir ? dir : "", sep, name);
    }
    return BILET_OK;
}

/* 1-based line of byte offset off. */
static int line_of(const char *s, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n')
            line++;
    return line;
}

/* The files of a package being loaded (examdir_mem_files_set): served from memory under
 * their names, per thread, only while the load runs. */
static _Thread_local const examdir_mem_file *mem_files;
static _Thread_local size_t n_mem_files;

void examdir_mem_files_set(const examdir_mem_file *files, size_t n)
{
    mem_files = files;
    n_mem_files = files ? n : 0;
}

/* A copy of the in-memory file named path; false when there is none of that name. */
static bool read_mem(const char *path, size_t max, char **buf, size_t *len, bilet_status *st,
                     bilet_err *err)
{
    for (size_t i = 0; i < n_mem_files; i++) {
        const examdir_mem_file *m = &mem_files[i];
        if (strcmp(m->path, path) != 0)
            continue;
        if (m->len > max) {
            *st = bilet_fail(err, BILET_ETOOBIG,
                             "%s: the file is over %zu bytes, more than bilet reads", path, max);
            return true;
        }
        char *b = malloc(m->len + 1);
        if (!b) {
            *st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
            return true;
        }
        if (m->len)
            memcpy(b, m->bytes, m->len);
        b[m->len] = '\0';
        *buf = b;
        *len = m->len;
        *st = BILET_OK;
        return true;
    }
    return false;
}

static bilet_status read_all(const char *path, size_t max, char **buf, size_t *len, bilet_err *err)
{
    *buf = NULL;
    *len = 0;
    bilet_status mst;
    if (read_mem(path, max, buf, len, &mst, err))
        return mst;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return bilet_fail(err, BILET_ENOTFOUND, "%s: no such file", path);
        return bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
    }
    bilet_status st = BILET_OK;
    size_t cap = 64 * 1024 < max + 1 ? 64 * 1024 : max + 1;
    char *b = malloc(cap + 1);
    size_t n = 0;
    if (!b) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
        goto out_close;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                st = bilet_fail(err, BILET_ETOOBIG,
                                "%s: the file is over %zu bytes, more than bilet reads", path, max);
                goto out_free;
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = malloc(ncap + 1);
            if (!nb) {
                st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
                goto out_free;
            }
            memcpy(nb, b, n);
            wipe(b, n);
            free(b);
            b = nb;
            cap = ncap;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                st = bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
                goto out_free;
            }
            break;
        }
    }
    if (n > max) {
        st = bilet_fail(err, BILET_ETOOBIG, "%s: the file is over %zu bytes, more than bilet reads",
                        path, max);
        goto out_free;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    goto out_close;
out_free:
    wipe(b, n);
    free(b);
out_close:
    fclose(f);
    return st;
}

/* Whether invalid bytes are the odd damage in a UTF-8 file: more well-formed multi-byte
 * sequences than bad bytes. In Windows-1251 Russian text nearly every letter is a bad
 * byte, and chance pairs that read as UTF-8 are rare. Stores the offset of the first bad
 * byte. */
static bool mostly_utf8(const char *s, size_t len, size_t *first_bad)
{
    size_t good = 0;
    size_t bad = 0;
    *first_bad = len;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = text_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            if (bad == 0)
                *first_bad = i;
            bad++;
            i++;
            continue;
        }
        if (n > 1)
            good++;
        i += n;
    }
    return good > bad;
}

static bilet_status from_cp1251(const char *path, char **buf, size_t *len, bilet_err *err)
{
    iconv_t cd = iconv_open("UTF-8", "CP1251");
    if (cd == (iconv_t)-1)
        return bilet_fail(err, BILET_EIO, "%s: Windows-1251 conversion is not available (%s)", path,
                          strerror(errno));
    bilet_status st = BILET_OK;
    /* A Windows-1251 byte becomes at most 3 UTF-8 bytes (€, №, …). */
    size_t cap = *len * 3 + 1;
    char *outbuf = malloc(cap);
    if (!outbuf) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
        goto out_close;
    }
    char *in = *buf;
    size_t inleft = *len;
    char *o = outbuf;
    size_t oleft = cap - 1;
    if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
        size_t off = (size_t)(in - *buf);
        st = bilet_fail(err, BILET_EPARSE,
                        "%s:%d: byte 0x%02X is neither UTF-8 nor Windows-1251; save the file "
                        "as UTF-8",
                        path, line_of(*buf, off), (unsigned)(unsigned char)(*buf)[off]);
        wipe(outbuf, cap);
        free(outbuf);
        goto out_close;
    }
    *o = '\0';
    examdir_text_free(*buf, *len);
    *buf = outbuf;
    *len = (size_t)(o - outbuf);
out_close:
    iconv_close(cd);
    return st;
}

bilet_status examdir_text_read(const char *path, size_t max, char **text, size_t *len,
                               bilet_err *err)
{
    *text = NULL;
    *len = 0;
    char *b;
    size_t n;
    bilet_status st = read_all(path, max, &b, &n, err);
    if (st != BILET_OK)
        return st;
    const unsigned char *u = (const unsigned char *)b;
    if ((n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) ||
        (n >= 4 && u[0] == 0xD0 && u[1] == 0xCF && u[2] == 0x11 && u[3] == 0xE0)) {
        st = bilet_fail(err, BILET_EPARSE,
                        "%s: this is a spreadsheet workbook, not text; save it as CSV "
                        "(“CSV UTF-8” or “CSV (разделители — точка с запятой)”)",
                        path);
        goto out_free;
    }
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        st =
            bilet_fail(err, BILET_EPARSE,
                       "%s: the file is UTF-16 (“Unicode text”); save it as UTF-8 or as CSV", path);
        goto out_free;
    }
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        memmove(b, b + 3, n - 3);
        n -= 3;
        b[n] = '\0';
    }
    const char *nul = memchr(b, '\0', n);
    if (nul) {
        st = bilet_fail(err, BILET_EPARSE,
                        "%s:%d: the line holds a NUL byte; this is not a text file", path,
                        line_of(b, (size_t)(nul - b)));
        goto out_free;
    }
    if (!text_utf8_valid(b, n)) {
        size_t bad;
        if (mostly_utf8(b, n, &bad)) {
            st = bilet_fail(err, BILET_EPARSE,
                            "%s:%d: byte 0x%02X is not UTF-8, though the rest of the file is "
                            "(a damaged file?)",
                            path, line_of(b, bad), (unsigned)u[bad]);
            goto out_free;
        }
        st = from_cp1251(path, &b, &n, err);
        if (st != BILET_OK)
            goto out_free;
    }
    *text = b;
    *len = n;
    return BILET_OK;
out_free:
    examdir_text_free(b, n);
    return st;
}
