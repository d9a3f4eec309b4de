/*
 * test_sheetcode.c — blind sheet codes against vectors computed independently (Python's
 * hashlib, tests/data/record/sheetcode.vectors), trimming, and reading typed codes.
 */
#include "test_main.h"

#include "keys.h"
#include "sheetcode.h"

/* Undoes the \t, \r and \n escapes the vectors file uses to show white space. */
static void unescape(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 1 < size; i++) {
        if (in[i] == '\\' && (in[i + 1] == 't' || in[i + 1] == 'r' || in[i + 1] == 'n')) {
            out[o++] = in[i + 1] == 't' ? '\t' : in[i + 1] == 'r' ? '\r' : '\n';
            i++;
        } else {
            out[o++] = in[i];
        }
    }
    out[o] = '\0';
}

static void blind_codes_match_the_vectors_file(void **state)
{
    (void)state;
    FILE *f = fopen(BILET_TEST_DATA "/record/sheetcode.vectors", "r");
    assert_non_null(f);
    char line[1024];
    int vectors = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *save = NULL;
        char *key_hex = strtok_r(line, "\t", &save);
        char *exam = strtok_r(NULL, "\t", &save);
        char *rb_escaped = strtok_r(NULL, "\t", &save);
        char *want = strtok_r(NULL, "\t", &save);
        assert_non_null(want);
        unsigned char key[SHEETCODE_KEY_BYTES];
        char rb[256], code[SHEETCODE_SIZE];
        bilet_err err = { { 0 } };
        assert_int_equal(keys_hex_decode(key_hex, key, sizeof key, &err), BILET_OK);
        unescape(rb_escaped, rb, sizeof rb);
        assert_int_equal(sheetcode_blind(key, exam, rb, code, &err), BILET_OK);
        if (strcmp(code, want) != 0)
            fail_msg("vector %d (%s / %s): got %s, want %s", vectors + 1, exam, rb_escaped, code,
                     want);
        vectors++;
    }
    fclose(f);
    assert_true(vectors >= 6);
}

static void record_book_is_trimmed_but_not_case_folded(void **state)
{
    (void)state;
    unsigned char key[SHEETCODE_KEY_BYTES];
    char a[SHEETCODE_SIZE], b[SHEETCODE_SIZE], c[SHEETCODE_SIZE];
    bilet_err err = { { 0 } };
    memset(key, 0x5a, sizeof key);
    assert_int_equal(sheetcode_blind(key, "E1", "ГД-21-017", a, &err), BILET_OK);
    assert_int_equal(sheetcode_blind(key, "E1", " \tГД-21-017\r\n", b, &err), BILET_OK);
    assert_int_equal(sheetcode_blind(key, "E1", "гд-21-017", c, &err), BILET_OK);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
}

static void code_has_crockford_shape(void **state)
{
    (void)state;
    unsigned char key[SHEETCODE_KEY_BYTES];
    char code[SHEETCODE_SIZE];
    bilet_err err = { { 0 } };
    for (int i = 0; i < 200; i++) {
        char rb[16];
        keys_random(key, sizeof key);
        snprintf(rb, sizeof rb, "%d", i);
        assert_int_equal(sheetcode_blind(key, "E", rb, code, &err), BILET_OK);
        assert_int_equal(strlen(code), SHEETCODE_LEN);
        assert_int_equal(code[4], '-');
        for (int k = 0; k < SHEETCODE_LEN; k++)
            if (k != 4)
                assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", code[k]));
    }
}

static void empty_record_book_or_exam_is_refused(void **state)
{
    (void)state;
    unsigned char key[SHEETCODE_KEY_BYTES] = { 0 };
    char code[SHEETCODE_SIZE] = "junk";
    bilet_err err = { { 0 } };
    assert_int_equal(sheetcode_blind(key, "E1", "   ", code, &err), BILET_EINVAL);
    assert_string_equal(code, "");
    assert_non_null(strstr(err.msg, "record book"));
    assert_int_equal(sheetcode_blind(key, "", "123", code, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "exam id"));
}

static void record_book_mode_prints_the_trimmed_number(void **state)
{
    (void)state;
    char out[32];
    bilet_err err = { { 0 } };
    assert_int_equal(sheetcode_record_book("  ГД-21-017\t", out, sizeof out, &err), BILET_OK);
    assert_string_equal(out, "ГД-21-017");
    assert_int_equal(sheetcode_record_book("ГД-21-017", out, 8, &err), BILET_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(sheetcode_record_book(" ", out, sizeof out, &err), BILET_EINVAL);
}

static void normalize_reads_lowercase_and_confusable_letters(void **state)
{
    (void)state;
    char out[SHEETCODE_SIZE];
    bilet_err err = { { 0 } };
    assert_int_equal(sheetcode_normalize("k7q2-m9xd", out, &err), BILET_OK);
    assert_string_equal(out, "K7Q2-M9XD");
    assert_int_equal(sheetcode_normalize("Oil0-LIoo", out, &err), BILET_OK);
    assert_string_equal(out, "0110-1100");
}

static void normalize_accepts_a_missing_hyphen_and_white_space(void **state)
{
    (void)state;
    char out[SHEETCODE_SIZE];
    bilet_err err = { { 0 } };
    assert_int_equal(sheetcode_normalize("  4J42XCS6\n", out, &err), BILET_OK);
    assert_string_equal(out, "4J42-XCS6");
}

static void normalize_refuses_wrong_length_misplaced_hyphen_and_u(void **state)
{
    (void)state;
    char out[SHEETCODE_SIZE];
    bilet_err err = { { 0 } };
    assert_int_equal(sheetcode_normalize("4J42-XCS", out, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "7 symbols, expected 8"));
    assert_int_equal(sheetcode_normalize("4J42-XCS67", out, &err), BILET_EPARSE);
    assert_int_equal(sheetcode_normalize("4J4-2XCS6", out, &err), BILET_EPARSE);
    assert_int_equal(sheetcode_normalize("4J42-XCSU", out, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "'U'"));
    assert_int_equal(sheetcode_normalize("4J42--XCS6", out, &err), BILET_EPARSE);
    assert_int_equal(sheetcode_normalize("4Ж42-XCS6", out, &err), BILET_EPARSE);
    assert_string_equal(out, "");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(blind_codes_match_the_vectors_file),
    cmocka_unit_test(record_book_is_trimmed_but_not_case_folded),
    cmocka_unit_test(code_has_crockford_shape),
    cmocka_unit_test(empty_record_book_or_exam_is_refused),
    cmocka_unit_test(record_book_mode_prints_the_trimmed_number),
    cmocka_unit_test(normalize_reads_lowercase_and_confusable_letters),
    cmocka_unit_test(normalize_accepts_a_missing_hyphen_and_white_space),
    cmocka_unit_test(normalize_refuses_wrong_length_misplaced_hyphen_and_u),
};

BILET_TEST_MAIN(tests)
