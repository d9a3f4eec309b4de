/*
 * cli_init.c — `bilet init --data DIR`: creates a data folder (keypair and bilet.db) for a
 * kiosk or a staff workstation, and prints what it made and the public key to enrol.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "keys.h"
#include "store.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: bilet init --data DIR\n\n"
                 "Creates DIR (mode 0700) if it is missing, a new Ed25519 keypair in it\n"
                 "(kiosk.key, mode 0600, and kiosk.pub) and the record database bilet.db.\n"
                 "Refuses, changing nothing, when DIR holds a keypair or database already.\n\n"
                 "  -d, --data DIR   the data folder\n"
                 "  -h, --help       this text\n");
}

int cli_init(int argc, char **argv)
{
    const char *dir;
    int rc = cli_parse_data_only("init", argc, argv, usage, &dir);
    if (rc >= 0)
        return rc;

    struct stat sb;
    bool dir_existed = stat(dir, &sb) == 0;
    bilet_err err = { { 0 } };
    bilet_status st = store_init_data_dir(dir, &err);
    if (st != BILET_OK)
        return cli_report("init", st, &err);

    unsigned char pk[KEYS_PUBLIC_BYTES];
    char pk_hex[2 * KEYS_PUBLIC_BYTES + 1];
    char pub_path[4096];
    snprintf(pub_path, sizeof pub_path, "%s/%s", dir, KEYS_PUBLIC_FILE);
    st = keys_file_read_hex(pub_path, pk, sizeof pk, &err);
    if (st != BILET_OK)
        return cli_report("init", st, &err);
    keys_hex_encode(pk, sizeof pk, pk_hex, sizeof pk_hex, NULL);

    if (!dir_existed)
        printf("created %s/ (mode 0700)\n", dir);
    printf("created %s/%s (secret key, mode 0600)\n", dir, KEYS_SECRET_FILE);
    printf("created %s/%s (public key)\n", dir, KEYS_PUBLIC_FILE);
    printf("created %s/%s (record database)\n", dir, STORE_DB_FILE);
    printf("public key: %s\n", pk_hex);
    return 0;
}
