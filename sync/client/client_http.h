/*
 * client_http.h — one plain HTTP request to bilet-central's staff endpoints (grades,
 * scans, sheets): any method, an optional body with its content type, an optional bearer
 * token; the answer's status and body handed back whatever the status. The kiosk's record
 * push keeps its own path (client.h); this is for the staff commands of `bilet`.
 *
 * Same rules as a push: http:// or https:// only, no redirects followed, TLS verified (an
 * extra CA file may be given), 5 s to connect, a whole exchange bounded (60 s: a scanned
 * page may be 32 MiB), the answer capped at CLIENT_RESPONSE_MAX. libcurl stays inside
 * sync/client.
 */
#ifndef BILET_CLIENT_HTTP_H
#define BILET_CLIENT_HTTP_H

#include <stddef.h>

#include "status.h"

typedef struct client_http_request {
    const char *method;       /* "GET", "POST", ... */
    const char *url;          /* http(s)://host:port/path?query, already escaped */
    const char *bearer;       /* the staff token, or NULL */
    const char *content_type; /* of the body; NULL: application/json */
    const void *body;         /* NULL: no body */
    size_t len;
    const char *ca_file; /* extra CA bundle for HTTPS, or NULL */
} client_http_request;

/* Sends the request and returns the answer: *status the HTTP status, *body a new malloc'd
 * NUL-terminated buffer (the caller frees; *len without the NUL). BILET_EINVAL for a URL
 * that is not http(s):// or a token too long for a header; BILET_ENET when no answer came
 * (the message names the URL and curl's words); BILET_ENOMEM. */
bilet_status client_http_request_send(const client_http_request *rq, long *status, char **body,
                                      size_t *len, bilet_err *err);

/* s percent-encoded for a URL's path segment or query value (everything but A-Z a-z 0-9
 * - . _ ~), as a new malloc'd string; NULL when memory runs out. */
char *client_http_escape(const char *s);

#endif
