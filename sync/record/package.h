/*
 * package.h — sealed exam packages (FILE.bilet, docs/package.md): the exam's clear files
 * and its sealed secret (tickets.csv, code.key) signed by a staff key; the secret sealed
 * with a key derived by Argon2id from a passphrase, and optionally to the central key.
 *
 * All of the package's cryptography lives here (libsodium stays in sync/record). Every
 * byte read is hostile: sizes are capped, every field is checked, and the first problem is
 * one message naming the package and the field. Secrets (the derived key, the decrypted
 * tickets, the code secret) are wiped on every path; package_secret_free wipes them.
 *
 * Load: one package per kiosk start or CLI run; the Argon2id derivation takes ~0.5 s and
 * the 64 MiB work area, briefly, once per passphrase try.
 */
#ifndef BILET_PACKAGE_H
#define BILET_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "status.h"

enum {
    PACKAGE_FILE_MAX = 64 * 1024 * 1024,
    PACKAGE_EXAM_INI_MAX = 64 * 1024,
    PACKAGE_CSV_MAX = 16 * 1024 * 1024, /* roster.csv, tickets.csv */
    PACKAGE_TICKETS_MAX = 500,
    PACKAGE_EXAM_ID_MAX = 64,
    PACKAGE_CODE_KEY_BYTES = 32,
    PACKAGE_PASSPHRASE_MIN = 8,   /* characters (UTF-8 code points) */
    PACKAGE_PASSPHRASE_MAX = 255, /* bytes: what the kiosk's field holds */
    PACKAGE_SALT_BYTES = 16,
    PACKAGE_NONCE_BYTES = 24,
    PACKAGE_OPS_DEFAULT = 4,
    PACKAGE_MEM_DEFAULT = 64 * 1024 * 1024,
    PACKAGE_OPS_MAX = 10,
    PACKAGE_MEM_MAX = 64 * 1024 * 1024,
};

/* What bilet pack puts into a package. Borrowed; nothing here is kept. */
typedef struct package_input {
    const char *exam_id;
    size_t n_tickets;
    const char *exam_ini;
    size_t exam_ini_len;
    const char *roster;
    size_t roster_len;
    const char *tickets; /* the secret */
    size_t tickets_len;
    const unsigned char *code_key;   /* PACKAGE_CODE_KEY_BYTES, or NULL when none */
    const unsigned char *central_pk; /* KEYS_PUBLIC_BYTES (central.pub), or NULL */
    int64_t created;                 /* Unix seconds */
    unsigned long long ops;          /* Argon2id limits; 0: the defaults */
    size_t mem;
} package_input;

/* Builds the package bytes signed by staff, the secret sealed with passphrase (checked
 * with package_passphrase_check first). On success the caller owns *out (*out_len bytes,
 * NUL-terminated, not secret) and frees it with free(). BILET_EINVAL for a bad input
 * (message says which), BILET_ENOMEM. */
bilet_status package_create(const package_input *in, const keys_pair *staff, const char *passphrase,
                            size_t pass_len, char **out, size_t *out_len, bilet_err *err);

/* Whether a passphrase is acceptable: PACKAGE_PASSPHRASE_MIN characters or more, at most
 * PACKAGE_PASSPHRASE_MAX bytes, UTF-8 without control characters. BILET_EINVAL saying
 * what is wrong. */
bilet_status package_passphrase_check(const char *pass, size_t len, bilet_err *err);

/* A package read and its signature checked against the key inside it. Everything here is
 * clear, public data; the sealed parts stay ciphertext. */
typedef struct package {
    unsigned char staff_pk[KEYS_PUBLIC_BYTES];
    int64_t created;
    char exam_id[PACKAGE_EXAM_ID_MAX];
    size_t n_tickets;
    bool has_code_key;
    char *exam_ini; /* owned, NUL-terminated */
    size_t exam_ini_len;
    char *roster; /* owned, NUL-terminated */
    size_t roster_len;
    unsigned char salt[PACKAGE_SALT_BYTES];
    unsigned long long ops;
    size_t mem;
    unsigned char nonce[PACKAGE_NONCE_BYTES];
    unsigned char *sealed; /* owned ciphertext */
    size_t sealed_len;
    unsigned char *central; /* owned crypto_box_seal ciphertext, or NULL */
    size_t central_len;
} package;

/* Parses package bytes (label names them in messages, e.g. the file's path) into *out and
 * checks the signature against the staff key inside. BILET_EPARSE / BILET_ETOOBIG for a
 * malformed package naming the field, BILET_EBADSIG "bad package signature" when the
 * signature does not verify (an altered byte). *out zeroed on failure; the caller frees it
 * with package_free. */
bilet_status package_parse(const char *label, const void *bytes, size_t len, package *out,
                           bilet_err *err);

/* package_parse of the file at path (read whole, capped at PACKAGE_FILE_MAX). Adds
 * BILET_ENOTFOUND / BILET_EIO. */
bilet_status package_read(const char *path, package *out, bilet_err *err);

/* Releases what the package owns and zeroes it. NULL is fine. */
void package_free(package *p);

/* Whether the package is signed by the key pk (its staff key). */
bool package_signed_by(const package *p, const unsigned char pk[KEYS_PUBLIC_BYTES]);

/* Checks that the package is signed by one of the public key files trusted[0..n): BILET_OK,
 * BILET_EBADSIG "LABEL: signed by an untrusted key (HEX…)" naming the key, or the error of
 * a trusted key file that cannot be read (its path named). */
bilet_status package_check_trust(const package *p, const char *label, const char *const *trusted,
                                 size_t n, bilet_err *err);

/* The secret part once opened. tickets and code_key are wiped by package_secret_free. */
typedef struct package_secret {
    char *tickets; /* owned, NUL-terminated */
    size_t tickets_len;
    bool has_code_key;
    unsigned char code_key[PACKAGE_CODE_KEY_BYTES];
} package_secret;

/* Derives the key from the passphrase (Argon2id with the package's salt and limits) and
 * opens the sealed part into *out. BILET_EPERM "wrong passphrase" when it does not open;
 * BILET_ENOMEM when the Argon2id work area cannot be had (no try was made: not to be
 * counted as a wrong passphrase); BILET_ECORRUPT when the opened layout is damaged. *out
 * zeroed on failure; the caller frees it with package_secret_free. */
bilet_status package_unseal(const package *p, const char *passphrase, size_t pass_len,
                            package_secret *out, bilet_err *err);

/* Opens the copy sealed to the central key with the central's Ed25519 keypair.
 * BILET_ENOTFOUND when the package holds none (packed without --central-pub),
 * BILET_EBADSIG when it was sealed to another central key. As package_unseal otherwise. */
bilet_status package_unseal_central(const package *p, const keys_pair *central, package_secret *out,
                                    bilet_err *err);

/* Wipes and frees the secret, and zeroes it. NULL is fine. */
void package_secret_free(package_secret *s);

#endif
