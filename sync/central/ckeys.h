/*
 * ckeys.h — the central key: the Ed25519 pair that signs receipts, kept in the folder
 * given by --key as central.key (the 64-byte secret key, one line of hex, 0600) and
 * central.pub (the 32-byte public key, 0644), the format of docs/records.md.
 */
#ifndef BILET_CKEYS_H
#define BILET_CKEYS_H

#include <stdbool.h>

#include "keys.h"
#include "status.h"

#define CKEYS_SECRET_FILE "central.key"
#define CKEYS_PUBLIC_FILE "central.pub"

/* Loads DIR/central.key and DIR/central.pub and checks that they belong together. When
 * neither exists, creates them first (and DIR itself, 0700, when missing) and sets
 * *created. Refuses (BILET_EINVAL, through keys_secret_file_read_hex) a central.key that
 * group or others may read, and (BILET_ENOTFOUND) a folder that holds only one of the two
 * files. The caller owns *out (keys_pair_destroy). */
bilet_status ckeys_load(const char *dir, keys_pair **out, bool *created, bilet_err *err);

#endif
