/*
 * test_outbox.c — the kiosk's outbox (kiosk/store/store_outbox.c): which records wait for a
 * central, batches by count and by bytes, acknowledgements that only move forward and only
 * over records the log holds, one outbox per central, and the state kept across restarts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outbox.h"
#include "record.h"
#include "store.h"
#include "test_main.h"

#define CENTRAL "http://127.0.0.1:8443"

typedef struct fixture {
    char dir[256];
    char data[300];
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bilet-outbox-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->data, sizeof f->data, "%s/data", f->dir);
    if (store_init_data_dir(f->data, NULL) != BILET_OK || store_open(f->data, &f->s, NULL) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Appends n records; each with a text field of pad bytes. */
static void append(fixture *f, int n, size_t pad)
{
    char *text = malloc(pad + 1);
    assert_non_null(text);
    memset(text, 'x', pad);
    text[pad] = '\0';
    for (int i = 0; i < n; i++) {
        bilet_field fl[1] = { bilet_field_str("text", text) };
        assert_int_equal(
            store_append(f->s, 1797746400 + i, "exam-1", "student_left", fl, 1, NULL, NULL),
            BILET_OK);
    }
    free(text);
}

static outbox *open_outbox(fixture *f, const char *central)
{
    outbox *o = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(outbox_open(f->data, central, &o, &err), BILET_OK);
    return o;
}

static void outbox_of_an_empty_log_is_empty(void **state)
{
    fixture *f = *state;
    outbox *o = open_outbox(f, CENTRAL);
    outbox_state s;
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.pending, 0);
    assert_int_equal(s.last_seq, 0);
    const outbox_record *recs;
    size_t n = 99;
    assert_int_equal(outbox_next(o, 10, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 0);
    outbox_close(o);
}

static void fresh_outbox_holds_every_record_in_order(void **state)
{
    fixture *f = *state;
    append(f, 5, 10);
    outbox *o = open_outbox(f, CENTRAL);
    outbox_state s;
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.pending, 5);
    assert_int_equal(s.acked_seq, 0);
    assert_int_equal(s.last_sync, 0);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 100, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(recs[i].seq, i + 1);
        unsigned char h[KEYS_HASH_BYTES];
        record_hash(recs[i].bytes, recs[i].len, h);
        assert_memory_equal(h, recs[i].hash, sizeof h);
        assert_true(record_signature_valid(recs[i].bytes, recs[i].len, store_public_key(f->s),
                                           recs[i].sig));
    }
    outbox_close(o);
}

static void batch_is_capped_by_its_record_count(void **state)
{
    fixture *f = *state;
    append(f, 7, 10);
    outbox *o = open_outbox(f, CENTRAL);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 3, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 3);
    assert_int_equal(recs[2].seq, 3);
    outbox_close(o);
}

static void batch_is_capped_by_bytes_but_holds_at_least_one_record(void **state)
{
    fixture *f = *state;
    append(f, 4, 5000);
    outbox *o = open_outbox(f, CENTRAL);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 100, 12000, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 2);
    assert_int_equal(outbox_next(o, 100, 100, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 1);
    assert_true(recs[0].len > 5000);
    outbox_close(o);
}

static void ack_advances_the_outbox_past_the_acknowledged_records(void **state)
{
    fixture *f = *state;
    append(f, 5, 10);
    outbox *o = open_outbox(f, CENTRAL);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 3, 1 << 20, &recs, &n, NULL), BILET_OK);
    unsigned char h3[KEYS_HASH_BYTES];
    memcpy(h3, recs[2].hash, sizeof h3);
    assert_int_equal(outbox_ack(o, 3, h3, 1797750000, NULL), BILET_OK);
    outbox_state s;
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.acked_seq, 3);
    assert_int_equal(s.pending, 2);
    assert_int_equal(s.last_sync, 1797750000);
    assert_memory_equal(s.acked_hash, h3, sizeof h3);
    assert_int_equal(outbox_next(o, 100, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 2);
    assert_int_equal(recs[0].seq, 4);
    outbox_close(o);
}

static void ack_never_moves_back(void **state)
{
    fixture *f = *state;
    append(f, 5, 10);
    outbox *o = open_outbox(f, CENTRAL);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 5, 1 << 20, &recs, &n, NULL), BILET_OK);
    unsigned char h2[KEYS_HASH_BYTES], h4[KEYS_HASH_BYTES];
    memcpy(h2, recs[1].hash, sizeof h2);
    memcpy(h4, recs[3].hash, sizeof h4);
    assert_int_equal(outbox_ack(o, 4, h4, 100, NULL), BILET_OK);
    assert_int_equal(outbox_ack(o, 2, h2, 200, NULL), BILET_OK);
    outbox_state s;
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.acked_seq, 4);
    assert_int_equal(s.last_sync, 200);
    outbox_close(o);
}

static void ack_of_a_hash_the_log_does_not_hold_is_refused(void **state)
{
    fixture *f = *state;
    append(f, 3, 10);
    outbox *o = open_outbox(f, CENTRAL);
    unsigned char wrong[KEYS_HASH_BYTES];
    memset(wrong, 0xab, sizeof wrong);
    bilet_err err = { { 0 } };
    assert_int_equal(outbox_ack(o, 2, wrong, 100, &err), BILET_ECORRUPT);
    assert_non_null(strstr(err.msg, "record 2"));
    assert_int_equal(outbox_ack(o, 9, wrong, 100, &err), BILET_ECORRUPT);
    outbox_state s;
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.acked_seq, 0);
    outbox_close(o);
}

static void acknowledged_state_survives_reopening(void **state)
{
    fixture *f = *state;
    append(f, 3, 10);
    outbox *o = open_outbox(f, CENTRAL "/");
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 3, 1 << 20, &recs, &n, NULL), BILET_OK);
    unsigned char h3[KEYS_HASH_BYTES];
    memcpy(h3, recs[2].hash, sizeof h3);
    assert_int_equal(outbox_ack(o, 3, h3, 1234, NULL), BILET_OK);
    outbox_close(o);
    o = open_outbox(f, CENTRAL); /* the trailing slash does not make another central */
    outbox_state s;
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.acked_seq, 3);
    assert_int_equal(s.last_sync, 1234);
    assert_int_equal(s.pending, 0);
    outbox_close(o);
}

static void each_central_has_its_own_outbox(void **state)
{
    fixture *f = *state;
    append(f, 3, 10);
    outbox *a = open_outbox(f, CENTRAL);
    outbox *b = open_outbox(f, "https://other.example:8443");
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(a, 3, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(outbox_ack(a, 3, recs[2].hash, 1, NULL), BILET_OK);
    outbox_state s;
    assert_int_equal(outbox_state_read(b, &s, NULL), BILET_OK);
    assert_int_equal(s.pending, 3);
    assert_int_equal(s.acked_seq, 0);
    outbox_close(a);
    outbox_close(b);
}

static void rewind_sends_records_again(void **state)
{
    fixture *f = *state;
    append(f, 5, 10);
    outbox *o = open_outbox(f, CENTRAL);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 5, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(outbox_ack(o, 5, recs[4].hash, 1, NULL), BILET_OK);
    assert_int_equal(outbox_rewind(o, 3, NULL), BILET_OK);
    assert_int_equal(outbox_next(o, 5, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 3);
    assert_int_equal(recs[0].seq, 3);
    outbox_state s;
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.acked_seq, 2);
    /* A rewind never moves the outbox forward. */
    assert_int_equal(outbox_rewind(o, 5, NULL), BILET_OK);
    assert_int_equal(outbox_state_read(o, &s, NULL), BILET_OK);
    assert_int_equal(s.acked_seq, 2);
    outbox_close(o);
}

static void outbox_without_central_reads_but_does_not_acknowledge(void **state)
{
    fixture *f = *state;
    append(f, 2, 10);
    outbox *o = open_outbox(f, NULL);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_read(o, 1, 10, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(n, 1);
    assert_int_equal(recs[0].seq, 2);
    assert_int_equal(outbox_ack(o, 2, recs[0].hash, 1, NULL), BILET_EINVAL);
    outbox_close(o);
}

static void missing_data_folder_is_not_found(void **state)
{
    fixture *f = *state;
    char path[400];
    snprintf(path, sizeof path, "%s/nowhere", f->dir);
    outbox *o = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(outbox_open(path, CENTRAL, &o, &err), BILET_ENOTFOUND);
    assert_null(o);
    assert_non_null(strstr(err.msg, "bilet init"));
}

static void sync_state_does_not_disturb_verification(void **state)
{
    fixture *f = *state;
    append(f, 2, 10);
    outbox *o = open_outbox(f, CENTRAL);
    const outbox_record *recs;
    size_t n = 0;
    assert_int_equal(outbox_next(o, 2, 1 << 20, &recs, &n, NULL), BILET_OK);
    assert_int_equal(outbox_ack(o, 2, recs[1].hash, 1, NULL), BILET_OK);
    outbox_close(o);
    store_verify_report rep;
    assert_int_equal(store_verify(f->data, &rep, NULL), BILET_OK);
    assert_int_equal(rep.records, 2);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(outbox_of_an_empty_log_is_empty, setup, teardown),
    cmocka_unit_test_setup_teardown(fresh_outbox_holds_every_record_in_order, setup, teardown),
    cmocka_unit_test_setup_teardown(batch_is_capped_by_its_record_count, setup, teardown),
    cmocka_unit_test_setup_teardown(batch_is_capped_by_bytes_but_holds_at_least_one_record, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(ack_advances_the_outbox_past_the_acknowledged_records, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(ack_never_moves_back, setup, teardown),
    cmocka_unit_test_setup_teardown(ack_of_a_hash_the_log_does_not_hold_is_refused, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(acknowledged_state_survives_reopening, setup, teardown),
    cmocka_unit_test_setup_teardown(each_central_has_its_own_outbox, setup, teardown),
    cmocka_unit_test_setup_teardown(rewind_sends_records_again, setup, teardown),
    cmocka_unit_test_setup_teardown(outbox_without_central_reads_but_does_not_acknowledge, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(missing_data_folder_is_not_found, setup, teardown),
    cmocka_unit_test_setup_teardown(sync_state_does_not_disturb_verification, setup, teardown),
};

BILET_TEST_MAIN(tests)
