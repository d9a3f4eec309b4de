/*
 * autosave.c — the saver thread behind autosave.h.
 *
 * One mutex guards the hand-over slot, the durable mark and the problem text; the thread
 * drops the mutex while it talks to SQLite, so autosave_submit never waits for a disk.
 * The thread wakes on a hand-over, on stop, once a second (CLOCK_MONOTONIC) for the
 * heartbeat, and when a failed write is due again (250 ms, doubling up to 2 s). Load: a few
 * hand-overs a second, each a copy of the answer (up to 4 MiB) written in one statement.
 */
#include "autosave.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exam.h"

enum { RETRY_FIRST_MS = 250, RETRY_MAX_MS = 2000 };

typedef struct autosave_job {
    bool full;
    char exam[EXAM_ID_MAX];
    int attempt;
    uint64_t revision;
    char *text;
    size_t len;
} autosave_job;

struct autosave {
    store_answers *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    autosave_job pending;
    int durable_attempt;
    uint64_t durable_revision;
    char problem[BILET_ERR_MAX];
    char beat_problem[BILET_ERR_MAX];
};

static void job_clear(autosave_job *j)
{
    free(j->text);
    memset(j, 0, sizeof *j);
}

static struct timespec deadline_in_ms(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Writes the job with the mutex released; puts it back for a retry when the write fails
 * and no newer hand-over came meanwhile. Called and returns with the mutex held. */
static void write_job(autosave *as, autosave_job *job)
{
    pthread_mutex_unlock(&as->mu);
    bilet_err err = { { 0 } };
    bilet_status st = store_answers_save(as->db, job->exam, job->attempt, job->revision, job->text,
                                         job->len, (int64_t)time(NULL), &err);
    pthread_mutex_lock(&as->mu);
    if (st == BILET_OK) {
        as->durable_attempt = job->attempt;
        as->durable_revision = job->revision;
        as->problem[0] = '\0';
        job_clear(job);
        return;
    }
    snprintf(as->problem, sizeof as->problem, "the answer is not saved: %.460s", err.msg);
    if (!as->pending.full)
        as->pending = *job; /* the text moves back into the slot */
    else
        job_clear(job);
}

static void beat(autosave *as)
{
    pthread_mutex_unlock(&as->mu);
    bilet_err err = { { 0 } };
    bilet_status st = store_answers_heartbeat(as->db, (int64_t)time(NULL), &err);
    pthread_mutex_lock(&as->mu);
    if (st == BILET_OK)
        as->beat_problem[0] = '\0';
    else
        snprintf(as->beat_problem, sizeof as->beat_problem, "the heartbeat is not saved: %.460s",
                 err.msg);
}

static void *saver_main(void *arg)
{
    autosave *as = arg;
    struct timespec next_beat = deadline_in_ms(0);
    /* After a failed write the text waits in the slot; it is tried again after 250 ms,
     * then twice as long each time up to 2 s, so that space that returns is used at once
     * without a refusing disk being hammered. */
    long retry_ms = RETRY_FIRST_MS;
    struct timespec next_retry = next_beat;
    pthread_mutex_lock(&as->mu);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        bool failing = as->problem[0] != '\0';
        if (as->pending.full && (!failing || !before(&now, &next_retry) || as->stop)) {
            autosave_job job = as->pending;
            memset(&as->pending, 0, sizeof as->pending);
            write_job(as, &job);
            if (as->problem[0] != '\0') {
                next_retry = deadline_in_ms(retry_ms);
                retry_ms = retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : retry_ms * 2;
            } else {
                retry_ms = RETRY_FIRST_MS;
            }
            if (as->stop)
                break; /* one try at stop: a disk that refuses now will not be waited for */
            continue;
        }
        if (as->stop)
            break;
        if (!before(&now, &next_beat)) {
            beat(as);
            next_beat = deadline_in_ms(1000);
            continue;
        }
        const struct timespec *until = &next_beat;
        if (as->pending.full && failing && before(&next_retry, &next_beat))
            until = &next_retry;
        int rc = pthread_cond_timedwait(&as->cv, &as->mu, until);
        if (rc != 0 && rc != ETIMEDOUT && rc != EINTR)
            abort(); /* a broken mutex or condvar: nothing sensible is left to do */
    }
    pthread_mutex_unlock(&as->mu);
    return NULL;
}

bilet_status autosave_start(store_answers *db, autosave **out, bilet_err *err)
{
    *out = NULL;
    autosave *as = calloc(1, sizeof *as);
    if (!as) {
        store_answers_close(db);
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the saver");
    }
    as->db = db;
    pthread_condattr_t ca;
    if (pthread_mutex_init(&as->mu, NULL) != 0)
        goto out_free;
    if (pthread_condattr_init(&ca) != 0)
        goto out_mutex;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&as->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0)
        goto out_mutex;
    if (pthread_create(&as->thread, NULL, saver_main, as) != 0)
        goto out_cond;
    *out = as;
    return BILET_OK;

out_cond:
    pthread_cond_destroy(&as->cv);
out_mutex:
    pthread_mutex_destroy(&as->mu);
out_free:
    store_answers_close(db);
    free(as);
    return bilet_fail(err, BILET_ENOMEM, "cannot start the saver thread");
}

void autosave_submit(autosave *as, const char *exam_id, int attempt, uint64_t revision, char *text,
                     size_t len)
{
    pthread_mutex_lock(&as->mu);
    job_clear(&as->pending);
    as->pending.full = true;
    snprintf(as->pending.exam, sizeof as->pending.exam, "%s", exam_id);
    as->pending.attempt = attempt;
    as->pending.revision = revision;
    as->pending.text = text;
    as->pending.len = len;
    pthread_cond_signal(&as->cv);
    pthread_mutex_unlock(&as->mu);
}

bool autosave_durable(autosave *as, int attempt, uint64_t revision)
{
    pthread_mutex_lock(&as->mu);
    bool ok = as->durable_attempt == attempt && as->durable_revision >= revision;
    pthread_mutex_unlock(&as->mu);
    return ok;
}

void autosave_problem(autosave *as, char *buf, size_t cap)
{
    pthread_mutex_lock(&as->mu);
    snprintf(buf, cap, "%s", as->problem[0] ? as->problem : as->beat_problem);
    pthread_mutex_unlock(&as->mu);
}

bool autosave_failing(autosave *as)
{
    pthread_mutex_lock(&as->mu);
    bool failing = as->problem[0] != '\0';
    pthread_mutex_unlock(&as->mu);
    return failing;
}

void autosave_stop(autosave *as)
{
    if (!as)
        return;
    pthread_mutex_lock(&as->mu);
    as->stop = true;
    pthread_cond_signal(&as->cv);
    pthread_mutex_unlock(&as->mu);
    pthread_join(as->thread, NULL);
    job_clear(&as->pending);
    pthread_cond_destroy(&as->cv);
    pthread_mutex_destroy(&as->mu);
    store_answers_close(as->db);
    free(as);
}
