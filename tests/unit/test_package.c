/*
 * test_package.c — sealed exam packages (sync/record/package.c, docs/package.md): a round
 * trip with the demo exam's real files, an altered byte anywhere refused, a wrong or
 * untrusted key refused, a wrong passphrase refused, the caps, the central copy; the
 * loading of a package's files from memory (kiosk/examdir) and the passphrase lockout's
 * delays (kiosk/core/session.c).
 */
#include "test_main.h"

#include <stdlib.h>
#include <unistd.h>

#include "examdir.h"
#include "package.h"
#include "session.h"

static const char pass[] = "горные породы 2026";

typedef struct fixture {
    char *ini, *roster, *tickets;
    size_t ini_len, roster_len, tickets_len;
    unsigned char code_key[PACKAGE_CODE_KEY_BYTES];
    keys_pair *staff, *central;
    char *pkg;
    size_t pkg_len;
} fixture;

static char *read_file(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/config/demo/%s", BILET_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *b = malloc(1 << 20);
    assert_non_null(b);
    *len = fread(b, 1, (1 << 20) - 1, f);
    b[*len] = '\0';
    fclose(f);
    return b;
}

static package_input input_of(fixture *fx)
{
    package_input in = {
        .exam_id = "2026-12-GD-101",
        .n_tickets = 27,
        .exam_ini = fx->ini,
        .exam_ini_len = fx->ini_len,
        .roster = fx->roster,
        .roster_len = fx->roster_len,
        .tickets = fx->tickets,
        .tickets_len = fx->tickets_len,
        .code_key = fx->code_key,
        .central_pk = fx->central->pk,
        .created = 1797750000,
        .ops = 1,
        .mem = 8192, /* the least Argon2id allows: the tests stay fast */
    };
    return in;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    fx->ini = read_file("exam.ini", &fx->ini_len);
    fx->roster = read_file("roster.csv", &fx->roster_len);
    fx->tickets = read_file("tickets.csv", &fx->tickets_len);
    keys_random(fx->code_key, sizeof fx->code_key);
    if (keys_pair_random(&fx->staff, NULL) != BILET_OK ||
        keys_pair_random(&fx->central, NULL) != BILET_OK)
        return -1;
    package_input in = input_of(fx);
    bilet_err err = { { 0 } };
    if (package_create(&in, fx->staff, pass, strlen(pass), &fx->pkg, &fx->pkg_len, &err) !=
        BILET_OK) {
        fprintf(stderr, "package_create: %s\n", err.msg);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    free(fx->ini);
    free(fx->roster);
    free(fx->tickets);
    free(fx->pkg);
    keys_pair_destroy(fx->staff);
    keys_pair_destroy(fx->central);
    free(fx);
    return 0;
}

static void round_trip_gives_back_the_files_and_the_secret(void **state)
{
    fixture *fx = *state;
    package p;
    bilet_err err = { { 0 } };
    assert_int_equal(package_parse("demo.bilet", fx->pkg, fx->pkg_len, &p, &err), BILET_OK);
    assert_true(package_signed_by(&p, fx->staff->pk));
    assert_string_equal(p.exam_id, "2026-12-GD-101");
    assert_int_equal(p.n_tickets, 27);
    assert_true(p.has_code_key);
    assert_int_equal(p.created, 1797750000);
    assert_int_equal(p.exam_ini_len, fx->ini_len);
    assert_memory_equal(p.exam_ini, fx->ini, fx->ini_len);
    assert_int_equal(p.roster_len, fx->roster_len);
    assert_memory_equal(p.roster, fx->roster, fx->roster_len);
    package_secret sec;
    assert_int_equal(package_unseal(&p, pass, strlen(pass), &sec, &err), BILET_OK);
    assert_int_equal(sec.tickets_len, fx->tickets_len);
    assert_memory_equal(sec.tickets, fx->tickets, fx->tickets_len);
    assert_true(sec.has_code_key);
    assert_memory_equal(sec.code_key, fx->code_key, sizeof fx->code_key);
    package_secret_free(&sec);
    assert_null(sec.tickets);
    package_free(&p);
}

static void no_ticket_text_is_in_the_package(void **state)
{
    fixture *fx = *state;
    /* Every ticket's first line of text (after "N;kind;") is absent from the bytes. */
    const char *line = fx->tickets;
    int checked = 0;
    while ((line = strchr(line, '\n')) != NULL) {
        line++;
        const char *a = strchr(line, ';');
        const char *b = a ? strchr(a + 1, ';') : NULL;
        const char *end = b ? strpbrk(b + 1, "\r\n\"") : NULL;
        if (!b || !end || end - (b + 1) < 12)
            continue;
        char q[256];
        size_t n = (size_t)(end - (b + 1)) < sizeof q - 1 ? (size_t)(end - (b + 1)) : sizeof q - 1;
        memcpy(q, b + 1, n);
        q[n] = '\0';
        assert_null(strstr(fx->pkg, q));
        assert_non_null(strstr(fx->tickets, q)); /* the search itself works */
        checked++;
    }
    assert_true(checked > 20);
}

static void an_altered_byte_anywhere_is_refused(void **state)
{
    fixture *fx = *state;
    char *copy = malloc(fx->pkg_len + 1);
    assert_non_null(copy);
    size_t step = fx->pkg_len / 400 + 1;
    for (size_t i = 0; i < fx->pkg_len; i += (i < 200 || fx->pkg_len - i < 200) ? 1 : step) {
        memcpy(copy, fx->pkg, fx->pkg_len + 1);
        copy[i] = (char)(copy[i] ^ 1);
        package p;
        bilet_err err = { { 0 } };
        bilet_status st = package_parse("demo.bilet", copy, fx->pkg_len, &p, &err);
        if (st == BILET_OK)
            fail_msg("byte %zu altered, the package was still accepted", i);
        assert_true(err.msg[0] != '\0');
    }
    free(copy);
}

static void a_key_not_trusted_is_refused(void **state)
{
    fixture *fx = *state;
    package p;
    bilet_err err = { { 0 } };
    assert_int_equal(package_parse("demo.bilet", fx->pkg, fx->pkg_len, &p, &err), BILET_OK);
    assert_false(package_signed_by(&p, fx->central->pk));
    char dir[] = "/tmp/bilet-test-package-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char other[512], staff[512];
    snprintf(other, sizeof other, "%s/other.pub", dir);
    snprintf(staff, sizeof staff, "%s/staff.pub", dir);
    assert_int_equal(
        keys_file_write_hex_mode(other, fx->central->pk, KEYS_PUBLIC_BYTES, 0644, &err), BILET_OK);
    assert_int_equal(keys_file_write_hex_mode(staff, fx->staff->pk, KEYS_PUBLIC_BYTES, 0644, &err),
                     BILET_OK);
    const char *only_other[] = { other };
    assert_int_equal(package_check_trust(&p, "demo.bilet", only_other, 1, &err), BILET_EBADSIG);
    assert_non_null(strstr(err.msg, "signed by an untrusted key"));
    const char *both[] = { other, staff };
    assert_int_equal(package_check_trust(&p, "demo.bilet", both, 2, &err), BILET_OK);
    assert_int_equal(package_check_trust(&p, "demo.bilet", NULL, 0, &err), BILET_EBADSIG);
    unlink(other);
    unlink(staff);
    rmdir(dir);
    package_free(&p);
}

static void a_package_re_signed_by_another_key_is_refused(void **state)
{
    fixture *fx = *state;
    /* Someone packs the same exam with their own key: good signature, untrusted key. */
    package_input in = input_of(fx);
    char *pkg = NULL;
    size_t len = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(package_create(&in, fx->central, pass, strlen(pass), &pkg, &len, &err),
                     BILET_OK);
    package p;
    assert_int_equal(package_parse("x.bilet", pkg, len, &p, &err), BILET_OK);
    assert_false(package_signed_by(&p, fx->staff->pk));
    package_free(&p);
    free(pkg);
}

static void a_wrong_passphrase_is_refused(void **state)
{
    fixture *fx = *state;
    package p;
    bilet_err err = { { 0 } };
    assert_int_equal(package_parse("demo.bilet", fx->pkg, fx->pkg_len, &p, &err), BILET_OK);
    package_secret sec;
    assert_int_equal(package_unseal(&p, "горные породы 2027", strlen(pass), &sec, &err),
                     BILET_EPERM);
    assert_string_equal(err.msg, "wrong passphrase");
    assert_null(sec.tickets);
    assert_int_equal(package_unseal(&p, pass, strlen(pass) - 1, &sec, &err), BILET_EPERM);
    package_free(&p);
}

static void the_central_copy_opens_with_the_central_key_only(void **state)
{
    fixture *fx = *state;
    package p;
    bilet_err err = { { 0 } };
    assert_int_equal(package_parse("demo.bilet", fx->pkg, fx->pkg_len, &p, &err), BILET_OK);
    assert_non_null(p.central);
    package_secret sec;
    assert_int_equal(package_unseal_central(&p, fx->central, &sec, &err), BILET_OK);
    assert_memory_equal(sec.tickets, fx->tickets, fx->tickets_len);
    assert_memory_equal(sec.code_key, fx->code_key, sizeof fx->code_key);
    package_secret_free(&sec);
    assert_int_equal(package_unseal_central(&p, fx->staff, &sec, &err), BILET_EBADSIG);
    package_free(&p);
}

static void passphrases_short_long_or_with_control_characters_are_refused(void **state)
{
    (void)state;
    bilet_err err = { { 0 } };
    assert_int_equal(package_passphrase_check("короткий", strlen("короткий"), &err), BILET_OK);
    assert_int_equal(package_passphrase_check("семь ок", strlen("семь ок"), &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "at least 8"));
    assert_int_equal(package_passphrase_check("tab\tinside it", 13, &err), BILET_EINVAL);
    assert_int_equal(package_passphrase_check("bad \xff utf-8 bytes", 17, &err), BILET_EINVAL);
    char longp[300];
    memset(longp, 'x', sizeof longp);
    assert_int_equal(package_passphrase_check(longp, 256, &err), BILET_EINVAL);
    assert_int_equal(package_passphrase_check(longp, 255, &err), BILET_OK);
}

static void inputs_over_their_caps_are_refused(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    char *pkg = NULL;
    size_t len = 0;
    package_input in = input_of(fx);
    in.n_tickets = 501;
    assert_int_equal(package_create(&in, fx->staff, pass, strlen(pass), &pkg, &len, &err),
                     BILET_EINVAL);
    in = input_of(fx);
    in.exam_ini_len = PACKAGE_EXAM_INI_MAX + 1;
    assert_int_equal(package_create(&in, fx->staff, pass, strlen(pass), &pkg, &len, &err),
                     BILET_EINVAL);
    in = input_of(fx);
    in.mem = (size_t)PACKAGE_MEM_MAX * 2;
    assert_int_equal(package_create(&in, fx->staff, pass, strlen(pass), &pkg, &len, &err),
                     BILET_EINVAL);
    assert_null(pkg);
    /* A reader refuses a file over the cap before parsing it. */
    package p;
    assert_int_equal(package_parse("big.bilet", fx->pkg, (size_t)PACKAGE_FILE_MAX + 1, &p, &err),
                     BILET_ETOOBIG);
    /* And what is not a package at all. */
    assert_int_equal(package_parse("x.bilet", "[1,2]", 5, &p, &err), BILET_EPARSE);
    assert_int_equal(package_parse("x.bilet", "{\"package\":1}", 13, &p, &err), BILET_EPARSE);
}

static void the_exam_loads_from_memory_sealed_then_tickets_attach(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    examdir_bytes files = {
        .exam_ini = fx->ini,
        .exam_ini_len = fx->ini_len,
        .roster = fx->roster,
        .roster_len = fx->roster_len,
        .sealed_tickets = 27,
    };
    exam e;
    char policies[1024];
    snprintf(policies, sizeof policies, "%s/config/policies", BILET_SOURCE_DIR);
    assert_int_equal(examdir_load_bytes("demo.bilet", &files, policies, &e, &err), BILET_OK);
    assert_string_equal(e.info.id, "2026-12-GD-101");
    assert_int_equal(e.n_tickets, 27);
    assert_null(e.tickets);
    assert_true(e.n_students > 30);
    /* A forged count is caught when the tickets arrive. */
    e.n_tickets = 26;
    assert_int_equal(examdir_attach_tickets("demo.bilet", fx->tickets, fx->tickets_len, &e, &err),
                     BILET_EPARSE);
    assert_non_null(strstr(err.msg, "demo.bilet/tickets.csv"));
    assert_null(e.tickets);
    e.n_tickets = 27;
    assert_int_equal(examdir_attach_tickets("demo.bilet", fx->tickets, fx->tickets_len, &e, &err),
                     BILET_OK);
    assert_non_null(exam_ticket_by_number(&e, 27));
    exam_forget_tickets(&e);
    assert_null(e.tickets);
    assert_int_equal(e.n_tickets, 27);
    exam_free(&e);
    /* A bad roster line is named inside the package. */
    files.roster =
        "record_book;full_name;group;status;extra_minutes\n21-1;Иванов;ГД-21;допушен;0\n";
    files.roster_len = strlen(files.roster);
    assert_int_equal(examdir_load_bytes("demo.bilet", &files, policies, &e, &err), BILET_EPARSE);
    if (!strstr(err.msg, "demo.bilet/roster.csv:2"))
        fail_msg("%s", err.msg);
}

static void wrong_passphrases_lock_the_prompt_longer_each_time(void **state)
{
    (void)state;
    assert_int_equal(session_passphrase_delay(1), 0);
    assert_int_equal(session_passphrase_delay(2), 0);
    assert_int_equal(session_passphrase_delay(3), 1);
    assert_int_equal(session_passphrase_delay(4), 2);
    assert_int_equal(session_passphrase_delay(6), 8);
    assert_int_equal(session_passphrase_delay(20), SESSION_PASSPHRASE_LOCK_MAX);
    assert_int_equal(session_passphrase_delay(1000000), SESSION_PASSPHRASE_LOCK_MAX);
}

static const struct CMUnitTest package_tests[] = {
    cmocka_unit_test_setup_teardown(round_trip_gives_back_the_files_and_the_secret, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(no_ticket_text_is_in_the_package, setup, teardown),
    cmocka_unit_test_setup_teardown(an_altered_byte_anywhere_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(a_key_not_trusted_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(a_package_re_signed_by_another_key_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(a_wrong_passphrase_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(the_central_copy_opens_with_the_central_key_only, setup,
                                    teardown),
    cmocka_unit_test(passphrases_short_long_or_with_control_characters_are_refused),
    cmocka_unit_test_setup_teardown(inputs_over_their_caps_are_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(the_exam_loads_from_memory_sealed_then_tickets_attach, setup,
                                    teardown),
    cmocka_unit_test(wrong_passphrases_lock_the_prompt_longer_each_time),
};

BILET_TEST_MAIN(package_tests)
