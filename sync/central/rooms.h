/*
 * rooms.h — GET /api/v1/exams/{id}/rooms: the live picture of an exam in progress, one
 * entry per terminal (kiosk) that has sent records of it, folded from those records.
 *
 * Per terminal: its name and last contact (the last batch that named it), the session's
 * state, the student writing there now (the sheet code; the name and record book only for
 * a registrar), the ticket, the deadline and seconds left (pauses and extra time
 * credited), counts of attempts, and the incidents: leaves and returns, removals,
 * refusals, pauses, crash downtime credited, PIN lockouts. Any staff role may read it; a
 * grader never sees a name.
 */
#ifndef BILET_ROOMS_H
#define BILET_ROOMS_H

#include "api.h"
#include "cdb.h"

/* Answers the request for exam exam_id (200 with the JSON, or 401/403/503). */
void rooms_handle(cdb *db, const api_request *req, const char *exam_id, api_response *resp);

#endif
