/*
 * record_example.c — writes the worked example of docs/records.md into a folder:
 * example.seed, example.pub, and example-K.record (the exact bytes, no newline),
 * example-K.hash and example-K.sig (hex lines) for each example record. Run it only to
 * regenerate tests/data/record after a deliberate format change; test_record checks the
 * files it wrote.
 */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "record.h"
#include "record_example.h"

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "record_example: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

static int write_hex(const char *dir, const char *name, const unsigned char *bin, size_t n)
{
    char hex[2 * KEYS_SIG_BYTES + 2];
    keys_hex_encode(bin, n, hex, sizeof hex, NULL);
    size_t len = strlen(hex);
    hex[len] = '\n';
    return write_file(dir, name, hex, len + 1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: record_example DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    unsigned char seed[KEYS_SEED_BYTES];
    keys_pair *kp = NULL;
    bilet_err err = { { 0 } };
    record_example_seed(seed);
    if (keys_pair_from_seed(seed, &kp, &err) != BILET_OK) {
        fprintf(stderr, "record_example: %s\n", err.msg);
        return 1;
    }
    char kiosk[RECORD_HEX_LEN + 1];
    char prev[RECORD_HEX_LEN + 1];
    keys_hex_encode(kp->pk, KEYS_PUBLIC_BYTES, kiosk, sizeof kiosk, NULL);
    memset(prev, '0', RECORD_HEX_LEN);
    prev[RECORD_HEX_LEN] = '\0';
    int rc = write_hex(dir, "example.seed", seed, sizeof seed);
    rc |= write_hex(dir, "example.pub", kp->pk, KEYS_PUBLIC_BYTES);

    record_buf buf = { 0 };
    for (int k = 1; k <= RECORD_EXAMPLE_COUNT && rc == 0; k++) {
        record_header h;
        bilet_field f[BILET_FIELDS_MAX];
        size_t n = record_example(k, &h, f);
        h.kiosk = kiosk;
        h.prev = prev;
        if (record_build(&h, f, n, &buf, &err) != BILET_OK) {
            fprintf(stderr, "record_example: %s\n", err.msg);
            rc = 1;
            break;
        }
        unsigned char hash[KEYS_HASH_BYTES], sig[KEYS_SIG_BYTES];
        record_hash(buf.data, buf.len, hash);
        record_sign(buf.data, buf.len, kp, sig);
        char name[64];
        snprintf(name, sizeof name, "example-%d.record", k);
        rc |= write_file(dir, name, buf.data, buf.len);
        snprintf(name, sizeof name, "example-%d.hash", k);
        rc |= write_hex(dir, name, hash, sizeof hash);
        snprintf(name, sizeof name, "example-%d.sig", k);
        rc |= write_hex(dir, name, sig, sizeof sig);
        keys_hex_encode(hash, sizeof hash, prev, sizeof prev, NULL);
    }
    record_buf_free(&buf);
    keys_pair_destroy(kp);
    return rc;
}
