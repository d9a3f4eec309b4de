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
#include <stdint.h>

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
    const char *web_root; /* the staff console's static files (web.h), or NULL: none */
} api_ctx;

/* Looks up a query argument (?name=value, URL-decoded) of the request; NULL when absent. */
typedef const char *(*api_arg_fn)(void *cls, const char *name);

typedef struct api_request {
    const char *method;
    const char *path;          /* URL-decoded, without the query */
    const char *format;        /* the ?format= value, or NULL */
    const char *authorization; /* the Authorization header, or NULL */
    const char *body;
    size_t len;
    /* The web console's headers (auth.h, docs/console.md); NULL when absent. */
    const char *cookie;       /* Cookie */
    const char *origin;       /* Origin */
    const char *host;         /* Host */
    const char *csrf;         /* X-CSRF-Token */
    const char *fetch_site;   /* Sec-Fetch-Site */
    const char *content_type; /* Content-Type */
    const char *log_end;      /* Bilet-Log-End (POST /api/v1/records; api_log_end_parse) */
    api_arg_fn arg;           /* query arguments; NULL: none */
    void *arg_cls;
    bool https; /* came over TLS */
} api_request;

typedef struct api_response {
    int status;
    const char *content_type; /* static */
    const char *allow;        /* static; for 405 */
    bool auth_challenge;      /* 401: send WWW-Authenticate */
    char *body;               /* malloc'd; freed by api_response_free */
    size_t len;
    char set_cookie[192];  /* a Set-Cookie value, or "" */
    char disposition[320]; /* a Content-Disposition value, or "" */
    bool cacheable;        /* a static file: may be kept (revalidated), not no-store */
    long retry_after;      /* seconds for a Retry-After header (429), or 0: none */
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

/* The value of a Bilet-Log-End header: decimal digits only, 1 to 2^53; anything else
 * (absent, empty, a sign, spaces, too large) is 0, i.e. not said. Never an error: the
 * header is an old kiosk's option and only feeds the pending counts. */
uint64_t api_log_end_parse(const char *value);

/* Reads the body (and the Bilet-Log-End header into b->log_end) and checks every record as far as
 * no database is needed (batch.h). True with *b filled (the caller frees it with batch_free); false
 * with *resp holding the 400 (or 500) and *b empty. */
bool api_records_read(const api_request *req, batch *b, api_response *resp);

/* Judges and stores the batch (cdb_ingest) and fills *resp with the signed receipt, or a
 * 503 when the database failed (db NULL: not reachable). b stays the caller's. */
void api_records_store(const api_ctx *ctx, cdb *db, batch *b, api_response *resp);

/* The query argument `name` of req, or NULL. */
const char *api_arg(const api_request *req, const char *name);

/* A staff member as the request authenticated them (Bearer token or session cookie). */
typedef struct api_staff {
    char name[CDB_NAME_MAX];
    char role[CDB_NAME_MAX];
    bool cookie; /* by a session cookie (then CSRF and Origin were checked on changes) */
} api_staff;

/* The one check of who may call a staff endpoint: a Bearer staff token, or a session
 * cookie of the web console — for a method other than GET/HEAD the cookie must come with
 * the session's X-CSRF-Token and a same-origin Origin. roles is a NULL-terminated list
 * (NULL: any staff role). True with *who filled; false with *resp holding the 401, 403
 * or 503. */
bool api_authorise(cdb *db, const api_request *req, const char *const *roles, api_staff *who,
                   api_response *resp);

struct json_t;

/* Takes ownership of doc (a jansson value; NULL: a 500) and answers with it as JSON. */
void api_answer_json(api_response *resp, int status, struct json_t *doc);

/* A response with `{"error": message}`. */
void api_error(api_response *resp, int status, const char *message);

void api_response_free(api_response *resp);

/* The token's hash as staff rows keep it: BLAKE2b-256 of the token's text, 64 hex. */
void api_token_hash(const char *token, char out[2 * KEYS_HASH_BYTES + 1]);

#endif
