/*
 * client.h — the kiosk's side of sync: push signed records to bilet-central, check the
 * signed receipt, and tell the outbox how far it may advance.
 *
 * The exchange is POST CENTRAL/api/v1/records (docs/sync.md): a body
 * {"v":1,"records":[{"bytes":"<base64>","sig":"<hex>"},...]} answered by
 * {"receipt":"<JSON text>","sig":"<hex>"}. A receipt counts only when its Ed25519
 * signature verifies with the pinned central key, its `central` is that key, its `batch`
 * is the BLAKE2b-256 of the exact body sent and its results name the records sent, in
 * order. Only then does the caller's outbox advance, and only over the leading records the
 * central stored or already held: the first rejected record stops it. A network failure,
 * a non-200 answer or a receipt that does not check advances nothing.
 *
 * The client knows no store: records come from a client_source (the kiosk's outbox), so
 * the same loop serves `bilet sync` and the kiosk's background syncer. The only module
 * that includes <curl/curl.h>.
 *
 * Load: a kiosk pushes a few records at a time; a catch-up or the benchmark pushes
 * batches of CLIENT_BATCH_MAX. One curl handle per client keeps its connection alive
 * between batches. A client belongs to one thread at a time.
 */
#ifndef BILET_CLIENT_H
#define BILET_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "status.h"

enum {
    CLIENT_BATCH_MAX = 1000,                  /* records in one push, at most */
    CLIENT_BATCH_BYTES_MAX = 8 * 1024 * 1024, /* record bytes in one push, at most: with
                                               * base64 the body stays under the central's
                                               * 16 MiB (a single record may exceed it) */
    CLIENT_REASON_MAX = 256,                  /* a rejection's reason, cut to fit */
    CLIENT_RESPONSE_MAX = 16 * 1024 * 1024,   /* a longer answer from the central is refused */
    CLIENT_CONNECT_TIMEOUT_MS = 5000,
    CLIENT_TIMEOUT_MS = 30000,
};

/* One record to push, as the kiosk's log holds it; everything borrowed. */
typedef struct client_record {
    uint64_t seq;
    const unsigned char *bytes;
    size_t len;
    const unsigned char *hash; /* KEYS_HASH_BYTES: BLAKE2b-256 of bytes */
    const unsigned char *sig;  /* KEYS_SIG_BYTES: the kiosk's Ed25519 signature */
} client_record;

typedef enum client_outcome {
    CLIENT_STORED = 1,
    CLIENT_DUPLICATE,
    CLIENT_REJECTED,
} client_outcome;

/* What the receipt says of one record. */
typedef struct client_result {
    client_outcome outcome;
    char reason[CLIENT_REASON_MAX]; /* "" unless rejected */
} client_result;

/* What a checked receipt says of a batch. */
typedef struct client_receipt {
    int64_t time; /* the central's clock when it answered */
    size_t stored, duplicate, rejected;
    size_t acked;      /* leading records stored or duplicate: the outbox may pass them */
    uint64_t gap_from; /* the lowest missing seq the central reported (0: no gap) */
} client_receipt;

/* ---- the request body and the receipt (no network: unit-tested on their own) ---------- */

/* Builds the request body for recs[0..n) into a new malloc'd buffer (*body, NUL-terminated,
 * *len without the NUL; the caller frees). BILET_ENOMEM when it cannot be had. */
bilet_status client_body_build(const client_record *recs, size_t n, char **body, size_t *len,
                               bilet_err *err);

/* The id of the batch recs[0..n) (record_batch_id over their hashes), which the receipt
 * for it names. */
void client_batch_id(const client_record *recs, size_t n, unsigned char out[KEYS_HASH_BYTES]);

/* Checks the central's 200 answer response[0..len) to the batch whose id (client_batch_id)
 * is batch, sent with recs[0..n): the signature over the receipt text with central_pk, then
 * the receipt's version, central key, batch id and one result per record naming its hash, in
 * order. On success fills results[0..n) and *out. BILET_EBADSIG (nothing may advance) when
 * the signature, the key, the batch or a record's hash does not match; BILET_ENET when the
 * answer is not a receipt at all (malformed JSON, missing or mistyped keys). */
bilet_status client_receipt_check(const char *response, size_t len,
                                  const unsigned char central_pk[KEYS_PUBLIC_BYTES],
                                  const unsigned char batch[KEYS_HASH_BYTES],
                                  const client_record *recs, size_t n, client_result *results,
                                  client_receipt *out, bilet_err *err);

/* ---- pushing -------------------------------------------------------------------------- */

typedef struct client_config {
    const char *central;             /* base URL: http(s)://host:port, a path prefix allowed */
    const unsigned char *central_pk; /* KEYS_PUBLIC_BYTES: the pinned central key (copied) */
    const char *central_pub_path;    /* where the key came from, for messages; may be NULL */
    const char *ca_file;             /* extra CA bundle for HTTPS; NULL: the system's CAs */
    long connect_timeout_ms;         /* 0: CLIENT_CONNECT_TIMEOUT_MS */
    long timeout_ms;                 /* 0: CLIENT_TIMEOUT_MS, the whole exchange */
    /* Polled during a transfer (about every second, and more often while data flows);
     * true abandons it with BILET_ENET. May be NULL. */
    bool (*cancelled)(void *ctx);
    void *cancel_ctx;
} client_config;

typedef struct client client;

/* Initialises libcurl once per process; call it before starting threads that push (the
 * kiosk's syncer does). Thread-safe and idempotent. BILET_ENET if libcurl cannot start. */
bilet_status client_global_init(bilet_err *err);

/* Creates a client for cfg (strings copied). BILET_EINVAL for a URL that is not http:// or
 * https://. The caller owns *out (client_destroy). */
bilet_status client_create(const client_config *cfg, client **out, bilet_err *err);

/* Frees the client and its connection; NULL is fine. */
void client_destroy(client *c);

/* Pushes recs[0..n) (n >= 1, at most CLIENT_BATCH_MAX) in one request and checks the
 * receipt (client_receipt_check). On BILET_OK, results[0..n) and *out say what the
 * central did. BILET_ENET: no answer, a timeout, cancelled, an answer other than 200 (the
 * message carries the central's words) or one that is no receipt; BILET_EBADSIG: a receipt
 * that does not check. Nothing was acknowledged unless BILET_OK. */
bilet_status client_push(client *c, const client_record *recs, size_t n, client_result *results,
                         client_receipt *out, bilet_err *err);

/* The end of the kiosk's log (the seq of its last record) that the next pushes tell the
 * central in their Bilet-Log-End header (docs/sync.md), so that the central can count the
 * records not delivered yet; 0 (as after client_create) sends no header. */
void client_set_log_end(client *c, uint64_t log_end);

/* GETs url (http:// or https://) with an optional bearer token (staff endpoints) and
 * returns the answer's body as a new malloc'd NUL-terminated buffer (*body, the caller
 * frees; *len without the NUL, capped at CLIENT_RESPONSE_MAX) and its HTTP status. Same
 * timeouts and TLS rules as a push. BILET_ENET when no answer came; any status is an
 * answer. */
bilet_status client_get(const char *url, const char *bearer, const char *ca_file, char **body,
                        size_t *len, long *http_status, bilet_err *err);

/* ---- the outbox loop ------------------------------------------------------------------ */

/* Where client_sync takes records from and reports acknowledgements to (the outbox). */
typedef struct client_source {
    void *ctx;
    /* The next records to push, oldest first: those after the acknowledged ones, at most
     * max_records of them and max_bytes of record bytes (always at least one when any is
     * waiting). *n 0: nothing waits. The records stay valid until the next call. */
    bilet_status (*next)(void *ctx, size_t max_records, size_t max_bytes,
                         const client_record **recs, size_t *n, bilet_err *err);
    /* The records up to and including last are acknowledged by a checked receipt, at
     * local time now. */
    bilet_status (*ack)(void *ctx, const client_record *last, int64_t now, bilet_err *err);
    /* The central misses records from seq on (it reported a gap at or before the batch):
     * send again from seq. May be NULL (a gap then stays a rejection). */
    bilet_status (*rewind)(void *ctx, uint64_t seq, bilet_err *err);
    /* The seq of the last record in the log now, which may be beyond the batch; 0 when
     * unknown. Read before each push for its Bilet-Log-End header. May be NULL (none). */
    uint64_t (*log_end)(void *ctx);
} client_source;

/* Totals of one client_sync run. */
typedef struct client_sync_report {
    uint64_t sent; /* records pushed, resent ones counted again */
    uint64_t stored, duplicate, rejected;
    uint64_t batches;
} client_sync_report;

typedef struct client_sync_hooks {
    void *ctx;
    /* A record the central rejected, with its reason. May be NULL. */
    void (*rejected)(void *ctx, uint64_t seq, const char *reason);
    /* After each acknowledged batch: the run's totals so far. May be NULL. */
    void (*progress)(void *ctx, const client_sync_report *rep);
} client_sync_hooks;

/* Pushes what src holds, batch after batch (at most batch_max records and
 * CLIENT_BATCH_BYTES_MAX bytes each), acknowledging each checked receipt's leading stored
 * and duplicate records through src->ack before the next batch, until src has nothing
 * left. Stops after a batch with a rejected record: BILET_ERULE, the message naming the
 * first one (hooks->rejected hears of every one). A gap the central reports below the
 * batch is sent again once (src->rewind). Failures of client_push or of src are returned
 * as they are; *rep holds the totals up to then either way. hooks may be NULL. */
bilet_status client_sync(client *c, const client_source *src, size_t batch_max,
                         const client_sync_hooks *hooks, client_sync_report *rep, bilet_err *err);

#endif
