/*
 * api.h — the HTTP API of bilet-central (docs/central.md) without the HTTP: a request as
 * plain data in, a response as plain data out. http.c feeds it from libmicrohttpd; tests
 * may call it directly.
 *
 * Routes: POST /api/v1/records (kiosks: the signatures authenticate), GET|POST
 * /api/v1/kiosks and GET /api/v1/exams/{id}/results (staff: `Authorization: Bearer
 * TOKEN`), GET /api/v1/health. Unknown paths are 404, known paths with another method 405.
 * Errors are `{"error":"..."}`. No state is kept between requests: everything is in the
 * database handle passed in.
 */
#ifndef BILET_API_H
#define BILET_API_H

#include <stdbool.h>
#include <stddef.h>

#include "batch.h"
#include "cdb.h"
#include "keys.h"

enum {
    API_BODY_MAX = 16 * 1024 * 1024,      /* request bodies */
    API_SCAN_BODY_MAX = 32 * 1024 * 1024, /* POST /api/v1/scans: one page image */
};

typedef struct api_ctx {
    const keys_pair *central; /* signs receipts; borrowed */
    char central_hex[2 * KEYS_PUBLIC_BYTES + 1];
} api_ctx;

typedef struct api_request {
    const char *method;
    const char *path;          /* URL-decoded, without the query */
    const char *format;        /* the ?format= value, or NULL */
    const char *authorization; /* the Authorization header, or NULL */
    const char *body;
    size_t len;
} api_request;

typedef struct api_response {
    int status;
    const char *content_type; /* static */
    const char *allow;        /* static; for 405 */
    bool auth_challenge;      /* 401: send WWW-Authenticate */
    char *body;               /* malloc'd; freed by api_response_free */
    size_t len;
} api_response;

/* The largest body the route of path accepts (API_BODY_MAX, or API_SCAN_BODY_MAX). */
size_t api_body_cap(const char *path);

/* Whether method and path name a route. False with *resp filled (404 or 405) when not, so
 * that the server can answer before reading a body. */
bool api_route_ok(const char *method, const char *path, api_response *resp);

/* Handles one complete request. db is this thread's database handle, or NULL when it
 * could not be opened (503). Fills *resp; the caller frees it with api_response_free. */
void api_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp);

/* POST /api/v1/records in its two parts, so that the server can run the database part on
 * another thread (api_handle does both in turn). */
bool api_is_records(const api_request *req);

/* Reads the body and checks every record as far as no database is needed (batch.h).
 * True with *b filled (the caller frees it with batch_free); false with *resp holding the
 * 400 (or 500) and *b empty. */
bool api_records_read(const api_request *req, batch *b, api_response *resp);

/* Judges and stores the batch (cdb_ingest) and fills *resp with the signed receipt, or a
 * 503 when the database failed (db NULL: not reachable). b stays the caller's. */
void api_records_store(const api_ctx *ctx, cdb *db, batch *b, api_response *resp);

/* A response with `{"error": message}`. */
void api_error(api_response *resp, int status, const char *message);

void api_response_free(api_response *resp);

/* The token's hash as staff rows keep it: BLAKE2b-256 of the token's text, 64 hex. */
void api_token_hash(const char *token, char out[2 * KEYS_HASH_BYTES + 1]);

#endif
