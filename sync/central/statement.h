/*
 * statement.h — GET /api/v1/exams/{id}/statement: the unmasked statement of a locked exam
 * (the ведомость's data), for a registrar only (docs/grading.md has the JSON).
 *
 * Codes are joined to names here and nowhere else, and only once grading is locked; every
 * read is recorded in staff_reads. Rows follow the roster; a student who may not sit is
 * `not_admitted`, an admitted one with neither an attempt nor a sheet is `absent`; oral
 * exams take the kiosk's grades, written ones the central's.
 */
#ifndef BILET_STATEMENT_H
#define BILET_STATEMENT_H

#include "api.h"
#include "cdb.h"

void statement_handle(const api_ctx *ctx, cdb *db, const api_request *req, const char *exam,
                      api_response *resp);

#endif
