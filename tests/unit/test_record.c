/*
 * test_record.c — the record format: the worked example of docs/records.md as known
 * answers (tests/data/record/example-*), build/parse round trips, what parsing refuses,
 * and signatures.
 */
#include "test_main.h"

#include <stdlib.h>

#include "field.h"
#include "keys.h"
#include "record.h"
#include "record_example.h"

#define DATA BILET_TEST_DATA "/record/"

static const char zeros64[] = "0000000000000000000000000000000000000000000000000000000000000000";
/* The example kiosk key (example.pub), used where only the shape of a header matters. */
static const char kiosk64[] = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(RECORD_MAX_BYTES + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, RECORD_MAX_BYTES, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void read_hex_file(const char *path, unsigned char *out, size_t n)
{
    bilet_err err = { { 0 } };
    assert_int_equal(keys_file_read_hex(path, out, n, &err), BILET_OK);
}

static record_header header(const char *type)
{
    record_header h = { kiosk64, 1, zeros64, 1797746400, "2026-12-GD-101", type };
    return h;
}

/* Builds the example records from the test seed and compares them with the files. */
static void example_records_match_their_known_answers(void **state)
{
    (void)state;
    unsigned char seed[KEYS_SEED_BYTES], seed_file[KEYS_SEED_BYTES];
    unsigned char pk_file[KEYS_PUBLIC_BYTES];
    keys_pair *kp = NULL;
    bilet_err err = { { 0 } };
    record_example_seed(seed);
    read_hex_file(DATA "example.seed", seed_file, sizeof seed_file);
    assert_memory_equal(seed, seed_file, sizeof seed);
    assert_int_equal(keys_pair_from_seed(seed, &kp, &err), BILET_OK);
    read_hex_file(DATA "example.pub", pk_file, sizeof pk_file);
    assert_memory_equal(kp->pk, pk_file, sizeof pk_file);

    char kiosk[RECORD_HEX_LEN + 1], prev[RECORD_HEX_LEN + 1];
    keys_hex_encode(kp->pk, KEYS_PUBLIC_BYTES, kiosk, sizeof kiosk, NULL);
    memcpy(prev, zeros64, sizeof prev);
    record_buf buf = { 0 };
    for (int k = 1; k <= RECORD_EXAMPLE_COUNT; k++) {
        char path[512];
        size_t len = 0;
        record_header h;
        bilet_field f[BILET_FIELDS_MAX];
        size_t n = record_example(k, &h, f);
        h.kiosk = kiosk;
        h.prev = prev;
        assert_int_equal(record_build(&h, f, n, &buf, &err), BILET_OK);
        snprintf(path, sizeof path, DATA "example-%d.record", k);
        char *bytes = slurp(path, &len);
        assert_int_equal(buf.len, len);
        assert_memory_equal(buf.data, bytes, len);

        unsigned char hash[KEYS_HASH_BYTES], hash_file[KEYS_HASH_BYTES];
        unsigned char sig[KEYS_SIG_BYTES], sig_file[KEYS_SIG_BYTES];
        record_hash(bytes, len, hash);
        snprintf(path, sizeof path, DATA "example-%d.hash", k);
        read_hex_file(path, hash_file, sizeof hash_file);
        assert_memory_equal(hash, hash_file, sizeof hash);
        record_sign(bytes, len, kp, sig);
        snprintf(path, sizeof path, DATA "example-%d.sig", k);
        read_hex_file(path, sig_file, sizeof sig_file);
        assert_memory_equal(sig, sig_file, sizeof sig);
        assert_true(record_signature_valid(bytes, len, pk_file, sig_file));
        keys_hex_encode(hash, sizeof hash, prev, sizeof prev, NULL);
        free(bytes);
    }
    record_buf_free(&buf);
    keys_pair_destroy(kp);
}

static void example_record_parses_into_its_header_and_fields(void **state)
{
    (void)state;
    size_t len = 0;
    record_view v;
    bilet_err err = { { 0 } };
    char *bytes = slurp(DATA "example-2.record", &len);
    assert_int_equal(record_parse(bytes, len, &v, &err), BILET_OK);
    free(bytes); /* the view must not depend on the parsed bytes */
    assert_int_equal(v.v, 1);
    assert_int_equal(v.seq, 2);
    assert_int_equal(v.time, 1797746587);
    assert_string_equal(v.exam, "2026-12-GD-101");
    assert_string_equal(v.type, "student_identified");
    assert_int_equal(v.n_fields, 6);
    const bilet_field *fn = bilet_field_find(v.fields, v.n_fields, "full_name");
    assert_non_null(fn);
    assert_int_equal(fn->kind, BILET_FIELD_STR);
    assert_string_equal(fn->s, "Иванов Иван \"Ваня\" Иванович");
    record_view_free(&v);
    assert_null(v.doc);
}

static void build_writes_compact_json_in_fixed_key_order(void **state)
{
    (void)state;
    record_header h = header("session_paused");
    bilet_field f[] = { bilet_field_int("b", -5),
                        bilet_field_bool("a", true),
                        { "z", BILET_FIELD_NULL, 0, NULL } };
    record_buf buf = { 0 };
    bilet_err err = { { 0 } };
    assert_int_equal(record_build(&h, f, 3, &buf, &err), BILET_OK);
    char want[512];
    snprintf(want, sizeof want,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":1,\"prev\":\"%s\",\"time\":1797746400,"
             "\"exam\":\"2026-12-GD-101\",\"type\":\"session_paused\",\"b\":-5,\"a\":true,"
             "\"z\":null}",
             kiosk64, zeros64);
    assert_string_equal(buf.data, want);
    assert_int_equal(buf.len, strlen(want));
    record_buf_free(&buf);
}

static void build_escapes_only_what_json_requires(void **state)
{
    (void)state;
    record_header h = header("correction");
    bilet_field f[] = { bilet_field_str("reason", "«Ошибка» \"x\"\\/\n\t\x01Әә") };
    record_buf buf = { 0 };
    bilet_err err = { { 0 } };
    assert_int_equal(record_build(&h, f, 1, &buf, &err), BILET_OK);
    assert_non_null(strstr(buf.data, "\"reason\":\"«Ошибка» \\\"x\\\"\\\\/\\n\\t\\u0001Әә\"}"));
    record_buf_free(&buf);
}

static void build_then_parse_round_trips_cyrillic_and_escapes(void **state)
{
    (void)state;
    const char *text = "Ответ: «горные породы»\n\tкрепость f = 12\\15 \"по Протодьяконову\" ҚҢӨ";
    record_header h = header("answer_submitted");
    h.seq = 42;
    h.prev = kiosk64;
    h.exam = "2026-12-ГД-101";
    bilet_field f[] = {
        bilet_field_int("attempt", 3),
        bilet_field_str("text", text),
        bilet_field_bool("second", false),
        bilet_field_int("chars", RECORD_INT_MAX),
        bilet_field_int("words", -RECORD_INT_MAX),
        { "grade", BILET_FIELD_NULL, 0, NULL },
        bilet_field_str("empty", ""),
    };
    record_buf buf = { 0 };
    record_view v;
    bilet_err err = { { 0 } };
    assert_int_equal(record_build(&h, f, 7, &buf, &err), BILET_OK);
    assert_int_equal(record_parse(buf.data, buf.len, &v, &err), BILET_OK);
    assert_int_equal(v.seq, 42);
    assert_string_equal(v.prev, kiosk64);
    assert_string_equal(v.kiosk, kiosk64);
    assert_string_equal(v.exam, "2026-12-ГД-101");
    assert_int_equal(v.n_fields, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(v.fields[i].key, f[i].key);
        assert_int_equal(v.fields[i].kind, f[i].kind);
        assert_int_equal(v.fields[i].i, f[i].i);
        if (f[i].kind == BILET_FIELD_STR)
            assert_string_equal(v.fields[i].s, f[i].s);
    }
    record_view_free(&v);
    record_buf_free(&buf);
}

static void build_refuses_a_field_given_twice(void **state)
{
    (void)state;
    record_header h = header("graded");
    bilet_field f[] = { bilet_field_int("grade", 5), bilet_field_int("grade", 4) };
    record_buf buf = { 0 };
    bilet_err err = { { 0 } };
    assert_int_equal(record_build(&h, f, 2, &buf, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "'grade'"));
    assert_int_equal(buf.len, 0);
    record_buf_free(&buf);
}

static void build_refuses_a_header_name_as_field(void **state)
{
    (void)state;
    record_header h = header("graded");
    bilet_field f[] = { bilet_field_int("seq", 5) };
    record_buf buf = { 0 };
    bilet_err err = { { 0 } };
    assert_int_equal(record_build(&h, f, 1, &buf, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "'seq'"));
    record_buf_free(&buf);
}

static void build_refuses_invalid_utf8_naming_the_field(void **state)
{
    (void)state;
    record_header h = header("student_identified");
    bilet_field f[] = { bilet_field_str("full_name", "\xd0\xd0 bad") };
    record_buf buf = { 0 };
    bilet_err err = { { 0 } };
    assert_int_equal(record_build(&h, f, 1, &buf, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "full_name"));
    record_buf_free(&buf);
}

static void build_refuses_integers_beyond_53_bits_and_bad_names(void **state)
{
    (void)state;
    record_header h = header("graded");
    record_buf buf = { 0 };
    bilet_err err = { { 0 } };
    bilet_field big[] = { bilet_field_int("chars", RECORD_INT_MAX + 1) };
    assert_int_equal(record_build(&h, big, 1, &buf, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "chars"));
    bilet_field upper[] = { bilet_field_int("Grade", 1) };
    assert_int_equal(record_build(&h, upper, 1, &buf, &err), BILET_EINVAL);
    h.kiosk = "ABCD";
    assert_int_equal(record_build(&h, NULL, 0, &buf, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "kiosk"));
    record_buf_free(&buf);
}

/* Parses text, expecting st and a message containing want. */
static void expect_refused(const char *text, bilet_status st, const char *want)
{
    record_view v;
    bilet_err err = { { 0 } };
    assert_int_equal(record_parse(text, strlen(text), &v, &err), st);
    if (!strstr(err.msg, want))
        fail_msg("message '%s' lacks '%s'", err.msg, want);
    assert_null(v.doc);
    assert_int_equal(v.n_fields, 0);
    record_view_free(&v);
}

/* A valid record text with the given tail after "type" (", ..." or ""). */
static void valid_text(char *out, size_t size, const char *tail)
{
    snprintf(out, size,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":3,\"prev\":\"%s\",\"time\":5,\"exam\":\"\","
             "\"type\":\"t\"%s}",
             kiosk64, zeros64, tail);
}

static void parse_accepts_a_minimal_record(void **state)
{
    (void)state;
    char text[1024];
    record_view v;
    bilet_err err = { { 0 } };
    valid_text(text, sizeof text, ",\"ok\":true");
    assert_int_equal(record_parse(text, strlen(text), &v, &err), BILET_OK);
    assert_int_equal(v.n_fields, 1);
    assert_int_equal(v.fields[0].kind, BILET_FIELD_BOOL);
    assert_int_equal(v.fields[0].i, 1);
    record_view_free(&v);
}

static void parse_refuses_header_keys_out_of_order(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "{\"v\":1,\"seq\":3,\"kiosk\":\"%s\",\"prev\":\"%s\",\"time\":5,\"exam\":\"\","
             "\"type\":\"t\"}",
             kiosk64, zeros64);
    expect_refused(text, BILET_EPARSE, "key 2 is 'seq', expected 'kiosk'");
}

static void parse_refuses_a_missing_header_key(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":3,\"prev\":\"%s\",\"time\":5,\"exam\":\"\"}",
             kiosk64, zeros64);
    expect_refused(text, BILET_EPARSE, "'type' is missing");
}

static void parse_refuses_bad_hex(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":3,\"prev\":\"%.63s\",\"time\":5,\"exam\":\"\","
             "\"type\":\"t\"}",
             kiosk64, zeros64);
    expect_refused(text, BILET_EPARSE, "'prev' is not 64 lowercase hex");
    snprintf(text, sizeof text,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":3,\"prev\":\"%s\",\"time\":5,\"exam\":\"\","
             "\"type\":\"t\"}",
             "79B5562E8FE654F94078B112E8A98BA7901F853AE695BED7E0E3910BAD049664", zeros64);
    expect_refused(text, BILET_EPARSE, "'kiosk' is not 64 lowercase hex");
}

static void parse_refuses_nested_values(void **state)
{
    (void)state;
    char text[1024];
    valid_text(text, sizeof text, ",\"a\":{\"b\":1}");
    expect_refused(text, BILET_EPARSE, "'a' is nested");
    valid_text(text, sizeof text, ",\"list\":[1,2]");
    expect_refused(text, BILET_EPARSE, "'list' is nested");
}

static void parse_refuses_records_over_the_cap(void **state)
{
    (void)state;
    size_t len = RECORD_MAX_BYTES + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, ' ', len);
    text[0] = '{';
    text[len - 1] = '}';
    record_view v;
    bilet_err err = { { 0 } };
    assert_int_equal(record_parse(text, len, &v, &err), BILET_ETOOBIG);
    free(text);
}

static void parse_refuses_trailing_garbage(void **state)
{
    (void)state;
    char text[1024];
    valid_text(text, sizeof text, "");
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n, "x");
    expect_refused(text, BILET_EPARSE, "not a JSON object");
    valid_text(text, sizeof text, "");
    n = strlen(text);
    snprintf(text + n, sizeof text - n, "{}");
    expect_refused(text, BILET_EPARSE, "not valid JSON");
}

static void parse_refuses_duplicate_keys(void **state)
{
    (void)state;
    char text[1024];
    valid_text(text, sizeof text, ",\"a\":1,\"a\":2");
    expect_refused(text, BILET_EPARSE, "duplicate");
}

static void parse_refuses_reals_wrong_version_and_negative_time(void **state)
{
    (void)state;
    char text[1024];
    valid_text(text, sizeof text, ",\"score\":4.5");
    expect_refused(text, BILET_EPARSE, "'score' is a real number");
    snprintf(text, sizeof text,
             "{\"v\":2,\"kiosk\":\"%s\",\"seq\":3,\"prev\":\"%s\",\"time\":5,\"exam\":\"\","
             "\"type\":\"t\"}",
             kiosk64, zeros64);
    expect_refused(text, BILET_EPARSE, "version 2");
    snprintf(text, sizeof text,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":0,\"prev\":\"%s\",\"time\":5,\"exam\":\"\","
             "\"type\":\"t\"}",
             kiosk64, zeros64);
    expect_refused(text, BILET_EPARSE, "'seq' = 0");
    snprintf(text, sizeof text,
             "{\"v\":1,\"kiosk\":\"%s\",\"seq\":1,\"prev\":\"%s\",\"time\":-1,\"exam\":\"\","
             "\"type\":\"t\"}",
             kiosk64, zeros64);
    expect_refused(text, BILET_EPARSE, "'time' = -1");
}

static void parse_refuses_more_fields_than_the_maximum(void **state)
{
    (void)state;
    char tail[1024] = "";
    size_t n = 0;
    for (int i = 0; i <= BILET_FIELDS_MAX; i++)
        n += (size_t)snprintf(tail + n, sizeof tail - n, ",\"f%d\":%d", i, i);
    char text[2048];
    valid_text(text, sizeof text, tail);
    expect_refused(text, BILET_EPARSE, "more than 32 fields");
}

static void signature_verifies_and_fails_after_a_flipped_bit(void **state)
{
    (void)state;
    unsigned char seed[KEYS_SEED_BYTES];
    unsigned char sig[KEYS_SIG_BYTES];
    keys_pair *kp = NULL;
    bilet_err err = { { 0 } };
    record_example_seed(seed);
    assert_int_equal(keys_pair_from_seed(seed, &kp, &err), BILET_OK);
    size_t len = 0;
    char *bytes = slurp(DATA "example-1.record", &len);
    record_sign(bytes, len, kp, sig);
    assert_true(record_signature_valid(bytes, len, kp->pk, sig));
    bytes[len / 2] ^= 0x04;
    assert_false(record_signature_valid(bytes, len, kp->pk, sig));
    bytes[len / 2] ^= 0x04;
    sig[10] ^= 0x80;
    assert_false(record_signature_valid(bytes, len, kp->pk, sig));
    free(bytes);
    keys_pair_destroy(kp);
}

static void signature_by_a_foreign_key_does_not_verify(void **state)
{
    (void)state;
    unsigned char pk[KEYS_PUBLIC_BYTES];
    unsigned char sig[KEYS_SIG_BYTES];
    keys_pair *foreign = NULL;
    bilet_err err = { { 0 } };
    read_hex_file(DATA "example.pub", pk, sizeof pk);
    assert_int_equal(keys_pair_random(&foreign, &err), BILET_OK);
    size_t len = 0;
    char *bytes = slurp(DATA "example-1.record", &len);
    record_sign(bytes, len, foreign, sig);
    assert_true(record_signature_valid(bytes, len, foreign->pk, sig));
    assert_false(record_signature_valid(bytes, len, pk, sig));
    free(bytes);
    keys_pair_destroy(foreign);
}

static void hash_of_empty_input_is_blake2b_256(void **state)
{
    (void)state;
    char hex[RECORD_HEX_LEN + 1];
    record_hash_hex("", 0, hex);
    /* BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte digest). */
    assert_string_equal(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

static void header_prefix_is_the_start_of_the_built_bytes(void **state)
{
    (void)state;
    size_t len = 0, head_len = 0;
    char head[1024];
    char *bytes = slurp(DATA "example-2.record", &len);
    record_header h;
    bilet_field f[BILET_FIELDS_MAX];
    record_example(2, &h, f);
    h.kiosk = kiosk64;
    h.prev = "3115624d06358215ab7269b3d68a271ba05bb6f72b4fd5a37122358c5b25bb79";
    assert_int_equal(record_header_prefix(&h, head, sizeof head, &head_len, NULL), BILET_OK);
    assert_int_equal(strlen(head), head_len);
    assert_true(head_len < len);
    assert_memory_equal(head, bytes, head_len);
    assert_int_equal(bytes[head_len], ',');
    assert_int_equal(record_header_prefix(&h, head, head_len, &head_len, NULL), BILET_EINVAL);
    free(bytes);
}

static void header_prefix_refuses_an_exam_id_that_needs_escapes(void **state)
{
    (void)state;
    size_t head_len = 0;
    char head[1024];
    record_header h = header("session_paused");
    h.exam = "2026 \"GD\"";
    assert_int_equal(record_header_prefix(&h, head, sizeof head, &head_len, NULL), BILET_EINVAL);
    h.exam = "2026/ГД-101";
    assert_int_equal(record_header_prefix(&h, head, sizeof head, &head_len, NULL), BILET_OK);
    assert_non_null(strstr(head, "\"exam\":\"2026/ГД-101\",\"type\":\"session_paused\""));
}

static void check_fields_agrees_with_a_full_parse(void **state)
{
    (void)state;
    /* Each tail, and whether the plain path (record_fields_plain) may take it on its own. */
    static const struct {
        const char *text;
        bool plain;
    } tails[] = {
        { "}", true },
        { ",\"a\":1,\"b\":\"«x»\\n\",\"c\":true,\"d\":null}", true },
        { ",\"answer\":\"Ответ: \\\"x\\\" \\\\ \\/ \\b\\f\\r\\t\",\"n\":-17,\"z\":-0}", true },
        { ",\"big\":9007199254740991,\"small\":-9007199254740991,\"f\":false}", true },
        { ",\"a\":\"\\u0416\"}", false },
        { ",\"a\" :1}", false },
        { " ,\"a\":1}", false },
        { ",\"a\":[1]}", false },
        { ",\"a\":{}}", false },
        { ",\"a\":1,\"a\":2}", false },
        { ",\"seq\":2}", false },
        { ",\"a\":1.5}", false },
        { ",\"a\":1e3}", false },
        { ",\"a\":01}", false },
        { ",\"a\":-}", false },
        { ",\"A\":1}", false },
        { ",\"a\":1}x", false },
        { ",\"a\":1", false },
        { ",\"a\":1}}", false },
        { ",\"a\":\"\xff\"}", false },
        { ",\"a\":\"\xc0\xaf\"}", false },
        { ",\"a\":\"\xed\xa0\x80\"}", false },
        { ",\"a\":\"\x01\"}", false },
        { ",\"a\":\"x\\q\"}", false },
        { ",\"a\":\"x}", false },
        { ",\"a\":falsey}", false },
        { ",\"a\":9007199254740992}", false },
        { ",\"a\":-9007199254740992}", false },
        { ",\"a\":12345678901234567}", false },
        { ",}", false },
        { "x}", false },
        { ",\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}", true },
        { ",\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}", false },
    };
    char head[1024], text[4096];
    size_t head_len = 0;
    record_header h = header("t");
    assert_int_equal(record_header_prefix(&h, head, sizeof head, &head_len, NULL), BILET_OK);
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        const char *tail = tails[i].text;
        record_view v;
        bilet_err full = { { 0 } }, fast = { { 0 } };
        snprintf(text, sizeof text, "%s%s", head, tail);
        bilet_status want = record_parse(text, strlen(text), &v, &full);
        record_view_free(&v);
        bilet_status got = record_check_fields(tail, strlen(tail), head_len, &fast);
        if (want != got)
            fail_msg("tail %zu (%s): parse says %d (%s), check_fields %d (%s)", i, tail, want,
                     full.msg, got, fast.msg);
        if (record_fields_plain(tail, strlen(tail)) != tails[i].plain)
            fail_msg("tail %zu (%s): the plain path says %s", i, tail,
                     tails[i].plain ? "no" : "yes");
        if (tails[i].plain && want != BILET_OK)
            fail_msg("tail %zu (%s): meant as plain and valid, but parse says %s", i, tail,
                     full.msg);
    }
}

/* As many fields as a record may have pass the plain path; one more goes to jansson, which
 * refuses it. */
static void check_fields_counts_fields_on_the_plain_path(void **state)
{
    (void)state;
    char tail[BILET_FIELDS_MAX * 16 + 16];
    size_t at = 0;
    for (int i = 0; i < BILET_FIELDS_MAX; i++)
        at += (size_t)snprintf(tail + at, sizeof tail - at, ",\"f%d\":%d", i, i);
    snprintf(tail + at, sizeof tail - at, "}");
    assert_true(record_fields_plain(tail, strlen(tail)));
    assert_int_equal(record_check_fields(tail, strlen(tail), 100, NULL), BILET_OK);
    snprintf(tail + at, sizeof tail - at, ",\"g\":1}");
    assert_false(record_fields_plain(tail, strlen(tail)));
    bilet_err err = { { 0 } };
    assert_int_equal(record_check_fields(tail, strlen(tail), 100, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "more than"));
}

static void field_find_returns_the_named_field_or_null(void **state)
{
    (void)state;
    bilet_field f[] = { bilet_field_int("a", 1), bilet_field_str("b", "x") };
    assert_ptr_equal(bilet_field_find(f, 2, "b"), &f[1]);
    assert_null(bilet_field_find(f, 2, "c"));
    assert_null(bilet_field_find(NULL, 0, "a"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(example_records_match_their_known_answers),
    cmocka_unit_test(example_record_parses_into_its_header_and_fields),
    cmocka_unit_test(build_writes_compact_json_in_fixed_key_order),
    cmocka_unit_test(build_escapes_only_what_json_requires),
    cmocka_unit_test(build_then_parse_round_trips_cyrillic_and_escapes),
    cmocka_unit_test(build_refuses_a_field_given_twice),
    cmocka_unit_test(build_refuses_a_header_name_as_field),
    cmocka_unit_test(build_refuses_invalid_utf8_naming_the_field),
    cmocka_unit_test(build_refuses_integers_beyond_53_bits_and_bad_names),
    cmocka_unit_test(parse_accepts_a_minimal_record),
    cmocka_unit_test(parse_refuses_header_keys_out_of_order),
    cmocka_unit_test(parse_refuses_a_missing_header_key),
    cmocka_unit_test(parse_refuses_bad_hex),
    cmocka_unit_test(parse_refuses_nested_values),
    cmocka_unit_test(parse_refuses_records_over_the_cap),
    cmocka_unit_test(parse_refuses_trailing_garbage),
    cmocka_unit_test(parse_refuses_duplicate_keys),
    cmocka_unit_test(parse_refuses_reals_wrong_version_and_negative_time),
    cmocka_unit_test(parse_refuses_more_fields_than_the_maximum),
    cmocka_unit_test(signature_verifies_and_fails_after_a_flipped_bit),
    cmocka_unit_test(signature_by_a_foreign_key_does_not_verify),
    cmocka_unit_test(hash_of_empty_input_is_blake2b_256),
    cmocka_unit_test(header_prefix_is_the_start_of_the_built_bytes),
    cmocka_unit_test(header_prefix_refuses_an_exam_id_that_needs_escapes),
    cmocka_unit_test(check_fields_agrees_with_a_full_parse),
    cmocka_unit_test(check_fields_counts_fields_on_the_plain_path),
    cmocka_unit_test(field_find_returns_the_named_field_or_null),
};

BILET_TEST_MAIN(tests)
