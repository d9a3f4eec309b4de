/*
 * test_paper_payload.c — the signed QR payload (sync/paper/payload.c): known answers computed
 * independently (tests/paper/payload_vectors.py → tests/data/paper/payload.vectors), round
 * trips, tampering, unknown keys and hostile text.
 */
#include "test_main.h"

#include <stdlib.h>
#include <unistd.h>

#include "keys.h"
#include "payload.h"

static keys_pair *example_pair(void)
{
    FILE *f = fopen(BILET_TEST_DATA "/record/example.seed", "r");
    assert_non_null(f);
    char hex[80] = { 0 };
    assert_non_null(fgets(hex, sizeof hex, f));
    fclose(f);
    hex[strcspn(hex, "\r\n")] = '\0';
    unsigned char seed[KEYS_SEED_BYTES];
    bilet_err err = { { 0 } };
    assert_int_equal(keys_hex_decode(hex, seed, sizeof seed, &err), BILET_OK);
    keys_pair *kp = NULL;
    assert_int_equal(keys_pair_from_seed(seed, &kp, &err), BILET_OK);
    return kp;
}

static void trust_pair(payload_trust *t, const keys_pair *kp)
{
    bilet_err err = { { 0 } };
    memset(t, 0, sizeof *t);
    assert_int_equal(payload_trust_add(t, kp->pk, &err), BILET_OK);
}

/* Undoes the \t and \\ escapes of the vectors file. */
static void unescape(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 1 < size; i++) {
        if (in[i] == '\\' && (in[i + 1] == 't' || in[i + 1] == '\\')) {
            out[o++] = in[i + 1] == 't' ? '\t' : '\\';
            i++;
        } else {
            out[o++] = in[i];
        }
    }
    out[o] = '\0';
}

static void payloads_match_the_vectors_file(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    payload_trust t;
    trust_pair(&t, kp);
    FILE *f = fopen(BILET_TEST_DATA "/paper/payload.vectors", "r");
    assert_non_null(f);
    char line[2048];
    int vectors = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *save = NULL;
        char *exam_e = strtok_r(line, "\t", &save);
        char *code_e = strtok_r(NULL, "\t", &save);
        char *page = strtok_r(NULL, "\t", &save);
        char *pages = strtok_r(NULL, "\t", &save);
        char *want = strtok_r(NULL, "\t", &save);
        assert_non_null(want);
        char exam[128], code[128], got[PAYLOAD_TEXT_MAX];
        unescape(exam_e, exam, sizeof exam);
        unescape(code_e, code, sizeof code);
        bilet_err err = { { 0 } };
        size_t len = 0;
        assert_int_equal(payload_format(kp, exam, code, (int)strtol(page, NULL, 10),
                                        (int)strtol(pages, NULL, 10), got, &len, &err),
                         BILET_OK);
        if (strcmp(got, want) != 0)
            fail_msg("vector %d: got %s, want %s", vectors + 1, got, want);
        assert_int_equal(len, strlen(want));
        payload p;
        assert_int_equal(payload_verify(&t, want, strlen(want), &p, &err), BILET_OK);
        assert_string_equal(p.exam, exam);
        assert_string_equal(p.code, code);
        vectors++;
    }
    fclose(f);
    assert_int_equal(vectors, 4);
    keys_pair_destroy(kp);
}

static void formatted_payload_parses_back_to_its_fields(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    char text[PAYLOAD_TEXT_MAX];
    bilet_err err = { { 0 } };
    size_t len;
    assert_int_equal(payload_format(kp, "2026-12-GD-101", "4J42-XCS6", 2, 3, text, &len, &err),
                     BILET_OK);
    payload p;
    assert_int_equal(payload_parse(text, len, &p, &err), BILET_OK);
    assert_string_equal(p.exam, "2026-12-GD-101");
    assert_string_equal(p.code, "4J42-XCS6");
    assert_int_equal(p.page, 2);
    assert_int_equal(p.pages, 3);
    assert_string_equal(p.key_id, "79b5562e8fe654f9");
    assert_int_equal(p.signed_len, len - PAYLOAD_SIG_LEN - 1);
    keys_pair_destroy(kp);
}

static void any_changed_byte_fails_verification(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    payload_trust t;
    trust_pair(&t, kp);
    char text[PAYLOAD_TEXT_MAX];
    bilet_err err = { { 0 } };
    size_t len;
    assert_int_equal(payload_format(kp, "ГД:2026", "4J42-XCS6", 1, 2, text, &len, &err), BILET_OK);
    const char *key_id = strstr(text, ":79B5562E8FE654F9:");
    assert_non_null(key_id);
    size_t id_from = (size_t)(key_id - text) + 1, id_to = id_from + PAYLOAD_KEYID_LEN;
    static const char replacements[] = { '0', '1', 'A', 'Z', 'a', ':', '%', '/', ' ', '\x7f' };
    int tried = 0;
    for (size_t i = 0; i < len; i++) {
        for (size_t r = 0; r < sizeof replacements; r++) {
            char copy[PAYLOAD_TEXT_MAX];
            memcpy(copy, text, len + 1);
            if (copy[i] == replacements[r])
                continue;
            copy[i] = replacements[r];
            payload p;
            bilet_status st = payload_verify(&t, copy, len, &p, &err);
            if (st == BILET_OK)
                fail_msg("byte %zu changed to 0x%02x still verifies", i,
                         (unsigned char)replacements[r]);
            /* A changed key id that is still hex names another key; anything else is bad. */
            bool in_id = i >= id_from && i < id_to;
            if (!(st == BILET_EBADSIG || st == BILET_EPARSE || (in_id && st == BILET_ENOTFOUND)))
                fail_msg("byte %zu: status %s", i, bilet_status_name(st));
            tried++;
        }
    }
    assert_true(tried > 1000);
    keys_pair_destroy(kp);
}

static void payload_of_an_untrusted_key_is_unknown_key(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    keys_pair *other = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(keys_pair_random(&other, &err), BILET_OK);
    payload_trust t;
    trust_pair(&t, other);
    char text[PAYLOAD_TEXT_MAX];
    size_t len;
    assert_int_equal(payload_format(kp, "E1", "4J42-XCS6", 1, 1, text, &len, &err), BILET_OK);
    payload p;
    assert_int_equal(payload_verify(&t, text, len, &p, &err), BILET_ENOTFOUND);
    assert_string_equal(p.code, "4J42-XCS6");
    assert_non_null(strstr(err.msg, "79b5562e8fe654f9"));
    payload_trust none = { 0 };
    assert_int_equal(payload_verify(&none, text, len, &p, &err), BILET_ENOTFOUND);
    keys_pair_destroy(other);
    keys_pair_destroy(kp);
}

static void signature_by_another_key_with_the_same_id_is_bad(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    keys_pair *other = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(keys_pair_random(&other, &err), BILET_OK);
    /* A forger who knows the key id signs with his own key. */
    char text[PAYLOAD_TEXT_MAX], forged[PAYLOAD_TEXT_MAX];
    size_t len, flen;
    assert_int_equal(payload_format(kp, "E1", "4J42-XCS6", 1, 1, text, &len, &err), BILET_OK);
    assert_int_equal(payload_format(other, "E1", "4J42-XCS6", 1, 1, forged, &flen, &err), BILET_OK);
    memcpy(forged + flen - PAYLOAD_SIG_LEN - 1 - PAYLOAD_KEYID_LEN,
           text + len - PAYLOAD_SIG_LEN - 1 - PAYLOAD_KEYID_LEN, PAYLOAD_KEYID_LEN);
    payload_trust t;
    trust_pair(&t, kp);
    payload p;
    assert_int_equal(payload_verify(&t, forged, flen, &p, &err), BILET_EBADSIG);
    keys_pair_destroy(other);
    keys_pair_destroy(kp);
}

static void overlong_payload_is_refused_before_parsing(void **state)
{
    (void)state;
    char big[PAYLOAD_TEXT_MAX + 10];
    memset(big, 'A', sizeof big);
    memcpy(big, PAYLOAD_PREFIX, strlen(PAYLOAD_PREFIX));
    payload p;
    bilet_err err = { { 0 } };
    assert_int_equal(payload_parse(big, sizeof big, &p, &err), BILET_ETOOBIG);
    assert_int_equal(p.page, 0);
}

static void malformed_payloads_are_refused_with_a_reason(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    char good[PAYLOAD_TEXT_MAX];
    bilet_err err = { { 0 } };
    size_t len;
    assert_int_equal(payload_format(kp, "E1", "4J42-XCS6", 1, 2, good, &len, &err), BILET_OK);
    const char *sig = good + len - PAYLOAD_SIG_LEN;
    const char *keyid = "79B5562E8FE654F9";
    char bad[12][PAYLOAD_TEXT_MAX];
    snprintf(bad[0], PAYLOAD_TEXT_MAX, "BILET2:E1:4J42-XCS6:1/2:%s:%s", keyid, sig);
    snprintf(bad[1], PAYLOAD_TEXT_MAX, "BILET1:E1:4J42-XCS6:0/2:%s:%s", keyid, sig);
    snprintf(bad[2], PAYLOAD_TEXT_MAX, "BILET1:E1:4J42-XCS6:3/2:%s:%s", keyid, sig);
    snprintf(bad[3], PAYLOAD_TEXT_MAX, "BILET1:E1:4J42-XCS6:01/2:%s:%s", keyid, sig);
    snprintf(bad[4], PAYLOAD_TEXT_MAX, "BILET1:E1:4J42-XCS6:1/1000:%s:%s", keyid, sig);
    snprintf(bad[5], PAYLOAD_TEXT_MAX, "BILET1:%%45%%31:4J42-XCS6:1/2:%s:%s", keyid, sig);
    snprintf(bad[6], PAYLOAD_TEXT_MAX, "BILET1::4J42-XCS6:1/2:%s:%s", keyid, sig);
    snprintf(bad[7], PAYLOAD_TEXT_MAX, "BILET1:E1:4J42-XCS6:1/2:79b5562e8fe654f9:%s", sig);
    snprintf(bad[8], PAYLOAD_TEXT_MAX, "BILET1:E1:4J42-XCS6:1/2:%s:%.102s", keyid, sig);
    snprintf(bad[9], PAYLOAD_TEXT_MAX, "BILET1:E1:4J42-XCS6:1/2:%s:%s:", keyid, sig);
    snprintf(bad[10], PAYLOAD_TEXT_MAX, "BILET1:E\xff:4J42-XCS6:1/2:%s:%s", keyid, sig);
    snprintf(bad[11], PAYLOAD_TEXT_MAX, "BILET1:E%%3:4J42-XCS6:1/2:%s:%s", keyid, sig);
    for (size_t i = 0; i < 12; i++) {
        payload p;
        err.msg[0] = '\0';
        if (payload_parse(bad[i], strlen(bad[i]), &p, &err) != BILET_EPARSE)
            fail_msg("case %zu parsed: %s", i, bad[i]);
        assert_non_null(strstr(err.msg, "QR payload"));
        assert_int_equal(p.pages, 0);
    }
    keys_pair_destroy(kp);
}

static void lower_case_signature_symbols_are_refused(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    char text[PAYLOAD_TEXT_MAX];
    bilet_err err = { { 0 } };
    size_t len;
    assert_int_equal(payload_format(kp, "E1", "4J42-XCS6", 1, 2, text, &len, &err), BILET_OK);
    for (size_t i = len - PAYLOAD_SIG_LEN; i < len; i++)
        if (text[i] >= 'A' && text[i] <= 'Z') {
            text[i] = (char)(text[i] - 'A' + 'a');
            break;
        }
    payload p;
    assert_int_equal(payload_parse(text, len, &p, &err), BILET_EPARSE);
    keys_pair_destroy(kp);
}

static void format_refuses_fields_no_payload_can_carry(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    char text[PAYLOAD_TEXT_MAX], long_id[80];
    bilet_err err = { { 0 } };
    memset(long_id, 'X', 64);
    long_id[64] = '\0';
    assert_int_equal(payload_format(kp, "", "C", 1, 1, text, NULL, &err), BILET_EINVAL);
    assert_string_equal(text, "");
    assert_int_equal(payload_format(kp, long_id, "C", 1, 1, text, NULL, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "exam id"));
    assert_int_equal(payload_format(kp, "E", "\xc3", 1, 1, text, NULL, &err), BILET_EINVAL);
    assert_int_equal(payload_format(kp, "E", "C", 2, 1, text, NULL, &err), BILET_EINVAL);
    assert_int_equal(payload_format(kp, "E", "C", 1, 1000, text, NULL, &err), BILET_EINVAL);
    long_id[63] = '\0'; /* 63 bytes, all of them escaped, still fit */
    memset(long_id, ':', 63);
    assert_int_equal(payload_format(kp, long_id, long_id, 999, 999, text, NULL, &err), BILET_OK);
    payload p;
    payload_trust t;
    trust_pair(&t, kp);
    assert_int_equal(payload_verify(&t, text, strlen(text), &p, &err), BILET_OK);
    assert_string_equal(p.exam, long_id);
    keys_pair_destroy(kp);
}

static void only_texts_beginning_with_bilet_count_as_payloads(void **state)
{
    (void)state;
    assert_true(payload_is_bilet("BILET1:x", 8));
    assert_true(payload_is_bilet("BILET9", 6));
    assert_false(payload_is_bilet("https://example.org", 19));
    assert_false(payload_is_bilet("BIL", 3));
}

static void trust_file_that_is_not_a_key_is_named(void **state)
{
    (void)state;
    char path[] = "/tmp/bilet-paper-trust-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not a key\n", 10), 10);
    close(fd);
    payload_trust t = { 0 };
    bilet_err err = { { 0 } };
    assert_int_not_equal(payload_trust_add_file(&t, path, &err), BILET_OK);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(t.n, 0);
    unlink(path);
    assert_int_equal(payload_trust_add_file(&t, BILET_TEST_DATA "/record/example.pub", &err),
                     BILET_OK);
    assert_int_equal(payload_trust_add_file(&t, BILET_TEST_DATA "/record/example.pub", &err),
                     BILET_OK);
    assert_int_equal(t.n, 1);
    assert_string_equal(t.id[0], "79b5562e8fe654f9");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(payloads_match_the_vectors_file),
    cmocka_unit_test(formatted_payload_parses_back_to_its_fields),
    cmocka_unit_test(any_changed_byte_fails_verification),
    cmocka_unit_test(payload_of_an_untrusted_key_is_unknown_key),
    cmocka_unit_test(signature_by_another_key_with_the_same_id_is_bad),
    cmocka_unit_test(overlong_payload_is_refused_before_parsing),
    cmocka_unit_test(malformed_payloads_are_refused_with_a_reason),
    cmocka_unit_test(lower_case_signature_symbols_are_refused),
    cmocka_unit_test(format_refuses_fields_no_payload_can_carry),
    cmocka_unit_test(only_texts_beginning_with_bilet_count_as_payloads),
    cmocka_unit_test(trust_file_that_is_not_a_key_is_named),
};
BILET_TEST_MAIN(tests)
