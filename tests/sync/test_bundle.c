/*
 * test_bundle.c — the signed USB bundle (sync/client/bundle.c): written and read back
 * record for record, laid out as docs/sync.md says, signed over its inner text by the
 * kiosk key, and put in place without leaving temporary files.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "keys.h"
#include "record.h"
#include "test_main.h"

enum { N = 5 };

typedef struct fixture {
    char dir[256];
    char path[320];
    keys_pair *kp;
    char bytes[N][300];
    unsigned char sig[N][KEYS_SIG_BYTES];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bilet-bundle-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/kiosk.bundle", f->dir);
    unsigned char seed[KEYS_SEED_BYTES];
    for (int i = 0; i < KEYS_SEED_BYTES; i++)
        seed[i] = (unsigned char)(i + 1);
    if (keys_pair_from_seed(seed, &f->kp, NULL) != BILET_OK)
        return -1;
    for (int i = 0; i < N; i++) {
        snprintf(f->bytes[i], sizeof f->bytes[i], "{\"v\":1,\"n\":%d,\"text\":\"Әлімов «%d»\"}", i,
                 i);
        record_sign(f->bytes[i], strlen(f->bytes[i]), f->kp, f->sig[i]);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    keys_pair_destroy(f->kp);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void write_bundle(fixture *f, int64_t created)
{
    client_bundle *b = NULL;
    assert_int_equal(client_bundle_create(f->kp->pk, created, &b, NULL), BILET_OK);
    for (int i = 0; i < N; i++)
        assert_int_equal(client_bundle_add(b, (const unsigned char *)f->bytes[i],
                                           strlen(f->bytes[i]), f->sig[i], NULL),
                         BILET_OK);
    assert_int_equal(client_bundle_count(b), N);
    bilet_err err = { { 0 } };
    assert_int_equal(client_bundle_write(b, f->kp, f->path, &err), BILET_OK);
    client_bundle_destroy(b);
}

typedef struct seen {
    fixture *f;
    int n;
} seen;

static bilet_status check_record(void *ctx, const unsigned char *bytes, size_t len,
                                 const unsigned char sig[KEYS_SIG_BYTES], bilet_err *err)
{
    (void)err;
    seen *s = ctx;
    assert_true(s->n < N);
    assert_int_equal(len, strlen(s->f->bytes[s->n]));
    assert_memory_equal(bytes, s->f->bytes[s->n], len);
    assert_memory_equal(sig, s->f->sig[s->n], KEYS_SIG_BYTES);
    s->n++;
    return BILET_OK;
}

static void bundle_read_back_holds_every_record_in_order(void **state)
{
    fixture *f = *state;
    write_bundle(f, 1797746400);
    seen s = { f, 0 };
    unsigned char pk[KEYS_PUBLIC_BYTES];
    int64_t created = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(client_bundle_read(f->path, pk, &created, check_record, &s, &err), BILET_OK);
    assert_int_equal(s.n, N);
    assert_int_equal(created, 1797746400);
    assert_memory_equal(pk, f->kp->pk, sizeof pk);
}

static void bundle_is_laid_out_as_the_contract_says(void **state)
{
    fixture *f = *state;
    write_bundle(f, 42);
    json_t *outer = json_load_file(f->path, 0, NULL);
    assert_non_null(outer);
    assert_int_equal(json_object_size(outer), 2);
    const char *inner = json_string_value(json_object_get(outer, "bundle"));
    const char *sig = json_string_value(json_object_get(outer, "sig"));
    assert_non_null(inner);
    assert_non_null(sig);
    assert_int_equal(strlen(sig), 128);
    char head[200];
    char pk_hex[65];
    keys_hex_encode(f->kp->pk, KEYS_PUBLIC_BYTES, pk_hex, sizeof pk_hex, NULL);
    snprintf(head, sizeof head,
             "{\"v\":1,\"kiosk\":\"%s\",\"created\":42,\"records\":[{\"bytes\":\"", pk_hex);
    assert_int_equal(strncmp(inner, head, strlen(head)), 0);
    assert_string_equal(inner + strlen(inner) - 2, "]}");
    unsigned char sig_bin[KEYS_SIG_BYTES];
    assert_int_equal(keys_hex_decode(sig, sig_bin, sizeof sig_bin, NULL), BILET_OK);
    assert_true(record_signature_valid(inner, strlen(inner), f->kp->pk, sig_bin));
    json_decref(outer);
}

/* Replaces the first occurrence of from in the file by to (same length). */
static void patch_file(const char *path, const char *from, const char *to)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    assert_non_null(at);
    memcpy(at, to, strlen(to));
    rewind(fp);
    assert_int_equal(fwrite(buf, 1, n, fp), n);
    fclose(fp);
}

static void bundle_altered_after_signing_is_refused(void **state)
{
    fixture *f = *state;
    write_bundle(f, 7);
    patch_file(f->path, "\\\"created\\\":7", "\\\"created\\\":8");
    seen s = { f, 0 };
    unsigned char pk[KEYS_PUBLIC_BYTES];
    int64_t created = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(client_bundle_read(f->path, pk, &created, check_record, &s, &err),
                     BILET_EBADSIG);
    assert_int_equal(s.n, 0);
    assert_non_null(strstr(err.msg, "kiosk.bundle"));
}

static void bundle_is_not_signed_with_another_kiosk_key(void **state)
{
    fixture *f = *state;
    unsigned char other[KEYS_PUBLIC_BYTES];
    memset(other, 0x11, sizeof other);
    client_bundle *b = NULL;
    assert_int_equal(client_bundle_create(other, 1, &b, NULL), BILET_OK);
    assert_int_equal(client_bundle_write(b, f->kp, f->path, NULL), BILET_EINVAL);
    assert_int_not_equal(access(f->path, F_OK), 0);
    client_bundle_destroy(b);
}

static void writing_leaves_only_the_bundle_in_its_folder(void **state)
{
    fixture *f = *state;
    write_bundle(f, 1);
    write_bundle(f, 2); /* replaced in place */
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            assert_string_equal(e->d_name, "kiosk.bundle");
            files++;
        }
    closedir(d);
    assert_int_equal(files, 1);
}

static void file_that_is_not_a_bundle_is_a_parse_error(void **state)
{
    fixture *f = *state;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("{\"bundle\":\"{}\",\"sig\":\"00\"}", fp);
    fclose(fp);
    unsigned char pk[KEYS_PUBLIC_BYTES];
    int64_t created;
    bilet_err err = { { 0 } };
    assert_int_equal(client_bundle_read(f->path, pk, &created, check_record, NULL, &err),
                     BILET_EPARSE);
    assert_non_null(strstr(err.msg, "not a bilet bundle"));
}

static void empty_log_makes_an_empty_signed_bundle(void **state)
{
    fixture *f = *state;
    client_bundle *b = NULL;
    assert_int_equal(client_bundle_create(f->kp->pk, 5, &b, NULL), BILET_OK);
    assert_int_equal(client_bundle_write(b, f->kp, f->path, NULL), BILET_OK);
    client_bundle_destroy(b);
    seen s = { f, 0 };
    unsigned char pk[KEYS_PUBLIC_BYTES];
    int64_t created = 0;
    assert_int_equal(client_bundle_read(f->path, pk, &created, check_record, &s, NULL), BILET_OK);
    assert_int_equal(s.n, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(bundle_read_back_holds_every_record_in_order, setup, teardown),
    cmocka_unit_test_setup_teardown(bundle_is_laid_out_as_the_contract_says, setup, teardown),
    cmocka_unit_test_setup_teardown(bundle_altered_after_signing_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(bundle_is_not_signed_with_another_kiosk_key, setup, teardown),
    cmocka_unit_test_setup_teardown(writing_leaves_only_the_bundle_in_its_folder, setup, teardown),
    cmocka_unit_test_setup_teardown(file_that_is_not_a_bundle_is_a_parse_error, setup, teardown),
    cmocka_unit_test_setup_teardown(empty_log_makes_an_empty_signed_bundle, setup, teardown),
};

BILET_TEST_MAIN(tests)
