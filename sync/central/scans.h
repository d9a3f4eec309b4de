/*
 * scans.h — POST /api/v1/scans: one scanned page image (PNG, JPEG or TIFF, at most 32 MiB)
 * with the QR payload read from it, or entered by hand (docs/grading.md).
 *
 * The payload's signature is checked against the enrolled kiosk keys and the central key
 * (payload.h); a hand-entered page names exam, code and page, and its code must be one the
 * exam knows. The image is kept in the database (table scans), once: the same bytes again
 * are a duplicate. Every new page is a `page_scanned` record of the central's chain.
 */
#ifndef BILET_SCANS_H
#define BILET_SCANS_H

#include "api.h"
#include "cdb.h"

void scans_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp);

/* The static content type for a stored one ("image/png", "image/jpeg", "image/tiff";
 * "application/octet-stream" for anything else). */
const char *scans_content_type(const char *stored);

#endif
