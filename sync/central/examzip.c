/*
 * examzip.c — unpacking an uploaded exam directory (see examzip.h). The only file that
 * includes <zip.h>. Load: a handful of small files once per exam added.
 */
/* nftw and mkdtemp. */
#define _XOPEN_SOURCE 700
#include "examzip.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

bool examzip_is_zip(const void *buf, size_t len)
{
    const unsigned char *b = buf;
    return len >= 4 && b[0] == 'P' && b[1] == 'K' &&
           ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
}

/* A plain relative name: segments of printable bytes (UTF-8 allowed), none empty (but a
 * trailing '/' of a folder), ".", ".." or starting with '.'; at most two levels. */
static bool plain_name(const char *name, bool *is_dir)
{
    size_t n = strlen(name);
    int depth = 0;
    *is_dir = n > 0 && name[n - 1] == '/';
    if (n == 0 || name[0] == '/' || n >= 512)
        return false;
    const char *p = name;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t seg = slash ? (size_t)(slash - p) : strlen(p);
        if (seg == 0 || p[0] == '.')
            return false;
        for (size_t i = 0; i < seg; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':')
                return false;
        }
        depth++;
        if (!slash)
            break;
        p = slash + 1;
    }
    return depth <= 2;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void examzip_remove(const char *tmp)
{
    if (tmp && tmp[0])
        nftw(tmp, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Writes one entry's bytes to path, counting them against the caps. */
static bilet_status write_entry(zip_t *z, zip_int64_t index, const char *name, const char *path,
                                size_t *total, bilet_err *err)
{
    zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)index, 0);
    if (!zf)
        return bilet_fail(err, BILET_EPARSE, "%s: cannot be read from the archive (%s)", name,
                          zip_strerror(z));
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        zip_fclose(zf);
        return bilet_fail(err, errno == EEXIST ? BILET_EPARSE : BILET_EIO, "%s: %s", name,
                          errno == EEXIST ? "twice in the archive" : strerror(errno));
    }
    bilet_status st = BILET_OK;
    size_t size = 0;
    char buf[16384];
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            st = bilet_fail(err, BILET_EPARSE, "%s: damaged in the archive (%s)", name,
                            zip_file_strerror(zf));
            break;
        }
        if (n == 0)
            break;
        size += (size_t)n;
        *total += (size_t)n;
        if (size > EXAMZIP_FILE_MAX || *total > EXAMZIP_TOTAL_MAX) {
            st = bilet_fail(err, BILET_ETOOBIG,
                            "%s: the archive unpacks to more than %d MiB (a file at most %d MiB)",
                            name, EXAMZIP_TOTAL_MAX / (1024 * 1024),
                            EXAMZIP_FILE_MAX / (1024 * 1024));
            break;
        }
        if (write(fd, buf, (size_t)n) != (ssize_t)n) {
            st = bilet_fail(err, BILET_EIO, "%s: cannot be written: %s", name, strerror(errno));
            break;
        }
    }
    zip_fclose(zf);
    if (close(fd) != 0 && st == BILET_OK)
        st = bilet_fail(err, BILET_EIO, "%s: cannot be written: %s", name, strerror(errno));
    return st;
}

static bool has_exam_ini(const char *dir)
{
    char p[EXAMZIP_PATH_MAX + 16];
    struct stat sb;
    snprintf(p, sizeof p, "%s/exam.ini", dir);
    return lstat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The folder that holds exam.ini: the top, or its only subfolder. */
static bilet_status find_exam(const char *tmp, char exam_dir[EXAMZIP_PATH_MAX], bilet_err *err)
{
    if (has_exam_ini(tmp)) {
        snprintf(exam_dir, EXAMZIP_PATH_MAX, "%s", tmp);
        return BILET_OK;
    }
    char only[EXAMZIP_PATH_MAX] = "";
    int dirs = 0;
    DIR *d = opendir(tmp);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[EXAMZIP_PATH_MAX];
        struct stat sb;
        if ((size_t)snprintf(p, sizeof p, "%s/%s", tmp, e->d_name) < sizeof p &&
            lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            dirs++;
            snprintf(only, sizeof only, "%s", p);
        }
    }
    if (d)
        closedir(d);
    if (dirs == 1 && has_exam_ini(only)) {
        snprintf(exam_dir, EXAMZIP_PATH_MAX, "%s", only);
        return BILET_OK;
    }
    return bilet_fail(err, BILET_ENOTFOUND,
                      "no exam.ini in the archive (zip the exam folder: exam.ini, roster.csv, "
                      "tickets.csv, code.key)");
}

bilet_status examzip_extract(const void *buf, size_t len, char tmp_out[EXAMZIP_PATH_MAX],
                             char exam_dir[EXAMZIP_PATH_MAX], bilet_err *err)
{
    tmp_out[0] = exam_dir[0] = '\0';
    if (!examzip_is_zip(buf, len))
        return bilet_fail(err, BILET_EPARSE, "not a zip archive");
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!z) {
        bilet_status st = bilet_fail(err, BILET_EPARSE, "not a readable zip archive (%s)",
                                     zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);
    bilet_status st = BILET_OK;
    zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0 || n > EXAMZIP_ENTRIES_MAX) {
        zip_discard(z);
        return bilet_fail(err, BILET_ETOOBIG, "the archive has more than %d entries",
                          EXAMZIP_ENTRIES_MAX);
    }
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = "/tmp";
    if ((size_t)snprintf(tmp_out, EXAMZIP_PATH_MAX, "%s/bilet-exam-XXXXXX", base) >=
            EXAMZIP_PATH_MAX ||
        !mkdtemp(tmp_out)) {
        st = bilet_fail(err, BILET_EIO, "cannot make a temporary folder in %s: %s", base,
                        strerror(errno));
        tmp_out[0] = '\0';
        zip_discard(z);
        return st;
    }
    size_t total = 0;
    for (zip_int64_t i = 0; st == BILET_OK && i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        bool is_dir = false;
        char path[EXAMZIP_PATH_MAX];
        if (!name || !plain_name(name, &is_dir)) {
            st = bilet_fail(err, BILET_EPARSE,
                            "entry %lld (%.80s): not a plain relative name (no /, .., dot "
                            "files, at most one folder deep)",
                            (long long)i + 1, name ? name : "?");
            break;
        }
        if ((size_t)snprintf(path, sizeof path, "%s/%s", tmp_out, name) >= sizeof path) {
            st = bilet_fail(err, BILET_EPARSE, "entry %s: name too long", name);
            break;
        }
        if (is_dir) {
            path[strlen(path) - 1] = '\0';
            if (mkdir(path, 0700) != 0 && errno != EEXIST)
                st = bilet_fail(err, BILET_EIO, "%s: %s", name, strerror(errno));
            continue;
        }
        const char *slash = strchr(name, '/');
        if (slash) { /* a file in a folder the archive did not list */
            char dir[EXAMZIP_PATH_MAX];
            snprintf(dir, sizeof dir, "%s/%.*s", tmp_out, (int)(slash - name), name);
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                st = bilet_fail(err, BILET_EIO, "%s: %s", name, strerror(errno));
        }
        if (st == BILET_OK)
            st = write_entry(z, i, name, path, &total, err);
    }
    zip_discard(z);
    if (st == BILET_OK)
        st = find_exam(tmp_out, exam_dir, err);
    if (st != BILET_OK) {
        examzip_remove(tmp_out);
        tmp_out[0] = exam_dir[0] = '\0';
    }
    return st;
}
