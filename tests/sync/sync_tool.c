/*
 * sync_tool.c — what the sync shell tests need beside `bilet` and `bilet-central`, so that
 * they depend on no HTTP or JSON program of the machine:
 *
 *   sync_tool get URL [TOKEN]   GET URL (bearer TOKEN); the body on stdout; exit 0 on 200,
 *                               1 on another status (printed on stderr), 2 no answer
 *   sync_tool bundle FILE       checks a USB bundle's signature; prints "KIOSKHEX COUNT"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "client.h"
#include "keys.h"

static int get(const char *url, const char *token)
{
    char *body = NULL;
    size_t len = 0;
    long status = 0;
    bilet_err err = { { 0 } };
    if (client_get(url, token, NULL, &body, &len, &status, &err) != BILET_OK) {
        fprintf(stderr, "sync_tool get: %s\n", err.msg);
        return 2;
    }
    fwrite(body, 1, len, stdout);
    free(body);
    if (status != 200) {
        fprintf(stderr, "sync_tool get: HTTP %ld\n", status);
        return 1;
    }
    return 0;
}

static bilet_status count(void *ctx, const unsigned char *bytes, size_t len,
                          const unsigned char sig[KEYS_SIG_BYTES], bilet_err *err)
{
    (void)bytes;
    (void)len;
    (void)sig;
    (void)err;
    (*(size_t *)ctx)++;
    return BILET_OK;
}

static int bundle(const char *path)
{
    unsigned char pk[KEYS_PUBLIC_BYTES];
    char hex[2 * KEYS_PUBLIC_BYTES + 1];
    int64_t created = 0;
    size_t n = 0;
    bilet_err err = { { 0 } };
    if (client_bundle_read(path, pk, &created, count, &n, &err) != BILET_OK) {
        fprintf(stderr, "sync_tool bundle: %s\n", err.msg);
        return 1;
    }
    keys_hex_encode(pk, sizeof pk, hex, sizeof hex, NULL);
    printf("%s %zu\n", hex, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && argc <= 4 && strcmp(argv[1], "get") == 0)
        return get(argv[2], argc == 4 ? argv[3] : NULL);
    if (argc == 3 && strcmp(argv[1], "bundle") == 0)
        return bundle(argv[2]);
    fprintf(stderr, "usage: sync_tool get URL [TOKEN] | sync_tool bundle FILE\n");
    return 2;
}
