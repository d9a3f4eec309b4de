/*
 * test_syncer.c — the kiosk's background sync thread (kiosk/app/syncer.c) without a
 * central: its backoff schedule, what it reads at start, its refusals, and that it stops
 * promptly while the central cannot be reached. The pushes themselves are tested against a
 * real bilet-central in tests/sync/e2e.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keys.h"
#include "outbox.h"
#include "store.h"
#include "syncer.h"
#include "test_main.h"

static void backoff_doubles_from_one_second_to_a_minute(void **state)
{
    (void)state;
    /* r = 200 is the middle of the jitter: no change. */
    static const int64_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000 };
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(syncer_backoff_ms(i + 1, SYNCER_JITTER_PERMILLE), want[i]);
    assert_int_equal(syncer_backoff_ms(1000, SYNCER_JITTER_PERMILLE), 60000);
}

static void backoff_jitter_stays_within_twenty_percent(void **state)
{
    (void)state;
    assert_int_equal(syncer_backoff_ms(1, 0), 800);
    assert_int_equal(syncer_backoff_ms(1, 400), 1200);
    assert_int_equal(syncer_backoff_ms(7, 0), 48000);
    assert_int_equal(syncer_backoff_ms(7, 400), 72000);
    assert_int_equal(syncer_backoff_ms(7, 100000), 72000); /* clamped */
}

typedef struct fixture {
    char dir[256];
    char data[300];
    char pub[300];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bilet-syncer-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->data, sizeof f->data, "%s/data", f->dir);
    snprintf(f->pub, sizeof f->pub, "%s/data/kiosk.pub", f->dir); /* any valid key file */
    if (store_init_data_dir(f->data, NULL) != BILET_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void syncer_refuses_a_missing_central_key(void **state)
{
    fixture *f = *state;
    char missing[400];
    snprintf(missing, sizeof missing, "%s/central.pub", f->dir);
    syncer_config cfg = { f->data, "http://127.0.0.1:9", missing };
    syncer *sy = NULL;
    bilet_err err = { { 0 } };
    assert_int_not_equal(syncer_start(&cfg, &sy, &err), BILET_OK);
    assert_null(sy);
    assert_non_null(strstr(err.msg, "central.pub"));
}

static void syncer_starts_with_what_the_outbox_acknowledged_before(void **state)
{
    fixture *f = *state;
    store *s = NULL;
    assert_int_equal(store_open(f->data, &s, NULL), BILET_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(
            store_append(s, 1797746400 + i, "e", "session_paused", NULL, 0, NULL, NULL), BILET_OK);
    unsigned char h[KEYS_HASH_BYTES];
    uint64_t last = 0;
    assert_int_equal(store_last(s, &last, h, NULL), BILET_OK);
    store_close(s);
    outbox *o = NULL;
    assert_int_equal(outbox_open(f->data, "http://127.0.0.1:9", &o, NULL), BILET_OK);
    assert_int_equal(outbox_ack(o, 4, h, 1797750000, NULL), BILET_OK);
    outbox_close(o);

    syncer_config cfg = { f->data, "http://127.0.0.1:9", f->pub };
    syncer *sy = NULL;
    assert_int_equal(syncer_start(&cfg, &sy, NULL), BILET_OK);
    assert_int_equal(syncer_acked(sy), 4);
    assert_int_equal(syncer_last_sync(sy), 1797750000);
    syncer_stop(sy);
}

/* A listening socket on loopback that never answers: a push to it hangs until its timeout
 * (30 s) unless cancelled. Returns the socket; *port its port. */
static int silent_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 16), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void syncer_stops_promptly_while_a_push_hangs(void **state)
{
    fixture *f = *state;
    store *s = NULL;
    assert_int_equal(store_open(f->data, &s, NULL), BILET_OK);
    assert_int_equal(store_append(s, 1797746400, "e", "session_paused", NULL, 0, NULL, NULL),
                     BILET_OK);
    store_close(s);
    int port = 0;
    int fd = silent_listener(&port);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    syncer_config cfg = { f->data, url, f->pub };
    syncer *sy = NULL;
    assert_int_equal(syncer_start(&cfg, &sy, NULL), BILET_OK);
    syncer_kick(sy);
    usleep(500 * 1000); /* the push is under way, waiting for an answer */
    double t0 = seconds_now();
    syncer_stop(sy);
    assert_true(seconds_now() - t0 < 2.5);
    close(fd);
}

static void nothing_is_acknowledged_without_a_central(void **state)
{
    fixture *f = *state;
    store *s = NULL;
    assert_int_equal(store_open(f->data, &s, NULL), BILET_OK);
    assert_int_equal(store_append(s, 1797746400, "e", "session_paused", NULL, 0, NULL, NULL),
                     BILET_OK);
    store_close(s);
    syncer_config cfg = { f->data, "http://127.0.0.1:9", f->pub };
    syncer *sy = NULL;
    assert_int_equal(syncer_start(&cfg, &sy, NULL), BILET_OK);
    syncer_kick(sy);
    usleep(500 * 1000);
    assert_int_equal(syncer_acked(sy), 0);
    assert_int_equal(syncer_last_sync(sy), 0);
    syncer_stop(sy);
    outbox *o = NULL;
    outbox_state st;
    assert_int_equal(outbox_open(f->data, "http://127.0.0.1:9", &o, NULL), BILET_OK);
    assert_int_equal(outbox_state_read(o, &st, NULL), BILET_OK);
    assert_int_equal(st.pending, 1);
    outbox_close(o);
}

static void kick_and_read_of_no_syncer_are_harmless(void **state)
{
    (void)state;
    syncer_kick(NULL);
    assert_int_equal(syncer_acked(NULL), 0);
    assert_int_equal(syncer_last_sync(NULL), 0);
    syncer_stop(NULL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(backoff_doubles_from_one_second_to_a_minute),
    cmocka_unit_test(backoff_jitter_stays_within_twenty_percent),
    cmocka_unit_test_setup_teardown(syncer_refuses_a_missing_central_key, setup, teardown),
    cmocka_unit_test_setup_teardown(syncer_starts_with_what_the_outbox_acknowledged_before, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(syncer_stops_promptly_while_a_push_hangs, setup, teardown),
    cmocka_unit_test_setup_teardown(nothing_is_acknowledged_without_a_central, setup, teardown),
    cmocka_unit_test(kick_and_read_of_no_syncer_are_harmless),
};

BILET_TEST_MAIN(tests)
