/*
 * test_store.c — bilet.db: appending chains records, reopening continues the chain,
 * batches, reading back, `bilet init`'s folder, and store_verify naming the first bad
 * record for each kind of damage. White-box where damage is made: the test reaches the
 * database through the store's private header, as only the store may.
 */
#include "test_main.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_private.h"

typedef struct fixture {
    char dir[96];  /* the data folder: ROOT/data */
    char root[64]; /* mkdtemp'd scratch folder */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->root, sizeof fx->root, "/tmp/bilet-test-store-XXXXXX");
    if (!mkdtemp(fx->root))
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "%s/data", fx->root);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->root);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

/* An initialised data folder with n records, closed again. */
static void make_log(fixture *fx, int n)
{
    store *s = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(store_init_data_dir(fx->dir, &err), BILET_OK);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    for (int i = 1; i <= n; i++) {
        bilet_field f[] = { bilet_field_int("attempt", i),
                            bilet_field_str("full_name", "Петров Пётр Петрович") };
        uint64_t seq = 0;
        assert_int_equal(store_append(s, 1797746400 + i, "2026-12-GD-101", "student_identified", f,
                                      2, &seq, &err),
                         BILET_OK);
        assert_int_equal(seq, (uint64_t)i);
    }
    store_close(s);
}

/* Runs SQL against the folder's database (to damage it on purpose). */
static void run_sql(fixture *fx, const char *sql)
{
    char path[160];
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/bilet.db", fx->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* Expects store_verify to fail with st at record bad_seq, with want in the message. */
static void expect_bad(fixture *fx, bilet_status st, uint64_t bad_seq, const char *want)
{
    store_verify_report rep;
    bilet_err err = { { 0 } };
    assert_int_equal(store_verify(fx->dir, &rep, &err), st);
    assert_int_equal(rep.bad_seq, bad_seq);
    if (!strstr(rep.problem, want) || !strstr(err.msg, want))
        fail_msg("problem '%s' lacks '%s'", rep.problem, want);
}

typedef struct collected {
    uint64_t seqs[16];
    char prevs[16][RECORD_HEX_LEN + 1];
    unsigned char hashes[16][KEYS_HASH_BYTES];
    size_t n;
    size_t stop_after;
} collected;

static bilet_status collect(const store_record *rec, void *ctx, bilet_err *err)
{
    collected *c = ctx;
    if (c->n == c->stop_after)
        return bilet_fail(err, BILET_ESTATE, "stop");
    c->seqs[c->n] = rec->seq;
    memcpy(c->prevs[c->n], rec->view->prev, RECORD_HEX_LEN + 1);
    memcpy(c->hashes[c->n], rec->hash, KEYS_HASH_BYTES);
    c->n++;
    return BILET_OK;
}

static void appended_records_chain_from_a_zero_prev(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    collected c = { .stop_after = 99 };
    bilet_err err = { { 0 } };
    char hex[RECORD_HEX_LEN + 1];
    make_log(fx, 3);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    assert_int_equal(store_foreach(s, 1, collect, &c, &err), BILET_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.prevs[0],
                        "0000000000000000000000000000000000000000000000000000000000000000");
    for (size_t i = 1; i < 3; i++) {
        keys_hex_encode(c.hashes[i - 1], KEYS_HASH_BYTES, hex, sizeof hex, NULL);
        assert_string_equal(c.prevs[i], hex);
        assert_int_equal(c.seqs[i], i + 1);
    }
    store_close(s);
}

static void reopened_store_continues_the_chain(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    uint64_t seq = 0;
    unsigned char last[KEYS_HASH_BYTES];
    collected c = { .stop_after = 99 };
    bilet_err err = { { 0 } };
    make_log(fx, 2);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    assert_int_equal(store_last(s, &seq, last, &err), BILET_OK);
    assert_int_equal(seq, 2);
    assert_int_equal(store_append(s, 1797750000, "", "session_paused", NULL, 0, &seq, &err),
                     BILET_OK);
    assert_int_equal(seq, 3);
    assert_int_equal(store_foreach(s, 3, collect, &c, &err), BILET_OK);
    assert_int_equal(c.n, 1);
    char hex[RECORD_HEX_LEN + 1];
    keys_hex_encode(last, sizeof last, hex, sizeof hex, NULL);
    assert_string_equal(c.prevs[0], hex);
    store_close(s);
}

static void verify_finds_a_clean_log_intact(void **state)
{
    fixture *fx = *state;
    store_verify_report rep;
    bilet_err err = { { 0 } };
    make_log(fx, 5);
    assert_int_equal(store_verify(fx->dir, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 5);
    assert_int_equal(rep.bad_seq, 0);
    assert_string_equal(rep.problem, "");
}

static void verify_of_an_empty_log_counts_zero_records(void **state)
{
    fixture *fx = *state;
    store_verify_report rep;
    bilet_err err = { { 0 } };
    make_log(fx, 0);
    assert_int_equal(store_verify(fx->dir, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 0);
}

static void last_of_an_empty_log_is_zero(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    uint64_t seq = 99;
    unsigned char hash[KEYS_HASH_BYTES], zero[KEYS_HASH_BYTES] = { 0 };
    bilet_err err = { { 0 } };
    make_log(fx, 0);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    assert_int_equal(store_last(s, &seq, hash, &err), BILET_OK);
    assert_int_equal(seq, 0);
    assert_memory_equal(hash, zero, sizeof hash);
    store_close(s);
}

static void batch_appends_appear_together_on_commit(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    store_verify_report rep;
    bilet_err err = { { 0 } };
    make_log(fx, 1);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    assert_int_equal(store_batch_begin(s, &err), BILET_OK);
    assert_int_equal(store_batch_begin(s, &err), BILET_ESTATE);
    for (int i = 0; i < 10; i++)
        assert_int_equal(store_append(s, 1797750000 + i, "", "pin_failed", NULL, 0, NULL, &err),
                         BILET_OK);
    assert_int_equal(store_batch_commit(s, &err), BILET_OK);
    assert_int_equal(store_batch_commit(s, &err), BILET_ESTATE);
    store_close(s);
    assert_int_equal(store_verify(fx->dir, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 11);
}

static void batch_rollback_leaves_no_record(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    uint64_t seq = 0;
    bilet_err err = { { 0 } };
    make_log(fx, 2);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    assert_int_equal(store_batch_begin(s, &err), BILET_OK);
    assert_int_equal(store_append(s, 1797750000, "", "pin_failed", NULL, 0, &seq, &err), BILET_OK);
    assert_int_equal(seq, 3);
    store_batch_rollback(s);
    assert_int_equal(store_last(s, &seq, NULL, &err), BILET_OK);
    assert_int_equal(seq, 2);
    assert_int_equal(store_append(s, 1797750000, "", "pin_failed", NULL, 0, &seq, &err), BILET_OK);
    assert_int_equal(seq, 3);
    store_close(s);
}

static void refused_record_leaves_the_log_unchanged(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    uint64_t seq = 0;
    bilet_err err = { { 0 } };
    bilet_field twice[] = { bilet_field_int("grade", 5), bilet_field_int("grade", 4) };
    make_log(fx, 1);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    assert_int_equal(store_append(s, 1797750000, "E", "graded", twice, 2, &seq, &err),
                     BILET_EINVAL);
    assert_non_null(strstr(err.msg, "'grade'"));
    assert_int_equal(store_batch_begin(s, &err), BILET_OK);
    assert_int_equal(store_append(s, 1797750000, "E", "graded", twice, 2, &seq, &err),
                     BILET_EINVAL);
    assert_int_equal(store_append(s, 1797750000, "E", "graded", twice, 1, &seq, &err), BILET_OK);
    assert_int_equal(seq, 2);
    assert_int_equal(store_batch_commit(s, &err), BILET_OK);
    store_close(s);
    store_verify_report rep;
    assert_int_equal(store_verify(fx->dir, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 2);
}

static void foreach_starts_at_the_asked_record_and_stops_on_request(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    collected c = { .stop_after = 2 };
    bilet_err err = { { 0 } };
    make_log(fx, 6);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    assert_int_equal(store_foreach(s, 3, collect, &c, &err), BILET_ESTATE);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.seqs[0], 3);
    assert_int_equal(c.seqs[1], 4);
    store_close(s);
}

static void init_creates_keys_and_database_with_private_modes(void **state)
{
    fixture *fx = *state;
    char path[160];
    struct stat sb;
    bilet_err err = { { 0 } };
    assert_int_equal(store_init_data_dir(fx->dir, &err), BILET_OK);
    assert_int_equal(stat(fx->dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/kiosk.key", fx->dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/bilet.db", fx->dir);
    assert_int_equal(stat(path, &sb), 0);
}

static void init_refuses_an_initialised_folder_changing_nothing(void **state)
{
    fixture *fx = *state;
    char path[160];
    unsigned char before[KEYS_SECRET_BYTES], after[KEYS_SECRET_BYTES];
    bilet_err err = { { 0 } };
    make_log(fx, 1);
    snprintf(path, sizeof path, "%s/kiosk.key", fx->dir);
    assert_int_equal(keys_file_read_hex(path, before, sizeof before, &err), BILET_OK);
    assert_int_equal(store_init_data_dir(fx->dir, &err), BILET_EEXIST);
    assert_non_null(strstr(err.msg, "kiosk.key exists already"));
    assert_int_equal(keys_file_read_hex(path, after, sizeof after, &err), BILET_OK);
    assert_memory_equal(before, after, sizeof before);
    store_verify_report rep;
    assert_int_equal(store_verify(fx->dir, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 1);
}

static void open_of_an_uninitialised_folder_names_bilet_db(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(store_open(fx->root, &s, &err), BILET_ENOTFOUND);
    assert_null(s);
    assert_non_null(strstr(err.msg, "bilet.db"));
    assert_non_null(strstr(err.msg, "bilet init"));
}

static void open_refuses_a_folder_whose_keys_were_replaced(void **state)
{
    fixture *fx = *state;
    char path[160];
    store *s = NULL;
    bilet_err err = { { 0 } };
    make_log(fx, 2);
    snprintf(path, sizeof path, "%s/kiosk.key", fx->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/kiosk.pub", fx->dir);
    unlink(path);
    assert_int_equal(keys_generate_pair(fx->dir, NULL, &err), BILET_OK);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_ECORRUPT);
    assert_non_null(strstr(err.msg, "signed by kiosk"));
}

static void open_refuses_a_database_of_a_newer_schema(void **state)
{
    fixture *fx = *state;
    store *s = NULL;
    bilet_err err = { { 0 } };
    make_log(fx, 0);
    run_sql(fx, "PRAGMA user_version = 99");
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_ESTATE);
    assert_non_null(strstr(err.msg, "newer bilet"));
}

static void verify_names_the_record_with_a_flipped_byte(void **state)
{
    fixture *fx = *state;
    make_log(fx, 6);
    /* "Петров" → "Петрпв": one bit of one byte. */
    run_sql(fx, "UPDATE records SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Петров', "
                "'Петрпв') AS BLOB) WHERE seq = 4");
    expect_bad(fx, BILET_ECORRUPT, 4, "record 4: the stored hash does not match its bytes");
}

static void verify_names_the_missing_record(void **state)
{
    fixture *fx = *state;
    make_log(fx, 9);
    run_sql(fx, "DELETE FROM records WHERE seq = 7");
    expect_bad(fx, BILET_ECORRUPT, 7, "record 7 is missing: record 6 is followed by record 8");
}

static void verify_names_swapped_records(void **state)
{
    fixture *fx = *state;
    make_log(fx, 6);
    run_sql(fx, "CREATE TEMP TABLE t AS SELECT seq, bytes, hash, sig FROM records"
                " WHERE seq IN (3, 4);"
                "UPDATE records SET (bytes, hash, sig) = (SELECT bytes, hash, sig FROM t"
                " WHERE t.seq = 7 - records.seq) WHERE seq IN (3, 4);");
    expect_bad(fx, BILET_ECORRUPT, 3, "record 3: its bytes say seq 4");
}

static void verify_names_a_record_signed_by_a_foreign_key(void **state)
{
    fixture *fx = *state;
    keys_pair *foreign = NULL;
    store *s = NULL;
    bilet_err err = { { 0 } };
    make_log(fx, 5);
    assert_int_equal(keys_pair_random(&foreign, &err), BILET_OK);
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    sqlite3_stmt *get = NULL, *put = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(s->db, "SELECT bytes FROM records WHERE seq = 2", -1, &get, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(get), SQLITE_ROW);
    unsigned char sig[KEYS_SIG_BYTES];
    record_sign(sqlite3_column_blob(get, 0), (size_t)sqlite3_column_bytes(get, 0), foreign, sig);
    sqlite3_finalize(get);
    assert_int_equal(
        sqlite3_prepare_v2(s->db, "UPDATE records SET sig = ? WHERE seq = 2", -1, &put, NULL),
        SQLITE_OK);
    sqlite3_bind_blob(put, 1, sig, sizeof sig, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(put), SQLITE_DONE);
    sqlite3_finalize(put);
    store_close(s);
    keys_pair_destroy(foreign);
    expect_bad(fx, BILET_EBADSIG, 2, "record 2: the signature does not verify with kiosk.pub");
}

static void verify_names_a_record_whose_prev_breaks_the_chain(void **state)
{
    fixture *fx = *state;
    make_log(fx, 4);
    /* Rewrite record 3 as record 2 did not exist before it: a validly signed record whose
     * prev is the hash of record 1. */
    store *s = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    sqlite3_stmt *get = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(s->db, "SELECT hash FROM records WHERE seq = 1", -1, &get, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(get), SQLITE_ROW);
    char prev[RECORD_HEX_LEN + 1];
    keys_hex_encode(sqlite3_column_blob(get, 0), KEYS_HASH_BYTES, prev, sizeof prev, NULL);
    sqlite3_finalize(get);
    record_header h = { s->kiosk_hex, 3, prev, 1797746403, "2026-12-GD-101", "pin_failed" };
    record_buf buf = { 0 };
    unsigned char hash[KEYS_HASH_BYTES], sig[KEYS_SIG_BYTES];
    assert_int_equal(record_build(&h, NULL, 0, &buf, &err), BILET_OK);
    record_hash(buf.data, buf.len, hash);
    record_sign(buf.data, buf.len, s->kp, sig);
    sqlite3_stmt *put = NULL;
    assert_int_equal(sqlite3_prepare_v2(s->db,
                                        "UPDATE records SET bytes = ?, hash = ?, sig = ? "
                                        "WHERE seq = 3",
                                        -1, &put, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(put, 1, buf.data, (int)buf.len, SQLITE_STATIC);
    sqlite3_bind_blob(put, 2, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_blob(put, 3, sig, sizeof sig, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(put), SQLITE_DONE);
    sqlite3_finalize(put);
    record_buf_free(&buf);
    store_close(s);
    expect_bad(fx, BILET_ECORRUPT, 3, "record 3: prev does not match the hash of record 2");
}

static void verify_names_a_record_whose_exam_column_was_changed(void **state)
{
    fixture *fx = *state;
    make_log(fx, 5);
    run_sql(fx, "UPDATE records SET exam = '2026-12-GD-999' WHERE seq = 4");
    expect_bad(fx, BILET_ECORRUPT, 4, "record 4: the time, exam or type column disagrees");
}

/* Replaces record seq's bytes, hash and signature with text signed by the kiosk's own key. */
static void replace_signed(fixture *fx, int seq, const char *text)
{
    store *s = NULL;
    bilet_err err = { { 0 } };
    unsigned char hash[KEYS_HASH_BYTES], sig[KEYS_SIG_BYTES];
    sqlite3_stmt *put = NULL;
    assert_int_equal(store_open(fx->dir, &s, &err), BILET_OK);
    record_hash(text, strlen(text), hash);
    record_sign(text, strlen(text), s->kp, sig);
    assert_int_equal(sqlite3_prepare_v2(s->db,
                                        "UPDATE records SET bytes = ?, hash = ?, sig = ? "
                                        "WHERE seq = ?",
                                        -1, &put, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(put, 1, text, (int)strlen(text), SQLITE_STATIC);
    sqlite3_bind_blob(put, 2, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_blob(put, 3, sig, sizeof sig, SQLITE_STATIC);
    sqlite3_bind_int(put, 4, seq);
    assert_int_equal(sqlite3_step(put), SQLITE_DONE);
    sqlite3_finalize(put);
    store_close(s);
}

/* A record is judged by its bytes, never by a re-serialisation: a signed record in
 * another valid JSON layout (spaces) passes, and one that is no record fails. */
static void verify_judges_records_by_their_bytes_not_their_layout(void **state)
{
    fixture *fx = *state;
    store_verify_report rep;
    bilet_err err = { { 0 } };
    char kiosk[RECORD_HEX_LEN + 1], text[1024];
    make_log(fx, 1);
    char path[160];
    unsigned char pk[KEYS_PUBLIC_BYTES];
    snprintf(path, sizeof path, "%s/kiosk.pub", fx->dir);
    assert_int_equal(keys_file_read_hex(path, pk, sizeof pk, &err), BILET_OK);
    keys_hex_encode(pk, sizeof pk, kiosk, sizeof kiosk, NULL);
    snprintf(text, sizeof text,
             "{\"v\": 1, \"kiosk\": \"%s\", \"seq\": 1, \"prev\": \"%064d\", \"time\": "
             "1797746401, \"exam\": \"2026-12-GD-101\", \"type\": \"student_identified\"}",
             kiosk, 0);
    replace_signed(fx, 1, text);
    assert_int_equal(store_verify(fx->dir, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 1);
    snprintf(text, sizeof text,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":1,\"prev\":\"%064d\",\"time\":"
             "1797746401,\"exam\":\"2026-12-GD-101\",\"type\":\"student_identified\",\"a\":[1]}",
             kiosk, 0);
    replace_signed(fx, 1, text);
    expect_bad(fx, BILET_ECORRUPT, 1, "record 1: not a valid record: field 'a' is nested");
}

static void verify_reports_a_truncated_database_as_damaged(void **state)
{
    fixture *fx = *state;
    char path[160];
    struct stat sb;
    make_log(fx, 300);
    run_sql(fx, "PRAGMA wal_checkpoint(TRUNCATE)");
    snprintf(path, sizeof path, "%s/bilet.db-wal", fx->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/bilet.db-shm", fx->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/bilet.db", fx->dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 8192);
    assert_int_equal(truncate(path, sb.st_size / 2), 0);
    expect_bad(fx, BILET_ECORRUPT, 0, "the database file is damaged or truncated");
}

static void verify_of_a_missing_folder_is_not_found(void **state)
{
    fixture *fx = *state;
    store_verify_report rep;
    bilet_err err = { { 0 } };
    assert_int_equal(store_verify(fx->dir, &rep, &err), BILET_ENOTFOUND);
    assert_non_null(strstr(err.msg, "bilet.db"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(appended_records_chain_from_a_zero_prev, setup, teardown),
    cmocka_unit_test_setup_teardown(reopened_store_continues_the_chain, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_finds_a_clean_log_intact, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_of_an_empty_log_counts_zero_records, setup, teardown),
    cmocka_unit_test_setup_teardown(last_of_an_empty_log_is_zero, setup, teardown),
    cmocka_unit_test_setup_teardown(batch_appends_appear_together_on_commit, setup, teardown),
    cmocka_unit_test_setup_teardown(batch_rollback_leaves_no_record, setup, teardown),
    cmocka_unit_test_setup_teardown(refused_record_leaves_the_log_unchanged, setup, teardown),
    cmocka_unit_test_setup_teardown(foreach_starts_at_the_asked_record_and_stops_on_request, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(init_creates_keys_and_database_with_private_modes, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(init_refuses_an_initialised_folder_changing_nothing, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(open_of_an_uninitialised_folder_names_bilet_db, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(open_refuses_a_folder_whose_keys_were_replaced, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(open_refuses_a_database_of_a_newer_schema, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_names_the_record_with_a_flipped_byte, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_names_the_missing_record, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_names_swapped_records, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_names_a_record_signed_by_a_foreign_key, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_names_a_record_whose_prev_breaks_the_chain, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(verify_names_a_record_whose_exam_column_was_changed, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(verify_judges_records_by_their_bytes_not_their_layout, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(verify_reports_a_truncated_database_as_damaged, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(verify_of_a_missing_folder_is_not_found, setup, teardown),
};

BILET_TEST_MAIN(tests)
