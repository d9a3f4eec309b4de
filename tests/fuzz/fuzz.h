/*
 * fuzz.h — what the fuzz targets under tests/fuzz/ share (docs/fuzzing.md).
 *
 * Every target is one LLVMFuzzerTestOneInput over one parser of hostile input. Built with
 * BILET_FUZZ=ON (clang) it is a libFuzzer program; otherwise it is linked with replay.c and
 * runs the files of tests/fuzz/corpus/<target>/ as a regression test. A target owns no
 * state between inputs: what it allocates is freed before it returns (LeakSanitizer checks
 * that), and the files it writes are rewritten for every input.
 *
 * Invariants every target checks (fuzz_check_result): a failure comes with a message, and
 * the message is one line of UTF-8 (status.h promises both). A broken invariant aborts, so
 * the fuzzer keeps the input as a crash.
 */
#ifndef BILET_FUZZ_H
#define BILET_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data[0..size) to the file `name` in this process's own folder on tmpfs (made on
 * first use, removed at exit) and returns its path, valid until the next call. For parsers
 * that read a file by path: the product API stays as it is. Aborts when the file cannot
 * be written (a broken fuzzing set-up, not a finding). */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);

/* The folder fuzz_file writes into. */
const char *fuzz_dir(void);

/* A malloc'd copy of data with a NUL after size bytes; the caller frees. Aborts without
 * memory. */
char *fuzz_strdup(const uint8_t *data, size_t size);

/* Aborts with what, naming the target's broken invariant, when cond is false. */
void fuzz_require(bool cond, const char *what);

/* The common invariant: st is BILET_OK, or err holds a non-empty one-line UTF-8 message. */
void fuzz_check_result(bilet_status st, const bilet_err *err);

#endif
