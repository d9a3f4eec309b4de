/*
 * test_secret_keys.c — the one check every secret key file passes through
 * (keys_secret_file_read_hex, docs/threat-model.md): a file group or others may access is
 * refused as bad input with the fix named, and nothing of it is handed back; an owner-only
 * file reads; a public key file stays readable by anyone through keys_file_read_hex.
 */
#include "test_main.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"

static int make_dir(void **state)
{
    char *dir = strdup("/tmp/bilet-test-secret-XXXXXX");
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

/* Writes a 32-byte key of 0x5a bytes as hex to DIR/name with the given mode. */
static void key_file(void **state, const char *name, mode_t mode, char *path, size_t size)
{
    unsigned char key[32];
    memset(key, 0x5a, sizeof key);
    snprintf(path, size, "%s/%s", (char *)*state, name);
    assert_int_equal(keys_file_write_hex_mode(path, key, sizeof key, 0600, NULL), BILET_OK);
    assert_int_equal(chmod(path, mode), 0);
}

static void a_secret_others_may_read_is_refused_and_nothing_is_read(void **state)
{
    static const mode_t modes[] = { 0640, 0604, 0620, 0602, 0610, 0601, 0644, 0666 };
    char path[512];
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "k%zu.key", i);
        key_file(state, name, modes[i], path, sizeof path);
        unsigned char key[32];
        memset(key, 0xee, sizeof key);
        bilet_err err = { { 0 } };
        assert_int_equal(keys_secret_file_read_hex(path, key, sizeof key, &err), BILET_EINVAL);
        unsigned char zero[32] = { 0 };
        assert_memory_equal(key, zero, sizeof key);
        assert_non_null(strstr(err.msg, path));
        assert_non_null(strstr(err.msg, "chmod 600"));
        char mode[8];
        snprintf(mode, sizeof mode, "%03o", (unsigned)modes[i]);
        assert_non_null(strstr(err.msg, mode));
        assert_int_equal(bilet_status_exit_code(BILET_EINVAL), 2);
    }
}

static void an_owner_only_secret_reads(void **state)
{
    static const mode_t modes[] = { 0600, 0400, 0700 };
    char path[512];
    unsigned char want[32];
    memset(want, 0x5a, sizeof want);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "ok%zu.key", i);
        key_file(state, name, modes[i], path, sizeof path);
        unsigned char key[32] = { 0 };
        bilet_err err = { { 0 } };
        assert_int_equal(keys_secret_file_read_hex(path, key, sizeof key, &err), BILET_OK);
        assert_memory_equal(key, want, sizeof key);
    }
}

static void a_public_key_file_may_be_read_by_anyone(void **state)
{
    char path[512];
    key_file(state, "kiosk.pub", 0644, path, sizeof path);
    unsigned char key[32] = { 0 };
    assert_int_equal(keys_file_read_hex(path, key, sizeof key, NULL), BILET_OK);
}

static void a_keypair_with_a_readable_secret_does_not_load(void **state)
{
    const char *dir = *state;
    char path[512];
    assert_int_equal(keys_generate_pair(dir, NULL, NULL), BILET_OK);
    snprintf(path, sizeof path, "%s/%s", dir, KEYS_SECRET_FILE);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(chmod(path, 0640), 0);
    keys_pair *kp = (keys_pair *)1;
    bilet_err err = { { 0 } };
    assert_int_equal(keys_pair_load(dir, &kp, &err), BILET_EINVAL);
    assert_null(kp);
    assert_non_null(strstr(err.msg, "kiosk.key"));
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(keys_pair_load(dir, &kp, &err), BILET_OK);
    keys_pair_destroy(kp);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(a_secret_others_may_read_is_refused_and_nothing_is_read,
                                    make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(an_owner_only_secret_reads, make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(a_public_key_file_may_be_read_by_anyone, make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(a_keypair_with_a_readable_secret_does_not_load, make_dir,
                                    remove_dir),
};

BILET_TEST_MAIN(tests)
