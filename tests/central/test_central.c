/*
 * test_central.c — bilet-central without HTTP: base64, reading batches (the header fast
 * path and the full parse agree), the store's verdicts on SQLite (stored, duplicate,
 * conflict, broken chain, gap, unknown kiosk, bad signature, all-or-nothing), receipts,
 * staff tokens, USB bundles, the API's routing and roles, the results report and the
 * audit. The HTTP server and PostgreSQL are exercised by the scripts beside this file.
 */
#include "test_main.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "api.h"
#include "audit.h"
#include "b64.h"
#include "batch.h"
#include "cdb.h"
#include "keys.h"
#include "record.h"
#include "report.h"

typedef struct fixture {
    char root[64];
    char db_path[128];
    cdb *db;
    keys_pair *kiosk;
    keys_pair *central;
    char kiosk_hex[RECORD_HEX_LEN + 1];
    char prev[RECORD_HEX_LEN + 1];
    uint64_t seq;
} fixture;

/* One record as a kiosk would send it. */
typedef struct sent {
    record_buf bytes;
    unsigned char sig[KEYS_SIG_BYTES];
    char hash[RECORD_HEX_LEN + 1];
} sent;

static void fixed_key(unsigned char fill, keys_pair **out)
{
    unsigned char seed[KEYS_SEED_BYTES];
    bilet_err err = { { 0 } };
    memset(seed, fill, sizeof seed);
    assert_int_equal(keys_pair_from_seed(seed, out, &err), BILET_OK);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    bilet_err err = { { 0 } };
    if (!fx)
        return -1;
    snprintf(fx->root, sizeof fx->root, "/tmp/bilet-test-central-XXXXXX");
    if (!mkdtemp(fx->root))
        return -1;
    snprintf(fx->db_path, sizeof fx->db_path, "%s/central.db", fx->root);
    if (cdb_open(fx->db_path, &fx->db, &err) != BILET_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    fixed_key(7, &fx->kiosk);
    fixed_key(9, &fx->central);
    keys_hex_encode(fx->kiosk->pk, KEYS_PUBLIC_BYTES, fx->kiosk_hex, sizeof fx->kiosk_hex, NULL);
    memset(fx->prev, '0', RECORD_HEX_LEN);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[160];
    cdb_close(fx->db);
    keys_pair_destroy(fx->kiosk);
    keys_pair_destroy(fx->central);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->root);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

/* The kiosk's next record (a student identified, Cyrillic name), chained and signed. */
static void next_record(fixture *fx, sent *out)
{
    bilet_err err = { { 0 } };
    fx->seq++;
    bilet_field f[] = {
        bilet_field_int("attempt", (int64_t)fx->seq),
        bilet_field_str("record_book", "21-0001"),
        bilet_field_str("full_name", "Абрамов Алексей \"Лёша\" Игоревич"),
        bilet_field_str("code", "4J42-XCS6"),
        bilet_field_int("subgroup", 1),
        bilet_field_int("seconds", 0),
    };
    record_header h = { fx->kiosk_hex,    fx->seq,
                        fx->prev,         1797746400 + (int64_t)fx->seq,
                        "2026-12-GD-101", "student_identified" };
    memset(&out->bytes, 0, sizeof out->bytes);
    assert_int_equal(record_build(&h, f, 6, &out->bytes, &err), BILET_OK);
    record_sign(out->bytes.data, out->bytes.len, fx->kiosk, out->sig);
    record_hash_hex(out->bytes.data, out->bytes.len, out->hash);
    memcpy(fx->prev, out->hash, RECORD_HEX_LEN);
}

static void free_sent(sent *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        record_buf_free(&s[i].bytes);
}

static json_t *item(const void *bytes, size_t len, const unsigned char sig[KEYS_SIG_BYTES])
{
    char b64[4096];
    char sig_hex[2 * KEYS_SIG_BYTES + 1];
    assert_int_equal(b64_encode(bytes, len, b64, sizeof b64, NULL), BILET_OK);
    keys_hex_encode(sig, KEYS_SIG_BYTES, sig_hex, sizeof sig_hex, NULL);
    json_t *o = json_object();
    json_object_set_new(o, "bytes", json_string(b64));
    json_object_set_new(o, "sig", json_string(sig_hex));
    return o;
}

/* A request body of the records s[0..n), in that order. Caller frees. */
static char *body_of(const sent *s, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, item(s[i].bytes.data, s[i].bytes.len, s[i].sig));
    json_t *doc = json_object();
    json_object_set_new(doc, "v", json_integer(1));
    json_object_set_new(doc, "records", arr);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

static void enrol_kiosk(fixture *fx)
{
    bilet_err err = { { 0 } };
    bool created = false;
    assert_int_equal(cdb_kiosk_enrol(fx->db, fx->kiosk_hex, "ауд. 214", 1, &created, &err),
                     BILET_OK);
}

/* Reads the body of s[0..n) and has the store judge it. */
static void ingest(fixture *fx, const sent *s, size_t n, batch *b)
{
    bilet_err err = { { 0 } };
    char *text = body_of(s, n);
    assert_int_equal(batch_from_body(text, strlen(text), b, &err), BILET_OK);
    free(text);
    assert_int_equal(cdb_ingest(fx->db, b, 1797750000, false, &err), BILET_OK);
}

static uint64_t stored_rows(fixture *fx)
{
    uint64_t kiosks = 0, records = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(cdb_count(fx->db, &kiosks, &records, &err), BILET_OK);
    return records;
}

/* ---- base64 ---- */

static void base64_round_trips_bytes_and_refuses_what_is_not_strict(void **state)
{
    (void)state;
    const char text[] = "Билет №7";
    char b64[64];
    unsigned char back[64];
    size_t n = 0;
    assert_int_equal(b64_encode(text, strlen(text), b64, sizeof b64, NULL), BILET_OK);
    assert_int_equal(b64_decode(b64, strlen(b64), back, sizeof back, &n, NULL), BILET_OK);
    assert_int_equal(n, strlen(text));
    assert_memory_equal(back, text, n);
    assert_int_equal(b64_decode("QUJD\n", 5, back, sizeof back, &n, NULL), BILET_EPARSE);
    assert_int_equal(b64_decode("QUJ", 3, back, sizeof back, &n, NULL), BILET_EPARSE);
    assert_int_equal(b64_decode("Q-JD", 4, back, sizeof back, &n, NULL), BILET_EPARSE);
    assert_int_equal(b64_decode("QUJD", 4, back, 2, &n, NULL), BILET_ETOOBIG);
    assert_int_equal(n, 0);
    /* Padding: only at the end, and the bits under it zero (one text per byte string). */
    assert_int_equal(b64_decode("QQ==", 4, back, sizeof back, &n, NULL), BILET_OK);
    assert_int_equal(n, 1);
    assert_int_equal(back[0], 'A');
    assert_int_equal(b64_decode("QR==", 4, back, sizeof back, &n, NULL), BILET_EPARSE);
    assert_int_equal(b64_decode("QUI=", 4, back, sizeof back, &n, NULL), BILET_OK);
    assert_int_equal(b64_decode("QUJ=", 4, back, sizeof back, &n, NULL), BILET_EPARSE);
    assert_int_equal(b64_decode("QQ==QUJD", 8, back, sizeof back, &n, NULL), BILET_EPARSE);
    assert_int_equal(b64_decode("====", 4, back, sizeof back, &n, NULL), BILET_EPARSE);
    assert_int_equal(b64_decode("", 0, back, sizeof back, &n, NULL), BILET_OK);
    assert_int_equal(n, 0);
}

static void base64_decodes_what_libsodium_encodes_at_every_length(void **state)
{
    (void)state;
    unsigned char bin[300];
    unsigned char back[300];
    char text[512];
    keys_random(bin, sizeof bin);
    for (size_t len = 0; len <= sizeof bin; len++) {
        size_t n = 0;
        assert_int_equal(b64_encode(bin, len, text, sizeof text, NULL), BILET_OK);
        assert_int_equal(b64_decode(text, strlen(text), back, sizeof back, &n, NULL), BILET_OK);
        assert_int_equal(n, len);
        assert_memory_equal(back, bin, len);
    }
}

/* ---- reading batches ---- */

static void a_body_of_records_is_read_with_headers_hashes_and_signatures(void **state)
{
    fixture *fx = *state;
    sent s[3];
    batch b;
    bilet_err err = { { 0 } };
    for (int i = 0; i < 3; i++)
        next_record(fx, &s[i]);
    char *text = body_of(s, 3);
    assert_int_equal(batch_from_body(text, strlen(text), &b, &err), BILET_OK);
    assert_int_equal(b.n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_true(b.entries[i].parsed);
        assert_true(b.entries[i].sig_ok);
        assert_int_equal(b.entries[i].seq, i + 1);
        assert_string_equal(b.entries[i].kiosk, fx->kiosk_hex);
        assert_string_equal(b.entries[i].exam, "2026-12-GD-101");
        assert_string_equal(b.entries[i].type, "student_identified");
        assert_string_equal(b.entries[i].hash_hex, s[i].hash);
        assert_int_equal(b.entries[i].verdict, BATCH_PENDING);
    }
    assert_string_equal(b.entries[1].prev, s[0].hash);
    /* The batch id: BLAKE2b-256 over the three records' hashes, in order. */
    unsigned char hashes[3 * KEYS_HASH_BYTES], id[KEYS_HASH_BYTES];
    char id_hex[RECORD_HEX_LEN + 1];
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(
            keys_hex_decode(s[i].hash, hashes + i * KEYS_HASH_BYTES, KEYS_HASH_BYTES, NULL),
            BILET_OK);
    record_hash(hashes, sizeof hashes, id);
    keys_hex_encode(id, sizeof id, id_hex, sizeof id_hex, NULL);
    assert_string_equal(b.id, id_hex);
    batch_free(&b);
    free(text);
    free_sent(s, 3);
}

static void a_record_in_another_json_layout_is_read_the_long_way(void **state)
{
    fixture *fx = *state;
    const char bytes[] = "{ \"v\": 1, \"kiosk\": \"%s\", \"seq\": 1, \"prev\": "
                         "\"0000000000000000000000000000000000000000000000000000000000000000\", "
                         "\"time\": 5, \"exam\": \"\\u042d\", \"type\": \"session_paused\" }";
    char text[512];
    unsigned char sig[KEYS_SIG_BYTES];
    batch b;
    bilet_err err = { { 0 } };
    snprintf(text, sizeof text, bytes, fx->kiosk_hex);
    record_sign(text, strlen(text), fx->kiosk, sig);
    json_t *doc = json_object();
    json_t *arr = json_array();
    json_array_append_new(arr, item(text, strlen(text), sig));
    json_object_set_new(doc, "v", json_integer(1));
    json_object_set_new(doc, "records", arr);
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    assert_int_equal(batch_from_body(body, strlen(body), &b, &err), BILET_OK);
    assert_true(b.entries[0].parsed);
    assert_true(b.entries[0].sig_ok);
    assert_int_equal(b.entries[0].time, 5);
    assert_string_equal(b.entries[0].exam, "Э");
    assert_string_equal(b.entries[0].type, "session_paused");
    batch_free(&b);
    free(body);
}

static void a_body_in_another_layout_is_read_the_same_as_a_compact_one(void **state)
{
    fixture *fx = *state;
    sent s[3];
    batch compact, spaced;
    bilet_err err = { { 0 } };
    for (int i = 0; i < 3; i++)
        next_record(fx, &s[i]);
    s[1].sig[0] ^= 1;
    char *text = body_of(s, 3);
    /* The same body as jansson writes it with indentation: read by jansson. */
    json_t *doc = json_loads(text, 0, NULL);
    char *indented = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    assert_int_equal(batch_from_body(text, strlen(text), &compact, &err), BILET_OK);
    assert_int_equal(batch_from_body(indented, strlen(indented), &spaced, &err), BILET_OK);
    assert_int_equal(compact.n, 3);
    assert_int_equal(spaced.n, 3);
    for (size_t i = 0; i < 3; i++) {
        const batch_entry *a = &compact.entries[i];
        const batch_entry *b = &spaced.entries[i];
        assert_int_equal(a->len, b->len);
        assert_memory_equal(a->bytes, b->bytes, a->len);
        assert_memory_equal(a->sig, b->sig, KEYS_SIG_BYTES);
        assert_string_equal(a->hash_hex, b->hash_hex);
        assert_int_equal(a->parsed, b->parsed);
        assert_int_equal(a->sig_ok, b->sig_ok);
        assert_int_equal(a->seq, b->seq);
        assert_string_equal(a->exam, b->exam);
    }
    assert_false(compact.entries[1].sig_ok);
    /* The batch id names the records, whatever the body's layout. */
    assert_string_equal(compact.id, spaced.id);
    batch_free(&compact);
    batch_free(&spaced);
    free(indented);
    free(text);
    free_sent(s, 3);
}

static void bytes_that_are_no_record_are_rejected_as_malformed(void **state)
{
    fixture *fx = *state;
    /* Each: the text before the kiosk key and after it (NULL: no key in it). */
    static const char *const bad[][2] = {
        { "{\"v\":1}", NULL },
        { "[1,2]", NULL },
        { "{\"v\":1,\"kiosk\":\"",
          "\",\"seq\":1,\"prev\":\"00000000000000000000000000000000000000000000000000000000"
          "00000000\",\"time\":5,\"exam\":\"\",\"type\":\"x\",\"f\":1.5}" },
        { "{\"v\":1,\"kiosk\":\"",
          "\",\"seq\":01,\"prev\":\"0000000000000000000000000000000000000000000000000000000"
          "000000000\",\"time\":5,\"exam\":\"\",\"type\":\"x\"}" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        unsigned char sig[KEYS_SIG_BYTES] = { 0 };
        batch b;
        bilet_err err = { { 0 } };
        snprintf(text, sizeof text, "%s%s%s", bad[i][0], bad[i][1] ? fx->kiosk_hex : "",
                 bad[i][1] ? bad[i][1] : "");
        json_t *doc = json_object();
        json_t *arr = json_array();
        json_array_append_new(arr, item(text, strlen(text), sig));
        json_object_set_new(doc, "v", json_integer(1));
        json_object_set_new(doc, "records", arr);
        char *body = json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
        assert_int_equal(batch_from_body(body, strlen(body), &b, &err), BILET_OK);
        assert_false(b.entries[0].parsed);
        assert_int_equal(b.entries[0].verdict, BATCH_REJECTED);
        assert_int_equal(strncmp(b.entries[0].reason, "malformed: ", 11), 0);
        batch_free(&b);
        free(body);
    }
}

static void a_body_of_the_wrong_shape_is_refused_whole(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"v\":1,\"records\":[",
        "[]",
        "{\"v\":2,\"records\":[]}",
        "{\"v\":1,\"records\":{}}",
        "{\"v\":1,\"records\":[1]}",
        "{\"v\":1,\"records\":[{\"bytes\":\"QUJD\",\"sig\":\"00\"}]}",
        "{\"v\":1,\"records\":[{\"bytes\":\"QU=D\",\"sig\":\"" /* bad base64 */
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000\"}]}",
        "{\"v\":1,\"v\":1,\"records\":[]}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        batch b;
        bilet_err err = { { 0 } };
        assert_int_equal(batch_from_body(bodies[i], strlen(bodies[i]), &b, &err), BILET_EPARSE);
        assert_true(err.msg[0] != '\0');
        assert_int_equal(b.n, 0);
    }
}

static void a_batch_of_more_than_five_thousand_records_is_refused(void **state)
{
    (void)state;
    json_t *arr = json_array();
    for (int i = 0; i < BATCH_MAX_RECORDS + 1; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s}", "bytes", "e30=", "sig",
                                             "00000000000000000000000000000000000000000000000"
                                             "00000000000000000000000000000000000000000000000"
                                             "0000000000000000000000000000000000"));
    json_t *doc = json_pack("{s:i,s:o}", "v", 1, "records", arr);
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    batch b;
    bilet_err err = { { 0 } };
    assert_int_equal(batch_from_body(body, strlen(body), &b, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "5000"));
    free(body);
}

/* ---- the store's verdicts (SQLite) ---- */

static void a_chain_is_stored_and_the_same_records_again_are_duplicates(void **state)
{
    fixture *fx = *state;
    sent s[4];
    batch b;
    enrol_kiosk(fx);
    for (int i = 0; i < 4; i++)
        next_record(fx, &s[i]);
    ingest(fx, s, 4, &b);
    batch_counts c = batch_count(&b);
    assert_int_equal(c.stored, 4);
    batch_free(&b);
    ingest(fx, s, 4, &b);
    c = batch_count(&b);
    assert_int_equal(c.duplicate, 4);
    assert_int_equal(c.stored, 0);
    batch_free(&b);
    assert_int_equal(stored_rows(fx), 4);
    free_sent(s, 4);
}

static void one_record_twice_in_a_batch_is_stored_once(void **state)
{
    fixture *fx = *state;
    sent s[3];
    batch b;
    enrol_kiosk(fx);
    next_record(fx, &s[0]);
    next_record(fx, &s[1]);
    s[2] = s[1];
    ingest(fx, s, 3, &b);
    assert_int_equal(b.entries[1].verdict, BATCH_STORED);
    assert_int_equal(b.entries[2].verdict, BATCH_DUPLICATE);
    assert_int_equal(stored_rows(fx), 2);
    batch_free(&b);
    free_sent(s, 2);
}

static void records_of_an_unknown_kiosk_are_rejected(void **state)
{
    fixture *fx = *state;
    sent s[2];
    batch b;
    next_record(fx, &s[0]);
    next_record(fx, &s[1]);
    ingest(fx, s, 2, &b);
    assert_int_equal(b.entries[0].verdict, BATCH_REJECTED);
    assert_string_equal(b.entries[0].reason, "unknown kiosk");
    assert_string_equal(b.entries[1].reason, "unknown kiosk");
    assert_int_equal(stored_rows(fx), 0);
    batch_free(&b);
    free_sent(s, 2);
}

static void records_of_a_revoked_kiosk_are_rejected_and_the_stored_ones_stay(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    bool already = true;
    bool created = true;
    bool enrolled = false;
    bool revoked = false;
    sent s[4];
    batch b;
    enrol_kiosk(fx);
    for (int i = 0; i < 4; i++)
        next_record(fx, &s[i]);
    ingest(fx, s, 2, &b);
    assert_int_equal(batch_count(&b).stored, 2);
    batch_free(&b);
    assert_int_equal(cdb_kiosk_revoke(fx->db, fx->kiosk_hex, 5, &already, &err), BILET_OK);
    assert_false(already);
    assert_int_equal(cdb_kiosk_revoke(fx->db, fx->kiosk_hex, 6, &already, &err), BILET_OK);
    assert_true(already);
    assert_int_equal(cdb_kiosk_enrolled(fx->db, fx->kiosk_hex, &enrolled, &revoked, &err),
                     BILET_OK);
    assert_true(enrolled);
    assert_true(revoked);
    ingest(fx, s, 4, &b);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(b.entries[i].verdict, BATCH_REJECTED);
        assert_string_equal(b.entries[i].reason, "revoked kiosk");
    }
    batch_free(&b);
    assert_int_equal(stored_rows(fx), 2);
    assert_int_equal(cdb_kiosk_enrol(fx->db, fx->kiosk_hex, "again", 7, &created, &err),
                     BILET_EPERM);
    assert_false(created);
    assert_non_null(strstr(err.msg, "was revoked"));
    assert_int_equal(cdb_kiosk_revoke(fx->db,
                                      "0123456789abcdef0123456789abcdef0123456789abcdef"
                                      "0123456789abcdef",
                                      8, &already, &err),
                     BILET_ENOTFOUND);
    free_sent(s, 4);
}

static void a_removed_staff_member_has_no_token_password_or_session(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    char hash[RECORD_HEX_LEN + 1];
    char session[RECORD_HEX_LEN + 1];
    char name[CDB_NAME_MAX], role[CDB_NAME_MAX], pw[CDB_PWHASH_MAX];
    bool found = false;
    int64_t expires = 0;
    uint64_t sessions = 99;
    api_token_hash("token-of-anna", hash);
    api_token_hash("session-of-anna", session);
    assert_int_equal(cdb_staff_add(fx->db, "Анна", "registrar", hash, 1, &err), BILET_OK);
    assert_int_equal(cdb_staff_password_set(fx->db, "Анна", "$argon2id$x", 1, &err), BILET_OK);
    assert_int_equal(cdb_session_add(fx->db, session, "Анна", 1, 1000, &err), BILET_OK);
    assert_int_equal(cdb_staff_read_log(fx->db, "Анна", "results x", 2, &err), BILET_OK);
    assert_int_equal(cdb_staff_remove(fx->db, "Анна", 10, &sessions, &err), BILET_OK);
    assert_int_equal(sessions, 1);
    assert_int_equal(cdb_staff_find(fx->db, hash, &found, name, role, &err), BILET_OK);
    assert_false(found);
    assert_int_equal(cdb_staff_password_get(fx->db, "Анна", &found, role, pw, &err), BILET_OK);
    assert_false(found);
    assert_int_equal(cdb_session_find(fx->db, session, 10, &found, name, role, &expires, &err),
                     BILET_OK);
    assert_false(found);
    assert_int_equal(cdb_staff_remove(fx->db, "Анна", 11, &sessions, &err), BILET_ENOTFOUND);
    assert_int_equal(cdb_staff_remove(fx->db, "", 11, &sessions, &err), BILET_EINVAL);
}

static void a_flipped_signature_byte_is_a_bad_signature(void **state)
{
    fixture *fx = *state;
    sent s[1];
    batch b;
    enrol_kiosk(fx);
    next_record(fx, &s[0]);
    s[0].sig[10] ^= 0x20;
    ingest(fx, s, 1, &b);
    assert_false(b.entries[0].sig_ok);
    assert_string_equal(b.entries[0].reason, "bad signature");
    assert_int_equal(stored_rows(fx), 0);
    batch_free(&b);
    free_sent(s, 1);
}

static void a_validly_signed_record_with_a_wrong_prev_breaks_the_chain(void **state)
{
    fixture *fx = *state;
    sent s[2];
    batch b;
    enrol_kiosk(fx);
    next_record(fx, &s[0]);
    memset(fx->prev, 'a', RECORD_HEX_LEN);
    next_record(fx, &s[1]);
    ingest(fx, s, 2, &b);
    assert_int_equal(b.entries[0].verdict, BATCH_STORED);
    assert_int_equal(b.entries[1].verdict, BATCH_REJECTED);
    assert_string_equal(b.entries[1].reason, "broken chain: prev does not match record 1");
    assert_int_equal(stored_rows(fx), 1);
    batch_free(&b);
    free_sent(s, 2);
}

static void another_record_at_a_stored_seq_is_a_conflict(void **state)
{
    fixture *fx = *state;
    sent s[2];
    batch b;
    enrol_kiosk(fx);
    next_record(fx, &s[0]);
    ingest(fx, s, 1, &b);
    batch_free(&b);
    /* Seq 1 again, with other bytes: "seconds":0 becomes 1, validly signed. */
    fx->seq = 0;
    memset(fx->prev, '0', RECORD_HEX_LEN);
    next_record(fx, &s[1]);
    s[1].bytes.data[s[1].bytes.len - 2] = '1';
    record_sign(s[1].bytes.data, s[1].bytes.len, fx->kiosk, s[1].sig);
    ingest(fx, &s[1], 1, &b);
    assert_string_equal(b.entries[0].reason, "conflict: seq 1 already stored with another hash");
    assert_int_equal(stored_rows(fx), 1);
    batch_free(&b);
    free_sent(s, 2);
}

static void a_gap_is_reported_and_never_filled(void **state)
{
    fixture *fx = *state;
    sent s[5];
    batch b;
    enrol_kiosk(fx);
    for (int i = 0; i < 5; i++)
        next_record(fx, &s[i]);
    ingest(fx, &s[2], 3, &b);
    assert_int_equal(b.n_gaps, 1);
    assert_string_equal(b.gaps[0].kiosk, fx->kiosk_hex);
    assert_int_equal(b.gaps[0].from, 1);
    assert_int_equal(b.gaps[0].to, 2);
    assert_string_equal(b.entries[0].reason, "gap: records 1..2 missing");
    assert_string_equal(b.entries[2].reason, "gap: records 1..2 missing");
    assert_int_equal(stored_rows(fx), 0);
    batch_free(&b);
    ingest(fx, s, 5, &b);
    assert_int_equal(batch_count(&b).stored, 5);
    batch_free(&b);
    free_sent(s, 5);
}

static void an_all_or_nothing_batch_with_one_bad_record_stores_nothing(void **state)
{
    fixture *fx = *state;
    sent s[3];
    batch b;
    bilet_err err = { { 0 } };
    enrol_kiosk(fx);
    for (int i = 0; i < 3; i++)
        next_record(fx, &s[i]);
    s[2].sig[0] ^= 1;
    char *text = body_of(s, 3);
    assert_int_equal(batch_from_body(text, strlen(text), &b, &err), BILET_OK);
    assert_int_equal(cdb_ingest(fx->db, &b, 1, true, &err), BILET_ERULE);
    assert_non_null(strstr(err.msg, "record 3"));
    assert_non_null(strstr(err.msg, "bad signature"));
    assert_int_equal(stored_rows(fx), 0);
    batch_free(&b);
    free(text);
    free_sent(s, 3);
}

/* ---- receipts ---- */

static void a_receipt_is_signed_and_lists_every_record_in_order(void **state)
{
    fixture *fx = *state;
    sent s[3];
    batch b;
    bilet_err err = { { 0 } };
    char *answer = NULL;
    size_t len = 0;
    enrol_kiosk(fx);
    for (int i = 0; i < 3; i++)
        next_record(fx, &s[i]);
    s[1].sig[3] ^= 1;
    ingest(fx, s, 3, &b);
    assert_int_equal(batch_receipt(&b, fx->central, 1797750000, &answer, &len, &err), BILET_OK);
    json_t *doc = json_loads(answer, 0, NULL);
    const char *text = json_string_value(json_object_get(doc, "receipt"));
    unsigned char sig[KEYS_SIG_BYTES];
    assert_int_equal(
        keys_hex_decode(json_string_value(json_object_get(doc, "sig")), sig, sizeof sig, NULL),
        BILET_OK);
    assert_true(record_signature_valid(text, strlen(text), fx->central->pk, sig));
    char central_hex[RECORD_HEX_LEN + 1];
    keys_hex_encode(fx->central->pk, KEYS_PUBLIC_BYTES, central_hex, sizeof central_hex, NULL);
    char expect_head[256];
    snprintf(expect_head, sizeof expect_head,
             "{\"v\":1,\"central\":\"%s\",\"time\":1797750000,\"batch\":\"%s\",\"results\":[",
             central_hex, b.id);
    assert_int_equal(strncmp(text, expect_head, strlen(expect_head)), 0);
    json_t *receipt = json_loads(text, 0, NULL);
    json_t *results = json_object_get(receipt, "results");
    assert_int_equal(json_array_size(results), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 0), "hash")),
                        s[0].hash);
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 0), "status")),
                        "stored");
    assert_null(json_object_get(json_array_get(results, 0), "reason"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 1), "reason")),
                        "bad signature");
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 2), "reason")),
                        "gap: records 2..2 missing");
    assert_int_equal(json_array_size(json_object_get(receipt, "gaps")), 1);
    json_decref(receipt);
    json_decref(doc);
    free(answer);
    batch_free(&b);
    free_sent(s, 3);
}

/* ---- kiosks and staff ---- */

static void enrolling_twice_is_idempotent(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    bool created = false;
    bool enrolled = false;
    assert_int_equal(cdb_kiosk_enrolled(fx->db, fx->kiosk_hex, &enrolled, NULL, &err), BILET_OK);
    assert_false(enrolled);
    assert_int_equal(cdb_kiosk_enrol(fx->db, fx->kiosk_hex, "a", 1, &created, &err), BILET_OK);
    assert_true(created);
    assert_int_equal(cdb_kiosk_enrol(fx->db, fx->kiosk_hex, "b", 2, &created, &err), BILET_OK);
    assert_false(created);
    assert_int_equal(cdb_kiosk_enrolled(fx->db, fx->kiosk_hex, &enrolled, NULL, &err), BILET_OK);
    assert_true(enrolled);
    assert_int_equal(cdb_kiosk_enrol(fx->db, "ABC", "x", 1, &created, &err), BILET_EINVAL);
}

static void a_staff_token_is_found_by_its_hash_only(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    char hash[RECORD_HEX_LEN + 1];
    char other[RECORD_HEX_LEN + 1];
    char name[CDB_NAME_MAX], role[CDB_NAME_MAX];
    bool found = false;
    api_token_hash("token-of-anna", hash);
    api_token_hash("token-of-boris", other);
    assert_int_equal(cdb_staff_add(fx->db, "Анна", "registrar", hash, 1, &err), BILET_OK);
    assert_int_equal(cdb_staff_add(fx->db, "Анна", "grader", other, 1, &err), BILET_EEXIST);
    assert_int_equal(cdb_staff_add(fx->db, "Борис", "dean", other, 1, &err), BILET_EINVAL);
    assert_int_equal(cdb_staff_find(fx->db, hash, &found, name, role, &err), BILET_OK);
    assert_true(found);
    assert_string_equal(name, "Анна");
    assert_string_equal(role, "registrar");
    assert_int_equal(cdb_staff_find(fx->db, other, &found, name, role, &err), BILET_OK);
    assert_false(found);
    assert_int_equal(cdb_staff_find(fx->db, "token-of-anna", &found, name, role, &err), BILET_OK);
    assert_false(found);
}

static void a_database_of_a_newer_schema_is_refused(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    sqlite3 *raw = NULL;
    cdb *db = NULL;
    assert_int_equal(sqlite3_open(fx->db_path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "UPDATE schema_version SET version = 99", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(cdb_open(fx->db_path, &db, &err), BILET_ESTATE);
    assert_non_null(strstr(err.msg, "newer"));
    assert_null(db);
}

/* ---- USB bundles ---- */

/* A bundle file's text of s[0..n), signed by kp. Caller frees. */
static char *bundle_of(fixture *fx, const sent *s, size_t n, const keys_pair *kp)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, item(s[i].bytes.data, s[i].bytes.len, s[i].sig));
    json_t *inner = json_pack("{s:i,s:s,s:i,s:o}", "v", 1, "kiosk", fx->kiosk_hex, "created",
                              1797750000, "records", arr);
    char *inner_text = json_dumps(inner, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(inner);
    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[2 * KEYS_SIG_BYTES + 1];
    record_sign(inner_text, strlen(inner_text), kp, sig);
    keys_hex_encode(sig, sizeof sig, sig_hex, sizeof sig_hex, NULL);
    json_t *outer = json_pack("{s:s,s:s}", "bundle", inner_text, "sig", sig_hex);
    char *text = json_dumps(outer, JSON_COMPACT);
    json_decref(outer);
    free(inner_text);
    return text;
}

static void a_bundle_is_read_only_with_its_kiosk_signature(void **state)
{
    fixture *fx = *state;
    sent s[2];
    batch_bundle bb;
    bilet_err err = { { 0 } };
    next_record(fx, &s[0]);
    next_record(fx, &s[1]);
    char *good = bundle_of(fx, s, 2, fx->kiosk);
    char *forged = bundle_of(fx, s, 2, fx->central);
    assert_int_equal(batch_bundle_read(good, strlen(good), &bb, &err), BILET_OK);
    assert_string_equal(bb.kiosk, fx->kiosk_hex);
    assert_int_equal(bb.records.n, 2);
    assert_true(bb.records.entries[1].sig_ok);
    batch_free(&bb.records);
    assert_int_equal(batch_bundle_read(forged, strlen(forged), &bb, &err), BILET_EBADSIG);
    assert_int_equal(batch_bundle_read("{\"bundle\":1}", 12, &bb, &err), BILET_EPARSE);
    free(good);
    free(forged);
    free_sent(s, 2);
}

/* ---- the API without HTTP ---- */

static void api_answers_unknown_paths_404_and_wrong_methods_405(void **state)
{
    fixture *fx = *state;
    api_ctx ctx = { .central = fx->central };
    api_response resp;
    api_request req = { .method = "GET", .path = "/api/v1/nothing", .body = "" };
    api_handle(&ctx, fx->db, &req, &resp);
    assert_int_equal(resp.status, 404);
    api_response_free(&resp);
    req.path = "/api/v1/records";
    api_handle(&ctx, fx->db, &req, &resp);
    assert_int_equal(resp.status, 405);
    assert_string_equal(resp.allow, "POST");
    api_response_free(&resp);
    req.path = "/api/v1/health";
    api_handle(&ctx, fx->db, &req, &resp);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body, "\"db\":\"sqlite\""));
    api_response_free(&resp);
    req.method = "POST";
    req.path = "/api/v1/records";
    req.body = "{\"v\":1,";
    req.len = strlen(req.body);
    api_handle(&ctx, fx->db, &req, &resp);
    assert_int_equal(resp.status, 400);
    assert_non_null(strstr(resp.body, "\"error\""));
    api_response_free(&resp);
    assert_int_equal(api_body_cap("/api/v1/records"), 16u << 20);
    assert_int_equal(api_body_cap("/api/v1/scans"), 32u << 20);
}

static void staff_endpoints_want_a_token_of_the_right_role(void **state)
{
    fixture *fx = *state;
    api_ctx ctx = { .central = fx->central };
    api_response resp;
    bilet_err err = { { 0 } };
    char hash[RECORD_HEX_LEN + 1];
    api_token_hash("grader-token", hash);
    assert_int_equal(cdb_staff_add(fx->db, "g", "grader", hash, 1, &err), BILET_OK);
    api_token_hash("registrar-token", hash);
    assert_int_equal(cdb_staff_add(fx->db, "r", "registrar", hash, 1, &err), BILET_OK);
    static const struct {
        const char *auth;
        int status;
    } cases[] = {
        { NULL, 401 },
        { "Bearer wrong", 401 },
        { "Basic grader-token", 401 },
        { "Bearer grader-token", 403 },
        { "Bearer registrar-token", 200 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        api_request req = { .method = "GET",
                            .path = "/api/v1/exams/2026-12-GD-101/results",
                            .authorization = cases[i].auth,
                            .body = "" };
        api_handle(&ctx, fx->db, &req, &resp);
        assert_int_equal(resp.status, cases[i].status);
        api_response_free(&resp);
    }
    api_request req = { .method = "POST",
                        .path = "/api/v1/kiosks",
                        .authorization = "Bearer registrar-token" };
    char body[160];
    snprintf(body, sizeof body, "{\"public_key\":\"%s\",\"name\":\"ауд. 1\"}", fx->kiosk_hex);
    req.body = body;
    req.len = strlen(body);
    api_handle(&ctx, fx->db, &req, &resp);
    assert_int_equal(resp.status, 201);
    api_response_free(&resp);
    api_handle(&ctx, fx->db, &req, &resp);
    assert_int_equal(resp.status, 200);
    api_response_free(&resp);
    req.authorization = "Bearer grader-token";
    api_handle(&ctx, fx->db, &req, &resp);
    assert_int_equal(resp.status, 403);
    api_response_free(&resp);
}

/* ---- results and audit ---- */

static void results_as_csv_have_a_bom_semicolons_and_crlf(void **state)
{
    fixture *fx = *state;
    sent s[2];
    batch b;
    bilet_err err = { { 0 } };
    char *out = NULL;
    size_t len = 0;
    enrol_kiosk(fx);
    next_record(fx, &s[0]);
    next_record(fx, &s[1]);
    ingest(fx, s, 2, &b);
    batch_free(&b);
    assert_int_equal(report_exam(fx->db, "2026-12-GD-101", REPORT_CSV, &out, &len, &err), BILET_OK);
    assert_int_equal(memcmp(out, "\xEF\xBB\xBF\"attempt_id\";\"exam\";", 22), 0);
    assert_non_null(strstr(out, "\r\n"));
    assert_non_null(strstr(out, "\"Абрамов Алексей \"\"Лёша\"\" Игоревич\""));
    char id[16];
    snprintf(id, sizeof id, "\"%.8s-2\"", fx->kiosk_hex);
    assert_non_null(strstr(out, id));
    free(out);
    assert_int_equal(report_exam(fx->db, "no-such-exam", REPORT_JSON, &out, &len, &err), BILET_OK);
    assert_string_equal(out, "[]");
    free(out);
    free_sent(s, 2);
}

static void the_audit_finds_a_stored_record_whose_bytes_were_altered(void **state)
{
    fixture *fx = *state;
    sent s[3];
    batch b;
    bilet_err err = { { 0 } };
    audit_report rep;
    sqlite3 *raw = NULL;
    enrol_kiosk(fx);
    for (int i = 0; i < 3; i++)
        next_record(fx, &s[i]);
    ingest(fx, s, 3, &b);
    batch_free(&b);
    assert_int_equal(audit_store(fx->db, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 3);
    assert_int_equal(rep.kiosks, 1);
    assert_int_equal(sqlite3_open(fx->db_path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "UPDATE records SET bytes = CAST(replace(CAST(bytes AS TEXT),"
                                  " '21-0001', '21-0002') AS BLOB) WHERE seq = 2",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(audit_store(fx->db, &rep, &err), BILET_ECORRUPT);
    assert_non_null(strstr(err.msg, "record 2"));
    free_sent(s, 3);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(base64_round_trips_bytes_and_refuses_what_is_not_strict),
    cmocka_unit_test(base64_decodes_what_libsodium_encodes_at_every_length),
    cmocka_unit_test_setup_teardown(a_body_of_records_is_read_with_headers_hashes_and_signatures,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(a_record_in_another_json_layout_is_read_the_long_way, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(a_body_in_another_layout_is_read_the_same_as_a_compact_one,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(bytes_that_are_no_record_are_rejected_as_malformed, setup,
                                    teardown),
    cmocka_unit_test(a_body_of_the_wrong_shape_is_refused_whole),
    cmocka_unit_test(a_batch_of_more_than_five_thousand_records_is_refused),
    cmocka_unit_test_setup_teardown(a_chain_is_stored_and_the_same_records_again_are_duplicates,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(one_record_twice_in_a_batch_is_stored_once, setup, teardown),
    cmocka_unit_test_setup_teardown(records_of_an_unknown_kiosk_are_rejected, setup, teardown),
    cmocka_unit_test_setup_teardown(
        records_of_a_revoked_kiosk_are_rejected_and_the_stored_ones_stay, setup, teardown),
    cmocka_unit_test_setup_teardown(a_removed_staff_member_has_no_token_password_or_session, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(a_flipped_signature_byte_is_a_bad_signature, setup, teardown),
    cmocka_unit_test_setup_teardown(a_validly_signed_record_with_a_wrong_prev_breaks_the_chain,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(another_record_at_a_stored_seq_is_a_conflict, setup, teardown),
    cmocka_unit_test_setup_teardown(a_gap_is_reported_and_never_filled, setup, teardown),
    cmocka_unit_test_setup_teardown(an_all_or_nothing_batch_with_one_bad_record_stores_nothing,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(a_receipt_is_signed_and_lists_every_record_in_order, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(enrolling_twice_is_idempotent, setup, teardown),
    cmocka_unit_test_setup_teardown(a_staff_token_is_found_by_its_hash_only, setup, teardown),
    cmocka_unit_test_setup_teardown(a_database_of_a_newer_schema_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(a_bundle_is_read_only_with_its_kiosk_signature, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(api_answers_unknown_paths_404_and_wrong_methods_405, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(staff_endpoints_want_a_token_of_the_right_role, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(results_as_csv_have_a_bom_semicolons_and_crlf, setup, teardown),
    cmocka_unit_test_setup_teardown(the_audit_finds_a_stored_record_whose_bytes_were_altered, setup,
                                    teardown),
};

BILET_TEST_MAIN(tests)
