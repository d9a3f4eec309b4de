/*
 * console.h — the endpoints of the staff web console that are not grading's
 * (docs/console.md): sign-in and sign-out (/api/v1/session), live rooms
 * (/api/v1/exams/{id}/rooms, rooms.h), uploading an exam directory as a zip
 * (/api/v1/exam-uploads), the unmasked documents (/api/v1/exams/{id}/documents/{file}),
 * and the console's static files (web.h). api.c asks here first.
 */
#ifndef BILET_CONSOLE_H
#define BILET_CONSOLE_H

#include <stdbool.h>

#include "api.h"

/* -1 when method and path are none of the console's; 1 when they are and the method is
 * served; 0 with *resp filled (405) when the path is the console's and the method is not. */
int console_route_ok(const char *method, const char *path, api_response *resp);

/* Prepares what the console's documents need (fonts, the Russian catalogs) once, before
 * the server's threads start: it sets the process's message locale and LANGUAGE. */
void console_start(void);

/* Handles the request when it is one of the console's (true, *resp filled); false when it
 * is not (nothing done). */
bool console_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp);

#endif
