/*
 * sheetcode.h — the code printed on an answer sheet in place of the student's name.
 *
 * Mode `blind` (the default): the first 40 bits of BLAKE2b-256 keyed with the exam's
 * 32-byte secret (code.key) over `exam id` NUL `record book`, in Crockford base32, as
 * `XXXX-XXXX`. The record book is trimmed of leading and trailing ASCII white space
 * (space, tab, CR, LF, VT, FF) first, nothing else: no case folding, no Unicode
 * normalisation. Mode `record_book` prints the trimmed record-book number itself.
 * Known answers: tests/data/record/sheetcode.vectors; definition: docs/records.md.
 */
#ifndef BILET_SHEETCODE_H
#define BILET_SHEETCODE_H

#include <stddef.h>

#include "status.h"

enum {
    SHEETCODE_KEY_BYTES = 32,
    SHEETCODE_LEN = 9,       /* "XXXX-XXXX" */
    SHEETCODE_SIZE = 10,     /* with its NUL */
    SHEETCODE_RB_MAX = 128,  /* longest record-book number, bytes after trimming */
    SHEETCODE_EXAM_MAX = 256 /* longest exam id, bytes */
};

/* Writes the blind code of record_book in exam exam_id into out ("K7Q2-M9XD" and a NUL).
 * BILET_EINVAL for an empty (after trimming) or over-long record book or exam id; out is
 * then "". The key is only read. */
bilet_status sheetcode_blind(const unsigned char key[SHEETCODE_KEY_BYTES], const char *exam_id,
                             const char *record_book, char out[SHEETCODE_SIZE], bilet_err *err);

/* Mode `record_book`: copies the trimmed record book into out (out_size bytes with the
 * NUL). BILET_EINVAL if it is empty or does not fit; out is then "". */
bilet_status sheetcode_record_book(const char *record_book, char *out, size_t out_size,
                                   bilet_err *err);

/* Reads a code as a person types or a scanner reads it: surrounding white space ignored,
 * lower case accepted, O read as 0, I and L as 1, the hyphen optional (only between the
 * fourth and fifth symbol). Writes the canonical "XXXX-XXXX" into out. BILET_EPARSE
 * naming the offending character or the wrong length; out is then "". */
bilet_status sheetcode_normalize(const char *in, char out[SHEETCODE_SIZE], bilet_err *err);

#endif
