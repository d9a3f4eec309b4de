/*
 * http.h — the HTTP(S) server of bilet-central on libmicrohttpd: a pool of worker threads
 * (one per CPU the process may run on, unless told otherwise), each with its own database
 * connection, feeding complete requests to api_handle.
 *
 * Bodies are collected up to the route's cap (api_body_cap); a declared Content-Length
 * over it is answered 413 before any of the body is read, and a body that grows past it
 * without one is cut off. A slow or broken client occupies only its own connection (idle
 * connections time out). One line per request goes to stderr: method, path, status, ms.
 */
#ifndef BILET_HTTP_H
#define BILET_HTTP_H

#include <stdint.h>

#include "api.h"
#include "status.h"

typedef struct http_server http_server;

typedef struct http_config {
    const char *listen;   /* ADDR:PORT, [ADDR]:PORT for IPv6; port 0 picks a free one */
    const char *db_spec;  /* what cdb_open takes; every worker thread opens its own */
    const api_ctx *api;   /* borrowed for the server's life */
    unsigned threads;     /* 0: one per CPU of the process's affinity mask */
    const char *tls_cert; /* PEM text of the certificate (chain), or NULL for plain HTTP */
    const char *tls_key;  /* PEM text of its private key */
    const char *program;  /* prefix of log lines */
} http_config;

/* Starts serving. BILET_EINVAL for a bad listen address, BILET_ENET when the address
 * cannot be bound, BILET_ESTATE when TLS is asked for and libmicrohttpd was built without
 * it. The caller owns *out and stops it with http_stop. */
bilet_status http_start(const http_config *cfg, http_server **out, bilet_err *err);

/* BILET_EINVAL, naming it, when listen is not a numeric ADDR:PORT http_start accepts. */
bilet_status http_listen_check(const char *listen, bilet_err *err);

/* The port the server listens on (the one picked when the config said 0). */
uint16_t http_port(const http_server *s);

/* The number of worker threads. */
unsigned http_threads(const http_server *s);

/* Stops accepting, finishes with the worker threads (closing their database
 * connections) and frees the server. NULL is fine. */
void http_stop(http_server *s);

#endif
