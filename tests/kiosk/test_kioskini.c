/*
 * test_kioskini.c — kiosk.ini (kiosk/examdir/kioskini.h): what a terminal's settings file
 * becomes, and that every mistake in it is refused naming the file, the line and the field.
 * Each case writes its kiosk.ini into a scratch folder.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kioskini.h"
#include "test_main.h"

#define PIN_HASH                                                                                   \
    "$argon2id$v=19$m=65536,t=2,p=1$4L703b3HWNPTTHK2MPl+2Q$s1Qkjh97w49jxHgwr4Wbybd7Edp6lLdxTJzfl7" \
    "sk7Ho"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/bilet-kioskini-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/kiosk.ini", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_ini(const fixture *f, const char *text)
{
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static bilet_status load(const fixture *f, const char *text, kiosk_config *cfg, bilet_err *err)
{
    write_ini(f, text);
    return kioskini_load(f->path, cfg, err);
}

static void demo_kiosk_ini_loads_with_paths_next_to_it(void **state)
{
    (void)state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(kioskini_load(BILET_SOURCE_DIR "/config/kiosk.ini", &cfg, &err), BILET_OK);
    assert_string_equal(cfg.name, "ауд. 214, место 3");
    assert_string_equal(cfg.data, BILET_SOURCE_DIR "/config/demo-data");
    assert_string_equal(cfg.policies, BILET_SOURCE_DIR "/config/policies");
    assert_string_equal(cfg.pin_hash, PIN_HASH);
    assert_string_equal(cfg.lang, "ru");
    assert_string_equal(cfg.central, "");
    assert_string_equal(cfg.trust, "");
}

static void absolute_paths_are_kept(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f,
                          "[kiosk]\npin_hash = " PIN_HASH "\ndata = /var/lib/bilet\n"
                          "trust = /etc/bilet/staff.pub ; keys\nlang = kk\n",
                          &cfg, &err),
                     BILET_OK);
    assert_string_equal(cfg.data, "/var/lib/bilet");
    assert_string_equal(cfg.trust, "/etc/bilet/staff.pub");
    assert_string_equal(cfg.lang, "kk");
}

static void trust_takes_several_keys_separated_by_commas(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f,
                          "[kiosk]\npin_hash = " PIN_HASH "\n"
                          "trust = /etc/bilet/staff.pub, keys/deanery.pub ,\n",
                          &cfg, &err),
                     BILET_OK);
    assert_int_equal(cfg.n_trust, 2);
    assert_string_equal(cfg.trust_list[0], "/etc/bilet/staff.pub");
    assert_non_null(strstr(cfg.trust_list[1], "/keys/deanery.pub")); /* next to kiosk.ini */
    assert_string_equal(cfg.trust, "/etc/bilet/staff.pub");
    assert_int_equal(load(f,
                          "[kiosk]\npin_hash = " PIN_HASH "\n"
                          "trust = a,b,c,d,e,f,g,h,i\n",
                          &cfg, &err),
                     BILET_EPARSE);
    assert_non_null(strstr(err.msg, "more than 8 keys"));
}

static void unknown_key_is_refused_naming_its_line(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f, "[kiosk]\npin_hash = " PIN_HASH "\n\nscreen = 2\n", &cfg, &err),
                     BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.ini:4:"));
    assert_non_null(strstr(err.msg, "unknown field screen"));
    assert_string_equal(cfg.pin_hash, "");
}

static void missing_pin_hash_is_refused(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f, "[kiosk]\nname = место 1\n", &cfg, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.ini"));
    assert_non_null(strstr(err.msg, "pin_hash is missing"));
    assert_string_equal(cfg.name, "");
}

static void pin_hash_that_is_no_argon2id_hash_is_refused(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f, "[kiosk]\npin_hash = 1379\n", &cfg, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.ini:2: field pin_hash"));
}

static void key_given_twice_is_refused(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f, "[kiosk]\npin_hash = " PIN_HASH "\ndata = a\ndata = b\n", &cfg, &err),
                     BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.ini:4: field data: given twice (first on line 3)"));
}

static void unknown_language_is_refused(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f, "[kiosk]\npin_hash = " PIN_HASH "\nlang = de\n", &cfg, &err),
                     BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.ini:3: field lang"));
}

static void other_section_is_refused(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(load(f, "[kiosk]\npin_hash = " PIN_HASH "\n[exam]\nid = x\n", &cfg, &err),
                     BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.ini:3: unknown section [exam]"));
}

static void line_longer_than_inih_reads_is_refused(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    char text[512];
    char name[240];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(text, sizeof text, "[kiosk]\npin_hash = " PIN_HASH "\nname = %s\n", name);
    assert_int_equal(load(f, text, &cfg, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "kiosk.ini:3: line is"));
}

static void missing_file_is_not_found(void **state)
{
    fixture *f = *state;
    static kiosk_config cfg;
    bilet_err err = { { 0 } };
    assert_int_equal(kioskini_load(f->path, &cfg, &err), BILET_ENOTFOUND);
    assert_non_null(strstr(err.msg, "kiosk.ini"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(demo_kiosk_ini_loads_with_paths_next_to_it),
    cmocka_unit_test_setup_teardown(absolute_paths_are_kept, setup, teardown),
    cmocka_unit_test_setup_teardown(trust_takes_several_keys_separated_by_commas, setup, teardown),
    cmocka_unit_test_setup_teardown(unknown_key_is_refused_naming_its_line, setup, teardown),
    cmocka_unit_test_setup_teardown(missing_pin_hash_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(pin_hash_that_is_no_argon2id_hash_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(key_given_twice_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(unknown_language_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(other_section_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(line_longer_than_inih_reads_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(missing_file_is_not_found, setup, teardown),
};

BILET_TEST_MAIN(tests)
