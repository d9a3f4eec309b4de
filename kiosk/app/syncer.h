/*
 * syncer.h — the kiosk's background sync: a thread that pushes the outbox to the central
 * store whenever there is something to push and the network lets it (docs/sync.md).
 *
 * The runtime starts it when kiosk.ini names a central and its key (central,
 * central_pub), kicks it after every record it appends, and reads two numbers for the
 * invigilator screen: how far the central has acknowledged the log and when it last did.
 * The thread has its own bilet.db connection (outbox.h) and its own libcurl handle
 * (client.h); the UI thread never waits for either. After a failure (no network, a
 * non-200 answer, a receipt that does not check, a rejected record) it waits 1 s, then 2,
 * 4, … up to 60 s, each ±20 % at random so that a room of kiosks does not retry in step;
 * kicks meanwhile only mark that there is more to send. When all is sent it looks again
 * every minute, in case another program (`bilet sync`) moved the outbox.
 *
 * Ownership: syncer_start returns a handle the runtime owns; syncer_stop cancels a push in
 * flight (within about a second), joins the thread and frees everything.
 */
#ifndef BILET_SYNCER_H
#define BILET_SYNCER_H

#include <stdint.h>

#include "status.h"

enum {
    SYNCER_BACKOFF_FIRST_MS = 1000,
    SYNCER_BACKOFF_MAX_MS = 60000,
    SYNCER_IDLE_MS = 60000,       /* a look at the outbox when nothing kicked */
    SYNCER_JITTER_PERMILLE = 200, /* ±20 % */
};

typedef struct syncer_config {
    const char *data_dir;    /* the kiosk's data folder (bilet.db) */
    const char *central;     /* kiosk.ini's central: the base URL */
    const char *central_pub; /* kiosk.ini's central_pub: the pinned key file */
} syncer_config;

typedef struct syncer syncer;

/* Reads the central key (BILET_EPARSE / BILET_ENOTFOUND naming the file), opens the outbox
 * and reads where it stands (so the first frame is right), then starts the thread, which
 * pushes at once. The caller owns *out (syncer_stop). */
bilet_status syncer_start(const syncer_config *cfg, syncer **out, bilet_err *err);

/* New records are in the log: push soon (at once, unless a failure's wait runs). Cheap;
 * NULL is fine. */
void syncer_kick(syncer *sy);

/* The last record the central acknowledged (0: none yet). Lock-free. */
uint64_t syncer_acked(const syncer *sy);

/* Local Unix seconds of the last acknowledged batch (0: never). Lock-free. */
int64_t syncer_last_sync(const syncer *sy);

/* Cancels a push in flight, stops and joins the thread, closes its connections; NULL is
 * fine. */
void syncer_stop(syncer *sy);

/* The wait after the n-th failure in a row (n >= 1): 1 s doubling to 60 s, scaled by
 * (1000 - SYNCER_JITTER_PERMILLE + r) / 1000 for r in [0, 2 × SYNCER_JITTER_PERMILLE]
 * (larger r are clamped). Pure: the thread passes a random r. */
int64_t syncer_backoff_ms(unsigned failures, uint32_t r);

#endif
