/*
 * examzip.h — an exam directory uploaded to the staff console as a zip archive, unpacked
 * into a private temporary folder before grading_add_exam reads it.
 *
 * The archive is hostile input: only plain relative names are accepted (no absolute path,
 * no "." or ".." segment, no backslash, no control character, at most two levels deep),
 * at most EXAMZIP_ENTRIES_MAX entries, EXAMZIP_FILE_MAX bytes a file and EXAMZIP_TOTAL_MAX
 * in all (counted as the bytes come out, not as the archive claims). Files are created
 * new (O_EXCL, 0600, no symbolic links followed) in a 0700 folder made with mkdtemp. The
 * exam may sit at the archive's top or in its one top-level folder (a zipped folder).
 */
#ifndef BILET_EXAMZIP_H
#define BILET_EXAMZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum {
    EXAMZIP_ENTRIES_MAX = 64,
    EXAMZIP_FILE_MAX = 8 * 1024 * 1024,
    EXAMZIP_TOTAL_MAX = 32 * 1024 * 1024,
    EXAMZIP_PATH_MAX = 4096,
};

/* Whether the bytes start like a zip archive (a local file header, or an empty archive). */
bool examzip_is_zip(const void *buf, size_t len);

/* Unpacks the archive buf[0..len) into a new temporary folder. *tmp_out receives that folder
 * (remove it with examzip_remove), exam_dir the folder in it that holds exam.ini.
 * BILET_EPARSE naming the entry for a bad name or a damaged archive, BILET_ETOOBIG over a
 * cap, BILET_ENOTFOUND when no exam.ini is there, BILET_EIO when the folder cannot be
 * written. On failure nothing is left behind and *tmp_out is "". */
bilet_status examzip_extract(const void *buf, size_t len, char tmp_out[EXAMZIP_PATH_MAX],
                             char exam_dir[EXAMZIP_PATH_MAX], bilet_err *err);

/* Removes the temporary folder and everything in it ("" is fine). */
void examzip_remove(const char *tmp);

#endif
