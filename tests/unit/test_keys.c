/*
 * test_keys.c — randomness, hex, key files (mode, O_EXCL, exact length), keypairs and
 * Argon2id PIN hashes.
 */
#include "test_main.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"

/* A fresh scratch folder per test, removed with its files by teardown. */
static int make_dir(void **state)
{
    char *dir = strdup("/tmp/bilet-test-keys-XXXXXX");
    if (!dir || !mkdtemp(dir))
        return -1;
    *state = dir;
    return 0;
}

static int remove_dir(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", (char *)*state);
    int rc = system(cmd);
    free(*state);
    return rc == 0 ? 0 : -1;
}

static void path_in(char *out, size_t size, void **state, const char *name)
{
    snprintf(out, size, "%s/%s", (char *)*state, name);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void random_bytes_differ_between_calls(void **state)
{
    (void)state;
    unsigned char a[32] = { 0 }, b[32] = { 0 }, zero[32] = { 0 };
    keys_random(a, sizeof a);
    keys_random(b, sizeof b);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_memory_not_equal(a, b, sizeof a);
}

static void uniform_stays_below_its_bound_and_reaches_every_value(void **state)
{
    (void)state;
    int seen[7] = { 0 };
    for (int i = 0; i < 2000; i++) {
        uint32_t v = keys_uniform(7);
        assert_true(v < 7);
        seen[v]++;
    }
    for (int i = 0; i < 7; i++)
        assert_true(seen[i] > 0);
    assert_int_equal(keys_uniform(1), 0);
    assert_int_equal(keys_uniform(0), 0);
}

static void hex_round_trip_keeps_the_bytes(void **state)
{
    (void)state;
    unsigned char in[5] = { 0x00, 0x9f, 0xa0, 0xff, 0x12 }, out[5];
    char hex[11];
    bilet_err err = { { 0 } };
    assert_int_equal(keys_hex_encode(in, 5, hex, sizeof hex, &err), BILET_OK);
    assert_string_equal(hex, "009fa0ff12");
    assert_int_equal(keys_hex_decode("009FA0ff12", out, 5, &err), BILET_OK);
    assert_memory_equal(in, out, 5);
    assert_int_equal(keys_hex_encode(in, 5, hex, 10, &err), BILET_EINVAL);
}

static void hex_decode_refuses_wrong_length_and_non_hex(void **state)
{
    (void)state;
    unsigned char out[2] = { 1, 1 };
    bilet_err err = { { 0 } };
    assert_int_equal(keys_hex_decode("abc", out, 2, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "3 hex digits, expected 4"));
    assert_int_equal(keys_hex_decode("ab-c", out, 2, &err), BILET_EPARSE);
    assert_int_equal(out[0], 0);
}

static void key_file_is_created_0600_as_one_hex_line(void **state)
{
    char path[512], line[128];
    unsigned char key[32];
    struct stat sb;
    bilet_err err = { { 0 } };
    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)(0xe0 + i % 16);
    path_in(path, sizeof path, state, "code.key");
    mode_t old = umask(0);
    bilet_status st = keys_file_write_hex(path, key, sizeof key, &err);
    umask(old);
    assert_int_equal(st, BILET_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sb.st_size, 65);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "e0e1e2e3e4e5e6e7e8e9eaebecedeeefe0e1e2e3e4e5e6e7e8e9eaebecedeeef\n");
}

static void key_file_write_refuses_an_existing_file_and_leaves_it(void **state)
{
    char path[512];
    unsigned char key[32] = { 7 };
    bilet_err err = { { 0 } };
    path_in(path, sizeof path, state, "code.key");
    write_text(path, "precious\n");
    assert_int_equal(keys_file_write_hex(path, key, sizeof key, &err), BILET_EEXIST);
    assert_non_null(strstr(err.msg, "code.key"));
    FILE *f = fopen(path, "r");
    char line[32];
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "precious\n");
}

static void key_file_of_wrong_length_is_refused_naming_file_and_length(void **state)
{
    char path[512];
    unsigned char key[32];
    bilet_err err = { { 0 } };
    path_in(path, sizeof path, state, "kiosk.pub");
    write_text(path, "abcdef\n");
    assert_int_equal(keys_file_read_hex(path, key, sizeof key, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.pub"));
    assert_non_null(strstr(err.msg, "6 hex digits, expected 64"));
    write_text(path, "00000000000000000000000000000000000000000000000000000000000000000000\n");
    assert_int_equal(keys_file_read_hex(path, key, sizeof key, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.pub"));
}

static void key_file_with_non_hex_is_refused_and_key_zeroed(void **state)
{
    char path[512];
    unsigned char key[32], zero[32] = { 0 };
    bilet_err err = { { 0 } };
    memset(key, 0xaa, sizeof key);
    path_in(path, sizeof path, state, "kiosk.pub");
    write_text(path, "0000000000000000000000000000000000000000000000000000000000000g00\n");
    assert_int_equal(keys_file_read_hex(path, key, sizeof key, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "not hex at character 62"));
    assert_memory_equal(key, zero, sizeof key);
}

static void key_file_read_accepts_crlf_and_no_newline(void **state)
{
    char path[512];
    unsigned char key[2];
    bilet_err err = { { 0 } };
    path_in(path, sizeof path, state, "k");
    write_text(path, "beef\r\n");
    assert_int_equal(keys_file_read_hex(path, key, sizeof key, &err), BILET_OK);
    assert_int_equal(key[0], 0xbe);
    write_text(path, "beef");
    assert_int_equal(keys_file_read_hex(path, key, sizeof key, &err), BILET_OK);
    path_in(path, sizeof path, state, "missing");
    assert_int_equal(keys_file_read_hex(path, key, sizeof key, &err), BILET_ENOTFOUND);
    assert_non_null(strstr(err.msg, "missing"));
}

static void generated_pair_has_modes_0600_0644_and_loads_back(void **state)
{
    char path[512];
    unsigned char pk[KEYS_PUBLIC_BYTES];
    struct stat sb;
    keys_pair *kp = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(keys_generate_pair(*state, pk, &err), BILET_OK);
    path_in(path, sizeof path, state, KEYS_SECRET_FILE);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sb.st_size, 129);
    path_in(path, sizeof path, state, KEYS_PUBLIC_FILE);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(keys_pair_load(*state, &kp, &err), BILET_OK);
    assert_memory_equal(kp->pk, pk, sizeof pk);
    keys_pair_destroy(kp);
    assert_int_equal(keys_generate_pair(*state, NULL, &err), BILET_EEXIST);
}

static void pair_whose_halves_differ_is_refused(void **state)
{
    char path[512];
    keys_pair *kp = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(keys_generate_pair(*state, NULL, &err), BILET_OK);
    path_in(path, sizeof path, state, KEYS_PUBLIC_FILE);
    unlink(path);
    write_text(path, "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\n");
    assert_int_equal(keys_pair_load(*state, &kp, &err), BILET_ECORRUPT);
    assert_null(kp);
    assert_non_null(strstr(err.msg, "do not belong together"));
}

static void seeded_pair_is_reproducible(void **state)
{
    (void)state;
    unsigned char seed[KEYS_SEED_BYTES];
    keys_pair *a = NULL, *b = NULL;
    bilet_err err = { { 0 } };
    memset(seed, 0x42, sizeof seed);
    assert_int_equal(keys_pair_from_seed(seed, &a, &err), BILET_OK);
    assert_int_equal(keys_pair_from_seed(seed, &b, &err), BILET_OK);
    assert_memory_equal(a->pk, b->pk, KEYS_PUBLIC_BYTES);
    assert_memory_equal(a->sk, b->sk, KEYS_SECRET_BYTES);
    keys_pair_destroy(a);
    keys_pair_destroy(b);
    keys_pair_destroy(NULL);
}

static void pin_hash_verifies_the_pin_and_no_other(void **state)
{
    (void)state;
    char hash[KEYS_PWHASH_STR_MAX];
    bilet_err err = { { 0 } };
    assert_int_equal(keys_pwhash_str("1379", 4, hash, &err), BILET_OK);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_non_null(strstr(hash, "m=65536,t=2,p=1"));
    assert_true(keys_pwhash_verify(hash, "1379", 4));
    assert_false(keys_pwhash_verify(hash, "1378", 4));
    assert_false(keys_pwhash_verify(hash, "13790", 5));
    assert_false(keys_pwhash_verify("$argon2id$garbage", "1379", 4));
}

static void wipe_zeroes_and_equal_compares(void **state)
{
    (void)state;
    unsigned char a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, zero[8] = { 0 };
    assert_false(keys_equal(a, zero, sizeof a));
    keys_wipe(a, sizeof a);
    assert_true(keys_equal(a, zero, sizeof a));
    keys_wipe(NULL, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(random_bytes_differ_between_calls),
    cmocka_unit_test(uniform_stays_below_its_bound_and_reaches_every_value),
    cmocka_unit_test(hex_round_trip_keeps_the_bytes),
    cmocka_unit_test(hex_decode_refuses_wrong_length_and_non_hex),
    cmocka_unit_test_setup_teardown(key_file_is_created_0600_as_one_hex_line, make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(key_file_write_refuses_an_existing_file_and_leaves_it, make_dir,
                                    remove_dir),
    cmocka_unit_test_setup_teardown(key_file_of_wrong_length_is_refused_naming_file_and_length,
                                    make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(key_file_with_non_hex_is_refused_and_key_zeroed, make_dir,
                                    remove_dir),
    cmocka_unit_test_setup_teardown(key_file_read_accepts_crlf_and_no_newline, make_dir,
                                    remove_dir),
    cmocka_unit_test_setup_teardown(generated_pair_has_modes_0600_0644_and_loads_back, make_dir,
                                    remove_dir),
    cmocka_unit_test_setup_teardown(pair_whose_halves_differ_is_refused, make_dir, remove_dir),
    cmocka_unit_test(seeded_pair_is_reproducible),
    cmocka_unit_test(pin_hash_verifies_the_pin_and_no_other),
    cmocka_unit_test(wipe_zeroes_and_equal_compares),
};

BILET_TEST_MAIN(tests)
