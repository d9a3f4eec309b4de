/*
 * syncer.c — the background sync thread behind syncer.h.
 *
 * One mutex and one condition variable (CLOCK_MONOTONIC) guard the kick flag, the stop
 * flag and the next due time; the thread drops the mutex for every push, so a kick never
 * waits for the network or the disk. The two numbers the UI reads (acknowledged seq, last
 * sync) are atomics written by the thread after each acknowledged batch. Load: a few
 * pushes an hour in an exam, each a handful of records; a catch-up after a long outage
 * pushes batches of a thousand until the outbox is empty.
 */
#include "syncer.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "keys.h"
#include "outbox.h"

struct syncer {
    outbox *ob;
    client *cl;
    client_record recs[CLIENT_BATCH_MAX];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool kicked;       /* under mu */
    unsigned failures; /* failures in a row; thread only */
    atomic_bool stop;  /* also read by curl's progress callback */
    _Atomic uint64_t acked;
    _Atomic int64_t last_sync;
};

int64_t syncer_backoff_ms(unsigned failures, uint32_t r)
{
    int64_t base = SYNCER_BACKOFF_FIRST_MS;
    for (unsigned i = 1; i < failures && base < SYNCER_BACKOFF_MAX_MS; i++)
        base *= 2;
    if (base > SYNCER_BACKOFF_MAX_MS)
        base = SYNCER_BACKOFF_MAX_MS;
    if (r > 2 * SYNCER_JITTER_PERMILLE)
        r = 2 * SYNCER_JITTER_PERMILLE;
    return base * (1000 - SYNCER_JITTER_PERMILLE + (int64_t)r) / 1000;
}

static struct timespec mono_in_ms(int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static bool reached(const struct timespec *due)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > due->tv_sec || (now.tv_sec == due->tv_sec && now.tv_nsec >= due->tv_nsec);
}

/* ---- the outbox as client_sync's source --------------------------------------------------- */

static bilet_status source_next(void *ctx, size_t max_records, size_t max_bytes,
                                const client_record **recs, size_t *n, bilet_err *err)
{
    syncer *sy = ctx;
    *recs = sy->recs;
    *n = 0;
    if (atomic_load(&sy->stop))
        return BILET_OK; /* quitting: the rest waits for the next start */
    if (max_records > CLIENT_BATCH_MAX)
        max_records = CLIENT_BATCH_MAX;
    const outbox_record *got = NULL;
    bilet_status st = outbox_next(sy->ob, max_records, max_bytes, &got, n, err);
    if (st != BILET_OK)
        return st;
    for (size_t i = 0; i < *n; i++) {
        client_record r = { got[i].seq, got[i].bytes, got[i].len, got[i].hash, got[i].sig };
        sy->recs[i] = r;
    }
    return BILET_OK;
}

static bilet_status source_ack(void *ctx, const client_record *last, int64_t now, bilet_err *err)
{
    syncer *sy = ctx;
    bilet_status st = outbox_ack(sy->ob, last->seq, last->hash, now, err);
    if (st == BILET_OK) {
        if (last->seq > atomic_load(&sy->acked))
            atomic_store(&sy->acked, last->seq);
        atomic_store(&sy->last_sync, now);
    }
    return st;
}

static bilet_status source_rewind(void *ctx, uint64_t seq, bilet_err *err)
{
    syncer *sy = ctx;
    bilet_status st = outbox_rewind(sy->ob, seq, err);
    if (st == BILET_OK && atomic_load(&sy->acked) >= seq)
        atomic_store(&sy->acked, seq - 1);
    return st;
}

/* The end of the log for the push's Bilet-Log-End; 0 (no header) if it cannot be read. */
static uint64_t source_log_end(void *ctx)
{
    syncer *sy = ctx;
    bilet_err err = { { 0 } };
    outbox_state s;
    return outbox_state_read(sy->ob, &s, &err) == BILET_OK ? s.last_seq : 0;
}

static bool cancelled(void *ctx)
{
    syncer *sy = ctx;
    return atomic_load(&sy->stop);
}

/* Publishes where the outbox stands (another program may have moved it). */
static bilet_status publish_state(syncer *sy, bilet_err *err)
{
    outbox_state s;
    bilet_status st = outbox_state_read(sy->ob, &s, err);
    if (st != BILET_OK)
        return st;
    atomic_store(&sy->acked, s.acked_seq);
    if (s.last_sync > atomic_load(&sy->last_sync))
        atomic_store(&sy->last_sync, s.last_sync);
    return BILET_OK;
}

/* One pass: everything the outbox holds, batch by batch. True when it emptied. */
static bool push_all(syncer *sy)
{
    bilet_err err = { { 0 } };
    if (publish_state(sy, &err) != BILET_OK)
        return false;
    client_source src = { sy, source_next, source_ack, source_rewind, source_log_end };
    client_sync_report rep;
    return client_sync(sy->cl, &src, CLIENT_BATCH_MAX, NULL, &rep, &err) == BILET_OK;
}

static void *syncer_main(void *arg)
{
    syncer *sy = arg;
    struct timespec due = mono_in_ms(0);
    pthread_mutex_lock(&sy->mu);
    for (;;) {
        if (atomic_load(&sy->stop))
            break;
        if ((sy->kicked && sy->failures == 0) || reached(&due)) {
            sy->kicked = false;
            pthread_mutex_unlock(&sy->mu);
            bool ok = push_all(sy);
            pthread_mutex_lock(&sy->mu);
            if (ok) {
                sy->failures = 0;
                due = mono_in_ms(SYNCER_IDLE_MS);
            } else {
                if (sy->failures < 64)
                    sy->failures++;
                uint32_t r = keys_uniform(2 * SYNCER_JITTER_PERMILLE + 1);
                due = mono_in_ms(syncer_backoff_ms(sy->failures, r));
            }
            continue;
        }
        int rc = pthread_cond_timedwait(&sy->cv, &sy->mu, &due);
        if (rc != 0 && rc != ETIMEDOUT && rc != EINTR)
            abort(); /* a broken mutex or condvar: nothing sensible is left to do */
    }
    pthread_mutex_unlock(&sy->mu);
    return NULL;
}

bilet_status syncer_start(const syncer_config *cfg, syncer **out, bilet_err *err)
{
    *out = NULL;
    unsigned char pk[KEYS_PUBLIC_BYTES];
    bilet_status st = keys_file_read_hex(cfg->central_pub, pk, sizeof pk, err);
    if (st != BILET_OK)
        return st;
    syncer *sy = calloc(1, sizeof *sy);
    if (!sy)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the syncer");
    atomic_init(&sy->stop, false);
    atomic_init(&sy->acked, 0);
    atomic_init(&sy->last_sync, 0);
    client_config ccfg = {
        .central = cfg->central,
        .central_pk = pk,
        .central_pub_path = cfg->central_pub,
        .cancelled = cancelled,
        .cancel_ctx = sy,
    };
    st = client_create(&ccfg, &sy->cl, err);
    keys_wipe(pk, sizeof pk);
    if (st == BILET_OK)
        st = outbox_open(cfg->data_dir, cfg->central, &sy->ob, err);
    if (st == BILET_OK)
        st = publish_state(sy, err);
    if (st != BILET_OK)
        goto out_free;
    pthread_condattr_t ca;
    if (pthread_mutex_init(&sy->mu, NULL) != 0)
        goto out_fail;
    if (pthread_condattr_init(&ca) != 0)
        goto out_mutex;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&sy->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0)
        goto out_mutex;
    if (pthread_create(&sy->thread, NULL, syncer_main, sy) != 0)
        goto out_cond;
    *out = sy;
    return BILET_OK;

out_cond:
    pthread_cond_destroy(&sy->cv);
out_mutex:
    pthread_mutex_destroy(&sy->mu);
out_fail:
    st = bilet_fail(err, BILET_ENOMEM, "cannot start the sync thread");
out_free:
    outbox_close(sy->ob);
    client_destroy(sy->cl);
    free(sy);
    return st;
}

void syncer_kick(syncer *sy)
{
    if (!sy)
        return;
    pthread_mutex_lock(&sy->mu);
    sy->kicked = true;
    pthread_cond_signal(&sy->cv);
    pthread_mutex_unlock(&sy->mu);
}

uint64_t syncer_acked(const syncer *sy)
{
    return sy ? atomic_load(&sy->acked) : 0;
}

int64_t syncer_last_sync(const syncer *sy)
{
    return sy ? atomic_load(&sy->last_sync) : 0;
}

void syncer_stop(syncer *sy)
{
    if (!sy)
        return;
    pthread_mutex_lock(&sy->mu);
    atomic_store(&sy->stop, true);
    pthread_cond_signal(&sy->cv);
    pthread_mutex_unlock(&sy->mu);
    pthread_join(sy->thread, NULL);
    pthread_cond_destroy(&sy->cv);
    pthread_mutex_destroy(&sy->mu);
    outbox_close(sy->ob);
    client_destroy(sy->cl);
    free(sy);
}
