/*
 * grading.h — blind grading at bilet-central (docs/grading.md): exams added with
 * --add-exam, the staff endpoints that list exams and sheet codes, show a sheet, record
 * grades and corrections, lock grading, and (statement.h, scans.h) unmask the statement and
 * take scanned pages.
 *
 * Every grading event is a record of the central's own signed chain (cdb_grading.h); the
 * endpoints fold an exam's records on each request (gmodel.h) and keep no state of their
 * own. Role checks go through api_authorise (api.h), so Bearer tokens and the web
 * console's session cookies both work. A grader never gets a name or a record book.
 */
#ifndef BILET_GRADING_H
#define BILET_GRADING_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "cdb.h"
#include "keys.h"
#include "record.h"
#include "status.h"

enum { GRADING_ID_MAX = 64 }; /* EXAM_ID_MAX of kiosk/core/exam.h (exam.h stays out of api.c) */

/* What grading_add_exam did. */
typedef struct grading_added {
    bool already; /* the same exam was added before: nothing changed */
    char id[GRADING_ID_MAX];
    size_t students;
    char record[RECORD_HEX_LEN + 1]; /* the exam_added record (the first one when already) */
} grading_added;

/* Loads the exam directory exam_dir (exam.ini, roster.csv, tickets.csv and, for a blind
 * exam, code.key; policies from policies_dir, or found as the kiosk finds them when NULL)
 * and adds it to the store: header, tickets, roster with each student's sheet code, the code
 * secret, and an `exam_added` record of the central's chain — all in one transaction.
 * Adding the same content again changes nothing (out->already). A regular file is taken for
 * a sealed package (grading_add_package). Refuses, changing nothing: another kind of file
 * (BILET_EINVAL), a malformed or rule-breaking exam
 * (BILET_EPARSE, BILET_ERULE, BILET_ENOTFOUND naming the file), a blind exam without
 * code.key (BILET_ENOTFOUND, saying how to create one), an exam of the same id added with
 * other content (BILET_ERULE). Store failures: BILET_EIO. */
bilet_status grading_add_exam(cdb *db, const keys_pair *central, const char *exam_dir,
                              const char *policies_dir, int64_t now, grading_added *out,
                              bilet_err *err);

/* Adds a sealed package (docs/package.md) held in bytes[0..len) as grading_add_exam adds a
 * directory: its signature checked against the staff key inside, its secret part opened
 * with the central key (the package must have been packed with --central-pub), then every
 * check of a directory. label names the package in messages (its file name). Adding the
 * same exam as a directory and as a package is the same content. Besides grading_add_exam's
 * refusals: BILET_EBADSIG for an altered package or one sealed to another central key,
 * BILET_ENOTFOUND for a package without the central's copy. */
bilet_status grading_add_package(cdb *db, const keys_pair *central, const char *label,
                                 const void *bytes, size_t len, const char *policies_dir,
                                 int64_t now, grading_added *out, bilet_err *err);

/* Whether path names a grading endpoint (docs/grading.md), and with which methods. */
bool grading_route(const char *path);
bool grading_method_ok(const char *path, const char *method);
const char *grading_allow(const char *path);

/* Handles a request whose path grading_route accepted (method already checked). */
void grading_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp);

#endif
