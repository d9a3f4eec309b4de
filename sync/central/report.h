/*
 * report.h — an exam's results as the central store knows them: every kiosk's stored
 * records of the exam folded in seq order through the same results table `bilet results`
 * uses (kiosk/core/results.h), one row per attempt, with the same columns.
 *
 * Records were verified when they were stored; here they are parsed again (never
 * re-serialised) and events of types this build does not know are skipped, so that
 * records of a newer kiosk do not break the report. Load: on demand, by staff; one pass
 * over the exam's records.
 */
#ifndef BILET_REPORT_H
#define BILET_REPORT_H

#include <stddef.h>

#include "cdb.h"
#include "status.h"

typedef enum report_format {
    REPORT_JSON, /* an array of objects, numbers as numbers */
    REPORT_CSV,  /* UTF-8 with a BOM, `;` separators, CRLF, every field quoted (libcsv) */
} report_format;

/* Writes the results of exam `exam_id` in fmt into *out (malloc'd, NUL-terminated, owned by
 * the caller; *out_len its length). An exam without records gives an empty table.
 * BILET_ECORRUPT naming the record when a stored record does not parse as its event. */
bilet_status report_exam(cdb *db, const char *exam_id, report_format fmt, char **out,
                         size_t *out_len, bilet_err *err);

#endif
